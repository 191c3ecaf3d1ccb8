/* cxm: the command-line face of libcxm. Each subcommand lives in its own
 * file and registers in the table of tools/cli.c; main() only dispatches,
 * and checks that standard output was written. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <cxm.h>

#include "cli.h"
#include "progress.h"

static void print_help(FILE *stream)
{
    fprintf(stream,
            "usage: cxm [--version] [--help] [--quiet] COMMAND [ARGS]\n"
            "\n"
            "libcxm %s: customer-experience management, measured.\n"
            "\n"
            "Commands:\n",
            cxm_version_string());
    for (size_t i = 0; i < cli_command_count; i++)
        fprintf(stream, "  %-12s %s\n", cli_commands[i]->name, cli_commands[i]->summary);
    fprintf(stream,
            "\n"
            "'cxm COMMAND --help' describes a command. Long steps show a progress\n"
            "line on stderr when it is a terminal; --quiet (with any command)\n"
            "silences it. Exit status: 0 success, 1 the data or the computation\n"
            "failed or the output could not be written, 2 the command line is wrong.\n");
}

/* `--quiet` anywhere before `--` silences progress lines: remove it so that
 * no command has to know about it. */
static int strip_quiet(int argc, char **argv)
{
    int kept = 1;
    bool literal = false;
    for (int i = 1; i < argc; i++) {
        if (!literal && strcmp(argv[i], "--") == 0)
            literal = true;
        if (!literal && strcmp(argv[i], "--quiet") == 0) {
            cli_quiet = true;
            continue;
        }
        argv[kept++] = argv[i];
    }
    argv[kept] = NULL;
    return kept;
}

static int dispatch(int argc, char **argv, const char **command)
{
    if (argc < 2) {
        print_help(stderr);
        return CLI_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        if (argc > 2 && strcmp(name, "help") == 0) {
            const cli_command *c = cli_find_command(argv[2]);
            if (c != NULL) {
                fputs(c->usage, stdout);
                return CLI_EXIT_OK;
            }
            fprintf(stderr, "cxm: no command '%s' (see 'cxm --help')\n", argv[2]);
            return CLI_EXIT_USAGE;
        }
        print_help(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
        printf("cxm (libcxm) %s\n", cxm_version_string());
        return CLI_EXIT_OK;
    }
    const cli_command *c = cli_find_command(name);
    if (c == NULL) {
        fprintf(stderr, "cxm: no command '%s' (see 'cxm --help')\n", name);
        return CLI_EXIT_USAGE;
    }
    *command = c->name;
    if (cli_wants_help(c, argc - 1, argv + 1))
        return CLI_EXIT_OK;
    return c->run(argc - 1, argv + 1);
}

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
    argc = strip_quiet(argc, argv);
    const char *command = NULL;
    int code = dispatch(argc, argv, &command);
    return finish_stdout(command, code);
}
