/* aib_bot.c -- the bridge's life cycle and each bot's reader thread.
 *
 * The reader reads s:bot:<bot> with XREADGROUP (group "bridge", one
 * consumer name per process), turns entries into jobs in the bot's
 * per-user lanes, and every so often
 *   - renews the lease of every entry it still holds (XCLAIM ... JUSTID
 *     to itself resets their idle time), so a slow bot's queue is never
 *     taken over by another bridge while this one is alive, and
 *   - takes over entries idle longer than AIB_CLAIM_IDLE_MS (XAUTOCLAIM):
 *     those of a bridge that died, or its own that a failed Redis write
 *     left unacknowledged.
 * It pauses reading while max_queue messages wait. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "aib_bot.h"
#include "aib_metrics.h"
#include "cmn/cmn_jwt.h"
#include "cmn/cmn_keys.h"
#include "cmn/cmn_log.h"
#include "cmn/cmn_proc.h"
#include "cmn/cmn_redis.h"

#define AIB_BLOCK_MS 500         /* how long a reader waits for news */
#define AIB_READ_MAX 64          /* entries per XREADGROUP */
#define AIB_LEASE_MAX 1024       /* ids renewed per XCLAIM */

int
aib_bot_usable(const struct aib_bot *b)
{
    const struct aib_botcfg *c = b->cfg;

    if (!c->enabled || !atomic_load(&b->probe_ok))
        return 0;
    /* a bot that names a key variable is usable only with the key */
    return c->kind == AIB_KIND_LEONID || c->key_env == NULL ||
           c->key != NULL;
}

int
aib_bridge_aborting(struct aib_bridge *br)
{
    long long at = atomic_load(&br->abort_at);

    return at != 0 && cmn_mono_ms() >= at;
}

int
aib_bridge_init(struct aib_bridge *br, const struct aib_config *cfg,
                const struct aib_bots *bots)
{
    char host[64] = "bridge", rnd[9];

    memset(br, 0, sizeof *br);
    br->cfg = cfg;
    br->bots_cfg = bots;
    gethostname(host, sizeof host - 1);
    cmn_random_hex(rnd, 4);
    snprintf(br->consumer, sizeof br->consumer, "%.40s-%ld-%s", host,
             (long)getpid(), rnd);
    /* Leonid's user_data without LEONID_JWT_SECRET: signed with a key
     * nobody knows, as the original did (Leonid reads, does not verify) */
    randombytes_buf(br->random_key, sizeof br->random_key);
    br->nbots = bots->n;
    if (br->nbots > 0 &&
        (br->bots = calloc(br->nbots, sizeof *br->bots)) == NULL)
        return -1;
    for (size_t i = 0; i < br->nbots; i++) {
        struct aib_bot *b = &br->bots[i];

        b->cfg = &bots->v[i];
        b->br = br;
        snprintf(b->stream, sizeof b->stream, CMN_S_BOT_PREFIX "%s",
                 b->cfg->name);
        atomic_init(&b->probe_ok, b->cfg->probe_path == NULL);
        /* a probed bot reads nothing before its first probe: a message
         * taken over at start must not get "not available" for that */
        atomic_init(&b->ready, b->cfg->probe_path == NULL ||
                               !b->cfg->enabled);
        if (b->cfg->secret != NULL) {
            b->key = (const unsigned char *)b->cfg->secret;
            b->keylen = strlen(b->cfg->secret);
        } else {
            b->key = br->random_key;
            b->keylen = sizeof br->random_key;
        }
        if (aib_queue_init(&b->q, (size_t)b->cfg->max_queue) != 0)
            return -1;
    }
    return 0;
}

int
aib_bridge_start(struct aib_bridge *br)
{
    if (pthread_create(&br->presence, NULL, aib_presence_main, br) != 0)
        return -1;
    br->presence_started = 1;
    if (pthread_create(&br->prober, NULL, aib_prober_main, br) != 0)
        return -1;
    br->prober_started = 1;
    for (size_t i = 0; i < br->nbots; i++) {
        struct aib_bot *b = &br->bots[i];
        int n = b->cfg->concurrency;
        char shown[512];

        if ((b->workers = calloc((size_t)n, sizeof *b->workers)) == NULL)
            return -1;
        for (; b->nworkers < n; b->nworkers++)
            if (pthread_create(&b->workers[b->nworkers], NULL,
                               aib_worker_main, b) != 0)
                return -1;
        if (pthread_create(&b->reader, NULL, aib_reader_main, b) != 0)
            return -1;
        b->reader_started = 1;
        aib_url_redact(b->cfg->endpoint, shown, sizeof shown);
        cmn_log_info("bot", "bot=%s kind=%s endpoint=%s model=%s "
                     "workers=%d key=%s enabled=%d probe=%s", b->cfg->name,
                     aib_kind_name(b->cfg->kind), shown,
                     b->cfg->model ? b->cfg->model : "-", n,
                     b->cfg->key_env == NULL ? "-"
                     : b->cfg->key ? "(set)" : "(unset)", b->cfg->enabled,
                     b->cfg->probe_path ? b->cfg->probe_path : "-");
    }
    return 0;
}

