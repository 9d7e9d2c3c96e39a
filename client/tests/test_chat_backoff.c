/* test_chat_backoff.c -- reconnect delays and retry decisions, and the JWT
 * expiry they depend on (client/core/chat-backoff.c, chat-jwt.c). */
#define G_LOG_DOMAIN "test-chat-backoff"

#include "chat-test.h"
#include "chat-backoff.h"
#include "chat-jwt.h"

/* header.payload.signature with payload as given, base64url, no padding */
static gchar *
make_token (const char *payload_json)
{
  g_autofree gchar *b64 = g_base64_encode ((const guchar *) payload_json,
                                           strlen (payload_json));
  gchar *p;

  for (p = b64; *p != '\0'; p++)
    if (*p == '+')
      *p = '-';
    else if (*p == '/')
      *p = '_';
  while ((p = strchr (b64, '=')) != NULL)
    *p = '\0';
  return g_strconcat ("eyJhbGciOiJIUzI1NiJ9.", b64, ".c2ln", NULL);
}

static void
test_delays_double_up_to_the_cap (void **state)
{
  ChatBackoff b;
  const guint want[] = { 1000, 2000, 4000, 8000, 16000, 30000, 30000 };

  (void) state;
  chat_backoff_init (&b, 1000, 30000, 0);
  for (guint i = 0; i < G_N_ELEMENTS (want); i++)
    assert_int_equal (chat_backoff_next_delay (&b, 0.5), want[i]);
  assert_int_equal (b.attempt, G_N_ELEMENTS (want));
  chat_backoff_reset (&b);
  assert_int_equal (chat_backoff_next_delay (&b, 0.5), 1000);
}

static void
test_jitter_stays_within_twenty_percent (void **state)
{
  ChatBackoff b;

  (void) state;
  chat_backoff_init (&b, 1000, 30000, 0);
  assert_int_equal (chat_backoff_next_delay (&b, 0.0), 800);
  chat_backoff_reset (&b);
  assert_int_equal (chat_backoff_next_delay (&b, 1.0), 1200);
  chat_backoff_reset (&b);
  assert_int_equal (chat_backoff_next_delay (&b, 7.0), 1200);
}

static void
test_retry_stops_when_the_token_will_have_expired (void **state)
{
  ChatBackoff b;
  guint d;

  (void) state;
  chat_backoff_init (&b, 1000, 30000, 0);
  d = chat_backoff_next_delay (&b, 0.5);
  assert_int_equal (chat_backoff_decide (&b, 1000, 2000, d),
                    CHAT_RETRY_SCHEDULE);
  assert_int_equal (chat_backoff_decide (&b, 1000, 1001, d),
                    CHAT_RETRY_TOKEN_EXPIRED);
  assert_int_equal (chat_backoff_decide (&b, 1000, 900, d),
                    CHAT_RETRY_TOKEN_EXPIRED);
  /* unknown expiry: the server decides, keep trying */
  assert_int_equal (chat_backoff_decide (&b, 1000, 0, d), CHAT_RETRY_SCHEDULE);
}

static void
test_retry_gives_up_after_max_attempts (void **state)
{
  ChatBackoff b;
  guint d;

  (void) state;
  chat_backoff_init (&b, 10, 100, 2);
  d = chat_backoff_next_delay (&b, 0.5);
  assert_int_equal (chat_backoff_decide (&b, 0, 0, d), CHAT_RETRY_SCHEDULE);
  d = chat_backoff_next_delay (&b, 0.5);
  assert_int_equal (chat_backoff_decide (&b, 0, 0, d), CHAT_RETRY_SCHEDULE);
  d = chat_backoff_next_delay (&b, 0.5);
  assert_int_equal (chat_backoff_decide (&b, 0, 0, d), CHAT_RETRY_GIVE_UP);
}

static void
test_jwt_expiry_is_read_from_the_payload (void **state)
{
  g_autofree gchar *t1 = make_token ("{\"sub\":\"Lisa\",\"exp\":1700000000}");
  g_autofree gchar *t2 = make_token ("{\"sub\":\"Lisa\"}");
  g_autofree gchar *t3 = make_token ("{\"exp\":1.7e9,\"x\":\"?>?\"}");
  g_autofree gchar *t4 = make_token ("not json");

  (void) state;
  assert_int_equal (chat_jwt_expiry (t1), 1700000000);
  assert_int_equal (chat_jwt_expiry (t2), 0);
  assert_int_equal (chat_jwt_expiry (t3), 1700000000);
  assert_int_equal (chat_jwt_expiry (t4), 0);
  assert_int_equal (chat_jwt_expiry ("a.b"), 0);
  assert_int_equal (chat_jwt_expiry ("a..c"), 0);
  assert_int_equal (chat_jwt_expiry ("a.$$$.c"), 0);
  assert_int_equal (chat_jwt_expiry (NULL), 0);
}

static void
test_jwt_usable_until_its_expiry (void **state)
{
  g_autofree gchar *t = make_token ("{\"exp\":2000}");
  g_autofree gchar *never = make_token ("{}");

  (void) state;
  assert_true (chat_jwt_usable_at (t, 1999));
  assert_false (chat_jwt_usable_at (t, 2000));
  assert_true (chat_jwt_usable_at (never, G_MAXINT64));
  assert_false (chat_jwt_usable_at (NULL, 0));
  assert_false (chat_jwt_usable_at ("", 0));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_delays_double_up_to_the_cap),
    cmocka_unit_test (test_jitter_stays_within_twenty_percent),
    cmocka_unit_test (test_retry_stops_when_the_token_will_have_expired),
    cmocka_unit_test (test_retry_gives_up_after_max_attempts),
    cmocka_unit_test (test_jwt_expiry_is_read_from_the_payload),
    cmocka_unit_test (test_jwt_usable_until_its_expiry),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
