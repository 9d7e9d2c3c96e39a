/* cmn_scripts.c -- Lua scripts for atomic shared-state changes (see
 * cmn_scripts.h). Each script's keys and arguments are listed above it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmn/cmn_buf.h"
#include "cmn/cmn_keys.h"
#include "cmn/cmn_log.h"
#include "cmn/cmn_scripts.h"

#define CMN_STR_(x) #x
#define CMN_STR(x) CMN_STR_(x)

/* KEYS: tokens online hb s:bcast s:msg pres:settle inboxn
 * ARGV: user jti now_ms packet bcast_maxlen settle_member
 * settle_member: when not empty, the pending settle entry this call claims
 * (-3 when someone else claimed or cancelled it). A bind of a user who is
 * online already makes no broadcast, but still asks for a flush when
 * messages wait (they may have been kept while the user's gateway died). */
struct cmn_script cmn_script_online = {"online",
    "local user, jti = ARGV[1], ARGV[2]\n"
    "if ARGV[6] ~= '' and redis.call('ZREM', KEYS[6], ARGV[6]) == 0 then\n"
    "  return -3 end\n"
    "if jti ~= 'bot' and redis.call('HGET', KEYS[1], user) ~= jti then\n"
    "  return -1 end\n"
    "local cur = redis.call('HGET', KEYS[2], user)\n"
    "redis.call('HSET', KEYS[2], user, jti)\n"
    "redis.call('ZADD', KEYS[3], ARGV[3], user)\n"
    "if cur then\n"
    "  if redis.call('HEXISTS', KEYS[7], user) == 1 then\n"
    "    redis.call('XADD', KEYS[5], '*', 'k', 'flush', 'u', user) end\n"
    "  return 0 end\n"
    "redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[5], '*', '*', ARGV[4])\n"
    "if jti ~= 'bot' then\n"
    "  redis.call('XADD', KEYS[5], '*', 'k', 'flush', 'u', user) end\n"
    "return 1\n", ""};

/* KEYS: tokens online hb s:bcast bots loc pres:settle pres:grace
 * ARGV: user mode jti cutoff_ms offline_packet bcast_maxlen revoke_field
 * mode: expire | logout | kill | grace
 * The bots that are online (their bridge serves them) are told. */
struct cmn_script cmn_script_offline = {"offline",
    "local user, mode, jti = ARGV[1], ARGV[2], ARGV[3]\n"
    "local cur = redis.call('HGET', KEYS[2], user)\n"
    "local tok = redis.call('HGET', KEYS[1], user)\n"
    "local revoke = false\n"
    "if mode == 'expire' then\n"
    "  local s = redis.call('ZSCORE', KEYS[3], user)\n"
    "  if not s or tonumber(s) > tonumber(ARGV[4]) then return 0 end\n"
    "  revoke = (cur and tok == cur)\n"
    "elseif mode == 'logout' then\n"
    "  if tok ~= jti and cur ~= jti then return -1 end\n"
    "  redis.call('ZREM', KEYS[7], user .. ' ' .. jti)\n"
    "  revoke = (tok == jti)\n"
    "elseif mode == 'kill' then\n"
    "  if not tok then return -1 end\n"
    "  revoke = true\n"
    "elseif mode == 'grace' then\n"
    "  if redis.call('ZREM', KEYS[8], user) == 0 then return -3 end\n"
    "  local where = redis.call('HGET', KEYS[6], user)\n"
    "  if where and where ~= '' then return 0 end\n"
    "else return redis.error_reply('bad mode') end\n"
    "if revoke then\n"
    "  redis.call('HDEL', KEYS[1], user)\n"
    "  redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[6], '*', ARGV[7], tok)\n"
    "end\n"
    "if not cur then redis.call('ZREM', KEYS[3], user) return 0 end\n"
    "redis.call('HDEL', KEYS[2], user)\n"
    "redis.call('ZREM', KEYS[3], user)\n"
    "redis.call('ZREM', KEYS[8], user)\n"
    "redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[6], '*', '*', ARGV[5])\n"
    "if redis.call('SISMEMBER', KEYS[5], user) == 0 then\n"
    "  for _, b in ipairs(redis.call('SMEMBERS', KEYS[5])) do\n"
    "    if redis.call('HEXISTS', KEYS[2], b) == 1 then\n"
    "      redis.call('XADD', '" CMN_S_BOT_PREFIX "' .. b, 'MAXLEN', '~',\n"
    "                 '100000', '*', 'k', 'offline', 'u', user) end\n"
    "  end\n"
    "end\n"
    "return 1\n", ""};

