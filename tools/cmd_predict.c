/* cxm predict: per-customer predictions and lifetime value from a fitted model. */
#include "config.h"

#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <cxm.h>

#include "cli.h"
#include "model_cli.h"
#include "output.h"

typedef struct predict_args {
    summary_columns columns;
    cxm_csv_options csv;
    cxm_value_options value_options;
    const char *output, *spend_path, *model_path, *path; /* path: NULL for an sBG model */
    const char *keep;                                    /* --keep-columns LIST, or NULL */
    double horizon, dert_rate;                           /* NaN when not given */
    bool clv;
} predict_args;

static int parse_predict(void *args, int argc, char **argv);
static int run_predict(const void *args);

const cli_command cli_command_predict = {
    "predict",
    "P(alive), expected purchases and lifetime value per customer",
    "usage: cxm predict MODEL.json SUMMARY.csv --horizon T [OPTIONS]\n"
    "       cxm predict GG.json SUMMARY.csv                (expected spend)\n"
    "       cxm predict SBG.json [--periods H] [--discount D] [--margin M]\n"
    "\n"
    "For each customer of the summary, with a purchase model (from cxm fit\n"
    "bgnbd, mbgnbd, pnbd or ggomnbd): the probability of being alive, the expected\n"
    "purchases in the next T time units (the model's unit), optionally the discounted\n"
    "expected residual transactions and the lifetime value in money. A model\n"
    "fitted with covariates (cxm fit --purchase-covariates ...) reads the same\n"
    "columns from the summary and predicts each customer with the parameters of\n"
    "its covariates. With a\n"
    "Gamma-Gamma model: the expected value of the customer's transactions.\n"
    "With an sBG subscription model (cxm fit sbg) no summary is needed: a table\n"
    "for t = 0..H periods of survival S(t), retention r_t, the probability of\n"
    "cancelling in period t, DERL (discounted expected residual lifetime, in\n"
    "payments, of a customer who has made t renewals, at the --discount rate\n"
    "per period) and its value at --margin per payment; a new customer's DEL is\n"
    "1 + DERL(0)/(1+D).\n"
    "CSV on standard output (or -o), one row per customer, with the id column\n"
    "when the summary has one.\n"
    "\n"
    "  --horizon T             prediction window, in the model's time unit\n"
    "  --dert-rate R           add the discounted expected residual transactions,\n"
    "                          discounted continuously at R per time unit\n"
    "  --clv                   add the lifetime value:\n"
    "                          sum over periods i of margin * value *\n"
    "                          (E[Y(i P)] - E[Y((i-1) P)]) / (1+D)^i\n"
    "  --period P              length of a period in the model's time unit\n"
    "                          (required with --clv: e.g. 365.2425/12/7 for months\n"
    "                          in a model fitted in weeks; there is no default month)\n"
    "  --periods H             number of periods (default 12)\n"
    "  --discount D            discount rate per period (default 0.01)\n"
    "  --margin M              share of a transaction's value that is profit (default 1)\n"
    "  --spend-model GG.json   value per transaction from a Gamma-Gamma model\n"
    "                          (E[M | frequency, monetary value]); without it the\n"
    "                          monetary column is used as it is. Adds the column\n"
    "                          expected_revenue: expected_purchases * E[M]\n"
    "  --keep-columns LIST     copy these columns of the summary (names separated\n"
    "                          by commas) to the end of each row, e.g. a holdout's\n"
    "                          frequency_holdout,monetary_value_holdout beside the\n"
    "                          predictions\n"
    "  -o, --output FILE       write the CSV to FILE\n"
    "\n" MODEL_CLI_USAGE
    "\n"
    "Example: cxm predict bgnbd.json summary.csv --horizon 52 --clv --period 4.348 \\\n"
    "           --spend-model gg.json -o predictions.csv\n"
    "Holdout: cxm predict bgnbd.json summary.csv --horizon 39 --spend-model gg.json \\\n"
    "           --keep-columns frequency_holdout,monetary_value_holdout\n",
    sizeof(predict_args), parse_predict, run_predict,
};

