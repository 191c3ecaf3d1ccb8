/* cxm fit: fit a BTYD model (BG/NBD, MBG/NBD, Gamma-Gamma) to a summary file. */
#include "config.h"

#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <cxm.h>

#include "cli.h"
#include "progress.h"
#include "model_cli.h"

typedef struct fit_args {
    summary_columns columns;
    cxm_csv_options csv;
    cxm_fit_options fit;
    const char *output, *kind, *path;
    bool json;
} fit_args;

static int parse_fit(void *args, int argc, char **argv);
static int run_fit(const void *args);

const cli_command cli_command_fit = {
    "fit",
    "fit BG/NBD, MBG/NBD, Pareto/NBD, BG/BB, Gamma-Gamma or sBG to customer data",
    "usage: cxm fit MODEL SUMMARY.csv [-o MODEL.json] [OPTIONS]\n"
    "\n"
    "Fit a model by maximum likelihood and print its parameters, their\n"
    "standard errors and 95% intervals (on the log scale), the log-likelihood,\n"
    "AIC and BIC. MODEL is bgnbd (Fader, Hardie & Lee 2005), mbgnbd (Batislam\n"
    "et al. 2007), pnbd (Pareto/NBD, Schmittlein et al. 1987), bgbb (BG/BB,\n"
    "discrete opportunities: T is the number of opportunities, read from a\n"
    "column T, n_periods, periods or n), gg (Gamma-Gamma spend, fitted on\n"
    "customers with at least one repeat purchase) or sbg (shifted-beta-geometric\n"
    "subscriptions: a column of survivor counts, survivors, one row per period\n"
    "from the start; or tenures, columns periods and active (1 still subscribed,\n"
    "0 cancelled) with optional weights). A fit that does not converge fails with the reason\n"
    "(exit 1); it never prints numbers as if it had.\n"
    "\n"
    "  -o, --output FILE       also write the fitted model as JSON (for cxm predict)\n"
    "  --json                  print the model as JSON instead of a table\n"
    "  --penalty P             L2 penalty on the parameters (lifetimes' penalizer_coef)\n"
    "  --max-iterations N      Newton iterations before giving up (default 100)\n"
    "  --tolerance E           largest accepted gradient component (default 1e-9)\n"
    "  --threads N             threads for the likelihood sums (default: automatic)\n"
    "\n" MODEL_CLI_USAGE
    "\n"
    "Example: cxm fit bgnbd cdnow_customers_summary.csv -o bgnbd.json\n",
    sizeof(fit_args), parse_fit, run_fit,
};

enum { O_OUTPUT = 'o', O_JSON = 2000, O_PENALTY, O_MAXIT, O_TOL, O_THREADS };

static int print_table(cxm_model *model)
{
    size_t p = cxm_model_param_count(model);
    double values[8], se[8], ll, aic, bic;
    cxm_fit_report report = CXM_FIT_REPORT_INIT;
    int status = cxm_model_params(values, p, model);
    if (status == CXM_OK) status = cxm_model_standard_errors(se, p, model);
    if (status == CXM_OK) status = cxm_model_log_likelihood(&ll, model);
    if (status == CXM_OK) status = cxm_model_aic(&aic, model);
    if (status == CXM_OK) status = cxm_model_bic(&bic, model);
    if (status == CXM_OK) status = cxm_model_fit_report(&report, model);
    if (status != CXM_OK)
        return cli_library_error("fit", status, false);
    printf("%s fitted on %.0f customers (%.0f distinct rows): %s\n\n",
           cxm_model_kind_name(cxm_model_get_kind(model)), report.observations, report.rows,
           cxm_model_fit_message(model));
    printf("%-10s %14s %14s %14s %14s\n", "parameter", "estimate", "std. error", "lower 95%",
           "upper 95%");
    for (size_t i = 0; i < p; i++) {
        double spread = exp(1.96 * se[i] / values[i]);
        printf("%-10s %14.6f %14.6f %14.6f %14.6f\n", cxm_model_param_name(model, i), values[i],
               se[i], values[i] / spread, values[i] * spread);
    }
    printf("\nlog-likelihood %.4f   AIC %.4f   BIC %.4f\n", ll, aic, bic);
    return CLI_EXIT_OK;
}

