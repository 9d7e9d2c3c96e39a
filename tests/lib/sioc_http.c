/* sioc_http.c -- blocking HTTP helpers on libcurl (see sioc_http.h).
 * One easy handle per request: simple and fine for tests. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "cmn/cmn_buf.h"
#include "cmn/cmn_err.h"
#include "cmn/cmn_json.h"
#include "sioc_http.h"
#include "sioc_json.h"

static int sioc_http_ready;

void
sioc_http_reply_cleanup(struct sioc_http_reply *r)
{
    if (r == NULL)
        return;
    free(r->body);
    memset(r, 0, sizeof *r);
}

static size_t
sioc_http_write(char *p, size_t size, size_t nmemb, void *arg)
{
    struct cmn_buf *b = arg;
    size_t n = size * nmemb;

    if (b->len + n > SIOC_HTTP_MAX_BODY || cmn_buf_append(b, p, n) != 0)
        return 0;           /* curl reports CURLE_WRITE_ERROR */
    return n;
}

int
sioc_http_request(const char *method, const char *url,
                  const char *const *headers, const char *body,
                  long timeout_ms, struct sioc_http_reply *out, char *err)
{
    struct curl_slist *hl = NULL, *tmp;
    struct cmn_buf b;
    CURL *h;
    CURLcode rc;
    int has_ct = 0, ret = -1;

    memset(out, 0, sizeof *out);
    cmn_buf_init(&b);
    if (!sioc_http_ready) {
        /* not thread-safe, as curl_global_init itself; tests are single-
         * threaded */
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            cmn_errf(err, "curl_global_init failed");
            return -1;
        }
        sioc_http_ready = 1;
    }
    h = curl_easy_init();
    if (h == NULL) {
        cmn_errf(err, "curl_easy_init failed");
        return -1;
    }
    for (size_t i = 0; headers != NULL && headers[i] != NULL; i++) {
        if (strncasecmp(headers[i], "Content-Type:", 13) == 0)
            has_ct = 1;
        if ((tmp = curl_slist_append(hl, headers[i])) == NULL)
            goto oom;
        hl = tmp;
    }
    if (body != NULL && !has_ct) {
        if ((tmp = curl_slist_append(hl, "Content-Type: application/json"))
            == NULL)
            goto oom;
        hl = tmp;
    }
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms > 0 ? timeout_ms
                                                           : 10000L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sioc_http_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    if (body != NULL) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    rc = curl_easy_perform(h);
    if (rc != CURLE_OK) {
        cmn_errf(err, "%s %s: %s", method, url, curl_easy_strerror(rc));
        goto out;
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
    out->len = b.len;
    out->body = cmn_buf_steal(&b);
    if (out->body == NULL) {
        cmn_errf(err, "out of memory");
        goto out;
    }
    ret = 0;
    goto out;
oom:
    cmn_errf(err, "out of memory");
out:
    cmn_buf_free(&b);
    curl_slist_free_all(hl);
    curl_easy_cleanup(h);
    return ret;
}

/* Append "key":value-or-null to a JSON object being built. */
static int
sioc_http_member(struct cmn_buf *b, const char *key, const char *val)
{
    if (cmn_buf_json_string(b, key, strlen(key)) != 0 ||
        cmn_buf_puts(b, ":") != 0)
        return -1;
    if (val == NULL)
        return cmn_buf_puts(b, "null");
    return cmn_buf_json_string(b, val, strlen(val));
}

int
sioc_http_log_in(const char *base, const char *user, const char *password,
                 long timeout_ms, char **token,
                 struct sioc_http_reply *reply, char *err)
{
    struct sioc_http_reply local;
    struct sioc_http_reply *r = reply != NULL ? reply : &local;
    struct cmn_json_span obj;
    struct cmn_buf body, url;
    char result[64], tok[4096];
    ssize_t n;
    int ret = -1;

    *token = NULL;
    cmn_buf_init(&body);
    cmn_buf_init(&url);
    if (cmn_buf_puts(&body, "{") != 0 ||
        sioc_http_member(&body, "username", user) != 0 ||
        cmn_buf_puts(&body, ",") != 0 ||
        sioc_http_member(&body, "password", password) != 0 ||
        cmn_buf_puts(&body, "}") != 0 ||
        cmn_buf_printf(&url, "%s/log_in", base) != 0) {
        cmn_errf(err, "out of memory");
        memset(r, 0, sizeof *r);
        goto out;
    }
    if (sioc_http_request("POST", url.p, NULL, body.p, timeout_ms, r,
                          err) != 0)
        goto out;
    ret = 1;
    obj = sioc_json_trim(r->body, r->len);
    if (cmn_json_validate(r->body, r->len) != 0 ||
        cmn_json_kind(obj) != CMN_JSON_OBJECT) {
        cmn_errf(err, "HTTP %ld, body is not a JSON object", r->status);
        goto out;
    }
    if (cmn_json_get_string(obj, "result", result, sizeof result) < 0) {
        if (cmn_json_get_string(obj, "error", tok, sizeof tok) >= 0)
            cmn_errf(err, "%s", tok);
        else
            cmn_errf(err, "HTTP %ld without result or error", r->status);
        goto out;
    }
    if (strcmp(result, "success") != 0) {
        cmn_errf(err, "%s", result);
        goto out;
    }
    n = cmn_json_get_string(obj, "token", tok, sizeof tok);
    if (n <= 0) {
        cmn_errf(err, "success without a token");
        goto out;
    }
    *token = strdup(tok);
    if (*token == NULL) {
        cmn_errf(err, "out of memory");
        ret = -1;
        goto out;
    }
    ret = 0;
out:
    explicit_bzero(tok, sizeof tok);
    if (body.p != NULL)
        explicit_bzero(body.p, body.len);
    cmn_buf_free(&body);
    cmn_buf_free(&url);
    if (r == &local)
        sioc_http_reply_cleanup(&local);
    return ret;
}

int
sioc_http_get_contacts(const char *base, const char *user, const char *jwt,
                       long timeout_ms, struct sioc_http_reply *reply,
                       char *err)
{
    const char *hdrs[3] = {NULL, NULL, NULL};
    struct cmn_buf url, hu, hj;
    CURL *h = NULL;
    char *esc = NULL;
    int ret = -1, i = 0;

    memset(reply, 0, sizeof *reply);
    cmn_buf_init(&url);
    cmn_buf_init(&hu);
    cmn_buf_init(&hj);
    h = curl_easy_init();
    if (h == NULL ||
        (esc = curl_easy_escape(h, user ? user : "", 0)) == NULL ||
        cmn_buf_printf(&url, "%s/get_contacts_list/%s", base, esc) != 0 ||
        (user != NULL && cmn_buf_printf(&hu, "username: %s", user) != 0) ||
        (jwt != NULL && cmn_buf_printf(&hj, "jwt: %s", jwt) != 0)) {
        cmn_errf(err, "out of memory");
        goto out;
    }
    if (user != NULL)
        hdrs[i++] = hu.p;
    if (jwt != NULL)
        hdrs[i++] = hj.p;
    ret = sioc_http_request("GET", url.p, hdrs, NULL, timeout_ms, reply,
                            err);
out:
    curl_free(esc);
    if (h != NULL)
        curl_easy_cleanup(h);
    cmn_buf_free(&url);
    cmn_buf_free(&hu);
    cmn_buf_free(&hj);
    return ret;
}
