/* Model engine internals: the numerics behind BG/NBD predictions against
 * mpmath (tests/ref/bgnbd_reference.py), analytic gradients and Hessians
 * against finite differences, the optimiser and the thread-independent sums. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "clv/bgnbd_internal.h"
#include "clv/model_engine.h"
#include "core/internal.h"
#include "numeric/incomplete.h"
#include "numeric/optim.h"
#include "numeric/parallel.h"
#include "numeric/quadrature.h"
#include "ref/bgnbd_reference.h"

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

static double relative_error(double got, double want)
{
    if (want == 0.0)
        return fabs(got);
    return fabs(got / want - 1.0);
}

START_TEST(q_matches_mpmath)
{
    double worst = 0.0;
    size_t worst_i = 0;
    for (size_t i = 0; i < COUNT(q_reference); i++) {
        const double *row = &q_reference[i].A;
        double q = cxm__bg_q(row[0], row[1], row[2], row[3]);
        double e = relative_error(q, q_reference[i].q);
        ck_assert_msg(isfinite(q), "Q(%g, %g, %g, %g) = %g", row[0], row[1], row[2], row[3], q);
        if (e > worst) {
            worst = e;
            worst_i = i;
        }
    }
    const double *row = &q_reference[worst_i].A;
    ck_assert_msg(worst < 1e-11, "worst Q error %.3g at A=%g B=%g a=%g u=%g (got %.17g, want %.17g)",
                  worst, row[0], row[1], row[2], row[3], cxm__bg_q(row[0], row[1], row[2], row[3]),
                  q_reference[worst_i].q);
}
END_TEST

START_TEST(q_series_and_quadrature_agree)
{
    /* Where the series applies, the quadrature must give the same number. */
    static const double A[] = { 0.0001, 0.2425, 1.0, 2.2425, 12.5, 300.0 };
    static const double B[] = { 0.0001, 0.6, 2.4257, 14.3, 280.0 };
    static const double a[] = { 0.0001, 0.7929, 1.0, 1.5, 37.0, 5000.0 };
    static const double u[] = { 1e-6, 0.05, 0.9, 3.0, 9.0 };
    int compared = 0;
    for (size_t i = 0; i < COUNT(A); i++)
        for (size_t j = 0; j < COUNT(B); j++)
            for (size_t k = 0; k < COUNT(a); k++)
                for (size_t l = 0; l < COUNT(u); l++) {
                    double series = cxm__bg_q_series(A[i], B[j], a[k], u[l]);
                    if (series < 0)
                        continue;
                    double quad = cxm__bg_q_quadrature(A[i], B[j], a[k], u[l]);
                    compared++;
                    ck_assert_msg(relative_error(quad, series) < 1e-12,
                                  "Q(%g, %g, %g, %g): series %.17g, quadrature %.17g", A[i], B[j],
                                  a[k], u[l], series, quad);
                }
    ck_assert_int_gt(compared, 500);
}
END_TEST

START_TEST(expint_matches_mpmath)
{
    for (size_t i = 0; i < COUNT(expint_reference); i++) {
        double m = expint_reference[i].m, x = expint_reference[i].x;
        double got = cxm__expint_scaled(m, x);
        ck_assert_msg(relative_error(got, expint_reference[i].value) < 1e-12,
                      "e^x E_m(x) at m=%g x=%g: %.17g, want %.17g", m, x, got,
                      expint_reference[i].value);
    }
}
END_TEST

START_TEST(beta_inc_matches_mpmath)
{
    for (size_t i = 0; i < COUNT(betainc_reference); i++) {
        double a = betainc_reference[i].a, b = betainc_reference[i].b, x = betainc_reference[i].x;
        double want = betainc_reference[i].value, got = cxm__beta_inc(a, b, x);
        /* Relative where the value is not tiny; absolute 1e-14 otherwise. */
        double error = want > 1e-3 ? relative_error(got, want) : fabs(got - want);
        ck_assert_msg(error < 1e-12 || fabs(got - want) < 1e-300,
                      "I_%g(%g, %g) = %.17g, want %.17g", x, a, b, got, want);
    }
    ck_assert(cxm__beta_inc(2, 3, 0.0) == 0.0);
    ck_assert(cxm__beta_inc(2, 3, 1.0) == 1.0);
}
END_TEST

