/* aib_retry.c -- classification and backoff (see aib_retry.h). */
#include "aib_retry.h"

enum aib_outcome
aib_outcome_of(enum aib_transport t, long status)
{
    switch (t) {
    case AIB_T_OK:
        break;
    case AIB_T_TIMEOUT:
        return AIB_E_TIMEOUT;
    case AIB_T_CONNECT:
        return AIB_E_CONNECT;
    case AIB_T_TOO_LARGE:
        return AIB_E_MALFORMED;
    case AIB_T_ABORTED:
        return AIB_E_ABORTED;
    case AIB_T_OTHER:
    default:
        return AIB_E_CONNECT;
    }
    if (status >= 200 && status < 300)
        return AIB_OK;
    if (status == 429)
        return AIB_E_RATE;
    if (status >= 500 && status < 600)
        return AIB_E_SERVER;
    return AIB_E_REFUSED;
}

long
aib_retry_delay(const struct aib_retry_policy *p, int attempt,
                enum aib_outcome o, long retry_after_ms, unsigned rnd)
{
    long delay = p->backoff_ms;

    if (o != AIB_E_CONNECT && o != AIB_E_RATE && o != AIB_E_SERVER)
        return -1;
    if (attempt < 1 || attempt > p->retries)
        return -1;
    /* base * 2^(attempt-1), capped, then "equal jitter": [d/2, d] */
    for (int i = 1; i < attempt && delay < p->backoff_max_ms; i++)
        delay *= 2;
    if (delay > p->backoff_max_ms)
        delay = p->backoff_max_ms;
    delay = delay / 2 + (long)(rnd % (unsigned)(delay / 2 + 1));
    if (retry_after_ms >= 0) {
        /* waiting longer than our cap is not worth holding the user */
        if (retry_after_ms > p->backoff_max_ms)
            return -1;
        if (retry_after_ms > delay)
            delay = retry_after_ms;
    }
    return delay;
}

const char *
aib_outcome_name(enum aib_outcome o)
{
    switch (o) {
    case AIB_OK:            return "ok";
    case AIB_E_TIMEOUT:     return "timeout";
    case AIB_E_CONNECT:     return "connect";
    case AIB_E_RATE:        return "rate_limited";
    case AIB_E_SERVER:      return "server_error";
    case AIB_E_REFUSED:     return "refused";
    case AIB_E_MALFORMED:   return "malformed";
    case AIB_E_ABORTED:     return "aborted";
    case AIB_E_UNAVAILABLE: return "unavailable";
    }
    return "?";
}
