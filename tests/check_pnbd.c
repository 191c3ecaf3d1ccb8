/* Pareto/NBD through the public API: CDNOW (docs/models.md §1.6), the heavy
 * buyer, direct numerical integration of the likelihood at grid points
 * (tests/ref/pnbd_reference.py), DERT and P(X(t) = n) references, the
 * numerical grid, recovery from simulation and out-of-memory behaviour. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cxm.h>

#include "chaos.h"
#include "check_run.h"
#include "ref/pnbd_reference.h"
#include "ref/extremes_reference.h"
#include "extremes.h"
#include "cdnow.h"
#include "suites.h"

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

static cxm_model *given(const double *p)
{
    cxm_model *m = NULL;
    ck_assert_cxm_ok(cxm_model_create(&m, CXM_MODEL_PARETO_NBD));
    ck_assert_cxm_ok(cxm_model_set_params(m, p, 4));
    return m;
}

START_TEST(cdnow_published_estimates)
{
    load_cdnow();
    cxm_model *m = NULL;
    ck_assert_cxm_ok(cxm_model_create_named(&m, "pareto-nbd"));
    ck_assert_cxm_ok(cxm_model_fit(m, CDNOW_N, cd_x, cd_tx, cd_T, NULL, NULL));
    double p[4], se[4], ll;
    ck_assert_cxm_ok(cxm_model_params(p, 4, m));
    ck_assert_msg(fabs(p[0] - 0.553) <= 0.0005, "r %.6f", p[0]);
    ck_assert_msg(fabs(p[1] - 10.578) <= 0.0005, "alpha %.6f", p[1]);
    ck_assert_msg(fabs(p[2] - 0.606) <= 0.0005, "s %.6f", p[2]);
    /* The likelihood is flat in beta: the published 11.669 within 0.02. */
    ck_assert_msg(fabs(p[3] - 11.669) <= 0.02, "beta %.6f", p[3]);
    ck_assert_cxm_ok(cxm_model_log_likelihood(&ll, m));
    ck_assert_msg(fabs(ll - -9595.0) <= 0.1, "LL %.4f", ll);
    ck_assert_cxm_ok(cxm_model_standard_errors(se, 4, m));
    for (int i = 0; i < 4; i++)
        ck_assert(isfinite(se[i]) && se[i] > 0);
    /* beta's standard error is large: the flat direction of the likelihood. */
    ck_assert(se[3] > 3 * se[1]);
    cxm_fit_report report = CXM_FIT_REPORT_INIT;
    ck_assert_cxm_ok(cxm_model_fit_report(&report, m));
    ck_assert_int_eq(report.reason, CXM_FIT_CONVERGED);
    cxm_model_free(m);
}
END_TEST

START_TEST(likelihood_matches_direct_integration)
{
    double worst = 0, worst_alive = 0;
    for (size_t i = 0; i < COUNT(pnbd_loglik_ref); i++) {
        const double *r = pnbd_loglik_ref[i];
        cxm_model *m = given(r);
        double cols[3] = { r[4], r[5], r[6] }, ll, alive;
        ck_assert_cxm_ok(cxm_model_log_likelihood_of(&ll, m, 1, cols, NULL));
        ck_assert_cxm_ok(cxm_model_p_alive(&alive, 1, m, &cols[0], &cols[1], &cols[2]));
        double err = fabs(ll - r[7]) / (1 + fabs(r[7]));
        /* The reference is ln P(alive): below the doubles' range P(alive) must be 0 or tiny. */
        double want_alive = exp(r[8]);
        double err_alive = r[8] < -700 ? (alive <= 1e-290 ? 0.0 : 1.0)
                                       : fabs(alive - want_alive) / want_alive;
        ck_assert_msg(err <= 1e-11 && err_alive <= 1e-10,
                      "row %zu (%g %g %g %g; %g %g %g): ln L %.17g vs %.17g, P(alive) %.17g vs e^%.17g",
                      i, r[0], r[1], r[2], r[3], r[4], r[5], r[6], ll, r[7], alive, r[8]);
        worst = fmax(worst, err);
        worst_alive = fmax(worst_alive, err_alive);
        cxm_model_free(m);
    }
    for (size_t i = 0; i < COUNT(pnbd_loglik_2d_ref); i++) {
        const double *r = pnbd_loglik_2d_ref[i];
        cxm_model *m = given(r);
        double cols[3] = { r[4], r[5], r[6] }, ll;
        ck_assert_cxm_ok(cxm_model_log_likelihood_of(&ll, m, 1, cols, NULL));
        ck_assert_msg(fabs(ll - r[7]) <= 1e-11 * (1 + fabs(r[7])), "2-D row %zu: %.17g vs %.17g",
                      i, ll, r[7]);
        cxm_model_free(m);
    }
    fprintf(stderr, "Pareto/NBD vs integration: worst relative error of ln L %.2g, of P(alive) %.2g\n",
            worst, worst_alive);
}
END_TEST

