/* sioc_conn_rx.c -- bytes in: the upgrade answer, websocket frames
 * (control frames, fragment reassembly, bounds), Engine.IO packets (open,
 * ping, close) and Socket.IO packets (CONNECT reply, CONNECT_ERROR,
 * DISCONNECT, events, acks), delivered to the callbacks or the queue.
 * Runs on the loop's thread, called from sioc_conn_io(). */
#include <stdio.h>
#include <string.h>

#include "cmn/cmn_json.h"
#include "cmn/cmn_proc.h"
#include "sioc_conn_priv.h"
#include "sioc_sio.h"
#include "sioc_ws_frame.h"

/* buffers larger than this are freed rather than kept when they empty */
#define SIOC_KEEP_RX 65536

/* ---- Socket.IO ---- */

static void
sioc_conn_on_connect_error(struct sioc_conn *c, struct cmn_json_span d)
{
    char msg[CMN_ERR_LEN];

    if (cmn_json_kind(d) == CMN_JSON_STRING) {
        if (cmn_json_string(d, msg, sizeof msg) < 0)
            strcpy(msg, "(undecodable message)");
    } else if (cmn_json_get_string(d, "message", msg, sizeof msg) < 0) {
        snprintf(msg, sizeof msg, "%.*s", (int)(d.len > 200 ? 200 : d.len),
                 d.p);
    }
    sioc_conn_fail(c, SIOC_CLOSE_CONNECT_ERROR, SIOC_WS_CLOSE_NORMAL, msg);
}

static void
sioc_conn_on_connected(struct sioc_conn *c, struct cmn_json_span d)
{
    if (c->state != SIOC_ST_SIO_CONNECT) {
        c->stats.dropped++;
        return;
    }
    c->sid[0] = '\0';
    if (d.len > 0 &&
        cmn_json_get_string(d, "sid", c->sid, sizeof c->sid) < 0)
        c->sid[0] = '\0';
    c->state = SIOC_ST_CONNECTED;
    c->stats.connect_ms = (long)(cmn_mono_ms() - c->started_ms);
    sioc_conn_arm_ping(c);
    if (c->cb->on_connect != NULL)
        c->cb->on_connect(c, c->sid, c->user);
}

static void
sioc_conn_on_event(struct sioc_conn *c, const struct sioc_sio_packet *pk)
{
    struct sioc_event ev;
    char err[CMN_ERR_LEN];

    if (pk->type == SIOC_SIO_BINARY_EVENT || pk->type == SIOC_SIO_BINARY_ACK)
        c->skip_binary += pk->attachments;
    if (c->state != SIOC_ST_CONNECTED ||
        sioc_sio_event(pk, &c->args, &ev, err) != 0) {
        c->stats.dropped++;
        return;
    }
    if (ev.kind == SIOC_EVENT)
        c->stats.events_in++;
    else
        c->stats.acks_in++;
    if (c->queue != NULL) {
        if (sioc_queue_push(c->queue, &ev) != 0)
            c->stats.dropped++;
    } else if (ev.kind == SIOC_EVENT && c->cb->on_event != NULL) {
        c->cb->on_event(c, &ev, c->user);
    } else if (ev.kind == SIOC_ACK && c->cb->on_ack != NULL) {
        c->cb->on_ack(c, &ev, c->user);
    }
}

static void
sioc_conn_on_sio(struct sioc_conn *c, const char *p, size_t n)
{
    struct sioc_sio_packet pk;
    char err[CMN_ERR_LEN];

    if (sioc_sio_parse(p, n, &pk, err) != 0) {
        sioc_conn_fail(c, SIOC_CLOSE_PROTOCOL, SIOC_WS_CLOSE_PROTOCOL, err);
        return;
    }
    if (!sioc_sio_main_nsp(&pk)) {
        c->stats.dropped++;
        return;
    }
    switch (pk.type) {
    case SIOC_SIO_CONNECT:
        sioc_conn_on_connected(c, pk.data);
        break;
    case SIOC_SIO_CONNECT_ERROR:
        sioc_conn_on_connect_error(c, pk.data);
        break;
    case SIOC_SIO_DISCONNECT:
        sioc_conn_fail(c, SIOC_CLOSE_SIO_DISCONNECT, SIOC_WS_CLOSE_NORMAL,
                       "the server disconnected the socket");
        break;
    default:
        sioc_conn_on_event(c, &pk);
        break;
    }
}

/* ---- Engine.IO ---- */

