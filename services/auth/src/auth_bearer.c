/* auth_bearer.c -- session of a request (see auth_bearer.h). */
#include <string.h>
#include <strings.h>

#include "cmn/cmn_log.h"

#include "auth_app.h"
#include "auth_bearer.h"
#include "auth_session.h"
#include "auth_text.h"

const char *
auth_bearer_token(const char *h)
{
    if (h == NULL)
        return NULL;
    while (*h == ' ' || *h == '\t')
        h++;
    if (strncasecmp(h, "Bearer", 6) != 0 || (h[6] != ' ' && h[6] != '\t'))
        return NULL;
    h += 6;
    while (*h == ' ' || *h == '\t')
        h++;
    return *h != '\0' ? h : NULL;
}

enum auth_result
auth_bearer_session(struct auth_ctx *cx, const struct auth_req *rq,
                    const char *missing_msg, struct cmn_jwt_claims *claims,
                    struct auth_resp *rs)
{
    const char *token = rq->h_jwt, *why = "";
    char tok[1100], name[80], path[80];
    enum auth_session_rc s;
    size_t n;

    if (token == NULL)
        token = auth_bearer_token(rq->h_authorization);
    if (token == NULL || (rq->h_jwt != NULL && rq->h_username == NULL)) {
        if (missing_msg == NULL)
            return auth_fail(rs, AUTH_BAD_TOKEN, "%s", "");
        return auth_fail(rs, AUTH_BAD_REQUEST, "%s", missing_msg);
    }
    /* drop trailing blanks a header may carry */
    n = strnlen(token, sizeof tok - 1);
    memcpy(tok, token, n);
    while (n > 0 && (tok[n - 1] == ' ' || tok[n - 1] == '\t'))
        n--;
    tok[n] = '\0';
    claims->sub[0] = '\0';
    s = auth_session_check(&cx->w->redis, cx->app->cfg->key,
                           cx->app->cfg->keylen, tok, rq->h_username,
                           cx->now, claims, &why);
    if (s == AUTH_SESSION_DOWN) {
        auth_app_note_redis(cx->app, 1);
        return AUTH_REDIS_DOWN;
    }
    auth_app_note_redis(cx->app, 0);
    if (s != AUTH_SESSION_OK) {
        /* the token's sub is known once the signature checked out */
        cmn_log_info("token", "user=\"%s\" path=%s result=denied reason=%s",
                     auth_text_safe(rq->h_username ? rq->h_username
                                    : claims->sub[0] ? claims->sub : "?",
                                    name, sizeof name),
                     auth_text_safe(rq->path, path, sizeof path), why);
        return AUTH_BAD_TOKEN;
    }
    return AUTH_OK;
}
