/* gw_metrics.h -- the gateway's Prometheus counters and gauges. */
#ifndef GW_METRICS_H
#define GW_METRICS_H

#include "cmn/cmn_health.h"

extern struct cmn_metric gw_m_sessions;
extern struct cmn_metric gw_m_users;
extern struct cmn_metric gw_m_binds;
extern struct cmn_metric gw_m_binds_denied;
extern struct cmn_metric gw_m_published;
extern struct cmn_metric gw_m_rejected;
extern struct cmn_metric gw_m_rate_limited;
extern struct cmn_metric gw_m_delivered;
extern struct cmn_metric gw_m_bounced;

/* Register them all (main, before the health server starts). */
void gw_metrics_register(void);

#endif
