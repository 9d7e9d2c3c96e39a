/* test_gw_sio.c -- the Socket.IO v5 packet codec: every packet type both
 * ways (the encoding table of the socket.io-protocol README, v5), the
 * payload each type allows (socket.io-parser's isPayloadValid), namespaces
 * with and without the trailing comma, ack ids, attachment counts, limits,
 * and the event name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmn/cmn_err.h"
#include "gw_sio.h"

struct example {
    const char *text;        /* Socket.IO packet, without the EIO "4" */
    int type;
    int attachments;
    const char *nsp;
    long long id;
    const char *data;        /* "" = absent */
};

/* The v5 spec's encoding examples, plus ids/namespaces on every type. */
static const struct example t_examples[] = {
    {"0", GW_SIO_CONNECT, 0, "/", -1, ""},
    {"0{\"sid\":\"wZX3oN0bSVIhsaknAAAI\"}", GW_SIO_CONNECT, 0, "/", -1,
     "{\"sid\":\"wZX3oN0bSVIhsaknAAAI\"}"},
    {"0/admin,", GW_SIO_CONNECT, 0, "/admin", -1, ""},
    {"0/admin,{\"sid\":\"oSO0OpakMV_3jnilAAAA\"}", GW_SIO_CONNECT, 0,
     "/admin", -1, "{\"sid\":\"oSO0OpakMV_3jnilAAAA\"}"},
    {"0{\"token\":\"123\"}", GW_SIO_CONNECT, 0, "/", -1, "{\"token\":\"123\"}"},
    {"4{\"message\":\"Not authorized\"}", GW_SIO_CONNECT_ERROR, 0, "/", -1,
     "{\"message\":\"Not authorized\"}"},
    {"4/random,{\"message\":\"Invalid namespace\"}", GW_SIO_CONNECT_ERROR, 0,
     "/random", -1, "{\"message\":\"Invalid namespace\"}"},
    {"2[\"foo\"]", GW_SIO_EVENT, 0, "/", -1, "[\"foo\"]"},
    {"2/admin,[\"bar\"]", GW_SIO_EVENT, 0, "/admin", -1, "[\"bar\"]"},
    {"51-[\"baz\",{\"_placeholder\":true,\"num\":0}]", GW_SIO_BINARY_EVENT, 1,
     "/", -1, "[\"baz\",{\"_placeholder\":true,\"num\":0}]"},
    {"52-/admin,[\"baz\",{\"_placeholder\":true,\"num\":0},"
     "{\"_placeholder\":true,\"num\":1}]", GW_SIO_BINARY_EVENT, 2, "/admin",
     -1, "[\"baz\",{\"_placeholder\":true,\"num\":0},"
         "{\"_placeholder\":true,\"num\":1}]"},
    {"212[\"foo\"]", GW_SIO_EVENT, 0, "/", 12, "[\"foo\"]"},
    {"312[]", GW_SIO_ACK, 0, "/", 12, "[]"},
    {"2/admin,13[\"foo\"]", GW_SIO_EVENT, 0, "/admin", 13, "[\"foo\"]"},
    {"3/admin,13[\"bar\"]", GW_SIO_ACK, 0, "/admin", 13, "[\"bar\"]"},
    {"51-14[\"foo\",{\"_placeholder\":true,\"num\":0}]", GW_SIO_BINARY_EVENT,
     1, "/", 14, "[\"foo\",{\"_placeholder\":true,\"num\":0}]"},
    {"314[\"bar\"]", GW_SIO_ACK, 0, "/", 14, "[\"bar\"]"},
    {"61-15[\"bar\",{\"_placeholder\":true,\"num\":0}]", GW_SIO_BINARY_ACK, 1,
     "/", 15, "[\"bar\",{\"_placeholder\":true,\"num\":0}]"},
    {"61-/admin,15[{\"_placeholder\":true,\"num\":0}]", GW_SIO_BINARY_ACK, 1,
     "/admin", 15, "[{\"_placeholder\":true,\"num\":0}]"},
    {"1", GW_SIO_DISCONNECT, 0, "/", -1, ""},
    {"1/admin,", GW_SIO_DISCONNECT, 0, "/admin", -1, ""},
    {"2[\"message\",1,\"2\",{\"3\":[true]}]", GW_SIO_EVENT, 0, "/", -1,
     "[\"message\",1,\"2\",{\"3\":[true]}]"},
    {"2[1,2]", GW_SIO_EVENT, 0, "/", -1, "[1,2]"},
    {"20[\"zero\"]", GW_SIO_EVENT, 0, "/", 0, "[\"zero\"]"},
    {"4\"just a string\"", GW_SIO_CONNECT_ERROR, 0, "/", -1,
     "\"just a string\""},
};
#define T_NEXAMPLES (sizeof t_examples / sizeof t_examples[0])

