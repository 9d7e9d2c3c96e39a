/* test_aib_context.c -- the remembered conversation in a real Redis
 * (tests/with-redis.sh gives TEST_REDIS_PORT): appended in order, capped
 * to the last turns, with a TTL, forgotten on demand, per bot and user. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aib_context.h"

static int
connect_redis(void **state)
{
    static struct cmn_redis r;
    const char *port = getenv("TEST_REDIS_PORT");

    if (port == NULL) {
        fprintf(stderr, "TEST_REDIS_PORT is not set (tests/with-redis.sh)\n");
        return -1;
    }
    cmn_redis_init(&r, "127.0.0.1", atoi(port), "test");
    if (cmn_redis_ctx(&r) == NULL)
        return -1;
    *state = &r;
    return 0;
}

static int
disconnect_redis(void **state)
{
    cmn_redis_close(*state);
    return 0;
}

static void
test_turns_are_kept_in_order_and_capped(void **state)
{
    struct cmn_redis *r = *state;
    struct aib_context ctx;
    char q[32], a[32];

    freeReplyObject(cmn_redis_cmd(r, "DEL botctx:T1:era"));
    for (int i = 1; i <= 4; i++) {
        snprintf(q, sizeof q, "q%d", i);
        snprintf(a, sizeof a, "a%d", i);
        assert_int_equal(aib_context_append(r, "T1", "era", q, a, 2, 600),
                         0);
    }
    assert_int_equal(aib_context_load(r, "T1", "era", 2, &ctx), 0);
    assert_int_equal(ctx.n, 4);
    assert_string_equal(ctx.items[0], "{\"role\":\"user\",\"content\":\"q3\"}");
    assert_string_equal(ctx.items[1],
                        "{\"role\":\"assistant\",\"content\":\"a3\"}");
    assert_string_equal(ctx.items[3],
                        "{\"role\":\"assistant\",\"content\":\"a4\"}");
    aib_context_cleanup(&ctx);
    /* a smaller window reads fewer turns */
    assert_int_equal(aib_context_load(r, "T1", "era", 1, &ctx), 0);
    assert_int_equal(ctx.n, 2);
    aib_context_cleanup(&ctx);
}

static void
test_context_expires_and_is_forgotten(void **state)
{
    struct cmn_redis *r = *state;
    struct aib_context ctx;
    redisReply *rep;

    assert_int_equal(aib_context_append(r, "T2", "avi", "q", "a", 5, 77), 0);
    rep = cmn_redis_cmd(r, "TTL botctx:T2:avi");
    assert_true(rep->integer > 0 && rep->integer <= 77);
    freeReplyObject(rep);
    /* another bot, another user: separate conversations */
    assert_int_equal(aib_context_load(r, "T3", "avi", 5, &ctx), 0);
    assert_int_equal(ctx.n, 0);
    aib_context_cleanup(&ctx);
    assert_int_equal(aib_context_forget(r, "T2", "avi"), 0);
    assert_int_equal(aib_context_load(r, "T2", "avi", 5, &ctx), 0);
    assert_int_equal(ctx.n, 0);
    aib_context_cleanup(&ctx);
}

static void
test_zero_turns_keeps_nothing(void **state)
{
    struct cmn_redis *r = *state;
    struct aib_context ctx;
    redisReply *rep;

    assert_int_equal(aib_context_append(r, "T4", "era", "q", "a", 0, 60), 0);
    rep = cmn_redis_cmd(r, "EXISTS botctx:T4:era");
    assert_int_equal(rep->integer, 0);
    freeReplyObject(rep);
    assert_int_equal(aib_context_load(r, "T4", "era", 0, &ctx), 0);
    assert_int_equal(ctx.n, 0);
}

static void
test_unreachable_redis_is_reported(void **state)
{
    struct cmn_redis down;
    struct aib_context ctx;

    (void)state;
    cmn_redis_init(&down, "127.0.0.1", 1, "test-down");
    assert_int_equal(aib_context_load(&down, "T5", "era", 2, &ctx), -1);
    assert_int_equal(aib_context_append(&down, "T5", "era", "q", "a", 2, 60),
                     -1);
    cmn_redis_close(&down);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_turns_are_kept_in_order_and_capped),
        cmocka_unit_test(test_context_expires_and_is_forgotten),
        cmocka_unit_test(test_zero_turns_keeps_nothing),
        cmocka_unit_test(test_unreachable_redis_is_reported),
    };

    return cmocka_run_group_tests_name("aib_context", tests, connect_redis,
                                       disconnect_redis);
}