START_TEST(heavy_buyer_is_finite)
{
    /* CLVTools returns NaN here (its issue 100). */
    const double *r = pnbd_loglik_ref[0];
    ck_assert_double_eq(r[4], 221);
    cxm_model *m = given(r);
    double x = 221, tx = 103.4, T = 103.6, alive, ey, t = 52, d;
    ck_assert_cxm_ok(cxm_model_p_alive(&alive, 1, m, &x, &tx, &T));
    ck_assert(isfinite(alive) && alive >= 0 && alive <= 1);
    ck_assert_double_eq_tol(alive, exp(r[8]), 1e-10);
    ck_assert_cxm_ok(cxm_model_conditional_purchases(&ey, 1, m, &t, &x, &tx, &T));
    ck_assert(isfinite(ey) && ey > 0);
    ck_assert_cxm_ok(cxm_model_dert(&d, 1, m, 0.01, &x, &tx, &T));
    ck_assert(isfinite(d) && d > 0);
    cxm_model_free(m);
}
END_TEST

START_TEST(dert_and_probabilities_match_references)
{
    for (size_t i = 0; i < COUNT(pnbd_dert_ref); i++) {
        const double *r = pnbd_dert_ref[i];
        cxm_model *m = given(r);
        double d;
        ck_assert_cxm_ok(cxm_model_dert(&d, 1, m, r[7], &r[4], &r[5], &r[6]));
        ck_assert_msg(fabs(d - r[8]) <= 1e-10 * r[8], "DERT row %zu: %.17g vs %.17g", i, d, r[8]);
        cxm_model_free(m);
    }
    for (size_t i = 0; i < COUNT(pnbd_prob_ref); i++) {
        const double *r = pnbd_prob_ref[i];
        cxm_model *m = given(r);
        double pr;
        ck_assert_cxm_ok(cxm_model_purchase_probability(&pr, 1, m, &r[4], &r[5]));
        ck_assert_msg(fabs(pr - r[6]) <= 1e-11 * r[6], "P(X(%g)=%g): %.17g vs %.17g", r[5], r[4],
                      pr, r[6]);
        cxm_model_free(m);
    }
    /* P(X(t) = n) sums to 1 with mean E[X(t)]. */
    static const double params[][4] = { { 0.553, 10.578, 0.606, 11.669 }, { 2, 10, 0.5, 30 },
                                        { 0.5, 2, 3, 1 } };
    for (size_t k = 0; k < COUNT(params); k++) {
        cxm_model *m = given(params[k]);
        enum { NMAX = 400 };
        static double counts[NMAX], times[NMAX], probs[NMAX];
        double t = 39, mean = 0, total = 0, ex;
        for (int n = 0; n < NMAX; n++) {
            counts[n] = n;
            times[n] = t;
        }
        ck_assert_cxm_ok(cxm_model_purchase_probability(probs, NMAX, m, counts, times));
        for (int n = 0; n < NMAX; n++) {
            total += probs[n];
            mean += n * probs[n];
        }
        ck_assert_cxm_ok(cxm_model_expected_purchases(&ex, 1, m, &t));
        ck_assert_msg(fabs(total - 1) <= 1e-10, "set %zu: total %.15g", k, total);
        ck_assert_msg(fabs(mean - ex) <= 1e-9 * ex, "set %zu: mean %.15g vs E[X] %.15g", k, mean, ex);
        cxm_model_free(m);
    }
}
END_TEST

