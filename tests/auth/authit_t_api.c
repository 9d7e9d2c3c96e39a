/* authit_t_api.c -- every row of the HTTP contract against a real auth,
 * Postgres and Redis: /log_in, /get_contacts_list, /admin/get_info,
 * /admin/kill_token, /api/v1/logout, /api/v1/users, with each success and
 * failure body and status; disabled users, SQL in names, malformed and
 * oversize bodies, rate limiting, health and metrics.
 *
 * Tests share one auth and one database; each uses its own users or
 * client addresses, so their order does not matter. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmn/cmn_jwt.h"
#include "cmn/cmn_keys.h"

#include "authit.h"

#define DB "authit_api"
#define CONTACTS_MISSING "The 'get_contact_list' request headers must " \
                         "contain username and jwt fields"

static struct authit_proc auth;
static int redis_port;
static redisContext *rc;

static int
setup(void **state)
{
    static const char *const extra[] = {"AUTH_LOGIN_FAILS_PER_USER=5",
        "AUTH_LOGIN_FAILS_PER_ADDR=0", "AUTH_MAX_BODY=4096", NULL};

    (void)state;
    authit_init();
    if ((redis_port = authit_redis_start(0)) < 0 || authit_db_create(DB) != 0)
        return -1;
    rc = authit_redis(redis_port);
    return authit_auth_start(&auth, DB, redis_port, extra);
}

static int
teardown(void **state)
{
    int code = authit_auth_stop(&auth);

    (void)state;
    redisFree(rc);
    authit_redis_stop(redis_port);
    authit_cleanup();
    /* a graceful SIGTERM exits 0 */
    return code == 0 ? 0 : -1;
}

/* POST path with body (a C string) and optional headers. */
static void
post(struct authit_resp *r, const char *path, const char *body,
     const char *const *hdrs)
{
    assert_int_equal(authit_http(r, "POST", auth.port, path, body,
                                 (size_t)-1, hdrs), 0);
}

/* Assert status and that the body is exactly the JSON text want. */
static void
assert_reply(struct authit_resp *r, long status, const char *want)
{
    json_t *w = json_loads(want, 0, NULL);

    assert_non_null(w);
    if (r->status != status || !json_equal(r->json, w))
        fprintf(stderr, "got %ld %s, want %ld %s\n", r->status, r->body,
                status, want);
    assert_int_equal(r->status, status);
    assert_true(json_equal(r->json, w));
    assert_string_equal(r->content_type, "application/json");
    json_decref(w);
    authit_resp_free(r);
}

static void
bearer(char *out, size_t cap, const char *tok)
{
    snprintf(out, cap, "Authorization: Bearer %s", tok);
}

/* ---- /log_in ------------------------------------------------------------ */

static void
test_login_issues_a_session_for_each_seed_user(void **state)
{
    static const char *const users[][2] = {{"Lisa", "TestMe"},
        {"Avi", "MoreMoreMore"}, {"Era", "Come on"},
        {"Tsahi", "Virtual Environment"}, {"Admin", "AdminPassword"}};
    struct cmn_jwt_claims cl;

    (void)state;
    for (size_t i = 0; i < 5; i++) {
        char *tok = authit_login(auth.port, users[i][0], users[i][1]);
        redisReply *rep;

        assert_non_null(tok);
        assert_int_equal(cmn_jwt_verify((const unsigned char *)AUTHIT_SECRET,
                                        strlen(AUTHIT_SECRET), tok,
                                        (long)time(NULL), &cl), CMN_JWT_OK);
        assert_string_equal(cl.sub, users[i][0]);
        assert_int_equal(cl.exp - cl.iat, 86400);
        rep = authit_rcmd(rc, "HGET %s %s", CMN_K_TOKENS, users[i][0]);
        assert_string_equal(rep->str, cl.jti);
        freeReplyObject(rep);
        free(tok);
    }
}

static void
test_login_answer_shape(void **state)
{
    struct authit_resp r;

    (void)state;
    post(&r, "/log_in", "{\"username\":\"Era\",\"password\":\"Come on\"}",
         NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(authit_jstr(&r, "result"), "success");
    assert_non_null(authit_jstr(&r, "token"));
    assert_int_equal(json_object_size(r.json), 2);
    authit_resp_free(&r);
}

static void
test_login_refusals_are_invalid_credentials(void **state)
{
    static const char *const bodies[] = {
        "{\"username\":\"Era\",\"password\":\"come on\"}",
        "{\"username\":\"Nobody\",\"password\":\"Come on\"}",
        "{\"username\":null,\"password\":\"Come on\"}",
        "{\"password\":\"Come on\"}",
        "{\"username\":7,\"password\":\"x\"}",
        "{\"username\":\"ChatGPT\",\"password\":\"\"}",
        "{\"username\":\"Leonid\",\"password\":\"anything\"}",
        "{\"username\":\"era\",\"password\":\"Come on\"}",
    };
    struct authit_resp r;

    (void)state;
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        char hdr[64];
        const char *hdrs[] = {hdr, NULL};

        /* a fresh address each, so the rate limit stays out of the way */
        snprintf(hdr, sizeof hdr, "X-Real-IP: 10.1.0.%zu", i + 1);
        post(&r, "/log_in", bodies[i], hdrs);
        assert_reply(&r, 401, "{\"result\":\"Invalid credentials\"}");
    }
}

