/* BG/BB through the public API: the donations data of Fader, Hardie & Shang
 * (2010), closed forms against direct sums, probabilities, recovery from
 * simulated donors, long histories and bad rows. */
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

/* tests/data/donations.csv (lifetimes, MIT): frequency, recency, periods,
 * weights; 22 patterns of 11,104 donors of the 1995 cohort, 6 opportunities. */
enum { DON_N = 22 };
static double don_x[DON_N], don_tx[DON_N], don_n[DON_N], don_w[DON_N];

static void load_donations(void)
{
    static int loaded = 0;
    if (loaded)
        return;
    const char *top = getenv("top_srcdir");
    char path[4096], line[256];
    snprintf(path, sizeof path, "%s/tests/data/donations.csv", top ? top : "..");
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    int k = 0;
    while (k < DON_N && fgets(line, sizeof line, f))
        if (sscanf(line, "%lf,%lf,%lf,%lf", &don_x[k], &don_tx[k], &don_n[k], &don_w[k]) == 4)
            k++;
    fclose(f);
    ck_assert_int_eq(k, DON_N);
    loaded = 1;
}

static cxm_model *fit_donations(void)
{
    load_donations();
    cxm_model *m = NULL;
    ck_assert_cxm_ok(cxm_model_create(&m, CXM_MODEL_BGBB));
    ck_assert_cxm_ok(cxm_model_fit(m, DON_N, don_x, don_tx, don_n, don_w, NULL));
    return m;
}

START_TEST(donations_published_estimates)
{
    cxm_model *m = fit_donations();
    double p[4], se[4], ll;
    static const double published[4] = { 1.204, 0.750, 0.657, 2.783 };
    ck_assert_cxm_ok(cxm_model_params(p, 4, m));
    for (int i = 0; i < 4; i++)
        ck_assert_msg(fabs(p[i] - published[i]) <= 0.0005, "%s = %.6f, published %.3f",
                      cxm_model_param_name(m, i), p[i], published[i]);
    ck_assert_cxm_ok(cxm_model_log_likelihood(&ll, m));
    ck_assert_msg(fabs(ll - -33225.6) <= 0.1, "LL %.4f", ll);
    /* The maximum found by an independent Nelder-Mead + BFGS fit in Python. */
    ck_assert_msg(ll >= -33225.58128, "LL %.6f below scipy's -33225.581274", ll);
    ck_assert_cxm_ok(cxm_model_standard_errors(se, 4, m));
    for (int i = 0; i < 4; i++)
        ck_assert(se[i] > 0 && isfinite(se[i]));

    /* Sum over donors of the expected donations in the next 5 opportunities. */
    double next5[DON_N], t5[DON_N], total = 0;
    for (int i = 0; i < DON_N; i++)
        t5[i] = 5;
    ck_assert_cxm_ok(cxm_model_conditional_purchases(next5, DON_N, m, t5, don_x, don_tx, don_n));
    for (int i = 0; i < DON_N; i++)
        total += don_w[i] * next5[i];
    ck_assert_msg(fabs(total - 12884.2) <= 0.5, "sum of E[X(6, 11)] %.3f", total);

    /* P(alive in 2002, the 7th opportunity) for patterns of the paper's
     * Table 6 (docs/models.md §1.8): 0.11, 0.59, 0.93. */
    double px[3] = { 0, 2, 6 }, ptx[3] = { 0, 4, 6 }, pn[3] = { 6, 6, 6 }, alive[3];
    ck_assert_cxm_ok(cxm_model_p_alive(alive, 3, m, px, ptx, pn));
    ck_assert_double_eq_tol(alive[0], 0.11, 0.005);
    ck_assert_double_eq_tol(alive[1], 0.59, 0.005);
    ck_assert_double_eq_tol(alive[2], 0.93, 0.005);
    cxm_model_free(m);
}
END_TEST