static void
check_packet(const struct example *x, const struct gw_sio_packet *p)
{
    assert_int_equal(p->type, x->type);
    assert_int_equal(p->attachments, x->attachments);
    assert_int_equal(p->nsp_len, strlen(x->nsp));
    assert_memory_equal(p->nsp, x->nsp, p->nsp_len);
    assert_true(p->id == x->id);
    assert_int_equal(p->data.len, strlen(x->data));
    assert_memory_equal(p->data.p, x->data, p->data.len);
}

static void
test_parse_reads_every_example_of_the_spec(void **state)
{
    (void)state;
    for (size_t i = 0; i < T_NEXAMPLES; i++) {
        struct gw_sio_packet p;
        char err[CMN_ERR_LEN] = "";
        const char *t = t_examples[i].text;

        if (gw_sio_parse(t, strlen(t), &p, err) != 0)
            fail_msg("%s: %s", t, err);
        check_packet(&t_examples[i], &p);
    }
}

static void
test_header_plus_data_encodes_every_example_of_the_spec(void **state)
{
    (void)state;
    for (size_t i = 0; i < T_NEXAMPLES; i++) {
        const struct example *x = &t_examples[i];
        struct cmn_buf b;

        cmn_buf_init(&b);
        assert_int_equal(gw_sio_header(&b, x->type, x->attachments, x->nsp,
                                       strlen(x->nsp), x->id), 0);
        cmn_buf_puts(&b, x->data);
        /* the Engine.IO message type first, then the spec's bytes */
        assert_int_equal(b.p[0], '4');
        assert_string_equal(b.p + 1, x->text);
        cmn_buf_free(&b);
    }
}

static void
test_parse_is_zero_copy(void **state)
{
    const char *s = "2/chat,7[\"e\"]";
    struct gw_sio_packet p;

    (void)state;
    assert_int_equal(gw_sio_parse(s, strlen(s), &p, NULL), 0);
    assert_ptr_equal(p.nsp, s + 1);
    assert_ptr_equal(p.data.p, s + 8);
}

static void
test_namespace_without_trailing_comma_runs_to_the_end(void **state)
{
    /* the engine.io/socket.io test suite sends "40/custom" and "41/custom" */
    static const struct example x[] = {
        {"0/custom", GW_SIO_CONNECT, 0, "/custom", -1, ""},
        {"1/custom", GW_SIO_DISCONNECT, 0, "/custom", -1, ""},
        {"0/random", GW_SIO_CONNECT, 0, "/random", -1, ""},
        {"0/", GW_SIO_CONNECT, 0, "/", -1, ""},
        {"0/,", GW_SIO_CONNECT, 0, "/", -1, ""},
    };

    (void)state;
    for (size_t i = 0; i < sizeof x / sizeof x[0]; i++) {
        struct gw_sio_packet p;

        assert_int_equal(gw_sio_parse(x[i].text, strlen(x[i].text), &p, NULL),
                         0);
        check_packet(&x[i], &p);
    }
}