static void
test_login_malformed_requests_are_400_without_result(void **state)
{
    static const char *const bodies[] = {
        "{\"username\":\"Era\"}",
        "{\"username\":\"Era\",\"password\":null}",
        "{\"username\":\"Era\",\"password\":12}",
        "{\"username\":\"Era\",\"password\":{\"a\":1}}",
        "{\"username\":\"Era\",\"password\":\"Come on\"",
        "username=Era&password=x", "[]", "\"x\"", "",
        "{\"username\":\"Era\",\"password\":\"\xff\xfe\"}",
    };
    struct authit_resp r;

    (void)state;
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        post(&r, "/log_in", bodies[i], NULL);
        assert_int_equal(r.status, 400);
        assert_non_null(authit_jstr(&r, "error"));
        assert_null(json_object_get(r.json, "result"));
        authit_resp_free(&r);
    }
}

static void
test_oversize_bodies_are_413(void **state)
{
    static const char *const chunked[] = {"Transfer-Encoding: chunked", NULL};
    size_t n = 5000;
    char *big = malloc(n + 1);
    struct authit_resp r;

    (void)state;
    memset(big, ' ', n);
    big[n] = '\0';
    /* a good login padded with blanks (no NUL copied) */
    memcpy(big, "{\"username\":\"Era\",\"password\":\"Come on\"}", 39);
    assert_int_equal(strlen(big), n);
    post(&r, "/log_in", big, NULL);
    assert_reply(&r, 413, "{\"error\":\"Request body too large\"}");
    post(&r, "/log_in", big, chunked);
    assert_reply(&r, 413, "{\"error\":\"Request body too large\"}");
    /* exactly at the limit is read and parsed: a good login */
    big[4096] = '\0';
    post(&r, "/log_in", big, NULL);
    assert_int_equal(r.status, 200);
    authit_resp_free(&r);
    free(big);
}

static void
test_sql_in_names_is_just_a_name(void **state)
{
    static const char *const names[] = {"' OR '1'='1", "Era'--",
        "x\"; DROP TABLE users; --", "Lisa' OR 1=1 --", "%", "_",
        "Era\nLisa", "\\", "Robert'); DROP TABLE schema_migrations;--"};
    long users = authit_db_long(DB, "SELECT count(*) FROM users");

    (void)state;
    assert_true(users >= 7);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        assert_int_equal(authit_login_status(auth.port, names[i], "x' OR '1"),
                         401);
    assert_int_equal(authit_db_long(DB, "SELECT count(*) FROM users"), users);
    assert_int_equal(authit_db_long(DB, "SELECT count(*) FROM "
                                    "schema_migrations"),
                     authit_migrations_shipped());
    /* and the path version of the same */
    assert_int_equal(authit_contacts_status(auth.port, "x%27%20OR%201=1",
                                            "x"), 401);
}

static void
test_unknown_user_costs_as_much_as_a_wrong_password(void **state)
{
    long long unknown[5], wrong[5];

    (void)state;
    for (int i = 0; i < 5; i++) {
        long long t0 = authit_now_ms();

        assert_int_equal(authit_login_status(auth.port, "Ghost1", "pw"), 401);
        unknown[i] = authit_now_ms() - t0;
        t0 = authit_now_ms();
        assert_int_equal(authit_login_status(auth.port, "Tsahi", "pw"), 401);
        wrong[i] = authit_now_ms() - t0;
    }
    for (int i = 1; i < 5; i++) {       /* keep the minimum of each */
        unknown[0] = unknown[i] < unknown[0] ? unknown[i] : unknown[0];
        wrong[0] = wrong[i] < wrong[0] ? wrong[i] : wrong[0];
    }
    /* both pay for one argon2 verification (>= several ms); without the
     * dummy hash an unknown user would answer in about 1 ms */
    assert_true(unknown[0] * 3 >= wrong[0]);
    assert_true(wrong[0] * 3 >= unknown[0]);
    freeReplyObject(authit_rcmd(rc, "DEL rl:login:u:Tsahi rl:login:u:Ghost1"));
}

/* ---- /get_contacts_list --------------------------------------------------- */

