/* lg_tput.c -- scenario "throughput": pairs of sessions exchange chat
 * messages at stepped offered rates, open loop.
 *
 * The parent logs everyone in and forks --procs workers, each owning an
 * even slice of the sessions (so both members of a pair live in the same
 * process and it can count losses exactly). For every step the parent
 * names the start time and the rate; each worker sends its share on a
 * 1 ms schedule (message i is due at start + i/rate, whatever happened to
 * the previous ones), and reports what its sessions received: messages of
 * this step delivered, arrivals inside the step's window (throughput),
 * duplicates, reordering, latency from due time to arrival. Steps go up
 * the list, then by --auto-step, until delivery falls behind (delivered
 * rate below --behind of offered, or messages still missing after the
 * gap). At the end the workers wait --drain-s for stragglers, so "lost"
 * means never delivered. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmn/cmn_json.h"
#include "lg_rstat.h"
#include "lg_scen.h"
#include "lg_wire.h"

#define LG_TP_STEPS 64

struct lg_tp_ready {
    unsigned long connected, failed, attempts;
    double connect_s;
    unsigned long fanout_frames;   /* new_user_online received */
    double fanout_s;               /* connect start to the last of them */
};

struct lg_tp_step {
    int k;
    double rate;               /* this worker's share, msg/s */
    uint64_t t_start, dur_us, gap_us;
};

struct lg_tp_res {
    uint64_t sent, send_err, delivered, in_window, dups, reordered;
    uint64_t echoes, errors, max_lag_us, closed;
};

struct lg_tp_final {
    uint64_t delivered[LG_TP_STEPS];
    uint64_t dups[LG_TP_STEPS];
    uint64_t closed;
    char last_close[160];
};

/* The worker's state. */
struct lg_tp_worker {
    struct lg_ctx *ctx;
    struct lg_pool pool;
    int step;                  /* current step, -1 between steps */
    uint64_t win_lo, win_hi;   /* arrival window of the current step */
    uint64_t sent[LG_TP_STEPS];
    struct lg_tp_res res[LG_TP_STEPS];
    struct lg_hist *lat[LG_TP_STEPS];
    size_t cursor;             /* next sender */
};

/* ---- worker: receiving ----------------------------------------------------- */

static void
lg_tp_on_event(struct lg_sess *s, const struct sioc_event *ev)
{
    struct lg_tp_worker *w = s->pool->h.arg;
    char content[512];
    struct lg_msg m;
    ssize_t n;
    uint64_t now, before;

    if (strcmp(ev->name, "received_message") != 0 || ev->argc < 1)
        return;
    n = cmn_json_get_string(ev->arg0, "content", content, sizeof content);
    if (n < 0 || lg_msg_parse(content, (size_t)n, &m) != 0 ||
        m.step < 0 || m.step >= LG_TP_STEPS) {
        /* the Admin error, or a stranger's message */
        w->res[w->step >= 0 ? w->step : 0].errors++;
        return;
    }
    if (m.from == s->idx) {
        w->res[m.step].echoes++;
        return;
    }
    if (m.from != s->peer) {
        w->res[m.step].errors++;
        return;
    }
    now = lg_now_us();
    before = s->rx.reordered;
    if (lg_rx_mark(&s->rx, m.seq) != 1) {
        w->res[m.step].dups++;
        return;
    }
    if (s->rx.reordered > before)
        w->res[m.step].reordered++;
    w->res[m.step].delivered++;
    if (now >= w->win_lo && now < w->win_hi)
        w->res[w->step >= 0 ? w->step : m.step].in_window++;
    if (w->lat[m.step] == NULL)
        w->lat[m.step] = lg_hist_new();
    if (w->lat[m.step] != NULL)
        lg_hist_record(w->lat[m.step], now > m.t_us ? now - m.t_us : 0);
}

/* ---- worker: sending ------------------------------------------------------ */

