/* chat-session.h -- ChatSession: everything the client knows and does,
 * without widgets.
 *
 * Holds the login (user, JWT), the connection (ChatSocket), the state
 * machine (chat-state.c), the contacts list and the conversations, the
 * heartbeat and the reconnect timer. The UI reads its properties, binds
 * lists to its models and calls its methods; it never touches a widget and
 * runs entirely in the GLib main loop.
 *
 * Properties (read-only unless noted; notify on change):
 *   server (rw)      the http(s) base URL
 *   username         who logged in last, or NULL
 *   status           ChatStatus as guint; status-text "Offline", ...
 *   title            "Please log in" or "Hello, <user>!"
 *   notice           a sticky message for the user (server down, ...), or NULL
 *   activity         what is going on ("Connecting…", "Reconnecting in 4 s…")
 *   can-login, can-connect, can-chat, can-disconnect, can-send
 *   heartbeat-seconds (rw), auto-reconnect (rw)
 * Signals:
 *   incoming (ChatConversation *conv, ChatLine *line)   a message arrived
 *   server-down ()                   the original's "temporary down" moment
 *   reset ()                         another user logged in: conversations
 *                                    were dropped */
#pragma once

#include <gio/gio.h>

#include "chat-conversation.h"
#include "chat-contact.h"
#include "chat-login.h"
#include "chat-state.h"

G_BEGIN_DECLS

#define CHAT_TYPE_SESSION (chat_session_get_type ())
G_DECLARE_FINAL_TYPE (ChatSession, chat_session, CHAT, SESSION, GObject)

ChatSession      *chat_session_new                 (const char       *server);

const char       *chat_session_get_server          (ChatSession      *self);
void              chat_session_set_server          (ChatSession      *self,
                                                    const char       *server);
const char       *chat_session_get_username        (ChatSession      *self);
const ChatState  *chat_session_get_state           (ChatSession      *self);
const char       *chat_session_get_notice          (ChatSession      *self);
const char       *chat_session_get_activity        (ChatSession      *self);
const char       *chat_session_get_title           (ChatSession      *self);

/* GListModel of ChatContact, sorted by name. Borrowed. */
GListModel       *chat_session_get_contacts        (ChatSession      *self);
/* The conversation with peer, created on first use. Borrowed. */
ChatConversation *chat_session_get_conversation    (ChatSession      *self,
                                                    const char       *peer);
/* Same, but NULL if there is none yet. */
ChatConversation *chat_session_lookup_conversation (ChatSession      *self,
                                                    const char       *peer);

/* POST /log_in. Fails at once (G_IO_ERROR_BUSY) when logging in makes no
 * sense now. */
void              chat_session_log_in              (ChatSession      *self,
                                                    const char       *user,
                                                    const char       *password,
                                                    GCancellable     *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer          user_data);
/* The outcome, and in *message the text to show (static, the original
 * client's). FALSE with error only when not started or cancelled. */
gboolean          chat_session_log_in_finish       (ChatSession      *self,
                                                    GAsyncResult     *result,
                                                    ChatLoginOutcome *outcome,
                                                    const char      **message,
                                                    GError          **error);

void              chat_session_connect             (ChatSession      *self);
void              chat_session_disconnect          (ChatSession      *self);

/* Sends text to peer. Returns the new line (borrowed: the conversation
 * holds it) or NULL when sending is blocked or text is blank. */
ChatLine         *chat_session_send                (ChatSession      *self,
                                                    const char       *peer,
                                                    const char       *text);
/* Sends a FAILED line of ours again. FALSE when not possible now. */
gboolean          chat_session_resend              (ChatSession      *self,
                                                    const char       *peer,
                                                    ChatLine         *line);

/* Tuning for tests: reconnect backoff and ack timeout. */
void              chat_session_set_timing          (ChatSession      *self,
                                                    guint             backoff_base_ms,
                                                    guint             backoff_max_ms,
                                                    guint             ack_timeout_ms);

/* Disconnects (goodbye included) and runs the main context until the
 * goodbye has left or timeout_ms passed. For the app's shutdown. */
void              chat_session_shutdown            (ChatSession      *self,
                                                    guint             timeout_ms);

G_END_DECLS
