/* The model engine through the public API: CDNOW (docs/models.md §1.4, §1.7), the
 * MBG/NBD against direct integration (tests/ref/bgnbd_reference.py),
 * recovery of known parameters from simulated customers, the numerical
 * grid, failures that must never look like fits, persistence, simulation,
 * lifetime value and out-of-memory behaviour. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cxm.h>

#include "chaos.h"
#include "check_run.h"
#include "ref/bgnbd_reference.h"
#include "ref/extremes_reference.h"
#include "extremes.h"
#include "cdnow.h"
#include "suites.h"

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* ------------------------------------------------------------------ CDNOW */

static cxm_model *fitted(cxm_model_kind kind)
{
    cxm_model *m;
    load_cdnow();
    ck_assert_cxm_ok(cxm_model_create(&m, kind));
    if (kind == CXM_MODEL_GAMMA_GAMMA)
        ck_assert_cxm_ok(cxm_model_fit_spend(m, CDNOW_N, cd_x, cd_m, NULL, NULL));
    else
        ck_assert_cxm_ok(cxm_model_fit(m, CDNOW_N, cd_x, cd_tx, cd_T, NULL, NULL));
    return m;
}

START_TEST(cdnow_bgnbd_published_estimates)
{
    cxm_model *m = fitted(CXM_MODEL_BGNBD);
    double p[4], se[4], ll, aic, bic;
    ck_assert_cxm_ok(cxm_model_params(p, 4, m));
    /* Published to three decimals: r=0.243, alpha=4.414, a=0.793, b=2.426. */
    ck_assert_double_eq_tol(p[0], 0.243, 5e-4);
    ck_assert_double_eq_tol(p[1], 4.414, 5e-4);
    ck_assert_double_eq_tol(p[2], 0.793, 5e-4);
    ck_assert_double_eq_tol(p[3], 2.426, 5e-4);
    /* Hardie's unrounded MLE. */
    ck_assert_double_eq_tol(p[0], 0.242593, 1e-6);
    ck_assert_double_eq_tol(p[1], 4.413532, 1e-5);
    ck_assert_double_eq_tol(p[2], 0.792886, 1e-5);
    ck_assert_double_eq_tol(p[3], 2.425752, 1e-5);
    ck_assert_cxm_ok(cxm_model_log_likelihood(&ll, m));
    ck_assert_double_eq_tol(ll, -9582.4, 0.1);
    ck_assert_cxm_ok(cxm_model_standard_errors(se, 4, m));
    for (int i = 0; i < 4; i++)
        ck_assert(se[i] > 0 && se[i] < p[i]);
    ck_assert_cxm_ok(cxm_model_aic(&aic, m));
    ck_assert_cxm_ok(cxm_model_bic(&bic, m));
    ck_assert_double_eq_tol(aic, 8 - 2 * ll, 1e-9);
    ck_assert_double_eq_tol(bic, 4 * log(2357.0) - 2 * ll, 1e-9);
    cxm_fit_report report = CXM_FIT_REPORT_INIT;
    ck_assert_cxm_ok(cxm_model_fit_report(&report, m));
    ck_assert_int_eq(report.reason, CXM_FIT_CONVERGED);
    ck_assert(report.iterations > 0 && report.iterations < 30);
    ck_assert(report.gradient_norm < 1e-9);
    ck_assert_double_eq(report.observations, 2357.0);
    ck_assert(strstr(cxm_model_fit_message(m), "converged") != NULL);
    cxm_model_free(m);
}
END_TEST

START_TEST(cdnow_bgnbd_published_predictions)
{
    cxm_model *m = fitted(CXM_MODEL_BGNBD);
    /* Hardie's spreadsheet at the MLE: E[Y(39) | 2, 30.43, 38.86] = 1.226 and
     * E[X(t)] (agreement to about 5e-4, docs/models.md §1.4). */
    double t = 39, x = 2, tx = 30.43, T = 38.86, ey;
    ck_assert_cxm_ok(cxm_model_conditional_purchases(&ey, 1, m, &t, &x, &tx, &T));
    ck_assert_double_eq_tol(ey, 1.226, 5e-4);
    static const double times[] = { 0.1429, 1, 3, 31.8571, 32, 78 };
    static const double published[] = { 0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576 };
    double ex[6];
    ck_assert_cxm_ok(cxm_model_expected_purchases(ex, 6, m, times));
    for (int i = 0; i < 6; i++)
        ck_assert_msg(fabs(ex[i] - published[i]) < 5e-4, "E[X(%g)] = %.5f, published %.4f",
                      times[i], ex[i], published[i]);
    /* mpmath at the same MLE (2F1 and direct quadrature agree): 1.857972105. */
    double p[4];
    ck_assert_cxm_ok(cxm_model_params(p, 4, m));
    ck_assert_double_eq_tol(ex[5], 1.857972105, 2e-5);
    cxm_model_free(m);
}
END_TEST

START_TEST(cdnow_gamma_gamma_published_estimates)
{
    cxm_model *m = fitted(CXM_MODEL_GAMMA_GAMMA);
    double p[3];
    ck_assert_cxm_ok(cxm_model_params(p, 3, m));
    ck_assert_double_eq_tol(p[0], 6.25, 0.01);
    ck_assert_double_eq_tol(p[1], 3.74, 0.01);
    ck_assert_double_eq_tol(p[2], 15.44, 0.01);
    ck_assert_double_eq_tol(p[0], 6.2488, 1e-4);
    ck_assert_double_eq_tol(p[1], 3.7446, 1e-4);
    ck_assert_double_eq_tol(p[2], 15.4477, 1e-4);
    cxm_fit_report report = CXM_FIT_REPORT_INIT;
    ck_assert_cxm_ok(cxm_model_fit_report(&report, m));
    ck_assert_double_eq(report.observations, 946.0); /* repeat customers only */
    /* docs/models.md §1.7: the first ten customers (x = 0 gets the population mean). */
    static const double published[] = { 24.65, 18.91, 35.17, 35.17, 35.17,
                                        71.46, 18.91, 35.17, 27.28, 35.17 };
    double em[10], mean;
    ck_assert_cxm_ok(cxm_model_expected_spend(em, 10, m, cd_x, cd_m));
    for (int i = 0; i < 10; i++)
        ck_assert_msg(fabs(em[i] - published[i]) < 0.01, "E[M] of customer %d = %.4f, published %.2f",
                      i + 1, em[i], published[i]);
    ck_assert_cxm_ok(cxm_model_mean_spend(&mean, m));
    ck_assert_double_eq_tol(mean, p[0] * p[2] / (p[1] - 1), 1e-12);
    ck_assert_double_eq_tol(em[2], mean, 1e-12);
    cxm_model_free(m);
}
END_TEST

/* ------------------------------------------------------------------ from a summary */

/* The CDNOW transaction log summarised as in docs/models.md §1.4: days,
 * reported in weeks, 39-week calibration, observed to 1998-06-30. */
static cxm_rfm *cdnow_summary(void)
{
    char path[4096];
    const char *top = getenv("top_srcdir");
    snprintf(path, sizeof path, "%s/tests/data/cdnow/CDNOW_sample.txt", top ? top : "..");
    cxm_csv_options csv = CXM_CSV_OPTIONS_INIT;
    csv.delimiter = CXM_CSV_DETECT;
    csv.header = 0;
    cxm_rfm_options o = CXM_RFM_OPTIONS_INIT;
    o.scale = 7;
    ck_assert_cxm_ok(cxm_time_parse(&o.calibration_end, "1997-09-30", NULL));
    ck_assert_cxm_ok(cxm_time_parse(&o.observation_end, "1998-06-30", NULL));
    cxm_rfm *rfm = NULL;
    ck_assert_cxm_ok(cxm_rfm_read_csv(&rfm, path, "2", "3", "5", &csv, &o));
    ck_assert_uint_eq(cxm_rfm_size(rfm), CDNOW_N);
    return rfm;
}

static double *summary_column(const cxm_rfm *rfm, cxm_rfm_field field)
{
    size_t n = cxm_rfm_size(rfm);
    double *v = malloc((n ? n : 1) * sizeof *v);
    ck_assert_ptr_nonnull(v);
    ck_assert_cxm_ok(cxm_rfm_column(v, n, rfm, field));
    return v;
}

static void assert_same_bits(const double *a, const double *b, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(memcmp(&a[i], &b[i], sizeof a[i]) == 0, "%s, element %zu: %.17g vs %.17g",
                      what, i, a[i], b[i]);
}

START_TEST(fit_from_a_summary_equals_fit_from_its_columns)
{
    cxm_rfm *rfm = cdnow_summary();
    double *x = summary_column(rfm, CXM_RFM_FREQUENCY), *tx = summary_column(rfm, CXM_RFM_RECENCY),
           *T = summary_column(rfm, CXM_RFM_T), *m = summary_column(rfm, CXM_RFM_MONETARY_VALUE);
    cxm_model *a, *b;
    double pa[4], pb[4], sa[4], sb[4];
    ck_assert_cxm_ok(cxm_model_create(&a, CXM_MODEL_BGNBD));
    ck_assert_cxm_ok(cxm_model_create(&b, CXM_MODEL_BGNBD));
    ck_assert_cxm_ok(cxm_model_fit_rfm(a, rfm, NULL));
    ck_assert_cxm_ok(cxm_model_fit(b, CDNOW_N, x, tx, T, NULL, NULL));
    ck_assert_cxm_ok(cxm_model_params(pa, 4, a));
    ck_assert_cxm_ok(cxm_model_params(pb, 4, b));
    ck_assert_cxm_ok(cxm_model_standard_errors(sa, 4, a));
    ck_assert_cxm_ok(cxm_model_standard_errors(sb, 4, b));
    assert_same_bits(pa, pb, 4, "BG/NBD parameters");
    assert_same_bits(sa, sb, 4, "BG/NBD standard errors");
    /* Fader, Hardie & Lee (2005): r = 0.243, alpha = 4.414, a = 0.793, b = 2.426. */
    static const double published[4] = { 0.243, 4.414, 0.793, 2.426 };
    for (int k = 0; k < 4; k++)
        ck_assert_double_eq_tol(pa[k], published[k], 5e-4);
    cxm_model_free(a);
    cxm_model_free(b);

    /* Gamma-Gamma on frequency and monetary value (docs/models.md §1.7). */
    ck_assert_cxm_ok(cxm_model_create(&a, CXM_MODEL_GAMMA_GAMMA));
    ck_assert_cxm_ok(cxm_model_create(&b, CXM_MODEL_GAMMA_GAMMA));
    ck_assert_cxm_ok(cxm_model_fit_rfm(a, rfm, NULL));
    ck_assert_cxm_ok(cxm_model_fit_spend(b, CDNOW_N, x, m, NULL, NULL));
    ck_assert_cxm_ok(cxm_model_params(pa, 3, a));
    ck_assert_cxm_ok(cxm_model_params(pb, 3, b));
    assert_same_bits(pa, pb, 3, "Gamma-Gamma parameters");
    ck_assert_double_eq_tol(pa[0], 6.25, 0.01);
    ck_assert_double_eq_tol(pa[1], 3.74, 0.01);
    ck_assert_double_eq_tol(pa[2], 15.44, 0.01);
    cxm_model_free(a);
    cxm_model_free(b);
    free(x);
    free(tx);
    free(T);
    free(m);
    cxm_rfm_free(rfm);
}
END_TEST

START_TEST(predictions_from_a_summary_equal_those_from_its_columns)
{
    cxm_rfm *rfm = cdnow_summary();
    size_t n = CDNOW_N;
    double *x = summary_column(rfm, CXM_RFM_FREQUENCY), *tx = summary_column(rfm, CXM_RFM_RECENCY),
           *T = summary_column(rfm, CXM_RFM_T), *m = summary_column(rfm, CXM_RFM_MONETARY_VALUE),
           *dur = summary_column(rfm, CXM_RFM_DURATION_HOLDOUT);
    double *got = malloc(n * sizeof *got), *want = malloc(n * sizeof *want),
           *t = malloc(n * sizeof *t), *spend = malloc(n * sizeof *spend);
    ck_assert(got && want && t && spend);
    cxm_model *bg, *gg;
    ck_assert_cxm_ok(cxm_model_create(&bg, CXM_MODEL_BGNBD));
    ck_assert_cxm_ok(cxm_model_fit_rfm(bg, rfm, NULL));
    ck_assert_cxm_ok(cxm_model_create(&gg, CXM_MODEL_GAMMA_GAMMA));
    ck_assert_cxm_ok(cxm_model_fit_rfm(gg, rfm, NULL));

    ck_assert_cxm_ok(cxm_model_predict_rfm(got, n, bg, rfm, CXM_PREDICT_P_ALIVE, 0));
    ck_assert_cxm_ok(cxm_model_p_alive(want, n, bg, x, tx, T));
    assert_same_bits(got, want, n, "P(alive)");
    for (size_t i = 0; i < n; i++)
        t[i] = 52;
    ck_assert_cxm_ok(cxm_model_predict_rfm(got, n, bg, rfm, CXM_PREDICT_PURCHASES, 52));
    ck_assert_cxm_ok(cxm_model_conditional_purchases(want, n, bg, t, x, tx, T));
    assert_same_bits(got, want, n, "E[Y(52)]");
    ck_assert_cxm_ok(cxm_model_conditional_purchases_horizon(got, n, bg, 52, x, tx, T));
    assert_same_bits(got, want, n, "E[Y(52)] with a scalar horizon");
    ck_assert_cxm_ok(cxm_model_predict_rfm(got, n, bg, rfm, CXM_PREDICT_HOLDOUT_PURCHASES, 0));
    ck_assert_cxm_ok(cxm_model_conditional_purchases(want, n, bg, dur, x, tx, T));
    assert_same_bits(got, want, n, "holdout purchases");
    ck_assert_cxm_ok(cxm_model_predict_rfm(got, n, bg, rfm, CXM_PREDICT_DERT, 0.01));
    ck_assert_cxm_ok(cxm_model_dert(want, n, bg, 0.01, x, tx, T));
    assert_same_bits(got, want, n, "DERT");
    ck_assert_cxm_ok(cxm_model_predict_rfm(got, n, gg, rfm, CXM_PREDICT_SPEND, 0));
    ck_assert_cxm_ok(cxm_model_expected_spend(spend, n, gg, x, m));
    assert_same_bits(got, spend, n, "expected spend");

    cxm_value_options vo = CXM_VALUE_OPTIONS_INIT;
    vo.period = 52.0 / 12.0;
    ck_assert_cxm_ok(cxm_model_lifetime_value_rfm(got, n, bg, gg, rfm, &vo));
    ck_assert_cxm_ok(cxm_model_lifetime_value(want, n, bg, x, tx, T, spend, &vo));
    assert_same_bits(got, want, n, "lifetime value with a spend model");
    ck_assert_cxm_ok(cxm_model_lifetime_value_rfm(got, n, bg, NULL, rfm, &vo));
    ck_assert_cxm_ok(cxm_model_lifetime_value(want, n, bg, x, tx, T, m, &vo));
    assert_same_bits(got, want, n, "lifetime value at the monetary value");

    /* Hardie's spreadsheet: E[Y(39) | 2, 30.43, 38.86] = 1.226, scalar horizon. */
    double one, x1 = 2, tx1 = 30.43, T1 = 38.86;
    ck_assert_cxm_ok(cxm_model_conditional_purchases_horizon(&one, 1, bg, 39, &x1, &tx1, &T1));
    ck_assert_double_eq_tol(one, 1.226, 5e-4);
    cxm_model_free(bg);
    cxm_model_free(gg);
    free(x);
    free(tx);
    free(T);
    free(m);
    free(dur);
    free(got);
    free(want);
    free(t);
    free(spend);
    cxm_rfm_free(rfm);
}
END_TEST