enum { O_OUTPUT = 'o', O_HORIZON = 2000, O_DERT, O_CLV, O_PERIOD, O_PERIODS, O_DISCOUNT,
       O_MARGIN, O_SPEND, O_KEEP };

static void print_id(FILE *out, const cxm_table *table, size_t i)
{
    const char *id = table_id(table, i);
    if (id == NULL) {
        fprintf(out, "%zu", i + 1);
        return;
    }
    /* Quote ids that would break the CSV. */
    if (strpbrk(id, ",\"\n\r") == NULL) {
        fputs(id, out);
        return;
    }
    fputc('"', out);
    for (const char *p = id; *p; p++) {
        if (*p == '"')
            fputc('"', out);
        fputc(*p, out);
    }
    fputc('"', out);
}

/* The library never returns a non-finite prediction (it fails instead); a
 * NaN or inf that slipped through would still be an error, never output. */
static bool all_finite(const char *what, const double *values, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(values[i])) {
            fprintf(stderr, "cxm predict: row %zu: %s is not a finite number\n", i + 1, what);
            return false;
        }
    return true;
}

static void print_row(FILE *out, const double *values, size_t count, const kept_columns *kept,
                      const cxm_table *table, size_t i)
{
    for (size_t k = 0; k < count; k++) {
        fputc(',', out);
        cli_print_exact(out, values[k]);
    }
    kept_columns_row(kept, table, i, out);
    fputc('\n', out);
}

/* cxm predict SBG.json: survival, retention and residual value by tenure. */
static int predict_sbg(cxm_model *model, unsigned periods, double discount, double margin,
                       const char *output)
{
    size_t n = (size_t)periods + 1;
    double *t = malloc(n * sizeof *t), *v = malloc(5 * n * sizeof *v);
    FILE *out = NULL;
    cli_output file;
    int code = CLI_EXIT_OK;
    if (t == NULL || v == NULL) {
        free(t);
        free(v);
        fprintf(stderr, "cxm predict: out of memory\n");
        return CLI_EXIT_DATA;
    }
    double *surv = v, *ret = v + n, *churn = v + 2 * n, *derl = v + 3 * n, *value = v + 4 * n;
    ret[0] = churn[0] = 0.0; /* not printed: no retention or churn at t = 0 */
    for (size_t i = 0; i < n; i++)
        t[i] = (double)i;
    int status = cxm_model_survival(surv, n, model, t);
    if (status == CXM_OK && n > 1)
        status = cxm_model_retention(ret + 1, n - 1, model, t + 1);
    if (status == CXM_OK && n > 1)
        status = cxm_model_churn_probability(churn + 1, n - 1, model, t + 1);
    if (status == CXM_OK)
        status = cxm_model_derl(derl, n, model, discount, t);
    if (status == CXM_OK)
        status = cxm_model_subscription_value(value, n, model, margin, discount, t);
    if (status != CXM_OK) {
        code = cli_library_error("predict", status, true);
        goto done;
    }
    if (!all_finite("a prediction", v, 5 * n)) {
        code = CLI_EXIT_DATA;
        goto done;
    }
    out = cli_output_open(&file, "predict", output);
    if (out == NULL) {
        code = CLI_EXIT_DATA;
        goto done;
    }
    fputs("t,survival,retention,churn_probability,derl,value\n", out);
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "%zu,", i);
        cli_print_exact(out, surv[i]);
        fputc(',', out);
        if (i > 0)
            cli_print_exact(out, ret[i]);
        fputc(',', out);
        if (i > 0)
            cli_print_exact(out, churn[i]);
        fputc(',', out);
        cli_print_exact(out, derl[i]);
        fputc(',', out);
        cli_print_exact(out, value[i]);
        fputc('\n', out);
    }
    code = cli_output_close(&file);
done:
    free(t);
    free(v);
    return code;
}

