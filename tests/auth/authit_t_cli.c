/* authit_t_cli.c -- every iseecubes-admin command against a real Postgres,
 * Redis and a running auth: add, passwd, disable, enable, list, bulk
 * (fast and normal hashing, rerun, --reset), migrate, usage errors, and
 * Postgres unreachable. Changes must be visible through auth: logins,
 * revoked sessions, the Redis users mirror. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmn/cmn_keys.h"

#include "authit.h"

#define DB "authit_cli"

static struct authit_proc auth;
static int redis_port;
static redisContext *rc;

static int
setup(void **state)
{
    (void)state;
    authit_init();
    if ((redis_port = authit_redis_start(0)) < 0 || authit_db_create(DB) != 0)
        return -1;
    rc = authit_redis(redis_port);
    return authit_auth_start(&auth, DB, redis_port, NULL);
}

static int
teardown(void **state)
{
    int code = authit_auth_stop(&auth);

    (void)state;
    redisFree(rc);
    authit_redis_stop(redis_port);
    authit_cleanup();
    return code == 0 ? 0 : -1;
}

/* Run the tool with Redis, assert its exit code and that its output holds
 * want (if not NULL). */
static void
cli(int code, const char *want, const char *in, const char *const *argv)
{
    char *out = NULL;
    int got = authit_cli(DB, redis_port, in, &out, argv);

    if (got != code || (want && (!out || !strstr(out, want))))
        fprintf(stderr, "iseecubes-admin %s -> %d:\n%s\n", argv[0], got,
                out ? out : "");
    assert_int_equal(got, code);
    if (want != NULL)
        assert_non_null(strstr(out, want));
    free(out);
}

static int
mirror_role_is(const char *name, const char *role)
{
    redisReply *rep = authit_rcmd(rc, "HGET %s %s", CMN_K_USERS, name);
    int ok = role ? (rep->type == REDIS_REPLY_STRING &&
                     strcmp(rep->str, role) == 0)
                  : rep->type == REDIS_REPLY_NIL;

    freeReplyObject(rep);
    return ok;
}

static void
test_add_creates_a_user_auth_accepts(void **state)
{
    static const char *const add[] = {"add", "frank", NULL};
    static const char *const again[] = {"add", "frank", NULL};

    (void)state;
    cli(0, "added user frank (role user)", "frank-secret\n", add);
    assert_true(mirror_role_is("frank", "user"));
    assert_int_equal(authit_login_status(auth.port, "frank", "frank-secret"),
                     200);
    cli(1, "already exists", "frank-secret\n", again);
}

static void
test_add_refuses_bad_input(void **state)
{
    static const char *const bad_name[] = {"add", "a b", NULL};
    static const char *const bad_role[] = {"add", "gina", "--role", "root",
                                           NULL};
    static const char *const short_pw[] = {"add", "gina", NULL};

    (void)state;
    cli(2, "usage", "long-enough\n", bad_name);
    cli(2, "role must be", "long-enough\n", bad_role);
    cli(2, "must be 8 to", "short\n", short_pw);
    cli(2, "must be 8 to", "", short_pw);
    assert_int_equal(authit_db_long(DB, "SELECT count(*) FROM users WHERE "
                                    "name = 'gina'"), 0);
}

static void
test_add_bot_and_admin(void **state)
{
    static const char *const bot[] = {"add", "robo", "--role", "bot", NULL};
    static const char *const adm[] = {"add", "boss", "--role", "admin", NULL};
    struct authit_resp r;

    (void)state;
    cli(0, "added user robo (role bot)", NULL, bot);
    assert_true(mirror_role_is("robo", "bot"));
    assert_int_equal(authit_login_status(auth.port, "robo", ""), 401);
    cli(0, "added user boss (role admin)", "boss-secret\n", adm);
    assert_int_equal(authit_http(&r, "POST", auth.port, "/admin/get_info",
                                 "{\"username\":\"boss\",\"password\":"
                                 "\"boss-secret\"}", (size_t)-1, NULL), 0);
    assert_int_equal(r.status, 200);
    authit_resp_free(&r);
}

