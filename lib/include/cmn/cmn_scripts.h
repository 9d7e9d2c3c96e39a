/* cmn_scripts.h -- the Lua scripts that change shared state atomically.
 *
 * Presence transitions, revocations, the gateway location table and the
 * offline inbox are each changed by exactly one script, so two replicas of
 * a service can never both perform (and broadcast) the same transition.
 * Keys and arguments of each script are documented in cmn_scripts.c. */
#ifndef CMN_SCRIPTS_H
#define CMN_SCRIPTS_H

#include "cmn/cmn_redis.h"

extern struct cmn_script cmn_script_online;
extern struct cmn_script cmn_script_offline;
extern struct cmn_script cmn_script_expire_many;
extern struct cmn_script cmn_script_loc_add;
extern struct cmn_script cmn_script_loc_del;
extern struct cmn_script cmn_script_inbox_add;
extern struct cmn_script cmn_script_inbox_del;

/* Compute every script's SHA1; call once in main() before threads. */
void cmn_scripts_init(void);

/* How a user goes offline (see cmn_presence_offline). */
enum cmn_offline_mode {
    CMN_OFFLINE_EXPIRE,  /* heartbeat older than cutoff: revoke that session */
    CMN_OFFLINE_LOGOUT,  /* client_disconnection with jti */
    CMN_OFFLINE_KILL,    /* admin kill_token or user disabled */
    CMN_OFFLINE_GRACE    /* last socket closed: offline, token kept */
};

/* Run the offline transition for user. jti: the session for LOGOUT;
 * cutoff_ms: for EXPIRE. Returns 1 = went offline (broadcast sent),
 * 0 = no transition (e.g. a newer heartbeat, still connected, or revoked
 * but was not online), -1 = refused (LOGOUT with a stale jti, KILL of a
 * user without a session), -2 = Redis unavailable or script error,
 * -3 = GRACE entry already claimed by another replica. */
int cmn_presence_offline(struct cmn_redis *r, const char *user,
                         enum cmn_offline_mode mode, const char *jti,
                         long long cutoff_ms);

/* The same, pipelined: append the script call (0, or -1 when Redis is
 * unreachable), then read its result in order with
 * cmn_presence_offline_reply() (same codes; -2 on a broken connection). */
int cmn_presence_offline_append(struct cmn_redis *r, const char *user,
                                enum cmn_offline_mode mode, const char *jti,
                                long long cutoff_ms);
int cmn_presence_offline_reply(struct cmn_redis *r);

/* The heartbeat sweep for a chunk of users in one script call: each user
 * whose heartbeat is at or before cutoff_ms goes offline exactly as with
 * CMN_OFFLINE_EXPIRE, the chunk's broadcasts in one s:bcast entry.
 * Returns an array reply of the users that went offline (caller frees),
 * or NULL when Redis failed. */
redisReply *cmn_presence_expire_many(struct cmn_redis *r,
                                     const char *const *users, size_t n,
                                     long long cutoff_ms);

/* Run the online transition: 1 = went online (broadcast + flush request),
 * 0 = was online already (heartbeat refreshed), -1 = jti is not the user's
 * session any more, -2 = Redis unavailable, -3 = settle_member (the
 * "user jti" entry of a legacy join's settle delay, or NULL) was claimed
 * or cancelled by someone else. jti "bot" for bots. */
int cmn_presence_online(struct cmn_redis *r, const char *user,
                        const char *jti, long long now_ms,
                        const char *settle_member);

/* The Socket.IO packets of the presence broadcasts. */
void cmn_packet_presence(char *out, size_t cap, const char *event,
                         const char *user);

#endif
