/* auth_config.c -- every variable auth reads, in one table (cmn_env).
 *
 * Bounds sit next to the names: the argon2 floor (t >= 2, m >= 19 MiB) is
 * OWASP's minimum and cannot be configured away. */
#include <stddef.h>
#include <string.h>

#include <sodium.h>

#include "cmn/cmn_env.h"
#include "cmn/cmn_err.h"
#include "cmn/cmn_jwt.h"
#include "cmn/cmn_log.h"

#include "auth_config.h"

#define F(field) offsetof(struct auth_config, field)
static const struct cmn_env_var auth_env[] = {
    /* name                      type           field                 default           min  max      flags  help */
    { "LOG_LEVEL",               CMN_ENV_CHOICE, F(log_level),        "info",           0, 0, 0, "minimum log level", "debug|info|warn|error" },
    { "AUTH_BIND",               CMN_ENV_STR,   F(bind),              "127.0.0.1",      0, 0,        0, "HTTP listen address (IPv4)" },
    { "AUTH_PORT",               CMN_ENV_INT,   F(port),              "8081",           0, 65535,    0, "HTTP port; 0 = any free port (logged)" },
    { "HEALTH_BIND",             CMN_ENV_STR,   F(health_bind),       "127.0.0.1",      0, 0,        0, "/healthz + /metrics listen address" },
    { "AUTH_HEALTH_PORT",        CMN_ENV_INT,   F(health_port),       "9081",           0, 65535,    0, "/healthz + /metrics port; 0 = any" },
    { "REDIS_HOST",              CMN_ENV_STR,   F(redis_host),        "127.0.0.1",      0, 0,        0, "Redis host" },
    { "REDIS_PORT",              CMN_ENV_INT,   F(redis_port),        "6379",           1, 65535,    0, "Redis port" },
    { "SQL_HOST",                CMN_ENV_STR,   F(db.host),           "127.0.0.1",      0, 0,        0, "Postgres host or unix socket directory" },
    { "SQL_PORT",                CMN_ENV_INT,   F(db.port),           "5432",           1, 65535,    0, "Postgres port" },
    { "SQL_USER",                CMN_ENV_STR,   F(db.user),           "postgres",       0, 0,        0, "Postgres user" },
    { "SQL_PASSWORD",            CMN_ENV_STR,   F(db.password),       NULL,             0, 0, CMN_ENV_SECRET, "Postgres password (may be empty)" },
    { "SQL_DATABASE",            CMN_ENV_STR,   F(db.database),       "iseecubes",      0, 0,        0, "Postgres database (must exist)" },
    { "JWT_SECRET",              CMN_ENV_STR,   F(jwt_secret),        NULL,             0, 0, CMN_ENV_SECRET, "HS256 key, >= 32 bytes (or JWT_SECRET_FILE)" },
    { "JWT_SECRET_FILE",         CMN_ENV_STR,   F(jwt_secret_file),   NULL,             0, 0,        0, "file holding the HS256 key" },
    { "JWT_TTL_S",               CMN_ENV_INT,   F(jwt_ttl_s),         "86400",          60, 2592000, 0, "token lifetime, seconds" },
    { "USERS_FILE",              CMN_ENV_STR,   F(users_file),        "deploy/users.json", 0, 0,     0, "seed users, loaded into an empty table" },
    { "MIGRATIONS_DIR",          CMN_ENV_STR,   F(migrations_dir),    "deploy/migrations", 0, 0,     0, "NNN_name.sql files applied in order" },
    { "AUTH_THREADS",            CMN_ENV_INT,   F(threads),           "8",              1, 256,      0, "HTTP worker threads (each has a Postgres and a Redis connection)" },
    { "AUTH_HASH_CONCURRENCY",   CMN_ENV_INT,   F(hash_concurrency),  "2",              1, 64,       0, "argon2 hashes running at once" },
    { "AUTH_ARGON2_OPSLIMIT",    CMN_ENV_INT,   F(argon2_t),          "2",              2, 10,       0, "argon2id iterations for new hashes" },
    { "AUTH_ARGON2_MEMLIMIT_MIB",CMN_ENV_INT,   F(argon2_m_mib),      "64",             19, 1024,    0, "argon2id memory for new hashes, MiB" },
    { "AUTH_MAX_BODY",           CMN_ENV_INT,   F(max_body),          "4096",           256, 1048576, 0, "largest request body, bytes (413 above)" },
    { "AUTH_LOGIN_WINDOW_S",     CMN_ENV_INT,   F(rl_window_s),       "60",             1, 86400,    0, "login rate-limit window, seconds" },
    { "AUTH_LOGIN_FAILS_PER_USER", CMN_ENV_INT, F(rl_user_max),       "10",             0, 1000000,  0, "failed logins per user name per window before 429; 0 = off" },
    { "AUTH_LOGIN_FAILS_PER_ADDR", CMN_ENV_INT, F(rl_addr_max),       "100",            0, 1000000,  0, "failed logins per client address per window before 429; 0 = off" },
    { "AUTH_TRUST_PROXY",        CMN_ENV_BOOL,  F(trust_proxy),       "true",           0, 0,        0, "client address from X-Real-IP / X-Forwarded-For (nginx)" },
    { "AUTH_PASSWORD_MIN",       CMN_ENV_INT,   F(password_min),      "8",              1, 1024,     0, "shortest new password (admin API and tool)" },
    { "AUTH_DB_WAIT_S",          CMN_ENV_INT,   F(db_wait_s),         "60",             0, 3600,     0, "wait this long for Postgres at start; 0 = forever" },
    { "AUTH_REDIS_TIMEOUT_MS",   CMN_ENV_INT,   F(redis_timeout_ms),  "3000",           100, 60000,  0, "a Redis reply slower than this fails the request (503)" },
    { "AUTH_MIRROR_POLL_MS",     CMN_ENV_INT,   F(mirror_poll_ms),    "1000",           100, 600000, 0, "how often the Redis users mirror is checked against Postgres" },
};
#define AUTH_NENV (sizeof auth_env / sizeof auth_env[0])

int
auth_config_load(struct auth_config *cfg)
{
    char err[CMN_ERR_LEN];
    int bad;

    memset(cfg, 0, sizeof *cfg);
    bad = cmn_env_load(auth_env, AUTH_NENV, cfg);
    if (cfg->log_level != NULL)
        cfg->log_level_n = cmn_log_level_parse(cfg->log_level);
    if (cmn_jwt_key_load(cfg->jwt_secret, cfg->jwt_secret_file, cfg->key,
                         sizeof cfg->key, &cfg->keylen, err) != 0) {
        cmn_log_error("config", "%s", err);
        bad++;
    }
    if (cfg->db.password == NULL)
        cfg->db.password = "";
    return bad;
}

void
auth_config_log(const struct auth_config *cfg)
{
    cmn_env_log(auth_env, AUTH_NENV, cfg);
}

void
auth_config_usage(void)
{
    cmn_env_usage(auth_env, AUTH_NENV);
}

void
auth_config_cleanup(struct auth_config *cfg)
{
    sodium_memzero(cfg->key, sizeof cfg->key);
    cfg->keylen = 0;
}
