/* sioc_conn.h -- one Socket.IO v5 client connection (Engine.IO v4 over a
 * plain-TCP websocket), driven by a struct sioc_loop.
 *
 * sioc_conn_new() starts a non-blocking connect; the loop then runs the
 * websocket upgrade, waits for the Engine.IO open packet, sends the
 * Socket.IO CONNECT for namespace "/" (with the auth object, if any) and
 * reports each step through the callbacks. Server pings are answered, and
 * a server that stops pinging is detected (pingInterval + pingTimeout).
 * Everything runs on the loop's thread; callbacks run only from the loop
 * (sioc_loop_run_once), never from inside sioc_emit() and friends. */
#ifndef SIOC_CONN_H
#define SIOC_CONN_H

#include <stddef.h>

#include "cmn/cmn_err.h"
#include "sioc_eio.h"
#include "sioc_event.h"
#include "sioc_loop.h"

struct sioc_conn;

enum sioc_state {
    SIOC_ST_TCP,          /* TCP connect in progress */
    SIOC_ST_UPGRADE,      /* websocket upgrade request sent */
    SIOC_ST_EIO_OPEN,     /* websocket up, waiting for Engine.IO open */
    SIOC_ST_SIO_CONNECT,  /* Socket.IO CONNECT sent, waiting for reply */
    SIOC_ST_CONNECTED,    /* CONNECT acknowledged: events flow */
    SIOC_ST_CLOSING,      /* we sent a close, waiting for the server's */
    SIOC_ST_CLOSED        /* socket closed; see sioc_conn_close_reason() */
};

enum sioc_close_reason {
    SIOC_CLOSE_NONE,           /* not closed */
    SIOC_CLOSE_LOCAL,          /* sioc_disconnect() finished */
    SIOC_CLOSE_TCP_FAILED,     /* connect() failed (refused, unreachable) */
    SIOC_CLOSE_UPGRADE_FAILED, /* the server refused the websocket */
    SIOC_CLOSE_CONNECT_ERROR,  /* Socket.IO CONNECT_ERROR (44) */
    SIOC_CLOSE_SIO_DISCONNECT, /* server's Socket.IO DISCONNECT (41) */
    SIOC_CLOSE_EIO_CLOSE,      /* server's Engine.IO close packet (1) */
    SIOC_CLOSE_WS_CLOSE,       /* server's websocket close frame */
    SIOC_CLOSE_EOF,            /* TCP closed without a close frame */
    SIOC_CLOSE_IO_ERROR,       /* read/write error (ECONNRESET ...) */
    SIOC_CLOSE_PROTOCOL,       /* bad frame or packet from the server */
    SIOC_CLOSE_TOO_BIG,        /* a message over opts.max_message */
    SIOC_CLOSE_OPEN_TIMEOUT,   /* not connected within open_timeout_ms */
    SIOC_CLOSE_PING_TIMEOUT,   /* no server ping within interval+timeout */
    SIOC_CLOSE_NO_MEMORY
};

/* Short name of a reason ("ping timeout", "connect error", ...). */
const char *sioc_close_reason_str(enum sioc_close_reason r);

struct sioc_opts {
    const char *host;          /* numeric address or name (resolved with
                                * getaddrinfo, which blocks: use numbers
                                * for load) */
    int port;
    const char *path;          /* default "/socket.io/"; the query
                                * EIO=4&transport=websocket is added */
    const char *bind_addr;     /* optional local source address, e.g.
                                * "127.0.0.7"; the port stays ephemeral */
    const char *auth_json;     /* CONNECT payload: NULL sends "40", a JSON
                                * object ("{}" too) sends "40<object>" */
    int open_timeout_ms;       /* whole open sequence; default 10000 */
    int no_ping_check;         /* 1: do not close on a missing server ping */
    int close_timeout_ms;      /* wait for the server's close frame after
                                * ours; default 1000 */
    size_t max_message;        /* largest message accepted (bytes, after
                                * reassembly); default 4 MiB */
    size_t max_output;         /* unsent bytes allowed before emit fails;
                                * default 8 MiB */
};

/* Callbacks; any may be NULL. `user` is the pointer given to
 * sioc_conn_new() (see also sioc_conn_set_user). Spans in events are valid
 * only during the call. A callback may emit, disconnect or free any
 * connection, including its own; it must not run the loop. */
