/* iseecubes-probe -- the containers' HEALTHCHECK: one HTTP GET to a port on
 * 127.0.0.1, success only on a 200 answer. The slim runtime images carry
 * no curl; this is the whole of what a health check needs.
 *
 *   iseecubes-probe PORT|VARIABLE [PATH]
 *
 * PORT is a port number, or the name of the environment variable that
 * holds it (GW_HEALTH_PORT), so the check follows the service's own
 * configuration; PATH defaults to /healthz. Prints the status line (docker
 * inspect shows it) and exits 0 on 200, 1 on any other answer or error, 2 on
 * bad usage. The whole exchange is bounded by PROBE_TIMEOUT_S. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define PROBE_TIMEOUT_S 3

/* The port named by arg (digits, or a variable holding digits); -1 if
 * there is none. */
static int
probe_port(const char *arg)
{
    const char *text = arg;
    char *end;
    long n;

    if (arg[0] < '0' || arg[0] > '9') {
        text = getenv(arg);
        if (text == NULL || *text == '\0') {
            fprintf(stderr, "probe: %s is not set\n", arg);
            return -1;
        }
    }
    errno = 0;
    n = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || n < 1 || n > 65535) {
        fprintf(stderr, "probe: bad port \"%s\"\n", text);
        return -1;
    }
    return (int)n;
}

/* Connect to 127.0.0.1:port with send/receive timeouts; fd or -1. */
static int
probe_connect(int port)
{
    struct timeval tv = {PROBE_TIMEOUT_S, 0};
    struct sockaddr_in sin;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    if (fd < 0) {
        perror("probe: socket");
        return -1;
    }
    /* Linux applies SO_SNDTIMEO to connect() as well */
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons((unsigned short)port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0) {
        fprintf(stderr, "probe: connect 127.0.0.1:%d: %s\n", port,
                strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* Send the request and read up to the end of the status line into
 * line[cap]; 0 or -1. */
static int
probe_exchange(int fd, const char *path, char *line, size_t cap)
{
    char req[512];
    size_t len = 0;
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: 127.0.0.1"
                     "\r\nConnection: close\r\n\r\n", path);

    if (n < 0 || (size_t)n >= sizeof req || write(fd, req, (size_t)n) != n) {
        fprintf(stderr, "probe: cannot send the request\n");
        return -1;
    }
    while (len + 1 < cap) {
        ssize_t r = read(fd, line + len, cap - 1 - len);

        if (r <= 0)
            break;
        len += (size_t)r;
        line[len] = '\0';
        if (strchr(line, '\n') != NULL)
            break;
    }
    line[len] = '\0';
    line[strcspn(line, "\r\n")] = '\0';
    if (len == 0) {
        fprintf(stderr, "probe: no answer\n");
        return -1;
    }
    return 0;
}

int
main(int argc, char **argv)
{
    char line[256];
    const char *path = argc > 2 ? argv[2] : "/healthz";
    int port, fd, rc;

    if (argc < 2 || argc > 3 || path[0] != '/') {
        fprintf(stderr, "usage: iseecubes-probe PORT|VARIABLE [/PATH]\n");
        return 2;
    }
    if ((port = probe_port(argv[1])) < 0)
        return 2;
    if ((fd = probe_connect(port)) < 0)
        return 1;
    rc = probe_exchange(fd, path, line, sizeof line);
    close(fd);
    if (rc != 0)
        return 1;
    printf("%s\n", line);
    /* "HTTP/1.0 200 OK" or "HTTP/1.1 200 OK" */
    if (strncmp(line, "HTTP/1.", 7) != 0 || strncmp(line + 8, " 200", 4) != 0)
        return 1;
    return 0;
}
