/* auth_users.c -- SQL of the users table (see auth_users.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmn/cmn_err.h"

#include "auth_users.h"

#define AUTH_USER_COLS \
    "name, coalesce(pw_hash, ''), role, status, " \
    "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), " \
    "to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

int
auth_users_name_valid(const char *name)
{
    size_t n = 0;

    for (const char *p = name; *p != '\0'; p++, n++) {
        char ch = *p;

        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
              (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' ||
              ch == '-'))
            return 0;
    }
    return n >= 1 && n <= AUTH_NAME_MAX;
}

int
auth_users_role_valid(const char *role)
{
    return strcmp(role, "user") == 0 || strcmp(role, "admin") == 0 ||
           strcmp(role, "bot") == 0;
}

static void
auth_users_copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src);
}

/* Fill u from row i of a result with AUTH_USER_COLS. */
static void
auth_users_row(const PGresult *res, int i, struct auth_user *u)
{
    auth_users_copy(u->name, sizeof u->name, PQgetvalue(res, i, 0));
    auth_users_copy(u->hash, sizeof u->hash, PQgetvalue(res, i, 1));
    auth_users_copy(u->role, sizeof u->role, PQgetvalue(res, i, 2));
    auth_users_copy(u->status, sizeof u->status, PQgetvalue(res, i, 3));
    auth_users_copy(u->created, sizeof u->created, PQgetvalue(res, i, 4));
    auth_users_copy(u->updated, sizeof u->updated, PQgetvalue(res, i, 5));
}

/* Map a failed result to a return code, with its first line in err. */
static enum auth_users_rc
auth_users_sql_error(PGresult *res, char *err)
{
    const char *msg = PQresultErrorMessage(res);

    cmn_errf(err, "postgres: %.*s", (int)strcspn(msg, "\n"), msg);
    PQclear(res);
    return AUTH_USERS_ERROR;
}

enum auth_users_rc
auth_users_find(struct auth_db *db, const char *name, struct auth_user *u,
                char *err)
{
    const char *params[1] = {name};
    PGresult *res;
    enum auth_users_rc rc = AUTH_USERS_NOT_FOUND;

    memset(u, 0, sizeof *u);
    if (!auth_users_name_valid(name))
        return AUTH_USERS_NOT_FOUND;
    res = auth_db_exec(db, "SELECT " AUTH_USER_COLS
                       " FROM users WHERE name = $1", 1, params, 1, err);
    if (res == NULL)
        return AUTH_USERS_DOWN;
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        return auth_users_sql_error(res, err);
    if (PQntuples(res) == 1) {
        auth_users_row(res, 0, u);
        rc = AUTH_USERS_OK;
    }
    PQclear(res);
    return rc;
}

enum auth_users_rc
auth_users_create(struct auth_db *db, const char *name, const char *hash,
                  const char *role, char *err)
{
    const char *params[3] = {name, hash, role};
    PGresult *res;

    if (!auth_users_name_valid(name) || !auth_users_role_valid(role)) {
        cmn_errf(err, "invalid name or role");
        return AUTH_USERS_ERROR;
    }
    res = auth_db_exec(db, "INSERT INTO users (name, pw_hash, role) "
                       "VALUES ($1, $2, $3)", 3, params, 0, err);
    if (res == NULL)
        return AUTH_USERS_DOWN;
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        if (auth_db_is_state(res, "23505")) {
            PQclear(res);
            return AUTH_USERS_EXISTS;
        }
        return auth_users_sql_error(res, err);
    }
    PQclear(res);
    return AUTH_USERS_OK;
}

/* Run an UPDATE ... RETURNING role; NOT_FOUND when no row matched. */
static enum auth_users_rc
auth_users_update(struct auth_db *db, const char *sql, const char *name,
                  const char *value, char *role_out, char *err)
{
    const char *params[2] = {name, value};
    PGresult *res;
    enum auth_users_rc rc = AUTH_USERS_NOT_FOUND;

    if (!auth_users_name_valid(name))
        return AUTH_USERS_NOT_FOUND;
    res = auth_db_exec(db, sql, 2, params, 1, err);
    if (res == NULL)
        return AUTH_USERS_DOWN;
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        return auth_users_sql_error(res, err);
    if (PQntuples(res) == 1) {
        if (role_out != NULL)
            auth_users_copy(role_out, 8, PQgetvalue(res, 0, 0));
        rc = AUTH_USERS_OK;
    }
    PQclear(res);
    return rc;
}

enum auth_users_rc
auth_users_set_hash(struct auth_db *db, const char *name, const char *hash,
                    char *err)
{
    return auth_users_update(db, "UPDATE users SET pw_hash = $2 "
                             "WHERE name = $1 RETURNING role", name, hash,
                             NULL, err);
}

enum auth_users_rc
auth_users_set_status(struct auth_db *db, const char *name,
                      const char *status, char *role_out, char *err)
{
    /* "IS DISTINCT FROM" keeps a no-op from bumping the version */
    return auth_users_update(db, "WITH u AS (UPDATE users SET status = $2 "
                             "WHERE name = $1 AND status IS DISTINCT FROM $2 "
                             "RETURNING role) SELECT role FROM u UNION ALL "
                             "SELECT role FROM users WHERE name = $1 AND "
                             "NOT EXISTS (SELECT 1 FROM u)",
                             name, status, role_out, err);
}

enum auth_users_rc
auth_users_list(struct auth_db *db, int enabled_only, auth_users_each_fn each,
                void *arg, char *err)
{
    struct auth_user u;
    PGresult *res;
    int n;

    res = auth_db_exec(db, enabled_only
                       ? "SELECT " AUTH_USER_COLS " FROM users WHERE "
                         "status = 'enabled' ORDER BY name COLLATE \"C\""
                       : "SELECT " AUTH_USER_COLS " FROM users "
                         "ORDER BY name COLLATE \"C\"",
                       0, NULL, 1, err);
    if (res == NULL)
        return AUTH_USERS_DOWN;
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        return auth_users_sql_error(res, err);
    n = PQntuples(res);
    for (int i = 0; i < n; i++) {
        auth_users_row(res, i, &u);
        each(arg, &u);
    }
    sodium_memzero(&u, sizeof u);
    PQclear(res);
    return AUTH_USERS_OK;
}

enum auth_users_rc
auth_users_enabled(struct auth_db *db, auth_users_name_fn each, void *arg,
                   char *err)
{
    PGresult *res = auth_db_exec(db, "SELECT name, role FROM users WHERE "
                                 "status = 'enabled' ORDER BY name "
                                 "COLLATE \"C\"", 0, NULL, 1, err);
    int n;

    if (res == NULL)
        return AUTH_USERS_DOWN;
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        return auth_users_sql_error(res, err);
    n = PQntuples(res);
    for (int i = 0; i < n; i++)
        each(arg, PQgetvalue(res, i, 0), PQgetvalue(res, i, 1));
    PQclear(res);
    return AUTH_USERS_OK;
}

enum auth_users_rc
auth_users_version(struct auth_db *db, long long *ver, char *err)
{
    PGresult *res = auth_db_exec(db, "SELECT version FROM users_meta "
                                 "WHERE id = 1", 0, NULL, 1, err);
    enum auth_users_rc rc = AUTH_USERS_NOT_FOUND;

    if (res == NULL)
        return AUTH_USERS_DOWN;
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        return auth_users_sql_error(res, err);
    if (PQntuples(res) == 1) {
        *ver = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
        rc = AUTH_USERS_OK;
    }
    PQclear(res);
    return rc;
}
