#include "config.h"

#include <math.h>
#include <string.h>

#include "core/internal.h"
#include "numeric/linalg.h"

int cxm__cholesky(double *a, size_t n)
{
    size_t column;
    return cxm__cholesky_rank(a, n, 0.0, &column, NULL);
}

/* The pivot of column j is a_jj·(1 − R²_j), R²_j the squared multiple
 * correlation of column j with the columns before it: comparing it with
 * rtol·a_jj finds a column that is a linear combination of the earlier ones
 * even when rounding leaves a tiny positive pivot. */
int cxm__cholesky_rank(double *a, size_t n, double rtol, size_t *column, double *coef)
{
    for (size_t j = 0; j < n; j++) {
        double diagonal = a[j * n + j];
        double d = diagonal;
        for (size_t k = 0; k < j; k++)
            d -= a[j * n + k] * a[j * n + k];
        if (!(d > 0.0) || !isfinite(d) || !(d > rtol * diagonal)) {
            *column = j;
            /* Lᵀ_{<j}·c = L[j][<j] gives A_{<j,<j}·c = A_{<j,j}. */
            for (size_t i = j; coef != NULL && i-- > 0;) {
                double s = a[j * n + i];
                for (size_t k = i + 1; k < j; k++)
                    s -= a[k * n + i] * coef[k];
                coef[i] = s / a[i * n + i];
            }
            return cxm__fail(CXM_EDOMAIN, "matrix is not positive definite (pivot %zu is %g)", j,
                             d);
        }
        double root = sqrt(d);
        a[j * n + j] = root;
        for (size_t i = j + 1; i < n; i++) {
            double s = a[i * n + j];
            for (size_t k = 0; k < j; k++)
                s -= a[i * n + k] * a[j * n + k];
            a[i * n + j] = s / root;
        }
        for (size_t k = j + 1; k < n; k++)
            a[j * n + k] = 0.0;
    }
    return CXM_OK;
}

void cxm__cholesky_solve(const double *l, size_t n, double *b)
{
    for (size_t i = 0; i < n; i++) {
        double s = b[i];
        for (size_t k = 0; k < i; k++)
            s -= l[i * n + k] * b[k];
        b[i] = s / l[i * n + i];
    }
    for (size_t i = n; i-- > 0;) {
        double s = b[i];
        for (size_t k = i + 1; k < n; k++)
            s -= l[k * n + i] * b[k];
        b[i] = s / l[i * n + i];
    }
}

int cxm__spd_invert(double *a, size_t n)
{
    double *l = cxm__malloc(n * n * sizeof *l + n * sizeof *l);
    if (l == NULL)
        return CXM_ENOMEM;
    double *column = l + n * n;
    memcpy(l, a, n * n * sizeof *l);
    int status = cxm__cholesky(l, n);
    for (size_t j = 0; status == CXM_OK && j < n; j++) {
        for (size_t i = 0; i < n; i++)
            column[i] = i == j ? 1.0 : 0.0;
        cxm__cholesky_solve(l, n, column);
        for (size_t i = 0; i < n; i++)
            a[i * n + j] = column[i];
    }
    cxm__free(l);
    return status;
}

int cxm__lu_factor(double *a, size_t n, size_t *perm)
{
    double scale = 0.0;
    for (size_t i = 0; i < n * n; i++)
        scale = fmax(scale, fabs(a[i]));
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    for (size_t k = 0; k < n; k++) {
        size_t pivot = k;
        for (size_t i = k + 1; i < n; i++)
            if (fabs(a[i * n + k]) > fabs(a[pivot * n + k]))
                pivot = i;
        if (!(fabs(a[pivot * n + k]) > scale * 1e-14 * (double)n))
            return cxm__fail(CXM_EDOMAIN, "matrix is singular to working precision (column %zu)", k);
        if (pivot != k) {
            for (size_t j = 0; j < n; j++) {
                double t = a[k * n + j];
                a[k * n + j] = a[pivot * n + j];
                a[pivot * n + j] = t;
            }
            size_t t = perm[k];
            perm[k] = perm[pivot];
            perm[pivot] = t;
        }
        for (size_t i = k + 1; i < n; i++) {
            double f = a[i * n + k] / a[k * n + k];
            a[i * n + k] = f;
            for (size_t j = k + 1; j < n; j++)
                a[i * n + j] -= f * a[k * n + j];
        }
    }
    return CXM_OK;
}