/* The heartbeat sweep's chunk in one call: the "expire" rules of the
 * offline script for each user, with the broadcasts of the whole chunk in
 * one s:bcast entry (its records in order) and one entry per bot listing
 * nothing more than the offline script would.
 * KEYS: tokens online hb s:bcast bots pres:grace
 * ARGV: cutoff_ms bcast_maxlen user...   -> the users that went offline */
struct cmn_script cmn_script_expire_many = {"expire_many",
    "local cutoff = tonumber(ARGV[1])\n"
    "local rec, gone = {}, {}\n"
    "local bots, isbot = {}, {}\n"
    "for _, b in ipairs(redis.call('SMEMBERS', KEYS[5])) do\n"
    "  isbot[b] = true\n"
    "  if redis.call('HEXISTS', KEYS[2], b) == 1 then bots[#bots + 1] = b end\n"
    "end\n"
    "for i = 3, #ARGV do\n"
    "  local user = ARGV[i]\n"
    "  local s = redis.call('ZSCORE', KEYS[3], user)\n"
    "  if s and tonumber(s) <= cutoff then\n"
    "    local cur = redis.call('HGET', KEYS[2], user)\n"
    "    local tok = redis.call('HGET', KEYS[1], user)\n"
    "    redis.call('ZREM', KEYS[3], user)\n"
    "    if cur then\n"
    "      if tok == cur then\n"
    "        redis.call('HDEL', KEYS[1], user)\n"
    "        rec[#rec + 1] = 'r ' .. user\n"
    "        rec[#rec + 1] = tok\n"
    "      end\n"
    "      redis.call('HDEL', KEYS[2], user)\n"
    "      redis.call('ZREM', KEYS[6], user)\n"
    "      rec[#rec + 1] = '*'\n"
    "      rec[#rec + 1] = '42[\"user_has_gone_offline\",{\"username\":' ..\n"
    "                      cjson.encode(user) .. '}]'\n"
    "      gone[#gone + 1] = user\n"
    "      if not isbot[user] then\n"
    "        for _, b in ipairs(bots) do\n"
    "          redis.call('XADD', '" CMN_S_BOT_PREFIX "' .. b, 'MAXLEN', '~',\n"
    "                     '100000', '*', 'k', 'offline', 'u', user)\n"
    "        end\n"
    "      end\n"
    "    end\n"
    "  end\n"
    "end\n"
    "if #rec > 0 then\n"
    "  redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[2], '*', unpack(rec))\n"
    "end\n"
    "return gone\n", ""};

/* KEYS: loc gw:users:<gw>   ARGV: user gw   -> 1 added, 0 was there */
struct cmn_script cmn_script_loc_add = {"loc_add",
    "local v = redis.call('HGET', KEYS[1], ARGV[1])\n"
    "redis.call('SADD', KEYS[2], ARGV[1])\n"
    "if not v or v == '' then\n"
    "  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) return 1 end\n"
    "for g in string.gmatch(v, '%S+') do\n"
    "  if g == ARGV[2] then return 0 end end\n"
    "redis.call('HSET', KEYS[1], ARGV[1], v .. ' ' .. ARGV[2])\n"
    "return 1\n", ""};

