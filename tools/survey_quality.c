/* cxm survey --quality: the measurement and structural quality report of a
 * path model (docs/chain.md, "Reading the quality of a model"). A '*' marks
 * a value beyond its usual threshold. */
#include "config.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cxm.h>

#include "cli.h"

int survey_print_quality(const cxm_pls_result *result);

typedef struct quality_report {
    const cxm_pls_result *r;
    const cxm_pls_model *m;
    size_t c, q;
    int width; /* of the construct names' column */
} quality_report;

/* A criterion's values (freed by the caller), or NULL with the reason
 * printed in place of its section. */
static double *criterion(const quality_report *qr, cxm_pls_quality quality, const char *what)
{
    size_t n = cxm_pls_result_quality_size(qr->r, quality);
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (v == NULL) {
        printf("  (%s: out of memory)\n", what);
        return NULL;
    }
    if (cxm_pls_result_quality(v, n, qr->r, quality) != CXM_OK) {
        printf("  (%s undefined: %s)\n", what, cxm_error_message());
        free(v);
        return NULL;
    }
    return v;
}

static bool reflective(const quality_report *qr, size_t j)
{
    cxm_pls_mode mode = CXM_PLS_MODE_A;
    cxm_pls_model_construct_mode(&mode, qr->m, j);
    return mode == CXM_PLS_MODE_A;
}

static size_t block_size(const quality_report *qr, size_t j)
{
    size_t k = 0;
    for (size_t h = 0; h < qr->q; h++)
        k += cxm_pls_model_indicator_construct(qr->m, h) == j;
    return k;
}

static void print_flagged(double v, double low, bool check)
{
    printf("  %7.4f%c", v, check && v < low ? '*' : ' ');
}

static void print_reliability(const quality_report *qr)
{
    printf("\nReliability and convergent validity (reflective constructs: alpha, rho_A,\n"
           "rho_C above 0.70, AVE above 0.50)\n");
    printf("  %-*s  mode  items     alpha     rho_A     rho_C       AVE\n", qr->width,
           "construct");
    double *v[4];
    static const cxm_pls_quality which[4] = { CXM_PLS_CRONBACH_ALPHA, CXM_PLS_RHO_A,
                                              CXM_PLS_RHO_C, CXM_PLS_AVE };
    static const char *const names[4] = { "alpha", "rho_A", "rho_C", "AVE" };
    bool ok = true;
    for (int k = 0; k < 4; k++)
        ok &= (v[k] = criterion(qr, which[k], names[k])) != NULL;
    for (size_t j = 0; ok && j < qr->c; j++) {
        bool a = reflective(qr, j);
        printf("  %-*s  %4s  %5zu", qr->width, cxm_pls_model_construct_name(qr->m, j), a ? "A" : "B",
               block_size(qr, j));
        for (int k = 0; k < 4; k++)
            print_flagged(v[k][j], k == 3 ? 0.5 : 0.7, a && block_size(qr, j) > 1);
        putchar('\n');
    }
    for (int k = 0; k < 4; k++)
        free(v[k]);
}

/* Loadings, VIFs and cross-loadings: '*' after a reflective item's loading
 * below 0.708 (Hair et al. 2019), after an item that loads higher on another
 * construct, or after a formative item's VIF above 5. */