/* The next connected session with a peer, round robin; NULL if none. */
static struct lg_sess *
lg_tp_next_sender(struct lg_tp_worker *w)
{
    struct lg_pool *p = &w->pool;

    for (size_t tries = 0; tries < p->n; tries++) {
        struct lg_sess *s = &p->s[w->cursor];

        w->cursor = (w->cursor + 1) % p->n;
        if (s->state == LG_S_CONNECTED && s->peer >= 0)
            return s;
    }
    return NULL;
}

static void
lg_tp_send_one(struct lg_tp_worker *w, const struct lg_tp_step *st,
               uint64_t i)
{
    struct lg_tp_res *r = &w->res[st->k];
    struct lg_sess *s = lg_tp_next_sender(w);
    struct lg_msg m;
    char content[4096];
    int len;

    if (s == NULL) {
        r->send_err++;
        return;
    }
    m.step = st->k;
    m.from = s->idx;
    m.seq = s->next_seq;
    m.t_us = st->t_start + (uint64_t)((double)i * 1e6 / st->rate);
    len = lg_msg_format(&m, (size_t)w->ctx->o->size, content, sizeof content);
    if (len < 0 || lg_sess_send(s, content, (size_t)len, w->ctx->o->ack) != 0) {
        r->send_err++;
        return;
    }
    s->next_seq++;
    r->sent++;
}

static void
lg_tp_run_step(struct lg_tp_worker *w, const struct lg_tp_step *st)
{
    uint64_t end = st->t_start + st->dur_us, now, total, sent = 0;
    struct lg_tp_res *r = &w->res[st->k];

    total = (uint64_t)(st->rate * (double)st->dur_us / 1e6);
    while ((now = lg_now_us()) < st->t_start)
        sioc_loop_run_once(w->pool.loop, 1);
    w->step = st->k;
    w->win_lo = st->t_start;
    w->win_hi = end;
    while ((now = lg_now_us()) < end || sent < total) {
        uint64_t due = now >= end ? total
                       : (uint64_t)((double)(now - st->t_start) * st->rate / 1e6);

        if (due > total)
            due = total;
        if (sent < due) {
            uint64_t lag = now - (st->t_start +
                                  (uint64_t)((double)sent * 1e6 / st->rate));

            if (lag > r->max_lag_us)
                r->max_lag_us = lag;
        }
        while (sent < due)
            lg_tp_send_one(w, st, sent++);
        sioc_loop_run_once(w->pool.loop, 1);
    }
    while (lg_now_us() < end + st->gap_us)
        sioc_loop_run_once(w->pool.loop, 5);
    r->closed = w->pool.k.closed;
}

/* ---- worker: the conversation with the parent ------------------------------ */

int
lg_scen_wait_parent(struct lg_pool *p, int fd, struct cmn_buf *b)
{
    for (;;) {
        int t = lg_wire_recv(fd, b, 0);

        if (t != 0)
            return t;
        sioc_loop_run_once(p->loop, 10);
    }
}

static int
lg_tp_send_step_end(struct lg_tp_worker *w, int fd, int k)
{
    struct cmn_buf b;
    int rc;

    cmn_buf_init(&b);
    rc = cmn_buf_append(&b, &w->res[k], sizeof w->res[k]);
    if (w->lat[k] == NULL)
        w->lat[k] = lg_hist_new();
    rc |= w->lat[k] ? lg_hist_pack(w->lat[k], &b) : -1;
    rc |= lg_wire_send(fd, LG_W_STEP_END, b.p, b.len);
    cmn_buf_free(&b);
    return rc ? -1 : 0;
}

