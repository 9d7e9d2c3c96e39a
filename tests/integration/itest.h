/* itest.h -- support for the integration tests: a real stack per test
 * binary (deploy/stack.sh in a temp dir, free ports, env overrides),
 * logins over HTTP through nginx, Socket.IO sessions with the project's
 * client (libsioc), users made with iseecubes-admin, and a Redis
 * connection to look at state. Every helper that cannot do its job fails
 * the current cmocka test with a message. */
#ifndef ITEST_H
#define ITEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>
#include <hiredis.h>

#include "sioc.h"

struct itest_stack {
    char dir[256];
    char base[64];          /* http://127.0.0.1:<public port> */
    int public_port;
    char env[4096];         /* stack.env contents */
};

/* Start a stack with overrides ("NAME=value", NULL-terminated; may be
 * NULL) in a fresh temp dir. 0 or -1 (printed). */
int itest_stack_start(struct itest_stack *st, const char *const *overrides);
/* Stop it; -1 when a service logged a sanitizer report (SAN=1). */
int itest_stack_stop(struct itest_stack *st);
/* A value of stack.env ("REDIS_PORT"), or NULL. Static buffer. */
const char *itest_env(const struct itest_stack *st, const char *name);
/* Run a shell command with the stack's environment; returns its status. */
int itest_sh(const struct itest_stack *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* SIGKILL / SIGTERM one process of the stack ("relay1"), start it again. */
int itest_kill(const struct itest_stack *st, const char *proc, int sig);

/* A fresh user (password "pw-<name>-1234") made with iseecubes-admin;
 * the name is "<prefix><counter>" and is written to name[cap]. */
void itest_new_user(const struct itest_stack *st, const char *prefix,
                    char *name, size_t cap);
/* Log in through nginx; returns the token (caller frees). */
char *itest_login(const struct itest_stack *st, const char *user,
                  const char *password);
/* The password itest_new_user gave name. */
void itest_password(const char *name, char *out, size_t cap);

/* A Socket.IO session through nginx: CONNECT with auth_json (NULL, "{}",
 * or {"token":..}). */
struct sioc_conn *itest_connect(const struct itest_stack *st,
                                const char *auth_json);
/* Connect with {"token": token}: bound and online at once. */
struct sioc_conn *itest_connect_token(const struct itest_stack *st,
                                      const char *token);
/* Legacy flow: connect with "{}", emit join for room "<user>&<peer>"
 * with an ack, and check it says success. */
struct sioc_conn *itest_connect_join(const struct itest_stack *st,
                                     const char *user, const char *token);

/* Emit client_sends_message with an ack and return the ack's "result"
 * ("delivered", "cached", "error") in result[cap]; the message id in
 * id[idcap] when not NULL. */
void itest_send(struct sioc_conn *c, const char *sender, const char *peer,
                const char *content, const char *token, char *result,
                size_t cap, char *id, size_t idcap);

/* Wait for event `name` whose first argument has string member key equal
 * to value, skipping (and dropping) other `name` events. 0 or -1. */
int itest_wait_match(struct sioc_conn *c, const char *name, const char *key,
                     const char *value, int timeout_ms,
                     struct sioc_event *out);

/* A Redis connection to the stack's Redis (caller redisFree()s). */
redisContext *itest_redis(const struct itest_stack *st);
/* Poll `fmt` (a Redis command) every 20 ms until its integer/string
 * reply equals want, or timeout_ms. 0 or -1. */
int itest_redis_wait(const struct itest_stack *st, const char *want,
                     int timeout_ms, const char *fmt, ...);

/* Monotonic milliseconds. */
long long itest_ms(void);

/* A fresh user, logged in (itest_new_user + itest_login). */
struct itest_user {
    char name[64];
    char *token;            /* freed by itest_stack_stop() */
};

void itest_user_new(const struct itest_stack *st, const char *prefix,
                    struct itest_user *u);
/* Free a user's token before the stack stops (optional). */
void itest_user_free(struct itest_user *u);
/* Connect bound at once ({"token"}) and wait for the user's own
 * new_user_online: online when it returns. */
struct sioc_conn *itest_online(const struct itest_stack *st,
                               const struct itest_user *u);

/* Run the tests of one binary against one stack started with overrides
 * (NULL-terminated "NAME=value" list, or NULL). */
int itest_run(const char *name, const struct CMUnitTest *tests, size_t n,
              struct itest_stack *st, const char *const *overrides);
#define ITEST_RUN(name, tests, st, overrides) \
    itest_run(name, tests, sizeof(tests) / sizeof((tests)[0]), st, overrides)

#endif
