/* aib_queue.c -- per-user lanes of a bot's pending messages (see
 * aib_queue.h). Lanes are found by a linear scan: there are at most
 * max_queue of them and messages to bots are few next to the work of
 * answering them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aib_queue.h"
#include "cmn/cmn_proc.h"

struct aib_lane {
    char *user;
    struct aib_job *head, *tail;
    int busy;                    /* a worker has its head */
    int ready;                   /* in the ready list */
    struct aib_lane *next;       /* all lanes */
    struct aib_lane *next_ready;
};

struct aib_job *
aib_job_new(const char *id, int offline, const char *user, const char *room,
            const char *content, size_t content_len)
{
    struct aib_job *j = calloc(1, sizeof *j);

    if (j == NULL)
        return NULL;
    snprintf(j->id, sizeof j->id, "%s", id);
    j->offline = offline;
    j->user = strdup(user);
    j->room = room ? strdup(room) : NULL;
    if (content != NULL && (j->content = malloc(content_len + 1)) != NULL) {
        memcpy(j->content, content, content_len);
        j->content[content_len] = '\0';
        j->content_len = content_len;
    }
    j->queued_ms = cmn_mono_ms();
    if (j->user == NULL || (room && !j->room) || (content && !j->content)) {
        aib_job_free(j);
        return NULL;
    }
    return j;
}

void
aib_job_free(struct aib_job *j)
{
    if (j == NULL)
        return;
    free(j->user);
    free(j->room);
    free(j->content);
    free(j);
}

int
aib_queue_init(struct aib_queue *q, size_t max)
{
    pthread_condattr_t ca;

    memset(q, 0, sizeof *q);
    q->max = max;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    if (pthread_mutex_init(&q->mu, NULL) != 0)
        return -1;
    pthread_cond_init(&q->work, &ca);
    pthread_cond_init(&q->space, &ca);
    pthread_condattr_destroy(&ca);
    return 0;
}

static void
aib_lane_free(struct aib_lane *l)
{
    while (l->head != NULL) {
        struct aib_job *j = l->head;

        l->head = j->next;
        aib_job_free(j);
    }
    free(l->user);
    free(l);
}

void
aib_queue_destroy(struct aib_queue *q)
{
    while (q->lanes != NULL) {
        struct aib_lane *l = q->lanes;

        q->lanes = l->next;
        aib_lane_free(l);
    }
    pthread_cond_destroy(&q->work);
    pthread_cond_destroy(&q->space);
    pthread_mutex_destroy(&q->mu);
}

/* Under mu: put l at the end of the ready list. */
static void
aib_queue_ready(struct aib_queue *q, struct aib_lane *l)
{
    l->ready = 1;
    l->next_ready = NULL;
    if (q->ready_tail != NULL)
        q->ready_tail->next_ready = l;
    else
        q->ready_head = l;
    q->ready_tail = l;
    pthread_cond_signal(&q->work);
}

void
aib_queue_push(struct aib_queue *q, struct aib_job *j)
{
    struct aib_lane *l;

    pthread_mutex_lock(&q->mu);
    for (l = q->lanes; l != NULL; l = l->next)
        if (strcmp(l->user, j->user) == 0)
            break;
    if (l == NULL && (l = calloc(1, sizeof *l)) != NULL) {
        if ((l->user = strdup(j->user)) == NULL) {
            free(l);
            l = NULL;
        } else {
            l->next = q->lanes;         /* a lane lives while it has jobs */
            q->lanes = l;
        }
    }
    if (l == NULL) {                    /* out of memory: dropped, unacked */
        pthread_mutex_unlock(&q->mu);
        aib_job_free(j);
        return;
    }
    j->lane = l;
    j->next = NULL;
    if (l->tail != NULL)
        l->tail->next = j;
    else
        l->head = j;
    l->tail = j;
    q->njobs++;
    if (!l->busy && !l->ready)
        aib_queue_ready(q, l);
    pthread_mutex_unlock(&q->mu);
}

