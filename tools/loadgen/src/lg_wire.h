/* lg_wire.h -- the load generator's processes: fork workers and talk to
 * them over a pair of pipes each, in framed messages (type, length,
 * bytes).
 *
 * The parent logs the users in, forks the workers (which inherit the
 * tokens), and then drives them in lock step: each worker reports READY
 * when its sessions are open, the parent answers with what to do next
 * (GO, STEP, STOP), the worker reports results back. */
#ifndef LG_WIRE_H
#define LG_WIRE_H

#include <stddef.h>
#include <sys/types.h>

#include "cmn/cmn_buf.h"

enum lg_wire_type {
    LG_W_READY = 1,            /* worker: sessions open (+ stats) */
    LG_W_GO,                   /* parent: start (+ parameters) */
    LG_W_STEP,                 /* parent: run one step (+ parameters) */
    LG_W_STEP_END,             /* worker: step results */
    LG_W_STOP,                 /* parent: finish and report */
    LG_W_DONE                  /* worker: final results */
};

struct lg_worker {
    pid_t pid;
    int to;                    /* parent writes, worker reads */
    int from;                  /* worker writes, parent reads */
    int index;
};

/* Worker body: runs in the child, returns its exit status. */
typedef int (*lg_worker_fn)(struct lg_worker *self, void *arg);

/* Fork n workers running fn(self, arg). 0, or -1 (those started are
 * killed and reaped). */
int lg_wire_spawn(struct lg_worker *w, int n, lg_worker_fn fn, void *arg);
/* Wait for every worker; returns how many exited non-zero. */
int lg_wire_reap(struct lg_worker *w, int n);

/* Send one message; 0 or -1. */
int lg_wire_send(int fd, int type, const void *data, size_t len);
/* Receive one message into b (reset first), waiting up to timeout_ms
 * (-1 = forever); returns its type, 0 on timeout, -1 on EOF or error. */
int lg_wire_recv(int fd, struct cmn_buf *b, long timeout_ms);

#endif
