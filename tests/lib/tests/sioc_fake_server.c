/* sioc_fake_server.c -- scripted test server (see sioc_fake_server.h). */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "sioc_fake_server.h"
#include "sioc_ws_frame.h"
#include "sioc_ws_handshake.h"

int
fake_fail(struct fake *f, const char *fmt, ...)
{
    va_list ap;

    if (!f->failed) {
        f->failed = 1;
        va_start(ap, fmt);
        vsnprintf(f->why, sizeof f->why, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static void *
fake_main(void *arg)
{
    struct fake *f = arg;

    f->script(f);
    return NULL;
}

int
fake_start(struct fake *f, void (*script)(struct fake *f), void *arg)
{
    struct sockaddr_in sin;
    socklen_t len = sizeof sin;
    int one = 1;

    memset(f, 0, sizeof *f);
    f->fd = -1;
    f->script = script;
    f->arg = arg;
    f->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (f->lfd < 0)
        return -1;
    setsockopt(f->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(f->lfd, (struct sockaddr *)&sin, sizeof sin) != 0 ||
        listen(f->lfd, 16) != 0 ||
        getsockname(f->lfd, (struct sockaddr *)&sin, &len) != 0) {
        close(f->lfd);
        return -1;
    }
    f->port = ntohs(sin.sin_port);
    if (pthread_create(&f->thread, NULL, fake_main, f) != 0) {
        close(f->lfd);
        return -1;
    }
    return 0;
}

const char *
fake_join(struct fake *f)
{
    pthread_join(f->thread, NULL);
    if (f->fd >= 0)
        close(f->fd);
    close(f->lfd);
    f->fd = -1;
    return f->failed ? f->why : NULL;
}

static int
fake_wait(int fd, short ev)
{
    struct pollfd p = {fd, ev, 0};

    return poll(&p, 1, FAKE_MS) == 1 ? 0 : -1;
}

int
fake_accept(struct fake *f)
{
    int one = 1;

    if (fake_wait(f->lfd, POLLIN) != 0)
        return fake_fail(f, "no client connected");
    f->fd = accept(f->lfd, NULL, NULL);
    if (f->fd < 0)
        return fake_fail(f, "accept: %s", strerror(errno));
    setsockopt(f->fd, IPPROTO_TCP, 1 /* TCP_NODELAY */, &one, sizeof one);
    return 0;
}

/* Read exactly n bytes. */
static int
fake_read_n(struct fake *f, void *buf, size_t n)
{
    char *p = buf;

    while (n > 0) {
        ssize_t r;

        if (fake_wait(f->fd, POLLIN) != 0)
            return -1;
        r = read(f->fd, p, n);
        if (r <= 0)
            return -1;
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

int
fake_read_request(struct fake *f)
{
    size_t n = 0;

    while (n < sizeof f->request - 1) {
        if (fake_read_n(f, f->request + n, 1) != 0)
            return fake_fail(f, "no complete upgrade request");
        n++;
        f->request[n] = '\0';
        if (n >= 4 && strcmp(f->request + n - 4, "\r\n\r\n") == 0)
            return 0;
    }
    return fake_fail(f, "upgrade request too long");
}

int
fake_upgrade(struct fake *f)
{
    char key[64], accept[SIOC_WS_ACCEPT_SIZE], resp[256];
    const char *k;

    if (fake_read_request(f) != 0)
        return -1;
    k = strstr(f->request, "Sec-WebSocket-Key: ");
    if (k == NULL || sscanf(k + 19, "%63[^\r]", key) != 1 ||
        sioc_ws_accept_for(key, accept) != 0)
        return fake_fail(f, "request without a key");
    snprintf(resp, sizeof resp, "HTTP/1.1 101 Switching Protocols\r\n"
             "Upgrade: websocket\r\nConnection: Upgrade\r\n"
             "Sec-WebSocket-Accept: %s\r\n\r\n", accept);
    return fake_write(f, resp, strlen(resp));
}

int
fake_write(struct fake *f, const void *p, size_t n)
{
    const char *c = p;

    while (n > 0) {
        ssize_t w = send(f->fd, c, n, MSG_NOSIGNAL);

        if (w <= 0)
            return fake_fail(f, "write: %s", strerror(errno));
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

int
fake_frame(struct fake *f, int opcode, int fin, const void *p, size_t n,
           int mask)
{
    static const unsigned char key[4] = {1, 2, 3, 4};
    struct cmn_buf b;
    int rc;

    cmn_buf_init(&b);
    if (sioc_ws_frame_encode(&b, opcode, fin, p, n, mask ? key : NULL) != 0)
        return fake_fail(f, "out of memory");
    rc = fake_write(f, b.p, b.len);
    cmn_buf_free(&b);
    return rc;
}

int
fake_text(struct fake *f, const char *s)
{
    return fake_frame(f, SIOC_WS_TEXT, 1, s, strlen(s), 0);
}

int
fake_open(struct fake *f, long ping_interval, long ping_timeout)
{
    char open[256];

    snprintf(open, sizeof open, "0{\"sid\":\"EIO1\",\"upgrades\":[],"
             "\"pingInterval\":%ld,\"pingTimeout\":%ld,"
             "\"maxPayload\":1000000}", ping_interval, ping_timeout);
    return fake_text(f, open);
}

long
fake_recv(struct fake *f, int *opcode, char *buf, size_t cap)
{
    unsigned char h[14];
    unsigned char key[4];
    unsigned long long len;
    size_t hn = 2, keep;
    char sink[4096];

    if (fake_read_n(f, h, 2) != 0)
        return -1;
    *opcode = h[0] & 0x0f;
    len = h[1] & 0x7f;
    if (!(h[1] & 0x80))
        return fake_fail(f, "client frame without mask");
    if (len == 126) {
        if (fake_read_n(f, h + 2, 2) != 0)
            return -1;
        len = (unsigned)h[2] << 8 | h[3];
        hn = 4;
    } else if (len == 127) {
        if (fake_read_n(f, h + 2, 8) != 0)
            return -1;
        len = 0;
        for (int i = 2; i < 10; i++)
            len = len << 8 | h[i];
        hn = 10;
    }
    (void)hn;
    if (fake_read_n(f, key, 4) != 0)
        return -1;
    keep = len < cap ? (size_t)len : cap - 1;
    if (fake_read_n(f, buf, keep) != 0)
        return -1;
    sioc_ws_mask((unsigned char *)buf, keep, key, 0);
    buf[keep] = '\0';
    for (unsigned long long left = len - keep; left > 0;) {
        size_t k = left < sizeof sink ? (size_t)left : sizeof sink;

        if (fake_read_n(f, sink, k) != 0)
            return -1;
        left -= k;
    }
    return (long)len;
}

int
fake_expect(struct fake *f, const char *want)
{
    char buf[4096];
    size_t wl = strlen(want);
    int op;

    for (;;) {
        long n = fake_recv(f, &op, buf, sizeof buf);

        if (n < 0)
            return fake_fail(f, "no frame (wanted \"%s\")", want);
        if (op != SIOC_WS_TEXT)
            continue;
        if (wl > 0 && want[wl - 1] == '*'
                ? strncmp(buf, want, wl - 1) == 0
                : strcmp(buf, want) == 0)
            return 0;
        return fake_fail(f, "got \"%.100s\", wanted \"%s\"", buf, want);
    }
}

int
fake_connect(struct fake *f, long ping_interval, long ping_timeout)
{
    if (fake_accept(f) != 0 || fake_upgrade(f) != 0 ||
        fake_open(f, ping_interval, ping_timeout) != 0 ||
        fake_expect(f, "40*") != 0)
        return -1;
    return fake_text(f, "40{\"sid\":\"S1\"}");
}

int
fake_wait_eof(struct fake *f)
{
    char buf[4096];

    for (;;) {
        ssize_t r;

        if (fake_wait(f->fd, POLLIN) != 0)
            return fake_fail(f, "client did not close");
        r = read(f->fd, buf, sizeof buf);
        if (r == 0)
            return 0;
        if (r < 0)
            return errno == ECONNRESET ? 0 : fake_fail(f, "read: %s",
                                                       strerror(errno));
    }
}
