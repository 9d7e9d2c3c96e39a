/* test_sioc_eio.c -- Engine.IO v4 packet types and the open packet. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "cmn/cmn_err.h"
#include "sioc_eio.h"

static void
test_types_are_the_first_digit(void **state)
{
    (void)state;
    assert_int_equal(sioc_eio_type("0{}", 3), SIOC_EIO_OPEN);
    assert_int_equal(sioc_eio_type("2", 1), SIOC_EIO_PING);
    assert_int_equal(sioc_eio_type("2probe", 6), SIOC_EIO_PING);
    assert_int_equal(sioc_eio_type("42[\"a\"]", 7), SIOC_EIO_MESSAGE);
    assert_int_equal(sioc_eio_type("6", 1), SIOC_EIO_NOOP);
    assert_int_equal(sioc_eio_type("7", 1), -1);
    assert_int_equal(sioc_eio_type("x", 1), -1);
    assert_int_equal(sioc_eio_type("", 0), -1);
}

static void
test_open_packet_of_the_reference_server(void **state)
{
    const char *p = "{\"sid\":\"lv_VI97HAXpY6yYWAAAC\",\"upgrades\":[],"
                    "\"pingInterval\":25000,\"pingTimeout\":20000,"
                    "\"maxPayload\":1000000}";
    struct sioc_eio_open o;

    (void)state;
    assert_int_equal(sioc_eio_parse_open(p, strlen(p), &o, NULL), 0);
    assert_string_equal(o.sid, "lv_VI97HAXpY6yYWAAAC");
    assert_int_equal(o.ping_interval, 25000);
    assert_int_equal(o.ping_timeout, 20000);
    assert_int_equal(o.max_payload, 1000000);
}

static void
test_max_payload_is_optional(void **state)
{
    const char *p = " {\"pingTimeout\":5,\"sid\":\"a\",\"pingInterval\":7} ";
    struct sioc_eio_open o;

    (void)state;
    assert_int_equal(sioc_eio_parse_open(p, strlen(p), &o, NULL), 0);
    assert_int_equal(o.ping_interval, 7);
    assert_int_equal(o.ping_timeout, 5);
    assert_int_equal(o.max_payload, 0);
}

static void
expect_bad(const char *p, const char *words)
{
    struct sioc_eio_open o;
    char err[CMN_ERR_LEN] = "";

    assert_int_equal(sioc_eio_parse_open(p, strlen(p), &o, err), -1);
    if (strstr(err, words) == NULL)
        fail_msg("error \"%s\" does not mention \"%s\"", err, words);
}

static void
test_bad_open_packets_are_refused(void **state)
{
    (void)state;
    expect_bad("", "not a JSON object");
    expect_bad("[1]", "not a JSON object");
    expect_bad("{\"sid\":\"a\",", "not a JSON object");
    expect_bad("{\"pingInterval\":1,\"pingTimeout\":1}", "sid");
    expect_bad("{\"sid\":\"\",\"pingInterval\":1,\"pingTimeout\":1}", "sid");
    expect_bad("{\"sid\":1,\"pingInterval\":1,\"pingTimeout\":1}", "sid");
    expect_bad("{\"sid\":\"a\",\"pingTimeout\":1}", "pingInterval missing");
    expect_bad("{\"sid\":\"a\",\"pingInterval\":-1,\"pingTimeout\":1}",
               "pingInterval is not");
    expect_bad("{\"sid\":\"a\",\"pingInterval\":1.5,\"pingTimeout\":1}",
               "pingInterval is not");
    expect_bad("{\"sid\":\"a\",\"pingInterval\":1,\"pingTimeout\":\"1\"}",
               "pingTimeout is not");
    expect_bad("{\"sid\":\"a\",\"pingInterval\":1,\"pingTimeout\":1,"
               "\"maxPayload\":null}", "maxPayload");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_types_are_the_first_digit),
        cmocka_unit_test(test_open_packet_of_the_reference_server),
        cmocka_unit_test(test_max_payload_is_optional),
        cmocka_unit_test(test_bad_open_packets_are_refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
