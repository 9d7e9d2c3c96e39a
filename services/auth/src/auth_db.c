/* auth_db.c -- reconnecting Postgres connection (see auth_db.h). */
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "cmn/cmn_err.h"
#include "cmn/cmn_log.h"
#include "cmn/cmn_proc.h"

#include "auth_db.h"

#define AUTH_DB_BACKOFF_MIN 100
#define AUTH_DB_BACKOFF_MAX 1000

void
auth_db_init(struct auth_db *db, const struct auth_db_config *cfg,
             const char *who, int statement_timeout_ms)
{
    memset(db, 0, sizeof *db);
    db->cfg = cfg;
    db->who = who;
    db->backoff_ms = AUTH_DB_BACKOFF_MIN;
    db->statement_timeout_ms = statement_timeout_ms;
}

/* NOTICEs (e.g. "relation already exists, skipping") go to the debug log
 * instead of stderr. */
static void
auth_db_notice(void *arg, const char *msg)
{
    const struct auth_db *db = arg;
    size_t n = strlen(msg);

    if (n > 0 && msg[n - 1] == '\n')
        n--;
    cmn_log_debug("db", "%s: notice: %.*s", db->who, (int)n, msg);
}

/* Make the first line of a libpq message fit one log line. */
static void
auth_db_errline(char *err, const char *what, const char *msg)
{
    size_t n = strcspn(msg, "\n");

    cmn_errf(err, "%s: %.*s", what, (int)n, msg);
}

static void auth_db_broken(struct auth_db *db);

static void
auth_db_failed_connect(struct auth_db *db, const char *why, char *err)
{
    char line[CMN_ERR_LEN];

    auth_db_errline(line, "postgres unreachable", why);
    cmn_errf(err, "%s", line);
    if (!db->down)
        cmn_log_error("db", "%s: cannot connect to %s:%d/%s: %s", db->who,
                      db->cfg->host, db->cfg->port, db->cfg->database,
                      line + strlen("postgres unreachable: "));
    db->down = 1;
    db->next_try_ms = cmn_mono_ms() + db->backoff_ms;
    db->backoff_ms *= 2;
    if (db->backoff_ms > AUTH_DB_BACKOFF_MAX)
        db->backoff_ms = AUTH_DB_BACKOFF_MAX;
}

/* An idle connection (no transaction open) with something to read was
 * closed by the server (a restart, an administrator command). Inside a
 * transaction a dead connection is kept, so that the next statement fails
 * and the transaction's owner sees it, instead of the rest of the
 * transaction running on a fresh connection outside it. */
static int
auth_db_stale(PGconn *c)
{
    struct pollfd pfd;

    pfd.fd = PQsocket(c);
    pfd.events = POLLIN;
    pfd.revents = 0;
    if (PQtransactionStatus(c) != PQTRANS_IDLE || poll(&pfd, 1, 0) == 0)
        return 0;
    /* read what the server said, for the log line of auth_db_broken() */
    PQconsumeInput(c);
    return 1;
}

