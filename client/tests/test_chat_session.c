/* test_chat_session.c -- ChatSession's I/O in the main loop against a
 * loopback server (chat-fake-server.c): login over HTTP, connect, contacts,
 * presence, messages and acks, heartbeat and pings, the server going away
 * and coming back, Disconnect (client/core/chat-session*.c, chat-socket.c,
 * chat-api.c). No display needed. */
#define G_LOG_DOMAIN "test-chat-session"

#include "chat-test.h"
#include "chat-fake-server.h"
#include "chat-session.h"

#define PING_MS 300

typedef struct
{
  ChatFakeServer   *fake;
  ChatSession      *session;
  gboolean          login_done;
  ChatLoginOutcome  outcome;
  const char       *message;
  guint             incoming;
  guint             server_down;
  ChatConversation *last_conv;
} Fixture;

static int
setup (void **state)
{
  Fixture *f = g_new0 (Fixture, 1);

  f->fake = chat_fake_server_new (PING_MS);
  f->session = chat_session_new (f->fake->base_url);
  chat_session_set_timing (f->session, 50, 200, 2000);
  g_object_set (f->session, "heartbeat-seconds", 1, NULL);
  *state = f;
  return 0;
}

static gboolean
never (gpointer data)
{
  (void) data;
  return FALSE;
}

static int
teardown (void **state)
{
  Fixture *f = *state;

  /* let both ends close their connections before freeing the server */
  g_clear_object (&f->session);
  chat_test_wait (never, NULL, 50);
  chat_fake_server_stop (f->fake);
  chat_test_wait (never, NULL, 50);
  chat_fake_server_free (f->fake);
  g_free (f);
  return 0;
}

static void
on_login_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Fixture *f = user_data;

  assert_true (chat_session_log_in_finish (CHAT_SESSION (source), result,
                                           &f->outcome, &f->message, NULL));
  f->login_done = TRUE;
}

static gboolean
login_done (gpointer data)
{
  return ((Fixture *) data)->login_done;
}

static ChatLoginOutcome
log_in (Fixture    *f,
        const char *user,
        const char *password)
{
  f->login_done = FALSE;
  chat_session_log_in (f->session, user, password, NULL, on_login_cb, f);
  assert_true (chat_test_wait (login_done, f, 5000));
  return f->outcome;
}

static gboolean
is_online (gpointer data)
{
  Fixture *f = data;

  return chat_session_get_state (f->session)->status == CHAT_STATUS_ONLINE;
}

static gboolean
is_server_error (gpointer data)
{
  Fixture *f = data;

  return chat_session_get_state (f->session)->status == CHAT_STATUS_SERVER_ERROR;
}

static void
online (Fixture *f)
{
  assert_int_equal (log_in (f, "Lisa", "TestMe"), CHAT_LOGIN_OK);
  chat_session_connect (f->session);
  assert_true (chat_test_wait (is_online, f, 5000));
}

static gboolean
get_bool (ChatSession *s,
          const char  *prop)
{
  gboolean v;

  g_object_get (s, prop, &v, NULL);
  return v;
}

static void
test_login_answers_over_http (void **state)
{
  Fixture *f = *state;

  assert_true (get_bool (f->session, "can-login"));
  assert_string_equal (chat_session_get_title (f->session), "Please log in");
  assert_int_equal (log_in (f, "Lisa", "wrong"), CHAT_LOGIN_WRONG_CREDENTIALS);
  assert_string_equal (f->message,
                       "Wrong credentials. Please re login with your credentials.");
  assert_false (get_bool (f->session, "can-connect"));

  assert_int_equal (log_in (f, "Lisa", "TestMe"), CHAT_LOGIN_OK);
  assert_string_equal (chat_session_get_title (f->session), "Hello, Lisa!");
  assert_true (get_bool (f->session, "can-connect"));
  assert_false (get_bool (f->session, "can-login"));
}

static void
test_login_with_no_server_says_unavailable (void **state)
{
  Fixture *f = *state;

  chat_fake_server_stop (f->fake);
  assert_int_equal (log_in (f, "Lisa", "TestMe"),
                    CHAT_LOGIN_SERVER_UNAVAILABLE);
  assert_string_equal (f->message,
                       "Log In failed. Chat server isn't available at the moment.");
  assert_true (get_bool (f->session, "can-login"));
}

