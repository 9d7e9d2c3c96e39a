/* auth_http.c -- libmicrohttpd plumbing of the public API (see
 * auth_http.h). Per-request state lives in *con_cls from the first call
 * and is freed only in the NOTIFY_COMPLETED callback. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>
#include <sodium.h>

#include "cmn/cmn_err.h"
#include "cmn/cmn_log.h"
#include "cmn/cmn_proc.h"

#include "auth_app.h"
#include "auth_clientaddr.h"
#include "auth_http.h"
#include "auth_metrics.h"
#include "auth_route.h"
#include "auth_text.h"

struct auth_http {
    struct MHD_Daemon *d;
    struct auth_app *app;
    int port;
};

/* One request's state, from its first call to NOTIFY_COMPLETED. */
struct auth_http_req {
    struct cmn_buf body;
    int too_big;               /* the body passed AUTH_MAX_BODY */
    long long t0_ms;
};

unsigned
auth_http_status(enum auth_result r)
{
    switch (r) {
    case AUTH_OK:               return MHD_HTTP_OK;
    case AUTH_CREATED:          return MHD_HTTP_CREATED;
    case AUTH_BAD_REQUEST:      return MHD_HTTP_BAD_REQUEST;
    case AUTH_BAD_CREDENTIALS:  return MHD_HTTP_UNAUTHORIZED;
    case AUTH_BAD_TOKEN:        return MHD_HTTP_UNAUTHORIZED;
    case AUTH_FORBIDDEN:        return MHD_HTTP_FORBIDDEN;
    case AUTH_NOT_FOUND:        return MHD_HTTP_NOT_FOUND;
    case AUTH_METHOD:           return MHD_HTTP_METHOD_NOT_ALLOWED;
    case AUTH_CONFLICT:         return MHD_HTTP_CONFLICT;
    case AUTH_TOO_LARGE:        return MHD_HTTP_CONTENT_TOO_LARGE;
    case AUTH_RATE_LIMITED:     return MHD_HTTP_TOO_MANY_REQUESTS;
    case AUTH_INTERNAL:         return MHD_HTTP_INTERNAL_SERVER_ERROR;
    case AUTH_DB_DOWN:          return MHD_HTTP_SERVICE_UNAVAILABLE;
    case AUTH_REDIS_DOWN:       return MHD_HTTP_SERVICE_UNAVAILABLE;
    }
    return MHD_HTTP_INTERNAL_SERVER_ERROR;
}

/* The text of an error body when the handler gave none. */
static const char *
auth_http_default_msg(enum auth_result r)
{
    switch (r) {
    case AUTH_BAD_REQUEST:  return "Bad request";
    case AUTH_BAD_TOKEN:    return "Invalid JWT";
    case AUTH_FORBIDDEN:    return "Forbidden";
    case AUTH_NOT_FOUND:    return "Not found";
    case AUTH_METHOD:       return "Method not allowed";
    case AUTH_CONFLICT:     return "Conflict";
    case AUTH_TOO_LARGE:    return "Request body too large";
    case AUTH_RATE_LIMITED: return "Too many requests";
    case AUTH_DB_DOWN:
        return "The user database is unavailable; try again later";
    case AUTH_REDIS_DOWN:
        return "The session store is unavailable; try again later";
    default:                return "Internal error";
    }
}

void
auth_http_error_body(enum auth_result r, const char *msg,
                     struct cmn_buf *body)
{
    cmn_buf_reset(body);
    if (r == AUTH_BAD_CREDENTIALS) {
        /* the original's body: clients read "result", not the status */
        cmn_buf_puts(body, "{\"result\":\"Invalid credentials\"}");
        return;
    }
    if (r == AUTH_BAD_TOKEN || msg == NULL || msg[0] == '\0')
        msg = auth_http_default_msg(r);
    cmn_buf_puts(body, "{\"error\":");
    cmn_buf_json_string(body, msg, strlen(msg));
    cmn_buf_puts(body, "}");
}

/* Queue a JSON response; takes the bytes of body. */
static enum MHD_Result
auth_http_send(struct MHD_Connection *conn, unsigned status,
               struct cmn_buf *body, long retry_after_s)
{
    struct MHD_Response *resp;
    enum MHD_Result rc;
    size_t len = body->len;
    char *bytes = cmn_buf_steal(body), ra[24];

    if (bytes == NULL)
        return MHD_NO;
    resp = MHD_create_response_from_buffer(len, bytes, MHD_RESPMEM_MUST_FREE);
    if (resp == NULL) {
        free(bytes);
        return MHD_NO;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                            "application/json");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    if (retry_after_s > 0) {
        snprintf(ra, sizeof ra, "%ld", retry_after_s);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, ra);
    }
    rc = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return rc;
}

static const char *
auth_http_header(struct MHD_Connection *conn, const char *name)
{
    return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

/* The client's address: nginx's X-Real-IP / X-Forwarded-For when trusted,
 * else the peer. */
static void
auth_http_client(struct MHD_Connection *conn, int trust, char *out,
                 size_t cap)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

    auth_client_addr(trust ? auth_http_header(conn, "X-Real-IP") : NULL,
                     trust ? auth_http_header(conn, "X-Forwarded-For") : NULL,
                     ci ? ci->client_addr : NULL, out, cap);
}

/* Log the request: debug normally, warn for server-side failures. */
static void
auth_http_log(const struct auth_req *rq, unsigned status, long long ms)
{
    char path[96];
    int level = status >= 500 ? CMN_LOG_WARN : CMN_LOG_DEBUG;

    if (!cmn_log_enabled(level))
        return;
    cmn_log(level, 0, "http", "method=%s path=%s status=%u ms=%lld client=%s",
            rq->method, auth_text_safe(rq->path, path, sizeof path), status,
            ms, rq->client);
}

