/* gw_users.c -- user name -> local bound sessions (see gw_users.h). */
#include <stdlib.h>
#include <string.h>

#include "gw_users.h"

static size_t
gw_users_hash(const char *name, size_t nslots)
{
    unsigned long long h = 1469598103934665603ULL;

    for (; *name; name++)
        h = (h ^ (unsigned char)*name) * 1099511628211ULL;
    return (size_t)(h & (nslots - 1));
}

int
gw_users_init(struct gw_users *u)
{
    u->nslots = 1024;
    u->count = 0;
    u->slots = calloc(u->nslots, sizeof *u->slots);
    return u->slots ? 0 : -1;
}

void
gw_users_free(struct gw_users *u)
{
    for (size_t i = 0; u->slots && i < u->nslots; i++) {
        struct gw_user *x = u->slots[i], *next;

        for (; x != NULL; x = next) {
            next = x->hnext;
            free(x);
        }
    }
    free(u->slots);
    u->slots = NULL;
}

struct gw_user *
gw_users_find(const struct gw_users *u, const char *name)
{
    struct gw_user *x = u->slots[gw_users_hash(name, u->nslots)];

    while (x != NULL && strcmp(x->name, name) != 0)
        x = x->hnext;
    return x;
}

static void
gw_users_grow(struct gw_users *u)
{
    size_t n = u->nslots * 2;
    struct gw_user **slots = calloc(n, sizeof *slots);

    if (slots == NULL)
        return;                         /* keep the longer chains */
    for (size_t i = 0; i < u->nslots; i++) {
        struct gw_user *x = u->slots[i], *next;

        for (; x != NULL; x = next) {
            size_t h = gw_users_hash(x->name, n);

            next = x->hnext;
            x->hnext = slots[h];
            slots[h] = x;
        }
    }
    free(u->slots);
    u->slots = slots;
    u->nslots = n;
}

int
gw_users_add(struct gw_users *u, const char *name, struct gw_user_link *l)
{
    struct gw_user *x = gw_users_find(u, name);

    if (x == NULL) {
        size_t len = strlen(name), h;

        if (u->count >= u->nslots)
            gw_users_grow(u);
        if ((x = calloc(1, sizeof *x + len + 1)) == NULL)
            return -1;
        memcpy(x->name, name, len + 1);
        h = gw_users_hash(name, u->nslots);
        x->hnext = u->slots[h];
        u->slots[h] = x;
        u->count++;
    }
    l->prev = NULL;
    l->next = x->sessions;
    if (x->sessions)
        x->sessions->prev = l;
    x->sessions = l;
    return (int)++x->count;
}

int
gw_users_del(struct gw_users *u, const char *name, struct gw_user_link *l)
{
    size_t h = gw_users_hash(name, u->nslots);
    struct gw_user **pp = &u->slots[h], *x;

    while (*pp != NULL && strcmp((*pp)->name, name) != 0)
        pp = &(*pp)->hnext;
    if ((x = *pp) == NULL)
        return 0;
    if (l->prev)
        l->prev->next = l->next;
    else
        x->sessions = l->next;
    if (l->next)
        l->next->prev = l->prev;
    l->next = l->prev = NULL;
    if (--x->count > 0)
        return (int)x->count;
    *pp = x->hnext;
    free(x);
    u->count--;
    return 0;
}
