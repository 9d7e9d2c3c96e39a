/* sioc_internal.h -- what sioc_loop.c, sioc_conn.c and sioc_sync.c tell
 * each other and nobody else: the loop's connection list and epoll
 * registration, the conn entry points the loop calls, and the queue mode
 * the blocking API switches on. Not installed for users. */
#ifndef SIOC_INTERNAL_H
#define SIOC_INTERNAL_H

#include <stddef.h>

#include "sioc_conn.h"
#include "sioc_loop.h"
#include "sioc_queue.h"

/* A connection's node in its loop's list (live or graveyard). */
struct sioc_link {
    struct sioc_link *prev, *next;
    struct sioc_conn *conn;
    int buried;                 /* on the graveyard list */
};

/* ---- loop side (sioc_loop.c) ---- */

/* Put a new connection on the loop's live list. */
void sioc_loop_attach(struct sioc_loop *l, struct sioc_link *k);
/* Take it off whichever list it is on. */
void sioc_loop_detach(struct sioc_loop *l, struct sioc_link *k);
/* Move a freed connection to the graveyard: its memory is released at
 * the end of the current iteration (it may still be on the stack). */
void sioc_loop_bury(struct sioc_loop *l, struct sioc_link *k);
/* The loop's shared read buffer: sockets are read into it, and only the
 * bytes of an incomplete frame are copied to the connection, so an idle
 * connection holds no receive buffer. */
char *sioc_loop_rbuf(struct sioc_loop *l, size_t *cap);
/* 1 while sioc_loop_run_once() is dispatching. */
int sioc_loop_running(const struct sioc_loop *l);
/* Change fd's epoll interest from `old` to `want` (0 = not watched). The
 * event's data pointer is conn. 0, or -1 with errno. */
int sioc_loop_watch(struct sioc_loop *l, int fd, unsigned old, unsigned want,
                    struct sioc_conn *conn);

/* ---- conn side (sioc_conn.c) ---- */

/* Serve epoll events on c's socket. Loop thread, while running. */
void sioc_conn_io(struct sioc_conn *c, unsigned events);
/* Release c's memory. run_hook = 0 when the loop itself is being freed. */
void sioc_conn_destroy(struct sioc_conn *c, int run_hook);

/* Queue mode (blocking API): events and acks go to a queue of max_bytes
 * owned by c instead of the callbacks; hook runs after c is destroyed.
 * 0, or -1 on OOM. */
int sioc_conn_use_queue(struct sioc_conn *c, size_t max_bytes,
                        void (*hook)(struct sioc_loop *l));
/* c's queue, NULL when not in queue mode. */
struct sioc_queue *sioc_conn_queue(struct sioc_conn *c);

#endif
