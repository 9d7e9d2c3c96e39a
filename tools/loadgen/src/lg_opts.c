/* lg_opts.c -- command line of the load generator (see lg_opts.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lg_opts.h"

static const char lg_usage[] =
"usage: loadgen SCENARIO [options]\n"
"scenarios:\n"
"  throughput   pairs of sessions exchange messages at stepped offered rates\n"
"  connections  open --users sessions, hold them idle, measure the cost\n"
"  backlog      --messages to an offline user, then time its delivery\n"
"  presence     --users online, a fraction stops heartbeating: sweep + broadcasts\n"
"  logins       log --users in again and again for --duration seconds\n"
"common options:\n"
"  --host A --port N        nginx (default 127.0.0.1:5000)\n"
"  --prefix P --password-prefix Q --first I   users P<i>/Q<i> from i=I (lg, pw, 1)\n"
"  --users N                sessions / users (default 100)\n"
"  --src A[-B][,C...]       source addresses, e.g. 127.0.0.2-127.0.0.20\n"
"  --procs N                worker processes (default 1)\n"
"  --login-concurrency N    logins in flight (64)\n"
"  --inflight N             handshakes in flight per process (256)\n"
"  --heartbeat-ms N         connection_alive period (6000; 0 = none)\n"
"  --open-timeout-ms N      per handshake (20000)\n"
"  --json FILE --label TEXT results file and a note stored in it\n"
"  --tokens FILE            reuse the tokens in FILE (else log in, save them)\n"
"  --redis-port N           Redis, for INFO commandstats and presence\n"
"  --presence-health-port N presence's /metrics\n"
"  --watch NAME=PID[+]      sample CPU/RSS of a process (+ its children)\n"
"throughput: --steps 1000,5000,... --step-s 5 --gap-s 2 --auto-step 10000\n"
"            --max-rate 100000 --behind 0.95 --size 64 --ack --drain-s 10\n"
"connections: --hold-s 10\n"
"backlog:    --messages 10000 (2 users: sender, receiver)\n"
"presence:   --observers 20 --stop-fraction 0.2 --timeout-s 40\n"
"logins:     --duration-s 5\n";

enum {
    O_HOST = 256, O_PORT, O_PREFIX, O_PWPREFIX, O_FIRST, O_USERS, O_SRC,
    O_PROCS, O_LOGINC, O_INFLIGHT, O_HB, O_OPENTO, O_JSON, O_LABEL,
    O_REDIS, O_PRES, O_WATCH, O_STEPS, O_STEPS_S, O_GAP_S, O_AUTO, O_MAX,
    O_BEHIND, O_SIZE, O_ACK, O_DRAIN, O_HOLD, O_MSGS, O_OBS, O_STOPF,
    O_TIMEOUT, O_DUR, O_TOKENS, O_HELP
};

static const struct option lg_longopts[] = {
    {"host", 1, 0, O_HOST}, {"port", 1, 0, O_PORT},
    {"prefix", 1, 0, O_PREFIX}, {"password-prefix", 1, 0, O_PWPREFIX},
    {"first", 1, 0, O_FIRST}, {"users", 1, 0, O_USERS},
    {"src", 1, 0, O_SRC}, {"procs", 1, 0, O_PROCS},
    {"login-concurrency", 1, 0, O_LOGINC}, {"inflight", 1, 0, O_INFLIGHT},
    {"heartbeat-ms", 1, 0, O_HB}, {"open-timeout-ms", 1, 0, O_OPENTO},
    {"json", 1, 0, O_JSON}, {"label", 1, 0, O_LABEL},
    {"redis-port", 1, 0, O_REDIS}, {"presence-health-port", 1, 0, O_PRES},
    {"watch", 1, 0, O_WATCH}, {"steps", 1, 0, O_STEPS},
    {"step-s", 1, 0, O_STEPS_S}, {"gap-s", 1, 0, O_GAP_S},
    {"auto-step", 1, 0, O_AUTO}, {"max-rate", 1, 0, O_MAX},
    {"behind", 1, 0, O_BEHIND}, {"size", 1, 0, O_SIZE}, {"ack", 0, 0, O_ACK},
    {"drain-s", 1, 0, O_DRAIN}, {"hold-s", 1, 0, O_HOLD},
    {"messages", 1, 0, O_MSGS}, {"observers", 1, 0, O_OBS},
    {"stop-fraction", 1, 0, O_STOPF}, {"timeout-s", 1, 0, O_TIMEOUT},
    {"duration-s", 1, 0, O_DUR}, {"tokens", 1, 0, O_TOKENS},
    {"help", 0, 0, O_HELP},
    {NULL, 0, 0, 0}
};

static int
lg_opts_long(const char *name, const char *s, long lo, long hi, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);

    if (*s == '\0' || *end != '\0' || v < lo || v > hi) {
        fprintf(stderr, "loadgen: --%s %s: expected an integer in [%ld, %ld]\n",
                name, s, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

static int
lg_opts_int(const char *name, const char *s, long lo, long hi, int *out)
{
    long v;

    if (lg_opts_long(name, s, lo, hi, &v) != 0)
        return -1;
    *out = (int)v;
    return 0;
}

static int
lg_opts_double(const char *name, const char *s, double lo, double hi,
               double *out)
{
    char *end;
    double v = strtod(s, &end);

    if (*s == '\0' || *end != '\0' || v < lo || v > hi) {
        fprintf(stderr, "loadgen: --%s %s: expected a number in [%g, %g]\n",
                name, s, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

/* "127.0.0.2-127.0.0.9,127.0.1.1": ranges vary the last byte. */
static int
lg_opts_srcs(struct lg_opts *o, const char *arg)
{
    char *copy = strdup(arg), *save = NULL, *tok;
    int rc = 0;

    for (tok = strtok_r(copy, ",", &save); tok && rc == 0;
         tok = strtok_r(NULL, ",", &save)) {
        char *dash = strchr(tok, '-');
        unsigned a, b, c, d, e = 0, f, g, h2;

        if (sscanf(tok, "%u.%u.%u.%u", &a, &b, &c, &d) != 4 || d > 255) {
            rc = -1;
            break;
        }
        if (dash != NULL && (sscanf(dash + 1, "%u.%u.%u.%u", &f, &g, &h2, &e)
                             != 4 || e < d || e > 255)) {
            rc = -1;
            break;
        }
        if (dash == NULL)
            e = d;
        for (unsigned x = d; x <= e; x++) {
            char ip[32];

            if (o->nsrcs >= LG_MAX_SRCS) {
                rc = -1;
                break;
            }
            snprintf(ip, sizeof ip, "%u.%u.%u.%u", a, b, c, x);
            o->srcs[o->nsrcs++] = strdup(ip);
        }
    }
    free(copy);
    if (rc != 0)
        fprintf(stderr, "loadgen: --src %s: expected A.B.C.D[-A.B.C.E],... "
                "(at most %d)\n", arg, LG_MAX_SRCS);
    return rc;
}

