/* lg_ctx.h -- what every scenario shares: the options, the users (names,
 * passwords, tokens), Redis for figures, and the JSON result being built.
 *
 * A scenario appends its fields to ctx->out as `,"key":value` pairs;
 * lg_ctx_write() wraps them with the scenario's name, the time and the
 * machine's description and writes the file. */
#ifndef LG_CTX_H
#define LG_CTX_H

#include <stddef.h>

#include "cmn/cmn_buf.h"
#include "cmn/cmn_redis.h"
#include "lg_login.h"
#include "lg_opts.h"
#include "lg_pool.h"
#include "lg_proc.h"

struct lg_ctx {
    const struct lg_opts *o;
    struct lg_user *users;     /* o->users + extra */
    size_t nusers;
    char base[96];             /* http://host:port */
    struct cmn_buf out;        /* ,"key":value ... */
    struct cmn_redis redis;
    int has_redis;
    struct lg_watch watch[LG_WATCH_MAX];   /* --watch, then ourselves */
    size_t nwatch;
};

/* Users <prefix><first+i>, i < o->users + extra. 0 or -1. */
int lg_ctx_init(struct lg_ctx *ctx, const struct lg_opts *o, size_t extra);
void lg_ctx_cleanup(struct lg_ctx *ctx);

/* Log users [lo, lo+n) in; appends "<key>":{...} (rate, failures, latency)
 * to ctx->out when key is not NULL. Returns how many got a token. */
size_t lg_ctx_login(struct lg_ctx *ctx, size_t lo, size_t n,
                    const char *key);

/* The tokens of users [0, n) from o->tokens ("name token" lines), when
 * the file has them all: 0; else -1 (nothing changed). */
int lg_ctx_tokens_load(struct lg_ctx *ctx, size_t n);
/* Write the tokens of users [0, n) to o->tokens. 0 or -1. */
int lg_ctx_tokens_save(const struct lg_ctx *ctx, size_t n);

/* Pool options from the command line. */
void lg_ctx_pool_opts(const struct lg_ctx *ctx, struct lg_pool_opts *po);

/* The value of metric `name` on 127.0.0.1:port/metrics; 0 or -1. */
int lg_ctx_metric(int port, const char *name, double *out);

/* Sample the watched processes. */
void lg_ctx_sample(const struct lg_ctx *ctx, struct lg_sample *s);

/* Write {"scenario":..,"label":..,"time":..,"machine":{..}<out>} to
 * o->json (if set). 0 or -1. */
int lg_ctx_write(struct lg_ctx *ctx);

#endif
