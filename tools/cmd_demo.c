/* cxm demo: the main job a newcomer runs first. Two parts: lifetime value
 * fitted on real data (the CDNOW sample installed with libcxm), and a
 * simulated business (cxm/sim.h) where the journey model, the emotion
 * chain and the lifetime-value models work on one world, ending with what
 * repairing its worst touchpoint is worth. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cxm.h>

#include "cli.h"
#include "demo.h"
#include "progress.h"

#ifndef CXM_PKGDATADIR
#define CXM_PKGDATADIR "/usr/local/share/libcxm"
#endif

typedef struct demo_args {
    const char *html, *settings, *cdnow;
    size_t customers, seed, bootstrap;
    bool has_seed;
} demo_args;

static int parse_demo(void *args, int argc, char **argv);
static int run_demo(const void *args);

const cli_command cli_command_demo = {
    "demo",
    "a tour of libcxm on real and simulated customers (text or HTML report)",
    "usage: cxm demo [--html FILE] [OPTIONS]\n"
    "\n"
    "Runs libcxm's three models and prints a short report; nothing to prepare.\n"
    "\n"
    "Part 1 fits lifetime-value models to the CDNOW sample (2,357 customers of\n"
    "a CD retailer, 1997-98, installed with libcxm): BG/NBD and Gamma-Gamma on\n"
    "a 39-week calibration period, the next 39 weeks predicted against what\n"
    "happened, and the most valuable customers of the next 12 months.\n"
    "\n"
    "Part 2 simulates a business (the built-in world of cxm world: a coffee\n"
    "roaster with nine touchpoints, 4,000 customers) and analyses what it\n"
    "produced as a user would: the funnel Explore > Buy > Promote, Markov\n"
    "attribution of the first purchases, employees' ratings against\n"
    "customers' (the inside-out gap), pain points and bright spots, NPS and the\n"
    "drivers of satisfaction (a PLS path model of the survey), BG/NBD fitted\n"
    "against the true parameters; then it repairs the worst touchpoint in the\n"
    "simulation and reports what that is worth.\n"
    "\n"
    "  --html FILE          also write the report as a self-contained HTML page\n"
    "                       (inline SVG charts, no scripts or external files)\n"
    "  --settings FILE      simulate this world instead (JSON, docs/simulation.md;\n"
    "                       'cxm world --print-settings' prints the built-in one)\n"
    "  --customers N        customers of the simulated world (default 4000)\n"
    "  --seed S             its seed (default 2024)\n"
    "  --bootstrap N        resamples for the path model's intervals (default 200)\n"
    "  --cdnow FILE         the CDNOW sample (default: CDNOW_sample.txt in\n"
    "                       $CXM_DATA_DIR/cdnow, else the copy installed with\n"
    "                       libcxm in PREFIX/share/libcxm/cdnow)\n"
    "  --quiet              no progress line on stderr\n"
    "\n"
    "Example: cxm demo --html report.html\n",
    sizeof(demo_args), parse_demo, run_demo,
};

/* ------------------------------------------------------------------ helpers */

const char *demo_thousands(char *buf, size_t n, double value)
{
    char digits[64];
    snprintf(digits, sizeof digits, "%.0f", fabs(value));
    size_t len = strlen(digits), used = 0;
    if (value < 0 && round(value) != 0 && used + 1 < n)
        buf[used++] = '-';
    for (size_t i = 0; i < len && used + 1 < n; i++) {
        if (i > 0 && (len - i) % 3 == 0 && used + 1 < n)
            buf[used++] = ',';
        buf[used++] = digits[i];
    }
    buf[used] = '\0';
    return buf;
}

typedef struct demo_ctx {
    cli_progress progress;
    int status; /* first failed library status */
} demo_ctx;

static bool ok(demo_ctx *c, int status)
{
    if (status != CXM_OK && c->status == CXM_OK) {
        c->status = status;
        cli_progress_end(&c->progress);
        fprintf(stderr, "cxm demo: %s\n", cxm_error_message());
    }
    return c->status == CXM_OK;
}

/* n zeros (NULL after a failure). */
static double *new_array(demo_ctx *c, size_t n)
{
    double *v = calloc(n ? n : 1, sizeof *v);
    if (v == NULL)
        ok(c, CXM_ENOMEM);
    return v;
}

/* v once filled with this status: NULL (v released) after a failure. */
static double *filled(demo_ctx *c, double *v, int status)
{
    if (!ok(c, status)) {
        free(v);
        return NULL;
    }
    return v;
}

static double *column_of(demo_ctx *c, const cxm_table *t, const char *name)
{
    size_t n = cxm_table_rows(t);
    double *v = new_array(c, n);
    return v ? filled(c, v, cxm_table_numbers(v, n, t, name)) : NULL;
}

static double cell(const cxm_table *t, size_t row, const char *column)
{
    double v = NAN;
    cxm_table_number(&v, t, row, column);
    return v;
}

static bool file_exists(const char *path)
{
    return access(path, R_OK) == 0;
}

/* The CDNOW sample: --cdnow, else $CXM_DATA_DIR/cdnow, else the installed copy. */
static const char *find_cdnow(const char *option, char *buf, size_t n)
{
    if (option)
        return option;
    const char *dir = getenv("CXM_DATA_DIR");
    if (dir && *dir) {
        snprintf(buf, n, "%s/cdnow/CDNOW_sample.txt", dir);
        return buf;
    }
    snprintf(buf, n, "%s/cdnow/CDNOW_sample.txt", CXM_PKGDATADIR);
    return buf;
}

