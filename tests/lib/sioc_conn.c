/* sioc_conn.c -- a client connection's socket and lifetime: creation and
 * non-blocking connect, reading into the loop's buffer, writing queued
 * frames, the one deadline timer (open, ping, close), closing, freeing
 * and the accessors. Parsing is in sioc_conn_rx.c, sending in
 * sioc_conn_tx.c. Runs on the loop's thread. */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cmn/cmn_proc.h"
#include "sioc_conn_priv.h"
#include "sioc_json.h"
#include "sioc_ws_frame.h"

#define SIOC_DEFAULT_OPEN_MS   10000
#define SIOC_DEFAULT_CLOSE_MS  1000
#define SIOC_DEFAULT_MAX_MSG   (4u << 20)
#define SIOC_DEFAULT_MAX_OUT   (8u << 20)
/* buffers larger than this are freed rather than kept when they empty */
#define SIOC_KEEP_BUF          65536

static const struct sioc_callbacks sioc_no_callbacks;

const char *
sioc_close_reason_str(enum sioc_close_reason r)
{
    static const char *const names[] = {
        "open", "closed by client", "tcp connect failed", "upgrade failed",
        "connect error", "server disconnect", "engine.io close",
        "websocket close", "eof", "io error", "protocol error",
        "message too big", "open timeout", "ping timeout", "out of memory"
    };

    if ((size_t)r >= sizeof names / sizeof names[0])
        return "?";
    return names[r];
}

static const char *
sioc_state_str(enum sioc_state s)
{
    static const char *const names[] = {
        "tcp connect", "websocket upgrade", "engine.io open",
        "socket.io connect", "connected", "closing", "closed"
    };

    return (size_t)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

int
sioc_conn_alive(const struct sioc_conn *c)
{
    return !c->doomed && c->state != SIOC_ST_CLOSED;
}

/* ---- closing ---- */

static void
sioc_conn_close_fd(struct sioc_conn *c)
{
    if (c->fd < 0)
        return;
    sioc_loop_watch(c->loop, c->fd, c->watched, 0, c);
    c->watched = 0;
    close(c->fd);
    c->fd = -1;
}

/* Give the buffers back once closed; the queue (blocking API) stays. Only
 * from the top of a loop callback: parsers may hold pointers into them. */
static void
sioc_conn_release(struct sioc_conn *c)
{
    cmn_buf_free(&c->rx);
    cmn_buf_free(&c->msg);
    cmn_buf_free(&c->out);
    cmn_buf_free(&c->pkt);
    cmn_buf_free(&c->args);
    c->out_off = 0;
    free(c->auth);
    c->auth = NULL;
}

void
sioc_conn_finish(struct sioc_conn *c, enum sioc_close_reason why,
                 const char *fmt, ...)
{
    va_list ap;

    if (c->state == SIOC_ST_CLOSED)
        return;
    /* whatever ends a close we started, it was our close */
    if (c->state == SIOC_ST_CLOSING)
        why = SIOC_CLOSE_LOCAL;
    c->state = SIOC_ST_CLOSED;
    c->reason = why;
    va_start(ap, fmt);
    vsnprintf(c->detail, sizeof c->detail, fmt, ap);
    va_end(ap);
    sioc_timer_stop(c->loop, &c->timer);
    sioc_conn_close_fd(c);
    if (!c->doomed && c->cb->on_close != NULL)
        c->cb->on_close(c, why, c->detail, c->user);
}

void
sioc_conn_fail(struct sioc_conn *c, enum sioc_close_reason why, int ws_code,
               const char *detail)
{
    unsigned char code[2] = {(unsigned char)(ws_code >> 8),
                             (unsigned char)ws_code};

    if (c->state >= SIOC_ST_EIO_OPEN && c->state < SIOC_ST_CLOSING)
        sioc_conn_send(c, SIOC_WS_CLOSE, code, sizeof code, NULL);
    sioc_conn_finish(c, why, "%s", detail);
}

/* ---- the deadline timer ---- */

void
sioc_conn_arm_ping(struct sioc_conn *c)
{
    if (c->state != SIOC_ST_CONNECTED)
        return;
    if (!c->ping_check || c->eio.ping_interval <= 0) {
        sioc_timer_stop(c->loop, &c->timer);
        return;
    }
    sioc_timer_start(c->loop, &c->timer,
                     c->eio.ping_interval + c->eio.ping_timeout);
}

static void
sioc_conn_on_timer(struct sioc_loop *l, struct sioc_timer *t, void *arg)
{
    struct sioc_conn *c = arg;

    (void)l;
    (void)t;
    if (c->io_errno != 0) {
        sioc_conn_finish(c, SIOC_CLOSE_IO_ERROR, "write to %s: %s", c->peer,
                         strerror(c->io_errno));
    } else {
        switch (c->state) {
        case SIOC_ST_CLOSED:
            break;
        case SIOC_ST_CLOSING:
            sioc_conn_finish(c, SIOC_CLOSE_LOCAL, "disconnected by the "
                             "client");
            break;
        case SIOC_ST_CONNECTED:
            sioc_conn_finish(c, SIOC_CLOSE_PING_TIMEOUT, "no ping from %s "
                             "within %ld ms", c->peer,
                             c->eio.ping_interval + c->eio.ping_timeout);
            break;
        default:
            sioc_conn_finish(c, SIOC_CLOSE_OPEN_TIMEOUT, "not connected to "
                             "%s after %d ms (stuck in %s)", c->peer,
                             c->open_timeout_ms, sioc_state_str(c->state));
            break;
        }
    }
    if (c->state == SIOC_ST_CLOSED)
        sioc_conn_release(c);
}

/* ---- socket I/O ---- */

void
sioc_conn_flush(struct sioc_conn *c)
{
    unsigned want = EPOLLIN;

    if (c->fd < 0 || c->state == SIOC_ST_TCP)
        return;
    while (c->out_off < c->out.len && c->io_errno == 0) {
        ssize_t w = send(c->fd, c->out.p + c->out_off,
                         c->out.len - c->out_off, MSG_NOSIGNAL);

        if (w > 0) {
            c->out_off += (size_t)w;
            c->stats.bytes_out += (unsigned long)w;
        } else if (w < 0 && errno == EINTR) {
            continue;
        } else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            break;
        } else {
            /* report from the loop, never from inside an emit */
            c->io_errno = w < 0 ? errno : EIO;
            sioc_timer_start(c->loop, &c->timer, 0);
        }
    }
    if (c->out_off == c->out.len) {
        if (c->out.cap > SIOC_KEEP_BUF)
            cmn_buf_free(&c->out);
        else
            cmn_buf_reset(&c->out);
        c->out_off = 0;
    } else if (c->io_errno == 0) {
        want |= EPOLLOUT;
    }
    if (sioc_loop_watch(c->loop, c->fd, c->watched, want, c) == 0)
        c->watched = want;
}

