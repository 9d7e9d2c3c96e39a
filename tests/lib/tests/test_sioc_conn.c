/* test_sioc_conn.c -- the event-driven connection against a scripted
 * server (sioc_fake_server.c): the open sequence and what the request
 * says, events and acks both ways, input split anyhow (coalesced, byte by
 * byte, fragmented with control frames in between), Engine.IO pings and
 * the ping deadline, every way a connection ends and the close code it
 * sends, bounds, dropped packets, and freeing from inside callbacks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "cmn/cmn_proc.h"
#include "sioc_conn.h"
#include "sioc_fake_server.h"
#include "sioc_ws_frame.h"
#include "sioc_ws_handshake.h"

/* ---- what the callbacks saw ---- */

struct rec {
    struct sioc_conn *c;
    int opened, connected, closed;
    long ping_interval;
    char sid[64];
    enum sioc_close_reason why;
    char detail[256];
    int nev, nack;
    char ev_name[16][64];
    char ev_args[16][512];
    long ev_id[16];
    long attachments[16];
    long ack_id[16];
    char ack_args[16][512];
    struct sioc_conn *free_on_event[2];   /* freed by on_event */
};

static void
on_open(struct sioc_conn *c, const struct sioc_eio_open *o, void *user)
{
    struct rec *r = user;

    (void)c;
    r->opened++;
    r->ping_interval = o->ping_interval;
}

static void
on_connect(struct sioc_conn *c, const char *sid, void *user)
{
    struct rec *r = user;

    (void)c;
    r->connected++;
    snprintf(r->sid, sizeof r->sid, "%s", sid);
}

static void
on_event(struct sioc_conn *c, const struct sioc_event *ev, void *user)
{
    struct rec *r = user;

    (void)c;
    if (r->nev < 16) {
        snprintf(r->ev_name[r->nev], 64, "%.63s", ev->name);
        snprintf(r->ev_args[r->nev], 512, "%.*s", (int)ev->args.len,
                 ev->args.p);
        r->ev_id[r->nev] = ev->id;
        r->attachments[r->nev] = ev->attachments;
    }
    r->nev++;
    for (int i = 0; i < 2; i++)
        if (r->free_on_event[i] != NULL) {
            sioc_conn_free(r->free_on_event[i]);
            r->free_on_event[i] = NULL;
        }
}

static void
on_ack(struct sioc_conn *c, const struct sioc_event *ev, void *user)
{
    struct rec *r = user;

    (void)c;
    if (r->nack < 16) {
        r->ack_id[r->nack] = ev->id;
        snprintf(r->ack_args[r->nack], 512, "%.*s", (int)ev->args.len,
                 ev->args.p);
    }
    r->nack++;
}

static void
on_close(struct sioc_conn *c, enum sioc_close_reason why, const char *detail,
         void *user)
{
    struct rec *r = user;

    (void)c;
    r->closed++;
    r->why = why;
    snprintf(r->detail, sizeof r->detail, "%s", detail);
}

static const struct sioc_callbacks cbs = {
    on_open, on_connect, on_event, on_ack, on_close
};

/* ---- helpers ---- */

static struct sioc_loop *
loop_new(void)
{
    char err[CMN_ERR_LEN] = "";
    struct sioc_loop *l = sioc_loop_new(err);

    if (l == NULL)
        fail_msg("%s", err);
    return l;
}

static struct sioc_conn *
conn_new(struct sioc_loop *l, struct sioc_opts *o, struct fake *f,
         struct rec *r)
{
    char err[CMN_ERR_LEN] = "";

    memset(r, 0, sizeof *r);
    o->host = "127.0.0.1";
    o->port = f->port;
    r->c = sioc_conn_new(l, o, &cbs, r, err);
    if (r->c == NULL)
        fail_msg("conn: %s", err);
    return r->c;
}

/* Run the loop until *counter >= want (or fail after 3 s). */
static void
run_until(struct sioc_loop *l, const int *counter, int want)
{
    long long deadline = cmn_mono_ms() + FAKE_MS;

    while (*counter < want) {
        if (cmn_mono_ms() > deadline)
            fail_msg("timed out waiting (%d of %d)", *counter, want);
        assert_true(sioc_loop_run_once(l, 50) >= 0);
    }
}

