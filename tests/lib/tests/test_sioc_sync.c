/* test_sioc_sync.c -- the blocking API against a scripted server: waits
 * that take the first match and keep the rest in order, acks, negative
 * assertions, failures to open, and events that outlive a close. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cmn/cmn_proc.h"
#include "sioc_fake_server.h"
#include "sioc_sync.h"
#include "sioc_ws_frame.h"

#define assert_span(s, want) do {                                      \
        struct cmn_json_span s_ = (s);                                 \
        const char *w_ = (want);                                       \
        if (s_.len != strlen(w_) || memcmp(s_.p, w_, s_.len) != 0)     \
            fail_msg("got %.*s, want %s", (int)s_.len,                 \
                     s_.p ? s_.p : "", w_);                            \
    } while (0)

static struct sioc_conn *
open_ok(struct fake *f, const char *auth)
{
    char err[CMN_ERR_LEN] = "";
    struct sioc_conn *c = sioc_open_blocking("127.0.0.1", f->port, auth,
                                             FAKE_MS, err);

    if (c == NULL)
        fail_msg("open: %s", err);
    return c;
}

static void
joined_ok(struct fake *f)
{
    const char *why = fake_join(f);

    if (why != NULL)
        fail_msg("server script: %s", why);
}

static void
script_queue(struct fake *f)
{
    char buf[64];
    int op;

    if (fake_connect(f, 25000, 20000) != 0 ||
        fake_text(f, "42[\"a\",1]") != 0 || fake_text(f, "42[\"b\",2]") != 0 ||
        fake_text(f, "42[\"a\",3]") != 0 ||
        fake_expect(f, "420[\"q\",{}]") != 0 ||
        fake_text(f, "430[\"r\"]") != 0 || fake_expect(f, "41") != 0)
        return;
    if (fake_recv(f, &op, buf, sizeof buf) != 2 || op != SIOC_WS_CLOSE) {
        fake_fail(f, "no close frame after 41");
        return;
    }
    fake_frame(f, SIOC_WS_CLOSE, 1, buf, 2, 0);
    fake_wait_eof(f);
}

static void
test_waits_take_the_first_match_and_keep_the_rest(void **state)
{
    struct fake f;
    struct sioc_conn *c;
    struct sioc_event ev;
    char err[CMN_ERR_LEN] = "";

    (void)state;
    assert_int_equal(fake_start(&f, script_queue, NULL), 0);
    c = open_ok(&f, NULL);
    assert_int_equal(sioc_wait_event(c, "b", FAKE_MS, &ev), 0);
    assert_span(ev.arg0, "2");
    sioc_event_cleanup(&ev);
    /* "a",1 came before "b" and waits; "a",3 may still be on its way */
    assert_true(sioc_pending(c) >= 1);
    assert_int_equal(sioc_wait_event(c, "a", FAKE_MS, &ev), 0);
    assert_span(ev.arg0, "1");
    sioc_event_cleanup(&ev);
    assert_int_equal(sioc_wait_event(c, NULL, FAKE_MS, &ev), 0);
    assert_string_equal(ev.name, "a");
    assert_span(ev.arg0, "3");
    sioc_event_cleanup(&ev);
    assert_int_equal(sioc_expect_no_event(c, "a", 100), 0);
    assert_int_equal(sioc_call(c, "q", "{}", FAKE_MS, &ev, err), 0);
    assert_span(ev.args, "[\"r\"]");
    sioc_event_cleanup(&ev);
    assert_int_equal(sioc_wait_event(c, "a", 50, &ev), -1);
    assert_int_equal(sioc_conn_state(c), SIOC_ST_CONNECTED);
    sioc_close(c);
    joined_ok(&f);
}

static void
script_refuse_auth(struct fake *f)
{
    if (fake_accept(f) == 0 && fake_upgrade(f) == 0 &&
        fake_open(f, 25000, 20000) == 0 &&
        fake_expect(f, "40{\"token\":\"x\"}") == 0 &&
        fake_text(f, "44{\"message\":\"Invalid JWT\"}") == 0)
        fake_wait_eof(f);
}

static void
test_open_reports_the_connect_error(void **state)
{
    struct fake f;
    char err[CMN_ERR_LEN] = "";

    (void)state;
    assert_int_equal(fake_start(&f, script_refuse_auth, NULL), 0);
    assert_null(sioc_open_blocking("127.0.0.1", f.port, "{\"token\":\"x\"}",
                                   FAKE_MS, err));
    assert_string_equal(err, "connect error: Invalid JWT");
    joined_ok(&f);
}

static void
script_mute(struct fake *f)
{
    if (fake_accept(f) == 0 && fake_upgrade(f) == 0)
        fake_wait_eof(f);
}

