/* relay_out.h -- what one relay batch writes: delivery records grouped by
 * gateway, so each gateway gets one XADD per batch however many messages
 * it carries. */
#ifndef RELAY_OUT_H
#define RELAY_OUT_H

#include <stddef.h>

#include <hiredis.h>

struct relay_rec {
    char *field;    /* "<kind> <target>" (cmn_keys.h delivery records) */
    char *value;    /* the packet */
    size_t vlen;
};

struct relay_gwout {
    char *gw;
    struct relay_rec *recs;
    size_t n;
    size_t cap;
};

struct relay_out {
    struct relay_gwout *gws;
    size_t n;
    size_t cap;
    size_t records;     /* total, for metrics */
};

void relay_out_init(struct relay_out *o);
/* Queue record "<kind> <target>" = value for gateway gw. 0 or -1 (OOM). */
int relay_out_add(struct relay_out *o, const char *gw, char kind,
                  const char *target, const char *value, size_t vlen);
/* One record to add for each of several gateways: pass it with
 * relay_out_add_for() to relay_cache_live_gws(). */
struct relay_out_rec {
    struct relay_out *out;
    char kind;
    const char *target;
    const char *value;
    size_t vlen;
};
void relay_out_add_for(const char *gw, void *rec);

/* Pipeline one XADD per gateway (s:gw:<gw>). Returns how many commands
 * were appended (their replies must be read by the caller). */
int relay_out_append(const struct relay_out *o, redisContext *c);
/* Free the records; keep nothing. */
void relay_out_reset(struct relay_out *o);

#endif
