/* test_auth_text.c -- client text made safe for one log line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "auth_text.h"

static void
test_controls_and_quotes_are_replaced(void **state)
{
    char out[32];

    (void)state;
    assert_string_equal(auth_text_safe("a\nb\"c\\d\x01\xc3\xa9", out,
                                       sizeof out), "a?b?c?d???");
    assert_string_equal(auth_text_safe(NULL, out, sizeof out), "");
    assert_string_equal(auth_text_safe("Lisa", out, sizeof out), "Lisa");
}

static void
test_long_text_is_cut_with_dots(void **state)
{
    char out[8];

    (void)state;
    assert_string_equal(auth_text_safe("abcdefghijk", out, sizeof out),
                        "abcd...");
    assert_string_equal(auth_text_safe("abcdefg", out, sizeof out),
                        "abcdefg");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_controls_and_quotes_are_replaced),
        cmocka_unit_test(test_long_text_is_cut_with_dots),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
