/* lg_proc.c -- /proc sampling (see lg_proc.h). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lg_msg.h"
#include "lg_proc.h"

int
lg_watch_parse(const char *arg, struct lg_watch *w)
{
    const char *eq = strchr(arg, '=');
    char *end;
    long pid;

    memset(w, 0, sizeof *w);
    if (eq == NULL || eq == arg || (size_t)(eq - arg) >= sizeof w->name)
        return -1;
    memcpy(w->name, arg, (size_t)(eq - arg));
    pid = strtol(eq + 1, &end, 10);
    if (pid <= 0 || end == eq + 1)
        return -1;
    if (*end == '+') {
        w->children = 1;
        end++;
    }
    if (*end != '\0')
        return -1;
    w->pid = (pid_t)pid;
    return 0;
}

/* Fields of /proc/pid/stat after the command: ppid and utime + stime. */
static int
lg_proc_stat(pid_t pid, pid_t *ppid, unsigned long long *ticks)
{
    char path[64], buf[1024], *p;
    unsigned long long ut = 0, st = 0;
    int pp = 0;
    FILE *f;
    size_t n;

    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if ((f = fopen(path, "r")) == NULL)
        return -1;
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* the command may hold spaces and parentheses: skip to the last ')' */
    if ((p = strrchr(buf, ')')) == NULL)
        return -1;
    if (sscanf(p + 2, "%*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
               &pp, &ut, &st) != 3)
        return -1;
    *ppid = (pid_t)pp;
    *ticks = ut + st;
    return 0;
}

static long
lg_proc_rss(pid_t pid)
{
    char path[64], line[256];
    long kb = 0;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    if ((f = fopen(path, "r")) == NULL)
        return 0;
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
            break;
    fclose(f);
    return kb;
}

static long
lg_proc_fds(pid_t pid)
{
    char path[64];
    struct dirent *d;
    long n = 0;
    DIR *dir;

    snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
    if ((dir = opendir(path)) == NULL)
        return 0;
    while ((d = readdir(dir)) != NULL)
        if (d->d_name[0] != '.')
            n++;
    closedir(dir);
    return n;
}

static void
lg_proc_add(pid_t pid, struct lg_proc_usage *out)
{
    unsigned long long t;
    pid_t pp;

    if (lg_proc_stat(pid, &pp, &t) != 0)
        return;
    out->ticks += t;
    out->rss_kb += lg_proc_rss(pid);
    out->fds += lg_proc_fds(pid);
    out->nprocs++;
}

void
lg_proc_usage(pid_t pid, int children, struct lg_proc_usage *out)
{
    struct dirent *d;
    DIR *dir;

    memset(out, 0, sizeof *out);
    lg_proc_add(pid, out);
    if (!children || out->nprocs == 0 || (dir = opendir("/proc")) == NULL)
        return;
    while ((d = readdir(dir)) != NULL) {
        char *end;
        long p = strtol(d->d_name, &end, 10);
        unsigned long long t;
        pid_t pp;

        if (*end != '\0' || p <= 0 || p == pid)
            continue;
        if (lg_proc_stat((pid_t)p, &pp, &t) == 0 && pp == pid)
            lg_proc_add((pid_t)p, out);
    }
    closedir(dir);
}

/* The "cpu" line of /proc/stat: busy and all ticks. */
static void
lg_proc_system(unsigned long long *busy, unsigned long long *all)
{
    unsigned long long v[8] = {0};
    FILE *f = fopen("/proc/stat", "r");

    *busy = *all = 0;
    if (f == NULL)
        return;
    if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
               &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 8) {
        /* user nice system idle iowait irq softirq steal */
        *busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
        *all = *busy + v[3] + v[4];
    }
    fclose(f);
}

void
lg_watch_sample(const struct lg_watch *w, size_t n, struct lg_sample *out)
{
    out->t = (double)lg_now_us() / 1e6;
    lg_proc_system(&out->sys_busy, &out->sys_all);
    out->n = n > LG_WATCH_MAX ? LG_WATCH_MAX : n;
    for (size_t i = 0; i < out->n; i++)
        lg_proc_usage(w[i].pid, w[i].children, &out->u[i]);
}

double
lg_watch_cpu_pct(const struct lg_sample *a, const struct lg_sample *b,
                 size_t i)
{
    double dt = b->t - a->t;
    long hz = sysconf(_SC_CLK_TCK);

    if (dt <= 0 || i >= a->n || i >= b->n || b->u[i].ticks < a->u[i].ticks)
        return 0;
    return 100.0 * (double)(b->u[i].ticks - a->u[i].ticks) /
           (double)(hz > 0 ? hz : 100) / dt;
}

int
lg_watch_json(const struct lg_watch *w, size_t n, const struct lg_sample *a,
              const struct lg_sample *b, struct cmn_buf *out)
{
    int rc = cmn_buf_puts(out, "{");
    double mine = 0, busy = 0;
    long hz = sysconf(_SC_CLK_TCK);

    for (size_t i = 0; i < n && i < b->n; i++) {
        mine += lg_watch_cpu_pct(a, b, i);
        rc |= cmn_buf_printf(out, "\"%s\":{\"cpu_pct\":%.1f,\"rss_kb\":%ld,"
                             "\"fds\":%ld},", w[i].name,
                             lg_watch_cpu_pct(a, b, i), b->u[i].rss_kb,
                             b->u[i].fds);
    }
    if (b->t > a->t && b->sys_busy >= a->sys_busy)
        busy = 100.0 * (double)(b->sys_busy - a->sys_busy) /
               (double)(hz > 0 ? hz : 100) / (b->t - a->t);
    rc |= cmn_buf_printf(out, "\"machine\":{\"busy_pct\":%.1f,"
                         "\"others_pct\":%.1f}}", busy,
                         busy > mine ? busy - mine : 0.0);
    return rc ? -1 : 0;
}
