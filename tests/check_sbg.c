/* The sBG subscription model through the public API: the two published data
 * sets of Fader & Hardie (2007), closed forms against direct sums, survivor
 * counts against individual durations, errors and out-of-memory behaviour. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cxm.h>

#include "chaos.h"
#include "check_run.h"
#include "extremes.h"
#include "ref/extremes_reference.h"
#include "suites.h"

/* Survivors per 1,000 customers at years 0..12 (Fader & Hardie 2007, Table 1;
 * docs/models.md §1.2). The model is fitted on years 0..7. */
static const double regular[13] = { 1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173 };
static const double high_end[13] = { 1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394 };

static cxm_model *fit_survivors(const double *counts, size_t n)
{
    cxm_model *m = NULL;
    ck_assert_cxm_ok(cxm_model_create(&m, CXM_MODEL_SBG));
    ck_assert_cxm_ok(cxm_model_fit_survivors(m, counts, n, NULL));
    return m;
}

static void check_published(const double *counts, double alpha, double beta, double ll,
                            double year12)
{
    cxm_model *m = fit_survivors(counts, 8);
    double p[2], se[2], value;
    ck_assert_cxm_ok(cxm_model_params(p, 2, m));
    /* The published three decimals. */
    ck_assert_msg(fabs(p[0] - alpha) <= 0.0005, "alpha %.6f, published %.3f", p[0], alpha);
    ck_assert_msg(fabs(p[1] - beta) <= 0.0005, "beta %.6f, published %.3f", p[1], beta);
    ck_assert_cxm_ok(cxm_model_log_likelihood(&value, m));
    ck_assert_msg(fabs(value - ll) <= 0.005, "LL %.4f, published %.2f", value, ll);
    ck_assert_cxm_ok(cxm_model_standard_errors(se, 2, m));
    ck_assert(se[0] > 0 && se[1] > 0 && isfinite(se[0]) && isfinite(se[1]));
    /* Projection to year 12 from the years 0..7 fit: about 170 and 378 of 1,000. */
    double t = 12, s12;
    ck_assert_cxm_ok(cxm_model_survival(&s12, 1, m, &t));
    ck_assert_msg(fabs(1000 * s12 - year12) <= 0.5, "year 12: %.2f, published about %.0f",
                  1000 * s12, year12);
    /* The projection tracks the held-out years 8..12 within 5% (Fader & Hardie 2007, Figure 3). */
    for (int y = 8; y <= 12; y++) {
        double ty = y, sy;
        ck_assert_cxm_ok(cxm_model_survival(&sy, 1, m, &ty));
        ck_assert_msg(fabs(1000 * sy - counts[y]) < 0.05 * counts[y], "year %d: %.1f vs %.0f", y, 1000 * sy,
                      counts[y]);
    }
    cxm_model_free(m);
}

START_TEST(published_regular_and_high_end)
{
    check_published(regular, 0.704, 1.182, -1680.27, 170.0);
    check_published(high_end, 0.668, 3.806, -1611.16, 378.0);
}
END_TEST

START_TEST(durations_with_censoring_equal_survivor_counts)
{
    /* The Regular cohort as 1,000 individual tenures: cancelled in year t, or
     * still active after 7 years (censored). */
    double periods[1000], active[1000];
    size_t k = 0;
    for (int t = 1; t <= 7; t++)
        for (int j = 0; j < (int)(regular[t - 1] - regular[t]); j++) {
            periods[k] = t;
            active[k++] = 0;
        }
    while (k < 1000) {
        periods[k] = 7;
        active[k++] = 1;
    }
    cxm_model *a = fit_survivors(regular, 8), *b = NULL;
    ck_assert_cxm_ok(cxm_model_create_named(&b, "sbg"));
    cxm_fit_options options = CXM_FIT_OPTIONS_INIT;
    options.flags = CXM_FIT_NO_COMPRESS;
    ck_assert_cxm_ok(cxm_model_fit_durations(b, 1000, periods, active, NULL, &options));
    double pa[2], pb[2], la, lb;
    ck_assert_cxm_ok(cxm_model_params(pa, 2, a));
    ck_assert_cxm_ok(cxm_model_params(pb, 2, b));
    ck_assert_cxm_ok(cxm_model_log_likelihood(&la, a));
    ck_assert_cxm_ok(cxm_model_log_likelihood(&lb, b));
    ck_assert_double_eq_tol(pa[0], pb[0], 1e-7);
    ck_assert_double_eq_tol(pa[1], pb[1], 1e-7);
    ck_assert_double_eq_tol(la, lb, 1e-8);
    cxm_model_free(a);
    cxm_model_free(b);
}
END_TEST

