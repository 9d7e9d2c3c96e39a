/* auth_creds.h -- a user name and password sent in a JSON body, and the
 * one place they are checked (login and the original admin endpoints).
 *
 * auth_creds_check() applies the login rate limit, looks the user up and
 * verifies the password with argon2id. Unknown users, bots, disabled users
 * and wrong passwords all cost one hash verification and all end in
 * AUTH_BAD_CREDENTIALS; only the log line (reason=...) tells them apart. */
#ifndef AUTH_CREDS_H
#define AUTH_CREDS_H

#include <stddef.h>

#include "cmn/cmn_json.h"

#include "auth_pwhash.h"
#include "auth_req.h"
#include "auth_users.h"

#define AUTH_CREDS_NAME_MAX 256   /* bytes of a name as sent */

struct auth_creds {
    char user[AUTH_CREDS_NAME_MAX + 1];  /* "" unless has_user */
    int has_user;                        /* a string username was sent */
    char pw[AUTH_PASSWORD_MAX + 1];
    size_t pwlen;
};

/* Parse the body as {"username": ..., "password": ...}. The password must
 * be a string (else AUTH_BAD_REQUEST); a username that is missing, null,
 * not a string or too long just names nobody. obj (may be NULL) gets the
 * body object for more fields. */
enum auth_result auth_creds_parse(const struct auth_req *rq,
                                  struct auth_creds *c,
                                  struct cmn_json_span *obj,
                                  struct auth_resp *rs);

/* Rate limit, look up, verify. On AUTH_OK u holds the (enabled, non-bot)
 * user. On AUTH_BAD_CREDENTIALS *why is the reason for the log
 * (unknown_user, bad_password, disabled, bot). Also AUTH_RATE_LIMITED
 * (rs->retry_after_s set), AUTH_DB_DOWN, AUTH_REDIS_DOWN, AUTH_INTERNAL. */
enum auth_result auth_creds_check(struct auth_ctx *cx,
                                  const struct auth_req *rq,
                                  const struct auth_creds *c,
                                  struct auth_user *u, const char **why,
                                  struct auth_resp *rs);

/* Wipe the password (call on every path). */
void auth_creds_wipe(struct auth_creds *c);

#endif
