/* Benchmark of PLS path modelling with the bootstrap (issue 7): 10^5
 * respondents, the ECSI model (24 items, 7 constructs), 500 resamples;
 * and (issue 18) the same with BCa intervals over 1000 resamples, whose
 * acceleration takes a delete-one jackknife: 10^5 more estimates.
 *
 *   bench_pls [RESPONDENTS [RESAMPLES [BCA_RESAMPLES]]]
 *
 * The answers are simulated from the ECSI structure on 1-10 scales (whole
 * numbers, as surveys are), which the bootstrap handles with its exact
 * integer kernel; the same answers times 1.5 time the floating-point
 * kernel. Wall time, process CPU time and the load average are printed:
 * the machine is shared, so wall time depends on what else runs. */
#define _POSIX_C_SOURCE 200809L
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cxm.h>

static uint64_t state = 0x9e3779b97f4a7c15ULL;

static double uniform(void)
{
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return ((double)((z ^ (z >> 31)) >> 11) + 0.5) * 0x1.0p-53;
}

static double normal(void)
{
    return sqrt(-2 * log(uniform())) * cos(6.283185307179586 * uniform());
}

static double seconds(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double load_average(void)
{
    double load = NAN;
    FILE *f = fopen("/proc/loadavg", "r");
    if (f != NULL) {
        if (fscanf(f, "%lf", &load) != 1)
            load = NAN;
        fclose(f);
    }
    return load;
}

/* One estimate; prints its times and returns the bootstrap SE of Quality -> Satisfaction. */
static int run(const char *label, const cxm_pls_model *m, size_t n, size_t p, const double *x,
               size_t resamples, size_t threads, int bca, double *paths_se)
{
    cxm_pls_options o = CXM_PLS_OPTIONS_INIT;
    o.bootstrap = resamples;
    o.threads = threads;
    o.bca = bca;
    o.seed = 2024;
    cxm_pls_result *r = NULL;
    double w0 = seconds(CLOCK_MONOTONIC), c0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
    if (cxm_pls_estimate(&r, m, n, p, x, NULL, &o) != CXM_OK) {
        fprintf(stderr, "bench_pls: %s\n", cxm_error_message());
        return 1;
    }
    double w1 = seconds(CLOCK_MONOTONIC), c1 = seconds(CLOCK_PROCESS_CPUTIME_ID);
    cxm_pls_info info;
    cxm_pls_result_info(&info, r);
    if (resamples > 0)
        cxm_pls_result_bootstrap(paths_se, 49, r, CXM_PLS_PATHS, CXM_PLS_BOOT_STD_ERROR);
    double paths[49];
    cxm_pls_result_get(paths, 49, r, CXM_PLS_PATHS);
    printf("%-44s wall %6.3f s  CPU %6.3f s  (%zu ok, %zu failed; Quality->Satisfaction %.4f",
           label, w1 - w0, c1 - c0, info.resamples, info.resamples_failed, paths[2 * 7 + 4]);
    if (resamples > 0)
        printf(" +- %.5f", paths_se[2 * 7 + 4]);
    if (bca) {
        double lower[49], upper[49];
        cxm_pls_result_bootstrap(lower, 49, r, CXM_PLS_PATHS, CXM_PLS_BOOT_BCA_LOWER);
        cxm_pls_result_bootstrap(upper, 49, r, CXM_PLS_PATHS, CXM_PLS_BOOT_BCA_UPPER);
        printf(", BCa [%.4f, %.4f]", lower[2 * 7 + 4], upper[2 * 7 + 4]);
        memcpy(paths_se, lower, sizeof lower); /* compared across thread counts */
    }
    printf(")\n");
    cxm_pls_result_free(r);
    return 0;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 100000;
    size_t resamples = argc > 2 ? (size_t)strtoull(argv[2], NULL, 10) : 500;
    size_t bca_resamples = argc > 3 ? (size_t)strtoull(argv[3], NULL, 10) : 1000;
    cxm_pls_model *m = NULL;
    if (cxm_pls_model_preset(&m, "ecsi") != CXM_OK) {
        fprintf(stderr, "bench_pls: %s\n", cxm_error_message());
        return 1;
    }
    size_t p = cxm_pls_model_item_count(m), c = cxm_pls_model_construct_count(m);
    double *x = malloc(n * p * sizeof *x), *scaled = malloc(n * p * sizeof *x);
    size_t *block = malloc(p * sizeof *block);
    if (x == NULL || scaled == NULL || block == NULL) {
        fprintf(stderr, "bench_pls: out of memory\n");
        return 1;
    }
    for (size_t k = 0; k < cxm_pls_model_indicator_count(m); k++) {
        const char *item = cxm_pls_model_indicator_name(m, k);
        for (size_t i = 0; i < p; i++)
            if (strcmp(cxm_pls_model_item_name(m, i), item) == 0)
                block[i] = cxm_pls_model_indicator_construct(m, k);
    }
    /* ECSI-like structure: Image, Expectation, Quality, Value, Satisfaction, Complaints, Loyalty. */
    for (size_t i = 0; i < n; i++) {
        double lv[7];
        lv[0] = normal();
        lv[1] = 0.5 * lv[0] + 0.87 * normal();
        lv[2] = 0.55 * lv[1] + 0.83 * normal();
        lv[3] = 0.1 * lv[1] + 0.55 * lv[2] + 0.8 * normal();
        lv[4] = 0.2 * lv[0] + 0.05 * lv[1] + 0.4 * lv[2] + 0.2 * lv[3] + 0.6 * normal();
        lv[5] = 0.5 * lv[4] + 0.85 * normal();
        lv[6] = 0.2 * lv[0] + 0.45 * lv[4] + 0.05 * lv[5] + 0.75 * normal();
        for (size_t k = 0; k < p; k++) {
            double v = floor(6.5 + 1.6 * (0.8 * lv[block[k]] + 0.6 * normal()) + 0.5);
            x[i * p + k] = v < 1 ? 1 : v > 10 ? 10 : v;
            scaled[i * p + k] = 1.5 * x[i * p + k];
        }
    }
    printf("PLS path modelling, ECSI model: %zu respondents, %zu items, %zu constructs, "
           "%zu resamples (load average %.2f)\n", n, p, c, resamples, load_average());
    double se1[49], se2[49], se3[49], se0[49], bca1[49], bca2[49];
    int status = run("estimate, no bootstrap", m, n, p, x, 0, 0, 0, se0);
    if (status == 0)
        status = run("bootstrap, all processors (exact integers)", m, n, p, x, resamples, 0, 0, se1);
    if (status == 0)
        status = run("bootstrap, 1 thread (exact integers)", m, n, p, x, resamples, 1, 0, se2);
    /* Issue 18's workload: plain PLS + BCa (consistent PLS adds only small-matrix work). */
    char label[64];
    snprintf(label, sizeof label, "%zu resamples + BCa, all processors", bca_resamples);
    if (status == 0)
        status = run(label, m, n, p, x, bca_resamples, 0, 1, bca1);
    snprintf(label, sizeof label, "%zu resamples + BCa, 1 thread", bca_resamples);
    if (status == 0)
        status = run(label, m, n, p, x, bca_resamples, 1, 1, bca2);
    if (status == 0 && memcmp(bca1, bca2, sizeof bca1) != 0) {
        printf("BCa bounds differ between 1 thread and all\n");
        status = 1;
    }
    /* The answers times 1.5 on a 1.5-15 scale: the same model, floating-point kernel. */
    for (size_t j = 0; status == 0 && j < c; j++)
        status = cxm_pls_model_set_scale(m, cxm_pls_model_construct_name(m, j), 1.5, 15) != CXM_OK;
    if (status == 0)
        status = run("bootstrap, all processors (floating point)", m, n, p, scaled, resamples, 0, 0,
                     se3);
    if (status == 0) {
        printf("same numbers with 1 thread and all: %s; floating point vs exact: max |SE diff| %.1e\n",
               memcmp(se1, se2, sizeof se1) == 0 ? "yes" : "NO", fabs(se1[18] - se3[18]));
        if (memcmp(se1, se2, sizeof se1) != 0)
            status = 1;
    }
    free(x);
    free(scaled);
    free(block);
    cxm_pls_model_free(m);
    return status;
}
