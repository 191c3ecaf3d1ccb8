/* cxm: the command-line face of libcxm. Each subcommand lives in its own
 * file and registers in the table of tools/cli.c; main() dispatches
 * (cli_dispatch) and checks that standard output was written. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Output lost to a full disk or a closed descriptor must not exit 0. Every
 * command prints to standard output freely; this is the one place that
 * checks that it all arrived. */
static int finish_stdout(const char *command, int code)
{
    int error = 0;
    if (fflush(stdout) != 0)
        error = errno;
    else if (ferror(stdout))
        error = errno ? errno : EIO;
    if (fclose(stdout) != 0 && error == 0)
        error = errno;
    if (error == 0)
        return code;
    fprintf(stderr, "cxm%s%s: cannot write to standard output: %s\n", command ? " " : "",
            command ? command : "", strerror(error));
    return code != CLI_EXIT_OK ? code : CLI_EXIT_DATA;
}

int main(int argc, char **argv)
{
    const char *command = NULL;
    int code = cli_dispatch(argc, argv, false, &command);
    return finish_stdout(command, code);
}
