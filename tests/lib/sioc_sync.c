/* sioc_sync.c -- the blocking API (see sioc_sync.h): a process-wide loop
 * shared by the blocking connections, reference-counted by them, and
 * waits that run it until the queue holds what the caller wants. */
#include <stdlib.h>

#include "cmn/cmn_err.h"
#include "cmn/cmn_proc.h"
#include "sioc_internal.h"
#include "sioc_sync.h"

/* every event and ack a blocking connection may hold unread */
#define SIOC_SYNC_QUEUE_BYTES (64u << 20)

static struct sioc_loop *sioc_sync_loop;
static unsigned sioc_sync_refs;

/* Destroy hook of blocking connections: the last one frees the loop. */
static void
sioc_sync_unref(struct sioc_loop *l)
{
    if (l == sioc_sync_loop && --sioc_sync_refs == 0) {
        sioc_loop_free(sioc_sync_loop);
        sioc_sync_loop = NULL;
    }
}

/* Run the shared loop once, at most until `deadline` (monotonic ms).
 * -1 when the deadline passed or the loop cannot run. */
static int
sioc_sync_step(long long deadline)
{
    long long left = deadline - cmn_mono_ms();

    if (left <= 0 || sioc_sync_loop == NULL)
        return -1;
    if (left > 1000000000)
        left = 1000000000;
    return sioc_loop_run_once(sioc_sync_loop, (int)left) < 0 ? -1 : 0;
}

struct sioc_conn *
sioc_open_blocking_opts(const struct sioc_opts *opts, char *err)
{
    struct sioc_conn *c;
    long long deadline;

    if (sioc_sync_loop == NULL) {
        sioc_sync_loop = sioc_loop_new(err);
        if (sioc_sync_loop == NULL)
            return NULL;
    }
    c = sioc_conn_new(sioc_sync_loop, opts, NULL, NULL, err);
    if (c == NULL || sioc_conn_use_queue(c, SIOC_SYNC_QUEUE_BYTES,
                                         sioc_sync_unref) != 0) {
        if (c != NULL) {
            cmn_errf(err, "out of memory");
            sioc_conn_free(c);
        }
        if (sioc_sync_refs == 0) {
            sioc_loop_free(sioc_sync_loop);
            sioc_sync_loop = NULL;
        }
        return NULL;
    }
    sioc_sync_refs++;
    /* the connection's own open timer ends this loop; the deadline is a
     * second guard in case the loop itself fails */
    deadline = cmn_mono_ms() + (opts->open_timeout_ms > 0
                                ? opts->open_timeout_ms : 10000) + 1000;
    while (sioc_conn_state(c) < SIOC_ST_CONNECTED &&
           sioc_sync_step(deadline) == 0)
        ;
    /* connected, even if the server closed it in the same breath: the
     * caller may still take what was queued */
    if (sioc_conn_stats(c)->connect_ms < 0) {
        if (sioc_conn_state(c) == SIOC_ST_CLOSED)
            cmn_errf(err, "%s: %s",
                     sioc_close_reason_str(sioc_conn_close_reason(c)),
                     sioc_conn_error(c));
        else
            cmn_errf(err, "open timeout");
        sioc_conn_free(c);
        return NULL;
    }
    return c;
}

struct sioc_conn *
sioc_open_blocking(const char *host, int port, const char *auth_json,
                   int timeout_ms, char *err)
{
    struct sioc_opts o = {
        .host = host,
        .port = port,
        .auth_json = auth_json,
        .open_timeout_ms = timeout_ms,
    };

    return sioc_open_blocking_opts(&o, err);
}

/* The common wait: kind/name/id as sioc_queue_match(). */
static int
sioc_sync_wait(struct sioc_conn *c, enum sioc_event_kind kind,
               const char *name, long id, int timeout_ms,
               struct sioc_event *out)
{
    struct sioc_queue *q = sioc_conn_queue(c);
    long long deadline = cmn_mono_ms() + (timeout_ms > 0 ? timeout_ms : 0);

    if (q == NULL)
        return -1;
    for (;;) {
        if (sioc_queue_take(q, kind, name, id, out))
            return 0;
        if (sioc_conn_state(c) == SIOC_ST_CLOSED ||
            sioc_sync_step(deadline) != 0)
            return -1;
    }
}

int
sioc_wait_event(struct sioc_conn *c, const char *name, int timeout_ms,
                struct sioc_event *out)
{
    return sioc_sync_wait(c, SIOC_EVENT, name, -1, timeout_ms, out);
}

int
sioc_wait_ack(struct sioc_conn *c, long id, int timeout_ms,
              struct sioc_event *out)
{
    return sioc_sync_wait(c, SIOC_ACK, NULL, id, timeout_ms, out);
}

int
sioc_call(struct sioc_conn *c, const char *name, const char *arg_json,
          int timeout_ms, struct sioc_event *out, char *err)
{
    long id = sioc_emit_ack(c, name, arg_json, err);

    if (id < 0)
        return -1;
    if (sioc_wait_ack(c, id, timeout_ms, out) != 0) {
        if (sioc_conn_state(c) == SIOC_ST_CLOSED)
            cmn_errf(err, "closed before the ack: %s", sioc_conn_error(c));
        else
            cmn_errf(err, "no ack for \"%s\" within %d ms", name,
                     timeout_ms);
        return -1;
    }
    return 0;
}

int
sioc_expect_no_event(struct sioc_conn *c, const char *name, int ms)
{
    struct sioc_queue *q = sioc_conn_queue(c);
    long long deadline = cmn_mono_ms() + (ms > 0 ? ms : 0);

    if (q == NULL)
        return 0;
    for (;;) {
        if (sioc_queue_has(q, SIOC_EVENT, name, -1))
            return 1;
        if (sioc_conn_state(c) == SIOC_ST_CLOSED) {
            /* nothing more can come; just let the window pass */
            sioc_pump((int)(deadline - cmn_mono_ms()));
            return 0;
        }
        if (sioc_sync_step(deadline) != 0)
            return 0;
    }
}

int
sioc_wait_closed(struct sioc_conn *c, int timeout_ms)
{
    long long deadline = cmn_mono_ms() + (timeout_ms > 0 ? timeout_ms : 0);

    while (sioc_conn_state(c) != SIOC_ST_CLOSED)
        if (sioc_sync_step(deadline) != 0)
            return -1;
    return 0;
}

void
sioc_pump(int ms)
{
    long long deadline = cmn_mono_ms() + (ms > 0 ? ms : 0);

    while (sioc_sync_step(deadline) == 0)
        ;
}

size_t
sioc_pending(struct sioc_conn *c)
{
    struct sioc_queue *q = sioc_conn_queue(c);

    return q != NULL ? q->count : 0;
}

void
sioc_close(struct sioc_conn *c)
{
    if (c == NULL)
        return;
    sioc_disconnect(c);
    /* the connection's close timer bounds this; 5 s is a second guard */
    sioc_wait_closed(c, 5000);
    sioc_conn_free(c);
}
