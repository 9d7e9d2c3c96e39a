/* chat-contact.h -- one entry of the contacts list: name, room, presence.
 *
 * A plain GObject (no widgets) so the UI can bind a row to it and follow
 * "notify::online". Owned by the ChatContacts list store. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define CHAT_TYPE_CONTACT (chat_contact_get_type ())
G_DECLARE_FINAL_TYPE (ChatContact, chat_contact, CHAT, CONTACT, GObject)

ChatContact *chat_contact_new        (const char  *name,
                                      const char  *room,
                                      gboolean     online);
const char  *chat_contact_get_name   (ChatContact *self);
const char  *chat_contact_get_room   (ChatContact *self);
gboolean     chat_contact_get_online (ChatContact *self);
/* Returns TRUE when the value changed (and "notify::online" was emitted). */
gboolean     chat_contact_set_online (ChatContact *self,
                                      gboolean     online);

G_END_DECLS
