/* relay_metrics.c -- definitions of the relay's metrics. */
#include "relay_metrics.h"

struct cmn_metric relay_m_delivered = {"iseecubes_relay_delivered_total",
    "messages routed to an online peer's gateways", 0};
struct cmn_metric relay_m_cached = {"iseecubes_relay_cached_total",
    "messages stored in an offline inbox", 0};
struct cmn_metric relay_m_to_bots = {"iseecubes_relay_to_bots_total",
    "messages handed to a bot's stream", 0};
struct cmn_metric relay_m_dropped = {"iseecubes_relay_dropped_total",
    "messages dropped: unknown user, foreign or malformed room", 0};
struct cmn_metric relay_m_invalid_jwt = {"iseecubes_relay_invalid_jwt_total",
    "messages refused because the sender's token was revoked", 0};
struct cmn_metric relay_m_inbox_full = {"iseecubes_relay_inbox_full_total",
    "messages refused because the peer's inbox was full", 0};
struct cmn_metric relay_m_flushed = {"iseecubes_relay_flushed_total",
    "offline messages handed to gateways after the user came online", 0};
struct cmn_metric relay_m_batches = {"iseecubes_relay_batches_total",
    "batches of stream entries processed", 0};
struct cmn_metric relay_m_claimed = {"iseecubes_relay_claimed_total",
    "entries taken over from a relay that stopped", 0};
struct cmn_metric relay_m_reaped = {"iseecubes_relay_gateways_reaped_total",
    "dead gateways cleaned up", 0};

void
relay_metrics_register(void)
{
    cmn_metric_register(&relay_m_delivered);
    cmn_metric_register(&relay_m_cached);
    cmn_metric_register(&relay_m_to_bots);
    cmn_metric_register(&relay_m_dropped);
    cmn_metric_register(&relay_m_invalid_jwt);
    cmn_metric_register(&relay_m_inbox_full);
    cmn_metric_register(&relay_m_flushed);
    cmn_metric_register(&relay_m_batches);
    cmn_metric_register(&relay_m_claimed);
    cmn_metric_register(&relay_m_reaped);
}
