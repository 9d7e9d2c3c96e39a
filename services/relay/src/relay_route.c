/* relay_route.c -- rooms and packets (see relay_route.h). */
#include <stdio.h>
#include <string.h>

#include "cmn/cmn_json.h"
#include "relay_route.h"

int
relay_room_peer(const char *room, const char *sender, char *peer, size_t cap)
{
    const char *amp = strchr(room, '&');
    size_t alen, slen = strlen(sender);
    const char *other;

    if (amp == NULL || amp == room || amp[1] == '\0' ||
        strchr(amp + 1, '&') != NULL)
        return -1;
    alen = (size_t)(amp - room);
    if (alen == slen && memcmp(room, sender, slen) == 0) {
        other = amp + 1;
        if (strlen(other) >= cap || strcmp(other, sender) == 0)
            return -1;
        memcpy(peer, other, strlen(other) + 1);
        return 0;
    }
    if (strcmp(amp + 1, sender) == 0) {
        if (alen >= cap)
            return -1;
        memcpy(peer, room, alen);
        peer[alen] = '\0';
        return 0;
    }
    return -1;
}

void
relay_room_canonical(const char *a, const char *b, char *out, size_t cap)
{
    if (strcmp(a, b) > 0) {
        const char *t = a;

        a = b;
        b = t;
    }
    snprintf(out, cap, "%s&%s", a, b);
}

int
relay_packet_message(struct cmn_buf *b, const char *sender,
                     const char *content, size_t clen, const char *id,
                     const char *room, long long ts_ms)
{
    int rc = cmn_buf_puts(b, "42[\"received_message\",{\"sender\":");

    rc |= cmn_buf_json_string(b, sender, strlen(sender));
    rc |= cmn_buf_puts(b, ",\"content\":");
    rc |= cmn_buf_append(b, content, clen);
    rc |= cmn_buf_printf(b, ",\"id\":\"%s\",\"room\":", id);
    rc |= cmn_buf_json_string(b, room, strlen(room));
    rc |= cmn_buf_printf(b, ",\"timestamp\":%lld}]", ts_ms);
    return rc ? -1 : 0;
}

int
relay_packet_ai(struct cmn_buf *b, const char *bot, const char *content,
                size_t clen, const char *id)
{
    int rc = cmn_buf_puts(b, "42[\"ai_response_received\",{\"sender\":");

    rc |= cmn_buf_json_string(b, bot, strlen(bot));
    rc |= cmn_buf_puts(b, ",\"content\":");
    rc |= cmn_buf_append(b, content, clen);
    rc |= cmn_buf_printf(b, ",\"id\":\"%s\"}]", id);
    return rc ? -1 : 0;
}

int
relay_packet_admin(struct cmn_buf *b, const char *text)
{
    int rc = cmn_buf_puts(b, "42[\"received_message\",{\"sender\":\"Admin\","
                             "\"content\":");

    rc |= cmn_buf_json_string(b, text, strlen(text));
    rc |= cmn_buf_puts(b, "}]");
    return rc ? -1 : 0;
}

int
relay_packet_ack(struct cmn_buf *b, const char *ack, const char *result,
                 const char *id, const char *reason)
{
    int rc = cmn_buf_printf(b, "43%s[{\"result\":\"%s\"", ack, result);

    if (reason != NULL) {
        rc |= cmn_buf_puts(b, ",\"reason\":");
        rc |= cmn_buf_json_string(b, reason, strlen(reason));
    }
    rc |= cmn_buf_printf(b, ",\"id\":\"%s\"}]", id);
    return rc ? -1 : 0;
}

int
relay_packet_id(const char *packet, size_t len, char *id, size_t cap)
{
    struct cmn_json_span arr, v, obj;
    struct cmn_json_iter it;

    /* "42[...]": skip the Engine.IO/Socket.IO prefix */
    if (len < 3 || packet[0] != '4' || packet[1] != '2')
        return -1;
    arr.p = packet + 2;
    arr.len = len - 2;
    if (cmn_json_iter_init(&it, arr) != 0 ||
        cmn_json_array_next(&it, &v) != 1 ||
        cmn_json_array_next(&it, &obj) != 1)
        return -1;
    return cmn_json_get_string(obj, "id", id, cap) > 0 ? 0 : -1;
}

int
relay_list_has(const char *list, const char *word)
{
    size_t n = strlen(word);
    const char *p = list;

    while (p != NULL && *p != '\0') {
        const char *sp = strchr(p, ' ');
        size_t len = sp ? (size_t)(sp - p) : strlen(p);

        if (len == n && memcmp(p, word, n) == 0)
            return 1;
        p = sp ? sp + 1 : NULL;
    }
    return 0;
}
