/* gw_server.c -- Engine.IO transports on libwebsockets (see gw_server.h).
 *
 * One lws protocol handles both HTTP (long-polling GET/POST) and websocket
 * connections. Session state is keyed by sid in the engine, never by
 * connection: behind nginx one upstream connection carries requests of
 * different clients. A held poll is answered within pingInterval (the
 * ping), so lws' blindness to a client that left a held GET costs at most
 * one ping. */
#include <stdlib.h>
#include <string.h>

#include <ev.h>
#include <libwebsockets.h>

#include "cmn/cmn_buf.h"
#include "cmn/cmn_log.h"
#include "cmn/cmn_proc.h"
#include "gw_server.h"

enum gw_conn_kind {
    GW_CONN_NONE,
    GW_CONN_WS,
    GW_CONN_POLL,      /* GET held for the session's packets */
    GW_CONN_POST,      /* receiving a POST body */
    GW_CONN_REPLY      /* a fixed answer waits to be written */
};

/* Per-connection state (lws allocates it, per_session_data_size). */
struct gw_conn {
    struct gw_session *s;      /* WS / POLL: the session, NULL once gone */
    unsigned char kind;        /* enum gw_conn_kind */
    unsigned char closing;     /* WS: close with `reason` when writeable */
    unsigned char too_big;     /* POST: body over max_payload */
    unsigned char discard;     /* WS: reading past an oversized message
                                * before the close (or the peer, still
                                * sending, would get a reset instead) */
    unsigned short close_status; /* WS close code; 0 = normal */
    unsigned short status;     /* REPLY: HTTP status */
    const char *ctype;         /* REPLY: content type */
    const char *reason;        /* WS close reason (static string) */
    struct cmn_buf buf;        /* POST body, REPLY body, WS reassembly */
    char sid[GW_SID_MAX];      /* POST: the session it is for */
};

struct gw_server {
    struct ev_loop *evloop;    /* epoll via libev: lws' own loop polls
                                * every socket on every iteration */
    struct lws_context *ctx;
    struct lws_vhost *vh;
    struct gw_engine *engine;
    ev_timer timer;            /* the engine's earliest deadline */
    long long timer_due;       /* 0 = not armed */
    ev_timer drain_timer;      /* ends the shutdown drain */
    char path[64];
    size_t path_len;
    int max_payload;
    int hold_secs;             /* lws timeout for held polls */
    void (*wake)(void *arg);
    void *wake_arg;
};

static void gw_server_drain_done(struct ev_loop *loop, ev_timer *w,
                                 int revents);

static struct gw_server *
gw_srv(struct lws *wsi)
{
    return lws_context_user(lws_get_context(wsi));
}

static void
gw_conn_reset(struct gw_conn *c)
{
    cmn_buf_free(&c->buf);
    memset(c, 0, sizeof *c);
}

/* ---- HTTP answers ------------------------------------------------------- */

/* Queue a fixed answer on an HTTP connection and ask for writeable. */
static void
gw_http_answer(struct lws *wsi, struct gw_conn *c, unsigned status,
               const char *ctype, const char *body, size_t len)
{
    cmn_buf_reset(&c->buf);
    cmn_buf_append(&c->buf, body, len);
    c->kind = GW_CONN_REPLY;
    c->s = NULL;
    c->status = (unsigned short)status;
    c->ctype = ctype;
    lws_callback_on_writable(wsi);
}

static void
gw_http_error(struct lws *wsi, struct gw_conn *c, unsigned status, int code,
              const char *message)
{
    char body[160];
    int n = snprintf(body, sizeof body, "{\"code\":%d,\"message\":\"%s\"}",
                     code, message);

    gw_http_answer(wsi, c, status, "application/json", body, (size_t)n);
}

/* Write the answer of a REPLY or POLL connection. Returns -1 when lws must
 * close the connection. */
