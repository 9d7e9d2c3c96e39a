/* cmn_buf.h -- a growable byte buffer, always NUL-terminated.
 *
 * The owner of a struct cmn_buf frees it with cmn_buf_free(). Appends
 * return 0, or -1 when memory runs out (the buffer is then unchanged). */
#ifndef CMN_BUF_H
#define CMN_BUF_H

#include <stddef.h>

struct cmn_buf {
    char *p;       /* NULL until the first append */
    size_t len;    /* bytes used, not counting the NUL */
    size_t cap;    /* bytes allocated */
};

void cmn_buf_init(struct cmn_buf *b);
void cmn_buf_free(struct cmn_buf *b);
/* Forget the contents, keep the memory. */
void cmn_buf_reset(struct cmn_buf *b);
int cmn_buf_reserve(struct cmn_buf *b, size_t extra);
int cmn_buf_append(struct cmn_buf *b, const void *data, size_t n);
int cmn_buf_puts(struct cmn_buf *b, const char *s);
int cmn_buf_printf(struct cmn_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Append s[0..n) as a quoted JSON string ("\u00XX" for controls). */
int cmn_buf_json_string(struct cmn_buf *b, const char *s, size_t n);
/* Hand the bytes to the caller (free() them); the buffer is left empty.
 * Returns "" allocated when the buffer was never used; NULL on OOM. */
char *cmn_buf_steal(struct cmn_buf *b);

#endif
