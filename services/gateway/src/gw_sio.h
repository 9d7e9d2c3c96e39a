/* gw_sio.h -- Socket.IO v5 packet codec (pure).
 *
 *   <type>[<attachments>-][<nsp>,][<ack id>][<JSON>]
 *   2["event",{"a":1}]   2/chat,12["event"]   51-["up",{"_placeholder":true,"num":0}]
 *
 * Parsing validates the JSON payload against what the packet type allows
 * (socket.io-parser's isPayloadValid) and never copies: spans point into
 * the input. */
#ifndef GW_SIO_H
#define GW_SIO_H

#include <stddef.h>

#include "cmn/cmn_buf.h"
#include "cmn/cmn_json.h"

enum gw_sio_type {
    GW_SIO_CONNECT = 0,
    GW_SIO_DISCONNECT = 1,
    GW_SIO_EVENT = 2,
    GW_SIO_ACK = 3,
    GW_SIO_CONNECT_ERROR = 4,
    GW_SIO_BINARY_EVENT = 5,
    GW_SIO_BINARY_ACK = 6
};

#define GW_SIO_NSP_MAX 128
#define GW_SIO_MAX_ATTACHMENTS 16
#define GW_SIO_ID_MAX 999999999999LL   /* larger ids are refused */

struct gw_sio_packet {
    int type;
    int attachments;            /* binary types only */
    const char *nsp;            /* "/" when absent */
    size_t nsp_len;
    long long id;               /* -1 when absent */
    struct cmn_json_span data;  /* len 0 when absent */
};

/* Parse s[0..len). 0, or -1 with a reason in err (CMN_ERR_LEN). */
int gw_sio_parse(const char *s, size_t len, struct gw_sio_packet *p,
                 char *err);

/* Append the header "<eio 4><type>[n-][nsp,][id]" of a packet. */
int gw_sio_header(struct cmn_buf *b, int type, int attachments,
                  const char *nsp, size_t nsp_len, long long id);

/* The event name (first array element) of an EVENT, decoded. -1 if the
 * payload is not an array starting with a string. */
int gw_sio_event_name(const struct gw_sio_packet *p, char *out, size_t cap);

#endif
