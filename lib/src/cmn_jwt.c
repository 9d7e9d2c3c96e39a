/* cmn_jwt.c -- HS256 tokens over libjwt, with the checks libjwt 1.10 lacks
 * (see cmn_jwt.h). Thread-safe: no shared state. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jwt.h>
#include <sodium.h>

#include "cmn/cmn_err.h"
#include "cmn/cmn_jwt.h"

/* A token bigger than this is not one of ours; refuse before parsing. */
#define CMN_JWT_TOKEN_MAX 1024

char *
cmn_jwt_sign(const unsigned char *key, size_t keylen, const char *sub,
             const char *jti, long iat, long ttl)
{
    jwt_t *j = NULL;
    char *out = NULL;

    if (key == NULL || keylen == 0 || jwt_new(&j) != 0)
        return NULL;
    if (jwt_add_grant(j, "sub", sub) == 0 &&
        jwt_add_grant(j, "jti", jti) == 0 &&
        jwt_add_grant_int(j, "iat", iat) == 0 &&
        jwt_add_grant_int(j, "exp", iat + ttl) == 0 &&
        jwt_set_alg(j, JWT_ALG_HS256, key, (int)keylen) == 0)
        out = jwt_encode_str(j);
    jwt_free(j);
    return out;
}

/* Copy a string claim into dst[cap]; -1 when absent, empty or too long. */
static int
cmn_jwt_copy_claim(jwt_t *j, const char *name, char *dst, size_t cap)
{
    const char *v = jwt_get_grant(j, name);
    size_t n;

    if (v == NULL || (n = strlen(v)) == 0 || n >= cap)
        return -1;
    memcpy(dst, v, n + 1);
    return 0;
}

/* Does the header name HS256? libjwt will happily verify HS384/512 with the
 * same key, so the alg is checked before we trust anything. */
static int
cmn_jwt_header_alg_ok(jwt_t *j)
{
    const char *alg = jwt_get_header(j, "alg");

    return jwt_get_alg(j) == JWT_ALG_HS256 && alg != NULL &&
           strcmp(alg, "HS256") == 0;
}

enum cmn_jwt_result
cmn_jwt_verify(const unsigned char *key, size_t keylen, const char *token,
               long now, struct cmn_jwt_claims *claims)
{
    enum cmn_jwt_result rc = CMN_JWT_MALFORMED;
    jwt_t *j = NULL;
    int err;

    if (key == NULL || keylen == 0 || token == NULL ||
        strnlen(token, CMN_JWT_TOKEN_MAX + 1) > CMN_JWT_TOKEN_MAX)
        return CMN_JWT_MALFORMED;
    err = jwt_decode(&j, token, key, (int)keylen);
    if (err != 0 || j == NULL) {
        /* EINVAL covers a bad signature and alg "none" alike */
        rc = (err == EINVAL) ? CMN_JWT_BAD_SIGNATURE : CMN_JWT_MALFORMED;
        goto out;
    }
    if (!cmn_jwt_header_alg_ok(j)) {
        rc = CMN_JWT_BAD_ALG;
        goto out;
    }
    if (cmn_jwt_copy_claim(j, "sub", claims->sub, sizeof claims->sub) != 0 ||
        cmn_jwt_copy_claim(j, "jti", claims->jti, sizeof claims->jti) != 0)
        goto out;
    errno = 0;
    claims->exp = jwt_get_grant_int(j, "exp");
    if (errno != 0)
        goto out;
    errno = 0;
    claims->iat = jwt_get_grant_int(j, "iat");
    if (errno != 0)
        claims->iat = 0;
    rc = (claims->exp > now) ? CMN_JWT_OK : CMN_JWT_EXPIRED;
out:
    jwt_free(j);
    return rc;
}

const char *
cmn_jwt_strerror(enum cmn_jwt_result r)
{
    switch (r) {
    case CMN_JWT_OK: return "ok";
    case CMN_JWT_MALFORMED: return "malformed";
    case CMN_JWT_BAD_SIGNATURE: return "bad_signature";
    case CMN_JWT_BAD_ALG: return "bad_alg";
    case CMN_JWT_EXPIRED: return "expired";
    }
    return "unknown";
}

void
cmn_random_hex(char *out, size_t nbytes)
{
    unsigned char raw[64];

    if (nbytes > sizeof raw)
        nbytes = sizeof raw;
    randombytes_buf(raw, nbytes);
    sodium_bin2hex(out, nbytes * 2 + 1, raw, nbytes);
}

/* Read at most cap bytes of the key file; trailing newlines dropped. */
static int
cmn_jwt_key_read_file(const char *path, char *buf, size_t cap, char *err)
{
    FILE *f = fopen(path, "r");
    size_t n;

    if (f == NULL) {
        cmn_errf(err, "JWT_SECRET_FILE %s: %s", path, strerror(errno));
        return -1;
    }
    n = fread(buf, 1, cap - 1, f);
    fclose(f);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        n--;
    buf[n] = '\0';
    return 0;
}

int
cmn_jwt_key_load(const char *secret, const char *secret_file,
                 unsigned char *key, size_t cap, size_t *keylen, char *err)
{
    char text[512];
    size_t n;
    int rc = -1;

    if (secret != NULL && *secret != '\0') {
        snprintf(text, sizeof text, "%s", secret);
    } else if (secret_file != NULL && *secret_file != '\0') {
        if (cmn_jwt_key_read_file(secret_file, text, sizeof text, err) != 0)
            return -1;
    } else {
        cmn_errf(err, "JWT_SECRET or JWT_SECRET_FILE is required");
        return -1;
    }
    n = strlen(text);
    if (n < CMN_JWT_KEY_MIN || n > cap) {
        cmn_errf(err, "JWT secret must be %d to %zu bytes long",
                 CMN_JWT_KEY_MIN, cap);
        goto out;
    }
    memcpy(key, text, n);
    *keylen = n;
    rc = 0;
out:
    sodium_memzero(text, sizeof text);
    return rc;
}