START_TEST(closed_forms_match_direct_sums)
{
    static const double ab[][2] = { { 0.704, 1.182 }, { 0.668, 3.806 }, { 2.5, 0.3 },
                                    { 1e-3, 40 }, { 300, 7000 } };
    static const double ds[] = { 0.1, 0.01, 0.5 };
    for (size_t i = 0; i < sizeof ab / sizeof ab[0]; i++) {
        cxm_model *m = NULL;
        ck_assert_cxm_ok(cxm_model_create(&m, CXM_MODEL_SBG));
        ck_assert_cxm_ok(cxm_model_set_params(m, ab[i], 2));
        double a = ab[i][0], b = ab[i][1];
        /* S(t) = Π_{k<=t} r_k and P(T=t) = S(t−1) − S(t) by recursion. */
        double s = 1.0;
        for (int t = 1; t <= 60; t++) {
            double tt = t, r, st, pt;
            ck_assert_cxm_ok(cxm_model_retention(&r, 1, m, &tt));
            ck_assert_double_eq_tol(r, (b + t - 1) / (a + b + t - 1), 1e-15);
            ck_assert_cxm_ok(cxm_model_churn_probability(&pt, 1, m, &tt));
            ck_assert_msg(fabs(pt - s * (1 - r)) <= 1e-12 * s, "P(T=%d)", t);
            s *= r;
            ck_assert_cxm_ok(cxm_model_survival(&st, 1, m, &tt));
            ck_assert_msg(fabs(st - s) <= 1e-12 * s, "S(%d) %.17g vs %.17g", t, st, s);
        }
        for (size_t j = 0; j < sizeof ds / sizeof ds[0]; j++) {
            double d = ds[j], z = 1 / (1 + d);
            /* DEL = Σ_{t>=0} S(t) z^t, summed until the terms vanish. */
            double sum = 0, st = 1, zt = 1;
            for (int t = 0; t < 100000 && st * zt > 1e-18 * sum; t++) {
                sum += st * zt;
                st *= (b + t) / (a + b + t);
                zt *= z;
            }
            double del;
            ck_assert_cxm_ok(cxm_model_del(&del, m, d));
            ck_assert_msg(fabs(del - sum) <= 1e-12 * sum, "DEL(%g, %g; d=%g) %.15g vs %.15g", a,
                          b, d, del, sum);
            /* DERL after n−1 renewals: Σ_{t>=n} S(t)/S(n−1) z^(t−n). */
            static const double renewals[] = { 0, 1, 4, 30 };
            double derl[4], value[4];
            ck_assert_cxm_ok(cxm_model_derl(derl, 4, m, d, renewals));
            ck_assert_cxm_ok(cxm_model_subscription_value(value, 4, m, 25.0, d, renewals));
            for (int q = 0; q < 4; q++) {
                int n = (int)renewals[q] + 1;
                double ratio = 1, acc = 0, zk = 1;
                /* S(n)/S(n−1) = r_n, then S(t+1)/S(t) = r_(t+1) */
                ratio = (b + n - 1) / (a + b + n - 1);
                for (int t = n; t < 200000 && ratio * zk > 1e-18 * acc; t++) {
                    acc += ratio * zk;
                    ratio *= (b + t) / (a + b + t);
                    zk *= z;
                }
                ck_assert_msg(fabs(derl[q] - acc) <= 1e-12 * acc, "DERL(%g,%g; d=%g, n=%d)", a,
                              b, d, n);
                ck_assert_double_eq_tol(value[q], 25.0 * derl[q], 1e-12 * value[q]);
            }
            /* DEL = 1 + z·DERL(0 renewals): the first payment is now. */
            ck_assert_double_eq_tol(del, 1 + z * derl[0], 1e-13 * del);
        }
        /* Without discounting: (α+β−1)/(α−1) when α > 1, infinite otherwise. */
        double del0;
        if (a > 1) {
            ck_assert_cxm_ok(cxm_model_del(&del0, m, 0.0));
            ck_assert_double_eq_tol(del0, (a + b - 1) / (a - 1), 1e-13 * del0);
        } else {
            ck_assert_cxm_fails(cxm_model_del(&del0, m, 0.0), CXM_EDOMAIN, "infinite");
        }
        cxm_model_free(m);
    }
}
END_TEST

