/* chat-login-dialog.h -- the Log In window: server, user name, password;
 * shows the original client's message when logging in fails and closes
 * itself when it succeeds. */
#pragma once

#include <gtk/gtk.h>

#include "chat-session.h"

G_BEGIN_DECLS

#define CHAT_TYPE_LOGIN_DIALOG (chat_login_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ChatLoginDialog, chat_login_dialog, CHAT, LOGIN_DIALOG,
                      GtkWindow)

/* user may be NULL (nothing pre-filled). */
GtkWidget *chat_login_dialog_new (GtkWindow   *parent,
                                  ChatSession *session,
                                  const char  *user);

G_END_DECLS
