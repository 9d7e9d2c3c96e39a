/* auth_mirror.h -- the Redis mirror of enabled users.
 *
 * Other services learn who exists, and with which role, from Redis hash
 * `users` (name -> role, every ENABLED user, bots included) and notice
 * changes through `users:ver` (CMN_K_USERS, CMN_K_USERS_VER). auth keeps
 * it right three ways:
 *  - an admin change through auth updates one field at once
 *    (auth_mirror_set) and bumps users:ver;
 *  - at start, and whenever Postgres' users_meta.version moved (a change
 *    made by iseecubes-admin or another replica) or users:ver vanished (a
 *    Redis that restarted empty), the whole hash is rebuilt into a temp key
 *    and RENAMEd over `users` (auth_mirror_rebuild), then users:ver bumped;
 *  - a thread (auth_mirror_start) checks both every AUTH_MIRROR_POLL_MS.
 * A rebuild also revokes the sessions (hash `tokens`) of names that are
 * not enabled users any more, so disabling a user with the admin tool
 * while Redis was out of its reach still ends that user's session. */
#ifndef AUTH_MIRROR_H
#define AUTH_MIRROR_H

#include <stdatomic.h>

#include "cmn/cmn_redis.h"

#include "auth_db.h"

/* Set one user's role in the mirror ("" or NULL role = remove) and bump
 * users:ver. 0, or -1 when Redis is down. */
int auth_mirror_set(struct cmn_redis *r, const char *name, const char *role);

/* Rebuild the whole mirror from Postgres. Returns the number of enabled
 * users mirrored, or -1 with err set (either store down). */
long auth_mirror_rebuild(struct auth_db *db, struct cmn_redis *r, char *err);

struct auth_mirror;

/* One synchronous pass (a failure is logged, not fatal), then a thread
 * that polls every poll_ms. The thread has its own connections to both
 * stores. Each pass stores in *db_down and *redis_down (either may be
 * NULL) whether that store answered, so /healthz notices a recovery even
 * when no request comes. NULL on failure to start the thread. */
struct auth_mirror *auth_mirror_start(const struct auth_db_config *db,
                                      const char *redis_host, int redis_port,
                                      int poll_ms, atomic_int *db_down,
                                      atomic_int *redis_down);
/* Stop and join the thread (promptly: it waits on a condition). */
void auth_mirror_stop(struct auth_mirror *m);

#endif
