/* lg_presence.c -- scenario "presence": --users online users, a fraction
 * (--stop-fraction) stops sending heartbeats; the presence sweep must take
 * exactly those offline, each with exactly one user_has_gone_offline.
 *
 * The online users are driven the way a gateway drives presence: their
 * bind and connection_alive events are written to s:pres (one pipeline
 * per second), with the session ids auth gave them at login. Only the
 * --observers are real Socket.IO sessions: every broadcast goes to every
 * socket, so 10,000 real sockets would turn the set-up alone into 10^8
 * frames (see docs/performance.md); the observers see every broadcast and
 * count them per user. Figures: the sweep's duration as presence reports
 * it (iseecubes_presence_last_sweep_ms, sampled every 100 ms), the time
 * from the last heartbeat to the broadcasts, and the exactly-once check. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmn/cmn_json.h"
#include "lg_scen.h"

struct lg_pr {
    struct lg_ctx *ctx;
    size_t n;                  /* synthetic users: users[0..n) */
    size_t nstop;              /* the first nstop stop heartbeating */
    size_t nobs;
    char **jti;                /* per synthetic user */
    unsigned char *on, *off;   /* [observer * n + user] counts */
    unsigned long stray;       /* broadcasts about other users */
    uint64_t first_off_us, last_off_us, all_on_us;
    unsigned long off_events, on_events;
};

/* Index of a synthetic user from its name, or -1. */
static long
lg_pr_user(const struct lg_pr *pr, const char *name)
{
    const char *pfx = pr->ctx->o->prefix;
    size_t pl = strlen(pfx);
    char *end;
    long i;

    if (strncmp(name, pfx, pl) != 0)
        return -1;
    i = strtol(name + pl, &end, 10) - pr->ctx->o->first;
    return (*end == '\0' && i >= 0 && (size_t)i < pr->n) ? i : -1;
}

static void
lg_pr_on_event(struct lg_sess *s, const struct sioc_event *ev)
{
    struct lg_pr *pr = s->pool->h.arg;
    int off = strcmp(ev->name, "user_has_gone_offline") == 0;
    char name[64];
    size_t obs = (size_t)(s->idx - (long)pr->n);
    long u;

    if (!off && strcmp(ev->name, "new_user_online") != 0)
        return;
    if (cmn_json_get_string(ev->arg0, "username", name, sizeof name) < 0 ||
        (u = lg_pr_user(pr, name)) < 0) {
        pr->stray++;
        return;
    }
    if (off) {
        pr->off_events++;
        pr->last_off_us = lg_now_us();
        if (pr->first_off_us == 0)
            pr->first_off_us = pr->last_off_us;
        if (pr->off[obs * pr->n + (size_t)u] < 255)
            pr->off[obs * pr->n + (size_t)u]++;
    } else {
        pr->on_events++;
        if (pr->on[obs * pr->n + (size_t)u] < 255)
            pr->on[obs * pr->n + (size_t)u]++;
    }
}

/* The jti of every synthetic user from `tokens` (HMGET, 1000 a time). */
static int
lg_pr_jtis(struct lg_pr *pr)
{
    struct lg_ctx *ctx = pr->ctx;

    for (size_t lo = 0; lo < pr->n; lo += 1000) {
        size_t k = pr->n - lo < 1000 ? pr->n - lo : 1000;
        const char **argv = malloc((k + 2) * sizeof *argv);
        redisReply *r;

        if (argv == NULL)
            return -1;
        argv[0] = "HMGET";
        argv[1] = "tokens";
        for (size_t i = 0; i < k; i++)
            argv[2 + i] = ctx->users[lo + i].name;
        r = cmn_redis_argv(&ctx->redis, (int)k + 2, argv, NULL);
        free(argv);
        if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements != k) {
            freeReplyObject(r);
            return -1;
        }
        for (size_t i = 0; i < k; i++)
            if (r->element[i]->type == REDIS_REPLY_STRING)
                pr->jti[lo + i] = strdup(r->element[i]->str);
        freeReplyObject(r);
    }
    return 0;
}

