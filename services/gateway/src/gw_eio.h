/* gw_eio.h -- Engine.IO v4 packet codec (pure; no I/O, no allocation
 * except where a function says so).
 *
 * A packet is one type character followed by data ("4hello", "2", "3probe")
 * or, over websocket, a raw binary frame. HTTP long-polling joins several
 * packets with the record separator 0x1e and sends binary ones as "b" +
 * base64. */
#ifndef GW_EIO_H
#define GW_EIO_H

#include <stddef.h>

#include "cmn/cmn_buf.h"

#define GW_EIO_SEP '\x1e'

enum gw_eio_type {
    GW_EIO_OPEN = '0',
    GW_EIO_CLOSE = '1',
    GW_EIO_PING = '2',
    GW_EIO_PONG = '3',
    GW_EIO_MESSAGE = '4',
    GW_EIO_UPGRADE = '5',
    GW_EIO_NOOP = '6'
};

struct gw_eio_packet {
    char type;          /* enum gw_eio_type; GW_EIO_MESSAGE for binary */
    int binary;         /* 1 = data is a binary attachment */
    char *data;         /* after the type character (points into input) */
    size_t len;
};

/* Parse one text packet. 0, or -1 when the type is unknown or empty. */
int gw_eio_parse_text(char *s, size_t len, struct gw_eio_packet *p);

/* Walk a polling POST body in place (binary "b..." records are base64-
 * decoded into the same memory). */
struct gw_eio_payload {
    char *p;
    char *end;
};
void gw_eio_payload_init(struct gw_eio_payload *it, char *body, size_t len);
/* 1 = next packet, 0 = done, -1 = malformed record. */
int gw_eio_payload_next(struct gw_eio_payload *it, struct gw_eio_packet *p);

/* The open packet: 0{"sid":...,"upgrades":[...],"pingInterval":...}. */
int gw_eio_open_packet(struct cmn_buf *b, const char *sid, int can_upgrade,
                       int ping_interval, int ping_timeout, int max_payload);

/* Append one packet to a polling payload (a separator first unless it is
 * the first). Binary data is written as "b" + base64. */
int gw_eio_payload_append(struct cmn_buf *b, int first, int binary,
                          const char *data, size_t len);

/* Decode standard base64 in place; returns the decoded length or -1. */
long gw_base64_decode_inplace(char *s, size_t len);
/* Append base64 of data to b. */
int gw_base64_append(struct cmn_buf *b, const unsigned char *data, size_t len);

#endif
