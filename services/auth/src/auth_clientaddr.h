/* auth_clientaddr.h -- the address a request came from.
 *
 * Behind nginx every request comes from 127.0.0.1, so the real client is
 * in X-Real-IP (nginx: $remote_addr) or, failing that, the last entry of
 * X-Forwarded-For (the one nginx appended). Only trusted when
 * AUTH_TRUST_PROXY is on (auth listens on loopback behind nginx). Pure. */
#ifndef AUTH_CLIENTADDR_H
#define AUTH_CLIENTADDR_H

#include <stddef.h>
#include <sys/socket.h>

/* Write the client's address into out[cap]. x_real_ip and xff may be NULL
 * (not trusted / not sent); peer may be NULL ("unknown"). A header value
 * that is not an IPv4/IPv6 address is ignored. */
void auth_client_addr(const char *x_real_ip, const char *xff,
                      const struct sockaddr *peer, char *out, size_t cap);

#endif
