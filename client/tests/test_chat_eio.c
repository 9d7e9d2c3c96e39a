/* test_chat_eio.c -- Engine.IO/Socket.IO packet parsing and encoding, and
 * the websocket URL built from the server address (client/core/chat-eio.c). */
#define G_LOG_DOMAIN "test-chat-eio"

#include "chat-test.h"
#include "chat-eio.h"

static void
parse_ok (const char *text,
          ChatPacket *p)
{
  g_autoptr (GError) error = NULL;

  assert_true (chat_packet_parse (text, strlen (text), p, &error));
  assert_null (error);
}

static void
parse_fails (const char *text)
{
  g_autoptr (GError) error = NULL;
  ChatPacket p;

  assert_false (chat_packet_parse (text, strlen (text), &p, &error));
  assert_non_null (error);
  assert_null (p.data);
  assert_null (p.nsp);
}

static void
test_open_packet_gives_ping_timing (void **state)
{
  ChatPacket p;
  ChatEioHandshake hs;

  (void) state;
  parse_ok ("0{\"sid\":\"abc\",\"upgrades\":[],\"pingInterval\":300,"
            "\"pingTimeout\":200,\"maxPayload\":1000000}", &p);
  assert_int_equal (p.eio_type, CHAT_EIO_OPEN);
  assert_true (chat_eio_handshake_parse (p.data, &hs));
  assert_string_equal (hs.sid, "abc");
  assert_int_equal (hs.ping_interval_ms, 300);
  assert_int_equal (hs.ping_timeout_ms, 200);
  chat_eio_handshake_clear (&hs);
  chat_packet_clear (&p);
}

static void
test_open_packet_defaults_to_reference_timing (void **state)
{
  ChatPacket p;
  ChatEioHandshake hs;

  (void) state;
  parse_ok ("0{\"sid\":\"x\"}", &p);
  assert_true (chat_eio_handshake_parse (p.data, &hs));
  assert_int_equal (hs.ping_interval_ms, 25000);
  assert_int_equal (hs.ping_timeout_ms, 20000);
  chat_eio_handshake_clear (&hs);
  chat_packet_clear (&p);

  parse_ok ("0{\"pingInterval\":1}", &p);
  assert_false (chat_eio_handshake_parse (p.data, &hs));
  chat_packet_clear (&p);
}

static void
test_ping_pong_and_close_carry_no_data (void **state)
{
  ChatPacket p;

  (void) state;
  parse_ok ("2", &p);
  assert_int_equal (p.eio_type, CHAT_EIO_PING);
  assert_null (p.data);
  chat_packet_clear (&p);
  parse_ok ("3probe", &p);
  assert_int_equal (p.eio_type, CHAT_EIO_PONG);
  chat_packet_clear (&p);
  parse_ok ("1", &p);
  assert_int_equal (p.eio_type, CHAT_EIO_CLOSE);
  chat_packet_clear (&p);
}

static void
test_connect_answer_and_connect_error (void **state)
{
  ChatPacket p;

  (void) state;
  parse_ok ("40{\"sid\":\"s1\"}", &p);
  assert_int_equal (p.eio_type, CHAT_EIO_MESSAGE);
  assert_int_equal (p.sio_type, CHAT_SIO_CONNECT);
  assert_string_equal (p.nsp, "/");
  assert_string_equal (json_string_value (json_object_get (p.data, "sid")),
                       "s1");
  chat_packet_clear (&p);

  parse_ok ("44{\"message\":\"Invalid JWT\"}", &p);
  assert_int_equal (p.sio_type, CHAT_SIO_CONNECT_ERROR);
  assert_string_equal (json_string_value (json_object_get (p.data, "message")),
                       "Invalid JWT");
  chat_packet_clear (&p);

  parse_ok ("41", &p);
  assert_int_equal (p.sio_type, CHAT_SIO_DISCONNECT);
  assert_null (p.data);
  chat_packet_clear (&p);
}

static void
test_event_gives_name_and_arguments (void **state)
{
  ChatPacket p;

  (void) state;
  parse_ok ("42[\"received_message\",{\"sender\":\"Avi\",\"content\":\"hi\"}]",
            &p);
  assert_int_equal (p.sio_type, CHAT_SIO_EVENT);
  assert_int_equal (p.ack_id, -1);
  assert_string_equal (p.event, "received_message");
  assert_string_equal (json_string_value (json_object_get (chat_packet_arg (&p, 0),
                                                           "content")), "hi");
  assert_null (chat_packet_arg (&p, 1));
  chat_packet_clear (&p);
}

static void
test_event_with_ack_id_and_namespace (void **state)
{
  ChatPacket p;

  (void) state;
  parse_ok ("42/admin,17[\"x\",1]", &p);
  assert_string_equal (p.nsp, "/admin");
  assert_int_equal (p.ack_id, 17);
  assert_string_equal (p.event, "x");
  assert_int_equal (json_integer_value (chat_packet_arg (&p, 0)), 1);
  chat_packet_clear (&p);
}