/* Wait for stragglers, then report the final counts. */
static int
lg_tp_finish(struct lg_tp_worker *w, int fd)
{
    struct lg_tp_final f;
    uint64_t end = lg_now_us() + (uint64_t)(w->ctx->o->drain_s * 1e6);

    for (;;) {
        uint64_t sent = 0, got = 0;

        for (int k = 0; k < LG_TP_STEPS; k++) {
            sent += w->res[k].sent;
            got += w->res[k].delivered;
        }
        if (got >= sent || lg_now_us() >= end)
            break;
        sioc_loop_run_once(w->pool.loop, 20);
    }
    memset(&f, 0, sizeof f);
    for (int k = 0; k < LG_TP_STEPS; k++) {
        f.delivered[k] = w->res[k].delivered;
        f.dups[k] = w->res[k].dups;
    }
    f.closed = w->pool.k.closed;
    snprintf(f.last_close, sizeof f.last_close, "%s", w->pool.k.last_close);
    return lg_wire_send(fd, LG_W_DONE, &f, sizeof f);
}

static int
lg_tp_worker_main(struct lg_worker *self, void *arg)
{
    struct lg_ctx *ctx = arg;
    struct lg_tp_worker *w = calloc(1, sizeof *w);
    struct lg_pool_hooks hooks = {NULL, lg_tp_on_event, NULL, w};
    struct lg_pool_opts po;
    struct lg_tp_ready rd;
    struct cmn_buf b;
    char err[CMN_ERR_LEN];
    size_t per = (ctx->nusers / (size_t)ctx->o->procs) & ~(size_t)1;
    size_t lo = per * (size_t)self->index;
    size_t n = self->index == ctx->o->procs - 1 ? ctx->nusers - lo : per;
    uint64_t t0;
    int t, rc = 1;

    if (w == NULL)
        return 1;
    w->ctx = ctx;
    w->step = -1;
    cmn_buf_init(&b);
    lg_ctx_pool_opts(ctx, &po);
    if (lg_pool_init(&w->pool, &po, &hooks, ctx->users, (long)lo, n, 1,
                     err) != 0) {
        fprintf(stderr, "loadgen: worker %d: %s\n", self->index, err);
        goto out;
    }
    t0 = lg_now_us();
    lg_pool_connect(&w->pool, n, 300000);
    memset(&rd, 0, sizeof rd);
    rd.connected = w->pool.k.connected;
    rd.failed = w->pool.k.failed;
    rd.attempts = w->pool.k.attempts;
    rd.connect_s = (double)(lg_now_us() - t0) / 1e6;
    /* let the presence broadcasts of our own logins pass */
    lg_pool_quiesce(&w->pool, 1000, 120000);
    rd.fanout_frames = w->pool.k.ev_online;
    rd.fanout_s = w->pool.last_online_us > t0
                      ? (double)(w->pool.last_online_us - t0) / 1e6 : 0;
    if (lg_wire_send(self->from, LG_W_READY, &rd, sizeof rd) != 0)
        goto out;
    while ((t = lg_scen_wait_parent(&w->pool, self->to, &b)) == LG_W_STEP) {
        struct lg_tp_step st;

        memcpy(&st, b.p, sizeof st);
        lg_tp_run_step(w, &st);
        w->step = -1;
        if (lg_tp_send_step_end(w, self->from, st.k) != 0)
            goto out;
    }
    if (t == LG_W_STOP && lg_tp_finish(w, self->from) == 0)
        rc = 0;
out:
    for (int k = 0; k < LG_TP_STEPS; k++)
        free(w->lat[k]);
    lg_pool_cleanup(&w->pool);
    cmn_buf_free(&b);
    free(w);
    return rc;
}

/* ---- parent ----------------------------------------------------------------- */

/* What the parent keeps per step. */
struct lg_tp_agg {
    double offered;
    struct lg_tp_res r;
    struct lg_hist *lat;
    struct lg_sample a, b;
    struct lg_rstat ra, rb;
    uint64_t final_delivered, final_dups;
    int behind;
};

