/* The output files of the cxm program: complete or untouched.
 *
 * What a command writes itself (cxm predict's CSV, JSON reports, cxm demo's
 * HTML) goes through the library's cxm_output (cxm/output.h): a temporary
 * file beside the target, which replaces the target only once everything
 * was written; a failure removes it and leaves an earlier file as it was.
 * These wrappers add standard output ("-") and the command's messages.
 * Standard output is checked once, at exit, by main() (tools/cxm.c). */
#ifndef CXM_TOOLS_OUTPUT_H
#define CXM_TOOLS_OUTPUT_H

#include <stdio.h>

#include <cxm.h>

typedef struct cli_output {
    FILE *stream;        /* write here */
    const char *command; /* for messages: "cxm COMMAND: PATH: ..." */
    cxm_output *file;    /* NULL for standard output */
} cli_output;

/* Open PATH (NULL or "-": standard output) for writing: the stream, or NULL
 * after printing "cxm COMMAND: PATH: cannot create: reason". */
FILE *cli_output_open(cli_output *out, const char *command, const char *path);

/* Put the file in place: CLI_EXIT_OK, or CLI_EXIT_DATA after a message
 * naming the file (the temporary file removed, PATH untouched). */
int cli_output_close(cli_output *out);

/* Give up: remove the temporary file. */
void cli_output_abort(cli_output *out);

/* Write TEXT and a newline to PATH: cli_output_open + cli_output_close. */
int cli_output_text(const char *command, const char *path, const char *text);

#endif
