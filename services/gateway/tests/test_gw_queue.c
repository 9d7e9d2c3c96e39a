/* test_gw_queue.c -- reference-counted packets and the per-session FIFO:
 * contents and lws headroom, sharing one packet between queues, order,
 * counters, clearing. Leaks and double frees show up under make SAN=1
 * (ASan) and valgrind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gw_queue.h"

static void
test_new_packet_copies_data_behind_lws_headroom(void **state)
{
    char src[] = "42[\"x\"]";
    struct gw_pkt *pk = gw_pkt_new(src, 7, 0);

    (void)state;
    assert_non_null(pk);
    assert_int_equal(pk->refs, 1);
    assert_int_equal(pk->binary, 0);
    assert_int_equal(pk->len, 7);
    assert_ptr_equal(gw_pkt_data(pk), (char *)pk->buf + LWS_PRE);
    assert_string_equal(gw_pkt_data(pk), "42[\"x\"]");
    src[0] = 'X';                       /* a copy, not a reference */
    assert_int_equal(gw_pkt_data(pk)[0], '4');
    /* lws_write() may use the LWS_PRE bytes in front of the data */
    memset(pk->buf, 0xee, LWS_PRE);
    assert_string_equal(gw_pkt_data(pk), "42[\"x\"]");
    gw_pkt_unref(pk);
}

static void
test_binary_packet_keeps_nul_bytes(void **state)
{
    static const unsigned char bin[] = {0, 1, 0, 255};
    struct gw_pkt *pk = gw_pkt_new(bin, sizeof bin, 7);

    (void)state;
    assert_int_equal(pk->binary, 1);
    assert_int_equal(pk->len, 4);
    assert_memory_equal(gw_pkt_data(pk), bin, 4);
    assert_int_equal(gw_pkt_data(pk)[4], '\0');
    gw_pkt_unref(pk);
}

static void
test_empty_packet_is_an_empty_string(void **state)
{
    struct gw_pkt *pk = gw_pkt_new(NULL, 0, 0);

    (void)state;
    assert_non_null(pk);
    assert_int_equal(pk->len, 0);
    assert_string_equal(gw_pkt_data(pk), "");
    gw_pkt_unref(pk);
}

static void
test_new2_joins_prefix_and_data(void **state)
{
    struct gw_pkt *pk = gw_pkt_new2("42", "[\"ev\"]XXX", 6);
    struct gw_pkt *only = gw_pkt_new2("3probe", NULL, 0);

    (void)state;
    assert_int_equal(pk->len, 8);
    assert_string_equal(gw_pkt_data(pk), "42[\"ev\"]");
    assert_int_equal(pk->binary, 0);
    assert_int_equal(pk->refs, 1);
    assert_string_equal(gw_pkt_data(only), "3probe");
    assert_int_equal(only->len, 6);
    gw_pkt_unref(pk);
    gw_pkt_unref(only);
}

static void
test_unref_of_null_is_harmless(void **state)
{
    (void)state;
    gw_pkt_unref(NULL);
}

static void
test_queue_is_first_in_first_out_with_counters(void **state)
{
    struct gw_queue q;
    struct gw_pkt *a = gw_pkt_new("2", 1, 0);
    struct gw_pkt *b = gw_pkt_new("42[\"b\"]", 7, 0);
    struct gw_pkt *c = gw_pkt_new("6", 1, 0);
    struct gw_pkt *x;

    (void)state;
    gw_queue_init(&q);
    assert_null(gw_queue_peek(&q));
    assert_null(gw_queue_pop(&q));
    assert_int_equal(gw_queue_push(&q, a), 0);
    assert_int_equal(gw_queue_push(&q, b), 0);
    assert_int_equal(gw_queue_push(&q, c), 0);
    assert_int_equal(q.count, 3);
    assert_int_equal(q.bytes, 9);
    assert_ptr_equal(gw_queue_peek(&q), a);
    assert_int_equal(q.count, 3);       /* peek removes nothing */

    x = gw_queue_pop(&q);
    assert_ptr_equal(x, a);
    gw_pkt_unref(x);
    assert_int_equal(q.count, 2);
    assert_int_equal(q.bytes, 8);
    x = gw_queue_pop(&q);
    assert_ptr_equal(x, b);
    gw_pkt_unref(x);
    /* a push after pops goes to the tail */
    assert_int_equal(gw_queue_push(&q, a), 0);
    x = gw_queue_pop(&q);
    assert_ptr_equal(x, c);
    gw_pkt_unref(x);
    x = gw_queue_pop(&q);
    assert_ptr_equal(x, a);
    gw_pkt_unref(x);
    assert_int_equal(q.count, 0);
    assert_int_equal(q.bytes, 0);
    assert_null(q.head);
    assert_null(q.tail);
    gw_pkt_unref(a);
    gw_pkt_unref(b);
    gw_pkt_unref(c);
}

