/* Closed-form lifetime value: docs/models.md §1.1 (Gupta & Lehmann 2003), exact values. */
#include <math.h>
#include <string.h>

#include <cxm.h>

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
    suite_add_tcase(s, tc);
    return s;
}
