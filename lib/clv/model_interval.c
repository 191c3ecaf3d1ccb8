/* Customer-level prediction intervals from the estimated parameter
 * covariance, by the delta method (docs/models.md §1.10).
 *
 * Why the delta method and not draws from the asymptotic normal: draws need
 * hundreds of evaluations of every customer's prediction to fix a 95%
 * quantile to two digits, the delta method 2p + 1 (9 for BG/NBD) with the
 * same first-order accuracy, so that 10^6 customers take about as long as a
 * few plain predictions. Its weakness, intervals that leave the range of the
 * quantity, is met by working on the scale where the quantity is unbounded:
 * logit for P(alive), log for counts and values; the interval is symmetric
 * there and mapped back. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "clv/model_engine.h"
#include "core/internal.h"
#include "numeric/stats.h"

/* Customers per pass: bounded memory for any n, and each pass still spans
 * several of the engine's thread blocks. */
#define INTERVAL_CHUNK 16384u
/* Central-difference step in the optimiser's coordinates (ln θ, logit θ):
 * truncation error ~h² = 1e-8 relative, rounding ~1e-16/h = 1e-12. */
#define INTERVAL_STEP 1e-4

/* One prediction of customers [offset, offset + n) with the parameters of
 * `model` (a copy of the caller's with shifted parameters). */
typedef int (*interval_predict_fn)(double *dst, size_t n, const cxm_model *model, size_t offset,
                                   const void *context);

typedef struct interval_inputs {
    const double *t, *x, *t_x, *T, *value;
    const cxm_value_options *options;
} interval_inputs;

static int predict_p_alive(double *dst, size_t n, const cxm_model *model, size_t offset,
                           const void *context)
{
    const interval_inputs *in = context;
    return cxm_model_p_alive(dst, n, model, in->x + offset, in->t_x + offset, in->T + offset);
}

static int predict_conditional(double *dst, size_t n, const cxm_model *model, size_t offset,
                               const void *context)
{
    const interval_inputs *in = context;
    return cxm_model_conditional_purchases(dst, n, model, in->t + offset, in->x + offset,
                                           in->t_x + offset, in->T + offset);
}

static int predict_value(double *dst, size_t n, const cxm_model *model, size_t offset,
                         const void *context)
{
    const interval_inputs *in = context;
    return cxm_model_lifetime_value(dst, n, model, in->x + offset, in->t_x + offset,
                                    in->T + offset, in->value + offset, in->options);
}

/* The scale on which an interval is symmetric. */
typedef enum { SCALE_IDENTITY, SCALE_LOG, SCALE_LOGIT } out_scale;

static double to_scale(out_scale s, double v)
{
    switch (s) {
    case SCALE_LOG: return log(v);
    case SCALE_LOGIT: return log(v) - log1p(-v);
    default: return v;
    }
}

static double from_scale(out_scale s, double v)
{
    switch (s) {
    case SCALE_LOG: return exp(v);
    case SCALE_LOGIT: return 1.0 / (1.0 + exp(-v));
    default: return v;
    }
}

/* Probabilities strictly inside (0, 1) on the logit scale, positive values
 * on the log scale; a value at its bound (P(alive) = 1 whatever the
 * parameters, E[Y] = 0 at t = 0) keeps a linear scale and, having no
 * sensitivity, a zero-width interval. */
static out_scale scale_of(int probability, double v)
{
    if (probability)
        return v > 0.0 && v < 1.0 ? SCALE_LOGIT : SCALE_IDENTITY;
    return v > 0.0 ? SCALE_LOG : SCALE_IDENTITY;
}

typedef struct interval_task {
    const cxm_model *model;
    interval_predict_fn predict;
    const void *context;
    int probability;
    double z;                                      /* normal quantile of the level */
    double phi[CXM__MAX_PARAMS];                   /* estimate in optimiser coordinates */
    double cov[CXM__MAX_PARAMS * CXM__MAX_PARAMS]; /* covariance of phi */
} interval_task;