/* Two customers by hand, daily units: first purchases on days 0 and 4, the
 * period ending on day 9, so T = 9 and 5 and the first purchases lie at -9
 * and -5 from its end. The curve at time s is E[X(s + 9)] + E[X(s + 5)]
 * over the customers already there. */
START_TEST(tracking_from_a_summary_by_hand)
{
    static const int64_t customer[] = { 1, 2, 1 };
    static const double day[] = { 0, 4, 9 };
    cxm_rfm *rfm;
    ck_assert_cxm_ok(cxm_rfm_from_codes(&rfm, 3, customer, day, NULL, NULL));
    cxm_model *bg;
    static const double p[4] = { 0.243, 4.414, 0.793, 2.426 };
    ck_assert_cxm_ok(cxm_model_create(&bg, CXM_MODEL_BGNBD));
    ck_assert_cxm_ok(cxm_model_set_params(bg, p, 4));
    static const double times[] = { -9.5, -9, -7, -5, 0, 10 };
    double got[6], ages[2], ex[2];
    ck_assert_cxm_ok(cxm_model_tracking_rfm(got, 6, bg, rfm, times));
    ck_assert_double_eq(got[0], 0.0); /* before anyone's first purchase */
    ck_assert_double_eq(got[1], 0.0); /* at the first purchase: age 0 */
    for (int j = 2; j < 6; j++) {
        ages[0] = times[j] + 9;
        ages[1] = times[j] + 5 > 0 ? times[j] + 5 : 0;
        ck_assert_cxm_ok(cxm_model_expected_purchases(ex, 2, bg, ages));
        ck_assert_double_eq_tol(got[j], ex[0] + ex[1], 1e-12 * (1 + got[j]));
    }
    cxm_model_free(bg);
    cxm_rfm_free(rfm);
}
END_TEST

START_TEST(summary_functions_check_their_arguments)
{
    static const int64_t customer[] = { 1, 2, 1 };
    static const double day[] = { 0, 4, 9 };
    cxm_rfm *rfm; /* no amounts, no calibration end */
    ck_assert_cxm_ok(cxm_rfm_from_codes(&rfm, 3, customer, day, NULL, NULL));
    cxm_model *bg, *gg, *sbg;
    static const double p[4] = { 0.243, 4.414, 0.793, 2.426 };
    ck_assert_cxm_ok(cxm_model_create(&bg, CXM_MODEL_BGNBD));
    ck_assert_cxm_ok(cxm_model_create(&gg, CXM_MODEL_GAMMA_GAMMA));
    ck_assert_cxm_ok(cxm_model_create(&sbg, CXM_MODEL_SBG));
    double dst[3];
    /* Empty model, then given parameters. */
    ck_assert_int_eq(cxm_model_predict_rfm(dst, 2, bg, rfm, CXM_PREDICT_P_ALIVE, 0), CXM_ESTATE);
    ck_assert_cxm_ok(cxm_model_set_params(bg, p, 4));
    ck_assert_int_eq(cxm_model_predict_rfm(dst, 3, bg, rfm, CXM_PREDICT_P_ALIVE, 0), CXM_EINVAL);
    ck_assert(strstr(cxm_error_message(), "2 customers") != NULL);
    ck_assert_int_eq(cxm_model_predict_rfm(dst, 2, bg, rfm, (cxm_prediction)99, 0), CXM_EINVAL);
    ck_assert_int_eq(cxm_model_predict_rfm(dst, 2, bg, rfm, CXM_PREDICT_PURCHASES, -1), CXM_EINVAL);
    ck_assert_int_eq(cxm_model_predict_rfm(dst, 2, bg, rfm, CXM_PREDICT_PURCHASES, NAN), CXM_EINVAL);
    ck_assert_int_eq(cxm_model_predict_rfm(dst, 2, bg, rfm, CXM_PREDICT_HOLDOUT_PURCHASES, 0),
                     CXM_EINVAL);
    ck_assert_int_eq(cxm_model_predict_rfm(dst, 2, bg, NULL, CXM_PREDICT_P_ALIVE, 0), CXM_EINVAL);
    ck_assert_int_eq(cxm_model_fit_rfm(gg, rfm, NULL), CXM_EINVAL); /* no amounts */
    ck_assert_int_eq(cxm_model_fit_rfm(sbg, rfm, NULL), CXM_EUNSUPPORTED);
    ck_assert_int_eq(cxm_model_fit_rfm(NULL, rfm, NULL), CXM_EINVAL);
    cxm_value_options vo = CXM_VALUE_OPTIONS_INIT;
    vo.period = 1;
    ck_assert_int_eq(cxm_model_lifetime_value_rfm(dst, 2, bg, NULL, rfm, &vo), CXM_EINVAL);
    ck_assert_int_eq(cxm_model_tracking_rfm(dst, 1, bg, NULL, p), CXM_EINVAL);
    ck_assert_cxm_ok(cxm_model_predict_rfm(dst, 2, bg, rfm, CXM_PREDICT_PURCHASES, 0));
    ck_assert_double_eq(dst[0], 0.0);
    ck_assert_double_eq(dst[1], 0.0);
    cxm_model_free(bg);
    cxm_model_free(gg);
    cxm_model_free(sbg);
    cxm_rfm_free(rfm);
}
END_TEST

START_TEST(gamma_gamma_q_at_most_one_is_an_error_never_negative)
{
    cxm_model *m;
    double params[3] = { 2.0, 0.8, 10.0 }, x[2] = { 0, 3 }, spend[2] = { 0, 20 }, dst[2], mean;
    ck_assert_cxm_ok(cxm_model_create(&m, CXM_MODEL_GAMMA_GAMMA));
    ck_assert_cxm_ok(cxm_model_set_params(m, params, 3));
    ck_assert_cxm_fails(cxm_model_mean_spend(&mean, m), CXM_EDOMAIN, "q = 0.8");
    ck_assert_cxm_fails(cxm_model_expected_spend(dst, 2, m, x, spend), CXM_EDOMAIN, "element 0");
    /* Repeat customers still have a finite, positive expectation (px + q > 1). */
    ck_assert_cxm_ok(cxm_model_expected_spend(dst + 1, 1, m, x + 1, spend + 1));
    ck_assert_double_eq_tol(dst[1], 2.0 * (10 + 60) / (6 + 0.8 - 1), 1e-12);
    cxm_model_free(m);
}
END_TEST

/* A repeat customer who spent 0 (a free order) has a degenerate Gamma-Gamma
 * likelihood: the fit leaves the row out and counts it, and is the fit of
 * the other rows exactly; the prediction stays the closed form
 * p·gamma/(p·x + q − 1) at m = 0 (docs/models.md). */
START_TEST(gamma_gamma_zero_spend_is_skipped_and_counted)
{
    load_cdnow();
    size_t n = CDNOW_N + 2;
    double *x = malloc(n * sizeof *x), *m = malloc(n * sizeof *m), *w = malloc(n * sizeof *w);
    ck_assert(x && m && w);
    memcpy(x, cd_x, CDNOW_N * sizeof *x);
    memcpy(m, cd_m, CDNOW_N * sizeof *m);
    x[CDNOW_N] = 1, m[CDNOW_N] = 0, x[CDNOW_N + 1] = 4, m[CDNOW_N + 1] = 0;
    for (size_t i = 0; i < n; i++)
        w[i] = i == CDNOW_N + 1 ? 3.0 : 1.0; /* three customers share the second row */
    cxm_model *with = fitted(CXM_MODEL_GAMMA_GAMMA), *g;
    ck_assert_cxm_ok(cxm_model_create(&g, CXM_MODEL_GAMMA_GAMMA));
    ck_assert_cxm_ok(cxm_model_fit_spend(g, n, x, m, w, NULL));
    cxm_fit_report report = CXM_FIT_REPORT_INIT, base = CXM_FIT_REPORT_INIT;
    ck_assert_cxm_ok(cxm_model_fit_report(&report, g));
    ck_assert_cxm_ok(cxm_model_fit_report(&base, with));
    ck_assert_double_eq(report.skipped, 4.0);
    ck_assert_double_eq(base.skipped, 0.0);
    ck_assert_double_eq(report.observations, 946.0);
    double p[3], q[3];
    ck_assert_cxm_ok(cxm_model_params(p, 3, g));
    ck_assert_cxm_ok(cxm_model_params(q, 3, with));
    for (int k = 0; k < 3; k++)
        ck_assert_double_eq_tol(p[k], q[k], 1e-9 * q[k]);
    /* E[M | x, 0] = p·gamma/(p·x + q − 1), for the given parameters exactly. */
    double params[3] = { 6.0, 4.0, 15.0 }, em[2];
    ck_assert_cxm_ok(cxm_model_set_params(g, params, 3));
    ck_assert_cxm_ok(cxm_model_expected_spend(em, 2, g, x + CDNOW_N, m + CDNOW_N));
    ck_assert_double_eq_tol(em[0], 90.0 / 9.0, 1e-12);
    ck_assert_double_eq_tol(em[1], 90.0 / 27.0, 1e-12);
    /* Only zero-spend repeat rows: nothing to fit, said so. */
    ck_assert_cxm_fails(cxm_model_fit_spend(g, 2, x + CDNOW_N, m + CDNOW_N, NULL, NULL),
                        CXM_EINVAL, "no rows");
    cxm_model_free(g);
    cxm_model_free(with);
    free(x), free(m), free(w);
}
END_TEST

/* ------------------------------------------------------------------ MBG/NBD, DERT: references */

START_TEST(mbgnbd_matches_direct_integration)
{
    cxm_model *m;
    ck_assert_cxm_ok(cxm_model_create(&m, CXM_MODEL_MBGNBD));
    ck_assert_cxm_ok(cxm_model_set_params(m, mbg_params, 4));
    for (size_t i = 0; i < COUNT(mbg_rows); i++) {
        double cols[3] = { mbg_rows[i].x, mbg_rows[i].t_x, mbg_rows[i].T }, ll, pa, ey;
        ck_assert_cxm_ok(cxm_model_log_likelihood_of(&ll, m, 1, cols, NULL));
        ck_assert_msg(fabs(ll - mbg_rows[i].loglik) < 1e-11 * (1 + fabs(ll)),
                      "row %zu: ln L %.15g, reference %.15g", i, ll, mbg_rows[i].loglik);
        ck_assert_cxm_ok(cxm_model_p_alive(&pa, 1, m, cols, cols + 1, cols + 2));
        ck_assert_double_eq_tol(pa, mbg_rows[i].p_alive, 1e-12);
        ck_assert_cxm_ok(
            cxm_model_conditional_purchases(&ey, 1, m, &mbg_rows[i].t, cols, cols + 1, cols + 2));
        ck_assert_msg(fabs(ey / mbg_rows[i].conditional - 1) < 1e-10,
                      "row %zu: E[Y] %.15g, reference %.15g", i, ey, mbg_rows[i].conditional);
    }
    for (size_t i = 0; i < COUNT(mbg_expected); i++) {
        double ex;
        ck_assert_cxm_ok(cxm_model_expected_purchases(&ex, 1, m, &mbg_expected[i].t));
        ck_assert_msg(fabs(ex / mbg_expected[i].expected - 1) < 1e-10, "E[X(%g)] %.15g, reference %.15g",
                      mbg_expected[i].t, ex, mbg_expected[i].expected);
    }
    for (size_t i = 0; i < COUNT(mbg_probability); i++) {
        double pr;
        ck_assert_cxm_ok(cxm_model_purchase_probability(&pr, 1, m, &mbg_probability[i].n,
                                                        &mbg_probability[i].t));
        ck_assert_msg(fabs(pr - mbg_probability[i].probability) < 1e-12,
                      "P(X(%g) = %g) %.15g, reference %.15g", mbg_probability[i].t,
                      mbg_probability[i].n, pr, mbg_probability[i].probability);
    }
    cxm_model_free(m);
}
END_TEST

START_TEST(dert_matches_discounted_integral)
{
    for (size_t i = 0; i < COUNT(dert_reference); i++) {
        cxm_model *m;
        double params[4] = { dert_reference[i].r, dert_reference[i].alpha, dert_reference[i].a,
                             dert_reference[i].b };
        ck_assert_cxm_ok(cxm_model_create(&m, dert_reference[i].shift > 0 ? CXM_MODEL_MBGNBD
                                                                         : CXM_MODEL_BGNBD));
        ck_assert_cxm_ok(cxm_model_set_params(m, params, 4));
        double d;
        ck_assert_cxm_ok(cxm_model_dert(&d, 1, m, dert_reference[i].rate, &dert_reference[i].x,
                                        &dert_reference[i].t_x, &dert_reference[i].T));
        ck_assert_msg(fabs(d / dert_reference[i].dert - 1) < 1e-10, "DERT %zu: %.15g, reference %.15g",
                      i, d, dert_reference[i].dert);
        cxm_model_free(m);
    }
}
END_TEST

