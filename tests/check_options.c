/* Versioned structs across the ABI (docs/ABI.md): every function that takes
 * an options struct or a report refuses versions 0 and above the current
 * one, and reads (or, for a report, writes) only the fields of the
 * caller's version. A program built against 0.1.0 passes version 1 and a
 * struct that ends where version 1 ended: here each struct is copied so
 * that it ends at a page boundary with an inaccessible page behind it, so
 * reading or writing one byte more than version 1 had crashes the test. */
#define _DEFAULT_SOURCE
#include <check.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cxm.h>

#include "suites.h"

/* The size of version 1: up to the end of its last field. Fields added in
 * later versions come after it, so this stays right as the structs grow. */
#define V1_SIZE(type, last) (offsetof(type, last) + sizeof(((type *)0)->last))

/* ------------------------------------------------------------------ guarded copies */

static size_t page;

/* A copy of the first `size` bytes of src that ends at a page followed by
 * one that may not be touched; release with unguard(). */
static void *guarded(const void *src, size_t size)
{
    char *base = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert(base != MAP_FAILED);
    ck_assert_int_eq(mprotect(base + page, page, PROT_NONE), 0);
    char *copy = base + page - size;
    memcpy(copy, src, size);
    return copy;
}

static void unguard(void *copy)
{
    uintptr_t base = (uintptr_t)copy & ~(uintptr_t)(page - 1);
    munmap((void *)base, 2 * page);
}

/* ------------------------------------------------------------------ fixtures */

static char dir[] = "/tmp/cxm-options-XXXXXX";
static char log_csv[64], paths_csv[64], events_csv[128], survey_csv[128], map_json[128];
static cxm_paths *paths;
static cxm_journeys *journeys;
static cxm_model *bgnbd;
static cxm_pls_model *pls;
static cxm_survey *survey;
static cxm_sim_settings *settings;

static const char *const items[7] = { "q1", "q2", "q3", "s1", "s2", "l1", "l2" };

