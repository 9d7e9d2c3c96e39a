/* chat-eio.c -- Engine.IO v4 / Socket.IO v5 text packets: parse and encode.
 *
 * Pure functions, no I/O: ChatSocket hands in the text of a websocket frame
 * and sends the strings built here. A Socket.IO packet rides in an Engine.IO
 * MESSAGE ("4"): type digit, optional "<n>-" attachment count (binary),
 * optional "/nsp,", optional ack id digits, optional JSON. */
#define G_LOG_DOMAIN "chat-eio"

#include "chat-eio.h"

#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK (chat-eio-error-quark, chat_eio_error)

/* Longest ack id we accept: 15 digits fit a gint64 with room to spare. */
#define CHAT_EIO_MAX_ID_DIGITS 15

gchar *
chat_json_to_string (json_t *value)
{
  char *s = json_dumps (value, JSON_COMPACT | JSON_ENCODE_ANY);
  gchar *out = g_strdup (s);

  free (s);
  return out;
}

void
chat_packet_clear (ChatPacket *packet)
{
  g_clear_pointer (&packet->nsp, g_free);
  if (packet->data != NULL)
    json_decref (packet->data);
  memset (packet, 0, sizeof *packet);
  packet->ack_id = -1;
}

static gboolean
chat_eio_parse_json (const char  *p,
                     const char  *end,
                     json_t     **out,
                     GError     **error)
{
  json_error_t jerr;

  *out = NULL;
  if (p == end)
    return TRUE;
  *out = json_loadb (p, (size_t) (end - p), JSON_DECODE_ANY, &jerr);
  if (*out == NULL)
    {
      g_set_error (error, CHAT_EIO_ERROR, 0, "bad JSON in packet: %s",
                   jerr.text);
      return FALSE;
    }
  return TRUE;
}

/* The part after the Engine.IO "4": a Socket.IO packet. */
static gboolean
chat_sio_parse (const char  *p,
                const char  *end,
                ChatPacket  *packet,
                GError     **error)
{
  if (p == end || *p < '0' || *p > '6')
    {
      g_set_error (error, CHAT_EIO_ERROR, 0, "bad Socket.IO packet type");
      return FALSE;
    }
  packet->sio_type = (ChatSioType) (*p++ - '0');

  if (packet->sio_type == CHAT_SIO_BINARY_EVENT ||
      packet->sio_type == CHAT_SIO_BINARY_ACK)
    {
      while (p < end && g_ascii_isdigit (*p))
        p++;
      if (p == end || *p != '-')
        {
          g_set_error (error, CHAT_EIO_ERROR, 0, "bad attachment count");
          return FALSE;
        }
      p++;
    }

  if (p < end && *p == '/')
    {
      const char *comma = memchr (p, ',', (size_t) (end - p));
      const char *stop = comma != NULL ? comma : end;

      packet->nsp = g_strndup (p, (gsize) (stop - p));
      p = comma != NULL ? comma + 1 : end;
    }
  else
    packet->nsp = g_strdup ("/");

  if (p < end && g_ascii_isdigit (*p))
    {
      const char *start = p;

      while (p < end && g_ascii_isdigit (*p))
        p++;
      if (p - start > CHAT_EIO_MAX_ID_DIGITS)
        {
          g_set_error (error, CHAT_EIO_ERROR, 0, "ack id too long");
          return FALSE;
        }
      packet->ack_id = g_ascii_strtoll (start, NULL, 10);
    }

  if (!chat_eio_parse_json (p, end, &packet->data, error))
    return FALSE;

  if (packet->sio_type == CHAT_SIO_EVENT ||
      packet->sio_type == CHAT_SIO_BINARY_EVENT)
    {
      json_t *name = json_array_get (packet->data, 0);

      if (!json_is_string (name))
        {
          g_set_error (error, CHAT_EIO_ERROR, 0,
                       "event without a name");
          return FALSE;
        }
      packet->event = json_string_value (name);
    }
  else if (packet->sio_type == CHAT_SIO_ACK && !json_is_array (packet->data))
    {
      g_set_error (error, CHAT_EIO_ERROR, 0, "ack without an array");
      return FALSE;
    }
  return TRUE;
}

