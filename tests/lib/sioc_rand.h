/* sioc_rand.h -- random bytes for websocket keys and frame masks.
 *
 * RFC 6455 wants masking keys from a strong entropy source. A client with
 * thousands of sessions masks many frames per second, so bytes come from
 * a small pool refilled by getrandom(2) instead of one syscall per frame.
 * Single-threaded, like the rest of sioc. */
#ifndef SIOC_RAND_H
#define SIOC_RAND_H

#include <stddef.h>

/* Fill out[0..n) with random bytes. Never fails (falls back to a clock
 * mix only if the kernel refuses getrandom, which Linux >= 3.17 never
 * does). */
void sioc_rand_bytes(void *out, size_t n);

#endif
