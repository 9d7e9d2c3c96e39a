/* lg_pool.h -- a load generator process's Socket.IO sessions: one sioc
 * loop, one lg_sess per user, opened as real clients open them (websocket
 * through nginx, CONNECT auth {"token": JWT}, pings answered by sioc,
 * connection_alive every heartbeat period), spread over the source
 * addresses, with at most `inflight` handshakes pending at once.
 *
 * Sessions are paired (2k with 2k+1): each one's chat messages go to its
 * peer, and the message JSON up to the content is built once per session.
 * What arrives goes to the scenario's hook; the pool itself only counts
 * events and unexpected closes. Everything runs on the loop's thread. */
#ifndef LG_POOL_H
#define LG_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "lg_hist.h"
#include "lg_msg.h"
#include "sioc.h"

struct lg_user {
    char name[32];
    char password[32];
    char *token;               /* owned; NULL until logged in */
};

enum lg_sess_state {
    LG_S_IDLE,
    LG_S_CONNECTING,
    LG_S_CONNECTED,
    LG_S_FAILED,               /* gave up connecting */
    LG_S_CLOSED                /* was connected, the server closed it */
};

struct lg_pool;

struct lg_sess {
    struct lg_pool *pool;
    long idx;                  /* global index (users[idx]) */
    long peer;                 /* global index of the peer, -1 none */
    const struct lg_user *user;
    struct sioc_conn *c;
    enum lg_sess_state state;
    int tries;
    int no_beat;               /* 1: stop heartbeating */
    struct sioc_timer beat;
    uint64_t t_start;          /* us: this attempt began */
    uint64_t next_seq;         /* next message sequence number */
    struct lg_rx rx;           /* what came from the peer */
    char *head;                /* message JSON up to the content value */
    size_t head_len;
    void *app;                 /* the scenario's per-session state */
};

struct lg_pool_opts {
    const char *host;
    int port;
    const char *const *srcs;   /* source addresses, may be empty */
    size_t nsrcs;
    int inflight;              /* handshakes pending at most */
    int heartbeat_ms;          /* connection_alive period; 0 = none */
    int open_timeout_ms;
};

/* Hooks of the scenario (any may be NULL). */
struct lg_pool_hooks {
    void (*on_connect)(struct lg_sess *s);
    /* an event on a connected session (spans valid during the call) */
    void (*on_event)(struct lg_sess *s, const struct sioc_event *ev);
    void (*on_ack)(struct lg_sess *s, const struct sioc_event *ev);
    void *arg;
};

struct lg_pool_counts {
    unsigned long connected, failed, closed, attempts;
    unsigned long ev_received, ev_online, ev_offline, ev_other, acks;
    char last_close[160];      /* why the last unexpected close happened */
};

struct lg_pool {
    struct sioc_loop *loop;
    struct lg_pool_opts o;
    struct lg_pool_hooks h;
    struct lg_sess *s;
    size_t n;
    long base;                 /* global index of s[0] */
    size_t next;               /* next session to start connecting */
    size_t hi;                 /* connect sessions below this index */
    int pending;               /* handshakes in flight */
    struct lg_pool_counts k;
    struct lg_hist *connect_us;   /* handshake times (TCP to CONNECT) */
    uint64_t t_connect;           /* lg_pool_connect() started */
    float ramp_s[64];             /* seconds to each 1000 sessions */
    int nramp;
    uint64_t last_online_us;      /* last new_user_online seen */
};

/* A pool for users[base .. base+n) (borrowed; tokens must be set). peers:
 * 1 pairs 2k with 2k+1. 0 or -1 with err. */
int lg_pool_init(struct lg_pool *p, const struct lg_pool_opts *o,
                 const struct lg_pool_hooks *h, struct lg_user *users,
                 long base, size_t n, int peers, char *err);
/* Close every connection without goodbye and free everything. */
void lg_pool_cleanup(struct lg_pool *p);

/* Connect sessions [0, n_local) with the inflight limit, running the loop
 * until each is connected or failed, or timeout_ms passed. Returns the
 * number connected. */
size_t lg_pool_connect(struct lg_pool *p, size_t n_local, long timeout_ms);
/* Run the loop for ms milliseconds (or until stop_fn(arg) returns 1,
 * checked every iteration; stop_fn may be NULL). */
void lg_pool_run(struct lg_pool *p, long ms, int (*stop_fn)(void *arg),
                 void *arg);
/* Run until no new_user_online came for quiet_ms (at most max_ms). */
void lg_pool_quiesce(struct lg_pool *p, long quiet_ms, long max_ms);

/* Emit one chat message from s to its peer with content text (no JSON
 * escaping needed); ack: ask for an ack. 0 or -1. */
int lg_sess_send(struct lg_sess *s, const char *content, size_t len,
                 int ack);
/* Session of global index idx, or NULL when not in this pool. */
struct lg_sess *lg_pool_sess(struct lg_pool *p, long idx);
/* Sessions currently connected. */
size_t lg_pool_live(const struct lg_pool *p);

#endif
