/* test_cmn_env.c -- configuration tables: defaults, bounds, every type,
 * required and secret variables, one report line per problem, and the
 * effective-configuration log line. The logger's stderr is captured into
 * a temporary file to check what the operator would read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cmn/cmn_env.h"
#include "cmn/cmn_log.h"

struct t_config {
    int port;
    const char *host;
    int verbose;
    const char *mode;
    const char *secret;
    int opt_int;
    const char *opt_str;
};

#define F(field) offsetof(struct t_config, field)
static const struct cmn_env_var t_env[] = {
    {"T_PORT", CMN_ENV_INT, F(port), "8081", 0, 65535, 0, "TCP port", NULL},
    {"T_HOST", CMN_ENV_STR, F(host), "127.0.0.1", 0, 0, 0, "host", NULL},
    {"T_VERBOSE", CMN_ENV_BOOL, F(verbose), "false", 0, 0, 0, "chatty",
     NULL},
    {"T_MODE", CMN_ENV_CHOICE, F(mode), "Enabled", 0, 0, 0, "bot mode",
     "Enabled|Disabled"},
    {"T_SECRET", CMN_ENV_STR, F(secret), NULL, 0, 0,
     CMN_ENV_REQUIRED | CMN_ENV_SECRET, "HMAC key"},
    {"T_OPT_INT", CMN_ENV_INT, F(opt_int), NULL, -5, 5, 0, "optional", NULL},
    {"T_OPT_STR", CMN_ENV_STR, F(opt_str), NULL, 0, 0, 0, "optional", NULL},
};
#undef F
#define T_N (sizeof t_env / sizeof t_env[0])

/* ---- stderr capture ----------------------------------------------------- */

static int t_saved_fd = -1;
static FILE *t_capture;

static void
capture_start(void)
{
    fflush(stderr);
    t_capture = tmpfile();
    assert_non_null(t_capture);
    t_saved_fd = dup(STDERR_FILENO);
    dup2(fileno(t_capture), STDERR_FILENO);
}

/* Stop capturing; returns what was written (static buffer). */
static const char *
capture_end(void)
{
    static char text[8192];
    size_t n;

    fflush(stderr);
    dup2(t_saved_fd, STDERR_FILENO);
    close(t_saved_fd);
    rewind(t_capture);
    n = fread(text, 1, sizeof text - 1, t_capture);
    text[n] = '\0';
    fclose(t_capture);
    return text;
}

static int
count_lines(const char *s)
{
    int n = 0;

    for (; *s; s++)
        n += (*s == '\n');
    return n;
}

static int
clear_env(void **state)
{
    (void)state;
    for (size_t i = 0; i < T_N; i++)
        unsetenv(t_env[i].name);
    setenv("T_SECRET", "s3cr3t-value", 1);
    return 0;
}

/* ---- tests -------------------------------------------------------------- */

static void
test_defaults_fill_every_field(void **state)
{
    struct t_config c;

    (void)state;
    memset(&c, 0xa5, sizeof c);
    assert_int_equal(cmn_env_load(t_env, T_N, &c), 0);
    assert_int_equal(c.port, 8081);
    assert_string_equal(c.host, "127.0.0.1");
    assert_int_equal(c.verbose, 0);
    assert_string_equal(c.mode, "Enabled");
    assert_string_equal(c.secret, "s3cr3t-value");
    /* no default and not required: zero / NULL */
    assert_int_equal(c.opt_int, 0);
    assert_null(c.opt_str);
}

static void
test_environment_overrides_defaults(void **state)
{
    struct t_config c;

    (void)state;
    setenv("T_PORT", "0", 1);
    setenv("T_HOST", "10.0.0.1", 1);
    setenv("T_VERBOSE", "yes", 1);
    setenv("T_MODE", "Disabled", 1);
    setenv("T_OPT_INT", "-5", 1);
    setenv("T_OPT_STR", "x y", 1);
    assert_int_equal(cmn_env_load(t_env, T_N, &c), 0);
    assert_int_equal(c.port, 0);
    assert_string_equal(c.host, "10.0.0.1");
    assert_int_equal(c.verbose, 1);
    assert_string_equal(c.mode, "Disabled");
    assert_int_equal(c.opt_int, -5);
    assert_string_equal(c.opt_str, "x y");
}

