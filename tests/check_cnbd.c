/* BG/CNBD-k and MBG/CNBD-k (docs/models.md §1.12): k = 1 is BG/NBD
 * (MBG/NBD) exactly, recovery of the parameters and of k from simulated
 * Erlang-k customers, E[X(t)] against simulation, the Wheat & Morrison
 * regularity estimate, a grid without NaN, and errors. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cxm.h>

#include "check_run.h"

typedef struct sample {
    size_t n;
    double *columns; /* x, t_x, T, litt: n each */
    double *times;   /* repeat purchase times, customer after customer */
    size_t ntimes;
} sample;

static void sample_free(sample *s)
{
    free(s->columns), free(s->times);
}

/* n customers of `model` observed for T in [52, 78]; litt from their times. */
static sample simulate(const cxm_model *model, size_t n, unsigned long long seed)
{
    sample s = { n, malloc(4 * n * sizeof(double)), NULL, 0 };
    ck_assert_ptr_nonnull(s.columns);
    double *x = s.columns, *tx = x + n, *T = x + 2 * n, *litt = x + 3 * n;
    for (size_t i = 0; i < n; i++)
        T[i] = 52.0 + 26.0 * (double)((i * 7919u) % 1000u) / 999.0;
    ck_assert_int_eq(cxm_model_simulate(x, tx, n, model, T, seed), CXM_OK);
    for (size_t i = 0; i < n; i++)
        s.ntimes += (size_t)x[i];
    s.times = malloc((s.ntimes ? s.ntimes : 1) * sizeof(double));
    ck_assert_int_eq(cxm_model_simulate_times(s.times, s.ntimes, model, n, T, seed), CXM_OK);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        double prev = 0.0, sum = 0.0;
        for (size_t j = 0; j < (size_t)x[i]; j++, at++) {
            sum += log(s.times[at] - prev);
            prev = s.times[at];
        }
        litt[i] = sum;
        if (x[i] > 0)
            ck_assert(fabs(prev - tx[i]) <= 1e-9 * tx[i]);
    }
    return s;
}

static cxm_model *given(cxm_model_kind kind, const double *params, size_t p)
{
    cxm_model *m = NULL;
    ck_assert_int_eq(cxm_model_create(&m, kind), CXM_OK);
    ck_assert_int_eq(cxm_model_set_params(m, params, p), CXM_OK);
    return m;
}

/* k = 1: every term of the likelihood is BG/NBD's (MBG/NBD's), whatever litt is. */
START_TEST(test_k1_is_bgnbd)
{
    const cxm_model_kind plain[2] = { CXM_MODEL_BGNBD, CXM_MODEL_MBGNBD };
    const cxm_model_kind regular[2] = { CXM_MODEL_BGCNBD, CXM_MODEL_MBGCNBD };
    double p4[4] = { 0.24, 4.4, 0.79, 2.4 }, p5[5] = { 0.24, 4.4, 0.79, 2.4, 1.0 };
    for (int v = 0; v < 2; v++) {
        cxm_model *bg = given(plain[v], p4, 4), *c1 = given(regular[v], p5, 5);
        sample s = simulate(bg, 2000, 11u + (unsigned)v);
        double l4, l5;
        ck_assert_int_eq(cxm_model_log_likelihood_of(&l4, bg, s.n, s.columns, NULL), CXM_OK);
        ck_assert_int_eq(cxm_model_log_likelihood_of(&l5, c1, s.n, s.columns, NULL), CXM_OK);
        ck_assert_msg(fabs(l4 - l5) <= 1e-11 * fabs(l4), "%.15g vs %.15g", l4, l5);
        double *a = malloc(s.n * sizeof *a), *b = malloc(s.n * sizeof *b);
        const double *x = s.columns, *tx = x + s.n, *T = x + 2 * s.n;
        ck_assert_int_eq(cxm_model_p_alive(a, s.n, bg, x, tx, T), CXM_OK);
        ck_assert_int_eq(cxm_model_p_alive(b, s.n, c1, x, tx, T), CXM_OK);
        for (size_t i = 0; i < s.n; i++)
            ck_assert_msg(fabs(a[i] - b[i]) <= 1e-12, "P(alive) %zu: %g vs %g", i, a[i], b[i]);
        ck_assert_int_eq(cxm_model_conditional_purchases_horizon(a, s.n, bg, 39.0, x, tx, T), CXM_OK);
        ck_assert_int_eq(cxm_model_conditional_purchases_horizon(b, s.n, c1, 39.0, x, tx, T), CXM_OK);
        for (size_t i = 0; i < s.n; i++)
            ck_assert_msg(fabs(a[i] - b[i]) <= 1e-10 * (1.0 + a[i]), "E[Y] %zu: %.15g vs %.15g", i,
                          a[i], b[i]);
        double t[3] = { 1.0, 39.0, 200.0 };
        ck_assert_int_eq(cxm_model_expected_purchases(a, 3, bg, t), CXM_OK);
        ck_assert_int_eq(cxm_model_expected_purchases(b, 3, c1, t), CXM_OK);
        for (size_t i = 0; i < 3; i++)
            ck_assert_msg(fabs(a[i] - b[i]) <= 1e-10 * a[i], "E[X] %.15g vs %.15g", a[i], b[i]);
        free(a), free(b);
        sample_free(&s);
        cxm_model_free(bg), cxm_model_free(c1);
    }
}
END_TEST