/* P(X(T, T+t) = n | x, t_x, T): sums to 1 with mean E[Y(t) | x, t_x, T]
 * (computed in closed form, not from the probabilities); a new customer's
 * is P(X(t) = n); at extreme arguments a probability or an error. BG/BB
 * has none. (Against an independent double integral over the rates:
 * tests/python/test_ltv2.py.) */
START_TEST(conditional_probabilities)
{
    static const double params[4] = { 0.553, 10.578, 0.606, 11.669 };
    static const double histories[][3] = { { 0, 0, 38.86 }, { 2, 30.43, 38.86 },
                                           { 221, 103.4, 103.6 }, { 0, 0, 0 } };
    enum { NMAX = 600 };
    static double counts[NMAX], times[NMAX], xs[NMAX], txs[NMAX], Ts[NMAX], probs[NMAX],
        uncond[NMAX];
    cxm_model *m = given(params);
    for (size_t h = 0; h < COUNT(histories); h++) {
        double t = 39, total = 0, mean = 0, ey;
        for (int n = 0; n < NMAX; n++) {
            counts[n] = n;
            times[n] = t;
            xs[n] = histories[h][0];
            txs[n] = histories[h][1];
            Ts[n] = histories[h][2];
        }
        ck_assert_cxm_ok(cxm_model_conditional_purchase_probability(probs, NMAX, m, counts, times,
                                                                    xs, txs, Ts));
        for (int n = 0; n < NMAX; n++) {
            ck_assert(probs[n] >= 0 && probs[n] <= 1);
            total += probs[n];
            mean += n * probs[n];
        }
        ck_assert_cxm_ok(cxm_model_conditional_purchases(&ey, 1, m, &t, xs, txs, Ts));
        ck_assert_msg(fabs(total - 1) <= 1e-10, "history %zu: total %.15g", h, total);
        ck_assert_msg(fabs(mean - ey) <= 1e-8 * fmax(ey, 1), "history %zu: mean %.15g vs %.15g",
                      h, mean, ey);
    }
    ck_assert_cxm_ok(cxm_model_purchase_probability(uncond, NMAX, m, counts, times));
    for (int n = 0; n < NMAX; n++) /* the last history is a new customer */
        ck_assert_double_eq_tol(probs[n], uncond[n], 1e-15);
    for (size_t xi = 0; xi < EXTREME_COUNT(extreme_counts); xi++)
        for (size_t q = 0; q < EXTREME_COUNT(extreme_times); q++) {
            double x = extreme_counts[xi], T = extreme_times[q], tx = x > 0 ? T / 2 : 0, v = NAN;
            int status;
            for (size_t k = 0; k < EXTREME_COUNT(extreme_counts); k++)
                for (size_t u = 0; u < EXTREME_COUNT(extreme_times); u += 3) {
                    double count = extreme_counts[k], t = extreme_times[u];
                    EXTREME_CALL(status, cxm_model_conditional_purchase_probability(
                                             &v, 1, m, &count, &t, &x, &tx, &T),
                                 "P(X(%g) = %g | %g, %g, %g)", t, count, x, tx, T);
                    EXTREME_CHECK(status, v, 0, 1, "P(X(%g) = %g | %g, %g, %g)", t, count, x, tx,
                                  T);
                }
        }
    cxm_model_free(m);
    cxm_model *bgbb = NULL;
    double one = 1, v;
    ck_assert_cxm_ok(cxm_model_create(&bgbb, CXM_MODEL_BGBB));
    ck_assert_cxm_ok(cxm_model_set_params(bgbb, params, 4));
    ck_assert_int_eq(cxm_model_conditional_purchase_probability(&v, 1, bgbb, &one, &one, &one,
                                                                &one, &one),
                     CXM_EUNSUPPORTED);
    cxm_model_free(bgbb);
}
END_TEST

