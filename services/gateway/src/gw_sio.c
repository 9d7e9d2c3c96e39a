/* gw_sio.c -- Socket.IO v5 packet codec (see gw_sio.h). */
#include <string.h>

#include "cmn/cmn_err.h"
#include "gw_sio.h"

/* Does the payload fit the packet type? (socket.io-parser isPayloadValid) */
static int
gw_sio_payload_ok(const struct gw_sio_packet *p)
{
    enum cmn_json_kind k = cmn_json_kind(p->data);
    struct cmn_json_iter it;
    struct cmn_json_span first;

    switch (p->type) {
    case GW_SIO_CONNECT:
        return p->data.len == 0 || k == CMN_JSON_OBJECT;
    case GW_SIO_DISCONNECT:
        return p->data.len == 0;
    case GW_SIO_CONNECT_ERROR:
        return k == CMN_JSON_OBJECT || k == CMN_JSON_STRING;
    case GW_SIO_EVENT:
    case GW_SIO_BINARY_EVENT:
        if (k != CMN_JSON_ARRAY || cmn_json_iter_init(&it, p->data) != 0 ||
            cmn_json_array_next(&it, &first) != 1)
            return 0;
        return cmn_json_kind(first) == CMN_JSON_STRING ||
               cmn_json_kind(first) == CMN_JSON_NUMBER;
    case GW_SIO_ACK:
    case GW_SIO_BINARY_ACK:
        return k == CMN_JSON_ARRAY;
    }
    return 0;
}

int
gw_sio_parse(const char *s, size_t len, struct gw_sio_packet *p, char *err)
{
    size_t i = 1;

    if (len == 0 || s[0] < '0' || s[0] > '6') {
        cmn_errf(err, "unknown packet type");
        return -1;
    }
    p->type = s[0] - '0';
    p->attachments = 0;
    p->nsp = "/";
    p->nsp_len = 1;
    p->id = -1;
    p->data.p = s + len;
    p->data.len = 0;

    if (p->type == GW_SIO_BINARY_EVENT || p->type == GW_SIO_BINARY_ACK) {
        size_t start = i;
        int n = 0;

        while (i < len && s[i] >= '0' && s[i] <= '9' && i - start < 3)
            n = n * 10 + (s[i++] - '0');
        if (i == start || i >= len || s[i] != '-' ||
            n > GW_SIO_MAX_ATTACHMENTS) {
            cmn_errf(err, "bad attachment count");
            return -1;
        }
        p->attachments = n;
        i++;
    }
    if (i < len && s[i] == '/') {
        size_t start = i;

        while (i < len && s[i] != ',')
            i++;
        p->nsp = s + start;
        p->nsp_len = i - start;
        if (p->nsp_len > GW_SIO_NSP_MAX) {
            cmn_errf(err, "namespace too long");
            return -1;
        }
        if (i < len)
            i++;                        /* the ',' */
    }
    if (i < len && s[i] >= '0' && s[i] <= '9') {
        long long id = 0;

        while (i < len && s[i] >= '0' && s[i] <= '9') {
            id = id * 10 + (s[i++] - '0');
            if (id > GW_SIO_ID_MAX) {
                cmn_errf(err, "ack id too large");
                return -1;
            }
        }
        p->id = id;
    }
    if (i < len) {
        p->data.p = s + i;
        p->data.len = len - i;
        if (cmn_json_validate(p->data.p, p->data.len) != 0) {
            cmn_errf(err, "invalid JSON payload");
            return -1;
        }
    }
    if ((p->type == GW_SIO_ACK || p->type == GW_SIO_BINARY_ACK) && p->id < 0) {
        cmn_errf(err, "ack without id");
        return -1;
    }
    if (!gw_sio_payload_ok(p)) {
        cmn_errf(err, "invalid payload for packet type %d", p->type);
        return -1;
    }
    return 0;
}

int
gw_sio_header(struct cmn_buf *b, int type, int attachments, const char *nsp,
              size_t nsp_len, long long id)
{
    int rc = cmn_buf_printf(b, "4%d", type);

    if (rc == 0 && (type == GW_SIO_BINARY_EVENT || type == GW_SIO_BINARY_ACK))
        rc = cmn_buf_printf(b, "%d-", attachments);
    if (rc == 0 && !(nsp_len == 1 && nsp[0] == '/')) {
        rc = cmn_buf_append(b, nsp, nsp_len);
        if (rc == 0)
            rc = cmn_buf_append(b, ",", 1);
    }
    if (rc == 0 && id >= 0)
        rc = cmn_buf_printf(b, "%lld", id);
    return rc;
}

int
gw_sio_event_name(const struct gw_sio_packet *p, char *out, size_t cap)
{
    struct cmn_json_iter it;
    struct cmn_json_span first;

    if (cmn_json_iter_init(&it, p->data) != 0 ||
        cmn_json_array_next(&it, &first) != 1 ||
        cmn_json_kind(first) != CMN_JSON_STRING)
        return -1;
    return cmn_json_string(first, out, cap) < 0 ? -1 : 0;
}
