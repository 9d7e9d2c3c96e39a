/* authit_proc.c -- processes of the auth integration tests: auth itself,
 * iseecubes-admin and a private redis-server (see authit.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "authit.h"

/* Settings every auth and admin process gets. */
static void
authit_common_env(const char *db, int redis_port)
{
    char port[16];

    snprintf(port, sizeof port, "%d", redis_port);
    setenv("SQL_DATABASE", db, 1);
    setenv("REDIS_HOST", "127.0.0.1", 1);
    setenv("REDIS_PORT", port, 1);
    setenv("USERS_FILE", "deploy/users.json", 0);
    setenv("MIGRATIONS_DIR", "deploy/migrations", 0);
    /* the floor: tests log in often; production uses 64 MiB */
    setenv("AUTH_ARGON2_MEMLIMIT_MIB", "19", 0);
    setenv("AUTH_ARGON2_OPSLIMIT", "2", 0);
}

/* Apply "KEY=value" strings to this (child) process's environment. */
static void
authit_apply(const char *const *extra)
{
    for (size_t i = 0; extra != NULL && extra[i] != NULL; i++) {
        const char *eq = strchr(extra[i], '=');
        char key[128];

        if (eq == NULL || (size_t)(eq - extra[i]) >= sizeof key)
            continue;
        memcpy(key, extra[i], (size_t)(eq - extra[i]));
        key[eq - extra[i]] = '\0';
        if (eq[1] == '\0' && strcmp(key, "JWT_SECRET") != 0)
            unsetenv(key);
        else
            setenv(key, eq + 1, 1);
    }
}

