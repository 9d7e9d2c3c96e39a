/* sioc_sio.h -- Socket.IO v5 packets, no I/O.
 *
 * Wire form (inside an Engine.IO message, after its '4'):
 *   <type>[<attachments>-][<namespace>,][<ack id>][<JSON payload>]
 * e.g. 0{"sid":"x"}, 2["hello",{"a":1}], 213["x"], 312[true],
 * 4{"message":"bad"}, 451-["b",{"_placeholder":true,"num":0}].
 * sioc_sio_parse() follows socket.io-parser 4.2's rules for each type's
 * payload; the encoders write packets for namespace "/" with the
 * Engine.IO message prefix, ready to go into a text frame. */
#ifndef SIOC_SIO_H
#define SIOC_SIO_H

#include <stddef.h>

#include "cmn/cmn_buf.h"
#include "cmn/cmn_json.h"
#include "sioc_event.h"

enum sioc_sio_type {
    SIOC_SIO_CONNECT = 0,
    SIOC_SIO_DISCONNECT = 1,
    SIOC_SIO_EVENT = 2,
    SIOC_SIO_ACK = 3,
    SIOC_SIO_CONNECT_ERROR = 4,
    SIOC_SIO_BINARY_EVENT = 5,
    SIOC_SIO_BINARY_ACK = 6
};

struct sioc_sio_packet {
    int type;
    long attachments;            /* binary types only, else 0 */
    struct cmn_json_span nsp;    /* "/" when the packet names none */
    long id;                     /* ack id, -1 when absent */
    struct cmn_json_span data;   /* payload JSON, {.., 0} when absent */
};

/* Parse p[0..n), the bytes after the Engine.IO '4'. The payload is
 * validated (grammar, UTF-8, depth) and must fit the type. 0, or -1 with
 * err. Spans point into p. */
int sioc_sio_parse(const char *p, size_t n, struct sioc_sio_packet *pk,
                   char *err);

/* 1 when the packet is for the main namespace "/". */
int sioc_sio_main_nsp(const struct sioc_sio_packet *pk);

/* View an EVENT/ACK (or binary) packet as an event. The args array of an
 * event is built in scratch (reset first), so ev is valid while pk's
 * bytes and scratch are. 0, or -1 with err (name too long, OOM). */
int sioc_sio_event(const struct sioc_sio_packet *pk, struct cmn_buf *scratch,
                   struct sioc_event *ev, char *err);

/* Encoders: append "40", "40<auth>", "41", "42[<id>][name,args...]",
 * "43<id>[args...]". auth_json must be a JSON object (NULL: none);
 * args_json a JSON array (NULL: no arguments); arg_json any one JSON
 * value (NULL: none); id -1 for no ack. 0, or -1 with err (bad JSON,
 * OOM). */
int sioc_sio_encode_connect(struct cmn_buf *out, const char *auth_json,
                            char *err);
int sioc_sio_encode_disconnect(struct cmn_buf *out);
int sioc_sio_encode_event(struct cmn_buf *out, const char *name,
                          const char *args_json, long id, char *err);
int sioc_sio_encode_event1(struct cmn_buf *out, const char *name,
                           const char *arg_json, long id, char *err);
int sioc_sio_encode_ack(struct cmn_buf *out, long id, const char *args_json,
                        char *err);

#endif
