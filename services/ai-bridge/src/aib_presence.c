/* aib_presence.c -- keeping the bots online while they are usable.
 *
 * The presence thread beats every AIB_HEARTBEAT_MS: it registers the
 * configured bots (SADD bots), and for each usable bot sends `bind`
 * (jti "bot", no settle delay) the first time or whenever Redis has lost
 * it from `online`, `hb` otherwise, and records itself in
 * botbridges:<bot>. A bot that stops being usable, or every bot on
 * SIGTERM, gets `bye` -- unless another bridge still serves it. A bridge
 * that dies sends nothing: presence takes its bots offline once their
 * heartbeat is older than KEEP_ALIVE_DELAY_BETWEEN_EVENTS.
 *
 * The prober thread GETs endpoint+probe_path of the enabled bots that
 * have one (Leonid) every probe_interval_ms; any HTTP answer counts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aib_bot.h"
#include "aib_http.h"
#include "aib_metrics.h"
#include "cmn/cmn_keys.h"
#include "cmn/cmn_log.h"
#include "cmn/cmn_proc.h"
#include "cmn/cmn_redis.h"

#define AIB_PROBE_TIMEOUT_MS 2000

/* Sleep up to ms, in short steps, until a stop is requested. */
static void
aib_presence_nap(long ms)
{
    while (ms > 0 && !cmn_proc_stopping()) {
        long step = ms < 50 ? ms : 50;
        struct timespec ts = {0, step * 1000000L};

        nanosleep(&ts, NULL);
        ms -= step;
    }
}

/* Take b offline unless another bridge beat for it lately. */
static void
aib_presence_bye(struct aib_bridge *br, struct cmn_redis *r,
                 struct aib_bot *b, const char *why)
{
    long long now = cmn_wall_ms();
    redisReply *rep;
    long long others = 0;

    freeReplyObject(cmn_redis_cmd(r, "ZREM " CMN_K_BOT_BRIDGES "%s %s",
                                  b->cfg->name, br->consumer));
    rep = cmn_redis_cmd(r, "ZCOUNT " CMN_K_BOT_BRIDGES "%s %lld +inf",
                        b->cfg->name, now - 3LL * br->cfg->heartbeat_ms);
    if (rep != NULL && rep->type == REDIS_REPLY_INTEGER)
        others = rep->integer;
    freeReplyObject(rep);
    b->announced = 0;
    cmn_metric_add(&aib_m_bots_online, -1);
    if (others > 0) {
        cmn_log_info("presence", "bot=%s not served here any more (%s); "
                     "%lld other bridge(s) keep it online", b->cfg->name,
                     why, others);
        return;
    }
    rep = cmn_redis_cmd(r, "XADD " CMN_S_PRES " * k bye u %s j bot",
                        b->cfg->name);
    if (rep == NULL)
        cmn_log_warn("presence", "bot=%s going offline (%s): Redis "
                     "unreachable, presence will expire it", b->cfg->name,
                     why);
    else
        cmn_log_info("presence", "bot=%s offline (%s)", b->cfg->name, why);
    freeReplyObject(rep);
}

/* One beat for a usable bot: bind when Redis does not have it online. */
static void
aib_presence_beat(struct aib_bridge *br, struct cmn_redis *r,
                  struct aib_bot *b, long long now)
{
    redisReply *rep;
    int online = 0;

    rep = cmn_redis_cmd(r, "ZADD " CMN_K_BOT_BRIDGES "%s %lld %s",
                        b->cfg->name, now, br->consumer);
    freeReplyObject(rep);
    /* bridges that died without a word */
    rep = cmn_redis_cmd(r, "ZREMRANGEBYSCORE " CMN_K_BOT_BRIDGES "%s -inf "
                        "%lld", b->cfg->name, now - 60000);
    freeReplyObject(rep);
    rep = cmn_redis_cmd(r, "HGET " CMN_K_ONLINE " %s", b->cfg->name);
    if (rep == NULL)
        return;
    online = rep->type == REDIS_REPLY_STRING;
    freeReplyObject(rep);
    if (online && b->announced) {
        freeReplyObject(cmn_redis_cmd(r, "XADD " CMN_S_PRES " * k hb u %s "
                                      "j bot", b->cfg->name));
        return;
    }
    rep = cmn_redis_cmd(r, "XADD " CMN_S_PRES " * k bind u %s j bot st 0",
                        b->cfg->name);
    if (rep == NULL)
        return;
    freeReplyObject(rep);
    if (!b->announced) {
        b->announced = 1;
        cmn_metric_add(&aib_m_bots_online, 1);
        cmn_log_info("presence", "bot=%s online", b->cfg->name);
    }
}