static void
sioc_conn_on_open(struct sioc_conn *c, const char *p, size_t n)
{
    char err[CMN_ERR_LEN];

    if (c->state != SIOC_ST_EIO_OPEN) {
        sioc_conn_fail(c, SIOC_CLOSE_PROTOCOL, SIOC_WS_CLOSE_PROTOCOL,
                       "second engine.io open packet");
        return;
    }
    if (sioc_eio_parse_open(p, n, &c->eio, err) != 0) {
        sioc_conn_fail(c, SIOC_CLOSE_PROTOCOL, SIOC_WS_CLOSE_PROTOCOL, err);
        return;
    }
    if (c->cb->on_open != NULL)
        c->cb->on_open(c, &c->eio, c->user);
    if (!sioc_conn_alive(c) || c->state != SIOC_ST_EIO_OPEN)
        return;
    if (sioc_conn_send_connect(c, err) != 0) {
        sioc_conn_fail(c, SIOC_CLOSE_NO_MEMORY, SIOC_WS_CLOSE_NORMAL, err);
        return;
    }
    c->state = SIOC_ST_SIO_CONNECT;
}

/* One complete text or binary message. */
static void
sioc_conn_on_message(struct sioc_conn *c, int opcode, const char *p,
                     size_t n)
{
    char pong[128];

    if (opcode == SIOC_WS_BINARY) {
        if (c->skip_binary > 0)
            c->skip_binary--;
        c->stats.dropped++;
        return;
    }
    if (cmn_utf8_validate(p, n) != 0) {
        sioc_conn_fail(c, SIOC_CLOSE_PROTOCOL, SIOC_WS_CLOSE_BAD_DATA,
                       "text frame that is not UTF-8");
        return;
    }
    switch (sioc_eio_type(p, n)) {
    case SIOC_EIO_OPEN:
        sioc_conn_on_open(c, p + 1, n - 1);
        break;
    case SIOC_EIO_CLOSE:
        sioc_conn_fail(c, SIOC_CLOSE_EIO_CLOSE, SIOC_WS_CLOSE_NORMAL,
                       "engine.io close packet from the server");
        break;
    case SIOC_EIO_PING:
        /* answer with the same data ("2probe" -> "3probe") */
        if (n > sizeof pong) {
            sioc_conn_fail(c, SIOC_CLOSE_PROTOCOL, SIOC_WS_CLOSE_PROTOCOL,
                           "engine.io ping with a long payload");
            return;
        }
        memcpy(pong, p, n);
        pong[0] = '3';
        c->stats.eio_pings++;
        sioc_conn_send(c, SIOC_WS_TEXT, pong, n, NULL);
        sioc_conn_arm_ping(c);
        break;
    case SIOC_EIO_PONG:
    case SIOC_EIO_UPGRADE:
    case SIOC_EIO_NOOP:
        break;
    case SIOC_EIO_MESSAGE:
        if (c->state < SIOC_ST_SIO_CONNECT) {
            sioc_conn_fail(c, SIOC_CLOSE_PROTOCOL, SIOC_WS_CLOSE_PROTOCOL,
                           "engine.io message before the open packet");
            return;
        }
        sioc_conn_on_sio(c, p + 1, n - 1);
        break;
    default:
        sioc_conn_fail(c, SIOC_CLOSE_PROTOCOL, SIOC_WS_CLOSE_PROTOCOL,
                       "unknown engine.io packet type");
        break;
    }
}

/* ---- websocket frames ---- */

static void
sioc_conn_on_close_frame(struct sioc_conn *c, const struct sioc_ws_frame *f)
{
    const char *reason;
    size_t rlen;
    int code;
    unsigned char echo[2];

    if (sioc_ws_close_parse(f->payload, f->len, &code, &reason,
                            &rlen) != 0) {
        sioc_conn_fail(c, SIOC_CLOSE_PROTOCOL, SIOC_WS_CLOSE_PROTOCOL,
                       "malformed close frame");
        return;
    }
    if (c->state != SIOC_ST_CLOSING) {
        /* RFC 6455 5.5.1: answer with a close frame, echoing the code */
        echo[0] = (unsigned char)(code >> 8);
        echo[1] = (unsigned char)code;
        sioc_conn_send(c, SIOC_WS_CLOSE, echo,
                       code == SIOC_WS_CLOSE_NO_STATUS ? 0 : 2, NULL);
    }
    sioc_conn_finish(c, SIOC_CLOSE_WS_CLOSE, "websocket closed by %s: code "
                     "%d%s%.*s", c->peer, code, rlen ? " " : "",
                     (int)(rlen > 123 ? 123 : rlen), reason);
}

