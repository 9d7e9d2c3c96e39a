/* lg_hist.c -- log-linear histogram (see lg_hist.h).
 *
 * Slots 0..2047 hold the values 0..2047 exactly. Above that, octave k
 * (k = 0 for [2^11, 2^12)) has LG_HIST_SUB slots of width 2^(k+1): a
 * value v with highest bit b >= 11 goes to slot
 *     2048 + (b - 11) * 1024 + ((v >> (b - 10)) - 1024),
 * so the relative width of a slot never exceeds 1/1024. */
#include <stdlib.h>
#include <string.h>

#include "lg_hist.h"

#define LG_HIST_EXACT (2 * LG_HIST_SUB)     /* 2048 */
#define LG_HIST_MAGIC 0x4c474831u           /* "LGH1" */

struct lg_hist *
lg_hist_new(void)
{
    struct lg_hist *h = calloc(1, sizeof *h);

    if (h != NULL)
        h->min = UINT64_MAX;
    return h;
}

void
lg_hist_reset(struct lg_hist *h)
{
    memset(h, 0, sizeof *h);
    h->min = UINT64_MAX;
}

static unsigned
lg_hist_top_bit(uint64_t v)
{
    return 63u - (unsigned)__builtin_clzll(v);
}

size_t
lg_hist_slot(uint64_t v)
{
    unsigned b, k;
    size_t s;

    if (v < LG_HIST_EXACT)
        return (size_t)v;
    b = lg_hist_top_bit(v);
    k = b - 11;
    if (k >= LG_HIST_OCTAVES)
        return LG_HIST_SLOTS - 1;
    s = LG_HIST_EXACT + (size_t)k * LG_HIST_SUB +
        (size_t)((v >> (b - 10)) - LG_HIST_SUB);
    return s;
}

uint64_t
lg_hist_slot_low(size_t slot)
{
    size_t k, i;

    if (slot < LG_HIST_EXACT)
        return slot;
    k = (slot - LG_HIST_EXACT) / LG_HIST_SUB;
    i = (slot - LG_HIST_EXACT) % LG_HIST_SUB;
    return (uint64_t)(LG_HIST_SUB + i) << (k + 1);
}

/* The highest value that lands in slot. */
static uint64_t
lg_hist_slot_high(size_t slot)
{
    if (slot < LG_HIST_EXACT)
        return slot;
    if (slot == LG_HIST_SLOTS - 1)
        return UINT64_MAX;
    return lg_hist_slot_low(slot + 1) - 1;
}

void
lg_hist_record(struct lg_hist *h, uint64_t v)
{
    h->counts[lg_hist_slot(v)]++;
    h->total++;
    h->sum += (double)v;
    if (v < h->min)
        h->min = v;
    if (v > h->max)
        h->max = v;
}

void
lg_hist_merge(struct lg_hist *dst, const struct lg_hist *src)
{
    if (src->total == 0)
        return;
    for (size_t i = 0; i < LG_HIST_SLOTS; i++)
        dst->counts[i] += src->counts[i];
    dst->total += src->total;
    dst->sum += src->sum;
    if (src->min < dst->min)
        dst->min = src->min;
    if (src->max > dst->max)
        dst->max = src->max;
}

uint64_t
lg_hist_pct(const struct lg_hist *h, double p)
{
    uint64_t rank, seen = 0;

    if (h->total == 0)
        return 0;
    if (p <= 0)
        return h->min;
    if (p >= 100)
        return h->max;
    rank = (uint64_t)((p / 100.0) * (double)h->total + 0.999999);
    if (rank == 0)
        rank = 1;
    for (size_t i = 0; i < LG_HIST_SLOTS; i++) {
        seen += h->counts[i];
        if (seen >= rank) {
            uint64_t v = lg_hist_slot_high(i);

            return v > h->max ? h->max : v;
        }
    }
    return h->max;
}

double
lg_hist_mean(const struct lg_hist *h)
{
    return h->total ? h->sum / (double)h->total : 0.0;
}

/* ---- sparse form ---------------------------------------------------------- */

struct lg_hist_hdr {
    uint32_t magic;
    uint32_t nslots;           /* non-empty slots that follow */
    uint64_t total, min, max;
    double sum;
};

struct lg_hist_pair {
    uint32_t slot;
    uint32_t pad;
    uint64_t count;
};

int
lg_hist_pack(const struct lg_hist *h, struct cmn_buf *b)
{
    struct lg_hist_hdr hd;
    struct lg_hist_pair pr;

    memset(&hd, 0, sizeof hd);
    hd.magic = LG_HIST_MAGIC;
    hd.total = h->total;
    hd.min = h->min;
    hd.max = h->max;
    hd.sum = h->sum;
    for (size_t i = 0; i < LG_HIST_SLOTS; i++)
        hd.nslots += h->counts[i] != 0;
    if (cmn_buf_append(b, &hd, sizeof hd) != 0)
        return -1;
    memset(&pr, 0, sizeof pr);
    for (size_t i = 0; i < LG_HIST_SLOTS; i++) {
        if (h->counts[i] == 0)
            continue;
        pr.slot = (uint32_t)i;
        pr.count = h->counts[i];
        if (cmn_buf_append(b, &pr, sizeof pr) != 0)
            return -1;
    }
    return 0;
}

long
lg_hist_unpack(struct lg_hist *h, const void *p, size_t len)
{
    struct lg_hist_hdr hd;
    struct lg_hist_pair pr;
    const char *c = p;
    size_t need;

    if (len < sizeof hd)
        return -1;
    memcpy(&hd, c, sizeof hd);
    if (hd.magic != LG_HIST_MAGIC || hd.nslots > LG_HIST_SLOTS)
        return -1;
    need = sizeof hd + (size_t)hd.nslots * sizeof pr;
    if (len < need)
        return -1;
    for (uint32_t i = 0; i < hd.nslots; i++) {
        memcpy(&pr, c + sizeof hd + i * sizeof pr, sizeof pr);
        if (pr.slot >= LG_HIST_SLOTS)
            return -1;
        h->counts[pr.slot] += pr.count;
    }
    if (hd.total > 0) {
        h->total += hd.total;
        h->sum += hd.sum;
        if (hd.min < h->min)
            h->min = hd.min;
        if (hd.max > h->max)
            h->max = hd.max;
    }
    return (long)need;
}

int
lg_hist_json(const struct lg_hist *h, struct cmn_buf *b)
{
    return cmn_buf_printf(b, "{\"count\":%llu,\"min\":%llu,\"mean\":%.1f,"
                          "\"p50\":%llu,\"p90\":%llu,\"p99\":%llu,"
                          "\"p999\":%llu,\"max\":%llu}",
                          (unsigned long long)h->total,
                          (unsigned long long)(h->total ? h->min : 0),
                          lg_hist_mean(h),
                          (unsigned long long)lg_hist_pct(h, 50),
                          (unsigned long long)lg_hist_pct(h, 90),
                          (unsigned long long)lg_hist_pct(h, 99),
                          (unsigned long long)lg_hist_pct(h, 99.9),
                          (unsigned long long)h->max);
}