/* XADD s:pres k=<kind> for users [lo, hi) (those with a jti), pipelined. */
static int
lg_pr_feed(struct lg_pr *pr, const char *kind, size_t lo, size_t hi)
{
    redisContext *c = cmn_redis_ctx(&pr->ctx->redis);
    size_t sent = 0;

    if (c == NULL)
        return -1;
    for (size_t i = lo; i < hi; i++) {
        if (pr->jti[i] == NULL)
            continue;
        if (strcmp(kind, "bind") == 0)
            redisAppendCommand(c, "XADD s:pres * k bind u %s j %s st 0 "
                               "g lgsynth", pr->ctx->users[i].name, pr->jti[i]);
        else
            redisAppendCommand(c, "XADD s:pres * k %s u %s j %s", kind,
                               pr->ctx->users[i].name, pr->jti[i]);
        sent++;
    }
    for (size_t i = 0; i < sent; i++) {
        redisReply *r = cmn_redis_get_reply(&pr->ctx->redis);

        if (r == NULL)
            return -1;
        freeReplyObject(r);
    }
    return 0;
}

/* Heartbeats of the users still alive, spread over the period: each
 * call sends the slice due in this tick (tick of `period` ticks). */
static void
lg_pr_beat(struct lg_pr *pr, unsigned tick, unsigned period)
{
    size_t alive = pr->n - pr->nstop;
    size_t lo = pr->nstop + alive * (tick % period) / period;
    size_t hi = pr->nstop + alive * (tick % period + 1) / period;

    lg_pr_feed(pr, "hb", lo, hi);
}

struct lg_pr_check {
    unsigned long on_missing, on_dup, off_missing, off_dup, off_wrong;
    size_t obs_ok;
};

static void
lg_pr_check(const struct lg_pr *pr, const struct lg_pool *p,
            struct lg_pr_check *k)
{
    memset(k, 0, sizeof *k);
    for (size_t o = 0; o < pr->nobs; o++) {
        unsigned long bad = 0;

        if (p->s[o].state != LG_S_CONNECTED)
            continue;
        for (size_t u = 0; u < pr->n; u++) {
            unsigned char on = pr->on[o * pr->n + u];
            unsigned char off = pr->off[o * pr->n + u];

            k->on_missing += on == 0;
            k->on_dup += on > 1;
            if (u < pr->nstop) {
                k->off_missing += off == 0;
                k->off_dup += off > 1;
                bad += off != 1;
            } else {
                k->off_wrong += off != 0;
                bad += off != 0;
            }
        }
        k->obs_ok += bad == 0;
    }
}

/* Every live observer has seen `want` broadcasts of the kind? */
static int
lg_pr_all_seen(const struct lg_pr *pr, const struct lg_pool *p, int off,
               size_t lo, size_t hi)
{
    for (size_t o = 0; o < pr->nobs; o++) {
        const unsigned char *c = (off ? pr->off : pr->on) + o * pr->n;

        if (p->s[o].state != LG_S_CONNECTED)
            continue;
        for (size_t u = lo; u < hi; u++)
            if (c[u] == 0)
                return 0;
    }
    return 1;
}

static void
lg_pr_loop(struct lg_pr *pr, struct lg_pool *p, long ms, unsigned *tick,
           uint64_t *next_beat, int off, size_t lo, size_t hi,
           double *sweep_max)
{
    uint64_t end = lg_now_us() + (uint64_t)ms * 1000, next_metric = 0;
    unsigned period = (unsigned)(pr->ctx->o->heartbeat_ms / 1000);
    double v;

    if (period == 0)
        period = 1;
    while (lg_now_us() < end && !lg_pr_all_seen(pr, p, off, lo, hi)) {
        uint64_t now = lg_now_us();

        if (now >= *next_beat) {
            lg_pr_beat(pr, (*tick)++, period);
            *next_beat += 1000000;
        }
        if (sweep_max != NULL && now >= next_metric) {
            if (lg_ctx_metric(pr->ctx->o->presence_port,
                              "iseecubes_presence_last_sweep_ms", &v) == 0 &&
                v > *sweep_max)
                *sweep_max = v;
            next_metric = now + 100000;
        }
        sioc_loop_run_once(p->loop, 10);
    }
}

