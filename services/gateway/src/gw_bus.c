/* gw_bus.c -- the gateway's Redis threads (see gw_bus.h). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmn/cmn_keys.h"
#include "cmn/cmn_log.h"
#include "cmn/cmn_proc.h"
#include "cmn/cmn_redis.h"
#include "cmn/cmn_scripts.h"
#include "gw_bus.h"

#define GW_BUS_READ_COUNT 512
#define GW_BUS_READ_BLOCK_MS 500
#define GW_BUS_MAX_PENDING_READS 64
#define GW_BUS_MAX_RETRY 100000
#define GW_BUS_BEAT_MS 1000
#define GW_BUS_TRIM_MS 100

struct gw_bus {
    char id[64];
    char stream[96];           /* s:gw:<id> */
    char users_key[96];        /* gw:users:<id> */
    struct gw_bus_config cfg;
    void (*wake)(void *arg);
    void *wake_arg;

    pthread_mutex_t lock;
    pthread_cond_t jobs_cv;    /* writer waits for jobs */
    pthread_cond_t reads_cv;   /* reader waits while the service lags */
    struct gw_job *jobs, *jobs_tail;
    struct gw_bus_event *events, *events_tail;
    int pending_reads;         /* STREAMS events not yet taken */
    int stopping;

    char trim_to[48];          /* delivered entries before this id */
    pthread_t writer, reader;
    atomic_int writer_down;
    atomic_int reader_down;
};

/* ---- events to the service thread -------------------------------------- */

static void
gw_bus_post(struct gw_bus *bus, struct gw_bus_event *ev)
{
    pthread_mutex_lock(&bus->lock);
    if (bus->events_tail)
        bus->events_tail->next = ev;
    else
        bus->events = ev;
    bus->events_tail = ev;
    if (ev->kind == GW_EV_STREAMS)
        bus->pending_reads++;
    pthread_mutex_unlock(&bus->lock);
    bus->wake(bus->wake_arg);
}

static void
gw_bus_post_job(struct gw_bus *bus, enum gw_event_kind kind,
                struct gw_job *job, int ok)
{
    struct gw_bus_event *ev = calloc(1, sizeof *ev);

    if (ev == NULL) {
        free(job);
        return;
    }
    ev->kind = kind;
    ev->job = job;
    ev->ok = ok;
    gw_bus_post(bus, ev);
}

struct gw_bus_event *
gw_bus_take(struct gw_bus *bus)
{
    struct gw_bus_event *list, *ev;

    pthread_mutex_lock(&bus->lock);
    list = bus->events;
    bus->events = bus->events_tail = NULL;
    for (ev = list; ev != NULL; ev = ev->next)
        if (ev->kind == GW_EV_STREAMS)
            bus->pending_reads--;
    pthread_cond_signal(&bus->reads_cv);
    pthread_mutex_unlock(&bus->lock);
    return list;
}

void
gw_bus_submit(struct gw_bus *bus, struct gw_job *job)
{
    if (job == NULL)
        return;
    job->next = NULL;
    pthread_mutex_lock(&bus->lock);
    if (bus->jobs_tail)
        bus->jobs_tail->next = job;
    else
        bus->jobs = job;
    bus->jobs_tail = job;
    pthread_cond_signal(&bus->jobs_cv);
    pthread_mutex_unlock(&bus->lock);
}

/* ---- writer -------------------------------------------------------------- */

