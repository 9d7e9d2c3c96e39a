/* aib_worker.c -- a bot's worker thread: takes the next message of a
 * ready user lane, asks the bot over HTTP (with bounded retries after
 * 429, 5xx and connection errors), and writes the answer -- or a short
 * notice from the bot when there is none -- to s:msg as k=bot for the
 * relay, then acknowledges the entry. Each worker owns a curl handle and
 * a Redis connection. A message whose call was cut short by a stop is
 * not acknowledged: it stays pending and another bridge answers it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "aib_bot.h"
#include "aib_context.h"
#include "aib_http.h"
#include "aib_metrics.h"
#include "aib_proto.h"
#include "cmn/cmn_err.h"
#include "cmn/cmn_keys.h"
#include "cmn/cmn_log.h"
#include "cmn/cmn_proc.h"
#include "cmn/cmn_redis.h"

#define AIB_TAKE_MS 500
#define AIB_WRITE_TRIES 50       /* x 200 ms while Redis is away */

struct aib_worker {
    struct aib_bot *b;
    struct cmn_redis r;
    struct aib_http *http;
};

/* Parses a 2xx body into the answer; NULL = any 2xx will do. */
typedef int (*aib_parse_fn)(const char *body, size_t len, char **text,
                            char *err);

static int
aib_worker_abort_cb(void *arg)
{
    return aib_bridge_aborting(arg);
}

/* Sleep ms unless the stop grace runs out. 0, or -1 when aborting. */
static int
aib_worker_sleep(struct aib_worker *w, long ms)
{
    while (ms > 0) {
        long step = ms < 50 ? ms : 50;
        struct timespec ts = {0, step * 1000000L};

        if (aib_bridge_aborting(w->b->br))
            return -1;
        nanosleep(&ts, NULL);
        ms -= step;
    }
    return aib_bridge_aborting(w->b->br) ? -1 : 0;
}

/* One call with retries. *answer is set on AIB_OK (when parse given). */
static enum aib_outcome
aib_worker_call(struct aib_worker *w, const struct aib_job *j,
                const char *url, const char *body, aib_parse_fn parse,
                char **answer, int *attempts)
{
    const struct aib_botcfg *c = w->b->cfg;
    const struct aib_retry_policy pol = {c->retries, c->backoff_ms,
                                         c->backoff_max_ms};
    struct aib_http_req rq = {url, body,
                              c->kind == AIB_KIND_LEONID ? NULL : c->key,
                              c->timeout_ms, c->connect_timeout_ms,
                              (size_t)c->max_reply_bytes};
    char err[CMN_ERR_LEN];

    *answer = NULL;
    for (int attempt = 1;; attempt++) {
        struct aib_http_res res;
        enum aib_outcome o;
        long delay;

        *attempts = attempt;
        aib_http_post(w->http, &rq, &res);
        o = aib_outcome_of(res.t, res.status);
        if (o == AIB_OK && parse != NULL &&
            parse(res.body.p, res.body.len, answer, err) != 0) {
            o = AIB_E_MALFORMED;
            snprintf(res.err, sizeof res.err, "%s", err);
        }
        if (o == AIB_OK || o == AIB_E_ABORTED) {
            aib_http_res_cleanup(&res);
            return o;
        }
        cmn_metric_add(&aib_m_upstream_errors, 1);
        delay = aib_retry_delay(&pol, attempt, o, res.retry_after_ms,
                                randombytes_random());
        cmn_log_warn("call", "bot=%s user=\"%s\" id=%s attempt=%d "
                     "result=%s http=%ld%s%s%s", c->name, j->user, j->id,
                     attempt, aib_outcome_name(o), res.status,
                     res.err[0] ? " reason=\"" : "", res.err,
                     res.err[0] ? "\"" : "");
        aib_http_res_cleanup(&res);
        if (delay < 0)
            return o;
        cmn_metric_add(&aib_m_retries, 1);
        if (aib_worker_sleep(w, delay) != 0)
            return AIB_E_ABORTED;
    }
}

static char *
aib_worker_url(const struct aib_botcfg *c, const char *path)
{
    size_t n = strlen(c->endpoint) + strlen(path) + 1;
    char *u = malloc(n);

    if (u != NULL)
        snprintf(u, n, "%s%s", c->endpoint, path);
    return u;
}