START_TEST(numerical_grid)
{
    static const double values[] = { 1e-4, 1e-2, 1, 1e2, 1e4 };
    static const double xs[] = { 0, 1, 10, 221, 1e3, 1e4 };
    static const double histories[][2] = { { 0, 1e4 }, { 5e3, 1e4 }, { 1e4, 1e4 }, { 1, 1 },
                                           { 0, 0 },   { 1e-4, 1e4 }, { 0.5, 3 }, { 103.4, 103.6 } };
    static const double ts[] = { 0, 1e-4, 1, 100, 1e4 };
    enum { NT = COUNT(ts) };
    long checked = 0;
    cxm_model *m = NULL;
    ck_assert_cxm_ok(cxm_model_create(&m, CXM_MODEL_PARETO_NBD));
    for (int i = 0; i < 625; i++) {
        double p[4] = { values[i % 5], values[i / 5 % 5], values[i / 25 % 5], values[i / 125] };
        ck_assert_cxm_ok(cxm_model_set_params(m, p, 4));
        double ex[NT];
        ck_assert_cxm_ok(cxm_model_expected_purchases(ex, NT, m, ts));
        for (int q = 0; q < NT; q++)
            ck_assert_msg(isfinite(ex[q]) && ex[q] >= 0 && (q == 0 || ex[q] >= ex[q - 1]),
                          "(%g, %g, %g, %g): E[X(%g)] = %g", p[0], p[1], p[2], p[3], ts[q], ex[q]);
        for (size_t xi = 0; xi < COUNT(xs); xi++)
            for (size_t h = 0; h < COUNT(histories); h++) {
                double x = xs[xi], tx = x == 0 ? 0 : histories[h][0], T = histories[h][1];
                double cols[3] = { x, tx, T }, ll, alive, d, X[NT], TX[NT], TT[NT], ey[NT];
                ck_assert_cxm_ok(cxm_model_log_likelihood_of(&ll, m, 1, cols, NULL));
                ck_assert_msg(isfinite(ll), "(%g, %g, %g, %g) x=%g t_x=%g T=%g: ln L %g", p[0],
                              p[1], p[2], p[3], x, tx, T, ll);
                ck_assert_cxm_ok(cxm_model_p_alive(&alive, 1, m, &x, &tx, &T));
                ck_assert_msg(alive >= 0 && alive <= 1, "(%g, %g, %g, %g) x=%g t_x=%g T=%g: P(alive) %g",
                              p[0], p[1], p[2], p[3], x, tx, T, alive);
                ck_assert_cxm_ok(cxm_model_dert(&d, 1, m, 0.01, &x, &tx, &T));
                ck_assert_msg(isfinite(d) && d >= 0, "DERT %g", d);
                for (int q = 0; q < NT; q++) {
                    X[q] = x;
                    TX[q] = tx;
                    TT[q] = T;
                }
                ck_assert_cxm_ok(cxm_model_conditional_purchases(ey, NT, m, ts, X, TX, TT));
                for (int q = 0; q < NT; q++) {
                    ck_assert_msg(isfinite(ey[q]) && ey[q] >= 0 &&
                                      (q == 0 || ey[q] >= ey[q - 1] * (1 - 1e-12)),
                                  "(%g, %g, %g, %g) x=%g t_x=%g T=%g: E[Y(%g)] = %.17g", p[0],
                                  p[1], p[2], p[3], x, tx, T, ts[q], ey[q]);
                    checked++;
                }
            }
    }
    cxm_model_free(m);
    ck_assert_int_gt(checked, 100000);
}
END_TEST

/* Histories and arguments at the edges: T and t_x up to the largest double,
 * x up to 2^53, horizons up to the largest double, discount rates from 1e-300
 * to the largest double. Every call within the time limit; P(alive) and
 * probabilities in [0, 1], expectations >= 0 and non-decreasing in t, DERT
 * >= 0 and non-increasing in the rate; or an error with a message. The
 * parameters are the CDNOW estimates and sets from 1e-4 to 1e4 (P(alive)
 * at the corners of [1e-10, 1e10] is the likelihood's business: see the
 * grid of issue 14's Pareto/NBD likelihood). */