/* 20000 MBG/CNBD-3 customers: k = 3 is chosen, r, α, a, b within 3 SE. */
START_TEST(test_recovery)
{
    const cxm_model_kind kinds[2] = { CXM_MODEL_MBGCNBD, CXM_MODEL_BGCNBD };
    double truth[5] = { 1.2, 3.0, 0.8, 2.5, 3.0 };
    for (int v = 0; v < 2; v++) {
        cxm_model *t = given(kinds[v], truth, 5), *m = NULL;
        sample s = simulate(t, 20000, 2016u + (unsigned)v);
        ck_assert_int_eq(cxm_model_create(&m, kinds[v]), CXM_OK);
        int status = cxm_model_fit_columns(m, s.n, s.columns, NULL, NULL);
        ck_assert_msg(status == CXM_OK, "%s", cxm_error_message());
        double est[5], se[5];
        ck_assert_int_eq(cxm_model_params(est, 5, m), CXM_OK);
        ck_assert_int_eq(cxm_model_standard_errors(se, 5, m), CXM_OK);
        ck_assert_msg(est[4] == 3.0, "k = %g chosen (%s)", est[4], cxm_model_fit_message(m));
        ck_assert(se[4] == 0.0);
        for (int i = 0; i < 4; i++)
            ck_assert_msg(fabs(est[i] - truth[i]) <= 3.0 * se[i], "%s = %g ± %g, truth %g",
                          cxm_model_param_name(m, (size_t)i), est[i], se[i], truth[i]);
        /* A fixed k = 3 is the same fit. */
        cxm_model *f = NULL;
        ck_assert_int_eq(cxm_model_create(&f, kinds[v]), CXM_OK);
        ck_assert_int_eq(cxm_model_set_regularity(f, 3), CXM_OK);
        ck_assert_int_eq(cxm_model_fit_columns(f, s.n, s.columns, NULL, NULL), CXM_OK);
        double l3, lbest, l1;
        ck_assert_int_eq(cxm_model_log_likelihood(&l3, f), CXM_OK);
        ck_assert_int_eq(cxm_model_log_likelihood(&lbest, m), CXM_OK);
        ck_assert(fabs(l3 - lbest) <= 1e-6 * fabs(l3));
        ck_assert_int_eq(cxm_model_set_regularity(f, 1), CXM_OK);
        ck_assert_int_eq(cxm_model_fit_columns(f, s.n, s.columns, NULL, NULL), CXM_OK);
        ck_assert_int_eq(cxm_model_log_likelihood(&l1, f), CXM_OK);
        ck_assert(l1 < l3);
        /* Intervals skip the fixed k. */
        double lo[3], hi[3];
        const double *x = s.columns, *tx = x + s.n, *T = x + 2 * s.n;
        ck_assert_int_eq(cxm_model_p_alive_interval(lo, hi, 3, m, 0.95, x, tx, T), CXM_OK);
        sample_free(&s);
        cxm_model_free(t), cxm_model_free(m), cxm_model_free(f);
    }
}
END_TEST

/* E[X(t)] against the mean of simulated counts (k = 4, MBG and BG). */
START_TEST(test_expected_by_simulation)
{
    const cxm_model_kind kinds[2] = { CXM_MODEL_MBGCNBD, CXM_MODEL_BGCNBD };
    double params[5] = { 2.0, 8.0, 0.6, 3.0, 4.0 };
    enum { N = 200000 };
    double *T = malloc(N * sizeof *T), *x = malloc(N * sizeof *x), *tx = malloc(N * sizeof *tx);
    for (size_t i = 0; i < N; i++)
        T[i] = 30.0;
    for (int v = 0; v < 2; v++) {
        cxm_model *m = given(kinds[v], params, 5);
        ck_assert_int_eq(cxm_model_simulate(x, tx, N, m, T, 99u), CXM_OK);
        double sum = 0.0, sq = 0.0, e;
        for (size_t i = 0; i < N; i++)
            sum += x[i], sq += x[i] * x[i];
        double mean = sum / N, se = sqrt((sq / N - mean * mean) / N);
        ck_assert_int_eq(cxm_model_expected_purchases(&e, 1, m, T), CXM_OK);
        ck_assert_msg(fabs(e - mean) <= 3.0 * se, "E[X(30)] %g, simulated %g ± %g", e, mean, se);
        cxm_model_free(m);
    }
    free(T), free(x), free(tx);
}
END_TEST

