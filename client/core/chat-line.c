/* chat-line.c -- ChatLine: sender, content, time, direction, and the
 * delivery state of our own lines. Properties "state" and "detail" notify
 * on change; the rest is fixed at construction. */
#define G_LOG_DOMAIN "chat-line"

#include "chat-line.h"

struct _ChatLine
{
  GObject        parent_instance;
  gchar         *sender;
  gchar         *content;
  gchar         *detail;      /* why it failed, or NULL */
  gchar         *message_id;  /* the server's id, once known */
  gint64         time_s;
  gboolean       outgoing;
  ChatLineState  state;
};

G_DEFINE_ENUM_TYPE (ChatLineState, chat_line_state,
  G_DEFINE_ENUM_VALUE (CHAT_LINE_RECEIVED, "received"),
  G_DEFINE_ENUM_VALUE (CHAT_LINE_PENDING, "pending"),
  G_DEFINE_ENUM_VALUE (CHAT_LINE_SENT, "sent"),
  G_DEFINE_ENUM_VALUE (CHAT_LINE_CACHED, "cached"),
  G_DEFINE_ENUM_VALUE (CHAT_LINE_FAILED, "failed"))

G_DEFINE_FINAL_TYPE (ChatLine, chat_line, G_TYPE_OBJECT)

enum { PROP_0, PROP_STATE, PROP_DETAIL, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
chat_line_finalize (GObject *object)
{
  ChatLine *self = CHAT_LINE (object);

  g_clear_pointer (&self->sender, g_free);
  g_clear_pointer (&self->content, g_free);
  g_clear_pointer (&self->detail, g_free);
  g_clear_pointer (&self->message_id, g_free);
  G_OBJECT_CLASS (chat_line_parent_class)->finalize (object);
}

static void
chat_line_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  ChatLine *self = CHAT_LINE (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_DETAIL:
      g_value_set_string (value, self->detail);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chat_line_class_init (ChatLineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = chat_line_finalize;
  object_class->get_property = chat_line_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, CHAT_TYPE_LINE_STATE,
                       CHAT_LINE_RECEIVED,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DETAIL] =
    g_param_spec_string ("detail", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
chat_line_init (ChatLine *self)
{
  (void) self;
}

static ChatLine *
chat_line_new (const char *sender,
               const char *content,
               gint64      time_s,
               gboolean    outgoing)
{
  ChatLine *self = g_object_new (CHAT_TYPE_LINE, NULL);

  self->sender = g_strdup (sender);
  self->content = g_strdup (content);
  self->time_s = time_s;
  self->outgoing = outgoing;
  self->state = outgoing ? CHAT_LINE_PENDING : CHAT_LINE_RECEIVED;
  return self;
}

ChatLine *
chat_line_new_incoming (const char *sender,
                        const char *content,
                        gint64      time_s,
                        const char *message_id)
{
  ChatLine *self = chat_line_new (sender, content, time_s, FALSE);

  self->message_id = g_strdup (message_id);
  return self;
}

ChatLine *
chat_line_new_outgoing (const char *sender,
                        const char *content,
                        gint64      time_s)
{
  return chat_line_new (sender, content, time_s, TRUE);
}

const char *
chat_line_get_sender (ChatLine *self)
{
  return self->sender;
}

const char *
chat_line_get_content (ChatLine *self)
{
  return self->content;
}

gint64
chat_line_get_time (ChatLine *self)
{
  return self->time_s;
}

gboolean
chat_line_get_outgoing (ChatLine *self)
{
  return self->outgoing;
}

ChatLineState
chat_line_get_state (ChatLine *self)
{
  return self->state;
}

const char *
chat_line_get_detail (ChatLine *self)
{
  return self->detail;
}

const char *
chat_line_get_message_id (ChatLine *self)
{
  return self->message_id;
}

void
chat_line_set_state (ChatLine      *self,
                     ChatLineState  state,
                     const char    *detail)
{
  g_return_if_fail (CHAT_IS_LINE (self));
  g_object_freeze_notify (G_OBJECT (self));
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  if (g_strcmp0 (self->detail, detail) != 0)
    {
      g_free (self->detail);
      self->detail = g_strdup (detail);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DETAIL]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

void
chat_line_set_message_id (ChatLine   *self,
                          const char *message_id)
{
  g_return_if_fail (CHAT_IS_LINE (self));
  g_free (self->message_id);
  self->message_id = g_strdup (message_id);
}

gchar *
chat_line_format_time (ChatLine *self)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (self->time_s);
  g_autoptr (GDateTime) local = NULL;

  if (utc == NULL)
    return g_strdup ("--:--");
  local = g_date_time_to_local (utc);
  return g_date_time_format (local, "%H:%M");
}

gchar *
chat_line_describe_state (ChatLine *self)
{
  switch (self->state)
    {
    case CHAT_LINE_PENDING:
      return g_strdup ("Sending…");
    case CHAT_LINE_SENT:
      return g_strdup ("✓ Delivered");
    case CHAT_LINE_CACHED:
      return g_strdup ("✓ Stored, delivered when they are online");
    case CHAT_LINE_FAILED:
      return g_strdup_printf ("⚠ Not sent: %s",
                              self->detail != NULL ? self->detail : "error");
    case CHAT_LINE_RECEIVED:
    default:
      return g_strdup ("");
    }
}
