/* relay_batch.c -- route one batch of s:msg entries.
 *
 * Per batch, whatever its size: one pipelined state fetch (4 HMGETs), one
 * inbox script per recipient that needs caching, one XADD per gateway
 * involved, one XADD per bot message, one XACK. Deliveries and acks go out
 * only after the inbox writes they depend on succeeded, so an ack always
 * means the message is durable: in a gateway stream, an inbox or a bot
 * stream. Entries are acknowledged last: a relay that dies mid-batch
 * leaves them pending, and another relay claims and routes them again
 * (receivers drop duplicates by message id; inbox writes are idempotent).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmn/cmn_buf.h"
#include "cmn/cmn_json.h"
#include "cmn/cmn_keys.h"
#include "cmn/cmn_log.h"
#include "cmn/cmn_proc.h"
#include "cmn/cmn_scripts.h"
#include "relay.h"
#include "relay_metrics.h"
#include "relay_route.h"

#define RELAY_BOT_MAXLEN "100000"

static const char relay_admin_fmt[] =
    "Error! User '%s' must disconnect, re login and reconnect so the "
    "conversation can be resumed.";

enum relay_kind {
    RELAY_K_BAD,
    RELAY_K_MSG,      /* k=m   a chat message from a gateway */
    RELAY_K_BOUNCE,   /* k=bounce  a delivery nobody could take */
    RELAY_K_FLUSH,    /* k=flush   a user came online */
    RELAY_K_BOT       /* k=bot     a bot's answer from ai-bridge */
};

struct relay_msg {
    const char *id;
    enum relay_kind kind;
    const char *sender, *jti, *room, *gw, *sid, *ack;   /* MSG */
    const char *user;                                   /* others */
    const char *bot;                                    /* BOT */
    const redisReply *content;                          /* MSG, BOT */
    const redisReply *packet;                           /* BOUNCE */
    char peer[RELAY_NAME_MAX];
};

/* A packet waiting for its recipient's inbox script. */
struct relay_put {
    struct relay_ustate *to;
    char *member;
    struct relay_msg *m;    /* the chat message, for its ack; or NULL */
};

struct relay_batchctx {
    struct relay *rl;
    struct relay_msg *msgs;
    size_t n;
    struct relay_put *puts;
    size_t nputs;
    struct relay_msg **bots;    /* messages for bot streams */
    size_t nbots;
};

static const char *
relay_field(const redisReply *e, const char *name)
{
    const redisReply *v = cmn_entry_field(e, name);

    return v ? v->str : NULL;
}

static void
relay_parse(const redisReply *e, struct relay_msg *m)
{
    const char *k = relay_field(e, "k");

    memset(m, 0, sizeof *m);
    m->id = cmn_entry_id(e);
    m->kind = RELAY_K_BAD;
    if (m->id == NULL || k == NULL)
        return;
    if (strcmp(k, "m") == 0) {
        m->sender = relay_field(e, "f");
        m->jti = relay_field(e, "j");
        m->room = relay_field(e, "r");
        m->gw = relay_field(e, "g");
        m->sid = relay_field(e, "s");
        m->ack = relay_field(e, "a");
        m->content = cmn_entry_field(e, "c");
        if (m->sender && m->jti && m->room && m->content)
            m->kind = RELAY_K_MSG;
    } else if (strcmp(k, "bounce") == 0) {
        m->user = relay_field(e, "u");
        m->packet = cmn_entry_field(e, "p");
        m->gw = relay_field(e, "g");       /* the gateway that bounced it */
        if (m->user && m->packet)
            m->kind = RELAY_K_BOUNCE;
    } else if (strcmp(k, "flush") == 0) {
        if ((m->user = relay_field(e, "u")) != NULL)
            m->kind = RELAY_K_FLUSH;
    } else if (strcmp(k, "bot") == 0) {
        m->bot = relay_field(e, "b");
        m->user = relay_field(e, "u");
        m->content = cmn_entry_field(e, "c");
        /* spliced into the packet as is: it must be one JSON string */
        if (m->bot && m->user && m->content &&
            cmn_json_validate(m->content->str, m->content->len) == 0 &&
            m->content->str[0] == '"')
            m->kind = RELAY_K_BOT;
    }
}

/* ---- routing helpers -------------------------------------------------------- */