START_TEST(extreme_arguments)
{
    static const double sets[][4] = { { 0.553, 10.578, 0.606, 11.669 }, { 1e-4, 1e4, 1e-4, 1e4 },
                                      { 1e4, 1e-4, 1e4, 1e-4 },         { 1, 1, 1, 1 },
                                      { 1e-4, 1e-4, 2, 1e4 },           { 20, 1e4, 1e-4, 1e-4 } };
    static const double histories[][2] = { { 0, 0 },        { 0, 1e308 },    { 1e-300, 1e-300 },
                                           { 30.43, 38.86 }, { 0.5, 1e300 }, { DBL_MAX, DBL_MAX },
                                           { 103.4, 103.6 } };
    static const double xs[] = { 0, 1, 221, 1e6, 1e12, 9007199254740992.0 };
    static const double ts[] = { 0, 1e-300, 1, 1e6, 1e12, 1e100, 1e308, DBL_MAX };
    long checked = 0;
    for (size_t i = 0; i < COUNT(sets); i++) {
        const double *p = sets[i];
        cxm_model *m = given(p);
        int status;
        double v = NAN, last = 0;
        for (size_t q = 0; q < COUNT(ts); q++) {
            double t = ts[q];
            EXTREME_CALL(status, cxm_model_expected_purchases(&v, 1, m, &t), "E[X(%g)]", t);
            if (EXTREME_CHECK(status, v, last * (1 - 1e-12), DBL_MAX, "(%g, %g, %g, %g) E[X(%g)]",
                              p[0], p[1], p[2], p[3], t))
                last = v;
            for (size_t k = 0; k < COUNT(xs); k++) {
                double count = xs[k];
                EXTREME_CALL(status, cxm_model_purchase_probability(&v, 1, m, &count, &t),
                             "P(X(%g) = %g)", t, count);
                EXTREME_CHECK(status, v, 0, 1, "(%g, %g, %g, %g) P(X(%g) = %g)", p[0], p[1], p[2],
                              p[3], t, count);
            }
        }
        for (size_t xi = 0; xi < COUNT(xs); xi++)
            for (size_t h = 0; h < COUNT(histories); h++) {
                double x = xs[xi], tx = x == 0 ? 0 : histories[h][0], T = histories[h][1];
                if (x > 0 && h == 0)
                    continue;
                EXTREME_CALL(status, cxm_model_p_alive(&v, 1, m, &x, &tx, &T), "P(alive | %g, %g, %g)",
                             x, tx, T);
                EXTREME_CHECK(status, v, 0, 1, "(%g, %g, %g, %g) P(alive | %g, %g, %g)", p[0],
                              p[1], p[2], p[3], x, tx, T);
                last = 0;
                for (size_t q = 0; q < COUNT(ts); q++) {
                    double t = ts[q];
                    EXTREME_CALL(status, cxm_model_conditional_purchases(&v, 1, m, &t, &x, &tx, &T),
                                 "E[Y(%g) | %g, %g, %g]", t, x, tx, T);
                    if (EXTREME_CHECK(status, v, last * (1 - 1e-12), DBL_MAX,
                                      "(%g, %g, %g, %g) E[Y(%g) | %g, %g, %g]", p[0], p[1], p[2],
                                      p[3], t, x, tx, T))
                        last = v;
                }
                last = DBL_MAX;
                for (size_t q = 0; q < EXTREME_COUNT(extreme_rates); q++) {
                    double rate = extreme_rates[q];
                    EXTREME_CALL(status, cxm_model_dert(&v, 1, m, rate, &x, &tx, &T),
                                 "DERT(%g | %g, %g, %g)", rate, x, tx, T);
                    if (EXTREME_CHECK(status, v, 0, last * (1 + 1e-12),
                                      "(%g, %g, %g, %g) DERT(%g | %g, %g, %g)", p[0], p[1], p[2],
                                      p[3], rate, x, tx, T))
                        last = v;
                }
                checked += 1 + COUNT(ts) + EXTREME_COUNT(extreme_rates);
            }
        cxm_model_free(m);
    }
    ck_assert_int_gt(checked, 1000);
}
END_TEST

