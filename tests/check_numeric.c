/* lib/numeric: random numbers, special functions, dense linear algebra,
 * quadrature. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "check_run.h"
#include "core/internal.h"
#include "numeric/linalg.h"
#include "numeric/quadrature.h"
#include "numeric/rng.h"
#include "numeric/special.h"
#include "numeric/incomplete.h"
#include "numeric/stats.h"
#include "ref/extremes_reference.h"

START_TEST(rng_matches_reference_xoshiro)
{
    /* Reference: xoshiro256** seeded by splitmix64(42), computed independently in Python. */
    cxm_rng rng;
    cxm__rng_seed(&rng, 42);
    ck_assert_uint_eq(cxm__rng_next(&rng), 0x15780b2e0c2ec716ULL);
    ck_assert_uint_eq(cxm__rng_next(&rng), 0x6104d9866d113a7eULL);
    ck_assert_uint_eq(cxm__rng_next(&rng), 0xae17533239e499a1ULL);
}
END_TEST

START_TEST(uniform_is_open_interval_and_below_is_unbiased)
{
    cxm_rng rng;
    cxm__rng_seed(&rng, 7);
    long counts[6] = { 0 };
    for (int i = 0; i < 600000; i++) {
        double u = cxm__rng_uniform(&rng);
        ck_assert(u > 0.0 && u < 1.0);
        counts[cxm__rng_below(&rng, 6)]++;
    }
    for (int k = 0; k < 6; k++)
        ck_assert_msg(labs(counts[k] - 100000) < 1500, "face %d: %ld", k, counts[k]);
}
END_TEST

/* Sample mean and variance of n draws. */
static void moments(double (*draw)(cxm_rng *, const double *), const double *params, long n,
                    double *mean, double *var)
{
    cxm_rng rng;
    cxm__rng_seed(&rng, 2024);
    double s = 0, s2 = 0;
    for (long i = 0; i < n; i++) {
        double x = draw(&rng, params);
        s += x;
        s2 += x * x;
    }
    *mean = s / n;
    *var = s2 / n - *mean * *mean;
}

static double draw_gamma(cxm_rng *r, const double *p) { return cxm__rng_gamma(r, p[0], p[1]); }
static double draw_beta(cxm_rng *r, const double *p) { return cxm__rng_beta(r, p[0], p[1]); }
static double draw_normal(cxm_rng *r, const double *p) { (void)p; return cxm__rng_normal(r); }
static double draw_exponential(cxm_rng *r, const double *p) { return cxm__rng_exponential(r, p[0]); }
static double draw_poisson(cxm_rng *r, const double *p) { return (double)cxm__rng_poisson(r, p[0]); }
static double draw_geometric(cxm_rng *r, const double *p) { return (double)cxm__rng_geometric(r, p[0]); }

START_TEST(samplers_have_the_right_moments)
{
    const long n = 400000;
    double mean, var;
    /* Tolerances are 5 standard errors of the sample mean. */
    static const double gamma_params[][2] = { { 0.25, 2.0 }, { 0.8, 1.0 }, { 4.4, 0.5 } };
    for (int i = 0; i < 3; i++) {
        double a = gamma_params[i][0], b = gamma_params[i][1];
        moments(draw_gamma, gamma_params[i], n, &mean, &var);
        ck_assert_double_eq_tol(mean, a / b, 5 * sqrt(a / (b * b) / n));
        ck_assert_double_eq_tol(var, a / (b * b), 0.05 * a / (b * b));
    }
    double beta_params[2] = { 0.79, 2.43 };
    moments(draw_beta, beta_params, n, &mean, &var);
    double bm = 0.79 / 3.22, bv = 0.79 * 2.43 / (3.22 * 3.22 * 4.22);
    ck_assert_double_eq_tol(mean, bm, 5 * sqrt(bv / n));
    ck_assert_double_eq_tol(var, bv, 0.03 * bv);
    moments(draw_normal, NULL, n, &mean, &var);
    ck_assert_double_eq_tol(mean, 0.0, 5 / sqrt((double)n));
    ck_assert_double_eq_tol(var, 1.0, 0.02);
    double rate = 3.0;
    moments(draw_exponential, &rate, n, &mean, &var);
    ck_assert_double_eq_tol(mean, 1 / 3.0, 5 * sqrt(1 / 9.0 / n));
    static const double poisson_means[] = { 0.3, 5.0, 40.0, 1000.0 };
    for (int i = 0; i < 4; i++) {
        moments(draw_poisson, &poisson_means[i], n, &mean, &var);
        ck_assert_double_eq_tol(mean, poisson_means[i], 5 * sqrt(poisson_means[i] / n));
        ck_assert_double_eq_tol(var, poisson_means[i], 0.03 * poisson_means[i]);
    }
    double p = 0.2;
    moments(draw_geometric, &p, n, &mean, &var);
    ck_assert_double_eq_tol(mean, 0.8 / 0.2, 5 * sqrt(0.8 / 0.04 / n));
}
END_TEST