/* Queue packet for every live gateway of user u. Returns how many. */
static int
relay_to_user(struct relay *rl, const struct relay_ustate *u, char kind,
              const char *packet, size_t len)
{
    struct relay_out_rec r = {&rl->out, kind, u->name, packet, len};

    return relay_cache_live_gws(&rl->cache, u->loc, relay_out_add_for, &r);
}

static int
relay_has_live_gw(struct relay *rl, const struct relay_ustate *u)
{
    return relay_cache_live_gws(&rl->cache, u->loc, NULL, NULL) > 0;
}

static void
relay_count_other(const char *gw, void *arg)
{
    const char **skip = arg;

    if (skip[0] == NULL || strcmp(gw, skip[0]) != 0)
        skip[1] = gw;               /* any non-NULL: found one */
}

/* Does u have a live gateway other than `not`? */
static int
relay_has_other_live_gw(struct relay *rl, const struct relay_ustate *u,
                        const char *not)
{
    const char *skip[2] = {not, NULL};

    relay_cache_live_gws(&rl->cache, u->loc, relay_count_other, skip);
    return skip[1] != NULL;
}

/* Can a packet for u go straight to its sockets (nothing older waits)? */
static int
relay_deliverable(struct relay *rl, const struct relay_ustate *u)
{
    return u->online != NULL && u->inboxn == 0 && relay_has_live_gw(rl, u);
}

/* The sender's ack through its own gateway. */
static void
relay_ack(struct relay *rl, const struct relay_msg *m, const char *result,
          const char *reason)
{
    struct cmn_buf b;

    if (m->ack == NULL || m->ack[0] == '\0' || m->gw == NULL ||
        m->sid == NULL)
        return;
    cmn_buf_init(&b);
    if (relay_packet_ack(&b, m->ack, result, m->id, reason) == 0)
        relay_out_add(&rl->out, m->gw, CMN_REC_SID, m->sid, b.p, b.len);
    cmn_buf_free(&b);
}

/* A notice to the sender's sockets and the socket that sent m. */
static void
relay_notice(struct relay *rl, const struct relay_msg *m,
             struct relay_ustate *sender, const char *packet, size_t len)
{
    relay_to_user(rl, sender, CMN_REC_USER, packet, len);
    if (m->gw != NULL && m->sid != NULL &&
        (sender->loc == NULL || !relay_list_has(sender->loc, m->gw)))
        relay_out_add(&rl->out, m->gw, CMN_REC_SID, m->sid, packet, len);
}

static void
relay_admin_error(struct relay *rl, const struct relay_msg *m,
                  struct relay_ustate *sender)
{
    char text[400];
    struct cmn_buf b;

    snprintf(text, sizeof text, relay_admin_fmt, m->sender);
    cmn_buf_init(&b);
    if (relay_packet_admin(&b, text) == 0)
        relay_notice(rl, m, sender, b.p, b.len);
    cmn_buf_free(&b);
}

/* Queue packet for to's inbox. flush: deliver the inbox right after the
 * batch if to is online (not for bounces: the gateway that bounced it
 * just showed to's location is stale; the next bind flushes). */
static int
relay_put(struct relay_batchctx *bc, struct relay_ustate *to,
          const char *id, const char *packet, size_t len,
          struct relay_msg *m, int flush)
{
    char *member = relay_inbox_member(id, packet, len);

    if (member == NULL)
        return -1;
    bc->puts[bc->nputs].to = to;
    bc->puts[bc->nputs].member = member;
    bc->puts[bc->nputs].m = m;
    bc->nputs++;
    to->inboxn++;           /* later packets for `to` queue behind it */
    if (flush && to->online != NULL && relay_has_live_gw(bc->rl, to))
        to->flush = 1;
    return 0;
}

/* ---- decisions --------------------------------------------------------------- */

