/* auth_mirror.c -- keep Redis `users` equal to Postgres' enabled users
 * (see auth_mirror.h). The poll thread owns one struct auth_db and one
 * struct cmn_redis; the functions above it run on the caller's. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmn/cmn_err.h"
#include "cmn/cmn_jwt.h"
#include "cmn/cmn_keys.h"
#include "cmn/cmn_log.h"
#include "cmn/cmn_scripts.h"

#include "auth_metrics.h"
#include "auth_mirror.h"
#include "auth_scripts.h"
#include "auth_users.h"

/* Fields per HSET while filling the temp key. */
#define AUTH_MIRROR_BATCH 500

int
auth_mirror_set(struct cmn_redis *r, const char *name, const char *role)
{
    const char *argv[4] = {CMN_K_USERS, CMN_K_USERS_VER, name,
                           role ? role : ""};
    redisReply *rep = cmn_script_run(r, &auth_script_mirror_set, 2, 4, argv,
                                     NULL);
    int rc = (rep != NULL && rep->type == REDIS_REPLY_INTEGER) ? 0 : -1;

    freeReplyObject(rep);
    return rc;
}

struct auth_mirror_rows {
    struct { char name[AUTH_NAME_MAX + 1]; char role[8]; } *v;
    size_t n, cap;
    int oom;
};

static void
auth_mirror_collect(void *arg, const char *name, const char *role)
{
    struct auth_mirror_rows *rows = arg;

    if (rows->oom)
        return;
    if (rows->n == rows->cap) {
        size_t cap = rows->cap ? rows->cap * 2 : 64;
        void *v = realloc(rows->v, cap * sizeof *rows->v);

        if (v == NULL) {
            rows->oom = 1;
            return;
        }
        rows->v = v;
        rows->cap = cap;
    }
    snprintf(rows->v[rows->n].name, sizeof rows->v[rows->n].name, "%s", name);
    snprintf(rows->v[rows->n].role, sizeof rows->v[rows->n].role, "%s", role);
    rows->n++;
}

/* HSET tmp with rows [from, from + n). 0 or -1. */
static int
auth_mirror_fill(struct cmn_redis *r, const char *tmp,
                 const struct auth_mirror_rows *rows, size_t from, size_t n)
{
    const char *argv[2 + 2 * AUTH_MIRROR_BATCH];
    redisReply *rep;
    int argc = 0, rc;

    argv[argc++] = "HSET";
    argv[argc++] = tmp;
    for (size_t i = from; i < from + n; i++) {
        argv[argc++] = rows->v[i].name;
        argv[argc++] = rows->v[i].role;
    }
    rep = cmn_redis_argv(r, argc, argv, NULL);
    rc = (rep != NULL && rep->type == REDIS_REPLY_INTEGER) ? 0 : -1;
    freeReplyObject(rep);
    return rc;
}

/* Write rows to a fresh temp key and swap it in. 0 or -1. */
static int
auth_mirror_publish(struct cmn_redis *r, const struct auth_mirror_rows *rows,
                    char *err)
{
    char tmp[64], rnd[17];
    const char *argv[3] = {tmp, CMN_K_USERS, CMN_K_USERS_VER};
    redisReply *rep;
    int rc = -1;

    cmn_random_hex(rnd, 8);
    snprintf(tmp, sizeof tmp, "%stmp:%s", CMN_K_USERS ":", rnd);
    for (size_t i = 0; i < rows->n; i += AUTH_MIRROR_BATCH) {
        size_t n = rows->n - i < AUTH_MIRROR_BATCH ? rows->n - i
                                                   : AUTH_MIRROR_BATCH;

        if (auth_mirror_fill(r, tmp, rows, i, n) != 0)
            goto out;
    }
    rep = cmn_script_run(r, &auth_script_mirror_swap, 3, 3, argv, NULL);
    if (rep != NULL && rep->type == REDIS_REPLY_INTEGER)
        rc = 0;
    freeReplyObject(rep);
out:
    if (rc != 0) {
        cmn_errf(err, "redis unavailable");
        freeReplyObject(cmn_redis_cmd(r, "DEL %s", tmp));
    }
    return rc;
}

static int
auth_mirror_row_cmp(const void *key, const void *row)
{
    /* a row starts with its name */
    return strcmp(key, (const char *)row);
}

/* Revoke the sessions of users that are no longer enabled (disabled or
 * removed by iseecubes-admin while Redis was not told). rows are sorted
 * by name in byte order. Errors are left for the next rebuild. */
static void
auth_mirror_revoke_strays(struct cmn_redis *r,
                          const struct auth_mirror_rows *rows)
{
    redisReply *rep = cmn_redis_cmd(r, "HKEYS %s", CMN_K_TOKENS);

    if (rep == NULL || rep->type != REDIS_REPLY_ARRAY) {
        freeReplyObject(rep);
        return;
    }
    for (size_t i = 0; i < rep->elements; i++) {
        const char *name = rep->element[i]->str;

        if (rep->element[i]->type != REDIS_REPLY_STRING ||
            (rows->n > 0 && bsearch(name, rows->v, rows->n, sizeof *rows->v,
                                    auth_mirror_row_cmp) != NULL))
            continue;
        if (cmn_presence_offline(r, name, CMN_OFFLINE_KILL, NULL, 0) >= 0)
            cmn_log_info("mirror", "revoked session of user=\"%s\" "
                         "(not an enabled user)", name);
    }
    freeReplyObject(rep);
}

