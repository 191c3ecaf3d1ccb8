/* Chunked work (cxm/chunk.h) through the public API: chunk likelihoods add
 * up to the whole data's, a chunked fit takes the iterations of a fit in one
 * piece (with covariates too), the summary of reduced chunks is the summary of the log, merged
 * attribution counts give the attribution of all the paths, and every
 * allocating function survives running out of memory. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cxm.h>

#include "chaos.h"
#include "check_run.h"
#include "cdnow.h"
#include "suites.h"

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

static int close_to(double a, double b, double rel)
{
    return fabs(a - b) <= rel * fmax(fabs(a), fabs(b)) || a == b;
}

/* ------------------------------------------------------------------ data */

/* Rows as chunks: each chunk is a range of the columns. */
typedef struct chunks {
    const cxm_model *model;
    size_t n, count;            /* rows, chunks */
    const double *column[4];
    const double *weights;
    int calls;
    double weight_shift;        /* added to the weight from the second call on */
    int fail_at;                /* return CXM_EDOMAIN on this call (1-based), 0 never */
} chunks;

/* Sum of the chunk results over every chunk, in order. */
static int sum_chunks(void *context, double *dst, size_t dst_n, const double *params,
                      size_t nparams, int order)
{
    chunks *c = context;
    c->calls++;
    if (c->fail_at && c->calls == c->fail_at)
        return CXM_EDOMAIN;
    double part[3 + 8 + 64];
    memset(dst, 0, dst_n * sizeof *dst);
    for (size_t k = 0; k < c->count; k++) {
        size_t begin = c->n * k / c->count, end = c->n * (k + 1) / c->count;
        const double *cols[4];
        for (size_t j = 0; j < 4; j++)
            cols[j] = c->column[j] ? c->column[j] + begin : NULL;
        int status = cxm_model_chunk_loglik(part, dst_n, c->model, params, nparams, order,
                                            end - begin, cols, c->weights ? c->weights + begin : NULL);
        if (status != CXM_OK)
            return status;
        for (size_t i = 0; i < dst_n; i++)
            dst[i] += part[i];
    }
    if (c->calls > 1)
        dst[CXM_CHUNK_WEIGHT] += c->weight_shift;
    return CXM_OK;
}

/* ------------------------------------------------------------------ BTYD */

START_TEST(chunk_sums_are_the_whole_likelihood)
{
    load_cdnow();
    cxm_model *m;
    ck_assert_cxm_ok(cxm_model_create(&m, CXM_MODEL_BGNBD));
    ck_assert_uint_eq(cxm_model_chunk_size(m), 3 + 4 + 16);
    ck_assert_uint_eq(cxm_model_chunk_size(NULL), 0);
    double params[4] = { 0.25, 4.4, 0.8, 2.4 };
    ck_assert_cxm_ok(cxm_model_set_params(m, params, 4));
    double whole, columns[3 * CDNOW_N];
    memcpy(columns, cd_x, sizeof cd_x);
    memcpy(columns + CDNOW_N, cd_tx, sizeof cd_tx);
    memcpy(columns + 2 * CDNOW_N, cd_T, sizeof cd_T);
    ck_assert_cxm_ok(cxm_model_log_likelihood_of(&whole, m, CDNOW_N, columns, NULL));

    double one[23], seven[23];
    chunks c = { m, CDNOW_N, 1, { cd_x, cd_tx, cd_T, NULL }, NULL, 0, 0.0, 0 };
    ck_assert_cxm_ok(sum_chunks(&c, one, 23, params, 4, 2));
    c.count = 7;
    ck_assert_cxm_ok(sum_chunks(&c, seven, 23, params, 4, 2));
    ck_assert_double_eq(one[CXM_CHUNK_WEIGHT], CDNOW_N);
    ck_assert_double_eq(seven[CXM_CHUNK_WEIGHT], CDNOW_N);
    ck_assert(one[CXM_CHUNK_ROWS] <= CDNOW_N); /* identical rows merged */
    ck_assert_msg(close_to(one[CXM_CHUNK_LOGLIK], whole, 1e-13), "%.17g vs %.17g",
                  one[CXM_CHUNK_LOGLIK], whole);
    for (size_t i = CXM_CHUNK_LOGLIK; i < 23; i++)
        ck_assert_msg(close_to(seven[i], one[i], 1e-11), "element %zu: %.17g vs %.17g", i,
                      seven[i], one[i]);
    /* The gradient against central differences of the log-likelihood. */
    for (size_t j = 0; j < 4; j++) {
        double up[4], down[4], hi[23], lo[23], h = 1e-6 * params[j];
        memcpy(up, params, sizeof up);
        memcpy(down, params, sizeof down);
        up[j] += h;
        down[j] -= h;
        ck_assert_cxm_ok(sum_chunks(&c, hi, 23, up, 4, 0));
        ck_assert_cxm_ok(sum_chunks(&c, lo, 23, down, 4, 0));
        double fd = (hi[CXM_CHUNK_LOGLIK] - lo[CXM_CHUNK_LOGLIK]) / (2 * h);
        ck_assert_msg(close_to(fd, seven[CXM_CHUNK_GRADIENT + j], 1e-5), "%zu: %g vs %g", j, fd,
                      seven[CXM_CHUNK_GRADIENT + j]);
        /* Order 0 leaves the derivatives at zero. */
        ck_assert_double_eq(hi[CXM_CHUNK_GRADIENT + j], 0.0);
    }
    /* Order 1: gradient, no Hessian. */
    ck_assert_cxm_ok(sum_chunks(&c, one, 23, params, 4, 1));
    ck_assert(one[CXM_CHUNK_GRADIENT] != 0.0 && one[CXM_CHUNK_GRADIENT + 4] == 0.0);
    cxm_model_free(m);
}
END_TEST

