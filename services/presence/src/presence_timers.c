/* presence_timers.c -- the settle and grace timers and the heartbeat
 * sweep. Timers live in Redis sorted sets (due time as score), so any
 * replica can run what another scheduled; each entry is claimed inside the
 * transition script, so it runs once. The sweep reads only the users whose
 * heartbeat is older than the cutoff (ZRANGEBYSCORE on hb): its cost grows
 * with the users that expire, not with everyone online. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmn/cmn_keys.h"
#include "cmn/cmn_log.h"
#include "cmn/cmn_proc.h"
#include "cmn/cmn_scripts.h"
#include "presence.h"
#include "presence_metrics.h"

#define PRESENCE_TIMER_CHUNK 100
#define PRESENCE_SWEEP_CHUNK 500

/* Members of zset key due by now (at most PRESENCE_TIMER_CHUNK). */
static redisReply *
presence_due_members(struct presence *p, const char *key, long long now)
{
    redisReply *rep = cmn_redis_cmd(&p->r, "ZRANGEBYSCORE %s -inf %lld "
                                    "LIMIT 0 %d", key, now,
                                    PRESENCE_TIMER_CHUNK);

    if (rep != NULL && rep->type != REDIS_REPLY_ARRAY) {
        freeReplyObject(rep);
        return NULL;
    }
    return rep;
}

static void
presence_settle_due(struct presence *p, long long now)
{
    redisReply *rep = presence_due_members(p, CMN_K_SETTLE, now);

    for (size_t i = 0; rep != NULL && i < rep->elements; i++) {
        const char *member = rep->element[i]->str;
        const char *sp = strchr(member, ' ');
        char user[128];
        int rc;

        if (sp == NULL || (size_t)(sp - member) >= sizeof user) {
            freeReplyObject(cmn_redis_cmd(&p->r, "ZREM " CMN_K_SETTLE " %s",
                                          member));
            continue;
        }
        memcpy(user, member, (size_t)(sp - member));
        user[sp - member] = '\0';
        rc = cmn_presence_online(&p->r, user, sp + 1, cmn_wall_ms(), member);
        if (rc == 1) {
            cmn_metric_add(&presence_m_online, 1);
            cmn_log_info("presence", "user=\"%s\" online (after join)", user);
        }
    }
    freeReplyObject(rep);
}

static void
presence_grace_due(struct presence *p, long long now)
{
    redisReply *rep = presence_due_members(p, CMN_K_GRACE, now);

    for (size_t i = 0; rep != NULL && i < rep->elements; i++) {
        const char *user = rep->element[i]->str;

        if (cmn_presence_offline(&p->r, user, CMN_OFFLINE_GRACE, NULL, 0) ==
            1) {
            cmn_metric_add(&presence_m_offline_grace, 1);
            cmn_log_info("presence", "user=\"%s\" offline: no socket for "
                         "%d ms", user, p->cfg->offline_grace_ms);
        }
    }
    freeReplyObject(rep);
}

void
presence_timers(struct presence *p)
{
    long long now = cmn_wall_ms();

    if (p->next_due != 0 && p->next_due <= now)
        p->next_due = 0;
    presence_settle_due(p, now);
    presence_grace_due(p, now);
}

int
presence_sweep(struct presence *p)
{
    long long start = cmn_mono_ms();
    long long cutoff = cmn_wall_ms() - (long long)p->cfg->keep_alive_s * 1000;
    int total = 0;

    for (;;) {
        redisReply *rep = cmn_redis_cmd(&p->r, "ZRANGEBYSCORE " CMN_K_HB
                                        " -inf %lld LIMIT 0 %d", cutoff,
                                        PRESENCE_SWEEP_CHUNK);
        size_t n;
        int expired = 0;

        if (rep == NULL || rep->type != REDIS_REPLY_ARRAY) {
            freeReplyObject(rep);
            return -1;
        }
        n = rep->elements;
        /* the whole chunk in one script call: each user still checked
         * and expired atomically, the broadcasts in one entry */
        if (n > 0) {
            const char **users = malloc(n * sizeof *users);
            redisReply *gone;

            for (size_t i = 0; users != NULL && i < n; i++)
                users[i] = rep->element[i]->str;
            gone = users ? cmn_presence_expire_many(&p->r, users, n, cutoff)
                         : NULL;
            free(users);
            for (size_t i = 0; gone != NULL && i < gone->elements; i++) {
                total++;
                expired++;
                cmn_metric_add(&presence_m_offline_expired, 1);
                cmn_log_info("presence", "user=\"%s\" offline: no "
                             "heartbeat for %d s", gone->element[i]->str,
                             p->cfg->keep_alive_s);
            }
            freeReplyObject(gone);
        }
        freeReplyObject(rep);
        if (n < PRESENCE_SWEEP_CHUNK || expired == 0)
            break;
    }
    cmn_metric_set(&presence_m_sweep_ms, (long)(cmn_mono_ms() - start));
    return total;
}
