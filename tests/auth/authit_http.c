/* authit_http.c -- HTTP requests of the auth integration tests (libcurl,
 * jansson; see authit.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "authit.h"

struct authit_body {
    char *p;
    size_t n;
};

static size_t
authit_on_data(char *data, size_t size, size_t nmemb, void *arg)
{
    struct authit_body *b = arg;
    size_t len = size * nmemb;
    char *p = realloc(b->p, b->n + len + 1);

    if (p == NULL)
        return 0;
    memcpy(p + b->n, data, len);
    b->n += len;
    p[b->n] = '\0';
    b->p = p;
    return len;
}

/* Copy the value of a "Name: value" header line if it is name. */
static void
authit_header_value(const char *line, size_t len, const char *name,
                    char *out, size_t cap)
{
    size_t nl = strlen(name), v;

    if (len <= nl + 1 || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
        return;
    v = nl + 1;
    while (v < len && line[v] == ' ')
        v++;
    len -= v;
    while (len > 0 && (line[v + len - 1] == '\r' || line[v + len - 1] == '\n'))
        len--;
    if (len >= cap)
        len = cap - 1;
    memcpy(out, line + v, len);
    out[len] = '\0';
}

static size_t
authit_on_header(char *line, size_t size, size_t nmemb, void *arg)
{
    struct authit_resp *r = arg;
    size_t len = size * nmemb;

    authit_header_value(line, len, "Retry-After", r->retry_after,
                        sizeof r->retry_after);
    authit_header_value(line, len, "Content-Type", r->content_type,
                        sizeof r->content_type);
    return len;
}

int
authit_http(struct authit_resp *r, const char *method, int port,
            const char *path, const char *body, size_t len,
            const char *const *headers)
{
    struct authit_body b = {NULL, 0};
    struct curl_slist *hl = NULL;
    char url[2048];
    CURL *h = curl_easy_init();
    CURLcode rc;

    memset(r, 0, sizeof *r);
    if (h == NULL)
        return -1;
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    for (size_t i = 0; headers != NULL && headers[i] != NULL; i++)
        hl = curl_slist_append(hl, headers[i]);
    /* no 100-continue round trip, no form content type */
    hl = curl_slist_append(hl, "Expect:");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 60000L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, authit_on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, authit_on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
    if (body != NULL) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                         (curl_off_t)(len == (size_t)-1 ? strlen(body) : len));
    }
    rc = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
    curl_slist_free_all(hl);
    curl_easy_cleanup(h);
    if (rc != CURLE_OK) {
        free(b.p);
        r->status = 0;
        return -1;
    }
    r->body = b.p ? b.p : calloc(1, 1);
    r->json = json_loads(r->body, 0, NULL);
    return 0;
}

void
authit_resp_free(struct authit_resp *r)
{
    free(r->body);
    json_decref(r->json);
    memset(r, 0, sizeof *r);
}

const char *
authit_jstr(const struct authit_resp *r, const char *key)
{
    return json_string_value(json_object_get(r->json, key));
}

/* {"username": user, "password": pw} with JSON escaping. */
static char *
authit_creds_body(const char *user, const char *pw)
{
    json_t *o = json_object();
    char *s;

    if (user != NULL)
        json_object_set_new(o, "username", json_string(user));
    if (pw != NULL)
        json_object_set_new(o, "password", json_string(pw));
    s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return s;
}

char *
authit_login(int port, const char *user, const char *pw)
{
    struct authit_resp r;
    char *body = authit_creds_body(user, pw), *tok = NULL;

    if (authit_http(&r, "POST", port, "/log_in", body, (size_t)-1, NULL) == 0
        && r.status == 200 && authit_jstr(&r, "token") != NULL)
        tok = strdup(authit_jstr(&r, "token"));
    authit_resp_free(&r);
    free(body);
    return tok;
}

long
authit_login_status(int port, const char *user, const char *pw)
{
    struct authit_resp r;
    char *body = authit_creds_body(user, pw);
    long st;

    authit_http(&r, "POST", port, "/log_in", body, (size_t)-1, NULL);
    st = r.status;
    authit_resp_free(&r);
    free(body);
    return st;
}

long
authit_contacts_status(int port, const char *user, const char *token)
{
    char path[256], h1[128], h2[1200];
    const char *hdrs[] = {h1, h2, NULL};
    struct authit_resp r;
    long st;

    snprintf(path, sizeof path, "/get_contacts_list/%s", user);
    snprintf(h1, sizeof h1, "username: %s", user);
    snprintf(h2, sizeof h2, "jwt: %s", token ? token : "none");
    authit_http(&r, "GET", port, path, NULL, 0, hdrs);
    st = r.status;
    authit_resp_free(&r);
    return st;
}
