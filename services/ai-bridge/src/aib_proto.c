/* aib_proto.c -- request bodies and reply parsing per kind of bot (see
 * aib_proto.h), built with jansson. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <jwt.h>

#include "aib_proto.h"
#include "cmn/cmn_err.h"
#include "cmn/cmn_json.h"

/* Serialise and drop the value (NULL-safe). */
static char *
aib_dump(json_t *v)
{
    char *s;

    if (v == NULL)
        return NULL;
    s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(v);
    return s;
}

char *
aib_content_text(const char *raw, size_t len)
{
    json_t *v = json_loadb(raw, len, JSON_DECODE_ANY, NULL);
    char *s;

    if (v == NULL)
        return NULL;
    if (json_is_string(v))
        s = strdup(json_string_value(v));
    else
        s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(v);
    return s;
}

char *
aib_turn_json(const char *role, const char *content)
{
    return aib_dump(json_pack("{s:s, s:s}", "role", role, "content",
                              content));
}

/* A remembered turn usable as a chat message, as a new reference. */
static json_t *
aib_turn_load(const char *text)
{
    json_t *v = json_loads(text, 0, NULL);
    json_t *role = json_object_get(v, "role");

    if (json_is_string(role) &&
        json_is_string(json_object_get(v, "content")) &&
        (strcmp(json_string_value(role), "user") == 0 ||
         strcmp(json_string_value(role), "assistant") == 0))
        return v;
    json_decref(v);
    return NULL;
}

char *
aib_openai_body(const struct aib_botcfg *c, const char *const *turns,
                size_t nturns, const char *text)
{
    json_t *msgs = json_array(), *root;

    if (msgs == NULL)
        return NULL;
    if (c->system_prompt != NULL && c->system_prompt[0] != '\0')
        json_array_append_new(msgs, json_pack("{s:s, s:s}", "role", "system",
                                              "content", c->system_prompt));
    for (size_t i = 0; i < nturns; i++) {
        json_t *t = aib_turn_load(turns[i]);

        if (t != NULL)
            json_array_append_new(msgs, t);
    }
    json_array_append_new(msgs, json_pack("{s:s, s:s}", "role", "user",
                                          "content", text));
    root = json_pack("{s:s, s:o}", "model", c->model, "messages", msgs);
    if (root != NULL && c->max_tokens > 0)
        json_object_set_new(root, "max_tokens",
                            json_integer(c->max_tokens));
    return aib_dump(root);
}

/* A non-empty string value, copied; -1 with err otherwise. */
static int
aib_take_text(json_t *v, const char *what, char **text, char *err)
{
    if (!json_is_string(v)) {
        cmn_errf(err, "%s is not a string", what);
        return -1;
    }
    if (json_string_length(v) == 0) {
        cmn_errf(err, "%s is empty", what);
        return -1;
    }
    if ((*text = strdup(json_string_value(v))) == NULL) {
        cmn_errf(err, "out of memory");
        return -1;
    }
    return 0;
}

int
aib_openai_parse(const char *body, size_t len, char **text, char *err)
{
    json_error_t jerr;
    json_t *root = json_loadb(body, len, 0, &jerr), *msg;
    int rc;

    *text = NULL;
    if (root == NULL) {
        cmn_errf(err, "not JSON: %s", jerr.text);
        return -1;
    }
    msg = json_object_get(json_array_get(json_object_get(root, "choices"), 0),
                          "message");
    if (!json_is_object(msg)) {
        cmn_errf(err, "no choices[0].message");
        json_decref(root);
        return -1;
    }
    rc = aib_take_text(json_object_get(msg, "content"),
                       "choices[0].message.content", text, err);
    json_decref(root);
    return rc;
}

char *
aib_webhook_body(const char *bot, const char *user, const char *room,
                 const char *id, const char *content_raw, size_t content_len)
{
    json_t *content = json_loadb(content_raw, content_len, JSON_DECODE_ANY,
                                 NULL);

    if (content == NULL)
        return NULL;
    return aib_dump(json_pack("{s:s, s:s, s:s, s:s, s:o}", "bot", bot,
                              "user", user, "room", room ? room : "",
                              "id", id, "content", content));
}