static void print_indicators(const quality_report *qr)
{
    size_t c = qr->c;
    printf("\nIndicators (reflective items: loading above 0.708; formative items: VIF below\n"
           "5, ideally 3; cross-loadings, the correlations with each construct's score:\n"
           "each item should correlate highest with its own construct)\n");
    printf("  %-*s  %-10s  %8s  %7s ", qr->width, "construct", "item", "loading", "VIF");
    for (size_t k = 0; k < c; k++)
        printf(" %12.12s", cxm_pls_model_construct_name(qr->m, k));
    putchar('\n');
    double *cross = criterion(qr, CXM_PLS_CROSS_LOADINGS, "cross-loadings");
    double *vif = cross ? criterion(qr, CXM_PLS_INDICATOR_VIF, "indicator VIF") : NULL;
    double *loadings = malloc((qr->q ? qr->q : 1) * sizeof *loadings);
    if (vif && (loadings == NULL ||
                cxm_pls_result_get(loadings, qr->q, qr->r, CXM_PLS_LOADINGS) != CXM_OK)) {
        printf("  (loadings: %s)\n", loadings ? cxm_error_message() : "out of memory");
        free(vif);
        vif = NULL;
    }
    for (size_t h = 0; vif && h < qr->q; h++) {
        size_t j = cxm_pls_model_indicator_construct(qr->m, h);
        /* With PLSc the loading is the consistent one; cross-loadings stay
         * correlations with the construct scores. */
        double own = loadings[h];
        bool a = reflective(qr, j), low = a && own < 0.708;
        for (size_t k = 0; k < c; k++)
            low |= k != j && fabs(cross[h * c + k]) > fabs(cross[h * c + j]);
        printf("  %-*s  %-10s  %8.4f%c %7.3f%c", qr->width, cxm_pls_model_construct_name(qr->m, j),
               cxm_pls_model_indicator_name(qr->m, h), own, low ? '*' : ' ', vif[h],
               !a && vif[h] > 5 ? '*' : ' ');
        for (size_t k = 0; k < c; k++)
            printf(" %12.4f", cross[h * c + k]);
        putchar('\n');
    }
    free(cross);
    free(vif);
    free(loadings);
}

/* A lower triangle (with the diagonal when it means something). */
static void print_triangle(const quality_report *qr, const double *v, bool diagonal, double above)
{
    size_t c = qr->c;
    printf("  %-*s", qr->width, "");
    for (size_t k = 0; k + !diagonal < c; k++)
        printf(" %12.12s", cxm_pls_model_construct_name(qr->m, k));
    putchar('\n');
    for (size_t i = !diagonal; i < c; i++) {
        printf("  %-*s", qr->width, cxm_pls_model_construct_name(qr->m, i));
        for (size_t k = 0; k < i + diagonal; k++) {
            double x = v[i * c + k];
            bool flag = k < i && (above > 0 ? x > above
                                            : fabs(x) > v[i * c + i] || fabs(x) > v[k * c + k]);
            printf(" %11.4f%c", x, flag ? '*' : ' ');
        }
        putchar('\n');
    }
}

/* With resamples: every pair's HTMT with its bootstrap percentile (and BCa)
 * interval; '*' when the upper bound reaches 1 (Henseler et al. 2015). */
static void print_htmt_intervals(const quality_report *qr)
{
    cxm_pls_info info;
    size_t c = qr->c, n = c * c;
    if (cxm_pls_result_info(&info, qr->r) != CXM_OK || info.resamples == 0 || c < 2)
        return;
    double *v = malloc(5 * n * sizeof *v);
    if (v == NULL) {
        printf("  (HTMT intervals: out of memory)\n");
        return;
    }
    static const cxm_pls_statistic which[4] = { CXM_PLS_BOOT_LOWER, CXM_PLS_BOOT_UPPER,
                                                CXM_PLS_BOOT_BCA_LOWER, CXM_PLS_BOOT_BCA_UPPER };
    bool ok = cxm_pls_result_get(v, n, qr->r, CXM_PLS_HETEROTRAIT_MONOTRAIT) == CXM_OK;
    for (int k = 0; ok && k < 2; k++)
        ok = cxm_pls_result_bootstrap(v + (size_t)(k + 1) * n, n, qr->r,
                                      CXM_PLS_HETEROTRAIT_MONOTRAIT, which[k]) == CXM_OK;
    bool bca = ok;
    for (int k = 2; bca && k < 4; k++) /* CXM_ESTATE without the option bca */
        bca = cxm_pls_result_bootstrap(v + (size_t)(k + 1) * n, n, qr->r,
                                       CXM_PLS_HETEROTRAIT_MONOTRAIT, which[k]) == CXM_OK;
    if (ok) {
        printf("\nHTMT with %g%% bootstrap intervals, %zu resamples (the upper bound should\n"
               "stay below 1)\n", 100 * info.level, info.resamples);
        printf("  %-*s    %-*s  %8s  %8s  %8s%s\n", qr->width, "from", qr->width, "to", "HTMT",
               "lower", "upper", bca ? "  BCa lower  BCa upper" : "");
    }
    for (size_t i = 0; ok && i < c; i++)
        for (size_t j = i + 1; j < c; j++) {
            size_t at = i * c + j;
            double upper = bca ? v[4 * n + at] : v[2 * n + at];
            printf("  %-*s -> %-*s  %8.4f  %8.4f  %8.4f", qr->width,
                   cxm_pls_model_construct_name(qr->m, i), qr->width,
                   cxm_pls_model_construct_name(qr->m, j), v[at], v[n + at], v[2 * n + at]);
            if (bca)
                printf("  %9.4f  %9.4f", v[3 * n + at], v[4 * n + at]);
            printf("%s\n", upper >= 1 ? " *" : "");
        }
    free(v);
}