START_TEST(chunks_skip_and_weigh_rows_like_a_fit)
{
    load_cdnow();
    cxm_model *gg;
    ck_assert_cxm_ok(cxm_model_create(&gg, CXM_MODEL_GAMMA_GAMMA));
    double p[3] = { 6.25, 3.74, 15.44 }, dst[3 + 3 + 9];
    /* Customers without repeat purchases do not count for Gamma-Gamma. */
    double x0[3] = { 0, 0, 0 }, m0[3] = { 0, 0, 0 };
    const double *zeros[2] = { x0, m0 };
    dst[0] = 42;
    ck_assert_cxm_ok(cxm_model_chunk_loglik(dst, 15, gg, p, 3, 2, 3, zeros, NULL));
    for (size_t i = 0; i < 15; i++)
        ck_assert_double_eq(dst[i], 0.0);
    ck_assert_cxm_ok(cxm_model_chunk_loglik(dst, 15, gg, p, 3, 2, 0, NULL, NULL));
    ck_assert_double_eq(dst[CXM_CHUNK_WEIGHT], 0.0);
    /* Weights: a row of weight 2 is two rows; weight 0 rows do not count. */
    double x[3] = { 2, 2, 5 }, m[3] = { 10, 10, 7 }, w[3] = { 2, 0, 1 }, a[15], b[15];
    double x2[3] = { 2, 2, 5 }, m2[3] = { 10, 10, 7 };
    const double *weighted[2] = { x, m }, *plain[2] = { x2, m2 };
    ck_assert_cxm_ok(cxm_model_chunk_loglik(a, 15, gg, p, 3, 2, 3, weighted, w));
    double w2[3] = { 1, 1, 1 };
    x2[2] = 5;
    ck_assert_cxm_ok(cxm_model_chunk_loglik(b, 15, gg, p, 3, 2, 3, plain, w2));
    ck_assert_double_eq(a[CXM_CHUNK_WEIGHT], 3.0);
    for (size_t i = CXM_CHUNK_LOGLIK; i < 15; i++)
        ck_assert_msg(close_to(a[i], b[i], 1e-14), "%zu", i);
    /* Bad rows are named; bad parameters and sizes are refused. */
    double bad_w[3] = { 1, -1, 1 };
    ck_assert_cxm_fails(cxm_model_chunk_loglik(a, 15, gg, p, 3, 2, 3, weighted, bad_w), CXM_EINVAL,
                        "element 1: weight -1");
    ck_assert_cxm_fails(cxm_model_chunk_loglik(a, 15, gg, p, 3, 2, 3, zeros, bad_w), CXM_EINVAL,
                        "element 1: weight -1");
    double neg[3] = { 6.25, -3.74, 15.44 };
    ck_assert_cxm_fails(cxm_model_chunk_loglik(a, 15, gg, neg, 3, 2, 3, weighted, NULL), CXM_EINVAL,
                        "q = -3.74");
    ck_assert_cxm_fails(cxm_model_chunk_loglik(a, 14, gg, p, 3, 2, 3, weighted, NULL), CXM_EINVAL,
                        "dst has 14 elements");
    ck_assert_cxm_fails(cxm_model_chunk_loglik(a, 15, gg, p, 2, 2, 3, weighted, NULL), CXM_EINVAL,
                        "params has 2");
    ck_assert_cxm_fails(cxm_model_chunk_loglik(a, 15, gg, p, 3, 3, 3, weighted, NULL), CXM_EINVAL,
                        "order 3");
    const double *missing[2] = { x, NULL };
    ck_assert_cxm_fails(cxm_model_chunk_loglik(a, 15, gg, p, 3, 2, 3, missing, NULL), CXM_EINVAL,
                        "column 1 (mean_spend) is NULL");
    ck_assert_cxm_fails(cxm_model_chunk_loglik(a, 15, NULL, p, 3, 2, 3, weighted, NULL),
                        CXM_EINVAL, "model");
    cxm_model *bg;
    ck_assert_cxm_ok(cxm_model_create(&bg, CXM_MODEL_BGNBD));
    double tx[2] = { 5, 1 }, T[2] = { 4, 2 }, xx[2] = { 1, 1 }, q[4] = { 1, 1, 1, 1 }, d[23];
    const double *rows[3] = { xx, tx, T };
    ck_assert_cxm_fails(cxm_model_chunk_loglik(d, 23, bg, q, 4, 0, 2, rows, NULL), CXM_EINVAL,
                        "element 0: t_x 5 is greater than T 4");
    /* Scales. */
    ck_assert_int_eq(cxm_model_param_scale(bg, 0), CXM_SCALE_LOG);
    ck_assert_int_eq(cxm_model_param_scale(bg, 3), CXM_SCALE_LOG);
    ck_assert_int_eq(cxm_model_param_scale(bg, 4), CXM_SCALE_NONE);
    ck_assert_int_eq(cxm_model_param_scale(NULL, 0), CXM_SCALE_NONE);
    cxm_model_free(bg);
    cxm_model_free(gg);
}
END_TEST

/* A chunked fit of each kind equals the fit in one piece: same iterations,
 * estimates and covariance up to the order of additions. */
static void check_same_fit(cxm_model_kind kind, size_t n, const double *const *columns,
                           const double *weights, size_t count)
{
    cxm_model *whole, *chunked;
    ck_assert_cxm_ok(cxm_model_create(&whole, kind));
    ck_assert_cxm_ok(cxm_model_create(&chunked, kind));
    size_t ncol = cxm_model_column_count(whole), p = cxm_model_param_count(whole);
    double *flat = malloc(ncol * n * sizeof *flat);
    for (size_t c = 0; c < ncol; c++)
        memcpy(flat + c * n, columns[c], n * sizeof *flat);
    ck_assert_cxm_ok(cxm_model_fit_columns(whole, n, flat, weights, NULL));
    free(flat);

    double start[8];
    ck_assert_cxm_ok(cxm_model_start(start, p, chunked, n, columns, weights, NULL));
    chunks c = { chunked, n, count, { columns[0], columns[1], ncol > 2 ? columns[2] : NULL, NULL },
                 weights, 0, 0.0, 0 };
    ck_assert_cxm_ok(cxm_model_fit_chunked(chunked, sum_chunks, &c, start, p, NULL));
    ck_assert_int_eq(cxm_model_get_state(chunked), CXM_MODEL_FITTED);

    cxm_fit_report a = CXM_FIT_REPORT_INIT, b = CXM_FIT_REPORT_INIT;
    ck_assert_cxm_ok(cxm_model_fit_report(&a, whole));
    ck_assert_cxm_ok(cxm_model_fit_report(&b, chunked));
    ck_assert_uint_eq(a.iterations, b.iterations);
    ck_assert_uint_eq(a.evaluations, (unsigned)c.calls);
    ck_assert_double_eq(a.observations, b.observations);
    double pa[8], pb[8], ca[64], cb[64], la, lb;
    ck_assert_cxm_ok(cxm_model_params(pa, p, whole));
    ck_assert_cxm_ok(cxm_model_params(pb, p, chunked));
    ck_assert_cxm_ok(cxm_model_covariance(ca, p * p, whole));
    ck_assert_cxm_ok(cxm_model_covariance(cb, p * p, chunked));
    for (size_t i = 0; i < p; i++)
        ck_assert_msg(close_to(pa[i], pb[i], 1e-10), "%s: %.17g vs %.17g",
                      cxm_model_param_name(whole, i), pa[i], pb[i]);
    for (size_t i = 0; i < p * p; i++)
        ck_assert_msg(close_to(ca[i], cb[i], 1e-7), "covariance %zu: %.17g vs %.17g", i, ca[i],
                      cb[i]);
    ck_assert_cxm_ok(cxm_model_log_likelihood(&la, whole));
    ck_assert_cxm_ok(cxm_model_log_likelihood(&lb, chunked));
    ck_assert(close_to(la, lb, 1e-12));
    ck_assert(strstr(cxm_model_fit_message(chunked), "converged") != NULL);
    cxm_model_free(whole);
    cxm_model_free(chunked);
}

START_TEST(chunked_fit_is_the_fit_in_one_piece)
{
    load_cdnow();
    const double *purchases[3] = { cd_x, cd_tx, cd_T }, *spend[2] = { cd_x, cd_m };
    check_same_fit(CXM_MODEL_BGNBD, CDNOW_N, purchases, NULL, 5);
    check_same_fit(CXM_MODEL_MBGNBD, CDNOW_N, purchases, NULL, 3);
    check_same_fit(CXM_MODEL_GAMMA_GAMMA, CDNOW_N, spend, NULL, 4);
}
END_TEST

START_TEST(chunked_fit_of_many_customers_starts_where_the_fit_does)
{
    /* 150000 simulated customers: the start refines on a subsample. */
    enum { N = 150000 };
    cxm_model *truth;
    double *x = malloc(N * sizeof *x), *tx = malloc(N * sizeof *tx), *T = malloc(N * sizeof *T);
    for (size_t i = 0; i < N; i++)
        T[i] = 20.0 + (double)(i % 1000) * 0.037;
    double p[4] = { 0.3, 5.0, 0.7, 2.5 };
    ck_assert_cxm_ok(cxm_model_create(&truth, CXM_MODEL_BGNBD));
    ck_assert_cxm_ok(cxm_model_set_params(truth, p, 4));
    ck_assert_cxm_ok(cxm_model_simulate(x, tx, N, truth, T, 42));
    const double *columns[3] = { x, tx, T };
    check_same_fit(CXM_MODEL_BGNBD, N, columns, NULL, 11);
    cxm_model_free(truth);
    free(x);
    free(tx);
    free(T);
}
END_TEST

