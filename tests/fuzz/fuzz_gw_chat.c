/* fuzz_gw_chat.c -- libFuzzer target for the gateway's protocol engine and
 * the chat's event payload checks (gw_engine.c + gw_chat.c), without
 * sockets or Redis.
 *
 * The engine runs with a recording transport and the chat app; the Redis
 * bus (gw_bus.c) is replaced by the small in-memory fake below, which
 * keeps the jobs the chat submits and answers them only when the input
 * says so. The input is a polling body: records split on 0x1e. Records
 * starting with '!' drive the harness, every other record is one
 * Engine.IO packet for the current session ("b"+base64 = binary):
 *
 *   !n  open a session (polling)      !N  open a session (websocket)
 *   !0..!3  make session i current    !c  close the current session
 *   !w  answer pending binds: valid   !r  ... revoked   !d  ... Redis down
 *   !f  fail every pending publish    !k  drain the send queues
 *   !t  run the timers 10 min ahead   !p  feed "2probe"/"5" on a probe
 *   !s<kind> <target>=<json>  a delivery record from Redis, value
 *                              42["fz",<json>] (kinds U u s * r)
 *
 * Tokens: "@A@" and "@a@" become two valid JWTs of user "alice" (two
 * sessions), "@B@" one of "bob", "@X@" an expired one of "alice", "@N@"
 * an alg:none one. Every packet the server queues must be a well-formed
 * Engine.IO packet and, for messages, a Socket.IO packet gw_sio_parse
 * accepts; anything else, or an ASan/UBSan report, is a crash. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jwt.h>
#include <sodium.h>

#include "cmn/cmn_jwt.h"
#include "cmn/cmn_log.h"
#include "cmn/cmn_proc.h"
#include "gw_bus.h"
#include "gw_chat.h"
#include "gw_engine.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond) do { if (!(cond)) abort(); } while (0)
#define FUZZ_MAX_SESSIONS 4

static const unsigned char fz_key[] = "fuzz-key-0123456789-0123456789-0123";
#define FZ_KEYLEN 32

/* ---- the fake bus (replaces gw_bus.c) ----------------------------------- */

struct gw_bus {
    struct gw_job *jobs;             /* submitted, not yet answered */
    struct gw_bus_event *events;     /* posted, for gw_bus_take() */
    struct gw_bus_event **tail;
};

void
gw_bus_submit(struct gw_bus *bus, struct gw_job *job)
{
    if (job == NULL)
        return;
    /* what the chat hands over must be complete */
    FUZZ_CHECK(job->user != NULL);
    if (job->kind == GW_JOB_PUBLISH) {
        FUZZ_CHECK(job->jti && job->room && job->content && job->sid);
        FUZZ_CHECK(cmn_json_validate(job->content, strlen(job->content)) ==
                   0);
    }
    job->next = bus->jobs;
    bus->jobs = job;
}

struct gw_bus_event *
gw_bus_take(struct gw_bus *bus)
{
    struct gw_bus_event *list = bus->events;

    bus->events = NULL;
    bus->tail = &bus->events;
    return list;
}

void
gw_bus_trim_to(struct gw_bus *bus, const char *minid)
{
    (void)bus;
    FUZZ_CHECK(minid != NULL && minid[0] >= '0' && minid[0] <= '9');
}

const char *
gw_bus_stream(const struct gw_bus *bus)
{
    (void)bus;
    return "s:gw:fz";
}

static void
fz_post(struct gw_bus *bus, enum gw_event_kind kind, struct gw_job *job,
        redisReply *rep, int ok)
{
    struct gw_bus_event *ev = calloc(1, sizeof *ev);

    ev->kind = kind;
    ev->job = job;
    ev->rep = rep;
    ev->ok = ok;
    *bus->tail = ev;
    bus->tail = &ev->next;
}

/* Answer the pending jobs of one kind (BIND with `ok`, or PUBLISH as
 * failed); other jobs are done and dropped. */
