/* authit_t_migrate.c -- schema migrations and the seed against a real
 * Postgres: applied once and recorded; a second start applies nothing; two
 * auth processes starting at once on an empty database (advisory lock:
 * one migrates and seeds, the other finds it done); a broken migration
 * rolls back and stops auth; a changed file is reported; configuration
 * mistakes exit 2 with one line each. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authit.h"

static int redis_port;
static long shipped;            /* migrations in deploy/migrations */

static int
setup(void **state)
{
    (void)state;
    authit_init();
    shipped = authit_migrations_shipped();
    if (shipped < 3)
        return -1;
    return (redis_port = authit_redis_start(0)) < 0 ? -1 : 0;
}

static int
teardown(void **state)
{
    (void)state;
    authit_redis_stop(redis_port);
    authit_cleanup();
    return 0;
}

/* A copy of deploy/migrations in the temp dir, plus an optional file. */
static void
migrations_copy(char *dir, size_t cap, const char *name, const char *extra,
                const char *sql)
{
    char cmd[1024], path[600];
    FILE *f;

    snprintf(dir, cap, "%s/%s", authit_tmp(), name);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && cp -r deploy/migrations '%s'",
             dir, dir);
    assert_int_equal(system(cmd), 0);
    if (extra == NULL)
        return;
    snprintf(path, sizeof path, "%s/%s", dir, extra);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(sql, f);
    fclose(f);
}

static void
test_migrations_apply_once_and_seed_once(void **state)
{
    struct authit_proc a, b;

    (void)state;
    assert_int_equal(authit_db_create("authit_mig1"), 0);
    assert_int_equal(authit_auth_start(&a, "authit_mig1", redis_port, NULL),
                     0);
    assert_int_equal(authit_log_count(&a, "applied file=001_users.sql"), 1);
    assert_int_equal(authit_log_count(&a, "applied file=002_users_version"),
                     1);
    assert_int_equal(authit_log_count(&a, "seeded 7 users"), 1);
    assert_int_equal(authit_auth_stop(&a), 0);
    assert_int_equal(authit_db_long("authit_mig1", "SELECT count(*) FROM "
                                    "schema_migrations"), shipped);
    assert_int_equal(authit_db_long("authit_mig1", "SELECT max(version) FROM "
                                    "schema_migrations"), shipped);
    /* the second start: nothing to do, nobody added */
    assert_int_equal(authit_auth_start(&b, "authit_mig1", redis_port, NULL),
                     0);
    assert_int_equal(authit_log_count(&b, "(0 applied now)"), 1);
    assert_int_equal(authit_log_count(&b, "seeded"), 0);
    assert_int_equal(authit_auth_stop(&b), 0);
    assert_int_equal(authit_db_long("authit_mig1", "SELECT count(*) FROM "
                                    "schema_migrations"), shipped);
    assert_int_equal(authit_db_long("authit_mig1", "SELECT count(*) FROM "
                                    "users"), 7);
    assert_int_equal(authit_db_long("authit_mig1", "SELECT count(*) FROM "
                                    "users WHERE pw_hash LIKE '$argon2id$%'"),
                     5);
    assert_int_equal(authit_db_long("authit_mig1", "SELECT count(*) FROM "
                                    "users WHERE role = 'bot' AND pw_hash IS "
                                    "NULL"), 2);
}

static void
test_two_replicas_starting_at_once(void **state)
{
    struct authit_proc p[2];

    (void)state;
    assert_int_equal(authit_db_create("authit_mig2"), 0);
    assert_int_equal(authit_auth_spawn(&p[0], "authit_mig2", redis_port,
                                       NULL), 0);
    assert_int_equal(authit_auth_spawn(&p[1], "authit_mig2", redis_port,
                                       NULL), 0);
    assert_int_equal(authit_auth_ready(&p[0], 30000), 0);
    assert_int_equal(authit_auth_ready(&p[1], 30000), 0);
    /* exactly one applied each file and seeded; both serve */
    assert_int_equal(authit_log_count(&p[0], "applied file=001") +
                     authit_log_count(&p[1], "applied file=001"), 1);
    assert_int_equal(authit_log_count(&p[0], "seeded 7 users") +
                     authit_log_count(&p[1], "seeded 7 users"), 1);
    assert_int_equal(authit_login_status(p[0].port, "Era", "Come on"), 200);
    assert_int_equal(authit_login_status(p[1].port, "Lisa", "TestMe"), 200);
    assert_int_equal(authit_auth_stop(&p[0]), 0);
    assert_int_equal(authit_auth_stop(&p[1]), 0);
    assert_int_equal(authit_db_long("authit_mig2", "SELECT count(*) FROM "
                                    "users"), 7);
    assert_int_equal(authit_db_long("authit_mig2", "SELECT count(*) FROM "
                                    "schema_migrations"), shipped);
}

