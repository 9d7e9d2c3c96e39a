/* auth_ratelimit.c -- failed-login counters in Redis (see
 * auth_ratelimit.h). */
#include <stdio.h>
#include <string.h>

#include "auth_ratelimit.h"
#include "auth_scripts.h"

/* Build both keys; a missing name gets a key no name can produce. */
static void
auth_rl_keys(const char *user, const char *addr, char *ku, size_t ucap,
             char *ka, size_t acap)
{
    snprintf(ku, ucap, "%s%s", AUTH_K_RL_USER, user ? user : "\n(none)");
    snprintf(ka, acap, "%s%s", AUTH_K_RL_ADDR, addr);
}

long
auth_rl_check(struct cmn_redis *r, const struct auth_rl_limits *lim,
              const char *user, const char *addr)
{
    char ku[400], ka[128], umax[16], amax[16];
    const char *argv[4] = {ku, ka, umax, amax};
    redisReply *rep;
    long rc = -1;

    if (lim->user_max == 0 && lim->addr_max == 0)
        return 0;
    auth_rl_keys(user, addr, ku, sizeof ku, ka, sizeof ka);
    snprintf(umax, sizeof umax, "%d", user ? lim->user_max : 0);
    snprintf(amax, sizeof amax, "%d", lim->addr_max);
    rep = cmn_script_run(r, &auth_script_rl_check, 2, 4, argv, NULL);
    if (rep != NULL && rep->type == REDIS_REPLY_INTEGER)
        rc = (long)rep->integer;
    freeReplyObject(rep);
    return rc;
}

int
auth_rl_fail(struct cmn_redis *r, const struct auth_rl_limits *lim,
             const char *user, const char *addr)
{
    char ku[400], ka[128], win[24];
    const char *argv[3] = {ku, ka, win};
    redisReply *rep;
    int rc = -1;

    if (lim->user_max == 0 && lim->addr_max == 0)
        return 0;
    auth_rl_keys(user, addr, ku, sizeof ku, ka, sizeof ka);
    snprintf(win, sizeof win, "%lld", (long long)lim->window_s * 1000);
    rep = cmn_script_run(r, &auth_script_rl_fail, 2, 3, argv, NULL);
    if (rep != NULL && rep->type == REDIS_REPLY_INTEGER)
        rc = 0;
    freeReplyObject(rep);
    return rc;
}

int
auth_rl_success(struct cmn_redis *r, const char *user)
{
    redisReply *rep = cmn_redis_cmd(r, "DEL %s%s", AUTH_K_RL_USER, user);
    int rc = (rep != NULL && rep->type == REDIS_REPLY_INTEGER) ? 0 : -1;

    freeReplyObject(rep);
    return rc;
}
