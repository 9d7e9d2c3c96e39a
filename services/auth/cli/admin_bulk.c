/* admin_bulk.c -- `iseecubes-admin bulk`: create N users at once for load
 * tests: names <prefix>1 .. <prefix>N, passwords <password-prefix>1 ...
 *
 * Hashes are computed on every core; with --fast-hash at libsodium's
 * minimum cost (argon2id t=1, 8 KiB: microseconds each; never use it for
 * real accounts, and the tool says so). Rows go in with one multi-row
 * INSERT per 1000 users, all in one transaction. Existing names are kept
 * as they are unless --reset, which gives them the bulk password again and
 * enables them (role unchanged). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "cmn/cmn_buf.h"
#include "cmn/cmn_err.h"
#include "cmn/cmn_proc.h"

#include "admin.h"
#include "auth_users.h"

#define ADMIN_BULK_BATCH 1000
#define ADMIN_BULK_MAX 1000000

struct admin_bulk {
    long count, start;
    const char *prefix, *pw_prefix;
    int fast, reset;
    char (*hash)[AUTH_HASH_LEN];     /* count hashes */
    struct auth_pwhash *ph;
    long next;                       /* next index to hash (shared) */
    pthread_mutex_t lock;
    int failed;
};

static void
admin_bulk_name(const struct admin_bulk *b, long i, char *out, size_t cap)
{
    snprintf(out, cap, "%s%ld", b->prefix, b->start + i);
}

/* Worker: hash until every index is taken. */
static void *
admin_bulk_hasher(void *arg)
{
    struct admin_bulk *b = arg;
    char pw[AUTH_PASSWORD_MAX + 1];

    for (;;) {
        long i;
        int n, rc;

        pthread_mutex_lock(&b->lock);
        i = b->next++;
        pthread_mutex_unlock(&b->lock);
        if (i >= b->count)
            break;
        n = snprintf(pw, sizeof pw, "%s%ld", b->pw_prefix, b->start + i);
        rc = b->fast ? auth_pwhash_hash_fast(pw, (size_t)n, b->hash[i])
                     : auth_pwhash_hash(b->ph, pw, (size_t)n, b->hash[i]);
        if (rc != 0)
            b->failed = 1;
    }
    sodium_memzero(pw, sizeof pw);
    return NULL;
}

static int
admin_bulk_hash_all(struct admin_bulk *b)
{
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    int n = ncpu < 1 ? 1 : ncpu > 64 ? 64 : (int)ncpu;
    pthread_t t[64];
    int started = 0;

    pthread_mutex_init(&b->lock, NULL);
    for (int i = 0; i < n; i++)
        if (pthread_create(&t[i], NULL, admin_bulk_hasher, b) == 0)
            started++;
    if (started == 0)
        admin_bulk_hasher(b);
    for (int i = 0; i < started; i++)
        pthread_join(t[i], NULL);
    pthread_mutex_destroy(&b->lock);
    return b->failed ? -1 : 0;
}

/* Postgres array literal {"a","b"} of names or hashes (no quotes or
 * backslashes can occur in either). */
static void
admin_bulk_array(struct cmn_buf *a, const struct admin_bulk *b, long from,
                 long n, int hashes)
{
    char name[AUTH_NAME_MAX + 24];

    cmn_buf_reset(a);
    cmn_buf_puts(a, "{");
    for (long i = from; i < from + n; i++) {
        admin_bulk_name(b, i, name, sizeof name);
        cmn_buf_printf(a, "%s\"%s\"", i > from ? "," : "",
                       hashes ? b->hash[i] : name);
    }
    cmn_buf_puts(a, "}");
}

