/* test_chat_router.c -- incoming messages to conversations, duplicates,
 * our own echoes, and acks of what we sent (client/core/chat-router.c,
 * chat-outbox.c, chat-line.c). */
#define G_LOG_DOMAIN "test-chat-router"

#include "chat-test.h"
#include "chat-router.h"

typedef struct
{
  ChatRouter *router;
  ChatOutbox *outbox;
} Fixture;

static int
setup (void **state)
{
  Fixture *f = g_new0 (Fixture, 1);

  f->router = chat_router_new ();
  f->outbox = chat_outbox_new ();
  *state = f;
  return 0;
}

static int
teardown (void **state)
{
  Fixture *f = *state;

  chat_router_free (f->router);
  chat_outbox_free (f->outbox);
  g_free (f);
  return 0;
}

static ChatIncomingKind
route (Fixture      *f,
       const char   *event,
       const char   *payload,
       ChatIncoming *in)
{
  json_t *p = chat_test_json (payload);
  ChatIncomingKind k = chat_router_route (f->router, f->outbox, "Lisa", event,
                                          p, 1000, in);

  json_decref (p);
  return k;
}

static void
test_message_goes_to_the_senders_conversation (void **state)
{
  Fixture *f = *state;
  ChatIncoming in;

  assert_int_equal (route (f, "received_message",
                           "{\"sender\":\"Avi\",\"content\":\"hi\",\"id\":\"m1\"}",
                           &in), CHAT_INCOMING_SHOW);
  assert_string_equal (in.peer, "Avi");
  assert_string_equal (in.sender, "Avi");
  assert_string_equal (in.content, "hi");
  assert_string_equal (in.id, "m1");
  assert_int_equal (in.time_s, 1000);
  assert_false (in.from_me);
  chat_incoming_clear (&in);
}

static void
test_bot_answer_goes_to_the_bots_conversation (void **state)
{
  Fixture *f = *state;
  ChatIncoming in;

  assert_int_equal (route (f, "ai_response_received",
                           "{\"sender\":\"ChatGPT\",\"content\":\"Hello!\"}", &in),
                    CHAT_INCOMING_SHOW);
  assert_string_equal (in.peer, "ChatGPT");
  assert_null (in.id);
  chat_incoming_clear (&in);
  /* bots have no ids: the same text twice is shown twice */
  assert_int_equal (route (f, "ai_response_received",
                           "{\"sender\":\"ChatGPT\",\"content\":\"Hello!\"}", &in),
                    CHAT_INCOMING_SHOW);
  chat_incoming_clear (&in);
}

static void
test_redelivered_id_is_dropped (void **state)
{
  Fixture *f = *state;
  ChatIncoming in;

  assert_int_equal (route (f, "received_message",
                           "{\"sender\":\"Avi\",\"content\":\"x\",\"id\":42}", &in),
                    CHAT_INCOMING_SHOW);
  assert_string_equal (in.id, "42");
  chat_incoming_clear (&in);
  assert_int_equal (route (f, "received_message",
                           "{\"sender\":\"Avi\",\"content\":\"x\",\"id\":42}", &in),
                    CHAT_INCOMING_DUPLICATE);
  assert_null (in.peer);
}

static void
test_invalid_payloads_are_dropped (void **state)
{
  Fixture *f = *state;
  ChatIncoming in;

  assert_int_equal (route (f, "received_message", "{\"content\":\"x\"}", &in),
                    CHAT_INCOMING_INVALID);
  assert_int_equal (route (f, "received_message", "{\"sender\":\"Avi\"}", &in),
                    CHAT_INCOMING_INVALID);
  assert_int_equal (route (f, "received_message",
                           "{\"sender\":\"\",\"content\":\"x\"}", &in),
                    CHAT_INCOMING_INVALID);
  assert_int_equal (route (f, "received_message", "[1,2]", &in),
                    CHAT_INCOMING_INVALID);
}

static void
test_server_admin_notice_is_shown (void **state)
{
  Fixture *f = *state;
  ChatIncoming in;

  assert_int_equal (route (f, "received_message",
                           "{\"sender\":\"Admin\",\"content\":\"Error! User 'Lisa' "
                           "must disconnect, re login and reconnect so the "
                           "conversation can be resumed.\"}", &in),
                    CHAT_INCOMING_SHOW);
  assert_string_equal (in.peer, "Admin");
  chat_incoming_clear (&in);
}

