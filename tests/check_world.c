/* End-to-end: simulate a world (cxm/sim.h), then fit every model on what
 * it produced and recover the truth.
 *
 * Where the truth comes from (never from the estimates under test):
 *  - BTYD: the purchase and spend parameters given to the simulator.
 *  - Decision chain, from EXPLORE: computed here from the settings alone
 *    (a probit of a normal disconfirmation, integrated over the expectation
 *    distribution; the explore walk has a closed form because its transition
 *    matrix has rank one). From BUY: P(BUY → BUY) is the settings'
 *    buy.continue; the share of buyers who promote comes from a separate
 *    large simulation (another seed) through its truth table.
 *  - Chain paths: least squares, written here, on the latent constructs of
 *    the buyers of the large simulation (standardized coefficients of each
 *    construct on its parents in the "chain" preset).
 * Tolerances are stated next to each check. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cxm.h>

#include "check_run.h"

#define OK(call)                                                                                  \
    do {                                                                                          \
        int status_ = (call);                                                                     \
        ck_assert_msg(status_ == CXM_OK, "%s: %s", #call, cxm_error_message());                  \
    } while (0)

/* The test world: the built-in example with a fixed seed, 6,000 customers,
 * no satisfaction link (every buyer then follows the given BG/NBD exactly)
 * and survey items measured with less noise than the demo's (the single
 * item of Complain would otherwise attenuate its path beyond the stated
 * allowance). */
static const char world_json[] =
    "{\"seed\": 11, \"customers\": 6000, \"purchases\": {\"satisfaction_link\": 0},"
    " \"survey\": {\"item_noise\": 0.3}}";

/* CXM_TEST_VERBOSE=1 prints every comparison. */
static void note(const char *what, double estimate, double se, double truth)
{
    if (getenv("CXM_TEST_VERBOSE"))
        fprintf(stderr, "%-36s estimate %10.5f  SE %8.5f  truth %10.5f  |z| %5.2f\n", what,
                estimate, se, truth, se > 0 ? fabs(estimate - truth) / se : 0.0);
}

static cxm_sim *make_world(const char *json, size_t customers, unsigned long long seed)
{
    cxm_sim_settings *s;
    OK(cxm_sim_settings_parse_json(&s, json, strlen(json), "test world"));
    if (customers)
        OK(cxm_sim_settings_set_customers(s, customers));
    if (seed)
        OK(cxm_sim_settings_set_seed(s, seed));
    cxm_sim *w;
    OK(cxm_sim_run(&w, s, NULL));
    cxm_sim_settings_free(s);
    return w;
}

static double scalar(const cxm_table *t, const char *name)
{
    double v = NAN;
    OK(cxm_table_scalar(&v, t, name));
    return v;
}

static double *column(const cxm_table *t, const char *name)
{
    size_t n = cxm_table_rows(t);
    double *v = malloc((n ? n : 1) * sizeof *v);
    OK(cxm_table_numbers(v, n, t, name));
    return v;
}

static size_t row_of(const cxm_table *t, const char *col, const char *label)
{
    for (size_t i = 0; i < cxm_table_rows(t); i++)
        if (strcmp(cxm_table_text(t, i, col), label) == 0)
            return i;
    ck_abort_msg("no row '%s'", label);
    return 0;
}

static double number(const cxm_table *t, size_t row, const char *col)
{
    double v = NAN;
    OK(cxm_table_number(&v, t, row, col));
    return v;
}

/* ------------------------------------------------------------------ BTYD */

