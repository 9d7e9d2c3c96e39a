/* aib_config.c -- every variable the ai-bridge reads, in one table, and
 * the bots file read with the process environment (the only getenv()
 * calls of the service). The file's format is parsed in aib_bots.c. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aib_config.h"
#include "cmn/cmn_buf.h"
#include "cmn/cmn_env.h"
#include "cmn/cmn_err.h"

#define AIB_BOTS_FILE_MAX (1 << 20)

#define F(field) offsetof(struct aib_config, field)
static const struct cmn_env_var aib_env[] = {
    {"LOG_LEVEL", CMN_ENV_CHOICE, F(log_level), "info", 0, 0, 0,
     "minimum log level", "debug|info|warn|error"},
    {"HEALTH_BIND", CMN_ENV_STR, F(health_bind), "127.0.0.1", 0, 0, 0,
     "address of /healthz and /metrics"},
    {"AIB_HEALTH_PORT", CMN_ENV_INT, F(health_port), "9085", 0, 65535, 0,
     "port of /healthz and /metrics; 0 = any free port"},
    {"REDIS_HOST", CMN_ENV_STR, F(redis_host), "127.0.0.1", 0, 0, 0,
     "Redis host"},
    {"REDIS_PORT", CMN_ENV_INT, F(redis_port), "6379", 1, 65535, 0,
     "Redis port"},
    {"BOTS_FILE", CMN_ENV_STR, F(bots_file), "deploy/bots.json", 0, 0, 0,
     "bot definitions (docs/bots.md)"},
    {"OPENAI_API_KEY", CMN_ENV_STR, F(openai_api_key), NULL, 0, 0,
     CMN_ENV_SECRET, "OpenAI key (ChatGPT's key_env); ChatGPT is online "
     "only when set"},
    {"OPENAI_BASE_URL", CMN_ENV_STR, F(openai_base_url),
     "https://api.openai.com/v1", 0, 0, 0,
     "OpenAI-compatible API base (ChatGPT's endpoint_env)"},
    {"OPENAI_MODEL", CMN_ENV_STR, F(openai_model), "gpt-4o-mini", 0, 0, 0,
     "chat completions model (ChatGPT's model_env)"},
    {"LEONID_THE_CHAT_BOT", CMN_ENV_CHOICE, F(leonid), "Disabled", 0, 0, 0,
     "Leonid the Chat Bot (Leonid's enabled_env)", "Enabled|Disabled"},
    {"LEONID_URL", CMN_ENV_STR, F(leonid_url), "http://127.0.0.1:5001", 0, 0,
     0, "Leonid's HTTP API (Leonid's endpoint_env)"},
    {"LEONID_AUTH_TOKEN", CMN_ENV_STR, F(leonid_token), NULL, 0, 0,
     CMN_ENV_SECRET, "user_token claim of Leonid's user_data (key_env); "
     "default: the original's"},
    {"LEONID_JWT_SECRET", CMN_ENV_STR, F(leonid_secret), NULL, 0, 0,
     CMN_ENV_SECRET, "HS256 key of Leonid's user_data (secret_env); "
     "unset: a random key per process"},
    {"AIB_HEARTBEAT_MS", CMN_ENV_INT, F(heartbeat_ms), "2000", 100, 60000, 0,
     "bots' presence heartbeat; keep well under "
     "KEEP_ALIVE_DELAY_BETWEEN_EVENTS"},
    {"AIB_CLAIM_IDLE_MS", CMN_ENV_INT, F(claim_idle_ms), "15000", 1000,
     3600000, 0, "messages another bridge left pending this long are "
     "taken over"},
    {"AIB_STOP_GRACE_MS", CMN_ENV_INT, F(stop_grace_ms), "3000", 0, 60000, 0,
     "on SIGTERM, requests in flight may finish for this long"},
};
#undef F

int
aib_config_load(struct aib_config *cfg)
{
    return cmn_env_load(aib_env, sizeof aib_env / sizeof aib_env[0], cfg);
}

void
aib_config_log(const struct aib_config *cfg)
{
    cmn_env_log(aib_env, sizeof aib_env / sizeof aib_env[0], cfg);
}

void
aib_config_usage(void)
{
    cmn_env_usage(aib_env, sizeof aib_env / sizeof aib_env[0]);
}

/* The lookup the bots file parser uses in the real process. */
static const char *
aib_config_getenv(const char *name, void *ctx)
{
    (void)ctx;
    return getenv(name);
}

int
aib_bots_load(const char *path, struct aib_bots *out, char *err)
{
    struct cmn_buf b;
    char chunk[8192];
    FILE *f;
    size_t n;
    int rc;

    memset(out, 0, sizeof *out);
    if ((f = fopen(path, "r")) == NULL) {
        cmn_errf(err, "BOTS_FILE=%s: %s", path, strerror(errno));
        return -1;
    }
    cmn_buf_init(&b);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + n > AIB_BOTS_FILE_MAX || cmn_buf_append(&b, chunk, n)) {
            cmn_errf(err, "BOTS_FILE=%s: larger than %d bytes", path,
                     AIB_BOTS_FILE_MAX);
            fclose(f);
            cmn_buf_free(&b);
            return -1;
        }
    }
    fclose(f);
    rc = aib_bots_parse(b.p ? b.p : "", b.len, aib_config_getenv, NULL, out,
                        err);
    cmn_buf_free(&b);
    if (rc != 0) {
        char inner[CMN_ERR_LEN];

        snprintf(inner, sizeof inner, "%s", err);
        cmn_errf(err, "BOTS_FILE=%s: %s", path, inner);
    }
    return rc;
}
