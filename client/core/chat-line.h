/* chat-line.h -- one line of a conversation: who, what, when, and for our
 * own lines whether the server confirmed them.
 *
 * Outgoing lines start PENDING and move to SENT ("delivered"), CACHED
 * (stored for an offline peer) or FAILED when the ack, a timeout or a lost
 * connection decides. The UI binds a row to "state" and "detail". */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  CHAT_LINE_RECEIVED,  /* from the peer (or a bot, or the server's Admin) */
  CHAT_LINE_PENDING,   /* ours, waiting for the server's ack */
  CHAT_LINE_SENT,      /* ours, acked "delivered" */
  CHAT_LINE_CACHED,    /* ours, acked "cached": the peer gets it later */
  CHAT_LINE_FAILED,    /* ours, not confirmed: error ack, timeout, lost */
} ChatLineState;

#define CHAT_TYPE_LINE_STATE (chat_line_state_get_type ())
GType chat_line_state_get_type (void);

#define CHAT_TYPE_LINE (chat_line_get_type ())
G_DECLARE_FINAL_TYPE (ChatLine, chat_line, CHAT, LINE, GObject)

/* time_s: seconds since the epoch. */
ChatLine      *chat_line_new_incoming  (const char    *sender,
                                        const char    *content,
                                        gint64         time_s,
                                        const char    *message_id);
ChatLine      *chat_line_new_outgoing  (const char    *sender,
                                        const char    *content,
                                        gint64         time_s);

const char    *chat_line_get_sender     (ChatLine      *self);
const char    *chat_line_get_content    (ChatLine      *self);
gint64         chat_line_get_time       (ChatLine      *self);
gboolean       chat_line_get_outgoing   (ChatLine      *self);
ChatLineState  chat_line_get_state      (ChatLine      *self);
const char    *chat_line_get_detail     (ChatLine      *self);
const char    *chat_line_get_message_id (ChatLine      *self);

/* Sets state and detail together (detail may be NULL); notifies on change. */
void           chat_line_set_state      (ChatLine      *self,
                                         ChatLineState  state,
                                         const char    *detail);
void           chat_line_set_message_id (ChatLine      *self,
                                         const char    *message_id);

/* "14:03" in local time. Caller frees with g_free(). */
gchar         *chat_line_format_time    (ChatLine      *self);
/* What the UI shows under an outgoing line ("Sending…", "Delivered", ...);
 * "" for received lines. Caller frees with g_free(). */
gchar         *chat_line_describe_state (ChatLine      *self);

G_END_DECLS
