/* test_sioc_ws_frame.c -- the RFC 6455 frame codec: the three length
 * encodings, masking, every prefix of a frame asking for more bytes, and
 * the protocol errors a client must catch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmn/cmn_err.h"
#include "sioc_ws_frame.h"

static const unsigned char mask[4] = {0x37, 0xfa, 0x21, 0x3d};

/* Encode with mask, parse, unmask: the payload must come back. */
static void
roundtrip(size_t len, size_t want_header)
{
    struct cmn_buf b;
    struct sioc_ws_frame f;
    unsigned char *payload = malloc(len ? len : 1), *copy;
    char err[CMN_ERR_LEN] = "";

    for (size_t i = 0; i < len; i++)
        payload[i] = (unsigned char)(i * 7 + 3);
    cmn_buf_init(&b);
    assert_int_equal(sioc_ws_frame_encode(&b, SIOC_WS_BINARY, 1, payload,
                                          len, mask), 0);
    assert_int_equal(b.len, want_header + len);
    assert_int_equal(sioc_ws_frame_parse(b.p, b.len, SIZE_MAX, &f, err), 1);
    assert_true(f.fin);
    assert_int_equal(f.opcode, SIOC_WS_BINARY);
    assert_true(f.masked);
    assert_memory_equal(f.mask, mask, 4);
    assert_int_equal(f.len, len);
    assert_int_equal(f.size, b.len);
    copy = malloc(len ? len : 1);
    memcpy(copy, f.payload, len);
    sioc_ws_mask(copy, len, f.mask, 0);
    assert_memory_equal(copy, payload, len);
    free(copy);
    free(payload);
    cmn_buf_free(&b);
}

static void
test_lengths_use_7_16_and_64_bit_forms(void **state)
{
    (void)state;
    roundtrip(0, 6);
    roundtrip(125, 6);
    roundtrip(126, 8);
    roundtrip(65535, 8);
    roundtrip(65536, 14);
    roundtrip(300000, 14);
}

static void
test_rfc_example_unmasked_hello(void **state)
{
    /* RFC 6455 5.7: a single-frame unmasked text message "Hello" */
    const unsigned char hello[] = {0x81, 0x05, 'H', 'e', 'l', 'l', 'o'};
    struct sioc_ws_frame f;
    struct cmn_buf b;

    (void)state;
    assert_int_equal(sioc_ws_frame_parse(hello, sizeof hello, 100, &f, NULL),
                     1);
    assert_int_equal(f.opcode, SIOC_WS_TEXT);
    assert_false(f.masked);
    assert_int_equal(f.len, 5);
    assert_memory_equal(f.payload, "Hello", 5);
    cmn_buf_init(&b);
    assert_int_equal(sioc_ws_frame_encode(&b, SIOC_WS_TEXT, 1, "Hello", 5,
                                          NULL), 0);
    assert_memory_equal(b.p, hello, sizeof hello);
    cmn_buf_free(&b);
}

static void
test_rfc_example_masked_hello(void **state)
{
    /* RFC 6455 5.7: masked "Hello" with key 37 fa 21 3d */
    const unsigned char want[] = {0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f,
                                  0x9f, 0x4d, 0x51, 0x58};
    struct cmn_buf b;

    (void)state;
    cmn_buf_init(&b);
    assert_int_equal(sioc_ws_frame_encode(&b, SIOC_WS_TEXT, 1, "Hello", 5,
                                          mask), 0);
    assert_int_equal(b.len, sizeof want);
    assert_memory_equal(b.p, want, sizeof want);
    cmn_buf_free(&b);
}

static void
test_every_prefix_needs_more_bytes(void **state)
{
    struct cmn_buf b;
    struct sioc_ws_frame f;
    char payload[70000];

    (void)state;
    memset(payload, 'a', sizeof payload);
    for (size_t len = 0; len < sizeof payload; len = len * 3 + 100) {
        cmn_buf_init(&b);
        sioc_ws_frame_encode(&b, SIOC_WS_TEXT, 1, payload, len, NULL);
        /* checking every prefix of the long ones would be slow: the header
         * boundaries are what matters, plus a few inside the payload */
        for (size_t n = 0; n < b.len; n += (n < 16 ? 1 : 997))
            assert_int_equal(sioc_ws_frame_parse(b.p, n, SIZE_MAX, &f, NULL),
                             0);
        assert_int_equal(sioc_ws_frame_parse(b.p, b.len - 1, SIZE_MAX, &f,
                                             NULL), b.len > 0 ? 0 : 0);
        assert_int_equal(sioc_ws_frame_parse(b.p, b.len, SIZE_MAX, &f, NULL),
                         1);
        cmn_buf_free(&b);
    }
}