/* A small data set touching every branch: x = 0 and x > 0, t_x = T, T = 0. */
static const double data_x[] = { 0, 0, 1, 2, 2, 7, 15, 0, 3, 1 };
static const double data_tx[] = { 0, 0, 1.71, 30.43, 5.0, 29.43, 37.0, 0, 2.5, 12.0 };
static const double data_T[] = { 38.86, 12.0, 38.86, 38.86, 5.0, 38.86, 38.0, 0.0, 2.5, 30.0 };
static const double data_w[] = { 3, 1, 2, 1, 1, 1, 0.5, 1, 1, 4 };
static const double data_m[] = { 0, 0, 11.77, 22.35, 9.5, 73.74, 41.0, 0, 5.0, 18.0 };

static void check_derivatives(const cxm__kind *kind, const double *const *column,
                              const double *params)
{
    cxm__prepared prep;
    cxm__evaluator ev;
    size_t p = kind->nparams, n = COUNT(data_x);
    double acc[1 + CXM__MAX_PARAMS + CXM__MAX_PARAMS * CXM__MAX_PARAMS];
    double plus[1 + CXM__MAX_PARAMS + CXM__MAX_PARAMS * CXM__MAX_PARAMS];
    double minus[1 + CXM__MAX_PARAMS + CXM__MAX_PARAMS * CXM__MAX_PARAMS];
    ck_assert_int_eq(cxm__prepare(&prep, kind, n, column, data_w, 0), CXM_OK);
    ck_assert_int_eq(cxm__evaluator_init(&ev, kind, &prep.data, 1), CXM_OK);
    ck_assert_int_eq(cxm__evaluate(&ev, params, 2, acc), CXM_OK);
    for (size_t j = 0; j < p; j++) {
        double shifted[CXM__MAX_PARAMS];
        double h = 1e-5 * params[j];
        memcpy(shifted, params, p * sizeof *shifted);
        shifted[j] = params[j] + h;
        ck_assert_int_eq(cxm__evaluate(&ev, shifted, 1, plus), CXM_OK);
        shifted[j] = params[j] - h;
        ck_assert_int_eq(cxm__evaluate(&ev, shifted, 1, minus), CXM_OK);
        double numeric = (plus[0] - minus[0]) / (2 * h);
        ck_assert_msg(fabs(numeric - acc[1 + j]) <= 1e-6 * (1 + fabs(acc[1 + j])),
                      "%s at (%g, %g, %g): d lnL/d %s analytic %.12g, numeric %.12g", kind->title, params[0], params[1], params[2],
                      kind->param_names[j], acc[1 + j], numeric);
        for (size_t i = 0; i < p; i++) {
            double numeric2 = (plus[1 + i] - minus[1 + i]) / (2 * h);
            double analytic = acc[1 + p + i * p + j];
            ck_assert_msg(fabs(numeric2 - analytic) <= 1e-5 * (1 + fabs(analytic)),
                          "%s: d2 lnL/d %s d %s analytic %.12g, numeric %.12g", kind->title,
                          kind->param_names[i], kind->param_names[j], analytic, numeric2);
        }
    }
    cxm__evaluator_free(&ev);
    cxm__prepared_free(&prep);
}

START_TEST(bgnbd_gradient_and_hessian)
{
    const double *column[] = { data_x, data_tx, data_T };
    const double params[][4] = { { 0.2426, 4.4135, 0.7929, 2.4258 }, { 3.0, 0.5, 2.0, 0.2 },
                                 { 0.01, 100.0, 0.05, 30.0 } };
    for (size_t i = 0; i < COUNT(params); i++) {
        check_derivatives(&cxm__kind_bgnbd, column, params[i]);
        check_derivatives(&cxm__kind_mbgnbd, column, params[i]);
    }
}
END_TEST

