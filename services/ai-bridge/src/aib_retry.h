/* aib_retry.h -- what went wrong with a bot's HTTP call, whether to try
 * again and after how long. Pure functions of their arguments (no I/O,
 * no clock, the randomness passed in), so the unit tests feed them
 * values. */
#ifndef AIB_RETRY_H
#define AIB_RETRY_H

/* How the transfer itself ended (aib_http maps curl codes to these). */
enum aib_transport {
    AIB_T_OK,          /* a complete HTTP response came */
    AIB_T_TIMEOUT,     /* the request's time ran out */
    AIB_T_CONNECT,     /* refused, reset, DNS, nothing received */
    AIB_T_TOO_LARGE,   /* the reply exceeded max_reply_bytes */
    AIB_T_ABORTED,     /* we are stopping */
    AIB_T_OTHER
};

/* The outcome of one attempt, which also picks the user's notice. */
enum aib_outcome {
    AIB_OK,
    AIB_E_TIMEOUT,
    AIB_E_CONNECT,
    AIB_E_RATE,        /* 429 */
    AIB_E_SERVER,      /* 5xx */
    AIB_E_REFUSED,     /* other 4xx, 3xx: our request or key is wrong */
    AIB_E_MALFORMED,   /* 2xx whose body is not what the kind promises */
    AIB_E_ABORTED,
    AIB_E_UNAVAILABLE  /* the bot is not usable (no key, disabled, down) */
};

struct aib_retry_policy {
    int retries;         /* extra attempts allowed */
    int backoff_ms;      /* delay before the first retry; doubles */
    int backoff_max_ms;  /* cap; a longer Retry-After gives up */
};

/* Outcome of a transfer that ended with t and HTTP status (0 if none).
 * A 2xx maps to AIB_OK here; the caller downgrades it to
 * AIB_E_MALFORMED when the body does not parse. */
enum aib_outcome aib_outcome_of(enum aib_transport t, long status);

/* Delay in ms before attempt number attempt+1, after `attempt` attempts
 * (1 = the first one failed) ended with o; -1 = do not retry. Retried:
 * connection errors, 429 and 5xx. retry_after_ms is the server's
 * Retry-After (-1 = none); rnd is any random number (jitter). */
long aib_retry_delay(const struct aib_retry_policy *p, int attempt,
                     enum aib_outcome o, long retry_after_ms, unsigned rnd);

/* Short name for logs ("timeout", "http_5xx", ...). */
const char *aib_outcome_name(enum aib_outcome o);

#endif
