/* The emotion chain through the public API (docs/models.md §2.5, §3.1–§3.4):
 * peak-end, NPS, CSAT, CES, SERVQUAL, Kano, the chain primitives, the value
 * link, PLS path models and survey files. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cxm.h>

#include "chaos.h"
#include "check_run.h"

/* Assert a status, showing the library's message when it is not CXM_OK. */
#define ck_ok(expr)                                                                            \
    do {                                                                                       \
        int status_ = (expr);                                                                  \
        ck_assert_msg(status_ == CXM_OK, "%s returned %d: %s", #expr, status_,                 \
                      cxm_error_message());                                                    \
    } while (0)
#define ck_fails(expr, expected, text)                                                         \
    do {                                                                                       \
        int status_ = (expr);                                                                  \
        ck_assert_msg(status_ == (expected), "%s returned %d, expected %d (%s)", #expr,         \
                      status_, (expected), cxm_error_message());                               \
        ck_assert_msg(strstr(cxm_error_message(), (text)) != NULL, "message '%s' lacks '%s'",   \
                      cxm_error_message(), (text));                                            \
    } while (0)
#define ck_near(value, expected, tolerance)                                                    \
    ck_assert_msg(fabs((value) - (expected)) <= (tolerance), "%s = %.12g, expected %.12g",      \
                  #value, (double)(value), (double)(expected))

START_TEST(peak_end_published_cases)
{
    double v;
    const double colonoscopy_short[] = { 2, 4, 6, 7, 8, 8 };
    const double colonoscopy_long[] = { 2, 4, 6, 7, 8, 8, 7.5, 7, 6.5 };
    const double valences[] = { +1, -3, +2, +4, +1 };
    ck_assert_int_eq(cxm_peak_end(&v, 6, colonoscopy_short), CXM_OK);
    ck_assert_double_eq(v, 8.0);
    ck_assert_int_eq(cxm_peak_end(&v, 9, colonoscopy_long), CXM_OK);
    ck_assert_double_eq(v, 7.25);
    ck_assert_int_eq(cxm_peak_end(&v, 5, valences), CXM_OK);
    ck_assert_double_eq(v, 2.5);
}
END_TEST

START_TEST(peak_keeps_its_sign_and_the_first_tie_counts)
{
    double v;
    const double bad_peak[] = { 1, -5, 2 }, tie[] = { 3, -3, 0 };
    ck_assert_int_eq(cxm_peak_end(&v, 3, bad_peak), CXM_OK);
    ck_assert_double_eq(v, -1.5);
    ck_assert_int_eq(cxm_peak_end(&v, 3, tie), CXM_OK);
    ck_assert_double_eq(v, 1.5);
    const double single[] = { -2 };
    ck_assert_int_eq(cxm_peak_end(&v, 1, single), CXM_OK);
    ck_assert_double_eq(v, -2);
}
END_TEST

START_TEST(peak_end_many_matches_single)
{
    const double values[] = { 2, 4, 6, 7, 8, 8, 1, -3, 2, 4, 1 };
    const size_t offsets[] = { 0, 6, 11 };
    double dst[2];
    ck_assert_int_eq(cxm_peak_end_many(dst, 2, offsets, values), CXM_OK);
    ck_assert_double_eq(dst[0], 8.0);
    ck_assert_double_eq(dst[1], 2.5);
}
END_TEST

START_TEST(peak_end_errors)
{
    double v, values[3] = { 1, NAN, 2 }, dst[2];
    ck_assert_int_eq(cxm_peak_end(&v, 0, values), CXM_EINVAL);
    ck_assert_str_eq(cxm_error_message(), "an experience needs at least one moment");
    ck_assert_int_eq(cxm_peak_end(&v, 3, values), CXM_EINVAL);
    ck_assert_str_eq(cxm_error_message(), "moment 1: moment must be a finite number, got nan");
    const size_t empty_second[] = { 0, 1, 1 };
    ck_assert_int_eq(cxm_peak_end_many(dst, 2, empty_second, values), CXM_EINVAL);
    ck_assert_str_eq(cxm_error_message(), "experience 1: an experience needs at least one moment");
    const size_t decreasing[] = { 0, 1, 0 };
    ck_assert_int_eq(cxm_peak_end_many(dst, 2, decreasing, values), CXM_EINVAL);
    ck_assert_ptr_nonnull(strstr(cxm_error_message(), "offsets decrease"));
}
END_TEST

/* ------------------------------------------------------------------ NPS (docs/models.md §3.2) */

START_TEST(nps_published_cases)
{
    cxm_nps_estimate e;
    ck_ok(cxm_nps_from_counts(&e, 50, 30, 20, 0.95));
    ck_near(e.nps, 30.0, 1e-12);
    ck_near(e.std_error, 7.8102, 5e-5);
    ck_near(e.wald_lower, 14.692, 5e-4);
    ck_near(e.wald_upper, 45.308, 5e-4);
    ck_near(e.adjusted_lower, 14.051, 5e-4);
    ck_near(e.adjusted_upper, 44.201, 5e-4);
    ck_assert_double_eq(e.respondents, 100);
    /* Exact: SE² = (0.5 + 0.2 − 0.09)/100 = 0.0061. */
    ck_near(e.std_error, 100 * sqrt(0.0061), 1e-12);

    ck_ok(cxm_nps_from_counts(&e, 291, 476, 395, 0.95));
    ck_near(e.nps, -8.950, 5e-4);
    ck_near(e.std_error, 2.2387, 5e-5);

    ck_ok(cxm_nps_from_counts(&e, 5, 3, 2, 0.95));
    ck_near(e.wald_lower, -18.41, 5e-3);
    ck_near(e.wald_upper, 78.41, 5e-3);
    ck_near(e.adjusted_lower, -19.05, 5e-3);
    ck_near(e.adjusted_upper, 65.20, 5e-3);
    /* Exact centre of the adjusted interval: (5.75 − 2.75)/13. */
    ck_near(e.adjusted, 300.0 / 13.0, 1e-12);
}
END_TEST

START_TEST(nps_from_scores_classifies_and_skips_missing)
{
    /* 9, 10 promoters; 7, 8, 8.5 passives; 0, 6 detractors; NaN missing. */
    const double scores[] = { 9, 10, 7, 8, 8.5, 0, 6, NAN };
    cxm_nps_estimate e;
    ck_ok(cxm_nps_from_scores(&e, 8, scores, 0.9));
    ck_assert_double_eq(e.promoters, 2);
    ck_assert_double_eq(e.passives, 3);
    ck_assert_double_eq(e.detractors, 2);
    ck_assert_double_eq(e.respondents, 7);
    ck_near(e.nps, 0.0, 1e-12);
    ck_assert_double_eq(e.level, 0.9);
    /* All promoters: a zero standard error, and intervals clipped at 100. */
    const double all[] = { 10, 10, 9 };
    ck_ok(cxm_nps_from_scores(&e, 3, all, 0.95));
    ck_assert_double_eq(e.nps, 100);
    ck_assert_double_eq(e.std_error, 0);
    ck_assert(e.adjusted_upper <= 100 && e.wald_upper == 100);
}
END_TEST

START_TEST(nps_compare_matches_hand_computation)
{
    cxm_nps_estimate a, b;
    cxm_nps_comparison c;
    ck_ok(cxm_nps_from_counts(&a, 50, 30, 20, 0.95));
    ck_ok(cxm_nps_from_counts(&b, 291, 476, 395, 0.95));
    ck_ok(cxm_nps_compare(&c, &a, &b, 0.95));
    ck_near(c.difference, 30 - (291.0 - 395.0) / 1162.0 * 100, 1e-10);
    ck_near(c.std_error, hypot(a.std_error, b.std_error), 1e-12);
    ck_near(c.adjusted, a.adjusted - b.adjusted, 1e-12);
    ck_near(c.adjusted_std_error, hypot(a.adjusted_std_error, b.adjusted_std_error), 1e-12);
    ck_near(c.wald_upper - c.wald_lower, 2 * 1.959963984540054 * c.std_error, 1e-9);
    ck_near(c.z, c.adjusted / c.adjusted_std_error, 1e-12);
    /* z ≈ 4.79: p ≈ 1.6e-6 (normal tail). */
    ck_assert(c.p_value > 0 && c.p_value < 1e-5);
    /* A sample against itself: no difference, p = 1. */
    ck_ok(cxm_nps_compare(&c, &a, &a, 0.95));
    ck_assert_double_eq(c.difference, 0);
    ck_near(c.p_value, 1.0, 1e-15);
}
END_TEST

START_TEST(nps_errors)
{
    cxm_nps_estimate e;
    cxm_nps_comparison c;
    const double bad[] = { 3, 11 }, missing[] = { NAN, NAN };
    ck_fails(cxm_nps_from_counts(&e, 0, 0, 0, 0.95), CXM_EINVAL, "at least one respondent");
    ck_fails(cxm_nps_from_counts(&e, -1, 0, 3, 0.95), CXM_EINVAL, "promoters -1 must not be negative");
    ck_fails(cxm_nps_from_counts(&e, 1, 0, 3, 1.0), CXM_EINVAL, "confidence level 1 is outside (0, 1)");
    ck_fails(cxm_nps_from_scores(&e, 2, bad, 0.95), CXM_EINVAL, "element 1: score 11 is outside");
    ck_fails(cxm_nps_from_scores(&e, 2, missing, 0.95), CXM_EDOMAIN, "every score is missing");
    ck_fails(cxm_nps_from_scores(&e, 0, NULL, 0.95), CXM_EDOMAIN, "at least one score");
    ck_fails(cxm_nps_from_scores(NULL, 2, bad, 0.95), CXM_EINVAL, "out must not be NULL");
    ck_ok(cxm_nps_from_counts(&e, 1, 2, 3, 0.95));
    cxm_nps_estimate forged = e;
    forged.respondents = 100;
    ck_fails(cxm_nps_compare(&c, &e, &forged, 0.95), CXM_EINVAL, "b is not an NPS estimate");
    ck_fails(cxm_nps_compare(&c, NULL, &e, 0.95), CXM_EINVAL, "a must not be NULL");
}
END_TEST

/* ------------------------------------------------------------------ CSAT and CES */

START_TEST(csat_and_ces)
{
    const double scores[] = { 5, 4, 3, 5, 1, NAN, 4, 2, 5, 4 };
    cxm_csat_estimate s;
    ck_ok(cxm_csat_from_scores(&s, 10, scores, 1, 5, 4, 0.95));
    ck_assert_double_eq(s.respondents, 9);
    ck_assert_double_eq(s.satisfied, 6);
    ck_near(s.csat, 200.0 / 3.0, 1e-12);
    ck_near(s.std_error, 100 * sqrt((2.0 / 3) * (1.0 / 3) / 9), 1e-12);
    /* Wilson 95% for 6/9: centre (p + z²/2n)/(1 + z²/n). */
    double z = 1.959963984540054, n = 9, p = 6.0 / 9;
    double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
    double half = z / (1 + z * z / n) * sqrt(p * (1 - p) / n + z * z / (4 * n * n));
    ck_near(s.lower, 100 * (centre - half), 1e-9);
    ck_near(s.upper, 100 * (centre + half), 1e-9);

    cxm_ces_estimate c;
    const double effort[] = { 2, 3, 4, NAN, 3 };
    ck_ok(cxm_ces_from_scores(&c, 5, effort, 1, 7, 0.95));
    ck_assert_double_eq(c.respondents, 4);
    ck_near(c.mean, 3.0, 1e-15);
    ck_near(c.std_dev, sqrt(2.0 / 3.0), 1e-15);
    /* t(0.975, 3) = 3.182446305284263. */
    ck_near(c.upper - c.mean, 3.182446305284263 * sqrt(2.0 / 3.0) / 2, 1e-9);

    ck_fails(cxm_csat_from_scores(&s, 10, scores, 1, 5, 6, 0.95), CXM_EINVAL, "satisfied_from 6");
    ck_fails(cxm_csat_from_scores(&s, 10, scores, 1, 4, 4, 0.95), CXM_EINVAL,
             "element 0: answer 5 is outside the scale [1, 4]");
    ck_fails(cxm_csat_from_scores(&s, 10, scores, 5, 1, 4, 0.95), CXM_EINVAL, "scale_max 1");
    ck_fails(cxm_ces_from_scores(&c, 1, effort, 1, 7, 0.95), CXM_EDOMAIN, "at least two answers");
}
END_TEST

/* ------------------------------------------------------------------ SERVQUAL */

/* docs/models.md §3.2: E = 6 everywhere but reliability (items 5-9) 7; P = 5
 * everywhere but tangibles (1-4) 6 and responsiveness (10-13) 4. */
static void servqual_example(double *e, double *p)
{
    for (int i = 0; i < 22; i++) {
        e[i] = (i >= 4 && i <= 8) ? 7 : 6;
        p[i] = i <= 3 ? 6 : (i >= 9 && i <= 12) ? 4 : 5;
    }
}

START_TEST(servqual_published_case)
{
    double e[22], p[22], dims[5], items[22], unweighted, weighted;
    const double w[5] = { 11, 32, 22, 19, 16 };
    servqual_example(e, p);
    cxm_servqual_scores s;
    ck_ok(cxm_servqual_summary(&s, items, dims, 1, 22, e, p, 5, NULL, 1, w));
    const double expected[5] = { 0, -2, -2, -1, -1 };
    for (int d = 0; d < 5; d++)
        ck_assert_double_eq(dims[d], expected[d]);
    ck_near(s.unweighted, -1.2, 1e-15);
    ck_near(s.item_mean, -27.0 / 22.0, 1e-15);
    ck_near(s.weighted, -1.43, 1e-15);
    ck_assert_double_eq(s.respondents, 1);
    ck_assert_double_eq(items[0], 0);
    ck_assert_double_eq(items[4], -2);
    ck_ok(cxm_servqual_respondents(dims, &unweighted, &weighted, 1, 22, e, p, 5, NULL, 1, w));
    ck_near(unweighted, -1.2, 1e-15);
    ck_near(weighted, -1.43, 1e-15);
}
END_TEST

START_TEST(servqual_custom_layout_missing_answers_and_per_respondent_weights)
{
    /* Two dimensions: items 0, 1 -> dimension 0; item 2 -> dimension 1. */
    const size_t layout[3] = { 0, 0, 1 };
    const double e[6] = { 5, 5, 5, 4, NAN, 6 };
    const double p[6] = { 6, 4, 7, 6, 3, 3 };
    const double w[4] = { 1, 3, 3, 1 };
    double dims[4], un[2], we[2], items[3], agg[2];
    ck_ok(cxm_servqual_respondents(dims, un, we, 2, 3, e, p, 2, layout, 2, w));
    /* Respondent 0: gaps 1, -1 -> dim 0 = 0; dim 1 = 2. Respondent 1: gap 2 (item 1 missing) -> 2; -3. */
    ck_assert_double_eq(dims[0], 0);
    ck_assert_double_eq(dims[1], 2);
    ck_assert_double_eq(dims[2], 2);
    ck_assert_double_eq(dims[3], -3);
    ck_assert_double_eq(un[0], 1);
    ck_assert_double_eq(un[1], -0.5);
    ck_assert_double_eq(we[0], (0 * 1 + 2 * 3) / 4.0);
    ck_assert_double_eq(we[1], (2 * 3 - 3 * 1) / 4.0);
    cxm_servqual_scores s;
    ck_ok(cxm_servqual_summary(&s, items, agg, 2, 3, e, p, 2, layout, 2, w));
    ck_assert_double_eq(items[0], 1.5); /* (1 + 2)/2 */
    ck_assert_double_eq(items[1], -1);  /* one answer */
    ck_assert_double_eq(items[2], -0.5);
    ck_assert_double_eq(agg[0], 0.25);
    ck_assert_double_eq(s.unweighted, (0.25 - 0.5) / 2);
    ck_assert_double_eq(s.weighted, (we[0] + we[1]) / 2);
    ck_assert_double_eq(s.item_mean, 0);
    /* No weights: the weighted score is NaN. */
    ck_ok(cxm_servqual_summary(&s, NULL, NULL, 2, 3, e, p, 2, layout, 0, NULL));
    ck_assert(isnan(s.weighted));
}
END_TEST

START_TEST(servqual_errors)
{
    double e[22], p[22], un;
    const double w[5] = { 0, 0, 0, 0, 0 };
    const size_t bad_layout[3] = { 0, 2, 0 }, gap_layout[3] = { 0, 0, 2 };
    servqual_example(e, p);
    cxm_servqual_scores s;
    ck_fails(cxm_servqual_summary(&s, NULL, NULL, 1, 21, e, p, 5, NULL, 0, NULL), CXM_EINVAL,
             "standard SERVQUAL layout has 22 items");
    ck_fails(cxm_servqual_summary(&s, NULL, NULL, 1, 3, e, p, 2, bad_layout, 0, NULL), CXM_EINVAL,
             "item 1: dimension 2 does not exist");
    ck_fails(cxm_servqual_summary(&s, NULL, NULL, 1, 3, e, p, 3, gap_layout, 0, NULL), CXM_EINVAL,
             "dimension 1 has no items");
    ck_fails(cxm_servqual_summary(&s, NULL, NULL, 1, 22, e, p, 5, NULL, 1, w), CXM_EINVAL,
             "positive total");
    ck_fails(cxm_servqual_summary(&s, NULL, NULL, 3, 22, e, p, 5, NULL, 2, w), CXM_EINVAL,
             "weights need 0, 1 or 3 rows");
    ck_fails(cxm_servqual_respondents(NULL, &un, &un, 1, 22, e, p, 5, NULL, 0, NULL), CXM_EINVAL,
             "weighted scores need weights");
    for (int i = 0; i < 4; i++)
        e[i] = NAN;
    ck_fails(cxm_servqual_summary(&s, NULL, NULL, 1, 22, e, p, 5, NULL, 0, NULL), CXM_EDOMAIN,
             "dimension 0: nobody answered");
    e[0] = INFINITY;
    ck_fails(cxm_servqual_summary(&s, NULL, NULL, 1, 22, e, p, 5, NULL, 0, NULL), CXM_EINVAL,
             "respondent 0, item 0");
}
END_TEST

static int servqual_scenario(void *context)
{
    (void)context;
    double e[44], p[44], dims[10], un[2], items[22];
    servqual_example(e, p);
    servqual_example(e + 22, p + 22);
    cxm_servqual_scores s;
    int status = cxm_servqual_respondents(dims, un, NULL, 2, 22, e, p, 5, NULL, 0, NULL);
    if (status == CXM_OK)
        status = cxm_servqual_summary(&s, items, dims, 2, 22, e, p, 5, NULL, 0, NULL);
    return status;
}

START_TEST(servqual_out_of_memory)
{
    ck_assert_int_gt(chaos_run(servqual_scenario, NULL, "servqual"), 0);
}
END_TEST

/* ------------------------------------------------------------------ Kano */

START_TEST(kano_table_and_published_case)
{
    /* Berger et al. (1993), rows functional, columns dysfunctional. */
    static const char *const table[5] = { "QAAAO", "RIIIM", "RIIIM", "RIIIM", "RRRRQ" };
    static const char letters[] = "AOMIRQ";
    for (int f = 1; f <= 5; f++)
        for (int d = 1; d <= 5; d++) {
            int c;
            ck_ok(cxm_kano_classify(&c, f, d));
            ck_assert_int_eq(letters[c], table[f - 1][d - 1]);
        }
    /* (like,neutral)×12, (like,dislike)×8, (must-be,dislike)×5, (neutral,neutral)×3,
     * (dislike,like)×1, (like,like)×1. */
    double fn[31], dy[31];
    int k = 0;
    for (int i = 0; i < 12; i++, k++) fn[k] = 1, dy[k] = 3;
    for (int i = 0; i < 8; i++, k++) fn[k] = 1, dy[k] = 5;
    for (int i = 0; i < 5; i++, k++) fn[k] = 2, dy[k] = 5;
    for (int i = 0; i < 3; i++, k++) fn[k] = 3, dy[k] = 3;
    fn[k] = 5, dy[k++] = 1;
    fn[k] = 1, dy[k++] = 1;
    fn[k] = NAN, dy[k++] = 3; /* missing: skipped */
    cxm_kano_summary s;
    ck_ok(cxm_kano_evaluate(&s, 31, fn, dy));
    ck_assert_double_eq(s.attractive, 12);
    ck_assert_double_eq(s.one_dimensional, 8);
    ck_assert_double_eq(s.must_be, 5);
    ck_assert_double_eq(s.indifferent, 3);
    ck_assert_double_eq(s.reverse, 1);
    ck_assert_double_eq(s.questionable, 1);
    ck_assert_double_eq(s.answered, 30);
    ck_assert_int_eq(s.category, CXM_KANO_A);
    ck_assert_double_eq(s.better, 5.0 / 7.0);
    ck_assert_double_eq(s.worse, -13.0 / 28.0);
    int cats[31];
    ck_ok(cxm_kano_classify_many(cats, 31, fn, dy));
    ck_assert_int_eq(cats[0], CXM_KANO_A);
    ck_assert_int_eq(cats[12], CXM_KANO_O);
    ck_assert_int_eq(cats[30], -1);
}
END_TEST

START_TEST(kano_ties_follow_m_o_a_i)
{
    /* One each of A, O, M, I: M wins; then O over A and I; A over I. */
    const double f[4] = { 1, 1, 2, 3 }, d[4] = { 2, 5, 5, 3 };
    cxm_kano_summary s;
    ck_ok(cxm_kano_evaluate(&s, 4, f, d));
    ck_assert_int_eq(s.category, CXM_KANO_M);
    ck_ok(cxm_kano_evaluate(&s, 2, f, d)); /* A, O */
    ck_assert_int_eq(s.category, CXM_KANO_O);
    const double f2[2] = { 1, 3 }, d2[2] = { 2, 3 }; /* A, I */
    ck_ok(cxm_kano_evaluate(&s, 2, f2, d2));
    ck_assert_int_eq(s.category, CXM_KANO_A);
    const double f3[1] = { 5 }, d3[1] = { 5 }; /* Q only: Better and Worse undefined */
    ck_ok(cxm_kano_evaluate(&s, 1, f3, d3));
    ck_assert_int_eq(s.category, CXM_KANO_Q);
    ck_assert(isnan(s.better) && isnan(s.worse));
}
END_TEST

START_TEST(kano_errors)
{
    int c;
    const double f[2] = { 1, 2.5 }, d[2] = { 3, 3 }, missing[1] = { NAN };
    cxm_kano_summary s;
    ck_fails(cxm_kano_classify(&c, 0, 3), CXM_EINVAL, "functional answer 0 is not one of");
    ck_fails(cxm_kano_classify(&c, 1, 6), CXM_EINVAL, "dysfunctional answer 6");
    ck_fails(cxm_kano_evaluate(&s, 2, f, d), CXM_EINVAL, "element 1: functional answer 2.5");
    ck_fails(cxm_kano_evaluate(&s, 1, missing, d), CXM_EDOMAIN, "every answer pair is missing");
    int cats[2];
    ck_fails(cxm_kano_classify_many(cats, 2, f, d), CXM_EINVAL, "element 1:");
}
END_TEST

/* ------------------------------------------------------------------ chain primitives */

START_TEST(adaptive_expectations_published_case)
{
    const double perceptions[3] = { 8, 8, 6 };
    double e[3];
    ck_ok(cxm_adaptive_expectations(e, 3, perceptions, 7, 0.3));
    ck_near(e[0], 7.3, 1e-14);
    ck_near(e[1], 7.51, 1e-14);
    ck_near(e[2], 7.057, 1e-14);
    ck_ok(cxm_adaptive_expectations(e, 3, perceptions, 7, 0)); /* never adapts */
    ck_assert_double_eq(e[2], 7);
    ck_ok(cxm_adaptive_expectations(e, 3, perceptions, 7, 1)); /* naive: last perception */
    ck_assert_double_eq(e[2], 6);
    ck_fails(cxm_adaptive_expectations(e, 3, perceptions, 7, 1.5), CXM_EINVAL,
             "lambda 1.5 is outside [0, 1]");
    double d[3];
    const double expectations[3] = { 7, 9, 6 };
    ck_ok(cxm_disconfirmation(d, 3, perceptions, expectations));
    ck_assert_double_eq(d[0], 1);
    ck_assert_double_eq(d[1], -1);
    ck_assert_double_eq(d[2], 0);
    const double bad[3] = { 1, NAN, 2 };
    ck_fails(cxm_disconfirmation(d, 3, bad, expectations), CXM_EINVAL, "element 1: perception");
}
END_TEST

START_TEST(delight_classes)
{
    const double d[6] = { 2, 2, 0.5, -0.5, -2, -2 };
    const double a[6] = { 1.5, 0.2, 0, 0, -1.5, 0 };
    int c[6];
    ck_ok(cxm_delight_classify(c, 6, d, a, 1, 1));
    ck_assert_int_eq(c[0], CXM_DELIGHTED);
    ck_assert_int_eq(c[1], CXM_SATISFIED); /* surprise without joy */
    ck_assert_int_eq(c[2], CXM_SATISFIED);
    ck_assert_int_eq(c[3], CXM_DISSATISFIED);
    ck_assert_int_eq(c[4], CXM_OUTRAGED);
    ck_assert_int_eq(c[5], CXM_DISSATISFIED); /* disappointment without anger */
    ck_ok(cxm_delight_classify(c, 6, d, NULL, 1, 0));
    ck_assert_int_eq(c[1], CXM_DELIGHTED);
    ck_assert_int_eq(c[5], CXM_OUTRAGED);
    ck_fails(cxm_delight_classify(c, 6, d, a, 0, 1), CXM_EINVAL, "surprise threshold 0");
}
END_TEST

START_TEST(valence_rules)
{
    const double v[5] = { 1, -3, 2, 4, 1 };
    const double dur[5] = { 1, 2, 1, 1, 1 };
    double out;
    ck_ok(cxm_valence_aggregate(&out, 5, v, NULL, CXM_VALENCE_MEAN, 0));
    ck_assert_double_eq(out, 1.0);
    ck_ok(cxm_valence_aggregate(&out, 5, v, NULL, CXM_VALENCE_PEAK_END, 0));
    ck_assert_double_eq(out, 2.5);
    ck_ok(cxm_valence_aggregate(&out, 5, v, dur, CXM_VALENCE_PEAK_END, 0)); /* duration neglect */
    ck_assert_double_eq(out, 2.5);
    ck_ok(cxm_valence_aggregate(&out, 5, v, dur, CXM_VALENCE_MEAN, 0));
    ck_assert_double_eq(out, 2.0 / 6.0);
    ck_ok(cxm_valence_aggregate(&out, 5, v, dur, CXM_VALENCE_SUM, 0));
    ck_assert_double_eq(out, 2.0);
    ck_ok(cxm_valence_aggregate(&out, 5, v, NULL, CXM_VALENCE_PEAK, 0));
    ck_assert_double_eq(out, 4);
    ck_ok(cxm_valence_aggregate(&out, 5, v, NULL, CXM_VALENCE_END, 0));
    ck_assert_double_eq(out, 1);
    ck_ok(cxm_valence_aggregate(&out, 5, v, NULL, CXM_VALENCE_MIN, 0));
    ck_assert_double_eq(out, -3);
    ck_ok(cxm_valence_aggregate(&out, 5, v, NULL, CXM_VALENCE_MAX, 0));
    ck_assert_double_eq(out, 4);
    /* Recency, λ = 0.5: weights 1/16, 1/8, 1/4, 1/2, 1. */
    ck_ok(cxm_valence_aggregate(&out, 5, v, NULL, CXM_VALENCE_RECENCY, 0.5));
    ck_near(out, (1.0 / 16 - 3.0 / 8 + 2.0 / 4 + 4.0 / 2 + 1) / (31.0 / 16), 1e-15);
    ck_ok(cxm_valence_aggregate(&out, 5, v, NULL, CXM_VALENCE_RECENCY, 1));
    ck_assert_double_eq(out, 1.0);
    /* Negativity 2: the bad moment counts twice. */
    ck_ok(cxm_valence_aggregate(&out, 5, v, NULL, CXM_VALENCE_NEGATIVITY, 2));
    ck_assert_double_eq(out, (1 - 6 + 2 + 4 + 1) / 6.0);

    const size_t offsets[3] = { 0, 2, 5 };
    double dst[2];
    ck_ok(cxm_valence_aggregate_many(dst, 2, offsets, v, NULL, CXM_VALENCE_PEAK_END, 0));
    ck_assert_double_eq(dst[0], -3);
    ck_assert_double_eq(dst[1], 2.5);

    ck_fails(cxm_valence_aggregate(&out, 0, v, NULL, CXM_VALENCE_MEAN, 0), CXM_EINVAL,
             "at least one moment");
    ck_fails(cxm_valence_aggregate(&out, 5, v, NULL, (cxm_valence_rule)42, 0), CXM_EINVAL,
             "rule 42 does not exist");
    ck_fails(cxm_valence_aggregate(&out, 5, v, NULL, CXM_VALENCE_RECENCY, 0), CXM_EINVAL,
             "lambda 0 is outside (0, 1]");
    ck_fails(cxm_valence_aggregate(&out, 5, v, NULL, CXM_VALENCE_NEGATIVITY, 0.5), CXM_EINVAL,
             "negativity weight 0.5");
    const size_t bad_offsets[3] = { 0, 2, 2 };
    ck_fails(cxm_valence_aggregate_many(dst, 2, bad_offsets, v, NULL, CXM_VALENCE_MEAN, 0),
             CXM_EINVAL, "journey 1: a journey needs at least one moment");
}
END_TEST

/* ------------------------------------------------------------------ value link (docs/models.md §3.4) */

START_TEST(value_link_published_case)
{
    cxm_logit model = { 0 };
    model.intercept = -2;
    model.slope = 0.5;
    cxm_value_link v;
    ck_ok(cxm_value_of_improvement(&v, &model, 7, 0.5, 100, 0.12, CXM_CASH_END, 1000));
    ck_near(v.retention, 0.817574, 5e-7);
    ck_near(v.clv, 270.3391, 5e-5);
    ck_near(v.improved_retention, 0.851953, 5e-7);
    ck_near(v.improved_clv, 317.8369, 5e-5);
    ck_near(v.gain_per_customer, 47.4977, 5e-5);
    ck_near(v.gain, 47497.7, 5e-2);
    /* Exact forms: r = 1/(1 + e^−1.5), CLV = 100r/(1.12 − r). */
    double r = 1 / (1 + exp(-1.5));
    ck_near(v.clv, 100 * r / (1.12 - r), 1e-10);
    double p;
    ck_ok(cxm_logit_predict(&p, &model, 7));
    ck_near(p, r, 1e-15);

    cxm_roq q;
    const double costs[2] = { 20000, 11200 };
    ck_ok(cxm_return_on_quality(&q, v.gain, 2, costs, 0.12));
    ck_near(q.cost, 30000, 1e-9);
    ck_near(q.return_on_quality, v.gain / 30000, 1e-12);
    ck_near(q.net_value, v.gain - 30000, 1e-9);
    ck_fails(cxm_return_on_quality(&q, 1, 0, NULL, 0.1), CXM_EDOMAIN, "positive cost");
    model.slope = NAN;
    ck_fails(cxm_value_of_improvement(&v, &model, 7, 0.5, 100, 0.12, CXM_CASH_END, 1), CXM_EINVAL,
             "slope must be a finite number");
}
END_TEST

START_TEST(satisfaction_index_published_case)
{
    const double w[3] = { 0.3885, 0.3190, 0.2925 }, means[3] = { 8, 7, 7.5 };
    double index;
    ck_ok(cxm_satisfaction_index(&index, 3, w, means, 1, 10));
    ck_near(index, 72.6083, 5e-5);
    /* Weights need not sum to 1: they are normalised. */
    const double w2[3] = { 3.885, 3.190, 2.925 };
    double index2;
    ck_ok(cxm_satisfaction_index(&index2, 3, w2, means, 1, 10));
    ck_near(index2, index, 1e-12);
    const double off[3] = { 8, 11, 7 };
    ck_fails(cxm_satisfaction_index(&index, 3, w, off, 1, 10), CXM_EINVAL,
             "item 1: mean 11 is outside the scale");
}
END_TEST

/* Reference values: tests/reference/logit_mpmath.py (50-digit Newton, independent code). */
START_TEST(logit_fit_matches_reference)
{
    const double x[20] = { 2, 3, 3, 4, 5, 5, 6, 6, 6, 7, 7, 7, 8, 8, 8, 9, 9, 10, 10, 4 };
    const double y[20] = { 0, 0, 1, 0, 0, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
    cxm_logit m;
    ck_ok(cxm_logit_fit(&m, 20, x, y, NULL));
    ck_near(m.intercept, -2.778517706143917, 1e-9);
    ck_near(m.slope, 0.62528980593745998, 1e-10);
    ck_near(m.intercept_se, 1.7455497825888397, 1e-9);
    ck_near(m.slope_se, 0.305027611619909, 1e-10);
    ck_near(m.covariance, -0.50221996543770897, 1e-9);
    ck_near(m.log_likelihood, -9.1692522202146652, 1e-10);
    ck_near(m.deviance, 2 * 9.1692522202146652, 1e-9); /* 0/1 outcomes: saturated LL is 0 */
    ck_assert_double_eq(m.observations, 20);

    const double gx[4] = { 3, 5, 7, 9 }, gy[4] = { 0.2, 0.45, 0.7, 0.9 }, gw[4] = { 10, 20, 30, 20 };
    ck_ok(cxm_logit_fit(&m, 4, gx, gy, gw));
    ck_near(m.intercept, -3.1344132012226763, 1e-9);
    ck_near(m.slope, 0.578937336353955, 1e-10);
    ck_near(m.intercept_se, 0.97757179363265223, 1e-9);
    ck_near(m.slope_se, 0.15286903533959188, 1e-10);
    ck_near(m.covariance, -0.14399168264462558, 1e-10);
    ck_near(m.log_likelihood, -43.627578013003067, 1e-9);
}
END_TEST

START_TEST(logit_fit_recovers_simulated_parameters)
{
    /* r(S) = 1/(1 + e^−(−2 + 0.5S)): 20,000 customers on an even grid of S in
     * [0, 10], outcomes from a fixed LCG so the test needs no library RNG. */
    enum { N = 20000 };
    static double x[N], y[N];
    unsigned long long state = 12345;
    for (int i = 0; i < N; i++) {
        x[i] = 10.0 * i / (N - 1);
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        double u = (double)(state >> 11) * 0x1.0p-53;
        y[i] = u < 1 / (1 + exp(-(-2 + 0.5 * x[i])));
    }
    cxm_logit m;
    ck_ok(cxm_logit_fit(&m, N, x, y, NULL));
    ck_assert_msg(fabs(m.intercept + 2) < 4 * m.intercept_se, "intercept %g ± %g", m.intercept,
                  m.intercept_se);
    ck_assert_msg(fabs(m.slope - 0.5) < 4 * m.slope_se, "slope %g ± %g", m.slope, m.slope_se);
    ck_assert(m.slope_se < 0.02);
    /* The same data on a 0-100 scale: IRLS must still converge (the
     * log-likelihood is flat to rounding near the optimum) and give the
     * same model in the new units. */
    for (int i = 0; i < N; i++)
        x[i] = 10 * x[i] + 3;
    cxm_logit scaled;
    ck_ok(cxm_logit_fit(&scaled, N, x, y, NULL));
    ck_near(scaled.slope, m.slope / 10, 1e-12);
    ck_near(scaled.intercept, m.intercept - 0.3 * m.slope, 1e-10);
    ck_near(scaled.log_likelihood, m.log_likelihood, 1e-8);
}
END_TEST

START_TEST(logit_fit_errors)
{
    const double x[4] = { 1, 2, 3, 4 }, sep[4] = { 0, 0, 1, 1 }, quasi[4] = { 0, 1, 1, 1 };
    const double same[4] = { 2, 2, 2, 2 }, mixed[4] = { 0, 1, 0, 1 }, ones[4] = { 1, 1, 1, 1 };
    const double xq[4] = { 1, 2, 2, 4 }, yq[4] = { 0, 0, 1, 1 };
    cxm_logit m;
    ck_fails(cxm_logit_fit(&m, 4, x, sep, NULL), CXM_EDOMAIN, "separates the outcomes perfectly");
    ck_fails(cxm_logit_fit(&m, 4, x, quasi, NULL), CXM_EDOMAIN, "separates");
    ck_fails(cxm_logit_fit(&m, 4, xq, yq, NULL), CXM_EDOMAIN, "separates"); /* quasi-complete */
    ck_fails(cxm_logit_fit(&m, 4, same, mixed, NULL), CXM_EDOMAIN, "x does not vary");
    ck_fails(cxm_logit_fit(&m, 4, x, ones, NULL), CXM_EDOMAIN, "every outcome is 1");
    const double bad_y[4] = { 0, 1.5, 0, 1 };
    ck_fails(cxm_logit_fit(&m, 4, x, bad_y, NULL), CXM_EINVAL, "element 1: y 1.5 is outside [0, 1]");
    const double neg[4] = { 1, -1, 1, 1 };
    ck_fails(cxm_logit_fit(&m, 4, x, mixed, neg), CXM_EINVAL, "element 1: weight -1");
    ck_fails(cxm_logit_fit(&m, 0, x, mixed, NULL), CXM_EINVAL, "positive weight");
}
END_TEST

/* ------------------------------------------------------------------ PLS: models */

static cxm_pls_model *small_model(void)
{
    cxm_pls_model *m = NULL;
    ck_ok(cxm_pls_model_create(&m));
    ck_ok(cxm_pls_model_add_construct(m, "Quality", CXM_PLS_MODE_A));
    ck_ok(cxm_pls_model_add_construct(m, "Satisfaction", CXM_PLS_MODE_A));
    ck_ok(cxm_pls_model_add_construct(m, "Loyalty", CXM_PLS_MODE_B));
    ck_ok(cxm_pls_model_add_item(m, "Quality", "q1"));
    ck_ok(cxm_pls_model_add_item(m, "Satisfaction", "s1"));
    ck_ok(cxm_pls_model_add_item(m, "Quality", "q2"));
    ck_ok(cxm_pls_model_add_item(m, "Satisfaction", "s2"));
    ck_ok(cxm_pls_model_add_item(m, "Loyalty", "l1"));
    ck_ok(cxm_pls_model_add_item(m, "Loyalty", "l2"));
    ck_ok(cxm_pls_model_add_path(m, "Quality", "Satisfaction"));
    ck_ok(cxm_pls_model_add_path(m, "Satisfaction", "Loyalty"));
    ck_ok(cxm_pls_model_add_path(m, "Quality", "Loyalty"));
    return m;
}

START_TEST(pls_model_building_and_names)
{
    cxm_pls_model *m = small_model();
    ck_assert_uint_eq(cxm_pls_model_construct_count(m), 3);
    ck_assert_uint_eq(cxm_pls_model_item_count(m), 6);
    ck_assert_str_eq(cxm_pls_model_item_name(m, 1), "s1"); /* first-use order */
    ck_assert_uint_eq(cxm_pls_model_indicator_count(m), 6);
    ck_assert_str_eq(cxm_pls_model_indicator_name(m, 1), "q2"); /* construct order */
    ck_assert_uint_eq(cxm_pls_model_indicator_construct(m, 2), 1);
    ck_assert_uint_eq(cxm_pls_model_indicator_construct(m, 6), 3);
    ck_assert_ptr_null(cxm_pls_model_indicator_name(m, 6));
    ck_assert_ptr_null(cxm_pls_model_construct_name(m, 3));
    size_t j, from, to;
    ck_ok(cxm_pls_model_find(&j, m, "Loyalty"));
    ck_assert_uint_eq(j, 2);
    ck_ok(cxm_pls_model_path(&from, &to, m, 2));
    ck_assert_uint_eq(from, 0);
    ck_assert_uint_eq(to, 2);
    ck_fails(cxm_pls_model_target(&j, m), CXM_ENOTFOUND, "no target");
    ck_ok(cxm_pls_model_set_target(m, "Satisfaction"));
    ck_ok(cxm_pls_model_target(&j, m));
    ck_assert_uint_eq(j, 1);

    ck_fails(cxm_pls_model_add_construct(m, "Quality", CXM_PLS_MODE_A), CXM_EINVAL, "already has a construct 'Quality'");
    ck_fails(cxm_pls_model_add_construct(m, "", CXM_PLS_MODE_A), CXM_EINVAL, "must not be empty");
    ck_fails(cxm_pls_model_add_construct(m, "X", (cxm_pls_mode)7), CXM_EINVAL, "mode 7");
    ck_fails(cxm_pls_model_add_item(m, "Nope", "x"), CXM_ENOTFOUND, "no construct 'Nope'");
    ck_fails(cxm_pls_model_add_item(m, "Quality", "q1"), CXM_EINVAL, "already has item 'q1'");
    ck_fails(cxm_pls_model_add_path(m, "Loyalty", "Quality"), CXM_EINVAL, "would close a cycle");
    ck_fails(cxm_pls_model_add_path(m, "Loyalty", "Loyalty"), CXM_EINVAL, "to itself");
    ck_fails(cxm_pls_model_add_path(m, "Quality", "Loyalty"), CXM_EINVAL, "already in the model");
    ck_fails(cxm_pls_model_set_scale(m, "Quality", 5, 1), CXM_EINVAL, "must exceed");
    ck_fails(cxm_pls_model_path(&from, &to, m, 3), CXM_EINVAL, "path 3 does not exist");
    ck_fails(cxm_pls_model_find(&j, m, "Value"), CXM_ENOTFOUND, "no construct 'Value'");
    ck_assert_uint_eq(cxm_pls_model_construct_count(NULL), 0);
    cxm_pls_model_free(m);
    cxm_pls_model_free(NULL);
}
END_TEST

START_TEST(pls_model_json_round_trip_and_errors)
{
    cxm_pls_model *m = NULL, *back = NULL;
    const char *json =
        "{\"name\": \"test\", \"scale\": [1, 7], \"target\": \"S\",\n"
        " \"constructs\": [{\"name\": \"E\", \"items\": [\"e1\", \"e2\"]},\n"
        "                {\"name\": \"P\", \"items\": [\"p1\"], \"mode\": \"B\", \"scale\": [0, 10]},\n"
        "                {\"name\": \"S\", \"items\": [\"s1\", \"e1\"]}],\n"
        " \"paths\": [{\"from\": [\"E\", \"P\"], \"to\": \"S\"}, [\"E\", \"P\"]],\n"
        " \"estimation\": {\"scheme\": \"centroid\", \"bootstrap\": 200, \"seed\": 9,"
        " \"missing\": \"mean\", \"level\": 0.9}}";
    ck_ok(cxm_pls_model_from_json(&m, json));
    ck_assert_uint_eq(cxm_pls_model_construct_count(m), 3);
    ck_assert_uint_eq(cxm_pls_model_item_count(m), 4); /* e1 is shared by E and S */
    ck_assert_uint_eq(cxm_pls_model_indicator_count(m), 5);
    ck_assert_uint_eq(cxm_pls_model_path_count(m), 3);
    cxm_pls_options o, defaults = CXM_PLS_OPTIONS_INIT;
    cxm_pls_options_init(&o);
    ck_assert(o.version == defaults.version && o.scheme == defaults.scheme &&
              o.tolerance == defaults.tolerance && o.max_iterations == defaults.max_iterations &&
              o.bootstrap == defaults.bootstrap && o.seed == defaults.seed &&
              o.level == defaults.level && o.threads == defaults.threads &&
              o.missing == defaults.missing);
    cxm_pls_options_init(NULL);
    ck_ok(cxm_pls_model_options(&o, m));
    ck_assert_int_eq(o.scheme, CXM_PLS_CENTROID);
    ck_assert_uint_eq(o.bootstrap, 200);
    ck_assert_uint_eq(o.seed, 9);
    ck_assert_int_eq(o.missing, CXM_PLS_MEAN_REPLACEMENT);
    ck_assert_double_eq(o.level, 0.9);
    ck_assert_double_eq(o.tolerance, 1e-7);
    char *text = NULL, *again = NULL;
    ck_ok(cxm_pls_model_to_json(&text, m));
    ck_ok(cxm_pls_model_from_json(&back, text));
    ck_ok(cxm_pls_model_to_json(&again, back));
    ck_assert_str_eq(text, again);
    ck_assert_ptr_nonnull(strstr(text, "\"scale\":\t[0, 10]"));
    ck_assert_ptr_nonnull(strstr(text, "\"mode\":\t\"B\""));
    cxm_free(text);
    cxm_free(again);
    cxm_pls_model_free(back);
    cxm_pls_model_free(m);

    static const struct { const char *json; int status; const char *message; } bad[] = {
        { "{\"constructs\": [", CXM_EPARSE, "model JSON:1:17: the JSON document ends too early" },
        { "{\n\"constructs\": [}\n", CXM_EPARSE, "model JSON:2:16: JSON syntax error at '}" },
        { "{\"constructs\": []} []", CXM_EPARSE, "model JSON: text after the JSON document: '[]'" },
        { "[]", CXM_EINVAL, "must be an object" },
        { "{\"constructs\": [], \"paths\": []}", CXM_EINVAL, "\"constructs\" must be a non-empty list" },
        { "{\"construct\": []}", CXM_EINVAL, "unknown key 'construct'" },
        { "{\"constructs\": [{\"name\": \"A\", \"items\": [\"a\"], \"mode\": \"C\"}], \"paths\": []}",
          CXM_EINVAL, "constructs[0].mode must be \"A\"" },
        { "{\"constructs\": [{\"name\": \"A\", \"items\": []}], \"paths\": []}", CXM_EINVAL,
          "constructs[0].items must be a non-empty list" },
        { "{\"constructs\": [{\"name\": \"A\", \"items\": [\"a\"]}, {\"name\": \"B\", \"items\": [\"b\"]}],"
          " \"paths\": [[\"A\", \"C\"]]}", CXM_EINVAL, "paths[0]: the model has no construct 'C'" },
        { "{\"constructs\": [{\"name\": \"A\", \"items\": [\"a\"]}, {\"name\": \"B\", \"items\": [\"b\"]}],"
          " \"paths\": [[\"A\", \"B\"], [\"B\", \"A\"]]}", CXM_EINVAL, "paths[1]: the path 'B' -> 'A' would close a cycle" },
        { "{\"constructs\": [{\"name\": \"A\", \"items\": [\"a\"]}], \"paths\": [], \"estimation\": "
          "{\"scheme\": \"best\"}}", CXM_EINVAL, "estimation.scheme must be one of \"path\"" },
        { "{\"constructs\": [{\"name\": \"A\", \"items\": [\"a\"]}], \"paths\": [], \"estimation\": "
          "{\"bootstrap\": -1}}", CXM_EINVAL, "estimation.bootstrap must be a whole number" },
        { "{\"constructs\": [{\"name\": \"A\", \"items\": [\"a\"]}], \"paths\": [], \"scale\": [3, 1]}",
          CXM_EINVAL, "\"scale\" must have max > min" },
        { "{\"constructs\": [{\"name\": \"A\", \"items\": [\"a\"]}], \"paths\": [], \"target\": \"Z\"}",
          CXM_EINVAL, "\"target\": the model has no construct 'Z'" },
        { "{\"constructs\": [{\"name\": \"A\", \"items\": [\"a\"]}]}", CXM_EINVAL, "needs \"paths\"" },
        { "{\"constructs\": [{\"name\": \"A\", \"name\": \"B\", \"items\": [\"a\"]}], \"paths\": []}",
          CXM_EPARSE, "model JSON: constructs[0]: key 'name' appears twice" },
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        m = (cxm_pls_model *)&m; /* must be reset to NULL on failure */
        int status = cxm_pls_model_from_json(&m, bad[k].json);
        ck_assert_msg(status == bad[k].status, "case %zu: status %d (%s)", k, status, cxm_error_message());
        ck_assert_msg(strstr(cxm_error_message(), bad[k].message) != NULL, "case %zu: '%s' lacks '%s'", k,
                      cxm_error_message(), bad[k].message);
        ck_assert_ptr_null(m);
    }
}
END_TEST

START_TEST(pls_presets)
{
    static const struct { const char *name; size_t constructs, items, paths; } presets[] = {
        { "acsi", 6, 14, 9 }, { "ecsi", 7, 24, 12 }, { "chain", 7, 18, 10 } };
    for (size_t k = 0; k < 3; k++) {
        cxm_pls_model *m = NULL;
        size_t target;
        ck_ok(cxm_pls_model_preset(&m, presets[k].name));
        ck_assert_uint_eq(cxm_pls_model_construct_count(m), presets[k].constructs);
        ck_assert_uint_eq(cxm_pls_model_item_count(m), presets[k].items);
        ck_assert_uint_eq(cxm_pls_model_path_count(m), presets[k].paths);
        ck_ok(cxm_pls_model_target(&target, m));
        ck_assert_str_eq(cxm_pls_model_construct_name(m, target), "Satisfaction");
        cxm_pls_model_free(m);
    }
    cxm_pls_model *m = NULL;
    ck_fails(cxm_pls_model_preset(&m, "scsi"), CXM_ENOTFOUND, "no preset model 'scsi'");
}
END_TEST

/* ------------------------------------------------------------------ PLS: simulation */

/* A small self-contained generator so that the test does not depend on the
 * library's RNG: xorshift64* and Box-Muller. */
typedef struct test_rng { unsigned long long s; } test_rng;
static double test_uniform(test_rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return ((double)((r->s * 2685821657736338717ULL) >> 11) + 0.5) * 0x1.0p-53;
}
static double test_normal(test_rng *r)
{
    return sqrt(-2 * log(test_uniform(r))) * cos(6.283185307179586 * test_uniform(r));
}

/* The libcxm chain with known standardized paths, as a composite model
 * (Dijkstra 2017): each construct is exactly the equally weighted composite
 * of its items, items within a block correlate 0.5. PLS is consistent for
 * this population whatever the mode and scheme, so large samples must
 * return the paths. */
enum { CHAIN_C = 7 };
static const char *const chain_names[CHAIN_C] = { "Expectations", "Perceptions", "Emotion",
                                                  "Satisfaction", "Promote", "Complain", "Stay" };
static const size_t chain_items[CHAIN_C] = { 3, 4, 3, 3, 2, 1, 2 };
static void chain_paths(double beta[CHAIN_C][CHAIN_C])
{
    memset(beta, 0, sizeof(double) * CHAIN_C * CHAIN_C);
    beta[0][1] = 0.5;
    beta[0][3] = 0.15;
    beta[1][3] = 0.35;
    beta[2][3] = 0.3;
    beta[1][2] = 0.6;
    beta[2][4] = 0.3;
    beta[3][4] = 0.4;
    beta[3][5] = -0.4;
    beta[3][6] = 0.5;
    beta[5][6] = -0.2;
}

static double *simulate_chain(size_t n, unsigned long long seed, size_t *p_out)
{
    double beta[CHAIN_C][CHAIN_C], phi[CHAIN_C][CHAIN_C] = { { 0 } }, resid[CHAIN_C];
    chain_paths(beta);
    /* Implied construct correlations, in topological (= listed) order. */
    for (int j = 0; j < CHAIN_C; j++) {
        phi[j][j] = 1;
        for (int k = 0; k < j; k++) {
            double s = 0;
            for (int q = 0; q < j; q++)
                s += beta[q][j] * phi[q][k];
            phi[j][k] = phi[k][j] = s;
        }
        double r2 = 0;
        for (int q = 0; q < j; q++)
            r2 += beta[q][j] * phi[q][j];
        resid[j] = sqrt(1 - r2);
    }
    size_t p = 0;
    for (int j = 0; j < CHAIN_C; j++)
        p += chain_items[j];
    double *x = malloc(n * p * sizeof *x);
    test_rng rng = { seed };
    for (size_t i = 0; i < n; i++) {
        double y[CHAIN_C];
        for (int j = 0; j < CHAIN_C; j++) {
            y[j] = resid[j] * test_normal(&rng);
            for (int q = 0; q < j; q++)
                y[j] += beta[q][j] * y[q];
        }
        size_t at = 0;
        for (int j = 0; j < CHAIN_C; j++) {
            size_t k = chain_items[j];
            double r = 0.5, w = 1 / sqrt(k + k * (k - 1) * r), a = w * (1 + (k - 1) * r);
            double common = test_normal(&rng), e[4], we = 0;
            for (size_t h = 0; h < k; h++) {
                e[h] = k == 1 ? 0 : sqrt(r) * common + sqrt(1 - r) * test_normal(&rng);
                we += w * e[h];
            }
            for (size_t h = 0; h < k; h++)
                x[i * p + at + h] = 5 + a * y[j] + e[h] - a * we;
            at += k;
        }
    }
    *p_out = p;
    return x;
}

static cxm_pls_model *chain_model(int mode_b)
{
    cxm_pls_model *m = NULL;
    char item[32];
    double beta[CHAIN_C][CHAIN_C];
    chain_paths(beta);
    ck_ok(cxm_pls_model_create(&m));
    for (int j = 0; j < CHAIN_C; j++) {
        ck_ok(cxm_pls_model_add_construct(m, chain_names[j], mode_b ? CXM_PLS_MODE_B : CXM_PLS_MODE_A));
        for (size_t h = 0; h < chain_items[j]; h++) {
            snprintf(item, sizeof item, "%s%zu", chain_names[j], h + 1);
            ck_ok(cxm_pls_model_add_item(m, chain_names[j], item));
        }
    }
    for (int i = 0; i < CHAIN_C; i++)
        for (int j = 0; j < CHAIN_C; j++)
            if (beta[i][j] != 0)
                ck_ok(cxm_pls_model_add_path(m, chain_names[i], chain_names[j]));
    return m;
}

START_TEST(pls_recovers_simulated_paths)
{
    size_t p, n = 40000;
    double *x = simulate_chain(n, 20240611ULL, &p);
    double beta[CHAIN_C][CHAIN_C];
    chain_paths(beta);
    for (int mode_b = 0; mode_b <= 1; mode_b++) {
        cxm_pls_model *m = chain_model(mode_b);
        for (int scheme = CXM_PLS_PATH; scheme <= CXM_PLS_FACTORIAL; scheme++) {
            cxm_pls_options o = CXM_PLS_OPTIONS_INIT;
            o.scheme = (cxm_pls_scheme)scheme;
            cxm_pls_result *r = NULL;
            ck_ok(cxm_pls_estimate(&r, m, n, p, x, NULL, &o));
            double paths[CHAIN_C * CHAIN_C], w[18];
            ck_ok(cxm_pls_result_get(paths, CHAIN_C * CHAIN_C, r, CXM_PLS_PATHS));
            ck_ok(cxm_pls_result_get(w, 18, r, CXM_PLS_WEIGHTS));
            for (int i = 0; i < CHAIN_C; i++)
                for (int j = 0; j < CHAIN_C; j++)
                    ck_assert_msg(fabs(paths[i * CHAIN_C + j] - beta[i][j]) < 0.02,
                                  "mode %c, scheme %d: %s -> %s = %g, true %g", mode_b ? 'B' : 'A',
                                  scheme, chain_names[i], chain_names[j], paths[i * CHAIN_C + j],
                                  beta[i][j]);
            /* Equal true weights within each block. */
            ck_assert_msg(fabs(w[0] - w[1]) < 0.03 && fabs(w[3] - w[6]) < 0.03,
                          "weights %g %g %g %g", w[0], w[1], w[3], w[6]);
            cxm_pls_result_free(r);
        }
        cxm_pls_model_free(m);
    }
    free(x);
}
END_TEST

START_TEST(pls_bootstrap_is_reproducible_across_threads)
{
    size_t p, n = 300;
    double *x = simulate_chain(n, 5, &p);
    cxm_pls_model *m = chain_model(0);
    cxm_pls_options o = CXM_PLS_OPTIONS_INIT;
    o.bootstrap = 70;
    o.seed = 42;
    size_t size = CHAIN_C * CHAIN_C;
    double *draws[3];
    for (int t = 0; t < 3; t++) {
        cxm_pls_result *r = NULL;
        o.threads = (size_t)t + 1;
        ck_ok(cxm_pls_estimate(&r, m, n, p, x, NULL, &o));
        cxm_pls_info info;
        ck_ok(cxm_pls_result_info(&info, r));
        ck_assert_uint_eq(info.resamples + info.resamples_failed, 70);
        draws[t] = malloc(info.resamples * size * sizeof(double));
        ck_ok(cxm_pls_result_bootstrap_draws(draws[t], info.resamples * size, r, CXM_PLS_PATHS));
        double se[CHAIN_C * CHAIN_C], lo[CHAIN_C * CHAIN_C], hi[CHAIN_C * CHAIN_C], est[CHAIN_C * CHAIN_C];
        ck_ok(cxm_pls_result_get(est, size, r, CXM_PLS_PATHS));
        ck_ok(cxm_pls_result_bootstrap(se, size, r, CXM_PLS_PATHS, CXM_PLS_BOOT_STD_ERROR));
        ck_ok(cxm_pls_result_bootstrap(lo, size, r, CXM_PLS_PATHS, CXM_PLS_BOOT_LOWER));
        ck_ok(cxm_pls_result_bootstrap(hi, size, r, CXM_PLS_PATHS, CXM_PLS_BOOT_UPPER));
        ck_assert(se[1] > 0.01 && se[1] < 0.2); /* Expectations -> Perceptions */
        ck_assert(lo[1] < est[1] && est[1] < hi[1]);
        ck_assert_double_eq(se[2], 0); /* no path: a structural zero */
        cxm_pls_result_free(r);
        if (t > 0)
            ck_assert_msg(memcmp(draws[0], draws[t], info.resamples * size * sizeof(double)) == 0,
                          "%d threads changed the bootstrap", t + 1);
    }
    for (int t = 0; t < 3; t++)
        free(draws[t]);
    cxm_pls_model_free(m);
    free(x);
}
END_TEST

/* Every statistic of a BCa fit, with 1 and 2 threads: the same bytes. The
 * specific indirect effects are the products of the paths along their
 * routes (in every resample too), and with the direct path they add up to
 * the total effect. */
START_TEST(pls_bca_and_indirect_effects)
{
    size_t p, n = 300, c = CHAIN_C;
    double *x = simulate_chain(n, 17, &p);
    cxm_pls_model *m = chain_model(0);
    cxm_pls_options o = CXM_PLS_OPTIONS_INIT;
    o.bootstrap = 120;
    o.seed = 9;
    o.bca = 1;
    double *stats[2] = { NULL, NULL };
    size_t routes = 0, total_size = 0;
    for (int t = 0; t < 2; t++) {
        cxm_pls_result *r = NULL;
        o.threads = (size_t)t + 1;
        ck_ok(cxm_pls_estimate(&r, m, n, p, x, NULL, &o));
        routes = cxm_pls_result_indirect_count(r);
        ck_assert_uint_eq(cxm_pls_result_size(r, CXM_PLS_SPECIFIC_INDIRECT_EFFECTS), routes);
        ck_assert_uint_eq(cxm_pls_result_size(r, CXM_PLS_INDIRECT_EFFECTS), c * c);
        /* Every statistic of paths, loadings and specific indirect effects. */
        size_t sizes[3] = { c * c, cxm_pls_result_size(r, CXM_PLS_LOADINGS), routes };
        cxm_pls_quantity quantities[3] = { CXM_PLS_PATHS, CXM_PLS_LOADINGS,
                                           CXM_PLS_SPECIFIC_INDIRECT_EFFECTS };
        total_size = 10 * (sizes[0] + sizes[1] + sizes[2]);
        stats[t] = malloc(total_size * sizeof(double));
        double *at = stats[t];
        for (int q = 0; q < 3; q++)
            for (int st = 0; st < 10; st++, at += sizes[q])
                ck_ok(cxm_pls_result_bootstrap(at, sizes[q], r, quantities[q], (cxm_pls_statistic)st));
        double paths[CHAIN_C * CHAIN_C], total[CHAIN_C * CHAIN_C], indirect[CHAIN_C * CHAIN_C];
        double *specific = malloc(routes * sizeof *specific), sum[CHAIN_C * CHAIN_C] = { 0 };
        ck_ok(cxm_pls_result_get(paths, c * c, r, CXM_PLS_PATHS));
        ck_ok(cxm_pls_result_get(total, c * c, r, CXM_PLS_TOTAL_EFFECTS));
        ck_ok(cxm_pls_result_get(indirect, c * c, r, CXM_PLS_INDIRECT_EFFECTS));
        ck_ok(cxm_pls_result_get(specific, routes, r, CXM_PLS_SPECIFIC_INDIRECT_EFFECTS));
        size_t nodes[CHAIN_C], previous[CHAIN_C] = { 0 }, previous_len = 0;
        for (size_t k = 0; k < routes; k++) {
            size_t len = cxm_pls_result_indirect_length(r, k);
            ck_assert(len >= 3 && len <= c);
            ck_ok(cxm_pls_result_indirect_path(nodes, len, r, k));
            double product = 1.0;
            for (size_t u = 0; u + 1 < len; u++) {
                ck_assert(paths[nodes[u] * c + nodes[u + 1]] != 0); /* a path of the model */
                product *= paths[nodes[u] * c + nodes[u + 1]];
            }
            ck_assert_double_eq(specific[k], product);
            sum[nodes[0] * c + nodes[len - 1]] += specific[k];
            /* Lexicographic order: each route after the one before. */
            int after = 0;
            for (size_t u = 0; u < len && u < previous_len && !after; u++) {
                ck_assert(nodes[u] >= previous[u] || after);
                after = nodes[u] > previous[u];
            }
            ck_assert(after || len > previous_len);
            memcpy(previous, nodes, len * sizeof *nodes);
            previous_len = len;
        }
        for (size_t k = 0; k < c * c; k++) {
            ck_near(indirect[k], sum[k], 1e-12);
            ck_near(total[k], paths[k] + sum[k], 1e-12);
        }
        /* The same identity in every resample. */
        cxm_pls_info info;
        ck_ok(cxm_pls_result_info(&info, r));
        double *dp = malloc(info.resamples * c * c * sizeof *dp);
        double *ds = malloc(info.resamples * routes * sizeof *ds);
        ck_ok(cxm_pls_result_bootstrap_draws(dp, info.resamples * c * c, r, CXM_PLS_PATHS));
        ck_ok(cxm_pls_result_bootstrap_draws(ds, info.resamples * routes, r,
                                             CXM_PLS_SPECIFIC_INDIRECT_EFFECTS));
        ck_ok(cxm_pls_result_indirect_path(nodes, cxm_pls_result_indirect_length(r, 0), r, 0));
        for (size_t b = 0; b < info.resamples; b++) {
            double product = 1.0;
            for (size_t u = 0; u + 1 < cxm_pls_result_indirect_length(r, 0); u++)
                product *= dp[b * c * c + nodes[u] * c + nodes[u + 1]];
            ck_assert_double_eq(ds[b * routes], product);
        }
        /* Intervals hold the estimate; structural zeros have no t value. */
        double *lo = stats[t] + 4 * c * c, *hi = lo + c * c, *tv = hi + c * c;
        ck_assert(lo[1] < paths[1] && paths[1] < hi[1]);
        ck_assert(isnan(tv[2]) && lo[2] == 0 && hi[2] == 0);
        ck_fails(cxm_pls_result_indirect_path(nodes, 2, r, 0), CXM_EINVAL, "got room for 2");
        ck_fails(cxm_pls_result_indirect_path(nodes, 3, r, routes), CXM_EINVAL, "does not exist");
        ck_assert_uint_eq(cxm_pls_result_indirect_length(r, routes), 0);
        ck_fails(cxm_pls_result_bootstrap(dp, c * c, r, CXM_PLS_PATHS, (cxm_pls_statistic)10),
                 CXM_EINVAL, "statistic 10");
        free(dp);
        free(ds);
        free(specific);
        cxm_pls_result_free(r);
    }
    ck_assert_msg(memcmp(stats[0], stats[1], total_size * sizeof(double)) == 0,
                  "2 threads changed the BCa statistics");
    /* The expectations -> perceptions -> emotion -> satisfaction -> promote chain is a route. */
    ck_assert_uint_eq(cxm_pls_result_indirect_count(NULL), 0);
    free(stats[0]);
    free(stats[1]);
    /* An older caller's options (version 1, no bca): no BCa statistics. */
    cxm_pls_options old = CXM_PLS_OPTIONS_INIT;
    old.version = 1;
    old.bootstrap = 20;
    old.bca = 1; /* not part of version 1: ignored */
    cxm_pls_result *r = NULL;
    ck_ok(cxm_pls_estimate(&r, m, n, p, x, NULL, &old));
    double dst[CHAIN_C * CHAIN_C];
    ck_fails(cxm_pls_result_bootstrap(dst, c * c, r, CXM_PLS_PATHS, CXM_PLS_BOOT_BCA_LOWER),
             CXM_ESTATE, "option bca");
    ck_ok(cxm_pls_result_bootstrap(dst, c * c, r, CXM_PLS_PATHS, CXM_PLS_BOOT_P_VALUE));
    cxm_pls_result_free(r);
    o.bca = 2;
    ck_fails(cxm_pls_estimate(&r, m, n, p, x, NULL, &o), CXM_EINVAL, "bca must be 0 or 1");
    cxm_pls_model_free(m);
    free(x);
}
END_TEST

/* With one item per construct and one exogenous construct, PLSpredict's
 * prediction of the endogenous item is the training regression of it on
 * the exogenous item: exactly the linear benchmark. */
START_TEST(pls_predict_single_items_equal_the_benchmark)
{
    size_t n = 150;
    double *x = malloc(n * 3 * sizeof *x);
    test_rng rng = { 5 };
    for (size_t i = 0; i < n; i++) {
        x[3 * i] = test_normal(&rng);
        x[3 * i + 1] = 0.6 * x[3 * i] + test_normal(&rng);
        x[3 * i + 2] = 0.5 * x[3 * i + 1] + test_normal(&rng);
    }
    cxm_pls_model *m = NULL;
    ck_ok(cxm_pls_model_from_json(&m, "{\"constructs\": [{\"name\": \"X\", \"items\": [\"x\"]},"
                                      "{\"name\": \"Y\", \"items\": [\"y\"]},"
                                      "{\"name\": \"Z\", \"items\": [\"z\"]}],"
                                      "\"paths\": [[\"X\", \"Y\"], [\"Y\", \"Z\"]]}"));
    cxm_pls_predict_options o = CXM_PLS_PREDICT_OPTIONS_INIT;
    o.folds = 7;
    o.repetitions = 2;
    cxm_pls_prediction *pr = NULL;
    ck_ok(cxm_pls_predict(&pr, m, n, 3, x, NULL, NULL, &o));
    ck_assert_uint_eq(cxm_pls_prediction_count(pr, CXM_PLS_PREDICT_INDICATORS), 2);
    ck_assert_uint_eq(cxm_pls_prediction_count(pr, CXM_PLS_PREDICT_CONSTRUCTS), 2);
    ck_assert_uint_eq(cxm_pls_prediction_index(pr, CXM_PLS_PREDICT_CONSTRUCTS, 1), 2);
    double pls[2], lm[2];
    for (int k = 0; k < 3; k++) {
        ck_ok(cxm_pls_prediction_metric(pls, 2, pr, CXM_PLS_PREDICT_INDICATORS, (cxm_pls_predict_metric)k));
        ck_ok(cxm_pls_prediction_metric(lm, 2, pr, CXM_PLS_PREDICT_INDICATORS,
                                        (cxm_pls_predict_metric)(k + 3)));
        ck_near(pls[0], lm[0], 1e-12); /* y: one regression on x either way */
    }
    /* z from x alone: PLS uses β_xy·β_yz, the benchmark a direct regression; both beat the mean. */
    ck_ok(cxm_pls_prediction_metric(pls, 2, pr, CXM_PLS_PREDICT_INDICATORS, CXM_PLS_PREDICT_Q2));
    ck_assert(pls[0] > 0.15 && pls[1] > 0);
    double *v = malloc(2 * n * sizeof *v), *w = malloc(2 * n * sizeof *w);
    ck_ok(cxm_pls_prediction_values(v, 2 * n, pr, CXM_PLS_PREDICT_INDICATORS, CXM_PLS_PREDICT_PLS));
    ck_ok(cxm_pls_prediction_values(w, 2 * n, pr, CXM_PLS_PREDICT_INDICATORS, CXM_PLS_PREDICT_LM));
    for (size_t i = 0; i < n; i++)
        ck_near(v[2 * i], w[2 * i], 1e-12);
    ck_ok(cxm_pls_prediction_values(w, 2 * n, pr, CXM_PLS_PREDICT_INDICATORS, CXM_PLS_PREDICT_ACTUAL));
    ck_assert_double_eq(w[1], x[2]);
    free(v);
    free(w);
    cxm_pls_prediction_free(pr);
    cxm_pls_model_free(m);
    free(x);
}
END_TEST

/* PLSpredict's folds, numbers and errors: the same for any number of
 * threads, folds of nearly equal size, respondents left out marked. */
START_TEST(pls_predict_folds_threads_and_errors)
{
    size_t p, n = 203;
    double *x = simulate_chain(n, 23, &p);
    x[4 * p + 1] = NAN; /* respondent 4 is left out (listwise) */
    cxm_pls_model *m = chain_model(0);
    cxm_pls_predict_options o = CXM_PLS_PREDICT_OPTIONS_INIT;
    o.folds = 5;
    o.repetitions = 3;
    o.seed = 77;
    cxm_pls_prediction *pr[2] = { NULL, NULL };
    size_t ni = 0, nc = 0;
    double *v[2];
    size_t *folds[2];
    for (int t = 0; t < 2; t++) {
        o.threads = (size_t)t + 1;
        o.approach = CXM_PLS_DIRECT_ANTECEDENTS;
        ck_ok(cxm_pls_predict(&pr[t], m, n, p, x, NULL, NULL, &o));
        ni = cxm_pls_prediction_count(pr[t], CXM_PLS_PREDICT_INDICATORS);
        nc = cxm_pls_prediction_count(pr[t], CXM_PLS_PREDICT_CONSTRUCTS);
        v[t] = malloc((6 * ni + 3 * nc + 2 * n * ni) * sizeof(double));
        for (int k = 0; k < 6; k++)
            ck_ok(cxm_pls_prediction_metric(v[t] + k * ni, ni, pr[t], CXM_PLS_PREDICT_INDICATORS,
                                            (cxm_pls_predict_metric)k));
        for (int k = 0; k < 3; k++)
            ck_ok(cxm_pls_prediction_metric(v[t] + 6 * ni + k * nc, nc, pr[t],
                                            CXM_PLS_PREDICT_CONSTRUCTS, (cxm_pls_predict_metric)k));
        ck_ok(cxm_pls_prediction_values(v[t] + 6 * ni + 3 * nc, n * ni, pr[t],
                                        CXM_PLS_PREDICT_INDICATORS, CXM_PLS_PREDICT_PLS));
        ck_ok(cxm_pls_prediction_values(v[t] + 6 * ni + 3 * nc + n * ni, n * ni, pr[t],
                                        CXM_PLS_PREDICT_INDICATORS, CXM_PLS_PREDICT_LM));
        folds[t] = malloc(n * 3 * sizeof(size_t));
        ck_ok(cxm_pls_prediction_folds(folds[t], n * 3, pr[t]));
    }
    size_t bytes = (6 * ni + 3 * nc + 2 * n * ni) * sizeof(double);
    ck_assert_msg(memcmp(v[0], v[1], bytes) == 0, "2 threads changed the predictions");
    ck_assert(memcmp(folds[0], folds[1], n * 3 * sizeof(size_t)) == 0);
    cxm_pls_predict_info info;
    ck_ok(cxm_pls_prediction_info(&info, pr[0]));
    ck_assert_uint_eq(info.rows, n - 1);
    ck_assert_uint_eq(info.rows_dropped, 1);
    ck_assert_int_eq(info.approach, CXM_PLS_DIRECT_ANTECEDENTS);
    ck_assert_uint_eq(ni, 15); /* every construct but Expectations (3 items) */
    for (size_t rep = 0; rep < 3; rep++) {
        size_t sizes[5] = { 0 };
        for (size_t i = 0; i < n; i++) {
            size_t f = folds[0][i * 3 + rep];
            if (i == 4) {
                ck_assert_uint_eq(f, SIZE_MAX);
                continue;
            }
            ck_assert_uint_lt(f, 5);
            sizes[f]++;
        }
        for (int f = 0; f < 5; f++)
            ck_assert(sizes[f] == 40 || sizes[f] == 41);
    }
    ck_assert(folds[0][0] != folds[0][1] || folds[0][0] != folds[0][2] ||
              folds[0][3] != folds[0][5]); /* repetitions redraw the folds */
    ck_assert(isnan(v[0][6 * ni + 3 * nc + 4 * ni]) && !isnan(v[0][6 * ni + 3 * nc]));
    double d[64];
    ck_fails(cxm_pls_prediction_metric(d, nc, pr[0], CXM_PLS_PREDICT_CONSTRUCTS, CXM_PLS_PREDICT_LM_Q2),
             CXM_EINVAL, "predicts indicators, not constructs");
    ck_fails(cxm_pls_prediction_metric(d, ni, pr[0], CXM_PLS_PREDICT_INDICATORS, (cxm_pls_predict_metric)6),
             CXM_EINVAL, "metric 6");
    ck_fails(cxm_pls_prediction_metric(d, 3, pr[0], CXM_PLS_PREDICT_INDICATORS, CXM_PLS_PREDICT_RMSE),
             CXM_EINVAL, "got room for 3");
    ck_fails(cxm_pls_prediction_values(d, 3, pr[0], CXM_PLS_PREDICT_CONSTRUCTS, CXM_PLS_PREDICT_LM),
             CXM_EINVAL, "values");
    ck_fails(cxm_pls_prediction_folds(folds[1], 3, pr[0]), CXM_EINVAL, "rows × repetitions");
    ck_assert_uint_eq(cxm_pls_prediction_index(pr[0], CXM_PLS_PREDICT_INDICATORS, ni), SIZE_MAX);
    ck_assert_uint_eq(cxm_pls_prediction_count(NULL, CXM_PLS_PREDICT_INDICATORS), 0);
    char *json = NULL;
    ck_ok(cxm_pls_prediction_to_json(&json, pr[0]));
    ck_assert_ptr_nonnull(strstr(json, "\"q2_predict\""));
    ck_assert_ptr_nonnull(strstr(json, "\"direct antecedents\""));
    cxm_free(json);
    for (int t = 0; t < 2; t++) {
        cxm_pls_prediction_free(pr[t]);
        free(v[t]);
        free(folds[t]);
    }
    cxm_pls_prediction *bad = NULL;
    o.folds = 1;
    ck_fails(cxm_pls_predict(&bad, m, n, p, x, NULL, NULL, &o), CXM_EINVAL, "at least 2 folds");
    o.folds = 203; /* more than the 202 complete respondents */
    ck_fails(cxm_pls_predict(&bad, m, n, p, x, NULL, NULL, &o), CXM_EINVAL, "203 folds");
    o.folds = 10;
    o.approach = (cxm_pls_predict_approach)5;
    ck_fails(cxm_pls_predict(&bad, m, n, p, x, NULL, NULL, &o), CXM_EINVAL, "approach 5");
    o.approach = CXM_PLS_EARLIEST_ANTECEDENTS;
    o.version = 2;
    ck_fails(cxm_pls_predict(&bad, m, n, p, x, NULL, NULL, &o), CXM_EINVAL, "version");
    ck_assert_ptr_null(bad);
    cxm_pls_prediction_free(NULL);
    cxm_pls_model_free(m);
    free(x);
}
END_TEST

START_TEST(pls_estimate_errors)
{
    cxm_pls_model *m = small_model();
    const char *names[6] = { "q1", "q2", "s1", "s2", "l1", "l2" };
    double x[5 * 6];
    test_rng rng = { 3 };
    for (int i = 0; i < 30; i++)
        x[i] = floor(1 + 9 * test_uniform(&rng));
    cxm_pls_result *r = NULL;
    cxm_pls_options o = CXM_PLS_OPTIONS_INIT;
    ck_ok(cxm_pls_estimate(&r, m, 5, 6, x, names, &o));
    cxm_pls_info info;
    ck_ok(cxm_pls_result_info(&info, r));
    ck_assert_uint_eq(info.rows, 5);
    double dst[6];
    ck_fails(cxm_pls_result_get(dst, 5, r, CXM_PLS_WEIGHTS), CXM_EINVAL, "has 6 values, got room for 5");
    ck_fails(cxm_pls_result_get(dst, 6, r, (cxm_pls_quantity)40), CXM_EINVAL, "quantity 40");
    ck_fails(cxm_pls_result_bootstrap(dst, 6, r, CXM_PLS_WEIGHTS, CXM_PLS_BOOT_MEAN), CXM_ESTATE,
             "no bootstrap resamples");
    ck_assert_uint_eq(cxm_pls_result_size(r, CXM_PLS_PATHS), 9);
    ck_assert_str_eq(cxm_pls_model_construct_name(cxm_pls_result_model(r), 2), "Loyalty");
    ck_assert_ptr_null(cxm_pls_result_model(NULL));
    ck_assert_uint_eq(cxm_pls_result_size(r, (cxm_pls_quantity)15), 0);
    ck_assert_uint_eq(cxm_pls_result_size(r, CXM_PLS_INDIRECT_EFFECTS), 9);
    ck_assert_uint_eq(cxm_pls_result_size(r, CXM_PLS_HETEROTRAIT_MONOTRAIT), 9);
    cxm_pls_result_free(r);

    /* Missing answers: listwise drops the row, mean replacement keeps it. */
    x[7] = NAN;
    ck_ok(cxm_pls_estimate(&r, m, 5, 6, x, names, &o));
    ck_ok(cxm_pls_result_info(&info, r));
    ck_assert_uint_eq(info.rows, 4);
    ck_assert_uint_eq(info.rows_dropped, 1);
    cxm_pls_result_free(r);
    o.missing = CXM_PLS_MEAN_REPLACEMENT;
    ck_ok(cxm_pls_estimate(&r, m, 5, 6, x, names, &o));
    ck_ok(cxm_pls_result_info(&info, r));
    ck_assert_uint_eq(info.rows, 5);
    double scores[15];
    ck_ok(cxm_pls_result_scores(scores, 15, r, 5, 6, x, names, 0));
    ck_assert(isnan(scores[1 * 3 + 0])); /* row 1 lacks q2: its Quality score is missing */
    ck_assert(!isnan(scores[1 * 3 + 1]));
    cxm_pls_result_free(r);
    o.missing = CXM_PLS_LISTWISE;
    x[7] = 4;

    const char *bad_names[6] = { "q1", "q2", "s1", "s2", "l1", "lx" };
    ck_fails(cxm_pls_estimate(&r, m, 5, 6, x, bad_names, &o), CXM_ENOTFOUND, "no column 'l2'");
    ck_assert_ptr_null(r);
    ck_fails(cxm_pls_estimate(&r, m, 5, 5, x, NULL, &o), CXM_EINVAL, "one column per model item (6), got 5");
    ck_fails(cxm_pls_estimate(&r, m, 3, 6, x, names, &o), CXM_EDOMAIN, "too few");
    o.version = 99;
    ck_fails(cxm_pls_estimate(&r, m, 5, 6, x, names, &o), CXM_EINVAL, "options version 99");
    o.version = CXM_PLS_OPTIONS_VERSION;
    o.tolerance = 0;
    ck_fails(cxm_pls_estimate(&r, m, 5, 6, x, names, &o), CXM_EINVAL, "tolerance 0");
    o.tolerance = 1e-7;
    o.max_iterations = 1;
    ck_fails(cxm_pls_estimate(&r, m, 5, 6, x, names, &o), CXM_ECONVERGE, "did not converge in 1 iterations");
    o.max_iterations = 300;
    double constant[30];
    memcpy(constant, x, sizeof constant);
    for (int i = 0; i < 5; i++)
        constant[i * 6 + 4] = 3;
    ck_fails(cxm_pls_estimate(&r, m, 5, 6, constant, names, &o), CXM_EDOMAIN, "column 'l1' does not vary");
    ck_ok(cxm_pls_model_set_scale(m, "Quality", 1, 5));
    ck_fails(cxm_pls_estimate(&r, m, 5, 6, x, names, &o), CXM_EINVAL, "is outside the scale [1, 5]");
    cxm_pls_model_free(m);

    cxm_pls_model *lonely = NULL;
    ck_ok(cxm_pls_model_from_json(&lonely, "{\"constructs\": [{\"name\": \"A\", \"items\": [\"a\"]},"
                                           "{\"name\": \"B\", \"items\": [\"b\"]}, {\"name\": \"C\", \"items\": [\"c\"]}],"
                                           "\"paths\": [[\"A\", \"B\"]]}"));
    ck_fails(cxm_pls_estimate(&r, lonely, 5, 3, x, NULL, &o), CXM_EINVAL, "construct 'C' is on no path");
    cxm_pls_model_free(lonely);
    ck_ok(cxm_pls_model_create(&lonely));
    ck_fails(cxm_pls_estimate(&r, lonely, 5, 0, x, NULL, &o), CXM_EINVAL, "at least two constructs");
    cxm_pls_model_free(lonely);
}
END_TEST

START_TEST(pls_collinear_mode_b_block)
{
    cxm_pls_model *m = small_model();
    const char *names[6] = { "q1", "q2", "s1", "s2", "l1", "l2" };
    double x[8 * 6];
    test_rng rng = { 9 };
    for (int i = 0; i < 48; i++)
        x[i] = test_normal(&rng);
    for (int i = 0; i < 8; i++)
        x[i * 6 + 5] = 2 * x[i * 6 + 4] + 1; /* l2 is a function of l1 */
    cxm_pls_result *r = NULL;
    ck_fails(cxm_pls_estimate(&r, m, 8, 6, x, names, NULL), CXM_EDOMAIN,
             "items of Mode B construct 'Loyalty' are collinear");
    cxm_pls_model_free(m);
}
END_TEST

/* Issue 14: identical items left a rounding-sized positive pivot (1 − r² ≈ 4e-16)
 * in about one sample in four, and the block was fitted with arbitrary
 * weights. Every sample, every kind of dependence must be refused, naming the
 * items. */
START_TEST(pls_mode_b_dependence_is_always_found)
{
    const char *names[7] = { "q1", "q2", "s1", "s2", "l1", "l2", "l3" };
    enum { N = 40, P = 7 };
    double x[N * P];
    for (int kind = 0; kind < 3; kind++) {
        cxm_pls_model *m = small_model();
        ck_ok(cxm_pls_model_add_item(m, "Loyalty", "l3"));
        for (unsigned seed = 1; seed <= 60; seed++) {
            test_rng rng = { seed };
            for (int i = 0; i < N * P; i++)
                x[i] = test_normal(&rng);
            for (int i = 0; i < N; i++) {
                double *row = x + i * P;
                if (kind == 0)
                    row[5] = row[4]; /* l2 repeats l1 */
                else if (kind == 1)
                    row[5] = 0.1 * row[4] + 7; /* l2 rescales l1 */
                else
                    row[6] = row[4] - 3 * row[5]; /* l3 from l1 and l2 */
            }
            cxm_pls_result *r = NULL;
            ck_assert_int_eq(cxm_pls_estimate(&r, m, N, P, x, names, NULL), CXM_EDOMAIN);
            ck_assert_ptr_null(r);
            ck_assert_str_eq(cxm_error_message(),
                             kind < 2 ? "the items of Mode B construct 'Loyalty' are collinear: "
                                        "'l2' is a linear combination of 'l1'"
                                      : "the items of Mode B construct 'Loyalty' are collinear: "
                                        "'l3' is a linear combination of 'l1', 'l2'");
        }
        /* Independent items still fit. */
        test_rng rng = { 99 };
        for (int i = 0; i < N * P; i++)
            x[i] = test_normal(&rng);
        cxm_pls_result *r = NULL;
        ck_ok(cxm_pls_estimate(&r, m, N, P, x, names, NULL));
        cxm_pls_result_free(r);
        cxm_pls_model_free(m);
    }
}
END_TEST

START_TEST(pls_json_report_and_value_of_driver)
{
    size_t p, n = 500;
    double *x = simulate_chain(n, 77, &p);
    cxm_pls_model *m = chain_model(0);
    ck_ok(cxm_pls_model_set_target(m, "Satisfaction"));
    cxm_pls_options o = CXM_PLS_OPTIONS_INIT;
    o.bootstrap = 20;
    cxm_pls_result *r = NULL;
    ck_ok(cxm_pls_estimate(&r, m, n, p, x, NULL, &o));
    char *json = NULL;
    ck_ok(cxm_pls_result_to_json(&json, r));
    ck_assert_ptr_nonnull(strstr(json, "\"importance_performance\""));
    ck_assert_ptr_nonnull(strstr(json, "\"resamples\":\t20"));
    ck_assert_ptr_nonnull(strstr(json, "\"std_error\""));
    cxm_free(json);
    cxm_logit retention = { 0 };
    retention.intercept = -3;
    retention.slope = 0.08;
    cxm_value_link v;
    ck_ok(cxm_pls_value_of_driver(&v, r, 2, 3, 1, &retention, 100, 0.1, CXM_CASH_END, 1000));
    double effects[CHAIN_C * CHAIN_C], indices[CHAIN_C];
    ck_ok(cxm_pls_result_get(effects, CHAIN_C * CHAIN_C, r, CXM_PLS_TOTAL_EFFECTS_INDEX));
    ck_ok(cxm_pls_result_get(indices, CHAIN_C, r, CXM_PLS_INDICES));
    ck_assert_double_eq(v.satisfaction, indices[3]);
    ck_near(v.improved_satisfaction - v.satisfaction, effects[2 * CHAIN_C + 3], 1e-12);
    ck_assert(v.gain > 0);
    ck_fails(cxm_pls_value_of_driver(&v, r, 9, 3, 1, &retention, 100, 0.1, CXM_CASH_END, 1),
             CXM_EINVAL, "construct 9 does not exist");
    cxm_pls_result_free(r);
    cxm_pls_model_free(m);
    free(x);
}
END_TEST

typedef struct pls_chaos { const double *x; size_t n, p; } pls_chaos;

static int pls_scenario(void *context)
{
    const pls_chaos *c = context;
    cxm_pls_model *m = NULL, *copy = NULL;
    cxm_pls_result *r = NULL;
    char *text = NULL, *report = NULL;
    double scores[7 * 10];
    int status = cxm_pls_model_preset(&m, "chain");
    if (status == CXM_OK)
        status = cxm_pls_model_to_json(&text, m);
    if (status == CXM_OK)
        status = cxm_pls_model_from_json(&copy, text);
    cxm_pls_options o = CXM_PLS_OPTIONS_INIT;
    o.bootstrap = 40;
    o.threads = 2;
    o.bca = 1;
    if (status == CXM_OK) {
        /* The chain preset's items have other names: estimate by position. */
        cxm_pls_model_free(copy);
        copy = NULL;
        status = cxm_pls_estimate(&r, m, c->n, c->p, c->x, NULL, &o);
    }
    if (status == CXM_OK)
        status = cxm_pls_result_to_json(&report, r);
    if (status == CXM_OK)
        status = cxm_pls_result_scores(scores, 70, r, 10, c->p, c->x, NULL, 1);
    cxm_pls_prediction *pr = NULL;
    cxm_pls_predict_options po = CXM_PLS_PREDICT_OPTIONS_INIT;
    po.folds = 4;
    po.threads = 2;
    if (status == CXM_OK)
        status = cxm_pls_predict(&pr, m, c->n, c->p, c->x, NULL, &o, &po);
    if (status == CXM_OK) {
        cxm_free(report);
        report = NULL;
        status = cxm_pls_prediction_to_json(&report, pr);
    }
    cxm_pls_prediction_free(pr);
    cxm_free(text);
    cxm_free(report);
    cxm_pls_result_free(r);
    cxm_pls_model_free(copy);
    cxm_pls_model_free(m);
    return status;
}

START_TEST(pls_out_of_memory)
{
    size_t p, n = 200;
    double *x = simulate_chain(n, 11, &p);
    /* The preset's scale is 1-10: move the simulated answers into it. */
    for (size_t i = 0; i < n * p; i++)
        x[i] = fmin(10, fmax(1, x[i]));
    pls_chaos context = { x, n, p };
    ck_assert_int_gt(chaos_run(pls_scenario, &context, "pls"), 0);
    free(x);
}
END_TEST

/* ------------------------------------------------------------------ survey files */

static void data_path(char *dst, size_t size, const char *name)
{
    const char *top = getenv("top_srcdir");
    snprintf(dst, size, "%s/tests/data/chain/%s", top ? top : "..", name);
}

START_TEST(survey_nps_published_case)
{
    char path[4096];
    data_path(path, sizeof path, "nps.csv");
    cxm_survey *s = NULL;
    const char *two[2] = { "id", "recommend" };
    ck_ok(cxm_survey_read(&s, path, 2, two, NULL));
    ck_assert_uint_eq(cxm_survey_rows(s), 103);
    ck_assert_uint_eq(cxm_survey_columns(s), 2);
    ck_assert_str_eq(cxm_survey_column_name(s, 1), "recommend");
    ck_assert_ptr_null(cxm_survey_column_name(s, 2));
    cxm_survey_free(s);
    /* By number: the second column. */
    const char *columns[1] = { "2" };
    cxm_survey *answers = NULL;
    ck_ok(cxm_survey_read(&answers, path, 1, columns, NULL));
    cxm_nps_estimate e;
    ck_ok(cxm_survey_nps(&e, answers, "recommend", 0.95));
    ck_assert_double_eq(e.respondents, 100);
    ck_near(e.nps, 30, 1e-12);
    ck_near(e.std_error, 7.8102, 5e-5);
    ck_near(e.adjusted_lower, 14.051, 5e-4);
    double column[103];
    ck_ok(cxm_survey_column(column, 103, answers, "recommend"));
    size_t missing = 0;
    for (int i = 0; i < 103; i++)
        missing += isnan(column[i]);
    ck_assert_uint_eq(missing, 3);
    ck_fails(cxm_survey_column(column, 100, answers, "recommend"), CXM_EINVAL, "has 103 rows");
    ck_fails(cxm_survey_nps(&e, answers, "channel", 0.95), CXM_ENOTFOUND, "no column 'channel'");
    cxm_survey_free(answers);
}
END_TEST

START_TEST(survey_read_errors)
{
    char path[4096];
    cxm_survey *s = (cxm_survey *)&s;
    data_path(path, sizeof path, "nps.csv");
    ck_fails(cxm_survey_read(&s, path, 0, NULL, NULL), CXM_EPARSE,
             "column 'channel': 'store' is not a number");
    ck_assert_ptr_null(s);
    const char *twice[2] = { "recommend", "2" };
    ck_fails(cxm_survey_read(&s, path, 2, twice, NULL), CXM_EINVAL, "asked for twice");
    const char *none[1] = { "likely" };
    ck_fails(cxm_survey_read(&s, path, 1, none, NULL), CXM_ENOTFOUND, "no column 'likely'");
    data_path(path, sizeof path, "no-such-file.csv");
    ck_assert_int_eq(cxm_survey_read(&s, path, 0, NULL, NULL), CXM_EIO);
    /* Skipping bad rows: the bad row goes, the count is kept. */
    char copy[] = "/tmp/cxm-survey-XXXXXX";
    int fd = mkstemp(copy);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs("a;b\n1;2\nx;3\n4;NA\n", f);
    fclose(f);
    cxm_csv_options o = CXM_CSV_OPTIONS_INIT;
    o.delimiter = ';';
    ck_fails(cxm_survey_read(&s, copy, 0, NULL, &o), CXM_EPARSE, ":3: column 'a': 'x' is not a number");
    o.skip_bad_rows = 1;
    ck_ok(cxm_survey_read(&s, copy, 0, NULL, &o));
    ck_assert_uint_eq(cxm_survey_rows(s), 2);
    ck_assert_uint_eq(cxm_survey_skipped(s), 1);
    double b[2];
    ck_ok(cxm_survey_column(b, 2, s, "b"));
    ck_assert_double_eq(b[0], 2);
    ck_assert(isnan(b[1]));
    cxm_survey_free(s);
    remove(copy);
}
END_TEST

START_TEST(survey_pls)
{
    char path[4096];
    data_path(path, sizeof path, "survey.csv");
    cxm_survey *s = NULL;
    const char *items[5] = { "q1", "q2", "q3", "s1", "s2" };
    ck_ok(cxm_survey_read(&s, path, 5, items, NULL));
    cxm_pls_model *m = NULL;
    ck_ok(cxm_pls_model_from_json(&m,
        "{\"scale\": [1, 10], \"constructs\": [{\"name\": \"Q\", \"items\": [\"q1\", \"q2\", \"q3\"]},"
        "{\"name\": \"S\", \"items\": [\"s1\", \"s2\"]}], \"paths\": [[\"Q\", \"S\"]]}"));
    cxm_pls_result *r = NULL;
    ck_ok(cxm_survey_pls(&r, s, m, NULL));
    cxm_pls_info info;
    ck_ok(cxm_pls_result_info(&info, r));
    ck_assert_uint_eq(info.rows, 149);
    /* One path: its coefficient is the correlation of the two composites. */
    double paths[4], cor[4];
    ck_ok(cxm_pls_result_get(paths, 4, r, CXM_PLS_PATHS));
    ck_ok(cxm_pls_result_get(cor, 4, r, CXM_PLS_CONSTRUCT_CORRELATIONS));
    ck_near(paths[1], cor[1], 1e-12);
    cxm_pls_result_free(r);
    cxm_pls_model_free(m);
    ck_ok(cxm_pls_model_preset(&m, "ecsi"));
    ck_fails(cxm_survey_pls(&r, s, m, NULL), CXM_ENOTFOUND, "no column 'IMAG1'");
    cxm_pls_prediction *pr = NULL;
    ck_fails(cxm_survey_pls_predict(&pr, s, m, NULL, NULL), CXM_ENOTFOUND, "no column 'IMAG1'");
    cxm_pls_model_free(m);
    ck_ok(cxm_pls_model_from_json(&m,
        "{\"constructs\": [{\"name\": \"Q\", \"items\": [\"q1\", \"q2\", \"q3\"]},"
        "{\"name\": \"S\", \"items\": [\"s1\", \"s2\"]}], \"paths\": [[\"Q\", \"S\"]]}"));
    ck_ok(cxm_survey_pls_predict(&pr, s, m, NULL, NULL));
    cxm_pls_predict_info pinfo;
    ck_ok(cxm_pls_prediction_info(&pinfo, pr));
    ck_assert_uint_eq(pinfo.rows, 149);
    ck_assert_uint_eq(pinfo.folds, 10);
    cxm_pls_prediction_free(pr);
    ck_fails(cxm_survey_pls_predict(&pr, NULL, m, NULL, NULL), CXM_EINVAL, "survey");
    cxm_pls_model_free(m);
    cxm_survey_free(s);
}
END_TEST

static int survey_scenario(void *context)
{
    const char *path = context;
    cxm_survey *s = NULL;
    cxm_pls_model *m = NULL;
    cxm_pls_result *r = NULL;
    cxm_nps_estimate e;
    int status = cxm_survey_read(&s, path, 0, NULL, NULL);
    if (status == CXM_OK)
        status = cxm_survey_nps(&e, s, "q1", 0.95);
    if (status == CXM_OK)
        status = cxm_pls_model_from_json(&m, "{\"constructs\": [{\"name\": \"Q\", \"items\": [\"q1\", \"q2\"]},"
                                             "{\"name\": \"S\", \"items\": [\"s1\", \"s2\"]}], \"paths\": [[\"Q\", \"S\"]]}");
    if (status == CXM_OK)
        status = cxm_survey_pls(&r, s, m, NULL);
    cxm_pls_result_free(r);
    cxm_pls_model_free(m);
    cxm_survey_free(s);
    return status;
}

START_TEST(survey_out_of_memory)
{
    char path[4096];
    data_path(path, sizeof path, "survey.csv");
    /* The respondent ids are text: read a copy without them. */
    char copy[] = "/tmp/cxm-survey-XXXXXX";
    int fd = mkstemp(copy);
    ck_assert_int_ge(fd, 0);
    FILE *in = fopen(path, "r"), *out = fdopen(fd, "w");
    char line[256];
    while (fgets(line, sizeof line, in))
        fputs(strchr(line, ',') + 1, out);
    fclose(in);
    fclose(out);
    ck_assert_int_gt(chaos_run(survey_scenario, copy, "survey"), 0);
    remove(copy);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("chain");
    TCase *tc = tcase_create("peak-end");
    tcase_add_test(tc, peak_end_published_cases);
    tcase_add_test(tc, peak_keeps_its_sign_and_the_first_tie_counts);
    tcase_add_test(tc, peak_end_many_matches_single);
    tcase_add_test(tc, peak_end_errors);
    suite_add_tcase(s, tc);

    tc = tcase_create("instruments");
    tcase_add_test(tc, nps_published_cases);
    tcase_add_test(tc, nps_from_scores_classifies_and_skips_missing);
    tcase_add_test(tc, nps_compare_matches_hand_computation);
    tcase_add_test(tc, nps_errors);
    tcase_add_test(tc, csat_and_ces);
    tcase_add_test(tc, servqual_published_case);
    tcase_add_test(tc, servqual_custom_layout_missing_answers_and_per_respondent_weights);
    tcase_add_test(tc, servqual_errors);
    tcase_add_test(tc, servqual_out_of_memory);
    tcase_add_test(tc, kano_table_and_published_case);
    tcase_add_test(tc, kano_ties_follow_m_o_a_i);
    tcase_add_test(tc, kano_errors);
    suite_add_tcase(s, tc);

    tc = tcase_create("primitives");
    tcase_add_test(tc, adaptive_expectations_published_case);
    tcase_add_test(tc, delight_classes);
    tcase_add_test(tc, valence_rules);
    suite_add_tcase(s, tc);

    tc = tcase_create("value link");
    tcase_add_test(tc, value_link_published_case);
    tcase_add_test(tc, satisfaction_index_published_case);
    tcase_add_test(tc, logit_fit_matches_reference);
    tcase_add_test(tc, logit_fit_recovers_simulated_parameters);
    tcase_add_test(tc, logit_fit_errors);
    suite_add_tcase(s, tc);

    tc = tcase_create("pls");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, pls_model_building_and_names);
    tcase_add_test(tc, pls_model_json_round_trip_and_errors);
    tcase_add_test(tc, pls_presets);
    tcase_add_test(tc, pls_recovers_simulated_paths);
    tcase_add_test(tc, pls_bootstrap_is_reproducible_across_threads);
    tcase_add_test(tc, pls_bca_and_indirect_effects);
    tcase_add_test(tc, pls_predict_single_items_equal_the_benchmark);
    tcase_add_test(tc, pls_predict_folds_threads_and_errors);
    tcase_add_test(tc, pls_estimate_errors);
    tcase_add_test(tc, pls_collinear_mode_b_block);
    tcase_add_test(tc, pls_mode_b_dependence_is_always_found);
    tcase_add_test(tc, pls_json_report_and_value_of_driver);
    tcase_add_test(tc, pls_out_of_memory);
    suite_add_tcase(s, tc);

    tc = tcase_create("survey files");
    tcase_add_test(tc, survey_nps_published_case);
    tcase_add_test(tc, survey_read_errors);
    tcase_add_test(tc, survey_pls);
    tcase_add_test(tc, survey_out_of_memory);
    suite_add_tcase(s, tc);
    return cxm_check_run(s);
}
