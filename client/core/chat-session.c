/* chat-session.c -- ChatSession: login, connection and recovery.
 *
 * Every outcome (a user action, a socket or HTTP result, a timer) becomes
 * one ChatEvent for chat_state_apply(); this file carries out the effects
 * it returns and then re-publishes the derived properties the UI binds to
 * (_chat_session_sync). Incoming events and sending live in
 * chat-session-messages.c, logging in in chat-session-login.c. Everything
 * runs in the main loop. */
#define G_LOG_DOMAIN "chat-session"

#include "chat-session-private.h"
#include "chat-api.h"
#include "chat-contacts.h"
#include "chat-eio.h"
#include "chat-jwt.h"

#include <string.h>

G_DEFINE_FINAL_TYPE (ChatSession, chat_session, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_SERVER,
  PROP_USERNAME,
  PROP_STATUS,
  PROP_STATUS_TEXT,
  PROP_TITLE,
  PROP_NOTICE,
  PROP_ACTIVITY,
  PROP_CAN_LOGIN,
  PROP_CAN_CONNECT,
  PROP_CAN_CHAT,
  PROP_CAN_DISCONNECT,
  PROP_CAN_SEND,
  PROP_HEARTBEAT_SECONDS,
  PROP_AUTO_RECONNECT,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

enum { SIG_INCOMING, SIG_SERVER_DOWN, SIG_RESET, N_SIGNALS };
static guint signals[N_SIGNALS];

/* can-* flags in shown_caps, in property order */
#define CHAT_CAPS_FIRST PROP_CAN_LOGIN
#define CHAT_CAPS_LAST  PROP_CAN_SEND

/* ---- what the UI shows --------------------------------------------------- */

static gboolean
chat_session_replace_string (gchar      **slot,
                             const char  *value)
{
  if (g_strcmp0 (*slot, value) == 0)
    return FALSE;
  g_free (*slot);
  *slot = g_strdup (value);
  return TRUE;
}

void
_chat_session_set_notice (ChatSession *self,
                          const char  *notice)
{
  if (chat_session_replace_string (&self->notice, notice))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOTICE]);
}

static gchar *
chat_session_describe_activity (ChatSession *self)
{
  const ChatState *s = &self->state;
  gint64 left_ms;

  if (s->login_busy)
    return g_strdup ("Logging in…");
  switch (s->phase)
    {
    case CHAT_PHASE_CONNECTING:
      if (s->automatic)
        return g_strdup_printf ("Reconnecting (attempt %u)…",
                                self->backoff.attempt);
      return g_strdup ("Connecting…");
    case CHAT_PHASE_FETCHING:
      return g_strdup ("Loading contacts…");
    case CHAT_PHASE_WAITING_RETRY:
      left_ms = (self->retry_at_us - g_get_monotonic_time ()) / 1000;
      return g_strdup_printf ("Reconnecting by itself in %d s (attempt %u)…",
                              (int) MAX ((left_ms + 999) / 1000, 0),
                              self->backoff.attempt);
    case CHAT_PHASE_CONNECTED:
      return g_strdup_printf ("Connected to %s", self->server);
    case CHAT_PHASE_IDLE:
    default:
      if (s->logged_in)
        return g_strdup ("Logged in: press Connect.");
      return g_strdup ("");
    }
}

static gboolean
chat_session_cap (ChatSession *self,
                  guint        prop)
{
  switch (prop)
    {
    case PROP_CAN_LOGIN:
      return chat_state_can_login (&self->state);
    case PROP_CAN_CONNECT:
      return chat_state_can_connect (&self->state);
    case PROP_CAN_CHAT:
      return chat_state_can_chat (&self->state);
    case PROP_CAN_DISCONNECT:
      return chat_state_can_disconnect (&self->state);
    case PROP_CAN_SEND:
    default:
      return chat_state_can_send (&self->state);
    }
}

static gboolean
on_tick_cb (gpointer user_data)
{
  ChatSession *self = user_data;

  chat_outbox_expire (self->outbox, g_get_monotonic_time (),
                      "no confirmation from the server");
  _chat_session_sync (self);
  return G_SOURCE_CONTINUE;
}

/* Recomputes title, activity, status and the can-* flags, and notifies
 * what changed. Also runs the 1 s ticker only while something needs it. */
