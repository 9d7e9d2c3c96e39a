/* test_chat_state.c -- the connection state machine: which actions make
 * sense when, connect and disconnect, and the recovery flow when the server
 * goes away (client/core/chat-state.c). */
#define G_LOG_DOMAIN "test-chat-state"

#include "chat-test.h"
#include "chat-state.h"

#define TEARDOWN (CHAT_EFFECT_CLOSE_SOCKET | CHAT_EFFECT_STOP_HEARTBEAT | \
                  CHAT_EFFECT_CLEAR_CONTACTS | CHAT_EFFECT_FAIL_PENDING)

/* the four action flags as a string "LCHD" with '-' for disabled */
static const char *
actions (const ChatState *s)
{
  static char buf[5];

  buf[0] = chat_state_can_login (s) ? 'L' : '-';
  buf[1] = chat_state_can_connect (s) ? 'C' : '-';
  buf[2] = chat_state_can_chat (s) ? 'H' : '-';
  buf[3] = chat_state_can_disconnect (s) ? 'D' : '-';
  buf[4] = '\0';
  return buf;
}

static void
logged_in (ChatState *s)
{
  chat_state_init (s);
  chat_state_apply (s, CHAT_EVENT_LOGIN_STARTED, FALSE);
  chat_state_apply (s, CHAT_EVENT_LOGIN_SUCCEEDED, FALSE);
}

static void
online (ChatState *s)
{
  logged_in (s);
  chat_state_apply (s, CHAT_EVENT_CONNECT, FALSE);
  chat_state_apply (s, CHAT_EVENT_SOCKET_READY, FALSE);
  chat_state_apply (s, CHAT_EVENT_CONTACTS_LOADED, FALSE);
}

static void
test_at_start_only_log_in_makes_sense (void **state)
{
  ChatState s;

  (void) state;
  chat_state_init (&s);
  assert_int_equal (s.status, CHAT_STATUS_OFFLINE);
  assert_string_equal (actions (&s), "L---");
  assert_string_equal (chat_status_to_string (s.status), "Offline");
  /* connecting without a token does nothing */
  assert_int_equal (chat_state_apply (&s, CHAT_EVENT_CONNECT, FALSE),
                    CHAT_EFFECT_NONE);
  assert_int_equal (s.phase, CHAT_PHASE_IDLE);
}

static void
test_login_in_flight_blocks_a_second_one (void **state)
{
  ChatState s;

  (void) state;
  chat_state_init (&s);
  chat_state_apply (&s, CHAT_EVENT_LOGIN_STARTED, FALSE);
  assert_string_equal (actions (&s), "----");
  chat_state_apply (&s, CHAT_EVENT_LOGIN_FAILED, FALSE);
  assert_string_equal (actions (&s), "L---");
  assert_false (s.logged_in);
}

static void
test_after_login_connect_is_enabled (void **state)
{
  ChatState s;

  (void) state;
  logged_in (&s);
  assert_true (s.logged_in);
  assert_string_equal (actions (&s), "-C--");
}

static void
test_connect_flow_reaches_online (void **state)
{
  ChatState s;

  (void) state;
  logged_in (&s);
  assert_int_equal (chat_state_apply (&s, CHAT_EVENT_CONNECT, FALSE),
                    CHAT_EFFECT_CANCEL_RETRY | CHAT_EFFECT_OPEN_SOCKET);
  assert_string_equal (actions (&s), "---D");
  assert_int_equal (chat_state_apply (&s, CHAT_EVENT_SOCKET_READY, FALSE),
                    CHAT_EFFECT_FETCH_CONTACTS | CHAT_EFFECT_START_HEARTBEAT);
  assert_int_equal (s.phase, CHAT_PHASE_FETCHING);
  assert_false (chat_state_can_send (&s));
  assert_int_equal (chat_state_apply (&s, CHAT_EVENT_CONTACTS_LOADED, FALSE),
                    CHAT_EFFECT_RESET_BACKOFF);
  assert_int_equal (s.status, CHAT_STATUS_ONLINE);
  assert_string_equal (actions (&s), "--HD");
  assert_true (chat_state_can_send (&s));
}

