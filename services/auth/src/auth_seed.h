/* auth_seed.h -- the first users, from USERS_FILE (deploy/users.json).
 *
 * File shape: {"users":[{"name":..., "password": string|null,
 * "role": "user"|"admin"|"bot"}, ...]}. A null password (bots) stores no
 * hash: that account cannot log in. Runs only while the users table is
 * empty, under the migration lock (auth_migrate.c). */
#ifndef AUTH_SEED_H
#define AUTH_SEED_H

#include "auth_db.h"
#include "auth_pwhash.h"

/* Seed when the users table has no rows. Returns the number of users
 * inserted (0 when the table was not empty), or -1 with err set (missing
 * or malformed file, database error). */
int auth_seed_if_empty(struct auth_db *db, const char *users_file,
                       struct auth_pwhash *ph, char *err);

#endif
