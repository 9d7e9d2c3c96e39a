/* chat-socket.h -- a small Socket.IO v5 client over an Engine.IO v4
 * websocket (libsoup-3.0), in the GLib main loop.
 *
 * Opens ws://.../socket.io/?EIO=4&transport=websocket, waits for the
 * Engine.IO OPEN, sends CONNECT with auth {"token":JWT} (the server binds
 * the socket to the user at once), answers every server ping "2" with "3"
 * and watches for a silent server (pingInterval + pingTimeout). Only the
 * default namespace and text packets are used. Packets are parsed by
 * chat-eio.c; this file only does the I/O and the timers. */
#pragma once

#include <libsoup/soup.h>
#include <jansson.h>

G_BEGIN_DECLS

#define CHAT_TYPE_SOCKET (chat_socket_get_type ())
G_DECLARE_FINAL_TYPE (ChatSocket, chat_socket, CHAT, SOCKET, GObject)

/* Signals (all in the main loop):
 *   "connected"     ()                          CONNECT accepted
 *   "connect-error" (const char *message)       CONNECT_ERROR; then closed
 *                                               quietly (no "closed")
 *   "event"         (const char *name, json_t *arg)   arg borrowed, may be
 *                                               NULL
 *   "ack"           (gint64 id, json_t *args)   args: the ack's array
 *   "closed"        (const char *reason)        could not open, or the
 *                                               connection went away
 * After chat_socket_close() no signal is emitted any more. */

/* http is borrowed (a reference is kept). */
ChatSocket *chat_socket_new          (SoupSession  *http);

/* Starts connecting to ws_url with token. Call once per ChatSocket. */
void        chat_socket_open         (ChatSocket   *self,
                                      const char   *ws_url,
                                      const char   *token);

/* Sends event with payload (borrowed). Returns the ack id (>= 1) when
 * want_ack, 0 when sent without one, -1 when not connected. */
gint64      chat_socket_emit         (ChatSocket   *self,
                                      const char   *event,
                                      json_t       *payload,
                                      gboolean      want_ack);

/* Sends the Socket.IO DISCONNECT if connected and closes the websocket
 * after what is queued (the connection keeps itself alive until the close
 * handshake ends). Idempotent. */
void        chat_socket_close        (ChatSocket   *self);

gboolean    chat_socket_is_connected (ChatSocket   *self);

/* Milliseconds to wait for the websocket and the CONNECT answer
 * (default 10000). Set before chat_socket_open(). */
void        chat_socket_set_connect_timeout (ChatSocket *self,
                                             guint       timeout_ms);

/* How many websocket connections closed by chat_socket_close() have not
 * finished their close handshake yet (process-wide). Lets the app wait
 * for a goodbye to leave before it exits. */
guint       chat_socket_closing_count (void);

G_END_DECLS
