/* test_replicas.c -- the compose topology without Docker: two gateways,
 * two relays and two presence services behind nginx (deploy/stack.sh with
 * GATEWAYS=2 RELAYS=2 PRESENCES=2). Users pinned to different gateways
 * chat, each message once; presence events reach every user on every
 * gateway exactly once although two presence replicas run; stock
 * long-polling clients (python-socketio through nginx) keep every request
 * on the replica that holds their session (nginx's log says which
 * replica served each request); and when a gateway is killed its users
 * reconnect through nginx to the other one and get every message that was
 * acknowledged to its sender: the ones the dead gateway never wrote (the
 * relay's reaper re-routes them) and the ones sent while they were away
 * (cached, flushed on reconnect). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "itest.h"

#define ID_LEN 48

static struct itest_stack stack;
static const char *const overrides[] = {
    "GATEWAYS=2",
    "RELAYS=2",
    "PRESENCES=2",
    /* the reaper acts within seconds; beats are every second */
    "GATEWAY_DEAD_MS=3000",
    /* users whose gateway died must not expire (and lose their token)
     * before they reconnect: the test sends no connection_alive */
    "KEEP_ALIVE_DELAY_BETWEEN_EVENTS=60",
    "GW_EVENT_RATE=0",
    /* a relay takes over another's pending messages only after this long:
     * on a loaded machine a slow batch must not be routed twice, which
     * would be allowed (at least once) but not what the first test
     * checks */
    "RELAY_CLAIM_IDLE_MS=30000",
    NULL
};

/* The port of gateway replica i (1-based) from stack.env, to pin a socket
 * to it. */
static int
gw_port(int i)
{
    const char *ports = itest_env(&stack, "GW_PORTS");
    int p[2] = {0, 0};

    assert_non_null(ports);
    assert_int_equal(sscanf(ports, "%d %d", &p[0], &p[1]), 2);
    return p[i - 1];
}

/* Connect straight to gateway replica i, bound to u at once, and wait for
 * u's own new_user_online. */
static struct sioc_conn *
online_on(int i, const struct itest_user *u)
{
    char auth[1200], err[CMN_ERR_LEN];
    struct sioc_conn *c;
    struct sioc_event ev;

    snprintf(auth, sizeof auth, "{\"token\":\"%s\"}", u->token);
    c = sioc_open_blocking("127.0.0.1", gw_port(i), auth, 5000, err);
    if (c == NULL)
        fail_msg("connect %s to gateway%d: %s", u->name, i, err);
    if (itest_wait_match(c, "new_user_online", "username", u->name, 5000,
                         &ev) != 0)
        fail_msg("%s never came online on gateway%d", u->name, i);
    sioc_event_cleanup(&ev);
    return c;
}

/* The route id ("g1") of the gateway holding c's session. */
static void
route_of(struct sioc_conn *c, char *out, size_t cap)
{
    const char *sid = sioc_conn_eio(c)->sid;
    const char *dot = strchr(sid, '.');

    assert_non_null(dot);
    snprintf(out, cap, "%.*s", (int)(dot - sid), sid);
}

/* Send with an ack; the ack's result must be one of want ("delivered",
 * "delivered|cached"); the message id goes to id. */
static void
send_acked(struct sioc_conn *c, const struct itest_user *from,
           const char *to, const char *text, const char *want, char *id)
{
    char res[32];

    itest_send(c, from->name, to, text, from->token, res, sizeof res, id,
               ID_LEN);
    if (strstr(want, res) == NULL || res[0] == '\0')
        fail_msg("%s -> %s \"%s\": ack %s, want %s", from->name, to, text,
                 res, want);
    if (id[0] == '\0')
        fail_msg("%s -> %s \"%s\": ack without an id", from->name, to, text);
}

/* Read received_message events from sender on c until every id in ids[n]
 * has come or timeout_ms passes; counts[i] += how often ids[i] came.
 * Returns how many ids are still missing. */
