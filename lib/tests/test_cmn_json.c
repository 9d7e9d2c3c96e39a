/* test_cmn_json.c -- the validating zero-copy JSON scanner: grammar (RFC
 * 8259), string escapes and UTF-8, the nesting limit, iteration, member
 * look-up and string decoding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmn/cmn_json.h"

static struct cmn_json_span
span(const char *s)
{
    struct cmn_json_span v = {s, strlen(s)};

    return v;
}

#define assert_valid(s) \
    assert_int_equal(cmn_json_validate((s), sizeof(s) - 1), 0)
#define assert_invalid(s) \
    assert_int_equal(cmn_json_validate((s), sizeof(s) - 1), -1)

static void
test_validate_accepts_every_kind_of_value(void **state)
{
    (void)state;
    assert_valid("{}");
    assert_valid("[]");
    assert_valid("\"\"");
    assert_valid("0");
    assert_valid("-0");
    assert_valid("123");
    assert_valid("-1.5e+10");
    assert_valid("2E-3");
    assert_valid("0.25");
    assert_valid("true");
    assert_valid("false");
    assert_valid("null");
    assert_valid("{\"a\":[1,{\"b\":null}],\"c\":\"d\"}");
    assert_valid(" \t\r\n[ 1 , 2 ]\n ");
    assert_valid("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00\"]");
}

static void
test_validate_refuses_bad_grammar(void **state)
{
    (void)state;
    assert_invalid("");
    assert_invalid("   ");
    assert_invalid("{");
    assert_invalid("[1,]");
    assert_invalid("[,1]");
    assert_invalid("{\"a\":1,}");
    assert_invalid("{\"a\"}");
    assert_invalid("{\"a\" 1}");
    assert_invalid("{a:1}");
    assert_invalid("{1:1}");
    assert_invalid("[1 2]");
    assert_invalid("[1]]");
    assert_invalid("{}{}");
    assert_invalid("tru");
    assert_invalid("trueX");
    assert_invalid("nul");
    assert_invalid("True");
    assert_invalid("'a'");
    assert_invalid("[1}");
    assert_invalid("{\"a\":1]");
}

static void
test_validate_refuses_bad_numbers(void **state)
{
    (void)state;
    assert_invalid("01");
    assert_invalid("-");
    assert_invalid("+1");
    assert_invalid(".5");
    assert_invalid("1.");
    assert_invalid("1.e5");
    assert_invalid("1e");
    assert_invalid("1e+");
    assert_invalid("0x10");
    assert_invalid("NaN");
    assert_invalid("Infinity");
    assert_invalid("-Infinity");
    assert_invalid("1 2");
    assert_invalid("--1");
}

static void
test_validate_refuses_bad_strings(void **state)
{
    (void)state;
    assert_invalid("\"abc");
    assert_invalid("\"a\nb\"");               /* raw control character */
    assert_invalid("\"a\tb\"");
    assert_invalid("\"\x1f\"");
    assert_invalid("\"\\x41\"");              /* unknown escape */
    assert_invalid("\"\\u12\"");              /* short \u */
    assert_invalid("\"\\u12G4\"");
    assert_invalid("\"\\\"");                 /* escape eats the quote */
    assert_invalid("\"\\uDC00\"");            /* lone low surrogate */
    assert_invalid("\"\\uD800\"");            /* lone high surrogate */
    assert_invalid("\"\\uD800\\u0041\"");     /* high + non-low */
    assert_invalid("\"\\uD800x\"");
}

static void
test_validate_refuses_invalid_utf8_in_strings(void **state)
{
    (void)state;
    assert_valid("\"\xc3\xa9\"");             /* é */
    assert_valid("\"\xe2\x82\xac\"");         /* € */
    assert_valid("\"\xf0\x9f\x98\x80\"");     /* U+1F600 */
    assert_valid("\"\xf4\x8f\xbf\xbf\"");     /* U+10FFFF */
    assert_invalid("\"\xff\"");
    assert_invalid("\"\x80\"");               /* lone continuation */
    assert_invalid("\"\xc0\xaf\"");           /* overlong '/' */
    assert_invalid("\"\xc1\xbf\"");
    assert_invalid("\"\xe0\x80\xaf\"");       /* overlong, 3 bytes */
    assert_invalid("\"\xf0\x80\x80\xaf\"");   /* overlong, 4 bytes */
    assert_invalid("\"\xed\xa0\x80\"");       /* UTF-16 surrogate */
    assert_invalid("\"\xf4\x90\x80\x80\"");   /* above U+10FFFF */
    assert_invalid("\"\xf5\x80\x80\x80\"");
    assert_invalid("\"\xc3\"");               /* truncated */
    assert_invalid("\"\xe2\x82\"");
}

