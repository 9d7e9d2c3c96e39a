/* chat-contact-row.c -- ChatContactRow: renders a ChatContact and follows
 * its "online" property; it never changes the contact. */
#define G_LOG_DOMAIN "chat-contact-row"

#include "chat-contact-row.h"

struct _ChatContactRow
{
  GtkListBoxRow  parent_instance;
  ChatContact   *contact;
  GtkWidget     *dot;        /* template children */
  GtkLabel      *name;
  GtkLabel      *presence;
};

G_DEFINE_FINAL_TYPE (ChatContactRow, chat_contact_row, GTK_TYPE_LIST_BOX_ROW)

static void
chat_contact_row_update (ChatContactRow *self)
{
  gboolean online = chat_contact_get_online (self->contact);
  const char *add = online ? "online" : "offline";
  const char *drop = online ? "offline" : "online";
  g_autofree gchar *tip = NULL;

  gtk_widget_remove_css_class (self->dot, drop);
  gtk_widget_add_css_class (self->dot, add);
  gtk_widget_remove_css_class (GTK_WIDGET (self->name),
                               online ? "contact-offline" : "contact-online");
  gtk_widget_add_css_class (GTK_WIDGET (self->name),
                            online ? "contact-online" : "contact-offline");
  gtk_widget_remove_css_class (GTK_WIDGET (self->presence),
                               online ? "contact-offline" : "contact-online");
  gtk_widget_add_css_class (GTK_WIDGET (self->presence),
                            online ? "contact-online" : "contact-offline");
  gtk_label_set_text (self->presence, online ? "● online" : "○ offline");
  tip = g_strdup_printf (online ? "%s is online: messages arrive at once" :
                         "%s is offline: messages are kept until they return",
                         chat_contact_get_name (self->contact));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), tip);
}

static void
on_online_changed_cb (ChatContactRow *self)
{
  chat_contact_row_update (self);
}

static void
chat_contact_row_dispose (GObject *object)
{
  ChatContactRow *self = CHAT_CONTACT_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CHAT_TYPE_CONTACT_ROW);
  g_clear_object (&self->contact);
  G_OBJECT_CLASS (chat_contact_row_parent_class)->dispose (object);
}

static void
chat_contact_row_class_init (ChatContactRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = chat_contact_row_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
      "/org/iseecubes/Client/chat-contact-row.ui");
  gtk_widget_class_bind_template_child (widget_class, ChatContactRow, dot);
  gtk_widget_class_bind_template_child (widget_class, ChatContactRow, name);
  gtk_widget_class_bind_template_child (widget_class, ChatContactRow, presence);
}

static void
chat_contact_row_init (ChatContactRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
chat_contact_row_new (ChatContact *contact)
{
  ChatContactRow *self = g_object_new (CHAT_TYPE_CONTACT_ROW, NULL);

  self->contact = g_object_ref (contact);
  gtk_label_set_text (self->name, chat_contact_get_name (contact));
  g_signal_connect_object (contact, "notify::online",
                           G_CALLBACK (on_online_changed_cb), self,
                           G_CONNECT_SWAPPED);
  chat_contact_row_update (self);
  return GTK_WIDGET (self);
}

ChatContact *
chat_contact_row_get_contact (ChatContactRow *self)
{
  return self->contact;
}
