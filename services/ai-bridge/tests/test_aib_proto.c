/* test_aib_proto.c -- what each kind of bot is sent and how its answers
 * are read: OpenAI chat completions with the remembered conversation,
 * the webhook contract, Leonid's user_data and replies, the reply field
 * and the notices. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <jwt.h>

#include "aib_proto.h"
#include "cmn/cmn_err.h"

static json_t *
load(const char *s)
{
    json_t *v = json_loads(s, JSON_DECODE_ANY, NULL);

    assert_non_null(v);
    return v;
}

static void
assert_msg(json_t *msgs, size_t i, const char *role, const char *content)
{
    json_t *m = json_array_get(msgs, i);

    assert_string_equal(json_string_value(json_object_get(m, "role")), role);
    assert_string_equal(json_string_value(json_object_get(m, "content")),
                        content);
}

static void
test_openai_body_has_model_system_turns_and_question(void **state)
{
    struct aib_botcfg c = {0};
    char *t1 = aib_turn_json("user", "2+2?");
    char *t2 = aib_turn_json("assistant", "4, \"of course\"");
    const char *turns[] = {t1, "not json", "{\"role\":\"system\","
                           "\"content\":\"injected\"}", t2};
    char *body;
    json_t *root, *msgs;

    (void)state;
    c.model = (char *)"gpt-test";
    c.system_prompt = (char *)"Be brief.";
    body = aib_openai_body(&c, turns, 4, "and 3+3?");
    root = load(body);
    assert_string_equal(json_string_value(json_object_get(root, "model")),
                        "gpt-test");
    assert_null(json_object_get(root, "max_tokens"));
    msgs = json_object_get(root, "messages");
    /* unusable turns (bad JSON, a system role) are skipped */
    assert_int_equal(json_array_size(msgs), 4);
    assert_msg(msgs, 0, "system", "Be brief.");
    assert_msg(msgs, 1, "user", "2+2?");
    assert_msg(msgs, 2, "assistant", "4, \"of course\"");
    assert_msg(msgs, 3, "user", "and 3+3?");
    json_decref(root);
    free(body);
    free(t1);
    free(t2);
}

static void
test_openai_body_with_max_tokens_and_no_system(void **state)
{
    struct aib_botcfg c = {0};
    char *body;
    json_t *root;

    (void)state;
    c.model = (char *)"m";
    c.max_tokens = 300;
    body = aib_openai_body(&c, NULL, 0, "hi\nthere \u00e9");
    root = load(body);
    assert_int_equal(json_integer_value(json_object_get(root, "max_tokens")),
                     300);
    assert_int_equal(json_array_size(json_object_get(root, "messages")), 1);
    assert_msg(json_object_get(root, "messages"), 0, "user",
               "hi\nthere \u00e9");
    json_decref(root);
    free(body);
}

static int
parse_openai(const char *s, char **text, char *err)
{
    return aib_openai_parse(s, strlen(s), text, err);
}

static char *
content_text(const char *raw)
{
    return aib_content_text(raw, strlen(raw));
}

static void
test_openai_reply_parsing(void **state)
{
    char err[CMN_ERR_LEN], *text;
    const char *ok = "{\"id\":\"x\",\"choices\":[{\"index\":0,\"message\":"
                     "{\"role\":\"assistant\",\"content\":\"Hello!\"},"
                     "\"finish_reason\":\"stop\"}],\"usage\":{}}";

    (void)state;
    assert_int_equal(aib_openai_parse(ok, strlen(ok), &text, err), 0);
    assert_string_equal(text, "Hello!");
    free(text);
    assert_int_equal(aib_openai_parse("<html>", 6, &text, err), -1);
    assert_non_null(strstr(err, "not JSON"));
    assert_null(text);
    assert_int_equal(aib_openai_parse("{\"choices\":[]}", 14, &text, err),
                     -1);
    assert_string_equal(err, "no choices[0].message");
    assert_int_equal(parse_openai("{\"choices\":[{\"message\":{\"content\""
                                  ":null}}]}", &text, err), -1);
    assert_non_null(strstr(err, "not a string"));
    assert_int_equal(parse_openai("{\"choices\":[{\"message\":{\"content\""
                                  ":\"\"}}]}", &text, err), -1);
    assert_non_null(strstr(err, "empty"));
}

static void
test_webhook_body_and_reply(void **state)
{
    char err[CMN_ERR_LEN], *text;
    char *body = aib_webhook_body("Hooky", "Era", "Era&Hooky", "17-0",
                                  "\"ping \\\"x\\\"\"", 12);
    json_t *root = load(body);

    (void)state;
    assert_string_equal(json_string_value(json_object_get(root, "bot")),
                        "Hooky");
    assert_string_equal(json_string_value(json_object_get(root, "user")),
                        "Era");
    assert_string_equal(json_string_value(json_object_get(root, "room")),
                        "Era&Hooky");
    assert_string_equal(json_string_value(json_object_get(root, "id")),
                        "17-0");
    assert_string_equal(json_string_value(json_object_get(root, "content")),
                        "ping \"x\"");
    json_decref(root);
    free(body);
    /* content that is not a string goes as the JSON value it is */
    body = aib_webhook_body("H", "u", NULL, "1-0", "{\"a\":1}", 7);
    root = load(body);
    assert_int_equal(json_integer_value(json_object_get(
        json_object_get(root, "content"), "a")), 1);
    json_decref(root);
    free(body);
    assert_null(aib_webhook_body("H", "u", NULL, "1-0", "{bad", 4));

    assert_int_equal(aib_webhook_parse("{\"content\":\"pong\"}", 18, &text,
                                       err), 0);
    assert_string_equal(text, "pong");
    free(text);
    assert_int_equal(aib_webhook_parse("{\"text\":\"pong\"}", 15, &text, err),
                     -1);
    assert_int_equal(aib_webhook_parse("pong", 4, &text, err), -1);
}

