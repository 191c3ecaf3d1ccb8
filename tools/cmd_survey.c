/* cxm survey: estimate a structural path model (PLS) on survey answers and
 * report paths, R², indices and the drivers of the target. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cxm.h>

#include "cli.h"
#include "output.h"
#include "progress.h"

bool cli_chain_file_option(const char *command, int option, const char *value,
                           cxm_csv_options *csv, int *status);
/* The quality report (survey_quality.c). */
int survey_print_quality(const cxm_pls_result *result);

typedef struct money {
    bool wanted;
    cxm_logit retention;
    double margin, discount, customers;
} money;

typedef struct survey_args {
    cxm_csv_options csv;
    const char *preset, *target, *output, *model_path, *file; /* file: NULL with --print-model */
    bool print_model;
    money value;
    /* Command-line settings override the model's "estimation"; -1 (NaN) = not given. */
    int scheme, miss, bca;
    double level, tolerance, seed;
    size_t bootstrap, threads, iterations;
    int consistent;              /* -1: the model's */
    bool indirect;               /* print the specific indirect effects */
    bool quality;                /* print the quality report */
    size_t folds, repetitions;   /* PLSpredict: 0 folds = none */
    int approach;
} survey_args;

static int parse_survey(void *args, int argc, char **argv);
static int run_survey(const void *args);

const cli_command cli_command_survey = {
    "survey",
    "structural path model (PLS) of survey answers: paths, R², indices, drivers",
    "usage: cxm survey MODEL.json SURVEY.csv [OPTIONS]\n"
    "\n"
    "Or give --preset NAME (acsi, ecsi or chain) instead of MODEL.json; with\n"
    "--print-model, cxm survey prints the model as JSON (a preset's, to start\n"
    "from) and stops.\n"
    "\n"
    "Estimate a structural model of customer experience from survey answers by\n"
    "PLS path modelling, the method of the ACSI and ECSI indices: constructs\n"
    "(expectations, quality, satisfaction, ...) are measured by blocks of items\n"
    "(columns), paths link them. Prints the path coefficients, the R² and the\n"
    "0-100 index of each construct, and the drivers of the target construct\n"
    "ranked by importance (the total effect on the 0-100 indices: index points of\n"
    "the target per index point of the driver) with their performance (the\n"
    "driver's index), the standardized total effect and the\n"
    "importance-performance quadrant.\n"
    "\n"
    "MODEL.json names the constructs, their items (column names) and mode (A,\n"
    "reflective, the default; B, formative), the paths, optionally the answer\n"
    "scale of the indices (per model or per construct; default: each item's\n"
    "observed range), the target and estimation settings.\n"
    "\n"
    "Example model:\n"
    "  {\"name\": \"mine\", \"scale\": [1, 10], \"target\": \"Satisfaction\",\n"
    "   \"constructs\": [{\"name\": \"Quality\", \"items\": [\"q1\", \"q2\"], \"mode\": \"A\"},\n"
    "                  {\"name\": \"Satisfaction\", \"items\": [\"s1\", \"s2\"]}],\n"
    "   \"paths\": [{\"from\": \"Quality\", \"to\": [\"Satisfaction\"]}],\n"
    "   \"estimation\": {\"scheme\": \"path\", \"bootstrap\": 500, \"seed\": 1}}\n"
    "\n"
    "  --preset NAME           acsi, ecsi or chain instead of MODEL.json\n"
    "  --print-model           print the model as JSON and stop\n"
    "  --scheme S              inner weighting: path (default), centroid, factorial\n"
    "  --bootstrap N           resamples for standard errors, t and p values and\n"
    "                          percentile intervals\n"
    "  --bca                   also bias-corrected and accelerated (BCa) intervals\n"
    "                          (Efron 1987; a jackknife: one more estimate per\n"
    "                          respondent)\n"
    "  --seed S                seed of the bootstrap (same seed, same numbers)\n"
    "  --level L               confidence level of the intervals (default 0.95)\n"
    "  --threads T             threads for the bootstrap (default: all processors;\n"
    "                          the numbers do not depend on it)\n"
    "  --tolerance T           convergence tolerance of the weights (default 1e-7)\n"
    "  --max-iterations N      iteration limit (default 300)\n"
    "  --missing M             listwise (default: drop respondents with a missing\n"
    "                          item) or mean (replace by the item's mean)\n"
    "  --consistent            consistent PLS (PLSc; Dijkstra & Henseler 2015): the\n"
    "                          correlations of reflective (mode A) constructs are\n"
    "                          corrected by their reliability rho_A, so that paths,\n"
    "                          R² and loadings are not attenuated by measurement error\n"
    "  --quality               add the quality report: reliability (alpha, rho_A,\n"
    "                          rho_C) and AVE per construct, loadings, item VIFs and\n"
    "                          cross-loadings, HTMT (with its bootstrap intervals\n"
    "                          under --bootstrap) and Fornell-Larcker tables,\n"
    "                          structural VIFs, f-squared and adjusted R², with '*'\n"
    "                          beyond the usual thresholds (the JSON report always\n"
    "                          has them, under \"quality\")\n"
    "  --target NAME           construct whose drivers are ranked (default: the\n"
    "                          model's \"target\")\n"
    "  --indirect              print the specific indirect effects: the product of\n"
    "                          the paths along every route of the chain (with\n"
    "                          their intervals when bootstrapped)\n"
    "\n"
    "Out-of-sample prediction (PLSpredict, Shmueli et al. 2016, 2019):\n"
    "  --predict K             K-fold cross-validated predictions of the endogenous\n"
    "                          constructs and their items: RMSE, MAE and Q2predict\n"
    "                          (above 0: better than the training mean) of PLS and\n"
    "                          of a linear regression on the exogenous items\n"
    "  --repetitions R         redraw the K folds R times (default 1; --seed)\n"
    "  --approach A            earliest (default: predict from the exogenous\n"
    "                          constructs) or direct (from direct predecessors)\n"
    "  -o, --output FILE       write the full report as JSON to FILE ('-': standard\n"
    "                          output instead of the text report)\n"
    "  --json                  same as -o -\n"
    "\n"
    "The money (adds the value of +1 index point of each driver to the report):\n"
    "  --retention A,B         retention = 1/(1 + exp(-(A + B*S))) with S the\n"
    "                          target's 0-100 index (fit it with cxm_logit_fit)\n"
    "  --margin M              margin per period\n"
    "  --discount D            discount rate per period (lifetime value M*r/(1+D-r))\n"
    "  --customers N           size of the customer base (default 1)\n"
    "\n"
    "The file (see cxm nps --help): --delimiter C, --no-header, --quote C,\n"
    "--no-quote, --skip-bad-rows. Empty fields and NA, N/A, NaN, NULL are missing.\n"
    "\n"
    "Example: cxm survey --preset ecsi mobi.csv --bootstrap 1000 --bca --quality\n"
    "         cxm survey --preset ecsi mobi.csv --consistent --predict 10\n",
    sizeof(survey_args), parse_survey, run_survey,
};

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 4096, len = 0;
    char *text = malloc(cap);
    while (text != NULL) {
        size_t got = fread(text + len, 1, cap - len - 1, f);
        len += got;
        if (len < cap - 1)
            break;
        char *bigger = realloc(text, cap *= 2);
        if (bigger == NULL) {
            free(text);
            text = NULL;
        }
        text = bigger;
    }
    if (text != NULL && ferror(f)) {
        free(text);
        text = NULL;
    }
    if (text != NULL)
        text[len] = '\0';
    fclose(f);
    return text;
}

