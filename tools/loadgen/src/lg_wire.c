/* lg_wire.c -- worker processes and framed pipe messages (see lg_wire.h). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lg_wire.h"

struct lg_wire_hdr {
    uint32_t type;
    uint32_t len;
};

static int
lg_wire_write_all(int fd, const void *p, size_t n)
{
    const char *c = p;

    while (n > 0) {
        ssize_t w = write(fd, c, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

static int
lg_wire_read_all(int fd, void *p, size_t n)
{
    char *c = p;

    while (n > 0) {
        ssize_t r = read(fd, c, n);

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        c += r;
        n -= (size_t)r;
    }
    return 0;
}

int
lg_wire_send(int fd, int type, const void *data, size_t len)
{
    struct lg_wire_hdr h = {(uint32_t)type, (uint32_t)len};

    if (lg_wire_write_all(fd, &h, sizeof h) != 0)
        return -1;
    return len ? lg_wire_write_all(fd, data, len) : 0;
}

int
lg_wire_recv(int fd, struct cmn_buf *b, long timeout_ms)
{
    struct lg_wire_hdr h;
    struct pollfd pf = {fd, POLLIN, 0};
    int rc;

    cmn_buf_reset(b);
    do {
        rc = poll(&pf, 1, timeout_ms < 0 ? -1 : (int)timeout_ms);
    } while (rc < 0 && errno == EINTR);
    if (rc == 0)
        return 0;
    if (rc < 0 || lg_wire_read_all(fd, &h, sizeof h) != 0)
        return -1;
    if (h.len > (64u << 20) || cmn_buf_reserve(b, h.len) != 0)
        return -1;
    if (h.len > 0 && lg_wire_read_all(fd, b->p, h.len) != 0)
        return -1;
    b->len = h.len;
    b->p[h.len] = '\0';
    return (int)h.type;
}

int
lg_wire_spawn(struct lg_worker *w, int n, lg_worker_fn fn, void *arg)
{
    for (int i = 0; i < n; i++) {
        int down[2], up[2];

        if (pipe(down) != 0)
            goto fail;
        if (pipe(up) != 0) {
            close(down[0]);
            close(down[1]);
            goto fail;
        }
        w[i].index = i;
        w[i].pid = fork();
        if (w[i].pid < 0) {
            close(down[0]); close(down[1]); close(up[0]); close(up[1]);
            goto fail;
        }
        if (w[i].pid == 0) {
            int st;

            close(down[1]);
            close(up[0]);
            for (int j = 0; j < i; j++) {     /* siblings' pipes */
                close(w[j].to);
                close(w[j].from);
            }
            w[i].to = down[0];
            w[i].from = up[1];
            st = fn(&w[i], arg);
            close(w[i].to);
            close(w[i].from);
            _exit(st);
        }
        close(down[0]);
        close(up[1]);
        w[i].to = down[1];
        w[i].from = up[0];
    }
    return 0;
fail:
    for (int i = 0; i < n && w[i].pid > 0; i++)
        kill(w[i].pid, SIGKILL);
    lg_wire_reap(w, n);
    return -1;
}

int
lg_wire_reap(struct lg_worker *w, int n)
{
    int bad = 0;

    for (int i = 0; i < n; i++) {
        int st = 0;

        if (w[i].pid <= 0)
            continue;
        close(w[i].to);
        close(w[i].from);
        while (waitpid(w[i].pid, &st, 0) < 0 && errno == EINTR)
            ;
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
            bad++;
        w[i].pid = 0;
    }
    return bad;
}
