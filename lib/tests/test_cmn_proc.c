/* test_cmn_proc.c -- process plumbing: SIGTERM/SIGINT set the stop flag,
 * SIGPIPE is ignored, the clocks move the right way, and cmn_sleep_ms()
 * returns early once a stop was requested. The stop flag cannot be
 * cleared, so the tests that set it run last. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cmn/cmn_proc.h"

static void
test_monotonic_clock_never_goes_back_and_counts_milliseconds(void **state)
{
    long long a, b;

    (void)state;
    a = cmn_mono_ms();
    usleep(20000);
    b = cmn_mono_ms();
    assert_true(b >= a + 19);
    assert_true(b < a + 1000);
}

static void
test_wall_clock_is_milliseconds_since_the_epoch(void **state)
{
    long long ms = cmn_wall_ms();
    long long s = (long long)time(NULL);

    (void)state;
    assert_true(ms / 1000 >= s - 1);
    assert_true(ms / 1000 <= s + 1);
}

static void
test_sleep_waits_about_as_long_as_asked(void **state)
{
    long long t0 = cmn_mono_ms();

    (void)state;
    cmn_sleep_ms(50);
    assert_true(cmn_mono_ms() - t0 >= 49);
    t0 = cmn_mono_ms();
    cmn_sleep_ms(0);
    cmn_sleep_ms(-5);
    assert_true(cmn_mono_ms() - t0 < 20);
}

static void
test_sigpipe_is_ignored(void **state)
{
    struct sigaction sa;

    (void)state;
    assert_int_equal(sigaction(SIGPIPE, NULL, &sa), 0);
    assert_ptr_equal(sa.sa_handler, SIG_IGN);
    assert_int_equal(raise(SIGPIPE), 0);     /* still alive */
}

static void
test_sigterm_sets_the_stop_flag(void **state)
{
    (void)state;
    assert_false(cmn_proc_stopping());
    assert_int_equal(raise(SIGTERM), 0);
    assert_true(cmn_proc_stopping());
}

static void
test_sleep_returns_at_once_when_stopping(void **state)
{
    long long t0;

    (void)state;
    cmn_proc_request_stop();
    assert_true(cmn_proc_stopping());
    t0 = cmn_mono_ms();
    cmn_sleep_ms(5000);
    assert_true(cmn_mono_ms() - t0 < 100);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            test_monotonic_clock_never_goes_back_and_counts_milliseconds),
        cmocka_unit_test(test_wall_clock_is_milliseconds_since_the_epoch),
        cmocka_unit_test(test_sleep_waits_about_as_long_as_asked),
        cmocka_unit_test(test_sigpipe_is_ignored),
        cmocka_unit_test(test_sigterm_sets_the_stop_flag),
        cmocka_unit_test(test_sleep_returns_at_once_when_stopping),
    };

    cmn_proc_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