/* The paths for huge and tiny arguments (t/β or t/α beyond a double, the
 * decay integral beyond e^700, DERT's e^z E_s(z) from its expansion) against
 * tests/ref/extremes_reference.py. A new customer (x = t_x = T = 0) is alive,
 * so these do not depend on P(alive). */
START_TEST(extreme_values_match_references)
{
    for (size_t i = 0; i < COUNT(pnbd_extreme); i++) {
        cxm_model *m = given(pnbd_extreme[i].p);
        const double *a = pnbd_extreme[i].arg;
        const char *what = pnbd_extreme[i].what;
        double v = NAN, zero = 0, tol = 1e-12;
        int status;
        if (strcmp(what, "expected") == 0) {
            EXTREME_CALL(status, cxm_model_expected_purchases(&v, 1, m, &a[0]), "E[X]");
        } else if (strcmp(what, "dert_new") == 0) {
            EXTREME_CALL(status, cxm_model_dert(&v, 1, m, a[0], &zero, &zero, &zero), "DERT");
            tol = 1e-11;
        } else {
            EXTREME_CALL(status, cxm_model_purchase_probability(&v, 1, m, &a[0], &a[1]), "P");
            tol = 1e-9;
        }
        ck_assert_msg(status == CXM_OK, "row %zu %s: %s", i, what, cxm_error_message());
        ck_assert_msg(extreme_close(v, pnbd_extreme[i].value, tol),
                      "row %zu %s(%g, %g): %.17g, reference %.17g", i, what, a[0], a[1], v,
                      pnbd_extreme[i].value);
        cxm_model_free(m);
    }
}
END_TEST

START_TEST(recovers_simulated_parameters)
{
    static const double truth[4] = { 0.55, 10.6, 0.61, 11.7 };
    enum { N = 50000 };
    static double x[N], tx[N], T[N];
    cxm_model *sim = given(truth), *m = NULL;
    for (int i = 0; i < N; i++)
        T[i] = 26 + (i % 13); /* cohorts over 13 weeks, as in CDNOW */
    ck_assert_cxm_ok(cxm_model_simulate(x, tx, N, sim, T, 11));
    ck_assert_cxm_ok(cxm_model_create(&m, CXM_MODEL_PARETO_NBD));
    ck_assert_cxm_ok(cxm_model_fit(m, N, x, tx, T, NULL, NULL));
    double p[4], se[4];
    ck_assert_cxm_ok(cxm_model_params(p, 4, m));
    ck_assert_cxm_ok(cxm_model_standard_errors(se, 4, m));
    for (int i = 0; i < 4; i++)
        ck_assert_msg(fabs(p[i] - truth[i]) <= 4 * se[i], "%s %.4f ± %.4f, truth %g",
                      cxm_model_param_name(m, i), p[i], se[i], truth[i]);
    cxm_model_free(sim);
    cxm_model_free(m);
}
END_TEST

/* xorshift64*: the test's own reproducible draws. */
static double draw(uint64_t *state)
{
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return (double)((*state * 0x2545F4914F6CDD1DULL) >> 11) * 0x1p-53;
}

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

