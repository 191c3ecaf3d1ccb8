/* Closed-form lifetime value: docs/models.md §1.1 (Gupta & Lehmann 2003), exact values. */
#include <math.h>
#include <string.h>

#include <cxm.h>

#include "extremes.h"
#include "ref/extremes_reference.h"
#include "suites.h"

#define TOL 5e-7

START_TEST(published_end_of_period_values)
{
    /* m=100, d=0.12: exact 250, 8500/27, 4500/11. */
    double v;
    ck_assert_cxm_ok(cxm_clv_retention(&v, 100, 0.80, 0.12, CXM_CASH_END));
    ck_assert_double_eq_tol(v, 250.0, 1e-9);
    ck_assert_cxm_ok(cxm_clv_retention(&v, 100, 0.85, 0.12, CXM_CASH_END));
    ck_assert_double_eq_tol(v, 8500.0 / 27.0, 1e-9);
    ck_assert_double_eq_tol(v, 314.814815, TOL);
    ck_assert_cxm_ok(cxm_clv_retention(&v, 100, 0.90, 0.12, CXM_CASH_END));
    ck_assert_double_eq_tol(v, 4500.0 / 11.0, 1e-9);
    ck_assert_double_eq_tol(v, 409.090909, TOL);
}
END_TEST

START_TEST(published_prepaid_value)
{
    double v;
    ck_assert_cxm_ok(cxm_clv_retention(&v, 100, 0.80, 0.12, CXM_CASH_START));
    ck_assert_double_eq_tol(v, 350.0, 1e-9);
}
END_TEST

START_TEST(published_elasticities)
{
    double e;
    ck_assert_cxm_ok(cxm_clv_elasticity(&e, 0.80, 0.12, CXM_CASH_END));
    ck_assert_double_eq_tol(e, 3.5, 1e-12);
    ck_assert_cxm_ok(cxm_clv_elasticity(&e, 0.85, 0.12, CXM_CASH_END));
    ck_assert_double_eq_tol(e, 4.148148, TOL);
    ck_assert_cxm_ok(cxm_clv_elasticity(&e, 0.90, 0.12, CXM_CASH_END));
    ck_assert_double_eq_tol(e, 5.090909, TOL);
}
END_TEST

START_TEST(elasticity_is_the_numerical_derivative)
{
    /* (dCLV/dr)(r/CLV) by central differences, for both timings. */
    for (int timing = CXM_CASH_END; timing <= CXM_CASH_START; timing++) {
        double r = 0.7, d = 0.1, h = 1e-6, lo, hi, mid, e;
        ck_assert_cxm_ok(cxm_clv_retention(&lo, 50, r - h, d, (cxm_cash_timing)timing));
        ck_assert_cxm_ok(cxm_clv_retention(&hi, 50, r + h, d, (cxm_cash_timing)timing));
        ck_assert_cxm_ok(cxm_clv_retention(&mid, 50, r, d, (cxm_cash_timing)timing));
        ck_assert_cxm_ok(cxm_clv_elasticity(&e, r, d, (cxm_cash_timing)timing));
        ck_assert_double_eq_tol(e, (hi - lo) / (2 * h) * r / mid, 1e-6);
    }
}
END_TEST

/* The definition, summed period by period: survival to the cash date, discounted to it. */
static double direct_sum(double m, double r, double d, long horizon, cxm_cash_timing timing)
{
    double sum = 0;
    for (long t = 1; t <= horizon; t++) {
        long exponent = timing == CXM_CASH_END ? t : t - 1;
        sum += m * pow(r, (double)exponent) / pow(1 + d, (double)exponent);
    }
    return sum;
}

