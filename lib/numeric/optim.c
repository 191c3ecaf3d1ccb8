/* Newton and BFGS with a backtracking line search (see optim.h for why). */
#include "config.h"

#include <math.h>
#include <string.h>

#include "core/internal.h"
#include "numeric/linalg.h"
#include "numeric/optim.h"

static double max_abs(const double *v, size_t n)
{
    double m = 0.0;
    for (size_t i = 0; i < n; i++) {
        double a = fabs(v[i]);
        if (!(a <= m))
            m = a; /* NaN propagates */
    }
    return m;
}

static int all_finite(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return 0;
    return 1;
}

/* Solve (H + mu·I)·d = −g with the smallest mu >= 0 (from a doubling
 * sequence) that makes the matrix positive definite. */
static int newton_direction(const double *h, const double *g, size_t n, double *d)
{
    double a[CXM__OPTIM_MAX_DIM * CXM__OPTIM_MAX_DIM];
    double scale = 0.0;
    for (size_t i = 0; i < n; i++)
        scale = fmax(scale, fabs(h[i * n + i]));
    if (!(scale > 0.0) || !isfinite(scale))
        scale = 1.0;
    double mu = 0.0;
    for (int attempt = 0; attempt < 80; attempt++) {
        memcpy(a, h, n * n * sizeof *a);
        for (size_t i = 0; i < n; i++)
            a[i * n + i] += mu;
        if (cxm__cholesky(a, n) == CXM_OK) {
            for (size_t i = 0; i < n; i++)
                d[i] = -g[i];
            cxm__cholesky_solve(a, n, d);
            if (all_finite(d, n))
                return CXM_OK;
        }
        mu = mu == 0.0 ? 1e-10 * scale : mu * 4.0;
    }
    return CXM_EDOMAIN;
}

/* The search direction: Newton's, or BFGS's from its inverse-Hessian
 * approximation, turned to steepest descent when it does not descend; then
 * capped at max_step. Returns the slope g·d, or NAN when the Hessian is
 * unusable. */
static double search_direction(const double *g, const double *h, double *inv, size_t n,
                               int newton, double max_step, double gradient_norm, double *d)
{
    if (newton) {
        if (newton_direction(h, g, n, d) != CXM_OK)
            return NAN;
    } else {
        for (size_t i = 0; i < n; i++) {
            double s = 0.0;
            for (size_t j = 0; j < n; j++)
                s -= inv[i * n + j] * g[j];
            d[i] = s;
        }
    }
    double slope = 0.0;
    for (size_t i = 0; i < n; i++)
        slope += g[i] * d[i];
    if (!(slope < 0.0)) {
        /* Not a descent direction (BFGS drift): fall back to steepest descent. */
        slope = 0.0;
        for (size_t i = 0; i < n; i++) {
            d[i] = -g[i];
            slope -= g[i] * g[i];
        }
        if (!newton) {
            memset(inv, 0, n * n * sizeof *inv);
            for (size_t i = 0; i < n; i++)
                inv[i * n + i] = 1.0 / fmax(1.0, gradient_norm);
        }
    }
    double longest = max_abs(d, n);
    if (longest > max_step) {
        double shrink = max_step / longest;
        for (size_t i = 0; i < n; i++)
            d[i] *= shrink;
        slope *= shrink;
    }
    return slope;
}

typedef enum step_kind { STEP_NONE, STEP_ARMIJO, STEP_ROUNDING } step_kind;

typedef struct trial {
    double *x, *g, *h; /* the candidate point and its derivatives */
    double f;
} trial;

/* Backtracking: halve the step until the Armijo condition holds, or until
 * the step is below the rounding of x, where halving further only
 * re-evaluates the same point (the cost of a flat, noisy objective must
 * stay bounded). */
static int line_search(cxm__objective_fn fn, void *context, const double *x, double f,
                       const double *d, double slope, size_t n, int newton, double gradient_norm,
                       trial *next, cxm__optim_result *result, step_kind *kind)
{
    double floor = 1e-14 * (1.0 + max_abs(x, n)), longest = max_abs(d, n);
    *kind = STEP_NONE;
    for (double t = 1.0; t * longest > floor; t *= 0.5) {
        for (size_t i = 0; i < n; i++)
            next->x[i] = x[i] + t * d[i];
        int status = fn(context, next->x, &next->f, next->g, newton ? next->h : NULL);
        result->evaluations++;
        if (status != CXM_OK)
            return status;
        int finite = isfinite(next->f) && all_finite(next->g, n) &&
                     (!newton || all_finite(next->h, n * n));
        if (finite && next->f <= f + 1e-4 * t * slope) {
            *kind = STEP_ARMIJO;
            return CXM_OK;
        }
        /* Near the optimum the predicted decrease t·|slope| falls below
         * the rounding of f, and Armijo's test becomes noise: accept a
         * step that leaves f unchanged within rounding and shrinks the
         * gradient. */
        double noise = 1e-14 * (1.0 + fabs(f));
        if (finite && -t * slope <= noise && next->f <= f + noise &&
            max_abs(next->g, n) < gradient_norm) {
            *kind = STEP_ROUNDING;
            return CXM_OK;
        }
    }
    return CXM_OK;
}

