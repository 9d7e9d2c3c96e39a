/* cmn_redis.c -- reconnecting hiredis connection, stream reply walking and
 * EVALSHA with NOSCRIPT fallback (see cmn_redis.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "cmn/cmn_log.h"
#include "cmn/cmn_proc.h"
#include "cmn/cmn_redis.h"

#define CMN_REDIS_BACKOFF_MIN 100
#define CMN_REDIS_BACKOFF_MAX 2000

/* Scripts to load into every new connection's server (cmn_script_init). */
#define CMN_SCRIPTS_MAX 32
static struct cmn_script *cmn_scripts_known[CMN_SCRIPTS_MAX];
static int cmn_scripts_nknown;

/* SCRIPT LOAD every known script, so pipelined EVALSHA never meets
 * NOSCRIPT after a Redis restart (a restart always means a reconnect).
 * 0, or -1 when the connection failed meanwhile. */
static int
cmn_redis_load_scripts(redisContext *c)
{
    for (int i = 0; i < cmn_scripts_nknown; i++) {
        redisReply *rep = redisCommand(c, "SCRIPT LOAD %s",
                                       cmn_scripts_known[i]->src);

        if (rep == NULL)
            return -1;
        if (rep->type == REDIS_REPLY_ERROR)
            cmn_log_error("redis", "SCRIPT LOAD %s: %s",
                          cmn_scripts_known[i]->name, rep->str);
        freeReplyObject(rep);
    }
    return 0;
}

void
cmn_redis_set_timeout(struct cmn_redis *r, int ms)
{
    r->timeout_ms = ms;
}

void
cmn_redis_init(struct cmn_redis *r, const char *host, int port,
               const char *who)
{
    memset(r, 0, sizeof *r);
    snprintf(r->host, sizeof r->host, "%s", host);
    r->port = port;
    r->who = who;
    r->backoff_ms = CMN_REDIS_BACKOFF_MIN;
}

redisContext *
cmn_redis_ctx(struct cmn_redis *r)
{
    struct timeval tv = {2, 0};
    long long now;
    redisContext *c;

    if (r->c != NULL)
        return r->c;
    now = cmn_mono_ms();
    if (now < r->next_try_ms)
        return NULL;
    c = redisConnectWithTimeout(r->host, r->port, tv);
    if (c != NULL && !c->err) {
        struct timeval rt = {r->timeout_ms / 1000,
                             (r->timeout_ms % 1000) * 1000};

        if (r->timeout_ms > 0)
            redisSetTimeout(c, rt);
        redisEnableKeepAlive(c);
        if (cmn_redis_load_scripts(c) != 0 && c->err == 0) {
            c->err = REDIS_ERR_IO;      /* treat as a failed connect */
            snprintf(c->errstr, sizeof c->errstr, "no answer to SCRIPT LOAD");
        }
    }
    if (c == NULL || c->err) {
        if (!r->down)
            cmn_log_error("redis", "%s: cannot connect to %s:%d: %s", r->who,
                          r->host, r->port, c ? c->errstr : "out of memory");
        r->down = 1;
        redisFree(c);
        r->next_try_ms = now + r->backoff_ms;
        r->backoff_ms *= 2;
        if (r->backoff_ms > CMN_REDIS_BACKOFF_MAX)
            r->backoff_ms = CMN_REDIS_BACKOFF_MAX;
        return NULL;
    }
    if (r->down)
        cmn_log_info("redis", "%s: connected again to %s:%d", r->who,
                     r->host, r->port);
    r->down = 0;
    r->backoff_ms = CMN_REDIS_BACKOFF_MIN;
    r->c = c;
    return c;
}

void
cmn_redis_broken(struct cmn_redis *r)
{
    if (r->c == NULL)
        return;
    if (!r->down)
        cmn_log_error("redis", "%s: connection lost: %s", r->who,
                      r->c->errstr[0] ? r->c->errstr : "closed");
    r->down = 1;
    redisFree(r->c);
    r->c = NULL;
    r->next_try_ms = cmn_mono_ms() + r->backoff_ms;
}

