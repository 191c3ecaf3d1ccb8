/* Shared by cxm attribution and cxm journey: the options of the file each
 * reads (delimiter, header, bad rows), the order of the Markov chain each
 * solves, and the report of skipped rows. */
#ifndef CXM_TOOLS_PATH_CLI_H
#define CXM_TOOLS_PATH_CLI_H

#include <getopt.h>

#include <cxm.h>

enum { PATH_CLI_ORDER = 1100, PATH_CLI_DELIMITER, PATH_CLI_NO_HEADER, PATH_CLI_SKIP };

#define PATH_CLI_LONG_OPTIONS                                                                 \
    { "order", required_argument, NULL, PATH_CLI_ORDER },                                    \
    { "delimiter", required_argument, NULL, PATH_CLI_DELIMITER },                            \
    { "no-header", no_argument, NULL, PATH_CLI_NO_HEADER },                                  \
    { "skip-bad-rows", no_argument, NULL, PATH_CLI_SKIP }

/* Returns 1 when the option was one of these (and was valid), 0 when it was
 * not, -1 after a usage message. */
int path_file_option(const char *command, int option, const char *arg, cxm_markov_options *markov,
                     cxm_csv_options *csv);

/* The source's message of skipped row i, or NULL past the last. */
typedef const char *(*path_cli_skipped_fn)(const void *source, size_t i);

/* "cxm COMMAND: skipped N bad rows:" and their messages on stderr, when N > 0. */
void path_cli_report_skipped(const char *command, unsigned long long skipped,
                             path_cli_skipped_fn message, const void *source);

#endif
