/* auth_bearer.h -- find and check the session a request presents.
 *
 * Two ways to present it: the original's headers `username` + `jwt`, or
 * `Authorization: Bearer <JWT>` (then a `username` header, if sent, must
 * match too). The token must verify, name that user, and still be the
 * user's session in Redis. */
#ifndef AUTH_BEARER_H
#define AUTH_BEARER_H

#include "cmn/cmn_jwt.h"

#include "auth_req.h"

/* On AUTH_OK claims holds the session (claims->sub is the user).
 * No token presented: AUTH_BAD_REQUEST with missing_msg, or AUTH_BAD_TOKEN
 * when missing_msg is NULL. Bad, expired or revoked token: AUTH_BAD_TOKEN
 * (logged with its reason). Redis down: AUTH_REDIS_DOWN. */
enum auth_result auth_bearer_session(struct auth_ctx *cx,
                                     const struct auth_req *rq,
                                     const char *missing_msg,
                                     struct cmn_jwt_claims *claims,
                                     struct auth_resp *rs);

/* The token in an Authorization header value ("Bearer <t>", scheme case
 * insensitive, blanks around); NULL when it has none. Pure. */
const char *auth_bearer_token(const char *authorization);

#endif
