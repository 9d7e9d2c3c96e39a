/* chat-jwt.h -- read a JWT's expiry without verifying it.
 *
 * The client cannot verify the signature (it has no key) and does not need
 * to: it only wants to know whether reconnecting with the token it holds
 * can still succeed, so it stops retrying once the token has expired. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The "exp" claim (seconds since the epoch), or 0 when the token has no
 * readable exp (then the server alone decides). */
gint64    chat_jwt_expiry      (const char *token);

/* TRUE while the token may still be accepted at now_s (no exp: TRUE). */
gboolean  chat_jwt_usable_at   (const char *token,
                                gint64      now_s);

G_END_DECLS