START_TEST(gamma_gamma_gradient_and_hessian)
{
    const double *column[] = { data_x, data_m };
    const double params[][3] = { { 6.2488, 3.7446, 15.4477 }, { 0.5, 0.8, 200.0 } };
    for (size_t i = 0; i < COUNT(params); i++)
        check_derivatives(&cxm__kind_gamma_gamma, column, params[i]);
}
END_TEST

/* Rosenbrock: the optimiser converges with and without a Hessian. */
static int rosenbrock(void *context, const double *x, double *f, double *g, double *h)
{
    (void)context;
    double a = 1 - x[0], b = x[1] - x[0] * x[0];
    *f = a * a + 100 * b * b;
    if (g) {
        g[0] = -2 * a - 400 * x[0] * b;
        g[1] = 200 * b;
    }
    if (h) {
        h[0] = 2 - 400 * b + 800 * x[0] * x[0];
        h[1] = h[2] = -400 * x[0];
        h[3] = 200;
    }
    return CXM_OK;
}

START_TEST(optimiser_newton_and_bfgs)
{
    for (int newton = 0; newton <= 1; newton++) {
        double x[2] = { -1.2, 1.0 };
        cxm__optim_options options = { 0, 1e-10, 0, 0, newton, 0 };
        options.max_iterations = 1000;
        cxm__optim_result result;
        ck_assert_int_eq(cxm__minimize(rosenbrock, NULL, x, 2, &options, &result), CXM_OK);
        ck_assert_double_eq_tol(x[0], 1.0, 1e-8);
        ck_assert_double_eq_tol(x[1], 1.0, 1e-8);
        ck_assert_int_eq(result.reason, CXM__OPTIM_CONVERGED);
    }
}
END_TEST

static int unbounded(void *context, const double *x, double *f, double *g, double *h)
{
    (void)context;
    *f = exp(-x[0]); /* decreases for ever: x runs off */
    if (g)
        g[0] = -exp(-x[0]);
    if (h)
        h[0] = exp(-x[0]);
    return CXM_OK;
}

START_TEST(optimiser_reports_divergence_and_the_cap)
{
    double x = 0.0;
    cxm__optim_options options = { 0, 1e-300, 0, 20.0, 1, 0 };
    cxm__optim_result result;
    ck_assert_int_eq(cxm__minimize(unbounded, NULL, &x, 1, &options, &result), CXM_ECONVERGE);
    ck_assert_int_eq(result.reason, CXM__OPTIM_DIVERGED);
    /* A variable the objective limits itself (Sarmanov's omega) is exempt from the bound. */
    x = 0.0;
    options.unbounded = 1u;
    options.max_iterations = 30;
    ck_assert_int_eq(cxm__minimize(unbounded, NULL, &x, 1, &options, &result), CXM_ECONVERGE);
    ck_assert_int_eq(result.reason, CXM__OPTIM_MAX_ITERATIONS);
    ck_assert(x > 20.0);
    x = 0.0;
    options.unbounded = 0;
    options.bound = 0.0;
    options.max_iterations = 5;
    ck_assert_int_eq(cxm__minimize(unbounded, NULL, &x, 1, &options, &result), CXM_ECONVERGE);
    ck_assert_int_eq(result.reason, CXM__OPTIM_MAX_ITERATIONS);
    ck_assert(strstr(cxm_error_message(), "5 iterations") != NULL);
}
END_TEST

static int sum_block(void *context, size_t block, size_t begin, size_t end)
{
    double *slots = context;
    double s = 0.0;
    for (size_t i = begin; i < end; i++)
        s += 1.0 / (1.0 + (double)i);
    slots[block] = s;
    return CXM_OK;
}

static int failing_block(void *context, size_t block, size_t begin, size_t end)
{
    (void)context;
    (void)begin;
    (void)end;
    if (block == 3 || block == 5)
        return cxm__fail(CXM_EDOMAIN, "block %zu failed", block);
    return CXM_OK;
}

