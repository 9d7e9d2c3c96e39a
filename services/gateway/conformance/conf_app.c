/* conf_app.c -- what the protocol test suites expect the server to do
 * (see conf_main.c). */
#include <stdlib.h>
#include <string.h>

#include "cmn/cmn_buf.h"
#include "cmn/cmn_json.h"
#include "conf_app.h"

struct conf_app {
    int raw;
    struct gw_engine *engine;
};

/* The bytes after the first element of array `arr` ("," a1 ... "]"). */
static const char *
conf_after_first(struct cmn_json_span arr, size_t *len)
{
    struct cmn_json_iter it;
    struct cmn_json_span first;

    if (cmn_json_iter_init(&it, arr) != 0 ||
        cmn_json_array_next(&it, &first) != 1)
        return NULL;
    *len = (size_t)(arr.p + arr.len - (first.p + first.len));
    return first.p + first.len;
}

/* Send header + body, then the attachments (binary packets). */
static void
conf_send(struct conf_app *app, struct gw_session *s, struct cmn_buf *b,
          struct gw_pkt **att, int natt)
{
    if (gw_engine_send_text(app->engine, s, b->p, b->len) != 0)
        return;
    for (int i = 0; i < natt; i++)
        if (gw_engine_send(app->engine, s, att[i]) != 0)
            return;
}

static void
conf_emit_back(struct conf_app *app, struct gw_session *s,
               const struct gw_sio_packet *p, struct gw_pkt **att, int natt)
{
    size_t rest_len;
    const char *rest = conf_after_first(p->data, &rest_len);
    struct cmn_buf b;

    if (rest == NULL)
        return;
    cmn_buf_init(&b);
    gw_sio_header(&b, natt > 0 ? GW_SIO_BINARY_EVENT : GW_SIO_EVENT, natt,
                  p->nsp, p->nsp_len, -1);
    cmn_buf_puts(&b, "[\"message-back\"");
    cmn_buf_append(&b, rest, rest_len);
    conf_send(app, s, &b, att, natt);
    cmn_buf_free(&b);
}

static void
conf_ack_back(struct conf_app *app, struct gw_session *s,
              const struct gw_sio_packet *p, struct gw_pkt **att, int natt)
{
    size_t rest_len;
    const char *rest = conf_after_first(p->data, &rest_len);
    struct cmn_buf b;

    if (rest == NULL || p->id < 0)
        return;
    cmn_buf_init(&b);
    gw_sio_header(&b, natt > 0 ? GW_SIO_BINARY_ACK : GW_SIO_ACK, natt,
                  p->nsp, p->nsp_len, p->id);
    cmn_buf_puts(&b, "[");
    /* rest is ",a1,a2]" or "]" */
    if (rest_len > 0 && rest[0] == ',')
        cmn_buf_append(&b, rest + 1, rest_len - 1);
    else
        cmn_buf_append(&b, rest, rest_len);
    conf_send(app, s, &b, att, natt);
    cmn_buf_free(&b);
}

static void
conf_on_packet(void *arg, struct gw_session *s, const struct gw_sio_packet *p,
               struct gw_pkt **att, int natt)
{
    struct conf_app *app = arg;
    char name[64];

    if (p->type != GW_SIO_EVENT && p->type != GW_SIO_BINARY_EVENT)
        return;
    if (gw_sio_event_name(p, name, sizeof name) != 0)
        return;
    if (strcmp(name, "message") == 0)
        conf_emit_back(app, s, p, att, natt);
    else if (strcmp(name, "message-with-ack") == 0)
        conf_ack_back(app, s, p, att, natt);
}

static enum gw_connect_verdict
conf_on_connect(void *arg, struct gw_session *s, const char *nsp,
                struct cmn_json_span auth, char *msg)
{
    struct conf_app *app = arg;
    struct cmn_buf b;

    if (strcmp(nsp, "/") != 0 && strcmp(nsp, "/custom") != 0) {
        strcpy(msg, "Invalid namespace");
        return GW_CONNECT_REJECT;
    }
    /* answer the CONNECT first, then emit "auth": pending + done */
    gw_engine_connect_done(app->engine, s, nsp, 1, NULL);
    cmn_buf_init(&b);
    gw_sio_header(&b, GW_SIO_EVENT, 0, nsp, strlen(nsp), -1);
    cmn_buf_puts(&b, "[\"auth\",");
    if (auth.len > 0)
        cmn_buf_append(&b, auth.p, auth.len);
    else
        cmn_buf_puts(&b, "{}");
    cmn_buf_puts(&b, "]");
    gw_engine_send_text(app->engine, s, b.p, b.len);
    cmn_buf_free(&b);
    return GW_CONNECT_PENDING;
}

static void
conf_on_leave(void *arg, struct gw_session *s, const char *nsp,
              const char *reason)
{
    (void)arg;
    (void)s;
    (void)nsp;
    (void)reason;
}

static void
conf_on_message(void *arg, struct gw_session *s, const char *data,
                size_t len, int binary)
{
    struct conf_app *app = arg;
    struct gw_pkt *pk = binary ? gw_pkt_new(data, len, 1)
                               : gw_pkt_new2("4", data, len);

    if (pk != NULL)
        gw_engine_send(app->engine, s, pk);
    gw_pkt_unref(pk);
}

struct conf_app *
conf_app_new(int raw_engineio)
{
    struct conf_app *app = calloc(1, sizeof *app);

    if (app != NULL)
        app->raw = raw_engineio;
    return app;
}

void
conf_app_attach(struct conf_app *app, struct gw_engine *engine)
{
    app->engine = engine;
}

struct gw_app_ops
conf_app_ops(struct conf_app *app)
{
    struct gw_app_ops ops = {conf_on_connect, conf_on_packet, conf_on_leave,
                             app, app->raw ? conf_on_message : NULL};

    return ops;
}

void
conf_app_free(struct conf_app *app)
{
    free(app);
}
