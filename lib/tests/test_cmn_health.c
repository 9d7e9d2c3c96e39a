/* test_cmn_health.c -- the private admin port: /healthz (200 ok, 503 with
 * the reason), /metrics in Prometheus text, 404/405, binding to port 0,
 * bind failures. Requests go over a raw loopback socket (HTTP/1.0, so the
 * server closes after each answer). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "cmn/cmn_err.h"
#include "cmn/cmn_health.h"
#include "cmn/cmn_json.h"

struct reply {
    int status;
    char head[2048];
    char body[8192];
};

/* Send `request` to 127.0.0.1:port and read until the server closes. */
static int
http(int port, const char *request, struct reply *r)
{
    struct sockaddr_in sin;
    static char raw[16384];
    size_t n = 0;
    ssize_t got;
    char *sep;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons((unsigned short)port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (write(fd, request, strlen(request)) != (ssize_t)strlen(request)) {
        close(fd);
        return -1;
    }
    while ((got = read(fd, raw + n, sizeof raw - 1 - n)) > 0)
        n += (size_t)got;
    close(fd);
    raw[n] = '\0';
    if (sscanf(raw, "HTTP/1.%*d %d", &r->status) != 1 ||
        (sep = strstr(raw, "\r\n\r\n")) == NULL)
        return -1;
    snprintf(r->head, sizeof r->head, "%.*s", (int)(sep - raw), raw);
    snprintf(r->body, sizeof r->body, "%s", sep + 4);
    return 0;
}

static int
get(int port, const char *path, struct reply *r)
{
    char req[256];

    snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: x\r\n\r\n", path);
    return http(port, req, r);
}

static const char *
always_down(void *arg)
{
    (void)arg;
    return "redis \"down\"";
}

static const char *
flag_check(void *arg)
{
    return *(int *)arg ? NULL : "not ready";
}

static struct cmn_metric t_requests = {"iseecubes_test_requests_total",
    "requests handled", 0};
static struct cmn_metric t_queue = {"iseecubes_test_queue_depth",
    "items waiting", 1};

static void
test_starts_on_a_free_port_when_asked_for_port_0(void **state)
{
    char err[CMN_ERR_LEN] = "";
    struct cmn_health *h = cmn_health_start("127.0.0.1", 0, NULL, NULL, err);

    (void)state;
    assert_non_null(h);
    assert_true(cmn_health_port(h) > 0);
    assert_true(cmn_health_port(h) < 65536);
    cmn_health_stop(h);
}

static void
test_healthz_answers_ok_json_when_healthy(void **state)
{
    struct cmn_health *h = cmn_health_start("127.0.0.1", 0, NULL, NULL, NULL);
    struct reply r;

    (void)state;
    assert_non_null(h);
    assert_int_equal(get(cmn_health_port(h), "/healthz", &r), 0);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.head, "Content-Type: application/json"));
    assert_string_equal(r.body, "{\"status\":\"ok\"}\n");
    cmn_health_stop(h);
}

static void
test_healthz_answers_503_with_an_escaped_reason(void **state)
{
    struct cmn_health *h = cmn_health_start("127.0.0.1", 0, always_down, NULL,
                                            NULL);
    struct reply r;

    (void)state;
    assert_int_equal(get(cmn_health_port(h), "/healthz", &r), 0);
    assert_int_equal(r.status, 503);
    assert_string_equal(r.body, "{\"status\":\"degraded\",\"reason\":"
                                "\"redis \\\"down\\\"\"}\n");
    assert_int_equal(cmn_json_validate(r.body, strlen(r.body)), 0);
    cmn_health_stop(h);
}

static void
test_healthz_asks_the_check_on_every_request(void **state)
{
    int ready = 0;
    struct cmn_health *h = cmn_health_start("127.0.0.1", 0, flag_check,
                                            &ready, NULL);
    struct reply r;

    (void)state;
    assert_int_equal(get(cmn_health_port(h), "/healthz", &r), 0);
    assert_int_equal(r.status, 503);
    assert_non_null(strstr(r.body, "not ready"));
    ready = 1;
    assert_int_equal(get(cmn_health_port(h), "/healthz", &r), 0);
    assert_int_equal(r.status, 200);
    cmn_health_stop(h);
}

