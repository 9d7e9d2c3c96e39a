/* chat-line-row.h -- one line of a conversation: sender and time, the
 * text, and for our own lines the delivery state with a Resend button
 * when it failed. Emits "resend" (no arguments) when that is clicked. */
#pragma once

#include <gtk/gtk.h>

#include "chat-line.h"

G_BEGIN_DECLS

#define CHAT_TYPE_LINE_ROW (chat_line_row_get_type ())
G_DECLARE_FINAL_TYPE (ChatLineRow, chat_line_row, CHAT, LINE_ROW, GtkListBoxRow)

/* self_name: the logged-in user, to style our own lines. */
GtkWidget *chat_line_row_new      (ChatLine    *line,
                                   const char  *self_name);
ChatLine  *chat_line_row_get_line (ChatLineRow *self);

G_END_DECLS
