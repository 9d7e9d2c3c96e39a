/* test_cmn_log.c -- the line logger: the record layout, level filtering,
 * errno text, truncation that keeps the newline, one write per record
 * from several threads, and cmn_errf(). stderr is redirected into a
 * temporary file for each test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cmn/cmn_err.h"
#include "cmn/cmn_log.h"

static int t_saved_fd = -1;
static FILE *t_capture;
static char t_text[1 << 20];

static void
capture_start(void)
{
    t_capture = tmpfile();
    assert_non_null(t_capture);
    t_saved_fd = dup(STDERR_FILENO);
    dup2(fileno(t_capture), STDERR_FILENO);
}

static const char *
capture_end(void)
{
    size_t n;

    dup2(t_saved_fd, STDERR_FILENO);
    close(t_saved_fd);
    rewind(t_capture);
    n = fread(t_text, 1, sizeof t_text - 1, t_capture);
    t_text[n] = '\0';
    fclose(t_capture);
    return t_text;
}

static int
reset_logger(void **state)
{
    (void)state;
    cmn_log_init("svc", CMN_LOG_DEBUG);
    return 0;
}

static void
assert_matches(const char *text, const char *pattern)
{
    regex_t re;

    assert_int_equal(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB), 0);
    if (regexec(&re, text, 0, NULL, 0) != 0) {
        regfree(&re);
        fail_msg("\"%s\" does not match /%s/", text, pattern);
    }
    regfree(&re);
}

static void
test_record_has_time_level_service_pid_module_and_message(void **state)
{
    char pattern[256];
    const char *out;

    (void)state;
    capture_start();
    cmn_log_warn("login", "user=\"%s\" result=%s", "bob", "denied");
    out = capture_end();
    snprintf(pattern, sizeof pattern,
             "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\."
             "[0-9]{3}Z WARN svc\\[%ld\\] login: user=\"bob\" "
             "result=denied\n$", (long)getpid());
    assert_matches(out, pattern);
}

static void
test_each_level_has_its_name(void **state)
{
    const char *out;

    (void)state;
    capture_start();
    cmn_log_debug("m", "d");
    cmn_log_info("m", "i");
    cmn_log_warn("m", "w");
    cmn_log_error("m", "e");
    out = capture_end();
    assert_matches(out, "Z DEBUG svc\\[[0-9]+\\] m: d\n"
                        ".*Z INFO svc\\[[0-9]+\\] m: i\n"
                        ".*Z WARN svc.* m: w\n.*Z ERROR svc.* m: e\n$");
}

static void
test_records_below_the_minimum_level_are_dropped(void **state)
{
    const char *out;

    (void)state;
    cmn_log_init("svc", CMN_LOG_WARN);
    assert_false(cmn_log_enabled(CMN_LOG_INFO));
    assert_true(cmn_log_enabled(CMN_LOG_WARN));
    assert_true(cmn_log_enabled(CMN_LOG_ERROR));
    capture_start();
    cmn_log_debug("m", "no");
    cmn_log_info("m", "no");
    cmn_log_warn("m", "yes-warn");
    cmn_log_error("m", "yes-error");
    out = capture_end();
    assert_null(strstr(out, "no"));
    assert_non_null(strstr(out, "yes-warn"));
    assert_non_null(strstr(out, "yes-error"));
}

static void
test_init_with_an_unknown_level_keeps_the_previous_one(void **state)
{
    (void)state;
    cmn_log_init("svc", CMN_LOG_ERROR);
    cmn_log_init("svc", -1);            /* cmn_log_level_parse() failure */
    assert_false(cmn_log_enabled(CMN_LOG_WARN));
    cmn_log_init("svc", 9);
    assert_false(cmn_log_enabled(CMN_LOG_WARN));
    assert_true(cmn_log_enabled(CMN_LOG_ERROR));
}

static void
test_level_names_parse(void **state)
{
    (void)state;
    assert_int_equal(cmn_log_level_parse("debug"), CMN_LOG_DEBUG);
    assert_int_equal(cmn_log_level_parse("info"), CMN_LOG_INFO);
    assert_int_equal(cmn_log_level_parse("warn"), CMN_LOG_WARN);
    assert_int_equal(cmn_log_level_parse("error"), CMN_LOG_ERROR);
    assert_int_equal(cmn_log_level_parse("warning"), -1);
    assert_int_equal(cmn_log_level_parse(""), -1);
}

