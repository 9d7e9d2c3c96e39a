/* test_aib_bots.c -- the bots file: the shipped deploy/bots.json with and
 * without its environment variables, defaults per kind, overrides, and
 * one clear error per kind of mistake. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aib_config.h"
#include "cmn/cmn_err.h"

/* A fake environment: "NAME=value" strings, NULL-terminated. */
static const char *
fake_env(const char *name, void *ctx)
{
    const char *const *v = ctx;
    size_t n = strlen(name);

    for (; v != NULL && *v != NULL; v++)
        if (strncmp(*v, name, n) == 0 && (*v)[n] == '=')
            return *v + n + 1;
    return NULL;
}

static int
parse(const char *text, const char *const *env, struct aib_bots *out,
      char *err)
{
    return aib_bots_parse(text, strlen(text), fake_env, (void *)env, out,
                          err);
}

static char *
read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    char *s = calloc(1, 1 << 20);

    assert_non_null(f);
    assert_non_null(s);
    assert_true(fread(s, 1, (1 << 20) - 1, f) > 0);
    fclose(f);
    return s;
}

static void
test_shipped_file_without_environment(void **state)
{
    char *text = read_file("deploy/bots.json"), err[CMN_ERR_LEN] = "";
    struct aib_bots b;
    const struct aib_botcfg *gpt, *leo;

    (void)state;
    assert_int_equal(parse(text, NULL, &b, err), 0);
    assert_int_equal(b.n, 2);
    gpt = aib_bots_find(&b, "ChatGPT");
    leo = aib_bots_find(&b, "Leonid");
    assert_non_null(gpt);
    assert_non_null(leo);
    assert_int_equal(gpt->kind, AIB_KIND_OPENAI);
    assert_string_equal(gpt->endpoint, "https://api.openai.com/v1");
    assert_string_equal(gpt->model, "gpt-4o-mini");
    assert_null(gpt->key);                 /* no key: not usable */
    assert_string_equal(gpt->key_env, "OPENAI_API_KEY");
    assert_int_equal(gpt->context_turns, 10);
    assert_null(gpt->probe_path);
    assert_int_equal(leo->kind, AIB_KIND_LEONID);
    assert_int_equal(leo->enabled, 0);     /* LEONID_THE_CHAT_BOT unset */
    assert_string_equal(leo->endpoint, "http://127.0.0.1:5001");
    assert_string_equal(leo->key, "%Leonid_Test_Token%");
    assert_null(leo->secret);
    assert_string_equal(leo->probe_path, "/");
    assert_null(aib_bots_find(&b, "Nobody"));
    aib_bots_free(&b);
    free(text);
}

static void
test_shipped_file_with_environment(void **state)
{
    const char *env[] = {"OPENAI_API_KEY=sk-1", "OPENAI_BASE_URL=http://"
                         "127.0.0.1:9/v1/", "OPENAI_MODEL=local-model",
                         "LEONID_THE_CHAT_BOT=Enabled",
                         "LEONID_URL=http://leonid:5001",
                         "LEONID_AUTH_TOKEN=tok", "LEONID_JWT_SECRET=s3",
                         NULL};
    char *text = read_file("deploy/bots.json"), err[CMN_ERR_LEN] = "";
    struct aib_bots b;
    const struct aib_botcfg *gpt, *leo;

    (void)state;
    assert_int_equal(parse(text, env, &b, err), 0);
    gpt = aib_bots_find(&b, "ChatGPT");
    leo = aib_bots_find(&b, "Leonid");
    assert_string_equal(gpt->key, "sk-1");
    /* the trailing slash goes: {endpoint}/chat/completions */
    assert_string_equal(gpt->endpoint, "http://127.0.0.1:9/v1");
    assert_string_equal(gpt->model, "local-model");
    assert_int_equal(leo->enabled, 1);
    assert_string_equal(leo->endpoint, "http://leonid:5001");
    assert_string_equal(leo->key, "tok");
    assert_string_equal(leo->secret, "s3");
    aib_bots_free(&b);
    free(text);
}

