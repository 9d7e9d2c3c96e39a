/* aib_proto.h -- what each kind of bot is sent and what it answers:
 * request bodies, reply parsing, the user_data JWT of Leonid, and the
 * short notices a user gets when a bot cannot answer. No I/O: the unit
 * tests call these with values. Every returned string is the caller's
 * (free()); NULL means out of memory or bad input. */
#ifndef AIB_PROTO_H
#define AIB_PROTO_H

#include <stddef.h>

#include "aib_config.h"
#include "aib_retry.h"

/* The text of a message's content as the relay wrote it (raw JSON): a
 * JSON string decoded, any other JSON value as its JSON text. */
char *aib_content_text(const char *raw, size_t len);

/* One remembered turn, {"role":role,"content":content}, as kept in Redis. */
char *aib_turn_json(const char *role, const char *content);

/* POST {endpoint}/chat/completions body: model, the system prompt, the
 * remembered turns (JSON texts from aib_turn_json; unusable ones are
 * skipped), then the user's text; max_tokens when configured. */
char *aib_openai_body(const struct aib_botcfg *c, const char *const *turns,
                      size_t nturns, const char *text);
/* choices[0].message.content of a chat completion. 0 with *text, or -1
 * with a reason in err (CMN_ERR_LEN). */
int aib_openai_parse(const char *body, size_t len, char **text, char *err);

/* Webhook: {"bot","user","room","id","content"} where content is the
 * message's JSON value as the user sent it. */
char *aib_webhook_body(const char *bot, const char *user, const char *room,
                       const char *id, const char *content_raw,
                       size_t content_len);
/* {"content": "<text>"} -> text. 0 or -1 + err. */
int aib_webhook_parse(const char *body, size_t len, char **text, char *err);

/* Leonid's user_data: an HS256 JWT {"user_name","user_token","iat"}
 * signed with key. */
char *aib_leonid_user_data(const char *user, const char *token,
                           const unsigned char *key, size_t keylen,
                           long iat);
/* {"user_data":..,"user_prompt":..} and {"user_data":..}. */
char *aib_leonid_prompt_body(const char *user_data, const char *text);
char *aib_leonid_disconnect_body(const char *user_data);
/* Leonid answers with the text as its body (the original used
 * response.text); a JSON string, or an object with "response" or
 * "content", is unwrapped. Empty or invalid UTF-8 is malformed. */
int aib_leonid_parse(const char *body, size_t len, char **text, char *err);

/* The reply's c field: text as a JSON string. */
char *aib_reply_json(const char *text);

/* What the user reads when the bot could not answer (never empty). */
const char *aib_notice(enum aib_outcome o);

#endif