static void
relay_route_msg(struct relay_batchctx *bc, struct relay_msg *m)
{
    struct relay *rl = bc->rl;
    struct relay_ustate *s = relay_state_get(&rl->st, m->sender);
    struct relay_ustate *r = relay_state_get(&rl->st, m->peer);
    enum relay_role role = relay_cache_role(&rl->cache, m->peer);
    char room[2 * RELAY_NAME_MAX + 2];
    struct cmn_buf b;

    if (s == NULL || r == NULL)
        return;
    if (s->token == NULL || strcmp(s->token, m->jti) != 0) {
        cmn_log_info("route", "id=%s sender=\"%s\": token revoked, "
                     "not delivered", m->id, m->sender);
        cmn_metric_add(&relay_m_invalid_jwt, 1);
        relay_admin_error(rl, m, s);
        relay_ack(rl, m, "error", "Invalid JWT");
        return;
    }
    if (role == RELAY_ROLE_NONE) {
        cmn_log_warn("route", "id=%s sender=\"%s\": no user \"%s\": dropped",
                     m->id, m->sender, m->peer);
        cmn_metric_add(&relay_m_dropped, 1);
        relay_ack(rl, m, "error", "no such user");
        return;
    }
    relay_room_canonical(m->sender, m->peer, room, sizeof room);
    cmn_buf_init(&b);
    if (relay_packet_message(&b, m->sender, m->content->str,
                             m->content->len, m->id, room,
                             cmn_wall_ms()) != 0) {
        cmn_buf_free(&b);
        return;
    }
    if (role == RELAY_ROLE_BOT) {
        if (r->online != NULL) {
            bc->bots[bc->nbots++] = m;
            relay_to_user(rl, s, CMN_REC_USER, b.p, b.len);
            relay_ack(rl, m, "delivered", NULL);
            cmn_metric_add(&relay_m_to_bots, 1);
        } else {
            struct cmn_buf nb;
            char text[160];

            snprintf(text, sizeof text, "\"%s is not available right now. "
                     "Please try again later.\"", m->peer);
            cmn_buf_init(&nb);
            relay_packet_ai(&nb, m->peer, text, strlen(text), m->id);
            relay_notice(rl, m, s, nb.p, nb.len);
            cmn_buf_free(&nb);
            relay_ack(rl, m, "error", "bot unavailable");
        }
    } else if (relay_deliverable(rl, r)) {
        relay_to_user(rl, r, CMN_REC_MUST, b.p, b.len);
        relay_to_user(rl, s, CMN_REC_USER, b.p, b.len);
        relay_ack(rl, m, "delivered", NULL);
        cmn_metric_add(&relay_m_delivered, 1);
    } else if (relay_put(bc, r, m->id, b.p, b.len, m, 1) == 0) {
        /* acked "cached" once the inbox script stored it */
        relay_to_user(rl, s, CMN_REC_USER, b.p, b.len);
    }
    cmn_buf_free(&b);
}

/* A packet for user that must not be lost: deliver or store. */
static void
relay_route_packet(struct relay_batchctx *bc, struct relay_ustate *u,
                   const char *id, const char *packet, size_t len)
{
    if (relay_deliverable(bc->rl, u)) {
        relay_to_user(bc->rl, u, CMN_REC_MUST, packet, len);
        cmn_metric_add(&relay_m_delivered, 1);
    } else {
        relay_put(bc, u, id, packet, len, NULL, 1);
    }
}

static void
relay_route(struct relay_batchctx *bc, struct relay_msg *m)
{
    struct relay_ustate *u;
    char pid[48];
    struct cmn_buf b;

    switch (m->kind) {
    case RELAY_K_MSG:
        relay_route_msg(bc, m);
        return;
    case RELAY_K_BOUNCE:
        /* always via the inbox, in id order; flushed at once only to
         * another gateway than the one that bounced it (the user moved
         * there), so a stale location cannot ping-pong */
        if ((u = relay_state_get(&bc->rl->st, m->user)) != NULL &&
            relay_packet_id(m->packet->str, m->packet->len, pid,
                            sizeof pid) == 0)
            relay_put(bc, u, pid, m->packet->str, m->packet->len, NULL,
                      relay_has_other_live_gw(bc->rl, u, m->gw));
        return;
    case RELAY_K_FLUSH:
        if ((u = relay_state_get(&bc->rl->st, m->user)) != NULL)
            u->flush = 1;
        return;
    case RELAY_K_BOT:
        if ((u = relay_state_get(&bc->rl->st, m->user)) == NULL)
            return;
        cmn_buf_init(&b);
        if (relay_packet_ai(&b, m->bot, m->content->str, m->content->len,
                            m->id) == 0)
            relay_route_packet(bc, u, m->id, b.p, b.len);
        cmn_buf_free(&b);
        return;
    case RELAY_K_BAD:
        cmn_log_warn("route", "id=%s malformed entry: dropped",
                     m->id ? m->id : "?");
        cmn_metric_add(&relay_m_dropped, 1);
        return;
    }
}

