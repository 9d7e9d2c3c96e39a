/* aib_bot.h -- the running bridge: one struct aib_bridge for the process,
 * one struct aib_bot per configured bot.
 *
 * Threads of one bot: a reader (aib_bot.c) that reads s:bot:<bot> as a
 * member of consumer group "bridge", takes over entries a dead bridge
 * left pending, renews the lease of the entries it holds, and queues
 * them in per-user lanes (aib_queue.c); and `concurrency` workers
 * (aib_worker.c), each with its own curl handle and Redis connection,
 * that answer them. The process has one presence thread (aib_presence.c)
 * that keeps the usable bots online and one prober for the bots whose
 * endpoint must answer. Every thread owns its hiredis context. */
#ifndef AIB_BOT_H
#define AIB_BOT_H

#include <pthread.h>
#include <stdatomic.h>

#include "aib_config.h"
#include "aib_queue.h"

struct aib_bridge;

struct aib_bot {
    const struct aib_botcfg *cfg;
    struct aib_bridge *br;
    char stream[128];            /* s:bot:<name> */
    atomic_int probe_ok;         /* 1: no probe, or the last one answered */
    atomic_int ready;            /* 0 until the first probe has a result */
    int announced;               /* presence thread: we said online */
    struct aib_queue q;
    pthread_t reader;
    pthread_t *workers;
    int nworkers;                /* started */
    int reader_started;
    const unsigned char *key;    /* leonid: user_data's HMAC key */
    size_t keylen;
};

struct aib_bridge {
    const struct aib_config *cfg;
    const struct aib_bots *bots_cfg;
    struct aib_bot *bots;
    size_t nbots;
    char consumer[128];          /* this process in the consumer groups */
    atomic_llong abort_at;       /* 0, or mono ms when calls give up */
    atomic_int redis_down;       /* as the presence thread sees it */
    unsigned char random_key[32];
    pthread_t presence, prober;
    int presence_started, prober_started;
};

/* Is the bot usable right now: enabled, has its key (when it names a
 * key_env), and its endpoint answered the last probe? Any thread. */
int aib_bot_usable(const struct aib_bot *b);

/* Set the bridge up (no threads yet). 0 or -1. */
int aib_bridge_init(struct aib_bridge *br, const struct aib_config *cfg,
                    const struct aib_bots *bots);
/* Start every thread. 0 or -1 (what started is stopped by _stop). */
int aib_bridge_start(struct aib_bridge *br);
/* Graceful stop (called after SIGTERM): the bots go offline, readers
 * stop, requests in flight get stop_grace_ms, then everything is joined.
 * Entries not answered stay pending for another bridge. */
void aib_bridge_stop(struct aib_bridge *br);
void aib_bridge_cleanup(struct aib_bridge *br);

/* Thread bodies (aib_bot.c, aib_worker.c, aib_presence.c). */
void *aib_reader_main(void *arg);
void *aib_worker_main(void *arg);
void *aib_presence_main(void *arg);
void *aib_prober_main(void *arg);

/* 1 once calls in flight must give up (stop grace over). */
int aib_bridge_aborting(struct aib_bridge *br);

#endif
