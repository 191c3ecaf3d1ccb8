/* The quality criteria of a PLS path model and consistent PLS (PLSc)
 * through the public API (docs/chain.md, "Reading the quality of a model").
 *
 * Exact cases are built from the columns of an 8 × 8 Sylvester–Hadamard
 * matrix: those columns are orthogonal ±1 vectors with mean 0, so an item
 * that sums k of them has variance ∝ k and two items sharing s of them
 * correlate s/√(k·k'). Every criterion is then a rational number worked out
 * by hand below. The PLSc recovery case simulates a common-factor model
 * with known loadings and paths. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cxm.h>

#include "chaos.h"
#include "check_run.h"

#define ck_ok(expr)                                                                            \
    do {                                                                                       \
        int status_ = (expr);                                                                  \
        ck_assert_msg(status_ == CXM_OK, "%s returned %d: %s", #expr, status_,                 \
                      cxm_error_message());                                                    \
    } while (0)
#define ck_fails(expr, expected, text)                                                         \
    do {                                                                                       \
        int status_ = (expr);                                                                  \
        ck_assert_msg(status_ == (expected), "%s returned %d, expected %d (%s)", #expr,         \
                      status_, (expected), cxm_error_message());                               \
        ck_assert_msg(strstr(cxm_error_message(), (text)) != NULL, "message '%s' lacks '%s'",   \
                      cxm_error_message(), (text));                                            \
    } while (0)
#define ck_near(value, expected, tolerance)                                                    \
    ck_assert_msg(fabs((value) - (expected)) <= (tolerance), "%s = %.15g, expected %.15g",      \
                  #value, (double)(value), (double)(expected))

/* Column j (1..7) of the Sylvester–Hadamard matrix of order 8, row i. */
static double hadamard(int i, int j)
{
    return __builtin_popcount((unsigned)(i & j)) % 2 ? -1.0 : 1.0;
}

/* 8 rows; item k is the sum of the Hadamard columns listed in cols[k]
 * (zero-terminated lists of up to 5). */
static void hadamard_items(double *x, size_t p, const int cols[][6])
{
    for (int i = 0; i < 8; i++)
        for (size_t k = 0; k < p; k++) {
            double v = 0;
            for (int t = 0; cols[k][t] != 0; t++)
                v += hadamard(i, cols[k][t]);
            x[(size_t)i * p + k] = v;
        }
}

static cxm_pls_model *model_of(const char *const *constructs, size_t c, const size_t *items,
                               const char *const *item_names, const cxm_pls_mode *modes)
{
    cxm_pls_model *m = NULL;
    ck_ok(cxm_pls_model_create(&m));
    size_t at = 0;
    for (size_t j = 0; j < c; j++) {
        ck_ok(cxm_pls_model_add_construct(m, constructs[j], modes ? modes[j] : CXM_PLS_MODE_A));
        for (size_t k = 0; k < items[j]; k++)
            ck_ok(cxm_pls_model_add_item(m, constructs[j], item_names[at++]));
    }
    return m;
}

/* X (x1, x2) → Y (y1, y2): factor X = (h1 + h6)/√2, Y = (h1 + h7)/√2,
 * items factor·√2 + one unique column, so every loading is √(2/3), items
 * within a block correlate 2/3, across blocks 1/3, and the factors 1/2. */
static const int two_by_two[4][6] = { { 1, 2, 6 }, { 1, 3, 6 }, { 1, 4, 7 }, { 1, 5, 7 } };
static const char *const xy_names[2] = { "X", "Y" };
static const char *const xy_items[4] = { "x1", "x2", "y1", "y2" };
static const size_t xy_sizes[2] = { 2, 2 };

static cxm_pls_result *fit_two_by_two(int consistent)
{
    double x[8 * 4];
    hadamard_items(x, 4, two_by_two);
    cxm_pls_model *m = model_of(xy_names, 2, xy_sizes, xy_items, NULL);
    ck_ok(cxm_pls_model_add_path(m, "X", "Y"));
    cxm_pls_options o = CXM_PLS_OPTIONS_INIT;
    o.tolerance = 1e-12;
    o.consistent = consistent;
    cxm_pls_result *r = NULL;
    ck_ok(cxm_pls_estimate(&r, m, 8, 4, x, NULL, &o));
    cxm_pls_model_free(m);
    return r;
}

static void quality(double *dst, size_t n, const cxm_pls_result *r, cxm_pls_quality q)
{
    ck_assert_uint_eq(cxm_pls_result_quality_size(r, q), n);
    ck_ok(cxm_pls_result_quality(dst, n, r, q));
}

/* By hand: equal weights w = 1/√(2 + 2·2/3) = √0.3; loadings (1 + 2/3)·w =
 * √(5/6); α = 2r/(1 + r) = 0.8; ρA = (2w²)²·2w²r / ((2w²)² − 2w⁴) = 0.8;
 * ρC = 4λ²/(4λ² + 2(1 − λ²)) = 10/11; AVE = 5/6; r(X, Y) = 4w²/3 = 0.4 =
 * the path; R² = 0.16, adjusted 1 − 0.84·7/6 = 0.02; f² = 0.16/0.84;
 * indicator VIF 1/(1 − 4/9) = 1.8; HTMT = (1/3)/(2/3) = 0.5; cross-loading
 * of x1 on Y: w·(1/3 + 1/3). */
