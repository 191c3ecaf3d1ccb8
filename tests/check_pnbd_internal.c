/* Internals of issue 5's kinds: analytic gradients and Hessians of the
 * Pareto/NBD, BG/BB and sBG log-likelihoods against central differences
 * (including Pareto/NBD's quadratures for very unequal alpha and beta),
 * and e^z E_s(z) against mpmath. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "clv/model_internal.h"
#include "core/internal.h"
#include "numeric/expint.h"
#include "ref/pnbd_reference.h"

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* Evaluate kind's log-likelihood (order 2) on rows given column-wise. */
static void evaluate(const cxm__kind *kind, const double *params, size_t n, double *const *cols,
                     int order, double *acc)
{
    cxm__data data;
    memset(&data, 0, sizeof data);
    data.n = n;
    for (size_t c = 0; c < kind->ncolumns; c++)
        data.column[c] = cols[c];
    data.total_weight = (double)n;
    static uint32_t group[256];
    double values[256];
    size_t ngroups = 0;
    ck_assert(n <= 256);
    for (size_t i = 0; i < n; i++) {
        double v = cols[kind->group_column][i];
        size_t g;
        for (g = 0; g < ngroups; g++)
            if (values[g] == v)
                break;
        if (g == ngroups)
            values[ngroups++] = v;
        group[i] = (uint32_t)g;
    }
    data.group = group;
    data.group_value = values;
    data.ngroups = ngroups;
    /* As the engine does: the group table, then the kind's row cache. */
    size_t width = ngroups * kind->table_width;
    size_t aux = kind->aux_size ? kind->aux_size(&data) : 0;
    ck_assert(aux != (size_t)-1);
    double *table = malloc((width + aux) * sizeof *table + 1);
    ck_assert_ptr_nonnull(table);
    if (aux)
        ck_assert_int_eq(kind->aux_index(&data, table + width), CXM_OK);
    kind->fill_table(params, values, ngroups, table);
    if (kind->aux_fill)
        kind->aux_fill(params, &data, table + width, order);
    size_t p = kind->nparams;
    memset(acc, 0, (1 + p + p * p) * sizeof *acc);
    kind->loglik(params, &data, table, 0, n, order, acc);
    free(table);
}

static void check_derivatives(const cxm__kind *kind, const double *params, size_t n,
                              double *const *cols, const char *label)
{
    size_t p = kind->nparams;
    double acc[1 + 8 + 64], plus[1 + 8 + 64], minus[1 + 8 + 64], shifted[8];
    evaluate(kind, params, n, cols, 2, acc);
    ck_assert_msg(isfinite(acc[0]), "%s: ln L %g", label, acc[0]);
    for (size_t j = 0; j < p; j++) {
        double h = 1e-5 * params[j];
        memcpy(shifted, params, p * sizeof *shifted);
        shifted[j] = params[j] + h;
        evaluate(kind, shifted, n, cols, 1, plus);
        shifted[j] = params[j] - h;
        evaluate(kind, shifted, n, cols, 1, minus);
        double g = (plus[0] - minus[0]) / (2 * h);
        double scale = fabs(acc[1 + j]) + fabs(acc[0]) / params[j] * 1e-3 + 1e-8;
        ck_assert_msg(fabs(g - acc[1 + j]) <= 2e-6 * scale, "%s: d/d%s %.12g vs %.12g", label,
                      kind->param_names[j], acc[1 + j], g);
        for (size_t k = 0; k < p; k++) {
            double hk = (plus[1 + k] - minus[1 + k]) / (2 * h);
            double a = acc[1 + p + j * p + k];
            double sc = fabs(a) + (fabs(acc[1 + k]) + fabs(acc[1 + j])) / params[j] * 1e-2 +
                        fabs(acc[0]) / (params[j] * params[k]) * 1e-4 + 1e-6;
            ck_assert_msg(fabs(hk - a) <= 2e-5 * sc, "%s: d2/d%s d%s %.12g vs %.12g", label,
                          kind->param_names[j], kind->param_names[k], a, hk);
        }
    }
}