/* The numbers of a result that the text report prints (c constructs). */
typedef struct report_numbers {
    const cxm_pls_result *r;
    const cxm_pls_model *m;
    cxm_pls_info info;
    size_t c;
    int width; /* of the construct names' column */
    bool boot, bca, consistent;
    double *paths, *se, *lo, *hi, *total, *total_index, *r2, *indices; /* c*c, or c for the last two */
    double *t, *pv, *blo, *bhi; /* c*c: t and p values, BCa bounds */
} report_numbers;

static bool report_numbers_of(report_numbers *nb, const cxm_pls_result *r)
{
    nb->r = r;
    nb->m = cxm_pls_result_model(r);
    size_t c = nb->c = cxm_pls_model_construct_count(nb->m);
    cxm_pls_result_info(&nb->info, r);
    nb->paths = malloc((10 * c * c + 2 * c) * sizeof *nb->paths + 1);
    if (nb->paths == NULL) {
        fprintf(stderr, "cxm survey: out of memory\n");
        return false;
    }
    nb->se = nb->paths + c * c;
    nb->lo = nb->se + c * c;
    nb->hi = nb->lo + c * c;
    nb->total = nb->hi + c * c;
    nb->total_index = nb->total + c * c;
    nb->r2 = nb->total_index + c * c;
    nb->indices = nb->r2 + c;
    nb->t = nb->indices + c;
    nb->pv = nb->t + c * c;
    nb->blo = nb->pv + c * c;
    nb->bhi = nb->blo + c * c;
    cxm_pls_result_get(nb->paths, c * c, r, CXM_PLS_PATHS);
    cxm_pls_result_get(nb->r2, c, r, CXM_PLS_R_SQUARED);
    cxm_pls_result_get(nb->indices, c, r, CXM_PLS_INDICES);
    cxm_pls_result_get(nb->total, c * c, r, CXM_PLS_TOTAL_EFFECTS);
    cxm_pls_result_get(nb->total_index, c * c, r, CXM_PLS_TOTAL_EFFECTS_INDEX);
    nb->boot = nb->info.resamples > 0;
    if (nb->boot) {
        cxm_pls_result_bootstrap(nb->se, c * c, r, CXM_PLS_PATHS, CXM_PLS_BOOT_STD_ERROR);
        cxm_pls_result_bootstrap(nb->lo, c * c, r, CXM_PLS_PATHS, CXM_PLS_BOOT_LOWER);
        cxm_pls_result_bootstrap(nb->hi, c * c, r, CXM_PLS_PATHS, CXM_PLS_BOOT_UPPER);
        cxm_pls_result_bootstrap(nb->t, c * c, r, CXM_PLS_PATHS, CXM_PLS_BOOT_T_VALUE);
        cxm_pls_result_bootstrap(nb->pv, c * c, r, CXM_PLS_PATHS, CXM_PLS_BOOT_P_VALUE);
    }
    nb->bca = nb->boot &&
              cxm_pls_result_bootstrap(nb->blo, c * c, r, CXM_PLS_PATHS, CXM_PLS_BOOT_BCA_LOWER) ==
                  CXM_OK &&
              cxm_pls_result_bootstrap(nb->bhi, c * c, r, CXM_PLS_PATHS, CXM_PLS_BOOT_BCA_UPPER) ==
                  CXM_OK;
    cxm_error_clear();
    size_t width = 12;
    for (size_t j = 0; j < c; j++) {
        size_t len = strlen(cxm_pls_model_construct_name(nb->m, j));
        if (len > width)
            width = len;
    }
    nb->width = (int)width;
    return true;
}

