/* gw_server.h -- the lws glue: one listening port that serves Engine.IO
 * over HTTP long-polling and websocket, feeding the engine (gw_engine.c).
 *
 * Threads: gw_server_run() is the lws service thread; everything here
 * runs on it except gw_server_wake(), which any thread may call (it is
 * lws_cancel_service()) to have the wake callback run on the service
 * thread. */
#ifndef GW_SERVER_H
#define GW_SERVER_H

#include "gw_engine.h"

struct gw_server;

struct gw_server_config {
    const char *bind;          /* "127.0.0.1" */
    int port;                  /* 0 = a free port */
    const char *path;          /* "/socket.io/" */
    struct gw_engine_config engine;
};

/* Create the listener and the engine with app ops. NULL on failure
 * (logged). The wake callback runs on the service thread after
 * gw_server_wake(). */
struct gw_server *gw_server_new(const struct gw_server_config *cfg,
                                const struct gw_app_ops *app,
                                void (*wake)(void *arg), void *wake_arg);
struct gw_engine *gw_server_engine(struct gw_server *srv);
int gw_server_port(const struct gw_server *srv);

/* Serve until gw_server_stop() is called on the service thread or a stop
 * signal arrives (cmn_proc). */
void gw_server_run(struct gw_server *srv);
/* Thread-safe: wake the service thread (coalescing). */
void gw_server_wake(struct gw_server *srv);
/* Close every session (the app hears of each), then serve up to drain_ms
 * more so the close frames reach the clients; the context stays, so
 * gw_server_wake() remains safe until gw_server_free(). */
void gw_server_close_all(struct gw_server *srv, int drain_ms);
/* Close what is left and free everything (NULL-safe). */
void gw_server_free(struct gw_server *srv);

#endif