static void
test_two_frames_in_one_buffer_parse_one_at_a_time(void **state)
{
    struct cmn_buf b;
    struct sioc_ws_frame f;

    (void)state;
    cmn_buf_init(&b);
    sioc_ws_frame_encode(&b, SIOC_WS_TEXT, 0, "ab", 2, NULL);
    sioc_ws_frame_encode(&b, SIOC_WS_CONT, 1, "cd", 2, NULL);
    assert_int_equal(sioc_ws_frame_parse(b.p, b.len, 10, &f, NULL), 1);
    assert_false(f.fin);
    assert_int_equal(f.opcode, SIOC_WS_TEXT);
    assert_int_equal(f.size, 4);
    assert_int_equal(sioc_ws_frame_parse(b.p + 4, b.len - 4, 10, &f, NULL),
                     1);
    assert_true(f.fin);
    assert_int_equal(f.opcode, SIOC_WS_CONT);
    assert_memory_equal(f.payload, "cd", 2);
    cmn_buf_free(&b);
}

static void
expect_error(const unsigned char *p, size_t n, size_t max, int rc,
             const char *words)
{
    struct sioc_ws_frame f;
    char err[CMN_ERR_LEN] = "";

    assert_int_equal(sioc_ws_frame_parse(p, n, max, &f, err), rc);
    if (strstr(err, words) == NULL)
        fail_msg("error \"%s\" does not mention \"%s\"", err, words);
}

static void
test_protocol_errors_are_reported(void **state)
{
    const unsigned char rsv[] = {0xc1, 0x00};
    const unsigned char opcode3[] = {0x83, 0x00};
    const unsigned char opcode_b[] = {0x8b, 0x00};
    const unsigned char frag_ping[] = {0x09, 0x00};
    const unsigned char long_close[] = {0x88, 0x7e, 0x00, 0x80};
    const unsigned char top_bit[] = {0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 1};

    (void)state;
    expect_error(rsv, sizeof rsv, 10, -1, "reserved bits");
    expect_error(opcode3, sizeof opcode3, 10, -1, "reserved opcode");
    expect_error(opcode_b, sizeof opcode_b, 10, -1, "reserved opcode");
    expect_error(frag_ping, sizeof frag_ping, 10, -1, "fragmented control");
    expect_error(long_close, sizeof long_close, 1000, -1, "control frame");
    expect_error(top_bit, sizeof top_bit, SIZE_MAX, -1, "top bit");
}

static void
test_oversized_frames_are_refused_from_the_header(void **state)
{
    /* a 64-bit length of 2^40, with none of the payload present */
    const unsigned char huge[] = {0x82, 0x7f, 0, 0, 0x01, 0, 0, 0, 0, 0};
    const unsigned char len16[] = {0x81, 0x7e, 0x04, 0x00};

    (void)state;
    expect_error(huge, sizeof huge, 1 << 20, -2, "exceeds the limit");
    expect_error(len16, sizeof len16, 1023, -2, "1024 bytes");
}

static void
test_close_payloads(void **state)
{
    const unsigned char normal[] = {0x03, 0xe8, 'b', 'y', 'e'};
    const unsigned char reserved[] = {0x03, 0xed};   /* 1005 */
    const unsigned char app[] = {0x0f, 0xa1};        /* 4001 */
    const unsigned char bad_utf8[] = {0x03, 0xe8, 0xc0, 0x80};
    const char *reason;
    size_t rlen;
    int code;

    (void)state;
    assert_int_equal(sioc_ws_close_parse(NULL, 0, &code, &reason, &rlen), 0);
    assert_int_equal(code, SIOC_WS_CLOSE_NO_STATUS);
    assert_int_equal(sioc_ws_close_parse(normal, sizeof normal, &code,
                                         &reason, &rlen), 0);
    assert_int_equal(code, 1000);
    assert_int_equal(rlen, 3);
    assert_memory_equal(reason, "bye", 3);
    assert_int_equal(sioc_ws_close_parse(app, sizeof app, &code, &reason,
                                         &rlen), 0);
    assert_int_equal(code, 4001);
    assert_int_equal(sioc_ws_close_parse(normal, 1, &code, &reason, &rlen),
                     -1);
    assert_int_equal(sioc_ws_close_parse(reserved, sizeof reserved, &code,
                                         &reason, &rlen), -1);
    assert_int_equal(sioc_ws_close_parse(bad_utf8, sizeof bad_utf8, &code,
                                         &reason, &rlen), -1);
}

static void
test_mask_with_offset_matches_whole_mask(void **state)
{
    unsigned char a[10] = "0123456789", b[10];

    (void)state;
    memcpy(b, a, sizeof a);
    sioc_ws_mask(a, 10, mask, 0);
    sioc_ws_mask(b, 3, mask, 0);
    sioc_ws_mask(b + 3, 7, mask, 3);
    assert_memory_equal(a, b, 10);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lengths_use_7_16_and_64_bit_forms),
        cmocka_unit_test(test_rfc_example_unmasked_hello),
        cmocka_unit_test(test_rfc_example_masked_hello),
        cmocka_unit_test(test_every_prefix_needs_more_bytes),
        cmocka_unit_test(test_two_frames_in_one_buffer_parse_one_at_a_time),
        cmocka_unit_test(test_protocol_errors_are_reported),
        cmocka_unit_test(test_oversized_frames_are_refused_from_the_header),
        cmocka_unit_test(test_close_payloads),
        cmocka_unit_test(test_mask_with_offset_matches_whole_mask),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
