/* test_cmn_scripts.c -- the shared Lua scripts against a real Redis
 * (TEST_REDIS_PORT from tests/with-redis.sh): every transition rule of
 * cmn_scripts.c and docs/architecture.md ("Presence"):
 *
 *   online   -- claims the settle entry, needs the jti to be the user's
 *               session (bots: "bot"), broadcasts new_user_online and asks
 *               for an inbox flush on a real transition, or on a bind
 *               of an online user whose inbox is not empty;
 *   offline  -- expire re-checks the heartbeat and revokes only the
 *               session it tracked; logout needs the jti; kill needs a
 *               session; grace is claimed once and does nothing when a
 *               gateway bound the user again; at most one broadcast, and
 *               the bots hear about users (not about bots);
 *   loc_add / loc_del -- a gateway's membership in `loc`;
 *   inbox_add (capped, idempotent) / inbox_del.
 *
 * The scripts use the real shared keys (tokens, online, hb, s:bcast ...),
 * so every test works on users of its own ("t-<test>") and counts only the
 * stream entries that name them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmn/cmn_keys.h"
#include "cmn/cmn_log.h"
#include "cmn/cmn_redis.h"
#include "cmn/cmn_scripts.h"

static struct cmn_redis t_r;

/* ---- helpers ------------------------------------------------------------ */