static void
assert_contacts_of_avi(const struct authit_resp *r)
{
    static const char *const all[] = {"Admin", "Avi", "ChatGPT", "Era",
                                      "Leonid", "Lisa", "Tsahi"};
    json_t *contacts = json_object_get(r->json, "contacts");
    json_t *every = json_object_get(r->json, "all_existing_contacts");
    json_t *online = json_object_get(r->json, "currently_online");

    assert_int_equal(r->status, 200);
    assert_int_equal(json_object_size(r->json), 3);
    assert_non_null(every);
    for (size_t i = 0; i < 7; i++)
        assert_string_equal(json_string_value(json_array_get(every, i)),
                            all[i]);
    assert_int_equal(json_object_size(contacts), 6);
    assert_null(json_object_get(contacts, "Avi"));
    assert_string_equal(json_string_value(json_object_get(contacts, "Lisa")),
                        "Avi&Lisa");
    assert_string_equal(json_string_value(json_object_get(contacts, "Admin")),
                        "Admin&Avi");
    assert_string_equal(json_string_value(json_object_get(contacts,
                                                          "ChatGPT")),
                        "Avi&ChatGPT");
    /* online: only known users from Redis hash `online`, sorted */
    assert_int_equal(json_array_size(online), 2);
    assert_string_equal(json_string_value(json_array_get(online, 0)),
                        "ChatGPT");
    assert_string_equal(json_string_value(json_array_get(online, 1)), "Era");
}

static void
test_contacts_with_original_headers_and_bearer(void **state)
{
    char *tok = authit_login(auth.port, "Avi", "MoreMoreMore");
    char h1[64], h2[1100], h3[1100];
    const char *orig[] = {h1, h2, NULL}, *bear[] = {h3, NULL};
    const char *both[] = {h1, h3, NULL};
    struct authit_resp r;

    (void)state;
    assert_non_null(tok);
    freeReplyObject(authit_rcmd(rc, "HSET %s Era j1 ChatGPT bot ghost x",
                                CMN_K_ONLINE));
    snprintf(h1, sizeof h1, "username: Avi");
    snprintf(h2, sizeof h2, "jwt: %s", tok);
    bearer(h3, sizeof h3, tok);
    assert_int_equal(authit_http(&r, "GET", auth.port, "/get_contacts_list/Avi",
                                 NULL, 0, orig), 0);
    assert_contacts_of_avi(&r);
    authit_resp_free(&r);
    assert_int_equal(authit_http(&r, "GET", auth.port, "/get_contacts_list/Avi",
                                 NULL, 0, bear), 0);
    assert_contacts_of_avi(&r);
    authit_resp_free(&r);
    assert_int_equal(authit_http(&r, "GET", auth.port, "/get_contacts_list/Avi",
                                 NULL, 0, both), 0);
    assert_contacts_of_avi(&r);
    authit_resp_free(&r);
    freeReplyObject(authit_rcmd(rc, "HDEL %s Era ChatGPT ghost",
                                CMN_K_ONLINE));
    free(tok);
}

static void
test_contacts_missing_headers_are_400(void **state)
{
    static const char *const only_user[] = {"username: Avi", NULL};
    static const char *const only_jwt[] = {"jwt: abc", NULL};
    static const char *const basic[] = {"Authorization: Basic eDp5", NULL};
    const char *const *sets[] = {NULL, only_user, only_jwt, basic};
    struct authit_resp r;

    (void)state;
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(authit_http(&r, "GET", auth.port,
                                     "/get_contacts_list/Avi", NULL, 0,
                                     sets[i]), 0);
        assert_reply(&r, 400, "{\"error\":\"" CONTACTS_MISSING "\"}");
    }
}

static void
test_contacts_bad_tokens_are_invalid_jwt(void **state)
{
    const unsigned char *key = (const unsigned char *)AUTHIT_SECRET;
    char *tok = authit_login(auth.port, "Tsahi", "Virtual Environment");
    char *expired, *forged, hdr[1200];
    const char *bad[8];
    struct cmn_jwt_claims cl;
    long now = (long)time(NULL);
    struct authit_resp r;
    size_t n = 0;

    (void)state;
    assert_non_null(tok);
    assert_int_equal(cmn_jwt_verify(key, strlen(AUTHIT_SECRET), tok, now, &cl),
                     CMN_JWT_OK);
    /* the right jti, but expired; and one signed with another key */
    expired = cmn_jwt_sign(key, strlen(AUTHIT_SECRET), "Tsahi", cl.jti,
                           now - 100, 50);
    forged = cmn_jwt_sign((const unsigned char *)"another-key-0123456789"
                          "abcdefghijkl", 34, "Tsahi", cl.jti, now, 600);
    bad[n++] = "not.a.jwt";
    bad[n++] = expired;
    bad[n++] = forged;
    bad[n++] = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJUc2FoaSJ9.";
    for (size_t i = 0; i < n; i++)
        assert_int_equal(authit_contacts_status(auth.port, "Tsahi", bad[i]),
                         401);
    /* a good token presented with another user's name */
    assert_int_equal(authit_contacts_status(auth.port, "Lisa", tok), 401);
    snprintf(hdr, sizeof hdr, "jwt: %s", forged);
    {
        const char *hdrs[] = {"username: Tsahi", hdr, NULL};

        assert_int_equal(authit_http(&r, "GET", auth.port,
                                     "/get_contacts_list/Tsahi", NULL, 0,
                                     hdrs), 0);
        assert_reply(&r, 401, "{\"error\":\"Invalid JWT\"}");
    }
    assert_int_equal(authit_contacts_status(auth.port, "Tsahi", tok), 200);
    free(expired);
    free(forged);
    free(tok);
}