static int
lg_opts_steps(struct lg_opts *o, const char *arg)
{
    char *copy = strdup(arg), *save = NULL, *tok;
    int rc = 0;

    o->nsteps = 0;
    for (tok = strtok_r(copy, ",", &save); tok && rc == 0;
         tok = strtok_r(NULL, ",", &save)) {
        if (o->nsteps >= LG_MAX_STEPS)
            rc = -1;
        else
            rc = lg_opts_long("steps", tok, 1, 10000000,
                              &o->steps[o->nsteps++]);
    }
    free(copy);
    return rc;
}

static void
lg_opts_defaults(struct lg_opts *o)
{
    static const long steps[] = {1000, 5000, 10000, 20000};

    memset(o, 0, sizeof *o);
    o->host = "127.0.0.1";
    o->port = 5000;
    o->prefix = "lg";
    o->pw_prefix = "pw";
    o->first = 1;
    o->users = 100;
    o->procs = 1;
    o->login_conc = 64;
    o->inflight = 256;
    o->heartbeat_ms = 6000;
    o->open_timeout_ms = 20000;
    memcpy(o->steps, steps, sizeof steps);
    o->nsteps = sizeof steps / sizeof steps[0];
    o->step_s = 5;
    o->gap_s = 2;
    o->auto_step = 10000;
    o->max_rate = 100000;
    o->behind = 0.95;
    o->size = 64;
    o->drain_s = 10;
    o->hold_s = 10;
    o->messages = 10000;
    o->observers = 20;
    o->stop_frac = 0.2;
    o->timeout_s = 40;
    o->duration_s = 5;
}