static int
gw_http_write(struct lws *wsi, struct gw_conn *c)
{
    unsigned char hdr[LWS_PRE + 512], *start = hdr + LWS_PRE, *p = start;
    unsigned char *end = hdr + sizeof hdr - 1;
    struct cmn_buf body;
    unsigned status = c->status;
    const char *ctype = c->ctype;

    cmn_buf_init(&body);
    if (cmn_buf_reserve(&body, LWS_PRE) != 0)
        return -1;
    memset(body.p, 0, LWS_PRE);
    body.len = LWS_PRE;                       /* headroom for lws_write */
    if (c->kind == GW_CONN_POLL) {
        struct gw_session *s = c->s;
        struct gw_pkt *pk;
        int first = 1;

        if (s == NULL || s->poll != wsi || s->out.count == 0) {
            cmn_buf_free(&body);
            return 0;                 /* answered elsewhere, or spurious */
        }
        status = 200;
        ctype = "text/plain; charset=UTF-8";
        while ((pk = gw_queue_pop(&s->out)) != NULL) {
            gw_eio_payload_append(&body, first, (int)pk->binary,
                                  gw_pkt_data(pk), pk->len);
            first = 0;
            gw_pkt_unref(pk);
        }
        gw_engine_progress(s);
        s->poll = NULL;
    } else {
        cmn_buf_append(&body, c->buf.p ? c->buf.p : "", c->buf.len);
    }
    if (lws_add_http_common_headers(wsi, status, ctype,
                                    body.len - LWS_PRE, &p, end) ||
        lws_finalize_write_http_header(wsi, start, &p, end) ||
        lws_write(wsi, (unsigned char *)body.p + LWS_PRE, body.len - LWS_PRE,
                  LWS_WRITE_HTTP_FINAL) < 0) {
        cmn_buf_free(&body);
        return -1;
    }
    cmn_buf_free(&body);
    gw_conn_reset(c);
    return lws_http_transaction_completed(wsi) ? -1 : 0;
}

/* ---- engine callbacks ----------------------------------------------------- */

static void
gw_server_kick(struct gw_session *s)
{
    if (s->transport == GW_T_WEBSOCKET) {
        if (s->poll != NULL) {
            /* a poll left over from before the upgrade: release it */
            struct lws *w = s->poll;

            s->poll = NULL;
            gw_http_answer(w, lws_wsi_user(w), 200,
                           "text/plain; charset=UTF-8", "6", 1);
        }
        if (s->ws != NULL)
            lws_callback_on_writable(s->ws);
        return;
    }
    if (s->poll != NULL && s->out.count > 0)
        lws_callback_on_writable(s->poll);
    if (s->probe_reply && s->ws != NULL)
        lws_callback_on_writable(s->ws);
}

static void
gw_server_drop(struct gw_session *s, const char *reason, struct gw_pkt *final)
{
    if (s->ws != NULL) {
        struct gw_conn *c = lws_wsi_user(s->ws);

        c->s = NULL;
        c->closing = 1;
        c->reason = reason;
        lws_callback_on_writable(s->ws);
        /* a client that never reads must not keep the socket */
        lws_set_timeout(s->ws, PENDING_TIMEOUT_USER_OK, 5);
        s->ws = NULL;
    }
    if (s->poll != NULL) {
        gw_http_answer(s->poll, lws_wsi_user(s->poll), 200,
                       "text/plain; charset=UTF-8", gw_pkt_data(final),
                       final->len);
        s->poll = NULL;
    }
}

/* Arm the engine's timer for due_ms (monotonic) unless it fires sooner. */
static void
gw_server_rearm(void *arg, long long due)
{
    struct gw_server *srv = arg;
    long long now = cmn_mono_ms();

    if (srv->timer_due != 0 && srv->timer_due <= due)
        return;
    srv->timer_due = due;
    ev_timer_stop(srv->evloop, &srv->timer);
    ev_timer_set(&srv->timer, due > now ? (double)(due - now) / 1000.0 : 0.0,
                 0.0);
    ev_timer_start(srv->evloop, &srv->timer);
}

static void
gw_server_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct gw_server *srv = lws_container_of(w, struct gw_server, timer);
    long long next;

    (void)loop;
    (void)revents;
    srv->timer_due = 0;
    next = gw_engine_timers(srv->engine, cmn_mono_ms());
    if (next != 0)
        gw_server_rearm(srv, next);
}

