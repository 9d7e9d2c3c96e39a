/* test_relay_state.c -- the per-batch user state map (open addressing,
 * growth, reset, free) and its pipelined fetch of tokens/online/loc/inboxn
 * from a real Redis (TEST_REDIS_PORT, tests/with-redis.sh). Users are
 * named "t-rstate-*" so the shared hashes hold nothing else of ours. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmn/cmn_keys.h"
#include "cmn/cmn_log.h"
#include "relay_state.h"

static int t_port;

/* ---- the map ------------------------------------------------------------ */

static void
test_empty_state_finds_nobody(void **state)
{
    struct relay_state st;

    (void)state;
    relay_state_init(&st);
    assert_null(relay_state_get(&st, "alice"));
    assert_int_equal(st.n, 0);
    relay_state_free(&st);
}

static void
test_need_adds_a_user_once_with_unknown_state(void **state)
{
    struct relay_state st;
    struct relay_ustate *a, *again;

    (void)state;
    relay_state_init(&st);
    a = relay_state_need(&st, "alice");
    assert_non_null(a);
    assert_string_equal(a->name, "alice");
    assert_null(a->token);
    assert_null(a->online);
    assert_null(a->loc);
    assert_int_equal(a->inboxn, 0);
    assert_int_equal(a->flush, 0);
    again = relay_state_need(&st, "alice");
    assert_ptr_equal(again, a);
    assert_int_equal(st.n, 1);
    assert_ptr_equal(relay_state_get(&st, "alice"), a);
    assert_null(relay_state_get(&st, "alic"));
    assert_null(relay_state_get(&st, "alice2"));
    relay_state_free(&st);
}

static void
test_many_users_survive_growth_and_rehashing(void **state)
{
    enum { N = 3000 };
    struct relay_state st;
    char name[32];

    (void)state;
    relay_state_init(&st);
    for (int i = 0; i < N; i++) {
        struct relay_ustate *u;

        snprintf(name, sizeof name, "user-%d", i);
        u = relay_state_need(&st, name);
        assert_non_null(u);
        u->inboxn = i;              /* mark it */
    }
    assert_int_equal(st.n, N);
    assert_true(st.nslots >= 2 * N);
    for (int i = 0; i < N; i++) {
        struct relay_ustate *u;

        snprintf(name, sizeof name, "user-%d", i);
        u = relay_state_get(&st, name);
        assert_non_null(u);
        assert_string_equal(u->name, name);
        assert_int_equal(u->inboxn, i);
        /* needing it again neither duplicates nor resets it */
        assert_ptr_equal(relay_state_need(&st, name), u);
    }
    assert_int_equal(st.n, N);
    relay_state_free(&st);
}

static void
test_reset_forgets_users_but_keeps_the_memory(void **state)
{
    struct relay_state st;
    struct relay_ustate *u;
    size_t cap, nslots;

    (void)state;
    relay_state_init(&st);
    u = relay_state_need(&st, "alice");
    u->token = strdup("j1");
    u->loc = strdup("g1");
    relay_state_need(&st, "bob");
    cap = st.cap;
    nslots = st.nslots;
    relay_state_reset(&st);
    assert_int_equal(st.n, 0);
    assert_int_equal(st.cap, cap);
    assert_int_equal(st.nslots, nslots);
    assert_null(relay_state_get(&st, "alice"));
    assert_null(relay_state_get(&st, "bob"));
    /* the next batch starts from unknown state */
    u = relay_state_need(&st, "alice");
    assert_null(u->token);
    assert_null(u->loc);
    assert_int_equal(st.n, 1);
    relay_state_free(&st);
    assert_int_equal(st.n, 0);
    assert_null(st.u);
    assert_null(st.slots);
}

/* ---- fetching from Redis ------------------------------------------------ */

static void
do_cmd(struct cmn_redis *r, const char *fmt, const char *a, const char *b)
{
    redisReply *rep = cmn_redis_cmd(r, fmt, a, b);

    assert_non_null(rep);
    assert_int_not_equal(rep->type, REDIS_REPLY_ERROR);
    freeReplyObject(rep);
}

