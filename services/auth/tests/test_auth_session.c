/* test_auth_session.c -- issuing and checking sessions against a real
 * Redis (TEST_REDIS_PORT). Each test uses its own user name. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmn/cmn_keys.h"

#include "auth_session.h"
#include "test_auth_redis.h"

static const unsigned char key[] = "0123456789abcdef0123456789abcdef";
#define KEYLEN 32

static void
test_issue_records_jti_and_check_accepts(void **state)
{
    struct test_redis *t = *state;
    struct cmn_jwt_claims cl;
    char jti[CMN_JWT_JTI_MAX], *tok = NULL;
    long now = (long)time(NULL);
    redisReply *rep;

    assert_int_equal(auth_session_issue(&t->r, key, KEYLEN, "t-issue", now,
                                        3600, &tok, jti), AUTH_SESSION_OK);
    assert_non_null(tok);
    assert_int_equal(strlen(jti), 32);
    rep = test_raw(t, "HGET %s t-issue", CMN_K_TOKENS);
    assert_int_equal(rep->type, REDIS_REPLY_STRING);
    assert_string_equal(rep->str, jti);
    freeReplyObject(rep);
    assert_int_equal(auth_session_check(&t->r, key, KEYLEN, tok, "t-issue",
                                        now, &cl, NULL), AUTH_SESSION_OK);
    assert_string_equal(cl.sub, "t-issue");
    assert_string_equal(cl.jti, jti);
    assert_int_equal(cl.exp, now + 3600);
    /* NULL user: the token's sub is taken */
    assert_int_equal(auth_session_check(&t->r, key, KEYLEN, tok, NULL, now,
                                        &cl, NULL), AUTH_SESSION_OK);
    free(tok);
}

static void
test_new_login_replaces_and_announces_old_session(void **state)
{
    struct test_redis *t = *state;
    struct cmn_jwt_claims cl;
    char jti1[CMN_JWT_JTI_MAX], jti2[CMN_JWT_JTI_MAX], *t1, *t2;
    long now = (long)time(NULL);
    const char *why = NULL;
    redisReply *rep;

    assert_int_equal(auth_session_issue(&t->r, key, KEYLEN, "t-replace", now,
                                        60, &t1, jti1), AUTH_SESSION_OK);
    assert_int_equal(auth_session_issue(&t->r, key, KEYLEN, "t-replace", now,
                                        60, &t2, jti2), AUTH_SESSION_OK);
    assert_string_not_equal(jti1, jti2);
    assert_int_equal(auth_session_check(&t->r, key, KEYLEN, t1, "t-replace",
                                        now, &cl, &why),
                     AUTH_SESSION_INVALID);
    assert_string_equal(why, "revoked");
    assert_int_equal(auth_session_check(&t->r, key, KEYLEN, t2, "t-replace",
                                        now, &cl, NULL), AUTH_SESSION_OK);
    /* the newest revocation record on s:bcast names the old jti */
    rep = test_raw(t, "XREVRANGE %s + - COUNT 1", CMN_S_BCAST);
    assert_int_equal(rep->type, REDIS_REPLY_ARRAY);
    assert_int_equal(rep->elements, 1);
    assert_string_equal(rep->element[0]->element[1]->element[0]->str,
                        "r t-replace");
    assert_string_equal(rep->element[0]->element[1]->element[1]->str, jti1);
    freeReplyObject(rep);
    free(t1);
    free(t2);
}

static void
test_check_refuses_wrong_user_expired_and_forged(void **state)
{
    struct test_redis *t = *state;
    static const unsigned char other[] = "ffffffffffffffffffffffffffffffff";
    struct cmn_jwt_claims cl;
    char jti[CMN_JWT_JTI_MAX], *tok;
    long now = (long)time(NULL);
    const char *why = NULL;

    assert_int_equal(auth_session_issue(&t->r, key, KEYLEN, "t-refuse", now,
                                        60, &tok, jti), AUTH_SESSION_OK);
    assert_int_equal(auth_session_check(&t->r, key, KEYLEN, tok, "Lisa", now,
                                        &cl, &why), AUTH_SESSION_INVALID);
    assert_string_equal(why, "wrong_user");
    assert_int_equal(auth_session_check(&t->r, key, KEYLEN, tok, "t-refuse",
                                        now + 61, &cl, &why),
                     AUTH_SESSION_INVALID);
    assert_string_equal(why, "expired");
    assert_int_equal(auth_session_check(&t->r, other, KEYLEN, tok, NULL, now,
                                        &cl, &why), AUTH_SESSION_INVALID);
    assert_string_equal(why, "bad_signature");
    assert_int_equal(auth_session_check(&t->r, key, KEYLEN, "abc.def.ghi",
                                        NULL, now, &cl, NULL),
                     AUTH_SESSION_INVALID);
    free(tok);
}

static void
test_deleted_session_is_revoked(void **state)
{
    struct test_redis *t = *state;
    struct cmn_jwt_claims cl;
    char jti[CMN_JWT_JTI_MAX], *tok;
    long now = (long)time(NULL);

    assert_int_equal(auth_session_issue(&t->r, key, KEYLEN, "t-del", now, 60,
                                        &tok, jti), AUTH_SESSION_OK);
    freeReplyObject(test_raw(t, "HDEL %s t-del", CMN_K_TOKENS));
    assert_int_equal(auth_session_check(&t->r, key, KEYLEN, tok, NULL, now,
                                        &cl, NULL), AUTH_SESSION_INVALID);
    free(tok);
}

static void
test_redis_down_is_reported(void **state)
{
    struct cmn_redis dead;
    struct cmn_jwt_claims cl;
    char jti[CMN_JWT_JTI_MAX], *tok = NULL, *good;
    struct test_redis *t = *state;
    long now = (long)time(NULL);

    assert_int_equal(auth_session_issue(&t->r, key, KEYLEN, "t-down", now, 60,
                                        &good, jti), AUTH_SESSION_OK);
    cmn_redis_init(&dead, "127.0.0.1", 1, "test-dead");
    assert_int_equal(auth_session_issue(&dead, key, KEYLEN, "t-down", now, 60,
                                        &tok, jti), AUTH_SESSION_DOWN);
    assert_null(tok);
    assert_int_equal(auth_session_check(&dead, key, KEYLEN, good, NULL, now,
                                        &cl, NULL), AUTH_SESSION_DOWN);
    cmn_redis_close(&dead);
    free(good);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_issue_records_jti_and_check_accepts),
        cmocka_unit_test(test_new_login_replaces_and_announces_old_session),
        cmocka_unit_test(test_check_refuses_wrong_user_expired_and_forged),
        cmocka_unit_test(test_deleted_session_is_revoked),
        cmocka_unit_test(test_redis_down_is_reported),
    };

    return cmocka_run_group_tests(tests, test_redis_setup,
                                  test_redis_teardown);
}
