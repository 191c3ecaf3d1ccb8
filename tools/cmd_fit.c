/* cxm fit: fit a BTYD model (BG/NBD, MBG/NBD, Pareto/NBD, Gamma-Gamma, ...) to a summary file. */
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
    const char *covariates[3]; /* --purchase-, --dropout-, --shared-covariates LISTs, or NULL */
    size_t regularity;         /* --regularity K for bgcnbd, mbgcnbd; 0: chosen by the fit */
    bool json;
} fit_args;

static int parse_fit(void *args, int argc, char **argv);
static int run_fit(const void *args);

const cli_command cli_command_fit = {
    "fit",
    "fit BG/NBD, MBG/NBD, Pareto/NBD, GGompertz/NBD, BG/BB, Gamma-Gamma or sBG to customer data",
    "usage: cxm fit MODEL SUMMARY.csv [-o MODEL.json] [OPTIONS]\n"
    "\n"
    "Fit a model by maximum likelihood and print its parameters, their\n"
    "standard errors and 95% intervals (on the log scale), the log-likelihood,\n"
    "AIC and BIC. MODEL is bgnbd (Fader, Hardie & Lee 2005), mbgnbd (Batislam\n"
    "et al. 2007), pnbd (Pareto/NBD, Schmittlein et al. 1987), ggomnbd\n"
    "(GGompertz/NBD, Bemmaor & Glady 2012: Gompertz lifetimes), bgbb (BG/BB,\n"
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
    "\n"
    "Static covariates (bgnbd, mbgnbd, pnbd, ggomnbd; docs/models.md section\n"
    "1.11): numeric columns of the summary, named in the header, that scale each customer's\n"
    "purchase or dropout rate by exp(effect * value). Their effects are printed\n"
    "and saved with the model; cxm predict reads the same columns.\n"
    "  --purchase-covariates LIST  columns on the purchase process, separated by\n"
    "                          commas (e.g. Gender,Channel)\n"
    "  --dropout-covariates LIST   columns on the dropout process\n"
    "  --shared-covariates LIST    columns of both lists with one effect on both\n"
    "                          processes (CLVTools' names.cov.constr)\n"
    "  --purchase-penalty L    extra L2 penalty on the purchase effects\n"
    "  --dropout-penalty L     extra L2 penalty on the dropout effects\n"
    "\n"
    "Regular buyers: bgcnbd and mbgcnbd (BG/CNBD-k, MBG/CNBD-k, Platzer &\n"
    "Reutterer 2016; docs/models.md section 1.12) also read the column litt and\n"
    "choose the regularity k by likelihood.\n"
    "  --regularity K          fix k instead (1 is BG/NBD or MBG/NBD)\n"
    "\n" MODEL_CLI_USAGE
    "\n"
    "Example: cxm fit bgnbd cdnow_customers_summary.csv -o bgnbd.json\n"
    "         cxm fit pnbd summary.csv --purchase-covariates Gender,Channel \\\n"
    "           --dropout-covariates Channel -o pnbd.json\n",
    sizeof(fit_args), parse_fit, run_fit,
};

enum { O_OUTPUT = 'o', O_JSON = 2000, O_PENALTY, O_MAXIT, O_TOL, O_THREADS, O_PCOV, O_DCOV,
       O_SCOV, O_PPEN, O_DPEN, O_REGULARITY };

