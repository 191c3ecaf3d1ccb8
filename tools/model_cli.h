/* Shared by cxm fit, cxm predict and cxm simulate: the summary file's
 * columns and layout, and writing CSV numbers. */
#ifndef CXM_TOOLS_MODEL_CLI_H
#define CXM_TOOLS_MODEL_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include <cxm.h>

/* Column specs of a summary file; defaults read both cxm rfm's and the
 * papers' names ("frequency|x", ...). */
typedef struct summary_columns {
    const char *frequency, *recency, *T, *monetary, *weights, *id;
    const char *litt; /* BG/CNBD-k, MBG/CNBD-k: the sum of the logs of inter-purchase times */
} summary_columns;

void summary_columns_init(summary_columns *columns);

/* Options every command that reads a summary understands. Returns 1 when
 * the option was one of them (and was valid), 0 when it was not, -1 after a
 * usage message. */
enum {
    MODEL_CLI_FREQUENCY = 1000, MODEL_CLI_RECENCY, MODEL_CLI_T, MODEL_CLI_MONETARY,
    MODEL_CLI_WEIGHTS, MODEL_CLI_ID, MODEL_CLI_DELIMITER, MODEL_CLI_NO_HEADER,
    MODEL_CLI_SKIP, MODEL_CLI_LITT
};
#define MODEL_CLI_LONG_OPTIONS                                                                \
    { "frequency", required_argument, NULL, MODEL_CLI_FREQUENCY },                          \
    { "recency", required_argument, NULL, MODEL_CLI_RECENCY },                              \
    { "T-column", required_argument, NULL, MODEL_CLI_T },                                   \
    { "monetary", required_argument, NULL, MODEL_CLI_MONETARY },                            \
    { "weights", required_argument, NULL, MODEL_CLI_WEIGHTS },                              \
    { "id", required_argument, NULL, MODEL_CLI_ID },                                        \
    { "delimiter", required_argument, NULL, MODEL_CLI_DELIMITER },                          \
    { "no-header", no_argument, NULL, MODEL_CLI_NO_HEADER },                                \
    { "skip-bad-rows", no_argument, NULL, MODEL_CLI_SKIP },                                 \
    { "litt", required_argument, NULL, MODEL_CLI_LITT }
#define MODEL_CLI_USAGE                                                                       \
    "The summary file (CSV, e.g. from cxm rfm; columns by header name or\n"                  \
    "1-based number, alternatives separated by '|'):\n"                                      \
    "  --frequency COL         repeat purchases (default frequency|x)\n"                     \
    "  --recency COL           time of the last purchase (default recency|t_x)\n"            \
    "  --T-column COL          time since the first purchase, or BG/BB's number of\n"        \
    "                          opportunities (default T|n_periods|periods|n)\n"                  \
    "  --monetary COL          mean repeat value (default\n"                                 \
    "                          monetary_value|zbar|mean_spend|m)\n"                          \
    "  --weights COL           customers per row (default: weight|weights if present)\n"    \
    "  --litt COL              bgcnbd, mbgcnbd: the sum of the logs of each customer's\n"    \
    "                          inter-purchase times (default litt)\n"                         \
    "  --id COL                customer id column (default customer_id|customer|ID|id\n"    \
    "                          if present)\n"                                                \
    "  --delimiter C           field separator: one character, 'tab', 'space'\n"             \
    "                          (default: detected)\n"                                        \
    "  --no-header             the first line is data (give columns by number)\n"            \
    "  --skip-bad-rows         skip malformed rows instead of stopping\n"

int summary_option(const char *command, int option, const char *arg, summary_columns *columns,
                   cxm_csv_options *csv);

/* The numbers of the column read for `spec` by cxm_table_read_csv (named
 * after the spec's first alternative): a malloc'ed copy in *dst, or NULL in
 * *dst when an optional column is absent. CXM_ENOMEM or CXM_OK. */
int table_numbers(const cxm_table *table, const char *spec, double **dst);

/* The id of row i, or NULL when the table has no ids. */
const char *table_id(const cxm_table *table, size_t i);

/* --keep-columns LIST: columns of the summary copied into the output after
 * the command's own, so that a holdout's actual numbers sit beside the
 * predictions. They are read with the command's columns, in one pass
 * (rows stay aligned under --skip-bad-rows), as numbers printed exactly. */
enum { KEPT_MAX = 32 };
typedef struct kept_columns {
    char *text;                          /* the option's copy, split at the commas */
    size_t n, nspecs;                    /* kept columns; the command's specs before them */
    const char *specs[KEPT_MAX + 8];     /* the command's specs, then the kept names */
} kept_columns;

/* Split LIST (NULL: none) after the command's nspecs specs (at most 8).
 * Prints a usage message and returns an exit code when LIST is malformed. */
int kept_columns_init(kept_columns *kept, const char *command, const char *list, size_t nspecs,
                      const char *const *specs);
void kept_columns_header(const kept_columns *kept, FILE *out);
void kept_columns_row(const kept_columns *kept, const cxm_table *table, size_t i, FILE *out);
void kept_columns_free(kept_columns *kept);

/* Static covariates of a purchase model: numeric columns of the summary read
 * by name, for the purchase and the dropout process (index 0 and 1), and
 * those of both whose effect is shared (index 2, not read): from cxm fit's
 * --purchase-covariates, --dropout-covariates and --shared-covariates
 * LISTs, or from a saved model, for cxm predict. */
typedef struct covariate_columns {
    char *text[3];                    /* the options' copies, split at the commas */
    size_t n[3];                      /* covariates of each process, shared ones */
    const char *names[3][KEPT_MAX];
} covariate_columns;

/* Split the lists (NULL: none). Prints a usage message and returns an exit
 * code when one is malformed. */
int covariate_columns_parse(covariate_columns *c, const char *command, const char *const list[3]);
/* The covariates of a model (none without), in the order the library takes
 * their values; the names point into the model. */
void covariate_columns_of_model(covariate_columns *c, const cxm_model *model);
/* Append to specs[0..*nspecs) the covariate names not already there (a
 * column of both processes is read once); specs holds 2 * KEPT_MAX more. */
void covariate_columns_specs(const covariate_columns *c, const char **specs, size_t *nspecs);
/* The n × k row-major matrices of each process into dst[0] and dst[1]
 * (malloc'ed; NULL for a process without covariates). CXM_OK or CXM_ENOMEM. */
int covariate_columns_read(double *dst[2], const covariate_columns *c, const cxm_table *table);
void covariate_columns_free(covariate_columns *c);

/* Print the library's last failure on the rows of `table`, read from `path`:
 * "cxm COMMAND: FILE:LINE: customer ID: what" when it concerns one row
 * (cxm_error_element(); the id when the table has ids), else
 * "cxm COMMAND: FILE: message". */
void report_row_error(const char *command, const char *path, const cxm_table *table);
/* The same when the library's arrays held rows[0], rows[1], ... of the table. */
void report_row_error_mapped(const char *command, const char *path, const cxm_table *table,
                             const size_t *rows);

/* Read a model file; prints "cxm COMMAND: message" and returns an exit code on failure. */
int load_model_file(const char *command, const char *path, cxm_model **out);

#endif