void
cmn_redis_close(struct cmn_redis *r)
{
    redisFree(r->c);
    r->c = NULL;
}

redisReply *
cmn_redis_cmd(struct cmn_redis *r, const char *fmt, ...)
{
    redisContext *c = cmn_redis_ctx(r);
    redisReply *rep;
    va_list ap;

    if (c == NULL)
        return NULL;
    va_start(ap, fmt);
    rep = redisvCommand(c, fmt, ap);
    va_end(ap);
    if (rep == NULL)
        cmn_redis_broken(r);
    return rep;
}

redisReply *
cmn_redis_argv(struct cmn_redis *r, int argc, const char **argv,
               const size_t *lens)
{
    redisContext *c = cmn_redis_ctx(r);
    redisReply *rep;

    if (c == NULL)
        return NULL;
    rep = redisCommandArgv(c, argc, argv, lens);
    if (rep == NULL)
        cmn_redis_broken(r);
    return rep;
}

redisReply *
cmn_redis_get_reply(struct cmn_redis *r)
{
    void *rep = NULL;

    if (r->c == NULL)
        return NULL;
    if (redisGetReply(r->c, &rep) != REDIS_OK || rep == NULL) {
        cmn_redis_broken(r);
        return NULL;
    }
    return rep;
}

int
cmn_reply_is_error(const redisReply *rep, const char *prefix)
{
    return rep != NULL && rep->type == REDIS_REPLY_ERROR && rep->str &&
           strncmp(rep->str, prefix, strlen(prefix)) == 0;
}

int
cmn_redis_ensure_group(struct cmn_redis *r, const char *stream,
                       const char *group, const char *start_id)
{
    redisReply *rep = cmn_redis_cmd(r, "XGROUP CREATE %s %s %s MKSTREAM",
                                    stream, group, start_id);
    int rc = -1;

    if (rep == NULL)
        return -1;
    if (rep->type == REDIS_REPLY_STATUS || cmn_reply_is_error(rep, "BUSYGROUP"))
        rc = 0;
    else
        cmn_log_error("redis", "XGROUP CREATE %s %s: %s", stream, group,
                      rep->str ? rep->str : "unexpected reply");
    freeReplyObject(rep);
    return rc;
}

void
cmn_stream_walk_init(struct cmn_stream_walk *w, const redisReply *rep)
{
    w->streams = (rep && rep->type == REDIS_REPLY_ARRAY) ? rep : NULL;
    w->si = 0;
    w->ei = 0;
}

int
cmn_stream_walk_next(struct cmn_stream_walk *w, const char **stream,
                     const redisReply **entry)
{
    while (w->streams != NULL && w->si < w->streams->elements) {
        const redisReply *s = w->streams->element[w->si];
        const redisReply *entries;

        if (s->type != REDIS_REPLY_ARRAY || s->elements < 2 ||
            s->element[1]->type != REDIS_REPLY_ARRAY) {
            w->si++;
            continue;
        }
        entries = s->element[1];
        if (w->ei < entries->elements) {
            *stream = s->element[0]->str;
            *entry = entries->element[w->ei++];
            return 1;
        }
        w->si++;
        w->ei = 0;
    }
    return 0;
}

const char *
cmn_entry_id(const redisReply *e)
{
    if (e == NULL || e->type != REDIS_REPLY_ARRAY || e->elements < 2 ||
        e->element[0]->type != REDIS_REPLY_STRING)
        return NULL;
    return e->element[0]->str;
}

size_t
cmn_entry_nfields(const redisReply *e)
{
    if (cmn_entry_id(e) == NULL || e->element[1]->type != REDIS_REPLY_ARRAY)
        return 0;
    return e->element[1]->elements / 2;
}

void
cmn_entry_pair(const redisReply *e, size_t i, const redisReply **field,
               const redisReply **value)
{
    *field = e->element[1]->element[2 * i];
    *value = e->element[1]->element[2 * i + 1];
}

