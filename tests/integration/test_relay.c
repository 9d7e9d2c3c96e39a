/* test_relay.c -- message routing on the real stack: both members'
 * sockets get the message and nobody else; the offline inbox keeps order
 * (2 and 1,000 messages) and has a cap with a notice; bot rooms go to the
 * bot's stream; a revoked token gets the Admin error; unknown users and
 * foreign rooms are dropped and the next message still flows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

#define INBOX_CAP 1000

static struct itest_stack stack;
static const char *const overrides[] = {
    "INBOX_MAX=1000",
    "GW_EVENT_RATE=0",
    NULL
};

static void
send_ok(struct sioc_conn *c, const struct itest_user *from, const char *to,
        const char *text, const char *want)
{
    char res[32];

    itest_send(c, from->name, to, text, from->token, res, sizeof res, NULL,
               0);
    assert_string_equal(res, want);
}

static void
test_both_members_sockets_get_it_and_nobody_else(void **state)
{
    struct itest_user a, b, c;
    struct sioc_conn *a1, *a2, *b1, *c1;
    struct sioc_event ev;

    (void)state;
    itest_user_new(&stack, "both_a", &a);
    itest_user_new(&stack, "both_b", &b);
    itest_user_new(&stack, "both_c", &c);
    a1 = itest_online(&stack, &a);
    a2 = itest_connect_token(&stack, a.token);     /* a's second window */
    b1 = itest_online(&stack, &b);
    c1 = itest_online(&stack, &c);
    send_ok(a1, &a, b.name, "to b", "delivered");
    assert_int_equal(itest_wait_match(b1, "received_message", "content",
                                      "to b", 3000, &ev), 0);
    sioc_event_cleanup(&ev);
    /* the sender's sockets get it too, as the original's room emit */
    assert_int_equal(itest_wait_match(a2, "received_message", "content",
                                      "to b", 3000, &ev), 0);
    sioc_event_cleanup(&ev);
    assert_int_equal(itest_wait_match(a1, "received_message", "content",
                                      "to b", 3000, &ev), 0);
    sioc_event_cleanup(&ev);
    assert_int_equal(sioc_expect_no_event(c1, "received_message", 500), 0);
    sioc_close(a1);
    sioc_close(a2);
    sioc_close(b1);
    sioc_close(c1);
}

/* Send n messages "m0".."m<n-1>" to an offline user, then connect it and
 * check they come in that order, each once. */
static void
inbox_in_order(int n)
{
    struct itest_user a, b;
    struct sioc_conn *ca, *cb;
    char text[32], got[64];
    struct sioc_event ev;

    itest_user_new(&stack, "ord_a", &a);
    itest_user_new(&stack, "ord_b", &b);
    ca = itest_online(&stack, &a);
    for (int i = 0; i < n; i++) {
        snprintf(text, sizeof text, "m%d", i);
        send_ok(ca, &a, b.name, text, "cached");
    }
    assert_int_equal(itest_redis_wait(&stack, "1", 1000, "EXISTS inbox:%s",
                                      b.name), 0);
    cb = itest_connect_token(&stack, b.token);
    for (int i = 0; i < n; i++) {
        assert_int_equal(sioc_wait_event(cb, "received_message", 10000, &ev),
                         0);
        snprintf(text, sizeof text, "m%d", i);
        assert_true(sioc_event_str(&ev, "content", got, sizeof got) > 0);
        assert_string_equal(got, text);
        sioc_event_cleanup(&ev);
    }
    assert_int_equal(sioc_expect_no_event(cb, "received_message", 300), 0);
    /* handed over, then removed from the store */
    assert_int_equal(itest_redis_wait(&stack, "0", 2000, "EXISTS inbox:%s",
                                      b.name), 0);
    sioc_close(ca);
    sioc_close(cb);
}

static void
test_offline_inbox_flushes_two_in_order(void **state)
{
    (void)state;
    inbox_in_order(2);
}

static void
test_offline_inbox_flushes_a_thousand_in_order(void **state)
{
    (void)state;
    inbox_in_order(INBOX_CAP);
}

/* A gateway counter from its /metrics. */
static long
gw_metric(const char *name)
{
    struct sioc_http_reply r;
    char url[128], err[CMN_ERR_LEN];
    const char *p;
    long v = -1;

    snprintf(url, sizeof url, "http://127.0.0.1:%s/metrics",
             itest_env(&stack, "GW_HEALTH_PORTS"));
    if (sioc_http_request("GET", url, NULL, NULL, 3000, &r, err) != 0)
        return -1;
    for (p = r.body; p != NULL && (p = strstr(p, name)) != NULL; p++)
        if (p[strlen(name)] == ' ' && (p == r.body || p[-1] == '\n')) {
            v = atol(p + strlen(name) + 1);
            break;
        }
    sioc_http_reply_cleanup(&r);
    return v;
}

