/* test_auth_body.c -- JSON body fields: string, missing, null, other. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "auth_body.h"

static struct cmn_json_span
obj_of(const char *text)
{
    struct cmn_json_span o;

    assert_int_equal(auth_body_object(text, strlen(text), &o), 0);
    return o;
}

static void
test_object_accepts_only_one_object(void **state)
{
    struct cmn_json_span o;
    static const char *const bad[] = {"", "null", "[1]", "\"x\"", "{",
                                      "{\"a\":1} {}", "{\"a\":1,}",
                                      "{\"a\":\"\xc3\x28\"}"};

    (void)state;
    assert_int_equal(auth_body_object(" {\"a\":1}\n", 9, &o), 0);
    assert_int_equal(o.p[0], '{');
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(auth_body_object(bad[i], strlen(bad[i]), &o), -1);
}

static void
test_string_field_is_decoded(void **state)
{
    char out[32];
    size_t len;

    (void)state;
    assert_int_equal(auth_body_string(obj_of("{\"p\":\"Come on\\u0021\"}"),
                                      "p", out, sizeof out, &len),
                     AUTH_FIELD_STRING);
    assert_string_equal(out, "Come on!");
    assert_int_equal(len, 8);
}

static void
test_field_kinds(void **state)
{
    struct cmn_json_span o = obj_of("{\"n\":null,\"i\":5,\"o\":{},"
                                    "\"z\":\"a\\u0000b\"}");
    char out[8];

    (void)state;
    assert_int_equal(auth_body_string(o, "x", out, sizeof out, NULL),
                     AUTH_FIELD_MISSING);
    assert_int_equal(auth_body_string(o, "n", out, sizeof out, NULL),
                     AUTH_FIELD_NULL);
    assert_int_equal(auth_body_string(o, "i", out, sizeof out, NULL),
                     AUTH_FIELD_NOT_STRING);
    assert_int_equal(auth_body_string(o, "o", out, sizeof out, NULL),
                     AUTH_FIELD_NOT_STRING);
    /* U+0000 would cut the C string short: refused */
    assert_int_equal(auth_body_string(o, "z", out, sizeof out, NULL),
                     AUTH_FIELD_TOO_LONG);
    assert_string_equal(out, "");
}

static void
test_too_long_string_is_refused(void **state)
{
    char out[4];

    (void)state;
    assert_int_equal(auth_body_string(obj_of("{\"p\":\"abcd\"}"), "p", out,
                                      sizeof out, NULL), AUTH_FIELD_TOO_LONG);
    assert_int_equal(auth_body_string(obj_of("{\"p\":\"abc\"}"), "p", out,
                                      sizeof out, NULL), AUTH_FIELD_STRING);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_object_accepts_only_one_object),
        cmocka_unit_test(test_string_field_is_decoded),
        cmocka_unit_test(test_field_kinds),
        cmocka_unit_test(test_too_long_string_is_refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