static void
test_validate_stops_at_the_given_length(void **state)
{
    const char *s = "[1,2]garbage";

    (void)state;
    assert_int_equal(cmn_json_validate(s, 5), 0);
    assert_int_equal(cmn_json_validate(s, 4), -1);
    /* a NUL byte is not whitespace */
    assert_int_equal(cmn_json_validate("[1]\0", 4), -1);
}

/* "[[[...]]]" nested n deep */
static char *
nested(int n)
{
    char *s = malloc((size_t)n * 2 + 1);

    for (int i = 0; i < n; i++) {
        s[i] = '[';
        s[2 * n - 1 - i] = ']';
    }
    s[2 * n] = '\0';
    return s;
}

static void
test_validate_accepts_nesting_up_to_the_limit(void **state)
{
    char *s = nested(CMN_JSON_MAX_DEPTH);

    (void)state;
    assert_int_equal(cmn_json_validate(s, strlen(s)), 0);
    free(s);
}

static void
test_validate_refuses_deep_nesting_without_recursing_forever(void **state)
{
    char *s = nested(CMN_JSON_MAX_DEPTH + 2);
    char *deep = nested(100000);

    (void)state;
    assert_int_equal(cmn_json_validate(s, strlen(s)), -1);
    assert_int_equal(cmn_json_validate(deep, strlen(deep)), -1);
    free(s);
    free(deep);
}

static void
test_skip_returns_the_byte_after_the_value(void **state)
{
    const char *s = " {\"a\":[1,2]} , 3";
    const char *end = s + strlen(s);

    (void)state;
    assert_ptr_equal(cmn_json_skip(s, end), s + 12);
    assert_null(cmn_json_skip(s, s + 5));
    assert_null(cmn_json_skip(s, s));
}

static void
test_kind_reads_the_first_byte(void **state)
{
    struct cmn_json_span empty = {"", 0};

    (void)state;
    assert_int_equal(cmn_json_kind(span("{}")), CMN_JSON_OBJECT);
    assert_int_equal(cmn_json_kind(span("[]")), CMN_JSON_ARRAY);
    assert_int_equal(cmn_json_kind(span("\"x\"")), CMN_JSON_STRING);
    assert_int_equal(cmn_json_kind(span("-1")), CMN_JSON_NUMBER);
    assert_int_equal(cmn_json_kind(span("true")), CMN_JSON_BOOL);
    assert_int_equal(cmn_json_kind(span("false")), CMN_JSON_BOOL);
    assert_int_equal(cmn_json_kind(span("null")), CMN_JSON_NULL);
    assert_int_equal(cmn_json_kind(empty), CMN_JSON_BAD);
}

static void
test_array_iteration_yields_each_element_span(void **state)
{
    const char *s = "[ 1 , \"two\" ,{\"x\":[3]}, null ]";
    struct cmn_json_iter it;
    struct cmn_json_span v;

    (void)state;
    assert_int_equal(cmn_json_iter_init(&it, span(s)), 0);
    assert_int_equal(cmn_json_array_next(&it, &v), 1);
    assert_int_equal(v.len, 1);
    assert_memory_equal(v.p, "1", 1);
    assert_int_equal(cmn_json_array_next(&it, &v), 1);
    assert_int_equal(v.len, 5);
    assert_memory_equal(v.p, "\"two\"", 5);
    assert_int_equal(cmn_json_array_next(&it, &v), 1);
    assert_int_equal(v.len, 9);
    assert_memory_equal(v.p, "{\"x\":[3]}", 9);
    assert_int_equal(cmn_json_kind(v), CMN_JSON_OBJECT);
    assert_int_equal(cmn_json_array_next(&it, &v), 1);
    assert_int_equal(cmn_json_kind(v), CMN_JSON_NULL);
    assert_int_equal(cmn_json_array_next(&it, &v), 0);
    assert_int_equal(cmn_json_array_next(&it, &v), 0);
}