START_TEST(unidentified_data_fail_fast)
{
    /* Small data sets with no structure (frequency 0-9, T uniform in [30, 60],
     * recency uniform in [0, T]) usually push s and beta (or r and alpha)
     * towards infinity; such a fit once ran for minutes in series of 10^8
     * terms. Every fit must end with an estimate or CXM_ECONVERGE, after a
     * bounded number of passes. */
    enum { NMAX = 500 };
    static double x[NMAX], tx[NMAX], T[NMAX];
    static const size_t sizes[] = { 1, 2, 5, 20, 50, 200, 500 };
    uint64_t state = 0x9E3779B97F4A7C15ULL;
    unsigned worst_passes = 0, failures = 0;
    double worst_seconds = 0;
    for (int set = 0; set < 42; set++) {
        size_t n = sizes[set % COUNT(sizes)];
        for (size_t i = 0; i < n; i++) {
            x[i] = floor(10 * draw(&state));
            T[i] = 30 + 30 * draw(&state);
            tx[i] = x[i] > 0 ? T[i] * draw(&state) : 0;
        }
        cxm_model *m = NULL;
        ck_assert_cxm_ok(cxm_model_create(&m, CXM_MODEL_PARETO_NBD));
        double start = cpu_seconds();
        int status = cxm_model_fit(m, n, x, tx, T, NULL, NULL);
        double seconds = cpu_seconds() - start;
        ck_assert_msg(status == CXM_OK || status == CXM_ECONVERGE, "set %d: %s", set,
                      cxm_error_message());
        cxm_fit_report report = CXM_FIT_REPORT_INIT;
        ck_assert_cxm_ok(cxm_model_fit_report(&report, m));
        if (status == CXM_ECONVERGE) {
            failures++;
            ck_assert_int_ne(report.reason, CXM_FIT_CONVERGED);
        } else {
            double p[4], se[4];
            ck_assert_cxm_ok(cxm_model_params(p, 4, m));
            ck_assert_cxm_ok(cxm_model_standard_errors(se, 4, m));
            for (int i = 0; i < 4; i++) /* an estimate, not a point on a plateau */
                ck_assert_msg(p[i] < 1e5 || se[i] < p[i], "set %d: %s %g ± %g", set,
                              cxm_model_param_name(m, i), p[i], se[i]);
        }
        worst_passes = report.evaluations > worst_passes ? report.evaluations : worst_passes;
        worst_seconds = fmax(worst_seconds, seconds);
        cxm_model_free(m);
    }
    fprintf(stderr, "42 small fits: %u failed to converge; at most %u passes, %.3f s CPU\n",
            failures, worst_passes, worst_seconds);
    /* Newton's 100 iterations with line searches that stop at the rounding
     * of the parameters bound the passes; each pass is bounded too (every
     * series and quadrature has a term budget). Seconds are CPU time, with
     * room for sanitizers and a busy machine: the fits took 0.1 s at most. */
    ck_assert_uint_le(worst_passes, 600);
    ck_assert_msg(worst_seconds < 1.0, "a fit took %.3f s of CPU time", worst_seconds);
}
END_TEST

START_TEST(parameter_corners)
{
    /* Every corner of the parameters a fit can reach (1e-10, 1, 1e10 each),
     * with histories from nothing at all to times of 1e308: the likelihood
     * finite, P(alive) in [0, 1], each call bounded. Once P(alive) failed at
     * 20 of these after 0.5 s each, and took 47 to 85 s at others. */
    static const double values[3] = { 1e-10, 1, 1e10 };
    static const double histories[][3] = { { 0, 0, 0 },         { 0, 0, 1e308 },
                                            { 1, 1e-300, 1e-300 }, { 2, 30.43, 38.86 },
                                            { 0, 0, 38.86 },       { 221, 103.4, 103.6 },
                                            { 1e6, 1e300, 1e308 } };
    cxm_model *m = NULL;
    ck_assert_cxm_ok(cxm_model_create(&m, CXM_MODEL_PARETO_NBD));
    double worst = 0;
    for (int i = 0; i < 81; i++) {
        double p[4] = { values[i % 3], values[i / 3 % 3], values[i / 9 % 3], values[i / 27] };
        ck_assert_cxm_ok(cxm_model_set_params(m, p, 4));
        for (size_t h = 0; h < COUNT(histories); h++) {
            double x = histories[h][0], tx = histories[h][1], T = histories[h][2];
            double cols[3] = { x, tx, T }, ll, alive, start = cpu_seconds();
            ck_assert_cxm_ok(cxm_model_p_alive(&alive, 1, m, &x, &tx, &T));
            ck_assert_cxm_ok(cxm_model_log_likelihood_of(&ll, m, 1, cols, NULL));
            worst = fmax(worst, cpu_seconds() - start);
            /* with no purchase L is a probability; otherwise a density in t_x */
            ck_assert_msg(isfinite(ll) && (x > 0 || ll <= 1e-12) && alive >= 0 && alive <= 1,
                          "(%g, %g, %g, %g) x=%g t_x=%g T=%g: ln L %g, P(alive) %g", p[0], p[1],
                          p[2], p[3], x, tx, T, ll, alive);
            if (tx == T) /* bought at the end of the window: alive */
                ck_assert_double_eq(alive, 1.0);
        }
    }
    cxm_model_free(m);
    ck_assert_msg(worst < 1.0, "a call took %.3f s of CPU time", worst);
}
END_TEST

