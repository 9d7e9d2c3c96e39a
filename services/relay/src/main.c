/* relay -- routes chat messages between gateways, inboxes and bots.
 *
 * main() wires configuration, /healthz + /metrics and the relay loop
 * (relay.c) together and stops on SIGTERM after the batch in hand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cmn/cmn_err.h"
#include "cmn/cmn_health.h"
#include "cmn/cmn_log.h"
#include "cmn/cmn_proc.h"
#include "cmn/cmn_scripts.h"
#include "relay.h"
#include "relay_config.h"
#include "relay_metrics.h"

static const char *
relay_main_health(void *arg)
{
    const struct relay *rl = arg;

    return rl->r.down ? "redis unreachable" : NULL;
}

int
main(int argc, char **argv)
{
    struct relay_config cfg;
    struct relay rl;
    struct cmn_health *health;
    char err[CMN_ERR_LEN];

    if (argc > 1 && strcmp(argv[1], "--help") == 0) {
        printf("relay: routes messages. Environment:\n");
        relay_config_usage();
        return 0;
    }
    cmn_proc_init();
    cmn_log_init("relay", CMN_LOG_INFO);
    if (relay_config_load(&cfg) != 0 || sodium_init() < 0)
        return 2;
    cmn_log_init("relay", cmn_log_level_parse(cfg.log_level));
    relay_config_log(&cfg);
    cmn_scripts_init();
    relay_metrics_register();
    relay_init(&rl, &cfg);
    health = cmn_health_start(cfg.health_bind, cfg.health_port,
                              relay_main_health, &rl, err);
    if (health == NULL) {
        cmn_log_error("main", "%s", err);
        relay_cleanup(&rl);
        return EXIT_FAILURE;
    }
    cmn_log_info("main", "running consumer=%s health_port=%d", rl.consumer,
                 cmn_health_port(health));
    relay_run(&rl);
    cmn_log_info("main", "stopping");
    cmn_health_stop(health);
    relay_cleanup(&rl);
    cmn_log_info("main", "stopped");
    return EXIT_SUCCESS;
}
