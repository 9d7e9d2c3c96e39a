/* aib_config.h -- the ai-bridge's configuration (from the environment). */
#ifndef AIB_CONFIG_H
#define AIB_CONFIG_H

struct aib_config {
    const char *log_level;
    const char *health_bind;
    int health_port;
    const char *redis_host;
    int redis_port;
    const char *bots_file;
    const char *openai_api_key;
    const char *openai_base_url;
    const char *openai_model;
    const char *leonid;          /* Enabled | Disabled */
    const char *leonid_url;
};

int aib_config_load(struct aib_config *cfg);
void aib_config_log(const struct aib_config *cfg);
void aib_config_usage(void);

#endif