static int
collect(struct sioc_conn *c, const char *sender, char ids[][ID_LEN], int n,
        int *counts, int timeout_ms)
{
    long long deadline = itest_ms() + timeout_ms;
    int missing = 0;

    for (int i = 0; i < n; i++)
        missing += counts[i] == 0;
    while (missing > 0) {
        long long left = deadline - itest_ms();
        struct sioc_event ev;
        char from[64], id[ID_LEN];

        if (left <= 0 || sioc_wait_event(c, "received_message", (int)left,
                                         &ev) != 0)
            break;
        if (sioc_event_str(&ev, "sender", from, sizeof from) > 0 &&
            strcmp(from, sender) == 0 &&
            sioc_event_str(&ev, "id", id, sizeof id) > 0) {
            for (int i = 0; i < n; i++) {
                if (strcmp(ids[i], id) == 0) {
                    missing -= counts[i] == 0;
                    counts[i]++;
                }
            }
        }
        sioc_event_cleanup(&ev);
    }
    return missing;
}

/* Count events `name` whose "username" is user on c: wait up to
 * first_ms for one, then keep counting for settle_ms more. */
static int
count_events(struct sioc_conn *c, const char *name, const char *user,
             int first_ms, int settle_ms)
{
    long long deadline = itest_ms() + first_ms;
    int n = 0;

    for (;;) {
        long long left = deadline - itest_ms();
        struct sioc_event ev;
        char got[64];

        if (left <= 0 || sioc_wait_event(c, name, (int)left, &ev) != 0)
            return n;
        if (sioc_event_str(&ev, "username", got, sizeof got) > 0 &&
            strcmp(got, user) == 0) {
            if (n++ == 0)
                deadline = itest_ms() + settle_ms;
        }
        sioc_event_cleanup(&ev);
    }
}

static void
test_users_on_different_gateways_chat(void **state)
{
    struct itest_user a, b;
    struct sioc_conn *ca, *cb;
    char ra[16], rb[16], text[32], ida[20][ID_LEN], idb[20][ID_LEN];
    int na[20] = {0}, nb[20] = {0};

    (void)state;
    itest_user_new(&stack, "rep_a", &a);
    itest_user_new(&stack, "rep_b", &b);
    ca = online_on(1, &a);
    cb = online_on(2, &b);
    route_of(ca, ra, sizeof ra);
    route_of(cb, rb, sizeof rb);
    assert_string_equal(ra, "g1");
    assert_string_equal(rb, "g2");

    for (int i = 0; i < 20; i++) {
        snprintf(text, sizeof text, "a to b %d", i);
        send_acked(ca, &a, b.name, text, "delivered", ida[i]);
        snprintf(text, sizeof text, "b to a %d", i);
        send_acked(cb, &b, a.name, text, "delivered", idb[i]);
    }
    assert_int_equal(collect(cb, a.name, ida, 20, na, 5000), 0);
    assert_int_equal(collect(ca, b.name, idb, 20, nb, 5000), 0);
    /* no failure happened: two relays share the stream, none routes a
     * message twice */
    assert_int_equal(collect(cb, a.name, ida, 20, na, 300), 0);
    assert_int_equal(collect(ca, b.name, idb, 20, nb, 300), 0);
    for (int i = 0; i < 20; i++) {
        if (na[i] != 1 || nb[i] != 1)
            fail_msg("message %d came %d / %d times", i, na[i], nb[i]);
    }
    sioc_close(ca);
    sioc_close(cb);
    itest_user_free(&a);
    itest_user_free(&b);
}

static void
test_presence_events_reach_everyone_once(void **state)
{
    struct itest_user w[3], n;
    struct sioc_conn *cw[3], *cn;
    char arg[1400], err[CMN_ERR_LEN];

    (void)state;
    for (int i = 0; i < 3; i++)
        itest_user_new(&stack, "rep_w", &w[i]);
    itest_user_new(&stack, "rep_n", &n);
    /* watchers on gateway 1, gateway 2, and wherever nginx puts one */
    cw[0] = online_on(1, &w[0]);
    cw[1] = online_on(2, &w[1]);
    cw[2] = itest_online(&stack, &w[2]);

    cn = online_on(2, &n);
    for (int i = 0; i < 3; i++) {
        int got = count_events(cw[i], "new_user_online", n.name, 5000, 1500);

        if (got != 1)
            fail_msg("watcher %d saw %s come online %d times", i, n.name,
                     got);
    }
    snprintf(arg, sizeof arg, "{\"client\":\"%s\",\"jwt\":\"%s\"}", n.name,
             n.token);
    assert_int_equal(sioc_emit(cn, "client_disconnection", arg, err), 0);
    for (int i = 0; i < 3; i++) {
        int got = count_events(cw[i], "user_has_gone_offline", n.name, 5000,
                               1500);

        if (got != 1)
            fail_msg("watcher %d saw %s go offline %d times", i, n.name,
                     got);
    }
    sioc_close(cn);
    for (int i = 0; i < 3; i++) {
        sioc_close(cw[i]);
        itest_user_free(&w[i]);
    }
    itest_user_free(&n);
}