START_TEST(chunked_fit_failures)
{
    load_cdnow();
    cxm_model *m;
    ck_assert_cxm_ok(cxm_model_create(&m, CXM_MODEL_BGNBD));
    double start[4] = { 1, 1, 1, 3 };
    chunks c = { m, CDNOW_N, 3, { cd_x, cd_tx, cd_T, NULL }, NULL, 0, 0.0, 0 };
    /* The callback's failure is the fit's, and the model stays empty. */
    c.fail_at = 3;
    ck_assert_int_eq(cxm_model_fit_chunked(m, sum_chunks, &c, start, 4, NULL), CXM_EDOMAIN);
    ck_assert_int_eq(cxm_model_get_state(m), CXM_MODEL_EMPTY);
    /* Data that change between passes. */
    c.fail_at = 0;
    c.calls = 0;
    c.weight_shift = 1.0;
    ck_assert_cxm_fails(cxm_model_fit_chunked(m, sum_chunks, &c, start, 4, NULL), CXM_EINVAL,
                        "a chunk was lost or counted twice");
    /* Arguments. */
    ck_assert_cxm_fails(cxm_model_fit_chunked(m, NULL, &c, start, 4, NULL), CXM_EINVAL,
                        "evaluate");
    ck_assert_cxm_fails(cxm_model_fit_chunked(m, sum_chunks, &c, NULL, 0, NULL), CXM_EINVAL,
                        "start is NULL");
    ck_assert_cxm_fails(cxm_model_fit_chunked(m, sum_chunks, &c, start, 3, NULL), CXM_EINVAL,
                        "start has 3");
    double bad[4] = { 1, -1, 1, 1 };
    ck_assert_cxm_fails(cxm_model_fit_chunked(m, sum_chunks, &c, bad, 4, NULL), CXM_EINVAL,
                        "start: ");
    cxm_fit_options warm = CXM_FIT_OPTIONS_INIT;
    warm.flags = CXM_FIT_WARM_START;
    ck_assert_cxm_fails(cxm_model_fit_chunked(m, sum_chunks, &c, NULL, 0, &warm), CXM_ESTATE,
                        "WARM_START");
    /* A warm start from given parameters. */
    c.weight_shift = 0.0;
    c.calls = 0;
    ck_assert_cxm_ok(cxm_model_set_params(m, start, 4));
    ck_assert_cxm_ok(cxm_model_fit_chunked(m, sum_chunks, &c, NULL, 0, &warm));
    double r;
    ck_assert_cxm_ok(cxm_model_param(&r, m, "r"));
    ck_assert_double_eq_tol(r, 0.242593, 1e-6);
    /* The iteration cap gives the fit's report. */
    cxm_fit_options few = CXM_FIT_OPTIONS_INIT;
    few.max_iterations = 1;
    c.calls = 0;
    ck_assert_cxm_fails(cxm_model_fit_chunked(m, sum_chunks, &c, start, 4, &few), CXM_ECONVERGE,
                        "iteration limit reached");
    cxm_fit_report report = CXM_FIT_REPORT_INIT;
    ck_assert_cxm_ok(cxm_model_fit_report(&report, m));
    ck_assert_int_eq(report.reason, CXM_FIT_MAX_ITERATIONS);
    ck_assert_double_eq(report.observations, CDNOW_N);
    ck_assert_int_eq(cxm_model_get_state(m), CXM_MODEL_FITTED); /* the earlier fit is kept */
    /* Start: bad sizes and no rows. */
    double dst[4];
    const double *columns[3] = { cd_x, cd_tx, cd_T };
    ck_assert_cxm_fails(cxm_model_start(dst, 3, m, CDNOW_N, columns, NULL, NULL), CXM_EINVAL,
                        "dst has 3");
    ck_assert_cxm_fails(cxm_model_start(dst, 4, m, 0, columns, NULL, NULL), CXM_EINVAL,
                        "no rows");
    cxm_model_free(m);
}
END_TEST

START_TEST(set_fit_makes_a_fitted_model)
{
    load_cdnow();
    cxm_model *fit, *set;
    ck_assert_cxm_ok(cxm_model_create(&fit, CXM_MODEL_BGNBD));
    ck_assert_cxm_ok(cxm_model_fit(fit, CDNOW_N, cd_x, cd_tx, cd_T, NULL, NULL));
    double p[4], cov[16];
    cxm_fit_report report = CXM_FIT_REPORT_INIT;
    ck_assert_cxm_ok(cxm_model_params(p, 4, fit));
    ck_assert_cxm_ok(cxm_model_covariance(cov, 16, fit));
    ck_assert_cxm_ok(cxm_model_fit_report(&report, fit));
    ck_assert_cxm_ok(cxm_model_create(&set, CXM_MODEL_BGNBD));
    ck_assert_cxm_ok(cxm_model_set_fit(set, p, 4, cov, 16, 0.0, &report));
    ck_assert_int_eq(cxm_model_get_state(set), CXM_MODEL_FITTED);
    double se_a[4], se_b[4], aic_a, aic_b, alive_a[10], alive_b[10];
    ck_assert_cxm_ok(cxm_model_standard_errors(se_a, 4, fit));
    ck_assert_cxm_ok(cxm_model_standard_errors(se_b, 4, set));
    ck_assert_cxm_ok(cxm_model_aic(&aic_a, fit));
    ck_assert_cxm_ok(cxm_model_aic(&aic_b, set));
    ck_assert_double_eq(aic_a, aic_b);
    for (size_t i = 0; i < 4; i++)
        ck_assert_double_eq(se_a[i], se_b[i]);
    ck_assert_cxm_ok(cxm_model_p_alive(alive_a, 10, fit, cd_x, cd_tx, cd_T));
    ck_assert_cxm_ok(cxm_model_p_alive(alive_b, 10, set, cd_x, cd_tx, cd_T));
    for (size_t i = 0; i < 10; i++)
        ck_assert_double_eq(alive_a[i], alive_b[i]);
    /* It saves and loads as a fitted model. */
    char *json;
    cxm_model *back;
    ck_assert_cxm_ok(cxm_model_to_json(&json, set));
    ck_assert_cxm_ok(cxm_model_from_json(&back, json));
    cxm_free(json);
    ck_assert_int_eq(cxm_model_get_state(back), CXM_MODEL_FITTED);
    cxm_model_free(back);

    /* Refusals leave the model as it was. */
    cxm_model *empty;
    ck_assert_cxm_ok(cxm_model_create(&empty, CXM_MODEL_BGNBD));
    cxm_fit_report bad = report;
    bad.reason = CXM_FIT_MAX_ITERATIONS;
    ck_assert_cxm_fails(cxm_model_set_fit(empty, p, 4, cov, 16, 0.0, &bad), CXM_EINVAL,
                        "not CXM_FIT_CONVERGED");
    bad = report;
    bad.observations = 0;
    ck_assert_cxm_fails(cxm_model_set_fit(empty, p, 4, cov, 16, 0.0, &bad), CXM_EINVAL,
                        "observations 0");
    bad = report;
    bad.log_likelihood = NAN;
    ck_assert_cxm_fails(cxm_model_set_fit(empty, p, 4, cov, 16, 0.0, &bad), CXM_EINVAL,
                        "not finite");
    bad = report;
    bad.version = 99;
    ck_assert_cxm_fails(cxm_model_set_fit(empty, p, 4, cov, 16, 0.0, &bad), CXM_EINVAL,
                        "version 99");
    double asym[16];
    memcpy(asym, cov, sizeof asym);
    asym[1] += 1.0;
    ck_assert_cxm_fails(cxm_model_set_fit(empty, p, 4, asym, 16, 0.0, &report), CXM_EINVAL,
                        "not symmetric");
    memcpy(asym, cov, sizeof asym);
    asym[5] = -1.0;
    ck_assert_cxm_fails(cxm_model_set_fit(empty, p, 4, asym, 16, 0.0, &report), CXM_EINVAL,
                        "variance of alpha");
    ck_assert_cxm_fails(cxm_model_set_fit(empty, p, 3, cov, 16, 0.0, &report), CXM_EINVAL,
                        "params has 3");
    ck_assert_cxm_fails(cxm_model_set_fit(empty, p, 4, cov, 15, 0.0, &report), CXM_EINVAL,
                        "covariance has 15");
    ck_assert_cxm_fails(cxm_model_set_fit(empty, p, 4, cov, 16, -1.0, &report), CXM_EINVAL,
                        "penalty");
    double neg[4] = { -1, 1, 1, 1 };
    ck_assert_cxm_fails(cxm_model_set_fit(empty, neg, 4, cov, 16, 0.0, &report), CXM_EINVAL, "r");
    ck_assert_cxm_fails(cxm_model_set_fit(empty, p, 4, cov, 16, 0.0, NULL), CXM_EINVAL, "report");
    ck_assert_int_eq(cxm_model_get_state(empty), CXM_MODEL_EMPTY);
    cxm_model_free(empty);
    cxm_model_free(fit);
    cxm_model_free(set);
}
END_TEST