START_TEST(finite_horizon_matches_direct_sum)
{
    static const double retention[] = { 0.0, 0.3, 0.8, 0.999, 1.0 };
    static const double discount[] = { 0.0, 0.05, 0.12 };
    static const size_t horizons[] = { 0, 1, 2, 5, 40 };
    for (int timing = CXM_CASH_END; timing <= CXM_CASH_START; timing++)
        for (size_t i = 0; i < 5; i++)
            for (size_t j = 0; j < 3; j++)
                for (size_t k = 0; k < 5; k++) {
                    double v;
                    ck_assert_cxm_ok(cxm_clv_horizon(&v, 100, retention[i], discount[j],
                                                     horizons[k], (cxm_cash_timing)timing));
                    double expected = direct_sum(100, retention[i], discount[j],
                                                 (long)horizons[k], (cxm_cash_timing)timing);
                    ck_assert_msg(fabs(v - expected) <= 1e-9 * (1 + fabs(expected)),
                                  "r=%g d=%g H=%zu timing=%d: %.15g vs %.15g", retention[i],
                                  discount[j], horizons[k], timing, v, expected);
                }
}
END_TEST

START_TEST(finite_horizon_tends_to_the_perpetuity)
{
    double finite, infinite;
    ck_assert_cxm_ok(cxm_clv_horizon(&finite, 100, 0.8, 0.12, 2000, CXM_CASH_END));
    ck_assert_cxm_ok(cxm_clv_retention(&infinite, 100, 0.8, 0.12, CXM_CASH_END));
    ck_assert_double_eq_tol(finite, infinite, 1e-9);
    ck_assert_cxm_ok(cxm_clv_horizon(&finite, 100, 0.8, 0.12, 2000, CXM_CASH_START));
    ck_assert_double_eq_tol(finite, 350.0, 1e-9);
}
END_TEST

START_TEST(schedule_matches_constant_and_direct_sums)
{
    double margin[6] = { 100, 100, 100, 100, 100, 100 };
    double retention[6] = { 0.8, 0.8, 0.8, 0.8, 0.8, 0.8 };
    double v, constant;
    for (int timing = CXM_CASH_END; timing <= CXM_CASH_START; timing++) {
        ck_assert_cxm_ok(cxm_clv_schedule(&v, 6, margin, retention, 0.12, (cxm_cash_timing)timing));
        ck_assert_cxm_ok(cxm_clv_horizon(&constant, 100, 0.8, 0.12, 6, (cxm_cash_timing)timing));
        ck_assert_double_eq_tol(v, constant, 1e-9);
    }
    /* Varying margins and retention: 50*0.5/1.1 + 80*0.5*0.6/1.21 + 120*0.5*0.6*0.9/1.331 */
    double m3[3] = { 50, 80, 120 }, r3[3] = { 0.5, 0.6, 0.9 };
    ck_assert_cxm_ok(cxm_clv_schedule(&v, 3, m3, r3, 0.1, CXM_CASH_END));
    ck_assert_double_eq_tol(v, 50 * 0.5 / 1.1 + 80 * 0.3 / 1.21 + 120 * 0.27 / 1.331, 1e-12);
    /* Prepaid: 50 + 80*0.5/1.1 + 120*0.3/1.21; the last retention is not used. */
    ck_assert_cxm_ok(cxm_clv_schedule(&v, 3, m3, r3, 0.1, CXM_CASH_START));
    ck_assert_double_eq_tol(v, 50 + 80 * 0.5 / 1.1 + 120 * 0.3 / 1.21, 1e-12);
    ck_assert_cxm_ok(cxm_clv_schedule(&v, 0, NULL, NULL, 0.1, CXM_CASH_END));
    ck_assert_double_eq(v, 0.0);
}
END_TEST

START_TEST(array_versions_match_scalars)
{
    double margin[4] = { 100, 100, 100, -20 }, retention[4] = { 0.8, 0.85, 0.9, 0.5 };
    double discount[4] = { 0.12, 0.12, 0.12, 0.0 }, dst[4], scalar;
    for (int timing = CXM_CASH_END; timing <= CXM_CASH_START; timing++) {
        ck_assert_cxm_ok(cxm_clv_retention_many(dst, 4, margin, retention, discount,
                                                (cxm_cash_timing)timing));
        for (int i = 0; i < 4; i++) {
            ck_assert_cxm_ok(cxm_clv_retention(&scalar, margin[i], retention[i], discount[i],
                                               (cxm_cash_timing)timing));
            ck_assert_double_eq(dst[i], scalar);
        }
        ck_assert_cxm_ok(cxm_clv_horizon_many(dst, 4, margin, retention, discount, 7,
                                              (cxm_cash_timing)timing));
        for (int i = 0; i < 4; i++) {
            ck_assert_cxm_ok(cxm_clv_horizon(&scalar, margin[i], retention[i], discount[i], 7,
                                             (cxm_cash_timing)timing));
            ck_assert_double_eq(dst[i], scalar);
        }
        ck_assert_cxm_ok(cxm_clv_elasticity_many(dst, 4, retention, discount,
                                                 (cxm_cash_timing)timing));
        for (int i = 0; i < 4; i++) {
            ck_assert_cxm_ok(cxm_clv_elasticity(&scalar, retention[i], discount[i],
                                                (cxm_cash_timing)timing));
            ck_assert_double_eq(dst[i], scalar);
        }
    }
    ck_assert_cxm_ok(cxm_clv_retention_many(NULL, 0, NULL, NULL, NULL, CXM_CASH_END));
}
END_TEST

