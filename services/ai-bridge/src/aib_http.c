/* aib_http.c -- blocking libcurl calls for the bots (see aib_http.h).
 * CURLOPT_NOSIGNAL is set because several threads time out at once; the
 * key goes only into the Authorization header and is wiped from our
 * buffer after the call. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "aib_http.h"

struct aib_http {
    CURL *h;
    aib_http_abort_fn abort;
    void *arg;
};

/* Per-call state for the write callback. */
struct aib_http_sink {
    struct cmn_buf *b;
    size_t max;
    int too_large;
};

struct aib_http *
aib_http_new(aib_http_abort_fn abort, void *arg)
{
    struct aib_http *h = calloc(1, sizeof *h);

    if (h == NULL)
        return NULL;
    if ((h->h = curl_easy_init()) == NULL) {
        free(h);
        return NULL;
    }
    h->abort = abort;
    h->arg = arg;
    return h;
}

void
aib_http_free(struct aib_http *h)
{
    if (h == NULL)
        return;
    curl_easy_cleanup(h->h);
    free(h);
}

void
aib_http_res_cleanup(struct aib_http_res *res)
{
    cmn_buf_free(&res->body);
}

static size_t
aib_http_write_cb(char *p, size_t size, size_t n, void *arg)
{
    struct aib_http_sink *s = arg;
    size_t len = size * n;

    if (s->b->len + len > s->max) {
        s->too_large = 1;
        return 0;                       /* aborts: CURLE_WRITE_ERROR */
    }
    return cmn_buf_append(s->b, p, len) == 0 ? len : 0;
}

/* Progress callback: nonzero aborts the transfer. */
static int
aib_http_progress_cb(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut,
                     curl_off_t un)
{
    struct aib_http *h = arg;

    (void)dt;
    (void)dn;
    (void)ut;
    (void)un;
    return h->abort != NULL && h->abort(h->arg);
}

static enum aib_transport
aib_http_transport(CURLcode rc, int too_large)
{
    switch (rc) {
    case CURLE_OK:
        return AIB_T_OK;
    case CURLE_OPERATION_TIMEDOUT:
        return AIB_T_TIMEOUT;
    case CURLE_WRITE_ERROR:
        return too_large ? AIB_T_TOO_LARGE : AIB_T_OTHER;
    case CURLE_ABORTED_BY_CALLBACK:
        return AIB_T_ABORTED;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
        return AIB_T_CONNECT;
    default:
        return AIB_T_OTHER;
    }
}

/* Options every call shares. */
static void
aib_http_common(struct aib_http *h, const char *url, long timeout_ms,
                long connect_timeout_ms, char *errbuf)
{
    CURL *c = h->h;

    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, aib_http_progress_cb);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, h);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_USERAGENT, "iseecubes-ai-bridge/1");
}

enum aib_transport
aib_http_post(struct aib_http *h, const struct aib_http_req *rq,
              struct aib_http_res *res)
{
    struct aib_http_sink sink;
    struct curl_slist *hd = NULL;
    char auth[1024] = "", errbuf[CURL_ERROR_SIZE] = "";
    curl_off_t ra = -1;
    CURLcode rc;

    memset(res, 0, sizeof *res);
    cmn_buf_init(&res->body);
    res->retry_after_ms = -1;
    sink.b = &res->body;
    sink.max = rq->max_reply;
    sink.too_large = 0;
    aib_http_common(h, rq->url, rq->timeout_ms, rq->connect_timeout_ms,
                    errbuf);
    hd = curl_slist_append(hd, "Content-Type: application/json");
    hd = curl_slist_append(hd, "Accept: application/json");
    hd = curl_slist_append(hd, "Expect:");
    if (rq->bearer != NULL) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", rq->bearer);
        hd = curl_slist_append(hd, auth);
        explicit_bzero(auth, sizeof auth);
    }
    curl_easy_setopt(h->h, CURLOPT_HTTPHEADER, hd);
    curl_easy_setopt(h->h, CURLOPT_POSTFIELDS, rq->body);
    curl_easy_setopt(h->h, CURLOPT_POSTFIELDSIZE, (long)strlen(rq->body));
    curl_easy_setopt(h->h, CURLOPT_WRITEFUNCTION, aib_http_write_cb);
    curl_easy_setopt(h->h, CURLOPT_WRITEDATA, &sink);
    rc = curl_easy_perform(h->h);
    curl_easy_getinfo(h->h, CURLINFO_RESPONSE_CODE, &res->status);
    if (curl_easy_getinfo(h->h, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK &&
        ra > 0)
        res->retry_after_ms = (long)ra * 1000;
    /* the handle keeps a pointer to the list: unhook it before freeing */
    curl_easy_setopt(h->h, CURLOPT_HTTPHEADER, NULL);
    for (struct curl_slist *l = hd; l != NULL; l = l->next)
        explicit_bzero(l->data, strlen(l->data));   /* the key's copy */
    curl_slist_free_all(hd);
    res->t = aib_http_transport(rc, sink.too_large);
    if (res->t != AIB_T_OK)
        snprintf(res->err, sizeof res->err, "%s",
                 errbuf[0] ? errbuf : curl_easy_strerror(rc));
    if (cmn_buf_reserve(&res->body, 0) == 0)
        res->body.p[res->body.len] = '\0';
    return res->t;
}

static size_t
aib_http_discard_cb(char *p, size_t size, size_t n, void *arg)
{
    (void)p;
    (void)arg;
    return size * n;
}

int
aib_http_probe(struct aib_http *h, const char *url, long timeout_ms)
{
    char errbuf[CURL_ERROR_SIZE] = "";
    long status = 0;

    aib_http_common(h, url, timeout_ms, timeout_ms, errbuf);
    curl_easy_setopt(h->h, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(h->h, CURLOPT_WRITEFUNCTION, aib_http_discard_cb);
    curl_easy_perform(h->h);
    curl_easy_getinfo(h->h, CURLINFO_RESPONSE_CODE, &status);
    return status > 0;
}