static void
test_explicit_main_namespace_is_written_without_it(void **state)
{
    struct cmn_buf b;

    (void)state;
    cmn_buf_init(&b);
    gw_sio_header(&b, GW_SIO_EVENT, 0, "/", 1, 3);
    assert_string_equal(b.p, "423");
    cmn_buf_free(&b);
}

static void
test_ack_id_zero_and_leading_zeros(void **state)
{
    struct gw_sio_packet p;
    struct cmn_buf b;

    (void)state;
    assert_int_equal(gw_sio_parse("3007[]", 6, &p, NULL), 0);
    assert_true(p.id == 7);
    cmn_buf_init(&b);
    gw_sio_header(&b, GW_SIO_ACK, 0, "/", 1, 0);
    assert_string_equal(b.p, "430");
    cmn_buf_free(&b);
}

static void
test_largest_ack_id_is_accepted_and_one_more_refused(void **state)
{
    struct gw_sio_packet p;
    char err[CMN_ERR_LEN] = "";
    char s[64];

    (void)state;
    snprintf(s, sizeof s, "2%lld[\"e\"]", GW_SIO_ID_MAX);
    assert_int_equal(gw_sio_parse(s, strlen(s), &p, err), 0);
    assert_true(p.id == GW_SIO_ID_MAX);
    snprintf(s, sizeof s, "2%lld[\"e\"]", GW_SIO_ID_MAX + 1);
    assert_int_equal(gw_sio_parse(s, strlen(s), &p, err), -1);
    assert_string_equal(err, "ack id too large");
    /* many digits never overflow the parser */
    strcpy(s, "299999999999999999999999999999999999[\"e\"]");
    assert_int_equal(gw_sio_parse(s, strlen(s), &p, err), -1);
}

static void
expect_refused(const char *s, const char *why)
{
    struct gw_sio_packet p;
    char err[CMN_ERR_LEN] = "";

    if (gw_sio_parse(s, strlen(s), &p, err) != -1)
        fail_msg("\"%s\" was accepted", s);
    if (strstr(err, why) == NULL)
        fail_msg("\"%s\": error \"%s\" does not say \"%s\"", s, err, why);
}

static void
test_unknown_or_missing_type_is_refused(void **state)
{
    (void)state;
    expect_refused("", "unknown packet type");
    expect_refused("7", "unknown packet type");
    expect_refused("9[\"a\"]", "unknown packet type");
    expect_refused("abc", "unknown packet type");
    expect_refused("/admin,", "unknown packet type");
}

static void
test_event_payload_must_be_an_array_starting_with_a_name(void **state)
{
    (void)state;
    expect_refused("2", "invalid payload for packet type 2");
    expect_refused("2[]", "invalid payload");
    expect_refused("2{}", "invalid payload");
    expect_refused("2\"foo\"", "invalid payload");
    expect_refused("2[{}]", "invalid payload");
    expect_refused("2[null]", "invalid payload");
    expect_refused("2[[\"a\"]]", "invalid payload");
    expect_refused("2[true]", "invalid payload");
    expect_refused("212", "invalid payload");
    expect_refused("51-{}", "invalid payload for packet type 5");
}

static void
test_ack_needs_an_id_and_an_array(void **state)
{
    (void)state;
    expect_refused("3[]", "ack without id");
    expect_refused("3/admin,[\"x\"]", "ack without id");
    expect_refused("61-[{\"_placeholder\":true,\"num\":0}]", "ack without id");
    expect_refused("312", "invalid payload for packet type 3");
    expect_refused("312{}", "invalid payload");
    expect_refused("312\"x\"", "invalid payload");
}

static void
test_connect_payload_must_be_an_object(void **state)
{
    (void)state;
    expect_refused("0[]", "invalid payload for packet type 0");
    expect_refused("0\"token\"", "invalid payload");
    expect_refused("0null", "invalid payload");
    expect_refused("0/admin,[1]", "invalid payload");
}

static void
test_disconnect_carries_no_payload(void **state)
{
    (void)state;
    expect_refused("1{}", "invalid payload for packet type 1");
    expect_refused("1/admin,[]", "invalid payload");
}

