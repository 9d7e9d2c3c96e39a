/* chat-state.c -- transitions of the connection state machine.
 *
 * One function per group of events keeps each case short; every change of
 * state happens here and nowhere else, so the unit tests can walk the
 * whole recovery flow by feeding events. */
#define G_LOG_DOMAIN "chat-state"

#include "chat-state.h"

/* What every way of losing a bound connection has to clean up. */
#define CHAT_EFFECTS_TEARDOWN (CHAT_EFFECT_CLOSE_SOCKET |   \
                               CHAT_EFFECT_STOP_HEARTBEAT | \
                               CHAT_EFFECT_CLEAR_CONTACTS | \
                               CHAT_EFFECT_FAIL_PENDING)

void
chat_state_init (ChatState *s)
{
  s->status = CHAT_STATUS_OFFLINE;
  s->phase = CHAT_PHASE_IDLE;
  s->logged_in = FALSE;
  s->login_busy = FALSE;
  s->automatic = FALSE;
}

static gboolean
chat_state_is_bound (const ChatState *s)
{
  return s->phase == CHAT_PHASE_FETCHING || s->phase == CHAT_PHASE_CONNECTED;
}

static gboolean
chat_state_is_idle (const ChatState *s)
{
  return s->phase == CHAT_PHASE_IDLE || s->phase == CHAT_PHASE_WAITING_RETRY;
}

/* Back to idle without a usable token: the user must log in again. */
static ChatEffects
chat_state_drop_token (ChatState *s)
{
  s->phase = CHAT_PHASE_IDLE;
  s->logged_in = FALSE;
  s->automatic = FALSE;
  return CHAT_EFFECT_FORGET_TOKEN;
}

/* A reconnect attempt is not possible or failed for good. */
static ChatEffects
chat_state_retry_or_stop (ChatState *s,
                          gboolean   may_retry)
{
  if (may_retry)
    {
      s->phase = CHAT_PHASE_WAITING_RETRY;
      s->automatic = TRUE;
      return CHAT_EFFECT_SCHEDULE_RETRY;
    }
  return chat_state_drop_token (s);
}

static ChatEffects
chat_state_on_login (ChatState *s,
                     ChatEvent  ev)
{
  switch (ev)
    {
    case CHAT_EVENT_LOGIN_STARTED:
      if (!chat_state_can_login (s))
        return CHAT_EFFECT_NONE;
      s->login_busy = TRUE;
      return CHAT_EFFECT_NONE;
    case CHAT_EVENT_LOGIN_SUCCEEDED:
      if (!s->login_busy)
        return CHAT_EFFECT_NONE;
      s->login_busy = FALSE;
      s->logged_in = TRUE;
      return CHAT_EFFECT_RESET_BACKOFF;
    case CHAT_EVENT_LOGIN_FAILED:
    default:
      s->login_busy = FALSE;
      return CHAT_EFFECT_NONE;
    }
}

static ChatEffects
chat_state_on_connect (ChatState *s,
                       ChatEvent  ev)
{
  if (ev == CHAT_EVENT_CONNECT)
    {
      if (!chat_state_can_connect (s))
        return CHAT_EFFECT_NONE;
      s->phase = CHAT_PHASE_CONNECTING;
      s->automatic = FALSE;
      return CHAT_EFFECT_CANCEL_RETRY | CHAT_EFFECT_OPEN_SOCKET;
    }
  /* CHAT_EVENT_RETRY_DUE */
  if (s->phase != CHAT_PHASE_WAITING_RETRY || !s->logged_in)
    return CHAT_EFFECT_NONE;
  s->phase = CHAT_PHASE_CONNECTING;
  s->automatic = TRUE;
  return CHAT_EFFECT_OPEN_SOCKET;
}

static ChatEffects
chat_state_on_socket (ChatState *s,
                      ChatEvent  ev,
                      gboolean   may_retry)
{
  if (s->phase != CHAT_PHASE_CONNECTING)
    return CHAT_EFFECT_NONE;
  switch (ev)
    {
    case CHAT_EVENT_SOCKET_READY:
      s->phase = CHAT_PHASE_FETCHING;
      return CHAT_EFFECT_FETCH_CONTACTS | CHAT_EFFECT_START_HEARTBEAT;
    case CHAT_EVENT_SOCKET_REFUSED:
      if (!s->automatic)
        s->status = CHAT_STATUS_ERROR;
      return CHAT_EFFECT_CLOSE_SOCKET | chat_state_drop_token (s);
    case CHAT_EVENT_SOCKET_FAILED:
    default:
      if (s->automatic)
        return CHAT_EFFECT_CLOSE_SOCKET | chat_state_retry_or_stop (s, may_retry);
      s->status = CHAT_STATUS_ERROR;
      s->phase = CHAT_PHASE_IDLE;
      return CHAT_EFFECT_CLOSE_SOCKET;
    }
}