static void
test_connect_binds_with_the_token_and_lists_contacts (void **state)
{
  Fixture *f = *state;
  GListModel *contacts = chat_session_get_contacts (f->session);
  g_autofree gchar *connect = NULL;
  g_autoptr (ChatContact) avi = NULL;
  g_autoptr (ChatContact) era = NULL;

  online (f);
  connect = g_strdup_printf ("40{\"token\":\"%s\"}", f->fake->token);
  assert_int_equal (chat_fake_server_count (f->fake, connect), 1);
  assert_int_equal (g_list_model_get_n_items (contacts), 3);
  avi = g_list_model_get_item (contacts, 0);
  era = g_list_model_get_item (contacts, 2);
  assert_string_equal (chat_contact_get_name (avi), "Avi");
  assert_true (chat_contact_get_online (avi));
  assert_false (chat_contact_get_online (era));
  assert_true (get_bool (f->session, "can-chat"));
  assert_true (get_bool (f->session, "can-send"));
  assert_true (get_bool (f->session, "can-disconnect"));
  assert_false (get_bool (f->session, "can-login"));
  assert_false (get_bool (f->session, "can-connect"));
}

static gboolean
era_online (gpointer data)
{
  Fixture *f = data;
  g_autoptr (ChatContact) era = g_list_model_get_item (chat_session_get_contacts (f->session), 2);

  return era != NULL && chat_contact_get_online (era);
}

static void
on_incoming_cb (ChatSession      *session,
                ChatConversation *conv,
                ChatLine         *line,
                gpointer          user_data)
{
  Fixture *f = user_data;

  (void) session; (void) line;
  f->incoming++;
  f->last_conv = conv;
}

static gboolean
two_incoming (gpointer data)
{
  return ((Fixture *) data)->incoming >= 2;
}

static void
test_presence_and_messages_reach_their_place (void **state)
{
  Fixture *f = *state;
  ChatConversation *avi;
  ChatLine *line;

  online (f);
  g_signal_connect (f->session, "incoming", G_CALLBACK (on_incoming_cb), f);
  chat_fake_server_send (f->fake, "42[\"new_user_online\",{\"username\":\"Era\"}]");
  assert_true (chat_test_wait (era_online, f, 2000));

  chat_fake_server_send (f->fake, "42[\"received_message\",{\"sender\":\"Avi\","
                         "\"content\":\"hi Lisa\",\"id\":\"x1\"}]");
  /* the same id again: at-least-once delivery, shown once */
  chat_fake_server_send (f->fake, "42[\"received_message\",{\"sender\":\"Avi\","
                         "\"content\":\"hi Lisa\",\"id\":\"x1\"}]");
  chat_fake_server_send (f->fake, "42[\"ai_response_received\",{\"sender\":\"ChatGPT\","
                         "\"content\":\"I am a bot\"}]");
  assert_true (chat_test_wait (two_incoming, f, 2000));
  assert_int_equal (f->incoming, 2);
  assert_string_equal (chat_conversation_get_peer (f->last_conv), "ChatGPT");
  avi = chat_session_lookup_conversation (f->session, "Avi");
  assert_non_null (avi);
  assert_int_equal (chat_conversation_count (avi), 1);
  line = chat_conversation_peek (avi, 0);
  assert_string_equal (chat_line_get_sender (line), "Avi");
  assert_string_equal (chat_line_get_content (line), "hi Lisa");
}

static ChatLine *watched;

static gboolean
watched_settled (gpointer data)
{
  (void) data;
  return chat_line_get_state (watched) != CHAT_LINE_PENDING;
}

static void
send_and_settle (Fixture    *f,
                 const char *text)
{
  watched = chat_session_send (f->session, "Avi", text);
  assert_non_null (watched);
  assert_int_equal (chat_line_get_state (watched), CHAT_LINE_PENDING);
  assert_true (chat_test_wait (watched_settled, f, 3000));
}

