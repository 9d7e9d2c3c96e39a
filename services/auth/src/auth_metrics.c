/* auth_metrics.c -- definitions of auth's /metrics counters. Bumped from
 * any thread (atomics); registered once in main(). */
#include "auth_metrics.h"

struct cmn_metric auth_m_requests = {"iseecubes_auth_http_requests_total",
    "HTTP requests answered", 0, 0, 0};
struct cmn_metric auth_m_logins_ok = {"iseecubes_auth_logins_ok_total",
    "successful logins", 0, 0, 0};
struct cmn_metric auth_m_logins_denied = {
    "iseecubes_auth_logins_denied_total",
    "logins refused (bad credentials, disabled, bot)", 0, 0, 0};
struct cmn_metric auth_m_rate_limited = {
    "iseecubes_auth_rate_limited_total",
    "credential checks refused with 429", 0, 0, 0};
struct cmn_metric auth_m_db_errors = {"iseecubes_auth_db_errors_total",
    "requests that found Postgres unavailable", 0, 0, 0};
struct cmn_metric auth_m_redis_errors = {"iseecubes_auth_redis_errors_total",
    "requests that found Redis unavailable", 0, 0, 0};
struct cmn_metric auth_m_hash_in_flight = {
    "iseecubes_auth_hash_in_flight", "argon2 hashes running or waiting",
    1, 0, 0};
struct cmn_metric auth_m_mirror_rebuilds = {
    "iseecubes_auth_mirror_rebuilds_total",
    "rebuilds of the Redis users mirror", 0, 0, 0};

void
auth_metrics_register(void)
{
    cmn_metric_register(&auth_m_requests);
    cmn_metric_register(&auth_m_logins_ok);
    cmn_metric_register(&auth_m_logins_denied);
    cmn_metric_register(&auth_m_rate_limited);
    cmn_metric_register(&auth_m_db_errors);
    cmn_metric_register(&auth_m_redis_errors);
    cmn_metric_register(&auth_m_hash_in_flight);
    cmn_metric_register(&auth_m_mirror_rebuilds);
}
