/* test_cmn_buf.c -- the growable buffer: appends, printf, JSON string
 * quoting, steal/reset and the size checks of cmn_buf_reserve(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmn/cmn_buf.h"
#include "cmn/cmn_json.h"

/* Under ASan, a huge malloc is an error report unless it may fail (the
 * test wants it to fail); without ASan this function is simply unused. */
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
    return "allocator_may_return_null=1";
}

static void
test_new_buffer_is_empty_and_unallocated(void **state)
{
    struct cmn_buf b;

    (void)state;
    cmn_buf_init(&b);
    assert_null(b.p);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    cmn_buf_free(&b);               /* free of a never-used buffer is fine */
    assert_null(b.p);
}

static void
test_appends_concatenate_and_stay_nul_terminated(void **state)
{
    struct cmn_buf b;

    (void)state;
    cmn_buf_init(&b);
    assert_int_equal(cmn_buf_append(&b, "abc", 3), 0);
    assert_int_equal(cmn_buf_puts(&b, "def"), 0);
    assert_int_equal(cmn_buf_append(&b, "ghXX", 2), 0);
    assert_int_equal(b.len, 8);
    assert_string_equal(b.p, "abcdefgh");
    assert_true(b.cap > b.len);
    cmn_buf_free(&b);
}

static void
test_zero_length_append_allocates_an_empty_string(void **state)
{
    struct cmn_buf b;

    (void)state;
    cmn_buf_init(&b);
    assert_int_equal(cmn_buf_append(&b, NULL, 0), 0);
    assert_non_null(b.p);
    assert_string_equal(b.p, "");
    cmn_buf_free(&b);
}

static void
test_binary_bytes_are_kept_including_nul(void **state)
{
    static const char data[] = {'a', '\0', 'b', '\xff'};
    struct cmn_buf b;

    (void)state;
    cmn_buf_init(&b);
    assert_int_equal(cmn_buf_append(&b, data, sizeof data), 0);
    assert_int_equal(b.len, 4);
    assert_memory_equal(b.p, data, 4);
    assert_int_equal(b.p[4], '\0');
    cmn_buf_free(&b);
}

static void
test_growth_keeps_earlier_contents(void **state)
{
    struct cmn_buf b;
    char chunk[100];

    (void)state;
    cmn_buf_init(&b);
    for (int i = 0; i < 1000; i++) {
        memset(chunk, 'a' + i % 26, sizeof chunk);
        assert_int_equal(cmn_buf_append(&b, chunk, sizeof chunk), 0);
    }
    assert_int_equal(b.len, 100000);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(b.p[i * 100 + 99], 'a' + i % 26);
    assert_int_equal(b.p[b.len], '\0');
    cmn_buf_free(&b);
}

static void
test_printf_appends_formatted_text(void **state)
{
    struct cmn_buf b;
    char big[3000];

    (void)state;
    cmn_buf_init(&b);
    assert_int_equal(cmn_buf_printf(&b, "%d-%s", 42, "x"), 0);
    assert_int_equal(cmn_buf_printf(&b, "|%05lld", 7LL), 0);
    assert_string_equal(b.p, "42-x|00007");
    assert_int_equal(b.len, 10);
    /* longer than the first allocation: the second vsnprintf must fit */
    memset(big, 'z', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(cmn_buf_printf(&b, "[%s]", big), 0);
    assert_int_equal(b.len, 10 + 2 + sizeof big - 1);
    assert_int_equal(b.p[b.len - 1], ']');
    assert_int_equal(b.p[b.len], '\0');
    cmn_buf_free(&b);
}

static void
test_reset_forgets_contents_but_keeps_memory(void **state)
{
    struct cmn_buf b;
    char *p;
    size_t cap;

    (void)state;
    cmn_buf_init(&b);
    cmn_buf_reset(&b);              /* reset of an unused buffer */
    assert_null(b.p);
    cmn_buf_puts(&b, "hello world");
    p = b.p;
    cap = b.cap;
    cmn_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.p, "");
    assert_ptr_equal(b.p, p);
    assert_int_equal(b.cap, cap);
    cmn_buf_puts(&b, "x");
    assert_string_equal(b.p, "x");
    cmn_buf_free(&b);
}

static void
test_steal_hands_over_the_bytes_and_empties_the_buffer(void **state)
{
    struct cmn_buf b;
    char *s;

    (void)state;
    cmn_buf_init(&b);
    cmn_buf_puts(&b, "mine");
    s = cmn_buf_steal(&b);
    assert_string_equal(s, "mine");
    assert_null(b.p);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    free(s);

    /* a never-used buffer gives an allocated "" */
    s = cmn_buf_steal(&b);
    assert_non_null(s);
    assert_string_equal(s, "");
    free(s);
}