static void
test_sent_messages_are_acked_and_echoes_dropped (void **state)
{
  Fixture *f = *state;
  ChatConversation *avi;
  g_autofree gchar *sent = NULL;

  online (f);
  send_and_settle (f, "hello Avi");
  assert_int_equal (chat_line_get_state (watched), CHAT_LINE_SENT);
  assert_string_equal (chat_line_get_message_id (watched), "m1");
  sent = g_strdup_printf ("421[\"client_sends_message\",{\"sender\":\"Lisa\","
                          "\"content\":\"hello Avi\",\"conversation_room\":"
                          "\"Avi&Lisa\",\"jwt\":\"%s\"}]", f->fake->token);
  assert_int_equal (chat_fake_server_count (f->fake, sent), 1);

  f->fake->echo_first = TRUE;
  f->fake->ack_result = "cached";
  send_and_settle (f, "are you there?");
  assert_int_equal (chat_line_get_state (watched), CHAT_LINE_CACHED);
  /* let any late echo arrive: it must not add a line */
  chat_test_wait (never, NULL, 100);
  avi = chat_session_lookup_conversation (f->session, "Avi");
  assert_int_equal (chat_conversation_count (avi), 2);

  assert_null (chat_session_send (f->session, "Avi", "   "));
}

static gboolean
heartbeat_and_pong (gpointer data)
{
  Fixture *f = data;

  return f->fake->pongs >= 2 &&
         chat_fake_server_count (f->fake,
                                 "42[\"connection_alive\",{\"client\":\"Lisa\"}]") >= 1;
}

static void
test_heartbeat_and_ping_answers (void **state)
{
  Fixture *f = *state;

  online (f);
  assert_true (chat_test_wait (heartbeat_and_pong, f, 3000));
}

static void
on_server_down_cb (ChatSession *session,
                   gpointer     user_data)
{
  /* the notice is already there for whoever shows it */
  assert_string_equal (chat_session_get_notice (session),
                       "Error: Chat Server is temporary down. "
                       "Please re login and re connect.");
  ((Fixture *) user_data)->server_down++;
}

static void
test_server_restart_recovers_by_itself (void **state)
{
  Fixture *f = *state;

  online (f);
  g_signal_connect (f->session, "server-down", G_CALLBACK (on_server_down_cb), f);
  chat_fake_server_drop (f->fake);
  assert_true (chat_test_wait (is_server_error, f, 2000));
  assert_int_equal (f->server_down, 1);
  assert_string_equal (chat_session_get_notice (f->session),
                       "Error: Chat Server is temporary down. "
                       "Please re login and re connect.");
  assert_int_equal (g_list_model_get_n_items (chat_session_get_contacts (f->session)), 0);
  assert_false (get_bool (f->session, "can-send"));
  assert_true (get_bool (f->session, "can-login"));
  assert_non_null (strstr (chat_session_get_activity (f->session), "Reconnecting"));

  assert_true (chat_test_wait (is_online, f, 3000));
  assert_int_equal (f->fake->connects, 2);
  assert_string_equal (chat_session_get_notice (f->session),
                       "Reconnected to the chat server.");
  assert_int_equal (g_list_model_get_n_items (chat_session_get_contacts (f->session)), 3);
}

static gboolean
waiting_retry_again (gpointer data)
{
  Fixture *f = data;

  return chat_session_get_state (f->session)->phase == CHAT_PHASE_WAITING_RETRY &&
         strstr (chat_session_get_activity (f->session), "attempt 3") != NULL;
}

static void
test_server_gone_keeps_server_error_and_fails_pending (void **state)
{
  Fixture *f = *state;
  ChatLine *line;

  online (f);
  f->fake->no_ack = TRUE;
  line = chat_session_send (f->session, "Avi", "lost?");
  chat_fake_server_stop (f->fake);
  assert_true (chat_test_wait (is_server_error, f, 2000));
  assert_int_equal (chat_line_get_state (line), CHAT_LINE_FAILED);
  assert_string_equal (chat_line_get_detail (line),
                       "the connection to the server was lost");
  /* retries keep failing, the status stays */
  assert_true (chat_test_wait (waiting_retry_again, f, 3000));
  assert_int_equal (chat_session_get_state (f->session)->status,
                    CHAT_STATUS_SERVER_ERROR);
  assert_true (chat_session_get_state (f->session)->logged_in);
}

static void
test_silent_server_is_noticed (void **state)
{
  Fixture *f = *state;

  online (f);
  f->fake->silent = TRUE;
  /* pingInterval + pingTimeout = 2 * PING_MS */
  assert_true (chat_test_wait (is_server_error, f, 4 * PING_MS));
}

