/* test_auth_pwhash.c -- argon2id hashes, the dummy, the fast variant. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "cmn/cmn_health.h"

#include "auth_pwhash.h"

/* The floor the configuration allows (t=2, 19 MiB), to keep tests quick. */
static int
setup(void **state)
{
    *state = auth_pwhash_new(2, 19, 2, NULL, NULL);
    return *state ? 0 : -1;
}

static int
teardown(void **state)
{
    auth_pwhash_free(*state);
    return 0;
}

static void
test_hash_verifies_only_its_password(void **state)
{
    char h[AUTH_HASH_LEN];

    assert_int_equal(auth_pwhash_hash(*state, "Come on", 7, h), 0);
    assert_non_null(strstr(h, "$argon2id$v=19$m=19456,t=2,p=1$"));
    assert_int_equal(auth_pwhash_verify(*state, h, "Come on", 7), 1);
    assert_int_equal(auth_pwhash_verify(*state, h, "Come on!", 8), 0);
    assert_int_equal(auth_pwhash_verify(*state, h, "Come o", 6), 0);
}

static void
test_no_hash_never_verifies(void **state)
{
    assert_int_equal(auth_pwhash_verify(*state, NULL, "", 0), 0);
    assert_int_equal(auth_pwhash_verify(*state, "", "x", 1), 0);
    assert_int_equal(auth_pwhash_verify(*state, "plain", "plain", 5), 0);
}

static void
test_fast_hash_is_minimum_cost_and_verifies(void **state)
{
    char h[AUTH_HASH_LEN];

    assert_int_equal(auth_pwhash_hash_fast("pw17", 4, h), 0);
    assert_non_null(strstr(h, "$argon2id$v=19$m=8,t=1,p=1$"));
    assert_int_equal(auth_pwhash_verify(*state, h, "pw17", 4), 1);
    assert_int_equal(auth_pwhash_verify(*state, h, "pw18", 4), 0);
}

static void
test_gauge_returns_to_zero(void **state)
{
    struct cmn_metric g = {"g", "g", 1, 0, NULL};
    struct auth_pwhash *ph = auth_pwhash_new(2, 19, 1, &g, NULL);
    char h[AUTH_HASH_LEN];

    (void)state;
    assert_non_null(ph);
    assert_int_equal(auth_pwhash_hash(ph, "x", 1, h), 0);
    assert_int_equal(auth_pwhash_in_flight(ph), 0);
    assert_int_equal(atomic_load(&g.value), 0);
    auth_pwhash_free(ph);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash_verifies_only_its_password),
        cmocka_unit_test(test_no_hash_never_verifies),
        cmocka_unit_test(test_fast_hash_is_minimum_cost_and_verifies),
        cmocka_unit_test(test_gauge_returns_to_zero),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
