/* lg_backlog.c -- scenario "backlog": --messages chat messages for a user
 * who is offline, then the time that user takes to get all of them once
 * it connects, and whether they came in order.
 *
 * Two users (the first two of the range): the sender connects and sends
 * everything with acks (the relay answers "cached" once a message is in
 * the receiver's durable inbox), at most LG_BL_WINDOW unacknowledged.
 * Then the receiver logs in and connects; the clock runs from the start
 * of its connection to the last message. The gateway's per-socket event
 * rate limit applies to the sender: the bench runs this scenario with
 * GW_EVENT_RATE=0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmn/cmn_json.h"
#include "lg_scen.h"

#define LG_BL_WINDOW 500

struct lg_bl {
    struct lg_ctx *ctx;
    uint64_t acks, cached, ack_other, outstanding;
    uint64_t got, first_us, last_us, connect_us;
    int receiving;
};

static void
lg_bl_on_ack(struct lg_sess *s, const struct sioc_event *ev)
{
    struct lg_bl *b = s->pool->h.arg;
    struct cmn_json_span a0;
    char result[32];

    b->acks++;
    b->outstanding--;
    if (sioc_event_arg(ev, 0, &a0) == 1 &&
        cmn_json_get_string(a0, "result", result, sizeof result) > 0 &&
        strcmp(result, "cached") == 0)
        b->cached++;
    else
        b->ack_other++;
}

static void
lg_bl_on_event(struct lg_sess *s, const struct sioc_event *ev)
{
    struct lg_bl *b = s->pool->h.arg;
    char content[512];
    struct lg_msg m;
    ssize_t n;

    if (s->idx != 1 || strcmp(ev->name, "received_message") != 0)
        return;
    n = cmn_json_get_string(ev->arg0, "content", content, sizeof content);
    if (n < 0 || lg_msg_parse(content, (size_t)n, &m) != 0 || m.from != 0)
        return;
    if (lg_rx_mark(&s->rx, m.seq) == 1) {
        b->last_us = lg_now_us();
        if (b->got++ == 0)
            b->first_us = b->last_us;
    }
}

static void
lg_bl_on_connect(struct lg_sess *s)
{
    struct lg_bl *b = s->pool->h.arg;

    if (s->idx == 1)
        b->connect_us = lg_now_us();
}

/* Is user online (presence's hash)? 1, 0, or -1 without Redis. */
static int
lg_bl_online(struct lg_ctx *ctx, const char *user)
{
    redisReply *r;
    int on;

    if (!ctx->has_redis)
        return -1;
    r = cmn_redis_cmd(&ctx->redis, "HEXISTS online %s", user);
    on = r != NULL && r->type == REDIS_REPLY_INTEGER ? (int)r->integer : -1;
    freeReplyObject(r);
    return on;
}

/* Send every message from session 0; returns the seconds it took until
 * the last ack. */
static double
lg_bl_send_all(struct lg_pool *p, struct lg_bl *b, long total)
{
    struct lg_sess *s = &p->s[0];
    uint64_t t0 = lg_now_us(), end = t0 + 120 * 1000000ull;
    long sent = 0;

    while ((b->acks < (uint64_t)total) && lg_now_us() < end &&
           s->state == LG_S_CONNECTED) {
        while (sent < total && b->outstanding < LG_BL_WINDOW) {
            struct lg_msg m = {0, 0, (uint64_t)sent, lg_now_us()};
            char content[256];
            int len = lg_msg_format(&m, (size_t)b->ctx->o->size, content,
                                    sizeof content);

            if (len < 0 || lg_sess_send(s, content, (size_t)len, 1) != 0)
                break;
            s->next_seq++;
            b->outstanding++;
            sent++;
        }
        sioc_loop_run_once(p->loop, 5);
    }
    return (double)(lg_now_us() - t0) / 1e6;
}

static int
lg_bl_done(void *arg)
{
    const struct lg_bl *b = arg;

    return b->got >= (uint64_t)b->ctx->o->messages;
}

