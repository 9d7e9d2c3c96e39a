/* ai-bridge -- serves the chat's bots (ChatGPT, Leonid, configured ones).
 *
 * main() wires things together: the environment (aib_config.c) and the
 * bots file (aib_bots.c), both checked before anything starts (exit 2
 * with one line); /healthz + /metrics; the bridge's threads (aib_bot.c:
 * per bot a reader and a worker pool; a presence thread; a prober); a
 * wait for SIGINT/SIGTERM; then a graceful stop: the bots go offline,
 * requests in flight get AIB_STOP_GRACE_MS, everything is joined. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <sodium.h>

#include "aib_bot.h"
#include "aib_config.h"
#include "aib_metrics.h"
#include "cmn/cmn_err.h"
#include "cmn/cmn_health.h"
#include "cmn/cmn_log.h"
#include "cmn/cmn_proc.h"

static const char *
aib_main_health(void *arg)
{
    const struct aib_bridge *br = arg;

    return atomic_load(&br->redis_down) ? "redis unreachable" : NULL;
}

int
main(int argc, char **argv)
{
    struct aib_config cfg;
    struct aib_bots bots;
    struct aib_bridge br;
    struct cmn_health *health = NULL;
    char err[CMN_ERR_LEN];
    int rc = EXIT_FAILURE;

    if (argc > 1 && strcmp(argv[1], "--help") == 0) {
        printf("ai-bridge: the chat's bots (docs/bots.md). Environment:\n");
        aib_config_usage();
        return 0;
    }
    cmn_proc_init();
    cmn_log_init("ai-bridge", CMN_LOG_INFO);
    if (aib_config_load(&cfg) != 0)
        return 2;
    cmn_log_init("ai-bridge", cmn_log_level_parse(cfg.log_level));
    if (aib_bots_load(cfg.bots_file, &bots, err) != 0) {
        cmn_log_error("config", "%s", err);
        return 2;
    }
    aib_config_log(&cfg);
    if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
        cmn_log_error("main", "cannot initialise libsodium or libcurl");
        aib_bots_free(&bots);
        return EXIT_FAILURE;
    }
    aib_metrics_register();
    if (aib_bridge_init(&br, &cfg, &bots) != 0) {
        cmn_log_error("main", "out of memory");
        goto out;
    }
    health = cmn_health_start(cfg.health_bind, cfg.health_port,
                              aib_main_health, &br, err);
    if (health == NULL) {
        cmn_log_error("main", "%s", err);
        goto out;
    }
    if (aib_bridge_start(&br) != 0) {
        cmn_log_error("main", "cannot start the bridge's threads");
        goto out;
    }
    cmn_log_info("main", "running consumer=%s bots=%zu health_port=%d",
                 br.consumer, bots.n, cmn_health_port(health));
    while (!cmn_proc_stopping())
        cmn_sleep_ms(1000);
    cmn_log_info("main", "stopping");
    rc = EXIT_SUCCESS;
out:
    aib_bridge_stop(&br);
    cmn_health_stop(health);
    aib_bridge_cleanup(&br);
    aib_bots_free(&bots);
    curl_global_cleanup();
    cmn_log_info("main", "stopped");
    return rc;
}
