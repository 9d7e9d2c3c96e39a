/* test_bots_expiry.c -- the bots' presence with short heartbeats
 * (KEEP_ALIVE_DELAY_BETWEEN_EVENTS=2): a user who stops sending
 * connection_alive expires and Leonid gets user_disconnection; a bridge
 * stopped with SIGTERM takes its bots offline at once; a bridge killed
 * with SIGKILL goes offline by itself (heartbeat expiry), and the
 * message it was answering is taken over and answered by the next
 * bridge. Fake Leonid on loopback; the shipped deploy/bots.json. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fake_bots.h"
#include "itest_bots.h"

static struct itest_stack stack;
static struct fake_server *leonid;

static int
setup(void **state)
{
    static char url[128];
    const char *overrides[] = {"LEONID_THE_CHAT_BOT=Enabled", url,
                               "KEEP_ALIVE_DELAY_BETWEEN_EVENTS=2",
                               "CONNECTIONS_VERIFICATION_INTERVAL=1",
                               "AIB_HEARTBEAT_MS=400",
                               "AIB_CLAIM_IDLE_MS=2000",
                               "AIB_STOP_GRACE_MS=500", NULL};
    char err[256];

    (void)state;
    unsetenv("OPENAI_API_KEY");
    unsetenv("BOTS_FILE");
    if ((leonid = fake_start(FAKE_LEONID, 0, err)) == NULL) {
        fprintf(stderr, "fake: %s\n", err);
        return -1;
    }
    snprintf(url, sizeof url, "LEONID_URL=http://127.0.0.1:%d",
             fake_port(leonid));
    if (itest_stack_start(&stack, overrides) != 0)
        return -1;
    return itb_wait_online(&stack, "Leonid", 1, 10000);
}

static int
teardown(void **state)
{
    int rc;

    (void)state;
    /* -1 when a service logged a sanitizer report (SAN=1) */
    rc = itest_stack_stop(&stack);
    fake_stop(leonid);
    return rc;
}

/* The pid in the stack's run/ai-bridge.pid, or 0. */
static long
bridge_pid(void)
{
    char path[320];
    long pid = 0;
    FILE *f;

    snprintf(path, sizeof path, "%s/run/ai-bridge.pid", stack.dir);
    if ((f = fopen(path, "r")) != NULL) {
        if (fscanf(f, "%ld", &pid) != 1)
            pid = 0;
        fclose(f);
    }
    return pid;
}

/* Wait until process pid has exited (gone or a zombie). 0 or -1. */
static int
wait_exited(long pid, int timeout_ms)
{
    long long deadline = itest_ms() + timeout_ms;

    while (itest_ms() < deadline) {
        char path[64], st[256] = "";
        FILE *f;

        snprintf(path, sizeof path, "/proc/%ld/stat", pid);
        if ((f = fopen(path, "r")) == NULL)
            return 0;
        if (fgets(st, sizeof st, f) == NULL)
            st[0] = '\0';
        fclose(f);
        if (strstr(st, ") Z ") != NULL)
            return 0;
        usleep(20 * 1000);
    }
    return -1;
}

/* Start the bridge again as stack.sh did (same log, pid file, port). */
static void
restart_bridge(void)
{
    char cwd[512];

    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(itest_sh(&stack, "cd %s && (AIB_HEALTH_PORT="
                              "$AIB_HEALTH_PORT exec $BUILD/bin/ai-bridge "
                              ">>$STACK_DIR/logs/ai-bridge.log 2>&1 & "
                              "echo $! >$STACK_DIR/run/ai-bridge.pid)", cwd),
                     0);
}

