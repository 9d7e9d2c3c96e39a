/* chat-login-dialog.c -- ChatLoginDialog: collects the credentials and
 * calls chat_session_log_in(); the answer's meaning (and its text) comes
 * from the core. The request is cancelled if the window closes first. */
#define G_LOG_DOMAIN "chat-login-dialog"

#include "chat-login-dialog.h"

struct _ChatLoginDialog
{
  GtkWindow     parent_instance;
  ChatSession  *session;
  GCancellable *cancellable;
  GtkEditable  *server;      /* template children */
  GtkEditable  *username;
  GtkEditable  *password;
  GtkLabel     *message;
  GtkSpinner   *spinner;
};

G_DEFINE_FINAL_TYPE (ChatLoginDialog, chat_login_dialog, GTK_TYPE_WINDOW)

static void
chat_login_dialog_set_busy (ChatLoginDialog *self,
                            gboolean         busy)
{
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "login.submit", !busy);
  gtk_editable_set_editable (self->username, !busy);
  gtk_editable_set_editable (self->password, !busy);
  gtk_editable_set_editable (self->server, !busy);
}

static void
chat_login_dialog_show_message (ChatLoginDialog *self,
                                const char      *text)
{
  gtk_label_set_text (self->message, text);
  gtk_widget_set_visible (GTK_WIDGET (self->message), text != NULL);
}

static void
on_logged_in_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (ChatLoginDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  ChatLoginOutcome outcome = CHAT_LOGIN_UNEXPECTED;
  const char *message = NULL;

  if (!chat_session_log_in_finish (CHAT_SESSION (source), result, &outcome,
                                   &message, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          chat_login_dialog_set_busy (self, FALSE);
          chat_login_dialog_show_message (self, error->message);
        }
      return;
    }
  chat_login_dialog_set_busy (self, FALSE);
  if (outcome == CHAT_LOGIN_OK)
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }
  /* as the original: try again from empty password */
  gtk_editable_set_text (self->password, "");
  chat_login_dialog_show_message (self, message);
  gtk_widget_grab_focus (GTK_WIDGET (self->password));
}

static void
on_submit_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  ChatLoginDialog *self = CHAT_LOGIN_DIALOG (widget);
  g_autofree gchar *user = g_strstrip (g_strdup (gtk_editable_get_text (self->username)));
  const char *server = gtk_editable_get_text (self->server);

  (void) action_name;
  (void) parameter;
  if (*user == '\0')
    {
      chat_login_dialog_show_message (self, "Please enter your user name.");
      gtk_widget_grab_focus (GTK_WIDGET (self->username));
      return;
    }
  if (*server != '\0')
    chat_session_set_server (self->session, server);
  chat_login_dialog_show_message (self, NULL);
  chat_login_dialog_set_busy (self, TRUE);
  chat_session_log_in (self->session, user,
                       gtk_editable_get_text (self->password),
                       self->cancellable, on_logged_in_cb, g_object_ref (self));
}

static void
on_entry_activate_cb (ChatLoginDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "login.submit", NULL);
}

static void
on_cancel_clicked_cb (ChatLoginDialog *self)
{
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
chat_login_dialog_dispose (GObject *object)
{
  ChatLoginDialog *self = CHAT_LOGIN_DIALOG (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), CHAT_TYPE_LOGIN_DIALOG);
  G_OBJECT_CLASS (chat_login_dialog_parent_class)->dispose (object);
}

static void
chat_login_dialog_class_init (ChatLoginDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = chat_login_dialog_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
      "/org/iseecubes/Client/chat-login-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ChatLoginDialog, server);
  gtk_widget_class_bind_template_child (widget_class, ChatLoginDialog, username);
  gtk_widget_class_bind_template_child (widget_class, ChatLoginDialog, password);
  gtk_widget_class_bind_template_child (widget_class, ChatLoginDialog, message);
  gtk_widget_class_bind_template_child (widget_class, ChatLoginDialog, spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked_cb);
  gtk_widget_class_install_action (widget_class, "login.submit", NULL,
                                   on_submit_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0,
                                       "window.close", NULL);
}

static void
chat_login_dialog_init (ChatLoginDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
chat_login_dialog_new (GtkWindow   *parent,
                       ChatSession *session,
                       const char  *user)
{
  ChatLoginDialog *self = g_object_new (CHAT_TYPE_LOGIN_DIALOG,
                                        "transient-for", parent,
                                        "modal", TRUE, NULL);

  self->session = g_object_ref (session);
  gtk_editable_set_text (self->server, chat_session_get_server (session));
  if (user != NULL)
    {
      gtk_editable_set_text (self->username, user);
      gtk_widget_grab_focus (GTK_WIDGET (self->password));
    }
  return GTK_WIDGET (self);
}
