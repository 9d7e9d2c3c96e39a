/* relay_metrics.h -- the relay's Prometheus counters. */
#ifndef RELAY_METRICS_H
#define RELAY_METRICS_H

#include "cmn/cmn_health.h"

extern struct cmn_metric relay_m_delivered;
extern struct cmn_metric relay_m_cached;
extern struct cmn_metric relay_m_to_bots;
extern struct cmn_metric relay_m_dropped;
extern struct cmn_metric relay_m_invalid_jwt;
extern struct cmn_metric relay_m_inbox_full;
extern struct cmn_metric relay_m_flushed;
extern struct cmn_metric relay_m_batches;
extern struct cmn_metric relay_m_claimed;
extern struct cmn_metric relay_m_reaped;

void relay_metrics_register(void);

#endif
