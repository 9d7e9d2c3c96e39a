/* auth_seed.c -- load USERS_FILE into an empty users table (see
 * auth_seed.h). The whole seed is one transaction: all users or none. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cmn/cmn_err.h"
#include "cmn/cmn_log.h"

#include "auth_seed.h"
#include "auth_users.h"

/* 1 when the users table has no row, 0 when it has, -1 on error. */
static int
auth_seed_table_empty(struct auth_db *db, char *err)
{
    PGresult *res = auth_db_exec(db, "SELECT 1 FROM users LIMIT 1", 0, NULL,
                                 0, err);
    int rc = -1;

    if (res == NULL)
        return -1;
    if (PQresultStatus(res) == PGRES_TUPLES_OK)
        rc = PQntuples(res) == 0;
    else
        cmn_errf(err, "users: %.*s",
                 (int)strcspn(PQresultErrorMessage(res), "\n"),
                 PQresultErrorMessage(res));
    PQclear(res);
    return rc;
}

/* Check one entry of the file and insert it (inside the transaction). */
static int
auth_seed_one(struct auth_db *db, json_t *u, size_t i,
              struct auth_pwhash *ph, char *err)
{
    const char *name = json_string_value(json_object_get(u, "name"));
    const char *role = json_string_value(json_object_get(u, "role"));
    json_t *pw = json_object_get(u, "password");
    char hash[AUTH_HASH_LEN];
    enum auth_users_rc rc;

    if (role == NULL)
        role = "user";
    if (name == NULL || !auth_users_name_valid(name) ||
        !auth_users_role_valid(role) ||
        (pw != NULL && !json_is_null(pw) && !json_is_string(pw))) {
        cmn_errf(err, "users[%zu]: needs a name (%s), a role (user, admin, "
                 "bot) and a password string or null", i, AUTH_NAME_RULE);
        return -1;
    }
    if (json_is_string(pw) &&
        auth_pwhash_hash(ph, json_string_value(pw),
                         json_string_length(pw), hash) != 0) {
        cmn_errf(err, "users[%zu]: cannot hash the password", i);
        return -1;
    }
    rc = auth_users_create(db, name, json_is_string(pw) ? hash : NULL, role,
                           err);
    sodium_memzero(hash, sizeof hash);
    /* jansson frees without wiping: clear the plain text password here */
    if (json_is_string(pw))
        sodium_memzero((char *)json_string_value(pw), json_string_length(pw));
    if (rc == AUTH_USERS_EXISTS)
        cmn_errf(err, "users[%zu]: name %s appears twice", i, name);
    return rc == AUTH_USERS_OK ? 0 : -1;
}

int
auth_seed_if_empty(struct auth_db *db, const char *users_file,
                   struct auth_pwhash *ph, char *err)
{
    json_error_t jerr;
    json_t *root, *users;
    size_t i;
    int empty = auth_seed_table_empty(db, err);

    if (empty <= 0)
        return empty;
    if ((root = json_load_file(users_file, 0, &jerr)) == NULL) {
        cmn_errf(err, "USERS_FILE %s: %s (line %d)", users_file, jerr.text,
                 jerr.line);
        return -1;
    }
    users = json_is_array(root) ? root : json_object_get(root, "users");
    if (!json_is_array(users)) {
        cmn_errf(err, "USERS_FILE %s: expected {\"users\": [...]}",
                 users_file);
        json_decref(root);
        return -1;
    }
    if (auth_db_command(db, "BEGIN", err) != 0) {
        json_decref(root);
        return -1;
    }
    for (i = 0; i < json_array_size(users); i++) {
        if (auth_seed_one(db, json_array_get(users, i), i, ph, err) != 0) {
            auth_db_command(db, "ROLLBACK", NULL);
            json_decref(root);
            return -1;
        }
    }
    json_decref(root);
    if (auth_db_command(db, "COMMIT", err) != 0)
        return -1;
    cmn_log_info("seed", "users table was empty: seeded %zu users from %s",
                 i, users_file);
    return (int)i;
}