/* Law of total expectation: over customers drawn from the model, the mean of
 * E[Y(t) | x, t_x, T] is E[X(T + t)] − E[X(T)]; this weighs the ticks into
 * the unfinished interval (k = 3), which E[X(t)] alone does not. */
START_TEST(test_conditional_by_total_expectation)
{
    const cxm_model_kind kinds[2] = { CXM_MODEL_MBGCNBD, CXM_MODEL_BGCNBD };
    double params[5] = { 1.5, 4.0, 0.9, 2.5, 3.0 };
    enum { N = 100000 };
    double *T = malloc(N * sizeof *T), *x = malloc(N * sizeof *x), *tx = malloc(N * sizeof *tx);
    double *ey = malloc(N * sizeof *ey);
    for (size_t i = 0; i < N; i++)
        T[i] = 30.0;
    for (int v = 0; v < 2; v++) {
        cxm_model *m = given(kinds[v], params, 5);
        ck_assert_int_eq(cxm_model_simulate(x, tx, N, m, T, 7u), CXM_OK);
        ck_assert_int_eq(cxm_model_conditional_purchases_horizon(ey, N, m, 20.0, x, tx, T), CXM_OK);
        double sum = 0.0, sq = 0.0, t2[2] = { 30.0, 50.0 }, e[2];
        for (size_t i = 0; i < N; i++)
            sum += ey[i], sq += ey[i] * ey[i];
        double mean = sum / N, se = sqrt((sq / N - mean * mean) / N);
        ck_assert_int_eq(cxm_model_expected_purchases(e, 2, m, t2), CXM_OK);
        ck_assert_msg(fabs(mean - (e[1] - e[0])) <= 3.0 * se, "mean E[Y] %g ± %g, E[X] gain %g",
                      mean, se, e[1] - e[0]);
        cxm_model_free(m);
    }
    free(T), free(x), free(tx), free(ey);
}
END_TEST

/* Simpson's rule on [lo, hi] with m (even) intervals. */
static double simpson(double (*f)(double, const double *), const double *c, double lo, double hi,
                      int m)
{
    double h = (hi - lo) / m, s = f(lo, c) + f(hi, c);
    for (int i = 1; i < m; i++)
        s += (i % 2 ? 4.0 : 2.0) * f(lo + i * h, c);
    return s * h / 3.0;
}

/* Where lambda_term's mass ends: its shape over its rate, plus 30 sd. */
static double lambda_end(const double *c)
{
    double shape = c[0] + c[2] + c[5];
    return (shape + 30.0 * sqrt(shape) + 30.0) / (c[1] + c[3]);
}

/* Gamma(r, α) density times λ^e·exp(−λ·d)·(λ·u)^j/j!: c = { r, α, e, d, u, j }. */
static double lambda_term(double l, const double *c)
{
    if (l <= 0.0)
        return 0.0;
    double lg = (c[0] - 1.0 + c[2]) * log(l) - c[1] * l + c[0] * log(c[1]) - lgamma(c[0]) -
                c[3] * l + c[5] * log(c[4] * l) - lgamma(c[5] + 1.0);
    return exp(lg);
}

/* Beta(a, b) density times p^e·(1−p)^m: c = { a, b, e, m }. */
static double p_term(double p, const double *c)
{
    if (p <= 0.0 || p >= 1.0)
        return 0.0;
    return exp((c[0] - 1.0 + c[2]) * log(p) + (c[1] - 1.0 + c[3]) * log1p(-p) -
               (lgamma(c[0]) + lgamma(c[1]) - lgamma(c[0] + c[1])));
}

/* The likelihood against the individual one integrated over λ and p by
 * quadrature: λ^(kx)e^(−λt_x)·exp((k−1)litt)/((k−1)!)^x·[(1−p)^(x+s)·
 * e^(−λ(T−t_x))·Σ_{j<k}(λ(T−t_x))^j/j! + δ·p(1−p)^(x−1+s)]. */
