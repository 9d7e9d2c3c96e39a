/* aib_metrics.c -- definitions of the ai-bridge's metrics. */
#include "aib_metrics.h"

struct cmn_metric aib_m_messages = {"iseecubes_ai_bridge_messages_total",
    "user messages read from the bots' streams", 0};
struct cmn_metric aib_m_replies = {"iseecubes_ai_bridge_replies_total",
    "answers of a bot written back for the user", 0};
struct cmn_metric aib_m_notices = {"iseecubes_ai_bridge_notices_total",
    "messages answered with a notice (timeout, error, unavailable)", 0};
struct cmn_metric aib_m_retries = {"iseecubes_ai_bridge_retries_total",
    "HTTP calls repeated after 429, 5xx or a connection error", 0};
struct cmn_metric aib_m_upstream_errors = {
    "iseecubes_ai_bridge_upstream_errors_total",
    "HTTP calls to a bot that failed (each attempt)", 0};
struct cmn_metric aib_m_offline_events = {
    "iseecubes_ai_bridge_offline_events_total",
    "user-left events handled (Leonid's user_disconnection)", 0};
struct cmn_metric aib_m_claimed = {"iseecubes_ai_bridge_claimed_total",
    "entries taken over from a bridge that stopped", 0};
struct cmn_metric aib_m_pending = {"iseecubes_ai_bridge_pending",
    "messages read and not answered yet", 1};
struct cmn_metric aib_m_bots_online = {"iseecubes_ai_bridge_bots_online",
    "bots this bridge keeps online", 1};

void
aib_metrics_register(void)
{
    cmn_metric_register(&aib_m_messages);
    cmn_metric_register(&aib_m_replies);
    cmn_metric_register(&aib_m_notices);
    cmn_metric_register(&aib_m_retries);
    cmn_metric_register(&aib_m_upstream_errors);
    cmn_metric_register(&aib_m_offline_events);
    cmn_metric_register(&aib_m_claimed);
    cmn_metric_register(&aib_m_pending);
    cmn_metric_register(&aib_m_bots_online);
}
