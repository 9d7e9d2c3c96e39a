/* relay_route.h -- pure helpers of the relay: rooms and the packets it
 * sends. No I/O, so they are unit-tested by feeding values. */
#ifndef RELAY_ROUTE_H
#define RELAY_ROUTE_H

#include <stddef.h>

#include "cmn/cmn_buf.h"

#define RELAY_NAME_MAX 64

/* The other member of room "A&B" (either order) for sender. 0, or -1 when
 * the room is malformed, the sender is not in it, or it is A&A. */
int relay_room_peer(const char *room, const char *sender, char *peer,
                    size_t cap);

/* "A&B" with the names in byte order. */
void relay_room_canonical(const char *a, const char *b, char *out,
                          size_t cap);

/* 42["received_message",{"sender":..,"content":<raw JSON>,"id":..,
 * "room":..,"timestamp":ms}] */
int relay_packet_message(struct cmn_buf *b, const char *sender,
                         const char *content, size_t clen, const char *id,
                         const char *room, long long ts_ms);

/* 42["ai_response_received",{"sender":bot,"content":<raw JSON>,"id":..}] */
int relay_packet_ai(struct cmn_buf *b, const char *bot, const char *content,
                    size_t clen, const char *id);

/* 42["received_message",{"sender":"Admin","content":text}] */
int relay_packet_admin(struct cmn_buf *b, const char *text);

/* 43<ack>[{"result":result,"id":id}] or, with reason,
 * 43<ack>[{"result":"error","reason":reason,"id":id}] */
int relay_packet_ack(struct cmn_buf *b, const char *ack, const char *result,
                     const char *id, const char *reason);

/* The message id inside a stored packet ("id":"..."), for the inbox member
 * "<id>|<packet>". 0, or -1 when absent. */
int relay_packet_id(const char *packet, size_t len, char *id, size_t cap);

/* Does the space-separated list contain word? */
int relay_list_has(const char *list, const char *word);

#endif