/* ------------------------------------------------------------------ BTYD with covariates */

/* Customers with covariates, as chunks of rows: purchase covariates
 * (kp per row) and dropout covariates (kd per row), row-major. */
typedef struct cov_chunks {
    const cxm_model *model;
    size_t n, count, kp, kd;
    const double *column[3], *purchase, *dropout, *weights;
    int calls;
} cov_chunks;

static int sum_cov_chunks(void *context, double *dst, size_t dst_n, const double *params,
                          size_t nparams, int order)
{
    cov_chunks *c = context;
    c->calls++;
    double *part = malloc(dst_n * sizeof *part);
    ck_assert_ptr_nonnull(part);
    memset(dst, 0, dst_n * sizeof *dst);
    int status = CXM_OK;
    for (size_t k = 0; k < c->count && status == CXM_OK; k++) {
        size_t begin = c->n * k / c->count, end = c->n * (k + 1) / c->count;
        const double *cols[3] = { c->column[0] + begin, c->column[1] + begin,
                                  c->column[2] + begin };
        status = cxm_model_chunk_loglik_covariates(
            part, dst_n, c->model, params, nparams, order, end - begin, cols,
            c->kp ? c->purchase + begin * c->kp : NULL, c->kd ? c->dropout + begin * c->kd : NULL,
            c->weights ? c->weights + begin : NULL);
        for (size_t i = 0; status == CXM_OK && i < dst_n; i++)
            dst[i] += part[i];
    }
    free(part);
    return status;
}

/* Customers of four groups (g = i mod 2, h = (i / 2) mod 2), each drawn from
 * the customer model of its covariates under `truth`; the purchase
 * covariates are (g, h)[0..kp), the dropout covariates (h, g)[0..kd). */
typedef struct cov_data {
    size_t n, kp, kd;
    double *x, *tx, *T, *purchase, *dropout;
} cov_data;

static cov_data simulate_groups(const cxm_model *truth, size_t n, size_t kp, size_t kd,
                                unsigned long long seed)
{
    cov_data d = { n, kp, kd, malloc(n * sizeof(double)), malloc(n * sizeof(double)),
                   malloc(n * sizeof(double)), calloc(n * kp + 1, sizeof(double)),
                   calloc(n * kd + 1, sizeof(double)) };
    size_t m = n / 4;
    double *x = malloc(m * sizeof *x), *tx = malloc(m * sizeof *tx), *T = malloc(m * sizeof *T);
    ck_assert(d.x && d.tx && d.T && d.purchase && d.dropout && x && tx && T);
    for (size_t k = 0; k < m; k++)
        T[k] = 26.0 + 13.0 * (double)((k * 7919u) % 1000u) / 999.0;
    for (size_t group = 0; group < 4; group++) {
        double z[2] = { (double)(group % 2), (double)(group / 2) }, zp[2], zd[2];
        for (size_t c = 0; c < 2; c++)
            zp[c] = z[c], zd[c] = z[1 - c];
        cxm_model *customer = NULL;
        ck_assert_cxm_ok(cxm_model_for_customer(&customer, truth, zp, zd));
        ck_assert_cxm_ok(cxm_model_simulate(x, tx, m, customer, T, seed + group));
        cxm_model_free(customer);
        for (size_t k = 0; k < m; k++) {
            size_t i = 4 * k + group;
            d.x[i] = x[k], d.tx[i] = tx[k], d.T[i] = T[k];
            memcpy(d.purchase + i * kp, zp, kp * sizeof *zp);
            memcpy(d.dropout + i * kd, zd, kd * sizeof *zd);
        }
    }
    free(x), free(tx), free(T);
    return d;
}

static void cov_data_free(cov_data *d)
{
    free(d->x), free(d->tx), free(d->T), free(d->purchase), free(d->dropout);
}

static cxm_model *model_with(cxm_model_kind kind, size_t kp, size_t kd, int share)
{
    static const char *const purchase[] = { "g", "h" }, *const dropout[] = { "h", "g" };
    static const char *const shared[] = { "g" };
    cxm_model *m = NULL;
    ck_assert_cxm_ok(cxm_model_create(&m, kind));
    ck_assert_cxm_ok(cxm_model_set_covariates(m, kp, purchase, kd, dropout));
    if (share)
        ck_assert_cxm_ok(cxm_model_share_covariates(m, 1, shared));
    return m;
}

/* A chunked covariate fit equals cxm_model_fit_covariates() on the same
 * customers: same start, iterations, estimates, standard errors and
 * log-likelihood up to the order of additions. */
static void check_same_covariate_fit(cxm_model_kind kind, const double *truth_params, size_t kp,
                                     size_t kd, int share, const cxm_fit_options *options,
                                     size_t count)
{
    cxm_model *truth = model_with(kind, kp, kd, share);
    size_t p = cxm_model_param_count(truth);
    ck_assert_cxm_ok(cxm_model_set_params(truth, truth_params, p));
    cov_data d = simulate_groups(truth, 8000, kp, kd, 77);
    cxm_model *whole = model_with(kind, kp, kd, share), *chunked = model_with(kind, kp, kd, share);
    ck_assert_cxm_ok(cxm_model_fit_covariates(whole, d.n, d.x, d.tx, d.T, kp ? d.purchase : NULL,
                                              kd ? d.dropout : NULL, NULL, options));
    const double *columns[3] = { d.x, d.tx, d.T };
    double start[16], sums_one[3 + 16 + 256], sums_many[3 + 16 + 256];
    ck_assert_cxm_ok(cxm_model_start_covariates(start, p, chunked, d.n, columns, d.purchase,
                                                d.dropout, NULL, options));
    cov_chunks c = { chunked, d.n, 1, kp, kd, { d.x, d.tx, d.T }, d.purchase, d.dropout, NULL, 0 };
    size_t size = cxm_model_chunk_size(chunked);
    ck_assert_uint_eq(size, 3 + p + p * p);
    ck_assert_cxm_ok(sum_cov_chunks(&c, sums_one, size, truth_params, p, 2));
    c.count = count;
    ck_assert_cxm_ok(sum_cov_chunks(&c, sums_many, size, truth_params, p, 2));
    ck_assert_double_eq(sums_many[CXM_CHUNK_WEIGHT], (double)d.n);
    for (size_t i = CXM_CHUNK_LOGLIK; i < size; i++)
        ck_assert_msg(close_to(sums_one[i], sums_many[i], 1e-11), "element %zu: %.17g vs %.17g",
                      i, sums_one[i], sums_many[i]);
    c.calls = 0;
    ck_assert_cxm_ok(cxm_model_fit_chunked(chunked, sum_cov_chunks, &c, start, p, options));

    cxm_fit_report a = CXM_FIT_REPORT_INIT, b = CXM_FIT_REPORT_INIT;
    ck_assert_cxm_ok(cxm_model_fit_report(&a, whole));
    ck_assert_cxm_ok(cxm_model_fit_report(&b, chunked));
    ck_assert_uint_eq(a.iterations, b.iterations);
    ck_assert_uint_eq(a.evaluations, (unsigned)c.calls);
    ck_assert_double_eq(a.observations, b.observations);
    double pa[16], pb[16], sa[16], sb[16], la, lb;
    ck_assert_cxm_ok(cxm_model_params(pa, p, whole));
    ck_assert_cxm_ok(cxm_model_params(pb, p, chunked));
    ck_assert_cxm_ok(cxm_model_standard_errors(sa, p, whole));
    ck_assert_cxm_ok(cxm_model_standard_errors(sb, p, chunked));
    for (size_t i = 0; i < p; i++) {
        ck_assert_msg(close_to(pa[i], pb[i], 1e-10), "%s %s: %.17g vs %.17g",
                      cxm_model_kind_name(kind), cxm_model_param_name(whole, i), pa[i], pb[i]);
        ck_assert_msg(close_to(sa[i], sb[i], 1e-9), "SE of %s: %.17g vs %.17g",
                      cxm_model_param_name(whole, i), sa[i], sb[i]);
        /* Known effects: the estimates are where the simulation put them
         * (penalties shrink them towards 0). */
        ck_assert_msg(options || fabs(pb[i] - truth_params[i]) <= 4.0 * sb[i],
                      "%s: %g (SE %g), truth %g", cxm_model_param_name(whole, i), pb[i], sb[i],
                      truth_params[i]);
    }
    ck_assert_cxm_ok(cxm_model_log_likelihood(&la, whole));
    ck_assert_cxm_ok(cxm_model_log_likelihood(&lb, chunked));
    ck_assert_msg(close_to(la, lb, 1e-12), "%.17g vs %.17g", la, lb);
    /* The fitted model is the covariate fit's: its customers' models too. */
    double zp[2] = { 1, 0 }, zd[2] = { 0, 1 }, alive_a, alive_b, one = 2, tx = 20, T = 30;
    cxm_model *ca, *cb;
    ck_assert_cxm_ok(cxm_model_for_customer(&ca, whole, zp, zd));
    ck_assert_cxm_ok(cxm_model_for_customer(&cb, chunked, zp, zd));
    ck_assert_cxm_ok(cxm_model_p_alive(&alive_a, 1, ca, &one, &tx, &T));
    ck_assert_cxm_ok(cxm_model_p_alive(&alive_b, 1, cb, &one, &tx, &T));
    ck_assert(close_to(alive_a, alive_b, 1e-9));
    cxm_model_free(ca);
    cxm_model_free(cb);
    cxm_model_free(whole);
    cxm_model_free(chunked);
    cxm_model_free(truth);
    cov_data_free(&d);
}

