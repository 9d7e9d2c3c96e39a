/* iseecubes-admin -- manage ISeeCubes users from the command line.
 *
 *   iseecubes-admin add NAME [--role user|admin|bot]   (password on stdin)
 *   iseecubes-admin passwd NAME                        (password on stdin)
 *   iseecubes-admin disable NAME | enable NAME | list | migrate
 *   iseecubes-admin bulk --count N --prefix P --password-prefix Q
 *                        [--start 1] [--fast-hash] [--reset]
 *
 * main() wires configuration (admin_config.c), the database (migrated and
 * seeded like auth does) and Redis, then runs one command (admin_cmds.c,
 * admin_bulk.c). Exit status: 0 done, 1 failed, 2 usage or configuration. */
#include <stdio.h>
#include <string.h>

#include "cmn/cmn_err.h"
#include "cmn/cmn_log.h"
#include "cmn/cmn_scripts.h"

#include "admin.h"
#include "auth_migrate.h"
#include "auth_scripts.h"

static void
admin_usage(void)
{
    fprintf(stderr,
        "usage: iseecubes-admin COMMAND ...\n"
        "  add NAME [--role user|admin|bot]   new user; password: one line "
        "on stdin (none for bots)\n"
        "  passwd NAME                        new password: one line on "
        "stdin\n"
        "  disable NAME | enable NAME         (disable also ends the "
        "session)\n"
        "  list                               every user\n"
        "  bulk --count N --prefix P --password-prefix Q [--start 1] "
        "[--fast-hash] [--reset]\n"
        "  migrate                            apply migrations, seed an "
        "empty table\n"
        "environment:\n");
    admin_config_usage();
}

static int
admin_run(struct admin_ctx *ax, int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*fn)(struct admin_ctx *, int, char **);
    } cmds[] = {
        {"add", admin_cmd_add},         {"passwd", admin_cmd_passwd},
        {"disable", admin_cmd_disable}, {"enable", admin_cmd_enable},
        {"list", admin_cmd_list},       {"bulk", admin_cmd_bulk},
    };

    if (strcmp(argv[0], "migrate") == 0) {
        printf("schema up to date\n");
        return 0;
    }
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (strcmp(argv[0], cmds[i].name) == 0)
            return cmds[i].fn(ax, argc, argv);
    admin_usage();
    return 2;
}

int
main(int argc, char **argv)
{
    static struct admin_config cfg;
    struct admin_ctx ax;
    char err[CMN_ERR_LEN];
    int rc = 1;

    cmn_log_init("iseecubes-admin", CMN_LOG_WARN);
    if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "-h") == 0) {
        admin_usage();
        return argc < 2 ? 2 : 0;
    }
    if (admin_config_load(&cfg) != 0)
        return 2;
    cmn_log_init("iseecubes-admin", cmn_log_level_parse(cfg.log_level));
    cmn_scripts_init();
    auth_scripts_init();
    memset(&ax, 0, sizeof ax);
    ax.cfg = &cfg;
    auth_db_init(&ax.db, &cfg.db, "iseecubes-admin", 0);
    cmn_redis_init(&ax.redis, cfg.redis_host, cfg.redis_port, "admin");
    ax.ph = auth_pwhash_new((unsigned)cfg.argon2_t,
                            (unsigned)cfg.argon2_m_mib, 4, NULL, err);
    if (ax.ph == NULL) {
        fprintf(stderr, "iseecubes-admin: %s\n", err);
        return 1;
    }
    if (auth_migrate_prepare(&ax.db, cfg.migrations_dir, cfg.users_file,
                             ax.ph, err) != 0)
        fprintf(stderr, "iseecubes-admin: database: %s\n", err);
    else
        rc = admin_run(&ax, argc - 1, argv + 1);
    auth_pwhash_free(ax.ph);
    auth_db_close(&ax.db);
    cmn_redis_close(&ax.redis);
    return rc;
}
