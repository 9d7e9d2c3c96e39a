/* sioc_queue.c -- FIFO of owned events (see sioc_queue.h). */
#include <stdlib.h>
#include <string.h>

#include "sioc_queue.h"

void
sioc_queue_init(struct sioc_queue *q, size_t max_bytes)
{
    memset(q, 0, sizeof *q);
    q->max_bytes = max_bytes;
}

void
sioc_queue_clear(struct sioc_queue *q)
{
    struct sioc_qitem *it = q->head, *next;

    for (; it != NULL; it = next) {
        next = it->next;
        sioc_event_cleanup(&it->ev);
        free(it);
    }
    q->head = q->tail = NULL;
    q->count = 0;
    q->bytes = 0;
}

int
sioc_queue_push(struct sioc_queue *q, const struct sioc_event *ev)
{
    size_t sz = ev->data.len + ev->args.len;
    struct sioc_qitem *it;

    if (q->bytes + sz > q->max_bytes)
        return -1;
    it = malloc(sizeof *it);
    if (it == NULL)
        return -1;
    if (sioc_event_copy(&it->ev, ev) != 0) {
        free(it);
        return -1;
    }
    it->next = NULL;
    if (q->tail != NULL)
        q->tail->next = it;
    else
        q->head = it;
    q->tail = it;
    q->count++;
    q->bytes += sz;
    return 0;
}

int
sioc_queue_match(const struct sioc_event *ev, enum sioc_event_kind kind,
                 const char *name, long id)
{
    if (ev->kind != kind)
        return 0;
    if (kind == SIOC_EVENT)
        return name == NULL || strcmp(ev->name, name) == 0;
    return id < 0 || ev->id == id;
}

int
sioc_queue_take(struct sioc_queue *q, enum sioc_event_kind kind,
                const char *name, long id, struct sioc_event *out)
{
    struct sioc_qitem *it, *prev = NULL;

    for (it = q->head; it != NULL; prev = it, it = it->next) {
        if (!sioc_queue_match(&it->ev, kind, name, id))
            continue;
        if (prev != NULL)
            prev->next = it->next;
        else
            q->head = it->next;
        if (q->tail == it)
            q->tail = prev;
        q->count--;
        q->bytes -= it->ev.data.len + it->ev.args.len;
        *out = it->ev;
        free(it);
        return 1;
    }
    return 0;
}

int
sioc_queue_has(const struct sioc_queue *q, enum sioc_event_kind kind,
               const char *name, long id)
{
    for (const struct sioc_qitem *it = q->head; it != NULL; it = it->next)
        if (sioc_queue_match(&it->ev, kind, name, id))
            return 1;
    return 0;
}
