/* cmn_health.c -- /healthz and /metrics on a private port (libmicrohttpd,
 * one internal thread). See cmn_health.h. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "cmn/cmn_buf.h"
#include "cmn/cmn_err.h"
#include "cmn/cmn_health.h"

struct cmn_health {
    struct MHD_Daemon *d;
    int port;
    cmn_health_fn check;
    void *arg;
};

static struct cmn_metric *cmn_metrics_head;

void
cmn_metric_register(struct cmn_metric *m)
{
    struct cmn_metric **pp = &cmn_metrics_head;

    while (*pp != NULL)         /* keep registration order in the output */
        pp = &(*pp)->next;
    m->next = NULL;
    *pp = m;
}

static void
cmn_health_metrics_text(struct cmn_buf *b)
{
    for (struct cmn_metric *m = cmn_metrics_head; m != NULL; m = m->next)
        cmn_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n%s %ld\n", m->name,
                       m->help, m->name, m->gauge ? "gauge" : "counter",
                       m->name,
                       atomic_load_explicit(&m->value, memory_order_relaxed));
}

static enum MHD_Result
cmn_health_reply(struct MHD_Connection *conn, unsigned status,
                 const char *type, struct cmn_buf *b)
{
    struct MHD_Response *resp;
    enum MHD_Result rc;
    size_t len = b->len;
    char *body = cmn_buf_steal(b);

    if (body == NULL)
        return MHD_NO;
    resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (resp == NULL) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", type);
    rc = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return rc;
}

static enum MHD_Result
cmn_health_handler(void *cls, struct MHD_Connection *conn, const char *url,
                   const char *method, const char *version,
                   const char *upload_data, size_t *upload_size,
                   void **con_cls)
{
    struct cmn_health *h = cls;
    struct cmn_buf b;
    const char *why;

    (void)version;
    (void)upload_data;
    (void)upload_size;
    (void)con_cls;
    cmn_buf_init(&b);
    if (strcmp(method, "GET") != 0) {
        cmn_buf_puts(&b, "{\"error\":\"method not allowed\"}\n");
        return cmn_health_reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
                                "application/json", &b);
    }
    if (strcmp(url, "/healthz") == 0) {
        why = h->check ? h->check(h->arg) : NULL;
        if (why == NULL) {
            cmn_buf_puts(&b, "{\"status\":\"ok\"}\n");
            return cmn_health_reply(conn, MHD_HTTP_OK, "application/json",
                                    &b);
        }
        cmn_buf_puts(&b, "{\"status\":\"degraded\",\"reason\":");
        cmn_buf_json_string(&b, why, strlen(why));
        cmn_buf_puts(&b, "}\n");
        return cmn_health_reply(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
                                "application/json", &b);
    }
    if (strcmp(url, "/metrics") == 0) {
        cmn_health_metrics_text(&b);
        return cmn_health_reply(conn, MHD_HTTP_OK,
                                "text/plain; version=0.0.4", &b);
    }
    cmn_buf_puts(&b, "{\"error\":\"not found\"}\n");
    return cmn_health_reply(conn, MHD_HTTP_NOT_FOUND, "application/json", &b);
}

struct cmn_health *
cmn_health_start(const char *bind, int port, cmn_health_fn check, void *arg,
                 char *err)
{
    struct cmn_health *h = calloc(1, sizeof *h);
    struct sockaddr_in sin;
    const union MHD_DaemonInfo *info;

    if (h == NULL) {
        cmn_errf(err, "out of memory");
        return NULL;
    }
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons((unsigned short)port);
    if (inet_pton(AF_INET, bind, &sin.sin_addr) != 1) {
        cmn_errf(err, "bad health bind address \"%s\"", bind);
        free(h);
        return NULL;
    }
    h->check = check;
    h->arg = arg;
    h->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
                            MHD_USE_ERROR_LOG, (unsigned short)port, NULL,
                            NULL, cmn_health_handler, h,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10,
                            MHD_OPTION_END);
    if (h->d == NULL) {
        cmn_errf(err, "cannot listen on %s:%d for /healthz", bind, port);
        free(h);
        return NULL;
    }
    info = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
    h->port = info ? info->port : port;
    return h;
}

int
cmn_health_port(const struct cmn_health *h)
{
    return h->port;
}

void
cmn_health_stop(struct cmn_health *h)
{
    if (h == NULL)
        return;
    MHD_stop_daemon(h->d);
    free(h);
}