static void print_paths(const report_numbers *nb)
{
    static const char *const schemes[] = { "path", "centroid", "factorial" };
    const cxm_pls_info *info = &nb->info;
    const cxm_pls_model *m = nb->m;
    int w = nb->width;
    printf("%s: %zu respondents", nb->consistent ? "Consistent PLS (PLSc) path model"
                                                 : "PLS path model", info->rows);
    if (info->rows_dropped)
        printf(" (%zu dropped for missing answers)", info->rows_dropped);
    printf(", %s scheme, %zu iterations", schemes[info->scheme], info->iterations);
    if (nb->boot)
        printf(", %zu bootstrap resamples", info->resamples);
    if (info->resamples_failed)
        printf(" (%zu failed)", info->resamples_failed);
    printf("\n\nPaths\n");
    if (nb->boot)
        printf("  %-*s    %-*s  %9s %9s %7s %7s   %g%% interval%s\n", w, "from", w, "to",
               "estimate", "std.err", "t", "p", 100 * info->level,
               nb->bca ? "       BCa interval" : "");
    else
        printf("  %-*s    %-*s  %9s\n", w, "from", w, "to", "estimate");
    for (size_t k = 0; k < cxm_pls_model_path_count(m); k++) {
        size_t from, to;
        cxm_pls_model_path(&from, &to, m, k);
        size_t at = from * nb->c + to;
        printf("  %-*s -> %-*s  %9.4f", w, cxm_pls_model_construct_name(m, from), w,
               cxm_pls_model_construct_name(m, to), nb->paths[at]);
        if (nb->boot)
            printf(" %9.4f %7.2f %7.4f   [%7.4f, %7.4f]", nb->se[at], nb->t[at], nb->pv[at],
                   nb->lo[at], nb->hi[at]);
        if (nb->bca)
            printf("  [%7.4f, %7.4f]", nb->blo[at], nb->bhi[at]);
        double lo = nb->bca ? nb->blo[at] : nb->lo[at], hi = nb->bca ? nb->bhi[at] : nb->hi[at];
        if (nb->boot && !(lo > 0 || hi < 0))
            printf("  (includes 0)");
        putchar('\n');
    }
}

static void print_constructs(const report_numbers *nb)
{
    int w = nb->width;
    printf("\nConstructs\n  %-*s  %9s  %8s\n", w, "construct", "R²", "index"); /* ² is 2 bytes */
    for (size_t j = 0; j < nb->c; j++) {
        printf("  %-*s  ", w, cxm_pls_model_construct_name(nb->m, j));
        if (isnan(nb->r2[j]))
            printf("%8s", "-");
        else
            printf("%8.4f", nb->r2[j]);
        if (isnan(nb->indices[j]))
            printf("  %8s\n", "-");
        else
            printf("  %8.2f\n", nb->indices[j]);
    }
}

/* The effect along every route of the chain, with its intervals. */
static int print_indirect(const report_numbers *nb)
{
    const cxm_pls_result *r = nb->r;
    size_t n = cxm_pls_result_indirect_count(r), c = nb->c;
    if (n == 0) {
        printf("\nIndirect effects: none (no route of two or more paths, or too many)\n");
        return CLI_EXIT_OK;
    }
    double *v = malloc(6 * n * sizeof *v);
    size_t *nodes = malloc((c + 1) * sizeof *nodes);
    if (v == NULL || nodes == NULL) {
        free(v);
        free(nodes);
        fprintf(stderr, "cxm survey: out of memory\n");
        return CLI_EXIT_DATA;
    }
    static const cxm_pls_statistic stats[5] = { CXM_PLS_BOOT_STD_ERROR, CXM_PLS_BOOT_LOWER,
                                                 CXM_PLS_BOOT_UPPER, CXM_PLS_BOOT_BCA_LOWER,
                                                 CXM_PLS_BOOT_BCA_UPPER };
    cxm_pls_result_get(v, n, r, CXM_PLS_SPECIFIC_INDIRECT_EFFECTS);
    for (int s = 0; s < (nb->bca ? 5 : nb->boot ? 3 : 0); s++)
        cxm_pls_result_bootstrap(v + (size_t)(s + 1) * n, n, r, CXM_PLS_SPECIFIC_INDIRECT_EFFECTS,
                                 stats[s]);
    printf("\nIndirect effects (the product of the paths along each route)\n");
    for (size_t k = 0; k < n; k++) {
        size_t len = cxm_pls_result_indirect_length(r, k);
        cxm_pls_result_indirect_path(nodes, len, r, k);
        printf("  %9.4f", v[k]);
        if (nb->boot)
            printf(" %9.4f   [%7.4f, %7.4f]", v[n + k], v[2 * n + k], v[3 * n + k]);
        if (nb->bca)
            printf("  [%7.4f, %7.4f]", v[4 * n + k], v[5 * n + k]);
        printf("  ");
        for (size_t u = 0; u < len; u++)
            printf("%s%s", u ? " -> " : "", cxm_pls_model_construct_name(nb->m, nodes[u]));
        putchar('\n');
    }
    if (nb->boot)
        printf("  (estimate, std.err, %g%% percentile interval%s, route)\n", 100 * nb->info.level,
               nb->bca ? ", BCa interval" : "");
    free(v);
    free(nodes);
    return CLI_EXIT_OK;
}

