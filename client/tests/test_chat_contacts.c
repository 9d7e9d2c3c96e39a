/* test_chat_contacts.c -- contacts answers and live presence updates in the
 * list store the UI shows (client/core/chat-contacts.c, chat-contact.c). */
#define G_LOG_DOMAIN "test-chat-contacts"

#include "chat-test.h"
#include "chat-contacts.h"

/* an answer as the auth service gives it to Lisa */
static const char *lisa_answer =
  "{\"contacts\":{\"Avi\":\"Avi&Lisa\",\"Era\":\"Era&Lisa\","
  "\"ChatGPT\":\"ChatGPT&Lisa\",\"Tsahi\":\"Lisa&Tsahi\","
  "\"Admin\":\"Admin&Lisa\",\"Leonid\":\"Leonid&Lisa\"},"
  "\"currently_online\":[\"Lisa\",\"Avi\",\"ChatGPT\"],"
  "\"all_existing_contacts\":[\"Admin\",\"Avi\",\"ChatGPT\",\"Era\","
  "\"Leonid\",\"Lisa\",\"Tsahi\"]}";

static ChatContactsResult
parse (const char  *me,
       guint        status,
       const char  *body,
       GPtrArray  **out,
       gchar      **detail)
{
  return chat_contacts_parse (me, status, body, strlen (body), out, detail);
}

static const char *
name_at (GListModel *m,
         guint       i)
{
  g_autoptr (ChatContact) c = g_list_model_get_item (m, i);

  return chat_contact_get_name (c);
}

static gboolean
online_at (GListModel *m,
           guint       i)
{
  g_autoptr (ChatContact) c = g_list_model_get_item (m, i);

  return chat_contact_get_online (c);
}

static void
test_answer_lists_every_other_user_sorted_with_presence (void **state)
{
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GListStore) store = g_list_store_new (CHAT_TYPE_CONTACT);
  GListModel *m = G_LIST_MODEL (store);
  ChatContact *avi;

  (void) state;
  assert_int_equal (parse ("Lisa", 200, lisa_answer, &list, NULL),
                    CHAT_CONTACTS_OK);
  chat_contacts_replace (store, list);
  assert_int_equal (g_list_model_get_n_items (m), 6);
  assert_string_equal (name_at (m, 0), "Admin");
  assert_string_equal (name_at (m, 1), "Avi");
  assert_string_equal (name_at (m, 2), "ChatGPT");
  assert_string_equal (name_at (m, 5), "Tsahi");
  assert_false (online_at (m, 0));
  assert_true (online_at (m, 1));
  assert_true (online_at (m, 2));
  assert_false (online_at (m, 3));

  avi = chat_contacts_find (store, "Avi", NULL);
  assert_non_null (avi);
  assert_string_equal (chat_contact_get_room (avi), "Avi&Lisa");
  assert_null (chat_contacts_find (store, "Lisa", NULL));
}

static void
test_self_is_left_out_even_if_listed (void **state)
{
  g_autoptr (GPtrArray) list = NULL;

  (void) state;
  assert_int_equal (parse ("Avi", 200,
                           "{\"contacts\":{\"Avi\":\"Avi&Avi\",\"Lisa\":\"Avi&Lisa\"},"
                           "\"currently_online\":[]}", &list, NULL),
                    CHAT_CONTACTS_OK);
  assert_int_equal (list->len, 1);
  assert_string_equal (chat_contact_get_name (list->pdata[0]), "Lisa");
}

static void
test_missing_online_list_means_all_offline (void **state)
{
  g_autoptr (GPtrArray) list = NULL;

  (void) state;
  assert_int_equal (parse ("Lisa", 200,
                           "{\"contacts\":{\"Era\":\"Era&Lisa\",\"Bad\":7}}",
                           &list, NULL), CHAT_CONTACTS_OK);
  /* an entry without a room string is skipped */
  assert_int_equal (list->len, 1);
  assert_false (chat_contact_get_online (list->pdata[0]));
}

static void
test_invalid_jwt_is_denied (void **state)
{
  g_autoptr (GPtrArray) list = NULL;
  g_autofree gchar *detail = NULL;

  (void) state;
  assert_int_equal (parse ("Lisa", 401, "{\"error\":\"Invalid JWT\"}",
                           &list, &detail), CHAT_CONTACTS_DENIED);
  assert_null (list);
  assert_string_equal (detail, "Invalid JWT");
  g_clear_pointer (&detail, g_free);
  /* the body decides even with a 200 */
  assert_int_equal (parse ("Lisa", 200, "{\"error\":\"Invalid JWT\"}",
                           &list, &detail), CHAT_CONTACTS_DENIED);
}