START_TEST(customer_equity_of_cohorts)
{
    double size[3] = { 1000, 1200, 1400 }, clv[3] = { 250, 250, 300 }, cost[3] = { 120, 100, 90 };
    double equity;
    ck_assert_cxm_ok(cxm_customer_equity(&equity, 3, size, clv, cost, 0.0));
    ck_assert_double_eq_tol(equity, 1000 * 130 + 1200 * 150 + 1400 * 210, 1e-9);
    ck_assert_cxm_ok(cxm_customer_equity(&equity, 3, size, clv, NULL, 0.0));
    ck_assert_double_eq_tol(equity, 1000 * 250 + 1200 * 250 + 1400 * 300, 1e-9);
    ck_assert_cxm_ok(cxm_customer_equity(&equity, 3, size, clv, cost, 0.1));
    ck_assert_double_eq_tol(equity, 1000 * 130 + 1200 * 150 / 1.1 + 1400 * 210 / 1.21, 1e-9);
    ck_assert_cxm_ok(cxm_customer_equity(&equity, 0, NULL, NULL, NULL, 0.0));
    ck_assert_double_eq(equity, 0.0);
}
END_TEST

START_TEST(bad_arguments_are_named)
{
    double v, nan_value = NAN;
    ck_assert_cxm_fails(cxm_clv_retention(&v, 100, 1.5, 0.12, CXM_CASH_END), CXM_EINVAL,
                        "retention 1.5 is outside [0, 1]");
    ck_assert_cxm_fails(cxm_clv_retention(&v, 100, -0.1, 0.12, CXM_CASH_END), CXM_EINVAL,
                        "retention -0.1 is outside [0, 1]");
    ck_assert_cxm_fails(cxm_clv_retention(&v, 100, nan_value, 0.12, CXM_CASH_END), CXM_EINVAL,
                        "retention");
    ck_assert_cxm_fails(cxm_clv_retention(&v, 100, 0.8, -0.05, CXM_CASH_END), CXM_EINVAL,
                        "discount -0.05 must not be negative");
    ck_assert_cxm_fails(cxm_clv_retention(&v, 100, 0.8, INFINITY, CXM_CASH_END), CXM_EINVAL,
                        "discount must be a finite number");
    ck_assert_cxm_fails(cxm_clv_retention(&v, INFINITY, 0.8, 0.1, CXM_CASH_END), CXM_EINVAL,
                        "margin must be a finite number");
    ck_assert_cxm_fails(cxm_clv_retention(&v, 100, 0.8, 0.1, (cxm_cash_timing)7), CXM_EINVAL,
                        "timing 7");
    ck_assert_cxm_fails(cxm_clv_retention(NULL, 100, 0.8, 0.1, CXM_CASH_END), CXM_EINVAL,
                        "out must not be NULL");
    ck_assert_cxm_fails(cxm_clv_elasticity(&v, 1.5, 0.1, CXM_CASH_END), CXM_EINVAL,
                        "retention 1.5");
    ck_assert_cxm_fails(cxm_clv_horizon(&v, 100, 0.8, -1, 3, CXM_CASH_END), CXM_EINVAL,
                        "discount -1");
}
END_TEST

