/* Shared by cxm attribution and cxm journey (see path_cli.h). */
#include "config.h"

#include <stdio.h>

#include "cli.h"
#include "path_cli.h"

int path_file_option(const char *command, int option, const char *arg, cxm_markov_options *markov,
                     cxm_csv_options *csv)
{
    size_t k;
    switch (option) {
    case PATH_CLI_ORDER:
        if (!cli_parse_size(command, "order", arg, &k))
            return -1;
        if (k < 1 || k > 4) {
            cli_usage_error(command, "--order must be 1 to 4, got %zu", k);
            return -1;
        }
        markov->order = (unsigned)k;
        return 1;
    case PATH_CLI_DELIMITER:
        if (!cli_parse_delimiter(arg, &csv->delimiter) || csv->delimiter == '"') {
            cli_usage_error(command, "--delimiter needs one character or 'tab', got '%s'", arg);
            return -1;
        }
        return 1;
    case PATH_CLI_NO_HEADER: csv->header = 0; return 1;
    case PATH_CLI_SKIP: csv->skip_bad_rows = 1; return 1;
    default: return 0;
    }
}

void path_cli_report_skipped(const char *command, unsigned long long skipped,
                             path_cli_skipped_fn message, const void *source)
{
    if (skipped == 0)
        return;
    fprintf(stderr, "cxm %s: skipped %llu bad row%s:\n", command, skipped, skipped == 1 ? "" : "s");
    const char *m;
    for (size_t i = 0; (m = message(source, i)) != NULL; i++)
        fprintf(stderr, "  %s\n", m);
}
