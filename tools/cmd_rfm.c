/* cxm rfm: the per-customer summary of a transaction log (frequency,
 * recency, T, monetary value; calibration and holdout). */
#define _POSIX_C_SOURCE 200809L
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cxm.h>

#include "cli.h"
#include "output.h"
#include "progress.h"

typedef struct rfm_args {
    cxm_csv_options csv;
    cxm_rfm_options opt;
    const char *path, *customer, *date, *amount, *output;
    bool unique;
} rfm_args;

static int parse_rfm(void *args, int argc, char **argv);
static int run_rfm(const void *args);

const cli_command cli_command_rfm = {
    "rfm",
    "per-customer frequency, recency, T and value from a transaction log",
    "usage: cxm rfm FILE --customer COL --date COL [--amount COL] [OPTIONS]\n"
    "\n"
    "Summarise a transaction log (one row per purchase) into one row per\n"
    "customer: frequency (repeat purchases: time units with a purchase after\n"
    "the first one's), recency (first to last purchase), T (first purchase to\n"
    "the end of the calibration period), monetary_value (mean amount per\n"
    "repeat unit) and first_purchase, as CSV. Purchases in one time unit are\n"
    "merged and their amounts summed. With --calibration-end, purchases after\n"
    "it up to the observation end give frequency_holdout,\n"
    "monetary_value_holdout and duration_holdout. Rows may be in any order.\n"
    "\n"
    "Columns are given by header name or by 1-based number.\n"
    "  --customer COL          customer id column (text of any length)\n"
    "  --date COL              purchase date or time column\n"
    "  --amount COL            amount column (adds the monetary value columns)\n"
    "\n"
    "The file:\n"
    "  --delimiter C           field separator: one character, 'tab', or 'space'\n"
    "                          (runs of blanks, as awk); default: detected from\n"
    "                          the first line (, ; tab | or blanks)\n"
    "  --no-header             the first line is data (columns by number)\n"
    "  --quote C, --no-quote   quote character (default \") or none\n"
    "  --date-format FMT       auto (ISO 8601 or YYYYMMDD, the default), epoch,\n"
    "                          epoch_ms, or a strftime pattern such as %d/%m/%Y\n"
    "  --skip-bad-rows         skip malformed rows (counted, the first reported\n"
    "                          on stderr) instead of stopping at the first\n"
    "\n"
    "The summary:\n"
    "  --unit U                time unit: day (default), week (Monday to\n"
    "                          Sunday), month, quarter, year, hour, or a\n"
    "                          number of days\n"
    "  --scale S               give recency, T and durations in units of S time\n"
    "                          units (lifetimes' freq_multiplier): --unit day\n"
    "                          --scale 7 gives weeks as days/7\n"
    "  --calibration-end DATE  end of the calibration period (its unit included)\n"
    "  --observation-end DATE  ignore purchases after DATE (default: the last)\n"
    "  --include-first         count the first purchase in frequency and value\n"
    "  --threads N             1: one thread; 2: parse and summarise in two\n"
    "                          (default: 2 when there is a second processor)\n"
    "  --unique                write the compressed form instead: distinct\n"
    "                          frequency, recency, T with their customer counts\n"
    "  -o, --output FILE       write to FILE instead of standard output\n"
    "\n"
    "Dates on the command line are ISO 8601 (1997-09-30) or in --date-format.\n"
    "\n"
    "Example, the CDNOW sample (whitespace-separated, no header, YYYYMMDD):\n"
    "  cxm rfm CDNOW_sample.txt --no-header --customer 2 --date 3 --amount 5 \\\n"
    "      --unit day --scale 7 --calibration-end 1997-09-30\n",
    sizeof(rfm_args), parse_rfm, run_rfm,
};

/* ------------------------------------------------------------------ progress */

typedef struct progress {
    const char *path;
    struct timespec last;
    bool shown;
} progress;

