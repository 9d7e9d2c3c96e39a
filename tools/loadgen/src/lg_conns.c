/* lg_conns.c -- scenario "connections": open --users sessions as real
 * clients do (login, websocket through nginx, CONNECT with the token),
 * then hold them idle (heartbeats and pings only) for --hold-s.
 *
 * The parent logs everyone in, forks --procs workers (a process may hold
 * about 20,000 descriptors), samples the watched processes, and says GO;
 * the workers open their slices with --inflight handshakes pending each
 * and report READY. Figures: handshakes per second over the whole ramp,
 * the time of each handshake, resident memory per session of every
 * watched process (growth from before the ramp to after it, divided by
 * the sessions), CPU during the ramp and while idle, sessions the server
 * closed during the hold. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lg_scen.h"
#include "lg_wire.h"

struct lg_cn_ready {
    unsigned long connected, failed, attempts;
    double connect_s;
    int nramp;
    float ramp_s[64];          /* this worker: seconds to each 1000 */
};

struct lg_cn_done {
    unsigned long closed, live, ev_online, ev_offline, ev_other;
    char last_close[160];
};

static int
lg_cn_worker_main(struct lg_worker *self, void *arg)
{
    struct lg_ctx *ctx = arg;
    struct lg_pool pool;
    struct lg_pool_opts po;
    struct lg_cn_ready rd;
    struct lg_cn_done dn;
    struct cmn_buf b;
    char err[CMN_ERR_LEN];
    size_t per = ctx->nusers / (size_t)ctx->o->procs;
    size_t lo = per * (size_t)self->index;
    size_t n = self->index == ctx->o->procs - 1 ? ctx->nusers - lo : per;
    uint64_t t0;
    int rc = 1;

    cmn_buf_init(&b);
    lg_ctx_pool_opts(ctx, &po);
    if (lg_pool_init(&pool, &po, NULL, ctx->users, (long)lo, n, 0,
                     err) != 0) {
        fprintf(stderr, "loadgen: worker %d: %s\n", self->index, err);
        cmn_buf_free(&b);
        return 1;
    }
    if (lg_wire_recv(self->to, &b, -1) != LG_W_GO)
        goto out;
    t0 = lg_now_us();
    lg_pool_connect(&pool, n, 600000);
    memset(&rd, 0, sizeof rd);
    rd.connected = pool.k.connected;
    rd.failed = pool.k.failed;
    rd.attempts = pool.k.attempts;
    rd.connect_s = (double)(lg_now_us() - t0) / 1e6;
    rd.nramp = pool.nramp;
    memcpy(rd.ramp_s, pool.ramp_s, sizeof rd.ramp_s);
    cmn_buf_reset(&b);
    if (cmn_buf_append(&b, &rd, sizeof rd) != 0 ||
        lg_hist_pack(pool.connect_us, &b) != 0 ||
        lg_wire_send(self->from, LG_W_READY, b.p, b.len) != 0)
        goto out;
    if (lg_scen_wait_parent(&pool, self->to, &b) != LG_W_STOP)
        goto out;
    memset(&dn, 0, sizeof dn);
    dn.closed = pool.k.closed;
    dn.live = lg_pool_live(&pool);
    dn.ev_online = pool.k.ev_online;
    dn.ev_offline = pool.k.ev_offline;
    dn.ev_other = pool.k.ev_other;
    snprintf(dn.last_close, sizeof dn.last_close, "%s", pool.k.last_close);
    rc = lg_wire_send(self->from, LG_W_DONE, &dn, sizeof dn) == 0 ? 0 : 1;
out:
    lg_pool_cleanup(&pool);
    cmn_buf_free(&b);
    return rc;
}

/* Sum the workers' READY reports; hist gets their handshake times. */
static int
lg_cn_ready(struct lg_worker *w, int nw, struct lg_cn_ready *sum,
            struct lg_hist *hist, struct cmn_buf *curve)
{
    struct cmn_buf b;
    int rc = 0;