/* Which users does the batch need the state of? */
static int
relay_need_users(struct relay_batchctx *bc)
{
    struct relay *rl = bc->rl;

    for (size_t i = 0; i < bc->n; i++) {
        struct relay_msg *m = &bc->msgs[i];

        if (m->kind == RELAY_K_MSG) {
            if (relay_room_peer(m->room, m->sender, m->peer,
                                sizeof m->peer) != 0) {
                cmn_log_warn("route", "id=%s sender=\"%s\" room=\"%s\": "
                             "not the sender's room: dropped", m->id,
                             m->sender, m->room);
                cmn_metric_add(&relay_m_dropped, 1);
                m->kind = RELAY_K_BAD;
                continue;
            }
            if (!relay_state_need(&rl->st, m->sender) ||
                !relay_state_need(&rl->st, m->peer))
                return -1;
        } else if (m->kind != RELAY_K_BAD &&
                   !relay_state_need(&rl->st, m->user)) {
            return -1;
        }
    }
    return 0;
}

/* A peer we do not know may be a user created a moment ago: check the
 * directory's version again before dropping (at most every 100 ms). */
static int
relay_refresh_if_unknown(struct relay_batchctx *bc)
{
    struct relay *rl = bc->rl;
    long long now = cmn_mono_ms();

    for (size_t i = 0; i < bc->n; i++) {
        const struct relay_msg *m = &bc->msgs[i];

        if (m->kind == RELAY_K_MSG &&
            relay_cache_role(&rl->cache, m->peer) == RELAY_ROLE_NONE) {
            if (now - rl->cache.users_at < 100)
                return 0;
            rl->cache.users_at = 0;         /* due now */
            return relay_cache_refresh(&rl->cache, &rl->r, 0);
        }
    }
    return 0;
}

/* ---- writing ------------------------------------------------------------------ */

/* Run the inbox scripts, then turn their answers into acks and notices.
 * 0, or -1 when Redis failed. */
static int
relay_write_inboxes(struct relay_batchctx *bc)
{
    struct relay *rl = bc->rl;
    size_t i = 0;

    while (i < bc->nputs) {
        struct relay_ustate *to = bc->puts[i].to;
        size_t k, n = 0;
        const char **argv;
        char key[160], cap[24];
        redisReply *rep;
        long accepted;

        if ((argv = malloc((bc->nputs + 4) * sizeof *argv)) == NULL)
            return -1;
        snprintf(key, sizeof key, CMN_K_INBOX "%s", to->name);
        snprintf(cap, sizeof cap, "%d", rl->cfg->inbox_max);
        argv[n++] = key;
        argv[n++] = CMN_K_INBOXN;
        argv[n++] = to->name;
        argv[n++] = cap;
        for (k = i; k < bc->nputs; k++)
            if (bc->puts[k].to == to)
                argv[n++] = bc->puts[k].member;
        rep = cmn_script_run(&rl->r, &cmn_script_inbox_add, 2, (int)n, argv,
                             NULL);
        free(argv);
        if (rep == NULL || rep->type != REDIS_REPLY_INTEGER) {
            freeReplyObject(rep);
            return -1;
        }
        accepted = (long)rep->integer;
        freeReplyObject(rep);
        for (k = i, n = 0; k < bc->nputs; k++) {
            struct relay_put *p = &bc->puts[k];

            if (p->to != to)
                continue;
            if ((long)n++ < accepted) {
                cmn_metric_add(&relay_m_cached, 1);
                if (p->m != NULL)
                    relay_ack(rl, p->m, "cached", NULL);
                continue;
            }
            cmn_metric_add(&relay_m_inbox_full, 1);
            cmn_log_warn("route", "user=\"%s\": inbox full (%d): message "
                         "refused", to->name, rl->cfg->inbox_max);
            if (p->m != NULL) {
                struct relay_ustate *s = relay_state_get(&rl->st,
                                                         p->m->sender);
                char text[200];
                struct cmn_buf b;

                snprintf(text, sizeof text, "%s has too many unread "
                         "messages; yours was not stored.", to->name);
                cmn_buf_init(&b);
                if (s != NULL && relay_packet_admin(&b, text) == 0)
                    relay_notice(rl, p->m, s, b.p, b.len);
                cmn_buf_free(&b);
                relay_ack(rl, p->m, "error", "inbox full");
            }
        }
        /* this user's puts are done: mark them, move to the next user */
        for (k = i; k < bc->nputs; k++)
            if (bc->puts[k].to == to)
                bc->puts[k].to = NULL;
        while (i < bc->nputs && bc->puts[i].to == NULL)
            i++;
    }
    return 0;
}

