/* relay_cache.c -- user directory and live gateways (see relay_cache.h). */
#include <stdlib.h>
#include <string.h>

#include "cmn/cmn_keys.h"
#include "cmn/cmn_log.h"
#include "cmn/cmn_proc.h"
#include "relay_cache.h"

#define RELAY_USERS_CHECK_MS 1000
#define RELAY_GWS_CHECK_MS 500

void
relay_cache_init(struct relay_cache *c, int dead_ms)
{
    memset(c, 0, sizeof *c);
    c->users_ver = -1;
    c->dead_ms = dead_ms;
}

static void
relay_cache_free_users(struct relay_cache *c)
{
    for (size_t i = 0; i < c->nusers; i++)
        free(c->users[i].name);
    free(c->users);
    c->users = NULL;
    c->nusers = 0;
}

static void
relay_cache_free_gws(struct relay_cache *c)
{
    for (size_t i = 0; i < c->ngws; i++)
        free(c->gws[i]);
    free(c->gws);
    c->gws = NULL;
    c->ngws = 0;
}

void
relay_cache_free(struct relay_cache *c)
{
    relay_cache_free_users(c);
    relay_cache_free_gws(c);
}

static int
relay_user_cmp(const void *a, const void *b)
{
    return strcmp(((const struct relay_user *)a)->name,
                  ((const struct relay_user *)b)->name);
}

static int
relay_cache_load_users(struct relay_cache *c, struct cmn_redis *r,
                       long long ver)
{
    redisReply *rep = cmn_redis_cmd(r, "HGETALL " CMN_K_USERS);
    struct relay_user *u;
    size_t n = 0;

    if (rep == NULL || rep->type != REDIS_REPLY_ARRAY) {
        freeReplyObject(rep);
        return -1;
    }
    u = calloc(rep->elements / 2 + 1, sizeof *u);
    if (u == NULL) {
        freeReplyObject(rep);
        return -1;
    }
    for (size_t i = 0; i + 1 < rep->elements; i += 2) {
        const char *role = rep->element[i + 1]->str;

        if ((u[n].name = strdup(rep->element[i]->str)) == NULL)
            continue;
        u[n].role = (role && strcmp(role, "bot") == 0) ? RELAY_ROLE_BOT
                                                       : RELAY_ROLE_USER;
        n++;
    }
    freeReplyObject(rep);
    qsort(u, n, sizeof *u, relay_user_cmp);
    relay_cache_free_users(c);
    c->users = u;
    c->nusers = n;
    c->users_ver = ver;
    cmn_log_info("cache", "user directory loaded: users=%zu version=%lld", n,
                 ver);
    return 0;
}

static int
relay_cache_check_users(struct relay_cache *c, struct cmn_redis *r)
{
    redisReply *rep = cmn_redis_cmd(r, "GET " CMN_K_USERS_VER);
    long long ver;

    if (rep == NULL)
        return -1;
    ver = (rep->type == REDIS_REPLY_STRING) ? atoll(rep->str) : 0;
    freeReplyObject(rep);
    if (ver == c->users_ver)
        return 0;
    return relay_cache_load_users(c, r, ver);
}

static int
relay_cache_check_gws(struct relay_cache *c, struct cmn_redis *r)
{
    redisReply *rep = cmn_redis_cmd(r, "ZRANGEBYSCORE " CMN_K_GATEWAYS
                                    " %lld +inf",
                                    cmn_wall_ms() - c->dead_ms);
    char **g;
    size_t n = 0;

    if (rep == NULL || rep->type != REDIS_REPLY_ARRAY) {
        freeReplyObject(rep);
        return -1;
    }
    g = calloc(rep->elements + 1, sizeof *g);
    for (size_t i = 0; g != NULL && i < rep->elements; i++)
        if ((g[n] = strdup(rep->element[i]->str)) != NULL)
            n++;
    freeReplyObject(rep);
    if (g == NULL)
        return -1;
    relay_cache_free_gws(c);
    c->gws = g;
    c->ngws = n;
    return 0;
}

int
relay_cache_refresh(struct relay_cache *c, struct cmn_redis *r, int force)
{
    long long now = cmn_mono_ms();
    int rc = 0;

    if (force || now - c->users_at >= RELAY_USERS_CHECK_MS) {
        c->users_at = now;
        if (relay_cache_check_users(c, r) != 0)
            rc = -1;
    }
    if (force || now - c->gws_at >= RELAY_GWS_CHECK_MS) {
        c->gws_at = now;
        if (relay_cache_check_gws(c, r) != 0)
            rc = -1;
    }
    return rc;
}

enum relay_role
relay_cache_role(const struct relay_cache *c, const char *user)
{
    struct relay_user key = {(char *)user, RELAY_ROLE_NONE};
    const struct relay_user *u = bsearch(&key, c->users, c->nusers,
                                         sizeof *c->users, relay_user_cmp);

    return u ? u->role : RELAY_ROLE_NONE;
}

int
relay_cache_gw_alive(const struct relay_cache *c, const char *gw)
{
    for (size_t i = 0; i < c->ngws; i++)
        if (strcmp(c->gws[i], gw) == 0)
            return 1;
    return 0;
}

int
relay_cache_live_gws(const struct relay_cache *c, const char *list,
                     void (*fn)(const char *gw, void *arg), void *arg)
{
    const char *p = list;
    int n = 0;

    while (p != NULL && *p != '\0') {
        const char *sp = strchr(p, ' ');
        size_t wl = sp ? (size_t)(sp - p) : strlen(p);
        char gw[128];

        if (wl < sizeof gw) {
            memcpy(gw, p, wl);
            gw[wl] = '\0';
            if (relay_cache_gw_alive(c, gw)) {
                if (fn != NULL)
                    fn(gw, arg);
                n++;
            }
        }
        p = sp ? sp + 1 : NULL;
    }
    return n;
}
