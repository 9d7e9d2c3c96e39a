/* chat-session-login.c -- ChatSession's POST /log_in: a GTask around
 * chat_api_log_in() that feeds LOGIN_STARTED / LOGIN_SUCCEEDED /
 * LOGIN_FAILED to the state machine and hands the outcome, with the
 * original client's text for it, to the caller (the Log In dialog). */
#define G_LOG_DOMAIN "chat-session"

#include "chat-session-private.h"
#include "chat-api.h"

typedef struct
{
  gchar            *user;
  ChatLoginOutcome  outcome;
} ChatLoginCall;

static void
chat_login_call_free (gpointer data)
{
  ChatLoginCall *call = data;

  g_clear_pointer (&call->user, g_free);
  g_free (call);
}

static void
on_logged_in_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  ChatSession *self = g_task_get_source_object (task);
  ChatLoginCall *call = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autofree gchar *token = NULL;
  g_autofree gchar *detail = NULL;

  (void) source;
  if (!chat_api_log_in_finish (result, &call->outcome, &token, &detail, &error))
    {
      _chat_session_dispatch (self, CHAT_EVENT_LOGIN_FAILED, error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (call->outcome != CHAT_LOGIN_OK)
    {
      g_message ("log in as %s failed: %s%s%s", call->user,
                 chat_login_message (call->outcome), detail ? " " : "",
                 detail ? detail : "");
      _chat_session_dispatch (self, CHAT_EVENT_LOGIN_FAILED, detail);
      g_task_return_boolean (task, TRUE);
      return;
    }

  _chat_session_set_user (self, call->user, g_steal_pointer (&token));
  _chat_session_dispatch (self, CHAT_EVENT_LOGIN_SUCCEEDED, NULL);
  g_task_return_boolean (task, TRUE);
}

void
chat_session_log_in (ChatSession         *self,
                     const char          *user,
                     const char          *password,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  ChatLoginCall *call = g_new0 (ChatLoginCall, 1);

  g_task_set_source_tag (task, chat_session_log_in);
  call->user = g_strdup (user);
  g_task_set_task_data (task, call, chat_login_call_free);
  if (!chat_state_can_login (&self->state))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY,
                               "logging in is not possible now");
      g_object_unref (task);
      return;
    }
  _chat_session_dispatch (self, CHAT_EVENT_LOGIN_STARTED, NULL);
  chat_api_log_in (self->http, self->server, user, password, cancellable,
                   on_logged_in_cb, task);
}

gboolean
chat_session_log_in_finish (ChatSession       *self,
                            GAsyncResult      *result,
                            ChatLoginOutcome  *outcome,
                            const char       **message,
                            GError           **error)
{
  ChatLoginCall *call;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  call = g_task_get_task_data (G_TASK (result));
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  *outcome = call->outcome;
  *message = chat_login_message (call->outcome);
  return TRUE;
}