static void
test_contacts_of_someone_else_are_403(void **state)
{
    char *tok = authit_login(auth.port, "Lisa", "TestMe"), h[1100];
    const char *hdrs[] = {h, NULL};
    struct authit_resp r;

    (void)state;
    bearer(h, sizeof h, tok);
    assert_int_equal(authit_http(&r, "GET", auth.port, "/get_contacts_list/Era",
                                 NULL, 0, hdrs), 0);
    assert_int_equal(r.status, 403);
    assert_non_null(authit_jstr(&r, "error"));
    authit_resp_free(&r);
    free(tok);
}

/* ---- /admin/get_info and /admin/kill_token ---------------------------------- */

static void
test_admin_get_info_lists_online_users(void **state)
{
    struct authit_resp r;
    json_t *list;

    (void)state;
    freeReplyObject(authit_rcmd(rc, "HSET %s Lisa j2", CMN_K_ONLINE));
    post(&r, "/admin/get_info", "{\"username\":\"Admin\",\"password\":"
         "\"AdminPassword\"}", NULL);
    assert_int_equal(r.status, 200);
    list = json_object_get(r.json, "online_clients_list");
    assert_true(json_is_array(list));
    assert_int_equal(json_array_size(list), 1);
    assert_string_equal(json_string_value(json_array_get(list, 0)), "Lisa");
    authit_resp_free(&r);
    freeReplyObject(authit_rcmd(rc, "HDEL %s Lisa", CMN_K_ONLINE));
}

static void
test_admin_endpoints_need_an_admin(void **state)
{
    static const char *const paths[] = {"/admin/get_info",
                                        "/admin/kill_token"};
    static const char *const bodies[] = {
        "{\"username\":\"Lisa\",\"password\":\"TestMe\","
        "\"user_token_terminate\":\"Era\"}",
        "{\"username\":\"Admin\",\"password\":\"wrong\","
        "\"user_token_terminate\":\"Era\"}",
        "{\"username\":\"Nobody\",\"password\":\"x\","
        "\"user_token_terminate\":\"Era\"}",
        "{\"password\":\"AdminPassword\",\"user_token_terminate\":\"Era\"}",
    };
    struct authit_resp r;

    (void)state;
    for (size_t p = 0; p < 2; p++) {
        for (size_t i = 0; i < 4; i++) {
            char hdr[64];
            const char *hdrs[] = {hdr, NULL};

            snprintf(hdr, sizeof hdr, "X-Real-IP: 10.2.%zu.%zu", p, i);
            post(&r, paths[p], bodies[i], hdrs);
            assert_reply(&r, 403, "{\"error\":\"Admin access denied\"}");
        }
        post(&r, paths[p], "{oops", NULL);
        assert_int_equal(r.status, 400);
        authit_resp_free(&r);
    }
}

static void
test_kill_token_revokes_and_broadcasts(void **state)
{
    char *tok = authit_login(auth.port, "Tsahi", "Virtual Environment");
    struct cmn_jwt_claims cl;
    struct authit_resp r;
    redisReply *rep;

    (void)state;
    assert_non_null(tok);
    cmn_jwt_verify((const unsigned char *)AUTHIT_SECRET,
                   strlen(AUTHIT_SECRET), tok, (long)time(NULL), &cl);
    /* Tsahi is online with this session */
    freeReplyObject(authit_rcmd(rc, "HSET %s Tsahi %s", CMN_K_ONLINE,
                                cl.jti));
    post(&r, "/admin/kill_token", "{\"username\":\"Admin\",\"password\":"
         "\"AdminPassword\",\"user_token_terminate\":\"Tsahi\"}", NULL);
    assert_reply(&r, 200, "{\"result\":\"success\"}");
    assert_int_equal(authit_contacts_status(auth.port, "Tsahi", tok), 401);
    rep = authit_rcmd(rc, "HEXISTS %s Tsahi", CMN_K_ONLINE);
    assert_int_equal(rep->integer, 0);
    freeReplyObject(rep);
    rep = authit_rcmd(rc, "XREVRANGE %s + - COUNT 1", CMN_S_BCAST);
    assert_int_equal(rep->elements, 1);
    assert_string_equal(rep->element[0]->element[1]->element[1]->str,
        "42[\"user_has_gone_offline\",{\"username\":\"Tsahi\"}]");
    freeReplyObject(rep);
    /* no session any more */
    post(&r, "/admin/kill_token", "{\"username\":\"Admin\",\"password\":"
         "\"AdminPassword\",\"user_token_terminate\":\"Tsahi\"}", NULL);
    assert_reply(&r, 404, "{\"error\":\"No JWT for user Tsahi\"}");
    post(&r, "/admin/kill_token", "{\"username\":\"Admin\",\"password\":"
         "\"AdminPassword\",\"user_token_terminate\":\"Nobody\"}", NULL);
    assert_reply(&r, 404, "{\"error\":\"No JWT for user Nobody\"}");
    post(&r, "/admin/kill_token", "{\"username\":\"Admin\",\"password\":"
         "\"AdminPassword\"}", NULL);
    assert_int_equal(r.status, 400);
    authit_resp_free(&r);
    free(tok);
}