static void
test_fetch_reads_every_users_state_in_one_round_trip(void **state)
{
    struct cmn_redis r;
    struct relay_state st;
    struct relay_ustate *a, *b, *c;

    (void)state;
    cmn_redis_init(&r, "127.0.0.1", t_port, "test");
    do_cmd(&r, "HSET " CMN_K_TOKENS " %s %s", "t-rstate-a", "jA");
    do_cmd(&r, "HSET " CMN_K_ONLINE " %s %s", "t-rstate-a", "jA");
    do_cmd(&r, "HSET " CMN_K_LOC " %s %s", "t-rstate-a", "g1 g2");
    do_cmd(&r, "HSET " CMN_K_INBOXN " %s %s", "t-rstate-a", "17");
    do_cmd(&r, "HSET " CMN_K_TOKENS " %s %s", "t-rstate-c", "jC");

    relay_state_init(&st);
    relay_state_need(&st, "t-rstate-a");
    relay_state_need(&st, "t-rstate-b");
    relay_state_need(&st, "t-rstate-c");
    assert_int_equal(relay_state_fetch(&st, &r), 0);
    a = relay_state_get(&st, "t-rstate-a");
    b = relay_state_get(&st, "t-rstate-b");
    c = relay_state_get(&st, "t-rstate-c");
    assert_string_equal(a->token, "jA");
    assert_string_equal(a->online, "jA");
    assert_string_equal(a->loc, "g1 g2");
    assert_int_equal(a->inboxn, 17);
    assert_null(b->token);
    assert_null(b->online);
    assert_null(b->loc);
    assert_int_equal(b->inboxn, 0);
    assert_string_equal(c->token, "jC");
    assert_null(c->online);
    /* nothing left unread on the pipeline */
    {
        redisReply *rep = cmn_redis_cmd(&r, "PING");

        assert_string_equal(rep->str, "PONG");
        freeReplyObject(rep);
    }
    relay_state_free(&st);
    cmn_redis_close(&r);
}

static void
test_fetch_of_many_users_keeps_them_apart(void **state)
{
    enum { N = 600 };
    struct cmn_redis r;
    struct relay_state st;
    char name[32], jti[32];

    (void)state;
    cmn_redis_init(&r, "127.0.0.1", t_port, "test");
    relay_state_init(&st);
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof name, "t-rstate-m%d", i);
        snprintf(jti, sizeof jti, "j%d", i);
        if (i % 3 == 0)
            do_cmd(&r, "HSET " CMN_K_TOKENS " %s %s", name, jti);
        relay_state_need(&st, name);
    }
    assert_int_equal(relay_state_fetch(&st, &r), 0);
    for (int i = 0; i < N; i++) {
        struct relay_ustate *u;

        snprintf(name, sizeof name, "t-rstate-m%d", i);
        snprintf(jti, sizeof jti, "j%d", i);
        u = relay_state_get(&st, name);
        if (i % 3 == 0)
            assert_string_equal(u->token, jti);
        else
            assert_null(u->token);
    }
    relay_state_free(&st);
    cmn_redis_close(&r);
}

static void
test_fetch_of_nobody_needs_no_redis(void **state)
{
    struct cmn_redis r;
    struct relay_state st;

    (void)state;
    cmn_redis_init(&r, "127.0.0.1", 1, "down");
    relay_state_init(&st);
    assert_int_equal(relay_state_fetch(&st, &r), 0);
    relay_state_free(&st);
}

static void
test_fetch_while_redis_is_down_fails(void **state)
{
    struct cmn_redis r;
    struct relay_state st;

    (void)state;
    cmn_redis_init(&r, "127.0.0.1", 1, "down");
    relay_state_init(&st);
    relay_state_need(&st, "t-rstate-x");
    assert_int_equal(relay_state_fetch(&st, &r), -1);
    relay_state_free(&st);
    cmn_redis_close(&r);
}

static int
find_redis(void **state)
{
    const char *port = getenv("TEST_REDIS_PORT");

    (void)state;
    if (port == NULL) {
        fprintf(stderr, "TEST_REDIS_PORT is not set: run under "
                        "tests/with-redis.sh (make unit)\n");
        return -1;
    }
    t_port = atoi(port);
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_state_finds_nobody),
        cmocka_unit_test(test_need_adds_a_user_once_with_unknown_state),
        cmocka_unit_test(test_many_users_survive_growth_and_rehashing),
        cmocka_unit_test(test_reset_forgets_users_but_keeps_the_memory),
        cmocka_unit_test(test_fetch_reads_every_users_state_in_one_round_trip),
        cmocka_unit_test(test_fetch_of_many_users_keeps_them_apart),
        cmocka_unit_test(test_fetch_of_nobody_needs_no_redis),
        cmocka_unit_test(test_fetch_while_redis_is_down_fails),
    };

    cmn_log_init("test", CMN_LOG_ERROR);
    return cmocka_run_group_tests(tests, find_redis, NULL);
}
