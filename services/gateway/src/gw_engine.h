/* gw_engine.h -- the Engine.IO v4 / Socket.IO v5 server engine.
 *
 * Transport-neutral: the lws glue (gw_server.c) feeds it packets and tells
 * it when transports come and go; the engine keeps sessions, heartbeats,
 * the upgrade dance, namespaces, binary assembly, and the send queues, and
 * hands Socket.IO packets to an application (the chat in gw_chat.c, or the
 * conformance app). Everything runs on one thread (the lws service thread).
 */
#ifndef GW_ENGINE_H
#define GW_ENGINE_H

#include <stddef.h>

#include "cmn/cmn_json.h"
#include "gw_eio.h"
#include "gw_queue.h"
#include "gw_session.h"
#include "gw_sio.h"

struct gw_engine;

struct gw_engine_config {
    const char *route;          /* sid prefix: "<route>.<random>" */
    int ping_interval_ms;
    int ping_timeout_ms;
    int max_payload;            /* bytes per packet / per POST body */
    int connect_timeout_ms;     /* Socket.IO CONNECT must come by then
                                 * (0 = no limit) */
    unsigned send_queue_max;    /* packets buffered per session */
    size_t send_queue_bytes;    /* bytes buffered per session */
    unsigned max_sessions;
};

/* What the engine asks of the transport layer. */
struct gw_transport_ops {
    /* Packets wait in s->out (or a probe reply is owed): arrange a write. */
    void (*kick)(struct gw_session *s);
    /* The session is closing: detach and close its transports (the held
     * poll gets `final` if not NULL), then forget the session pointer. */
    void (*drop)(struct gw_session *s, const char *reason,
                 struct gw_pkt *final);
    /* The earliest timer moved to due_ms (monotonic). */
    void (*rearm)(void *arg, long long due_ms);
    void *arg;
};

enum gw_connect_verdict {
    GW_CONNECT_ACCEPT,
    GW_CONNECT_REJECT,   /* msg holds the reason */
    GW_CONNECT_PENDING   /* the app answers with gw_engine_connect_done() */
};

/* What the engine asks of the application. */
struct gw_app_ops {
    /* A client asks to join namespace nsp with an auth object (len 0 when
     * absent). msg is CMN_ERR_LEN bytes for a rejection reason. */
    enum gw_connect_verdict (*on_connect)(void *app, struct gw_session *s,
                                          const char *nsp,
                                          struct cmn_json_span auth,
                                          char *msg);
    /* EVENT / ACK (binary ones with their attachments) on a joined nsp. */
    void (*on_packet)(void *app, struct gw_session *s,
                      const struct gw_sio_packet *p, struct gw_pkt **att,
                      int natt);
    /* The session left namespace nsp, or closed (nsp NULL). */
    void (*on_leave)(void *app, struct gw_session *s, const char *nsp,
                     const char *reason);
    void *app;
    /* Raw Engine.IO mode (the engine.io conformance server): when set,
     * every MESSAGE packet goes here and Socket.IO is not spoken at all. */
    void (*on_message)(void *app, struct gw_session *s, const char *data,
                       size_t len, int binary);
};

struct gw_engine *gw_engine_new(const struct gw_engine_config *cfg,
                                const struct gw_transport_ops *tops,
                                const struct gw_app_ops *aops);
/* Close every session and free the engine (NULL-safe). */
void gw_engine_free(struct gw_engine *e);
const struct gw_engine_config *gw_engine_config(const struct gw_engine *e);

/* A new session; the open packet is queued. NULL when at max_sessions. */
struct gw_session *gw_engine_open(struct gw_engine *e,
                                  enum gw_transport transport);
struct gw_session *gw_engine_find(struct gw_engine *e, const char *sid);
unsigned gw_engine_count(const struct gw_engine *e);

/* One packet from the client, on the session's current transport or, when
 * from_probe, on a websocket that is being upgraded to. */
void gw_engine_input(struct gw_engine *e, struct gw_session *s,
                     struct gw_eio_packet *p, int from_probe);

/* Close the session: app notified, transports dropped, memory freed. */
void gw_engine_close(struct gw_engine *e, struct gw_session *s,
                     const char *reason);

/* A websocket probe failed or closed before the upgrade completed. */
void gw_engine_probe_lost(struct gw_engine *e, struct gw_session *s);

/* Queue one packet (takes a new reference). -1 = the session's client
 * is a slow reader and has been closed: its queue is over send_queue_max
 * packets or send_queue_bytes, or it has taken nothing for pingTimeout. */
int gw_engine_send(struct gw_engine *e, struct gw_session *s,
                   struct gw_pkt *pk);
/* The transport handed queued packets to the client. */
void gw_engine_progress(struct gw_session *s);

/* Queue a copy of text (a full Engine.IO packet, e.g. "42[...]"). */
int gw_engine_send_text(struct gw_engine *e, struct gw_session *s,
                        const char *text, size_t len);
/* Socket.IO helpers on a namespace: an ACK for the client's ack id with
 * args_json (a JSON array), and an EVENT. */
int gw_engine_ack(struct gw_engine *e, struct gw_session *s, const char *nsp,
                  long long id, const char *args_json, size_t len);

/* Answer a CONNECT the app left pending. ok = 0 rejects with msg. */
void gw_engine_connect_done(struct gw_engine *e, struct gw_session *s,
                            const char *nsp, int ok, const char *msg);

/* Run due timers (pings, ping timeouts, connect timeouts). Returns the
 * next due time (monotonic ms) or 0 when none. */
long long gw_engine_timers(struct gw_engine *e, long long now_ms);

/* Call fn for every open session (broadcasts). fn may not close others. */
void gw_engine_foreach(struct gw_engine *e,
                       void (*fn)(struct gw_session *s, void *arg),
                       void *arg);

#endif
