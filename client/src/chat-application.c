/* chat-application.c -- ChatApplication: wiring between the core and the
 * windows. Reads the options and the settings (chat-settings.c) before
 * startup, creates the session and the main window on activate, opens a
 * conversation window when a message arrives or Chat With asks for one
 * (app.open-conversation), and sends a desktop notification when none of
 * its windows has the focus. On shutdown it disconnects like the
 * original's window close did, waiting briefly for the goodbye to leave. */
#define G_LOG_DOMAIN "chat-application"

#include "chat-application.h"
#include "chat-conversation-window.h"
#include "chat-settings.h"
#include "chat-session.h"
#include "chat-test-script.h"
#include "chat-window.h"

#include <stdio.h>
#include <string.h>

struct _ChatApplication
{
  GtkApplication   parent_instance;
  ChatSettings     settings;      /* in effect (file + env + options) */
  guint            saved_heartbeat_s;  /* as in the file: one-off values */
  gboolean         saved_auto_reconnect; /* are not written back */
  gchar           *settings_path;
  ChatSession     *session;
  GtkWidget       *window;
  ChatTestScript  *script;
  /* command line */
  gchar           *opt_user;
  gchar           *opt_password;
  gboolean         opt_auto_connect;
  int              exit_code;
};

G_DEFINE_FINAL_TYPE (ChatApplication, chat_application, GTK_TYPE_APPLICATION)

static const GOptionEntry chat_options[] = {
  { "server", 's', 0, G_OPTION_ARG_STRING, NULL,
    "Chat server address (default: $ISEECUBES_SERVER, the saved one, "
    "http://127.0.0.1:5000)", "URL" },
  { "user", 'u', 0, G_OPTION_ARG_STRING, NULL, "Log in as USER at start", "USER" },
  { "password", 'p', 0, G_OPTION_ARG_STRING, NULL, "Password for --user", "PASSWORD" },
  { "auto-connect", 'c', 0, G_OPTION_ARG_NONE, NULL,
    "Connect once logged in", NULL },
  { "heartbeat", 0, 0, G_OPTION_ARG_INT, NULL,
    "Seconds between connection_alive events (default 6)", "SECONDS" },
  { "no-reconnect", 0, 0, G_OPTION_ARG_NONE, NULL,
    "Do not reconnect by itself when the server goes away", NULL },
  { "test-script", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    "Run an end-to-end test script (see chat-test-script.h)", "FILE" },
  { NULL }
};

/* Remembers the server and the last user; the heartbeat and reconnect
 * settings are written back as they were read, so a one-off option or
 * environment value does not stick. */
static void
chat_application_save_settings (ChatApplication *self)
{
  g_autoptr (GError) error = NULL;
  ChatSettings out = self->settings;

  out.heartbeat_s = self->saved_heartbeat_s;
  out.auto_reconnect = self->saved_auto_reconnect;
  if (!chat_settings_save (&out, self->settings_path, &error))
    g_warning ("cannot save settings: %s", error->message);
}

/* ---- conversations and notifications -------------------------------------- */

static GtkWidget *
chat_application_find_conversation (ChatApplication *self,
                                    const char      *peer)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self));
       l != NULL; l = l->next)
    if (CHAT_IS_CONVERSATION_WINDOW (l->data) &&
        g_strcmp0 (chat_conversation_window_get_peer (l->data), peer) == 0)
      return l->data;
  return NULL;
}

static GtkWidget *
chat_application_open_conversation (ChatApplication *self,
                                    const char      *peer,
                                    gboolean         focus)
{
  GtkWidget *win = chat_application_find_conversation (self, peer);

  if (win == NULL)
    {
      win = chat_conversation_window_new (GTK_APPLICATION (self), self->session,
                                          chat_session_get_conversation (self->session,
                                                                         peer));
      gtk_window_present (GTK_WINDOW (win));
    }
  else if (focus)
    gtk_window_present (GTK_WINDOW (win));
  return win;
}

static gboolean
chat_application_has_focus (ChatApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self));
       l != NULL; l = l->next)
    if (gtk_window_is_active (l->data))
      return TRUE;
  return FALSE;
}

static void
chat_application_notify (ChatApplication *self,
                         const char      *id,
                         const char      *title,
                         const char      *body,
                         const char      *peer)
{
  g_autoptr (GNotification) n = NULL;
  g_autoptr (GIcon) icon = NULL;

  if (chat_application_has_focus (self))
    return;
  n = g_notification_new (title);
  g_notification_set_body (n, body);
  icon = g_themed_icon_new ("org.iseecubes.Client");
  g_notification_set_icon (n, icon);
  if (peer != NULL)
    g_notification_set_default_action_and_target (n, "app.open-conversation",
                                                  "s", peer);
  g_application_send_notification (G_APPLICATION (self), id, n);
}

