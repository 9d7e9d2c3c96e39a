/* chat-contact.c -- ChatContact: a peer's name, the room shared with them
 * and whether they are online. Properties: "name" and "room" (construct
 * only), "online" (read/write, notifies only on change). */
#define G_LOG_DOMAIN "chat-contact"

#include "chat-contact.h"

struct _ChatContact
{
  GObject   parent_instance;
  gchar    *name;
  gchar    *room;
  gboolean  online;
};

G_DEFINE_FINAL_TYPE (ChatContact, chat_contact, G_TYPE_OBJECT)

enum { PROP_0, PROP_NAME, PROP_ROOM, PROP_ONLINE, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
chat_contact_finalize (GObject *object)
{
  ChatContact *self = CHAT_CONTACT (object);

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->room, g_free);
  G_OBJECT_CLASS (chat_contact_parent_class)->finalize (object);
}

static void
chat_contact_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  ChatContact *self = CHAT_CONTACT (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_ROOM:
      g_value_set_string (value, self->room);
      break;
    case PROP_ONLINE:
      g_value_set_boolean (value, self->online);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chat_contact_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  ChatContact *self = CHAT_CONTACT (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_free (self->name);
      self->name = g_value_dup_string (value);
      break;
    case PROP_ROOM:
      g_free (self->room);
      self->room = g_value_dup_string (value);
      break;
    case PROP_ONLINE:
      chat_contact_set_online (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chat_contact_class_init (ChatContactClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = chat_contact_finalize;
  object_class->get_property = chat_contact_get_property;
  object_class->set_property = chat_contact_set_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);
  properties[PROP_ROOM] =
    g_param_spec_string ("room", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);
  properties[PROP_ONLINE] =
    g_param_spec_boolean ("online", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
chat_contact_init (ChatContact *self)
{
  (void) self;
}

ChatContact *
chat_contact_new (const char *name,
                  const char *room,
                  gboolean    online)
{
  return g_object_new (CHAT_TYPE_CONTACT, "name", name, "room", room,
                       "online", online, NULL);
}

const char *
chat_contact_get_name (ChatContact *self)
{
  g_return_val_if_fail (CHAT_IS_CONTACT (self), NULL);
  return self->name;
}

const char *
chat_contact_get_room (ChatContact *self)
{
  g_return_val_if_fail (CHAT_IS_CONTACT (self), NULL);
  return self->room;
}

gboolean
chat_contact_get_online (ChatContact *self)
{
  g_return_val_if_fail (CHAT_IS_CONTACT (self), FALSE);
  return self->online;
}

gboolean
chat_contact_set_online (ChatContact *self,
                         gboolean     online)
{
  g_return_val_if_fail (CHAT_IS_CONTACT (self), FALSE);
  online = !!online;
  if (self->online == online)
    return FALSE;
  self->online = online;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONLINE]);
  return TRUE;
}
