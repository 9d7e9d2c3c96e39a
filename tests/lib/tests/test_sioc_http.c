/* test_sioc_http.c -- the HTTP helpers against a real HTTP server on
 * loopback (libmicrohttpd on its own thread) that answers like the auth
 * service and records what it was sent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <microhttpd.h>

#include "cmn/cmn_buf.h"
#include "sioc_http.h"

struct seen {
    char method[16];
    char url[256];
    char username[64];
    char jwt[64];
    char body[512];
};

static struct seen seen;
static char base[64];

struct upload {
    struct cmn_buf body;
};

static enum MHD_Result
reply(struct MHD_Connection *conn, unsigned status, const char *body)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
    enum MHD_Result rc;

    MHD_add_response_header(r, "Content-Type", "application/json");
    rc = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return rc;
}

/* auth-like answers: the password decides */
static enum MHD_Result
log_in(struct MHD_Connection *conn, const char *body)
{
    if (strstr(body, "\"password\":\"good\"") != NULL)
        return reply(conn, 200, "{\"result\":\"success\",\"token\":"
                                "\"aaa.bbb.ccc\"}");
    if (strstr(body, "\"password\":\"bad\"") != NULL)
        return reply(conn, 401, "{\"result\":\"Invalid credentials\"}");
    if (strstr(body, "\"password\":null") != NULL)
        return reply(conn, 400, "{\"error\":\"password must be a string\"}");
    return reply(conn, 200, "not json");
}

static enum MHD_Result
handler(void *cls, struct MHD_Connection *conn, const char *url,
        const char *method, const char *version, const char *data,
        size_t *size, void **req)
{
    struct upload *u = *req;
    const char *h;

    (void)cls;
    (void)version;
    if (u == NULL) {
        u = calloc(1, sizeof *u);
        cmn_buf_init(&u->body);
        *req = u;
        return MHD_YES;
    }
    if (*size > 0) {
        cmn_buf_append(&u->body, data, *size);
        *size = 0;
        return MHD_YES;
    }
    memset(&seen, 0, sizeof seen);
    snprintf(seen.method, sizeof seen.method, "%s", method);
    snprintf(seen.url, sizeof seen.url, "%s", url);
    snprintf(seen.body, sizeof seen.body, "%s", u->body.p ? u->body.p : "");
    if ((h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "username")))
        snprintf(seen.username, sizeof seen.username, "%s", h);
    if ((h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "jwt")))
        snprintf(seen.jwt, sizeof seen.jwt, "%s", h);
    if (strcmp(url, "/log_in") == 0)
        return log_in(conn, seen.body);
    if (seen.jwt[0] == '\0')
        return reply(conn, 400, "{\"error\":\"The 'get_contact_list' request "
                                "headers must contain username and jwt "
                                "fields\"}");
    return reply(conn, 200, "{\"contacts\":{},\"currently_online\":[],"
                            "\"all_existing_contacts\":[]}");
}

static void
done(void *cls, struct MHD_Connection *conn, void **req,
     enum MHD_RequestTerminationCode why)
{
    struct upload *u = *req;

    (void)cls;
    (void)conn;
    (void)why;
    if (u != NULL) {
        cmn_buf_free(&u->body);
        free(u);
    }
}

static int
start(void **state)
{
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, handler, NULL,
        MHD_OPTION_NOTIFY_COMPLETED, done, NULL, MHD_OPTION_END);
    const union MHD_DaemonInfo *info;

    if (d == NULL)
        return -1;
    info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    snprintf(base, sizeof base, "http://127.0.0.1:%u", info->port);
    *state = d;
    return 0;
}

static int
stop(void **state)
{
    MHD_stop_daemon(*state);
    return 0;
}