static void
test_events_out_of_place_change_nothing (void **state)
{
  ChatState s, before;

  (void) state;
  online (&s);
  before = s;
  assert_int_equal (chat_state_apply (&s, CHAT_EVENT_SOCKET_READY, TRUE), 0);
  assert_int_equal (chat_state_apply (&s, CHAT_EVENT_CONTACTS_LOADED, TRUE), 0);
  assert_int_equal (chat_state_apply (&s, CHAT_EVENT_RETRY_DUE, TRUE), 0);
  assert_int_equal (chat_state_apply (&s, CHAT_EVENT_CONNECT, TRUE), 0);
  assert_int_equal (chat_state_apply (&s, CHAT_EVENT_LOGIN_STARTED, TRUE), 0);
  assert_memory_equal (&s, &before, sizeof s);
}

static void
test_disconnect_says_goodbye_and_logs_out (void **state)
{
  ChatState s;

  (void) state;
  online (&s);
  assert_int_equal (chat_state_apply (&s, CHAT_EVENT_DISCONNECT, FALSE),
                    TEARDOWN | CHAT_EFFECT_SEND_GOODBYE |
                    CHAT_EFFECT_CANCEL_RETRY | CHAT_EFFECT_FORGET_TOKEN);
  assert_int_equal (s.status, CHAT_STATUS_OFFLINE);
  assert_false (s.logged_in);
  assert_string_equal (actions (&s), "L---");
  /* nothing to disconnect any more */
  assert_int_equal (chat_state_apply (&s, CHAT_EVENT_DISCONNECT, FALSE), 0);
}

static void
test_server_gone_with_valid_token_reconnects_by_itself (void **state)
{
  ChatState s;

  (void) state;
  online (&s);
  assert_int_equal (chat_state_apply (&s, CHAT_EVENT_CONNECTION_LOST, TRUE),
                    TEARDOWN | CHAT_EFFECT_ANNOUNCE_DOWN |
                    CHAT_EFFECT_SCHEDULE_RETRY);
  assert_int_equal (s.status, CHAT_STATUS_SERVER_ERROR);
  assert_string_equal (chat_status_to_string (s.status), "Server Error");
  assert_int_equal (s.phase, CHAT_PHASE_WAITING_RETRY);
  /* the original's recovery: log in again is possible, sending is not */
  assert_string_equal (actions (&s), "LC-D");
  assert_false (chat_state_can_send (&s));

  /* the server is still down: wait again, still "Server Error" */
  assert_int_equal (chat_state_apply (&s, CHAT_EVENT_RETRY_DUE, TRUE),
                    CHAT_EFFECT_OPEN_SOCKET);
  assert_true (s.automatic);
  assert_int_equal (chat_state_apply (&s, CHAT_EVENT_SOCKET_FAILED, TRUE),
                    CHAT_EFFECT_CLOSE_SOCKET | CHAT_EFFECT_SCHEDULE_RETRY);
  assert_int_equal (s.status, CHAT_STATUS_SERVER_ERROR);

  /* it is back */
  chat_state_apply (&s, CHAT_EVENT_RETRY_DUE, TRUE);
  chat_state_apply (&s, CHAT_EVENT_SOCKET_READY, TRUE);
  assert_int_equal (s.status, CHAT_STATUS_SERVER_ERROR);
  assert_int_equal (chat_state_apply (&s, CHAT_EVENT_CONTACTS_LOADED, TRUE),
                    CHAT_EFFECT_RESET_BACKOFF);
  assert_int_equal (s.status, CHAT_STATUS_ONLINE);
  assert_false (s.automatic);
  assert_string_equal (actions (&s), "--HD");
}

