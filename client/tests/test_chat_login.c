/* test_chat_login.c -- every /log_in answer the auth service (and the
 * original server) gives, and the original client's messages for them
 * (client/core/chat-login.c). */
#define G_LOG_DOMAIN "test-chat-login"

#include "chat-test.h"
#include "chat-login.h"

static ChatLoginOutcome
parse (guint        status,
       const char  *body,
       gchar      **token,
       gchar      **detail)
{
  return chat_login_parse (status, body, body != NULL ? strlen (body) : 0,
                           token, detail);
}

static void
test_success_gives_the_token (void **state)
{
  g_autofree gchar *token = NULL;
  g_autofree gchar *detail = NULL;

  (void) state;
  assert_int_equal (parse (200, "{\"result\":\"success\",\"token\":\"a.b.c\"}",
                           &token, &detail), CHAT_LOGIN_OK);
  assert_string_equal (token, "a.b.c");
  assert_null (detail);
}

static void
test_success_without_token_is_unexpected (void **state)
{
  g_autofree gchar *token = NULL;
  g_autofree gchar *detail = NULL;

  (void) state;
  assert_int_equal (parse (200, "{\"result\":\"success\"}", &token, &detail),
                    CHAT_LOGIN_UNEXPECTED);
  assert_null (token);
  assert_non_null (detail);
  g_clear_pointer (&detail, g_free);
  assert_int_equal (parse (200, "{\"result\":\"success\",\"token\":\"\"}",
                           &token, &detail), CHAT_LOGIN_UNEXPECTED);
  g_clear_pointer (&detail, g_free);
  assert_int_equal (parse (200, "{\"result\":\"success\",\"token\":5}",
                           &token, &detail), CHAT_LOGIN_UNEXPECTED);
}

static void
test_invalid_credentials_means_wrong_credentials (void **state)
{
  (void) state;
  /* the status does not matter: the original clients read the body */
  assert_int_equal (parse (401, "{\"result\":\"Invalid credentials\"}",
                           NULL, NULL), CHAT_LOGIN_WRONG_CREDENTIALS);
  assert_int_equal (parse (200, "{\"result\":\"Invalid credentials\"}",
                           NULL, NULL), CHAT_LOGIN_WRONG_CREDENTIALS);
}

static void
test_error_bodies_are_unexpected_with_their_reason (void **state)
{
  g_autofree gchar *detail = NULL;

  (void) state;
  assert_int_equal (parse (400, "{\"error\":\"Missing password\"}",
                           NULL, &detail), CHAT_LOGIN_UNEXPECTED);
  assert_string_equal (detail, "Missing password");
  g_clear_pointer (&detail, g_free);
  assert_int_equal (parse (413, "{\"error\":\"Body too large\"}", NULL, &detail),
                    CHAT_LOGIN_UNEXPECTED);
  assert_string_equal (detail, "Body too large");
  g_clear_pointer (&detail, g_free);
  assert_int_equal (parse (429, "{\"error\":\"Too many attempts\"}",
                           NULL, &detail), CHAT_LOGIN_UNEXPECTED);
  g_clear_pointer (&detail, g_free);
  assert_int_equal (parse (200, "{\"result\":\"Unknown server code\"}",
                           NULL, &detail), CHAT_LOGIN_UNEXPECTED);
  assert_string_equal (detail, "Unknown server code");
  g_clear_pointer (&detail, g_free);
  assert_int_equal (parse (200, "{}", NULL, &detail), CHAT_LOGIN_UNEXPECTED);
}

static void
test_non_json_answers_are_unexpected (void **state)
{
  g_autofree gchar *detail = NULL;

  (void) state;
  assert_int_equal (parse (500, "<html>Internal Server Error</html>",
                           NULL, &detail), CHAT_LOGIN_UNEXPECTED);
  assert_non_null (strstr (detail, "500"));
  assert_int_equal (parse (200, "[\"success\"]", NULL, NULL),
                    CHAT_LOGIN_UNEXPECTED);
  assert_int_equal (parse (200, "", NULL, NULL), CHAT_LOGIN_UNEXPECTED);
  assert_int_equal (parse (200, NULL, NULL, NULL), CHAT_LOGIN_UNEXPECTED);
}

static void
test_no_answer_or_gateway_error_means_server_unavailable (void **state)
{
  (void) state;
  assert_int_equal (parse (0, NULL, NULL, NULL),
                    CHAT_LOGIN_SERVER_UNAVAILABLE);
  assert_int_equal (parse (502, "<html>Bad Gateway</html>", NULL, NULL),
                    CHAT_LOGIN_SERVER_UNAVAILABLE);
  assert_int_equal (parse (503, "{\"error\":\"database unavailable\"}",
                           NULL, NULL), CHAT_LOGIN_SERVER_UNAVAILABLE);
  assert_int_equal (parse (504, "", NULL, NULL),
                    CHAT_LOGIN_SERVER_UNAVAILABLE);
}

static void
test_messages_are_the_original_clients (void **state)
{
  (void) state;
  assert_string_equal (chat_login_message (CHAT_LOGIN_WRONG_CREDENTIALS),
                       "Wrong credentials. Please re login with your credentials.");
  assert_string_equal (chat_login_message (CHAT_LOGIN_SERVER_UNAVAILABLE),
                       "Log In failed. Chat server isn't available at the moment.");
  assert_string_equal (chat_login_message (CHAT_LOGIN_UNEXPECTED),
                       "Log In failed. Server side error.");
  assert_string_equal (CHAT_SERVER_DOWN_MESSAGE,
                       "Error: Chat Server is temporary down. "
                       "Please re login and re connect.");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_success_gives_the_token),
    cmocka_unit_test (test_success_without_token_is_unexpected),
    cmocka_unit_test (test_invalid_credentials_means_wrong_credentials),
    cmocka_unit_test (test_error_bodies_are_unexpected_with_their_reason),
    cmocka_unit_test (test_non_json_answers_are_unexpected),
    cmocka_unit_test (test_no_answer_or_gateway_error_means_server_unavailable),
    cmocka_unit_test (test_messages_are_the_original_clients),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
