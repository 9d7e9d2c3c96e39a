/* auth_creds.c -- parse and check user name + password (see
 * auth_creds.h). Runs on an MHD worker thread; blocks on argon2. */
#include <string.h>

#include <sodium.h>

#include "cmn/cmn_log.h"

#include "auth_app.h"
#include "auth_body.h"
#include "auth_creds.h"
#include "auth_metrics.h"
#include "auth_ratelimit.h"

enum auth_result
auth_creds_parse(const struct auth_req *rq, struct auth_creds *c,
                 struct cmn_json_span *obj, struct auth_resp *rs)
{
    struct cmn_json_span o;

    memset(c, 0, sizeof *c);
    if (auth_body_object(rq->body, rq->body_len, &o) != 0)
        return auth_fail(rs, AUTH_BAD_REQUEST,
                         "The request body must be a JSON object");
    switch (auth_body_string(o, "password", c->pw, sizeof c->pw,
                             &c->pwlen)) {
    case AUTH_FIELD_STRING:
        break;
    case AUTH_FIELD_TOO_LONG:
        return auth_fail(rs, AUTH_BAD_REQUEST, "The 'password' field must "
                         "be at most %d bytes, without U+0000",
                         AUTH_PASSWORD_MAX);
    default:
        return auth_fail(rs, AUTH_BAD_REQUEST,
                         "The 'password' field must be a string");
    }
    c->has_user = auth_body_string(o, "username", c->user, sizeof c->user,
                                   NULL) == AUTH_FIELD_STRING;
    if (obj != NULL)
        *obj = o;
    return AUTH_OK;
}

static long
auth_creds_ceil_s(long ms)
{
    return (ms + 999) / 1000;
}

/* Look up and verify. Sets *why on a refusal. Always hashes once. */
static enum auth_result
auth_creds_verify(struct auth_ctx *cx, const struct auth_creds *c,
                  struct auth_user *u, const char **why, struct auth_resp *rs)
{
    enum auth_users_rc found = AUTH_USERS_NOT_FOUND;
    char err[256];
    int ok;

    if (c->has_user) {
        found = auth_users_find(&cx->w->db, c->user, u, err);
        if (found == AUTH_USERS_DOWN || found == AUTH_USERS_ERROR) {
            auth_app_note_db(cx->app, found == AUTH_USERS_DOWN);
            cmn_log_error("login", "user lookup: %s", err);
            return auth_fail(rs, found == AUTH_USERS_DOWN ? AUTH_DB_DOWN
                                                          : AUTH_INTERNAL,
                             "%s", "");
        }
        auth_app_note_db(cx->app, 0);
    }
    /* a bot's empty hash and an unknown user both verify the dummy */
    ok = auth_pwhash_verify(cx->app->ph,
                            found == AUTH_USERS_OK ? u->hash : NULL,
                            c->pw, c->pwlen);
    if (found != AUTH_USERS_OK)
        *why = "unknown_user";
    else if (strcmp(u->role, "bot") == 0)
        *why = "bot";
    else if (!ok)
        *why = "bad_password";
    else if (strcmp(u->status, "enabled") != 0)
        *why = "disabled";
    else
        return AUTH_OK;
    return AUTH_BAD_CREDENTIALS;
}

enum auth_result
auth_creds_check(struct auth_ctx *cx, const struct auth_req *rq,
                 const struct auth_creds *c, struct auth_user *u,
                 const char **why, struct auth_resp *rs)
{
    const struct auth_config *cfg = cx->app->cfg;
    struct auth_rl_limits lim = {cfg->rl_window_s, cfg->rl_user_max,
                                 cfg->rl_addr_max};
    const char *name = c->has_user ? c->user : NULL;
    enum auth_result r;
    long wait_ms;

    memset(u, 0, sizeof *u);
    *why = "";
    wait_ms = auth_rl_check(&cx->w->redis, &lim, name, rq->client);
    if (wait_ms < 0) {
        auth_app_note_redis(cx->app, 1);
        return AUTH_REDIS_DOWN;
    }
    auth_app_note_redis(cx->app, 0);
    if (wait_ms > 0) {
        cmn_metric_add(&auth_m_rate_limited, 1);
        rs->retry_after_s = auth_creds_ceil_s(wait_ms);
        *why = "rate_limited";
        return auth_fail(rs, AUTH_RATE_LIMITED, "Too many failed login "
                         "attempts; try again in %ld s", rs->retry_after_s);
    }
    r = auth_creds_verify(cx, c, u, why, rs);
    if (r == AUTH_BAD_CREDENTIALS)
        auth_rl_fail(&cx->w->redis, &lim, name, rq->client);
    else if (r == AUTH_OK)
        auth_rl_success(&cx->w->redis, u->name);
    if (r != AUTH_OK)
        sodium_memzero(u->hash, sizeof u->hash);
    return r;
}

void
auth_creds_wipe(struct auth_creds *c)
{
    sodium_memzero(c->pw, sizeof c->pw);
    c->pwlen = 0;
}
