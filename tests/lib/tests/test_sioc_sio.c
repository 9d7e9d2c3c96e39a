/* test_sioc_sio.c -- Socket.IO v5 packets: the header forms (type,
 * attachments, namespace, ack id), each type's payload rule, the event
 * view (name, arguments, first argument) and the encoders. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "cmn/cmn_err.h"
#include "sioc_sio.h"

#define assert_span(s, want) do {                                      \
        struct cmn_json_span s_ = (s);                                 \
        const char *w_ = (want);                                       \
        if (s_.len != strlen(w_) || memcmp(s_.p, w_, s_.len) != 0)     \
            fail_msg("got \"%.*s\", want \"%s\"", (int)s_.len,         \
                     s_.p ? s_.p : "", w_);                            \
    } while (0)

static struct sioc_sio_packet
parse_ok(const char *p)
{
    struct sioc_sio_packet pk;
    char err[CMN_ERR_LEN] = "";

    if (sioc_sio_parse(p, strlen(p), &pk, err) != 0)
        fail_msg("parse \"%s\": %s", p, err);
    return pk;
}

static void
test_header_forms(void **state)
{
    struct sioc_sio_packet pk;

    (void)state;
    pk = parse_ok("0");
    assert_int_equal(pk.type, SIOC_SIO_CONNECT);
    assert_true(sioc_sio_main_nsp(&pk));
    assert_int_equal(pk.id, -1);
    assert_int_equal(pk.data.len, 0);

    pk = parse_ok("0{\"sid\":\"oSO0OpakmZ\"}");
    assert_span(pk.data, "{\"sid\":\"oSO0OpakmZ\"}");

    pk = parse_ok("0/admin,{\"sid\":\"x\"}");
    assert_span(pk.nsp, "/admin");
    assert_false(sioc_sio_main_nsp(&pk));

    pk = parse_ok("2[\"hello\",1]");
    assert_int_equal(pk.type, SIOC_SIO_EVENT);
    assert_int_equal(pk.id, -1);
    assert_span(pk.data, "[\"hello\",1]");

    pk = parse_ok("213[\"x\"]");
    assert_int_equal(pk.id, 13);
    assert_span(pk.data, "[\"x\"]");

    pk = parse_ok("2/admin,456[\"project:delete\",123]");
    assert_span(pk.nsp, "/admin");
    assert_int_equal(pk.id, 456);

    pk = parse_ok("30[]");
    assert_int_equal(pk.type, SIOC_SIO_ACK);
    assert_int_equal(pk.id, 0);

    pk = parse_ok("51-[\"b\",{\"_placeholder\":true,\"num\":0}]");
    assert_int_equal(pk.type, SIOC_SIO_BINARY_EVENT);
    assert_int_equal(pk.attachments, 1);
    assert_int_equal(pk.id, -1);

    pk = parse_ok("62-/admin,7[{\"_placeholder\":true,\"num\":0},"
                  "{\"_placeholder\":true,\"num\":1}]");
    assert_int_equal(pk.type, SIOC_SIO_BINARY_ACK);
    assert_int_equal(pk.attachments, 2);
    assert_int_equal(pk.id, 7);

    pk = parse_ok("1");
    assert_int_equal(pk.type, SIOC_SIO_DISCONNECT);
    pk = parse_ok("1/admin,");
    assert_span(pk.nsp, "/admin");

    pk = parse_ok("4{\"message\":\"Not authorized\",\"data\":{\"a\":1}}");
    assert_int_equal(pk.type, SIOC_SIO_CONNECT_ERROR);
    pk = parse_ok("4\"legacy message\"");
    assert_int_equal(pk.type, SIOC_SIO_CONNECT_ERROR);

    pk = parse_ok("2[42]");    /* numeric names are allowed */
    assert_span(pk.data, "[42]");
}

static void
expect_bad(const char *p, const char *words)
{
    struct sioc_sio_packet pk;
    char err[CMN_ERR_LEN] = "";

    assert_int_equal(sioc_sio_parse(p, strlen(p), &pk, err), -1);
    if (strstr(err, words) == NULL)
        fail_msg("\"%s\": error \"%s\" does not mention \"%s\"", p, err,
                 words);
}

