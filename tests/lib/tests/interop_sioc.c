/* interop_sioc.c -- sioc against the stock Node socket.io server
 * (tests/lib/node/server.js, socket.io pinned in package.json).
 *
 * tests/lib/run-interop.sh installs the server offline-tolerantly, starts
 * it on a free loopback port and runs this binary with SIOC_TEST_PORT set.
 * Covers both APIs: the blocking one (connect with and without auth,
 * connect errors, emit/receive, acks both ways, server pings, fragments,
 * websocket pings, binary events, ordering, server-side disconnects) and
 * the event-driven loop with many connections. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmn/cmn_proc.h"
#include "sioc.h"

#define WAIT_MS 3000

static int port;

static int
setup(void **state)
{
    const char *p = getenv("SIOC_TEST_PORT");

    (void)state;
    if (p == NULL || (port = atoi(p)) <= 0) {
        fprintf(stderr, "SIOC_TEST_PORT is not set: run "
                "tests/lib/run-interop.sh\n");
        return -1;
    }
    return 0;
}

/* assert that span s holds exactly the text want */
#define assert_span(s, want) do {                                      \
        struct cmn_json_span s_ = (s);                                 \
        const char *w_ = (want);                                       \
        if (s_.len != strlen(w_) || memcmp(s_.p, w_, s_.len) != 0)     \
            fail_msg("got %.*s, want %s", (int)s_.len,                 \
                     s_.p ? s_.p : "", w_);                            \
    } while (0)

static struct sioc_conn *
open_ok(const char *auth)
{
    char err[CMN_ERR_LEN] = "";
    struct sioc_conn *c = sioc_open_blocking("127.0.0.1", port, auth,
                                             WAIT_MS, err);

    if (c == NULL)
        fail_msg("open: %s", err);
    return c;
}

static void
wait_ok(struct sioc_conn *c, const char *name, struct sioc_event *ev)
{
    if (sioc_wait_event(c, name, WAIT_MS, ev) != 0)
        fail_msg("no \"%s\" event: %s", name, sioc_conn_error(c));
}

static void
test_connect_without_auth_sends_empty_auth(void **state)
{
    struct sioc_conn *c = open_ok(NULL);
    struct sioc_event ev;
    struct cmn_json_span auth;
    char sid[64];

    (void)state;
    assert_int_equal(sioc_conn_state(c), SIOC_ST_CONNECTED);
    assert_true(strlen(sioc_conn_sid(c)) > 0);
    assert_int_equal(sioc_conn_eio(c)->ping_interval, 300);
    assert_int_equal(sioc_conn_eio(c)->ping_timeout, 400);
    assert_int_equal(sioc_conn_eio(c)->max_payload, 1000000);
    wait_ok(c, "welcome", &ev);
    assert_true(sioc_event_str(&ev, "sid", sid, sizeof sid) > 0);
    assert_string_equal(sid, sioc_conn_sid(c));
    assert_int_equal(cmn_json_get(ev.arg0, "auth", &auth), 1);
    assert_span(auth, "{}");
    sioc_event_cleanup(&ev);
    sioc_close(c);
}

static void
test_connect_passes_the_auth_payload(void **state)
{
    struct sioc_conn *c = open_ok("{\"token\":\"abc.def\",\"n\":1}");
    struct sioc_event ev;
    struct cmn_json_span auth;

    (void)state;
    wait_ok(c, "welcome", &ev);
    assert_int_equal(cmn_json_get(ev.arg0, "auth", &auth), 1);
    assert_span(auth, "{\"token\":\"abc.def\",\"n\":1}");
    sioc_event_cleanup(&ev);
    sioc_close(c);
}

static void
test_connect_error_carries_the_message(void **state)
{
    char err[CMN_ERR_LEN] = "";
    struct sioc_conn *c = sioc_open_blocking("127.0.0.1", port,
                                             "{\"token\":\"bad\"}", WAIT_MS,
                                             err);

    (void)state;
    assert_null(c);
    assert_non_null(strstr(err, "connect error"));
    assert_non_null(strstr(err, "bad token"));
}