START_TEST(parallel_blocks_are_deterministic_and_report_the_first_failure)
{
    size_t n = 100000, rows = 4096, blocks = cxm__block_count(n, rows);
    double one[32], four[32];
    ck_assert_uint_le(blocks, 32);
    ck_assert_int_eq(cxm__parallel_blocks(n, rows, 1, sum_block, one), CXM_OK);
    ck_assert_int_eq(cxm__parallel_blocks(n, rows, 4, sum_block, four), CXM_OK);
    ck_assert(memcmp(one, four, blocks * sizeof *one) == 0);
    for (unsigned threads = 1; threads <= 3; threads++) {
        cxm_error_clear();
        ck_assert_int_eq(cxm__parallel_blocks(n, rows, threads, failing_block, NULL), CXM_EDOMAIN);
        ck_assert_str_eq(cxm_error_message(), "block 3 failed");
    }
}
END_TEST

START_TEST(fit_does_not_depend_on_threads)
{
    /* 200000 simulated customers: block sums in block order give the same
     * bits with 1 and 2 threads. */
    cxm_model *truth, *one, *two;
    size_t n = 200000;
    double *x = malloc(n * sizeof *x), *tx = malloc(n * sizeof *tx), *T = malloc(n * sizeof *T);
    for (size_t i = 0; i < n; i++)
        T[i] = 10.0 + (double)(i % 400) * 0.1;
    double params[4] = { 0.5, 8.0, 0.7, 3.0 };
    ck_assert_int_eq(cxm_model_create(&truth, CXM_MODEL_BGNBD), CXM_OK);
    ck_assert_int_eq(cxm_model_set_params(truth, params, 4), CXM_OK);
    ck_assert_int_eq(cxm_model_simulate(x, tx, n, truth, T, 7), CXM_OK);
    cxm_fit_options options = CXM_FIT_OPTIONS_INIT;
    ck_assert_int_eq(cxm_model_create(&one, CXM_MODEL_BGNBD), CXM_OK);
    ck_assert_int_eq(cxm_model_create(&two, CXM_MODEL_BGNBD), CXM_OK);
    options.threads = 1;
    ck_assert_int_eq(cxm_model_fit(one, n, x, tx, T, NULL, &options), CXM_OK);
    options.threads = 2;
    ck_assert_int_eq(cxm_model_fit(two, n, x, tx, T, NULL, &options), CXM_OK);
    double a[4], b[4], lla, llb;
    cxm_model_params(a, 4, one);
    cxm_model_params(b, 4, two);
    cxm_model_log_likelihood(&lla, one);
    cxm_model_log_likelihood(&llb, two);
    ck_assert(memcmp(a, b, sizeof a) == 0);
    ck_assert(lla == llb);
    cxm_model_free(truth);
    cxm_model_free(one);
    cxm_model_free(two);
    free(x);
    free(tx);
    free(T);
}
END_TEST

static Suite *model_internal_suite(void)
{
    Suite *s = suite_create("model internals");
    TCase *numeric = tcase_create("numerics");
    tcase_add_test(numeric, q_matches_mpmath);
    tcase_add_test(numeric, q_series_and_quadrature_agree);
    tcase_add_test(numeric, expint_matches_mpmath);
    tcase_add_test(numeric, beta_inc_matches_mpmath);
    suite_add_tcase(s, numeric);
    TCase *derivatives = tcase_create("derivatives");
    tcase_add_test(derivatives, bgnbd_gradient_and_hessian);
    tcase_add_test(derivatives, gamma_gamma_gradient_and_hessian);
    suite_add_tcase(s, derivatives);
    TCase *engine = tcase_create("engine");
    tcase_set_timeout(engine, 120);
    tcase_add_test(engine, optimiser_newton_and_bfgs);
    tcase_add_test(engine, optimiser_reports_divergence_and_the_cap);
    tcase_add_test(engine, parallel_blocks_are_deterministic_and_report_the_first_failure);
    tcase_add_test(engine, fit_does_not_depend_on_threads);
    suite_add_tcase(s, engine);
    return s;
}

int main(void)
{
    return cxm_check_run(model_internal_suite());
}
