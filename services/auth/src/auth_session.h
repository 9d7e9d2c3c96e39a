/* auth_session.h -- JWT sessions: issue on login, check on every request
 * that carries a token.
 *
 * A session is valid while its token verifies (HS256, not expired: see
 * cmn_jwt) and its jti is the one in Redis hash `tokens` for its sub. A
 * new login replaces the entry; logout, kill_token, presence expiry and
 * disabling a user delete it (cmn_presence_offline). */
#ifndef AUTH_SESSION_H
#define AUTH_SESSION_H

#include <stddef.h>

#include "cmn/cmn_jwt.h"
#include "cmn/cmn_redis.h"

enum auth_session_rc {
    AUTH_SESSION_OK,
    AUTH_SESSION_INVALID,     /* bad/expired token, wrong user, revoked */
    AUTH_SESSION_DOWN         /* Redis unavailable */
};

/* Make a jti, sign {sub, jti, iat, exp}, record it as the user's session.
 * On OK *token is the caller's (free()) and jti[CMN_JWT_JTI_MAX] is set.
 * DOWN when Redis is unavailable; INVALID when signing fails. */
enum auth_session_rc auth_session_issue(struct cmn_redis *r,
                                        const unsigned char *key,
                                        size_t keylen, const char *user,
                                        long now, long ttl, char **token,
                                        char *jti);

/* Check a presented token. user: the name the request claims (NULL = take
 * the token's sub). On OK claims is filled. why (may be NULL) gets a short
 * reason for the log on INVALID. */
enum auth_session_rc auth_session_check(struct cmn_redis *r,
                                        const unsigned char *key,
                                        size_t keylen, const char *token,
                                        const char *user, long now,
                                        struct cmn_jwt_claims *claims,
                                        const char **why);

#endif