START_TEST(errors_name_the_problem)
{
    cxm_model *m = NULL, *bg = NULL;
    double out, t = 1;
    ck_assert_cxm_ok(cxm_model_create(&m, CXM_MODEL_SBG));
    ck_assert_cxm_fails(cxm_model_survival(&out, 1, m, &t), CXM_ESTATE, "no parameters");
    ck_assert_cxm_fails(cxm_model_fit_survivors(m, regular, 1, NULL), CXM_EINVAL, "at least 2");
    double grows[3] = { 100, 80, 90 }, negative[3] = { 100, -1, 0 }, flat[3] = { 100, 100, 100 };
    ck_assert_cxm_fails(cxm_model_fit_survivors(m, grows, 3, NULL), CXM_EINVAL, "element 2");
    ck_assert_cxm_fails(cxm_model_fit_survivors(m, negative, 3, NULL), CXM_EINVAL, "element 1");
    ck_assert_cxm_fails(cxm_model_fit_survivors(m, flat, 3, NULL), CXM_EINVAL, "no customer cancelled");
    ck_assert_cxm_fails(cxm_model_fit_survivors(m, NULL, 3, NULL), CXM_EINVAL, "survivors");
    double periods[2] = { 0, 2 }, active[2] = { 0, 1 }, half[2] = { 1, 0.5 };
    ck_assert_cxm_fails(cxm_model_fit_durations(m, 2, periods, active, NULL, NULL), CXM_EINVAL,
                        "at least 1 period");
    periods[0] = 1.5;
    ck_assert_cxm_fails(cxm_model_fit_durations(m, 2, periods, active, NULL, NULL), CXM_EINVAL,
                        "whole number");
    periods[0] = 1;
    ck_assert_cxm_fails(cxm_model_fit_durations(m, 2, periods, half, NULL, NULL), CXM_EINVAL,
                        "active 0.5");
    ck_assert_int_eq(cxm_model_get_state(m), CXM_MODEL_EMPTY);
    double p[2] = { 0.7, 1.2 };
    ck_assert_cxm_ok(cxm_model_set_params(m, p, 2));
    double zero = 0, frac = 2.5, neg = -1;
    ck_assert_cxm_fails(cxm_model_retention(&out, 1, m, &zero), CXM_EINVAL, ">= 1");
    ck_assert_cxm_fails(cxm_model_churn_probability(&out, 1, m, &frac), CXM_EINVAL, "whole");
    ck_assert_cxm_fails(cxm_model_survival(&out, 1, m, &neg), CXM_EINVAL, "element 0");
    ck_assert_cxm_fails(cxm_model_del(&out, m, -0.1), CXM_EINVAL, "discount");
    ck_assert_cxm_fails(cxm_model_derl(&out, 1, m, 0.1, &frac), CXM_EINVAL, "renewals");
    ck_assert_cxm_fails(cxm_model_subscription_value(&out, 1, m, NAN, 0.1, &zero), CXM_EINVAL,
                        "margin");
    /* sBG functions refuse other models, and purchase predictions refuse sBG. */
    ck_assert_cxm_ok(cxm_model_create(&bg, CXM_MODEL_BGNBD));
    ck_assert_cxm_fails(cxm_model_fit_survivors(bg, regular, 8, NULL), CXM_EUNSUPPORTED, "sBG");
    double x = 0;
    ck_assert_cxm_fails(cxm_model_p_alive(&out, 1, m, &x, &x, &x), CXM_EUNSUPPORTED, "sBG");
    cxm_model_free(bg);
    cxm_model_free(m);
}
END_TEST