static void
test_empty_containers_iterate_nothing(void **state)
{
    struct cmn_json_iter it;
    struct cmn_json_span k, v;

    (void)state;
    assert_int_equal(cmn_json_iter_init(&it, span(" [ ] ")), 0);
    assert_int_equal(cmn_json_array_next(&it, &v), 0);
    assert_int_equal(cmn_json_iter_init(&it, span("{}")), 0);
    assert_int_equal(cmn_json_object_next(&it, &k, &v), 0);
}

static void
test_object_iteration_yields_quoted_keys_and_values(void **state)
{
    const char *s = "{\"a\" : 1,\"b\\u0041\":{\"c\":[]} }";
    struct cmn_json_iter it;
    struct cmn_json_span k, v;

    (void)state;
    assert_int_equal(cmn_json_iter_init(&it, span(s)), 0);
    assert_int_equal(cmn_json_object_next(&it, &k, &v), 1);
    assert_int_equal(k.len, 3);
    assert_memory_equal(k.p, "\"a\"", 3);
    assert_int_equal(v.len, 1);
    assert_memory_equal(v.p, "1", 1);
    assert_int_equal(cmn_json_object_next(&it, &k, &v), 1);
    assert_int_equal(k.len, 9);
    assert_int_equal(v.len, 8);
    assert_memory_equal(v.p, "{\"c\":[]}", 8);
    assert_int_equal(cmn_json_object_next(&it, &k, &v), 0);
}

static void
test_iteration_reports_broken_text(void **state)
{
    struct cmn_json_iter it;
    struct cmn_json_span k, v;

    (void)state;
    assert_int_equal(cmn_json_iter_init(&it, span("1")), -1);
    assert_int_equal(cmn_json_iter_init(&it, span("")), -1);
    assert_int_equal(cmn_json_iter_init(&it, span("[1,]")), 0);
    assert_int_equal(cmn_json_array_next(&it, &v), 1);
    assert_int_equal(cmn_json_array_next(&it, &v), -1);
    assert_int_equal(cmn_json_iter_init(&it, span("[1 2]")), 0);
    assert_int_equal(cmn_json_array_next(&it, &v), 1);
    assert_int_equal(cmn_json_array_next(&it, &v), -1);
    assert_int_equal(cmn_json_iter_init(&it, span("[1")), 0);
    assert_int_equal(cmn_json_array_next(&it, &v), 1);
    assert_int_equal(cmn_json_array_next(&it, &v), -1);
    assert_int_equal(cmn_json_iter_init(&it, span("{\"a\" 1}")), 0);
    assert_int_equal(cmn_json_object_next(&it, &k, &v), -1);
    assert_int_equal(cmn_json_iter_init(&it, span("{a:1}")), 0);
    assert_int_equal(cmn_json_object_next(&it, &k, &v), -1);
    assert_int_equal(cmn_json_iter_init(&it, span("{\"a\":}")), 0);
    assert_int_equal(cmn_json_object_next(&it, &k, &v), -1);
}

static void
test_object_iteration_refuses_a_span_ending_after_a_comma(void **state)
{
    /* exact-size heap copy: the byte after the ',' is not ours to read */
    char *s = malloc(7);
    struct cmn_json_span obj = {s, 7}, k, v;
    struct cmn_json_iter it;

    (void)state;
    memcpy(s, "{\"a\":1,", 7);
    assert_int_equal(cmn_json_iter_init(&it, obj), 0);
    assert_int_equal(cmn_json_object_next(&it, &k, &v), 1);
    assert_int_equal(cmn_json_object_next(&it, &k, &v), -1);
    assert_int_equal(cmn_json_get(obj, "b", &v), -1);
    free(s);
}

