/* auth_http.h -- the public HTTP listener (libmicrohttpd).
 *
 * A pool of AUTH_THREADS worker threads (epoll), each running requests to
 * completion: handlers may block on Postgres, Redis or an argon2 hash
 * (bounded separately by auth_pwhash), so one slow login never stalls the
 * other threads. This file is the only one that knows MHD: it gathers the
 * body (413 above AUTH_MAX_BODY), builds struct auth_req, runs the route,
 * and maps enum auth_result to a status code, an error body and a log
 * level. */
#ifndef AUTH_HTTP_H
#define AUTH_HTTP_H

#include "auth_req.h"

struct auth_app;
struct auth_http;

/* Start listening on AUTH_BIND:AUTH_PORT. NULL + err on failure. */
struct auth_http *auth_http_start(struct auth_app *app, char *err);
/* The bound port (useful with AUTH_PORT=0). */
int auth_http_port(const struct auth_http *h);
/* Stop accepting, finish running requests, join the threads. NULL-safe. */
void auth_http_stop(struct auth_http *h);

/* The status code of a result (pure; the one mapping). */
unsigned auth_http_status(enum auth_result r);

/* Fill body with the JSON error body of a failed result (msg or the
 * default text). Pure. */
void auth_http_error_body(enum auth_result r, const char *msg,
                          struct cmn_buf *body);

#endif
