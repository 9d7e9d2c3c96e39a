/* sioc_ws_handshake.c -- websocket opening handshake, client side (see
 * sioc_ws_handshake.h). SHA1 and base64 come from libcrypto. */
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "cmn/cmn_err.h"
#include "sioc_rand.h"
#include "sioc_ws_handshake.h"

#define SIOC_WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

void
sioc_ws_key_new(char key[SIOC_WS_KEY_SIZE])
{
    unsigned char raw[16];

    sioc_rand_bytes(raw, sizeof raw);
    EVP_EncodeBlock((unsigned char *)key, raw, (int)sizeof raw);
}

int
sioc_ws_accept_for(const char *key, char out[SIOC_WS_ACCEPT_SIZE])
{
    char cat[128];
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    size_t kn = strlen(key);

    if (kn + sizeof SIOC_WS_GUID > sizeof cat)
        return -1;
    memcpy(cat, key, kn);
    memcpy(cat + kn, SIOC_WS_GUID, sizeof SIOC_WS_GUID);
    if (EVP_Digest(cat, kn + sizeof SIOC_WS_GUID - 1, md, &mdlen,
                   EVP_sha1(), NULL) != 1 || mdlen != 20)
        return -1;
    EVP_EncodeBlock((unsigned char *)out, md, (int)mdlen);
    return 0;
}

int
sioc_ws_request(struct cmn_buf *out, const char *host, int port,
                const char *target, const char *key)
{
    /* an IPv6 literal needs brackets in Host */
    int v6 = strchr(host, ':') != NULL;

    return cmn_buf_printf(out,
                          "GET %s HTTP/1.1\r\n"
                          "Host: %s%s%s:%d\r\n"
                          "Upgrade: websocket\r\n"
                          "Connection: Upgrade\r\n"
                          "Sec-WebSocket-Key: %s\r\n"
                          "Sec-WebSocket-Version: 13\r\n"
                          "\r\n",
                          target, v6 ? "[" : "", host, v6 ? "]" : "", port,
                          key);
}

/* Does the comma-separated header value v[0..n) hold token tok? */
static int
sioc_ws_has_token(const char *v, size_t n, const char *tok)
{
    size_t tn = strlen(tok);
    const char *end = v + n;

    while (v < end) {
        const char *comma = memchr(v, ',', (size_t)(end - v));
        const char *e = comma ? comma : end;

        while (v < e && (*v == ' ' || *v == '\t'))
            v++;
        while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        if ((size_t)(e - v) == tn && strncasecmp(v, tok, tn) == 0)
            return 1;
        v = comma ? comma + 1 : end;
    }
    return 0;
}

static const char *
sioc_ws_find_head_end(const char *buf, size_t n)
{
    for (size_t i = 3; i < n; i++)
        if (buf[i] == '\n' && buf[i - 1] == '\r' && buf[i - 2] == '\n' &&
            buf[i - 3] == '\r')
            return buf + i + 1;
    return NULL;
}

int
sioc_ws_response_parse(const char *buf, size_t n, const char *key,
                       size_t *head_len, char *err)
{
    const char *end = sioc_ws_find_head_end(buf, n);
    const char *line, *eol;
    char want[SIOC_WS_ACCEPT_SIZE];
    int upgrade = 0, connection = 0, accept = 0;

    if (end == NULL) {
        if (n >= SIOC_WS_HEAD_MAX) {
            cmn_errf(err, "upgrade response head longer than %d bytes",
                     SIOC_WS_HEAD_MAX);
            return -1;
        }
        return 0;
    }
    eol = memchr(buf, '\r', (size_t)(end - buf));
    if (n < 12 || strncmp(buf, "HTTP/1.1 ", 9) != 0) {
        cmn_errf(err, "not an HTTP/1.1 response: \"%.*s\"",
                 (int)(eol - buf > 80 ? 80 : eol - buf), buf);
        return -1;
    }
    if (strncmp(buf + 9, "101", 3) != 0 ||
        (buf[12] != ' ' && buf[12] != '\r')) {
        cmn_errf(err, "upgrade refused: \"%.*s\"",
                 (int)(eol - buf > 120 ? 120 : eol - buf), buf);
        return -1;
    }
    if (sioc_ws_accept_for(key, want) != 0) {
        cmn_errf(err, "cannot compute Sec-WebSocket-Accept");
        return -1;
    }
    for (line = eol + 2; line < end - 2; line = eol + 2) {
        const char *colon, *v, *ve;
        size_t nlen;

        eol = memchr(line, '\r', (size_t)(end - line));
        colon = memchr(line, ':', (size_t)(eol - line));
        if (colon == NULL) {
            cmn_errf(err, "malformed header line in upgrade response");
            return -1;
        }
        nlen = (size_t)(colon - line);
        for (v = colon + 1; v < eol && (*v == ' ' || *v == '\t'); v++)
            ;
        for (ve = eol; ve > v && (ve[-1] == ' ' || ve[-1] == '\t'); ve--)
            ;
#define SIOC_IS(h) (nlen == sizeof h - 1 && strncasecmp(line, h, nlen) == 0)
        if (SIOC_IS("Upgrade")) {
            upgrade = sioc_ws_has_token(v, (size_t)(ve - v), "websocket");
        } else if (SIOC_IS("Connection")) {
            connection = sioc_ws_has_token(v, (size_t)(ve - v), "upgrade");
        } else if (SIOC_IS("Sec-WebSocket-Accept")) {
            accept = (size_t)(ve - v) == strlen(want) &&
                     memcmp(v, want, strlen(want)) == 0;
            if (!accept) {
                cmn_errf(err, "wrong Sec-WebSocket-Accept \"%.*s\"",
                         (int)(ve - v > 40 ? 40 : ve - v), v);
                return -1;
            }
        } else if (SIOC_IS("Sec-WebSocket-Extensions") ||
                   SIOC_IS("Sec-WebSocket-Protocol")) {
            cmn_errf(err, "server chose %.*s we did not offer", (int)nlen,
                     line);
            return -1;
        }
#undef SIOC_IS
    }
    if (!upgrade || !connection || !accept) {
        cmn_errf(err, "upgrade response without %s",
                 !upgrade ? "Upgrade: websocket"
                 : !connection ? "Connection: upgrade"
                 : "Sec-WebSocket-Accept");
        return -1;
    }
    *head_len = (size_t)(end - buf);
    return 1;
}
