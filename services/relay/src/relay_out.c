/* relay_out.c -- delivery records grouped per gateway (see relay_out.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmn/cmn_keys.h"
#include "relay_out.h"

void
relay_out_init(struct relay_out *o)
{
    memset(o, 0, sizeof *o);
}

static struct relay_gwout *
relay_out_gw(struct relay_out *o, const char *gw)
{
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(o->gws[i].gw, gw) == 0)
            return &o->gws[i];
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 8;
        struct relay_gwout *g = realloc(o->gws, cap * sizeof *g);

        if (g == NULL)
            return NULL;
        o->gws = g;
        o->cap = cap;
    }
    memset(&o->gws[o->n], 0, sizeof o->gws[o->n]);
    if ((o->gws[o->n].gw = strdup(gw)) == NULL)
        return NULL;
    return &o->gws[o->n++];
}

int
relay_out_add(struct relay_out *o, const char *gw, char kind,
              const char *target, const char *value, size_t vlen)
{
    struct relay_gwout *g = relay_out_gw(o, gw);
    struct relay_rec *r;
    size_t flen = strlen(target) + 3;

    if (g == NULL)
        return -1;
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 16;
        struct relay_rec *recs = realloc(g->recs, cap * sizeof *recs);

        if (recs == NULL)
            return -1;
        g->recs = recs;
        g->cap = cap;
    }
    r = &g->recs[g->n];
    r->field = malloc(flen);
    r->value = malloc(vlen + 1);
    if (r->field == NULL || r->value == NULL) {
        free(r->field);
        free(r->value);
        return -1;
    }
    snprintf(r->field, flen, "%c %s", kind, target);
    memcpy(r->value, value, vlen);
    r->value[vlen] = '\0';
    r->vlen = vlen;
    g->n++;
    o->records++;
    return 0;
}

void
relay_out_add_for(const char *gw, void *rec)
{
    const struct relay_out_rec *r = rec;

    relay_out_add(r->out, gw, r->kind, r->target, r->value, r->vlen);
}

int
relay_out_append(const struct relay_out *o, redisContext *c)
{
    int appended = 0;

    for (size_t i = 0; i < o->n; i++) {
        const struct relay_gwout *g = &o->gws[i];
        size_t argc = 3 + 2 * g->n;
        const char **argv = malloc(argc * sizeof *argv);
        size_t *lens = malloc(argc * sizeof *lens);
        char stream[160];

        if (argv == NULL || lens == NULL || g->n == 0) {
            free(argv);
            free(lens);
            continue;
        }
        snprintf(stream, sizeof stream, CMN_S_GW_PREFIX "%s", g->gw);
        argv[0] = "XADD";
        argv[1] = stream;
        argv[2] = "*";
        for (size_t k = 0; k < 3; k++)
            lens[k] = strlen(argv[k]);
        for (size_t j = 0; j < g->n; j++) {
            argv[3 + 2 * j] = g->recs[j].field;
            lens[3 + 2 * j] = strlen(g->recs[j].field);
            argv[4 + 2 * j] = g->recs[j].value;
            lens[4 + 2 * j] = g->recs[j].vlen;
        }
        if (redisAppendCommandArgv(c, (int)argc, argv, lens) == REDIS_OK)
            appended++;
        free(argv);
        free(lens);
    }
    return appended;
}

void
relay_out_reset(struct relay_out *o)
{
    for (size_t i = 0; i < o->n; i++) {
        for (size_t j = 0; j < o->gws[i].n; j++) {
            free(o->gws[i].recs[j].field);
            free(o->gws[i].recs[j].value);
        }
        free(o->gws[i].recs);
        free(o->gws[i].gw);
    }
    free(o->gws);
    relay_out_init(o);
}
