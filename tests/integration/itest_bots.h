/* itest_bots.h -- helpers for the bots' integration tests
 * (test_bots*.c): a bots file in a temp dir, a logged-in user with a
 * socket, asking a bot and waiting for its answer, and who is online
 * according to GET /get_contacts_list. Built on itest.h; linked with the
 * fake bot servers (tests/fakes/fake_bots.h) by tests/fakes/module.mk. */
#ifndef ITEST_BOTS_H
#define ITEST_BOTS_H

#include <stddef.h>

#include "itest.h"

/* A user made for the test, logged in, with a socket bound by token. */
struct itb_user {
    char name[64];
    char *token;
    struct sioc_conn *c;
};

/* Write text to a new file under /tmp; its path to path[cap]. */
void itb_write_file(const char *text, char *path, size_t cap);

/* New user (prefix), login, connect with {"token"}: online at once. */
void itb_user_new(const struct itest_stack *st, const char *prefix,
                  struct itb_user *u);
void itb_user_free(struct itb_user *u);

/* Send text to bot (ack result into result[cap]; message id into
 * id[idcap] when not NULL). text must not need JSON escaping. */
void itb_ask(struct itb_user *u, const char *bot, const char *text,
             char *result, size_t cap, char *id, size_t idcap);
/* Wait for event `name` whose first argument has key == value (like
 * itest_wait_match), emitting connection_alive every 500 ms meanwhile so
 * the user stays online through long waits. 0 or -1. */
int itb_wait_event(struct itb_user *u, const char *name, const char *key,
                   const char *value, int timeout_ms,
                   struct sioc_event *out);
/* client_disconnection: log out (the JWT is revoked). */
void itb_logout(struct itb_user *u);

/* Wait for ai_response_received from bot; its content into
 * content[cap]. 0 or -1 (timeout). */
int itb_answer(struct itb_user *u, const char *bot, int timeout_ms,
               char *content, size_t cap);

/* 1 when name is in currently_online of u's GET /get_contacts_list. */
int itb_listed_online(const struct itest_stack *st, const struct itb_user *u,
                      const char *name);
/* Wait until Redis has bot online (want 1) or not (want 0). 0 or -1. */
int itb_wait_online(const struct itest_stack *st, const char *bot, int want,
                    int timeout_ms);

/* 1 when jwt is HS256-signed with secret. */
int itb_jwt_signed_with(const char *jwt, const char *secret);

/* Number of lines in the stack's logs containing needle (fixed string). */
int itb_log_count(const struct itest_stack *st, const char *needle);

#endif
