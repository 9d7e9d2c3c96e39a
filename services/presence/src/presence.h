/* presence.h -- who is online.
 *
 * Consumes s:pres (bind, hb, bye, close from the gateways and bridges) as
 * consumer group "presence", runs the timers (legacy join settle delay,
 * grace after the last socket closed) and the heartbeat sweep. Every
 * transition goes through one Lua script (cmn_scripts.c) that checks and
 * changes state atomically, so with several replicas each transition
 * happens, and is broadcast, exactly once. One thread. */
#ifndef PRESENCE_H
#define PRESENCE_H

#include "cmn/cmn_redis.h"
#include "presence_config.h"

struct presence {
    const struct presence_config *cfg;
    struct cmn_redis r;
    char consumer[64];
    int need_pel;
    long long next_due;      /* wall ms of the earliest timer we set */
    long long timers_at;     /* mono ms of the last timer scan */
    long long sweep_at;      /* mono ms of the last sweep */
    long long claim_at;
};

void presence_init(struct presence *p, const struct presence_config *cfg);
void presence_cleanup(struct presence *p);
void presence_run(struct presence *p);

/* Handle a batch of s:pres entries (XREADGROUP/XAUTOCLAIM entry array)
 * and acknowledge them. 0, or -1 when Redis failed. */
int presence_events(struct presence *p, const redisReply *entries);

/* Due settle and grace timers. */
void presence_timers(struct presence *p);

/* The heartbeat sweep: returns users taken offline, -1 on Redis failure. */
int presence_sweep(struct presence *p);

#endif
