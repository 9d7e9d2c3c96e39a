/* sioc_sync.h -- the blocking client API for tests.
 *
 * A blocking connection is an ordinary struct sioc_conn in queue mode on
 * a loop shared by every blocking connection of the process (created with
 * the first, freed with the last). Waiting on one connection serves them
 * all: their pings are answered and their events queued, so a test can
 * hold Lisa's and Avi's sockets and wait on either. Every event and ack
 * is queued in arrival order; a wait takes the first match and leaves the
 * rest for later waits. Not thread-safe: one thread per process. */
#ifndef SIOC_SYNC_H
#define SIOC_SYNC_H

#include "sioc_conn.h"
#include "sioc_event.h"

/* Connect to http://host:port/socket.io/ and wait until the Socket.IO
 * CONNECT is acknowledged. auth_json: NULL (sends "40") or a JSON object
 * ("{}" sends "40{}", {"token":"..."}). timeout_ms 0 = 10 s. Returns the
 * connection once acknowledged, even if the server closed it right after
 * (sioc_conn_state() tells; what it sent is queued). Free it with
 * sioc_close() or sioc_conn_free(). NULL with err otherwise ("connect
 * error: bad token", "upgrade failed: ...", "open timeout: ..."). */
struct sioc_conn *sioc_open_blocking(const char *host, int port,
                                     const char *auth_json, int timeout_ms,
                                     char *err);
/* The same with every option (opts->open_timeout_ms is the timeout). */
struct sioc_conn *sioc_open_blocking_opts(const struct sioc_opts *opts,
                                          char *err);

/* Serve the sockets until an event called `name` (NULL: any event) is
 * queued for c or timeout_ms passes. 0: *out holds it (owned; free with
 * sioc_event_cleanup). -1: timeout, or c closed with no such event left
 * (sioc_conn_state() tells which), or c is not a blocking connection.
 * Events queued before a close can still be taken after it. timeout_ms 0
 * only looks at what is already queued. */
int sioc_wait_event(struct sioc_conn *c, const char *name, int timeout_ms,
                    struct sioc_event *out);
/* The same for the ack of our emit with id `id` (-1: any ack). */
int sioc_wait_ack(struct sioc_conn *c, long id, int timeout_ms,
                  struct sioc_event *out);
/* Emit name(arg_json) asking for an ack and wait for it: 0 with *out, or
 * -1 with err (emit failed, timeout, closed). */
int sioc_call(struct sioc_conn *c, const char *name, const char *arg_json,
              int timeout_ms, struct sioc_event *out, char *err);

/* Negative assertion: serve the sockets for ms and return 1 as soon as an
 * event called `name` (NULL: any) is queued for c (one that was queued
 * before the call counts too; it is left in the queue), 0 if none came. */
int sioc_expect_no_event(struct sioc_conn *c, const char *name, int ms);

/* Serve the sockets until c is closed: 0, or -1 after timeout_ms. */
int sioc_wait_closed(struct sioc_conn *c, int timeout_ms);
/* Serve every blocking connection for ms (keeps them answering pings). */
void sioc_pump(int ms);
/* Events and acks waiting in c's queue. */
size_t sioc_pending(struct sioc_conn *c);

/* Leave politely (DISCONNECT, close frame, wait for the server's close
 * up to opts.close_timeout_ms) and free c. NULL-safe. */
void sioc_close(struct sioc_conn *c);

#endif
