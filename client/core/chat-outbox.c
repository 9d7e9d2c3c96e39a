/* chat-outbox.c -- pending acks by Socket.IO ack id, and our message ids.
 *
 * Ack bodies: {"result":"delivered"|"cached"|"error","id":...}; the id may
 * be a string or a number and is kept as text. Own ids are remembered in a
 * bounded FIFO set (CHAT_OUTBOX_MAX_IDS) so a long session does not grow. */
#define G_LOG_DOMAIN "chat-outbox"

#include "chat-outbox.h"

#define CHAT_OUTBOX_MAX_IDS 2048

typedef struct
{
  ChatLine *line;
  gchar    *room;
  gchar    *echo_id;     /* id of the echo claimed for this line */
  gint64    deadline_us;
  gboolean  expired;
} ChatOutboxEntry;

struct _ChatOutbox
{
  GHashTable *pending;   /* gint64* ack id -> ChatOutboxEntry* */
  GHashTable *own_ids;   /* gchar* -> NULL: ids of our messages */
  GQueue      own_order; /* the same ids, oldest first, for eviction */
};

static void
chat_outbox_entry_free (gpointer data)
{
  ChatOutboxEntry *e = data;

  g_clear_object (&e->line);
  g_clear_pointer (&e->room, g_free);
  g_clear_pointer (&e->echo_id, g_free);
  g_free (e);
}

ChatOutbox *
chat_outbox_new (void)
{
  ChatOutbox *outbox = g_new0 (ChatOutbox, 1);

  outbox->pending = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                           g_free, chat_outbox_entry_free);
  /* the queue owns the id strings; the table only points at them */
  outbox->own_ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_queue_init (&outbox->own_order);
  return outbox;
}

void
chat_outbox_free (ChatOutbox *outbox)
{
  if (outbox == NULL)
    return;
  g_clear_pointer (&outbox->pending, g_hash_table_unref);
  g_clear_pointer (&outbox->own_ids, g_hash_table_unref);
  g_queue_clear_full (&outbox->own_order, g_free);
  g_free (outbox);
}

static void
chat_outbox_remember_id (ChatOutbox *outbox,
                         const char *id)
{
  gchar *copy;

  if (id == NULL || g_hash_table_contains (outbox->own_ids, id))
    return;
  if (outbox->own_order.length >= CHAT_OUTBOX_MAX_IDS)
    {
      gchar *old = g_queue_pop_head (&outbox->own_order);

      g_hash_table_remove (outbox->own_ids, old);
      g_free (old);
    }
  copy = g_strdup (id);
  g_queue_push_tail (&outbox->own_order, copy);
  g_hash_table_add (outbox->own_ids, copy);
}

void
chat_outbox_add (ChatOutbox *outbox,
                 gint64      ack_id,
                 ChatLine   *line,
                 const char *room,
                 gint64      deadline_us)
{
  ChatOutboxEntry *e = g_new0 (ChatOutboxEntry, 1);
  gint64 *key = g_new (gint64, 1);

  *key = ack_id;
  e->line = g_object_ref (line);
  e->room = g_strdup (room);
  e->deadline_us = deadline_us;
  chat_line_set_state (line, CHAT_LINE_PENDING, NULL);
  g_hash_table_replace (outbox->pending, key, e);
}

/* The id of an ack as text ("17" for 17), or NULL. Caller frees. */
static gchar *
chat_outbox_id_text (json_t *id)
{
  if (json_is_string (id))
    return g_strdup (json_string_value (id));
  if (json_is_integer (id))
    return g_strdup_printf ("%" JSON_INTEGER_FORMAT, json_integer_value (id));
  return NULL;
}

ChatLine *
chat_outbox_ack (ChatOutbox *outbox,
                 gint64      ack_id,
                 json_t     *args)
{
  ChatOutboxEntry *e = g_hash_table_lookup (outbox->pending, &ack_id);
  json_t *body = json_array_get (args, 0);
  const char *result = json_string_value (json_object_get (body, "result"));
  const char *err = json_string_value (json_object_get (body, "error"));
  g_autofree gchar *id = chat_outbox_id_text (json_object_get (body, "id"));
  ChatLine *line;

  if (e == NULL)
    return NULL;
  line = g_object_ref (e->line);

  if (id != NULL)
    {
      chat_line_set_message_id (line, id);
      chat_outbox_remember_id (outbox, id);
    }
  if (g_strcmp0 (result, "delivered") == 0)
    chat_line_set_state (line, CHAT_LINE_SENT, NULL);
  else if (g_strcmp0 (result, "cached") == 0)
    chat_line_set_state (line, CHAT_LINE_CACHED, NULL);
  else if (g_strcmp0 (result, "error") == 0)
    chat_line_set_state (line, CHAT_LINE_FAILED,
                         err != NULL ? err : "the server could not take it");
  else
    chat_line_set_state (line, CHAT_LINE_FAILED,
                         "unexpected answer from the server");

  g_hash_table_remove (outbox->pending, &ack_id);
  return line;
}

gboolean
chat_outbox_claim_echo (ChatOutbox *outbox,
                        const char *room,
                        const char *content,
                        const char *message_id)
{
  GHashTableIter iter;
  gpointer value;

  if (message_id != NULL && g_hash_table_contains (outbox->own_ids, message_id))
    return TRUE;

  g_hash_table_iter_init (&iter, outbox->pending);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      ChatOutboxEntry *e = value;

      if (e->echo_id != NULL)
        continue;
      if (room != NULL && g_strcmp0 (e->room, room) != 0)
        continue;
      if (g_strcmp0 (chat_line_get_content (e->line), content) != 0)
        continue;
      e->echo_id = g_strdup (message_id != NULL ? message_id : "");
      chat_outbox_remember_id (outbox, message_id);
      return TRUE;
    }
  return FALSE;
}

guint
chat_outbox_fail_all (ChatOutbox *outbox,
                      const char *reason)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_hash_table_iter_init (&iter, outbox->pending);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      ChatOutboxEntry *e = value;

      chat_line_set_state (e->line, CHAT_LINE_FAILED, reason);
      g_hash_table_iter_remove (&iter);
      n++;
    }
  return n;
}

guint
chat_outbox_expire (ChatOutbox *outbox,
                    gint64      now_us,
                    const char *reason)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_hash_table_iter_init (&iter, outbox->pending);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      ChatOutboxEntry *e = value;

      if (e->expired || now_us < e->deadline_us)
        continue;
      e->expired = TRUE;
      chat_line_set_state (e->line, CHAT_LINE_FAILED, reason);
      n++;
    }
  return n;
}

guint
chat_outbox_size (ChatOutbox *outbox)
{
  return g_hash_table_size (outbox->pending);
}
