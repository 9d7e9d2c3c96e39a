/* gw_metrics.c -- definitions of the gateway's metrics. */
#include "gw_metrics.h"

struct cmn_metric gw_m_sessions = {"iseecubes_gateway_sessions",
    "open Engine.IO sessions", 1};
struct cmn_metric gw_m_users = {"iseecubes_gateway_users",
    "users with a bound socket on this gateway", 1};
struct cmn_metric gw_m_binds = {"iseecubes_gateway_binds_total",
    "sockets bound to a user session", 0};
struct cmn_metric gw_m_binds_denied = {"iseecubes_gateway_binds_denied_total",
    "join/connect attempts with a bad or revoked token", 0};
struct cmn_metric gw_m_published = {"iseecubes_gateway_messages_published_total",
    "chat messages handed to the relay", 0};
struct cmn_metric gw_m_rejected = {"iseecubes_gateway_messages_rejected_total",
    "chat messages refused (shape, sender, JWT, room)", 0};
struct cmn_metric gw_m_rate_limited = {"iseecubes_gateway_rate_limited_total",
    "client events dropped by the per-socket rate limit", 0};
struct cmn_metric gw_m_delivered = {"iseecubes_gateway_deliveries_total",
    "messages written to a user's sockets", 0};
struct cmn_metric gw_m_bounced = {"iseecubes_gateway_bounces_total",
    "messages for users no longer here, handed back to the relay", 0};

void
gw_metrics_register(void)
{
    cmn_metric_register(&gw_m_sessions);
    cmn_metric_register(&gw_m_users);
    cmn_metric_register(&gw_m_binds);
    cmn_metric_register(&gw_m_binds_denied);
    cmn_metric_register(&gw_m_published);
    cmn_metric_register(&gw_m_rejected);
    cmn_metric_register(&gw_m_rate_limited);
    cmn_metric_register(&gw_m_delivered);
    cmn_metric_register(&gw_m_bounced);
}
