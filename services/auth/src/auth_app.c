/* auth_app.c -- process-wide state and per-thread workers (see
 * auth_app.h). */
#include <poll.h>
#include <stdlib.h>

#include "auth_app.h"
#include "auth_metrics.h"

/* The statement timeout of request connections: a stuck Postgres turns
 * into a 503, not a hung worker thread. */
#define AUTH_WORKER_STMT_TIMEOUT_MS 5000

static void
auth_worker_free(void *p)
{
    struct auth_worker *w = p;

    if (w == NULL)
        return;
    auth_db_close(&w->db);
    cmn_redis_close(&w->redis);
    free(w);
}

int
auth_app_init(struct auth_app *app, const struct auth_config *cfg,
              struct auth_pwhash *ph)
{
    app->cfg = cfg;
    app->ph = ph;
    atomic_init(&app->db_down, 0);
    atomic_init(&app->redis_down, 0);
    return pthread_key_create(&app->worker_key, auth_worker_free) == 0
           ? 0 : -1;
}

void
auth_app_cleanup(struct auth_app *app)
{
    auth_worker_free(pthread_getspecific(app->worker_key));
    pthread_setspecific(app->worker_key, NULL);
    pthread_key_delete(app->worker_key);
}

/* An idle Redis connection never has anything to read; if it has, the
 * server closed it (a restart): drop it now and reconnect at once, rather
 * than failing this request on the dead socket. */
static void
auth_worker_redis_check(struct auth_worker *w)
{
    struct pollfd pfd;

    if (w->redis.c == NULL)
        return;
    pfd.fd = w->redis.c->fd;
    pfd.events = POLLIN;
    if (poll(&pfd, 1, 0) != 0) {
        cmn_redis_broken(&w->redis);
        w->redis.next_try_ms = 0;     /* no backoff: it is probably back */
    }
}

/* Check the connection, then (re)apply the reply timeout: cmn_redis makes
 * a new context after every outage, so this runs per request (a poll and
 * two setsockopt calls). */
static void
auth_worker_redis_prepare(struct auth_worker *w, int ms)
{
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
    redisContext *c;

    auth_worker_redis_check(w);
    if ((c = cmn_redis_ctx(&w->redis)) != NULL)
        redisSetTimeout(c, tv);
}

struct auth_worker *
auth_worker_get(struct auth_app *app)
{
    struct auth_worker *w = pthread_getspecific(app->worker_key);

    if (w == NULL) {
        if ((w = calloc(1, sizeof *w)) == NULL)
            return NULL;
        auth_db_init(&w->db, &app->cfg->db, "auth",
                     AUTH_WORKER_STMT_TIMEOUT_MS);
        cmn_redis_init(&w->redis, app->cfg->redis_host,
                       app->cfg->redis_port, "http");
        if (pthread_setspecific(app->worker_key, w) != 0) {
            free(w);
            return NULL;
        }
    }
    auth_worker_redis_prepare(w, app->cfg->redis_timeout_ms);
    return w;
}

void
auth_app_note_db(struct auth_app *app, int down)
{
    if (down)
        cmn_metric_add(&auth_m_db_errors, 1);
    atomic_store(&app->db_down, down);
}

void
auth_app_note_redis(struct auth_app *app, int down)
{
    if (down)
        cmn_metric_add(&auth_m_redis_errors, 1);
    atomic_store(&app->redis_down, down);
}

const char *
auth_app_health(void *arg)
{
    struct auth_app *app = arg;
    int db = atomic_load(&app->db_down), rd = atomic_load(&app->redis_down);

    if (db && rd)
        return "postgres and redis down";
    if (db)
        return "postgres down";
    if (rd)
        return "redis down";
    return NULL;
}
