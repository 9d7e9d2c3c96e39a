/* auth_admin.c -- the original's admin endpoints, which carry an admin's
 * user name and password in the body:
 *
 *   POST /admin/get_info   {"username","password"}
 *        -> {"online_clients_list":[...]}
 *   POST /admin/kill_token {"username","password","user_token_terminate"}
 *        -> {"result":"success"}, the target's session revoked and the
 *           user taken offline (cmn_presence_offline, mode kill)
 *
 * Unlike the original, the credentials must be an enabled admin's: any
 * failure is 403 {"error":"Admin access denied"}. The checks share the
 * login rate limit and argon2 cost (auth_creds.c). */
#include <string.h>

#include "cmn/cmn_keys.h"
#include "cmn/cmn_log.h"
#include "cmn/cmn_scripts.h"

#include "auth_app.h"
#include "auth_body.h"
#include "auth_creds.h"
#include "auth_handlers.h"
#include "auth_text.h"

#define AUTH_ADMIN_DENIED "Admin access denied"

/* Check that the body holds an enabled admin's credentials. On AUTH_OK
 * admin[AUTH_NAME_MAX + 1] is the admin's name and obj the body. */
static enum auth_result
auth_admin_creds(struct auth_ctx *cx, const struct auth_req *rq,
                 struct cmn_json_span *obj, char *admin, struct auth_resp *rs)
{
    struct auth_creds c;
    struct auth_user u;
    const char *why = "";
    char name[80];
    enum auth_result r;

    if ((r = auth_creds_parse(rq, &c, obj, rs)) != AUTH_OK)
        return r;
    r = auth_creds_check(cx, rq, &c, &u, &why, rs);
    auth_creds_wipe(&c);
    if (r == AUTH_OK && strcmp(u.role, "admin") != 0) {
        why = "not_admin";
        r = AUTH_BAD_CREDENTIALS;
    }
    if (r == AUTH_BAD_CREDENTIALS || r == AUTH_RATE_LIMITED)
        cmn_log_warn("admin", "user=\"%s\" path=%s result=denied reason=%s",
                     c.has_user ? auth_text_safe(c.user, name, sizeof name)
                                : "(none)", rq->path, why);
    if (r == AUTH_BAD_CREDENTIALS)
        return auth_fail(rs, AUTH_FORBIDDEN, AUTH_ADMIN_DENIED);
    if (r == AUTH_OK)
        memcpy(admin, u.name, sizeof u.name);
    return r;
}

AUTH_HANDLER(auth_admin_get_info)
{
    struct cmn_json_span obj;
    char admin[AUTH_NAME_MAX + 1];
    enum auth_result r;
    redisReply *rep;

    (void)arg;
    if ((r = auth_admin_creds(cx, rq, &obj, admin, rs)) != AUTH_OK)
        return r;
    rep = cmn_redis_cmd(&cx->w->redis, "HKEYS %s", CMN_K_ONLINE);
    if (rep == NULL || rep->type != REDIS_REPLY_ARRAY) {
        freeReplyObject(rep);
        auth_app_note_redis(cx->app, 1);
        return AUTH_REDIS_DOWN;
    }
    cmn_buf_puts(&rs->body, "{\"online_clients_list\":[");
    for (size_t i = 0; i < rep->elements; i++) {
        const redisReply *e = rep->element[i];

        if (e->type != REDIS_REPLY_STRING)
            continue;
        cmn_buf_puts(&rs->body, i ? "," : "");
        cmn_buf_json_string(&rs->body, e->str, e->len);
    }
    cmn_buf_puts(&rs->body, "]}");
    cmn_log_info("admin", "user=\"%s\" get_info online=%zu", admin,
                 rep->elements);
    freeReplyObject(rep);
    return AUTH_OK;
}

AUTH_HANDLER(auth_admin_kill_token)
{
    struct cmn_json_span obj;
    char admin[AUTH_NAME_MAX + 1], target[AUTH_CREDS_NAME_MAX + 1], safe[80];
    enum auth_result r;
    int rc;

    (void)arg;
    if ((r = auth_admin_creds(cx, rq, &obj, admin, rs)) != AUTH_OK)
        return r;
    if (auth_body_string(obj, "user_token_terminate", target, sizeof target,
                         NULL) != AUTH_FIELD_STRING)
        return auth_fail(rs, AUTH_BAD_REQUEST, "The 'user_token_terminate' "
                         "field must be a user name");
    rc = auth_users_name_valid(target)
         ? cmn_presence_offline(&cx->w->redis, target, CMN_OFFLINE_KILL, NULL,
                                0)
         : -1;
    if (rc == -2) {
        auth_app_note_redis(cx->app, 1);
        return AUTH_REDIS_DOWN;
    }
    if (rc == -1)
        return auth_fail(rs, AUTH_NOT_FOUND, "No JWT for user %s",
                         auth_text_safe(target, safe, sizeof safe));
    cmn_log_info("admin", "user=\"%s\" kill_token target=\"%s\" "
                 "went_offline=%d", admin, target, rc);
    cmn_buf_puts(&rs->body, "{\"result\":\"success\"}");
    return AUTH_OK;
}
