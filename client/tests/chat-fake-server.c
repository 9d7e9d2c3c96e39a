/* chat-fake-server.c -- the loopback chat server of test_chat_session.c:
 * /log_in (Lisa/TestMe), /get_contacts_list/<user> (headers username + jwt)
 * and /socket.io/ (Engine.IO OPEN, CONNECT with auth token, pings, acks and
 * the echo of client_sends_message). Packets are parsed with chat-eio.c. */
#define G_LOG_DOMAIN "chat-fake-server"

#include "chat-fake-server.h"
#include "chat-eio.h"

#include <jansson.h>
#include <string.h>

static void
chat_fake_reply (SoupServerMessage *msg,
                 guint              status,
                 const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                    body, strlen (body));
}

static void
on_log_in_cb (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  ChatFakeServer *fake = user_data;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  json_t *req = json_loadb (body->data, body->length, 0, NULL);
  const char *user = json_string_value (json_object_get (req, "username"));
  const char *pw = json_string_value (json_object_get (req, "password"));
  g_autofree gchar *ok = NULL;

  (void) server; (void) path; (void) query;
  if (pw == NULL)
    chat_fake_reply (msg, 400, "{\"error\":\"Missing password\"}");
  else if (g_strcmp0 (user, "Lisa") == 0 && g_strcmp0 (pw, "TestMe") == 0)
    {
      ok = g_strdup_printf ("{\"result\":\"success\",\"token\":\"%s\"}",
                            fake->token);
      chat_fake_reply (msg, 200, ok);
    }
  else
    chat_fake_reply (msg, 401, "{\"result\":\"Invalid credentials\"}");
  if (req != NULL)
    json_decref (req);
}

static void
on_contacts_cb (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  ChatFakeServer *fake = user_data;
  SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
  const char *jwt = soup_message_headers_get_one (h, "jwt");

  (void) server; (void) query;
  if (g_strcmp0 (soup_message_headers_get_one (h, "username"), "Lisa") != 0 ||
      g_strcmp0 (path, "/get_contacts_list/Lisa") != 0)
    chat_fake_reply (msg, 400, "{\"error\":\"The 'get_contact_list' request "
                     "headers must contain username and jwt fields\"}");
  else if (g_strcmp0 (jwt, fake->token) != 0)
    chat_fake_reply (msg, 401, "{\"error\":\"Invalid JWT\"}");
  else
    chat_fake_reply (msg, 200,
                     "{\"contacts\":{\"Avi\":\"Avi&Lisa\",\"Era\":\"Era&Lisa\","
                     "\"ChatGPT\":\"ChatGPT&Lisa\"},"
                     "\"currently_online\":[\"Lisa\",\"Avi\"],"
                     "\"all_existing_contacts\":[\"Avi\",\"ChatGPT\",\"Era\",\"Lisa\"]}");
}

static gboolean
on_ping_cb (gpointer user_data)
{
  ChatFakeServer *fake = user_data;

  if (!fake->silent)
    chat_fake_server_send (fake, "2");
  return G_SOURCE_CONTINUE;
}

static void
chat_fake_on_event (ChatFakeServer *fake,
                    ChatPacket     *p)
{
  json_t *arg = chat_packet_arg (p, 0);
  g_autofree gchar *ack = NULL;
  g_autofree gchar *echo = NULL;
  json_t *copy;

  if (g_strcmp0 (p->event, "client_sends_message") != 0)
    return;
  fake->next_id++;
  ack = g_strdup_printf ("43%" G_GINT64_FORMAT "[{\"result\":\"%s\",\"id\":\"m%u\"}]",
                         p->ack_id, fake->ack_result, fake->next_id);
  copy = json_pack ("{sO sO so}", "sender", json_object_get (arg, "sender"),
                    "content", json_object_get (arg, "content"),
                    "id", json_sprintf ("m%u", fake->next_id));
  echo = chat_sio_encode_event ("received_message", copy, -1);
  json_decref (copy);
  if (fake->echo_first)
    chat_fake_server_send (fake, echo);
  if (p->ack_id >= 0 && !fake->no_ack)
    chat_fake_server_send (fake, ack);
  if (!fake->echo_first)
    chat_fake_server_send (fake, echo);
}

static void
on_ws_message_cb (SoupWebsocketConnection *conn,
                  gint                     type,
                  GBytes                  *message,
                  gpointer                 user_data)
{
  ChatFakeServer *fake = user_data;
  gsize len = 0;
  const char *text = g_bytes_get_data (message, &len);
  ChatPacket p;

  (void) conn; (void) type;
  g_ptr_array_add (fake->frames, g_strndup (text, len));
  if (!chat_packet_parse (text, len, &p, NULL))
    return;
  if (p.eio_type == CHAT_EIO_PONG)
    fake->pongs++;
  else if (p.eio_type == CHAT_EIO_MESSAGE && p.sio_type == CHAT_SIO_CONNECT)
    {
      const char *tok = json_string_value (json_object_get (p.data, "token"));

      if (fake->refuse_token || g_strcmp0 (tok, fake->token) != 0)
        chat_fake_server_send (fake, "44{\"message\":\"Invalid JWT\"}");
      else
        chat_fake_server_send (fake, "40{\"sid\":\"fake-sid\"}");
    }
  else if (p.eio_type == CHAT_EIO_MESSAGE && p.sio_type == CHAT_SIO_EVENT)
    chat_fake_on_event (fake, &p);
  chat_packet_clear (&p);
}

