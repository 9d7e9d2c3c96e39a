/* auth_contacts.h -- the body of GET /get_contacts_list/<username>.
 *
 *   {"contacts":{"<peer>":"<room>",...},"currently_online":[...],
 *    "all_existing_contacts":[...]}
 *
 * contacts: every other enabled user (bots included) -> the room the two
 * share, the names sorted in byte order and joined by '&' ("Era&Lisa");
 * all_existing_contacts: every enabled user, self included;
 * currently_online: the names in Redis hash `online` that are enabled
 * users. Pure functions, so they are tested with plain arrays. */
#ifndef AUTH_CONTACTS_H
#define AUTH_CONTACTS_H

#include <stddef.h>

#include "cmn/cmn_buf.h"

/* The room of users a and b into out[cap] ("" if it does not fit). */
void auth_contacts_room(const char *a, const char *b, char *out, size_t cap);

/* Append the JSON body for self. users: enabled names, sorted, unique;
 * online: names from Redis in any order (those not in users are left
 * out). 0, or -1 when memory ran out. */
int auth_contacts_json(struct cmn_buf *b, const char *self,
                       const char *const *users, size_t nusers,
                       const char *const *online, size_t nonline);

#endif