const redisReply *
cmn_entry_field(const redisReply *e, const char *name)
{
    size_t n = cmn_entry_nfields(e), len = strlen(name);

    for (size_t i = 0; i < n; i++) {
        const redisReply *f, *v;

        cmn_entry_pair(e, i, &f, &v);
        if (f->type == REDIS_REPLY_STRING && f->len == len &&
            memcmp(f->str, name, len) == 0)
            return v->type == REDIS_REPLY_STRING ? v : NULL;
    }
    return NULL;
}

const redisReply *
cmn_stream_entries(const redisReply *rep)
{
    if (rep == NULL || rep->type != REDIS_REPLY_ARRAY || rep->elements == 0)
        return NULL;
    rep = rep->element[0];
    if (rep->type != REDIS_REPLY_ARRAY || rep->elements < 2)
        return NULL;
    return rep->element[1];
}

int
cmn_stream_drain_pending(struct cmn_redis *r, const char *stream,
                         const char *group, const char *consumer, int count,
                         int (*handle)(void *arg, const redisReply *entries),
                         void *arg)
{
    for (;;) {
        redisReply *rep = cmn_redis_cmd(r, "XREADGROUP GROUP %s %s COUNT %d "
                                        "STREAMS %s 0", group, consumer,
                                        count, stream);
        const redisReply *e = cmn_stream_entries(rep);
        int rc;

        if (rep == NULL)
            return -1;
        if (e == NULL || e->elements == 0) {
            freeReplyObject(rep);
            return 0;
        }
        rc = handle(arg, e);
        freeReplyObject(rep);
        if (rc != 0)
            return -1;
    }
}

/* The last-delivered-id of group in an XINFO GROUPS reply, or NULL. */
static const char *
cmn_stream_group_last(const redisReply *groups, const char *group)
{
    for (size_t i = 0; groups && i < groups->elements; i++) {
        const redisReply *g = groups->element[i];
        const char *name = NULL, *last = NULL;

        for (size_t k = 0; g->type == REDIS_REPLY_ARRAY &&
                           k + 1 < g->elements; k += 2) {
            const redisReply *f = g->element[k], *v = g->element[k + 1];

            if (f->type != REDIS_REPLY_STRING || v->type != REDIS_REPLY_STRING)
                continue;
            if (strcmp(f->str, "name") == 0)
                name = v->str;
            else if (strcmp(f->str, "last-delivered-id") == 0)
                last = v->str;
        }
        if (name != NULL && strcmp(name, group) == 0)
            return last;
    }
    return NULL;
}

int
cmn_stream_trim_handled(struct cmn_redis *r, const char *stream,
                        const char *group)
{
    redisReply *groups, *pend, *trim;
    unsigned long long ms, seq;
    const char *last;
    char minid[64];
    int rc = -1;

    groups = cmn_redis_cmd(r, "XINFO GROUPS %s", stream);
    if (groups == NULL || groups->type != REDIS_REPLY_ARRAY)
        goto out_groups;
    last = cmn_stream_group_last(groups, group);
    if (last == NULL || cmn_stream_id_parse(last, &ms, &seq) != 0)
        goto out_groups;
    snprintf(minid, sizeof minid, "%llu-%llu", ms, seq + 1);
    pend = cmn_redis_cmd(r, "XPENDING %s %s - + 1", stream, group);
    if (pend == NULL)
        goto out_groups;
    /* [[id, consumer, idle, count]]: the oldest entry not yet handled */
    if (pend->type == REDIS_REPLY_ARRAY && pend->elements > 0 &&
        pend->element[0]->type == REDIS_REPLY_ARRAY &&
        pend->element[0]->elements > 0)
        snprintf(minid, sizeof minid, "%s", pend->element[0]->element[0]->str);
    freeReplyObject(pend);
    trim = cmn_redis_cmd(r, "XTRIM %s MINID ~ %s", stream, minid);
    rc = (trim != NULL && trim->type == REDIS_REPLY_INTEGER) ? 0 : -1;
    freeReplyObject(trim);
out_groups:
    freeReplyObject(groups);
    return rc;
}

