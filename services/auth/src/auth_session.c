/* auth_session.c -- issue and check JWT sessions (see auth_session.h).
 * Runs on the calling thread with that thread's Redis connection. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cmn/cmn_keys.h"
#include "cmn/cmn_log.h"

#include "auth_scripts.h"
#include "auth_session.h"

#define AUTH_STR_(x) #x
#define AUTH_STR(x) AUTH_STR_(x)

enum auth_session_rc
auth_session_issue(struct cmn_redis *r, const unsigned char *key,
                   size_t keylen, const char *user, long now, long ttl,
                   char **token, char *jti)
{
    char field[128];
    const char *argv[6];
    redisReply *rep;
    char *tok;

    *token = NULL;
    cmn_random_hex(jti, 16);
    if ((tok = cmn_jwt_sign(key, keylen, user, jti, now, ttl)) == NULL)
        return AUTH_SESSION_INVALID;
    snprintf(field, sizeof field, "%c %s", CMN_REC_REVOKE, user);
    argv[0] = CMN_K_TOKENS;
    argv[1] = CMN_S_BCAST;
    argv[2] = user;
    argv[3] = jti;
    argv[4] = AUTH_STR(CMN_BCAST_MAXLEN);
    argv[5] = field;
    rep = cmn_script_run(r, &auth_script_session, 2, 6, argv, NULL);
    if (rep == NULL || rep->type != REDIS_REPLY_INTEGER) {
        freeReplyObject(rep);
        sodium_memzero(tok, strlen(tok));
        free(tok);
        return AUTH_SESSION_DOWN;
    }
    if (rep->integer == 1)
        cmn_log_info("session", "user=\"%s\" replaced=older_session", user);
    freeReplyObject(rep);
    *token = tok;
    return AUTH_SESSION_OK;
}

enum auth_session_rc
auth_session_check(struct cmn_redis *r, const unsigned char *key,
                   size_t keylen, const char *token, const char *user,
                   long now, struct cmn_jwt_claims *claims, const char **why)
{
    enum cmn_jwt_result v;
    redisReply *rep;
    enum auth_session_rc rc = AUTH_SESSION_INVALID;
    const char *dummy;

    if (why == NULL)
        why = &dummy;
    v = cmn_jwt_verify(key, keylen, token, now, claims);
    if (v != CMN_JWT_OK) {
        *why = cmn_jwt_strerror(v);
        return AUTH_SESSION_INVALID;
    }
    if (user != NULL && strcmp(user, claims->sub) != 0) {
        *why = "wrong_user";
        return AUTH_SESSION_INVALID;
    }
    rep = cmn_redis_cmd(r, "HGET %s %s", CMN_K_TOKENS, claims->sub);
    if (rep == NULL || rep->type == REDIS_REPLY_ERROR) {
        freeReplyObject(rep);
        return AUTH_SESSION_DOWN;
    }
    if (rep->type == REDIS_REPLY_STRING &&
        rep->len == strlen(claims->jti) &&
        sodium_memcmp(rep->str, claims->jti, rep->len) == 0)
        rc = AUTH_SESSION_OK;
    else
        *why = "revoked";
    freeReplyObject(rep);
    return rc;
}
