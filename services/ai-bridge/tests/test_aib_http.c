/* test_aib_http.c -- the HTTP calls against a real libmicrohttpd server
 * in this process: the body, the Bearer key and the JSON content type go
 * out; timeouts, refused connections, oversized replies, Retry-After,
 * the stop abort and the probe come back as they should. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <microhttpd.h>

#include "aib_http.h"

static struct MHD_Daemon *srv;
static int srv_port;

struct body {
    char buf[4096];
    size_t len;
};

static enum MHD_Result
srv_reply(struct MHD_Connection *c, unsigned status, const char *body,
          const char *retry_after)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
    enum MHD_Result rc;

    if (retry_after != NULL)
        MHD_add_response_header(r, "Retry-After", retry_after);
    rc = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return rc;
}

static enum MHD_Result
srv_handler(void *cls, struct MHD_Connection *c, const char *url,
            const char *method, const char *version, const char *upload,
            size_t *upload_size, void **con_cls)
{
    struct body *b = *con_cls;
    char out[8192];

    (void)cls;
    (void)method;
    (void)version;
    if (b == NULL) {
        *con_cls = calloc(1, sizeof *b);
        return *con_cls ? MHD_YES : MHD_NO;
    }
    if (*upload_size > 0) {
        size_t n = *upload_size;

        if (n > sizeof b->buf - 1 - b->len)
            n = sizeof b->buf - 1 - b->len;
        memcpy(b->buf + b->len, upload, n);
        b->len += n;
        *upload_size = 0;
        return MHD_YES;
    }
    if (strcmp(url, "/echo") == 0) {
        const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                       "Authorization");
        const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                       "Content-Type");

        snprintf(out, sizeof out, "%s|%s|%s", auth ? auth : "-",
                 type ? type : "-", b->buf);
        return srv_reply(c, 200, out, NULL);
    }
    if (strcmp(url, "/slow") == 0) {
        struct timespec ts = {1, 500000000L};

        nanosleep(&ts, NULL);
        return srv_reply(c, 200, "{}", NULL);
    }
    if (strcmp(url, "/big") == 0) {
        memset(out, 'x', 5000);
        out[5000] = '\0';
        return srv_reply(c, 200, out, NULL);
    }
    if (strcmp(url, "/429") == 0)
        return srv_reply(c, 429, "{}", "3");
    return srv_reply(c, 404, "nothing here", NULL);
}

static void
srv_completed(void *cls, struct MHD_Connection *c, void **con_cls,
              enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    free(*con_cls);
    *con_cls = NULL;
}

static int
setup(void **state)
{
    struct sockaddr_in sin;

    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    srv = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION |
                           MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL,
                           srv_handler, NULL, MHD_OPTION_SOCK_ADDR,
                           (struct sockaddr *)&sin,
                           MHD_OPTION_NOTIFY_COMPLETED, srv_completed, NULL,
                           MHD_OPTION_END);
    if (srv == NULL)
        return -1;
    srv_port = MHD_get_daemon_info(srv, MHD_DAEMON_INFO_BIND_PORT)->port;
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    MHD_stop_daemon(srv);
    curl_global_cleanup();
    return 0;
}

static void
url_of(char *out, size_t cap, const char *path)
{
    snprintf(out, cap, "http://127.0.0.1:%d%s", srv_port, path);
}

static struct aib_http_req
req(const char *url, const char *bearer, long timeout_ms)
{
    struct aib_http_req rq = {url, "{\"q\":1}", bearer, timeout_ms, 1000,
                              1 << 20};

    return rq;
}

static void
test_post_sends_body_key_and_json_type(void **state)
{
    struct aib_http *h = aib_http_new(NULL, NULL);
    struct aib_http_res res;
    char url[128];
    struct aib_http_req rq;

    (void)state;
    url_of(url, sizeof url, "/echo");
    rq = req(url, "sk-secret", 5000);
    assert_int_equal(aib_http_post(h, &rq, &res), AIB_T_OK);
    assert_int_equal(res.status, 200);
    assert_int_equal(res.retry_after_ms, -1);
    assert_string_equal(res.body.p,
                        "Bearer sk-secret|application/json|{\"q\":1}");
    aib_http_res_cleanup(&res);
    /* the same handle again (keep-alive), without a key this time */
    rq = req(url, NULL, 5000);
    assert_int_equal(aib_http_post(h, &rq, &res), AIB_T_OK);
    assert_string_equal(res.body.p, "-|application/json|{\"q\":1}");
    aib_http_res_cleanup(&res);
    aib_http_free(h);
}

