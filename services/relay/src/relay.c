/* relay.c -- the relay's loop: read s:msg as consumer group "relay",
 * route batches (relay_batch.c), and every so often claim entries a dead
 * relay left pending and reap dead gateways (relay_reaper.c). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmn/cmn_jwt.h"
#include "cmn/cmn_keys.h"
#include "cmn/cmn_log.h"
#include "cmn/cmn_proc.h"
#include "relay.h"
#include "relay_metrics.h"

#define RELAY_BLOCK_MS 1000
#define RELAY_REAP_EVERY_MS 1000
#define RELAY_CLAIM_EVERY_MS 2000
#define RELAY_TRIM_EVERY_MS 1000
#define RELAY_SMALL_BATCH 16
#define RELAY_GATHER_US 1000

int
relay_init(struct relay *rl, const struct relay_config *cfg)
{
    char host[64] = "relay", rnd[9];

    memset(rl, 0, sizeof *rl);
    rl->cfg = cfg;
    cmn_redis_init(&rl->r, cfg->redis_host, cfg->redis_port, "relay");
    /* a hung Redis breaks the connection, not the thread (> any BLOCK) */
    cmn_redis_set_timeout(&rl->r, 5000);
    relay_cache_init(&rl->cache, cfg->gateway_dead_ms);
    relay_state_init(&rl->st);
    relay_out_init(&rl->out);
    gethostname(host, sizeof host - 1);
    cmn_random_hex(rnd, 4);
    snprintf(rl->consumer, sizeof rl->consumer, "%.40s-%ld-%s", host,
             (long)getpid(), rnd);
    rl->need_pel = 1;
    return 0;
}

void
relay_cleanup(struct relay *rl)
{
    relay_state_free(&rl->st);
    relay_out_reset(&rl->out);
    relay_cache_free(&rl->cache);
    cmn_redis_close(&rl->r);
}

static int
relay_handle(void *arg, const redisReply *entries)
{
    return relay_batch(arg, entries);
}

/* Take over entries idle in other consumers' lists (a relay died). */
static void
relay_claim(struct relay *rl)
{
    char cursor[48] = "0-0";

    do {
        redisReply *rep = cmn_redis_cmd(&rl->r, "XAUTOCLAIM %s %s %s %d %s "
                                        "COUNT %d", CMN_S_MSG,
                                        CMN_GROUP_RELAY, rl->consumer,
                                        rl->cfg->claim_idle_ms, cursor,
                                        rl->cfg->batch);

        if (rep == NULL || rep->type != REDIS_REPLY_ARRAY ||
            rep->elements < 2) {
            freeReplyObject(rep);
            return;
        }
        snprintf(cursor, sizeof cursor, "%s",
                 rep->element[0]->str ? rep->element[0]->str : "0-0");
        if (rep->element[1]->elements > 0) {
            cmn_log_warn("claim", "taking over %zu entries left pending",
                         rep->element[1]->elements);
            cmn_metric_add(&relay_m_claimed,
                           (long)rep->element[1]->elements);
            if (relay_batch(rl, rep->element[1]) != 0) {
                freeReplyObject(rep);
                return;
            }
        }
        freeReplyObject(rep);
    } while (strcmp(cursor, "0-0") != 0 && !cmn_proc_stopping());
}

static void
relay_periodic(struct relay *rl)
{
    long long now = cmn_mono_ms();

    if (now - rl->reap_at >= RELAY_REAP_EVERY_MS) {
        rl->reap_at = now;
        relay_cache_refresh(&rl->cache, &rl->r, 0);
        relay_reap(rl);
    }
    if (now - rl->claim_at >= RELAY_CLAIM_EVERY_MS) {
        rl->claim_at = now;
        relay_claim(rl);
    }
    /* routed and acknowledged entries are not needed any more */
    if (now - rl->trim_at >= RELAY_TRIM_EVERY_MS) {
        rl->trim_at = now;
        cmn_stream_trim_handled(&rl->r, CMN_S_MSG, CMN_GROUP_RELAY);
    }
}

void
relay_run(struct relay *rl)
{
    while (!cmn_proc_stopping()) {
        redisReply *rep;
        const redisReply *e;

        if (cmn_redis_ctx(&rl->r) == NULL) {
            rl->need_pel = 1;
            cmn_sleep_ms(100);
            continue;
        }
        if (rl->need_pel) {
            if (cmn_redis_ensure_group(&rl->r, CMN_S_MSG, CMN_GROUP_RELAY,
                                       "0") != 0 ||
                relay_cache_refresh(&rl->cache, &rl->r, 1) != 0 ||
                cmn_stream_drain_pending(&rl->r, CMN_S_MSG, CMN_GROUP_RELAY,
                                         rl->consumer, rl->cfg->batch,
                                         relay_handle, rl) != 0)
                continue;
            rl->need_pel = 0;
        }
        relay_periodic(rl);
        rep = cmn_redis_cmd(&rl->r, "XREADGROUP GROUP %s %s COUNT %d "
                            "BLOCK %d STREAMS %s >", CMN_GROUP_RELAY,
                            rl->consumer, rl->cfg->batch, RELAY_BLOCK_MS,
                            CMN_S_MSG);
        if (rep == NULL) {
            rl->need_pel = 1;
            continue;
        }
        if (rep->type == REDIS_REPLY_ERROR) {
            /* NOGROUP after a Redis that lost its data: make it again */
            cmn_log_error("relay", "XREADGROUP: %s", rep->str);
            rl->need_pel = 1;
            freeReplyObject(rep);
            cmn_sleep_ms(100);
            continue;
        }
        e = cmn_stream_entries(rep);
        if (e != NULL && relay_batch(rl, e) != 0)
            rl->need_pel = 1;
        /* a trickle of small batches costs a round of commands each: let
         * a few more messages gather (at most RELAY_GATHER_US of latency) */
        if (e != NULL && e->elements < RELAY_SMALL_BATCH)
            usleep(RELAY_GATHER_US);
        freeReplyObject(rep);
    }
}
