/* cmn_jwt.h -- HS256 session tokens: sign and verify with every check.
 *
 * libjwt 1.10 verifies the signature only: it accepts expired tokens, does
 * not pin the algorithm (HS512 passes as HS256) and verifies nothing with a
 * NULL key. cmn_jwt_verify() adds those checks: alg must be HS256, exp must
 * be in the future, sub and jti must be present and short. Revocation (is
 * this jti still the user's session?) is a Redis question for the callers. */
#ifndef CMN_JWT_H
#define CMN_JWT_H

#include <stddef.h>

#define CMN_JWT_SUB_MAX 64     /* user names are shorter than this */
#define CMN_JWT_JTI_MAX 48
#define CMN_JWT_KEY_MIN 32     /* bytes of HMAC key we insist on */

struct cmn_jwt_claims {
    char sub[CMN_JWT_SUB_MAX];
    char jti[CMN_JWT_JTI_MAX];
    long iat;
    long exp;
};

enum cmn_jwt_result {
    CMN_JWT_OK,
    CMN_JWT_MALFORMED,      /* not a JWT, or missing/oversized claims */
    CMN_JWT_BAD_SIGNATURE,  /* wrong key, tampered, or alg "none" */
    CMN_JWT_BAD_ALG,        /* validly signed, but not HS256 */
    CMN_JWT_EXPIRED
};

/* Sign {sub, iat, exp = iat + ttl, jti} with HS256. Returns a token the
 * caller frees with free(), or NULL. */
char *cmn_jwt_sign(const unsigned char *key, size_t keylen,
                   const char *sub, const char *jti, long iat, long ttl);

/* Verify token against key at time `now` and fill claims on success. */
enum cmn_jwt_result cmn_jwt_verify(const unsigned char *key, size_t keylen,
                                   const char *token, long now,
                                   struct cmn_jwt_claims *claims);

/* Short reason for logs and error replies ("expired", ...). */
const char *cmn_jwt_strerror(enum cmn_jwt_result r);

/* Fill out[2*n+1] with n random bytes as hex (libsodium). */
void cmn_random_hex(char *out, size_t nbytes);

/* Load the signing key: JWT_SECRET (its bytes as given, >= 32 of them) or
 * the contents of the file named by JWT_SECRET_FILE (trailing newlines
 * dropped). Returns 0, or -1 with err set. The key
 * buffer is the caller's; *keylen is set. */
int cmn_jwt_key_load(const char *secret, const char *secret_file,
                     unsigned char *key, size_t cap, size_t *keylen,
                     char *err);

#endif
