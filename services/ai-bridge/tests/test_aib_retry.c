/* test_aib_retry.c -- which failures are retried, how often, and after
 * how long. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include "aib_retry.h"

static const struct aib_retry_policy pol = {3, 500, 3000};

static void
test_outcomes_of_transfers_and_statuses(void **state)
{
    (void)state;
    assert_int_equal(aib_outcome_of(AIB_T_OK, 200), AIB_OK);
    assert_int_equal(aib_outcome_of(AIB_T_OK, 204), AIB_OK);
    assert_int_equal(aib_outcome_of(AIB_T_OK, 429), AIB_E_RATE);
    assert_int_equal(aib_outcome_of(AIB_T_OK, 500), AIB_E_SERVER);
    assert_int_equal(aib_outcome_of(AIB_T_OK, 503), AIB_E_SERVER);
    assert_int_equal(aib_outcome_of(AIB_T_OK, 401), AIB_E_REFUSED);
    assert_int_equal(aib_outcome_of(AIB_T_OK, 404), AIB_E_REFUSED);
    assert_int_equal(aib_outcome_of(AIB_T_OK, 301), AIB_E_REFUSED);
    assert_int_equal(aib_outcome_of(AIB_T_TIMEOUT, 0), AIB_E_TIMEOUT);
    assert_int_equal(aib_outcome_of(AIB_T_CONNECT, 0), AIB_E_CONNECT);
    assert_int_equal(aib_outcome_of(AIB_T_TOO_LARGE, 200), AIB_E_MALFORMED);
    assert_int_equal(aib_outcome_of(AIB_T_ABORTED, 0), AIB_E_ABORTED);
    assert_int_equal(aib_outcome_of(AIB_T_OTHER, 0), AIB_E_CONNECT);
}

static void
test_only_transient_failures_are_retried(void **state)
{
    (void)state;
    assert_true(aib_retry_delay(&pol, 1, AIB_E_CONNECT, -1, 0) >= 0);
    assert_true(aib_retry_delay(&pol, 1, AIB_E_RATE, -1, 0) >= 0);
    assert_true(aib_retry_delay(&pol, 1, AIB_E_SERVER, -1, 0) >= 0);
    /* waiting again for a slow or refusing bot would only hold the user */
    assert_int_equal(aib_retry_delay(&pol, 1, AIB_E_TIMEOUT, -1, 0), -1);
    assert_int_equal(aib_retry_delay(&pol, 1, AIB_E_REFUSED, -1, 0), -1);
    assert_int_equal(aib_retry_delay(&pol, 1, AIB_E_MALFORMED, -1, 0), -1);
    assert_int_equal(aib_retry_delay(&pol, 1, AIB_E_ABORTED, -1, 0), -1);
    assert_int_equal(aib_retry_delay(&pol, 1, AIB_OK, -1, 0), -1);
}

static void
test_retries_are_bounded(void **state)
{
    const struct aib_retry_policy none = {0, 500, 3000};

    (void)state;
    assert_true(aib_retry_delay(&pol, 3, AIB_E_SERVER, -1, 7) >= 0);
    assert_int_equal(aib_retry_delay(&pol, 4, AIB_E_SERVER, -1, 7), -1);
    assert_int_equal(aib_retry_delay(&none, 1, AIB_E_SERVER, -1, 7), -1);
    assert_int_equal(aib_retry_delay(&pol, 0, AIB_E_SERVER, -1, 7), -1);
}

static void
test_backoff_doubles_with_jitter_up_to_the_cap(void **state)
{
    const struct aib_retry_policy many = {10, 500, 3000};

    (void)state;
    /* equal jitter: [d/2, d] for d = 500, 1000, 2000, 3000 (cap) */
    assert_int_equal(aib_retry_delay(&many, 1, AIB_E_SERVER, -1, 0), 250);
    assert_int_equal(aib_retry_delay(&many, 1, AIB_E_SERVER, -1, 250), 500);
    assert_int_equal(aib_retry_delay(&many, 2, AIB_E_SERVER, -1, 0), 500);
    assert_int_equal(aib_retry_delay(&many, 2, AIB_E_SERVER, -1, 500), 1000);
    assert_int_equal(aib_retry_delay(&many, 3, AIB_E_SERVER, -1, 0), 1000);
    assert_int_equal(aib_retry_delay(&many, 4, AIB_E_SERVER, -1, 1500),
                     3000);
    assert_int_equal(aib_retry_delay(&many, 9, AIB_E_SERVER, -1, 0), 1500);
    for (unsigned r = 0; r < 5000; r += 37) {
        long d = aib_retry_delay(&many, 2, AIB_E_CONNECT, -1, r);

        assert_true(d >= 500 && d <= 1000);
    }
}

static void
test_retry_after_is_honoured_within_the_cap(void **state)
{
    (void)state;
    assert_int_equal(aib_retry_delay(&pol, 1, AIB_E_RATE, 2000, 0), 2000);
    /* our own backoff when it is longer than the server asked */
    assert_int_equal(aib_retry_delay(&pol, 3, AIB_E_RATE, 100, 1000), 2000);
    /* "come back in a minute" is not worth holding the user: give up */
    assert_int_equal(aib_retry_delay(&pol, 1, AIB_E_RATE, 60000, 0), -1);
}

static void
test_outcome_names(void **state)
{
    (void)state;
    assert_string_equal(aib_outcome_name(AIB_OK), "ok");
    assert_string_equal(aib_outcome_name(AIB_E_TIMEOUT), "timeout");
    assert_string_equal(aib_outcome_name(AIB_E_RATE), "rate_limited");
    assert_string_equal(aib_outcome_name(AIB_E_UNAVAILABLE), "unavailable");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outcomes_of_transfers_and_statuses),
        cmocka_unit_test(test_only_transient_failures_are_retried),
        cmocka_unit_test(test_retries_are_bounded),
        cmocka_unit_test(test_backoff_doubles_with_jitter_up_to_the_cap),
        cmocka_unit_test(test_retry_after_is_honoured_within_the_cap),
        cmocka_unit_test(test_outcome_names),
    };

    return cmocka_run_group_tests_name("aib_retry", tests, NULL, NULL);
}