START_TEST(infinite_value_is_a_domain_error)
{
    double v = 12345;
    ck_assert_cxm_fails(cxm_clv_retention(&v, 100, 1.0, 0.0, CXM_CASH_END), CXM_EDOMAIN,
                        "infinite");
    ck_assert_double_eq(v, 12345); /* nothing written on failure */
    ck_assert_cxm_fails(cxm_clv_elasticity(&v, 1.0, 0.0, CXM_CASH_START), CXM_EDOMAIN,
                        "infinite");
    /* The finite horizon is well defined there: H margins. */
    ck_assert_cxm_ok(cxm_clv_horizon(&v, 100, 1.0, 0.0, 4, CXM_CASH_END));
    ck_assert_double_eq_tol(v, 400, 1e-12);
}
END_TEST

START_TEST(array_errors_name_the_element)
{
    double margin[3] = { 100, 100, 100 }, retention[3] = { 0.8, 0.9, 1.2 };
    double discount[3] = { 0.1, 0.1, 0.1 }, dst[3];
    ck_assert_cxm_fails(cxm_clv_retention_many(dst, 3, margin, retention, discount, CXM_CASH_END),
                        CXM_EINVAL, "element 2: retention 1.2 is outside [0, 1]");
    ck_assert_cxm_fails(cxm_clv_elasticity_many(dst, 3, retention, discount, CXM_CASH_END),
                        CXM_EINVAL, "element 2: retention 1.2");
    ck_assert_cxm_fails(cxm_clv_horizon_many(dst, 3, margin, retention, discount, 2, CXM_CASH_END),
                        CXM_EINVAL, "element 2: retention 1.2");
    ck_assert_cxm_fails(cxm_clv_retention_many(dst, 3, NULL, retention, discount, CXM_CASH_END),
                        CXM_EINVAL, "margin must not be NULL");
    ck_assert_cxm_fails(cxm_clv_schedule(dst, 3, margin, retention, 0.1, CXM_CASH_END), CXM_EINVAL,
                        "period 3: retention 1.2");
    double size[2] = { 10, -1 }, clv[2] = { 1, 2 };
    ck_assert_cxm_fails(cxm_customer_equity(dst, 2, size, clv, NULL, 0), CXM_EINVAL,
                        "cohort 1: size -1 must not be negative");
}
END_TEST

/* Margins up to ±1e308, retention 0..1, discounts from 0 to the largest
 * double, horizons up to SIZE_MAX: every call within the time limit, every
 * value finite (of the margin's sign, non-decreasing in the horizon for a
 * positive margin, at most the perpetuity) or a domain error, never inf. */
