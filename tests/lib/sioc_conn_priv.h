/* sioc_conn_priv.h -- struct sioc_conn and the functions its three source
 * files share: sioc_conn.c (socket, lifetime, closing, timer),
 * sioc_conn_rx.c (bytes in: upgrade answer, frames, Engine.IO and
 * Socket.IO packets) and sioc_conn_tx.c (frames out: emit, ack, pong,
 * disconnect). Private to the library. */
#ifndef SIOC_CONN_PRIV_H
#define SIOC_CONN_PRIV_H

#include "cmn/cmn_buf.h"
#include "cmn/cmn_err.h"
#include "sioc_internal.h"
#include "sioc_ws_handshake.h"

struct sioc_conn {
    struct sioc_link link;       /* in the loop's list */
    struct sioc_loop *loop;
    int fd;                      /* -1 once closed */
    unsigned watched;            /* epoll interest registered (0 = none) */
    enum sioc_state state;
    const struct sioc_callbacks *cb;
    void *user;
    char peer[80];               /* "host:port", for messages */
    char ws_key[SIOC_WS_KEY_SIZE];
    char *auth;                  /* CONNECT payload until sent; NULL = "40" */
    int open_timeout_ms;
    int close_timeout_ms;
    int ping_check;
    size_t max_message;
    size_t max_output;
    struct cmn_buf rx;           /* received bytes not yet parsed */
    struct cmn_buf msg;          /* fragments of a message in progress */
    int frag_opcode;             /* opcode of that message, 0 = none */
    struct cmn_buf out;          /* frames not yet written */
    size_t out_off;              /* bytes of out already written */
    struct cmn_buf pkt;          /* packet being encoded */
    struct cmn_buf args;         /* an event's argument array being built */
    struct sioc_timer timer;     /* open, ping or close deadline */
    int io_errno;                /* write error waiting for the timer */
    struct sioc_eio_open eio;
    char sid[SIOC_SID_MAX];
    long next_ack;
    long skip_binary;            /* binary attachment frames to drop */
    int doomed;                  /* sioc_conn_free() was called */
    enum sioc_close_reason reason;
    char detail[CMN_ERR_LEN];
    long long started_ms;        /* monotonic, at sioc_conn_new() */
    struct sioc_stats stats;
    struct sioc_queue *queue;    /* queue mode (blocking API) */
    void (*destroy_hook)(struct sioc_loop *l);
};

/* 1 while c may still read, write and call back. */
int sioc_conn_alive(const struct sioc_conn *c);

/* sioc_conn.c */
/* Write what out holds; adjust the epoll interest. A hard error is kept
 * in io_errno and handled by the timer (no callback from here). */
void sioc_conn_flush(struct sioc_conn *c);
/* Close the socket, record why, call on_close (unless freed). Once. */
void sioc_conn_finish(struct sioc_conn *c, enum sioc_close_reason why,
                      const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Best-effort close frame with ws_code, then finish. */
void sioc_conn_fail(struct sioc_conn *c, enum sioc_close_reason why,
                    int ws_code, const char *detail);
/* (Re)arm the ping deadline (pingInterval + pingTimeout) when enabled. */
void sioc_conn_arm_ping(struct sioc_conn *c);

/* sioc_conn_rx.c */
/* Take n received bytes (in the loop's read buffer or elsewhere). */
void sioc_conn_feed(struct sioc_conn *c, const char *data, size_t n);

/* sioc_conn_tx.c */
/* Queue one masked frame and try to write it. 0, or -1 with err when the
 * output bound is reached or memory runs out. */
int sioc_conn_send(struct sioc_conn *c, int opcode, const void *p, size_t n,
                   char *err);
/* Send the CONNECT packet (after the Engine.IO open). 0 or -1 + err. */
int sioc_conn_send_connect(struct sioc_conn *c, char *err);

#endif