static void
on_incoming_cb (ChatApplication  *self,
                ChatConversation *conv,
                ChatLine         *line)
{
  const char *peer = chat_conversation_get_peer (conv);
  g_autofree gchar *id = g_strdup_printf ("message-%s", peer);
  g_autofree gchar *title = g_strdup_printf ("Message from %s",
                                             chat_line_get_sender (line));
  const char *content = chat_line_get_content (line);
  /* g_utf8_substring() must not be asked for more than there is */
  g_autofree gchar *body = g_utf8_strlen (content, -1) > 200 ?
                           g_utf8_substring (content, 0, 200) :
                           g_strdup (content);

  /* as the original: a message opens its conversation if it is closed */
  chat_application_open_conversation (self, peer, FALSE);
  chat_application_notify (self, id, title, body, peer);
}

static void
on_server_down_cb (ChatApplication *self)
{
  chat_application_notify (self, "server-down", "Chat server is down",
                           chat_session_get_notice (self->session), NULL);
}

static void
on_reset_cb (ChatApplication *self)
{
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  for (GList *l = windows; l != NULL; l = l->next)
    if (CHAT_IS_CONVERSATION_WINDOW (l->data))
      gtk_window_destroy (l->data);
  g_list_free (windows);
}

static void
on_username_cb (ChatApplication *self)
{
  const char *user = chat_session_get_username (self->session);

  g_free (self->settings.last_user);
  self->settings.last_user = g_strdup (user);
  if (self->window != NULL)
    chat_window_set_last_user (CHAT_WINDOW (self->window), user);
  chat_application_save_settings (self);
}

static void
on_server_cb (ChatApplication *self)
{
  g_free (self->settings.server);
  self->settings.server = g_strdup (chat_session_get_server (self->session));
  chat_application_save_settings (self);
}

static void
on_open_conversation_action (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  ChatApplication *self = user_data;

  (void) action;
  chat_application_open_conversation (self, g_variant_get_string (parameter, NULL),
                                      TRUE);
}

static void
on_quit_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  (void) action;
  (void) parameter;
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "open-conversation", on_open_conversation_action, "s", NULL, NULL },
  { "quit", on_quit_action, NULL, NULL, NULL },
};

/* ---- start-up ------------------------------------------------------------- */

static void
on_auto_login_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (ChatApplication) self = user_data;
  g_autoptr (GError) error = NULL;
  ChatLoginOutcome outcome;
  const char *message = NULL;

  if (!chat_session_log_in_finish (CHAT_SESSION (source), result, &outcome,
                                   &message, &error))
    {
      g_warning ("log in at start: %s", error->message);
      return;
    }
  if (outcome != CHAT_LOGIN_OK)
    {
      g_warning ("log in at start: %s", message);
      return;
    }
  if (self->opt_auto_connect)
    chat_session_connect (self->session);
}

static void
on_script_done_cb (int      exit_code,
                   gpointer user_data)
{
  ChatApplication *self = user_data;

  self->exit_code = exit_code;
  g_application_quit (G_APPLICATION (self));
}

static gboolean
on_main_close_cb (ChatApplication *self)
{
  /* closing the main window ends the app, conversations included */
  g_application_quit (G_APPLICATION (self));
  return FALSE;
}