static int oom_fit(void *context)
{
    (void)context;
    cxm_model *m = NULL;
    int status = cxm_model_create(&m, CXM_MODEL_PARETO_NBD);
    if (status == CXM_OK)
        status = cxm_model_fit(m, 300, cd_x, cd_tx, cd_T, NULL, NULL);
    cxm_model_free(m);
    return status;
}

START_TEST(out_of_memory_is_clean)
{
    load_cdnow();
    chaos_run(oom_fit, NULL, "Pareto/NBD fit");
}
END_TEST

/* The correlated Pareto/NBD (docs/models.md §1.6.1): omega = 0 is the
 * Pareto/NBD to the last bit; the rates' correlation is the closed form. */
START_TEST(correlated_rates)
{
    load_cdnow();
    const double p[5] = { 0.553, 10.578, 0.606, 11.669, 0.0 };
    cxm_model *cor = NULL, *plain = given(p);
    ck_assert_cxm_ok(cxm_model_create(&cor, CXM_MODEL_PARETO_NBD_COR));
    ck_assert_cxm_ok(cxm_model_set_params(cor, p, 5));
    double cols[3 * CDNOW_N], a, b;
    for (size_t i = 0; i < CDNOW_N; i++)
        cols[i] = cd_x[i], cols[CDNOW_N + i] = cd_tx[i], cols[2 * CDNOW_N + i] = cd_T[i];
    ck_assert_cxm_ok(cxm_model_log_likelihood_of(&a, cor, CDNOW_N, cols, NULL));
    ck_assert_cxm_ok(cxm_model_log_likelihood_of(&b, plain, CDNOW_N, cols, NULL));
    ck_assert(a == b);
    /* omega·L1·L2·√(rs)/((α+1)(β+1)) with r = s = 1/2, α = β = 1, omega = 2: 1/8. */
    const double q[5] = { 0.5, 1.0, 0.5, 1.0, 2.0 };
    ck_assert_cxm_ok(cxm_model_set_params(cor, q, 5));
    double rho;
    ck_assert_cxm_ok(cxm_model_rate_correlation(&rho, cor));
    ck_assert(fabs(rho - 0.125) <= 1e-15);
    ck_assert_int_eq(cxm_model_rate_correlation(&rho, plain), CXM_EUNSUPPORTED);
    const double bad[5] = { 0.5, 1.0, 0.5, 1.0, 50.0 };
    ck_assert_cxm_fails(cxm_model_set_params(cor, bad, 5), CXM_EINVAL, "omega");
    cxm_model_free(cor);
    cxm_model_free(plain);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pnbd");
    struct {
        const char *name;
        const TTest *test;
    } tests[] = {
        { "cdnow", cdnow_published_estimates },
        { "integration", likelihood_matches_direct_integration },
        { "heavy", heavy_buyer_is_finite },
        { "references", dert_and_probabilities_match_references },
        { "grid", numerical_grid },
        { "extremes", extreme_arguments },
        { "conditional probabilities", conditional_probabilities },
        { "extreme references", extreme_values_match_references },
        { "recovery", recovers_simulated_parameters },
        { "unidentified", unidentified_data_fail_fast },
        { "corners", parameter_corners },
        { "oom", out_of_memory_is_clean },
        { "correlated", correlated_rates },
    };
    for (size_t i = 0; i < COUNT(tests); i++) {
        TCase *tc = tcase_create(tests[i].name);
        tcase_set_timeout(tc, 300);
        tcase_add_test(tc, tests[i].test);
        suite_add_tcase(s, tc);
    }
    return cxm_check_run(s);
}