/* Append the commands of one job; returns how many replies it expects. */
static int
gw_bus_append(struct gw_bus *bus, struct cmn_redis *r, struct gw_job *j)
{
    char ack[24], settle[16];
    redisContext *c = r->c;

    switch (j->kind) {
    case GW_JOB_PUBLISH:
        snprintf(ack, sizeof ack, "%lld", j->ack_id);
        redisAppendCommand(c, "XADD " CMN_S_MSG " * k m f %s j %s r %s c %s "
                           "g %s s %s a %s", j->user, j->jti, j->room,
                           j->content, bus->id, j->sid,
                           j->ack_id >= 0 ? ack : "");
        return 1;
    case GW_JOB_BIND:
        redisAppendCommand(c, "HGET " CMN_K_TOKENS " %s", j->user);
        return 1;
    case GW_JOB_ONLINE: {
        const char *argv[] = {CMN_K_LOC, bus->users_key, j->user, bus->id};
        int n = 1;

        if (j->first_local) {
            cmn_script_append(r, &cmn_script_loc_add, 2, 4, argv, NULL);
            n++;
        }
        snprintf(settle, sizeof settle, "%d", j->settle_ms);
        redisAppendCommand(c, "XADD " CMN_S_PRES " * k bind u %s j %s st %s "
                           "g %s", j->user, j->jti, settle, bus->id);
        return n;
    }
    case GW_JOB_PRESENCE:
        redisAppendCommand(c, "XADD " CMN_S_PRES " * k %s u %s j %s",
                           j->what, j->user, j->jti ? j->jti : "");
        return 1;
    case GW_JOB_OFFLINE: {
        const char *argv[] = {CMN_K_LOC, bus->users_key, j->user, bus->id};

        cmn_script_append(r, &cmn_script_loc_del, 2, 4, argv, NULL);
        redisAppendCommand(c, "XADD " CMN_S_PRES " * k close u %s g %s",
                           j->user, bus->id);
        return 2;
    }
    case GW_JOB_BOUNCE:
        redisAppendCommand(c, "XADD " CMN_S_MSG " * k bounce u %s p %s g %s",
                           j->user, j->content, bus->id);
        return 1;
    }
    return 0;
}

/* Jobs that change shared state are kept and retried after an outage;
 * the rest fail at once (the client hears about it) or are dropped. */
static int
gw_bus_job_must_retry(const struct gw_job *j)
{
    return j->kind == GW_JOB_ONLINE || j->kind == GW_JOB_OFFLINE ||
           j->kind == GW_JOB_BOUNCE ||
           (j->kind == GW_JOB_PRESENCE && strcmp(j->what, "bye") == 0);
}

/* A job whose command did not get through. Returns it when it must be
 * retried, NULL when it was answered or dropped. */
static struct gw_job *
gw_bus_job_failed(struct gw_bus *bus, struct gw_job *j)
{
    if (gw_bus_job_must_retry(j))
        return j;
    if (j->kind == GW_JOB_PUBLISH)
        gw_bus_post_job(bus, GW_EV_PUBLISH_FAILED, j, 0);
    else if (j->kind == GW_JOB_BIND)
        gw_bus_post_job(bus, GW_EV_BIND_RESULT, j, -1);
    else
        free(j);
    return NULL;
}

/* Handle the replies of one job; 0, or -1 when the connection broke. */
static int
gw_bus_finish(struct gw_bus *bus, struct cmn_redis *r, struct gw_job *j,
              int nreplies)
{
    redisReply *rep;
    int ok = 1;

    for (int i = 0; i < nreplies; i++) {
        if ((rep = cmn_redis_get_reply(r)) == NULL)
            return -1;
        if (rep->type == REDIS_REPLY_ERROR) {
            cmn_log_error("bus", "job %d: %s", (int)j->kind, rep->str);
            ok = 0;
        }
        if (j->kind == GW_JOB_BIND)
            ok = (rep->type == REDIS_REPLY_STRING && j->jti &&
                  strcmp(rep->str, j->jti) == 0);
        freeReplyObject(rep);
    }
    if (j->kind == GW_JOB_BIND)
        gw_bus_post_job(bus, GW_EV_BIND_RESULT, j, ok);
    else if (j->kind == GW_JOB_PUBLISH && !ok)
        gw_bus_post_job(bus, GW_EV_PUBLISH_FAILED, j, 0);
    else
        free(j);
    return 0;
}

