/* presence -- who is online: binds, heartbeats, logouts, expiry.
 *
 * main() wires configuration, /healthz + /metrics and the loop
 * (presence.c) together and stops on SIGTERM. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cmn/cmn_err.h"
#include "cmn/cmn_health.h"
#include "cmn/cmn_log.h"
#include "cmn/cmn_proc.h"
#include "cmn/cmn_scripts.h"
#include "presence.h"
#include "presence_config.h"
#include "presence_metrics.h"

static const char *
presence_main_health(void *arg)
{
    const struct presence *p = arg;

    return p->r.down ? "redis unreachable" : NULL;
}

int
main(int argc, char **argv)
{
    struct presence_config cfg;
    struct presence p;
    struct cmn_health *health;
    char err[CMN_ERR_LEN];

    if (argc > 1 && strcmp(argv[1], "--help") == 0) {
        printf("presence: who is online. Environment:\n");
        presence_config_usage();
        return 0;
    }
    cmn_proc_init();
    cmn_log_init("presence", CMN_LOG_INFO);
    if (presence_config_load(&cfg) != 0 || sodium_init() < 0)
        return 2;
    cmn_log_init("presence", cmn_log_level_parse(cfg.log_level));
    presence_config_log(&cfg);
    cmn_scripts_init();
    presence_metrics_register();
    presence_init(&p, &cfg);
    health = cmn_health_start(cfg.health_bind, cfg.health_port,
                              presence_main_health, &p, err);
    if (health == NULL) {
        cmn_log_error("main", "%s", err);
        presence_cleanup(&p);
        return EXIT_FAILURE;
    }
    cmn_log_info("main", "running consumer=%s health_port=%d keep_alive=%ds "
                 "sweep_every=%ds", p.consumer, cmn_health_port(health),
                 cfg.keep_alive_s, cfg.verify_interval_s);
    presence_run(&p);
    cmn_log_info("main", "stopping");
    cmn_health_stop(health);
    presence_cleanup(&p);
    cmn_log_info("main", "stopped");
    return EXIT_SUCCESS;
}