/* ------------------------------------------------------------------ part 1: CDNOW */

typedef struct purchase {
    const char *id;
    double day;
} purchase;

static int by_customer_then_day(const void *a, const void *b)
{
    const purchase *p = a, *q = b;
    int c = strcmp(p->id, q->id);
    return c ? c : (p->day > q->day) - (p->day < q->day);
}

/* Cumulative repeat purchases by the end of each week since the start:
 * distinct purchase days after a customer's first day, as in the summary. */
static void actual_tracking(demo_ctx *c, demo_cdnow *d, const cxm_csv_options *csv, double start)
{
    static const char *const date_column[] = { "3" };
    cxm_table *t = NULL;
    if (!ok(c, cxm_table_read_csv(&t, d->path, "2", 1, date_column, csv)))
        return;
    size_t n = cxm_table_rows(t);
    purchase *p = calloc(n ? n : 1, sizeof *p);
    double *dates = column_of(c, t, "3");
    for (size_t i = 0; p && dates && i < n && c->status == CXM_OK; i++) {
        char text[32];
        snprintf(text, sizeof text, "%.0f", dates[i]);
        p[i].id = cxm_table_text(t, i, "id");
        ok(c, cxm_time_parse(&p[i].day, text, NULL));
    }
    if (p && dates && c->status == CXM_OK) {
        qsort(p, n, sizeof *p, by_customer_then_day);
        double per_week[DEMO_WEEKS] = { 0 };
        for (size_t i = 0; i < n;) {
            size_t j = i + 1;
            double last = p[i].day;
            for (; j < n && strcmp(p[j].id, p[i].id) == 0; j++) {
                if (p[j].day == last)
                    continue;
                last = p[j].day;
                long week = (long)floor((p[j].day - start) / 7.0);
                if (week >= 0 && week < DEMO_WEEKS)
                    per_week[week]++;
            }
            i = j;
        }
        double run = 0;
        for (int w = 0; w < DEMO_WEEKS; w++) {
            run += per_week[w];
            d->actual[w] = run;
        }
    }
    free(dates);
    free(p);
    cxm_table_free(t);
}

/* A summary column as a new array (NULL after a failure). */
static double *summary_column(demo_ctx *c, const cxm_rfm *rfm, cxm_rfm_field field)
{
    size_t n = cxm_rfm_size(rfm);
    double *v = new_array(c, n);
    return v ? filled(c, v, cxm_rfm_column(v, n, rfm, field)) : NULL;
}

/* BG/NBD and Gamma-Gamma fitted on the summary, and the holdout weeks 40-78. */
static void fit_cdnow(demo_ctx *c, demo_cdnow *d, const cxm_rfm *rfm, cxm_model **bg,
                      cxm_model **gg)
{
    size_t n = cxm_rfm_size(rfm);
    cli_progress_step(&c->progress, "fitting BG/NBD and Gamma-Gamma to CDNOW");
    if (c->status == CXM_OK && ok(c, cxm_model_create(bg, CXM_MODEL_BGNBD)) &&
        ok(c, cxm_model_fit_rfm(*bg, rfm, NULL))) {
        ok(c, cxm_model_params(d->bg, 4, *bg));
        ok(c, cxm_model_standard_errors(d->bg_se, 4, *bg));
        ok(c, cxm_model_log_likelihood(&d->bg_ll, *bg));
    }
    if (c->status == CXM_OK && ok(c, cxm_model_create(gg, CXM_MODEL_GAMMA_GAMMA)) &&
        ok(c, cxm_model_fit_rfm(*gg, rfm, NULL))) {
        ok(c, cxm_model_params(d->gg, 3, *gg));
        ok(c, cxm_model_standard_errors(d->gg_se, 3, *gg));
    }
    cli_progress_step(&c->progress, "predicting CDNOW customers");
    double *x = summary_column(c, rfm, CXM_RFM_FREQUENCY);
    double *xh = summary_column(c, rfm, CXM_RFM_FREQUENCY_HOLDOUT);
    double *pred = new_array(c, n);
    if (c->status == CXM_OK &&
        ok(c, cxm_model_predict_rfm(pred, n, *bg, rfm, CXM_PREDICT_HOLDOUT_PURCHASES, 0))) {
        for (size_t i = 0; i < n; i++) {
            d->repeat_customers += x[i] > 0;
            d->holdout_actual += xh[i];
            d->holdout_predicted += pred[i];
        }
    }
    free(x);
    free(xh);
    free(pred);
}

/* Keep d->top the DEMO_TOP customers of highest value, highest first. */
static void rank_top(demo_cdnow *d, const double *value, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t k;
        if (d->ntop < DEMO_TOP)
            k = d->ntop++;
        else if (value[i] > value[d->top[DEMO_TOP - 1]])
            k = DEMO_TOP - 1;
        else
            continue;
        d->top[k] = i;
        for (; k > 0 && value[d->top[k]] > value[d->top[k - 1]]; k--) {
            size_t t = d->top[k];
            d->top[k] = d->top[k - 1];
            d->top[k - 1] = t;
        }
    }
}

/* The next 12 months (12 periods of a month in weeks, 4.348), 1% a month:
 * the cohort's value and its most valuable customers. */
