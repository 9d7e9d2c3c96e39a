/* auth_body.h -- reading the JSON request bodies of the HTTP API.
 *
 * Bodies are validated with lib/cmn_json (grammar, UTF-8, depth) and read
 * without building a tree. A field is one of: a string (decoded, no NUL),
 * missing, null, or something else; handlers decide what each means. */
#ifndef AUTH_BODY_H
#define AUTH_BODY_H

#include <stddef.h>

#include "cmn/cmn_json.h"

enum auth_field {
    AUTH_FIELD_STRING,
    AUTH_FIELD_MISSING,
    AUTH_FIELD_NULL,
    AUTH_FIELD_NOT_STRING,     /* number, object, ... */
    AUTH_FIELD_TOO_LONG,       /* does not fit, or contains U+0000 */
};

/* 0 when body[0..len) is exactly one JSON object (obj set), else -1. */
int auth_body_object(const char *body, size_t len, struct cmn_json_span *obj);

/* Read string member key of obj into out[cap] (NUL-terminated); *len (may
 * be NULL) gets its length. out is "" unless the result is STRING. */
enum auth_field auth_body_string(struct cmn_json_span obj, const char *key,
                                 char *out, size_t cap, size_t *len);

#endif
