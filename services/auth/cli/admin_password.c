/* admin_password.c -- read a password: without echo from a terminal, or
 * the first line of stdin when it is a pipe (scripts, tests). */
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "admin.h"

long
admin_read_password(const char *prompt, char *out)
{
    struct termios old, quiet;
    int tty = isatty(STDIN_FILENO);
    char line[AUTH_PASSWORD_MAX + 3];
    size_t n;

    if (tty) {
        fprintf(stderr, "%s", prompt);
        tcgetattr(STDIN_FILENO, &old);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    if (fgets(line, sizeof line, stdin) == NULL)
        line[0] = '\0';
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fprintf(stderr, "\n");
    }
    n = strcspn(line, "\r\n");
    if (n > AUTH_PASSWORD_MAX) {
        sodium_memzero(line, sizeof line);
        return -1;
    }
    memcpy(out, line, n);
    out[n] = '\0';
    sodium_memzero(line, sizeof line);
    return (long)n;
}