void
_chat_session_sync (ChatSession *self)
{
  GObject *obj = G_OBJECT (self);
  g_autofree gchar *title = NULL;
  g_autofree gchar *activity = chat_session_describe_activity (self);
  gboolean busy;

  g_object_freeze_notify (obj);
  if (self->state.logged_in && self->username != NULL)
    title = g_strdup_printf ("Hello, %s!", self->username);
  else
    title = g_strdup ("Please log in");
  if (chat_session_replace_string (&self->title, title))
    g_object_notify_by_pspec (obj, properties[PROP_TITLE]);
  if (chat_session_replace_string (&self->activity, activity))
    g_object_notify_by_pspec (obj, properties[PROP_ACTIVITY]);
  if (self->shown_status != self->state.status)
    {
      self->shown_status = self->state.status;
      g_object_notify_by_pspec (obj, properties[PROP_STATUS]);
      g_object_notify_by_pspec (obj, properties[PROP_STATUS_TEXT]);
    }
  for (guint p = CHAT_CAPS_FIRST; p <= CHAT_CAPS_LAST; p++)
    {
      guint bit = 1u << (p - CHAT_CAPS_FIRST);
      guint now = chat_session_cap (self, p) ? bit : 0;

      if ((self->shown_caps & bit) != now)
        {
          self->shown_caps = (self->shown_caps & ~bit) | now;
          g_object_notify_by_pspec (obj, properties[p]);
        }
    }
  g_object_thaw_notify (obj);

  busy = self->state.phase != CHAT_PHASE_IDLE ||
         chat_outbox_size (self->outbox) > 0;
  if (busy && self->tick_timer == 0)
    self->tick_timer = g_timeout_add_seconds (1, on_tick_cb, self);
  else if (!busy)
    g_clear_handle_id (&self->tick_timer, g_source_remove);
}

void
_chat_session_set_user (ChatSession *self,
                        const char  *user,
                        gchar       *token)
{
  if (g_strcmp0 (self->username, user) != 0)
    {
      /* another user: the conversations were not theirs */
      g_hash_table_remove_all (self->conversations);
      g_signal_emit (self, signals[SIG_RESET], 0);
      g_free (self->username);
      self->username = g_strdup (user);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USERNAME]);
    }
  g_free (self->token);
  self->token = token;
}

/* ---- the connection ------------------------------------------------------ */

static void
on_socket_connected_cb (ChatSocket *socket,
                        gpointer    user_data)
{
  (void) socket;
  _chat_session_dispatch (user_data, CHAT_EVENT_SOCKET_READY, NULL);
}

static void
on_socket_connect_error_cb (ChatSocket *socket,
                            const char *message,
                            gpointer    user_data)
{
  (void) socket;
  _chat_session_dispatch (user_data, CHAT_EVENT_SOCKET_REFUSED, message);
}

static void
on_socket_closed_cb (ChatSocket *socket,
                     const char *reason,
                     gpointer    user_data)
{
  (void) socket;
  _chat_session_dispatch (user_data, CHAT_EVENT_CONNECTION_LOST, reason);
}

static void
chat_session_open_socket (ChatSession *self)
{
  g_autofree gchar *url = chat_eio_websocket_url (self->server, NULL);

  self->conn_cancellable = g_cancellable_new ();
  self->socket = chat_socket_new (self->http);
  g_signal_connect (self->socket, "connected",
                    G_CALLBACK (on_socket_connected_cb), self);
  g_signal_connect (self->socket, "connect-error",
                    G_CALLBACK (on_socket_connect_error_cb), self);
  g_signal_connect (self->socket, "closed",
                    G_CALLBACK (on_socket_closed_cb), self);
  g_signal_connect (self->socket, "event",
                    G_CALLBACK (_chat_session_on_event), self);
  g_signal_connect (self->socket, "ack",
                    G_CALLBACK (_chat_session_on_ack), self);
  g_debug ("connecting to %s", url != NULL ? url : "(bad address)");
  chat_socket_open (self->socket, url != NULL ? url : "", self->token);
}

static void
chat_session_close_socket (ChatSession *self)
{
  if (self->conn_cancellable != NULL)
    g_cancellable_cancel (self->conn_cancellable);
  g_clear_object (&self->conn_cancellable);
  if (self->socket != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->socket, self);
      chat_socket_close (self->socket);
      g_clear_object (&self->socket);
    }
  g_clear_pointer (&self->presence_log, g_hash_table_unref);
}