static void print_discriminant(const quality_report *qr)
{
    printf("\nDiscriminant validity: HTMT (below 0.85, or 0.90 for conceptually close\n"
           "constructs)\n");
    double *htmt = criterion(qr, CXM_PLS_HTMT, "HTMT");
    if (htmt)
        print_triangle(qr, htmt, false, 0.85);
    free(htmt);
    print_htmt_intervals(qr);
    printf("\nFornell-Larcker (sqrt(AVE) on the diagonal should exceed the correlations in\n"
           "its row and column)\n");
    double *fl = criterion(qr, CXM_PLS_FORNELL_LARCKER, "Fornell-Larcker");
    if (fl)
        print_triangle(qr, fl, true, 0);
    free(fl);
}

static void print_structural(const quality_report *qr)
{
    size_t c = qr->c;
    printf("\nStructural model (VIF below 5, ideally 3; f-squared: 0.02 small, 0.15\n"
           "medium, 0.35 large)\n");
    double *vif = criterion(qr, CXM_PLS_STRUCTURAL_VIF, "structural VIF");
    double *f2 = criterion(qr, CXM_PLS_F_SQUARED, "f-squared");
    if (vif && f2) {
        printf("  %-*s    %-*s  %8s  %9s\n", qr->width, "from", qr->width, "to", "VIF", "f-squared");
        for (size_t k = 0; k < cxm_pls_model_path_count(qr->m); k++) {
            size_t from, to;
            cxm_pls_model_path(&from, &to, qr->m, k);
            size_t at = from * c + to;
            printf("  %-*s -> %-*s  %7.3f%c  %9.4f\n", qr->width,
                   cxm_pls_model_construct_name(qr->m, from), qr->width,
                   cxm_pls_model_construct_name(qr->m, to), vif[at], vif[at] > 5 ? '*' : ' ',
                   f2[at]);
        }
    }
    free(vif);
    free(f2);
    double *adjusted = criterion(qr, CXM_PLS_R_SQUARED_ADJUSTED, "adjusted R²");
    double *r2 = malloc(c * sizeof *r2);
    if (adjusted && r2 && cxm_pls_result_get(r2, c, qr->r, CXM_PLS_R_SQUARED) == CXM_OK) {
        printf("\n  %-*s  %8s  %8s\n", qr->width, "construct", "R²", "adjusted"); /* ² is 2 bytes */
        for (size_t j = 0; j < c; j++)
            if (!isnan(r2[j]))
                printf("  %-*s  %7.4f  %8.4f\n", qr->width, cxm_pls_model_construct_name(qr->m, j),
                       r2[j], adjusted[j]);
    }
    free(adjusted);
    free(r2);
}

int survey_print_quality(const cxm_pls_result *result)
{
    quality_report qr = { result, cxm_pls_result_model(result), 0, 0, 12 };
    qr.c = cxm_pls_model_construct_count(qr.m);
    qr.q = cxm_pls_model_indicator_count(qr.m);
    for (size_t j = 0; j < qr.c; j++) {
        size_t len = strlen(cxm_pls_model_construct_name(qr.m, j));
        qr.width = len > (size_t)qr.width ? (int)len : qr.width;
    }
    printf("\nQuality of the model ('*': beyond the usual threshold; docs/chain.md)\n");
    print_reliability(&qr);
    print_indicators(&qr);
    print_discriminant(&qr);
    print_structural(&qr);
    return CLI_EXIT_OK;
}