    memset(sum, 0, sizeof *sum);
    cmn_buf_puts(curve, "[");
    cmn_buf_init(&b);
    for (int i = 0; i < nw; i++) {
        struct lg_cn_ready r;

        if (lg_wire_recv(w[i].from, &b, -1) != LG_W_READY || b.len < sizeof r) {
            rc = -1;
            continue;
        }
        memcpy(&r, b.p, sizeof r);
        lg_hist_unpack(hist, b.p + sizeof r, b.len - sizeof r);
        cmn_buf_puts(curve, i ? ",[" : "[");
        for (int k = 0; k < r.nramp && k < 64; k++)
            cmn_buf_printf(curve, "%s%.2f", k ? "," : "", (double)r.ramp_s[k]);
        cmn_buf_puts(curve, "]");
        sum->connected += r.connected;
        sum->failed += r.failed;
        sum->attempts += r.attempts;
        if (r.connect_s > sum->connect_s)
            sum->connect_s = r.connect_s;
    }
    cmn_buf_puts(curve, "]");
    cmn_buf_free(&b);
    return rc;
}

static void
lg_cn_done(struct lg_worker *w, int nw, struct lg_cn_done *sum)
{
    struct cmn_buf b;

    memset(sum, 0, sizeof *sum);
    cmn_buf_init(&b);
    for (int i = 0; i < nw; i++)
        lg_wire_send(w[i].to, LG_W_STOP, NULL, 0);
    for (int i = 0; i < nw; i++) {
        struct lg_cn_done d;

        if (lg_wire_recv(w[i].from, &b, -1) != LG_W_DONE || b.len < sizeof d)
            continue;
        memcpy(&d, b.p, sizeof d);
        sum->closed += d.closed;
        sum->live += d.live;
        sum->ev_online += d.ev_online;
        sum->ev_offline += d.ev_offline;
        sum->ev_other += d.ev_other;
        if (d.last_close[0] != '\0')
            snprintf(sum->last_close, sizeof sum->last_close, "%s",
                     d.last_close);
    }
    cmn_buf_free(&b);
}

/* "rss_per_session_bytes":{"name":x,...} from a to b over n sessions. */
static void
lg_cn_rss_json(struct lg_ctx *ctx, const struct lg_sample *a,
               const struct lg_sample *b, unsigned long n)
{
    cmn_buf_puts(&ctx->out, ",\"rss_per_session_bytes\":{");
    for (size_t i = 0; i < ctx->nwatch && i < b->n; i++)
        cmn_buf_printf(&ctx->out, "%s\"%s\":%.0f", i ? "," : "",
                       ctx->watch[i].name,
                       n ? ((double)b->u[i].rss_kb - (double)a->u[i].rss_kb) *
                           1024.0 / (double)n : 0.0);
    cmn_buf_puts(&ctx->out, "}");
}

