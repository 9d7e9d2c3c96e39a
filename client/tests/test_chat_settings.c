/* test_chat_settings.c -- the server address choice (command line, then
 * ISEECUBES_SERVER, then the settings file, then the default) and the
 * settings keyfile (client/core/chat-settings.c). */
#define G_LOG_DOMAIN "test-chat-settings"

#include "chat-test.h"
#include "chat-settings.h"

#include <glib/gstdio.h>

static gchar *
pick (const char *cli,
      const char *env,
      const char *saved)
{
  g_autoptr (GError) error = NULL;
  gchar *s = chat_settings_pick_server (cli, env, saved, &error);

  assert_null (error);
  return s;
}

static void
test_server_priority_is_cli_env_saved_default (void **state)
{
  g_autofree gchar *a = pick ("http://cli:1", "http://env:2", "http://saved:3");
  g_autofree gchar *b = pick (NULL, "http://env:2", "http://saved:3");
  g_autofree gchar *c = pick ("", "", "http://saved:3");
  g_autofree gchar *d = pick (NULL, NULL, NULL);

  (void) state;
  assert_string_equal (a, "http://cli:1");
  assert_string_equal (b, "http://env:2");
  assert_string_equal (c, "http://saved:3");
  assert_string_equal (d, "http://127.0.0.1:5000");
}

static void
test_server_address_is_normalised_or_refused (void **state)
{
  g_autofree gchar *a = pick (" http://h:5000/ ", NULL, NULL);
  g_autoptr (GError) error = NULL;

  (void) state;
  assert_string_equal (a, "http://h:5000");
  assert_null (chat_settings_pick_server ("ws://h:1", NULL, NULL, &error));
  assert_non_null (error);
  g_clear_error (&error);
  assert_null (chat_settings_pick_server ("127.0.0.1:5000", NULL, NULL, &error));
  assert_non_null (error);
}

static void
test_heartbeat_must_be_sane (void **state)
{
  (void) state;
  assert_int_equal (chat_settings_parse_heartbeat ("6"), 6);
  assert_int_equal (chat_settings_parse_heartbeat ("0"), 0);
  assert_int_equal (chat_settings_parse_heartbeat ("3601"), 0);
  assert_int_equal (chat_settings_parse_heartbeat ("6s"), 0);
  assert_int_equal (chat_settings_parse_heartbeat (NULL), 0);
}

static void
test_settings_file_round_trips (void **state)
{
  g_autofree gchar *dir = g_dir_make_tmp ("chat-settings-XXXXXX", NULL);
  g_autofree gchar *path = g_build_filename (dir, "sub", "client.ini", NULL);
  g_autofree gchar *sub = g_path_get_dirname (path);
  g_autoptr (GError) error = NULL;
  ChatSettings a, b;

  (void) state;
  chat_settings_init (&a);
  g_free (a.server);
  a.server = g_strdup ("http://saved:9");
  a.heartbeat_s = 3;
  a.auto_reconnect = FALSE;
  a.last_user = g_strdup ("Lisa");
  assert_true (chat_settings_save (&a, path, &error));

  chat_settings_init (&b);
  assert_true (chat_settings_load (&b, path, &error));
  assert_string_equal (b.server, "http://saved:9");
  assert_int_equal (b.heartbeat_s, 3);
  assert_false (b.auto_reconnect);
  assert_string_equal (b.last_user, "Lisa");

  chat_settings_clear (&a);
  chat_settings_clear (&b);
  g_unlink (path);
  g_rmdir (sub);
  g_rmdir (dir);
}

static void
test_missing_file_gives_defaults_and_bad_file_an_error (void **state)
{
  g_autofree gchar *dir = g_dir_make_tmp ("chat-settings-XXXXXX", NULL);
  g_autofree gchar *path = g_build_filename (dir, "client.ini", NULL);
  g_autoptr (GError) error = NULL;
  ChatSettings s;

  (void) state;
  chat_settings_init (&s);
  assert_true (chat_settings_load (&s, path, &error));
  assert_string_equal (s.server, CHAT_DEFAULT_SERVER);
  assert_int_equal (s.heartbeat_s, 6);
  assert_true (s.auto_reconnect);

  assert_true (g_file_set_contents (path, "this is [not a keyfile", -1, NULL));
  assert_false (chat_settings_load (&s, path, &error));
  assert_non_null (error);
  assert_string_equal (s.server, CHAT_DEFAULT_SERVER);
  chat_settings_clear (&s);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_resolve_applies_environment_then_command_line (void **state)
{
  g_autoptr (GError) error = NULL;
  ChatSettings s;

  (void) state;
  chat_settings_init (&s);
  g_setenv (CHAT_ENV_SERVER, "http://env:7/", TRUE);
  g_setenv (CHAT_ENV_HEARTBEAT, "2", TRUE);
  assert_true (chat_settings_resolve (&s, NULL, 0, &error));
  assert_string_equal (s.server, "http://env:7");
  assert_int_equal (s.heartbeat_s, 2);

  assert_true (chat_settings_resolve (&s, "http://cli:8", 9, &error));
  assert_string_equal (s.server, "http://cli:8");
  assert_int_equal (s.heartbeat_s, 9);

  g_setenv (CHAT_ENV_HEARTBEAT, "often", TRUE);
  assert_false (chat_settings_resolve (&s, NULL, 0, &error));
  assert_non_null (strstr (error->message, CHAT_ENV_HEARTBEAT));
  g_unsetenv (CHAT_ENV_SERVER);
  g_unsetenv (CHAT_ENV_HEARTBEAT);
  chat_settings_clear (&s);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_server_priority_is_cli_env_saved_default),
    cmocka_unit_test (test_server_address_is_normalised_or_refused),
    cmocka_unit_test (test_heartbeat_must_be_sane),
    cmocka_unit_test (test_settings_file_round_trips),
    cmocka_unit_test (test_missing_file_gives_defaults_and_bad_file_an_error),
    cmocka_unit_test (test_resolve_applies_environment_then_command_line),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