static void
test_get_finds_members_by_decoded_name(void **state)
{
    const char *s = "{\"sender\":\"alice\",\"n\":3,\"o\":{\"sender\":\"x\"},"
                    "\"\\u0063ontent\":\"hi\"}";
    struct cmn_json_span v;

    (void)state;
    assert_int_equal(cmn_json_get(span(s), "sender", &v), 1);
    assert_int_equal(v.len, 7);
    assert_memory_equal(v.p, "\"alice\"", 7);
    assert_int_equal(cmn_json_get(span(s), "n", &v), 1);
    assert_memory_equal(v.p, "3", 1);
    /* an escaped key matches its decoded name */
    assert_int_equal(cmn_json_get(span(s), "content", &v), 1);
    assert_memory_equal(v.p, "\"hi\"", 4);
    /* absent, and not a prefix or a nested member */
    assert_int_equal(cmn_json_get(span(s), "send", &v), 0);
    assert_int_equal(cmn_json_get(span(s), "sender2", &v), 0);
    assert_int_equal(cmn_json_get(span(s), "x", &v), 0);
}

static void
test_get_lets_the_last_duplicate_win(void **state)
{
    struct cmn_json_span v;

    (void)state;
    assert_int_equal(cmn_json_get(span("{\"a\":1,\"a\":2}"), "a", &v), 1);
    assert_memory_equal(v.p, "2", 1);
}

static void
test_get_refuses_non_objects_and_broken_objects(void **state)
{
    struct cmn_json_span v;

    (void)state;
    assert_int_equal(cmn_json_get(span("[\"a\",1]"), "a", &v), -1);
    assert_int_equal(cmn_json_get(span("\"a\""), "a", &v), -1);
    assert_int_equal(cmn_json_get(span("{\"a\":1,}"), "a", &v), -1);
    assert_int_equal(cmn_json_get(span("{\"b\":1,\"a\":tru}"), "a", &v), -1);
}

static void
expect_decoded(const char *json, const char *want, size_t wlen)
{
    char out[64];

    assert_int_equal(cmn_json_string(span(json), out, sizeof out),
                     (ssize_t)wlen);
    assert_memory_equal(out, want, wlen);
    assert_int_equal(out[wlen], '\0');
}

static void
test_string_decodes_every_escape(void **state)
{
    (void)state;
    expect_decoded("\"\"", "", 0);
    expect_decoded("\"abc\"", "abc", 3);
    expect_decoded("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t", 8);
    expect_decoded("\"\\u0041\\u00e9\\u20AC\"", "A\xc3\xa9\xe2\x82\xac", 6);
    expect_decoded("\"\\uD83D\\uDE00\"", "\xf0\x9f\x98\x80", 4);
    expect_decoded("\"\\uDBFF\\uDFFF\"", "\xf4\x8f\xbf\xbf", 4);
    expect_decoded("\"caf\xc3\xa9\"", "caf\xc3\xa9", 5);
}

static void
test_string_refuses_nul_and_non_strings(void **state)
{
    char out[16];

    (void)state;
    assert_int_equal(cmn_json_string(span("\"a\\u0000b\""), out, sizeof out),
                     -1);
    assert_int_equal(cmn_json_string(span("12"), out, sizeof out), -1);
    assert_int_equal(cmn_json_string(span("\""), out, sizeof out), -1);
    assert_int_equal(cmn_json_string(span("\"ab\"x"), out, sizeof out), -1);
    assert_int_equal(cmn_json_string(span("\"\\q\""), out, sizeof out), -1);
    assert_int_equal(cmn_json_string(span("\"\\uD800\""), out, sizeof out),
                     -1);
}

static void
test_string_needs_room_for_the_terminator(void **state)
{
    char out[4];

    (void)state;
    assert_int_equal(cmn_json_string(span("\"abc\""), out, 4), 3);
    assert_string_equal(out, "abc");
    assert_int_equal(cmn_json_string(span("\"abcd\""), out, 4), -1);
    /* a multibyte escape that would cross the end */
    assert_int_equal(cmn_json_string(span("\"ab\\u00e9\""), out, 4), -1);
    assert_int_equal(cmn_json_string(span("\"a\\u00e9\""), out, 4), 3);
    assert_int_equal(cmn_json_string(span("\"\""), out, 1), 0);
    assert_int_equal(cmn_json_string(span("\"a\""), out, 1), -1);
}

