/* test_presence.c -- presence semantics on the real stack with two
 * presence replicas (so every "exactly one broadcast" below is checked
 * against a race of two sweepers): the legacy join's settle delay, logout
 * inside it, a socket closed without logout (grace, token kept, reconnect
 * without broadcast), expiry of an old session beside a new login, and
 * heartbeats. KEEP_ALIVE 2 s, sweep every 1 s, grace 1 s. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "itest.h"

static struct itest_stack stack;
static const char *const overrides[] = {
    "PRESENCES=2",
    "KEEP_ALIVE_DELAY_BETWEEN_EVENTS=2",
    "CONNECTIONS_VERIFICATION_INTERVAL=1",
    "OFFLINE_GRACE_MS=1000",
    NULL
};

/* An observer bound at once (CONNECT auth), online when it returns. */
static struct sioc_conn *
observer(struct itest_user *w)
{
    itest_user_new(&stack, "obs", w);
    return itest_online(&stack, w);
}

/* How many `name` events about user arrive at c within ms. */
static int
count_events(struct sioc_conn *c, const char *name, const char *user, int ms)
{
    struct sioc_event ev;
    int n = 0;

    while (itest_wait_match(c, name, "username", user, ms, &ev) == 0) {
        n++;
        sioc_event_cleanup(&ev);
        ms = 300;                       /* then look for duplicates */
    }
    return n;
}

static void
heartbeat(struct sioc_conn *c, const char *user)
{
    char arg[128], err[CMN_ERR_LEN];

    snprintf(arg, sizeof arg, "{\"client\":\"%s\"}", user);
    assert_int_equal(sioc_emit(c, "connection_alive", arg, err), 0);
}

static void
logout(struct sioc_conn *c, const struct itest_user *w)
{
    char arg[1200], err[CMN_ERR_LEN];

    snprintf(arg, sizeof arg, "{\"client\":\"%s\",\"jwt\":\"%s\"}", w->name,
             w->token);
    assert_int_equal(sioc_emit(c, "client_disconnection", arg, err), 0);
}

/* Is the token still accepted by auth? */
static int
token_valid(const struct itest_user *w)
{
    struct sioc_http_reply r;
    char err[CMN_ERR_LEN];
    int ok;

    assert_int_equal(sioc_http_get_contacts(stack.base, w->name, w->token,
                                            5000, &r, err), 0);
    ok = r.status == 200;
    sioc_http_reply_cleanup(&r);
    return ok;
}

static void
test_join_goes_online_after_the_settle_delay_once(void **state)
{
    struct itest_user o, u;
    struct sioc_conn *co = observer(&o), *cu;
    struct sioc_event ev;
    long long t0, took;

    (void)state;
    itest_user_new(&stack, "settle", &u);
    t0 = itest_ms();
    cu = itest_connect_join(&stack, u.name, u.token);
    /* the joiner's own new_user_online: not before the delay */
    assert_int_equal(itest_wait_match(cu, "new_user_online", "username",
                                      u.name, 3000, &ev), 0);
    took = itest_ms() - t0;
    sioc_event_cleanup(&ev);
    assert_true(took >= 990);
    assert_true(took <= 1400);
    /* exactly one broadcast, though two presence replicas run */
    assert_int_equal(count_events(co, "new_user_online", u.name, 1000), 1);
    sioc_close(cu);
    sioc_close(co);
}

static void
test_logout_inside_the_settle_delay_cancels_going_online(void **state)
{
    struct itest_user o, u;
    struct sioc_conn *co = observer(&o), *cu;

    (void)state;
    itest_user_new(&stack, "cancel", &u);
    cu = itest_connect_join(&stack, u.name, u.token);
    logout(cu, &u);
    /* no online broadcast at all, and no offline one either */
    assert_int_equal(count_events(co, "new_user_online", u.name, 1800), 0);
    assert_int_equal(count_events(co, "user_has_gone_offline", u.name, 300),
                     0);
    assert_false(token_valid(&u));
    assert_int_equal(itest_redis_wait(&stack, "0", 1000, "HEXISTS online %s",
                                      u.name), 0);
    sioc_close(cu);
    sioc_close(co);
}

static void
test_closed_socket_goes_offline_after_grace_token_kept(void **state)
{
    struct itest_user o, u;
    struct sioc_conn *co = observer(&o), *cu;
    struct sioc_event ev;
    long long t0, took;

    (void)state;
    itest_user_new(&stack, "grace", &u);
    cu = itest_connect_token(&stack, u.token);
    assert_int_equal(itest_wait_match(co, "new_user_online", "username",
                                      u.name, 3000, &ev), 0);
    sioc_event_cleanup(&ev);
    t0 = itest_ms();
    sioc_conn_free(cu);                 /* gone, no logout */
    assert_int_equal(itest_wait_match(co, "user_has_gone_offline",
                                      "username", u.name, 4000, &ev), 0);
    took = itest_ms() - t0;
    sioc_event_cleanup(&ev);
    assert_true(took >= 900);           /* OFFLINE_GRACE_MS = 1000 */
    assert_int_equal(count_events(co, "user_has_gone_offline", u.name, 300),
                     0);
    /* the JWT stays valid: reconnect without logging in */
    assert_true(token_valid(&u));
    cu = itest_connect_token(&stack, u.token);
    assert_int_equal(itest_wait_match(co, "new_user_online", "username",
                                      u.name, 3000, &ev), 0);
    sioc_event_cleanup(&ev);
    sioc_close(cu);
    sioc_close(co);
}

