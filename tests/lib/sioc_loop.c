/* sioc_loop.c -- epoll loop and timer heap (see sioc_loop.h).
 *
 * One iteration: wait for sockets or the earliest timer, serve the ready
 * sockets, run the due timers (those started before the timer phase, so
 * a callback restarting its timer with 0 ms cannot spin), then release
 * the connections freed meanwhile (the graveyard). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "cmn/cmn_err.h"
#include "cmn/cmn_proc.h"
#include "sioc_internal.h"

#define SIOC_LOOP_EVENTS 256
#define SIOC_LOOP_RBUF   65536

struct sioc_loop {
    int epfd;
    struct sioc_link live;           /* sentinel of live connections */
    struct sioc_link graveyard;      /* freed during an iteration */
    size_t nconns;
    struct sioc_timer **heap;
    size_t heap_n, heap_cap;
    unsigned long seq;
    long long now;
    int running;
    int stop;
    struct epoll_event evs[SIOC_LOOP_EVENTS];
    char rbuf[SIOC_LOOP_RBUF];       /* every read lands here first */
};

static void
sioc_list_init(struct sioc_link *s)
{
    s->prev = s->next = s;
    s->conn = NULL;
}

struct sioc_loop *
sioc_loop_new(char *err)
{
    struct sioc_loop *l = calloc(1, sizeof *l);

    if (l == NULL) {
        cmn_errf(err, "out of memory");
        return NULL;
    }
    l->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (l->epfd < 0) {
        cmn_errf(err, "epoll_create1: %s", strerror(errno));
        free(l);
        return NULL;
    }
    sioc_list_init(&l->live);
    sioc_list_init(&l->graveyard);
    l->now = cmn_mono_ms();
    return l;
}

static void
sioc_loop_bury_all(struct sioc_loop *l)
{
    while (l->graveyard.next != &l->graveyard)
        sioc_conn_destroy(l->graveyard.next->conn, 1);
}

void
sioc_loop_free(struct sioc_loop *l)
{
    if (l == NULL)
        return;
    while (l->live.next != &l->live)
        sioc_conn_destroy(l->live.next->conn, 0);
    while (l->graveyard.next != &l->graveyard)
        sioc_conn_destroy(l->graveyard.next->conn, 0);
    for (size_t i = 0; i < l->heap_n; i++)
        l->heap[i]->idx = SIOC_TIMER_IDLE;
    free(l->heap);
    close(l->epfd);
    free(l);
}

/* ---- connection list ---- */

void
sioc_loop_attach(struct sioc_loop *l, struct sioc_link *k)
{
    k->buried = 0;
    k->next = l->live.next;
    k->prev = &l->live;
    l->live.next->prev = k;
    l->live.next = k;
    l->nconns++;
}

static void
sioc_link_unlink(struct sioc_link *k)
{
    k->prev->next = k->next;
    k->next->prev = k->prev;
    k->prev = k->next = k;
}

void
sioc_loop_detach(struct sioc_loop *l, struct sioc_link *k)
{
    if (!k->buried)
        l->nconns--;
    sioc_link_unlink(k);
}

void
sioc_loop_bury(struct sioc_loop *l, struct sioc_link *k)
{
    sioc_link_unlink(k);
    l->nconns--;
    k->buried = 1;
    k->next = l->graveyard.next;
    k->prev = &l->graveyard;
    l->graveyard.next->prev = k;
    l->graveyard.next = k;
}

char *
sioc_loop_rbuf(struct sioc_loop *l, size_t *cap)
{
    *cap = sizeof l->rbuf;
    return l->rbuf;
}

int
sioc_loop_running(const struct sioc_loop *l)
{
    return l->running;
}

size_t
sioc_loop_conns(const struct sioc_loop *l)
{
    return l->nconns;
}

int
sioc_loop_watch(struct sioc_loop *l, int fd, unsigned old, unsigned want,
                struct sioc_conn *conn)
{
    struct epoll_event ev;
    int op;

    if (old == want)
        return 0;
    memset(&ev, 0, sizeof ev);
    ev.events = want;
    ev.data.ptr = conn;
    op = old == 0 ? EPOLL_CTL_ADD : want == 0 ? EPOLL_CTL_DEL : EPOLL_CTL_MOD;
    return epoll_ctl(l->epfd, op, fd, &ev);
}

/* ---- timers: a binary min-heap on (due, seq) ---- */