static void
run_for(struct sioc_loop *l, int ms)
{
    long long deadline = cmn_mono_ms() + ms;

    while (cmn_mono_ms() < deadline)
        sioc_loop_run_once(l, 10);
}

static void
joined_ok(struct fake *f)
{
    const char *why = fake_join(f);

    if (why != NULL)
        fail_msg("server script: %s", why);
}

/* ---- the whole conversation ---- */

static void
script_conversation(struct fake *f)
{
    char buf[256];
    int op;

    if (fake_accept(f) != 0 || fake_upgrade(f) != 0 ||
        fake_open(f, 25000, 20000) != 0 ||
        fake_expect(f, "40{\"token\":\"T\"}") != 0 ||
        fake_text(f, "40{\"sid\":\"S1\"}") != 0 ||
        fake_text(f, "42[\"hello\",{\"a\": 1},2]") != 0 ||
        fake_text(f, "4213[\"needs_ack\",{}]") != 0 ||
        fake_expect(f, "420[\"ping_me\",{\"x\":1}]") != 0 ||
        fake_text(f, "430[\"pong\",true]") != 0 ||
        fake_expect(f, "4313[1,\"ok\"]") != 0 ||
        fake_expect(f, "42[\"plain\"]") != 0 ||
        fake_expect(f, "41") != 0)
        return;
    if (fake_recv(f, &op, buf, sizeof buf) != 2 || op != SIOC_WS_CLOSE ||
        (unsigned char)buf[0] != 0x03 || (unsigned char)buf[1] != 0xe8) {
        fake_fail(f, "no close frame 1000 after 41");
        return;
    }
    fake_frame(f, SIOC_WS_CLOSE, 1, buf, 2, 0);
    fake_wait_eof(f);
}

static void
test_conversation_from_connect_to_disconnect(void **state)
{
    struct sioc_loop *l = loop_new();
    struct sioc_opts o = {.auth_json = "{\"token\":\"T\"}"};
    struct fake f;
    struct rec r;
    char err[CMN_ERR_LEN] = "";

    (void)state;
    assert_int_equal(fake_start(&f, script_conversation, NULL), 0);
    conn_new(l, &o, &f, &r);
    assert_int_equal(sioc_conn_state(r.c), SIOC_ST_TCP);
    assert_int_equal(sioc_conn_stats(r.c)->connect_ms, -1);
    assert_int_equal(sioc_emit(r.c, "early", NULL, err), -1);
    assert_non_null(strstr(err, "not connected"));
    run_until(l, &r.connected, 1);
    assert_int_equal(r.opened, 1);
    assert_int_equal(r.ping_interval, 25000);
    assert_string_equal(r.sid, "S1");
    assert_true(sioc_conn_stats(r.c)->connect_ms >= 0);
    assert_string_equal(sioc_conn_sid(r.c), "S1");
    assert_string_equal(sioc_conn_eio(r.c)->sid, "EIO1");
    assert_int_equal(sioc_emit_ack(r.c, "ping_me", "{\"x\":1}", err), 0);
    run_until(l, &r.nack, 1);
    assert_int_equal(r.nev, 2);
    assert_string_equal(r.ev_name[0], "hello");
    assert_string_equal(r.ev_args[0], "[{\"a\": 1},2]");
    assert_int_equal(r.ev_id[0], -1);
    assert_string_equal(r.ev_name[1], "needs_ack");
    assert_int_equal(r.ev_id[1], 13);
    assert_int_equal(r.ack_id[0], 0);
    assert_string_equal(r.ack_args[0], "[\"pong\",true]");
    assert_int_equal(sioc_ack(r.c, 13, "[1,\"ok\"]", err), 0);
    assert_int_equal(sioc_emit(r.c, "plain", NULL, err), 0);
    sioc_disconnect(r.c);
    assert_int_equal(sioc_conn_state(r.c), SIOC_ST_CLOSING);
    assert_int_equal(r.closed, 0);          /* never inside an API call */
    assert_int_equal(sioc_emit(r.c, "late", NULL, err), -1);
    run_until(l, &r.closed, 1);
    assert_int_equal(r.why, SIOC_CLOSE_LOCAL);
    assert_int_equal(sioc_conn_close_reason(r.c), SIOC_CLOSE_LOCAL);
    assert_int_equal(sioc_conn_state(r.c), SIOC_ST_CLOSED);
    joined_ok(&f);
    assert_int_equal(sioc_conn_stats(r.c)->events_in, 2);
    assert_int_equal(sioc_conn_stats(r.c)->acks_in, 1);
    sioc_loop_free(l);                      /* frees the closed conn */
}

