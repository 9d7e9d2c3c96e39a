/* auth_app.h -- the state the whole auth process shares, and the state
 * each HTTP worker thread owns.
 *
 * struct auth_app is built in main() before any thread starts and is
 * read-only afterwards, except for the atomics. struct auth_worker (one
 * Postgres connection, one Redis connection) is created on a thread's
 * first request and closed when that thread exits (a pthread key
 * destructor), because neither PGconn nor redisContext may be shared. */
#ifndef AUTH_APP_H
#define AUTH_APP_H

#include <pthread.h>
#include <stdatomic.h>

#include "cmn/cmn_redis.h"

#include "auth_config.h"
#include "auth_db.h"
#include "auth_pwhash.h"

struct auth_app {
    const struct auth_config *cfg;
    struct auth_pwhash *ph;
    pthread_key_t worker_key;
    atomic_int db_down;          /* last statement saw Postgres down */
    atomic_int redis_down;       /* last command saw Redis down */
};

struct auth_worker {
    struct auth_db db;
    struct cmn_redis redis;
};

/* Set up the per-thread key. 0 or -1. */
int auth_app_init(struct auth_app *app, const struct auth_config *cfg,
                  struct auth_pwhash *ph);
/* Close the calling thread's worker (if any) and delete the key. Call
 * after every worker thread has exited. */
void auth_app_cleanup(struct auth_app *app);

/* The calling thread's worker, created on first use; NULL on OOM. Call
 * once per request: a Redis connection the server has closed meanwhile is
 * replaced, and the live one gets the AUTH_REDIS_TIMEOUT_MS read and write
 * timeout, so a hung Redis fails the request instead of the thread. */
struct auth_worker *auth_worker_get(struct auth_app *app);

/* Record what the last store operation saw, for /healthz. */
void auth_app_note_db(struct auth_app *app, int down);
void auth_app_note_redis(struct auth_app *app, int down);

/* /healthz check: NULL when healthy, else "postgres down" etc. */
const char *auth_app_health(void *arg);

#endif