/* Run a batch of jobs as one pipeline. Returns the jobs to retry. */
static struct gw_job *
gw_bus_run(struct gw_bus *bus, struct cmn_redis *r, struct gw_job *jobs)
{
    struct gw_job *retry = NULL, **rtail = &retry, *j, *next;
    int counts[256], n = 0, broken = 0;
    struct gw_job *batch[256];

    while (jobs != NULL) {
        /* pipeline at most 256 jobs at a time */
        n = 0;
        if (cmn_redis_ctx(r) == NULL)
            broken = 1;
        for (j = jobs; j != NULL && n < 256 && !broken; j = j->next) {
            batch[n] = j;
            counts[n++] = gw_bus_append(bus, r, j);
        }
        next = (n > 0) ? batch[n - 1]->next : jobs;
        for (int i = 0; i < n; i++) {
            batch[i]->next = NULL;
            if (!broken && gw_bus_finish(bus, r, batch[i], counts[i]) != 0)
                broken = 1;
            else if (!broken)
                continue;
            if ((j = gw_bus_job_failed(bus, batch[i])) != NULL) {
                *rtail = j;
                rtail = &j->next;
            }
        }
        jobs = next;
        if (broken) {
            for (j = jobs; j != NULL; j = next) {
                next = j->next;
                j->next = NULL;
                if ((j = gw_bus_job_failed(bus, j)) != NULL) {
                    *rtail = j;
                    rtail = &j->next;
                }
            }
            jobs = NULL;
        }
    }
    atomic_store(&bus->writer_down, broken || r->c == NULL);
    return retry;
}

static void
gw_bus_beat(struct gw_bus *bus, struct cmn_redis *r, long long score)
{
    redisReply *rep = cmn_redis_cmd(r, "ZADD " CMN_K_GATEWAYS " %lld %s",
                                    score, bus->id);

    atomic_store(&bus->writer_down, rep == NULL);
    freeReplyObject(rep);
}

void
gw_bus_trim_to(struct gw_bus *bus, const char *minid)
{
    pthread_mutex_lock(&bus->lock);
    snprintf(bus->trim_to, sizeof bus->trim_to, "%s", minid);
    pthread_mutex_unlock(&bus->lock);
}

/* At most every GW_BUS_TRIM_MS: drop delivered entries of our stream
 * (one XTRIM for however many reads happened meanwhile). */
static void
gw_bus_trim(struct gw_bus *bus, struct cmn_redis *r, char *trimmed,
            size_t cap)
{
    char to[48];
    redisReply *rep;

    pthread_mutex_lock(&bus->lock);
    snprintf(to, sizeof to, "%s", bus->trim_to);
    pthread_mutex_unlock(&bus->lock);
    if (to[0] == '\0' || strcmp(to, trimmed) == 0)
        return;
    rep = cmn_redis_cmd(r, "XTRIM %s MINID %s", bus->stream, to);
    if (rep != NULL && rep->type == REDIS_REPLY_INTEGER)
        snprintf(trimmed, cap, "%s", to);
    freeReplyObject(rep);
}

static void *
gw_bus_writer(void *arg)
{
    struct gw_bus *bus = arg;
    struct cmn_redis r;
    struct gw_job *jobs, *retry = NULL;
    long long last_beat = 0, last_trim = 0;
    char trimmed[48] = "";
    int stop = 0;

    cmn_redis_init(&r, bus->cfg.redis_host, bus->cfg.redis_port, "writer");
    /* a hung Redis breaks the connection, not the thread (> any BLOCK) */
    cmn_redis_set_timeout(&r, 5000);
    while (!stop) {
        struct timespec ts;

        pthread_mutex_lock(&bus->lock);
        if (bus->jobs == NULL && !bus->stopping) {
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += 200 * 1000000L;
            if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&bus->jobs_cv, &bus->lock, &ts);
        }
        jobs = bus->jobs;
        bus->jobs = bus->jobs_tail = NULL;
        stop = bus->stopping && jobs == NULL;
        pthread_mutex_unlock(&bus->lock);

        if (retry != NULL) {            /* older jobs go first */
            struct gw_job *t = retry;

            while (t->next)
                t = t->next;
            t->next = jobs;
            jobs = retry;
            retry = NULL;
        }
        if (cmn_mono_ms() - last_beat >= GW_BUS_BEAT_MS) {
            gw_bus_beat(bus, &r, cmn_wall_ms());
            last_beat = cmn_mono_ms();
        }
        if (jobs != NULL)
            retry = gw_bus_run(bus, &r, jobs);
        if (cmn_mono_ms() - last_trim >= GW_BUS_TRIM_MS) {
            last_trim = cmn_mono_ms();
            gw_bus_trim(bus, &r, trimmed, sizeof trimmed);
        }
        if (retry != NULL && stop)
            cmn_log_error("bus", "shutting down with undelivered jobs "
                          "(Redis unreachable)");
    }
    while (retry != NULL) {
        struct gw_job *n = retry->next;

        free(retry);
        retry = n;
    }
    gw_bus_beat(bus, &r, 0);      /* gone: the reaper may clean up now */
    cmn_redis_close(&r);
    return NULL;
}