int
cmn_stream_id_parse(const char *id, unsigned long long *ms,
                    unsigned long long *seq)
{
    char *end;

    if (id == NULL || *id < '0' || *id > '9')
        return -1;
    *ms = strtoull(id, &end, 10);
    if (end == id || *end != '-')
        return -1;
    id = end + 1;
    if (*id < '0' || *id > '9')
        return -1;
    *seq = strtoull(id, &end, 10);
    return (end == id || *end != '\0') ? -1 : 0;
}

/* Build "EVALSHA|EVAL body nkeys args..." into a fresh argv. */
static int
cmn_script_argv(struct cmn_script *s, int use_sha, int nkeys, int argc,
                const char **argv, const size_t *lens, char nk_text[16],
                const char ***oargv, size_t **olens)
{
    const char **a = malloc(sizeof *a * (size_t)(argc + 3));
    size_t *l = malloc(sizeof *l * (size_t)(argc + 3));

    if (a == NULL || l == NULL) {
        free(a);
        free(l);
        return -1;
    }
    snprintf(nk_text, 16, "%d", nkeys);
    a[0] = use_sha ? "EVALSHA" : "EVAL";
    a[1] = use_sha ? s->sha : s->src;
    a[2] = nk_text;
    l[0] = strlen(a[0]);
    l[1] = strlen(a[1]);
    l[2] = strlen(nk_text);
    for (int i = 0; i < argc; i++) {
        a[i + 3] = argv[i];
        l[i + 3] = lens ? lens[i] : strlen(argv[i]);
    }
    *oargv = a;
    *olens = l;
    return 0;
}

void
cmn_script_init(struct cmn_script *s)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;

    if (EVP_Digest(s->src, strlen(s->src), md, &n, EVP_sha1(), NULL) != 1 ||
        n != 20)
        return;                 /* sha stays empty: EVAL is used */
    for (unsigned int i = 0; i < n; i++) {
        s->sha[2 * i] = hex[md[i] >> 4];
        s->sha[2 * i + 1] = hex[md[i] & 15];
    }
    s->sha[40] = '\0';
    if (cmn_scripts_nknown < CMN_SCRIPTS_MAX)
        cmn_scripts_known[cmn_scripts_nknown++] = s;
}

redisReply *
cmn_script_run(struct cmn_redis *r, struct cmn_script *s, int nkeys,
               int argc, const char **argv, const size_t *lens)
{
    const char **a;
    size_t *l;
    char nk[16];
    redisReply *rep;
    int use_sha = (s->sha[0] != '\0');

    if (cmn_redis_ctx(r) == NULL)
        return NULL;
    if (cmn_script_argv(s, use_sha, nkeys, argc, argv, lens, nk, &a, &l) != 0)
        return NULL;
    rep = cmn_redis_argv(r, argc + 3, a, l);
    if (cmn_reply_is_error(rep, "NOSCRIPT")) {
        freeReplyObject(rep);
        a[0] = "EVAL";
        a[1] = s->src;
        l[0] = 4;
        l[1] = strlen(s->src);
        rep = cmn_redis_argv(r, argc + 3, a, l);
    }
    if (rep != NULL && rep->type == REDIS_REPLY_ERROR)
        cmn_log_error("redis", "script %s: %s", s->name, rep->str);
    free(a);
    free(l);
    return rep;
}

int
cmn_script_append(struct cmn_redis *r, struct cmn_script *s, int nkeys,
                  int argc, const char **argv, const size_t *lens)
{
    const char **a;
    size_t *l;
    char nk[16];
    int rc;

    if (r->c == NULL)
        return -1;
    if (cmn_script_argv(s, s->sha[0] != '\0', nkeys, argc, argv, lens, nk, &a, &l) != 0)
        return -1;
    rc = redisAppendCommandArgv(r->c, argc + 3, a, l) == REDIS_OK ? 0 : -1;
    free(a);
    free(l);
    return rc;
}
