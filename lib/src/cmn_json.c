/* cmn_json.c -- validating zero-copy JSON scanner (see cmn_json.h).
 *
 * A recursive-descent walker over the original bytes. It never builds a
 * tree: callers get spans pointing into their own buffer. */
#include <string.h>

#include "cmn/cmn_json.h"

static const char *cmn_json_value(const char *p, const char *end, int depth);

static const char *
cmn_json_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

/* Length of the UTF-8 sequence at p (1..4), or 0 when invalid. */
static size_t
cmn_utf8_seq(const unsigned char *p, const unsigned char *end)
{
    unsigned char c = p[0];
    size_t n, i;
    unsigned long cp;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if ((size_t)(end - p) < n)
        return 0;
    for (i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

int
cmn_utf8_validate(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;

    while (p < end) {
        size_t n = cmn_utf8_seq(p, end);

        if (n == 0)
            return -1;
        p += n;
    }
    return 0;
}

static int
cmn_json_hex4(const char *p, const char *end, unsigned *out)
{
    unsigned v = 0;

    if (end - p < 4)
        return -1;
    for (int i = 0; i < 4; i++) {
        char c = p[i];

        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

/* p at the opening quote. Returns the byte after the closing quote. */
static const char *
cmn_json_skip_string(const char *p, const char *end)
{
    unsigned u, lo;

    p++;
    while (p < end) {
        unsigned char c = (unsigned char)*p;

        if (c == '"')
            return p + 1;
        if (c < 0x20)
            return NULL;
        if (c == '\\') {
            if (++p >= end)
                return NULL;
            switch (*p) {
            case '"': case '\\': case '/': case 'b': case 'f': case 'n':
            case 'r': case 't':
                p++;
                continue;
            case 'u':
                if (cmn_json_hex4(p + 1, end, &u) != 0)
                    return NULL;
                p += 5;
                if (u >= 0xdc00 && u <= 0xdfff)
                    return NULL;                /* lone low surrogate */
                if (u >= 0xd800 && u <= 0xdbff) {
                    if (end - p < 6 || p[0] != '\\' || p[1] != 'u' ||
                        cmn_json_hex4(p + 2, end, &lo) != 0 ||
                        lo < 0xdc00 || lo > 0xdfff)
                        return NULL;
                    p += 6;
                }
                continue;
            default:
                return NULL;
            }
        }
        if (c < 0x80) {
            p++;
        } else {
            size_t n = cmn_utf8_seq((const unsigned char *)p,
                                    (const unsigned char *)end);
            if (n == 0)
                return NULL;
            p += n;
        }
    }
    return NULL;
}

static const char *
cmn_json_skip_number(const char *p, const char *end)
{
    if (p < end && *p == '-')
        p++;
    if (p >= end)
        return NULL;
    if (*p == '0') {
        p++;
    } else if (*p >= '1' && *p <= '9') {
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    } else {
        return NULL;
    }
    if (p < end && *p == '.') {
        p++;
        if (p >= end || *p < '0' || *p > '9')
            return NULL;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (p >= end || *p < '0' || *p > '9')
            return NULL;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    return p;
}

static const char *
cmn_json_literal(const char *p, const char *end, const char *word)
{
    size_t n = strlen(word);

    if ((size_t)(end - p) < n || memcmp(p, word, n) != 0)
        return NULL;
    return p + n;
}

/* p just after '{' or '['; walks members up to and past the closer. */
static const char *
cmn_json_container(const char *p, const char *end, int depth, char closer)
{
    p = cmn_json_ws(p, end);
    if (p < end && *p == closer)
        return p + 1;
    for (;;) {
        if (closer == '}') {
            p = cmn_json_ws(p, end);
            if (p >= end || *p != '"')
                return NULL;
            p = cmn_json_skip_string(p, end);
            if (p == NULL)
                return NULL;
            p = cmn_json_ws(p, end);
            if (p >= end || *p != ':')
                return NULL;
            p++;
        }
        p = cmn_json_value(p, end, depth + 1);
        if (p == NULL)
            return NULL;
        p = cmn_json_ws(p, end);
        if (p >= end)
            return NULL;
        if (*p == closer)
            return p + 1;
        if (*p != ',')
            return NULL;
        p++;
    }
}

static const char *
cmn_json_value(const char *p, const char *end, int depth)
{
    p = cmn_json_ws(p, end);
    if (p >= end)
        return NULL;
    switch (*p) {
    case '{':
    case '[':
        /* at most CMN_JSON_MAX_DEPTH containers nested in each other */
        if (depth >= CMN_JSON_MAX_DEPTH)
            return NULL;
        return cmn_json_container(p + 1, end, depth, *p == '{' ? '}' : ']');
    case '"':
        return cmn_json_skip_string(p, end);
    case 't':
        return cmn_json_literal(p, end, "true");
    case 'f':
        return cmn_json_literal(p, end, "false");
    case 'n':
        return cmn_json_literal(p, end, "null");
    default:
        return cmn_json_skip_number(p, end);
    }
}

const char *
cmn_json_skip(const char *p, const char *end)
{
    return cmn_json_value(p, end, 0);
}

int
cmn_json_validate(const char *s, size_t len)
{
    const char *end = s + len;
    const char *p = cmn_json_skip(s, end);

    if (p == NULL)
        return -1;
    return cmn_json_ws(p, end) == end ? 0 : -1;
}

enum cmn_json_kind
cmn_json_kind(struct cmn_json_span v)
{
    if (v.len == 0)
        return CMN_JSON_BAD;
    switch (v.p[0]) {
    case '{': return CMN_JSON_OBJECT;
    case '[': return CMN_JSON_ARRAY;
    case '"': return CMN_JSON_STRING;
    case 't': case 'f': return CMN_JSON_BOOL;
    case 'n': return CMN_JSON_NULL;
    default: return CMN_JSON_NUMBER;
    }
}

int
cmn_json_iter_init(struct cmn_json_iter *it, struct cmn_json_span v)
{
    const char *end = v.p + v.len;
    const char *p = cmn_json_ws(v.p, end);

    if (p >= end || (*p != '{' && *p != '['))
        return -1;
    it->p = p + 1;
    it->end = end;
    it->started = 0;
    return 0;
}

/* Shared step: position after the separator; 0 at the closer. */
static int
cmn_json_iter_step(struct cmn_json_iter *it, char closer)
{
    const char *p = cmn_json_ws(it->p, it->end);

    if (p >= it->end)
        return -1;
    if (*p == closer)
        return 0;
    if (it->started) {
        if (*p != ',')
            return -1;
        p = cmn_json_ws(p + 1, it->end);
    }
    it->started = 1;
    it->p = p;
    return 1;
}

int
cmn_json_object_next(struct cmn_json_iter *it, struct cmn_json_span *key,
                     struct cmn_json_span *val)
{
    const char *p, *k;
    int rc = cmn_json_iter_step(it, '}');

    if (rc <= 0)
        return rc;
    k = it->p;
    if (k >= it->end || *k != '"' ||
        (p = cmn_json_skip_string(k, it->end)) == NULL)
        return -1;
    key->p = k;
    key->len = (size_t)(p - k);
    p = cmn_json_ws(p, it->end);
    if (p >= it->end || *p != ':')
        return -1;
    p = cmn_json_ws(p + 1, it->end);
    val->p = p;
    if ((p = cmn_json_value(p, it->end, 1)) == NULL)
        return -1;
    val->len = (size_t)(p - val->p);
    it->p = p;
    return 1;
}

int
cmn_json_array_next(struct cmn_json_iter *it, struct cmn_json_span *val)
{
    const char *p;
    int rc = cmn_json_iter_step(it, ']');

    if (rc <= 0)
        return rc;
    val->p = it->p;
    if ((p = cmn_json_value(it->p, it->end, 1)) == NULL)
        return -1;
    val->len = (size_t)(p - val->p);
    it->p = p;
    return 1;
}

/* Does the raw key span (with quotes) decode to `key`? */
static int
cmn_json_key_equals(struct cmn_json_span k, const char *key)
{
    char buf[256];
    size_t n = strlen(key);
    ssize_t got;

    if (memchr(k.p, '\\', k.len) == NULL)
        return k.len == n + 2 && memcmp(k.p + 1, key, n) == 0;
    got = cmn_json_string(k, buf, sizeof buf);
    return got >= 0 && (size_t)got == n && memcmp(buf, key, n) == 0;
}

int
cmn_json_get(struct cmn_json_span obj, const char *key,
             struct cmn_json_span *val)
{
    struct cmn_json_iter it;
    struct cmn_json_span k, v;
    int rc, found = 0;

    if (cmn_json_iter_init(&it, obj) != 0 || *(it.p - 1) != '{')
        return -1;
    while ((rc = cmn_json_object_next(&it, &k, &v)) == 1) {
        /* the last duplicate wins, as in most parsers */
        if (cmn_json_key_equals(k, key)) {
            *val = v;
            found = 1;
        }
    }
    return rc < 0 ? -1 : found;
}

static size_t
cmn_utf8_put(char *o, unsigned long cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

ssize_t
cmn_json_string(struct cmn_json_span v, char *out, size_t cap)
{
    const char *p, *end = v.p + v.len;
    size_t n = 0;

    if (v.len < 2 || v.p[0] != '"' || cmn_json_skip_string(v.p, end) != end)
        return -1;
    for (p = v.p + 1; p < end - 1;) {
        unsigned long cp;
        unsigned u, lo;
        char tmp[4];
        size_t w;

        if (*p != '\\') {
            if (*p == '\0' || n + 1 >= cap)
                return -1;
            out[n++] = *p++;
            continue;
        }
        p++;
        switch (*p) {
        case 'b': cp = '\b'; break;
        case 'f': cp = '\f'; break;
        case 'n': cp = '\n'; break;
        case 'r': cp = '\r'; break;
        case 't': cp = '\t'; break;
        case 'u':
            cmn_json_hex4(p + 1, end, &u);
            cp = u;
            if (u >= 0xd800 && u <= 0xdbff) {
                cmn_json_hex4(p + 7, end, &lo);
                cp = 0x10000 + ((unsigned long)(u - 0xd800) << 10) +
                     (lo - 0xdc00);
                p += 6;
            }
            p += 4;
            break;
        default: cp = (unsigned char)*p; break;
        }
        p++;
        if (cp == 0)
            return -1;
        w = cmn_utf8_put(tmp, cp);
        if (n + w >= cap)
            return -1;
        memcpy(out + n, tmp, w);
        n += w;
    }
    if (n >= cap)
        return -1;
    out[n] = '\0';
    return (ssize_t)n;
}

ssize_t
cmn_json_get_string(struct cmn_json_span obj, const char *key, char *out,
                    size_t cap)
{
    struct cmn_json_span v;

    if (cmn_json_get(obj, key, &v) != 1)
        return -1;
    return cmn_json_string(v, out, cap);
}