static void write_file(char *path, size_t n, const char *name, const char *text)
{
    snprintf(path, n, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

static void source_file(char *path, size_t n, const char *name)
{
    const char *top = getenv("top_srcdir");
    snprintf(path, n, "%s/%s", top ? top : "..", name);
}

static void setup(void)
{
    page = (size_t)sysconf(_SC_PAGESIZE);
    ck_assert_ptr_nonnull(mkdtemp(dir));
    write_file(log_csv, sizeof log_csv, "log.csv",
               "customer,date,amount\na,2024-01-01,10\na,2024-02-01,5\nb,2024-01-15,7\n");
    write_file(paths_csv, sizeof paths_csv, "paths.csv",
               "path,conversions,nulls\nA > B,3,2\nB,1,4\nA > C,2,1\n");
    source_file(events_csv, sizeof events_csv, "examples/journey/events.csv");
    source_file(survey_csv, sizeof survey_csv, "tests/data/chain/survey.csv");
    source_file(map_json, sizeof map_json, "examples/journey/map.json");
    ck_assert_cxm_ok(cxm_paths_create(&paths, NULL));
    ck_assert_cxm_ok(
        cxm_paths_read_csv(paths, paths_csv, "path", "conversions", NULL, "nulls", NULL));
    cxm_journey_map *map;
    ck_assert_cxm_ok(cxm_journey_map_load_json(&map, map_json));
    ck_assert_cxm_ok(cxm_journeys_create(&journeys, map));
    cxm_journey_map_free(map);
    ck_assert_cxm_ok(cxm_journeys_read_csv(journeys, events_csv, "customer", "timestamp",
                                           "touchpoint", "value", "rating", "valence", "segment",
                                           NULL));
    static const double p[4] = { 0.243, 4.414, 0.793, 2.426 };
    ck_assert_cxm_ok(cxm_model_create(&bgnbd, CXM_MODEL_BGNBD));
    ck_assert_cxm_ok(cxm_model_set_params(bgnbd, p, 4));
    char model_json[128];
    source_file(model_json, sizeof model_json, "tests/data/chain/model.json");
    FILE *f = fopen(model_json, "r");
    ck_assert_ptr_nonnull(f);
    static char text[8192];
    text[fread(text, 1, sizeof text - 1, f)] = '\0';
    fclose(f);
    ck_assert_cxm_ok(cxm_pls_model_from_json(&pls, text));
    ck_assert_cxm_ok(cxm_survey_read(&survey, survey_csv, 7, items, NULL));
    ck_assert_cxm_ok(cxm_sim_settings_default(&settings));
    ck_assert_cxm_ok(cxm_sim_settings_set_customers(settings, 50));
}

static void teardown(void)
{
    cxm_paths_free(paths);
    cxm_journeys_free(journeys);
    cxm_model_free(bgnbd);
    cxm_pls_model_free(pls);
    cxm_survey_free(survey);
    cxm_sim_settings_free(settings);
    unlink(log_csv);
    unlink(paths_csv);
    rmdir(dir);
}

/* ------------------------------------------------------------------ the calls */

typedef int (*call_fn)(const void *options);

static int free_table(int status, cxm_table *t)
{
    cxm_table_free(t);
    return status;
}

static int rfm_csv(const void *o)
{
    cxm_rfm *r = NULL;
    int status = cxm_rfm_read_csv(&r, log_csv, "customer", "date", "amount", o, NULL);
    cxm_rfm_free(r);
    return status;
}

static int rfm_options(const void *o)
{
    cxm_rfm *r = NULL;
    int status = cxm_rfm_read_csv(&r, log_csv, "customer", "date", "amount", NULL, o);
    cxm_rfm_free(r);
    return status;
}

static int rfm_codes(const void *o)
{
    static const int64_t c[3] = { 1, 1, 2 };
    static const double t[3] = { 0, 30, 10 }, a[3] = { 10, 5, 7 };
    cxm_rfm *r = NULL;
    int status = cxm_rfm_from_codes(&r, 3, c, t, a, o);
    cxm_rfm_free(r);
    return status;
}

static int rfm_ids(const void *o)
{
    static const char *const c[3] = { "a", "a", "b" };
    static const double t[3] = { 0, 30, 10 }, a[3] = { 10, 5, 7 };
    cxm_rfm *r = NULL;
    int status = cxm_rfm_from_ids(&r, 3, c, t, a, o);
    cxm_rfm_free(r);
    return status;
}

static int rfm_reduce(const void *o)
{
    static const int64_t c[3] = { 1, 1, 2 };
    static const double t[3] = { 0, 30, 10 }, a[3] = { 10, 5, 7 };
    int64_t cd[3];
    double td[3], ad[3];
    size_t count;
    return cxm_rfm_reduce(&count, cd, td, ad, 3, 3, c, t, a, o);
}

static int paths_csv_call(const void *o)
{
    cxm_paths *p;
    int status = cxm_paths_create(&p, NULL);
    if (status == CXM_OK)
        status = cxm_paths_read_csv(p, paths_csv, "path", "conversions", NULL, "nulls", o);
    cxm_paths_free(p);
    return status;
}

static int journeys_csv(const void *o)
{
    cxm_journey_map *map;
    cxm_journeys *j = NULL;
    int status = cxm_journey_map_load_json(&map, map_json);
    if (status == CXM_OK)
        status = cxm_journeys_create(&j, map);
    if (status == CXM_OK)
        status = cxm_journeys_read_csv(j, events_csv, "customer", "timestamp", "touchpoint", NULL,
                                       NULL, NULL, NULL, o);
    cxm_journeys_free(j);
    cxm_journey_map_free(map);
    return status;
}

static int survey_read(const void *o)
{
    cxm_survey *s = NULL;
    int status = cxm_survey_read(&s, survey_csv, 7, items, o);
    cxm_survey_free(s);
    return status;
}

static int table_csv(const void *o)
{
    static const char *const columns[1] = { "q1" };
    cxm_table *t = NULL;
    return free_table(cxm_table_read_csv(&t, survey_csv, "respondent", 1, columns, o), t);
}

static int markov(const void *o)
{
    cxm_table *t = NULL;
    return free_table(cxm_attribution_markov(&t, paths, o), t);
}

static int transitions(const void *o)
{
    cxm_table *t = NULL;
    return free_table(cxm_attribution_transitions(&t, paths, o), t);
}

static int markov_counts(const void *o)
{
    cxm_markov_counts *m = NULL;
    int status = cxm_markov_counts_create(&m, paths, o);
    cxm_markov_counts_free(m);
    return status;
}

static int heuristic(const void *o)
{
    cxm_table *t = NULL;
    return free_table(cxm_attribution_heuristic(&t, paths, o), t);
}

#define JOURNEY_TABLE(name, fn)                                                             \
    static int name(const void *o)                                                          \
    {                                                                                       \
        cxm_table *t = NULL;                                                                \
        return free_table(fn(&t, journeys, o), t);                                          \
    }
JOURNEY_TABLE(funnel, cxm_journeys_funnel)
JOURNEY_TABLE(touchpoint_gap, cxm_journeys_touchpoint_gap)
JOURNEY_TABLE(remembered_gap, cxm_journeys_remembered_gap)
JOURNEY_TABLE(experience_map, cxm_journeys_experience_map)
JOURNEY_TABLE(ladder, cxm_journeys_ladder)

static int journey_paths(const void *o)
{
    cxm_paths *p = NULL;
    int status = cxm_journeys_paths(&p, journeys, o);
    cxm_paths_free(p);
    return status;
}

/* 40 customers of the CDNOW kind, enough for BG/NBD to converge. */
static const double fx[40] = { 2, 1, 0, 0, 1, 7, 1, 0, 2, 0, 5, 0, 0, 0, 0, 3, 0, 0, 1, 4,
                               2, 1, 0, 0, 1, 7, 1, 0, 2, 0, 5, 0, 0, 0, 0, 3, 0, 0, 1, 4 };
static const double ftx[40] = { 30.4, 1.7, 0, 0, 20, 29.9, 5.3, 0, 25, 0, 33, 0, 0, 0, 0,
                                 34, 0, 0, 5, 37, 29, 3, 0, 0, 12, 36, 8, 0, 20, 0, 30, 0,
                                 0, 0, 0, 31, 0, 0, 2, 35 };

static int fit(const void *o)
{
    double T[40];
    for (int i = 0; i < 40; i++)
        T[i] = 38.9 - 0.01 * i;
    cxm_model *m;
    int status = cxm_model_create(&m, CXM_MODEL_BGNBD);
    if (status == CXM_OK)
        status = cxm_model_fit(m, 40, fx, ftx, T, NULL, o);
    cxm_model_free(m);
    /* Options read right: the fit ran (converged or not) instead of failing on them. */
    return status == CXM_ECONVERGE ? CXM_OK : status;
}

static int fit_columns(const void *o)
{
    double cols[120]; /* column after column */
    for (int i = 0; i < 40; i++) {
        cols[i] = fx[i];
        cols[40 + i] = ftx[i];
        cols[80 + i] = 38.9;
    }
    cxm_model *m;
    int status = cxm_model_create(&m, CXM_MODEL_PARETO_NBD);
    if (status == CXM_OK)
        status = cxm_model_fit_columns(m, 40, cols, NULL, o);
    cxm_model_free(m);
    return status == CXM_ECONVERGE ? CXM_OK : status;
}

static int fit_spend(const void *o)
{
    static const double x[6] = { 1, 2, 3, 1, 4, 2 }, spend[6] = { 10, 12, 9, 30, 15, 11 };
    cxm_model *m;
    int status = cxm_model_create(&m, CXM_MODEL_GAMMA_GAMMA);
    if (status == CXM_OK)
        status = cxm_model_fit_spend(m, 6, x, spend, NULL, o);
    cxm_model_free(m);
    return status == CXM_ECONVERGE ? CXM_OK : status;
}

static int start(const void *o)
{
    double T[40], dst[4];
    for (int i = 0; i < 40; i++)
        T[i] = 38.9;
    const double *cols[3] = { fx, ftx, T };
    return cxm_model_start(dst, 4, bgnbd, 40, cols, NULL, o);
}

/* The chunked fit's evaluation: the model's own likelihood of the 40 rows. */
static int chunk_loglik(void *context, double *dst, size_t dst_n, const double *params,
                        size_t nparams, int order)
{
    (void)context;
    double T[40];
    for (int i = 0; i < 40; i++)
        T[i] = 38.9;
    const double *cols[3] = { fx, ftx, T };
    return cxm_model_chunk_loglik(dst, dst_n, bgnbd, params, nparams, order, 40, cols, NULL);
}

static int fit_chunked(const void *o)
{
    static const double from[4] = { 0.5, 5, 1, 2 };
    cxm_model *m;
    int status = cxm_model_create(&m, CXM_MODEL_BGNBD);
    if (status == CXM_OK)
        status = cxm_model_fit_chunked(m, chunk_loglik, NULL, from, 4, o);
    cxm_model_free(m);
    return status == CXM_ECONVERGE ? CXM_OK : status;
}

static int fit_survivors(const void *o)
{
    static const double survivors[8] = { 1000, 631, 468, 382, 326, 289, 262, 241 };
    cxm_model *m;
    int status = cxm_model_create(&m, CXM_MODEL_SBG);
    if (status == CXM_OK)
        status = cxm_model_fit_survivors(m, survivors, 8, o);
    cxm_model_free(m);
    return status;
}

static int fit_durations(const void *o)
{
    static const double periods[5] = { 1, 2, 3, 4, 4 }, active[5] = { 0, 0, 0, 1, 0 };
    cxm_model *m;
    int status = cxm_model_create(&m, CXM_MODEL_SBG);
    if (status == CXM_OK)
        status = cxm_model_fit_durations(m, 5, periods, active, NULL, o);
    cxm_model_free(m);
    return status == CXM_ECONVERGE ? CXM_OK : status;
}

/* A fit with one purchase covariate (i mod 2) on the 40 rows of fit(). */
static int fit_covariates(const void *o)
{
    static const char *const names[] = { "channel" };
    double T[40], z[40];
    for (int i = 0; i < 40; i++)
        T[i] = 38.9 - 0.01 * i, z[i] = (double)(i % 2);
    cxm_model *m;
    int status = cxm_model_create(&m, CXM_MODEL_BGNBD);
    if (status == CXM_OK)
        status = cxm_model_set_covariates(m, 1, names, 0, NULL);
    if (status == CXM_OK)
        status = cxm_model_fit_covariates(m, 40, fx, ftx, T, z, NULL, NULL, o);
    cxm_model_free(m);
    /* As fit(): the fit ran, so the options were read. */
    return status == CXM_ECONVERGE ? CXM_OK : status;
}

static int lifetime_value_interval(const void *o)
{
    static const double x = 2, tx = 30, T = 39, value = 20;
    /* CDNOW's BG/NBD with a diagonal covariance, as if fitted elsewhere. */
    static const double p[4] = { 0.243, 4.414, 0.793, 2.426 };
    static const double cov[16] = { 1.6e-4, 0, 0, 0, 0, 0.14, 0, 0, 0, 0, 0.035, 0, 0, 0, 0, 0.5 };
    const cxm_fit_report report = { CXM_FIT_REPORT_VERSION, CXM_FIT_CONVERGED, 5, 6, 1e-10,
                                     -9582.4, 2357.0, 2357.0, 0.0 };
    double lo, hi;
    cxm_model *m;
    int status = cxm_model_create(&m, CXM_MODEL_BGNBD);
    if (status == CXM_OK)
        status = cxm_model_set_fit(m, p, 4, cov, 16, 0.0, &report);
    if (status == CXM_OK)
        status = cxm_model_lifetime_value_interval(&lo, &hi, 1, m, 0.9, &x, &tx, &T, &value, o);
    cxm_model_free(m);
    return status;
}

static int lifetime_value(const void *o)
{
    static const double x = 2, tx = 30, T = 39, value = 20;
    double dst;
    return cxm_model_lifetime_value(&dst, 1, bgnbd, &x, &tx, &T, &value, o);
}

static int pls_estimate(const void *o)
{
    size_t rows = cxm_survey_rows(survey), columns = cxm_survey_columns(survey);
    double *data = malloc(rows * columns * sizeof *data);
    const char **names = malloc(columns * sizeof *names);
    ck_assert(data != NULL && names != NULL);
    for (size_t c = 0; c < columns; c++) {
        names[c] = cxm_survey_column_name(survey, c);
        double *column = malloc(rows * sizeof *column);
        ck_assert_cxm_ok(cxm_survey_column(column, rows, survey, names[c]));
        for (size_t r = 0; r < rows; r++)
            data[r * columns + c] = column[r];
        free(column);
    }
    cxm_pls_result *res = NULL;
    int status = cxm_pls_estimate(&res, pls, rows, columns, data, names, o);
    cxm_pls_result_free(res);
    free(data);
    free(names);
    return status;
}

static int survey_pls(const void *o)
{
    cxm_pls_result *res = NULL;
    int status = cxm_survey_pls(&res, survey, pls, o);
    cxm_pls_result_free(res);
    return status;
}

/* PLSpredict reads two versioned structs: the estimation settings and its own. */
static int pls_predict_estimation(const void *o)
{
    cxm_pls_predict_options few = CXM_PLS_PREDICT_OPTIONS_INIT;
    few.folds = 3;
    cxm_pls_prediction *p = NULL;
    int status = cxm_survey_pls_predict(&p, survey, pls, o, &few);
    cxm_pls_prediction_free(p);
    return status;
}

static int pls_predict(const void *o)
{
    cxm_pls_prediction *p = NULL;
    size_t rows = cxm_survey_rows(survey), columns = cxm_survey_columns(survey);
    double *data = malloc(rows * columns * sizeof *data);
    const char **names = malloc(columns * sizeof *names);
    ck_assert(data != NULL && names != NULL);
    for (size_t c = 0; c < columns; c++) {
        names[c] = cxm_survey_column_name(survey, c);
        double *column = malloc(rows * sizeof *column);
        ck_assert_cxm_ok(cxm_survey_column(column, rows, survey, names[c]));
        for (size_t r = 0; r < rows; r++)
            data[r * columns + c] = column[r];
        free(column);
    }
    int status = cxm_pls_predict(&p, pls, rows, columns, data, names, NULL, o);
    cxm_pls_prediction_free(p);
    free(data);
    free(names);
    return status;
}

static int sim_run(const void *o)
{
    cxm_sim *w = NULL;
    int status = cxm_sim_run(&w, settings, o);
    cxm_sim_free(w);
    return status;
}

static int sim_rfm(const void *o)
{
    cxm_sim *w = NULL;
    cxm_rfm *r = NULL;
    int status = cxm_sim_run(&w, settings, NULL);
    if (status == CXM_OK)
        status = cxm_sim_rfm(&r, w, o);
    cxm_rfm_free(r);
    cxm_sim_free(w);
    return status;
}

static int set_fit(const void *report)
{
    static const double p[4] = { 0.243, 4.414, 0.793, 2.426 };
    double cov[16] = { 0 };
    for (int i = 0; i < 4; i++)
        cov[i * 5] = 0.01;
    cxm_model *m;
    int status = cxm_model_create(&m, CXM_MODEL_BGNBD);
    if (status == CXM_OK)
        status = cxm_model_set_fit(m, p, 4, cov, 16, 0, report);
    cxm_model_free(m);
    return status;
}

/* Outputs: the struct is written, within the caller's version. */
static int fit_report(const void *report)
{
    return cxm_model_fit_report((cxm_fit_report *)report, bgnbd);
}

static int pls_model_options(const void *options)
{
    return cxm_pls_model_options((cxm_pls_options *)options, pls);
}

/* ------------------------------------------------------------------ the cases */

typedef struct options_case {
    const char *function, *struct_name;
    call_fn call;
    const void *current; /* a full struct of the current version */
    size_t v1_size;
    unsigned current_version;
} options_case;

static const cxm_csv_options csv = CXM_CSV_OPTIONS_INIT;
static const cxm_rfm_options rfm = CXM_RFM_OPTIONS_INIT;
static const cxm_markov_options mk = CXM_MARKOV_OPTIONS_INIT;
static const cxm_heuristic_options heur = CXM_HEURISTIC_OPTIONS_INIT;
static const cxm_journey_options jo = CXM_JOURNEY_OPTIONS_INIT;
static const cxm_fit_options fo = CXM_FIT_OPTIONS_INIT;
static const cxm_value_options vo = { CXM_VALUE_OPTIONS_VERSION, 1.0, 12, 0.01, 1.0 };
static const cxm_pls_options po = CXM_PLS_OPTIONS_INIT;
static const cxm_pls_predict_options ppo = CXM_PLS_PREDICT_OPTIONS_INIT;
static const cxm_sim_options so = CXM_SIM_OPTIONS_INIT;
/* A converged report, for cxm_model_set_fit. */
static const cxm_fit_report given_report = { CXM_FIT_REPORT_VERSION, CXM_FIT_CONVERGED, 5, 6,
                                             1e-10, -100.0, 40.0, 40.0, 0.0 };
static const cxm_fit_report empty_report = CXM_FIT_REPORT_INIT;

#define CASE(fn, type, last, init, version) { #fn, #type, fn, &init, V1_SIZE(type, last), version }
#define CSV(fn) CASE(fn, cxm_csv_options, progress_data, csv, CXM_CSV_OPTIONS_VERSION)
#define RFM(fn) CASE(fn, cxm_rfm_options, threads, rfm, CXM_RFM_OPTIONS_VERSION)
#define MARKOV(fn) CASE(fn, cxm_markov_options, keep_self_loops, mk, CXM_MARKOV_OPTIONS_VERSION)
#define JOURNEY(fn) CASE(fn, cxm_journey_options, by_channel, jo, CXM_JOURNEY_OPTIONS_VERSION)
#define FIT(fn) CASE(fn, cxm_fit_options, flags, fo, CXM_FIT_OPTIONS_VERSION)
#define PLS(fn) CASE(fn, cxm_pls_options, missing, po, CXM_PLS_OPTIONS_VERSION)
#define REPORT(fn, r) CASE(fn, cxm_fit_report, rows, r, CXM_FIT_REPORT_VERSION)

static const options_case cases[] = {
    CSV(rfm_csv), CSV(paths_csv_call), CSV(journeys_csv), CSV(survey_read), CSV(table_csv),
    RFM(rfm_options), RFM(rfm_codes), RFM(rfm_ids), RFM(rfm_reduce), RFM(sim_rfm),
    MARKOV(markov), MARKOV(transitions), MARKOV(markov_counts),
    CASE(heuristic, cxm_heuristic_options, half_life, heur, CXM_HEURISTIC_OPTIONS_VERSION),
    JOURNEY(funnel), JOURNEY(journey_paths), JOURNEY(touchpoint_gap), JOURNEY(remembered_gap),
    JOURNEY(experience_map), JOURNEY(ladder),
    FIT(fit), FIT(fit_columns), FIT(fit_spend), FIT(start), FIT(fit_chunked),
    FIT(fit_survivors), FIT(fit_durations), FIT(fit_covariates),
    CASE(lifetime_value, cxm_value_options, margin, vo, CXM_VALUE_OPTIONS_VERSION),
    CASE(lifetime_value_interval, cxm_value_options, margin, vo, CXM_VALUE_OPTIONS_VERSION),
    PLS(pls_estimate), PLS(survey_pls), PLS(pls_model_options), PLS(pls_predict_estimation),
    CASE(pls_predict, cxm_pls_predict_options, threads, ppo, CXM_PLS_PREDICT_OPTIONS_VERSION),
    CASE(sim_run, cxm_sim_options, progress_data, so, CXM_SIM_OPTIONS_VERSION),
    REPORT(set_fit, given_report), REPORT(fit_report, empty_report),
};

static void set_version(void *s, unsigned version)
{
    memcpy(s, &version, sizeof version);
}

START_TEST(version_one_struct_is_read_within_its_size)
{
    const options_case *c = &cases[_i];
    /* The oldest caller: version 1, and not one byte more. */
    void *old = guarded(c->current, c->v1_size);
    set_version(old, 1);
    int status = c->call(old);
    ck_assert_msg(status == CXM_OK, "%s with a version-1 %s: %d %s", c->function, c->struct_name,
                  status, cxm_error_message());
    unguard(old);
    /* Unknown versions are refused, naming the struct. */
    for (int k = 0; k < 2; k++) {
        void *s = guarded(c->current, c->v1_size);
        set_version(s, k == 0 ? 0 : c->current_version + 1);
        status = c->call(s);
        ck_assert_msg(status == CXM_EINVAL, "%s accepted %s version %u", c->function,
                      c->struct_name, k == 0 ? 0 : c->current_version + 1);
        ck_assert_msg(strstr(cxm_error_message(), c->struct_name) != NULL,
                      "%s: message '%s' does not name %s", c->function, cxm_error_message(),
                      c->struct_name);
        unguard(s);
    }
}
END_TEST

START_TEST(reports_are_written_within_the_callers_version)
{
    /* What a version-1 caller gets equals the first fields of the full report. */
    cxm_fit_report full = CXM_FIT_REPORT_INIT;
    ck_assert_cxm_ok(cxm_model_fit_report(&full, bgnbd));
    size_t v1 = V1_SIZE(cxm_fit_report, rows);
    cxm_fit_report *old = guarded(&empty_report, v1);
    set_version(old, 1);
    ck_assert_cxm_ok(cxm_model_fit_report(old, bgnbd));
    ck_assert_uint_eq(old->version, 1);
    ck_assert(memcmp((char *)old + sizeof(unsigned), (char *)&full + sizeof(unsigned),
                     v1 - sizeof(unsigned)) == 0);
    unguard(old);
}
END_TEST

Suite *options_suite(void)
{
    Suite *s = suite_create("options");
    TCase *tc = tcase_create("versions");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, version_one_struct_is_read_within_its_size, 0,
                        (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(tc, reports_are_written_within_the_callers_version);
    suite_add_tcase(s, tc);
    return s;
}