static int
sioc_timer_less(const struct sioc_timer *a, const struct sioc_timer *b)
{
    return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

static void
sioc_heap_set(struct sioc_loop *l, size_t i, struct sioc_timer *t)
{
    l->heap[i] = t;
    t->idx = i;
}

static void
sioc_heap_up(struct sioc_loop *l, size_t i)
{
    struct sioc_timer *t = l->heap[i];

    while (i > 0) {
        size_t parent = (i - 1) / 2;

        if (!sioc_timer_less(t, l->heap[parent]))
            break;
        sioc_heap_set(l, i, l->heap[parent]);
        i = parent;
    }
    sioc_heap_set(l, i, t);
}

static void
sioc_heap_down(struct sioc_loop *l, size_t i)
{
    struct sioc_timer *t = l->heap[i];

    for (;;) {
        size_t c = 2 * i + 1;

        if (c >= l->heap_n)
            break;
        if (c + 1 < l->heap_n && sioc_timer_less(l->heap[c + 1], l->heap[c]))
            c++;
        if (!sioc_timer_less(l->heap[c], t))
            break;
        sioc_heap_set(l, i, l->heap[c]);
        i = c;
    }
    sioc_heap_set(l, i, t);
}

void
sioc_timer_init(struct sioc_timer *t, sioc_timer_fn fn, void *arg)
{
    memset(t, 0, sizeof *t);
    t->idx = SIOC_TIMER_IDLE;
    t->fn = fn;
    t->arg = arg;
}

int
sioc_timer_active(const struct sioc_timer *t)
{
    return t->idx != SIOC_TIMER_IDLE;
}

void
sioc_timer_stop(struct sioc_loop *l, struct sioc_timer *t)
{
    size_t i = t->idx;
    struct sioc_timer *m;

    if (i == SIOC_TIMER_IDLE)
        return;
    t->idx = SIOC_TIMER_IDLE;
    if (i == --l->heap_n)
        return;
    m = l->heap[l->heap_n];
    sioc_heap_set(l, i, m);
    /* the moved timer may belong above or below slot i */
    sioc_heap_up(l, i);
    sioc_heap_down(l, m->idx);
}

int
sioc_timer_start(struct sioc_loop *l, struct sioc_timer *t, long ms)
{
    sioc_timer_stop(l, t);
    if (l->heap_n == l->heap_cap) {
        size_t cap = l->heap_cap ? l->heap_cap * 2 : 64;
        struct sioc_timer **h = realloc(l->heap, cap * sizeof *h);

        if (h == NULL)
            return -1;
        l->heap = h;
        l->heap_cap = cap;
    }
    t->due = cmn_mono_ms() + (ms > 0 ? ms : 0);
    t->seq = ++l->seq;
    sioc_heap_set(l, l->heap_n++, t);
    sioc_heap_up(l, t->idx);
    return 0;
}

long long
sioc_loop_now(const struct sioc_loop *l)
{
    return l->now;
}

/* ---- running ---- */

static int
sioc_loop_wait_ms(struct sioc_loop *l, int timeout_ms)
{
    long long d;

    if (l->heap_n == 0)
        return timeout_ms;
    d = l->heap[0]->due - l->now;
    if (d < 0)
        d = 0;
    if (timeout_ms < 0 || d < timeout_ms)
        return d > 1000000000 ? 1000000000 : (int)d;
    return timeout_ms;
}

int
sioc_loop_run_once(struct sioc_loop *l, int timeout_ms)
{
    unsigned long last_seq;
    int n, served = 0;

    if (l->running)
        return -1;
    l->running = 1;
    l->now = cmn_mono_ms();
    n = epoll_wait(l->epfd, l->evs, SIOC_LOOP_EVENTS,
                   sioc_loop_wait_ms(l, timeout_ms));
    if (n < 0 && errno != EINTR) {
        l->running = 0;
        return -1;
    }
    l->now = cmn_mono_ms();
    for (int i = 0; i < n; i++) {
        /* a callback may have freed a connection later in this batch;
         * freed ones stay in memory (graveyard) until the end */
        sioc_conn_io(l->evs[i].data.ptr, l->evs[i].events);
        served++;
    }
    last_seq = l->seq;
    while (l->heap_n > 0 && l->heap[0]->due <= l->now &&
           l->heap[0]->seq <= last_seq) {
        struct sioc_timer *t = l->heap[0];

        sioc_timer_stop(l, t);
        t->fn(l, t, t->arg);
        served++;
    }
    sioc_loop_bury_all(l);
    l->running = 0;
    return served;
}

int
sioc_loop_run(struct sioc_loop *l)
{
    l->stop = 0;
    while (!l->stop && (l->nconns > 0 || l->heap_n > 0))
        if (sioc_loop_run_once(l, -1) < 0)
            return -1;
    return 0;
}

void
sioc_loop_stop(struct sioc_loop *l)
{
    l->stop = 1;
}