static void
fz_answer(struct gw_bus *bus, enum gw_job_kind kind, int ok)
{
    struct gw_job *j = bus->jobs, *next, *keep = NULL;

    for (; j != NULL; j = next) {
        next = j->next;
        j->next = NULL;
        if (j->kind == kind && kind == GW_JOB_BIND)
            fz_post(bus, GW_EV_BIND_RESULT, j, NULL, ok);
        else if (j->kind == kind && kind == GW_JOB_PUBLISH)
            fz_post(bus, GW_EV_PUBLISH_FAILED, j, NULL, 0);
        else if (j->kind == GW_JOB_BIND || j->kind == GW_JOB_PUBLISH) {
            j->next = keep;
            keep = j;
        } else
            free(j);
    }
    bus->jobs = keep;
}

static void
fz_bus_clear(struct gw_bus *bus)
{
    struct gw_job *j, *jn;
    struct gw_bus_event *ev, *en;

    for (j = bus->jobs; j != NULL; j = jn) {
        jn = j->next;
        free(j);
    }
    for (ev = gw_bus_take(bus); ev != NULL; ev = en) {
        en = ev->next;
        gw_bus_event_free(ev);
    }
    bus->jobs = NULL;
}

/* ---- hand-made redisReply for delivery records -------------------------- */

static redisReply *
fz_reply(int type, const char *s, size_t n, size_t elements)
{
    redisReply *r = calloc(1, sizeof *r);

    r->type = type;
    if (s != NULL) {
        r->str = malloc(n + 1);
        memcpy(r->str, s, n);
        r->str[n] = '\0';
        r->len = n;
    }
    if (elements > 0) {
        r->elements = elements;
        r->element = calloc(elements, sizeof *r->element);
    }
    return r;
}

/* XREAD shape: [[stream, [[id, [field, value]]]]] */
static redisReply *
fz_delivery(const char *field, size_t flen, const char *value, size_t vlen)
{
    redisReply *top = fz_reply(REDIS_REPLY_ARRAY, NULL, 0, 1);
    redisReply *st = fz_reply(REDIS_REPLY_ARRAY, NULL, 0, 2);
    redisReply *entries = fz_reply(REDIS_REPLY_ARRAY, NULL, 0, 1);
    redisReply *entry = fz_reply(REDIS_REPLY_ARRAY, NULL, 0, 2);
    redisReply *fv = fz_reply(REDIS_REPLY_ARRAY, NULL, 0, 2);

    top->element[0] = st;
    st->element[0] = fz_reply(REDIS_REPLY_STRING, "s:gw:fz", 7, 0);
    st->element[1] = entries;
    entries->element[0] = entry;
    entry->element[0] = fz_reply(REDIS_REPLY_STRING, "1-1", 3, 0);
    entry->element[1] = fv;
    fv->element[0] = fz_reply(REDIS_REPLY_STRING, field, flen, 0);
    fv->element[1] = fz_reply(REDIS_REPLY_STRING, value, vlen, 0);
    return top;
}

/* ---- the transport ------------------------------------------------------ */

static struct gw_session *fz_sess[FUZZ_MAX_SESSIONS];
static int fz_cur;

/* Every packet the server sends must be one a client can parse. */
static void
fz_check_out(struct gw_pkt *pk)
{
    const char *d = gw_pkt_data(pk);
    struct gw_sio_packet p;

    if (pk->binary)
        return;
    FUZZ_CHECK(pk->len >= 1);
    FUZZ_CHECK(d[0] >= '0' && d[0] <= '6');
    if (d[0] == '0')
        FUZZ_CHECK(cmn_json_validate(d + 1, pk->len - 1) == 0);
    if (d[0] == '4')
        FUZZ_CHECK(gw_sio_parse(d + 1, pk->len - 1, &p, NULL) == 0);
}

static void
fz_drain(struct gw_session *s)
{
    struct gw_pkt *pk;

    while ((pk = gw_queue_pop(&s->out)) != NULL) {
        fz_check_out(pk);
        gw_pkt_unref(pk);
    }
}

static void
fz_kick(struct gw_session *s)
{
    /* packets wait until "!k": lets the slow-reader limit trip */
    FUZZ_CHECK(!s->closed);
}