static gboolean
logged_out (gpointer data)
{
  Fixture *f = data;

  return !chat_session_get_state (f->session)->logged_in;
}

static void
test_refused_token_on_reconnect_asks_to_log_in (void **state)
{
  Fixture *f = *state;

  online (f);
  f->fake->refuse_token = TRUE;
  chat_fake_server_drop (f->fake);
  assert_true (chat_test_wait (logged_out, f, 3000));
  assert_int_equal (chat_session_get_state (f->session)->status,
                    CHAT_STATUS_SERVER_ERROR);
  assert_true (get_bool (f->session, "can-login"));
  assert_false (get_bool (f->session, "can-connect"));
  assert_non_null (strstr (chat_session_get_notice (f->session), "log in again"));
  assert_string_equal (chat_session_get_title (f->session), "Please log in");
}

static gboolean
server_saw_goodbye_and_close (gpointer data)
{
  Fixture *f = data;

  return f->fake->conn == NULL &&
         chat_fake_server_count (f->fake, "42[\"client_disconnection\"") == 1;
}

static void
test_disconnect_says_goodbye_then_closes (void **state)
{
  Fixture *f = *state;
  g_autofree gchar *goodbye = NULL;

  online (f);
  chat_session_disconnect (f->session);
  assert_int_equal (chat_session_get_state (f->session)->status,
                    CHAT_STATUS_OFFLINE);
  assert_string_equal (chat_session_get_title (f->session), "Please log in");
  assert_true (chat_test_wait (server_saw_goodbye_and_close, f, 2000));
  goodbye = g_strdup_printf ("42[\"client_disconnection\",{\"client\":\"Lisa\","
                             "\"jwt\":\"%s\"}]", f->fake->token);
  assert_int_equal (chat_fake_server_count (f->fake, goodbye), 1);
  /* the Socket.IO DISCONNECT follows the goodbye */
  assert_string_equal (f->fake->frames->pdata[f->fake->frames->len - 1], "41");
  assert_int_equal (g_list_model_get_n_items (chat_session_get_contacts (f->session)), 0);
}

static void
test_failed_line_can_be_sent_again_after_reconnect (void **state)
{
  Fixture *f = *state;
  ChatLine *line;

  online (f);
  f->fake->no_ack = TRUE;
  line = chat_session_send (f->session, "Avi", "retry me");
  chat_fake_server_drop (f->fake);
  assert_true (chat_test_wait (is_server_error, f, 2000));
  assert_false (chat_session_resend (f->session, "Avi", line));
  assert_true (chat_test_wait (is_online, f, 3000));
  f->fake->no_ack = FALSE;
  assert_true (chat_session_resend (f->session, "Avi", line));
  watched = line;
  assert_true (chat_test_wait (watched_settled, f, 2000));
  assert_int_equal (chat_line_get_state (line), CHAT_LINE_SENT);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_login_answers_over_http, setup, teardown),
    cmocka_unit_test_setup_teardown (test_login_with_no_server_says_unavailable, setup, teardown),
    cmocka_unit_test_setup_teardown (test_connect_binds_with_the_token_and_lists_contacts, setup, teardown),
    cmocka_unit_test_setup_teardown (test_presence_and_messages_reach_their_place, setup, teardown),
    cmocka_unit_test_setup_teardown (test_sent_messages_are_acked_and_echoes_dropped, setup, teardown),
    cmocka_unit_test_setup_teardown (test_heartbeat_and_ping_answers, setup, teardown),
    cmocka_unit_test_setup_teardown (test_server_restart_recovers_by_itself, setup, teardown),
    cmocka_unit_test_setup_teardown (test_server_gone_keeps_server_error_and_fails_pending, setup, teardown),
    cmocka_unit_test_setup_teardown (test_silent_server_is_noticed, setup, teardown),
    cmocka_unit_test_setup_teardown (test_refused_token_on_reconnect_asks_to_log_in, setup, teardown),
    cmocka_unit_test_setup_teardown (test_disconnect_says_goodbye_then_closes, setup, teardown),
    cmocka_unit_test_setup_teardown (test_failed_line_can_be_sent_again_after_reconnect, setup, teardown),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
