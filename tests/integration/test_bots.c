/* test_bots.c -- ChatGPT and a webhook bot on the real stack, against
 * fake back ends on loopback (tests/fakes): the request carries the key,
 * the model and the conversation; answers reach the asking user only;
 * ten users at once against a bot that takes a second each are answered
 * in about a second; timeouts, 500s, malformed answers and a server that
 * is not there give the bot's notice, a 429 is retried; a webhook bot added by configuration alone
 * (plus its bot user) works; Leonid, disabled, is offline; two bridges
 * share a bot without answering twice, and one leaving keeps the bot
 * online; the key never reaches a log. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "fake_bots.h"
#include "itest_bots.h"

#define KEY "sk-test-9f8e7d6c5b4a-do-not-log"
#define HOOK_KEY "hooky-secret-31337"

static struct itest_stack stack;
static struct fake_server *openai, *hook;
static char bots_path[256];
static long bridge2_pid;         /* a second bridge some tests start */

static int
setup(void **state)
{
    static char base[128], file[300], keyvar[] = "OPENAI_API_KEY=" KEY;
    static char hookvar[] = "HOOKY_TOKEN=" HOOK_KEY;
    const char *overrides[] = {keyvar, base, "OPENAI_MODEL=fake-model-1",
                               file, "LEONID_THE_CHAT_BOT=Disabled", hookvar,
                               NULL};
    char err[256], json[2048];

    (void)state;
    if ((openai = fake_start(FAKE_OPENAI, 0, err)) == NULL ||
        (hook = fake_start(FAKE_WEBHOOK, 0, err)) == NULL) {
        fprintf(stderr, "fake: %s\n", err);
        return -1;
    }
    snprintf(json, sizeof json,
             "{\"bots\": ["
             "{\"name\": \"ChatGPT\", \"kind\": \"openai\","
             " \"endpoint\": \"https://api.openai.com/v1\","
             " \"endpoint_env\": \"OPENAI_BASE_URL\", \"model\": \"gpt-x\","
             " \"model_env\": \"OPENAI_MODEL\","
             " \"key_env\": \"OPENAI_API_KEY\","
             " \"system_prompt\": \"You are a test bot.\","
             " \"context_turns\": 2, \"timeout_ms\": 1500, \"retries\": 2,"
             " \"backoff_ms\": 100, \"backoff_max_ms\": 2000,"
             " \"concurrency\": 16},"
             "{\"name\": \"Leonid\", \"kind\": \"leonid\","
             " \"endpoint\": \"http://127.0.0.1:1\","
             " \"enabled_env\": \"LEONID_THE_CHAT_BOT\"},"
             "{\"name\": \"Deadbot\", \"kind\": \"openai\","
             " \"endpoint\": \"http://127.0.0.1:1/v1\", \"model\": \"m\","
             " \"retries\": 1, \"backoff_ms\": 50},"
             "{\"name\": \"Hooky\", \"kind\": \"webhook\","
             " \"endpoint\": \"http://127.0.0.1:%d/hook\","
             " \"key_env\": \"HOOKY_TOKEN\", \"timeout_ms\": 3000}"
             "]}", fake_port(hook));
    itb_write_file(json, bots_path, sizeof bots_path);
    snprintf(base, sizeof base, "OPENAI_BASE_URL=http://127.0.0.1:%d/v1",
             fake_port(openai));
    snprintf(file, sizeof file, "BOTS_FILE=%s", bots_path);
    if (itest_stack_start(&stack, overrides) != 0)
        return -1;
    if (itb_wait_online(&stack, "ChatGPT", 1, 10000) != 0) {
        fprintf(stderr, "ChatGPT never came online\n");
        return -1;
    }
    return 0;
}

static int
teardown(void **state)
{
    int rc;

    (void)state;
    if (bridge2_pid > 0)         /* stack.sh knows only its own bridge */
        kill((pid_t)bridge2_pid, SIGKILL);
    /* -1 when a service logged a sanitizer report (SAN=1) */
    rc = itest_stack_stop(&stack);
    fake_stop(openai);
    fake_stop(hook);
    unlink(bots_path);
    return rc;
}

