/* chat-api.h -- the two HTTP calls of the chat: POST /log_in and
 * GET /get_contacts_list/<user>, asynchronous in the main loop (libsoup).
 *
 * They only move bytes: what the answers mean is decided by chat-login.c
 * and chat-contacts.c, which are tested without a network. */
#pragma once

#include <libsoup/soup.h>

#include "chat-login.h"

G_BEGIN_DECLS

/* base_url + path with the user name escaped, e.g.
 * http://h:5000/get_contacts_list/Lisa. Caller frees with g_free(). */
gchar            *chat_api_url            (const char           *base_url,
                                           const char           *path,
                                           const char           *user);

void              chat_api_log_in         (SoupSession          *http,
                                           const char           *base_url,
                                           const char           *user,
                                           const char           *password,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
/* The outcome; *token on success, *detail otherwise (both g_free, may be
 * NULL). FALSE with error only when cancelled. */
gboolean          chat_api_log_in_finish  (GAsyncResult         *result,
                                           ChatLoginOutcome     *outcome,
                                           gchar               **token,
                                           gchar               **detail,
                                           GError              **error);

/* Sends headers username + jwt, as the original client did. */
void              chat_api_contacts       (SoupSession          *http,
                                           const char           *base_url,
                                           const char           *user,
                                           const char           *token,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
/* The body (caller unrefs) and *status; NULL with error when no answer
 * came (transport error or cancelled). */
GBytes           *chat_api_contacts_finish (GAsyncResult        *result,
                                            guint               *status,
                                            GError             **error);

G_END_DECLS