/* ---- reader -------------------------------------------------------------- */

/* The id of the newest entry of `stream` into out ("0-0" when empty). */
static int
gw_bus_last_id(struct cmn_redis *r, const char *stream, char *out,
               size_t cap)
{
    redisReply *rep = cmn_redis_cmd(r, "XREVRANGE %s + - COUNT 1", stream);
    const char *id;

    if (rep == NULL)
        return -1;
    id = (rep->type == REDIS_REPLY_ARRAY && rep->elements > 0)
             ? cmn_entry_id(rep->element[0]) : NULL;
    snprintf(out, cap, "%s", id ? id : "0-0");
    freeReplyObject(rep);
    return 0;
}

/* Is stream id a (ms-seq) later than b? */
static int
gw_bus_id_after(const char *a, const char *b)
{
    unsigned long long am, as, bm, bs;

    if (cmn_stream_id_parse(a, &am, &as) != 0 ||
        cmn_stream_id_parse(b, &bm, &bs) != 0)
        return 0;
    return am > bm || (am == bm && as > bs);
}

static void
gw_bus_note_last(const redisReply *rep, const char *stream, char *last,
                 size_t cap)
{
    struct cmn_stream_walk w;
    const redisReply *e;
    const char *name;

    cmn_stream_walk_init(&w, rep);
    while (cmn_stream_walk_next(&w, &name, &e))
        if (strcmp(name, stream) == 0 && cmn_entry_id(e))
            snprintf(last, cap, "%s", cmn_entry_id(e));
}

static void *
gw_bus_reader(void *arg)
{
    struct gw_bus *bus = arg;
    struct cmn_redis r;
    char last_gw[48] = "0-0", last_bc[48] = "", newest[48];
    int was_down = 1;

    cmn_redis_init(&r, bus->cfg.redis_host, bus->cfg.redis_port, "reader");
    /* a hung Redis breaks the connection, not the thread (> any BLOCK) */
    cmn_redis_set_timeout(&r, 5000);
    for (;;) {
        redisReply *rep;
        struct gw_bus_event *ev;

        pthread_mutex_lock(&bus->lock);
        while (bus->pending_reads >= GW_BUS_MAX_PENDING_READS &&
               !bus->stopping)
            pthread_cond_wait(&bus->reads_cv, &bus->lock);
        if (bus->stopping) {
            pthread_mutex_unlock(&bus->lock);
            break;
        }
        pthread_mutex_unlock(&bus->lock);

        if (cmn_redis_ctx(&r) == NULL) {
            atomic_store(&bus->reader_down, 1);
            was_down = 1;
            cmn_sleep_ms(100);
            continue;
        }
        if (was_down) {
            /* start after the newest broadcast; after a Redis that lost
             * data, do not wait for ids to catch up with ours */
            if (gw_bus_last_id(&r, CMN_S_BCAST, newest, sizeof newest) != 0)
                continue;
            if (last_bc[0] == '\0' || gw_bus_id_after(last_bc, newest))
                snprintf(last_bc, sizeof last_bc, "%s", newest);
            was_down = 0;
        }
        rep = cmn_redis_cmd(&r, "XREAD COUNT %d BLOCK %d STREAMS %s %s %s %s",
                            GW_BUS_READ_COUNT, GW_BUS_READ_BLOCK_MS,
                            bus->stream, CMN_S_BCAST, last_gw, last_bc);
        atomic_store(&bus->reader_down, rep == NULL);
        if (rep == NULL) {
            was_down = 1;
            continue;
        }
        if (rep->type != REDIS_REPLY_ARRAY) {
            if (rep->type == REDIS_REPLY_ERROR) {
                /* e.g. LOADING after a restart: back off, do not spin */
                cmn_log_warn("bus", "XREAD: %s", rep->str);
                cmn_sleep_ms(100);
            }
            freeReplyObject(rep);
            continue;
        }
        gw_bus_note_last(rep, bus->stream, last_gw, sizeof last_gw);
        gw_bus_note_last(rep, CMN_S_BCAST, last_bc, sizeof last_bc);
        if ((ev = calloc(1, sizeof *ev)) == NULL) {
            freeReplyObject(rep);
            continue;
        }
        ev->kind = GW_EV_STREAMS;
        ev->rep = rep;
        gw_bus_post(bus, ev);
    }
    cmn_redis_close(&r);
    return NULL;
}