static void
chat_session_send_goodbye (ChatSession *self)
{
  json_t *payload = json_pack ("{ss ss}", "client", self->username,
                               "jwt", self->token != NULL ? self->token : "");

  if (self->socket != NULL)
    chat_socket_emit (self->socket, "client_disconnection", payload, FALSE);
  json_decref (payload);
}

static void
on_contacts_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (ChatSession) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autofree gchar *detail = NULL;
  const char *data;
  gsize len = 0;
  guint status = 0;

  (void) source;
  body = chat_api_contacts_finish (result, &status, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (body == NULL)
    {
      _chat_session_dispatch (self, CHAT_EVENT_CONTACTS_FAILED, error->message);
      return;
    }
  data = g_bytes_get_data (body, &len);
  switch (chat_contacts_parse (self->username, status, data, len, &list, &detail))
    {
    case CHAT_CONTACTS_OK:
      chat_contacts_replace (self->contacts, list);
      _chat_session_replay_presence (self);
      _chat_session_dispatch (self, CHAT_EVENT_CONTACTS_LOADED, NULL);
      break;
    case CHAT_CONTACTS_DENIED:
      _chat_session_dispatch (self, CHAT_EVENT_CONTACTS_DENIED, detail);
      break;
    case CHAT_CONTACTS_FAILED:
    default:
      _chat_session_dispatch (self, CHAT_EVENT_CONTACTS_FAILED, detail);
    }
}

static void
chat_session_fetch_contacts (ChatSession *self)
{
  self->presence_log = g_hash_table_new_full (g_str_hash, g_str_equal,
                                              g_free, NULL);
  chat_api_contacts (self->http, self->server, self->username, self->token,
                     self->conn_cancellable, on_contacts_cb,
                     g_object_ref (self));
}