/* The constructs with a total effect on the target, by importance
 * (descending); their mean importance and performance. */
static size_t rank_drivers(const report_numbers *nb, size_t target, size_t drivers[64],
                           double *mean_i, double *mean_p)
{
    size_t c = nb->c, n = 0;
    *mean_i = *mean_p = 0;
    for (size_t j = 0; j < c && n < 64; j++)
        if (j != target && nb->total[j * c + target] != 0) {
            drivers[n++] = j;
            *mean_i += nb->total_index[j * c + target];
            *mean_p += nb->indices[j];
        }
    if (n == 0)
        return 0;
    *mean_i /= (double)n;
    *mean_p /= (double)n;
    for (size_t a = 1; a < n; a++)
        for (size_t b = a; b > 0 && nb->total_index[drivers[b] * c + target] >
                                        nb->total_index[drivers[b - 1] * c + target];
             b--) {
            size_t t = drivers[b];
            drivers[b] = drivers[b - 1];
            drivers[b - 1] = t;
        }
    return n;
}

/* The value of +1 index point of each driver. */
static int print_driver_values(const report_numbers *nb, const size_t *drivers, size_t n,
                               size_t target, const money *value)
{
    int w = nb->width;
    cxm_value_link v;
    printf("\nValue of +1 index point (lifetime value, margin %g, discount %g)\n", value->margin,
           value->discount);
    printf("  %-*s  %14s  %14s  %16s\n", w, "driver", "retention", "per customer",
           "for the base");
    for (size_t k = 0; k < n; k++) {
        int rc = cxm_pls_value_of_driver(&v, nb->r, drivers[k], target, 1.0, &value->retention,
                                         value->margin, value->discount, CXM_CASH_END,
                                         value->customers);
        if (rc != CXM_OK) {
            fprintf(stderr, "cxm survey: %s\n", cxm_error_message());
            return CLI_EXIT_DATA;
        }
        printf("  %-*s  %6.4f->%6.4f  %14.2f  %16.2f\n", w,
               cxm_pls_model_construct_name(nb->m, drivers[k]), v.retention,
               v.improved_retention, v.gain_per_customer, v.gain);
    }
    return CLI_EXIT_OK;
}

static int print_drivers(const report_numbers *nb, size_t target, const money *value)
{
    size_t drivers[64], c = nb->c;
    double mean_i, mean_p;
    size_t n = rank_drivers(nb, target, drivers, &mean_i, &mean_p);
    if (n == 0)
        return CLI_EXIT_OK;
    int w = nb->width;
    printf("\nDrivers of %s (importance: index points of the target per index point\n"
           "of the driver; performance: the driver's index, 0-100; standardized: the\n"
           "total effect in standard deviations)\n",
           cxm_pls_model_construct_name(nb->m, target));
    printf("  %4s  %-*s  %10s  %11s  %12s  %s\n", "rank", w, "driver", "importance",
           "performance", "standardized", "quadrant");
    for (size_t k = 0; k < n; k++) {
        size_t j = drivers[k];
        double imp = nb->total_index[j * c + target], perf = nb->indices[j];
        const char *quadrant = imp > mean_i ? (perf > mean_p ? "keep up the good work"
                                                             : "concentrate here")
                                            : (perf > mean_p ? "possible overkill"
                                                             : "low priority");
        printf("  %4zu  %-*s  %10.4f  %11.2f  %12.4f  %s\n", k + 1, w,
               cxm_pls_model_construct_name(nb->m, j), imp, perf, nb->total[j * c + target],
               quadrant);
    }
    return value->wanted ? print_driver_values(nb, drivers, n, target, value) : CLI_EXIT_OK;
}