static void value_cdnow(demo_ctx *c, demo_cdnow *d, const cxm_rfm *rfm, const cxm_model *bg,
                        const cxm_model *gg)
{
    size_t n = cxm_rfm_size(rfm);
    double *x = summary_column(c, rfm, CXM_RFM_FREQUENCY);
    double *tx = summary_column(c, rfm, CXM_RFM_RECENCY);
    double *v = new_array(c, 4 * n);
    size_t m = v ? n : 0; /* no arithmetic on a NULL v */
    double *spend = v, *value = v + m, *alive = v + 2 * m, *next = v + 3 * m;
    cxm_value_options vo = CXM_VALUE_OPTIONS_INIT;
    vo.period = CXM_DAYS_PER_MONTH / 7.0;
    vo.periods = 12;
    vo.discount = 0.01;
    if (c->status == CXM_OK && ok(c, cxm_model_predict_rfm(spend, n, gg, rfm, CXM_PREDICT_SPEND, 0)) &&
        ok(c, cxm_model_lifetime_value_rfm(value, n, bg, gg, rfm, &vo)) &&
        ok(c, cxm_model_predict_rfm(alive, n, bg, rfm, CXM_PREDICT_P_ALIVE, 0)) &&
        ok(c, cxm_model_predict_rfm(next, n, bg, rfm, CXM_PREDICT_PURCHASES, 52))) {
        for (size_t i = 0; i < n; i++)
            d->total_value += value[i];
        rank_top(d, value, n);
        for (size_t k = 0; k < d->ntop; k++) {
            size_t i = d->top[k];
            const char *id = cxm_rfm_id(rfm, i);
            snprintf(d->top_id[k], sizeof d->top_id[k], "%s", id ? id : "?");
            d->top_x[k] = x[i];
            d->top_recency[k] = tx[i];
            d->top_alive[k] = alive[i];
            d->top_purchases[k] = next[i];
            d->top_spend[k] = spend[i];
            d->top_value[k] = value[i];
        }
    }
    free(x);
    free(tx);
    free(v);
}

static void compute_cdnow(demo_ctx *c, demo_cdnow *d)
{
    cxm_csv_options csv = CXM_CSV_OPTIONS_INIT;
    csv.delimiter = CXM_CSV_WHITESPACE;
    csv.header = 0;
    csv.progress = cli_progress_update;
    csv.progress_data = &c->progress;
    cxm_rfm_options opt = CXM_RFM_OPTIONS_INIT;
    opt.unit_days = 1;
    opt.scale = 7;
    double start;
    ok(c, cxm_time_parse(&start, "1997-01-01", NULL));
    ok(c, cxm_time_parse(&opt.calibration_end, "1997-09-30", NULL));
    ok(c, cxm_time_parse(&opt.observation_end, "1998-06-30", NULL));
    cli_progress_step(&c->progress, "reading the CDNOW sample");
    cxm_rfm *rfm = NULL;
    if (c->status != CXM_OK || !ok(c, cxm_rfm_read_csv(&rfm, d->path, "2", "3", "5", &csv, &opt)))
        return;
    d->customers = cxm_rfm_size(rfm);
    cxm_model *bg = NULL, *gg = NULL;
    fit_cdnow(c, d, rfm, &bg, &gg);
    value_cdnow(c, d, rfm, bg, gg);
    /* P(alive) by frequency and recency at T = 39 weeks. */
    if (c->status == CXM_OK) {
        double px[DEMO_PALIVE_X * DEMO_PALIVE_T], pt[DEMO_PALIVE_X * DEMO_PALIVE_T],
            pT[DEMO_PALIVE_X * DEMO_PALIVE_T];
        for (int r = 0; r < DEMO_PALIVE_X; r++)
            for (int k = 0; k < DEMO_PALIVE_T; k++) {
                px[r * DEMO_PALIVE_T + k] = r;
                pt[r * DEMO_PALIVE_T + k] = r == 0 ? 0 : k;
                pT[r * DEMO_PALIVE_T + k] = 39;
            }
        ok(c, cxm_model_p_alive(d->palive, DEMO_PALIVE_X * DEMO_PALIVE_T, bg, px, pt, pT));
    }
    /* Actual and predicted cumulative repeat purchases, week by week; the
     * summary counts time back from the calibration end. */
    if (c->status == CXM_OK) {
        double times[DEMO_WEEKS];
        for (int w = 0; w < DEMO_WEEKS; w++) {
            d->weeks[w] = w + 1;
            times[w] = d->weeks[w] - (opt.calibration_end - start) / 7.0;
        }
        ok(c, cxm_model_tracking_rfm(d->predicted, DEMO_WEEKS, bg, rfm, times));
        actual_tracking(c, d, &csv, start);
    }
    cxm_model_free(bg);
    cxm_model_free(gg);
    cxm_rfm_free(rfm);
}

/* ------------------------------------------------------------------ part 2: a simulated world */

/* The survey's numbers as a respondents × columns matrix with names. */
typedef struct survey_matrix {
    size_t rows, cols;
    double *data;
    const char **names;
} survey_matrix;

static void survey_matrix_of(demo_ctx *c, const cxm_table *t, survey_matrix *s)
{
    memset(s, 0, sizeof *s);
    size_t rows = cxm_table_rows(t), all = cxm_table_columns(t);
    s->names = calloc(all ? all : 1, sizeof *s->names);
    s->data = calloc((rows ? rows : 1) * (all ? all : 1), sizeof *s->data);
    if (!s->names || !s->data) {
        ok(c, CXM_ENOMEM);
        return;
    }
    s->rows = rows;
    for (size_t j = 0; j < all && c->status == CXM_OK; j++) {
        if (cxm_table_column_type(t, j) != CXM_COLUMN_NUMBER)
            continue;
        const char *name = cxm_table_column_name(t, j);
        double *v = column_of(c, t, name);
        for (size_t i = 0; v && i < rows; i++)
            s->data[i * all + s->cols] = v[i];
        free(v);
        s->names[s->cols++] = name;
    }
    for (size_t i = 0; i < rows; i++) /* compact the rows */
        memmove(s->data + i * s->cols, s->data + i * all, s->cols * sizeof *s->data);
}