struct sioc_callbacks {
    /* Engine.IO open packet parsed (the CONNECT is sent right after). */
    void (*on_open)(struct sioc_conn *c, const struct sioc_eio_open *o,
                    void *user);
    /* Socket.IO CONNECT acknowledged; sid is the Socket.IO socket id. */
    void (*on_connect)(struct sioc_conn *c, const char *sid, void *user);
    /* An event from the server (ev->id >= 0: it asks for sioc_ack()). */
    void (*on_event)(struct sioc_conn *c, const struct sioc_event *ev,
                     void *user);
    /* The answer to one of our sioc_emit_ack() calls. */
    void (*on_ack)(struct sioc_conn *c, const struct sioc_event *ev,
                   void *user);
    /* The connection is closed (once per connection, never after
     * sioc_conn_free). detail says more ("bad token", "code 1001 ..."). */
    void (*on_close)(struct sioc_conn *c, enum sioc_close_reason why,
                     const char *detail, void *user);
};

/* Counters for tests and the load generator. */
struct sioc_stats {
    unsigned long bytes_in, bytes_out;
    unsigned long frames_in, frames_out;
    unsigned long eio_pings;       /* Engine.IO pings answered */
    unsigned long ws_pings;        /* websocket ping frames answered */
    unsigned long events_in, acks_in;
    unsigned long dropped;         /* packets ignored: other namespace,
                                    * binary attachments, long names,
                                    * full event queue */
    long connect_ms;               /* ms from sioc_conn_new() to the
                                    * CONNECT reply; -1 until it came */
};

/* Create a connection owned by loop l and start connecting. opts, cb and
 * the strings they point to are copied or used only during this call
 * (cb itself must stay valid: share one static table among sessions).
 * Returns NULL with err when the address is bad or the socket cannot be
 * created, bound or connected at once. */
struct sioc_conn *sioc_conn_new(struct sioc_loop *l,
                                const struct sioc_opts *opts,
                                const struct sioc_callbacks *cb, void *user,
                                char *err);

/* Close at once (no close handshake, no on_close) and free. The loop
 * releases the memory after the current callback if called from one.
 * NULL-safe. */
void sioc_conn_free(struct sioc_conn *c);

/* Emit event `name`. sioc_emit: one argument arg_json (any JSON value, or
 * NULL for none). sioc_emit_args: args_json is a JSON array of the
 * arguments (or NULL), ack_id a number from sioc_next_ack_id() or -1.
 * sioc_emit_ack: one argument, asks for an ack; returns the ack id
 * (>= 0) to wait for, or -1. Only in SIOC_ST_CONNECTED. 0 or -1 with err
 * (not connected, bad JSON, output over max_output, OOM). */
int sioc_emit(struct sioc_conn *c, const char *name, const char *arg_json,
              char *err);
int sioc_emit_args(struct sioc_conn *c, const char *name,
                   const char *args_json, long ack_id, char *err);
long sioc_emit_ack(struct sioc_conn *c, const char *name,
                   const char *arg_json, char *err);
/* The next ack id of this connection (0, 1, 2 ...). */
long sioc_next_ack_id(struct sioc_conn *c);
/* Answer the server's event that carried ack id `id`; args_json is a
 * JSON array (NULL = no arguments). 0 or -1 with err. */
int sioc_ack(struct sioc_conn *c, long id, const char *args_json,
             char *err);

/* Leave: Socket.IO DISCONNECT (when connected), websocket close frame,
 * then on_close(SIOC_CLOSE_LOCAL) from the loop once the server answered
 * or close_timeout_ms passed. Harmless when already closing/closed. */
void sioc_disconnect(struct sioc_conn *c);

enum sioc_state sioc_conn_state(const struct sioc_conn *c);
enum sioc_close_reason sioc_conn_close_reason(const struct sioc_conn *c);
/* Why it closed, one line ("" while open). */
const char *sioc_conn_error(const struct sioc_conn *c);
/* The Socket.IO sid ("" before on_connect). */
const char *sioc_conn_sid(const struct sioc_conn *c);
/* The Engine.IO handshake (zeroed before on_open). */
const struct sioc_eio_open *sioc_conn_eio(const struct sioc_conn *c);
const struct sioc_stats *sioc_conn_stats(const struct sioc_conn *c);
struct sioc_loop *sioc_conn_loop(const struct sioc_conn *c);
void *sioc_conn_user(const struct sioc_conn *c);
void sioc_conn_set_user(struct sioc_conn *c, void *user);

#endif