static void
test_emit_and_receive_keep_the_bytes(void **state)
{
    struct sioc_conn *c = open_ok("{}");
    struct sioc_event ev;
    struct cmn_json_span a;
    char err[CMN_ERR_LEN] = "";
    const char *obj = "{\"s\":\"h\\u00e9llo \xe2\x82\xac\",\"n\":[1,2.5,"
                      "null,true],\"o\":{}}";

    (void)state;
    assert_int_equal(sioc_emit(c, "echo", obj, err), 0);
    wait_ok(c, "echo", &ev);
    assert_string_equal(ev.name, "echo");
    assert_int_equal(ev.argc, 1);
    assert_int_equal(ev.id, -1);
    /* JSON.stringify writes the escaped e-acute as the character itself */
    assert_span(ev.arg0, "{\"s\":\"h\xc3\xa9llo \xe2\x82\xac\",\"n\":[1,2.5,"
                         "null,true],\"o\":{}}");
    sioc_event_cleanup(&ev);

    assert_int_equal(sioc_emit_args(c, "echo", "[1, \"two\", {\"three\":3}]",
                                    -1, err), 0);
    wait_ok(c, "echo", &ev);
    assert_int_equal(ev.argc, 3);
    assert_span(ev.args, "[1,\"two\",{\"three\":3}]");
    assert_span(ev.data, "[\"echo\",1,\"two\",{\"three\":3}]");
    assert_int_equal(sioc_event_arg(&ev, 2, &a), 1);
    assert_span(a, "{\"three\":3}");
    sioc_event_cleanup(&ev);

    assert_int_equal(sioc_emit(c, "echo", NULL, err), 0);
    wait_ok(c, "echo", &ev);
    assert_int_equal(ev.argc, 0);
    assert_null(ev.arg0.p);
    assert_span(ev.args, "[]");
    sioc_event_cleanup(&ev);
    sioc_close(c);
}

static void
test_acks_answer_our_emits(void **state)
{
    struct sioc_conn *c = open_ok(NULL);
    struct sioc_event ev;
    char err[CMN_ERR_LEN] = "";
    long id1, id2;

    (void)state;
    assert_int_equal(sioc_call(c, "ack_me", "{\"x\":1}", WAIT_MS, &ev, err),
                     0);
    assert_int_equal(ev.kind, SIOC_ACK);
    assert_span(ev.args, "[{\"x\":1}]");
    assert_span(ev.arg0, "{\"x\":1}");
    sioc_event_cleanup(&ev);

    /* two in flight, taken out of order */
    id1 = sioc_emit_ack(c, "ack_me", "\"first\"", err);
    id2 = sioc_next_ack_id(c);
    assert_int_equal(sioc_emit_args(c, "ack_me", "[\"second\",2]", id2, err),
                     0);
    assert_true(id1 >= 0 && id2 == id1 + 1);
    assert_int_equal(sioc_wait_ack(c, id2, WAIT_MS, &ev), 0);
    assert_int_equal(ev.id, id2);
    assert_span(ev.args, "[\"second\",2]");
    sioc_event_cleanup(&ev);
    assert_int_equal(sioc_wait_ack(c, id1, WAIT_MS, &ev), 0);
    assert_span(ev.args, "[\"first\"]");
    sioc_event_cleanup(&ev);
    sioc_close(c);
}

static void
test_server_ack_requests_can_be_answered(void **state)
{
    struct sioc_conn *c = open_ok(NULL);
    struct sioc_event ev;
    char err[CMN_ERR_LEN] = "";

    (void)state;
    assert_int_equal(sioc_emit(c, "ask_ack", "{\"q\":1}", err), 0);
    wait_ok(c, "please_ack", &ev);
    assert_true(ev.id >= 0);
    assert_span(ev.arg0, "{\"q\":1}");
    assert_int_equal(sioc_ack(c, ev.id, "[\"yes\", 2]", err), 0);
    sioc_event_cleanup(&ev);
    wait_ok(c, "client_acked", &ev);
    assert_span(ev.arg0, "[\"yes\",2]");
    sioc_event_cleanup(&ev);
    sioc_close(c);
}

static void
test_server_pings_are_answered(void **state)
{
    struct sioc_conn *c = open_ok(NULL);
    struct sioc_event ev;
    char err[CMN_ERR_LEN] = "";
    char num[32];
    long pongs;

    (void)state;
    /* pingInterval 300 + pingTimeout 400: silence would kill us by now */
    assert_int_equal(sioc_expect_no_event(c, "nothing", 1500), 0);
    assert_int_equal(sioc_conn_state(c), SIOC_ST_CONNECTED);
    assert_true(sioc_conn_stats(c)->eio_pings >= 3);
    assert_int_equal(sioc_call(c, "pong_count", NULL, WAIT_MS, &ev, err), 0);
    {
        struct cmn_json_span v;

        assert_int_equal(cmn_json_get(ev.arg0, "pongs", &v), 1);
        snprintf(num, sizeof num, "%.*s", (int)v.len, v.p);
        pongs = atol(num);
    }
    assert_true(pongs >= 3);
    sioc_event_cleanup(&ev);
    sioc_close(c);
}