/* ---- the request ---- */

static void
script_record_request(struct fake *f)
{
    struct sockaddr_in peer;
    socklen_t len = sizeof peer;
    char *who = f->arg;

    if (fake_accept(f) != 0 || fake_read_request(f) != 0)
        return;
    getpeername(f->fd, (struct sockaddr *)&peer, &len);
    inet_ntop(AF_INET, &peer.sin_addr, who, 32);
    close(f->fd);
    f->fd = -1;
}

static void
test_request_uses_path_query_and_source_address(void **state)
{
    struct sioc_loop *l = loop_new();
    struct sioc_opts o = {.path = "/custom/?v=1", .bind_addr = "127.0.0.2"};
    struct fake f;
    struct rec r;
    char who[32] = "";

    (void)state;
    assert_int_equal(fake_start(&f, script_record_request, who), 0);
    conn_new(l, &o, &f, &r);
    run_until(l, &r.closed, 1);
    joined_ok(&f);
    assert_non_null(strstr(f.request, "GET /custom/?v=1&EIO=4&transport="
                                      "websocket HTTP/1.1\r\n"));
    assert_non_null(strstr(f.request, "Upgrade: websocket\r\n"));
    assert_non_null(strstr(f.request, "Sec-WebSocket-Version: 13\r\n"));
    assert_string_equal(who, "127.0.0.2");
    assert_int_equal(r.why, SIOC_CLOSE_EOF);
    sioc_loop_free(l);
}

static void
script_refuse(struct fake *f)
{
    const char *no = "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n";

    if (fake_accept(f) == 0 && fake_read_request(f) == 0 &&
        fake_write(f, no, strlen(no)) == 0)
        fake_wait_eof(f);
}

static void
test_refused_upgrade_is_reported(void **state)
{
    struct sioc_loop *l = loop_new();
    struct sioc_opts o = {0};
    struct fake f;
    struct rec r;

    (void)state;
    assert_int_equal(fake_start(&f, script_refuse, NULL), 0);
    conn_new(l, &o, &f, &r);
    run_until(l, &r.closed, 1);
    assert_int_equal(r.why, SIOC_CLOSE_UPGRADE_FAILED);
    assert_non_null(strstr(r.detail, "403 Forbidden"));
    assert_int_equal(r.opened, 0);
    joined_ok(&f);
    sioc_loop_free(l);
}

/* ---- input however it is cut ---- */

static void
frame(struct cmn_buf *b, int opcode, int fin, const char *s)
{
    sioc_ws_frame_encode(b, opcode, fin, s, strlen(s), NULL);
}

