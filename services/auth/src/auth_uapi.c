/* auth_uapi.c -- the user administration API, for admins only
 * (Authorization: Bearer <an admin's JWT>):
 *
 *   GET  /api/v1/users                  -> {"users":[user...]}
 *   GET  /api/v1/users/<name>           -> {"user":user}
 *   POST /api/v1/users {"username","password","role"}  -> 201 {"result":
 *        "success","user":user}
 *   PUT  /api/v1/users/<name>/password {"password"}    -> {"result":...}
 *   POST /api/v1/users/<name>/disable | /enable        -> {"result":...}
 *
 * user = {"name","role","status","created_at","updated_at"}. Changes go to
 * Postgres first, then to Redis: the session is revoked when a user is
 * disabled or gets a new password, and the `users` mirror is updated (the
 * mirror thread repairs it if Redis was away; a revocation that could not
 * be done answers 503 so the admin retries, which is idempotent). */
#include <string.h>

#include "cmn/cmn_log.h"
#include "cmn/cmn_scripts.h"

#include "auth_app.h"
#include "auth_bearer.h"
#include "auth_body.h"
#include "auth_handlers.h"
#include "auth_mirror.h"
#include "auth_users.h"

/* Map a user-store failure to a result (and /healthz). */
static enum auth_result
auth_uapi_store(struct auth_ctx *cx, enum auth_users_rc u, const char *err,
                struct auth_resp *rs)
{
    auth_app_note_db(cx->app, u == AUTH_USERS_DOWN);
    if (u == AUTH_USERS_DOWN)
        return AUTH_DB_DOWN;
    cmn_log_error("users-api", "%s", err);
    return auth_fail(rs, AUTH_INTERNAL, "%s", "");
}

/* The request must carry the session of an enabled admin. */
static enum auth_result
auth_uapi_admin(struct auth_ctx *cx, const struct auth_req *rq,
                char *admin, struct auth_resp *rs)
{
    struct cmn_jwt_claims cl;
    struct auth_user u;
    enum auth_users_rc f;
    enum auth_result r;
    char err[256];

    if ((r = auth_bearer_session(cx, rq, NULL, &cl, rs)) != AUTH_OK)
        return r;
    f = auth_users_find(&cx->w->db, cl.sub, &u, err);
    if (f == AUTH_USERS_DOWN || f == AUTH_USERS_ERROR)
        return auth_uapi_store(cx, f, err, rs);
    auth_app_note_db(cx->app, 0);
    if (f != AUTH_USERS_OK || strcmp(u.role, "admin") != 0 ||
        strcmp(u.status, "enabled") != 0) {
        cmn_log_warn("users-api", "user=\"%s\" result=denied reason=not_admin",
                     cl.sub);
        return auth_fail(rs, AUTH_FORBIDDEN, "Admin access denied");
    }
    memcpy(admin, u.name, sizeof u.name);
    return AUTH_OK;
}

static void
auth_uapi_user_json(struct cmn_buf *b, const struct auth_user *u)
{
    cmn_buf_puts(b, "{\"name\":");
    cmn_buf_json_string(b, u->name, strlen(u->name));
    cmn_buf_printf(b, ",\"role\":\"%s\",\"status\":\"%s\",\"created_at\":"
                   "\"%s\",\"updated_at\":\"%s\"}", u->role, u->status,
                   u->created, u->updated);
}

struct auth_uapi_list_ctx {
    struct cmn_buf *b;
    size_t n;
};

static void
auth_uapi_list_one(void *arg, const struct auth_user *u)
{
    struct auth_uapi_list_ctx *lc = arg;

    cmn_buf_puts(lc->b, lc->n++ ? "," : "");
    auth_uapi_user_json(lc->b, u);
}

AUTH_HANDLER(auth_uapi_list)
{
    char admin[AUTH_NAME_MAX + 1], err[256];
    struct auth_uapi_list_ctx lc = {&rs->body, 0};
    enum auth_result r;
    enum auth_users_rc u;

    (void)arg;
    if ((r = auth_uapi_admin(cx, rq, admin, rs)) != AUTH_OK)
        return r;
    cmn_buf_puts(&rs->body, "{\"users\":[");
    u = auth_users_list(&cx->w->db, 0, auth_uapi_list_one, &lc, err);
    if (u != AUTH_USERS_OK) {
        cmn_buf_reset(&rs->body);
        return auth_uapi_store(cx, u, err, rs);
    }
    cmn_buf_puts(&rs->body, "]}");
    return AUTH_OK;
}

/* Reply {"<key>":user} (or 404) for name. */
static enum auth_result
auth_uapi_reply_user(struct auth_ctx *cx, const char *name, const char *pre,
                     struct auth_resp *rs)
{
    struct auth_user u;
    char err[256];
    enum auth_users_rc f = auth_users_find(&cx->w->db, name, &u, err);

