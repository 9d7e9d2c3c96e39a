/* auth_users.h -- the users table: look up, create, change, list.
 *
 * Every function takes the caller's struct auth_db (one per thread) and
 * runs parameterised statements only, so a name full of SQL is just a
 * name. Names follow AUTH_NAME_RULE; anything else does not exist. */
#ifndef AUTH_USERS_H
#define AUTH_USERS_H

#include <stddef.h>

#include "auth_db.h"
#include "auth_pwhash.h"

#define AUTH_NAME_MAX 32                  /* characters, ASCII */
#define AUTH_NAME_RULE "1 to 32 characters from A-Z a-z 0-9 _ . -"

enum auth_users_rc {
    AUTH_USERS_OK,
    AUTH_USERS_NOT_FOUND,
    AUTH_USERS_EXISTS,      /* create: name taken */
    AUTH_USERS_DOWN,        /* Postgres unreachable */
    AUTH_USERS_ERROR        /* an SQL error (logged by the caller) */
};

struct auth_user {
    char name[AUTH_NAME_MAX + 1];
    char role[8];                 /* user | admin | bot */
    char status[10];              /* enabled | disabled */
    char hash[AUTH_HASH_LEN];     /* "" = cannot log in */
    char created[40];             /* timestamps, ISO 8601 UTC */
    char updated[40];
};

/* 1 when name obeys AUTH_NAME_RULE. */
int auth_users_name_valid(const char *name);
/* 1 for "user", "admin" or "bot". */
int auth_users_role_valid(const char *role);

/* Find a user by name (any status). err gets the reason on DOWN/ERROR. */
enum auth_users_rc auth_users_find(struct auth_db *db, const char *name,
                                   struct auth_user *u, char *err);

/* Create a user; hash may be NULL (cannot log in). */
enum auth_users_rc auth_users_create(struct auth_db *db, const char *name,
                                     const char *hash, const char *role,
                                     char *err);

enum auth_users_rc auth_users_set_hash(struct auth_db *db, const char *name,
                                       const char *hash, char *err);

/* status "enabled" or "disabled"; role_out[8] (may be NULL) gets the
 * user's role. */
enum auth_users_rc auth_users_set_status(struct auth_db *db,
                                         const char *name,
                                         const char *status, char *role_out,
                                         char *err);

/* Call each() for every user (enabled_only: only enabled ones), ordered by
 * name in byte order. The strings are valid during the call only. */
typedef void (*auth_users_each_fn)(void *arg, const struct auth_user *u);
enum auth_users_rc auth_users_list(struct auth_db *db, int enabled_only,
                                   auth_users_each_fn each, void *arg,
                                   char *err);

/* Call each(arg, name, role) for every enabled user, in byte order of
 * names (an index-only scan: cheap enough for every contacts request). */
typedef void (*auth_users_name_fn)(void *arg, const char *name,
                                   const char *role);
enum auth_users_rc auth_users_enabled(struct auth_db *db,
                                      auth_users_name_fn each, void *arg,
                                      char *err);

/* The change counter users_meta.version (bumped by a trigger). */
enum auth_users_rc auth_users_version(struct auth_db *db, long long *ver,
                                      char *err);

#endif