static void
script_split_input(struct fake *f)
{
    int byte_by_byte = *(int *)f->arg;
    struct cmn_buf b;
    char key[64], accept[SIOC_WS_ACCEPT_SIZE], buf[64];
    const char *k;
    int op;

    cmn_buf_init(&b);
    if (fake_accept(f) != 0 || fake_read_request(f) != 0)
        return;
    k = strstr(f->request, "Sec-WebSocket-Key: ");
    sscanf(k + 19, "%63[^\r]", key);
    sioc_ws_accept_for(key, accept);
    cmn_buf_printf(&b, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: "
                   "websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept:"
                   " %s\r\n\r\n", accept);
    /* everything the server will say, in one stream */
    frame(&b, SIOC_WS_TEXT, 1, "0{\"sid\":\"E\",\"pingInterval\":25000,"
          "\"pingTimeout\":5000}");
    frame(&b, SIOC_WS_TEXT, 1, "40{\"sid\":\"S\"}");
    frame(&b, SIOC_WS_TEXT, 0, "42[\"fr");
    frame(&b, SIOC_WS_PING, 1, "p!");
    frame(&b, SIOC_WS_CONT, 0, "ag\",\"\xc3");   /* splits a character */
    frame(&b, SIOC_WS_CONT, 1, "\xa9\"]");
    frame(&b, SIOC_WS_TEXT, 1, "42[\"after\"]");
    if (byte_by_byte) {
        for (size_t i = 0; i < b.len; i++) {
            if (fake_write(f, b.p + i, 1) != 0)
                break;
            usleep(100);
        }
    } else {
        fake_write(f, b.p, b.len);
    }
    cmn_buf_free(&b);
    if (fake_expect(f, "40") != 0)
        return;
    if (fake_recv(f, &op, buf, sizeof buf) != 2 || op != SIOC_WS_PONG ||
        strcmp(buf, "p!") != 0) {
        fake_fail(f, "no pong \"p!\"");
        return;
    }
    fake_wait_eof(f);
}

static void
split_input(int byte_by_byte)
{
    struct sioc_loop *l = loop_new();
    struct sioc_opts o = {0};
    struct fake f;
    struct rec r;

    assert_int_equal(fake_start(&f, script_split_input, &byte_by_byte), 0);
    conn_new(l, &o, &f, &r);
    run_until(l, &r.nev, 2);
    assert_string_equal(r.sid, "S");
    assert_string_equal(r.ev_name[0], "frag");
    assert_string_equal(r.ev_args[0], "[\"\xc3\xa9\"]");
    assert_string_equal(r.ev_name[1], "after");
    assert_int_equal(sioc_conn_stats(r.c)->ws_pings, 1);
    sioc_disconnect(r.c);
    run_until(l, &r.closed, 1);
    joined_ok(&f);
    sioc_loop_free(l);
}

static void
test_coalesced_input_is_split_into_packets(void **state)
{
    (void)state;
    split_input(0);
}

static void
test_input_byte_by_byte_is_reassembled(void **state)
{
    (void)state;
    split_input(1);
}

/* ---- pings ---- */

static void
script_pings(struct fake *f)
{
    if (fake_connect(f, 50, 1000) == 0 && fake_text(f, "2") == 0 &&
        fake_expect(f, "3") == 0 && fake_text(f, "2probe") == 0 &&
        fake_expect(f, "3probe") == 0 && fake_text(f, "42[\"done\"]") == 0)
        fake_wait_eof(f);
}

static void
test_engineio_pings_get_pongs(void **state)
{
    struct sioc_loop *l = loop_new();
    struct sioc_opts o = {0};
    struct fake f;
    struct rec r;

    (void)state;
    assert_int_equal(fake_start(&f, script_pings, NULL), 0);
    conn_new(l, &o, &f, &r);
    run_until(l, &r.nev, 1);
    assert_int_equal(sioc_conn_stats(r.c)->eio_pings, 2);
    sioc_conn_free(r.c);                    /* no on_close for a free */
    joined_ok(&f);
    assert_int_equal(r.closed, 0);
    assert_int_equal(sioc_loop_conns(l), 0);
    sioc_loop_free(l);
}

static void
script_silent(struct fake *f)
{
    if (fake_connect(f, 100, 100) == 0)
        fake_wait_eof(f);
}

static void
test_missing_server_ping_closes_after_interval_plus_timeout(void **state)
{
    struct sioc_loop *l = loop_new();
    struct sioc_opts o = {0};
    struct fake f;
    struct rec r;
    long long t0;

    (void)state;
    assert_int_equal(fake_start(&f, script_silent, NULL), 0);
    conn_new(l, &o, &f, &r);
    run_until(l, &r.connected, 1);
    t0 = cmn_mono_ms();
    run_until(l, &r.closed, 1);
    assert_int_equal(r.why, SIOC_CLOSE_PING_TIMEOUT);
    assert_true(cmn_mono_ms() - t0 >= 150);
    assert_non_null(strstr(r.detail, "200 ms"));
    joined_ok(&f);
    sioc_loop_free(l);
}

