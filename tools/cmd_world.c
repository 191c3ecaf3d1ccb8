/* cxm world: simulate a customer base (cxm/sim.h) and write its files. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cxm.h>

#include "cli.h"
#include "progress.h"

enum { MAX_QUALITY = 64 };

typedef struct world_args {
    const char *output, *settings; /* settings: NULL for the built-in world */
    size_t customers, seed, nquality;
    bool has_seed, print;
    struct {
        const char *spec; /* ID=Q as given */
        char id[256];
        double value;
    } quality[MAX_QUALITY];
} world_args;

static int parse_world(void *args, int argc, char **argv);
static int run_world(const void *args);

const cli_command cli_command_world = {
    "world",
    "simulate customers whose journeys, emotions and purchases the models can study",
    "usage: cxm world [SETTINGS.json] -o DIR [OPTIONS]\n"
    "       cxm world [SETTINGS.json] --print-settings\n"
    "\n"
    "Simulate a customer base where all three models of libcxm live: customers\n"
    "with their own expectations walk through the touchpoints of a journey map,\n"
    "perceive and feel each one, decide to explore, buy, promote or leave, rate\n"
    "touchpoints and answer a survey; buyers keep buying over calendar time by\n"
    "a BG/NBD process until they drop out (satisfaction moves the dropout) and\n"
    "spend by the Gamma-Gamma model; employees rate their own touchpoints. The\n"
    "same seed gives the same world on every platform.\n"
    "\n"
    "SETTINGS.json changes the built-in world (docs/simulation.md); every key\n"
    "is optional. Files written to DIR (created if needed; they replace those\n"
    "there together once all are complete, so a failed run leaves DIR as it was):\n"
    "  events.csv        customer,timestamp,touchpoint,value,rating,valence,segment\n"
    "  transactions.csv  customer_id,date,amount\n"
    "  survey.csv        respondent, segment, date, recommend (0-10), csat (1-5),\n"
    "                    the chain preset's items EXPE1..STAY2 (1-10), rate_ID\n"
    "  customers.csv     the truth: latent constructs, decisions, purchases\n"
    "  map.json          the journey map with the employees' self-ratings\n"
    "  settings.json     the complete settings\n"
    "which the other commands read:\n"
    "  cxm journey DIR/map.json DIR/events.csv --segment segment\n"
    "  cxm rfm DIR/transactions.csv --customer customer_id --date date --amount amount\n"
    "  cxm nps DIR/survey.csv --column recommend\n"
    "  cxm survey --preset chain DIR/survey.csv\n"
    "\n"
    "  -o, --output DIR      directory for the files\n"
    "  --customers N         number of customers\n"
    "  --seed S              random seed (a whole number below 2^53)\n"
    "  --quality ID=Q        the quality touchpoint ID delivers (0-10); repeatable:\n"
    "                        the same customers, with one thing changed\n"
    "  --print-settings      print the complete settings as JSON and stop\n"
    "  --quiet               no progress line on stderr\n"
    "\n"
    "Example: cxm world -o world --customers 10000 --seed 7\n",
    sizeof(world_args), parse_world, run_world,
};

enum { O_OUTPUT = 'o', O_CUSTOMERS = 4000, O_SEED, O_QUALITY, O_PRINT };

