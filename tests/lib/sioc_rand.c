/* sioc_rand.c -- pooled getrandom(2) bytes (see sioc_rand.h). */
#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "sioc_rand.h"

#define SIOC_RAND_POOL 512

static unsigned char sioc_rand_pool[SIOC_RAND_POOL];
static size_t sioc_rand_left;

/* Refill the pool; only a kernel without getrandom ends up in the loop
 * below, which mixes the clock so the masks at least differ. */
static void
sioc_rand_refill(void)
{
    size_t got = 0;

    while (got < SIOC_RAND_POOL) {
        ssize_t n = getrandom(sioc_rand_pool + got, SIOC_RAND_POOL - got, 0);

        if (n > 0) {
            got += (size_t)n;
        } else if (n < 0 && errno != EINTR) {
            struct timespec ts;

            clock_gettime(CLOCK_MONOTONIC, &ts);
            for (; got < SIOC_RAND_POOL; got++)
                sioc_rand_pool[got] = (unsigned char)(ts.tv_nsec >> (got % 24)
                                                      ^ got * 131u);
        }
    }
    sioc_rand_left = SIOC_RAND_POOL;
}

void
sioc_rand_bytes(void *out, size_t n)
{
    unsigned char *o = out;

    while (n > 0) {
        size_t k;

        if (sioc_rand_left == 0)
            sioc_rand_refill();
        k = n < sioc_rand_left ? n : sioc_rand_left;
        memcpy(o, sioc_rand_pool + SIOC_RAND_POOL - sioc_rand_left, k);
        /* used bytes are wiped so they are never handed out twice */
        memset(sioc_rand_pool + SIOC_RAND_POOL - sioc_rand_left, 0, k);
        sioc_rand_left -= k;
        o += k;
        n -= k;
    }
}
