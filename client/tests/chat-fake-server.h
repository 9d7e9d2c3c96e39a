/* chat-fake-server.h -- a loopback SoupServer that speaks the chat's HTTP
 * API and Socket.IO over websocket, for test_chat_session.c.
 *
 * It plays the server side of the contract (DESIGN.md section 2) just far
 * enough to drive ChatSession through login, connect, messages, acks,
 * heartbeats, pings and the server going away, in one main loop, without
 * a display. The real stack is exercised by the end-to-end test. */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct
{
  SoupServer              *server;
  gchar                   *base_url;     /* http://127.0.0.1:<port> */
  SoupWebsocketConnection *conn;         /* the latest client socket */
  GPtrArray               *frames;       /* every text frame received */
  gchar                   *token;        /* the JWT it hands out */
  gboolean                 refuse_token; /* answer CONNECT with an error */
  gboolean                 silent;       /* stop pinging */
  gboolean                 echo_first;   /* echo before the ack */
  gboolean                 no_ack;       /* never ack a message */
  const char              *ack_result;   /* "delivered" (default), ... */
  guint                    ping_ms;      /* pingInterval (and pingTimeout) */
  guint                    ping_timer;
  guint                    pongs;
  guint                    connects;     /* websocket connections opened */
  guint                    next_id;
} ChatFakeServer;

ChatFakeServer *chat_fake_server_new        (guint            ping_ms);
void            chat_fake_server_free       (ChatFakeServer  *fake);
/* Sends a text frame to the current client. */
void            chat_fake_server_send       (ChatFakeServer  *fake,
                                             const char      *text);
/* Closes the client's websocket (the server "restarts"). */
void            chat_fake_server_drop       (ChatFakeServer  *fake);
/* Stops listening and drops the client: the server is gone. */
void            chat_fake_server_stop       (ChatFakeServer  *fake);
/* How many received frames start with prefix. */
guint           chat_fake_server_count      (ChatFakeServer  *fake,
                                             const char      *prefix);

/* Runs the default main context until cond(data) or timeout_ms. */
gboolean        chat_test_wait              (gboolean       (*cond) (gpointer),
                                             gpointer         data,
                                             guint            timeout_ms);

G_END_DECLS