START_TEST(purchase_probabilities_sum_to_one_with_the_right_mean)
{
    for (int kind = CXM_MODEL_BGNBD; kind <= CXM_MODEL_MBGNBD; kind++) {
        cxm_model *m;
        double params[4] = { 0.242593, 4.413532, 0.792886, 2.425752 };
        ck_assert_cxm_ok(cxm_model_create(&m, (cxm_model_kind)kind));
        ck_assert_cxm_ok(cxm_model_set_params(m, params, 4));
        static const double times[] = { 0.5, 39, 78 };
        for (size_t j = 0; j < COUNT(times); j++) {
            enum { N = 3000 };
            double count[N], t[N], pr[N], total = 0, mean = 0, ex;
            for (int k = 0; k < N; k++) {
                count[k] = k;
                t[k] = times[j];
            }
            ck_assert_cxm_ok(cxm_model_purchase_probability(pr, N, m, count, t));
            for (int k = 0; k < N; k++) {
                ck_assert(pr[k] >= 0 && pr[k] <= 1);
                total += pr[k];
                mean += k * pr[k];
            }
            ck_assert_cxm_ok(cxm_model_expected_purchases(&ex, 1, m, times + j));
            ck_assert_double_eq_tol(total, 1.0, 1e-10);
            ck_assert_double_eq_tol(mean, ex, 1e-8);
        }
        cxm_model_free(m);
    }
}
END_TEST

/* ------------------------------------------------------------------ recovery */

/* 10^5 customers simulated from known parameters with a fixed seed are
 * fitted back: every parameter within three standard errors. */
static void recover(cxm_model_kind kind, const double *truth, unsigned long long seed)
{
    enum { N = 100000 };
    double *x = malloc(N * sizeof *x), *tx = malloc(N * sizeof *tx), *T = malloc(N * sizeof *T);
    ck_assert(x && tx && T);
    for (size_t i = 0; i < N; i++)
        T[i] = 1.0 + 51.0 * (double)((i * 7919) % N) / N; /* first purchases spread over a year */
    cxm_model *source, *fit;
    ck_assert_cxm_ok(cxm_model_create(&source, kind));
    ck_assert_cxm_ok(cxm_model_set_params(source, truth, 4));
    ck_assert_cxm_ok(cxm_model_simulate(x, tx, N, source, T, seed));
    ck_assert_cxm_ok(cxm_model_create(&fit, kind));
    ck_assert_cxm_ok(cxm_model_fit(fit, N, x, tx, T, NULL, NULL));
    double p[4], se[4];
    ck_assert_cxm_ok(cxm_model_params(p, 4, fit));
    ck_assert_cxm_ok(cxm_model_standard_errors(se, 4, fit));
    for (int i = 0; i < 4; i++)
        ck_assert_msg(fabs(p[i] - truth[i]) < 3 * se[i],
                      "%s: %s = %g ± %g, true %g (%.1f standard errors)",
                      cxm_model_kind_name(kind), cxm_model_param_name(fit, (size_t)i), p[i], se[i],
                      truth[i], fabs(p[i] - truth[i]) / se[i]);
    cxm_model_free(source);
    cxm_model_free(fit);
    free(x);
    free(tx);
    free(T);
}

START_TEST(recovery_bgnbd)
{
    static const double truth[4] = { 0.25, 4.4, 0.8, 2.4 };
    recover(CXM_MODEL_BGNBD, truth, 20240501);
}
END_TEST

START_TEST(recovery_mbgnbd)
{
    static const double truth[4] = { 0.6, 5.0, 0.9, 3.5 };
    recover(CXM_MODEL_MBGNBD, truth, 77);
}
END_TEST

START_TEST(recovery_gamma_gamma)
{
    enum { N = 100000 };
    static const double truth[3] = { 6.0, 4.0, 15.0 };
    double *x = malloc(N * sizeof *x), *m = malloc(N * sizeof *m);
    for (size_t i = 0; i < N; i++)
        x[i] = 1.0 + (double)(i % 9);
    cxm_model *source, *fit;
    ck_assert_cxm_ok(cxm_model_create(&source, CXM_MODEL_GAMMA_GAMMA));
    ck_assert_cxm_ok(cxm_model_set_params(source, truth, 3));
    ck_assert_cxm_ok(cxm_model_simulate_spend(m, N, source, x, 99));
    ck_assert_cxm_ok(cxm_model_create(&fit, CXM_MODEL_GAMMA_GAMMA));
    ck_assert_cxm_ok(cxm_model_fit_spend(fit, N, x, m, NULL, NULL));
    double p[3], se[3];
    ck_assert_cxm_ok(cxm_model_params(p, 3, fit));
    ck_assert_cxm_ok(cxm_model_standard_errors(se, 3, fit));
    for (int i = 0; i < 3; i++)
        ck_assert_msg(fabs(p[i] - truth[i]) < 3 * se[i], "gg: %g ± %g, true %g", p[i], se[i],
                      truth[i]);
    cxm_model_free(source);
    cxm_model_free(fit);
    free(x);
    free(m);
}
END_TEST

/* ------------------------------------------------------------------ the grid */

/* x up to 10^4, t_x and T up to 10^4, every parameter from 1e-4 to 1e4:
 * P(alive) in [0, 1]; E[X(t)] and E[Y(t)] finite, >= 0 and non-decreasing
 * in t (to rounding); DERT finite, >= 0, decreasing in the discount rate. */
START_TEST(numerical_grid)
{
    static const double values[] = { 1e-4, 1e-2, 1, 1e2, 1e4 };
    static const double xs[] = { 0, 1, 10, 1e3, 1e4 };
    static const double histories[][2] = { { 0, 1e4 }, { 5e3, 1e4 }, { 1e4, 1e4 }, { 1, 1 },
                                           { 0, 0 },   { 1e-4, 1e4 }, { 0.5, 3 } };
    static const double ts[] = { 0, 1e-4, 1, 100, 1e4 };
    enum { NT = sizeof ts / sizeof ts[0] };
    long checked = 0;
    for (int kind = CXM_MODEL_BGNBD; kind <= CXM_MODEL_MBGNBD; kind++) {
        cxm_model *m;
        ck_assert_cxm_ok(cxm_model_create(&m, (cxm_model_kind)kind));
        for (int i = 0; i < 625; i++) {
            double p[4] = { values[i % 5], values[i / 5 % 5], values[i / 25 % 5], values[i / 125] };
            ck_assert_cxm_ok(cxm_model_set_params(m, p, 4));
            double ex[NT];
            ck_assert_cxm_ok(cxm_model_expected_purchases(ex, NT, m, ts));
            for (int q = 0; q < NT; q++)
                ck_assert_msg(isfinite(ex[q]) && ex[q] >= 0 &&
                                  (q == 0 || ex[q] >= ex[q - 1] * (1 - 1e-12)),
                              "%s (%g, %g, %g, %g): E[X(%g)] = %.17g after %.17g",
                              cxm_model_kind_name((cxm_model_kind)kind), p[0], p[1], p[2], p[3],
                              ts[q], ex[q], q ? ex[q - 1] : 0);
            for (size_t xi = 0; xi < COUNT(xs); xi++)
                for (size_t h = 0; h < COUNT(histories); h++) {
                    double x = xs[xi], tx = x == 0 ? 0 : histories[h][0], T = histories[h][1];
                    if (x > 0 && tx == 0)
                        continue;
                    double X[NT], TX[NT], TT[NT], ey[NT], alive;
                    for (int q = 0; q < NT; q++) {
                        X[q] = x;
                        TX[q] = tx;
                        TT[q] = T;
                    }
                    ck_assert_cxm_ok(cxm_model_p_alive(&alive, 1, m, &x, &tx, &T));
                    ck_assert_msg(alive >= 0 && alive <= 1, "P(alive) = %g", alive);
                    ck_assert_cxm_ok(cxm_model_conditional_purchases(ey, NT, m, ts, X, TX, TT));
                    for (int q = 0; q < NT; q++) {
                        ck_assert_msg(isfinite(ey[q]) && ey[q] >= 0 &&
                                          (q == 0 || ey[q] >= ey[q - 1] * (1 - 1e-12)),
                                      "%s (%g, %g, %g, %g), x=%g t_x=%g T=%g: E[Y(%g)] = %.17g "
                                      "after %.17g",
                                      cxm_model_kind_name((cxm_model_kind)kind), p[0], p[1], p[2],
                                      p[3], x, tx, T, ts[q], ey[q], q ? ey[q - 1] : 0);
                        checked++;
                    }
                }
            /* DERT: finite, >= 0, and smaller at a higher discount rate. */
            static const double dx[] = { 0, 1, 100, 1e4 };
            for (size_t xi = 0; xi < COUNT(dx); xi++) {
                double x = dx[xi], tx = x > 0 ? 50 : 0, T = 100, low, high;
                ck_assert_cxm_ok(cxm_model_dert(&low, 1, m, 1e-3, &x, &tx, &T));
                ck_assert_cxm_ok(cxm_model_dert(&high, 1, m, 1.0, &x, &tx, &T));
                ck_assert_msg(isfinite(low) && isfinite(high) && high >= 0 &&
                                  high <= low * (1 + 1e-12),
                              "%s (%g, %g, %g, %g), x=%g: DERT %g at rate 1e-3, %g at rate 1",
                              cxm_model_kind_name((cxm_model_kind)kind), p[0], p[1], p[2], p[3], x,
                              low, high);
            }
        }
        cxm_model_free(m);
    }
    ck_assert_int_gt(checked, 100000);
}
END_TEST

/* GGompertz/NBD over every parameter from 1e-4 to 1e4 (b·T up to 1e8, so
 * that S(T) spans e^−1e12), the same histories, horizons and checks: the
 * log-likelihood finite too, and each history's calls within a second. */
START_TEST(numerical_grid_ggompertz)
{
    static const double values[] = { 1e-4, 1e-2, 1, 1e2, 1e4 };
    static const double histories[][3] = { { 0, 0, 1e4 },  { 1, 5e3, 1e4 },  { 10, 1e4, 1e4 },
                                            { 1e3, 1, 1 }, { 0, 0, 0 },     { 1e4, 1e-4, 1e4 },
                                            { 10, 0.5, 3 } };
    static const double ts[] = { 0, 1e-4, 1, 100, 1e4 };
    enum { NT = sizeof ts / sizeof ts[0] };
    long checked = 0;
    cxm_model *m;
    ck_assert_cxm_ok(cxm_model_create(&m, CXM_MODEL_GGOMPERTZ_NBD));
    for (int i = 0; i < 3125; i++) {
        double p[5] = { values[i % 5], values[i / 5 % 5], values[i / 25 % 5], values[i / 125 % 5],
                        values[i / 625] };
        ck_assert_cxm_ok(cxm_model_set_params(m, p, 5));
        double ex[NT];
        ck_assert_cxm_ok(cxm_model_expected_purchases(ex, NT, m, ts));
        for (int q = 0; q < NT; q++)
            ck_assert_msg(isfinite(ex[q]) && ex[q] >= 0 && (q == 0 || ex[q] >= ex[q - 1] * (1 - 1e-12)),
                          "(%g, %g, %g, %g, %g): E[X(%g)] = %.17g", p[0], p[1], p[2], p[3], p[4],
                          ts[q], ex[q]);
        for (size_t h = 0; h < COUNT(histories); h++) {
            double x = histories[h][0], tx = histories[h][1], T = histories[h][2];
            double X[NT], TX[NT], TT[NT], ey[NT], alive, low, high, ll, cols[3] = { x, tx, T };
            for (int q = 0; q < NT; q++)
                X[q] = x, TX[q] = tx, TT[q] = T;
            double start = extreme_now();
            ck_assert_cxm_ok(cxm_model_p_alive(&alive, 1, m, &x, &tx, &T));
            ck_assert_msg(alive >= 0 && alive <= 1, "P(alive) = %g", alive);
            ck_assert_cxm_ok(cxm_model_conditional_purchases(ey, NT, m, ts, X, TX, TT));
            for (int q = 0; q < NT; q++)
                ck_assert_msg(isfinite(ey[q]) && ey[q] >= 0 &&
                                  (q == 0 || ey[q] >= ey[q - 1] * (1 - 1e-12)),
                              "(%g, %g, %g, %g, %g), x=%g t_x=%g T=%g: E[Y(%g)] = %.17g", p[0],
                              p[1], p[2], p[3], p[4], x, tx, T, ts[q], ey[q]);
            ck_assert_cxm_ok(cxm_model_dert(&low, 1, m, 1e-3, &x, &tx, &T));
            ck_assert_cxm_ok(cxm_model_dert(&high, 1, m, 1.0, &x, &tx, &T));
            ck_assert_msg(isfinite(low) && high >= 0 && high <= low * (1 + 1e-12),
                          "(%g, %g, %g, %g, %g), x=%g: DERT %g at 1e-3, %g at 1", p[0], p[1],
                          p[2], p[3], p[4], x, low, high);
            ck_assert_cxm_ok(cxm_model_log_likelihood_of(&ll, m, 1, cols, NULL));
            ck_assert_msg(isfinite(ll), "(%g, %g, %g, %g, %g), x=%g t_x=%g T=%g: ln L %g", p[0],
                          p[1], p[2], p[3], p[4], x, tx, T, ll);
            ck_assert_msg(extreme_now() - start < 1.0, "x=%g t_x=%g T=%g took %g s", x, tx, T,
                          extreme_now() - start);
            checked += NT + 4;
        }
    }
    cxm_model_free(m);
    ck_assert_int_eq(checked, 3125 * 7 * 9);
}
END_TEST

/* ------------------------------------------------------------------ extreme arguments */

/* Histories (x, t_x, T) at the edges: T and t_x up to the largest double, x
 * up to 2^53 (x = 0 takes t_x = 0). */
static const double extreme_histories[][2] = { { 0, 0 },        { 0, 1e308 },   { 1e-300, 1e-300 },
                                               { 30.43, 38.86 }, { 0.5, 1e300 }, { DBL_MAX, DBL_MAX } };
static const double extreme_xs[] = { 0, 1, 1e3, 1e12, 9007199254740992.0 };
static const double extreme_ts[] = { 0, 1e-300, 1, 1e6, 1e12, 1e100, 1e308, DBL_MAX };
static const double extreme_dert_rates[] = { 1e-200, 1e-3, 1e12, DBL_MAX };

/* One parameter set of a purchase model at every extreme argument: each call
 * within the time limit, each result finite and in range (P(alive) and
 * probabilities in [0, 1], probabilities of 0..200 purchases summing to at
 * most 1, expectations >= 0 and non-decreasing in t, DERT >= 0 and
 * non-increasing in the rate, both to 1e-9: at the corners the Beta of p is
 * concentrated to 1e-5 and its quadrature holds 1e-11) or an error with a
 * message. */
