/* test_relay_route.c -- the relay's pure helpers: the peer of a room, the
 * canonical room name, the packets it sends (exact bytes, valid JSON,
 * content passed through unchanged), the message id inside a stored
 * packet, and gateway lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "cmn/cmn_json.h"
#include "relay_route.h"

/* ---- rooms -------------------------------------------------------------- */

static void
test_room_peer_is_the_other_member_in_either_order(void **state)
{
    char peer[RELAY_NAME_MAX];

    (void)state;
    assert_int_equal(relay_room_peer("alice&bob", "alice", peer, sizeof peer),
                     0);
    assert_string_equal(peer, "bob");
    assert_int_equal(relay_room_peer("alice&bob", "bob", peer, sizeof peer),
                     0);
    assert_string_equal(peer, "alice");
    assert_int_equal(relay_room_peer("Era&Leonid", "Leonid", peer,
                                     sizeof peer), 0);
    assert_string_equal(peer, "Era");
}

static void
test_room_peer_refuses_a_sender_who_is_not_a_member(void **state)
{
    char peer[RELAY_NAME_MAX] = "untouched";

    (void)state;
    assert_int_equal(relay_room_peer("alice&bob", "carol", peer, sizeof peer),
                     -1);
    /* prefixes and suffixes of a member are not that member */
    assert_int_equal(relay_room_peer("alice&bob", "ali", peer, sizeof peer),
                     -1);
    assert_int_equal(relay_room_peer("alice&bob", "alicex", peer,
                                     sizeof peer), -1);
    assert_int_equal(relay_room_peer("alice&bob", "bo", peer, sizeof peer),
                     -1);
    assert_int_equal(relay_room_peer("alice&bob", "", peer, sizeof peer), -1);
    assert_string_equal(peer, "untouched");
}

static void
test_room_peer_refuses_malformed_rooms(void **state)
{
    static const char *const bad[] = {"alicebob", "&bob", "alice&", "&",
                                      "a&b&c", "alice&&bob", ""};
    char peer[RELAY_NAME_MAX];

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (relay_room_peer(bad[i], "alice", peer, sizeof peer) != -1 ||
            relay_room_peer(bad[i], "bob", peer, sizeof peer) != -1)
            fail_msg("room \"%s\" was accepted", bad[i]);
    }
}

static void
test_room_with_oneself_is_refused(void **state)
{
    char peer[RELAY_NAME_MAX];

    (void)state;
    assert_int_equal(relay_room_peer("alice&alice", "alice", peer,
                                     sizeof peer), -1);
}

static void
test_room_peer_needs_room_for_the_name(void **state)
{
    char peer[4];

    (void)state;
    assert_int_equal(relay_room_peer("al&bob", "al", peer, sizeof peer), 0);
    assert_string_equal(peer, "bob");
    assert_int_equal(relay_room_peer("al&bobby", "al", peer, sizeof peer), -1);
    assert_int_equal(relay_room_peer("alice&bo", "bo", peer, sizeof peer), -1);
    assert_int_equal(relay_room_peer("ali&bo", "bo", peer, sizeof peer), 0);
    assert_string_equal(peer, "ali");
}

static void
test_canonical_room_sorts_the_names_by_bytes(void **state)
{
    char room[2 * RELAY_NAME_MAX + 2];

    (void)state;
    relay_room_canonical("bob", "alice", room, sizeof room);
    assert_string_equal(room, "alice&bob");
    relay_room_canonical("alice", "bob", room, sizeof room);
    assert_string_equal(room, "alice&bob");
    /* byte order: upper case sorts before lower case */
    relay_room_canonical("era", "Leonid", room, sizeof room);
    assert_string_equal(room, "Leonid&era");
    relay_room_canonical("ab", "a", room, sizeof room);
    assert_string_equal(room, "a&ab");
    relay_room_canonical("alice", "bob", room, 6);
    assert_string_equal(room, "alice");
}

/* ---- packets ------------------------------------------------------------ */

/* The Socket.IO payload of an EVENT/ACK packet must be valid JSON. */
static void
assert_packet_json(const struct cmn_buf *b, size_t prefix)
{
    assert_true(b->len > prefix);
    assert_int_equal(cmn_json_validate(b->p + prefix, b->len - prefix), 0);
}

static void
test_message_packet_is_received_message_with_raw_content(void **state)
{
    static const char content[] = "\"hi \\u00e9 \\\"there\\\"\"";
    struct cmn_buf b;

    (void)state;
    cmn_buf_init(&b);
    assert_int_equal(relay_packet_message(&b, "alice", content,
                                          sizeof content - 1,
                                          "1795816946742-0", "alice&bob",
                                          1795816946742LL), 0);
    assert_string_equal(b.p,
        "42[\"received_message\",{\"sender\":\"alice\",\"content\":"
        "\"hi \\u00e9 \\\"there\\\"\",\"id\":\"1795816946742-0\","
        "\"room\":\"alice&bob\",\"timestamp\":1795816946742}]");
    assert_packet_json(&b, 2);
    cmn_buf_free(&b);
}

static void
test_message_packet_escapes_names(void **state)
{
    struct cmn_buf b;
    struct cmn_json_span arr, obj, v;
    struct cmn_json_iter it;
    char sender[16];

    (void)state;
    cmn_buf_init(&b);
    relay_packet_message(&b, "a\"b", "\"x\"", 3, "1-0", "a\"b&c", 5);
    assert_packet_json(&b, 2);
    arr.p = b.p + 2;
    arr.len = b.len - 2;
    cmn_json_iter_init(&it, arr);
    cmn_json_array_next(&it, &v);
    cmn_json_array_next(&it, &obj);
    assert_int_equal(cmn_json_get_string(obj, "sender", sender,
                                         sizeof sender), 3);
    assert_string_equal(sender, "a\"b");
    cmn_buf_free(&b);
}