static void
test_bad_packets_are_refused(void **state)
{
    (void)state;
    expect_bad("", "unknown type");
    expect_bad("7[]", "unknown type");
    expect_bad("a", "unknown type");
    expect_bad("2", "without payload");
    expect_bad("3[]", "ack without id");
    expect_bad("2[", "invalid JSON");
    expect_bad("2[\"a\"] x", "invalid JSON");
    expect_bad("2[\"\xc3\x28\"]", "invalid JSON");
    expect_bad("2[]", "invalid payload");
    expect_bad("2{\"a\":1}", "invalid payload");
    expect_bad("2[null]", "invalid payload");
    expect_bad("2[{\"a\":1}]", "invalid payload");
    expect_bad("3{}", "invalid payload");
    expect_bad("0[]", "invalid payload");
    expect_bad("1{}", "invalid payload");
    expect_bad("4[]", "invalid payload");
    expect_bad("5[\"b\"]", "attachment");
    expect_bad("51[\"b\"]", "attachment");
    expect_bad("5-[\"b\"]", "attachment");
    expect_bad("21234567890123456[\"x\"]", "ack id");
}

static void
test_event_view_gives_name_args_and_first_arg(void **state)
{
    struct sioc_sio_packet pk = parse_ok("27[\"chat\\u0021\", {\"a\" : 1}, "
                                         "[2, 3] , \"x\"]");
    struct sioc_event ev;
    struct cmn_buf scratch;
    struct cmn_json_span a;

    (void)state;
    cmn_buf_init(&scratch);
    assert_int_equal(sioc_sio_event(&pk, &scratch, &ev, NULL), 0);
    assert_int_equal(ev.kind, SIOC_EVENT);
    assert_string_equal(ev.name, "chat!");
    assert_int_equal(ev.id, 7);
    assert_int_equal(ev.argc, 3);
    assert_span(ev.arg0, "{\"a\" : 1}");
    /* the elements' bytes are kept, spacing between them included */
    assert_span(ev.args, "[{\"a\" : 1}, [2, 3] , \"x\"]");
    assert_int_equal(cmn_json_validate(ev.args.p, ev.args.len), 0);
    assert_int_equal(sioc_event_arg(&ev, 1, &a), 1);
    assert_span(a, "[2, 3]");
    assert_int_equal(sioc_event_arg(&ev, 3, &a), 0);

    pk = parse_ok("2[\"bare\"]");
    assert_int_equal(sioc_sio_event(&pk, &scratch, &ev, NULL), 0);
    assert_int_equal(ev.argc, 0);
    assert_null(ev.arg0.p);
    assert_span(ev.args, "[]");

    pk = parse_ok("2[7,true]");
    assert_int_equal(sioc_sio_event(&pk, &scratch, &ev, NULL), 0);
    assert_string_equal(ev.name, "7");
    assert_span(ev.args, "[true]");
    cmn_buf_free(&scratch);
}

static void
test_ack_view_is_the_array_itself(void **state)
{
    struct sioc_sio_packet pk = parse_ok("312[\"ok\",{\"id\":5}]");
    struct sioc_event ev;
    struct cmn_buf scratch;

    (void)state;
    cmn_buf_init(&scratch);
    assert_int_equal(sioc_sio_event(&pk, &scratch, &ev, NULL), 0);
    assert_int_equal(ev.kind, SIOC_ACK);
    assert_int_equal(ev.id, 12);
    assert_string_equal(ev.name, "");
    assert_int_equal(ev.argc, 2);
    assert_ptr_equal(ev.args.p, pk.data.p);
    assert_span(ev.arg0, "\"ok\"");
    assert_null(scratch.p);
    cmn_buf_free(&scratch);
}

static void
test_long_or_nul_names_are_refused(void **state)
{
    char p[SIOC_NAME_MAX + 16];
    struct sioc_sio_packet pk;
    struct sioc_event ev;
    struct cmn_buf scratch;
    char err[CMN_ERR_LEN] = "";

    (void)state;
    cmn_buf_init(&scratch);
    strcpy(p, "2[\"");
    memset(p + 3, 'n', SIOC_NAME_MAX);
    strcpy(p + 3 + SIOC_NAME_MAX, "\"]");
    pk = parse_ok(p);
    assert_int_equal(sioc_sio_event(&pk, &scratch, &ev, err), -1);
    assert_non_null(strstr(err, "name"));
    pk = parse_ok("2[\"a\\u0000b\"]");
    assert_int_equal(sioc_sio_event(&pk, &scratch, &ev, err), -1);
    cmn_buf_free(&scratch);
}