/* Insert everything in one transaction. Returns rows written or -1. */
static long
admin_bulk_insert(struct admin_ctx *ax, const struct admin_bulk *b)
{
    const char *sql = b->reset
        ? "INSERT INTO users (name, pw_hash, role) SELECT n, h, 'user' FROM "
          "unnest($1::text[], $2::text[]) AS t(n, h) ON CONFLICT (name) DO "
          "UPDATE SET pw_hash = EXCLUDED.pw_hash, status = 'enabled' "
          "WHERE users.role <> 'bot'"
        : "INSERT INTO users (name, pw_hash, role) SELECT n, h, 'user' FROM "
          "unnest($1::text[], $2::text[]) AS t(n, h) ON CONFLICT (name) DO "
          "NOTHING";
    struct cmn_buf names, hashes;
    char err[CMN_ERR_LEN];
    long done = 0;

    cmn_buf_init(&names);
    cmn_buf_init(&hashes);
    if (auth_db_command(&ax->db, "BEGIN", err) != 0)
        goto fail;
    for (long i = 0; i < b->count; i += ADMIN_BULK_BATCH) {
        long n = b->count - i < ADMIN_BULK_BATCH ? b->count - i
                                                 : ADMIN_BULK_BATCH;
        const char *params[2];
        PGresult *res;

        admin_bulk_array(&names, b, i, n, 0);
        admin_bulk_array(&hashes, b, i, n, 1);
        params[0] = names.p;
        params[1] = hashes.p;
        res = auth_db_exec(&ax->db, sql, 2, params, 0, err);
        if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK) {
            if (res != NULL)
                cmn_errf(err, "%s", PQresultErrorMessage(res));
            PQclear(res);
            auth_db_command(&ax->db, "ROLLBACK", NULL);
            goto fail;
        }
        done += atol(PQcmdTuples(res));
        PQclear(res);
    }
    if (auth_db_command(&ax->db, "COMMIT", err) != 0)
        goto fail;
    /* fresh statistics, so the enabled-users scan stays an index scan */
    auth_db_command(&ax->db, "ANALYZE users", NULL);
    cmn_buf_free(&names);
    sodium_memzero(hashes.p, hashes.cap);
    cmn_buf_free(&hashes);
    return done;
fail:
    fprintf(stderr, "iseecubes-admin: bulk insert: %.*s\n",
            (int)strcspn(err, "\n"), err);
    cmn_buf_free(&names);
    if (hashes.p != NULL)
        sodium_memzero(hashes.p, hashes.cap);
    cmn_buf_free(&hashes);
    return -1;
}

/* Parse the options; 0 or 2 (usage). */
static int
admin_bulk_args(struct admin_bulk *b, int argc, char **argv)
{
    char last[AUTH_NAME_MAX + 24];

    for (int i = 1; i < argc; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (strcmp(o, "--fast-hash") == 0)
            b->fast = 1;
        else if (strcmp(o, "--reset") == 0)
            b->reset = 1;
        else if (v != NULL && strcmp(o, "--count") == 0 && ++i)
            b->count = atol(v);
        else if (v != NULL && strcmp(o, "--start") == 0 && ++i)
            b->start = atol(v);
        else if (v != NULL && strcmp(o, "--prefix") == 0 && ++i)
            b->prefix = v;
        else if (v != NULL && strcmp(o, "--password-prefix") == 0 && ++i)
            b->pw_prefix = v;
        else
            return 2;
    }
    if (b->count < 1 || b->count > ADMIN_BULK_MAX || b->start < 0 ||
        b->prefix == NULL || b->pw_prefix == NULL ||
        strlen(b->pw_prefix) > AUTH_PASSWORD_MAX - 20)
        return 2;
    admin_bulk_name(b, b->count - 1, last, sizeof last);
    return auth_users_name_valid(last) && (b->prefix[0] != '\0') ? 0 : 2;
}

int
admin_cmd_bulk(struct admin_ctx *ax, int argc, char **argv)
{
    struct admin_bulk b;
    long long t0 = cmn_mono_ms();
    long written;

    memset(&b, 0, sizeof b);
    b.start = 1;
    b.ph = ax->ph;
    if (admin_bulk_args(&b, argc, argv) != 0) {
        fprintf(stderr, "usage: iseecubes-admin bulk --count N --prefix P "
                "--password-prefix Q [--start 1] [--fast-hash] [--reset]\n"
                "(creates P<i> with password Q<i>; names: %s)\n",
                AUTH_NAME_RULE);
        return 2;
    }
    if (b.fast)
        printf("bulk: --fast-hash: argon2id at libsodium's minimum cost "
               "(t=1, 8 KiB), for load-test accounts only\n");
    if ((b.hash = calloc((size_t)b.count, sizeof *b.hash)) == NULL ||
        admin_bulk_hash_all(&b) != 0) {
        fprintf(stderr, "iseecubes-admin: cannot hash (out of memory)\n");
        free(b.hash);
        return 1;
    }
    written = admin_bulk_insert(ax, &b);
    sodium_memzero(b.hash, (size_t)b.count * sizeof *b.hash);
    free(b.hash);
    if (written < 0)
        return 1;
    printf("bulk: %s %ld users in %s%ld..%s%ld (%ld skipped: %s) in "
           "%.2f s\n", b.reset ? "created or reset" : "created", written,
           b.prefix, b.start, b.prefix, b.start + b.count - 1,
           b.count - written, b.reset ? "bots" : "existing, kept as they were",
           (double)(cmn_mono_ms() - t0) / 1000.0);
    admin_redis_sync(ax);
    return 0;
}
