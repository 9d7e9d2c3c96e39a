/* test_message_path.c -- the thin path through every service, on the real
 * stack: log in over HTTP through nginx, connect over websocket, join,
 * send; the peer receives, a third user does not; a message to an offline
 * user arrives when that user connects. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

static struct itest_stack stack;

static void
test_login_through_nginx_returns_a_token(void **state)
{
    char *token = itest_login(&stack, "Era", "Come on");

    (void)state;
    /* a JWT: three base64url parts */
    assert_non_null(strchr(token, '.'));
    assert_non_null(strchr(strchr(token, '.') + 1, '.'));
    free(token);
}

static void
test_message_reaches_the_peer_and_nobody_else(void **state)
{
    char a[64], b[64], c[64], pw[128], res[32], id[64], got[256];
    char *ta, *tb, *tc;
    struct sioc_conn *ca, *cb, *cc;
    struct sioc_event ev;

    (void)state;
    itest_new_user(&stack, "mp_a", a, sizeof a);
    itest_new_user(&stack, "mp_b", b, sizeof b);
    itest_new_user(&stack, "mp_c", c, sizeof c);
    itest_password(a, pw, sizeof pw);
    ta = itest_login(&stack, a, pw);
    itest_password(b, pw, sizeof pw);
    tb = itest_login(&stack, b, pw);
    itest_password(c, pw, sizeof pw);
    tc = itest_login(&stack, c, pw);
    ca = itest_connect_join(&stack, a, ta);
    cb = itest_connect_join(&stack, b, tb);
    cc = itest_connect_join(&stack, c, tc);
    /* b is online once its own new_user_online has come (settle delay) */
    assert_int_equal(itest_wait_match(cb, "new_user_online", "username", b,
                                      5000, &ev), 0);
    sioc_event_cleanup(&ev);

    itest_send(ca, a, b, "hello from a", ta, res, sizeof res, id, sizeof id);
    assert_string_equal(res, "delivered");
    assert_int_equal(itest_wait_match(cb, "received_message", "content",
                                      "hello from a", 5000, &ev), 0);
    assert_true(sioc_event_str(&ev, "sender", got, sizeof got) > 0);
    assert_string_equal(got, a);
    assert_true(sioc_event_str(&ev, "id", got, sizeof got) > 0);
    assert_string_equal(got, id);
    sioc_event_cleanup(&ev);
    /* the third user sees nothing of it */
    assert_int_equal(sioc_expect_no_event(cc, "received_message", 500), 0);

    sioc_close(ca);
    sioc_close(cb);
    sioc_close(cc);
    free(ta);
    free(tb);
    free(tc);
}

static void
test_message_to_offline_user_arrives_on_connect(void **state)
{
    char a[64], b[64], pw[128], res[32], id[64], got[256];
    char *ta, *tb;
    struct sioc_conn *ca, *cb;
    struct sioc_event ev;

    (void)state;
    itest_new_user(&stack, "off_a", a, sizeof a);
    itest_new_user(&stack, "off_b", b, sizeof b);
    itest_password(a, pw, sizeof pw);
    ta = itest_login(&stack, a, pw);
    ca = itest_connect_token(&stack, ta);

    itest_send(ca, a, b, "while you were away", ta, res, sizeof res, id,
               sizeof id);
    assert_string_equal(res, "cached");

    itest_password(b, pw, sizeof pw);
    tb = itest_login(&stack, b, pw);
    cb = itest_connect_token(&stack, tb);
    assert_int_equal(itest_wait_match(cb, "received_message", "id", id, 5000,
                                      &ev), 0);
    assert_true(sioc_event_str(&ev, "content", got, sizeof got) > 0);
    assert_string_equal(got, "while you were away");
    sioc_event_cleanup(&ev);
    sioc_close(ca);
    sioc_close(cb);
    free(ta);
    free(tb);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_login_through_nginx_returns_a_token),
        cmocka_unit_test(test_message_reaches_the_peer_and_nobody_else),
        cmocka_unit_test(test_message_to_offline_user_arrives_on_connect),
    };

    return ITEST_RUN("message_path", tests, &stack, NULL);
}
