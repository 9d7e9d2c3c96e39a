/* chat-outbox.h -- our messages waiting for the server's ack.
 *
 * Every client_sends_message goes out with a Socket.IO ack id; the entry
 * keeps the line until "43<id>[{result,id}]" comes back, a deadline passes
 * or the connection is lost, so no message is ever dropped silently. It
 * also remembers the server ids of our messages, so their echo (the server
 * sends our own message back to our sockets) can be recognised. No I/O. */
#pragma once

#include <glib.h>
#include <jansson.h>

#include "chat-line.h"

G_BEGIN_DECLS

typedef struct _ChatOutbox ChatOutbox;

ChatOutbox *chat_outbox_new          (void);
void        chat_outbox_free         (ChatOutbox  *outbox);

/* Tracks line (a new reference is taken) under ack_id until deadline_us
 * (monotonic microseconds). room is where it was sent. */
void        chat_outbox_add          (ChatOutbox  *outbox,
                                      gint64       ack_id,
                                      ChatLine    *line,
                                      const char  *room,
                                      gint64       deadline_us);

/* Applies an ack's arguments (the array of a "43" packet, borrowed) to the
 * line sent with ack_id: SENT, CACHED or FAILED, and stops tracking it.
 * Returns the line (a new reference: caller unrefs) or NULL for an
 * unknown id. */
ChatLine   *chat_outbox_ack          (ChatOutbox  *outbox,
                                      gint64       ack_id,
                                      json_t      *args);

/* TRUE when a received_message with sender = me is the echo of one of our
 * messages: its id was acked to us, or a pending line in that room has the
 * same content (the echo may come before the ack). */
gboolean    chat_outbox_claim_echo   (ChatOutbox  *outbox,
                                      const char  *room,
                                      const char  *content,
                                      const char  *message_id);

/* Marks every tracked line FAILED with reason and forgets them (the
 * connection they were sent on is gone). Returns how many. */
guint       chat_outbox_fail_all     (ChatOutbox  *outbox,
                                      const char  *reason);

/* Marks lines whose deadline is before now_us FAILED with reason; they stay
 * tracked, so a late ack still corrects them. Returns how many. */
guint       chat_outbox_expire       (ChatOutbox  *outbox,
                                      gint64       now_us,
                                      const char  *reason);

/* Lines still tracked (pending or expired-waiting). */
guint       chat_outbox_size         (ChatOutbox  *outbox);

G_END_DECLS