START_TEST(quality_of_an_exact_two_construct_model)
{
    cxm_pls_result *r = fit_two_by_two(0);
    double v[16];
    const double tol = 1e-12;
    quality(v, 2, r, CXM_PLS_CRONBACH_ALPHA);
    ck_near(v[0], 0.8, tol);
    ck_near(v[1], 0.8, tol);
    quality(v, 2, r, CXM_PLS_RHO_A);
    ck_near(v[0], 0.8, tol);
    quality(v, 2, r, CXM_PLS_RHO_C);
    ck_near(v[1], 10.0 / 11.0, tol);
    quality(v, 2, r, CXM_PLS_AVE);
    ck_near(v[0], 5.0 / 6.0, tol);
    quality(v, 4, r, CXM_PLS_FORNELL_LARCKER);
    ck_near(v[0], sqrt(5.0 / 6.0), tol);
    ck_near(v[1], 0.4, tol);
    ck_near(v[2], 0.4, tol);
    ck_near(v[3], sqrt(5.0 / 6.0), tol);
    quality(v, 4, r, CXM_PLS_HTMT);
    ck_assert(isnan(v[0]) && isnan(v[3]));
    ck_near(v[1], 0.5, tol);
    ck_near(v[2], 0.5, tol);
    quality(v, 8, r, CXM_PLS_CROSS_LOADINGS);
    ck_near(v[0], sqrt(5.0 / 6.0), tol);       /* x1 on X */
    ck_near(v[1], sqrt(0.3) * 2.0 / 3.0, tol); /* x1 on Y */
    ck_near(v[7], sqrt(5.0 / 6.0), tol);       /* y2 on Y */
    quality(v, 4, r, CXM_PLS_INDICATOR_VIF);
    for (int k = 0; k < 4; k++)
        ck_near(v[k], 1.8, tol);
    quality(v, 4, r, CXM_PLS_STRUCTURAL_VIF);
    ck_near(v[1], 1.0, tol); /* a sole predecessor */
    ck_near(v[0] + v[2] + v[3], 0.0, 0);
    quality(v, 4, r, CXM_PLS_F_SQUARED);
    ck_near(v[1], 0.16 / 0.84, tol);
    ck_near(v[0] + v[2] + v[3], 0.0, 0);
    quality(v, 2, r, CXM_PLS_R_SQUARED_ADJUSTED);
    ck_assert(isnan(v[0]));
    ck_near(v[1], 0.02, tol);
    cxm_pls_result_free(r);
}
END_TEST

/* PLSc on the same data recovers the factor model exactly: r(X, Y) =
 * 0.4/√(0.8·0.8) = 0.5, loadings √(2/3), so AVE 2/3, ρC 0.8 and
 * f² = 0.25/0.75; weights (√0.3) and HTMT do not change. */
START_TEST(consistent_pls_on_the_exact_model)
{
    cxm_pls_result *r = fit_two_by_two(1);
    double v[16];
    const double tol = 1e-12;
    ck_ok(cxm_pls_result_get(v, 4, r, CXM_PLS_PATHS));
    ck_near(v[1], 0.5, tol);
    ck_ok(cxm_pls_result_get(v, 2, r, CXM_PLS_R_SQUARED));
    ck_near(v[1], 0.25, tol);
    ck_ok(cxm_pls_result_get(v, 4, r, CXM_PLS_CONSTRUCT_CORRELATIONS));
    ck_near(v[1], 0.5, tol);
    ck_near(v[0], 1.0, 0);
    ck_ok(cxm_pls_result_get(v, 4, r, CXM_PLS_LOADINGS));
    for (int k = 0; k < 4; k++)
        ck_near(v[k], sqrt(2.0 / 3.0), tol);
    ck_ok(cxm_pls_result_get(v, 4, r, CXM_PLS_WEIGHTS));
    ck_near(v[0], sqrt(0.3), tol);
    quality(v, 2, r, CXM_PLS_AVE);
    ck_near(v[0], 2.0 / 3.0, tol);
    quality(v, 2, r, CXM_PLS_RHO_C);
    ck_near(v[1], 0.8, tol);
    quality(v, 2, r, CXM_PLS_RHO_A);
    ck_near(v[1], 0.8, tol);
    quality(v, 4, r, CXM_PLS_F_SQUARED);
    ck_near(v[1], 1.0 / 3.0, tol);
    quality(v, 4, r, CXM_PLS_FORNELL_LARCKER);
    ck_near(v[0], sqrt(2.0 / 3.0), tol);
    ck_near(v[2], 0.5, tol);
    quality(v, 4, r, CXM_PLS_HTMT);
    ck_near(v[1], 0.5, tol);
    char *json = NULL;
    ck_ok(cxm_pls_result_to_json(&json, r));
    ck_assert_ptr_nonnull(strstr(json, "\"consistent\":\ttrue"));
    ck_assert_ptr_nonnull(strstr(json, "\"quality\""));
    ck_assert_ptr_nonnull(strstr(json, "\"fornell_larcker\""));
    ck_assert_ptr_nonnull(strstr(json, "\"htmt\":\t[[null, 0.5"));
    cxm_free(json);
    cxm_pls_result_free(r);
}
END_TEST

/* Conventions: a single item and a Mode B block have ρA = 1; a single item
 * has α = 1, VIF 1 and a monotrait correlation of 1 in HTMT. X (Mode B,
 * x1 and x2 correlate 1/2: α = 2/3, VIF 4/3) → S (a single item). */
