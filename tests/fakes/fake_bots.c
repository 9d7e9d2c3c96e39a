/* fake_bots.c -- recording fake bot servers on libmicrohttpd (see
 * fake_bots.h). One thread per connection: an answer that sleeps holds
 * only its own connection. Requests are recorded under one mutex; tests
 * wait on a condition variable, never on sleeps. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <microhttpd.h>

#include "fake_bots.h"

#define FAKE_BODY_MAX (4u << 20)

/* How many requests with a given text were seen ([fail=N], [rate=N]). */
struct fake_seen {
    char *text;
    int n;
};

struct fake_server {
    enum fake_kind kind;
    struct MHD_Daemon *d;
    int port;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct fake_req *reqs;
    size_t nreqs, cap;
    struct fake_seen *seen;
    size_t nseen;
    size_t arrived;
    int delay_ms;
};

/* Per-request state (MHD's con_cls). */
struct fake_conn {
    char *body;
    size_t len;
    int too_big;
};

/* What to answer. */
struct fake_answer {
    int status;
    char *body;                  /* owned */
    const char *type;
    int retry_after;             /* seconds, 0 = no header */
    int delay_ms;
};

static long long
fake_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
fake_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

    while (ms > 0 && nanosleep(&ts, &ts) != 0)
        ;
}

/* ---- directives -------------------------------------------------------- */

static int
fake_directive(const char *text, const char *name)
{
    const char *p = text ? strstr(text, name) : NULL;

    return p ? atoi(p + strlen(name)) : -1;
}

/* Count this text; returns how many times it was seen before. */
static int
fake_seen_before(struct fake_server *f, const char *text)
{
    int n = 0;
    size_t i;

    pthread_mutex_lock(&f->mu);
    for (i = 0; i < f->nseen; i++)
        if (strcmp(f->seen[i].text, text) == 0)
            break;
    if (i == f->nseen) {
        struct fake_seen *s = realloc(f->seen, (f->nseen + 1) * sizeof *s);

        if (s != NULL) {
            f->seen = s;
            f->seen[f->nseen].text = strdup(text);
            f->seen[f->nseen].n = 0;
            if (f->seen[f->nseen].text != NULL)
                f->nseen++;
        }
    }
    if (i < f->nseen)
        n = f->seen[i].n++;
    pthread_mutex_unlock(&f->mu);
    return n;
}

static char *
fake_strdup_printf(const char *fmt, const char *arg)
{
    size_t n = strlen(fmt) + (arg ? strlen(arg) : 0) + 1;
    char *s = malloc(n);

    if (s != NULL)
        snprintf(s, n, fmt, arg ? arg : "");
    return s;
}

/* Errors and directives shared by every kind. 1 when a decided, else 0. */
static int
fake_common(struct fake_server *f, const char *text, struct fake_answer *a)
{
    int st, n;

    a->delay_ms = fake_directive(text, "[delay=");
    if (a->delay_ms < 0)
        a->delay_ms = 0;
    if (text == NULL)
        return 0;
    if ((st = fake_directive(text, "[status=")) > 0) {
        a->status = st;
        a->body = strdup("{\"error\":{\"message\":\"fake error\"}}");
        return 1;
    }
    n = fake_directive(text, "[fail=");
    if (n > 0 && fake_seen_before(f, text) < n) {
        a->status = 500;
        a->body = strdup("{\"error\":{\"message\":\"fake failure\"}}");
        return 1;
    }
    n = fake_directive(text, "[rate=");
    if (n > 0 && fake_seen_before(f, text) < n) {
        a->status = 429;
        a->retry_after = 1;
        a->body = strdup("{\"error\":{\"message\":\"slow down\"}}");
        return 1;
    }
    return 0;
}

/* ---- the three kinds ----------------------------------------------------- */

static void
fake_openai(struct fake_server *f, const char *path, json_t *req,
            struct fake_answer *a)
{
    json_t *msgs = json_object_get(req, "messages");
    json_t *last = json_array_get(msgs, json_array_size(msgs) - 1);
    const char *text = json_string_value(json_object_get(last, "content"));
    json_t *ans;
    char *c;

