/* chat-window.c -- ChatWindow: renders the session's status, notice and
 * contacts, and turns the four buttons into window actions (win.login,
 * win.connect, win.chat-with, win.disconnect) whose "enabled" follows the
 * session's can-* properties. Opening a conversation is the application's
 * job (app.open-conversation), so incoming messages and Chat With share it. */
#define G_LOG_DOMAIN "chat-window"

#include "chat-window.h"
#include "chat-contact-row.h"
#include "chat-login-dialog.h"

struct _ChatWindow
{
  GtkApplicationWindow  parent_instance;
  ChatSession          *session;
  gchar                *last_user;
  GtkLabel             *status;       /* template children */
  GtkLabel             *activity;
  GtkLabel             *notice;
  GtkListBox           *contacts;
  GtkLabel             *server;
};

G_DEFINE_FINAL_TYPE (ChatWindow, chat_window, GTK_TYPE_APPLICATION_WINDOW)

static void
chat_window_update_status (ChatWindow *self)
{
  const ChatState *s = chat_session_get_state (self->session);
  static const char *const classes[] = {
    "status-offline", "status-online", "status-error", NULL
  };
  const char *cls = s->status == CHAT_STATUS_ONLINE ? "status-online" :
                    s->status == CHAT_STATUS_OFFLINE ? "status-offline" :
                    "status-error";

  gtk_label_set_text (self->status, chat_status_to_string (s->status));
  for (guint i = 0; classes[i] != NULL; i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->status), classes[i]);
  gtk_widget_add_css_class (GTK_WIDGET (self->status), cls);
}

static void
chat_window_update_notice (ChatWindow *self)
{
  const char *text = chat_session_get_notice (self->session);
  gboolean good = chat_session_get_state (self->session)->status ==
                  CHAT_STATUS_ONLINE;

  gtk_label_set_text (self->notice, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->notice),
                          text != NULL && *text != '\0');
  if (good)
    gtk_widget_add_css_class (GTK_WIDGET (self->notice), "good");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->notice), "good");
}

static void
chat_window_update_server (ChatWindow *self)
{
  g_autofree gchar *text = g_strdup_printf ("Server: %s",
                                            chat_session_get_server (self->session));

  gtk_label_set_text (self->server, text);
}

/* Chat With needs the session's consent and a selected contact. */
static void
chat_window_update_chat_with (ChatWindow *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "chat-with");
  gboolean can;

  g_object_get (self->session, "can-chat", &can, NULL);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action),
                               can && gtk_list_box_get_selected_row (self->contacts) != NULL);
}

static GtkWidget *
create_contact_row_cb (gpointer item,
                       gpointer user_data)
{
  (void) user_data;
  return chat_contact_row_new (CHAT_CONTACT (item));
}

static void
chat_window_open_conversation (ChatWindow     *self,
                               ChatContactRow *row)
{
  const char *peer = chat_contact_get_name (chat_contact_row_get_contact (row));

  gtk_widget_activate_action (GTK_WIDGET (self), "app.open-conversation",
                              "s", peer);
}

static void
on_row_activated_cb (ChatWindow    *self,
                     GtkListBoxRow *row)
{
  gboolean can;

  g_object_get (self->session, "can-chat", &can, NULL);
  if (can)
    chat_window_open_conversation (self, CHAT_CONTACT_ROW (row));
}

static void
on_login_action (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  ChatWindow *self = user_data;
  GtkWidget *dialog = chat_login_dialog_new (GTK_WINDOW (self), self->session,
                                             self->last_user);

  (void) action;
  (void) parameter;
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_connect_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  (void) action;
  (void) parameter;
  chat_session_connect (CHAT_WINDOW (user_data)->session);
}

static void
on_chat_with_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  ChatWindow *self = user_data;
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->contacts);

  (void) action;
  (void) parameter;
  if (row != NULL)
    chat_window_open_conversation (self, CHAT_CONTACT_ROW (row));
}

static void
on_disconnect_action (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  (void) action;
  (void) parameter;
  chat_session_disconnect (CHAT_WINDOW (user_data)->session);
}

static const GActionEntry win_actions[] = {
  { "login", on_login_action, NULL, NULL, NULL },
  { "connect", on_connect_action, NULL, NULL, NULL },
  { "chat-with", on_chat_with_action, NULL, NULL, NULL },
  { "disconnect", on_disconnect_action, NULL, NULL, NULL },
};

static void
chat_window_bind_actions (ChatWindow *self)
{
  static const char *const pairs[][2] = {
    { "can-login", "login" },
    { "can-connect", "connect" },
    { "can-disconnect", "disconnect" },
  };

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions,
                                   G_N_ELEMENTS (win_actions), self);
  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    g_object_bind_property (self->session, pairs[i][0],
                            g_action_map_lookup_action (G_ACTION_MAP (self),
                                                        pairs[i][1]),
                            "enabled", G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->session, "title", self, "title",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->session, "activity", self->activity, "label",
                          G_BINDING_SYNC_CREATE);
}

static void
chat_window_dispose (GObject *object)
{
  ChatWindow *self = CHAT_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CHAT_TYPE_WINDOW);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (chat_window_parent_class)->dispose (object);
}

static void
chat_window_finalize (GObject *object)
{
  ChatWindow *self = CHAT_WINDOW (object);

  g_clear_pointer (&self->last_user, g_free);
  G_OBJECT_CLASS (chat_window_parent_class)->finalize (object);
}

static void
chat_window_class_init (ChatWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = chat_window_dispose;
  G_OBJECT_CLASS (klass)->finalize = chat_window_finalize;
  gtk_widget_class_set_template_from_resource (widget_class,
      "/org/iseecubes/Client/chat-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ChatWindow, status);
  gtk_widget_class_bind_template_child (widget_class, ChatWindow, activity);
  gtk_widget_class_bind_template_child (widget_class, ChatWindow, notice);
  gtk_widget_class_bind_template_child (widget_class, ChatWindow, contacts);
  gtk_widget_class_bind_template_child (widget_class, ChatWindow, server);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class,
                                           chat_window_update_chat_with);
}

static void
chat_window_init (ChatWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
chat_window_new (GtkApplication *app,
                 ChatSession    *session,
                 const char     *last_user)
{
  ChatWindow *self = g_object_new (CHAT_TYPE_WINDOW, "application", app, NULL);

  self->session = g_object_ref (session);
  self->last_user = g_strdup (last_user);
  chat_window_bind_actions (self);
  gtk_list_box_bind_model (self->contacts, chat_session_get_contacts (session),
                           create_contact_row_cb, self, NULL);

  g_signal_connect_object (session, "notify::status",
                           G_CALLBACK (chat_window_update_status), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::notice",
                           G_CALLBACK (chat_window_update_notice), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::status",
                           G_CALLBACK (chat_window_update_notice), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::server",
                           G_CALLBACK (chat_window_update_server), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::can-chat",
                           G_CALLBACK (chat_window_update_chat_with), self,
                           G_CONNECT_SWAPPED);
  chat_window_update_status (self);
  chat_window_update_notice (self);
  chat_window_update_server (self);
  chat_window_update_chat_with (self);
  return GTK_WIDGET (self);
}

void
chat_window_set_last_user (ChatWindow *self,
                           const char *user)
{
  g_free (self->last_user);
  self->last_user = g_strdup (user);
}