static void survey_matrix_free(survey_matrix *s)
{
    free(s->data);
    free(s->names);
}

/* Headline numbers of a world, and its fitted value of the next 12 months. */
static void outcome_of(demo_ctx *c, const cxm_sim *w, demo_outcome *o, demo_world *report)
{
    cxm_table *truth = NULL, *survey = NULL, *tx = NULL;
    cxm_rfm *rfm = NULL;
    cxm_model *bg = NULL, *gg = NULL;
    memset(o, 0, sizeof *o);
    if (!ok(c, cxm_sim_customers(&truth, w)) || !ok(c, cxm_sim_survey(&survey, w)) ||
        !ok(c, cxm_sim_transactions(&tx, w)))
        goto done;
    cxm_table_scalar(&o->buyers, truth, "buyers");
    cxm_table_scalar(&o->promoters, truth, "promoters");
    size_t ns = cxm_table_rows(survey), nt = cxm_table_rows(tx);
    double *rec = column_of(c, survey, "recommend");
    double *s1 = column_of(c, survey, "SATI1"), *s2 = column_of(c, survey, "SATI2"),
           *s3 = column_of(c, survey, "SATI3"), *amount = column_of(c, tx, "amount");
    cxm_nps_estimate nps;
    if (rec && ok(c, cxm_nps_from_scores(&nps, ns, rec, 0.95)))
        o->nps = nps.nps;
    for (size_t i = 0; s1 && s2 && s3 && i < ns; i++)
        o->satisfaction += (s1[i] + s2[i] + s3[i]) / 3.0 / (double)ns;
    for (size_t i = 0; amount && i < nt; i++)
        o->revenue += amount[i];
    free(rec);
    free(s1);
    free(s2);
    free(s3);
    free(amount);
    if (c->status != CXM_OK || !ok(c, cxm_sim_rfm(&rfm, w, NULL)))
        goto done;
    size_t n = cxm_rfm_size(rfm);
    double *value = new_array(c, n);
    if (c->status == CXM_OK && ok(c, cxm_model_create(&bg, CXM_MODEL_BGNBD)) &&
        ok(c, cxm_model_fit_rfm(bg, rfm, NULL)) &&
        ok(c, cxm_model_create(&gg, CXM_MODEL_GAMMA_GAMMA)) &&
        ok(c, cxm_model_fit_rfm(gg, rfm, NULL))) {
        cxm_value_options vo = CXM_VALUE_OPTIONS_INIT;
        double unit = 7.0;
        cxm_table_scalar(&unit, truth, "time_unit_days");
        vo.period = CXM_DAYS_PER_MONTH / unit;
        vo.periods = 12;
        vo.discount = 0.01;
        if (ok(c, cxm_model_lifetime_value_rfm(value, n, bg, gg, rfm, &vo)))
            for (size_t i = 0; i < n; i++)
                o->value += value[i];
        if (report) {
            double start = NAN, end = NAN;
            cxm_table_scalar(&start, truth, "start");
            cxm_table_scalar(&end, truth, "observation_end");
            report->weeks = (end - start) / 7.0;
            ok(c, cxm_model_params(report->bg, 4, bg));
            ok(c, cxm_model_standard_errors(report->bg_se, 4, bg));
            static const char *const names[] = { "r", "alpha", "a", "b" };
            for (int k = 0; k < 4; k++) {
                report->true_bg[k] = NAN;
                cxm_table_scalar(&report->true_bg[k], truth, names[k]);
            }
        }
    }
    free(value);
done:
    cxm_model_free(bg);
    cxm_model_free(gg);
    cxm_rfm_free(rfm);
    cxm_table_free(truth);
    cxm_table_free(survey);
    cxm_table_free(tx);
}

static void touchpoint_tables(demo_ctx *c, demo_world *d, const cxm_journeys *j)
{
    cxm_table *map = NULL, *gap = NULL;
    if (!ok(c, cxm_journeys_experience_map(&map, j, NULL)) ||
        !ok(c, cxm_journeys_touchpoint_gap(&gap, j, NULL)))
        goto done;
    d->ntp = cxm_table_rows(map) < DEMO_MAX_TP ? cxm_table_rows(map) : DEMO_MAX_TP;
    cxm_table_scalar(&d->importance_mean, map, "importance_mean");
    cxm_table_scalar(&d->performance_mean, map, "performance_mean");
    for (size_t i = 0; i < d->ntp; i++) {
        snprintf(d->id[i], sizeof d->id[i], "%s", cxm_table_text(map, i, "touchpoint"));
        snprintf(d->name[i], sizeof d->name[i], "%s", cxm_table_text(map, i, "name"));
        snprintf(d->quadrant[i], sizeof d->quadrant[i], "%s", cxm_table_text(map, i, "quadrant"));
        d->importance[i] = cell(map, i, "importance");
        d->performance[i] = cell(map, i, "performance");
        d->rank[i] = cell(map, i, "rank");
        d->employee[i] = d->customer[i] = d->gap_p[i] = NAN;
        for (size_t k = 0; k < cxm_table_rows(gap); k++)
            if (strcmp(cxm_table_text(gap, k, "touchpoint"), d->id[i]) == 0) {
                d->employee[i] = cell(gap, k, "employee_mean");
                d->customer[i] = cell(gap, k, "customer_mean");
                d->gap_p[i] = cell(gap, k, "p_value");
            }
    }
done:
    cxm_table_free(map);
    cxm_table_free(gap);
}