/* ---- /api/v1/logout ---------------------------------------------------------- */

static void
test_logout_revokes_the_session_once(void **state)
{
    char *tok = authit_login(auth.port, "Lisa", "TestMe"), h[1100];
    const char *hdrs[] = {h, NULL};
    struct authit_resp r;

    (void)state;
    bearer(h, sizeof h, tok);
    assert_int_equal(authit_contacts_status(auth.port, "Lisa", tok), 200);
    post(&r, "/api/v1/logout", NULL, hdrs);
    assert_reply(&r, 200, "{\"result\":\"success\"}");
    assert_int_equal(authit_contacts_status(auth.port, "Lisa", tok), 401);
    post(&r, "/api/v1/logout", NULL, hdrs);
    assert_reply(&r, 401, "{\"error\":\"Invalid JWT\"}");
    post(&r, "/api/v1/logout", NULL, NULL);
    assert_int_equal(r.status, 400);
    authit_resp_free(&r);
    free(tok);
}

static void
test_new_login_replaces_the_old_session(void **state)
{
    char *t1 = authit_login(auth.port, "Avi", "MoreMoreMore");
    char *t2 = authit_login(auth.port, "Avi", "MoreMoreMore");

    (void)state;
    assert_int_equal(authit_contacts_status(auth.port, "Avi", t1), 401);
    assert_int_equal(authit_contacts_status(auth.port, "Avi", t2), 200);
    free(t1);
    free(t2);
}

/* ---- /api/v1/users ----------------------------------------------------------- */

static char *admin_tok;

static void
admin_req(struct authit_resp *r, const char *method, const char *path,
          const char *body)
{
    char h[1100];
    const char *hdrs[] = {h, NULL};

    if (admin_tok == NULL)
        admin_tok = authit_login(auth.port, "Admin", "AdminPassword");
    assert_non_null(admin_tok);
    bearer(h, sizeof h, admin_tok);
    assert_int_equal(authit_http(r, method, auth.port, path, body,
                                 body ? (size_t)-1 : 0, hdrs), 0);
}

static int
mirror_has(const char *name, const char *role)
{
    redisReply *rep = authit_rcmd(rc, "HGET %s %s", CMN_K_USERS, name);
    int ok = role ? (rep->type == REDIS_REPLY_STRING &&
                     strcmp(rep->str, role) == 0)
                  : rep->type == REDIS_REPLY_NIL;

    freeReplyObject(rep);
    return ok;
}