/* Wait for a POST /user_disconnection naming user. */
static int
wait_disconnection(const char *user, int timeout_ms)
{
    long long deadline = itest_ms() + timeout_ms;
    size_t seen = 0;

    for (;;) {
        long long left = deadline - itest_ms();
        struct fake_req req;
        char name[128];
        int match = 0;

        if (left <= 0 || fake_wait(leonid, "/user_disconnection", seen + 1,
                                   (int)left) != 0)
            return -1;
        if (fake_get(leonid, "/user_disconnection", seen++, &req) == 0) {
            char *ud = strstr(req.body, "\"user_data\":\"");

            if (ud != NULL) {
                ud += strlen("\"user_data\":\"");
                *strchr(ud, '"') = '\0';
                match = fake_jwt_claim(ud, "user_name", name,
                                       sizeof name) == 0 &&
                        strcmp(name, user) == 0;
            }
            fake_req_cleanup(&req);
            if (match)
                return 0;
        }
    }
}

static void
test_expiry_sends_user_disconnection(void **state)
{
    struct itb_user u;

    (void)state;
    itb_user_new(&stack, "idle", &u);
    /* no connection_alive: offline after 2-3 s, Leonid is told */
    assert_int_equal(wait_disconnection(u.name, 10000), 0);
    assert_int_equal(itest_redis_wait(&stack, "0", 100, "HEXISTS online %s",
                                      u.name), 0);
    /* the bot itself, beating every 400 ms, stayed online */
    assert_int_equal(itb_wait_online(&stack, "Leonid", 1, 100), 0);
    itb_user_free(&u);
}

static void
test_sigterm_takes_the_bots_offline_at_once(void **state)
{
    struct itb_user u;
    struct sioc_event ev;
    long pid = bridge_pid();
    long long t0;

    (void)state;
    assert_true(pid > 0);
    itb_user_new(&stack, "term", &u);
    t0 = itest_ms();
    assert_int_equal(kill((pid_t)pid, SIGTERM), 0);
    assert_int_equal(itb_wait_event(&u, "user_has_gone_offline", "username",
                                    "Leonid", 5000, &ev), 0);
    sioc_event_cleanup(&ev);
    /* a bye, not the heartbeat expiry (which needs more than 2 s) */
    assert_true(itest_ms() - t0 < 1500);
    assert_int_equal(wait_exited(pid, 5000), 0);
    assert_true(itb_log_count(&stack, "ai-bridge[") > 0);
    assert_true(itb_log_count(&stack, "main: stopped") > 0);

    restart_bridge();
    assert_int_equal(itb_wait_event(&u, "new_user_online", "username",
                                    "Leonid", 10000, &ev), 0);
    sioc_event_cleanup(&ev);
    itb_user_free(&u);
}

static void
test_killed_bridge_goes_offline_and_its_message_is_taken_over(void **state)
{
    struct itb_user u;
    struct sioc_event ev;
    char res[32], got[512];
    size_t before = fake_arrived(leonid);

    (void)state;
    itb_user_new(&stack, "kill", &u);
    itb_ask(&u, "Leonid", "pending work [delay=1500]", res, sizeof res, NULL,
            0);
    assert_string_equal(res, "delivered");
    /* the bridge has it in hand: Leonid is thinking */
    assert_int_equal(fake_wait_arrived(leonid, before + 1, 5000), 0);
    assert_int_equal(itest_kill(&stack, "ai-bridge", SIGKILL), 0);
    /* nobody says bye: presence's heartbeat expiry does */
    assert_int_equal(itb_wait_event(&u, "user_has_gone_offline", "username",
                                    "Leonid", 8000, &ev), 0);
    sioc_event_cleanup(&ev);

    restart_bridge();
    /* the new bridge takes the entry over once idle (AIB_CLAIM_IDLE_MS) */
    assert_int_equal(itb_answer(&u, "Leonid", 15000, got, sizeof got), 0);
    assert_string_equal(got, "Leonid heard: pending work [delay=1500]");
    assert_true(itb_log_count(&stack, "taken over") > 0);
    itb_user_free(&u);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expiry_sends_user_disconnection),
        cmocka_unit_test(test_sigterm_takes_the_bots_offline_at_once),
        cmocka_unit_test(
            test_killed_bridge_goes_offline_and_its_message_is_taken_over),
    };

    return cmocka_run_group_tests_name("bots_expiry", tests, setup,
                                       teardown);
}