static int
lg_opts_one(struct lg_opts *o, int c, const char *a)
{
    switch (c) {
    case O_HOST: o->host = a; return 0;
    case O_PORT: return lg_opts_int("port", a, 1, 65535, &o->port);
    case O_PREFIX: o->prefix = a; return 0;
    case O_PWPREFIX: o->pw_prefix = a; return 0;
    case O_FIRST: return lg_opts_long("first", a, 0, 100000000, &o->first);
    case O_USERS: return lg_opts_long("users", a, 1, 1000000, &o->users);
    case O_SRC: return lg_opts_srcs(o, a);
    case O_PROCS: return lg_opts_int("procs", a, 1, 64, &o->procs);
    case O_LOGINC: return lg_opts_int("login-concurrency", a, 1, 4096,
                                      &o->login_conc);
    case O_INFLIGHT: return lg_opts_int("inflight", a, 1, 100000,
                                        &o->inflight);
    case O_HB: return lg_opts_int("heartbeat-ms", a, 0, 3600000,
                                  &o->heartbeat_ms);
    case O_OPENTO: return lg_opts_int("open-timeout-ms", a, 100, 600000,
                                      &o->open_timeout_ms);
    case O_JSON: o->json = a; return 0;
    case O_TOKENS: o->tokens = a; return 0;
    case O_LABEL: o->label = a; return 0;
    case O_REDIS: return lg_opts_int("redis-port", a, 0, 65535,
                                     &o->redis_port);
    case O_PRES: return lg_opts_int("presence-health-port", a, 0, 65535,
                                    &o->presence_port);
    case O_WATCH:
        if (o->nwatch >= LG_WATCH_MAX ||
            lg_watch_parse(a, &o->watch[o->nwatch]) != 0) {
            fprintf(stderr, "loadgen: --watch %s: expected NAME=PID[+]\n", a);
            return -1;
        }
        o->nwatch++;
        return 0;
    case O_STEPS: return lg_opts_steps(o, a);
    case O_STEPS_S: return lg_opts_double("step-s", a, 0.1, 3600, &o->step_s);
    case O_GAP_S: return lg_opts_double("gap-s", a, 0, 3600, &o->gap_s);
    case O_AUTO: return lg_opts_long("auto-step", a, 0, 10000000,
                                     &o->auto_step);
    case O_MAX: return lg_opts_long("max-rate", a, 1, 10000000, &o->max_rate);
    case O_BEHIND: return lg_opts_double("behind", a, 0, 1, &o->behind);
    case O_SIZE: return lg_opts_int("size", a, 0, 60000, &o->size);
    case O_ACK: o->ack = 1; return 0;
    case O_DRAIN: return lg_opts_double("drain-s", a, 0, 3600, &o->drain_s);
    case O_HOLD: return lg_opts_double("hold-s", a, 0, 36000, &o->hold_s);
    case O_MSGS: return lg_opts_long("messages", a, 1, 10000000,
                                     &o->messages);
    case O_OBS: return lg_opts_long("observers", a, 1, 10000, &o->observers);
    case O_STOPF: return lg_opts_double("stop-fraction", a, 0, 1,
                                        &o->stop_frac);
    case O_TIMEOUT: return lg_opts_double("timeout-s", a, 1, 36000,
                                          &o->timeout_s);
    case O_DUR: return lg_opts_double("duration-s", a, 0.1, 36000,
                                      &o->duration_s);
    }
    return -1;
}

int
lg_opts_parse(struct lg_opts *o, int argc, char **argv)
{
    static const char *const scen[] = {"throughput", "connections",
                                       "backlog", "presence", "logins"};
    int c, known = 0;

    lg_opts_defaults(o);
    while ((c = getopt_long(argc, argv, "h", lg_longopts, NULL)) != -1) {
        if (c == 'h' || c == O_HELP) {
            fputs(lg_usage, stdout);
            return 1;
        }
        if (c == '?' || lg_opts_one(o, c, optarg) != 0) {
            fputs(lg_usage, stderr);
            return -1;
        }
    }
    if (optind != argc - 1) {
        fputs(lg_usage, stderr);
        return -1;
    }
    o->scenario = argv[optind];
    for (size_t i = 0; i < sizeof scen / sizeof scen[0]; i++)
        known |= strcmp(o->scenario, scen[i]) == 0;
    if (!known) {
        fprintf(stderr, "loadgen: unknown scenario \"%s\"\n", o->scenario);
        return -1;
    }
    return 0;
}

void
lg_opts_free(struct lg_opts *o)
{
    for (size_t i = 0; i < o->nsrcs; i++)
        free(o->srcs[i]);
    o->nsrcs = 0;
}