static void
lg_cn_report(struct lg_ctx *ctx, const struct lg_cn_ready *rd,
             double ramp_s, const struct lg_hist *hs,
             const struct lg_sample *s, const struct lg_cn_done *dn,
             const struct cmn_buf *curve)
{
    struct cmn_buf *o = &ctx->out;
    double gw = 0;

    cmn_buf_printf(o, ",\"target\":%zu,\"connected\":%lu,\"failed\":%lu,"
                   "\"attempts\":%lu,\"procs\":%d,\"inflight\":%d,"
                   "\"ramp_s\":%.3f,\"handshakes_per_s\":%.1f,"
                   "\"handshake_us\":", ctx->nusers, rd->connected,
                   rd->failed, rd->attempts, ctx->o->procs, ctx->o->inflight,
                   ramp_s, ramp_s > 0 ? (double)rd->connected / ramp_s : 0);
    lg_hist_json(hs, o);
    cmn_buf_puts(o, ",\"ramp_curve_s\":");
    cmn_buf_append(o, curve->p, curve->len);
    lg_cn_rss_json(ctx, &s[0], &s[2], rd->connected);
    cmn_buf_puts(o, ",\"before\":");
    lg_watch_json(ctx->watch, ctx->nwatch, &s[0], &s[1], o);
    cmn_buf_puts(o, ",\"ramp\":");
    lg_watch_json(ctx->watch, ctx->nwatch, &s[1], &s[2], o);
    cmn_buf_printf(o, ",\"hold_s\":%.1f,\"idle\":", ctx->o->hold_s);
    lg_watch_json(ctx->watch, ctx->nwatch, &s[2], &s[3], o);
    cmn_buf_printf(o, ",\"closed_during_hold\":%lu,\"live_at_end\":%lu,"
                   "\"events\":{\"new_user_online\":%lu,"
                   "\"user_has_gone_offline\":%lu,\"other\":%lu},"
                   "\"last_close\":", dn->closed, dn->live, dn->ev_online,
                   dn->ev_offline, dn->ev_other);
    cmn_buf_json_string(o, dn->last_close, strlen(dn->last_close));
    for (size_t i = 0; i < ctx->nwatch; i++)
        if (strncmp(ctx->watch[i].name, "gateway", 7) == 0)
            gw += ((double)s[2].u[i].rss_kb - (double)s[0].u[i].rss_kb) * 1024;
    printf("connections: %lu/%zu sessions in %.1f s (%.0f handshakes/s), "
           "gateway %.0f B/session, %lu closed during the hold\n",
           rd->connected, ctx->nusers, ramp_s,
           ramp_s > 0 ? (double)rd->connected / ramp_s : 0,
           rd->connected ? gw / (double)rd->connected : 0, dn->closed);
}

int
lg_run_connections(struct lg_ctx *ctx)
{
    struct lg_worker w[64];
    struct lg_sample s[4];      /* before, ramp start, after ramp, idle end */
    struct lg_cn_ready rd;
    struct lg_cn_done dn;
    struct lg_hist *hs = lg_hist_new();
    struct cmn_buf curve;
    uint64_t t0;
    double ramp_s;
    int nw = ctx->o->procs, rc = -1;

    memset(w, 0, sizeof w);
    cmn_buf_init(&curve);
    if (hs == NULL)
        return -1;
    if (lg_ctx_tokens_load(ctx, ctx->nusers) == 0) {
        cmn_buf_puts(&ctx->out, ",\"tokens_reused\":true");
    } else {
        if (lg_ctx_login(ctx, 0, ctx->nusers, "login") == 0)
            goto out;
        if (ctx->o->tokens != NULL)
            lg_ctx_tokens_save(ctx, ctx->nusers);
    }
    lg_ctx_sample(ctx, &s[0]);
    sleep(1);
    fflush(NULL);
    if (lg_wire_spawn(w, nw, lg_cn_worker_main, ctx) != 0)
        goto out;
    lg_ctx_sample(ctx, &s[1]);
    t0 = lg_now_us();
    for (int i = 0; i < nw; i++)
        lg_wire_send(w[i].to, LG_W_GO, NULL, 0);
    if (lg_cn_ready(w, nw, &rd, hs, &curve) != 0)
        goto reap;
    ramp_s = (double)(lg_now_us() - t0) / 1e6;
    fprintf(stderr, "loadgen: %lu sessions open in %.2f s (%lu failed); "
            "holding %.0f s\n", rd.connected, ramp_s, rd.failed,
            ctx->o->hold_s);
    lg_ctx_sample(ctx, &s[2]);
    usleep((useconds_t)(ctx->o->hold_s * 1e6));
    lg_ctx_sample(ctx, &s[3]);
    lg_cn_done(w, nw, &dn);
    lg_cn_report(ctx, &rd, ramp_s, hs, s, &dn, &curve);
    rc = 0;
reap:
    if (lg_wire_reap(w, nw) != 0)
        fprintf(stderr, "loadgen: a worker failed\n");
out:
    cmn_buf_free(&curve);
    free(hs);
    return rc;
}
