/* aib_queue.h -- the messages one bot has read but not yet answered, in
 * one lane per user: lanes are served round-robin by the bot's workers,
 * and a lane is given to one worker at a time, so many users are served
 * at once while each user's messages are answered in order.
 *
 * Thread-safe (one mutex). A job stays in its lane, at the head, while a
 * worker handles it, so aib_queue_ids() sees everything the bridge still
 * owes an answer for (their Redis leases are renewed from that list). */
#ifndef AIB_QUEUE_H
#define AIB_QUEUE_H

#include <pthread.h>
#include <stddef.h>

#define AIB_ID_MAX 48

struct aib_lane;

struct aib_job {
    char id[AIB_ID_MAX];         /* the s:bot:<bot> entry id */
    char msg_id[AIB_ID_MAX];     /* the chat message's id (k=m) */
    int offline;                 /* k=offline: the user left */
    char *user;
    char *room;                  /* may be NULL */
    char *content;               /* raw JSON as the relay wrote it */
    size_t content_len;
    long long queued_ms;         /* monotonic */
    struct aib_job *next;
    struct aib_lane *lane;       /* set by aib_queue_push */
};

struct aib_queue {
    pthread_mutex_t mu;
    pthread_cond_t work;         /* a lane became ready, or closed */
    pthread_cond_t space;        /* a job finished */
    struct aib_lane *lanes;      /* every lane with jobs */
    struct aib_lane *ready_head, *ready_tail;
    size_t njobs;
    size_t max;
    int closed;
};

/* A job with copies of its strings; content may be NULL. NULL on OOM. */
struct aib_job *aib_job_new(const char *id, int offline, const char *user,
                            const char *room, const char *content,
                            size_t content_len);
void aib_job_free(struct aib_job *j);

int aib_queue_init(struct aib_queue *q, size_t max);
/* Frees the jobs still queued. No thread may use q any more. */
void aib_queue_destroy(struct aib_queue *q);
/* Append j to its user's lane (takes ownership). Never blocks; the
 * reader checks aib_queue_wait_space() first. */
void aib_queue_push(struct aib_queue *q, struct aib_job *j);
/* Wait up to timeout_ms for fewer than max jobs. 1 = room, 0 = not. */
int aib_queue_wait_space(struct aib_queue *q, int timeout_ms);
/* The next job of a ready lane, which is now busy; NULL after timeout_ms
 * or once the queue is closed. */
struct aib_job *aib_queue_take(struct aib_queue *q, int timeout_ms);
/* The job is answered: drop and free it, free its lane for the next. */
void aib_queue_done(struct aib_queue *q, struct aib_job *j);
/* 1 when a job with this id is queued or in progress. */
int aib_queue_has(struct aib_queue *q, const char *id);
/* Copy the ids of every job (queued or in progress) into ids[cap];
 * returns how many there are (may exceed cap). */
size_t aib_queue_ids(struct aib_queue *q, char (*ids)[AIB_ID_MAX],
                     size_t cap);
size_t aib_queue_len(struct aib_queue *q);
/* Workers stop taking jobs; waiting ones return NULL. */
void aib_queue_close(struct aib_queue *q);
int aib_queue_closed(struct aib_queue *q);

#endif
