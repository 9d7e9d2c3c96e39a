/* test_cmn_redis.c -- the reconnecting hiredis wrapper, stream reply
 * walking, stream ids and EVALSHA with the NOSCRIPT fallback, against the
 * throwaway redis-server of tests/with-redis.sh (TEST_REDIS_PORT). Keys
 * start with "t-redis:" so other test binaries never see them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cmn/cmn_log.h"
#include "cmn/cmn_proc.h"
#include "cmn/cmn_redis.h"

static int t_port;

static int
find_redis(void **state)
{
    const char *port = getenv("TEST_REDIS_PORT");

    (void)state;
    if (port == NULL) {
        fprintf(stderr, "TEST_REDIS_PORT is not set: run under "
                        "tests/with-redis.sh (make unit)\n");
        return -1;
    }
    t_port = atoi(port);
    return 0;
}

static struct cmn_redis *
new_conn(void)
{
    struct cmn_redis *r = malloc(sizeof *r);

    cmn_redis_init(r, "127.0.0.1", t_port, "test");
    return r;
}

static void
free_conn(struct cmn_redis *r)
{
    cmn_redis_close(r);
    free(r);
}

static int
setup_conn(void **state)
{
    *state = new_conn();
    return 0;
}

static int
teardown_conn(void **state)
{
    free_conn(*state);
    return 0;
}

/* Run a command that must succeed and return its reply (caller frees). */
static redisReply *must(struct cmn_redis *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static redisReply *
must(struct cmn_redis *r, const char *fmt, ...)
{
    redisContext *c = cmn_redis_ctx(r);
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

/* The id of this test connection as Redis knows it. */
static long long
client_id(struct cmn_redis *r)
{
    redisReply *rep = cmn_redis_cmd(r, "CLIENT ID");
    long long id;

    assert_non_null(rep);
    assert_int_equal(rep->type, REDIS_REPLY_INTEGER);
    id = rep->integer;
    freeReplyObject(rep);
    return id;
}

/* Kill connection `id` from a separate plain hiredis context. */
static void
kill_client(long long id)
{
    redisContext *c = redisConnect("127.0.0.1", t_port);
    redisReply *rep;

    assert_non_null(c);
    assert_int_equal(c->err, 0);
    rep = redisCommand(c, "CLIENT KILL ID %lld", id);
    assert_non_null(rep);
    assert_int_equal(rep->type, REDIS_REPLY_INTEGER);
    assert_int_equal(rep->integer, 1);
    freeReplyObject(rep);
    redisFree(c);
}

/* ---- connection --------------------------------------------------------- */

static void
test_commands_run_on_a_lazily_opened_connection(void **state)
{
    struct cmn_redis *r = *state;
    redisReply *rep;

    assert_null(r->c);
    rep = cmn_redis_cmd(r, "SET %s %s", "t-redis:k", "v 1");
    assert_non_null(rep);
    assert_int_equal(rep->type, REDIS_REPLY_STATUS);
    freeReplyObject(rep);
    assert_non_null(r->c);
    rep = cmn_redis_cmd(r, "GET t-redis:k");
    assert_string_equal(rep->str, "v 1");
    freeReplyObject(rep);
    assert_int_equal(r->down, 0);
}

static void
test_argv_form_is_binary_safe(void **state)
{
    struct cmn_redis *r = *state;
    const char *argv[] = {"SET", "t-redis:bin", "a\0b\r\n"};
    size_t lens[] = {3, 11, 5};
    redisReply *rep;

    rep = cmn_redis_argv(r, 3, argv, lens);
    assert_non_null(rep);
    freeReplyObject(rep);
    rep = cmn_redis_cmd(r, "GET t-redis:bin");
    assert_int_equal(rep->len, 5);
    assert_memory_equal(rep->str, "a\0b\r\n", 5);
    freeReplyObject(rep);
}

static void
test_unreachable_server_gives_null_and_backs_off(void **state)
{
    struct cmn_redis r;
    long long t0;

    (void)state;
    /* port 1 on loopback: nothing listens, connect is refused at once */
    cmn_redis_init(&r, "127.0.0.1", 1, "test-down");
    assert_null(cmn_redis_ctx(&r));
    assert_int_equal(r.down, 1);
    assert_int_equal(r.backoff_ms, 200);
    t0 = cmn_mono_ms();
    assert_true(r.next_try_ms > t0);
    assert_true(r.next_try_ms <= t0 + 100);
    /* within the backoff nothing is tried (backoff unchanged) */
    assert_null(cmn_redis_cmd(&r, "PING"));
    assert_int_equal(r.backoff_ms, 200);
    /* the backoff doubles and stops at 2 s */
    for (int i = 0; i < 8; i++) {
        r.next_try_ms = 0;
        assert_null(cmn_redis_ctx(&r));
    }
    assert_int_equal(r.backoff_ms, 2000);
    cmn_redis_close(&r);
}

static void
test_killed_connection_is_dropped_then_reopened_after_backoff(void **state)
{
    struct cmn_redis *r = *state;
    redisReply *rep;
    long long id = client_id(r), deadline;

    kill_client(id);
    /* the next command sees the broken socket */
    assert_null(cmn_redis_cmd(r, "PING"));
    assert_null(r->c);
    assert_int_equal(r->down, 1);
    /* right away: still backing off */
    assert_null(cmn_redis_ctx(r));
    /* after the backoff: a fresh connection */
    deadline = cmn_mono_ms() + 3000;
    while ((rep = cmn_redis_cmd(r, "PING")) == NULL &&
           cmn_mono_ms() < deadline)
        usleep(20000);
    assert_non_null(rep);
    assert_string_equal(rep->str, "PONG");
    freeReplyObject(rep);
    assert_int_equal(r->down, 0);
    assert_int_equal(r->backoff_ms, 100);
    assert_int_not_equal(client_id(r), id);
}

static void
test_broken_on_a_closed_connection_is_harmless(void **state)
{
    struct cmn_redis r;

    (void)state;
    cmn_redis_init(&r, "127.0.0.1", t_port, "idle");
    cmn_redis_broken(&r);
    assert_int_equal(r.down, 0);
    assert_non_null(cmn_redis_ctx(&r));
    cmn_redis_close(&r);
    assert_null(r.c);
    cmn_redis_close(&r);
}

static void
test_reply_is_error_matches_the_prefix(void **state)
{
    struct cmn_redis *r = *state;
    redisReply *rep;

    freeReplyObject(must(r, "SET t-redis:str x"));
    rep = cmn_redis_cmd(r, "LPUSH t-redis:str y");
    assert_true(cmn_reply_is_error(rep, "WRONGTYPE"));
    assert_false(cmn_reply_is_error(rep, "NOSCRIPT"));
    freeReplyObject(rep);
    rep = cmn_redis_cmd(r, "GET t-redis:str");
    assert_false(cmn_reply_is_error(rep, ""));
    freeReplyObject(rep);
    assert_false(cmn_reply_is_error(NULL, ""));
}

static void
test_pipelined_replies_come_back_in_order(void **state)
{
    struct cmn_redis *r = *state;
    redisReply *rep;

    assert_non_null(cmn_redis_ctx(r));
    redisAppendCommand(r->c, "SET t-redis:p1 a");
    redisAppendCommand(r->c, "GET t-redis:p1");
    redisAppendCommand(r->c, "INCR t-redis:p1");
    rep = cmn_redis_get_reply(r);
    assert_int_equal(rep->type, REDIS_REPLY_STATUS);
    freeReplyObject(rep);
    rep = cmn_redis_get_reply(r);
    assert_string_equal(rep->str, "a");
    freeReplyObject(rep);
    rep = cmn_redis_get_reply(r);
    assert_true(cmn_reply_is_error(rep, "ERR"));
    freeReplyObject(rep);
}

static void
test_get_reply_without_a_connection_is_null(void **state)
{
    struct cmn_redis r;

    (void)state;
    cmn_redis_init(&r, "127.0.0.1", t_port, "none");
    assert_null(cmn_redis_get_reply(&r));
}

/* ---- streams ------------------------------------------------------------ */

static void
test_ensure_group_creates_the_stream_and_tolerates_busygroup(void **state)
{
    struct cmn_redis *r = *state;
    redisReply *rep;

    assert_int_equal(cmn_redis_ensure_group(r, "t-redis:s1", "g", "$"), 0);
    assert_int_equal(cmn_redis_ensure_group(r, "t-redis:s1", "g", "$"), 0);
    rep = must(r, "XINFO GROUPS t-redis:s1");
    assert_int_equal(rep->elements, 1);
    freeReplyObject(rep);
    /* a key of another type is a real error */
    freeReplyObject(must(r, "SET t-redis:notstream x"));
    assert_int_equal(cmn_redis_ensure_group(r, "t-redis:notstream", "g", "$"),
                     -1);
}

static void
test_stream_walk_visits_every_entry_of_every_stream(void **state)
{
    struct cmn_redis *r = *state;
    struct cmn_stream_walk w;
    const redisReply *e, *f, *v;
    const char *name;
    redisReply *rep;
    char seen[8][64];
    int n = 0;

    freeReplyObject(must(r, "DEL t-redis:wa t-redis:wb"));
    freeReplyObject(must(r, "XADD t-redis:wa 1-1 k m u alice"));
    freeReplyObject(must(r, "XADD t-redis:wa 1-2 k flush"));
    freeReplyObject(must(r, "XADD t-redis:wb 5-0 x 1 y 2 z 3"));
    rep = must(r, "XREAD COUNT 10 STREAMS t-redis:wa t-redis:wb 0 0");
    cmn_stream_walk_init(&w, rep);
    while (cmn_stream_walk_next(&w, &name, &e)) {
        assert_true(n < 8);
        snprintf(seen[n++], sizeof seen[0], "%s %s %zu", name,
                 cmn_entry_id(e), cmn_entry_nfields(e));
    }
    assert_int_equal(n, 3);
    assert_string_equal(seen[0], "t-redis:wa 1-1 2");
    assert_string_equal(seen[1], "t-redis:wa 1-2 1");
    assert_string_equal(seen[2], "t-redis:wb 5-0 3");

    /* field access on the last entry */
    cmn_stream_walk_init(&w, rep);
    cmn_stream_walk_next(&w, &name, &e);
    assert_string_equal(cmn_entry_field(e, "u")->str, "alice");
    assert_string_equal(cmn_entry_field(e, "k")->str, "m");
    assert_null(cmn_entry_field(e, "missing"));
    assert_null(cmn_entry_field(e, "ku"));
    cmn_entry_pair(e, 1, &f, &v);
    assert_string_equal(f->str, "u");
    assert_string_equal(v->str, "alice");
    freeReplyObject(rep);
}

static void
test_stream_walk_of_a_timed_out_read_is_empty(void **state)
{
    struct cmn_redis *r = *state;
    struct cmn_stream_walk w;
    const redisReply *e;
    const char *name;
    redisReply *rep;

    freeReplyObject(must(r, "DEL t-redis:empty"));
    freeReplyObject(must(r, "XADD t-redis:empty 1-1 a b"));
    /* XREAD with nothing new after BLOCK is NIL, not an empty array */
    rep = must(r, "XREAD BLOCK 10 STREAMS t-redis:empty $");
    assert_int_equal(rep->type, REDIS_REPLY_NIL);
    cmn_stream_walk_init(&w, rep);
    assert_int_equal(cmn_stream_walk_next(&w, &name, &e), 0);
    freeReplyObject(rep);
    cmn_stream_walk_init(&w, NULL);
    assert_int_equal(cmn_stream_walk_next(&w, &name, &e), 0);
}

static void
test_entry_helpers_refuse_malformed_entries(void **state)
{
    struct cmn_redis *r = *state;
    redisReply *rep;

    (void)state;
    assert_null(cmn_entry_id(NULL));
    rep = must(r, "ECHO notanentry");
    assert_null(cmn_entry_id(rep));
    assert_int_equal(cmn_entry_nfields(rep), 0);
    assert_null(cmn_entry_field(rep, "a"));
    freeReplyObject(rep);
}

static void
test_stream_ids_parse_into_ms_and_seq(void **state)
{
    unsigned long long ms = 0, seq = 0;

    (void)state;
    assert_int_equal(cmn_stream_id_parse("1795813005553-0", &ms, &seq), 0);
    assert_true(ms == 1795813005553ULL);
    assert_true(seq == 0);
    assert_int_equal(cmn_stream_id_parse("0-18446744073709551615", &ms, &seq),
                     0);
    assert_true(seq == 18446744073709551615ULL);
    assert_int_equal(cmn_stream_id_parse(NULL, &ms, &seq), -1);
    assert_int_equal(cmn_stream_id_parse("", &ms, &seq), -1);
    assert_int_equal(cmn_stream_id_parse("123", &ms, &seq), -1);
    assert_int_equal(cmn_stream_id_parse("123-", &ms, &seq), -1);
    assert_int_equal(cmn_stream_id_parse("-5", &ms, &seq), -1);
    assert_int_equal(cmn_stream_id_parse("1-2x", &ms, &seq), -1);
    assert_int_equal(cmn_stream_id_parse("a-1", &ms, &seq), -1);
    assert_int_equal(cmn_stream_id_parse("1-2-3", &ms, &seq), -1);
}

/* ---- scripts ------------------------------------------------------------ */

static struct cmn_script t_echo = {"echo",
    "return {KEYS[1], ARGV[1], #ARGV}", ""};
static struct cmn_script t_incr = {"incr",
    "return redis.call('INCRBY', KEYS[1], ARGV[1])", ""};

static void
test_script_init_computes_the_sha1_redis_uses(void **state)
{
    struct cmn_redis *r = *state;
    redisReply *rep;

    assert_int_equal(strlen(t_echo.sha), 40);
    rep = cmn_redis_cmd(r, "SCRIPT LOAD %s", t_echo.src);
    assert_non_null(rep);
    assert_string_equal(rep->str, t_echo.sha);
    freeReplyObject(rep);
}

static void
test_script_run_passes_keys_and_binary_args(void **state)
{
    struct cmn_redis *r = *state;
    const char *argv[] = {"t-redis:key", "a\0b", "x"};
    size_t lens[] = {11, 3, 1};
    redisReply *rep;

    rep = cmn_script_run(r, &t_echo, 1, 3, argv, lens);
    assert_non_null(rep);
    assert_int_equal(rep->type, REDIS_REPLY_ARRAY);
    assert_int_equal(rep->elements, 3);
    assert_string_equal(rep->element[0]->str, "t-redis:key");
    assert_int_equal(rep->element[1]->len, 3);
    assert_memory_equal(rep->element[1]->str, "a\0b", 3);
    assert_int_equal(rep->element[2]->integer, 2);
    freeReplyObject(rep);
}

static void
test_script_run_falls_back_to_eval_after_noscript(void **state)
{
    struct cmn_redis *r = *state;
    const char *argv[] = {"t-redis:n", "5"};
    redisReply *rep;

    freeReplyObject(must(r, "DEL t-redis:n"));
    freeReplyObject(must(r, "SCRIPT FLUSH"));
    rep = cmn_script_run(r, &t_incr, 1, 2, argv, NULL);
    assert_non_null(rep);
    assert_int_equal(rep->type, REDIS_REPLY_INTEGER);
    assert_int_equal(rep->integer, 5);
    freeReplyObject(rep);
    /* exactly once: the failed EVALSHA did not run it */
    rep = must(r, "GET t-redis:n");
    assert_string_equal(rep->str, "5");
    freeReplyObject(rep);
}

static void
test_script_errors_come_back_as_error_replies(void **state)
{
    struct cmn_redis *r = *state;
    const char *argv[] = {"t-redis:n2", "notanumber"};
    redisReply *rep;

    rep = cmn_script_run(r, &t_incr, 1, 2, argv, NULL);
    assert_non_null(rep);
    assert_int_equal(rep->type, REDIS_REPLY_ERROR);
    freeReplyObject(rep);
}

static void
test_reconnect_loads_known_scripts_for_pipelines(void **state)
{
    struct cmn_redis *r = *state;
    const char *argv[] = {"t-redis:pipe", "2"};
    redisReply *rep;
    long long deadline;

    freeReplyObject(must(r, "DEL t-redis:pipe"));
    /* a "restart": scripts forgotten and the connection gone */
    freeReplyObject(must(r, "SCRIPT FLUSH"));
    kill_client(client_id(r));
    assert_null(cmn_redis_cmd(r, "PING"));
    deadline = cmn_mono_ms() + 3000;
    while (cmn_redis_ctx(r) == NULL && cmn_mono_ms() < deadline)
        usleep(20000);
    assert_non_null(r->c);
    /* the pipelined EVALSHA must find the script loaded */
    assert_int_equal(cmn_script_append(r, &t_incr, 1, 2, argv, NULL), 0);
    assert_int_equal(cmn_script_append(r, &t_incr, 1, 2, argv, NULL), 0);
    rep = cmn_redis_get_reply(r);
    assert_int_equal(rep->type, REDIS_REPLY_INTEGER);
    assert_int_equal(rep->integer, 2);
    freeReplyObject(rep);
    rep = cmn_redis_get_reply(r);
    assert_int_equal(rep->integer, 4);
    freeReplyObject(rep);
}

static void
test_script_append_needs_a_connection(void **state)
{
    struct cmn_redis r;
    const char *argv[] = {"k", "1"};

    (void)state;
    cmn_redis_init(&r, "127.0.0.1", t_port, "none");
    assert_int_equal(cmn_script_append(&r, &t_incr, 1, 2, argv, NULL), -1);
}

static void
test_script_run_while_down_is_null(void **state)
{
    struct cmn_redis r;
    const char *argv[] = {"k", "1"};

    (void)state;
    cmn_redis_init(&r, "127.0.0.1", 1, "down");
    assert_null(cmn_script_run(&r, &t_incr, 1, 2, argv, NULL));
    cmn_redis_close(&r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_commands_run_on_a_lazily_opened_connection, setup_conn,
            teardown_conn),
        cmocka_unit_test_setup_teardown(test_argv_form_is_binary_safe,
                                        setup_conn, teardown_conn),
        cmocka_unit_test(test_unreachable_server_gives_null_and_backs_off),
        cmocka_unit_test_setup_teardown(
            test_killed_connection_is_dropped_then_reopened_after_backoff,
            setup_conn, teardown_conn),
        cmocka_unit_test(test_broken_on_a_closed_connection_is_harmless),
        cmocka_unit_test_setup_teardown(test_reply_is_error_matches_the_prefix,
                                        setup_conn, teardown_conn),
        cmocka_unit_test_setup_teardown(
            test_pipelined_replies_come_back_in_order, setup_conn,
            teardown_conn),
        cmocka_unit_test(test_get_reply_without_a_connection_is_null),
        cmocka_unit_test_setup_teardown(
            test_ensure_group_creates_the_stream_and_tolerates_busygroup,
            setup_conn, teardown_conn),
        cmocka_unit_test_setup_teardown(
            test_stream_walk_visits_every_entry_of_every_stream, setup_conn,
            teardown_conn),
        cmocka_unit_test_setup_teardown(
            test_stream_walk_of_a_timed_out_read_is_empty, setup_conn,
            teardown_conn),
        cmocka_unit_test_setup_teardown(
            test_entry_helpers_refuse_malformed_entries, setup_conn,
            teardown_conn),
        cmocka_unit_test(test_stream_ids_parse_into_ms_and_seq),
        cmocka_unit_test_setup_teardown(
            test_script_init_computes_the_sha1_redis_uses, setup_conn,
            teardown_conn),
        cmocka_unit_test_setup_teardown(
            test_script_run_passes_keys_and_binary_args, setup_conn,
            teardown_conn),
        cmocka_unit_test_setup_teardown(
            test_script_run_falls_back_to_eval_after_noscript, setup_conn,
            teardown_conn),
        cmocka_unit_test_setup_teardown(
            test_script_errors_come_back_as_error_replies, setup_conn,
            teardown_conn),
        cmocka_unit_test_setup_teardown(
            test_reconnect_loads_known_scripts_for_pipelines, setup_conn,
            teardown_conn),
        cmocka_unit_test(test_script_append_needs_a_connection),
        cmocka_unit_test(test_script_run_while_down_is_null),
    };

    /* outages are expected here: keep the output to the error lines */
    cmn_log_init("test", CMN_LOG_ERROR);
    cmn_script_init(&t_echo);
    cmn_script_init(&t_incr);
    return cmocka_run_group_tests(tests, find_redis, NULL);
}
