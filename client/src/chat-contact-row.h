/* chat-contact-row.h -- one row of the contacts list: a presence dot, the
 * name and the word "online"/"offline", coloured green/red. */
#pragma once

#include <gtk/gtk.h>

#include "chat-contact.h"

G_BEGIN_DECLS

#define CHAT_TYPE_CONTACT_ROW (chat_contact_row_get_type ())
G_DECLARE_FINAL_TYPE (ChatContactRow, chat_contact_row, CHAT, CONTACT_ROW,
                      GtkListBoxRow)

GtkWidget   *chat_contact_row_new         (ChatContact    *contact);
ChatContact *chat_contact_row_get_contact (ChatContactRow *self);

G_END_DECLS