PGconn *
auth_db_conn(struct auth_db *db, char *err)
{
    char port[16], options[64];
    const char *keys[9], *vals[9];
    PGconn *c;
    int i = 0;

    if (db->c != NULL && auth_db_stale(db->c)) {
        auth_db_broken(db);
        db->next_try_ms = 0;          /* no backoff: it is probably back */
    }
    if (db->c != NULL)
        return db->c;
    if (cmn_mono_ms() < db->next_try_ms) {
        cmn_errf(err, "postgres unreachable (retrying)");
        return NULL;
    }
    snprintf(port, sizeof port, "%d", db->cfg->port);
    snprintf(options, sizeof options, "-c statement_timeout=%d",
             db->statement_timeout_ms);
    keys[i] = "host";             vals[i++] = db->cfg->host;
    keys[i] = "port";             vals[i++] = port;
    keys[i] = "user";             vals[i++] = db->cfg->user;
    keys[i] = "password";         vals[i++] = db->cfg->password;
    keys[i] = "dbname";           vals[i++] = db->cfg->database;
    keys[i] = "connect_timeout";  vals[i++] = "3";
    keys[i] = "application_name"; vals[i++] = db->who;
    keys[i] = "options";          vals[i++] = options;
    keys[i] = NULL;               vals[i] = NULL;
    c = PQconnectdbParams(keys, vals, 0);
    if (c == NULL || PQstatus(c) != CONNECTION_OK) {
        auth_db_failed_connect(db, c ? PQerrorMessage(c) : "out of memory",
                               err);
        PQfinish(c);
        return NULL;
    }
    PQsetNoticeProcessor(c, auth_db_notice, db);
    if (db->down)
        cmn_log_info("db", "%s: connected again to %s:%d/%s", db->who,
                     db->cfg->host, db->cfg->port, db->cfg->database);
    db->down = 0;
    db->backoff_ms = AUTH_DB_BACKOFF_MIN;
    db->c = c;
    return c;
}

/* The connection died under a statement: log once, drop it. */
static void
auth_db_broken(struct auth_db *db)
{
    if (!db->down)
        cmn_log_error("db", "%s: connection lost: %.*s", db->who,
                      (int)strcspn(PQerrorMessage(db->c), "\n"),
                      PQerrorMessage(db->c));
    db->down = 1;
    PQfinish(db->c);
    db->c = NULL;
}

PGresult *
auth_db_exec(struct auth_db *db, const char *sql, int nparams,
             const char *const *params, int retry, char *err)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        PGconn *c = auth_db_conn(db, err);
        PGresult *res;

        if (c == NULL)
            return NULL;
        res = PQexecParams(c, sql, nparams, NULL, params, NULL, NULL, 0);
        if (PQstatus(c) == CONNECTION_OK && res != NULL)
            return res;
        auth_db_errline(err, "postgres connection lost",
                        PQerrorMessage(c));
        PQclear(res);
        auth_db_broken(db);
        /* a fresh connection right away, not after the backoff */
        db->next_try_ms = 0;
        if (!retry)
            break;
    }
    return NULL;
}

int
auth_db_command(struct auth_db *db, const char *sql, char *err)
{
    PGresult *res = auth_db_exec(db, sql, 0, NULL, 0, err);
    int rc = -1;

    if (res == NULL)
        return -1;
    if (PQresultStatus(res) == PGRES_COMMAND_OK ||
        PQresultStatus(res) == PGRES_TUPLES_OK)
        rc = 0;
    else
        auth_db_errline(err, "postgres", PQresultErrorMessage(res));
    PQclear(res);
    return rc;
}

int
auth_db_script(struct auth_db *db, const char *sql, char *err)
{
    PGconn *c = auth_db_conn(db, err);
    PGresult *res;
    int rc = -1;

    if (c == NULL)
        return -1;
    res = PQexec(c, sql);
    if (PQstatus(c) != CONNECTION_OK) {
        auth_db_errline(err, "postgres connection lost", PQerrorMessage(c));
        PQclear(res);
        auth_db_broken(db);
        return -1;
    }
    if (res != NULL && (PQresultStatus(res) == PGRES_COMMAND_OK ||
                        PQresultStatus(res) == PGRES_TUPLES_OK ||
                        PQresultStatus(res) == PGRES_EMPTY_QUERY))
        rc = 0;
    else
        auth_db_errline(err, "postgres", res ? PQresultErrorMessage(res)
                                             : PQerrorMessage(c));
    PQclear(res);
    return rc;
}

int
auth_db_is_state(const PGresult *res, const char *sqlstate)
{
    const char *s = PQresultErrorField(res, PG_DIAG_SQLSTATE);

    return s != NULL && strcmp(s, sqlstate) == 0;
}

void
auth_db_close(struct auth_db *db)
{
    PQfinish(db->c);
    db->c = NULL;
}