/* SADD bots <every configured bot>: the relay and presence ask it. */
static int
aib_presence_register(struct aib_bridge *br, struct cmn_redis *r)
{
    const char **argv = calloc(br->nbots + 2, sizeof *argv);
    redisReply *rep;

    if (argv == NULL)
        return -1;
    argv[0] = "SADD";
    argv[1] = CMN_K_BOTS;
    for (size_t i = 0; i < br->nbots; i++)
        argv[i + 2] = br->bots[i].cfg->name;
    rep = br->nbots > 0 ? cmn_redis_argv(r, (int)br->nbots + 2, argv, NULL)
                        : cmn_redis_cmd(r, "PING");
    free(argv);
    if (rep == NULL)
        return -1;
    freeReplyObject(rep);
    return 0;
}

/* Does any bot's usability differ from what we last told presence? */
static int
aib_presence_changed(const struct aib_bridge *br)
{
    for (size_t i = 0; i < br->nbots; i++)
        if (aib_bot_usable(&br->bots[i]) != br->bots[i].announced)
            return 1;
    return 0;
}

/* One pass over the bots: beats, binds, byes. */
static void
aib_presence_pass(struct aib_bridge *br, struct cmn_redis *r)
{
    long long now = cmn_wall_ms();

    if (aib_presence_register(br, r) != 0) {
        atomic_store(&br->redis_down, 1);
        return;
    }
    atomic_store(&br->redis_down, 0);
    for (size_t i = 0; i < br->nbots; i++) {
        struct aib_bot *b = &br->bots[i];

        if (aib_bot_usable(b))
            aib_presence_beat(br, r, b, now);
        else if (b->announced)
            aib_presence_bye(br, r, b, "not usable");
    }
}

void *
aib_presence_main(void *arg)
{
    struct aib_bridge *br = arg;
    struct cmn_redis r;
    long long last = 0;

    cmn_redis_init(&r, br->cfg->redis_host, br->cfg->redis_port,
                   "presence");
    while (!cmn_proc_stopping()) {
        long long now = cmn_mono_ms();

        /* beat on time, and at once when a bot became (un)usable */
        if (now - last >= br->cfg->heartbeat_ms ||
            (aib_presence_changed(br) && now - last >= 100)) {
            last = now;
            aib_presence_pass(br, &r);
        }
        aib_presence_nap(50);
    }
    for (size_t i = 0; i < br->nbots; i++)
        if (br->bots[i].announced)
            aib_presence_bye(br, &r, &br->bots[i], "stopping");
    cmn_redis_close(&r);
    return NULL;
}

void *
aib_prober_main(void *arg)
{
    struct aib_bridge *br = arg;
    struct aib_http *h = aib_http_new(NULL, NULL);
    long long *due = calloc(br->nbots + 1, sizeof *due);
    char *logged = calloc(br->nbots + 1, 1);    /* first result logged */

    if (h == NULL || due == NULL || logged == NULL) {
        cmn_log_error("probe", "out of memory: probes disabled");
        aib_http_free(h);
        free(due);
        free(logged);
        return NULL;
    }
    while (!cmn_proc_stopping()) {
        long long now = cmn_mono_ms();

        for (size_t i = 0; i < br->nbots && !cmn_proc_stopping(); i++) {
            struct aib_bot *b = &br->bots[i];
            const struct aib_botcfg *c = b->cfg;
            char url[1024], shown[1024];
            int up;

            if (c->probe_path == NULL || !c->enabled || now < due[i])
                continue;
            due[i] = now + c->probe_interval_ms;
            snprintf(url, sizeof url, "%s%s", c->endpoint, c->probe_path);
            up = aib_http_probe(h, url, c->probe_interval_ms <
                                AIB_PROBE_TIMEOUT_MS ? c->probe_interval_ms
                                : AIB_PROBE_TIMEOUT_MS);
            aib_url_redact(url, shown, sizeof shown);
            if (atomic_exchange(&b->probe_ok, up) != up || !logged[i])
                cmn_log_info("probe", "bot=%s endpoint %s%s", c->name, shown,
                             up ? " answers" : " does not answer");
            logged[i] = 1;
            atomic_store(&b->ready, 1);
        }
        aib_presence_nap(50);
    }
    aib_http_free(h);
    free(due);
    free(logged);
    return NULL;
}