void cxm__lu_solve(const double *lu, size_t n, const size_t *perm, double *b, double *work)
{
    for (size_t i = 0; i < n; i++)
        work[i] = b[perm[i]];
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < i; k++)
            work[i] -= lu[i * n + k] * work[k];
    for (size_t i = n; i-- > 0;) {
        for (size_t k = i + 1; k < n; k++)
            work[i] -= lu[i * n + k] * work[k];
        work[i] /= lu[i * n + i];
    }
    memcpy(b, work, n * sizeof *b);
}

int cxm__solve(double *a, size_t n, double *b, size_t nrhs)
{
    size_t *perm = cxm__malloc(n * sizeof *perm + 2 * n * sizeof(double));
    if (perm == NULL)
        return CXM_ENOMEM;
    double *column = (double *)(perm + n), *work = column + n;
    int status = cxm__lu_factor(a, n, perm);
    for (size_t r = 0; status == CXM_OK && r < nrhs; r++) {
        for (size_t i = 0; i < n; i++)
            column[i] = b[i * nrhs + r];
        cxm__lu_solve(a, n, perm, column, work);
        for (size_t i = 0; i < n; i++)
            b[i * nrhs + r] = column[i];
    }
    cxm__free(perm);
    return status;
}

int cxm__invert(double *a, size_t n)
{
    double *identity = cxm__calloc(n * n, sizeof *identity);
    if (identity == NULL)
        return CXM_ENOMEM;
    for (size_t i = 0; i < n; i++)
        identity[i * n + i] = 1.0;
    int status = cxm__solve(a, n, identity, n);
    if (status == CXM_OK)
        memcpy(a, identity, n * n * sizeof *a);
    cxm__free(identity);
    return status;
}

int cxm__least_squares(double *beta, const double *x, size_t rows, size_t cols, const double *y)
{
    if (rows < cols)
        return cxm__fail(CXM_EDOMAIN, "least squares needs at least %zu rows, got %zu", cols, rows);
    double *r = cxm__malloc((rows * cols + rows) * sizeof *r);
    if (r == NULL)
        return CXM_ENOMEM;
    double *qty = r + rows * cols;
    memcpy(r, x, rows * cols * sizeof *r);
    memcpy(qty, y, rows * sizeof *qty);
    double scale = 0.0;
    for (size_t i = 0; i < rows * cols; i++)
        scale = fmax(scale, fabs(r[i]));
    int status = CXM_OK;
    for (size_t k = 0; k < cols && status == CXM_OK; k++) {
        double norm = 0.0;
        for (size_t i = k; i < rows; i++)
            norm = hypot(norm, r[i * cols + k]);
        if (!(norm > scale * 1e-13 * (double)rows)) {
            status = cxm__fail(CXM_EDOMAIN,
                               "the regressors are collinear (column %zu depends on the others)", k);
            break;
        }
        double alpha = r[k * cols + k] > 0 ? -norm : norm;
        /* Householder vector v = x − αe₁ stored in column k below the diagonal. */
        r[k * cols + k] -= alpha;
        double vnorm2 = 0.0;
        for (size_t i = k; i < rows; i++)
            vnorm2 += r[i * cols + k] * r[i * cols + k];
        for (size_t j = k + 1; j < cols; j++) {
            double s = 0.0;
            for (size_t i = k; i < rows; i++)
                s += r[i * cols + k] * r[i * cols + j];
            s = 2.0 * s / vnorm2;
            for (size_t i = k; i < rows; i++)
                r[i * cols + j] -= s * r[i * cols + k];
        }
        double s = 0.0;
        for (size_t i = k; i < rows; i++)
            s += r[i * cols + k] * qty[i];
        s = 2.0 * s / vnorm2;
        for (size_t i = k; i < rows; i++)
            qty[i] -= s * r[i * cols + k];
        r[k * cols + k] = alpha;
    }
    if (status == CXM_OK) {
        for (size_t k = cols; k-- > 0;) {
            double s = qty[k];
            for (size_t j = k + 1; j < cols; j++)
                s -= r[k * cols + j] * beta[j];
            beta[k] = s / r[k * cols + k];
        }
    }
    cxm__free(r);
    return status;
}
