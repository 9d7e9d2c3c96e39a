/* lg_hist.h -- a log-linear latency histogram in the manner of
 * HdrHistogram: exact below 2048 units, then 1024 linear sub-buckets per
 * power of two, so every recorded value is known to within 0.1 % (three
 * significant digits) from 1 us up to 2^40 us, tails included. Fixed
 * size, no allocation after lg_hist_new(); histograms of several
 * processes merge by adding counts (lg_hist_merge, or through the sparse
 * lg_hist_pack/lg_hist_unpack form sent over a pipe). */
#ifndef LG_HIST_H
#define LG_HIST_H

#include <stddef.h>
#include <stdint.h>

#include "cmn/cmn_buf.h"

#define LG_HIST_SUB     1024u                     /* linear steps per octave */
#define LG_HIST_OCTAVES 30u                       /* 2^11 .. 2^40 */
#define LG_HIST_SLOTS   (2 * LG_HIST_SUB + LG_HIST_OCTAVES * LG_HIST_SUB)

struct lg_hist {
    uint64_t total;
    uint64_t min, max;         /* exact; min = UINT64_MAX when empty */
    double sum;                /* for the mean */
    uint64_t counts[LG_HIST_SLOTS];
};

/* An empty histogram (calloc'd); NULL on OOM. Free with free(). */
struct lg_hist *lg_hist_new(void);
void lg_hist_reset(struct lg_hist *h);

/* Record one value (values above the range land in the last slot, max
 * stays exact). */
void lg_hist_record(struct lg_hist *h, uint64_t v);
/* Add every count of src to dst. */
void lg_hist_merge(struct lg_hist *dst, const struct lg_hist *src);

/* The value at percentile p (0..100): the highest value equivalent to the
 * slot holding the ceil(p% * total)-th value, capped at max; 0 if empty. */
uint64_t lg_hist_pct(const struct lg_hist *h, double p);
double lg_hist_mean(const struct lg_hist *h);

/* Slot of v and the lowest value of a slot (exposed for the tests). */
size_t lg_hist_slot(uint64_t v);
uint64_t lg_hist_slot_low(size_t slot);

/* Sparse binary form: header then (slot, count) pairs of non-empty slots.
 * pack appends to b (0 or -1 on OOM); unpack adds the counts found in
 * [p, p+len) to h and returns the bytes used, or -1 when malformed. */
int lg_hist_pack(const struct lg_hist *h, struct cmn_buf *b);
long lg_hist_unpack(struct lg_hist *h, const void *p, size_t len);

/* JSON object {"count":..,"min":..,"mean":..,"p50":..,"p90":..,"p99":..,
 * "p999":..,"max":..} in the histogram's unit, appended to b. */
int lg_hist_json(const struct lg_hist *h, struct cmn_buf *b);

#endif
