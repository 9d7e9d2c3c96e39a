/* lg_msg.h -- the load generator's chat messages: what a message's
 * content string carries, and the receiving side's bookkeeping.
 *
 * The content is plain text "lg|<step>|<from>|<seq>|<t_us>|" padded with
 * 'x' to the requested size: the step it was sent in, the sending
 * session's index, its sequence number on that session (0, 1, ...) and
 * the time it was due to be sent (monotonic us, shared by all processes
 * of the machine; open loop: the due time, not the time it went out, so
 * a lagging sender still shows as latency). The receiver keeps one
 * lg_rx per peer: a growable bitmap of the sequence numbers seen, so
 * duplicates, reordering and (at the end) losses are exact. */
#ifndef LG_MSG_H
#define LG_MSG_H

#include <stddef.h>
#include <stdint.h>

struct lg_msg {
    int step;
    long from;                 /* sender's session index */
    uint64_t seq;
    uint64_t t_us;
};

/* Write the content of m padded to size bytes (at least the header) into
 * out[cap]; returns its length, or -1 when cap is too small. The text
 * needs no JSON escaping. */
int lg_msg_format(const struct lg_msg *m, size_t size, char *out,
                  size_t cap);
/* Parse a content string; 0, or -1 when it is not one of ours. */
int lg_msg_parse(const char *s, size_t len, struct lg_msg *m);

/* What one receiver saw from one sender. */
struct lg_rx {
    uint8_t *bits;             /* bit seq = seen */
    size_t nbytes;
    uint64_t got;              /* distinct sequence numbers */
    uint64_t dups;
    uint64_t reordered;        /* arrived after a higher one */
    uint64_t next;             /* highest seen + 1 */
};

/* Mark seq seen: 1 first time, 0 duplicate, -1 out of memory. */
int lg_rx_mark(struct lg_rx *rx, uint64_t seq);
/* Sequence numbers below n that never arrived. */
uint64_t lg_rx_missing(const struct lg_rx *rx, uint64_t n);
void lg_rx_free(struct lg_rx *rx);

/* Microseconds on CLOCK_MONOTONIC. */
uint64_t lg_now_us(void);

#endif
