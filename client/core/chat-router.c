/* chat-router.c -- routing and de-duplication of incoming chat events.
 *
 * Seen message ids are kept in a bounded FIFO set (CHAT_ROUTER_MAX_IDS):
 * enough to catch a redelivery after a reconnect without growing forever. */
#define G_LOG_DOMAIN "chat-router"

#include "chat-router.h"
#include "chat-contacts.h"

#include <string.h>

#define CHAT_ROUTER_MAX_IDS 4096

struct _ChatRouter
{
  GHashTable *seen;   /* id -> NULL; strings owned by order */
  GQueue      order;
};

ChatRouter *
chat_router_new (void)
{
  ChatRouter *router = g_new0 (ChatRouter, 1);

  router->seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_queue_init (&router->order);
  return router;
}

void
chat_router_free (ChatRouter *router)
{
  if (router == NULL)
    return;
  g_clear_pointer (&router->seen, g_hash_table_unref);
  g_queue_clear_full (&router->order, g_free);
  g_free (router);
}

void
chat_incoming_clear (ChatIncoming *in)
{
  g_clear_pointer (&in->peer, g_free);
  g_clear_pointer (&in->sender, g_free);
  g_clear_pointer (&in->content, g_free);
  g_clear_pointer (&in->id, g_free);
  memset (in, 0, sizeof *in);
}

/* TRUE if id was seen before; remembers it otherwise. */
static gboolean
chat_router_seen (ChatRouter *router,
                  const char *id)
{
  gchar *copy;

  if (g_hash_table_contains (router->seen, id))
    return TRUE;
  if (router->order.length >= CHAT_ROUTER_MAX_IDS)
    {
      gchar *old = g_queue_pop_head (&router->order);

      g_hash_table_remove (router->seen, old);
      g_free (old);
    }
  copy = g_strdup (id);
  g_queue_push_tail (&router->order, copy);
  g_hash_table_add (router->seen, copy);
  return FALSE;
}

gint64
chat_router_time (json_t *value,
                  gint64  fallback)
{
  double n;

  if (json_is_number (value))
    {
      n = json_number_value (value);
      if (n > 1e11)
        n /= 1000.0;
      return n > 0 ? (gint64) n : fallback;
    }
  if (json_is_string (value))
    {
      g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
      g_autoptr (GDateTime) dt =
        g_date_time_new_from_iso8601 (json_string_value (value), utc);

      if (dt != NULL)
        return g_date_time_to_unix (dt);
    }
  return fallback;
}

/* The id as text: string or integer. Caller frees. */
static gchar *
chat_router_id (json_t *payload)
{
  json_t *id = json_object_get (payload, "id");

  if (json_is_string (id) && json_string_length (id) > 0)
    return g_strdup (json_string_value (id));
  if (json_is_integer (id))
    return g_strdup_printf ("%" JSON_INTEGER_FORMAT, json_integer_value (id));
  return NULL;
}

static const char *
chat_router_room (json_t *payload)
{
  const char *room = json_string_value (json_object_get (payload, "room"));

  if (room == NULL)
    room = json_string_value (json_object_get (payload, "conversation_room"));
  return room;
}

ChatIncomingKind
chat_router_route (ChatRouter   *router,
                   ChatOutbox   *outbox,
                   const char   *me,
                   const char   *event,
                   json_t       *payload,
                   gint64        now_s,
                   ChatIncoming *out)
{
  const char *sender = json_string_value (json_object_get (payload, "sender"));
  const char *content = json_string_value (json_object_get (payload, "content"));
  const char *room = chat_router_room (payload);
  g_autofree gchar *id = chat_router_id (payload);
  g_autofree gchar *peer = NULL;
  gboolean from_me = FALSE;

  memset (out, 0, sizeof *out);
  if (sender == NULL || *sender == '\0' || content == NULL)
    return CHAT_INCOMING_INVALID;

  if (g_strcmp0 (event, "received_message") == 0 &&
      g_strcmp0 (sender, me) == 0)
    {
      if (outbox != NULL && chat_outbox_claim_echo (outbox, room, content, id))
        return CHAT_INCOMING_OWN_ECHO;
      peer = chat_contacts_room_peer (room, me);
      /* without a room we cannot tell whom we wrote to: as the original */
      if (peer == NULL)
        return CHAT_INCOMING_OWN_ECHO;
      from_me = TRUE;
    }
  else
    peer = g_strdup (sender);

  if (id != NULL && chat_router_seen (router, id))
    return CHAT_INCOMING_DUPLICATE;

  out->peer = g_steal_pointer (&peer);
  out->sender = g_strdup (sender);
  out->content = g_strdup (content);
  out->id = g_steal_pointer (&id);
  out->time_s = chat_router_time (json_object_get (payload, "timestamp"), now_s);
  out->from_me = from_me;
  return CHAT_INCOMING_SHOW;
}
