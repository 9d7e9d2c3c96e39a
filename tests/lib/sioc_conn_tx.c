/* sioc_conn_tx.c -- frames out: the public emit/ack/disconnect calls and
 * the internal frame sender they share with the receive side (pongs,
 * close frames, the CONNECT packet). Frames are masked with fresh random
 * keys, appended to the connection's output buffer (bounded by
 * max_output) and written at once as far as the socket takes them.
 * Nothing here calls a callback. */
#include <stdlib.h>
#include <string.h>

#include "sioc_conn_priv.h"
#include "sioc_rand.h"
#include "sioc_sio.h"
#include "sioc_ws_frame.h"

int
sioc_conn_send(struct sioc_conn *c, int opcode, const void *p, size_t n,
               char *err)
{
    unsigned char mask[4];

    if (c->fd < 0 || c->state < SIOC_ST_EIO_OPEN ||
        c->state >= SIOC_ST_CLOSING) {
        cmn_errf(err, "the websocket is not open");
        return -1;
    }
    if (c->out.len - c->out_off + n + SIOC_WS_HEADER_MAX > c->max_output) {
        cmn_errf(err, "output buffer full (%zu bytes unsent)",
                 c->out.len - c->out_off);
        return -1;
    }
    if (c->out_off > 0 && c->out_off >= c->out.len / 2) {
        /* reclaim the written half before growing */
        memmove(c->out.p, c->out.p + c->out_off, c->out.len - c->out_off);
        c->out.len -= c->out_off;
        c->out_off = 0;
    }
    sioc_rand_bytes(mask, sizeof mask);
    if (sioc_ws_frame_encode(&c->out, opcode, 1, p, n, mask) != 0) {
        cmn_errf(err, "out of memory");
        return -1;
    }
    c->stats.frames_out++;
    sioc_conn_flush(c);
    return 0;
}

/* Send the packet in c->pkt as one text frame. */
static int
sioc_conn_send_pkt(struct sioc_conn *c, char *err)
{
    if (c->eio.max_payload > 0 && c->pkt.len > (size_t)c->eio.max_payload) {
        cmn_errf(err, "packet of %zu bytes over the server's maxPayload %ld",
                 c->pkt.len, c->eio.max_payload);
        return -1;
    }
    return sioc_conn_send(c, SIOC_WS_TEXT, c->pkt.p, c->pkt.len, err);
}

int
sioc_conn_send_connect(struct sioc_conn *c, char *err)
{
    int rc;

    cmn_buf_reset(&c->pkt);
    if (sioc_sio_encode_connect(&c->pkt, c->auth, err) != 0)
        return -1;
    rc = sioc_conn_send_pkt(c, err);
    /* the auth object often holds a token: do not keep it around */
    if (c->auth != NULL) {
        explicit_bzero(c->auth, strlen(c->auth));
        free(c->auth);
        c->auth = NULL;
    }
    if (c->pkt.p != NULL)
        explicit_bzero(c->pkt.p, c->pkt.len);
    cmn_buf_reset(&c->pkt);
    return rc;
}

/* Names socket.io reserves; its parser rejects events that use them. */
static int
sioc_reserved_name(const char *name)
{
    static const char *const reserved[] = {
        "connect", "connect_error", "disconnect", "disconnecting",
        "newListener", "removeListener"
    };

    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
        if (strcmp(name, reserved[i]) == 0)
            return 1;
    return 0;
}

static int
sioc_emit_check(struct sioc_conn *c, const char *name, char *err)
{
    if (c->state != SIOC_ST_CONNECTED || c->doomed) {
        cmn_errf(err, "not connected (%s)",
                 c->state == SIOC_ST_CLOSED ? c->detail : "still opening");
        return -1;
    }
    if (name == NULL || sioc_reserved_name(name)) {
        cmn_errf(err, "event name \"%s\" is reserved", name ? name : "");
        return -1;
    }
    cmn_buf_reset(&c->pkt);
    return 0;
}

int
sioc_emit_args(struct sioc_conn *c, const char *name, const char *args_json,
               long ack_id, char *err)
{
    if (sioc_emit_check(c, name, err) != 0 ||
        sioc_sio_encode_event(&c->pkt, name, args_json, ack_id, err) != 0)
        return -1;
    return sioc_conn_send_pkt(c, err);
}

int
sioc_emit(struct sioc_conn *c, const char *name, const char *arg_json,
          char *err)
{
    if (sioc_emit_check(c, name, err) != 0 ||
        sioc_sio_encode_event1(&c->pkt, name, arg_json, -1, err) != 0)
        return -1;
    return sioc_conn_send_pkt(c, err);
}

long
sioc_emit_ack(struct sioc_conn *c, const char *name, const char *arg_json,
              char *err)
{
    long id = c->next_ack;

    if (sioc_emit_check(c, name, err) != 0 ||
        sioc_sio_encode_event1(&c->pkt, name, arg_json, id, err) != 0 ||
        sioc_conn_send_pkt(c, err) != 0)
        return -1;
    c->next_ack++;
    return id;
}

long
sioc_next_ack_id(struct sioc_conn *c)
{
    return c->next_ack++;
}

int
sioc_ack(struct sioc_conn *c, long id, const char *args_json, char *err)
{
    if (c->state != SIOC_ST_CONNECTED || c->doomed) {
        cmn_errf(err, "not connected");
        return -1;
    }
    cmn_buf_reset(&c->pkt);
    if (sioc_sio_encode_ack(&c->pkt, id, args_json, err) != 0)
        return -1;
    return sioc_conn_send_pkt(c, err);
}

void
sioc_disconnect(struct sioc_conn *c)
{
    static const unsigned char normal[2] = {
        SIOC_WS_CLOSE_NORMAL >> 8, SIOC_WS_CLOSE_NORMAL & 0xff
    };

    if (!sioc_conn_alive(c) || c->state == SIOC_ST_CLOSING)
        return;
    if (c->state == SIOC_ST_CONNECTED) {
        cmn_buf_reset(&c->pkt);
        if (sioc_sio_encode_disconnect(&c->pkt) == 0)
            sioc_conn_send(c, SIOC_WS_TEXT, c->pkt.p, c->pkt.len, NULL);
    }
    if (c->state >= SIOC_ST_EIO_OPEN) {
        sioc_conn_send(c, SIOC_WS_CLOSE, normal, sizeof normal, NULL);
        c->state = SIOC_ST_CLOSING;
        sioc_timer_start(c->loop, &c->timer, c->close_timeout_ms);
        return;
    }
    /* no websocket yet: stop listening and end on the next iteration */
    if (c->fd >= 0 &&
        sioc_loop_watch(c->loop, c->fd, c->watched, 0, c) == 0)
        c->watched = 0;
    c->state = SIOC_ST_CLOSING;
    sioc_timer_start(c->loop, &c->timer, 0);
}
