/* sioc_ws_handshake.h -- the client side of the RFC 6455 opening
 * handshake, no I/O: a fresh Sec-WebSocket-Key, the GET request that
 * upgrades, and the check of the server's 101 answer (status, Upgrade,
 * Connection, Sec-WebSocket-Accept = base64(SHA1(key + GUID)), no
 * extension or subprotocol we did not ask for). */
#ifndef SIOC_WS_HANDSHAKE_H
#define SIOC_WS_HANDSHAKE_H

#include <stddef.h>

#include "cmn/cmn_buf.h"

/* base64 of 16 random bytes, plus NUL */
#define SIOC_WS_KEY_SIZE 25
/* base64 of a 20-byte SHA1, plus NUL */
#define SIOC_WS_ACCEPT_SIZE 29
/* Longest response head we buffer before giving up. */
#define SIOC_WS_HEAD_MAX 8192

/* A new random key (24 base64 characters). */
void sioc_ws_key_new(char key[SIOC_WS_KEY_SIZE]);

/* The Sec-WebSocket-Accept value a server must answer to key. 0 or -1. */
int sioc_ws_accept_for(const char *key, char out[SIOC_WS_ACCEPT_SIZE]);

/* Append the upgrade request for http://host:port<target> to out. target
 * is the path with its query ("/socket.io/?EIO=4&transport=websocket").
 * 0, or -1 when memory runs out. */
int sioc_ws_request(struct cmn_buf *out, const char *host, int port,
                    const char *target, const char *key);

/* Check the response head at buf[0..n) against key. Returns 1 when the
 * head is complete and good (*head_len = its bytes, "\r\n\r\n" included;
 * frames may follow), 0 when more bytes are needed, -1 when refused or
 * malformed (err quotes the status line or names the bad header). */
int sioc_ws_response_parse(const char *buf, size_t n, const char *key,
                           size_t *head_len, char *err);

#endif
