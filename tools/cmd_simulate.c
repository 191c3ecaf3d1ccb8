/* cxm simulate: a synthetic customer base from a model, with a seed. */
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

typedef struct simulate_args {
    const char *output, *model_path;
    size_t customers, seed;
    bool transactions;
    double length, t_min, t_max, frequency; /* NaN when not given */
} simulate_args;

static int parse_simulate(void *args, int argc, char **argv);
static int run_simulate(const void *args);

const cli_command cli_command_simulate = {
    "simulate",
    "a synthetic customer base from a model, reproducible by seed",
    "usage: cxm simulate MODEL.json --customers N --seed S --T LENGTH [OPTIONS]\n"
    "       cxm simulate GG.json --customers N --seed S --frequency X\n"
    "\n"
    "Draw customers from a purchase model (bgnbd, mbgnbd), each observed for\n"
    "LENGTH time units after a first purchase at time 0, and print their\n"
    "summary as CSV: customer_id, frequency, recency, T. The same seed gives\n"
    "the same customers on every platform. From a Gamma-Gamma model: the\n"
    "mean value of X repeat purchases per customer.\n"
    "\n"
    "  --customers N           number of customers\n"
    "  --seed S                random seed (any whole number below 2^64)\n"
    "  --T LENGTH              observation length in the model's time unit\n"
    "  --T-min A, --T-max B    observation lengths spread evenly over [A, B]\n"
    "                          instead (first purchases over a period)\n"
    "  --transactions          print the transaction log instead: customer_id,\n"
    "                          time (the first purchase at 0, then the repeats)\n"
    "  --frequency X           Gamma-Gamma: repeat purchases per customer\n"
    "  -o, --output FILE       write the CSV to FILE\n"
    "\n"
    "Example: cxm simulate bgnbd.json --customers 10000 --seed 42 --T 39\n",
    sizeof(simulate_args), parse_simulate, run_simulate,
};

enum { O_OUTPUT = 'o', O_CUSTOMERS = 2000, O_SEED, O_T, O_TMIN, O_TMAX, O_TRANSACTIONS,
       O_FREQUENCY };