START_TEST(single_items_and_mode_b_blocks)
{
    static const int cols[3][6] = { { 1, 2 }, { 1, 3 }, { 1, 4, 5 } };
    static const char *const names[2] = { "X", "S" };
    static const char *const items[3] = { "x1", "x2", "s1" };
    static const size_t sizes[2] = { 2, 1 };
    static const cxm_pls_mode modes[2] = { CXM_PLS_MODE_B, CXM_PLS_MODE_A };
    double x[8 * 3], v[9];
    /* x1, x2 share h1: r = 1/2; s1 shares h1 with both: r = 1/√6. */
    hadamard_items(x, 3, cols);
    cxm_pls_model *m = model_of(names, 2, sizes, items, modes);
    ck_ok(cxm_pls_model_add_path(m, "X", "S"));
    cxm_pls_mode mode = CXM_PLS_MODE_A;
    ck_ok(cxm_pls_model_construct_mode(&mode, m, 0));
    ck_assert_int_eq(mode, CXM_PLS_MODE_B);
    ck_ok(cxm_pls_model_construct_mode(&mode, m, 1));
    ck_assert_int_eq(mode, CXM_PLS_MODE_A);
    ck_fails(cxm_pls_model_construct_mode(&mode, m, 2), CXM_EINVAL,
             "construct 2 does not exist (the model has 2)");
    ck_fails(cxm_pls_model_construct_mode(NULL, m, 0), CXM_EINVAL, "out");
    for (int consistent = 0; consistent <= 1; consistent++) {
        cxm_pls_options o = CXM_PLS_OPTIONS_INIT;
        o.consistent = consistent;
        cxm_pls_result *r = NULL;
        ck_ok(cxm_pls_estimate(&r, m, 8, 3, x, NULL, &o));
        quality(v, 2, r, CXM_PLS_RHO_A);
        ck_near(v[0], 1.0, 0);
        ck_near(v[1], 1.0, 0);
        quality(v, 2, r, CXM_PLS_CRONBACH_ALPHA);
        ck_near(v[0], 2.0 / 3.0, 1e-12); /* 2r/(1 + r), r = 1/2 */
        ck_near(v[1], 1.0, 0);
        quality(v, 3, r, CXM_PLS_INDICATOR_VIF);
        ck_near(v[0], 4.0 / 3.0, 1e-12);
        ck_near(v[2], 1.0, 0);
        quality(v, 2, r, CXM_PLS_AVE);
        ck_near(v[1], 1.0, 1e-12);
        quality(v, 4, r, CXM_PLS_HTMT);
        /* (2/√6)/2 / √(1/2 · 1) */
        ck_near(v[1], 1.0 / sqrt(6.0) / sqrt(0.5), 1e-12);
        /* Nothing to correct: PLSc changes nothing here. */
        ck_ok(cxm_pls_result_get(v, 4, r, CXM_PLS_CONSTRUCT_CORRELATIONS));
        ck_near(v[1], 0.0 + (1.0 / sqrt(6.0)) * 2.0 / sqrt(3.0), 1e-12);
        cxm_pls_result_free(r);
    }
    cxm_pls_model_free(m);
}
END_TEST

/* cxm_pls_model_htmt from a correlation matrix, the same numbers as the
 * result's, and its errors. */
START_TEST(htmt_from_a_correlation_matrix)
{
    cxm_pls_model *m = model_of(xy_names, 2, xy_sizes, xy_items, NULL);
    ck_ok(cxm_pls_model_add_path(m, "X", "Y"));
    double r[16], v[4];
    for (int a = 0; a < 4; a++)
        for (int b = 0; b < 4; b++)
            r[a * 4 + b] = a == b ? 1.0 : (a / 2 == b / 2 ? 2.0 / 3.0 : -1.0 / 3.0);
    ck_ok(cxm_pls_model_htmt(v, 4, m, 4, r));
    ck_near(v[1], 0.5, 1e-15); /* absolute correlations */
    ck_assert(isnan(v[0]) && isnan(v[3]));
    ck_fails(cxm_pls_model_htmt(v, 3, m, 4, r), CXM_EINVAL, "has 4 values, got room for 3");
    ck_fails(cxm_pls_model_htmt(v, 4, m, 3, r), CXM_EINVAL, "model has 4 items");
    ck_fails(cxm_pls_model_htmt(v, 4, NULL, 4, r), CXM_EINVAL, "model");
    ck_fails(cxm_pls_model_htmt(v, 4, m, 4, NULL), CXM_EINVAL, "correlations");
    r[1 * 4 + 2] = 1.5;
    ck_fails(cxm_pls_model_htmt(v, 4, m, 4, r), CXM_EINVAL,
             "correlations[1][2] (items 'x2' and 'y1') is 1.5");
    r[1 * 4 + 2] = NAN;
    ck_fails(cxm_pls_model_htmt(v, 4, m, 4, r), CXM_EINVAL, "is nan, not a correlation");
    r[1 * 4 + 2] = 0.3;
    r[2 * 4 + 3] = r[3 * 4 + 2] = 0.0;
    ck_fails(cxm_pls_model_htmt(v, 4, m, 4, r), CXM_EDOMAIN, "construct 'Y': its items are "
                                                              "uncorrelated");
    cxm_pls_model_free(m);
}
END_TEST

