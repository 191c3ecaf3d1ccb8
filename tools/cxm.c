/* cxm: the command-line face of libcxm. Each subcommand lives in its own
 * file and registers in the table below; main() only dispatches. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <cxm.h>

#include "cli.h"
#include "progress.h"

static const cli_command *const commands[] = {
    &cli_command_clv,
    &cli_command_demo,
    &cli_command_rfm,
    &cli_command_attribution,
    &cli_command_journey,
    &cli_command_fit,
    &cli_command_predict,
    &cli_command_simulate,
    &cli_command_nps,
    &cli_command_survey,
    &cli_command_world,
};
enum { COMMAND_COUNT = sizeof commands / sizeof commands[0] };

static void print_help(FILE *stream)
{
    fprintf(stream,
            "usage: cxm [--version] [--help] [--quiet] COMMAND [ARGS]\n"
            "\n"
            "libcxm %s: customer-experience management, measured.\n"
            "\n"
            "Commands:\n",
            cxm_version_string());
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        fprintf(stream, "  %-12s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(stream,
            "\n"
            "'cxm COMMAND --help' describes a command. Long steps show a progress\n"
            "line on stderr when it is a terminal; --quiet (with any command)\n"
            "silences it. Exit status: 0 success, 1 the data or the computation\n"
            "failed, 2 the command line is wrong.\n");
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

int main(int argc, char **argv)
{
    argc = strip_quiet(argc, argv);
    if (argc < 2) {
        print_help(stderr);
        return CLI_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        if (argc > 2 && strcmp(name, "help") == 0) {
            for (size_t i = 0; i < COMMAND_COUNT; i++)
                if (strcmp(commands[i]->name, argv[2]) == 0) {
                    fputs(commands[i]->usage, stdout);
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
    for (size_t i = 0; i < COMMAND_COUNT; i++) {
        if (strcmp(commands[i]->name, name) == 0) {
            if (cli_wants_help(commands[i], argc - 1, argv + 1))
                return CLI_EXIT_OK;
            return commands[i]->run(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "cxm: no command '%s' (see 'cxm --help')\n", name);
    return CLI_EXIT_USAGE;
}
