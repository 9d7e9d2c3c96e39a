/* admin_redis.c -- tell Redis about the tool's changes right away, when it
 * can reach Redis (see admin.h). */
#include <stdio.h>

#include "cmn/cmn_err.h"

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