static void
lg_pr_report(struct lg_pr *pr, struct lg_pool *p, uint64_t t_bind,
             double on_s, double sweep_before, double sweep_exp,
             double expired, const struct lg_sample *s)
{
    struct lg_pr_check k;
    struct cmn_buf *o = &pr->ctx->out;
    int once;

    lg_pr_check(pr, p, &k);
    once = k.obs_ok == pr->nobs && pr->nobs > 0;
    cmn_buf_printf(o, ",\"users\":%zu,\"stopped\":%zu,\"observers\":%zu,"
                   "\"observers_live\":%zu,\"online_all_seen_s\":%.3f,"
                   "\"online\":{\"missing\":%lu,\"dups\":%lu},"
                   "\"offline\":{\"missing\":%lu,\"dups\":%lu,"
                   "\"wrong_user\":%lu,\"exactly_once\":%s,"
                   "\"observers_ok\":%zu,\"first_after_last_hb_s\":%.3f,"
                   "\"all_after_last_hb_s\":%.3f,\"spread_ms\":%.1f},"
                   "\"stray_broadcasts\":%lu,\"sweep_ms_before_expiry\":%.0f,"
                   "\"sweep_ms_expiring\":%.0f,\"expired_by_sweep\":%.0f,"
                   "\"cpu\":", pr->n, pr->nstop, pr->nobs, lg_pool_live(p),
                   on_s, k.on_missing, k.on_dup, k.off_missing, k.off_dup,
                   k.off_wrong, once ? "true" : "false", k.obs_ok,
                   pr->first_off_us ? (double)(pr->first_off_us - t_bind) / 1e6
                                    : -1.0,
                   pr->last_off_us ? (double)(pr->last_off_us - t_bind) / 1e6
                                   : -1.0,
                   pr->first_off_us ? (double)(pr->last_off_us -
                                               pr->first_off_us) / 1e3 : -1.0,
                   pr->stray, sweep_before, sweep_exp, expired);
    lg_watch_json(pr->ctx->watch, pr->ctx->nwatch, &s[0], &s[1], o);
    printf("presence: %zu online, %zu stopped heartbeating: sweep %.0f ms "
           "(presence metric), %zu/%zu observers saw exactly one offline "
           "broadcast per stopped user (missing %lu, dups %lu, wrong %lu)\n",
           pr->n, pr->nstop, sweep_exp, k.obs_ok, pr->nobs, k.off_missing,
           k.off_dup, k.off_wrong);
}

/* Take everyone offline again (logout) and wait for presence to finish,
 * so the next run starts from the same state. */
static void
lg_pr_cleanup(struct lg_pr *pr)
{
    redisReply *r;

    lg_pr_feed(pr, "bye", 0, pr->n);
    for (int i = 0; i < 300; i++) {
        long left = 0;

        r = cmn_redis_cmd(&pr->ctx->redis, "XINFO GROUPS s:pres");
        for (size_t g = 0; r && r->type == REDIS_REPLY_ARRAY &&
                           g < r->elements; g++) {
            const redisReply *e = r->element[g];

            for (size_t f = 0; f + 1 < e->elements; f += 2)
                if (strcmp(e->element[f]->str, "lag") == 0 &&
                    e->element[f + 1]->type == REDIS_REPLY_INTEGER)
                    left += e->element[f + 1]->integer;
        }
        freeReplyObject(r);
        if (left == 0)
            break;
        usleep(100000);
    }
}