START_TEST(chunked_covariate_fit_is_the_fit_in_one_piece)
{
    /* CDNOW's BG/NBD with two purchase effects and one dropout effect. */
    const double bg[] = { 0.243, 4.414, 0.793, 2.426, 0.5, -0.3, 0.4 };
    check_same_covariate_fit(CXM_MODEL_BGNBD, bg, 2, 1, 0, NULL, 5);
    /* MBG/NBD with penalties on the effects. */
    cxm_fit_options penalised = CXM_FIT_OPTIONS_INIT;
    penalised.purchase_penalty = 0.01;
    penalised.dropout_penalty = 0.02;
    const double mbg[] = { 0.243, 4.414, 0.793, 2.426, 0.5, 0.4 };
    check_same_covariate_fit(CXM_MODEL_MBGNBD, mbg, 1, 1, 0, &penalised, 3);
    /* Pareto/NBD with one effect shared by both processes (g) and its own h. */
    const double pnbd[] = { 0.553, 10.578, 0.606, 11.669, 0.5, 0.6 };
    check_same_covariate_fit(CXM_MODEL_PARETO_NBD, pnbd, 1, 2, 1, NULL, 4);
}
END_TEST

START_TEST(covariate_chunks_refuse_what_a_fit_refuses)
{
    double x[4] = { 1, 0, 2, 3 }, tx[4] = { 5, 0, 8, 9 }, T[4] = { 10, 10, 10, 10 };
    double zp[4] = { 0, 1, 0, 1 }, zd[4] = { 1, 1, 0, 0 }, w[4] = { 1, 2, 0, 1 };
    const double *columns[3] = { x, tx, T };
    double params[6] = { 0.5, 4, 0.8, 2.4, 0.1, -0.2 }, dst[3 + 6 + 36];
    cxm_model *m = model_with(CXM_MODEL_BGNBD, 1, 1, 0), *plain;
    ck_assert_cxm_ok(cxm_model_create(&plain, CXM_MODEL_BGNBD));
    ck_assert_uint_eq(cxm_model_chunk_size(m), 45);
    /* Weights count; an empty chunk and a chunk of weight 0 give zeros. */
    ck_assert_cxm_ok(cxm_model_chunk_loglik_covariates(dst, 45, m, params, 6, 1, 4, columns, zp,
                                                       zd, w));
    ck_assert_double_eq(dst[CXM_CHUNK_WEIGHT], 4.0);
    ck_assert(dst[CXM_CHUNK_LOGLIK] < 0.0 && dst[CXM_CHUNK_GRADIENT + 5] != 0.0);
    ck_assert_double_eq(dst[CXM_CHUNK_GRADIENT + 6], 0.0); /* order 1: no Hessian */
    ck_assert_cxm_ok(cxm_model_chunk_loglik_covariates(dst, 45, m, params, 6, 2, 0, NULL, NULL,
                                                       NULL, NULL));
    ck_assert_double_eq(dst[CXM_CHUNK_WEIGHT], 0.0);
    double none[4] = { 0, 0, 0, 0 };
    ck_assert_cxm_ok(cxm_model_chunk_loglik_covariates(dst, 45, m, params, 6, 2, 4, columns, zp,
                                                       zd, none));
    for (size_t i = 0; i < 45; i++)
        ck_assert_double_eq(dst[i], 0.0);
    /* A bad covariate or row is named. */
    zd[2] = NAN;
    ck_assert_cxm_fails(cxm_model_chunk_loglik_covariates(dst, 45, m, params, 6, 2, 4, columns, zp,
                                                          zd, NULL),
                        CXM_EINVAL, "element 2: covariate dropout.h is nan");
    zd[2] = 0;
    tx[3] = 11;
    ck_assert_cxm_fails(cxm_model_chunk_loglik_covariates(dst, 45, m, params, 6, 2, 4, columns, zp,
                                                          zd, NULL),
                        CXM_EINVAL, "element 3: t_x 11 is greater than T 10");
    tx[3] = 9;
    /* Sizes, parameters and models. */
    ck_assert_cxm_fails(cxm_model_chunk_loglik_covariates(dst, 23, m, params, 6, 2, 4, columns, zp,
                                                          zd, NULL),
                        CXM_EINVAL, "dst has 23 elements");
    ck_assert_cxm_fails(cxm_model_chunk_loglik_covariates(dst, 45, m, params, 4, 2, 4, columns, zp,
                                                          zd, NULL),
                        CXM_EINVAL, "params has 4");
    ck_assert_cxm_fails(cxm_model_chunk_loglik_covariates(dst, 45, m, params, 6, 3, 4, columns, zp,
                                                          zd, NULL),
                        CXM_EINVAL, "order 3");
    ck_assert_cxm_fails(cxm_model_chunk_loglik_covariates(dst, 45, m, params, 6, 2, 4, columns,
                                                          NULL, zd, NULL),
                        CXM_EINVAL, "purchase");
    ck_assert_cxm_fails(cxm_model_chunk_loglik_covariates(dst, 23, plain, params, 4, 2, 4, columns,
                                                          NULL, NULL, NULL),
                        CXM_EINVAL, "has no covariates");
    ck_assert_cxm_fails(cxm_model_chunk_loglik(dst, 45, m, params, 6, 2, 4, columns, NULL),
                        CXM_EINVAL, "cxm_model_chunk_loglik_covariates");
    ck_assert_cxm_fails(cxm_model_start(dst, 6, m, 4, columns, NULL, NULL), CXM_EINVAL,
                        "cxm_model_start_covariates");
    /* The start checks the design, as a fit does. */
    double same[4] = { 1, 1, 1, 1 };
    ck_assert_cxm_fails(cxm_model_start_covariates(dst, 6, m, 4, columns, same, zd, NULL, NULL),
                        CXM_EINVAL, "purchase.g has the same value for every customer");
    ck_assert_cxm_fails(cxm_model_start_covariates(dst, 5, m, 4, columns, zp, zd, NULL, NULL),
                        CXM_EINVAL, "dst has 5");
    ck_assert_cxm_fails(cxm_model_start_covariates(dst, 6, m, 0, columns, zp, zd, NULL, NULL),
                        CXM_EINVAL, "no rows");
    ck_assert_cxm_fails(cxm_model_start_covariates(dst, 4, plain, 4, columns, NULL, NULL, NULL,
                                                   NULL),
                        CXM_EINVAL, "has no covariates");
    cxm_model_free(plain);
    cxm_model_free(m);
}
END_TEST

/* ------------------------------------------------------------------ summary */

/* A log: customers with codes that repeat, times spread over two years, a
 * few purchases on the same day, rows out of time order. */
enum { LOG_N = 20000 };
static int64_t log_c[LOG_N];
static double log_t[LOG_N], log_a[LOG_N];

