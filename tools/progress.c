/* Progress lines on stderr (see progress.h). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "progress.h"

bool cli_quiet = false;

void cli_progress_start(cli_progress *p, const char *command)
{
    p->command = command;
    p->enabled = !cli_quiet && isatty(STDERR_FILENO);
    p->shown = false;
    p->last.tv_sec = 0;
    p->last.tv_nsec = 0;
    p->label[0] = '\0';
}

static void show(cli_progress *p, const char *suffix)
{
    /* \033[K clears what a longer previous line left. */
    fprintf(stderr, "\rcxm %s: %s%s\033[K", p->command, p->label, suffix);
    fflush(stderr);
    p->shown = true;
}

void cli_progress_step(cli_progress *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->label, sizeof p->label, fmt, ap);
    va_end(ap);
    if (p->enabled) {
        show(p, " ...");
        clock_gettime(CLOCK_MONOTONIC, &p->last);
    }
}

void cli_progress_update(unsigned long long done, unsigned long long total, void *user_data)
{
    cli_progress *p = user_data;
    if (p == NULL || !p->enabled)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double since = (double)(now.tv_sec - p->last.tv_sec) +
                   (double)(now.tv_nsec - p->last.tv_nsec) * 1e-9;
    if (since < 0.25 && done < total)
        return;
    p->last = now;
    char suffix[48];
    if (total > 0)
        snprintf(suffix, sizeof suffix, " %3.0f%%",
                 100.0 * (double)(done > total ? total : done) / (double)total);
    else
        snprintf(suffix, sizeof suffix, " %llu", done);
    show(p, suffix);
}

void cli_progress_end(cli_progress *p)
{
    if (p->enabled && p->shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    p->shown = false;
}
