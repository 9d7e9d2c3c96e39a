/* cmn_log.h -- one line per event on stderr.
 *
 *   2026-11-27T20:50:01.123Z WARN auth[4121] login: user="bob" result=denied
 *
 * UTC time, level, service[pid], module, message. One write(2) per record,
 * so lines from several threads never interleave. LOG_LEVEL picks the
 * minimum level. Never log passwords, tokens or message bodies. */
#ifndef CMN_LOG_H
#define CMN_LOG_H

enum cmn_log_level {
    CMN_LOG_DEBUG,
    CMN_LOG_INFO,
    CMN_LOG_WARN,
    CMN_LOG_ERROR
};

/* Set the service name printed on every line and the minimum level. */
void cmn_log_init(const char *service, int min_level);

/* "debug", "info", "warn", "error" -> level; -1 if unknown. */
int cmn_log_level_parse(const char *name);

/* Log one line. When err != 0, ": strerror(err)" is appended. */
void cmn_log(int level, int err, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#define cmn_log_debug(mod, ...) cmn_log(CMN_LOG_DEBUG, 0, mod, __VA_ARGS__)
#define cmn_log_info(mod, ...)  cmn_log(CMN_LOG_INFO, 0, mod, __VA_ARGS__)
#define cmn_log_warn(mod, ...)  cmn_log(CMN_LOG_WARN, 0, mod, __VA_ARGS__)
#define cmn_log_error(mod, ...) cmn_log(CMN_LOG_ERROR, 0, mod, __VA_ARGS__)

/* True when a record of this level would be printed (skip costly args). */
int cmn_log_enabled(int level);

#endif