/* A warning, not an error: the fit stands, but the user should know that
 * some customers did not shape it (cxm_fit_report.skipped). */
static void warn_skipped(const cxm_model *model, const char *path)
{
    cxm_fit_report report = CXM_FIT_REPORT_INIT;
    if (cxm_model_get_state(model) != CXM_MODEL_FITTED ||
        cxm_model_fit_report(&report, model) != CXM_OK || !(report.skipped > 0))
        return;
    fprintf(stderr,
            "cxm fit: warning: %s: %.0f repeat customer%s with a mean spend of 0 skipped (the "
            "Gamma-Gamma likelihood of a mean of 0 is degenerate; cxm predict still scores "
            "them)\n",
            path, report.skipped, report.skipped == 1.0 ? "" : "s");
}

/* sBG: a column of survivor counts, or tenures (periods, active[, weights]).
 * *read_failed tells whether the failure was the reader's (its messages
 * name the file). */
static int fit_sbg(cxm_model *model, const char *path, const cxm_csv_options *csv,
                   const char *weights, const cxm_fit_options *fit, int *read_failed)
{
    const char *specs[4] = { "?survivors|survivor|count", "?periods|tenure", "?active|alive",
                             weights };
    cxm_table *table = NULL;
    double *v[4] = { NULL, NULL, NULL, NULL };
    int status = cxm_table_read_csv(&table, path, NULL, 4, specs, csv);
    *read_failed = status != CXM_OK;
    for (size_t k = 0; status == CXM_OK && k < 4; k++)
        status = table_numbers(table, specs[k], &v[k]);
    if (status == CXM_OK) {
        size_t n = cxm_table_rows(table);
        if (v[0])
            status = cxm_model_fit_survivors(model, v[0], n, fit);
        else if (v[1] && v[2])
            status = cxm_model_fit_durations(model, n, v[1], v[2], v[3], fit);
        else
            status = CXM_ENOTFOUND;
        /* A tenure row's error names its line while the table is here. */
        if (status != CXM_OK && status != CXM_ENOTFOUND && v[0] == NULL) {
            report_row_error("fit", path, table);
            status = -1000; /* reported */
        }
    }
    for (size_t k = 0; k < 4; k++)
        free(v[k]);
    cxm_table_free(table);
    if (status == CXM_ENOTFOUND && !*read_failed) {
        fprintf(stderr,
                "cxm fit: %s: an sBG fit needs a column 'survivors' (counts per period), or "
                "columns 'periods' and 'active'\n",
                path);
        return -1000; /* reported */
    }
    return status;
}

