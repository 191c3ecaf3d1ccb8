/* Benchmark of customer-level prediction intervals (docs/models.md §1.10):
 *
 *   bench_interval [CUSTOMERS [REPLICATIONS [RESAMPLES]]]   default 1000000 100 100
 *
 * 1. Speed: 95% intervals of P(alive) and E[Y(52) | x, t_x, T] for CUSTOMERS
 *    customers of a BG/NBD fitted to 10^5 simulated ones, against the plain
 *    predictions of the same customers in the same run (best of three).
 * 2. Coverage against a parametric bootstrap: REPLICATIONS customer bases of
 *    3,000 drawn from CDNOW's BG/NBD estimates are each fitted; the delta
 *    method's 95% interval and a percentile interval from RESAMPLES
 *    parametric bootstrap refits (draw 3,000 customers from the estimate,
 *    refit, predict) are scored on whether they cover the prediction made
 *    with the true parameters, for five customer histories. */
#define _POSIX_C_SOURCE 200809L
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    fprintf(stderr, "bench_interval: %s: %s\n", what, cxm_error_message());
    exit(1);
}

static const double TRUTH[4] = { 0.243, 4.414, 0.793, 2.426 };
#define BASE 3000
#define PROFILES 5
static const double PX[PROFILES] = { 1, 2, 4, 7, 3 }, PTX[PROFILES] = { 20, 5, 30, 36, 12 };
static const double PT[PROFILES] = { 39, 39, 39, 39, 39 };

static cxm_model *model_with(const double *params)
{
    cxm_model *m = NULL;
    if (cxm_model_create(&m, CXM_MODEL_BGNBD) != CXM_OK ||
        cxm_model_set_params(m, params, 4) != CXM_OK)
        die("model");
    return m;
}

/* Fit a model to n customers drawn from `from` (T spread over 26-39 weeks). */
static cxm_model *refit(const cxm_model *from, size_t n, unsigned long long seed, double *x,
                        double *tx, double *T)
{
    for (size_t i = 0; i < n; i++)
        T[i] = 26.0 + 13.0 * (double)((i * 7919u) % 1000u) / 999.0;
    if (cxm_model_simulate(x, tx, n, from, T, seed) != CXM_OK)
        die("simulate");
    cxm_model *m = NULL;
    if (cxm_model_create(&m, CXM_MODEL_BGNBD) != CXM_OK)
        die("create");
    if (cxm_model_fit(m, n, x, tx, T, NULL, NULL) != CXM_OK)
        return NULL; /* a resample that does not fit is left out and counted */
    return m;
}

/* P(alive) then E[Y(52)] of the profiles: out[2 * PROFILES]. */
static void predict_profiles(const cxm_model *m, double *out)
{
    double t[PROFILES];
    for (int i = 0; i < PROFILES; i++)
        t[i] = 52.0;
    if (cxm_model_p_alive(out, PROFILES, m, PX, PTX, PT) != CXM_OK ||
        cxm_model_conditional_purchases(out + PROFILES, PROFILES, m, t, PX, PTX, PT) != CXM_OK)
        die("predict");
}

static int compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void speed(size_t n)
{
    size_t rows = n > 100000 ? n : 100000; /* the fit's 10^5 customers use the same arrays */
    double *x = malloc(rows * sizeof *x), *tx = malloc(rows * sizeof *tx);
    double *T = malloc(rows * sizeof *T);
    double *lo = malloc(n * sizeof *lo), *hi = malloc(n * sizeof *hi), *t = malloc(n * sizeof *t);
    if (!x || !tx || !T || !lo || !hi || !t)
        die("out of memory");
    cxm_model *truth = model_with(TRUTH);
    cxm_model *m = refit(truth, 100000, 1, x, tx, T);
    if (m == NULL)
        die("fit");
    for (size_t i = 0; i < n; i++)
        T[i] = 26.0 + 13.0 * (double)((i * 7919u) % 1000u) / 999.0, t[i] = 52.0;
    if (cxm_model_simulate(x, tx, n, truth, T, 2) != CXM_OK)
        die("simulate");
    double best[4] = { INFINITY, INFINITY, INFINITY, INFINITY };
    for (int run = 0; run < 3; run++) {
        double s = now();
        if (cxm_model_p_alive(lo, n, m, x, tx, T) != CXM_OK)
            die("p_alive");
        double a = now();
        if (cxm_model_p_alive_interval(lo, hi, n, m, 0.95, x, tx, T) != CXM_OK)
            die("p_alive interval");
        double b = now();
        if (cxm_model_conditional_purchases(lo, n, m, t, x, tx, T) != CXM_OK)
            die("conditional");
        double c = now();
        if (cxm_model_conditional_purchases_interval(lo, hi, n, m, 0.95, t, x, tx, T) != CXM_OK)
            die("conditional interval");
        double d = now();
        double times[4] = { a - s, b - a, c - b, d - c };
        for (int k = 0; k < 4; k++)
            best[k] = fmin(best[k], times[k]);
    }
    printf("%zu customers: P(alive) %.3f s, its 95%% interval %.3f s; E[Y(52)] %.3f s, its "
           "interval %.3f s\n",
           n, best[0], best[1], best[2], best[3]);
    cxm_model_free(m);
    cxm_model_free(truth);
    free(x), free(tx), free(T), free(lo), free(hi), free(t);
}