static void
fz_drop(struct gw_session *s, const char *reason, struct gw_pkt *final)
{
    FUZZ_CHECK(reason != NULL);
    if (final != NULL)
        fz_check_out(final);
    fz_drain(s);
    for (int i = 0; i < FUZZ_MAX_SESSIONS; i++)
        if (fz_sess[i] == s)
            fz_sess[i] = NULL;
}

static void
fz_rearm(void *arg, long long due)
{
    (void)arg;
    (void)due;
}

/* ---- tokens ------------------------------------------------------------- */

static char *fz_tok_a, *fz_tok_a2, *fz_tok_b, *fz_tok_x, *fz_tok_n;

static char *
fz_none_token(void)
{
    jwt_t *j = NULL;
    char *t;

    jwt_new(&j);
    jwt_add_grant(j, "sub", "alice");
    jwt_add_grant(j, "jti", "ja9");
    jwt_add_grant_int(j, "exp", (long)time(NULL) + 86400);
    jwt_set_alg(j, JWT_ALG_NONE, NULL, 0);
    t = jwt_encode_str(j);
    jwt_free(j);
    return t;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    long now = (long)time(NULL);

    (void)argc;
    (void)argv;
    if (sodium_init() < 0)
        abort();
    cmn_log_init("fuzz", CMN_LOG_ERROR);
    fz_tok_a = cmn_jwt_sign(fz_key, FZ_KEYLEN, "alice", "ja1", now, 86400);
    fz_tok_a2 = cmn_jwt_sign(fz_key, FZ_KEYLEN, "alice", "ja2", now, 86400);
    fz_tok_b = cmn_jwt_sign(fz_key, FZ_KEYLEN, "bob", "jb1", now, 86400);
    fz_tok_x = cmn_jwt_sign(fz_key, FZ_KEYLEN, "alice", "ja0", now - 7200,
                            3600);
    fz_tok_n = fz_none_token();
    if (!fz_tok_a || !fz_tok_a2 || !fz_tok_b || !fz_tok_x || !fz_tok_n)
        abort();
    return 0;
}

/* Copy data with every "@A@"-style marker replaced by its token. */
static char *
fz_expand(const uint8_t *data, size_t size, size_t *out_len)
{
    struct cmn_buf b;
    size_t i = 0;

    cmn_buf_init(&b);
    while (i < size) {
        const char *tok = NULL;

        if (i + 3 <= size && data[i] == '@' && data[i + 2] == '@') {
            switch (data[i + 1]) {
            case 'A': tok = fz_tok_a; break;
            case 'a': tok = fz_tok_a2; break;
            case 'B': tok = fz_tok_b; break;
            case 'X': tok = fz_tok_x; break;
            case 'N': tok = fz_tok_n; break;
            }
        }
        if (tok != NULL) {
            cmn_buf_puts(&b, tok);
            i += 3;
        } else {
            cmn_buf_append(&b, data + i, 1);
            i++;
        }
    }
    *out_len = b.len;
    return cmn_buf_steal(&b);
}

/* ---- driving ------------------------------------------------------------ */

struct fz_world {
    struct gw_engine *engine;
    struct gw_chat *chat;
    struct gw_bus bus;
};

static void
fz_open(struct fz_world *w, enum gw_transport t)
{
    for (int i = 0; i < FUZZ_MAX_SESSIONS; i++) {
        if (fz_sess[i] == NULL) {
            fz_sess[i] = gw_engine_open(w->engine, t);
            fz_cur = i;
            return;
        }
    }
}

static void
fz_feed(struct fz_world *w, const char *text, size_t n, int from_probe)
{
    char *copy = malloc(n ? n : 1);
    struct gw_eio_payload it;
    struct gw_eio_packet p;
    struct gw_session *s = fz_sess[fz_cur];

    if (s == NULL) {
        free(copy);
        return;
    }
    memcpy(copy, text, n);
    /* one record: a text packet, or "b"+base64 binary */
    gw_eio_payload_init(&it, copy, n);
    if (gw_eio_payload_next(&it, &p) == 1) {
        if ((int)p.len <= gw_engine_config(w->engine)->max_payload)
            gw_engine_input(w->engine, s, &p, from_probe);
    }
    free(copy);
}

