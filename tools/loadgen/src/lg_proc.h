/* lg_proc.h -- what the processes under test cost, read from /proc:
 * CPU time (utime + stime of every thread), resident memory and open file
 * descriptors, for a process alone or with its direct children (nginx's
 * master and workers, the load generator's workers).
 *
 * A struct lg_watch names one process; lg_watch_sample() reads all of
 * them at once, and two samples give CPU % (100 = one core busy) over the
 * time between them. */
#ifndef LG_PROC_H
#define LG_PROC_H

#include <stddef.h>
#include <sys/types.h>

#include "cmn/cmn_buf.h"

#define LG_WATCH_MAX 24

struct lg_watch {
    char name[32];
    pid_t pid;
    int children;              /* 1: add the direct children */
};

struct lg_proc_usage {
    unsigned long long ticks;  /* utime + stime, clock ticks */
    long rss_kb;
    long fds;
    int nprocs;                /* processes counted (0 = gone) */
};

struct lg_sample {
    double t;                  /* monotonic seconds */
    unsigned long long sys_busy, sys_all;  /* /proc/stat, all CPUs */
    size_t n;
    struct lg_proc_usage u[LG_WATCH_MAX];
};

/* Parse "name=pid" or "name=pid+" (with children). 0 or -1. */
int lg_watch_parse(const char *arg, struct lg_watch *w);
/* Usage of one process (and its children). */
void lg_proc_usage(pid_t pid, int children, struct lg_proc_usage *out);
void lg_watch_sample(const struct lg_watch *w, size_t n,
                     struct lg_sample *out);
/* CPU % of watch i between samples a and b. */
double lg_watch_cpu_pct(const struct lg_sample *a, const struct lg_sample *b,
                        size_t i);
/* {"<name>":{"cpu_pct":..,"rss_kb":..,"fds":..},...,"machine":{"busy_pct":
 * ..,"others_pct":..}} between a and b (rss and fds as of b); machine: the
 * whole machine's busy CPU and the part no watched process used (the
 * noise of a shared machine), 100 = one core. */
int lg_watch_json(const struct lg_watch *w, size_t n,
                  const struct lg_sample *a, const struct lg_sample *b,
                  struct cmn_buf *out);

#endif
