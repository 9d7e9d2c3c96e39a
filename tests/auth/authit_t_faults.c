/* authit_t_faults.c -- auth while its stores fail: Postgres stopped and
 * restarted under a running auth (503, then recovery by itself), Redis
 * stopped and restarted empty (503, then the users mirror rebuilt),
 * Postgres missing at start (auth waits for it, or gives up cleanly), and
 * a graceful SIGTERM. Each test waits on conditions, never on sleeps. */
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

#define DB "authit_faults"

static struct authit_proc auth;
static int redis_port;

static int
setup(void **state)
{
    (void)state;
    authit_init();
    if ((redis_port = authit_redis_start(0)) < 0 || authit_db_create(DB) != 0)
        return -1;
    return authit_auth_start(&auth, DB, redis_port, NULL);
}

static int
teardown(void **state)
{
    int code = authit_auth_stop(&auth);

    (void)state;
    authit_redis_stop(redis_port);
    authit_cleanup();
    return code == 0 ? 0 : -1;
}

static int
login_ok(void *arg)
{
    return authit_login_status(*(int *)arg, "Era", "Come on") == 200;
}

static long
healthz(int port, char *reason, size_t cap)
{
    struct authit_resp r;
    long st;

    authit_http(&r, "GET", port, "/healthz", NULL, 0, NULL);
    st = r.status;
    if (reason != NULL)
        snprintf(reason, cap, "%s", authit_jstr(&r, "reason")
                                    ? authit_jstr(&r, "reason") : "");
    authit_resp_free(&r);
    return st;
}

static int
healthy(void *arg)
{
    return healthz(*(int *)arg, NULL, 0) == 200;
}

static void
assert_503_error(int port, const char *method, const char *path,
                 const char *body, const char *const *hdrs)
{
    struct authit_resp r;

    assert_int_equal(authit_http(&r, method, port, path, body,
                                 body ? (size_t)-1 : 0, hdrs), 0);
    if (r.status != 503)
        fprintf(stderr, "%s %s: %ld %s\n", method, path, r.status, r.body);
    assert_int_equal(r.status, 503);
    assert_non_null(authit_jstr(&r, "error"));
    authit_resp_free(&r);
}

static void
test_postgres_down_is_503_and_recovers(void **state)
{
    char *tok = authit_login(auth.port, "Lisa", "TestMe"), h1[] =
        "username: Lisa", h2[1100], why[64];
    const char *hdrs[] = {h1, h2, NULL};
    char *admin = authit_login(auth.port, "Admin", "AdminPassword");
    char ah[1100];
    const char *admin_hdrs[] = {ah, NULL};

    (void)state;
    assert_non_null(tok);
    assert_non_null(admin);
    snprintf(h2, sizeof h2, "jwt: %s", tok);
    snprintf(ah, sizeof ah, "Authorization: Bearer %s", admin);
    assert_int_equal(authit_pg_stop(), 0);
    assert_503_error(auth.port, "POST", "/log_in",
                     "{\"username\":\"Era\",\"password\":\"Come on\"}", NULL);
    assert_503_error(auth.port, "GET", "/get_contacts_list/Lisa", NULL, hdrs);
    assert_503_error(auth.port, "POST", "/admin/get_info",
                     "{\"username\":\"Admin\",\"password\":\"AdminPassword\"}",
                     NULL);
    assert_int_equal(healthz(auth.health_port, why, sizeof why), 503);
    assert_string_equal(why, "postgres down");
    /* the token check needs only Redis: logout still works */
    assert_int_equal(authit_pg_start(), 0);
    /* /healthz notices the recovery by itself, before any request */
    assert_int_equal(authit_wait(healthy, &auth.health_port, 20000), 0);
    assert_int_equal(authit_wait(login_ok, &auth.port, 20000), 0);
    assert_int_equal(authit_contacts_status(auth.port, "Lisa", tok), 200);
    /* writes too: no request fails after the restart */
    for (int i = 0; i < 12; i++) {
        char body[128];
        struct authit_resp r;

        snprintf(body, sizeof body, "{\"username\":\"after%d\","
                 "\"password\":\"after-restart\"}", i);
        assert_int_equal(authit_http(&r, "POST", auth.port, "/api/v1/users",
                                     body, (size_t)-1, admin_hdrs), 0);
        if (r.status != 201)
            fprintf(stderr, "create after%d: %ld %s\n", i, r.status, r.body);
        assert_int_equal(r.status, 201);
        authit_resp_free(&r);
    }
    assert_true(authit_log_count(&auth, "connection lost") +
                authit_log_count(&auth, "cannot connect") >= 1);
    assert_true(authit_log_count(&auth, "connected again") >= 1);
    free(admin);
    free(tok);
}

static int
mirror_back(void *arg)
{
    redisContext *c = redisConnect("127.0.0.1", *(int *)arg);
    redisReply *a = c && !c->err ? redisCommand(c, "HLEN %s", CMN_K_USERS)
                                 : NULL;
    redisReply *b = a ? redisCommand(c, "EXISTS %s", CMN_K_USERS_VER) : NULL;
    int ok = a && b && b->integer == 1 &&
             a->integer == authit_db_long(DB, "SELECT count(*) FROM users "
                                          "WHERE status = 'enabled'");

    freeReplyObject(a);
    freeReplyObject(b);
    redisFree(c);
    return ok;
}

