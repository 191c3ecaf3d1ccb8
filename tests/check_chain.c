/* The emotion chain: MODELS.md 2.5 (peak-end, Kahneman et al. 1993). */
#include <check.h>
#include <math.h>
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

/* ------------------------------------------------------------------ NPS (MODELS.md 3.2) */

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

/* MODELS.md 3.2: E = 6 everywhere but reliability (items 5-9) 7; P = 5
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

/* ------------------------------------------------------------------ value link (MODELS.md 3.4) */

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
    return cxm_check_run(s);
}
