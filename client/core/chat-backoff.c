/* chat-backoff.c -- exponential reconnect delays and the retry decision.
 *
 * Defaults used by the session: 1 s, 2 s, 4 s ... capped at 30 s, no limit
 * on attempts while the JWT is valid (the server keeps a token valid after
 * a lost connection, so a client can come back without logging in). */
#define G_LOG_DOMAIN "chat-backoff"

#include "chat-backoff.h"

void
chat_backoff_init (ChatBackoff *b,
                   guint        base_ms,
                   guint        max_ms,
                   guint        max_attempts)
{
  b->base_ms = MAX (base_ms, 1);
  b->max_ms = MAX (max_ms, b->base_ms);
  b->max_attempts = max_attempts;
  b->attempt = 0;
}

void
chat_backoff_reset (ChatBackoff *b)
{
  b->attempt = 0;
}

guint
chat_backoff_next_delay (ChatBackoff *b,
                         double       jitter)
{
  guint64 delay = b->base_ms;
  double scaled;

  for (guint i = 0; i < b->attempt && delay < b->max_ms; i++)
    delay *= 2;
  delay = MIN (delay, (guint64) b->max_ms);
  b->attempt++;

  jitter = CLAMP (jitter, 0.0, 1.0);
  scaled = (double) delay * (0.8 + 0.4 * jitter);
  return (guint) MAX (scaled, 1.0);
}

ChatRetryDecision
chat_backoff_decide (const ChatBackoff *b,
                     gint64             now_s,
                     gint64             exp_s,
                     guint              delay_ms)
{
  gint64 at_s = now_s + (gint64) ((delay_ms + 999) / 1000);

  if (exp_s > 0 && at_s >= exp_s)
    return CHAT_RETRY_TOKEN_EXPIRED;
  if (b->max_attempts > 0 && b->attempt > b->max_attempts)
    return CHAT_RETRY_GIVE_UP;
  return CHAT_RETRY_SCHEDULE;
}
