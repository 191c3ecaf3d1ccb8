/* cxm journey: the two-perspective journey report of an event log. */
#include "config.h"

#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cxm.h>

#include "cli.h"
#include "path_cli.h"
#include "table_out.h"

typedef struct journey_args {
    cxm_journey_options jo;
    cxm_markov_options mo;
    cxm_csv_options csv;
    const char *map_file, *events_file, *segment, *output, *customer, *time_col, *touchpoint,
        *value, *rating, *valence;
    bool json;
} journey_args;

static int parse_journey(void *args, int argc, char **argv);
static int run_journey(const void *args);

const cli_command cli_command_journey = {
    "journey",
    "the two-perspective journey report: funnel, decisions, attribution, gaps, experience map",
    "usage: cxm journey MAP.json EVENTS.csv [OPTIONS]\n"
    "\n"
    "MAP.json lists the touchpoints: the customer decision each serves (EXPLORE,\n"
    "BUY, PROMOTE), the ladder rung (KNOW, DO, SUGGEST, CREATE), owner, channel,\n"
    "optional stated importance and employees' self-ratings (docs/journey-map.md).\n"
    "EVENTS.csv has one row per event: customer, timestamp, touchpoint, and\n"
    "optionally value, rating (the customer's) and valence (emotion).\n"
    "\n"
    "The report: the funnel EXPLORE > BUY > PROMOTE (Wilson intervals, drop-off,\n"
    "time to the next decision), the absorbing decision chain, exact Markov\n"
    "attribution of the conversions with the heuristics, employees' ratings\n"
    "against customers' per touchpoint (Welch), remembered journeys (peak-end)\n"
    "against what every touchpoint owner claims, the experience map (pain points\n"
    "and bright spots) and ladder coverage. Times are in days.\n"
    "\n"
    "  --segment COL        break the funnel down by this column\n"
    "  --order K            Markov order of the attribution, 1 to 4 (default 1)\n"
    "  --by-channel         attribute to channels rather than touchpoints\n"
    "  --importance SOURCE  experience map importance: auto (default), stated,\n"
    "                       buy or promote (derived from the effect of ratings)\n"
    "  --level L            confidence level of intervals (default 0.95)\n"
    "  --json               print the report as JSON instead of text\n"
    "  -o, --output FILE    also write the JSON report, per-customer journeys\n"
    "                       included, to FILE\n"
    "\n"
    "The event log:\n"
    "  --customer COL, --time COL, --touchpoint COL, --value COL, --rating COL,\n"
    "  --valence COL        columns by header name or 1-based number (default: the\n"
    "                       usual names; optional ones may be absent)\n"
    "  --date-format FMT    auto (ISO 8601, the default), epoch, epoch_ms or a\n"
    "                       strftime pattern such as %d/%m/%Y\n"
    "  --delimiter C        field separator: one character or 'tab' (default: detected)\n"
    "  --no-header          the first line is data\n"
    "  --skip-bad-rows      skip malformed rows (counted and reported) instead of stopping\n"
    "\n"
    "Example: cxm journey examples/journey/map.json examples/journey/events.csv --segment segment\n",
    sizeof(journey_args), parse_journey, run_journey,
};

typedef struct report {
    cxm_table *touchpoints, *customers, *funnel, *chain, *markov, *heuristics, *gap, *remembered,
        *map, *ladder;
} report;

static void report_free(report *r)
{
    cxm_table_free(r->touchpoints);
    cxm_table_free(r->customers);
    cxm_table_free(r->funnel);
    cxm_table_free(r->chain);
    cxm_table_free(r->markov);
    cxm_table_free(r->heuristics);
    cxm_table_free(r->gap);
    cxm_table_free(r->remembered);
    cxm_table_free(r->map);
    cxm_table_free(r->ladder);
}

/* Rows of the experience map in one quadrant, by rank. */
static size_t quadrant_rows(const cxm_table *t, const char *quadrant, size_t *rows, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < cxm_table_rows(t) && n < cap; i++) {
        const char *q = cxm_table_text(t, i, "quadrant");
        if (q && strcmp(q, quadrant) == 0)
            rows[n++] = i;
    }
    for (size_t a = 1; a < n; a++) { /* insertion sort by rank */
        size_t key = rows[a], b = a;
        double rk, rb;
        cxm_table_number(&rk, t, key, "rank");
        while (b > 0 && (cxm_table_number(&rb, t, rows[b - 1], "rank"), rb > rk)) {
            rows[b] = rows[b - 1];
            b--;
        }
        rows[b] = key;
    }
    return n;
}

