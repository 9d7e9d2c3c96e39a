/* relay_state.c -- per-batch routing state (see relay_state.h). */
#include <stdlib.h>
#include <string.h>

#include "cmn/cmn_keys.h"
#include "relay_state.h"

void
relay_state_init(struct relay_state *st)
{
    memset(st, 0, sizeof *st);
}

static void
relay_ustate_clear(struct relay_ustate *u)
{
    free(u->name);
    free(u->token);
    free(u->online);
    free(u->loc);
    memset(u, 0, sizeof *u);
}

void
relay_state_reset(struct relay_state *st)
{
    for (size_t i = 0; i < st->n; i++)
        relay_ustate_clear(&st->u[i]);
    st->n = 0;
    if (st->slots)
        memset(st->slots, 0, st->nslots * sizeof *st->slots);
}

void
relay_state_free(struct relay_state *st)
{
    relay_state_reset(st);
    free(st->u);
    free(st->slots);
    relay_state_init(st);
}

static size_t
relay_state_hash(const char *s, size_t nslots)
{
    unsigned long long h = 1469598103934665603ULL;

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return (size_t)(h & (nslots - 1));
}

struct relay_ustate *
relay_state_get(const struct relay_state *st, const char *user)
{
    size_t i;

    if (st->nslots == 0)
        return NULL;
    for (i = relay_state_hash(user, st->nslots); st->slots[i] != 0;
         i = (i + 1) & (st->nslots - 1)) {
        struct relay_ustate *u = &st->u[st->slots[i] - 1];

        if (strcmp(u->name, user) == 0)
            return u;
    }
    return NULL;
}

/* Rebuild the slot table at twice the users' capacity. */
static int
relay_state_rehash(struct relay_state *st, size_t nslots)
{
    int *slots = calloc(nslots, sizeof *slots);

    if (slots == NULL)
        return -1;
    free(st->slots);
    st->slots = slots;
    st->nslots = nslots;
    for (size_t k = 0; k < st->n; k++) {
        size_t i = relay_state_hash(st->u[k].name, nslots);

        while (slots[i] != 0)
            i = (i + 1) & (nslots - 1);
        slots[i] = (int)k + 1;
    }
    return 0;
}

struct relay_ustate *
relay_state_need(struct relay_state *st, const char *user)
{
    struct relay_ustate *u = relay_state_get(st, user);
    size_t i;

    if (u != NULL)
        return u;
    if (st->n == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 256;
        struct relay_ustate *nu = realloc(st->u, cap * sizeof *nu);

        if (nu == NULL)
            return NULL;
        st->u = nu;
        st->cap = cap;
    }
    if ((st->n + 1) * 2 > st->nslots &&
        relay_state_rehash(st, st->cap * 4) != 0)
        return NULL;
    u = &st->u[st->n];
    memset(u, 0, sizeof *u);
    if ((u->name = strdup(user)) == NULL)
        return NULL;
    for (i = relay_state_hash(user, st->nslots); st->slots[i] != 0;
         i = (i + 1) & (st->nslots - 1))
        ;
    st->slots[i] = (int)++st->n;
    return u;
}

static char *
relay_state_str(const redisReply *e)
{
    return (e->type == REDIS_REPLY_STRING) ? strdup(e->str) : NULL;
}

int
relay_state_fetch(struct relay_state *st, struct cmn_redis *r)
{
    static const char *const keys[] = {CMN_K_TOKENS, CMN_K_ONLINE, CMN_K_LOC,
                                       CMN_K_INBOXN};
    const char **argv;
    redisReply *rep;
    int rc = 0;

    if (st->n == 0)
        return 0;
    if (cmn_redis_ctx(r) == NULL ||
        (argv = malloc((st->n + 2) * sizeof *argv)) == NULL)
        return -1;
    for (size_t i = 0; i < st->n; i++)
        argv[i + 2] = st->u[i].name;
    argv[0] = "HMGET";
    for (int k = 0; k < 4; k++) {
        argv[1] = keys[k];
        redisAppendCommandArgv(r->c, (int)st->n + 2, argv, NULL);
    }
    free(argv);
    for (int k = 0; k < 4; k++) {
        if ((rep = cmn_redis_get_reply(r)) == NULL)
            return -1;
        if (rep->type != REDIS_REPLY_ARRAY || rep->elements != st->n) {
            rc = -1;
        } else {
            for (size_t i = 0; i < st->n; i++) {
                struct relay_ustate *u = &st->u[i];
                const redisReply *e = rep->element[i];

                if (k == 0)
                    u->token = relay_state_str(e);
                else if (k == 1)
                    u->online = relay_state_str(e);
                else if (k == 2)
                    u->loc = relay_state_str(e);
                else
                    u->inboxn = (e->type == REDIS_REPLY_STRING) ?
                                atol(e->str) : 0;
            }
        }
        freeReplyObject(rep);
    }
    return rc;
}
