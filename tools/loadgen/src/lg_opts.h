/* lg_opts.h -- the load generator's command line: one scenario name and
 * its options (loadgen --help lists them). Parsed once in main; the
 * struct is then read-only. */
#ifndef LG_OPTS_H
#define LG_OPTS_H

#include <stddef.h>

#include "lg_proc.h"

#define LG_MAX_SRCS  64
#define LG_MAX_STEPS 32

struct lg_opts {
    const char *scenario;      /* throughput | connections | backlog |
                                * presence | logins */
    const char *host;          /* nginx address (numeric) */
    int port;                  /* nginx port */
    const char *prefix;        /* user names: <prefix><i> */
    const char *pw_prefix;     /* passwords: <pw_prefix><i> */
    long first;                /* first i */
    long users;                /* sessions (or users) to use */
    char *srcs[LG_MAX_SRCS];   /* source addresses (owned) */
    size_t nsrcs;
    int procs;                 /* worker processes */
    int login_conc;            /* logins in flight */
    int inflight;              /* handshakes in flight per process */
    int heartbeat_ms;
    int open_timeout_ms;
    const char *json;          /* output file, NULL = none */
    const char *label;         /* free text stored in the JSON */
    const char *tokens;        /* token cache file (connections) */
    int redis_port;            /* 0 = no Redis figures */
    int presence_port;         /* presence's health port (metrics) */
    struct lg_watch watch[LG_WATCH_MAX];
    size_t nwatch;
    /* throughput */
    long steps[LG_MAX_STEPS];
    size_t nsteps;
    double step_s, gap_s;
    long auto_step;            /* after the list: +auto_step msg/s ... */
    long max_rate;             /* ... up to this */
    double behind;             /* stop below this delivered/offered */
    int size;                  /* content bytes */
    int ack;                   /* ask for acks */
    double drain_s;            /* final wait for late messages */
    /* connections */
    double hold_s;
    /* backlog */
    long messages;
    /* presence */
    long observers;
    double stop_frac;
    double timeout_s;
    /* logins */
    double duration_s;
};

/* Parse argv into o (defaults first). 0; 1 after --help; -1 with a
 * message on stderr. */
int lg_opts_parse(struct lg_opts *o, int argc, char **argv);
void lg_opts_free(struct lg_opts *o);

#endif