static redisReply *cmd(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static redisReply *
cmd(const char *fmt, ...)
{
    redisContext *c = cmn_redis_ctx(&t_r);
    redisReply *rep;
    va_list ap;

    assert_non_null(c);
    va_start(ap, fmt);
    rep = redisvCommand(c, fmt, ap);
    va_end(ap);
    assert_non_null(rep);
    if (rep->type == REDIS_REPLY_ERROR)
        fail_msg("%s: %s", fmt, rep->str);
    return rep;
}

static void do_cmd(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void
do_cmd(const char *fmt, ...)
{
    redisContext *c = cmn_redis_ctx(&t_r);
    redisReply *rep;
    va_list ap;

    assert_non_null(c);
    va_start(ap, fmt);
    rep = redisvCommand(c, fmt, ap);
    va_end(ap);
    assert_non_null(rep);
    if (rep->type == REDIS_REPLY_ERROR)
        fail_msg("%s: %s", fmt, rep->str);
    freeReplyObject(rep);
}

/* HGET key field into a static buffer; NULL when absent. */
static const char *
hget(const char *key, const char *field)
{
    static char val[256];
    redisReply *rep = cmd("HGET %s %s", key, field);
    const char *out = NULL;

    if (rep->type == REDIS_REPLY_STRING) {
        snprintf(val, sizeof val, "%s", rep->str);
        out = val;
    }
    freeReplyObject(rep);
    return out;
}

/* ZSCORE as a number; -1 when absent. */
static long long
zscore(const char *key, const char *member)
{
    redisReply *rep = cmd("ZSCORE %s %s", key, member);
    long long v = -1;

    if (rep->type == REDIS_REPLY_STRING)
        v = atoll(rep->str);
    freeReplyObject(rep);
    return v;
}

static long long
integer(const char *fmt, const char *a, const char *b)
{
    redisReply *rep = cmd(fmt, a, b);
    long long v;

    assert_int_equal(rep->type, REDIS_REPLY_INTEGER);
    v = rep->integer;
    freeReplyObject(rep);
    return v;
}

/* Number of field/value pairs in stream `key` whose field is `field` and
 * whose value equals `value`. */
static int
count_pairs(const char *key, const char *field, const char *value)
{
    redisReply *rep = cmd("XRANGE %s - +", key);
    int n = 0;

    for (size_t i = 0; i < rep->elements; i++) {
        const redisReply *e = rep->element[i];

        for (size_t k = 0; k < cmn_entry_nfields(e); k++) {
            const redisReply *f, *v;

            cmn_entry_pair(e, k, &f, &v);
            if (strcmp(f->str, field) == 0 && strcmp(v->str, value) == 0)
                n++;
        }
    }
    freeReplyObject(rep);
    return n;
}

/* Entries of stream `key` that hold both pairs a1=v1 and a2=v2. */
static int
count_entries(const char *key, const char *a1, const char *v1,
              const char *a2, const char *v2)
{
    redisReply *rep = cmd("XRANGE %s - +", key);
    int n = 0;

    for (size_t i = 0; i < rep->elements; i++) {
        const redisReply *x = cmn_entry_field(rep->element[i], a1);
        const redisReply *y = cmn_entry_field(rep->element[i], a2);

        if (x && y && strcmp(x->str, v1) == 0 && strcmp(y->str, v2) == 0)
            n++;
    }
    freeReplyObject(rep);
    return n;
}

static int
online_broadcasts(const char *user)
{
    char pk[256];

    cmn_packet_presence(pk, sizeof pk, "new_user_online", user);
    return count_pairs(CMN_S_BCAST, "*", pk);
}

static int
offline_broadcasts(const char *user)
{
    char pk[256];

    cmn_packet_presence(pk, sizeof pk, "user_has_gone_offline", user);
    return count_pairs(CMN_S_BCAST, "*", pk);
}

static int
revocations(const char *user, const char *jti)
{
    char field[128];

    snprintf(field, sizeof field, "r %s", user);
    return count_pairs(CMN_S_BCAST, field, jti);
}

static int
flush_requests(const char *user)
{
    return count_entries(CMN_S_MSG, "k", "flush", "u", user);
}

/* A logged-in user (tokens[user] = jti) that went online at hb_ms. */
static void
make_online(const char *user, const char *jti, long long hb_ms)
{
    do_cmd("HSET %s %s %s", CMN_K_TOKENS, user, jti);
    assert_int_equal(cmn_presence_online(&t_r, user, jti, hb_ms, NULL), 1);
}

static int
loc_add(const char *user, const char *gw)
{
    char gwkey[128];
    const char *argv[] = {CMN_K_LOC, gwkey, user, gw};
    redisReply *rep;
    int n;

    snprintf(gwkey, sizeof gwkey, CMN_K_GW_USERS "%s", gw);
    rep = cmn_script_run(&t_r, &cmn_script_loc_add, 2, 4, argv, NULL);
    assert_non_null(rep);
    assert_int_equal(rep->type, REDIS_REPLY_INTEGER);
    n = (int)rep->integer;
    freeReplyObject(rep);
    return n;
}

static int
loc_del(const char *user, const char *gw)
{
    char gwkey[128];
    const char *argv[] = {CMN_K_LOC, gwkey, user, gw};
    redisReply *rep;
    int n;

    snprintf(gwkey, sizeof gwkey, CMN_K_GW_USERS "%s", gw);
    rep = cmn_script_run(&t_r, &cmn_script_loc_del, 2, 4, argv, NULL);
    assert_non_null(rep);
    assert_int_equal(rep->type, REDIS_REPLY_INTEGER);
    n = (int)rep->integer;
    freeReplyObject(rep);
    return n;
}

/* inbox_add / inbox_del with up to 8 members. */
static int
inbox_script(struct cmn_script *s, const char *user, const char *cap,
             int nmem, const char *const *members)
{
    char key[128];
    const char *argv[12];
    int argc = 0, n;
    redisReply *rep;

    snprintf(key, sizeof key, CMN_K_INBOX "%s", user);
    argv[argc++] = key;
    argv[argc++] = CMN_K_INBOXN;
    argv[argc++] = user;
    if (cap != NULL)
        argv[argc++] = cap;
    for (int i = 0; i < nmem; i++)
        argv[argc++] = members[i];
    rep = cmn_script_run(&t_r, s, 2, argc, argv, NULL);
    assert_non_null(rep);
    assert_int_equal(rep->type, REDIS_REPLY_INTEGER);
    n = (int)rep->integer;
    freeReplyObject(rep);
    return n;
}

static int
inbox_card(const char *user)
{
    char key[128];

    snprintf(key, sizeof key, CMN_K_INBOX "%s", user);
    return (int)integer("ZCARD %s", key, "");
}

/* ---- online ------------------------------------------------------------- */

static void
test_online_goes_online_once_and_broadcasts_once(void **state)
{
    const char *u = "t-on-once";

    (void)state;
    do_cmd("HSET %s %s %s", CMN_K_TOKENS, u, "j1");
    assert_int_equal(cmn_presence_online(&t_r, u, "j1", 1000, NULL), 1);
    assert_string_equal(hget(CMN_K_ONLINE, u), "j1");
    assert_int_equal(zscore(CMN_K_HB, u), 1000);
    assert_int_equal(online_broadcasts(u), 1);
    assert_int_equal(flush_requests(u), 1);

    /* again: a heartbeat, not a transition */
    assert_int_equal(cmn_presence_online(&t_r, u, "j1", 2500, NULL), 0);
    assert_int_equal(zscore(CMN_K_HB, u), 2500);
    assert_int_equal(online_broadcasts(u), 1);
    assert_int_equal(flush_requests(u), 1);
}

static void
test_online_refuses_a_jti_that_is_not_the_session(void **state)
{
    const char *u = "t-on-stale";

    (void)state;
    /* no session at all */
    assert_int_equal(cmn_presence_online(&t_r, u, "j1", 1000, NULL), -1);
    /* a newer login replaced j1 */
    do_cmd("HSET %s %s %s", CMN_K_TOKENS, u, "j2");
    assert_int_equal(cmn_presence_online(&t_r, u, "j1", 1000, NULL), -1);
    assert_null(hget(CMN_K_ONLINE, u));
    assert_int_equal(zscore(CMN_K_HB, u), -1);
    assert_int_equal(online_broadcasts(u), 0);
    assert_int_equal(flush_requests(u), 0);
}

static void
test_online_of_a_new_session_of_an_online_user_is_no_transition(
    void **state)
{
    const char *u = "t-on-relogin";

    (void)state;
    make_online(u, "j1", 1000);
    do_cmd("HSET %s %s %s", CMN_K_TOKENS, u, "j2");
    assert_int_equal(cmn_presence_online(&t_r, u, "j2", 1500, NULL), 0);
    /* the tracked session is the new one now */
    assert_string_equal(hget(CMN_K_ONLINE, u), "j2");
    assert_int_equal(online_broadcasts(u), 1);
}

static void
test_bind_of_an_online_user_with_waiting_messages_asks_for_a_flush(
    void **state)
{
    const char *u = "t-on-waiting";

    (void)state;
    make_online(u, "j1", 1000);
    assert_int_equal(flush_requests(u), 1);
    /* no messages waiting: a second bind asks nothing */
    assert_int_equal(cmn_presence_online(&t_r, u, "j1", 1100, NULL), 0);
    assert_int_equal(flush_requests(u), 1);
    /* messages kept meanwhile (its gateway died): the rebind flushes */
    do_cmd("HSET %s %s 3", CMN_K_INBOXN, u);
    assert_int_equal(cmn_presence_online(&t_r, u, "j1", 1200, NULL), 0);
    assert_int_equal(flush_requests(u), 2);
    assert_int_equal(online_broadcasts(u), 1);
    do_cmd("HDEL %s %s", CMN_K_INBOXN, u);
}

static void
test_bot_goes_online_without_a_token_and_without_flush(void **state)
{
    const char *bot = "t-on-bot";

    (void)state;
    assert_int_equal(cmn_presence_online(&t_r, bot, "bot", 1000, NULL), 1);
    assert_string_equal(hget(CMN_K_ONLINE, bot), "bot");
    assert_int_equal(online_broadcasts(bot), 1);
    assert_int_equal(flush_requests(bot), 0);
    assert_int_equal(cmn_presence_online(&t_r, bot, "bot", 2000, NULL), 0);
    assert_int_equal(online_broadcasts(bot), 1);
}

static void
test_online_claims_the_settle_entry_exactly_once(void **state)
{
    const char *u = "t-on-settle";
    const char *m = "t-on-settle j1";

    (void)state;
    do_cmd("HSET %s %s %s", CMN_K_TOKENS, u, "j1");
    do_cmd("ZADD %s 5000 %s", CMN_K_SETTLE, m);
    assert_int_equal(cmn_presence_online(&t_r, u, "j1", 5000, m), 1);
    assert_int_equal(zscore(CMN_K_SETTLE, m), -1);
    /* a second replica firing the same timer */
    assert_int_equal(cmn_presence_online(&t_r, u, "j1", 5001, m), -3);
    assert_int_equal(zscore(CMN_K_HB, u), 5000);
    assert_int_equal(online_broadcasts(u), 1);
}

static void
test_online_with_a_cancelled_settle_entry_does_nothing(void **state)
{
    const char *u = "t-on-cancelled";

    (void)state;
    do_cmd("HSET %s %s %s", CMN_K_TOKENS, u, "j1");
    /* the entry was removed (logout during the settle delay) */
    assert_int_equal(cmn_presence_online(&t_r, u, "j1", 1000,
                                         "t-on-cancelled j1"), -3);
    assert_null(hget(CMN_K_ONLINE, u));
    assert_int_equal(online_broadcasts(u), 0);
}

static void
test_online_packet_names_the_user_in_json(void **state)
{
    char pk[256];

    (void)state;
    cmn_packet_presence(pk, sizeof pk, "new_user_online", "Era");
    assert_string_equal(pk, "42[\"new_user_online\",{\"username\":\"Era\"}]");
    cmn_packet_presence(pk, sizeof pk, "user_has_gone_offline", "a\"b");
    assert_string_equal(pk, "42[\"user_has_gone_offline\","
                            "{\"username\":\"a\\\"b\"}]");
    /* cut to the buffer, never past it */
    cmn_packet_presence(pk, 10, "new_user_online", "Era");
    assert_int_equal(strlen(pk), 9);
}

/* ---- offline: expire ---------------------------------------------------- */

static void
test_expire_keeps_a_user_whose_heartbeat_is_newer_than_the_cutoff(
    void **state)
{
    const char *u = "t-exp-fresh";

    (void)state;
    make_online(u, "j1", 1000);
    assert_int_equal(cmn_presence_offline(&t_r, u, CMN_OFFLINE_EXPIRE, NULL,
                                          999), 0);
    assert_string_equal(hget(CMN_K_ONLINE, u), "j1");
    assert_string_equal(hget(CMN_K_TOKENS, u), "j1");
    assert_int_equal(offline_broadcasts(u), 0);
}

static void
test_expire_revokes_the_tracked_session_and_goes_offline_once(void **state)
{
    const char *u = "t-exp-stale";

    (void)state;
    make_online(u, "j1", 1000);
    /* hb == cutoff counts as stale */
    assert_int_equal(cmn_presence_offline(&t_r, u, CMN_OFFLINE_EXPIRE, NULL,
                                          1000), 1);
    assert_null(hget(CMN_K_ONLINE, u));
    assert_null(hget(CMN_K_TOKENS, u));
    assert_int_equal(zscore(CMN_K_HB, u), -1);
    assert_int_equal(revocations(u, "j1"), 1);
    assert_int_equal(offline_broadcasts(u), 1);
    /* the other presence replica found the same user due */
    assert_int_equal(cmn_presence_offline(&t_r, u, CMN_OFFLINE_EXPIRE, NULL,
                                          1000), 0);
    assert_int_equal(offline_broadcasts(u), 1);
    assert_int_equal(revocations(u, "j1"), 1);
}

static void
test_expire_never_revokes_a_newer_login(void **state)
{
    const char *u = "t-exp-newer";

    (void)state;
    make_online(u, "j1", 1000);
    /* the user logged in again; j2 is not online yet */
    do_cmd("HSET %s %s %s", CMN_K_TOKENS, u, "j2");
    assert_int_equal(cmn_presence_offline(&t_r, u, CMN_OFFLINE_EXPIRE, NULL,
                                          2000), 1);
    assert_string_equal(hget(CMN_K_TOKENS, u), "j2");
    assert_int_equal(revocations(u, "j1"), 0);
    assert_int_equal(revocations(u, "j2"), 0);
    assert_null(hget(CMN_K_ONLINE, u));
    assert_int_equal(offline_broadcasts(u), 1);
}

static void
test_expire_of_a_user_who_is_not_online_only_clears_the_heartbeat(
    void **state)
{
    const char *u = "t-exp-notonline";

    (void)state;
    do_cmd("HSET %s %s %s", CMN_K_TOKENS, u, "j1");
    do_cmd("ZADD %s 100 %s", CMN_K_HB, u);
    assert_int_equal(cmn_presence_offline(&t_r, u, CMN_OFFLINE_EXPIRE, NULL,
                                          500), 0);
    assert_int_equal(zscore(CMN_K_HB, u), -1);
    assert_string_equal(hget(CMN_K_TOKENS, u), "j1");
    assert_int_equal(offline_broadcasts(u), 0);
    assert_int_equal(revocations(u, "j1"), 0);
}

/* ---- offline: logout ---------------------------------------------------- */

static void
test_expire_many_applies_the_expire_rules_to_a_chunk(void **state)
{
    const char *old = "t-em-old", *fresh = "t-em-fresh", *relog = "t-em-relog";
    const char *users[] = {old, fresh, relog, "t-em-never"};
    redisReply *gone;

    (void)state;
    make_online(old, "j1", 1000);
    make_online(fresh, "j1", 9000);
    make_online(relog, "j1", 1000);
    do_cmd("HSET %s %s %s", CMN_K_TOKENS, relog, "j2");   /* newer login */
    gone = cmn_presence_expire_many(&t_r, users, 4, 5000);
    assert_non_null(gone);
    assert_int_equal((int)gone->elements, 2);
    assert_string_equal(gone->element[0]->str, old);
    assert_string_equal(gone->element[1]->str, relog);
    freeReplyObject(gone);
    /* old: offline, its session revoked, broadcast once */
    assert_null(hget(CMN_K_ONLINE, old));
    assert_null(hget(CMN_K_TOKENS, old));
    assert_int_equal(offline_broadcasts(old), 1);
    assert_int_equal(revocations(old, "j1"), 1);
    /* fresh: untouched */
    assert_string_equal(hget(CMN_K_ONLINE, fresh), "j1");
    assert_int_equal(offline_broadcasts(fresh), 0);
    /* relog: offline, but the newer login is left alone */
    assert_null(hget(CMN_K_ONLINE, relog));
    assert_string_equal(hget(CMN_K_TOKENS, relog), "j2");
    assert_int_equal(revocations(relog, "j1"), 0);
    /* a second sweep over the same users finds nothing to do */
    gone = cmn_presence_expire_many(&t_r, users, 4, 5000);
    assert_non_null(gone);
    assert_int_equal((int)gone->elements, 0);
    freeReplyObject(gone);
    assert_int_equal(offline_broadcasts(old), 1);
}

static void
test_logout_with_a_stale_jti_is_refused(void **state)
{
    const char *u = "t-out-stale";

    (void)state;
    make_online(u, "j2", 1000);
    assert_int_equal(cmn_presence_offline(&t_r, u, CMN_OFFLINE_LOGOUT, "j1",
                                          0), -1);
    assert_string_equal(hget(CMN_K_ONLINE, u), "j2");
    assert_string_equal(hget(CMN_K_TOKENS, u), "j2");
    assert_int_equal(offline_broadcasts(u), 0);
    /* an empty jti is never anyone's session */
    assert_int_equal(cmn_presence_offline(&t_r, u, CMN_OFFLINE_LOGOUT, "", 0),
                     -1);
    assert_int_equal(cmn_presence_offline(&t_r, u, CMN_OFFLINE_LOGOUT, NULL,
                                          0), -1);
    assert_string_equal(hget(CMN_K_TOKENS, u), "j2");
}

static void
test_logout_of_the_session_revokes_it_and_goes_offline(void **state)
{
    const char *u = "t-out-ok";

    (void)state;
    make_online(u, "j1", 1000);
    do_cmd("ZADD %s 9999 %s", CMN_K_SETTLE, "t-out-ok j1");
    assert_int_equal(cmn_presence_offline(&t_r, u, CMN_OFFLINE_LOGOUT, "j1",
                                          0), 1);
    assert_null(hget(CMN_K_TOKENS, u));
    assert_null(hget(CMN_K_ONLINE, u));
    assert_int_equal(zscore(CMN_K_HB, u), -1);
    /* a pending settle of that session cannot bring it back */
    assert_int_equal(zscore(CMN_K_SETTLE, "t-out-ok j1"), -1);
    assert_int_equal(revocations(u, "j1"), 1);
    assert_int_equal(offline_broadcasts(u), 1);
    /* logging out twice changes nothing more */
    assert_int_equal(cmn_presence_offline(&t_r, u, CMN_OFFLINE_LOGOUT, "j1",
                                          0), -1);
    assert_int_equal(offline_broadcasts(u), 1);
}

static void
test_logout_of_a_session_that_is_not_online_only_revokes(void **state)
{
    const char *u = "t-out-offline";

    (void)state;
    do_cmd("HSET %s %s %s", CMN_K_TOKENS, u, "j1");
    assert_int_equal(cmn_presence_offline(&t_r, u, CMN_OFFLINE_LOGOUT, "j1",
                                          0), 0);
    assert_null(hget(CMN_K_TOKENS, u));
    assert_int_equal(revocations(u, "j1"), 1);
    assert_int_equal(offline_broadcasts(u), 0);
}

static void
test_logout_of_the_online_session_keeps_a_newer_login(void **state)
{
    const char *u = "t-out-newer";

    (void)state;
    make_online(u, "j1", 1000);
    do_cmd("HSET %s %s %s", CMN_K_TOKENS, u, "j2");
    assert_int_equal(cmn_presence_offline(&t_r, u, CMN_OFFLINE_LOGOUT, "j1",
                                          0), 1);
    assert_string_equal(hget(CMN_K_TOKENS, u), "j2");
    assert_int_equal(revocations(u, "j1"), 0);
    assert_int_equal(revocations(u, "j2"), 0);
    assert_int_equal(offline_broadcasts(u), 1);
}

/* ---- offline: kill ------------------------------------------------------ */

static void
test_kill_without_a_session_is_refused(void **state)
{
    const char *u = "t-kill-none";

    (void)state;
    assert_int_equal(cmn_presence_offline(&t_r, u, CMN_OFFLINE_KILL, NULL, 0),
                     -1);
    /* online without a token (e.g. revoked meanwhile): still refused */
    do_cmd("HSET %s %s %s", CMN_K_ONLINE, u, "j1");
    assert_int_equal(cmn_presence_offline(&t_r, u, CMN_OFFLINE_KILL, NULL, 0),
                     -1);
    assert_string_equal(hget(CMN_K_ONLINE, u), "j1");
    assert_int_equal(offline_broadcasts(u), 0);
    do_cmd("HDEL %s %s", CMN_K_ONLINE, u);
}

static void
test_kill_revokes_the_session_and_takes_the_user_offline(void **state)
{
    const char *u = "t-kill-online";

    (void)state;
    make_online(u, "j1", 1000);
    assert_int_equal(cmn_presence_offline(&t_r, u, CMN_OFFLINE_KILL, NULL, 0),
                     1);
    assert_null(hget(CMN_K_TOKENS, u));
    assert_null(hget(CMN_K_ONLINE, u));
    assert_int_equal(revocations(u, "j1"), 1);
    assert_int_equal(offline_broadcasts(u), 1);
    assert_int_equal(cmn_presence_offline(&t_r, u, CMN_OFFLINE_KILL, NULL, 0),
                     -1);
}

static void
test_kill_of_a_user_who_is_not_online_revokes_without_broadcast(void **state)
{
    const char *u = "t-kill-offline";

    (void)state;
    do_cmd("HSET %s %s %s", CMN_K_TOKENS, u, "j7");
    assert_int_equal(cmn_presence_offline(&t_r, u, CMN_OFFLINE_KILL, NULL, 0),
                     0);
    assert_null(hget(CMN_K_TOKENS, u));
    assert_int_equal(revocations(u, "j7"), 1);
    assert_int_equal(offline_broadcasts(u), 0);
}

/* ---- offline: grace ----------------------------------------------------- */

static void
test_grace_is_claimed_once_and_keeps_the_token(void **state)
{
    const char *u = "t-grace-once";

    (void)state;
    make_online(u, "j1", 1000);
    do_cmd("ZADD %s 3000 %s", CMN_K_GRACE, u);
    assert_int_equal(cmn_presence_offline(&t_r, u, CMN_OFFLINE_GRACE, NULL,
                                          0), 1);
    assert_null(hget(CMN_K_ONLINE, u));
    assert_int_equal(zscore(CMN_K_GRACE, u), -1);
    /* the JWT stays valid: the client may reconnect with it */
    assert_string_equal(hget(CMN_K_TOKENS, u), "j1");
    assert_int_equal(revocations(u, "j1"), 0);
    assert_int_equal(offline_broadcasts(u), 1);
    /* another replica firing the same timer */
    assert_int_equal(cmn_presence_offline(&t_r, u, CMN_OFFLINE_GRACE, NULL,
                                          0), -3);
    assert_int_equal(offline_broadcasts(u), 1);
}

static void
test_grace_is_a_no_op_when_a_gateway_bound_the_user_again(void **state)
{
    const char *u = "t-grace-rebound";

    (void)state;
    make_online(u, "j1", 1000);
    do_cmd("ZADD %s 3000 %s", CMN_K_GRACE, u);
    assert_int_equal(loc_add(u, "t-g2"), 1);
    assert_int_equal(cmn_presence_offline(&t_r, u, CMN_OFFLINE_GRACE, NULL,
                                          0), 0);
    assert_string_equal(hget(CMN_K_ONLINE, u), "j1");
    assert_int_equal(zscore(CMN_K_HB, u), 1000);
    assert_int_equal(offline_broadcasts(u), 0);
    /* the timer entry was used up */
    assert_int_equal(zscore(CMN_K_GRACE, u), -1);
    assert_int_equal(loc_del(u, "t-g2"), 0);
}

static void
test_grace_treats_an_empty_location_as_no_gateway(void **state)
{
    const char *u = "t-grace-empty";

    (void)state;
    make_online(u, "j1", 1000);
    do_cmd("ZADD %s 3000 %s", CMN_K_GRACE, u);
    do_cmd("HSET %s %s %s", CMN_K_LOC, u, "");
    assert_int_equal(cmn_presence_offline(&t_r, u, CMN_OFFLINE_GRACE, NULL,
                                          0), 1);
    assert_int_equal(offline_broadcasts(u), 1);
    do_cmd("HDEL %s %s", CMN_K_LOC, u);
}

static void
test_going_offline_any_way_clears_a_pending_grace(void **state)
{
    const char *u = "t-grace-kill";

    (void)state;
    make_online(u, "j1", 1000);
    do_cmd("ZADD %s 3000 %s", CMN_K_GRACE, u);
    assert_int_equal(cmn_presence_offline(&t_r, u, CMN_OFFLINE_KILL, NULL, 0),
                     1);
    assert_int_equal(zscore(CMN_K_GRACE, u), -1);
    assert_int_equal(cmn_presence_offline(&t_r, u, CMN_OFFLINE_GRACE, NULL,
                                          0), -3);
    assert_int_equal(offline_broadcasts(u), 1);
}

/* ---- offline: bots ------------------------------------------------------ */

static void
test_bots_are_told_when_a_user_goes_offline_but_not_about_bots(void **state)
{
    const char *u = "t-bots-user";
    const char *bot = "t-bots-bot";
    char stream[128];

    (void)state;
    snprintf(stream, sizeof stream, CMN_S_BOT_PREFIX "%s", bot);
    do_cmd("SADD %s %s", CMN_K_BOTS, bot);
    /* a bot no bridge serves is not told */
    make_online(u, "j1", 1000);
    assert_int_equal(cmn_presence_offline(&t_r, u, CMN_OFFLINE_KILL, NULL, 0),
                     1);
    assert_int_equal(count_entries(stream, "k", "offline", "u", u), 0);
    /* an online one is */
    assert_int_equal(cmn_presence_online(&t_r, bot, "bot", 1000, NULL), 1);
    make_online(u, "j2", 1000);
    assert_int_equal(cmn_presence_offline(&t_r, u, CMN_OFFLINE_KILL, NULL, 0),
                     1);
    assert_int_equal(count_entries(stream, "k", "offline", "u", u), 1);
    /* the bot itself goes offline (its bridge stopped beating) */
    assert_int_equal(cmn_presence_offline(&t_r, bot, CMN_OFFLINE_EXPIRE, NULL,
                                          2000), 1);
    assert_int_equal(offline_broadcasts(bot), 1);
    assert_int_equal(count_entries(stream, "k", "offline", "u", bot), 0);
    do_cmd("SREM %s %s", CMN_K_BOTS, bot);
}

static void
test_offline_while_redis_is_down_is_reported(void **state)
{
    struct cmn_redis down;

    (void)state;
    cmn_redis_init(&down, "127.0.0.1", 1, "down");
    assert_int_equal(cmn_presence_offline(&down, "x", CMN_OFFLINE_KILL, NULL,
                                          0), -2);
    assert_int_equal(cmn_presence_online(&down, "x", "j", 0, NULL), -2);
    cmn_redis_close(&down);
}

/* ---- locations ---------------------------------------------------------- */

static void
test_loc_add_records_each_gateway_once(void **state)
{
    const char *u = "t-loc-user";

    (void)state;
    assert_int_equal(loc_add(u, "t-g1"), 1);
    assert_int_equal(loc_add(u, "t-g1"), 0);
    assert_string_equal(hget(CMN_K_LOC, u), "t-g1");
    assert_int_equal(integer("SISMEMBER %s %s", CMN_K_GW_USERS "t-g1", u), 1);
    /* a gateway whose id extends another's is a different gateway */
    assert_int_equal(loc_add(u, "t-g10"), 1);
    assert_string_equal(hget(CMN_K_LOC, u), "t-g1 t-g10");
    assert_int_equal(loc_add(u, "t-g1"), 0);
    assert_int_equal(loc_add(u, "t-g"), 1);
    assert_string_equal(hget(CMN_K_LOC, u), "t-g1 t-g10 t-g");
}

static void
test_loc_del_removes_only_that_gateway(void **state)
{
    const char *u = "t-loc-del";

    (void)state;
    loc_add(u, "t-ga");
    loc_add(u, "t-gb");
    loc_add(u, "t-gc");
    assert_int_equal(loc_del(u, "t-gb"), 2);
    assert_string_equal(hget(CMN_K_LOC, u), "t-ga t-gc");
    assert_int_equal(integer("SISMEMBER %s %s", CMN_K_GW_USERS "t-gb", u), 0);
    assert_int_equal(integer("SISMEMBER %s %s", CMN_K_GW_USERS "t-ga", u), 1);
    /* removing one that is not there leaves the rest */
    assert_int_equal(loc_del(u, "t-gb"), 2);
    assert_int_equal(loc_del(u, "t-ga"), 1);
    assert_int_equal(loc_del(u, "t-gc"), 0);
    /* the last one gone: the field is gone */
    assert_null(hget(CMN_K_LOC, u));
    assert_int_equal(loc_del(u, "t-gc"), 0);
    assert_int_equal(loc_del("t-loc-nobody", "t-ga"), 0);
}

/* ---- inbox -------------------------------------------------------------- */

static void
test_inbox_add_accepts_up_to_the_cap(void **state)
{
    static const char *const m[] = {"1-0|a", "2-0|b", "3-0|c", "4-0|d",
                                    "5-0|e"};
    const char *u = "t-inbox-cap";

    (void)state;
    assert_int_equal(inbox_script(&cmn_script_inbox_add, u, "3", 5, m), 3);
    assert_int_equal(inbox_card(u), 3);
    assert_string_equal(hget(CMN_K_INBOXN, u), "3");
    /* the first three were kept, in id order */
    assert_int_equal(zscore(CMN_K_INBOX "t-inbox-cap", "3-0|c"), 0);
    assert_int_equal(zscore(CMN_K_INBOX "t-inbox-cap", "4-0|d"), -1);
}

static void
test_inbox_add_is_idempotent(void **state)
{
    static const char *const m[] = {"1-0|a", "2-0|b"};
    static const char *const again[] = {"2-0|b", "1-0|a", "2-0|b"};
    const char *u = "t-inbox-idem";

    (void)state;
    assert_int_equal(inbox_script(&cmn_script_inbox_add, u, "10", 2, m), 2);
    /* a relay retrying a batch: the same members count as accepted */
    assert_int_equal(inbox_script(&cmn_script_inbox_add, u, "10", 3, again),
                     3);
    assert_int_equal(inbox_card(u), 2);
    assert_string_equal(hget(CMN_K_INBOXN, u), "2");
}

static void
test_inbox_add_at_the_cap_still_accepts_members_it_has(void **state)
{
    static const char *const fill[] = {"1-0|a", "2-0|b"};
    static const char *const more[] = {"2-0|b", "3-0|c", "1-0|a"};
    const char *u = "t-inbox-full";

    (void)state;
    assert_int_equal(inbox_script(&cmn_script_inbox_add, u, "2", 2, fill), 2);
    /* accepted from the front until the first new member hits the cap */
    assert_int_equal(inbox_script(&cmn_script_inbox_add, u, "2", 3, more), 1);
    assert_int_equal(inbox_card(u), 2);
}

static void
test_inbox_add_with_cap_zero_stores_nothing(void **state)
{
    static const char *const m[] = {"1-0|a"};
    const char *u = "t-inbox-zero";

    (void)state;
    assert_int_equal(inbox_script(&cmn_script_inbox_add, u, "0", 1, m), 0);
    assert_int_equal(inbox_card(u), 0);
    assert_null(hget(CMN_K_INBOXN, u));
}

static void
test_inbox_del_updates_the_count_and_clears_it_at_zero(void **state)
{
    static const char *const m[] = {"1-0|a", "2-0|b", "3-0|c"};
    static const char *const del1[] = {"1-0|a", "9-0|absent"};
    static const char *const del2[] = {"2-0|b", "3-0|c"};
    const char *u = "t-inbox-del";

    (void)state;
    inbox_script(&cmn_script_inbox_add, u, "10", 3, m);
    assert_int_equal(inbox_script(&cmn_script_inbox_del, u, NULL, 2, del1), 2);
    assert_string_equal(hget(CMN_K_INBOXN, u), "2");
    /* no members: only the count is refreshed */
    assert_int_equal(inbox_script(&cmn_script_inbox_del, u, NULL, 0, NULL), 2);
    assert_int_equal(inbox_script(&cmn_script_inbox_del, u, NULL, 2, del2), 0);
    assert_null(hget(CMN_K_INBOXN, u));
    assert_int_equal(inbox_card(u), 0);
}

/* ---- setup -------------------------------------------------------------- */

static int
connect_redis(void **state)
{
    const char *port = getenv("TEST_REDIS_PORT");

    (void)state;
    if (port == NULL) {
        fprintf(stderr, "TEST_REDIS_PORT is not set: run under "
                        "tests/with-redis.sh (make unit)\n");
        return -1;
    }
    cmn_redis_init(&t_r, "127.0.0.1", atoi(port), "test");
    return cmn_redis_ctx(&t_r) ? 0 : -1;
}

static int
disconnect_redis(void **state)
{
    (void)state;
    cmn_redis_close(&t_r);
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_online_goes_online_once_and_broadcasts_once),
        cmocka_unit_test(test_online_refuses_a_jti_that_is_not_the_session),
        cmocka_unit_test(
            test_online_of_a_new_session_of_an_online_user_is_no_transition),
        cmocka_unit_test(
            test_bot_goes_online_without_a_token_and_without_flush),
        cmocka_unit_test(
            test_bind_of_an_online_user_with_waiting_messages_asks_for_a_flush),
        cmocka_unit_test(test_online_claims_the_settle_entry_exactly_once),
        cmocka_unit_test(
            test_online_with_a_cancelled_settle_entry_does_nothing),
        cmocka_unit_test(test_online_packet_names_the_user_in_json),
        cmocka_unit_test(
            test_expire_keeps_a_user_whose_heartbeat_is_newer_than_the_cutoff),
        cmocka_unit_test(
            test_expire_revokes_the_tracked_session_and_goes_offline_once),
        cmocka_unit_test(test_expire_never_revokes_a_newer_login),
        cmocka_unit_test(
            test_expire_of_a_user_who_is_not_online_only_clears_the_heartbeat),
        cmocka_unit_test(test_expire_many_applies_the_expire_rules_to_a_chunk),
        cmocka_unit_test(test_logout_with_a_stale_jti_is_refused),
        cmocka_unit_test(
            test_logout_of_the_session_revokes_it_and_goes_offline),
        cmocka_unit_test(
            test_logout_of_a_session_that_is_not_online_only_revokes),
        cmocka_unit_test(test_logout_of_the_online_session_keeps_a_newer_login),
        cmocka_unit_test(test_kill_without_a_session_is_refused),
        cmocka_unit_test(
            test_kill_revokes_the_session_and_takes_the_user_offline),
        cmocka_unit_test(
            test_kill_of_a_user_who_is_not_online_revokes_without_broadcast),
        cmocka_unit_test(test_grace_is_claimed_once_and_keeps_the_token),
        cmocka_unit_test(
            test_grace_is_a_no_op_when_a_gateway_bound_the_user_again),
        cmocka_unit_test(test_grace_treats_an_empty_location_as_no_gateway),
        cmocka_unit_test(test_going_offline_any_way_clears_a_pending_grace),
        cmocka_unit_test(
            test_bots_are_told_when_a_user_goes_offline_but_not_about_bots),
        cmocka_unit_test(test_offline_while_redis_is_down_is_reported),
        cmocka_unit_test(test_loc_add_records_each_gateway_once),
        cmocka_unit_test(test_loc_del_removes_only_that_gateway),
        cmocka_unit_test(test_inbox_add_accepts_up_to_the_cap),
        cmocka_unit_test(test_inbox_add_is_idempotent),
        cmocka_unit_test(
            test_inbox_add_at_the_cap_still_accepts_members_it_has),
        cmocka_unit_test(test_inbox_add_with_cap_zero_stores_nothing),
        cmocka_unit_test(
            test_inbox_del_updates_the_count_and_clears_it_at_zero),
    };

    cmn_log_init("test", CMN_LOG_ERROR);
    cmn_scripts_init();
    return cmocka_run_group_tests(tests, connect_redis, disconnect_redis);
}
