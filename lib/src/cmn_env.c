/* cmn_env.c -- load a service's configuration table (see cmn_env.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmn/cmn_env.h"
#include "cmn/cmn_log.h"

/* Is `value` one of the '|'-separated words of `choices`? */
static int
cmn_env_in_choices(const char *value, const char *choices)
{
    size_t vlen = strlen(value);
    const char *p = choices;

    while (p != NULL && *p != '\0') {
        const char *bar = strchr(p, '|');
        size_t wlen = bar ? (size_t)(bar - p) : strlen(p);

        if (wlen == vlen && strncmp(p, value, vlen) == 0)
            return 1;
        p = bar ? bar + 1 : NULL;
    }
    return 0;
}

static int
cmn_env_parse_bool(const char *s, int *out)
{
    static const char *const yes[] = {"1", "true", "yes", "on"};
    static const char *const no[] = {"0", "false", "no", "off"};

    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(s, yes[i]) == 0) {
            *out = 1;
            return 0;
        }
        if (strcasecmp(s, no[i]) == 0) {
            *out = 0;
            return 0;
        }
    }
    return -1;
}

/* Parse one variable into its field; returns 0 or -1 after logging. */
static int
cmn_env_load_one(const struct cmn_env_var *v, void *cfg)
{
    char *field = (char *)cfg + v->offset;
    const char *text = getenv(v->name);
    int from_env = (text != NULL && *text != '\0');
    char *end;
    long n;

    if (!from_env)
        text = v->def;
    if (text == NULL) {
        if (v->flags & CMN_ENV_REQUIRED) {
            cmn_log_error("config", "%s is required (%s)", v->name, v->help);
            return -1;
        }
        if (v->type == CMN_ENV_INT || v->type == CMN_ENV_BOOL)
            *(int *)field = 0;
        else
            *(const char **)field = NULL;
        return 0;
    }

    switch (v->type) {
    case CMN_ENV_INT:
        errno = 0;
        n = strtol(text, &end, 10);
        if (errno != 0 || end == text || *end != '\0' || n < v->min ||
            n > v->max) {
            cmn_log_error("config", "%s=\"%s\": expected an integer in "
                          "[%ld, %ld] (%s)", v->name, from_env ? text : "",
                          v->min, v->max, v->help);
            return -1;
        }
        *(int *)field = (int)n;
        return 0;
    case CMN_ENV_BOOL:
        if (cmn_env_parse_bool(text, (int *)field) != 0) {
            cmn_log_error("config", "%s=\"%s\": expected true or false (%s)",
                          v->name, text, v->help);
            return -1;
        }
        return 0;
    case CMN_ENV_CHOICE:
        if (!cmn_env_in_choices(text, v->choices)) {
            cmn_log_error("config", "%s=\"%s\": expected one of %s (%s)",
                          v->name, text, v->choices, v->help);
            return -1;
        }
        *(const char **)field = text;
        return 0;
    case CMN_ENV_STR:
        *(const char **)field = text;
        return 0;
    }
    return -1;
}

int
cmn_env_load(const struct cmn_env_var *vars, size_t n, void *cfg)
{
    int bad = 0;

    for (size_t i = 0; i < n; i++)
        if (cmn_env_load_one(&vars[i], cfg) != 0)
            bad++;
    return bad;
}

void
cmn_env_log(const struct cmn_env_var *vars, size_t n, const void *cfg)
{
    char line[1800];
    size_t len = 0;

    line[0] = '\0';
    for (size_t i = 0; i < n && len < sizeof line; i++) {
        const char *field = (const char *)cfg + vars[i].offset;
        int w;

        if (vars[i].type == CMN_ENV_INT || vars[i].type == CMN_ENV_BOOL) {
            w = snprintf(line + len, sizeof line - len, " %s=%d",
                         vars[i].name, *(const int *)field);
        } else {
            const char *s = *(const char *const *)field;

            if (vars[i].flags & CMN_ENV_SECRET)
                s = (s && *s) ? "(set)" : "(unset)";
            w = snprintf(line + len, sizeof line - len, " %s=\"%s\"",
                         vars[i].name, s ? s : "");
        }
        if (w > 0)
            len += (size_t)w;
    }
    cmn_log_info("config", "effective:%s", line);
}

void
cmn_env_usage(const struct cmn_env_var *vars, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf("  %-34s %-12s %s%s\n", vars[i].name,
               vars[i].def ? vars[i].def : "(none)", vars[i].help,
               (vars[i].flags & CMN_ENV_REQUIRED) ? " [required]" : "");
}
