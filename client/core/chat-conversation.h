/* chat-conversation.h -- the lines exchanged with one peer.
 *
 * Conversations live in the session as long as the user stays logged in,
 * so closing a window and reopening it shows the history. The UI binds a
 * list to chat_conversation_get_lines(). */
#pragma once

#include <gio/gio.h>

#include "chat-line.h"

G_BEGIN_DECLS

#define CHAT_TYPE_CONVERSATION (chat_conversation_get_type ())
G_DECLARE_FINAL_TYPE (ChatConversation, chat_conversation, CHAT,
                      CONVERSATION, GObject)

ChatConversation *chat_conversation_new       (const char       *peer);
const char       *chat_conversation_get_peer  (ChatConversation *self);
/* A GListModel of ChatLine, oldest first. Borrowed. */
GListModel       *chat_conversation_get_lines (ChatConversation *self);
void              chat_conversation_append    (ChatConversation *self,
                                               ChatLine         *line);
guint             chat_conversation_count     (ChatConversation *self);
/* Line number i, borrowed, or NULL. */
ChatLine         *chat_conversation_peek      (ChatConversation *self,
                                               guint             i);

G_END_DECLS