static long extreme_purchase_model(cxm_model *m, const char *name, const double *p, int probabilities)
{
    long checked = 0;
    int status;
    double last = 0.0;
    for (size_t q = 0; q < EXTREME_COUNT(extreme_times); q++) {
        double t = extreme_times[q], v = NAN;
        EXTREME_CALL(status, cxm_model_expected_purchases(&v, 1, m, &t), "%s E[X(%g)]", name, t);
        if (EXTREME_CHECK(status, v, last * (1 - 1e-9), DBL_MAX, "%s (%g, %g, %g, %g) E[X(%g)]",
                          name, p[0], p[1], p[2], p[3], t))
            last = v;
        checked++;
    }
    for (size_t xi = 0; xi < EXTREME_COUNT(extreme_xs); xi++)
        for (size_t h = 0; h < EXTREME_COUNT(extreme_histories); h++) {
            double x = extreme_xs[xi], tx = x == 0 ? 0 : extreme_histories[h][0];
            double T = extreme_histories[h][1], v = NAN;
            if (x > 0 && h == 0)
                continue;
            EXTREME_CALL(status, cxm_model_p_alive(&v, 1, m, &x, &tx, &T), "%s P(alive)", name);
            EXTREME_CHECK(status, v, 0, 1, "%s (%g, %g, %g, %g) P(alive | %g, %g, %g)", name, p[0],
                          p[1], p[2], p[3], x, tx, T);
            last = 0.0;
            for (size_t q = 0; q < EXTREME_COUNT(extreme_ts); q++) {
                double t = extreme_ts[q];
                EXTREME_CALL(status, cxm_model_conditional_purchases(&v, 1, m, &t, &x, &tx, &T),
                             "%s E[Y(%g) | %g, %g, %g]", name, t, x, tx, T);
                if (EXTREME_CHECK(status, v, last * (1 - 1e-9), DBL_MAX,
                                  "%s (%g, %g, %g, %g) E[Y(%g) | %g, %g, %g]", name, p[0], p[1],
                                  p[2], p[3], t, x, tx, T))
                    last = v;
            }
            last = DBL_MAX;
            for (size_t q = 0; q < EXTREME_COUNT(extreme_dert_rates); q++) {
                double rate = extreme_dert_rates[q];
                EXTREME_CALL(status, cxm_model_dert(&v, 1, m, rate, &x, &tx, &T),
                             "%s DERT(%g | %g, %g, %g)", name, rate, x, tx, T);
                if (EXTREME_CHECK(status, v, 0, last * (1 + 1e-9),
                                  "%s (%g, %g, %g, %g) DERT(%g | %g, %g, %g)", name, p[0], p[1],
                                  p[2], p[3], rate, x, tx, T))
                    last = v;
            }
            checked += 2 + EXTREME_COUNT(extreme_ts) + EXTREME_COUNT(extreme_dert_rates);
        }
    for (size_t q = 0; probabilities && q < EXTREME_COUNT(extreme_ts); q++) {
        double t = extreme_ts[q], v = NAN, sum = 0.0;
        for (size_t k = 0; k < EXTREME_COUNT(extreme_counts); k++) {
            double count = extreme_counts[k];
            EXTREME_CALL(status, cxm_model_purchase_probability(&v, 1, m, &count, &t),
                         "%s P(X(%g) = %g)", name, t, count);
            EXTREME_CHECK(status, v, 0, 1, "%s (%g, %g, %g, %g) P(X(%g) = %g)", name, p[0], p[1],
                          p[2], p[3], t, count);
        }
        double counts[201], probs[201];
        for (int k = 0; k <= 200; k++)
            counts[k] = k;
        double ts[201];
        for (int k = 0; k <= 200; k++)
            ts[k] = t;
        EXTREME_CALL(status, cxm_model_purchase_probability(probs, 201, m, counts, ts),
                     "%s P(X(%g) = 0..200)", name, t);
        if (status == CXM_OK) {
            for (int k = 0; k <= 200; k++)
                sum += probs[k];
            ck_assert_msg(sum <= 1 + 1e-9, "%s (%g, %g, %g, %g): P(X(%g) <= 200) = %.17g", name,
                          p[0], p[1], p[2], p[3], t, sum);
        }
        checked += EXTREME_COUNT(extreme_counts) + 201;
    }
    return checked;
}

/* BG/NBD and MBG/NBD at the CDNOW estimates and at every corner of the
 * parameter range [1e-10, 1e10] (with 1 in between). */
START_TEST(extreme_arguments_bgnbd)
{
    static const double corners[] = { 1e-10, 1, 1e10 };
    long checked = 0;
    for (int kind = CXM_MODEL_BGNBD; kind <= CXM_MODEL_MBGNBD; kind++) {
        const char *name = cxm_model_kind_name((cxm_model_kind)kind);
        cxm_model *m = fitted((cxm_model_kind)kind);
        double p[4];
        ck_assert_cxm_ok(cxm_model_params(p, 4, m));
        checked += extreme_purchase_model(m, name, p, 1);
        for (int i = 0; i < 81; i++) {
            double c[4] = { corners[i % 3], corners[i / 3 % 3], corners[i / 9 % 3], corners[i / 27] };
            ck_assert_cxm_ok(cxm_model_set_params(m, c, 4));
            checked += extreme_purchase_model(m, name, c, i % 9 == 0);
        }
        cxm_model_free(m);
    }
    ck_assert_int_gt(checked, 20000);
}
END_TEST

/* Where the arguments take the paths made for them (Q from ln u when t/α
 * overflows, the DERT kernel for huge and tiny κ, P(X(t) = k) from ln B and
 * the incomplete beta with its exact complement), the values of
 * tests/ref/extremes_reference.py. */
START_TEST(extreme_values_match_references)
{
    for (size_t i = 0; i < EXTREME_COUNT(bgnbd_extreme); i++) {
        const double *a = bgnbd_extreme[i].arg;
        const char *what = bgnbd_extreme[i].what;
        cxm_model *m;
        ck_assert_cxm_ok(cxm_model_create(&m, bgnbd_extreme[i].shift ? CXM_MODEL_MBGNBD
                                                                       : CXM_MODEL_BGNBD));
        ck_assert_cxm_ok(cxm_model_set_params(m, bgnbd_extreme[i].p, 4));
        double v = NAN, tol = 1e-10;
        int status;
        if (strcmp(what, "expected") == 0) {
            EXTREME_CALL(status, cxm_model_expected_purchases(&v, 1, m, &a[0]), "E[X]");
        } else if (strcmp(what, "conditional") == 0) {
            EXTREME_CALL(status, cxm_model_conditional_purchases(&v, 1, m, &a[0], &a[1], &a[2], &a[3]),
                         "E[Y]");
        } else if (strcmp(what, "dert") == 0) {
            EXTREME_CALL(status, cxm_model_dert(&v, 1, m, a[0], &a[1], &a[2], &a[3]), "DERT");
        } else {
            EXTREME_CALL(status, cxm_model_purchase_probability(&v, 1, m, &a[0], &a[1]), "P");
            tol = 1e-8; /* the incomplete beta's continued fraction at k = 1e15 */
        }
        ck_assert_msg(status == CXM_OK, "row %zu %s: %s", i, what, cxm_error_message());
        ck_assert_msg(extreme_close(v, bgnbd_extreme[i].value, tol),
                      "row %zu %s (shift %d; %g, %g, %g, %g): %.17g, reference %.17g", i, what,
                      bgnbd_extreme[i].shift, a[0], a[1], a[2], a[3], v, bgnbd_extreme[i].value);
        cxm_model_free(m);
    }
    /* Gamma-Gamma where m·x alone overflows. */
    cxm_model *g;
    static const double gg[3] = { 6.25, 3.74, 15.44 };
    ck_assert_cxm_ok(cxm_model_create(&g, CXM_MODEL_GAMMA_GAMMA));
    ck_assert_cxm_ok(cxm_model_set_params(g, gg, 3));
    for (size_t i = 0; i < EXTREME_COUNT(spend_extreme); i++) {
        double v;
        ck_assert_cxm_ok(cxm_model_expected_spend(&v, 1, g, &spend_extreme[i].x, &spend_extreme[i].m));
        ck_assert_msg(extreme_close(v, spend_extreme[i].value, 1e-14), "E[M | %g, %g] = %.17g, reference %.17g",
                      spend_extreme[i].x, spend_extreme[i].m, v, spend_extreme[i].value);
    }
    cxm_model_free(g);
    /* Lifetime value: the sum stopped where the periods left cannot matter,
     * and without discount one closed form (E[Y] of a customer with
     * x = t_x = T = 0, who is alive, is E[X]). */
    for (size_t i = 0; i < EXTREME_COUNT(value_extreme); i++) {
        cxm_model *m;
        ck_assert_cxm_ok(cxm_model_create(&m, CXM_MODEL_PARETO_NBD));
        ck_assert_cxm_ok(cxm_model_set_params(m, value_extreme[i].p, 4));
        cxm_value_options o = CXM_VALUE_OPTIONS_INIT;
        o.period = value_extreme[i].period;
        o.periods = (unsigned)value_extreme[i].periods;
        o.discount = value_extreme[i].discount;
        double zero = 0, one = 1, v = NAN;
        int status;
        EXTREME_CALL(status, cxm_model_lifetime_value(&v, 1, m, &zero, &zero, &zero, &one, &o),
                     "lifetime value row %zu", i);
        ck_assert_msg(status == CXM_OK, "lifetime value row %zu: %s", i, cxm_error_message());
        ck_assert_msg(extreme_close(v, value_extreme[i].value, 1e-12),
                      "lifetime value row %zu: %.17g, reference %.17g", i, v, value_extreme[i].value);
        cxm_model_free(m);
    }
}
END_TEST

/* Lifetime value, tracking, the holdout table, spend and simulation at
 * extreme arguments: finite or an error naming the limit. */
START_TEST(extreme_value_tracking_spend_and_simulation)
{
    cxm_model *m = fitted(CXM_MODEL_BGNBD);
    double x = 2, tx = 30.43, T = 38.86, value = 10, v = NAN;
    int status;
    static const unsigned periods[] = { 1, 12, 1000, 4000000000u };
    static const double discounts[] = { 0, 1e-9, 0.01, 1e308 };
    for (size_t a = 0; a < EXTREME_COUNT(extreme_times); a++)
        for (size_t b = 0; b < EXTREME_COUNT(periods); b++)
            for (size_t c = 0; c < EXTREME_COUNT(discounts); c++) {
                cxm_value_options o = CXM_VALUE_OPTIONS_INIT;
                o.period = extreme_times[a];
                o.periods = periods[b];
                o.discount = discounts[c];
                EXTREME_CALL(status, cxm_model_lifetime_value(&v, 1, m, &x, &tx, &T, &value, &o),
                             "CLV period %g, %u periods, discount %g", o.period, o.periods,
                             o.discount);
                EXTREME_CHECK(status, v, 0, DBL_MAX, "CLV period %g, %u periods, discount %g",
                              o.period, o.periods, o.discount);
            }
    /* The documented limits, by name. */
    cxm_value_options o = CXM_VALUE_OPTIONS_INIT;
    o.period = 30;
    o.periods = 1000000;
    o.discount = 1e-9;
    ck_assert_cxm_fails(cxm_model_lifetime_value(&v, 1, m, &x, &tx, &T, &value, &o), CXM_EDOMAIN,
                        "more than 1000 periods");
    o.discount = 0.05; /* converges after about 760 periods */
    ck_assert_cxm_ok(cxm_model_lifetime_value(&v, 1, m, &x, &tx, &T, &value, &o));
    o.period = 1e308;
    o.periods = 12;
    ck_assert_cxm_fails(cxm_model_lifetime_value(&v, 1, m, &x, &tx, &T, &value, &o), CXM_EDOMAIN,
                        "beyond the largest time");
    o.period = 30;
    o.margin = 1e308;
    value = 1e308;
    ck_assert_cxm_fails(cxm_model_lifetime_value(&v, 1, m, &x, &tx, &T, &value, &o), CXM_EDOMAIN,
                        "element 0: the lifetime value is beyond the range of a double");
    ck_assert_cxm_fails(cxm_model_dert(&v, 1, m, 1e-201, &x, &tx, &T), CXM_EDOMAIN,
                        "discount rate 1e-201 is below 1e-200");

    /* Tracking over calendar times up to the largest double. */
    static const double firsts[] = { -DBL_MAX, -1e300, 0, 1e300 };
    for (size_t a = 0; a < EXTREME_COUNT(extreme_times); a++) {
        double when = extreme_times[a];
        EXTREME_CALL(status, cxm_model_tracking(&v, 1, m, &when, 4, firsts, NULL), "tracking %g",
                     when);
        EXTREME_CHECK(status, v, 0, DBL_MAX, "tracking at %g", when);
    }
    /* Holdout table over huge durations. */
    double durations[3] = { 1e300, DBL_MAX, 1e-300 }, holdout[3] = { 0, 1e12, 3 };
    double xs[3] = { 0, 1e12, 2 }, txs[3] = { 0, 1e308, 30 }, Ts[3] = { 1e300, DBL_MAX, 40 };
    double actual[2], predicted[2], count[2];
    EXTREME_CALL(status, cxm_model_calibration_holdout(actual, predicted, count, 2, m, 3, xs, txs,
                                                       Ts, durations, holdout),
                 "holdout table");
    EXTREME_CHECK(status, predicted[0] + predicted[1], 0, DBL_MAX, "holdout predictions");

    /* Simulation: whole counts and t_x in [0, T] for T up to the largest double. */
    for (size_t a = 0; a < EXTREME_COUNT(extreme_times); a++) {
        double sx, stx, sT = extreme_times[a];
        EXTREME_CALL(status, cxm_model_simulate(&sx, &stx, 1, m, &sT, 5), "simulate T = %g", sT);
        if (EXTREME_CHECK(status, sx, 0, DBL_MAX, "simulated x at T = %g", sT))
            ck_assert_msg(sx == floor(sx) && stx >= 0 && stx <= sT, "T = %g: x %g, t_x %g", sT,
                          sx, stx);
    }
    cxm_model_free(m);

    /* Gamma-Gamma: E[M | x, m̄] lies between m̄ and the population mean. */
    cxm_model *g = fitted(CXM_MODEL_GAMMA_GAMMA);
    double mean;
    ck_assert_cxm_ok(cxm_model_mean_spend(&mean, g));
    static const double spends[] = { 1e-300, 1, 1e12, 1e300, DBL_MAX };
    for (size_t a = 0; a < EXTREME_COUNT(extreme_counts); a++)
        for (size_t b = 0; b < EXTREME_COUNT(spends); b++) {
            double cx = extreme_counts[a], cm = spends[b];
            EXTREME_CALL(status, cxm_model_expected_spend(&v, 1, g, &cx, &cm), "E[M]");
            double lo = fmin(cm, mean), hi = fmax(cm, mean);
            if (cx == 0)
                lo = hi = mean;
            EXTREME_CHECK(status, v, lo * (1 - 1e-12), hi * (1 + 1e-12), "E[M | %g, %g]", cx, cm);
            EXTREME_CALL(status, cxm_model_simulate_spend(&v, 1, g, &cx, 3), "spend draw");
            EXTREME_CHECK(status, v, 0, DBL_MAX, "simulated spend of x = %g", cx);
        }
    cxm_model_free(g);
}
END_TEST