START_TEST(extreme_arguments)
{
    static const double margins[] = { -1e308, -1, 1e-300, 100, 1e308 };
    static const double retentions[] = { 0, 1e-300, 0.5, 1 - 1e-16, 1 };
    static const double discounts[] = { 0, 1e-320, 1e-300, 1e-12, 0.1, 1e300, DBL_MAX };
    static const size_t horizons[] = { 0, 1, 12, 1000000000, (size_t)1e12, SIZE_MAX };
    int status;
    double v, e;
    for (size_t a = 0; a < EXTREME_COUNT(margins); a++)
        for (size_t b = 0; b < EXTREME_COUNT(retentions); b++)
            for (size_t c = 0; c < EXTREME_COUNT(discounts); c++)
                for (int timing = CXM_CASH_END; timing <= CXM_CASH_START; timing++) {
                    double m = margins[a], r = retentions[b], d = discounts[c], perpetuity = NAN;
                    double lo = m < 0 ? -DBL_MAX : 0, hi = m < 0 ? 0 : DBL_MAX;
                    EXTREME_CALL(status, cxm_clv_retention(&v, m, r, d, (cxm_cash_timing)timing),
                                 "CLV(%g, %g, %g)", m, r, d);
                    if (EXTREME_CHECK(status, v, lo, hi, "CLV(%g, %g, %g, %d)", m, r, d, timing))
                        perpetuity = v;
                    EXTREME_CALL(status, cxm_clv_elasticity(&e, r, d, (cxm_cash_timing)timing),
                                 "elasticity");
                    EXTREME_CHECK(status, e, 0, DBL_MAX, "elasticity(%g, %g, %d)", r, d, timing);
                    double last = 0;
                    for (size_t h = 0; h < EXTREME_COUNT(horizons); h++) {
                        EXTREME_CALL(status, cxm_clv_horizon(&v, m, r, d, horizons[h],
                                                             (cxm_cash_timing)timing),
                                     "CLV(%g, %g, %g, H = %zu)", m, r, d, horizons[h]);
                        if (!EXTREME_CHECK(status, v, lo, hi, "CLV(%g, %g, %g, H = %zu, %d)", m, r,
                                           d, horizons[h], timing))
                            continue;
                        if (m > 0) {
                            ck_assert_msg(v >= last * (1 - 1e-12) &&
                                              (isnan(perpetuity) || v <= perpetuity * (1 + 1e-12)),
                                          "CLV(%g, %g, %g, H = %zu) = %.17g after %.17g, "
                                          "perpetuity %.17g",
                                          m, r, d, horizons[h], v, last, perpetuity);
                            last = v;
                        }
                    }
                }
    /* Sums over given arrays and cohorts that overflow are errors too. */
    double big[2] = { 1e308, 1e308 }, ones[2] = { 1, 1 };
    ck_assert_cxm_fails(cxm_clv_schedule(&v, 2, big, ones, 0, CXM_CASH_START), CXM_EDOMAIN,
                        "beyond the range of a double");
    ck_assert_cxm_fails(cxm_customer_equity(&v, 2, big, big, NULL, 0), CXM_EDOMAIN,
                        "customer equity is beyond the range of a double");
    ck_assert_cxm_fails(cxm_clv_retention(&v, 1e308, 0.9, 0, CXM_CASH_END), CXM_EDOMAIN,
                        "lifetime value is beyond the range of a double");
    /* 1 + d alone overflowing the margin's product is not an overflow of the value. */
    ck_assert_cxm_ok(cxm_clv_retention(&v, 10, 1, DBL_MAX, CXM_CASH_START));
    ck_assert_double_eq_tol(v, 10, 1e-12);
}
END_TEST

/* Horizons of up to 2^64 periods at a discount of 1e-300 (ln q from ln r and
 * ln(1 + d), where 1 + d rounds to 1) against tests/ref/extremes_reference.py. */
START_TEST(extreme_horizons_match_references)
{
    for (size_t i = 0; i < EXTREME_COUNT(horizon_extreme); i++) {
        double v, H = horizon_extreme[i].horizon;
        size_t horizon = H >= 1.8e19 ? SIZE_MAX : (size_t)H;
        ck_assert_cxm_ok(cxm_clv_horizon(&v, horizon_extreme[i].margin, horizon_extreme[i].retention,
                                         horizon_extreme[i].discount, horizon,
                                         horizon_extreme[i].prepaid ? CXM_CASH_START : CXM_CASH_END));
        ck_assert_msg(extreme_close(v, horizon_extreme[i].value, 1e-12),
                      "row %zu: %.17g, reference %.17g", i, v, horizon_extreme[i].value);
    }
}
END_TEST

Suite *clv_suite(void)
{
    Suite *s = suite_create("clv closed forms");
    TCase *tc = tcase_create("clv");
    tcase_add_test(tc, published_end_of_period_values);
    tcase_add_test(tc, published_prepaid_value);
    tcase_add_test(tc, published_elasticities);
    tcase_add_test(tc, elasticity_is_the_numerical_derivative);
    tcase_add_test(tc, finite_horizon_matches_direct_sum);
    tcase_add_test(tc, finite_horizon_tends_to_the_perpetuity);
    tcase_add_test(tc, schedule_matches_constant_and_direct_sums);
    tcase_add_test(tc, array_versions_match_scalars);
    tcase_add_test(tc, customer_equity_of_cohorts);
    tcase_add_test(tc, bad_arguments_are_named);
    tcase_add_test(tc, infinite_value_is_a_domain_error);
    tcase_add_test(tc, array_errors_name_the_element);
    tcase_add_test(tc, extreme_arguments);
    tcase_add_test(tc, extreme_horizons_match_references);
    suite_add_tcase(s, tc);
    return s;
}