long
auth_mirror_rebuild(struct auth_db *db, struct cmn_redis *r, char *err)
{
    struct auth_mirror_rows rows = {NULL, 0, 0, 0};
    long rc = -1;

    if (auth_users_enabled(db, auth_mirror_collect, &rows, err) !=
        AUTH_USERS_OK)
        goto out;
    if (rows.oom) {
        cmn_errf(err, "out of memory");
        goto out;
    }
    if (auth_mirror_publish(r, &rows, err) == 0) {
        auth_mirror_revoke_strays(r, &rows);
        rc = (long)rows.n;
        cmn_metric_add(&auth_m_mirror_rebuilds, 1);
    }
out:
    free(rows.v);
    return rc;
}

/* ---- the poll thread ---------------------------------------------------- */

struct auth_mirror {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int stop;
    int poll_ms;
    long long synced_ver;      /* users_meta.version of the last rebuild */
    int synced;                /* 1 after a successful rebuild */
    int failing;               /* last pass failed (logged once) */
    struct auth_db db;
    struct cmn_redis redis;
    atomic_int *db_down;       /* may be NULL */
    atomic_int *redis_down;    /* may be NULL */
};

static void
auth_mirror_note(atomic_int *flag, int down)
{
    if (flag != NULL)
        atomic_store(flag, down);
}

/* 1 when Redis has no users:ver (never built, or Redis lost its data),
 * -1 when Redis is down. A hung Redis fails the pass after 5 s. */
static int
auth_mirror_missing(struct cmn_redis *r)
{
    struct timeval tv = {5, 0};
    redisContext *c = cmn_redis_ctx(r);
    redisReply *rep;

    if (c != NULL)
        redisSetTimeout(c, tv);
    rep = cmn_redis_cmd(r, "EXISTS %s", CMN_K_USERS_VER);
    int missing = (rep != NULL && rep->type == REDIS_REPLY_INTEGER &&
                   rep->integer == 0);

    if (rep == NULL)
        missing = -1;
    freeReplyObject(rep);
    return missing;
}

/* One check: rebuild when Postgres moved on or Redis forgot. */
static void
auth_mirror_pass(struct auth_mirror *m)
{
    char err[CMN_ERR_LEN] = "";
    enum auth_users_rc v;
    long long ver = 0;
    int missing;
    long n;

    /* the version is read before the rows: a change in between makes the
     * next pass rebuild again instead of being missed */
    v = auth_users_version(&m->db, &ver, err);
    auth_mirror_note(m->db_down, v == AUTH_USERS_DOWN);
    missing = auth_mirror_missing(&m->redis);
    auth_mirror_note(m->redis_down, missing < 0);
    if (v != AUTH_USERS_OK || missing < 0) {
        if (!m->failing)
            cmn_log_warn("mirror", "cannot check the users mirror: %s",
                         err[0] ? err : "redis unavailable");
        m->failing = 1;
        return;
    }
    if (m->synced && ver == m->synced_ver && !missing)
        return;
    if ((n = auth_mirror_rebuild(&m->db, &m->redis, err)) < 0) {
        if (!m->failing)
            cmn_log_warn("mirror", "rebuild failed: %s", err);
        m->failing = 1;
        return;
    }
    cmn_log_info("mirror", "users mirror rebuilt users=%ld version=%lld%s", n,
                 ver, missing ? " (was missing in redis)" : "");
    m->failing = 0;
    m->synced = 1;
    m->synced_ver = ver;
}

static void *
auth_mirror_main(void *arg)
{
    struct auth_mirror *m = arg;
    struct timespec until;

    pthread_mutex_lock(&m->lock);
    while (!m->stop) {
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += m->poll_ms / 1000;
        until.tv_nsec += (long)(m->poll_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        while (!m->stop &&
               pthread_cond_timedwait(&m->wake, &m->lock, &until) == 0)
            ;
        if (m->stop)
            break;
        pthread_mutex_unlock(&m->lock);
        auth_mirror_pass(m);
        pthread_mutex_lock(&m->lock);
    }
    pthread_mutex_unlock(&m->lock);
    return NULL;
}

struct auth_mirror *
auth_mirror_start(const struct auth_db_config *db, const char *redis_host,
                  int redis_port, int poll_ms, atomic_int *db_down,
                  atomic_int *redis_down)
{
    struct auth_mirror *m = calloc(1, sizeof *m);
    pthread_condattr_t ca;

    if (m == NULL)
        return NULL;
    m->poll_ms = poll_ms;
    m->db_down = db_down;
    m->redis_down = redis_down;
    auth_db_init(&m->db, db, "auth-mirror", 30000);
    cmn_redis_init(&m->redis, redis_host, redis_port, "mirror");
    pthread_mutex_init(&m->lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&m->wake, &ca);
    pthread_condattr_destroy(&ca);
    auth_mirror_pass(m);
    if (pthread_create(&m->thread, NULL, auth_mirror_main, m) != 0) {
        cmn_log_error("mirror", "cannot start the mirror thread");
        auth_db_close(&m->db);
        cmn_redis_close(&m->redis);
        pthread_cond_destroy(&m->wake);
        pthread_mutex_destroy(&m->lock);
        free(m);
        return NULL;
    }
    return m;
}

void
auth_mirror_stop(struct auth_mirror *m)
{
    if (m == NULL)
        return;
    pthread_mutex_lock(&m->lock);
    m->stop = 1;
    pthread_cond_signal(&m->wake);
    pthread_mutex_unlock(&m->lock);
    pthread_join(m->thread, NULL);
    auth_db_close(&m->db);
    cmn_redis_close(&m->redis);
    pthread_cond_destroy(&m->wake);
    pthread_mutex_destroy(&m->lock);
    free(m);
}
