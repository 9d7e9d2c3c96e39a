/* auth_login.c -- POST /log_in {"username","password"}.
 *
 * Answers {"result":"success","token":JWT} and records the session in
 * Redis (auth_session.c), replacing the user's previous one. Logs one line
 * per attempt: the user (log-safe), the outcome and, on success, the first
 * 8 characters of the jti; never the password or the token. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cmn/cmn_log.h"

#include "auth_app.h"
#include "auth_creds.h"
#include "auth_handlers.h"
#include "auth_metrics.h"
#include "auth_session.h"
#include "auth_text.h"

/* Log a refused attempt; returns r. */
static enum auth_result
auth_login_refused(const struct auth_creds *c, const struct auth_req *rq,
                   enum auth_result r, const char *why)
{
    char name[80], addr[64];

    if (r == AUTH_BAD_CREDENTIALS || r == AUTH_RATE_LIMITED) {
        cmn_metric_add(&auth_m_logins_denied, 1);
        cmn_log_warn("login", "user=\"%s\" client=%s result=denied reason=%s",
                     c->has_user ? auth_text_safe(c->user, name, sizeof name)
                                 : "(none)",
                     auth_text_safe(rq->client, addr, sizeof addr), why);
    }
    return r;
}

AUTH_HANDLER(auth_login_handle)
{
    struct auth_creds c;
    struct auth_user u;
    char jti[CMN_JWT_JTI_MAX], *token = NULL;
    const char *why = "";
    enum auth_result r;
    enum auth_session_rc s;

    (void)arg;
    if ((r = auth_creds_parse(rq, &c, NULL, rs)) != AUTH_OK)
        return r;
    r = auth_creds_check(cx, rq, &c, &u, &why, rs);
    auth_creds_wipe(&c);
    if (r != AUTH_OK)
        return auth_login_refused(&c, rq, r, why);
    sodium_memzero(u.hash, sizeof u.hash);
    s = auth_session_issue(&cx->w->redis, cx->app->cfg->key,
                           cx->app->cfg->keylen, u.name, cx->now,
                           cx->app->cfg->jwt_ttl_s, &token, jti);
    if (s == AUTH_SESSION_DOWN) {
        auth_app_note_redis(cx->app, 1);
        return AUTH_REDIS_DOWN;
    }
    if (s != AUTH_SESSION_OK)
        return auth_fail(rs, AUTH_INTERNAL, "Cannot sign a token");
    cmn_buf_puts(&rs->body, "{\"result\":\"success\",\"token\":");
    cmn_buf_json_string(&rs->body, token, strlen(token));
    cmn_buf_puts(&rs->body, "}");
    sodium_memzero(token, strlen(token));
    free(token);
    cmn_metric_add(&auth_m_logins_ok, 1);
    cmn_log_info("login", "user=\"%s\" result=ok role=%s jti=%.8s...",
                 u.name, u.role, jti);
    return AUTH_OK;
}