static void
test_connect_error_payload_is_an_object_or_a_string(void **state)
{
    (void)state;
    expect_refused("4", "invalid payload for packet type 4");
    expect_refused("4[\"x\"]", "invalid payload");
    expect_refused("41", "invalid payload");
}

static void
test_payload_must_be_valid_json(void **state)
{
    (void)state;
    expect_refused("2[\"a\"", "invalid JSON payload");
    expect_refused("2[\"a\"]x", "invalid JSON payload");
    expect_refused("2[\"a\"] [1]", "invalid JSON payload");
    expect_refused("2[\"a\",]", "invalid JSON payload");
    expect_refused("2['a']", "invalid JSON payload");
    expect_refused("2[\"\xff\"]", "invalid JSON payload");
    expect_refused("2[\"\xc0\xaf\"]", "invalid JSON payload");
    expect_refused("2[\"a\\uD800\"]", "invalid JSON payload");
    expect_refused("0/admin,{", "invalid JSON payload");
    expect_refused("4abc", "invalid JSON payload");
}

static void
test_attachment_count_is_checked(void **state)
{
    char s[64];

    (void)state;
    expect_refused("5-[\"a\"]", "bad attachment count");
    expect_refused("51[\"a\"]", "bad attachment count");
    expect_refused("5", "bad attachment count");
    expect_refused("51", "bad attachment count");
    expect_refused("5x-[\"a\"]", "bad attachment count");
    expect_refused("51234-[\"a\"]", "bad attachment count");
    snprintf(s, sizeof s, "5%d-[\"a\"]", GW_SIO_MAX_ATTACHMENTS + 1);
    expect_refused(s, "bad attachment count");
    snprintf(s, sizeof s, "5%d-[\"a\"]", GW_SIO_MAX_ATTACHMENTS);
    {
        struct gw_sio_packet p;

        assert_int_equal(gw_sio_parse(s, strlen(s), &p, NULL), 0);
        assert_int_equal(p.attachments, GW_SIO_MAX_ATTACHMENTS);
    }
}

static void
test_zero_attachments_is_a_binary_packet_without_buffers(void **state)
{
    struct gw_sio_packet p;

    (void)state;
    assert_int_equal(gw_sio_parse("50-[\"a\"]", 8, &p, NULL), 0);
    assert_int_equal(p.type, GW_SIO_BINARY_EVENT);
    assert_int_equal(p.attachments, 0);
}

static void
test_attachment_count_is_ignored_on_text_types(void **state)
{
    struct gw_sio_packet p;

    (void)state;
    /* "21-" on an EVENT: the digits are an ack id, then "-" is not JSON */
    expect_refused("21-[\"a\"]", "invalid JSON payload");
    assert_int_equal(gw_sio_parse("21[\"a\"]", 7, &p, NULL), 0);
    assert_int_equal(p.attachments, 0);
}

static void
test_namespace_length_is_limited(void **state)
{
    char s[GW_SIO_NSP_MAX + 16];
    struct gw_sio_packet p;

    (void)state;
    s[0] = '0';
    s[1] = '/';
    memset(s + 2, 'n', GW_SIO_NSP_MAX - 1);
    strcpy(s + 1 + GW_SIO_NSP_MAX, ",");
    assert_int_equal(gw_sio_parse(s, strlen(s), &p, NULL), 0);
    assert_int_equal(p.nsp_len, GW_SIO_NSP_MAX);
    s[1 + GW_SIO_NSP_MAX] = 'n';
    strcpy(s + 2 + GW_SIO_NSP_MAX, ",");
    expect_refused(s, "namespace too long");
}