static void
test_user_gone_mid_flush_loses_nothing(void **state)
{
    struct itest_user a, b;
    struct sioc_conn *ca, *cb;
    struct sioc_event ev;
    char text[32], got[64], gw[128];
    redisContext *r;
    redisReply *rep;
    long bounced;
    const int n = 300;

    (void)state;
    itest_user_new(&stack, "mid_a", &a);
    itest_user_new(&stack, "mid_b", &b);
    ca = itest_online(&stack, &a);
    for (int i = 0; i < n; i++) {
        snprintf(text, sizeof text, "m%d", i);
        send_ok(ca, &a, b.name, text, "cached");
    }
    /* the state of a flush that races b's leaving: b online on a live
     * gateway that no longer has any socket of b */
    r = itest_redis(&stack);
    rep = redisCommand(r, "ZRANGE gateways -1 -1");
    assert_int_equal((int)rep->elements, 1);
    snprintf(gw, sizeof gw, "%s", rep->element[0]->str);
    freeReplyObject(rep);
    freeReplyObject(redisCommand(r, "HSET online %s gone", b.name));
    freeReplyObject(redisCommand(r, "HSET loc %s %s", b.name, gw));
    bounced = gw_metric("iseecubes_gateway_bounces_total");
    freeReplyObject(redisCommand(r, "XADD s:msg * k flush u %s", b.name));
    /* the gateway hands every one back; the relay keeps them again */
    for (long long end = itest_ms() + 10000;
         gw_metric("iseecubes_gateway_bounces_total") < bounced + n &&
         itest_ms() < end;)
        sioc_pump(50);
    assert_true(gw_metric("iseecubes_gateway_bounces_total") >= bounced + n);
    freeReplyObject(redisCommand(r, "HDEL online %s", b.name));
    freeReplyObject(redisCommand(r, "HDEL loc %s", b.name));
    redisFree(r);
    assert_int_equal(itest_redis_wait(&stack, "300", 5000, "ZCARD inbox:%s",
                                      b.name), 0);
    /* b comes back: all of them, in order */
    cb = itest_connect_token(&stack, b.token);
    for (int i = 0; i < n; i++) {
        assert_int_equal(sioc_wait_event(cb, "received_message", 10000, &ev),
                         0);
        snprintf(text, sizeof text, "m%d", i);
        assert_true(sioc_event_str(&ev, "content", got, sizeof got) > 0);
        assert_string_equal(got, text);
        sioc_event_cleanup(&ev);
    }
    sioc_close(ca);
    sioc_close(cb);
}

static void
test_inbox_cap_refuses_with_a_notice(void **state)
{
    struct itest_user a, b;
    struct sioc_conn *ca;
    struct sioc_event ev;
    char res[32], got[256];

    (void)state;
    itest_user_new(&stack, "cap_a", &a);
    itest_user_new(&stack, "cap_b", &b);
    ca = itest_online(&stack, &a);
    for (int i = 0; i < INBOX_CAP; i++)
        send_ok(ca, &a, b.name, "fill", "cached");
    itest_send(ca, a.name, b.name, "one too many", a.token, res, sizeof res,
               NULL, 0);
    assert_string_equal(res, "error");
    assert_int_equal(itest_wait_match(ca, "received_message", "sender",
                                      "Admin", 3000, &ev), 0);
    assert_true(sioc_event_str(&ev, "content", got, sizeof got) > 0);
    assert_non_null(strstr(got, b.name));
    sioc_event_cleanup(&ev);
    sioc_close(ca);
}

static void
test_revoked_token_gets_the_admin_error(void **state)
{
    struct itest_user a, b;
    struct sioc_conn *ca, *cb;
    struct sioc_event ev;
    char res[32], got[512], pw[128], *fresh, want[512];

    (void)state;
    itest_user_new(&stack, "rev_a", &a);
    itest_user_new(&stack, "rev_b", &b);
    ca = itest_online(&stack, &a);
    cb = itest_online(&stack, &b);
    /* a logs in again elsewhere: the token of ca is no longer a's session */
    itest_password(a.name, pw, sizeof pw);
    fresh = itest_login(&stack, a.name, pw);
    itest_send(ca, a.name, b.name, "with an old token", a.token, res,
               sizeof res, NULL, 0);
    assert_string_equal(res, "error");
    assert_int_equal(itest_wait_match(ca, "received_message", "sender",
                                      "Admin", 3000, &ev), 0);
    assert_true(sioc_event_str(&ev, "content", got, sizeof got) > 0);
    snprintf(want, sizeof want, "Error! User '%s' must disconnect, re login "
             "and reconnect so the conversation can be resumed.", a.name);
    assert_string_equal(got, want);
    sioc_event_cleanup(&ev);
    assert_int_equal(sioc_expect_no_event(cb, "received_message", 500), 0);
    free(fresh);
    sioc_close(ca);
    sioc_close(cb);
}

