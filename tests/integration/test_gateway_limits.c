/* test_gateway_limits.c -- the gateway's limits and its answers to bad
 * input, on the real stack (two gateway replicas behind nginx):
 * maxPayload, slow readers, the per-socket rate limit, the connect timeout,
 * the connection cap, malformed packets, wrong payload types, invalid
 * UTF-8, unknown sids, a forged sender, and bad, expired, alg:none and
 * revoked JWTs -- each gets a clear error and changes nothing. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cmn/cmn_jwt.h"
#include "itest.h"
#include "sioc_ws_frame.h"

#define MAX_CONNS 25

static struct itest_stack stack;
static const char *const overrides[] = {
    "GATEWAYS=2",
    "MAX_PAYLOAD=20000",
    "GW_SEND_QUEUE_MAX=50",
    "GW_EVENT_RATE=20",
    "GW_EVENT_BURST=20",
    "CONNECT_TIMEOUT_MS=1000",
    "GW_MAX_CONNECTIONS=25",
    NULL
};

/* The port of gateway replica i (1-based), to pin a socket to it. */
static int
gw_port(int i)
{
    const char *ports = itest_env(&stack, "GW_PORTS");
    int a = 0, b = 0;

    assert_non_null(ports);
    assert_int_equal(sscanf(ports, "%d %d", &a, &b), 2);
    return i == 1 ? a : b;
}

static struct sioc_conn *
open_on(int port, const char *auth, char *err)
{
    return sioc_open_blocking("127.0.0.1", port, auth, 5000, err);
}

/* ---- a raw websocket, for what a well-behaved client never does ---- */

/* Connect, upgrade to /socket.io/ websocket; rcvbuf > 0 shrinks the
 * receive buffer first (a reader that does not read). Returns the fd after
 * the HTTP 101, or -1. */
static int
raw_ws(int rcvbuf)
{
    struct sockaddr_in sin;
    char buf[2048];
    int fd = socket(AF_INET, SOCK_STREAM, 0), n, got = 0;
    const char *req =
        "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
        "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n";

    if (rcvbuf > 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons((unsigned short)stack.public_port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0 ||
        write(fd, req, strlen(req)) != (ssize_t)strlen(req))
        goto fail;
    while (got < (int)sizeof buf - 1) {
        if ((n = (int)read(fd, buf + got, 1)) <= 0)
            goto fail;
        got += n;
        buf[got] = '\0';
        if (strstr(buf, "\r\n\r\n") != NULL)
            break;
    }
    if (strstr(buf, " 101 ") == NULL)
        goto fail;
    return fd;
fail:
    close(fd);
    return -1;
}

/* Send one masked frame. */
static void
raw_send(int fd, int opcode, const void *data, size_t len)
{
    static const unsigned char mask[4] = {1, 2, 3, 4};
    struct cmn_buf b;

    cmn_buf_init(&b);
    assert_int_equal(sioc_ws_frame_encode(&b, opcode, 1, data, len, mask),
                     0);
    assert_int_equal(write(fd, b.p, b.len), (ssize_t)b.len);
    cmn_buf_free(&b);
}

/* Read until the server closes (EOF, reset, or a close frame); returns
 * the close status of a close frame (0 if none) or -1 on timeout. */
static int
raw_wait_close(int fd, int timeout_ms)
{
    unsigned char buf[65536];
    struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    size_t have = 0;

    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    for (;;) {
        struct sioc_ws_frame f;
        ssize_t n = read(fd, buf + have, sizeof buf - have);

        if (n == 0)
            return 0;
        if (n < 0)
            return errno == EAGAIN ? -1 : 0;
        have += (size_t)n;
        while (sioc_ws_frame_parse(buf, have, sizeof buf, &f, NULL) == 1) {
            if (f.opcode == SIOC_WS_CLOSE)
                return f.len >= 2 ? (f.payload[0] << 8 | f.payload[1]) : 0;
            memmove(buf, buf + f.size, have - f.size);
            have -= f.size;
        }
        if (have == sizeof buf)
            have = 0;
    }
}

/* ---- tests ------------------------------------------------------------ */

static void
test_packet_over_max_payload_closes_the_socket(void **state)
{
    int fd = raw_ws(0);
    char *big = malloc(30001);

    (void)state;
    assert_true(fd >= 0);
    memset(big, 'x', 30000);
    memcpy(big, "42[\"", 4);
    raw_send(fd, SIOC_WS_TEXT, big, 30000);
    /* 1009: message too big */
    assert_int_equal(raw_wait_close(fd, 3000), 1009);
    free(big);
    close(fd);
}

static void
test_invalid_utf8_closes_the_socket(void **state)
{
    int fd = raw_ws(0);

    (void)state;
    assert_true(fd >= 0);
    raw_send(fd, SIOC_WS_TEXT, "42[\"\xff\xfe\"]", 8);
    /* 1007: invalid frame payload data */
    assert_int_equal(raw_wait_close(fd, 3000), 1007);
    close(fd);
}

static void
test_malformed_packet_closes_with_a_reason(void **state)
{
    int fd = raw_ws(0);

    (void)state;
    assert_true(fd >= 0);
    raw_send(fd, SIOC_WS_TEXT, "40", 2);
    raw_send(fd, SIOC_WS_TEXT, "4abc", 4);
    assert_int_equal(raw_wait_close(fd, 3000), 1000);
    close(fd);
}

static void
test_session_without_connect_times_out(void **state)
{
    int fd = raw_ws(0);
    long long t0 = itest_ms(), took;

    (void)state;
    assert_true(fd >= 0);
    assert_true(raw_wait_close(fd, 5000) >= 0);
    took = itest_ms() - t0;
    assert_true(took >= 900 && took <= 3000);     /* CONNECT_TIMEOUT_MS */
    close(fd);
}

static void
test_unknown_sid_gets_400(void **state)
{
    struct sioc_http_reply r;
    char url[256], err[CMN_ERR_LEN];

    (void)state;
    snprintf(url, sizeof url, "%s/socket.io/?EIO=4&transport=polling"
             "&sid=g1.doesnotexist", stack.base);
    assert_int_equal(sioc_http_request("GET", url, NULL, NULL, 5000, &r, err),
                     0);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "Session ID unknown"));
    sioc_http_reply_cleanup(&r);
}

