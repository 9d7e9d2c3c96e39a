/* test_gw_eio.c -- the Engine.IO v4 packet codec: every packet type both
 * ways, polling payloads split on 0x1e with "b"+base64 binary records, the
 * open packet, and base64 itself (RFC 4648 vectors, every length, bad
 * input). Examples are the ones of the Engine.IO v4 protocol and of
 * engine.io-parser 4's changelog. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmn/cmn_json.h"
#include "gw_eio.h"

/* A writable copy (the payload walker decodes base64 in place). */
static char *
dup_bytes(const char *s, size_t n)
{
    char *p = malloc(n ? n : 1);

    memcpy(p, s, n);
    return p;
}

/* ---- single packets ----------------------------------------------------- */

static void
test_parse_reads_every_packet_type(void **state)
{
    static const struct {
        const char *text;
        char type;
        const char *data;
    } cases[] = {
        {"0{\"sid\":\"x\"}", GW_EIO_OPEN, "{\"sid\":\"x\"}"},
        {"1", GW_EIO_CLOSE, ""},
        {"2", GW_EIO_PING, ""},
        {"2probe", GW_EIO_PING, "probe"},
        {"3", GW_EIO_PONG, ""},
        {"3probe", GW_EIO_PONG, "probe"},
        {"4hello", GW_EIO_MESSAGE, "hello"},
        {"4", GW_EIO_MESSAGE, ""},
        {"4\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac", GW_EIO_MESSAGE,
         "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"},
        {"5", GW_EIO_UPGRADE, ""},
        {"6", GW_EIO_NOOP, ""},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *s = dup_bytes(cases[i].text, strlen(cases[i].text));
        struct gw_eio_packet p;

        assert_int_equal(gw_eio_parse_text(s, strlen(cases[i].text), &p), 0);
        assert_int_equal(p.type, cases[i].type);
        assert_int_equal(p.binary, 0);
        assert_int_equal(p.len, strlen(cases[i].data));
        assert_memory_equal(p.data, cases[i].data, p.len);
        assert_ptr_equal(p.data, s + 1);          /* zero-copy */
        free(s);
    }
}

static void
test_parse_refuses_unknown_types_and_empty_packets(void **state)
{
    static const char *const bad[] = {"7", "9x", "a", "b", "/", "\x1e", " 4"};
    struct gw_eio_packet p;
    char buf[8];

    (void)state;
    assert_int_equal(gw_eio_parse_text(buf, 0, &p), -1);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        strcpy(buf, bad[i]);
        assert_int_equal(gw_eio_parse_text(buf, strlen(buf), &p), -1);
    }
}

static void
test_parse_keeps_bytes_after_the_type_as_they_are(void **state)
{
    char s[] = "4a\0b\x1e\xff";
    struct gw_eio_packet p;

    (void)state;
    /* a websocket frame is one packet; nothing inside is special */
    assert_int_equal(gw_eio_parse_text(s, 6, &p), 0);
    assert_int_equal(p.len, 5);
    assert_memory_equal(p.data, "a\0b\x1e\xff", 5);
}

/* ---- polling payloads --------------------------------------------------- */

struct want {
    char type;
    int binary;
    const char *data;
    size_t len;
};

static void
expect_payload(const char *body, size_t n, const struct want *w, int count)
{
    char *copy = dup_bytes(body, n);
    struct gw_eio_payload it;
    struct gw_eio_packet p;
    int i = 0, rc;

    gw_eio_payload_init(&it, copy, n);
    while ((rc = gw_eio_payload_next(&it, &p)) == 1) {
        assert_true(i < count);
        assert_int_equal(p.type, w[i].type);
        assert_int_equal(p.binary, w[i].binary);
        assert_int_equal(p.len, w[i].len);
        assert_memory_equal(p.data, w[i].data, w[i].len);
        i++;
    }
    assert_int_equal(rc, 0);
    assert_int_equal(i, count);
    free(copy);
}

static void
test_payload_splits_on_the_record_separator(void **state)
{
    /* encodePayload([ping "probe", message "hello", close]) */
    static const struct want w[] = {
        {GW_EIO_PING, 0, "probe", 5},
        {GW_EIO_MESSAGE, 0, "hello", 5},
        {GW_EIO_CLOSE, 0, "", 0},
    };
    static const char body[] = "2probe\x1e" "4hello\x1e" "1";

    (void)state;
    expect_payload(body, sizeof body - 1, w, 3);
}

static void
test_payload_of_one_packet_has_no_separator(void **state)
{
    static const struct want w[] = {{GW_EIO_MESSAGE, 0, "0", 1}};

    (void)state;
    expect_payload("40", 2, w, 1);
}

static void
test_payload_decodes_binary_records(void **state)
{
    /* encodePayload([message "hello", message <01 02 03>]) */
    static const struct want w[] = {
        {GW_EIO_MESSAGE, 0, "hello", 5},
        {GW_EIO_MESSAGE, 1, "\x01\x02\x03", 3},
        {GW_EIO_MESSAGE, 1, "", 0},
        {GW_EIO_MESSAGE, 1, "\x00\xff", 2},
    };
    static const char body[] = "4hello\x1e" "bAQID\x1e" "b\x1e" "bAP8=";

    (void)state;
    expect_payload(body, sizeof body - 1, w, 4);
}