static void
test_fragmented_messages_are_reassembled(void **state)
{
    struct sioc_conn *c = open_ok(NULL);
    struct sioc_event ev;
    char err[CMN_ERR_LEN] = "";
    char text[64];

    (void)state;
    assert_int_equal(sioc_emit(c, "fragment", NULL, err), 0);
    wait_ok(c, "frag", &ev);
    assert_true(sioc_event_str(&ev, "text", text, sizeof text) > 0);
    assert_string_equal(text, "h\xc3\xa9llo w\xc3\xb6rld");
    sioc_event_cleanup(&ev);
    assert_true(sioc_conn_stats(c)->frames_in >= 3);
    sioc_close(c);
}

static void
test_websocket_pings_get_pongs(void **state)
{
    struct sioc_conn *c = open_ok(NULL);
    struct sioc_event ev;
    char err[CMN_ERR_LEN] = "";
    char data[16];

    (void)state;
    assert_int_equal(sioc_emit(c, "ws_ping", NULL, err), 0);
    wait_ok(c, "ws_pong", &ev);
    assert_true(sioc_event_str(&ev, "data", data, sizeof data) > 0);
    assert_string_equal(data, "hi");
    assert_int_equal(sioc_conn_stats(c)->ws_pings, 1);
    sioc_event_cleanup(&ev);
    sioc_close(c);
}

static void
test_binary_events_skip_their_attachments(void **state)
{
    struct sioc_conn *c = open_ok(NULL);
    struct sioc_event ev;
    char err[CMN_ERR_LEN] = "";

    (void)state;
    assert_int_equal(sioc_emit(c, "binary", NULL, err), 0);
    wait_ok(c, "bin", &ev);
    assert_int_equal(ev.attachments, 1);
    assert_span(ev.arg0, "{\"file\":{\"_placeholder\":true,\"num\":0}}");
    sioc_event_cleanup(&ev);
    wait_ok(c, "after_bin", &ev);
    assert_span(ev.arg0, "{\"ok\":true}");
    sioc_event_cleanup(&ev);
    sioc_close(c);
}

static void
test_events_wait_in_order_while_another_is_awaited(void **state)
{
    struct sioc_conn *c = open_ok(NULL);
    struct sioc_event ev;
    char err[CMN_ERR_LEN] = "";
    char want[32];

    (void)state;
    wait_ok(c, "welcome", &ev);
    sioc_event_cleanup(&ev);
    assert_int_equal(sioc_emit(c, "burst", "200", err), 0);
    /* the last one first: the 200 before it stay queued */
    wait_ok(c, "burst_done", &ev);
    sioc_event_cleanup(&ev);
    assert_int_equal(sioc_pending(c), 200);
    for (int i = 0; i < 200; i++) {
        wait_ok(c, "burst_item", &ev);
        snprintf(want, sizeof want, "{\"i\":%d}", i);
        assert_span(ev.arg0, want);
        sioc_event_cleanup(&ev);
    }
    assert_int_equal(sioc_pending(c), 0);
    sioc_close(c);
}

static void
test_large_messages_both_ways(void **state)
{
    struct sioc_conn *c = open_ok(NULL);
    struct sioc_event ev;
    char err[CMN_ERR_LEN] = "";
    size_t sizes[] = {100, 1000, 70000, 300000};

    (void)state;
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k];
        char *s = malloc(n + 3);

        assert_non_null(s);
        s[0] = '"';
        memset(s + 1, 'y', n);
        s[n + 1] = '"';
        s[n + 2] = '\0';
        assert_int_equal(sioc_emit(c, "echo", s, err), 0);
        wait_ok(c, "echo", &ev);
        assert_int_equal(ev.arg0.len, n + 2);
        assert_memory_equal(ev.arg0.p, s, n + 2);
        sioc_event_cleanup(&ev);
        free(s);
    }
    assert_int_equal(sioc_emit(c, "big", "200000", err), 0);
    wait_ok(c, "big", &ev);
    assert_int_equal(ev.arg0.len, 200000 + strlen("{\"s\":\"\"}"));
    sioc_event_cleanup(&ev);
    sioc_close(c);
}

static void
test_emit_over_max_payload_is_refused_locally(void **state)
{
    struct sioc_conn *c = open_ok(NULL);
    char err[CMN_ERR_LEN] = "";
    char *s = malloc(1000010);

    (void)state;
    assert_non_null(s);
    s[0] = '"';
    memset(s + 1, 'z', 1000005);
    s[1000006] = '"';
    s[1000007] = '\0';
    assert_int_equal(sioc_emit(c, "echo", s, err), -1);
    assert_non_null(strstr(err, "maxPayload"));
    assert_int_equal(sioc_emit(c, "connect", NULL, err), -1);
    assert_non_null(strstr(err, "reserved"));
    assert_int_equal(sioc_emit(c, "echo", "{bad json", err), -1);
    free(s);
    assert_int_equal(sioc_conn_state(c), SIOC_ST_CONNECTED);
    sioc_close(c);
}