static int print_text(const cxm_pls_result *r, const survey_args *a, bool consistent)
{
    report_numbers nb;
    if (!report_numbers_of(&nb, r))
        return CLI_EXIT_DATA;
    nb.consistent = consistent;
    print_paths(&nb);
    print_constructs(&nb);
    int code = a->indirect ? print_indirect(&nb) : CLI_EXIT_OK;
    size_t target = nb.c;
    if (a->target != NULL)
        cxm_pls_model_find(&target, nb.m, a->target);
    else if (cxm_pls_model_target(&target, nb.m) != CXM_OK)
        target = nb.c;
    if (code == CLI_EXIT_OK && target < nb.c)
        code = print_drivers(&nb, target, &a->value);
    free(nb.paths);
    return code;
}

/* The PLSpredict tables. */
static int print_prediction(const cxm_pls_prediction *p, const cxm_pls_model *m)
{
    cxm_pls_predict_info info;
    cxm_pls_prediction_info(&info, p);
    size_t ni = cxm_pls_prediction_count(p, CXM_PLS_PREDICT_INDICATORS);
    size_t nc = cxm_pls_prediction_count(p, CXM_PLS_PREDICT_CONSTRUCTS);
    double *v = malloc((6 * ni + 3 * nc + 1) * sizeof *v);
    if (v == NULL) {
        fprintf(stderr, "cxm survey: out of memory\n");
        return CLI_EXIT_DATA;
    }
    for (int k = 0; k < 6; k++)
        cxm_pls_prediction_metric(v + (size_t)k * ni, ni, p, CXM_PLS_PREDICT_INDICATORS,
                                  (cxm_pls_predict_metric)k);
    for (int k = 0; k < 3; k++)
        cxm_pls_prediction_metric(v + 6 * ni + (size_t)k * nc, nc, p, CXM_PLS_PREDICT_CONSTRUCTS,
                                  (cxm_pls_predict_metric)k);
    printf("\nPLSpredict: %zu-fold cross-validation, %zu repetition%s, %s antecedents\n",
           info.folds, info.repetitions, info.repetitions == 1 ? "" : "s",
           info.approach == CXM_PLS_EARLIEST_ANTECEDENTS ? "earliest" : "direct");
    printf("  %-14s %-10s %9s %9s %9s   %9s %9s %9s\n", "construct", "item", "PLS RMSE", "MAE",
           "Q2predict", "LM RMSE", "MAE", "Q2predict");
    size_t better = 0;
    for (size_t k = 0; k < ni; k++) {
        size_t h = cxm_pls_prediction_index(p, CXM_PLS_PREDICT_INDICATORS, k);
        better += v[k] < v[3 * ni + k];
        printf("  %-14s %-10s %9.4f %9.4f %9.4f   %9.4f %9.4f %9.4f\n",
               cxm_pls_model_construct_name(m, cxm_pls_model_indicator_construct(m, h)),
               cxm_pls_model_indicator_name(m, h), v[k], v[ni + k], v[2 * ni + k], v[3 * ni + k],
               v[4 * ni + k], v[5 * ni + k]);
    }
    printf("  PLS predicts better than the linear benchmark (lower RMSE) on %zu of %zu items\n",
           better, ni);
    printf("  %-25s %9s %9s %9s\n", "construct (standardized)", "RMSE", "MAE", "Q2predict");
    for (size_t k = 0; k < nc; k++)
        printf("  %-25s %9.4f %9.4f %9.4f\n",
               cxm_pls_model_construct_name(m, cxm_pls_prediction_index(p, CXM_PLS_PREDICT_CONSTRUCTS, k)),
               v[6 * ni + k], v[6 * ni + nc + k], v[6 * ni + 2 * nc + k]);
    free(v);
    return CLI_EXIT_OK;
}

static bool parse_choice(const char *value, const char *const *names, size_t n, int *out)
{
    for (size_t k = 0; k < n; k++)
        if (strcmp(value, names[k]) == 0) {
            *out = (int)k;
            return true;
        }
    return false;
}

/* The estimation settings of the command line (they override the model's
 * "estimation"): 1 when the option was one of them and valid, 0 when it was
 * not, -1 after a usage message. */
static int estimation_option(survey_args *a, int c, const char *optarg)
{
    static const char *const schemes[] = { "path", "centroid", "factorial" };
    static const char *const missing[] = { "listwise", "mean" };
    switch (c) {
    case 's':
        if (parse_choice(optarg, schemes, 3, &a->scheme))
            return 1;
        cli_usage_error("survey", "--scheme must be path, centroid or factorial, got '%s'", optarg);
        return -1;
    case 'm':
        if (parse_choice(optarg, missing, 2, &a->miss))
            return 1;
        cli_usage_error("survey", "--missing must be listwise or mean, got '%s'", optarg);
        return -1;
    case 'b': return cli_parse_size("survey", "bootstrap", optarg, &a->bootstrap) ? 1 : -1;
    case 'B': a->bca = 1; return 1;
    case 't': return cli_parse_size("survey", "threads", optarg, &a->threads) ? 1 : -1;
    case 'i': return cli_parse_size("survey", "max-iterations", optarg, &a->iterations) ? 1 : -1;
    case 'l': return cli_parse_double("survey", "level", optarg, &a->level) ? 1 : -1;
    case 'T': return cli_parse_double("survey", "tolerance", optarg, &a->tolerance) ? 1 : -1;
    case 'k':
        a->consistent = 1;
        return 1;
    case 'e':
        if (!cli_parse_double("survey", "seed", optarg, &a->seed))
            return -1;
        if (a->seed >= 0 && a->seed == floor(a->seed) && a->seed < 1.8e19)
            return 1;
        cli_usage_error("survey", "--seed needs a whole number >= 0, got '%s'", optarg);
        return -1;
    default:
        return 0;
    }
}