static void
test_other_errors_fail (void **state)
{
  g_autoptr (GPtrArray) list = NULL;
  g_autofree gchar *detail = NULL;

  (void) state;
  assert_int_equal (parse ("Lisa", 400,
                           "{\"error\":\"The 'get_contact_list' request headers "
                           "must contain username and jwt fields\"}",
                           &list, &detail), CHAT_CONTACTS_FAILED);
  assert_non_null (strstr (detail, "headers"));
  g_clear_pointer (&detail, g_free);
  assert_int_equal (parse ("Lisa", 502, "<html>502 Bad Gateway</html>",
                           &list, &detail), CHAT_CONTACTS_FAILED);
  g_clear_pointer (&detail, g_free);
  assert_int_equal (parse ("Lisa", 200, "{\"contacts\":[]}", &list, &detail),
                    CHAT_CONTACTS_FAILED);
}

static void
test_presence_updates_follow_events (void **state)
{
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GListStore) store = g_list_store_new (CHAT_TYPE_CONTACT);
  ChatContact *era;

  (void) state;
  parse ("Lisa", 200, lisa_answer, &list, NULL);
  chat_contacts_replace (store, list);
  era = chat_contacts_find (store, "Era", NULL);
  assert_false (chat_contact_get_online (era));

  assert_true (chat_contacts_set_presence (store, "Lisa", "Era", TRUE));
  assert_true (chat_contact_get_online (era));
  /* a repeated event changes nothing */
  assert_false (chat_contacts_set_presence (store, "Lisa", "Era", TRUE));
  assert_true (chat_contacts_set_presence (store, "Lisa", "Era", FALSE));
  assert_false (chat_contact_get_online (era));
  /* events about me are not about a contact */
  assert_false (chat_contacts_set_presence (store, "Lisa", "Lisa", TRUE));
  assert_null (chat_contacts_find (store, "Lisa", NULL));
}

static void
test_new_user_coming_online_is_added_in_order (void **state)
{
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GListStore) store = g_list_store_new (CHAT_TYPE_CONTACT);
  ChatContact *c;
  guint pos = 0;

  (void) state;
  parse ("Lisa", 200, lisa_answer, &list, NULL);
  chat_contacts_replace (store, list);
  assert_false (chat_contacts_set_presence (store, "Lisa", "Nobody", FALSE));
  assert_int_equal (g_list_model_get_n_items (G_LIST_MODEL (store)), 6);

  assert_true (chat_contacts_set_presence (store, "Lisa", "Dana", TRUE));
  c = chat_contacts_find (store, "Dana", &pos);
  assert_non_null (c);
  assert_int_equal (pos, 3);
  assert_true (chat_contact_get_online (c));
  assert_string_equal (chat_contact_get_room (c), "Dana&Lisa");
}

static void
test_clearing_the_store (void **state)
{
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GListStore) store = g_list_store_new (CHAT_TYPE_CONTACT);

  (void) state;
  parse ("Lisa", 200, lisa_answer, &list, NULL);
  chat_contacts_replace (store, list);
  chat_contacts_replace (store, NULL);
  assert_int_equal (g_list_model_get_n_items (G_LIST_MODEL (store)), 0);
}

static void
test_room_names_sort_by_byte_order (void **state)
{
  g_autofree gchar *a = chat_contacts_room_name ("Lisa", "Era");
  g_autofree gchar *b = chat_contacts_room_name ("Era", "Lisa");
  g_autofree gchar *c = chat_contacts_room_name ("avi", "Lisa");
  g_autofree gchar *p1 = chat_contacts_room_peer ("Era&Lisa", "Lisa");
  g_autofree gchar *p2 = chat_contacts_room_peer ("Era&Lisa", "Era");
  g_autofree gchar *p3 = chat_contacts_room_peer ("Era&Lisa", "Avi");
  g_autofree gchar *p4 = chat_contacts_room_peer ("nonsense", "Avi");

  (void) state;
  assert_string_equal (a, "Era&Lisa");
  assert_string_equal (b, "Era&Lisa");
  /* byte order: uppercase before lowercase */
  assert_string_equal (c, "Lisa&avi");
  assert_string_equal (p1, "Era");
  assert_string_equal (p2, "Lisa");
  assert_null (p3);
  assert_null (p4);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_answer_lists_every_other_user_sorted_with_presence),
    cmocka_unit_test (test_self_is_left_out_even_if_listed),
    cmocka_unit_test (test_missing_online_list_means_all_offline),
    cmocka_unit_test (test_invalid_jwt_is_denied),
    cmocka_unit_test (test_other_errors_fail),
    cmocka_unit_test (test_presence_updates_follow_events),
    cmocka_unit_test (test_new_user_coming_online_is_added_in_order),
    cmocka_unit_test (test_clearing_the_store),
    cmocka_unit_test (test_room_names_sort_by_byte_order),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