/* ln L of one history by the paper's formula, term by term with lgamma. */
static double direct_loglik(const double *p, double x, double tx, double n)
{
    double a = p[0], b = p[1], g = p[2], d = p[3];
#define LB(u, v) (lgamma(u) + lgamma(v) - lgamma((u) + (v)))
    double first = LB(a + x, b + n - x) - LB(a, b) + LB(g, d + n) - LB(g, d);
    double top = first, sum = 1;
    for (double i = 0; i < n - tx; i++) {
        double l = LB(a + x, b + tx - x + i) - LB(a, b) + LB(g + 1, d + tx + i) - LB(g, d);
        if (l > top) {
            sum = sum * exp(top - l) + 1;
            top = l;
        } else {
            sum += exp(l - top);
        }
    }
#undef LB
    return top + log(sum);
}

START_TEST(likelihood_matches_the_paper_term_by_term)
{
    static const double params[][4] = { { 1.204, 0.750, 0.657, 2.783 }, { 0.3, 4.0, 2.0, 0.5 },
                                        { 20, 0.1, 0.01, 50 } };
    static const double rows[][3] = { { 0, 0, 6 }, { 3, 5, 6 }, { 1, 1, 40 }, { 17, 300, 1000 },
                                      { 0, 0, 10000 }, { 9000, 9500, 10000 } };
    for (size_t k = 0; k < 3; k++) {
        cxm_model *m = NULL;
        ck_assert_cxm_ok(cxm_model_create(&m, CXM_MODEL_BGBB));
        ck_assert_cxm_ok(cxm_model_set_params(m, params[k], 4));
        for (size_t r = 0; r < 6; r++) {
            double cols[3] = { rows[r][0], rows[r][1], rows[r][2] }, ll;
            ck_assert_cxm_ok(cxm_model_log_likelihood_of(&ll, m, 1, cols, NULL));
            double want = direct_loglik(params[k], cols[0], cols[1], cols[2]);
            ck_assert_msg(fabs(ll - want) <= 1e-9 * (1 + fabs(want)), "params %zu row %zu: %.12g vs %.12g",
                          k, r, ll, want);
        }
        cxm_model_free(m);
    }
}
END_TEST

START_TEST(closed_forms_match_direct_sums)
{
    static const double params[][4] = { { 1.204, 0.750, 0.657, 2.783 }, { 0.5, 2, 1.0, 3 },
                                        { 2, 1, 1 + 1e-9, 0.7 }, { 0.7, 0.7, 5.5, 200 } };
    for (size_t k = 0; k < 4; k++) {
        cxm_model *m = NULL;
        ck_assert_cxm_ok(cxm_model_create(&m, CXM_MODEL_BGBB));
        ck_assert_cxm_ok(cxm_model_set_params(m, params[k], 4));
        double a = params[k][0], b = params[k][1], g = params[k][2], d = params[k][3];
        /* E[X(n)] = α/(α+β) Σ_{j=1..n} B(γ, δ+j)/B(γ, δ), also beyond the direct-sum cutoff. */
        double ratio = 1, sum = 0;
        for (int n = 1; n <= 500; n++) {
            ratio *= (d + n - 1) / (g + d + n - 1);
            sum += ratio;
            if (n == 3 || n == 64 || n == 65 || n == 500) {
                double t = n, e;
                ck_assert_cxm_ok(cxm_model_expected_purchases(&e, 1, m, &t));
                ck_assert_msg(fabs(e - a / (a + b) * sum) <= 1e-12 * e, "E[X(%d)] %.15g vs %.15g",
                              n, e, a / (a + b) * sum);
            }
        }
        /* P(X(n) = x) sums to 1 and has mean E[X(n)]. */
        double counts[31], times[31], probs[31], total = 0, mean = 0, e30, thirty = 30;
        for (int x = 0; x <= 30; x++) {
            counts[x] = x;
            times[x] = 30;
        }
        ck_assert_cxm_ok(cxm_model_purchase_probability(probs, 31, m, counts, times));
        for (int x = 0; x <= 30; x++) {
            total += probs[x];
            mean += x * probs[x];
        }
        ck_assert_cxm_ok(cxm_model_expected_purchases(&e30, 1, m, &thirty));
        ck_assert_double_eq_tol(total, 1.0, 1e-12);
        ck_assert_double_eq_tol(mean, e30, 1e-11 * e30);
        /* DERT = Σ_j z^j (E[X(n, n+j)] − E[X(n, n+j−1)]) for a few histories. */
        double hx[3] = { 0, 2, 5 }, htx[3] = { 0, 4, 6 }, hn[3] = { 6, 6, 6 };
        double dv = 0.1, rate = log1p(dv), dert[3];
        ck_assert_cxm_ok(cxm_model_dert(dert, 3, m, rate, hx, htx, hn));
        for (int i = 0; i < 3; i++) {
            double prev = 0, acc = 0, zj = 1;
            for (int j = 1; j < 3000; j++) {
                double t = j, cur;
                ck_assert_cxm_ok(cxm_model_conditional_purchases(&cur, 1, m, &t, &hx[i], &htx[i], &hn[i]));
                zj /= 1 + dv;
                acc += zj * (cur - prev);
                prev = cur;
                if (zj < 1e-17)
                    break;
            }
            ck_assert_msg(fabs(dert[i] - acc) <= 1e-10 * acc, "DERT %d: %.15g vs %.15g", i,
                          dert[i], acc);
        }
        cxm_model_free(m);
    }
}
END_TEST

