/* relay_reaper.c -- cleaning up after a gateway that died.
 *
 * A gateway beats in the `gateways` zset every second. One relay at a time
 * (a short Redis lock) looks for gateways silent for GATEWAY_DEAD_MS, then
 * for each: puts the deliveries it never wrote ("U <user>" records still
 * in its stream) back through the inboxes, removes it from every user's
 * location and tells presence those sockets closed, and deletes its keys.
 * Its clients reconnect to another gateway and get the inbox flushed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmn/cmn_buf.h"
#include "cmn/cmn_keys.h"
#include "cmn/cmn_log.h"
#include "cmn/cmn_proc.h"
#include "cmn/cmn_scripts.h"
#include "relay.h"
#include "relay_metrics.h"

#define RELAY_REAP_LOCK_MS 10000

/* Put the undelivered "U" records of one stream entry back in inboxes;
 * users to flush are collected in `flush` (space-separated). */
static int
relay_reap_entry(struct relay *rl, const redisReply *e, struct cmn_buf *flush)
{
    size_t n = cmn_entry_nfields(e);

    for (size_t i = 0; i < n; i++) {
        const redisReply *f, *v;

        cmn_entry_pair(e, i, &f, &v);
        if (f->type != REDIS_REPLY_STRING || f->len < 3 ||
            f->str[0] != CMN_REC_MUST)
            continue;
        if (relay_inbox_put(rl, f->str + 2, v->str, v->len) < 0)
            return -1;
        cmn_buf_puts(flush, f->str + 2);
        cmn_buf_puts(flush, " ");
    }
    return 0;
}

static int
relay_reap_stream(struct relay *rl, const char *gw, struct cmn_buf *flush)
{
    redisReply *rep;
    int moved = 0;

    for (;;) {
        rep = cmn_redis_cmd(&rl->r, "XRANGE " CMN_S_GW_PREFIX "%s - + "
                            "COUNT 200", gw);
        if (rep == NULL || rep->type != REDIS_REPLY_ARRAY) {
            freeReplyObject(rep);
            return -1;
        }
        if (rep->elements == 0) {
            freeReplyObject(rep);
            return moved;
        }
        for (size_t i = 0; i < rep->elements; i++) {
            const redisReply *e = rep->element[i];

            if (relay_reap_entry(rl, e, flush) != 0) {
                freeReplyObject(rep);
                return -1;
            }
            freeReplyObject(cmn_redis_cmd(&rl->r, "XDEL " CMN_S_GW_PREFIX
                                          "%s %s", gw, cmn_entry_id(e)));
            moved++;
        }
        freeReplyObject(rep);
    }
}

static int
relay_reap_users(struct relay *rl, const char *gw)
{
    char users_key[160];
    redisReply *rep;
    int n = 0;

    snprintf(users_key, sizeof users_key, CMN_K_GW_USERS "%s", gw);
    rep = cmn_redis_cmd(&rl->r, "SMEMBERS %s", users_key);
    if (rep == NULL || rep->type != REDIS_REPLY_ARRAY) {
        freeReplyObject(rep);
        return -1;
    }
    for (size_t i = 0; i < rep->elements; i++) {
        const char *user = rep->element[i]->str;
        const char *argv[] = {CMN_K_LOC, users_key, user, gw};

        freeReplyObject(cmn_script_run(&rl->r, &cmn_script_loc_del, 2, 4,
                                       argv, NULL));
        freeReplyObject(cmn_redis_cmd(&rl->r, "XADD " CMN_S_PRES
                                      " * k close u %s g %s", user, gw));
        n++;
    }
    freeReplyObject(rep);
    return n;
}

static void
relay_reap_one(struct relay *rl, const char *gw)
{
    struct cmn_buf flush;
    int moved, users;

    cmn_buf_init(&flush);
    moved = relay_reap_stream(rl, gw, &flush);
    users = moved < 0 ? -1 : relay_reap_users(rl, gw);
    if (moved < 0 || users < 0) {
        cmn_buf_free(&flush);
        return;                 /* Redis trouble: next round */
    }
    freeReplyObject(cmn_redis_cmd(&rl->r, "DEL " CMN_S_GW_PREFIX "%s "
                                  CMN_K_GW_USERS "%s", gw, gw));
    freeReplyObject(cmn_redis_cmd(&rl->r, "ZREM " CMN_K_GATEWAYS " %s", gw));
    cmn_metric_add(&relay_m_reaped, 1);
    cmn_log_warn("reaper", "gateway=%s gone: users=%d entries_rerouted=%d",
                 gw, users, moved);
    /* flush whoever got packets back (if they are online elsewhere) */
    for (char *p = flush.p, *sp; p != NULL && *p != '\0'; p = sp + 1) {
        if ((sp = strchr(p, ' ')) == NULL)
            break;
        *sp = '\0';
        relay_flush(rl, p);
    }
    cmn_buf_free(&flush);
}

void
relay_reap(struct relay *rl)
{
    redisReply *lock, *dead;

    lock = cmn_redis_cmd(&rl->r, "SET " CMN_K_REAPLOCK " %s NX PX %d",
                         rl->consumer, RELAY_REAP_LOCK_MS);
    if (lock == NULL || lock->type != REDIS_REPLY_STATUS) {
        freeReplyObject(lock);
        return;
    }
    freeReplyObject(lock);
    dead = cmn_redis_cmd(&rl->r, "ZRANGEBYSCORE " CMN_K_GATEWAYS
                         " -inf %lld", cmn_wall_ms() -
                         rl->cfg->gateway_dead_ms);
    if (dead != NULL && dead->type == REDIS_REPLY_ARRAY)
        for (size_t i = 0; i < dead->elements; i++)
            relay_reap_one(rl, dead->element[i]->str);
    freeReplyObject(dead);
    freeReplyObject(cmn_redis_cmd(&rl->r, "DEL " CMN_K_REAPLOCK));
}