    if (f == AUTH_USERS_NOT_FOUND)
        return auth_fail(rs, AUTH_NOT_FOUND, "No such user");
    if (f != AUTH_USERS_OK)
        return auth_uapi_store(cx, f, err, rs);
    cmn_buf_puts(&rs->body, pre);
    auth_uapi_user_json(&rs->body, &u);
    cmn_buf_puts(&rs->body, "}");
    sodium_memzero(u.hash, sizeof u.hash);
    return AUTH_OK;
}

AUTH_HANDLER(auth_uapi_get)
{
    char admin[AUTH_NAME_MAX + 1];
    enum auth_result r;

    if ((r = auth_uapi_admin(cx, rq, admin, rs)) != AUTH_OK)
        return r;
    return auth_uapi_reply_user(cx, arg, "{\"user\":", rs);
}

/* Read and hash the "password" field of a body object into hash. */
static enum auth_result
auth_uapi_new_password(struct auth_ctx *cx, struct cmn_json_span obj,
                       char *hash, struct auth_resp *rs)
{
    char pw[AUTH_PASSWORD_MAX + 1];
    size_t len;
    enum auth_field f = auth_body_string(obj, "password", pw, sizeof pw,
                                         &len);
    int min = cx->app->cfg->password_min, rc;

    if (f != AUTH_FIELD_STRING || len < (size_t)min) {
        sodium_memzero(pw, sizeof pw);
        return auth_fail(rs, AUTH_BAD_REQUEST, "The 'password' field must "
                         "be a string of %d to %d bytes", min,
                         AUTH_PASSWORD_MAX);
    }
    rc = auth_pwhash_hash(cx->app->ph, pw, len, hash);
    sodium_memzero(pw, sizeof pw);
    return rc == 0 ? AUTH_OK : auth_fail(rs, AUTH_INTERNAL, "%s", "");
}

/* Read and check username and role of a create request. */
static enum auth_result
auth_uapi_create_fields(struct cmn_json_span obj, char *name, char *role,
                        struct auth_resp *rs)
{
    enum auth_field f;

    if (auth_body_string(obj, "username", name, AUTH_NAME_MAX + 1, NULL) !=
            AUTH_FIELD_STRING || !auth_users_name_valid(name))
        return auth_fail(rs, AUTH_BAD_REQUEST, "The 'username' field must "
                         "be %s", AUTH_NAME_RULE);
    f = auth_body_string(obj, "role", role, 8, NULL);
    if (f == AUTH_FIELD_MISSING || f == AUTH_FIELD_NULL)
        strcpy(role, "user");
    else if (f != AUTH_FIELD_STRING || !auth_users_role_valid(role))
        return auth_fail(rs, AUTH_BAD_REQUEST, "The 'role' field must be "
                         "user, admin or bot");
    return AUTH_OK;
}

AUTH_HANDLER(auth_uapi_create)
{
    char admin[AUTH_NAME_MAX + 1], name[AUTH_NAME_MAX + 1], role[8];
    char hash[AUTH_HASH_LEN] = "", err[256];
    struct cmn_json_span obj;
    enum auth_result r;
    enum auth_users_rc u;
    int bot;

    (void)arg;
    if ((r = auth_uapi_admin(cx, rq, admin, rs)) != AUTH_OK)
        return r;
    if (auth_body_object(rq->body, rq->body_len, &obj) != 0)
        return auth_fail(rs, AUTH_BAD_REQUEST,
                         "The request body must be a JSON object");
    if ((r = auth_uapi_create_fields(obj, name, role, rs)) != AUTH_OK)
        return r;
    bot = strcmp(role, "bot") == 0;
    if (bot) {
        char probe[2];
        enum auth_field f = auth_body_string(obj, "password", probe,
                                             sizeof probe, NULL);

        if (f != AUTH_FIELD_MISSING && f != AUTH_FIELD_NULL)
            return auth_fail(rs, AUTH_BAD_REQUEST,
                             "Bots cannot have a password");
    }
    if (!bot && (r = auth_uapi_new_password(cx, obj, hash, rs)) != AUTH_OK)
        return r;
    u = auth_users_create(&cx->w->db, name, bot ? NULL : hash, role, err);
    sodium_memzero(hash, sizeof hash);
    if (u == AUTH_USERS_EXISTS)
        return auth_fail(rs, AUTH_CONFLICT, "User %s already exists", name);
    if (u != AUTH_USERS_OK)
        return auth_uapi_store(cx, u, err, rs);
    if (auth_mirror_set(&cx->w->redis, name, role) != 0)
        cmn_log_warn("users-api", "user=\"%s\" mirror update deferred "
                     "(redis unavailable)", name);
    cmn_log_info("users-api", "admin=\"%s\" created user=\"%s\" role=%s",
                 admin, name, role);
    r = auth_uapi_reply_user(cx, name, "{\"result\":\"success\",\"user\":",
                             rs);
    return r == AUTH_OK ? AUTH_CREATED : r;
}