START_TEST(recovers_simulated_parameters)
{
    static const double truth[4] = { 1.2, 0.75, 0.66, 2.8 };
    enum { N = 40000 };
    static double x[N], tx[N], n[N];
    cxm_model *sim = NULL, *m = NULL;
    ck_assert_cxm_ok(cxm_model_create(&sim, CXM_MODEL_BGBB));
    ck_assert_cxm_ok(cxm_model_set_params(sim, truth, 4));
    for (int i = 0; i < N; i++)
        n[i] = 10;
    ck_assert_cxm_ok(cxm_model_simulate(x, tx, N, sim, n, 7));
    ck_assert_cxm_ok(cxm_model_create(&m, CXM_MODEL_BGBB));
    ck_assert_cxm_ok(cxm_model_fit(m, N, x, tx, n, NULL, NULL));
    double p[4], se[4];
    ck_assert_cxm_ok(cxm_model_params(p, 4, m));
    ck_assert_cxm_ok(cxm_model_standard_errors(se, 4, m));
    for (int i = 0; i < 4; i++)
        ck_assert_msg(fabs(p[i] - truth[i]) <= 4 * se[i], "%s %.4f ± %.4f, truth %.2f",
                      cxm_model_param_name(m, i), p[i], se[i], truth[i]);
    cxm_model_free(sim);
    cxm_model_free(m);
}
END_TEST

START_TEST(bad_rows_and_inputs)
{
    cxm_model *m = NULL;
    ck_assert_cxm_ok(cxm_model_create_named(&m, "bgbb"));
    double x[2] = { 1, 3 }, tx[2] = { 1, 2 }, n[2] = { 6, 6 };
    ck_assert_cxm_fails(cxm_model_fit(m, 2, x, tx, n, NULL, NULL), CXM_EINVAL, "element 1: x 3");
    tx[1] = 7;
    ck_assert_cxm_fails(cxm_model_fit(m, 2, x, tx, n, NULL, NULL), CXM_EINVAL, "greater than n");
    tx[1] = 2.5;
    ck_assert_cxm_fails(cxm_model_fit(m, 2, x, tx, n, NULL, NULL), CXM_EINVAL, "whole number");
    double p[4] = { 1.2, 0.75, 0.66, 2.8 }, out, half = 2.5;
    ck_assert_cxm_ok(cxm_model_set_params(m, p, 4));
    ck_assert_cxm_fails(cxm_model_expected_purchases(&out, 1, m, &half), CXM_EINVAL, "whole");
    ck_assert_cxm_fails(cxm_model_p_alive(&out, 1, m, &x[1], &tx[0], &n[0]), CXM_EINVAL, "x 3");
    cxm_model_free(m);
}
END_TEST