void
aib_bridge_stop(struct aib_bridge *br)
{
    atomic_store(&br->abort_at, cmn_mono_ms() + br->cfg->stop_grace_ms);
    cmn_proc_request_stop();
    /* offline first, so the relay answers new messages itself */
    if (br->presence_started)
        pthread_join(br->presence, NULL);
    br->presence_started = 0;
    if (br->prober_started)
        pthread_join(br->prober, NULL);
    br->prober_started = 0;
    for (size_t i = 0; i < br->nbots; i++) {
        struct aib_bot *b = &br->bots[i];

        if (b->reader_started)
            pthread_join(b->reader, NULL);
        b->reader_started = 0;
        aib_queue_close(&b->q);
    }
    for (size_t i = 0; i < br->nbots; i++) {
        struct aib_bot *b = &br->bots[i];

        for (int w = 0; w < b->nworkers; w++)
            pthread_join(b->workers[w], NULL);
        b->nworkers = 0;
    }
}

void
aib_bridge_cleanup(struct aib_bridge *br)
{
    for (size_t i = 0; i < br->nbots; i++) {
        free(br->bots[i].workers);
        aib_queue_destroy(&br->bots[i].q);
    }
    free(br->bots);
    explicit_bzero(br->random_key, sizeof br->random_key);
    br->bots = NULL;
    br->nbots = 0;
}

/* ---- the reader ---------------------------------------------------------- */

struct aib_reader {
    struct aib_bot *b;
    struct cmn_redis r;
    int need_group;
    long long lease_at, claim_at;
    char (*ids)[AIB_ID_MAX];     /* scratch for lease renewal */
};

static const char *
aib_field(const redisReply *e, const char *name)
{
    const redisReply *v = cmn_entry_field(e, name);

    return v ? v->str : NULL;
}

/* Acknowledge and delete an entry we will not answer (malformed). */
static void
aib_reader_drop(struct aib_reader *rd, const char *id)
{
    redisReply *rep = cmn_redis_cmd(&rd->r, "XACK %s %s %s",
                                    rd->b->stream, CMN_GROUP_BOT, id);

    freeReplyObject(rep);
    freeReplyObject(cmn_redis_cmd(&rd->r, "XDEL %s %s", rd->b->stream, id));
}

/* Turn one stream entry into a job in its user's lane. */
static void
aib_reader_entry(struct aib_reader *rd, const redisReply *e)
{
    const char *id = cmn_entry_id(e), *k = aib_field(e, "k");
    const char *u = aib_field(e, "u"), *mid = aib_field(e, "id");
    const redisReply *c = cmn_entry_field(e, "c");
    struct aib_job *j = NULL;

    if (id == NULL || aib_queue_has(&rd->b->q, id))
        return;
    if (k != NULL && u != NULL && strcmp(k, "m") == 0 && c != NULL &&
        mid != NULL) {
        j = aib_job_new(id, 0, u, aib_field(e, "r"), c->str, c->len);
        if (j != NULL)
            snprintf(j->msg_id, sizeof j->msg_id, "%s", mid);
        cmn_metric_add(&aib_m_messages, 1);
    } else if (k != NULL && u != NULL && strcmp(k, "offline") == 0) {
        j = aib_job_new(id, 1, u, NULL, NULL, 0);
    } else {
        cmn_log_warn("reader", "bot=%s id=%s malformed entry: dropped",
                     rd->b->cfg->name, id);
        aib_reader_drop(rd, id);
        return;
    }
    if (j == NULL)
        return;                 /* out of memory: stays pending */
    aib_queue_push(&rd->b->q, j);
    cmn_metric_add(&aib_m_pending, 1);
}

/* Reset the idle time of every entry we still owe an answer for. */
static void
aib_reader_renew(struct aib_reader *rd)
{
    size_t n = aib_queue_ids(&rd->b->q, rd->ids, AIB_LEASE_MAX), argc;
    const char *argv[AIB_LEASE_MAX + 7];
    redisReply *rep;

    if (n == 0)
        return;
    if (n > AIB_LEASE_MAX)
        n = AIB_LEASE_MAX;
    argv[0] = "XCLAIM";
    argv[1] = rd->b->stream;
    argv[2] = CMN_GROUP_BOT;
    argv[3] = rd->b->br->consumer;
    argv[4] = "0";
    argc = 5;
    for (size_t i = 0; i < n; i++)
        argv[argc++] = rd->ids[i];
    argv[argc++] = "JUSTID";
    rep = cmn_redis_argv(&rd->r, (int)argc, argv, NULL);
    freeReplyObject(rep);
}

