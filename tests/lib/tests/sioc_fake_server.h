/* sioc_fake_server.h -- a scripted websocket/Engine.IO server on
 * 127.0.0.1 for the connection tests.
 *
 * fake_start() listens on a free port and runs a script function on its
 * own thread; the script speaks to one client with the blocking helpers
 * below (each bounded by a timeout) while the test drives the sioc client
 * on the main thread. The script never asserts: helpers return -1 and
 * note the first failure in f->why, and fake_join() returns it, so the
 * test asserts on the main thread. Frames the script reads are unmasked
 * and checked for a mask, as a real server must. */
#ifndef SIOC_FAKE_SERVER_H
#define SIOC_FAKE_SERVER_H

#include <pthread.h>
#include <stddef.h>

#define FAKE_MS 3000

struct fake {
    int lfd;                 /* listening socket */
    int fd;                  /* the accepted client, -1 before */
    int port;
    pthread_t thread;
    void (*script)(struct fake *f);
    void *arg;               /* for the script */
    char request[4096];      /* the client's upgrade request */
    int failed;
    char why[256];
};

/* Listen and start script on a thread. 0, or -1. */
int fake_start(struct fake *f, void (*script)(struct fake *f), void *arg);
/* Wait for the script, close sockets. NULL when it succeeded, else why. */
const char *fake_join(struct fake *f);

/* ---- for scripts (server thread) ---- */
int fake_fail(struct fake *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int fake_accept(struct fake *f);
/* Read the upgrade request into f->request (no answer yet). */
int fake_read_request(struct fake *f);
/* Read the request and answer 101 with the right accept key. */
int fake_upgrade(struct fake *f);
int fake_write(struct fake *f, const void *p, size_t n);
/* Send an unmasked frame (or a masked one when mask is set). */
int fake_frame(struct fake *f, int opcode, int fin, const void *p, size_t n,
               int mask);
int fake_text(struct fake *f, const char *s);
/* Send the Engine.IO open packet with these ping settings. */
int fake_open(struct fake *f, long ping_interval, long ping_timeout);
/* Receive one client frame: opcode and unmasked payload (NUL-terminated,
 * truncated to cap-1). Returns the payload length, -1 on timeout/EOF. */
long fake_recv(struct fake *f, int *opcode, char *buf, size_t cap);
/* Receive frames until a text frame; fail unless it equals want (or,
 * with a trailing '*' in want, starts with the rest). Pongs and other
 * control frames in between are skipped. */
int fake_expect(struct fake *f, const char *want);
/* accept + upgrade + open(interval, timeout) + expect "40*" + CONNECT
 * reply 40{"sid":"S1"}. */
int fake_connect(struct fake *f, long ping_interval, long ping_timeout);
/* Wait until the client closes the TCP connection (reads and drops). */
int fake_wait_eof(struct fake *f);

#endif
