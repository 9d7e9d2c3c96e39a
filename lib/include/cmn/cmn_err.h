/* cmn_err.h -- caller-owned error strings.
 *
 * Functions that cannot decide how to report a failure take a
 * `char err[CMN_ERR_LEN]` from the caller and fill it with one line saying
 * what happened (redis anet.c style). */
#ifndef CMN_ERR_H
#define CMN_ERR_H

#define CMN_ERR_LEN 256

/* printf into err (CMN_ERR_LEN bytes); err may be NULL. */
void cmn_errf(char *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
