/* The model handle and the engine's helpers shared by its source files
 * (model.c, model_predict.c, model_json.c). Internal. */
#ifndef CXM_CLV_MODEL_ENGINE_H
#define CXM_CLV_MODEL_ENGINE_H

#include <stdarg.h>

#include "clv/model_internal.h"
#include "cxm/chunk.h"

typedef struct cxm__cov_spec cxm__cov_spec;
typedef struct cxm__cov_eval cxm__cov_eval;

struct cxm_model {
    const cxm__kind *kind;           /* the kind, or cov->kind with covariates */
    cxm__cov_spec *cov;              /* static covariates (covariates.c), or NULL */
    int customer;                    /* one customer's model (cxm_model_for_customer()):
                                        its likelihood is the covariate fit's */
    int state;                       /* cxm_model_state */
    unsigned threads;                /* for predictions; 0 = automatic */
    unsigned regularity;             /* BG/CNBD-k's k for fits; 0: chosen by likelihood */
    double params[CXM__MAX_PARAMS];
    /* Fit results (state FITTED). */
    double log_likelihood;
    double covariance[CXM__MAX_PARAMS * CXM__MAX_PARAMS];
    double penalty;
    double effect_penalty[2];        /* purchase and dropout effects' extra L2 (covariates) */
    cxm_fit_report report;           /* the last fit attempt, also a failed one */
    char message[768];
    cxm_fit_report fitted;           /* the fit the parameters come from (state FITTED) */
    char fitted_message[768];
};

/* Rows ready for the likelihood: validated, filtered, possibly merged. */
typedef struct cxm__prepared {
    cxm__data data;
    double *owned;                   /* copied columns and weights, or NULL */
    uint32_t *group;
    double *group_value;
} cxm__prepared;

int cxm__prepare(cxm__prepared *prep, const cxm__kind *kind, size_t n,
                 const double *const *column, const double *weights, int compress);
void cxm__prepared_free(cxm__prepared *prep);

/* Likelihood sums over prepared data, block by block. */
typedef struct cxm__evaluator {
    const cxm__kind *kind;
    const cxm__data *data;
    unsigned threads;
    size_t blocks;
    double *block_acc;
    double *table;
    /* A chunked fit (cxm_model_fit_chunked): the caller's sums over its
     * chunks replace the data. `outside` has no rows; its total_weight and n
     * are taken from the first evaluation, and later evaluations must agree. */
    cxm_chunk_loglik_fn external;
    void *external_context;
    cxm__data *outside;
    /* A fit with static covariates: the sums come from one evaluator per
     * covariate pattern (covariates.c); data holds only the totals. */
    cxm__cov_eval *cov;
} cxm__evaluator;

size_t cxm__acc_size(const cxm__kind *kind);
int cxm__evaluator_init(cxm__evaluator *ev, const cxm__kind *kind, const cxm__data *data,
                        unsigned threads);
void cxm__evaluator_free(cxm__evaluator *ev);
/* acc (cxm__acc_size doubles) = total log-likelihood [, gradient [, Hessian]]. */
int cxm__evaluate(cxm__evaluator *ev, const double *params, int order, double *acc);

/* An evaluator that asks the caller for the sums (chunk results summed over
 * every chunk, cxm/chunk.h layout) instead of reading data. */
void cxm__evaluator_external(cxm__evaluator *ev, const cxm__kind *kind, cxm__data *outside,
                             cxm_chunk_loglik_fn fn, void *context);
/* Hessian by central differences of the analytic gradient (kinds without one). */
int cxm__fd_hessian(cxm__evaluator *ev, const double *params, double *hess);
/* Where Newton starts on prepared data: the kind's default, refined by a fit
 * on a subsample for more than 60000 rows. Fails only with CXM_ENOMEM. */
int cxm__fit_start(const cxm__kind *kind, const cxm__data *data, unsigned threads, double penalty,
                   double *theta);