START_TEST(test_likelihood_by_quadrature)
{
    /* r, a, b > 2: integrands smooth at 0 and 1, where Simpson's rule needs them so. */
    const double r = 3.5, alpha = 4.0, a = 3.0, b = 3.5;
    const double rows[3][4] = { { 3, 20, 30, 3 * log(20.0 / 3.0) - 0.4 },
                                { 1, 5, 30, log(5.0) },
                                { 0, 0, 12, 0 } };
    for (int v = 0; v < 2; v++)
        for (int k = 1; k <= 4; k++)
            for (int i = 0; i < 3; i++) {
                double x = rows[i][0], t_x = rows[i][1], T = rows[i][2], litt = rows[i][3];
                double s = v ? 1.0 : 0.0;
                double p5[5] = { r, alpha, a, b, (double)k }, ll;
                cxm_model *m = given(v ? CXM_MODEL_MBGCNBD : CXM_MODEL_BGCNBD, p5, 5);
                ck_assert_int_eq(cxm_model_log_likelihood_of(&ll, m, 1, rows[i], NULL), CXM_OK);
                double alive = 0.0;
                for (int j = 0; j < k; j++) {
                    double c[6] = { r, alpha, k * x, T, T - t_x, (double)j };
                    if (j > 0 && T == t_x)
                        break;
                    alive += simpson(lambda_term, c, 0.0, lambda_end(c), 20000);
                }
                double pc_alive[4] = { a, b, 0.0, x + s }, pc_dead[4] = { a, b, 1.0, x - 1 + s };
                double cd[6] = { r, alpha, k * x, t_x, 1.0, 0.0 };
                double dead = (x > 0 || s > 0) ? simpson(lambda_term, cd, 0.0, lambda_end(cd), 20000) *
                                                     simpson(p_term, pc_dead, 0.0, 1.0, 20000)
                                               : 0.0;
                double L = alive * simpson(p_term, pc_alive, 0.0, 1.0, 20000) + dead;
                double expect = log(L) + (k - 1) * litt - x * lgamma((double)k);
                ck_assert_msg(fabs(ll - expect) <= 1e-8 * (1.0 + fabs(expect)),
                              "kind %d k %d row %d: %.12g vs quadrature %.12g", v, k, i, ll,
                              expect);
                cxm_model_free(m);
            }
}
END_TEST

/* Wheat & Morrison on Erlang-k customers with many purchases. */
START_TEST(test_estimate_regularity)
{
    for (int k = 1; k <= 5; k += 2) {
        double params[5] = { 4.0, 2.0, 0.01, 10.0, (double)k };
        cxm_model *m = given(CXM_MODEL_BGCNBD, params, 5);
        sample s = simulate(m, 20000, 7u + (unsigned)k);
        int64_t *cust = malloc((s.ntimes + s.n) * sizeof *cust);
        double *t = malloc((s.ntimes + s.n) * sizeof *t);
        size_t at = 0, row = 0;
        for (size_t i = 0; i < s.n; i++) {
            cust[row] = (int64_t)i, t[row++] = 0.0; /* the first purchase */
            for (size_t j = 0; j < (size_t)s.columns[i]; j++)
                cust[row] = (int64_t)i, t[row++] = s.times[at++];
        }
        double est;
        size_t used;
        ck_assert_int_eq(cxm_estimate_regularity(&est, &used, row, cust, t), CXM_OK);
        ck_assert(used > 10000);
        ck_assert_msg(fabs(est - k) <= 0.1 * k, "k = %d estimated %g from %zu", k, est, used);
        free(cust), free(t);
        sample_free(&s);
        cxm_model_free(m);
    }
    double e;
    int64_t c[2] = { 1, 1 };
    double tt[2] = { 0.0, NAN };
    ck_assert_int_eq(cxm_estimate_regularity(&e, NULL, 2, c, tt), CXM_EINVAL);
    tt[1] = 1.0;
    ck_assert_int_eq(cxm_estimate_regularity(&e, NULL, 2, c, tt), CXM_EDOMAIN);
}
END_TEST

