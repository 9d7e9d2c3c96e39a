/* test_auth_migrate.c -- which files are migrations and in which order.
 * (Applying them is tested against Postgres by tests/auth/.) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth_migrate.h"

static char dir[64];

static void
touch(const char *name)
{
    char path[128];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("SELECT 1;\n", f);
    fclose(f);
}

static int
setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/test_auth_migrate.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int
teardown(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void
test_scan_orders_by_number_and_skips_others(void **state)
{
    struct auth_migration *m = NULL;
    char err[256];
    int n;

    (void)state;
    touch("010_later.sql");
    touch("002_second.sql");
    touch("1_first.sql");
    touch("README.md");
    touch("003_not_sql.txt");
    touch("abc_x.sql");
    touch("004-dash.sql");
    n = auth_migrate_scan(dir, &m, err);
    assert_int_equal(n, 3);
    assert_int_equal(m[0].version, 1);
    assert_string_equal(m[0].file, "1_first.sql");
    assert_int_equal(m[1].version, 2);
    assert_int_equal(m[2].version, 10);
    assert_string_equal(m[2].file, "010_later.sql");
    free(m);
}

static void
test_scan_refuses_two_files_with_one_number(void **state)
{
    struct auth_migration *m = NULL;
    char err[256];

    (void)state;
    touch("02_again.sql");
    assert_int_equal(auth_migrate_scan(dir, &m, err), -1);
    assert_non_null(strstr(err, "same number"));
}

static void
test_scan_of_missing_dir_says_so(void **state)
{
    struct auth_migration *m = NULL;
    char err[256];

    (void)state;
    assert_int_equal(auth_migrate_scan("/nonexistent/migrations", &m, err),
                     -1);
    assert_non_null(strstr(err, "MIGRATIONS_DIR /nonexistent/migrations"));
}

static void
test_the_shipped_migrations_scan(void **state)
{
    struct auth_migration *m = NULL;
    char err[256];
    int n;

    (void)state;
    n = auth_migrate_scan("deploy/migrations", &m, err);
    assert_true(n >= 2);
    assert_int_equal(m[0].version, 1);
    assert_string_equal(m[0].file, "001_users.sql");
    free(m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scan_orders_by_number_and_skips_others),
        cmocka_unit_test(test_scan_refuses_two_files_with_one_number),
        cmocka_unit_test(test_scan_of_missing_dir_says_so),
        cmocka_unit_test(test_the_shipped_migrations_scan),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