static void
test_empty_variables_count_as_unset(void **state)
{
    /* docker compose passes ${OPENAI_API_KEY:-} as an empty value */
    const char *env[] = {"OPENAI_API_KEY=", "OPENAI_BASE_URL=",
                         "LEONID_THE_CHAT_BOT=", NULL};
    char *text = read_file("deploy/bots.json"), err[CMN_ERR_LEN] = "";
    struct aib_bots b;

    (void)state;
    assert_int_equal(parse(text, env, &b, err), 0);
    assert_null(aib_bots_find(&b, "ChatGPT")->key);
    assert_string_equal(aib_bots_find(&b, "ChatGPT")->endpoint,
                        "https://api.openai.com/v1");
    assert_int_equal(aib_bots_find(&b, "Leonid")->enabled, 0);
    aib_bots_free(&b);
    free(text);
}

static void
test_defaults_per_kind(void **state)
{
    char err[CMN_ERR_LEN] = "";
    struct aib_bots b;

    (void)state;
    assert_int_equal(parse("{\"bots\":[{\"name\":\"W\",\"kind\":\"webhook\","
                           "\"endpoint\":\"http://h/x\"},"
                           "{\"name\":\"L\",\"kind\":\"leonid\","
                           "\"endpoint\":\"http://l\",\"probe\":false},"
                           "{\"name\":\"O\",\"kind\":\"openai\","
                           "\"endpoint\":\"http://o\",\"model\":\"m\","
                           "\"probe_path\":\"/health\","
                           "\"forget_on_offline\":true}]}", NULL, &b, err),
                     0);
    assert_int_equal(b.n, 3);
    assert_int_equal(b.v[0].timeout_ms, 30000);
    assert_int_equal(b.v[0].retries, 2);
    assert_int_equal(b.v[0].concurrency, 16);
    assert_int_equal(b.v[0].enabled, 1);
    assert_null(b.v[0].key);
    assert_null(b.v[0].probe_path);
    assert_int_equal(b.v[1].timeout_ms, 120000);
    assert_null(b.v[1].probe_path);       /* "probe": false */
    assert_int_equal(b.v[2].context_turns, 10);
    assert_int_equal(b.v[2].forget_on_offline, 1);
    assert_string_equal(b.v[2].probe_path, "/health");
    assert_int_equal(b.v[2].max_reply_bytes, 1 << 20);
    aib_bots_free(&b);
}

/* Each mistake stops the load with err naming the bot and the member. */
static void
expect_error(const char *text, const char *const *env, const char *want)
{
    char err[CMN_ERR_LEN] = "";
    struct aib_bots b;

    assert_int_equal(parse(text, env, &b, err), -1);
    if (strstr(err, want) == NULL)
        fail_msg("error \"%s\" does not contain \"%s\"", err, want);
    assert_int_equal(b.n, 0);
    assert_null(b.v);
}