/* Extreme parameters and histories: finite predictions, P(alive) in [0, 1]. */
START_TEST(test_grid)
{
    const double values[] = { 1e-8, 0.3, 1.0, 7.0, 1e6 };
    const double ks[] = { 1, 2, 5, 12, 100 };
    const double x[] = { 0, 1, 3, 40, 1e4 }, tx[] = { 0, 0.5, 30, 39, 52 }, T = 52.0;
    const cxm_model_kind kinds[2] = { CXM_MODEL_BGCNBD, CXM_MODEL_MBGCNBD };
    for (int v = 0; v < 2; v++)
        for (size_t ir = 0; ir < 5; ir++)
            for (size_t ia = 0; ia < 5; ia++)
                for (size_t ib = 0; ib < 5; ib++)
                    for (size_t ik = 0; ik < 5; ik++) {
                        double p[5] = { values[ir], values[(ir + ia) % 5], values[ia],
                                        values[ib], ks[ik] };
                        cxm_model *m = given(kinds[v], p, 5);
                        for (size_t i = 0; i < 5; i++) {
                            double xi = x[i], ti = xi == 0 ? 0.0 : tx[(i + ik) % 5];
                            if (xi > 0 && ti == 0.0)
                                ti = 0.25;
                            double TT = T, pa, ey, ll;
                            double row[4] = { xi, ti, TT, xi > 0 ? xi * log(ti / xi) - 0.1 : 0.0 };
                            ck_assert_int_eq(cxm_model_p_alive(&pa, 1, m, &xi, &ti, &TT), CXM_OK);
                            ck_assert(pa >= 0.0 && pa <= 1.0);
                            int st = cxm_model_conditional_purchases_horizon(&ey, 1, m, 10.0, &xi,
                                                                             &ti, &TT);
                            ck_assert(st == CXM_OK || st == CXM_EDOMAIN);
                            if (st == CXM_OK)
                                ck_assert(isfinite(ey) && ey >= 0.0);
                            st = cxm_model_log_likelihood_of(&ll, m, 1, row, NULL);
                            ck_assert(st == CXM_OK || st == CXM_EDOMAIN);
                            if (st == CXM_OK)
                                ck_assert(isfinite(ll));
                        }
                        cxm_model_free(m);
                    }
}
END_TEST

START_TEST(test_errors)
{
    cxm_model *m = NULL, *b = NULL;
    ck_assert_int_eq(cxm_model_create(&m, CXM_MODEL_MBGCNBD), CXM_OK);
    double p[5] = { 1, 1, 1, 1, 2.5 };
    ck_assert_int_eq(cxm_model_set_params(m, p, 5), CXM_EINVAL);
    p[4] = 101;
    ck_assert_int_eq(cxm_model_set_params(m, p, 5), CXM_EINVAL);
    ck_assert_int_eq(cxm_model_set_regularity(m, 101), CXM_EINVAL);
    ck_assert_int_eq(cxm_model_create(&b, CXM_MODEL_BGNBD), CXM_OK);
    ck_assert_int_eq(cxm_model_set_regularity(b, 2), CXM_EUNSUPPORTED);
    /* litt beyond x·ln(t_x/x): no inter-purchase times give it. */
    double cols[4] = { 2, 10, 20, 2 * log(5.0) + 0.01 };
    ck_assert_int_eq(cxm_model_fit_columns(m, 1, cols, NULL, NULL), CXM_EINVAL);
    ck_assert(strstr(cxm_error_message(), "litt") != NULL);
    double cols0[4] = { 0, 0, 20, 1.0 };
    ck_assert_int_eq(cxm_model_fit_columns(m, 1, cols0, NULL, NULL), CXM_EINVAL);
    /* JSON round trip keeps k. */
    p[4] = 4;
    ck_assert_int_eq(cxm_model_set_params(m, p, 5), CXM_OK);
    char *json = NULL;
    cxm_model *back = NULL;
    ck_assert_int_eq(cxm_model_to_json(&json, m), CXM_OK);
    ck_assert_int_eq(cxm_model_from_json(&back, json), CXM_OK);
    double k;
    ck_assert_int_eq(cxm_model_param(&k, back, "k"), CXM_OK);
    ck_assert(k == 4.0);
    ck_assert_int_eq(cxm_model_param_scale(back, 4), CXM_SCALE_FIXED);
    cxm_free(json);
    cxm_model_free(back), cxm_model_free(m), cxm_model_free(b);
}
END_TEST

static Suite *cnbd_suite(void)
{
    Suite *s = suite_create("cnbd");
    TCase *tc = tcase_create("cnbd");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_k1_is_bgnbd);
    tcase_add_test(tc, test_recovery);
    tcase_add_test(tc, test_expected_by_simulation);
    tcase_add_test(tc, test_conditional_by_total_expectation);
    tcase_add_test(tc, test_likelihood_by_quadrature);
    tcase_add_test(tc, test_estimate_regularity);
    tcase_add_test(tc, test_grid);
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cxm_check_run(cnbd_suite());
}
