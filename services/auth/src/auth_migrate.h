/* auth_migrate.h -- versioned schema migrations and the first seed.
 *
 * MIGRATIONS_DIR holds files named NNN_what.sql. auth_migrate_prepare()
 * takes a Postgres advisory lock (so several auth replicas and the admin
 * tool can start at once: the others wait, then find nothing to do),
 * applies every file whose number is not yet in schema_migrations, each
 * in its own transaction and in numeric order, then seeds the users table
 * from USERS_FILE if it is empty (auth_seed.c), and unlocks. */
#ifndef AUTH_MIGRATE_H
#define AUTH_MIGRATE_H

#include "auth_db.h"
#include "auth_pwhash.h"

/* The advisory lock key every auth replica and the admin tool use. */
#define AUTH_MIGRATE_LOCK_KEY "4711202611270001"

struct auth_migration {
    long version;          /* the NNN prefix */
    char file[256];        /* file name inside the directory */
};

/* List the migration files of dir sorted by version into *out (caller
 * frees with free()). Returns the count, or -1 with err set (unreadable
 * dir, two files with one version). Pure file-system work. */
int auth_migrate_scan(const char *dir, struct auth_migration **out,
                      char *err);

/* Apply pending migrations (the caller holds the lock). Returns the number
 * applied, or -1 with err set. */
int auth_migrate_apply(struct auth_db *db, const char *dir, char *err);

/* Lock, migrate, seed when empty, unlock. 0, or -1 with err set. */
int auth_migrate_prepare(struct auth_db *db, const char *dir,
                         const char *users_file, struct auth_pwhash *ph,
                         char *err);

#endif