static void
test_chatgpt_is_online_with_a_key_and_disabled_leonid_is_not(void **state)
{
    struct itb_user u;

    (void)state;
    itb_user_new(&stack, "bon", &u);
    assert_true(itb_listed_online(&stack, &u, "ChatGPT"));
    assert_false(itb_listed_online(&stack, &u, "Leonid"));
    itb_user_free(&u);
}

/* The messages array of the recorded request whose body has needle. */
static json_t *
recorded_messages(const char *needle, struct fake_req *req)
{
    json_t *root;

    assert_int_equal(fake_wait_find(openai, needle, 5000, req), 0);
    root = json_loads(req->body, 0, NULL);
    assert_non_null(root);
    return root;
}

static void
assert_message(json_t *msgs, size_t i, const char *role, const char *content)
{
    json_t *m = json_array_get(msgs, i);

    assert_non_null(m);
    assert_string_equal(json_string_value(json_object_get(m, "role")), role);
    assert_string_equal(json_string_value(json_object_get(m, "content")),
                        content);
}

static void
test_request_carries_key_model_and_conversation(void **state)
{
    struct itb_user u;
    char res[32], got[512], q[64];
    struct fake_req req;
    json_t *root, *msgs;

    (void)state;
    itb_user_new(&stack, "ctx", &u);
    itb_ask(&u, "ChatGPT", "first question", res, sizeof res, NULL, 0);
    assert_string_equal(res, "delivered");
    assert_int_equal(itb_answer(&u, "ChatGPT", 5000, got, sizeof got), 0);
    assert_string_equal(got, "You said: first question");
    itb_ask(&u, "ChatGPT", "second question", res, sizeof res, NULL, 0);
    assert_int_equal(itb_answer(&u, "ChatGPT", 5000, got, sizeof got), 0);
    assert_string_equal(got, "You said: second question");

    root = recorded_messages("second question", &req);
    assert_string_equal(req.path, "/v1/chat/completions");
    assert_string_equal(req.authorization, "Bearer " KEY);
    assert_string_equal(json_string_value(json_object_get(root, "model")),
                        "fake-model-1");
    msgs = json_object_get(root, "messages");
    assert_int_equal(json_array_size(msgs), 4);
    assert_message(msgs, 0, "system", "You are a test bot.");
    assert_message(msgs, 1, "user", "first question");
    assert_message(msgs, 2, "assistant", "You said: first question");
    assert_message(msgs, 3, "user", "second question");
    json_decref(root);
    fake_req_cleanup(&req);

    /* the context is bounded: two turns (context_turns) and the new one */
    for (int i = 3; i <= 5; i++) {
        snprintf(q, sizeof q, "question %d", i);
        itb_ask(&u, "ChatGPT", q, res, sizeof res, NULL, 0);
        assert_int_equal(itb_answer(&u, "ChatGPT", 5000, got, sizeof got), 0);
    }
    root = recorded_messages("question 5", &req);
    msgs = json_object_get(root, "messages");
    assert_int_equal(json_array_size(msgs), 6);
    assert_message(msgs, 1, "user", "question 3");
    assert_message(msgs, 4, "assistant", "You said: question 4");
    assert_message(msgs, 5, "user", "question 5");
    json_decref(root);
    fake_req_cleanup(&req);
    itb_user_free(&u);
}

static void
test_answer_reaches_the_asking_user_only(void **state)
{
    struct itb_user a, b;
    char res[32], got[512];

    (void)state;
    itb_user_new(&stack, "asker", &a);
    itb_user_new(&stack, "other", &b);
    itb_ask(&a, "ChatGPT", "just for a", res, sizeof res, NULL, 0);
    assert_int_equal(itb_answer(&a, "ChatGPT", 5000, got, sizeof got), 0);
    assert_string_equal(got, "You said: just for a");
    assert_int_equal(sioc_expect_no_event(b.c, "ai_response_received", 500),
                     0);
    itb_user_free(&a);
    itb_user_free(&b);
}

