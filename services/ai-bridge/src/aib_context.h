/* aib_context.h -- the conversation a bot remembers per user: the last
 * context_turns question/answer pairs in a Redis list
 * (CMN_K_BOT_CTX "<bot>:<user>"), each item a {"role","content"} JSON
 * text, refreshed TTL. Only the worker answering that user touches it
 * (one lane per user), so plain list commands are enough. */
#ifndef AIB_CONTEXT_H
#define AIB_CONTEXT_H

#include <stddef.h>

#include "cmn/cmn_redis.h"

struct aib_context {
    char **items;                /* JSON texts, oldest first */
    size_t n;
};

/* Read the last 2*turns items. 0 (possibly none), or -1 when Redis is
 * unreachable. Release with aib_context_cleanup(). */
int aib_context_load(struct cmn_redis *r, const char *bot, const char *user,
                     int turns, struct aib_context *ctx);
void aib_context_cleanup(struct aib_context *ctx);
/* Remember one exchange and trim to turns pairs. 0 or -1. */
int aib_context_append(struct cmn_redis *r, const char *bot,
                       const char *user, const char *question,
                       const char *answer, int turns, int ttl_s);
/* Forget the conversation. 0 or -1. */
int aib_context_forget(struct cmn_redis *r, const char *bot,
                       const char *user);

#endif
