/* gw_chat.c -- the chat's client events and deliveries (see gw_chat.h).
 *
 * A socket is bound to at most one user session (user + jti) at a time,
 * by the legacy `join` event or by CONNECT auth {"token"}. Binding needs
 * one Redis look-up (is this jti still the user's session?), done by the
 * bus writer; until the answer comes the socket is "binding". Messages are
 * checked here for shape, sender and JWT signature/expiry; whether the JWT
 * was revoked is the relay's check (one look-up per batch, not per
 * message). */
#include <stdlib.h>
#include <string.h>

#include "cmn/cmn_buf.h"
#include "cmn/cmn_err.h"
#include "cmn/cmn_health.h"
#include "cmn/cmn_json.h"
#include "cmn/cmn_jwt.h"
#include "cmn/cmn_keys.h"
#include "cmn/cmn_log.h"
#include "cmn/cmn_proc.h"
#include "cmn/cmn_redis.h"
#include "gw_chat.h"
#include "gw_metrics.h"
#include "gw_users.h"

#define GW_CHAT_NAME_MAX CMN_JWT_SUB_MAX
#define GW_CHAT_ROOM_MAX (2 * CMN_JWT_SUB_MAX + 2)
#define GW_CHAT_TOKEN_MAX 1024
#define GW_CHAT_PENDING_ACKS 16
#define GW_CHAT_HB_MIN_MS 1000

enum gw_bind_state {
    GW_UNBOUND,
    GW_BINDING,
    GW_BOUND
};

enum gw_bind_via {
    GW_VIA_JOIN,
    GW_VIA_CONNECT
};

/* Per-socket chat state (s->app). */
struct gw_chat_sess {
    struct gw_user_link link;       /* in the user index while bound */
    unsigned char state;            /* enum gw_bind_state */
    unsigned char via;              /* enum gw_bind_via of the binding */
    unsigned char npending;         /* join acks waiting for the bind */
    long long pending[GW_CHAT_PENDING_ACKS];
    char user[GW_CHAT_NAME_MAX];
    char jti[CMN_JWT_JTI_MAX];
    /* the last JWT this socket presented that verified */
    unsigned long long tok_hash;
    struct cmn_jwt_claims tok;
    long long tokens;               /* rate limit, milli-events */
    long long tokens_at;
    long long last_hb;
};

struct gw_chat {
    struct gw_chat_config cfg;
    struct gw_engine *engine;
    struct gw_bus *bus;
    struct gw_users users;
};

static const char gw_admin_error_fmt[] =
    "Error! User '%s' must disconnect, re login and reconnect so the "
    "conversation can be resumed.";

/* ---- helpers ------------------------------------------------------------ */