START_TEST(quality_errors)
{
    cxm_pls_result *r = fit_two_by_two(0);
    double v[8];
    ck_assert_uint_eq(cxm_pls_result_quality_size(NULL, CXM_PLS_HTMT), 0);
    ck_assert_uint_eq(cxm_pls_result_quality_size(r, (cxm_pls_quality)11), 0);
    ck_fails(cxm_pls_result_quality(v, 4, r, (cxm_pls_quality)11), CXM_EINVAL,
             "quality criterion 11 does not exist");
    ck_fails(cxm_pls_result_quality(v, 3, r, CXM_PLS_HTMT), CXM_EINVAL,
             "has 4 values, got room for 3");
    ck_fails(cxm_pls_result_quality(NULL, 4, r, CXM_PLS_HTMT), CXM_EINVAL, "dst");
    ck_fails(cxm_pls_result_quality(v, 4, NULL, CXM_PLS_HTMT), CXM_EINVAL, "result");
    cxm_pls_result_free(r);

    /* A Mode A block with collinear items: x3 = x1 + x2. */
    static const int cols[4][6] = { { 1, 2 }, { 1, 3 }, { 1, 2, 3, 4 }, { 1, 5 } };
    static const char *const names[2] = { "X", "Y" };
    static const char *const items[4] = { "x1", "x2", "x3", "y1" };
    static const size_t sizes[2] = { 3, 1 };
    double x[8 * 4];
    hadamard_items(x, 4, cols);
    for (int i = 0; i < 8; i++) /* x3 = x1 + x2 exactly */
        x[i * 4 + 2] = x[i * 4] + x[i * 4 + 1];
    cxm_pls_model *m = model_of(names, 2, sizes, items, NULL);
    ck_ok(cxm_pls_model_add_path(m, "X", "Y"));
    ck_ok(cxm_pls_estimate(&r, m, 8, 4, x, NULL, NULL));
    ck_fails(cxm_pls_result_quality(v, 4, r, CXM_PLS_INDICATOR_VIF), CXM_EDOMAIN,
             "construct 'X': its items are collinear ('x3' is a linear combination");
    char *json = NULL;
    ck_ok(cxm_pls_result_to_json(&json, r)); /* an undefined criterion is null there */
    ck_assert_ptr_nonnull(strstr(json, "\"vif\":\tnull"));
    cxm_free(json);
    cxm_pls_result_free(r);
    cxm_pls_model_free(m);
}
END_TEST

/* PLSc refuses what it cannot correct, naming the constructs. */
START_TEST(consistent_pls_errors)
{
    double x[8 * 4];
    cxm_pls_result *r = NULL;
    cxm_pls_options o = CXM_PLS_OPTIONS_INIT;
    o.consistent = 1;
    /* X's items are uncorrelated (ρA = 0), both correlate with Y. */
    static const int zero[4][6] = { { 1, 2 }, { 3, 4 }, { 1, 3, 5 }, { 1, 3, 6 } };
    hadamard_items(x, 4, zero);
    cxm_pls_model *m = model_of(xy_names, 2, xy_sizes, xy_items, NULL);
    ck_ok(cxm_pls_model_add_path(m, "X", "Y"));
    ck_fails(cxm_pls_estimate(&r, m, 8, 4, x, NULL, &o), CXM_EDOMAIN,
             "consistent PLS: construct 'X' has rho_A = 0");
    ck_assert_ptr_null(r);
    /* ρA,X = 2/3, but Y (single item y1 = 2h1 + h2 + h3 + h4) correlates 6/√42 with X's
     * composite: corrected 6/√42/√(2/3) > 1. */
    static const int beyond[3][6] = { { 1, 2 }, { 1, 3 }, { 1, 1, 2, 3, 4 } };
    static const size_t sizes[2] = { 2, 1 };
    static const char *const items[3] = { "x1", "x2", "y1" };
    hadamard_items(x, 3, beyond);
    cxm_pls_model_free(m);
    m = model_of(xy_names, 2, sizes, items, NULL);
    ck_ok(cxm_pls_model_add_path(m, "X", "Y"));
    ck_fails(cxm_pls_estimate(&r, m, 8, 3, x, NULL, &o), CXM_EDOMAIN,
             "the corrected correlation of 'X' and 'Y' is 1.13");
    o.consistent = 2;
    ck_fails(cxm_pls_estimate(&r, m, 8, 3, x, NULL, &o), CXM_EINVAL,
             "consistent must be 0 or 1, got 2");
    /* A caller built against version 1 of the options gets plain PLS. */
    cxm_pls_options v1 = CXM_PLS_OPTIONS_INIT;
    v1.version = 1;
    v1.consistent = 7; /* beyond a version-1 struct: never read */
    ck_ok(cxm_pls_estimate(&r, m, 8, 3, x, NULL, &v1));
    cxm_pls_result_free(r);
    /* Version 2 ends with bca: consistent (version 3) is not read either. */
    cxm_pls_options v2 = CXM_PLS_OPTIONS_INIT;
    v2.version = 2;
    v2.consistent = 7;
    ck_ok(cxm_pls_estimate(&r, m, 8, 3, x, NULL, &v2));
    cxm_pls_result_free(r);
    cxm_pls_model_free(m);
}
END_TEST