static void
test_parse_never_reads_past_the_length(void **state)
{
    (void)state;
    /* every prefix of every example in an exact-size heap block: ASan
     * would report a read beyond it */
    for (size_t i = 0; i < T_NEXAMPLES; i++) {
        const char *t = t_examples[i].text;
        size_t n = strlen(t);

        for (size_t len = 0; len <= n; len++) {
            char *copy = malloc(len ? len : 1);
            struct gw_sio_packet p;
            char name[32];

            memcpy(copy, t, len);
            if (gw_sio_parse(copy, len, &p, NULL) == 0)
                (void)gw_sio_event_name(&p, name, sizeof name);
            free(copy);
        }
    }
}

static void
test_parse_accepts_a_null_error_buffer(void **state)
{
    struct gw_sio_packet p;

    (void)state;
    assert_int_equal(gw_sio_parse("9", 1, &p, NULL), -1);
    assert_int_equal(gw_sio_parse("2[", 2, &p, NULL), -1);
}

static void
test_event_name_is_the_decoded_first_element(void **state)
{
    const char *s = "2[\"client_sends_message\",{\"a\":1}]";
    const char *esc = "2[\"h\\u00e9llo\"]";
    struct gw_sio_packet p;
    char name[32];

    (void)state;
    assert_int_equal(gw_sio_parse(s, strlen(s), &p, NULL), 0);
    assert_int_equal(gw_sio_event_name(&p, name, sizeof name), 0);
    assert_string_equal(name, "client_sends_message");
    assert_int_equal(gw_sio_parse(esc, strlen(esc), &p, NULL), 0);
    assert_int_equal(gw_sio_event_name(&p, name, sizeof name), 0);
    assert_string_equal(name, "h\xc3\xa9llo");
}

static void
test_event_name_refuses_numbers_and_names_too_long(void **state)
{
    const char *num = "2[1,\"x\"]";
    const char *lng = "2[\"0123456789\"]";
    struct gw_sio_packet p;
    char name[8];

    (void)state;
    assert_int_equal(gw_sio_parse(num, strlen(num), &p, NULL), 0);
    assert_int_equal(gw_sio_event_name(&p, name, sizeof name), -1);
    assert_int_equal(gw_sio_parse(lng, strlen(lng), &p, NULL), 0);
    assert_int_equal(gw_sio_event_name(&p, name, sizeof name), -1);
    assert_int_equal(gw_sio_parse("0", 1, &p, NULL), 0);
    assert_int_equal(gw_sio_event_name(&p, name, sizeof name), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_reads_every_example_of_the_spec),
        cmocka_unit_test(
            test_header_plus_data_encodes_every_example_of_the_spec),
        cmocka_unit_test(test_parse_is_zero_copy),
        cmocka_unit_test(
            test_namespace_without_trailing_comma_runs_to_the_end),
        cmocka_unit_test(test_explicit_main_namespace_is_written_without_it),
        cmocka_unit_test(test_ack_id_zero_and_leading_zeros),
        cmocka_unit_test(
            test_largest_ack_id_is_accepted_and_one_more_refused),
        cmocka_unit_test(test_unknown_or_missing_type_is_refused),
        cmocka_unit_test(
            test_event_payload_must_be_an_array_starting_with_a_name),
        cmocka_unit_test(test_ack_needs_an_id_and_an_array),
        cmocka_unit_test(test_connect_payload_must_be_an_object),
        cmocka_unit_test(test_disconnect_carries_no_payload),
        cmocka_unit_test(test_connect_error_payload_is_an_object_or_a_string),
        cmocka_unit_test(test_payload_must_be_valid_json),
        cmocka_unit_test(test_attachment_count_is_checked),
        cmocka_unit_test(
            test_zero_attachments_is_a_binary_packet_without_buffers),
        cmocka_unit_test(test_attachment_count_is_ignored_on_text_types),
        cmocka_unit_test(test_namespace_length_is_limited),
        cmocka_unit_test(test_parse_never_reads_past_the_length),
        cmocka_unit_test(test_parse_accepts_a_null_error_buffer),
        cmocka_unit_test(test_event_name_is_the_decoded_first_element),
        cmocka_unit_test(test_event_name_refuses_numbers_and_names_too_long),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