static void
sioc_conn_read(struct sioc_conn *c)
{
    size_t cap;
    char *buf = sioc_loop_rbuf(c->loop, &cap);

    /* a few reads per wakeup, so one busy socket cannot starve others */
    for (int i = 0; i < 8 && sioc_conn_alive(c); i++) {
        ssize_t n = read(c->fd, buf, cap);

        if (n > 0) {
            c->stats.bytes_in += (unsigned long)n;
            sioc_conn_feed(c, buf, (size_t)n);
            if ((size_t)n < cap)
                return;
        } else if (n == 0) {
            sioc_conn_finish(c, SIOC_CLOSE_EOF, "%s closed the TCP "
                             "connection", c->peer);
            return;
        } else if (errno != EINTR) {
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                sioc_conn_finish(c, SIOC_CLOSE_IO_ERROR, "read from %s: %s",
                                 c->peer, strerror(errno));
            return;
        }
    }
}

void
sioc_conn_io(struct sioc_conn *c, unsigned events)
{
    if (!sioc_conn_alive(c) || c->fd < 0)
        return;
    if (c->state == SIOC_ST_TCP) {
        int soerr = 0;
        socklen_t len = sizeof soerr;

        if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
            return;
        if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0)
            soerr = errno;
        if (soerr != 0) {
            sioc_conn_finish(c, SIOC_CLOSE_TCP_FAILED, "connect to %s: %s",
                             c->peer, strerror(soerr));
        } else {
            c->state = SIOC_ST_UPGRADE;
            sioc_conn_flush(c);
        }
    } else {
        if (events & (EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLRDHUP))
            sioc_conn_read(c);
        if (sioc_conn_alive(c) && (events & EPOLLOUT))
            sioc_conn_flush(c);
    }
    if (c->state == SIOC_ST_CLOSED)
        sioc_conn_release(c);
}

