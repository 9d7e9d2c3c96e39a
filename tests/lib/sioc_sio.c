/* sioc_sio.c -- Socket.IO v5 packet parser and encoders (see sioc_sio.h).
 *
 * The parser walks the header by hand, as socket.io-parser's
 * decodeString() does, then hands the payload to cmn_json. */
#include <string.h>

#include "cmn/cmn_err.h"
#include "sioc_json.h"
#include "sioc_sio.h"

static int
sioc_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* socket.io-parser's isPayloadValid() for each type. */
static int
sioc_sio_payload_ok(int type, struct cmn_json_span d)
{
    enum cmn_json_kind k = cmn_json_kind(d);
    struct cmn_json_iter it;
    struct cmn_json_span first;

    switch (type) {
    case SIOC_SIO_CONNECT:
        return k == CMN_JSON_OBJECT;
    case SIOC_SIO_DISCONNECT:
        return 0;
    case SIOC_SIO_CONNECT_ERROR:
        return k == CMN_JSON_OBJECT || k == CMN_JSON_STRING;
    case SIOC_SIO_ACK:
    case SIOC_SIO_BINARY_ACK:
        return k == CMN_JSON_ARRAY;
    default:
        /* events: a non-empty array whose first element names it */
        if (k != CMN_JSON_ARRAY || cmn_json_iter_init(&it, d) != 0 ||
            cmn_json_array_next(&it, &first) != 1)
            return 0;
        k = cmn_json_kind(first);
        return k == CMN_JSON_STRING || k == CMN_JSON_NUMBER;
    }
}

int
sioc_sio_parse(const char *p, size_t n, struct sioc_sio_packet *pk,
               char *err)
{
    size_t i = 1;

    memset(pk, 0, sizeof *pk);
    pk->id = -1;
    pk->nsp = (struct cmn_json_span){"/", 1};
    if (n == 0 || p[0] < '0' || p[0] > '6') {
        cmn_errf(err, "socket.io packet of unknown type '%.*s'",
                 n ? 1 : 0, p);
        return -1;
    }
    pk->type = p[0] - '0';
    if (pk->type == SIOC_SIO_BINARY_EVENT || pk->type == SIOC_SIO_BINARY_ACK) {
        size_t start = i;

        while (i < n && sioc_is_digit(p[i]))
            i++;
        if (i == start || i >= n || p[i] != '-' ||
            sioc_json_long(p + start, i - start, &pk->attachments) != 0) {
            cmn_errf(err, "socket.io packet with bad attachment count");
            return -1;
        }
        i++;
    }
    if (i < n && p[i] == '/') {
        size_t start = i;

        while (i < n && p[i] != ',')
            i++;
        pk->nsp = (struct cmn_json_span){p + start, i - start};
        if (i < n)
            i++;
    }
    if (i < n && sioc_is_digit(p[i])) {
        size_t start = i;

        while (i < n && sioc_is_digit(p[i]))
            i++;
        if (sioc_json_long(p + start, i - start, &pk->id) != 0) {
            cmn_errf(err, "socket.io packet with bad ack id");
            return -1;
        }
    }
    if (i < n) {
        pk->data = sioc_json_trim(p + i, n - i);
        if (cmn_json_validate(p + i, n - i) != 0) {
            cmn_errf(err, "socket.io packet type %d with invalid JSON",
                     pk->type);
            return -1;
        }
        if (!sioc_sio_payload_ok(pk->type, pk->data)) {
            cmn_errf(err, "socket.io packet type %d with invalid payload",
                     pk->type);
            return -1;
        }
    } else if (pk->type != SIOC_SIO_CONNECT &&
               pk->type != SIOC_SIO_DISCONNECT) {
        cmn_errf(err, "socket.io packet type %d without payload", pk->type);
        return -1;
    }
    if ((pk->type == SIOC_SIO_ACK || pk->type == SIOC_SIO_BINARY_ACK) &&
        pk->id < 0) {
        cmn_errf(err, "socket.io ack without id");
        return -1;
    }
    return 0;
}

int
sioc_sio_main_nsp(const struct sioc_sio_packet *pk)
{
    return pk->nsp.len == 1 && pk->nsp.p[0] == '/';
}

int
sioc_sio_event(const struct sioc_sio_packet *pk, struct cmn_buf *scratch,
               struct sioc_event *ev, char *err)
{
    struct cmn_json_iter it;
    struct cmn_json_span v, first = {NULL, 0}, last = {NULL, 0};
    int is_event = pk->type == SIOC_SIO_EVENT ||
                   pk->type == SIOC_SIO_BINARY_EVENT;