static ChatLine *
send_line (Fixture    *f,
           gint64      ack_id,
           const char *content)
{
  ChatLine *line = chat_line_new_outgoing ("Lisa", content, 1000);

  chat_outbox_add (f->outbox, ack_id, line, "Avi&Lisa", 5000000);
  assert_int_equal (chat_line_get_state (line), CHAT_LINE_PENDING);
  return line;
}

static ChatLine *
ack (Fixture    *f,
     gint64      ack_id,
     const char *args)
{
  json_t *a = chat_test_json (args);
  ChatLine *line = chat_outbox_ack (f->outbox, ack_id, a);

  json_decref (a);
  return line;
}

static void
test_own_echo_after_the_ack_is_dropped (void **state)
{
  Fixture *f = *state;
  g_autoptr (ChatLine) line = send_line (f, 1, "hello");
  g_autoptr (ChatLine) acked = ack (f, 1, "[{\"result\":\"delivered\",\"id\":\"m9\"}]");
  ChatIncoming in;

  assert_ptr_equal (acked, line);
  assert_int_equal (chat_line_get_state (line), CHAT_LINE_SENT);
  assert_string_equal (chat_line_get_message_id (line), "m9");
  assert_int_equal (route (f, "received_message",
                           "{\"sender\":\"Lisa\",\"content\":\"hello\",\"id\":\"m9\","
                           "\"room\":\"Avi&Lisa\"}", &in),
                    CHAT_INCOMING_OWN_ECHO);
}

static void
test_own_echo_before_the_ack_is_dropped (void **state)
{
  Fixture *f = *state;
  g_autoptr (ChatLine) line = send_line (f, 2, "early");
  g_autoptr (ChatLine) acked = NULL;
  ChatIncoming in;

  assert_int_equal (route (f, "received_message",
                           "{\"sender\":\"Lisa\",\"content\":\"early\",\"id\":\"m10\"}",
                           &in), CHAT_INCOMING_OWN_ECHO);
  acked = ack (f, 2, "[{\"result\":\"cached\",\"id\":\"m10\"}]");
  assert_int_equal (chat_line_get_state (line), CHAT_LINE_CACHED);
  /* and a redelivery of the echo is still ours */
  assert_int_equal (route (f, "received_message",
                           "{\"sender\":\"Lisa\",\"content\":\"early\",\"id\":\"m10\"}",
                           &in), CHAT_INCOMING_OWN_ECHO);
}

static void
test_own_message_from_another_session_is_shown_in_its_room (void **state)
{
  Fixture *f = *state;
  ChatIncoming in;

  assert_int_equal (route (f, "received_message",
                           "{\"sender\":\"Lisa\",\"content\":\"from my laptop\","
                           "\"id\":\"m11\",\"room\":\"Era&Lisa\"}", &in),
                    CHAT_INCOMING_SHOW);
  assert_string_equal (in.peer, "Era");
  assert_true (in.from_me);
  chat_incoming_clear (&in);
  /* without a room there is no telling where it belongs: dropped */
  assert_int_equal (route (f, "received_message",
                           "{\"sender\":\"Lisa\",\"content\":\"?\",\"id\":\"m12\"}",
                           &in), CHAT_INCOMING_OWN_ECHO);
}

static void
test_ack_results_set_the_line_state (void **state)
{
  Fixture *f = *state;
  g_autoptr (ChatLine) a = send_line (f, 3, "a");
  g_autoptr (ChatLine) b = send_line (f, 4, "b");
  g_autoptr (ChatLine) c = send_line (f, 5, "c");
  g_autoptr (ChatLine) ra = ack (f, 3, "[{\"result\":\"error\",\"id\":null}]");
  g_autoptr (ChatLine) rb = ack (f, 4, "[{\"result\":\"error\",\"error\":\"Invalid JWT\"}]");
  g_autoptr (ChatLine) rc = ack (f, 5, "[\"what\"]");
  g_autoptr (ChatLine) unknown = ack (f, 99, "[{\"result\":\"delivered\"}]");
  g_autofree gchar *text = NULL;

  (void) state;
  assert_int_equal (chat_line_get_state (a), CHAT_LINE_FAILED);
  assert_int_equal (chat_line_get_state (b), CHAT_LINE_FAILED);
  assert_string_equal (chat_line_get_detail (b), "Invalid JWT");
  assert_int_equal (chat_line_get_state (c), CHAT_LINE_FAILED);
  assert_null (unknown);
  assert_int_equal (chat_outbox_size (f->outbox), 0);
  text = chat_line_describe_state (b);
  assert_string_equal (text, "⚠ Not sent: Invalid JWT");
}

