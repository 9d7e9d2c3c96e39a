/* cmn_log.c -- the line logger of every service (see cmn_log.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "cmn/cmn_err.h"
#include "cmn/cmn_log.h"

static const char *cmn_log_service = "?";
static int cmn_log_min = CMN_LOG_INFO;
static const char *const cmn_log_names[] = {"DEBUG", "INFO", "WARN", "ERROR"};

void
cmn_log_init(const char *service, int min_level)
{
    cmn_log_service = service;
    if (min_level >= CMN_LOG_DEBUG && min_level <= CMN_LOG_ERROR)
        cmn_log_min = min_level;
}

int
cmn_log_level_parse(const char *name)
{
    static const char *const lower[] = {"debug", "info", "warn", "error"};

    for (int i = 0; i < 4; i++)
        if (strcmp(name, lower[i]) == 0)
            return i;
    return -1;
}

int
cmn_log_enabled(int level)
{
    return level >= cmn_log_min;
}

void
cmn_log(int level, int err, const char *module, const char *fmt, ...)
{
    char line[2048];
    struct timeval tv;
    struct tm tm;
    va_list ap;
    size_t n;
    int w;

    if (level < cmn_log_min)
        return;
    if (level < CMN_LOG_DEBUG || level > CMN_LOG_ERROR)
        level = CMN_LOG_ERROR;
    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    n = strftime(line, sizeof line, "%Y-%m-%dT%H:%M:%S", &tm);
    w = snprintf(line + n, sizeof line - n, ".%03ldZ %s %s[%ld] %s: ",
                 (long)(tv.tv_usec / 1000), cmn_log_names[level],
                 cmn_log_service, (long)getpid(), module);
    n += (w > 0) ? (size_t)w : 0;
    if (n < sizeof line) {
        va_start(ap, fmt);
        w = vsnprintf(line + n, sizeof line - n, fmt, ap);
        va_end(ap);
        n += (w > 0) ? (size_t)w : 0;
    }
    if (err != 0 && n < sizeof line) {
        w = snprintf(line + n, sizeof line - n, ": %s", strerror(err));
        n += (w > 0) ? (size_t)w : 0;
    }
    if (n > sizeof line - 2)
        n = sizeof line - 2;           /* truncated: keep the newline */
    line[n++] = '\n';
    while (write(STDERR_FILENO, line, n) < 0 && errno == EINTR)
        ;
}

void
cmn_errf(char *err, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL)
        return;
    va_start(ap, fmt);
    vsnprintf(err, CMN_ERR_LEN, fmt, ap);
    va_end(ap);
}
