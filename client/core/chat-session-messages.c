/* chat-session-messages.c -- ChatSession's traffic: incoming events to
 * conversations and the contacts list, sending with acks, resending.
 *
 * received_message / ai_response_received go through chat-router.c (who,
 * duplicates, our echoes); presence events update the contacts store (and
 * are logged while the list is loading, then replayed on top of it);
 * client_sends_message goes out with an ack id tracked by chat-outbox.c. */
#define G_LOG_DOMAIN "chat-session"

#include "chat-session-private.h"
#include "chat-contacts.h"

static guint chat_session_incoming_signal (void);

static void
chat_session_on_presence (ChatSession *self,
                          json_t      *arg,
                          gboolean     online)
{
  const char *name = json_string_value (json_object_get (arg, "username"));

  if (name == NULL)
    return;
  if (self->presence_log != NULL)
    g_hash_table_insert (self->presence_log, g_strdup (name),
                         GINT_TO_POINTER (online));
  chat_contacts_set_presence (self->contacts, self->username, name, online);
}

void
_chat_session_replay_presence (ChatSession *self)
{
  GHashTableIter iter;
  gpointer key, value;

  if (self->presence_log == NULL)
    return;
  g_hash_table_iter_init (&iter, self->presence_log);
  while (g_hash_table_iter_next (&iter, &key, &value))
    chat_contacts_set_presence (self->contacts, self->username, key,
                                GPOINTER_TO_INT (value));
  g_clear_pointer (&self->presence_log, g_hash_table_unref);
}

static void
chat_session_on_message (ChatSession *self,
                         const char  *name,
                         json_t      *arg)
{
  ChatIncoming in;
  ChatIncomingKind kind;
  ChatConversation *conv;
  g_autoptr (ChatLine) line = NULL;

  kind = chat_router_route (self->router, self->outbox, self->username, name,
                            arg, g_get_real_time () / G_USEC_PER_SEC, &in);
  if (kind != CHAT_INCOMING_SHOW)
    {
      g_debug ("%s not shown (kind %d)", name, kind);
      return;
    }
  conv = chat_session_get_conversation (self, in.peer);
  line = chat_line_new_incoming (in.sender, in.content, in.time_s, in.id);
  chat_conversation_append (conv, line);
  if (!in.from_me)
    g_signal_emit (self, chat_session_incoming_signal (), 0, conv, line);
  chat_incoming_clear (&in);
}

void
_chat_session_on_event (ChatSocket *socket,
                        const char *name,
                        json_t     *arg,
                        gpointer    user_data)
{
  ChatSession *self = user_data;

  (void) socket;
  if (g_strcmp0 (name, "received_message") == 0 ||
      g_strcmp0 (name, "ai_response_received") == 0)
    chat_session_on_message (self, name, arg);
  else if (g_strcmp0 (name, "new_user_online") == 0)
    chat_session_on_presence (self, arg, TRUE);
  else if (g_strcmp0 (name, "user_has_gone_offline") == 0)
    chat_session_on_presence (self, arg, FALSE);
  else
    g_debug ("ignoring event %s", name);
}

void
_chat_session_on_ack (ChatSocket *socket,
                      gint64      ack_id,
                      json_t     *args,
                      gpointer    user_data)
{
  ChatSession *self = user_data;
  g_autoptr (ChatLine) line = NULL;

  (void) socket;
  line = chat_outbox_ack (self->outbox, ack_id, args);
  if (line == NULL)
    g_debug ("ack %" G_GINT64_FORMAT " for nothing we sent", ack_id);
  _chat_session_sync (self);
}

/* The room shared with peer: from the contacts list, else computed. */
static gchar *
chat_session_room_for (ChatSession *self,
                       const char  *peer)
{
  ChatContact *c = chat_contacts_find (self->contacts, peer, NULL);

  if (c != NULL && chat_contact_get_room (c) != NULL)
    return g_strdup (chat_contact_get_room (c));
  return chat_contacts_room_name (self->username, peer);
}

/* Emits line to peer with an ack id and tracks it; FAILED if not possible. */
static void
chat_session_emit_line (ChatSession *self,
                        const char  *peer,
                        ChatLine    *line)
{
  g_autofree gchar *room = chat_session_room_for (self, peer);
  json_t *payload;
  gint64 ack_id = -1;

  payload = json_pack ("{ss ss ss ss}", "sender", self->username,
                       "content", chat_line_get_content (line),
                       "conversation_room", room,
                       "jwt", self->token != NULL ? self->token : "");
  if (self->socket != NULL && chat_state_can_send (&self->state))
    ack_id = chat_socket_emit (self->socket, "client_sends_message",
                               payload, TRUE);
  json_decref (payload);

  if (ack_id < 0)
    chat_line_set_state (line, CHAT_LINE_FAILED, "not connected");
  else
    chat_outbox_add (self->outbox, ack_id, line, room,
                     g_get_monotonic_time () +
                     (gint64) self->ack_timeout_ms * 1000);
  _chat_session_sync (self);
}

ChatLine *
chat_session_send (ChatSession *self,
                   const char  *peer,
                   const char  *text)
{
  g_autofree gchar *content = g_strdup (text != NULL ? text : "");
  ChatConversation *conv;
  g_autoptr (ChatLine) line = NULL;

  g_strstrip (content);
  if (*content == '\0' || peer == NULL || !chat_state_can_send (&self->state))
    return NULL;
  conv = chat_session_get_conversation (self, peer);
  line = chat_line_new_outgoing (self->username, content,
                                 g_get_real_time () / G_USEC_PER_SEC);
  chat_conversation_append (conv, line);
  chat_session_emit_line (self, peer, line);
  /* the conversation keeps it */
  return line;
}

gboolean
chat_session_resend (ChatSession *self,
                     const char  *peer,
                     ChatLine    *line)
{
  if (!chat_line_get_outgoing (line) ||
      chat_line_get_state (line) != CHAT_LINE_FAILED ||
      !chat_state_can_send (&self->state))
    return FALSE;
  chat_session_emit_line (self, peer, line);
  return TRUE;
}

static guint
chat_session_incoming_signal (void)
{
  static guint id;

  if (id == 0)
    id = g_signal_lookup ("incoming", CHAT_TYPE_SESSION);
  return id;
}