static void
test_lost_connection_fails_every_pending_line (void **state)
{
  Fixture *f = *state;
  g_autoptr (ChatLine) a = send_line (f, 6, "a");
  g_autoptr (ChatLine) b = send_line (f, 7, "b");

  assert_int_equal (chat_outbox_fail_all (f->outbox, "connection lost"), 2);
  assert_int_equal (chat_line_get_state (a), CHAT_LINE_FAILED);
  assert_string_equal (chat_line_get_detail (b), "connection lost");
  assert_int_equal (chat_outbox_size (f->outbox), 0);
}

static void
test_timeout_fails_a_line_and_a_late_ack_corrects_it (void **state)
{
  Fixture *f = *state;
  g_autoptr (ChatLine) a = send_line (f, 8, "slow");
  g_autoptr (ChatLine) acked = NULL;

  assert_int_equal (chat_outbox_expire (f->outbox, 4999999, "no answer"), 0);
  assert_int_equal (chat_outbox_expire (f->outbox, 5000000, "no answer"), 1);
  assert_int_equal (chat_line_get_state (a), CHAT_LINE_FAILED);
  /* expired once only */
  assert_int_equal (chat_outbox_expire (f->outbox, 9000000, "no answer"), 0);
  acked = ack (f, 8, "[{\"result\":\"delivered\",\"id\":7}]");
  assert_int_equal (chat_line_get_state (a), CHAT_LINE_SENT);
  assert_null (chat_line_get_detail (a));
  assert_string_equal (chat_line_get_message_id (a), "7");
}

static void
test_server_timestamps_in_any_usual_form (void **state)
{
  json_t *v;

  (void) state;
  assert_int_equal (chat_router_time (NULL, 5), 5);
  v = json_integer (1700000000);
  assert_int_equal (chat_router_time (v, 5), 1700000000);
  json_decref (v);
  v = json_integer (1700000000123);
  assert_int_equal (chat_router_time (v, 5), 1700000000);
  json_decref (v);
  v = json_string ("2023-11-14T22:13:20Z");
  assert_int_equal (chat_router_time (v, 5), 1700000000);
  json_decref (v);
  v = json_string ("yesterday");
  assert_int_equal (chat_router_time (v, 5), 5);
  json_decref (v);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_message_goes_to_the_senders_conversation, setup, teardown),
    cmocka_unit_test_setup_teardown (test_bot_answer_goes_to_the_bots_conversation, setup, teardown),
    cmocka_unit_test_setup_teardown (test_redelivered_id_is_dropped, setup, teardown),
    cmocka_unit_test_setup_teardown (test_invalid_payloads_are_dropped, setup, teardown),
    cmocka_unit_test_setup_teardown (test_server_admin_notice_is_shown, setup, teardown),
    cmocka_unit_test_setup_teardown (test_own_echo_after_the_ack_is_dropped, setup, teardown),
    cmocka_unit_test_setup_teardown (test_own_echo_before_the_ack_is_dropped, setup, teardown),
    cmocka_unit_test_setup_teardown (test_own_message_from_another_session_is_shown_in_its_room, setup, teardown),
    cmocka_unit_test_setup_teardown (test_ack_results_set_the_line_state, setup, teardown),
    cmocka_unit_test_setup_teardown (test_lost_connection_fails_every_pending_line, setup, teardown),
    cmocka_unit_test_setup_teardown (test_timeout_fails_a_line_and_a_late_ack_corrects_it, setup, teardown),
    cmocka_unit_test (test_server_timestamps_in_any_usual_form),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