static void
test_passwd_changes_the_password(void **state)
{
    static const char *const add[] = {"add", "hank", NULL};
    static const char *const pw[] = {"passwd", "hank", NULL};
    static const char *const nobody[] = {"passwd", "nobody", NULL};
    static const char *const bot[] = {"passwd", "ChatGPT", NULL};

    (void)state;
    char *tok;

    cli(0, NULL, "hank-first\n", add);
    tok = authit_login(auth.port, "hank", "hank-first");
    assert_non_null(tok);
    cli(0, "session of hank revoked", "hank-second\n", pw);
    assert_int_equal(authit_contacts_status(auth.port, "hank", tok), 401);
    free(tok);
    assert_int_equal(authit_login_status(auth.port, "hank", "hank-first"),
                     401);
    assert_int_equal(authit_login_status(auth.port, "hank", "hank-second"),
                     200);
    cli(1, "no user nobody", "whatever-pw\n", nobody);
    cli(1, "bots cannot have a password", "whatever-pw\n", bot);
}

static void
test_disable_ends_the_session_and_enable_restores(void **state)
{
    static const char *const dis[] = {"disable", "Era", NULL};
    static const char *const ena[] = {"enable", "Era", NULL};
    static const char *const nobody[] = {"disable", "nobody", NULL};
    char *tok = authit_login(auth.port, "Era", "Come on");

    (void)state;
    assert_non_null(tok);
    assert_int_equal(authit_contacts_status(auth.port, "Era", tok), 200);
    cli(0, "user Era disabled", NULL, dis);
    assert_int_equal(authit_contacts_status(auth.port, "Era", tok), 401);
    assert_int_equal(authit_login_status(auth.port, "Era", "Come on"), 401);
    assert_true(mirror_role_is("Era", NULL));
    cli(0, "user Era enabled", NULL, ena);
    assert_true(mirror_role_is("Era", "user"));
    assert_int_equal(authit_login_status(auth.port, "Era", "Come on"), 200);
    cli(1, "no user nobody", NULL, nobody);
    free(tok);
}

struct revoked_arg {
    const char *user, *tok;
};

/* The session was revoked (not only refused because the user is disabled
 * in Postgres) and the user left the mirror. */
static int
session_gone(void *arg)
{
    const struct revoked_arg *a = arg;
    redisReply *rep = authit_rcmd(rc, "HEXISTS %s %s", CMN_K_TOKENS,
                                  a->user);
    int revoked = rep->integer == 0;

    freeReplyObject(rep);
    return revoked && mirror_role_is(a->user, NULL) &&
           authit_contacts_status(auth.port, a->user, a->tok) == 401;
}

static void
test_disable_without_redis_is_picked_up_by_auth(void **state)
{
    static const char *const dis[] = {"disable", "Avi", NULL};
    char *tok = authit_login(auth.port, "Avi", "MoreMoreMore"), *out = NULL;
    struct revoked_arg a = {"Avi", tok};

    (void)state;
    assert_non_null(tok);
    /* the tool cannot reach Redis: auth's mirror poll does the rest */
    assert_int_equal(authit_cli(DB, 0, NULL, &out, dis), 0);
    assert_non_null(strstr(out, "REDIS_PORT=0"));
    free(out);
    assert_int_equal(authit_wait(session_gone, &a, 10000), 0);
    free(tok);
}

static void
test_list_shows_every_user(void **state)
{
    static const char *const list[] = {"list", NULL};
    static const char *const extra[] = {"list", "x", NULL};
    char *out = NULL;

    (void)state;
    assert_int_equal(authit_cli(DB, redis_port, NULL, &out, list), 0);
    assert_non_null(strstr(out, "NAME"));
    assert_non_null(strstr(out, "Admin "));
    assert_non_null(strstr(out, "admin "));
    assert_non_null(strstr(out, "ChatGPT "));
    assert_non_null(strstr(out, "Leonid "));
    assert_non_null(strstr(out, "Tsahi "));
    free(out);
    cli(2, "usage", NULL, extra);
}

static int
mirror_size_at_least(void *arg)
{
    redisReply *rep = authit_rcmd(rc, "HLEN %s", CMN_K_USERS);
    int ok = rep->integer >= *(long *)arg;

    freeReplyObject(rep);
    return ok;
}

