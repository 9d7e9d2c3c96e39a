/* gw_engine.c -- Engine.IO v4 / Socket.IO v5 server engine (see
 * gw_engine.h). Runs on the lws service thread only. */
#include <stdlib.h>
#include <string.h>

#include "cmn/cmn_err.h"
#include "cmn/cmn_log.h"
#include "cmn/cmn_proc.h"
#include "gw_engine.h"

struct gw_engine {
    struct gw_engine_config cfg;
    struct gw_transport_ops tops;
    struct gw_app_ops aops;
    struct gw_table table;
    struct gw_session **heap;   /* min-heap on s->deadline */
    size_t nheap;
    size_t capheap;
    struct gw_pkt *ping;        /* shared "2" */
    struct gw_pkt *noop;        /* shared "6" */
    struct gw_pkt *close;       /* shared "1" */
};

/* ---- timer heap --------------------------------------------------------- */

static void
gw_heap_swap(struct gw_engine *e, size_t a, size_t b)
{
    struct gw_session *t = e->heap[a];

    e->heap[a] = e->heap[b];
    e->heap[b] = t;
    e->heap[a]->heap_idx = (int)a;
    e->heap[b]->heap_idx = (int)b;
}

static void
gw_heap_up(struct gw_engine *e, size_t i)
{
    while (i > 0) {
        size_t parent = (i - 1) / 2;

        if (e->heap[parent]->deadline <= e->heap[i]->deadline)
            break;
        gw_heap_swap(e, i, parent);
        i = parent;
    }
}

static void
gw_heap_down(struct gw_engine *e, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;

        if (l < e->nheap && e->heap[l]->deadline < e->heap[m]->deadline)
            m = l;
        if (r < e->nheap && e->heap[r]->deadline < e->heap[m]->deadline)
            m = r;
        if (m == i)
            return;
        gw_heap_swap(e, i, m);
        i = m;
    }
}

static void
gw_heap_remove(struct gw_engine *e, struct gw_session *s)
{
    size_t i;

    if (s->heap_idx < 0)
        return;
    i = (size_t)s->heap_idx;
    s->heap_idx = -1;
    if (i != --e->nheap) {
        e->heap[i] = e->heap[e->nheap];
        e->heap[i]->heap_idx = (int)i;
        gw_heap_down(e, i);
        gw_heap_up(e, i);
    }
}

/* Recompute s->deadline from its timers and fix its heap position. */
static void
gw_engine_reschedule(struct gw_engine *e, struct gw_session *s)
{
    long long d = s->waiting_pong ? s->pong_by : s->ping_at;
    long long old_top = e->nheap ? e->heap[0]->deadline : 0;

    if (s->connect_by > 0 && s->connect_by < d)
        d = s->connect_by;
    s->deadline = d;
    if (s->heap_idx < 0) {
        if (e->nheap == e->capheap) {
            size_t cap = e->capheap ? e->capheap * 2 : 1024;
            struct gw_session **h = realloc(e->heap, cap * sizeof *h);

            if (h == NULL)
                return;         /* keeps running without timers: logged? */
            e->heap = h;
            e->capheap = cap;
        }
        s->heap_idx = (int)e->nheap;
        e->heap[e->nheap++] = s;
    }
    gw_heap_down(e, (size_t)s->heap_idx);
    gw_heap_up(e, (size_t)s->heap_idx);
    if (e->tops.rearm && (old_top == 0 || e->heap[0]->deadline < old_top))
        e->tops.rearm(e->tops.arg, e->heap[0]->deadline);
}

/* ---- lifecycle ---------------------------------------------------------- */

struct gw_engine *
gw_engine_new(const struct gw_engine_config *cfg,
              const struct gw_transport_ops *tops,
              const struct gw_app_ops *aops)
{
    struct gw_engine *e = calloc(1, sizeof *e);

    if (e == NULL)
        return NULL;
    e->cfg = *cfg;
    e->tops = *tops;
    e->aops = *aops;
    e->ping = gw_pkt_new("2", 1, 0);
    e->noop = gw_pkt_new("6", 1, 0);
    e->close = gw_pkt_new("1", 1, 0);
    if (gw_table_init(&e->table) != 0 || !e->ping || !e->noop || !e->close) {
        gw_engine_free(e);
        return NULL;
    }
    return e;
}

static void
gw_engine_close_one(struct gw_session *s, void *arg)
{
    gw_engine_close(arg, s, "server shutting down");
}

