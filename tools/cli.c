/* Shared plumbing of the cxm program. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cxm.h>

#include "cli.h"
#include "progress.h"

const cli_command *const cli_commands[] = {
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
const size_t cli_command_count = sizeof cli_commands / sizeof cli_commands[0];

const cli_command *cli_find_command(const char *name)
{
    for (size_t i = 0; i < cli_command_count; i++)
        if (strcmp(cli_commands[i]->name, name) == 0)
            return cli_commands[i];
    return NULL;
}

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

int cli_dispatch(int argc, char **argv, bool parse_only, const char **command)
{
    *command = NULL;
    argc = strip_quiet(argc, argv);
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
    void *args = calloc(1, c->args_size);
    if (args == NULL) {
        fprintf(stderr, "cxm %s: out of memory\n", c->name);
        return CLI_EXIT_DATA;
    }
    int code = c->parse(args, argc - 1, argv + 1);
    if (code == CLI_EXIT_OK && !parse_only)
        code = c->run(args);
    free(args);
    return code;
}

int cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "cxm %s: ", command);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see 'cxm %s --help')\n", command);
    return CLI_EXIT_USAGE;
}

int cli_library_error(const char *command, int status, bool usage_on_einval)
{
    fprintf(stderr, "cxm %s: %s\n", command, cxm_error_message());
    return (usage_on_einval && status == CXM_EINVAL) ? CLI_EXIT_USAGE : CLI_EXIT_DATA;
}

bool cli_parse_double(const char *command, const char *option, const char *text, double *out)
{
    char *end;
    errno = 0;
    double value = strtod(text, &end);
    if (end == text || *end != '\0' || errno == ERANGE || !isfinite(value)) {
        cli_usage_error(command, "--%s needs a finite number, got '%s'", option, text);
        return false;
    }
    *out = value;
    return true;
}

bool cli_parse_size(const char *command, const char *option, const char *text, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 10);
    if (end == text || *end != '\0' || errno == ERANGE || text[0] == '-') {
        cli_usage_error(command, "--%s needs a whole number >= 0, got '%s'", option, text);
        return false;
    }
    *out = (size_t)value;
    return true;
}

void cli_print_number(FILE *stream, double value)
{
    fprintf(stream, "%.9g", value);
}

int cli_print_json(cJSON *document)
{
    char *text = document ? cJSON_Print(document) : NULL;
    cJSON_Delete(document);
    if (text == NULL) {
        fprintf(stderr, "cxm: out of memory while writing JSON\n");
        return CLI_EXIT_DATA;
    }
    puts(text);
    cJSON_free(text);
    return CLI_EXIT_OK;
}

void cli_getopt_reset(void)
{
    opterr = 0;
    /* optind = 1 is POSIX's restart, but glibc and musl then resume inside
     * the cluster of short options ("-xyz") where the previous parse
     * stopped, reading the old argv (fuzz/fuzz_cli.c found it); optind = 0
     * resets them completely. */
#if defined(__GLIBC__) || defined(__linux__)
    optind = 0;
#else
    optind = 1;
#endif
}

bool cli_wants_help(const cli_command *command, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(command->usage, stdout);
            return true;
        }
    }
    return false;
}

bool cli_parse_delimiter(const char *text, int *out)
{
    if (strcmp(text, "tab") == 0 || strcmp(text, "\\t") == 0 || strcmp(text, "\t") == 0)
        *out = '\t';
    else if (strcmp(text, "space") == 0 || strcmp(text, "whitespace") == 0 || strcmp(text, " ") == 0)
        *out = CXM_CSV_WHITESPACE;
    else if (strcmp(text, "auto") == 0)
        *out = CXM_CSV_DETECT;
    else if (strlen(text) == 1 && text[0] != '\n' && text[0] != '\r')
        *out = (unsigned char)text[0];
    else
        return false;
    return true;
}

void cli_print_exact(FILE *stream, double value)
{
    char text[40];
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(text, sizeof text, "%.*g", digits, value);
        if (strtod(text, NULL) == value)
            break;
    }
    fputs(text, stream);
}