static void
test_users_api_lists_and_gets(void **state)
{
    struct authit_resp r;
    json_t *u;

    (void)state;
    admin_req(&r, "GET", "/api/v1/users", NULL);
    assert_int_equal(r.status, 200);
    assert_true(json_array_size(json_object_get(r.json, "users")) >= 7);
    u = json_array_get(json_object_get(r.json, "users"), 0);
    assert_string_equal(json_string_value(json_object_get(u, "name")),
                        "Admin");
    assert_string_equal(json_string_value(json_object_get(u, "role")),
                        "admin");
    assert_string_equal(json_string_value(json_object_get(u, "status")),
                        "enabled");
    assert_non_null(json_object_get(u, "created_at"));
    assert_null(json_object_get(u, "pw_hash"));
    authit_resp_free(&r);
    admin_req(&r, "GET", "/api/v1/users/Leonid", NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(json_string_value(json_object_get(json_object_get(
        r.json, "user"), "role")), "bot");
    authit_resp_free(&r);
    admin_req(&r, "GET", "/api/v1/users/Nobody", NULL);
    assert_reply(&r, 404, "{\"error\":\"No such user\"}");
}

static void
test_users_api_needs_an_admin_token(void **state)
{
    char *tok = authit_login(auth.port, "Era", "Come on"), h[1100];
    const char *hdrs[] = {h, NULL};
    struct authit_resp r;

    (void)state;
    bearer(h, sizeof h, tok);
    assert_int_equal(authit_http(&r, "GET", auth.port, "/api/v1/users", NULL,
                                 0, hdrs), 0);
    assert_reply(&r, 403, "{\"error\":\"Admin access denied\"}");
    assert_int_equal(authit_http(&r, "GET", auth.port, "/api/v1/users", NULL,
                                 0, NULL), 0);
    assert_reply(&r, 401, "{\"error\":\"Invalid JWT\"}");
    assert_int_equal(authit_http(&r, "POST", auth.port, "/api/v1/users",
                                 "{\"username\":\"sneaky\",\"password\":"
                                 "\"password1\"}", (size_t)-1, hdrs), 0);
    assert_int_equal(r.status, 403);
    authit_resp_free(&r);
    assert_int_equal(authit_db_long(DB, "SELECT count(*) FROM users WHERE "
                                    "name = 'sneaky'"), 0);
    free(tok);
}

static void
test_users_api_create_validates_and_creates(void **state)
{
    struct authit_resp r;
    char *tok;

    (void)state;
    admin_req(&r, "POST", "/api/v1/users", "{\"username\":\"dora\","
              "\"password\":\"dora-secret\"}");
    assert_int_equal(r.status, 201);
    assert_string_equal(authit_jstr(&r, "result"), "success");
    assert_string_equal(json_string_value(json_object_get(json_object_get(
        r.json, "user"), "role")), "user");
    authit_resp_free(&r);
    assert_true(mirror_has("dora", "user"));
    tok = authit_login(auth.port, "dora", "dora-secret");
    assert_non_null(tok);
    free(tok);
    admin_req(&r, "POST", "/api/v1/users", "{\"username\":\"dora\","
              "\"password\":\"dora-secret\"}");
    assert_reply(&r, 409, "{\"error\":\"User dora already exists\"}");
    admin_req(&r, "POST", "/api/v1/users", "{\"username\":\"a&b\","
              "\"password\":\"long-enough\"}");
    assert_int_equal(r.status, 400);
    authit_resp_free(&r);
    admin_req(&r, "POST", "/api/v1/users", "{\"username\":\"shorty\","
              "\"password\":\"short\"}");
    assert_int_equal(r.status, 400);
    authit_resp_free(&r);
    admin_req(&r, "POST", "/api/v1/users", "{\"username\":\"r2\","
              "\"role\":\"root\",\"password\":\"long-enough\"}");
    assert_int_equal(r.status, 400);
    authit_resp_free(&r);
    admin_req(&r, "POST", "/api/v1/users", "{\"username\":\"botty\","
              "\"role\":\"bot\",\"password\":\"long-enough\"}");
    assert_reply(&r, 400, "{\"error\":\"Bots cannot have a password\"}");
    admin_req(&r, "POST", "/api/v1/users", "{\"username\":\"botty\","
              "\"role\":\"bot\"}");
    assert_int_equal(r.status, 201);
    authit_resp_free(&r);
    assert_true(mirror_has("botty", "bot"));
    assert_int_equal(authit_login_status(auth.port, "botty", ""), 401);
}

static void
test_users_api_password_change_revokes_session(void **state)
{
    struct authit_resp r;
    char *old;

    (void)state;
    admin_req(&r, "POST", "/api/v1/users", "{\"username\":\"pwuser\","
              "\"password\":\"first-pass\"}");
    assert_int_equal(r.status, 201);
    authit_resp_free(&r);
    old = authit_login(auth.port, "pwuser", "first-pass");
    assert_non_null(old);
    admin_req(&r, "PUT", "/api/v1/users/pwuser/password",
              "{\"password\":\"second-pass\"}");
    assert_reply(&r, 200, "{\"result\":\"success\"}");
    assert_int_equal(authit_contacts_status(auth.port, "pwuser", old), 401);
    assert_int_equal(authit_login_status(auth.port, "pwuser", "first-pass"),
                     401);
    assert_int_equal(authit_login_status(auth.port, "pwuser", "second-pass"),
                     200);
    admin_req(&r, "PUT", "/api/v1/users/ChatGPT/password",
              "{\"password\":\"second-pass\"}");
    assert_int_equal(r.status, 400);
    authit_resp_free(&r);
    admin_req(&r, "PUT", "/api/v1/users/Nobody/password",
              "{\"password\":\"second-pass\"}");
    assert_int_equal(r.status, 404);
    authit_resp_free(&r);
    free(old);
}

static void
test_disabled_user_cannot_log_in_and_disappears(void **state)
{
    struct authit_resp r;
    char *tok, *lisa;
    json_t *every;

    (void)state;
    admin_req(&r, "POST", "/api/v1/users", "{\"username\":\"erin\","
              "\"password\":\"erin-secret\"}");
    assert_int_equal(r.status, 201);
    authit_resp_free(&r);
    tok = authit_login(auth.port, "erin", "erin-secret");
    assert_non_null(tok);
    admin_req(&r, "POST", "/api/v1/users/erin/disable", NULL);
    assert_reply(&r, 200, "{\"result\":\"success\",\"status\":\"disabled\"}");
    assert_int_equal(authit_contacts_status(auth.port, "erin", tok), 401);
    assert_int_equal(authit_login_status(auth.port, "erin", "erin-secret"),
                     401);
    assert_true(mirror_has("erin", NULL));
    /* gone from everybody's contacts */
    lisa = authit_login(auth.port, "Lisa", "TestMe");
    {
        char h1[] = "username: Lisa", h2[1100];
        const char *hdrs[] = {h1, h2, NULL};

        snprintf(h2, sizeof h2, "jwt: %s", lisa);
        authit_http(&r, "GET", auth.port, "/get_contacts_list/Lisa", NULL, 0,
                    hdrs);
        every = json_object_get(r.json, "all_existing_contacts");
        for (size_t i = 0; i < json_array_size(every); i++)
            assert_string_not_equal(json_string_value(json_array_get(every,
                                                                     i)),
                                    "erin");
        assert_null(json_object_get(json_object_get(r.json, "contacts"),
                                    "erin"));
        authit_resp_free(&r);
    }
    admin_req(&r, "POST", "/api/v1/users/erin/enable", NULL);
    assert_reply(&r, 200, "{\"result\":\"success\",\"status\":\"enabled\"}");
    assert_true(mirror_has("erin", "user"));
    assert_int_equal(authit_login_status(auth.port, "erin", "erin-secret"),
                     200);
    admin_req(&r, "POST", "/api/v1/users/Admin/disable", NULL);
    assert_int_equal(r.status, 409);
    authit_resp_free(&r);
    admin_req(&r, "POST", "/api/v1/users/Nobody/disable", NULL);
    assert_int_equal(r.status, 404);
    authit_resp_free(&r);
    free(tok);
    free(lisa);
}

/* ---- rate limits, unknown paths, health ------------------------------------ */

static void
test_failed_logins_per_name_are_rate_limited(void **state)
{
    struct authit_resp r;
    const char *body = "{\"username\":\"Era\",\"password\":\"guess\"}";
    const char *good = "{\"username\":\"Era\",\"password\":\"Come on\"}";

    (void)state;
    for (int i = 0; i < 5; i++) {
        char hdr[64];
        const char *hdrs[] = {hdr, NULL};

        snprintf(hdr, sizeof hdr, "X-Forwarded-For: 1.1.1.1, 10.3.0.%d", i);
        post(&r, "/log_in", body, hdrs);
        assert_int_equal(r.status, 401);
        authit_resp_free(&r);
    }
    /* now even the right password waits, from any address */
    post(&r, "/log_in", good, NULL);
    assert_int_equal(r.status, 429);
    assert_non_null(authit_jstr(&r, "error"));
    assert_true(atoi(r.retry_after) > 0 && atoi(r.retry_after) <= 60);
    authit_resp_free(&r);
    /* other names are not affected */
    assert_int_equal(authit_login_status(auth.port, "Lisa", "TestMe"), 200);
    freeReplyObject(authit_rcmd(rc, "DEL rl:login:u:Era"));
    assert_int_equal(authit_login_status(auth.port, "Era", "Come on"), 200);
}

static void
test_failed_logins_per_address_are_rate_limited(void **state)
{
    static const char *const extra[] = {"AUTH_LOGIN_FAILS_PER_USER=0",
                                        "AUTH_LOGIN_FAILS_PER_ADDR=3", NULL};
    const char *from[] = {"X-Real-IP: 192.0.2.77", NULL};
    struct authit_proc second;
    struct authit_resp r;
    char body[128];

    (void)state;
    /* a second replica with its own limits, counting in the same Redis */
    assert_int_equal(authit_auth_start(&second, DB, redis_port, extra), 0);
    for (int i = 0; i < 3; i++) {
        snprintf(body, sizeof body, "{\"username\":\"spray%d\","
                 "\"password\":\"x\"}", i);
        assert_int_equal(authit_http(&r, "POST", second.port, "/log_in", body,
                                     (size_t)-1, from), 0);
        assert_int_equal(r.status, 401);
        authit_resp_free(&r);
    }
    assert_int_equal(authit_http(&r, "POST", second.port, "/log_in",
                                 "{\"username\":\"Lisa\",\"password\":"
                                 "\"TestMe\"}", (size_t)-1, from), 0);
    assert_int_equal(r.status, 429);
    authit_resp_free(&r);
    /* another address is not affected */
    from[0] = "X-Real-IP: 192.0.2.78";
    assert_int_equal(authit_http(&r, "POST", second.port, "/log_in",
                                 "{\"username\":\"Lisa\",\"password\":"
                                 "\"TestMe\"}", (size_t)-1, from), 0);
    assert_int_equal(r.status, 200);
    authit_resp_free(&r);
    assert_int_equal(authit_auth_stop(&second), 0);
}

static void
test_unknown_paths_and_methods_are_json(void **state)
{
    struct authit_resp r;

    (void)state;
    assert_int_equal(authit_http(&r, "GET", auth.port, "/nothing/here", NULL,
                                 0, NULL), 0);
    assert_reply(&r, 404, "{\"error\":\"Not found\"}");
    assert_int_equal(authit_http(&r, "GET", auth.port, "/log_in", NULL, 0,
                                 NULL), 0);
    assert_reply(&r, 405, "{\"error\":\"Method not allowed\"}");
    assert_int_equal(authit_http(&r, "DELETE", auth.port,
                                 "/api/v1/users/Lisa", NULL, 0, NULL), 0);
    assert_reply(&r, 405, "{\"error\":\"Method not allowed\"}");
}

static void
test_health_and_metrics(void **state)
{
    struct authit_resp r;

    (void)state;
    assert_int_equal(authit_http(&r, "GET", auth.health_port, "/healthz",
                                 NULL, 0, NULL), 0);
    assert_reply(&r, 200, "{\"status\":\"ok\"}");
    assert_int_equal(authit_http(&r, "GET", auth.health_port, "/metrics",
                                 NULL, 0, NULL), 0);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "iseecubes_auth_logins_ok_total "));
    assert_null(strstr(r.body, "iseecubes_auth_logins_ok_total 0\n"));
    assert_non_null(strstr(r.body, "iseecubes_auth_logins_denied_total "));
    assert_non_null(strstr(r.body, "iseecubes_auth_rate_limited_total "));
    assert_non_null(strstr(r.body, "iseecubes_auth_db_errors_total "));
    authit_resp_free(&r);
}