static void
test_leonid_user_data_is_a_signed_jwt_with_the_claims(void **state)
{
    const unsigned char key[] = "0123456789abcdef0123456789abcdef";
    char *ud = aib_leonid_user_data("Era", "%Leonid_Test_Token%", key, 32,
                                    1700000000L);
    jwt_t *j = NULL;
    char *body;
    json_t *root;

    (void)state;
    assert_non_null(ud);
    assert_int_equal(jwt_decode(&j, ud, key, 32), 0);
    assert_int_equal(jwt_get_alg(j), JWT_ALG_HS256);
    assert_string_equal(jwt_get_grant(j, "user_name"), "Era");
    assert_string_equal(jwt_get_grant(j, "user_token"),
                        "%Leonid_Test_Token%");
    assert_int_equal(jwt_get_grant_int(j, "iat"), 1700000000L);
    jwt_free(j);
    j = NULL;
    assert_int_not_equal(jwt_decode(&j, ud,
                                    (const unsigned char *)"other-key", 9),
                         0);
    jwt_free(j);

    body = aib_leonid_prompt_body(ud, "hello");
    root = load(body);
    assert_string_equal(json_string_value(json_object_get(root, "user_data")),
                        ud);
    assert_string_equal(json_string_value(json_object_get(root,
                                                          "user_prompt")),
                        "hello");
    json_decref(root);
    free(body);
    body = aib_leonid_disconnect_body(ud);
    root = load(body);
    assert_int_equal(json_object_size(root), 1);
    json_decref(root);
    free(body);
    free(ud);
}

static void
expect_leonid(const char *body, const char *want)
{
    char err[CMN_ERR_LEN], *text = NULL;

    if (want == NULL) {
        assert_int_equal(aib_leonid_parse(body, strlen(body), &text, err),
                         -1);
        assert_null(text);
        return;
    }
    assert_int_equal(aib_leonid_parse(body, strlen(body), &text, err), 0);
    assert_string_equal(text, want);
    free(text);
}

static void
test_leonid_reply_parsing(void **state)
{
    (void)state;
    expect_leonid(" I am Leonid.\n", "I am Leonid.");
    expect_leonid("\"quoted \\u00e9\"", "quoted \u00e9");
    expect_leonid("{\"response\":\"from a dict\"}", "from a dict");
    expect_leonid("{\"content\":\"or content\"}", "or content");
    expect_leonid("{not json} but text", "{not json} but text");
    expect_leonid("  \n", NULL);
    expect_leonid("\xff\xfe bad utf-8", NULL);
    expect_leonid("{\"other\":1}", NULL);
}

static void
test_content_text_and_reply_json(void **state)
{
    char *s;

    (void)state;
    s = content_text("\"hi \\\"you\\\" \\u263a\"");
    assert_string_equal(s, "hi \"you\" \u263a");
    free(s);
    s = content_text("{\"x\": [1, 2]}");
    assert_string_equal(s, "{\"x\":[1,2]}");
    free(s);
    assert_null(content_text("\"unterminated"));
    s = aib_reply_json("line1\nline2 \"q\" \\ </script>");
    assert_string_equal(s, "\"line1\\nline2 \\\"q\\\" \\\\ </script>\"");
    free(s);
}

static void
test_every_failure_has_a_short_notice(void **state)
{
    (void)state;
    for (int o = AIB_OK; o <= AIB_E_UNAVAILABLE; o++) {
        const char *n = aib_notice((enum aib_outcome)o);

        assert_non_null(n);
        assert_true(strlen(n) > 10 && strlen(n) < 120);
    }
    assert_non_null(strstr(aib_notice(AIB_E_TIMEOUT), "too long"));
    assert_non_null(strstr(aib_notice(AIB_E_UNAVAILABLE), "not available"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_openai_body_has_model_system_turns_and_question),
        cmocka_unit_test(test_openai_body_with_max_tokens_and_no_system),
        cmocka_unit_test(test_openai_reply_parsing),
        cmocka_unit_test(test_webhook_body_and_reply),
        cmocka_unit_test(test_leonid_user_data_is_a_signed_jwt_with_the_claims),
        cmocka_unit_test(test_leonid_reply_parsing),
        cmocka_unit_test(test_content_text_and_reply_json),
        cmocka_unit_test(test_every_failure_has_a_short_notice),
    };

    return cmocka_run_group_tests_name("aib_proto", tests, NULL, NULL);
}