/* Parameters beyond the range a fit reaches are refused, by name, when set
 * or read from JSON: a prediction never starts from them. */
START_TEST(parameters_outside_the_fit_range_are_refused)
{
    cxm_model *m;
    ck_assert_cxm_ok(cxm_model_create(&m, CXM_MODEL_BGNBD));
    double p[4] = { 1e308, 4.4, 0.79, 2.4 };
    ck_assert_cxm_fails(cxm_model_set_params(m, p, 4), CXM_EINVAL,
                        "parameter r = 1e+308 is outside [1e-10, 1e+10]");
    p[0] = 0.24;
    p[1] = 1e-308;
    ck_assert_cxm_fails(cxm_model_set_params(m, p, 4), CXM_EINVAL, "parameter alpha = 1e-308");
    p[1] = 1.0000001e10;
    ck_assert_cxm_fails(cxm_model_set_params(m, p, 4), CXM_EINVAL, "alpha");
    p[1] = 1e10;
    ck_assert_cxm_ok(cxm_model_set_params(m, p, 4));
    p[3] = 1e-10;
    ck_assert_cxm_ok(cxm_model_set_params(m, p, 4));
    cxm_model_free(m);
    cxm_model *loaded = NULL;
    ck_assert_cxm_fails(cxm_model_from_json(&loaded,
                                            "{\"format\": \"libcxm-model\", \"format_version\": 1, "
                                            "\"kind\": \"gg\", \"state\": \"given\", "
                                            "\"parameters\": {\"p\": 2, \"q\": 3, \"gamma\": 1e300}}"),
                        CXM_EPARSE, "model JSON: 'parameters': Gamma-Gamma parameter gamma = 1e+300 is outside");
    ck_assert_ptr_null(loaded);
}
END_TEST

/* ------------------------------------------------------------------ failures */

START_TEST(fit_that_diverges_fails_and_leaves_no_parameters)
{
    /* Nobody ever buys again: r → 0, a fit cannot exist. */
    double x[50], tx[50], T[50];
    for (int i = 0; i < 50; i++) {
        x[i] = 0;
        tx[i] = 0;
        T[i] = 10 + i;
    }
    cxm_model *m;
    ck_assert_cxm_ok(cxm_model_create(&m, CXM_MODEL_BGNBD));
    ck_assert_cxm_fails(cxm_model_fit(m, 50, x, tx, T, NULL, NULL), CXM_ECONVERGE, "BG/NBD fit failed");
    ck_assert_int_eq(cxm_model_get_state(m), CXM_MODEL_EMPTY);
    double p[4];
    ck_assert_cxm_fails(cxm_model_params(p, 4, m), CXM_ESTATE, "no parameters");
    cxm_fit_report report = CXM_FIT_REPORT_INIT;
    ck_assert_cxm_ok(cxm_model_fit_report(&report, m));
    ck_assert(report.reason == CXM_FIT_DIVERGED || report.reason == CXM_FIT_NOT_DEFINITE ||
              report.reason == CXM_FIT_NO_PROGRESS);
    ck_assert(strstr(cxm_model_fit_message(m), "failed") != NULL);
    cxm_model_free(m);
}
END_TEST

START_TEST(iteration_cap_keeps_the_previous_fit)
{
    cxm_model *m = fitted(CXM_MODEL_BGNBD);
    double before[4], after[4];
    ck_assert_cxm_ok(cxm_model_params(before, 4, m));
    double bic_before, bic_after;
    ck_assert_cxm_ok(cxm_model_bic(&bic_before, m));
    cxm_fit_options options = CXM_FIT_OPTIONS_INIT;
    options.max_iterations = 1;
    ck_assert_cxm_fails(cxm_model_fit(m, 200, cd_x, cd_tx, cd_T, NULL, &options), CXM_ECONVERGE,
                        "1 iterations");
    cxm_fit_report report = CXM_FIT_REPORT_INIT;
    ck_assert_cxm_ok(cxm_model_fit_report(&report, m));
    ck_assert_int_eq(report.reason, CXM_FIT_MAX_ITERATIONS);
    ck_assert_int_eq(cxm_model_get_state(m), CXM_MODEL_FITTED);
    ck_assert_cxm_ok(cxm_model_params(after, 4, m));
    ck_assert(memcmp(before, after, sizeof before) == 0);
    /* The statistics still describe the fit the parameters come from. */
    ck_assert_cxm_ok(cxm_model_bic(&bic_after, m));
    ck_assert(bic_before == bic_after);
    char *json;
    ck_assert_cxm_ok(cxm_model_to_json(&json, m));
    ck_assert(strstr(json, "\"observations\":\t2357") != NULL);
    cxm_free(json);
    cxm_model_free(m);
}
END_TEST

START_TEST(bad_data_names_the_row)
{
    double x[3] = { 1, 2.5, 0 }, tx[3] = { 1, 2, 0 }, T[3] = { 5, 5, 5 };
    cxm_model *m;
    ck_assert_cxm_ok(cxm_model_create(&m, CXM_MODEL_BGNBD));
    ck_assert_cxm_fails(cxm_model_fit(m, 3, x, tx, T, NULL, NULL), CXM_EINVAL,
                        "element 1: x 2.5 must be a whole number");
    /* The position, for callers that know the customer's id or file line. */
    size_t element = 99;
    ck_assert_cxm_ok(cxm_error_element(&element));
    ck_assert_uint_eq(element, 1);
    ck_assert_str_eq(cxm_error_message(), "element 1: x 2.5 must be a whole number >= 0");
    ck_assert_int_eq(cxm_error_element(NULL), CXM_ENOTFOUND);
    x[1] = 2;
    tx[2] = 1;
    ck_assert_cxm_fails(cxm_model_fit(m, 3, x, tx, T, NULL, NULL), CXM_EINVAL,
                        "element 2: t_x is 1 but x is 0");
    tx[2] = 0;
    tx[0] = 6;
    ck_assert_cxm_fails(cxm_model_fit(m, 3, x, tx, T, NULL, NULL), CXM_EINVAL,
                        "element 0: t_x 6 is greater than T 5");
    tx[0] = 1;
    T[1] = NAN;
    ck_assert_cxm_fails(cxm_model_fit(m, 3, x, tx, T, NULL, NULL), CXM_EINVAL, "element 1: T");
    T[1] = 5;
    double w[3] = { 1, -1, 1 };
    ck_assert_cxm_fails(cxm_model_fit(m, 3, x, tx, T, w, NULL), CXM_EINVAL, "element 1: weight -1");
    double zero[3] = { 0, 0, 0 };
    ck_assert_cxm_fails(cxm_model_fit(m, 3, x, tx, T, zero, NULL), CXM_EINVAL, "no rows");
    ck_assert_cxm_fails(cxm_model_fit(m, 3, NULL, tx, T, NULL, NULL), CXM_EINVAL, "x must not be NULL");
    /* A failure that concerns no element forgets the last one; so does clearing. */
    ck_assert_int_eq(cxm_error_element(&element), CXM_ENOTFOUND);
    ck_assert_cxm_fails(cxm_model_fit(m, 3, x, tx, T, w, NULL), CXM_EINVAL, "element 1: weight");
    cxm_error_clear();
    ck_assert_int_eq(cxm_error_element(&element), CXM_ENOTFOUND);
    ck_assert_cxm_fails(cxm_model_fit(NULL, 3, x, tx, T, NULL, NULL), CXM_EINVAL, "model");
    cxm_fit_options options = CXM_FIT_OPTIONS_INIT;
    options.version = 99;
    ck_assert_cxm_fails(cxm_model_fit(m, 3, x, tx, T, NULL, &options), CXM_EINVAL, "version 99");
    options.version = CXM_FIT_OPTIONS_VERSION;
    options.penalty = -1;
    ck_assert_cxm_fails(cxm_model_fit(m, 3, x, tx, T, NULL, &options), CXM_EINVAL, "penalty");
    options.penalty = 0;
    options.flags = CXM_FIT_WARM_START;
    ck_assert_cxm_fails(cxm_model_fit(m, 3, x, tx, T, NULL, &options), CXM_ESTATE, "WARM_START");
    ck_assert_cxm_fails(cxm_model_fit_spend(m, 3, x, tx, NULL, NULL), CXM_EUNSUPPORTED,
                        "Gamma-Gamma");
    cxm_model_free(m);
}
END_TEST

START_TEST(handles_kinds_and_states)
{
    cxm_model *m = (cxm_model *)1;
    ck_assert_cxm_fails(cxm_model_create(&m, (cxm_model_kind)99), CXM_EINVAL, "99 is not a model kind");
    ck_assert_ptr_null(m);
    /* Every kind of cxm_model_kind is implemented (Pareto/NBD, BG/BB, sBG: issue 5). */
    ck_assert_cxm_ok(cxm_model_create(&m, CXM_MODEL_PARETO_NBD));
    cxm_model_free(m);
    ck_assert_cxm_fails(cxm_model_create_named(&m, "frobnicate"), CXM_EINVAL, "unknown model");
    ck_assert_cxm_ok(cxm_model_create_named(&m, "gamma-gamma"));
    ck_assert_int_eq(cxm_model_get_kind(m), CXM_MODEL_GAMMA_GAMMA);
    ck_assert_str_eq(cxm_model_kind_name(cxm_model_get_kind(m)), "gg");
    ck_assert_uint_eq(cxm_model_param_count(m), 3);
    ck_assert_str_eq(cxm_model_param_name(m, 2), "gamma");
    ck_assert_ptr_null(cxm_model_param_name(m, 3));
    ck_assert_uint_eq(cxm_model_column_count(m), 2);
    ck_assert_str_eq(cxm_model_column_name(m, 1), "mean_spend");
    double v, x = 1, tx = 0, T = 2, out;
    ck_assert_cxm_fails(cxm_model_mean_spend(&v, m), CXM_ESTATE, "no parameters");
    double bad[3] = { 1, -2, 3 };
    ck_assert_cxm_fails(cxm_model_set_params(m, bad, 3), CXM_EINVAL, "q = -2 must be greater than 0");
    ck_assert_cxm_fails(cxm_model_set_params(m, bad, 2), CXM_EINVAL, "params has 2 elements");
    double good[3] = { 1, 2, 3 };
    ck_assert_cxm_ok(cxm_model_set_params(m, good, 3));
    ck_assert_int_eq(cxm_model_get_state(m), CXM_MODEL_GIVEN);
    ck_assert_cxm_fails(cxm_model_p_alive(&out, 1, m, &x, &tx, &T), CXM_EUNSUPPORTED, "P(alive)");
    ck_assert_cxm_fails(cxm_model_log_likelihood(&v, m), CXM_ESTATE, "given, not fitted");
    ck_assert_cxm_fails(cxm_model_param(&v, m, "r"), CXM_ENOTFOUND, "no parameter 'r'");
    ck_assert_cxm_ok(cxm_model_param(&v, m, "q"));
    ck_assert_double_eq(v, 2);
    cxm_model_free(m);
    cxm_model_free(NULL);
}
END_TEST

START_TEST(prediction_inputs_are_checked)
{
    cxm_model *m;
    double p[4] = { 0.25, 4.4, 0.8, 2.4 }, out[2], x[2] = { 1, 2 }, tx[2] = { 1, 9 },
           T[2] = { 5, 5 }, t[2] = { 1, -1 };
    ck_assert_cxm_ok(cxm_model_create(&m, CXM_MODEL_BGNBD));
    ck_assert_cxm_fails(cxm_model_p_alive(out, 2, m, x, tx, T), CXM_ESTATE, "no parameters");
    ck_assert_cxm_ok(cxm_model_set_params(m, p, 4));
    ck_assert_cxm_fails(cxm_model_p_alive(out, 2, m, x, tx, T), CXM_EINVAL,
                        "element 1: t_x 9 is greater than T 5");
    ck_assert_cxm_fails(cxm_model_expected_purchases(out, 2, m, t), CXM_EINVAL, "element 1: t -1");
    ck_assert_cxm_fails(cxm_model_dert(out, 1, m, 0.0, x, tx, T), CXM_EINVAL, "discount rate 0");
    ck_assert_cxm_fails(cxm_model_expected_spend(out, 1, m, x, T), CXM_EUNSUPPORTED, "expected spend");
    ck_assert_cxm_ok(cxm_model_p_alive(NULL, 0, m, NULL, NULL, NULL));
    cxm_model_free(m);
}
END_TEST

/* x = 0 with t_x > 0 (a grid of x against t_x builds it): predictions read
 * t_x as 0, since without a repeat purchase the last purchase is the first;
 * BG/NBD's P(alive) is then exactly 1 (§1.4: the second term needs x > 0),
 * every kind gives the numbers of (0, 0, T), and fits still refuse the row. */
