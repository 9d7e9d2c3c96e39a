/* chat-router.h -- which conversation an incoming event belongs to, and
 * whether to show it at all. No I/O.
 *
 * received_message {"sender","content","id"?,"room"?,"timestamp"?} goes to
 * the sender's conversation; ai_response_received {"sender":bot,"content"}
 * to the bot's. Duplicates (delivery is at least once) are dropped by id;
 * our own messages echoed back by the server are dropped via the outbox;
 * our messages sent from another session of ours are shown in the room's
 * conversation when the room is known. */
#pragma once

#include <glib.h>
#include <jansson.h>

#include "chat-outbox.h"

G_BEGIN_DECLS

typedef enum
{
  CHAT_INCOMING_SHOW,       /* add a line to out->peer's conversation */
  CHAT_INCOMING_DUPLICATE,  /* this id was shown already */
  CHAT_INCOMING_OWN_ECHO,   /* the server echoing a message we sent */
  CHAT_INCOMING_INVALID,    /* no sender or no content */
} ChatIncomingKind;

typedef struct
{
  gchar    *peer;     /* the conversation */
  gchar    *sender;
  gchar    *content;
  gchar    *id;       /* the server's message id, or NULL */
  gint64    time_s;   /* server timestamp if it sent one, else now */
  gboolean  from_me;  /* sent by this user from another session */
} ChatIncoming;

typedef struct _ChatRouter ChatRouter;

ChatRouter       *chat_router_new      (void);
void              chat_router_free     (ChatRouter    *router);

/* Decides what to do with event (received_message, ai_response_received)
 * and its payload (borrowed) for user me. On CHAT_INCOMING_SHOW fills *out
 * (free with chat_incoming_clear); otherwise *out is left empty. */
ChatIncomingKind  chat_router_route    (ChatRouter    *router,
                                        ChatOutbox    *outbox,
                                        const char    *me,
                                        const char    *event,
                                        json_t        *payload,
                                        gint64         now_s,
                                        ChatIncoming  *out);
void              chat_incoming_clear  (ChatIncoming  *in);

/* A server timestamp as seconds since the epoch: a number (seconds, or
 * milliseconds when above 1e11) or an ISO 8601 string; fallback if absent
 * or unreadable. */
gint64            chat_router_time     (json_t        *value,
                                        gint64         fallback);

G_END_DECLS