/* ---- polling -------------------------------------------------------------- */

/* Check EIO=4 and transport; answers the error itself. 0 = fine. */
/* Copy the value of query argument `name` into buf (lws has split the
 * query into "name=value" fragments and url-decoded them). */
static const char *
gw_query_arg(struct lws *wsi, const char *name, char *buf, int len)
{
    char frag[256];
    size_t n = strlen(name);

    for (int i = 0; i < 32; i++) {
        int got = lws_hdr_copy_fragment(wsi, frag, sizeof frag,
                                        WSI_TOKEN_HTTP_URI_ARGS, i);

        if (got < 0)
            return NULL;
        if ((size_t)got > n && memcmp(frag, name, n) == 0 && frag[n] == '=') {
            snprintf(buf, (size_t)len, "%s", frag + n + 1);
            return buf;
        }
    }
    return NULL;
}

static int
gw_http_check_args(struct lws *wsi, struct gw_conn *c, const char *want)
{
    char eio[8], transport[16];

    if (gw_query_arg(wsi, "EIO", eio, sizeof eio) == NULL ||
        strcmp(eio, "4") != 0) {
        gw_http_error(wsi, c, 400, 5, "Unsupported protocol version");
        return -1;
    }
    if (gw_query_arg(wsi, "transport", transport,
                               sizeof transport) == NULL ||
        (strcmp(transport, "polling") != 0 &&
         strcmp(transport, "websocket") != 0)) {
        gw_http_error(wsi, c, 400, 0, "Transport unknown");
        return -1;
    }
    if (strcmp(transport, want) != 0) {
        gw_http_error(wsi, c, 400, 3, "Bad request");
        return -1;
    }
    return 0;
}

static int
gw_http_path_ok(struct gw_server *srv, const char *path)
{
    size_t n = strlen(path);

    /* "/socket.io/" and "/socket.io" both reach us */
    return (n == srv->path_len && memcmp(path, srv->path, n) == 0) ||
           (n + 1 == srv->path_len && memcmp(path, srv->path, n) == 0);
}

static void
gw_http_get(struct gw_server *srv, struct lws *wsi, struct gw_conn *c,
            const char *sid)
{
    struct gw_session *s;

    if (sid == NULL) {
        s = gw_engine_open(srv->engine, GW_T_POLLING);
        if (s == NULL) {
            gw_http_error(wsi, c, 503, 4, "Server full");
            return;
        }
        cmn_log_debug("http", "sid=%s open transport=polling", s->sid);
    } else if ((s = gw_engine_find(srv->engine, sid)) == NULL) {
        gw_http_error(wsi, c, 400, 1, "Session ID unknown");
        return;
    } else if (s->transport != GW_T_POLLING) {
        gw_http_error(wsi, c, 400, 3, "Bad request");
        return;
    } else if (s->poll != NULL) {
        gw_http_error(wsi, c, 400, 3, "Bad request");
        gw_engine_close(srv->engine, s, "overlapping poll");
        return;
    }
    c->kind = GW_CONN_POLL;
    c->s = s;
    s->poll = wsi;
    /* lws would kill a held request after 5 s */
    lws_set_timeout(wsi, PENDING_TIMEOUT_HTTP_CONTENT, srv->hold_secs);
    if (s->out.count > 0)
        lws_callback_on_writable(wsi);
}

static void
gw_http_post_start(struct gw_server *srv, struct lws *wsi, struct gw_conn *c,
                   const char *sid)
{
    struct gw_session *s = sid ? gw_engine_find(srv->engine, sid) : NULL;

    if (s == NULL) {
        gw_http_error(wsi, c, 400, 1, "Session ID unknown");
        return;
    }
    if (s->transport != GW_T_POLLING) {
        gw_http_error(wsi, c, 400, 3, "Bad request");
        return;
    }
    if (s->posting) {
        gw_http_error(wsi, c, 400, 3, "Bad request");
        gw_engine_close(srv->engine, s, "overlapping post");
        return;
    }
    s->posting = 1;
    c->kind = GW_CONN_POST;
    snprintf(c->sid, sizeof c->sid, "%s", sid);
}