static void
test_ping_check_can_be_turned_off(void **state)
{
    struct sioc_loop *l = loop_new();
    struct sioc_opts o = {.no_ping_check = 1};
    struct fake f;
    struct rec r;

    (void)state;
    assert_int_equal(fake_start(&f, script_silent, NULL), 0);
    conn_new(l, &o, &f, &r);
    run_until(l, &r.connected, 1);
    run_for(l, 400);
    assert_int_equal(r.closed, 0);
    assert_int_equal(sioc_conn_state(r.c), SIOC_ST_CONNECTED);
    sioc_conn_free(r.c);
    joined_ok(&f);
    sioc_loop_free(l);
}

static void
script_mute(struct fake *f)
{
    if (fake_accept(f) == 0 && fake_read_request(f) == 0)
        fake_wait_eof(f);
}

static void
script_accept_only(struct fake *f)
{
    if (fake_accept(f) == 0)
        fake_wait_eof(f);
}

static void
test_open_timeout(void **state)
{
    struct sioc_loop *l = loop_new();
    struct sioc_opts o = {.open_timeout_ms = 200};
    struct fake f;
    struct rec r;

    (void)state;
    assert_int_equal(fake_start(&f, script_mute, NULL), 0);
    conn_new(l, &o, &f, &r);
    run_until(l, &r.closed, 1);
    assert_int_equal(r.why, SIOC_CLOSE_OPEN_TIMEOUT);
    assert_non_null(strstr(r.detail, "websocket upgrade"));
    joined_ok(&f);
    sioc_loop_free(l);
}

/* ---- endings: what the server does, what we answer ---- */

struct ending {
    const char *name;
    int opcode;              /* frame the server sends */
    int fin;
    int mask;
    const char *payload;
    size_t len;              /* 0: strlen(payload) */
    int fragments;           /* send the payload this many times, CONT'd */
    size_t max_message;
    enum sioc_close_reason why;
    int code;                /* close code we must send, 0: none checked */
    const char *detail;
};

static const struct ending endings[] = {
    {"server close frame", SIOC_WS_CLOSE, 1, 0, "\x03\xe9" "bye", 5, 1, 0,
     SIOC_CLOSE_WS_CLOSE, 1001, "code 1001 bye"},
    {"masked frame", SIOC_WS_TEXT, 1, 1, "42[\"x\"]", 0, 1, 0,
     SIOC_CLOSE_PROTOCOL, 1002, "masked"},
    {"invalid utf-8", SIOC_WS_TEXT, 1, 0, "42[\"\xff\"]", 0, 1, 0,
     SIOC_CLOSE_PROTOCOL, 1007, "UTF-8"},
    {"message too big", SIOC_WS_TEXT, 1, 0, NULL, 2000, 1, 1000,
     SIOC_CLOSE_TOO_BIG, 1009, "exceeds the limit"},
    {"fragments too big", SIOC_WS_TEXT, 0, 0, NULL, 600, 3, 1000,
     SIOC_CLOSE_TOO_BIG, 1009, "size limit"},
    {"lone continuation", SIOC_WS_CONT, 1, 0, "x", 0, 1, 0,
     SIOC_CLOSE_PROTOCOL, 1002, "continuation"},
    {"unknown engine.io type", SIOC_WS_TEXT, 1, 0, "9", 0, 1, 0,
     SIOC_CLOSE_PROTOCOL, 1002, "engine.io packet"},
    {"bad socket.io packet", SIOC_WS_TEXT, 1, 0, "42{\"a\":1}", 0, 1, 0,
     SIOC_CLOSE_PROTOCOL, 1002, "invalid payload"},
    {"second open", SIOC_WS_TEXT, 1, 0, "0{}", 0, 1, 0,
     SIOC_CLOSE_PROTOCOL, 1002, "second engine.io open"},
    {"reserved opcode", 3, 1, 0, "", 0, 1, 0,
     SIOC_CLOSE_PROTOCOL, 1002, "reserved opcode"},
    {"engine.io close", SIOC_WS_TEXT, 1, 0, "1", 0, 1, 0,
     SIOC_CLOSE_EIO_CLOSE, 1000, "engine.io close"},
    {"socket.io disconnect", SIOC_WS_TEXT, 1, 0, "41", 0, 1, 0,
     SIOC_CLOSE_SIO_DISCONNECT, 1000, "disconnected"},
};

