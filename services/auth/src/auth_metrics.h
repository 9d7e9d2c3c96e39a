/* auth_metrics.h -- the counters auth shows on /metrics (cmn_health). */
#ifndef AUTH_METRICS_H
#define AUTH_METRICS_H

#include "cmn/cmn_health.h"

extern struct cmn_metric auth_m_requests;
extern struct cmn_metric auth_m_logins_ok;
extern struct cmn_metric auth_m_logins_denied;
extern struct cmn_metric auth_m_rate_limited;
extern struct cmn_metric auth_m_db_errors;
extern struct cmn_metric auth_m_redis_errors;
extern struct cmn_metric auth_m_hash_in_flight;
extern struct cmn_metric auth_m_mirror_rebuilds;

/* Register every metric above (once, before cmn_health_start). */
void auth_metrics_register(void);

#endif