/* The gateway port nginx's log names for requests of sid's session, in
 * its first `upto` bytes, must be that replica's: returns how many
 * requests of the session it saw. */
static int
check_sid_in_access_log(const char *sid, long upto)
{
    char path[320], line[2048], want[64], route[16], needle[1024];
    const char *dot = strchr(sid, '.');
    int replica, seen = 0;
    FILE *f;

    assert_non_null(dot);
    snprintf(route, sizeof route, "%.*s", (int)(dot - sid), sid);
    assert_int_equal(sscanf(route, "g%d", &replica), 1);
    snprintf(want, sizeof want, "upstream=127.0.0.1:%d", gw_port(replica));
    snprintf(path, sizeof path, "%s/nginx/logs/access.log", stack.dir);
    snprintf(needle, sizeof needle, "sid=%s", sid);
    assert_non_null(f = fopen(path, "r"));
    while (ftell(f) < upto && fgets(line, sizeof line, f) != NULL) {
        if (strstr(line, needle) == NULL)
            continue;
        seen++;
        if (strstr(line, want) == NULL || strstr(line, "\" 200 ") == NULL)
            fail_msg("a request of session %s was not served by %s with "
                     "200: %s", sid, want, line);
    }
    fclose(f);
    return seen;
}

static void
test_long_polling_clients_stay_on_their_replica(void **state)
{
    struct itest_user u[4];
    char pw[4][128], cmd[2048], path[320], line[256], sids[4][128];
    int routes[3] = {0, 0, 0}, sessions, nsids = 0, rc;
    long mark = 0;
    FILE *f;

    (void)state;
    for (int i = 0; i < 4; i++) {
        itest_user_new(&stack, "rep_p", &u[i]);
        itest_password(u[i].name, pw[i], sizeof pw[i]);
    }
    /* Debian's python-socketio: /usr/bin/python3, not a python3 earlier
     * on PATH */
    snprintf(path, sizeof path, "%s/poll.out", stack.dir);
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 tests/integration/"
             "replicas_poll.py %s/nginx/logs/access.log %s %s '%s' %s '%s' "
             "%s '%s' %s '%s' >%s 2>&1", stack.dir, stack.base, u[0].name,
             pw[0], u[1].name, pw[1], u[2].name, pw[2], u[3].name, pw[3],
             path);
    rc = itest_sh(&stack, "%s", cmd);
    assert_non_null(f = fopen(path, "r"));
    while (fgets(line, sizeof line, f) != NULL) {
        char sid[128];

        if (sscanf(line, "SID %127s", sid) == 1 && nsids < 4)
            snprintf(sids[nsids++], sizeof sids[0], "%s", sid);
        else if (sscanf(line, "LOGMARK %ld", &mark) != 1)
            fprintf(stderr, "replicas_poll: %s", line);
    }
    fclose(f);
    assert_int_equal(rc, 0);
    assert_true(mark > 0);
    for (int i = 0; i < nsids; i++) {
        int replica;

        if (sscanf(sids[i], "g%d.", &replica) == 1 && replica >= 1 &&
            replica <= 2)
            routes[replica]++;
        /* handshake, join, 4 rounds of send + receive: many requests */
        if (check_sid_in_access_log(sids[i], mark) < 6)
            fail_msg("session %s made fewer requests than it must have",
                     sids[i]);
    }
    sessions = nsids;
    assert_int_equal(sessions, 4);
    /* new sessions are spread over both replicas */
    assert_true(routes[1] > 0 && routes[2] > 0);
    for (int i = 0; i < 4; i++)
        itest_user_free(&u[i]);
}

/* Send n messages "<tag> <i>" from s to user `to`, each acknowledged with
 * one of want; their ids go to ids[0..n). */