/* Leonid's user_data for user, or NULL. */
static char *
aib_worker_user_data(struct aib_worker *w, const char *user)
{
    return aib_leonid_user_data(user, w->b->cfg->key, w->b->key,
                                w->b->keylen, (long)time(NULL));
}

/* Ask the bot: build the kind's request, call, parse. */
static enum aib_outcome
aib_worker_ask(struct aib_worker *w, const struct aib_job *j,
               const char *text, char **answer, int *attempts)
{
    const struct aib_botcfg *c = w->b->cfg;
    struct aib_context ctx = {NULL, 0};
    char *url = NULL, *body = NULL, *ud = NULL;
    aib_parse_fn parse = NULL;
    enum aib_outcome o = AIB_E_MALFORMED;

    switch (c->kind) {
    case AIB_KIND_OPENAI:
        if (aib_context_load(&w->r, c->name, j->user, c->context_turns,
                             &ctx) != 0)
            cmn_log_warn("context", "bot=%s user=\"%s\": Redis unreachable, "
                         "asking without the conversation", c->name,
                         j->user);
        url = aib_worker_url(c, "/chat/completions");
        body = aib_openai_body(c, (const char *const *)ctx.items, ctx.n,
                               text);
        parse = aib_openai_parse;
        break;
    case AIB_KIND_LEONID:
        url = aib_worker_url(c, "/receive_prompt");
        if ((ud = aib_worker_user_data(w, j->user)) != NULL)
            body = aib_leonid_prompt_body(ud, text);
        parse = aib_leonid_parse;
        break;
    case AIB_KIND_WEBHOOK:
        url = aib_worker_url(c, "");
        body = aib_webhook_body(c->name, j->user, j->room, j->msg_id,
                                j->content, j->content_len);
        parse = aib_webhook_parse;
        break;
    }
    *attempts = 0;
    if (url != NULL && body != NULL)
        o = aib_worker_call(w, j, url, body, parse, answer, attempts);
    /* a probed bot that cannot be reached goes offline until it answers */
    if (o == AIB_E_CONNECT && c->probe_path != NULL &&
        atomic_exchange(&w->b->probe_ok, 0) == 1)
        cmn_log_warn("bot", "bot=%s unreachable: offline until its "
                     "endpoint answers again", c->name);
    aib_context_cleanup(&ctx);
    free(url);
    free(body);
    free(ud);
    return o;
}

/* XADD the answer for the relay, then XACK + XDEL the entry. Retries
 * while Redis is away; 0, or -1 when the entry was left pending. */
static int
aib_worker_reply(struct aib_worker *w, const struct aib_job *j,
                 const char *text)
{
    char *c = aib_reply_json(text);
    int tries = 0, rc = -1;

    while (c != NULL) {
        redisReply *rep = cmn_redis_cmd(&w->r, "XADD " CMN_S_MSG " * k bot "
                                        "b %s u %s c %s", w->b->cfg->name,
                                        j->user, c);

        if (rep != NULL && rep->type == REDIS_REPLY_STRING) {
            freeReplyObject(rep);
            rc = 0;
            break;
        }
        freeReplyObject(rep);
        if (++tries >= AIB_WRITE_TRIES || aib_worker_sleep(w, 200) != 0)
            break;
    }
    free(c);
    if (rc != 0) {
        cmn_log_error("reply", "bot=%s user=\"%s\" id=%s: cannot write the "
                      "answer to Redis; left pending", w->b->cfg->name,
                      j->user, j->id);
        return -1;
    }
    freeReplyObject(cmn_redis_cmd(&w->r, "XACK %s %s %s", w->b->stream,
                                  CMN_GROUP_BOT, j->id));
    freeReplyObject(cmn_redis_cmd(&w->r, "XDEL %s %s", w->b->stream, j->id));
    return 0;
}

static void
aib_worker_ack(struct aib_worker *w, const struct aib_job *j)
{
    freeReplyObject(cmn_redis_cmd(&w->r, "XACK %s %s %s", w->b->stream,
                                  CMN_GROUP_BOT, j->id));
    freeReplyObject(cmn_redis_cmd(&w->r, "XDEL %s %s", w->b->stream, j->id));
}

