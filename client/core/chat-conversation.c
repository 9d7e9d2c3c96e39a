/* chat-conversation.c -- ChatConversation: a peer name and a GListStore of
 * ChatLine in arrival order (our own lines when sent). */
#define G_LOG_DOMAIN "chat-conversation"

#include "chat-conversation.h"

struct _ChatConversation
{
  GObject     parent_instance;
  gchar      *peer;
  GListStore *lines;
};

G_DEFINE_FINAL_TYPE (ChatConversation, chat_conversation, G_TYPE_OBJECT)

static void
chat_conversation_dispose (GObject *object)
{
  ChatConversation *self = CHAT_CONVERSATION (object);

  g_clear_object (&self->lines);
  G_OBJECT_CLASS (chat_conversation_parent_class)->dispose (object);
}

static void
chat_conversation_finalize (GObject *object)
{
  ChatConversation *self = CHAT_CONVERSATION (object);

  g_clear_pointer (&self->peer, g_free);
  G_OBJECT_CLASS (chat_conversation_parent_class)->finalize (object);
}

static void
chat_conversation_class_init (ChatConversationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = chat_conversation_dispose;
  object_class->finalize = chat_conversation_finalize;
}

static void
chat_conversation_init (ChatConversation *self)
{
  self->lines = g_list_store_new (CHAT_TYPE_LINE);
}

ChatConversation *
chat_conversation_new (const char *peer)
{
  ChatConversation *self = g_object_new (CHAT_TYPE_CONVERSATION, NULL);

  self->peer = g_strdup (peer);
  return self;
}

const char *
chat_conversation_get_peer (ChatConversation *self)
{
  return self->peer;
}

GListModel *
chat_conversation_get_lines (ChatConversation *self)
{
  return G_LIST_MODEL (self->lines);
}

void
chat_conversation_append (ChatConversation *self,
                          ChatLine         *line)
{
  g_list_store_append (self->lines, line);
}

guint
chat_conversation_count (ChatConversation *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->lines));
}

ChatLine *
chat_conversation_peek (ChatConversation *self,
                        guint             i)
{
  g_autoptr (ChatLine) line = g_list_model_get_item (G_LIST_MODEL (self->lines), i);

  /* the store keeps its own reference */
  return line;
}
