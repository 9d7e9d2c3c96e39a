/* test_faults.c -- the guarantees under failure, on the real stack with
 * two relays: kill -9 of a relay in the middle of a 10,000-message burst,
 * and a Redis restart during traffic. Every message whose sender got an
 * ack "delivered"/"cached" must reach the receiver (which drops duplicates
 * by message id, as clients may). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

#define BURST 10000
#define WINDOW 200            /* acks outstanding at most */

static struct itest_stack stack;
static const char *const overrides[] = {
    "RELAYS=2",
    "GW_EVENT_RATE=0",
    "RELAY_CLAIM_IDLE_MS=1000",
    "GW_SEND_QUEUE_MAX=100000",
    NULL
};

/* The set of message ids a test expects or has seen (sorted array). */
struct idset {
    char (*ids)[32];
    int n;
};

static int
id_cmp(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* What one burst did: ids acked as stored, acks with errors. */
struct burst {
    struct idset acked;
    int errors;
    int sent;
};

/* Take the ack of one message. */
static void
burst_take_ack(struct sioc_conn *c, struct burst *b, int timeout_ms)
{
    struct sioc_event ev;
    char res[32], id[32];

    if (sioc_wait_ack(c, -1, timeout_ms, &ev) != 0)
        fail_msg("ack timeout after %d sent", b->sent);
    if (sioc_event_str(&ev, "result", res, sizeof res) > 0 &&
        (strcmp(res, "delivered") == 0 || strcmp(res, "cached") == 0) &&
        sioc_event_str(&ev, "id", id, sizeof id) > 0)
        strcpy(b->acked.ids[b->acked.n++], id);
    else
        b->errors++;
    sioc_event_cleanup(&ev);
}

/* Pause this long (ms) between messages after `midway` ran, so traffic
 * goes on through and after the fault. */
static int pace_ms;

/* Send n messages a -> b with acks, at most WINDOW in flight; call
 * `midway` once after `at` messages. */
static void
burst_send(struct sioc_conn *c, const struct itest_user *a, const char *b, int n,
           struct burst *out, int at, void (*midway)(void))
{
    char arg[1400], err[CMN_ERR_LEN];
    int inflight = 0;

    out->acked.ids = calloc((size_t)n, sizeof *out->acked.ids);
    assert_non_null(out->acked.ids);
    for (int i = 0; i < n; i++) {
        if (i == at && midway != NULL)
            midway();
        if (i >= at && pace_ms > 0)
            sioc_pump(pace_ms);
        while (inflight >= WINDOW) {
            burst_take_ack(c, out, 20000);
            inflight--;
        }
        snprintf(arg, sizeof arg, "{\"sender\":\"%s\",\"content\":\"n%d\","
                 "\"conversation_room\":\"%s&%s\",\"jwt\":\"%s\"}", a->name,
                 i, a->name, b, a->token);
        if (sioc_emit_ack(c, "client_sends_message", arg, err) < 0)
            fail_msg("emit %d: %s", i, err);
        out->sent++;
        inflight++;
    }
    while (inflight-- > 0)
        burst_take_ack(c, out, 20000);
    qsort(out->acked.ids, (size_t)out->acked.n, sizeof *out->acked.ids,
          id_cmp);
}

/* Receive until every acked id arrived (duplicates dropped by id). Returns
 * how many acked ids are still missing after timeout_ms. */
static int
receive_all(struct sioc_conn *c, const struct idset *acked, int timeout_ms)
{
    char *seen = calloc((size_t)acked->n + 1, 1);
    long long deadline = itest_ms() + timeout_ms;
    int missing = acked->n, dups = 0;
    struct sioc_event ev;
    char id[32];

    assert_non_null(seen);
    while (missing > 0 && itest_ms() < deadline) {
        char (*hit)[32];

        if (sioc_wait_event(c, "received_message",
                            (int)(deadline - itest_ms()), &ev) != 0)
            break;
        if (sioc_event_str(&ev, "id", id, sizeof id) > 0 &&
            (hit = bsearch(id, acked->ids, (size_t)acked->n,
                           sizeof *acked->ids, id_cmp)) != NULL) {
            size_t k = (size_t)(hit - acked->ids);

            if (seen[k])
                dups++;                 /* a client drops it by id */
            else
                missing--;
            seen[k] = 1;
        }
        sioc_event_cleanup(&ev);
    }
    if (dups > 0)
        fprintf(stderr, "faults: %d duplicate deliveries dropped by id\n",
                dups);
    free(seen);
    return missing;
}

static void
kill_relay1(void)
{
    fprintf(stderr, "faults: kill -9 relay1\n");
    assert_int_equal(itest_kill(&stack, "relay1", SIGKILL), 0);
}

static void
test_relay_killed_mid_burst_loses_no_acked_message(void **state)
{
    struct itest_user a, b;
    struct sioc_conn *ca, *cb;
    struct burst out = {0};

    (void)state;
    itest_user_new(&stack, "kill_a", &a);
    itest_user_new(&stack, "kill_b", &b);
    ca = itest_online(&stack, &a);
    cb = itest_online(&stack, &b);
    burst_send(ca, &a, b.name, BURST, &out, BURST / 5, kill_relay1);
    fprintf(stderr, "faults: sent=%d acked=%d errors=%d\n", out.sent,
            out.acked.n, out.errors);
    assert_int_equal(out.acked.n + out.errors, BURST);
    assert_true(out.acked.n > BURST / 2);
    assert_int_equal(receive_all(cb, &out.acked, 30000), 0);
    free(out.acked.ids);
    sioc_close(ca);
    sioc_close(cb);
}

static void
restart_redis(void)
{
    fprintf(stderr, "faults: restarting Redis\n");
    assert_int_equal(itest_sh(&stack, "deploy/stack.sh restart %s redis",
                              stack.dir), 0);
}

static void
test_redis_restart_during_traffic_loses_no_acked_message(void **state)
{
    struct itest_user a, b;
    struct sioc_conn *ca, *cb;
    struct burst out = {0};
    char res[32];

    (void)state;
    itest_user_new(&stack, "rr_a", &a);
    itest_user_new(&stack, "rr_b", &b);
    ca = itest_online(&stack, &a);
    cb = itest_online(&stack, &b);
    pace_ms = 2;                /* ~4 s of traffic after the restart */
    burst_send(ca, &a, b.name, 3000, &out, 1000, restart_redis);
    pace_ms = 0;
    /* stored before the restart and again after it */
    assert_true(out.acked.n >= 2000);
    fprintf(stderr, "faults: sent=%d acked=%d errors=%d\n", out.sent,
            out.acked.n, out.errors);
    assert_int_equal(receive_all(cb, &out.acked, 30000), 0);
    /* and the services recovered by themselves: a new message flows
     * (Redis may still be loading its AOF for a moment) */
    for (long long end = itest_ms() + 10000; itest_ms() < end;) {
        itest_send(ca, a.name, b.name, "after the restart", a.token, res,
                   sizeof res, NULL, 0);
        if (strcmp(res, "delivered") == 0)
            break;
        sioc_pump(100);
    }
    assert_string_equal(res, "delivered");
    free(out.acked.ids);
    sioc_close(ca);
    sioc_close(cb);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_relay_killed_mid_burst_loses_no_acked_message),
        cmocka_unit_test(test_redis_restart_during_traffic_loses_no_acked_message),
    };

    return ITEST_RUN("faults", tests, &stack, overrides);
}
