/* chat-contacts.h -- the contacts list: parse /get_contacts_list answers and
 * keep presence up to date in a GListStore of ChatContact.
 *
 * The store is what the UI binds its list to; these functions are the only
 * ones that change it. No I/O: bodies come from ChatSession. */
#pragma once

#include <gio/gio.h>

#include "chat-contact.h"

G_BEGIN_DECLS

typedef enum
{
  CHAT_CONTACTS_OK,
  CHAT_CONTACTS_DENIED,   /* the JWT was refused: log in again */
  CHAT_CONTACTS_FAILED,   /* anything else: error answer, not JSON, ... */
} ChatContactsResult;

/* Parses an answer for user me. On CHAT_CONTACTS_OK *contacts gets a new
 * array of ChatContact (every user but me, sorted by name; caller frees
 * with g_ptr_array_unref); otherwise *detail gets the reason (g_free). */
ChatContactsResult  chat_contacts_parse        (const char   *me,
                                                guint         http_status,
                                                const char   *body,
                                                gsize         len,
                                                GPtrArray   **contacts,
                                                gchar       **detail);

/* Replaces the store's items with those of contacts (borrowed). */
void                chat_contacts_replace      (GListStore   *store,
                                                GPtrArray    *contacts);

/* The contact called name, borrowed, or NULL; *position if found. */
ChatContact        *chat_contacts_find         (GListStore   *store,
                                                const char   *name,
                                                guint        *position);

/* new_user_online / user_has_gone_offline for name. Updates the contact,
 * or adds one (a user created after the list was fetched) when it comes
 * online. Events about me are ignored. Returns TRUE if the store changed. */
gboolean            chat_contacts_set_presence (GListStore   *store,
                                                const char   *me,
                                                const char   *name,
                                                gboolean      online);

/* The room of two users: both names sorted by byte order and joined by
 * '&' ("Era&Lisa"), as the server names it. Caller frees with g_free(). */
gchar              *chat_contacts_room_name    (const char   *a,
                                                const char   *b);

/* The other member of room for user me ("Avi&Lisa", "Lisa" -> "Avi"), or
 * NULL if me is not in it. Caller frees with g_free(). */
gchar              *chat_contacts_room_peer    (const char   *room,
                                                const char   *me);

G_END_DECLS
