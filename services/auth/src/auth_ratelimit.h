/* auth_ratelimit.h -- login rate limit per user name and per client
 * address, in Redis so that every auth replica counts together.
 *
 * Failed credential checks are counted in fixed windows
 * (AUTH_LOGIN_WINDOW_S) that start at the first failure. While a counter
 * is at its limit every attempt for that name (or from that address) gets
 * 429, right password or not, and costs no hash. A successful login clears
 * the name's counter. Counting only failures lets a load test log
 * thousands of users in from one address; nginx adds a plain request
 * rate per address in front (deploy/nginx). */
#ifndef AUTH_RATELIMIT_H
#define AUTH_RATELIMIT_H

#include "cmn/cmn_redis.h"

/* Key prefixes (suffix: the name as sent / the client address). */
#define AUTH_K_RL_USER "rl:login:u:"
#define AUTH_K_RL_ADDR "rl:login:a:"

struct auth_rl_limits {
    int window_s;
    int user_max;     /* 0 = no per-name limit */
    int addr_max;     /* 0 = no per-address limit */
};

/* 0 = allowed; > 0 = limited, value is the ms until it lifts; -1 = Redis
 * down. user may be NULL (no usable name: only the address counts). */
long auth_rl_check(struct cmn_redis *r, const struct auth_rl_limits *lim,
                   const char *user, const char *addr);

/* Count a failed attempt. 0 or -1 (Redis down). */
int auth_rl_fail(struct cmn_redis *r, const struct auth_rl_limits *lim,
                 const char *user, const char *addr);

/* Forget the name's failures after a successful login. 0 or -1. */
int auth_rl_success(struct cmn_redis *r, const char *user);

#endif
