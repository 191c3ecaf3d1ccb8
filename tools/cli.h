/* Shared plumbing of the cxm program: exit codes, option parsing, output. */
#ifndef CXM_TOOLS_CLI_H
#define CXM_TOOLS_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include <cjson/cJSON.h>

enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_DATA = 1,  /* the input data or the computation failed */
    CLI_EXIT_USAGE = 2  /* the command line is wrong */
};

/* One subcommand: name, one-line summary for `cxm --help`, usage text for
 * `cxm NAME --help`, and its two steps. parse fills the command's arguments
 * (a zeroed struct of args_size bytes) from argv (argv[0] is the subcommand
 * name) and returns CLI_EXIT_OK, or CLI_EXIT_USAGE after a message; it reads
 * and writes no file and computes nothing, so that fuzz/fuzz_cli.c can run it
 * on any command line. run does the work and prints the result: the exit
 * code. */
typedef struct cli_command {
    const char *name;
    const char *summary;
    const char *usage;
    size_t args_size;
    int (*parse)(void *args, int argc, char **argv);
    int (*run)(const void *args);
} cli_command;

/* Print "cxm NAME: reason" and a hint to stderr; return CLI_EXIT_USAGE. */
int cli_usage_error(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Report a failed library call ("cxm NAME: message") and return the exit
 * code for it: CLI_EXIT_USAGE when the status is CXM_EINVAL and the values
 * came from the command line (usage_on_einval), CLI_EXIT_DATA otherwise. */
int cli_library_error(const char *command, int status, bool usage_on_einval);

/* Parse a finite number from an option value; false (after a usage message) if it is not one. */
bool cli_parse_double(const char *command, const char *option, const char *text, double *out);
/* Parse a non-negative integer. */
bool cli_parse_size(const char *command, const char *option, const char *text, size_t *out);

/* Print a number the way people read it: up to 9 significant digits, no trailing zeros. */
void cli_print_number(FILE *stream, double value);

/* Print a JSON document followed by a newline and free it; CLI_EXIT_DATA if it cannot be rendered. */
int cli_print_json(cJSON *document);

/* Call before a command's first getopt_long(): a fresh start, silent (the
 * command reports '?' and ':' itself). */
void cli_getopt_reset(void);

/* When argv holds -h or --help, print the usage and return true. */
bool cli_wants_help(const cli_command *command, int argc, char **argv);

/* A --delimiter value: one character, 'tab', 'space' (runs of blanks) or 'auto'. */
bool cli_parse_delimiter(const char *text, int *out);
/* Print a number with the fewest digits (15 to 17) that read back exactly. */
void cli_print_exact(FILE *stream, double value);

extern const cli_command cli_command_clv;
extern const cli_command cli_command_demo;
extern const cli_command cli_command_rfm;
extern const cli_command cli_command_attribution;
extern const cli_command cli_command_journey;
extern const cli_command cli_command_fit;
extern const cli_command cli_command_predict;
extern const cli_command cli_command_simulate;
extern const cli_command cli_command_nps;
extern const cli_command cli_command_survey;
extern const cli_command cli_command_world;

/* Every subcommand, in the order of 'cxm --help'. */
extern const cli_command *const cli_commands[];
extern const size_t cli_command_count;
/* The subcommand called name, or NULL. */
const cli_command *cli_find_command(const char *name);

/* The whole command line of cxm (argv[0] the program): --quiet, --help,
 * --version, help COMMAND, COMMAND --help, and the command's parse and (unless
 * parse_only) run steps. The exit code; *command is the subcommand's name
 * once one was found, else NULL. */
int cli_dispatch(int argc, char **argv, bool parse_only, const char **command);

#endif