START_TEST(special_functions)
{
    ck_assert_double_eq_tol(cxm__digamma(1.0), -0.57721566490153286, 1e-14);
    ck_assert_double_eq_tol(cxm__digamma(0.5), -1.9635100260214235, 1e-13);
    ck_assert_double_eq_tol(cxm__digamma(1e-6), -1000000.5772140199, 1e-6);
    ck_assert_double_eq_tol(cxm__digamma(1000.0), 6.9072551956488132, 1e-13);
    ck_assert_double_eq_tol(cxm__trigamma(1.0), M_PI * M_PI / 6, 1e-13);
    ck_assert_double_eq_tol(cxm__trigamma(0.5), M_PI * M_PI / 2, 1e-12);
    ck_assert_double_eq_tol(cxm__lbeta(2, 3), log(1.0 / 12), 1e-15);
    /* B(0.5, 1e9) = Γ(0.5)Γ(1e9)/Γ(1e9+0.5) ≈ sqrt(π/1e9)·(1 − 1/(8e9)) */
    ck_assert_double_eq_tol(cxm__lbeta(0.5, 1e9), 0.5 * log(M_PI / 1e9) + 1.0 / 8e9, 1e-13);
    ck_assert_double_eq(cxm__lbeta(1e9, 0.5), cxm__lbeta(0.5, 1e9));
    ck_assert_double_eq_tol(cxm__logaddexp(1000, 1000), 1000 + M_LN2, 1e-12);
    ck_assert_double_eq(cxm__logaddexp(-INFINITY, 3), 3);
    ck_assert_double_eq_tol(cxm__logsubexp(log(5), log(3)), log(2), 1e-15);
    ck_assert(cxm__logsubexp(2, 2) == -INFINITY);
    ck_assert_double_eq_tol(cxm__log1mexp(1e-20), log(1e-20), 1e-12);
    ck_assert_double_eq_tol(cxm__log1mexp(50), -exp(-50), 1e-30);
    double v[3] = { 1000, 1000, 1000 };
    ck_assert_double_eq_tol(cxm__logsumexp(v, 3), 1000 + log(3), 1e-12);
}
END_TEST

START_TEST(cholesky_and_spd_inverse)
{
    double a[9] = { 4, 2, 2, 2, 5, 3, 2, 3, 6 }, l[9], inv[9];
    memcpy(l, a, sizeof a);
    ck_assert_int_eq(cxm__cholesky(l, 3), CXM_OK);
    double b[3] = { 8, 10, 11 }; /* A·(1,1,1) = (8,10,11) */
    cxm__cholesky_solve(l, 3, b);
    for (int i = 0; i < 3; i++)
        ck_assert_double_eq_tol(b[i], 1.0, 1e-14);
    memcpy(inv, a, sizeof a);
    ck_assert_int_eq(cxm__spd_invert(inv, 3), CXM_OK);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            double s = 0;
            for (int k = 0; k < 3; k++)
                s += a[i * 3 + k] * inv[k * 3 + j];
            ck_assert_double_eq_tol(s, i == j, 1e-14);
        }
    double not_pd[4] = { 1, 2, 2, 1 };
    ck_assert_int_eq(cxm__cholesky(not_pd, 2), CXM_EDOMAIN);
    ck_assert_ptr_nonnull(strstr(cxm_error_message(), "not positive definite"));
}
END_TEST

