/* gw_queue.c -- reference-counted packets and FIFO send queues. */
#include <stdlib.h>
#include <string.h>

#include "gw_queue.h"

struct gw_pkt *
gw_pkt_new(const void *data, size_t len, int binary)
{
    struct gw_pkt *pk = malloc(sizeof *pk + LWS_PRE + len + 1);

    if (pk == NULL)
        return NULL;
    pk->refs = 1;
    pk->binary = binary ? 1 : 0;
    pk->must = 0;
    pk->len = len;
    if (len > 0)
        memcpy(gw_pkt_data(pk), data, len);
    gw_pkt_data(pk)[len] = '\0';
    return pk;
}

struct gw_pkt *
gw_pkt_new2(const char *prefix, const void *data, size_t len)
{
    size_t plen = strlen(prefix);
    struct gw_pkt *pk = malloc(sizeof *pk + LWS_PRE + plen + len + 1);

    if (pk == NULL)
        return NULL;
    pk->refs = 1;
    pk->binary = 0;
    pk->must = 0;
    pk->len = plen + len;
    memcpy(gw_pkt_data(pk), prefix, plen);
    if (len > 0)
        memcpy(gw_pkt_data(pk) + plen, data, len);
    gw_pkt_data(pk)[plen + len] = '\0';
    return pk;
}

void
gw_pkt_ref(struct gw_pkt *pk)
{
    pk->refs++;
}

void
gw_pkt_unref(struct gw_pkt *pk)
{
    if (pk != NULL && --pk->refs == 0)
        free(pk);
}

void
gw_queue_init(struct gw_queue *q)
{
    memset(q, 0, sizeof *q);
}

int
gw_queue_push(struct gw_queue *q, struct gw_pkt *pk)
{
    struct gw_qnode *n = malloc(sizeof *n);

    if (n == NULL)
        return -1;
    gw_pkt_ref(pk);
    n->next = NULL;
    n->pkt = pk;
    if (q->tail != NULL)
        q->tail->next = n;
    else
        q->head = n;
    q->tail = n;
    q->count++;
    q->bytes += pk->len;
    return 0;
}

struct gw_pkt *
gw_queue_peek(const struct gw_queue *q)
{
    return q->head ? q->head->pkt : NULL;
}

struct gw_pkt *
gw_queue_pop(struct gw_queue *q)
{
    struct gw_qnode *n = q->head;
    struct gw_pkt *pk;

    if (n == NULL)
        return NULL;
    q->head = n->next;
    if (q->head == NULL)
        q->tail = NULL;
    q->count--;
    q->bytes -= n->pkt->len;
    pk = n->pkt;
    free(n);
    return pk;
}

void
gw_queue_clear(struct gw_queue *q)
{
    struct gw_pkt *pk;

    while ((pk = gw_queue_pop(q)) != NULL)
        gw_pkt_unref(pk);
}
