/* fake-bots -- one fake bot back end as a program, for trying the bridge
 * by hand (docs/bots.md):
 *
 *   build/tests/fakes/fake-bots openai|leonid|webhook [PORT]
 *
 * Serves on 127.0.0.1:PORT (default: a free port, printed), prints one
 * line per request (method, path, status; never bodies or keys), stops
 * on Ctrl-C or SIGTERM. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fake_bots.h"

static volatile sig_atomic_t fake_main_stop;

static void
fake_main_on_signal(int sig)
{
    (void)sig;
    fake_main_stop = 1;
}

int
main(int argc, char **argv)
{
    static const char *const kinds[] = {"openai", "leonid", "webhook"};
    struct fake_server *f;
    char err[256];
    size_t seen = 0;
    int k;

    for (k = 0; argc >= 2 && k < 3; k++)
        if (strcmp(argv[1], kinds[k]) == 0)
            break;
    if (argc < 2 || argc > 3 || k == 3) {
        fprintf(stderr, "usage: fake-bots openai|leonid|webhook [PORT]\n");
        return 2;
    }
    signal(SIGINT, fake_main_on_signal);
    signal(SIGTERM, fake_main_on_signal);
    if ((f = fake_start((enum fake_kind)k, argc == 3 ? atoi(argv[2]) : 0,
                        err)) == NULL) {
        fprintf(stderr, "fake-bots: %s\n", err);
        return 1;
    }
    printf("fake %s listening port=%d\n", kinds[k], fake_port(f));
    fflush(stdout);
    while (!fake_main_stop) {
        struct fake_req r;

        if (fake_wait(f, NULL, seen + 1, 200) != 0)
            continue;
        if (fake_get(f, NULL, seen++, &r) == 0) {
            printf("%s %s -> %d (%lld ms)\n", r.method, r.path, r.status,
                   r.done_ms - r.at_ms);
            fflush(stdout);
            fake_req_cleanup(&r);
        }
    }
    fake_stop(f);
    return 0;
}
