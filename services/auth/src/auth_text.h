/* auth_text.h -- make client-supplied text safe to put in a log line.
 *
 * User names and paths come from the network: a name with a newline or a
 * quote must not forge or break log records. */
#ifndef AUTH_TEXT_H
#define AUTH_TEXT_H

#include <stddef.h>

/* Copy s into out[cap], replacing bytes outside printable ASCII and the
 * characters " and \ with '?', and ending in "..." when cut short.
 * Returns out. s may be NULL ("" then). */
const char *auth_text_safe(const char *s, char *out, size_t cap);

#endif