static void
test_ack_gives_id_and_result (void **state)
{
  ChatPacket p;
  json_t *body;

  (void) state;
  parse_ok ("4312[{\"result\":\"delivered\",\"id\":\"m-1\"}]", &p);
  assert_int_equal (p.sio_type, CHAT_SIO_ACK);
  assert_int_equal (p.ack_id, 12);
  body = chat_packet_arg (&p, 0);
  assert_string_equal (json_string_value (json_object_get (body, "result")),
                       "delivered");
  chat_packet_clear (&p);
}

static void
test_binary_event_parses_without_attachments (void **state)
{
  ChatPacket p;

  (void) state;
  parse_ok ("451-[\"upload\",{\"_placeholder\":true,\"num\":0}]", &p);
  assert_int_equal (p.sio_type, CHAT_SIO_BINARY_EVENT);
  assert_string_equal (p.event, "upload");
  chat_packet_clear (&p);
}

static void
test_malformed_packets_are_rejected (void **state)
{
  (void) state;
  parse_fails ("");
  parse_fails ("9");
  parse_fails ("x");
  parse_fails ("4");
  parse_fails ("47");
  parse_fails ("42[\"unterminated\"");
  parse_fails ("42[1,2]");
  parse_fails ("42{}");
  parse_fails ("431{\"result\":\"delivered\"}");
  parse_fails ("421234567890123456[\"x\"]");
  parse_fails ("45[\"no-count\"]");
  parse_fails ("0[]");
  parse_fails ("0");
}

static void
test_connect_packet_carries_token_escaped (void **state)
{
  g_autofree gchar *s = NULL;

  (void) state;
  s = chat_sio_encode_connect ("a.b.c");
  assert_string_equal (s, "40{\"token\":\"a.b.c\"}");
  g_free (s);
  s = chat_sio_encode_connect ("we\"ird");
  assert_string_equal (s, "40{\"token\":\"we\\\"ird\"}");
}

static void
test_event_encoding_with_and_without_ack (void **state)
{
  json_t *payload = json_pack ("{ss}", "client", "Lisa");
  g_autofree gchar *plain = chat_sio_encode_event ("connection_alive",
                                                   payload, -1);
  g_autofree gchar *acked = chat_sio_encode_event ("client_sends_message",
                                                   payload, 7);
  ChatPacket p;

  (void) state;
  assert_string_equal (plain, "42[\"connection_alive\",{\"client\":\"Lisa\"}]");
  assert_string_equal (acked,
                       "427[\"client_sends_message\",{\"client\":\"Lisa\"}]");
  /* and it parses back */
  parse_ok (acked, &p);
  assert_int_equal (p.ack_id, 7);
  assert_string_equal (p.event, "client_sends_message");
  chat_packet_clear (&p);
  json_decref (payload);
}

static void
test_unicode_content_round_trips (void **state)
{
  json_t *payload = json_pack ("{ss}", "content", "שלום 👋 \"q\"\n");
  g_autofree gchar *s = chat_sio_encode_event ("m", payload, -1);
  ChatPacket p;

  (void) state;
  parse_ok (s, &p);
  assert_string_equal (json_string_value (json_object_get (chat_packet_arg (&p, 0),
                                                           "content")),
                       "שלום 👋 \"q\"\n");
  chat_packet_clear (&p);
  json_decref (payload);
}

static void
expect_url (const char *base,
            const char *want)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *url = chat_eio_websocket_url (base, &error);

  assert_null (error);
  assert_string_equal (url, want);
}

static void
test_websocket_url_from_server_address (void **state)
{
  g_autoptr (GError) error = NULL;
  gchar *url;

  (void) state;
  expect_url ("http://127.0.0.1:5000",
              "ws://127.0.0.1:5000/socket.io/?EIO=4&transport=websocket");
  expect_url ("http://127.0.0.1:5000/",
              "ws://127.0.0.1:5000/socket.io/?EIO=4&transport=websocket");
  expect_url ("https://chat.example.org",
              "wss://chat.example.org/socket.io/?EIO=4&transport=websocket");
  expect_url ("http://h:81/chat/",
              "ws://h:81/chat/socket.io/?EIO=4&transport=websocket");

  url = chat_eio_websocket_url ("ftp://h/", &error);
  assert_null (url);
  assert_non_null (error);
  g_clear_error (&error);
  url = chat_eio_websocket_url ("not a url", &error);
  assert_null (url);
  assert_non_null (error);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_open_packet_gives_ping_timing),
    cmocka_unit_test (test_open_packet_defaults_to_reference_timing),
    cmocka_unit_test (test_ping_pong_and_close_carry_no_data),
    cmocka_unit_test (test_connect_answer_and_connect_error),
    cmocka_unit_test (test_event_gives_name_and_arguments),
    cmocka_unit_test (test_event_with_ack_id_and_namespace),
    cmocka_unit_test (test_ack_gives_id_and_result),
    cmocka_unit_test (test_binary_event_parses_without_attachments),
    cmocka_unit_test (test_malformed_packets_are_rejected),
    cmocka_unit_test (test_connect_packet_carries_token_escaped),
    cmocka_unit_test (test_event_encoding_with_and_without_ack),
    cmocka_unit_test (test_unicode_content_round_trips),
    cmocka_unit_test (test_websocket_url_from_server_address),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
