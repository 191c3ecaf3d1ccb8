/* Chunked fits (cxm/chunk.h): the model engine's likelihood on one chunk of
 * rows, the starting point from a sample, the engine's optimiser on sums a
 * caller supplies, and fitted results set from outside. Nothing here knows a
 * model: every kind's own loglik, default_start and scales do the work, as
 * in cxm_model_fit(). */
#include "config.h"

#include <math.h>
#include <string.h>

#include "clv/model_engine.h"
#include "core/internal.h"
#include "numeric/parallel.h"

cxm_param_scale cxm_model_param_scale(const cxm_model *model, size_t index)
{
    if (model == NULL || index >= model->kind->nparams)
        return CXM_SCALE_NONE;
    switch (model->kind->scales[index]) {
    case CXM__SCALE_LOG: return CXM_SCALE_LOG;
    case CXM__SCALE_LOGIT: return CXM_SCALE_LOGIT;
    case CXM__SCALE_FIXED: return CXM_SCALE_FIXED;
    default: return CXM_SCALE_LINEAR;
    }
}

size_t cxm_model_chunk_size(const cxm_model *model)
{
    return model ? 2 + cxm__acc_size(model->kind) : 0;
}

/* A model whose likelihood the chunked functions evaluate: with covariates
 * only where the caller says so (the chunks' sums then come from
 * cxm_model_chunk_loglik_covariates()). */
static int check_model(const cxm_model *model, int covariates)
{
    int status = cxm__check_pointer(model, "model");
    if (status == CXM_OK && model->cov != NULL && !covariates)
        status = cxm__fail(CXM_EINVAL, "the %s model has covariates: its chunks need theirs "
                           "(cxm_model_chunk_loglik_covariates(), cxm_model_start_covariates())",
                           model->kind->title);
    if (status == CXM_OK && model->cov == NULL && model->kind->loglik == NULL)
        status = cxm__fail(CXM_EUNSUPPORTED, "the %s model has no likelihood to fit",
                           model->kind->title);
    return status;
}

/* Pointers of the kind's columns, each non-NULL when there are rows. */
static int check_columns(const cxm__kind *kind, size_t n, const double *const *columns)
{
    if (n == 0)
        return CXM_OK;
    int status = cxm__check_pointer(columns, "columns");
    for (size_t c = 0; status == CXM_OK && c < kind->ncolumns; c++)
        if (columns[c] == NULL)
            status = cxm__fail(CXM_EINVAL, "column %zu (%s) is NULL", c, kind->column_names[c]);
    return status;
}

/* Does some row count (positive weight, not skipped by the kind)? */
static int any_row_counts(const cxm__kind *kind, size_t n, const double *const *columns,
                          const double *weights)
{
    double values[CXM__MAX_COLUMNS];
    for (size_t i = 0; i < n; i++) {
        if (weights && !(weights[i] > 0.0))
            continue;
        if (kind->skip_row == NULL)
            return 1;
        for (size_t c = 0; c < kind->ncolumns; c++)
            values[c] = columns[c][i];
        if (!kind->skip_row(values))
            return 1;
    }
    return 0;
}