static void
test_ai_packet_names_the_bot(void **state)
{
    struct cmn_buf b;

    (void)state;
    cmn_buf_init(&b);
    assert_int_equal(relay_packet_ai(&b, "Leonid", "\"Hello!\"", 8, "7-1"), 0);
    assert_string_equal(b.p, "42[\"ai_response_received\",{\"sender\":"
                             "\"Leonid\",\"content\":\"Hello!\",\"id\":"
                             "\"7-1\"}]");
    assert_packet_json(&b, 2);
    cmn_buf_free(&b);
}

static void
test_admin_packet_quotes_its_text(void **state)
{
    struct cmn_buf b;

    (void)state;
    cmn_buf_init(&b);
    assert_int_equal(relay_packet_admin(&b, "Error! User 'x' must \"re\"\n"),
                     0);
    assert_string_equal(b.p, "42[\"received_message\",{\"sender\":\"Admin\","
                             "\"content\":\"Error! User 'x' must "
                             "\\\"re\\\"\\n\"}]");
    assert_packet_json(&b, 2);
    cmn_buf_free(&b);
}

static void
test_ack_packet_carries_the_ack_id_result_and_id(void **state)
{
    struct cmn_buf b;

    (void)state;
    cmn_buf_init(&b);
    assert_int_equal(relay_packet_ack(&b, "12", "delivered", "5-0", NULL), 0);
    assert_string_equal(b.p, "4312[{\"result\":\"delivered\",\"id\":\"5-0\"}]");
    assert_packet_json(&b, 4);
    cmn_buf_reset(&b);
    assert_int_equal(relay_packet_ack(&b, "0", "error", "6-0",
                                      "no such \"user\""), 0);
    assert_string_equal(b.p, "430[{\"result\":\"error\",\"reason\":"
                             "\"no such \\\"user\\\"\",\"id\":\"6-0\"}]");
    assert_packet_json(&b, 3);
    cmn_buf_free(&b);
}

static void
test_packet_id_is_read_back_from_a_message_packet(void **state)
{
    struct cmn_buf b;
    char id[32];

    (void)state;
    cmn_buf_init(&b);
    relay_packet_message(&b, "alice", "{\"id\":\"inner\"}", 14,
                         "1795816946742-3", "alice&bob", 1);
    assert_int_equal(relay_packet_id(b.p, b.len, id, sizeof id), 0);
    /* the message's id, not one inside the content */
    assert_string_equal(id, "1795816946742-3");
    cmn_buf_reset(&b);
    relay_packet_ai(&b, "Leonid", "\"x\"", 3, "9-9");
    assert_int_equal(relay_packet_id(b.p, b.len, id, sizeof id), 0);
    assert_string_equal(id, "9-9");
    cmn_buf_free(&b);
}

static void
test_packet_id_refuses_packets_without_one(void **state)
{
    static const char *const bad[] = {
        "", "4", "42", "43[{\"id\":\"1-0\"}]", "2[\"e\",{\"id\":\"1-0\"}]",
        "42[\"e\"]", "42[\"e\",{\"x\":1}]", "42[\"e\",{\"id\":5}]",
        "42[\"e\",{\"id\":\"\"}]", "42[\"e\",[\"id\"]]", "42{\"id\":\"1-0\"}",
        "42[\"e\",{\"id\":\"1-0\"", "42[\"e\",{\"id\":\"1-0\",}]",
    };
    char id[32];

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (relay_packet_id(bad[i], strlen(bad[i]), id, sizeof id) != -1)
            fail_msg("\"%s\" gave id \"%s\"", bad[i], id);
}

static void
test_packet_id_respects_the_buffer_size(void **state)
{
    const char *pk = "42[\"e\",{\"id\":\"1795816946742-0\"}]";
    char id[8];

    (void)state;
    assert_int_equal(relay_packet_id(pk, strlen(pk), id, sizeof id), -1);
}

/* ---- gateway lists ------------------------------------------------------ */

static void
test_list_has_matches_whole_words(void **state)
{
    (void)state;
    assert_true(relay_list_has("g1", "g1"));
    assert_true(relay_list_has("g1 g2", "g2"));
    assert_true(relay_list_has("g1 g2 g3", "g2"));
    assert_false(relay_list_has("g1 g2", "g"));
    assert_false(relay_list_has("g10 g2", "g1"));
    assert_false(relay_list_has("g1 g2", "g1 g2"));
    assert_false(relay_list_has("", "g1"));
    assert_false(relay_list_has("g1", "g"));
    assert_false(relay_list_has("xg1", "g1"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_room_peer_is_the_other_member_in_either_order),
        cmocka_unit_test(test_room_peer_refuses_a_sender_who_is_not_a_member),
        cmocka_unit_test(test_room_peer_refuses_malformed_rooms),
        cmocka_unit_test(test_room_with_oneself_is_refused),
        cmocka_unit_test(test_room_peer_needs_room_for_the_name),
        cmocka_unit_test(test_canonical_room_sorts_the_names_by_bytes),
        cmocka_unit_test(
            test_message_packet_is_received_message_with_raw_content),
        cmocka_unit_test(test_message_packet_escapes_names),
        cmocka_unit_test(test_ai_packet_names_the_bot),
        cmocka_unit_test(test_admin_packet_quotes_its_text),
        cmocka_unit_test(test_ack_packet_carries_the_ack_id_result_and_id),
        cmocka_unit_test(test_packet_id_is_read_back_from_a_message_packet),
        cmocka_unit_test(test_packet_id_refuses_packets_without_one),
        cmocka_unit_test(test_packet_id_respects_the_buffer_size),
        cmocka_unit_test(test_list_has_matches_whole_words),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
