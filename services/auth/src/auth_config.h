/* auth_config.h -- everything the auth service reads from the environment.
 *
 * Filled once by auth_config_load() in main() and passed down as const.
 * The SQL rows are shared with iseecubes-admin through
 * struct auth_db_config (auth_db.h). See the README for the table. */
#ifndef AUTH_CONFIG_H
#define AUTH_CONFIG_H

#include <stddef.h>

#include "auth_db.h"

#define AUTH_KEY_MAX 256       /* bytes of JWT signing key we accept */

struct auth_config {
    const char *log_level;
    const char *bind;             /* AUTH_BIND */
    int port;                     /* AUTH_PORT, 0 = any free port */
    const char *health_bind;      /* HEALTH_BIND */
    int health_port;              /* AUTH_HEALTH_PORT */
    const char *redis_host;
    int redis_port;
    struct auth_db_config db;     /* SQL_* */
    const char *jwt_secret;       /* JWT_SECRET (secret) */
    const char *jwt_secret_file;  /* JWT_SECRET_FILE */
    int jwt_ttl_s;
    const char *users_file;       /* USERS_FILE: seed */
    const char *migrations_dir;   /* MIGRATIONS_DIR */
    int threads;                  /* AUTH_THREADS: MHD worker threads */
    int hash_concurrency;         /* AUTH_HASH_CONCURRENCY */
    int argon2_t;                 /* AUTH_ARGON2_OPSLIMIT */
    int argon2_m_mib;             /* AUTH_ARGON2_MEMLIMIT_MIB */
    int max_body;                 /* AUTH_MAX_BODY bytes */
    int rl_window_s;              /* AUTH_LOGIN_WINDOW_S */
    int rl_user_max;              /* AUTH_LOGIN_FAILS_PER_USER */
    int rl_addr_max;              /* AUTH_LOGIN_FAILS_PER_ADDR */
    int trust_proxy;              /* AUTH_TRUST_PROXY: X-Real-IP / XFF */
    int password_min;             /* AUTH_PASSWORD_MIN for new passwords */
    int db_wait_s;                /* AUTH_DB_WAIT_S at start */
    int mirror_poll_ms;           /* AUTH_MIRROR_POLL_MS */
    int redis_timeout_ms;         /* AUTH_REDIS_TIMEOUT_MS */

    /* derived, not from the table */
    int log_level_n;
    unsigned char key[AUTH_KEY_MAX];
    size_t keylen;
};

/* Fill cfg from the environment and load the JWT key. Logs one line per
 * problem. Returns the number of problems (0 = good); main exits 2. */
int auth_config_load(struct auth_config *cfg);

/* Log the effective configuration (secrets as "(set)"). */
void auth_config_log(const struct auth_config *cfg);

/* Print the variables with defaults and help (--help). */
void auth_config_usage(void);

/* Wipe the key material. */
void auth_config_cleanup(struct auth_config *cfg);

#endif