static void
script_ending(struct fake *f)
{
    const struct ending *e = f->arg;
    char big[2000], buf[256];
    const char *p = e->payload;
    size_t len = e->len ? e->len : strlen(e->payload);
    int op;
    long n;

    if (p == NULL) {
        memset(big, 'a', sizeof big);
        big[0] = '4';
        p = big;
    }
    if (fake_connect(f, 25000, 20000) != 0)
        return;
    for (int i = 0; i < e->fragments; i++)
        if (fake_frame(f, i == 0 ? e->opcode : SIOC_WS_CONT,
                       e->fin || i == e->fragments - 1, p, len, e->mask) != 0)
            return;
    do {
        n = fake_recv(f, &op, buf, sizeof buf);
    } while (n >= 0 && op != SIOC_WS_CLOSE);
    if (n < 2 || ((unsigned char)buf[0] << 8 | (unsigned char)buf[1]) !=
        e->code)
        fake_fail(f, "%s: no close frame with code %d", e->name, e->code);
    fake_wait_eof(f);
}

static void
test_each_ending_is_reported_and_answered(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof endings / sizeof endings[0]; i++) {
        const struct ending *e = &endings[i];
        struct sioc_loop *l = loop_new();
        struct sioc_opts o = {.max_message = e->max_message};
        struct fake f;
        struct rec r;
        const char *why;

        assert_int_equal(fake_start(&f, script_ending, (void *)e), 0);
        conn_new(l, &o, &f, &r);
        run_until(l, &r.closed, 1);
        why = fake_join(&f);
        if (why != NULL)
            fail_msg("%s: server script: %s", e->name, why);
        if (r.why != e->why || strstr(r.detail, e->detail) == NULL)
            fail_msg("%s: closed as %s (\"%s\")", e->name,
                     sioc_close_reason_str(r.why), r.detail);
        assert_int_equal(r.nev, 0);
        sioc_loop_free(l);
    }
}

static void
script_connect_error(struct fake *f)
{
    if (fake_accept(f) == 0 && fake_upgrade(f) == 0 &&
        fake_open(f, 25000, 20000) == 0 && fake_expect(f, "40") == 0 &&
        fake_text(f, f->arg) == 0)
        fake_wait_eof(f);
}

static void
test_connect_errors_carry_their_message(void **state)
{
    const char *replies[2] = {"44{\"message\":\"nope\",\"data\":{\"a\":1}}",
                              "44\"legacy nope\""};
    const char *want[2] = {"nope", "legacy nope"};

    (void)state;
    for (int i = 0; i < 2; i++) {
        struct sioc_loop *l = loop_new();
        struct sioc_opts o = {0};
        struct fake f;
        struct rec r;

        assert_int_equal(fake_start(&f, script_connect_error,
                                    (void *)replies[i]), 0);
        conn_new(l, &o, &f, &r);
        run_until(l, &r.closed, 1);
        assert_int_equal(r.why, SIOC_CLOSE_CONNECT_ERROR);
        assert_string_equal(r.detail, want[i]);
        assert_int_equal(r.connected, 0);
        joined_ok(&f);
        sioc_loop_free(l);
    }
}

