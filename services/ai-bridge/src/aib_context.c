/* aib_context.c -- per-user conversation memory in Redis (see
 * aib_context.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aib_context.h"
#include "aib_proto.h"
#include "cmn/cmn_keys.h"

static void
aib_context_key(char *out, size_t cap, const char *bot, const char *user)
{
    snprintf(out, cap, CMN_K_BOT_CTX "%s:%s", bot, user);
}

int
aib_context_load(struct cmn_redis *r, const char *bot, const char *user,
                 int turns, struct aib_context *ctx)
{
    char key[256];
    redisReply *rep;

    memset(ctx, 0, sizeof *ctx);
    if (turns <= 0)
        return 0;
    aib_context_key(key, sizeof key, bot, user);
    rep = cmn_redis_cmd(r, "LRANGE %s %d -1", key, -2 * turns);
    if (rep == NULL)
        return -1;
    if (rep->type == REDIS_REPLY_ARRAY && rep->elements > 0 &&
        (ctx->items = calloc(rep->elements, sizeof *ctx->items)) != NULL) {
        for (size_t i = 0; i < rep->elements; i++) {
            const redisReply *e = rep->element[i];

            if (e->type == REDIS_REPLY_STRING &&
                (ctx->items[ctx->n] = strndup(e->str, e->len)) != NULL)
                ctx->n++;
        }
    }
    freeReplyObject(rep);
    return 0;
}

void
aib_context_cleanup(struct aib_context *ctx)
{
    for (size_t i = 0; i < ctx->n; i++)
        free(ctx->items[i]);
    free(ctx->items);
    memset(ctx, 0, sizeof *ctx);
}

int
aib_context_append(struct cmn_redis *r, const char *bot, const char *user,
                   const char *question, const char *answer, int turns,
                   int ttl_s)
{
    char key[256], *q, *a;
    redisReply *rep;
    int rc = -1;

    if (turns <= 0)
        return 0;
    aib_context_key(key, sizeof key, bot, user);
    q = aib_turn_json("user", question);
    a = aib_turn_json("assistant", answer);
    if (q == NULL || a == NULL || cmn_redis_ctx(r) == NULL)
        goto out;
    /* one round trip: MULTI ... EXEC keeps the list and its cap together */
    redisAppendCommand(r->c, "MULTI");
    redisAppendCommand(r->c, "RPUSH %s %s %s", key, q, a);
    redisAppendCommand(r->c, "LTRIM %s %d -1", key, -2 * turns);
    redisAppendCommand(r->c, "EXPIRE %s %d", key, ttl_s);
    redisAppendCommand(r->c, "EXEC");
    rc = 0;
    for (int i = 0; i < 5; i++) {
        if ((rep = cmn_redis_get_reply(r)) == NULL) {
            rc = -1;
            break;
        }
        if (rep->type == REDIS_REPLY_ERROR)
            rc = -1;
        freeReplyObject(rep);
    }
out:
    free(q);
    free(a);
    return rc;
}

int
aib_context_forget(struct cmn_redis *r, const char *bot, const char *user)
{
    char key[256];
    redisReply *rep;

    aib_context_key(key, sizeof key, bot, user);
    if ((rep = cmn_redis_cmd(r, "DEL %s", key)) == NULL)
        return -1;
    freeReplyObject(rep);
    return 0;
}
