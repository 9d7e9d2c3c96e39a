/* admin_cmds.c -- add, passwd, disable, enable, list (see admin.h). */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "cmn/cmn_err.h"

#include "admin.h"
#include "auth_users.h"

/* Say what went wrong with a user-store call; returns the exit status. */
static int
admin_report(enum auth_users_rc rc, const char *name, const char *err)
{
    switch (rc) {
    case AUTH_USERS_OK:
        return 0;
    case AUTH_USERS_NOT_FOUND:
        fprintf(stderr, "iseecubes-admin: no user %s\n", name);
        return 1;
    case AUTH_USERS_EXISTS:
        fprintf(stderr, "iseecubes-admin: user %s already exists\n", name);
        return 1;
    default:
        fprintf(stderr, "iseecubes-admin: %s\n", err);
        return 1;
    }
}

/* Read a new password and hash it into hash. 0, or the exit status. */
static int
admin_new_hash(struct admin_ctx *ax, char *hash)
{
    char pw[AUTH_PASSWORD_MAX + 1];
    long n = admin_read_password("New password: ", pw);
    int rc;

    if (n < ax->cfg->password_min) {
        fprintf(stderr, "iseecubes-admin: the password must be %d to %d "
                "bytes (one line on stdin)\n", ax->cfg->password_min,
                AUTH_PASSWORD_MAX);
        sodium_memzero(pw, sizeof pw);
        return 2;
    }
    rc = auth_pwhash_hash(ax->ph, pw, (size_t)n, hash);
    sodium_memzero(pw, sizeof pw);
    if (rc != 0) {
        fprintf(stderr, "iseecubes-admin: cannot hash (out of memory)\n");
        return 1;
    }
    return 0;
}

static int
admin_need_name(int argc, char **argv, const char *usage)
{
    if (argc < 2 || !auth_users_name_valid(argv[1])) {
        fprintf(stderr, "usage: iseecubes-admin %s\n(names: %s)\n", usage,
                AUTH_NAME_RULE);
        return 2;
    }
    return 0;
}

int
admin_cmd_add(struct admin_ctx *ax, int argc, char **argv)
{
    const char *role = "user";
    char hash[AUTH_HASH_LEN], err[CMN_ERR_LEN];
    enum auth_users_rc rc;
    int st;

    if ((st = admin_need_name(argc, argv, "add NAME [--role user|admin|bot]"
                              "  (password: one line on stdin)")) != 0)
        return st;
    if (argc == 4 && strcmp(argv[2], "--role") == 0)
        role = argv[3];
    else if (argc != 2)
        return admin_need_name(0, argv, "add NAME [--role user|admin|bot]");
    if (!auth_users_role_valid(role)) {
        fprintf(stderr, "iseecubes-admin: role must be user, admin or bot\n");
        return 2;
    }
    /* bots cannot log in: no password */
    if (strcmp(role, "bot") != 0 && (st = admin_new_hash(ax, hash)) != 0)
        return st;
    rc = auth_users_create(&ax->db, argv[1],
                           strcmp(role, "bot") != 0 ? hash : NULL, role, err);
    sodium_memzero(hash, sizeof hash);
    if ((st = admin_report(rc, argv[1], err)) != 0)
        return st;
    printf("added user %s (role %s)\n", argv[1], role);
    admin_redis_sync(ax);
    return 0;
}

int
admin_cmd_passwd(struct admin_ctx *ax, int argc, char **argv)
{
    char hash[AUTH_HASH_LEN], err[CMN_ERR_LEN];
    struct auth_user u;
    enum auth_users_rc rc;
    int st;

    if ((st = admin_need_name(argc, argv, "passwd NAME  (password: one line "
                              "on stdin)")) != 0)
        return st;
    if ((st = admin_report(auth_users_find(&ax->db, argv[1], &u, err),
                           argv[1], err)) != 0)
        return st;
    if (strcmp(u.role, "bot") == 0) {
        fprintf(stderr, "iseecubes-admin: %s is a bot: bots cannot have a "
                "password\n", argv[1]);
        return 1;
    }
    if ((st = admin_new_hash(ax, hash)) != 0)
        return st;
    rc = auth_users_set_hash(&ax->db, argv[1], hash, err);
    sodium_memzero(hash, sizeof hash);
    if ((st = admin_report(rc, argv[1], err)) != 0)
        return st;
    printf("password of %s changed\n", argv[1]);
    admin_redis_revoke(ax, argv[1]);
    return 0;
}

static int
admin_set_status(struct admin_ctx *ax, int argc, char **argv,
                 const char *status)
{
    char err[CMN_ERR_LEN], usage[32];
    int st;

    snprintf(usage, sizeof usage, "%s NAME", argv[0]);
    if ((st = admin_need_name(argc, argv, usage)) != 0)
        return st;
    if ((st = admin_report(auth_users_set_status(&ax->db, argv[1], status,
                                                 NULL, err),
                           argv[1], err)) != 0)
        return st;
    printf("user %s %s\n", argv[1], status);
    admin_redis_sync(ax);
    return 0;
}

int
admin_cmd_disable(struct admin_ctx *ax, int argc, char **argv)
{
    return admin_set_status(ax, argc, argv, "disabled");
}

int
admin_cmd_enable(struct admin_ctx *ax, int argc, char **argv)
{
    return admin_set_status(ax, argc, argv, "enabled");
}

static void
admin_list_one(void *arg, const struct auth_user *u)
{
    (void)arg;
    printf("%-32s %-6s %-9s %-9s %s\n", u->name, u->role, u->status,
           u->hash[0] ? "yes" : "no", u->created);
}

int
admin_cmd_list(struct admin_ctx *ax, int argc, char **argv)
{
    char err[CMN_ERR_LEN];

    (void)argv;
    if (argc != 1) {
        fprintf(stderr, "usage: iseecubes-admin list\n");
        return 2;
    }
    printf("%-32s %-6s %-9s %-9s %s\n", "NAME", "ROLE", "STATUS", "PASSWORD",
           "CREATED");
    return admin_report(auth_users_list(&ax->db, 0, admin_list_one, NULL,
                                        err), "", err);
}
