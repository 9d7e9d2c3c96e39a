/* chat-line-row.c -- ChatLineRow: renders a ChatLine and follows its
 * "state"; the Resend button only emits "resend" for the window to act. */
#define G_LOG_DOMAIN "chat-line-row"

#include "chat-line-row.h"

struct _ChatLineRow
{
  GtkListBoxRow  parent_instance;
  ChatLine      *line;
  GtkLabel      *sender;     /* template children */
  GtkLabel      *time;
  GtkLabel      *content;
  GtkLabel      *state;
  GtkButton     *resend;
};

G_DEFINE_FINAL_TYPE (ChatLineRow, chat_line_row, GTK_TYPE_LIST_BOX_ROW)

enum { SIG_RESEND, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
chat_line_row_update (ChatLineRow *self)
{
  g_autofree gchar *text = chat_line_describe_state (self->line);
  gboolean failed = chat_line_get_state (self->line) == CHAT_LINE_FAILED;

  gtk_label_set_text (self->state, text);
  gtk_widget_set_visible (GTK_WIDGET (self->state), *text != '\0');
  if (failed)
    gtk_widget_add_css_class (GTK_WIDGET (self->state), "failed");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->state), "failed");
  gtk_widget_set_visible (GTK_WIDGET (self->resend), failed);
}

static void
on_resend_clicked_cb (ChatLineRow *self)
{
  g_signal_emit (self, signals[SIG_RESEND], 0);
}

static void
chat_line_row_dispose (GObject *object)
{
  ChatLineRow *self = CHAT_LINE_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CHAT_TYPE_LINE_ROW);
  g_clear_object (&self->line);
  G_OBJECT_CLASS (chat_line_row_parent_class)->dispose (object);
}

static void
chat_line_row_class_init (ChatLineRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = chat_line_row_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
      "/org/iseecubes/Client/chat-line-row.ui");
  gtk_widget_class_bind_template_child (widget_class, ChatLineRow, sender);
  gtk_widget_class_bind_template_child (widget_class, ChatLineRow, time);
  gtk_widget_class_bind_template_child (widget_class, ChatLineRow, content);
  gtk_widget_class_bind_template_child (widget_class, ChatLineRow, state);
  gtk_widget_class_bind_template_child (widget_class, ChatLineRow, resend);
  gtk_widget_class_bind_template_callback (widget_class, on_resend_clicked_cb);

  signals[SIG_RESEND] =
    g_signal_new ("resend", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
chat_line_row_init (ChatLineRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
chat_line_row_new (ChatLine   *line,
                   const char *self_name)
{
  ChatLineRow *self = g_object_new (CHAT_TYPE_LINE_ROW, NULL);
  g_autofree gchar *time = chat_line_format_time (line);
  gboolean mine = chat_line_get_outgoing (line) ||
                  g_strcmp0 (chat_line_get_sender (line), self_name) == 0;

  self->line = g_object_ref (line);
  gtk_label_set_text (self->sender, chat_line_get_sender (line));
  gtk_widget_add_css_class (GTK_WIDGET (self->sender),
                            mine ? "sender-self" : "sender");
  gtk_label_set_text (self->time, time);
  gtk_label_set_text (self->content, chat_line_get_content (line));
  g_signal_connect_object (line, "notify::state",
                           G_CALLBACK (chat_line_row_update), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (line, "notify::detail",
                           G_CALLBACK (chat_line_row_update), self,
                           G_CONNECT_SWAPPED);
  chat_line_row_update (self);
  return GTK_WIDGET (self);
}

ChatLine *
chat_line_row_get_line (ChatLineRow *self)
{
  return self->line;
}