/* --retention A,B: intercept and slope, both finite. */
static bool parse_retention(const char *text, money *value)
{
    char *end;
    value->retention.intercept = strtod(text, &end);
    if (end == text || *end != ',')
        return false;
    const char *slope = end + 1;
    value->retention.slope = strtod(slope, &end);
    return end != slope && *end == '\0' && isfinite(value->retention.intercept) &&
           isfinite(value->retention.slope);
}

/* What the options say together, and the file arguments. */
static int check_survey_args(survey_args *a, bool has_retention, int argc, char **argv)
{
    money *value = &a->value;
    if (!isnan(a->level) && !(a->level > 0 && a->level < 1))
        return cli_usage_error("survey", "--level %g is outside (0, 1)", a->level);
    if (!isnan(a->tolerance) && !(a->tolerance > 0))
        return cli_usage_error("survey", "--tolerance must be positive, got %g", a->tolerance);
    if (a->iterations == 0)
        return cli_usage_error("survey", "--max-iterations must be at least 1");
    value->wanted = has_retention || !isnan(value->margin) || !isnan(value->discount);
    if (value->wanted && (!has_retention || isnan(value->margin) || isnan(value->discount)))
        return cli_usage_error("survey", "--retention, --margin and --discount go together");
    if (value->wanted && !(value->discount >= 0))
        return cli_usage_error("survey", "--discount must not be negative");
    if (value->wanted && !(value->customers >= 0))
        return cli_usage_error("survey", "--customers must not be negative");
    size_t wanted = a->print_model ? (a->preset ? 0 : 1) : (a->preset ? 1 : 2);
    if ((size_t)(argc - optind) < wanted)
        return cli_usage_error("survey", a->preset ? "give the survey file"
                                                   : "give the model (MODEL.json or --preset) and "
                                                     "the survey file");
    if ((size_t)(argc - optind) > wanted)
        return cli_usage_error("survey", "unexpected argument '%s'", argv[optind + wanted]);
    if (a->preset == NULL)
        a->model_path = argv[optind++];
    if (!a->print_model)
        a->file = argv[optind];
    return CLI_EXIT_OK;
}

static int parse_survey(void *args, int argc, char **argv)
{
    static const struct option options[] = {
        { "preset", required_argument, NULL, 'p' },
        { "print-model", no_argument, NULL, 'P' },
        { "scheme", required_argument, NULL, 's' },
        { "bootstrap", required_argument, NULL, 'b' },
        { "bca", no_argument, NULL, 'B' },
        { "indirect", no_argument, NULL, 'I' },
        { "predict", required_argument, NULL, 'K' },
        { "repetitions", required_argument, NULL, 'r' },
        { "approach", required_argument, NULL, 'A' },
        { "seed", required_argument, NULL, 'e' },
        { "level", required_argument, NULL, 'l' },
        { "threads", required_argument, NULL, 't' },
        { "tolerance", required_argument, NULL, 'T' },
        { "max-iterations", required_argument, NULL, 'i' },
        { "missing", required_argument, NULL, 'm' },
        { "target", required_argument, NULL, 'g' },
        { "output", required_argument, NULL, 'o' },
        { "json", no_argument, NULL, 'j' },
        { "delimiter", required_argument, NULL, 'D' },
        { "no-header", no_argument, NULL, 'N' },
        { "quote", required_argument, NULL, 'Q' },
        { "no-quote", no_argument, NULL, 'q' },
        { "skip-bad-rows", no_argument, NULL, 'S' },
        { "retention", required_argument, NULL, 'R' },
        { "margin", required_argument, NULL, 'M' },
        { "discount", required_argument, NULL, 'd' },
        { "customers", required_argument, NULL, 'C' },
        { "consistent", no_argument, NULL, 'k' },
        { "quality", no_argument, NULL, 'U' },
        { NULL, 0, NULL, 0 },
    };
    survey_args *a = args;
    a->csv = (cxm_csv_options)CXM_CSV_OPTIONS_INIT;
    a->csv.delimiter = CXM_CSV_DETECT;
    a->value = (money){ false, { 0 }, NAN, NAN, 1.0 };
    a->scheme = a->miss = a->bca = a->consistent = -1;
    a->repetitions = 1;
    a->level = a->tolerance = a->seed = NAN;
    a->bootstrap = a->threads = a->iterations = (size_t)-1;
    money *value = &a->value;
    bool has_retention = false;
    cli_getopt_reset();
    int c, status = CLI_EXIT_OK;
    while ((c = getopt_long(argc, argv, ":p:o:j", options, NULL)) != -1) {
        int handled = estimation_option(a, c, optarg);
        if (handled < 0)
            return CLI_EXIT_USAGE;
        if (handled)
            continue;
        switch (c) {
        case 'p':
            a->preset = optarg;
            break;
        case 'P':
            a->print_model = true;
            break;
        case 'g':
            a->target = optarg;
            break;
        case 'I':
            a->indirect = true;
            break;
        case 'K':
            if (!cli_parse_size("survey", "predict", optarg, &a->folds))
                return CLI_EXIT_USAGE;
            if (a->folds < 2)
                return cli_usage_error("survey", "--predict needs at least 2 folds, got '%s'",
                                       optarg);
            break;
        case 'r':
            if (!cli_parse_size("survey", "repetitions", optarg, &a->repetitions))
                return CLI_EXIT_USAGE;
            if (a->repetitions < 1)
                return cli_usage_error("survey", "--repetitions must be at least 1");
            break;
        case 'A':
            if (strcmp(optarg, "earliest") == 0 || strcmp(optarg, "direct") == 0) {
                a->approach = optarg[0] == 'd';
                break;
            }
            return cli_usage_error("survey", "--approach must be earliest or direct, got '%s'",
                                   optarg);
        case 'U':
            a->quality = true;
            break;
        case 'R':
            if (!parse_retention(optarg, value))
                return cli_usage_error("survey", "--retention needs A,B (intercept,slope), got '%s'",
                                       optarg);
            has_retention = true;
            break;
        case 'M':
            if (!cli_parse_double("survey", "margin", optarg, &value->margin))
                return CLI_EXIT_USAGE;
            break;
        case 'd':
            if (!cli_parse_double("survey", "discount", optarg, &value->discount))
                return CLI_EXIT_USAGE;
            break;
        case 'C':
            if (!cli_parse_double("survey", "customers", optarg, &value->customers))
                return CLI_EXIT_USAGE;
            break;
        case 'o':
            a->output = optarg;
            break;
        case 'j':
            a->output = "-";
            break;
        case ':':
            return cli_usage_error("survey", "%s needs a value", argv[optind - 1]);
        default:
            if (cli_chain_file_option("survey", c, optarg, &a->csv, &status)) {
                if (status != CLI_EXIT_OK)
                    return status;
                break;
            }
            return cli_usage_error("survey", "unknown option '%s'", argv[optind - 1]);
        }
    }
    return check_survey_args(a, has_retention, argc, argv);
}

