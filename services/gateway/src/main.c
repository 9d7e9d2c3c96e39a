/* gateway -- the Socket.IO server clients connect to (through nginx).
 *
 * main() only wires things together: configuration from the environment,
 * the chat app (gw_chat.c) on the Engine.IO/Socket.IO engine (gw_engine.c)
 * served by libwebsockets (gw_server.c), the Redis bus threads (gw_bus.c),
 * /healthz and /metrics, then the service loop until SIGTERM, and teardown
 * in reverse order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cmn/cmn_err.h"
#include "cmn/cmn_health.h"
#include "cmn/cmn_jwt.h"
#include "cmn/cmn_log.h"
#include "cmn/cmn_proc.h"
#include "cmn/cmn_scripts.h"
#include "gw_bus.h"
#include "gw_chat.h"
#include "gw_config.h"
#include "gw_metrics.h"
#include "gw_server.h"

static struct gw_bus *gw_main_bus;

static const char *
gw_main_health(void *arg)
{
    (void)arg;
    return gw_main_bus ? gw_bus_health(gw_main_bus) : "starting";
}

static void
gw_main_wake(void *srv)
{
    gw_server_wake(srv);
}

int
main(int argc, char **argv)
{
    struct gw_config cfg;
    unsigned char key[256];
    size_t keylen = 0;
    char err[CMN_ERR_LEN], bus_id[64], rnd[8];
    struct cmn_health *health = NULL;
    struct gw_chat *chat = NULL;
    struct gw_server *srv = NULL;
    int rc = EXIT_FAILURE;

    if (argc > 1 && strcmp(argv[1], "--help") == 0) {
        printf("gateway: the Socket.IO server. Environment:\n");
        gw_config_usage();
        return 0;
    }
    cmn_proc_init();
    cmn_log_init("gateway", CMN_LOG_INFO);
    if (gw_config_load(&cfg) != 0 || sodium_init() < 0)
        return 2;
    if (cmn_jwt_key_load(cfg.jwt_secret, cfg.jwt_secret_file, key,
                         sizeof key, &keylen, err) != 0) {
        cmn_log_error("config", "%s", err);
        return 2;
    }
    cmn_log_init("gateway", cmn_log_level_parse(cfg.log_level));
    gw_config_log(&cfg);
    cmn_scripts_init();
    gw_metrics_register();

    struct gw_chat_config ccfg = {key, keylen, cfg.settle_ms, cfg.event_rate,
                                  cfg.event_burst};
    struct gw_server_config scfg = {cfg.bind, cfg.port, cfg.path,
        {cfg.id, cfg.ping_interval_ms, cfg.ping_timeout_ms, cfg.max_payload,
         cfg.connect_timeout_ms, (unsigned)cfg.send_queue_max,
         (size_t)cfg.send_queue_mib << 20, (unsigned)cfg.max_connections}};

    if ((chat = gw_chat_new(&ccfg)) == NULL)
        goto out;
    struct gw_app_ops ops = gw_chat_app_ops(chat);

    if ((srv = gw_server_new(&scfg, &ops, gw_chat_on_wake, chat)) == NULL)
        goto out;
    cmn_random_hex(rnd, 3);
    snprintf(bus_id, sizeof bus_id, "%s-%s", cfg.id, rnd);
    struct gw_bus_config bcfg = {cfg.redis_host, cfg.redis_port, bus_id};

    if ((gw_main_bus = gw_bus_start(&bcfg, gw_main_wake, srv)) == NULL)
        goto out;
    gw_chat_attach(chat, gw_server_engine(srv), gw_main_bus);
    health = cmn_health_start(cfg.health_bind, cfg.health_port,
                              gw_main_health, NULL, err);
    if (health == NULL) {
        cmn_log_error("main", "%s", err);
        goto out;
    }
    cmn_log_info("main", "listening port=%d health_port=%d id=%s stream=%s",
                 gw_server_port(srv), cmn_health_port(health), cfg.id,
                 gw_bus_stream(gw_main_bus));
    gw_server_run(srv);
    cmn_log_info("main", "stopping: closing %u sessions",
                 gw_engine_count(gw_server_engine(srv)));
    rc = EXIT_SUCCESS;
out:
    if (srv != NULL)
        gw_server_close_all(srv, 300);  /* sessions leave: bus jobs */
    gw_bus_stop(gw_main_bus);         /* flushes those jobs */
    gw_main_bus = NULL;
    gw_server_free(srv);
    gw_chat_free(chat);
    cmn_health_stop(health);
    sodium_memzero(key, sizeof key);
    cmn_log_info("main", "stopped");
    return rc;
}
