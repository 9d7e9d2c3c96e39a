/* gw_eio.c -- Engine.IO v4 packet codec (see gw_eio.h). */
#include <string.h>

#include "gw_eio.h"

int
gw_eio_parse_text(char *s, size_t len, struct gw_eio_packet *p)
{
    if (len == 0 || s[0] < GW_EIO_OPEN || s[0] > GW_EIO_NOOP)
        return -1;
    p->type = s[0];
    p->binary = 0;
    p->data = s + 1;
    p->len = len - 1;
    return 0;
}

void
gw_eio_payload_init(struct gw_eio_payload *it, char *body, size_t len)
{
    it->p = body;
    it->end = body + len;
}

int
gw_eio_payload_next(struct gw_eio_payload *it, struct gw_eio_packet *p)
{
    char *rec, *sep;
    size_t len;
    long n;

    if (it->p == NULL || it->p > it->end)
        return 0;
    rec = it->p;
    sep = memchr(rec, GW_EIO_SEP, (size_t)(it->end - rec));
    len = sep ? (size_t)(sep - rec) : (size_t)(it->end - rec);
    it->p = sep ? sep + 1 : NULL;
    if (len == 0)
        return -1;
    if (rec[0] == 'b') {
        n = gw_base64_decode_inplace(rec + 1, len - 1);
        if (n < 0)
            return -1;
        p->type = GW_EIO_MESSAGE;
        p->binary = 1;
        p->data = rec + 1;
        p->len = (size_t)n;
        return 1;
    }
    return gw_eio_parse_text(rec, len, p) == 0 ? 1 : -1;
}

int
gw_eio_open_packet(struct cmn_buf *b, const char *sid, int can_upgrade,
                   int ping_interval, int ping_timeout, int max_payload)
{
    return cmn_buf_printf(b, "0{\"sid\":\"%s\",\"upgrades\":[%s],"
                          "\"pingInterval\":%d,\"pingTimeout\":%d,"
                          "\"maxPayload\":%d}", sid,
                          can_upgrade ? "\"websocket\"" : "", ping_interval,
                          ping_timeout, max_payload);
}

int
gw_eio_payload_append(struct cmn_buf *b, int first, int binary,
                      const char *data, size_t len)
{
    if (!first && cmn_buf_append(b, "\x1e", 1) != 0)
        return -1;
    if (!binary)
        return cmn_buf_append(b, data, len);
    if (cmn_buf_append(b, "b", 1) != 0)
        return -1;
    return gw_base64_append(b, (const unsigned char *)data, len);
}

static int
gw_base64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

long
gw_base64_decode_inplace(char *s, size_t len)
{
    size_t i, o = 0;
    unsigned acc = 0;
    int bits = 0, pad = 0;

    for (i = 0; i < len; i++) {
        int v;

        if (s[i] == '=') {
            pad++;
            continue;
        }
        if (pad > 0 || (v = gw_base64_value(s[i])) < 0)
            return -1;          /* data after padding, or a bad char */
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            s[o++] = (char)((acc >> bits) & 0xff);
        }
    }
    if (pad > 2 || (len % 4 != 0 && pad > 0))
        return -1;
    return (long)o;
}

int
gw_base64_append(struct cmn_buf *b, const unsigned char *d, size_t len)
{
    static const char tab[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i;
    char *o;

    if (cmn_buf_reserve(b, (len + 2) / 3 * 4) != 0)
        return -1;
    o = b->p + b->len;
    for (i = 0; i + 2 < len; i += 3) {
        *o++ = tab[d[i] >> 2];
        *o++ = tab[((d[i] & 3) << 4) | (d[i + 1] >> 4)];
        *o++ = tab[((d[i + 1] & 15) << 2) | (d[i + 2] >> 6)];
        *o++ = tab[d[i + 2] & 63];
    }
    if (i < len) {
        *o++ = tab[d[i] >> 2];
        if (i + 1 < len) {
            *o++ = tab[((d[i] & 3) << 4) | (d[i + 1] >> 4)];
            *o++ = tab[(d[i + 1] & 15) << 2];
        } else {
            *o++ = tab[(d[i] & 3) << 4];
            *o++ = '=';
        }
        *o++ = '=';
    }
    b->len = (size_t)(o - b->p);
    b->p[b->len] = '\0';
    return 0;
}