static void
script_drops(struct fake *f)
{
    const unsigned char bin[3] = {1, 2, 3};

    if (fake_connect(f, 25000, 20000) == 0 &&
        fake_text(f, "42/admin,[\"other_nsp\"]") == 0 &&
        fake_text(f, "451-[\"b\",{\"_placeholder\":true,\"num\":0}]") == 0 &&
        fake_frame(f, SIOC_WS_BINARY, 1, bin, 3, 0) == 0 &&
        fake_text(f, "6") == 0 &&
        fake_text(f, "42[\"after\"]") == 0)
        fake_wait_eof(f);
}

static void
test_other_namespaces_and_attachments_are_dropped(void **state)
{
    struct sioc_loop *l = loop_new();
    struct sioc_opts o = {0};
    struct fake f;
    struct rec r;

    (void)state;
    assert_int_equal(fake_start(&f, script_drops, NULL), 0);
    conn_new(l, &o, &f, &r);
    run_until(l, &r.nev, 2);
    assert_string_equal(r.ev_name[0], "b");
    assert_int_equal(r.attachments[0], 1);
    assert_string_equal(r.ev_name[1], "after");
    assert_int_equal(sioc_conn_stats(r.c)->dropped, 2);
    sioc_conn_free(r.c);
    joined_ok(&f);
    sioc_loop_free(l);
}

static void
script_hang_up(struct fake *f)
{
    if (fake_connect(f, 25000, 20000) == 0) {
        close(f->fd);
        f->fd = -1;
    }
}

static void
test_eof_without_close_frame(void **state)
{
    struct sioc_loop *l = loop_new();
    struct sioc_opts o = {0};
    struct fake f;
    struct rec r;

    (void)state;
    assert_int_equal(fake_start(&f, script_hang_up, NULL), 0);
    conn_new(l, &o, &f, &r);
    run_until(l, &r.closed, 1);
    assert_int_equal(r.why, SIOC_CLOSE_EOF);
    joined_ok(&f);
    sioc_loop_free(l);
}

/* ---- bounds and freeing ---- */

static void
script_no_read(struct fake *f)
{
    if (fake_connect(f, 25000, 20000) != 0)
        return;
    /* read nothing until the client is done */
    while (!*(volatile int *)f->arg)
        usleep(1000);
    fake_wait_eof(f);
}

static void
test_output_bound_refuses_emits(void **state)
{
    struct sioc_loop *l = loop_new();
    struct sioc_opts o = {.max_output = 65536};
    struct fake f;
    struct rec r;
    static char arg[8192 + 3];
    char err[CMN_ERR_LEN] = "";
    int done = 0, i;

    (void)state;
    assert_int_equal(fake_start(&f, script_no_read, &done), 0);
    conn_new(l, &o, &f, &r);
    run_until(l, &r.connected, 1);
    arg[0] = '"';
    memset(arg + 1, 'q', 8192);
    arg[8193] = '"';
    for (i = 0; i < 100000; i++)
        if (sioc_emit(r.c, "fill", arg, err) != 0)
            break;
    assert_true(i < 100000);
    assert_non_null(strstr(err, "output buffer full"));
    assert_int_equal(sioc_conn_state(r.c), SIOC_ST_CONNECTED);
    sioc_conn_free(r.c);
    done = 1;
    joined_ok(&f);
    sioc_loop_free(l);
}

static void
script_event_then_wait(struct fake *f)
{
    if (fake_connect(f, 25000, 20000) == 0 &&
        fake_expect(f, "42[\"go\"]") == 0 && fake_text(f, "42[\"x\"]") == 0)
        fake_wait_eof(f);
}

