/* Small dense linear algebra, row-major n×n or rows×cols, for Hessians,
 * regressions and Markov chains. Failures return a status with a message. */
#ifndef CXM_NUMERIC_LINALG_H
#define CXM_NUMERIC_LINALG_H

#include <stddef.h>

/* Cholesky factor A = L·Lᵀ in place (lower triangle; the upper is zeroed).
 * CXM_EDOMAIN when A is not positive definite. */
int cxm__cholesky(double *a, size_t n);
/* The same for a matrix that may be singular to working precision (a
 * covariance of collinear variables): a pivot at most rtol times its
 * diagonal element stops the factorisation with CXM_EDOMAIN. Then *column
 * is the first column that depends on the ones before it and, when coef is
 * not NULL (n doubles), coef[0..*column-1] its coefficients: A[<j][j] =
 * A[<j][<j]·coef, i.e. variable j ≈ Σ coef[k]·variable k. */
int cxm__cholesky_rank(double *a, size_t n, double rtol, size_t *column, double *coef);
/* Solve L·Lᵀ·x = b in place, with L from cxm__cholesky. */
void cxm__cholesky_solve(const double *l, size_t n, double *b);
/* Invert a symmetric positive definite matrix in place. CXM_EDOMAIN if it is not SPD. */
int cxm__spd_invert(double *a, size_t n);

/* LU with partial pivoting in place; perm receives the row order.
 * CXM_EDOMAIN when A is singular to working precision. */
int cxm__lu_factor(double *a, size_t n, size_t *perm);
/* Solve A·x = b in place with the factors of cxm__lu_factor; work holds n doubles. */
void cxm__lu_solve(const double *lu, size_t n, const size_t *perm, double *b, double *work);
/* Solve A·X = B for nrhs right-hand sides (B is n×nrhs, row-major); A is overwritten. */
int cxm__solve(double *a, size_t n, double *b, size_t nrhs);
/* Invert a general matrix in place. */
int cxm__invert(double *a, size_t n);

/* Least squares min ||X·β − y|| by Householder QR: X is rows×cols
 * (rows >= cols), neither X nor y is modified. CXM_EDOMAIN when X is rank
 * deficient. */
int cxm__least_squares(double *beta, const double *x, size_t rows, size_t cols, const double *y);

#endif