START_TEST(numerical_grid)
{
    /* Parameters 1e-4..1e4, histories up to 10^4 opportunities and transactions: every
     * value finite, probabilities in [0, 1], expectations monotone in the horizon. */
    static const double values[] = { 1e-4, 1e-2, 1, 1e2, 1e4 };
    static const double rows[][3] = { { 0, 0, 6 },         { 3, 5, 6 },        { 6, 6, 6 },
                                      { 1, 1, 1e4 },       { 100, 9000, 1e4 }, { 1e4, 1e4, 1e4 },
                                      { 0, 0, 1e4 },       { 5000, 9999, 1e4 } };
    static const double horizons[] = { 0, 1, 5, 100, 1e4 };
    enum { NH = sizeof horizons / sizeof horizons[0] };
    long checked = 0;
    cxm_model *m = NULL;
    ck_assert_cxm_ok(cxm_model_create(&m, CXM_MODEL_BGBB));
    for (int i = 0; i < 625; i++) {
        double p[4] = { values[i % 5], values[i / 5 % 5], values[i / 25 % 5], values[i / 125] };
        ck_assert_cxm_ok(cxm_model_set_params(m, p, 4));
        double ex[NH];
        ck_assert_cxm_ok(cxm_model_expected_purchases(ex, NH, m, horizons));
        for (int q = 0; q < NH; q++)
            ck_assert_msg(isfinite(ex[q]) && ex[q] >= 0 && (q == 0 || ex[q] >= ex[q - 1] * (1 - 1e-12)),
                          "(%g %g %g %g) E[X(%g)] %g", p[0], p[1], p[2], p[3], horizons[q], ex[q]);
        for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
            double x = rows[r][0], tx = rows[r][1], n = rows[r][2], ll, alive, d;
            double cols[3] = { x, tx, n }, X[NH], TX[NH], N[NH], ey[NH];
            ck_assert_cxm_ok(cxm_model_log_likelihood_of(&ll, m, 1, cols, NULL));
            /* a probability: ln L <= 0 up to the rounding of ln Gamma at 1e4 */
            ck_assert_msg(isfinite(ll) && ll <= 1e-9, "(%g %g %g %g) %g %g %g: ln L %g", p[0],
                          p[1], p[2], p[3], x, tx, n, ll);
            ck_assert_cxm_ok(cxm_model_p_alive(&alive, 1, m, &x, &tx, &n));
            ck_assert_msg(alive >= 0 && alive <= 1, "P(alive) %g", alive);
            ck_assert_cxm_ok(cxm_model_dert(&d, 1, m, 0.1, &x, &tx, &n));
            ck_assert_msg(isfinite(d) && d >= 0, "(%g %g %g %g) DERT %g", p[0], p[1], p[2], p[3], d);
            for (int q = 0; q < NH; q++) {
                X[q] = x;
                TX[q] = tx;
                N[q] = n;
            }
            ck_assert_cxm_ok(cxm_model_conditional_purchases(ey, NH, m, horizons, X, TX, N));
            for (int q = 0; q < NH; q++) {
                ck_assert_msg(isfinite(ey[q]) && ey[q] >= 0 &&
                                  (q == 0 || ey[q] >= ey[q - 1] * (1 - 1e-12)),
                              "(%g %g %g %g) %g %g %g: E[X(n, n+%g)] %g", p[0], p[1], p[2], p[3],
                              x, tx, n, horizons[q], ey[q]);
                checked++;
            }
        }
    }
    cxm_model_free(m);
    ck_assert_int_gt(checked, 20000);
}
END_TEST

/* Opportunities up to 10^12 and beyond: histories and P(X(n) = x) up to
 * 10^6 opportunities (the documented limit: their sums have a term per
 * opportunity) and refused by name beyond; future opportunities and
 * discount rates without limit. Every call within the time limit, every
 * result finite and in range or an error with a message. */
