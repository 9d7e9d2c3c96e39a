/* lg_pool.c -- the sessions of one load generator process (see
 * lg_pool.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmn/cmn_buf.h"
#include "lg_pool.h"

#define LG_POOL_TRIES 3

static struct cmn_buf lg_pool_scratch;   /* one loop per process */

static void lg_pool_start_more(struct lg_pool *p);

/* ---- callbacks ------------------------------------------------------------ */

static void
lg_pool_on_beat(struct sioc_loop *l, struct sioc_timer *t, void *arg)
{
    struct lg_sess *s = arg;
    char json[96], err[CMN_ERR_LEN];

    if (s->state != LG_S_CONNECTED || s->no_beat)
        return;
    snprintf(json, sizeof json, "{\"client\":\"%s\"}", s->user->name);
    sioc_emit(s->c, "connection_alive", json, err);
    sioc_timer_start(l, t, s->pool->o.heartbeat_ms);
}

static void
lg_pool_on_connect(struct sioc_conn *c, const char *sid, void *user)
{
    struct lg_sess *s = user;
    struct lg_pool *p = s->pool;

    (void)c;
    (void)sid;
    s->state = LG_S_CONNECTED;
    p->pending--;
    p->k.connected++;
    if (p->k.connected % 1000 == 0 && p->nramp < 64)
        p->ramp_s[p->nramp++] = (float)(lg_now_us() - p->t_connect) / 1e6f;
    if (p->connect_us != NULL)
        lg_hist_record(p->connect_us, lg_now_us() - s->t_start);
    if (p->o.heartbeat_ms > 0)       /* spread the beats over the period */
        sioc_timer_start(p->loop, &s->beat,
                         1 + rand() % p->o.heartbeat_ms);
    if (p->h.on_connect != NULL)
        p->h.on_connect(s);
    lg_pool_start_more(p);
}

static void
lg_pool_on_event(struct sioc_conn *c, const struct sioc_event *ev,
                 void *user)
{
    struct lg_sess *s = user;
    struct lg_pool *p = s->pool;

    (void)c;
    if (strcmp(ev->name, "received_message") == 0) {
        p->k.ev_received++;
    } else if (strcmp(ev->name, "new_user_online") == 0) {
        p->k.ev_online++;
        p->last_online_us = lg_now_us();
    } else if (strcmp(ev->name, "user_has_gone_offline") == 0) {
        p->k.ev_offline++;
    } else {
        p->k.ev_other++;
    }
    if (p->h.on_event != NULL)
        p->h.on_event(s, ev);
}

static void
lg_pool_on_ack(struct sioc_conn *c, const struct sioc_event *ev, void *user)
{
    struct lg_sess *s = user;

    (void)c;
    s->pool->k.acks++;
    if (s->pool->h.on_ack != NULL)
        s->pool->h.on_ack(s, ev);
}

static int lg_pool_open(struct lg_pool *p, struct lg_sess *s);

static void
lg_pool_on_close(struct sioc_conn *c, enum sioc_close_reason why,
                 const char *detail, void *user)
{
    struct lg_sess *s = user;
    struct lg_pool *p = s->pool;

    (void)c;
    sioc_timer_stop(p->loop, &s->beat);
    sioc_conn_free(s->c);
    s->c = NULL;
    snprintf(p->k.last_close, sizeof p->k.last_close, "%s: %s: %.100s",
             s->user->name, sioc_close_reason_str(why),
             detail ? detail : "");
    if (s->state == LG_S_CONNECTED) {
        s->state = LG_S_CLOSED;
        p->k.closed++;
        return;
    }
    /* the handshake failed: try again, or give up */
    p->pending--;
    if (++s->tries < LG_POOL_TRIES && lg_pool_open(p, s) == 0)
        return;
    s->state = LG_S_FAILED;
    p->k.failed++;
    lg_pool_start_more(p);
}

static const struct sioc_callbacks lg_pool_cbs = {
    .on_connect = lg_pool_on_connect,
    .on_event = lg_pool_on_event,
    .on_ack = lg_pool_on_ack,
    .on_close = lg_pool_on_close,
};

/* ---- connecting ----------------------------------------------------------- */

/* Start one handshake attempt for s. 0, or -1 (counted as failed). */
static int
lg_pool_open(struct lg_pool *p, struct lg_sess *s)
{
    char auth[4200], err[CMN_ERR_LEN];
    struct sioc_opts o;

    memset(&o, 0, sizeof o);
    o.host = p->o.host;
    o.port = p->o.port;
    o.open_timeout_ms = p->o.open_timeout_ms;
    if (p->o.nsrcs > 0)
        o.bind_addr = p->o.srcs[(size_t)s->idx % p->o.nsrcs];
    snprintf(auth, sizeof auth, "{\"token\":\"%s\"}", s->user->token);
    o.auth_json = auth;
    s->state = LG_S_CONNECTING;
    s->t_start = lg_now_us();
    p->k.attempts++;
    s->c = sioc_conn_new(p->loop, &o, &lg_pool_cbs, s, err);
    if (s->c == NULL) {
        snprintf(p->k.last_close, sizeof p->k.last_close, "%s: %.120s",
                 s->user->name, err);
        return -1;
    }
    p->pending++;
    return 0;
}

static void
lg_pool_start_more(struct lg_pool *p)
{
    while (p->pending < p->o.inflight && p->next < p->hi) {
        struct lg_sess *s = &p->s[p->next++];

        if (s->user->token == NULL || lg_pool_open(p, s) != 0) {
            s->state = LG_S_FAILED;
            p->k.failed++;
        }
    }
}

