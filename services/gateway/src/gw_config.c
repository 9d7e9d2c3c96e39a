/* gw_config.c -- every variable the gateway reads, in one table. */
#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include "cmn/cmn_env.h"
#include "cmn/cmn_log.h"
#include "gw_config.h"

#define F(field) offsetof(struct gw_config, field)
static const struct cmn_env_var gw_env[] = {
    {"LOG_LEVEL", CMN_ENV_CHOICE, F(log_level), "info", 0, 0, 0,
     "minimum log level", "debug|info|warn|error"},
    {"GW_BIND", CMN_ENV_STR, F(bind), "127.0.0.1", 0, 0, 0,
     "address to listen on for nginx"},
    {"GW_PORT", CMN_ENV_INT, F(port), "8082", 0, 65535, 0,
     "Engine.IO port; 0 = any free port"},
    {"HEALTH_BIND", CMN_ENV_STR, F(health_bind), "127.0.0.1", 0, 0, 0,
     "address of /healthz and /metrics"},
    {"GW_HEALTH_PORT", CMN_ENV_INT, F(health_port), "9082", 0, 65535, 0,
     "port of /healthz and /metrics; 0 = any free port"},
    {"GW_ID", CMN_ENV_STR, F(id), "g1", 0, 0, 0,
     "replica route id: sid prefix nginx routes polling by"},
    {"GW_PATH", CMN_ENV_STR, F(path), "/socket.io/", 0, 0, 0,
     "Socket.IO path"},
    {"REDIS_HOST", CMN_ENV_STR, F(redis_host), "127.0.0.1", 0, 0, 0,
     "Redis host"},
    {"REDIS_PORT", CMN_ENV_INT, F(redis_port), "6379", 1, 65535, 0,
     "Redis port"},
    {"JWT_SECRET", CMN_ENV_STR, F(jwt_secret), NULL, 0, 0, CMN_ENV_SECRET,
     "HS256 key shared with auth (or JWT_SECRET_FILE)"},
    {"JWT_SECRET_FILE", CMN_ENV_STR, F(jwt_secret_file), NULL, 0, 0, 0,
     "file holding the HS256 key"},
    {"ONLINE_SETTLE_MS", CMN_ENV_INT, F(settle_ms), "1000", 0, 60000, 0,
     "delay of the online step after a legacy join"},
    {"PING_INTERVAL_MS", CMN_ENV_INT, F(ping_interval_ms), "25000", 100,
     600000, 0, "Engine.IO pingInterval"},
    {"PING_TIMEOUT_MS", CMN_ENV_INT, F(ping_timeout_ms), "20000", 100,
     600000, 0, "Engine.IO pingTimeout"},
    {"CONNECT_TIMEOUT_MS", CMN_ENV_INT, F(connect_timeout_ms), "45000", 100,
     600000, 0, "close sessions that join no namespace by then"},
    {"MAX_PAYLOAD", CMN_ENV_INT, F(max_payload), "1000000", 1024, 100000000,
     0, "Engine.IO maxPayload, bytes"},
    {"GW_MAX_CONNECTIONS", CMN_ENV_INT, F(max_connections), "20000", 1,
     1000000, 0, "sessions this gateway accepts"},
    {"GW_SEND_QUEUE_MAX", CMN_ENV_INT, F(send_queue_max), "20000", 8,
     1000000, 0, "packets buffered per socket before it is closed"},
    {"GW_SEND_QUEUE_MIB", CMN_ENV_INT, F(send_queue_mib), "16", 1, 4096, 0,
     "MiB buffered per socket before it is closed (a reader that takes "
     "nothing for PING_TIMEOUT_MS is closed too)"},
    {"GW_EVENT_RATE", CMN_ENV_INT, F(event_rate), "100", 0, 1000000, 0,
     "client events per second per socket (0 = unlimited)"},
    {"GW_EVENT_BURST", CMN_ENV_INT, F(event_burst), "200", 1, 1000000, 0,
     "burst allowance of that rate"},
};
#undef F

/* GW_ID starts every sid and is matched by nginx: short, and only
 * letters, digits, '-' and '_'. */
static int
gw_config_check_id(const char *id)
{
    size_t n = strlen(id);

    if (n == 0 || n > GW_ID_MAX)
        goto bad;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)id[i]) && id[i] != '-' && id[i] != '_')
            goto bad;
    return 0;
bad:
    cmn_log_error("config", "GW_ID=\"%s\": expected 1 to %d letters, digits, "
                  "'-' or '_' (replica route id, the sid prefix)", id,
                  GW_ID_MAX);
    return 1;
}

int
gw_config_load(struct gw_config *cfg)
{
    int bad = cmn_env_load(gw_env, sizeof gw_env / sizeof gw_env[0], cfg);

    if (cfg->id != NULL)
        bad += gw_config_check_id(cfg->id);
    return bad;
}

void
gw_config_log(const struct gw_config *cfg)
{
    cmn_env_log(gw_env, sizeof gw_env / sizeof gw_env[0], cfg);
}

void
gw_config_usage(void)
{
    cmn_env_usage(gw_env, sizeof gw_env / sizeof gw_env[0]);
}
