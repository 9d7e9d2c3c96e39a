/* itest_bots.c -- helpers for the bots' integration tests (see
 * itest_bots.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "itest_bots.h"

void
itb_write_file(const char *text, char *path, size_t cap)
{
    int fd;
    size_t len = strlen(text);

    snprintf(path, cap, "/tmp/iseecubes-bots.XXXXXX");
    if ((fd = mkstemp(path)) < 0)
        fail_msg("mkstemp %s failed", path);
    if (write(fd, text, len) != (ssize_t)len)
        fail_msg("cannot write %s", path);
    close(fd);
}

void
itb_user_new(const struct itest_stack *st, const char *prefix,
             struct itb_user *u)
{
    char pw[128];

    memset(u, 0, sizeof *u);
    itest_new_user(st, prefix, u->name, sizeof u->name);
    itest_password(u->name, pw, sizeof pw);
    u->token = itest_login(st, u->name, pw);
    u->c = itest_connect_token(st, u->token);
}

void
itb_user_free(struct itb_user *u)
{
    sioc_close(u->c);
    free(u->token);
    memset(u, 0, sizeof *u);
}

void
itb_ask(struct itb_user *u, const char *bot, const char *text, char *result,
        size_t cap, char *id, size_t idcap)
{
    itest_send(u->c, u->name, bot, text, u->token, result, cap, id, idcap);
}

int
itb_wait_event(struct itb_user *u, const char *name, const char *key,
               const char *value, int timeout_ms, struct sioc_event *out)
{
    long long deadline = itest_ms() + timeout_ms;
    char alive[128], err[CMN_ERR_LEN];

    snprintf(alive, sizeof alive, "{\"client\":\"%s\"}", u->name);
    for (;;) {
        long long left = deadline - itest_ms();

        if (left <= 0)
            return -1;
        sioc_emit(u->c, "connection_alive", alive, err);
        if (itest_wait_match(u->c, name, key, value,
                             left < 500 ? (int)left : 500, out) == 0)
            return 0;
    }
}

void
itb_logout(struct itb_user *u)
{
    char arg[1400], err[CMN_ERR_LEN];

    snprintf(arg, sizeof arg, "{\"client\":\"%s\",\"jwt\":\"%s\"}",
             u->name, u->token);
    if (sioc_emit(u->c, "client_disconnection", arg, err) != 0)
        fail_msg("client_disconnection %s: %s", u->name, err);
}

int
itb_answer(struct itb_user *u, const char *bot, int timeout_ms,
           char *content, size_t cap)
{
    struct sioc_event ev;

    if (itb_wait_event(u, "ai_response_received", "sender", bot,
                       timeout_ms, &ev) != 0)
        return -1;
    if (sioc_event_str(&ev, "content", content, cap) < 0)
        content[0] = '\0';
    sioc_event_cleanup(&ev);
    return 0;
}

int
itb_listed_online(const struct itest_stack *st, const struct itb_user *u,
                  const char *name)
{
    struct sioc_http_reply r;
    char err[CMN_ERR_LEN];
    json_t *root, *online;
    int found = 0;

    if (sioc_http_get_contacts(st->base, u->name, u->token, 5000, &r,
                               err) != 0)
        fail_msg("get_contacts_list: %s", err);
    root = json_loadb(r.body ? r.body : "", r.len, 0, NULL);
    online = json_object_get(root, "currently_online");
    if (!json_is_array(online))
        fail_msg("get_contacts_list: no currently_online in %s",
                 r.body ? r.body : "(nothing)");
    for (size_t i = 0; i < json_array_size(online); i++)
        if (json_is_string(json_array_get(online, i)) &&
            strcmp(json_string_value(json_array_get(online, i)), name) == 0)
            found = 1;
    json_decref(root);
    sioc_http_reply_cleanup(&r);
    return found;
}

int
itb_wait_online(const struct itest_stack *st, const char *bot, int want,
                int timeout_ms)
{
    return itest_redis_wait(st, want ? "1" : "0", timeout_ms,
                            "HEXISTS online %s", bot);
}

int
itb_log_count(const struct itest_stack *st, const char *needle)
{
    char path[512], line[8192];
    FILE *p;
    int n = 0;

    snprintf(path, sizeof path, "cat %s/logs/*.log 2>/dev/null", st->dir);
    if ((p = popen(path, "r")) == NULL)
        fail_msg("cannot read the stack's logs");
    while (fgets(line, sizeof line, p) != NULL)
        if (strstr(line, needle) != NULL)
            n++;
    pclose(p);
    return n;
}

int
itb_jwt_signed_with(const char *jwt, const char *secret)
{
    static const char b64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const char *dot = strrchr(jwt, '.');
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0;
    char sig[128];
    size_t n = 0;
    unsigned acc = 0;
    int bits = 0;

    if (dot == NULL ||
        HMAC(EVP_sha256(), secret, (int)strlen(secret),
             (const unsigned char *)jwt, (size_t)(dot - jwt), mac,
             &maclen) == NULL)
        return 0;
    /* base64url without padding */
    for (unsigned i = 0; i < maclen; i++) {
        acc = (acc << 8) | mac[i];
        bits += 8;
        while (bits >= 6 && n < sizeof sig - 1) {
            bits -= 6;
            sig[n++] = b64[(acc >> bits) & 63];
        }
        acc &= (1u << bits) - 1;
    }
    if (bits > 0 && n < sizeof sig - 1)
        sig[n++] = b64[(acc << (6 - bits)) & 63];
    sig[n] = '\0';
    return strcmp(sig, dot + 1) == 0;
}
