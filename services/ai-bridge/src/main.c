/* ai-bridge -- serves the chat's bots (ChatGPT, Leonid, configured ones).
 *
 * Foundation slice: reads and checks its configuration, serves /healthz
 * and /metrics, and stops on SIGTERM. The bots themselves arrive with
 * issue 6; until then the relay answers messages to a bot with a notice
 * that the bot is not available. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aib_config.h"
#include "cmn/cmn_err.h"
#include "cmn/cmn_health.h"
#include "cmn/cmn_log.h"
#include "cmn/cmn_proc.h"

int
main(int argc, char **argv)
{
    struct aib_config cfg;
    struct cmn_health *health;
    char err[CMN_ERR_LEN];

    if (argc > 1 && strcmp(argv[1], "--help") == 0) {
        printf("ai-bridge: the chat's bots. Environment:\n");
        aib_config_usage();
        return 0;
    }
    cmn_proc_init();
    cmn_log_init("ai-bridge", CMN_LOG_INFO);
    if (aib_config_load(&cfg) != 0)
        return 2;
    cmn_log_init("ai-bridge", cmn_log_level_parse(cfg.log_level));
    aib_config_log(&cfg);
    health = cmn_health_start(cfg.health_bind, cfg.health_port, NULL, NULL,
                              err);
    if (health == NULL) {
        cmn_log_error("main", "%s", err);
        return EXIT_FAILURE;
    }
    cmn_log_info("main", "running health_port=%d (no bots configured yet)",
                 cmn_health_port(health));
    while (!cmn_proc_stopping())
        cmn_sleep_ms(1000);
    cmn_log_info("main", "stopping");
    cmn_health_stop(health);
    cmn_log_info("main", "stopped");
    return EXIT_SUCCESS;
}
