/* test_gw_session.c -- the sid table (add/find/delete, growth past its
 * first 1024 slots, colliding chains), a session's namespace list, binary
 * assemblies and random ids. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "gw_session.h"

static struct gw_session *
new_session(const char *sid)
{
    struct gw_session *s = calloc(1, sizeof *s);

    snprintf(s->sid, sizeof s->sid, "%s", sid);
    s->heap_idx = -1;
    gw_queue_init(&s->out);
    return s;
}

/* ---- the sid table ------------------------------------------------------ */

static void
test_table_finds_what_was_added(void **state)
{
    struct gw_table t;
    struct gw_session *a = new_session("g1.aaaa"), *b = new_session("g1.bbbb");

    (void)state;
    assert_int_equal(gw_table_init(&t), 0);
    assert_null(gw_table_find(&t, "g1.aaaa"));
    assert_int_equal(gw_table_add(&t, a), 0);
    assert_int_equal(gw_table_add(&t, b), 0);
    assert_int_equal(t.count, 2);
    assert_ptr_equal(gw_table_find(&t, "g1.aaaa"), a);
    assert_ptr_equal(gw_table_find(&t, "g1.bbbb"), b);
    /* exact match only */
    assert_null(gw_table_find(&t, "g1.aaa"));
    assert_null(gw_table_find(&t, "g1.aaaaa"));
    assert_null(gw_table_find(&t, ""));
    gw_table_free(&t);
    free(a);
    free(b);
}

static void
test_table_delete_forgets_only_that_session(void **state)
{
    struct gw_table t;
    struct gw_session *a = new_session("x1"), *b = new_session("x2");
    struct gw_session *stranger = new_session("x3");

    (void)state;
    gw_table_init(&t);
    gw_table_add(&t, a);
    gw_table_add(&t, b);
    gw_table_del(&t, a);
    assert_int_equal(t.count, 1);
    assert_null(gw_table_find(&t, "x1"));
    assert_ptr_equal(gw_table_find(&t, "x2"), b);
    /* deleting one that is not in the table changes nothing */
    gw_table_del(&t, stranger);
    gw_table_del(&t, a);
    assert_int_equal(t.count, 1);
    assert_ptr_equal(gw_table_find(&t, "x2"), b);
    gw_table_free(&t);
    free(a);
    free(b);
    free(stranger);
}

static void
test_table_keeps_every_session_across_growth(void **state)
{
    enum { N = 5000 };
    struct gw_session **s = malloc(N * sizeof *s);
    struct gw_table t;
    char sid[GW_SID_MAX];

    (void)state;
    gw_table_init(&t);
    for (int i = 0; i < N; i++) {
        snprintf(sid, sizeof sid, "g1.%020d", i);
        s[i] = new_session(sid);
        assert_int_equal(gw_table_add(&t, s[i]), 0);
    }
    assert_int_equal(t.count, N);
    assert_true(t.nslots >= N);
    assert_int_equal(t.nslots & (t.nslots - 1), 0);   /* a power of two */
    for (int i = 0; i < N; i++) {
        snprintf(sid, sizeof sid, "g1.%020d", i);
        assert_ptr_equal(gw_table_find(&t, sid), s[i]);
    }
    /* delete every other one; the rest stay findable */
    for (int i = 0; i < N; i += 2)
        gw_table_del(&t, s[i]);
    assert_int_equal(t.count, N / 2);
    for (int i = 0; i < N; i++) {
        snprintf(sid, sizeof sid, "g1.%020d", i);
        if (i % 2 == 0)
            assert_null(gw_table_find(&t, sid));
        else
            assert_ptr_equal(gw_table_find(&t, sid), s[i]);
    }
    gw_table_free(&t);
    for (int i = 0; i < N; i++)
        free(s[i]);
    free(s);
}

static void
test_table_deletes_from_the_middle_of_a_chain(void **state)
{
    /* with 1024 slots, 3000 sids share chains; delete chain members in
     * every position and check the neighbours */
    enum { N = 3000 };
    struct gw_session **s = malloc(N * sizeof *s);
    struct gw_table t;
    char sid[GW_SID_MAX];

    (void)state;
    gw_table_init(&t);
    for (int i = 0; i < N; i++) {
        snprintf(sid, sizeof sid, "c%d", i);
        s[i] = new_session(sid);
        gw_table_add(&t, s[i]);
    }
    for (int i = 0; i < N; i += 3)
        gw_table_del(&t, s[i]);
    for (int i = 0; i < N; i++) {
        snprintf(sid, sizeof sid, "c%d", i);
        assert_ptr_equal(gw_table_find(&t, sid), i % 3 ? s[i] : NULL);
    }
    gw_table_free(&t);
    for (int i = 0; i < N; i++)
        free(s[i]);
    free(s);
}

/* ---- namespaces --------------------------------------------------------- */