static unsigned long long
gw_chat_hash(const char *s, size_t n)
{
    unsigned long long h = 1469598103934665603ULL;

    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

/* Verify token for this socket, using its cached claims when it is the
 * same token as last time. */
static enum cmn_jwt_result
gw_chat_verify(struct gw_chat *chat, struct gw_chat_sess *cs,
               const char *token, struct cmn_jwt_claims *out)
{
    unsigned long long h = gw_chat_hash(token, strlen(token));
    long now = (long)(cmn_wall_ms() / 1000);
    enum cmn_jwt_result r;

    if (cs->tok_hash == h && cs->tok_hash != 0) {
        *out = cs->tok;
        return out->exp > now ? CMN_JWT_OK : CMN_JWT_EXPIRED;
    }
    r = cmn_jwt_verify(chat->cfg.jwt_key, chat->cfg.jwt_keylen, token, now,
                       out);
    if (r == CMN_JWT_OK) {
        cs->tok_hash = h;
        cs->tok = *out;
    }
    return r;
}

/* Send `args` (a JSON array) as the ack of the client's ack id. */
static void
gw_chat_ack(struct gw_chat *chat, struct gw_session *s, long long id,
            const char *args)
{
    if (id >= 0)
        gw_engine_ack(chat->engine, s, "/", id, args, strlen(args));
}

static void
gw_chat_ack_error(struct gw_chat *chat, struct gw_session *s, long long id,
                  const char *reason)
{
    struct cmn_buf b;

    if (id < 0)
        return;
    cmn_buf_init(&b);
    cmn_buf_puts(&b, "[{\"result\":\"error\",\"reason\":");
    cmn_buf_json_string(&b, reason, strlen(reason));
    cmn_buf_puts(&b, "}]");
    gw_chat_ack(chat, s, id, b.p);
    cmn_buf_free(&b);
}

/* The Admin error of the contract, as a received_message packet. */
static struct gw_pkt *
gw_chat_admin_error(const char *sender)
{
    char text[512];
    struct cmn_buf b;
    struct gw_pkt *pk;

    snprintf(text, sizeof text, gw_admin_error_fmt, sender);
    cmn_buf_init(&b);
    cmn_buf_puts(&b, "42[\"received_message\",{\"sender\":\"Admin\","
                     "\"content\":");
    cmn_buf_json_string(&b, text, strlen(text));
    cmn_buf_puts(&b, "}]");
    pk = gw_pkt_new(b.p, b.len, 0);
    cmn_buf_free(&b);
    return pk;
}

static void
gw_chat_send_admin_error(struct gw_chat *chat, struct gw_session *s,
                         const char *sender)
{
    struct gw_pkt *pk = gw_chat_admin_error(sender);

    if (pk != NULL)
        gw_engine_send(chat->engine, s, pk);
    gw_pkt_unref(pk);
}

/* Take one event from the socket's token bucket; 0 = over the limit. */
static int
gw_chat_rate_ok(struct gw_chat *chat, struct gw_chat_sess *cs)
{
    long long now = cmn_mono_ms(), cap;

    if (chat->cfg.event_rate <= 0)
        return 1;
    cap = (long long)chat->cfg.event_burst * 1000;
    if (cs->tokens_at == 0) {
        cs->tokens = cap;
    } else {
        cs->tokens += (now - cs->tokens_at) * chat->cfg.event_rate;
        if (cs->tokens > cap)
            cs->tokens = cap;
    }
    cs->tokens_at = now;
    if (cs->tokens < 1000)
        return 0;
    cs->tokens -= 1000;
    return 1;
}

/* ---- binding -------------------------------------------------------------- */

static void
gw_chat_unbind(struct gw_chat *chat, struct gw_session *s,
               struct gw_chat_sess *cs, const char *why)
{
    if (cs->state == GW_BOUND) {
        int left = gw_users_del(&chat->users, cs->user, &cs->link);

        cmn_log_info("chat", "user=\"%s\" sid=%s unbound (%s)", cs->user,
                     s->sid, why);
        if (left == 0)
            gw_bus_submit(chat->bus, gw_job_new(GW_JOB_OFFLINE, cs->user,
                                                NULL, NULL, NULL, 0, NULL,
                                                NULL));
        cmn_metric_set(&gw_m_users, (long)chat->users.count);
    }
    cs->state = GW_UNBOUND;
    cs->npending = 0;
    cs->user[0] = '\0';
    cs->jti[0] = '\0';
}

/* Start binding socket s to claims (the Redis check runs on the bus). */
static void
gw_chat_bind_start(struct gw_chat *chat, struct gw_session *s,
                   struct gw_chat_sess *cs, const struct cmn_jwt_claims *c,
                   enum gw_bind_via via)
{
    struct gw_job *j;

    if (cs->state == GW_BOUND)
        gw_chat_unbind(chat, s, cs, "rebinding");
    /* joins still waiting for an older binding will not see it finish */
    for (int i = 0; i < cs->npending; i++)
        gw_chat_ack(chat, s, cs->pending[i],
                    "[{\"error\":\"superseded by a newer join\"}]");
    cs->npending = 0;
    cs->state = GW_BINDING;
    cs->via = (unsigned char)via;
    snprintf(cs->user, sizeof cs->user, "%s", c->sub);
    snprintf(cs->jti, sizeof cs->jti, "%s", c->jti);
    j = gw_job_new(GW_JOB_BIND, c->sub, c->jti, NULL, NULL, 0, s->sid, NULL);
    if (j == NULL) {
        cs->state = GW_UNBOUND;
        return;
    }
    j->bind_kind = (int)via;
    gw_bus_submit(chat->bus, j);
}

static void
gw_chat_bind_done(struct gw_chat *chat, struct gw_job *j, int ok)
{
    struct gw_session *s = gw_engine_find(chat->engine, j->sid);
    struct gw_chat_sess *cs = s ? s->app : NULL;
    const char *args;
    int count;

    if (cs == NULL || cs->state != GW_BINDING ||
        strcmp(cs->jti, j->jti) != 0)
        return;                         /* the socket moved on */
    if (ok == 1) {
        count = gw_users_add(&chat->users, cs->user, &cs->link);
        cs->state = GW_BOUND;
        cs->last_hb = cmn_mono_ms();
        struct gw_job *on = gw_job_new(GW_JOB_ONLINE, cs->user, cs->jti,
                                       NULL, NULL, 0, s->sid, NULL);
        if (on != NULL) {
            on->first_local = (count == 1);
            on->settle_ms = cs->via == GW_VIA_JOIN ? chat->cfg.settle_ms : 0;
            gw_bus_submit(chat->bus, on);
        }
        cmn_metric_set(&gw_m_users, (long)chat->users.count);
        cmn_metric_add(&gw_m_binds, 1);
        cmn_log_info("chat", "user=\"%s\" sid=%s bound via=%s", cs->user,
                     s->sid, cs->via == GW_VIA_JOIN ? "join" : "connect");
        args = "[{\"result\":\"success\"}]";
    } else {
        cmn_log_info("chat", "user=\"%s\" sid=%s bind refused: %s", cs->user,
                     s->sid, ok == 0 ? "token revoked" : "redis down");
        cmn_metric_add(&gw_m_binds_denied, 1);
        cs->state = GW_UNBOUND;
        args = ok == 0 ? "[{\"error\":\"Invalid JWT\"}]"
                       : "[{\"error\":\"Server unavailable\"}]";
    }
    if (cs->via == GW_VIA_CONNECT) {
        gw_engine_connect_done(chat->engine, s, "/", ok == 1,
                               ok == 0 ? "Invalid JWT"
                                       : "Server unavailable");
    }
    for (int i = 0; i < cs->npending; i++)
        gw_chat_ack(chat, s, cs->pending[i], args);
    cs->npending = 0;
    if (ok != 1) {
        cs->user[0] = '\0';
        cs->jti[0] = '\0';
    }
}

/* ---- client events -------------------------------------------------------- */

/* The event's first argument, when it is an object. */
static int
gw_chat_arg_object(const struct gw_sio_packet *p, struct cmn_json_span *obj)
{
    struct cmn_json_iter it;
    struct cmn_json_span v;

    if (cmn_json_iter_init(&it, p->data) != 0 ||
        cmn_json_array_next(&it, &v) != 1 ||      /* the name */
        cmn_json_array_next(&it, obj) != 1)
        return -1;
    return cmn_json_kind(*obj) == CMN_JSON_OBJECT ? 0 : -1;
}

static void
gw_chat_on_join(struct gw_chat *chat, struct gw_session *s,
                struct gw_chat_sess *cs, const struct gw_sio_packet *p)
{
    struct cmn_json_span obj;
    char client[GW_CHAT_NAME_MAX], token[GW_CHAT_TOKEN_MAX];
    struct cmn_jwt_claims c;
    const char *invalid = "[{\"error\":\"Invalid JWT\"}]";

    if (gw_chat_arg_object(p, &obj) != 0 ||
        cmn_json_get_string(obj, "client", client, sizeof client) < 0 ||
        cmn_json_get_string(obj, "jwt", token, sizeof token) < 0) {
        gw_chat_ack(chat, s, p->id, invalid);
        return;
    }
    if (gw_chat_verify(chat, cs, token, &c) != CMN_JWT_OK ||
        strcmp(c.sub, client) != 0) {
        cmn_log_info("chat", "sid=%s join refused: bad token for user=\"%s\"",
                     s->sid, client);
        gw_chat_ack(chat, s, p->id, invalid);
        return;
    }
    if (cs->state != GW_UNBOUND && strcmp(cs->jti, c.jti) == 0) {
        if (cs->state == GW_BOUND) {
            gw_chat_ack(chat, s, p->id, "[{\"result\":\"success\"}]");
        } else if (p->id >= 0) {
            if (cs->npending < GW_CHAT_PENDING_ACKS)
                cs->pending[cs->npending++] = p->id;
            else
                gw_chat_ack(chat, s, p->id, "[{\"result\":\"success\"}]");
        }
        return;
    }
    gw_chat_bind_start(chat, s, cs, &c, GW_VIA_JOIN);
    if (p->id >= 0 && cs->state == GW_BINDING)
        cs->pending[cs->npending++] = p->id;      /* npending was reset */
}

/* Is `user` one of the two members of room "A&B"? */
static int
gw_chat_room_has(const char *room, const char *user)
{
    const char *amp = strchr(room, '&');
    size_t n = strlen(user);

    if (amp == NULL || amp == room || amp[1] == '\0' || strchr(amp + 1, '&'))
        return 0;
    return ((size_t)(amp - room) == n && memcmp(room, user, n) == 0) ||
           strcmp(amp + 1, user) == 0;
}

static void
gw_chat_on_message(struct gw_chat *chat, struct gw_session *s,
                   struct gw_chat_sess *cs, const struct gw_sio_packet *p)
{
    struct cmn_json_span obj, content;
    char sender[GW_CHAT_NAME_MAX], room[GW_CHAT_ROOM_MAX];
    char token[GW_CHAT_TOKEN_MAX];
    struct cmn_jwt_claims c;
    struct gw_job *j;

    if (gw_chat_arg_object(p, &obj) != 0 ||
        cmn_json_get_string(obj, "sender", sender, sizeof sender) <= 0 ||
        cmn_json_get_string(obj, "conversation_room", room, sizeof room) <= 0 ||
        cmn_json_get(obj, "content", &content) != 1 ||
        cmn_json_kind(content) != CMN_JSON_STRING) {
        gw_chat_ack_error(chat, s, p->id, "client_sends_message needs string "
                          "sender, content, conversation_room and jwt");
        cmn_metric_add(&gw_m_rejected, 1);
        return;
    }
    if (cs->state == GW_BOUND && strcmp(sender, cs->user) != 0) {
        cmn_log_warn("chat", "sid=%s user=\"%s\" sent as sender=\"%s\": "
                     "refused", s->sid, cs->user, sender);
        gw_chat_ack_error(chat, s, p->id, "sender is not this socket's user");
        cmn_metric_add(&gw_m_rejected, 1);
        return;
    }
    if (cmn_json_get_string(obj, "jwt", token, sizeof token) < 0 ||
        gw_chat_verify(chat, cs, token, &c) != CMN_JWT_OK ||
        strcmp(c.sub, sender) != 0) {
        cmn_log_info("chat", "sid=%s sender=\"%s\" message with an invalid "
                     "JWT: not delivered", s->sid, sender);
        gw_chat_send_admin_error(chat, s, sender);
        gw_chat_ack_error(chat, s, p->id, "Invalid JWT");
        cmn_metric_add(&gw_m_rejected, 1);
        return;
    }
    if (!gw_chat_room_has(room, sender)) {
        gw_chat_ack_error(chat, s, p->id, "conversation_room must be "
                          "\"<sender>&<peer>\"");
        cmn_metric_add(&gw_m_rejected, 1);
        return;
    }
    j = gw_job_new(GW_JOB_PUBLISH, sender, c.jti, room, content.p,
                   content.len, s->sid, NULL);
    if (j == NULL) {
        gw_chat_ack_error(chat, s, p->id, "out of memory");
        return;
    }
    j->ack_id = p->id;
    gw_bus_submit(chat->bus, j);
    cmn_metric_add(&gw_m_published, 1);
}

static void
gw_chat_on_alive(struct gw_chat *chat, struct gw_session *s,
                 struct gw_chat_sess *cs, const struct gw_sio_packet *p)
{
    struct cmn_json_span obj;
    char client[GW_CHAT_NAME_MAX];
    long long now = cmn_mono_ms();

    if (gw_chat_arg_object(p, &obj) != 0 ||
        cmn_json_get_string(obj, "client", client, sizeof client) < 0) {
        gw_chat_ack_error(chat, s, p->id, "connection_alive needs "
                          "{\"client\": name}");
        return;
    }
    gw_chat_ack(chat, s, p->id, "[{\"result\":\"success\"}]");
    /* counts only for the user bound to this socket */
    if (cs->state != GW_BOUND || strcmp(client, cs->user) != 0)
        return;
    if (now - cs->last_hb < GW_CHAT_HB_MIN_MS)
        return;
    cs->last_hb = now;
    gw_bus_submit(chat->bus, gw_job_new(GW_JOB_PRESENCE, cs->user, cs->jti,
                                        NULL, NULL, 0, NULL, "hb"));
}

static void
gw_chat_on_disconnection(struct gw_chat *chat, struct gw_session *s,
                         struct gw_chat_sess *cs,
                         const struct gw_sio_packet *p)
{
    struct cmn_json_span obj;
    char client[GW_CHAT_NAME_MAX], token[GW_CHAT_TOKEN_MAX];
    struct cmn_jwt_claims c;

    if (gw_chat_arg_object(p, &obj) != 0 ||
        cmn_json_get_string(obj, "client", client, sizeof client) < 0 ||
        cmn_json_get_string(obj, "jwt", token, sizeof token) < 0 ||
        gw_chat_verify(chat, cs, token, &c) != CMN_JWT_OK ||
        strcmp(c.sub, client) != 0) {
        gw_chat_ack(chat, s, p->id, "[{\"error\":\"Invalid JWT\"}]");
        return;
    }
    cmn_log_info("chat", "user=\"%s\" sid=%s logging out", client, s->sid);
    gw_bus_submit(chat->bus, gw_job_new(GW_JOB_PRESENCE, client, c.jti, NULL,
                                        NULL, 0, NULL, "bye"));
    if (cs->state != GW_UNBOUND && strcmp(cs->jti, c.jti) == 0)
        gw_chat_unbind(chat, s, cs, "logout");
    gw_chat_ack(chat, s, p->id, "[{\"result\":\"success\"}]");
}

static void
gw_chat_on_packet(void *app, struct gw_session *s,
                  const struct gw_sio_packet *p, struct gw_pkt **att,
                  int natt)
{
    struct gw_chat *chat = app;
    struct gw_chat_sess *cs = s->app;
    char name[48];

    (void)att;
    (void)natt;
    if (p->type != GW_SIO_EVENT && p->type != GW_SIO_BINARY_EVENT)
        return;                   /* acks of our events: we send none */
    if (!gw_chat_rate_ok(chat, cs)) {
        cmn_metric_add(&gw_m_rate_limited, 1);
        gw_chat_ack_error(chat, s, p->id, "rate limited");
        return;
    }
    if (gw_sio_event_name(p, name, sizeof name) != 0) {
        gw_chat_ack_error(chat, s, p->id, "unknown event");
        return;
    }
    if (p->type == GW_SIO_BINARY_EVENT) {
        gw_chat_ack_error(chat, s, p->id, "binary payloads are not accepted");
        return;
    }
    if (strcmp(name, "client_sends_message") == 0)
        gw_chat_on_message(chat, s, cs, p);
    else if (strcmp(name, "connection_alive") == 0)
        gw_chat_on_alive(chat, s, cs, p);
    else if (strcmp(name, "join") == 0)
        gw_chat_on_join(chat, s, cs, p);
    else if (strcmp(name, "client_disconnection") == 0)
        gw_chat_on_disconnection(chat, s, cs, p);
    else
        gw_chat_ack_error(chat, s, p->id, "unknown event");
}

static enum gw_connect_verdict
gw_chat_on_connect(void *app, struct gw_session *s, const char *nsp,
                   struct cmn_json_span auth, char *msg)
{
    struct gw_chat *chat = app;
    struct gw_chat_sess *cs = s->app;
    struct cmn_json_span tok;
    char token[GW_CHAT_TOKEN_MAX];
    struct cmn_jwt_claims c;
    int has;

    if (strcmp(nsp, "/") != 0) {
        snprintf(msg, CMN_ERR_LEN, "Invalid namespace");
        return GW_CONNECT_REJECT;
    }
    if (cs == NULL) {
        if ((cs = calloc(1, sizeof *cs)) == NULL) {
            snprintf(msg, CMN_ERR_LEN, "Server error");
            return GW_CONNECT_REJECT;
        }
        cs->link.s = s;
        s->app = cs;
    }
    has = auth.len > 0 ? cmn_json_get(auth, "token", &tok) : 0;
    if (has != 1)
        return GW_CONNECT_ACCEPT;       /* unbound; may `join` later */
    if (cmn_json_string(tok, token, sizeof token) < 0 ||
        gw_chat_verify(chat, cs, token, &c) != CMN_JWT_OK) {
        snprintf(msg, CMN_ERR_LEN, "Invalid JWT");
        cmn_metric_add(&gw_m_binds_denied, 1);
        return GW_CONNECT_REJECT;
    }
    gw_chat_bind_start(chat, s, cs, &c, GW_VIA_CONNECT);
    if (cs->state != GW_BINDING) {
        snprintf(msg, CMN_ERR_LEN, "Server error");
        return GW_CONNECT_REJECT;
    }
    return GW_CONNECT_PENDING;
}

/* The socket is closing with messages it never wrote: hand them back to
 * the relay, which keeps them for the user's next socket (duplicates, if
 * another socket of the user wrote them, are dropped by id). */
static void
gw_chat_bounce_queued(struct gw_chat *chat, struct gw_session *s,
                      const char *user)
{
    int n = 0;

    for (struct gw_qnode *q = s->out.head; q != NULL; q = q->next) {
        if (!q->pkt->must)
            continue;
        gw_bus_submit(chat->bus, gw_job_new(GW_JOB_BOUNCE, user, NULL,
                                            NULL, gw_pkt_data(q->pkt),
                                            q->pkt->len, NULL, NULL));
        n++;
    }
    if (n > 0) {
        cmn_metric_add(&gw_m_bounced, n);
        cmn_log_info("chat", "user=\"%s\" sid=%s closed with %d messages "
                     "unwritten: back to the relay", user, s->sid, n);
    }
}

static void
gw_chat_on_leave(void *app, struct gw_session *s, const char *nsp,
                 const char *reason)
{
    struct gw_chat *chat = app;
    struct gw_chat_sess *cs = s->app;

    if (cs == NULL)
        return;
    if (nsp == NULL && cs->state == GW_BOUND) {
        char user[GW_CHAT_NAME_MAX];

        /* leave the location table first: the relay must not route the
         * bounced messages straight back here */
        snprintf(user, sizeof user, "%s", cs->user);
        gw_chat_unbind(chat, s, cs, reason);
        gw_chat_bounce_queued(chat, s, user);
    } else {
        gw_chat_unbind(chat, s, cs, reason);
    }
    if (nsp == NULL) {             /* the session is gone */
        free(cs);
        s->app = NULL;
    }
}

/* ---- deliveries from Redis ------------------------------------------------ */

struct gw_chat_bcast {
    struct gw_chat *chat;
    struct gw_pkt *pk;
};

static void
gw_chat_bcast_one(struct gw_session *s, void *arg)
{
    struct gw_chat_bcast *b = arg;

    if (gw_nsp_find(s, "/", 1) != NULL)
        gw_engine_send(b->chat->engine, s, b->pk);
}

/* Send pk to every local socket of user; returns how many. */
static int
gw_chat_to_user(struct gw_chat *chat, const char *user, struct gw_pkt *pk)
{
    struct gw_user *u = gw_users_find(&chat->users, user);
    struct gw_user_link *l, *next;
    int n = 0;

    if (u == NULL)
        return 0;
    for (l = u->sessions; l != NULL; l = next) {
        next = l->next;             /* sending may close that session */
        if (gw_engine_send(chat->engine, l->s, pk) == 0)
            n++;
    }
    return n;
}

static void
gw_chat_revoke(struct gw_chat *chat, const char *user, const char *jti)
{
    struct gw_user *u = gw_users_find(&chat->users, user);
    struct gw_user_link *l, *next;

    for (l = u ? u->sessions : NULL; l != NULL; l = next) {
        struct gw_chat_sess *cs = l->s->app;

        next = l->next;
        if (strcmp(cs->jti, jti) == 0)
            gw_chat_unbind(chat, l->s, cs, "token revoked");
    }
}

/* One record "<kind> <target>" = value of a delivery entry. */
static void
gw_chat_record(struct gw_chat *chat, const redisReply *f, const redisReply *v)
{
    const char *target = f->len > 2 ? f->str + 2 : "";
    struct gw_pkt *pk;
    struct gw_session *s;
    struct gw_chat_bcast b;

    if (f->type != REDIS_REPLY_STRING || v->type != REDIS_REPLY_STRING ||
        f->len == 0)
        return;
    if (f->str[0] == CMN_REC_REVOKE) {
        gw_chat_revoke(chat, target, v->str);
        return;
    }
    if ((pk = gw_pkt_new(v->str, v->len, 0)) == NULL)
        return;
    switch (f->str[0]) {
    case CMN_REC_MUST:
        pk->must = 1;
        if (gw_chat_to_user(chat, target, pk) == 0) {
            /* nobody here any more: back to the relay, which routes it
             * again (another gateway, or the offline store) */
            gw_bus_submit(chat->bus, gw_job_new(GW_JOB_BOUNCE, target, NULL,
                                                NULL, v->str, v->len, NULL,
                                                NULL));
            cmn_metric_add(&gw_m_bounced, 1);
        } else {
            cmn_metric_add(&gw_m_delivered, 1);
        }
        break;
    case CMN_REC_USER:
        gw_chat_to_user(chat, target, pk);
        break;
    case CMN_REC_SID:
        if ((s = gw_engine_find(chat->engine, target)) != NULL)
            gw_engine_send(chat->engine, s, pk);
        break;
    case CMN_REC_ALL:
        b.chat = chat;
        b.pk = pk;
        gw_engine_foreach(chat->engine, gw_chat_bcast_one, &b);
        break;
    default:
        cmn_log_warn("chat", "unknown delivery record \"%.*s\"",
                     (int)f->len, f->str);
    }
    gw_pkt_unref(pk);
}

static void
gw_chat_on_streams(struct gw_chat *chat, const redisReply *rep)
{
    struct cmn_stream_walk w;
    const redisReply *e, *f, *v;
    const char *name, *last = NULL;
    const char *mine = gw_bus_stream(chat->bus);

    cmn_stream_walk_init(&w, rep);
    while (cmn_stream_walk_next(&w, &name, &e)) {
        size_t n = cmn_entry_nfields(e);

        for (size_t i = 0; i < n; i++) {
            cmn_entry_pair(e, i, &f, &v);
            gw_chat_record(chat, f, v);
        }
        if (strcmp(name, mine) == 0)
            last = cmn_entry_id(e);
    }
    if (last != NULL) {
        unsigned long long ms, seq;
        char minid[48];

        /* entries before minid are done: XTRIM MINID keeps minid itself */
        if (cmn_stream_id_parse(last, &ms, &seq) == 0) {
            snprintf(minid, sizeof minid, "%llu-%llu", ms, seq + 1);
            gw_bus_trim_to(chat->bus, minid);
        }
    }
}

static void
gw_chat_publish_failed(struct gw_chat *chat, struct gw_job *j)
{
    struct gw_session *s = gw_engine_find(chat->engine, j->sid);

    cmn_log_warn("chat", "user=\"%s\" message not stored: Redis unavailable",
                 j->user);
    if (s != NULL)
        gw_chat_ack_error(chat, s, j->ack_id, "server unavailable, "
                          "message not sent");
}

void
gw_chat_on_wake(void *arg)
{
    struct gw_chat *chat = arg;
    struct gw_bus_event *ev, *next;

    if (chat->bus == NULL)
        return;
    for (ev = gw_bus_take(chat->bus); ev != NULL; ev = next) {
        next = ev->next;
        switch (ev->kind) {
        case GW_EV_STREAMS:
            gw_chat_on_streams(chat, ev->rep);
            break;
        case GW_EV_BIND_RESULT:
            gw_chat_bind_done(chat, ev->job, ev->ok);
            break;
        case GW_EV_PUBLISH_FAILED:
            gw_chat_publish_failed(chat, ev->job);
            break;
        }
        gw_bus_event_free(ev);
    }
    cmn_metric_set(&gw_m_sessions, (long)gw_engine_count(chat->engine));
}

/* ---- lifecycle ------------------------------------------------------------ */

struct gw_chat *
gw_chat_new(const struct gw_chat_config *cfg)
{
    struct gw_chat *chat = calloc(1, sizeof *chat);

    if (chat == NULL)
        return NULL;
    chat->cfg = *cfg;
    if (gw_users_init(&chat->users) != 0) {
        free(chat);
        return NULL;
    }
    return chat;
}

void
gw_chat_attach(struct gw_chat *chat, struct gw_engine *engine,
               struct gw_bus *bus)
{
    chat->engine = engine;
    chat->bus = bus;
}

struct gw_app_ops
gw_chat_app_ops(struct gw_chat *chat)
{
    struct gw_app_ops ops = {gw_chat_on_connect, gw_chat_on_packet,
                             gw_chat_on_leave, chat};

    return ops;
}

void
gw_chat_free(struct gw_chat *chat)
{
    if (chat == NULL)
        return;
    gw_users_free(&chat->users);
    free(chat);
}
