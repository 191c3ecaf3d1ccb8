/* The output files of the cxm program (output.h): the library's
 * complete-or-untouched files (cxm/output.h), with the command's messages. */
#include "config.h"

#include <string.h>

#include <cxm.h>

#include "cli.h"
#include "output.h"

FILE *cli_output_open(cli_output *out, const char *command, const char *path)
{
    *out = (cli_output){ NULL, command, NULL };
    if (path == NULL || strcmp(path, "-") == 0)
        return out->stream = stdout;
    if (cxm_output_open(&out->file, path) != CXM_OK) {
        fprintf(stderr, "cxm %s: %s\n", command, cxm_error_message());
        return NULL;
    }
    return out->stream = cxm_output_stream(out->file);
}

int cli_output_close(cli_output *out)
{
    out->stream = NULL;
    if (out->file == NULL) /* standard output: checked once at exit, by main() */
        return CLI_EXIT_OK;
    int status = cxm_output_commit(out->file);
    out->file = NULL;
    if (status == CXM_OK)
        return CLI_EXIT_OK;
    fprintf(stderr, "cxm %s: %s\n", out->command, cxm_error_message());
    return CLI_EXIT_DATA;
}

void cli_output_abort(cli_output *out)
{
    cxm_output_abort(out->file);
    out->file = NULL;
    out->stream = NULL;
}

int cli_output_text(const char *command, const char *path, const char *text)
{
    cli_output out;
    FILE *f = cli_output_open(&out, command, path);
    if (f == NULL)
        return CLI_EXIT_DATA;
    fputs(text, f);
    fputc('\n', f);
    return cli_output_close(&out);
}
