/* cmn_buf.c -- growable byte buffer (see cmn_buf.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmn/cmn_buf.h"

void
cmn_buf_init(struct cmn_buf *b)
{
    b->p = NULL;
    b->len = 0;
    b->cap = 0;
}

void
cmn_buf_free(struct cmn_buf *b)
{
    free(b->p);
    cmn_buf_init(b);
}

void
cmn_buf_reset(struct cmn_buf *b)
{
    b->len = 0;
    if (b->p != NULL)
        b->p[0] = '\0';
}

int
cmn_buf_reserve(struct cmn_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    size_t cap = b->cap ? b->cap : 64;
    char *p;

    if (need <= b->len)                 /* len + extra + 1 wrapped */
        return -1;
    if (need <= b->cap)
        return 0;
    while (cap < need)
        cap = (cap > ((size_t)-1) / 2) ? need : cap * 2;
    p = realloc(b->p, cap);
    if (p == NULL)
        return -1;
    b->p = p;
    b->cap = cap;
    return 0;
}

int
cmn_buf_append(struct cmn_buf *b, const void *data, size_t n)
{
    if (cmn_buf_reserve(b, n) != 0)
        return -1;
    if (n > 0)
        memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

int
cmn_buf_puts(struct cmn_buf *b, const char *s)
{
    return cmn_buf_append(b, s, strlen(s));
}

int
cmn_buf_printf(struct cmn_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || cmn_buf_reserve(b, (size_t)n) != 0)
        return -1;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

int
cmn_buf_json_string(struct cmn_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    /* worst case: every byte becomes \u00XX */
    if (cmn_buf_reserve(b, n * 6 + 2) != 0)
        return -1;
    b->p[b->len++] = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char *o = b->p + b->len;

        if (c == '"' || c == '\\') {
            o[0] = '\\';
            o[1] = (char)c;
            b->len += 2;
        } else if (c == '\n' || c == '\r' || c == '\t') {
            o[0] = '\\';
            o[1] = (c == '\n') ? 'n' : (c == '\r') ? 'r' : 't';
            b->len += 2;
        } else if (c < 0x20) {
            memcpy(o, "\\u00", 4);
            o[4] = hex[c >> 4];
            o[5] = hex[c & 15];
            b->len += 6;
        } else {
            o[0] = (char)c;
            b->len += 1;
        }
    }
    b->p[b->len++] = '"';
    b->p[b->len] = '\0';
    return 0;
}

char *
cmn_buf_steal(struct cmn_buf *b)
{
    char *p = b->p;

    if (p == NULL)
        p = calloc(1, 1);
    cmn_buf_init(b);
    return p;
}