START_TEST(consistent_in_model_json)
{
    const char *json = "{\"constructs\": [{\"name\": \"X\", \"items\": [\"x1\", \"x2\"]},"
                       " {\"name\": \"Y\", \"items\": [\"y1\", \"y2\"]}],"
                       " \"paths\": [[\"X\", \"Y\"]], \"estimation\": {\"consistent\": true}}";
    cxm_pls_model *m = NULL;
    ck_ok(cxm_pls_model_from_json(&m, json));
    cxm_pls_options o = CXM_PLS_OPTIONS_INIT;
    ck_ok(cxm_pls_model_options(&o, m));
    ck_assert_int_eq(o.consistent, 1);
    char *text = NULL;
    ck_ok(cxm_pls_model_to_json(&text, m));
    ck_assert_ptr_nonnull(strstr(text, "\"consistent\":\ttrue"));
    cxm_free(text);
    cxm_pls_model_free(m);
    const char *bad = "{\"constructs\": [{\"name\": \"X\", \"items\": [\"x1\"]},"
                      " {\"name\": \"Y\", \"items\": [\"y1\"]}],"
                      " \"paths\": [[\"X\", \"Y\"]], \"estimation\": {\"consistent\": 1}}";
    ck_fails(cxm_pls_model_from_json(&m, bad), CXM_EINVAL,
             "estimation.consistent must be true or false");
}
END_TEST

/* ------------------------------------------------------------------ simulation */

typedef struct test_rng { unsigned long long s; } test_rng;
static double test_uniform(test_rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return ((double)((r->s * 2685821657736338717ULL) >> 11) + 0.5) * 0x1.0p-53;
}
static double test_normal(test_rng *r)
{
    return sqrt(-2 * log(test_uniform(r))) * cos(6.283185307179586 * test_uniform(r));
}

/* A common-factor model (Dijkstra & Henseler 2015, §"Monte Carlo"): standard
 * normal factors X → Y (0.6), X → Z (0.3), Y → Z (0.4); each factor has
 * three items with loadings 0.8, 0.7, 0.6 and unique normal errors. */
enum { SIM_ITEMS = 9 };
static const double sim_loadings[3] = { 0.8, 0.7, 0.6 };

static double *simulate_factors(size_t n, unsigned long long seed)
{
    double *x = malloc(n * SIM_ITEMS * sizeof *x);
    test_rng rng = { seed };
    const double b_xy = 0.6, b_xz = 0.3, b_yz = 0.4;
    double explained = b_xz * b_xz + b_yz * b_yz + 2 * b_xz * b_yz * b_xy;
    for (size_t i = 0; i < n; i++) {
        double f[3];
        f[0] = test_normal(&rng);
        f[1] = b_xy * f[0] + sqrt(1 - b_xy * b_xy) * test_normal(&rng);
        f[2] = b_xz * f[0] + b_yz * f[1] + sqrt(1 - explained) * test_normal(&rng);
        for (int j = 0; j < 3; j++)
            for (int k = 0; k < 3; k++) {
                double l = sim_loadings[k];
                x[i * SIM_ITEMS + 3 * j + k] = l * f[j] + sqrt(1 - l * l) * test_normal(&rng);
            }
    }
    return x;
}

static cxm_pls_model *factor_model(void)
{
    static const char *const names[3] = { "X", "Y", "Z" };
    static const char *const items[9] = { "x1", "x2", "x3", "y1", "y2", "y3", "z1", "z2", "z3" };
    static const size_t sizes[3] = { 3, 3, 3 };
    cxm_pls_model *m = model_of(names, 3, sizes, items, NULL);
    ck_ok(cxm_pls_model_add_path(m, "X", "Y"));
    ck_ok(cxm_pls_model_add_path(m, "X", "Z"));
    ck_ok(cxm_pls_model_add_path(m, "Y", "Z"));
    return m;
}

/* Plain PLS paths are attenuated, beyond four bootstrap standard errors of
 * the truth; PLSc paths and loadings are within four. */
START_TEST(consistent_pls_recovers_a_factor_model)
{
    size_t n = 20000;
    double *x = simulate_factors(n, 20150601ULL);
    cxm_pls_model *m = factor_model();
    static const size_t at[3] = { 0 * 3 + 1, 0 * 3 + 2, 1 * 3 + 2 };
    static const double truth[3] = { 0.6, 0.3, 0.4 };
    for (int consistent = 0; consistent <= 1; consistent++) {
        cxm_pls_options o = CXM_PLS_OPTIONS_INIT;
        o.consistent = consistent;
        o.bootstrap = 200;
        o.seed = 7;
        cxm_pls_result *r = NULL;
        ck_ok(cxm_pls_estimate(&r, m, n, SIM_ITEMS, x, NULL, &o));
        cxm_pls_info info;
        ck_ok(cxm_pls_result_info(&info, r));
        ck_assert_uint_eq(info.resamples, 200);
        double paths[9], se[9], loadings[9], lse[9];
        ck_ok(cxm_pls_result_get(paths, 9, r, CXM_PLS_PATHS));
        ck_ok(cxm_pls_result_bootstrap(se, 9, r, CXM_PLS_PATHS, CXM_PLS_BOOT_STD_ERROR));
        ck_ok(cxm_pls_result_get(loadings, 9, r, CXM_PLS_LOADINGS));
        ck_ok(cxm_pls_result_bootstrap(lse, 9, r, CXM_PLS_LOADINGS, CXM_PLS_BOOT_STD_ERROR));
        for (int k = 0; k < 3; k++) {
            double z = (paths[at[k]] - truth[k]) / se[at[k]];
            ck_assert_msg(consistent ? fabs(z) < 4 : z < -4,
                          "%s: path %d = %.4f (se %.4f), truth %.1f", consistent ? "PLSc" : "PLS",
                          k, paths[at[k]], se[at[k]], truth[k]);
        }
        for (int h = 0; consistent && h < 9; h++)
            ck_assert_msg(fabs(loadings[h] - sim_loadings[h % 3]) < 4 * lse[h],
                          "PLSc loading %d = %.4f (se %.4f), truth %.1f", h, loadings[h], lse[h],
                          sim_loadings[h % 3]);
        cxm_pls_result_free(r);
    }
    cxm_pls_model_free(m);
    free(x);
}
END_TEST