/* θ from optimiser coordinates (the scales of lib/clv/model.c) and dθ/dφ. */
static double coordinate_to_param(cxm__scale scale, double phi, double *slope)
{
    switch (scale) {
    case CXM__SCALE_LOG: *slope = exp(phi); return exp(phi);
    case CXM__SCALE_LOGIT: {
        double t = 1.0 / (1.0 + exp(-phi));
        *slope = t * (1.0 - t);
        return t;
    }
    default: *slope = 1.0; return phi;
    }
}

static double param_to_coordinate(cxm__scale scale, double theta)
{
    switch (scale) {
    case CXM__SCALE_LOG: return log(theta);
    case CXM__SCALE_LOGIT: return log(theta) - log1p(-theta);
    default: return theta;
    }
}

static int init_task(interval_task *task, const cxm_model *model, double level)
{
    const cxm__kind *kind = model->kind;
    size_t p = kind->nparams;
    double slope[CXM__MAX_PARAMS];
    for (size_t i = 0; i < p; i++) {
        task->phi[i] = param_to_coordinate(kind->scales[i], model->params[i]);
        coordinate_to_param(kind->scales[i], task->phi[i], &slope[i]);
    }
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j < p; j++) {
            double c = model->covariance[i * p + j] / (slope[i] * slope[j]);
            if (!isfinite(c))
                return cxm__fail(CXM_EDOMAIN,
                                 "the %s model's covariance is not finite: no interval can be "
                                 "derived from it",
                                 kind->title);
            task->cov[i * p + j] = c;
        }
    task->z = cxm__normal_quantile(0.5 + 0.5 * level);
    return CXM_OK;
}

/* The prediction for customers [offset, offset + m) with φ_j moved by shift. */
static int predict_shifted(const interval_task *task, size_t j, double shift, size_t offset,
                           size_t m, double *dst)
{
    cxm_model shifted = *task->model;
    const cxm__kind *kind = shifted.kind;
    double slope;
    shifted.params[j] = coordinate_to_param(kind->scales[j], task->phi[j] + shift, &slope);
    int status = cxm__check_kind_params(kind, shifted.params);
    if (status == CXM_OK)
        status = task->predict(dst, m, &shifted, offset, task->context);
    if (status != CXM_OK)
        cxm__fail_prefix("customers %zu to %zu, with %s moved by %g on its %s scale: ", offset,
                         offset + m - 1, kind->param_names[j], shift,
                         kind->scales[j] == CXM__SCALE_LOGIT ? "logit" : "log");
    return status;
}

/* One chunk: gradients on each customer's output scale, then the quadratic
 * form of the covariance. The estimate is in lower[offset, offset + m) on
 * entry; work holds m·(p + 3) doubles. */
static int interval_chunk(const interval_task *task, size_t offset, size_t m, double *lower,
                          double *upper, double *work)
{
    size_t p = task->model->kind->nparams;
    double *estimate = work, *plus = work + m, *minus = work + 2 * m, *grad = work + 3 * m;
    memcpy(estimate, lower + offset, m * sizeof *estimate);
    int status = CXM_OK;
    for (size_t j = 0; status == CXM_OK && j < p; j++) {
        if (task->model->kind->scales[j] == CXM__SCALE_FIXED) { /* variance 0 */
            for (size_t i = 0; i < m; i++)
                grad[i * p + j] = 0.0;
            continue;
        }
        status = predict_shifted(task, j, INTERVAL_STEP, offset, m, plus);
        if (status == CXM_OK)
            status = predict_shifted(task, j, -INTERVAL_STEP, offset, m, minus);
        for (size_t i = 0; status == CXM_OK && i < m; i++) {
            out_scale s = scale_of(task->probability, estimate[i]);
            double d = (to_scale(s, plus[i]) - to_scale(s, minus[i])) / (2.0 * INTERVAL_STEP);
            /* A value that reaches its bound in a neighbour (P(alive)
             * rounding to 1) has no usable slope on the chosen scale. */
            grad[i * p + j] = isfinite(d) ? d : 0.0;
        }
    }
    for (size_t i = 0; status == CXM_OK && i < m; i++) {
        const double *g = grad + i * p;
        double var = 0.0;
        for (size_t a = 0; a < p; a++)
            for (size_t b = 0; b < p; b++)
                var += g[a] * g[b] * task->cov[a * p + b];
        double half = task->z * sqrt(var > 0.0 ? var : 0.0);
        out_scale s = scale_of(task->probability, estimate[i]);
        double centre = to_scale(s, estimate[i]);
        lower[offset + i] = from_scale(s, centre - half);
        upper[offset + i] = from_scale(s, centre + half);
    }
    if (status == CXM_OK)
        status = cxm__check_results(lower, offset, offset + m, "the interval's lower end");
    if (status == CXM_OK)
        status = cxm__check_results(upper, offset, offset + m, "the interval's upper end");
    return status;
}