START_TEST(test_btyd_recovered)
{
    cxm_sim *w = make_world(world_json, 0, 0);
    cxm_table *truth;
    OK(cxm_sim_customers(&truth, w));
    cxm_rfm *rfm;
    OK(cxm_sim_rfm(&rfm, w, NULL));
    size_t n = cxm_rfm_size(rfm);
    ck_assert_uint_gt(n, 2000);
    double *x = malloc(n * sizeof *x), *tx = malloc(n * sizeof *tx), *T = malloc(n * sizeof *T),
           *m = malloc(n * sizeof *m);
    OK(cxm_rfm_column(x, n, rfm, CXM_RFM_FREQUENCY));
    OK(cxm_rfm_column(tx, n, rfm, CXM_RFM_RECENCY));
    OK(cxm_rfm_column(T, n, rfm, CXM_RFM_T));
    OK(cxm_rfm_column(m, n, rfm, CXM_RFM_MONETARY_VALUE));

    /* The summary agrees with the truth table (same customers, same x). */
    ck_assert_double_eq(scalar(truth, "buyers"), (double)n);

    cxm_model *bg;
    OK(cxm_model_create(&bg, CXM_MODEL_BGNBD));
    OK(cxm_model_fit(bg, n, x, tx, T, NULL, NULL));
    static const char *const names[] = { "r", "alpha", "a", "b" };
    double est[4], se[4];
    OK(cxm_model_params(est, 4, bg));
    OK(cxm_model_standard_errors(se, 4, bg));
    for (int k = 0; k < 4; k++) {
        double true_value = scalar(truth, names[k]);
        note(names[k], est[k], se[k], true_value);
        /* Within 3 standard errors (asymptotic, from the observed information). */
        ck_assert_msg(fabs(est[k] - true_value) <= 3 * se[k],
                      "BG/NBD %s: fitted %g (SE %g), true %g", names[k], est[k], se[k], true_value);
    }

    cxm_model *gg;
    OK(cxm_model_create(&gg, CXM_MODEL_GAMMA_GAMMA));
    OK(cxm_model_fit_spend(gg, n, x, m, NULL, NULL));
    static const char *const spend[] = { "spend_p", "spend_q", "spend_gamma" };
    double gest[3], gse[3];
    OK(cxm_model_params(gest, 3, gg));
    OK(cxm_model_standard_errors(gse, 3, gg));
    for (int k = 0; k < 3; k++) {
        double true_value = scalar(truth, spend[k]);
        note(spend[k], gest[k], gse[k], true_value);
        ck_assert_msg(fabs(gest[k] - true_value) <= 3 * gse[k],
                      "Gamma-Gamma %s: fitted %g (SE %g), true %g", spend[k], gest[k], gse[k],
                      true_value);
    }
    cxm_model_free(bg);
    cxm_model_free(gg);
    free(x);
    free(tx);
    free(T);
    free(m);
    cxm_rfm_free(rfm);
    cxm_table_free(truth);
    cxm_sim_free(w);
}
END_TEST

/* ------------------------------------------------------------------ decision chain */

/* Parameters of the explore phase, read from the settings' JSON (what the
 * simulator was given), not from the simulator. */
typedef struct explore_model {
    size_t n;           /* EXPLORE touchpoints */
    double q[16], noise[16], entry[16], follow[16];
    double advance, sensitivity, cont, assimilation, mean, sd;
    size_t nseg;
    double share[8], shift[8];
} explore_model;

static double normal_cdf(double x)
{
    return 0.5 * erfc(-x / sqrt(2.0));
}

/* Expected counts of the explore walk for a customer with expectation E:
 * visits, advances to BUY, steps EXPLORE → EXPLORE, leaves. */
static void explore_counts(const explore_model *m, double E, double *visits, double *advance,
                           double *stay, double *leave)
{
    double p[16], se = 0.0, sf = 0.0;
    for (size_t k = 0; k < m->n; k++) {
        double mean_d = m->q[k] + m->assimilation * (E - m->mean) - E;
        p[k] = normal_cdf((m->advance + m->sensitivity * mean_d) /
                          sqrt(1.0 + m->sensitivity * m->sensitivity * m->noise[k] * m->noise[k]));
    }
    double etot = 0.0, ftot = 0.0;
    for (size_t k = 0; k < m->n; k++) {
        etot += m->entry[k];
        ftot += m->follow[k];
    }
    for (size_t k = 0; k < m->n; k++) {
        se += m->entry[k] / etot * (1.0 - p[k]);
        sf += m->follow[k] / ftot * (1.0 - p[k]);
    }
    /* v = e + S f with S = c Σ v_k (1 − p_k): S = c·se / (1 − c·sf). */
    double S = m->cont * se / (1.0 - m->cont * sf);
    *visits = 1.0 + S;
    *stay = S;
    *advance = 0.0;
    *leave = 0.0;
    for (size_t k = 0; k < m->n; k++) {
        double v = m->entry[k] / etot + S * m->follow[k] / ftot;
        *advance += v * p[k];
        *leave += v * (1.0 - p[k]) * (1.0 - m->cont);
    }
}

static double json_number(const cJSON *obj, const char *path)
{
    char part[64];
    const cJSON *item = obj;
    for (const char *p = path; *p;) {
        size_t len = strcspn(p, ".");
        snprintf(part, sizeof part, "%.*s", (int)len, p);
        item = cJSON_GetObjectItemCaseSensitive(item, part);
        ck_assert_msg(item != NULL, "settings: no '%s'", path);
        p += len + (p[len] == '.');
    }
    ck_assert(cJSON_IsNumber(item));
    return item->valuedouble;
}

