/* sioc_ws_frame.h -- RFC 6455 frame codec, no I/O.
 *
 * sioc_ws_frame_parse() reads one frame from a byte buffer (as picohttp-
 * parser does: 1 = complete, 0 = need more bytes, -1 = protocol error,
 * -2 = over the size limit)
 * and checks what a client must check of a server's frame except the mask
 * bit, which it reports so the caller decides. sioc_ws_frame_encode()
 * appends one frame, masked when a key is given (client to server frames
 * always are). */
#ifndef SIOC_WS_FRAME_H
#define SIOC_WS_FRAME_H

#include <stddef.h>

#include "cmn/cmn_buf.h"

enum sioc_ws_opcode {
    SIOC_WS_CONT = 0x0,
    SIOC_WS_TEXT = 0x1,
    SIOC_WS_BINARY = 0x2,
    SIOC_WS_CLOSE = 0x8,
    SIOC_WS_PING = 0x9,
    SIOC_WS_PONG = 0xa
};

/* Close status codes we send or test for (RFC 6455 section 7.4.1). */
#define SIOC_WS_CLOSE_NORMAL      1000
#define SIOC_WS_CLOSE_PROTOCOL    1002
#define SIOC_WS_CLOSE_NO_STATUS   1005
#define SIOC_WS_CLOSE_BAD_DATA    1007
#define SIOC_WS_CLOSE_TOO_BIG     1009

/* Longest frame header: 2 + 8 (64-bit length) + 4 (mask). */
#define SIOC_WS_HEADER_MAX 14

struct sioc_ws_frame {
    int fin;
    int opcode;
    int masked;
    unsigned char mask[4];          /* valid when masked */
    const unsigned char *payload;   /* points into the parsed buffer */
    size_t len;                     /* payload bytes */
    size_t size;                    /* header + payload bytes */
};

/* Parse the frame at buf[0..n). A payload longer than max_len is refused
 * (-2) as soon as the header is complete, so nobody buffers it. The
 * payload is left as sent (still masked when masked). Returns 1 (f
 * filled), 0 (need more bytes), -1 (malformed) or -2 (too long), with err
 * saying why. */
int sioc_ws_frame_parse(const void *buf, size_t n, size_t max_len,
                        struct sioc_ws_frame *f, char *err);

/* Append one frame to out: opcode, FIN bit, payload, masked with mask[4]
 * when mask is not NULL. 0, or -1 when memory runs out. */
int sioc_ws_frame_encode(struct cmn_buf *out, int opcode, int fin,
                         const void *payload, size_t len,
                         const unsigned char *mask);

/* XOR p[0..n) with the mask, as if p started `offset` bytes into the
 * payload. Applying it twice restores the bytes. */
void sioc_ws_mask(unsigned char *p, size_t n, const unsigned char mask[4],
                  size_t offset);

/* Split a close frame's payload into status code and reason. An empty
 * payload gives SIOC_WS_CLOSE_NO_STATUS. Returns 0, or -1 for a one-byte
 * payload, a code no endpoint may send, or a reason that is not UTF-8. */
int sioc_ws_close_parse(const unsigned char *p, size_t n, int *code,
                        const char **reason, size_t *reason_len);

/* 1 for the opcodes RFC 6455 defines, 0 for reserved ones. */
int sioc_ws_opcode_valid(int opcode);

#endif
