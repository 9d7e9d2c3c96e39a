/* lg_login.c -- concurrent logins over libcurl multi (see lg_login.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "cmn/cmn_buf.h"
#include "cmn/cmn_json.h"
#include "lg_login.h"
#include "lg_msg.h"

#define LG_LOGIN_TRIES 5

struct lg_slot {
    CURL *h;
    struct curl_slist *hdr;
    struct cmn_buf body, req;
    struct lg_login_job *job;
    int tries;
    uint64_t t0;
    char iface[64];
};

static size_t
lg_login_write(char *p, size_t size, size_t nmemb, void *arg)
{
    struct cmn_buf *b = arg;
    size_t n = size * nmemb;

    if (b->len + n > (1u << 20) || cmn_buf_append(b, p, n) != 0)
        return 0;
    return n;
}

/* Start (or restart) slot's request for its job. */
static int
lg_login_start(CURLM *m, struct lg_slot *s, const char *url, long timeout_ms)
{
    cmn_buf_reset(&s->body);
    cmn_buf_reset(&s->req);
    if (cmn_buf_puts(&s->req, "{\"username\":") != 0 ||
        cmn_buf_json_string(&s->req, s->job->user,
                            strlen(s->job->user)) != 0 ||
        cmn_buf_puts(&s->req, ",\"password\":") != 0 ||
        cmn_buf_json_string(&s->req, s->job->password,
                            strlen(s->job->password)) != 0 ||
        cmn_buf_puts(&s->req, "}") != 0)
        return -1;
    curl_easy_setopt(s->h, CURLOPT_URL, url);
    curl_easy_setopt(s->h, CURLOPT_POSTFIELDS, s->req.p);
    curl_easy_setopt(s->h, CURLOPT_POSTFIELDSIZE, (long)s->req.len);
    curl_easy_setopt(s->h, CURLOPT_HTTPHEADER, s->hdr);
    curl_easy_setopt(s->h, CURLOPT_WRITEFUNCTION, lg_login_write);
    curl_easy_setopt(s->h, CURLOPT_WRITEDATA, &s->body);
    curl_easy_setopt(s->h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(s->h, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(s->h, CURLOPT_PRIVATE, s);
    if (s->iface[0] != '\0')
        curl_easy_setopt(s->h, CURLOPT_INTERFACE, s->iface);
    s->t0 = lg_now_us();
    return curl_multi_add_handle(m, s->h) == CURLM_OK ? 0 : -1;
}

/* The token of a success body, or NULL. */
static char *
lg_login_token(const struct cmn_buf *b)
{
    struct cmn_json_span obj = {b->p, b->len};
    char result[32], *tok;
    ssize_t n;

    if (b->p == NULL || cmn_json_validate(b->p, b->len) != 0 ||
        cmn_json_get_string(obj, "result", result, sizeof result) < 0 ||
        strcmp(result, "success") != 0)
        return NULL;
    if ((tok = malloc(4096)) == NULL)
        return NULL;
    n = cmn_json_get_string(obj, "token", tok, 4096);
    if (n <= 0) {
        free(tok);
        return NULL;
    }
    return tok;
}

/* One finished transfer: 1 = done with this job, 0 = retry it. */
static int
lg_login_finish(struct lg_slot *s, CURLcode rc, struct lg_login_stats *st)
{
    long status = 0;

    curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &status);
    if (rc == CURLE_OK && status == 200 &&
        (s->job->token = lg_login_token(&s->body)) != NULL) {
        st->ok++;
        if (st->lat_us != NULL)
            lg_hist_record(st->lat_us, lg_now_us() - s->t0);
        return 1;
    }
    if (rc != CURLE_OK)
        st->transport++;
    else if (status == 429)
        st->status_429++;
    else if (status >= 500)
        st->status_5xx++;
    if (++s->tries < LG_LOGIN_TRIES &&
        (rc != CURLE_OK || status == 429 || status >= 500)) {
        st->retries++;
        return 0;
    }
    if (st->failed < 3)
        fprintf(stderr, "loadgen: login %s failed: curl=%d status=%ld %.*s\n",
                s->job->user, (int)rc, status,
                (int)(s->body.len > 120 ? 120 : s->body.len),
                s->body.p ? s->body.p : "");
    st->failed++;
    return 1;
}

int
lg_login_run(const char *base, struct lg_login_job *jobs, size_t n,
             int concurrency, const char *const *srcs, size_t nsrcs,
             long timeout_ms, struct lg_login_stats *st)
{
    struct lg_slot *slots;
    CURLM *m;
    char url[256];
    size_t next = 0, active = 0;
    uint64_t t0 = lg_now_us();
    int ns = concurrency > 0 ? concurrency : 1, rc = 0;

    st->ok = st->failed = st->retries = 0;
    st->status_429 = st->status_5xx = st->transport = 0;
    if ((size_t)ns > n)
        ns = n > 0 ? (int)n : 1;
    snprintf(url, sizeof url, "%s/log_in", base);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if ((m = curl_multi_init()) == NULL)
        return -1;
    if ((slots = calloc((size_t)ns, sizeof *slots)) == NULL) {
        curl_multi_cleanup(m);
        return -1;
    }
    for (int i = 0; i < ns; i++) {
        slots[i].h = curl_easy_init();
        slots[i].hdr = curl_slist_append(NULL,
                                         "Content-Type: application/json");
        cmn_buf_init(&slots[i].body);
        cmn_buf_init(&slots[i].req);
        if (nsrcs > 0)
            snprintf(slots[i].iface, sizeof slots[i].iface, "host!%s",
                     srcs[(size_t)i % nsrcs]);
        if (slots[i].h == NULL || slots[i].hdr == NULL)
            rc = -1;
    }
    for (int i = 0; rc == 0 && i < ns && next < n; i++) {
        slots[i].job = &jobs[next++];
        slots[i].tries = 0;
        if (lg_login_start(m, &slots[i], url, timeout_ms) == 0)
            active++;
        else
            st->failed++;
    }
    while (rc == 0 && active > 0) {
        int running, left;
        CURLMsg *msg;

        curl_multi_perform(m, &running);
        while ((msg = curl_multi_info_read(m, &left)) != NULL) {
            struct lg_slot *s;

            if (msg->msg != CURLMSG_DONE)
                continue;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
                              (char **)&s);
            curl_multi_remove_handle(m, s->h);
            active--;
            if (lg_login_finish(s, msg->data.result, st) == 1) {
                if (next >= n)
                    continue;
                s->job = &jobs[next++];
                s->tries = 0;
            }
            if (lg_login_start(m, s, url, timeout_ms) == 0)
                active++;
            else
                st->failed++;
        }
        if (active > 0)
            curl_multi_poll(m, NULL, 0, 100, NULL);
    }
    st->elapsed_s = (double)(lg_now_us() - t0) / 1e6;
    for (int i = 0; i < ns; i++) {
        curl_easy_cleanup(slots[i].h);
        curl_slist_free_all(slots[i].hdr);
        cmn_buf_free(&slots[i].body);
        cmn_buf_free(&slots[i].req);
    }
    free(slots);
    curl_multi_cleanup(m);
    curl_global_cleanup();
    return rc;
}