static void print_report(const report *r, const cxm_journeys *journeys, unsigned order,
                         double level)
{
    size_t ntp = cxm_table_rows(r->touchpoints);
    printf("Journey map: %zu touchpoints. Event log: %zu customers (times in days).\n", ntp,
           cxm_journeys_customer_count(journeys));
    static const char *const tcols[] = { "id", "name", "channel", "department", "decision",
                                         "rung", "importance", "employee_mean", "conversion",
                                         NULL };
    table_print(stdout, r->touchpoints, tcols, NULL, 0);

    printf("\nFunnel: EXPLORE > BUY > PROMOTE (rate from the previous decision, Wilson %g%%; "
           "days to the next decision)\n", 100 * level);
    static const char *const fcols[] = { "segment", "decision", "customers", "rate", "rate_lower",
                                         "rate_upper", "drop_off", "next_n", "next_median",
                                         "next_q25", "next_q75", "next_q90", NULL };
    table_print(stdout, r->funnel, fcols, NULL, 0);

    printf("\nDecision chain (absorbing PROMOTE and LEAVE): expected visits N, absorption, steps\n");
    static const char *const ccols[] = { "from", "p_explore", "p_buy", "p_promote", "p_leave",
                                         "n_explore", "n_buy", "promote", "leave", "steps",
                                         NULL };
    table_print(stdout, r->chain, ccols, NULL, 0);

    printf("\nAttribution of %.0f conversions (%.0f journeys): Markov order %u, solved exactly; "
           "heuristics per touch\n",
           table_scalar_or_nan(r->markov, "total_conversions"),
           table_scalar_or_nan(r->markov, "paths"), order);
    static const char *const mcols[] = { "channel", "removal_effect", "conversions", "value",
                                         NULL };
    table_print(stdout, r->markov, mcols, NULL, 0);
    static const char *const hcols[] = { "channel", "first_touch", "last_touch", "linear",
                                         "position_based", "time_decay", NULL };
    table_print(stdout, r->heuristics, hcols, NULL, 0);

    printf("\nInside out against outside in, per touchpoint: employees' self-ratings minus "
           "customers' ratings (Welch, %g%%)\n", 100 * level);
    static const char *const gcols[] = { "touchpoint", "department", "employee_n", "employee_mean",
                                         "customer_n", "customer_mean", "difference", "lower",
                                         "upper", "p_value", NULL };
    table_print(stdout, r->gap, gcols, NULL, 0);

    double share = table_scalar_or_nan(r->remembered, "share_below_all");
    printf("\nRemembered journeys (peak-end of the customer's ratings) against the owners' "
           "claims: %.0f customers rated their journey;\n",
           table_scalar_or_nan(r->remembered, "customers"));
    if (isnan(share))
        printf("  no customer rated a touchpoint that employees rated.\n");
    else
        printf("  %.1f%% [%.1f%%, %.1f%%] remember it below what every touchpoint owner claims "
               "(remembered %.3g, owners' mean %.3g).\n",
               100 * share, 100 * table_scalar_or_nan(r->remembered, "share_lower"),
               100 * table_scalar_or_nan(r->remembered, "share_upper"),
               table_scalar_or_nan(r->remembered, "remembered_mean"),
               table_scalar_or_nan(r->remembered, "parts_mean"));

    bool derived = table_scalar_or_nan(r->map, "derived") == 1;
    printf("\nExperience map (importance %s; performance = mean customer rating)\n",
           derived ? "derived from the effect of ratings on buying" : "as stated");
    static const char *const quads[] = { "pain point", "bright spot" };
    static const char *const headings[] = { "Pain points, most urgent first (concentrate here):",
                                            "Bright spots (keep up the good work):" };
    size_t *rows = malloc((ntp ? ntp : 1) * sizeof *rows);
    for (int q = 0; q < 2 && rows; q++) {
        size_t n = quadrant_rows(r->map, quads[q], rows, ntp);
        printf("  %s", headings[q]);
        if (n == 0)
            printf(" none");
        for (size_t k = 0; k < n; k++)
            printf("%s %s", k ? "," : "", cxm_table_text(r->map, rows[k], "touchpoint"));
        printf("\n");
    }
    free(rows);
    static const char *const xcols[] = { "touchpoint", "quadrant", "rank", "importance",
                                         "performance", "traffic", "drop_off", "drop_off_rate",
                                         NULL };
    table_print(stdout, r->map, xcols, NULL, 0);

    printf("\nLadder coverage: customers the organization reached on each rung, and their decisions\n");
    static const char *const lcols[] = { "rung", "reached", "share", "highest", "buy_rate",
                                         "promote_rate", "promote_lower", "promote_upper", NULL };
    table_print(stdout, r->ladder, lcols, NULL, 0);
}

