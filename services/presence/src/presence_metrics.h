/* presence_metrics.h -- presence's Prometheus counters. */
#ifndef PRESENCE_METRICS_H
#define PRESENCE_METRICS_H

#include "cmn/cmn_health.h"

extern struct cmn_metric presence_m_online;
extern struct cmn_metric presence_m_offline_expired;
extern struct cmn_metric presence_m_offline_logout;
extern struct cmn_metric presence_m_offline_grace;
extern struct cmn_metric presence_m_events;
extern struct cmn_metric presence_m_sweep_ms;

void presence_metrics_register(void);

#endif