int cxm_model_chunk_loglik(double *dst, size_t dst_n, const cxm_model *model,
                           const double *params, size_t nparams, int order, size_t n,
                           const double *const *columns, const double *weights)
{
    int status = check_model(model, 0);
    if (status != CXM_OK)
        return status;
    const cxm__kind *kind = model->kind;
    size_t size = cxm_model_chunk_size(model), p = kind->nparams;
    status = cxm__check_pointer(dst, "dst");
    if (status == CXM_OK && dst_n != size)
        status = cxm__fail(CXM_EINVAL, "dst has %zu elements where the %s model's chunk results "
                           "have %zu",
                           dst_n, kind->title, size);
    if (status == CXM_OK)
        status = cxm__check_pointer(params, "params");
    if (status == CXM_OK && nparams != p)
        status = cxm__fail(CXM_EINVAL, "params has %zu elements where the %s model has %zu",
                           nparams, kind->title, p);
    if (status == CXM_OK)
        status = cxm__check_kind_params(kind, params);
    if (status == CXM_OK && (order < 0 || order > 2))
        status = cxm__fail(CXM_EINVAL, "order %d is not 0, 1 or 2", order);
    if (status == CXM_OK)
        status = check_columns(kind, n, columns);
    if (status != CXM_OK)
        return status;

    memset(dst, 0, size * sizeof *dst);
    if (!any_row_counts(kind, n, columns, weights)) {
        /* Nothing to add, but the rows must still be valid. */
        status = cxm__check_rows(kind, n, columns);
        return status == CXM_OK ? cxm__check_weights(n, weights) : status;
    }
    cxm__prepared prep;
    status = cxm__prepare(&prep, kind, n, columns, weights, 1);
    if (status != CXM_OK)
        return status;
    cxm__evaluator ev;
    status = cxm__evaluator_init(&ev, kind, &prep.data,
                                 cxm__thread_count(model->threads, prep.data.n, 65536));
    if (status == CXM_OK) {
        double *acc = dst + CXM_CHUNK_LOGLIK;
        int analytic = order < 2 || kind->has_hessian;
        status = cxm__evaluate(&ev, params, analytic ? order : 1, acc);
        if (status == CXM_OK && !analytic)
            status = cxm__fd_hessian(&ev, params, acc + 1 + p);
        cxm__evaluator_free(&ev);
    }
    if (status == CXM_OK) {
        dst[CXM_CHUNK_WEIGHT] = prep.data.total_weight;
        dst[CXM_CHUNK_ROWS] = (double)prep.data.n;
        /* Only what the order asks for, whatever the kind filled in. */
        for (size_t k = CXM_CHUNK_GRADIENT + (order >= 1 ? p : 0) + (order >= 2 ? p * p : 0);
             k < size; k++)
            dst[k] = 0.0;
    } else {
        memset(dst, 0, size * sizeof *dst);
    }
    cxm__prepared_free(&prep);
    return status;
}

int cxm_model_start(double *dst, size_t dst_n, const cxm_model *model, size_t n,
                    const double *const *columns, const double *weights,
                    const cxm_fit_options *options)
{
    int status = check_model(model, 0);
    if (status != CXM_OK)
        return status;
    const cxm__kind *kind = model->kind;
    status = cxm__check_pointer(dst, "dst");
    if (status == CXM_OK && dst_n != kind->nparams)
        status = cxm__fail(CXM_EINVAL, "dst has %zu elements where the %s model has %zu "
                           "parameters",
                           dst_n, kind->title, kind->nparams);
    cxm_fit_options opt;
    if (status == CXM_OK)
        status = cxm__read_fit_options(&opt, options);
    if (status == CXM_OK)
        status = check_columns(kind, n, columns);
    if (status != CXM_OK)
        return status;
    cxm__prepared prep;
    status = cxm__prepare(&prep, kind, n, columns, weights, !(opt.flags & CXM_FIT_NO_COMPRESS));
    if (status != CXM_OK)
        return status;
    double theta[CXM__MAX_PARAMS];
    status = cxm__fit_start(kind, &prep.data, cxm__thread_count(opt.threads, prep.data.n, 32768),
                            opt.penalty, theta);
    if (status == CXM_OK)
        memcpy(dst, theta, kind->nparams * sizeof *dst);
    cxm__prepared_free(&prep);
    return status;
}

int cxm_model_fit_chunked(cxm_model *model, cxm_chunk_loglik_fn evaluate, void *context,
                          const double *start, size_t nstart, const cxm_fit_options *options)
{
    int status = check_model(model, 1);
    if (status != CXM_OK)
        return status;
    const cxm__kind *kind = model->kind;
    size_t p = kind->nparams;
    if (evaluate == NULL)
        return cxm__fail(CXM_EINVAL, "evaluate is NULL");
    cxm_fit_options opt;
    status = cxm__read_fit_options(&opt, options);
    if (status != CXM_OK)
        return status;
    double theta[CXM__MAX_PARAMS];
    if (start == NULL) {
        if (!(opt.flags & CXM_FIT_WARM_START))
            return cxm__fail(CXM_EINVAL, "start is NULL: give starting values (cxm_model_start()) "
                             "or CXM_FIT_WARM_START");
        if (model->state == CXM_MODEL_EMPTY)
            return cxm__fail(CXM_ESTATE,
                             "CXM_FIT_WARM_START needs parameters to start from: set them first");
        if (nstart != 0 && nstart != p)
            return cxm__fail(CXM_EINVAL, "nstart is %zu without starting values", nstart);
        memcpy(theta, model->params, p * sizeof *theta);
    } else {
        if (nstart != p)
            return cxm__fail(CXM_EINVAL, "start has %zu elements where the %s model has %zu "
                             "parameters",
                             nstart, kind->title, p);
        status = cxm__check_kind_params(kind, start);
        if (status != CXM_OK)
            return cxm__fail_prefix("start: ");
        memcpy(theta, start, p * sizeof *theta);
    }
    cxm__data outside;
    cxm__evaluator ev;
    cxm__evaluator_external(&ev, kind, &outside, evaluate, context);
    return cxm__fit_run(model, &ev, &opt, theta);
}

