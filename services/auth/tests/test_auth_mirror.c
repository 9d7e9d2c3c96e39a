/* test_auth_mirror.c -- single-user updates of the Redis users mirror.
 * (Full rebuilds from Postgres are tested by tests/auth/.) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "cmn/cmn_keys.h"

#include "auth_mirror.h"
#include "test_auth_redis.h"

static long long
version(struct test_redis *t)
{
    redisReply *rep = test_raw(t, "GET %s", CMN_K_USERS_VER);
    long long v = rep->type == REDIS_REPLY_STRING ? atoll(rep->str) : 0;

    freeReplyObject(rep);
    return v;
}

static void
test_set_adds_role_and_bumps_version(void **state)
{
    struct test_redis *t = *state;
    long long v0 = version(t);
    redisReply *rep;

    assert_int_equal(auth_mirror_set(&t->r, "t-mir-a", "bot"), 0);
    rep = test_raw(t, "HGET %s t-mir-a", CMN_K_USERS);
    assert_string_equal(rep->str, "bot");
    freeReplyObject(rep);
    assert_int_equal(version(t), v0 + 1);
}

static void
test_empty_role_removes(void **state)
{
    struct test_redis *t = *state;
    long long v0;
    redisReply *rep;

    assert_int_equal(auth_mirror_set(&t->r, "t-mir-b", "user"), 0);
    v0 = version(t);
    assert_int_equal(auth_mirror_set(&t->r, "t-mir-b", NULL), 0);
    rep = test_raw(t, "HEXISTS %s t-mir-b", CMN_K_USERS);
    assert_int_equal(rep->integer, 0);
    freeReplyObject(rep);
    assert_int_equal(version(t), v0 + 1);
}

static void
test_set_reports_redis_down(void **state)
{
    struct cmn_redis dead;

    (void)state;
    cmn_redis_init(&dead, "127.0.0.1", 1, "test-dead");
    assert_int_equal(auth_mirror_set(&dead, "x", "user"), -1);
    cmn_redis_close(&dead);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set_adds_role_and_bumps_version),
        cmocka_unit_test(test_empty_role_removes),
        cmocka_unit_test(test_set_reports_redis_down),
    };

    return cmocka_run_group_tests(tests, test_redis_setup,
                                  test_redis_teardown);
}