static ChatEffects
chat_state_on_contacts (ChatState *s,
                        ChatEvent  ev,
                        gboolean   may_retry)
{
  if (s->phase != CHAT_PHASE_FETCHING)
    return CHAT_EFFECT_NONE;
  switch (ev)
    {
    case CHAT_EVENT_CONTACTS_LOADED:
      s->phase = CHAT_PHASE_CONNECTED;
      s->status = CHAT_STATUS_ONLINE;
      s->automatic = FALSE;
      return CHAT_EFFECT_RESET_BACKOFF;
    case CHAT_EVENT_CONTACTS_DENIED:
      s->status = CHAT_STATUS_ERROR;
      return CHAT_EFFECTS_TEARDOWN | chat_state_drop_token (s);
    case CHAT_EVENT_CONTACTS_FAILED:
    default:
      if (s->automatic)
        return CHAT_EFFECTS_TEARDOWN | chat_state_retry_or_stop (s, may_retry);
      s->status = CHAT_STATUS_ERROR;
      s->phase = CHAT_PHASE_IDLE;
      return CHAT_EFFECTS_TEARDOWN;
    }
}

static ChatEffects
chat_state_on_lost (ChatState *s,
                    gboolean   may_retry)
{
  if (s->phase == CHAT_PHASE_CONNECTING)
    return chat_state_on_socket (s, CHAT_EVENT_SOCKET_FAILED, may_retry);
  if (!chat_state_is_bound (s))
    return CHAT_EFFECT_NONE;
  s->status = CHAT_STATUS_SERVER_ERROR;
  return CHAT_EFFECTS_TEARDOWN | CHAT_EFFECT_ANNOUNCE_DOWN |
         chat_state_retry_or_stop (s, may_retry);
}

static ChatEffects
chat_state_on_disconnect (ChatState *s)
{
  ChatEffects fx = CHAT_EFFECTS_TEARDOWN | CHAT_EFFECT_CANCEL_RETRY;

  if (!chat_state_can_disconnect (s))
    return CHAT_EFFECT_NONE;
  if (chat_state_is_bound (s))
    fx |= CHAT_EFFECT_SEND_GOODBYE;
  s->status = CHAT_STATUS_OFFLINE;
  return fx | chat_state_drop_token (s);
}

ChatEffects
chat_state_apply (ChatState *s,
                  ChatEvent  ev,
                  gboolean   may_retry)
{
  switch (ev)
    {
    case CHAT_EVENT_LOGIN_STARTED:
    case CHAT_EVENT_LOGIN_SUCCEEDED:
    case CHAT_EVENT_LOGIN_FAILED:
      return chat_state_on_login (s, ev);
    case CHAT_EVENT_CONNECT:
    case CHAT_EVENT_RETRY_DUE:
      return chat_state_on_connect (s, ev);
    case CHAT_EVENT_SOCKET_READY:
    case CHAT_EVENT_SOCKET_REFUSED:
    case CHAT_EVENT_SOCKET_FAILED:
      return chat_state_on_socket (s, ev, may_retry);
    case CHAT_EVENT_CONTACTS_LOADED:
    case CHAT_EVENT_CONTACTS_DENIED:
    case CHAT_EVENT_CONTACTS_FAILED:
      return chat_state_on_contacts (s, ev, may_retry);
    case CHAT_EVENT_CONNECTION_LOST:
      return chat_state_on_lost (s, may_retry);
    case CHAT_EVENT_DISCONNECT:
      return chat_state_on_disconnect (s);
    default:
      return CHAT_EFFECT_NONE;
    }
}

gboolean
chat_state_can_login (const ChatState *s)
{
  if (s->login_busy || !chat_state_is_idle (s))
    return FALSE;
  return !s->logged_in || s->status == CHAT_STATUS_SERVER_ERROR ||
         s->status == CHAT_STATUS_ERROR;
}

gboolean
chat_state_can_connect (const ChatState *s)
{
  return s->logged_in && !s->login_busy && chat_state_is_idle (s);
}

gboolean
chat_state_can_chat (const ChatState *s)
{
  return s->phase == CHAT_PHASE_CONNECTED;
}

gboolean
chat_state_can_disconnect (const ChatState *s)
{
  return s->phase != CHAT_PHASE_IDLE;
}

gboolean
chat_state_can_send (const ChatState *s)
{
  return s->phase == CHAT_PHASE_CONNECTED;
}

const char *
chat_status_to_string (ChatStatus status)
{
  switch (status)
    {
    case CHAT_STATUS_ONLINE:
      return "Online";
    case CHAT_STATUS_SERVER_ERROR:
      return "Server Error";
    case CHAT_STATUS_ERROR:
      return "Error";
    case CHAT_STATUS_OFFLINE:
    default:
      return "Offline";
    }
}

const char *
chat_event_to_string (ChatEvent ev)
{
  static const char *const names[] = {
    "login-started", "login-succeeded", "login-failed", "connect",
    "retry-due", "socket-ready", "socket-refused", "socket-failed",
    "contacts-loaded", "contacts-denied", "contacts-failed",
    "connection-lost", "disconnect",
  };

  if ((guint) ev < G_N_ELEMENTS (names))
    return names[ev];
  return "unknown";
}