static void
test_errno_text_is_appended(void **state)
{
    const char *out;

    (void)state;
    capture_start();
    cmn_log(CMN_LOG_ERROR, ENOENT, "cfg", "open %s", "/x");
    out = capture_end();
    assert_matches(out, " ERROR svc\\[[0-9]+\\] cfg: open /x: "
                        "No such file or directory\n$");
}

static void
test_out_of_range_level_is_logged_as_error(void **state)
{
    const char *out;

    (void)state;
    capture_start();
    cmn_log(42, 0, "m", "odd");
    out = capture_end();
    assert_non_null(strstr(out, " ERROR svc["));
}

static void
test_long_record_is_truncated_but_keeps_its_newline(void **state)
{
    char *big = malloc(10000);
    const char *out;
    size_t n;

    (void)state;
    memset(big, 'x', 9999);
    big[9999] = '\0';
    capture_start();
    cmn_log(CMN_LOG_INFO, EINVAL, "m", "%s", big);
    cmn_log_info("m", "next");
    out = capture_end();
    n = strcspn(out, "\n");
    assert_true(n > 1000);
    assert_true(n < 2048);
    assert_int_equal(out[n], '\n');
    /* the next record starts on its own line */
    assert_non_null(strstr(out + n + 1, " INFO svc["));
    assert_non_null(strstr(out + n + 1, "m: next\n"));
    free(big);
}

#define T_THREADS 4
#define T_RECORDS 500

static void *
log_many(void *arg)
{
    long id = (long)arg;

    for (int i = 0; i < T_RECORDS; i++)
        cmn_log_info("thr", "thread=%ld i=%d %s", id, i,
                     "padding-padding-padding-padding-padding-padding");
    return NULL;
}

static void
test_records_from_threads_never_interleave(void **state)
{
    pthread_t th[T_THREADS];
    const char *out, *p;
    int lines = 0;

    (void)state;
    capture_start();
    for (long i = 0; i < T_THREADS; i++)
        pthread_create(&th[i], NULL, log_many, (void *)i);
    for (int i = 0; i < T_THREADS; i++)
        pthread_join(th[i], NULL);
    out = capture_end();
    for (p = out; *p; lines++) {
        const char *nl = strchr(p, '\n');

        assert_non_null(nl);
        /* every line is one whole record */
        assert_true(strstr(p, " INFO svc[") < nl);
        assert_memory_equal(nl - 12, "ding-padding", 12);
        p = nl + 1;
    }
    assert_int_equal(lines, T_THREADS * T_RECORDS);
}

static void
test_errf_formats_into_the_callers_buffer(void **state)
{
    char err[CMN_ERR_LEN];
    char big[600];

    (void)state;
    cmn_errf(err, "XADD %s: %d", "inbox:bob", 7);
    assert_string_equal(err, "XADD inbox:bob: 7");
    cmn_errf(NULL, "ignored %d", 1);    /* NULL is allowed */
    memset(big, 'y', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    cmn_errf(err, "%s", big);
    assert_int_equal(strlen(err), CMN_ERR_LEN - 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(
            test_record_has_time_level_service_pid_module_and_message,
            reset_logger),
        cmocka_unit_test_setup(test_each_level_has_its_name, reset_logger),
        cmocka_unit_test_setup(test_records_below_the_minimum_level_are_dropped,
                               reset_logger),
        cmocka_unit_test_setup(
            test_init_with_an_unknown_level_keeps_the_previous_one,
            reset_logger),
        cmocka_unit_test_setup(test_level_names_parse, reset_logger),
        cmocka_unit_test_setup(test_errno_text_is_appended, reset_logger),
        cmocka_unit_test_setup(test_out_of_range_level_is_logged_as_error,
                               reset_logger),
        cmocka_unit_test_setup(
            test_long_record_is_truncated_but_keeps_its_newline,
            reset_logger),
        cmocka_unit_test_setup(test_records_from_threads_never_interleave,
                               reset_logger),
        cmocka_unit_test_setup(test_errf_formats_into_the_callers_buffer,
                               reset_logger),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
