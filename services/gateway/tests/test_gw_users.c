/* test_gw_users.c -- the user name -> local bound sessions index: counts
 * returned by add/del, unlinking from any position of a user's list,
 * growth past 1024 users, and freeing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gw_users.h"

/* The sessions of user `name`, as their link addresses, in list order. */
static int
links_of(const struct gw_users *u, const char *name,
         struct gw_user_link **out, int cap)
{
    struct gw_user *x = gw_users_find(u, name);
    struct gw_user_link *l, *prev = NULL;
    int n = 0;

    if (x == NULL)
        return 0;
    for (l = x->sessions; l != NULL; prev = l, l = l->next) {
        assert_ptr_equal(l->prev, prev);     /* back links are right */
        assert_true(n < cap);
        out[n++] = l;
    }
    assert_int_equal((unsigned)n, x->count);
    return n;
}

static void
test_first_session_of_a_user_counts_one(void **state)
{
    struct gw_users u;
    struct gw_user_link a = {0}, b = {0};

    (void)state;
    assert_int_equal(gw_users_init(&u), 0);
    assert_null(gw_users_find(&u, "alice"));
    assert_int_equal(gw_users_add(&u, "alice", &a), 1);
    assert_int_equal(gw_users_add(&u, "alice", &b), 2);
    assert_int_equal(u.count, 1);
    assert_non_null(gw_users_find(&u, "alice"));
    assert_string_equal(gw_users_find(&u, "alice")->name, "alice");
    assert_int_equal(gw_users_find(&u, "alice")->count, 2);
    gw_users_free(&u);
}

static void
test_names_match_exactly(void **state)
{
    struct gw_users u;
    struct gw_user_link a = {0}, b = {0};

    (void)state;
    gw_users_init(&u);
    gw_users_add(&u, "Era", &a);
    gw_users_add(&u, "era", &b);
    assert_int_equal(u.count, 2);
    assert_int_equal(gw_users_find(&u, "Era")->count, 1);
    assert_int_equal(gw_users_find(&u, "era")->count, 1);
    assert_null(gw_users_find(&u, "Er"));
    assert_null(gw_users_find(&u, "Era "));
    gw_users_free(&u);
}

static void
test_del_returns_the_sessions_left_and_forgets_the_user_at_zero(void **state)
{
    struct gw_users u;
    struct gw_user_link a = {0}, b = {0};

    (void)state;
    gw_users_init(&u);
    gw_users_add(&u, "bob", &a);
    gw_users_add(&u, "bob", &b);
    assert_int_equal(gw_users_del(&u, "bob", &a), 1);
    assert_null(a.next);
    assert_null(a.prev);
    assert_int_equal(gw_users_del(&u, "bob", &b), 0);
    assert_null(gw_users_find(&u, "bob"));
    assert_int_equal(u.count, 0);
    /* an unknown user: nothing to do */
    assert_int_equal(gw_users_del(&u, "bob", &b), 0);
    assert_int_equal(gw_users_del(&u, "nobody", &a), 0);
    gw_users_free(&u);
}

static void
test_unlinking_keeps_the_other_sessions_in_order(void **state)
{
    struct gw_users u;
    struct gw_user_link l[5], *got[5];

    (void)state;
    memset(l, 0, sizeof l);
    gw_users_init(&u);
    for (int i = 0; i < 5; i++)
        assert_int_equal(gw_users_add(&u, "carol", &l[i]), i + 1);
    /* newest first */
    assert_int_equal(links_of(&u, "carol", got, 5), 5);
    for (int i = 0; i < 5; i++)
        assert_ptr_equal(got[i], &l[4 - i]);
    /* middle, head, tail */
    assert_int_equal(gw_users_del(&u, "carol", &l[2]), 4);
    assert_int_equal(gw_users_del(&u, "carol", &l[4]), 3);
    assert_int_equal(gw_users_del(&u, "carol", &l[0]), 2);
    assert_int_equal(links_of(&u, "carol", got, 5), 2);
    assert_ptr_equal(got[0], &l[3]);
    assert_ptr_equal(got[1], &l[1]);
    /* a re-added session goes to the front */
    assert_int_equal(gw_users_add(&u, "carol", &l[2]), 3);
    assert_int_equal(links_of(&u, "carol", got, 5), 3);
    assert_ptr_equal(got[0], &l[2]);
    gw_users_free(&u);
}

static void
test_sessions_of_different_users_stay_apart(void **state)
{
    struct gw_users u;
    struct gw_user_link a1 = {0}, a2 = {0}, b1 = {0}, *got[4];

    (void)state;
    gw_users_init(&u);
    gw_users_add(&u, "alice", &a1);
    gw_users_add(&u, "bob", &b1);
    gw_users_add(&u, "alice", &a2);
    assert_int_equal(links_of(&u, "alice", got, 4), 2);
    assert_int_equal(links_of(&u, "bob", got, 4), 1);
    assert_ptr_equal(got[0], &b1);
    assert_int_equal(gw_users_del(&u, "bob", &b1), 0);
    assert_int_equal(links_of(&u, "alice", got, 4), 2);
    assert_int_equal(u.count, 1);
    gw_users_free(&u);
}

static void
test_index_grows_past_its_first_slots(void **state)
{
    enum { N = 5000 };
    struct gw_user_link *l = calloc(N, sizeof *l);
    struct gw_users u;
    char name[32];

    (void)state;
    gw_users_init(&u);
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof name, "user%d", i);
        assert_int_equal(gw_users_add(&u, name, &l[i]), 1);
    }
    assert_int_equal(u.count, N);
    assert_true(u.nslots > 1024);
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof name, "user%d", i);
        assert_non_null(gw_users_find(&u, name));
        assert_string_equal(gw_users_find(&u, name)->name, name);
    }
    for (int i = 0; i < N; i += 2) {
        snprintf(name, sizeof name, "user%d", i);
        assert_int_equal(gw_users_del(&u, name, &l[i]), 0);
    }
    assert_int_equal(u.count, N / 2);
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof name, "user%d", i);
        if (i % 2)
            assert_non_null(gw_users_find(&u, name));
        else
            assert_null(gw_users_find(&u, name));
    }
    gw_users_free(&u);
    free(l);
}

static void
test_free_releases_users_that_still_have_sessions(void **state)
{
    struct gw_users u;
    struct gw_user_link a = {0}, b = {0};

    (void)state;
    gw_users_init(&u);
    gw_users_add(&u, "left", &a);
    gw_users_add(&u, "behind", &b);
    gw_users_free(&u);                  /* ASan/valgrind: no leak */
    assert_null(u.slots);
    gw_users_free(&u);                  /* twice is harmless */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_session_of_a_user_counts_one),
        cmocka_unit_test(test_names_match_exactly),
        cmocka_unit_test(
            test_del_returns_the_sessions_left_and_forgets_the_user_at_zero),
        cmocka_unit_test(test_unlinking_keeps_the_other_sessions_in_order),
        cmocka_unit_test(test_sessions_of_different_users_stay_apart),
        cmocka_unit_test(test_index_grows_past_its_first_slots),
        cmocka_unit_test(test_free_releases_users_that_still_have_sessions),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