static void
test_payload_of_socketio_events(void **state)
{
    /* socket.emit('hello'); socket.emit('world'); from the v5 spec */
    static const struct want w[] = {
        {GW_EIO_MESSAGE, 0, "2[\"hello\"]", 10},
        {GW_EIO_MESSAGE, 0, "2[\"world\"]", 10},
    };
    static const char body[] = "42[\"hello\"]\x1e" "42[\"world\"]";

    (void)state;
    expect_payload(body, sizeof body - 1, w, 2);
}

static void
expect_malformed(const char *body, size_t n, int good_before)
{
    char *copy = dup_bytes(body, n);
    struct gw_eio_payload it;
    struct gw_eio_packet p;
    int rc, good = 0;

    gw_eio_payload_init(&it, copy, n);
    while ((rc = gw_eio_payload_next(&it, &p)) == 1)
        good++;
    assert_int_equal(rc, -1);
    assert_int_equal(good, good_before);
    free(copy);
}

static void
test_payload_reports_malformed_records(void **state)
{
    (void)state;
    expect_malformed("", 0, 0);                     /* empty body */
    expect_malformed("\x1e", 1, 0);
    expect_malformed("4a\x1e\x1e" "4b", 6, 1);       /* empty record */
    expect_malformed("4a\x1e", 3, 1);                /* trailing separator */
    expect_malformed("\x1e" "4a", 3, 0);             /* leading separator */
    expect_malformed("4a\x1e" "x", 4, 1);            /* unknown type */
    expect_malformed("4a\x1e" "b!!!!", 7, 1);        /* bad base64 */
    expect_malformed("bAQ=D", 5, 0);                 /* data after padding */
}

static void
test_payload_append_joins_with_separators(void **state)
{
    struct cmn_buf b;

    (void)state;
    cmn_buf_init(&b);
    assert_int_equal(gw_eio_payload_append(&b, 1, 0, "2probe", 6), 0);
    assert_int_equal(gw_eio_payload_append(&b, 0, 0, "4hello", 6), 0);
    assert_int_equal(gw_eio_payload_append(&b, 0, 0, "1", 1), 0);
    assert_string_equal(b.p, "2probe\x1e" "4hello\x1e" "1");
    cmn_buf_free(&b);
}

static void
test_payload_append_writes_binary_as_b_and_base64(void **state)
{
    struct cmn_buf b;

    (void)state;
    cmn_buf_init(&b);
    gw_eio_payload_append(&b, 1, 0, "4hello", 6);
    gw_eio_payload_append(&b, 0, 1, "\x01\x02\x03", 3);
    assert_string_equal(b.p, "4hello\x1e" "bAQID");
    cmn_buf_reset(&b);
    gw_eio_payload_append(&b, 1, 1, "", 0);
    assert_string_equal(b.p, "b");
    cmn_buf_free(&b);
}

static void
test_payload_round_trips_text_and_binary(void **state)
{
    unsigned char bin[256];
    struct cmn_buf b;
    struct gw_eio_payload it;
    struct gw_eio_packet p;

    (void)state;
    for (int i = 0; i < 256; i++)
        bin[i] = (unsigned char)i;
    cmn_buf_init(&b);
    gw_eio_payload_append(&b, 1, 0, "42[\"a\",{\"b\":1}]", 15);
    gw_eio_payload_append(&b, 0, 1, (const char *)bin, sizeof bin);
    gw_eio_payload_append(&b, 0, 0, "3", 1);
    gw_eio_payload_init(&it, b.p, b.len);
    assert_int_equal(gw_eio_payload_next(&it, &p), 1);
    assert_int_equal(p.type, GW_EIO_MESSAGE);
    assert_memory_equal(p.data, "2[\"a\",{\"b\":1}]", 14);
    assert_int_equal(gw_eio_payload_next(&it, &p), 1);
    assert_int_equal(p.binary, 1);
    assert_int_equal(p.len, 256);
    assert_memory_equal(p.data, bin, 256);
    assert_int_equal(gw_eio_payload_next(&it, &p), 1);
    assert_int_equal(p.type, GW_EIO_PONG);
    assert_int_equal(gw_eio_payload_next(&it, &p), 0);
    cmn_buf_free(&b);
}

/* ---- open packet -------------------------------------------------------- */

static void
test_open_packet_for_polling_offers_websocket(void **state)
{
    struct cmn_buf b;

    (void)state;
    cmn_buf_init(&b);
    assert_int_equal(gw_eio_open_packet(&b, "g1.lv_VI97HAXpY6yYWAAAC", 1,
                                        25000, 20000, 1000000), 0);
    assert_string_equal(b.p, "0{\"sid\":\"g1.lv_VI97HAXpY6yYWAAAC\","
                             "\"upgrades\":[\"websocket\"],"
                             "\"pingInterval\":25000,\"pingTimeout\":20000,"
                             "\"maxPayload\":1000000}");
    assert_int_equal(cmn_json_validate(b.p + 1, b.len - 1), 0);
    cmn_buf_free(&b);
}