static void
on_ws_closed_cb (SoupWebsocketConnection *conn,
                 gpointer                 user_data)
{
  ChatFakeServer *fake = user_data;

  if (fake->conn == conn)
    {
      g_clear_handle_id (&fake->ping_timer, g_source_remove);
      g_clear_object (&fake->conn);
    }
}

static void
on_websocket_cb (SoupServer              *server,
                 SoupServerMessage       *msg,
                 const char              *path,
                 SoupWebsocketConnection *conn,
                 gpointer                 user_data)
{
  ChatFakeServer *fake = user_data;
  g_autofree gchar *open = NULL;

  (void) server; (void) msg; (void) path;
  chat_fake_server_drop (fake);
  fake->connects++;
  fake->conn = g_object_ref (conn);
  g_signal_connect (conn, "message", G_CALLBACK (on_ws_message_cb), fake);
  g_signal_connect (conn, "closed", G_CALLBACK (on_ws_closed_cb), fake);
  open = g_strdup_printf ("0{\"sid\":\"fake-sid\",\"upgrades\":[],"
                          "\"pingInterval\":%u,\"pingTimeout\":%u,"
                          "\"maxPayload\":1000000}", fake->ping_ms,
                          fake->ping_ms);
  chat_fake_server_send (fake, open);
  fake->ping_timer = g_timeout_add (fake->ping_ms, on_ping_cb, fake);
}

ChatFakeServer *
chat_fake_server_new (guint ping_ms)
{
  ChatFakeServer *fake = g_new0 (ChatFakeServer, 1);
  g_autoptr (GError) error = NULL;
  g_autofree gchar *payload = NULL;
  GSList *uris;

  fake->ping_ms = ping_ms;
  fake->ack_result = "delivered";
  fake->frames = g_ptr_array_new_with_free_func (g_free);
  /* {"sub":"Lisa","exp":4102444800}: valid until 2100 */
  payload = g_base64_encode ((const guchar *) "{\"sub\":\"Lisa\",\"exp\":4102444800}",
                             strlen ("{\"sub\":\"Lisa\",\"exp\":4102444800}"));
  g_strdelimit (payload, "=", '\0');
  fake->token = g_strconcat ("eyJhbGciOiJIUzI1NiJ9.", payload, ".c2ln", NULL);

  fake->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fake->server, "/log_in", on_log_in_cb, fake, NULL);
  soup_server_add_handler (fake->server, "/get_contacts_list", on_contacts_cb,
                           fake, NULL);
  soup_server_add_websocket_handler (fake->server, "/socket.io", NULL, NULL,
                                     on_websocket_cb, fake, NULL);
  if (!soup_server_listen_local (fake->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY,
                                 &error))
    g_error ("fake server: %s", error->message);
  uris = soup_server_get_uris (fake->server);
  fake->base_url = g_strdup_printf ("http://127.0.0.1:%d",
                                    g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return fake;
}

void
chat_fake_server_send (ChatFakeServer *fake,
                       const char     *text)
{
  if (fake->conn != NULL &&
      soup_websocket_connection_get_state (fake->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (fake->conn, text);
}

void
chat_fake_server_drop (ChatFakeServer *fake)
{
  SoupWebsocketConnection *conn = g_steal_pointer (&fake->conn);

  g_clear_handle_id (&fake->ping_timer, g_source_remove);
  if (conn == NULL)
    return;
  g_signal_handlers_disconnect_by_data (conn, fake);
  if (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_GOING_AWAY,
                                     "restart");
  g_object_unref (conn);
}

void
chat_fake_server_stop (ChatFakeServer *fake)
{
  chat_fake_server_drop (fake);
  soup_server_disconnect (fake->server);
}

guint
chat_fake_server_count (ChatFakeServer *fake,
                        const char     *prefix)
{
  guint n = 0;

  for (guint i = 0; i < fake->frames->len; i++)
    if (g_str_has_prefix (fake->frames->pdata[i], prefix))
      n++;
  return n;
}

void
chat_fake_server_free (ChatFakeServer *fake)
{
  chat_fake_server_drop (fake);
  g_clear_object (&fake->server);
  g_clear_pointer (&fake->frames, g_ptr_array_unref);
  g_clear_pointer (&fake->base_url, g_free);
  g_clear_pointer (&fake->token, g_free);
  g_free (fake);
}

static gboolean
on_wait_timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
chat_test_wait (gboolean (*cond) (gpointer),
                gpointer   data,
                guint      timeout_ms)
{
  gboolean timed_out = FALSE;
  guint timer = g_timeout_add (timeout_ms, on_wait_timeout_cb, &timed_out);

  while (!cond (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (timer);
  return cond (data);
}
