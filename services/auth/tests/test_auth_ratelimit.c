/* test_auth_ratelimit.c -- failed-login windows in a real Redis. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "cmn/cmn_proc.h"

#include "auth_ratelimit.h"
#include "test_auth_redis.h"

static void
test_user_limit_trips_after_max_failures(void **state)
{
    struct test_redis *t = *state;
    struct auth_rl_limits lim = {60, 3, 0};
    long wait;

    for (int i = 0; i < 3; i++) {
        assert_int_equal(auth_rl_check(&t->r, &lim, "t-rl-user", "10.0.0.1"),
                         0);
        assert_int_equal(auth_rl_fail(&t->r, &lim, "t-rl-user", "10.0.0.1"),
                         0);
    }
    wait = auth_rl_check(&t->r, &lim, "t-rl-user", "10.0.0.2");
    assert_true(wait > 59000 && wait <= 60000);
    /* another name is not affected */
    assert_int_equal(auth_rl_check(&t->r, &lim, "t-rl-other", "10.0.0.1"), 0);
}

static void
test_address_limit_counts_every_name(void **state)
{
    struct test_redis *t = *state;
    struct auth_rl_limits lim = {60, 0, 2};

    assert_int_equal(auth_rl_fail(&t->r, &lim, "t-rl-a1", "10.9.9.9"), 0);
    assert_int_equal(auth_rl_check(&t->r, &lim, "t-rl-a2", "10.9.9.9"), 0);
    assert_int_equal(auth_rl_fail(&t->r, &lim, NULL, "10.9.9.9"), 0);
    assert_true(auth_rl_check(&t->r, &lim, "t-rl-a3", "10.9.9.9") > 0);
    assert_int_equal(auth_rl_check(&t->r, &lim, "t-rl-a3", "10.9.9.8"), 0);
}

static void
test_success_clears_the_name(void **state)
{
    struct test_redis *t = *state;
    struct auth_rl_limits lim = {60, 1, 0};

    assert_int_equal(auth_rl_fail(&t->r, &lim, "t-rl-ok", "10.0.0.3"), 0);
    assert_true(auth_rl_check(&t->r, &lim, "t-rl-ok", "10.0.0.3") > 0);
    assert_int_equal(auth_rl_success(&t->r, "t-rl-ok"), 0);
    assert_int_equal(auth_rl_check(&t->r, &lim, "t-rl-ok", "10.0.0.3"), 0);
}

static void
test_window_ends(void **state)
{
    struct test_redis *t = *state;
    struct auth_rl_limits lim = {1, 1, 0};
    long long deadline;
    redisReply *rep;

    assert_int_equal(auth_rl_fail(&t->r, &lim, "t-rl-win", "10.0.0.4"), 0);
    rep = test_raw(t, "PTTL %st-rl-win", AUTH_K_RL_USER);
    assert_true(rep->integer > 0 && rep->integer <= 1000);
    freeReplyObject(rep);
    /* end the window now instead of waiting a second for it */
    freeReplyObject(test_raw(t, "PEXPIRE %st-rl-win 1", AUTH_K_RL_USER));
    deadline = cmn_mono_ms() + 2000;
    while (auth_rl_check(&t->r, &lim, "t-rl-win", "10.0.0.4") != 0 &&
           cmn_mono_ms() < deadline)
        ;
    assert_int_equal(auth_rl_check(&t->r, &lim, "t-rl-win", "10.0.0.4"), 0);
}

static void
test_disabled_limits_never_touch_redis(void **state)
{
    struct auth_rl_limits lim = {60, 0, 0};
    struct cmn_redis dead;

    (void)state;
    cmn_redis_init(&dead, "127.0.0.1", 1, "test-dead");
    assert_int_equal(auth_rl_check(&dead, &lim, "x", "1.2.3.4"), 0);
    assert_int_equal(auth_rl_fail(&dead, &lim, "x", "1.2.3.4"), 0);
    lim.user_max = 1;
    assert_int_equal(auth_rl_check(&dead, &lim, "x", "1.2.3.4"), -1);
    cmn_redis_close(&dead);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_user_limit_trips_after_max_failures),
        cmocka_unit_test(test_address_limit_counts_every_name),
        cmocka_unit_test(test_success_clears_the_name),
        cmocka_unit_test(test_window_ends),
        cmocka_unit_test(test_disabled_limits_never_touch_redis),
    };

    return cmocka_run_group_tests(tests, test_redis_setup,
                                  test_redis_teardown);
}