static void
test_ten_users_at_once_against_a_slow_bot_take_one_second(void **state)
{
    struct itb_user u[10];
    char res[32], got[512], q[64], want[96];
    long long t0, elapsed;

    (void)state;
    for (int i = 0; i < 10; i++)
        itb_user_new(&stack, "ten", &u[i]);
    t0 = itest_ms();
    for (int i = 0; i < 10; i++) {
        snprintf(q, sizeof q, "slow %d [delay=1000]", i);
        itb_ask(&u[i], "ChatGPT", q, res, sizeof res, NULL, 0);
        assert_string_equal(res, "delivered");
    }
    for (int i = 0; i < 10; i++) {
        snprintf(want, sizeof want, "You said: slow %d [delay=1000]", i);
        assert_int_equal(itb_answer(&u[i], "ChatGPT", 10000, got, sizeof got),
                         0);
        assert_string_equal(got, want);
    }
    elapsed = itest_ms() - t0;
    fprintf(stderr, "ten slow answers took %lld ms\n", elapsed);
    assert_true(elapsed >= 1000);
    assert_true(elapsed < 5000);
    for (int i = 0; i < 10; i++)
        itb_user_free(&u[i]);
}

static void
test_one_users_messages_are_answered_in_order(void **state)
{
    struct itb_user u;
    char res[32], got[512], q[64], want[96];

    (void)state;
    itb_user_new(&stack, "order", &u);
    /* the first is the slowest: order must still hold */
    for (int i = 0; i < 3; i++) {
        snprintf(q, sizeof q, "in order %d [delay=%d]", i, 600 - 250 * i);
        itb_ask(&u, "ChatGPT", q, res, sizeof res, NULL, 0);
    }
    for (int i = 0; i < 3; i++) {
        snprintf(want, sizeof want, "You said: in order %d [delay=%d]", i,
                 600 - 250 * i);
        assert_int_equal(itb_answer(&u, "ChatGPT", 5000, got, sizeof got), 0);
        assert_string_equal(got, want);
    }
    itb_user_free(&u);
}

static void
test_timeout_gives_the_notice(void **state)
{
    struct itb_user u;
    char res[32], got[512];
    struct fake_req req;
    long long t0;

    (void)state;
    itb_user_new(&stack, "tmo", &u);
    t0 = itest_ms();
    itb_ask(&u, "ChatGPT", "too slow [delay=4000]", res, sizeof res, NULL, 0);
    assert_int_equal(itb_answer(&u, "ChatGPT", 5000, got, sizeof got), 0);
    assert_non_null(strstr(got, "took too long"));
    /* the bot's timeout (1.5 s), not the fake's 4 s, and not retried */
    assert_true(itest_ms() - t0 < 3500);
    assert_int_equal(fake_wait_find(openai, "too slow", 5000, &req), 0);
    fake_req_cleanup(&req);
    itb_user_free(&u);
}

static void
test_server_errors_give_the_notice_after_bounded_retries(void **state)
{
    struct itb_user u;
    char res[32], got[512];
    size_t n = 0;
    struct fake_req req;

    (void)state;
    itb_user_new(&stack, "e500", &u);
    itb_ask(&u, "ChatGPT", "broken [status=500]", res, sizeof res, NULL, 0);
    assert_int_equal(itb_answer(&u, "ChatGPT", 8000, got, sizeof got), 0);
    assert_non_null(strstr(got, "cannot reach my service"));
    /* one attempt and two retries (retries: 2) */
    for (size_t i = 0; fake_get(openai, NULL, i, &req) == 0; i++) {
        if (strstr(req.body, "broken [status=500]") != NULL)
            n++;
        fake_req_cleanup(&req);
    }
    assert_int_equal(n, 3);
    itb_user_free(&u);
}

static void
test_rate_limit_is_retried_and_answered(void **state)
{
    struct itb_user u;
    char res[32], got[512];

    (void)state;
    itb_user_new(&stack, "r429", &u);
    itb_ask(&u, "ChatGPT", "busy [rate=1]", res, sizeof res, NULL, 0);
    assert_int_equal(itb_answer(&u, "ChatGPT", 8000, got, sizeof got), 0);
    assert_string_equal(got, "You said: busy [rate=1]");
    itb_ask(&u, "ChatGPT", "flaky [fail=1]", res, sizeof res, NULL, 0);
    assert_int_equal(itb_answer(&u, "ChatGPT", 8000, got, sizeof got), 0);
    assert_string_equal(got, "You said: flaky [fail=1]");
    itb_user_free(&u);
}

static void
test_malformed_answer_gives_the_notice(void **state)
{
    struct itb_user u;
    char res[32], got[512];

    (void)state;
    itb_user_new(&stack, "bad", &u);
    itb_ask(&u, "ChatGPT", "odd [malformed]", res, sizeof res, NULL, 0);
    assert_int_equal(itb_answer(&u, "ChatGPT", 5000, got, sizeof got), 0);
    assert_non_null(strstr(got, "could not read"));
    itb_user_free(&u);
}