/* KEYS: loc gw:users:<gw>   ARGV: user gw   -> gateways left for user */
struct cmn_script cmn_script_loc_del = {"loc_del",
    "local v = redis.call('HGET', KEYS[1], ARGV[1])\n"
    "redis.call('SREM', KEYS[2], ARGV[1])\n"
    "if not v then return 0 end\n"
    "local rest = {}\n"
    "for g in string.gmatch(v, '%S+') do\n"
    "  if g ~= ARGV[2] then rest[#rest + 1] = g end end\n"
    "if #rest == 0 then redis.call('HDEL', KEYS[1], ARGV[1])\n"
    "else redis.call('HSET', KEYS[1], ARGV[1], table.concat(rest, ' ')) end\n"
    "return #rest\n", ""};

/* KEYS: inbox:<user> inboxn   ARGV: user cap member...
 * -> number of members accepted from the front (the rest hit the cap) */
struct cmn_script cmn_script_inbox_add = {"inbox_add",
    "local n = redis.call('ZCARD', KEYS[1])\n"
    "local cap, ok = tonumber(ARGV[2]), 0\n"
    "for i = 3, #ARGV do\n"
    "  if redis.call('ZSCORE', KEYS[1], ARGV[i]) then ok = ok + 1\n"
    "  elseif n < cap then\n"
    "    redis.call('ZADD', KEYS[1], 0, ARGV[i]) n = n + 1 ok = ok + 1\n"
    "  else break end\n"
    "end\n"
    "if n > 0 then redis.call('HSET', KEYS[2], ARGV[1], n) end\n"
    "return ok\n", ""};

/* KEYS: inbox:<user> inboxn   ARGV: user member...   -> members left */
struct cmn_script cmn_script_inbox_del = {"inbox_del",
    "if #ARGV > 1 then\n"
    "  redis.call('ZREM', KEYS[1], unpack(ARGV, 2)) end\n"
    "local n = redis.call('ZCARD', KEYS[1])\n"
    "if n == 0 then redis.call('HDEL', KEYS[2], ARGV[1])\n"
    "else redis.call('HSET', KEYS[2], ARGV[1], n) end\n"
    "return n\n", ""};

void
cmn_scripts_init(void)
{
    cmn_script_init(&cmn_script_online);
    cmn_script_init(&cmn_script_offline);
    cmn_script_init(&cmn_script_expire_many);
    cmn_script_init(&cmn_script_loc_add);
    cmn_script_init(&cmn_script_loc_del);
    cmn_script_init(&cmn_script_inbox_add);
    cmn_script_init(&cmn_script_inbox_del);
}

void
cmn_packet_presence(char *out, size_t cap, const char *event,
                    const char *user)
{
    struct cmn_buf b;

    cmn_buf_init(&b);
    cmn_buf_printf(&b, "42[\"%s\",{\"username\":", event);
    cmn_buf_json_string(&b, user, strlen(user));
    cmn_buf_puts(&b, "}]");
    snprintf(out, cap, "%s", b.p ? b.p : "");
    cmn_buf_free(&b);
}

/* Turn a script's integer reply into our return codes. */
static int
cmn_scripts_int(redisReply *rep)
{
    int rc = -2;

    if (rep != NULL && rep->type == REDIS_REPLY_INTEGER)
        rc = (int)rep->integer;
    freeReplyObject(rep);
    return rc;
}

/* The 15 arguments of the offline script (bufs are the caller's). */
struct cmn_offline_args {
    const char *argv[15];
    char packet[256];
    char cutoff[32];
    char revoke[128];
};