/* Take over entries left idle by a bridge that stopped (or by us). */
static void
aib_reader_claim(struct aib_reader *rd)
{
    char cursor[AIB_ID_MAX] = "0-0";

    do {
        redisReply *rep = cmn_redis_cmd(&rd->r, "XAUTOCLAIM %s %s %s %d %s "
                                        "COUNT %d", rd->b->stream,
                                        CMN_GROUP_BOT, rd->b->br->consumer,
                                        rd->b->br->cfg->claim_idle_ms,
                                        cursor, AIB_READ_MAX);
        const redisReply *entries;

        if (rep == NULL || rep->type != REDIS_REPLY_ARRAY ||
            rep->elements < 2 || rep->element[0]->str == NULL) {
            freeReplyObject(rep);
            return;
        }
        snprintf(cursor, sizeof cursor, "%s", rep->element[0]->str);
        entries = rep->element[1];
        for (size_t i = 0; i < entries->elements; i++) {
            if (cmn_entry_id(entries->element[i]) == NULL ||
                aib_queue_has(&rd->b->q,
                              cmn_entry_id(entries->element[i])))
                continue;
            cmn_log_warn("claim", "bot=%s id=%s taken over from a bridge "
                         "that stopped", rd->b->cfg->name,
                         cmn_entry_id(entries->element[i]));
            cmn_metric_add(&aib_m_claimed, 1);
            aib_reader_entry(rd, entries->element[i]);
        }
        freeReplyObject(rep);
    } while (strcmp(cursor, "0-0") != 0 && !cmn_proc_stopping());
}

static void
aib_reader_periodic(struct aib_reader *rd)
{
    long long now = cmn_mono_ms();
    int idle = rd->b->br->cfg->claim_idle_ms;

    if (now - rd->lease_at >= idle / 3) {
        rd->lease_at = now;
        aib_reader_renew(rd);
    }
    if (now - rd->claim_at >= idle / 2) {
        rd->claim_at = now;
        aib_reader_claim(rd);
    }
}

/* One XREADGROUP round: up to `room` new entries. */
static void
aib_reader_read(struct aib_reader *rd, size_t room)
{
    struct cmn_stream_walk w;
    const redisReply *e;
    const char *stream;
    redisReply *rep;

    /* hiredis 0.14 formats %d and %lld, not %zu */
    rep = cmn_redis_cmd(&rd->r, "XREADGROUP GROUP %s %s COUNT %d BLOCK %d "
                        "STREAMS %s >", CMN_GROUP_BOT, rd->b->br->consumer,
                        room < AIB_READ_MAX ? (int)room : AIB_READ_MAX,
                        AIB_BLOCK_MS, rd->b->stream);
    if (rep == NULL) {
        rd->need_group = 1;
        return;
    }
    if (rep->type == REDIS_REPLY_ERROR) {
        /* NOGROUP: a Redis that lost its data; make the group again */
        cmn_log_error("reader", "bot=%s XREADGROUP: %s", rd->b->cfg->name,
                      rep->str);
        rd->need_group = 1;
        freeReplyObject(rep);
        cmn_sleep_ms(100);
        return;
    }
    cmn_stream_walk_init(&w, rep);
    while (cmn_stream_walk_next(&w, &stream, &e))
        aib_reader_entry(rd, e);
    freeReplyObject(rep);
}

void *
aib_reader_main(void *arg)
{
    struct aib_reader rd;
    const struct aib_config *cfg;
    size_t len;

    memset(&rd, 0, sizeof rd);
    rd.b = arg;
    cfg = rd.b->br->cfg;
    rd.need_group = 1;
    if ((rd.ids = calloc(AIB_LEASE_MAX, sizeof *rd.ids)) == NULL)
        return NULL;
    cmn_redis_init(&rd.r, cfg->redis_host, cfg->redis_port, "reader");
    while (!cmn_proc_stopping()) {
        if (cmn_redis_ctx(&rd.r) == NULL) {
            rd.need_group = 1;
            cmn_sleep_ms(100);
            continue;
        }
        if (!atomic_load(&rd.b->ready)) {
            cmn_sleep_ms(50);
            continue;
        }
        if (rd.need_group) {
            if (cmn_redis_ensure_group(&rd.r, rd.b->stream, CMN_GROUP_BOT,
                                       "0") != 0) {
                cmn_sleep_ms(100);
                continue;
            }
            rd.need_group = 0;
        }
        aib_reader_periodic(&rd);
        if (!aib_queue_wait_space(&rd.b->q, AIB_BLOCK_MS))
            continue;
        len = aib_queue_len(&rd.b->q);
        if (len < rd.b->q.max)
            aib_reader_read(&rd, rd.b->q.max - len);
    }
    cmn_redis_close(&rd.r);
    free(rd.ids);
    return NULL;
}
