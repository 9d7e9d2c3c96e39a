/* auth_route.c -- the endpoint table (see auth_route.h) and auth_fail(). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "auth_handlers.h"
#include "auth_route.h"

struct auth_route {
    const char *method;
    const char *pattern;
    auth_handler_fn fn;
};

static const struct auth_route auth_routes[] = {
    /* the original's API */
    { "POST", "/log_in",                      auth_login_handle },
    { "GET",  "/get_contacts_list/*",         auth_contacts_handle },
    { "POST", "/admin/get_info",              auth_admin_get_info },
    { "POST", "/admin/kill_token",            auth_admin_kill_token },
    /* ours */
    { "POST", "/api/v1/logout",               auth_logout_handle },
    { "GET",  "/api/v1/users",                auth_uapi_list },
    { "POST", "/api/v1/users",                auth_uapi_create },
    { "GET",  "/api/v1/users/*",              auth_uapi_get },
    { "PUT",  "/api/v1/users/*/password",     auth_uapi_password },
    { "POST", "/api/v1/users/*/disable",      auth_uapi_disable },
    { "POST", "/api/v1/users/*/enable",       auth_uapi_enable },
};
#define AUTH_NROUTES (sizeof auth_routes / sizeof auth_routes[0])

int
auth_route_match(const char *pattern, const char *path, char *arg)
{
    const char *p = pattern, *q = path;

    arg[0] = '\0';
    while (*p != '\0') {
        if (*p == '*') {
            size_t n = strcspn(q, "/");

            if (n == 0 || n > AUTH_ROUTE_ARG_MAX)
                return 0;
            memcpy(arg, q, n);
            arg[n] = '\0';
            p++;
            q += n;
            continue;
        }
        if (*p != *q)
            return 0;
        p++;
        q++;
    }
    return *q == '\0';
}

auth_handler_fn
auth_route_find(const char *method, const char *path, char *arg,
                enum auth_result *why)
{
    *why = AUTH_NOT_FOUND;
    for (size_t i = 0; i < AUTH_NROUTES; i++) {
        if (!auth_route_match(auth_routes[i].pattern, path, arg))
            continue;
        if (strcmp(auth_routes[i].method, method) == 0)
            return auth_routes[i].fn;
        *why = AUTH_METHOD;
    }
    return NULL;
}

enum auth_result
auth_route_dispatch(struct auth_ctx *cx, const struct auth_req *rq,
                    struct auth_resp *rs)
{
    char arg[AUTH_ROUTE_ARG_MAX + 1];
    enum auth_result why;
    auth_handler_fn fn = auth_route_find(rq->method, rq->path, arg, &why);

    if (fn == NULL)
        return auth_fail(rs, why, why == AUTH_METHOD ? "Method not allowed"
                                                     : "Not found");
    return fn(cx, rq, rs, arg[0] ? arg : NULL);
}

enum auth_result
auth_fail(struct auth_resp *rs, enum auth_result r, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(rs->msg, sizeof rs->msg, fmt, ap);
    va_end(ap);
    return r;
}