static int parse_simulate(void *args, int argc, char **argv)
{
    static const struct option options[] = {
        { "output", required_argument, NULL, O_OUTPUT },
        { "customers", required_argument, NULL, O_CUSTOMERS },
        { "seed", required_argument, NULL, O_SEED },
        { "T", required_argument, NULL, O_T },
        { "T-min", required_argument, NULL, O_TMIN },
        { "T-max", required_argument, NULL, O_TMAX },
        { "transactions", no_argument, NULL, O_TRANSACTIONS },
        { "frequency", required_argument, NULL, O_FREQUENCY },
        { NULL, 0, NULL, 0 },
    };
    simulate_args *a = args;
    bool has_customers = false, has_seed = false;
    a->length = a->t_min = a->t_max = a->frequency = NAN;

    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":o:", options, NULL)) != -1) {
        switch (c) {
        case O_OUTPUT: a->output = optarg; break;
        case O_CUSTOMERS:
            if (!cli_parse_size("simulate", "customers", optarg, &a->customers))
                return CLI_EXIT_USAGE;
            has_customers = true;
            break;
        case O_SEED:
            if (!cli_parse_size("simulate", "seed", optarg, &a->seed))
                return CLI_EXIT_USAGE;
            has_seed = true;
            break;
        case O_T:
            if (!cli_parse_double("simulate", "T", optarg, &a->length))
                return CLI_EXIT_USAGE;
            break;
        case O_TMIN:
            if (!cli_parse_double("simulate", "T-min", optarg, &a->t_min))
                return CLI_EXIT_USAGE;
            break;
        case O_TMAX:
            if (!cli_parse_double("simulate", "T-max", optarg, &a->t_max))
                return CLI_EXIT_USAGE;
            break;
        case O_TRANSACTIONS: a->transactions = true; break;
        case O_FREQUENCY:
            if (!cli_parse_double("simulate", "frequency", optarg, &a->frequency))
                return CLI_EXIT_USAGE;
            break;
        case ':': return cli_usage_error("simulate", "%s needs a value", argv[optind - 1]);
        default: return cli_usage_error("simulate", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind < 1)
        return cli_usage_error("simulate", "MODEL.json is required");
    if (argc - optind > 1)
        return cli_usage_error("simulate", "unexpected argument '%s'", argv[optind + 1]);
    if (!has_customers || !has_seed)
        return cli_usage_error("simulate", "--customers and --seed are required");
    a->model_path = argv[optind];
    return CLI_EXIT_OK;
}

/* The customers' observation lengths from --T or --T-min and --T-max (a
 * purchase model), or --frequency (Gamma-Gamma): a usage exit code when the
 * options do not fit the model. */
static int observation_range(const simulate_args *in, bool spend, double *t_min, double *t_max)
{
    double length = in->length;
    *t_min = in->t_min;
    *t_max = in->t_max;
    if (spend)
        return isnan(in->frequency)
                   ? cli_usage_error("simulate", "a Gamma-Gamma model needs --frequency")
                   : CLI_EXIT_OK;
    bool range = !isnan(*t_min) || !isnan(*t_max);
    if (range && (isnan(*t_min) || isnan(*t_max) || !isnan(length) || *t_min > *t_max))
        return cli_usage_error("simulate",
                               "give either --T, or both --T-min and --T-max with T-min <= T-max");
    if (!range && isnan(length))
        return cli_usage_error("simulate", "--T (or --T-min and --T-max) is required");
    if (!isnan(length))
        *t_min = *t_max = length;
    return CLI_EXIT_OK;
}

/* Simulated customers: (x, t_x) or (x, mean spend) in a and b, the
 * observation lengths, and with --transactions the purchase times. */
typedef struct simulated {
    double *a, *b, *lengths, *times;
    size_t n;
} simulated;

static void simulated_free(simulated *d)
{
    free(d->a);
    free(d->b);
    free(d->lengths);
    free(d->times);
}

static int simulate(simulated *d, const simulate_args *in, const cxm_model *model, bool spend,
                    double t_min, double t_max)
{
    unsigned long long seed = (unsigned long long)in->seed;
    size_t n = d->n = in->customers;
    d->a = malloc((n ? n : 1) * sizeof *d->a);
    d->b = malloc((n ? n : 1) * sizeof *d->b);
    d->lengths = malloc((n ? n : 1) * sizeof *d->lengths);
    if (d->a == NULL || d->b == NULL || d->lengths == NULL) {
        fprintf(stderr, "cxm simulate: out of memory for %zu customers\n", n);
        return CLI_EXIT_DATA;
    }
    int status;
    if (spend) {
        for (size_t i = 0; i < n; i++)
            d->a[i] = in->frequency;
        status = cxm_model_simulate_spend(d->b, n, model, d->a, seed);
    } else {
        for (size_t i = 0; i < n; i++)
            d->lengths[i] = n > 1 ? t_min + (t_max - t_min) * (double)i / (double)(n - 1) : t_max;
        status = cxm_model_simulate(d->a, d->b, n, model, d->lengths, seed);
        if (status == CXM_OK && in->transactions) {
            double total = 0;
            for (size_t i = 0; i < n; i++)
                total += d->a[i];
            d->times = malloc(((size_t)total ? (size_t)total : 1) * sizeof *d->times);
            if (d->times == NULL) {
                fprintf(stderr, "cxm simulate: out of memory for %.0f purchases\n", total);
                return CLI_EXIT_DATA;
            }
            status = cxm_model_simulate_times(d->times, (size_t)total, model, n, d->lengths, seed);
        }
    }
    return status == CXM_OK ? CLI_EXIT_OK : cli_library_error("simulate", status, true);
}

/* One CSV line: the customer's number, then the values. */
static void print_customer(FILE *out, size_t i, const double *values, size_t count)
{
    fprintf(out, "%zu", i + 1);
    for (size_t k = 0; k < count; k++) {
        fputc(',', out);
        cli_print_exact(out, values[k]);
    }
    fputc('\n', out);
}

static int print_simulated(const simulated *d, const simulate_args *in, bool spend)
{
    cli_output file;
    FILE *out = cli_output_open(&file, "simulate", in->output);
    if (out == NULL)
        return CLI_EXIT_DATA;
    if (spend) {
        fputs("customer_id,frequency,monetary_value\n", out);
        for (size_t i = 0; i < d->n; i++)
            print_customer(out, i, (const double[]){ d->a[i], d->b[i] }, 2);
    } else if (in->transactions) {
        fputs("customer_id,time\n", out);
        size_t k = 0;
        for (size_t i = 0; i < d->n; i++) {
            fprintf(out, "%zu,0\n", i + 1);
            for (size_t j = 0; j < (size_t)d->a[i]; j++, k++)
                print_customer(out, i, &d->times[k], 1);
        }
    } else {
        fputs("customer_id,frequency,recency,T\n", out);
        for (size_t i = 0; i < d->n; i++)
            print_customer(out, i, (const double[]){ d->a[i], d->b[i], d->lengths[i] }, 3);
    }
    return cli_output_close(&file);
}

static int run_simulate(const void *args)
{
    const simulate_args *in = args;
    cxm_model *model = NULL;
    int code = load_model_file("simulate", in->model_path, &model);
    if (code != CLI_EXIT_OK)
        return code;
    bool spend = cxm_model_get_kind(model) == CXM_MODEL_GAMMA_GAMMA;
    double t_min, t_max;
    simulated d = { NULL, NULL, NULL, NULL, 0 };
    code = observation_range(in, spend, &t_min, &t_max);
    if (code == CLI_EXIT_OK)
        code = simulate(&d, in, model, spend, t_min, t_max);
    if (code == CLI_EXIT_OK)
        code = print_simulated(&d, in, spend);
    simulated_free(&d);
    cxm_model_free(model);
    return code;
}