    a->type = "application/json";
    if (strstr(path, "/chat/completions") == NULL || text == NULL ||
        !json_is_string(json_object_get(req, "model"))) {
        a->status = 400;
        a->body = strdup("{\"error\":{\"message\":\"bad request\"}}");
        return;
    }
    if (fake_common(f, text, a))
        return;
    a->status = 200;
    if (strstr(text, "[malformed]") != NULL) {
        a->body = strdup("{\"choices\":[]}");
        return;
    }
    c = fake_strdup_printf("You said: %s", text);
    ans = json_pack("{s:s, s:s, s:O, s:[{s:i, s:{s:s, s:s}, s:s}]}",
                    "id", "chatcmpl-fake", "object", "chat.completion",
                    "model", json_object_get(req, "model"), "choices",
                    "index", 0, "message", "role", "assistant", "content",
                    c ? c : "", "finish_reason", "stop");
    free(c);
    a->body = ans ? json_dumps(ans, JSON_COMPACT) : NULL;
    json_decref(ans);
}

static void
fake_leonid(struct fake_server *f, const char *method, const char *path,
            json_t *req, struct fake_answer *a)
{
    const char *text = json_string_value(json_object_get(req, "user_prompt"));

    a->type = "text/html; charset=utf-8";
    if (strcmp(method, "POST") == 0 && strcmp(path, "/receive_prompt") == 0 &&
        text != NULL && json_is_string(json_object_get(req, "user_data"))) {
        if (fake_common(f, text, a))
            return;
        a->status = 200;
        a->body = strstr(text, "[malformed]") ? strdup("")
                  : fake_strdup_printf("Leonid heard: %s", text);
    } else if (strcmp(method, "POST") == 0 &&
               strcmp(path, "/user_disconnection") == 0 &&
               json_is_string(json_object_get(req, "user_data"))) {
        a->status = 200;
        a->body = strdup("Conversation context was reset");
    } else {
        a->status = 404;
        a->body = strdup("<h1>Not Found</h1>");
    }
}

static void
fake_webhook(struct fake_server *f, const char *method, json_t *req,
             struct fake_answer *a)
{
    json_t *content = json_object_get(req, "content");
    char *text = json_is_string(content) ? strdup(json_string_value(content))
                 : content ? json_dumps(content, JSON_ENCODE_ANY) : NULL;
    json_t *ans;

    a->type = "application/json";
    if (strcmp(method, "POST") != 0 || text == NULL ||
        !json_is_string(json_object_get(req, "user"))) {
        a->status = 400;
        a->body = strdup("{\"error\":\"bad request\"}");
        free(text);
        return;
    }
    if (!fake_common(f, text, a)) {
        char *c = fake_strdup_printf("hook: %s", text);

        a->status = 200;
        if (strstr(text, "[malformed]") != NULL) {
            a->body = strdup("{\"text\":1}");
        } else {
            ans = json_pack("{s:s}", "content", c ? c : "");
            a->body = json_dumps(ans, JSON_COMPACT);
            json_decref(ans);
        }
        free(c);
    }
    free(text);
}

/* ---- libmicrohttpd ------------------------------------------------------- */

static void
fake_record(struct fake_server *f, struct MHD_Connection *c,
            const char *method, const char *url, struct fake_conn *fc,
            long long at, int status)
{
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                   "Authorization");
    struct fake_req *r;

    pthread_mutex_lock(&f->mu);
    if (f->nreqs == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 64;
        struct fake_req *v = realloc(f->reqs, cap * sizeof *v);

        if (v == NULL) {
            pthread_mutex_unlock(&f->mu);
            return;
        }
        f->reqs = v;
        f->cap = cap;
    }
    r = &f->reqs[f->nreqs++];
    memset(r, 0, sizeof *r);
    snprintf(r->method, sizeof r->method, "%s", method);
    snprintf(r->path, sizeof r->path, "%s", url);
    snprintf(r->authorization, sizeof r->authorization, "%s",
             auth ? auth : "");
    r->body = fc->body ? fc->body : strdup("");
    r->len = fc->len;
    fc->body = NULL;
    r->at_ms = at;
    r->done_ms = fake_ms();
    r->status = status;
    pthread_cond_broadcast(&f->cv);
    pthread_mutex_unlock(&f->mu);
}

