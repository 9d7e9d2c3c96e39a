/* presence_events.c -- the events of s:pres.
 *
 *   bind  u j st g   a socket was bound to user u's session j; st > 0 is a
 *                    legacy join: online after st ms (pres:settle)
 *   hb    u j        connection_alive of a bound socket
 *   bye   u j        client_disconnection: logout
 *   close u g        the last socket of u on gateway g closed
 * Heartbeats of a batch become one ZADD XX. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmn/cmn_keys.h"
#include "cmn/cmn_log.h"
#include "cmn/cmn_proc.h"
#include "cmn/cmn_scripts.h"
#include "presence.h"
#include "presence_metrics.h"

static const char *
presence_field(const redisReply *e, const char *name)
{
    const redisReply *v = cmn_entry_field(e, name);

    return v ? v->str : NULL;
}

static void
presence_due(struct presence *p, long long due)
{
    if (p->next_due == 0 || due < p->next_due)
        p->next_due = due;
}

static void
presence_bind(struct presence *p, const char *u, const char *j, int settle)
{
    long long now = cmn_wall_ms();
    char member[192];
    int rc;

    if (settle > 0) {
        snprintf(member, sizeof member, "%s %s", u, j);
        freeReplyObject(cmn_redis_cmd(&p->r, "ZADD " CMN_K_SETTLE " %lld %s",
                                      now + settle, member));
        presence_due(p, now + settle);
        /* an online user's new socket still counts as a heartbeat */
        freeReplyObject(cmn_redis_cmd(&p->r, "ZADD " CMN_K_HB " XX %lld %s",
                                      now, u));
        return;
    }
    rc = cmn_presence_online(&p->r, u, j, now, NULL);
    if (rc == 1) {
        cmn_metric_add(&presence_m_online, 1);
        cmn_log_info("presence", "user=\"%s\" online", u);
    } else if (rc == -1) {
        cmn_log_info("presence", "user=\"%s\" bind with a replaced session: "
                     "ignored", u);
    }
}

static void
presence_bye(struct presence *p, const char *u, const char *j)
{
    int rc = cmn_presence_offline(&p->r, u, CMN_OFFLINE_LOGOUT, j, 0);

    if (rc == 1) {
        cmn_metric_add(&presence_m_offline_logout, 1);
        cmn_log_info("presence", "user=\"%s\" offline: logout", u);
    } else if (rc == 0) {
        cmn_log_info("presence", "user=\"%s\" logged out (was not online)",
                     u);
    }
}

int
presence_events(struct presence *p, const redisReply *entries)
{
    const char **hb, **ids;
    size_t nhb = 2, nids = 3;
    char now[32];
    int rc = 0;

    if (entries == NULL || entries->elements == 0)
        return 0;
    hb = malloc((2 * entries->elements + 3) * sizeof *hb);
    ids = malloc((entries->elements + 3) * sizeof *ids);
    if (hb == NULL || ids == NULL) {
        free(hb);
        free(ids);
        return -1;
    }
    snprintf(now, sizeof now, "%lld", cmn_wall_ms());
    hb[0] = "ZADD";
    hb[1] = CMN_K_HB;
    hb[nhb++] = "XX";
    for (size_t i = 0; i < entries->elements; i++) {
        const redisReply *e = entries->element[i];
        const char *id = cmn_entry_id(e), *k = presence_field(e, "k");
        const char *u = presence_field(e, "u"), *j = presence_field(e, "j");

        if (id == NULL && e->type == REDIS_REPLY_ARRAY && e->elements > 0)
            id = e->element[0]->str;            /* trimmed entry */
        if (id != NULL)
            ids[nids++] = id;
        if (k == NULL || u == NULL)
            continue;
        cmn_metric_add(&presence_m_events, 1);
        if (strcmp(k, "hb") == 0) {
            hb[nhb++] = now;
            hb[nhb++] = u;
        } else if (strcmp(k, "bind") == 0 && j != NULL) {
            const char *st = presence_field(e, "st");

            presence_bind(p, u, j, st ? atoi(st) : 0);
        } else if (strcmp(k, "bye") == 0 && j != NULL) {
            presence_bye(p, u, j);
        } else if (strcmp(k, "close") == 0) {
            long long due = cmn_wall_ms() + p->cfg->offline_grace_ms;

            freeReplyObject(cmn_redis_cmd(&p->r, "ZADD " CMN_K_GRACE
                                          " %lld %s", due, u));
            presence_due(p, due);
        }
    }
    if (nhb > 3) {
        redisReply *r = cmn_redis_argv(&p->r, (int)nhb, hb, NULL);

        if (r == NULL)
            rc = -1;
        freeReplyObject(r);
    }
    if (rc == 0 && nids > 3) {
        redisReply *r;

        ids[0] = "XACK";
        ids[1] = CMN_S_PRES;
        ids[2] = CMN_GROUP_PRESENCE;
        r = cmn_redis_argv(&p->r, (int)nids, ids, NULL);
        if (r == NULL)
            rc = -1;
        freeReplyObject(r);
    }
    free(hb);
    free(ids);
    return p->r.c == NULL ? -1 : rc;
}