static void
test_timeout_refusal_and_size_cap(void **state)
{
    struct aib_http *h = aib_http_new(NULL, NULL);
    struct aib_http_res res;
    struct aib_http_req rq;
    struct sockaddr_in sin;
    socklen_t sl = sizeof sin;
    char url[128];
    int fd;

    (void)state;
    url_of(url, sizeof url, "/slow");
    rq = req(url, NULL, 300);
    assert_int_equal(aib_http_post(h, &rq, &res), AIB_T_TIMEOUT);
    assert_int_equal(res.status, 0);
    assert_non_null(strstr(res.err, "timed out"));
    aib_http_res_cleanup(&res);

    /* a port nobody listens on: bound, read back, closed */
    fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
    getsockname(fd, (struct sockaddr *)&sin, &sl);
    close(fd);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/x", ntohs(sin.sin_port));
    rq = req(url, NULL, 1000);
    assert_int_equal(aib_http_post(h, &rq, &res), AIB_T_CONNECT);
    aib_http_res_cleanup(&res);

    url_of(url, sizeof url, "/big");
    rq = req(url, NULL, 5000);
    rq.max_reply = 1000;
    assert_int_equal(aib_http_post(h, &rq, &res), AIB_T_TOO_LARGE);
    aib_http_res_cleanup(&res);
    aib_http_free(h);
}

static void
test_retry_after_and_error_statuses(void **state)
{
    struct aib_http *h = aib_http_new(NULL, NULL);
    struct aib_http_res res;
    struct aib_http_req rq;
    char url[128];

    (void)state;
    url_of(url, sizeof url, "/429");
    rq = req(url, NULL, 5000);
    assert_int_equal(aib_http_post(h, &rq, &res), AIB_T_OK);
    assert_int_equal(res.status, 429);
    assert_int_equal(res.retry_after_ms, 3000);
    aib_http_res_cleanup(&res);
    url_of(url, sizeof url, "/missing");
    rq = req(url, NULL, 5000);
    assert_int_equal(aib_http_post(h, &rq, &res), AIB_T_OK);
    assert_int_equal(res.status, 404);
    aib_http_res_cleanup(&res);
    aib_http_free(h);
}

static int
always_abort(void *arg)
{
    (void)arg;
    return 1;
}

static void
test_stop_aborts_a_call_in_flight(void **state)
{
    struct aib_http *h = aib_http_new(always_abort, NULL);
    struct aib_http_res res;
    struct aib_http_req rq;
    char url[128];

    (void)state;
    url_of(url, sizeof url, "/slow");
    rq = req(url, NULL, 10000);
    assert_int_equal(aib_http_post(h, &rq, &res), AIB_T_ABORTED);
    aib_http_res_cleanup(&res);
    aib_http_free(h);
}

static void
test_probe_counts_any_answer(void **state)
{
    struct aib_http *h = aib_http_new(NULL, NULL);
    char url[128];

    (void)state;
    url_of(url, sizeof url, "/");          /* a 404 is an answer */
    assert_int_equal(aib_http_probe(h, url, 1000), 1);
    assert_int_equal(aib_http_probe(h, "http://127.0.0.1:1/", 1000), 0);
    aib_http_free(h);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_post_sends_body_key_and_json_type),
        cmocka_unit_test(test_timeout_refusal_and_size_cap),
        cmocka_unit_test(test_retry_after_and_error_statuses),
        cmocka_unit_test(test_stop_aborts_a_call_in_flight),
        cmocka_unit_test(test_probe_counts_any_answer),
    };

    return cmocka_run_group_tests_name("aib_http", tests, setup, teardown);
}
