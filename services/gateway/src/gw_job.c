/* gw_job.c -- the values that travel between the service thread and the
 * bus threads (see gw_bus.h): jobs, with their strings in one allocation,
 * and events. No threads here, so the fuzz harness links it with its own
 * in-memory bus. */
#include <stdlib.h>
#include <string.h>

#include "gw_bus.h"

struct gw_job *
gw_job_new(enum gw_job_kind kind, const char *user, const char *jti,
           const char *room, const char *content, size_t content_len,
           const char *sid, const char *what)
{
    const char *src[6] = {user, jti, room, content, sid, what};
    size_t lens[6], total = 0;
    struct gw_job *j;
    char *p;

    for (int i = 0; i < 6; i++) {
        lens[i] = src[i] ? (i == 3 ? content_len : strlen(src[i])) : 0;
        total += src[i] ? lens[i] + 1 : 0;
    }
    if ((j = calloc(1, sizeof *j + total)) == NULL)
        return NULL;
    j->kind = kind;
    j->ack_id = -1;
    p = j->text;
    const char **dst[6] = {&j->user, &j->jti, &j->room, &j->content,
                           &j->sid, &j->what};
    for (int i = 0; i < 6; i++) {
        if (src[i] == NULL)
            continue;
        memcpy(p, src[i], lens[i]);
        p[lens[i]] = '\0';
        *dst[i] = p;
        p += lens[i] + 1;
    }
    return j;
}

void
gw_bus_event_free(struct gw_bus_event *ev)
{
    if (ev == NULL)
        return;
    freeReplyObject(ev->rep);
    free(ev->job);
    free(ev);
}
