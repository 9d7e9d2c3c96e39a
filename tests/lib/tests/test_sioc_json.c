/* test_sioc_json.c -- the span helpers the packet codecs share. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sioc_json.h"

static void
test_trim_drops_json_whitespace_only(void **state)
{
    struct cmn_json_span s = sioc_json_trim(" \t\r\n{} \n", 8);

    (void)state;
    assert_int_equal(s.len, 2);
    assert_memory_equal(s.p, "{}", 2);
    s = sioc_json_trim("   ", 3);
    assert_int_equal(s.len, 0);
    s = sioc_json_trim("\v1", 2);           /* \v is not JSON whitespace */
    assert_int_equal(s.len, 2);
}

static void
test_long_accepts_plain_non_negative_integers(void **state)
{
    long v = -1;

    (void)state;
    assert_int_equal(sioc_json_long("0", 1, &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(sioc_json_long("25000", 5, &v), 0);
    assert_int_equal(v, 25000);
    assert_int_equal(sioc_json_long("999999999999999", 15, &v), 0);
    assert_int_equal(sioc_json_long("1000000000000000", 16, &v), -1);
    assert_int_equal(sioc_json_long("", 0, &v), -1);
    assert_int_equal(sioc_json_long("-1", 2, &v), -1);
    assert_int_equal(sioc_json_long("01", 2, &v), -1);
    assert_int_equal(sioc_json_long("1.0", 3, &v), -1);
    assert_int_equal(sioc_json_long("1e3", 3, &v), -1);
}

static void
test_check_wants_one_value_of_the_kind(void **state)
{
    struct cmn_json_span s;

    (void)state;
    assert_int_equal(sioc_json_check(" {\"a\":1} ", CMN_JSON_OBJECT, &s), 0);
    assert_int_equal(s.len, 7);
    assert_int_equal(sioc_json_check("[1]", CMN_JSON_ARRAY, &s), 0);
    assert_int_equal(sioc_json_check("[1]", CMN_JSON_OBJECT, &s), -1);
    assert_int_equal(sioc_json_check("{} {}", CMN_JSON_OBJECT, &s), -1);
    assert_int_equal(sioc_json_check("", CMN_JSON_OBJECT, &s), -1);
    assert_int_equal(sioc_json_check("{\"a\":}", CMN_JSON_OBJECT, &s), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trim_drops_json_whitespace_only),
        cmocka_unit_test(test_long_accepts_plain_non_negative_integers),
        cmocka_unit_test(test_check_wants_one_value_of_the_kind),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