static void attribution(demo_ctx *c, demo_world *d, const cxm_journeys *j)
{
    cxm_paths *paths = NULL;
    cxm_table *markov = NULL, *heuristic = NULL;
    if (!ok(c, cxm_journeys_paths(&paths, j, NULL)) ||
        !ok(c, cxm_attribution_markov(&markov, paths, NULL)) ||
        !ok(c, cxm_attribution_heuristic(&heuristic, paths, NULL)))
        goto done;
    d->nchannels = cxm_table_rows(markov) < DEMO_MAX_TP ? cxm_table_rows(markov) : DEMO_MAX_TP;
    cxm_table_scalar(&d->conversions, markov, "total_conversions");
    for (size_t i = 0; i < d->nchannels; i++) {
        snprintf(d->channel[i], sizeof d->channel[i], "%s", cxm_table_text(markov, i, "channel"));
        d->markov[i] = cell(markov, i, "conversions");
        d->last_touch[i] = NAN;
        for (size_t k = 0; k < cxm_table_rows(heuristic); k++)
            if (strcmp(cxm_table_text(heuristic, k, "channel"), d->channel[i]) == 0)
                d->last_touch[i] = cell(heuristic, k, "last_touch");
    }
done:
    cxm_table_free(markov);
    cxm_table_free(heuristic);
    cxm_paths_free(paths);
}

/* Reliability, AVE and the highest HTMT of each construct of the survey's
 * model; left empty when a criterion is undefined (the report then omits it). */
static void survey_quality(demo_world *d, const cxm_pls_result *fit, const cxm_pls_model *model)
{
    size_t K = cxm_pls_model_construct_count(model);
    double htmt[64];
    if (K > 8 || cxm_pls_result_quality(d->alpha, K, fit, CXM_PLS_CRONBACH_ALPHA) != CXM_OK ||
        cxm_pls_result_quality(d->rho_c, K, fit, CXM_PLS_RHO_C) != CXM_OK ||
        cxm_pls_result_quality(d->ave, K, fit, CXM_PLS_AVE) != CXM_OK ||
        cxm_pls_result_quality(htmt, K * K, fit, CXM_PLS_HTMT) != CXM_OK) {
        cxm_error_clear();
        return;
    }
    for (size_t j = 0; j < K; j++) {
        d->htmt_max[j] = 0;
        for (size_t k = 0; k < K; k++)
            if (k != j)
                d->htmt_max[j] = fmax(d->htmt_max[j], htmt[j * K + k]);
        snprintf(d->construct[j], sizeof d->construct[j], "%s",
                 cxm_pls_model_construct_name(model, j));
    }
    d->nconstructs = K;
}

static void drivers(demo_ctx *c, demo_world *d, const cxm_sim *w, size_t bootstrap)
{
    cxm_table *survey = NULL;
    cxm_pls_model *model = NULL;
    cxm_pls_result *fit = NULL;
    survey_matrix s = { 0 };
    double *effects = NULL, *indices = NULL, *r2 = NULL, *rec = NULL;
    if (!ok(c, cxm_sim_survey(&survey, w)))
        goto done;
    d->respondents = cxm_table_rows(survey);
    rec = column_of(c, survey, "recommend");
    if (rec == NULL || !ok(c, cxm_nps_from_scores(&d->nps, d->respondents, rec, 0.95)))
        goto done;
    survey_matrix_of(c, survey, &s);
    cli_progress_step(&c->progress, "path model of the survey (%zu bootstrap resamples)",
                      bootstrap);
    cxm_pls_options options = CXM_PLS_OPTIONS_INIT;
    options.bootstrap = bootstrap;
    options.seed = 1;
    if (c->status != CXM_OK || !ok(c, cxm_pls_model_preset(&model, "chain")) ||
        !ok(c, cxm_pls_estimate(&fit, model, s.rows, s.cols, s.data, s.names, &options)))
        goto done;
    size_t K = cxm_pls_model_construct_count(model), target;
    effects = calloc(K * K, sizeof *effects);
    indices = calloc(K, sizeof *indices);
    r2 = calloc(K, sizeof *r2);
    if (!effects || !indices || !r2 || !ok(c, cxm_pls_model_find(&target, model, "Satisfaction")) ||
        !ok(c, cxm_pls_result_get(effects, K * K, fit, CXM_PLS_TOTAL_EFFECTS_INDEX)) ||
        !ok(c, cxm_pls_result_get(indices, K, fit, CXM_PLS_INDICES)) ||
        !ok(c, cxm_pls_result_get(r2, K, fit, CXM_PLS_R_SQUARED)))
        goto done;
    d->satisfaction_index = indices[target];
    d->r2_satisfaction = r2[target];
    survey_quality(d, fit, model);
    for (size_t k = 0; k < K && d->ndrivers < 8; k++) {
        double e = effects[k * K + target];
        if (k == target || !(e != 0) || isnan(e))
            continue;
        size_t at = d->ndrivers++;
        for (; at > 0 && d->driver_effect[at - 1] < e; at--) {
            d->driver_effect[at] = d->driver_effect[at - 1];
            d->driver_index[at] = d->driver_index[at - 1];
            memcpy(d->driver[at], d->driver[at - 1], sizeof d->driver[at]);
        }
        d->driver_effect[at] = e;
        d->driver_index[at] = indices[k];
        snprintf(d->driver[at], sizeof d->driver[at], "%s", cxm_pls_model_construct_name(model, k));
    }
done:
    free(effects);
    free(indices);
    free(r2);
    free(rec);
    survey_matrix_free(&s);
    cxm_pls_result_free(fit);
    cxm_pls_model_free(model);
    cxm_table_free(survey);
}