START_TEST(lu_solve_and_invert)
{
    /* Needs pivoting: a zero in the first pivot position. */
    double a[9] = { 0, 2, 1, 1, 1, 1, 2, 1, 3 }, copy[9], b[6] = { 3, 1, 3, 1, 6, 2 };
    memcpy(copy, a, sizeof a);
    ck_assert_int_eq(cxm__solve(copy, 3, b, 2), CXM_OK);
    /* Column 0 solution x with A·x = (3,3,6): x = (1,1,1). */
    for (int i = 0; i < 3; i++)
        ck_assert_double_eq_tol(b[i * 2], 1.0, 1e-14);
    memcpy(copy, a, sizeof a);
    ck_assert_int_eq(cxm__invert(copy, 3), CXM_OK);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            double s = 0;
            for (int k = 0; k < 3; k++)
                s += a[i * 3 + k] * copy[k * 3 + j];
            ck_assert_double_eq_tol(s, i == j, 1e-14);
        }
    double singular[4] = { 1, 2, 2, 4 };
    ck_assert_int_eq(cxm__invert(singular, 2), CXM_EDOMAIN);
}
END_TEST

START_TEST(least_squares_recovers_exact_and_noisy_fits)
{
    /* y = 1 + 2·x1 − 3·x2 exactly. */
    double x[5 * 3], y[5], beta[3];
    double x1[5] = { 0, 1, 2, 3, 4 }, x2[5] = { 1, 0, 2, 5, 3 };
    for (int i = 0; i < 5; i++) {
        x[i * 3] = 1;
        x[i * 3 + 1] = x1[i];
        x[i * 3 + 2] = x2[i];
        y[i] = 1 + 2 * x1[i] - 3 * x2[i];
    }
    ck_assert_int_eq(cxm__least_squares(beta, x, 5, 3, y), CXM_OK);
    ck_assert_double_eq_tol(beta[0], 1, 1e-12);
    ck_assert_double_eq_tol(beta[1], 2, 1e-12);
    ck_assert_double_eq_tol(beta[2], -3, 1e-12);
    /* Simple regression against the textbook formulas. */
    double xs[4 * 2] = { 1, 1, 1, 2, 1, 3, 1, 4 }, ys[4] = { 2, 3, 5, 4 };
    ck_assert_int_eq(cxm__least_squares(beta, xs, 4, 2, ys), CXM_OK);
    ck_assert_double_eq_tol(beta[1], 0.8, 1e-13);  /* Sxy/Sxx = 4/5 */
    ck_assert_double_eq_tol(beta[0], 1.5, 1e-13);  /* ȳ − b·x̄ = 3.5 − 2 */
    for (int i = 0; i < 5; i++)
        x[i * 3 + 2] = 2 * x1[i]; /* collinear */
    ck_assert_int_eq(cxm__least_squares(beta, x, 5, 3, y), CXM_EDOMAIN);
    ck_assert_ptr_nonnull(strstr(cxm_error_message(), "collinear"));
}
END_TEST


START_TEST(distribution_functions_match_scipy)
{
    /* Reference values from scipy.stats / scipy.special (Debian python3-scipy). */
    ck_assert_double_eq_tol(cxm__normal_quantile(0.975), 1.959963984540054, 1e-15);
    ck_assert_double_eq_tol(cxm__normal_quantile(1e-10), -6.361340902404056, 1e-13);
    ck_assert_double_eq_tol(cxm__normal_quantile(1 - 1e-10), 6.361340902404056, 1e-6);
    ck_assert_double_eq_tol(cxm__normal_cdf(-3), 0.0013498980316300933, 1e-17);
    ck_assert_double_eq_tol(cxm__beta_inc(2.5, 3.5, 0.3), 0.2967529892956661, 1e-15);
    ck_assert_double_eq_tol(cxm__beta_inc(0.5, 20, 0.01), 0.4713699354850156, 1e-14);
    ck_assert_double_eq_tol(cxm__student_t_cdf(2.1, 7.3), 0.9638766432875734, 1e-14);
    /* Quantiles from mpmath.findroot on the incomplete beta at 40 digits (scipy's
     * ppf is off in the 9th digit here). */
    ck_assert_double_eq_tol(cxm__student_t_quantile(0.975, 3), 3.1824463052837096, 1e-13);
    ck_assert_double_eq_tol(cxm__student_t_quantile(0.025, 1.5), -6.0166631044279319, 1e-12);
}
END_TEST

/* The regularised incomplete gamma (P(N >= k) of an NBD at huge k goes
 * through it) and the incomplete beta with 1 − x given exactly, against
 * mpmath (tests/ref/extremes_reference.py). */