static void
gw_http_post_done(struct gw_server *srv, struct lws *wsi, struct gw_conn *c)
{
    struct gw_session *s = gw_engine_find(srv->engine, c->sid);
    struct gw_eio_payload it;
    struct gw_eio_packet p;
    int rc;

    if (s == NULL) {
        gw_http_error(wsi, c, 400, 1, "Session ID unknown");
        return;
    }
    s->posting = 0;
    if (c->too_big) {
        gw_http_error(wsi, c, 413, 3, "Payload too large");
        gw_engine_close(srv->engine, s, "payload too large");
        return;
    }
    gw_eio_payload_init(&it, c->buf.p, c->buf.len);
    while ((rc = gw_eio_payload_next(&it, &p)) == 1) {
        gw_engine_input(srv->engine, s, &p, 0);
        if (gw_engine_find(srv->engine, c->sid) != s)
            break;                          /* closed by that packet */
    }
    if (rc < 0) {
        gw_http_error(wsi, c, 400, 3, "Bad request");
        if (gw_engine_find(srv->engine, c->sid) == s)
            gw_engine_close(srv->engine, s, "malformed payload");
        return;
    }
    gw_http_answer(wsi, c, 200, "text/html", "ok", 2);
}

static int
gw_http_request(struct gw_server *srv, struct lws *wsi, struct gw_conn *c,
                const char *path)
{
    char sid[GW_SID_MAX];
    char *uri;
    int ulen, method, has_sid;

    gw_conn_reset(c);
    if (!gw_http_path_ok(srv, path)) {
        gw_http_answer(wsi, c, 404, "application/json",
                       "{\"error\":\"not found\"}", 21);
        return 0;
    }
    method = lws_http_get_uri_and_method(wsi, &uri, &ulen);
    if (gw_http_check_args(wsi, c, "polling") != 0)
        return 0;
    has_sid = gw_query_arg(wsi, "sid", sid, sizeof sid) != NULL;
    if (method == LWSHUMETH_GET) {
        gw_http_get(srv, wsi, c, has_sid ? sid : NULL);
    } else if (method == LWSHUMETH_POST && has_sid) {
        gw_http_post_start(srv, wsi, c, sid);
    } else {
        gw_http_error(wsi, c, 400, 2, "Bad handshake method");
    }
    return 0;
}

/* A held poll or a POST ended before we answered: the client went away. */
static void
gw_http_closed(struct gw_server *srv, struct lws *wsi, struct gw_conn *c)
{
    struct gw_session *s;

    if (c->kind == GW_CONN_POLL && c->s != NULL && c->s->poll == wsi) {
        s = c->s;
        s->poll = NULL;
        gw_engine_close(srv->engine, s, "poll connection closed prematurely");
    } else if (c->kind == GW_CONN_POST &&
               (s = gw_engine_find(srv->engine, c->sid)) != NULL) {
        s->posting = 0;
        gw_engine_close(srv->engine, s, "post connection closed prematurely");
    }
    gw_conn_reset(c);
}

/* ---- websocket ------------------------------------------------------------ */

static int
gw_ws_established(struct gw_server *srv, struct lws *wsi, struct gw_conn *c)
{
    char path[128], eio[8], sid[GW_SID_MAX];
    struct gw_session *s;

    memset(c, 0, sizeof *c);
    if (lws_hdr_copy(wsi, path, sizeof path, WSI_TOKEN_GET_URI) <= 0 ||
        !gw_http_path_ok(srv, path) ||
        gw_query_arg(wsi, "EIO", eio, sizeof eio) == NULL ||
        strcmp(eio, "4") != 0)
        return -1;
    c->kind = GW_CONN_WS;
    if (gw_query_arg(wsi, "sid", sid, sizeof sid) == NULL) {
        s = gw_engine_open(srv->engine, GW_T_WEBSOCKET);
        if (s == NULL)
            return -1;
        cmn_log_debug("ws", "sid=%s open transport=websocket", s->sid);
    } else {
        s = gw_engine_find(srv->engine, sid);
        if (s == NULL || s->transport != GW_T_POLLING || s->ws != NULL)
            return -1;
        s->upgrading = 1;
    }
    c->s = s;
    s->ws = wsi;
    lws_callback_on_writable(wsi);
    return 0;
}