static void
test_reconnect_inside_the_grace_makes_no_broadcast(void **state)
{
    struct itest_user o, u;
    struct sioc_conn *co = observer(&o), *cu;
    struct sioc_event ev;

    (void)state;
    itest_user_new(&stack, "rejoin", &u);
    cu = itest_connect_token(&stack, u.token);
    assert_int_equal(itest_wait_match(co, "new_user_online", "username",
                                      u.name, 3000, &ev), 0);
    sioc_event_cleanup(&ev);
    sioc_conn_free(cu);
    cu = itest_connect_token(&stack, u.token);      /* within 1 s */
    /* watch past the grace, heartbeating (KEEP_ALIVE is only 2 s) */
    for (int i = 0; i < 4; i++) {
        heartbeat(cu, u.name);
        heartbeat(co, o.name);
        assert_int_equal(count_events(co, "user_has_gone_offline", u.name,
                                      450), 0);
    }
    assert_int_equal(count_events(co, "new_user_online", u.name, 300), 0);
    assert_int_equal(itest_redis_wait(&stack, "1", 1000, "HEXISTS online %s",
                                      u.name), 0);
    sioc_close(cu);
    sioc_close(co);
}

static void
test_heartbeats_keep_online_silence_expires(void **state)
{
    struct itest_user o, u;
    struct sioc_conn *co = observer(&o), *cu;
    struct sioc_event ev;
    long long t0, took;

    (void)state;
    itest_user_new(&stack, "hb", &u);
    cu = itest_connect_token(&stack, u.token);
    /* 4 s of heartbeats every 500 ms: more than KEEP_ALIVE (2 s) */
    t0 = itest_ms();
    while (itest_ms() - t0 < 4000) {
        heartbeat(cu, u.name);
        heartbeat(co, o.name);
        sioc_pump(500);
    }
    assert_int_equal(itest_redis_wait(&stack, "1", 10, "HEXISTS online %s",
                                      u.name), 0);
    assert_int_equal(count_events(co, "user_has_gone_offline", u.name, 10),
                     0);
    /* silence: offline within KEEP_ALIVE + the sweep interval (2 + 1 s) */
    t0 = itest_ms();
    assert_int_equal(itest_wait_match(co, "user_has_gone_offline",
                                      "username", u.name, 4500, &ev), 0);
    took = itest_ms() - t0;
    sioc_event_cleanup(&ev);
    assert_true(took <= 3500);
    /* expiry revokes the session it tracked */
    assert_false(token_valid(&u));
    sioc_close(cu);
    sioc_close(co);
}

static void
test_expiry_of_an_old_session_leaves_a_new_login_alone(void **state)
{
    struct itest_user u;
    struct sioc_conn *c1, *c2;
    struct sioc_event ev;
    char pw[128], *token2;

    (void)state;
    itest_user_new(&stack, "relog", &u);
    c1 = itest_connect_token(&stack, u.token);
    assert_int_equal(itest_wait_match(c1, "new_user_online", "username",
                                      u.name, 3000, &ev), 0);
    sioc_event_cleanup(&ev);
    /* a second login replaces the session; the old one falls silent */
    itest_password(u.name, pw, sizeof pw);
    token2 = itest_login(&stack, u.name, pw);
    assert_int_equal(itest_wait_match(c1, "user_has_gone_offline", "username",
                                      u.name, 5000, &ev), 0);
    sioc_event_cleanup(&ev);
    u.token = token2;
    assert_true(token_valid(&u));         /* expiry left the new login */
    c2 = itest_connect_token(&stack, u.token);
    assert_int_equal(itest_wait_match(c2, "new_user_online", "username",
                                      u.name, 3000, &ev), 0);
    sioc_event_cleanup(&ev);
    sioc_conn_free(c1);
    sioc_close(c2);
    free(token2);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_join_goes_online_after_the_settle_delay_once),
        cmocka_unit_test(test_logout_inside_the_settle_delay_cancels_going_online),
        cmocka_unit_test(test_closed_socket_goes_offline_after_grace_token_kept),
        cmocka_unit_test(test_reconnect_inside_the_grace_makes_no_broadcast),
        cmocka_unit_test(test_heartbeats_keep_online_silence_expires),
        cmocka_unit_test(test_expiry_of_an_old_session_leaves_a_new_login_alone),
    };

    return ITEST_RUN("presence", tests, &stack, overrides);
}