void
gw_engine_free(struct gw_engine *e)
{
    if (e == NULL)
        return;
    if (e->table.slots != NULL) {
        /* closing edits the table: restart the walk after each close */
        while (e->table.count > 0)
            gw_engine_foreach(e, gw_engine_close_one, e);
    }
    gw_table_free(&e->table);
    free(e->heap);
    gw_pkt_unref(e->ping);
    gw_pkt_unref(e->noop);
    gw_pkt_unref(e->close);
    free(e);
}

const struct gw_engine_config *
gw_engine_config(const struct gw_engine *e)
{
    return &e->cfg;
}

struct gw_session *
gw_engine_open(struct gw_engine *e, enum gw_transport transport)
{
    struct gw_session *s;
    struct cmn_buf b;
    long long now = cmn_mono_ms();
    size_t rl = strlen(e->cfg.route);

    if (e->table.count >= e->cfg.max_sessions)
        return NULL;
    if ((s = calloc(1, sizeof *s)) == NULL)
        return NULL;
    memcpy(s->sid, e->cfg.route, rl);
    s->sid[rl] = '.';
    gw_random_id(s->sid + rl + 1, 20);
    s->transport = (unsigned char)transport;
    s->heap_idx = -1;
    gw_queue_init(&s->out);
    if (gw_table_add(&e->table, s) != 0) {
        free(s);
        return NULL;
    }
    cmn_buf_init(&b);
    gw_eio_open_packet(&b, s->sid, transport == GW_T_POLLING,
                       e->cfg.ping_interval_ms, e->cfg.ping_timeout_ms,
                       e->cfg.max_payload);
    gw_engine_send_text(e, s, b.p, b.len);
    cmn_buf_free(&b);
    s->ping_at = now + e->cfg.ping_interval_ms;
    s->connect_by = e->cfg.connect_timeout_ms > 0
                        ? now + e->cfg.connect_timeout_ms : 0;
    gw_engine_reschedule(e, s);
    return s;
}

struct gw_session *
gw_engine_find(struct gw_engine *e, const char *sid)
{
    return gw_table_find(&e->table, sid);
}

unsigned
gw_engine_count(const struct gw_engine *e)
{
    return (unsigned)e->table.count;
}

/* Close s; a held poll is answered with `final` ("1", or "6" when the
 * client itself closed: it only needs its pending request to end). */
static void
gw_engine_close_with(struct gw_engine *e, struct gw_session *s,
                     const char *reason, struct gw_pkt *final)
{
    if (s->closed)
        return;
    s->closed = 1;
    gw_heap_remove(e, s);
    gw_table_del(&e->table, s);
    if (e->aops.on_leave != NULL)
        e->aops.on_leave(e->aops.app, s, NULL, reason);
    e->tops.drop(s, reason, final);
    gw_binpend_free(s->bin);
    gw_queue_clear(&s->out);
    gw_nsp_free_all(s);
    free(s);
}

void
gw_engine_close(struct gw_engine *e, struct gw_session *s,
                const char *reason)
{
    gw_engine_close_with(e, s, reason, e->close);
}

void
gw_engine_probe_lost(struct gw_engine *e, struct gw_session *s)
{
    (void)e;
    s->upgrading = 0;
    s->probe_reply = 0;
    s->ws = NULL;
}

/* ---- sending ------------------------------------------------------------ */

int
gw_engine_send(struct gw_engine *e, struct gw_session *s, struct gw_pkt *pk)
{
    long long now;

    if (s->closed)
        return -1;
    now = cmn_mono_ms();
    if (s->out.count == 0)
        s->out_since = now;
    if (s->out.count >= e->cfg.send_queue_max ||
        s->out.bytes + pk->len > e->cfg.send_queue_bytes ||
        now - s->out_since > e->cfg.ping_timeout_ms) {
        cmn_log_warn("engine", "sid=%s queued=%u bytes=%zu stalled=%lldms: "
                     "slow reader, closing", s->sid, s->out.count,
                     s->out.bytes, now - s->out_since);
        gw_engine_close(e, s, "slow reader");
        return -1;
    }
    if (gw_queue_push(&s->out, pk) != 0) {
        gw_engine_close(e, s, "out of memory");
        return -1;
    }
    if (s->out.count == 1)
        e->tops.kick(s);
    return 0;
}

void
gw_engine_progress(struct gw_session *s)
{
    s->out_since = cmn_mono_ms();
}

int
gw_engine_send_text(struct gw_engine *e, struct gw_session *s,
                    const char *text, size_t len)
{
    struct gw_pkt *pk = gw_pkt_new(text, len, 0);
    int rc;

    if (pk == NULL)
        return -1;
    rc = gw_engine_send(e, s, pk);
    gw_pkt_unref(pk);
    return rc;
}

