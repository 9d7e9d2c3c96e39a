/* test_auth_route.c -- the endpoint table and the path matcher. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "auth_handlers.h"
#include "auth_route.h"

static void
test_match_exact_path(void **state)
{
    char arg[AUTH_ROUTE_ARG_MAX + 1];

    (void)state;
    assert_int_equal(auth_route_match("/log_in", "/log_in", arg), 1);
    assert_string_equal(arg, "");
    assert_int_equal(auth_route_match("/log_in", "/log_in/", arg), 0);
    assert_int_equal(auth_route_match("/log_in", "/log_i", arg), 0);
}

static void
test_match_captures_one_segment(void **state)
{
    char arg[AUTH_ROUTE_ARG_MAX + 1];

    (void)state;
    assert_int_equal(auth_route_match("/get_contacts_list/*",
                                      "/get_contacts_list/Era", arg), 1);
    assert_string_equal(arg, "Era");
    assert_int_equal(auth_route_match("/api/v1/users/*/password",
                                      "/api/v1/users/bob/password", arg), 1);
    assert_string_equal(arg, "bob");
    /* a star never matches an empty or multi-segment part */
    assert_int_equal(auth_route_match("/get_contacts_list/*",
                                      "/get_contacts_list/", arg), 0);
    assert_int_equal(auth_route_match("/get_contacts_list/*",
                                      "/get_contacts_list/a/b", arg), 0);
}

static void
test_match_refuses_overlong_segment(void **state)
{
    char arg[AUTH_ROUTE_ARG_MAX + 1], path[600];

    (void)state;
    strcpy(path, "/get_contacts_list/");
    memset(path + strlen(path), 'x', 300);
    path[19 + 300] = '\0';
    assert_int_equal(auth_route_match("/get_contacts_list/*", path, arg), 0);
}

static void
test_find_routes_by_method(void **state)
{
    char arg[AUTH_ROUTE_ARG_MAX + 1];
    enum auth_result why;

    (void)state;
    assert_ptr_equal(auth_route_find("POST", "/log_in", arg, &why),
                     auth_login_handle);
    assert_ptr_equal(auth_route_find("GET", "/api/v1/users", arg, &why),
                     auth_uapi_list);
    assert_ptr_equal(auth_route_find("POST", "/api/v1/users", arg, &why),
                     auth_uapi_create);
    assert_ptr_equal(auth_route_find("POST", "/api/v1/users/x/disable", arg,
                                     &why), auth_uapi_disable);
    assert_string_equal(arg, "x");
}

static void
test_find_tells_404_from_405(void **state)
{
    char arg[AUTH_ROUTE_ARG_MAX + 1];
    enum auth_result why;

    (void)state;
    assert_null(auth_route_find("GET", "/log_in", arg, &why));
    assert_int_equal(why, AUTH_METHOD);
    assert_null(auth_route_find("GET", "/nothing", arg, &why));
    assert_int_equal(why, AUTH_NOT_FOUND);
    assert_null(auth_route_find("DELETE", "/api/v1/users/bob", arg, &why));
    assert_int_equal(why, AUTH_METHOD);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_match_exact_path),
        cmocka_unit_test(test_match_captures_one_segment),
        cmocka_unit_test(test_match_refuses_overlong_segment),
        cmocka_unit_test(test_find_routes_by_method),
        cmocka_unit_test(test_find_tells_404_from_405),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
