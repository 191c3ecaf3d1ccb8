/* Unconstrained minimisation of smooth functions of a few variables.
 *
 * Newton's method with an analytic Hessian (when the objective provides one)
 * or BFGS, both with a backtracking Armijo line search. Constraints are the
 * caller's business: optimise ln θ for θ > 0 (lib/clv/model.c does).
 *
 * Why Newton first: for the likelihoods of lib/clv one pass over the data
 * computes value, gradient and Hessian for little more than the value alone
 * (the Hessian is arithmetic on the quantities the value needs), Newton
 * converges quadratically, so a fit costs 5–10 passes where L-BFGS needs
 * 30–100, and the Hessian at the optimum gives the standard errors for free.
 * Far from the optimum the Hessian may be indefinite: it is shifted by a
 * multiple of the identity until its Cholesky factor exists (a
 * Levenberg–Marquardt step), so every step is a descent direction. */
#ifndef CXM_NUMERIC_OPTIM_H
#define CXM_NUMERIC_OPTIM_H

#include <stddef.h>
#include <stdint.h>

enum { CXM__OPTIM_MAX_DIM = 32 };

/* The objective at x: *f always; grad (n values) when not NULL; hess (n×n,
 * row-major) when not NULL. A non-finite *f means "outside the domain" and
 * makes the line search step back. Any status other than CXM_OK aborts the
 * minimisation with that status. */
typedef int (*cxm__objective_fn)(void *context, const double *x, double *f, double *grad,
                                 double *hess);

typedef enum cxm__optim_reason {
    CXM__OPTIM_CONVERGED = 1,
    CXM__OPTIM_MAX_ITERATIONS = 2,
    CXM__OPTIM_DIVERGED = 3,
    CXM__OPTIM_NOT_FINITE = 4,
    CXM__OPTIM_NO_PROGRESS = 5
} cxm__optim_reason;

typedef struct cxm__optim_options {
    unsigned max_iterations;   /* 0: 100 */
    double gradient_tolerance; /* converged when max |grad_i| <= this; 0: 1e-9 */
    double max_step;           /* largest change of a coordinate per iteration; 0: 5 */
    double bound;              /* |x_i| > bound counts as divergence; 0: none */
    int use_hessian;           /* Newton (the objective fills hess) or BFGS */
    uint32_t unbounded;        /* bit i: x_i has no divergence bound (the objective limits it) */
} cxm__optim_options;

typedef struct cxm__optim_result {
    cxm__optim_reason reason;
    unsigned iterations;
    unsigned evaluations;
    double f;
    double gradient_norm;      /* max |grad_i| */
    size_t diverged_index;     /* the coordinate beyond the bound, for DIVERGED */
} cxm__optim_result;

/* Minimise from x (updated in place to the last accepted point). Returns
 * CXM_OK when converged; CXM_ECONVERGE with a message and result->reason
 * otherwise; or the objective's failure status. */
int cxm__minimize(cxm__objective_fn fn, void *context, double *x, size_t n,
                  const cxm__optim_options *options, cxm__optim_result *result);

#endif