static void
test_reserve_makes_room_without_changing_length(void **state)
{
    struct cmn_buf b;

    (void)state;
    cmn_buf_init(&b);
    assert_int_equal(cmn_buf_reserve(&b, 1000), 0);
    assert_true(b.cap >= 1001);
    assert_int_equal(b.len, 0);
    cmn_buf_free(&b);
}

static void
test_reserve_refuses_a_size_that_overflows(void **state)
{
    struct cmn_buf b;

    (void)state;
    cmn_buf_init(&b);
    /* len + extra + 1 wraps to 0: must be refused, not "already fits" */
    assert_int_equal(cmn_buf_reserve(&b, SIZE_MAX), -1);
    cmn_buf_puts(&b, "abc");
    assert_int_equal(cmn_buf_reserve(&b, SIZE_MAX - 3), -1);
    assert_int_equal(cmn_buf_reserve(&b, SIZE_MAX - 1), -1);
    assert_string_equal(b.p, "abc");
    cmn_buf_free(&b);
}

static void
test_reserve_refuses_what_cannot_be_allocated(void **state)
{
    struct cmn_buf b;

    (void)state;
    cmn_buf_init(&b);
    cmn_buf_puts(&b, "keep");
    /* does not wrap, but no allocator can give this much */
    assert_int_equal(cmn_buf_reserve(&b, SIZE_MAX / 2), -1);
    assert_string_equal(b.p, "keep");
    assert_int_equal(b.len, 4);
    cmn_buf_free(&b);
}

static void
expect_json_string(const char *in, size_t n, const char *want)
{
    struct cmn_buf b;

    cmn_buf_init(&b);
    assert_int_equal(cmn_buf_json_string(&b, in, n), 0);
    assert_string_equal(b.p, want);
    assert_int_equal(b.len, strlen(want));
    assert_int_equal(cmn_json_validate(b.p, b.len), 0);
    cmn_buf_free(&b);
}

static void
test_json_string_quotes_and_escapes(void **state)
{
    (void)state;
    expect_json_string("", 0, "\"\"");
    expect_json_string("plain", 5, "\"plain\"");
    expect_json_string("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
    expect_json_string("l1\nl2\r\t", 7, "\"l1\\nl2\\r\\t\"");
    expect_json_string("\x01\x1f", 2, "\"\\u0001\\u001f\"");
    expect_json_string("a\0b", 3, "\"a\\u0000b\"");
    /* slash and UTF-8 pass through as they are */
    expect_json_string("a/b \xc3\xa9\xe2\x82\xac", 9,
                       "\"a/b \xc3\xa9\xe2\x82\xac\"");
}

static void
test_json_string_round_trips_through_the_scanner(void **state)
{
    char in[32], out[64];
    struct cmn_buf b;
    struct cmn_json_span v;

    (void)state;
    /* every control character and the two that need a backslash */
    for (int c = 1; c < 0x20; c++)
        in[c - 1] = (char)c;
    in[31] = '"';
    cmn_buf_init(&b);
    assert_int_equal(cmn_buf_json_string(&b, in, 32), 0);
    v.p = b.p;
    v.len = b.len;
    assert_int_equal(cmn_json_string(v, out, sizeof out), 32);
    assert_memory_equal(out, in, 32);
    cmn_buf_free(&b);
}

static void
test_json_string_appends_after_existing_text(void **state)
{
    struct cmn_buf b;

    (void)state;
    cmn_buf_init(&b);
    cmn_buf_puts(&b, "{\"k\":");
    cmn_buf_json_string(&b, "v\"", 2);
    cmn_buf_puts(&b, "}");
    assert_string_equal(b.p, "{\"k\":\"v\\\"\"}");
    cmn_buf_free(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_buffer_is_empty_and_unallocated),
        cmocka_unit_test(test_appends_concatenate_and_stay_nul_terminated),
        cmocka_unit_test(test_zero_length_append_allocates_an_empty_string),
        cmocka_unit_test(test_binary_bytes_are_kept_including_nul),
        cmocka_unit_test(test_growth_keeps_earlier_contents),
        cmocka_unit_test(test_printf_appends_formatted_text),
        cmocka_unit_test(test_reset_forgets_contents_but_keeps_memory),
        cmocka_unit_test(
            test_steal_hands_over_the_bytes_and_empties_the_buffer),
        cmocka_unit_test(test_reserve_makes_room_without_changing_length),
        cmocka_unit_test(test_reserve_refuses_a_size_that_overflows),
        cmocka_unit_test(test_reserve_refuses_what_cannot_be_allocated),
        cmocka_unit_test(test_json_string_quotes_and_escapes),
        cmocka_unit_test(test_json_string_round_trips_through_the_scanner),
        cmocka_unit_test(test_json_string_appends_after_existing_text),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
