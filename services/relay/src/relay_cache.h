/* relay_cache.h -- what the relay keeps in memory between batches: the
 * user directory (mirror of Postgres kept in Redis by auth) and the set of
 * live gateways. Both are refreshed by polling cheap keys: users:ver (one
 * GET a second; the directory is reloaded only when it changed) and the
 * gateways zset (every 500 ms). */
#ifndef RELAY_CACHE_H
#define RELAY_CACHE_H

#include <stddef.h>

#include "cmn/cmn_redis.h"

enum relay_role {
    RELAY_ROLE_NONE = 0,   /* no such (enabled) user */
    RELAY_ROLE_USER,
    RELAY_ROLE_BOT
};

struct relay_user {
    char *name;
    enum relay_role role;
};

struct relay_cache {
    struct relay_user *users;   /* sorted by name */
    size_t nusers;
    long long users_ver;        /* -1 = never loaded */
    long long users_at;         /* mono ms of the last version check */
    char **gws;                 /* live gateway ids */
    size_t ngws;
    long long gws_at;
    int dead_ms;                /* a gateway silent this long is dead */
};

void relay_cache_init(struct relay_cache *c, int dead_ms);
void relay_cache_free(struct relay_cache *c);
/* Refresh what is due (force = now). 0, or -1 when Redis failed. */
int relay_cache_refresh(struct relay_cache *c, struct cmn_redis *r,
                        int force);
enum relay_role relay_cache_role(const struct relay_cache *c,
                                 const char *user);
int relay_cache_gw_alive(const struct relay_cache *c, const char *gw);
/* Call fn(gw, arg) for each live gateway of the list "gw1 gw2" (a loc
 * value; fn may be NULL to only count). Returns how many were live. */
int relay_cache_live_gws(const struct relay_cache *c, const char *list,
                         void (*fn)(const char *gw, void *arg), void *arg);

#endif