static void
test_get_string_combines_lookup_and_decoding(void **state)
{
    const char *s = "{\"client\":\"bob\",\"n\":1,\"long\":\"0123456789\"}";
    char out[8];

    (void)state;
    assert_int_equal(cmn_json_get_string(span(s), "client", out, sizeof out),
                     3);
    assert_string_equal(out, "bob");
    assert_int_equal(cmn_json_get_string(span(s), "n", out, sizeof out), -1);
    assert_int_equal(cmn_json_get_string(span(s), "none", out, sizeof out),
                     -1);
    assert_int_equal(cmn_json_get_string(span(s), "long", out, sizeof out),
                     -1);
}

static void
test_utf8_validate_checks_whole_sequences(void **state)
{
    (void)state;
    assert_int_equal(cmn_utf8_validate("", 0), 0);
    assert_int_equal(cmn_utf8_validate("ascii", 5), 0);
    assert_int_equal(cmn_utf8_validate("\xc3\xa9\xe2\x82\xac", 5), 0);
    assert_int_equal(cmn_utf8_validate("a\0b", 3), 0);
    assert_int_equal(cmn_utf8_validate("\xc3", 1), -1);
    assert_int_equal(cmn_utf8_validate("\xe2\x82", 2), -1);
    assert_int_equal(cmn_utf8_validate("\xed\xbf\xbf", 3), -1);
    assert_int_equal(cmn_utf8_validate("\xc0\x80", 2), -1);
    assert_int_equal(cmn_utf8_validate("\xf8\x88\x80\x80\x80", 5), -1);
    /* the length is honoured: the valid prefix of a cut sequence */
    assert_int_equal(cmn_utf8_validate("ab\xc3\xa9", 3), -1);
    assert_int_equal(cmn_utf8_validate("ab\xc3\xa9", 2), 0);
}

static void
test_scanner_never_reads_past_the_span(void **state)
{
    /* Each prefix of a valid document sits in its own exact-size heap
     * block, so ASan catches any read past the end. */
    const char *doc = "{\"a\":[1,-2.5e3,true,false,null,\"\\uD83D\\uDE00\"],"
                      "\"b\":{\"c\":\"\xe2\x82\xac\\n\"}}";
    size_t n = strlen(doc);

    (void)state;
    for (size_t len = 0; len <= n; len++) {
        char *p = malloc(len ? len : 1);
        struct cmn_json_span v = {p, len}, m;
        char out[64];

        memcpy(p, doc, len);
        assert_int_equal(cmn_json_validate(p, len), len == n ? 0 : -1);
        (void)cmn_json_get(v, "b", &m);
        (void)cmn_json_string(v, out, sizeof out);
        free(p);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validate_accepts_every_kind_of_value),
        cmocka_unit_test(test_validate_refuses_bad_grammar),
        cmocka_unit_test(test_validate_refuses_bad_numbers),
        cmocka_unit_test(test_validate_refuses_bad_strings),
        cmocka_unit_test(test_validate_refuses_invalid_utf8_in_strings),
        cmocka_unit_test(test_validate_stops_at_the_given_length),
        cmocka_unit_test(test_validate_accepts_nesting_up_to_the_limit),
        cmocka_unit_test(
            test_validate_refuses_deep_nesting_without_recursing_forever),
        cmocka_unit_test(test_skip_returns_the_byte_after_the_value),
        cmocka_unit_test(test_kind_reads_the_first_byte),
        cmocka_unit_test(test_array_iteration_yields_each_element_span),
        cmocka_unit_test(test_empty_containers_iterate_nothing),
        cmocka_unit_test(test_object_iteration_yields_quoted_keys_and_values),
        cmocka_unit_test(test_iteration_reports_broken_text),
        cmocka_unit_test(
            test_object_iteration_refuses_a_span_ending_after_a_comma),
        cmocka_unit_test(test_get_finds_members_by_decoded_name),
        cmocka_unit_test(test_get_lets_the_last_duplicate_win),
        cmocka_unit_test(test_get_refuses_non_objects_and_broken_objects),
        cmocka_unit_test(test_string_decodes_every_escape),
        cmocka_unit_test(test_string_refuses_nul_and_non_strings),
        cmocka_unit_test(test_string_needs_room_for_the_terminator),
        cmocka_unit_test(test_get_string_combines_lookup_and_decoding),
        cmocka_unit_test(test_utf8_validate_checks_whole_sequences),
        cmocka_unit_test(test_scanner_never_reads_past_the_span),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