/* exec the binary, under AUTHIT_WRAPPER when set. Child only. */
static void
authit_exec(const char *bin, char *const *args)
{
    const char *wrap = getenv("AUTHIT_WRAPPER");
    char *argv[64], *words = NULL;
    int n = 0;

    if (wrap != NULL && *wrap != '\0' && strstr(bin, "/auth") != NULL &&
        (words = strdup(wrap)) != NULL)
        for (char *w = strtok(words, " "); w && n < 40; w = strtok(NULL, " "))
            argv[n++] = w;
    argv[n++] = (char *)bin;
    for (size_t i = 0; args != NULL && args[i] != NULL && n < 63; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    execvp(argv[0], argv);
    fprintf(stderr, "authit: exec %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

static void
authit_bin(char *out, size_t cap, const char *name)
{
    const char *dir = getenv("AUTHIT_BIN");

    snprintf(out, cap, "%s/%s", dir ? dir : "build/bin", name);
}

/* Every auth spawned and not yet reaped, so a test that fails halfway
 * leaves no process behind (authit_reap_all at cleanup). */
#define AUTHIT_MAX_PROCS 64
static pid_t authit_live[AUTHIT_MAX_PROCS];

static void
authit_track(pid_t pid, int add)
{
    for (int i = 0; i < AUTHIT_MAX_PROCS; i++) {
        if (add ? authit_live[i] == 0 : authit_live[i] == pid) {
            authit_live[i] = add ? pid : 0;
            return;
        }
    }
}

void
authit_reap_all(void)
{
    for (int i = 0; i < AUTHIT_MAX_PROCS; i++) {
        if (authit_live[i] > 0) {
            kill(authit_live[i], SIGKILL);
            waitpid(authit_live[i], NULL, 0);
            authit_live[i] = 0;
        }
    }
}

int
authit_auth_spawn(struct authit_proc *p, const char *db, int redis_port,
                  const char *const *extra)
{
    static int seq;
    char bin[512];
    int fd;

    memset(p, 0, sizeof *p);
    snprintf(p->log, sizeof p->log, "%s/auth-%d.log", authit_tmp(), ++seq);
    authit_bin(bin, sizeof bin, "auth");
    if ((p->pid = fork()) < 0)
        return -1;
    if (p->pid > 0) {
        authit_track(p->pid, 1);
        return 0;
    }
    fd = open(p->log, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd < 0)
        _exit(127);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    close(fd);
    authit_common_env(db, redis_port);
    setenv("JWT_SECRET", AUTHIT_SECRET, 1);
    setenv("AUTH_PORT", "0", 1);
    setenv("AUTH_HEALTH_PORT", "0", 1);
    setenv("AUTH_THREADS", "4", 0);
    setenv("AUTH_MIRROR_POLL_MS", "200", 0);
    setenv("LOG_LEVEL", "info", 0);
    authit_apply(extra);
    authit_exec(bin, NULL);
    return -1;
}

/* Reap p if it has exited (status into p->code). */
static int
authit_reaped(struct authit_proc *p, int block)
{
    int st;

    if (p->exited)
        return 1;
    if (waitpid(p->pid, &st, block ? 0 : WNOHANG) != p->pid)
        return 0;
    authit_track(p->pid, 0);
    p->exited = 1;
    p->code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return 1;
}

/* Parse "listening port=N health_port=M" from the log. */
static int
authit_ports(struct authit_proc *p)
{
    FILE *f = fopen(p->log, "r");
    char line[4096];
    int found = 0;

    if (f == NULL)
        return 0;
    while (!found && fgets(line, sizeof line, f) != NULL) {
        const char *s = strstr(line, "listening port=");

        if (s != NULL &&
            sscanf(s, "listening port=%d health_port=%d", &p->port,
                   &p->health_port) == 2)
            found = 1;
    }
    fclose(f);
    return found;
}

struct authit_ready_arg {
    struct authit_proc *p;
};

static int
authit_ready_cond(void *arg)
{
    struct authit_proc *p = arg;

    return authit_ports(p) || authit_reaped(p, 0);
}

int
authit_auth_ready(struct authit_proc *p, long timeout_ms)
{
    if (authit_wait(authit_ready_cond, p, timeout_ms) != 0 || p->exited) {
        fprintf(stderr, "authit: auth (log %s) did not start%s\n", p->log,
                p->exited ? " (exited)" : "");
        return -1;
    }
    return 0;
}

int
authit_auth_start(struct authit_proc *p, const char *db, int redis_port,
                  const char *const *extra)
{
    if (authit_auth_spawn(p, db, redis_port, extra) != 0)
        return -1;
    return authit_auth_ready(p, 30000);
}

static int
authit_exited_cond(void *arg)
{
    return authit_reaped(arg, 0);
}

int
authit_auth_wait(struct authit_proc *p, long timeout_ms)
{
    if (p->pid <= 0)
        return -1;
    if (authit_wait(authit_exited_cond, p, timeout_ms) != 0) {
        kill(p->pid, SIGKILL);
        authit_reaped(p, 1);
        return -1;
    }
    return p->code;
}

int
authit_auth_stop(struct authit_proc *p)
{
    if (p->pid <= 0)
        return -1;
    if (!p->exited)
        kill(p->pid, SIGTERM);
    return authit_auth_wait(p, 15000);
}

int
authit_log_count(const struct authit_proc *p, const char *needle)
{
    FILE *f = fopen(p->log, "r");
    char line[4096];
    int n = 0;

    if (f == NULL)
        return 0;
    while (fgets(line, sizeof line, f) != NULL)
        for (const char *s = line; (s = strstr(s, needle)) != NULL; s++)
            n++;
    fclose(f);
    return n;
}

/* ---- iseecubes-admin --------------------------------------------------- */

int
authit_cli(const char *db, int redis_port, const char *stdin_text,
           char **out, const char *const *argv)
{
    char bin[512], outpath[600], inpath[600];
    int st, fd;
    pid_t pid;
    FILE *f;

    authit_bin(bin, sizeof bin, "iseecubes-admin");
    snprintf(outpath, sizeof outpath, "%s/cli.out", authit_tmp());
    snprintf(inpath, sizeof inpath, "%s/cli.in", authit_tmp());
    if ((f = fopen(inpath, "w")) == NULL)
        return -1;
    fputs(stdin_text ? stdin_text : "", f);
    fclose(f);
    if ((pid = fork()) < 0)
        return -1;
    if (pid == 0) {
        if ((fd = open(inpath, O_RDONLY)) >= 0)
            dup2(fd, STDIN_FILENO);
        if ((fd = open(outpath, O_WRONLY | O_CREAT | O_TRUNC, 0644)) >= 0) {
            dup2(fd, STDOUT_FILENO);
            dup2(fd, STDERR_FILENO);
        }
        authit_common_env(db, redis_port);
        setenv("LOG_LEVEL", "warn", 1);
        authit_exec(bin, (char *const *)argv);
    }
    if (waitpid(pid, &st, 0) != pid)
        return -1;
    if (out != NULL && (f = fopen(outpath, "r")) != NULL) {
        long n;

        fseek(f, 0, SEEK_END);
        n = ftell(f);
        rewind(f);
        *out = calloc(1, (size_t)n + 1);
        if (*out != NULL && fread(*out, 1, (size_t)n, f) != (size_t)n)
            (*out)[0] = '\0';
        fclose(f);
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ---- redis-server -------------------------------------------------------- */

static int
authit_free_port(void)
{
    FILE *f = popen("deploy/free-port.sh", "r");
    int port = -1;

    if (f == NULL)
        return -1;
    if (fscanf(f, "%d", &port) != 1)
        port = -1;
    pclose(f);
    return port;
}

static int
authit_redis_up(void *arg)
{
    redisContext *c = redisConnect("127.0.0.1", *(int *)arg);
    redisReply *rep = (c && !c->err) ? redisCommand(c, "PING") : NULL;
    int ok = rep != NULL && rep->type == REDIS_REPLY_STATUS;

    freeReplyObject(rep);
    redisFree(c);
    return ok;
}

int
authit_redis_start(int port)
{
    char cmd[1024];

    if (port == 0 && (port = authit_free_port()) < 0)
        return -1;
    snprintf(cmd, sizeof cmd, "redis-server --port %d --bind 127.0.0.1 "
             "--save '' --appendonly no --dir '%s' --daemonize yes "
             "--pidfile '%s/redis-%d.pid' --logfile '%s/redis-%d.log' "
             ">/dev/null", port, authit_tmp(), authit_tmp(), port,
             authit_tmp(), port);
    if (system(cmd) != 0 || authit_wait(authit_redis_up, &port, 10000) != 0)
        return -1;
    return port;
}

static int
authit_redis_gone(void *arg)
{
    return !authit_redis_up(arg);
}

/* Resume a redis-server a test stopped with SIGSTOP (else no-op). */
static void
authit_redis_resume(int port)
{
    char path[600];
    FILE *f;
    int pid;

    snprintf(path, sizeof path, "%s/redis-%d.pid", authit_tmp(), port);
    if ((f = fopen(path, "r")) == NULL)
        return;
    if (fscanf(f, "%d", &pid) == 1 && pid > 0)
        kill(pid, SIGCONT);
    fclose(f);
}

void
authit_redis_stop(int port)
{
    redisContext *c;

    authit_redis_resume(port);
    c = redisConnect("127.0.0.1", port);

    if (c != NULL && !c->err)
        freeReplyObject(redisCommand(c, "SHUTDOWN NOSAVE"));
    redisFree(c);
    authit_wait(authit_redis_gone, &port, 10000);
}

redisContext *
authit_redis(int port)
{
    redisContext *c = redisConnect("127.0.0.1", port);

    if (c == NULL || c->err) {
        fprintf(stderr, "authit: redis %d: %s\n", port,
                c ? c->errstr : "oom");
        exit(1);
    }
    return c;
}

redisReply *
authit_rcmd(redisContext *c, const char *fmt, ...)
{
    va_list ap;
    redisReply *rep;

    va_start(ap, fmt);
    rep = redisvCommand(c, fmt, ap);
    va_end(ap);
    if (rep == NULL) {
        fprintf(stderr, "authit: redis: %s\n", c->errstr);
        exit(1);
    }
    return rep;
}
