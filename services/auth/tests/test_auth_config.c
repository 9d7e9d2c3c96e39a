/* test_auth_config.c -- the environment table: defaults, bounds, the key,
 * and one problem counted per bad variable. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "auth_config.h"

static void
clear_env(void)
{
    static const char *const names[] = {"JWT_SECRET", "JWT_SECRET_FILE",
        "AUTH_PORT", "AUTH_ARGON2_MEMLIMIT_MIB", "AUTH_ARGON2_OPSLIMIT",
        "LOG_LEVEL", "SQL_PASSWORD", "AUTH_TRUST_PROXY"};

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        unsetenv(names[i]);
}

static void
test_defaults_with_a_secret(void **state)
{
    struct auth_config cfg;

    (void)state;
    clear_env();
    setenv("JWT_SECRET", "0123456789abcdef0123456789abcdef", 1);
    assert_int_equal(auth_config_load(&cfg), 0);
    assert_int_equal(cfg.port, 8081);
    assert_int_equal(cfg.health_port, 9081);
    assert_string_equal(cfg.bind, "127.0.0.1");
    assert_string_equal(cfg.db.database, "iseecubes");
    assert_string_equal(cfg.db.password, "");
    assert_int_equal(cfg.jwt_ttl_s, 86400);
    assert_int_equal(cfg.hash_concurrency, 2);
    assert_int_equal(cfg.argon2_t, 2);
    assert_int_equal(cfg.argon2_m_mib, 64);
    assert_int_equal(cfg.trust_proxy, 1);
    assert_int_equal(cfg.keylen, 32);
    assert_memory_equal(cfg.key, "0123456789abcdef", 16);
    auth_config_cleanup(&cfg);
    assert_int_equal(cfg.keylen, 0);
    assert_int_equal(cfg.key[0], 0);
}

static void
test_missing_secret_is_a_problem(void **state)
{
    struct auth_config cfg;

    (void)state;
    clear_env();
    assert_int_equal(auth_config_load(&cfg), 1);
    setenv("JWT_SECRET", "short", 1);
    assert_int_equal(auth_config_load(&cfg), 1);
    setenv("JWT_SECRET", "", 1);
    setenv("JWT_SECRET_FILE", "/nonexistent/secret", 1);
    assert_int_equal(auth_config_load(&cfg), 1);
}

static void
test_every_bad_variable_counts(void **state)
{
    struct auth_config cfg;

    (void)state;
    clear_env();
    setenv("JWT_SECRET", "0123456789abcdef0123456789abcdef", 1);
    setenv("AUTH_PORT", "http", 1);
    setenv("AUTH_ARGON2_MEMLIMIT_MIB", "8", 1);   /* below OWASP's floor */
    setenv("AUTH_ARGON2_OPSLIMIT", "1", 1);
    setenv("LOG_LEVEL", "chatty", 1);
    setenv("AUTH_TRUST_PROXY", "maybe", 1);
    assert_int_equal(auth_config_load(&cfg), 5);
    clear_env();
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_with_a_secret),
        cmocka_unit_test(test_missing_secret_is_a_problem),
        cmocka_unit_test(test_every_bad_variable_counts),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
