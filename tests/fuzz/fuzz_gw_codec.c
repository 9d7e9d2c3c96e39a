/* fuzz_gw_codec.c -- libFuzzer target for the gateway's packet codecs
 * (gw_eio.c, gw_sio.c).
 *
 * The input is read three ways: as an HTTP long-polling body (records split
 * on 0x1e, "b"+base64 binary records), as one websocket text frame (one
 * Engine.IO packet) and as a bare Socket.IO packet. Besides ASan/UBSan
 * finding memory errors, every accepted packet must satisfy the codec's
 * own promises, checked here with abort():
 *   - spans point inside the input; namespaces start with '/' and respect
 *     GW_SIO_NSP_MAX; attachment counts only on binary types; ids bounded;
 *   - the payload is valid JSON of the kind the type allows;
 *   - header + payload re-encodes to a packet that parses to the same
 *     fields (what the engine does when it answers or echoes);
 *   - binary records survive base64 both ways; text records survive
 *     gw_eio_payload_append() and a second walk.
 * Parsed bytes are always copied into exact-size heap blocks first, so a
 * read one byte too far is an ASan report. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmn/cmn_buf.h"
#include "cmn/cmn_err.h"
#include "cmn/cmn_json.h"
#include "gw_eio.h"
#include "gw_sio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond) do { if (!(cond)) abort(); } while (0)

static int
fuzz_inside(const char *p, size_t n, const char *base, size_t len)
{
    return p >= base && p + n <= base + len;
}

static void
fuzz_check_sio(const char *src, size_t len)
{
    char *s = malloc(len ? len : 1);
    char err[CMN_ERR_LEN] = "";
    struct gw_sio_packet p, q;
    struct cmn_buf b;
    char name[64];
    enum cmn_json_kind k;

    memcpy(s, src, len);
    if (gw_sio_parse(s, len, &p, err) != 0) {
        FUZZ_CHECK(err[0] != '\0');
        free(s);
        return;
    }
    FUZZ_CHECK(p.type >= GW_SIO_CONNECT && p.type <= GW_SIO_BINARY_ACK);
    FUZZ_CHECK(p.attachments >= 0 &&
               p.attachments <= GW_SIO_MAX_ATTACHMENTS);
    if (p.type != GW_SIO_BINARY_EVENT && p.type != GW_SIO_BINARY_ACK)
        FUZZ_CHECK(p.attachments == 0);
    FUZZ_CHECK(p.nsp_len >= 1 && p.nsp_len <= GW_SIO_NSP_MAX);
    FUZZ_CHECK(p.nsp[0] == '/');
    FUZZ_CHECK(memchr(p.nsp, ',', p.nsp_len) == NULL);
    if (p.nsp_len > 1)
        FUZZ_CHECK(fuzz_inside(p.nsp, p.nsp_len, s, len));
    FUZZ_CHECK(p.id >= -1 && p.id <= GW_SIO_ID_MAX);
    if (p.type == GW_SIO_ACK || p.type == GW_SIO_BINARY_ACK)
        FUZZ_CHECK(p.id >= 0);
    k = cmn_json_kind(p.data);
    if (p.data.len > 0) {
        FUZZ_CHECK(fuzz_inside(p.data.p, p.data.len, s, len));
        FUZZ_CHECK(cmn_json_validate(p.data.p, p.data.len) == 0);
    }
    switch (p.type) {
    case GW_SIO_CONNECT:
        FUZZ_CHECK(p.data.len == 0 || k == CMN_JSON_OBJECT);
        break;
    case GW_SIO_DISCONNECT:
        FUZZ_CHECK(p.data.len == 0);
        break;
    case GW_SIO_CONNECT_ERROR:
        FUZZ_CHECK(k == CMN_JSON_OBJECT || k == CMN_JSON_STRING);
        break;
    case GW_SIO_EVENT:
    case GW_SIO_BINARY_EVENT:
    case GW_SIO_ACK:
    case GW_SIO_BINARY_ACK:
        FUZZ_CHECK(k == CMN_JSON_ARRAY);
        break;
    }
    if (gw_sio_event_name(&p, name, sizeof name) == 0) {
        FUZZ_CHECK(strlen(name) < sizeof name);
        FUZZ_CHECK(cmn_utf8_validate(name, strlen(name)) == 0);
    }

    /* re-encode: the engine's header plus the same payload bytes */
    cmn_buf_init(&b);
    FUZZ_CHECK(gw_sio_header(&b, p.type, p.attachments, p.nsp, p.nsp_len,
                             p.id) == 0);
    FUZZ_CHECK(cmn_buf_append(&b, p.data.p, p.data.len) == 0);
    FUZZ_CHECK(b.p[0] == '4');
    FUZZ_CHECK(gw_sio_parse(b.p + 1, b.len - 1, &q, err) == 0);
    FUZZ_CHECK(q.type == p.type && q.attachments == p.attachments);
    FUZZ_CHECK(q.id == p.id);
    FUZZ_CHECK(q.nsp_len == p.nsp_len &&
               memcmp(q.nsp, p.nsp, p.nsp_len) == 0);
    FUZZ_CHECK(q.data.len == p.data.len &&
               memcmp(q.data.p, p.data.p, p.data.len) == 0);
    cmn_buf_free(&b);
    free(s);
}

