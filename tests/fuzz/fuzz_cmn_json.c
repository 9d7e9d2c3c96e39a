/* fuzz_cmn_json.c -- libFuzzer target for the zero-copy JSON scanner
 * (lib/src/cmn_json.c), the validator every client payload goes through.
 *
 * Differential against jansson (a full parser): for inputs within
 * cmn_json's nesting limit, both must agree on "is this one JSON value",
 * except where jansson refuses numbers it cannot represent (cmn_json only
 * checks the grammar). For valid input the walk must agree too: array
 * lengths, member look-up (the last duplicate wins in both), and decoded
 * strings byte for byte (strings holding U+0000 are refused by
 * cmn_json_string by design). Input is copied into an exact-size heap
 * block, so over-reads are ASan reports. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmn/cmn_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond) do { if (!(cond)) abort(); } while (0)

/* Deepest nesting of [ and { outside strings (valid text only). */
static int
fuzz_depth(const char *p, size_t n)
{
    int d = 0, max = 0, in_str = 0;

    for (size_t i = 0; i < n; i++) {
        char c = p[i];

        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = 0;
        } else if (c == '"') {
            in_str = 1;
        } else if (c == '[' || c == '{') {
            if (++d > max)
                max = d;
        } else if (c == ']' || c == '}') {
            d--;
        }
    }
    return max;
}

static void fuzz_compare(struct cmn_json_span v, json_t *j);

static void
fuzz_compare_string(struct cmn_json_span v, json_t *j)
{
    size_t cap = v.len + 1;
    char *out = malloc(cap);
    ssize_t n = cmn_json_string(v, out, cap);
    const char *want = json_string_value(j);
    size_t wlen = json_string_length(j);

    if (memchr(want, '\0', wlen) != NULL) {
        FUZZ_CHECK(n == -1);                    /* U+0000 is refused */
    } else {
        FUZZ_CHECK(n >= 0);
        FUZZ_CHECK((size_t)n == wlen && memcmp(out, want, wlen) == 0);
        FUZZ_CHECK(cmn_utf8_validate(out, (size_t)n) == 0);
        /* one byte short of room must fail, never overflow */
        if (n > 0)
            FUZZ_CHECK(cmn_json_string(v, out, (size_t)n) == -1);
    }
    free(out);
}

static void
fuzz_compare_object(struct cmn_json_span v, json_t *j)
{
    struct cmn_json_iter it;
    struct cmn_json_span k, val;
    int rc;

    FUZZ_CHECK(cmn_json_iter_init(&it, v) == 0);
    while ((rc = cmn_json_object_next(&it, &k, &val)) == 1) {
        char key[256];
        ssize_t kn = cmn_json_string(k, key, sizeof key);
        struct cmn_json_span found;

        FUZZ_CHECK(cmn_json_kind(k) == CMN_JSON_STRING);
        if (kn < 0 || strlen(key) != (size_t)kn)
            continue;               /* long, or not a C string: skip */
        /* look-up by name sees the same member jansson kept */
        FUZZ_CHECK(cmn_json_get(v, key, &found) == 1);
        fuzz_compare(found, json_object_get(j, key));
    }
    FUZZ_CHECK(rc == 0);
    /* a name that is (almost certainly) absent: both must agree */
    FUZZ_CHECK(cmn_json_get(v, "\x01fuzz\x02", &val) ==
               (json_object_get(j, "\x01fuzz\x02") != NULL));
}

static void
fuzz_compare(struct cmn_json_span v, json_t *j)
{
    struct cmn_json_iter it;
    struct cmn_json_span e;
    size_t i = 0;
    int rc;

    FUZZ_CHECK(j != NULL);
    FUZZ_CHECK(cmn_json_validate(v.p, v.len) == 0);
    switch (cmn_json_kind(v)) {
    case CMN_JSON_OBJECT:
        FUZZ_CHECK(json_is_object(j));
        fuzz_compare_object(v, j);
        break;
    case CMN_JSON_ARRAY:
        FUZZ_CHECK(json_is_array(j));
        FUZZ_CHECK(cmn_json_iter_init(&it, v) == 0);
        while ((rc = cmn_json_array_next(&it, &e)) == 1)
            fuzz_compare(e, json_array_get(j, i++));
        FUZZ_CHECK(rc == 0);
        FUZZ_CHECK(i == json_array_size(j));
        break;
    case CMN_JSON_STRING:
        FUZZ_CHECK(json_is_string(j));
        fuzz_compare_string(v, j);
        break;
    case CMN_JSON_NUMBER:
        FUZZ_CHECK(json_is_number(j));
        break;
    case CMN_JSON_BOOL:
        FUZZ_CHECK(json_is_boolean(j));
        break;
    case CMN_JSON_NULL:
        FUZZ_CHECK(json_is_null(j));
        break;
    case CMN_JSON_BAD:
        abort();
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s;
    int ours;
    json_t *j;
    json_error_t err;
    const char *end, *after;

    if (size > 8192)
        return 0;
    s = malloc(size ? size : 1);
    memcpy(s, data, size);
    end = s + size;

    ours = cmn_json_validate(s, size) == 0;
    after = cmn_json_skip(s, end);
    FUZZ_CHECK(after == NULL || (after > s && after <= end));
    if (ours)
        FUZZ_CHECK(after != NULL);
    (void)cmn_utf8_validate(s, size);

    j = json_loadb(s, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
    /* jansson reads a raw NUL byte as the end of the text ("1\0" loads);
     * JSON has no raw NUL anywhere, so only NUL-free input is compared */
    if (j != NULL && memchr(s, '\0', size) == NULL &&
        fuzz_depth(s, size) <= CMN_JSON_MAX_DEPTH)
        FUZZ_CHECK(ours);                   /* valid JSON we refused */
    if (j == NULL && ours)                  /* invalid JSON we accepted? */
        FUZZ_CHECK(strstr(err.text, "too big") != NULL ||
                   strstr(err.text, "overflow") != NULL ||
                   strstr(err.text, "maximum parsing depth") != NULL ||
                   strstr(err.text, "NUL byte in object key") != NULL);
    if (ours && j != NULL) {
        struct cmn_json_span v;

        /* the value itself, without the blanks around it */
        v.p = s;
        while (v.p < end && (*v.p == ' ' || *v.p == '\t' || *v.p == '\n' ||
                             *v.p == '\r'))
            v.p++;
        v.len = (size_t)(after - v.p);
        fuzz_compare(v, j);
    }
    json_decref(j);
    free(s);
    return 0;
}