static void
test_wrong_payload_types_get_an_error_ack(void **state)
{
    struct itest_user a;
    struct sioc_conn *c;
    struct sioc_event ev;
    char arg[1400], err[CMN_ERR_LEN], res[32];

    (void)state;
    itest_user_new(&stack, "types", &a);
    c = itest_connect_token(&stack, a.token);
    snprintf(arg, sizeof arg, "{\"sender\":\"%s\",\"content\":42,"
             "\"conversation_room\":\"%s&Lisa\",\"jwt\":\"%s\"}", a.name,
             a.name, a.token);
    assert_int_equal(sioc_call(c, "client_sends_message", arg, 3000, &ev,
                               err), 0);
    assert_true(sioc_event_str(&ev, "result", res, sizeof res) > 0);
    assert_string_equal(res, "error");
    sioc_event_cleanup(&ev);
    assert_int_equal(sioc_call(c, "client_sends_message", "\"just text\"",
                               3000, &ev, err), 0);
    assert_true(sioc_event_str(&ev, "result", res, sizeof res) > 0);
    assert_string_equal(res, "error");
    sioc_event_cleanup(&ev);
    /* and the socket still works */
    assert_int_equal(sioc_call(c, "connection_alive", "{\"client\":\"x\"}",
                               3000, &ev, err), 0);
    sioc_event_cleanup(&ev);
    sioc_close(c);
}

static void
test_forged_sender_is_refused(void **state)
{
    struct itest_user a, b;
    struct sioc_conn *ca, *cb;
    struct sioc_event ev;
    char arg[1400], err[CMN_ERR_LEN], res[32], reason[128];

    (void)state;
    itest_user_new(&stack, "forge_a", &a);
    itest_user_new(&stack, "forge_b", &b);
    ca = itest_connect_token(&stack, a.token);
    cb = itest_connect_token(&stack, b.token);
    /* a's socket claims to be b, with b's valid token even */
    snprintf(arg, sizeof arg, "{\"sender\":\"%s\",\"content\":\"forged\","
             "\"conversation_room\":\"%s&%s\",\"jwt\":\"%s\"}", b.name,
             b.name, a.name, b.token);
    assert_int_equal(sioc_call(ca, "client_sends_message", arg, 3000, &ev,
                               err), 0);
    assert_true(sioc_event_str(&ev, "result", res, sizeof res) > 0);
    assert_string_equal(res, "error");
    assert_true(sioc_event_str(&ev, "reason", reason, sizeof reason) > 0);
    assert_non_null(strstr(reason, "sender"));
    sioc_event_cleanup(&ev);
    assert_int_equal(sioc_expect_no_event(ca, "received_message", 400), 0);
    assert_int_equal(sioc_expect_no_event(cb, "received_message", 100), 0);
    sioc_close(ca);
    sioc_close(cb);
}

