/* test_auth_users.c -- what counts as a user name and a role. (The SQL is
 * exercised against a real Postgres by tests/auth/.) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "auth_users.h"

static void
test_names_of_the_seed_and_load_tests_are_valid(void **state)
{
    static const char *const ok[] = {"Lisa", "ChatGPT", "load15000", "a",
        "x.y-z_9", "abcdefghijklmnopqrstuvwxyz012345"};

    (void)state;
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        assert_int_equal(auth_users_name_valid(ok[i]), 1);
}

static void
test_names_that_would_break_rooms_or_logs_are_not(void **state)
{
    static const char *const bad[] = {"", "Era&Lisa", "a b", "x'; DROP "
        "TABLE users;--", "tab\t", "new\nline", "caf\xc3\xa9",
        "abcdefghijklmnopqrstuvwxyz0123456", "a/b", "\"q\""};

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(auth_users_name_valid(bad[i]), 0);
}

static void
test_roles(void **state)
{
    (void)state;
    assert_int_equal(auth_users_role_valid("user"), 1);
    assert_int_equal(auth_users_role_valid("admin"), 1);
    assert_int_equal(auth_users_role_valid("bot"), 1);
    assert_int_equal(auth_users_role_valid("root"), 0);
    assert_int_equal(auth_users_role_valid("Admin"), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_of_the_seed_and_load_tests_are_valid),
        cmocka_unit_test(test_names_that_would_break_rooms_or_logs_are_not),
        cmocka_unit_test(test_roles),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