START_TEST(incomplete_gamma_and_beta_at_the_edges)
{
    for (size_t i = 0; i < sizeof gamma_extreme / sizeof gamma_extreme[0]; i++) {
        double p, q, s = gamma_extreme[i].s, z = gamma_extreme[i].z;
        cxm__gamma_pq(s, z, &p, &q);
        double want_p = gamma_extreme[i].p, want_q = gamma_extreme[i].q;
        /* the smaller of the two to 1e-12 relative, the larger to 1e-14 absolute */
        int p_small = want_p < want_q;
        double got_small = p_small ? p : q, want_small = p_small ? want_p : want_q;
        ck_assert_msg(fabs(got_small - want_small) <= 1e-12 * want_small &&
                          fabs(p + q - 1.0) <= 1e-14,
                      "P(%g, %g) = %.17g, Q = %.17g; mpmath %.17g, %.17g", s, z, p, q, want_p,
                      want_q);
    }
    /* x = 1 − 1e-20 rounds to 1: with its complement given, the NBD tail
     * P(N >= 1) = I_x(1, r) = 1 − (1 − x)^r = 1 − 1e-10 at r = 1/2, not 1. */
    ck_assert_double_eq_tol(cxm__beta_inc2(1.0, 0.5, 1.0, 1e-20), 1.0 - 1e-10, 1e-16);
    ck_assert_double_eq_tol(cxm__beta_inc2(0.5, 1.0, 1e-20, 1.0), 1e-10, 1e-25);
}
END_TEST

START_TEST(wilson_interval_matches_newcombe_1998)
{
    /* Newcombe (1998), Statistics in Medicine 17, Table I, method 3. */
    double lo, hi;
    cxm__wilson_interval(81, 263, 0.95, &lo, &hi);
    ck_assert_double_eq_tol(lo, 0.2553, 5e-5);
    ck_assert_double_eq_tol(hi, 0.3662, 5e-5);
    cxm__wilson_interval(15, 148, 0.95, &lo, &hi);
    ck_assert_double_eq_tol(lo, 0.0624, 5e-5);
    ck_assert_double_eq_tol(hi, 0.1605, 5e-5);
    cxm__wilson_interval(0, 20, 0.95, &lo, &hi);
    ck_assert_double_eq(lo, 0.0);
    ck_assert_double_eq_tol(hi, 0.1611, 5e-5);
}
END_TEST

START_TEST(welch_test_matches_scipy)
{
    /* [4,5,5,4,5] against [3,2,4,3]: scipy.stats.ttest_ind(equal_var=False). */
    cxm_welch w;
    ck_assert_int_eq(cxm__welch_test(&w, 4.6, 0.3, 5, 3.0, 2.0 / 3.0, 4, 0.95), CXM_OK);
    ck_assert_double_eq_tol(w.t, 3.3606722016672226, 1e-12);
    ck_assert_double_eq_tol(w.p_value, 0.019745913111644295, 1e-12);
    ck_assert_double_eq_tol(w.df, 5.0572366022603, 1e-10);
    ck_assert_double_eq_tol(w.upper - w.difference, 1.2196873479016448, 1e-9);
    ck_assert_int_eq(cxm__welch_test(&w, 1, 0, 5, 1, 0, 5, 0.95), CXM_EDOMAIN);
    ck_assert_int_eq(cxm__welch_test(&w, 1, 1, 1, 1, 1, 5, 0.95), CXM_EDOMAIN);
}
END_TEST

/* (1 + z)^−q, or e^−q·z when exponential is set; the feature is ln(1 + z),
 * or z. */
typedef struct test_integrand {
    double q;
    int exponential;
} test_integrand;

static void test_point(void *context, double z, double log_z, cxm__halfline_point *out)
{
    const test_integrand *c = context;
    if (c->exponential) {
        out->log_f = -c->q * z;
        out->slope = 1.0 - c->q * z;
        out->feature[0] = z;
    } else {
        double l = z < 1e300 ? log1p(z) : log_z;
        out->log_f = -c->q * l;
        out->slope = 1.0 - c->q * (z < 1e300 ? z / (1.0 + z) : 1.0);
        out->feature[0] = l;
    }
}

