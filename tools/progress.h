/* Progress lines for long steps (reading big files, fitting, bootstrap,
 * simulating): one line on stderr, rewritten in place, shown only when
 * stderr is a terminal and --quiet was not given; erased when done. The
 * library never prints: it reports through callbacks (cxm_progress_fn) and
 * the CLI names the steps around its calls. */
#ifndef CXM_TOOLS_PROGRESS_H
#define CXM_TOOLS_PROGRESS_H

#include <stdbool.h>
#include <time.h>

/* Set by `--quiet` anywhere on the command line (tools/cxm.c removes it). */
extern bool cli_quiet;

typedef struct cli_progress {
    const char *command;
    bool enabled, shown;
    struct timespec last;
    char label[200];
} cli_progress;

/* Start reporting for `command`; enabled when stderr is a terminal and not quiet. */
void cli_progress_start(cli_progress *p, const char *command);
/* Announce a step ("fitting BG/NBD"): the line becomes "cxm COMMAND: LABEL ...". */
void cli_progress_step(cli_progress *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A cxm_progress_fn (user_data = the cli_progress): the step with a percentage,
 * at most four times a second. */
void cli_progress_update(unsigned long long done, unsigned long long total, void *user_data);
/* Erase the line. */
void cli_progress_end(cli_progress *p);

#endif
