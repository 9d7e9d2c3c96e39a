/* itest.c -- integration-test support (see itest.h). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "itest.h"

long long
itest_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
itest_read_env(struct itest_stack *st)
{
    char path[320];
    FILE *f;
    size_t n;

    snprintf(path, sizeof path, "%s/stack.env", st->dir);
    st->env[0] = '\0';
    if ((f = fopen(path, "r")) == NULL)
        return;
    n = fread(st->env, 1, sizeof st->env - 1, f);
    st->env[n] = '\0';
    fclose(f);
}

const char *
itest_env(const struct itest_stack *st, const char *name)
{
    static char value[512];
    size_t n = strlen(name);
    const char *p = st->env;

    while (p != NULL && *p != '\0') {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);

        if (len > n && memcmp(p, name, n) == 0 && p[n] == '=') {
            const char *v = p + n + 1;
            size_t vl = len - n - 1;

            if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
                v++;
                vl -= 2;
            }
            if (vl >= sizeof value)
                vl = sizeof value - 1;
            memcpy(value, v, vl);
            value[vl] = '\0';
            return value;
        }
        p = nl ? nl + 1 : NULL;
    }
    return NULL;
}

int
itest_stack_start(struct itest_stack *st, const char *const *overrides)
{
    char cmd[1024];
    const char *port;

    memset(st, 0, sizeof *st);
    snprintf(st->dir, sizeof st->dir, "/tmp/iseecubes-it.XXXXXX");
    if (mkdtemp(st->dir) == NULL) {
        perror("mkdtemp");
        return -1;
    }
    for (size_t i = 0; overrides && overrides[i]; i++)
        putenv((char *)overrides[i]);
    setenv("STACK_FAST", "1", 1);
    if (getenv("STACK_PG_TEMPLATE") == NULL)
        setenv("STACK_PG_TEMPLATE", "build/pg-template", 1);
    snprintf(cmd, sizeof cmd, "deploy/stack.sh start %s", st->dir);
    if (system(cmd) != 0) {
        fprintf(stderr, "itest: stack did not start (logs in %s/logs)\n",
                st->dir);
        return -1;
    }
    itest_read_env(st);
    if ((port = itest_env(st, "PUBLIC_PORT")) == NULL)
        return -1;
    st->public_port = atoi(port);
    snprintf(st->base, sizeof st->base, "http://127.0.0.1:%d",
             st->public_port);
    return 0;
}

/* Tokens of itest_user_new(), freed when the stack stops. */
static char **itest_tokens;
static size_t itest_ntokens;

static void
itest_tokens_free(void)
{
    for (size_t i = 0; i < itest_ntokens; i++)
        free(itest_tokens[i]);
    free(itest_tokens);
    itest_tokens = NULL;
    itest_ntokens = 0;
}

int
itest_stack_stop(struct itest_stack *st)
{
    char cmd[1024];
    int bad;

    itest_tokens_free();
    if (st->dir[0] == '\0')
        return 0;
    snprintf(cmd, sizeof cmd, "deploy/stack.sh stop %s", st->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "itest: stack stop reported a problem\n");
    /* a service built with SAN=1 reports leaks and UB in its log */
    snprintf(cmd, sizeof cmd, "grep -E -A20 'ERROR: (Address|Leak)Sanitizer"
             "|runtime error:' %s/logs/*.log >&2", st->dir);
    bad = system(cmd) == 0;
    if (bad)
        fprintf(stderr, "itest: sanitizer reports in %s/logs\n", st->dir);
    if (getenv("ITEST_KEEP") == NULL && !bad) {
        snprintf(cmd, sizeof cmd, "rm -rf %s", st->dir);
        if (system(cmd) != 0)
            fprintf(stderr, "itest: cannot remove %s\n", st->dir);
    } else {
        fprintf(stderr, "itest: kept %s\n", st->dir);
    }
    return bad ? -1 : 0;
}

