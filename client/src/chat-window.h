/* chat-window.h -- the main window: "I See Cubes", the connection status,
 * Log In / Connect / Chat With / Disconnect, and the contacts list. The
 * window title is the session's ("Please log in", "Hello, <user>!"). */
#pragma once

#include <gtk/gtk.h>

#include "chat-session.h"

G_BEGIN_DECLS

#define CHAT_TYPE_WINDOW (chat_window_get_type ())
G_DECLARE_FINAL_TYPE (ChatWindow, chat_window, CHAT, WINDOW, GtkApplicationWindow)

/* last_user pre-fills the log in dialog (may be NULL). */
GtkWidget *chat_window_new            (GtkApplication *app,
                                       ChatSession    *session,
                                       const char     *last_user);
void       chat_window_set_last_user  (ChatWindow     *self,
                                       const char     *user);

G_END_DECLS
