/* Benchmark of static covariates (docs/models.md §1.11):
 *
 *   bench_covariates [CUSTOMERS]    default 1000000
 *
 * BG/NBD, Pareto/NBD and GGompertz/NBD with 2 static covariates (gender and
 * channel, on both the purchase and the dropout process) fitted with
 * standard errors on CUSTOMERS simulated customers whose times are
 * continuous (every row distinct), against the plain fit of the same
 * customers in the same run. Best of three wall-clock times (one for
 * GGompertz/NBD, whose likelihood is a quadrature per customer). CLVTools needs 11-15 s for 10^6 customers
 * without covariates on this machine's class of hardware. */
#define _POSIX_C_SOURCE 200809L
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <cxm.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void die(const char *what)
{
    fprintf(stderr, "bench_covariates: %s: %s\n", what, cxm_error_message());
    exit(1);
}

static const char *const NAMES[] = { "gender", "channel" };

/* Customers in four groups (gender i mod 2, channel (i/2) mod 2), each drawn
 * from its own customer model of `truth`. */
static void simulate(const cxm_model *truth, size_t n, double *x, double *tx, double *T,
                     double *z)
{
    size_t m = n / 4;
    double *gx = malloc(m * sizeof *gx), *gtx = malloc(m * sizeof *gtx);
    double *gT = malloc(m * sizeof *gT);
    if (!gx || !gtx || !gT)
        die("out of memory");
    for (size_t k = 0; k < m; k++)
        gT[k] = 26.0 + 13.0 * (double)k / (double)m;
    for (size_t g = 0; g < 4; g++) {
        double zz[2] = { (double)(g % 2), (double)(g / 2) };
        cxm_model *c = NULL;
        if (cxm_model_for_customer(&c, truth, zz, zz) != CXM_OK ||
            cxm_model_simulate(gx, gtx, m, c, gT, 100 + g) != CXM_OK)
            die("simulate");
        for (size_t k = 0; k < m; k++) {
            size_t i = 4 * k + g;
            x[i] = gx[k], tx[i] = gtx[k], T[i] = gT[k];
            z[2 * i] = zz[0], z[2 * i + 1] = zz[1];
        }
        cxm_model_free(c);
    }
    free(gx), free(gtx), free(gT);
}

static void run(cxm_model_kind kind, const double *truth_params, size_t base, int runs, size_t n)
{
    double *x = malloc(n * sizeof *x), *tx = malloc(n * sizeof *tx), *T = malloc(n * sizeof *T);
    double *z = malloc(2 * n * sizeof *z);
    if (!x || !tx || !T || !z)
        die("out of memory");
    cxm_model *truth = NULL;
    if (cxm_model_create(&truth, kind) != CXM_OK ||
        cxm_model_set_covariates(truth, 2, NAMES, 2, NAMES) != CXM_OK ||
        cxm_model_set_params(truth, truth_params, base + 4) != CXM_OK)
        die("truth");
    simulate(truth, n, x, tx, T, z);
    double best_plain = INFINITY, best_cov = INFINITY, se[9];
    cxm_fit_report report = CXM_FIT_REPORT_INIT, plain_report = CXM_FIT_REPORT_INIT;
    for (int run = 0; run < runs; run++) {
        cxm_model *plain = NULL, *m = NULL;
        double start = now();
        if (cxm_model_create(&plain, kind) != CXM_OK ||
            cxm_model_fit(plain, n, x, tx, T, NULL, NULL) != CXM_OK ||
            cxm_model_standard_errors(se, base, plain) != CXM_OK)
            die("plain fit");
        double mid = now();
        if (cxm_model_create(&m, kind) != CXM_OK ||
            cxm_model_set_covariates(m, 2, NAMES, 2, NAMES) != CXM_OK ||
            cxm_model_fit_covariates(m, n, x, tx, T, z, z, NULL, NULL) != CXM_OK ||
            cxm_model_standard_errors(se, base + 4, m) != CXM_OK)
            die("covariate fit");
        double end = now();
        if (cxm_model_fit_report(&plain_report, plain) != CXM_OK ||
            cxm_model_fit_report(&report, m) != CXM_OK)
            die("report");
        best_plain = fmin(best_plain, mid - start);
        best_cov = fmin(best_cov, end - mid);
        cxm_model_free(plain);
        cxm_model_free(m);
    }
    printf("%s, %zu customers (continuous times): plain fit %.3f s, with 2 covariates on both "
           "processes %.3f s (standard errors included); passes over the data %u and %u\n",
           cxm_model_kind_name(kind), n, best_plain, best_cov, plain_report.evaluations,
           report.evaluations);
    cxm_model_free(truth);
    free(x), free(tx), free(T), free(z);
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 1000000;
    if (n < 4) {
        fprintf(stderr, "usage: bench_covariates [CUSTOMERS >= 4]\n");
        return 2;
    }
    const double bg[8] = { 0.243, 4.414, 0.793, 2.426, 0.5, -0.3, 0.4, -0.6 };
    const double pnbd[8] = { 0.553, 10.578, 0.606, 11.669, 0.6, -0.3, 0.4, 0.8 };
    const double ggomnbd[9] = { 0.8, 5.0, 0.05, 1.2, 3.0, 0.6, -0.3, 0.4, 0.8 };
    run(CXM_MODEL_BGNBD, bg, 4, 3, n);
    run(CXM_MODEL_PARETO_NBD, pnbd, 4, 3, n);
    run(CXM_MODEL_GGOMPERTZ_NBD, ggomnbd, 5, 1, n);
    return 0;
}