static void
chat_application_create_session (ChatApplication *self)
{
  self->session = chat_session_new (self->settings.server);
  g_object_set (self->session, "heartbeat-seconds", self->settings.heartbeat_s,
                "auto-reconnect", self->settings.auto_reconnect, NULL);
  g_signal_connect_object (self->session, "incoming",
                           G_CALLBACK (on_incoming_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "server-down",
                           G_CALLBACK (on_server_down_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "reset",
                           G_CALLBACK (on_reset_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::username",
                           G_CALLBACK (on_username_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::server",
                           G_CALLBACK (on_server_cb), self, G_CONNECT_SWAPPED);
}

static void
chat_application_activate (GApplication *app)
{
  ChatApplication *self = CHAT_APPLICATION (app);

  if (self->window != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->window));
      return;
    }
  self->window = chat_window_new (GTK_APPLICATION (self), self->session,
                                  self->settings.last_user);
  g_signal_connect_object (self->window, "close-request",
                           G_CALLBACK (on_main_close_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (self->window));

  if (self->opt_user != NULL)
    chat_session_log_in (self->session, self->opt_user,
                         self->opt_password != NULL ? self->opt_password : "",
                         NULL, on_auto_login_cb, g_object_ref (self));
  if (self->script != NULL)
    chat_test_script_start (self->script, GTK_APPLICATION (self), self->session,
                            on_script_done_cb, self);
}

static void
chat_application_startup (GApplication *app)
{
  ChatApplication *self = CHAT_APPLICATION (app);
  g_autoptr (GtkCssProvider) css = gtk_css_provider_new ();

  G_APPLICATION_CLASS (chat_application_parent_class)->startup (app);
  gtk_css_provider_load_from_resource (css, "/org/iseecubes/Client/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  gtk_window_set_default_icon_name ("org.iseecubes.Client");
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  chat_application_create_session (self);
}

static void
chat_application_shutdown (GApplication *app)
{
  ChatApplication *self = CHAT_APPLICATION (app);

  if (self->session != NULL)
    chat_session_shutdown (self->session, 1000);
  G_APPLICATION_CLASS (chat_application_parent_class)->shutdown (app);
}

/* Reads options, settings and environment before anything starts;
 * returns an exit status to stop here, or -1 to go on. */
static gint
chat_application_handle_local_options (GApplication *app,
                                       GVariantDict *options)
{
  ChatApplication *self = CHAT_APPLICATION (app);
  g_autoptr (GError) error = NULL;
  const char *server = NULL, *script = NULL;
  gint heartbeat = 0;

  g_variant_dict_lookup (options, "server", "&s", &server);
  g_variant_dict_lookup (options, "user", "s", &self->opt_user);
  g_variant_dict_lookup (options, "password", "s", &self->opt_password);
  g_variant_dict_lookup (options, "auto-connect", "b", &self->opt_auto_connect);
  g_variant_dict_lookup (options, "heartbeat", "i", &heartbeat);
  g_variant_dict_lookup (options, "test-script", "^&ay", &script);

  if (!chat_settings_load (&self->settings, self->settings_path, &error))
    {
      g_printerr ("iseecubes-client: %s (using defaults)\n", error->message);
      g_clear_error (&error);
    }
  self->saved_heartbeat_s = self->settings.heartbeat_s;
  self->saved_auto_reconnect = self->settings.auto_reconnect;
  if (heartbeat < 0 || heartbeat > 3600 ||
      !chat_settings_resolve (&self->settings, server, (guint) heartbeat, &error))
    {
      g_printerr ("iseecubes-client: %s\n",
                  error != NULL ? error->message :
                  "--heartbeat: expected seconds in [1, 3600]");
      return 2;
    }
  if (g_variant_dict_contains (options, "no-reconnect"))
    self->settings.auto_reconnect = FALSE;
  if (script != NULL &&
      (self->script = chat_test_script_load (script, &error)) == NULL)
    {
      g_printerr ("iseecubes-client: %s\n", error->message);
      return 2;
    }
  /* remember the address in use */
  chat_application_save_settings (self);
  return -1;
}

static void
chat_application_dispose (GObject *object)
{
  ChatApplication *self = CHAT_APPLICATION (object);

  g_clear_pointer (&self->script, chat_test_script_free);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (chat_application_parent_class)->dispose (object);
}

static void
chat_application_finalize (GObject *object)
{
  ChatApplication *self = CHAT_APPLICATION (object);

  chat_settings_clear (&self->settings);
  g_clear_pointer (&self->settings_path, g_free);
  g_clear_pointer (&self->opt_user, g_free);
  if (self->opt_password != NULL)
    explicit_bzero (self->opt_password, strlen (self->opt_password));
  g_clear_pointer (&self->opt_password, g_free);
  G_OBJECT_CLASS (chat_application_parent_class)->finalize (object);
}

static void
chat_application_class_init (ChatApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = chat_application_dispose;
  G_OBJECT_CLASS (klass)->finalize = chat_application_finalize;
  app_class->activate = chat_application_activate;
  app_class->startup = chat_application_startup;
  app_class->shutdown = chat_application_shutdown;
  app_class->handle_local_options = chat_application_handle_local_options;
}

static void
chat_application_init (ChatApplication *self)
{
  chat_settings_init (&self->settings);
  self->settings_path = chat_settings_default_path ();
  g_application_add_main_option_entries (G_APPLICATION (self), chat_options);
  g_application_set_option_context_summary (G_APPLICATION (self),
      "I See Cubes: a one-to-one chat client (GTK 4).");
}

ChatApplication *
chat_application_new (void)
{
  return g_object_new (CHAT_TYPE_APPLICATION,
                       "application-id", "org.iseecubes.Client",
                       "flags", G_APPLICATION_NON_UNIQUE,
                       NULL);
}

int
chat_application_get_exit_code (ChatApplication *self)
{
  return self->exit_code;
}
