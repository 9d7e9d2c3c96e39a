/* test_auth_contacts.c -- room names and the contacts list body. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "auth_contacts.h"

static void
test_room_sorts_names_by_byte_order(void **state)
{
    char room[64];

    (void)state;
    auth_contacts_room("Lisa", "Era", room, sizeof room);
    assert_string_equal(room, "Era&Lisa");
    auth_contacts_room("Era", "Lisa", room, sizeof room);
    assert_string_equal(room, "Era&Lisa");
    /* byte order: uppercase sorts before lowercase */
    auth_contacts_room("alice", "Zed", room, sizeof room);
    assert_string_equal(room, "Zed&alice");
}

static void
test_room_that_does_not_fit_is_empty(void **state)
{
    char room[6];

    (void)state;
    auth_contacts_room("Lisa", "Era", room, sizeof room);
    assert_string_equal(room, "");
}

static void
test_body_lists_peers_rooms_and_online(void **state)
{
    const char *users[] = {"Avi", "ChatGPT", "Era", "Lisa"};
    const char *online[] = {"Lisa", "ChatGPT", "ghost", "Lisa"};
    struct cmn_buf b;

    (void)state;
    cmn_buf_init(&b);
    assert_int_equal(auth_contacts_json(&b, "Era", users, 4, online, 4), 0);
    assert_string_equal(b.p,
        "{\"contacts\":{\"Avi\":\"Avi&Era\",\"ChatGPT\":\"ChatGPT&Era\","
        "\"Lisa\":\"Era&Lisa\"},"
        "\"currently_online\":[\"ChatGPT\",\"Lisa\"],"
        "\"all_existing_contacts\":[\"Avi\",\"ChatGPT\",\"Era\",\"Lisa\"]}");
    cmn_buf_free(&b);
}

static void
test_body_for_a_lone_user(void **state)
{
    const char *users[] = {"Era"};
    struct cmn_buf b;

    (void)state;
    cmn_buf_init(&b);
    assert_int_equal(auth_contacts_json(&b, "Era", users, 1, NULL, 0), 0);
    assert_string_equal(b.p, "{\"contacts\":{},\"currently_online\":[],"
                        "\"all_existing_contacts\":[\"Era\"]}");
    cmn_buf_free(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_room_sorts_names_by_byte_order),
        cmocka_unit_test(test_room_that_does_not_fit_is_empty),
        cmocka_unit_test(test_body_lists_peers_rooms_and_online),
        cmocka_unit_test(test_body_for_a_lone_user),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