static cxm_sim *simulate(demo_ctx *c, const cxm_sim_settings *settings, const char *what)
{
    cxm_sim *w = NULL;
    cxm_sim_options options = CXM_SIM_OPTIONS_INIT;
    options.progress = cli_progress_update;
    options.progress_data = &c->progress;
    cli_progress_step(&c->progress, "%s", what);
    ok(c, cxm_sim_run(&w, settings, &options));
    return w;
}

static void compute_world(demo_ctx *c, demo_world *d, cxm_sim_settings *settings,
                          size_t bootstrap)
{
    cxm_sim *w = simulate(c, settings, "simulating the customers");
    cxm_journeys *j = NULL;
    cxm_table *funnel = NULL, *chain = NULL, *truth = NULL;
    if (w == NULL)
        return;
    d->customers = cxm_sim_settings_customers(settings);
    cli_progress_step(&c->progress, "analysing the journeys");
    if (ok(c, cxm_sim_journeys(&j, w)) && ok(c, cxm_journeys_funnel(&funnel, j, NULL)) &&
        ok(c, cxm_journeys_decision_chain(&chain, j))) {
        for (int k = 0; k < 3; k++)
            d->funnel[k] = cell(funnel, (size_t)k, "customers");
        d->p_explore_buy = cell(chain, 0, "p_buy");
        d->p_buy_promote = cell(chain, 1, "promote");
    }
    if (c->status == CXM_OK)
        touchpoint_tables(c, d, j);
    if (c->status == CXM_OK)
        attribution(c, d, j);
    if (c->status == CXM_OK)
        drivers(c, d, w, bootstrap);
    cli_progress_step(&c->progress, "fitting BG/NBD and Gamma-Gamma to the simulated purchases");
    if (c->status == CXM_OK)
        outcome_of(c, w, &d->before, d);

    /* The worst touchpoint: the first pain point, else the lowest performer. */
    d->worst = SIZE_MAX;
    for (size_t i = 0; i < d->ntp; i++)
        if (strcmp(d->quadrant[i], "pain point") == 0 && d->rank[i] == 1)
            d->worst = i;
    for (size_t i = 0; d->worst == SIZE_MAX && i < d->ntp; i++)
        if (!isnan(d->performance[i]) &&
            (d->worst == SIZE_MAX || d->performance[i] < d->performance[d->worst]))
            d->worst = i;
    if (c->status == CXM_OK && d->worst != SIZE_MAX &&
        ok(c, cxm_sim_settings_quality(&d->quality, settings, d->id[d->worst]))) {
        d->improved_quality = fmin(10.0, d->quality + 1.0);
        cxm_sim *better = NULL;
        if (ok(c, cxm_sim_settings_set_quality(settings, d->id[d->worst], d->improved_quality)) &&
            (better = simulate(c, settings, "simulating the repaired touchpoint")) != NULL) {
            cli_progress_step(&c->progress, "fitting the repaired world");
            outcome_of(c, better, &d->after, NULL);
        }
        cxm_sim_settings_set_quality(settings, d->id[d->worst], d->quality);
        cxm_sim_free(better);
    }
    cxm_table_free(truth);
    cxm_table_free(funnel);
    cxm_table_free(chain);
    cxm_journeys_free(j);
    cxm_sim_free(w);
}

/* ------------------------------------------------------------------ the text report */

static void print_cdnow(const demo_cdnow *d)
{
    char a[48], b[48], c[48];
    printf("1. Lifetime value on real data: the CDNOW sample (%s customers, 1997-98)\n",
           demo_thousands(a, sizeof a, (double)d->customers));
    printf("   BG/NBD on weeks 1-39:  r %.3f (SE %.3f)  alpha %.2f (%.2f)  a %.3f (%.3f)  "
           "b %.2f (%.2f)\n",
           d->bg[0], d->bg_se[0], d->bg[1], d->bg_se[1], d->bg[2], d->bg_se[2], d->bg[3],
           d->bg_se[3]);
    printf("   Gamma-Gamma spend:     p %.2f  q %.2f  gamma %.2f  (%zu repeat customers)\n",
           d->gg[0], d->gg[1], d->gg[2], d->repeat_customers);
    printf("   Weeks 40-78, repeat purchases: predicted %.0f, actual %.0f (%+.1f%%)\n",
           d->holdout_predicted, d->holdout_actual,
           100.0 * (d->holdout_predicted - d->holdout_actual) / d->holdout_actual);
    printf("   Expected value of the next 12 months: $%s for the cohort; the top customers\n"
           "   (last purchase in weeks since the customer's first; spend per purchase):\n",
           demo_thousands(a, sizeof a, d->total_value));
    printf("     customer  repeats  last purchase  P(alive)  purchases/yr    spend     value\n");
    for (size_t k = 0; k < d->ntop; k++) {
        snprintf(b, sizeof b, "$%.2f", d->top_spend[k]);
        snprintf(c, sizeof c, "$%s", demo_thousands(a, sizeof a, d->top_value[k]));
        printf("     %-8s  %7.0f  %13.1f  %8.2f  %12.1f  %7s  %8s\n", d->top_id[k], d->top_x[k],
               d->top_recency[k], d->top_alive[k], d->top_purchases[k], b, c);
    }
}