/* k=offline: the user left. Leonid forgets them (user_disconnection);
 * an openai bot may forget the conversation. */
static void
aib_worker_offline(struct aib_worker *w, const struct aib_job *j)
{
    const struct aib_botcfg *c = w->b->cfg;
    enum aib_outcome o = AIB_OK;
    int attempts = 0;

    cmn_metric_add(&aib_m_offline_events, 1);
    if (c->kind == AIB_KIND_LEONID && aib_bot_usable(w->b)) {
        char *url = aib_worker_url(c, "/user_disconnection");
        char *ud = aib_worker_user_data(w, j->user), *answer = NULL;
        char *body = ud ? aib_leonid_disconnect_body(ud) : NULL;

        o = (url && body) ? aib_worker_call(w, j, url, body, NULL, &answer,
                                            &attempts) : AIB_E_MALFORMED;
        cmn_log_info("offline", "bot=%s user=\"%s\" user_disconnection "
                     "result=%s", c->name, j->user, aib_outcome_name(o));
        free(url);
        free(ud);
        free(body);
        free(answer);
    } else if (c->kind == AIB_KIND_OPENAI && c->forget_on_offline) {
        aib_context_forget(&w->r, c->name, j->user);
    }
    if (o != AIB_E_ABORTED)
        aib_worker_ack(w, j);
}

static void
aib_worker_message(struct aib_worker *w, const struct aib_job *j)
{
    const struct aib_botcfg *c = w->b->cfg;
    long long t0 = cmn_mono_ms();
    char *text = aib_content_text(j->content, j->content_len);
    char *answer = NULL;
    enum aib_outcome o;
    int attempts = 0;

    if (text == NULL)
        o = AIB_E_MALFORMED;
    else if (!aib_bot_usable(w->b))
        o = AIB_E_UNAVAILABLE;
    else
        o = aib_worker_ask(w, j, text, &answer, &attempts);
    if (o == AIB_E_ABORTED) {
        cmn_log_info("reply", "bot=%s user=\"%s\" id=%s: stopping; left "
                     "pending for another bridge", c->name, j->user, j->id);
    } else {
        if (o == AIB_OK && c->kind == AIB_KIND_OPENAI &&
            aib_context_append(&w->r, c->name, j->user, text, answer,
                               c->context_turns, c->context_ttl_s) != 0)
            cmn_log_warn("context", "bot=%s user=\"%s\": not remembered "
                         "(Redis)", c->name, j->user);
        if (aib_worker_reply(w, j, o == AIB_OK ? answer : aib_notice(o))
            == 0) {
            cmn_metric_add(o == AIB_OK ? &aib_m_replies : &aib_m_notices, 1);
            cmn_log_info("reply", "bot=%s user=\"%s\" id=%s result=%s "
                         "attempts=%d ms=%lld waited_ms=%lld", c->name,
                         j->user, j->id, aib_outcome_name(o), attempts,
                         cmn_mono_ms() - t0, t0 - j->queued_ms);
        }
    }
    free(text);
    free(answer);
}

void *
aib_worker_main(void *arg)
{
    struct aib_worker w;
    const struct aib_config *cfg;

    memset(&w, 0, sizeof w);
    w.b = arg;
    cfg = w.b->br->cfg;
    cmn_redis_init(&w.r, cfg->redis_host, cfg->redis_port, "worker");
    if ((w.http = aib_http_new(aib_worker_abort_cb, w.b->br)) == NULL) {
        cmn_log_error("worker", "bot=%s: cannot make a curl handle",
                      w.b->cfg->name);
        return NULL;
    }
    for (;;) {
        struct aib_job *j = aib_queue_take(&w.b->q, AIB_TAKE_MS);

        if (j == NULL) {
            if (aib_queue_closed(&w.b->q))
                break;
            continue;
        }
        if (j->offline)
            aib_worker_offline(&w, j);
        else
            aib_worker_message(&w, j);
        aib_queue_done(&w.b->q, j);
        cmn_metric_add(&aib_m_pending, -1);
    }
    aib_http_free(w.http);
    cmn_redis_close(&w.r);
    return NULL;
}