static void
test_empty_variable_means_default(void **state)
{
    struct t_config c;

    (void)state;
    setenv("T_PORT", "", 1);
    setenv("T_HOST", "", 1);
    assert_int_equal(cmn_env_load(t_env, T_N, &c), 0);
    assert_int_equal(c.port, 8081);
    assert_string_equal(c.host, "127.0.0.1");
}

static void
test_integer_bounds_are_inclusive(void **state)
{
    struct t_config c;

    (void)state;
    setenv("T_PORT", "65535", 1);
    setenv("T_OPT_INT", "5", 1);
    assert_int_equal(cmn_env_load(t_env, T_N, &c), 0);
    assert_int_equal(c.port, 65535);
    assert_int_equal(c.opt_int, 5);
}

static void
expect_bad_port(const char *value)
{
    struct t_config c;
    const char *out;

    setenv("T_PORT", value, 1);
    capture_start();
    assert_int_equal(cmn_env_load(t_env, T_N, &c), 1);
    out = capture_end();
    if (strstr(out, "T_PORT=") == NULL ||
        strstr(out, "expected an integer in [0, 65535]") == NULL)
        fail_msg("T_PORT=\"%s\": unexpected report: %s", value, out);
}

static void
test_bad_integers_are_reported(void **state)
{
    (void)state;
    expect_bad_port("http");
    expect_bad_port("80x");
    expect_bad_port("65536");
    expect_bad_port("-1");
    expect_bad_port("99999999999999999999999");
    expect_bad_port(" ");
}

static void
test_booleans_accept_the_usual_words(void **state)
{
    static const char *const yes[] = {"1", "true", "TRUE", "Yes", "on"};
    static const char *const no[] = {"0", "false", "No", "OFF"};
    struct t_config c;

    (void)state;
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        setenv("T_VERBOSE", yes[i], 1);
        assert_int_equal(cmn_env_load(t_env, T_N, &c), 0);
        assert_int_equal(c.verbose, 1);
    }
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        setenv("T_VERBOSE", no[i], 1);
        assert_int_equal(cmn_env_load(t_env, T_N, &c), 0);
        assert_int_equal(c.verbose, 0);
    }
}

static void
test_bad_boolean_is_reported(void **state)
{
    struct t_config c;
    const char *out;

    (void)state;
    setenv("T_VERBOSE", "maybe", 1);
    capture_start();
    assert_int_equal(cmn_env_load(t_env, T_N, &c), 1);
    out = capture_end();
    assert_non_null(strstr(out, "T_VERBOSE=\"maybe\": expected true or false"));
}

static void
test_choice_must_match_a_word_exactly(void **state)
{
    static const char *const bad[] = {"enabled", "Enable", "Enabled|",
                                      "Disabledx", "|"};
    struct t_config c;

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *out;

        setenv("T_MODE", bad[i], 1);
        capture_start();
        assert_int_equal(cmn_env_load(t_env, T_N, &c), 1);
        out = capture_end();
        assert_non_null(strstr(out, "expected one of Enabled|Disabled"));
    }
}

static void
test_missing_required_variable_is_reported_with_its_help(void **state)
{
    struct t_config c;
    const char *out;

    (void)state;
    unsetenv("T_SECRET");
    capture_start();
    assert_int_equal(cmn_env_load(t_env, T_N, &c), 1);
    out = capture_end();
    assert_non_null(strstr(out, "config: T_SECRET is required (HMAC key)"));

    setenv("T_SECRET", "", 1);            /* empty counts as missing */
    capture_start();
    assert_int_equal(cmn_env_load(t_env, T_N, &c), 1);
    capture_end();
}

