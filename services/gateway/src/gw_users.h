/* gw_users.h -- which local sessions are bound to which user.
 *
 * A chained hash from user name to the list of that user's bound
 * sessions on this gateway, so a delivery "to user X" finds X's sockets in
 * O(1). Service thread only. */
#ifndef GW_USERS_H
#define GW_USERS_H

#include <stddef.h>

struct gw_session;

/* Embedded in each bound session's chat state. */
struct gw_user_link {
    struct gw_user_link *next;
    struct gw_user_link *prev;
    struct gw_session *s;
};

struct gw_user {
    struct gw_user *hnext;
    struct gw_user_link *sessions;   /* bound sessions of this user */
    unsigned count;
    char name[];
};

struct gw_users {
    struct gw_user **slots;
    size_t nslots;
    size_t count;                    /* users with at least one session */
};

int gw_users_init(struct gw_users *u);
/* Frees the index (not the sessions). */
void gw_users_free(struct gw_users *u);
struct gw_user *gw_users_find(const struct gw_users *u, const char *name);
/* Link session l under name. Returns the user's session count after it
 * (1 = first local socket of that user), or -1 on OOM. */
int gw_users_add(struct gw_users *u, const char *name,
                 struct gw_user_link *l);
/* Unlink; returns the sessions left for that user (0 = last one gone). */
int gw_users_del(struct gw_users *u, const char *name,
                 struct gw_user_link *l);

#endif
