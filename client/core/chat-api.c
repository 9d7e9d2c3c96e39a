/* chat-api.c -- POST /log_in and GET /get_contacts_list/<user> with
 * libsoup-3.0 (soup_session_send_and_read_async), wrapped in GTasks so the
 * caller gets one result in the main loop. */
#define G_LOG_DOMAIN "chat-api"

#include "chat-api.h"

#include <jansson.h>
#include <string.h>

gchar *
chat_api_url (const char *base_url,
              const char *path,
              const char *user)
{
  g_autofree gchar *escaped = NULL;

  if (user == NULL)
    return g_strconcat (base_url, path, NULL);
  escaped = g_uri_escape_string (user, NULL, FALSE);
  return g_strconcat (base_url, path, escaped, NULL);
}

typedef struct
{
  SoupMessage *msg;
} ChatApiCall;

static void
chat_api_call_free (gpointer data)
{
  ChatApiCall *call = data;

  g_clear_object (&call->msg);
  g_free (call);
}

/* Starts msg on http; the task gets the body (GBytes) or the error. */
static void
on_sent_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  GBytes *body;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                            &error);
  if (body == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, body, (GDestroyNotify) g_bytes_unref);
}

static GTask *
chat_api_start (SoupSession         *http,
                SoupMessage         *msg,
                gpointer             source_tag,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  ChatApiCall *call = g_new0 (ChatApiCall, 1);

  g_task_set_source_tag (task, source_tag);
  call->msg = msg;
  g_task_set_task_data (task, call, chat_api_call_free);
  if (msg != NULL)
    soup_session_send_and_read_async (http, msg, G_PRIORITY_DEFAULT,
                                      cancellable, on_sent_cb,
                                      g_object_ref (task));
  else
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                             "bad server address");
  return task;
}

void
chat_api_log_in (SoupSession         *http,
                 const char          *base_url,
                 const char          *user,
                 const char          *password,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  g_autofree gchar *url = chat_api_url (base_url, "/log_in", NULL);
  SoupMessage *msg = soup_message_new ("POST", url);
  json_t *body = json_pack ("{ss ss}", "username", user != NULL ? user : "",
                            "password", password != NULL ? password : "");
  char *text = json_dumps (body, JSON_COMPACT);
  g_autoptr (GBytes) bytes = g_bytes_new (text, strlen (text));
  g_autoptr (GTask) task = NULL;

  /* the password leaves memory we own as soon as it is copied */
  explicit_bzero (text, strlen (text));
  free (text);
  json_decref (body);
  if (msg != NULL)
    soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  task = chat_api_start (http, msg, chat_api_log_in, cancellable, callback,
                         user_data);
}

gboolean
chat_api_log_in_finish (GAsyncResult      *result,
                        ChatLoginOutcome  *outcome,
                        gchar            **token,
                        gchar            **detail,
                        GError           **error)
{
  GTask *task = G_TASK (result);
  ChatApiCall *call = g_task_get_task_data (task);
  g_autoptr (GError) local = NULL;
  g_autoptr (GBytes) body = g_task_propagate_pointer (task, &local);
  gsize len = 0;
  const char *data;

  *token = NULL;
  *detail = NULL;
  if (body == NULL)
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      *outcome = CHAT_LOGIN_SERVER_UNAVAILABLE;
      *detail = g_strdup (local->message);
      return TRUE;
    }
  data = g_bytes_get_data (body, &len);
  *outcome = chat_login_parse (soup_message_get_status (call->msg), data, len,
                               token, detail);
  return TRUE;
}

void
chat_api_contacts (SoupSession         *http,
                   const char          *base_url,
                   const char          *user,
                   const char          *token,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  g_autofree gchar *url = chat_api_url (base_url, "/get_contacts_list/", user);
  SoupMessage *msg = soup_message_new ("GET", url);
  g_autoptr (GTask) task = NULL;

  if (msg != NULL)
    {
      SoupMessageHeaders *h = soup_message_get_request_headers (msg);

      soup_message_headers_replace (h, "username", user);
      soup_message_headers_replace (h, "jwt", token);
    }
  task = chat_api_start (http, msg, chat_api_contacts, cancellable, callback,
                         user_data);
}

GBytes *
chat_api_contacts_finish (GAsyncResult  *result,
                          guint         *status,
                          GError       **error)
{
  GTask *task = G_TASK (result);
  ChatApiCall *call = g_task_get_task_data (task);
  GBytes *body = g_task_propagate_pointer (task, error);

  *status = body != NULL ? soup_message_get_status (call->msg) : 0;
  return body;
}
