/* cmn_env.h -- configuration from the environment, read once, as a table.
 *
 * Each service describes every variable it reads in one array of
 * struct cmn_env_var (name, type, field, default, bounds, flags, help);
 * cmn_env_load() fills the service's config struct and reports *every*
 * bad or missing variable with one line each, so main() can exit 2. No
 * getenv() outside the *_config.c files. */
#ifndef CMN_ENV_H
#define CMN_ENV_H

#include <stddef.h>

enum cmn_env_type {
    CMN_ENV_INT,     /* int field; decimal, within [min, max] */
    CMN_ENV_STR,     /* const char * field; points into environ or def */
    CMN_ENV_BOOL,    /* int field; 1/0, true/false, yes/no, on/off */
    CMN_ENV_CHOICE   /* const char * field; one of `choices` ("a|b|c") */
};

#define CMN_ENV_REQUIRED 0x1u  /* no default: must be set and non-empty */
#define CMN_ENV_SECRET   0x2u  /* logged as "(set)", never its value */

struct cmn_env_var {
    const char *name;
    enum cmn_env_type type;
    size_t offset;           /* offsetof(struct <svc>_config, field) */
    const char *def;         /* default text; NULL = none (field 0/NULL) */
    long min, max;           /* CMN_ENV_INT bounds */
    unsigned flags;
    const char *help;
    const char *choices;     /* CMN_ENV_CHOICE: "Enabled|Disabled" */
};

/* Fill cfg from the environment. Logs one "config:" line per problem.
 * Returns the number of problems (0 = good). */
int cmn_env_load(const struct cmn_env_var *vars, size_t n, void *cfg);

/* Log the effective configuration on one line (secrets as "(set)"). */
void cmn_env_log(const struct cmn_env_var *vars, size_t n, const void *cfg);

/* Print the table as "NAME  default  help" lines to stdout (--help). */
void cmn_env_usage(const struct cmn_env_var *vars, size_t n);

#endif