static void
fz_record_from_redis(struct fz_world *w, const char *r, size_t n)
{
    const char *eq = memchr(r, '=', n);
    struct cmn_buf v;

    if (eq == NULL)
        return;
    if (cmn_json_validate(eq + 1, n - (size_t)(eq + 1 - r)) != 0)
        return;                     /* only well-formed packets come in */
    cmn_buf_init(&v);
    cmn_buf_puts(&v, "42[\"fz\",");
    cmn_buf_append(&v, eq + 1, n - (size_t)(eq + 1 - r));
    cmn_buf_puts(&v, "]");
    fz_post(&w->bus, GW_EV_STREAMS, NULL,
            fz_delivery(r, (size_t)(eq - r), v.p, v.len), 0);
    cmn_buf_free(&v);
    gw_chat_on_wake(w->chat);
}

static void
fz_command(struct fz_world *w, const char *c, size_t n)
{
    switch (n > 1 ? c[1] : 0) {
    case 'n': fz_open(w, GW_T_POLLING); break;
    case 'N': fz_open(w, GW_T_WEBSOCKET); break;
    case '0': case '1': case '2': case '3': fz_cur = c[1] - '0'; break;
    case 'c':
        if (fz_sess[fz_cur] != NULL)
            gw_engine_close(w->engine, fz_sess[fz_cur], "fuzz close");
        break;
    case 'w':
        fz_answer(&w->bus, GW_JOB_BIND, 1);
        gw_chat_on_wake(w->chat);
        break;
    case 'r':
        fz_answer(&w->bus, GW_JOB_BIND, 0);
        gw_chat_on_wake(w->chat);
        break;
    case 'd':
        fz_answer(&w->bus, GW_JOB_BIND, -1);
        gw_chat_on_wake(w->chat);
        break;
    case 'f':
        fz_answer(&w->bus, GW_JOB_PUBLISH, 0);
        gw_chat_on_wake(w->chat);
        break;
    case 'k':
        for (int i = 0; i < FUZZ_MAX_SESSIONS; i++)
            if (fz_sess[i] != NULL)
                fz_drain(fz_sess[i]);
        break;
    case 't':
        gw_engine_timers(w->engine, cmn_mono_ms() + 600000);
        break;
    case 'p':
        if (fz_sess[fz_cur] != NULL) {
            fz_sess[fz_cur]->upgrading = 1;
            fz_feed(w, "2probe", 6, 1);
            fz_feed(w, "5", 1, 1);
        }
        break;
    case 's':
        fz_record_from_redis(w, c + 2, n - 2);
        break;
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct gw_engine_config ecfg = {
        "fz", 25000, 20000, 100000, 45000, 64, (size_t)1 << 20,
        FUZZ_MAX_SESSIONS
    };
    struct gw_chat_config ccfg = {fz_key, FZ_KEYLEN, 1000, 0, 1};
    struct gw_transport_ops tops = {fz_kick, fz_drop, fz_rearm, NULL};
    struct gw_app_ops aops;
    struct fz_world w;
    size_t len, start = 0;
    char *in;

    if (size > 65536)
        return 0;
    memset(&w, 0, sizeof w);
    memset(fz_sess, 0, sizeof fz_sess);
    fz_cur = 0;
    w.bus.tail = &w.bus.events;
    w.chat = gw_chat_new(&ccfg);
    aops = gw_chat_app_ops(w.chat);
    w.engine = gw_engine_new(&ecfg, &tops, &aops);
    gw_chat_attach(w.chat, w.engine, &w.bus);
    fz_open(&w, GW_T_WEBSOCKET);

    in = fz_expand(data, size, &len);
    for (size_t i = 0; i <= len; i++) {
        if (i < len && in[i] != GW_EIO_SEP)
            continue;
        if (i > start && in[start] == '!')
            fz_command(&w, in + start, i - start);
        else
            fz_feed(&w, in + start, i - start, 0);
        start = i + 1;
    }
    free(in);

    /* answer what is still pending, then tear everything down */
    fz_answer(&w.bus, GW_JOB_BIND, 1);
    gw_chat_on_wake(w.chat);
    gw_engine_free(w.engine);           /* closes sessions: unbinds */
    fz_bus_clear(&w.bus);
    gw_chat_free(w.chat);
    return 0;
}