static int interval_run(double *lower, double *upper, size_t n, const cxm_model *model,
                        double level, interval_predict_fn predict, const void *context,
                        int probability)
{
    int status = cxm__check_arrays(n, 2, lower, "dst_lower", upper, "dst_upper");
    if (status == CXM_OK && model->state != CXM_MODEL_FITTED)
        status = cxm__fail(CXM_ESTATE,
                           "the %s model's parameters were given, not fitted: an interval needs "
                           "their covariance",
                           model->kind->title);
    if (status == CXM_OK && !(level > 0.0 && level < 1.0))
        status = cxm__fail(CXM_EINVAL, "level %g must be between 0 and 1 (e.g. 0.95)", level);
    interval_task task;
    memset(&task, 0, sizeof task);
    task.model = model;
    task.predict = predict;
    task.context = context;
    task.probability = probability;
    if (status == CXM_OK)
        status = init_task(&task, model, level);
    /* The estimate first, over all customers at once: its checks name each
     * customer by its place in the caller's arrays. */
    if (status == CXM_OK)
        status = predict(lower, n, model, 0, context);
    if (status != CXM_OK || n == 0)
        return status;
    size_t p = model->kind->nparams, chunk = n < INTERVAL_CHUNK ? n : INTERVAL_CHUNK;
    double *work = cxm__malloc(chunk * (p + 3) * sizeof *work);
    if (work == NULL)
        return CXM_ENOMEM;
    for (size_t offset = 0; status == CXM_OK && offset < n; offset += chunk) {
        size_t m = n - offset < chunk ? n - offset : chunk;
        status = interval_chunk(&task, offset, m, lower, upper, work);
    }
    cxm__free(work);
    return status;
}

/* The model and hook checks the plain prediction would make, before any
 * work: a spend model or an empty one fails here with its usual message. */
static int require_purchase_model(const cxm_model *model, const void *hook_of_kind,
                                  const char *what)
{
    return cxm__require_hook(model, hook_of_kind, what);
}

int cxm_model_p_alive_interval(double *dst_lower, double *dst_upper, size_t n,
                               const cxm_model *model, double level, const double *x,
                               const double *t_x, const double *T)
{
    int status = require_purchase_model(
        model, model ? (const void *)model->kind->p_alive : NULL, "P(alive)");
    if (status != CXM_OK)
        return status;
    interval_inputs in = { NULL, x, t_x, T, NULL, NULL };
    return interval_run(dst_lower, dst_upper, n, model, level, predict_p_alive, &in, 1);
}

int cxm_model_conditional_purchases_interval(double *dst_lower, double *dst_upper, size_t n,
                                             const cxm_model *model, double level,
                                             const double *t, const double *x,
                                             const double *t_x, const double *T)
{
    int status = require_purchase_model(
        model, model ? (const void *)model->kind->conditional_purchases : NULL,
        "conditional expected purchases");
    if (status != CXM_OK)
        return status;
    interval_inputs in = { t, x, t_x, T, NULL, NULL };
    return interval_run(dst_lower, dst_upper, n, model, level, predict_conditional, &in, 0);
}

int cxm_model_lifetime_value_interval(double *dst_lower, double *dst_upper, size_t n,
                                      const cxm_model *model, double level, const double *x,
                                      const double *t_x, const double *T, const double *value,
                                      const cxm_value_options *options)
{
    int status = require_purchase_model(
        model, model ? (const void *)model->kind->conditional_purchases : NULL,
        "lifetime value (it needs a purchase model)");
    if (status != CXM_OK)
        return status;
    interval_inputs in = { NULL, x, t_x, T, value, options };
    return interval_run(dst_lower, dst_upper, n, model, level, predict_value, &in, 0);
}
