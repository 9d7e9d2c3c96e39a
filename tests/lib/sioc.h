/* sioc.h -- the sioc client library in one include: a Socket.IO v5 /
 * Engine.IO v4 client over plain-TCP websockets, non-blocking at its core
 * (sioc_loop + sioc_conn, for the load generator) with a blocking layer
 * for tests (sioc_sync) and libcurl helpers for the HTTP API (sioc_http).
 * See tests/lib/README.md. */
#ifndef SIOC_H
#define SIOC_H

#include "sioc_conn.h"
#include "sioc_eio.h"
#include "sioc_event.h"
#include "sioc_http.h"
#include "sioc_loop.h"
#include "sioc_sync.h"

#endif