static void
test_open_packet_for_websocket_has_no_upgrades(void **state)
{
    struct cmn_buf b;
    struct cmn_json_span obj, v;

    (void)state;
    cmn_buf_init(&b);
    gw_eio_open_packet(&b, "s", 0, 300, 200, 1000000);
    obj.p = b.p + 1;
    obj.len = b.len - 1;
    assert_int_equal(cmn_json_validate(obj.p, obj.len), 0);
    assert_int_equal(cmn_json_get(obj, "upgrades", &v), 1);
    assert_int_equal(v.len, 2);
    assert_memory_equal(v.p, "[]", 2);
    assert_int_equal(cmn_json_get(obj, "pingInterval", &v), 1);
    assert_memory_equal(v.p, "300", 3);
    assert_int_equal(cmn_json_get(obj, "pingTimeout", &v), 1);
    assert_memory_equal(v.p, "200", 3);
    cmn_buf_free(&b);
}

/* ---- base64 ------------------------------------------------------------- */

static void
test_base64_matches_rfc4648_vectors(void **state)
{
    static const char *const plain[] = {"", "f", "fo", "foo", "foob",
                                        "fooba", "foobar"};
    static const char *const enc[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==",
                                      "Zm9vYmE=", "Zm9vYmFy"};

    (void)state;
    for (int i = 0; i < 7; i++) {
        struct cmn_buf b;
        char tmp[16];
        long n;

        cmn_buf_init(&b);
        assert_int_equal(gw_base64_append(&b, (const unsigned char *)plain[i],
                                          strlen(plain[i])), 0);
        assert_string_equal(b.p ? b.p : "", enc[i]);
        cmn_buf_free(&b);
        strcpy(tmp, enc[i]);
        n = gw_base64_decode_inplace(tmp, strlen(tmp));
        assert_int_equal(n, (long)strlen(plain[i]));
        assert_memory_equal(tmp, plain[i], (size_t)n);
    }
}

static void
test_base64_round_trips_every_length(void **state)
{
    unsigned char data[100];

    (void)state;
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)(i * 37 + 11);
    for (size_t len = 0; len <= sizeof data; len++) {
        struct cmn_buf b;
        long n;

        cmn_buf_init(&b);
        cmn_buf_puts(&b, "x");          /* appends after existing text */
        assert_int_equal(gw_base64_append(&b, data, len), 0);
        assert_int_equal(b.len, 1 + (len + 2) / 3 * 4);
        assert_int_equal(b.p[b.len], '\0');
        n = gw_base64_decode_inplace(b.p + 1, b.len - 1);
        assert_int_equal(n, (long)len);
        assert_memory_equal(b.p + 1, data, len);
        cmn_buf_free(&b);
    }
}

static void
test_base64_decode_refuses_bad_input(void **state)
{
    static const char *const bad[] = {
        "Zg=", "Z===", "Zg==Zg==", "=Zg=", "Zm9v!", "Zm 9v", "Zm9v\n",
        "Zg==\x1e", "-_-_",
    };

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char tmp[16];

        strcpy(tmp, bad[i]);
        if (gw_base64_decode_inplace(tmp, strlen(tmp)) != -1)
            fail_msg("\"%s\" was accepted", bad[i]);
    }
}

static void
test_base64_decode_accepts_missing_padding(void **state)
{
    char a[] = "Zg", b[] = "Zm8";

    (void)state;
    /* engine.io-parser's decoder does not insist on padding either */
    assert_int_equal(gw_base64_decode_inplace(a, 2), 1);
    assert_int_equal(a[0], 'f');
    assert_int_equal(gw_base64_decode_inplace(b, 3), 2);
    assert_memory_equal(b, "fo", 2);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_reads_every_packet_type),
        cmocka_unit_test(test_parse_refuses_unknown_types_and_empty_packets),
        cmocka_unit_test(test_parse_keeps_bytes_after_the_type_as_they_are),
        cmocka_unit_test(test_payload_splits_on_the_record_separator),
        cmocka_unit_test(test_payload_of_one_packet_has_no_separator),
        cmocka_unit_test(test_payload_decodes_binary_records),
        cmocka_unit_test(test_payload_of_socketio_events),
        cmocka_unit_test(test_payload_reports_malformed_records),
        cmocka_unit_test(test_payload_append_joins_with_separators),
        cmocka_unit_test(test_payload_append_writes_binary_as_b_and_base64),
        cmocka_unit_test(test_payload_round_trips_text_and_binary),
        cmocka_unit_test(test_open_packet_for_polling_offers_websocket),
        cmocka_unit_test(test_open_packet_for_websocket_has_no_upgrades),
        cmocka_unit_test(test_base64_matches_rfc4648_vectors),
        cmocka_unit_test(test_base64_round_trips_every_length),
        cmocka_unit_test(test_base64_decode_refuses_bad_input),
        cmocka_unit_test(test_base64_decode_accepts_missing_padding),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
