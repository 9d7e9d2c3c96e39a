/* auth_db.h -- one Postgres connection that reconnects by itself.
 *
 * A struct auth_db belongs to one thread (a PGconn must not be shared):
 * each HTTP worker thread, the mirror thread and the admin tool have their
 * own. A lost connection is dropped and re-opened on the next use, with a
 * short backoff (100 ms doubling to 1 s); the outage and the recovery are
 * each logged once. */
#ifndef AUTH_DB_H
#define AUTH_DB_H

#include <libpq-fe.h>

struct auth_db_config {
    const char *host;       /* host name, address or unix socket dir */
    int port;
    const char *user;
    const char *password;   /* "" = none */
    const char *database;
};

struct auth_db {
    PGconn *c;
    const struct auth_db_config *cfg;   /* borrowed, outlives the db */
    const char *who;                    /* application_name, log tag */
    long long next_try_ms;              /* monotonic; no connect before */
    int backoff_ms;
    int down;                           /* 1 while unreachable (logged) */
    int statement_timeout_ms;           /* 0 = none */
};

void auth_db_init(struct auth_db *db, const struct auth_db_config *cfg,
                  const char *who, int statement_timeout_ms);

/* The live connection, connecting first when needed; NULL while Postgres
 * is unreachable (err says why) or during the backoff. */
PGconn *auth_db_conn(struct auth_db *db, char *err);

/* Run one parameterised statement (text parameters, text results).
 * Returns the result (caller frees with PQclear), which may carry an SQL
 * error (check PQresultStatus); or NULL when the connection is down or
 * broke during the statement (err set). With retry != 0 a statement that
 * hit a dead connection is sent once more on a fresh one: only for reads
 * and other statements that are safe to repeat. */
PGresult *auth_db_exec(struct auth_db *db, const char *sql, int nparams,
                       const char *const *params, int retry, char *err);

/* Run a statement that returns no rows (BEGIN, COMMIT, DDL). 0 or -1. */
int auth_db_command(struct auth_db *db, const char *sql, char *err);

/* Run a whole SQL script (several statements, simple protocol), e.g. a
 * migration file. 0, or -1 with the first line of the error in err. */
int auth_db_script(struct auth_db *db, const char *sql, char *err);

/* 1 when res is an error with this SQLSTATE ("23505" = unique). */
int auth_db_is_state(const PGresult *res, const char *sqlstate);

/* Close the connection (the struct may be used again). */
void auth_db_close(struct auth_db *db);

#endif