static void
test_encoders(void **state)
{
    struct cmn_buf b;
    char err[CMN_ERR_LEN] = "";

    (void)state;
    cmn_buf_init(&b);
    assert_int_equal(sioc_sio_encode_connect(&b, NULL, err), 0);
    assert_string_equal(b.p, "40");
    cmn_buf_reset(&b);
    assert_int_equal(sioc_sio_encode_connect(&b, " {\"token\":\"t\"} ", err),
                     0);
    assert_string_equal(b.p, "40{\"token\":\"t\"}");
    cmn_buf_reset(&b);
    assert_int_equal(sioc_sio_encode_connect(&b, "{}", err), 0);
    assert_string_equal(b.p, "40{}");
    assert_int_equal(sioc_sio_encode_connect(&b, "[]", err), -1);
    assert_int_equal(sioc_sio_encode_connect(&b, "{", err), -1);

    cmn_buf_reset(&b);
    assert_int_equal(sioc_sio_encode_disconnect(&b), 0);
    assert_string_equal(b.p, "41");

    cmn_buf_reset(&b);
    assert_int_equal(sioc_sio_encode_event1(&b, "join", "{\"room\":\"A&B\"}",
                                            -1, err), 0);
    assert_string_equal(b.p, "42[\"join\",{\"room\":\"A&B\"}]");
    cmn_buf_reset(&b);
    assert_int_equal(sioc_sio_encode_event1(&b, "q\"x", NULL, 3, err), 0);
    assert_string_equal(b.p, "423[\"q\\\"x\"]");
    cmn_buf_reset(&b);
    assert_int_equal(sioc_sio_encode_event(&b, "m", " [ 1, {\"a\":2} ] ", 12,
                                           err), 0);
    assert_string_equal(b.p, "4212[\"m\",1, {\"a\":2}]");
    cmn_buf_reset(&b);
    assert_int_equal(sioc_sio_encode_event(&b, "m", "[]", -1, err), 0);
    assert_string_equal(b.p, "42[\"m\"]");
    cmn_buf_reset(&b);
    assert_int_equal(sioc_sio_encode_ack(&b, 5, "[\"ok\"]", err), 0);
    assert_string_equal(b.p, "435[\"ok\"]");
    cmn_buf_reset(&b);
    assert_int_equal(sioc_sio_encode_ack(&b, 0, NULL, err), 0);
    assert_string_equal(b.p, "430[]");

    /* refusals leave the buffer as it was */
    cmn_buf_reset(&b);
    cmn_buf_puts(&b, "keep");
    assert_int_equal(sioc_sio_encode_event(&b, "m", "{}", -1, err), -1);
    assert_non_null(strstr(err, "not a JSON array"));
    assert_int_equal(sioc_sio_encode_event1(&b, "m", "[1,", -1, err), -1);
    assert_int_equal(sioc_sio_encode_ack(&b, -1, "[]", err), -1);
    assert_int_equal(sioc_sio_encode_ack(&b, 1, "[1", err), -1);
    assert_string_equal(b.p, "keep");
    cmn_buf_free(&b);
}

static void
test_encoded_events_parse_back(void **state)
{
    struct cmn_buf b, scratch;
    struct sioc_sio_packet pk;
    struct sioc_event ev;
    char err[CMN_ERR_LEN] = "";

    (void)state;
    cmn_buf_init(&b);
    cmn_buf_init(&scratch);
    assert_int_equal(sioc_sio_encode_event(&b, "client_sends_message",
                                           "[{\"sender\":\"Lisa\","
                                           "\"content\":\"h\xc3\xa9\"}]", 4,
                                           err), 0);
    assert_int_equal(sioc_sio_parse(b.p + 1, b.len - 1, &pk, err), 0);
    assert_int_equal(sioc_sio_event(&pk, &scratch, &ev, err), 0);
    assert_string_equal(ev.name, "client_sends_message");
    assert_int_equal(ev.id, 4);
    assert_span(ev.arg0, "{\"sender\":\"Lisa\",\"content\":\"h\xc3\xa9\"}");
    cmn_buf_free(&b);
    cmn_buf_free(&scratch);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_forms),
        cmocka_unit_test(test_bad_packets_are_refused),
        cmocka_unit_test(test_event_view_gives_name_args_and_first_arg),
        cmocka_unit_test(test_ack_view_is_the_array_itself),
        cmocka_unit_test(test_long_or_nul_names_are_refused),
        cmocka_unit_test(test_encoders),
        cmocka_unit_test(test_encoded_events_parse_back),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