static gboolean
on_heartbeat_cb (gpointer user_data)
{
  ChatSession *self = user_data;
  json_t *payload = json_pack ("{ss}", "client", self->username);

  if (self->socket != NULL)
    chat_socket_emit (self->socket, "connection_alive", payload, FALSE);
  json_decref (payload);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_retry_cb (gpointer user_data)
{
  ChatSession *self = user_data;

  self->retry_timer = 0;
  _chat_session_dispatch (self, CHAT_EVENT_RETRY_DUE, NULL);
  return G_SOURCE_REMOVE;
}

/* The delay for the next automatic attempt, and whether one is allowed:
 * auto-reconnect on, a token, not expired by then. *next gets the backoff
 * to keep if the attempt is scheduled. */
static gboolean
chat_session_may_retry (ChatSession *self,
                        ChatBackoff *next,
                        guint       *delay_ms,
                        gboolean    *expired)
{
  ChatRetryDecision d;

  *next = self->backoff;
  *delay_ms = chat_backoff_next_delay (next, g_random_double ());
  *expired = FALSE;
  if (!self->auto_reconnect || self->token == NULL)
    return FALSE;
  d = chat_backoff_decide (next, g_get_real_time () / G_USEC_PER_SEC,
                           chat_jwt_expiry (self->token), *delay_ms);
  *expired = d == CHAT_RETRY_TOKEN_EXPIRED;
  return d == CHAT_RETRY_SCHEDULE;
}

static void
chat_session_run_effects (ChatSession       *self,
                          ChatEvent          ev,
                          ChatEffects        fx,
                          const ChatBackoff *next,
                          guint              delay_ms)
{
  if (fx & CHAT_EFFECT_SEND_GOODBYE)
    chat_session_send_goodbye (self);
  if (fx & CHAT_EFFECT_CLOSE_SOCKET)
    chat_session_close_socket (self);
  if (fx & CHAT_EFFECT_STOP_HEARTBEAT)
    g_clear_handle_id (&self->heartbeat_timer, g_source_remove);
  if (fx & CHAT_EFFECT_FAIL_PENDING)
    chat_outbox_fail_all (self->outbox, ev == CHAT_EVENT_DISCONNECT ?
                          "disconnected before the server confirmed it" :
                          "the connection to the server was lost");
  if (fx & CHAT_EFFECT_CLEAR_CONTACTS)
    chat_contacts_replace (self->contacts, NULL);
  if (fx & CHAT_EFFECT_CANCEL_RETRY)
    g_clear_handle_id (&self->retry_timer, g_source_remove);
  if (fx & CHAT_EFFECT_FORGET_TOKEN)
    g_clear_pointer (&self->token, g_free);
  if (fx & CHAT_EFFECT_RESET_BACKOFF)
    chat_backoff_reset (&self->backoff);
  if (fx & CHAT_EFFECT_OPEN_SOCKET)
    chat_session_open_socket (self);
  if (fx & CHAT_EFFECT_FETCH_CONTACTS)
    chat_session_fetch_contacts (self);
  if (fx & CHAT_EFFECT_START_HEARTBEAT)
    {
      g_clear_handle_id (&self->heartbeat_timer, g_source_remove);
      self->heartbeat_timer = g_timeout_add_seconds (self->heartbeat_s,
                                                     on_heartbeat_cb, self);
    }
  if (fx & CHAT_EFFECT_SCHEDULE_RETRY)
    {
      self->backoff = *next;
      self->retry_at_us = g_get_monotonic_time () + (gint64) delay_ms * 1000;
      g_clear_handle_id (&self->retry_timer, g_source_remove);
      self->retry_timer = g_timeout_add (delay_ms, on_retry_cb, self);
    }
}

/* The sticky message after ev; reason is the socket's or server's word. */
static void
chat_session_explain (ChatSession *self,
                      ChatEvent    ev,
                      ChatEffects  fx,
                      gboolean     was_automatic,
                      gboolean     expired,
                      const char  *reason)
{
  g_autofree gchar *text = NULL;

  if (fx & CHAT_EFFECT_ANNOUNCE_DOWN)
    text = g_strdup (CHAT_SERVER_DOWN_MESSAGE);
  else if (ev == CHAT_EVENT_CONTACTS_LOADED)
    text = was_automatic ? g_strdup ("Reconnected to the chat server.") : NULL;
  else if (ev == CHAT_EVENT_DISCONNECT)
    text = NULL;
  else if (ev == CHAT_EVENT_SOCKET_REFUSED || ev == CHAT_EVENT_CONTACTS_DENIED)
    text = g_strdup_printf ("The server did not accept the session (%s). "
                            "Please log in again.", reason);
  else if (ev == CHAT_EVENT_SOCKET_FAILED ||
           (ev == CHAT_EVENT_CONNECTION_LOST && fx != CHAT_EFFECT_NONE))
    {
      if (was_automatic && (fx & CHAT_EFFECT_SCHEDULE_RETRY))
        return;  /* keep the "temporary down" message while retrying */
      if (was_automatic)
        text = g_strdup_printf ("%s %s", CHAT_SERVER_DOWN_MESSAGE,
                                expired ? "(Your session has expired.)" : "");
      else
        text = g_strdup_printf ("Could not connect to the chat server (%s).",
                                reason);
    }
  else if (ev == CHAT_EVENT_CONTACTS_FAILED)
    {
      if (fx & CHAT_EFFECT_SCHEDULE_RETRY)
        return;
      text = g_strdup_printf ("Could not load the contacts list (%s).", reason);
    }
  else
    return;
  _chat_session_set_notice (self, text != NULL ? g_strstrip (text) : NULL);
}

void
_chat_session_dispatch (ChatSession *self,
                        ChatEvent    ev,
                        const char  *reason)
{
  ChatBackoff next;
  guint delay_ms = 0;
  gboolean may_retry, expired, was_automatic = self->state.automatic;
  ChatEffects fx;

  g_object_ref (self);
  may_retry = chat_session_may_retry (self, &next, &delay_ms, &expired);
  fx = chat_state_apply (&self->state, ev, may_retry);
  g_debug ("event %s%s%s -> status %s phase %d effects 0x%x",
           chat_event_to_string (ev), reason != NULL ? ": " : "",
           reason != NULL ? reason : "",
           chat_status_to_string (self->state.status), self->state.phase, fx);
  chat_session_run_effects (self, ev, fx, &next, delay_ms);
  chat_session_explain (self, ev, fx, was_automatic, expired,
                        reason != NULL ? reason : "no reason given");
  _chat_session_sync (self);
  /* after the notice is set: listeners show it */
  if (fx & CHAT_EFFECT_ANNOUNCE_DOWN)
    g_signal_emit (self, signals[SIG_SERVER_DOWN], 0);
  g_object_unref (self);
}

/* ---- public API (logging in: chat-session-login.c) ------------------------ */

void
chat_session_connect (ChatSession *self)
{
  _chat_session_dispatch (self, CHAT_EVENT_CONNECT, NULL);
}

void
chat_session_disconnect (ChatSession *self)
{
  _chat_session_dispatch (self, CHAT_EVENT_DISCONNECT, NULL);
}

static gboolean
on_shutdown_timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

void
chat_session_shutdown (ChatSession *self,
                       guint        timeout_ms)
{
  gboolean timed_out = FALSE;
  guint timer;

  if (chat_state_can_disconnect (&self->state))
    chat_session_disconnect (self);
  timer = g_timeout_add (timeout_ms, on_shutdown_timeout_cb, &timed_out);
  while (chat_socket_closing_count () > 0 && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (timer);
}

void
chat_session_set_timing (ChatSession *self,
                         guint        backoff_base_ms,
                         guint        backoff_max_ms,
                         guint        ack_timeout_ms)
{
  chat_backoff_init (&self->backoff, backoff_base_ms, backoff_max_ms, 0);
  self->ack_timeout_ms = MAX (ack_timeout_ms, 1);
}

const char *
chat_session_get_server (ChatSession *self)
{
  return self->server;
}

void
chat_session_set_server (ChatSession *self,
                         const char  *server)
{
  if (chat_session_replace_string (&self->server, server))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER]);
}

