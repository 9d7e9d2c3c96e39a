/* test_aib_queue.c -- the per-user lanes: each user's messages come out
 * in order and one at a time, users take turns, every held id is listed
 * for lease renewal, the cap and the close work. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "aib_queue.h"

static void
push(struct aib_queue *q, const char *id, const char *user)
{
    aib_queue_push(q, aib_job_new(id, 0, user, "r", "\"x\"", 3));
}

static void
test_one_user_is_served_in_order_and_one_at_a_time(void **state)
{
    struct aib_queue q;
    struct aib_job *a, *b;

    (void)state;
    assert_int_equal(aib_queue_init(&q, 10), 0);
    push(&q, "1-0", "era");
    push(&q, "2-0", "era");
    a = aib_queue_take(&q, 10);
    assert_non_null(a);
    assert_string_equal(a->id, "1-0");
    assert_string_equal(a->content, "\"x\"");
    /* era's lane is busy: her second message waits for the first */
    assert_null(aib_queue_take(&q, 10));
    aib_queue_done(&q, a);
    b = aib_queue_take(&q, 10);
    assert_non_null(b);
    assert_string_equal(b->id, "2-0");
    aib_queue_done(&q, b);
    assert_int_equal(aib_queue_len(&q), 0);
    aib_queue_destroy(&q);
}

static void
test_users_take_turns(void **state)
{
    struct aib_queue q;
    struct aib_job *e1, *a3, *e2, *a4;

    (void)state;
    aib_queue_init(&q, 10);
    push(&q, "1-0", "era");
    push(&q, "2-0", "era");
    push(&q, "3-0", "avi");
    push(&q, "4-0", "avi");
    e1 = aib_queue_take(&q, 10);
    a3 = aib_queue_take(&q, 10);
    assert_string_equal(e1->id, "1-0");
    assert_string_equal(a3->id, "3-0");      /* not era's second */
    assert_null(aib_queue_take(&q, 10));     /* both lanes busy */
    aib_queue_done(&q, e1);
    e2 = aib_queue_take(&q, 10);
    assert_string_equal(e2->id, "2-0");
    aib_queue_done(&q, a3);
    a4 = aib_queue_take(&q, 10);
    assert_string_equal(a4->id, "4-0");
    aib_queue_done(&q, e2);
    aib_queue_done(&q, a4);
    assert_int_equal(aib_queue_len(&q), 0);
    aib_queue_destroy(&q);
}

static void
test_held_ids_include_jobs_in_progress(void **state)
{
    struct aib_queue q;
    char ids[4][AIB_ID_MAX];
    struct aib_job *j;

    (void)state;
    aib_queue_init(&q, 10);
    push(&q, "1-0", "era");
    push(&q, "2-0", "avi");
    push(&q, "3-0", "era");
    j = aib_queue_take(&q, 10);
    assert_int_equal(aib_queue_ids(&q, ids, 4), 3);
    assert_true(aib_queue_has(&q, "1-0"));     /* in progress */
    assert_true(aib_queue_has(&q, "3-0"));
    assert_false(aib_queue_has(&q, "9-0"));
    /* a small array still gets the count */
    assert_int_equal(aib_queue_ids(&q, ids, 1), 3);
    aib_queue_done(&q, j);
    assert_false(aib_queue_has(&q, "1-0"));
    assert_int_equal(aib_queue_ids(&q, ids, 4), 2);
    aib_queue_destroy(&q);                      /* frees what is left */
}

static void
test_the_cap_and_the_close(void **state)
{
    struct aib_queue q;
    struct aib_job *j;

    (void)state;
    aib_queue_init(&q, 2);
    assert_true(aib_queue_wait_space(&q, 10));
    push(&q, "1-0", "a");
    push(&q, "2-0", "b");
    assert_false(aib_queue_wait_space(&q, 20));
    j = aib_queue_take(&q, 10);
    aib_queue_done(&q, j);
    assert_true(aib_queue_wait_space(&q, 10));
    assert_false(aib_queue_closed(&q));
    aib_queue_close(&q);
    assert_true(aib_queue_closed(&q));
    /* closed: workers get nothing more, the rest stays for later */
    assert_null(aib_queue_take(&q, 10));
    assert_int_equal(aib_queue_len(&q), 1);
    aib_queue_destroy(&q);
}

static void
test_offline_jobs_carry_no_content(void **state)
{
    struct aib_job *j = aib_job_new("5-0", 1, "era", NULL, NULL, 0);

    (void)state;
    assert_non_null(j);
    assert_int_equal(j->offline, 1);
    assert_null(j->content);
    assert_null(j->room);
    aib_job_free(j);
    aib_job_free(NULL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_user_is_served_in_order_and_one_at_a_time),
        cmocka_unit_test(test_users_take_turns),
        cmocka_unit_test(test_held_ids_include_jobs_in_progress),
        cmocka_unit_test(test_the_cap_and_the_close),
        cmocka_unit_test(test_offline_jobs_carry_no_content),
    };

    return cmocka_run_group_tests_name("aib_queue", tests, NULL, NULL);
}