START_TEST(extreme_arguments)
{
    static const double corners[] = { 1e-10, 1, 1e10 };
    /* The first two sum 10^6 terms (40 ms a call): only for a few parameter sets. */
    static const double rows[][3] = { { 0, 0, 1e6 },       { 1, 1, 1e6 },        { 0, 0, 0 },
                                      { 1e6, 1e6, 1e6 },   { 2, 3, 6 },          { 0, 0, 1e6 + 1 },
                                      { 1e12, 1e12, 1e12 }, { 1, 1, 9007199254740992.0 } };
    long checked = 0;
    cxm_model *m = fit_donations();
    double fitted_params[4];
    ck_assert_cxm_ok(cxm_model_params(fitted_params, 4, m));
    for (int i = -1; i < 81; i++) {
        double p[4];
        if (i < 0)
            memcpy(p, fitted_params, sizeof p);
        else {
            p[0] = corners[i % 3], p[1] = corners[i / 3 % 3], p[2] = corners[i / 9 % 3];
            p[3] = corners[i / 27];
        }
        ck_assert_cxm_ok(cxm_model_set_params(m, p, 4));
        int status;
        double v = NAN, last = 0;
        for (size_t q = 0; q < EXTREME_COUNT(extreme_counts); q++) {
            double n = extreme_counts[q];
            EXTREME_CALL(status, cxm_model_expected_purchases(&v, 1, m, &n), "E[X(%g)]", n);
            if (EXTREME_CHECK(status, v, last * (1 - 1e-12), n * (1 + 1e-12), "(%g %g %g %g) E[X(%g)]", p[0],
                              p[1], p[2], p[3], n))
                last = v;
            ck_assert_msg(status == CXM_OK, "E[X(%g)] has a closed form: %s", n,
                          cxm_error_message());
        }
        for (size_t r = i < 0 || i % 40 == 0 ? 0 : 2; r < EXTREME_COUNT(rows); r++) {
            double x = rows[r][0], tx = rows[r][1], n = rows[r][2];
            EXTREME_CALL(status, cxm_model_p_alive(&v, 1, m, &x, &tx, &n), "P(alive)");
            EXTREME_CHECK(status, v, 0, 1, "(%g %g %g %g) P(alive | %g %g %g)", p[0], p[1], p[2],
                          p[3], x, tx, n);
            if (n > 1e6)
                ck_assert_cxm_fails(status, CXM_EDOMAIN, "the most opportunities BG/BB supports");
            else
                ck_assert_msg(status == CXM_OK, "n = %g: %s", n, cxm_error_message());
            last = 0;
            for (size_t q = 0; q < EXTREME_COUNT(extreme_counts); q++) {
                double future = extreme_counts[q];
                EXTREME_CALL(status, cxm_model_conditional_purchases(&v, 1, m, &future, &x, &tx, &n),
                             "E[X(n, n+%g)]", future);
                if (EXTREME_CHECK(status, v, last * (1 - 1e-12), future * (1 + 1e-12),
                                  "(%g %g %g %g) %g %g %g: E[X(n, n+%g)]", p[0], p[1], p[2], p[3],
                                  x, tx, n, future))
                    last = v;
            }
            last = DBL_MAX;
            for (size_t q = 0; q < EXTREME_COUNT(extreme_rates); q++) {
                double rate = extreme_rates[q];
                EXTREME_CALL(status, cxm_model_dert(&v, 1, m, rate, &x, &tx, &n), "DERT(%g)", rate);
                if (EXTREME_CHECK(status, v, 0, last * (1 + 1e-12),
                                  "(%g %g %g %g) %g %g %g: DERT(%g)", p[0], p[1], p[2], p[3], x,
                                  tx, n, rate))
                    last = v;
            }
            checked += 1 + EXTREME_COUNT(extreme_counts) + EXTREME_COUNT(extreme_rates);
        }
        /* P(X(n) = x) over x = 0..n sums to 1 (n = 500); and at the limits. */
        if (i % 20 == 0) {
            double xs[501], ns[501], probs[501], sum = 0;
            for (int k = 0; k <= 500; k++)
                xs[k] = k, ns[k] = 500;
            EXTREME_CALL(status, cxm_model_purchase_probability(probs, 501, m, xs, ns), "P(X(500))");
            ck_assert_cxm_ok(status);
            for (int k = 0; k <= 500; k++) {
                EXTREME_CHECK(CXM_OK, probs[k], 0, 1, "(%g %g %g %g) P(X(500) = %d)", p[0], p[1],
                              p[2], p[3], k);
                sum += probs[k];
            }
            ck_assert_msg(fabs(sum - 1) <= 1e-9, "(%g %g %g %g) sum %.17g", p[0], p[1], p[2],
                          p[3], sum);
            for (size_t a = 0; a < EXTREME_COUNT(extreme_counts); a++)
                for (size_t b = 0; b < EXTREME_COUNT(extreme_counts); b++) {
                    double k = extreme_counts[a], n = extreme_counts[b];
                    EXTREME_CALL(status, cxm_model_purchase_probability(&v, 1, m, &k, &n),
                                 "P(X(%g) = %g)", n, k);
                    EXTREME_CHECK(status, v, 0, 1, "(%g %g %g %g) P(X(%g) = %g)", p[0], p[1], p[2],
                                  p[3], n, k);
                }
        }
    }
    /* Simulation: one draw per opportunity, so the same limit. */
    double sx, stx, sn = 1e6;
    ck_assert_cxm_ok(cxm_model_simulate(&sx, &stx, 1, m, &sn, 3));
    sn = 1e9;
    ck_assert_cxm_fails(cxm_model_simulate(&sx, &stx, 1, m, &sn, 3), CXM_EDOMAIN,
                        "n = 1000000000 opportunities is beyond 1000000");
    double bad[3] = { 0, 0, 2e6 };
    ck_assert_cxm_fails(cxm_model_fit(m, 1, bad, bad + 1, bad + 2, NULL, NULL), CXM_EDOMAIN,
                        "element 0: n = 2000000 is beyond 1000000");
    cxm_model_free(m);
    ck_assert_int_gt(checked, 9000);
}
END_TEST

