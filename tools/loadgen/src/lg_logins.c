/* lg_logins.c -- scenario "logins": POST /log_in through nginx for the
 * --users accounts, over and over, for --duration-s; logins per second
 * and their latency. With accounts hashed at auth's real argon2id cost
 * this measures the login path's limit: the hashes (a few per core at
 * once, AUTH_HASH_CONCURRENCY) and not the HTTP around them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lg_scen.h"

int
lg_run_logins(struct lg_ctx *ctx)
{
    size_t n = ctx->nusers;
    struct lg_login_job *jobs = calloc(n, sizeof *jobs);
    struct lg_login_stats st, sum;
    struct lg_sample s[2];
    struct lg_hist *lat = lg_hist_new();
    uint64_t t0, end;
    int rounds = 0;

    if (jobs == NULL || lat == NULL) {
        free(jobs);
        free(lat);
        return -1;
    }
    memset(&sum, 0, sizeof sum);
    lg_ctx_sample(ctx, &s[0]);
    t0 = lg_now_us();
    end = t0 + (uint64_t)(ctx->o->duration_s * 1e6);
    do {
        memset(&st, 0, sizeof st);
        st.lat_us = lat;
        for (size_t i = 0; i < n; i++) {
            jobs[i].user = ctx->users[i].name;
            jobs[i].password = ctx->users[i].password;
            jobs[i].token = NULL;
        }
        lg_login_run(ctx->base, jobs, n, ctx->o->login_conc,
                     (const char *const *)ctx->o->srcs, ctx->o->nsrcs, 60000,
                     &st);
        for (size_t i = 0; i < n; i++)
            free(jobs[i].token);
        sum.ok += st.ok;
        sum.failed += st.failed;
        sum.retries += st.retries;
        sum.status_429 += st.status_429;
        sum.status_5xx += st.status_5xx;
        sum.transport += st.transport;
        rounds++;
    } while (lg_now_us() < end);
    sum.elapsed_s = (double)(lg_now_us() - t0) / 1e6;
    lg_ctx_sample(ctx, &s[1]);
    cmn_buf_printf(&ctx->out, ",\"accounts\":%zu,\"rounds\":%d,\"ok\":%zu,"
                   "\"failed\":%zu,\"retries\":%zu,\"status_429\":%zu,"
                   "\"status_5xx\":%zu,\"elapsed_s\":%.3f,\"per_s\":%.2f,"
                   "\"concurrency\":%d,\"latency_us\":", n, rounds, sum.ok,
                   sum.failed, sum.retries, sum.status_429, sum.status_5xx,
                   sum.elapsed_s, (double)sum.ok / sum.elapsed_s,
                   ctx->o->login_conc);
    lg_hist_json(lat, &ctx->out);
    cmn_buf_puts(&ctx->out, ",\"cpu\":");
    lg_watch_json(ctx->watch, ctx->nwatch, &s[0], &s[1], &ctx->out);
    printf("logins: %zu in %.1f s = %.1f/s (p50 %.0f ms, p99 %.0f ms), "
           "%zu failed\n", sum.ok, sum.elapsed_s,
           (double)sum.ok / sum.elapsed_s,
           (double)lg_hist_pct(lat, 50) / 1000,
           (double)lg_hist_pct(lat, 99) / 1000, sum.failed);
    free(jobs);
    free(lat);
    return 0;
}