/* Optimise from theta with the evaluator, then the covariance; the model
 * gets the estimate, or keeps its state and gets the failure report. opt is
 * checked and complete. */
int cxm__fit_run(cxm_model *model, cxm__evaluator *ev, const cxm_fit_options *opt, double *theta);
/* The caller's options over the defaults, read for the caller's version
 * (docs/ABI.md) and checked. */
int cxm__read_fit_options(cxm_fit_options *dst, const cxm_fit_options *given);
/* The same for a report a caller gives (cxm_model_set_fit). */
int cxm__read_fit_report(cxm_fit_report *dst, const cxm_fit_report *given);

int cxm__fit(cxm_model *model, size_t n, const double *const *column, const double *weights,
             const cxm_fit_options *options);
int cxm__check_kind_params(const cxm__kind *kind, const double *params);
/* The numbers of a fit made elsewhere (cxm_model_set_fit(), a model file):
 * messages name the field ("observations -3 must be ..."). */
int cxm__check_fit_numbers(const cxm_fit_report *report);
int cxm__param_index(const cxm__kind *kind, const char *name, size_t *index);
int cxm__kind_from_name(const char *name, cxm_model_kind *kind);
const char *cxm__fit_reason_name(int reason);
int cxm__check_rows(const cxm__kind *kind, size_t n, const double *const *column);
int cxm__check_weights(size_t n, const double *weights);

/* Static covariates (covariates.c). */
void cxm__cov_spec_free(cxm__cov_spec *spec);
/* The L2 weight of each parameter of a fit: the penalty, plus the effects'
 * own for covariate effects; CXM_EINVAL for effect penalties on a model
 * without covariates. */
int cxm__penalty_weights(double *weights, const cxm_model *model, const cxm_fit_options *opt);
int cxm__cov_evaluate(cxm__cov_eval *ce, const double *params, int order, double *acc);
/* Covariate c of a set (0 purchase, 1 dropout) of a model with covariates:
 * its name, and whether (purchase set) its effect is shared. */
const char *cxm__covariate(const cxm_model *model, int set, size_t c, int *shared);

/* The parameter index of covariate c's effect in a set (0 purchase, 1
 * dropout): a shared covariate's two effects have the same index. */
size_t cxm__covariate_param(const cxm_model *model, int set, size_t c);

/* Prediction plumbing. */
unsigned cxm__model_threads(const cxm_model *model, size_t n);
int cxm__require_hook(const cxm_model *model, const void *hook, const char *what);
/* count pairs of (pointer, name): each must be non-NULL when n > 0. */
int cxm__check_arrays(size_t n, int count, ...);
int cxm__check_purchase_rows(const cxm_model *model, size_t n, const double *x,
                             const double *t_x, const double *T);

/* Predictions take x = 0 with t_x > 0 (grids of x against t_x build such
 * rows, lifetimes' probability-alive matrix among them): with no repeat
 * purchase the last purchase is the first, so t_x is read as 0 and every
 * model gives the value of (0, 0, T); BG/NBD's P(alive) is then 1, as in
 * lifetimes (docs/models.md §1.3). *t_x is replaced by a copy in *owned
 * (free it) only when some row needs it. */
int cxm__no_repeat_t_x(const double **t_x, double **owned, size_t n, const double *x);
int cxm__check_times(size_t n, const double *t, const char *name);
/* Results dst[begin, end) must be finite numbers: a kind's formula that
 * overflows (or a bug) becomes CXM_EDOMAIN naming the element, never a
 * silent inf or NaN. what: "P(alive)", "the expected purchases", ... */
int cxm__check_results(const double *dst, size_t begin, size_t end, const char *what);
/* Work on rows [begin, end) of a prediction. */
typedef int (*cxm__rows_fn)(const cxm_model *model, void *context, size_t begin, size_t end);
int cxm__run_rows(const cxm_model *model, size_t n, cxm__rows_fn fn, void *context);

#endif
