/* sioc_queue.h -- a FIFO of owned event copies, for the blocking API.
 *
 * A connection in queue mode pushes every incoming event and ack here
 * instead of calling callbacks; sioc_wait_event() later takes the first
 * one that matches, leaving the others in their order. Bounded in bytes:
 * past the bound new items are refused (the caller counts them). */
#ifndef SIOC_QUEUE_H
#define SIOC_QUEUE_H

#include <stddef.h>

#include "sioc_event.h"

struct sioc_qitem {
    struct sioc_qitem *next;
    struct sioc_event ev;       /* owned copy */
};

struct sioc_queue {
    struct sioc_qitem *head, *tail;
    size_t count;
    size_t bytes;               /* payload bytes held */
    size_t max_bytes;
};

void sioc_queue_init(struct sioc_queue *q, size_t max_bytes);
/* Free every item. */
void sioc_queue_clear(struct sioc_queue *q);
/* Append a copy of ev. 0, or -1 (full or out of memory). */
int sioc_queue_push(struct sioc_queue *q, const struct sioc_event *ev);
/* Does item ev match: kind, and for events the name (NULL = any), for
 * acks the id (-1 = any)? */
int sioc_queue_match(const struct sioc_event *ev, enum sioc_event_kind kind,
                     const char *name, long id);
/* Move the first matching item into *out (the caller then owns it: free
 * with sioc_event_cleanup). 1 = taken, 0 = none. */
int sioc_queue_take(struct sioc_queue *q, enum sioc_event_kind kind,
                    const char *name, long id, struct sioc_event *out);
/* 1 when some item matches (nothing is removed). */
int sioc_queue_has(const struct sioc_queue *q, enum sioc_event_kind kind,
                   const char *name, long id);

#endif
