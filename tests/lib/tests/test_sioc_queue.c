/* test_sioc_queue.c -- the blocking API's event FIFO: order, matching by
 * name or ack id, taking from the middle, and the byte bound. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sioc_queue.h"

static void
push(struct sioc_queue *q, enum sioc_event_kind kind, const char *name,
     long id, const char *data)
{
    struct sioc_event ev;

    memset(&ev, 0, sizeof ev);
    ev.kind = kind;
    snprintf(ev.name, sizeof ev.name, "%s", name);
    ev.id = id;
    ev.data = (struct cmn_json_span){data, strlen(data)};
    ev.args = ev.data;
    assert_int_equal(sioc_queue_push(q, &ev), 0);
}

static void
take(struct sioc_queue *q, enum sioc_event_kind kind, const char *name,
     long id, const char *want)
{
    struct sioc_event ev;

    assert_int_equal(sioc_queue_take(q, kind, name, id, &ev), 1);
    assert_int_equal(ev.data.len, strlen(want));
    assert_memory_equal(ev.data.p, want, ev.data.len);
    sioc_event_cleanup(&ev);
}

static void
test_take_finds_first_match_and_keeps_the_rest_in_order(void **state)
{
    struct sioc_queue q;
    struct sioc_event ev;

    (void)state;
    sioc_queue_init(&q, 1 << 20);
    push(&q, SIOC_EVENT, "a", -1, "[1]");
    push(&q, SIOC_EVENT, "b", -1, "[2]");
    push(&q, SIOC_ACK, "", 7, "[3]");
    push(&q, SIOC_EVENT, "a", -1, "[4]");
    push(&q, SIOC_ACK, "", 8, "[5]");
    assert_int_equal(q.count, 5);
    take(&q, SIOC_EVENT, "b", -1, "[2]");
    take(&q, SIOC_ACK, NULL, 8, "[5]");     /* the tail */
    assert_true(sioc_queue_has(&q, SIOC_EVENT, "a", -1));
    assert_false(sioc_queue_has(&q, SIOC_EVENT, "b", -1));
    assert_false(sioc_queue_has(&q, SIOC_ACK, NULL, 9));
    take(&q, SIOC_EVENT, NULL, -1, "[1]");  /* any event: the oldest */
    take(&q, SIOC_EVENT, "a", -1, "[4]");
    assert_int_equal(sioc_queue_take(&q, SIOC_EVENT, NULL, -1, &ev), 0);
    /* the tail was removed: pushing again must still link correctly */
    push(&q, SIOC_EVENT, "c", -1, "[6]");
    take(&q, SIOC_ACK, NULL, -1, "[3]");
    take(&q, SIOC_EVENT, "c", -1, "[6]");
    assert_int_equal(q.count, 0);
    assert_int_equal(q.bytes, 0);
    assert_null(q.head);
    assert_null(q.tail);
    sioc_queue_clear(&q);
}

static void
test_bound_refuses_new_items(void **state)
{
    struct sioc_queue q;
    struct sioc_event ev;

    (void)state;
    sioc_queue_init(&q, 20);
    memset(&ev, 0, sizeof ev);
    ev.kind = SIOC_EVENT;
    ev.data = (struct cmn_json_span){"[12345]", 7};
    ev.args = ev.data;
    assert_int_equal(sioc_queue_push(&q, &ev), 0);      /* 14 bytes */
    assert_int_equal(sioc_queue_push(&q, &ev), -1);     /* would be 28 */
    assert_int_equal(q.count, 1);
    sioc_queue_clear(&q);                               /* frees items */
    assert_int_equal(q.count, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_take_finds_first_match_and_keeps_the_rest_in_order),
        cmocka_unit_test(test_bound_refuses_new_items),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
