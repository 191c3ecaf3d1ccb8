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
#include "table_out.h"

static int run_attribution(int argc, char **argv);

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
    run_attribution,
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

static int run_attribution(int argc, char **argv)
{
    enum { O_ORDER = 256, O_NO_NULLS, O_SELF, O_HEUR, O_WEIGHTS, O_TRANS, O_JSON, O_PATH,
           O_CONV, O_VALUE, O_NULLS, O_SEP, O_DELIM, O_NO_HEADER, O_SKIP, O_THREADS };
    static const struct option options[] = {
        { "order", required_argument, NULL, O_ORDER },
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
        { "delimiter", required_argument, NULL, O_DELIM },
        { "no-header", no_argument, NULL, O_NO_HEADER },
        { "skip-bad-rows", no_argument, NULL, O_SKIP },
        { "threads", required_argument, NULL, O_THREADS },
        { NULL, 0, NULL, 0 },
    };
    cxm_markov_options mo = CXM_MARKOV_OPTIONS_INIT;
    cxm_heuristic_options ho = CXM_HEURISTIC_OPTIONS_INIT;
    cxm_csv_options csv;
    cxm_csv_options_init(&csv);
    csv.delimiter = CXM_CSV_DETECT;
    const char *output = NULL, *path_col = NULL, *conv_col = NULL, *value_col = NULL;
    const char *nulls_col = NULL, *separator = NULL;
    bool heuristics = false, transitions = false, json = false;
    size_t threads = 0;
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":o:", options, NULL)) != -1) {
        size_t k;
        double w[3];
        switch (c) {
        case O_ORDER:
            if (!cli_parse_size("attribution", "order", optarg, &k))
                return CLI_EXIT_USAGE;
            if (k < 1 || k > 4)
                return cli_usage_error("attribution", "--order must be 1 to 4, got %zu", k);
            mo.order = (unsigned)k;
            break;
        case O_NO_NULLS: mo.use_nulls = 0; break;
        case O_SELF: mo.keep_self_loops = 1; break;
        case O_HEUR: heuristics = true; break;
        case O_WEIGHTS:
            if (!parse_weights(optarg, w))
                return cli_usage_error("attribution",
                                       "--weights needs three numbers >= 0 like 0.4,0.2,0.4, got '%s'",
                                       optarg);
            ho.first_weight = w[0];
            ho.middle_weight = w[1];
            ho.last_weight = w[2];
            heuristics = true;
            break;
        case O_TRANS: transitions = true; break;
        case O_JSON: json = true; break;
        case 'o': output = optarg; break;
        case O_PATH: path_col = optarg; break;
        case O_CONV: conv_col = optarg; break;
        case O_VALUE: value_col = optarg; break;
        case O_NULLS: nulls_col = optarg; break;
        case O_SEP: separator = optarg; break;
        case O_DELIM:
            if (strcmp(optarg, "tab") == 0 || strcmp(optarg, "\\t") == 0)
                csv.delimiter = '\t';
            else if (strlen(optarg) == 1 && optarg[0] != '"')
                csv.delimiter = (unsigned char)optarg[0];
            else
                return cli_usage_error("attribution", "--delimiter needs one character or 'tab', got '%s'",
                                       optarg);
            break;
        case O_NO_HEADER: csv.header = 0; break;
        case O_SKIP: csv.skip_bad_rows = 1; break;
        case O_THREADS:
            if (!cli_parse_size("attribution", "threads", optarg, &threads))
                return CLI_EXIT_USAGE;
            if (threads > 64)
                return cli_usage_error("attribution", "--threads must be 0 to 64, got %zu", threads);
            break;
        case ':':
            return cli_usage_error("attribution", "%s needs a value", argv[optind - 1]);
        default:
            return cli_usage_error("attribution", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage_error("attribution", "no path file given");
    const char *file = argv[optind++];
    if (optind < argc)
        return cli_usage_error("attribution", "unexpected argument '%s'", argv[optind]);

    cxm_paths *paths = NULL;
    int status = cxm_paths_create(&paths, separator);
    if (status == CXM_OK)
        status = cxm_paths_set_threads(paths, (unsigned)threads);
    if (status != CXM_OK)
        return cli_library_error("attribution", status, true);
    status = cxm_paths_read_csv(paths, file, path_col, conv_col, value_col, nulls_col, &csv);
    if (status != CXM_OK) {
        cxm_paths_free(paths);
        return cli_library_error("attribution", status, false);
    }
    unsigned long long skipped = cxm_paths_skipped(paths);
    if (skipped > 0) {
        fprintf(stderr, "cxm attribution: skipped %llu bad row%s:\n", skipped, skipped == 1 ? "" : "s");
        const char *m;
        for (size_t i = 0; (m = cxm_paths_skipped_message(paths, i)) != NULL; i++)
            fprintf(stderr, "  %s\n", m);
    }
    cxm_table *markov = NULL, *heur = NULL, *shapley = NULL, *trans = NULL;
    if (transitions)
        status = cxm_attribution_transitions(&trans, paths, &mo);
    else
        status = cxm_attribution_markov(&markov, paths, &mo);
    if (status == CXM_OK && heuristics && !transitions) {
        status = cxm_attribution_heuristic(&heur, paths, &ho);
        if (status == CXM_OK)
            status = cxm_attribution_shapley(&shapley, paths);
    }
    cxm_paths_free(paths);
    if (status != CXM_OK) {
        int code = cli_library_error("attribution", status, false);
        cxm_table_free(markov);
        cxm_table_free(heur);
        cxm_table_free(shapley);
        cxm_table_free(trans);
        return code;
    }
    int code = CLI_EXIT_OK;
    const cxm_table *main_table = transitions ? trans : markov;
    if (!json) {
        if (transitions) {
            printf("Transition matrix, order %u (%.0f states, %.0f transitions; self-loop weight %g%s)\n",
                   mo.order, table_scalar_or_nan(trans, "states"),
                   table_scalar_or_nan(trans, "transitions"),
                   table_scalar_or_nan(trans, "self_loop_weight"),
                   mo.keep_self_loops ? ", kept" : ", collapsed");
            table_print(stdout, trans, NULL, NULL, 0);
        } else {
            printf("Markov attribution, order %u, solved exactly: %.0f journeys on %.0f paths, "
                   "%.0f conversions%s\n",
                   mo.order, table_scalar_or_nan(markov, "paths"),
                   table_scalar_or_nan(markov, "path_rows"),
                   table_scalar_or_nan(markov, "total_conversions"),
                   mo.use_nulls ? "" : " (converting paths only)");
            printf("P(conversion) = %.9g; %.0f states; repeated touches collapsed as self-loops: "
                   "weight %g; certified error bound %.1e\n",
                   table_scalar_or_nan(markov, "conversion_probability"),
                   table_scalar_or_nan(markov, "states"),
                   table_scalar_or_nan(markov, "self_loop_weight"),
                   table_scalar_or_nan(markov, "solver_error_bound"));
            static const char *const cols[] = { "channel", "removal_effect", "conversions",
                                                "value_removal_effect", "value", NULL };
            table_print(stdout, markov, cols, NULL, 0);
            if (heur) {
                printf("\nHeuristics (per touch; position-based %g/%g/%g) and Shapley values\n",
                       ho.first_weight, ho.middle_weight, ho.last_weight);
                static const char *const hcols[] = { "channel", "first_touch", "last_touch",
                                                     "linear", "position_based", NULL };
                table_print(stdout, heur, hcols, NULL, 0);
                static const char *const scols[] = { "channel", "shapley", "shapley_value", NULL };
                table_print(stdout, shapley, scols, NULL, 0);
            }
        }
    }
    if (json || output) {
        cJSON *doc = cJSON_CreateObject();
        cJSON *part = doc ? table_json(main_table) : NULL;
        bool ok = part && cJSON_AddItemToObject(doc, transitions ? "transitions" : "markov", part);
        if (!ok)
            cJSON_Delete(part);
        if (ok && heur) {
            cJSON *h = table_json(heur), *s = table_json(shapley);
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
        code = json_write("attribution", doc, output, json);
    }
    cxm_table_free(markov);
    cxm_table_free(heur);
    cxm_table_free(shapley);
    cxm_table_free(trans);
    return code;
}