/* Pipeline the gateway XADDs, the bot XADDs and the XACK; read them all. */
static int
relay_write_out(struct relay_batchctx *bc, const redisReply *entries)
{
    struct relay *rl = bc->rl;
    redisContext *c = cmn_redis_ctx(&rl->r);
    int expect;
    const char **argv;
    size_t n = 0;
    redisReply *rep;
    int rc = 0;

    if (c == NULL)
        return -1;
    expect = relay_out_append(&rl->out, c);
    for (size_t i = 0; i < bc->nbots; i++) {
        struct relay_msg *m = bc->bots[i];

        redisAppendCommand(c, "XADD " CMN_S_BOT_PREFIX "%s MAXLEN ~ "
                           RELAY_BOT_MAXLEN " * k m u %s r %s id %s c %b",
                           m->peer, m->sender, m->room, m->id,
                           m->content->str, m->content->len);
        expect++;
    }
    if ((argv = malloc((entries->elements + 3) * sizeof *argv)) == NULL)
        return -1;
    argv[n++] = "XACK";
    argv[n++] = CMN_S_MSG;
    argv[n++] = CMN_GROUP_RELAY;
    for (size_t i = 0; i < entries->elements; i++) {
        const char *id = cmn_entry_id(entries->element[i]);

        if (id == NULL && entries->element[i]->type == REDIS_REPLY_ARRAY &&
            entries->element[i]->elements > 0 &&
            entries->element[i]->element[0]->type == REDIS_REPLY_STRING)
            id = entries->element[i]->element[0]->str;   /* deleted entry */
        if (id != NULL)
            argv[n++] = id;
    }
    if (n > 3) {
        redisAppendCommandArgv(c, (int)n, argv, NULL);
        expect++;
    }
    free(argv);
    for (int i = 0; i < expect; i++) {
        if ((rep = cmn_redis_get_reply(&rl->r)) == NULL)
            return -1;
        if (rep->type == REDIS_REPLY_ERROR) {
            cmn_log_error("route", "write: %s", rep->str);
            rc = -1;
        }
        freeReplyObject(rep);
    }
    return rc;
}

int
relay_batch(struct relay *rl, const redisReply *entries)
{
    struct relay_batchctx bc;
    int rc = -1;

    if (entries == NULL || entries->type != REDIS_REPLY_ARRAY ||
        entries->elements == 0)
        return 0;
    memset(&bc, 0, sizeof bc);
    bc.rl = rl;
    bc.n = entries->elements;
    bc.msgs = calloc(bc.n, sizeof *bc.msgs);
    bc.puts = calloc(bc.n, sizeof *bc.puts);
    bc.bots = calloc(bc.n, sizeof *bc.bots);
    if (bc.msgs == NULL || bc.puts == NULL || bc.bots == NULL)
        goto out;
    relay_state_reset(&rl->st);
    relay_out_reset(&rl->out);
    for (size_t i = 0; i < bc.n; i++)
        relay_parse(entries->element[i], &bc.msgs[i]);
    if (relay_need_users(&bc) != 0 ||
        relay_cache_refresh(&rl->cache, &rl->r, 0) != 0 ||
        relay_refresh_if_unknown(&bc) != 0 ||
        relay_state_fetch(&rl->st, &rl->r) != 0)
        goto out;
    for (size_t i = 0; i < bc.n; i++)
        relay_route(&bc, &bc.msgs[i]);
    if (relay_write_inboxes(&bc) != 0 || relay_write_out(&bc, entries) != 0)
        goto out;
    cmn_metric_add(&relay_m_batches, 1);
    rc = 0;
    /* flushes after the batch is safe: its own packets are in place */
    for (size_t i = 0; i < rl->st.n; i++)
        if (rl->st.u[i].flush)
            relay_flush(rl, rl->st.u[i].name);
out:
    for (size_t i = 0; i < bc.nputs; i++)
        free(bc.puts[i].member);
    free(bc.msgs);
    free(bc.puts);
    free(bc.bots);
    relay_out_reset(&rl->out);
    return rc;
}
