/* itest_bots.c -- helpers for the bots' integration tests (see
 * itest_bots.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "itest_bots.h"

void
itb_write_file(const char *text, char *path, size_t cap)
{
    int fd;
    size_t len = strlen(text);

    snprintf(path, cap, "/tmp/iseecubes-bots.XXXXXX");
    if ((fd = mkstemp(path)) < 0)
        fail_msg("mkstemp %s failed", path);
    if (write(fd, text, len) != (ssize_t)len)
        fail_msg("cannot write %s", path);
    close(fd);
}

void
itb_user_new(const struct itest_stack *st, const char *prefix,
             struct itb_user *u)
{
    char pw[128];

    memset(u, 0, sizeof *u);
    itest_new_user(st, prefix, u->name, sizeof u->name);
    itest_password(u->name, pw, sizeof pw);
    u->token = itest_login(st, u->name, pw);
    u->c = itest_connect_token(st, u->token);
}

void
itb_user_free(struct itb_user *u)
{
    sioc_close(u->c);
    free(u->token);
    memset(u, 0, sizeof *u);
}

void
itb_ask(struct itb_user *u, const char *bot, const char *text, char *result,
        size_t cap, char *id, size_t idcap)
{
    itest_send(u->c, u->name, bot, text, u->token, result, cap, id, idcap);
}

int
itb_answer(struct itb_user *u, const char *bot, int timeout_ms,
           char *content, size_t cap)
{
    struct sioc_event ev;

    if (itest_wait_match(u->c, "ai_response_received", "sender", bot,
                         timeout_ms, &ev) != 0)
        return -1;
    if (sioc_event_str(&ev, "content", content, cap) < 0)
        content[0] = '\0';
    sioc_event_cleanup(&ev);
    return 0;
}

int
itb_listed_online(const struct itest_stack *st, const struct itb_user *u,
                  const char *name)
{
    struct sioc_http_reply r;
    char err[CMN_ERR_LEN];
    json_t *root, *online;
    int found = 0;

    if (sioc_http_get_contacts(st->base, u->name, u->token, 5000, &r,
                               err) != 0)
        fail_msg("get_contacts_list: %s", err);
    root = json_loadb(r.body ? r.body : "", r.len, 0, NULL);
    online = json_object_get(root, "currently_online");
    if (!json_is_array(online))
        fail_msg("get_contacts_list: no currently_online in %s",
                 r.body ? r.body : "(nothing)");
    for (size_t i = 0; i < json_array_size(online); i++)
        if (json_is_string(json_array_get(online, i)) &&
            strcmp(json_string_value(json_array_get(online, i)), name) == 0)
            found = 1;
    json_decref(root);
    sioc_http_reply_cleanup(&r);
    return found;
}

int
itb_wait_online(const struct itest_stack *st, const char *bot, int want,
                int timeout_ms)
{
    return itest_redis_wait(st, want ? "1" : "0", timeout_ms,
                            "HEXISTS online %s", bot);
}

int
itb_log_count(const struct itest_stack *st, const char *needle)
{
    char path[512], line[8192];
    FILE *p;
    int n = 0;

    snprintf(path, sizeof path, "cat %s/logs/*.log 2>/dev/null", st->dir);
    if ((p = popen(path, "r")) == NULL)
        fail_msg("cannot read the stack's logs");
    while (fgets(line, sizeof line, p) != NULL)
        if (strstr(line, needle) != NULL)
            n++;
    pclose(p);
    return n;
}