/* ---- lifecycle ----------------------------------------------------------- */

struct gw_bus *
gw_bus_start(const struct gw_bus_config *cfg, void (*wake)(void *arg),
             void *wake_arg)
{
    struct gw_bus *bus = calloc(1, sizeof *bus);

    if (bus == NULL)
        return NULL;
    bus->cfg = *cfg;
    snprintf(bus->id, sizeof bus->id, "%s", cfg->gw_id);
    snprintf(bus->stream, sizeof bus->stream, CMN_S_GW_PREFIX "%s", bus->id);
    snprintf(bus->users_key, sizeof bus->users_key, CMN_K_GW_USERS "%s",
             bus->id);
    bus->wake = wake;
    bus->wake_arg = wake_arg;
    atomic_init(&bus->writer_down, 1);
    atomic_init(&bus->reader_down, 1);
    pthread_mutex_init(&bus->lock, NULL);
    pthread_cond_init(&bus->jobs_cv, NULL);
    pthread_cond_init(&bus->reads_cv, NULL);
    if (pthread_create(&bus->writer, NULL, gw_bus_writer, bus) != 0) {
        free(bus);
        return NULL;
    }
    if (pthread_create(&bus->reader, NULL, gw_bus_reader, bus) != 0) {
        pthread_mutex_lock(&bus->lock);
        bus->stopping = 1;
        pthread_cond_signal(&bus->jobs_cv);
        pthread_mutex_unlock(&bus->lock);
        pthread_join(bus->writer, NULL);
        free(bus);
        return NULL;
    }
    return bus;
}

void
gw_bus_stop(struct gw_bus *bus)
{
    struct gw_bus_event *ev, *next;

    if (bus == NULL)
        return;
    pthread_mutex_lock(&bus->lock);
    bus->stopping = 1;
    pthread_cond_broadcast(&bus->jobs_cv);
    pthread_cond_broadcast(&bus->reads_cv);
    pthread_mutex_unlock(&bus->lock);
    pthread_join(bus->writer, NULL);
    pthread_join(bus->reader, NULL);
    for (ev = gw_bus_take(bus); ev != NULL; ev = next) {
        next = ev->next;
        gw_bus_event_free(ev);
    }
    pthread_mutex_destroy(&bus->lock);
    pthread_cond_destroy(&bus->jobs_cv);
    pthread_cond_destroy(&bus->reads_cv);
    free(bus);
}

const char *
gw_bus_health(struct gw_bus *bus)
{
    if (atomic_load(&bus->writer_down) || atomic_load(&bus->reader_down))
        return "redis unreachable";
    return NULL;
}

const char *
gw_bus_stream(const struct gw_bus *bus)
{
    return bus->stream;
}
