/* presence_config.h -- the presence service's configuration. */
#ifndef PRESENCE_CONFIG_H
#define PRESENCE_CONFIG_H

struct presence_config {
    const char *log_level;
    const char *health_bind;
    int health_port;
    const char *redis_host;
    int redis_port;
    int keep_alive_s;        /* KEEP_ALIVE_DELAY_BETWEEN_EVENTS */
    int verify_interval_s;   /* CONNECTIONS_VERIFICATION_INTERVAL */
    int offline_grace_ms;    /* OFFLINE_GRACE_MS */
    int claim_idle_ms;
};

int presence_config_load(struct presence_config *cfg);
void presence_config_log(const struct presence_config *cfg);
void presence_config_usage(void);

#endif
