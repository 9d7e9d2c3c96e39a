/* auth_body.c -- JSON request fields (see auth_body.h). */
#include "auth_body.h"

int
auth_body_object(const char *body, size_t len, struct cmn_json_span *obj)
{
    const char *p = body, *end = body + len;

    if (cmn_json_validate(body, len) != 0)
        return -1;
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    obj->p = p;
    obj->len = (size_t)(end - p);
    return cmn_json_kind(*obj) == CMN_JSON_OBJECT ? 0 : -1;
}

enum auth_field
auth_body_string(struct cmn_json_span obj, const char *key, char *out,
                 size_t cap, size_t *len)
{
    struct cmn_json_span v;
    ssize_t n;

    out[0] = '\0';
    if (len != NULL)
        *len = 0;
    if (cmn_json_get(obj, key, &v) != 1)
        return AUTH_FIELD_MISSING;
    switch (cmn_json_kind(v)) {
    case CMN_JSON_NULL:
        return AUTH_FIELD_NULL;
    case CMN_JSON_STRING:
        break;
    default:
        return AUTH_FIELD_NOT_STRING;
    }
    if ((n = cmn_json_string(v, out, cap)) < 0) {
        out[0] = '\0';
        return AUTH_FIELD_TOO_LONG;
    }
    if (len != NULL)
        *len = (size_t)n;
    return AUTH_FIELD_STRING;
}
