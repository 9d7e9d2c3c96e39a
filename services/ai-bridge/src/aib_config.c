/* aib_config.c -- every variable the ai-bridge reads, in one table. */
#include <stddef.h>

#include "aib_config.h"
#include "cmn/cmn_env.h"

#define F(field) offsetof(struct aib_config, field)
static const struct cmn_env_var aib_env[] = {
    {"LOG_LEVEL", CMN_ENV_CHOICE, F(log_level), "info", 0, 0, 0,
     "minimum log level", "debug|info|warn|error"},
    {"HEALTH_BIND", CMN_ENV_STR, F(health_bind), "127.0.0.1", 0, 0, 0,
     "address of /healthz and /metrics"},
    {"AIB_HEALTH_PORT", CMN_ENV_INT, F(health_port), "9085", 0, 65535, 0,
     "port of /healthz and /metrics; 0 = any free port"},
    {"REDIS_HOST", CMN_ENV_STR, F(redis_host), "127.0.0.1", 0, 0, 0,
     "Redis host"},
    {"REDIS_PORT", CMN_ENV_INT, F(redis_port), "6379", 1, 65535, 0,
     "Redis port"},
    {"BOTS_FILE", CMN_ENV_STR, F(bots_file), "deploy/bots.json", 0, 0, 0,
     "bot definitions"},
    {"OPENAI_API_KEY", CMN_ENV_STR, F(openai_api_key), NULL, 0, 0,
     CMN_ENV_SECRET, "OpenAI key; ChatGPT is online only when set"},
    {"OPENAI_BASE_URL", CMN_ENV_STR, F(openai_base_url),
     "https://api.openai.com/v1", 0, 0, 0, "OpenAI-compatible API base"},
    {"OPENAI_MODEL", CMN_ENV_STR, F(openai_model), "gpt-4o-mini", 0, 0, 0,
     "chat completions model"},
    {"LEONID_THE_CHAT_BOT", CMN_ENV_CHOICE, F(leonid), "Disabled", 0, 0, 0,
     "Leonid the Chat Bot", "Enabled|Disabled"},
    {"LEONID_URL", CMN_ENV_STR, F(leonid_url), "http://127.0.0.1:5001", 0, 0,
     0, "Leonid's HTTP API"},
};
#undef F

int
aib_config_load(struct aib_config *cfg)
{
    return cmn_env_load(aib_env, sizeof aib_env / sizeof aib_env[0], cfg);
}

void
aib_config_log(const struct aib_config *cfg)
{
    cmn_env_log(aib_env, sizeof aib_env / sizeof aib_env[0], cfg);
}

void
aib_config_usage(void)
{
    cmn_env_usage(aib_env, sizeof aib_env / sizeof aib_env[0]);
}
