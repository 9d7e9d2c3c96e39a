/* loadgen -- the ISeeCubes load generator: real Socket.IO clients through
 * nginx, many at once, for the benchmarks in bench/ (see
 * tools/loadgen/README.md and docs/performance.md).
 *
 * main() only wires things together: the command line (lg_opts.c), the
 * users (lg_ctx.c), one scenario (lg_tput.c, lg_conns.c, lg_backlog.c,
 * lg_presence.c, lg_logins.c), and the result file. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmn/cmn_log.h"
#include "lg_scen.h"

struct lg_scen_entry {
    const char *name;
    int (*run)(struct lg_ctx *ctx);
};

static const struct lg_scen_entry lg_scens[] = {
    {"throughput", lg_run_throughput},
    {"connections", lg_run_connections},
    {"backlog", lg_run_backlog},
    {"presence", lg_run_presence},    /* --users + --observers users */
    {"logins", lg_run_logins},
};

int
main(int argc, char **argv)
{
    struct lg_opts o;
    struct lg_ctx ctx;
    const struct lg_scen_entry *sc = NULL;
    int rc;

    if ((rc = lg_opts_parse(&o, argc, argv)) != 0) {
        lg_opts_free(&o);
        return rc > 0 ? 0 : 2;
    }
    signal(SIGPIPE, SIG_IGN);
    cmn_log_init("loadgen", CMN_LOG_WARN);
    for (size_t i = 0; i < sizeof lg_scens / sizeof lg_scens[0]; i++)
        if (strcmp(lg_scens[i].name, o.scenario) == 0)
            sc = &lg_scens[i];
    if (sc == NULL ||
        lg_ctx_init(&ctx, &o, strcmp(sc->name, "presence") == 0
                                  ? (size_t)o.observers : 0) != 0) {
        lg_opts_free(&o);
        return 1;
    }
    rc = sc->run(&ctx);
    if (rc == 0)
        rc = lg_ctx_write(&ctx);
    lg_ctx_cleanup(&ctx);
    lg_opts_free(&o);
    return rc == 0 ? 0 : 1;
}
