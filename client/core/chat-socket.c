/* chat-socket.c -- ChatSocket: Engine.IO/Socket.IO over SoupWebsocketConnection.
 *
 * States: OPENING (websocket handshake) -> HANDSHAKE (waiting for the
 * Engine.IO OPEN) -> CONNECTING (CONNECT sent) -> CONNECTED -> DONE. A
 * connect timer covers everything before CONNECTED; after OPEN a watchdog
 * fires when the server stays silent longer than pingInterval +
 * pingTimeout, as Engine.IO clients do. Everything runs in the main loop. */
#define G_LOG_DOMAIN "chat-socket"

#include "chat-socket.h"
#include "chat-eio.h"

typedef enum
{
  CHAT_SOCKET_NEW,
  CHAT_SOCKET_OPENING,
  CHAT_SOCKET_HANDSHAKE,
  CHAT_SOCKET_CONNECTING,
  CHAT_SOCKET_CONNECTED,
  CHAT_SOCKET_DONE,
} ChatSocketState;

struct _ChatSocket
{
  GObject                  parent_instance;
  SoupSession             *http;
  SoupWebsocketConnection *conn;
  GCancellable            *cancellable;
  gchar                   *token;
  ChatSocketState          state;
  gint64                   next_ack_id;
  guint                    connect_timeout_ms;
  guint                    connect_timer;
  guint                    watchdog;
  guint                    watchdog_ms;
  gboolean                 bad_url;
};

G_DEFINE_FINAL_TYPE (ChatSocket, chat_socket, G_TYPE_OBJECT)

