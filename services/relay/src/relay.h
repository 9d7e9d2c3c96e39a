/* relay.h -- the relay worker: routes chat messages from s:msg to the
 * gateways holding the peer (or the offline inbox, or a bot's stream),
 * flushes inboxes when users come online, and reaps dead gateways.
 *
 * One thread: a blocking XREADGROUP loop. Any number of relay processes
 * share the work through the consumer group; entries another relay left
 * pending are claimed after RELAY_CLAIM_IDLE_MS. */
#ifndef RELAY_H
#define RELAY_H

#include "cmn/cmn_redis.h"
#include "relay_cache.h"
#include "relay_config.h"
#include "relay_out.h"
#include "relay_state.h"

struct relay {
    const struct relay_config *cfg;
    struct cmn_redis r;
    struct relay_cache cache;
    struct relay_state st;
    struct relay_out out;
    char consumer[64];
    int need_pel;          /* re-read our own pending entries first */
    long long reap_at;
    long long claim_at;
    long long trim_at;
};

int relay_init(struct relay *rl, const struct relay_config *cfg);
void relay_cleanup(struct relay *rl);
/* Serve until a stop signal. */
void relay_run(struct relay *rl);

/* Route one batch of stream entries (the array of [id, fields] pairs of
 * an XREADGROUP or XAUTOCLAIM reply) and acknowledge them. 0, or -1 when
 * Redis failed (nothing acknowledged; the entries stay pending). */
int relay_batch(struct relay *rl, const redisReply *entries);

/* Deliver user's offline inbox in order while the user is online. */
int relay_flush(struct relay *rl, const char *user);

/* Re-route what dead gateways left behind (any relay; one at a time). */
void relay_reap(struct relay *rl);

/* Queue packet for user's offline inbox, ordered by its message id (inbox
 * scripts). Returns the number accepted (0 or 1), -1 on Redis failure. */
int relay_inbox_put(struct relay *rl, const char *user, const char *packet,
                    size_t len);

/* "%013llu-%010llu|<packet>": the inbox member of a packet with stream id
 * id, sorting by id. Caller frees. NULL when id is not a stream id. */
char *relay_inbox_member(const char *id, const char *packet, size_t len);

#endif
