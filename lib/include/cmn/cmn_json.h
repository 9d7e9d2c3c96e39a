/* cmn_json.h -- a validating, zero-copy JSON scanner.
 *
 * The gateway and relay pass client JSON through unchanged ("keeps its
 * bytes"), so instead of parsing into a tree they locate values as spans of
 * the original text. Every function here validates what it walks over:
 * grammar (RFC 8259), string escapes, UTF-8 (no overlongs, no surrogates),
 * and a nesting limit. Nothing allocates. */
#ifndef CMN_JSON_H
#define CMN_JSON_H

#include <stddef.h>
#include <sys/types.h>

#define CMN_JSON_MAX_DEPTH 32

struct cmn_json_span {
    const char *p;
    size_t len;
};

enum cmn_json_kind {
    CMN_JSON_BAD = -1,
    CMN_JSON_OBJECT,
    CMN_JSON_ARRAY,
    CMN_JSON_STRING,
    CMN_JSON_NUMBER,
    CMN_JSON_BOOL,
    CMN_JSON_NULL
};

/* Skip whitespace and one complete value in [p, end). Returns the byte
 * after the value, or NULL when the text is not valid JSON. */
const char *cmn_json_skip(const char *p, const char *end);

/* 0 when [s, s+len) is exactly one JSON value (surrounding blanks allowed). */
int cmn_json_validate(const char *s, size_t len);

/* Kind of an already validated value span (by its first byte). */
enum cmn_json_kind cmn_json_kind(struct cmn_json_span v);

/* Iterate the members of an object or the elements of an array. Start
 * with cmn_json_iter_init() on the span of the whole object/array. */
struct cmn_json_iter {
    const char *p;
    const char *end;
    int started;
};

int cmn_json_iter_init(struct cmn_json_iter *it, struct cmn_json_span v);
/* 1 = next member in key/val (key span includes the quotes), 0 = done,
 * -1 = invalid text. */
int cmn_json_object_next(struct cmn_json_iter *it, struct cmn_json_span *key,
                         struct cmn_json_span *val);
int cmn_json_array_next(struct cmn_json_iter *it, struct cmn_json_span *val);

/* Find `key` among the members of object `obj`. 1 = found (val set),
 * 0 = absent, -1 = obj is not a valid object. */
int cmn_json_get(struct cmn_json_span obj, const char *key,
                 struct cmn_json_span *val);

/* Decode a string value span (with its quotes) into out[cap] as UTF-8,
 * NUL-terminated. Returns the decoded length, or -1 when it is not a
 * string, does not fit, or contains U+0000. */
ssize_t cmn_json_string(struct cmn_json_span v, char *out, size_t cap);

/* Convenience: the string member `key` of obj decoded into out[cap].
 * Returns length, -1 when absent/not a string/too long. */
ssize_t cmn_json_get_string(struct cmn_json_span obj, const char *key,
                            char *out, size_t cap);

/* 0 when s[0..len) is valid UTF-8 (no overlongs, surrogates, > U+10FFFF). */
int cmn_utf8_validate(const char *s, size_t len);

#endif
