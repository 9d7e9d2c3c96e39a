/* presence_metrics.c -- definitions of presence's metrics. */
#include "presence_metrics.h"

struct cmn_metric presence_m_online = {"iseecubes_presence_online_total",
    "users (and bots) that went online", 0};
struct cmn_metric presence_m_offline_expired = {
    "iseecubes_presence_offline_expired_total",
    "users taken offline by the heartbeat sweep", 0};
struct cmn_metric presence_m_offline_logout = {
    "iseecubes_presence_offline_logout_total",
    "users offline by client_disconnection", 0};
struct cmn_metric presence_m_offline_grace = {
    "iseecubes_presence_offline_grace_total",
    "users offline after their last socket closed", 0};
struct cmn_metric presence_m_events = {"iseecubes_presence_events_total",
    "presence events consumed", 0};
struct cmn_metric presence_m_sweep_ms = {"iseecubes_presence_last_sweep_ms",
    "duration of the last heartbeat sweep", 1};

void
presence_metrics_register(void)
{
    cmn_metric_register(&presence_m_online);
    cmn_metric_register(&presence_m_offline_expired);
    cmn_metric_register(&presence_m_offline_logout);
    cmn_metric_register(&presence_m_offline_grace);
    cmn_metric_register(&presence_m_events);
    cmn_metric_register(&presence_m_sweep_ms);
}
