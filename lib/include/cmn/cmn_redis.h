/* cmn_redis.h -- a hiredis connection that reconnects by itself, and
 * helpers for stream replies and Lua scripts.
 *
 * A struct cmn_redis belongs to one thread (hiredis contexts are not
 * thread-safe). Any NULL reply means the connection broke: the helpers
 * free the context and the next cmn_redis_ctx() reconnects, with a backoff
 * (100 ms doubling to 2 s), logging the outage once and the recovery once. */
#ifndef CMN_REDIS_H
#define CMN_REDIS_H

#include <stddef.h>

#include <hiredis.h>

struct cmn_redis {
    redisContext *c;
    char host[128];
    int port;
    const char *who;          /* for logs: "bus", "worker" ... */
    long long next_try_ms;    /* monotonic; no reconnect before this */
    int backoff_ms;
    int down;                 /* 1 while disconnected (logged once) */
    int timeout_ms;           /* reply timeout (0 = none); longer than any
                               * BLOCK this connection issues */
};

void cmn_redis_init(struct cmn_redis *r, const char *host, int port,
                    const char *who);
/* Give up on a reply after ms (0 = wait forever): a hung Redis then
 * breaks the connection instead of the thread. Must exceed any BLOCK the
 * connection uses. Applies from the next connect. */
void cmn_redis_set_timeout(struct cmn_redis *r, int ms);
/* The live context, connecting first when needed; NULL while Redis is
 * unreachable (respecting the backoff). */
redisContext *cmn_redis_ctx(struct cmn_redis *r);
/* Declare the context broken (after a NULL reply or an I/O error). */
void cmn_redis_broken(struct cmn_redis *r);
void cmn_redis_close(struct cmn_redis *r);
/* redisCommand on the live context; NULL when down or broken (then the
 * context is dropped). Caller frees the reply with freeReplyObject(). */
redisReply *cmn_redis_cmd(struct cmn_redis *r, const char *fmt, ...);
redisReply *cmn_redis_argv(struct cmn_redis *r, int argc, const char **argv,
                           const size_t *lens);
/* Read one pipelined reply; NULL (and broken) on error. */
redisReply *cmn_redis_get_reply(struct cmn_redis *r);

/* 1 when the reply is an error whose text starts with prefix. */
int cmn_reply_is_error(const redisReply *rep, const char *prefix);

/* XGROUP CREATE stream group $ MKSTREAM, ignoring BUSYGROUP. 0 or -1. */
int cmn_redis_ensure_group(struct cmn_redis *r, const char *stream,
                           const char *group, const char *start_id);

/* Walking XREAD/XREADGROUP/XRANGE replies without copying. */
struct cmn_stream_walk {
    const redisReply *streams; /* XREAD shape: [[name, [entries]], ...] */
    size_t si, ei;
};
/* Start on an XREAD/XREADGROUP reply (NIL = nothing to walk). */
void cmn_stream_walk_init(struct cmn_stream_walk *w, const redisReply *rep);
/* Next entry: 1 with *stream and *entry set, 0 at the end. */
int cmn_stream_walk_next(struct cmn_stream_walk *w, const char **stream,
                         const redisReply **entry);
/* The id of an entry ([id, [f, v, ...]]), or NULL if malformed. */
const char *cmn_entry_id(const redisReply *entry);
/* The value of field `name` in an entry, or NULL. */
const redisReply *cmn_entry_field(const redisReply *entry, const char *name);
/* Number of field/value pairs and the i-th of them. */
size_t cmn_entry_nfields(const redisReply *entry);
void cmn_entry_pair(const redisReply *entry, size_t i,
                    const redisReply **field, const redisReply **value);

/* The entries array of a one-stream XREADGROUP/XREAD reply, or NULL. */
const redisReply *cmn_stream_entries(const redisReply *rep);

/* Re-read and handle this consumer's own pending entries of stream (after
 * a failure left some unacknowledged), in batches of count, until none
 * are left. handle acknowledges what it handled and returns 0, or -1 to
 * stop. Returns 0, or -1 when Redis or handle failed. */
int cmn_stream_drain_pending(struct cmn_redis *r, const char *stream,
                             const char *group, const char *consumer,
                             int count,
                             int (*handle)(void *arg,
                                           const redisReply *entries),
                             void *arg);

/* Trim stream up to what consumer group `group` has handled: entries
 * before both its oldest pending entry and its last delivered one go
 * (XTRIM MINID ~, whole radix nodes). The only consumer group of a stream
 * calls this; readers without a group must not depend on it. 0 or -1. */
int cmn_stream_trim_handled(struct cmn_redis *r, const char *stream,
                            const char *group);

/* Parse a stream id "ms-seq". 0 or -1. */
int cmn_stream_id_parse(const char *id, unsigned long long *ms,
                        unsigned long long *seq);

/* A Lua script run with EVALSHA, falling back to EVAL after NOSCRIPT (a
 * restarted Redis has forgotten its scripts). */
struct cmn_script {
    const char *name;
    const char *src;
    char sha[41];   /* set by cmn_script_init() */
};

/* Compute the script's SHA1 and have every new connection load it (call
 * once per script, before threads start). */
void cmn_script_init(struct cmn_script *s);

/* Run script with nkeys keys followed by args (all in argv/lens).
 * Caller frees the reply. NULL when Redis is down. */
redisReply *cmn_script_run(struct cmn_redis *r, struct cmn_script *s,
                           int nkeys, int argc, const char **argv,
                           const size_t *lens);
/* Pipeline form: append EVALSHA; after reading the reply, a NOSCRIPT error
 * means: call cmn_script_run() for that one again. */
int cmn_script_append(struct cmn_redis *r, struct cmn_script *s, int nkeys,
                      int argc, const char **argv, const size_t *lens);

#endif
