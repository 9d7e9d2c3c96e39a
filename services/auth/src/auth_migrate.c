/* auth_migrate.c -- apply deploy/migrations/NNN_*.sql in order, once each
 * (see auth_migrate.h). Each file runs in one transaction together with
 * its schema_migrations row, so a failed migration leaves no trace and is
 * retried at the next start. A file changed after it was applied is
 * reported (its checksum differs) but not re-run. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cmn/cmn_err.h"
#include "cmn/cmn_log.h"

#include "auth_migrate.h"
#include "auth_seed.h"

#define AUTH_MIGRATION_MAX_BYTES (1 << 20)

/* "NNN_name.sql" -> NNN; -1 for any other file name. */
static long
auth_migrate_version(const char *name)
{
    const char *p = name;
    size_t n = strlen(name);
    long v = 0;

    if (n < 6 || strcmp(name + n - 4, ".sql") != 0 || *p < '0' || *p > '9')
        return -1;
    while (*p >= '0' && *p <= '9') {
        v = v * 10 + (*p - '0');
        if (v > 999999999)
            return -1;
        p++;
    }
    return *p == '_' ? v : -1;
}

static int
auth_migrate_cmp(const void *a, const void *b)
{
    const struct auth_migration *x = a, *y = b;

    return (x->version > y->version) - (x->version < y->version);
}

int
auth_migrate_scan(const char *dir, struct auth_migration **out, char *err)
{
    struct auth_migration *list = NULL, *grown;
    size_t n = 0, cap = 0;
    struct dirent *de;
    DIR *d = opendir(dir);

    if (d == NULL) {
        cmn_errf(err, "MIGRATIONS_DIR %s: %s", dir, strerror(errno));
        return -1;
    }
    while ((de = readdir(d)) != NULL) {
        long v = auth_migrate_version(de->d_name);

        if (v < 0 || strlen(de->d_name) >= sizeof list->file)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            if ((grown = realloc(list, cap * sizeof *list)) == NULL) {
                cmn_errf(err, "out of memory");
                goto fail;
            }
            list = grown;
        }
        list[n].version = v;
        snprintf(list[n].file, sizeof list[n].file, "%s", de->d_name);
        n++;
    }
    closedir(d);
    d = NULL;
    if (n > 0)
        qsort(list, n, sizeof *list, auth_migrate_cmp);
    for (size_t i = 1; i < n; i++) {
        if (list[i].version == list[i - 1].version) {
            cmn_errf(err, "migrations %s and %s have the same number",
                     list[i - 1].file, list[i].file);
            goto fail;
        }
    }
    *out = list;
    return (int)n;
fail:
    if (d != NULL)
        closedir(d);
    free(list);
    return -1;
}

/* Read a whole file (NUL-terminated, caller frees) and its SHA-256. */
static char *
auth_migrate_read(const char *dir, const char *file, char sum[65], char *err)
{
    char path[1024];
    unsigned char h[crypto_hash_sha256_BYTES];
    char *buf = NULL;
    size_t n;
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", dir, file);
    if ((f = fopen(path, "rb")) == NULL) {
        cmn_errf(err, "%s: %s", path, strerror(errno));
        return NULL;
    }
    if ((buf = malloc(AUTH_MIGRATION_MAX_BYTES + 1)) == NULL) {
        cmn_errf(err, "out of memory");
        fclose(f);
        return NULL;
    }
    n = fread(buf, 1, AUTH_MIGRATION_MAX_BYTES + 1, f);
    fclose(f);
    if (n > AUTH_MIGRATION_MAX_BYTES) {
        cmn_errf(err, "%s: larger than %d bytes", path,
                 AUTH_MIGRATION_MAX_BYTES);
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    crypto_hash_sha256(h, (const unsigned char *)buf, n);
    sodium_bin2hex(sum, 65, h, sizeof h);
    return buf;
}

/* The checksum recorded for version v: 1 found (sum set), 0 not applied,
 * -1 error. */
static int
auth_migrate_recorded(struct auth_db *db, long v, char sum[65], char *err)
{
    char vtext[24];
    const char *params[1] = {vtext};
    PGresult *res;
    int rc = -1;

    snprintf(vtext, sizeof vtext, "%ld", v);
    res = auth_db_exec(db, "SELECT checksum FROM schema_migrations "
                       "WHERE version = $1", 1, params, 0, err);
    if (res == NULL)
        return -1;
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        cmn_errf(err, "schema_migrations: %.*s",
                 (int)strcspn(PQresultErrorMessage(res), "\n"),
                 PQresultErrorMessage(res));
    } else if (PQntuples(res) == 1) {
        snprintf(sum, 65, "%s", PQgetvalue(res, 0, 0));
        rc = 1;
    } else {
        rc = 0;
    }
    PQclear(res);
    return rc;
}

