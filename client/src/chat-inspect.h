/* chat-inspect.h -- look at what is on screen, for the test hook: render a
 * window to PNG with its own renderer, dump the texts of the widgets that
 * are mapped (visible on screen), and find a template child by its id. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Writes the current rendering of widget (a window or any widget in one)
 * to path (PNG). */
gboolean   chat_inspect_snapshot  (GtkWidget   *widget,
                                   const char  *path,
                                   GError     **error);

/* One line per mapped widget that shows something: windows, labels,
 * buttons, entries and list rows, indented by depth, with their id, state
 * and CSS classes, e.g.
 *   label#status "Online" .status-online
 * Passwords are masked. Caller frees with g_free(). */
gchar     *chat_inspect_dump      (GtkWidget   *root);

/* The first widget under root (root included) whose GtkBuilder id is id,
 * or NULL. Borrowed. */
GtkWidget *chat_inspect_find      (GtkWidget   *root,
                                   const char  *id);

G_END_DECLS