static void
test_push_takes_its_own_reference(void **state)
{
    struct gw_queue q;
    struct gw_pkt *pk = gw_pkt_new("42[\"bcast\"]", 11, 0);
    struct gw_pkt *x;

    (void)state;
    gw_queue_init(&q);
    gw_queue_push(&q, pk);
    assert_int_equal(pk->refs, 2);
    gw_pkt_unref(pk);                   /* the sender lets go */
    x = gw_queue_pop(&q);
    assert_ptr_equal(x, pk);
    assert_int_equal(x->refs, 1);
    assert_string_equal(gw_pkt_data(x), "42[\"bcast\"]");
    gw_pkt_unref(x);                    /* freed here */
}

static void
test_one_broadcast_packet_is_shared_by_many_queues(void **state)
{
    struct gw_queue q[50];
    struct gw_pkt *pk = gw_pkt_new("42[\"all\"]", 9, 0);

    (void)state;
    for (int i = 0; i < 50; i++) {
        gw_queue_init(&q[i]);
        gw_queue_push(&q[i], pk);
    }
    assert_int_equal(pk->refs, 51);
    gw_pkt_unref(pk);
    for (int i = 0; i < 25; i++) {
        struct gw_pkt *x = gw_queue_pop(&q[i]);

        assert_ptr_equal(x, pk);
        gw_pkt_unref(x);
    }
    assert_int_equal(pk->refs, 25);
    for (int i = 25; i < 50; i++)
        gw_queue_clear(&q[i]);          /* the last clear frees it */
}

static void
test_clear_drops_every_packet_and_resets_counters(void **state)
{
    struct gw_queue q;
    struct gw_pkt *keep = gw_pkt_new("kept", 4, 0);

    (void)state;
    gw_queue_init(&q);
    for (int i = 0; i < 1000; i++) {
        struct gw_pkt *pk = gw_pkt_new("2", 1, 0);

        gw_queue_push(&q, pk);
        gw_pkt_unref(pk);
    }
    gw_queue_push(&q, keep);
    assert_int_equal(q.count, 1001);
    gw_queue_clear(&q);
    assert_int_equal(q.count, 0);
    assert_int_equal(q.bytes, 0);
    assert_null(gw_queue_peek(&q));
    /* packets still referenced elsewhere survive the clear */
    assert_int_equal(keep->refs, 1);
    assert_string_equal(gw_pkt_data(keep), "kept");
    gw_pkt_unref(keep);
    gw_queue_clear(&q);                 /* clearing an empty queue */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_packet_copies_data_behind_lws_headroom),
        cmocka_unit_test(test_binary_packet_keeps_nul_bytes),
        cmocka_unit_test(test_empty_packet_is_an_empty_string),
        cmocka_unit_test(test_new2_joins_prefix_and_data),
        cmocka_unit_test(test_unref_of_null_is_harmless),
        cmocka_unit_test(test_queue_is_first_in_first_out_with_counters),
        cmocka_unit_test(test_push_takes_its_own_reference),
        cmocka_unit_test(test_one_broadcast_packet_is_shared_by_many_queues),
        cmocka_unit_test(test_clear_drops_every_packet_and_resets_counters),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