/* The explore phase as the settings describe it. */
static void explore_model_from(explore_model *m, const cxm_sim *w)
{
    char *text;
    OK(cxm_sim_settings_to_json(&text, cxm_sim_get_settings(w)));
    cJSON *doc = cJSON_Parse(text);
    cxm_free(text);
    ck_assert(doc != NULL);
    memset(m, 0, sizeof *m);
    m->advance = json_number(doc, "decisions.explore.advance");
    m->sensitivity = json_number(doc, "decisions.explore.sensitivity");
    m->cont = json_number(doc, "decisions.explore.continue");
    m->assimilation = json_number(doc, "perception.assimilation");
    m->mean = json_number(doc, "expectations.mean");
    m->sd = json_number(doc, "expectations.sd");
    const cJSON *tps = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(doc, "journey_map"), "touchpoints");
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(doc, "touchpoints");
    const cJSON *tp;
    cJSON_ArrayForEach(tp, tps)
    {
        const char *decision = cJSON_GetObjectItemCaseSensitive(tp, "decision")->valuestring;
        if (strcmp(decision, "EXPLORE") != 0)
            continue;
        const cJSON *pp = cJSON_GetObjectItemCaseSensitive(
            params, cJSON_GetObjectItemCaseSensitive(tp, "id")->valuestring);
        ck_assert(pp != NULL && m->n < 16);
        m->q[m->n] = json_number(pp, "quality");
        m->noise[m->n] = json_number(pp, "noise");
        m->entry[m->n] = json_number(pp, "entry");
        m->follow[m->n] = json_number(pp, "follow");
        m->n++;
    }
    const cJSON *seg;
    cJSON_ArrayForEach(seg, cJSON_GetObjectItemCaseSensitive(doc, "segments"))
    {
        m->share[m->nseg] = json_number(seg, "share");
        m->shift[m->nseg] = json_number(seg, "expectations");
        m->nseg++;
    }
    if (m->nseg == 0) {
        m->share[0] = 1.0;
        m->nseg = 1;
    }
    cJSON_Delete(doc);
}

/* Population transition probabilities from EXPLORE: ratios of expected
 * counts, integrated over E ~ Σ share·N(mean + shift, sd²) by Simpson's
 * rule on ±10 sd (error far below the tolerances). */
static void explore_truth(const explore_model *m, double *p_explore, double *p_buy,
                          double *p_leave)
{
    double visits = 0, advance = 0, stay = 0, leave = 0, total_share = 0;
    for (size_t g = 0; g < m->nseg; g++)
        total_share += m->share[g];
    const int steps = 4000;
    for (size_t g = 0; g < m->nseg; g++) {
        double mu = m->mean + m->shift[g], lo = mu - 10 * m->sd, h = 20 * m->sd / steps;
        for (int i = 0; i <= steps; i++) {
            double E = lo + i * h, z = (E - mu) / m->sd;
            double weight = (i == 0 || i == steps ? 1 : i % 2 ? 4 : 2) * h / 3 *
                            exp(-0.5 * z * z) / (m->sd * sqrt(2 * M_PI)) * m->share[g] /
                            total_share;
            double v, a, st, l;
            explore_counts(m, E, &v, &a, &st, &l);
            visits += weight * v;
            advance += weight * a;
            stay += weight * st;
            leave += weight * l;
        }
    }
    *p_explore = stay / visits;
    *p_buy = advance / visits;
    *p_leave = leave / visits;
}

START_TEST(test_explore_truth_is_a_distribution)
{
    cxm_sim *w = make_world(world_json, 10, 0);
    explore_model m;
    explore_model_from(&m, w);
    ck_assert_uint_eq(m.n, 4);
    double pe, pb, pl;
    explore_truth(&m, &pe, &pb, &pl);
    ck_assert_double_eq_tol(pe + pb + pl, 1.0, 1e-9);
    /* With sensitivity 0 the advance probability is Φ(advance) exactly. */
    m.sensitivity = 0;
    explore_truth(&m, &pe, &pb, &pl);
    double p = normal_cdf(m.advance);
    ck_assert_double_eq_tol(pb, p, 1e-9);
    ck_assert_double_eq_tol(pe, (1 - p) * m.cont, 1e-9);
    cxm_sim_free(w);
}
END_TEST

