/* Consistent PLS (PLSc; Dijkstra & Henseler 2015, "Consistent partial least
 * squares path modeling", MIS Quarterly 39(2), 297-316).
 *
 * Under a common-factor model x = λη + ε a Mode A composite ŵᵀx is an
 * error-laden proxy of η: its correlation with η is √ρA, so correlations
 * of composites understate those of the factors and paths estimated from
 * them are attenuated. With ŵ the weights of a unit-variance score and S
 * the block's correlations, the factor loadings are λ = ĉ·ŵ with
 *
 *     ĉ² = ŵᵀ(S − diag S)ŵ / ŵᵀ(ŵŵᵀ − diag ŵŵᵀ)ŵ,
 *     ρA = (ŵᵀŵ)²·ĉ²,
 *
 * and r(η_i, η_j) = r(ŵ_iᵀx_i, ŵ_jᵀx_j) / √(ρA,i·ρA,j). Composite (Mode B)
 * and single-item constructs are taken as measured without error (ρA = 1).
 * Recursive models then need only least squares on the corrected
 * correlations, which is what pls.c does with them. */
#include "config.h"

#include <math.h>
#include <stdarg.h>

#include "chain/pls_quality.h"
#include "core/internal.h"

double cxm__pls_rho_a(const pls_plan *plan, const double *r, const double *w, size_t j)
{
    size_t first = plan->start[j], last = plan->start[j + 1], p = plan->p;
    if (plan->mode[j] != CXM_PLS_MODE_A || last - first < 2)
        return 1.0;
    double ww = 0, w4 = 0, off = 0;
    for (size_t h = first; h < last; h++) {
        double w2 = w[h] * w[h];
        ww += w2;
        w4 += w2 * w2;
        for (size_t l = first; l < last; l++)
            if (l != h)
                off += w[h] * w[l] * r[plan->item[h] * p + plan->item[l]];
    }
    double denominator = ww * ww - w4;
    /* Zero when at most one weight is non-zero: the block's correlations
     * then say nothing about a common factor. */
    if (!(denominator > 1e-12 * ww * ww))
        return NAN;
    return ww * ww * off / denominator;
}

static int plsc_fail(int quiet, const char *fmt, ...) CXM_PRINTF(2, 3);
static int plsc_fail(int quiet, const char *fmt, ...)
{
    if (!quiet) {
        va_list ap;
        va_start(ap, fmt);
        cxm__vfail(CXM_EDOMAIN, fmt, ap);
        va_end(ap);
    }
    return CXM_EDOMAIN;
}

int cxm__plsc_correct(const pls_plan *plan, const double *r, const double *w, double *g,
                      double *cor, int quiet)
{
    size_t c = plan->c;
    /* ρA waits on the diagonal (which is 1) until every correlation is corrected. */
    for (size_t j = 0; j < c; j++) {
        double rho = cxm__pls_rho_a(plan, r, w, j);
        if (!(rho > 0) || !isfinite(rho))
            return plsc_fail(quiet,
                             "consistent PLS: construct '%s' has rho_A = %g: its items do not "
                             "measure one common factor (estimate it without PLSc, or as Mode B)",
                             plan->names[j], rho);
        cor[j * c + j] = rho;
        double ww = 0;
        for (size_t h = plan->start[j]; h < plan->start[j + 1]; h++)
            ww += w[h] * w[h];
        if (plan->mode[j] == CXM_PLS_MODE_A && plan->start[j + 1] - plan->start[j] > 1)
            for (size_t h = plan->start[j]; h < plan->start[j + 1]; h++)
                g[h * c + j] = sqrt(rho) / ww * w[h];
    }
    for (size_t i = 0; i < c; i++)
        for (size_t j = i + 1; j < c; j++) {
            double v = cor[i * c + j] / sqrt(cor[i * c + i] * cor[j * c + j]);
            if (!(fabs(v) <= 1.0))
                return plsc_fail(quiet,
                                 "consistent PLS: the corrected correlation of '%s' and '%s' is "
                                 "%g, beyond ±1 (an inadmissible solution: too few respondents "
                                 "or items that are not reflective)",
                                 plan->names[i], plan->names[j], v);
            cor[i * c + j] = cor[j * c + i] = v;
        }
    for (size_t j = 0; j < c; j++)
        cor[j * c + j] = 1.0;
    return CXM_OK;
}
