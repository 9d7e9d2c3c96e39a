/* test_lg_hist.c -- the load generator's histogram: slot layout, the
 * 0.1 % accuracy promise at the tails, merging and the packed form. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lg_hist.h"

static void
test_small_values_are_exact(void **state)
{
    (void)state;
    for (uint64_t v = 0; v < 2048; v++) {
        assert_int_equal(lg_hist_slot(v), v);
        assert_int_equal(lg_hist_slot_low(v), v);
    }
}

static void
test_slots_are_contiguous_and_narrow(void **state)
{
    (void)state;
    for (size_t s = 2048; s + 1 < LG_HIST_SLOTS; s++) {
        uint64_t lo = lg_hist_slot_low(s), next = lg_hist_slot_low(s + 1);

        assert_true(next > lo);
        assert_int_equal(lg_hist_slot(lo), s);
        assert_int_equal(lg_hist_slot(next - 1), s);
        /* width / low <= 1/1024 */
        assert_true((next - lo) * 1024 <= lo);
    }
}

static void
test_huge_values_land_in_the_last_slot(void **state)
{
    struct lg_hist *h = lg_hist_new();

    (void)state;
    lg_hist_record(h, UINT64_MAX / 2);
    assert_int_equal(lg_hist_slot(UINT64_MAX / 2), LG_HIST_SLOTS - 1);
    assert_int_equal(lg_hist_pct(h, 50), UINT64_MAX / 2);   /* max exact */
    free(h);
}

static int
cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

static void
test_percentiles_within_a_tenth_of_a_percent(void **state)
{
    enum { N = 100000 };
    uint64_t *v = malloc(N * sizeof *v);
    struct lg_hist *h = lg_hist_new();
    const double ps[] = {50, 90, 99, 99.9, 99.99};

    (void)state;
    srand(7);
    for (int i = 0; i < N; i++) {
        /* a long tail: mostly ms, a few seconds */
        v[i] = (uint64_t)(rand() % 5000) + 500;
        if (i % 1000 == 0)
            v[i] = (uint64_t)(rand() % 3000000) + 100000;
        lg_hist_record(h, v[i]);
    }
    qsort(v, N, sizeof *v, cmp_u64);
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
        uint64_t exact = v[(size_t)(ps[i] / 100.0 * N + 0.999999) - 1];
        uint64_t got = lg_hist_pct(h, ps[i]);

        assert_true(got >= exact);
        assert_true((double)(got - exact) <= (double)exact / 1000.0 + 1);
    }
    assert_int_equal(lg_hist_pct(h, 100), v[N - 1]);
    assert_int_equal(h->min, v[0]);
    free(v);
    free(h);
}

static void
test_merge_and_pack_add_up(void **state)
{
    struct lg_hist *a = lg_hist_new(), *b = lg_hist_new();
    struct lg_hist *c = lg_hist_new(), *d = lg_hist_new();
    struct cmn_buf buf;

    (void)state;
    for (uint64_t i = 1; i <= 1000; i++) {
        lg_hist_record(a, i * 7);
        lg_hist_record(b, i * 1000);
    }
    lg_hist_merge(c, a);
    lg_hist_merge(c, b);
    cmn_buf_init(&buf);
    assert_int_equal(lg_hist_pack(a, &buf), 0);
    assert_int_equal(lg_hist_pack(b, &buf), 0);
    {
        long n1 = lg_hist_unpack(d, buf.p, buf.len);

        assert_true(n1 > 0);
        assert_true(lg_hist_unpack(d, buf.p + n1, buf.len - (size_t)n1) > 0);
    }
    assert_int_equal(c->total, 2000);
    assert_memory_equal(c->counts, d->counts, sizeof c->counts);
    assert_int_equal(c->min, d->min);
    assert_int_equal(c->max, d->max);
    assert_int_equal(lg_hist_pct(c, 50), lg_hist_pct(d, 50));
    assert_int_equal(lg_hist_unpack(d, buf.p, 3), -1);      /* truncated */
    cmn_buf_free(&buf);
    free(a);
    free(b);
    free(c);
    free(d);
}

static void
test_empty_histogram_reports_zeros(void **state)
{
    struct lg_hist *h = lg_hist_new();
    struct cmn_buf b;

    (void)state;
    cmn_buf_init(&b);
    assert_int_equal(lg_hist_pct(h, 99), 0);
    assert_int_equal(lg_hist_json(h, &b), 0);
    assert_non_null(strstr(b.p, "\"count\":0,\"min\":0"));
    cmn_buf_free(&b);
    free(h);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_values_are_exact),
        cmocka_unit_test(test_slots_are_contiguous_and_narrow),
        cmocka_unit_test(test_huge_values_land_in_the_last_slot),
        cmocka_unit_test(test_percentiles_within_a_tenth_of_a_percent),
        cmocka_unit_test(test_merge_and_pack_add_up),
        cmocka_unit_test(test_empty_histogram_reports_zeros),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