START_TEST(test_decision_chain_recovered)
{
    cxm_sim *w = make_world(world_json, 0, 0);
    cxm_journeys *j;
    OK(cxm_sim_journeys(&j, w));
    cxm_table *chain;
    OK(cxm_journeys_decision_chain(&chain, j));
    size_t e = row_of(chain, "from", "EXPLORE"), b = row_of(chain, "from", "BUY");

    explore_model m;
    explore_model_from(&m, w);
    double pe, pb, pl;
    explore_truth(&m, &pe, &pb, &pl);
    double n_e = number(chain, e, "count_explore") + number(chain, e, "count_buy") +
                 number(chain, e, "count_promote") + number(chain, e, "count_leave");
    struct { const char *column; double truth; } from_explore[] = {
        { "p_explore", pe }, { "p_buy", pb }, { "p_promote", 0.0 }, { "p_leave", pl },
    };
    for (size_t k = 0; k < 4; k++) {
        double est = number(chain, e, from_explore[k].column), t = from_explore[k].truth;
        /* 3.5 binomial standard errors of a share of n_e steps (steps of one
         * customer are not independent: the margin covers it). */
        double se = sqrt(fmax(t * (1 - t), 1e-12) / n_e);
        char what[64];
        snprintf(what, sizeof what, "EXPLORE %s", from_explore[k].column);
        note(what, est, se, t);
        ck_assert_msg(fabs(est - t) <= 3.5 * se + 1e-12, "EXPLORE → %s: estimated %g, true %g (SE %g)",
                      from_explore[k].column, est, t, se);
    }

    /* From BUY: continuing is buy.continue; promoting is (1 − continue)
     * times the share of buyers who promote, from a large simulation. */
    char *text;
    OK(cxm_sim_settings_to_json(&text, cxm_sim_get_settings(w)));
    cJSON *doc = cJSON_Parse(text);
    cxm_free(text);
    double cont = json_number(doc, "decisions.buy.continue");
    cJSON_Delete(doc);
    cxm_sim *big = make_world(world_json, 100000, 99);
    cxm_table *truth;
    OK(cxm_sim_customers(&truth, big));
    double share = scalar(truth, "promoters") / scalar(truth, "buyers");
    double n_b = number(chain, b, "count_explore") + number(chain, b, "count_buy") +
                 number(chain, b, "count_promote") + number(chain, b, "count_leave");
    struct { const char *column; double truth; } from_buy[] = {
        { "p_explore", 0.0 }, { "p_buy", cont }, { "p_promote", (1 - cont) * share },
        { "p_leave", (1 - cont) * (1 - share) },
    };
    for (size_t k = 0; k < 4; k++) {
        double est = number(chain, b, from_buy[k].column), t = from_buy[k].truth;
        double se = sqrt(fmax(t * (1 - t), 1e-12) / n_b);
        char what[64];
        snprintf(what, sizeof what, "BUY %s", from_buy[k].column);
        note(what, est, se, t);
        ck_assert_msg(fabs(est - t) <= 3.5 * se + 1e-12, "BUY → %s: estimated %g, true %g (SE %g)",
                      from_buy[k].column, est, t, se);
    }
    cxm_table_free(truth);
    cxm_sim_free(big);
    cxm_table_free(chain);
    cxm_journeys_free(j);
    cxm_sim_free(w);
}
END_TEST

/* ------------------------------------------------------------------ the chain */

enum { EXPE, PERC, EMOT, SATI, PROM, COMP, STAY, NC };
static const char *const latent_columns[NC] = { "expectation", "perception", "emotion",
                                                "satisfaction", "promote", "complain", "stay" };
static const char *const construct_names[NC] = { "Expectations", "Perceptions", "Emotion",
                                                 "Satisfaction", "Promote", "Complain", "Stay" };

/* Solve a small system a·x = b (Gaussian elimination with partial pivoting). */
static void solve(double *a, double *b, int n)
{
    for (int c = 0; c < n; c++) {
        int piv = c;
        for (int r = c + 1; r < n; r++)
            if (fabs(a[r * n + c]) > fabs(a[piv * n + c]))
                piv = r;
        for (int k = 0; k < n; k++) {
            double t = a[c * n + k];
            a[c * n + k] = a[piv * n + k];
            a[piv * n + k] = t;
        }
        double t = b[c];
        b[c] = b[piv];
        b[piv] = t;
        for (int r = c + 1; r < n; r++) {
            double f = a[r * n + c] / a[c * n + c];
            for (int k = c; k < n; k++)
                a[r * n + k] -= f * a[c * n + k];
            b[r] -= f * b[c];
        }
    }
    for (int c = n - 1; c >= 0; c--) {
        for (int k = c + 1; k < n; k++)
            b[c] -= a[c * n + k] * b[k];
        b[c] /= a[c * n + c];
    }
}

