/* cmn_keys.h -- every Redis key and stream the services share.
 *
 * This is the internal contract between gateway, relay, presence, auth and
 * ai-bridge; docs/architecture.md explains who writes and who reads each.
 * Keep the two in step. */
#ifndef CMN_KEYS_H
#define CMN_KEYS_H

/* ---- streams ---------------------------------------------------------- */

/* gateway -> relay: chat messages (k=m), undeliverable deliveries (k=bounce);
 * presence -> relay: offline flush requests (k=flush); ai-bridge -> relay:
 * bot replies (k=bot). Consumer group CMN_GROUP_RELAY. */
#define CMN_S_MSG        "s:msg"
/* gateway -> presence: bind, hb, bye, close. Group CMN_GROUP_PRESENCE. */
#define CMN_S_PRES       "s:pres"
/* anyone -> every gateway: broadcast packets and revocations (plain XREAD). */
#define CMN_S_BCAST      "s:bcast"
/* relay/presence -> one gateway: deliveries. Suffix: the gateway's id. */
#define CMN_S_GW_PREFIX  "s:gw:"
/* relay/presence -> the bridge(s) of one bot. Suffix: the bot's name.
 * Group CMN_GROUP_BOT. */
#define CMN_S_BOT_PREFIX "s:bot:"

#define CMN_GROUP_RELAY    "relay"
#define CMN_GROUP_PRESENCE "presence"
#define CMN_GROUP_BOT      "bridge"

/* Approximate caps (XADD MAXLEN ~) of the streams nobody acknowledges. */
#define CMN_BCAST_MAXLEN   10000

/* ---- state ------------------------------------------------------------ */

/* hash user -> jti of the user's current session (auth sets on login;
 * logout, kill_token, expiry and disablement delete it). */
#define CMN_K_TOKENS     "tokens"
/* hash user -> jti of the session that made the user online ("bot" for a
 * bot kept online by its bridge). Owned by presence. */
#define CMN_K_ONLINE     "online"
/* zset user -> ms of the last heartbeat of an online user. Presence. */
#define CMN_K_HB         "hb"
/* zset "user jti" -> ms when a legacy join's settle delay ends. Presence. */
#define CMN_K_SETTLE     "pres:settle"
/* zset user -> ms when the grace after the last socket closed ends. */
#define CMN_K_GRACE      "pres:grace"
/* hash user -> space-separated ids of the gateways holding a bound socket
 * of that user. Gateways maintain it (scripts in cmn_scripts.c). */
#define CMN_K_LOC        "loc"
/* set per gateway: the users it has in CMN_K_LOC (for the reaper). */
#define CMN_K_GW_USERS   "gw:users:"
/* zset gateway id -> ms of its last liveness beat. */
#define CMN_K_GATEWAYS   "gateways"
/* hash user -> role ("user", "admin", "bot"); mirror of Postgres kept by
 * auth, with CMN_K_USERS_VER bumped on every change. */
#define CMN_K_USERS      "users"
#define CMN_K_USERS_VER  "users:ver"
/* zset per user (suffix): offline messages. Members "<id>|<packet>", all
 * scored 0, so ZRANGE orders them by message id (lexicographic). */
#define CMN_K_INBOX      "inbox:"
/* hash user -> number of offline messages waiting (0 = field absent). */
#define CMN_K_INBOXN     "inboxn"
/* set of bot names that have a bridge configured (ai-bridge). */
#define CMN_K_BOTS       "bots"
/* list per bot and user (suffix "<bot>:<user>"): the last turns of that
 * conversation, oldest first, each {"role","content"} JSON; capped and
 * with a TTL. ai-bridge (kind openai). */
#define CMN_K_BOT_CTX    "botctx:"
/* zset per bot (suffix): ai-bridge replicas able to serve it -> ms of
 * their last beat; a stopping bridge takes the bot offline only when no
 * other one is left. */
#define CMN_K_BOT_BRIDGES "botbridges:"
/* auth's own keys (auth_ratelimit.h, auth_mirror.c): failed-login
 * counters "rl:login:u:<name>" and "rl:login:a:<address>", and the
 * directory rebuild's temporary "users:tmp:<random>" (RENAMEd onto
 * CMN_K_USERS). A login that replaces a session XADDs "r <user>" = the old
 * jti to CMN_S_BCAST. */

/* string per user (suffix): a relay's lock while flushing that inbox. */
#define CMN_K_FLUSHLOCK  "flushlock:"
/* string: the relay replica currently reaping dead gateways. */
#define CMN_K_REAPLOCK   "reaplock"

/* ---- gateway delivery records (fields of s:gw:* and s:bcast entries) --
 * field "U <user>"  value packet: must reach a socket of user, else bounce
 * field "u <user>"  value packet: best effort to the user's sockets
 * field "s <sid>"   value packet: to one socket (acks, errors)
 * field "*"         value packet: to every socket (broadcast)
 * field "r <user>"  value jti: that session was revoked */
#define CMN_REC_MUST  'U'
#define CMN_REC_USER  'u'
#define CMN_REC_SID   's'
#define CMN_REC_ALL   '*'
#define CMN_REC_REVOKE 'r'

#endif