static int parse_fit(void *args, int argc, char **argv)
{
    static const struct option options[] = {
        { "output", required_argument, NULL, O_OUTPUT },
        { "json", no_argument, NULL, O_JSON },
        { "penalty", required_argument, NULL, O_PENALTY },
        { "max-iterations", required_argument, NULL, O_MAXIT },
        { "tolerance", required_argument, NULL, O_TOL },
        { "threads", required_argument, NULL, O_THREADS },
        MODEL_CLI_LONG_OPTIONS,
        { NULL, 0, NULL, 0 },
    };
    fit_args *a = args;
    summary_columns_init(&a->columns);
    cxm_csv_options_init(&a->csv);
    a->csv.delimiter = CXM_CSV_DETECT;
    cxm_fit_options_init(&a->fit);
    size_t number;

    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":o:", options, NULL)) != -1) {
        int handled = summary_option("fit", c, optarg, &a->columns, &a->csv);
        if (handled < 0)
            return CLI_EXIT_USAGE;
        if (handled)
            continue;
        switch (c) {
        case O_OUTPUT:
            a->output = optarg;
            break;
        case O_JSON:
            a->json = true;
            break;
        case O_PENALTY:
            if (!cli_parse_double("fit", "penalty", optarg, &a->fit.penalty))
                return CLI_EXIT_USAGE;
            break;
        case O_MAXIT:
            if (!cli_parse_size("fit", "max-iterations", optarg, &number))
                return CLI_EXIT_USAGE;
            a->fit.max_iterations = (unsigned)number;
            break;
        case O_TOL:
            if (!cli_parse_double("fit", "tolerance", optarg, &a->fit.tolerance))
                return CLI_EXIT_USAGE;
            break;
        case O_THREADS:
            if (!cli_parse_size("fit", "threads", optarg, &number))
                return CLI_EXIT_USAGE;
            a->fit.threads = (unsigned)number;
            break;
        case ':':
            return cli_usage_error("fit", "%s needs a value", argv[optind - 1]);
        default:
            return cli_usage_error("fit", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind < 2)
        return cli_usage_error("fit", "MODEL and SUMMARY.csv are required");
    if (argc - optind > 2)
        return cli_usage_error("fit", "unexpected argument '%s'", argv[optind + 2]);
    a->kind = argv[optind];
    a->path = argv[optind + 1];
    return CLI_EXIT_OK;
}

static int run_fit(const void *args)
{
    const fit_args *a = args;
    summary_columns columns = a->columns;
    cxm_csv_options csv = a->csv;
    cxm_fit_options fit = a->fit;
    const char *kind = a->kind, *path = a->path, *output = a->output;

    cxm_model *model = NULL;
    cxm_table *table = NULL;
    int status = cxm_model_create_named(&model, kind);
    if (status != CXM_OK)
        return cli_library_error("fit", status, true);
    int sbg = cxm_model_get_kind(model) == CXM_MODEL_SBG;
    int spend = cxm_model_get_kind(model) == CXM_MODEL_GAMMA_GAMMA;
    /* A progress line while reading and fitting, on a terminal only (progress.h). */
    cli_progress progress;
    cli_progress_start(&progress, "fit");
    cli_progress_step(&progress, "reading %s", path);
    csv.progress = cli_progress_update;
    csv.progress_data = &progress;
    const char *specs[4] = { columns.frequency, spend ? columns.monetary : columns.recency,
                             columns.T, columns.weights };
    if (sbg) {
        int sbg_read_failed = 0;
        status = fit_sbg(model, path, &csv, columns.weights, &fit, &sbg_read_failed);
        if (status == -1000) {
            cxm_model_free(model);
            return CLI_EXIT_DATA;
        }
        /* Report as the other kinds do, below (no table to read). */
        if (status != CXM_OK && sbg_read_failed) {
            fprintf(stderr, "cxm fit: %s\n", cxm_error_message());
            cxm_model_free(model);
            return CLI_EXIT_DATA;
        }
    } else if (spend) {
        specs[2] = columns.weights;
        status = cxm_table_read_csv(&table, path, columns.id, 3, specs, &csv);
    } else {
        status = cxm_table_read_csv(&table, path, columns.id, 4, specs, &csv);
    }
    int read_failed = !sbg && status != CXM_OK; /* the reader's messages name the file */
    double *col[4] = { NULL, NULL, NULL, NULL };
    size_t ncol = spend ? 3 : 4;
    for (size_t k = 0; !sbg && status == CXM_OK && k < ncol; k++)
        status = table_numbers(table, specs[k], &col[k]);
    if (status == CXM_OK && !sbg)
        cli_progress_step(&progress, "fitting %s to %zu rows",
                          cxm_model_kind_name(cxm_model_get_kind(model)), cxm_table_rows(table));
    if (status == CXM_OK && !sbg) {
        size_t n = cxm_table_rows(table);
        if (spend)
            status = cxm_model_fit_spend(model, n, col[0], col[1], col[2], &fit);
        else
            status = cxm_model_fit(model, n, col[0], col[1], col[2], col[3], &fit);
    }
    for (size_t k = 0; k < 4; k++)
        free(col[k]);
    cli_progress_end(&progress);
    warn_skipped(model, path);
    int code = CLI_EXIT_OK;
    if (status != CXM_OK) {
        if (read_failed)
            fprintf(stderr, "cxm fit: %s\n", cxm_error_message());
        else
            report_row_error("fit", path, table);
        code = CLI_EXIT_DATA;
    } else if (a->json) {
        char *text;
        status = cxm_model_to_json(&text, model);
        if (status != CXM_OK) {
            code = cli_library_error("fit", status, false);
        } else {
            fputs(text, stdout);
            cxm_free(text);
        }
    } else {
        code = print_table(model);
    }
    if (code == CLI_EXIT_OK && output) {
        status = cxm_model_save(model, output);
        if (status != CXM_OK)
            code = cli_library_error("fit", status, false);
    }
    cxm_table_free(table);
    cxm_model_free(model);
    return code;
}
