/* test_sioc_loop.c -- the loop's timers: order, FIFO among equals,
 * restart and stop, a zero-delay restart that must not spin, many timers
 * stopped at random (heap integrity), and the refusal of nested runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmn/cmn_err.h"
#include "cmn/cmn_proc.h"
#include "sioc_loop.h"

struct rec {
    int order[64];
    int n;
};

struct tmr {
    struct sioc_timer t;
    struct rec *r;
    int id;
    int restarts;      /* restart this many times with 0 ms */
};

static void
record(struct sioc_loop *l, struct sioc_timer *t, void *arg)
{
    struct tmr *x = arg;

    (void)t;
    x->r->order[x->r->n++] = x->id;
    if (x->restarts > 0) {
        x->restarts--;
        assert_int_equal(sioc_timer_start(l, &x->t, 0), 0);
    }
}

static struct sioc_loop *
loop_new(void)
{
    char err[CMN_ERR_LEN] = "";
    struct sioc_loop *l = sioc_loop_new(err);

    if (l == NULL)
        fail_msg("%s", err);
    return l;
}

static void
test_timers_fire_by_due_time_then_start_order(void **state)
{
    struct sioc_loop *l = loop_new();
    struct rec r = {{0}, 0};
    struct tmr t[4];
    long delays[4] = {30, 10, 10, 0};

    (void)state;
    for (int i = 0; i < 4; i++) {
        t[i].r = &r;
        t[i].id = i;
        t[i].restarts = 0;
        sioc_timer_init(&t[i].t, record, &t[i]);
        assert_false(sioc_timer_active(&t[i].t));
        assert_int_equal(sioc_timer_start(l, &t[i].t, delays[i]), 0);
        assert_true(sioc_timer_active(&t[i].t));
    }
    assert_int_equal(r.n, 0);          /* never inside start */
    assert_int_equal(sioc_loop_run(l), 0);
    assert_int_equal(r.n, 4);
    assert_int_equal(r.order[0], 3);
    assert_int_equal(r.order[1], 1);
    assert_int_equal(r.order[2], 2);
    assert_int_equal(r.order[3], 0);
    sioc_loop_free(l);
}

static void
test_stop_and_restart(void **state)
{
    struct sioc_loop *l = loop_new();
    struct rec r = {{0}, 0};
    struct tmr a = {.r = &r, .id = 1}, b = {.r = &r, .id = 2};
    long long t0 = cmn_mono_ms();

    (void)state;
    sioc_timer_init(&a.t, record, &a);
    sioc_timer_init(&b.t, record, &b);
    sioc_timer_start(l, &a.t, 10);
    sioc_timer_start(l, &b.t, 20);
    sioc_timer_stop(l, &a.t);
    sioc_timer_stop(l, &a.t);          /* twice is harmless */
    sioc_timer_start(l, &b.t, 50);     /* restart moves it */
    assert_int_equal(sioc_loop_run(l), 0);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.order[0], 2);
    assert_true(cmn_mono_ms() - t0 >= 50);
    sioc_loop_free(l);
}

static void
test_zero_delay_restart_waits_for_the_next_iteration(void **state)
{
    struct sioc_loop *l = loop_new();
    struct rec r = {{0}, 0};
    struct tmr a = {.r = &r, .id = 1, .restarts = 3};

    (void)state;
    sioc_timer_init(&a.t, record, &a);
    sioc_timer_start(l, &a.t, 0);
    for (int i = 1; i <= 4; i++) {
        assert_int_equal(sioc_loop_run_once(l, 1000), 1);
        assert_int_equal(r.n, i);
    }
    assert_false(sioc_timer_active(&a.t));
    assert_int_equal(sioc_loop_run_once(l, 0), 0);
    sioc_loop_free(l);
}

struct many {
    struct sioc_timer t;
    long long due;
    long long *last;
    int *fired;
    int stopped;
};

static void
check_order(struct sioc_loop *l, struct sioc_timer *t, void *arg)
{
    struct many *m = arg;

    (void)l;
    (void)t;
    assert_false(m->stopped);
    assert_true(m->due >= *m->last);
    *m->last = m->due;
    (*m->fired)++;
}

static void
test_many_timers_keep_heap_order(void **state)
{
    enum { N = 2000 };
    struct sioc_loop *l = loop_new();
    struct many *m = calloc(N, sizeof *m);
    long long last = 0;
    int fired = 0, stopped = 0;

    (void)state;
    srand(7);
    for (int i = 0; i < N; i++) {
        m[i].last = &last;
        m[i].fired = &fired;
        sioc_timer_init(&m[i].t, check_order, &m[i]);
        sioc_timer_start(l, &m[i].t, rand() % 40);
        m[i].due = m[i].t.due;
    }
    for (int i = 0; i < N; i += 1 + rand() % 3) {
        sioc_timer_stop(l, &m[i].t);
        m[i].stopped = 1;
        stopped++;
    }
    assert_int_equal(sioc_loop_run(l), 0);
    assert_int_equal(fired, N - stopped);
    free(m);
    sioc_loop_free(l);
}

static int nested_rc;

static void
run_inside(struct sioc_loop *l, struct sioc_timer *t, void *arg)
{
    (void)t;
    (void)arg;
    nested_rc = sioc_loop_run_once(l, 0);
}

static void
test_nested_runs_are_refused(void **state)
{
    struct sioc_loop *l = loop_new();
    struct sioc_timer t;

    (void)state;
    sioc_timer_init(&t, run_inside, NULL);
    sioc_timer_start(l, &t, 0);
    nested_rc = 0;
    assert_int_equal(sioc_loop_run_once(l, 100), 1);
    assert_int_equal(nested_rc, -1);
    sioc_loop_free(l);
}

static void
stopper(struct sioc_loop *l, struct sioc_timer *t, void *arg)
{
    int *n = arg;

    (*n)++;
    sioc_timer_start(l, t, 1);
    if (*n == 5)
        sioc_loop_stop(l);
}

static void
test_stop_ends_run_with_timers_left(void **state)
{
    struct sioc_loop *l = loop_new();
    struct sioc_timer t;
    int n = 0;

    (void)state;
    sioc_timer_init(&t, stopper, &n);
    sioc_timer_start(l, &t, 1);
    assert_int_equal(sioc_loop_run(l), 0);
    assert_int_equal(n, 5);
    assert_true(sioc_timer_active(&t));
    assert_int_equal(sioc_loop_conns(l), 0);
    sioc_loop_free(l);              /* forgets the running timer */
    assert_false(sioc_timer_active(&t));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timers_fire_by_due_time_then_start_order),
        cmocka_unit_test(test_stop_and_restart),
        cmocka_unit_test(test_zero_delay_restart_waits_for_the_next_iteration),
        cmocka_unit_test(test_many_timers_keep_heap_order),
        cmocka_unit_test(test_nested_runs_are_refused),
        cmocka_unit_test(test_stop_ends_run_with_timers_left),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
