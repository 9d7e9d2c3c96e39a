/* gw_bus.h -- the gateway's two Redis threads and the queues between them
 * and the lws service thread.
 *
 *   writer thread: takes jobs from the service thread (publish a message,
 *     check a token, presence events, location updates, stream trims,
 *     bounces), pipelines them to Redis in batches, and beats the
 *     gateway's liveness every second.
 *   reader thread: XREAD BLOCK on this gateway's delivery stream and the
 *     broadcast stream; hands each reply, whole, to the service thread.
 *
 * Results and deliveries come back as gw_bus_event values through
 * gw_bus_take(); the bus calls wake() (gw_server_wake) after posting, so
 * the service thread drains them in LWS_CALLBACK_EVENT_WAIT_CANCELLED. */
#ifndef GW_BUS_H
#define GW_BUS_H

#include <stddef.h>

#include <hiredis.h>

enum gw_job_kind {
    GW_JOB_PUBLISH,    /* chat message -> s:msg */
    GW_JOB_BIND,       /* check user's token is jti, answer BIND_RESULT */
    GW_JOB_ONLINE,     /* loc_add (if first) + presence bind */
    GW_JOB_PRESENCE,   /* presence event: hb, bye */
    GW_JOB_OFFLINE,    /* loc_del + presence close: last local socket */
    GW_JOB_BOUNCE      /* an undeliverable packet back to the relay */
};

/* A job; strings point into `text` (one allocation, owned by the job). */
struct gw_job {
    struct gw_job *next;
    enum gw_job_kind kind;
    const char *user;
    const char *jti;
    const char *room;        /* PUBLISH */
    const char *content;     /* PUBLISH: raw JSON; BOUNCE: packet */
    const char *sid;         /* PUBLISH, BIND: the session */
    const char *what;        /* PRESENCE: "hb" | "bye" */
    long long ack_id;        /* PUBLISH, BIND: client's ack id or -1 */
    int settle_ms;           /* ONLINE */
    int first_local;         /* ONLINE: first socket of user here */
    int bind_kind;           /* BIND: opaque to the bus, echoed back */
    char text[];
};

/* Build a job holding copies of the given strings (NULL allowed). */
struct gw_job *gw_job_new(enum gw_job_kind kind, const char *user,
                          const char *jti, const char *room,
                          const char *content, size_t content_len,
                          const char *sid, const char *what);

enum gw_event_kind {
    GW_EV_STREAMS,         /* rep: an XREAD reply to walk and free */
    GW_EV_BIND_RESULT,     /* ok = 1 valid, 0 revoked, -1 Redis down */
    GW_EV_PUBLISH_FAILED   /* the message could not be stored */
};

struct gw_bus_event {
    struct gw_bus_event *next;
    enum gw_event_kind kind;
    redisReply *rep;       /* STREAMS (owned) */
    struct gw_job *job;    /* BIND_RESULT, PUBLISH_FAILED (owned) */
    int ok;
};

struct gw_bus_config {
    const char *redis_host;
    int redis_port;
    const char *gw_id;       /* this process' id: stream s:gw:<id> */
};

struct gw_bus;

struct gw_bus *gw_bus_start(const struct gw_bus_config *cfg,
                            void (*wake)(void *arg), void *wake_arg);
/* Flush the pending jobs, mark this gateway gone, stop both threads and
 * free everything (NULL-safe). */
void gw_bus_stop(struct gw_bus *bus);

/* Hand a job to the writer (takes ownership). Any thread. */
void gw_bus_submit(struct gw_bus *bus, struct gw_job *job);
/* The entries of this gateway's stream before minid are delivered: the
 * writer trims them (at most ten times a second). Any thread. */
void gw_bus_trim_to(struct gw_bus *bus, const char *minid);
/* Take every posted event, oldest first (caller frees each with
 * gw_bus_event_free). */
struct gw_bus_event *gw_bus_take(struct gw_bus *bus);
void gw_bus_event_free(struct gw_bus_event *ev);

/* Health, read from any thread: NULL when both threads reach Redis. */
const char *gw_bus_health(struct gw_bus *bus);
/* The stream this gateway reads deliveries from. */
const char *gw_bus_stream(const struct gw_bus *bus);

#endif