static void coverage(int reps, int resamples)
{
    double *x = malloc(BASE * sizeof *x), *tx = malloc(BASE * sizeof *tx);
    double *T = malloc(BASE * sizeof *T);
    double *boot = malloc((size_t)resamples * 2 * PROFILES * sizeof *boot);
    if (!x || !tx || !T || !boot)
        die("out of memory");
    cxm_model *truth = model_with(TRUTH);
    double true_value[2 * PROFILES];
    predict_profiles(truth, true_value);
    int delta_hits = 0, boot_hits = 0, cases = 0, failed = 0;
    double delta_time = 0, boot_time = 0, delta_width = 0, boot_width = 0;
    for (int rep = 0; rep < reps; rep++) {
        cxm_model *m = refit(truth, BASE, 1000u + (unsigned)rep, x, tx, T);
        if (m == NULL) {
            failed++;
            continue;
        }
        double lo[2 * PROFILES], hi[2 * PROFILES], t[PROFILES];
        for (int i = 0; i < PROFILES; i++)
            t[i] = 52.0;
        double s = now();
        if (cxm_model_p_alive_interval(lo, hi, PROFILES, m, 0.95, PX, PTX, PT) != CXM_OK ||
            cxm_model_conditional_purchases_interval(lo + PROFILES, hi + PROFILES, PROFILES, m,
                                                     0.95, t, PX, PTX, PT) != CXM_OK)
            die("interval");
        delta_time += now() - s;
        s = now();
        int good = 0;
        for (int b = 0; b < resamples; b++) {
            cxm_model *r = refit(m, BASE, 0x5eedULL * (unsigned)(rep + 1) + (unsigned)b, x, tx, T);
            if (r == NULL)
                continue;
            predict_profiles(r, boot + (size_t)good * 2 * PROFILES);
            good++;
            cxm_model_free(r);
        }
        boot_time += now() - s;
        double column[4096];
        for (int k = 0; k < 2 * PROFILES && good > 0 && good <= 4096; k++) {
            for (int b = 0; b < good; b++)
                column[b] = boot[(size_t)b * 2 * PROFILES + k];
            qsort(column, (size_t)good, sizeof *column, compare);
            double blo = column[(int)floor(0.025 * (good - 1))];
            double bhi = column[(int)ceil(0.975 * (good - 1))];
            cases++;
            delta_hits += lo[k] <= true_value[k] && true_value[k] <= hi[k];
            boot_hits += blo <= true_value[k] && true_value[k] <= bhi;
            delta_width += hi[k] - lo[k];
            boot_width += bhi - blo;
        }
        cxm_model_free(m);
    }
    printf("coverage of the truth at 95%% over %d cases (%d replications of %d customers, %d "
           "resamples, %d fits failed):\n",
           cases, reps, BASE, resamples, failed);
    printf("  delta method:        %.1f%%  mean width %.4f  %.4f s in all\n",
           100.0 * delta_hits / cases, delta_width / cases, delta_time);
    printf("  parametric bootstrap %.1f%%  mean width %.4f  %.2f s in all\n",
           100.0 * boot_hits / cases, boot_width / cases, boot_time);
    cxm_model_free(truth);
    free(x), free(tx), free(T), free(boot);
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 1000000;
    int reps = argc > 2 ? atoi(argv[2]) : 100, resamples = argc > 3 ? atoi(argv[3]) : 100;
    if (n == 0 || reps <= 0 || resamples <= 0 || resamples > 4096) {
        fprintf(stderr, "usage: bench_interval [CUSTOMERS [REPLICATIONS [RESAMPLES<=4096]]]\n");
        return 2;
    }
    speed(n);
    coverage(reps, resamples);
    return 0;
}
