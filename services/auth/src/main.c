/* auth -- users, passwords and JWT sessions over HTTP (libmicrohttpd).
 *
 * main() only wires things together: configuration from the environment
 * (auth_config.c), the schema and seed (auth_migrate.c, waiting for
 * Postgres up to AUTH_DB_WAIT_S), the Redis users mirror (auth_mirror.c),
 * /healthz + /metrics (lib cmn_health), the public API (auth_http.c), a
 * wait for SIGINT/SIGTERM, and teardown in reverse order. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmn/cmn_err.h"
#include "cmn/cmn_health.h"
#include "cmn/cmn_log.h"
#include "cmn/cmn_proc.h"
#include "cmn/cmn_scripts.h"

#include "auth_app.h"
#include "auth_config.h"
#include "auth_http.h"
#include "auth_metrics.h"
#include "auth_migrate.h"
#include "auth_mirror.h"
#include "auth_scripts.h"

/* Migrate and seed, retrying while Postgres is unreachable. Returns 0,
 * -1 on a hard error or timeout, 1 when a stop signal came meanwhile. */
static int
auth_prepare_db(const struct auth_config *cfg, struct auth_pwhash *ph,
                const sigset_t *stop)
{
    struct auth_db db;
    char err[CMN_ERR_LEN];
    long long deadline = cmn_mono_ms() + (long long)cfg->db_wait_s * 1000;
    struct timespec pause = {0, 500 * 1000000L};
    int rc;

    auth_db_init(&db, &cfg->db, "auth-migrate", 0);
    for (;;) {
        if ((rc = auth_migrate_prepare(&db, cfg->migrations_dir,
                                       cfg->users_file, ph, err)) == 0)
            break;
        if (db.c != NULL || (cfg->db_wait_s > 0 && cmn_mono_ms() > deadline)) {
            /* connected but failed (bad migration, seed) or gave up */
            cmn_log_error("main", "database not ready: %s", err);
            break;
        }
        if (sigtimedwait(stop, NULL, &pause) > 0) {
            rc = 1;
            break;
        }
    }
    auth_db_close(&db);
    return rc;
}

int
main(int argc, char **argv)
{
    static struct auth_config cfg;
    static struct auth_app app;
    struct auth_pwhash *ph = NULL;
    struct auth_mirror *mirror = NULL;
    struct cmn_health *health = NULL;
    struct auth_http *http = NULL;
    char err[CMN_ERR_LEN];
    sigset_t stop;
    int sig, rc = EXIT_FAILURE, app_ok = 0;

    if (argc > 1 && strcmp(argv[1], "--help") == 0) {
        printf("usage: auth (configured by the environment)\n");
        auth_config_usage();
        return 0;
    }
    cmn_log_init("auth", CMN_LOG_INFO);
    if (auth_config_load(&cfg) != 0)     /* prints every bad variable */
        return 2;
    cmn_log_init("auth", cfg.log_level_n);
    auth_config_log(&cfg);               /* secrets shown as "(set)" */

    /* Block the stop signals before any thread starts, so threads inherit
     * the mask and only sigwait() below sees SIGINT/SIGTERM. */
    signal(SIGPIPE, SIG_IGN);
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    cmn_scripts_init();
    auth_scripts_init();
    auth_metrics_register();

    ph = auth_pwhash_new((unsigned)cfg.argon2_t, (unsigned)cfg.argon2_m_mib,
                         cfg.hash_concurrency, &auth_m_hash_in_flight, err);
    if (ph == NULL) {
        cmn_log_error("main", "password hashing: %s", err);
        goto out;
    }
    if (auth_app_init(&app, &cfg, ph) != 0)
        goto out;
    app_ok = 1;
    if ((rc = auth_prepare_db(&cfg, ph, &stop)) != 0) {
        rc = rc > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
        goto out;
    }
    rc = EXIT_FAILURE;
    mirror = auth_mirror_start(&cfg.db, cfg.redis_host, cfg.redis_port,
                               cfg.mirror_poll_ms, &app.db_down,
                               &app.redis_down);
    health = cmn_health_start(cfg.health_bind, cfg.health_port,
                              auth_app_health, &app, err);
    if (mirror == NULL || health == NULL) {
        cmn_log_error("main", "%s", health ? "cannot start the mirror" : err);
        goto out;
    }
    if ((http = auth_http_start(&app, err)) == NULL) {
        cmn_log_error("main", "%s", err);
        goto out;
    }
    cmn_log_info("main", "listening port=%d health_port=%d threads=%d "
                 "argon2id t=%d m=%dMiB", auth_http_port(http),
                 cmn_health_port(health), cfg.threads, cfg.argon2_t,
                 cfg.argon2_m_mib);
    sigwait(&stop, &sig);
    cmn_log_info("main", "stopping (signal %d)", sig);
    rc = EXIT_SUCCESS;
out:
    auth_http_stop(http);                /* NULL-safe, joins the workers */
    cmn_health_stop(health);
    auth_mirror_stop(mirror);
    if (app_ok)
        auth_app_cleanup(&app);
    auth_pwhash_free(ph);
    auth_config_cleanup(&cfg);
    if (rc == EXIT_SUCCESS)
        cmn_log_info("main", "stopped");
    return rc;
}