const char *
chat_session_get_username (ChatSession *self)
{
  return self->username;
}

const ChatState *
chat_session_get_state (ChatSession *self)
{
  return &self->state;
}

const char *
chat_session_get_notice (ChatSession *self)
{
  return self->notice;
}

const char *
chat_session_get_activity (ChatSession *self)
{
  return self->activity;
}

const char *
chat_session_get_title (ChatSession *self)
{
  return self->title;
}

GListModel *
chat_session_get_contacts (ChatSession *self)
{
  return G_LIST_MODEL (self->contacts);
}

ChatConversation *
chat_session_lookup_conversation (ChatSession *self,
                                  const char  *peer)
{
  return g_hash_table_lookup (self->conversations, peer);
}

ChatConversation *
chat_session_get_conversation (ChatSession *self,
                               const char  *peer)
{
  ChatConversation *conv = g_hash_table_lookup (self->conversations, peer);

  if (conv == NULL)
    {
      conv = chat_conversation_new (peer);
      g_hash_table_insert (self->conversations, g_strdup (peer), conv);
    }
  return conv;
}

/* ---- GObject ------------------------------------------------------------- */

static void
chat_session_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  ChatSession *self = CHAT_SESSION (object);

  switch (prop_id)
    {
    case PROP_SERVER:
      g_value_set_string (value, self->server);
      break;
    case PROP_USERNAME:
      g_value_set_string (value, self->username);
      break;
    case PROP_STATUS:
      g_value_set_uint (value, self->state.status);
      break;
    case PROP_STATUS_TEXT:
      g_value_set_string (value, chat_status_to_string (self->state.status));
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_NOTICE:
      g_value_set_string (value, self->notice);
      break;
    case PROP_ACTIVITY:
      g_value_set_string (value, self->activity);
      break;
    case PROP_CAN_LOGIN:
    case PROP_CAN_CONNECT:
    case PROP_CAN_CHAT:
    case PROP_CAN_DISCONNECT:
    case PROP_CAN_SEND:
      g_value_set_boolean (value, chat_session_cap (self, prop_id));
      break;
    case PROP_HEARTBEAT_SECONDS:
      g_value_set_uint (value, self->heartbeat_s);
      break;
    case PROP_AUTO_RECONNECT:
      g_value_set_boolean (value, self->auto_reconnect);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chat_session_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  ChatSession *self = CHAT_SESSION (object);

  switch (prop_id)
    {
    case PROP_SERVER:
      chat_session_set_server (self, g_value_get_string (value));
      break;
    case PROP_HEARTBEAT_SECONDS:
      self->heartbeat_s = g_value_get_uint (value);
      break;
    case PROP_AUTO_RECONNECT:
      self->auto_reconnect = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chat_session_dispose (GObject *object)
{
  ChatSession *self = CHAT_SESSION (object);

  g_clear_handle_id (&self->heartbeat_timer, g_source_remove);
  g_clear_handle_id (&self->retry_timer, g_source_remove);
  g_clear_handle_id (&self->tick_timer, g_source_remove);
  chat_session_close_socket (self);
  g_clear_object (&self->http);
  g_clear_object (&self->contacts);
  g_clear_pointer (&self->conversations, g_hash_table_unref);
  g_clear_pointer (&self->outbox, chat_outbox_free);
  g_clear_pointer (&self->router, chat_router_free);
  G_OBJECT_CLASS (chat_session_parent_class)->dispose (object);
}

static void
chat_session_finalize (GObject *object)
{
  ChatSession *self = CHAT_SESSION (object);

  if (self->token != NULL)
    explicit_bzero (self->token, strlen (self->token));
  g_clear_pointer (&self->token, g_free);
  g_clear_pointer (&self->server, g_free);
  g_clear_pointer (&self->username, g_free);
  g_clear_pointer (&self->notice, g_free);
  g_clear_pointer (&self->activity, g_free);
  g_clear_pointer (&self->title, g_free);
  G_OBJECT_CLASS (chat_session_parent_class)->finalize (object);
}

static void
chat_session_class_init (ChatSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->get_property = chat_session_get_property;
  object_class->set_property = chat_session_set_property;
  object_class->dispose = chat_session_dispose;
  object_class->finalize = chat_session_finalize;

  properties[PROP_SERVER] =
    g_param_spec_string ("server", NULL, NULL, NULL,
                         rw | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_USERNAME] = g_param_spec_string ("username", NULL, NULL, NULL, ro);
  properties[PROP_STATUS] =
    g_param_spec_uint ("status", NULL, NULL, 0, CHAT_STATUS_ERROR,
                       CHAT_STATUS_OFFLINE, ro);
  properties[PROP_STATUS_TEXT] =
    g_param_spec_string ("status-text", NULL, NULL, "Offline", ro);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, ro);
  properties[PROP_NOTICE] = g_param_spec_string ("notice", NULL, NULL, NULL, ro);
  properties[PROP_ACTIVITY] = g_param_spec_string ("activity", NULL, NULL, NULL, ro);
  properties[PROP_CAN_LOGIN] = g_param_spec_boolean ("can-login", NULL, NULL, FALSE, ro);
  properties[PROP_CAN_CONNECT] = g_param_spec_boolean ("can-connect", NULL, NULL, FALSE, ro);
  properties[PROP_CAN_CHAT] = g_param_spec_boolean ("can-chat", NULL, NULL, FALSE, ro);
  properties[PROP_CAN_DISCONNECT] =
    g_param_spec_boolean ("can-disconnect", NULL, NULL, FALSE, ro);
  properties[PROP_CAN_SEND] = g_param_spec_boolean ("can-send", NULL, NULL, FALSE, ro);
  properties[PROP_HEARTBEAT_SECONDS] =
    g_param_spec_uint ("heartbeat-seconds", NULL, NULL, 1, 3600, 6, rw);
  properties[PROP_AUTO_RECONNECT] =
    g_param_spec_boolean ("auto-reconnect", NULL, NULL, TRUE, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIG_INCOMING] =
    g_signal_new ("incoming", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  CHAT_TYPE_CONVERSATION, CHAT_TYPE_LINE);
  signals[SIG_SERVER_DOWN] =
    g_signal_new ("server-down", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIG_RESET] =
    g_signal_new ("reset", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
chat_session_init (ChatSession *self)
{
  chat_state_init (&self->state);
  chat_backoff_init (&self->backoff, 1000, 30000, 0);
  self->heartbeat_s = 6;
  self->auto_reconnect = TRUE;
  self->ack_timeout_ms = 15000;
  self->http = soup_session_new_with_options ("timeout", 10,
                                              "user-agent", "iseecubes-client/1.0",
                                              NULL);
  self->contacts = g_list_store_new (CHAT_TYPE_CONTACT);
  self->conversations = g_hash_table_new_full (g_str_hash, g_str_equal,
                                               g_free, g_object_unref);
  self->outbox = chat_outbox_new ();
  self->router = chat_router_new ();
  self->shown_status = CHAT_STATUS_OFFLINE;
  self->shown_caps = 1u << (PROP_CAN_LOGIN - CHAT_CAPS_FIRST);
  self->title = g_strdup ("Please log in");
  self->activity = g_strdup ("");
}

ChatSession *
chat_session_new (const char *server)
{
  return g_object_new (CHAT_TYPE_SESSION, "server", server, NULL);
}
