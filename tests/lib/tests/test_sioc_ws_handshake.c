/* test_sioc_ws_handshake.c -- the upgrade request and the checks on the
 * server's answer: RFC 6455's accept example, partial heads, refusals,
 * wrong or missing headers, and frames that follow the head. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "cmn/cmn_err.h"
#include "sioc_ws_handshake.h"

/* RFC 6455 1.3 */
#define KEY    "dGhlIHNhbXBsZSBub25jZQ=="
#define ACCEPT "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="

static const char good[] =
    "HTTP/1.1 101 Switching Protocols\r\n"
    "Upgrade: websocket\r\n"
    "Connection: Upgrade\r\n"
    "Sec-WebSocket-Accept: " ACCEPT "\r\n"
    "\r\n";

static void
test_accept_matches_rfc_example(void **state)
{
    char out[SIOC_WS_ACCEPT_SIZE];

    (void)state;
    assert_int_equal(sioc_ws_accept_for(KEY, out), 0);
    assert_string_equal(out, ACCEPT);
}

static void
test_keys_are_fresh_base64(void **state)
{
    char a[SIOC_WS_KEY_SIZE], b[SIOC_WS_KEY_SIZE];

    (void)state;
    sioc_ws_key_new(a);
    sioc_ws_key_new(b);
    assert_int_equal(strlen(a), 24);
    assert_string_equal(a + 22, "==");
    assert_string_not_equal(a, b);
}

static void
test_request_has_the_upgrade_headers(void **state)
{
    struct cmn_buf b;

    (void)state;
    cmn_buf_init(&b);
    assert_int_equal(sioc_ws_request(&b, "127.0.0.1", 5000,
                                     "/socket.io/?EIO=4&transport=websocket",
                                     KEY), 0);
    assert_string_equal(b.p,
        "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
        "Host: 127.0.0.1:5000\r\n"
        "Upgrade: websocket\r\n"
        "Connection: Upgrade\r\n"
        "Sec-WebSocket-Key: " KEY "\r\n"
        "Sec-WebSocket-Version: 13\r\n"
        "\r\n");
    cmn_buf_reset(&b);
    sioc_ws_request(&b, "::1", 80, "/", KEY);
    assert_non_null(strstr(b.p, "Host: [::1]:80\r\n"));
    cmn_buf_free(&b);
}

static void
test_good_answer_and_following_frames(void **state)
{
    char buf[512];
    size_t head = 0;

    (void)state;
    assert_int_equal(sioc_ws_response_parse(good, strlen(good), KEY, &head,
                                            NULL), 1);
    assert_int_equal(head, strlen(good));
    /* bytes after the head belong to the websocket */
    strcpy(buf, good);
    strcat(buf, "\x81\x01" "0");
    assert_int_equal(sioc_ws_response_parse(buf, strlen(buf), KEY, &head,
                                            NULL), 1);
    assert_int_equal(head, strlen(good));
}

static void
test_partial_heads_need_more(void **state)
{
    size_t head;

    (void)state;
    for (size_t n = 0; n < strlen(good); n++)
        assert_int_equal(sioc_ws_response_parse(good, n, KEY, &head, NULL),
                         0);
}

static void
test_header_names_and_tokens_ignore_case(void **state)
{
    const char *r =
        "HTTP/1.1 101 OK\r\n"
        "upgrade:   WebSocket  \r\n"
        "connection: keep-alive, UPGRADE\r\n"
        "sec-websocket-accept:" ACCEPT "\r\n"
        "X-Other: 1\r\n"
        "\r\n";
    size_t head;

    (void)state;
    assert_int_equal(sioc_ws_response_parse(r, strlen(r), KEY, &head, NULL),
                     1);
}

static void
expect_refused(const char *r, const char *words)
{
    char err[CMN_ERR_LEN] = "";
    size_t head;

    assert_int_equal(sioc_ws_response_parse(r, strlen(r), KEY, &head, err),
                     -1);
    if (strstr(err, words) == NULL)
        fail_msg("error \"%s\" does not mention \"%s\"", err, words);
}

static void
test_bad_answers_are_refused(void **state)
{
    (void)state;
    expect_refused("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n",
                   "upgrade refused: \"HTTP/1.1 400 Bad Request\"");
    expect_refused("HTTP/1.0 101 OK\r\n\r\n", "not an HTTP/1.1 response");
    expect_refused("HTTP/1.1 1010 OK\r\n\r\n", "upgrade refused");
    expect_refused("HTTP/1.1 101 OK\r\nUpgrade: websocket\r\n"
                   "Connection: Upgrade\r\n"
                   "Sec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n",
                   "wrong Sec-WebSocket-Accept");
    expect_refused("HTTP/1.1 101 OK\r\nUpgrade: websocket\r\n"
                   "Sec-WebSocket-Accept: " ACCEPT "\r\n\r\n",
                   "Connection: upgrade");
    expect_refused("HTTP/1.1 101 OK\r\nUpgrade: h2c\r\n"
                   "Connection: Upgrade\r\n"
                   "Sec-WebSocket-Accept: " ACCEPT "\r\n\r\n",
                   "Upgrade: websocket");
    expect_refused("HTTP/1.1 101 OK\r\nUpgrade: websocket\r\n"
                   "Connection: Upgrade\r\n\r\n", "Sec-WebSocket-Accept");
    expect_refused("HTTP/1.1 101 OK\r\nUpgrade: websocket\r\n"
                   "Connection: Upgrade\r\n"
                   "Sec-WebSocket-Extensions: permessage-deflate\r\n"
                   "Sec-WebSocket-Accept: " ACCEPT "\r\n\r\n",
                   "did not offer");
    expect_refused("HTTP/1.1 101 OK\r\nno colon here\r\n\r\n", "malformed");
}

static void
test_endless_head_is_refused(void **state)
{
    static char big[SIOC_WS_HEAD_MAX + 10];

    (void)state;
    memset(big, 'a', sizeof big - 1);
    memcpy(big, "HTTP/1.1 101 OK\r\n", 17);
    expect_refused(big, "longer than");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accept_matches_rfc_example),
        cmocka_unit_test(test_keys_are_fresh_base64),
        cmocka_unit_test(test_request_has_the_upgrade_headers),
        cmocka_unit_test(test_good_answer_and_following_frames),
        cmocka_unit_test(test_partial_heads_need_more),
        cmocka_unit_test(test_header_names_and_tokens_ignore_case),
        cmocka_unit_test(test_bad_answers_are_refused),
        cmocka_unit_test(test_endless_head_is_refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