static void
test_mistakes_are_reported_clearly(void **state)
{
    const char *bad_enable[] = {"ON_OFF=maybe", NULL};

    (void)state;
    expect_error("{\"bots\":[", NULL, "line 1");
    expect_error("{\"robots\":[]}", NULL, "expected {\"bots\": [...]}");
    expect_error("{\"bots\":[{\"name\":\"X\",\"kind\":\"smtp\","
                 "\"endpoint\":\"http://x\"}]}", NULL,
                 "bot 1 (\"X\"): kind: expected openai, leonid or webhook");
    expect_error("{\"bots\":[{\"name\":\"X\",\"kind\":\"webhook\","
                 "\"endpoint\":\"http://x\",\"timeout\":5}]}", NULL,
                 "timeout: unknown member");
    expect_error("{\"bots\":[{\"name\":\"X\",\"kind\":\"webhook\"}]}", NULL,
                 "endpoint: required");
    expect_error("{\"bots\":[{\"name\":\"X\",\"kind\":\"webhook\","
                 "\"endpoint\":\"ftp://x\"}]}", NULL,
                 "endpoint: expected an http:// or https:// URL");
    expect_error("{\"bots\":[{\"name\":\"X\",\"kind\":\"openai\","
                 "\"endpoint\":\"http://x\"}]}", NULL,
                 "model: required for kind openai");
    expect_error("{\"bots\":[{\"name\":\"X\",\"kind\":\"webhook\","
                 "\"endpoint\":\"http://x\",\"retries\":99}]}", NULL,
                 "retries: expected an integer in [0, 10]");
    expect_error("{\"bots\":[{\"name\":\"X\",\"kind\":\"webhook\","
                 "\"endpoint\":\"http://x\",\"retries\":\"2\"}]}", NULL,
                 "retries: expected an integer");
    expect_error("{\"bots\":[{\"name\":\"X\",\"kind\":\"webhook\","
                 "\"endpoint\":\"http://x\",\"backoff_ms\":900,"
                 "\"backoff_max_ms\":100}]}", NULL,
                 "backoff_max_ms: smaller than backoff_ms");
    expect_error("{\"bots\":[{\"name\":\"A b\",\"kind\":\"webhook\","
                 "\"endpoint\":\"http://x\"}]}", NULL, "name: required");
    expect_error("{\"bots\":[{\"name\":\"X\",\"kind\":\"webhook\","
                 "\"endpoint\":\"http://x\"},{\"name\":\"X\",\"kind\":"
                 "\"webhook\",\"endpoint\":\"http://y\"}]}", NULL,
                 "bot 2 (\"X\"): name: configured twice");
    expect_error("{\"bots\":[{\"name\":\"X\",\"kind\":\"webhook\","
                 "\"endpoint\":\"http://x\",\"enabled_env\":\"ON_OFF\"}]}",
                 bad_enable, "ON_OFF=\"maybe\": expected Enabled or Disabled");
    expect_error("{\"bots\":[{\"name\":\"X\",\"kind\":\"webhook\","
                 "\"endpoint\":\"http://x\",\"enabled\":\"yes\"}]}", NULL,
                 "enabled: expected true or false");
    expect_error("{\"bots\":[{\"name\":\"X\",\"kind\":\"leonid\","
                 "\"endpoint\":\"http://x\",\"probe_path\":\"health\"}]}",
                 NULL, "probe_path: must start with '/'");
    expect_error("{\"bots\":[{\"name\":\"X\",\"name\":\"Y\"}]}", NULL,
                 "duplicate");
}

static void
test_load_reports_a_missing_file(void **state)
{
    char err[CMN_ERR_LEN] = "";
    struct aib_bots b;

    (void)state;
    assert_int_equal(aib_bots_load("/nonexistent/bots.json", &b, err), -1);
    assert_non_null(strstr(err, "BOTS_FILE=/nonexistent/bots.json: No such "
                                "file"));
}

static void
test_urls_are_logged_without_credentials(void **state)
{
    char out[256];

    (void)state;
    aib_url_redact("http://user:pw@host:1/v1", out, sizeof out);
    assert_string_equal(out, "http://***@host:1/v1");
    aib_url_redact("https://api.openai.com/v1", out, sizeof out);
    assert_string_equal(out, "https://api.openai.com/v1");
    aib_url_redact("http://host/path@x", out, sizeof out);
    assert_string_equal(out, "http://host/path@x");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_file_without_environment),
        cmocka_unit_test(test_shipped_file_with_environment),
        cmocka_unit_test(test_empty_variables_count_as_unset),
        cmocka_unit_test(test_defaults_per_kind),
        cmocka_unit_test(test_mistakes_are_reported_clearly),
        cmocka_unit_test(test_load_reports_a_missing_file),
        cmocka_unit_test(test_urls_are_logged_without_credentials),
    };

    return cmocka_run_group_tests_name("aib_bots", tests, NULL, NULL);
}