/* Standardized least-squares coefficients of each construct on its parents
 * in the preset, from the latent values of the buyers of a world. */
static void true_paths(const cxm_sim *w, double paths[NC][NC], const int parents[NC][NC])
{
    cxm_table *truth;
    OK(cxm_sim_customers(&truth, w));
    size_t n = cxm_table_rows(truth);
    double *v[NC], *bought = column(truth, "bought");
    for (int k = 0; k < NC; k++)
        v[k] = column(truth, latent_columns[k]);
    double mean[NC] = { 0 }, cov[NC][NC] = { { 0 } }, m = 0;
    for (size_t i = 0; i < n; i++)
        if (bought[i] == 1) {
            m++;
            for (int k = 0; k < NC; k++)
                mean[k] += v[k][i];
        }
    for (int k = 0; k < NC; k++)
        mean[k] /= m;
    for (size_t i = 0; i < n; i++)
        if (bought[i] == 1)
            for (int a = 0; a < NC; a++)
                for (int b = 0; b < NC; b++)
                    cov[a][b] += (v[a][i] - mean[a]) * (v[b][i] - mean[b]) / (m - 1);
    memset(paths, 0, sizeof(double) * NC * NC);
    for (int y = 0; y < NC; y++) {
        int idx[NC], np = 0;
        for (int x = 0; x < NC; x++)
            if (parents[y][x])
                idx[np++] = x;
        if (np == 0)
            continue;
        double a[NC * NC], b[NC];
        for (int r = 0; r < np; r++) {
            for (int c = 0; c < np; c++)
                a[r * np + c] = cov[idx[r]][idx[c]] / sqrt(cov[idx[r]][idx[r]] * cov[idx[c]][idx[c]]);
            b[r] = cov[idx[r]][y] / sqrt(cov[idx[r]][idx[r]] * cov[y][y]);
        }
        solve(a, b, np);
        for (int r = 0; r < np; r++)
            paths[idx[r]][y] = b[r];
    }
    for (int k = 0; k < NC; k++)
        free(v[k]);
    free(bought);
    cxm_table_free(truth);
}

START_TEST(test_chain_paths_recovered)
{
    cxm_sim *w = make_world(world_json, 0, 0);
    cxm_table *survey;
    OK(cxm_sim_survey(&survey, w));
    size_t rows = cxm_table_rows(survey), cols = 0;
    ck_assert_uint_gt(rows, 1000);
    const char *names[64];
    double *data = malloc(rows * 64 * sizeof *data);
    for (size_t j = 0; j < cxm_table_columns(survey); j++) {
        if (cxm_table_column_type(survey, j) != CXM_COLUMN_NUMBER)
            continue;
        names[cols] = cxm_table_column_name(survey, j);
        double *c = column(survey, names[cols]);
        for (size_t i = 0; i < rows; i++)
            data[i * 64 + cols] = c[i];
        free(c);
        cols++;
    }
    /* Compact the rows to `cols` columns. */
    for (size_t i = 0; i < rows; i++)
        memmove(data + i * cols, data + i * 64, cols * sizeof *data);
    cxm_pls_model *model;
    OK(cxm_pls_model_preset(&model, "chain"));
    cxm_pls_options options = CXM_PLS_OPTIONS_INIT;
    options.bootstrap = 200;
    options.seed = 5;
    options.missing = CXM_PLS_MEAN_REPLACEMENT; /* touchpoint ratings are not in the model */
    cxm_pls_result *fit;
    OK(cxm_pls_estimate(&fit, model, rows, cols, data, names, &options));
    size_t K = cxm_pls_model_construct_count(model);
    ck_assert_uint_eq(K, NC);
    int order[NC];
    for (int k = 0; k < NC; k++) {
        size_t index;
        OK(cxm_pls_model_find(&index, model, construct_names[k]));
        order[k] = (int)index;
    }
    double est[NC * NC], se[NC * NC];
    OK(cxm_pls_result_get(est, K * K, fit, CXM_PLS_PATHS));
    OK(cxm_pls_result_bootstrap(se, K * K, fit, CXM_PLS_PATHS, CXM_PLS_BOOT_STD_ERROR));
    int parents[NC][NC] = { { 0 } };
    for (size_t p = 0; p < cxm_pls_model_path_count(model); p++) {
        size_t from, to;
        OK(cxm_pls_model_path(&from, &to, model, p));
        int f = -1, t = -1;
        for (int k = 0; k < NC; k++) {
            if (order[k] == (int)from)
                f = k;
            if (order[k] == (int)to)
                t = k;
        }
        parents[t][f] = 1;
    }
    cxm_sim *big = make_world(world_json, 100000, 99);
    double truth[NC][NC];
    true_paths(big, truth, parents);
    for (int y = 0; y < NC; y++)
        for (int x = 0; x < NC; x++) {
            if (!parents[y][x])
                continue;
            double e = est[order[x] * K + order[y]], s = se[order[x] * K + order[y]];
            char what[64];
            snprintf(what, sizeof what, "%s -> %s", construct_names[x], construct_names[y]);
            note(what, e, s, truth[x][y]);
            /* 3 bootstrap standard errors, plus 0.05 for the attenuation of
             * PLS with items measured with error (rounded to a 1-10 scale). */
            ck_assert_msg(fabs(e - truth[x][y]) <= 3 * s + 0.05,
                          "%s -> %s: PLS %g (SE %g), true %g", construct_names[x],
                          construct_names[y], e, s, truth[x][y]);
        }
    cxm_sim_free(big);
    cxm_pls_result_free(fit);
    cxm_pls_model_free(model);
    free(data);
    cxm_table_free(survey);
    cxm_sim_free(w);
}
END_TEST

