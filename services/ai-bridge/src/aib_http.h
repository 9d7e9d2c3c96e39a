/* aib_http.h -- one blocking HTTP call with libcurl, as the bots need it:
 * a JSON POST with an optional Bearer key, a whole-request timeout, a cap
 * on the reply size, Retry-After, and an abort when the process stops;
 * and a probe (does anything answer at this URL?).
 *
 * A struct aib_http belongs to one thread (one CURL easy handle, reused
 * so connections are kept alive). curl_global_init() must have run. */
#ifndef AIB_HTTP_H
#define AIB_HTTP_H

#include <stddef.h>

#include "aib_retry.h"
#include "cmn/cmn_buf.h"

struct aib_http;

struct aib_http_req {
    const char *url;
    const char *body;            /* JSON */
    const char *bearer;          /* NULL: no Authorization header */
    long timeout_ms;
    long connect_timeout_ms;
    size_t max_reply;            /* bytes */
};

struct aib_http_res {
    enum aib_transport t;
    long status;                 /* 0 when no response */
    long retry_after_ms;         /* -1 when the server sent none */
    struct cmn_buf body;         /* the reply, NUL-terminated */
    char err[256];               /* curl's reason when t != AIB_T_OK */
};

/* Should a transfer in progress give up? (Polled while it runs.) */
typedef int (*aib_http_abort_fn)(void *arg);

/* NULL when curl cannot make a handle. abort may be NULL. */
struct aib_http *aib_http_new(aib_http_abort_fn abort, void *arg);
void aib_http_free(struct aib_http *h);

/* POST rq. res is initialised here; release its body with
 * aib_http_res_cleanup(). Returns res->t. */
enum aib_transport aib_http_post(struct aib_http *h,
                                 const struct aib_http_req *rq,
                                 struct aib_http_res *res);
void aib_http_res_cleanup(struct aib_http_res *res);

/* GET url: 1 when any HTTP response came within timeout_ms, else 0. */
int aib_http_probe(struct aib_http *h, const char *url, long timeout_ms);

#endif