/* The model: a preset or MODEL.json, with --target applied. */
static int load_pls_model(const survey_args *a, cxm_pls_model **model)
{
    int rc;
    if (a->preset != NULL) {
        rc = cxm_pls_model_preset(model, a->preset);
        if (rc != CXM_OK) /* an unknown preset is a command-line mistake */
            return cli_library_error("survey", rc == CXM_ENOTFOUND ? CXM_EINVAL : rc, true);
    } else {
        const char *path = a->model_path;
        char *text = read_file(path);
        if (text == NULL) {
            fprintf(stderr, "cxm survey: %s: %s\n", path, strerror(errno ? errno : ENOMEM));
            return CLI_EXIT_DATA;
        }
        rc = cxm_pls_model_from_json(model, text);
        free(text);
        if (rc != CXM_OK) {
            fprintf(stderr, "cxm survey: %s: %s\n", path, cxm_error_message());
            return CLI_EXIT_DATA;
        }
    }
    if (a->target != NULL && (rc = cxm_pls_model_set_target(*model, a->target)) != CXM_OK)
        return cli_library_error("survey", rc == CXM_ENOTFOUND ? CXM_EINVAL : rc, true);
    return CLI_EXIT_OK;
}

static int print_model(const cxm_pls_model *model)
{
    char *json = NULL;
    int rc = cxm_pls_model_to_json(&json, model);
    if (rc != CXM_OK)
        return cli_library_error("survey", rc, false);
    puts(json);
    cxm_free(json);
    return CLI_EXIT_OK;
}

/* The model's estimation settings, overridden by the command line's. */
static void survey_options(cxm_pls_options *o, const survey_args *a, const cxm_pls_model *model)
{
    cxm_pls_model_options(o, model);
    if (a->scheme >= 0)
        o->scheme = (cxm_pls_scheme)a->scheme;
    if (a->miss >= 0)
        o->missing = (cxm_pls_missing)a->miss;
    if (a->bootstrap != (size_t)-1)
        o->bootstrap = a->bootstrap;
    if (a->threads != (size_t)-1)
        o->threads = a->threads;
    if (a->iterations != (size_t)-1)
        o->max_iterations = a->iterations;
    if (!isnan(a->seed))
        o->seed = (unsigned long long)a->seed;
    if (!isnan(a->level))
        o->level = a->level;
    if (!isnan(a->tolerance))
        o->tolerance = a->tolerance;
    if (a->bca >= 0)
        o->bca = a->bca;
    if (a->consistent >= 0)
        o->consistent = a->consistent;
}

