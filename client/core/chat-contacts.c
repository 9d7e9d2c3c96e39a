/* chat-contacts.c -- contacts answer parsing and presence updates.
 *
 * Answer: {"contacts":{"<peer>":"<room>",...},"currently_online":[...],
 * "all_existing_contacts":[...]}. "contacts" names every other user with
 * the room we share; "currently_online" says who is green. Errors come as
 * {"error":"..."}; "Invalid JWT" (or HTTP 401/403) means log in again. */
#define G_LOG_DOMAIN "chat-contacts"

#include "chat-contacts.h"

#include <jansson.h>
#include <string.h>

static gint
chat_contacts_compare (gconstpointer a,
                       gconstpointer b,
                       gpointer      user_data)
{
  const char *na = chat_contact_get_name ((ChatContact *) a);
  const char *nb = chat_contact_get_name ((ChatContact *) b);
  gint r;

  (void) user_data;
  r = g_utf8_collate (na, nb);
  return r != 0 ? r : strcmp (na, nb);
}

static gint
chat_contacts_compare_ptr (gconstpointer a,
                           gconstpointer b)
{
  return chat_contacts_compare (*(ChatContact * const *) a,
                                *(ChatContact * const *) b, NULL);
}

static gboolean
chat_contacts_in_list (json_t     *list,
                       const char *name)
{
  size_t i;
  json_t *v;

  json_array_foreach (list, i, v)
    if (json_is_string (v) && g_strcmp0 (json_string_value (v), name) == 0)
      return TRUE;
  return FALSE;
}

static ChatContactsResult
chat_contacts_error (json_t      *obj,
                     guint        http_status,
                     gchar      **detail)
{
  json_t *err = json_object_get (obj, "error");
  const char *text = json_is_string (err) ? json_string_value (err) : NULL;

  if (detail != NULL)
    *detail = g_strdup (text != NULL ? text : "contacts answer without a list");
  if (g_strcmp0 (text, "Invalid JWT") == 0 || http_status == 401 ||
      http_status == 403)
    return CHAT_CONTACTS_DENIED;
  return CHAT_CONTACTS_FAILED;
}

ChatContactsResult
chat_contacts_parse (const char  *me,
                     guint        http_status,
                     const char  *body,
                     gsize        len,
                     GPtrArray  **contacts,
                     gchar      **detail)
{
  json_t *obj, *map, *online, *room;
  const char *name;
  GPtrArray *out;
  ChatContactsResult result = CHAT_CONTACTS_OK;

  *contacts = NULL;
  if (detail != NULL)
    *detail = NULL;

  obj = body != NULL ? json_loadb (body, len, 0, NULL) : NULL;
  if (!json_is_object (obj))
    {
      if (detail != NULL)
        *detail = g_strdup_printf ("contacts answer is not JSON (HTTP %u)",
                                   http_status);
      if (obj != NULL)
        json_decref (obj);
      return http_status == 401 || http_status == 403 ?
             CHAT_CONTACTS_DENIED : CHAT_CONTACTS_FAILED;
    }

  map = json_object_get (obj, "contacts");
  if (!json_is_object (map))
    {
      result = chat_contacts_error (obj, http_status, detail);
      json_decref (obj);
      return result;
    }

  online = json_object_get (obj, "currently_online");
  out = g_ptr_array_new_with_free_func (g_object_unref);
  json_object_foreach (map, name, room)
    {
      if (g_strcmp0 (name, me) == 0 || *name == '\0')
        continue;
      if (!json_is_string (room))
        {
          g_debug ("contact %s without a room name: skipped", name);
          continue;
        }
      g_ptr_array_add (out,
                       chat_contact_new (name, json_string_value (room),
                                         chat_contacts_in_list (online, name)));
    }
  g_ptr_array_sort (out, chat_contacts_compare_ptr);
  json_decref (obj);
  *contacts = out;
  return result;
}

void
chat_contacts_replace (GListStore *store,
                       GPtrArray  *contacts)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (store));

  g_list_store_splice (store, 0, n,
                       contacts != NULL ? contacts->pdata : NULL,
                       contacts != NULL ? contacts->len : 0);
}

ChatContact *
chat_contacts_find (GListStore *store,
                    const char *name,
                    guint      *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (store));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (ChatContact) c = g_list_model_get_item (G_LIST_MODEL (store), i);

      if (g_strcmp0 (chat_contact_get_name (c), name) == 0)
        {
          if (position != NULL)
            *position = i;
          /* the store keeps its reference: borrowed is safe to return */
          return c;
        }
    }
  return NULL;
}

gboolean
chat_contacts_set_presence (GListStore *store,
                            const char *me,
                            const char *name,
                            gboolean    online)
{
  ChatContact *c;
  g_autoptr (ChatContact) added = NULL;
  g_autofree gchar *room = NULL;

  if (name == NULL || *name == '\0' || g_strcmp0 (name, me) == 0)
    return FALSE;
  c = chat_contacts_find (store, name, NULL);
  if (c != NULL)
    return chat_contact_set_online (c, online);
  if (!online)
    return FALSE;

  room = chat_contacts_room_name (me, name);
  added = chat_contact_new (name, room, TRUE);
  g_list_store_insert_sorted (store, added, chat_contacts_compare, NULL);
  return TRUE;
}

gchar *
chat_contacts_room_name (const char *a,
                         const char *b)
{
  if (strcmp (a, b) <= 0)
    return g_strconcat (a, "&", b, NULL);
  return g_strconcat (b, "&", a, NULL);
}

gchar *
chat_contacts_room_peer (const char *room,
                         const char *me)
{
  g_auto (GStrv) parts = NULL;

  if (room == NULL || me == NULL)
    return NULL;
  parts = g_strsplit (room, "&", 2);
  if (g_strv_length (parts) != 2)
    return NULL;
  if (g_strcmp0 (parts[0], me) == 0)
    return g_strdup (parts[1]);
  if (g_strcmp0 (parts[1], me) == 0)
    return g_strdup (parts[0]);
  return NULL;
}