/* Deadline for pthread_cond_timedwait on the monotonic clock. */
static void
aib_queue_deadline(struct timespec *ts, int timeout_ms)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += timeout_ms / 1000;
    ts->tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

int
aib_queue_wait_space(struct aib_queue *q, int timeout_ms)
{
    struct timespec ts;
    int room;

    aib_queue_deadline(&ts, timeout_ms);
    pthread_mutex_lock(&q->mu);
    while (q->njobs >= q->max && !q->closed &&
           pthread_cond_timedwait(&q->space, &q->mu, &ts) != ETIMEDOUT)
        ;
    room = q->njobs < q->max;
    pthread_mutex_unlock(&q->mu);
    return room;
}

struct aib_job *
aib_queue_take(struct aib_queue *q, int timeout_ms)
{
    struct timespec ts;
    struct aib_lane *l;
    struct aib_job *j = NULL;

    aib_queue_deadline(&ts, timeout_ms);
    pthread_mutex_lock(&q->mu);
    while (q->ready_head == NULL && !q->closed &&
           pthread_cond_timedwait(&q->work, &q->mu, &ts) != ETIMEDOUT)
        ;
    if (!q->closed && (l = q->ready_head) != NULL) {
        q->ready_head = l->next_ready;
        if (q->ready_head == NULL)
            q->ready_tail = NULL;
        l->ready = 0;
        l->busy = 1;
        j = l->head;
    }
    pthread_mutex_unlock(&q->mu);
    return j;
}

void
aib_queue_done(struct aib_queue *q, struct aib_job *j)
{
    struct aib_lane *l = j->lane, **pp;

    pthread_mutex_lock(&q->mu);
    l->head = j->next;
    if (l->head == NULL)
        l->tail = NULL;
    l->busy = 0;
    q->njobs--;
    if (l->head != NULL) {
        aib_queue_ready(q, l);
    } else {
        for (pp = &q->lanes; *pp != NULL; pp = &(*pp)->next)
            if (*pp == l) {
                *pp = l->next;
                break;
            }
        free(l->user);
        free(l);
    }
    pthread_cond_signal(&q->space);
    pthread_mutex_unlock(&q->mu);
    aib_job_free(j);
}

int
aib_queue_has(struct aib_queue *q, const char *id)
{
    int found = 0;

    pthread_mutex_lock(&q->mu);
    for (struct aib_lane *l = q->lanes; l != NULL && !found; l = l->next)
        for (struct aib_job *j = l->head; j != NULL; j = j->next)
            if (strcmp(j->id, id) == 0) {
                found = 1;
                break;
            }
    pthread_mutex_unlock(&q->mu);
    return found;
}

size_t
aib_queue_ids(struct aib_queue *q, char (*ids)[AIB_ID_MAX], size_t cap)
{
    size_t n = 0;

    pthread_mutex_lock(&q->mu);
    for (struct aib_lane *l = q->lanes; l != NULL; l = l->next)
        for (struct aib_job *j = l->head; j != NULL; j = j->next, n++)
            if (n < cap)
                memcpy(ids[n], j->id, AIB_ID_MAX);
    pthread_mutex_unlock(&q->mu);
    return n;
}

size_t
aib_queue_len(struct aib_queue *q)
{
    size_t n;

    pthread_mutex_lock(&q->mu);
    n = q->njobs;
    pthread_mutex_unlock(&q->mu);
    return n;
}

void
aib_queue_close(struct aib_queue *q)
{
    pthread_mutex_lock(&q->mu);
    q->closed = 1;
    pthread_cond_broadcast(&q->work);
    pthread_cond_broadcast(&q->space);
    pthread_mutex_unlock(&q->mu);
}

int
aib_queue_closed(struct aib_queue *q)
{
    int c;

    pthread_mutex_lock(&q->mu);
    c = q->closed;
    pthread_mutex_unlock(&q->mu);
    return c;
}