static void
test_webhook_bot_from_configuration_works_end_to_end(void **state)
{
    struct itb_user u;
    char res[32], got[512], id[64];
    struct fake_req req;
    json_t *root;

    (void)state;
    /* the configuration names Hooky; it also needs its bot user */
    assert_int_equal(itest_sh(&stack, "%s/bin/iseecubes-admin add Hooky "
                              "--role bot >/dev/null",
                              itest_env(&stack, "BUILD")), 0);
    assert_int_equal(itest_redis_wait(&stack, "bot", 5000, "HGET users Hooky"),
                     0);
    itb_user_new(&stack, "hk", &u);
    assert_true(itb_listed_online(&stack, &u, "Hooky"));
    itb_ask(&u, "Hooky", "ping", res, sizeof res, id, sizeof id);
    assert_string_equal(res, "delivered");
    assert_int_equal(itb_answer(&u, "Hooky", 5000, got, sizeof got), 0);
    assert_string_equal(got, "hook: ping");

    assert_int_equal(fake_wait_find(hook, "\"ping\"", 5000, &req), 0);
    assert_string_equal(req.path, "/hook");
    assert_string_equal(req.authorization, "Bearer " HOOK_KEY);
    root = json_loads(req.body, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(root, "bot")),
                        "Hooky");
    assert_string_equal(json_string_value(json_object_get(root, "user")),
                        u.name);
    assert_string_equal(json_string_value(json_object_get(root, "id")), id);
    assert_string_equal(json_string_value(json_object_get(root, "content")),
                        "ping");
    assert_non_null(strstr(json_string_value(json_object_get(root, "room")),
                           "Hooky"));
    json_decref(root);
    fake_req_cleanup(&req);
    itb_user_free(&u);
}

static void
test_unreachable_bot_gives_the_notice(void **state)
{
    struct itb_user u;
    char res[32], got[512];

    (void)state;
    /* an openai bot whose server is not there (and needs no key) */
    assert_int_equal(itest_sh(&stack, "%s/bin/iseecubes-admin add Deadbot "
                              "--role bot >/dev/null",
                              itest_env(&stack, "BUILD")), 0);
    assert_int_equal(itest_redis_wait(&stack, "bot", 5000,
                                      "HGET users Deadbot"), 0);
    itb_user_new(&stack, "dead", &u);
    itb_ask(&u, "Deadbot", "hello", res, sizeof res, NULL, 0);
    assert_string_equal(res, "delivered");
    assert_int_equal(itb_answer(&u, "Deadbot", 5000, got, sizeof got), 0);
    assert_non_null(strstr(got, "cannot reach my service"));
    assert_true(itb_log_count(&stack, "bot=Deadbot") > 0);
    itb_user_free(&u);
}

/* The last user message of a recorded chat completion request. */
static int
last_question(const struct fake_req *req, char *out, size_t cap)
{
    json_t *root = json_loads(req->body, 0, NULL);
    json_t *msgs = json_object_get(root, "messages");
    const char *q = json_string_value(json_object_get(
        json_array_get(msgs, json_array_size(msgs) - 1), "content"));
    int rc = -1;

    if (q != NULL) {
        snprintf(out, cap, "%s", q);
        rc = 0;
    }
    json_decref(root);
    return rc;
}