enum { SIG_CONNECTED, SIG_CONNECT_ERROR, SIG_EVENT, SIG_ACK, SIG_CLOSED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* websocket connections closing after chat_socket_close() */
static guint chat_socket_closing;

static void chat_socket_finish (ChatSocket *self);

static void
on_closing_conn_closed_cb (SoupWebsocketConnection *conn,
                           gpointer                 user_data)
{
  (void) user_data;
  g_signal_handlers_disconnect_by_func (conn, on_closing_conn_closed_cb, NULL);
  chat_socket_closing--;
  /* the reference taken in chat_socket_drop_conn() */
  g_object_unref (conn);
}

/* Lets go of the websocket: closes it gracefully if it is open; the
 * connection holds itself until the close handshake is over. */
static void
chat_socket_drop_conn (ChatSocket *self)
{
  SoupWebsocketConnection *conn = g_steal_pointer (&self->conn);

  if (conn == NULL)
    return;
  g_signal_handlers_disconnect_by_data (conn, self);
  if (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN)
    {
      chat_socket_closing++;
      g_signal_connect (conn, "closed",
                        G_CALLBACK (on_closing_conn_closed_cb), NULL);
      soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      return;
    }
  g_object_unref (conn);
}

static void
chat_socket_stop_timers (ChatSocket *self)
{
  g_clear_handle_id (&self->connect_timer, g_source_remove);
  g_clear_handle_id (&self->watchdog, g_source_remove);
}

/* Ends the socket for good and tells the owner why (once). */
static void
chat_socket_fail (ChatSocket *self,
                  const char *reason)
{
  if (self->state == CHAT_SOCKET_DONE)
    return;
  g_debug ("closed: %s", reason);
  chat_socket_finish (self);
  g_signal_emit (self, signals[SIG_CLOSED], 0, reason);
}

static void
chat_socket_finish (ChatSocket *self)
{
  self->state = CHAT_SOCKET_DONE;
  chat_socket_stop_timers (self);
  g_cancellable_cancel (self->cancellable);
  chat_socket_drop_conn (self);
}

static gboolean
on_watchdog_cb (gpointer user_data)
{
  ChatSocket *self = user_data;

  self->watchdog = 0;
  chat_socket_fail (self, "no ping from the server (ping timeout)");
  return G_SOURCE_REMOVE;
}

static void
chat_socket_arm_watchdog (ChatSocket *self)
{
  g_clear_handle_id (&self->watchdog, g_source_remove);
  if (self->watchdog_ms > 0)
    self->watchdog = g_timeout_add (self->watchdog_ms, on_watchdog_cb, self);
}

static gboolean
on_connect_timeout_cb (gpointer user_data)
{
  ChatSocket *self = user_data;

  self->connect_timer = 0;
  chat_socket_fail (self, self->bad_url ? "bad server address" :
                          "the server did not answer in time");
  return G_SOURCE_REMOVE;
}

static void
chat_socket_send (ChatSocket *self,
                  const char *text)
{
  if (self->conn != NULL &&
      soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (self->conn, text);
}

static void
chat_socket_on_open (ChatSocket *self,
                     ChatPacket *p)
{
  ChatEioHandshake hs;
  g_autofree gchar *connect = NULL;

  if (self->state != CHAT_SOCKET_HANDSHAKE ||
      !chat_eio_handshake_parse (p->data, &hs))
    {
      chat_socket_fail (self, "unexpected Engine.IO open packet");
      return;
    }
  self->watchdog_ms = hs.ping_interval_ms + hs.ping_timeout_ms;
  chat_eio_handshake_clear (&hs);
  chat_socket_arm_watchdog (self);

  connect = chat_sio_encode_connect (self->token);
  self->state = CHAT_SOCKET_CONNECTING;
  chat_socket_send (self, connect);
}

static void
chat_socket_on_sio (ChatSocket *self,
                    ChatPacket *p)
{
  if (g_strcmp0 (p->nsp, "/") != 0)
    return;
  switch (p->sio_type)
    {
    case CHAT_SIO_CONNECT:
      if (self->state != CHAT_SOCKET_CONNECTING)
        return;
      self->state = CHAT_SOCKET_CONNECTED;
      g_clear_handle_id (&self->connect_timer, g_source_remove);
      g_signal_emit (self, signals[SIG_CONNECTED], 0);
      break;
    case CHAT_SIO_CONNECT_ERROR:
      {
        const char *msg = json_string_value (json_object_get (p->data, "message"));
        g_autofree gchar *text = g_strdup (msg != NULL ? msg : "refused");

        chat_socket_finish (self);
        g_signal_emit (self, signals[SIG_CONNECT_ERROR], 0, text);
      }
      break;
    case CHAT_SIO_DISCONNECT:
      chat_socket_fail (self, "the server ended the session");
      break;
    case CHAT_SIO_EVENT:
      if (self->state == CHAT_SOCKET_CONNECTED)
        g_signal_emit (self, signals[SIG_EVENT], 0, p->event,
                       chat_packet_arg (p, 0));
      break;
    case CHAT_SIO_ACK:
      if (self->state == CHAT_SOCKET_CONNECTED && p->ack_id >= 0)
        g_signal_emit (self, signals[SIG_ACK], 0, p->ack_id, p->data);
      break;
    default:
      g_debug ("ignoring Socket.IO packet type %d", p->sio_type);
    }
}

static void
on_message_cb (SoupWebsocketConnection *conn,
               gint                     type,
               GBytes                  *message,
               gpointer                 user_data)
{
  ChatSocket *self = user_data;
  g_autoptr (GError) error = NULL;
  gsize len = 0;
  const char *text = g_bytes_get_data (message, &len);
  ChatPacket p;

  (void) conn;
  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    return;
  if (!chat_packet_parse (text, len, &p, &error))
    {
      g_debug ("dropping a bad packet: %s", error->message);
      return;
    }

  /* keep self alive: a handler may drop the owner's last reference */
  g_object_ref (self);
  if (self->state >= CHAT_SOCKET_HANDSHAKE && self->state != CHAT_SOCKET_DONE &&
      p.eio_type != CHAT_EIO_OPEN)
    chat_socket_arm_watchdog (self);
  switch (p.eio_type)
    {
    case CHAT_EIO_OPEN:
      chat_socket_on_open (self, &p);
      break;
    case CHAT_EIO_PING:
      chat_socket_send (self, "3");
      break;
    case CHAT_EIO_CLOSE:
      chat_socket_fail (self, "the server closed the connection");
      break;
    case CHAT_EIO_MESSAGE:
      chat_socket_on_sio (self, &p);
      break;
    default:
      break;
    }
  chat_packet_clear (&p);
  g_object_unref (self);
}

static void
on_closed_cb (SoupWebsocketConnection *conn,
              gpointer                 user_data)
{
  ChatSocket *self = user_data;
  gushort code = soup_websocket_connection_get_close_code (conn);
  g_autofree gchar *reason = g_strdup_printf ("connection closed (code %u)",
                                              code);

  chat_socket_fail (self, reason);
}

static void
on_error_cb (SoupWebsocketConnection *conn,
             GError                  *error,
             gpointer                 user_data)
{
  (void) conn;
  (void) user_data;
  g_debug ("websocket error: %s", error->message);
}

static void
on_ws_connected_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  ChatSocket *self = user_data;
  g_autoptr (GError) error = NULL;
  SoupWebsocketConnection *conn;
  g_autofree gchar *reason = NULL;

  conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result,
                                                &error);
  if (conn == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          reason = g_strdup_printf ("cannot reach the server: %s",
                                    error->message);
          chat_socket_fail (self, reason);
        }
      g_object_unref (self);
      return;
    }
  if (self->state != CHAT_SOCKET_OPENING)
    {
      /* closed meanwhile */
      soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_object_unref (conn);
      g_object_unref (self);
      return;
    }
  self->conn = conn;
  self->state = CHAT_SOCKET_HANDSHAKE;
  g_signal_connect (conn, "message", G_CALLBACK (on_message_cb), self);
  g_signal_connect (conn, "closed", G_CALLBACK (on_closed_cb), self);
  g_signal_connect (conn, "error", G_CALLBACK (on_error_cb), self);
  g_object_unref (self);
}