gboolean
chat_packet_parse (const char  *text,
                   gsize        len,
                   ChatPacket  *packet,
                   GError     **error)
{
  const char *end = text + len;
  gboolean ok = TRUE;

  memset (packet, 0, sizeof *packet);
  packet->ack_id = -1;

  if (len == 0 || text[0] < '0' || text[0] > '6')
    {
      g_set_error (error, CHAT_EIO_ERROR, 0, "bad Engine.IO packet type");
      return FALSE;
    }
  packet->eio_type = (ChatEioType) (text[0] - '0');

  switch (packet->eio_type)
    {
    case CHAT_EIO_OPEN:
      ok = chat_eio_parse_json (text + 1, end, &packet->data, error) &&
           json_is_object (packet->data);
      if (ok == FALSE && error != NULL && *error == NULL)
        g_set_error (error, CHAT_EIO_ERROR, 0, "open packet without object");
      break;
    case CHAT_EIO_MESSAGE:
      ok = chat_sio_parse (text + 1, end, packet, error);
      break;
    default:
      /* ping/pong may carry "probe"; nothing else carries data we use */
      break;
    }

  if (!ok)
    chat_packet_clear (packet);
  return ok;
}

json_t *
chat_packet_arg (const ChatPacket *packet,
                 guint             i)
{
  if (packet->eio_type != CHAT_EIO_MESSAGE || !json_is_array (packet->data))
    return NULL;
  if (packet->sio_type == CHAT_SIO_EVENT ||
      packet->sio_type == CHAT_SIO_BINARY_EVENT)
    i++;
  return json_array_get (packet->data, i);
}

gboolean
chat_eio_handshake_parse (json_t           *data,
                          ChatEioHandshake *out)
{
  json_t *sid = json_object_get (data, "sid");
  json_t *pi = json_object_get (data, "pingInterval");
  json_t *pt = json_object_get (data, "pingTimeout");

  memset (out, 0, sizeof *out);
  if (!json_is_string (sid))
    return FALSE;
  out->sid = g_strdup (json_string_value (sid));
  out->ping_interval_ms = 25000;
  out->ping_timeout_ms = 20000;
  if (json_is_integer (pi) && json_integer_value (pi) > 0 &&
      json_integer_value (pi) < G_MAXINT)
    out->ping_interval_ms = (guint) json_integer_value (pi);
  if (json_is_integer (pt) && json_integer_value (pt) > 0 &&
      json_integer_value (pt) < G_MAXINT)
    out->ping_timeout_ms = (guint) json_integer_value (pt);
  return TRUE;
}

void
chat_eio_handshake_clear (ChatEioHandshake *hs)
{
  g_clear_pointer (&hs->sid, g_free);
}

gchar *
chat_sio_encode_connect (const char *token)
{
  json_t *auth = json_pack ("{ss}", "token", token != NULL ? token : "");
  gchar *json = chat_json_to_string (auth);
  gchar *out = g_strconcat ("40", json, NULL);

  json_decref (auth);
  g_free (json);
  return out;
}

gchar *
chat_sio_encode_event (const char *event,
                       json_t     *payload,
                       gint64      ack_id)
{
  json_t *array = json_array ();
  gchar *json, *out;

  json_array_append_new (array, json_string (event));
  if (payload != NULL)
    json_array_append (array, payload);
  json = chat_json_to_string (array);
  if (ack_id >= 0)
    out = g_strdup_printf ("42%" G_GINT64_FORMAT "%s", ack_id, json);
  else
    out = g_strconcat ("42", json, NULL);
  json_decref (array);
  g_free (json);
  return out;
}

gchar *
chat_eio_websocket_url (const char  *base_url,
                        GError     **error)
{
  g_autoptr (GUri) uri = NULL;
  const char *scheme, *path, *ws;
  g_autofree gchar *prefix = NULL;
  g_autofree gchar *full = NULL;
  g_autoptr (GUri) out = NULL;

  uri = g_uri_parse (base_url, G_URI_FLAGS_NONE, error);
  if (uri == NULL)
    return NULL;
  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") == 0)
    ws = "ws";
  else if (g_ascii_strcasecmp (scheme, "https") == 0)
    ws = "wss";
  else
    {
      g_set_error (error, CHAT_EIO_ERROR, 0,
                   "server address must start with http:// or https://");
      return NULL;
    }
  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, CHAT_EIO_ERROR, 0, "server address has no host");
      return NULL;
    }

  /* keep a path prefix (a proxy sub-path), without its trailing slashes */
  path = g_uri_get_path (uri);
  prefix = g_strdup (path);
  while (*prefix != '\0' && prefix[strlen (prefix) - 1] == '/')
    prefix[strlen (prefix) - 1] = '\0';
  full = g_strconcat (prefix, "/socket.io/", NULL);

  out = g_uri_build (G_URI_FLAGS_NONE, ws, NULL, g_uri_get_host (uri),
                     g_uri_get_port (uri), full,
                     "EIO=4&transport=websocket", NULL);
  return g_uri_to_string (out);
}