/* One complete websocket message. */
static int
gw_ws_message(struct gw_server *srv, struct lws *wsi, struct gw_conn *c,
              char *data, size_t len, int binary)
{
    struct gw_session *s = c->s;
    struct gw_eio_packet p;

    (void)wsi;
    if (s == NULL)
        return -1;
    if (binary) {
        p.type = GW_EIO_MESSAGE;
        p.binary = 1;
        p.data = data;
        p.len = len;
    } else if (gw_eio_parse_text(data, len, &p) != 0) {
        gw_engine_close(srv->engine, s, "malformed packet");
        return 0;               /* the close frame goes out when writeable */
    }
    gw_engine_input(srv->engine, s, &p, s->transport == GW_T_POLLING);
    /* closed by that packet: the close frame (with its reason) is written
     * from SERVER_WRITEABLE; closed otherwise: drop the connection now */
    return (c->s == NULL && !c->closing) ? -1 : 0;
}

static int
gw_ws_receive(struct gw_server *srv, struct lws *wsi, struct gw_conn *c,
              char *in, size_t len)
{
    int first = lws_is_first_fragment(wsi);
    int last = lws_is_final_fragment(wsi) &&
               lws_remaining_packet_payload(wsi) == 0;
    int binary = lws_frame_is_binary(wsi);

    if (c->discard) {
        if (last) {                 /* now the close frame can go */
            c->discard = 0;
            lws_callback_on_writable(wsi);
        }
        return 0;
    }
    if (c->buf.len + len > (size_t)srv->max_payload) {
        cmn_buf_free(&c->buf);
        c->close_status = LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE;
        c->discard = !last;
        if (c->s != NULL)
            gw_engine_close(srv->engine, c->s, "payload too large");
        return c->closing ? 0 : -1;
    }
    if (first && last && c->buf.len == 0)
        return gw_ws_message(srv, wsi, c, in, len, binary);
    if (cmn_buf_append(&c->buf, in, len) != 0)
        return -1;
    if (!last)
        return 0;
    int rc = gw_ws_message(srv, wsi, c, c->buf.p, c->buf.len, binary);

    cmn_buf_free(&c->buf);
    return rc;
}

static int
gw_ws_writeable(struct lws *wsi, struct gw_conn *c)
{
    struct gw_session *s = c->s;
    struct gw_pkt *pk;
    unsigned char probe[LWS_PRE + 8];

    if (c->closing || s == NULL) {
        const char *r = c->reason ? c->reason : "closed";

        if (c->discard)
            return 0;               /* after the rest of the message */
        lws_close_reason(wsi, c->close_status ? c->close_status
                                              : LWS_CLOSE_STATUS_NORMAL,
                         (unsigned char *)r, strlen(r));
        return -1;
    }
    if (s->probe_reply) {
        s->probe_reply = 0;
        memcpy(probe + LWS_PRE, "3probe", 6);
        if (lws_write(wsi, probe + LWS_PRE, 6, LWS_WRITE_TEXT) < 0)
            return -1;
        if (s->transport == GW_T_WEBSOCKET && s->out.count > 0)
            lws_callback_on_writable(wsi);
        return 0;
    }
    if (s->transport != GW_T_WEBSOCKET || s->ws != wsi)
        return 0;
    /* as many frames as the socket takes now: one loop iteration for a
     * message and its echo, a broadcast, or a flushed backlog */
    while ((pk = gw_queue_pop(&s->out)) != NULL) {
        int rc = lws_write(wsi, (unsigned char *)gw_pkt_data(pk), pk->len,
                           pk->binary ? LWS_WRITE_BINARY : LWS_WRITE_TEXT);

        gw_pkt_unref(pk);
        if (rc < 0)
            return -1;
        gw_engine_progress(s);
        if (lws_send_pipe_choked(wsi))
            break;
    }
    if (s->out.count > 0)
        lws_callback_on_writable(wsi);
    return 0;
}

