/* lg_ctx.c -- users, logins, metrics and the result file (see lg_ctx.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cmn/cmn_json.h"
#include "lg_ctx.h"
#include "sioc_http.h"

int
lg_ctx_init(struct lg_ctx *ctx, const struct lg_opts *o, size_t extra)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->o = o;
    ctx->nusers = (size_t)o->users + extra;
    ctx->users = calloc(ctx->nusers, sizeof *ctx->users);
    if (ctx->users == NULL)
        return -1;
    for (size_t i = 0; i < ctx->nusers; i++) {
        snprintf(ctx->users[i].name, sizeof ctx->users[i].name, "%s%ld",
                 o->prefix, o->first + (long)i);
        snprintf(ctx->users[i].password, sizeof ctx->users[i].password,
                 "%s%ld", o->pw_prefix, o->first + (long)i);
    }
    snprintf(ctx->base, sizeof ctx->base, "http://%s:%d", o->host, o->port);
    memcpy(ctx->watch, o->watch, o->nwatch * sizeof o->watch[0]);
    ctx->nwatch = o->nwatch;
    if (ctx->nwatch < LG_WATCH_MAX) {      /* this process and its workers */
        struct lg_watch *w = &ctx->watch[ctx->nwatch++];

        snprintf(w->name, sizeof w->name, "loadgen");
        w->pid = getpid();
        w->children = 1;
    }
    cmn_buf_init(&ctx->out);
    if (o->redis_port > 0) {
        cmn_redis_init(&ctx->redis, "127.0.0.1", o->redis_port, "loadgen");
        ctx->has_redis = 1;
    }
    return 0;
}

void
lg_ctx_cleanup(struct lg_ctx *ctx)
{
    for (size_t i = 0; ctx->users != NULL && i < ctx->nusers; i++)
        free(ctx->users[i].token);
    free(ctx->users);
    cmn_buf_free(&ctx->out);
    if (ctx->has_redis)
        cmn_redis_close(&ctx->redis);
    memset(ctx, 0, sizeof *ctx);
}

size_t
lg_ctx_login(struct lg_ctx *ctx, size_t lo, size_t n, const char *key)
{
    struct lg_login_job *jobs = calloc(n ? n : 1, sizeof *jobs);
    struct lg_login_stats st;
    size_t ok = 0;

    if (jobs == NULL)
        return 0;
    memset(&st, 0, sizeof st);
    st.lat_us = lg_hist_new();
    for (size_t i = 0; i < n; i++) {
        jobs[i].user = ctx->users[lo + i].name;
        jobs[i].password = ctx->users[lo + i].password;
    }
    lg_login_run(ctx->base, jobs, n, ctx->o->login_conc,
                 (const char *const *)ctx->o->srcs, ctx->o->nsrcs, 30000, &st);
    for (size_t i = 0; i < n; i++) {
        free(ctx->users[lo + i].token);
        ctx->users[lo + i].token = jobs[i].token;
        ok += jobs[i].token != NULL;
    }
    fprintf(stderr, "loadgen: %zu/%zu logins in %.2f s (%.0f/s), %zu retries\n",
            ok, n, st.elapsed_s, st.elapsed_s > 0 ? (double)ok / st.elapsed_s
                                                  : 0, st.retries);
    if (key != NULL) {
        cmn_buf_printf(&ctx->out, ",\"%s\":{\"users\":%zu,\"ok\":%zu,"
                       "\"failed\":%zu,\"retries\":%zu,\"status_429\":%zu,"
                       "\"status_5xx\":%zu,\"transport_errors\":%zu,"
                       "\"elapsed_s\":%.3f,\"per_s\":%.1f,"
                       "\"concurrency\":%d,\"latency_us\":", key, n, ok,
                       st.failed, st.retries, st.status_429, st.status_5xx,
                       st.transport, st.elapsed_s,
                       st.elapsed_s > 0 ? (double)ok / st.elapsed_s : 0,
                       ctx->o->login_conc);
        if (st.lat_us != NULL)
            lg_hist_json(st.lat_us, &ctx->out);
        cmn_buf_puts(&ctx->out, "}");
    }
    free(st.lat_us);
    free(jobs);
    return ok;
}

int
lg_ctx_tokens_load(struct lg_ctx *ctx, size_t n)
{
    char name[64], *line = NULL;
    char **tok = calloc(n ? n : 1, sizeof *tok);
    size_t cap = 0, got = 0;
    FILE *f;

    if (ctx->o->tokens == NULL || tok == NULL ||
        (f = fopen(ctx->o->tokens, "r")) == NULL) {
        free(tok);
        return -1;
    }
    while (getline(&line, &cap, f) > 0) {
        char *sp = strchr(line, ' ');
        size_t i;

        if (sp == NULL || (size_t)(sp - line) >= sizeof name)
            continue;
        memcpy(name, line, (size_t)(sp - line));
        name[sp - line] = '\0';
        sp[1 + strcspn(sp + 1, "\n")] = '\0';
        for (i = 0; i < n && strcmp(ctx->users[i].name, name) != 0; i++)
            ;
        if (i < n && tok[i] == NULL && (tok[i] = strdup(sp + 1)) != NULL)
            got++;
    }
    free(line);
    fclose(f);
    for (size_t i = 0; i < n; i++) {
        if (got == n) {
            free(ctx->users[i].token);
            ctx->users[i].token = tok[i];
        } else {
            free(tok[i]);
        }
    }
    free(tok);
    return got == n ? 0 : -1;
}