static void make_log(void)
{
    uint64_t s = 12345;
    for (size_t i = 0; i < LOG_N; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        log_c[i] = (int64_t)((s >> 33) % 1500) * 7919 - 3000000;
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        log_t[i] = 10000.0 + (double)((s >> 33) % 730) + (double)((s >> 20) % 1000) / 1000.0;
        log_a[i] = (double)((s >> 40) % 10000) / 100.0;
    }
}

static void summary_columns(const cxm_rfm *r, double *dst, size_t n)
{
    static const cxm_rfm_field fields[] = { CXM_RFM_FREQUENCY, CXM_RFM_RECENCY, CXM_RFM_T,
                                            CXM_RFM_MONETARY_VALUE, CXM_RFM_FIRST_PURCHASE,
                                            CXM_RFM_FREQUENCY_HOLDOUT,
                                            CXM_RFM_MONETARY_VALUE_HOLDOUT };
    for (size_t f = 0; f < COUNT(fields); f++)
        ck_assert_cxm_ok(cxm_rfm_column(dst + f * n, n, r, fields[f]));
}

static void check_reduced_summary(const cxm_rfm_options *options, size_t chunk_count)
{
    /* Reduce each chunk, concatenate, reduce again (a merge), summarise. */
    int64_t *c = malloc(LOG_N * sizeof *c);
    double *t = malloc(LOG_N * sizeof *t), *a = malloc(LOG_N * sizeof *a);
    size_t used = 0;
    for (size_t k = 0; k < chunk_count; k++) {
        size_t begin = LOG_N * k / chunk_count, end = LOG_N * (k + 1) / chunk_count, got;
        ck_assert_cxm_ok(cxm_rfm_reduce(&got, c + used, t + used, a + used, LOG_N - used,
                                        end - begin, log_c + begin, log_t + begin,
                                        log_a + begin, options));
        ck_assert(got <= end - begin);
        used += got;
    }
    size_t merged;
    /* In place. */
    ck_assert_cxm_ok(cxm_rfm_reduce(&merged, c, t, a, used, used, c, t, a, options));
    ck_assert(merged <= used);
    cxm_rfm *whole, *reduced;
    ck_assert_cxm_ok(cxm_rfm_from_codes(&whole, LOG_N, log_c, log_t, log_a, options));
    ck_assert_cxm_ok(cxm_rfm_from_codes(&reduced, merged, c, t, a, options));
    size_t n = cxm_rfm_size(whole);
    ck_assert_uint_eq(cxm_rfm_size(reduced), n);
    ck_assert_uint_eq(cxm_rfm_unique_size(reduced), cxm_rfm_unique_size(whole));
    /* Customers in the same order of first appearance: the reduced rows keep it. */
    int64_t *ca = malloc(n * sizeof *ca), *cb = malloc(n * sizeof *cb);
    double *va = malloc(7 * n * sizeof *va), *vb = malloc(7 * n * sizeof *vb);
    ck_assert_cxm_ok(cxm_rfm_codes(ca, n, whole));
    ck_assert_cxm_ok(cxm_rfm_codes(cb, n, reduced));
    summary_columns(whole, va, n);
    summary_columns(reduced, vb, n);
    for (size_t i = 0; i < n; i++) {
        ck_assert(ca[i] == cb[i]);
        for (size_t f = 0; f < 7; f++)
            ck_assert_msg(close_to(va[f * n + i], vb[f * n + i], 1e-12),
                          "customer %zu, field %zu: %.17g vs %.17g", i, f, va[f * n + i],
                          vb[f * n + i]);
    }
    cxm_rfm_free(whole);
    cxm_rfm_free(reduced);
    free(ca);
    free(cb);
    free(va);
    free(vb);
    free(c);
    free(t);
    free(a);
}

START_TEST(reduced_chunks_give_the_summary)
{
    make_log();
    cxm_rfm_options o = CXM_RFM_OPTIONS_INIT;
    o.calibration_end = 10500.0;
    o.observation_end = 10700.5;
    check_reduced_summary(&o, 1);
    check_reduced_summary(&o, 9);
    o.unit_days = 7.0;
    o.scale = 0.5;
    check_reduced_summary(&o, 13);
    o.unit_days = 1.0;
    o.unit_months = 1;
    check_reduced_summary(&o, 5);
    o.unit_months = 0;
    o.unit_days = 1.0 / 24;
    check_reduced_summary(&o, 4);
}
END_TEST

START_TEST(reduce_merges_units_and_checks_its_input)
{
    int64_t c[6] = { 5, 5, 9, 5, 9, 5 };
    double t[6] = { 100.5, 100.2, 100.9, 101.0, 100.1, 100.7 }, a[6] = { 1, 2, 4, 8, 16, 32 };
    int64_t oc[6];
    double ot[6], oa[6];
    size_t n;
    ck_assert_cxm_ok(cxm_rfm_reduce(&n, oc, ot, oa, 6, 6, c, t, a, NULL));
    ck_assert_uint_eq(n, 3);
    ck_assert(oc[0] == 5 && oc[1] == 9 && oc[2] == 5);
    ck_assert_double_eq(ot[0], 100.2);
    ck_assert_double_eq(oa[0], 35);
    ck_assert_double_eq(ot[1], 100.1);
    ck_assert_double_eq(oa[1], 20);
    ck_assert_double_eq(ot[2], 101.0);
    ck_assert_double_eq(oa[2], 8);
    /* Without amounts. */
    ck_assert_cxm_ok(cxm_rfm_reduce(&n, oc, ot, NULL, 6, 6, c, t, NULL, NULL));
    ck_assert_uint_eq(n, 3);
    ck_assert_cxm_ok(cxm_rfm_reduce(&n, NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL));
    ck_assert_uint_eq(n, 0);
    double bad_t[6] = { 1, 2, NAN, 4, 5, 6 }, bad_a[6] = { 1, 2, 3, INFINITY, 5, 6 };
    ck_assert_cxm_fails(cxm_rfm_reduce(&n, oc, ot, oa, 6, 6, c, bad_t, a, NULL), CXM_EINVAL,
                        "element 2: time nan");
    ck_assert_cxm_fails(cxm_rfm_reduce(&n, oc, ot, oa, 6, 6, c, t, bad_a, NULL), CXM_EINVAL,
                        "element 3: amount inf");
    ck_assert_cxm_fails(cxm_rfm_reduce(&n, oc, ot, oa, 5, 6, c, t, a, NULL), CXM_EINVAL,
                        "5 elements");
    ck_assert_cxm_fails(cxm_rfm_reduce(&n, oc, ot, NULL, 6, 6, c, t, a, NULL), CXM_EINVAL,
                        "amount_dst");
    cxm_rfm_options o = CXM_RFM_OPTIONS_INIT;
    o.unit_days = -1;
    ck_assert_cxm_fails(cxm_rfm_reduce(&n, oc, ot, oa, 6, 0, c, t, a, &o), CXM_EINVAL,
                        "unit_days");
    ck_assert_cxm_fails(cxm_rfm_reduce(NULL, oc, ot, oa, 6, 6, c, t, a, NULL), CXM_EINVAL, "count");
}
END_TEST

/* ------------------------------------------------------------------ attribution */

enum { PATHS_N = 3000 };
static char *path_text[PATHS_N];
static double path_conv[PATHS_N], path_null[PATHS_N], path_value[PATHS_N];

static void make_paths(void)
{
    static int made = 0;
    if (made)
        return;
    static const char *channels[] = { "search", "email", "display", "social", "direct",
                                      "affiliate", "video" };
    uint64_t s = 777;
    for (size_t i = 0; i < PATHS_N; i++) {
        char text[256];
        size_t len = 0;
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        unsigned touches = 1 + (unsigned)((s >> 33) % 6);
        for (unsigned k = 0; k < touches; k++) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            /* Channels 5 and 6 only appear late, so that chunks meet new channels. */
            size_t limit = i < PATHS_N / 2 ? 5 : COUNT(channels);
            const char *ch = channels[(s >> 33) % limit];
            len += (size_t)snprintf(text + len, sizeof text - len, "%s%s", k ? " > " : "", ch);
        }
        path_text[i] = strdup(text);
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        path_conv[i] = (double)((s >> 33) % 3);
        path_null[i] = (double)((s >> 40) % 5);
        path_value[i] = path_conv[i] * (double)((s >> 50) % 100);
    }
    made = 1;
}