static void
test_server_disconnect_closes_the_connection(void **state)
{
    struct sioc_conn *c = open_ok(NULL);
    struct sioc_event ev;
    char err[CMN_ERR_LEN] = "";

    (void)state;
    assert_int_equal(sioc_emit(c, "disconnect_me", NULL, err), 0);
    assert_int_equal(sioc_wait_closed(c, WAIT_MS), 0);
    assert_int_equal(sioc_conn_close_reason(c), SIOC_CLOSE_SIO_DISCONNECT);
    /* what came before the close can still be read */
    assert_int_equal(sioc_wait_event(c, "bye", 0, &ev), 0);
    sioc_event_cleanup(&ev);
    assert_int_equal(sioc_wait_event(c, "bye", 100, &ev), -1);
    assert_int_equal(sioc_emit(c, "echo", NULL, err), -1);
    sioc_close(c);
}

static void
test_server_websocket_close_is_reported(void **state)
{
    struct sioc_conn *c = open_ok(NULL);
    char err[CMN_ERR_LEN] = "";

    (void)state;
    assert_int_equal(sioc_emit(c, "close_ws", NULL, err), 0);
    assert_int_equal(sioc_wait_closed(c, WAIT_MS), 0);
    assert_int_equal(sioc_conn_close_reason(c), SIOC_CLOSE_WS_CLOSE);
    assert_non_null(strstr(sioc_conn_error(c), "code 4001 go away"));
    sioc_close(c);
}

static void
test_waiting_on_one_serves_the_others(void **state)
{
    struct sioc_conn *a = open_ok(NULL), *b = open_ok(NULL);
    struct sioc_event ev;
    char err[CMN_ERR_LEN] = "";
    char sid[64], reason[64];
    unsigned long pings;

    (void)state;
    pings = sioc_conn_stats(b)->eio_pings;
    assert_int_equal(sioc_emit(a, "echo", "1", err), 0);
    assert_int_equal(sioc_expect_no_event(a, "never", 1000), 0);
    assert_int_equal(sioc_expect_no_event(a, "echo", 1000), 1);
    /* b was served while we waited on a */
    assert_int_equal(sioc_conn_state(b), SIOC_ST_CONNECTED);
    assert_true(sioc_conn_stats(b)->eio_pings >= pings + 2);
    /* a client disconnect is seen by the server as such */
    snprintf(sid, sizeof sid, "%s", sioc_conn_sid(b));
    sioc_close(b);
    wait_ok(a, "peer_left", &ev);
    assert_true(sioc_event_str(&ev, "sid", sid, sizeof sid) > 0);
    assert_true(sioc_event_str(&ev, "reason", reason, sizeof reason) > 0);
    assert_string_equal(reason, "client namespace disconnect");
    sioc_event_cleanup(&ev);
    sioc_close(a);
}

/* ---- the event-driven API: many sessions on one loop ---- */

#define NSESS 50

struct sess {
    struct sioc_conn *c;
    struct sioc_timer t;        /* heartbeat-like timer per session */
    int ticks;
    int acks;
    int closed;
    long ack_id;
};

struct run {
    struct sess s[NSESS];
    int connected, acked, closed, opened;
    enum sioc_close_reason last_reason;
};

static struct run *g_run;

static void
on_open(struct sioc_conn *c, const struct sioc_eio_open *o, void *user)
{
    (void)c;
    (void)user;
    if (o->ping_interval == 300)
        g_run->opened++;
}

static void
on_tick(struct sioc_loop *l, struct sioc_timer *t, void *arg)
{
    struct sess *s = arg;
    char err[CMN_ERR_LEN];

    (void)t;
    if (++s->ticks < 3) {
        sioc_timer_start(l, &s->t, 20);
        return;
    }
    s->ack_id = sioc_emit_ack(s->c, "ack_me", "{\"tick\":3}", err);
    assert_true(s->ack_id >= 0);
}

static void
on_connect(struct sioc_conn *c, const char *sid, void *user)
{
    struct sess *s = user;

    assert_ptr_equal(s->c, c);
    assert_true(strlen(sid) > 0);
    g_run->connected++;
    sioc_timer_start(sioc_conn_loop(c), &s->t, 10);
}

