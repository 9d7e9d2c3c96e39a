/* auth_logout.c -- POST /api/v1/logout with the session's token
 * (Authorization: Bearer, or the original username + jwt headers).
 *
 * Revokes that session and takes the user offline, as the Socket.IO
 * client_disconnection event does (cmn_presence_offline, mode logout, with
 * the token's jti: a stale token cannot log out a newer session). */
#include "cmn/cmn_log.h"
#include "cmn/cmn_scripts.h"

#include "auth_app.h"
#include "auth_bearer.h"
#include "auth_handlers.h"

AUTH_HANDLER(auth_logout_handle)
{
    struct cmn_jwt_claims cl;
    enum auth_result r;
    int rc;

    (void)arg;
    r = auth_bearer_session(cx, rq, "Send the session token as "
                            "'Authorization: Bearer <JWT>'", &cl, rs);
    if (r != AUTH_OK)
        return r;
    rc = cmn_presence_offline(&cx->w->redis, cl.sub, CMN_OFFLINE_LOGOUT,
                              cl.jti, 0);
    if (rc == -2) {
        auth_app_note_redis(cx->app, 1);
        return AUTH_REDIS_DOWN;
    }
    if (rc == -1)
        return AUTH_BAD_TOKEN;
    cmn_log_info("logout", "user=\"%s\" jti=%.8s... went_offline=%d", cl.sub,
                 cl.jti, rc);
    cmn_buf_puts(&rs->body, "{\"result\":\"success\"}");
    return AUTH_OK;
}