int cxm__check_fit_numbers(const cxm_fit_report *report)
{
    if (!isfinite(report->log_likelihood))
        return cxm__fail(CXM_EINVAL, "log_likelihood %g is not finite", report->log_likelihood);
    if (!(report->observations > 0.0) || !isfinite(report->observations))
        return cxm__fail(CXM_EINVAL, "observations %g must be a finite number > 0",
                         report->observations);
    if (!(report->rows >= 0.0) || !isfinite(report->rows) || report->rows != floor(report->rows))
        return cxm__fail(CXM_EINVAL, "rows %g must be a whole number >= 0", report->rows);
    if (!(report->gradient_norm >= 0.0) || !isfinite(report->gradient_norm))
        return cxm__fail(CXM_EINVAL, "gradient_norm %g must be a finite number >= 0",
                         report->gradient_norm);
    return CXM_OK;
}

int cxm_model_set_fit(cxm_model *model, const double *params, size_t n,
                      const double *covariance, size_t cov_n, double penalty,
                      const cxm_fit_report *given)
{
    cxm_fit_report full, *report = &full;
    int status = cxm__check_pointer(model, "model");
    if (status == CXM_OK)
        status = cxm__check_pointer(params, "params");
    if (status == CXM_OK)
        status = cxm__check_pointer(covariance, "covariance");
    if (status == CXM_OK)
        status = cxm__check_pointer(given, "report");
    if (status == CXM_OK)
        status = cxm__read_fit_report(&full, given);
    if (status != CXM_OK)
        return status;
    const cxm__kind *kind = model->kind;
    size_t p = kind->nparams;
    if (n != p)
        return cxm__fail(CXM_EINVAL, "params has %zu elements where the %s model has %zu", n,
                         kind->title, p);
    if (cov_n != p * p)
        return cxm__fail(CXM_EINVAL, "covariance has %zu elements where %zu were expected", cov_n,
                         p * p);
    status = cxm__check_kind_params(kind, params);
    if (status == CXM_OK)
        status = cxm__check_nonnegative(penalty, "penalty");
    if (status != CXM_OK)
        return status;
    if (report->reason != CXM_FIT_CONVERGED)
        return cxm__fail(CXM_EINVAL, "the report's reason is %d, not CXM_FIT_CONVERGED: only a "
                         "converged fit gives a fitted model",
                         report->reason);
    if (cxm__check_fit_numbers(report) != CXM_OK)
        return cxm__fail_prefix("the report's ");
    for (size_t i = 0; i < p; i++) {
        double v = covariance[i * p + i];
        if (kind->scales[i] == CXM__SCALE_FIXED ? v != 0.0 : !(v > 0.0) || !isfinite(v))
            return cxm__fail(CXM_EINVAL, "the variance of %s, %g, must be %s",
                             kind->param_names[i], v,
                             kind->scales[i] == CXM__SCALE_FIXED ? "0 (fixed by a fit)"
                                                                : "a finite number > 0");
        for (size_t j = 0; j < i; j++) {
            double a = covariance[i * p + j], b = covariance[j * p + i];
            if (!isfinite(a) || !isfinite(b) || fabs(a - b) > 1e-8 * (fabs(a) + fabs(b)))
                return cxm__fail(CXM_EINVAL, "the covariance is not symmetric and finite at (%zu, "
                                 "%zu): %g and %g",
                                 i, j, a, b);
        }
    }
    memset(model->params, 0, sizeof model->params);
    memcpy(model->params, params, p * sizeof *params);
    memset(model->covariance, 0, sizeof model->covariance);
    memcpy(model->covariance, covariance, p * p * sizeof *covariance);
    model->log_likelihood = report->log_likelihood;
    model->penalty = penalty;
    model->effect_penalty[0] = model->effect_penalty[1] = 0.0;
    model->state = CXM_MODEL_FITTED;
    model->report = *report;
    snprintf(model->message, sizeof model->message,
             "fitted elsewhere: %u iterations (%u passes over %.0f rows), largest gradient "
             "component %.2g, log-likelihood %.6f",
             report->iterations, report->evaluations, report->rows, report->gradient_norm,
             report->log_likelihood);
    model->fitted = model->report;
    memcpy(model->fitted_message, model->message, sizeof model->message);
    return CXM_OK;
}