static void
test_broken_migration_rolls_back_and_stops_auth(void **state)
{
    char dir[512], env[600];
    const char *extra[] = {env, NULL};
    struct authit_proc p;

    (void)state;
    assert_int_equal(authit_db_create("authit_mig3"), 0);
    migrations_copy(dir, sizeof dir, "mig-bad", "900_bad.sql",
                    "CREATE TABLE half_done (x int);\nTHIS IS NOT SQL;\n");
    snprintf(env, sizeof env, "MIGRATIONS_DIR=%s", dir);
    assert_int_equal(authit_auth_spawn(&p, "authit_mig3", redis_port, extra),
                     0);
    assert_int_equal(authit_auth_wait(&p, 30000), 1);
    assert_int_equal(authit_log_count(&p, "migration 900_bad.sql"), 1);
    assert_int_equal(authit_db_long("authit_mig3", "SELECT count(*) FROM "
                                    "schema_migrations"), shipped);
    assert_int_equal(authit_db_long("authit_mig3", "SELECT count(*) FROM "
                                    "pg_tables WHERE tablename = "
                                    "'half_done'"), 0);
    /* fixed: the next start applies it */
    migrations_copy(dir, sizeof dir, "mig-bad", "900_bad.sql",
                    "CREATE TABLE half_done (x int);\n");
    assert_int_equal(authit_auth_start(&p, "authit_mig3", redis_port, extra),
                     0);
    assert_int_equal(authit_log_count(&p, "applied file=900_bad.sql"), 1);
    assert_int_equal(authit_auth_stop(&p), 0);
    assert_int_equal(authit_db_long("authit_mig3", "SELECT count(*) FROM "
                                    "schema_migrations"), shipped + 1);
}

static void
test_changed_migration_is_reported_not_rerun(void **state)
{
    char dir[512], env[600], cmd[700];
    const char *extra[] = {env, NULL};
    struct authit_proc p;

    (void)state;
    assert_int_equal(authit_db_create("authit_mig4"), 0);
    assert_int_equal(authit_auth_start(&p, "authit_mig4", redis_port, NULL),
                     0);
    assert_int_equal(authit_auth_stop(&p), 0);
    migrations_copy(dir, sizeof dir, "mig-changed", NULL, NULL);
    snprintf(cmd, sizeof cmd, "echo '-- edited' >> '%s/001_users.sql'", dir);
    assert_int_equal(system(cmd), 0);
    snprintf(env, sizeof env, "MIGRATIONS_DIR=%s", dir);
    assert_int_equal(authit_auth_start(&p, "authit_mig4", redis_port, extra),
                     0);
    assert_int_equal(authit_log_count(&p, "file=001_users.sql changed after "
                                      "it was applied"), 1);
    assert_int_equal(authit_auth_stop(&p), 0);
}

static void
test_empty_table_without_seed_file_stops_auth(void **state)
{
    static const char *const extra[] = {"USERS_FILE=/nonexistent/users.json",
                                        NULL};
    struct authit_proc p;

    (void)state;
    assert_int_equal(authit_db_create("authit_mig5"), 0);
    assert_int_equal(authit_auth_spawn(&p, "authit_mig5", redis_port, extra),
                     0);
    assert_int_equal(authit_auth_wait(&p, 30000), 1);
    assert_int_equal(authit_log_count(&p, "USERS_FILE /nonexistent/"
                                      "users.json"), 1);
    assert_int_equal(authit_db_long("authit_mig5", "SELECT count(*) FROM "
                                    "users"), 0);
}

static void
test_bad_configuration_exits_2_naming_each_problem(void **state)
{
    static const char *const extra[] = {"JWT_SECRET=", "AUTH_PORT=http",
        "AUTH_ARGON2_MEMLIMIT_MIB=4", NULL};
    struct authit_proc p;

    (void)state;
    assert_int_equal(authit_auth_spawn(&p, "authit_mig1", redis_port, extra),
                     0);
    assert_int_equal(authit_auth_wait(&p, 10000), 2);
    assert_int_equal(authit_log_count(&p, "JWT_SECRET or JWT_SECRET_FILE is "
                                      "required"), 1);
    assert_int_equal(authit_log_count(&p, "AUTH_PORT=\"http\""), 1);
    assert_int_equal(authit_log_count(&p, "AUTH_ARGON2_MEMLIMIT_MIB=\"4\""),
                     1);
}

static void
test_secret_file_is_read(void **state)
{
    char path[512], env[600];
    const char *extra[] = {"JWT_SECRET=", env, NULL};
    struct authit_proc p;
    FILE *f;

    (void)state;
    snprintf(path, sizeof path, "%s/jwt.secret", authit_tmp());
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("f00dfeedf00dfeedf00dfeedf00dfeedf00dfeedf00dfeedf00dfeedf00dfeed\n",
          f);
    fclose(f);
    snprintf(env, sizeof env, "JWT_SECRET_FILE=%s", path);
    assert_int_equal(authit_auth_start(&p, "authit_mig1", redis_port, extra),
                     0);
    assert_int_equal(authit_login_status(p.port, "Era", "Come on"), 200);
    assert_int_equal(authit_log_count(&p, "f00dfeed"), 0);
    assert_int_equal(authit_auth_stop(&p), 0);
}

static void
test_postgres_over_a_unix_socket(void **state)
{
    char env[600];
    const char *extra[] = {env, NULL};
    struct authit_proc p;

    (void)state;
    snprintf(env, sizeof env, "SQL_HOST=%s", getenv("PG_SOCKET_DIR"));
    assert_int_equal(authit_auth_start(&p, "authit_mig1", redis_port, extra),
                     0);
    assert_int_equal(authit_login_status(p.port, "Tsahi",
                                         "Virtual Environment"), 200);
    assert_int_equal(authit_auth_stop(&p), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_migrations_apply_once_and_seed_once),
        cmocka_unit_test(test_two_replicas_starting_at_once),
        cmocka_unit_test(test_broken_migration_rolls_back_and_stops_auth),
        cmocka_unit_test(test_changed_migration_is_reported_not_rerun),
        cmocka_unit_test(test_empty_table_without_seed_file_stops_auth),
        cmocka_unit_test(test_bad_configuration_exits_2_naming_each_problem),
        cmocka_unit_test(test_secret_file_is_read),
        cmocka_unit_test(test_postgres_over_a_unix_socket),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
