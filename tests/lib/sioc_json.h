/* sioc_json.h -- small helpers on top of cmn_json that the packet codecs
 * share: trimming a span, reading a JSON integer, and checking that a
 * caller's text is one JSON value of an expected kind. */
#ifndef SIOC_JSON_H
#define SIOC_JSON_H

#include <stddef.h>

#include "cmn/cmn_json.h"

/* p[0..n) without leading and trailing JSON whitespace. */
struct cmn_json_span sioc_json_trim(const char *p, size_t n);

/* A non-negative JSON integer span as a long (no sign, fraction or
 * exponent; at most 15 digits). 0, or -1 when it is anything else. */
int sioc_json_long(const char *p, size_t n, long *out);

/* 0 when s (NUL-terminated) is exactly one valid JSON value of `kind`;
 * *out is then the trimmed span. -1 otherwise. */
int sioc_json_check(const char *s, enum cmn_json_kind kind,
                    struct cmn_json_span *out);

#endif
