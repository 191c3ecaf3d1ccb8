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
    "bgnbd or mbgnbd): the probability of being alive, the expected purchases\n"
    "in the next T time units (the model's unit), optionally the discounted\n"
    "expected residual transactions and the lifetime value in money. With a\n"
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
    "                          monetary column is used as it is\n"
    "  -o, --output FILE       write the CSV to FILE\n"
    "\n" MODEL_CLI_USAGE
    "\n"
    "Example: cxm predict bgnbd.json summary.csv --horizon 52 --clv --period 4.348 \\\n"
    "           --spend-model gg.json -o predictions.csv\n",
    sizeof(predict_args), parse_predict, run_predict,
};

enum { O_OUTPUT = 'o', O_HORIZON = 2000, O_DERT, O_CLV, O_PERIOD, O_PERIODS, O_DISCOUNT,
       O_MARGIN, O_SPEND };

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

static void print_row(FILE *out, const double *values, size_t count)
{
    for (size_t k = 0; k < count; k++) {
        fputc(',', out);
        cli_print_exact(out, values[k]);
    }
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

static int run_predict(const void *args)
{
    const predict_args *a = args;
    summary_columns columns = a->columns;
    cxm_csv_options csv = a->csv;
    cxm_value_options value_options = a->value_options;
    const char *output = a->output, *spend_path = a->spend_path;
    double horizon = a->horizon, dert_rate = a->dert_rate;
    bool clv = a->clv;
    if (a->path == NULL) {
        /* An sBG model needs no customer summary. */
        cxm_model *sbg = NULL;
        int loaded = load_model_file("predict", a->model_path, &sbg);
        if (loaded != CLI_EXIT_OK)
            return loaded;
        if (cxm_model_get_kind(sbg) != CXM_MODEL_SBG) {
            cxm_model_free(sbg);
            return cli_usage_error("predict", "MODEL.json and SUMMARY.csv are required");
        }
        loaded = predict_sbg(sbg, value_options.periods, value_options.discount,
                             value_options.margin, output);
        cxm_model_free(sbg);
        return loaded;
    }
    const char *model_path = a->model_path, *path = a->path;

    cxm_model *model = NULL, *spend = NULL;
    cxm_table *table = NULL;
    double *work = NULL, *col[4] = { NULL, NULL, NULL, NULL };
    FILE *out = NULL;
    cli_output file;
    int code = load_model_file("predict", model_path, &model);
    if (code != CLI_EXIT_OK)
        return code;
    int spend_model = cxm_model_get_kind(model) == CXM_MODEL_GAMMA_GAMMA;
    if (!spend_model && isnan(horizon)) {
        cxm_model_free(model);
        return cli_usage_error("predict", "--horizon is required for a purchase model");
    }
    if (spend_path && (code = load_model_file("predict", spend_path, &spend)) != CLI_EXIT_OK)
        goto done;
    if (spend && cxm_model_get_kind(spend) != CXM_MODEL_GAMMA_GAMMA) {
        fprintf(stderr, "cxm predict: %s: is not a Gamma-Gamma model\n", spend_path);
        code = CLI_EXIT_USAGE;
        goto done;
    }

    /* frequency, recency, T, monetary (optional unless needed). */
    int need_money = spend_model || clv;
    char monetary_spec[512];
    snprintf(monetary_spec, sizeof monetary_spec, "%s%s", need_money ? "" : "?",
             columns.monetary[0] == '?' ? columns.monetary + 1 : columns.monetary);
    const char *specs[4] = { columns.frequency, spend_model ? "?recency|t_x" : columns.recency,
                             spend_model ? "?T" : columns.T, monetary_spec };
    int status = cxm_table_read_csv(&table, path, columns.id, 4, specs, &csv);
    if (status != CXM_OK) {
        code = cli_library_error("predict", status, false);
        goto done;
    }
    size_t n = cxm_table_rows(table);
    for (size_t k = 0; status == CXM_OK && k < 4; k++)
        status = table_numbers(table, specs[k], &col[k]);
    const double *x = col[0], *tx = col[1], *T = col[2], *money = col[3];
    work = status == CXM_OK ? malloc((n ? n : 1) * 5 * sizeof *work) : NULL;
    if (work == NULL) {
        fprintf(stderr, "cxm predict: out of memory\n");
        code = CLI_EXIT_DATA;
        goto done;
    }
    double *alive = work, *expected = work + n, *dert = work + 2 * n, *value = work + 3 * n,
           *lifetime = work + 4 * n;

    if (spend_model) {
        status = cxm_model_expected_spend(value, n, model, x, money);
    } else {
        for (size_t i = 0; i < n; i++)
            expected[i] = horizon; /* the horizon per customer, then the predictions */
        status = cxm_model_p_alive(alive, n, model, x, tx, T);
        if (status == CXM_OK)
            status = cxm_model_conditional_purchases(expected, n, model, expected, x, tx, T);
        if (status == CXM_OK && !isnan(dert_rate))
            status = cxm_model_dert(dert, n, model, dert_rate, x, tx, T);
        if (status == CXM_OK && clv) {
            if (spend)
                status = cxm_model_expected_spend(value, n, spend, x, money);
            else
                memcpy(value, money, n * sizeof *value);
            if (status == CXM_OK)
                status = cxm_model_lifetime_value(lifetime, n, model, x, tx, T, value,
                                                  &value_options);
        }
    }
    if (status != CXM_OK) {
        fprintf(stderr, "cxm predict: %s: %s\n", path, cxm_error_message());
        code = CLI_EXIT_DATA;
        goto done;
    }
    if (!(spend_model ? all_finite("the expected value", value, n)
                      : all_finite("P(alive)", alive, n) &&
                            all_finite("the expected purchases", expected, n) &&
                            (isnan(dert_rate) || all_finite("DERT", dert, n)) &&
                            (!clv || (all_finite("the value", value, n) &&
                                      all_finite("the lifetime value", lifetime, n))))) {
        code = CLI_EXIT_DATA;
        goto done;
    }

    out = cli_output_open(&file, "predict", output);
    if (out == NULL) {
        code = CLI_EXIT_DATA;
        goto done;
    }
    fputs(table_id(table, 0) || n == 0 ? "customer_id" : "row", out);
    if (spend_model) {
        fputs(",frequency,monetary_value,expected_value\n", out);
        for (size_t i = 0; i < n; i++) {
            double row[3] = { x[i], money[i], value[i] };
            print_id(out, table, i);
            print_row(out, row, 3);
        }
    } else {
        fputs(",frequency,recency,T,p_alive,expected_purchases", out);
        if (!isnan(dert_rate))
            fputs(",dert", out);
        if (clv)
            fputs(",value,clv", out);
        fputc('\n', out);
        for (size_t i = 0; i < n; i++) {
            double row[8] = { x[i], tx[i], T[i], alive[i], expected[i] };
            size_t k = 5;
            if (!isnan(dert_rate))
                row[k++] = dert[i];
            if (clv) {
                row[k++] = value[i];
                row[k++] = lifetime[i];
            }
            print_id(out, table, i);
            print_row(out, row, k);
        }
    }
    code = cli_output_close(&file);

done:
    for (size_t k = 0; k < 4; k++)
        free(col[k]);
    free(work);
    cxm_table_free(table);
    cxm_model_free(spend);
    cxm_model_free(model);
    return code;
}