static int print_table(cxm_model *model)
{
    size_t p = cxm_model_param_count(model), pn = 0, dn = 0, shared = 0;
    double values[64], se[64], ll, aic, bic;
    cxm_fit_report report = CXM_FIT_REPORT_INIT;
    int status = p <= 64 ? cxm_model_params(values, p, model) : CXM_EINVAL;
    if (status == CXM_OK) status = cxm_model_covariate_count(&pn, &dn, model);
    if (status == CXM_OK) status = cxm_model_shared_covariate_count(&shared, model);
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
    int width = 10; /* wide enough for the effects' names ("purchase.Channel") */
    for (size_t i = 0; i < p; i++)
        if ((int)strlen(cxm_model_param_name(model, i)) > width)
            width = (int)strlen(cxm_model_param_name(model, i));
    printf("%-*s %14s %14s %14s %14s\n", width, "parameter", "estimate", "std. error",
           "lower 95%", "upper 95%");
    for (size_t i = 0; i < p; i++) {
        /* The kind's own parameters are positive (their interval is on the log
         * scale); covariate effects, after them, take any sign (on their own). */
        double lower = values[i] - 1.96 * se[i], upper = values[i] + 1.96 * se[i];
        if (i < p - (pn + dn - shared)) {
            double spread = exp(1.96 * se[i] / values[i]);
            lower = values[i] / spread;
            upper = values[i] * spread;
        }
        printf("%-*s %14.6f %14.6f %14.6f %14.6f\n", width, cxm_model_param_name(model, i),
               values[i], se[i], lower, upper);
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
        { "purchase-covariates", required_argument, NULL, O_PCOV },
        { "dropout-covariates", required_argument, NULL, O_DCOV },
        { "shared-covariates", required_argument, NULL, O_SCOV },
        { "purchase-penalty", required_argument, NULL, O_PPEN },
        { "dropout-penalty", required_argument, NULL, O_DPEN },
        { "regularity", required_argument, NULL, O_REGULARITY },
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
        case O_PCOV: a->covariates[0] = optarg; break;
        case O_DCOV: a->covariates[1] = optarg; break;
        case O_SCOV: a->covariates[2] = optarg; break;
        case O_PPEN:
            if (!cli_parse_double("fit", "purchase-penalty", optarg, &a->fit.purchase_penalty))
                return CLI_EXIT_USAGE;
            break;
        case O_DPEN:
            if (!cli_parse_double("fit", "dropout-penalty", optarg, &a->fit.dropout_penalty))
                return CLI_EXIT_USAGE;
            break;
        case O_REGULARITY:
            if (!cli_parse_size("fit", "regularity", optarg, &a->regularity))
                return CLI_EXIT_USAGE;
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
    covariate_columns cov; /* the lists' usage errors now, before reading */
    int code = covariate_columns_parse(&cov, "fit", a->covariates);
    covariate_columns_free(&cov);
    return code;
}

static bool regular(const cxm_model *model)
{
    cxm_model_kind kind = cxm_model_get_kind(model);
    return kind == CXM_MODEL_BGCNBD || kind == CXM_MODEL_MBGCNBD;
}

/* BG/CNBD-k and MBG/CNBD-k: x, t_x, T and litt, column after column, with
 * k fixed by --regularity or chosen by the fit. */
static int fit_regular(cxm_model *model, const cxm_table *table, const fit_args *a, size_t n,
                       double *const *col)
{
    double *litt = NULL;
    int status = a->regularity ? cxm_model_set_regularity(model, (unsigned)a->regularity)
                               : CXM_OK;
    if (status == CXM_OK)
        status = table_numbers(table, a->columns.litt, &litt);
    double *columns = status == CXM_OK ? malloc((n ? n : 1) * 4 * sizeof *columns) : NULL;
    if (status == CXM_OK && columns == NULL)
        status = CXM_ENOMEM;
    if (status == CXM_OK) {
        for (size_t c = 0; c < 3; c++)
            memcpy(columns + c * n, col[c], n * sizeof *columns);
        memcpy(columns + 3 * n, litt, n * sizeof *columns);
        status = cxm_model_fit_columns(model, n, columns, col[3], &a->fit);
    }
    free(columns);
    free(litt);
    return status;
}

/* BG/NBD, MBG/NBD, Pareto/NBD (with their covariates) and Gamma-Gamma from
 * the summary's columns into *table. *read_failed tells whether the failure
 * was the reader's (its messages name the file). */
static int fit_table(cxm_model *model, cxm_table **table, const fit_args *a,
                     cxm_csv_options *csv, cli_progress *progress, int *read_failed)
{
    const summary_columns *columns = &a->columns;
    int spend = cxm_model_get_kind(model) == CXM_MODEL_GAMMA_GAMMA;
    covariate_columns cov;
    int code = covariate_columns_parse(&cov, "fit", a->covariates);
    if (code != CLI_EXIT_OK)
        return -1000; /* reported (the lists were checked by parse_fit: out of memory) */
    const char *specs[5 + 2 * KEPT_MAX] = { columns->frequency,
                                            spend ? columns->monetary : columns->recency,
                                            spend ? columns->weights : columns->T,
                                            spend ? NULL : columns->weights };
    size_t ncol = spend ? 3 : 4, nspecs = ncol;
    if (regular(model))
        specs[nspecs++] = columns->litt;
    covariate_columns_specs(&cov, specs, &nspecs);
    int status = cxm_table_read_csv(table, a->path, columns->id, nspecs, specs, csv);
    *read_failed = status != CXM_OK;
    double *col[4] = { NULL, NULL, NULL, NULL }, *z[2] = { NULL, NULL };
    for (size_t k = 0; status == CXM_OK && k < ncol; k++)
        status = table_numbers(*table, specs[k], &col[k]);
    if (status == CXM_OK)
        status = covariate_columns_read(z, &cov, *table);
    size_t n = cxm_table_rows(*table);
    if (status == CXM_OK)
        cli_progress_step(progress, "fitting %s to %zu rows",
                          cxm_model_kind_name(cxm_model_get_kind(model)), n);
    if (status == CXM_OK && (cov.n[0] || cov.n[1]))
        status = cxm_model_set_covariates(model, cov.n[0], cov.names[0], cov.n[1],
                                          cov.names[1]);
    if (status == CXM_OK && cov.n[2])
        status = cxm_model_share_covariates(model, cov.n[2], cov.names[2]);
    if (status == CXM_OK && (cov.n[0] || cov.n[1]))
        status = cxm_model_fit_covariates(model, n, col[0], col[1], col[2], z[0], z[1], col[3],
                                          &a->fit);
    else if (status == CXM_OK && spend)
        status = cxm_model_fit_spend(model, n, col[0], col[1], col[2], &a->fit);
    else if (status == CXM_OK && regular(model))
        status = fit_regular(model, *table, a, n, col);
    else if (status == CXM_OK)
        status = cxm_model_fit(model, n, col[0], col[1], col[2], col[3], &a->fit);
    for (size_t k = 0; k < 4; k++)
        free(col[k]);
    free(z[0]);
    free(z[1]);
    covariate_columns_free(&cov);
    return status;
}

static int run_fit(const void *args)
{
    const fit_args *a = args;
    cxm_csv_options csv = a->csv;
    cxm_fit_options fit = a->fit;
    const char *path = a->path, *output = a->output;

    cxm_model *model = NULL;
    cxm_table *table = NULL;
    int status = cxm_model_create_named(&model, a->kind);
    if (status != CXM_OK)
        return cli_library_error("fit", status, true);
    int sbg = cxm_model_get_kind(model) == CXM_MODEL_SBG;
    if (sbg && (a->covariates[0] || a->covariates[1] || a->covariates[2])) {
        cxm_model_free(model);
        return cli_usage_error("fit", "the sBG model takes no covariates");
    }
    /* A progress line while reading and fitting, on a terminal only (progress.h). */
    cli_progress progress;
    cli_progress_start(&progress, "fit");
    cli_progress_step(&progress, "reading %s", path);
    csv.progress = cli_progress_update;
    csv.progress_data = &progress;
    int read_failed = 0;
    if (sbg)
        status = fit_sbg(model, path, &csv, a->columns.weights, &fit, &read_failed);
    else
        status = fit_table(model, &table, a, &csv, &progress, &read_failed);
    cli_progress_end(&progress);
    if (status == -1000) { /* reported */
        cxm_table_free(table);
        cxm_model_free(model);
        return CLI_EXIT_DATA;
    }
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
