/* gw_chat.h -- the chat application on top of the Socket.IO engine.
 *
 * Turns client events (join, client_sends_message, connection_alive,
 * client_disconnection, CONNECT with a token) into bus jobs after checking
 * their shape and JWT, and applies what comes back from Redis (deliveries
 * to users and sockets, broadcasts, revocations, bind results). Runs on the
 * lws service thread. */
#ifndef GW_CHAT_H
#define GW_CHAT_H

#include <stddef.h>

#include "gw_bus.h"
#include "gw_engine.h"

struct gw_chat_config {
    const unsigned char *jwt_key;
    size_t jwt_keylen;
    int settle_ms;          /* ONLINE_SETTLE_MS for the legacy join */
    int event_rate;         /* events per second per socket (0 = no limit) */
    int event_burst;
};

struct gw_chat;

struct gw_chat *gw_chat_new(const struct gw_chat_config *cfg);
/* Wire the engine and the bus once they exist. */
void gw_chat_attach(struct gw_chat *chat, struct gw_engine *engine,
                    struct gw_bus *bus);
/* The engine callbacks of this app (app pointer included). */
struct gw_app_ops gw_chat_app_ops(struct gw_chat *chat);
/* Drain bus events; the server calls it on the service thread after a
 * gw_server_wake(). */
void gw_chat_on_wake(void *chat);
void gw_chat_free(struct gw_chat *chat);

#endif