static cxm_paths *paths_of(size_t begin, size_t end)
{
    cxm_paths *p;
    ck_assert_cxm_ok(cxm_paths_create(&p, NULL));
    ck_assert_cxm_ok(cxm_paths_add_many(p, end - begin, (const char *const *)path_text + begin,
                                        path_conv + begin, path_null + begin,
                                        path_value + begin));
    return p;
}

static void check_same_table(const cxm_table *a, const cxm_table *b, double rel)
{
    ck_assert_uint_eq(cxm_table_rows(a), cxm_table_rows(b));
    ck_assert_uint_eq(cxm_table_columns(a), cxm_table_columns(b));
    size_t rows = cxm_table_rows(a);
    for (size_t j = 0; j < cxm_table_columns(a); j++) {
        const char *name = cxm_table_column_name(a, j);
        ck_assert_str_eq(name, cxm_table_column_name(b, j));
        for (size_t i = 0; i < rows; i++) {
            double x, y;
            if (cxm_table_number(&x, a, i, name) == CXM_OK) {
                ck_assert_cxm_ok(cxm_table_number(&y, b, i, name));
                ck_assert_msg(close_to(x, y, rel) || (isnan(x) && isnan(y)),
                              "%s[%zu]: %.17g vs %.17g", name, i, x, y);
            } else {
                ck_assert_str_eq(cxm_table_text(a, i, name), cxm_table_text(b, i, name));
            }
        }
    }
    ck_assert_uint_eq(cxm_table_scalars(a), cxm_table_scalars(b));
    for (size_t k = 0; k < cxm_table_scalars(a); k++) {
        const char *name = cxm_table_scalar_name(a, k);
        double x, y;
        ck_assert_cxm_ok(cxm_table_scalar(&x, a, name));
        ck_assert_cxm_ok(cxm_table_scalar(&y, b, name));
        if (strcmp(name, "solver_error_bound") != 0)
            ck_assert_msg(close_to(x, y, rel), "%s: %.17g vs %.17g", name, x, y);
    }
}

static void check_merged_attribution(unsigned order, int use_nulls, int keep, size_t count,
                                     int tree, int through_bytes)
{
    cxm_markov_options o = CXM_MARKOV_OPTIONS_INIT;
    o.order = order;
    o.use_nulls = use_nulls;
    o.keep_self_loops = keep;
    cxm_paths *all = paths_of(0, PATHS_N);
    cxm_table *expected, *expected_t, *got, *got_t;
    ck_assert_cxm_ok(cxm_attribution_markov(&expected, all, &o));
    ck_assert_cxm_ok(cxm_attribution_transitions(&expected_t, all, &o));
    cxm_paths_free(all);

    cxm_markov_counts *part[16];
    for (size_t k = 0; k < count; k++) {
        cxm_paths *p = paths_of(PATHS_N * k / count, PATHS_N * (k + 1) / count);
        ck_assert_cxm_ok(cxm_markov_counts_create(&part[k], p, &o));
        cxm_paths_free(p);
        if (through_bytes) {
            unsigned char *bytes;
            size_t size;
            cxm_markov_counts *back;
            ck_assert_cxm_ok(cxm_markov_counts_save(&bytes, &size, part[k]));
            ck_assert_cxm_ok(cxm_markov_counts_load(&back, bytes, size));
            cxm_free(bytes);
            cxm_markov_counts_free(part[k]);
            part[k] = back;
        }
    }
    /* In order, one after the other, or as a tree of neighbours. */
    if (!tree) {
        for (size_t j = 1; j < count; j++) {
            ck_assert_cxm_ok(cxm_markov_counts_merge(part[0], part[j]));
            cxm_markov_counts_free(part[j]);
        }
    } else {
        for (size_t width = 1; width < count; width *= 2)
            for (size_t k = 0; k + width < count; k += 2 * width) {
                ck_assert_cxm_ok(cxm_markov_counts_merge(part[k], part[k + width]));
                cxm_markov_counts_free(part[k + width]);
            }
    }
    ck_assert_cxm_ok(cxm_attribution_markov_counts(&got, part[0]));
    ck_assert_cxm_ok(cxm_attribution_transitions_counts(&got_t, part[0]));
    check_same_table(expected, got, 1e-11);
    check_same_table(expected_t, got_t, 1e-11);
    cxm_markov_counts_free(part[0]);
    cxm_table_free(expected);
    cxm_table_free(expected_t);
    cxm_table_free(got);
    cxm_table_free(got_t);
}

START_TEST(merged_counts_give_the_attribution)
{
    make_paths();
    check_merged_attribution(1, 1, 0, 1, 0, 0);
    check_merged_attribution(1, 1, 0, 7, 0, 0);
    check_merged_attribution(2, 1, 0, 8, 1, 1);
    check_merged_attribution(3, 0, 1, 5, 1, 0);
    check_merged_attribution(4, 1, 1, 6, 0, 1);
}
END_TEST

START_TEST(counts_refuse_what_does_not_fit)
{
    make_paths();
    cxm_paths *p = paths_of(0, 100), *none;
    cxm_markov_options one = CXM_MARKOV_OPTIONS_INIT, two = CXM_MARKOV_OPTIONS_INIT;
    two.order = 2;
    cxm_markov_counts *a, *b, *c;
    ck_assert_cxm_ok(cxm_markov_counts_create(&a, p, &one));
    ck_assert_cxm_ok(cxm_markov_counts_create(&b, p, &two));
    ck_assert_cxm_fails(cxm_markov_counts_merge(a, b), CXM_EINVAL, "order 2");
    two.order = 1;
    two.use_nulls = 0;
    ck_assert_cxm_ok(cxm_markov_counts_create(&c, p, &two));
    ck_assert_cxm_fails(cxm_markov_counts_merge(a, c), CXM_EINVAL, "without nulls");
    two.order = 9;
    cxm_markov_counts *d = (cxm_markov_counts *)1;
    ck_assert_cxm_fails(cxm_markov_counts_create(&d, p, &two), CXM_EINVAL, "order 9");
    ck_assert_ptr_null(d);
    /* No paths: nothing to solve. */
    ck_assert_cxm_ok(cxm_paths_create(&none, NULL));
    ck_assert_cxm_ok(cxm_markov_counts_create(&d, none, NULL));
    cxm_table *t;
    ck_assert_cxm_fails(cxm_attribution_markov_counts(&t, d), CXM_EDOMAIN, "no paths");
    cxm_markov_counts_free(d);
    ck_assert_cxm_fails(cxm_attribution_markov_counts(&t, NULL), CXM_EINVAL, "counts");

    /* Bytes: every truncation and every flipped byte is refused or read back
     * as valid counts, never crashes. */
    unsigned char *bytes;
    size_t size;
    ck_assert_cxm_ok(cxm_markov_counts_save(&bytes, &size, b));
    for (size_t cut = 0; cut < size; cut++) {
        ck_assert_int_eq(cxm_markov_counts_load(&d, bytes, cut), CXM_EPARSE);
        ck_assert_ptr_null(d);
    }
    for (size_t i = 0; i < size; i++) {
        unsigned char *copy = malloc(size);
        memcpy(copy, bytes, size);
        copy[i] ^= 0x41;
        int status = cxm_markov_counts_load(&d, copy, size);
        ck_assert_msg(status == CXM_OK || status == CXM_EPARSE, "byte %zu: %d", i, status);
        if (status == CXM_OK) {
            cxm_table *any;
            status = cxm_attribution_markov_counts(&any, d);
            if (status == CXM_OK)
                cxm_table_free(any);
            cxm_markov_counts_free(d);
        }
        free(copy);
    }
    ck_assert_cxm_fails(cxm_markov_counts_load(&d, (const unsigned char *)"CXMCOUNX", 8),
                        CXM_EPARSE, "CXMCOUNT");
    unsigned char *longer = malloc(size + 1);
    memcpy(longer, bytes, size);
    longer[size] = 0;
    ck_assert_cxm_fails(cxm_markov_counts_load(&d, longer, size + 1), CXM_EPARSE,
                        "1 bytes after the end");
    free(longer);
    cxm_free(bytes);
    ck_assert_cxm_fails(cxm_markov_counts_save(&bytes, &size, NULL), CXM_EINVAL, "counts");
    cxm_markov_counts_free(a);
    cxm_markov_counts_free(b);
    cxm_markov_counts_free(c);
    cxm_markov_counts_free(NULL);
    cxm_paths_free(p);
    cxm_paths_free(none);
}
END_TEST

