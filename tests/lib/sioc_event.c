/* sioc_event.c -- owned copies and accessors of incoming events (see
 * sioc_event.h). */
#include <stdlib.h>
#include <string.h>

#include "sioc_event.h"

int
sioc_event_copy(struct sioc_event *dst, const struct sioc_event *src)
{
    char *m = malloc(src->data.len + src->args.len + 2);

    if (m == NULL)
        return -1;
    *dst = *src;
    memcpy(m, src->data.p, src->data.len);
    m[src->data.len] = '\0';
    memcpy(m + src->data.len + 1, src->args.p, src->args.len);
    m[src->data.len + 1 + src->args.len] = '\0';
    dst->mem = m;
    dst->data.p = m;
    dst->args.p = m + src->data.len + 1;
    /* the first argument always lies inside the packet's array */
    if (src->arg0.p != NULL)
        dst->arg0.p = m + (src->arg0.p - src->data.p);
    return 0;
}

void
sioc_event_cleanup(struct sioc_event *ev)
{
    if (ev == NULL)
        return;
    free(ev->mem);
    memset(ev, 0, sizeof *ev);
    ev->id = -1;
}

int
sioc_event_arg(const struct sioc_event *ev, int i, struct cmn_json_span *out)
{
    struct cmn_json_iter it;
    struct cmn_json_span v;

    if (i < 0 || i >= ev->argc || cmn_json_iter_init(&it, ev->args) != 0)
        return 0;
    while (cmn_json_array_next(&it, &v) == 1) {
        if (i-- == 0) {
            *out = v;
            return 1;
        }
    }
    return 0;
}

ssize_t
sioc_event_str(const struct sioc_event *ev, const char *key, char *out,
               size_t cap)
{
    if (ev->argc < 1 || cmn_json_kind(ev->arg0) != CMN_JSON_OBJECT)
        return -1;
    return cmn_json_get_string(ev->arg0, key, out, cap);
}
