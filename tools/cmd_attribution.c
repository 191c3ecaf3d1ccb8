/* cxm attribution: exact Markov attribution (and the heuristics) of a path file. */
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

typedef struct attribution_args {
    cxm_markov_options mo;
    cxm_heuristic_options ho;
    cxm_csv_options csv;
    const char *file, *output, *path_col, *conv_col, *value_col, *nulls_col, *separator;
    bool heuristics, transitions, json;
    size_t threads;
} attribution_args;

static int parse_attribution(void *args, int argc, char **argv);
static int run_attribution(const void *args);

const cli_command cli_command_attribution = {
    "attribution",
    "exact Markov attribution of conversions to channels, from a path file",
    "usage: cxm attribution PATHS.csv [--order K] [--no-nulls] [OPTIONS]\n"
    "\n"
    "Which channels earned the conversions? PATHS.csv has one row per path:\n"
    "the touches (\"search > email > direct\"), its conversions, optionally its\n"
    "conversion value and its nulls (journeys that did not convert), as in\n"
    "ChannelAttribution's path;total_conversions;total_conversion_value;total_null.\n"
    "\n"
    "The Markov model (Anderl et al. 2016) is solved exactly: removal effect\n"
    "RE = 1 - P(conversion without the channel)/P(conversion), conversions and\n"
    "value shared in proportion to RE. Repeated touches are self-loops, which\n"
    "change no removal effect; the collapsed weight is reported.\n"
    "\n"
    "  --order K          Markov order 1 to 4 (default 1): states are the last K touches\n"
    "  --no-nulls         converting paths only (ignore the nulls column)\n"
    "  --self-loops       keep self-loops in the chain and its transition matrix\n"
    "  --heuristics       also first touch, last touch, linear, position-based\n"
    "                     and Shapley values\n"
    "  --weights F,M,L    position-based shares of first, middle, last (0.4,0.2,0.4)\n"
    "  --transitions      print the transition matrix instead\n"
    "  --json             print JSON instead of text\n"
    "  -o, --output FILE  also write the JSON to FILE\n"
    "\n"
    "The file:\n"
    "  --path COL, --conversions COL, --value COL, --nulls COL\n"
    "                     columns by header name or 1-based number (default: the\n"
    "                     usual names; --value '' or --nulls '': the file has none)\n"
    "  --separator S      text between touches (default '>')\n"
    "  --delimiter C      field separator: one character or 'tab' (default: detected)\n"
    "  --no-header        the first line is data\n"
    "  --skip-bad-rows    skip malformed rows (counted and reported) instead of stopping\n"
    "  --threads N        1: read and parse in one thread; 2: a helper thread parses\n"
    "                     the paths (same results); 0 (default): 2 with a second processor\n"
    "\n"
    "Example: cxm attribution PathData.csv --order 2 --heuristics\n",
    sizeof(attribution_args), parse_attribution, run_attribution,
};

static bool parse_weights(const char *text, double w[3])
{
    char *end;
    const char *s = text;
    for (int i = 0; i < 3; i++) {
        w[i] = strtod(s, &end);
        if (end == s || !isfinite(w[i]) || w[i] < 0)
            return false;
        if (i < 2) {
            if (*end != ',')
                return false;
            s = end + 1;
        }
    }
    return *end == '\0';
}