static void
test_metrics_lists_registered_counters_and_gauges(void **state)
{
    struct cmn_health *h = cmn_health_start("127.0.0.1", 0, NULL, NULL, NULL);
    struct reply r;

    (void)state;
    cmn_metric_add(&t_requests, 3);
    cmn_metric_add(&t_requests, 2);
    cmn_metric_set(&t_queue, -7);
    assert_int_equal(get(cmn_health_port(h), "/metrics", &r), 0);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.head, "Content-Type: text/plain; "
                                   "version=0.0.4"));
    assert_string_equal(r.body,
        "# HELP iseecubes_test_requests_total requests handled\n"
        "# TYPE iseecubes_test_requests_total counter\n"
        "iseecubes_test_requests_total 5\n"
        "# HELP iseecubes_test_queue_depth items waiting\n"
        "# TYPE iseecubes_test_queue_depth gauge\n"
        "iseecubes_test_queue_depth -7\n");
    /* values are read at request time */
    cmn_metric_add(&t_requests, 1);
    assert_int_equal(get(cmn_health_port(h), "/metrics", &r), 0);
    assert_non_null(strstr(r.body, "iseecubes_test_requests_total 6\n"));
    cmn_health_stop(h);
}

static void
test_unknown_path_is_404_json(void **state)
{
    struct cmn_health *h = cmn_health_start("127.0.0.1", 0, NULL, NULL, NULL);
    struct reply r;

    (void)state;
    assert_int_equal(get(cmn_health_port(h), "/healthz/extra", &r), 0);
    assert_int_equal(r.status, 404);
    assert_string_equal(r.body, "{\"error\":\"not found\"}\n");
    assert_int_equal(get(cmn_health_port(h), "/", &r), 0);
    assert_int_equal(r.status, 404);
    cmn_health_stop(h);
}

static void
test_other_methods_are_405(void **state)
{
    struct cmn_health *h = cmn_health_start("127.0.0.1", 0, NULL, NULL, NULL);
    struct reply r;

    (void)state;
    assert_int_equal(http(cmn_health_port(h),
                          "POST /healthz HTTP/1.0\r\nContent-Length: 2\r\n"
                          "\r\n{}", &r), 0);
    assert_int_equal(r.status, 405);
    assert_int_equal(http(cmn_health_port(h),
                          "DELETE /metrics HTTP/1.0\r\n\r\n", &r), 0);
    assert_int_equal(r.status, 405);
    cmn_health_stop(h);
}

static void
test_bad_bind_address_is_reported(void **state)
{
    char err[CMN_ERR_LEN] = "";

    (void)state;
    assert_null(cmn_health_start("localhost", 0, NULL, NULL, err));
    assert_non_null(strstr(err, "bad health bind address \"localhost\""));
    assert_null(cmn_health_start("300.1.1.1", 0, NULL, NULL, err));
}

static void
test_port_in_use_is_reported(void **state)
{
    char err[CMN_ERR_LEN] = "";
    struct cmn_health *a = cmn_health_start("127.0.0.1", 0, NULL, NULL, err);
    struct cmn_health *b;

    (void)state;
    assert_non_null(a);
    b = cmn_health_start("127.0.0.1", cmn_health_port(a), NULL, NULL, err);
    assert_null(b);
    assert_non_null(strstr(err, "cannot listen on 127.0.0.1:"));
    cmn_health_stop(a);
}

static void
test_stop_closes_the_port_and_accepts_null(void **state)
{
    struct cmn_health *h = cmn_health_start("127.0.0.1", 0, NULL, NULL, NULL);
    int port = cmn_health_port(h);
    struct reply r;

    (void)state;
    cmn_health_stop(h);
    assert_int_equal(get(port, "/healthz", &r), -1);
    cmn_health_stop(NULL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_starts_on_a_free_port_when_asked_for_port_0),
        cmocka_unit_test(test_healthz_answers_ok_json_when_healthy),
        cmocka_unit_test(test_healthz_answers_503_with_an_escaped_reason),
        cmocka_unit_test(test_healthz_asks_the_check_on_every_request),
        cmocka_unit_test(test_metrics_lists_registered_counters_and_gauges),
        cmocka_unit_test(test_unknown_path_is_404_json),
        cmocka_unit_test(test_other_methods_are_405),
        cmocka_unit_test(test_bad_bind_address_is_reported),
        cmocka_unit_test(test_port_in_use_is_reported),
        cmocka_unit_test(test_stop_closes_the_port_and_accepts_null),
    };

    cmn_metric_register(&t_requests);
    cmn_metric_register(&t_queue);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