START_TEST(halfline_moments_match_closed_forms)
{
    /* ∫(1+z)^−q dz = 1/(q−1), and ln(1+z) is then exponential with rate
     * q − 1; ∫e^(−qz) dz = 1/q, and z is exponential with rate q. */
    static const double qs[] = { 1.3, 2.0, 5.0, 1e3, 1e6 }, rates[] = { 1e-8, 0.3, 1.0, 1e8 };
    for (size_t k = 0; k < sizeof qs / sizeof qs[0] + sizeof rates / sizeof rates[0]; k++) {
        int algebraic = k < sizeof qs / sizeof qs[0];
        test_integrand c = { algebraic ? qs[k] : rates[k - sizeof qs / sizeof qs[0]], !algebraic };
        double rate = algebraic ? c.q - 1.0 : c.q, scale = 1.0 / c.q;
        cxm__moments r;
        ck_assert_int_eq(cxm__halfline_moments(test_point, &c, scale, 1, 20000, &r), CXM_OK);
        ck_assert_msg(fabs(r.log_integral + log(rate)) <= 2e-15 * (1.0 + fabs(log(rate))),
                      "q %g: ln I %.17g, want %.17g", c.q, r.log_integral, -log(rate));
        ck_assert_msg(fabs(r.mean[0] * rate - 1.0) <= 1e-14, "q %g: mean %.17g", c.q, r.mean[0]);
        ck_assert_msg(fabs(r.cov[0] * rate * rate - 1.0) <= 1e-13, "q %g: variance %.17g", c.q,
                      r.cov[0]);
        /* The cost: a few dozen nodes, plus ~45/(0.18·rate) for a slow algebraic tail. */
        ck_assert_uint_le(r.nodes, 100 + (algebraic ? 250.0 / fmin(1.0, rate) : 0.0));
    }
    /* A tail too slow for the node budget is refused, not truncated. */
    test_integrand slow = { 1.0001, 0 };
    cxm__moments r;
    ck_assert_int_eq(cxm__halfline_moments(test_point, &slow, 1.0, 1, 500, &r), CXM_EDOMAIN);
}
END_TEST

/* ln f of the adaptive rule's tests: −k·u (∫_0^b = −expm1(−kb)/k, the mean
 * of u 1/k − b/expm1(kb)), or −q·ln(1 + u/d) (∫_0^b = d(1 − (1+b/d)^(1−q))/(q−1),
 * a singularity at distance d), keeping u. */
typedef struct rule_integrand {
    double k, q, d;
} rule_integrand;

static double rule_point(void *context, double u, double *keep)
{
    const rule_integrand *c = context;
    keep[0] = u;
    return c->q > 0.0 ? -c->q * log1p(u / c->d) : -c->k * u;
}

START_TEST(log_quadrature_matches_closed_forms)
{
    static const double ks[] = { 1e-8, 1.0, 7.0, 1e4 }, bs[] = { 1e-6, 1.0, 50.0, INFINITY };
    cxm__log_rule rule;
    for (size_t i = 0; i < 4; i++)
        for (size_t j = 0; j < 4; j++) {
            rule_integrand c = { ks[i], 0.0, 0.0 };
            double b = bs[j], want = b == INFINITY ? 1.0 / c.k : -expm1(-c.k * b) / c.k;
            if (b == INFINITY && c.k < 1e-3)
                continue; /* the tail would need 1e9 panels: refused below */
            ck_assert_int_eq(cxm__log_quadrature(rule_point, &c, 0.0, b, 1.0 / c.k, 0.0, c.k,
                                                 &rule), CXM_OK);
            ck_assert_msg(fabs(exp(rule.log_integral) / want - 1.0) < 1e-14,
                          "k %g b %g: %.17g, want %.17g", c.k, b, exp(rule.log_integral), want);
            double mean = 0.0, want_mean = b == INFINITY ? 1.0 / c.k
                                                       : 1.0 / c.k - b / expm1(c.k * b);
            for (size_t n = 0; n < rule.count; n++)
                mean += exp(rule.log_weight[n] - rule.log_integral) * rule.keep[n * CXM__RULE_KEEP];
            if (c.k * b > 1e-3) /* else the closed form's difference cancels */
                ck_assert_msg(fabs(mean / want_mean - 1.0) < 1e-12, "k %g b %g: mean %.17g, want %.17g",
                              c.k, b, mean, want_mean);
            ck_assert_uint_le(rule.count, 21u * 12u);
        }
    /* Algebraic decay with a singularity near the left end. */
    static const double qs[] = { 1.5, 3.0, 40.0 }, ds[] = { 1e-8, 1e-2, 1.0 };
    for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; j < 3; j++) {
            rule_integrand c = { 0.0, qs[i], ds[j] };
            double b = 100.0, want = c.d * -expm1((1.0 - c.q) * log1p(b / c.d)) / (c.q - 1.0);
            ck_assert_int_eq(cxm__log_quadrature(rule_point, &c, 0.0, b, c.d / c.q, 0.0, 0.0,
                                                 &rule), CXM_OK);
            ck_assert_msg(fabs(exp(rule.log_integral) / want - 1.0) < 1e-14,
                          "q %g d %g: %.17g, want %.17g", c.q, c.d, exp(rule.log_integral), want);
        }
    /* Beyond the panel budget, or without a bound on an infinite range: refused. */
    rule_integrand slow = { 1e-8, 0.0, 0.0 };
    ck_assert_int_eq(cxm__log_quadrature(rule_point, &slow, 0.0, INFINITY, 1e8, 0.0, 1e-8, &rule),
                     CXM_OK);
    ck_assert_int_eq(cxm__log_quadrature(rule_point, &slow, 0.0, INFINITY, 1.0, 0.0, 0.0, &rule),
                     CXM_EDOMAIN);
    ck_assert_int_eq(cxm__log_quadrature(rule_point, &slow, 0.0, 0.0, 1.0, 0.0, 0.0, &rule),
                     CXM_OK);
    ck_assert(rule.count == 0 && rule.log_integral == -INFINITY);
}
END_TEST