static void
test_every_problem_is_reported_on_its_own_line(void **state)
{
    struct t_config c;
    const char *out;

    (void)state;
    unsetenv("T_SECRET");
    setenv("T_PORT", "http", 1);
    setenv("T_VERBOSE", "2", 1);
    setenv("T_MODE", "x", 1);
    setenv("T_OPT_INT", "6", 1);
    capture_start();
    assert_int_equal(cmn_env_load(t_env, T_N, &c), 5);
    out = capture_end();
    assert_int_equal(count_lines(out), 5);
    assert_non_null(strstr(out, "T_PORT"));
    assert_non_null(strstr(out, "T_VERBOSE"));
    assert_non_null(strstr(out, "T_MODE"));
    assert_non_null(strstr(out, "T_OPT_INT=\"6\": expected an integer in "
                                "[-5, 5]"));
    assert_non_null(strstr(out, "T_SECRET is required"));
}

static void
test_effective_config_log_hides_secrets(void **state)
{
    struct t_config c;
    const char *out;

    (void)state;
    setenv("T_PORT", "9000", 1);
    assert_int_equal(cmn_env_load(t_env, T_N, &c), 0);
    capture_start();
    cmn_env_log(t_env, T_N, &c);
    out = capture_end();
    assert_int_equal(count_lines(out), 1);
    assert_non_null(strstr(out, " T_PORT=9000"));
    assert_non_null(strstr(out, " T_HOST=\"127.0.0.1\""));
    assert_non_null(strstr(out, " T_MODE=\"Enabled\""));
    assert_non_null(strstr(out, " T_SECRET=\"(set)\""));
    assert_null(strstr(out, "s3cr3t-value"));
    assert_non_null(strstr(out, " T_OPT_STR=\"\""));
}

static void
test_effective_config_log_marks_an_unset_secret(void **state)
{
    static const struct cmn_env_var opt[] = {
        {"T_OPT_KEY", CMN_ENV_STR, 0, NULL, 0, 0, CMN_ENV_SECRET, "key",
         NULL},
    };
    const char *key = NULL;
    const char *out;

    (void)state;
    unsetenv("T_OPT_KEY");
    assert_int_equal(cmn_env_load(opt, 1, &key), 0);
    assert_null(key);
    capture_start();
    cmn_env_log(opt, 1, &key);
    out = capture_end();
    assert_non_null(strstr(out, "T_OPT_KEY=\"(unset)\""));
}

static void
test_usage_lists_every_variable_with_default_and_help(void **state)
{
    char text[4096];
    FILE *f = tmpfile();
    int saved = dup(STDOUT_FILENO);
    size_t n;

    (void)state;
    fflush(stdout);
    dup2(fileno(f), STDOUT_FILENO);
    cmn_env_usage(t_env, T_N);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    rewind(f);
    n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    assert_int_equal(count_lines(text), (int)T_N);
    assert_non_null(strstr(text, "T_PORT"));
    assert_non_null(strstr(text, "8081"));
    assert_non_null(strstr(text, "TCP port"));
    assert_non_null(strstr(text, "HMAC key [required]"));
    assert_non_null(strstr(text, "(none)"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_defaults_fill_every_field, clear_env),
        cmocka_unit_test_setup(test_environment_overrides_defaults, clear_env),
        cmocka_unit_test_setup(test_empty_variable_means_default, clear_env),
        cmocka_unit_test_setup(test_integer_bounds_are_inclusive, clear_env),
        cmocka_unit_test_setup(test_bad_integers_are_reported, clear_env),
        cmocka_unit_test_setup(test_booleans_accept_the_usual_words,
                               clear_env),
        cmocka_unit_test_setup(test_bad_boolean_is_reported, clear_env),
        cmocka_unit_test_setup(test_choice_must_match_a_word_exactly,
                               clear_env),
        cmocka_unit_test_setup(
            test_missing_required_variable_is_reported_with_its_help,
            clear_env),
        cmocka_unit_test_setup(test_every_problem_is_reported_on_its_own_line,
                               clear_env),
        cmocka_unit_test_setup(test_effective_config_log_hides_secrets,
                               clear_env),
        cmocka_unit_test_setup(test_effective_config_log_marks_an_unset_secret,
                               clear_env),
        cmocka_unit_test_setup(
            test_usage_lists_every_variable_with_default_and_help, clear_env),
    };

    cmn_log_init("test", CMN_LOG_DEBUG);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
