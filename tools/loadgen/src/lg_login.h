/* lg_login.h -- many POST /log_in at once (libcurl multi), as real
 * clients log in: through nginx, JSON body, one JWT per user back.
 *
 * Up to `concurrency` requests are in flight, each easy handle bound to
 * one source address of the list (round robin) and keeping its
 * connection alive. A refused or failed login is retried a few times
 * (429 from the per-address limits, 503 from a busy store) before it
 * counts as failed. */
#ifndef LG_LOGIN_H
#define LG_LOGIN_H

#include <stddef.h>

#include "lg_hist.h"

struct lg_login_job {
    const char *user;
    const char *password;
    char *token;               /* out: owned (free()), NULL if it failed */
};

struct lg_login_stats {
    size_t ok, failed, retries;
    size_t status_429, status_5xx, transport;
    double elapsed_s;          /* first request to last answer */
    struct lg_hist *lat_us;    /* per successful login (may be NULL) */
};

/* Log every job in. base "http://127.0.0.1:5000"; srcs/nsrcs the source
 * addresses (may be 0); timeout_ms per request. Fills each job's token
 * and st. 0, or -1 when libcurl cannot start at all. */
int lg_login_run(const char *base, struct lg_login_job *jobs, size_t n,
                 int concurrency, const char *const *srcs, size_t nsrcs,
                 long timeout_ms, struct lg_login_stats *st);

#endif