static void
test_redis_down_is_503_and_recovers_with_mirror(void **state)
{
    char *tok = authit_login(auth.port, "Avi", "MoreMoreMore"), h[1100];
    const char *hdrs[] = {h, NULL};
    char why[64];

    (void)state;
    assert_non_null(tok);
    snprintf(h, sizeof h, "Authorization: Bearer %s", tok);
    authit_redis_stop(redis_port);
    assert_503_error(auth.port, "POST", "/log_in",
                     "{\"username\":\"Era\",\"password\":\"Come on\"}", NULL);
    assert_503_error(auth.port, "GET", "/get_contacts_list/Avi", NULL, hdrs);
    assert_503_error(auth.port, "POST", "/api/v1/logout", NULL, hdrs);
    assert_int_equal(healthz(auth.health_port, why, sizeof why), 503);
    assert_string_equal(why, "redis down");
    /* back, but empty: sessions are gone, the mirror is rebuilt */
    assert_int_equal(authit_redis_start(redis_port), redis_port);
    assert_int_equal(authit_wait(login_ok, &auth.port, 20000), 0);
    assert_int_equal(authit_wait(mirror_back, &redis_port, 20000), 0);
    /* every worker thread replaces its dead connection before using it:
     * the session is gone (401), and no request fails on a stale socket */
    for (int i = 0; i < 12; i++)
        assert_int_equal(authit_contacts_status(auth.port, "Avi", tok), 401);
    assert_int_equal(healthz(auth.health_port, NULL, 0), 200);
    free(tok);
}

/* SIGSTOP / SIGCONT the redis-server of port (its pidfile is ours). */
static void
redis_signal(int port, const char *sig)
{
    char cmd[600];

    snprintf(cmd, sizeof cmd, "kill -%s $(cat '%s/redis-%d.pid')", sig,
             authit_tmp(), port);
    assert_int_equal(system(cmd), 0);
}

/* Whatever happened in the test, the shared Redis runs again after it. */
static int
redis_resume(void **state)
{
    char cmd[600];

    (void)state;
    snprintf(cmd, sizeof cmd, "kill -CONT $(cat '%s/redis-%d.pid')",
             authit_tmp(), redis_port);
    return system(cmd) == 0 ? 0 : -1;
}

static void
test_hung_redis_fails_requests_not_threads(void **state)
{
    static const char *const extra[] = {"AUTH_REDIS_TIMEOUT_MS=300",
                                        "AUTH_THREADS=1", NULL};
    struct authit_proc p;
    long long t0;

    (void)state;
    /* one worker thread, whose Redis connection is made by this login */
    assert_int_equal(authit_auth_start(&p, DB, redis_port, extra), 0);
    assert_int_equal(authit_login_status(p.port, "Era", "Come on"), 200);
    redis_signal(redis_port, "STOP");
    t0 = authit_now_ms();
    assert_503_error(p.port, "POST", "/log_in",
                     "{\"username\":\"Era\",\"password\":\"Come on\"}", NULL);
    /* answered after about the timeout, not never */
    assert_true(authit_now_ms() - t0 < 5000);
    redis_signal(redis_port, "CONT");
    assert_int_equal(authit_wait(login_ok, &p.port, 20000), 0);
    assert_int_equal(authit_auth_stop(&p), 0);
}

static void
test_auth_waits_for_postgres_at_start(void **state)
{
    static const char *const extra[] = {"AUTH_DB_WAIT_S=60", NULL};
    struct authit_proc late;

    (void)state;
    assert_int_equal(authit_pg_stop(), 0);
    assert_int_equal(authit_auth_spawn(&late, DB, redis_port, extra), 0);
    /* it is waiting, not listening and not gone */
    assert_int_equal(authit_auth_ready(&late, 1500), -1);
    assert_int_equal(late.exited, 0);
    assert_int_equal(authit_pg_start(), 0);
    assert_int_equal(authit_auth_ready(&late, 30000), 0);
    assert_int_equal(authit_login_status(late.port, "Era", "Come on"), 200);
    assert_int_equal(authit_auth_stop(&late), 0);
}

static void
test_auth_gives_up_without_postgres(void **state)
{
    static const char *const extra[] = {"AUTH_DB_WAIT_S=1", "SQL_PORT=1",
                                        NULL};
    struct authit_proc p;

    (void)state;
    assert_int_equal(authit_auth_spawn(&p, DB, redis_port, extra), 0);
    assert_int_equal(authit_auth_wait(&p, 20000), 1);
    assert_int_equal(authit_log_count(&p, "database not ready"), 1);
    assert_int_equal(authit_log_count(&p, "cannot connect to 127.0.0.1:1/"),
                     1);
}

static void
test_sigterm_stops_cleanly_and_logs_it(void **state)
{
    struct authit_proc p;

    (void)state;
    assert_int_equal(authit_auth_start(&p, DB, redis_port, NULL), 0);
    assert_int_equal(authit_login_status(p.port, "Era", "Come on"), 200);
    assert_int_equal(authit_auth_stop(&p), 0);
    assert_int_equal(authit_log_count(&p, "stopping (signal 15)"), 1);
    assert_int_equal(authit_log_count(&p, "main: stopped"), 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_postgres_down_is_503_and_recovers),
        cmocka_unit_test(test_redis_down_is_503_and_recovers_with_mirror),
        cmocka_unit_test_teardown(test_hung_redis_fails_requests_not_threads,
                                  redis_resume),
        cmocka_unit_test(test_auth_waits_for_postgres_at_start),
        cmocka_unit_test(test_auth_gives_up_without_postgres),
        cmocka_unit_test(test_sigterm_stops_cleanly_and_logs_it),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
