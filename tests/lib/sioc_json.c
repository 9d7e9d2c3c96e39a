/* sioc_json.c -- span helpers shared by the packet codecs (see
 * sioc_json.h). */
#include <string.h>

#include "sioc_json.h"

static int
sioc_json_is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

struct cmn_json_span
sioc_json_trim(const char *p, size_t n)
{
    while (n > 0 && sioc_json_is_ws(p[0])) {
        p++;
        n--;
    }
    while (n > 0 && sioc_json_is_ws(p[n - 1]))
        n--;
    return (struct cmn_json_span){p, n};
}

int
sioc_json_long(const char *p, size_t n, long *out)
{
    long v = 0;

    if (n == 0 || n > 15 || (n > 1 && p[0] == '0'))
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    *out = v;
    return 0;
}

int
sioc_json_check(const char *s, enum cmn_json_kind kind,
                struct cmn_json_span *out)
{
    size_t n = strlen(s);
    struct cmn_json_span t = sioc_json_trim(s, n);

    if (cmn_json_validate(s, n) != 0 || cmn_json_kind(t) != kind)
        return -1;
    *out = t;
    return 0;
}
