/* test_auth_redis.h -- the cmocka group setup of auth's unit tests that
 * need Redis: a struct cmn_redis on TEST_REDIS_PORT (tests/with-redis.sh)
 * plus a raw context for checking what the code wrote. Header-only. */
#ifndef TEST_AUTH_REDIS_H
#define TEST_AUTH_REDIS_H

#include <stdlib.h>

#include "cmn/cmn_redis.h"
#include "cmn/cmn_scripts.h"

#include "auth_scripts.h"

struct test_redis {
    struct cmn_redis r;        /* what the code under test uses */
    redisContext *raw;         /* what the test checks with */
};

static int
test_redis_setup(void **state)
{
    const char *port = getenv("TEST_REDIS_PORT");
    struct test_redis *t;

    if (port == NULL || (t = calloc(1, sizeof *t)) == NULL)
        return -1;
    cmn_scripts_init();
    auth_scripts_init();
    cmn_redis_init(&t->r, "127.0.0.1", atoi(port), "test");
    t->raw = redisConnect("127.0.0.1", atoi(port));
    if (t->raw == NULL || t->raw->err || cmn_redis_ctx(&t->r) == NULL) {
        redisFree(t->raw);
        free(t);
        return -1;
    }
    *state = t;
    return 0;
}

static int
test_redis_teardown(void **state)
{
    struct test_redis *t = *state;

    cmn_redis_close(&t->r);
    redisFree(t->raw);
    free(t);
    return 0;
}

/* Run a command on the raw context and return the reply (caller frees). */
#define test_raw(t, ...) ((redisReply *)redisCommand((t)->raw, __VA_ARGS__))

#endif
