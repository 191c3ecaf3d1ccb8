/* Benchmark: Pareto/NBD fit with standard errors on simulated customers.
 *
 *   bench_pnbd [CUSTOMERS [THREADS]]     default 1,000,000 customers, automatic threads
 *
 * Customers are drawn from the model at CDNOW's estimates (r = 0.553,
 * alpha = 10.578, s = 0.606, beta = 11.669; weeks) with first purchases
 * spread over 12 weeks and a 39-week calibration period, the shape of the
 * CDNOW study. Two versions of the same customers are fitted:
 *   - "days": times recorded to the day, as a transaction log records them
 *     (t_x and T multiples of 1/7 week), so customers repeat exactly and the
 *     engine merges them;
 *   - "continuous": the exact simulated times, every customer distinct.
 * Each fit includes the standard errors; the time is wall clock from
 * cxm_model_fit() to cxm_model_standard_errors() returning, with the CPU time
 * of all threads beside it (on a loaded machine the CPU time is the fairer
 * number: wall time then includes waiting for other processes). Each fit is
 * run REPEATS times and the fastest reported, as the noise only adds. */
#define _POSIX_C_SOURCE 200809L
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include <cxm.h>

enum { REPEATS = 3 };

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
           (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
}

static int run(const char *label, size_t n, const double *x, const double *tx, const double *T,
               unsigned threads, const double *truth)
{
    cxm_model *m = NULL;
    cxm_fit_options options = CXM_FIT_OPTIONS_INIT;
    options.threads = threads;
    double p[4], se[4], ll, elapsed = INFINITY, elapsed_cpu = INFINITY;
    for (int repeat = 0; repeat < REPEATS; repeat++) {
        cxm_model_free(m);
        if (cxm_model_create(&m, CXM_MODEL_PARETO_NBD) != CXM_OK)
            return 1;
        double start = now(), start_cpu = cpu();
        int status = cxm_model_fit(m, n, x, tx, T, NULL, &options);
        if (status == CXM_OK)
            status = cxm_model_standard_errors(se, 4, m);
        double wall = now() - start, used = cpu() - start_cpu;
        if (status != CXM_OK) {
            fprintf(stderr, "bench_pnbd: %s: %s\n", label, cxm_error_message());
            cxm_model_free(m);
            return 1;
        }
        if (wall < elapsed) {
            elapsed = wall;
            elapsed_cpu = used;
        }
    }
    cxm_fit_report report = CXM_FIT_REPORT_INIT;
    cxm_model_params(p, 4, m);
    cxm_model_log_likelihood(&ll, m);
    cxm_model_fit_report(&report, m);
    printf("%-10s %zu customers, %.0f rows after merging, %u Newton iterations, %u passes: "
           "best of %d %.3f s (CPU %.3f s)\n",
           label, n, report.rows, report.iterations, report.evaluations, REPEATS, elapsed, elapsed_cpu);
    printf("           r %.4f (%.4f)  alpha %.3f (%.3f)  s %.4f (%.4f)  beta %.3f (%.3f)  "
           "LL %.1f   [truth %.3f %.3f %.3f %.3f]\n",
           p[0], se[0], p[1], se[1], p[2], se[2], p[3], se[3], ll, truth[0], truth[1], truth[2],
           truth[3]);
    cxm_model_free(m);
    return 0;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 1000000;
    unsigned threads = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 0;
    static const double truth[4] = { 0.553, 10.578, 0.606, 11.669 };
    double *x = malloc(n * sizeof *x), *tx = malloc(n * sizeof *tx), *T = malloc(n * sizeof *T);
    double *dtx = malloc(n * sizeof *dtx);
    cxm_model *sim = NULL;
    if (!x || !tx || !T || !dtx || cxm_model_create(&sim, CXM_MODEL_PARETO_NBD) != CXM_OK ||
        cxm_model_set_params(sim, truth, 4) != CXM_OK)
        return 1;
    /* First purchases on days 0..83; calibration ends at week 39. */
    for (size_t i = 0; i < n; i++)
        T[i] = 39.0 - (double)(i % 84) / 7.0;
    if (cxm_model_simulate(x, tx, n, sim, T, 20240505) != CXM_OK) {
        fprintf(stderr, "bench_pnbd: %s\n", cxm_error_message());
        return 1;
    }
    for (size_t i = 0; i < n; i++)
        dtx[i] = floor(tx[i] * 7.0) / 7.0; /* the day of the last purchase */
    int failed = run("days", n, x, dtx, T, threads, truth);
    failed |= run("continuous", n, x, tx, T, threads, truth);
    cxm_model_free(sim);
    free(x);
    free(tx);
    free(T);
    free(dtx);
    return failed;
}