static void show_progress(unsigned long long done, unsigned long long total, void *user_data)
{
    progress *p = user_data;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double since = (double)(now.tv_sec - p->last.tv_sec) + (double)(now.tv_nsec - p->last.tv_nsec) * 1e-9;
    if (p->shown && since < 0.25)
        return;
    p->last = now;
    p->shown = true;
    if (total > 0)
        fprintf(stderr, "\rcxm rfm: %s: %3.0f%% (%llu of %llu MB)", p->path,
                100.0 * (double)(done > total ? total : done) / (double)total, done >> 20, total >> 20);
    else
        fprintf(stderr, "\rcxm rfm: %s: %llu MB", p->path, done >> 20);
    fflush(stderr);
}

/* ------------------------------------------------------------------ option values */

/* ISO 8601 (or YYYYMMDD) first, then the file's date format. */
static bool parse_date(const char *option, const char *text, const char *format, double *out)
{
    if (cxm_time_parse(out, text, NULL) == CXM_OK)
        return true;
    if (format && cxm_time_parse(out, text, format) == CXM_OK)
        return true;
    cli_usage_error("rfm", "--%s needs a date such as 1997-09-30%s%s%s, got '%s'", option,
                    format ? " or one in the format '" : "", format ? format : "", format ? "'" : "",
                    text);
    return false;
}

/* ------------------------------------------------------------------ the command */

