/* aib_bots.c -- the bots file: {"bots": [ {entry}, ... ]}.
 *
 * Each entry names a bot (a user of role bot), its kind and where it
 * lives; *_env members name environment variables that override the
 * file's value when set (deploy/bots.json points ChatGPT's at
 * OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL). Unknown members are an
 * error, so a typo stops the service at start instead of being ignored.
 * The members and their defaults are documented in docs/bots.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "aib_config.h"
#include "cmn/cmn_err.h"

/* The original's Leonid integration sent this as user_token. */
#define AIB_LEONID_TOKEN_DEFAULT "%Leonid_Test_Token%"

/* An integer member: name, bounds, and its default per kind. */
struct aib_intopt {
    const char *name;
    size_t off;
    int min, max;
    int def[3];              /* openai, leonid, webhook */
};

#define O(field) offsetof(struct aib_botcfg, field)
static const struct aib_intopt aib_intopts[] = {
    {"timeout_ms", O(timeout_ms), 100, 600000, {60000, 120000, 30000}},
    {"connect_timeout_ms", O(connect_timeout_ms), 50, 60000,
     {3000, 3000, 3000}},
    {"retries", O(retries), 0, 10, {2, 1, 2}},
    {"backoff_ms", O(backoff_ms), 1, 60000, {500, 500, 500}},
    {"backoff_max_ms", O(backoff_max_ms), 1, 600000, {8000, 8000, 8000}},
    {"concurrency", O(concurrency), 1, 256, {16, 4, 16}},
    /* at most what one XCLAIM renews (AIB_LEASE_MAX in aib_bot.c) */
    {"max_queue", O(max_queue), 1, 1024, {1000, 1000, 1000}},
    {"context_turns", O(context_turns), 0, 100, {10, 0, 0}},
    {"context_ttl_s", O(context_ttl_s), 1, 31536000,
     {86400, 86400, 86400}},
    {"probe_interval_ms", O(probe_interval_ms), 100, 3600000,
     {5000, 5000, 5000}},
    {"max_tokens", O(max_tokens), 0, 1000000, {0, 0, 0}},
    {"max_reply_bytes", O(max_reply_bytes), 1024, 64 << 20,
     {1 << 20, 1 << 20, 1 << 20}},
};
#undef O

/* Every string member an entry may have (besides the integers). */
static const char *const aib_strmembers[] = {
    "name", "kind", "comment", "endpoint", "endpoint_env", "model",
    "model_env", "key_env", "secret_env", "enabled_env", "system_prompt",
    "probe_path", "user_token", NULL
};
static const char *const aib_boolmembers[] = {
    "enabled", "forget_on_offline", "probe", NULL
};

static const char *const aib_kinds[] = {"openai", "leonid", "webhook"};

const char *
aib_kind_name(enum aib_kind k)
{
    return (unsigned)k < 3 ? aib_kinds[k] : "?";
}

void
aib_url_redact(const char *url, char *out, size_t cap)
{
    const char *host = strstr(url, "://"), *at, *slash;

    host = host ? host + 3 : url;
    slash = strchr(host, '/');
    at = strchr(host, '@');
    if (at != NULL && (slash == NULL || at < slash))
        snprintf(out, cap, "%.*s***%s", (int)(host - url), url, at);
    else
        snprintf(out, cap, "%s", url);
}

const struct aib_botcfg *
aib_bots_find(const struct aib_bots *b, const char *name)
{
    for (size_t i = 0; b != NULL && i < b->n; i++)
        if (strcmp(b->v[i].name, name) == 0)
            return &b->v[i];
    return NULL;
}

static void
aib_wipe_free(char *s)
{
    if (s != NULL) {
        explicit_bzero(s, strlen(s));
        free(s);
    }
}

static void
aib_botcfg_free(struct aib_botcfg *c)
{
    free(c->name);
    free(c->endpoint);
    free(c->model);
    aib_wipe_free(c->key);
    free(c->key_env);
    aib_wipe_free(c->secret);
    free(c->system_prompt);
    free(c->probe_path);
    memset(c, 0, sizeof *c);
}

void
aib_bots_free(struct aib_bots *b)
{
    if (b == NULL)
        return;
    for (size_t i = 0; i < b->n; i++)
        aib_botcfg_free(&b->v[i]);
    free(b->v);
    b->v = NULL;
    b->n = 0;
}

/* Parse state of one entry, for error messages. */
struct aib_entry {
    json_t *obj;
    size_t index;
    const char *name;        /* "?" until known */
    aib_env_fn env;
    void *ctx;
    char *err;
};

static int
aib_entry_fail(struct aib_entry *e, const char *what, const char *member)
{
    cmn_errf(e->err, "bot %zu (\"%s\"): %s%s%s", e->index + 1, e->name,
             member ? member : "", member ? ": " : "", what);
    return -1;
}

static int
aib_in_list(const char *const *list, const char *s)
{
    for (; *list != NULL; list++)
        if (strcmp(*list, s) == 0)
            return 1;
    return 0;
}