static void
sioc_conn_on_frame(struct sioc_conn *c, const struct sioc_ws_frame *f)
{
    const char *data = (const char *)f->payload;

    if (f->masked) {
        sioc_conn_fail(c, SIOC_CLOSE_PROTOCOL, SIOC_WS_CLOSE_PROTOCOL,
                       "masked frame from the server");
        return;
    }
    switch (f->opcode) {
    case SIOC_WS_PING:
        c->stats.ws_pings++;
        sioc_conn_send(c, SIOC_WS_PONG, f->payload, f->len, NULL);
        return;
    case SIOC_WS_PONG:
        return;
    case SIOC_WS_CLOSE:
        sioc_conn_on_close_frame(c, f);
        return;
    default:
        break;
    }
    if (c->state == SIOC_ST_CLOSING)
        return;         /* we are leaving: data is of no interest */
    if (f->opcode != SIOC_WS_CONT) {
        if (c->frag_opcode != 0) {
            sioc_conn_fail(c, SIOC_CLOSE_PROTOCOL, SIOC_WS_CLOSE_PROTOCOL,
                           "new message inside a fragmented one");
            return;
        }
        if (f->fin) {
            sioc_conn_on_message(c, f->opcode, data, f->len);
            return;
        }
        c->frag_opcode = f->opcode;
        cmn_buf_reset(&c->msg);
    } else if (c->frag_opcode == 0) {
        sioc_conn_fail(c, SIOC_CLOSE_PROTOCOL, SIOC_WS_CLOSE_PROTOCOL,
                       "continuation frame without a message");
        return;
    }
    if (c->msg.len + f->len > c->max_message) {
        sioc_conn_fail(c, SIOC_CLOSE_TOO_BIG, SIOC_WS_CLOSE_TOO_BIG,
                       "fragmented message over the size limit");
        return;
    }
    if (cmn_buf_append(&c->msg, data, f->len) != 0) {
        sioc_conn_fail(c, SIOC_CLOSE_NO_MEMORY, SIOC_WS_CLOSE_TOO_BIG,
                       "out of memory reassembling a message");
        return;
    }
    if (f->fin) {
        int op = c->frag_opcode;

        c->frag_opcode = 0;
        sioc_conn_on_message(c, op, c->msg.p, c->msg.len);
        if (c->msg.cap > SIOC_KEEP_RX)
            cmn_buf_free(&c->msg);
        else
            cmn_buf_reset(&c->msg);
    }
}

/* Parse the frames in p[0..n); returns the bytes consumed (all of them
 * after a fatal error). */
static size_t
sioc_conn_frames(struct sioc_conn *c, const char *p, size_t n)
{
    struct sioc_ws_frame f;
    char err[CMN_ERR_LEN];
    size_t off = 0;

    while (off < n && sioc_conn_alive(c)) {
        int r = sioc_ws_frame_parse(p + off, n - off, c->max_message, &f,
                                    err);

        if (r == 0)
            break;
        if (r < 0) {
            sioc_conn_fail(c, r == -2 ? SIOC_CLOSE_TOO_BIG
                                      : SIOC_CLOSE_PROTOCOL,
                           r == -2 ? SIOC_WS_CLOSE_TOO_BIG
                                   : SIOC_WS_CLOSE_PROTOCOL, err);
            return n;
        }
        off += f.size;
        c->stats.frames_in++;
        sioc_conn_on_frame(c, &f);
    }
    return off;
}

/* Drop the first `used` bytes of rx. */
static void
sioc_conn_rx_consume(struct sioc_conn *c, size_t used)
{
    if (used >= c->rx.len) {
        if (c->rx.cap > SIOC_KEEP_RX)
            cmn_buf_free(&c->rx);
        else
            cmn_buf_reset(&c->rx);
        return;
    }
    memmove(c->rx.p, c->rx.p + used, c->rx.len - used);
    c->rx.len -= used;
    c->rx.p[c->rx.len] = '\0';
}

static void
sioc_conn_feed_upgrade(struct sioc_conn *c, const char *data, size_t n)
{
    char err[CMN_ERR_LEN];
    size_t head = 0;
    int r;

    if (cmn_buf_append(&c->rx, data, n) != 0) {
        sioc_conn_finish(c, SIOC_CLOSE_NO_MEMORY, "out of memory");
        return;
    }
    r = sioc_ws_response_parse(c->rx.p, c->rx.len, c->ws_key, &head, err);
    if (r == 0)
        return;
    if (r < 0) {
        sioc_conn_finish(c, SIOC_CLOSE_UPGRADE_FAILED, "%s: %s", c->peer,
                         err);
        return;
    }
    sioc_conn_rx_consume(c, head);
    c->state = SIOC_ST_EIO_OPEN;
    /* the open packet may have come in the same read */
    if (c->rx.len > 0)
        sioc_conn_rx_consume(c, sioc_conn_frames(c, c->rx.p, c->rx.len));
}

void
sioc_conn_feed(struct sioc_conn *c, const char *data, size_t n)
{
    size_t used;

    if (c->state == SIOC_ST_UPGRADE) {
        sioc_conn_feed_upgrade(c, data, n);
        return;
    }
    if (c->rx.len == 0) {
        /* the common case: parse straight from the loop's buffer */
        used = sioc_conn_frames(c, data, n);
        if (used < n && sioc_conn_alive(c) &&
            cmn_buf_append(&c->rx, data + used, n - used) != 0)
            sioc_conn_finish(c, SIOC_CLOSE_NO_MEMORY, "out of memory");
        return;
    }
    if (cmn_buf_append(&c->rx, data, n) != 0) {
        sioc_conn_finish(c, SIOC_CLOSE_NO_MEMORY, "out of memory");
        return;
    }
    used = sioc_conn_frames(c, c->rx.p, c->rx.len);
    if (sioc_conn_alive(c))
        sioc_conn_rx_consume(c, used);
}
