/* admin.h -- iseecubes-admin, the user administration tool.
 *
 * Works on Postgres directly with auth's own modules (auth_users,
 * auth_pwhash, auth_migrate), so it needs no running auth. Before any
 * command it applies pending migrations and seeds an empty table, exactly
 * as auth does at start (same advisory lock). After a change it updates
 * the Redis mirror and revokes sessions itself when Redis is reachable;
 * otherwise every auth replica does both within AUTH_MIRROR_POLL_MS (it
 * polls users_meta.version). */
#ifndef ADMIN_H
#define ADMIN_H

#include "cmn/cmn_redis.h"

#include "auth_db.h"
#include "auth_pwhash.h"

struct admin_config {
    const char *log_level;
    struct auth_db_config db;
    const char *redis_host;
    int redis_port;
    const char *users_file;
    const char *migrations_dir;
    int argon2_t;
    int argon2_m_mib;
    int password_min;
};

/* What every command gets. */
struct admin_ctx {
    const struct admin_config *cfg;
    struct auth_db db;
    struct cmn_redis redis;
    struct auth_pwhash *ph;      /* normal-cost hashing */
};

/* admin_config.c: 0, or the number of problems (logged). */
int admin_config_load(struct admin_config *cfg);
void admin_config_usage(void);

/* admin_cmds.c: each returns the exit status (0 ok, 1 failed, 2 usage). */
int admin_cmd_add(struct admin_ctx *ax, int argc, char **argv);
int admin_cmd_passwd(struct admin_ctx *ax, int argc, char **argv);
int admin_cmd_disable(struct admin_ctx *ax, int argc, char **argv);
int admin_cmd_enable(struct admin_ctx *ax, int argc, char **argv);
int admin_cmd_list(struct admin_ctx *ax, int argc, char **argv);

/* admin_bulk.c */
int admin_cmd_bulk(struct admin_ctx *ax, int argc, char **argv);

/* admin_redis.c: tell Redis about changes (best effort, says what it did).
 * Rebuild the mirror (which also revokes sessions of users that are not
 * enabled); returns 0 or -1 (then auth will do it). */
int admin_redis_sync(struct admin_ctx *ax);
/* End name's session (after a password change). 0, or -1 when Redis is
 * not reachable (said so). */
int admin_redis_revoke(struct admin_ctx *ax, const char *name);

/* admin_password.c: read a password from stdin (no echo on a terminal)
 * into out[AUTH_PASSWORD_MAX + 1]. Returns its length or -1. */
long admin_read_password(const char *prompt, char *out);

#endif