START_TEST(no_repeat_purchase_reads_t_x_as_zero)
{
    static const struct {
        cxm_model_kind kind;
        double params[4];
        double T;
    } kinds[] = {
        { CXM_MODEL_BGNBD, { 0.243, 4.414, 0.793, 2.426 }, 38.0 },
        { CXM_MODEL_MBGNBD, { 0.243, 4.414, 0.793, 2.426 }, 38.0 },
        { CXM_MODEL_PARETO_NBD, { 0.553, 10.578, 0.606, 11.669 }, 38.0 },
        { CXM_MODEL_BGBB, { 1.204, 0.750, 0.657, 2.783 }, 6.0 },
    };
    for (size_t k = 0; k < COUNT(kinds); k++) {
        cxm_model *m;
        double x[3] = { 0, 0, 0 }, tx[3] = { 0, 3, kinds[k].T }, T[3], t[3] = { 10, 10, 10 };
        double alive[3], expected[3], dert[3], value[3], one[3] = { 1, 1, 1 };
        for (int i = 0; i < 3; i++)
            T[i] = kinds[k].T;
        ck_assert_cxm_ok(cxm_model_create(&m, kinds[k].kind));
        ck_assert_cxm_ok(cxm_model_set_params(m, kinds[k].params, 4));
        ck_assert_cxm_ok(cxm_model_p_alive(alive, 3, m, x, tx, T));
        ck_assert_cxm_ok(cxm_model_conditional_purchases(expected, 3, m, t, x, tx, T));
        cxm_value_options options = CXM_VALUE_OPTIONS_INIT;
        options.period = 1.0;
        ck_assert_cxm_ok(cxm_model_lifetime_value(value, 3, m, x, tx, T, one, &options));
        if (kinds[k].kind != CXM_MODEL_BGBB)
            ck_assert_cxm_ok(cxm_model_dert(dert, 3, m, 0.1, x, tx, T));
        else
            dert[0] = dert[1] = dert[2] = 0.0;
        for (int i = 1; i < 3; i++) {
            ck_assert_double_eq(alive[i], alive[0]);
            ck_assert_double_eq(expected[i], expected[0]);
            ck_assert_double_eq(value[i], value[0]);
            ck_assert_double_eq(dert[i], dert[0]);
        }
        if (kinds[k].kind == CXM_MODEL_BGNBD)
            ck_assert_double_eq(alive[0], 1.0);
        double counts[3] = { 1, 1, 1 }, prob[3];
        int status = cxm_model_conditional_purchase_probability(prob, 3, m, counts, t, x, tx, T);
        ck_assert_msg(status == CXM_OK || status == CXM_EUNSUPPORTED, "%s", cxm_error_message());
        if (status == CXM_OK)
            for (int i = 1; i < 3; i++)
                ck_assert_double_eq(prob[i], prob[0]);
        /* Fitting data stay strict: there the row is a mistake (swapped columns). */
        ck_assert_cxm_fails(cxm_model_fit(m, 3, x, tx, T, NULL, NULL), CXM_EINVAL,
                            "element 1: t_x is 3 but x is 0");
        /* And t_x beyond T is still wrong everywhere. */
        tx[1] = T[1] + 1;
        ck_assert_cxm_fails(cxm_model_p_alive(alive, 3, m, x, tx, T), CXM_EINVAL,
                            "is greater than");
        cxm_model_free(m);
    }
}
END_TEST

/* ------------------------------------------------------------------ weights, penalty, warm start */

START_TEST(weights_equal_repeated_rows)
{
    /* Merging identical rows by hand (weights) and automatically must give
     * the fit of the raw rows. */
    load_cdnow();
    cxm_model *raw, *merged;
    cxm_fit_options options = CXM_FIT_OPTIONS_INIT;
    options.flags = CXM_FIT_NO_COMPRESS;
    ck_assert_cxm_ok(cxm_model_create(&raw, CXM_MODEL_BGNBD));
    ck_assert_cxm_ok(cxm_model_fit(raw, CDNOW_N, cd_x, cd_tx, cd_T, NULL, &options));
    /* The same rows with explicit weights 1, merged automatically. */
    double *x = malloc(3 * CDNOW_N * sizeof *x), *w = malloc(CDNOW_N * sizeof *w);
    double *tx = x + CDNOW_N, *T = x + 2 * CDNOW_N;
    size_t n = 0;
    for (size_t i = 0; i < CDNOW_N; i++) {
        x[n] = cd_x[i];
        tx[n] = cd_tx[i];
        T[n] = cd_T[i];
        w[n++] = 1;
    }
    ck_assert_cxm_ok(cxm_model_create(&merged, CXM_MODEL_BGNBD));
    ck_assert_cxm_ok(cxm_model_fit(merged, n, x, tx, T, w, NULL));
    double a[4], b[4], lla, llb;
    ck_assert_cxm_ok(cxm_model_params(a, 4, raw));
    ck_assert_cxm_ok(cxm_model_params(b, 4, merged));
    ck_assert_cxm_ok(cxm_model_log_likelihood(&lla, raw));
    ck_assert_cxm_ok(cxm_model_log_likelihood(&llb, merged));
    for (int i = 0; i < 4; i++)
        ck_assert_double_eq_tol(a[i], b[i], 1e-8 * a[i]);
    ck_assert_double_eq_tol(lla, llb, 1e-8);
    /* Doubling every weight doubles the log-likelihood, keeps the estimate. */
    for (size_t i = 0; i < n; i++)
        w[i] = 2;
    ck_assert_cxm_ok(cxm_model_fit(merged, n, x, tx, T, w, NULL));
    ck_assert_cxm_ok(cxm_model_params(b, 4, merged));
    ck_assert_cxm_ok(cxm_model_log_likelihood(&llb, merged));
    for (int i = 0; i < 4; i++)
        ck_assert_double_eq_tol(a[i], b[i], 1e-8 * a[i]);
    ck_assert_double_eq_tol(llb, 2 * lla, 1e-7);
    cxm_fit_report report = CXM_FIT_REPORT_INIT;
    ck_assert_cxm_ok(cxm_model_fit_report(&report, merged));
    ck_assert_double_eq(report.observations, 2 * 2357.0);
    ck_assert(report.rows < 2357); /* identical rows merged */
    free(x);
    free(w);
    cxm_model_free(raw);
    cxm_model_free(merged);
}
END_TEST

START_TEST(penalty_shrinks_and_warm_start_continues)
{
    cxm_model *m = fitted(CXM_MODEL_BGNBD);
    double plain[4], shrunk[4], ll_plain, ll_shrunk;
    ck_assert_cxm_ok(cxm_model_params(plain, 4, m));
    ck_assert_cxm_ok(cxm_model_log_likelihood(&ll_plain, m));
    cxm_fit_options options = CXM_FIT_OPTIONS_INIT;
    options.penalty = 0.01;
    options.flags = CXM_FIT_WARM_START;
    ck_assert_cxm_ok(cxm_model_fit(m, CDNOW_N, cd_x, cd_tx, cd_T, NULL, &options));
    ck_assert_cxm_ok(cxm_model_params(shrunk, 4, m));
    ck_assert_cxm_ok(cxm_model_log_likelihood(&ll_shrunk, m));
    ck_assert(ll_shrunk < ll_plain);
    double norm_plain = 0, norm_shrunk = 0;
    for (int i = 0; i < 4; i++) {
        norm_plain += plain[i] * plain[i];
        norm_shrunk += shrunk[i] * shrunk[i];
    }
    ck_assert(norm_shrunk < norm_plain);
    cxm_model_free(m);
}
END_TEST

/* ------------------------------------------------------------------ persistence */

START_TEST(json_round_trip)
{
    cxm_model *m = fitted(CXM_MODEL_BGNBD), *back;
    char *json;
    ck_assert_cxm_ok(cxm_model_to_json(&json, m));
    ck_assert(strstr(json, "\"library_version\"") != NULL);
    ck_assert(strstr(json, "\"kind\":\t\"bgnbd\"") != NULL);
    ck_assert_cxm_ok(cxm_model_from_json(&back, json));
    cxm_free(json);
    ck_assert_int_eq(cxm_model_get_state(back), CXM_MODEL_FITTED);
    double a[4], b[4], ca[16], cb[16], lla, llb;
    ck_assert_cxm_ok(cxm_model_params(a, 4, m));
    ck_assert_cxm_ok(cxm_model_params(b, 4, back));
    ck_assert(memcmp(a, b, sizeof a) == 0);
    ck_assert_cxm_ok(cxm_model_covariance(ca, 16, m));
    ck_assert_cxm_ok(cxm_model_covariance(cb, 16, back));
    ck_assert(memcmp(ca, cb, sizeof ca) == 0);
    ck_assert_cxm_ok(cxm_model_log_likelihood(&lla, m));
    ck_assert_cxm_ok(cxm_model_log_likelihood(&llb, back));
    ck_assert(lla == llb);
    /* A file, and a given model. */
    char path[] = "/tmp/cxm-model-XXXXXX";
    int fd = mkstemp(path);
    ck_assert(fd >= 0);
    close(fd);
    ck_assert_cxm_ok(cxm_model_save(back, path));
    cxm_model_free(back);
    ck_assert_cxm_ok(cxm_model_load(&back, path));
    ck_assert_cxm_ok(cxm_model_params(b, 4, back));
    ck_assert(memcmp(a, b, sizeof a) == 0);
    cxm_model_free(back);
    double given[4] = { 1, 2, 3, 4 };
    ck_assert_cxm_ok(cxm_model_set_params(m, given, 4));
    ck_assert_cxm_ok(cxm_model_save(m, path));
    ck_assert_cxm_ok(cxm_model_load(&back, path));
    ck_assert_int_eq(cxm_model_get_state(back), CXM_MODEL_GIVEN);
    cxm_model_free(back);
    unlink(path);
    ck_assert_cxm_fails(cxm_model_load(&back, path), CXM_EIO, "cannot open");
    ck_assert_cxm_fails(cxm_model_save(m, "/nonexistent-dir/model.json"), CXM_EIO,
                        "/nonexistent-dir/model.json: cannot create: No such file");
    cxm_model_free(m);
}
END_TEST

START_TEST(json_errors_are_parse_errors)
{
    cxm_model *m = (cxm_model *)1;
    static const struct {
        const char *json, *message;
    } cases[] = {
        { "{", "model JSON:1:2: the JSON document ends too early" },
        { "{\"format\": \"libcxm-model\"} x", "model JSON: text after the JSON document: 'x'" },
        { "{\"format\": \"other\"}", "'format'" },
        { "{\"format\": \"libcxm-model\", \"format_version\": 1, \"kind\": \"bgnbd\", \"state\": "
          "\"given\", \"parameters\": {\"r\": 1, \"alpha\": 1, \"a\": 1, \"b\": 1, \"r\": 2}}",
          "model JSON: parameters: key 'r' appears twice" },
        { "{\"format\": \"libcxm-model\", \"format_version\": 9, \"kind\": \"bgnbd\"}",
          "format_version 9" },
        { "{\"format\": \"libcxm-model\", \"format_version\": 1, \"kind\": \"xyz\"}", "unknown kind" },
        { "{\"format\": \"libcxm-model\", \"format_version\": 1, \"kind\": \"bgnbd\", \"state\": "
          "\"given\", \"parameters\": {\"r\": 1, \"alpha\": 1, \"a\": 1}}",
          "lacks the number 'b'" },
        { "{\"format\": \"libcxm-model\", \"format_version\": 1, \"kind\": \"bgnbd\", \"state\": "
          "\"given\", \"parameters\": {\"r\": 1, \"alpha\": 1, \"a\": 1, \"b\": -1}}",
          "b = -1" },
        { "{\"format\": \"libcxm-model\", \"format_version\": 1, \"kind\": \"gg\", \"state\": "
          "\"given\", \"parameters\": {\"p\": 1, \"q\": 1, \"gamma\": 1, \"v\": 2}}",
          "no parameter 'v'" },
        { "{\"format\": \"libcxm-model\", \"format_version\": 1, \"kind\": \"gg\", \"state\": "
          "\"fitted\", \"parameters\": {\"p\": 1, \"q\": 1, \"gamma\": 1}}",
          "needs a 'fit'" },
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        ck_assert_cxm_fails(cxm_model_from_json(&m, cases[i].json), CXM_EPARSE, cases[i].message);
        ck_assert_ptr_null(m);
    }
}
END_TEST

/* A fitted BG/NBD document whose "fit" object holds `fit` before the covariance. */
static int load_fitted(cxm_model **m, const char *fit, const char *after)
{
    char json[1024];
    snprintf(json, sizeof json,
             "{\"format\": \"libcxm-model\", \"format_version\": 1, \"kind\": \"bgnbd\", "
             "\"state\": \"fitted\", \"parameters\": {\"r\": 0.25, \"alpha\": 4.4, \"a\": 0.8, "
             "\"b\": 2.4}, \"fit\": {%s, \"covariance\": [[1, 0, 0, 0], [0, 1, 0, 0], "
             "[0, 0, 1, 0], [0, 0, 0, 1]]}}%s",
             fit, after);
    return cxm_model_from_json(m, json);
}

static void fitted_fails(const char *fit, const char *after, const char *message)
{
    cxm_model *m = (cxm_model *)1;
    int status = load_fitted(&m, fit, after);
    ck_assert_msg(status == CXM_EPARSE, "%s%s: status %d (%s)", fit, after, status,
                  cxm_error_message());
    ck_assert_str_eq(cxm_error_message(), message);
    ck_assert_ptr_null(m);
}

/* Issue 14: the reader formatted cxm_error_message() into itself ("model JSON:
 * model JSON: eter r = -1 ..."), and took trailing garbage and impossible fit
 * numbers. */
START_TEST(json_reader_refuses_hostile_documents)
{
    cxm_model *m;
    /* The inner message, exactly as the parameter check words it. */
    ck_assert_cxm_ok(cxm_model_create(&m, CXM_MODEL_BGNBD));
    double bad[4] = { -1, 4.4, 0.8, 2.4 };
    ck_assert_int_eq(cxm_model_set_params(m, bad, 4), CXM_EINVAL);
    char expected[1100];
    snprintf(expected, sizeof expected, "model JSON: 'parameters': %s", cxm_error_message());
    cxm_model_free(m);
    const char *negative = "{\"format\": \"libcxm-model\", \"format_version\": 1, \"kind\": "
                           "\"bgnbd\", \"state\": \"given\", \"parameters\": {\"r\": -1, "
                           "\"alpha\": 4.4, \"a\": 0.8, \"b\": 2.4}}";
    ck_assert_int_eq(cxm_model_from_json(&m, negative), CXM_EPARSE);
    ck_assert_str_eq(cxm_error_message(), expected);
    ck_assert_str_eq(cxm_error_message(),
                     "model JSON: 'parameters': BG/NBD parameter r = -1 must be greater than 0");

    const char *good = "\"log_likelihood\": -9582.4, \"observations\": 2357, \"rows\": 1200, "
                       "\"iterations\": 7, \"evaluations\": 9, \"penalty\": 0, "
                       "\"gradient_norm\": 1e-12";
    ck_assert_cxm_ok(load_fitted(&m, good, "\n  \n"));
    cxm_fit_report report = CXM_FIT_REPORT_INIT;
    ck_assert_cxm_ok(cxm_model_fit_report(&report, m));
    ck_assert_double_eq(report.observations, 2357);
    ck_assert_uint_eq(report.iterations, 7);
    cxm_model_free(m);

    fitted_fails(good, " garbage", "model JSON: text after the JSON document: 'garbage'");
    fitted_fails(good, "{}", "model JSON: text after the JSON document: '{}'");
    fitted_fails("\"log_likelihood\": -9582.4, \"observations\": -3, \"rows\": 1200", "",
                 "model JSON: 'fit': observations -3 must be a finite number > 0");
    fitted_fails("\"log_likelihood\": -9582.4, \"observations\": 0, \"rows\": 1200", "",
                 "model JSON: 'fit': observations 0 must be a finite number > 0");
    fitted_fails("\"log_likelihood\": -9582.4, \"observations\": 1e999, \"rows\": 1200", "",
                 "model JSON: 'fit' lacks the number 'observations'");
    fitted_fails("\"log_likelihood\": -9582.4, \"observations\": \"many\", \"rows\": 1200", "",
                 "model JSON: 'fit' lacks the number 'observations'");
    fitted_fails("\"log_likelihood\": -9582.4, \"observations\": 10, \"rows\": 2.5", "",
                 "model JSON: 'fit': rows 2.5 must be a whole number >= 0");
    fitted_fails("\"log_likelihood\": -9582.4, \"observations\": 10, \"rows\": -1", "",
                 "model JSON: 'fit': rows -1 must be a whole number >= 0");
    fitted_fails("\"log_likelihood\": -1, \"observations\": 10, \"rows\": 5, \"iterations\": -1",
                 "", "model JSON: 'fit': iterations -1 must be a whole number >= 0");
    fitted_fails("\"log_likelihood\": -1, \"observations\": 10, \"rows\": 5, \"evaluations\": 1.5",
                 "", "model JSON: 'fit': evaluations 1.5 must be a whole number >= 0");
    fitted_fails("\"log_likelihood\": -1, \"observations\": 10, \"rows\": 5, \"iterations\": 1e10",
                 "", "model JSON: 'fit': iterations 1e+10 must be a whole number >= 0");
    fitted_fails("\"log_likelihood\": -1, \"observations\": 10, \"rows\": 5, \"penalty\": -1", "",
                 "model JSON: 'fit': penalty -1 must not be negative");
    fitted_fails("\"log_likelihood\": -1, \"observations\": 10, \"rows\": 5, \"penalty\": null", "",
                 "model JSON: 'fit' lacks the number 'penalty'");
    fitted_fails("\"log_likelihood\": -1, \"observations\": 10, \"rows\": 5, "
                 "\"gradient_norm\": -1e-9",
                 "", "model JSON: 'fit': gradient_norm -1e-09 must be a finite number >= 0");
}
END_TEST

