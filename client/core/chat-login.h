/* chat-login.h -- what a POST /log_in answer means, without I/O.
 *
 * The auth service answers with the original server's bodies; the original
 * client read the body, not the status. chat_login_parse() turns status and
 * body into one outcome, and chat_login_message() gives the original
 * client's text for it (local_client_config.py, LoginWindowErrorMessages). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  CHAT_LOGIN_OK,
  CHAT_LOGIN_WRONG_CREDENTIALS,
  CHAT_LOGIN_SERVER_UNAVAILABLE,
  CHAT_LOGIN_UNEXPECTED,
} ChatLoginOutcome;

/* http_status 0 means the request never got an answer (refused, timeout,
 * DNS): the server is unavailable. On CHAT_LOGIN_OK *token gets the JWT;
 * otherwise *detail may get a short reason for the log or a second line.
 * Both out-strings are owned by the caller (g_free) and may be NULL. */
ChatLoginOutcome  chat_login_parse   (guint              http_status,
                                      const char        *body,
                                      gsize              len,
                                      gchar            **token,
                                      gchar            **detail);

/* The original client's text for an outcome; static. */
const char       *chat_login_message (ChatLoginOutcome   outcome);

/* The original's pop-up when the chat server went away. */
#define CHAT_SERVER_DOWN_MESSAGE \
  "Error: Chat Server is temporary down. Please re login and re connect."

G_END_DECLS
