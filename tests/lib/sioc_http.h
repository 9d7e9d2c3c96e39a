/* sioc_http.h -- blocking HTTP helpers (libcurl) for the public API the
 * auth service serves: POST /log_in and GET /get_contacts_list/<user>,
 * plus a plain request call for anything else (bad bodies, admin API).
 *
 * Every call returns the status and the body, because the original
 * clients read the body, and tests assert on both. */
#ifndef SIOC_HTTP_H
#define SIOC_HTTP_H

#include <stddef.h>

#include "cmn/cmn_err.h"

/* Response bodies longer than this are an error. */
#define SIOC_HTTP_MAX_BODY (16u << 20)

struct sioc_http_reply {
    long status;        /* HTTP status, 0 when no response */
    char *body;         /* NUL-terminated; owned: sioc_http_reply_cleanup */
    size_t len;
};

/* Free the body and zero the reply. NULL-safe. */
void sioc_http_reply_cleanup(struct sioc_http_reply *r);

/* One request. method "GET"/"POST"/...; headers: NULL-terminated array of
 * "Name: value" (or NULL); body: sent as is (Content-Type:
 * application/json unless a header says otherwise), NULL for none;
 * timeout_ms 0 = 10 s. 0 when a response came (any status), -1 with err
 * on transport failure. *out is always initialised. */
int sioc_http_request(const char *method, const char *url,
                      const char *const *headers, const char *body,
                      long timeout_ms, struct sioc_http_reply *out,
                      char *err);

/* POST <base>/log_in {"username":user,"password":password} (a NULL
 * string is sent as JSON null). base is "http://127.0.0.1:5000".
 * Returns 0 with *token (caller frees with free()) when the body says
 * "result":"success"; 1 when the server answered otherwise (err holds
 * the body's "result" or "error" text); -1 on transport failure. reply
 * (may be NULL) receives the raw answer either way. */
int sioc_http_log_in(const char *base, const char *user, const char *password,
                     long timeout_ms, char **token,
                     struct sioc_http_reply *reply, char *err);

/* GET <base>/get_contacts_list/<user> with the headers `username` and
 * `jwt` (either NULL to leave it out). 0 with *reply, or -1 with err. */
int sioc_http_get_contacts(const char *base, const char *user,
                           const char *jwt, long timeout_ms,
                           struct sioc_http_reply *reply, char *err);

#endif