/* BFGS update of the inverse Hessian with s = x_new − x, y = g_new − g. */
static void bfgs_update(double *inv, const double *x, const double *x_new, const double *g,
                        const double *g_new, size_t n)
{
    double s[CXM__OPTIM_MAX_DIM], y[CXM__OPTIM_MAX_DIM], hy[CXM__OPTIM_MAX_DIM];
    double sy = 0.0, yhy = 0.0;
    for (size_t i = 0; i < n; i++) {
        s[i] = x_new[i] - x[i];
        y[i] = g_new[i] - g[i];
        sy += s[i] * y[i];
    }
    if (!(sy > 1e-300))
        return;
    for (size_t i = 0; i < n; i++) {
        hy[i] = 0.0;
        for (size_t j = 0; j < n; j++)
            hy[i] += inv[i * n + j] * y[j];
        yhy += y[i] * hy[i];
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            inv[i * n + j] += ((sy + yhy) * s[i] * s[j]) / (sy * sy) -
                              (hy[i] * s[j] + s[i] * hy[j]) / sy;
}

/* Steps accepted only because they are within rounding, in a row, before
 * the minimisation is declared stuck: a legitimate optimum needs one or two
 * such steps to bring the gradient under the tolerance. */
#define ROUNDING_STEPS_MAX 4

int cxm__minimize(cxm__objective_fn fn, void *context, double *x, size_t n,
                  const cxm__optim_options *options, cxm__optim_result *result)
{
    enum { MAXN = CXM__OPTIM_MAX_DIM };
    double g[MAXN], h[MAXN * MAXN], d[MAXN], x_new[MAXN], g_new[MAXN], h_new[MAXN * MAXN];
    double inv[MAXN * MAXN]; /* BFGS inverse-Hessian approximation */
    unsigned max_iterations = options->max_iterations ? options->max_iterations : 100;
    double tolerance = options->gradient_tolerance > 0 ? options->gradient_tolerance : 1e-9;
    double max_step = options->max_step > 0 ? options->max_step : 5.0;
    int newton = options->use_hessian;
    double f;
    trial next = { x_new, g_new, h_new, 0.0 };
    unsigned rounding_steps = 0;

    memset(result, 0, sizeof *result);
    if (n == 0 || n > MAXN)
        return cxm__fail(CXM_EINVAL, "cannot minimise over %zu variables", n);

    int status = fn(context, x, &f, g, newton ? h : NULL);
    result->evaluations = 1;
    if (status != CXM_OK)
        return status;
    result->f = f;
    result->gradient_norm = max_abs(g, n);
    if (!isfinite(f) || !all_finite(g, n) || (newton && !all_finite(h, n * n))) {
        result->reason = CXM__OPTIM_NOT_FINITE;
        return cxm__fail(CXM_ECONVERGE, "the objective is not finite at the starting point");
    }
    if (!newton) {
        memset(inv, 0, sizeof inv);
        double scale = 1.0 / fmax(1.0, max_abs(g, n));
        for (size_t i = 0; i < n; i++)
            inv[i * n + i] = scale;
    }

    for (unsigned iteration = 0;; iteration++) {
        result->iterations = iteration;
        result->f = f;
        result->gradient_norm = max_abs(g, n);
        if (result->gradient_norm <= tolerance) {
            result->reason = CXM__OPTIM_CONVERGED;
            return CXM_OK;
        }
        if (iteration >= max_iterations) {
            result->reason = CXM__OPTIM_MAX_ITERATIONS;
            return cxm__fail(CXM_ECONVERGE,
                             "no convergence within %u iterations (largest gradient component %.3g)",
                             max_iterations, result->gradient_norm);
        }
        double slope = search_direction(g, h, inv, n, newton, max_step, result->gradient_norm, d);
        if (isnan(slope)) {
            result->reason = CXM__OPTIM_NOT_FINITE;
            return cxm__fail(CXM_ECONVERGE, "no usable Newton direction (Hessian not finite)");
        }
        step_kind kind;
        status = line_search(fn, context, x, f, d, slope, n, newton, result->gradient_norm, &next,
                             result, &kind);
        if (status != CXM_OK)
            return status;
        rounding_steps = kind == STEP_ROUNDING ? rounding_steps + 1 : 0;
        if (kind == STEP_NONE || rounding_steps > ROUNDING_STEPS_MAX) {
            result->reason = CXM__OPTIM_NO_PROGRESS;
            return cxm__fail(CXM_ECONVERGE,
                             kind == STEP_NONE
                                 ? "the line search found no better point (largest gradient component %.3g)"
                                 : "the objective is flat to rounding error here (largest gradient component %.3g)",
                             result->gradient_norm);
        }
        if (!newton)
            bfgs_update(inv, x, x_new, g, g_new, n);
        memcpy(x, x_new, n * sizeof *x);
        memcpy(g, g_new, n * sizeof *g);
        if (newton)
            memcpy(h, h_new, n * n * sizeof *h);
        f = next.f;

        for (size_t i = 0; options->bound > 0 && i < n; i++) {
            if (fabs(x[i]) > options->bound && !(i < 32 && (options->unbounded >> i & 1u))) {
                result->iterations = iteration + 1;
                result->f = f;
                result->gradient_norm = max_abs(g, n);
                result->reason = CXM__OPTIM_DIVERGED;
                result->diverged_index = i;
                return cxm__fail(CXM_ECONVERGE, "variable %zu diverged to %g", i, x[i]);
            }
        }
    }
}