static int
lg_tp_collect_step(struct lg_worker *w, int nw, struct lg_tp_agg *g)
{
    struct cmn_buf b;
    int rc = 0;

    cmn_buf_init(&b);
    for (int i = 0; i < nw; i++) {
        struct lg_tp_res r;

        if (lg_wire_recv(w[i].from, &b, -1) != LG_W_STEP_END ||
            b.len < sizeof r) {
            rc = -1;
            break;
        }
        memcpy(&r, b.p, sizeof r);
        g->r.sent += r.sent;
        g->r.send_err += r.send_err;
        g->r.delivered += r.delivered;
        g->r.in_window += r.in_window;
        g->r.dups += r.dups;
        g->r.reordered += r.reordered;
        g->r.echoes += r.echoes;
        g->r.errors += r.errors;
        g->r.closed += r.closed;
        if (r.max_lag_us > g->r.max_lag_us)
            g->r.max_lag_us = r.max_lag_us;
        if (lg_hist_unpack(g->lat, b.p + sizeof r, b.len - sizeof r) < 0)
            rc = -1;
    }
    cmn_buf_free(&b);
    return rc;
}

static void
lg_tp_step_json(struct lg_ctx *ctx, const struct lg_tp_agg *g, double dur_s,
                int k)
{
    struct cmn_buf *o = &ctx->out;

    cmn_buf_printf(o, "%s{\"step\":%d,\"offered_per_s\":%.0f,\"sent\":%llu,"
                   "\"send_errors\":%llu,\"delivered_per_s\":%.1f,"
                   "\"delivered_by_step_end\":%llu,\"delivered\":%llu,"
                   "\"lost\":%llu,\"dups\":%llu,\"reordered\":%llu,"
                   "\"echoes\":%llu,\"errors\":%llu,\"closed_sessions\":%llu,"
                   "\"max_send_lag_us\":%llu,\"behind\":%s,\"latency_us\":",
                   k ? "," : "", k, g->offered,
                   (unsigned long long)g->r.sent,
                   (unsigned long long)g->r.send_err,
                   (double)g->r.in_window / dur_s,
                   (unsigned long long)g->r.delivered,
                   (unsigned long long)g->final_delivered,
                   (unsigned long long)(g->r.sent > g->final_delivered
                                            ? g->r.sent - g->final_delivered
                                            : 0),
                   (unsigned long long)g->final_dups,
                   (unsigned long long)g->r.reordered,
                   (unsigned long long)g->r.echoes,
                   (unsigned long long)g->r.errors,
                   (unsigned long long)g->r.closed,
                   (unsigned long long)g->r.max_lag_us,
                   g->behind ? "true" : "false");
    lg_hist_json(g->lat, o);
    cmn_buf_puts(o, ",\"cpu\":");
    lg_watch_json(ctx->watch, ctx->nwatch, &g->a, &g->b, o);
    cmn_buf_puts(o, ",\"redis\":");
    lg_rstat_json(&g->ra, &g->rb, g->r.delivered, o);
    cmn_buf_puts(o, "}");
}

static void
lg_tp_sleep_until(uint64_t t)
{
    uint64_t now = lg_now_us();

    if (t > now)
        usleep((useconds_t)(t - now));
}

/* Run the steps; returns how many ran. */
static int
lg_tp_steps(struct lg_ctx *ctx, struct lg_worker *w, int nw,
            struct lg_tp_agg *agg)
{
    const struct lg_opts *o = ctx->o;
    double rate = (double)o->steps[0];
    int k;