static void
gw_ws_closed(struct gw_server *srv, struct gw_conn *c, struct lws *wsi)
{
    struct gw_session *s = c->s;

    if (s != NULL && s->ws == wsi) {
        s->ws = NULL;
        if (s->transport == GW_T_WEBSOCKET)
            gw_engine_close(srv->engine, s, "transport close");
        else
            gw_engine_probe_lost(srv->engine, s);
    }
    gw_conn_reset(c);
}

/* ---- the lws callback ------------------------------------------------------- */

static int
gw_server_callback(struct lws *wsi, enum lws_callback_reasons reason,
                   void *user, void *in, size_t len)
{
    struct gw_conn *c = user;
    struct gw_server *srv = gw_srv(wsi);

    if (srv == NULL || srv->engine == NULL) {
        /* shutting down: the sessions are gone; only flush what their
         * closing left (close frames, final poll answers) */
        if (c == NULL)
            return 0;
        if (reason == LWS_CALLBACK_SERVER_WRITEABLE)
            return gw_ws_writeable(wsi, c);
        if (reason == LWS_CALLBACK_HTTP_WRITEABLE && c->kind == GW_CONN_REPLY)
            return gw_http_write(wsi, c);
        if (reason == LWS_CALLBACK_CLOSED || reason == LWS_CALLBACK_CLOSED_HTTP)
            gw_conn_reset(c);
        return 0;
    }
    switch (reason) {
    case LWS_CALLBACK_HTTP:
        return gw_http_request(srv, wsi, c, in);
    case LWS_CALLBACK_HTTP_BODY:
        if (c->kind != GW_CONN_POST || c->too_big)
            return 0;
        if (c->buf.len + len > (size_t)srv->max_payload) {
            c->too_big = 1;
            cmn_buf_free(&c->buf);
            return 0;
        }
        return cmn_buf_append(&c->buf, in, len) == 0 ? 0 : -1;
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
        if (c->kind == GW_CONN_POST)
            gw_http_post_done(srv, wsi, c);
        return 0;
    case LWS_CALLBACK_HTTP_WRITEABLE:
        if (c->kind == GW_CONN_REPLY || c->kind == GW_CONN_POLL)
            return gw_http_write(wsi, c);
        return 0;
    case LWS_CALLBACK_CLOSED_HTTP:
        gw_http_closed(srv, wsi, c);
        return 0;
    case LWS_CALLBACK_ESTABLISHED:
        return gw_ws_established(srv, wsi, c);
    case LWS_CALLBACK_RECEIVE:
        return gw_ws_receive(srv, wsi, c, in, len);
    case LWS_CALLBACK_SERVER_WRITEABLE:
        return gw_ws_writeable(wsi, c);
    case LWS_CALLBACK_CLOSED:
        gw_ws_closed(srv, c, wsi);
        return 0;
    case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
        if (srv != NULL && srv->wake != NULL)
            srv->wake(srv->wake_arg);
        return 0;
    default:
        return 0;
    }
}

static const struct lws_protocols gw_protocols[] = {
    {"eio", gw_server_callback, sizeof(struct gw_conn), 0, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0}
};

static void
gw_server_lws_log(int level, const char *line)
{
    size_t n = strlen(line);

    while (n > 0 && line[n - 1] == '\n')
        n--;
    cmn_log(level == LLL_ERR ? CMN_LOG_ERROR : CMN_LOG_WARN, 0, "lws",
            "%.*s", (int)n, line);
}

