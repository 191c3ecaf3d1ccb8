/* Shared by cxm fit, cxm predict and cxm simulate (see model_cli.h). */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "model_cli.h"

void summary_columns_init(summary_columns *c)
{
    c->frequency = "frequency|x";
    c->recency = "recency|t_x";
    c->T = "T|n_periods|periods|n"; /* BG/BB: the number of opportunities */
    c->monetary = "monetary_value|zbar|mean_spend|m";
    c->weights = "?weight|weights";
    c->id = "?customer_id|customer|ID|id|Id";
}

int summary_option(const char *command, int option, const char *arg, summary_columns *c,
                   cxm_csv_options *csv)
{
    switch (option) {
    case MODEL_CLI_FREQUENCY: c->frequency = arg; return 1;
    case MODEL_CLI_RECENCY: c->recency = arg; return 1;
    case MODEL_CLI_T: c->T = arg; return 1;
    case MODEL_CLI_MONETARY: c->monetary = arg; return 1;
    case MODEL_CLI_WEIGHTS: c->weights = arg; return 1;
    case MODEL_CLI_ID: c->id = arg; return 1;
    case MODEL_CLI_NO_HEADER: csv->header = 0; return 1;
    case MODEL_CLI_SKIP: csv->skip_bad_rows = 1; return 1;
    case MODEL_CLI_DELIMITER:
        if (!cli_parse_delimiter(arg, &csv->delimiter)) {
            cli_usage_error(command, "--delimiter needs one character, 'tab' or 'space', got '%s'",
                            arg);
            return -1;
        }
        return 1;
    default:
        return 0;
    }
}

int load_model_file(const char *command, const char *path, cxm_model **out)
{
    int status = cxm_model_load(out, path);
    if (status != CXM_OK)
        return cli_library_error(command, status, false);
    return CLI_EXIT_OK;
}

int table_numbers(const cxm_table *table, const char *spec, double **dst)
{
    char name[256];
    size_t index, n = cxm_table_rows(table);
    if (spec[0] == '?')
        spec++;
    size_t length = strcspn(spec, "|");
    if (length >= sizeof name)
        length = sizeof name - 1;
    memcpy(name, spec, length);
    name[length] = '\0';
    *dst = NULL;
    if (cxm_table_find(&index, table, name) != CXM_OK) {
        cxm_error_clear();
        return CXM_OK; /* an absent optional column */
    }
    double *values = malloc((n ? n : 1) * sizeof *values);
    if (values == NULL)
        return CXM_ENOMEM;
    int status = cxm_table_numbers(values, n, table, name);
    if (status != CXM_OK) {
        free(values);
        return status;
    }
    *dst = values;
    return CXM_OK;
}

const char *table_id(const cxm_table *table, size_t i)
{
    size_t index;
    if (cxm_table_find(&index, table, "id") != CXM_OK) {
        cxm_error_clear();
        return NULL;
    }
    return cxm_table_text(table, i, "id");
}