/* ------------------------------------------------------------------ pain points */

static const char *top_pain_point(const char *json, cxm_importance_source source)
{
    static char id[64];
    cxm_sim *w = make_world(json, 0, 0);
    cxm_journeys *j;
    OK(cxm_sim_journeys(&j, w));
    cxm_journey_options options = CXM_JOURNEY_OPTIONS_INIT;
    options.importance = source;
    cxm_table *map;
    OK(cxm_journeys_experience_map(&map, j, &options));
    id[0] = '\0';
    for (size_t i = 0; i < cxm_table_rows(map); i++)
        if (strcmp(cxm_table_text(map, i, "quadrant"), "pain point") == 0 &&
            number(map, i, "rank") == 1)
            snprintf(id, sizeof id, "%s", cxm_table_text(map, i, "touchpoint"));
    cxm_table_free(map);
    cxm_journeys_free(j);
    cxm_sim_free(w);
    return id;
}

START_TEST(test_lowered_touchpoint_is_the_top_pain_point)
{
    /* The built-in world's checkout delivers 5.2 instead of 7.6. */
    ck_assert_str_eq(top_pain_point("{\"seed\": 3}", CXM_IMPORTANCE_AUTO), "checkout");
    /* Repaired, it is no longer the top pain point. */
    static const char repaired[] =
        "{\"seed\": 3, \"touchpoints\": {\"checkout\": {\"quality\": 7.6}}}";
    ck_assert_str_ne(top_pain_point(repaired, CXM_IMPORTANCE_AUTO), "checkout");
    /* Lower a bright spot instead (delivery, a BUY touchpoint; the website,
     * an EXPLORE one): it becomes the top pain point. The map states every
     * touchpoint's importance, so the experience map uses it. */
    static const char delivery[] =
        "{\"seed\": 3, \"touchpoints\": {\"checkout\": {\"quality\": 7.6},"
        " \"delivery\": {\"quality\": 5.0}}}";
    ck_assert_str_eq(top_pain_point(delivery, CXM_IMPORTANCE_AUTO), "delivery");
    static const char website[] =
        "{\"seed\": 3, \"touchpoints\": {\"checkout\": {\"quality\": 7.6},"
        " \"website\": {\"quality\": 5.0}}}";
    ck_assert_str_eq(top_pain_point(website, CXM_IMPORTANCE_AUTO), "website");
}
END_TEST

static Suite *world_suite(void)
{
    Suite *s = suite_create("world");
    TCase *tc = tcase_create("recovery");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_explore_truth_is_a_distribution);
    tcase_add_test(tc, test_btyd_recovered);
    tcase_add_test(tc, test_decision_chain_recovered);
    tcase_add_test(tc, test_chain_paths_recovered);
    tcase_add_test(tc, test_lowered_touchpoint_is_the_top_pain_point);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cxm_check_run(world_suite());
}
