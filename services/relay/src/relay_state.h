/* relay_state.h -- the routing state of the users one batch touches,
 * fetched with one pipelined round trip: HMGET of tokens, online, loc and
 * inboxn for all of them at once (four commands per batch, not per
 * message). The batch updates its copy as it decides (e.g. a message it
 * cached makes the next one to that user wait in the inbox too). */
#ifndef RELAY_STATE_H
#define RELAY_STATE_H

#include <stddef.h>

#include "cmn/cmn_redis.h"

struct relay_ustate {
    char *name;
    char *token;      /* jti of the current session, or NULL */
    char *online;     /* jti that made the user online, or NULL */
    char *loc;        /* "gw1 gw2" or NULL */
    long inboxn;      /* offline messages waiting */
    int flush;        /* the batch must flush this user's inbox after */
};

struct relay_state {
    struct relay_ustate *u;
    size_t n;
    size_t cap;
    int *slots;       /* open addressing: index+1 into u, 0 = empty */
    size_t nslots;
};

void relay_state_init(struct relay_state *st);
void relay_state_free(struct relay_state *st);
/* Forget the users, keep the memory. */
void relay_state_reset(struct relay_state *st);
/* Make sure user is in the set (state unknown until fetched). */
struct relay_ustate *relay_state_need(struct relay_state *st,
                                      const char *user);
struct relay_ustate *relay_state_get(const struct relay_state *st,
                                     const char *user);
/* Fetch the state of every needed user. 0, or -1 when Redis failed. */
int relay_state_fetch(struct relay_state *st, struct cmn_redis *r);

#endif
