/* fake_bots.h -- fake bot back ends for the tests: real HTTP servers on
 * 127.0.0.1 (libmicrohttpd, one thread per connection, so slow answers
 * overlap) that record every request and answer as the real service
 * would: an OpenAI-compatible chat completions API, Leonid the Chat Bot,
 * and a webhook bot.
 *
 * What to do is written in the user's text, so one server serves every
 * test of a suite:
 *   [delay=MS]    wait MS before answering
 *   [status=N]    answer HTTP N (an error body)
 *   [fail=N]      the first N requests with this text get 500, then OK
 *   [rate=N]      the first N get 429 with Retry-After: 1, then OK
 *   [malformed]   answer 200 with a body of the wrong shape
 * Plain answers: openai "You said: <text>", Leonid "Leonid heard: <text>",
 * webhook {"content":"hook: <text>"}. fake_set_delay() slows every answer.
 *
 * Self-contained (libc, pthread, libmicrohttpd, jansson), so any test
 * binary can link it. */
#ifndef FAKE_BOTS_H
#define FAKE_BOTS_H

#include <stddef.h>

enum fake_kind {
    FAKE_OPENAI,
    FAKE_LEONID,
    FAKE_WEBHOOK
};

struct fake_req {
    char method[8];
    char path[256];
    char authorization[512];     /* the header as sent, "" if none */
    char *body;                  /* NUL-terminated, owned */
    size_t len;
    long long at_ms;             /* monotonic: request complete */
    long long done_ms;           /* monotonic: answer queued */
    int status;                  /* what the fake answered */
};

struct fake_server;

/* Start on 127.0.0.1:port (0 = a free port). NULL with a reason in
 * err[256] on failure. */
struct fake_server *fake_start(enum fake_kind kind, int port, char *err);
int fake_port(const struct fake_server *f);
/* Stop serving (the port is closed) and free everything. NULL-safe. */
void fake_stop(struct fake_server *f);
/* Every answer waits ms first (0 = none). */
void fake_set_delay(struct fake_server *f, int ms);

/* Requests that have arrived (recorded or still being answered). */
size_t fake_arrived(struct fake_server *f);
/* Wait until at least n requests have arrived. 0 or -1. */
int fake_wait_arrived(struct fake_server *f, size_t n, int timeout_ms);

/* Requests recorded (answered) with this path (NULL: any) so far. */
size_t fake_count(struct fake_server *f, const char *path);
/* Wait until at least n such requests are recorded. 0 or -1. */
int fake_wait(struct fake_server *f, const char *path, size_t n,
              int timeout_ms);
/* A copy of the i-th such request (0 = first). 0 or -1. */
int fake_get(struct fake_server *f, const char *path, size_t i,
             struct fake_req *out);
/* A copy of the last request whose body contains needle. 0 or -1. */
int fake_find(struct fake_server *f, const char *needle,
              struct fake_req *out);
/* Wait until a request whose body contains needle is recorded. */
int fake_wait_find(struct fake_server *f, const char *needle,
                   int timeout_ms, struct fake_req *out);
void fake_req_cleanup(struct fake_req *r);

/* The string claim `name` of a JWT's payload (not verified) into
 * out[cap]. 0 or -1. */
int fake_jwt_claim(const char *jwt, const char *name, char *out,
                   size_t cap);

#endif