int
aib_webhook_parse(const char *body, size_t len, char **text, char *err)
{
    json_error_t jerr;
    json_t *root = json_loadb(body, len, 0, &jerr);
    int rc;

    *text = NULL;
    if (root == NULL) {
        cmn_errf(err, "not JSON: %s", jerr.text);
        return -1;
    }
    rc = aib_take_text(json_object_get(root, "content"), "content", text,
                       err);
    json_decref(root);
    return rc;
}

char *
aib_leonid_user_data(const char *user, const char *token,
                     const unsigned char *key, size_t keylen, long iat)
{
    jwt_t *j = NULL;
    char *out = NULL;

    if (key == NULL || keylen == 0 || jwt_new(&j) != 0)
        return NULL;
    if (jwt_add_grant(j, "user_name", user) == 0 &&
        jwt_add_grant(j, "user_token", token ? token : "") == 0 &&
        jwt_add_grant_int(j, "iat", iat) == 0 &&
        jwt_set_alg(j, JWT_ALG_HS256, key, (int)keylen) == 0)
        out = jwt_encode_str(j);
    jwt_free(j);
    return out;
}

char *
aib_leonid_prompt_body(const char *user_data, const char *text)
{
    return aib_dump(json_pack("{s:s, s:s}", "user_data", user_data,
                              "user_prompt", text));
}

char *
aib_leonid_disconnect_body(const char *user_data)
{
    return aib_dump(json_pack("{s:s}", "user_data", user_data));
}

int
aib_leonid_parse(const char *body, size_t len, char **text, char *err)
{
    json_t *v;
    int rc;

    *text = NULL;
    while (len > 0 && (*body == ' ' || *body == '\n' || *body == '\r' ||
                       *body == '\t')) {
        body++;
        len--;
    }
    while (len > 0 && (body[len - 1] == ' ' || body[len - 1] == '\n' ||
                       body[len - 1] == '\r' || body[len - 1] == '\t'))
        len--;
    if (len == 0) {
        cmn_errf(err, "empty body");
        return -1;
    }
    if (cmn_utf8_validate(body, len) != 0 || memchr(body, '\0', len)) {
        cmn_errf(err, "body is not UTF-8 text");
        return -1;
    }
    v = (body[0] == '"' || body[0] == '{')
        ? json_loadb(body, len, JSON_DECODE_ANY, NULL) : NULL;
    if (json_is_string(v) || json_is_object(v)) {
        json_t *t = json_is_string(v) ? v : json_object_get(v, "response");

        if (t == NULL)
            t = json_object_get(v, "content");
        rc = aib_take_text(t, "reply", text, err);
        json_decref(v);
        return rc;
    }
    json_decref(v);
    if ((*text = strndup(body, len)) == NULL) {
        cmn_errf(err, "out of memory");
        return -1;
    }
    return 0;
}

char *
aib_reply_json(const char *text)
{
    return aib_dump(json_string(text));
}

const char *
aib_notice(enum aib_outcome o)
{
    switch (o) {
    case AIB_E_TIMEOUT:
        return "Sorry, I took too long to think about that. "
               "Please try again.";
    case AIB_E_RATE:
        return "Sorry, I am getting too many questions right now. "
               "Please try again in a minute.";
    case AIB_E_SERVER:
    case AIB_E_CONNECT:
        return "Sorry, I cannot reach my service right now. "
               "Please try again later.";
    case AIB_E_REFUSED:
        return "Sorry, my service refused the request. "
               "Please tell the administrator.";
    case AIB_E_MALFORMED:
        return "Sorry, I got an answer I could not read. "
               "Please try again.";
    case AIB_E_UNAVAILABLE:
    case AIB_E_ABORTED:
    case AIB_OK:
    default:
        return "Sorry, I am not available right now. "
               "Please try again later.";
    }
}
