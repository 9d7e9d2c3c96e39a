/* lg_scen.h -- the scenarios. Each one runs against the stack named by the
 * options, prints a one-line summary on stdout, appends its figures to
 * ctx->out and returns 0 (ran, whatever the figures) or -1 (could not
 * run: no users, no stack...). */
#ifndef LG_SCEN_H
#define LG_SCEN_H

#include "lg_ctx.h"

int lg_run_throughput(struct lg_ctx *ctx);
int lg_run_connections(struct lg_ctx *ctx);
int lg_run_backlog(struct lg_ctx *ctx);
int lg_run_presence(struct lg_ctx *ctx);
int lg_run_logins(struct lg_ctx *ctx);

/* Shared by the scenarios that fork workers: run the pool's loop until a
 * message from the parent arrives on fd (its type, or -1 on EOF). */
int lg_scen_wait_parent(struct lg_pool *p, int fd, struct cmn_buf *b);

#endif
