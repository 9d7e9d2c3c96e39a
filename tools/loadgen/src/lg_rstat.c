/* lg_rstat.c -- INFO commandstats snapshots (see lg_rstat.h). */
#include <stdio.h>
#include <string.h>

#include "lg_rstat.h"

/* One "cmdstat_<name>:calls=N,usec=U,..." line into c. 0 or -1. */
static int
lg_rstat_line(const char *line, struct lg_rstat_cmd *c)
{
    const char *colon;
    size_t n;

    if (strncmp(line, "cmdstat_", 8) != 0 ||
        (colon = strchr(line, ':')) == NULL)
        return -1;
    n = (size_t)(colon - line - 8);
    if (n >= sizeof c->name)
        n = sizeof c->name - 1;
    memcpy(c->name, line + 8, n);
    c->name[n] = '\0';
    if (sscanf(colon + 1, "calls=%llu,usec=%llu", &c->calls, &c->usec) != 2)
        return -1;
    return 0;
}

int
lg_rstat_take(struct cmn_redis *r, struct lg_rstat *snap)
{
    redisReply *rep = cmn_redis_cmd(r, "INFO commandstats");
    const char *p;

    memset(snap, 0, sizeof *snap);
    if (rep == NULL || rep->type != REDIS_REPLY_STRING) {
        freeReplyObject(rep);
        return -1;
    }
    for (p = rep->str; p != NULL && *p != '\0';) {
        const char *nl = strchr(p, '\n');
        char line[256];
        size_t len = nl ? (size_t)(nl - p) : strlen(p);

        if (len >= sizeof line)
            len = sizeof line - 1;
        memcpy(line, p, len);
        line[len] = '\0';
        if (snap->n < LG_RSTAT_MAX && lg_rstat_line(line, &snap->c[snap->n]) == 0)
            snap->n++;
        p = nl ? nl + 1 : NULL;
    }
    freeReplyObject(rep);
    snap->ok = 1;
    return 0;
}

static const struct lg_rstat_cmd *
lg_rstat_find(const struct lg_rstat *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->c[i].name, name) == 0)
            return &s->c[i];
    return NULL;
}

/* Calls and usec of command i of b since a. */
static void
lg_rstat_delta(const struct lg_rstat *a, const struct lg_rstat *b, size_t i,
               unsigned long long *calls, unsigned long long *usec)
{
    const struct lg_rstat_cmd *o = lg_rstat_find(a, b->c[i].name);

    *calls = b->c[i].calls - (o && o->calls <= b->c[i].calls ? o->calls : 0);
    *usec = b->c[i].usec - (o && o->usec <= b->c[i].usec ? o->usec : 0);
}

void
lg_rstat_total(const struct lg_rstat *a, const struct lg_rstat *b,
               unsigned long long *calls, unsigned long long *usec)
{
    *calls = *usec = 0;
    for (size_t i = 0; i < b->n; i++) {
        unsigned long long c, u;

        if (strcmp(b->c[i].name, "info") == 0)
            continue;
        lg_rstat_delta(a, b, i, &c, &u);
        *calls += c;
        *usec += u;
    }
}

int
lg_rstat_json(const struct lg_rstat *a, const struct lg_rstat *b,
              unsigned long long msgs, struct cmn_buf *out)
{
    unsigned long long calls, usec;
    int rc, first = 1;

    if (!a->ok || !b->ok)
        return cmn_buf_puts(out, "null");
    lg_rstat_total(a, b, &calls, &usec);
    rc = cmn_buf_printf(out, "{\"total\":%llu,\"usec\":%llu", calls, usec);
    if (msgs > 0)
        rc |= cmn_buf_printf(out, ",\"per_msg\":%.3f,\"usec_per_msg\":%.2f",
                             (double)calls / (double)msgs,
                             (double)usec / (double)msgs);
    rc |= cmn_buf_puts(out, ",\"by_cmd\":{");
    for (size_t i = 0; i < b->n; i++) {
        unsigned long long c, u;

        if (strcmp(b->c[i].name, "info") == 0)
            continue;
        lg_rstat_delta(a, b, i, &c, &u);
        if (c == 0)
            continue;
        rc |= cmn_buf_printf(out, "%s\"%s\":%llu", first ? "" : ",",
                             b->c[i].name, c);
        first = 0;
    }
    rc |= cmn_buf_puts(out, "}}");
    return rc ? -1 : 0;
}
