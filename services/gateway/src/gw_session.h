/* gw_session.h -- one Engine.IO session (one client connection, on
 * polling, websocket, or polling upgraded to websocket) and the table that
 * finds sessions by sid.
 *
 * Sessions live on the lws service thread and are owned by the engine
 * (gw_engine.c): created by gw_engine_open(), freed by gw_engine_close().
 * A transport holds a pointer only while the engine lets it (the engine
 * clears s->ws / s->poll through the transport's drop callback). */
#ifndef GW_SESSION_H
#define GW_SESSION_H

#include <stddef.h>

#include "gw_queue.h"

#define GW_SID_MAX 40

enum gw_transport {
    GW_T_POLLING,
    GW_T_WEBSOCKET
};

/* A Socket.IO namespace the session has joined. */
struct gw_nsp {
    struct gw_nsp *next;
    char sid[24];           /* the Socket.IO socket id of that namespace */
    size_t len;
    char name[];            /* "/", "/custom" */
};

/* A binary packet waiting for its attachments. */
struct gw_binpend {
    char *text;             /* the packet text, owned */
    size_t len;
    int want;               /* attachments announced */
    int have;
    struct gw_pkt *att[];   /* received attachments */
};

struct gw_session {
    char sid[GW_SID_MAX];
    unsigned char transport;    /* enum gw_transport */
    unsigned char closed;       /* gw_engine_close() ran (lingering ref) */
    unsigned char upgrading;    /* a websocket probe is attached */
    unsigned char probe_reply;  /* "3probe" owed on the probe websocket */
    unsigned char waiting_pong;
    unsigned char posting;      /* a polling POST is in progress */
    struct lws *ws;             /* websocket (transport or probe) */
    struct lws *poll;           /* held long-poll GET */
    struct gw_queue out;        /* packets for the client, in order */
    long long out_since;        /* mono ms the client last took packets
                                 * (or the queue became non-empty) */
    long long deadline;         /* next timer, monotonic ms (0 = none) */
    long long ping_at;          /* send the next ping at */
    long long pong_by;          /* close unless a pong came by */
    long long connect_by;       /* close unless a namespace joined by */
    int heap_idx;               /* index in the engine's timer heap */
    struct gw_nsp *nsps;        /* joined namespaces */
    struct gw_binpend *bin;     /* binary packet being assembled */
    void *app;                  /* the application's per-session data */
    struct gw_session *hnext;   /* sid hash chain */
};

/* sid -> session map (chained hash, grows by doubling). */
struct gw_table {
    struct gw_session **slots;
    size_t nslots;
    size_t count;
};

int gw_table_init(struct gw_table *t);
void gw_table_free(struct gw_table *t);
int gw_table_add(struct gw_table *t, struct gw_session *s);
struct gw_session *gw_table_find(const struct gw_table *t, const char *sid);
void gw_table_del(struct gw_table *t, struct gw_session *s);

/* Namespace list helpers. */
struct gw_nsp *gw_nsp_find(struct gw_session *s, const char *name,
                           size_t len);
struct gw_nsp *gw_nsp_add(struct gw_session *s, const char *name, size_t len);
void gw_nsp_del(struct gw_session *s, struct gw_nsp *n);
void gw_nsp_free_all(struct gw_session *s);

/* Free an assembly in progress (NULL-safe). */
void gw_binpend_free(struct gw_binpend *b);

/* Fill out[cap] with a random url-safe id of n characters (n < cap). */
void gw_random_id(char *out, size_t n);

#endif
