/* cmn_health.h -- the private admin port of every service:
 * GET /healthz (liveness, JSON) and GET /metrics (Prometheus text).
 *
 * Served by libmicrohttpd on its own thread, bound to 127.0.0.1 (or
 * HEALTH_BIND). Metrics are plain atomic counters and gauges that the
 * service registers once at start and bumps from any thread. */
#ifndef CMN_HEALTH_H
#define CMN_HEALTH_H

#include <stdatomic.h>

struct cmn_metric {
    const char *name;          /* iseecubes_<service>_<what>[_total] */
    const char *help;
    int gauge;                 /* 0 = counter, 1 = gauge */
    atomic_long value;
    struct cmn_metric *next;   /* registry link, set by register */
};

/* Add m to the registry (before cmn_health_start; not thread-safe). */
void cmn_metric_register(struct cmn_metric *m);

static inline void
cmn_metric_add(struct cmn_metric *m, long d)
{
    atomic_fetch_add_explicit(&m->value, d, memory_order_relaxed);
}

static inline void
cmn_metric_set(struct cmn_metric *m, long v)
{
    atomic_store_explicit(&m->value, v, memory_order_relaxed);
}

/* Returns NULL when healthy, or a short reason ("redis down"). Called on
 * the health thread: read only atomics or immutable data. */
typedef const char *(*cmn_health_fn)(void *arg);

struct cmn_health;

/* Start serving on bind:port (port 0 = a free port). NULL + err on
 * failure. check may be NULL (always healthy). */
struct cmn_health *cmn_health_start(const char *bind, int port,
                                    cmn_health_fn check, void *arg,
                                    char *err);
int cmn_health_port(const struct cmn_health *h);
/* NULL-safe. */
void cmn_health_stop(struct cmn_health *h);

#endif