static void
test_open_times_out(void **state)
{
    struct fake f;
    char err[CMN_ERR_LEN] = "";
    long long t0 = cmn_mono_ms();

    (void)state;
    assert_int_equal(fake_start(&f, script_mute, NULL), 0);
    assert_null(sioc_open_blocking("127.0.0.1", f.port, NULL, 300, err));
    assert_true(cmn_mono_ms() - t0 < 2000);
    assert_non_null(strstr(err, "open timeout"));
    assert_non_null(strstr(err, "engine.io open"));
    joined_ok(&f);
}

static void
script_last_words(struct fake *f)
{
    if (fake_connect(f, 25000, 20000) == 0 &&
        fake_text(f, "42[\"last\",{\"words\":true}]") == 0 &&
        fake_text(f, "41") == 0)
        fake_wait_eof(f);
}

static void
test_events_outlive_the_close(void **state)
{
    struct fake f;
    struct sioc_conn *c;
    struct sioc_event ev;
    long long t0;

    (void)state;
    assert_int_equal(fake_start(&f, script_last_words, NULL), 0);
    c = open_ok(&f, "{}");
    assert_true(sioc_conn_stats(c)->connect_ms >= 0);
    assert_int_equal(sioc_wait_closed(c, FAKE_MS), 0);
    assert_int_equal(sioc_conn_close_reason(c), SIOC_CLOSE_SIO_DISCONNECT);
    assert_int_equal(sioc_wait_event(c, "last", 0, &ev), 0);
    assert_span(ev.arg0, "{\"words\":true}");
    sioc_event_cleanup(&ev);
    t0 = cmn_mono_ms();
    assert_int_equal(sioc_wait_event(c, "last", FAKE_MS, &ev), -1);
    assert_true(cmn_mono_ms() - t0 < 100);      /* closed: no waiting */
    sioc_close(c);                              /* fine on a closed one */
    joined_ok(&f);
}

static void
script_two_phases(struct fake *f)
{
    if (fake_connect(f, 25000, 20000) == 0 && fake_text(f, "42[\"x\"]") == 0 &&
        fake_expect(f, "42[\"go\"]") == 0 && fake_text(f, "42[\"y\"]") == 0)
        fake_wait_eof(f);
}

static void
test_expect_no_event_returns_when_one_comes(void **state)
{
    struct fake f;
    struct sioc_conn *c;
    long long t0;
    char err[CMN_ERR_LEN] = "";

    (void)state;
    assert_int_equal(fake_start(&f, script_two_phases, NULL), 0);
    c = open_ok(&f, NULL);
    t0 = cmn_mono_ms();
    assert_int_equal(sioc_expect_no_event(c, "x", 2000), 1);
    assert_true(cmn_mono_ms() - t0 < 1500);
    assert_int_equal(sioc_expect_no_event(c, "y", 200), 0);
    assert_int_equal(sioc_emit(c, "go", NULL, err), 0);
    assert_int_equal(sioc_expect_no_event(c, "y", 2000), 1);
    assert_int_equal(sioc_pending(c), 2);       /* nothing was taken */
    sioc_conn_free(c);
    joined_ok(&f);
}

static void
script_idle(struct fake *f)
{
    if (fake_connect(f, 25000, 20000) == 0)
        fake_wait_eof(f);
}

static void
test_two_blocking_connections_share_the_loop(void **state)
{
    struct fake fa, fb;
    struct sioc_conn *a, *b;
    struct sioc_event ev;
    char err[CMN_ERR_LEN] = "";

    (void)state;
    assert_int_equal(fake_start(&fa, script_idle, NULL), 0);
    assert_int_equal(fake_start(&fb, script_two_phases, NULL), 0);
    a = open_ok(&fa, NULL);
    b = open_ok(&fb, NULL);
    assert_int_equal(sioc_emit(b, "go", NULL, err), 0);
    /* waiting on a serves b: its "y" is queued meanwhile */
    assert_int_equal(sioc_expect_no_event(a, "y", 1000), 0);
    assert_int_equal(sioc_pending(b), 2);
    assert_int_equal(sioc_wait_event(b, "y", 0, &ev), 0);
    sioc_event_cleanup(&ev);
    sioc_conn_free(b);
    sioc_conn_free(a);
    joined_ok(&fa);
    joined_ok(&fb);
    /* the shared loop went with the last one; a new open makes another */
    assert_int_equal(fake_start(&fa, script_idle, NULL), 0);
    a = open_ok(&fa, NULL);
    sioc_pump(10);
    sioc_close(a);
    joined_ok(&fa);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_waits_take_the_first_match_and_keep_the_rest),
        cmocka_unit_test(test_open_reports_the_connect_error),
        cmocka_unit_test(test_open_times_out),
        cmocka_unit_test(test_events_outlive_the_close),
        cmocka_unit_test(test_expect_no_event_returns_when_one_comes),
        cmocka_unit_test(test_two_blocking_connections_share_the_loop),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
