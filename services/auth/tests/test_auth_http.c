/* test_auth_http.c -- results to status codes and error bodies: the
 * original's bodies must survive exactly. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "auth_http.h"

static void
test_status_codes(void **state)
{
    (void)state;
    assert_int_equal(auth_http_status(AUTH_OK), 200);
    assert_int_equal(auth_http_status(AUTH_CREATED), 201);
    assert_int_equal(auth_http_status(AUTH_BAD_REQUEST), 400);
    assert_int_equal(auth_http_status(AUTH_BAD_CREDENTIALS), 401);
    assert_int_equal(auth_http_status(AUTH_BAD_TOKEN), 401);
    assert_int_equal(auth_http_status(AUTH_FORBIDDEN), 403);
    assert_int_equal(auth_http_status(AUTH_NOT_FOUND), 404);
    assert_int_equal(auth_http_status(AUTH_METHOD), 405);
    assert_int_equal(auth_http_status(AUTH_CONFLICT), 409);
    assert_int_equal(auth_http_status(AUTH_TOO_LARGE), 413);
    assert_int_equal(auth_http_status(AUTH_RATE_LIMITED), 429);
    assert_int_equal(auth_http_status(AUTH_INTERNAL), 500);
    assert_int_equal(auth_http_status(AUTH_DB_DOWN), 503);
    assert_int_equal(auth_http_status(AUTH_REDIS_DOWN), 503);
}

static void
test_bad_credentials_body_is_the_originals(void **state)
{
    struct cmn_buf b;

    (void)state;
    cmn_buf_init(&b);
    auth_http_error_body(AUTH_BAD_CREDENTIALS, "ignored", &b);
    assert_string_equal(b.p, "{\"result\":\"Invalid credentials\"}");
    auth_http_error_body(AUTH_BAD_TOKEN, "ignored", &b);
    assert_string_equal(b.p, "{\"error\":\"Invalid JWT\"}");
    cmn_buf_free(&b);
}

static void
test_error_body_escapes_message(void **state)
{
    struct cmn_buf b;

    (void)state;
    cmn_buf_init(&b);
    auth_http_error_body(AUTH_NOT_FOUND, "No JWT for user \"x\"\n", &b);
    assert_string_equal(b.p, "{\"error\":\"No JWT for user \\\"x\\\"\\n\"}");
    auth_http_error_body(AUTH_DB_DOWN, "", &b);
    assert_string_equal(b.p, "{\"error\":\"The user database is unavailable;"
                        " try again later\"}");
    cmn_buf_free(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_codes),
        cmocka_unit_test(test_bad_credentials_body_is_the_originals),
        cmocka_unit_test(test_error_body_escapes_message),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
