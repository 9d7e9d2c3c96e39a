/* auth_route.h -- which handler serves which method and path.
 *
 * The table (auth_route.c) is the one place listing every endpoint. A path
 * pattern is matched segment by segment; a "*" segment matches one
 * non-empty segment (up to AUTH_ROUTE_ARG_MAX bytes) and is passed to the
 * handler as its arg. */
#ifndef AUTH_ROUTE_H
#define AUTH_ROUTE_H

#include <stddef.h>

#include "auth_req.h"

#define AUTH_ROUTE_ARG_MAX 255

/* Match path against pattern; on a match copy the "*" segment (if any)
 * into arg[AUTH_ROUTE_ARG_MAX + 1]. 1 = match, 0 = no. Pure. */
int auth_route_match(const char *pattern, const char *path, char *arg);

/* Find the route for method + path. Returns the handler and fills arg
 * (or NULL when none) ; *why is AUTH_NOT_FOUND (no such path) or
 * AUTH_METHOD (the path exists with other methods) when NULL returned. */
auth_handler_fn auth_route_find(const char *method, const char *path,
                                char *arg, enum auth_result *why);

/* Run the request: find the route and call it. */
enum auth_result auth_route_dispatch(struct auth_ctx *cx,
                                     const struct auth_req *rq,
                                     struct auth_resp *rs);

#endif