START_TEST(json_round_trip_keeps_the_fit)
{
    cxm_model *m = fit_survivors(high_end, 8), *back = NULL;
    char *json = NULL;
    ck_assert_cxm_ok(cxm_model_to_json(&json, m));
    ck_assert_ptr_nonnull(strstr(json, "sbg"));
    ck_assert_cxm_ok(cxm_model_from_json(&back, json));
    double a[2], b[2], se_a[2], se_b[2];
    ck_assert_cxm_ok(cxm_model_params(a, 2, m));
    ck_assert_cxm_ok(cxm_model_params(b, 2, back));
    ck_assert_cxm_ok(cxm_model_standard_errors(se_a, 2, m));
    ck_assert_cxm_ok(cxm_model_standard_errors(se_b, 2, back));
    for (int i = 0; i < 2; i++) {
        ck_assert_double_eq(a[i], b[i]);
        ck_assert_double_eq_tol(se_a[i], se_b[i], 1e-12 * se_a[i]);
    }
    cxm_free(json);
    cxm_model_free(back);
    cxm_model_free(m);
}
END_TEST

START_TEST(numerical_grid)
{
    /* alpha, beta 1e-4..1e4, tenures to 10^4, discount rates 1e-4..10: every value
     * finite, probabilities in [0, 1], survival decreasing, DEL >= 1. */
    static const double values[] = { 1e-4, 1e-2, 1, 1e2, 1e4 };
    static const double ts[] = { 1, 2, 10, 1e3, 1e4 };
    static const double ds[] = { 1e-4, 0.1, 10 };
    static const double renewals[] = { 0, 1, 100, 1e4 };
    cxm_model *m = NULL;
    ck_assert_cxm_ok(cxm_model_create(&m, CXM_MODEL_SBG));
    for (int i = 0; i < 25; i++) {
        double p[2] = { values[i % 5], values[i / 5] };
        ck_assert_cxm_ok(cxm_model_set_params(m, p, 2));
        double s[5], r[5], c[5];
        ck_assert_cxm_ok(cxm_model_survival(s, 5, m, ts));
        ck_assert_cxm_ok(cxm_model_retention(r, 5, m, ts));
        ck_assert_cxm_ok(cxm_model_churn_probability(c, 5, m, ts));
        for (int k = 0; k < 5; k++) {
            ck_assert_msg(s[k] >= 0 && s[k] <= 1 && (k == 0 || s[k] <= s[k - 1]),
                          "(%g, %g) S(%g) %g", p[0], p[1], ts[k], s[k]);
            ck_assert(r[k] >= 0 && r[k] <= 1 && c[k] >= 0 && c[k] <= 1);
        }
        for (int j = 0; j < 3; j++) {
            double del, derl[4];
            ck_assert_cxm_ok(cxm_model_del(&del, m, ds[j]));
            ck_assert_msg(isfinite(del) && del >= 1, "(%g, %g) DEL(%g) %g", p[0], p[1], ds[j], del);
            ck_assert_cxm_ok(cxm_model_derl(derl, 4, m, ds[j], renewals));
            for (int k = 0; k < 4; k++)
                ck_assert_msg(isfinite(derl[k]) && derl[k] >= 0, "(%g, %g) DERL(%g, %g) %g", p[0],
                              p[1], ds[j], renewals[k], derl[k]);
        }
        double cols[4] = { 1e4, 3, 1, 0 }, ll; /* (periods, active) rows: 1e4 censored, 3 cancelled */
        double rows[4] = { cols[0], cols[1], cols[2], cols[3] };
        ck_assert_cxm_ok(cxm_model_log_likelihood_of(&ll, m, 2, rows, NULL));
        ck_assert_msg(isfinite(ll) && ll <= 0, "(%g, %g) ln L %g", p[0], p[1], ll);
    }
    cxm_model_free(m);
}
END_TEST

