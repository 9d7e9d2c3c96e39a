/* auth_scripts.c -- auth's Lua scripts (see auth_scripts.h). Each one
 * changes its keys atomically, so replicas never interleave halfway. */
#include "auth_scripts.h"

/* A new login replaces the user's session; the old jti is announced on
 * s:bcast as a revocation ("r <user>" -> old jti), as logout does.
 * KEYS: tokens s:bcast   ARGV: user jti bcast_maxlen revoke_field
 * -> 1 an older session was replaced, 0 none */
struct cmn_script auth_script_session = {"auth_session",
    "local old = redis.call('HGET', KEYS[1], ARGV[1])\n"
    "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])\n"
    "if old and old ~= ARGV[2] then\n"
    "  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', ARGV[4], old)\n"
    "  return 1 end\n"
    "return 0\n", ""};

/* KEYS: rl:login:u:<name> rl:login:a:<addr>   ARGV: user_max addr_max
 * (0 = no limit) -> 0 allowed, else ms until the fullest window ends */
struct cmn_script auth_script_rl_check = {"auth_rl_check",
    "local wait = 0\n"
    "for i = 1, 2 do\n"
    "  local max = tonumber(ARGV[i])\n"
    "  if max > 0 and tonumber(redis.call('GET', KEYS[i]) or '0') >= max then\n"
    "    local t = redis.call('PTTL', KEYS[i])\n"
    "    if t < 1 then t = 1 end\n"
    "    if t > wait then wait = t end\n"
    "  end\n"
    "end\n"
    "return wait\n", ""};

/* Count one failed attempt in both windows (fixed windows that start at
 * the first failure). KEYS as above   ARGV: window_ms -> 1 */
struct cmn_script auth_script_rl_fail = {"auth_rl_fail",
    "for i = 1, 2 do\n"
    "  if redis.call('INCR', KEYS[i]) == 1 then\n"
    "    redis.call('PEXPIRE', KEYS[i], ARGV[1]) end\n"
    "end\n"
    "return 1\n", ""};

/* KEYS: users users:ver   ARGV: name role ("" = remove) -> new version */
struct cmn_script auth_script_mirror_set = {"auth_mirror_set",
    "if ARGV[2] == '' then redis.call('HDEL', KEYS[1], ARGV[1])\n"
    "else redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end\n"
    "return redis.call('INCR', KEYS[2])\n", ""};

/* Put a freshly built mirror in place. KEYS: tmp users users:ver
 * -> new version (an empty tmp means no enabled users) */
struct cmn_script auth_script_mirror_swap = {"auth_mirror_swap",
    "if redis.call('EXISTS', KEYS[1]) == 1 then\n"
    "  redis.call('RENAME', KEYS[1], KEYS[2])\n"
    "else redis.call('DEL', KEYS[2]) end\n"
    "return redis.call('INCR', KEYS[3])\n", ""};

void
auth_scripts_init(void)
{
    cmn_script_init(&auth_script_session);
    cmn_script_init(&auth_script_rl_check);
    cmn_script_init(&auth_script_rl_fail);
    cmn_script_init(&auth_script_mirror_set);
    cmn_script_init(&auth_script_mirror_swap);
}