static void
on_ack(struct sioc_conn *c, const struct sioc_event *ev, void *user)
{
    struct sess *s = user;

    assert_int_equal(ev->id, s->ack_id);
    assert_span(ev->arg0, "{\"tick\":3}");
    s->acks++;
    g_run->acked++;
    sioc_disconnect(c);
}

static void
on_close(struct sioc_conn *c, enum sioc_close_reason why, const char *detail,
         void *user)
{
    struct sess *s = user;

    (void)detail;
    s->closed++;
    g_run->closed++;
    g_run->last_reason = why;
    /* freeing from inside a callback is allowed */
    sioc_conn_free(c);
    s->c = NULL;
}

static const struct sioc_callbacks run_cb = {
    .on_open = on_open,
    .on_connect = on_connect,
    .on_ack = on_ack,
    .on_close = on_close,
};

static void
test_loop_drives_many_sessions(void **state)
{
    char err[CMN_ERR_LEN] = "";
    struct sioc_loop *l = sioc_loop_new(err);
    struct run *r = calloc(1, sizeof *r);
    long long deadline;

    (void)state;
    assert_non_null(l);
    assert_non_null(r);
    g_run = r;
    for (int i = 0; i < NSESS; i++) {
        char src[32];
        struct sioc_opts o = {
            .host = "127.0.0.1",
            .port = port,
            .auth_json = "{\"token\":\"t\"}",
        };

        /* spread over source addresses, as the load generator will */
        snprintf(src, sizeof src, "127.0.0.%d", 1 + i % 4);
        o.bind_addr = src;
        sioc_timer_init(&r->s[i].t, on_tick, &r->s[i]);
        r->s[i].c = sioc_conn_new(l, &o, &run_cb, &r->s[i], err);
        if (r->s[i].c == NULL)
            fail_msg("conn %d: %s", i, err);
    }
    assert_int_equal(sioc_loop_conns(l), NSESS);
    deadline = cmn_mono_ms() + 10000;
    while (r->closed < NSESS && cmn_mono_ms() < deadline)
        assert_true(sioc_loop_run_once(l, 100) >= 0);
    assert_int_equal(r->opened, NSESS);
    assert_int_equal(r->connected, NSESS);
    assert_int_equal(r->acked, NSESS);
    assert_int_equal(r->closed, NSESS);
    assert_int_equal(r->last_reason, SIOC_CLOSE_LOCAL);
    for (int i = 0; i < NSESS; i++) {
        assert_int_equal(r->s[i].ticks, 3);
        assert_int_equal(r->s[i].closed, 1);
        assert_null(r->s[i].c);
    }
    assert_int_equal(sioc_loop_conns(l), 0);
    /* nothing left to do: run() returns at once */
    assert_int_equal(sioc_loop_run(l), 0);
    sioc_loop_free(l);
    free(r);
    g_run = NULL;
}

static void
test_refused_port_is_reported(void **state)
{
    char err[CMN_ERR_LEN] = "";
    struct sioc_conn *c;

    (void)state;
    /* port 1 on loopback: nobody listens there */
    c = sioc_open_blocking("127.0.0.1", 1, NULL, WAIT_MS, err);
    assert_null(c);
    assert_non_null(strstr(err, "refused"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connect_without_auth_sends_empty_auth),
        cmocka_unit_test(test_connect_passes_the_auth_payload),
        cmocka_unit_test(test_connect_error_carries_the_message),
        cmocka_unit_test(test_emit_and_receive_keep_the_bytes),
        cmocka_unit_test(test_acks_answer_our_emits),
        cmocka_unit_test(test_server_ack_requests_can_be_answered),
        cmocka_unit_test(test_server_pings_are_answered),
        cmocka_unit_test(test_fragmented_messages_are_reassembled),
        cmocka_unit_test(test_websocket_pings_get_pongs),
        cmocka_unit_test(test_binary_events_skip_their_attachments),
        cmocka_unit_test(test_events_wait_in_order_while_another_is_awaited),
        cmocka_unit_test(test_large_messages_both_ways),
        cmocka_unit_test(test_emit_over_max_payload_is_refused_locally),
        cmocka_unit_test(test_server_disconnect_closes_the_connection),
        cmocka_unit_test(test_server_websocket_close_is_reported),
        cmocka_unit_test(test_waiting_on_one_serves_the_others),
        cmocka_unit_test(test_loop_drives_many_sessions),
        cmocka_unit_test(test_refused_port_is_reported),
    };

    return cmocka_run_group_tests_name("sioc interop (node socket.io)",
                                       tests, setup, NULL);
}
