/* sioc_eio.h -- Engine.IO v4 packets over websocket, no I/O.
 *
 * On the websocket transport every text frame is one packet: a type digit
 * and its data ("0{...}" open, "1" close, "2" ping, "3" pong, "4..."
 * message, "5" upgrade, "6" noop); a binary frame is a binary message.
 * This module names the types and parses the open packet's JSON. */
#ifndef SIOC_EIO_H
#define SIOC_EIO_H

#include <stddef.h>

enum sioc_eio_type {
    SIOC_EIO_OPEN = 0,
    SIOC_EIO_CLOSE = 1,
    SIOC_EIO_PING = 2,
    SIOC_EIO_PONG = 3,
    SIOC_EIO_MESSAGE = 4,
    SIOC_EIO_UPGRADE = 5,
    SIOC_EIO_NOOP = 6
};

#define SIOC_SID_MAX 64

/* The handshake data of the open packet. */
struct sioc_eio_open {
    char sid[SIOC_SID_MAX];
    long ping_interval;      /* ms between the server's pings */
    long ping_timeout;       /* ms the server waits for our pong */
    long max_payload;        /* bytes; 0 when the server did not say */
};

/* Type of the packet p[0..n): 0..6, or -1 when empty or unknown. */
int sioc_eio_type(const char *p, size_t n);

/* Parse the open packet's JSON (the bytes after the '0'). sid and both
 * ping values are required, maxPayload optional. 0, or -1 with err. */
int sioc_eio_parse_open(const char *p, size_t n, struct sioc_eio_open *o,
                        char *err);

#endif
