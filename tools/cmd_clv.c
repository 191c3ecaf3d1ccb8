/* cxm clv: closed-form lifetime value from margin, retention and discount. */
#include "config.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>

#include <cxm.h>

#include "cli.h"

typedef struct clv_args {
    double margin, retention, discount;
    bool has_horizon, json;
    size_t horizon;
    cxm_cash_timing timing;
} clv_args;

static int parse_clv(void *args, int argc, char **argv);
static int run_clv(const void *args);

const cli_command cli_command_clv = {
    "clv",
    "closed-form lifetime value from margin, retention and discount",
    "usage: cxm clv --margin M --retention R --discount D [--prepaid] [--horizon H] [--json]\n"
    "\n"
    "Lifetime value of a customer who yields margin M per period, stays from\n"
    "one period to the next with probability R, discounted at rate D per period\n"
    "(Gupta & Lehmann 2003): M*R/(1+D-R) with cash at the end of each period.\n"
    "\n"
    "  --margin M      margin per period (any finite number)\n"
    "  --retention R   retention rate per period, in [0, 1]\n"
    "  --discount D    discount rate per period, >= 0 (0.12 for 12%)\n"
    "  --prepaid       cash at the start of each period: M*(1+D)/(1+D-R)\n"
    "  --horizon H     only the first H periods instead of an infinite horizon\n"
    "  --json          print a JSON object with the value, the elasticity and the inputs\n"
    "\n"
    "Example: cxm clv --margin 100 --retention 0.8 --discount 0.12   prints 250\n",
    sizeof(clv_args), parse_clv, run_clv,
};

static int parse_clv(void *args, int argc, char **argv)
{
    static const struct option options[] = {
        { "margin", required_argument, NULL, 'm' },
        { "retention", required_argument, NULL, 'r' },
        { "discount", required_argument, NULL, 'd' },
        { "prepaid", no_argument, NULL, 'p' },
        { "horizon", required_argument, NULL, 'H' },
        { "json", no_argument, NULL, 'j' },
        { NULL, 0, NULL, 0 },
    };
    clv_args *a = args;
    bool has_margin = false, has_retention = false, has_discount = false;
    a->timing = CXM_CASH_END;

    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":m:r:d:pH:j", options, NULL)) != -1) {
        switch (c) {
        case 'm':
            if (!cli_parse_double("clv", "margin", optarg, &a->margin))
                return CLI_EXIT_USAGE;
            has_margin = true;
            break;
        case 'r':
            if (!cli_parse_double("clv", "retention", optarg, &a->retention))
                return CLI_EXIT_USAGE;
            has_retention = true;
            break;
        case 'd':
            if (!cli_parse_double("clv", "discount", optarg, &a->discount))
                return CLI_EXIT_USAGE;
            has_discount = true;
            break;
        case 'p':
            a->timing = CXM_CASH_START;
            break;
        case 'H':
            if (!cli_parse_size("clv", "horizon", optarg, &a->horizon))
                return CLI_EXIT_USAGE;
            a->has_horizon = true;
            break;
        case 'j':
            a->json = true;
            break;
        case ':':
            return cli_usage_error("clv", "%s needs a value", argv[optind - 1]);
        default:
            return cli_usage_error("clv", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("clv", "unexpected argument '%s'", argv[optind]);
    if (!has_margin || !has_retention || !has_discount)
        return cli_usage_error("clv", "--margin, --retention and --discount are all required");
    return CLI_EXIT_OK;
}

static int run_clv(const void *args)
{
    const clv_args *a = args;
    double margin = a->margin, retention = a->retention, discount = a->discount;
    bool has_horizon = a->has_horizon;
    size_t horizon = a->horizon;
    cxm_cash_timing timing = a->timing;

    double value, elasticity = 0;
    int status = has_horizon
                     ? cxm_clv_horizon(&value, margin, retention, discount, horizon, timing)
                     : cxm_clv_retention(&value, margin, retention, discount, timing);
    if (status == CXM_OK && !has_horizon)
        status = cxm_clv_elasticity(&elasticity, retention, discount, timing);
    if (status != CXM_OK)
        return cli_library_error("clv", status, true);

    if (!a->json) {
        cli_print_number(stdout, value);
        putchar('\n');
        return CLI_EXIT_OK;
    }
    cJSON *doc = cJSON_CreateObject();
    if (doc) {
        cJSON_AddNumberToObject(doc, "clv", value);
        if (!has_horizon)
            cJSON_AddNumberToObject(doc, "elasticity", elasticity);
        cJSON_AddNumberToObject(doc, "margin", margin);
        cJSON_AddNumberToObject(doc, "retention", retention);
        cJSON_AddNumberToObject(doc, "discount", discount);
        cJSON_AddStringToObject(doc, "timing", timing == CXM_CASH_END ? "end" : "start");
        if (has_horizon)
            cJSON_AddNumberToObject(doc, "horizon", (double)horizon);
        else
            cJSON_AddNullToObject(doc, "horizon");
    }
    return cli_print_json(doc);
}
