/* cxm nps: Net Promoter Score of a survey column, with Wald and
 * adjusted-Wald intervals. */
#include "config.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <cxm.h>

#include "cli.h"

typedef struct nps_args {
    cxm_csv_options csv;
    const char *file, *column;
    double level;
    bool json;
} nps_args;

static int parse_nps(void *args, int argc, char **argv);
static int run_nps(const void *args);

const cli_command cli_command_nps = {
    "nps",
    "Net Promoter Score of a survey column, with confidence intervals",
    "usage: cxm nps FILE --column COL [--level L] [--json] [FILE OPTIONS]\n"
    "\n"
    "Net Promoter Score of the answers to \"how likely are you to recommend us?\"\n"
    "(0..10) in one column of a delimited text file: promoters answer 9 or 10,\n"
    "detractors 0 to 6, NPS = %promoters - %detractors (Reichheld 2003). Empty\n"
    "fields and NA, N/A, NaN, NULL are missing answers and are skipped. Prints\n"
    "the score, its standard error and two intervals: Wald (NPS +- z SE) and the\n"
    "adjusted Wald of Rocks (2016), which adds 3/4 promoter, 3/4 detractor and 3\n"
    "respondents and keeps its coverage in small samples.\n"
    "\n"
    "  --column COL        the column, by header name or 1-based number\n"
    "  --level L           confidence level of the intervals (default 0.95)\n"
    "  --json              print a JSON object instead of text\n"
    "\n"
    "The file:\n"
    "  --delimiter C       field separator: one character, 'tab', 'space' (runs of\n"
    "                      blanks) or 'auto' (default: detected from the first line)\n"
    "  --no-header         the first line is data (give the column by number)\n"
    "  --quote C, --no-quote   quote character (default \") or none\n"
    "  --skip-bad-rows     skip malformed rows instead of stopping at the first\n"
    "\n"
    "Example: cxm nps survey.csv --column recommend\n",
    sizeof(nps_args), parse_nps, run_nps,
};

/* Shared by cxm nps and cxm survey: the file-layout options. */
bool cli_chain_file_option(const char *command, int option, const char *value,
                           cxm_csv_options *csv, int *status);
bool cli_chain_file_option(const char *command, int option, const char *value,
                           cxm_csv_options *csv, int *status)
{
    switch (option) {
    case 'D':
        if (strcmp(value, "tab") == 0 || strcmp(value, "\\t") == 0)
            csv->delimiter = '\t';
        else if (strcmp(value, "space") == 0 || strcmp(value, "whitespace") == 0)
            csv->delimiter = CXM_CSV_WHITESPACE;
        else if (strcmp(value, "auto") == 0)
            csv->delimiter = CXM_CSV_DETECT;
        else if (strlen(value) == 1 && value[0] != '\n' && value[0] != '\r')
            csv->delimiter = (unsigned char)value[0];
        else
            *status = cli_usage_error(command, "--delimiter needs one character, 'tab', 'space' "
                                               "or 'auto', got '%s'", value);
        return true;
    case 'N':
        csv->header = 0;
        return true;
    case 'Q':
        if (strlen(value) != 1)
            *status = cli_usage_error(command, "--quote needs one character, got '%s'", value);
        else
            csv->quote = (unsigned char)value[0];
        return true;
    case 'q':
        csv->quote = 0;
        return true;
    case 'S':
        csv->skip_bad_rows = 1;
        return true;
    default:
        return false;
    }
}

