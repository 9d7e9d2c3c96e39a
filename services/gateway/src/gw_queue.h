/* gw_queue.h -- outgoing packets and the per-session send queue.
 *
 * A gw_pkt is one Engine.IO packet ("42[...]", "2", or a binary
 * attachment) with LWS_PRE bytes of headroom for lws_write(). Packets are
 * reference counted so one broadcast is stored once however many sessions
 * queue it. Everything here runs on the lws service thread only. */
#ifndef GW_QUEUE_H
#define GW_QUEUE_H

#include <stddef.h>

#include <libwebsockets.h>

struct gw_pkt {
    unsigned refs;
    unsigned char binary;      /* 1 = binary attachment */
    unsigned char must;        /* 1 = a message the user must get: if the
                                * socket closes before it is written, it
                                * goes back to the relay */
    size_t len;
    unsigned char buf[];       /* LWS_PRE headroom, data, NUL */
};

static inline char *
gw_pkt_data(struct gw_pkt *pk)
{
    return (char *)pk->buf + LWS_PRE;
}

/* New packet holding a copy of data (refs = 1). NULL on OOM. */
struct gw_pkt *gw_pkt_new(const void *data, size_t len, int binary);
/* New packet "<prefix><data>" (refs = 1). */
struct gw_pkt *gw_pkt_new2(const char *prefix, const void *data, size_t len);
void gw_pkt_ref(struct gw_pkt *pk);
/* NULL-safe. Frees at zero. */
void gw_pkt_unref(struct gw_pkt *pk);

struct gw_qnode {
    struct gw_qnode *next;
    struct gw_pkt *pkt;
};

struct gw_queue {
    struct gw_qnode *head;
    struct gw_qnode *tail;
    unsigned count;
    size_t bytes;
};

void gw_queue_init(struct gw_queue *q);
/* Append pkt (takes a new reference). 0, or -1 on OOM. */
int gw_queue_push(struct gw_queue *q, struct gw_pkt *pk);
/* Remove the head; the caller owns the returned reference. */
struct gw_pkt *gw_queue_pop(struct gw_queue *q);
struct gw_pkt *gw_queue_peek(const struct gw_queue *q);
/* Drop everything (unref each packet). */
void gw_queue_clear(struct gw_queue *q);

#endif
