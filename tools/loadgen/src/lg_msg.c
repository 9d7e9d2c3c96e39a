/* lg_msg.c -- message content and receive bookkeeping (see lg_msg.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lg_msg.h"

int
lg_msg_format(const struct lg_msg *m, size_t size, char *out, size_t cap)
{
    int n = snprintf(out, cap, "lg|%d|%ld|%llu|%llu|", m->step, m->from,
                     (unsigned long long)m->seq,
                     (unsigned long long)m->t_us);

    if (n < 0 || (size_t)n >= cap)
        return -1;
    if (size > (size_t)n) {
        if (size >= cap)
            return -1;
        memset(out + n, 'x', size - (size_t)n);
        n = (int)size;
        out[n] = '\0';
    }
    return n;
}

/* One decimal field ending with '|'; advances *p. */
static int
lg_msg_num(const char **p, const char *end, unsigned long long *out)
{
    unsigned long long v = 0;
    const char *s = *p;

    if (s >= end || *s < '0' || *s > '9')
        return -1;
    while (s < end && *s >= '0' && *s <= '9') {
        v = v * 10 + (unsigned long long)(*s - '0');
        s++;
    }
    if (s >= end || *s != '|')
        return -1;
    *p = s + 1;
    *out = v;
    return 0;
}

int
lg_msg_parse(const char *s, size_t len, struct lg_msg *m)
{
    const char *p = s + 3, *end = s + len;
    unsigned long long step, from, seq, t;

    if (len < 3 || memcmp(s, "lg|", 3) != 0)
        return -1;
    if (lg_msg_num(&p, end, &step) != 0 || lg_msg_num(&p, end, &from) != 0 ||
        lg_msg_num(&p, end, &seq) != 0 || lg_msg_num(&p, end, &t) != 0)
        return -1;
    m->step = (int)step;
    m->from = (long)from;
    m->seq = seq;
    m->t_us = t;
    return 0;
}

int
lg_rx_mark(struct lg_rx *rx, uint64_t seq)
{
    size_t byte = (size_t)(seq >> 3);
    uint8_t bit = (uint8_t)(1u << (seq & 7));

    if (byte >= rx->nbytes) {
        size_t n = rx->nbytes ? rx->nbytes : 64;
        uint8_t *p;

        while (n <= byte)
            n *= 2;
        if ((p = realloc(rx->bits, n)) == NULL)
            return -1;
        memset(p + rx->nbytes, 0, n - rx->nbytes);
        rx->bits = p;
        rx->nbytes = n;
    }
    if (rx->bits[byte] & bit) {
        rx->dups++;
        return 0;
    }
    rx->bits[byte] |= bit;
    rx->got++;
    if (seq + 1 < rx->next)
        rx->reordered++;
    else
        rx->next = seq + 1;
    return 1;
}

uint64_t
lg_rx_missing(const struct lg_rx *rx, uint64_t n)
{
    uint64_t seen = 0;

    for (uint64_t s = 0; s < n; s++) {
        size_t byte = (size_t)(s >> 3);

        if (byte < rx->nbytes && (rx->bits[byte] & (1u << (s & 7))))
            seen++;
    }
    return n - seen;
}

void
lg_rx_free(struct lg_rx *rx)
{
    free(rx->bits);
    memset(rx, 0, sizeof *rx);
}

uint64_t
lg_now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}
