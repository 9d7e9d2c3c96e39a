/* cmn_proc.c -- stop signals and clocks (see cmn_proc.h). */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "cmn/cmn_proc.h"

static volatile sig_atomic_t cmn_proc_stop_flag;

static void
cmn_proc_on_signal(int sig)
{
    (void)sig;
    cmn_proc_stop_flag = 1;
}

void
cmn_proc_init(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    sa.sa_handler = cmn_proc_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int
cmn_proc_stopping(void)
{
    return cmn_proc_stop_flag != 0;
}

void
cmn_proc_request_stop(void)
{
    cmn_proc_stop_flag = 1;
}

long long
cmn_mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long
cmn_wall_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
cmn_sleep_ms(long ms)
{
    struct timespec ts;

    if (ms <= 0 || cmn_proc_stopping())
        return;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    /* a signal interrupts nanosleep: that is the early return we want */
    nanosleep(&ts, NULL);
}