    for (k = 0; k < LG_TP_STEPS; k++) {
        struct lg_tp_agg *g = &agg[k];
        struct lg_tp_step st;
        double win;

        g->offered = rate;
        g->lat = lg_hist_new();
        st.k = k;
        st.rate = rate / nw;
        st.dur_us = (uint64_t)(o->step_s * 1e6);
        st.gap_us = (uint64_t)(o->gap_s * 1e6);
        st.t_start = lg_now_us() + 200000;
        lg_ctx_sample(ctx, &g->a);
        if (ctx->has_redis)
            lg_rstat_take(&ctx->redis, &g->ra);
        for (int i = 0; i < nw; i++)
            lg_wire_send(w[i].to, LG_W_STEP, &st, sizeof st);
        fprintf(stderr, "loadgen: step %d: %.0f msg/s for %.1f s\n", k, rate,
                o->step_s);
        lg_tp_sleep_until(st.t_start);
        lg_ctx_sample(ctx, &g->a);
        lg_tp_sleep_until(st.t_start + st.dur_us);
        lg_ctx_sample(ctx, &g->b);
        if (g->lat == NULL || lg_tp_collect_step(w, nw, g) != 0)
            return k;
        if (ctx->has_redis)
            lg_rstat_take(&ctx->redis, &g->rb);
        win = (double)g->r.in_window / o->step_s;
        g->behind = win < o->behind * rate ||
                    (double)g->r.delivered < o->behind * (double)g->r.sent ||
                    g->r.sent < (uint64_t)(o->behind * rate * o->step_s);
        fprintf(stderr, "loadgen: step %d offered %.0f/s delivered %.0f/s "
                "p99 %.2f ms max %.2f ms%s\n", k, rate, win,
                (double)lg_hist_pct(g->lat, 99) / 1000.0,
                (double)g->lat->max / 1000.0, g->behind ? " (behind)" : "");
        if (g->behind)
            return k + 1;
        if ((size_t)(k + 1) < o->nsteps)
            rate = (double)o->steps[k + 1];
        else if (o->auto_step > 0 && rate + (double)o->auto_step <=
                 (double)o->max_rate)
            rate += (double)o->auto_step;
        else
            return k + 1;
    }
    return k;
}

/* Tell the workers to stop and fold their final counts into agg. */
static int
lg_tp_stop(struct lg_worker *w, int nw, struct lg_tp_agg *agg, int nsteps,
           unsigned long *closed, char *last_close, size_t cap)
{
    struct cmn_buf b;
    int rc = 0;

    cmn_buf_init(&b);
    for (int i = 0; i < nw; i++)
        lg_wire_send(w[i].to, LG_W_STOP, NULL, 0);
    for (int i = 0; i < nw; i++) {
        struct lg_tp_final f;

        if (lg_wire_recv(w[i].from, &b, -1) != LG_W_DONE || b.len < sizeof f) {
            rc = -1;
            continue;
        }
        memcpy(&f, b.p, sizeof f);
        for (int k = 0; k < nsteps; k++) {
            agg[k].final_delivered += f.delivered[k];
            agg[k].final_dups += f.dups[k];
        }
        *closed += (unsigned long)f.closed;
        if (f.last_close[0] != '\0')
            snprintf(last_close, cap, "%s", f.last_close);
    }
    cmn_buf_free(&b);
    return rc;
}

/* The worker's READY reports, summed. */
static int
lg_tp_ready(struct lg_worker *w, int nw, struct lg_tp_ready *sum)
{
    struct cmn_buf b;
    int rc = 0;

    memset(sum, 0, sizeof *sum);
    cmn_buf_init(&b);
    for (int i = 0; i < nw; i++) {
        struct lg_tp_ready r;

        if (lg_wire_recv(w[i].from, &b, -1) != LG_W_READY || b.len < sizeof r) {
            rc = -1;
            continue;
        }
        memcpy(&r, b.p, sizeof r);
        sum->connected += r.connected;
        sum->failed += r.failed;
        sum->attempts += r.attempts;
        if (r.connect_s > sum->connect_s)
            sum->connect_s = r.connect_s;
        sum->fanout_frames += r.fanout_frames;
        if (r.fanout_s > sum->fanout_s)
            sum->fanout_s = r.fanout_s;
    }
    cmn_buf_free(&b);
    return rc;
}

