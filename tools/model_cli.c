/* Shared by cxm fit, cxm predict and cxm simulate (see model_cli.h). */
#include "config.h"

#include <getopt.h>
#include <math.h>
#include <stdbool.h>
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
    c->litt = "litt";
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
    case MODEL_CLI_LITT: c->litt = arg; return 1;
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

/* Split TEXT in place at the commas into at most KEPT_MAX plain column names
 * (no spec syntax: '?' and '|'); false when one is empty or there are too many. */
static bool split_names(const char **names, size_t *n, char *text)
{
    *n = 0;
    for (char *name = text, *end; name != NULL; name = end) {
        end = strchr(name, ',');
        if (end)
            *end++ = '\0';
        if (*name == '\0' || strpbrk(name, "?|") != NULL || *n == KEPT_MAX)
            return false;
        names[(*n)++] = name;
    }
    return true;
}

int kept_columns_init(kept_columns *kept, const char *command, const char *list, size_t nspecs,
                      const char *const *specs)
{
    memset(kept, 0, sizeof *kept);
    if (nspecs > 8)
        nspecs = 8;
    kept->nspecs = nspecs;
    memcpy(kept->specs, specs, nspecs * sizeof *specs);
    if (list == NULL)
        return CLI_EXIT_OK;
    kept->text = malloc(strlen(list) + 1);
    if (kept->text == NULL) {
        fprintf(stderr, "cxm %s: out of memory\n", command);
        return CLI_EXIT_DATA;
    }
    strcpy(kept->text, list);
    if (!split_names(kept->specs + nspecs, &kept->n, kept->text)) {
        kept_columns_free(kept);
        return cli_usage_error(command,
                               "--keep-columns needs up to %d column names separated by "
                               "commas, got '%s'",
                               KEPT_MAX, list);
    }
    return CLI_EXIT_OK;
}

void kept_columns_header(const kept_columns *kept, FILE *out)
{
    for (size_t k = 0; k < kept->n; k++)
        fprintf(out, ",%s", kept->specs[kept->nspecs + k]);
}

void kept_columns_row(const kept_columns *kept, const cxm_table *table, size_t i, FILE *out)
{
    for (size_t k = 0; k < kept->n; k++) {
        double value = NAN;
        /* Read with the table: the column is there and every value a number. */
        cxm_table_number(&value, table, i, kept->specs[kept->nspecs + k]);
        fputc(',', out);
        cli_print_exact(out, value);
    }
}

void kept_columns_free(kept_columns *kept)
{
    free(kept->text);
    kept->text = NULL;
    kept->n = 0;
}

int covariate_columns_parse(covariate_columns *c, const char *command, const char *const list[3])
{
    static const char *const option[3] = { "--purchase-covariates", "--dropout-covariates",
                                           "--shared-covariates" };
    memset(c, 0, sizeof *c);
    for (int k = 0; k < 3; k++) {
        if (list[k] == NULL)
            continue;
        c->text[k] = malloc(strlen(list[k]) + 1);
        if (c->text[k] == NULL) {
            covariate_columns_free(c);
            fprintf(stderr, "cxm %s: out of memory\n", command);
            return CLI_EXIT_DATA;
        }
        strcpy(c->text[k], list[k]);
        if (!split_names(c->names[k], &c->n[k], c->text[k])) {
            covariate_columns_free(c);
            return cli_usage_error(command,
                                   "%s needs up to %d column names separated by commas, got "
                                   "'%s'",
                                   option[k], KEPT_MAX, list[k]);
        }
    }
    return CLI_EXIT_OK;
}

void covariate_columns_of_model(covariate_columns *c, const cxm_model *model)
{
    memset(c, 0, sizeof *c);
    for (int k = 0; k < 2; k++) {
        const char *name;
        while (c->n[k] < KEPT_MAX && (name = cxm_model_covariate_name(model, k, c->n[k])) != NULL)
            c->names[k][c->n[k]++] = name;
    }
}

void covariate_columns_specs(const covariate_columns *c, const char **specs, size_t *nspecs)
{
    for (int k = 0; k < 2; k++)
        for (size_t j = 0; j < c->n[k]; j++) {
            size_t s = 0;
            while (s < *nspecs && (specs[s] == NULL || strcmp(specs[s], c->names[k][j]) != 0))
                s++;
            if (s == *nspecs)
                specs[(*nspecs)++] = c->names[k][j];
        }
}

int covariate_columns_read(double *dst[2], const covariate_columns *c, const cxm_table *table)
{
    size_t n = cxm_table_rows(table);
    dst[0] = dst[1] = NULL;
    for (int k = 0; k < 2; k++) {
        if (c->n[k] == 0)
            continue;
        dst[k] = malloc((n ? n : 1) * c->n[k] * sizeof *dst[k]);
        if (dst[k] == NULL)
            return CXM_ENOMEM;
        /* The reader checked that every value is a number. */
        for (size_t j = 0; j < c->n[k]; j++)
            for (size_t i = 0; i < n; i++)
                cxm_table_number(&dst[k][i * c->n[k] + j], table, i, c->names[k][j]);
    }
    return CXM_OK;
}

void covariate_columns_free(covariate_columns *c)
{
    for (int k = 0; k < 3; k++) {
        free(c->text[k]);
        c->text[k] = NULL;
        c->n[k] = 0;
    }
}

void report_row_error(const char *command, const char *path, const cxm_table *table)
{
    report_row_error_mapped(command, path, table, NULL);
}

void report_row_error_mapped(const char *command, const char *path, const cxm_table *table,
                             const size_t *rows)
{
    char text[1024]; /* a copy: looking the id up may rewrite the thread's message */
    snprintf(text, sizeof text, "%s", cxm_error_message());
    const char *message = text;
    size_t element = 0, row = 0;
    char prefix[64];
    unsigned long long line = 0;
    if (cxm_error_element(&element) == CXM_OK) {
        row = rows ? rows[element] : element;
        line = cxm_table_line(table, row);
    }
    if (line == 0) {
        fprintf(stderr, "cxm %s: %s: %s\n", command, path, message);
        return;
    }
    /* The library said "element ROW: what"; the user knows the line and the id. */
    snprintf(prefix, sizeof prefix, "element %zu: ", element);
    if (strncmp(message, prefix, strlen(prefix)) == 0)
        message += strlen(prefix);
    const char *id = table_id(table, row);
    fprintf(stderr, "cxm %s: %s:%llu: %s%s%s%s\n", command, path, line, id ? "customer " : "",
            id ? id : "", id ? ": " : "", message);
}