/* A token signed with the stack's own key but already expired. */
static char *
expired_token(const char *user)
{
    unsigned char key[256];
    size_t keylen;
    char err[CMN_ERR_LEN], path[300];
    char *t;

    snprintf(path, sizeof path, "%s/jwt.secret", stack.dir);
    assert_int_equal(cmn_jwt_key_load(NULL, path, key, sizeof key, &keylen,
                                      err), 0);
    t = cmn_jwt_sign(key, keylen, user, "0123456789abcdef",
                     (long)time(NULL) - 7200, 3600);
    assert_non_null(t);
    return t;
}

static void
connect_refused(const char *token)
{
    char auth[2048], err[CMN_ERR_LEN];
    struct sioc_conn *c;

    snprintf(auth, sizeof auth, "{\"token\":\"%s\"}", token);
    c = itest_connect(&stack, NULL);        /* the gateway is up */
    sioc_close(c);
    c = sioc_open_blocking("127.0.0.1", stack.public_port, auth, 5000, err);
    assert_null(c);
    assert_non_null(strstr(err, "Invalid JWT"));
}

static void
test_bad_expired_none_and_revoked_tokens_are_refused(void **state)
{
    struct itest_user a;
    char pw[128], *fresh, *exp;
    /* {"alg":"none"} . {"sub":"Lisa","jti":"x","exp":9999999999} . "" */
    const char *none = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0."
        "eyJzdWIiOiJMaXNhIiwianRpIjoieCIsImV4cCI6OTk5OTk5OTk5OX0.";

    (void)state;
    itest_user_new(&stack, "tok", &a);
    connect_refused("not-a-jwt");
    connect_refused(none);
    exp = expired_token(a.name);
    connect_refused(exp);
    /* a second login revokes the first token */
    itest_password(a.name, pw, sizeof pw);
    fresh = itest_login(&stack, a.name, pw);
    connect_refused(a.token);
    free(exp);
    free(fresh);
}

static void
test_revoked_token_stops_working_on_every_gateway_within_a_second(void **state)
{
    struct itest_user a, b;
    struct sioc_conn *c1, *c2, *cb;
    struct sioc_event ev;
    char auth[1200], err[CMN_ERR_LEN], res[32], body[512], url[256];
    struct sioc_http_reply r;
    long long t0;

    (void)state;
    itest_user_new(&stack, "kill_a", &a);
    itest_user_new(&stack, "kill_b", &b);
    snprintf(auth, sizeof auth, "{\"token\":\"%s\"}", a.token);
    c1 = open_on(gw_port(1), auth, err);
    c2 = open_on(gw_port(2), auth, err);
    assert_non_null(c1);
    assert_non_null(c2);
    cb = itest_connect_token(&stack, b.token);
    itest_send(c1, a.name, b.name, "before", a.token, res, sizeof res, NULL,
               0);
    assert_string_not_equal(res, "error");
    /* the admin kills a's token */
    snprintf(url, sizeof url, "%s/admin/kill_token", stack.base);
    snprintf(body, sizeof body, "{\"username\":\"Admin\",\"password\":"
             "\"AdminPassword\",\"user_token_terminate\":\"%s\"}", a.name);
    assert_int_equal(sioc_http_request("POST", url, NULL, body, 5000, &r,
                                       err), 0);
    assert_int_equal(r.status, 200);
    sioc_http_reply_cleanup(&r);
    t0 = itest_ms();
    /* both gateways refuse it at once */
    itest_send(c1, a.name, b.name, "after 1", a.token, res, sizeof res,
               NULL, 0);
    assert_string_equal(res, "error");
    itest_send(c2, a.name, b.name, "after 2", a.token, res, sizeof res,
               NULL, 0);
    assert_string_equal(res, "error");
    assert_true(itest_ms() - t0 < 1000);
    assert_int_equal(itest_wait_match(c2, "received_message", "sender",
                                      "Admin", 2000, &ev), 0);
    sioc_event_cleanup(&ev);
    assert_int_equal(itest_wait_match(cb, "received_message", "content",
                                      "before", 2000, &ev), 0);
    sioc_event_cleanup(&ev);
    assert_int_equal(sioc_expect_no_event(cb, "received_message", 300), 0);
    sioc_close(c1);
    sioc_close(c2);
    sioc_close(cb);
}

