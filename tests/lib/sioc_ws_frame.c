/* sioc_ws_frame.c -- RFC 6455 frame codec (see sioc_ws_frame.h). */
#include <stdint.h>
#include <string.h>

#include "cmn/cmn_err.h"
#include "cmn/cmn_json.h"
#include "sioc_ws_frame.h"

int
sioc_ws_opcode_valid(int opcode)
{
    switch (opcode) {
    case SIOC_WS_CONT: case SIOC_WS_TEXT: case SIOC_WS_BINARY:
    case SIOC_WS_CLOSE: case SIOC_WS_PING: case SIOC_WS_PONG:
        return 1;
    default:
        return 0;
    }
}

int
sioc_ws_frame_parse(const void *buf, size_t n, size_t max_len,
                    struct sioc_ws_frame *f, char *err)
{
    const unsigned char *p = buf;
    size_t hdr = 2;
    uint64_t len;

    if (n < 2)
        return 0;
    f->fin = (p[0] & 0x80) != 0;
    f->opcode = p[0] & 0x0f;
    f->masked = (p[1] & 0x80) != 0;
    len = p[1] & 0x7f;
    if (p[0] & 0x70) {
        /* no extension was negotiated, so no RSV bit may be set */
        cmn_errf(err, "frame with reserved bits 0x%02x", p[0] & 0x70);
        return -1;
    }
    if (!sioc_ws_opcode_valid(f->opcode)) {
        cmn_errf(err, "frame with reserved opcode 0x%x", f->opcode);
        return -1;
    }
    if (f->opcode >= SIOC_WS_CLOSE) {
        if (!f->fin) {
            cmn_errf(err, "fragmented control frame (opcode 0x%x)",
                     f->opcode);
            return -1;
        }
        if (len > 125) {
            cmn_errf(err, "control frame of %u bytes (max 125)",
                     (unsigned)len);
            return -1;
        }
    }
    if (len == 126) {
        if (n < 4)
            return 0;
        len = (uint64_t)p[2] << 8 | p[3];
        hdr = 4;
    } else if (len == 127) {
        if (n < 10)
            return 0;
        len = 0;
        for (int i = 2; i < 10; i++)
            len = len << 8 | p[i];
        hdr = 10;
        if (len >> 63) {
            cmn_errf(err, "frame length with the top bit set");
            return -1;
        }
    }
    if (f->masked) {
        if (n < hdr + 4)
            return 0;
        memcpy(f->mask, p + hdr, 4);
        hdr += 4;
    }
    if (len > max_len) {
        cmn_errf(err, "frame of %llu bytes exceeds the limit of %zu",
                 (unsigned long long)len, max_len);
        return -2;
    }
    if (n - hdr < len)
        return 0;
    f->payload = p + hdr;
    f->len = (size_t)len;
    f->size = hdr + (size_t)len;
    return 1;
}

void
sioc_ws_mask(unsigned char *p, size_t n, const unsigned char mask[4],
             size_t offset)
{
    for (size_t i = 0; i < n; i++)
        p[i] ^= mask[(i + offset) & 3];
}

int
sioc_ws_frame_encode(struct cmn_buf *out, int opcode, int fin,
                     const void *payload, size_t len,
                     const unsigned char *mask)
{
    unsigned char h[SIOC_WS_HEADER_MAX];
    size_t hn = 2;

    h[0] = (unsigned char)((fin ? 0x80 : 0) | (opcode & 0x0f));
    h[1] = mask != NULL ? 0x80 : 0;
    if (len < 126) {
        h[1] |= (unsigned char)len;
    } else if (len <= 0xffff) {
        h[1] |= 126;
        h[2] = (unsigned char)(len >> 8);
        h[3] = (unsigned char)len;
        hn = 4;
    } else {
        uint64_t l = len;

        h[1] |= 127;
        for (int i = 9; i >= 2; i--) {
            h[i] = (unsigned char)l;
            l >>= 8;
        }
        hn = 10;
    }
    if (mask != NULL) {
        memcpy(h + hn, mask, 4);
        hn += 4;
    }
    if (cmn_buf_reserve(out, hn + len) != 0)
        return -1;
    memcpy(out->p + out->len, h, hn);
    if (len > 0)
        memcpy(out->p + out->len + hn, payload, len);
    if (mask != NULL)
        sioc_ws_mask((unsigned char *)out->p + out->len + hn, len, mask, 0);
    out->len += hn + len;
    out->p[out->len] = '\0';
    return 0;
}

/* RFC 6455 7.4: codes an endpoint may put on the wire. */
static int
sioc_ws_close_code_ok(int code)
{
    if (code >= 3000 && code <= 4999)
        return 1;
    switch (code) {
    case 1000: case 1001: case 1002: case 1003: case 1007: case 1008:
    case 1009: case 1010: case 1011: case 1012: case 1013: case 1014:
        return 1;
    default:
        return 0;
    }
}

int
sioc_ws_close_parse(const unsigned char *p, size_t n, int *code,
                    const char **reason, size_t *reason_len)
{
    *reason = "";
    *reason_len = 0;
    if (n == 0) {
        *code = SIOC_WS_CLOSE_NO_STATUS;
        return 0;
    }
    if (n == 1)
        return -1;
    *code = p[0] << 8 | p[1];
    if (!sioc_ws_close_code_ok(*code))
        return -1;
    if (cmn_utf8_validate((const char *)p + 2, n - 2) != 0)
        return -1;
    *reason = (const char *)p + 2;
    *reason_len = n - 2;
    return 0;
}
