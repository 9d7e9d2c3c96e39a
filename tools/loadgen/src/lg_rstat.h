/* lg_rstat.h -- Redis commands per delivered message: snapshots of
 * INFO commandstats (calls and microseconds per command) and their
 * difference as JSON.
 *
 * Redis counts the commands a Lua script runs under their own names as
 * well as the EVALSHA itself; the JSON lists every command so a reader can
 * tell the two apart. */
#ifndef LG_RSTAT_H
#define LG_RSTAT_H

#include <stddef.h>

#include "cmn/cmn_buf.h"
#include "cmn/cmn_redis.h"

#define LG_RSTAT_MAX 96

struct lg_rstat_cmd {
    char name[48];
    unsigned long long calls, usec;
};

struct lg_rstat {
    size_t n;
    struct lg_rstat_cmd c[LG_RSTAT_MAX];
    int ok;                    /* 0: Redis did not answer */
};

/* Take a snapshot through r. 0, or -1 (snap->ok = 0). */
int lg_rstat_take(struct cmn_redis *r, struct lg_rstat *snap);
/* Total calls and usec from a to b, the INFO commands themselves left
 * out. */
void lg_rstat_total(const struct lg_rstat *a, const struct lg_rstat *b,
                    unsigned long long *calls, unsigned long long *usec);
/* {"total":N,"usec":U,"per_msg":x,"usec_per_msg":y,"by_cmd":{"xadd":n,...}}
 * for `msgs` delivered messages (per_msg omitted when msgs is 0). */
int lg_rstat_json(const struct lg_rstat *a, const struct lg_rstat *b,
                  unsigned long long msgs, struct cmn_buf *out);

#endif
