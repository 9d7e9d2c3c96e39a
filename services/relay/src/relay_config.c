/* relay_config.c -- every variable the relay reads, in one table. */
#include <stddef.h>

#include "cmn/cmn_env.h"
#include "relay_config.h"

#define F(field) offsetof(struct relay_config, field)
static const struct cmn_env_var relay_env[] = {
    {"LOG_LEVEL", CMN_ENV_CHOICE, F(log_level), "info", 0, 0, 0,
     "minimum log level", "debug|info|warn|error"},
    {"HEALTH_BIND", CMN_ENV_STR, F(health_bind), "127.0.0.1", 0, 0, 0,
     "address of /healthz and /metrics"},
    {"RELAY_HEALTH_PORT", CMN_ENV_INT, F(health_port), "9084", 0, 65535, 0,
     "port of /healthz and /metrics; 0 = any free port"},
    {"REDIS_HOST", CMN_ENV_STR, F(redis_host), "127.0.0.1", 0, 0, 0,
     "Redis host"},
    {"REDIS_PORT", CMN_ENV_INT, F(redis_port), "6379", 1, 65535, 0,
     "Redis port"},
    {"RELAY_BATCH", CMN_ENV_INT, F(batch), "256", 1, 10000, 0,
     "stream entries read and acknowledged together"},
    {"INBOX_MAX", CMN_ENV_INT, F(inbox_max), "100000", 1, 100000000, 0,
     "offline messages kept per user; the sender is told beyond"},
    {"RELAY_CLAIM_IDLE_MS", CMN_ENV_INT, F(claim_idle_ms), "5000", 100,
     3600000, 0, "messages another relay left pending this long are "
     "taken over"},
    {"GATEWAY_DEAD_MS", CMN_ENV_INT, F(gateway_dead_ms), "5000", 1000,
     600000, 0, "a gateway without a beat this long is reaped"},
};
#undef F

int
relay_config_load(struct relay_config *cfg)
{
    return cmn_env_load(relay_env, sizeof relay_env / sizeof relay_env[0],
                        cfg);
}

void
relay_config_log(const struct relay_config *cfg)
{
    cmn_env_log(relay_env, sizeof relay_env / sizeof relay_env[0], cfg);
}

void
relay_config_usage(void)
{
    cmn_env_usage(relay_env, sizeof relay_env / sizeof relay_env[0]);
}