static void
test_server_gone_without_valid_token_asks_to_log_in (void **state)
{
  ChatState s;

  (void) state;
  online (&s);
  assert_int_equal (chat_state_apply (&s, CHAT_EVENT_CONNECTION_LOST, FALSE),
                    TEARDOWN | CHAT_EFFECT_ANNOUNCE_DOWN |
                    CHAT_EFFECT_FORGET_TOKEN);
  assert_int_equal (s.status, CHAT_STATUS_SERVER_ERROR);
  assert_false (s.logged_in);
  assert_string_equal (actions (&s), "L---");
  /* logging in again enables Connect; status stays until connected */
  chat_state_apply (&s, CHAT_EVENT_LOGIN_STARTED, FALSE);
  chat_state_apply (&s, CHAT_EVENT_LOGIN_SUCCEEDED, FALSE);
  assert_string_equal (actions (&s), "LC--");
  assert_int_equal (s.status, CHAT_STATUS_SERVER_ERROR);
}

static void
test_reconnect_stops_when_the_token_expires (void **state)
{
  ChatState s;

  (void) state;
  online (&s);
  chat_state_apply (&s, CHAT_EVENT_CONNECTION_LOST, TRUE);
  chat_state_apply (&s, CHAT_EVENT_RETRY_DUE, TRUE);
  assert_int_equal (chat_state_apply (&s, CHAT_EVENT_SOCKET_FAILED, FALSE),
                    CHAT_EFFECT_CLOSE_SOCKET | CHAT_EFFECT_FORGET_TOKEN);
  assert_int_equal (s.phase, CHAT_PHASE_IDLE);
  assert_false (s.logged_in);
  assert_int_equal (s.status, CHAT_STATUS_SERVER_ERROR);
}

static void
test_reconnect_refused_token_asks_to_log_in (void **state)
{
  ChatState s;

  (void) state;
  online (&s);
  chat_state_apply (&s, CHAT_EVENT_CONNECTION_LOST, TRUE);
  chat_state_apply (&s, CHAT_EVENT_RETRY_DUE, TRUE);
  assert_int_equal (chat_state_apply (&s, CHAT_EVENT_SOCKET_REFUSED, TRUE),
                    CHAT_EFFECT_CLOSE_SOCKET | CHAT_EFFECT_FORGET_TOKEN);
  assert_int_equal (s.status, CHAT_STATUS_SERVER_ERROR);
  assert_string_equal (actions (&s), "L---");
}

static void
test_user_connect_failure_shows_error_and_keeps_the_token (void **state)
{
  ChatState s;

  (void) state;
  logged_in (&s);
  chat_state_apply (&s, CHAT_EVENT_CONNECT, TRUE);
  assert_int_equal (chat_state_apply (&s, CHAT_EVENT_SOCKET_FAILED, TRUE),
                    CHAT_EFFECT_CLOSE_SOCKET);
  assert_int_equal (s.status, CHAT_STATUS_ERROR);
  assert_string_equal (chat_status_to_string (s.status), "Error");
  assert_true (s.logged_in);
  assert_string_equal (actions (&s), "LC--");
}

static void
test_refused_token_on_connect_is_an_error (void **state)
{
  ChatState s;

  (void) state;
  logged_in (&s);
  chat_state_apply (&s, CHAT_EVENT_CONNECT, FALSE);
  chat_state_apply (&s, CHAT_EVENT_SOCKET_REFUSED, FALSE);
  assert_int_equal (s.status, CHAT_STATUS_ERROR);
  assert_false (s.logged_in);
  assert_string_equal (actions (&s), "L---");
}

static void
test_contacts_denied_or_failed (void **state)
{
  ChatState s;

  (void) state;
  logged_in (&s);
  chat_state_apply (&s, CHAT_EVENT_CONNECT, FALSE);
  chat_state_apply (&s, CHAT_EVENT_SOCKET_READY, FALSE);
  assert_int_equal (chat_state_apply (&s, CHAT_EVENT_CONTACTS_DENIED, FALSE),
                    TEARDOWN | CHAT_EFFECT_FORGET_TOKEN);
  assert_int_equal (s.status, CHAT_STATUS_ERROR);
  assert_false (s.logged_in);

  logged_in (&s);
  chat_state_apply (&s, CHAT_EVENT_CONNECT, FALSE);
  chat_state_apply (&s, CHAT_EVENT_SOCKET_READY, FALSE);
  assert_int_equal (chat_state_apply (&s, CHAT_EVENT_CONTACTS_FAILED, FALSE),
                    TEARDOWN);
  assert_int_equal (s.status, CHAT_STATUS_ERROR);
  assert_true (s.logged_in);
  assert_string_equal (actions (&s), "LC--");
}