static void
test_log_in_returns_the_token(void **state)
{
    struct sioc_http_reply r;
    char err[CMN_ERR_LEN] = "";
    char *token = NULL;

    (void)state;
    assert_int_equal(sioc_http_log_in(base, "Lisa", "good", 0, &token, &r,
                                      err), 0);
    assert_string_equal(token, "aaa.bbb.ccc");
    assert_int_equal(r.status, 200);
    assert_string_equal(seen.method, "POST");
    assert_string_equal(seen.url, "/log_in");
    assert_string_equal(seen.body,
                        "{\"username\":\"Lisa\",\"password\":\"good\"}");
    free(token);
    sioc_http_reply_cleanup(&r);
    /* the reply is optional */
    assert_int_equal(sioc_http_log_in(base, "Lisa", "good", 0, &token, NULL,
                                      err), 0);
    free(token);
}

static void
test_log_in_refusals_keep_status_and_body(void **state)
{
    struct sioc_http_reply r;
    char err[CMN_ERR_LEN] = "";
    char *token = NULL;

    (void)state;
    assert_int_equal(sioc_http_log_in(base, "Lisa", "bad", 0, &token, &r,
                                      err), 1);
    assert_null(token);
    assert_string_equal(err, "Invalid credentials");
    assert_int_equal(r.status, 401);
    assert_string_equal(r.body, "{\"result\":\"Invalid credentials\"}");
    sioc_http_reply_cleanup(&r);

    assert_int_equal(sioc_http_log_in(base, NULL, NULL, 0, &token, &r, err),
                     1);
    assert_string_equal(seen.body, "{\"username\":null,\"password\":null}");
    assert_string_equal(err, "password must be a string");
    assert_int_equal(r.status, 400);
    sioc_http_reply_cleanup(&r);

    assert_int_equal(sioc_http_log_in(base, "a\"b", "other", 0, &token, &r,
                                      err), 1);
    assert_string_equal(seen.body,
                        "{\"username\":\"a\\\"b\",\"password\":\"other\"}");
    assert_non_null(strstr(err, "not a JSON object"));
    sioc_http_reply_cleanup(&r);
}

static void
test_contacts_send_both_headers(void **state)
{
    struct sioc_http_reply r;
    char err[CMN_ERR_LEN] = "";

    (void)state;
    assert_int_equal(sioc_http_get_contacts(base, "Era", "j.w.t", 0, &r, err),
                     0);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"contacts\""));
    assert_string_equal(seen.method, "GET");
    assert_string_equal(seen.url, "/get_contacts_list/Era");
    assert_string_equal(seen.username, "Era");
    assert_string_equal(seen.jwt, "j.w.t");
    sioc_http_reply_cleanup(&r);

    assert_int_equal(sioc_http_get_contacts(base, "Era", NULL, 0, &r, err),
                     0);
    assert_int_equal(r.status, 400);
    assert_string_equal(seen.jwt, "");
    assert_non_null(strstr(r.body, "must contain username and jwt"));
    sioc_http_reply_cleanup(&r);
}

static void
test_plain_request_and_transport_errors(void **state)
{
    struct sioc_http_reply r;
    char err[CMN_ERR_LEN] = "";
    char url[128];
    const char *hdrs[] = {"Content-Type: text/plain", "username: Avi", NULL};

    (void)state;
    snprintf(url, sizeof url, "%s/log_in", base);
    assert_int_equal(sioc_http_request("POST", url, hdrs, "{\"password\":"
                                       "\"bad\"}", 0, &r, err), 0);
    assert_int_equal(r.status, 401);
    assert_int_equal(r.len, strlen(r.body));
    assert_string_equal(seen.username, "Avi");
    sioc_http_reply_cleanup(&r);
    sioc_http_reply_cleanup(NULL);

    /* port 1: nobody listens */
    assert_int_equal(sioc_http_request("GET", "http://127.0.0.1:1/x", NULL,
                                       NULL, 2000, &r, err), -1);
    assert_non_null(strstr(err, "GET http://127.0.0.1:1/x"));
    assert_int_equal(r.status, 0);
    assert_null(r.body);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_log_in_returns_the_token),
        cmocka_unit_test(test_log_in_refusals_keep_status_and_body),
        cmocka_unit_test(test_contacts_send_both_headers),
        cmocka_unit_test(test_plain_request_and_transport_errors),
    };

    return cmocka_run_group_tests(tests, start, stop);
}
