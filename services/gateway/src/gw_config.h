/* gw_config.h -- the gateway's configuration (from the environment). */
#ifndef GW_CONFIG_H
#define GW_CONFIG_H

/* longest GW_ID: "<id>." + 20 random characters fit a sid (GW_SID_MAX) */
#define GW_ID_MAX 16

struct gw_config {
    const char *log_level;
    const char *bind;
    int port;
    const char *health_bind;
    int health_port;
    const char *id;               /* route id, the sid prefix: g1, g2 ... */
    const char *path;
    const char *redis_host;
    int redis_port;
    const char *jwt_secret;
    const char *jwt_secret_file;
    int settle_ms;
    int ping_interval_ms;
    int ping_timeout_ms;
    int connect_timeout_ms;
    int max_payload;
    int max_connections;
    int send_queue_max;
    int send_queue_mib;
    int event_rate;
    int event_burst;
};

/* Load and check; logs each problem. 0 = good. */
int gw_config_load(struct gw_config *cfg);
void gw_config_log(const struct gw_config *cfg);
void gw_config_usage(void);

#endif