static void
lg_pr_free(struct lg_pr *pr)
{
    for (size_t i = 0; pr->jti != NULL && i < pr->n; i++)
        free(pr->jti[i]);
    free(pr->jti);
    free(pr->on);
    free(pr->off);
}

int
lg_run_presence(struct lg_ctx *ctx)
{
    struct lg_pr pr;
    struct lg_pool p;
    struct lg_pool_opts po;
    struct lg_pool_hooks h = {NULL, lg_pr_on_event, NULL, &pr};
    struct lg_sample s[2];
    char err[CMN_ERR_LEN];
    uint64_t t_bind, next_beat;
    double sweep_before = 0, sweep_exp = -1, exp0 = 0, exp1 = 0;
    unsigned tick = 0;
    int rc = -1;

    memset(&pr, 0, sizeof pr);
    pr.ctx = ctx;
    pr.nobs = (size_t)ctx->o->observers;
    pr.n = ctx->nusers - pr.nobs;
    pr.nstop = (size_t)((double)pr.n * ctx->o->stop_frac);
    pr.jti = calloc(pr.n, sizeof *pr.jti);
    pr.on = calloc(pr.n * pr.nobs, 1);
    pr.off = calloc(pr.n * pr.nobs, 1);
    if (!ctx->has_redis || ctx->o->presence_port <= 0 || pr.jti == NULL ||
        pr.on == NULL || pr.off == NULL) {
        fprintf(stderr, "loadgen: presence needs --redis-port and "
                "--presence-health-port\n");
        lg_pr_free(&pr);
        return -1;
    }
    if (lg_ctx_login(ctx, 0, ctx->nusers, "login") < ctx->nusers ||
        lg_pr_jtis(&pr) != 0)
        goto out;
    lg_ctx_pool_opts(ctx, &po);
    if (lg_pool_init(&p, &po, &h, ctx->users, (long)pr.n, pr.nobs, 0,
                     err) != 0) {
        fprintf(stderr, "loadgen: %s\n", err);
        goto out;
    }
    lg_pool_connect(&p, pr.nobs, 60000);
    lg_pool_quiesce(&p, 1000, 30000);
    memset(pr.on, 0, pr.n * pr.nobs);
    lg_ctx_metric(ctx->o->presence_port,
                  "iseecubes_presence_offline_expired_total", &exp0);
    lg_ctx_sample(ctx, &s[0]);
    /* everybody online at once; the first nstop never beat again */
    t_bind = lg_now_us();
    next_beat = t_bind + 1000000;
    lg_pr_feed(&pr, "bind", 0, pr.n);
    lg_pr_loop(&pr, &p, 60000, &tick, &next_beat, 0, 0, pr.n, &sweep_before);
    pr.all_on_us = lg_now_us();
    fprintf(stderr, "loadgen: %zu users online (all observers saw them) in "
            "%.2f s\n", pr.n, (double)(pr.all_on_us - t_bind) / 1e6);
    lg_pr_loop(&pr, &p, (long)(ctx->o->timeout_s * 1000), &tick, &next_beat,
               1, 0, pr.nstop, &sweep_before);
    lg_ctx_metric(ctx->o->presence_port, "iseecubes_presence_last_sweep_ms",
                  &sweep_exp);
    /* a little longer: duplicates and wrong users would show now */
    lg_pr_loop(&pr, &p, 2000, &tick, &next_beat, 1, 0, pr.n, NULL);
    lg_ctx_sample(ctx, &s[1]);
    lg_ctx_metric(ctx->o->presence_port,
                  "iseecubes_presence_offline_expired_total", &exp1);
    lg_pr_report(&pr, &p, t_bind, (double)(pr.all_on_us - t_bind) / 1e6,
                 sweep_before, sweep_exp, exp1 - exp0, s);
    lg_pool_cleanup(&p);
    lg_pr_cleanup(&pr);
    rc = 0;
out:
    lg_pr_free(&pr);
    return rc;
}