int
lg_ctx_tokens_save(const struct lg_ctx *ctx, size_t n)
{
    FILE *f;
    int rc = 0;

    if (ctx->o->tokens == NULL || (f = fopen(ctx->o->tokens, "w")) == NULL)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (ctx->users[i].token != NULL &&
            fprintf(f, "%s %s\n", ctx->users[i].name, ctx->users[i].token) < 0)
            rc = -1;
    if (fclose(f) != 0)
        rc = -1;
    return rc;
}

void
lg_ctx_pool_opts(const struct lg_ctx *ctx, struct lg_pool_opts *po)
{
    memset(po, 0, sizeof *po);
    po->host = ctx->o->host;
    po->port = ctx->o->port;
    po->srcs = (const char *const *)ctx->o->srcs;
    po->nsrcs = ctx->o->nsrcs;
    po->inflight = ctx->o->inflight;
    po->heartbeat_ms = ctx->o->heartbeat_ms;
    po->open_timeout_ms = ctx->o->open_timeout_ms;
}

int
lg_ctx_metric(int port, const char *name, double *out)
{
    struct sioc_http_reply r;
    char url[96], err[CMN_ERR_LEN];
    size_t nl = strlen(name);
    const char *p;
    int rc = -1;

    snprintf(url, sizeof url, "http://127.0.0.1:%d/metrics", port);
    if (port <= 0 || sioc_http_request("GET", url, NULL, NULL, 3000, &r,
                                       err) != 0)
        return -1;
    for (p = r.body; p != NULL && *p != '\0';) {
        if (strncmp(p, name, nl) == 0 && (p[nl] == ' ' || p[nl] == '{')) {
            const char *sp = strchr(p, ' ');

            if (sp != NULL) {
                *out = strtod(sp + 1, NULL);
                rc = 0;
            }
            break;
        }
        p = strchr(p, '\n');
        p = p ? p + 1 : NULL;
    }
    sioc_http_reply_cleanup(&r);
    return rc;
}

void
lg_ctx_sample(const struct lg_ctx *ctx, struct lg_sample *s)
{
    lg_watch_sample(ctx->watch, ctx->nwatch, s);
}

/* "model name" of the first CPU. */
static void
lg_ctx_cpu_model(char *out, size_t cap)
{
    char line[256];
    FILE *f = fopen("/proc/cpuinfo", "r");

    snprintf(out, cap, "unknown");
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        char *c = strchr(line, ':');

        if (strncmp(line, "model name", 10) == 0 && c != NULL) {
            c += 2;
            c[strcspn(c, "\n")] = '\0';
            snprintf(out, cap, "%s", c);
            break;
        }
    }
    if (f != NULL)
        fclose(f);
}

static void
lg_ctx_machine(struct cmn_buf *b)
{
    char model[128];
    struct utsname u;
    long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);

    lg_ctx_cpu_model(model, sizeof model);
    uname(&u);
    cmn_buf_puts(b, "{\"cpus\":");
    cmn_buf_printf(b, "%ld,\"cpu_model\":", sysconf(_SC_NPROCESSORS_ONLN));
    cmn_buf_json_string(b, model, strlen(model));
    cmn_buf_printf(b, ",\"mem_gib\":%.1f,\"kernel\":",
                   (double)pages * (double)psz / (1024.0 * 1024 * 1024));
    cmn_buf_json_string(b, u.release, strlen(u.release));
    cmn_buf_puts(b, ",\"hostname\":");
    cmn_buf_json_string(b, u.nodename, strlen(u.nodename));
    cmn_buf_puts(b, "}");
}

int
lg_ctx_write(struct lg_ctx *ctx)
{
    struct cmn_buf b;
    char when[32];
    time_t now = time(NULL);
    FILE *f;
    int rc = 0;

    if (ctx->o->json == NULL)
        return 0;
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    cmn_buf_init(&b);
    cmn_buf_printf(&b, "{\"scenario\":\"%s\",\"label\":", ctx->o->scenario);
    cmn_buf_json_string(&b, ctx->o->label ? ctx->o->label : "",
                        ctx->o->label ? strlen(ctx->o->label) : 0);
    cmn_buf_printf(&b, ",\"time\":\"%s\",\"machine\":", when);
    lg_ctx_machine(&b);
    cmn_buf_append(&b, ctx->out.p ? ctx->out.p : "", ctx->out.len);
    cmn_buf_puts(&b, "}\n");
    if (b.p == NULL || cmn_json_validate(b.p, b.len - 1) != 0) {
        fprintf(stderr, "loadgen: internal error: result is not valid JSON\n");
        rc = -1;
    }
    if ((f = fopen(ctx->o->json, "w")) == NULL ||
        fwrite(b.p, 1, b.len, f) != b.len) {
        fprintf(stderr, "loadgen: cannot write %s\n", ctx->o->json);
        rc = -1;
    }
    if (f != NULL && fclose(f) != 0)
        rc = -1;
    cmn_buf_free(&b);
    return rc;
}
