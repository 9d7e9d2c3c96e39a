/* authit.h -- helpers for auth's integration tests (tests/auth/authit_*.c).
 *
 * The tests run real processes: the auth binary and iseecubes-admin from
 * AUTHIT_BIN (build/bin), a Postgres cluster from with-postgres.sh (its
 * SQL_* and PG_* variables; tests may stop and restart it), and their own
 * redis-server on a free port. Every wait polls a condition with a
 * deadline; nothing sleeps to synchronise. AUTHIT_WRAPPER (e.g. "valgrind
 * --error-exitcode=99 --leak-check=full") runs auth under a tool, and
 * AUTHIT_SLOW multiplies every deadline. */
#ifndef AUTHIT_H
#define AUTHIT_H

#include <stddef.h>
#include <sys/types.h>

#include <hiredis.h>
#include <jansson.h>
#include <libpq-fe.h>

#define AUTHIT_SECRET "authit-secret-0123456789abcdef-0123456789"

/* Read the environment, make a temp dir, init libcurl. Call first. */
void authit_init(void);
/* The temp dir of this test binary (removed by authit_cleanup). */
const char *authit_tmp(void);
void authit_cleanup(void);
/* A deadline of ms milliseconds from now, scaled by AUTHIT_SLOW. */
long long authit_deadline(long ms);
long long authit_now_ms(void);

/* ---- Redis: a private redis-server ------------------------------------ */
/* Start one on port (0 = a free one); returns the port or -1. */
int authit_redis_start(int port);
void authit_redis_stop(int port);
/* A connection for checking (caller frees with redisFree). */
redisContext *authit_redis(int port);
/* Run a command, return the reply (caller frees); aborts on I/O error. */
redisReply *authit_rcmd(redisContext *c, const char *fmt, ...);

/* ---- Postgres ----------------------------------------------------------- */
/* (Re)create database name, empty. 0 or -1. */
int authit_db_create(const char *name);
/* The integer result of a one-value query on database name (-1 error). */
long authit_db_long(const char *name, const char *sql);
/* Run a statement on database name. 0 or -1. */
int authit_db_exec(const char *name, const char *sql);
/* How many NNN_*.sql files deploy/migrations holds. */
long authit_migrations_shipped(void);
/* Stop / start the cluster of with-postgres.sh. 0 or -1. */
int authit_pg_stop(void);
int authit_pg_start(void);

/* ---- the auth process ------------------------------------------------- */
struct authit_proc {
    pid_t pid;
    int port;               /* public API */
    int health_port;
    char log[512];          /* its stderr */
    int exited;             /* reaped; status in code */
    int code;
};

/* Spawn auth on database db and Redis redis_port with AUTH_PORT=0 etc.
 * plus extra "KEY=value" settings (NULL-terminated, may be NULL). Does not
 * wait. 0 or -1. */
int authit_auth_spawn(struct authit_proc *p, const char *db, int redis_port,
                      const char *const *extra);
/* Wait until it logs its ports (0), or exits / times out (-1). */
int authit_auth_ready(struct authit_proc *p, long timeout_ms);
/* spawn + ready. */
int authit_auth_start(struct authit_proc *p, const char *db, int redis_port,
                      const char *const *extra);
/* Wait for it to exit; returns its exit code, -1 on timeout (it is then
 * killed), 128+sig when killed by a signal. */
int authit_auth_wait(struct authit_proc *p, long timeout_ms);
/* SIGTERM and wait: the exit code. */
int authit_auth_stop(struct authit_proc *p);
/* SIGKILL and reap every auth still running (authit_cleanup does). */
void authit_reap_all(void);
/* How many times needle occurs in its log. */
int authit_log_count(const struct authit_proc *p, const char *needle);

/* ---- HTTP ---------------------------------------------------------------- */
struct authit_resp {
    long status;
    char *body;             /* NUL-terminated */
    json_t *json;           /* NULL when the body is not JSON */
    char retry_after[16];
    char content_type[64];
};

/* One request to 127.0.0.1:port. headers: NULL-terminated "Name: value"
 * list or NULL; body NULL = none; len (size_t)-1 = strlen(body). 0 when a
 * response came (any status), -1 on transport failure. */
int authit_http(struct authit_resp *r, const char *method, int port,
                const char *path, const char *body, size_t len,
                const char *const *headers);
void authit_resp_free(struct authit_resp *r);
/* The string member key of the response's JSON object, or NULL. */
const char *authit_jstr(const struct authit_resp *r, const char *key);
/* POST /log_in; the token (caller frees) or NULL. */
char *authit_login(int port, const char *user, const char *pw);
/* Status of POST /log_in. */
long authit_login_status(int port, const char *user, const char *pw);
/* GET /get_contacts_list/<user> with the original headers: status. */
long authit_contacts_status(int port, const char *user, const char *token);

/* ---- waiting --------------------------------------------------------- */
/* Poll cond(arg) until it returns nonzero or timeout_ms pass: 0 / -1. */
int authit_wait(int (*cond)(void *), void *arg, long timeout_ms);

/* ---- the admin tool -------------------------------------------------- */
/* Run iseecubes-admin argv (NULL-terminated, without the program name) on
 * database db (redis_port 0 = REDIS_PORT=0), feeding stdin_text; *out
 * (may be NULL) gets stdout+stderr (caller frees). Returns the exit code. */
int authit_cli(const char *db, int redis_port, const char *stdin_text,
               char **out, const char *const *argv);

#endif