static int parse_predict(void *args, int argc, char **argv)
{
    static const struct option options[] = {
        { "output", required_argument, NULL, O_OUTPUT },
        { "horizon", required_argument, NULL, O_HORIZON },
        { "dert-rate", required_argument, NULL, O_DERT },
        { "clv", no_argument, NULL, O_CLV },
        { "period", required_argument, NULL, O_PERIOD },
        { "periods", required_argument, NULL, O_PERIODS },
        { "discount", required_argument, NULL, O_DISCOUNT },
        { "margin", required_argument, NULL, O_MARGIN },
        { "spend-model", required_argument, NULL, O_SPEND },
        { "keep-columns", required_argument, NULL, O_KEEP },
        MODEL_CLI_LONG_OPTIONS,
        { NULL, 0, NULL, 0 },
    };
    predict_args *a = args;
    summary_columns_init(&a->columns);
    cxm_csv_options_init(&a->csv);
    a->csv.delimiter = CXM_CSV_DETECT;
    cxm_value_options_init(&a->value_options);
    a->horizon = a->dert_rate = NAN;
    bool has_period = false;
    size_t number;

    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":o:", options, NULL)) != -1) {
        int handled = summary_option("predict", c, optarg, &a->columns, &a->csv);
        if (handled < 0)
            return CLI_EXIT_USAGE;
        if (handled)
            continue;
        switch (c) {
        case O_OUTPUT: a->output = optarg; break;
        case O_HORIZON:
            if (!cli_parse_double("predict", "horizon", optarg, &a->horizon))
                return CLI_EXIT_USAGE;
            if (a->horizon < 0)
                return cli_usage_error("predict", "--horizon %s must not be negative", optarg);
            break;
        case O_DERT:
            if (!cli_parse_double("predict", "dert-rate", optarg, &a->dert_rate))
                return CLI_EXIT_USAGE;
            break;
        case O_CLV: a->clv = true; break;
        case O_PERIOD:
            if (!cli_parse_double("predict", "period", optarg, &a->value_options.period))
                return CLI_EXIT_USAGE;
            has_period = true;
            break;
        case O_PERIODS:
            if (!cli_parse_size("predict", "periods", optarg, &number))
                return CLI_EXIT_USAGE;
            a->value_options.periods = (unsigned)number;
            break;
        case O_DISCOUNT:
            if (!cli_parse_double("predict", "discount", optarg, &a->value_options.discount))
                return CLI_EXIT_USAGE;
            break;
        case O_MARGIN:
            if (!cli_parse_double("predict", "margin", optarg, &a->value_options.margin))
                return CLI_EXIT_USAGE;
            break;
        case O_SPEND: a->spend_path = optarg; break;
        case O_KEEP: a->keep = optarg; break;
        case ':': return cli_usage_error("predict", "%s needs a value", argv[optind - 1]);
        default: return cli_usage_error("predict", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind < 1)
        return cli_usage_error("predict", "MODEL.json and SUMMARY.csv are required");
    if (argc - optind > 2)
        return cli_usage_error("predict", "unexpected argument '%s'", argv[optind + 2]);
    a->model_path = argv[optind];
    a->path = argc - optind == 2 ? argv[optind + 1] : NULL;
    if (a->path && a->clv && !has_period)
        return cli_usage_error("predict",
                               "--clv needs --period: the length of one period in the model's "
                               "time unit (there is no default month)");
    return CLI_EXIT_OK;
}

/* The summary read by cxm predict and the predictions made for it. */
typedef struct predict_data {
    cxm_table *table;
    double *col[4]; /* frequency, recency, T, monetary (NULL when absent) */
    double *work;   /* six arrays of n: alive, expected, dert, value, lifetime, revenue */
    size_t n;
    kept_columns kept; /* --keep-columns */
    covariate_columns cov; /* the model's covariates (none without) */
    double *z[2];          /* their values: n × k, purchase and dropout */
    size_t *order;         /* rows ordered by covariates, when there are some */
    size_t group;          /* where in order the customers of the last prediction start */
} predict_data;

static void predict_data_free(predict_data *d)
{
    kept_columns_free(&d->kept);
    free(d->z[0]);
    free(d->z[1]);
    free(d->order);
    for (size_t k = 0; k < 4; k++)
        free(d->col[k]);
    free(d->work);
    cxm_table_free(d->table);
}

/* cxm predict SBG.json: the only model that needs no customer summary. */
static int run_predict_sbg(const predict_args *a)
{
    cxm_model *sbg = NULL;
    int code = load_model_file("predict", a->model_path, &sbg);
    if (code != CLI_EXIT_OK)
        return code;
    if (cxm_model_get_kind(sbg) != CXM_MODEL_SBG) {
        cxm_model_free(sbg);
        return cli_usage_error("predict", "MODEL.json and SUMMARY.csv are required");
    }
    code = predict_sbg(sbg, a->value_options.periods, a->value_options.discount,
                       a->value_options.margin, a->output);
    cxm_model_free(sbg);
    return code;
}

/* The model and the optional Gamma-Gamma model of --spend-model. */
static int load_models(const predict_args *a, cxm_model **model, cxm_model **spend)
{
    int code = load_model_file("predict", a->model_path, model);
    if (code != CLI_EXIT_OK)
        return code;
    if (cxm_model_get_kind(*model) != CXM_MODEL_GAMMA_GAMMA && isnan(a->horizon))
        return cli_usage_error("predict", "--horizon is required for a purchase model");
    if (a->spend_path && (code = load_model_file("predict", a->spend_path, spend)) != CLI_EXIT_OK)
        return code;
    if (*spend && cxm_model_get_kind(*spend) != CXM_MODEL_GAMMA_GAMMA) {
        fprintf(stderr, "cxm predict: %s: is not a Gamma-Gamma model\n", a->spend_path);
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}

/* frequency, recency, T, monetary (optional unless needed), and the columns
 * --keep-columns copies. */
static int read_summary(const predict_args *a, bool spend_model, predict_data *d)
{
    const summary_columns *columns = &a->columns;
    cxm_csv_options csv = a->csv;
    bool need_money = spend_model || a->clv || a->spend_path;
    char monetary_spec[512];
    snprintf(monetary_spec, sizeof monetary_spec, "%s%s", need_money ? "" : "?",
             columns->monetary[0] == '?' ? columns->monetary + 1 : columns->monetary);
    const char *specs[4] = { columns->frequency, spend_model ? "?recency|t_x" : columns->recency,
                             spend_model ? "?T" : columns->T, monetary_spec };
    int code = kept_columns_init(&d->kept, "predict", a->keep, 4, specs);
    if (code != CLI_EXIT_OK)
        return code;
    /* The covariates of the model, read with the rest in one pass. */
    const char *all[KEPT_MAX + 8 + 2 * KEPT_MAX];
    size_t nall = d->kept.nspecs + d->kept.n;
    memcpy(all, d->kept.specs, nall * sizeof *all);
    covariate_columns_specs(&d->cov, all, &nall);
    int status = cxm_table_read_csv(&d->table, a->path, columns->id, nall, all, &csv);
    if (status != CXM_OK)
        return cli_library_error("predict", status, false);
    d->n = cxm_table_rows(d->table);
    for (size_t k = 0; status == CXM_OK && k < 4; k++)
        status = table_numbers(d->table, specs[k], &d->col[k]);
    if (status == CXM_OK)
        status = covariate_columns_read(d->z, &d->cov, d->table);
    d->work = status == CXM_OK ? malloc((d->n ? d->n : 1) * 6 * sizeof *d->work) : NULL;
    if (d->work == NULL) {
        fprintf(stderr, "cxm predict: out of memory\n");
        return CLI_EXIT_DATA;
    }
    return CLI_EXIT_OK;
}

/* Every prediction the options ask for, into d->work. */
static int compute_predictions(const predict_args *a, const cxm_model *model,
                               const cxm_model *spend, bool spend_model, predict_data *d)
{
    size_t n = d->n;
    const double *x = d->col[0], *tx = d->col[1], *T = d->col[2], *money = d->col[3];
    double *alive = d->work, *expected = d->work + n, *dert = d->work + 2 * n,
           *value = d->work + 3 * n, *lifetime = d->work + 4 * n, *revenue = d->work + 5 * n;
    if (spend_model)
        return cxm_model_expected_spend(value, n, model, x, money);
    int status = cxm_model_p_alive(alive, n, model, x, tx, T);
    if (status == CXM_OK)
        status = cxm_model_conditional_purchases_horizon(expected, n, model, a->horizon, x, tx, T);
    if (status == CXM_OK && !isnan(a->dert_rate))
        status = cxm_model_dert(dert, n, model, a->dert_rate, x, tx, T);
    if (status == CXM_OK && spend) {
        status = cxm_model_expected_spend(value, n, spend, x, money);
        for (size_t i = 0; status == CXM_OK && i < n; i++)
            revenue[i] = expected[i] * value[i];
    }
    if (status == CXM_OK && a->clv) {
        if (!spend)
            memcpy(value, money, n * sizeof *value);
        status = cxm_model_lifetime_value(lifetime, n, model, x, tx, T, value, &a->value_options);
    }
    return status;
}

/* The rows in d->order grouped by covariates (cxm_model_covariate_groups()):
 * group g's rows are d->order[(*first)[g], (*first)[g + 1]). */
static int order_by_covariates(predict_data *d, const cxm_model *model, size_t **first,
                               size_t *groups)
{
    size_t n = d->n, *group = malloc((n ? n : 1) * sizeof *group);
    int status = group ? cxm_model_covariate_groups(groups, group, n, model, d->z[0], d->z[1])
                       : CXM_ENOMEM;
    if (status == CXM_OK) {
        *first = calloc(*groups + 1, sizeof **first);
        d->order = malloc((n ? n : 1) * sizeof *d->order);
        status = *first && d->order ? CXM_OK : CXM_ENOMEM;
    }
    if (status == CXM_OK) {
        /* A counting sort: each group's rows together, in the summary's order. */
        for (size_t i = 0; i < n; i++)
            (*first)[group[i] + 1]++;
        for (size_t g = 0; g < *groups; g++)
            (*first)[g + 1] += (*first)[g];
        for (size_t i = 0; i < n; i++)
            d->order[(*first)[group[i]]++] = i;
        for (size_t g = *groups; g > 0; g--) /* the cursors ran to each group's end */
            (*first)[g] = (*first)[g - 1];
        (*first)[0] = 0;
    }
    free(group);
    return status;
}

/* Predictions of one group of customers, d->order[start, end), who share
 * their covariates, with their model, through `sub` (arrays of d->n). */
static int predict_group(const predict_args *a, const cxm_model *model, const cxm_model *spend,
                         predict_data *d, predict_data *sub, size_t start, size_t end)
{
    size_t m = end - start, n = d->n;
    const size_t *rows = d->order + start;
    const double *zp = d->z[0] ? d->z[0] + rows[0] * d->cov.n[0] : NULL;
    const double *zd = d->z[1] ? d->z[1] + rows[0] * d->cov.n[1] : NULL;
    cxm_model *customer = NULL;
    d->group = start;
    sub->n = m;
    for (size_t c = 0; c < 4; c++)
        for (size_t i = 0; d->col[c] && i < m; i++)
            sub->col[c][i] = d->col[c][rows[i]];
    int status = cxm_model_for_customer(&customer, model, zp, zd);
    if (status == CXM_OK)
        status = compute_predictions(a, customer, spend, false, sub);
    cxm_model_free(customer);
    for (size_t q = 0; status == CXM_OK && q < 6; q++)
        for (size_t i = 0; i < m; i++)
            d->work[q * n + rows[i]] = sub->work[q * m + i];
    return status;
}

/* A model with covariates: each customer predicted with the model of its
 * covariates (cxm_model_for_customer()), once per distinct covariate vector. */
static int compute_by_covariates(const predict_args *a, const cxm_model *model,
                                 const cxm_model *spend, predict_data *d)
{
    size_t n = d->n, groups = 0, *first = NULL;
    predict_data sub;
    memset(&sub, 0, sizeof sub);
    int status = order_by_covariates(d, model, &first, &groups);
    double *buffer = status == CXM_OK ? malloc((n ? n : 1) * 10 * sizeof *buffer) : NULL;
    if (status == CXM_OK && buffer == NULL)
        status = CXM_ENOMEM;
    for (size_t c = 0; buffer && c < 4; c++)
        sub.col[c] = d->col[c] ? buffer + c * n : NULL;
    sub.work = buffer ? buffer + 4 * n : NULL;
    for (size_t g = 0; status == CXM_OK && g < groups; g++)
        status = predict_group(a, model, spend, d, &sub, first[g], first[g + 1]);
    free(buffer);
    free(first);
    return status;
}

static bool predictions_finite(const predict_args *a, bool spend_model, bool spend,
                               const predict_data *d)
{
    size_t n = d->n;
    const double *w = d->work;
    if (spend_model)
        return all_finite("the expected value", w + 3 * n, n);
    return all_finite("P(alive)", w, n) && all_finite("the expected purchases", w + n, n) &&
           (isnan(a->dert_rate) || all_finite("DERT", w + 2 * n, n)) &&
           (!spend || all_finite("the expected revenue", w + 5 * n, n)) &&
           (!a->clv ||
            (all_finite("the value", w + 3 * n, n) && all_finite("the lifetime value", w + 4 * n, n)));
}

static int print_predictions(const predict_args *a, bool spend_model, bool spend,
                             const predict_data *d)
{
    size_t n = d->n;
    const double *x = d->col[0], *tx = d->col[1], *T = d->col[2], *money = d->col[3];
    const double *alive = d->work, *expected = d->work + n, *dert = d->work + 2 * n,
                 *value = d->work + 3 * n, *lifetime = d->work + 4 * n, *revenue = d->work + 5 * n;
    cli_output file;
    FILE *out = cli_output_open(&file, "predict", a->output);
    if (out == NULL)
        return CLI_EXIT_DATA;
    fputs(table_id(d->table, 0) || n == 0 ? "customer_id" : "row", out);
    if (spend_model) {
        fputs(",frequency,monetary_value,expected_value", out);
        kept_columns_header(&d->kept, out);
        fputc('\n', out);
        for (size_t i = 0; i < n; i++) {
            double row[3] = { x[i], money[i], value[i] };
            print_id(out, d->table, i);
            print_row(out, row, 3, &d->kept, d->table, i);
        }
        return cli_output_close(&file);
    }
    fputs(",frequency,recency,T,p_alive,expected_purchases", out);
    if (!isnan(a->dert_rate))
        fputs(",dert", out);
    if (a->clv)
        fputs(",value,clv", out);
    if (spend)
        fputs(",expected_revenue", out);
    kept_columns_header(&d->kept, out);
    fputc('\n', out);
    for (size_t i = 0; i < n; i++) {
        double row[9] = { x[i], tx[i], T[i], alive[i], expected[i] };
        size_t k = 5;
        if (!isnan(a->dert_rate))
            row[k++] = dert[i];
        if (a->clv) {
            row[k++] = value[i];
            row[k++] = lifetime[i];
        }
        if (spend)
            row[k++] = revenue[i];
        print_id(out, d->table, i);
        print_row(out, row, k, &d->kept, d->table, i);
    }
    return cli_output_close(&file);
}

static int run_predict(const void *args)
{
    const predict_args *a = args;
    if (a->path == NULL)
        return run_predict_sbg(a);
    cxm_model *model = NULL, *spend = NULL;
    predict_data d;
    memset(&d, 0, sizeof d);
    int code = load_models(a, &model, &spend);
    bool spend_model = model && cxm_model_get_kind(model) == CXM_MODEL_GAMMA_GAMMA;
    if (code == CLI_EXIT_OK)
        covariate_columns_of_model(&d.cov, model);
    bool covariates = d.cov.n[0] || d.cov.n[1];
    if (code == CLI_EXIT_OK)
        code = read_summary(a, spend_model, &d);
    if (code == CLI_EXIT_OK &&
        (covariates ? compute_by_covariates(a, model, spend, &d)
                    : compute_predictions(a, model, spend, spend_model, &d)) != CXM_OK) {
        report_row_error_mapped("predict", a->path, d.table, d.order ? d.order + d.group : NULL);
        code = CLI_EXIT_DATA;
    }
    if (code == CLI_EXIT_OK && !predictions_finite(a, spend_model, spend != NULL, &d))
        code = CLI_EXIT_DATA;
    if (code == CLI_EXIT_OK)
        code = print_predictions(a, spend_model, spend != NULL, &d);
    predict_data_free(&d);
    cxm_model_free(spend);
    cxm_model_free(model);
    return code;
}
