/* auth_clientaddr.c -- client address from headers or the peer (see
 * auth_clientaddr.h). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "auth_clientaddr.h"

/* Copy [s, s+n) trimmed of blanks into out if it parses as an address. */
static int
auth_client_try(const char *s, size_t n, char *out, size_t cap)
{
    char tmp[INET6_ADDRSTRLEN + 1];
    unsigned char bin[sizeof(struct in6_addr)];

    while (n > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n == 0 || n >= sizeof tmp)
        return -1;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    if (inet_pton(AF_INET, tmp, bin) != 1 && inet_pton(AF_INET6, tmp, bin) != 1)
        return -1;
    snprintf(out, cap, "%s", tmp);
    return 0;
}

void
auth_client_addr(const char *x_real_ip, const char *xff,
                 const struct sockaddr *peer, char *out, size_t cap)
{
    if (x_real_ip != NULL &&
        auth_client_try(x_real_ip, strlen(x_real_ip), out, cap) == 0)
        return;
    if (xff != NULL) {
        const char *last = strrchr(xff, ',');

        last = last ? last + 1 : xff;
        if (auth_client_try(last, strlen(last), out, cap) == 0)
            return;
    }
    if (peer != NULL && peer->sa_family == AF_INET &&
        inet_ntop(AF_INET, &((const struct sockaddr_in *)peer)->sin_addr,
                  out, (socklen_t)cap) != NULL)
        return;
    if (peer != NULL && peer->sa_family == AF_INET6 &&
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)peer)->sin6_addr,
                  out, (socklen_t)cap) != NULL)
        return;
    snprintf(out, cap, "unknown");
}