/* e^g(u) = z·(1 + z)^−(1+k) at z = e^u, whose integral over the line is
 * 1/k, with ln(1 + z) exponential of rate k under it. */
static void line_point(void *context, double u, cxm__line_point *out)
{
    double k = *(const double *)context;
    double l = u > 0 ? u + log1p(exp(-u)) : log1p(exp(u)), share = 1.0 / (1.0 + exp(-u));
    /* (1 + k) as a double would round away the digits of a k of 1e-10 */
    out->g = u - l - k * l;
    out->slope = 1.0 / (1.0 + exp(u)) - k * share;
    out->feature[0] = l;
    out->feature_slope[0] = share;
}

START_TEST(line_moments_sum_slow_tails_in_closed_form)
{
    /* Rates down to 1e-10: the tail beyond u = 40 is summed, not walked. */
    static const double ks[] = { 1e-10, 1e-4, 0.01, 0.3, 1.0, 5.0 };
    for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++) {
        double k = ks[i];
        cxm__moments r;
        /* Linear once the slope's e^−u is below 1e-17 of k. */
        double u_hi = 40.0 + fmax(0.0, -log(k));
        ck_assert_int_eq(cxm__line_moments(line_point, &k, -42.0, u_hi, 0.25, 1, 1000, &r),
                         CXM_OK);
        ck_assert_msg(fabs(r.log_integral + log(k)) <= 1e-14 * (1.0 + fabs(log(k))),
                      "k %g: ln I %.17g, want %.17g", k, r.log_integral, -log(k));
        ck_assert_msg(fabs(r.mean[0] * k - 1.0) <= 1e-13, "k %g: mean %.17g", k, r.mean[0]);
        ck_assert_msg(fabs(r.cov[0] * k * k - 1.0) <= 1e-12, "k %g: variance %.17g", k, r.cov[0]);
        ck_assert_uint_le(r.nodes, 430);
    }
    /* More nodes than the budget: refused before any work. */
    double k = 1.0;
    cxm__moments r;
    ck_assert_int_eq(cxm__line_moments(line_point, &k, -42.0, 40.0, 0.25, 1, 100, &r), CXM_EDOMAIN);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("numeric");
    TCase *tc = tcase_create("numeric");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, rng_matches_reference_xoshiro);
    tcase_add_test(tc, uniform_is_open_interval_and_below_is_unbiased);
    tcase_add_test(tc, samplers_have_the_right_moments);
    tcase_add_test(tc, special_functions);
    tcase_add_test(tc, cholesky_and_spd_inverse);
    tcase_add_test(tc, lu_solve_and_invert);
    tcase_add_test(tc, least_squares_recovers_exact_and_noisy_fits);
    tcase_add_test(tc, distribution_functions_match_scipy);
    tcase_add_test(tc, incomplete_gamma_and_beta_at_the_edges);
    tcase_add_test(tc, wilson_interval_matches_newcombe_1998);
    tcase_add_test(tc, welch_test_matches_scipy);
    tcase_add_test(tc, halfline_moments_match_closed_forms);
    tcase_add_test(tc, line_moments_sum_slow_tails_in_closed_form);
    tcase_add_test(tc, log_quadrature_matches_closed_forms);
    suite_add_tcase(s, tc);
    return cxm_check_run(s);
}