int
itest_sh(const struct itest_stack *st, const char *fmt, ...)
{
    char inner[2048], cmd[3072];
    va_list ap;
    int rc;

    va_start(ap, fmt);
    vsnprintf(inner, sizeof inner, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "set -a; . %s/stack.env; set +a; %s",
             st->dir, inner);
    rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

int
itest_kill(const struct itest_stack *st, const char *proc, int sig)
{
    char path[320];
    FILE *f;
    long pid = 0;

    snprintf(path, sizeof path, "%s/run/%s.pid", st->dir, proc);
    if ((f = fopen(path, "r")) == NULL)
        return -1;
    if (fscanf(f, "%ld", &pid) != 1)
        pid = 0;
    fclose(f);
    return pid > 0 ? kill((pid_t)pid, sig) : -1;
}

void
itest_password(const char *name, char *out, size_t cap)
{
    snprintf(out, cap, "pw-%s-1234", name);
}

void
itest_new_user(const struct itest_stack *st, const char *prefix, char *name,
               size_t cap)
{
    static int counter;
    char pw[128];

    snprintf(name, cap, "%s%d%d", prefix, (int)getpid() % 1000, ++counter);
    itest_password(name, pw, sizeof pw);
    if (itest_sh(st, "echo '%s' | %s/bin/iseecubes-admin add %s >/dev/null",
                 pw, itest_env(st, "BUILD"), name) != 0)
        fail_msg("iseecubes-admin add %s failed", name);
    /* routable once the Redis mirror of the user directory has it */
    if (itest_redis_wait(st, "1", 5000, "HEXISTS users %s", name) != 0)
        fail_msg("user %s never reached the users mirror", name);
}

char *
itest_login(const struct itest_stack *st, const char *user,
            const char *password)
{
    char err[CMN_ERR_LEN], *token = NULL;
    long long deadline = itest_ms() + 5000;

    /* a user made a moment ago reaches auth's mirror within a second */
    while (sioc_http_log_in(st->base, user, password, 5000, &token, NULL,
                            err) != 0) {
        if (itest_ms() > deadline)
            fail_msg("login %s: %s", user, err);
        usleep(50 * 1000);
    }
    return token;
}

struct sioc_conn *
itest_connect(const struct itest_stack *st, const char *auth_json)
{
    char err[CMN_ERR_LEN];
    struct sioc_conn *c = sioc_open_blocking("127.0.0.1", st->public_port,
                                             auth_json, 5000, err);

    if (c == NULL)
        fail_msg("connect: %s", err);
    return c;
}

struct sioc_conn *
itest_connect_token(const struct itest_stack *st, const char *token)
{
    char auth[1200];

    snprintf(auth, sizeof auth, "{\"token\":\"%s\"}", token);
    return itest_connect(st, auth);
}

struct sioc_conn *
itest_connect_join(const struct itest_stack *st, const char *user,
                   const char *token)
{
    struct sioc_conn *c = itest_connect(st, "{}");
    char arg[1400], err[CMN_ERR_LEN], res[64];
    struct sioc_event ev;

    snprintf(arg, sizeof arg, "{\"room\":\"%s&Lisa\",\"client\":\"%s\","
             "\"jwt\":\"%s\"}", user, user, token);
    if (sioc_call(c, "join", arg, 5000, &ev, err) != 0)
        fail_msg("join %s: %s", user, err);
    if (sioc_event_str(&ev, "result", res, sizeof res) < 0 ||
        strcmp(res, "success") != 0)
        fail_msg("join %s: %.*s", user, (int)ev.args.len, ev.args.p);
    sioc_event_cleanup(&ev);
    return c;
}

void
itest_send(struct sioc_conn *c, const char *sender, const char *peer,
           const char *content, const char *token, char *result, size_t cap,
           char *id, size_t idcap)
{
    char arg[4096], err[CMN_ERR_LEN];
    struct sioc_event ev;

    snprintf(arg, sizeof arg, "{\"sender\":\"%s\",\"content\":\"%s\","
             "\"conversation_room\":\"%s&%s\",\"jwt\":\"%s\"}", sender,
             content, sender, peer, token);
    if (sioc_call(c, "client_sends_message", arg, 5000, &ev, err) != 0)
        fail_msg("send %s -> %s: %s", sender, peer, err);
    if (sioc_event_str(&ev, "result", result, cap) < 0)
        fail_msg("ack without result: %.*s", (int)ev.args.len, ev.args.p);
    if (id != NULL && sioc_event_str(&ev, "id", id, idcap) < 0)
        id[0] = '\0';
    sioc_event_cleanup(&ev);
}

int
itest_wait_match(struct sioc_conn *c, const char *name, const char *key,
                 const char *value, int timeout_ms, struct sioc_event *out)
{
    long long deadline = itest_ms() + timeout_ms;
    char got[4096];

    for (;;) {
        long long left = deadline - itest_ms();
        struct sioc_event ev;

        if (left <= 0)
            return -1;
        if (sioc_wait_event(c, name, (int)left, &ev) != 0)
            return -1;
        if (sioc_event_str(&ev, key, got, sizeof got) >= 0 &&
            strcmp(got, value) == 0) {
            *out = ev;
            return 0;
        }
        sioc_event_cleanup(&ev);
    }
}

redisContext *
itest_redis(const struct itest_stack *st)
{
    const char *port = itest_env(st, "REDIS_PORT");
    redisContext *r = redisConnect("127.0.0.1", port ? atoi(port) : 0);

    if (r == NULL || r->err)
        fail_msg("cannot connect to the stack's Redis");
    return r;
}

int
itest_redis_wait(const struct itest_stack *st, const char *want,
                 int timeout_ms, const char *fmt, ...)
{
    redisContext *r = itest_redis(st);
    long long deadline = itest_ms() + timeout_ms;
    int rc = -1;

    for (;;) {
        va_list ap;
        redisReply *rep;
        char got[256] = "";

        va_start(ap, fmt);
        rep = redisvCommand(r, fmt, ap);
        va_end(ap);
        if (rep != NULL) {
            if (rep->type == REDIS_REPLY_INTEGER)
                snprintf(got, sizeof got, "%lld", rep->integer);
            else if (rep->type == REDIS_REPLY_STRING ||
                     rep->type == REDIS_REPLY_STATUS)
                snprintf(got, sizeof got, "%s", rep->str);
            else if (rep->type == REDIS_REPLY_NIL)
                snprintf(got, sizeof got, "(nil)");
            freeReplyObject(rep);
        }
        if (strcmp(got, want) == 0) {
            rc = 0;
            break;
        }
        if (itest_ms() > deadline)
            break;
        usleep(20 * 1000);
    }
    redisFree(r);
    return rc;
}

void
itest_user_new(const struct itest_stack *st, const char *prefix,
               struct itest_user *u)
{
    char pw[128], **t;

    itest_new_user(st, prefix, u->name, sizeof u->name);
    itest_password(u->name, pw, sizeof pw);
    u->token = itest_login(st, u->name, pw);
    t = realloc(itest_tokens, (itest_ntokens + 1) * sizeof *t);
    if (t == NULL)
        fail_msg("out of memory");
    itest_tokens = t;
    itest_tokens[itest_ntokens++] = u->token;
}

void
itest_user_free(struct itest_user *u)
{
    for (size_t i = 0; i < itest_ntokens; i++) {
        if (itest_tokens[i] == u->token) {
            itest_tokens[i] = itest_tokens[--itest_ntokens];
            break;
        }
    }
    free(u->token);
    u->token = NULL;
}

struct sioc_conn *
itest_online(const struct itest_stack *st, const struct itest_user *u)
{
    struct sioc_conn *c = itest_connect_token(st, u->token);
    struct sioc_event ev;

    if (itest_wait_match(c, "new_user_online", "username", u->name, 5000,
                         &ev) != 0)
        fail_msg("%s never came online", u->name);
    sioc_event_cleanup(&ev);
    return c;
}

static struct itest_stack *itest_run_stack;
static const char *const *itest_run_overrides;

static int
itest_run_setup(void **state)
{
    (void)state;
    return itest_stack_start(itest_run_stack, itest_run_overrides);
}

static int
itest_run_teardown(void **state)
{
    (void)state;
    return itest_stack_stop(itest_run_stack);
}

int
itest_run(const char *name, const struct CMUnitTest *tests, size_t n,
          struct itest_stack *st, const char *const *overrides)
{
    itest_run_stack = st;
    itest_run_overrides = overrides;
    return _cmocka_run_group_tests(name, tests, n, itest_run_setup,
                                   itest_run_teardown);
}
