/* test_relay_out.c -- delivery records grouped per gateway: one group per
 * gateway in first-use order, records in order with "<kind> <target>"
 * fields, binary-safe values, one pipelined XADD per gateway written to a
 * real Redis (TEST_REDIS_PORT), and reset. Gateway ids start with
 * "t-rout-" so their streams s:gw:t-rout-* are ours alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmn/cmn_keys.h"
#include "cmn/cmn_log.h"
#include "cmn/cmn_redis.h"
#include "relay_out.h"

static int t_port;

static void
test_records_are_grouped_by_gateway_in_first_use_order(void **state)
{
    struct relay_out o;

    (void)state;
    relay_out_init(&o);
    assert_int_equal(relay_out_add(&o, "g2", CMN_REC_MUST, "bob", "42[1]", 5),
                     0);
    assert_int_equal(relay_out_add(&o, "g1", CMN_REC_USER, "alice", "42[2]",
                                   5), 0);
    assert_int_equal(relay_out_add(&o, "g2", CMN_REC_SID, "g2.abc", "43[]", 4),
                     0);
    assert_int_equal(o.n, 2);
    assert_int_equal(o.records, 3);
    assert_string_equal(o.gws[0].gw, "g2");
    assert_string_equal(o.gws[1].gw, "g1");
    assert_int_equal(o.gws[0].n, 2);
    assert_string_equal(o.gws[0].recs[0].field, "U bob");
    assert_string_equal(o.gws[0].recs[0].value, "42[1]");
    assert_string_equal(o.gws[0].recs[1].field, "s g2.abc");
    assert_int_equal(o.gws[0].recs[1].vlen, 4);
    assert_string_equal(o.gws[1].recs[0].field, "u alice");
    relay_out_reset(&o);
}

static void
test_values_are_copied_with_their_length(void **state)
{
    struct relay_out o;
    char value[] = "42[\"a\\u0000b\"]";

    (void)state;
    relay_out_init(&o);
    relay_out_add(&o, "g1", CMN_REC_USER, "carol", value, 6);
    value[0] = 'X';
    assert_int_equal(o.gws[0].recs[0].vlen, 6);
    assert_memory_equal(o.gws[0].recs[0].value, "42[\"a\\", 6);
    assert_int_equal(o.gws[0].recs[0].value[6], '\0');
    assert_string_equal(o.gws[0].recs[0].field, "u carol");
    relay_out_reset(&o);
}

static void
test_many_gateways_and_records_grow_their_arrays(void **state)
{
    struct relay_out o;
    char gw[16], user[16];

    (void)state;
    relay_out_init(&o);
    for (int i = 0; i < 2000; i++) {
        snprintf(gw, sizeof gw, "g%d", i % 20);
        snprintf(user, sizeof user, "u%d", i);
        assert_int_equal(relay_out_add(&o, gw, CMN_REC_USER, user, user,
                                       strlen(user)), 0);
    }
    assert_int_equal(o.n, 20);
    assert_int_equal(o.records, 2000);
    for (size_t g = 0; g < o.n; g++) {
        assert_int_equal(o.gws[g].n, 100);
        /* order kept inside a group */
        snprintf(user, sizeof user, "u%zu", g + 20);
        assert_string_equal(o.gws[g].recs[1].value, user);
    }
    relay_out_reset(&o);
}

static void
test_reset_leaves_an_empty_reusable_set(void **state)
{
    struct relay_out o;

    (void)state;
    relay_out_init(&o);
    relay_out_add(&o, "g1", CMN_REC_USER, "a", "x", 1);
    relay_out_reset(&o);
    assert_int_equal(o.n, 0);
    assert_int_equal(o.records, 0);
    assert_null(o.gws);
    relay_out_add(&o, "g9", CMN_REC_USER, "b", "y", 1);
    assert_int_equal(o.n, 1);
    assert_string_equal(o.gws[0].gw, "g9");
    relay_out_reset(&o);
    relay_out_reset(&o);                /* reset twice is fine */
}

static void
test_append_writes_one_xadd_per_gateway(void **state)
{
    struct cmn_redis r;
    struct relay_out o;
    redisReply *rep;
    int n;

    (void)state;
    cmn_redis_init(&r, "127.0.0.1", t_port, "test");
    assert_non_null(cmn_redis_ctx(&r));
    freeReplyObject(cmn_redis_cmd(&r, "DEL " CMN_S_GW_PREFIX "t-rout-1 "
                                      CMN_S_GW_PREFIX "t-rout-2"));
    relay_out_init(&o);
    relay_out_add(&o, "t-rout-1", CMN_REC_MUST, "bob", "42[\"m1\"]", 8);
    relay_out_add(&o, "t-rout-2", CMN_REC_USER, "alice", "42[\"m2\"]", 8);
    relay_out_add(&o, "t-rout-1", CMN_REC_SID, "t-rout-1.s", "43\0x", 4);
    n = relay_out_append(&o, r.c);
    assert_int_equal(n, 2);
    for (int i = 0; i < n; i++) {
        rep = cmn_redis_get_reply(&r);
        assert_non_null(rep);
        assert_int_equal(rep->type, REDIS_REPLY_STRING);   /* the new id */
        freeReplyObject(rep);
    }
    relay_out_reset(&o);

    rep = cmn_redis_cmd(&r, "XRANGE " CMN_S_GW_PREFIX "t-rout-1 - +");
    assert_int_equal(rep->elements, 1);
    assert_int_equal(cmn_entry_nfields(rep->element[0]), 2);
    {
        const redisReply *f, *v;

        cmn_entry_pair(rep->element[0], 0, &f, &v);
        assert_string_equal(f->str, "U bob");
        assert_string_equal(v->str, "42[\"m1\"]");
        cmn_entry_pair(rep->element[0], 1, &f, &v);
        assert_string_equal(f->str, "s t-rout-1.s");
        assert_int_equal(v->len, 4);
        assert_memory_equal(v->str, "43\0x", 4);
    }
    freeReplyObject(rep);
    rep = cmn_redis_cmd(&r, "XRANGE " CMN_S_GW_PREFIX "t-rout-2 - +");
    assert_int_equal(rep->elements, 1);
    assert_string_equal(cmn_entry_field(rep->element[0], "u alice")->str,
                        "42[\"m2\"]");
    freeReplyObject(rep);
    cmn_redis_close(&r);
}

static void
test_append_of_nothing_sends_nothing(void **state)
{
    struct cmn_redis r;
    struct relay_out o;
    redisReply *rep;

    (void)state;
    cmn_redis_init(&r, "127.0.0.1", t_port, "test");
    assert_non_null(cmn_redis_ctx(&r));
    relay_out_init(&o);
    assert_int_equal(relay_out_append(&o, r.c), 0);
    /* the connection has no stray reply waiting */
    rep = cmn_redis_cmd(&r, "PING");
    assert_string_equal(rep->str, "PONG");
    freeReplyObject(rep);
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
        cmocka_unit_test(
            test_records_are_grouped_by_gateway_in_first_use_order),
        cmocka_unit_test(test_values_are_copied_with_their_length),
        cmocka_unit_test(test_many_gateways_and_records_grow_their_arrays),
        cmocka_unit_test(test_reset_leaves_an_empty_reusable_set),
        cmocka_unit_test(test_append_writes_one_xadd_per_gateway),
        cmocka_unit_test(test_append_of_nothing_sends_nothing),
    };

    cmn_log_init("test", CMN_LOG_ERROR);
    return cmocka_run_group_tests(tests, find_redis, NULL);
}
