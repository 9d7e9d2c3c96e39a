/* chat-session-private.h -- ChatSession's fields, shared by chat-session.c
 * (lifecycle, state machine, connection), chat-session-login.c and
 * chat-session-messages.c (incoming events, sending, acks). Not for the
 * UI. */
#pragma once

#include <libsoup/soup.h>
#include <jansson.h>

#include "chat-session.h"
#include "chat-backoff.h"
#include "chat-outbox.h"
#include "chat-router.h"
#include "chat-socket.h"

struct _ChatSession
{
  GObject        parent_instance;

  /* configuration */
  gchar         *server;
  guint          heartbeat_s;
  gboolean       auto_reconnect;
  guint          ack_timeout_ms;

  /* login */
  gchar         *username;
  gchar         *token;

  /* connection */
  ChatState      state;
  ChatBackoff    backoff;
  gint64         retry_at_us;       /* monotonic time of the next attempt */
  SoupSession   *http;
  ChatSocket    *socket;
  GCancellable  *conn_cancellable;  /* work tied to the current socket */
  guint          heartbeat_timer;
  guint          retry_timer;
  guint          tick_timer;        /* 1 s: countdown text, ack deadlines */
  GHashTable    *presence_log;      /* name -> online, seen while fetching */

  /* models */
  GListStore    *contacts;          /* ChatContact */
  GHashTable    *conversations;     /* peer -> ChatConversation */
  ChatOutbox    *outbox;
  ChatRouter    *router;

  /* what the UI shows, cached so that notify fires only on change */
  gchar         *notice;
  gchar         *activity;
  gchar         *title;
  ChatStatus     shown_status;
  guint          shown_caps;
};

/* chat-session.c */
void  _chat_session_set_notice (ChatSession *self,
                                const char  *notice);
void  _chat_session_sync       (ChatSession *self);
/* Feeds ev to the state machine, runs its effects, republishes. */
void  _chat_session_dispatch   (ChatSession *self,
                                ChatEvent    ev,
                                const char  *reason);
/* After a successful login: user (copied) and token (taken). Drops the
 * conversations (and emits "reset") when the user changed. */
void  _chat_session_set_user   (ChatSession *self,
                                const char  *user,
                                gchar       *token);

/* chat-session-messages.c: socket "event" and "ack" handlers */
void  _chat_session_on_event   (ChatSocket  *socket,
                                const char  *name,
                                json_t      *arg,
                                gpointer     user_data);
void  _chat_session_on_ack     (ChatSocket  *socket,
                                gint64       ack_id,
                                json_t      *args,
                                gpointer     user_data);
/* Applies presence events logged while the contacts list was loading. */
void  _chat_session_replay_presence (ChatSession *self);
