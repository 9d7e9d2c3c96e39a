/* admin_redis.c -- tell Redis about the tool's changes right away, when it
 * can reach Redis (see admin.h). */
#include <stdio.h>

#include "cmn/cmn_err.h"
#include "cmn/cmn_scripts.h"

#include "admin.h"
#include "auth_mirror.h"

int
admin_redis_sync(struct admin_ctx *ax)
{
    char err[CMN_ERR_LEN];
    long n;

    if (ax->cfg->redis_port == 0) {
        printf("note: REDIS_PORT=0: auth updates the Redis mirror and "
               "sessions within AUTH_MIRROR_POLL_MS\n");
        return -1;
    }
    if ((n = auth_mirror_rebuild(&ax->db, &ax->redis, err)) < 0) {
        printf("note: Redis at %s:%d not updated (%s): auth does it within "
               "AUTH_MIRROR_POLL_MS\n", ax->cfg->redis_host,
               ax->cfg->redis_port, err);
        return -1;
    }
    printf("redis: users mirror rebuilt (%ld enabled users)\n", n);
    return 0;
}

int
admin_redis_revoke(struct admin_ctx *ax, const char *name)
{
    int rc;

    if (ax->cfg->redis_port == 0) {
        printf("note: REDIS_PORT=0: a session of %s stays valid until it "
               "ends\n", name);
        return -1;
    }
    rc = cmn_presence_offline(&ax->redis, name, CMN_OFFLINE_KILL, NULL, 0);
    if (rc == -2) {
        printf("note: Redis at %s:%d unreachable: a session of %s stays "
               "valid until it ends\n", ax->cfg->redis_host,
               ax->cfg->redis_port, name);
        return -1;
    }
    if (rc >= 0)
        printf("redis: session of %s revoked\n", name);
    return 0;
}