/* ---- creation ---- */

static int
sioc_conn_bind(int fd, const char *addr, int family, char *err)
{
    struct addrinfo hints, *ai = NULL;
    int one = 1, rc;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = family;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
    rc = getaddrinfo(addr, NULL, &hints, &ai);
    if (rc != 0) {
        cmn_errf(err, "bad bind address \"%s\": %s", addr, gai_strerror(rc));
        return -1;
    }
    /* choose the port at connect time, so that many sources x one
     * destination do not exhaust the ephemeral ports per address */
    if (family == AF_INET)
        setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    rc = bind(fd, ai->ai_addr, ai->ai_addrlen);
    freeaddrinfo(ai);
    if (rc != 0) {
        cmn_errf(err, "bind %s: %s", addr, strerror(errno));
        return -1;
    }
    return 0;
}

/* Resolve, create the socket, bind, start connect(). fd or -1 + err. */
static int
sioc_conn_socket(const struct sioc_opts *o, char *err)
{
    struct addrinfo hints, *ai = NULL;
    char port[8];
    int fd, one = 1, rc;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    snprintf(port, sizeof port, "%d", o->port);
    rc = getaddrinfo(o->host, port, &hints, &ai);
    if (rc != 0) {
        cmn_errf(err, "resolve %s: %s", o->host, gai_strerror(rc));
        return -1;
    }
    fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        cmn_errf(err, "socket: %s", strerror(errno));
        freeaddrinfo(ai);
        return -1;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (o->bind_addr != NULL &&
        sioc_conn_bind(fd, o->bind_addr, ai->ai_family, err) != 0)
        goto fail;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 &&
        errno != EINPROGRESS) {
        cmn_errf(err, "connect to %s:%d: %s", o->host, o->port,
                 strerror(errno));
        goto fail;
    }
    freeaddrinfo(ai);
    return fd;
fail:
    close(fd);
    freeaddrinfo(ai);
    return -1;
}

/* Fill c's settings from o, defaults for zeros. */
static int
sioc_conn_settings(struct sioc_conn *c, const struct sioc_opts *o, char *err)
{
    struct cmn_json_span a;

    c->open_timeout_ms = o->open_timeout_ms > 0 ? o->open_timeout_ms
                                                : SIOC_DEFAULT_OPEN_MS;
    c->close_timeout_ms = o->close_timeout_ms > 0 ? o->close_timeout_ms
                                                  : SIOC_DEFAULT_CLOSE_MS;
    c->ping_check = !o->no_ping_check;
    c->max_message = o->max_message ? o->max_message : SIOC_DEFAULT_MAX_MSG;
    c->max_output = o->max_output ? o->max_output : SIOC_DEFAULT_MAX_OUT;
    snprintf(c->peer, sizeof c->peer, "%s:%d", o->host, o->port);
    if (o->auth_json != NULL) {
        if (sioc_json_check(o->auth_json, CMN_JSON_OBJECT, &a) != 0) {
            cmn_errf(err, "auth is not one JSON object");
            return -1;
        }
        c->auth = strdup(o->auth_json);
        if (c->auth == NULL) {
            cmn_errf(err, "out of memory");
            return -1;
        }
    }
    return 0;
}

/* Queue the upgrade request for path + the Engine.IO query. */
static int
sioc_conn_request(struct sioc_conn *c, const struct sioc_opts *o)
{
    const char *path = o->path != NULL ? o->path : "/socket.io/";
    int rc;

    if (cmn_buf_printf(&c->pkt, "%s%cEIO=4&transport=websocket", path,
                       strchr(path, '?') != NULL ? '&' : '?') != 0)
        return -1;
    sioc_ws_key_new(c->ws_key);
    rc = sioc_ws_request(&c->out, o->host, o->port, c->pkt.p, c->ws_key);
    cmn_buf_reset(&c->pkt);
    return rc;
}

