/* gw_session.c -- the sid table, namespace lists and ids of sessions. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "gw_session.h"

static size_t
gw_table_hash(const char *sid, size_t nslots)
{
    unsigned long long h = 1469598103934665603ULL;     /* FNV-1a */

    for (; *sid; sid++)
        h = (h ^ (unsigned char)*sid) * 1099511628211ULL;
    return (size_t)(h & (nslots - 1));
}

int
gw_table_init(struct gw_table *t)
{
    t->nslots = 1024;
    t->count = 0;
    t->slots = calloc(t->nslots, sizeof *t->slots);
    return t->slots ? 0 : -1;
}

void
gw_table_free(struct gw_table *t)
{
    free(t->slots);
    t->slots = NULL;
}

static int
gw_table_grow(struct gw_table *t)
{
    size_t n = t->nslots * 2;
    struct gw_session **slots = calloc(n, sizeof *slots);

    if (slots == NULL)
        return -1;
    for (size_t i = 0; i < t->nslots; i++) {
        struct gw_session *s = t->slots[i], *next;

        for (; s != NULL; s = next) {
            size_t h = gw_table_hash(s->sid, n);

            next = s->hnext;
            s->hnext = slots[h];
            slots[h] = s;
        }
    }
    free(t->slots);
    t->slots = slots;
    t->nslots = n;
    return 0;
}

int
gw_table_add(struct gw_table *t, struct gw_session *s)
{
    size_t h;

    if (t->count >= t->nslots && gw_table_grow(t) != 0)
        return -1;
    h = gw_table_hash(s->sid, t->nslots);
    s->hnext = t->slots[h];
    t->slots[h] = s;
    t->count++;
    return 0;
}

struct gw_session *
gw_table_find(const struct gw_table *t, const char *sid)
{
    struct gw_session *s = t->slots[gw_table_hash(sid, t->nslots)];

    while (s != NULL && strcmp(s->sid, sid) != 0)
        s = s->hnext;
    return s;
}

void
gw_table_del(struct gw_table *t, struct gw_session *s)
{
    struct gw_session **pp = &t->slots[gw_table_hash(s->sid, t->nslots)];

    for (; *pp != NULL; pp = &(*pp)->hnext) {
        if (*pp == s) {
            *pp = s->hnext;
            t->count--;
            return;
        }
    }
}

struct gw_nsp *
gw_nsp_find(struct gw_session *s, const char *name, size_t len)
{
    struct gw_nsp *n;

    for (n = s->nsps; n != NULL; n = n->next)
        if (n->len == len && memcmp(n->name, name, len) == 0)
            return n;
    return NULL;
}

struct gw_nsp *
gw_nsp_add(struct gw_session *s, const char *name, size_t len)
{
    struct gw_nsp *n = malloc(sizeof *n + len + 1);

    if (n == NULL)
        return NULL;
    memcpy(n->name, name, len);
    n->name[len] = '\0';
    n->len = len;
    gw_random_id(n->sid, 20);
    n->next = s->nsps;
    s->nsps = n;
    return n;
}

void
gw_nsp_del(struct gw_session *s, struct gw_nsp *n)
{
    struct gw_nsp **pp;

    for (pp = &s->nsps; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == n) {
            *pp = n->next;
            free(n);
            return;
        }
    }
}

void
gw_nsp_free_all(struct gw_session *s)
{
    while (s->nsps != NULL)
        gw_nsp_del(s, s->nsps);
}

void
gw_binpend_free(struct gw_binpend *b)
{
    if (b == NULL)
        return;
    for (int i = 0; i < b->have; i++)
        gw_pkt_unref(b->att[i]);
    free(b->text);
    free(b);
}

void
gw_random_id(char *out, size_t n)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    unsigned char raw[64];

    if (n > sizeof raw)
        n = sizeof raw;
    randombytes_buf(raw, n);
    for (size_t i = 0; i < n; i++)
        out[i] = alphabet[raw[i] & 63];
    out[n] = '\0';
}
