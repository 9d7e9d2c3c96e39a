/* presence_config.c -- every variable presence reads, in one table. */
#include <stddef.h>

#include "cmn/cmn_env.h"
#include "presence_config.h"

#define F(field) offsetof(struct presence_config, field)
static const struct cmn_env_var presence_env[] = {
    {"LOG_LEVEL", CMN_ENV_CHOICE, F(log_level), "info", 0, 0, 0,
     "minimum log level", "debug|info|warn|error"},
    {"HEALTH_BIND", CMN_ENV_STR, F(health_bind), "127.0.0.1", 0, 0, 0,
     "address of /healthz and /metrics"},
    {"PRESENCE_HEALTH_PORT", CMN_ENV_INT, F(health_port), "9083", 0, 65535,
     0, "port of /healthz and /metrics; 0 = any free port"},
    {"REDIS_HOST", CMN_ENV_STR, F(redis_host), "127.0.0.1", 0, 0, 0,
     "Redis host"},
    {"REDIS_PORT", CMN_ENV_INT, F(redis_port), "6379", 1, 65535, 0,
     "Redis port"},
    {"KEEP_ALIVE_DELAY_BETWEEN_EVENTS", CMN_ENV_INT, F(keep_alive_s), "8", 1,
     86400, 0, "seconds without connection_alive before a user is offline"},
    {"CONNECTIONS_VERIFICATION_INTERVAL", CMN_ENV_INT, F(verify_interval_s),
     "10", 1, 86400, 0, "seconds between heartbeat sweeps"},
    {"OFFLINE_GRACE_MS", CMN_ENV_INT, F(offline_grace_ms), "2000", 0,
     3600000, 0, "offline this long after the last socket closed"},
    {"PRESENCE_CLAIM_IDLE_MS", CMN_ENV_INT, F(claim_idle_ms), "5000", 100,
     3600000, 0, "events another replica left pending this long are "
     "taken over"},
};
#undef F

int
presence_config_load(struct presence_config *cfg)
{
    return cmn_env_load(presence_env,
                        sizeof presence_env / sizeof presence_env[0], cfg);
}

void
presence_config_log(const struct presence_config *cfg)
{
    cmn_env_log(presence_env, sizeof presence_env / sizeof presence_env[0],
                cfg);
}

void
presence_config_usage(void)
{
    cmn_env_usage(presence_env, sizeof presence_env / sizeof presence_env[0]);
}