struct sioc_conn *
sioc_conn_new(struct sioc_loop *l, const struct sioc_opts *o,
              const struct sioc_callbacks *cb, void *user, char *err)
{
    struct sioc_conn *c;

    if (o->host == NULL || o->port <= 0 || o->port > 65535) {
        cmn_errf(err, "need a host and a port in 1..65535");
        return NULL;
    }
    c = calloc(1, sizeof *c);
    if (c == NULL) {
        cmn_errf(err, "out of memory");
        return NULL;
    }
    c->fd = -1;
    c->loop = l;
    c->link.conn = c;
    c->cb = cb != NULL ? cb : &sioc_no_callbacks;
    c->user = user;
    c->state = SIOC_ST_TCP;
    c->started_ms = cmn_mono_ms();
    c->stats.connect_ms = -1;
    sioc_timer_init(&c->timer, sioc_conn_on_timer, c);
    cmn_buf_init(&c->rx);
    cmn_buf_init(&c->msg);
    cmn_buf_init(&c->out);
    cmn_buf_init(&c->pkt);
    cmn_buf_init(&c->args);
    if (sioc_conn_settings(c, o, err) != 0)
        goto fail;
    if (sioc_conn_request(c, o) != 0) {
        cmn_errf(err, "out of memory");
        goto fail;
    }
    c->fd = sioc_conn_socket(o, err);
    if (c->fd < 0)
        goto fail;
    /* writable = connect() finished, one way or the other */
    if (sioc_loop_watch(l, c->fd, 0, EPOLLIN | EPOLLOUT, c) != 0) {
        cmn_errf(err, "epoll_ctl: %s", strerror(errno));
        goto fail;
    }
    c->watched = EPOLLIN | EPOLLOUT;
    if (sioc_timer_start(l, &c->timer, c->open_timeout_ms) != 0) {
        cmn_errf(err, "out of memory");
        sioc_conn_close_fd(c);
        goto fail;
    }
    sioc_loop_attach(l, &c->link);
    return c;
fail:
    if (c->fd >= 0)
        close(c->fd);
    sioc_conn_release(c);
    free(c);
    return NULL;
}

/* ---- freeing ---- */

void
sioc_conn_destroy(struct sioc_conn *c, int run_hook)
{
    struct sioc_loop *l = c->loop;
    void (*hook)(struct sioc_loop *) = run_hook ? c->destroy_hook : NULL;

    sioc_timer_stop(l, &c->timer);
    sioc_conn_close_fd(c);
    sioc_loop_detach(l, &c->link);
    sioc_conn_release(c);
    if (c->queue != NULL) {
        sioc_queue_clear(c->queue);
        free(c->queue);
    }
    free(c);
    if (hook != NULL)
        hook(l);
}

void
sioc_conn_free(struct sioc_conn *c)
{
    if (c == NULL || c->doomed)
        return;
    c->doomed = 1;
    sioc_timer_stop(c->loop, &c->timer);
    sioc_conn_close_fd(c);
    if (sioc_loop_running(c->loop))
        sioc_loop_bury(c->loop, &c->link);
    else
        sioc_conn_destroy(c, 1);
}

int
sioc_conn_use_queue(struct sioc_conn *c, size_t max_bytes,
                    void (*hook)(struct sioc_loop *l))
{
    if (c->queue == NULL) {
        c->queue = malloc(sizeof *c->queue);
        if (c->queue == NULL)
            return -1;
        sioc_queue_init(c->queue, max_bytes);
    }
    c->destroy_hook = hook;
    return 0;
}

struct sioc_queue *
sioc_conn_queue(struct sioc_conn *c)
{
    return c->queue;
}

/* ---- accessors ---- */

enum sioc_state
sioc_conn_state(const struct sioc_conn *c)
{
    return c->state;
}

enum sioc_close_reason
sioc_conn_close_reason(const struct sioc_conn *c)
{
    return c->reason;
}

const char *
sioc_conn_error(const struct sioc_conn *c)
{
    return c->detail;
}

const char *
sioc_conn_sid(const struct sioc_conn *c)
{
    return c->sid;
}

const struct sioc_eio_open *
sioc_conn_eio(const struct sioc_conn *c)
{
    return &c->eio;
}

const struct sioc_stats *
sioc_conn_stats(const struct sioc_conn *c)
{
    return &c->stats;
}

struct sioc_loop *
sioc_conn_loop(const struct sioc_conn *c)
{
    return c->loop;
}

void *
sioc_conn_user(const struct sioc_conn *c)
{
    return c->user;
}

void
sioc_conn_set_user(struct sioc_conn *c, void *user)
{
    c->user = user;
}