static int parse_rfm(void *args, int argc, char **argv)
{
    enum { O_CUSTOMER = 256, O_DATE, O_AMOUNT, O_DELIMITER, O_NO_HEADER, O_QUOTE, O_NO_QUOTE,
           O_DATE_FORMAT, O_SKIP, O_UNIT, O_SCALE, O_CAL, O_OBS, O_FIRST, O_UNIQUE, O_THREADS };
    static const struct option options[] = {
        { "customer", required_argument, NULL, O_CUSTOMER },
        { "date", required_argument, NULL, O_DATE },
        { "amount", required_argument, NULL, O_AMOUNT },
        { "delimiter", required_argument, NULL, O_DELIMITER },
        { "no-header", no_argument, NULL, O_NO_HEADER },
        { "quote", required_argument, NULL, O_QUOTE },
        { "no-quote", no_argument, NULL, O_NO_QUOTE },
        { "date-format", required_argument, NULL, O_DATE_FORMAT },
        { "skip-bad-rows", no_argument, NULL, O_SKIP },
        { "unit", required_argument, NULL, O_UNIT },
        { "scale", required_argument, NULL, O_SCALE },
        { "calibration-end", required_argument, NULL, O_CAL },
        { "observation-end", required_argument, NULL, O_OBS },
        { "include-first", no_argument, NULL, O_FIRST },
        { "unique", no_argument, NULL, O_UNIQUE },
        { "threads", required_argument, NULL, O_THREADS },
        { "output", required_argument, NULL, 'o' },
        { NULL, 0, NULL, 0 },
    };
    rfm_args *a = args;
    cxm_csv_options *csv = &a->csv;
    cxm_rfm_options *opt = &a->opt;
    cxm_csv_options_init(csv);
    csv->delimiter = CXM_CSV_DETECT;
    cxm_rfm_options_init(opt);
    opt->threads = 0; /* a helper thread when there is a second processor */
    const char *cal_text = NULL, *obs_text = NULL;

    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":o:", options, NULL)) != -1) {
        switch (c) {
        case O_CUSTOMER: a->customer = optarg; break;
        case O_DATE: a->date = optarg; break;
        case O_AMOUNT: a->amount = optarg; break;
        case O_DELIMITER:
            if (!cli_parse_delimiter(optarg, &csv->delimiter))
                return cli_usage_error("rfm", "--delimiter needs one character, 'tab' or 'space', got '%s'",
                                       optarg);
            break;
        case O_NO_HEADER: csv->header = 0; break;
        case O_QUOTE:
            if (strlen(optarg) != 1)
                return cli_usage_error("rfm", "--quote needs one character, got '%s'", optarg);
            csv->quote = (unsigned char)optarg[0];
            break;
        case O_NO_QUOTE: csv->quote = 0; break;
        case O_DATE_FORMAT: csv->date_format = optarg; break;
        case O_SKIP: csv->skip_bad_rows = 1; break;
        case O_UNIT:
            if (cxm_rfm_options_set_unit(opt, optarg) != CXM_OK)
                return cli_usage_error("rfm", "--unit needs day, week, month, quarter, year, hour or a "
                                              "number of days, got '%s'", optarg);
            break;
        case O_SCALE:
            if (!cli_parse_double("rfm", "scale", optarg, &opt->scale))
                return CLI_EXIT_USAGE;
            break;
        case O_CAL: cal_text = optarg; break;
        case O_OBS: obs_text = optarg; break;
        case O_FIRST: opt->include_first = 1; break;
        case O_UNIQUE: a->unique = true; break;
        case O_THREADS: {
            size_t threads;
            if (!cli_parse_size("rfm", "threads", optarg, &threads))
                return CLI_EXIT_USAGE;
            if (threads < 1 || threads > 2)
                return cli_usage_error("rfm", "--threads needs 1 or 2, got '%s'", optarg);
            opt->threads = (unsigned)threads;
            break;
        }
        case 'o': a->output = optarg; break;
        case ':':
            return cli_usage_error("rfm", "%s needs a value", argv[optind - 1]);
        default:
            return cli_usage_error("rfm", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage_error("rfm", "no transaction file given");
    a->path = argv[optind++];
    if (optind < argc)
        return cli_usage_error("rfm", "unexpected argument '%s'", argv[optind]);
    if (!a->customer || !a->date)
        return cli_usage_error("rfm", "--customer and --date are required");
    if (cal_text && !parse_date("calibration-end", cal_text, csv->date_format, &opt->calibration_end))
        return CLI_EXIT_USAGE;
    if (obs_text && !parse_date("observation-end", obs_text, csv->date_format, &opt->observation_end))
        return CLI_EXIT_USAGE;
    return CLI_EXIT_OK;
}

static int run_rfm(const void *args)
{
    const rfm_args *a = args;
    cxm_csv_options csv = a->csv;
    const char *path = a->path, *output = a->output;
    bool unique = a->unique;

    /* A progress line only for long files, and only for a person watching. */
    progress p = { path, { 0, 0 }, false };
    struct stat st;
    if (isatty(STDERR_FILENO) && stat(path, &st) == 0 && st.st_size >= (64 << 20)) {
        csv.progress = show_progress;
        csv.progress_data = &p;
    }
    if (cli_quiet) /* --quiet (tools/cxm.c) */
        csv.progress = NULL;
    cxm_rfm *rfm = NULL;
    int status = cxm_rfm_read_csv(&rfm, path, a->customer, a->date, a->amount, &csv, &a->opt);
    if (p.shown)
        fprintf(stderr, "\r\033[K");
    if (status != CXM_OK)
        return cli_library_error("rfm", status, true);

    unsigned long long skipped = cxm_rfm_stat(rfm, CXM_RFM_SKIPPED);
    if (skipped > 0) {
        fprintf(stderr, "cxm rfm: skipped %llu bad row%s:\n", skipped, skipped == 1 ? "" : "s");
        const char *message;
        for (size_t i = 0; (message = cxm_rfm_skipped_message(rfm, i)) != NULL; i++)
            fprintf(stderr, "  %s\n", message);
        if (skipped > 10)
            fprintf(stderr, "  ...\n");
    }

    if (!unique && output && strcmp(output, "-") != 0) {
        status = cxm_rfm_write_csv(rfm, output);
        cxm_rfm_free(rfm);
        return status == CXM_OK ? CLI_EXIT_OK : cli_library_error("rfm", status, false);
    }
    cli_output out;
    FILE *stream = cli_output_open(&out, "rfm", output);
    if (stream == NULL) {
        cxm_rfm_free(rfm);
        return CLI_EXIT_DATA;
    }
    status = unique ? cxm_rfm_write_unique_csv_stream(rfm, stream)
                    : cxm_rfm_write_csv_stream(rfm, stream);
    cxm_rfm_free(rfm);
    if (status == CXM_EIO && ferror(stream)) {
        /* The stream failed: cli_output_close says so, naming the file (for
         * standard output, main() does). */
        cli_output_close(&out);
        return CLI_EXIT_DATA;
    }
    if (status != CXM_OK) {
        cli_output_abort(&out);
        fprintf(stderr, "cxm rfm: writing %s: %s\n", output ? output : "standard output",
                cxm_error_message());
        return CLI_EXIT_DATA;
    }
    return cli_output_close(&out);
}