static enum MHD_Result
fake_handler(void *cls, struct MHD_Connection *c, const char *url,
             const char *method, const char *version, const char *upload,
             size_t *upload_size, void **con_cls)
{
    struct fake_server *f = cls;
    struct fake_conn *fc = *con_cls;
    struct fake_answer a = {500, NULL, "text/plain", 0, 0};
    struct MHD_Response *resp;
    enum MHD_Result rc;
    long long at;
    json_t *req;
    int delay;

    (void)version;
    if (fc == NULL) {
        if ((fc = calloc(1, sizeof *fc)) == NULL)
            return MHD_NO;
        *con_cls = fc;
        return MHD_YES;
    }
    if (*upload_size > 0) {
        char *p = fc->len + *upload_size <= FAKE_BODY_MAX
                  ? realloc(fc->body, fc->len + *upload_size + 1) : NULL;

        if (p == NULL) {
            fc->too_big = 1;
        } else {
            fc->body = p;
            memcpy(fc->body + fc->len, upload, *upload_size);
            fc->len += *upload_size;
            fc->body[fc->len] = '\0';
        }
        *upload_size = 0;
        return MHD_YES;
    }
    at = fake_ms();
    req = fc->body ? json_loadb(fc->body, fc->len, 0, NULL) : NULL;
    if (f->kind == FAKE_OPENAI && strcmp(method, "POST") == 0)
        fake_openai(f, url, req, &a);
    else if (f->kind == FAKE_LEONID)
        fake_leonid(f, method, url, req, &a);
    else if (f->kind == FAKE_WEBHOOK)
        fake_webhook(f, method, req, &a);
    else
        a.status = 404;
    json_decref(req);
    pthread_mutex_lock(&f->mu);
    delay = a.delay_ms + f->delay_ms;
    f->arrived++;
    pthread_cond_broadcast(&f->cv);
    pthread_mutex_unlock(&f->mu);
    if (delay > 0)
        fake_sleep_ms(delay);
    fake_record(f, c, method, url, fc, at, a.status);
    resp = MHD_create_response_from_buffer(a.body ? strlen(a.body) : 0,
                                           a.body ? a.body : (void *)"",
                                           MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(resp, "Content-Type", a.type);
    if (a.retry_after > 0) {
        char ra[16];

        snprintf(ra, sizeof ra, "%d", a.retry_after);
        MHD_add_response_header(resp, "Retry-After", ra);
    }
    rc = MHD_queue_response(c, (unsigned)a.status, resp);
    MHD_destroy_response(resp);
    free(a.body);
    return rc;
}

static void
fake_completed(void *cls, struct MHD_Connection *c, void **con_cls,
               enum MHD_RequestTerminationCode toe)
{
    struct fake_conn *fc = *con_cls;

    (void)cls;
    (void)c;
    (void)toe;
    if (fc != NULL) {
        free(fc->body);
        free(fc);
        *con_cls = NULL;
    }
}

struct fake_server *
fake_start(enum fake_kind kind, int port, char *err)
{
    struct fake_server *f = calloc(1, sizeof *f);
    struct sockaddr_in sin;
    const union MHD_DaemonInfo *info;

    if (f == NULL) {
        snprintf(err, 256, "out of memory");
        return NULL;
    }
    f->kind = kind;
    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->cv, NULL);
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons((uint16_t)port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    f->d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION |
                            MHD_USE_INTERNAL_POLLING_THREAD,
                            (uint16_t)port, NULL, NULL, fake_handler, f,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
                            MHD_OPTION_LISTENING_ADDRESS_REUSE, 1,
                            MHD_OPTION_NOTIFY_COMPLETED, fake_completed, f,
                            MHD_OPTION_CONNECTION_TIMEOUT, 60u,
                            MHD_OPTION_END);
    if (f->d == NULL) {
        snprintf(err, 256, "cannot listen on 127.0.0.1:%d", port);
        fake_stop(f);
        return NULL;
    }
    info = MHD_get_daemon_info(f->d, MHD_DAEMON_INFO_BIND_PORT);
    f->port = info ? info->port : port;
    return f;
}

int
fake_port(const struct fake_server *f)
{
    return f->port;
}

void
fake_stop(struct fake_server *f)
{
    if (f == NULL)
        return;
    if (f->d != NULL)
        MHD_stop_daemon(f->d);
    for (size_t i = 0; i < f->nreqs; i++)
        free(f->reqs[i].body);
    free(f->reqs);
    for (size_t i = 0; i < f->nseen; i++)
        free(f->seen[i].text);
    free(f->seen);
    pthread_cond_destroy(&f->cv);
    pthread_mutex_destroy(&f->mu);
    free(f);
}

void
fake_set_delay(struct fake_server *f, int ms)
{
    pthread_mutex_lock(&f->mu);
    f->delay_ms = ms;
    pthread_mutex_unlock(&f->mu);
}

size_t
fake_arrived(struct fake_server *f)
{
    size_t n;

    pthread_mutex_lock(&f->mu);
    n = f->arrived;
    pthread_mutex_unlock(&f->mu);
    return n;
}

/* Under mu. */
static size_t
fake_count_locked(struct fake_server *f, const char *path)
{
    size_t n = 0;

    for (size_t i = 0; i < f->nreqs; i++)
        if (path == NULL || strcmp(f->reqs[i].path, path) == 0)
            n++;
    return n;
}