static cJSON *report_json(const report *r)
{
    cJSON *doc = cJSON_CreateObject();
    if (doc == NULL)
        return NULL;
    const struct { const char *name; const cxm_table *t; } parts[] = {
        { "touchpoints", r->touchpoints }, { "funnel", r->funnel },
        { "decision_chain", r->chain },   { "attribution", r->markov },
        { "heuristics", r->heuristics },  { "touchpoint_gap", r->gap },
        { "remembered_gap", r->remembered }, { "experience_map", r->map },
        { "ladder", r->ladder },          { "customers", r->customers },
    };
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        cJSON *part = table_json(parts[i].t);
        if (part == NULL || !cJSON_AddItemToObject(doc, parts[i].name, part)) {
            cJSON_Delete(part);
            cJSON_Delete(doc);
            return NULL;
        }
    }
    return doc;
}

static int parse_journey(void *args, int argc, char **argv)
{
    enum { O_SEGMENT = 256, O_BY_CHANNEL, O_IMPORTANCE, O_LEVEL, O_JSON, O_CUSTOMER, O_TIME,
           O_TOUCHPOINT, O_VALUE, O_RATING, O_VALENCE, O_DATE_FORMAT };
    static const struct option options[] = {
        PATH_CLI_LONG_OPTIONS,
        { "segment", required_argument, NULL, O_SEGMENT },
        { "by-channel", no_argument, NULL, O_BY_CHANNEL },
        { "importance", required_argument, NULL, O_IMPORTANCE },
        { "level", required_argument, NULL, O_LEVEL },
        { "json", no_argument, NULL, O_JSON },
        { "output", required_argument, NULL, 'o' },
        { "customer", required_argument, NULL, O_CUSTOMER },
        { "time", required_argument, NULL, O_TIME },
        { "touchpoint", required_argument, NULL, O_TOUCHPOINT },
        { "value", required_argument, NULL, O_VALUE },
        { "rating", required_argument, NULL, O_RATING },
        { "valence", required_argument, NULL, O_VALENCE },
        { "date-format", required_argument, NULL, O_DATE_FORMAT },
        { NULL, 0, NULL, 0 },
    };
    journey_args *a = args;
    a->jo = (cxm_journey_options)CXM_JOURNEY_OPTIONS_INIT;
    a->mo = (cxm_markov_options)CXM_MARKOV_OPTIONS_INIT;
    cxm_csv_options_init(&a->csv);
    a->csv.delimiter = CXM_CSV_DETECT;
    cxm_journey_options *jo = &a->jo;
    cxm_csv_options *csv = &a->csv;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":o:", options, NULL)) != -1) {
        int handled = path_file_option("journey", c, optarg, &a->mo, csv);
        if (handled < 0)
            return CLI_EXIT_USAGE;
        if (handled)
            continue;
        switch (c) {
        case O_SEGMENT: a->segment = optarg; break;
        case O_BY_CHANNEL: jo->by_channel = 1; break;
        case O_IMPORTANCE:
            if (strcmp(optarg, "auto") == 0)
                jo->importance = CXM_IMPORTANCE_AUTO;
            else if (strcmp(optarg, "stated") == 0)
                jo->importance = CXM_IMPORTANCE_STATED;
            else if (strcmp(optarg, "buy") == 0)
                jo->importance = CXM_IMPORTANCE_BUY;
            else if (strcmp(optarg, "promote") == 0)
                jo->importance = CXM_IMPORTANCE_PROMOTE;
            else
                return cli_usage_error("journey", "--importance needs auto, stated, buy or promote, got '%s'",
                                       optarg);
            break;
        case O_LEVEL:
            if (!cli_parse_double("journey", "level", optarg, &jo->level))
                return CLI_EXIT_USAGE;
            if (!(jo->level > 0 && jo->level < 1))
                return cli_usage_error("journey", "--level must be between 0 and 1, got '%s'", optarg);
            break;
        case O_JSON: a->json = true; break;
        case 'o': a->output = optarg; break;
        case O_CUSTOMER: a->customer = optarg; break;
        case O_TIME: a->time_col = optarg; break;
        case O_TOUCHPOINT: a->touchpoint = optarg; break;
        case O_VALUE: a->value = optarg; break;
        case O_RATING: a->rating = optarg; break;
        case O_VALENCE: a->valence = optarg; break;
        case O_DATE_FORMAT: csv->date_format = optarg; break;
        case ':':
            return cli_usage_error("journey", "%s needs a value", argv[optind - 1]);
        default:
            return cli_usage_error("journey", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind < 2)
        return cli_usage_error("journey", "a journey map and an event log are required");
    a->map_file = argv[optind];
    a->events_file = argv[optind + 1];
    if (argc - optind > 2)
        return cli_usage_error("journey", "unexpected argument '%s'", argv[optind + 2]);
    return CLI_EXIT_OK;
}

static const char *journeys_skipped_message(const void *journeys, size_t i)
{
    return cxm_journeys_skipped_message(journeys, i);
}

static int run_journey(const void *args)
{
    const journey_args *a = args;
    const cxm_journey_options *jo = &a->jo;

    cxm_journey_map *map = NULL;
    cxm_journeys *journeys = NULL;
    cxm_paths *paths = NULL;
    report r;
    memset(&r, 0, sizeof r);
    int status = cxm_journey_map_load_json(&map, a->map_file);
    if (status == CXM_OK)
        status = cxm_journeys_create(&journeys, map);
    if (status == CXM_OK)
        status = cxm_journeys_read_csv(journeys, a->events_file, a->customer, a->time_col,
                                       a->touchpoint, a->value, a->rating, a->valence,
                                       a->segment, &a->csv);
    if (status == CXM_OK)
        path_cli_report_skipped("journey", cxm_journeys_skipped(journeys),
                                journeys_skipped_message, journeys);
    if (status == CXM_OK)
        status = cxm_journey_map_touchpoints(&r.touchpoints, map);
    if (status == CXM_OK)
        status = cxm_journeys_customers(&r.customers, journeys);
    if (status == CXM_OK)
        status = cxm_journeys_funnel(&r.funnel, journeys, jo);
    if (status == CXM_OK)
        status = cxm_journeys_decision_chain(&r.chain, journeys);
    if (status == CXM_OK)
        status = cxm_journeys_paths(&paths, journeys, jo);
    if (status == CXM_OK)
        status = cxm_attribution_markov(&r.markov, paths, &a->mo);
    if (status == CXM_OK)
        status = cxm_attribution_heuristic(&r.heuristics, paths, NULL);
    if (status == CXM_OK)
        status = cxm_journeys_touchpoint_gap(&r.gap, journeys, jo);
    if (status == CXM_OK)
        status = cxm_journeys_remembered_gap(&r.remembered, journeys, jo);
    if (status == CXM_OK)
        status = cxm_journeys_experience_map(&r.map, journeys, jo);
    if (status == CXM_OK)
        status = cxm_journeys_ladder(&r.ladder, journeys, jo);
    int code = CLI_EXIT_OK;
    if (status != CXM_OK) {
        code = cli_library_error("journey", status, false);
    } else {
        if (!a->json)
            print_report(&r, journeys, a->mo.order, jo->level);
        if (a->json || a->output)
            code = json_write("journey", report_json(&r), a->output, a->json);
    }
    report_free(&r);
    cxm_paths_free(paths);
    cxm_journeys_free(journeys);
    cxm_journey_map_free(map);
    return code;
}
