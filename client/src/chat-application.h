/* chat-application.h -- ChatApplication: command line, settings, the one
 * ChatSession, the main window, conversation windows and notifications.
 *
 * Options: --server URL (else ISEECUBES_SERVER, the settings file, the
 * default), --user/--password/--auto-connect (log in, and connect, at
 * start), --heartbeat SECONDS, --no-reconnect, --test-script FILE. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CHAT_TYPE_APPLICATION (chat_application_get_type ())
G_DECLARE_FINAL_TYPE (ChatApplication, chat_application, CHAT, APPLICATION,
                      GtkApplication)

ChatApplication *chat_application_new           (void);
/* The status the process should exit with (a failed test script: 1). */
int              chat_application_get_exit_code (ChatApplication *self);

G_END_DECLS
