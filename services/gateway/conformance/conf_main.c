/* gateway-conformance -- the gateway's protocol engine with the behaviour
 * the Engine.IO v4 and Socket.IO v5 protocol test suites expect of a
 * server on localhost:3000, and no Redis:
 *
 *   CONF_MODE=engineio  raw Engine.IO echo on /engine.io/
 *   CONF_MODE=socketio  Socket.IO on /socket.io/: namespaces "/" and
 *                       "/custom"; on connect emits "auth" with the
 *                       handshake's auth; "message" is echoed back as
 *                       "message-back"; "message-with-ack" is acked with
 *                       its own arguments (binary attachments included)
 *
 * pingInterval 300 ms, pingTimeout 200 ms, maxPayload 1000000, connect
 * timeout 1000 ms, as the suites configure the reference servers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cmn/cmn_env.h"
#include "cmn/cmn_log.h"
#include "cmn/cmn_proc.h"
#include "conf_app.h"
#include "gw_server.h"

struct conf_config {
    const char *mode;
    const char *bind;
    int port;
    int ping_interval_ms;
    int ping_timeout_ms;
    int connect_timeout_ms;
    int max_payload;
    const char *log_level;
};

#define F(field) offsetof(struct conf_config, field)
static const struct cmn_env_var conf_env[] = {
    {"CONF_MODE", CMN_ENV_CHOICE, F(mode), "socketio", 0, 0, 0,
     "which protocol suite to serve", "socketio|engineio"},
    {"CONF_BIND", CMN_ENV_STR, F(bind), "127.0.0.1", 0, 0, 0,
     "listen address"},
    {"CONF_PORT", CMN_ENV_INT, F(port), "3000", 0, 65535, 0,
     "listen port; 0 = any free port"},
    {"CONF_PING_INTERVAL_MS", CMN_ENV_INT, F(ping_interval_ms), "300", 10,
     600000, 0, "Engine.IO pingInterval"},
    {"CONF_PING_TIMEOUT_MS", CMN_ENV_INT, F(ping_timeout_ms), "200", 10,
     600000, 0, "Engine.IO pingTimeout"},
    {"CONF_CONNECT_TIMEOUT_MS", CMN_ENV_INT, F(connect_timeout_ms), "1000",
     0, 600000, 0, "Socket.IO connect timeout (socketio mode)"},
    {"CONF_MAX_PAYLOAD", CMN_ENV_INT, F(max_payload), "1000000", 1024,
     100000000, 0, "Engine.IO maxPayload"},
    {"LOG_LEVEL", CMN_ENV_CHOICE, F(log_level), "warn", 0, 0, 0,
     "minimum log level", "debug|info|warn|error"},
};
#undef F

int
main(int argc, char **argv)
{
    struct conf_config cfg;
    struct gw_server *srv;
    struct conf_app *app;
    size_t n = sizeof conf_env / sizeof conf_env[0];
    int raw;

    if (argc > 1 && strcmp(argv[1], "--help") == 0) {
        printf("gateway-conformance: the protocol engine for the protocol "
               "test suites. Environment:\n");
        cmn_env_usage(conf_env, n);
        return 0;
    }
    cmn_proc_init();
    cmn_log_init("conformance", CMN_LOG_WARN);
    if (cmn_env_load(conf_env, n, &cfg) != 0 || sodium_init() < 0)
        return 2;
    cmn_log_init("conformance", cmn_log_level_parse(cfg.log_level));
    raw = strcmp(cfg.mode, "engineio") == 0;
    app = conf_app_new(raw);
    struct gw_app_ops ops = conf_app_ops(app);
    struct gw_server_config scfg = {cfg.bind, cfg.port,
        raw ? "/engine.io/" : "/socket.io/",
        {"c", cfg.ping_interval_ms, cfg.ping_timeout_ms, cfg.max_payload,
         raw ? 0 : cfg.connect_timeout_ms, 100000, (size_t)64 << 20,
         100000}};

    if (app == NULL || (srv = gw_server_new(&scfg, &ops, NULL, NULL)) == NULL)
        return 1;
    conf_app_attach(app, gw_server_engine(srv));
    printf("listening port=%d mode=%s\n", gw_server_port(srv), cfg.mode);
    fflush(stdout);
    gw_server_run(srv);
    gw_server_free(srv);
    conf_app_free(app);
    return 0;
}