static void print_world(const demo_world *w)
{
    char a[48], b[48], c[48];
    printf("\n2. A simulated business: %s (%s customers, seed %llu)\n", w->title,
           demo_thousands(a, sizeof a, (double)w->customers), w->seed);
    printf("   Funnel: EXPLORE %s > BUY %s (%.1f%%) > PROMOTE %s (%.1f%% of buyers)\n"
           "   (PROMOTE: wrote a review or referred someone; not the NPS promoters below)\n",
           demo_thousands(a, sizeof a, w->funnel[0]), demo_thousands(b, sizeof b, w->funnel[1]),
           100.0 * w->funnel[1] / w->funnel[0], demo_thousands(c, sizeof c, w->funnel[2]),
           100.0 * w->funnel[2] / w->funnel[1]);
    printf("   Decision chain: an exploring touch leads to buying %.1f%% of the time;\n"
           "   a buyer goes on to promote with probability %.2f\n",
           100.0 * w->p_explore_buy, w->p_buy_promote);
    printf("   Attribution of the %s first purchases (exact Markov; last touch):\n    ",
           demo_thousands(a, sizeof a, w->conversions));
    for (size_t i = 0; i < w->nchannels; i++)
        printf(" %s %.0f (%.0f)%s", w->channel[i], w->markov[i], w->last_touch[i],
               i + 1 < w->nchannels ? "," : "\n");
    printf("   Inside out vs outside in (employees' mean rating vs customers' on 1-5,\n"
           "   gaps of half a point or more):\n");
    for (size_t i = 0; i < w->ntp; i++)
        if (!isnan(w->employee[i]) && w->employee[i] - w->customer[i] >= 0.5)
            printf("     %-18s employees %.2f, customers %.2f: a gap of %.2f%s\n", w->name[i],
                   w->employee[i], w->customer[i], w->employee[i] - w->customer[i],
                   w->gap_p[i] < 0.001 ? " (p < 0.001)" : "");
    printf("   Touchpoints customers call important, by their mean rating on 1-5:\n"
           "   Pain points (below the mean):");
    for (int q = 0, first = 1; q < 2; q++) {
        const char *which = q == 0 ? "pain point" : "bright spot";
        if (q == 1) {
            printf("\n   Bright spots (above the mean):");
            first = 1;
        }
        for (double rank = 1; rank <= (double)w->ntp; rank++)
            for (size_t i = 0; i < w->ntp; i++)
                if (strcmp(w->quadrant[i], which) == 0 && w->rank[i] == rank) {
                    printf("%s %s (%.2f)", first ? "" : ",", w->name[i], w->performance[i]);
                    first = 0;
                }
    }
    printf("\n   NPS %+.1f (95%% interval %+.1f to %+.1f) from %s answers to 'would you recommend\n"
           "   us?' on 0-10: %s promoters (9-10), %s detractors (0-6)\n",
           w->nps.nps, w->nps.adjusted_lower, w->nps.adjusted_upper,
           demo_thousands(a, sizeof a, (double)w->respondents),
           demo_thousands(b, sizeof b, w->nps.promoters),
           demo_thousands(c, sizeof c, w->nps.detractors));
    printf("   Drivers of satisfaction (PLS path model; satisfaction index %.1f on 0-100,\n"
           "   R2 %.2f; importance: index points of satisfaction per index point of the\n"
           "   driver; in brackets the driver's own index, 0-100):\n    ",
           w->satisfaction_index, w->r2_satisfaction);
    for (size_t k = 0; k < w->ndrivers; k++)
        printf("%s %s %.2f (index %.0f)", k ? "," : "", w->driver[k], w->driver_effect[k],
               w->driver_index[k]);
    printf("\n   BG/NBD fitted to the simulated purchases (in brackets the simulation's own\n"
           "   parameters; satisfaction then moves each customer's b):\n"
           "     r %.3f (%.3f)  alpha %.2f (%.2f)  a %.3f (%.3f)  b %.2f (%.2f)\n",
           w->bg[0], w->true_bg[0], w->bg[1], w->true_bg[1], w->bg[2], w->true_bg[2], w->bg[3],
           w->true_bg[3]);
    if (w->worst != SIZE_MAX) {
        const demo_outcome *o = &w->before, *n = &w->after;
        printf("\n   What repairing the worst touchpoint is worth: %s from quality %.1f to %.1f\n"
               "   (the same customers simulated again):\n",
               w->name[w->worst], w->quality, w->improved_quality);
        printf("     satisfaction (survey mean, 1-10) %.2f > %.2f, NPS %+.1f > %+.1f,\n"
               "     customers who promote (funnel PROMOTE) %s > %s\n",
               o->satisfaction, n->satisfaction, o->nps, n->nps,
               demo_thousands(a, sizeof a, o->promoters),
               demo_thousands(b, sizeof b, n->promoters));
        printf("     revenue over the %.0f weeks observed: $%s > $%s (%+.1f%%)\n", w->weeks,
               demo_thousands(a, sizeof a, o->revenue), demo_thousands(b, sizeof b, n->revenue),
               100.0 * (n->revenue - o->revenue) / o->revenue);
        printf("     expected value of the next 12 months (BG/NBD + Gamma-Gamma):\n"
               "     $%s > $%s: the repair is worth $%s a year\n",
               demo_thousands(a, sizeof a, o->value), demo_thousands(b, sizeof b, n->value),
               demo_thousands(c, sizeof c, n->value - o->value));
    }
}

