/* auth_handlers.h -- every HTTP endpoint's handler (auth_handler_fn).
 *
 * They run on libmicrohttpd worker threads, may block (Postgres, Redis,
 * argon2), and report through enum auth_result (see auth_req.h). The
 * route table is in auth_route.c; the API is described in docs/api.md. */
#ifndef AUTH_HANDLERS_H
#define AUTH_HANDLERS_H

#include "auth_req.h"

#define AUTH_HANDLER(name) \
    enum auth_result name(struct auth_ctx *cx, const struct auth_req *rq, \
                          struct auth_resp *rs, const char *arg)

/* auth_login.c: POST /log_in */
AUTH_HANDLER(auth_login_handle);
/* auth_contacts.c: GET /get_contacts_list/<username> */
AUTH_HANDLER(auth_contacts_handle);
/* auth_admin.c: POST /admin/get_info, POST /admin/kill_token */
AUTH_HANDLER(auth_admin_get_info);
AUTH_HANDLER(auth_admin_kill_token);
/* auth_logout.c: POST /api/v1/logout */
AUTH_HANDLER(auth_logout_handle);
/* auth_uapi.c: /api/v1/users... (admin Bearer JWT) */
AUTH_HANDLER(auth_uapi_list);
AUTH_HANDLER(auth_uapi_create);
AUTH_HANDLER(auth_uapi_get);
AUTH_HANDLER(auth_uapi_password);
AUTH_HANDLER(auth_uapi_disable);
AUTH_HANDLER(auth_uapi_enable);

#endif