/* ---- the pool ----------------------------------------------------------- */

/* The JSON of a message from s up to the content's value. */
static int
lg_pool_head(struct lg_sess *s, const struct lg_user *peer)
{
    const char *a = s->user->name, *b = peer->name;
    struct cmn_buf h;

    if (strcmp(a, b) > 0) {        /* the room sorts the names */
        a = peer->name;
        b = s->user->name;
    }
    cmn_buf_init(&h);
    if (cmn_buf_printf(&h, "{\"sender\":\"%s\",\"conversation_room\":"
                       "\"%s&%s\",\"jwt\":\"%s\",\"content\":\"",
                       s->user->name, a, b, s->user->token) != 0) {
        cmn_buf_free(&h);
        return -1;
    }
    s->head_len = h.len;
    s->head = cmn_buf_steal(&h);
    return s->head ? 0 : -1;
}

int
lg_pool_init(struct lg_pool *p, const struct lg_pool_opts *o,
             const struct lg_pool_hooks *h, struct lg_user *users, long base,
             size_t n, int peers, char *err)
{
    memset(p, 0, sizeof *p);
    p->o = *o;
    if (h != NULL)
        p->h = *h;
    if (p->o.inflight <= 0)
        p->o.inflight = 256;
    p->base = base;
    p->n = n;
    if ((p->loop = sioc_loop_new(err)) == NULL)
        return -1;
    p->s = calloc(n ? n : 1, sizeof *p->s);
    p->connect_us = lg_hist_new();
    if (p->s == NULL || p->connect_us == NULL) {
        cmn_errf(err, "out of memory");
        lg_pool_cleanup(p);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        struct lg_sess *s = &p->s[i];

        s->pool = p;
        s->idx = base + (long)i;
        s->user = &users[s->idx];
        s->peer = -1;
        sioc_timer_init(&s->beat, lg_pool_on_beat, s);
        if (peers && (s->idx ^ 1) >= base && (s->idx ^ 1) < base + (long)n) {
            s->peer = s->idx ^ 1;
            if (s->user->token != NULL &&
                lg_pool_head(s, &users[s->peer]) != 0) {
                cmn_errf(err, "out of memory");
                lg_pool_cleanup(p);
                return -1;
            }
        }
    }
    return 0;
}

void
lg_pool_cleanup(struct lg_pool *p)
{
    sioc_loop_free(p->loop);            /* frees the connections */
    for (size_t i = 0; p->s != NULL && i < p->n; i++) {
        free(p->s[i].head);
        lg_rx_free(&p->s[i].rx);
    }
    free(p->s);
    free(p->connect_us);
    cmn_buf_free(&lg_pool_scratch);
    memset(p, 0, sizeof *p);
}

size_t
lg_pool_connect(struct lg_pool *p, size_t n_local, long timeout_ms)
{
    uint64_t end = lg_now_us() + (uint64_t)timeout_ms * 1000;

    p->hi = n_local > p->n ? p->n : n_local;
    if (p->t_connect == 0)
        p->t_connect = lg_now_us();
    lg_pool_start_more(p);
    while ((p->pending > 0 || p->next < p->hi) && lg_now_us() < end) {
        sioc_loop_run_once(p->loop, 50);
        lg_pool_start_more(p);
    }
    return p->k.connected;
}

void
lg_pool_run(struct lg_pool *p, long ms, int (*stop_fn)(void *arg), void *arg)
{
    uint64_t end = lg_now_us() + (uint64_t)ms * 1000;

    while (lg_now_us() < end) {
        long left = (long)((end - lg_now_us()) / 1000);

        if (stop_fn != NULL && stop_fn(arg))
            return;
        sioc_loop_run_once(p->loop, left > 10 ? 10 : (left > 0 ? (int)left
                                                                 : 0));
    }
}

void
lg_pool_quiesce(struct lg_pool *p, long quiet_ms, long max_ms)
{
    uint64_t start = lg_now_us(), end = start + (uint64_t)max_ms * 1000;

    if (p->last_online_us < start)
        p->last_online_us = start;
    while (lg_now_us() < end &&
           lg_now_us() - p->last_online_us < (uint64_t)quiet_ms * 1000)
        sioc_loop_run_once(p->loop, 20);
}

int
lg_sess_send(struct lg_sess *s, const char *content, size_t len, int ack)
{
    struct cmn_buf *b = &lg_pool_scratch;
    char err[CMN_ERR_LEN];

    if (s->state != LG_S_CONNECTED || s->head == NULL)
        return -1;
    cmn_buf_reset(b);
    if (cmn_buf_append(b, s->head, s->head_len) != 0 ||
        cmn_buf_append(b, content, len) != 0 || cmn_buf_puts(b, "\"}") != 0)
        return -1;
    if (ack)
        return sioc_emit_ack(s->c, "client_sends_message", b->p, err) >= 0
                   ? 0 : -1;
    return sioc_emit(s->c, "client_sends_message", b->p, err);
}

struct lg_sess *
lg_pool_sess(struct lg_pool *p, long idx)
{
    if (idx < p->base || idx >= p->base + (long)p->n)
        return NULL;
    return &p->s[idx - p->base];
}

size_t
lg_pool_live(const struct lg_pool *p)
{
    size_t n = 0;

    for (size_t i = 0; i < p->n; i++)
        n += p->s[i].state == LG_S_CONNECTED;
    return n;
}