static void
test_contacts_failing_during_reconnect_retries (void **state)
{
  ChatState s;

  (void) state;
  online (&s);
  chat_state_apply (&s, CHAT_EVENT_CONNECTION_LOST, TRUE);
  chat_state_apply (&s, CHAT_EVENT_RETRY_DUE, TRUE);
  chat_state_apply (&s, CHAT_EVENT_SOCKET_READY, TRUE);
  assert_int_equal (chat_state_apply (&s, CHAT_EVENT_CONTACTS_FAILED, TRUE),
                    TEARDOWN | CHAT_EFFECT_SCHEDULE_RETRY);
  assert_int_equal (s.phase, CHAT_PHASE_WAITING_RETRY);
}

static void
test_connection_lost_while_connecting_is_a_failed_connect (void **state)
{
  ChatState s;

  (void) state;
  logged_in (&s);
  chat_state_apply (&s, CHAT_EVENT_CONNECT, FALSE);
  assert_int_equal (chat_state_apply (&s, CHAT_EVENT_CONNECTION_LOST, TRUE),
                    CHAT_EFFECT_CLOSE_SOCKET);
  assert_int_equal (s.status, CHAT_STATUS_ERROR);
}

static void
test_disconnect_while_waiting_cancels_the_retry (void **state)
{
  ChatState s;

  (void) state;
  online (&s);
  chat_state_apply (&s, CHAT_EVENT_CONNECTION_LOST, TRUE);
  assert_int_equal (chat_state_apply (&s, CHAT_EVENT_DISCONNECT, TRUE),
                    TEARDOWN | CHAT_EFFECT_CANCEL_RETRY |
                    CHAT_EFFECT_FORGET_TOKEN);
  assert_int_equal (s.status, CHAT_STATUS_OFFLINE);
  assert_int_equal (s.phase, CHAT_PHASE_IDLE);
  assert_int_equal (chat_state_apply (&s, CHAT_EVENT_RETRY_DUE, TRUE), 0);
}

static void
test_manual_connect_while_waiting_replaces_the_retry (void **state)
{
  ChatState s;

  (void) state;
  online (&s);
  chat_state_apply (&s, CHAT_EVENT_CONNECTION_LOST, TRUE);
  assert_int_equal (chat_state_apply (&s, CHAT_EVENT_CONNECT, TRUE),
                    CHAT_EFFECT_CANCEL_RETRY | CHAT_EFFECT_OPEN_SOCKET);
  assert_false (s.automatic);
  assert_string_equal (chat_event_to_string (CHAT_EVENT_CONNECTION_LOST),
                       "connection-lost");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_at_start_only_log_in_makes_sense),
    cmocka_unit_test (test_login_in_flight_blocks_a_second_one),
    cmocka_unit_test (test_after_login_connect_is_enabled),
    cmocka_unit_test (test_connect_flow_reaches_online),
    cmocka_unit_test (test_events_out_of_place_change_nothing),
    cmocka_unit_test (test_disconnect_says_goodbye_and_logs_out),
    cmocka_unit_test (test_server_gone_with_valid_token_reconnects_by_itself),
    cmocka_unit_test (test_server_gone_without_valid_token_asks_to_log_in),
    cmocka_unit_test (test_reconnect_stops_when_the_token_expires),
    cmocka_unit_test (test_reconnect_refused_token_asks_to_log_in),
    cmocka_unit_test (test_user_connect_failure_shows_error_and_keeps_the_token),
    cmocka_unit_test (test_refused_token_on_connect_is_an_error),
    cmocka_unit_test (test_contacts_denied_or_failed),
    cmocka_unit_test (test_contacts_failing_during_reconnect_retries),
    cmocka_unit_test (test_connection_lost_while_connecting_is_a_failed_connect),
    cmocka_unit_test (test_disconnect_while_waiting_cancels_the_retry),
    cmocka_unit_test (test_manual_connect_while_waiting_replaces_the_retry),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