static void
test_event_rate_limit_refuses_the_excess(void **state)
{
    struct itest_user a;
    struct sioc_conn *c;
    struct sioc_event ev;
    char arg[128], err[CMN_ERR_LEN], reason[64];
    int limited = 0;

    (void)state;
    itest_user_new(&stack, "rate", &a);
    c = itest_connect_token(&stack, a.token);
    snprintf(arg, sizeof arg, "{\"client\":\"%s\"}", a.name);
    /* 40 at once: within GW_SEND_QUEUE_MAX (50) replies */
    for (int i = 0; i < 40; i++)
        assert_true(sioc_emit_ack(c, "connection_alive", arg, err) >= 0);
    for (int i = 0; i < 40; i++) {
        assert_int_equal(sioc_wait_ack(c, -1, 3000, &ev), 0);
        if (sioc_event_str(&ev, "reason", reason, sizeof reason) > 0 &&
            strcmp(reason, "rate limited") == 0)
            limited++;
        sioc_event_cleanup(&ev);
    }
    /* burst 20 at 20/s: about half of a burst of 40 is refused */
    assert_true(limited >= 10);
    assert_true(limited <= 25);
    sioc_close(c);
}

static void
test_slow_reader_is_disconnected(void **state)
{
    struct itest_user a, b;
    struct sioc_conn *ca;
    char auth[1200], content[1000];
    int fd;

    (void)state;
    itest_user_new(&stack, "slow_a", &a);
    itest_user_new(&stack, "slow_b", &b);
    /* b binds on a raw socket with a tiny receive buffer, then never reads */
    fd = raw_ws(2048);
    assert_true(fd >= 0);
    snprintf(auth, sizeof auth, "40{\"token\":\"%s\"}", b.token);
    raw_send(fd, SIOC_WS_TEXT, auth, strlen(auth));
    assert_int_equal(itest_redis_wait(&stack, "1", 3000, "HEXISTS loc %s",
                                      b.name), 0);
    assert_int_equal(itest_redis_wait(&stack, "1", 3000,
                                      "HEXISTS online %s", b.name), 0);
    ca = itest_connect_token(&stack, a.token);
    memset(content, 'z', sizeof content - 1);
    content[sizeof content - 1] = '\0';
    /* far more than socket buffers plus GW_SEND_QUEUE_MAX (50) hold;
     * paced under the rate limit */
    for (int i = 0; i < 400 && itest_redis_wait(&stack, "1", 0,
                                                "HEXISTS loc %s",
                                                b.name) == 0; i++) {
        char res[32];

        itest_send(ca, a.name, b.name, content, a.token, res, sizeof res,
                   NULL, 0);
        sioc_pump(50);
    }
    /* the gateway closed b's socket: b left the location table */
    assert_int_equal(itest_redis_wait(&stack, "0", 5000, "HEXISTS loc %s",
                                      b.name), 0);
    close(fd);
    sioc_close(ca);
}

static void
test_connection_cap_per_gateway(void **state)
{
    struct sioc_conn *c[2 * MAX_CONNS + 2];
    char err[CMN_ERR_LEN];
    int n = 0, refused = 0;

    (void)state;
    /* pinned to gateway 1: the cap is per gateway */
    for (int i = 0; i < MAX_CONNS + 2; i++) {
        c[n] = open_on(gw_port(1), NULL, err);
        if (c[n] != NULL)
            n++;
        else
            refused++;
    }
    assert_true(n <= MAX_CONNS);
    assert_true(refused >= 2);
    for (int i = 0; i < n; i++)
        sioc_close(c[i]);
    /* and room again once they left */
    c[0] = open_on(gw_port(1), NULL, err);
    assert_non_null(c[0]);
    sioc_close(c[0]);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_packet_over_max_payload_closes_the_socket),
        cmocka_unit_test(test_invalid_utf8_closes_the_socket),
        cmocka_unit_test(test_malformed_packet_closes_with_a_reason),
        cmocka_unit_test(test_session_without_connect_times_out),
        cmocka_unit_test(test_unknown_sid_gets_400),
        cmocka_unit_test(test_wrong_payload_types_get_an_error_ack),
        cmocka_unit_test(test_forged_sender_is_refused),
        cmocka_unit_test(test_bad_expired_none_and_revoked_tokens_are_refused),
        cmocka_unit_test(test_revoked_token_stops_working_on_every_gateway_within_a_second),
        cmocka_unit_test(test_event_rate_limit_refuses_the_excess),
        cmocka_unit_test(test_slow_reader_is_disconnected),
        cmocka_unit_test(test_connection_cap_per_gateway),
    };

    return ITEST_RUN("gateway_limits", tests, &stack, overrides);
}
