/* conf_app.h -- the application of the conformance server (see
 * conf_main.c): echo for Engine.IO, the test suite's events for
 * Socket.IO. */
#ifndef CONF_APP_H
#define CONF_APP_H

#include "gw_engine.h"

struct conf_app;

struct conf_app *conf_app_new(int raw_engineio);
void conf_app_attach(struct conf_app *app, struct gw_engine *engine);
struct gw_app_ops conf_app_ops(struct conf_app *app);
void conf_app_free(struct conf_app *app);

#endif
