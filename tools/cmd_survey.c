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
    int scheme, miss;
    double level, tolerance, seed;
    size_t bootstrap, threads, iterations;
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
    "  --bootstrap N           resamples for standard errors and percentile intervals\n"
    "  --seed S                seed of the bootstrap (same seed, same numbers)\n"
    "  --level L               confidence level of the intervals (default 0.95)\n"
    "  --threads T             threads for the bootstrap (default: all processors;\n"
    "                          the numbers do not depend on it)\n"
    "  --tolerance T           convergence tolerance of the weights (default 1e-7)\n"
    "  --max-iterations N      iteration limit (default 300)\n"
    "  --missing M             listwise (default: drop respondents with a missing\n"
    "                          item) or mean (replace by the item's mean)\n"
    "  --target NAME           construct whose drivers are ranked (default: the\n"
    "                          model's \"target\")\n"
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
    "Example: cxm survey --preset ecsi mobi.csv --bootstrap 500\n",
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

static int print_text(const cxm_pls_result *r, const char *target_name, const money *value)
{
    const cxm_pls_model *m = cxm_pls_result_model(r);
    size_t c = cxm_pls_model_construct_count(m);
    cxm_pls_info info;
    cxm_pls_result_info(&info, r);
    static const char *const schemes[] = { "path", "centroid", "factorial" };
    double *paths = malloc(4 * c * c * sizeof *paths + 3 * c * sizeof *paths);
    if (paths == NULL) {
        fprintf(stderr, "cxm survey: out of memory\n");
        return CLI_EXIT_DATA;
    }
    double *se = paths + c * c, *lo = se + c * c, *hi = lo + c * c, *r2 = hi + c * c;
    double *indices = r2 + c, *effects = indices + c;
    double *total_index = malloc(2 * c * c * sizeof *total_index);
    if (total_index == NULL) {
        free(paths);
        fprintf(stderr, "cxm survey: out of memory\n");
        return CLI_EXIT_DATA;
    }
    double *total = total_index + c * c;
    (void)effects;
    cxm_pls_result_get(paths, c * c, r, CXM_PLS_PATHS);
    cxm_pls_result_get(r2, c, r, CXM_PLS_R_SQUARED);
    cxm_pls_result_get(indices, c, r, CXM_PLS_INDICES);
    cxm_pls_result_get(total, c * c, r, CXM_PLS_TOTAL_EFFECTS);
    cxm_pls_result_get(total_index, c * c, r, CXM_PLS_TOTAL_EFFECTS_INDEX);
    bool boot = info.resamples > 0;
    if (boot) {
        cxm_pls_result_bootstrap(se, c * c, r, CXM_PLS_PATHS, CXM_PLS_BOOT_STD_ERROR);
        cxm_pls_result_bootstrap(lo, c * c, r, CXM_PLS_PATHS, CXM_PLS_BOOT_LOWER);
        cxm_pls_result_bootstrap(hi, c * c, r, CXM_PLS_PATHS, CXM_PLS_BOOT_UPPER);
    }
    size_t width = 12;
    for (size_t j = 0; j < c; j++) {
        size_t len = strlen(cxm_pls_model_construct_name(m, j));
        if (len > width)
            width = len;
    }
    int w = (int)width;
    printf("%s: %zu respondents", "PLS path model", info.rows);
    if (info.rows_dropped)
        printf(" (%zu dropped for missing answers)", info.rows_dropped);
    printf(", %s scheme, %zu iterations", schemes[info.scheme], info.iterations);
    if (boot)
        printf(", %zu bootstrap resamples", info.resamples);
    if (info.resamples_failed)
        printf(" (%zu failed)", info.resamples_failed);
    printf("\n\nPaths\n");
    if (boot)
        printf("  %-*s    %-*s  %9s %9s   %g%% interval\n", w, "from", w, "to", "estimate",
               "std.err", 100 * info.level);
    else
        printf("  %-*s    %-*s  %9s\n", w, "from", w, "to", "estimate");
    for (size_t k = 0; k < cxm_pls_model_path_count(m); k++) {
        size_t from, to;
        cxm_pls_model_path(&from, &to, m, k);
        size_t at = from * c + to;
        printf("  %-*s -> %-*s  %9.4f", w, cxm_pls_model_construct_name(m, from), w,
               cxm_pls_model_construct_name(m, to), paths[at]);
        if (boot)
            printf(" %9.4f   [%7.4f, %7.4f]%s", se[at], lo[at], hi[at],
                   (lo[at] > 0 || hi[at] < 0) ? "" : "  (includes 0)");
        putchar('\n');
    }
    printf("\nConstructs\n  %-*s  %9s  %8s\n", w, "construct", "R²", "index"); /* ² is 2 bytes */
    for (size_t j = 0; j < c; j++) {
        printf("  %-*s  ", w, cxm_pls_model_construct_name(m, j));
        if (isnan(r2[j]))
            printf("%8s", "-");
        else
            printf("%8.4f", r2[j]);
        if (isnan(indices[j]))
            printf("  %8s\n", "-");
        else
            printf("  %8.2f\n", indices[j]);
    }
    size_t target = c;
    if (target_name != NULL)
        cxm_pls_model_find(&target, m, target_name);
    else if (cxm_pls_model_target(&target, m) != CXM_OK)
        target = c;
    if (target < c) {
        /* Drivers: constructs with a total effect on the target. */
        size_t drivers[64], n = 0;
        double mean_i = 0, mean_p = 0;
        for (size_t j = 0; j < c && n < 64; j++)
            if (j != target && total[j * c + target] != 0) {
                drivers[n++] = j;
                mean_i += total_index[j * c + target];
                mean_p += indices[j];
            }
        if (n > 0) {
            mean_i /= (double)n;
            mean_p /= (double)n;
            for (size_t a = 1; a < n; a++) /* by importance, descending */
                for (size_t b = a; b > 0 && total_index[drivers[b] * c + target] >
                                                total_index[drivers[b - 1] * c + target];
                     b--) {
                    size_t t = drivers[b];
                    drivers[b] = drivers[b - 1];
                    drivers[b - 1] = t;
                }
            printf("\nDrivers of %s (importance: index points of the target per index point\n"
                   "of the driver; performance: the driver's index, 0-100; standardized: the\n"
                   "total effect in standard deviations)\n",
                   cxm_pls_model_construct_name(m, target));
            printf("  %4s  %-*s  %10s  %11s  %12s  %s\n", "rank", w, "driver", "importance",
                   "performance", "standardized", "quadrant");
            for (size_t k = 0; k < n; k++) {
                size_t j = drivers[k];
                double imp = total_index[j * c + target], perf = indices[j];
                const char *quadrant = imp > mean_i ? (perf > mean_p ? "keep up the good work"
                                                                     : "concentrate here")
                                                    : (perf > mean_p ? "possible overkill"
                                                                     : "low priority");
                printf("  %4zu  %-*s  %10.4f  %11.2f  %12.4f  %s\n", k + 1, w,
                       cxm_pls_model_construct_name(m, j), imp, perf, total[j * c + target],
                       quadrant);
            }
            if (value->wanted) {
                cxm_value_link v;
                printf("\nValue of +1 index point (lifetime value, margin %g, discount %g)\n",
                       value->margin, value->discount);
                printf("  %-*s  %14s  %14s  %16s\n", w, "driver", "retention", "per customer",
                       "for the base");
                for (size_t k = 0; k < n; k++) {
                    int rc = cxm_pls_value_of_driver(&v, r, drivers[k], target, 1.0,
                                                     &value->retention, value->margin,
                                                     value->discount, CXM_CASH_END,
                                                     value->customers);
                    if (rc != CXM_OK) {
                        fprintf(stderr, "cxm survey: %s\n", cxm_error_message());
                        free(total_index);
                        free(paths);
                        return CLI_EXIT_DATA;
                    }
                    printf("  %-*s  %6.4f->%6.4f  %14.2f  %16.2f\n", w,
                           cxm_pls_model_construct_name(m, drivers[k]), v.retention,
                           v.improved_retention, v.gain_per_customer, v.gain);
                }
            }
        }
    }
    free(total_index);
    free(paths);
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

static int parse_survey(void *args, int argc, char **argv)
{
    static const struct option options[] = {
        { "preset", required_argument, NULL, 'p' },
        { "print-model", no_argument, NULL, 'P' },
        { "scheme", required_argument, NULL, 's' },
        { "bootstrap", required_argument, NULL, 'b' },
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
        { NULL, 0, NULL, 0 },
    };
    static const char *const schemes[] = { "path", "centroid", "factorial" };
    static const char *const missing[] = { "listwise", "mean" };
    survey_args *a = args;
    a->csv = (cxm_csv_options)CXM_CSV_OPTIONS_INIT;
    a->csv.delimiter = CXM_CSV_DETECT;
    a->value = (money){ false, { 0 }, NAN, NAN, 1.0 };
    a->scheme = a->miss = -1;
    a->level = a->tolerance = a->seed = NAN;
    a->bootstrap = a->threads = a->iterations = (size_t)-1;
    money *value = &a->value;
    bool has_retention = false;
    cli_getopt_reset();
    int c, status = CLI_EXIT_OK;
    while ((c = getopt_long(argc, argv, ":p:o:j", options, NULL)) != -1) {
        switch (c) {
        case 'p':
            a->preset = optarg;
            break;
        case 'P':
            a->print_model = true;
            break;
        case 's':
            if (!parse_choice(optarg, schemes, 3, &a->scheme))
                return cli_usage_error("survey", "--scheme must be path, centroid or factorial, "
                                                 "got '%s'", optarg);
            break;
        case 'm':
            if (!parse_choice(optarg, missing, 2, &a->miss))
                return cli_usage_error("survey", "--missing must be listwise or mean, got '%s'",
                                       optarg);
            break;
        case 'b':
            if (!cli_parse_size("survey", "bootstrap", optarg, &a->bootstrap))
                return CLI_EXIT_USAGE;
            break;
        case 't':
            if (!cli_parse_size("survey", "threads", optarg, &a->threads))
                return CLI_EXIT_USAGE;
            break;
        case 'i':
            if (!cli_parse_size("survey", "max-iterations", optarg, &a->iterations))
                return CLI_EXIT_USAGE;
            break;
        case 'e':
            if (!cli_parse_double("survey", "seed", optarg, &a->seed))
                return CLI_EXIT_USAGE;
            if (!(a->seed >= 0 && a->seed == floor(a->seed) && a->seed < 1.8e19))
                return cli_usage_error("survey", "--seed needs a whole number >= 0, got '%s'", optarg);
            break;
        case 'l':
            if (!cli_parse_double("survey", "level", optarg, &a->level))
                return CLI_EXIT_USAGE;
            break;
        case 'T':
            if (!cli_parse_double("survey", "tolerance", optarg, &a->tolerance))
                return CLI_EXIT_USAGE;
            break;
        case 'g':
            a->target = optarg;
            break;
        case 'R': {
            char *end;
            value->retention.intercept = strtod(optarg, &end);
            if (end == optarg || *end != ',')
                return cli_usage_error("survey", "--retention needs A,B (intercept,slope), got '%s'",
                                       optarg);
            const char *slope = end + 1;
            value->retention.slope = strtod(slope, &end);
            if (end == slope || *end != '\0' || !isfinite(value->retention.intercept) ||
                !isfinite(value->retention.slope))
                return cli_usage_error("survey", "--retention needs A,B (intercept,slope), got '%s'",
                                       optarg);
            has_retention = true;
            break;
        }
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

static int run_survey(const void *args)
{
    const survey_args *a = args;
    const char *preset = a->preset, *target = a->target, *output = a->output;
    cxm_pls_model *model = NULL;
    int rc;
    if (preset != NULL) {
        rc = cxm_pls_model_preset(&model, preset);
        if (rc != CXM_OK) /* an unknown preset is a command-line mistake */
            return cli_library_error("survey", rc == CXM_ENOTFOUND ? CXM_EINVAL : rc, true);
    } else {
        const char *path = a->model_path;
        char *text = read_file(path);
        if (text == NULL) {
            fprintf(stderr, "cxm survey: %s: %s\n", path, strerror(errno ? errno : ENOMEM));
            return CLI_EXIT_DATA;
        }
        rc = cxm_pls_model_from_json(&model, text);
        free(text);
        if (rc != CXM_OK) {
            fprintf(stderr, "cxm survey: %s: %s\n", path, cxm_error_message());
            return CLI_EXIT_DATA;
        }
    }
    if (target != NULL && (rc = cxm_pls_model_set_target(model, target)) != CXM_OK) {
        cxm_pls_model_free(model);
        return cli_library_error("survey", rc == CXM_ENOTFOUND ? CXM_EINVAL : rc, true);
    }
    if (a->print_model) {
        char *json = NULL;
        rc = cxm_pls_model_to_json(&json, model);
        cxm_pls_model_free(model);
        if (rc != CXM_OK)
            return cli_library_error("survey", rc, false);
        puts(json);
        cxm_free(json);
        return CLI_EXIT_OK;
    }

    cxm_pls_options o = CXM_PLS_OPTIONS_INIT;
    cxm_pls_model_options(&o, model);
    if (a->scheme >= 0)
        o.scheme = (cxm_pls_scheme)a->scheme;
    if (a->miss >= 0)
        o.missing = (cxm_pls_missing)a->miss;
    if (a->bootstrap != (size_t)-1)
        o.bootstrap = a->bootstrap;
    if (a->threads != (size_t)-1)
        o.threads = a->threads;
    if (a->iterations != (size_t)-1)
        o.max_iterations = a->iterations;
    if (!isnan(a->seed))
        o.seed = (unsigned long long)a->seed;
    if (!isnan(a->level))
        o.level = a->level;
    if (!isnan(a->tolerance))
        o.tolerance = a->tolerance;

    /* Read only the model's items. */
    size_t p = cxm_pls_model_item_count(model);
    const char **items = malloc((p ? p : 1) * sizeof *items);
    if (items == NULL) {
        cxm_pls_model_free(model);
        fprintf(stderr, "cxm survey: out of memory\n");
        return CLI_EXIT_DATA;
    }
    for (size_t i = 0; i < p; i++)
        items[i] = cxm_pls_model_item_name(model, i);
    cxm_survey *survey = NULL;
    cxm_pls_result *result = NULL;
    /* A progress line while reading and estimating, on a terminal only (progress.h). */
    cli_progress progress;
    cli_progress_start(&progress, "survey");
    cli_progress_step(&progress, "reading %s", a->file);
    rc = cxm_survey_read(&survey, a->file, p, items, &a->csv);
    free(items);
    if (rc == CXM_OK && o.bootstrap > 0)
        cli_progress_step(&progress, "estimating the path model with %zu bootstrap resamples",
                          o.bootstrap);
    if (rc == CXM_OK)
        rc = cxm_survey_pls(&result, survey, model, &o);
    cli_progress_end(&progress);
    size_t skipped = cxm_survey_skipped(survey);
    cxm_survey_free(survey);
    cxm_pls_model_free(model);
    if (rc != CXM_OK)
        return cli_library_error("survey", rc, false);
    if (skipped > 0)
        fprintf(stderr, "cxm survey: %zu malformed rows skipped\n", skipped);

    if (output != NULL) {
        char *json = NULL;
        rc = cxm_pls_result_to_json(&json, result);
        if (rc != CXM_OK) {
            cxm_pls_result_free(result);
            return cli_library_error("survey", rc, false);
        }
        int code = cli_output_text("survey", output, json);
        cxm_free(json);
        if (code != CLI_EXIT_OK || strcmp(output, "-") == 0) {
            cxm_pls_result_free(result);
            return code;
        }
    }
    int status = print_text(result, target, &a->value);
    cxm_pls_result_free(result);
    return status;
}