static int parse_nps(void *args, int argc, char **argv)
{
    static const struct option options[] = {
        { "column", required_argument, NULL, 'c' },
        { "level", required_argument, NULL, 'l' },
        { "json", no_argument, NULL, 'j' },
        { "delimiter", required_argument, NULL, 'D' },
        { "no-header", no_argument, NULL, 'N' },
        { "quote", required_argument, NULL, 'Q' },
        { "no-quote", no_argument, NULL, 'q' },
        { "skip-bad-rows", no_argument, NULL, 'S' },
        { NULL, 0, NULL, 0 },
    };
    nps_args *a = args;
    a->csv = (cxm_csv_options)CXM_CSV_OPTIONS_INIT;
    a->csv.delimiter = CXM_CSV_DETECT;
    a->level = 0.95;
    cli_getopt_reset();
    int c, status = CLI_EXIT_OK;
    while ((c = getopt_long(argc, argv, ":c:l:j", options, NULL)) != -1) {
        switch (c) {
        case 'c':
            a->column = optarg;
            break;
        case 'l':
            if (!cli_parse_double("nps", "level", optarg, &a->level))
                return CLI_EXIT_USAGE;
            break;
        case 'j':
            a->json = true;
            break;
        case ':':
            return cli_usage_error("nps", "%s needs a value", argv[optind - 1]);
        default:
            if (cli_chain_file_option("nps", c, optarg, &a->csv, &status)) {
                if (status != CLI_EXIT_OK)
                    return status;
                break;
            }
            return cli_usage_error("nps", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage_error("nps", "give the survey file");
    if (optind + 1 < argc)
        return cli_usage_error("nps", "unexpected argument '%s'", argv[optind + 1]);
    if (a->column == NULL)
        return cli_usage_error("nps", "--column is required");
    if (!(a->level > 0 && a->level < 1))
        return cli_usage_error("nps", "--level %g is outside (0, 1)", a->level);
    a->file = argv[optind];
    return CLI_EXIT_OK;
}

static int run_nps(const void *args)
{
    const nps_args *a = args;
    const char *column = a->column;
    double level = a->level;
    cxm_survey *survey = NULL;
    cxm_nps_estimate e;
    int rc = cxm_survey_read(&survey, a->file, 1, &column, &a->csv);
    if (rc == CXM_OK)
        rc = cxm_survey_nps(&e, survey, cxm_survey_column_name(survey, 0), level);
    size_t skipped = cxm_survey_skipped(survey);
    cxm_survey_free(survey);
    if (rc != CXM_OK)
        return cli_library_error("nps", rc, false);
    if (skipped > 0)
        fprintf(stderr, "cxm nps: %zu malformed rows skipped\n", skipped);

    if (a->json) {
        cJSON *doc = cJSON_CreateObject();
        if (doc) {
            cJSON_AddStringToObject(doc, "column", column);
            cJSON_AddNumberToObject(doc, "nps", e.nps);
            cJSON_AddNumberToObject(doc, "std_error", e.std_error);
            cJSON_AddNumberToObject(doc, "respondents", e.respondents);
            cJSON_AddNumberToObject(doc, "promoters", e.promoters);
            cJSON_AddNumberToObject(doc, "passives", e.passives);
            cJSON_AddNumberToObject(doc, "detractors", e.detractors);
            cJSON_AddNumberToObject(doc, "level", e.level);
            cJSON_AddNumberToObject(doc, "wald_lower", e.wald_lower);
            cJSON_AddNumberToObject(doc, "wald_upper", e.wald_upper);
            cJSON_AddNumberToObject(doc, "adjusted", e.adjusted);
            cJSON_AddNumberToObject(doc, "adjusted_std_error", e.adjusted_std_error);
            cJSON_AddNumberToObject(doc, "adjusted_lower", e.adjusted_lower);
            cJSON_AddNumberToObject(doc, "adjusted_upper", e.adjusted_upper);
        }
        return cli_print_json(doc);
    }
    printf("NPS %.3f (%.0f answers: %.0f promoters, %.0f passives, %.0f detractors)\n", e.nps,
           e.respondents, e.promoters, e.passives, e.detractors);
    printf("standard error %.4f\n", e.std_error);
    printf("%g%% Wald interval           [%.3f, %.3f]\n", 100 * level, e.wald_lower, e.wald_upper);
    printf("%g%% adjusted-Wald interval  [%.3f, %.3f]  (Rocks 2016, centred on %.3f)\n",
           100 * level, e.adjusted_lower, e.adjusted_upper, e.adjusted);
    return CLI_EXIT_OK;
}