void
chat_socket_open (ChatSocket *self,
                  const char *ws_url,
                  const char *token)
{
  g_autoptr (SoupMessage) msg = NULL;

  g_return_if_fail (CHAT_IS_SOCKET (self));
  g_return_if_fail (self->state == CHAT_SOCKET_NEW);

  self->token = g_strdup (token);
  self->state = CHAT_SOCKET_OPENING;
  msg = soup_message_new ("GET", ws_url);
  if (msg == NULL)
    {
      /* report from the loop, like every other outcome */
      self->bad_url = TRUE;
      self->connect_timer = g_timeout_add (0, on_connect_timeout_cb, self);
      return;
    }
  self->connect_timer = g_timeout_add (self->connect_timeout_ms,
                                       on_connect_timeout_cb, self);
  soup_session_websocket_connect_async (self->http, msg, NULL, NULL,
                                        G_PRIORITY_DEFAULT, self->cancellable,
                                        on_ws_connected_cb,
                                        g_object_ref (self));
}

gint64
chat_socket_emit (ChatSocket *self,
                  const char *event,
                  json_t     *payload,
                  gboolean    want_ack)
{
  gint64 id = -1;
  g_autofree gchar *text = NULL;

  g_return_val_if_fail (CHAT_IS_SOCKET (self), -1);
  if (self->state != CHAT_SOCKET_CONNECTED)
    return -1;
  if (want_ack)
    id = self->next_ack_id++;
  text = chat_sio_encode_event (event, payload, id);
  chat_socket_send (self, text);
  return want_ack ? id : 0;
}

void
chat_socket_close (ChatSocket *self)
{
  g_return_if_fail (CHAT_IS_SOCKET (self));
  if (self->state == CHAT_SOCKET_CONNECTED)
    chat_socket_send (self, "41");
  chat_socket_finish (self);
}

gboolean
chat_socket_is_connected (ChatSocket *self)
{
  return self->state == CHAT_SOCKET_CONNECTED;
}

void
chat_socket_set_connect_timeout (ChatSocket *self,
                                 guint       timeout_ms)
{
  self->connect_timeout_ms = MAX (timeout_ms, 1);
}

guint
chat_socket_closing_count (void)
{
  return chat_socket_closing;
}

static void
chat_socket_dispose (GObject *object)
{
  ChatSocket *self = CHAT_SOCKET (object);

  chat_socket_stop_timers (self);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  chat_socket_drop_conn (self);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->http);
  G_OBJECT_CLASS (chat_socket_parent_class)->dispose (object);
}

static void
chat_socket_finalize (GObject *object)
{
  ChatSocket *self = CHAT_SOCKET (object);

  g_clear_pointer (&self->token, g_free);
  G_OBJECT_CLASS (chat_socket_parent_class)->finalize (object);
}

static void
chat_socket_class_init (ChatSocketClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = chat_socket_dispose;
  object_class->finalize = chat_socket_finalize;

  signals[SIG_CONNECTED] =
    g_signal_new ("connected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIG_CONNECT_ERROR] =
    g_signal_new ("connect-error", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_STRING);
  signals[SIG_EVENT] =
    g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  G_TYPE_STRING, G_TYPE_POINTER);
  signals[SIG_ACK] =
    g_signal_new ("ack", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  G_TYPE_INT64, G_TYPE_POINTER);
  signals[SIG_CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
chat_socket_init (ChatSocket *self)
{
  self->cancellable = g_cancellable_new ();
  self->next_ack_id = 1;
  self->connect_timeout_ms = 10000;
  self->state = CHAT_SOCKET_NEW;
}

ChatSocket *
chat_socket_new (SoupSession *http)
{
  ChatSocket *self = g_object_new (CHAT_TYPE_SOCKET, NULL);

  self->http = g_object_ref (http);
  return self;
}