static void
test_namespaces_are_added_found_and_deleted(void **state)
{
    struct gw_session *s = new_session("n1");
    struct gw_nsp *root, *custom;

    (void)state;
    assert_null(gw_nsp_find(s, "/", 1));
    root = gw_nsp_add(s, "/", 1);
    custom = gw_nsp_add(s, "/custom", 7);
    assert_non_null(root);
    assert_non_null(custom);
    assert_string_equal(root->name, "/");
    assert_string_equal(custom->name, "/custom");
    assert_int_equal(custom->len, 7);
    assert_ptr_equal(gw_nsp_find(s, "/", 1), root);
    assert_ptr_equal(gw_nsp_find(s, "/custom", 7), custom);
    /* lengths matter: "/c" is not "/custom", "/custom," not either */
    assert_null(gw_nsp_find(s, "/c", 2));
    assert_null(gw_nsp_find(s, "/custom,", 8));
    /* found by length even without a NUL after the name */
    assert_ptr_equal(gw_nsp_find(s, "/customXYZ", 7), custom);

    gw_nsp_del(s, root);
    assert_null(gw_nsp_find(s, "/", 1));
    assert_ptr_equal(gw_nsp_find(s, "/custom", 7), custom);
    gw_nsp_free_all(s);
    assert_null(s->nsps);
    free(s);
}

static void
test_each_namespace_gets_its_own_socket_id(void **state)
{
    struct gw_session *s = new_session("n2");
    struct gw_nsp *a = gw_nsp_add(s, "/", 1);
    struct gw_nsp *b = gw_nsp_add(s, "/admin", 6);

    (void)state;
    assert_int_equal(strlen(a->sid), 20);
    assert_int_equal(strlen(b->sid), 20);
    assert_string_not_equal(a->sid, b->sid);
    assert_int_equal(strspn(a->sid, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
                                     "opqrstuvwxyz0123456789-_"), 20);
    gw_nsp_free_all(s);
    free(s);
}

static void
test_deleting_a_foreign_namespace_changes_nothing(void **state)
{
    struct gw_session *s = new_session("n3"), *other = new_session("n4");
    struct gw_nsp *mine = gw_nsp_add(s, "/", 1);
    struct gw_nsp *theirs = gw_nsp_add(other, "/", 1);

    (void)state;
    gw_nsp_del(s, theirs);
    assert_ptr_equal(gw_nsp_find(s, "/", 1), mine);
    assert_ptr_equal(gw_nsp_find(other, "/", 1), theirs);
    gw_nsp_free_all(s);
    gw_nsp_free_all(other);
    free(s);
    free(other);
}

static void
test_namespace_names_may_hold_any_bytes(void **state)
{
    struct gw_session *s = new_session("n5");
    struct gw_nsp *n = gw_nsp_add(s, "/a\0b", 4);

    (void)state;
    assert_int_equal(n->len, 4);
    assert_memory_equal(n->name, "/a\0b", 4);
    assert_ptr_equal(gw_nsp_find(s, "/a\0b", 4), n);
    assert_null(gw_nsp_find(s, "/a", 2));
    gw_nsp_free_all(s);
    free(s);
}

/* ---- binary assemblies and ids ------------------------------------------ */

static void
test_binpend_free_releases_the_attachments_it_has(void **state)
{
    struct gw_binpend *b = calloc(1, sizeof *b + 3 * sizeof(struct gw_pkt *));
    struct gw_pkt *shared = gw_pkt_new("\x01", 1, 1);

    (void)state;
    b->text = strdup("52-[\"x\",{\"_placeholder\":true,\"num\":0}]");
    b->want = 3;
    b->att[b->have++] = gw_pkt_new("\x02", 1, 1);
    gw_pkt_ref(shared);
    b->att[b->have++] = shared;
    gw_binpend_free(b);
    assert_int_equal(shared->refs, 1);
    gw_pkt_unref(shared);
    gw_binpend_free(NULL);
}

static void
test_random_ids_are_url_safe_and_distinct(void **state)
{
    char a[32], b[32], big[100];

    (void)state;
    gw_random_id(a, 20);
    gw_random_id(b, 20);
    assert_int_equal(strlen(a), 20);
    assert_string_not_equal(a, b);
    assert_int_equal(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrs"
                               "tuvwxyz0123456789-_"), 20);
    gw_random_id(a, 0);
    assert_string_equal(a, "");
    /* capped at 64 characters */
    memset(big, 'Z', sizeof big);
    gw_random_id(big, 90);
    assert_int_equal(strlen(big), 64);
}

static void
test_random_ids_use_the_whole_alphabet(void **state)
{
    char id[65];
    int seen[256] = {0}, kinds = 0;

    (void)state;
    for (int i = 0; i < 200; i++) {
        gw_random_id(id, 64);
        for (int k = 0; k < 64; k++)
            seen[(unsigned char)id[k]]++;
    }
    for (int c = 0; c < 256; c++)
        kinds += seen[c] > 0;
    assert_int_equal(kinds, 64);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_finds_what_was_added),
        cmocka_unit_test(test_table_delete_forgets_only_that_session),
        cmocka_unit_test(test_table_keeps_every_session_across_growth),
        cmocka_unit_test(test_table_deletes_from_the_middle_of_a_chain),
        cmocka_unit_test(test_namespaces_are_added_found_and_deleted),
        cmocka_unit_test(test_each_namespace_gets_its_own_socket_id),
        cmocka_unit_test(test_deleting_a_foreign_namespace_changes_nothing),
        cmocka_unit_test(test_namespace_names_may_hold_any_bytes),
        cmocka_unit_test(test_binpend_free_releases_the_attachments_it_has),
        cmocka_unit_test(test_random_ids_are_url_safe_and_distinct),
        cmocka_unit_test(test_random_ids_use_the_whole_alphabet),
    };

    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