/* With two predecessors the structural VIF is 1/(1 − r12²) and f² of a
 * predecessor is (R² − r(other, Z)²)/(1 − R²), from the estimate's own
 * construct correlations and R². */
START_TEST(structural_vif_and_f_squared_with_two_predecessors)
{
    size_t n = 2000;
    double *x = simulate_factors(n, 3);
    cxm_pls_model *m = factor_model();
    for (int consistent = 0; consistent <= 1; consistent++) {
        cxm_pls_options o = CXM_PLS_OPTIONS_INIT;
        o.consistent = consistent;
        cxm_pls_result *r = NULL;
        ck_ok(cxm_pls_estimate(&r, m, n, SIM_ITEMS, x, NULL, &o));
        double cor[9], r2[3], vif[9], f2[9], adj[3];
        ck_ok(cxm_pls_result_get(cor, 9, r, CXM_PLS_CONSTRUCT_CORRELATIONS));
        ck_ok(cxm_pls_result_get(r2, 3, r, CXM_PLS_R_SQUARED));
        quality(vif, 9, r, CXM_PLS_STRUCTURAL_VIF);
        quality(f2, 9, r, CXM_PLS_F_SQUARED);
        quality(adj, 3, r, CXM_PLS_R_SQUARED_ADJUSTED);
        double r12 = cor[0 * 3 + 1];
        ck_near(vif[0 * 3 + 2], 1 / (1 - r12 * r12), 1e-12);
        ck_near(vif[1 * 3 + 2], 1 / (1 - r12 * r12), 1e-12);
        ck_near(vif[0 * 3 + 1], 1.0, 1e-15);
        ck_near(f2[0 * 3 + 2], (r2[2] - cor[1 * 3 + 2] * cor[1 * 3 + 2]) / (1 - r2[2]), 1e-12);
        ck_near(f2[1 * 3 + 2], (r2[2] - cor[0 * 3 + 2] * cor[0 * 3 + 2]) / (1 - r2[2]), 1e-12);
        ck_near(f2[0 * 3 + 1], r2[1] / (1 - r2[1]), 1e-12);
        ck_near(adj[2], 1 - (1 - r2[2]) * (double)(n - 1) / (double)(n - 3), 1e-12);
        ck_near(adj[1], 1 - (1 - r2[1]) * (double)(n - 1) / (double)(n - 2), 1e-12);
        cxm_pls_result_free(r);
    }
    cxm_pls_model_free(m);
    free(x);
}
END_TEST

/* ------------------------------------------------------------------ bootstrap HTMT */

/* Ten respondents whose resamples can be told apart: two code items hold
 * 11^k in row k (k < 5: item a, else b; 0 elsewhere), so a resample's
 * means of a and b are Σ count_k·11^k / 10, whose base-11 digits are the
 * counts (each at most 10). Items x1-x3 and y1-y3 are simulated. */
enum { HB_ROWS = 10, HB_ITEMS = 8, HB_RESAMPLES = 200 };

static void htmt_boot_data(double *x)
{
    double *sim = simulate_factors(HB_ROWS, 99);
    for (int i = 0; i < HB_ROWS; i++) {
        for (int k = 0; k < 6; k++)
            x[i * HB_ITEMS + k] = sim[i * SIM_ITEMS + k];
        x[i * HB_ITEMS + 6] = i < 5 ? pow(11, i) : 0;
        x[i * HB_ITEMS + 7] = i < 5 ? 0 : pow(11, i - 5);
    }
    free(sim);
}

/* The counts of a resample from its means of the code items. */
static void htmt_boot_counts(double *count, const double *means)
{
    for (int code = 0; code < 2; code++) {
        long long sum = llround(means[6 + code] * HB_ROWS);
        for (int k = 0; k < 5; k++, sum /= 11)
            count[5 * code + k] = (double)(sum % 11);
    }
}

/* Correlations of the data with row i repeated count[i] times. */
static void weighted_correlations(double *r, const double *x, const double *count)
{
    double mean[HB_ITEMS] = { 0 }, total = 0;
    for (int i = 0; i < HB_ROWS; i++) {
        total += count[i];
        for (int a = 0; a < HB_ITEMS; a++)
            mean[a] += count[i] * x[i * HB_ITEMS + a];
    }
    for (int a = 0; a < HB_ITEMS; a++)
        mean[a] /= total;
    for (int a = 0; a < HB_ITEMS; a++)
        for (int b = 0; b < HB_ITEMS; b++) {
            double s = 0;
            for (int i = 0; i < HB_ROWS; i++)
                s += count[i] * (x[i * HB_ITEMS + a] - mean[a]) * (x[i * HB_ITEMS + b] - mean[b]);
            r[a * HB_ITEMS + b] = s;
        }
    double sd[HB_ITEMS];
    for (int a = 0; a < HB_ITEMS; a++)
        sd[a] = sqrt(r[a * HB_ITEMS + a]);
    for (int a = 0; a < HB_ITEMS; a++)
        for (int b = 0; b < HB_ITEMS; b++)
            r[a * HB_ITEMS + b] = a == b ? 1.0 : r[a * HB_ITEMS + b] / (sd[a] * sd[b]);
}

