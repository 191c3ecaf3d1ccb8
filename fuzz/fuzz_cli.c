/* libFuzzer target: the cxm program's command line.
 *
 * The input is a command line, its arguments separated by NUL bytes
 * ("fit\0bgnbd\0s.csv\0-o\0m.json"). It goes through what main() does
 * (tools/cli.c: --quiet, --help, --version, help COMMAND, COMMAND --help)
 * and then only the command's parse step: no file is read or written and
 * nothing is computed, so that every command's option parsing can be
 * fuzzed fast. Invariants besides the sanitizers: the exit code is 0 (a
 * valid command line) or 2 (a usage error), and parsing the same line twice
 * gives the same answer (nothing left over from the run before). */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_ARGS = 128 };

static void require(int condition)
{
    if (!condition)
        abort();
}

/* argv[0] "cxm", then the input's NUL-separated arguments; argv[argc] NULL. */
static int split(char *text, size_t size, char **argv)
{
    int argc = 0;
    argv[argc++] = "cxm";
    for (size_t start = 0; start <= size && argc < MAX_ARGS; argc++) {
        argv[argc] = text + start;
        start += strlen(text + start) + 1;
    }
    argv[argc] = NULL;
    return argc;
}

static int parse(const char *text, size_t size)
{
    char *copy = malloc(size + 1), *argv[MAX_ARGS + 1];
    require(copy != NULL);
    memcpy(copy, text, size);
    copy[size] = '\0';
    const char *command;
    int code = cli_dispatch(split(copy, size, argv), argv, true, &command);
    free(copy);
    return code;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    int first = parse((const char *)data, size);
    require(first == CLI_EXIT_OK || first == CLI_EXIT_USAGE);
    require(parse((const char *)data, size) == first);
    return 0;
}