/* ------------------------------------------------------------------ simulation */

START_TEST(simulation_is_reproducible_and_consistent)
{
    enum { N = 3000 };
    static double T[N], x1[N], t1[N], x2[N], t2[N];
    double params[4] = { 0.8, 3.0, 0.6, 2.0 };
    for (int i = 0; i < N; i++)
        T[i] = 5.0 + (i % 40);
    for (int kind = CXM_MODEL_BGNBD; kind <= CXM_MODEL_MBGNBD; kind++) {
        cxm_model *m;
        ck_assert_cxm_ok(cxm_model_create(&m, (cxm_model_kind)kind));
        ck_assert_cxm_ok(cxm_model_set_params(m, params, 4));
        ck_assert_cxm_ok(cxm_model_simulate(x1, t1, N, m, T, 42));
        ck_assert_cxm_ok(cxm_model_simulate(x2, t2, N / 2, m, T, 42));
        ck_assert(memcmp(x1, x2, N / 2 * sizeof *x1) == 0); /* customer i does not depend on n */
        ck_assert(memcmp(t1, t2, N / 2 * sizeof *t1) == 0);
        ck_assert_cxm_ok(cxm_model_simulate(x2, t2, N, m, T, 43));
        ck_assert(memcmp(x1, x2, N * sizeof *x1) != 0);
        size_t total = 0;
        for (int i = 0; i < N; i++) {
            ck_assert(x1[i] >= 0 && x1[i] == floor(x1[i]));
            ck_assert(t1[i] >= 0 && t1[i] <= T[i]);
            ck_assert(x1[i] > 0 || t1[i] == 0);
            total += (size_t)x1[i];
        }
        double *times = malloc((total ? total : 1) * sizeof *times);
        ck_assert_cxm_ok(cxm_model_simulate_times(times, total, m, N, T, 42));
        size_t k = 0;
        for (int i = 0; i < N; i++) {
            for (size_t j = 0; j < (size_t)x1[i]; j++, k++) {
                ck_assert(times[k] > 0 && times[k] <= t1[i]);
                if (j > 0)
                    ck_assert(times[k] >= times[k - 1]);
            }
            if (x1[i] > 0)
                ck_assert(times[k - 1] == t1[i]);
        }
        ck_assert_cxm_fails(cxm_model_simulate_times(times, total - 1, m, N, T, 42), CXM_EINVAL,
                            "places");
        free(times);
        /* The simulated mean matches E[X(T)] (T = 39: 30000 customers). */
        static double T39[30000], xs[30000], ts[30000];
        for (int i = 0; i < 30000; i++)
            T39[i] = 39;
        ck_assert_cxm_ok(cxm_model_simulate(xs, ts, 30000, m, T39, 5));
        double mean = 0, ex, t39 = 39;
        for (int i = 0; i < 30000; i++)
            mean += xs[i] / 30000;
        ck_assert_cxm_ok(cxm_model_expected_purchases(&ex, 1, m, &t39));
        ck_assert_msg(fabs(mean - ex) < 0.05 * ex, "simulated mean %g, E[X(39)] %g", mean, ex);
        cxm_model_free(m);
    }
}
END_TEST

/* The latent values of simulated customers: in their domains, the means of
 * the mixing distributions (gamma r/α, beta a/(a+b)) within 4 standard
 * errors, alive consistent with the purchases, the share alive at T of a
 * Pareto/NBD (β/(β+T))^s, and the customers themselves unchanged. */
START_TEST(simulated_latent_values)
{
    enum { N = 40000 };
    static double T[N], x[N], tx[N], first[N], second[N], alive[N];
    static const struct {
        cxm_model_kind kind;
        double p[4], mean_first, mean_second;
    } cases[] = {
        { CXM_MODEL_BGNBD, { 0.8, 3.0, 0.6, 2.0 }, 0.8 / 3.0, 0.6 / 2.6 },
        { CXM_MODEL_MBGNBD, { 0.8, 3.0, 0.6, 2.0 }, 0.8 / 3.0, 0.6 / 2.6 },
        { CXM_MODEL_PARETO_NBD, { 0.55, 10.6, 0.61, 11.7 }, 0.55 / 10.6, 0.61 / 11.7 },
        { CXM_MODEL_BGBB, { 1.2, 0.75, 0.66, 2.78 }, 1.2 / 1.95, 0.66 / 3.44 },
    };
    for (int i = 0; i < N; i++)
        T[i] = 6;
    for (size_t c = 0; c < COUNT(cases); c++) {
        cxm_model *m;
        ck_assert_cxm_ok(cxm_model_create(&m, cases[c].kind));
        ck_assert_cxm_ok(cxm_model_set_params(m, cases[c].p, 4));
        ck_assert_cxm_ok(cxm_model_simulate_latent(first, second, alive, N, m, T, 9));
        ck_assert_cxm_ok(cxm_model_simulate(x, tx, N, m, T, 9));
        double sum[2] = { 0, 0 }, sq[2] = { 0, 0 }, alive_share = 0;
        for (int i = 0; i < N; i++) {
            ck_assert(first[i] > 0 && second[i] > 0);
            ck_assert(alive[i] == 0 || alive[i] == 1);
            if (cases[c].kind == CXM_MODEL_BGNBD) /* BG/NBD drops out only after a purchase */
                ck_assert(alive[i] == 1 || x[i] > 0);
            sum[0] += first[i];
            sum[1] += second[i];
            sq[0] += first[i] * first[i];
            sq[1] += second[i] * second[i];
            alive_share += alive[i] / N;
        }
        const double means[2] = { cases[c].mean_first, cases[c].mean_second };
        for (int j = 0; j < 2; j++) {
            double mean = sum[j] / N, se = sqrt((sq[j] / N - mean * mean) / N);
            ck_assert_msg(fabs(mean - means[j]) < 4 * se, "case %zu latent %d: %g vs %g (se %g)",
                          c, j, mean, means[j], se);
        }
        if (cases[c].kind == CXM_MODEL_PARETO_NBD) {
            double exact = pow(11.7 / (11.7 + 6), 0.61);
            double se = sqrt(exact * (1 - exact) / N);
            ck_assert_msg(fabs(alive_share - exact) < 4 * se, "alive %g vs %g", alive_share,
                          exact);
        }
        /* Asking for the latent values changes no customer. */
        static double x2[N], tx2[N];
        ck_assert_cxm_ok(cxm_model_simulate(x2, tx2, N, m, T, 9));
        ck_assert(memcmp(x, x2, sizeof x) == 0 && memcmp(tx, tx2, sizeof tx) == 0);
        cxm_model_free(m);
    }
    cxm_model *gg;
    ck_assert_cxm_ok(cxm_model_create(&gg, CXM_MODEL_GAMMA_GAMMA));
    double gp[3] = { 6, 4, 16 };
    ck_assert_cxm_ok(cxm_model_set_params(gg, gp, 3));
    ck_assert_int_eq(cxm_model_simulate_latent(first, second, alive, 1, gg, T, 9),
                     CXM_EUNSUPPORTED);
    cxm_model_free(gg);
}
END_TEST

/* ------------------------------------------------------------------ value, tracking, holdout */

START_TEST(lifetime_value_is_the_discounted_sum)
{
    cxm_model *m = fitted(CXM_MODEL_BGNBD);
    double x[3] = { 0, 2, 7 }, tx[3] = { 0, 30.43, 29.43 }, T[3] = { 38.86, 38.86, 38.86 };
    double value[3] = { 35.17, 24.66, 71.46 }, clv[3];
    cxm_value_options options = CXM_VALUE_OPTIONS_INIT;
    ck_assert_cxm_fails(cxm_model_lifetime_value(clv, 3, m, x, tx, T, value, &options), CXM_EINVAL,
                        "period");
    options.period = 52.0 / 12.0; /* months, for a model in weeks */
    options.periods = 12;
    options.discount = 0.01;
    options.margin = 0.3;
    ck_assert_cxm_ok(cxm_model_lifetime_value(clv, 3, m, x, tx, T, value, &options));
    for (int i = 0; i < 3; i++) {
        double expected = 0, previous = 0;
        for (int k = 1; k <= 12; k++) {
            double t = k * options.period, ey;
            ck_assert_cxm_ok(cxm_model_conditional_purchases(&ey, 1, m, &t, x + i, tx + i, T + i));
            expected += 0.3 * value[i] * (ey - previous) / pow(1.01, k);
            previous = ey;
        }
        ck_assert_double_eq_tol(clv[i], expected, 1e-10 * expected);
        ck_assert(clv[i] > 0);
    }
    /* The period is the caller's: weeks instead of months changes the value. */
    double weekly[3];
    options.period = 1.0;
    ck_assert_cxm_ok(cxm_model_lifetime_value(weekly, 3, m, x, tx, T, value, &options));
    ck_assert(weekly[1] < clv[1]);
    cxm_model *gg = fitted(CXM_MODEL_GAMMA_GAMMA);
    ck_assert_cxm_fails(cxm_model_lifetime_value(clv, 3, gg, x, tx, T, value, &options),
                        CXM_EUNSUPPORTED, "purchase model");
    cxm_model_free(gg);
    cxm_model_free(m);
}
END_TEST

START_TEST(tracking_and_holdout_tables)
{
    cxm_model *m = fitted(CXM_MODEL_BGNBD);
    /* First purchases in weeks 0..12 of the cohort (T = 39 − first). */
    double first[CDNOW_N], times[3] = { 10, 39, 78 }, curve[3];
    for (size_t i = 0; i < CDNOW_N; i++)
        first[i] = 39.0 - cd_T[i];
    ck_assert_cxm_ok(cxm_model_tracking(curve, 3, m, times, CDNOW_N, first, NULL));
    for (int j = 0; j < 3; j++) {
        double sum = 0;
        for (size_t i = 0; i < CDNOW_N; i++) {
            if (first[i] >= times[j])
                continue;
            double age = times[j] - first[i], ex;
            ck_assert_cxm_ok(cxm_model_expected_purchases(&ex, 1, m, &age));
            sum += ex;
        }
        ck_assert_double_eq_tol(curve[j], sum, 1e-9 * sum);
    }
    ck_assert(curve[0] < curve[1] && curve[1] < curve[2]);
    /* At week 39 the curve predicts about the 1,359 repeat purchases of the calibration period. */
    double actual = 0;
    for (size_t i = 0; i < CDNOW_N; i++)
        actual += cd_x[i];
    ck_assert_msg(fabs(curve[1] - actual) < 0.05 * actual, "tracking %g, actual %g", curve[1], actual);

    double dur[CDNOW_N], hold[CDNOW_N], a[7], p[7], c[7];
    for (size_t i = 0; i < CDNOW_N; i++) {
        dur[i] = 39;
        hold[i] = cd_x[i] > 2 ? 2 : cd_x[i];
    }
    ck_assert_cxm_ok(
        cxm_model_calibration_holdout(a, p, c, 7, m, CDNOW_N, cd_x, cd_tx, cd_T, dur, hold));
    double counted = 0;
    for (int k = 0; k < 7; k++) {
        counted += c[k];
        ck_assert(p[k] >= 0 && a[k] >= 0);
    }
    ck_assert_double_eq(counted, CDNOW_N);
    ck_assert_double_eq_tol(c[0], 1411, 0.5); /* customers without a repeat purchase */
    ck_assert(p[6] > p[1] && p[1] > p[0]);
    ck_assert_cxm_fails(cxm_model_calibration_holdout(a, p, c, 0, m, CDNOW_N, cd_x, cd_tx, cd_T, dur,
                                                      hold),
                        CXM_EINVAL, "bins");
    cxm_model_free(m);
}
END_TEST

/* ------------------------------------------------------------------ out of memory */

static int oom_fit(void *context)
{
    (void)context;
    cxm_model *m;
    int status = cxm_model_create(&m, CXM_MODEL_BGNBD);
    if (status != CXM_OK)
        return status;
    status = cxm_model_fit(m, 300, cd_x, cd_tx, cd_T, NULL, NULL);
    if (status == CXM_OK) {
        char *json;
        status = cxm_model_to_json(&json, m);
        if (status == CXM_OK) {
            cxm_model *back;
            status = cxm_model_from_json(&back, json);
            cxm_free(json);
            cxm_model_free(back);
        }
    }
    cxm_model_free(m);
    return status;
}

