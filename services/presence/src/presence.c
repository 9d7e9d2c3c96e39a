/* presence.c -- presence's loop: read s:pres, wake for due timers, sweep
 * heartbeats every CONNECTIONS_VERIFICATION_INTERVAL, take over events a
 * dead replica left pending. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmn/cmn_jwt.h"
#include "cmn/cmn_keys.h"
#include "cmn/cmn_log.h"
#include "cmn/cmn_proc.h"
#include "presence.h"

#define PRESENCE_IDLE_BLOCK_MS 200     /* also the scan period of timers */
#define PRESENCE_CLAIM_EVERY_MS 2000
#define PRESENCE_BATCH 512

void
presence_init(struct presence *p, const struct presence_config *cfg)
{
    char host[64] = "presence", rnd[9];

    memset(p, 0, sizeof *p);
    p->cfg = cfg;
    cmn_redis_init(&p->r, cfg->redis_host, cfg->redis_port, "presence");
    /* a hung Redis breaks the connection, not the thread (> any BLOCK) */
    cmn_redis_set_timeout(&p->r, 5000);
    gethostname(host, sizeof host - 1);
    cmn_random_hex(rnd, 4);
    snprintf(p->consumer, sizeof p->consumer, "%.40s-%ld-%s", host,
             (long)getpid(), rnd);
    p->need_pel = 1;
    p->sweep_at = cmn_mono_ms();
}

void
presence_cleanup(struct presence *p)
{
    cmn_redis_close(&p->r);
}

static int
presence_handle(void *arg, const redisReply *entries)
{
    return presence_events(arg, entries);
}

static void
presence_claim(struct presence *p)
{
    redisReply *rep = cmn_redis_cmd(&p->r, "XAUTOCLAIM %s %s %s %d 0-0 "
                                    "COUNT %d", CMN_S_PRES,
                                    CMN_GROUP_PRESENCE, p->consumer,
                                    p->cfg->claim_idle_ms, PRESENCE_BATCH);

    if (rep != NULL && rep->type == REDIS_REPLY_ARRAY && rep->elements >= 2 &&
        rep->element[1]->elements > 0) {
        cmn_log_warn("claim", "taking over %zu presence events",
                     rep->element[1]->elements);
        presence_events(p, rep->element[1]);
    }
    freeReplyObject(rep);
}

/* How long XREADGROUP may block: until our next timer, at most the idle
 * scan period (timers another replica set are found by the scan). */
static int
presence_block_ms(const struct presence *p)
{
    long long left;

    if (p->next_due == 0)
        return PRESENCE_IDLE_BLOCK_MS;
    left = p->next_due - cmn_wall_ms();
    if (left < 1)
        return 1;
    return left < PRESENCE_IDLE_BLOCK_MS ? (int)left : PRESENCE_IDLE_BLOCK_MS;
}

static void
presence_periodic(struct presence *p)
{
    long long now = cmn_mono_ms();

    if ((p->next_due != 0 && p->next_due <= cmn_wall_ms()) ||
        now - p->timers_at >= PRESENCE_IDLE_BLOCK_MS) {
        p->timers_at = now;
        presence_timers(p);
    }
    if (now - p->sweep_at >= (long long)p->cfg->verify_interval_s * 1000) {
        p->sweep_at = now;
        presence_sweep(p);
    }
    if (now - p->claim_at >= PRESENCE_CLAIM_EVERY_MS) {
        p->claim_at = now;
        presence_claim(p);
        cmn_stream_trim_handled(&p->r, CMN_S_PRES, CMN_GROUP_PRESENCE);
    }
}

void
presence_run(struct presence *p)
{
    while (!cmn_proc_stopping()) {
        redisReply *rep;
        const redisReply *e;

        if (cmn_redis_ctx(&p->r) == NULL) {
            p->need_pel = 1;
            cmn_sleep_ms(100);
            continue;
        }
        if (p->need_pel) {
            if (cmn_redis_ensure_group(&p->r, CMN_S_PRES, CMN_GROUP_PRESENCE,
                                       "0") != 0 ||
                cmn_stream_drain_pending(&p->r, CMN_S_PRES,
                                         CMN_GROUP_PRESENCE, p->consumer,
                                         PRESENCE_BATCH, presence_handle,
                                         p) != 0)
                continue;
            p->need_pel = 0;
        }
        presence_periodic(p);
        rep = cmn_redis_cmd(&p->r, "XREADGROUP GROUP %s %s COUNT %d BLOCK %d "
                            "STREAMS %s >", CMN_GROUP_PRESENCE, p->consumer,
                            PRESENCE_BATCH, presence_block_ms(p), CMN_S_PRES);
        if (rep == NULL || rep->type == REDIS_REPLY_ERROR) {
            if (rep != NULL)
                cmn_log_error("presence", "XREADGROUP: %s", rep->str);
            freeReplyObject(rep);
            p->need_pel = 1;
            continue;
        }
        e = cmn_stream_entries(rep);
        if (e != NULL && presence_events(p, e) != 0)
            p->need_pel = 1;
        freeReplyObject(rep);
    }
}
