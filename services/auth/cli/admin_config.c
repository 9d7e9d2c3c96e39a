/* admin_config.c -- the variables iseecubes-admin reads (the same names
 * as auth, so one environment serves both). */
#include <stddef.h>
#include <string.h>

#include "cmn/cmn_env.h"

#include "admin.h"

#define F(field) offsetof(struct admin_config, field)
static const struct cmn_env_var admin_env[] = {
    { "LOG_LEVEL",               CMN_ENV_CHOICE, F(log_level),      "warn",              0, 0, 0, "minimum log level", "debug|info|warn|error" },
    { "SQL_HOST",                CMN_ENV_STR,   F(db.host),         "127.0.0.1",         0, 0,     0, "Postgres host or unix socket directory" },
    { "SQL_PORT",                CMN_ENV_INT,   F(db.port),         "5432",              1, 65535, 0, "Postgres port" },
    { "SQL_USER",                CMN_ENV_STR,   F(db.user),         "postgres",          0, 0,     0, "Postgres user" },
    { "SQL_PASSWORD",            CMN_ENV_STR,   F(db.password),     NULL,                0, 0, CMN_ENV_SECRET, "Postgres password (may be empty)" },
    { "SQL_DATABASE",            CMN_ENV_STR,   F(db.database),     "iseecubes",         0, 0,     0, "Postgres database" },
    { "REDIS_HOST",              CMN_ENV_STR,   F(redis_host),      "127.0.0.1",         0, 0,     0, "Redis host (mirror, revocations)" },
    { "REDIS_PORT",              CMN_ENV_INT,   F(redis_port),      "6379",              0, 65535, 0, "Redis port; 0 = leave Redis to auth" },
    { "USERS_FILE",              CMN_ENV_STR,   F(users_file),      "deploy/users.json", 0, 0,     0, "seed users for an empty table" },
    { "MIGRATIONS_DIR",          CMN_ENV_STR,   F(migrations_dir),  "deploy/migrations", 0, 0,     0, "NNN_name.sql files" },
    { "AUTH_ARGON2_OPSLIMIT",    CMN_ENV_INT,   F(argon2_t),        "2",                 2, 10,    0, "argon2id iterations" },
    { "AUTH_ARGON2_MEMLIMIT_MIB",CMN_ENV_INT,   F(argon2_m_mib),    "64",                19, 1024, 0, "argon2id memory, MiB" },
    { "AUTH_PASSWORD_MIN",       CMN_ENV_INT,   F(password_min),    "8",                 1, 1024,  0, "shortest password for add/passwd" },
};
#define ADMIN_NENV (sizeof admin_env / sizeof admin_env[0])

int
admin_config_load(struct admin_config *cfg)
{
    int bad;

    memset(cfg, 0, sizeof *cfg);
    bad = cmn_env_load(admin_env, ADMIN_NENV, cfg);
    if (cfg->db.password == NULL)
        cfg->db.password = "";
    return bad;
}

void
admin_config_usage(void)
{
    cmn_env_usage(admin_env, ADMIN_NENV);
}
