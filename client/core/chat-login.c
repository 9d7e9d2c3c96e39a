/* chat-login.c -- map a /log_in answer to an outcome and the original text.
 *
 * Success is {"result":"success","token":JWT}; wrong user or password is
 * {"result":"Invalid credentials"}; anything else (another result, an
 * {"error":...} body, not JSON) is an unexpected answer. A gateway status
 * (502/503/504) or no answer at all means the server is unavailable. */
#define G_LOG_DOMAIN "chat-login"

#include "chat-login.h"

#include <jansson.h>

static ChatLoginOutcome
chat_login_unexpected (gchar      **detail,
                       const char  *why)
{
  if (detail != NULL)
    *detail = g_strdup (why);
  return CHAT_LOGIN_UNEXPECTED;
}

static ChatLoginOutcome
chat_login_from_object (json_t  *obj,
                        gchar  **token,
                        gchar  **detail)
{
  json_t *result = json_object_get (obj, "result");
  json_t *tok = json_object_get (obj, "token");
  json_t *err = json_object_get (obj, "error");

  if (json_is_string (result))
    {
      const char *r = json_string_value (result);

      if (g_strcmp0 (r, "success") == 0)
        {
          if (!json_is_string (tok) || json_string_length (tok) == 0)
            return chat_login_unexpected (detail, "success without a token");
          if (token != NULL)
            *token = g_strdup (json_string_value (tok));
          return CHAT_LOGIN_OK;
        }
      if (g_strcmp0 (r, "Invalid credentials") == 0)
        return CHAT_LOGIN_WRONG_CREDENTIALS;
      return chat_login_unexpected (detail, r);
    }
  if (json_is_string (err))
    return chat_login_unexpected (detail, json_string_value (err));
  return chat_login_unexpected (detail, "answer without a result");
}

ChatLoginOutcome
chat_login_parse (guint        http_status,
                  const char  *body,
                  gsize        len,
                  gchar      **token,
                  gchar      **detail)
{
  json_t *obj;
  ChatLoginOutcome outcome;

  if (token != NULL)
    *token = NULL;
  if (detail != NULL)
    *detail = NULL;

  if (http_status == 0 || http_status == 502 || http_status == 503 ||
      http_status == 504)
    {
      if (detail != NULL && http_status != 0)
        *detail = g_strdup_printf ("HTTP %u", http_status);
      return CHAT_LOGIN_SERVER_UNAVAILABLE;
    }

  obj = body != NULL ? json_loadb (body, len, 0, NULL) : NULL;
  if (!json_is_object (obj))
    {
      if (obj != NULL)
        json_decref (obj);
      if (detail != NULL)
        *detail = g_strdup_printf ("not a JSON object (HTTP %u)", http_status);
      return CHAT_LOGIN_UNEXPECTED;
    }
  outcome = chat_login_from_object (obj, token, detail);
  json_decref (obj);
  return outcome;
}

const char *
chat_login_message (ChatLoginOutcome outcome)
{
  switch (outcome)
    {
    case CHAT_LOGIN_OK:
      return "Logged in.";
    case CHAT_LOGIN_WRONG_CREDENTIALS:
      return "Wrong credentials. Please re login with your credentials.";
    case CHAT_LOGIN_SERVER_UNAVAILABLE:
      return "Log In failed. Chat server isn't available at the moment.";
    case CHAT_LOGIN_UNEXPECTED:
    default:
      return "Log In failed. Server side error.";
    }
}
