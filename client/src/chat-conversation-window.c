/* chat-conversation-window.c -- ChatConversationWindow: binds a GtkListBox
 * to the conversation's lines, and turns Enter / Send / Resend into calls
 * on the session. It follows "can-send" to block sending while offline,
 * and the contact's presence for its subtitle. */
#define G_LOG_DOMAIN "chat-conversation-window"

#include "chat-conversation-window.h"
#include "chat-line-row.h"

struct _ChatConversationWindow
{
  GtkWindow          parent_instance;
  ChatSession       *session;
  ChatConversation  *conv;
  GtkListBox        *lines;     /* template children */
  GtkScrolledWindow *scroller;
  GtkEntry          *entry;
  GtkLabel          *blocked;
  GtkLabel          *peer_label;
  ChatContact       *contact;   /* the peer in the contacts list, or NULL */
  guint              scroll_idle;
};

G_DEFINE_FINAL_TYPE (ChatConversationWindow, chat_conversation_window,
                     GTK_TYPE_WINDOW)

static void
on_row_resend_cb (ChatLineRow            *row,
                  ChatConversationWindow *self)
{
  chat_session_resend (self->session, chat_conversation_get_peer (self->conv),
                       chat_line_row_get_line (row));
}

static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  ChatConversationWindow *self = user_data;
  GtkWidget *row = chat_line_row_new (CHAT_LINE (item),
                                      chat_session_get_username (self->session));

  g_signal_connect_object (row, "resend", G_CALLBACK (on_row_resend_cb), self, 0);
  return row;
}

static gboolean
scroll_to_end_cb (gpointer user_data)
{
  ChatConversationWindow *self = user_data;
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->scroller);

  self->scroll_idle = 0;
  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
  return G_SOURCE_REMOVE;
}

static void
on_lines_changed_cb (ChatConversationWindow *self)
{
  /* after the new row has been measured */
  if (self->scroll_idle == 0)
    self->scroll_idle = g_timeout_add (50, scroll_to_end_cb, self);
}

static void
on_can_send_cb (ChatConversationWindow *self)
{
  gboolean can;

  g_object_get (self->session, "can-send", &can, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conversation.send", can);
  gtk_widget_set_sensitive (GTK_WIDGET (self->entry), can);
  gtk_widget_set_visible (GTK_WIDGET (self->blocked), !can);
}

static void
chat_conversation_window_update_peer (ChatConversationWindow *self)
{
  const char *peer = chat_conversation_get_peer (self->conv);
  const char *presence = "";
  g_autofree gchar *text = NULL;

  if (self->contact != NULL)
    presence = chat_contact_get_online (self->contact) ? " · online" :
                                                          " · offline";
  text = g_strdup_printf ("%s%s", peer, presence);
  gtk_label_set_text (self->peer_label, text);
}

/* Follows the peer's ChatContact; the list replaces them on reconnect. */
static void
chat_conversation_window_track_contact (ChatConversationWindow *self)
{
  GListModel *contacts = chat_session_get_contacts (self->session);
  const char *peer = chat_conversation_get_peer (self->conv);
  g_autoptr (ChatContact) found = NULL;

  for (guint i = 0; found == NULL && i < g_list_model_get_n_items (contacts); i++)
    {
      g_autoptr (ChatContact) c = g_list_model_get_item (contacts, i);

      if (g_strcmp0 (chat_contact_get_name (c), peer) == 0)
        found = g_steal_pointer (&c);
    }
  if (found != self->contact)
    {
      if (self->contact != NULL)
        g_signal_handlers_disconnect_by_data (self->contact, self);
      g_set_object (&self->contact, found);
      if (found != NULL)
        g_signal_connect_object (found, "notify::online",
                                 G_CALLBACK (chat_conversation_window_update_peer),
                                 self, G_CONNECT_SWAPPED);
    }
  chat_conversation_window_update_peer (self);
}

static void
on_send_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ChatConversationWindow *self = CHAT_CONVERSATION_WINDOW (widget);
  GtkEditable *editable = GTK_EDITABLE (self->entry);

  (void) action_name;
  (void) parameter;
  if (chat_session_send (self->session, chat_conversation_get_peer (self->conv),
                         gtk_editable_get_text (editable)) != NULL)
    gtk_editable_set_text (editable, "");
}

static void
on_entry_activate_cb (ChatConversationWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "conversation.send", NULL);
}

static void
chat_conversation_window_dispose (GObject *object)
{
  ChatConversationWindow *self = CHAT_CONVERSATION_WINDOW (object);

  g_clear_handle_id (&self->scroll_idle, g_source_remove);
  if (self->contact != NULL)
    g_signal_handlers_disconnect_by_data (self->contact, self);
  g_clear_object (&self->contact);
  gtk_widget_dispose_template (GTK_WIDGET (self), CHAT_TYPE_CONVERSATION_WINDOW);
  g_clear_object (&self->conv);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (chat_conversation_window_parent_class)->dispose (object);
}

static void
chat_conversation_window_class_init (ChatConversationWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = chat_conversation_window_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
      "/org/iseecubes/Client/chat-conversation-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ChatConversationWindow, lines);
  gtk_widget_class_bind_template_child (widget_class, ChatConversationWindow, scroller);
  gtk_widget_class_bind_template_child (widget_class, ChatConversationWindow, entry);
  gtk_widget_class_bind_template_child (widget_class, ChatConversationWindow, blocked);
  gtk_widget_class_bind_template_child (widget_class, ChatConversationWindow, peer_label);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activate_cb);
  gtk_widget_class_install_action (widget_class, "conversation.send", NULL,
                                   on_send_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w,
                                       GDK_CONTROL_MASK, "window.close", NULL);
}

static void
chat_conversation_window_init (ChatConversationWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
chat_conversation_window_new (GtkApplication   *app,
                              ChatSession      *session,
                              ChatConversation *conv)
{
  ChatConversationWindow *self =
    g_object_new (CHAT_TYPE_CONVERSATION_WINDOW, "application", app, NULL);
  g_autofree gchar *title = NULL;
  GListModel *lines = chat_conversation_get_lines (conv);

  self->session = g_object_ref (session);
  self->conv = g_object_ref (conv);
  title = g_strdup_printf ("Conversation between %s and %s",
                           chat_session_get_username (session),
                           chat_conversation_get_peer (conv));
  gtk_window_set_title (GTK_WINDOW (self), title);

  gtk_list_box_bind_model (self->lines, lines, create_row_cb, self, NULL);
  g_signal_connect_object (lines, "items-changed",
                           G_CALLBACK (on_lines_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::can-send",
                           G_CALLBACK (on_can_send_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (chat_session_get_contacts (session), "items-changed",
                           G_CALLBACK (chat_conversation_window_track_contact),
                           self, G_CONNECT_SWAPPED);
  on_can_send_cb (self);
  chat_conversation_window_track_contact (self);
  on_lines_changed_cb (self);
  return GTK_WIDGET (self);
}

const char *
chat_conversation_window_get_peer (ChatConversationWindow *self)
{
  return chat_conversation_get_peer (self->conv);
}
