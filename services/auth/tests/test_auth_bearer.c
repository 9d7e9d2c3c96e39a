/* test_auth_bearer.c -- the token in an Authorization header. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "auth_bearer.h"

static void
test_bearer_token_is_found(void **state)
{
    (void)state;
    assert_string_equal(auth_bearer_token("Bearer abc.def.ghi"),
                        "abc.def.ghi");
    assert_string_equal(auth_bearer_token("  bearer \t abc"), "abc");
    assert_string_equal(auth_bearer_token("BEARER x"), "x");
}

static void
test_other_schemes_have_no_token(void **state)
{
    (void)state;
    assert_null(auth_bearer_token(NULL));
    assert_null(auth_bearer_token(""));
    assert_null(auth_bearer_token("Bearer"));
    assert_null(auth_bearer_token("Bearer   "));
    assert_null(auth_bearer_token("Basic dXNlcjpwdw=="));
    assert_null(auth_bearer_token("Bearerabc"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bearer_token_is_found),
        cmocka_unit_test(test_other_schemes_have_no_token),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
