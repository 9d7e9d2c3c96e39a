/* authit.c -- environment, deadlines, waiting and Postgres helpers of the
 * auth integration tests (see authit.h). */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "authit.h"

static char authit_dir[128];
static double authit_slow = 1.0;

void
authit_init(void)
{
    const char *slow = getenv("AUTHIT_SLOW");

    if (slow != NULL && atof(slow) >= 1.0)
        authit_slow = atof(slow);
    snprintf(authit_dir, sizeof authit_dir, "/tmp/authit.XXXXXX");
    if (mkdtemp(authit_dir) == NULL) {
        perror("authit: mkdtemp");
        exit(1);
    }
    signal(SIGPIPE, SIG_IGN);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (getenv("SQL_PORT") == NULL || getenv("PG_DATA") == NULL) {
        fprintf(stderr, "authit: run me through tests/auth/run.sh "
                "(needs with-postgres.sh's SQL_* and PG_*)\n");
        exit(1);
    }
}

const char *
authit_tmp(void)
{
    return authit_dir;
}

void
authit_cleanup(void)
{
    char cmd[200];

    authit_reap_all();
    curl_global_cleanup();
    if (authit_dir[0] != '\0' && getenv("AUTHIT_KEEP") == NULL) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", authit_dir);
        if (system(cmd) != 0)
            fprintf(stderr, "authit: could not remove %s\n", authit_dir);
    }
}

long long
authit_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long
authit_deadline(long ms)
{
    return authit_now_ms() + (long long)(ms * authit_slow);
}

int
authit_wait(int (*cond)(void *), void *arg, long timeout_ms)
{
    long long until = authit_deadline(timeout_ms);
    struct timespec tick = {0, 20 * 1000000L};

    for (;;) {
        if (cond(arg))
            return 0;
        if (authit_now_ms() > until)
            return -1;
        /* a poll interval, not a synchronisation: the condition decides */
        nanosleep(&tick, NULL);
    }
}

/* ---- Postgres ------------------------------------------------------------ */

static void
authit_pg_quiet(void *arg, const char *msg)
{
    (void)arg;
    (void)msg;
}

static PGconn *
authit_pg(const char *db)
{
    const char *keys[] = {"host", "port", "user", "dbname",
                          "connect_timeout", NULL};
    const char *vals[] = {getenv("SQL_HOST"), getenv("SQL_PORT"),
                          getenv("SQL_USER"), db, "3", NULL};
    PGconn *c = PQconnectdbParams(keys, vals, 0);

    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "authit: postgres %s: %s", db, PQerrorMessage(c));
        PQfinish(c);
        return NULL;
    }
    PQsetNoticeProcessor(c, authit_pg_quiet, NULL);
    return c;
}

int
authit_db_exec(const char *name, const char *sql)
{
    PGconn *c = authit_pg(name);
    PGresult *res;
    int rc = -1;

    if (c == NULL)
        return -1;
    res = PQexec(c, sql);
    if (PQresultStatus(res) == PGRES_COMMAND_OK ||
        PQresultStatus(res) == PGRES_TUPLES_OK)
        rc = 0;
    else
        fprintf(stderr, "authit: %s: %s", sql, PQerrorMessage(c));
    PQclear(res);
    PQfinish(c);
    return rc;
}

int
authit_db_create(const char *name)
{
    char sql[256];

    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)",
             name);
    if (authit_db_exec("postgres", sql) != 0)
        return -1;
    snprintf(sql, sizeof sql, "CREATE DATABASE \"%s\"", name);
    return authit_db_exec("postgres", sql);
}

long
authit_db_long(const char *name, const char *sql)
{
    PGconn *c = authit_pg(name);
    PGresult *res;
    long v = -1;

    if (c == NULL)
        return -1;
    res = PQexec(c, sql);
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
        v = atol(PQgetvalue(res, 0, 0));
    else
        fprintf(stderr, "authit: %s: %s", sql, PQerrorMessage(c));
    PQclear(res);
    PQfinish(c);
    return v;
}

long
authit_migrations_shipped(void)
{
    DIR *d = opendir("deploy/migrations");
    struct dirent *de;
    long n = 0;

    while (d != NULL && (de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);

        if (de->d_name[0] >= '0' && de->d_name[0] <= '9' && len > 4 &&
            strcmp(de->d_name + len - 4, ".sql") == 0)
            n++;
    }
    if (d != NULL)
        closedir(d);
    return n;
}

/* pg_ctl as the postgres user (Postgres refuses root). */
static int
authit_pg_ctl(const char *action)
{
    char cmd[1024];
    const char *bin = getenv("PG_BIN"), *data = getenv("PG_DATA");
    const char *opts = getenv("PG_OPTS"), *log = getenv("PG_LOG");

    if (strcmp(action, "start") == 0)
        snprintf(cmd, sizeof cmd, "%s %s/pg_ctl -D '%s' -l '%s' -w -t 30 "
                 "-o '%s' start >/dev/null", getuid() == 0
                 ? "runuser -u postgres --" : "", bin, data, log, opts);
    else
        snprintf(cmd, sizeof cmd, "%s %s/pg_ctl -D '%s' -m fast -w stop "
                 ">/dev/null", getuid() == 0 ? "runuser -u postgres --" : "",
                 bin, data);
    return system(cmd) == 0 ? 0 : -1;
}

int
authit_pg_stop(void)
{
    return authit_pg_ctl("stop");
}

int
authit_pg_start(void)
{
    return authit_pg_ctl("start");
}
