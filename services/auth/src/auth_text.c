/* auth_text.c -- log-safe copies of client text (see auth_text.h). */
#include <string.h>

#include "auth_text.h"

const char *
auth_text_safe(const char *s, char *out, size_t cap)
{
    size_t i = 0;

    if (cap == 0)
        return out;
    if (s == NULL)
        s = "";
    for (; *s != '\0' && i + 1 < cap; s++) {
        unsigned char ch = (unsigned char)*s;

        out[i++] = (ch < 0x20 || ch > 0x7e || ch == '"' || ch == '\\')
                   ? '?' : (char)ch;
    }
    out[i] = '\0';
    if (*s != '\0' && cap >= 4)
        memcpy(out + cap - 4, "...", 4);
    return out;
}