static void
cmn_offline_args(struct cmn_offline_args *a, const char *user,
                 enum cmn_offline_mode mode, const char *jti,
                 long long cutoff_ms)
{
    static const char *const modes[] = {"expire", "logout", "kill", "grace"};

    cmn_packet_presence(a->packet, sizeof a->packet, "user_has_gone_offline",
                        user);
    snprintf(a->cutoff, sizeof a->cutoff, "%lld", cutoff_ms);
    snprintf(a->revoke, sizeof a->revoke, "%c %s", CMN_REC_REVOKE, user);
    a->argv[0] = CMN_K_TOKENS;
    a->argv[1] = CMN_K_ONLINE;
    a->argv[2] = CMN_K_HB;
    a->argv[3] = CMN_S_BCAST;
    a->argv[4] = CMN_K_BOTS;
    a->argv[5] = CMN_K_LOC;
    a->argv[6] = CMN_K_SETTLE;
    a->argv[7] = CMN_K_GRACE;
    a->argv[8] = user;
    a->argv[9] = modes[mode];
    a->argv[10] = jti ? jti : "";
    a->argv[11] = a->cutoff;
    a->argv[12] = a->packet;
    a->argv[13] = CMN_STR(CMN_BCAST_MAXLEN);
    a->argv[14] = a->revoke;
}

int
cmn_presence_offline(struct cmn_redis *r, const char *user,
                     enum cmn_offline_mode mode, const char *jti,
                     long long cutoff_ms)
{
    struct cmn_offline_args a;

    cmn_offline_args(&a, user, mode, jti, cutoff_ms);
    return cmn_scripts_int(cmn_script_run(r, &cmn_script_offline, 8, 15,
                                          a.argv, NULL));
}

int
cmn_presence_offline_append(struct cmn_redis *r, const char *user,
                            enum cmn_offline_mode mode, const char *jti,
                            long long cutoff_ms)
{
    struct cmn_offline_args a;

    cmn_offline_args(&a, user, mode, jti, cutoff_ms);
    return cmn_script_append(r, &cmn_script_offline, 8, 15, a.argv, NULL);
}

int
cmn_presence_offline_reply(struct cmn_redis *r)
{
    redisReply *rep = cmn_redis_get_reply(r);

    if (rep != NULL && rep->type == REDIS_REPLY_ERROR)
        cmn_log_error("redis", "script offline: %s", rep->str);
    return cmn_scripts_int(rep);
}

int
cmn_presence_online(struct cmn_redis *r, const char *user, const char *jti,
                    long long now_ms, const char *settle_member)
{
    char packet[256], now[32];
    const char *argv[13];

    cmn_packet_presence(packet, sizeof packet, "new_user_online", user);
    snprintf(now, sizeof now, "%lld", now_ms);
    argv[0] = CMN_K_TOKENS;
    argv[1] = CMN_K_ONLINE;
    argv[2] = CMN_K_HB;
    argv[3] = CMN_S_BCAST;
    argv[4] = CMN_S_MSG;
    argv[5] = CMN_K_SETTLE;
    argv[6] = CMN_K_INBOXN;
    argv[7] = user;
    argv[8] = jti;
    argv[9] = now;
    argv[10] = packet;
    argv[11] = CMN_STR(CMN_BCAST_MAXLEN);
    argv[12] = settle_member ? settle_member : "";
    return cmn_scripts_int(cmn_script_run(r, &cmn_script_online, 7, 13, argv,
                                          NULL));
}

redisReply *
cmn_presence_expire_many(struct cmn_redis *r, const char *const *users,
                         size_t n, long long cutoff_ms)
{
    const char **argv = malloc((n + 8) * sizeof *argv);
    char cutoff[32];
    redisReply *rep;

    if (argv == NULL)
        return NULL;
    snprintf(cutoff, sizeof cutoff, "%lld", cutoff_ms);
    argv[0] = CMN_K_TOKENS;
    argv[1] = CMN_K_ONLINE;
    argv[2] = CMN_K_HB;
    argv[3] = CMN_S_BCAST;
    argv[4] = CMN_K_BOTS;
    argv[5] = CMN_K_GRACE;
    argv[6] = cutoff;
    argv[7] = CMN_STR(CMN_BCAST_MAXLEN);
    for (size_t i = 0; i < n; i++)
        argv[8 + i] = users[i];
    rep = cmn_script_run(r, &cmn_script_expire_many, 6, (int)n + 8, argv,
                         NULL);
    free(argv);
    if (rep != NULL && rep->type != REDIS_REPLY_ARRAY) {
        freeReplyObject(rep);
        return NULL;
    }
    return rep;
}
