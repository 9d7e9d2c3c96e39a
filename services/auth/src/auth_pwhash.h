/* auth_pwhash.h -- argon2id password hashes (libsodium crypto_pwhash_str).
 *
 * Hashing and verifying cost one core and AUTH_ARGON2_MEMLIMIT_MIB of RAM
 * for tens of milliseconds, so at most `concurrency` run at once (a
 * semaphore); callers block on it, which is why HTTP handlers run on MHD's
 * worker threads and never on an event loop. Verifying against NULL (an
 * unknown user, a bot) checks a dummy hash made with the same parameters,
 * so the time and the answer do not tell whether the user exists.
 * Thread-safe after auth_pwhash_new(). */
#ifndef AUTH_PWHASH_H
#define AUTH_PWHASH_H

#include <stddef.h>

#include <sodium.h>

#define AUTH_HASH_LEN crypto_pwhash_STRBYTES   /* 128, NUL included */
#define AUTH_PASSWORD_MAX 1024                 /* bytes */

struct auth_pwhash;

struct cmn_metric;

/* Parameters: t iterations, m_mib MiB; gauge (may be NULL) follows the
 * number of hashes waiting or running. Makes the dummy hash (one hash's
 * time). Returns NULL with err set on failure (out of memory). */
struct auth_pwhash *auth_pwhash_new(unsigned t, unsigned m_mib,
                                    int concurrency,
                                    struct cmn_metric *gauge, char *err);
/* NULL-safe. */
void auth_pwhash_free(struct auth_pwhash *ph);

/* Hash pw[0..len) into out[AUTH_HASH_LEN]. 0 or -1 (out of memory). */
int auth_pwhash_hash(struct auth_pwhash *ph, const char *pw, size_t len,
                     char out[AUTH_HASH_LEN]);

/* 1 when pw matches hash; 0 otherwise, also when hash is NULL, empty or
 * not an argon2 string (then the dummy hash is verified instead, so the
 * call takes as long as a real one). */
int auth_pwhash_verify(struct auth_pwhash *ph, const char *hash,
                       const char *pw, size_t len);

/* Hash at libsodium's minimum cost (t=1, 8 KiB): for bulk-created load
 * test accounts only. No semaphore (it takes microseconds). 0 or -1. */
int auth_pwhash_hash_fast(const char *pw, size_t len,
                          char out[AUTH_HASH_LEN]);

/* Hashes waiting or running right now. */
long auth_pwhash_in_flight(const struct auth_pwhash *ph);

#endif