static void print_report(const demo_report *r)
{
    printf("libcxm %s demo: customer experience, measured\n\n", cxm_version_string());
    print_cdnow(&r->cdnow);
    print_world(&r->world);
}

/* ------------------------------------------------------------------ the command */

enum { O_HTML = 3000, O_SETTINGS, O_CUSTOMERS, O_SEED, O_CDNOW, O_BOOTSTRAP };

static int parse_demo(void *args, int argc, char **argv)
{
    static const struct option options[] = {
        { "html", required_argument, NULL, O_HTML },
        { "settings", required_argument, NULL, O_SETTINGS },
        { "customers", required_argument, NULL, O_CUSTOMERS },
        { "seed", required_argument, NULL, O_SEED },
        { "cdnow", required_argument, NULL, O_CDNOW },
        { "bootstrap", required_argument, NULL, O_BOOTSTRAP },
        { NULL, 0, NULL, 0 },
    };
    demo_args *a = args;
    a->bootstrap = 200;
    cli_getopt_reset();
    int ch;
    while ((ch = getopt_long(argc, argv, ":", options, NULL)) != -1) {
        switch (ch) {
        case O_HTML: a->html = optarg; break;
        case O_SETTINGS: a->settings = optarg; break;
        case O_CDNOW: a->cdnow = optarg; break;
        case O_CUSTOMERS:
            if (!cli_parse_size("demo", "customers", optarg, &a->customers))
                return CLI_EXIT_USAGE;
            if (a->customers == 0)
                return cli_usage_error("demo", "--customers must be at least 1");
            break;
        case O_SEED:
            if (!cli_parse_size("demo", "seed", optarg, &a->seed))
                return CLI_EXIT_USAGE;
            a->has_seed = true;
            break;
        case O_BOOTSTRAP:
            if (!cli_parse_size("demo", "bootstrap", optarg, &a->bootstrap))
                return CLI_EXIT_USAGE;
            break;
        case ':': return cli_usage_error("demo", "%s needs a value", argv[optind - 1]);
        default: return cli_usage_error("demo", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("demo", "unexpected argument '%s'", argv[optind]);
    return CLI_EXIT_OK;
}

static int run_demo(const void *args)
{
    const demo_args *a = args;
    char path_buf[4096];
    const char *cdnow_path = find_cdnow(a->cdnow, path_buf, sizeof path_buf);
    if (!file_exists(cdnow_path)) {
        fprintf(stderr,
                "cxm demo: cannot read the CDNOW sample at %s: %s (give --cdnow FILE, or set "
                "CXM_DATA_DIR to the directory holding cdnow/CDNOW_sample.txt)\n",
                cdnow_path, strerror(errno));
        return CLI_EXIT_DATA;
    }
    cxm_sim_settings *settings = NULL;
    int status = a->settings ? cxm_sim_settings_load_json(&settings, a->settings)
                             : cxm_sim_settings_default(&settings);
    if (status == CXM_OK && a->customers)
        status = cxm_sim_settings_set_customers(settings, a->customers);
    if (status == CXM_OK && a->has_seed)
        status = cxm_sim_settings_set_seed(settings, a->seed);
    if (status != CXM_OK) { /* EINVAL: --customers or --seed out of range */
        cxm_sim_settings_free(settings);
        return cli_library_error("demo", status, true);
    }

    demo_report *report = calloc(1, sizeof *report);
    demo_ctx c = { .status = CXM_OK };
    if (report == NULL) {
        cxm_sim_settings_free(settings);
        fprintf(stderr, "cxm demo: out of memory\n");
        return CLI_EXIT_DATA;
    }
    cli_progress_start(&c.progress, "demo");
    report->cdnow.path = cdnow_path;
    compute_cdnow(&c, &report->cdnow);
    if (c.status == CXM_OK) {
        /* The world's name and seed, from its settings. */
        char *json = NULL;
        cJSON *doc = NULL;
        if (cxm_sim_settings_to_json(&json, settings) == CXM_OK && (doc = cJSON_Parse(json))) {
            const cJSON *name = cJSON_GetObjectItemCaseSensitive(doc, "name");
            const cJSON *seed_item = cJSON_GetObjectItemCaseSensitive(doc, "seed");
            if (cJSON_IsString(name))
                snprintf(report->world.title, sizeof report->world.title, "%s", name->valuestring);
            if (cJSON_IsNumber(seed_item))
                report->world.seed = (unsigned long long)seed_item->valuedouble;
        }
        cJSON_Delete(doc);
        cxm_free(json);
        if (report->world.title[0] == '\0')
            snprintf(report->world.title, sizeof report->world.title, "a simulated business");
        compute_world(&c, &report->world, settings, a->bootstrap);
    }
    cli_progress_end(&c.progress);
    int code = CLI_EXIT_OK;
    if (c.status != CXM_OK) {
        code = CLI_EXIT_DATA;
    } else {
        print_report(report);
        if (a->html)
            code = demo_write_html(a->html, report);
    }
    free(report);
    cxm_sim_settings_free(settings);
    return code;
}