static void
test_two_bridges_share_a_bot_without_answering_twice(void **state)
{
    struct itb_user u[4];
    struct sioc_event ev;
    char cwd[512], res[32], got[512], q[64], path[320];
    int seen[4][5] = {{0}}, asked = 0;
    struct fake_req req;
    long pid = 0;
    FILE *f;

    (void)state;
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(itest_sh(&stack, "cd %s && (AIB_HEALTH_PORT=0 exec "
                              "$BUILD/bin/ai-bridge >>$STACK_DIR/logs/"
                              "ai-bridge2.log 2>&1 & echo $! >$STACK_DIR/"
                              "ai-bridge2.pid)", cwd), 0);
    snprintf(path, sizeof path, "%s/ai-bridge2.pid", stack.dir);
    assert_non_null(f = fopen(path, "r"));
    assert_int_equal(fscanf(f, "%ld", &pid), 1);
    fclose(f);
    bridge2_pid = pid;
    assert_int_equal(itest_redis_wait(&stack, "2", 10000,
                                      "ZCARD botbridges:ChatGPT"), 0);

    for (int i = 0; i < 4; i++)
        itb_user_new(&stack, "twin", &u[i]);
    for (int m = 0; m < 5; m++)
        for (int i = 0; i < 4; i++) {
            snprintf(q, sizeof q, "twin u%d m%d [delay=50]", i, m);
            itb_ask(&u[i], "ChatGPT", q, res, sizeof res, NULL, 0);
            assert_string_equal(res, "delivered");
        }
    for (int i = 0; i < 4; i++) {
        for (int n = 0; n < 5; n++) {
            int ui, mi;

            assert_int_equal(itb_answer(&u[i], "ChatGPT", 10000, got,
                                        sizeof got), 0);
            assert_int_equal(sscanf(got, "You said: twin u%d m%d", &ui, &mi),
                             2);
            assert_int_equal(ui, i);
            seen[i][mi]++;
        }
        assert_int_equal(sioc_expect_no_event(u[i].c, "ai_response_received",
                                              i == 0 ? 300 : 0), 0);
    }
    for (int i = 0; i < 4; i++)
        for (int m = 0; m < 5; m++)
            assert_int_equal(seen[i][m], 1);
    /* and the bot was asked once per message */
    for (size_t k = 0; fake_get(openai, NULL, k, &req) == 0; k++) {
        if (last_question(&req, q, sizeof q) == 0 &&
            strncmp(q, "twin u", 6) == 0)
            asked++;
        fake_req_cleanup(&req);
    }
    assert_int_equal(asked, 20);

    /* one bridge leaves: the other keeps ChatGPT online, no broadcast */
    assert_int_equal(kill((pid_t)pid, SIGTERM), 0);
    bridge2_pid = 0;
    assert_int_equal(itest_redis_wait(&stack, "1", 10000,
                                      "ZCARD botbridges:ChatGPT"), 0);
    assert_int_not_equal(itest_wait_match(u[0].c, "user_has_gone_offline",
                                          "username", "ChatGPT", 1000, &ev),
                         0);
    assert_int_equal(itb_wait_online(&stack, "ChatGPT", 1, 100), 0);
    assert_true(itb_log_count(&stack, "other bridge(s) keep it online") > 0);
    itb_ask(&u[0], "ChatGPT", "still there", res, sizeof res, NULL, 0);
    assert_int_equal(itb_answer(&u[0], "ChatGPT", 5000, got, sizeof got), 0);
    assert_string_equal(got, "You said: still there");
    for (int i = 0; i < 4; i++)
        itb_user_free(&u[i]);
}

static void
test_the_key_never_reaches_a_log(void **state)
{
    (void)state;
    /* the bridge logged its bots and calls by now */
    assert_true(itb_log_count(&stack, "bot=ChatGPT") > 0);
    assert_int_equal(itb_log_count(&stack, KEY), 0);
    assert_int_equal(itb_log_count(&stack, HOOK_KEY), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            test_chatgpt_is_online_with_a_key_and_disabled_leonid_is_not),
        cmocka_unit_test(test_request_carries_key_model_and_conversation),
        cmocka_unit_test(test_answer_reaches_the_asking_user_only),
        cmocka_unit_test(
            test_ten_users_at_once_against_a_slow_bot_take_one_second),
        cmocka_unit_test(test_one_users_messages_are_answered_in_order),
        cmocka_unit_test(test_timeout_gives_the_notice),
        cmocka_unit_test(
            test_server_errors_give_the_notice_after_bounded_retries),
        cmocka_unit_test(test_rate_limit_is_retried_and_answered),
        cmocka_unit_test(test_malformed_answer_gives_the_notice),
        cmocka_unit_test(test_unreachable_bot_gives_the_notice),
        cmocka_unit_test(test_webhook_bot_from_configuration_works_end_to_end),
        cmocka_unit_test(test_two_bridges_share_a_bot_without_answering_twice),
        cmocka_unit_test(test_the_key_never_reaches_a_log),
    };

    return cmocka_run_group_tests_name("bots", tests, setup, teardown);
}