    memset(ev, 0, sizeof *ev);
    ev->kind = is_event ? SIOC_EVENT : SIOC_ACK;
    ev->id = pk->id;
    ev->data = pk->data;
    ev->attachments = pk->attachments;
    cmn_json_iter_init(&it, pk->data);
    if (is_event) {
        cmn_json_array_next(&it, &v);
        if (cmn_json_kind(v) == CMN_JSON_NUMBER) {
            if (v.len >= SIOC_NAME_MAX)
                goto long_name;
            memcpy(ev->name, v.p, v.len);
            ev->name[v.len] = '\0';
        } else if (cmn_json_string(v, ev->name, sizeof ev->name) < 0) {
            goto long_name;
        }
    }
    while (cmn_json_array_next(&it, &v) == 1) {
        if (ev->argc++ == 0)
            first = v;
        last = v;
    }
    ev->arg0 = first;
    if (!is_event) {
        ev->args = pk->data;
        return 0;
    }
    /* an event's arguments are not an array on the wire: build one from
     * the elements' original bytes */
    cmn_buf_reset(scratch);
    if (cmn_buf_append(scratch, "[", 1) != 0 ||
        (first.p != NULL &&
         cmn_buf_append(scratch, first.p,
                        (size_t)(last.p + last.len - first.p)) != 0) ||
        cmn_buf_append(scratch, "]", 1) != 0) {
        cmn_errf(err, "out of memory");
        return -1;
    }
    ev->args = (struct cmn_json_span){scratch->p, scratch->len};
    return 0;
long_name:
    cmn_errf(err, "event name longer than %d bytes or not decodable",
             SIOC_NAME_MAX - 1);
    return -1;
}

int
sioc_sio_encode_connect(struct cmn_buf *out, const char *auth_json,
                        char *err)
{
    struct cmn_json_span a;

    if (auth_json == NULL) {
        if (cmn_buf_puts(out, "40") != 0) {
            cmn_errf(err, "out of memory");
            return -1;
        }
        return 0;
    }
    if (sioc_json_check(auth_json, CMN_JSON_OBJECT, &a) != 0) {
        cmn_errf(err, "auth is not a JSON object");
        return -1;
    }
    if (cmn_buf_puts(out, "40") != 0 ||
        cmn_buf_append(out, a.p, a.len) != 0) {
        cmn_errf(err, "out of memory");
        return -1;
    }
    return 0;
}

int
sioc_sio_encode_disconnect(struct cmn_buf *out)
{
    return cmn_buf_puts(out, "41");
}

/* "4<type>[<id>]" then '[' */
static int
sioc_sio_head(struct cmn_buf *out, char type, long id)
{
    if (id >= 0)
        return cmn_buf_printf(out, "4%c%ld[", type, id);
    return cmn_buf_printf(out, "4%c[", type);
}

/* Append the elements of array text `arr` (checked) without brackets,
 * preceded by a comma when need_comma and there are any. */
static int
sioc_sio_splice(struct cmn_buf *out, const char *arr, int need_comma,
                char *err)
{
    struct cmn_json_span a, inner;

    if (arr == NULL)
        return 0;
    if (sioc_json_check(arr, CMN_JSON_ARRAY, &a) != 0) {
        cmn_errf(err, "arguments are not a JSON array");
        return -1;
    }
    inner = sioc_json_trim(a.p + 1, a.len - 2);
    if (inner.len == 0)
        return 0;
    if ((need_comma && cmn_buf_append(out, ",", 1) != 0) ||
        cmn_buf_append(out, inner.p, inner.len) != 0) {
        cmn_errf(err, "out of memory");
        return -1;
    }
    return 0;
}

int
sioc_sio_encode_event(struct cmn_buf *out, const char *name,
                      const char *args_json, long id, char *err)
{
    size_t mark = out->len;

    if (sioc_sio_head(out, '2', id) != 0 ||
        cmn_buf_json_string(out, name, strlen(name)) != 0) {
        cmn_errf(err, "out of memory");
        goto fail;
    }
    if (sioc_sio_splice(out, args_json, 1, err) != 0)
        goto fail;
    if (cmn_buf_append(out, "]", 1) != 0) {
        cmn_errf(err, "out of memory");
        goto fail;
    }
    return 0;
fail:
    out->len = mark;
    if (out->p != NULL)
        out->p[mark] = '\0';
    return -1;
}

int
sioc_sio_encode_event1(struct cmn_buf *out, const char *name,
                       const char *arg_json, long id, char *err)
{
    size_t mark = out->len;
    size_t n;

    if (arg_json == NULL)
        return sioc_sio_encode_event(out, name, NULL, id, err);
    n = strlen(arg_json);
    if (cmn_json_validate(arg_json, n) != 0) {
        cmn_errf(err, "argument is not one JSON value");
        return -1;
    }
    if (sioc_sio_head(out, '2', id) != 0 ||
        cmn_buf_json_string(out, name, strlen(name)) != 0 ||
        cmn_buf_append(out, ",", 1) != 0 ||
        cmn_buf_append(out, arg_json, n) != 0 ||
        cmn_buf_append(out, "]", 1) != 0) {
        out->len = mark;
        if (out->p != NULL)
            out->p[mark] = '\0';
        cmn_errf(err, "out of memory");
        return -1;
    }
    return 0;
}

int
sioc_sio_encode_ack(struct cmn_buf *out, long id, const char *args_json,
                    char *err)
{
    size_t mark = out->len;

    if (id < 0) {
        cmn_errf(err, "ack without id");
        return -1;
    }
    if (sioc_sio_head(out, '3', id) != 0) {
        cmn_errf(err, "out of memory");
        goto fail;
    }
    if (sioc_sio_splice(out, args_json, 0, err) != 0)
        goto fail;
    if (cmn_buf_append(out, "]", 1) != 0) {
        cmn_errf(err, "out of memory");
        goto fail;
    }
    return 0;
fail:
    out->len = mark;
    if (out->p != NULL)
        out->p[mark] = '\0';
    return -1;
}
