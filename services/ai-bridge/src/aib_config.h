/* aib_config.h -- the ai-bridge's configuration: the process settings from
 * the environment (a cmn_env table) and the bot definitions from BOTS_FILE
 * (deploy/bots.json), whose entries may name environment variables that
 * override them (key_env, endpoint_env, model_env, enabled_env, ...).
 *
 * Everything is read once at start, checked, and then passed down as
 * const. getenv() is called only in aib_config.c; the parser itself
 * (aib_bots_parse) takes a lookup function so the tests can feed it. */
#ifndef AIB_CONFIG_H
#define AIB_CONFIG_H

#include <stddef.h>

#define AIB_NAME_MAX 64         /* bot names are user names */

struct aib_config {
    const char *log_level;
    const char *health_bind;
    int health_port;
    const char *redis_host;
    int redis_port;
    const char *bots_file;
    const char *openai_api_key;
    const char *openai_base_url;
    const char *openai_model;
    const char *leonid;          /* Enabled | Disabled */
    const char *leonid_url;
    const char *leonid_token;
    const char *leonid_secret;
    int heartbeat_ms;            /* bot presence beat */
    int claim_idle_ms;           /* take over entries idle this long */
    int stop_grace_ms;           /* on SIGTERM, let requests run this long */
};

enum aib_kind {
    AIB_KIND_OPENAI,
    AIB_KIND_LEONID,
    AIB_KIND_WEBHOOK
};

/* One bot, fully resolved (environment overrides applied). Strings are
 * owned by the struct (aib_bots_free); secrets are wiped there. */
struct aib_botcfg {
    char *name;
    enum aib_kind kind;
    char *endpoint;          /* base URL, no trailing '/' */
    char *model;             /* openai */
    char *key;               /* value of key_env; NULL when unset */
    char *key_env;           /* the variable's name, for logs */
    char *secret;            /* leonid: HMAC key of user_data; NULL=random */
    char *system_prompt;     /* openai; NULL = none */
    char *probe_path;        /* GET endpoint+path must answer; NULL = none */
    int enabled;             /* enabled / enabled_env */
    int context_turns;       /* openai: question/answer pairs kept */
    int context_ttl_s;       /* openai: context forgotten after this idle */
    int forget_on_offline;   /* drop the context when the user leaves */
    int timeout_ms;          /* whole request */
    int connect_timeout_ms;
    int retries;             /* extra attempts after 429/5xx/connect */
    int backoff_ms;          /* first retry delay (doubles) */
    int backoff_max_ms;
    int concurrency;         /* requests in flight at once */
    int max_queue;           /* messages held before reading pauses */
    int probe_interval_ms;
    int max_tokens;          /* openai: 0 = not sent */
    int max_reply_bytes;     /* bigger HTTP replies are refused */
};

struct aib_bots {
    struct aib_botcfg *v;
    size_t n;
};

/* Value of environment variable name, or NULL when unset. */
typedef const char *(*aib_env_fn)(const char *name, void *ctx);

/* Process settings from the environment. Logs one line per problem and
 * returns their number. */
int aib_config_load(struct aib_config *cfg);
void aib_config_log(const struct aib_config *cfg);
void aib_config_usage(void);

/* Parse the bots file text. 0, or -1 with one line in err (CMN_ERR_LEN)
 * naming the bot and the field. out is empty on failure. */
int aib_bots_parse(const char *text, size_t len, aib_env_fn env, void *ctx,
                   struct aib_bots *out, char *err);
/* Read and parse path with the process environment. 0 or -1 + err. */
int aib_bots_load(const char *path, struct aib_bots *out, char *err);
/* NULL-safe; wipes keys and secrets. */
void aib_bots_free(struct aib_bots *b);

/* url for logs: "user:password@" (if any) replaced by "***@". */
void aib_url_redact(const char *url, char *out, size_t cap);

/* "openai" ... */
const char *aib_kind_name(enum aib_kind k);
/* Look a bot up by name; NULL when not configured. */
const struct aib_botcfg *aib_bots_find(const struct aib_bots *b,
                                       const char *name);

#endif