/* Periods up to the largest double, renewals up to 2^53, discount rates from
 * 1e-300 to the largest double, alpha and beta at the corners of [1e-10,
 * 1e10]: every call within the time limit; S(t) in [0, 1] and non-increasing,
 * retention and churn probabilities in [0, 1], 1 <= DEL <= (1+d)/d, 0 <= DERL
 * <= (1+d)/d, non-increasing in d and non-decreasing in the renewals; or an
 * error with a message (an undiscounted sum that diverges, a value beyond a
 * double). */
START_TEST(extreme_arguments)
{
    static const double values[] = { 1e-10, 1e-3, 0.704, 1, 1.182, 1e3, 1e10 };
    static const double discounts[] = { 0, 1e-300, 1e-100, 1e-12, 0.1, 1e12, 1e300, DBL_MAX };
    cxm_model *m = NULL;
    ck_assert_cxm_ok(cxm_model_create(&m, CXM_MODEL_SBG));
    long checked = 0;
    for (size_t i = 0; i < EXTREME_COUNT(values) * EXTREME_COUNT(values); i++) {
        double p[2] = { values[i % EXTREME_COUNT(values)], values[i / EXTREME_COUNT(values)] };
        ck_assert_cxm_ok(cxm_model_set_params(m, p, 2));
        int status;
        double v, last = 1;
        for (size_t q = 0; q < EXTREME_COUNT(extreme_times); q++) {
            double t = extreme_times[q];
            EXTREME_CALL(status, cxm_model_survival(&v, 1, m, &t), "S(%g)", t);
            if (EXTREME_CHECK(status, v, 0, last, "(%g, %g) S(%g)", p[0], p[1], t))
                last = v;
            if (t >= 1) {
                EXTREME_CALL(status, cxm_model_retention(&v, 1, m, &t), "r(%g)", t);
                EXTREME_CHECK(status, v, 0, 1, "(%g, %g) r(%g)", p[0], p[1], t);
            }
        }
        for (size_t q = 1; q < EXTREME_COUNT(extreme_counts); q++) {
            double t = extreme_counts[q];
            EXTREME_CALL(status, cxm_model_churn_probability(&v, 1, m, &t), "P(T = %g)", t);
            EXTREME_CHECK(status, v, 0, 1, "(%g, %g) P(T = %g)", p[0], p[1], t);
        }
        double previous[EXTREME_COUNT(extreme_counts)];
        for (size_t j = 0; j < EXTREME_COUNT(discounts); j++) {
            double d = discounts[j], bound = d > 0 ? 1 + 1 / d : DBL_MAX;
            EXTREME_CALL(status, cxm_model_del(&v, m, d), "DEL(%g)", d);
            EXTREME_CHECK(status, v, 1, bound * (1 + 1e-12), "(%g, %g) DEL(%g)", p[0], p[1], d);
            last = 0;
            for (size_t q = 0; q < EXTREME_COUNT(extreme_counts); q++) {
                double n = extreme_counts[q];
                EXTREME_CALL(status, cxm_model_derl(&v, 1, m, d, &n), "DERL(%g, %g)", d, n);
                double hi = bound * (1 + 1e-12);
                if (j > 0 && isfinite(previous[q]))
                    hi = fmin(hi, previous[q] * (1 + 1e-9));
                if (EXTREME_CHECK(status, v, last * (1 - 1e-9), hi,
                                  "(%g, %g) DERL(%g, %g renewals)", p[0], p[1], d, n)) {
                    last = v;
                    previous[q] = v;
                } else {
                    previous[q] = NAN;
                }
                checked++;
            }
        }
    }
    /* Values beyond a double are errors, never inf. */
    double p[2] = { 0.704, 1.182 }, v, zero = 0;
    ck_assert_cxm_ok(cxm_model_set_params(m, p, 2));
    ck_assert_cxm_fails(cxm_model_subscription_value(&v, 1, m, 1e308, 0.1, &zero), CXM_EDOMAIN,
                        "element 0: the value is beyond the range of a double");
    p[0] = 1e-10; /* DEL ~ 1/d: 1e320 */
    p[1] = 1;
    ck_assert_cxm_ok(cxm_model_set_params(m, p, 2));
    ck_assert_cxm_fails(cxm_model_del(&v, m, 1e-320), CXM_EDOMAIN,
                        "beyond the range of a double");
    cxm_model_free(m);
    ck_assert_int_gt(checked, 3000);
}
END_TEST

