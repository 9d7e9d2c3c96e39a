/* cmn_proc.h -- process plumbing every service shares: stop signals,
 * clocks, and SIGPIPE off. */
#ifndef CMN_PROC_H
#define CMN_PROC_H

#include <signal.h>

/* Ignore SIGPIPE; make SIGINT/SIGTERM set the stop flag (no SA_RESTART, so
 * blocking calls return EINTR where the library lets them). */
void cmn_proc_init(void);

/* Nonzero once SIGINT or SIGTERM arrived. Async-signal-safe to read. */
int cmn_proc_stopping(void);

/* Ask the process to stop as if a signal had come (tests, fatal paths). */
void cmn_proc_request_stop(void);

/* Monotonic milliseconds (for timers and intervals). */
long long cmn_mono_ms(void);

/* Wall-clock milliseconds since the epoch (for timestamps others read). */
long long cmn_wall_ms(void);

/* Sleep ms milliseconds unless a stop is requested (returns early). */
void cmn_sleep_ms(long ms);

#endif