int
gw_engine_ack(struct gw_engine *e, struct gw_session *s, const char *nsp,
              long long id, const char *args_json, size_t len)
{
    struct cmn_buf b;
    int rc = -1;

    cmn_buf_init(&b);
    if (gw_sio_header(&b, GW_SIO_ACK, 0, nsp, strlen(nsp), id) == 0 &&
        cmn_buf_append(&b, args_json, len) == 0)
        rc = gw_engine_send_text(e, s, b.p, b.len);
    cmn_buf_free(&b);
    return rc;
}

/* ---- Socket.IO ---------------------------------------------------------- */

static void
gw_engine_sio_reply(struct gw_engine *e, struct gw_session *s, int type,
                    const char *nsp, const char *json)
{
    struct cmn_buf b;

    cmn_buf_init(&b);
    if (gw_sio_header(&b, type, 0, nsp, strlen(nsp), -1) == 0 &&
        cmn_buf_puts(&b, json) == 0)
        gw_engine_send_text(e, s, b.p, b.len);
    cmn_buf_free(&b);
}

void
gw_engine_connect_done(struct gw_engine *e, struct gw_session *s,
                       const char *nsp, int ok, const char *msg)
{
    struct gw_nsp *n;
    struct cmn_buf b;

    if (s->closed)
        return;
    cmn_buf_init(&b);
    if (!ok) {
        cmn_buf_puts(&b, "{\"message\":");
        cmn_buf_json_string(&b, msg, strlen(msg));
        cmn_buf_puts(&b, "}");
        gw_engine_sio_reply(e, s, GW_SIO_CONNECT_ERROR, nsp, b.p);
        cmn_buf_free(&b);
        return;
    }
    n = gw_nsp_find(s, nsp, strlen(nsp));
    if (n == NULL && (n = gw_nsp_add(s, nsp, strlen(nsp))) == NULL) {
        gw_engine_close(e, s, "out of memory");
        cmn_buf_free(&b);
        return;
    }
    cmn_buf_printf(&b, "{\"sid\":\"%s\"}", n->sid);
    gw_engine_sio_reply(e, s, GW_SIO_CONNECT, nsp, b.p);
    cmn_buf_free(&b);
    if (s->connect_by != 0) {
        s->connect_by = 0;
        gw_engine_reschedule(e, s);
    }
}

static void
gw_engine_sio_connect(struct gw_engine *e, struct gw_session *s,
                      const struct gw_sio_packet *p)
{
    char nsp[GW_SIO_NSP_MAX + 1], msg[CMN_ERR_LEN] = "Invalid namespace";
    enum gw_connect_verdict v;

    memcpy(nsp, p->nsp, p->nsp_len);
    nsp[p->nsp_len] = '\0';
    v = e->aops.on_connect(e->aops.app, s, nsp, p->data, msg);
    if (v != GW_CONNECT_PENDING)
        gw_engine_connect_done(e, s, nsp, v == GW_CONNECT_ACCEPT, msg);
}

static void
gw_engine_sio_dispatch(struct gw_engine *e, struct gw_session *s,
                       const struct gw_sio_packet *p, struct gw_pkt **att,
                       int natt)
{
    struct gw_nsp *n;

    switch (p->type) {
    case GW_SIO_CONNECT:
        gw_engine_sio_connect(e, s, p);
        return;
    case GW_SIO_DISCONNECT:
        n = gw_nsp_find(s, p->nsp, p->nsp_len);
        if (n != NULL) {
            e->aops.on_leave(e->aops.app, s, n->name,
                             "client namespace disconnect");
            gw_nsp_del(s, n);
            /* as the reference server: no namespace left, no session */
            if (s->nsps == NULL)
                gw_engine_close(e, s, "client namespace disconnect");
        }
        return;
    case GW_SIO_EVENT:
    case GW_SIO_ACK:
    case GW_SIO_BINARY_EVENT:
    case GW_SIO_BINARY_ACK:
        if (gw_nsp_find(s, p->nsp, p->nsp_len) == NULL) {
            cmn_log_debug("engine", "sid=%s packet for a namespace it has "
                          "not joined: ignored", s->sid);
            return;
        }
        e->aops.on_packet(e->aops.app, s, p, att, natt);
        return;
    default:
        gw_engine_close(e, s, "unexpected packet type");
    }
}

/* A complete binary packet: parse its text again and hand it over. */
static void
gw_engine_bin_complete(struct gw_engine *e, struct gw_session *s)
{
    struct gw_binpend *b = s->bin;
    struct gw_sio_packet p;

    s->bin = NULL;
    if (gw_sio_parse(b->text, b->len, &p, NULL) == 0)
        gw_engine_sio_dispatch(e, s, &p, b->att, b->have);
    gw_binpend_free(b);
}