/* The string member `name`; *out = NULL when absent. -1 on a non-string. */
static int
aib_entry_str(struct aib_entry *e, const char *name, const char **out)
{
    json_t *v = json_object_get(e->obj, name);

    *out = NULL;
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return aib_entry_fail(e, "expected a string", name);
    *out = json_string_value(v);
    return 0;
}

/* The value of the variable named by member `env_member`, when the entry
 * names one and it is set and not empty; else NULL. */
static const char *
aib_entry_env(struct aib_entry *e, const char *env_member)
{
    const char *var, *val;

    if (aib_entry_str(e, env_member, &var) != 0 || var == NULL)
        return NULL;
    val = e->env(var, e->ctx);
    return (val != NULL && val[0] != '\0') ? val : NULL;
}

static int
aib_dup(struct aib_entry *e, char **dst, const char *src)
{
    if (src == NULL)
        return 0;
    if ((*dst = strdup(src)) == NULL)
        return aib_entry_fail(e, "out of memory", NULL);
    return 0;
}

static int
aib_name_valid(const char *s)
{
    size_t n = 0;

    for (; *s != '\0'; s++, n++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
              (*s >= '0' && *s <= '9') || *s == '_' || *s == '.' ||
              *s == '-'))
            return 0;
    return n >= 1 && n <= 32;
}

/* Check every member is known and of the right type. */
static int
aib_entry_members(struct aib_entry *e)
{
    const char *key;
    json_t *v;

    json_object_foreach(e->obj, key, v) {
        size_t i;

        if (aib_in_list(aib_strmembers, key)) {
            if (!json_is_string(v) && !json_is_null(v))
                return aib_entry_fail(e, "expected a string", key);
            continue;
        }
        if (aib_in_list(aib_boolmembers, key)) {
            if (!json_is_boolean(v))
                return aib_entry_fail(e, "expected true or false", key);
            continue;
        }
        for (i = 0; i < sizeof aib_intopts / sizeof aib_intopts[0]; i++)
            if (strcmp(aib_intopts[i].name, key) == 0)
                break;
        if (i == sizeof aib_intopts / sizeof aib_intopts[0])
            return aib_entry_fail(e, "unknown member", key);
    }
    return 0;
}

static int
aib_entry_ints(struct aib_entry *e, struct aib_botcfg *c)
{
    for (size_t i = 0; i < sizeof aib_intopts / sizeof aib_intopts[0]; i++) {
        const struct aib_intopt *o = &aib_intopts[i];
        json_t *v = json_object_get(e->obj, o->name);
        int *dst = (int *)((char *)c + o->off);
        json_int_t x;

        *dst = o->def[c->kind];
        if (v == NULL)
            continue;
        if (!json_is_integer(v))
            return aib_entry_fail(e, "expected an integer", o->name);
        x = json_integer_value(v);
        if (x < o->min || x > o->max) {
            char what[96];

            snprintf(what, sizeof what, "expected an integer in [%d, %d]",
                     o->min, o->max);
            return aib_entry_fail(e, what, o->name);
        }
        *dst = (int)x;
    }
    if (c->backoff_max_ms < c->backoff_ms)
        return aib_entry_fail(e, "smaller than backoff_ms", "backoff_max_ms");
    return 0;
}

/* enabled_env decides when named (unset or Disabled = off); otherwise the
 * "enabled" member (default true). */
static int
aib_entry_enabled(struct aib_entry *e, struct aib_botcfg *c)
{
    json_t *v = json_object_get(e->obj, "enabled");
    const char *var, *val;

    c->enabled = v == NULL || json_is_true(v);
    if (aib_entry_str(e, "enabled_env", &var) != 0)
        return -1;
    if (var == NULL)
        return 0;
    val = e->env(var, e->ctx);
    if (val == NULL || val[0] == '\0' || strcasecmp(val, "Disabled") == 0 ||
        strcasecmp(val, "false") == 0 || strcmp(val, "0") == 0 ||
        strcasecmp(val, "no") == 0 || strcasecmp(val, "off") == 0) {
        c->enabled = 0;
    } else if (strcasecmp(val, "Enabled") == 0 ||
               strcasecmp(val, "true") == 0 || strcmp(val, "1") == 0 ||
               strcasecmp(val, "yes") == 0 || strcasecmp(val, "on") == 0) {
        c->enabled = 1;
    } else {
        char what[160];

        snprintf(what, sizeof what, "%.60s=\"%.40s\": expected Enabled or "
                 "Disabled", var, val);
        return aib_entry_fail(e, what, "enabled_env");
    }
    return 0;
}

static int
aib_url_valid(const char *u)
{
    return (strncmp(u, "http://", 7) == 0 && u[7] != '\0') ||
           (strncmp(u, "https://", 8) == 0 && u[8] != '\0');
}