/* ------------------------------------------------------------------ out of memory */

static int oom_model(void *context)
{
    (void)context;
    cxm_model *m;
    int status = cxm_model_create(&m, CXM_MODEL_BGNBD);
    if (status != CXM_OK)
        return status;
    const double *columns[3] = { cd_x, cd_tx, cd_T };
    double start[4], sums[23];
    status = cxm_model_start(start, 4, m, 300, columns, NULL, NULL);
    if (status == CXM_OK)
        status = cxm_model_chunk_loglik(sums, 23, m, start, 4, 2, 300, columns, NULL);
    if (status == CXM_OK) {
        chunks c = { m, 300, 3, { cd_x, cd_tx, cd_T, NULL }, NULL, 0, 0.0, 0 };
        status = cxm_model_fit_chunked(m, sum_chunks, &c, start, 4, NULL);
    }
    cxm_model_free(m);
    return status;
}

static int oom_covariates(void *context)
{
    (void)context;
    static const char *const names[] = { "g" };
    double g[300], start[6], sums[45];
    for (size_t i = 0; i < 300; i++)
        g[i] = (double)(i % 2);
    cxm_model *m;
    int status = cxm_model_create(&m, CXM_MODEL_BGNBD);
    if (status != CXM_OK)
        return status;
    status = cxm_model_set_covariates(m, 1, names, 1, names);
    const double *columns[3] = { cd_x, cd_tx, cd_T };
    if (status == CXM_OK)
        status = cxm_model_start_covariates(start, 6, m, 300, columns, g, g, NULL, NULL);
    if (status == CXM_OK)
        status = cxm_model_chunk_loglik_covariates(sums, 45, m, start, 6, 2, 300, columns, g, g,
                                                   NULL);
    if (status == CXM_OK) {
        cov_chunks c = { m, 300, 3, 1, 1, { cd_x, cd_tx, cd_T }, g, g, NULL, 0 };
        status = cxm_model_fit_chunked(m, sum_cov_chunks, &c, start, 6, NULL);
    }
    cxm_model_free(m);
    return status;
}

static int oom_reduce(void *context)
{
    (void)context;
    int64_t c[500];
    double t[500], a[500];
    size_t n;
    return cxm_rfm_reduce(&n, c, t, a, 500, 500, log_c, log_t, log_a, NULL);
}

static int oom_counts(void *context)
{
    unsigned order = *(const unsigned *)context;
    cxm_markov_options o = CXM_MARKOV_OPTIONS_INIT;
    o.order = order;
    cxm_paths *p = NULL, *q = NULL;
    cxm_markov_counts *a = NULL, *b = NULL, *back = NULL;
    cxm_table *t = NULL;
    unsigned char *bytes = NULL;
    size_t size;
    int status = cxm_paths_create(&p, NULL);
    if (status == CXM_OK)
        status = cxm_paths_add_many(p, 40, (const char *const *)path_text, path_conv, path_null,
                                    path_value);
    if (status == CXM_OK)
        status = cxm_paths_create(&q, NULL);
    if (status == CXM_OK)
        status = cxm_paths_add_many(q, 40, (const char *const *)path_text + 2000, path_conv + 2000,
                                    path_null + 2000, path_value + 2000);
    if (status == CXM_OK)
        status = cxm_markov_counts_create(&a, p, &o);
    if (status == CXM_OK)
        status = cxm_markov_counts_create(&b, q, &o);
    if (status == CXM_OK)
        status = cxm_markov_counts_merge(a, b);
    if (status == CXM_OK)
        status = cxm_markov_counts_save(&bytes, &size, a);
    if (status == CXM_OK)
        status = cxm_markov_counts_load(&back, bytes, size);
    if (status == CXM_OK)
        status = cxm_attribution_markov_counts(&t, back);
    cxm_table_free(t);
    t = NULL;
    if (status == CXM_OK)
        status = cxm_attribution_transitions_counts(&t, back);
    cxm_table_free(t);
    cxm_free(bytes);
    cxm_markov_counts_free(a);
    cxm_markov_counts_free(b);
    cxm_markov_counts_free(back);
    cxm_paths_free(p);
    cxm_paths_free(q);
    return status;
}

START_TEST(out_of_memory_is_clean)
{
    load_cdnow();
    make_log();
    make_paths();
    chaos_run(oom_model, NULL, "chunk likelihood, start, chunked fit");
    chaos_run(oom_covariates, NULL, "the same with covariates");
    chaos_run(oom_reduce, NULL, "reduce");
    unsigned one = 1, three = 3;
    chaos_run(oom_counts, &one, "counts, order 1");
    chaos_run(oom_counts, &three, "counts, order 3");
}
END_TEST

/* A failed merge leaves the destination as it was. */
START_TEST(failed_merge_changes_nothing)
{
    make_paths();
    chaos_allocator chaos;
    chaos_install(&chaos, 0); /* everything from one allocator, failing on demand */
    cxm_paths *p = paths_of(0, 50), *q = paths_of(2500, 2600);
    cxm_markov_options o = CXM_MARKOV_OPTIONS_INIT;
    o.order = 2;
    cxm_markov_counts *a, *b;
    ck_assert_cxm_ok(cxm_markov_counts_create(&a, p, &o));
    ck_assert_cxm_ok(cxm_markov_counts_create(&b, q, &o));
    unsigned char *before, *after;
    size_t before_n, after_n;
    ck_assert_cxm_ok(cxm_markov_counts_save(&before, &before_n, a));
    for (long fail = 1; fail < 1000; fail++) {
        chaos.fail_at = chaos.calls + fail;
        int status = cxm_markov_counts_merge(a, b);
        chaos.fail_at = 0;
        if (status == CXM_OK)
            break;
        ck_assert_int_eq(status, CXM_ENOMEM);
        ck_assert_cxm_ok(cxm_markov_counts_save(&after, &after_n, a));
        ck_assert_uint_eq(before_n, after_n);
        ck_assert(memcmp(before, after, before_n) == 0);
        cxm_free(after);
    }
    ck_assert_cxm_ok(cxm_markov_counts_save(&after, &after_n, a));
    ck_assert(after_n > before_n);
    cxm_free(after);
    cxm_free(before);
    cxm_markov_counts_free(a);
    cxm_markov_counts_free(b);
    cxm_paths_free(p);
    cxm_paths_free(q);
    ck_assert_int_eq(chaos.live, 0);
    chaos_uninstall();
}
END_TEST

static Suite *chunk_suite(void)
{
    Suite *s = suite_create("chunked work");
    TCase *tc = tcase_create("chunk");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, chunk_sums_are_the_whole_likelihood);
    tcase_add_test(tc, chunks_skip_and_weigh_rows_like_a_fit);
    tcase_add_test(tc, chunked_fit_is_the_fit_in_one_piece);
    tcase_add_test(tc, chunked_fit_of_many_customers_starts_where_the_fit_does);
    tcase_add_test(tc, chunked_fit_failures);
    tcase_add_test(tc, set_fit_makes_a_fitted_model);
    tcase_add_test(tc, chunked_covariate_fit_is_the_fit_in_one_piece);
    tcase_add_test(tc, covariate_chunks_refuse_what_a_fit_refuses);
    tcase_add_test(tc, reduced_chunks_give_the_summary);
    tcase_add_test(tc, reduce_merges_units_and_checks_its_input);
    tcase_add_test(tc, merged_counts_give_the_attribution);
    tcase_add_test(tc, counts_refuse_what_does_not_fit);
    tcase_add_test(tc, failed_merge_changes_nothing);
    tcase_add_test(tc, out_of_memory_is_clean);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cxm_check_run(chunk_suite());
}
