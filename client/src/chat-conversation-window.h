/* chat-conversation-window.h -- a conversation with one peer: the lines
 * so far, an entry (Enter sends) and a Send button; sending is blocked
 * while the session cannot send. Several can be open at once. */
#pragma once

#include <gtk/gtk.h>

#include "chat-session.h"

G_BEGIN_DECLS

#define CHAT_TYPE_CONVERSATION_WINDOW (chat_conversation_window_get_type ())
G_DECLARE_FINAL_TYPE (ChatConversationWindow, chat_conversation_window, CHAT,
                      CONVERSATION_WINDOW, GtkWindow)

GtkWidget  *chat_conversation_window_new      (GtkApplication         *app,
                                               ChatSession            *session,
                                               ChatConversation       *conv);
const char *chat_conversation_window_get_peer (ChatConversationWindow *self);

G_END_DECLS