static int oom_predict(void *context)
{
    (void)context;
    cxm_model *m;
    double p[4] = { 0.25, 4.4, 0.8, 2.4 }, curve[2], times[2] = { 10, 20 }, dur[50], a[3], pr[3],
           c[3];
    int status = cxm_model_create(&m, CXM_MODEL_MBGNBD);
    if (status != CXM_OK)
        return status;
    for (int i = 0; i < 50; i++)
        dur[i] = 10;
    status = cxm_model_set_params(m, p, 4);
    if (status == CXM_OK)
        status = cxm_model_tracking(curve, 2, m, times, 50, cd_T, NULL);
    if (status == CXM_OK)
        status = cxm_model_calibration_holdout(a, pr, c, 3, m, 50, cd_x, cd_tx, cd_T, dur, cd_x);
    if (status == CXM_OK) {
        double value[50];
        cxm_value_options options = CXM_VALUE_OPTIONS_INIT;
        options.period = 4.0;
        status = cxm_model_lifetime_value(value, 50, m, cd_x, cd_tx, cd_T, cd_m, &options);
    }
    if (status == CXM_OK) {
        double ey[50];
        status = cxm_model_conditional_purchases(ey, 50, m, dur, cd_x, cd_tx, cd_T);
    }
    cxm_model_free(m);
    return status;
}

START_TEST(out_of_memory_is_clean)
{
    load_cdnow();
    chaos_run(oom_fit, NULL, "fit and JSON");
    chaos_run(oom_predict, NULL, "tracking, holdout, value, predictions");
}
END_TEST

/* ------------------------------------------------------------------ reading data */

static const char *data_path(const char *name, char *buffer, size_t size)
{
    const char *top = getenv("top_srcdir");
    snprintf(buffer, size, "%s/tests/data/%s", top ? top : "..", name);
    return buffer;
}

START_TEST(table_reads_columns_by_name_number_and_alternative)
{
    char path[4096];
    cxm_table *t;
    const char *specs[] = { "frequency|x", "recency|t_x", "4", "?weight", "zbar" };
    ck_assert_cxm_ok(cxm_table_read_csv(&t, data_path("cdnow_customers_summary_with_transactions.csv",
                                                      path, sizeof path),
                                        "ID", 5, specs, NULL));
    ck_assert_uint_eq(cxm_table_rows(t), 2357);
    /* Named after the specs' first alternatives; the absent optional column is not there. */
    ck_assert_uint_eq(cxm_table_columns(t), 5);
    ck_assert_str_eq(cxm_table_column_name(t, 0), "frequency");
    ck_assert_str_eq(cxm_table_column_name(t, 2), "4");
    ck_assert_str_eq(cxm_table_column_name(t, 3), "zbar");
    ck_assert_str_eq(cxm_table_column_name(t, 4), "id");
    double v;
    ck_assert_cxm_ok(cxm_table_number(&v, t, 0, "frequency"));
    ck_assert_double_eq(v, 2);
    ck_assert_cxm_ok(cxm_table_number(&v, t, 0, "recency"));
    ck_assert_double_eq(v, 30.43);
    ck_assert_cxm_ok(cxm_table_number(&v, t, 5, "zbar"));
    ck_assert_double_eq(v, 73.74);
    ck_assert_str_eq(cxm_table_text(t, 2356, "id"), "2357");
    size_t index;
    ck_assert_cxm_fails(cxm_table_find(&index, t, "weight"), CXM_ENOTFOUND, "weight");
    /* Each row's line in the file, the header being line 1. */
    ck_assert_uint_eq(cxm_table_line(t, 0), 2);
    ck_assert_uint_eq(cxm_table_line(t, 2356), 2358);
    ck_assert_uint_eq(cxm_table_line(t, 2357), 0);
    ck_assert_uint_eq(cxm_table_line(NULL, 0), 0);
    cxm_table_free(t);

    /* Skipped rows and blank lines do not shift it. */
    char temp[] = "/tmp/cxm-check-table-XXXXXX";
    int fd = mkstemp(temp);
    ck_assert_int_ge(fd, 0);
    static const char text[] = "id,x\nA,1\nB,oops\n\nC,3\n";
    ck_assert_int_eq(write(fd, text, sizeof text - 1), (int)(sizeof text - 1));
    close(fd);
    cxm_csv_options csv = CXM_CSV_OPTIONS_INIT;
    csv.skip_bad_rows = 1;
    const char *x[] = { "x" };
    ck_assert_cxm_ok(cxm_table_read_csv(&t, temp, "id", 1, x, &csv));
    ck_assert_uint_eq(cxm_table_rows(t), 2);
    ck_assert_str_eq(cxm_table_text(t, 1, "id"), "C");
    ck_assert_uint_eq(cxm_table_line(t, 0), 2);
    ck_assert_uint_eq(cxm_table_line(t, 1), 5);
    cxm_table_free(t);
    unlink(temp);
}
END_TEST

START_TEST(table_errors_name_the_file_and_column)
{
    char path[] = "/tmp/cxm-table-XXXXXX";
    int fd = mkstemp(path);
    ck_assert(fd >= 0);
    const char *text = "id,frequency,recency,T\na,1,2,3\nb,1,x,3\nc,0,0,4\n";
    ck_assert(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
    cxm_table *t = (cxm_table *)1;
    const char *specs[] = { "frequency", "recency", "T" };
    ck_assert_cxm_fails(cxm_table_read_csv(&t, path, "id", 3, specs, NULL), CXM_EPARSE,
                        "column 'recency': 'x' is not a number");
    ck_assert_ptr_null(t);
    cxm_csv_options csv = CXM_CSV_OPTIONS_INIT;
    csv.skip_bad_rows = 1;
    ck_assert_cxm_ok(cxm_table_read_csv(&t, path, "id", 3, specs, &csv));
    ck_assert_uint_eq(cxm_table_rows(t), 2);
    ck_assert_str_eq(cxm_table_text(t, 1, "id"), "c");
    cxm_table_free(t);
    const char *missing[] = { "frequency|x", "nope|other" };
    ck_assert_cxm_fails(cxm_table_read_csv(&t, path, NULL, 2, missing, NULL), CXM_ENOTFOUND,
                        "none of the columns 'nope|other' exists");
    ck_assert_cxm_fails(cxm_table_read_csv(&t, "/nonexistent/file.csv", NULL, 3, specs, NULL),
                        CXM_EIO, "file.csv");
    ck_assert_cxm_fails(cxm_table_read_csv(NULL, path, NULL, 3, specs, NULL), CXM_EINVAL, "out");
    unlink(path);
}
END_TEST

static int oom_table(void *context)
{
    const char *path = context;
    cxm_table *t;
    const char *specs[] = { "frequency|x", "recency|t_x", "T", "?weight" };
    int status = cxm_table_read_csv(&t, path, "ID", 4, specs, NULL);
    cxm_table_free(t);
    return status;
}

START_TEST(table_out_of_memory_is_clean)
{
    char path[4096];
    chaos_run(oom_table, (void *)data_path("cdnow_customers_summary.csv", path, sizeof path),
              "table");
}
END_TEST

START_TEST(options_columns_and_threads)
{
    cxm_fit_options fit;
    cxm_fit_options defaults = CXM_FIT_OPTIONS_INIT;
    memset(&fit, 0xff, sizeof fit);
    cxm_fit_options_init(&fit);
    ck_assert(fit.version == defaults.version && fit.penalty == defaults.penalty &&
              fit.max_iterations == defaults.max_iterations &&
              fit.tolerance == defaults.tolerance && fit.threads == defaults.threads &&
              fit.flags == defaults.flags);
    cxm_fit_options_init(NULL);
    cxm_value_options value, value_defaults = CXM_VALUE_OPTIONS_INIT;
    memset(&value, 0xff, sizeof value);
    cxm_value_options_init(&value);
    ck_assert(value.version == value_defaults.version && value.period == 0.0 &&
              value.periods == 12 && value.discount == 0.01 && value.margin == 1.0);
    cxm_value_options_init(NULL);

    /* Column after column is cxm_model_fit with the columns named. */
    load_cdnow();
    double *columns = malloc(3 * CDNOW_N * sizeof *columns);
    memcpy(columns, cd_x, sizeof cd_x);
    memcpy(columns + CDNOW_N, cd_tx, sizeof cd_tx);
    memcpy(columns + 2 * CDNOW_N, cd_T, sizeof cd_T);
    cxm_model *m = fitted(CXM_MODEL_BGNBD), *c;
    ck_assert_cxm_ok(cxm_model_create(&c, CXM_MODEL_BGNBD));
    ck_assert_str_eq(cxm_model_column_name(c, 0), "x");
    ck_assert_str_eq(cxm_model_column_name(c, 2), "T");
    ck_assert_ptr_null(cxm_model_column_name(c, 3));
    ck_assert_cxm_ok(cxm_model_fit_columns(c, CDNOW_N, columns, NULL, NULL));
    double a[4], b[4];
    ck_assert_cxm_ok(cxm_model_params(a, 4, m));
    ck_assert_cxm_ok(cxm_model_params(b, 4, c));
    ck_assert(memcmp(a, b, sizeof a) == 0);
    ck_assert_cxm_fails(cxm_model_fit_columns(c, CDNOW_N, NULL, NULL, NULL), CXM_EINVAL, "columns");

    /* Predictions are the same numbers with one thread or several. */
    enum { N = 150000 };
    double *t = malloc(N * sizeof *t), *x = malloc(N * sizeof *x), *tx = malloc(N * sizeof *tx),
           *T = malloc(N * sizeof *T), *one = malloc(N * sizeof *one), *two = malloc(N * sizeof *two);
    for (size_t i = 0; i < N; i++) {
        t[i] = 39;
        x[i] = cd_x[i % CDNOW_N];
        tx[i] = cd_tx[i % CDNOW_N];
        T[i] = cd_T[i % CDNOW_N];
    }
    ck_assert_cxm_ok(cxm_model_set_threads(m, 1));
    ck_assert_cxm_ok(cxm_model_conditional_purchases(one, N, m, t, x, tx, T));
    ck_assert_cxm_ok(cxm_model_set_threads(m, 3));
    ck_assert_cxm_ok(cxm_model_conditional_purchases(two, N, m, t, x, tx, T));
    ck_assert(memcmp(one, two, N * sizeof *one) == 0);

    /* Rows are checked on the threads too: the first bad row is named
     * whichever thread meets it first, and nothing is written. */
    x[140000] = 0.5;
    tx[9000] = T[9000] + 1;
    for (size_t i = 0; i < N; i++)
        two[i] = -1;
    ck_assert_cxm_fails(cxm_model_conditional_purchases(two, N, m, t, x, tx, T), CXM_EINVAL,
                        "element 9000: t_x");
    ck_assert_cxm_fails(cxm_model_p_alive(two, N, m, x, tx, T), CXM_EINVAL, "element 9000: t_x");
    for (size_t i = 0; i < N; i++)
        ck_assert(two[i] == -1);
    tx[9000] = cd_tx[9000 % CDNOW_N];
    ck_assert_cxm_fails(cxm_model_p_alive(two, N, m, x, tx, T), CXM_EINVAL,
                        "element 140000: x 0.5");
    ck_assert_cxm_fails(cxm_model_set_threads(NULL, 1), CXM_EINVAL, "model");
    free(t), free(x), free(tx), free(T), free(one), free(two), free(columns);
    cxm_model_free(m);
    cxm_model_free(c);
}
END_TEST

static Suite *model_suite(void)
{
    Suite *s = suite_create("model");
    TCase *cdnow = tcase_create("cdnow");
    tcase_add_test(cdnow, cdnow_bgnbd_published_estimates);
    tcase_add_test(cdnow, cdnow_bgnbd_published_predictions);
    tcase_add_test(cdnow, cdnow_gamma_gamma_published_estimates);
    tcase_add_test(cdnow, fit_from_a_summary_equals_fit_from_its_columns);
    tcase_add_test(cdnow, predictions_from_a_summary_equal_those_from_its_columns);
    tcase_add_test(cdnow, tracking_from_a_summary_by_hand);
    tcase_add_test(cdnow, summary_functions_check_their_arguments);
    tcase_add_test(cdnow, gamma_gamma_q_at_most_one_is_an_error_never_negative);
    tcase_add_test(cdnow, gamma_gamma_zero_spend_is_skipped_and_counted);
    tcase_add_test(cdnow, no_repeat_purchase_reads_t_x_as_zero);
    suite_add_tcase(s, cdnow);
    TCase *reference = tcase_create("references");
    tcase_add_test(reference, mbgnbd_matches_direct_integration);
    tcase_add_test(reference, dert_matches_discounted_integral);
    tcase_add_test(reference, purchase_probabilities_sum_to_one_with_the_right_mean);
    suite_add_tcase(s, reference);
    TCase *slow = tcase_create("recovery and grid");
    tcase_set_timeout(slow, 300);
    tcase_add_test(slow, recovery_bgnbd);
    tcase_add_test(slow, recovery_mbgnbd);
    tcase_add_test(slow, recovery_gamma_gamma);
    tcase_add_test(slow, numerical_grid);
    tcase_add_test(slow, numerical_grid_ggompertz);
    suite_add_tcase(s, slow);
    TCase *extremes = tcase_create("extremes");
    tcase_set_timeout(extremes, 300);
    tcase_add_test(extremes, extreme_arguments_bgnbd);
    tcase_add_test(extremes, extreme_values_match_references);
    tcase_add_test(extremes, extreme_value_tracking_spend_and_simulation);
    tcase_add_test(extremes, parameters_outside_the_fit_range_are_refused);
    suite_add_tcase(s, extremes);
    TCase *failures = tcase_create("failures");
    tcase_add_test(failures, fit_that_diverges_fails_and_leaves_no_parameters);
    tcase_add_test(failures, iteration_cap_keeps_the_previous_fit);
    tcase_add_test(failures, bad_data_names_the_row);
    tcase_add_test(failures, handles_kinds_and_states);
    tcase_add_test(failures, prediction_inputs_are_checked);
    suite_add_tcase(s, failures);
    TCase *engine = tcase_create("engine");
    tcase_set_timeout(engine, 120);
    tcase_add_test(engine, weights_equal_repeated_rows);
    tcase_add_test(engine, penalty_shrinks_and_warm_start_continues);
    tcase_add_test(engine, json_round_trip);
    tcase_add_test(engine, json_errors_are_parse_errors);
    tcase_add_test(engine, json_reader_refuses_hostile_documents);
    tcase_add_test(engine, simulation_is_reproducible_and_consistent);
    tcase_add_test(engine, simulated_latent_values);
    tcase_add_test(engine, lifetime_value_is_the_discounted_sum);
    tcase_add_test(engine, tracking_and_holdout_tables);
    tcase_add_test(engine, out_of_memory_is_clean);
    tcase_add_test(engine, table_reads_columns_by_name_number_and_alternative);
    tcase_add_test(engine, table_errors_name_the_file_and_column);
    tcase_add_test(engine, table_out_of_memory_is_clean);
    tcase_add_test(engine, options_columns_and_threads);
    suite_add_tcase(s, engine);
    return s;
}

int main(void)
{
    return cxm_check_run(model_suite());
}
