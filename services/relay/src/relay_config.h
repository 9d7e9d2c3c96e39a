/* relay_config.h -- the relay's configuration (from the environment). */
#ifndef RELAY_CONFIG_H
#define RELAY_CONFIG_H

struct relay_config {
    const char *log_level;
    const char *health_bind;
    int health_port;
    const char *redis_host;
    int redis_port;
    int batch;            /* entries per XREADGROUP */
    int inbox_max;        /* offline messages kept per user */
    int claim_idle_ms;    /* take over entries pending this long */
    int gateway_dead_ms;  /* a gateway silent this long is reaped */
};

int relay_config_load(struct relay_config *cfg);
void relay_config_log(const struct relay_config *cfg);
void relay_config_usage(void);

#endif