static void
test_callbacks_may_free_connections(void **state)
{
    struct sioc_loop *l = loop_new();
    struct sioc_opts o = {0};
    struct fake fa, fb;
    struct rec ra, rb;

    (void)state;
    assert_int_equal(fake_start(&fa, script_event_then_wait, NULL), 0);
    assert_int_equal(fake_start(&fb, script_event_then_wait, NULL), 0);
    conn_new(l, &o, &fa, &ra);
    conn_new(l, &o, &fb, &rb);
    run_until(l, &ra.connected, 1);
    run_until(l, &rb.connected, 1);
    /* whichever sees its event first frees both */
    ra.free_on_event[0] = rb.free_on_event[0] = ra.c;
    ra.free_on_event[1] = rb.free_on_event[1] = rb.c;
    assert_int_equal(sioc_emit(ra.c, "go", NULL, NULL), 0);
    assert_int_equal(sioc_emit(rb.c, "go", NULL, NULL), 0);
    while (sioc_loop_conns(l) > 0)
        assert_true(sioc_loop_run_once(l, 100) >= 0);
    assert_int_equal(ra.nev + rb.nev, 1);
    assert_int_equal(ra.closed + rb.closed, 0);
    joined_ok(&fa);
    joined_ok(&fb);
    sioc_loop_free(l);
}

static void
test_disconnect_before_the_websocket_opens(void **state)
{
    struct sioc_loop *l = loop_new();
    struct sioc_opts o = {0};
    struct fake f;
    struct rec r;

    (void)state;
    assert_int_equal(fake_start(&f, script_accept_only, NULL), 0);
    conn_new(l, &o, &f, &r);
    sioc_disconnect(r.c);
    sioc_disconnect(r.c);                   /* twice is harmless */
    run_until(l, &r.closed, 1);
    assert_int_equal(r.why, SIOC_CLOSE_LOCAL);
    joined_ok(&f);
    sioc_loop_free(l);
}

static void
test_refused_tcp_connect(void **state)
{
    struct sioc_loop *l = loop_new();
    struct sockaddr_in sin;
    socklen_t len = sizeof sin;
    struct sioc_opts o = {.host = "127.0.0.1"};
    struct rec r;
    char err[CMN_ERR_LEN] = "";
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sioc_conn *c;

    (void)state;
    /* a bound port that nobody listens on */
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(s, (struct sockaddr *)&sin, sizeof sin), 0);
    getsockname(s, (struct sockaddr *)&sin, &len);
    o.port = ntohs(sin.sin_port);
    memset(&r, 0, sizeof r);
    c = sioc_conn_new(l, &o, &cbs, &r, err);
    if (c != NULL) {
        run_until(l, &r.closed, 1);
        assert_int_equal(r.why, SIOC_CLOSE_TCP_FAILED);
        assert_non_null(strstr(r.detail, "refused"));
    } else {
        assert_non_null(strstr(err, "refused"));
    }
    close(s);
    o.port = 0;
    assert_null(sioc_conn_new(l, &o, &cbs, &r, err));
    o.port = 80;
    o.auth_json = "[]";
    assert_null(sioc_conn_new(l, &o, &cbs, &r, err));
    assert_non_null(strstr(err, "auth"));
    o.auth_json = NULL;
    o.bind_addr = "not-an-address";
    assert_null(sioc_conn_new(l, &o, &cbs, &r, err));
    assert_non_null(strstr(err, "bind address"));
    sioc_loop_free(l);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conversation_from_connect_to_disconnect),
        cmocka_unit_test(test_request_uses_path_query_and_source_address),
        cmocka_unit_test(test_refused_upgrade_is_reported),
        cmocka_unit_test(test_coalesced_input_is_split_into_packets),
        cmocka_unit_test(test_input_byte_by_byte_is_reassembled),
        cmocka_unit_test(test_engineio_pings_get_pongs),
        cmocka_unit_test(test_missing_server_ping_closes_after_interval_plus_timeout),
        cmocka_unit_test(test_ping_check_can_be_turned_off),
        cmocka_unit_test(test_open_timeout),
        cmocka_unit_test(test_each_ending_is_reported_and_answered),
        cmocka_unit_test(test_connect_errors_carry_their_message),
        cmocka_unit_test(test_other_namespaces_and_attachments_are_dropped),
        cmocka_unit_test(test_eof_without_close_frame),
        cmocka_unit_test(test_output_bound_refuses_emits),
        cmocka_unit_test(test_callbacks_may_free_connections),
        cmocka_unit_test(test_disconnect_before_the_websocket_opens),
        cmocka_unit_test(test_refused_tcp_connect),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
