/* auth_pwhash.c -- argon2id with bounded concurrency (see auth_pwhash.h). */
#include <errno.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "cmn/cmn_err.h"
#include "cmn/cmn_health.h"

#include "auth_pwhash.h"

struct auth_pwhash {
    unsigned long long ops;
    size_t mem;
    sem_t slots;
    atomic_long in_flight;       /* waiting or running */
    struct cmn_metric *gauge;    /* mirrors in_flight; may be NULL */
    char dummy[AUTH_HASH_LEN];   /* hash of a random password */
};

static void
auth_pwhash_enter(struct auth_pwhash *ph)
{
    long n = atomic_fetch_add(&ph->in_flight, 1) + 1;

    if (ph->gauge != NULL)
        cmn_metric_set(ph->gauge, n);
    while (sem_wait(&ph->slots) != 0 && errno == EINTR)
        ;
}

static void
auth_pwhash_leave(struct auth_pwhash *ph)
{
    long n = atomic_fetch_sub(&ph->in_flight, 1) - 1;

    sem_post(&ph->slots);
    if (ph->gauge != NULL)
        cmn_metric_set(ph->gauge, n);
}

struct auth_pwhash *
auth_pwhash_new(unsigned t, unsigned m_mib, int concurrency,
                struct cmn_metric *gauge, char *err)
{
    struct auth_pwhash *ph;
    char pw[33];

    if (sodium_init() < 0) {
        cmn_errf(err, "libsodium cannot initialise");
        return NULL;
    }
    if ((ph = calloc(1, sizeof *ph)) == NULL) {
        cmn_errf(err, "out of memory");
        return NULL;
    }
    ph->ops = t;
    ph->gauge = gauge;
    ph->mem = (size_t)m_mib << 20;
    if (sem_init(&ph->slots, 0, (unsigned)concurrency) != 0) {
        cmn_errf(err, "sem_init: %s", strerror(errno));
        free(ph);
        return NULL;
    }
    /* The dummy's password is random and forgotten: nothing verifies. */
    randombytes_buf(pw, sizeof pw - 1);
    pw[sizeof pw - 1] = '\0';
    if (crypto_pwhash_str(ph->dummy, pw, sizeof pw - 1, ph->ops,
                          ph->mem) != 0) {
        cmn_errf(err, "argon2id t=%u m=%u MiB: out of memory", t, m_mib);
        sodium_memzero(pw, sizeof pw);
        auth_pwhash_free(ph);
        return NULL;
    }
    sodium_memzero(pw, sizeof pw);
    return ph;
}

void
auth_pwhash_free(struct auth_pwhash *ph)
{
    if (ph == NULL)
        return;
    sem_destroy(&ph->slots);
    free(ph);
}

int
auth_pwhash_hash(struct auth_pwhash *ph, const char *pw, size_t len,
                 char out[AUTH_HASH_LEN])
{
    int rc;

    auth_pwhash_enter(ph);
    rc = crypto_pwhash_str(out, pw, len, ph->ops, ph->mem);
    auth_pwhash_leave(ph);
    return rc == 0 ? 0 : -1;
}

int
auth_pwhash_verify(struct auth_pwhash *ph, const char *hash, const char *pw,
                   size_t len)
{
    int real = (hash != NULL && strncmp(hash, "$argon2", 7) == 0 &&
                strlen(hash) < AUTH_HASH_LEN);
    int ok;

    auth_pwhash_enter(ph);
    /* crypto_pwhash_str_verify compares in constant time */
    ok = crypto_pwhash_str_verify(real ? hash : ph->dummy, pw, len) == 0;
    auth_pwhash_leave(ph);
    return real && ok;
}

int
auth_pwhash_hash_fast(const char *pw, size_t len, char out[AUTH_HASH_LEN])
{
    return crypto_pwhash_str(out, pw, len, crypto_pwhash_OPSLIMIT_MIN,
                             crypto_pwhash_MEMLIMIT_MIN) == 0 ? 0 : -1;
}

long
auth_pwhash_in_flight(const struct auth_pwhash *ph)
{
    return atomic_load(&((struct auth_pwhash *)ph)->in_flight);
}