/* DERT where γ + δ + n no longer holds the digits of γ (the quadrature over
 * the death probability instead of 2F1) against tests/ref/extremes_reference.py. */
START_TEST(extreme_dert_matches_references)
{
    cxm_model *m = NULL;
    ck_assert_cxm_ok(cxm_model_create(&m, CXM_MODEL_BGBB));
    for (size_t i = 0; i < EXTREME_COUNT(bgbb_extreme); i++) {
        ck_assert_cxm_ok(cxm_model_set_params(m, bgbb_extreme[i].p, 4));
        double n = bgbb_extreme[i].n, v;
        ck_assert_cxm_ok(cxm_model_dert(&v, 1, m, bgbb_extreme[i].rate, &n, &n, &n));
        ck_assert_msg(extreme_close(v, bgbb_extreme[i].value, 1e-10),
                      "n = %g, rate %g: DERT %.17g, reference %.17g", n, bgbb_extreme[i].rate, v,
                      bgbb_extreme[i].value);
    }
    cxm_model_free(m);
}
END_TEST

static int oom_fit(void *context)
{
    (void)context;
    cxm_model *m = NULL;
    char *json = NULL;
    int status = cxm_model_create(&m, CXM_MODEL_BGBB);
    if (status == CXM_OK)
        status = cxm_model_fit(m, DON_N, don_x, don_tx, don_n, don_w, NULL);
    if (status == CXM_OK)
        status = cxm_model_to_json(&json, m);
    cxm_free(json);
    cxm_model_free(m);
    return status;
}

START_TEST(out_of_memory_is_clean)
{
    load_donations();
    chaos_run(oom_fit, NULL, "BG/BB fit and JSON");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("bgbb");
    TCase *tc = tcase_create("bgbb");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, donations_published_estimates);
    tcase_add_test(tc, likelihood_matches_the_paper_term_by_term);
    tcase_add_test(tc, closed_forms_match_direct_sums);
    tcase_add_test(tc, recovers_simulated_parameters);
    tcase_add_test(tc, bad_rows_and_inputs);
    tcase_add_test(tc, numerical_grid);
    tcase_add_test(tc, out_of_memory_is_clean);
    suite_add_tcase(s, tc);
    TCase *extremes = tcase_create("extremes");
    tcase_set_timeout(extremes, 300);
    tcase_add_test(extremes, extreme_arguments);
    tcase_add_test(extremes, extreme_dert_matches_references);
    suite_add_tcase(s, extremes);
    return cxm_check_run(s);
}