static void
send_n(struct sioc_conn *cs, const struct itest_user *s, const char *to,
       const char *tag, int n, const char *want, char ids[][ID_LEN])
{
    char text[48];

    for (int i = 0; i < n; i++) {
        snprintf(text, sizeof text, "%s %d", tag, i);
        send_acked(cs, s, to, text, want, ids[i]);
    }
}

/* Print the ids never received, fail if any. */
static void
expect_all(struct sioc_conn *c, const char *who, const char *sender,
           char ids[][ID_LEN], int n, int *counts, int timeout_ms)
{
    if (collect(c, sender, ids, n, counts, timeout_ms) == 0)
        return;
    for (int i = 0; i < n; i++) {
        if (counts[i] == 0)
            fprintf(stderr, "lost for %s: message %d (%s)\n", who, i, ids[i]);
    }
    fail_msg("acknowledged messages to %s were lost", who);
}

static void
test_killed_gateway_loses_no_acked_message(void **state)
{
    /* r1 comes back at once, r2 only after it went offline */
    struct itest_user r1, r2, s;
    struct sioc_conn *c1, *c2, *cs;
    char id1[25][ID_LEN], id2[20][ID_LEN], route[16];
    int n1[25] = {0}, n2[20] = {0};
    struct sioc_event ev;

    (void)state;
    itest_user_new(&stack, "rep_r", &r1);
    itest_user_new(&stack, "rep_r", &r2);
    itest_user_new(&stack, "rep_s", &s);
    c1 = online_on(1, &r1);
    c2 = online_on(1, &r2);
    cs = online_on(2, &s);

    /* delivered while both gateways live */
    send_n(cs, &s, r1.name, "before", 10, "delivered", id1);
    send_n(cs, &s, r2.name, "before", 10, "delivered", id2);
    expect_all(c1, r1.name, s.name, id1, 10, n1, 5000);
    expect_all(c2, r2.name, s.name, id2, 10, n2, 5000);

    /* gateway1, which holds r1 and r2, dies; what is sent now is acked
     * and routed to it until the reaper notices: never written */
    assert_int_equal(itest_kill(&stack, "gateway1", SIGKILL), 0);
    send_n(cs, &s, r1.name, "unwritten", 10, "delivered|cached", id1 + 10);
    send_n(cs, &s, r2.name, "unwritten", 5, "delivered|cached", id2 + 10);
    assert_int_equal(sioc_wait_closed(c1, 5000), 0);
    assert_int_equal(sioc_wait_closed(c2, 5000), 0);
    sioc_conn_free(c1);
    sioc_conn_free(c2);

    /* r1 reconnects at once through nginx, which skips the dead replica */
    c1 = itest_connect_token(&stack, r1.token);
    route_of(c1, route, sizeof route);
    assert_string_equal(route, "g2");
    send_n(cs, &s, r1.name, "after", 5, "delivered", id1 + 20);

    /* the reaper takes gateway1 out: its unwritten records go back
     * through the inboxes, r1 gets them on gateway2 */
    if (itest_redis_wait(&stack, "(nil)", 15000, "HGET loc %s", r2.name) != 0)
        fail_msg("the reaper never took the dead gateway out of loc");
    expect_all(c1, r1.name, s.name, id1, 25, n1, 15000);

    /* r2, still away, goes offline after the grace; what it is sent now
     * is cached, and everything comes when it reconnects */
    if (itest_wait_match(cs, "user_has_gone_offline", "username", r2.name,
                         15000, &ev) != 0)
        fail_msg("%s never went offline after its gateway died", r2.name);
    sioc_event_cleanup(&ev);
    send_n(cs, &s, r2.name, "cached", 5, "cached", id2 + 15);
    c2 = itest_connect_token(&stack, r2.token);
    route_of(c2, route, sizeof route);
    assert_string_equal(route, "g2");
    expect_all(c2, r2.name, s.name, id2, 20, n2, 15000);

    sioc_close(c1);
    sioc_close(c2);
    sioc_close(cs);
    itest_user_free(&r1);
    itest_user_free(&r2);
    itest_user_free(&s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_users_on_different_gateways_chat),
        cmocka_unit_test(test_presence_events_reach_everyone_once),
        cmocka_unit_test(test_long_polling_clients_stay_on_their_replica),
        /* last: it kills gateway1 */
        cmocka_unit_test(test_killed_gateway_loses_no_acked_message),
    };

    return ITEST_RUN("replicas", tests, &stack, overrides);
}