static void
test_unknown_user_and_foreign_room_are_dropped(void **state)
{
    struct itest_user a, b;
    struct sioc_conn *ca, *cb;
    struct sioc_event ev, ack;
    char arg[2048], err[CMN_ERR_LEN], res[32];

    (void)state;
    itest_user_new(&stack, "drop_a", &a);
    itest_user_new(&stack, "drop_b", &b);
    ca = itest_online(&stack, &a);
    cb = itest_online(&stack, &b);
    send_ok(ca, &a, "nobody-by-this-name", "lost", "error");
    /* a room a is not in: refused at once by the gateway */
    snprintf(arg, sizeof arg, "{\"sender\":\"%s\",\"content\":\"x\","
             "\"conversation_room\":\"Lisa&Avi\",\"jwt\":\"%s\"}", a.name,
             a.token);
    assert_int_equal(sioc_call(ca, "client_sends_message", arg, 3000, &ack,
                               err), 0);
    assert_true(sioc_event_str(&ack, "result", res, sizeof res) > 0);
    assert_string_equal(res, "error");
    sioc_event_cleanup(&ack);
    /* and the service goes on */
    send_ok(ca, &a, b.name, "still here", "delivered");
    assert_int_equal(itest_wait_match(cb, "received_message", "content",
                                      "still here", 3000, &ev), 0);
    sioc_event_cleanup(&ev);
    sioc_close(ca);
    sioc_close(cb);
}

static void
test_bot_room_goes_to_the_bot_stream(void **state)
{
    struct itest_user a;
    struct sioc_conn *ca;
    struct sioc_event ev;
    char bot[64], got[256], res[32], id[64];
    redisContext *r;
    redisReply *rep;

    (void)state;
    snprintf(bot, sizeof bot, "tbot%d", (int)(itest_ms() % 100000));
    assert_int_equal(itest_sh(&stack, "%s/bin/iseecubes-admin add %s "
                              "--role bot >/dev/null </dev/null",
                              itest_env(&stack, "BUILD"), bot), 0);
    assert_int_equal(itest_redis_wait(&stack, "1", 5000, "HEXISTS users %s",
                                      bot), 0);
    itest_user_new(&stack, "botu", &a);
    ca = itest_online(&stack, &a);
    /* no bridge: the bot answers with a notice */
    send_ok(ca, &a, bot, "anyone there?", "error");
    assert_int_equal(itest_wait_match(ca, "ai_response_received", "sender",
                                      bot, 3000, &ev), 0);
    assert_true(sioc_event_str(&ev, "content", got, sizeof got) > 0);
    assert_non_null(strstr(got, "not available"));
    sioc_event_cleanup(&ev);
    /* a bridge brings the bot online: messages go to its stream */
    r = itest_redis(&stack);
    freeReplyObject(redisCommand(r, "XADD s:pres * k bind u %s j bot st 0",
                                 bot));
    assert_int_equal(itest_redis_wait(&stack, "1", 3000, "HEXISTS online %s",
                                      bot), 0);
    itest_send(ca, a.name, bot, "hello bot", a.token, res, sizeof res, id,
               sizeof id);
    assert_string_equal(res, "delivered");
    rep = redisCommand(r, "XRANGE s:bot:%s - +", bot);
    assert_non_null(rep);
    assert_int_equal((int)rep->elements, 1);
    assert_string_equal(rep->element[0]->element[1]->element[1]->str, "m");
    freeReplyObject(rep);
    rep = redisCommand(r, "XRANGE s:bot:%s - +", bot);
    {
        const redisReply *f = rep->element[0]->element[1];
        int seen = 0;

        for (size_t i = 0; i + 1 < f->elements; i += 2) {
            if (strcmp(f->element[i]->str, "u") == 0)
                seen += strcmp(f->element[i + 1]->str, a.name) == 0;
            if (strcmp(f->element[i]->str, "c") == 0)
                seen += strcmp(f->element[i + 1]->str, "\"hello bot\"") == 0;
            if (strcmp(f->element[i]->str, "id") == 0)
                seen += strcmp(f->element[i + 1]->str, id) == 0;
        }
        assert_int_equal(seen, 3);
    }
    freeReplyObject(rep);
    redisFree(r);
    sioc_close(ca);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_both_members_sockets_get_it_and_nobody_else),
        cmocka_unit_test(test_offline_inbox_flushes_two_in_order),
        cmocka_unit_test(test_offline_inbox_flushes_a_thousand_in_order),
        cmocka_unit_test(test_user_gone_mid_flush_loses_nothing),
        cmocka_unit_test(test_inbox_cap_refuses_with_a_notice),
        cmocka_unit_test(test_revoked_token_gets_the_admin_error),
        cmocka_unit_test(test_unknown_user_and_foreign_room_are_dropped),
        cmocka_unit_test(test_bot_room_goes_to_the_bot_stream),
    };

    return ITEST_RUN("relay", tests, &stack, overrides);
}
