/* relay_inbox.c -- the durable offline inbox: a sorted set per user whose
 * members "<id>|<packet>" sort by message id, so the order sent is the
 * order delivered even when a bounced packet comes back late. A flush hands
 * the oldest packets to the user's gateways, then removes exactly those:
 * an entry leaves the inbox only after it is in a gateway stream. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmn/cmn_keys.h"
#include "cmn/cmn_log.h"
#include "cmn/cmn_redis.h"
#include "cmn/cmn_scripts.h"
#include "relay.h"
#include "relay_metrics.h"
#include "relay_route.h"

#define RELAY_FLUSH_CHUNK 500
#define RELAY_FLUSH_LOCK_MS 10000

char *
relay_inbox_member(const char *id, const char *packet, size_t len)
{
    unsigned long long ms, seq;
    char *m;
    int n;

    if (cmn_stream_id_parse(id, &ms, &seq) != 0 ||
        (m = malloc(len + 40)) == NULL)
        return NULL;
    n = snprintf(m, 40, "%013llu-%010llu|", ms, seq);
    memcpy(m + n, packet, len);
    m[n + (int)len] = '\0';
    return m;
}

int
relay_inbox_put(struct relay *rl, const char *user, const char *packet,
                size_t len)
{
    char id[48], key[160], cap[24];
    char *member;
    const char *argv[5];
    redisReply *rep;
    int rc = -1;

    if (relay_packet_id(packet, len, id, sizeof id) != 0 ||
        (member = relay_inbox_member(id, packet, len)) == NULL)
        return -1;
    snprintf(key, sizeof key, CMN_K_INBOX "%s", user);
    snprintf(cap, sizeof cap, "%d", rl->cfg->inbox_max);
    argv[0] = key;
    argv[1] = CMN_K_INBOXN;
    argv[2] = user;
    argv[3] = cap;
    argv[4] = member;
    rep = cmn_script_run(&rl->r, &cmn_script_inbox_add, 2, 5, argv, NULL);
    if (rep != NULL && rep->type == REDIS_REPLY_INTEGER)
        rc = (int)rep->integer;
    freeReplyObject(rep);
    free(member);
    return rc;
}

/* Is user online with at least one live gateway? Fills loc (caller
 * frees). 1 yes, 0 no, -1 Redis failed. */
static int
relay_flush_target(struct relay *rl, const char *user, char **loc)
{
    redisReply *rep = cmn_redis_cmd(&rl->r, "HMGET %s %s", CMN_K_ONLINE,
                                    user);
    redisReply *l;
    int online;

    if (rep == NULL)
        return -1;
    online = rep->type == REDIS_REPLY_ARRAY && rep->elements == 1 &&
             rep->element[0]->type == REDIS_REPLY_STRING;
    freeReplyObject(rep);
    if (!online)
        return 0;
    if ((l = cmn_redis_cmd(&rl->r, "HGET %s %s", CMN_K_LOC, user)) == NULL)
        return -1;
    *loc = (l->type == REDIS_REPLY_STRING) ? strdup(l->str) : NULL;
    freeReplyObject(l);
    return *loc != NULL;
}

/* Hand one chunk to the gateways and remove it. Returns the number of
 * packets moved, 0 when the inbox is empty or nobody can take it, -1 on
 * Redis failure. */
static int
relay_flush_chunk(struct relay *rl, const char *user, const char *loc)
{
    char key[160];
    redisReply *rep, *del;
    const char **argv;
    int moved = 0, appended;

    snprintf(key, sizeof key, CMN_K_INBOX "%s", user);
    rep = cmn_redis_cmd(&rl->r, "ZRANGE %s 0 %d", key, RELAY_FLUSH_CHUNK - 1);
    if (rep == NULL || rep->type != REDIS_REPLY_ARRAY) {
        freeReplyObject(rep);
        return -1;
    }
    if (rep->elements == 0) {
        freeReplyObject(rep);
        return 0;
    }
    relay_out_reset(&rl->out);
    for (size_t i = 0; i < rep->elements; i++) {
        const char *m = rep->element[i]->str;
        const char *bar = strchr(m, '|');
        struct relay_out_rec r = {&rl->out, CMN_REC_MUST, user, NULL, 0};

        if (bar == NULL)
            continue;
        r.value = bar + 1;
        r.vlen = rep->element[i]->len - (size_t)(bar + 1 - m);
        relay_cache_live_gws(&rl->cache, loc, relay_out_add_for, &r);
    }
    if (rl->out.n == 0) {               /* no live gateway after all */
        freeReplyObject(rep);
        return 0;
    }
    appended = relay_out_append(&rl->out, rl->r.c);
    for (int i = 0; i < appended; i++) {
        redisReply *x = cmn_redis_get_reply(&rl->r);

        if (x == NULL || x->type == REDIS_REPLY_ERROR) {
            freeReplyObject(x);
            freeReplyObject(rep);
            relay_out_reset(&rl->out);
            return -1;
        }
        freeReplyObject(x);
    }
    relay_out_reset(&rl->out);
    /* now in gateway streams: remove exactly these members */
    argv = malloc((rep->elements + 3) * sizeof *argv);
    if (argv != NULL) {
        argv[0] = key;
        argv[1] = CMN_K_INBOXN;
        argv[2] = user;
        for (size_t i = 0; i < rep->elements; i++)
            argv[3 + i] = rep->element[i]->str;
        del = cmn_script_run(&rl->r, &cmn_script_inbox_del, 2,
                             (int)rep->elements + 3, argv, NULL);
        moved = (del != NULL && del->type == REDIS_REPLY_INTEGER)
                    ? (int)rep->elements : -1;
        freeReplyObject(del);
        free(argv);
    }
    freeReplyObject(rep);
    return moved;
}

int
relay_flush(struct relay *rl, const char *user)
{
    char lock[160];
    redisReply *rep;
    int total = 0, rc = 0;

    snprintf(lock, sizeof lock, CMN_K_FLUSHLOCK "%s", user);
    rep = cmn_redis_cmd(&rl->r, "SET %s %s NX PX %d", lock, rl->consumer,
                        RELAY_FLUSH_LOCK_MS);
    if (rep == NULL)
        return -1;
    if (rep->type != REDIS_REPLY_STATUS) {
        freeReplyObject(rep);           /* another relay is flushing */
        return 0;
    }
    freeReplyObject(rep);
    for (;;) {
        char *loc = NULL;
        int ok = relay_flush_target(rl, user, &loc), n;

        if (ok <= 0) {
            rc = ok;
            break;
        }
        n = relay_flush_chunk(rl, user, loc);
        free(loc);
        if (n <= 0) {
            rc = n;
            break;
        }
        total += n;
    }
    freeReplyObject(cmn_redis_cmd(&rl->r, "DEL %s", lock));
    if (total > 0) {
        cmn_metric_add(&relay_m_flushed, total);
        cmn_log_info("inbox", "user=\"%s\" flushed=%d", user, total);
    }
    return rc < 0 ? -1 : total;
}