/* Every resample's HTMT (CXM_PLS_HETEROTRAIT_MONOTRAIT) is
 * cxm_pls_model_htmt() of that resample's item correlations, and its
 * statistics exist like any quantity's (BCa included). */
START_TEST(bootstrap_htmt_is_each_resamples_htmt)
{
    static const char *const names[3] = { "X", "Y", "Code" };
    static const char *const items[HB_ITEMS] = { "x1", "x2", "x3", "y1", "y2", "y3", "a", "b" };
    static const size_t sizes[3] = { 3, 3, 2 };
    double x[HB_ROWS * HB_ITEMS];
    htmt_boot_data(x);
    cxm_pls_model *m = model_of(names, 3, sizes, items, NULL);
    ck_ok(cxm_pls_model_add_path(m, "X", "Y"));
    ck_ok(cxm_pls_model_add_path(m, "Code", "Y"));
    cxm_pls_options o = CXM_PLS_OPTIONS_INIT;
    o.bootstrap = HB_RESAMPLES;
    o.seed = 5;
    o.bca = 1;
    cxm_pls_result *r = NULL;
    ck_ok(cxm_pls_estimate(&r, m, HB_ROWS, HB_ITEMS, x, NULL, &o));
    cxm_pls_info info;
    ck_ok(cxm_pls_result_info(&info, r));
    ck_assert_uint_gt(info.resamples, HB_RESAMPLES / 2);
    ck_assert_uint_eq(cxm_pls_result_size(r, CXM_PLS_HETEROTRAIT_MONOTRAIT), 9);
    double estimate[9], direct[9];
    ck_ok(cxm_pls_result_get(estimate, 9, r, CXM_PLS_HETEROTRAIT_MONOTRAIT));
    quality(direct, 9, r, CXM_PLS_HTMT);
    size_t b = info.resamples;
    double *htmt = malloc(b * 9 * sizeof *htmt), *means = malloc(b * HB_ITEMS * sizeof *means);
    ck_ok(cxm_pls_result_bootstrap_draws(htmt, b * 9, r, CXM_PLS_HETEROTRAIT_MONOTRAIT));
    ck_ok(cxm_pls_result_bootstrap_draws(means, b * HB_ITEMS, r, CXM_PLS_INDICATOR_MEANS));
    for (int k = 0; k < 9; k++)
        ck_assert(k % 4 == 0 ? isnan(estimate[k]) && isnan(direct[k]) : estimate[k] == direct[k]);
    for (size_t s = 0; s < b; s++) {
        double count[HB_ROWS], total = 0, corr[HB_ITEMS * HB_ITEMS], expect[9];
        htmt_boot_counts(count, means + s * HB_ITEMS);
        for (int i = 0; i < HB_ROWS; i++)
            total += count[i];
        ck_assert_msg(total == HB_ROWS, "resample %zu: the counts add up to %g", s, total);
        weighted_correlations(corr, x, count);
        ck_ok(cxm_pls_model_htmt(expect, 9, m, HB_ITEMS, corr));
        /* The code items' large range costs the library's one-pass moments a
         * few digits (1e-10); x and y do not. */
        for (int k = 0; k < 9; k++)
            ck_assert_msg(k % 4 == 0 ? isnan(htmt[s * 9 + k])
                                     : fabs(htmt[s * 9 + k] - expect[k]) <
                                           (k == 1 || k == 3 ? 1e-13 : 1e-8),
                          "resample %zu, value %d: %.15g, expected %.15g", s, k, htmt[s * 9 + k],
                          expect[k]);
    }
    double lo[9], hi[9], bca_lo[9], bca_hi[9];
    ck_ok(cxm_pls_result_bootstrap(lo, 9, r, CXM_PLS_HETEROTRAIT_MONOTRAIT, CXM_PLS_BOOT_LOWER));
    ck_ok(cxm_pls_result_bootstrap(hi, 9, r, CXM_PLS_HETEROTRAIT_MONOTRAIT, CXM_PLS_BOOT_UPPER));
    ck_ok(cxm_pls_result_bootstrap(bca_lo, 9, r, CXM_PLS_HETEROTRAIT_MONOTRAIT,
                                   CXM_PLS_BOOT_BCA_LOWER));
    ck_ok(cxm_pls_result_bootstrap(bca_hi, 9, r, CXM_PLS_HETEROTRAIT_MONOTRAIT,
                                   CXM_PLS_BOOT_BCA_UPPER));
    for (int k = 0; k < 9; k++) {
        if (k % 4 == 0) /* the diagonal */
            continue;
        ck_assert(lo[k] >= 0 && lo[k] < hi[k] && isfinite(hi[k]));
        ck_assert(bca_lo[k] >= 0 && bca_lo[k] < bca_hi[k] && isfinite(bca_hi[k]));
    }
    ck_assert(isnan(lo[0]) && isnan(hi[4]));
    char *json = NULL;
    ck_ok(cxm_pls_result_to_json(&json, r));
    ck_assert_ptr_nonnull(strstr(json, "\"htmt_intervals\""));
    cxm_free(json);
    free(htmt);
    free(means);
    cxm_pls_result_free(r);
    cxm_pls_model_free(m);
}
END_TEST