/* Revoke name's session (KILL: a user without one is fine). */
static enum auth_result
auth_uapi_revoke(struct auth_ctx *cx, const char *name, struct auth_resp *rs)
{
    int rc = cmn_presence_offline(&cx->w->redis, name, CMN_OFFLINE_KILL,
                                  NULL, 0);

    if (rc == -2) {
        auth_app_note_redis(cx->app, 1);
        return auth_fail(rs, AUTH_REDIS_DOWN, "Saved, but the session could "
                         "not be revoked (Redis unavailable): retry");
    }
    return AUTH_OK;
}

AUTH_HANDLER(auth_uapi_password)
{
    char admin[AUTH_NAME_MAX + 1], hash[AUTH_HASH_LEN], err[256];
    struct cmn_json_span obj;
    struct auth_user user;
    enum auth_result r;
    enum auth_users_rc u;

    if ((r = auth_uapi_admin(cx, rq, admin, rs)) != AUTH_OK)
        return r;
    if (auth_body_object(rq->body, rq->body_len, &obj) != 0)
        return auth_fail(rs, AUTH_BAD_REQUEST,
                         "The request body must be a JSON object");
    u = auth_users_find(&cx->w->db, arg, &user, err);
    if (u == AUTH_USERS_NOT_FOUND)
        return auth_fail(rs, AUTH_NOT_FOUND, "No such user");
    if (u != AUTH_USERS_OK)
        return auth_uapi_store(cx, u, err, rs);
    if (strcmp(user.role, "bot") == 0)
        return auth_fail(rs, AUTH_BAD_REQUEST, "Bots cannot have a password");
    if ((r = auth_uapi_new_password(cx, obj, hash, rs)) != AUTH_OK)
        return r;
    u = auth_users_set_hash(&cx->w->db, arg, hash, err);
    sodium_memzero(hash, sizeof hash);
    if (u == AUTH_USERS_NOT_FOUND)
        return auth_fail(rs, AUTH_NOT_FOUND, "No such user");
    if (u != AUTH_USERS_OK)
        return auth_uapi_store(cx, u, err, rs);
    cmn_log_info("users-api", "admin=\"%s\" set password of user=\"%s\"",
                 admin, arg);
    if ((r = auth_uapi_revoke(cx, arg, rs)) != AUTH_OK)
        return r;
    cmn_buf_puts(&rs->body, "{\"result\":\"success\"}");
    return AUTH_OK;
}

/* Enable or disable arg; a disabled user loses the session and leaves
 * the mirror, an enabled one joins it with its role. */
static enum auth_result
auth_uapi_set_status(struct auth_ctx *cx, const struct auth_req *rq,
                     struct auth_resp *rs, const char *arg, int enable)
{
    char admin[AUTH_NAME_MAX + 1], role[8], err[256];
    enum auth_result r;
    enum auth_users_rc u;

    if ((r = auth_uapi_admin(cx, rq, admin, rs)) != AUTH_OK)
        return r;
    if (!enable && strcmp(arg, admin) == 0)
        return auth_fail(rs, AUTH_CONFLICT, "An admin cannot disable their "
                         "own account");
    u = auth_users_set_status(&cx->w->db, arg, enable ? "enabled"
                              : "disabled", role, err);
    if (u == AUTH_USERS_NOT_FOUND)
        return auth_fail(rs, AUTH_NOT_FOUND, "No such user");
    if (u != AUTH_USERS_OK)
        return auth_uapi_store(cx, u, err, rs);
    cmn_log_info("users-api", "admin=\"%s\" %s user=\"%s\"", admin,
                 enable ? "enabled" : "disabled", arg);
    if (!enable && (r = auth_uapi_revoke(cx, arg, rs)) != AUTH_OK)
        return r;
    if (auth_mirror_set(&cx->w->redis, arg, enable ? role : NULL) != 0) {
        auth_app_note_redis(cx->app, 1);
        return auth_fail(rs, AUTH_REDIS_DOWN, "Saved, but Redis is "
                         "unavailable: retry");
    }
    cmn_buf_puts(&rs->body, "{\"result\":\"success\",\"status\":");
    cmn_buf_puts(&rs->body, enable ? "\"enabled\"}" : "\"disabled\"}");
    return AUTH_OK;
}

AUTH_HANDLER(auth_uapi_disable)
{
    return auth_uapi_set_status(cx, rq, rs, arg, 0);
}

AUTH_HANDLER(auth_uapi_enable)
{
    return auth_uapi_set_status(cx, rq, rs, arg, 1);
}