/* One Engine.IO packet; MESSAGE text goes on to Socket.IO. */
static void
fuzz_check_eio_packet(const struct gw_eio_packet *p)
{
    struct cmn_buf b;

    FUZZ_CHECK(p->type >= GW_EIO_OPEN && p->type <= GW_EIO_NOOP);
    if (p->binary) {
        char *copy;
        long n;

        FUZZ_CHECK(p->type == GW_EIO_MESSAGE);
        cmn_buf_init(&b);
        FUZZ_CHECK(gw_base64_append(&b, (const unsigned char *)p->data,
                                    p->len) == 0);
        copy = malloc(b.len ? b.len : 1);
        memcpy(copy, b.p, b.len);
        n = gw_base64_decode_inplace(copy, b.len);
        FUZZ_CHECK(n == (long)p->len);
        FUZZ_CHECK(memcmp(copy, p->data, p->len) == 0);
        free(copy);
        cmn_buf_free(&b);
        return;
    }
    if (p->type == GW_EIO_MESSAGE)
        fuzz_check_sio(p->data, p->len);
}

/* Walk a polling body; re-encode what it held and walk that again. */
static void
fuzz_payload(const uint8_t *data, size_t size)
{
    char *body = malloc(size ? size : 1);
    struct gw_eio_payload it;
    struct gw_eio_packet p;
    struct cmn_buf again;
    int rc, n = 0, first = 1;

    memcpy(body, data, size);
    cmn_buf_init(&again);
    gw_eio_payload_init(&it, body, size);
    while ((rc = gw_eio_payload_next(&it, &p)) == 1) {
        FUZZ_CHECK(p.len <= size);
        fuzz_check_eio_packet(&p);
        if (p.binary) {
            gw_eio_payload_append(&again, first, 1, p.data, p.len);
        } else {
            /* a text record is the type character and its data */
            char *rec = malloc(p.len + 1);

            rec[0] = p.type;
            memcpy(rec + 1, p.data, p.len);
            gw_eio_payload_append(&again, first, 0, rec, p.len + 1);
            free(rec);
        }
        first = 0;
        n++;
    }
    FUZZ_CHECK(rc == 0 || rc == -1);
    if (rc == 0 && n > 0 &&
        memchr(data, GW_EIO_SEP, size) == NULL && data[0] != 'b') {
        /* one text record, no separator: the body is the packet */
        FUZZ_CHECK(again.len == size && memcmp(again.p, data, size) == 0);
    }
    if (rc == 0 && again.len > 0) {
        /* the re-encoded body walks to as many packets */
        struct gw_eio_payload it2;
        int m = 0;

        gw_eio_payload_init(&it2, again.p, again.len);
        while (gw_eio_payload_next(&it2, &p) == 1)
            m++;
        FUZZ_CHECK(m == n);
    }
    cmn_buf_free(&again);
    free(body);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *frame;
    struct gw_eio_packet p;

    if (size > 65536)
        return 0;
    fuzz_payload(data, size);

    /* a websocket text frame: exactly one packet, separators and all */
    frame = malloc(size ? size : 1);
    memcpy(frame, data, size);
    if (gw_eio_parse_text(frame, size, &p) == 0) {
        FUZZ_CHECK(p.len == size - 1 && p.data == frame + 1);
        fuzz_check_eio_packet(&p);
    }
    free(frame);

    /* and the bytes as a bare Socket.IO packet */
    fuzz_check_sio((const char *)data, size);
    return 0;
}