static void
test_logs_never_hold_passwords_or_tokens(void **state)
{
    char *tok = authit_login(auth.port, "Avi", "MoreMoreMore");

    (void)state;
    assert_non_null(tok);
    assert_int_equal(authit_log_count(&auth, "MoreMoreMore"), 0);
    assert_int_equal(authit_log_count(&auth, "AdminPassword"), 0);
    assert_int_equal(authit_log_count(&auth, "TestMe"), 0);
    assert_int_equal(authit_log_count(&auth, strchr(tok, '.') + 1), 0);
    assert_int_equal(authit_log_count(&auth, AUTHIT_SECRET), 0);
    assert_true(authit_log_count(&auth, "result=ok") > 0);
    assert_true(authit_log_count(&auth, "reason=bad_password") > 0);
    free(tok);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_login_issues_a_session_for_each_seed_user),
        cmocka_unit_test(test_login_answer_shape),
        cmocka_unit_test(test_login_refusals_are_invalid_credentials),
        cmocka_unit_test(test_login_malformed_requests_are_400_without_result),
        cmocka_unit_test(test_oversize_bodies_are_413),
        cmocka_unit_test(test_sql_in_names_is_just_a_name),
        cmocka_unit_test(test_unknown_user_costs_as_much_as_a_wrong_password),
        cmocka_unit_test(test_contacts_with_original_headers_and_bearer),
        cmocka_unit_test(test_contacts_missing_headers_are_400),
        cmocka_unit_test(test_contacts_bad_tokens_are_invalid_jwt),
        cmocka_unit_test(test_contacts_of_someone_else_are_403),
        cmocka_unit_test(test_admin_get_info_lists_online_users),
        cmocka_unit_test(test_admin_endpoints_need_an_admin),
        cmocka_unit_test(test_kill_token_revokes_and_broadcasts),
        cmocka_unit_test(test_logout_revokes_the_session_once),
        cmocka_unit_test(test_new_login_replaces_the_old_session),
        cmocka_unit_test(test_users_api_lists_and_gets),
        cmocka_unit_test(test_users_api_needs_an_admin_token),
        cmocka_unit_test(test_users_api_create_validates_and_creates),
        cmocka_unit_test(test_users_api_password_change_revokes_session),
        cmocka_unit_test(test_disabled_user_cannot_log_in_and_disappears),
        cmocka_unit_test(test_failed_logins_per_name_are_rate_limited),
        cmocka_unit_test(test_failed_logins_per_address_are_rate_limited),
        cmocka_unit_test(test_unknown_paths_and_methods_are_json),
        cmocka_unit_test(test_health_and_metrics),
        cmocka_unit_test(test_logs_never_hold_passwords_or_tokens),
    };
    int failed = cmocka_run_group_tests(tests, setup, teardown);

    free(admin_tok);
    return failed;
}
