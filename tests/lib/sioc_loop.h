/* sioc_loop.h -- the single-threaded epoll loop that drives sioc
 * connections, with one-shot millisecond timers.
 *
 * One loop owns many struct sioc_conn (sioc_conn.h): it watches their
 * sockets and runs their callbacks, all on the thread that calls
 * sioc_loop_run_once()/sioc_loop_run(). Callbacks never run inside any
 * other sioc call. Timers live in caller-owned storage (embed a struct
 * sioc_timer in your session struct) and sit in a binary heap, so 15,000
 * sessions with a heartbeat each cost O(log n) per timer. */
#ifndef SIOC_LOOP_H
#define SIOC_LOOP_H

#include <stddef.h>

struct sioc_loop;
struct sioc_timer;

/* Runs on the loop thread when the timer is due; may restart it. */
typedef void (*sioc_timer_fn)(struct sioc_loop *l, struct sioc_timer *t,
                              void *arg);

struct sioc_timer {
    long long due;          /* monotonic ms */
    unsigned long seq;      /* FIFO order among equal due times */
    size_t idx;             /* heap slot; SIOC_TIMER_IDLE when stopped */
    sioc_timer_fn fn;
    void *arg;
};

#define SIOC_TIMER_IDLE ((size_t)-1)

/* Prepare t (not started). Must be called once before start/stop. */
void sioc_timer_init(struct sioc_timer *t, sioc_timer_fn fn, void *arg);
/* (Re)start t to fire ms milliseconds from now (0 = on the next
 * iteration, never inside this call). 0, or -1 when memory runs out. */
int sioc_timer_start(struct sioc_loop *l, struct sioc_timer *t, long ms);
/* Stop t if it is running. Safe on a stopped timer. */
void sioc_timer_stop(struct sioc_loop *l, struct sioc_timer *t);
int sioc_timer_active(const struct sioc_timer *t);

/* A new loop, or NULL with err. Free with sioc_loop_free(). */
struct sioc_loop *sioc_loop_new(char *err);
/* Free every connection still owned by the loop (without calling their
 * on_close), then the loop. Running timers are simply forgotten. NULL-
 * safe; not from inside a callback. */
void sioc_loop_free(struct sioc_loop *l);

/* Wait up to timeout_ms (-1 = until something happens) for socket
 * events or the next timer, then run the callbacks due. Returns the
 * number of sockets and timers served, or -1 when called from inside a
 * callback of this loop (nested runs are refused) or epoll fails. */
int sioc_loop_run_once(struct sioc_loop *l, int timeout_ms);
/* Run until sioc_loop_stop() or until no connection and no timer is
 * left. 0, or -1 (as run_once). */
int sioc_loop_run(struct sioc_loop *l);
/* Make sioc_loop_run() return after the current iteration. */
void sioc_loop_stop(struct sioc_loop *l);

/* The loop's clock: monotonic ms, refreshed on every iteration. */
long long sioc_loop_now(const struct sioc_loop *l);
/* Number of connections the loop owns (closed ones included). */
size_t sioc_loop_conns(const struct sioc_loop *l);

#endif
