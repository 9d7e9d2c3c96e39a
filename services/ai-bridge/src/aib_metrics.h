/* aib_metrics.h -- the ai-bridge's Prometheus counters and gauges. */
#ifndef AIB_METRICS_H
#define AIB_METRICS_H

#include "cmn/cmn_health.h"

extern struct cmn_metric aib_m_messages;
extern struct cmn_metric aib_m_replies;
extern struct cmn_metric aib_m_notices;
extern struct cmn_metric aib_m_retries;
extern struct cmn_metric aib_m_upstream_errors;
extern struct cmn_metric aib_m_offline_events;
extern struct cmn_metric aib_m_claimed;
extern struct cmn_metric aib_m_pending;
extern struct cmn_metric aib_m_bots_online;

void aib_metrics_register(void);

#endif