static void
lg_bl_report(struct lg_ctx *ctx, struct lg_pool *p, const struct lg_bl *b,
             double send_s, uint64_t t_conn, long inbox)
{
    const struct lg_rx *rx = &p->s[1].rx;
    long total = ctx->o->messages;
    double all_ms = b->got ? (double)(b->last_us - t_conn) / 1000.0 : -1;
    double conn_ms = b->connect_us ? (double)(b->connect_us - t_conn) / 1e3
                                   : -1;
    int in_order = rx->reordered == 0 && rx->dups == 0 &&
                   b->got == (uint64_t)total;

    cmn_buf_printf(&ctx->out, ",\"messages\":%ld,\"acks\":%llu,"
                   "\"cached_acks\":%llu,\"other_acks\":%llu,"
                   "\"send_s\":%.3f,\"inbox_before_connect\":%ld,"
                   "\"received\":%llu,\"dups\":%llu,\"reordered\":%llu,"
                   "\"in_order\":%s,\"connect_ms\":%.1f,"
                   "\"first_ms\":%.1f,\"all_ms\":%.1f,\"per_s\":%.0f,"
                   "\"receiver_closed\":%s,\"last_close\":",
                   total, (unsigned long long)b->acks,
                   (unsigned long long)b->cached,
                   (unsigned long long)b->ack_other, send_s, inbox,
                   (unsigned long long)b->got,
                   (unsigned long long)rx->dups,
                   (unsigned long long)rx->reordered,
                   in_order ? "true" : "false", conn_ms,
                   b->got ? (double)(b->first_us - t_conn) / 1e3 : -1.0,
                   all_ms, all_ms > 0 ? (double)b->got / all_ms * 1000 : 0,
                   p->s[1].state == LG_S_CLOSED ? "true" : "false");
    cmn_buf_json_string(&ctx->out, p->k.last_close, strlen(p->k.last_close));
    printf("backlog: %llu/%ld offline messages delivered %s in %.1f ms after "
           "connect (%.0f msg/s)%s\n", (unsigned long long)b->got, total,
           in_order ? "in order" : "NOT in order", all_ms,
           all_ms > 0 ? (double)b->got / all_ms * 1000 : 0,
           p->s[1].state == LG_S_CLOSED ? ", receiver closed by server" : "");
}

/* The receiver's inbox size (inboxn), -1 unknown. */
static long
lg_bl_inbox(struct lg_ctx *ctx, const char *user)
{
    redisReply *r;
    long n = -1;

    if (!ctx->has_redis)
        return -1;
    r = cmn_redis_cmd(&ctx->redis, "HGET inboxn %s", user);
    if (r != NULL && r->type == REDIS_REPLY_STRING)
        n = atol(r->str);
    else if (r != NULL && r->type == REDIS_REPLY_NIL)
        n = 0;
    freeReplyObject(r);
    return n;
}

int
lg_run_backlog(struct lg_ctx *ctx)
{
    struct lg_bl b;
    struct lg_pool p;
    struct lg_pool_opts po;
    struct lg_pool_hooks h = {lg_bl_on_connect, lg_bl_on_event, lg_bl_on_ack,
                              &b};
    char err[CMN_ERR_LEN];
    double send_s;
    uint64_t t_conn;
    long inbox;

    if (ctx->nusers < 2)
        return -1;
    ctx->nusers = 2;
    memset(&b, 0, sizeof b);
    b.ctx = ctx;
    for (int i = 0; i < 100 && lg_bl_online(ctx, ctx->users[1].name) == 1; i++)
        usleep(100000);
    if (lg_ctx_login(ctx, 0, 2, NULL) != 2)
        return -1;
    lg_ctx_pool_opts(ctx, &po);
    if (lg_pool_init(&p, &po, &h, ctx->users, 0, 2, 1, err) != 0) {
        fprintf(stderr, "loadgen: %s\n", err);
        return -1;
    }
    if (lg_pool_connect(&p, 1, 30000) != 1) {
        fprintf(stderr, "loadgen: the sender could not connect: %s\n",
                p.k.last_close);
        lg_pool_cleanup(&p);
        return -1;
    }
    send_s = lg_bl_send_all(&p, &b, ctx->o->messages);
    fprintf(stderr, "loadgen: %llu acks (%llu cached) in %.2f s\n",
            (unsigned long long)b.acks, (unsigned long long)b.cached, send_s);
    inbox = lg_bl_inbox(ctx, ctx->users[1].name);
    t_conn = lg_now_us();
    lg_pool_connect(&p, 2, 30000);
    lg_pool_run(&p, (long)(ctx->o->timeout_s * 1000), lg_bl_done, &b);
    lg_bl_report(ctx, &p, &b, send_s, t_conn, inbox);
    lg_pool_cleanup(&p);
    return 0;
}