static void
gw_engine_sio_input(struct gw_engine *e, struct gw_session *s,
                    struct gw_eio_packet *ep)
{
    struct gw_sio_packet p;
    char err[CMN_ERR_LEN];
    struct gw_pkt *att;

    if (ep->binary) {
        if (s->bin == NULL) {
            gw_engine_close(e, s, "unexpected binary attachment");
            return;
        }
        if ((att = gw_pkt_new(ep->data, ep->len, 1)) == NULL) {
            gw_engine_close(e, s, "out of memory");
            return;
        }
        s->bin->att[s->bin->have++] = att;
        if (s->bin->have == s->bin->want)
            gw_engine_bin_complete(e, s);
        return;
    }
    if (s->bin != NULL) {
        gw_engine_close(e, s, "text packet while attachments were due");
        return;
    }
    if (gw_sio_parse(ep->data, ep->len, &p, err) != 0) {
        cmn_log_info("engine", "sid=%s malformed packet: %s", s->sid, err);
        gw_engine_close(e, s, "parse error");
        return;
    }
    if (p.attachments > 0) {
        struct gw_binpend *b = calloc(1, sizeof *b + (size_t)p.attachments *
                                      sizeof(struct gw_pkt *));

        if (b == NULL || (b->text = malloc(ep->len)) == NULL) {
            free(b);
            gw_engine_close(e, s, "out of memory");
            return;
        }
        memcpy(b->text, ep->data, ep->len);
        b->len = ep->len;
        b->want = p.attachments;
        s->bin = b;
        return;
    }
    gw_engine_sio_dispatch(e, s, &p, NULL, 0);
}

/* ---- Engine.IO ---------------------------------------------------------- */

void
gw_engine_input(struct gw_engine *e, struct gw_session *s,
                struct gw_eio_packet *p, int from_probe)
{
    if (s->closed)
        return;
    if (from_probe) {
        if (p->type == GW_EIO_PING && p->len == 5 &&
            memcmp(p->data, "probe", 5) == 0) {
            s->probe_reply = 1;
            e->tops.kick(s);
            /* release the client's pending poll so it can pause polling */
            gw_engine_send(e, s, e->noop);
        } else if (p->type == GW_EIO_UPGRADE && s->upgrading) {
            s->upgrading = 0;
            s->transport = GW_T_WEBSOCKET;
            e->tops.kick(s);
        } else {
            gw_engine_close(e, s, "invalid upgrade");
        }
        return;
    }
    switch (p->type) {
    case GW_EIO_PONG:
        if (s->waiting_pong) {
            s->waiting_pong = 0;
            s->ping_at = cmn_mono_ms() + e->cfg.ping_interval_ms;
            gw_engine_reschedule(e, s);
        }
        return;
    case GW_EIO_MESSAGE:
        if (e->aops.on_message != NULL)
            e->aops.on_message(e->aops.app, s, p->data, p->len, p->binary);
        else
            gw_engine_sio_input(e, s, p);
        return;
    case GW_EIO_CLOSE:
        gw_engine_close_with(e, s, "client close", e->noop);
        return;
    case GW_EIO_NOOP:
        return;
    default:
        gw_engine_close(e, s, "unexpected engine.io packet");
    }
}

long long
gw_engine_timers(struct gw_engine *e, long long now)
{
    while (e->nheap > 0 && e->heap[0]->deadline <= now) {
        struct gw_session *s = e->heap[0];

        if (s->connect_by > 0 && now >= s->connect_by) {
            gw_engine_close(e, s, "connect timeout");
        } else if (s->waiting_pong && now >= s->pong_by) {
            gw_engine_close(e, s, "ping timeout");
        } else if (!s->waiting_pong && now >= s->ping_at) {
            s->waiting_pong = 1;
            s->pong_by = now + e->cfg.ping_timeout_ms;
            gw_engine_reschedule(e, s);
            gw_engine_send(e, s, e->ping);
        } else {
            gw_engine_reschedule(e, s);     /* stale key: cannot happen */
        }
    }
    return e->nheap > 0 ? e->heap[0]->deadline : 0;
}

void
gw_engine_foreach(struct gw_engine *e,
                  void (*fn)(struct gw_session *s, void *arg), void *arg)
{
    for (size_t i = 0; i < e->table.nslots; i++) {
        struct gw_session *s = e->table.slots[i], *next;

        for (; s != NULL; s = next) {
            next = s->hnext;
            fn(s, arg);
        }
    }
}