/* DEL and DERL where 1/(1+d) rounds to 1 (2F1 told 1 − z exactly) and where
 * beta + renewals rounds away alpha's digits (the quadrature over θ),
 * against tests/ref/extremes_reference.py. */
START_TEST(extreme_values_match_references)
{
    cxm_model *m = NULL;
    ck_assert_cxm_ok(cxm_model_create(&m, CXM_MODEL_SBG));
    for (size_t i = 0; i < EXTREME_COUNT(sbg_extreme); i++) {
        ck_assert_cxm_ok(cxm_model_set_params(m, sbg_extreme[i].p, 2));
        double v, d = sbg_extreme[i].arg[0], renewals = sbg_extreme[i].arg[1];
        int status;
        if (strcmp(sbg_extreme[i].what, "del") == 0)
            EXTREME_CALL(status, cxm_model_del(&v, m, d), "DEL");
        else
            EXTREME_CALL(status, cxm_model_derl(&v, 1, m, d, &renewals), "DERL");
        ck_assert_msg(status == CXM_OK, "%s: %s", sbg_extreme[i].what, cxm_error_message());
        ck_assert_msg(extreme_close(v, sbg_extreme[i].value, 1e-10),
                      "(%g, %g) %s(%g, %g) = %.17g, reference %.17g", sbg_extreme[i].p[0],
                      sbg_extreme[i].p[1], sbg_extreme[i].what, d, renewals, v,
                      sbg_extreme[i].value);
    }
    cxm_model_free(m);
}
END_TEST

static int oom_fit(void *context)
{
    (void)context;
    cxm_model *m = NULL;
    int status = cxm_model_create(&m, CXM_MODEL_SBG);
    if (status == CXM_OK)
        status = cxm_model_fit_survivors(m, regular, 8, NULL);
    cxm_model_free(m);
    return status;
}

START_TEST(out_of_memory_is_clean)
{
    chaos_run(oom_fit, NULL, "sBG fit on survivors");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sbg");
    TCase *tc = tcase_create("sbg");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, published_regular_and_high_end);
    tcase_add_test(tc, durations_with_censoring_equal_survivor_counts);
    tcase_add_test(tc, closed_forms_match_direct_sums);
    tcase_add_test(tc, errors_name_the_problem);
    tcase_add_test(tc, json_round_trip_keeps_the_fit);
    tcase_add_test(tc, numerical_grid);
    tcase_add_test(tc, out_of_memory_is_clean);
    suite_add_tcase(s, tc);
    TCase *extremes = tcase_create("extremes");
    tcase_set_timeout(extremes, 300);
    tcase_add_test(extremes, extreme_arguments);
    tcase_add_test(extremes, extreme_values_match_references);
    suite_add_tcase(s, extremes);
    return cxm_check_run(s);
}