static void
lg_tp_summary(struct lg_ctx *ctx, const struct lg_tp_agg *agg, int n)
{
    double best = 0, best_off = 0, p99_5k = -1;
    unsigned long long lost = 0, dups = 0;

    for (int k = 0; k < n; k++) {
        double win = (double)agg[k].r.in_window / ctx->o->step_s;

        lost += agg[k].r.sent > agg[k].final_delivered
                    ? agg[k].r.sent - agg[k].final_delivered : 0;
        dups += agg[k].final_dups;
        if (!agg[k].behind && win > best) {
            best = win;
            best_off = agg[k].offered;
        }
        if (agg[k].offered == 5000)
            p99_5k = (double)lg_hist_pct(agg[k].lat, 99) / 1000.0;
    }
    printf("throughput: sustained %.0f msg/s delivered (offered %.0f), "
           "p99 at 5000 msg/s %.2f ms, lost %llu, dups %llu\n", best,
           best_off, p99_5k, lost, dups);
    cmn_buf_printf(&ctx->out, ",\"sustained_per_s\":%.1f,"
                   "\"sustained_offered_per_s\":%.0f,\"p99_ms_at_5000\":%.3f,"
                   "\"lost\":%llu,\"dups\":%llu", best, best_off, p99_5k,
                   lost, dups);
}

int
lg_run_throughput(struct lg_ctx *ctx)
{
    const struct lg_opts *o = ctx->o;
    struct lg_worker w[64];
    struct lg_tp_agg *agg = calloc(LG_TP_STEPS, sizeof *agg);
    struct lg_tp_ready rd;
    unsigned long closed = 0;
    char last_close[160] = "";
    int nw = o->procs, nsteps = 0, rc = -1;

    memset(w, 0, sizeof w);
    if (agg == NULL)
        return -1;
    ctx->nusers &= ~(size_t)1;
    if (lg_ctx_login(ctx, 0, ctx->nusers, "login") < ctx->nusers / 2)
        goto out;
    fflush(NULL);
    if (lg_wire_spawn(w, nw, lg_tp_worker_main, ctx) != 0)
        goto out;
    if (lg_tp_ready(w, nw, &rd) != 0)
        goto reap;
    fprintf(stderr, "loadgen: %lu sessions connected in %.2f s (%lu failed)\n",
            rd.connected, rd.connect_s, rd.failed);
    cmn_buf_printf(&ctx->out, ",\"sessions\":%lu,\"connect_failed\":%lu,"
                   "\"connect_s\":%.3f,\"presence_fanout\":{\"frames\":%lu,"
                   "\"s\":%.3f,\"frames_per_s\":%.0f},\"procs\":%d,"
                   "\"size\":%d,\"ack\":%s,\"step_s\":%.1f,\"steps\":[",
                   rd.connected, rd.failed, rd.connect_s, rd.fanout_frames,
                   rd.fanout_s, rd.fanout_s > 0 ? (double)rd.fanout_frames /
                                                   rd.fanout_s : 0,
                   nw, o->size, o->ack ? "true" : "false", o->step_s);
    nsteps = lg_tp_steps(ctx, w, nw, agg);
    lg_tp_stop(w, nw, agg, nsteps, &closed, last_close, sizeof last_close);
    for (int k = 0; k < nsteps; k++)
        lg_tp_step_json(ctx, &agg[k], o->step_s, k);
    cmn_buf_printf(&ctx->out, "],\"closed_sessions\":%lu,\"last_close\":",
                   closed);
    cmn_buf_json_string(&ctx->out, last_close, strlen(last_close));
    lg_tp_summary(ctx, agg, nsteps);
    rc = 0;
reap:
    if (lg_wire_reap(w, nw) != 0)
        fprintf(stderr, "loadgen: a worker failed\n");
out:
    for (int k = 0; k < LG_TP_STEPS; k++)
        free(agg[k].lat);
    free(agg);
    return rc;
}
