/* test_bots_leonid.c -- the shipped deploy/bots.json on the real stack,
 * without an OpenAI key and with Leonid enabled against a fake Leonid:
 * ChatGPT is offline and answers with a notice; Leonid is online,
 * answers, and gets user_data signed with LEONID_JWT_SECRET carrying the
 * user's name and LEONID_AUTH_TOKEN; a logout sends user_disconnection;
 * Leonid goes offline when its endpoint stops answering and comes back
 * when it answers again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fake_bots.h"
#include "itest_bots.h"

#define SECRET "leonid-test-secret-0123456789abcdef"
#define TOKEN "leonid-auth-token-42"

static struct itest_stack stack;
static struct fake_server *leonid;
static int leonid_port;

static int
setup(void **state)
{
    static char url[128];
    const char *overrides[] = {"LEONID_THE_CHAT_BOT=Enabled", url,
                               "LEONID_JWT_SECRET=" SECRET,
                               "LEONID_AUTH_TOKEN=" TOKEN, NULL};
    char err[256];

    (void)state;
    /* the shipped bots file, and no key whatever the caller's shell has */
    unsetenv("OPENAI_API_KEY");
    unsetenv("BOTS_FILE");
    if ((leonid = fake_start(FAKE_LEONID, 0, err)) == NULL) {
        fprintf(stderr, "fake: %s\n", err);
        return -1;
    }
    leonid_port = fake_port(leonid);
    snprintf(url, sizeof url, "LEONID_URL=http://127.0.0.1:%d", leonid_port);
    if (itest_stack_start(&stack, overrides) != 0)
        return -1;
    if (itb_wait_online(&stack, "Leonid", 1, 10000) != 0) {
        fprintf(stderr, "Leonid never came online\n");
        return -1;
    }
    return 0;
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

static void
test_chatgpt_without_a_key_is_offline_and_answers_with_a_notice(void **state)
{
    struct itb_user u;
    char res[32], got[512];

    (void)state;
    itb_user_new(&stack, "nokey", &u);
    assert_false(itb_listed_online(&stack, &u, "ChatGPT"));
    assert_int_equal(itest_redis_wait(&stack, "0", 100,
                                      "HEXISTS online ChatGPT"), 0);
    itb_ask(&u, "ChatGPT", "anyone there", res, sizeof res, NULL, 0);
    assert_string_equal(res, "error");
    assert_int_equal(itb_answer(&u, "ChatGPT", 5000, got, sizeof got), 0);
    assert_non_null(strstr(got, "not available"));
    itb_user_free(&u);
}

static void
test_leonid_answers_with_signed_user_data(void **state)
{
    struct itb_user u;
    char res[32], got[512], claim[128];
    struct fake_req req;
    json_t *root;
    const char *ud;

    (void)state;
    itb_user_new(&stack, "leo", &u);
    assert_true(itb_listed_online(&stack, &u, "Leonid"));
    itb_ask(&u, "Leonid", "hello Leonid", res, sizeof res, NULL, 0);
    assert_string_equal(res, "delivered");
    assert_int_equal(itb_answer(&u, "Leonid", 5000, got, sizeof got), 0);
    assert_string_equal(got, "Leonid heard: hello Leonid");

    assert_int_equal(fake_wait_find(leonid, "hello Leonid", 5000, &req), 0);
    assert_string_equal(req.path, "/receive_prompt");
    assert_string_equal(req.authorization, "");
    root = json_loads(req.body, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(root,
                                                          "user_prompt")),
                        "hello Leonid");
    ud = json_string_value(json_object_get(root, "user_data"));
    assert_non_null(ud);
    assert_int_equal(fake_jwt_claim(ud, "user_name", claim, sizeof claim), 0);
    assert_string_equal(claim, u.name);
    assert_int_equal(fake_jwt_claim(ud, "user_token", claim, sizeof claim),
                     0);
    assert_string_equal(claim, TOKEN);
    assert_true(itb_jwt_signed_with(ud, SECRET));
    assert_false(itb_jwt_signed_with(ud, "some other secret"));
    json_decref(root);
    fake_req_cleanup(&req);
    itb_user_free(&u);
}

/* Wait for a POST /user_disconnection whose user_data names user. */
static int
wait_disconnection(const char *user, int timeout_ms)
{
    long long deadline = itest_ms() + timeout_ms;
    size_t seen = 0;

    for (;;) {
        struct fake_req req;
        long long left = deadline - itest_ms();

        if (left <= 0 ||
            fake_wait(leonid, "/user_disconnection", seen + 1, (int)left) != 0)
            return -1;
        if (fake_get(leonid, "/user_disconnection", seen++, &req) == 0) {
            json_t *root = json_loads(req.body, 0, NULL);
            const char *ud = json_string_value(json_object_get(root,
                                                               "user_data"));
            char name[128];
            int match = ud != NULL &&
                        fake_jwt_claim(ud, "user_name", name,
                                       sizeof name) == 0 &&
                        strcmp(name, user) == 0 &&
                        itb_jwt_signed_with(ud, SECRET);

            json_decref(root);
            fake_req_cleanup(&req);
            if (match)
                return 0;
        }
    }
}

static void
test_logout_sends_user_disconnection(void **state)
{
    struct itb_user u;

    (void)state;
    itb_user_new(&stack, "bye", &u);
    itb_logout(&u);
    assert_int_equal(wait_disconnection(u.name, 5000), 0);
    itb_user_free(&u);
}

static void
test_leonid_follows_its_endpoint_down_and_up(void **state)
{
    struct itb_user u;
    struct sioc_event ev;
    char res[32], got[512], err[256];

    (void)state;
    itb_user_new(&stack, "watch", &u);
    fake_stop(leonid);
    leonid = NULL;
    /* the prober (every 5 s in deploy/bots.json) notices */
    assert_int_equal(itb_wait_event(&u, "user_has_gone_offline", "username",
                                    "Leonid", 10000, &ev), 0);
    sioc_event_cleanup(&ev);
    assert_false(itb_listed_online(&stack, &u, "Leonid"));
    itb_ask(&u, "Leonid", "are you there", res, sizeof res, NULL, 0);
    assert_string_equal(res, "error");
    assert_int_equal(itb_answer(&u, "Leonid", 5000, got, sizeof got), 0);
    assert_non_null(strstr(got, "not available"));

    leonid = fake_start(FAKE_LEONID, leonid_port, err);
    assert_non_null(leonid);
    assert_int_equal(itb_wait_event(&u, "new_user_online", "username",
                                    "Leonid", 10000, &ev), 0);
    sioc_event_cleanup(&ev);
    itb_ask(&u, "Leonid", "welcome back", res, sizeof res, NULL, 0);
    assert_string_equal(res, "delivered");
    assert_int_equal(itb_answer(&u, "Leonid", 5000, got, sizeof got), 0);
    assert_string_equal(got, "Leonid heard: welcome back");
    itb_user_free(&u);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            test_chatgpt_without_a_key_is_offline_and_answers_with_a_notice),
        cmocka_unit_test(test_leonid_answers_with_signed_user_data),
        cmocka_unit_test(test_logout_sends_user_disconnection),
        cmocka_unit_test(test_leonid_follows_its_endpoint_down_and_up),
    };

    return cmocka_run_group_tests_name("bots_leonid", tests, setup,
                                       teardown);
}
