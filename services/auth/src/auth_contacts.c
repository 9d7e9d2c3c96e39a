/* auth_contacts.c -- GET /get_contacts_list/<username> (see
 * auth_contacts.h for the body). Reads the enabled users from Postgres
 * and the online ones from Redis on every call, so it is always current. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmn/cmn_keys.h"
#include "cmn/cmn_log.h"

#include "auth_app.h"
#include "auth_bearer.h"
#include "auth_contacts.h"
#include "auth_handlers.h"
#include "auth_users.h"

#define AUTH_CONTACTS_MISSING "The 'get_contact_list' request headers " \
                              "must contain username and jwt fields"

void
auth_contacts_room(const char *a, const char *b, char *out, size_t cap)
{
    const char *lo = strcmp(a, b) <= 0 ? a : b, *hi = lo == a ? b : a;
    size_t nl = strlen(lo), nh = strlen(hi);

    if (nl + 1 + nh + 1 > cap) {
        if (cap > 0)
            out[0] = '\0';
        return;
    }
    memcpy(out, lo, nl);
    out[nl] = '&';
    memcpy(out + nl + 1, hi, nh + 1);
}

static int
auth_contacts_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* 1 when name is in the sorted array users. */
static int
auth_contacts_known(const char *name, const char *const *users, size_t n)
{
    return n > 0 && bsearch(&name, users, n, sizeof *users,
                            auth_contacts_cmp) != NULL;
}

/* "currently_online":[...] : known names, sorted, once each. */
static int
auth_contacts_online(struct cmn_buf *b, const char *const *users,
                     size_t nusers, const char *const *online, size_t n)
{
    const char **sorted = NULL;
    int rc = 0, first = 1;

    if (n > 0 && (sorted = malloc(n * sizeof *sorted)) == NULL)
        return -1;
    if (n > 0)
        memcpy(sorted, online, n * sizeof *sorted);
    if (n > 1)
        qsort(sorted, n, sizeof *sorted, auth_contacts_cmp);
    rc |= cmn_buf_puts(b, "\"currently_online\":[");
    for (size_t i = 0; i < n; i++) {
        if ((i > 0 && strcmp(sorted[i], sorted[i - 1]) == 0) ||
            !auth_contacts_known(sorted[i], users, nusers))
            continue;
        rc |= cmn_buf_puts(b, first ? "" : ",");
        rc |= cmn_buf_json_string(b, sorted[i], strlen(sorted[i]));
        first = 0;
    }
    rc |= cmn_buf_puts(b, "]");
    free(sorted);
    return rc;
}

int
auth_contacts_json(struct cmn_buf *b, const char *self,
                   const char *const *users, size_t nusers,
                   const char *const *online, size_t nonline)
{
    char room[2 * 64 + 2];
    int rc = 0, first = 1;

    rc |= cmn_buf_puts(b, "{\"contacts\":{");
    for (size_t i = 0; i < nusers; i++) {
        if (strcmp(users[i], self) == 0)
            continue;
        auth_contacts_room(self, users[i], room, sizeof room);
        rc |= cmn_buf_puts(b, first ? "" : ",");
        rc |= cmn_buf_json_string(b, users[i], strlen(users[i]));
        rc |= cmn_buf_puts(b, ":");
        rc |= cmn_buf_json_string(b, room, strlen(room));
        first = 0;
    }
    rc |= cmn_buf_puts(b, "},");
    rc |= auth_contacts_online(b, users, nusers, online, nonline);
    rc |= cmn_buf_puts(b, ",\"all_existing_contacts\":[");
    for (size_t i = 0; i < nusers; i++) {
        rc |= cmn_buf_puts(b, i ? "," : "");
        rc |= cmn_buf_json_string(b, users[i], strlen(users[i]));
    }
    rc |= cmn_buf_puts(b, "]}");
    return rc ? -1 : 0;
}

/* ---- the handler --------------------------------------------------------- */

struct auth_contacts_names {
    char (*v)[AUTH_NAME_MAX + 1];
    size_t n, cap;
    int oom;
};

static void
auth_contacts_collect(void *arg, const char *name, const char *role)
{
    struct auth_contacts_names *l = arg;

    (void)role;
    if (l->oom)
        return;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        void *v = realloc(l->v, cap * sizeof *l->v);

        if (v == NULL) {
            l->oom = 1;
            return;
        }
        l->v = v;
        l->cap = cap;
    }
    snprintf(l->v[l->n++], sizeof *l->v, "%s", name);
}

/* Build the body from the user list and HKEYS online. */
static enum auth_result
auth_contacts_reply(struct auth_ctx *cx, const char *self,
                    const struct auth_contacts_names *l, struct auth_resp *rs)
{
    const char **users = NULL, **online = NULL;
    redisReply *rep;
    enum auth_result r = AUTH_INTERNAL;
    size_t nonline = 0;

    rep = cmn_redis_cmd(&cx->w->redis, "HKEYS %s", CMN_K_ONLINE);
    if (rep == NULL || rep->type != REDIS_REPLY_ARRAY) {
        freeReplyObject(rep);
        auth_app_note_redis(cx->app, 1);
        return AUTH_REDIS_DOWN;
    }
    users = malloc((l->n + 1) * sizeof *users);
    online = malloc((rep->elements + 1) * sizeof *online);
    if (users == NULL || online == NULL)
        goto out;
    for (size_t i = 0; i < l->n; i++)
        users[i] = l->v[i];
    for (size_t i = 0; i < rep->elements; i++)
        if (rep->element[i]->type == REDIS_REPLY_STRING)
            online[nonline++] = rep->element[i]->str;
    if (auth_contacts_json(&rs->body, self, users, l->n, online,
                           nonline) == 0)
        r = AUTH_OK;
out:
    free(users);
    free(online);
    freeReplyObject(rep);
    return r;
}

AUTH_HANDLER(auth_contacts_handle)
{
    struct auth_contacts_names l = {NULL, 0, 0, 0};
    struct cmn_jwt_claims cl;
    enum auth_result r;
    char err[256];
    enum auth_users_rc u;
    int self_found = 0;

    r = auth_bearer_session(cx, rq, AUTH_CONTACTS_MISSING, &cl, rs);
    if (r != AUTH_OK)
        return r;
    if (strcmp(arg, cl.sub) != 0)
        return auth_fail(rs, AUTH_FORBIDDEN, "A user may only read their "
                         "own contacts list");
    u = auth_users_enabled(&cx->w->db, auth_contacts_collect, &l, err);
    if (u != AUTH_USERS_OK) {
        auth_app_note_db(cx->app, u == AUTH_USERS_DOWN);
        cmn_log_error("contacts", "user list: %s", err);
        return u == AUTH_USERS_DOWN ? AUTH_DB_DOWN : AUTH_INTERNAL;
    }
    auth_app_note_db(cx->app, 0);
    for (size_t i = 0; i < l.n && !self_found; i++)
        self_found = strcmp(l.v[i], cl.sub) == 0;
    if (l.oom)
        r = AUTH_INTERNAL;
    else if (!self_found)       /* disabled since the token was issued */
        r = AUTH_BAD_TOKEN;
    else
        r = auth_contacts_reply(cx, cl.sub, &l, rs);
    free(l.v);
    if (r == AUTH_OK)
        cmn_log_debug("contacts", "user=\"%s\" contacts=%zu", cl.sub, l.n);
    return r;
}