size_t
fake_count(struct fake_server *f, const char *path)
{
    size_t n;

    pthread_mutex_lock(&f->mu);
    n = fake_count_locked(f, path);
    pthread_mutex_unlock(&f->mu);
    return n;
}

static void
fake_deadline(struct timespec *ts, int timeout_ms)
{
    clock_gettime(CLOCK_REALTIME, ts);
    ts->tv_sec += timeout_ms / 1000;
    ts->tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

int
fake_wait(struct fake_server *f, const char *path, size_t n, int timeout_ms)
{
    struct timespec ts;
    int rc = 0;

    fake_deadline(&ts, timeout_ms);
    pthread_mutex_lock(&f->mu);
    while (fake_count_locked(f, path) < n && rc == 0)
        rc = pthread_cond_timedwait(&f->cv, &f->mu, &ts);
    rc = fake_count_locked(f, path) >= n ? 0 : -1;
    pthread_mutex_unlock(&f->mu);
    return rc;
}

int
fake_wait_arrived(struct fake_server *f, size_t n, int timeout_ms)
{
    struct timespec ts;
    int rc = 0;

    fake_deadline(&ts, timeout_ms);
    pthread_mutex_lock(&f->mu);
    while (f->arrived < n && rc == 0)
        rc = pthread_cond_timedwait(&f->cv, &f->mu, &ts);
    rc = f->arrived >= n ? 0 : -1;
    pthread_mutex_unlock(&f->mu);
    return rc;
}

static void
fake_copy(const struct fake_req *src, struct fake_req *out)
{
    *out = *src;
    out->body = malloc(src->len + 1);
    if (out->body != NULL) {
        memcpy(out->body, src->body, src->len);
        out->body[src->len] = '\0';
    }
}

int
fake_get(struct fake_server *f, const char *path, size_t i,
         struct fake_req *out)
{
    int rc = -1;

    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&f->mu);
    for (size_t k = 0; k < f->nreqs; k++) {
        if (path != NULL && strcmp(f->reqs[k].path, path) != 0)
            continue;
        if (i-- == 0) {
            fake_copy(&f->reqs[k], out);
            rc = 0;
            break;
        }
    }
    pthread_mutex_unlock(&f->mu);
    return rc;
}

/* Under mu: index of the last request whose body has needle, or -1. */
static long
fake_find_locked(struct fake_server *f, const char *needle)
{
    for (size_t k = f->nreqs; k > 0; k--)
        if (strstr(f->reqs[k - 1].body, needle) != NULL)
            return (long)(k - 1);
    return -1;
}

int
fake_find(struct fake_server *f, const char *needle, struct fake_req *out)
{
    return fake_wait_find(f, needle, 0, out);
}

int
fake_wait_find(struct fake_server *f, const char *needle, int timeout_ms,
               struct fake_req *out)
{
    struct timespec ts;
    long k;
    int rc = 0;

    memset(out, 0, sizeof *out);
    fake_deadline(&ts, timeout_ms);
    pthread_mutex_lock(&f->mu);
    while ((k = fake_find_locked(f, needle)) < 0 && rc == 0 && timeout_ms > 0)
        rc = pthread_cond_timedwait(&f->cv, &f->mu, &ts);
    if (k >= 0)
        fake_copy(&f->reqs[k], out);
    pthread_mutex_unlock(&f->mu);
    return k >= 0 ? 0 : -1;
}

void
fake_req_cleanup(struct fake_req *r)
{
    free(r->body);
    memset(r, 0, sizeof *r);
}

int
fake_jwt_claim(const char *jwt, const char *name, char *out, size_t cap)
{
    const char *p = jwt ? strchr(jwt, '.') : NULL, *q;
    static const char b64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    unsigned char buf[4096];
    size_t n = 0;
    unsigned acc = 0;
    int bits = 0, rc = -1;
    json_t *claims, *v;

    if (p == NULL || (q = strchr(p + 1, '.')) == NULL)
        return -1;
    for (p++; p < q && n < sizeof buf; p++) {
        const char *d = strchr(b64, *p);

        if (d == NULL || *p == '\0')
            return -1;
        acc = (acc << 6) | (unsigned)(d - b64);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            buf[n++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    claims = json_loadb((const char *)buf, n, 0, NULL);
    v = json_object_get(claims, name);
    if (json_is_string(v) && strlen(json_string_value(v)) < cap) {
        snprintf(out, cap, "%s", json_string_value(v));
        rc = 0;
    }
    json_decref(claims);
    return rc;
}