static int parse_attribution(void *args, int argc, char **argv)
{
    enum { O_NO_NULLS = 256, O_SELF, O_HEUR, O_WEIGHTS, O_TRANS, O_JSON, O_PATH, O_CONV,
           O_VALUE, O_NULLS, O_SEP, O_THREADS };
    static const struct option options[] = {
        PATH_CLI_LONG_OPTIONS,
        { "no-nulls", no_argument, NULL, O_NO_NULLS },
        { "self-loops", no_argument, NULL, O_SELF },
        { "heuristics", no_argument, NULL, O_HEUR },
        { "weights", required_argument, NULL, O_WEIGHTS },
        { "transitions", no_argument, NULL, O_TRANS },
        { "json", no_argument, NULL, O_JSON },
        { "output", required_argument, NULL, 'o' },
        { "path", required_argument, NULL, O_PATH },
        { "conversions", required_argument, NULL, O_CONV },
        { "value", required_argument, NULL, O_VALUE },
        { "nulls", required_argument, NULL, O_NULLS },
        { "separator", required_argument, NULL, O_SEP },
        { "threads", required_argument, NULL, O_THREADS },
        { NULL, 0, NULL, 0 },
    };
    attribution_args *a = args;
    a->mo = (cxm_markov_options)CXM_MARKOV_OPTIONS_INIT;
    a->ho = (cxm_heuristic_options)CXM_HEURISTIC_OPTIONS_INIT;
    cxm_csv_options_init(&a->csv);
    a->csv.delimiter = CXM_CSV_DETECT;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":o:", options, NULL)) != -1) {
        double w[3];
        int handled = path_file_option("attribution", c, optarg, &a->mo, &a->csv);
        if (handled < 0)
            return CLI_EXIT_USAGE;
        if (handled)
            continue;
        switch (c) {
        case O_NO_NULLS: a->mo.use_nulls = 0; break;
        case O_SELF: a->mo.keep_self_loops = 1; break;
        case O_HEUR: a->heuristics = true; break;
        case O_WEIGHTS:
            if (!parse_weights(optarg, w))
                return cli_usage_error("attribution",
                                       "--weights needs three numbers >= 0 like 0.4,0.2,0.4, got '%s'",
                                       optarg);
            a->ho.first_weight = w[0];
            a->ho.middle_weight = w[1];
            a->ho.last_weight = w[2];
            a->heuristics = true;
            break;
        case O_TRANS: a->transitions = true; break;
        case O_JSON: a->json = true; break;
        case 'o': a->output = optarg; break;
        case O_PATH: a->path_col = optarg; break;
        case O_CONV: a->conv_col = optarg; break;
        case O_VALUE: a->value_col = optarg; break;
        case O_NULLS: a->nulls_col = optarg; break;
        case O_SEP: a->separator = optarg; break;
        case O_THREADS:
            if (!cli_parse_size("attribution", "threads", optarg, &a->threads))
                return CLI_EXIT_USAGE;
            if (a->threads > 64)
                return cli_usage_error("attribution", "--threads must be 0 to 64, got %zu", a->threads);
            break;
        case ':':
            return cli_usage_error("attribution", "%s needs a value", argv[optind - 1]);
        default:
            return cli_usage_error("attribution", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage_error("attribution", "no path file given");
    a->file = argv[optind++];
    if (optind < argc)
        return cli_usage_error("attribution", "unexpected argument '%s'", argv[optind]);
    return CLI_EXIT_OK;
}

/* What cxm attribution computes: the Markov attribution (or the transition
 * matrix), and with --heuristics the heuristics and Shapley values. */
typedef struct attribution_tables {
    cxm_table *markov, *heur, *shapley, *trans;
} attribution_tables;

static void attribution_tables_free(attribution_tables *t)
{
    cxm_table_free(t->markov);
    cxm_table_free(t->heur);
    cxm_table_free(t->shapley);
    cxm_table_free(t->trans);
}

static const char *paths_skipped_message(const void *paths, size_t i)
{
    return cxm_paths_skipped_message(paths, i);
}

static int compute_attribution(const attribution_args *a, attribution_tables *t)
{
    cxm_paths *paths = NULL;
    int status = cxm_paths_create(&paths, a->separator);
    if (status == CXM_OK)
        status = cxm_paths_set_threads(paths, (unsigned)a->threads);
    if (status != CXM_OK)
        return cli_library_error("attribution", status, true);
    status = cxm_paths_read_csv(paths, a->file, a->path_col, a->conv_col, a->value_col,
                                a->nulls_col, &a->csv);
    if (status == CXM_OK)
        path_cli_report_skipped("attribution", cxm_paths_skipped(paths), paths_skipped_message,
                                paths);
    if (status == CXM_OK && a->transitions)
        status = cxm_attribution_transitions(&t->trans, paths, &a->mo);
    else if (status == CXM_OK)
        status = cxm_attribution_markov(&t->markov, paths, &a->mo);
    if (status == CXM_OK && a->heuristics && !a->transitions) {
        status = cxm_attribution_heuristic(&t->heur, paths, &a->ho);
        if (status == CXM_OK)
            status = cxm_attribution_shapley(&t->shapley, paths);
    }
    cxm_paths_free(paths);
    return status == CXM_OK ? CLI_EXIT_OK : cli_library_error("attribution", status, false);
}

static void print_attribution(const attribution_args *a, const attribution_tables *t)
{
    const cxm_markov_options mo = a->mo;
    const cxm_heuristic_options ho = a->ho;
    if (a->transitions) {
        printf("Transition matrix, order %u (%.0f states, %.0f transitions; self-loop weight %g%s)\n",
               mo.order, table_scalar_or_nan(t->trans, "states"),
               table_scalar_or_nan(t->trans, "transitions"),
               table_scalar_or_nan(t->trans, "self_loop_weight"),
               mo.keep_self_loops ? ", kept" : ", collapsed");
        table_print(stdout, t->trans, NULL, NULL, 0);
        return;
    }
    printf("Markov attribution, order %u, solved exactly: %.0f journeys on %.0f paths, "
           "%.0f conversions%s\n",
           mo.order, table_scalar_or_nan(t->markov, "paths"),
           table_scalar_or_nan(t->markov, "path_rows"),
           table_scalar_or_nan(t->markov, "total_conversions"),
           mo.use_nulls ? "" : " (converting paths only)");
    printf("P(conversion) = %.9g; %.0f states; repeated touches collapsed as self-loops: "
           "weight %g; certified error bound %.1e\n",
           table_scalar_or_nan(t->markov, "conversion_probability"),
           table_scalar_or_nan(t->markov, "states"),
           table_scalar_or_nan(t->markov, "self_loop_weight"),
           table_scalar_or_nan(t->markov, "solver_error_bound"));
    static const char *const cols[] = { "channel", "removal_effect", "conversions",
                                        "value_removal_effect", "value", NULL };
    table_print(stdout, t->markov, cols, NULL, 0);
    if (t->heur) {
        printf("\nHeuristics (per touch; position-based %g/%g/%g) and Shapley values\n",
               ho.first_weight, ho.middle_weight, ho.last_weight);
        static const char *const hcols[] = { "channel", "first_touch", "last_touch",
                                             "linear", "position_based", NULL };
        table_print(stdout, t->heur, hcols, NULL, 0);
        static const char *const scols[] = { "channel", "shapley", "shapley_value", NULL };
        table_print(stdout, t->shapley, scols, NULL, 0);
    }
}

static cJSON *attribution_json(const attribution_args *a, const attribution_tables *t)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON *part = doc ? table_json(a->transitions ? t->trans : t->markov) : NULL;
    bool ok = part && cJSON_AddItemToObject(doc, a->transitions ? "transitions" : "markov", part);
    if (!ok)
        cJSON_Delete(part);
    if (ok && t->heur) {
        cJSON *h = table_json(t->heur), *s = table_json(t->shapley);
        ok = h && cJSON_AddItemToObject(doc, "heuristics", h);
        if (!ok)
            cJSON_Delete(h);
        ok = ok && s && cJSON_AddItemToObject(doc, "shapley", s);
        if (!ok)
            cJSON_Delete(s);
    }
    if (!ok) {
        cJSON_Delete(doc);
        doc = NULL;
    }
    return doc;
}

static int run_attribution(const void *args)
{
    const attribution_args *a = args;
    attribution_tables t = { NULL, NULL, NULL, NULL };
    int code = compute_attribution(a, &t);
    if (code == CLI_EXIT_OK && !a->json)
        print_attribution(a, &t);
    if (code == CLI_EXIT_OK && (a->json || a->output))
        code = json_write("attribution", attribution_json(a, &t), a->output, a->json);
    attribution_tables_free(&t);
    return code;
}
