/* auth_req.h -- one HTTP request as the handlers see it, and their answer.
 *
 * auth_http.c (libmicrohttpd) fills struct auth_req and turns the
 * handler's enum auth_result into a status code, an error body and a log
 * level; handlers never touch MHD, so they can be driven by tests with
 * plain values. Every pointer in struct auth_req is borrowed for the
 * duration of the call. */
#ifndef AUTH_REQ_H
#define AUTH_REQ_H

#include <stddef.h>

#include "cmn/cmn_buf.h"

struct auth_app;
struct auth_worker;

struct auth_req {
    const char *method;
    const char *path;            /* URL-decoded, no query string */
    const char *body;            /* NUL-terminated; "" when none */
    size_t body_len;
    const char *h_username;      /* "username" header (original API) */
    const char *h_jwt;           /* "jwt" header (original API) */
    const char *h_authorization; /* "Authorization" header */
    const char *client;          /* client address (rate limit, logs) */
};

/* What a handler decided. auth_http.c maps each to a status code:
 * OK 200, CREATED 201, BAD_REQUEST 400, BAD_CREDENTIALS 401 (body
 * {"result":"Invalid credentials"}), BAD_TOKEN 401 ({"error":"Invalid
 * JWT"}), FORBIDDEN 403, NOT_FOUND 404, METHOD 405, CONFLICT 409,
 * TOO_LARGE 413, RATE_LIMITED 429, INTERNAL 500, DB_DOWN and REDIS_DOWN
 * 503. Error bodies are {"error": msg}. */
enum auth_result {
    AUTH_OK,
    AUTH_CREATED,
    AUTH_BAD_REQUEST,
    AUTH_BAD_CREDENTIALS,
    AUTH_BAD_TOKEN,
    AUTH_FORBIDDEN,
    AUTH_NOT_FOUND,
    AUTH_METHOD,
    AUTH_CONFLICT,
    AUTH_TOO_LARGE,
    AUTH_RATE_LIMITED,
    AUTH_INTERNAL,
    AUTH_DB_DOWN,
    AUTH_REDIS_DOWN
};

struct auth_resp {
    struct cmn_buf body;       /* the JSON body for OK / CREATED */
    char msg[200];             /* the error text; "" = the default */
    long retry_after_s;        /* RATE_LIMITED: Retry-After */
};

/* Everything a handler may use. */
struct auth_ctx {
    struct auth_app *app;
    struct auth_worker *w;     /* this thread's Postgres + Redis */
    long now;                  /* wall clock, seconds */
};

/* A route's handler; arg is the path tail the route captured (a user
 * name) or NULL. */
typedef enum auth_result (*auth_handler_fn)(struct auth_ctx *cx,
                                            const struct auth_req *rq,
                                            struct auth_resp *rs,
                                            const char *arg);

/* Set rs->msg (printf) and return r: `return auth_fail(rs, ...)`. */
enum auth_result auth_fail(struct auth_resp *rs, enum auth_result r,
                           const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
