/* test_cmn_jwt.c -- HS256 sign/verify with the checks libjwt 1.10 lacks:
 * wrong key, tampering, expiry, alg "none", other HMAC algs with the same
 * key, missing or oversized claims, NULL keys; key loading; random ids.
 *
 * Forged tokens are built here byte by byte (base64url + OpenSSL HMAC), so
 * each case controls exactly the header and claims it sends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jwt.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include "cmn/cmn_err.h"
#include "cmn/cmn_jwt.h"

static const unsigned char t_key[] = "0123456789abcdef0123456789abcdef";
#define T_KEYLEN 32
static const unsigned char t_other[] = "fedcba9876543210fedcba9876543210";
#define T_NOW 1800000000L

/* ---- token forging ------------------------------------------------------ */

static void
b64url(const unsigned char *in, size_t n, char *out)
{
    static const char tab[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t i, o = 0;

    for (i = 0; i + 2 < n; i += 3) {
        out[o++] = tab[in[i] >> 2];
        out[o++] = tab[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
        out[o++] = tab[((in[i + 1] & 15) << 2) | (in[i + 2] >> 6)];
        out[o++] = tab[in[i + 2] & 63];
    }
    if (i < n) {
        out[o++] = tab[in[i] >> 2];
        if (i + 1 < n) {
            out[o++] = tab[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
            out[o++] = tab[(in[i + 1] & 15) << 2];
        } else {
            out[o++] = tab[(in[i] & 3) << 4];
        }
    }
    out[o] = '\0';
}

/* header.payload.signature with the HMAC named by md (NULL = no
 * signature, as alg "none" has). Static buffer. */
static const char *
forge(const char *header, const char *payload, const EVP_MD *md,
      const unsigned char *key)
{
    static char tok[4096];
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0;
    size_t n;

    b64url((const unsigned char *)header, strlen(header), tok);
    n = strlen(tok);
    tok[n++] = '.';
    b64url((const unsigned char *)payload, strlen(payload), tok + n);
    n = strlen(tok);
    if (md != NULL)
        HMAC(md, key, T_KEYLEN, (const unsigned char *)tok, n, mac, &maclen);
    tok[n++] = '.';
    b64url(mac, maclen, tok + n);
    return tok;
}

#define HS256_HDR "{\"alg\":\"HS256\",\"typ\":\"JWT\"}"

static enum cmn_jwt_result
verify(const char *token, struct cmn_jwt_claims *c)
{
    return cmn_jwt_verify(t_key, T_KEYLEN, token, T_NOW, c);
}

static enum cmn_jwt_result
verify_claims(const char *payload)
{
    struct cmn_jwt_claims c;

    return verify(forge(HS256_HDR, payload, EVP_sha256(), t_key), &c);
}

/* ---- sign / verify ------------------------------------------------------ */

static void
test_signed_token_verifies_with_its_claims(void **state)
{
    struct cmn_jwt_claims c;
    char *tok;

    (void)state;
    tok = cmn_jwt_sign(t_key, T_KEYLEN, "alice", "j-1", T_NOW - 10, 3600);
    assert_non_null(tok);
    assert_int_equal(verify(tok, &c), CMN_JWT_OK);
    assert_string_equal(c.sub, "alice");
    assert_string_equal(c.jti, "j-1");
    assert_int_equal(c.iat, T_NOW - 10);
    assert_int_equal(c.exp, T_NOW - 10 + 3600);
    free(tok);
}

static void
test_signed_token_is_hs256_in_three_parts(void **state)
{
    char *tok = cmn_jwt_sign(t_key, T_KEYLEN, "bob", "j", T_NOW, 60);
    jwt_t *j = NULL;
    int dots = 0;

    (void)state;
    for (const char *p = tok; *p; p++)
        dots += (*p == '.');
    assert_int_equal(dots, 2);
    assert_int_equal(jwt_decode(&j, tok, t_key, T_KEYLEN), 0);
    assert_int_equal(jwt_get_alg(j), JWT_ALG_HS256);
    jwt_free(j);
    free(tok);
}

static void
test_sign_refuses_a_missing_key(void **state)
{
    (void)state;
    assert_null(cmn_jwt_sign(NULL, 32, "a", "j", T_NOW, 60));
    assert_null(cmn_jwt_sign(t_key, 0, "a", "j", T_NOW, 60));
}

static void
test_verify_rejects_wrong_key(void **state)
{
    struct cmn_jwt_claims c;
    char *tok = cmn_jwt_sign(t_other, T_KEYLEN, "alice", "j", T_NOW, 60);

    (void)state;
    assert_int_equal(verify(tok, &c), CMN_JWT_BAD_SIGNATURE);
    free(tok);
}

static void
test_verify_rejects_tampered_payload(void **state)
{
    static const char mallory[] = "{\"exp\":1900000000,\"iat\":1800000000,"
                                  "\"jti\":\"j\",\"sub\":\"mallory\"}";
    struct cmn_jwt_claims c;
    char *tok = cmn_jwt_sign(t_key, T_KEYLEN, "alice", "j", T_NOW, 60);
    const char *payload = strchr(tok, '.') + 1;
    const char *sig = strchr(payload, '.');
    char tok2[4096];
    size_t hl = (size_t)(payload - tok);

    (void)state;
    /* alice's header and signature around mallory's claims */
    memcpy(tok2, tok, hl);
    b64url((const unsigned char *)mallory, strlen(mallory), tok2 + hl);
    strcat(tok2, sig);
    assert_int_equal(verify(tok2, &c), CMN_JWT_BAD_SIGNATURE);
    /* one flipped signature character */
    tok[strlen(tok) - 2] ^= 1;
    assert_int_equal(verify(tok, &c), CMN_JWT_BAD_SIGNATURE);
    free(tok);
}

static void
test_verify_rejects_expired_token(void **state)
{
    struct cmn_jwt_claims c;
    char *tok = cmn_jwt_sign(t_key, T_KEYLEN, "alice", "j", T_NOW - 100, 60);

    (void)state;
    assert_int_equal(verify(tok, &c), CMN_JWT_EXPIRED);
    free(tok);
}

static void
test_verify_treats_exp_equal_to_now_as_expired(void **state)
{
    struct cmn_jwt_claims c;
    char *tok = cmn_jwt_sign(t_key, T_KEYLEN, "alice", "j", T_NOW - 60, 60);

    (void)state;
    assert_int_equal(cmn_jwt_verify(t_key, T_KEYLEN, tok, T_NOW, &c),
                     CMN_JWT_EXPIRED);
    assert_int_equal(cmn_jwt_verify(t_key, T_KEYLEN, tok, T_NOW - 1, &c),
                     CMN_JWT_OK);
    free(tok);
}

static void
test_verify_rejects_alg_none_made_by_libjwt(void **state)
{
    struct cmn_jwt_claims c;
    jwt_t *j = NULL;
    char *tok;

    (void)state;
    assert_int_equal(jwt_new(&j), 0);
    jwt_add_grant(j, "sub", "alice");
    jwt_add_grant(j, "jti", "j");
    jwt_add_grant_int(j, "exp", T_NOW + 3600);
    assert_int_equal(jwt_set_alg(j, JWT_ALG_NONE, NULL, 0), 0);
    tok = jwt_encode_str(j);
    assert_non_null(tok);
    assert_int_equal(verify(tok, &c), CMN_JWT_BAD_SIGNATURE);
    free(tok);
    jwt_free(j);
}

static void
test_verify_rejects_forged_alg_none_header(void **state)
{
    struct cmn_jwt_claims c;
    const char *claims = "{\"exp\":1900000000,\"jti\":\"j\",\"sub\":\"alice\"}";

    (void)state;
    /* no signature at all */
    assert_int_equal(verify(forge("{\"alg\":\"none\"}", claims, NULL, NULL),
                            &c), CMN_JWT_BAD_SIGNATURE);
    assert_int_equal(verify(forge("{\"alg\":\"none\",\"typ\":\"JWT\"}",
                                  claims, NULL, NULL), &c),
                     CMN_JWT_BAD_SIGNATURE);
    /* "none" header carrying a real HS256 signature */
    assert_int_not_equal(verify(forge("{\"alg\":\"none\"}", claims,
                                      EVP_sha256(), t_key), &c),
                         CMN_JWT_OK);
}

static void
test_verify_rejects_other_hmac_algs_signed_with_the_same_key(void **state)
{
    struct cmn_jwt_claims c;
    const char *claims = "{\"exp\":1900000000,\"jti\":\"j\",\"sub\":\"alice\"}";

    (void)state;
    assert_int_equal(verify(forge("{\"alg\":\"HS512\",\"typ\":\"JWT\"}",
                                  claims, EVP_sha512(), t_key), &c),
                     CMN_JWT_BAD_ALG);
    assert_int_equal(verify(forge("{\"alg\":\"HS384\",\"typ\":\"JWT\"}",
                                  claims, EVP_sha384(), t_key), &c),
                     CMN_JWT_BAD_ALG);
}

static void
test_verify_rejects_a_null_or_empty_key(void **state)
{
    struct cmn_jwt_claims c;
    char *tok = cmn_jwt_sign(t_key, T_KEYLEN, "alice", "j", T_NOW, 60);

    (void)state;
    /* libjwt verifies nothing with a NULL key; we must not accept */
    assert_int_equal(cmn_jwt_verify(NULL, 0, tok, T_NOW, &c),
                     CMN_JWT_MALFORMED);
    assert_int_equal(cmn_jwt_verify(t_key, 0, tok, T_NOW, &c),
                     CMN_JWT_MALFORMED);
    free(tok);
}

static void
test_verify_rejects_text_that_is_not_a_token(void **state)
{
    static const char *const junk[] = {
        "", "not-a-jwt", "a.b", "a.b.c", "..", "...",
        "eyJhbGciOiJIUzI1NiJ9..", "eyJhbGciOiJIUzI1NiJ9.e30.",
        "eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.AAAA",
    };
    struct cmn_jwt_claims c;

    (void)state;
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
        enum cmn_jwt_result r = verify(junk[i], &c);

        if (r == CMN_JWT_OK || r == CMN_JWT_EXPIRED)
            fail_msg("\"%s\" gave %s", junk[i], cmn_jwt_strerror(r));
    }
    assert_int_equal(cmn_jwt_verify(t_key, T_KEYLEN, NULL, T_NOW, &c),
                     CMN_JWT_MALFORMED);
}

static void
test_verify_refuses_oversized_token_before_parsing(void **state)
{
    char payload[1200];
    int n;

    (void)state;
    /* validly signed, but bigger than any token we issue */
    n = snprintf(payload, sizeof payload, "{\"exp\":1900000000,\"jti\":\"j\","
                 "\"sub\":\"alice\",\"pad\":\"");
    memset(payload + n, 'x', 900);
    strcpy(payload + n + 900, "\"}");
    assert_int_equal(verify_claims(payload), CMN_JWT_MALFORMED);
}

static void
test_verify_requires_sub_jti_and_exp(void **state)
{
    (void)state;
    assert_int_equal(verify_claims("{\"exp\":1900000000,\"jti\":\"j\","
                                   "\"sub\":\"alice\"}"), CMN_JWT_OK);
    assert_int_equal(verify_claims("{\"exp\":1900000000,\"jti\":\"j\"}"),
                     CMN_JWT_MALFORMED);
    assert_int_equal(verify_claims("{\"exp\":1900000000,\"sub\":\"alice\"}"),
                     CMN_JWT_MALFORMED);
    assert_int_equal(verify_claims("{\"jti\":\"j\",\"sub\":\"alice\"}"),
                     CMN_JWT_MALFORMED);
    assert_int_equal(verify_claims("{\"exp\":1900000000,\"jti\":\"j\","
                                   "\"sub\":\"\"}"), CMN_JWT_MALFORMED);
    assert_int_equal(verify_claims("{\"exp\":1900000000,\"jti\":\"\","
                                   "\"sub\":\"alice\"}"), CMN_JWT_MALFORMED);
    assert_int_equal(verify_claims("{\"exp\":1900000000,\"jti\":\"j\","
                                   "\"sub\":42}"), CMN_JWT_MALFORMED);
}

static void
test_verify_rejects_exp_that_is_not_an_integer(void **state)
{
    (void)state;
    assert_int_not_equal(verify_claims("{\"exp\":\"1900000000\",\"jti\":\"j\","
                                       "\"sub\":\"alice\"}"), CMN_JWT_OK);
    assert_int_not_equal(verify_claims("{\"exp\":1.9e9,\"jti\":\"j\","
                                       "\"sub\":\"alice\"}"), CMN_JWT_OK);
    assert_int_not_equal(verify_claims("{\"exp\":null,\"jti\":\"j\","
                                       "\"sub\":\"alice\"}"), CMN_JWT_OK);
}

static void
test_verify_accepts_a_missing_iat_as_zero(void **state)
{
    struct cmn_jwt_claims c;

    (void)state;
    assert_int_equal(verify(forge(HS256_HDR, "{\"exp\":1900000000,"
                                  "\"jti\":\"j\",\"sub\":\"a\"}",
                                  EVP_sha256(), t_key), &c), CMN_JWT_OK);
    assert_int_equal(c.iat, 0);
    assert_int_equal(c.exp, 1900000000L);
}

static void
test_verify_enforces_claim_length_limits(void **state)
{
    char payload[512], sub[CMN_JWT_SUB_MAX + 1], jti[CMN_JWT_JTI_MAX + 1];
    struct cmn_jwt_claims c;

    (void)state;
    memset(sub, 's', sizeof sub);
    memset(jti, 'j', sizeof jti);
    /* the longest that fits (with its NUL) */
    sub[CMN_JWT_SUB_MAX - 1] = '\0';
    jti[CMN_JWT_JTI_MAX - 1] = '\0';
    snprintf(payload, sizeof payload, "{\"exp\":1900000000,\"jti\":\"%s\","
             "\"sub\":\"%s\"}", jti, sub);
    assert_int_equal(verify(forge(HS256_HDR, payload, EVP_sha256(), t_key),
                            &c), CMN_JWT_OK);
    assert_int_equal(strlen(c.sub), CMN_JWT_SUB_MAX - 1);
    assert_int_equal(strlen(c.jti), CMN_JWT_JTI_MAX - 1);
    /* one more character each */
    sub[CMN_JWT_SUB_MAX - 1] = 's';
    sub[CMN_JWT_SUB_MAX] = '\0';
    snprintf(payload, sizeof payload, "{\"exp\":1900000000,\"jti\":\"j\","
             "\"sub\":\"%s\"}", sub);
    assert_int_equal(verify_claims(payload), CMN_JWT_MALFORMED);
    jti[CMN_JWT_JTI_MAX - 1] = 'j';
    jti[CMN_JWT_JTI_MAX] = '\0';
    snprintf(payload, sizeof payload, "{\"exp\":1900000000,\"jti\":\"%s\","
             "\"sub\":\"a\"}", jti);
    assert_int_equal(verify_claims(payload), CMN_JWT_MALFORMED);
}

static void
test_strerror_names_every_result(void **state)
{
    (void)state;
    assert_string_equal(cmn_jwt_strerror(CMN_JWT_OK), "ok");
    assert_string_equal(cmn_jwt_strerror(CMN_JWT_MALFORMED), "malformed");
    assert_string_equal(cmn_jwt_strerror(CMN_JWT_BAD_SIGNATURE),
                        "bad_signature");
    assert_string_equal(cmn_jwt_strerror(CMN_JWT_BAD_ALG), "bad_alg");
    assert_string_equal(cmn_jwt_strerror(CMN_JWT_EXPIRED), "expired");
    assert_string_equal(cmn_jwt_strerror((enum cmn_jwt_result)99), "unknown");
}

/* ---- random ids --------------------------------------------------------- */

static void
test_random_hex_gives_distinct_lowercase_hex(void **state)
{
    char a[33], b[33], big[200];

    (void)state;
    cmn_random_hex(a, 16);
    cmn_random_hex(b, 16);
    assert_int_equal(strlen(a), 32);
    assert_int_equal(strspn(a, "0123456789abcdef"), 32);
    assert_string_not_equal(a, b);
    /* capped at 64 random bytes */
    memset(big, 'Z', sizeof big);
    cmn_random_hex(big, 90);
    assert_int_equal(strlen(big), 128);
}

/* ---- key loading -------------------------------------------------------- */

static char t_dir[] = "/tmp/test_cmn_jwt.XXXXXX";

static const char *
write_file(const char *name, const char *text)
{
    static char path[256];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", t_dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void
test_key_load_takes_the_secret_text(void **state)
{
    unsigned char key[64];
    size_t len = 0;
    char err[CMN_ERR_LEN] = "";

    (void)state;
    assert_int_equal(cmn_jwt_key_load("0123456789abcdef0123456789abcdef",
                                      NULL, key, sizeof key, &len, err), 0);
    assert_int_equal(len, 32);
    assert_memory_equal(key, t_key, 32);
}

static void
test_key_load_refuses_a_short_secret(void **state)
{
    unsigned char key[64];
    size_t len = 0;
    char err[CMN_ERR_LEN] = "";

    (void)state;
    assert_int_equal(cmn_jwt_key_load("0123456789abcdef0123456789abcde",
                                      NULL, key, sizeof key, &len, err), -1);
    assert_non_null(strstr(err, "32"));
}

static void
test_key_load_refuses_a_secret_longer_than_the_buffer(void **state)
{
    unsigned char key[40];
    size_t len = 0;
    char err[CMN_ERR_LEN] = "";

    (void)state;
    assert_int_equal(cmn_jwt_key_load("0123456789abcdef0123456789abcdef"
                                      "0123456789", NULL, key, sizeof key,
                                      &len, err), -1);
    assert_true(err[0] != '\0');
}

static void
test_key_load_reads_the_file_without_trailing_newlines(void **state)
{
    unsigned char key[64];
    size_t len = 0;
    char err[CMN_ERR_LEN] = "";
    const char *path;

    (void)state;
    path = write_file("k1", "0123456789abcdef0123456789abcdef\r\n\n");
    assert_int_equal(cmn_jwt_key_load(NULL, path, key, sizeof key, &len,
                                      err), 0);
    assert_int_equal(len, 32);
    assert_memory_equal(key, t_key, 32);
    /* an empty JWT_SECRET falls through to the file */
    assert_int_equal(cmn_jwt_key_load("", path, key, sizeof key, &len, err),
                     0);
    assert_int_equal(len, 32);
}

static void
test_key_load_prefers_the_secret_over_the_file(void **state)
{
    unsigned char key[64];
    size_t len = 0;
    char err[CMN_ERR_LEN] = "";
    const char *path;

    (void)state;
    path = write_file("k2", "ffffffffffffffffffffffffffffffffffffffff\n");
    assert_int_equal(cmn_jwt_key_load("0123456789abcdef0123456789abcdef",
                                      path, key, sizeof key, &len, err), 0);
    assert_memory_equal(key, t_key, 32);
}

static void
test_key_load_reports_a_missing_file_by_name(void **state)
{
    unsigned char key[64];
    size_t len = 0;
    char err[CMN_ERR_LEN] = "";

    (void)state;
    assert_int_equal(cmn_jwt_key_load(NULL, "/nonexistent/jwt.key", key,
                                      sizeof key, &len, err), -1);
    assert_non_null(strstr(err, "/nonexistent/jwt.key"));
    assert_non_null(strstr(err, "No such file"));
}

static void
test_key_load_needs_a_secret_or_a_file(void **state)
{
    unsigned char key[64];
    size_t len = 0;
    char err[CMN_ERR_LEN] = "";

    (void)state;
    assert_int_equal(cmn_jwt_key_load(NULL, NULL, key, sizeof key, &len,
                                      err), -1);
    assert_non_null(strstr(err, "JWT_SECRET"));
    assert_int_equal(cmn_jwt_key_load("", "", key, sizeof key, &len, err),
                     -1);
}

static void
test_loaded_key_signs_tokens_that_verify(void **state)
{
    unsigned char key[64];
    size_t len = 0;
    char err[CMN_ERR_LEN] = "";
    struct cmn_jwt_claims c;
    char *tok;
    const char *path;

    (void)state;
    path = write_file("k3", "a-long-enough-secret-for-hs256-tokens\n");
    assert_int_equal(cmn_jwt_key_load(NULL, path, key, sizeof key, &len,
                                      err), 0);
    tok = cmn_jwt_sign(key, len, "carol", "j9", T_NOW, 60);
    assert_int_equal(cmn_jwt_verify(key, len, tok, T_NOW, &c), CMN_JWT_OK);
    assert_int_equal(cmn_jwt_verify(t_key, T_KEYLEN, tok, T_NOW, &c),
                     CMN_JWT_BAD_SIGNATURE);
    free(tok);
}

static int
make_dir(void **state)
{
    (void)state;
    return mkdtemp(t_dir) ? 0 : -1;
}

static int
remove_dir(void **state)
{
    char path[256];

    (void)state;
    for (int i = 1; i <= 3; i++) {
        snprintf(path, sizeof path, "%s/k%d", t_dir, i);
        unlink(path);
    }
    return rmdir(t_dir);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signed_token_verifies_with_its_claims),
        cmocka_unit_test(test_signed_token_is_hs256_in_three_parts),
        cmocka_unit_test(test_sign_refuses_a_missing_key),
        cmocka_unit_test(test_verify_rejects_wrong_key),
        cmocka_unit_test(test_verify_rejects_tampered_payload),
        cmocka_unit_test(test_verify_rejects_expired_token),
        cmocka_unit_test(test_verify_treats_exp_equal_to_now_as_expired),
        cmocka_unit_test(test_verify_rejects_alg_none_made_by_libjwt),
        cmocka_unit_test(test_verify_rejects_forged_alg_none_header),
        cmocka_unit_test(
            test_verify_rejects_other_hmac_algs_signed_with_the_same_key),
        cmocka_unit_test(test_verify_rejects_a_null_or_empty_key),
        cmocka_unit_test(test_verify_rejects_text_that_is_not_a_token),
        cmocka_unit_test(test_verify_refuses_oversized_token_before_parsing),
        cmocka_unit_test(test_verify_requires_sub_jti_and_exp),
        cmocka_unit_test(test_verify_rejects_exp_that_is_not_an_integer),
        cmocka_unit_test(test_verify_accepts_a_missing_iat_as_zero),
        cmocka_unit_test(test_verify_enforces_claim_length_limits),
        cmocka_unit_test(test_strerror_names_every_result),
        cmocka_unit_test(test_random_hex_gives_distinct_lowercase_hex),
        cmocka_unit_test(test_key_load_takes_the_secret_text),
        cmocka_unit_test(test_key_load_refuses_a_short_secret),
        cmocka_unit_test(test_key_load_refuses_a_secret_longer_than_the_buffer),
        cmocka_unit_test(
            test_key_load_reads_the_file_without_trailing_newlines),
        cmocka_unit_test(test_key_load_prefers_the_secret_over_the_file),
        cmocka_unit_test(test_key_load_reports_a_missing_file_by_name),
        cmocka_unit_test(test_key_load_needs_a_secret_or_a_file),
        cmocka_unit_test(test_loaded_key_signs_tokens_that_verify),
    };

    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
