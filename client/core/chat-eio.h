/* chat-eio.h -- Engine.IO v4 / Socket.IO v5 packets as text, without I/O.
 *
 * ChatSocket (chat-socket.c) feeds every websocket text frame to
 * chat_packet_parse() and sends what the chat_sio_encode_*() functions
 * return. Only the default namespace and text packets are used by the chat;
 * binary packets parse (so they can be ignored) but carry no attachments. */
#pragma once

#include <glib.h>
#include <jansson.h>

G_BEGIN_DECLS

typedef enum
{
  CHAT_EIO_OPEN    = 0,
  CHAT_EIO_CLOSE   = 1,
  CHAT_EIO_PING    = 2,
  CHAT_EIO_PONG    = 3,
  CHAT_EIO_MESSAGE = 4,
  CHAT_EIO_UPGRADE = 5,
  CHAT_EIO_NOOP    = 6,
} ChatEioType;

typedef enum
{
  CHAT_SIO_CONNECT       = 0,
  CHAT_SIO_DISCONNECT    = 1,
  CHAT_SIO_EVENT         = 2,
  CHAT_SIO_ACK           = 3,
  CHAT_SIO_CONNECT_ERROR = 4,
  CHAT_SIO_BINARY_EVENT  = 5,
  CHAT_SIO_BINARY_ACK    = 6,
} ChatSioType;

typedef struct
{
  ChatEioType  eio_type;
  ChatSioType  sio_type;  /* valid when eio_type == CHAT_EIO_MESSAGE */
  gint64       ack_id;    /* -1 when the packet has none */
  gchar       *nsp;       /* "/" unless the packet names another namespace */
  json_t      *data;      /* the JSON payload, or NULL */
  const char  *event;     /* EVENT: the event name, borrowed from data */
} ChatPacket;

typedef struct
{
  gchar  *sid;
  guint   ping_interval_ms;
  guint   ping_timeout_ms;
} ChatEioHandshake;

#define CHAT_EIO_ERROR (chat_eio_error_quark ())
GQuark chat_eio_error_quark (void);

/* Parses one text frame into *packet (cleared first). Returns FALSE with
 * error set when the frame is not a valid packet; *packet is then empty.
 * Free the result with chat_packet_clear(). */
gboolean     chat_packet_parse           (const char        *text,
                                          gsize              len,
                                          ChatPacket        *packet,
                                          GError           **error);
void         chat_packet_clear           (ChatPacket        *packet);

/* EVENT/ACK: argument number i (0 = first after the event name for events,
 * first element for acks), borrowed, or NULL. */
json_t      *chat_packet_arg             (const ChatPacket  *packet,
                                          guint              i);

/* Reads the OPEN packet's object; defaults 25000/20000 ms as the reference
 * servers. Returns FALSE if data is not an object with a string "sid". */
gboolean     chat_eio_handshake_parse    (json_t            *data,
                                          ChatEioHandshake  *out);
void         chat_eio_handshake_clear    (ChatEioHandshake  *hs);

/* "40{"token":"<token>"}". Caller frees with g_free(). */
gchar       *chat_sio_encode_connect     (const char        *token);

/* "42[event,payload]" or "42<ack_id>[event,payload]" when ack_id >= 0.
 * payload is borrowed. Caller frees with g_free(). */
gchar       *chat_sio_encode_event       (const char        *event,
                                          json_t            *payload,
                                          gint64             ack_id);

/* ws(s)://host[:port][/prefix]/socket.io/?EIO=4&transport=websocket from
 * an http(s) base URL. Returns NULL with error set for another scheme or
 * a malformed URL. Caller frees with g_free(). */
gchar       *chat_eio_websocket_url      (const char        *base_url,
                                          GError           **error);

/* json_dumps() into GLib memory (compact). Caller frees with g_free(). */
gchar       *chat_json_to_string         (json_t            *value);

G_END_DECLS