/* Run one migration file and record it, in one transaction. */
static int
auth_migrate_one(struct auth_db *db, const struct auth_migration *m,
                 const char *sql, const char *sum, char *err)
{
    char vtext[24], why[CMN_ERR_LEN];
    const char *params[3] = {vtext, m->file, sum};
    PGresult *res;

    snprintf(vtext, sizeof vtext, "%ld", m->version);
    if (auth_db_command(db, "BEGIN", err) != 0)
        return -1;
    if (auth_db_script(db, sql, why) != 0) {
        cmn_errf(err, "migration %s: %s", m->file, why);
        goto rollback;
    }
    res = auth_db_exec(db, "INSERT INTO schema_migrations (version, name, "
                       "checksum) VALUES ($1, $2, $3)", 3, params, 0, why);
    if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK) {
        cmn_errf(err, "recording migration %s: %s", m->file,
                 res ? PQresultErrorMessage(res) : why);
        PQclear(res);
        goto rollback;
    }
    PQclear(res);
    return auth_db_command(db, "COMMIT", err);
rollback:
    auth_db_command(db, "ROLLBACK", NULL);
    return -1;
}

int
auth_migrate_apply(struct auth_db *db, const char *dir, char *err)
{
    struct auth_migration *list = NULL;
    int n, applied = 0;

    if (auth_db_command(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                        "version bigint PRIMARY KEY, name text NOT NULL, "
                        "checksum text NOT NULL, applied_at timestamptz "
                        "NOT NULL DEFAULT now())", err) != 0)
        return -1;
    if ((n = auth_migrate_scan(dir, &list, err)) < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        char sum[65], have[65];
        char *sql = auth_migrate_read(dir, list[i].file, sum, err);
        int rec;

        if (sql == NULL)
            goto fail;
        rec = auth_migrate_recorded(db, list[i].version, have, err);
        if (rec == 1 && strcmp(have, sum) != 0)
            cmn_log_warn("migrate", "file=%s changed after it was applied "
                         "(not re-run)", list[i].file);
        if (rec == 0 && auth_migrate_one(db, &list[i], sql, sum, err) == 0) {
            cmn_log_info("migrate", "applied file=%s", list[i].file);
            applied++;
            rec = 1;
        }
        free(sql);
        if (rec != 1)
            goto fail;
    }
    free(list);
    return applied;
fail:
    free(list);
    return -1;
}

int
auth_migrate_prepare(struct auth_db *db, const char *dir,
                     const char *users_file, struct auth_pwhash *ph,
                     char *err)
{
    int applied, rc = -1;

    /* Waiting for another replica's lock must not hit a statement timeout */
    if (auth_db_command(db, "SET statement_timeout = 0", err) != 0 ||
        auth_db_command(db, "SELECT pg_advisory_lock("
                        AUTH_MIGRATE_LOCK_KEY ")", err) != 0)
        return -1;
    applied = auth_migrate_apply(db, dir, err);
    if (applied >= 0) {
        cmn_log_info("migrate", "schema up to date (%d applied now)",
                     applied);
        rc = auth_seed_if_empty(db, users_file, ph, err) < 0 ? -1 : 0;
    }
    /* unlocking also happens when the session ends, if this fails */
    auth_db_command(db, "SELECT pg_advisory_unlock(" AUTH_MIGRATE_LOCK_KEY
                    ")", NULL);
    auth_db_command(db, "RESET statement_timeout", NULL);
    return rc;
}
