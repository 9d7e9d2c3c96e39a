/* chat-state.h -- the connection state machine, without I/O.
 *
 * ChatSession feeds it events (user actions, socket and HTTP outcomes) and
 * carries out the effects it returns; the UI reads the status and which
 * actions make sense. Recovery follows the original's "Recovery Flow"
 * (Server Error, contacts cleared, sending blocked, Log In enabled), and
 * adds automatic reconnection while the JWT can still be used. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  CHAT_STATUS_OFFLINE,
  CHAT_STATUS_ONLINE,
  CHAT_STATUS_SERVER_ERROR,
  CHAT_STATUS_ERROR,
} ChatStatus;

typedef enum
{
  CHAT_PHASE_IDLE,           /* no socket */
  CHAT_PHASE_CONNECTING,     /* websocket + Socket.IO CONNECT in progress */
  CHAT_PHASE_FETCHING,       /* bound; loading the contacts list */
  CHAT_PHASE_CONNECTED,      /* bound, contacts loaded: chatting */
  CHAT_PHASE_WAITING_RETRY,  /* lost; a reconnect is scheduled */
} ChatPhase;

typedef enum
{
  CHAT_EVENT_LOGIN_STARTED,
  CHAT_EVENT_LOGIN_SUCCEEDED,
  CHAT_EVENT_LOGIN_FAILED,
  CHAT_EVENT_CONNECT,          /* the user asks to connect */
  CHAT_EVENT_RETRY_DUE,        /* the reconnect timer fired */
  CHAT_EVENT_SOCKET_READY,     /* Socket.IO CONNECT accepted */
  CHAT_EVENT_SOCKET_REFUSED,   /* CONNECT_ERROR: the token was refused */
  CHAT_EVENT_SOCKET_FAILED,    /* could not open, or closed before CONNECT */
  CHAT_EVENT_CONTACTS_LOADED,
  CHAT_EVENT_CONTACTS_DENIED,  /* "Invalid JWT" */
  CHAT_EVENT_CONTACTS_FAILED,
  CHAT_EVENT_CONNECTION_LOST,  /* closed, ping timeout, server disconnect */
  CHAT_EVENT_DISCONNECT,       /* the user asks to disconnect */
} ChatEvent;

typedef enum
{
  CHAT_EFFECT_NONE            = 0,
  CHAT_EFFECT_OPEN_SOCKET     = 1 << 0,
  CHAT_EFFECT_CLOSE_SOCKET    = 1 << 1,
  CHAT_EFFECT_SEND_GOODBYE    = 1 << 2,  /* client_disconnection first */
  CHAT_EFFECT_FETCH_CONTACTS  = 1 << 3,
  CHAT_EFFECT_START_HEARTBEAT = 1 << 4,
  CHAT_EFFECT_STOP_HEARTBEAT  = 1 << 5,
  CHAT_EFFECT_CLEAR_CONTACTS  = 1 << 6,
  CHAT_EFFECT_FAIL_PENDING    = 1 << 7,
  CHAT_EFFECT_SCHEDULE_RETRY  = 1 << 8,
  CHAT_EFFECT_CANCEL_RETRY    = 1 << 9,
  CHAT_EFFECT_FORGET_TOKEN    = 1 << 10,
  CHAT_EFFECT_RESET_BACKOFF   = 1 << 11,
  CHAT_EFFECT_ANNOUNCE_DOWN   = 1 << 12, /* tell the user the server left */
} ChatEffects;

typedef struct
{
  ChatStatus status;
  ChatPhase  phase;
  gboolean   logged_in;   /* holds a token */
  gboolean   login_busy;  /* a /log_in request is in flight */
  gboolean   automatic;   /* the current connect attempt is a reconnect */
} ChatState;

void         chat_state_init           (ChatState       *s);

/* Applies ev. may_retry says whether another automatic attempt is allowed
 * now (auto-reconnect on and the token still usable); it only matters for
 * the events that lose a connection. Returns what the caller must do, in
 * the order: goodbye, close, stop/start heartbeat, the rest. An event that
 * makes no sense in the current state changes nothing and returns NONE. */
ChatEffects  chat_state_apply          (ChatState       *s,
                                        ChatEvent        ev,
                                        gboolean         may_retry);

gboolean     chat_state_can_login      (const ChatState *s);
gboolean     chat_state_can_connect    (const ChatState *s);
gboolean     chat_state_can_chat       (const ChatState *s);
gboolean     chat_state_can_disconnect (const ChatState *s);
gboolean     chat_state_can_send       (const ChatState *s);

/* "Offline", "Online", "Server Error", "Error". Static. */
const char  *chat_status_to_string     (ChatStatus       status);
const char  *chat_event_to_string      (ChatEvent        ev);

G_END_DECLS
