/* test_auth_creds.c -- reading {"username","password"}: which mistakes
 * are 400 and which only name nobody (then 401 later). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "auth_creds.h"

static enum auth_result
parse(const char *body, struct auth_creds *c)
{
    struct auth_req rq = {"POST", "/log_in", body, strlen(body), NULL, NULL,
                          NULL, "127.0.0.1"};
    struct auth_resp rs;

    memset(&rs, 0, sizeof rs);
    return auth_creds_parse(&rq, c, NULL, &rs);
}

static void
test_good_credentials(void **state)
{
    struct auth_creds c;

    (void)state;
    assert_int_equal(parse("{\"username\":\"Era\",\"password\":\"Come on\"}",
                           &c), AUTH_OK);
    assert_int_equal(c.has_user, 1);
    assert_string_equal(c.user, "Era");
    assert_string_equal(c.pw, "Come on");
    assert_int_equal(c.pwlen, 7);
    auth_creds_wipe(&c);
    assert_int_equal(c.pw[0], '\0');
    assert_int_equal(c.pwlen, 0);
}

static void
test_password_problems_are_bad_requests(void **state)
{
    static const char *const bad[] = {
        "{\"username\":\"Era\"}",
        "{\"username\":\"Era\",\"password\":null}",
        "{\"username\":\"Era\",\"password\":5}",
        "{\"username\":\"Era\",\"password\":[\"x\"]}",
        "{\"username\":\"Era\",\"password\":\"a\\u0000b\"}",
        "not json", "[]", "", "{\"username\":\"Era\",\"password\":\"x\"",
    };
    struct auth_creds c;

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(parse(bad[i], &c), AUTH_BAD_REQUEST);
}

static void
test_username_problems_only_name_nobody(void **state)
{
    static const char *const odd[] = {
        "{\"password\":\"x\"}",
        "{\"username\":null,\"password\":\"x\"}",
        "{\"username\":42,\"password\":\"x\"}",
        "{\"username\":{},\"password\":\"x\"}",
    };
    struct auth_creds c;

    (void)state;
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        assert_int_equal(parse(odd[i], &c), AUTH_OK);
        assert_int_equal(c.has_user, 0);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_credentials),
        cmocka_unit_test(test_password_problems_are_bad_requests),
        cmocka_unit_test(test_username_problems_only_name_nobody),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