/* The final call of a request: run it and queue the answer. */
static enum MHD_Result
auth_http_run(struct auth_http *h, struct MHD_Connection *conn,
              const char *url, const char *method, struct auth_http_req *st)
{
    char client[64];
    struct auth_req rq = {method, url, st->body.p ? st->body.p : "",
                          st->body.len, NULL, NULL, NULL, client};
    struct auth_resp rs;
    struct auth_ctx cx = {h->app, NULL, (long)(cmn_wall_ms() / 1000)};
    enum auth_result r;
    enum MHD_Result rc;
    unsigned status;

    memset(&rs, 0, sizeof rs);
    cmn_buf_init(&rs.body);
    auth_http_client(conn, h->app->cfg->trust_proxy, client, sizeof client);
    rq.h_username = auth_http_header(conn, "username");
    rq.h_jwt = auth_http_header(conn, "jwt");
    rq.h_authorization = auth_http_header(conn, "Authorization");
    if (st->too_big)
        r = AUTH_TOO_LARGE;
    else if ((cx.w = auth_worker_get(h->app)) == NULL)
        r = AUTH_INTERNAL;
    else
        r = auth_route_dispatch(&cx, &rq, &rs);
    if (r != AUTH_OK && r != AUTH_CREATED)
        auth_http_error_body(r, rs.msg, &rs.body);
    status = auth_http_status(r);
    cmn_metric_add(&auth_m_requests, 1);
    auth_http_log(&rq, status, cmn_mono_ms() - st->t0_ms);
    rc = auth_http_send(conn, status, &rs.body, rs.retry_after_s);
    cmn_buf_free(&rs.body);
    return rc;
}

static enum MHD_Result
auth_http_handler(void *cls, struct MHD_Connection *conn, const char *url,
                  const char *method, const char *version,
                  const char *upload_data, size_t *upload_size,
                  void **con_cls)
{
    struct auth_http *h = cls;
    struct auth_http_req *st = *con_cls;
    size_t max = (size_t)h->app->cfg->max_body;

    (void)version;
    if (st == NULL) {
        const char *cl = auth_http_header(conn, "Content-Length");

        if ((st = calloc(1, sizeof *st)) == NULL)
            return MHD_NO;
        cmn_buf_init(&st->body);
        st->t0_ms = cmn_mono_ms();
        st->too_big = cl != NULL && strtoull(cl, NULL, 10) > max;
        *con_cls = st;
        return MHD_YES;
    }
    if (*upload_size != 0) {
        if (!st->too_big && (st->body.len + *upload_size > max ||
                             cmn_buf_append(&st->body, upload_data,
                                            *upload_size) != 0)) {
            st->too_big = 1;
            cmn_buf_free(&st->body);
        }
        *upload_size = 0;
        return MHD_YES;
    }
    return auth_http_run(h, conn, url, method, st);
}

static void
auth_http_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                    enum MHD_RequestTerminationCode toe)
{
    struct auth_http_req *st = *con_cls;

    (void)cls;
    (void)conn;
    (void)toe;
    if (st == NULL)
        return;
    if (st->body.p != NULL)     /* bodies carry passwords */
        sodium_memzero(st->body.p, st->body.cap);
    cmn_buf_free(&st->body);
    free(st);
    *con_cls = NULL;
}

/* MHD's own error messages, as our log lines. */
static void
auth_http_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char line[512];
    size_t n;

    (void)cls;
    vsnprintf(line, sizeof line, fmt, ap);
    n = strlen(line);
    while (n > 0 && line[n - 1] == '\n')
        line[--n] = '\0';
    cmn_log_warn("mhd", "%s", line);
}

struct auth_http *
auth_http_start(struct auth_app *app, char *err)
{
    const struct auth_config *cfg = app->cfg;
    struct auth_http *h = calloc(1, sizeof *h);
    struct sockaddr_in sin;
    const union MHD_DaemonInfo *info;
    struct MHD_OptionItem pool[] = {
        {MHD_OPTION_THREAD_POOL_SIZE, cfg->threads, NULL},
        {MHD_OPTION_END, 0, NULL}
    };

    if (h == NULL) {
        cmn_errf(err, "out of memory");
        return NULL;
    }
    h->app = app;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons((unsigned short)cfg->port);
    if (inet_pton(AF_INET, cfg->bind, &sin.sin_addr) != 1) {
        cmn_errf(err, "AUTH_BIND \"%s\" is not an IPv4 address", cfg->bind);
        free(h);
        return NULL;
    }
    /* MHD warns about a pool of size 0 or 1: only pass it when > 1 */
    if (cfg->threads <= 1)
        pool[0].option = MHD_OPTION_END;
    h->d = MHD_start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG,
        (unsigned short)cfg->port, NULL, NULL, auth_http_handler, h,
        MHD_OPTION_EXTERNAL_LOGGER, auth_http_mhd_log, h,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
        MHD_OPTION_NOTIFY_COMPLETED, auth_http_completed, h,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)4000,
        MHD_OPTION_ARRAY, pool,
        MHD_OPTION_END);
    if (h->d == NULL) {
        cmn_errf(err, "cannot listen on %s:%d", cfg->bind, cfg->port);
        free(h);
        return NULL;
    }
    info = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
    h->port = info ? info->port : cfg->port;
    return h;
}

int
auth_http_port(const struct auth_http *h)
{
    return h->port;
}

void
auth_http_stop(struct auth_http *h)
{
    if (h == NULL)
        return;
    MHD_stop_daemon(h->d);
    free(h);
}
