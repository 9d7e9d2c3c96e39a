/* chat-backoff.h -- when to try reconnecting, and when to stop.
 *
 * Exponential backoff with a cap and optional jitter; the decision whether
 * another attempt makes sense takes the JWT's expiry into account. Pure:
 * the caller passes the clock and the random fraction, so the decisions
 * are tested by feeding values. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint  base_ms;       /* first delay */
  guint  max_ms;        /* cap */
  guint  max_attempts;  /* 0 = no limit (the token's expiry still applies) */
  guint  attempt;       /* attempts scheduled since the last reset */
} ChatBackoff;

void      chat_backoff_init       (ChatBackoff       *b,
                                   guint              base_ms,
                                   guint              max_ms,
                                   guint              max_attempts);
void      chat_backoff_reset      (ChatBackoff       *b);

/* The delay before the next attempt: base * 2^attempt capped at max, then
 * scaled by (0.8 + 0.4 * jitter) with jitter in [0, 1] (0.5 = none), and
 * counts the attempt. */
guint     chat_backoff_next_delay (ChatBackoff       *b,
                                   double             jitter);

typedef enum
{
  CHAT_RETRY_SCHEDULE,        /* try again after the delay */
  CHAT_RETRY_TOKEN_EXPIRED,   /* the JWT will be expired: log in again */
  CHAT_RETRY_GIVE_UP,         /* max_attempts reached */
} ChatRetryDecision;

/* Call after chat_backoff_next_delay() returned delay_ms. Decides whether
 * to schedule that attempt at now_s + delay, given the
 * token's expiry exp_s (0 = unknown) and the attempts made so far. */
ChatRetryDecision chat_backoff_decide (const ChatBackoff *b,
                                       gint64             now_s,
                                       gint64             exp_s,
                                       guint              delay_ms);

G_END_DECLS
