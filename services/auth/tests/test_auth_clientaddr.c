/* test_auth_clientaddr.c -- which address a request is counted against. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "auth_clientaddr.h"

static struct sockaddr_in
peer_v4(const char *ip)
{
    struct sockaddr_in sin;

    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    inet_pton(AF_INET, ip, &sin.sin_addr);
    return sin;
}

static void
test_x_real_ip_wins(void **state)
{
    struct sockaddr_in p = peer_v4("127.0.0.1");
    char out[64];

    (void)state;
    auth_client_addr("203.0.113.9", "1.1.1.1, 2.2.2.2",
                     (struct sockaddr *)&p, out, sizeof out);
    assert_string_equal(out, "203.0.113.9");
}

static void
test_last_forwarded_for_entry_is_used(void **state)
{
    struct sockaddr_in p = peer_v4("127.0.0.1");
    char out[64];

    (void)state;
    /* the client may forge the first entries; nginx appends the last */
    auth_client_addr(NULL, "6.6.6.6, 198.51.100.7 ", (struct sockaddr *)&p,
                     out, sizeof out);
    assert_string_equal(out, "198.51.100.7");
    auth_client_addr(NULL, "2001:db8::1", (struct sockaddr *)&p, out,
                     sizeof out);
    assert_string_equal(out, "2001:db8::1");
}

static void
test_garbage_headers_fall_back_to_peer(void **state)
{
    struct sockaddr_in p = peer_v4("192.0.2.44");
    char out[64];

    (void)state;
    auth_client_addr("not-an-ip", "evil\nline", (struct sockaddr *)&p, out,
                     sizeof out);
    assert_string_equal(out, "192.0.2.44");
    auth_client_addr(NULL, NULL, NULL, out, sizeof out);
    assert_string_equal(out, "unknown");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_x_real_ip_wins),
        cmocka_unit_test(test_last_forwarded_for_entry_is_used),
        cmocka_unit_test(test_garbage_headers_fall_back_to_peer),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