START_TEST(pareto_nbd_derivatives)
{
    const cxm__kind *kind = cxm__kind_of(CXM_MODEL_PARETO_NBD);
    ck_assert_ptr_nonnull(kind);
    double x[8] = { 0, 1, 2, 221, 5, 0, 40, 3 };
    double tx[8] = { 0, 1.71, 30.43, 103.4, 0.01, 0, 90, 2 };
    double T[8] = { 38.86, 38.86, 38.86, 103.6, 50, 3, 100, 2 };
    double *cols[3] = { x, tx, T };
    static const double params[][4] = {
        { 0.553, 10.578, 0.606, 11.669 }, /* CDNOW */
        { 2.0, 3.0, 0.5, 40.0 },          /* alpha < beta */
        { 0.8, 500.0, 1.2, 2.0 },         /* y close to 1 for small t: quadrature */
        { 0.3, 0.05, 3.0, 20.0 },
        { 5.0, 1.0, 1.0, 1.0 },           /* alpha = beta, s = 1 */
        { 0.8, 3.0, 2e4, 5e4 },           /* y near 1, large s: S by quadrature */
        { 0.97, 3.3, 1.3e7, 4.9e8 },      /* s, beta heading for infinity */
        { 2.7e7, 8.4e7, 0.99, 1.7e9 },    /* r, alpha and beta heading for infinity */
        { 0.3, 1e4, 0.2, 0.5 },           /* y near 1, P + Q near 1: the line rule */
    };
    char label[64];
    for (size_t i = 0; i < COUNT(params); i++) {
        snprintf(label, sizeof label, "Pareto/NBD set %zu", i);
        check_derivatives(kind, params[i], 8, cols, label);
    }
}
END_TEST

START_TEST(row_cache_matches_direct_evaluation)
{
    /* 200 rows sharing (x, T) and (x, t_x) pairs, so that both caches are used; the
     * cached sums (value, gradient, Hessian) must equal row-by-row evaluations,
     * which are below the cache's 64-row threshold. */
    const cxm__kind *kind = cxm__kind_of(CXM_MODEL_PARETO_NBD);
    enum { N = 200 };
    static double x[N], tx[N], T[N];
    for (int i = 0; i < N; i++) {
        x[i] = i % 4;
        T[i] = 30 + (i % 5);
        tx[i] = x[i] == 0 ? 0 : (double)(i % 3) + 1;
    }
    double *cols[3] = { x, tx, T };
    static const double params[4] = { 0.553, 10.578, 0.606, 11.669 };
    double all[1 + 4 + 16], one[1 + 4 + 16], sum[1 + 4 + 16] = { 0 };
    evaluate(kind, params, N, cols, 2, all);
    for (int i = 0; i < N; i++) {
        double *c1[3] = { &x[i], &tx[i], &T[i] };
        evaluate(kind, params, 1, c1, 2, one);
        for (int k = 0; k < 21; k++)
            sum[k] += one[k];
    }
    for (int k = 0; k < 21; k++)
        ck_assert_msg(fabs(all[k] - sum[k]) <= 1e-12 * (1 + fabs(sum[k])), "acc[%d] %.17g vs %.17g",
                      k, all[k], sum[k]);
}
END_TEST

START_TEST(bgbb_and_sbg_derivatives)
{
    const cxm__kind *bgbb = cxm__kind_of(CXM_MODEL_BGBB), *sbg = cxm__kind_of(CXM_MODEL_SBG);
    double x[6] = { 0, 1, 3, 6, 2, 30 }, tx[6] = { 0, 1, 5, 6, 2, 80 }, n[6] = { 6, 6, 6, 6, 10, 100 };
    double *cols[3] = { x, tx, n };
    static const double bp[][4] = { { 1.204, 0.750, 0.657, 2.783 }, { 0.2, 5, 3, 0.4 } };
    check_derivatives(bgbb, bp[0], 6, cols, "BG/BB set 0");
    check_derivatives(bgbb, bp[1], 6, cols, "BG/BB set 1");
    double periods[5] = { 1, 2, 7, 7, 0 }, active[5] = { 0, 0, 0, 1, 1 };
    double *scols[2] = { periods, active };
    static const double sp[2] = { 0.704, 1.182 };
    check_derivatives(sbg, sp, 5, scols, "sBG");
}
END_TEST

START_TEST(expint_matches_mpmath)
{
    double worst = 0;
    for (size_t i = 0; i < COUNT(expint_ref); i++) {
        double s = expint_ref[i][0], z = expint_ref[i][1], want = expint_ref[i][2];
        double got = cxm__expint_scaled_any(s, z);
        double err = fabs(got - want) / want;
        ck_assert_msg(err <= 2e-14, "e^z E_%g(%g) = %.17g, mpmath %.17g", s, z, got, want);
        worst = fmax(worst, err);
    }
    fprintf(stderr, "e^z E_s(z): worst relative error %.2g over %zu values\n", worst,
            COUNT(expint_ref));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ltv2-internal");
    TCase *tc = tcase_create("ltv2-internal");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, pareto_nbd_derivatives);
    tcase_add_test(tc, row_cache_matches_direct_evaluation);
    tcase_add_test(tc, bgbb_and_sbg_derivatives);
    tcase_add_test(tc, expint_matches_mpmath);
    suite_add_tcase(s, tc);
    return cxm_check_run(s);
}