static int parse_world(void *args, int argc, char **argv)
{
    static const struct option options[] = {
        { "output", required_argument, NULL, O_OUTPUT },
        { "customers", required_argument, NULL, O_CUSTOMERS },
        { "seed", required_argument, NULL, O_SEED },
        { "quality", required_argument, NULL, O_QUALITY },
        { "print-settings", no_argument, NULL, O_PRINT },
        { NULL, 0, NULL, 0 },
    };
    world_args *a = args;
    cli_getopt_reset();
    int ch;
    while ((ch = getopt_long(argc, argv, ":o:", options, NULL)) != -1) {
        switch (ch) {
        case O_OUTPUT: a->output = optarg; break;
        case O_CUSTOMERS:
            if (!cli_parse_size("world", "customers", optarg, &a->customers))
                return CLI_EXIT_USAGE;
            if (a->customers == 0)
                return cli_usage_error("world", "--customers must be at least 1");
            break;
        case O_SEED:
            if (!cli_parse_size("world", "seed", optarg, &a->seed))
                return CLI_EXIT_USAGE;
            a->has_seed = true;
            break;
        case O_QUALITY: {
            const char *eq = strchr(optarg, '=');
            if (a->nquality == MAX_QUALITY)
                return cli_usage_error("world", "at most %d --quality options", MAX_QUALITY);
            if (eq == NULL)
                return cli_usage_error("world", "--quality needs ID=Q, got '%s'", optarg);
            if ((size_t)(eq - optarg) >= sizeof a->quality[0].id)
                return cli_usage_error("world", "--quality: the touchpoint id of '%s' is too long",
                                       optarg);
            a->quality[a->nquality].spec = optarg;
            snprintf(a->quality[a->nquality].id, sizeof a->quality[0].id, "%.*s",
                     (int)(eq - optarg), optarg);
            if (!cli_parse_double("world", "quality", eq + 1, &a->quality[a->nquality].value))
                return CLI_EXIT_USAGE;
            a->nquality++;
            break;
        }
        case O_PRINT: a->print = true; break;
        case ':': return cli_usage_error("world", "%s needs a value", argv[optind - 1]);
        default: return cli_usage_error("world", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind > 1)
        return cli_usage_error("world", "unexpected argument '%s'", argv[optind + 1]);
    if (!a->print && a->output == NULL)
        return cli_usage_error("world", "-o DIR is required (or --print-settings)");
    a->settings = optind < argc ? argv[optind] : NULL;
    return CLI_EXIT_OK;
}

static int run_world(const void *args)
{
    const world_args *a = args;
    const char *output = a->output;
    cxm_sim_settings *settings = NULL;
    int status = a->settings ? cxm_sim_settings_load_json(&settings, a->settings)
                             : cxm_sim_settings_default(&settings);
    if (status != CXM_OK)
        return cli_library_error("world", status, false);
    if (a->customers)
        status = cxm_sim_settings_set_customers(settings, a->customers);
    if (status == CXM_OK && a->has_seed)
        status = cxm_sim_settings_set_seed(settings, a->seed);
    for (size_t i = 0; status == CXM_OK && i < a->nquality; i++) {
        status = cxm_sim_settings_set_quality(settings, a->quality[i].id, a->quality[i].value);
        if (status != CXM_OK) {
            cxm_sim_settings_free(settings);
            return cli_usage_error("world", "--quality %s: %s", a->quality[i].spec,
                                   cxm_error_message());
        }
    }
    if (status != CXM_OK) {
        cxm_sim_settings_free(settings);
        return cli_library_error("world", status, true);
    }
    if (a->print) {
        char *json = NULL;
        status = cxm_sim_settings_to_json(&json, settings);
        if (status == CXM_OK)
            puts(json);
        cxm_free(json);
        cxm_sim_settings_free(settings);
        return status == CXM_OK ? CLI_EXIT_OK : cli_library_error("world", status, false);
    }
    bool created = mkdir(output, 0777) == 0;
    if (!created && errno != EEXIST) {
        fprintf(stderr, "cxm world: cannot create %s: %s\n", output, strerror(errno));
        cxm_sim_settings_free(settings);
        return CLI_EXIT_DATA;
    }
    cli_progress progress;
    cli_progress_start(&progress, "world");
    cli_progress_step(&progress, "simulating %zu customers", cxm_sim_settings_customers(settings));
    cxm_sim_options run_options = CXM_SIM_OPTIONS_INIT;
    run_options.progress = cli_progress_update;
    run_options.progress_data = &progress;
    cxm_sim *world = NULL;
    status = cxm_sim_run(&world, settings, &run_options);
    if (status == CXM_OK) {
        cli_progress_step(&progress, "writing %s", output);
        status = cxm_sim_write(world, output);
    }
    cli_progress_end(&progress);
    int code = CLI_EXIT_OK;
    if (status != CXM_OK) {
        code = cli_library_error("world", status, false);
        if (created) /* a failed run leaves no trace (cxm_sim_write left it empty) */
            rmdir(output);
    } else {
        cxm_table *truth = NULL;
        if (cxm_sim_customers(&truth, world) == CXM_OK) {
            double buyers = NAN, promoters = NAN, respondents = NAN;
            cxm_table_scalar(&buyers, truth, "buyers");
            cxm_table_scalar(&promoters, truth, "promoters");
            cxm_table_scalar(&respondents, truth, "respondents");
            printf("%zu customers, %.0f buyers, %.0f promoters, %.0f survey answers: files "
                   "in %s\n",
                    cxm_sim_settings_customers(settings), buyers, promoters, respondents, output);
        }
        cxm_table_free(truth);
    }
    cxm_sim_free(world);
    cxm_sim_settings_free(settings);
    return code;
}
