/* chat-test-script.h -- the end-to-end test hook: runs a small script of
 * UI steps against the running app (--test-script FILE), in the main loop.
 *
 * Each line is a command; "wait-*" commands poll until what they look for
 * is on screen or the timeout passes. Steps go through the same actions
 * and widgets a person uses (the Log In dialog, win.connect, the contact
 * rows, the conversation entry). Commands:
 *   timeout SECONDS              per-step timeout from now on (default 20)
 *   login USER PASSWORD          open Log In, fill it, press Log In
 *   wait-login-message TEXT      the dialog shows TEXT
 *   wait-no-login-dialog         the dialog has closed
 *   connect | disconnect         press Connect / Disconnect
 *   wait-status TEXT             "Connection status" shows exactly TEXT
 *   wait-title TEXT              the main window's title is TEXT
 *   wait-notice TEXT             the notice banner contains TEXT
 *   wait-contact NAME STATE      the row of NAME says STATE (online/offline)
 *   wait-contacts N              the list shows N contacts
 *   chat-with NAME               select NAME, press Chat With
 *   activate-contact NAME        double click NAME's row
 *   wait-line PEER TEXT          PEER's conversation shows a line with TEXT
 *   wait-line-state PEER STATE TEXT   ... whose state label contains STATE
 *   send PEER TEXT               type TEXT in PEER's conversation, Enter
 *   expect WINDOW TEXT           WINDOW's text dump contains TEXT
 *   expect-not WINDOW TEXT       ... does not contain TEXT
 *   snapshot WINDOW PATH         save WINDOW as PNG (main, login, PEER;
 *                                WINDOW#ID: only the widget with that id)
 *   dump WINDOW PATH             save WINDOW's (or WINDOW#ID's) text dump
 *   print TEXT                   "test-script: TEXT" on stdout (for sync)
 *   wait-file PATH               until PATH exists
 *   sleep MS | quit
 * WINDOW is "main", "login" or a peer name (its conversation window). */
#pragma once

#include <gtk/gtk.h>

#include "chat-session.h"

G_BEGIN_DECLS

typedef struct _ChatTestScript ChatTestScript;

/* Called once with 0 (every step passed) or 1. */
typedef void (*ChatTestScriptDone) (int exit_code, gpointer user_data);

ChatTestScript *chat_test_script_load  (const char          *path,
                                        GError             **error);
void            chat_test_script_start (ChatTestScript      *script,
                                        GtkApplication      *app,
                                        ChatSession         *session,
                                        ChatTestScriptDone   done,
                                        gpointer             user_data);
void            chat_test_script_free  (ChatTestScript      *script);

G_END_DECLS