/* A block whose items are uncorrelated has no HTMT: the estimate still
 * stands, with NaN for that quantity (cxm_pls_result_quality() says why). */
START_TEST(undefined_htmt_does_not_fail_the_estimate)
{
    double x[8 * 3];
    static const int cols[3][6] = { { 1, 2 }, { 3, 4 }, { 1, 3, 5 } };
    hadamard_items(x, 3, cols);
    static const size_t sizes[2] = { 2, 1 };
    static const char *const items[3] = { "x1", "x2", "y1" };
    cxm_pls_model *m = model_of(xy_names, 2, sizes, items, NULL);
    ck_ok(cxm_pls_model_add_path(m, "X", "Y"));
    cxm_pls_result *r = NULL;
    ck_ok(cxm_pls_estimate(&r, m, 8, 3, x, NULL, NULL));
    double v[4];
    ck_ok(cxm_pls_result_get(v, 4, r, CXM_PLS_HETEROTRAIT_MONOTRAIT));
    for (int k = 0; k < 4; k++)
        ck_assert(isnan(v[k]));
    ck_fails(cxm_pls_result_quality(v, 4, r, CXM_PLS_HTMT), CXM_EDOMAIN, "'X'");
    ck_fails(cxm_pls_result_bootstrap(v, 4, r, CXM_PLS_HETEROTRAIT_MONOTRAIT, CXM_PLS_BOOT_LOWER),
             CXM_ESTATE, "no bootstrap resamples");
    cxm_pls_result_free(r);
    cxm_pls_model_free(m);
}
END_TEST

/* ------------------------------------------------------------------ out of memory */

typedef struct quality_chaos {
    const double *x;
    size_t n;
    double r[SIM_ITEMS * SIM_ITEMS]; /* items correlate 0.5 within blocks, 0.25 across */
} quality_chaos;

static int quality_scenario(void *context)
{
    const quality_chaos *q = context;
    cxm_pls_model *m = NULL;
    cxm_pls_result *r = NULL;
    cxm_pls_options o = CXM_PLS_OPTIONS_INIT;
    o.consistent = 1;
    double v[81];
    char *json = NULL;
    static const char *const names[3] = { "X", "Y", "Z" };
    int status = cxm_pls_model_create(&m);
    for (int j = 0; status == CXM_OK && j < 3; j++) {
        status = cxm_pls_model_add_construct(m, names[j], CXM_PLS_MODE_A);
        for (int k = 0; status == CXM_OK && k < 3; k++) {
            char item[4] = { (char)('x' + j), (char)('1' + k), 0 };
            status = cxm_pls_model_add_item(m, names[j], item);
        }
    }
    if (status == CXM_OK)
        status = cxm_pls_model_add_path(m, "X", "Y");
    if (status == CXM_OK)
        status = cxm_pls_model_add_path(m, "Y", "Z");
    if (status == CXM_OK)
        status = cxm_pls_estimate(&r, m, q->n, SIM_ITEMS, q->x, NULL, &o);
    for (int k = 0; status == CXM_OK && k <= CXM_PLS_R_SQUARED_ADJUSTED; k++)
        status = cxm_pls_result_quality(v, cxm_pls_result_quality_size(r, (cxm_pls_quality)k), r,
                                        (cxm_pls_quality)k);
    if (status == CXM_OK)
        status = cxm_pls_model_htmt(v, 9, m, SIM_ITEMS, q->r);
    if (status == CXM_OK)
        status = cxm_pls_result_to_json(&json, r);
    cxm_free(json);
    cxm_pls_result_free(r);
    cxm_pls_model_free(m);
    return status;
}

START_TEST(quality_out_of_memory)
{
    size_t n = 100;
    double *x = simulate_factors(n, 11);
    quality_chaos context = { x, n, { 0 } };
    for (int a = 0; a < SIM_ITEMS; a++)
        for (int b = 0; b < SIM_ITEMS; b++)
            context.r[a * SIM_ITEMS + b] = a == b ? 1.0 : a / 3 == b / 3 ? 0.5 : 0.25;
    ck_assert_int_gt(chaos_run(quality_scenario, &context, "pls quality"), 0);
    free(x);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pls quality");
    TCase *tc = tcase_create("exact");
    tcase_add_test(tc, quality_of_an_exact_two_construct_model);
    tcase_add_test(tc, consistent_pls_on_the_exact_model);
    tcase_add_test(tc, single_items_and_mode_b_blocks);
    tcase_add_test(tc, htmt_from_a_correlation_matrix);
    tcase_add_test(tc, quality_errors);
    tcase_add_test(tc, consistent_pls_errors);
    tcase_add_test(tc, consistent_in_model_json);
    tcase_add_test(tc, undefined_htmt_does_not_fail_the_estimate);
    suite_add_tcase(s, tc);
    tc = tcase_create("simulated");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, consistent_pls_recovers_a_factor_model);
    tcase_add_test(tc, structural_vif_and_f_squared_with_two_predecessors);
    tcase_add_test(tc, bootstrap_htmt_is_each_resamples_htmt);
    tcase_add_test(tc, quality_out_of_memory);
    suite_add_tcase(s, tc);
    return cxm_check_run(s);
}
