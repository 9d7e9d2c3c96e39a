/* chat-settings.h -- where the server is, and the few client options.
 *
 * The server address comes from the command line, else ISEECUBES_SERVER,
 * else the settings file, else http://127.0.0.1:5000; the one in use is
 * remembered in a keyfile under g_get_user_config_dir()/iseecubes/. The
 * environment is read here and nowhere else. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CHAT_DEFAULT_SERVER       "http://127.0.0.1:5000"
#define CHAT_DEFAULT_HEARTBEAT_S  6
#define CHAT_ENV_SERVER           "ISEECUBES_SERVER"
#define CHAT_ENV_HEARTBEAT        "ISEECUBES_HEARTBEAT_S"

typedef struct
{
  gchar    *server;          /* normalised http(s) base URL */
  guint     heartbeat_s;     /* connection_alive period, 1..3600 */
  gboolean  auto_reconnect;  /* reconnect by itself while the JWT is valid */
  gchar    *last_user;       /* pre-filled in the log in dialog, or NULL */
} ChatSettings;

void      chat_settings_init          (ChatSettings       *s);
void      chat_settings_clear         (ChatSettings       *s);

/* Loads path into s (missing file: defaults, TRUE). FALSE with error for
 * an unreadable or malformed file; s then keeps the defaults. */
gboolean  chat_settings_load          (ChatSettings       *s,
                                       const char         *path,
                                       GError            **error);
/* Writes s to path, creating the directory. */
gboolean  chat_settings_save          (const ChatSettings *s,
                                       const char         *path,
                                       GError            **error);
/* g_get_user_config_dir()/iseecubes/client.ini. Caller frees. */
gchar    *chat_settings_default_path  (void);

/* The first non-empty of cli, env, saved, or the default, normalised
 * (scheme and host required, trailing '/' removed). NULL with error when
 * the chosen one is not an http(s) URL. Caller frees with g_free(). */
gchar    *chat_settings_pick_server   (const char         *cli,
                                       const char         *env,
                                       const char         *saved,
                                       GError            **error);
/* Parses a heartbeat period in seconds (1..3600); 0 when invalid. */
guint     chat_settings_parse_heartbeat (const char       *text);

/* Applies command line values (NULL/0 = not given) and the environment on
 * top of what was loaded. FALSE with error for a bad value. */
gboolean  chat_settings_resolve       (ChatSettings       *s,
                                       const char         *cli_server,
                                       guint               cli_heartbeat_s,
                                       GError            **error);

G_END_DECLS