/* PLSpredict on the survey already read, with the estimation settings. */
static int predict(cxm_pls_prediction **prediction, const survey_args *a,
                   const cxm_pls_model *model, const cxm_survey *survey,
                   const cxm_pls_options *estimation)
{
    cxm_pls_predict_options po = CXM_PLS_PREDICT_OPTIONS_INIT;
    po.folds = a->folds;
    po.repetitions = a->repetitions;
    po.seed = estimation->seed;
    po.threads = estimation->threads;
    po.approach = (cxm_pls_predict_approach)a->approach;
    return cxm_survey_pls_predict(prediction, survey, model, estimation, &po);
}

/* Read the model's items from the survey file, estimate the model and,
 * with --predict, cross-validate it. */
static int estimate(cxm_pls_result **result, cxm_pls_prediction **prediction,
                    const survey_args *a, const cxm_pls_model *model)
{
    cxm_pls_options o = CXM_PLS_OPTIONS_INIT;
    survey_options(&o, a, model);
    size_t p = cxm_pls_model_item_count(model);
    const char **items = malloc((p ? p : 1) * sizeof *items);
    if (items == NULL) {
        fprintf(stderr, "cxm survey: out of memory\n");
        return CLI_EXIT_DATA;
    }
    for (size_t i = 0; i < p; i++)
        items[i] = cxm_pls_model_item_name(model, i);
    cxm_survey *survey = NULL;
    /* A progress line while reading and estimating, on a terminal only (progress.h). */
    cli_progress progress;
    cli_progress_start(&progress, "survey");
    cli_progress_step(&progress, "reading %s", a->file);
    int rc = cxm_survey_read(&survey, a->file, p, items, &a->csv);
    free(items);
    if (rc == CXM_OK && o.bootstrap > 0)
        cli_progress_step(&progress, "estimating the path model with %zu bootstrap resamples",
                          o.bootstrap);
    if (rc == CXM_OK)
        rc = cxm_survey_pls(result, survey, model, &o);
    if (rc == CXM_OK && a->folds > 0) {
        cli_progress_step(&progress, "PLSpredict: %zu folds, %zu repetitions", a->folds,
                          a->repetitions);
        rc = predict(prediction, a, model, survey, &o);
    }
    cli_progress_end(&progress);
    size_t skipped = cxm_survey_skipped(survey);
    cxm_survey_free(survey);
    if (rc != CXM_OK)
        return cli_library_error("survey", rc, false);
    if (skipped > 0)
        fprintf(stderr, "cxm survey: %zu malformed rows skipped\n", skipped);
    return CLI_EXIT_OK;
}

/* The report's JSON with the prediction's as its member "plspredict":
 * both are objects, so the second goes in before the first's closing brace. */
static char *join_json(const char *report, const char *prediction)
{
    size_t end = strlen(report);
    while (end > 0 && report[end - 1] != '}')
        end--;
    size_t size = end + strlen(prediction) + 32;
    char *text = end > 0 ? malloc(size) : NULL;
    if (text != NULL)
        snprintf(text, size, "%.*s,\n\t\"plspredict\":\t%s\n}\n", (int)(end - 1), report,
                 prediction);
    return text;
}

/* The JSON report to -o (only it with '-'), else or then the text report. */
static int report_survey(const survey_args *a, const cxm_pls_result *result,
                         const cxm_pls_prediction *prediction)
{
    if (a->output != NULL) {
        char *json = NULL, *extra = NULL, *joined = NULL;
        int rc = cxm_pls_result_to_json(&json, result);
        if (rc == CXM_OK && prediction != NULL)
            rc = cxm_pls_prediction_to_json(&extra, prediction);
        if (rc == CXM_OK && prediction != NULL && (joined = join_json(json, extra)) == NULL)
            rc = CXM_ENOMEM;
        cxm_free(extra);
        if (rc != CXM_OK) {
            cxm_free(json);
            return cli_library_error("survey", rc, false);
        }
        int code = cli_output_text("survey", a->output, joined != NULL ? joined : json);
        cxm_free(json);
        free(joined);
        if (code != CLI_EXIT_OK || strcmp(a->output, "-") == 0)
            return code;
    }
    cxm_pls_options o = CXM_PLS_OPTIONS_INIT;
    survey_options(&o, a, cxm_pls_result_model(result));
    int code = print_text(result, a, o.consistent);
    if (code == CLI_EXIT_OK && a->quality)
        code = survey_print_quality(result);
    if (code == CLI_EXIT_OK && prediction != NULL)
        code = print_prediction(prediction, cxm_pls_result_model(result));
    return code;
}

static int run_survey(const void *args)
{
    const survey_args *a = args;
    cxm_pls_model *model = NULL;
    cxm_pls_result *result = NULL;
    cxm_pls_prediction *prediction = NULL;
    int code = load_pls_model(a, &model);
    if (code == CLI_EXIT_OK && a->print_model)
        code = print_model(model);
    else if (code == CLI_EXIT_OK)
        code = estimate(&result, &prediction, a, model);
    cxm_pls_model_free(model);
    if (code == CLI_EXIT_OK && !a->print_model)
        code = report_survey(a, result, prediction);
    cxm_pls_result_free(result);
    cxm_pls_prediction_free(prediction);
    return code;
}