static void
test_bulk_fast_creates_users_auth_logs_in(void **state)
{
    static const char *const bulk[] = {"bulk", "--count", "3000", "--prefix",
        "load", "--password-prefix", "pw", "--fast-hash", NULL};
    static const char *const reset[] = {"bulk", "--count", "3000",
        "--prefix", "load", "--password-prefix", "other", "--fast-hash",
        "--reset", NULL};
    long want;

    (void)state;
    cli(0, "--fast-hash: argon2id at libsodium's minimum cost", NULL, bulk);
    assert_int_equal(authit_db_long(DB, "SELECT count(*) FROM users WHERE "
                                    "name LIKE 'load%'"), 3000);
    assert_int_equal(authit_db_long(DB, "SELECT count(*) FROM users WHERE "
                                    "name LIKE 'load%' AND pw_hash LIKE "
                                    "'$argon2id$v=19$m=8,t=1,p=1$%'"), 3000);
    want = 3000 + 7;
    assert_int_equal(authit_wait(mirror_size_at_least, &want, 5000), 0);
    assert_int_equal(authit_login_status(auth.port, "load1", "pw1"), 200);
    assert_int_equal(authit_login_status(auth.port, "load3000", "pw3000"),
                     200);
    assert_int_equal(authit_login_status(auth.port, "load3001", "pw3001"),
                     401);
    /* again: nothing new, existing users untouched */
    cli(0, "created 0 users", NULL, bulk);
    assert_int_equal(authit_login_status(auth.port, "load2", "pw2"), 200);
    /* --reset gives them the new passwords */
    cli(0, "created or reset 3000 users", NULL, reset);
    assert_int_equal(authit_login_status(auth.port, "load2", "other2"), 200);
    assert_int_equal(authit_login_status(auth.port, "load5", "pw5"), 401);
}

static void
test_bulk_normal_hash_uses_configured_cost(void **state)
{
    static const char *const bulk[] = {"bulk", "--count", "3", "--prefix",
        "slow", "--password-prefix", "pass", "--start", "10", NULL};

    (void)state;
    cli(0, "created 3 users in slow10..slow12", NULL, bulk);
    assert_int_equal(authit_db_long(DB, "SELECT count(*) FROM users WHERE "
                                    "name IN ('slow10','slow11','slow12') "
                                    "AND pw_hash LIKE "
                                    "'$argon2id$v=19$m=19456,t=2,p=1$%'"), 3);
    assert_int_equal(authit_login_status(auth.port, "slow11", "pass11"), 200);
}

static void
test_bulk_usage_errors(void **state)
{
    static const char *const no_prefix[] = {"bulk", "--count", "3",
        "--password-prefix", "p", NULL};
    static const char *const zero[] = {"bulk", "--count", "0", "--prefix",
        "z", "--password-prefix", "p", NULL};
    static const char *const too_long[] = {"bulk", "--count", "10",
        "--prefix", "abcdefghijklmnopqrstuvwxyz012345", "--password-prefix",
        "p", NULL};
    static const char *const bad_char[] = {"bulk", "--count", "1",
        "--prefix", "a&b", "--password-prefix", "p", NULL};
    static const char *const unknown[] = {"bulk", "--frobnicate", NULL};

    (void)state;
    cli(2, "usage", NULL, no_prefix);
    cli(2, "usage", NULL, zero);
    cli(2, "usage", NULL, too_long);
    cli(2, "usage", NULL, bad_char);
    cli(2, "usage", NULL, unknown);
}

static void
test_migrate_usage_and_unreachable_db(void **state)
{
    static const char *const migrate[] = {"migrate", NULL};
    static const char *const nothing[] = {NULL};
    static const char *const bogus[] = {"frobnicate", NULL};
    static const char *const list[] = {"list", NULL};
    char *out = NULL;

    (void)state;
    cli(0, "schema up to date", NULL, migrate);
    cli(2, "usage: iseecubes-admin", NULL, nothing);
    cli(2, "usage: iseecubes-admin", NULL, bogus);
    setenv("SQL_PORT", "1", 1);
    assert_int_equal(authit_cli(DB, redis_port, NULL, &out, list), 1);
    assert_non_null(strstr(out, "postgres unreachable"));
    free(out);
    setenv("SQL_PORT", getenv("PG_PORT"), 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_creates_a_user_auth_accepts),
        cmocka_unit_test(test_add_refuses_bad_input),
        cmocka_unit_test(test_add_bot_and_admin),
        cmocka_unit_test(test_passwd_changes_the_password),
        cmocka_unit_test(test_disable_ends_the_session_and_enable_restores),
        cmocka_unit_test(test_disable_without_redis_is_picked_up_by_auth),
        cmocka_unit_test(test_list_shows_every_user),
        cmocka_unit_test(test_bulk_fast_creates_users_auth_logs_in),
        cmocka_unit_test(test_bulk_normal_hash_uses_configured_cost),
        cmocka_unit_test(test_bulk_usage_errors),
        cmocka_unit_test(test_migrate_usage_and_unreachable_db),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
