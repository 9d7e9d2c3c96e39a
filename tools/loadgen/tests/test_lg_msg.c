/* test_lg_msg.c -- message content round trips and the receiver's
 * duplicate / reorder / loss bookkeeping. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "lg_msg.h"

static void
test_content_round_trips_and_pads(void **state)
{
    struct lg_msg m = {3, 1234, 987654321ull, 123456789012ull}, o;
    char buf[256];
    int n;

    (void)state;
    n = lg_msg_format(&m, 100, buf, sizeof buf);
    assert_int_equal(n, 100);
    assert_int_equal(strlen(buf), 100);
    assert_int_equal(buf[99], 'x');
    assert_int_equal(lg_msg_parse(buf, (size_t)n, &o), 0);
    assert_int_equal(o.step, 3);
    assert_int_equal(o.from, 1234);
    assert_int_equal(o.seq, 987654321ull);
    assert_int_equal(o.t_us, 123456789012ull);
    /* shorter than the header: no padding */
    n = lg_msg_format(&m, 0, buf, sizeof buf);
    assert_string_equal(buf, "lg|3|1234|987654321|123456789012|");
    assert_int_equal(lg_msg_format(&m, 300, buf, sizeof buf), -1);
    assert_int_equal(lg_msg_format(&m, 0, buf, 10), -1);
}

static void
test_foreign_content_is_refused(void **state)
{
    struct lg_msg o;

    (void)state;
    assert_int_equal(lg_msg_parse("hello", 5, &o), -1);
    assert_int_equal(lg_msg_parse("lg|1|2|3|", 9, &o), -1);
    assert_int_equal(lg_msg_parse("lg|1|2|x|4|", 11, &o), -1);
    assert_int_equal(lg_msg_parse("lg|1|2|3|4", 10, &o), -1);
    assert_int_equal(lg_msg_parse("lg", 2, &o), -1);
}

static void
test_rx_counts_dups_reordering_and_losses(void **state)
{
    struct lg_rx rx;

    (void)state;
    memset(&rx, 0, sizeof rx);
    assert_int_equal(lg_rx_mark(&rx, 0), 1);
    assert_int_equal(lg_rx_mark(&rx, 2), 1);
    assert_int_equal(lg_rx_mark(&rx, 1), 1);        /* late: reordered */
    assert_int_equal(lg_rx_mark(&rx, 2), 0);        /* duplicate */
    assert_int_equal(lg_rx_mark(&rx, 100000), 1);   /* grows */
    assert_int_equal(rx.got, 4);
    assert_int_equal(rx.dups, 1);
    assert_int_equal(rx.reordered, 1);
    assert_int_equal(rx.next, 100001);
    assert_int_equal(lg_rx_missing(&rx, 3), 0);
    assert_int_equal(lg_rx_missing(&rx, 10), 7);
    lg_rx_free(&rx);
    assert_null(rx.bits);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_content_round_trips_and_pads),
        cmocka_unit_test(test_foreign_content_is_refused),
        cmocka_unit_test(test_rx_counts_dups_reordering_and_losses),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