/* endpoint, model, key, secret: file values with environment overrides. */
static int
aib_entry_strings(struct aib_entry *e, struct aib_botcfg *c)
{
    const char *endpoint, *model, *prompt, *probe, *keyvar, *token;
    const char *v;
    json_t *pj = json_object_get(e->obj, "probe");
    size_t n;

    if (aib_entry_str(e, "endpoint", &endpoint) || aib_entry_str(e, "model",
        &model) || aib_entry_str(e, "system_prompt", &prompt) ||
        aib_entry_str(e, "probe_path", &probe) ||
        aib_entry_str(e, "key_env", &keyvar) ||
        aib_entry_str(e, "user_token", &token))
        return -1;
    if ((v = aib_entry_env(e, "endpoint_env")) != NULL)
        endpoint = v;
    if ((v = aib_entry_env(e, "model_env")) != NULL)
        model = v;
    if (endpoint == NULL)
        return aib_entry_fail(e, "required (or set endpoint_env's variable)",
                              "endpoint");
    if (!aib_url_valid(endpoint))
        return aib_entry_fail(e, "expected an http:// or https:// URL",
                              "endpoint");
    if (c->kind == AIB_KIND_OPENAI && model == NULL)
        return aib_entry_fail(e, "required for kind openai", "model");
    if (aib_dup(e, &c->endpoint, endpoint) || aib_dup(e, &c->model, model) ||
        aib_dup(e, &c->system_prompt, prompt) ||
        aib_dup(e, &c->key_env, keyvar))
        return -1;
    n = strlen(c->endpoint);
    while (n > 0 && c->endpoint[n - 1] == '/')
        c->endpoint[--n] = '\0';
    /* the key: the variable's value; Leonid's user_token falls back to
     * the file and then to the original's constant */
    v = aib_entry_env(e, "key_env");
    if (v == NULL && c->kind == AIB_KIND_LEONID)
        v = token ? token : AIB_LEONID_TOKEN_DEFAULT;
    if (aib_dup(e, &c->key, v) ||
        aib_dup(e, &c->secret, aib_entry_env(e, "secret_env")))
        return -1;
    /* probing: Leonid by default ("/"), others when asked */
    if (probe == NULL && (c->kind == AIB_KIND_LEONID || json_is_true(pj)))
        probe = "/";
    if (json_is_false(pj))
        probe = NULL;
    if (probe != NULL && probe[0] != '/')
        return aib_entry_fail(e, "must start with '/'", "probe_path");
    return aib_dup(e, &c->probe_path, probe);
}

static int
aib_entry_parse(struct aib_entry *e, struct aib_botcfg *c)
{
    const char *name, *kind;
    json_t *v;
    int k;

    if (!json_is_object(e->obj))
        return aib_entry_fail(e, "expected an object", NULL);
    if (aib_entry_str(e, "name", &name) != 0)
        return -1;
    if (name == NULL || !aib_name_valid(name))
        return aib_entry_fail(e, "required: 1 to 32 of A-Z a-z 0-9 _ . -",
                              "name");
    e->name = name;
    if (aib_entry_members(e) != 0 || aib_entry_str(e, "kind", &kind) != 0)
        return -1;
    for (k = 0; k < 3; k++)
        if (kind != NULL && strcmp(kind, aib_kinds[k]) == 0)
            break;
    if (k == 3)
        return aib_entry_fail(e, "expected openai, leonid or webhook",
                              "kind");
    c->kind = (enum aib_kind)k;
    if (aib_dup(e, &c->name, name) || aib_entry_ints(e, c) ||
        aib_entry_enabled(e, c) || aib_entry_strings(e, c))
        return -1;
    v = json_object_get(e->obj, "forget_on_offline");
    c->forget_on_offline = json_is_true(v);
    return 0;
}

int
aib_bots_parse(const char *text, size_t len, aib_env_fn env, void *ctx,
               struct aib_bots *out, char *err)
{
    json_error_t jerr;
    json_t *root, *arr;
    size_t i;

    memset(out, 0, sizeof *out);
    root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        cmn_errf(err, "line %d: %s", jerr.line, jerr.text);
        return -1;
    }
    arr = json_object_get(root, "bots");
    if (!json_is_array(arr)) {
        cmn_errf(err, "expected {\"bots\": [...]}");
        json_decref(root);
        return -1;
    }
    out->v = calloc(json_array_size(arr) + 1, sizeof *out->v);
    if (out->v == NULL) {
        cmn_errf(err, "out of memory");
        json_decref(root);
        return -1;
    }
    for (i = 0; i < json_array_size(arr); i++) {
        struct aib_entry e = {json_array_get(arr, i), i, "?", env, ctx, err};

        out->n = i + 1;
        if (aib_entry_parse(&e, &out->v[i]) != 0)
            goto fail;
        if (aib_bots_find(&(struct aib_bots){out->v, i}, out->v[i].name)) {
            aib_entry_fail(&e, "configured twice", "name");
            goto fail;
        }
    }
    json_decref(root);
    return 0;
fail:
    json_decref(root);
    aib_bots_free(out);
    return -1;
}
