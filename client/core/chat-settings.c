/* chat-settings.c -- the settings keyfile and the server address choice.
 *
 * File format (GKeyFile):
 *   [client]
 *   server=http://127.0.0.1:5000
 *   heartbeat-seconds=6
 *   auto-reconnect=true
 *   last-user=Lisa */
#define G_LOG_DOMAIN "chat-settings"

#include "chat-settings.h"

#include <errno.h>
#include <string.h>

#define CHAT_SETTINGS_GROUP "client"

void
chat_settings_init (ChatSettings *s)
{
  s->server = g_strdup (CHAT_DEFAULT_SERVER);
  s->heartbeat_s = CHAT_DEFAULT_HEARTBEAT_S;
  s->auto_reconnect = TRUE;
  s->last_user = NULL;
}

void
chat_settings_clear (ChatSettings *s)
{
  g_clear_pointer (&s->server, g_free);
  g_clear_pointer (&s->last_user, g_free);
}

gchar *
chat_settings_default_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "iseecubes",
                           "client.ini", NULL);
}

guint
chat_settings_parse_heartbeat (const char *text)
{
  guint64 v = 0;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, 3600, &v, NULL))
    return 0;
  return (guint) v;
}

gchar *
chat_settings_pick_server (const char  *cli,
                           const char  *env,
                           const char  *saved,
                           GError     **error)
{
  const char *pick = CHAT_DEFAULT_SERVER;
  g_autoptr (GUri) uri = NULL;
  g_autofree gchar *trimmed = NULL;
  const char *scheme;

  if (cli != NULL && *cli != '\0')
    pick = cli;
  else if (env != NULL && *env != '\0')
    pick = env;
  else if (saved != NULL && *saved != '\0')
    pick = saved;

  trimmed = g_strstrip (g_strdup (pick));
  while (*trimmed != '\0' && trimmed[strlen (trimmed) - 1] == '/')
    trimmed[strlen (trimmed) - 1] = '\0';

  uri = g_uri_parse (trimmed, G_URI_FLAGS_NONE, error);
  if (uri == NULL)
    return NULL;
  scheme = g_uri_get_scheme (uri);
  if ((g_ascii_strcasecmp (scheme, "http") != 0 &&
       g_ascii_strcasecmp (scheme, "https") != 0) ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "server address \"%s\": expected http://host[:port]",
                   trimmed);
      return NULL;
    }
  return g_steal_pointer (&trimmed);
}

gboolean
chat_settings_load (ChatSettings  *s,
                    const char    *path,
                    GError       **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) local = NULL;
  g_autofree gchar *server = NULL;
  gint hb;

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local))
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }

  server = g_key_file_get_string (kf, CHAT_SETTINGS_GROUP, "server", NULL);
  if (server != NULL && *server != '\0')
    {
      g_free (s->server);
      s->server = g_steal_pointer (&server);
    }
  hb = g_key_file_get_integer (kf, CHAT_SETTINGS_GROUP, "heartbeat-seconds",
                               &local);
  if (local == NULL && hb >= 1 && hb <= 3600)
    s->heartbeat_s = (guint) hb;
  g_clear_error (&local);
  if (g_key_file_has_key (kf, CHAT_SETTINGS_GROUP, "auto-reconnect", NULL))
    s->auto_reconnect = g_key_file_get_boolean (kf, CHAT_SETTINGS_GROUP,
                                                "auto-reconnect", NULL);
  g_free (s->last_user);
  s->last_user = g_key_file_get_string (kf, CHAT_SETTINGS_GROUP, "last-user",
                                        NULL);
  return TRUE;
}

gboolean
chat_settings_save (const ChatSettings  *s,
                    const char          *path,
                    GError             **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autofree gchar *dir = g_path_get_dirname (path);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   "%s: %s", dir, g_strerror (saved_errno));
      return FALSE;
    }
  g_key_file_set_string (kf, CHAT_SETTINGS_GROUP, "server", s->server);
  g_key_file_set_integer (kf, CHAT_SETTINGS_GROUP, "heartbeat-seconds",
                          (gint) s->heartbeat_s);
  g_key_file_set_boolean (kf, CHAT_SETTINGS_GROUP, "auto-reconnect",
                          s->auto_reconnect);
  if (s->last_user != NULL)
    g_key_file_set_string (kf, CHAT_SETTINGS_GROUP, "last-user", s->last_user);
  return g_key_file_save_to_file (kf, path, error);
}

gboolean
chat_settings_resolve (ChatSettings  *s,
                       const char    *cli_server,
                       guint          cli_heartbeat_s,
                       GError       **error)
{
  const char *env_hb = g_getenv (CHAT_ENV_HEARTBEAT);
  gchar *server;

  server = chat_settings_pick_server (cli_server, g_getenv (CHAT_ENV_SERVER),
                                      s->server, error);
  if (server == NULL)
    return FALSE;
  g_free (s->server);
  s->server = server;

  if (cli_heartbeat_s > 0)
    s->heartbeat_s = cli_heartbeat_s;
  else if (env_hb != NULL && *env_hb != '\0')
    {
      guint hb = chat_settings_parse_heartbeat (env_hb);

      if (hb == 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "%s=\"%s\": expected seconds in [1, 3600]",
                       CHAT_ENV_HEARTBEAT, env_hb);
          return FALSE;
        }
      s->heartbeat_s = hb;
    }
  return TRUE;
}