struct gw_server *
gw_server_new(const struct gw_server_config *cfg, const struct gw_app_ops *app,
              void (*wake)(void *arg), void *wake_arg)
{
    struct gw_server *srv = calloc(1, sizeof *srv);
    struct lws_context_creation_info info;
    struct gw_transport_ops tops = {gw_server_kick, gw_server_drop,
                                    gw_server_rearm, NULL};

    if (srv == NULL)
        return NULL;
    snprintf(srv->path, sizeof srv->path, "%s", cfg->path);
    srv->path_len = strlen(srv->path);
    srv->max_payload = cfg->engine.max_payload;
    srv->hold_secs = (cfg->engine.ping_interval_ms +
                      cfg->engine.ping_timeout_ms) / 1000 + 5;
    srv->wake = wake;
    srv->wake_arg = wake_arg;
    tops.arg = srv;
    srv->engine = gw_engine_new(&cfg->engine, &tops, app);
    if (srv->engine == NULL) {
        free(srv);
        return NULL;
    }
    lws_set_log_level(LLL_ERR | LLL_WARN, gw_server_lws_log);
    srv->evloop = ev_loop_new(EVFLAG_AUTO | EVFLAG_NOSIGMASK);
    if (srv->evloop == NULL) {
        cmn_log_error("server", "cannot create the event loop");
        gw_engine_free(srv->engine);
        free(srv);
        return NULL;
    }
    ev_timer_init(&srv->timer, gw_server_timer_cb, 0.0, 0.0);
    ev_timer_init(&srv->drain_timer, gw_server_drain_done, 0.0, 0.0);
    memset(&info, 0, sizeof info);
    info.port = cfg->port;
    info.iface = cfg->bind;
    info.protocols = gw_protocols;
    info.user = srv;
    info.options = LWS_SERVER_OPTION_VALIDATE_UTF8 |
                   LWS_SERVER_OPTION_DISABLE_IPV6 | LWS_SERVER_OPTION_LIBEV;
    info.foreign_loops = (void **)&srv->evloop;
    info.timeout_secs = 20;
    srv->ctx = lws_create_context(&info);
    if (srv->ctx == NULL) {
        cmn_log_error("server", "cannot listen on %s:%d", cfg->bind,
                      cfg->port);
        gw_engine_free(srv->engine);
        ev_loop_destroy(srv->evloop);
        free(srv);
        return NULL;
    }
    srv->vh = lws_get_vhost_by_name(srv->ctx, "default");
    return srv;
}

struct gw_engine *
gw_server_engine(struct gw_server *srv)
{
    return srv->engine;
}

int
gw_server_port(const struct gw_server *srv)
{
    return srv->vh ? lws_get_vhost_listen_port(srv->vh) : -1;
}

/* One pass of the event loop: wait for events (a signal ends the wait
 * too) and dispatch them to lws. */
static void
gw_server_once(struct gw_server *srv)
{
    ev_run(srv->evloop, EVRUN_ONCE);
}

void
gw_server_run(struct gw_server *srv)
{
    while (!cmn_proc_stopping())
        gw_server_once(srv);
}

void
gw_server_wake(struct gw_server *srv)
{
    lws_cancel_service(srv->ctx);
}

static void
gw_server_drain_done(struct ev_loop *loop, ev_timer *w, int revents)
{
    (void)loop;                 /* only ends the wait of ev_run() */
    (void)w;
    (void)revents;
}

void
gw_server_close_all(struct gw_server *srv, int drain_ms)
{
    long long end = cmn_mono_ms() + drain_ms;

    /* sessions first (their transports' user data dies with the context) */
    gw_engine_free(srv->engine);
    srv->engine = NULL;
    /* let the close frames and final poll answers go out; the timer makes
     * sure lws_service() returns even when nothing else happens */
    if (drain_ms > 0) {
        ev_timer_init(&srv->drain_timer, gw_server_drain_done,
                      drain_ms / 1000.0, 0.0);
        ev_timer_start(srv->evloop, &srv->drain_timer);
    }
    while (drain_ms > 0 && cmn_mono_ms() < end)
        gw_server_once(srv);
}

void
gw_server_free(struct gw_server *srv)
{
    if (srv == NULL)
        return;
    gw_server_close_all(srv, 0);
    ev_timer_stop(srv->evloop, &srv->timer);
    ev_timer_stop(srv->evloop, &srv->drain_timer);
    lws_context_destroy(srv->ctx);
    ev_loop_destroy(srv->evloop);
    free(srv);
}
