/* The BTYD model engine (cxm/model.h). Included by cxm.i.
 *
 * cxm_model is an opaque handle owned by the target language: created by
 * model_create / model_create_named / model_from_json / model_load, freed by
 * the garbage collector. Functions whose output comes first, followed by
 * inputs of its length, are bound as they are (cxm.i's DST_ARRAY and
 * SAME_LENGTH): model_p_alive(dst, model, x, t_x, T). The others go through
 * cxmb_* adapters taking (pointer, length) pairs, the handle first; an empty
 * weights array means "no weights". cxm_model_to_json's char **out uses
 * chain.i's typemap. The friendly APIs are bindings/python/cxm/btyd.py and
 * bindings/lua/cxm.lua. */

/* ---------------------------------------------------------------- the handle */
%nodefaultctor cxm_model;
typedef struct cxm_model {} cxm_model;
%extend cxm_model {
    ~cxm_model() { cxm_model_free($self); }
}

#if defined(SWIGPYTHON)
%typemap(in, numinputs=0) cxm_model **out (cxm_model *temp = NULL) { $1 = &temp; }
%typemap(argout) cxm_model **out {
    $result = SWIG_Python_AppendOutput($result,
        SWIG_NewPointerObj(SWIG_as_voidptr(*$1), $*1_descriptor, SWIG_POINTER_OWN));
}
#elif defined(SWIGLUA)
%typemap(in, numinputs=0) cxm_model **out (cxm_model *temp = NULL) { $1 = &temp; }
%typemap(argout) cxm_model **out {
    SWIG_NewPointerObj(L, *$1, $*1_descriptor, 1);
    SWIG_arg++;
}
#endif

/* More array names than cxm.i's a, b, c. */
%apply (double *INPLACE_ARRAY1, size_t DIM1) {
    (double *dst2, size_t dst2_n), (double *dst3, size_t dst3_n)
};
%apply (const double *IN_ARRAY1, size_t DIM1) {
    (const double *d, size_t d_n), (const double *e, size_t e_n), (const double *w, size_t w_n)
};
#if defined(SWIGPYTHON)
%apply (double *IN_ARRAY1, size_t DIM1) {
    (const double *d, size_t d_n), (const double *e, size_t e_n), (const double *w, size_t w_n)
};
#endif

/* ---------------------------------------------------------------- what is bound as is */
%apply (double *DST_ARRAY, size_t DST_LENGTH) { (double *dst, size_t n_times) };
%apply const double *SAME_LENGTH {
    const double *x, const double *t_x, const double *T, const double *t, const double *count,
    const double *mean_spend, const double *times
};
%apply (const double *IN_ARRAY1, size_t DIM1) { (const double *params, size_t n) };
#if defined(SWIGPYTHON)
%apply (double *IN_ARRAY1, size_t DIM1) { (const double *params, size_t n) };
#endif
%ignore cxm_model_free;
%ignore cxm_estimate_regularity;
%ignore cxm_model_fit;
%ignore cxm_model_fit_spend;
%ignore cxm_model_fit_columns;
%ignore cxm_model_log_likelihood_of;
%ignore cxm_model_fit_report;
%ignore cxm_model_tracking;
%ignore cxm_model_calibration_holdout;
%ignore cxm_model_lifetime_value;
%ignore cxm_model_lifetime_value_rfm;
%ignore cxm_model_simulate;
%ignore cxm_model_simulate_times;
%ignore cxm_model_simulate_latent;
%ignore cxm_model_p_alive_interval;
%ignore cxm_model_conditional_purchases_interval;
%ignore cxm_model_lifetime_value_interval;
/* Static covariates: adapters below; the counts come back as two numbers. */
%apply size_t *out { size_t *purchase_n, size_t *dropout_n };
/* The likelihood-ratio test returns (statistic, df, p value). */
%apply double *OUTPUT { double *statistic, double *df, double *p_value };
%ignore cxm_model_set_covariates;
%ignore cxm_model_share_covariates;
%ignore cxm_model_covariate_groups;
%ignore cxm_model_fit_covariates;
/* Time-varying covariates: adapters below (flat arrays for cxm_dyncov_data). */
%ignore cxm_dyncov_data;
%ignore cxm_dyncov_data_init;
%ignore cxm_model_fit_dynamic;
%ignore cxm_model_dynamic_log_likelihood;
%ignore cxm_model_dynamic_p_alive;
%ignore cxm_model_dynamic_conditional_purchases;
%ignore cxm_model_dynamic_simulate;
%ignore cxm_model_for_customer;
%ignore cxm_fit_options;
%ignore cxm_fit_options_init;
%ignore cxm_fit_report;
%ignore cxm_value_options;
%ignore cxm_value_options_init;
/* Chunked work: adapters in chunk.i. */
%ignore cxm_model_chunk_loglik;
%ignore cxm_model_start;
%ignore cxm_model_chunk_loglik_covariates;
%ignore cxm_model_start_covariates;
%ignore cxm_model_fit_chunked;
%ignore cxm_model_set_fit;
%ignore cxm_chunk_loglik_fn;
%include "cxm/model.h"
%clear (double *dst, size_t n_times), (const double *params, size_t n);
%clear const double *x, const double *t_x, const double *T, const double *t, const double *count,
    const double *mean_spend, const double *times;

/* ---------------------------------------------------------------- adapters */
%rename(model_fit) cxmb_model_fit;
%rename(model_fit_spend) cxmb_model_fit_spend;
%rename(model_log_likelihood_of) cxmb_model_log_likelihood_of;
%rename(model_fit_report) cxmb_model_fit_report;
%rename(model_tracking) cxmb_model_tracking;
%rename(model_calibration_holdout) cxmb_model_calibration_holdout;
%rename(model_lifetime_value) cxmb_model_lifetime_value;
%rename(model_lifetime_value_rfm) cxmb_model_lifetime_value_rfm;
%rename(model_simulate) cxmb_model_simulate;
%rename(model_simulate_times) cxmb_model_simulate_times;
%rename(model_simulate_latent) cxmb_model_simulate_latent;
%rename(model_p_alive_interval) cxmb_model_p_alive_interval;
%rename(model_conditional_purchases_interval) cxmb_model_conditional_purchases_interval;
%rename(model_lifetime_value_interval) cxmb_model_lifetime_value_interval;
%inline %{
static int cxmb_fit_options(cxm_fit_options *o, double penalty, unsigned max_iterations,
                            double tolerance, unsigned threads, unsigned flags)
{
    cxm_fit_options_init(o);
    o->penalty = penalty;
    o->max_iterations = max_iterations;
    o->tolerance = tolerance;
    o->threads = threads;
    o->flags = flags;
    return CXM_OK;
}

static int cxmb_weights(size_t n, size_t w_n)
{
    return w_n == 0 ? CXM_OK : cxmb_same_length(n, w_n, "weights");
}

/* x, t_x, T[, weights] (an empty weights array: none). */
static int cxmb_model_fit(cxm_model *model, const double *a, size_t a_n, const double *b,
                          size_t b_n, const double *c, size_t c_n, const double *w, size_t w_n,
                          double penalty, unsigned max_iterations, double tolerance,
                          unsigned threads, unsigned flags)
{
    cxm_fit_options o;
    int status = cxmb_same_length(a_n, b_n, "t_x");
    if (status == CXM_OK) status = cxmb_same_length(a_n, c_n, "T");
    if (status == CXM_OK) status = cxmb_weights(a_n, w_n);
    if (status == CXM_OK) status = cxmb_fit_options(&o, penalty, max_iterations, tolerance, threads, flags);
    return status ? status : cxm_model_fit(model, a_n, a, b, c, w_n ? w : NULL, &o);
}

static int cxmb_model_fit_spend(cxm_model *model, const double *a, size_t a_n, const double *b,
                                size_t b_n, const double *w, size_t w_n, double penalty,
                                unsigned max_iterations, double tolerance, unsigned threads,
                                unsigned flags)
{
    cxm_fit_options o;
    int status = cxmb_same_length(a_n, b_n, "mean_spend");
    if (status == CXM_OK) status = cxmb_weights(a_n, w_n);
    if (status == CXM_OK) status = cxmb_fit_options(&o, penalty, max_iterations, tolerance, threads, flags);
    return status ? status : cxm_model_fit_spend(model, a_n, a, b, w_n ? w : NULL, &o);
}

/* Columns a, b[, c] (c empty for two-column kinds) and optional weights. */
static int cxmb_model_log_likelihood_of(const cxm_model *model, double *out, const double *a,
                                        size_t a_n, const double *b, size_t b_n, const double *c,
                                        size_t c_n, const double *w, size_t w_n)
{
    size_t columns = cxm_model_column_count(model);
    int status = cxmb_same_length(a_n, b_n, "second column");
    if (status == CXM_OK && columns == 3) status = cxmb_same_length(a_n, c_n, "third column");
    if (status == CXM_OK) status = cxmb_weights(a_n, w_n);
    if (status != CXM_OK)
        return status;
    double *data = malloc((a_n ? a_n : 1) * (columns ? columns : 1) * sizeof *data);
    if (data == NULL)
        return cxmb_fail(CXM_ENOMEM, "out of memory");
    memcpy(data, a, a_n * sizeof *data);
    memcpy(data + a_n, b, a_n * sizeof *data);
    if (columns == 3)
        memcpy(data + 2 * a_n, c, a_n * sizeof *data);
    status = cxm_model_log_likelihood_of(out, model, a_n, data, w_n ? w : NULL);
    free(data);
    return status;
}

/* reason, iterations, evaluations, gradient norm, log-likelihood, observations, rows. */
static int cxmb_model_fit_report(const cxm_model *model, double *dst, size_t dst_n)
{
    cxm_fit_report r = CXM_FIT_REPORT_INIT;
    int status = cxmb_same_length(8, dst_n, "dst");
    if (status == CXM_OK) status = cxm_model_fit_report(&r, model);
    if (status != CXM_OK)
        return status;
    dst[0] = r.reason;
    dst[1] = r.iterations;
    dst[2] = r.evaluations;
    dst[3] = r.gradient_norm;
    dst[4] = r.log_likelihood;
    dst[5] = r.observations;
    dst[6] = r.rows;
    dst[7] = r.skipped;
    return CXM_OK;
}

static int cxmb_model_tracking(const cxm_model *model, double *dst, size_t dst_n,
                               const double *a, size_t a_n, const double *b, size_t b_n,
                               const double *w, size_t w_n)
{
    int status = cxmb_same_length(dst_n, a_n, "times");
    if (status == CXM_OK) status = cxmb_weights(b_n, w_n);
    return status ? status : cxm_model_tracking(dst, dst_n, model, a, b_n, b, w_n ? w : NULL);
}

/* Outputs: actual, predicted, count per bin (dst_n bins). */
static int cxmb_model_calibration_holdout(const cxm_model *model, double *dst, size_t dst_n,
                                          double *dst2, size_t dst2_n, double *dst3,
                                          size_t dst3_n, const double *a, size_t a_n,
                                          const double *b, size_t b_n, const double *c,
                                          size_t c_n, const double *d, size_t d_n,
                                          const double *e, size_t e_n)
{
    int status = cxmb_same_length(dst_n, dst2_n, "predicted");
    if (status == CXM_OK) status = cxmb_same_length(dst_n, dst3_n, "count");
    if (status == CXM_OK) status = cxmb_same_length(a_n, b_n, "t_x");
    if (status == CXM_OK) status = cxmb_same_length(a_n, c_n, "T");
    if (status == CXM_OK) status = cxmb_same_length(a_n, d_n, "duration");
    if (status == CXM_OK) status = cxmb_same_length(a_n, e_n, "x_holdout");
    return status ? status : cxm_model_calibration_holdout(dst, dst2, dst3, dst_n, model, a_n, a, b, c, d, e);
}

static cxm_value_options cxmb_value_options(double period, unsigned periods, double discount,
                                            double margin)
{
    cxm_value_options o;
    cxm_value_options_init(&o);
    o.period = period;
    o.periods = periods;
    o.discount = discount;
    o.margin = margin;
    return o;
}

static int cxmb_model_lifetime_value(const cxm_model *model, double *dst, size_t dst_n,
                                     const double *a, size_t a_n, const double *b, size_t b_n,
                                     const double *c, size_t c_n, const double *d, size_t d_n,
                                     double period, unsigned periods, double discount,
                                     double margin)
{
    cxm_value_options o = cxmb_value_options(period, periods, discount, margin);
    int status = cxmb_same_length(dst_n, a_n, "x");
    if (status == CXM_OK) status = cxmb_same_length(dst_n, b_n, "t_x");
    if (status == CXM_OK) status = cxmb_same_length(dst_n, c_n, "T");
    if (status == CXM_OK) status = cxmb_same_length(dst_n, d_n, "value");
    return status ? status : cxm_model_lifetime_value(dst, dst_n, model, a, b, c, d, &o);
}

/* The value options as scalars; spend may be None (nil): the monetary value as it is. */
static int cxmb_model_lifetime_value_rfm(const cxm_model *model, double *dst, size_t dst_n,
                                         const cxm_model *spend, const cxm_rfm *rfm,
                                         double period, unsigned periods, double discount,
                                         double margin)
{
    cxm_value_options o = cxmb_value_options(period, periods, discount, margin);
    return cxm_model_lifetime_value_rfm(dst, dst_n, model, spend, rfm, &o);
}

/* x into dst, t_x into dst2, for the observation lengths in a. */
static int cxmb_model_simulate(const cxm_model *model, double *dst, size_t dst_n, double *dst2,
                               size_t dst2_n, const double *a, size_t a_n,
                               unsigned long long seed)
{
    int status = cxmb_same_length(dst_n, dst2_n, "t_x");
    if (status == CXM_OK) status = cxmb_same_length(dst_n, a_n, "T");
    return status ? status : cxm_model_simulate(dst, dst2, dst_n, model, a, seed);
}

static int cxmb_model_simulate_times(const cxm_model *model, double *dst, size_t dst_n,
                                     const double *a, size_t a_n, unsigned long long seed)
{
    return cxm_model_simulate_times(dst, dst_n, model, a_n, a, seed);
}

/* Latent purchase parameter into dst, dropout parameter into dst2, alive into dst3. */
static int cxmb_model_simulate_latent(const cxm_model *model, double *dst, size_t dst_n,
                                      double *dst2, size_t dst2_n, double *dst3, size_t dst3_n,
                                      const double *a, size_t a_n, unsigned long long seed)
{
    int status = cxmb_same_length(dst_n, dst2_n, "dropout");
    if (status == CXM_OK) status = cxmb_same_length(dst_n, dst3_n, "alive");
    if (status == CXM_OK) status = cxmb_same_length(dst_n, a_n, "T");
    return status ? status : cxm_model_simulate_latent(dst, dst2, dst3, dst_n, model, a, seed);
}

/* Intervals: lower ends into dst, upper ends into dst2. */
static int cxmb_model_p_alive_interval(const cxm_model *model, double *dst, size_t dst_n,
                                       double *dst2, size_t dst2_n, double level, const double *a,
                                       size_t a_n, const double *b, size_t b_n, const double *c,
                                       size_t c_n)
{
    int status = cxmb_same_length(dst_n, dst2_n, "upper");
    if (status == CXM_OK) status = cxmb_same_length(dst_n, a_n, "x");
    if (status == CXM_OK) status = cxmb_same_length(dst_n, b_n, "t_x");
    if (status == CXM_OK) status = cxmb_same_length(dst_n, c_n, "T");
    return status ? status : cxm_model_p_alive_interval(dst, dst2, dst_n, model, level, a, b, c);
}

static int cxmb_model_conditional_purchases_interval(const cxm_model *model, double *dst,
                                                     size_t dst_n, double *dst2, size_t dst2_n,
                                                     double level, const double *a, size_t a_n,
                                                     const double *b, size_t b_n,
                                                     const double *c, size_t c_n,
                                                     const double *d, size_t d_n)
{
    int status = cxmb_same_length(dst_n, dst2_n, "upper");
    if (status == CXM_OK) status = cxmb_same_length(dst_n, a_n, "t");
    if (status == CXM_OK) status = cxmb_same_length(dst_n, b_n, "x");
    if (status == CXM_OK) status = cxmb_same_length(dst_n, c_n, "t_x");
    if (status == CXM_OK) status = cxmb_same_length(dst_n, d_n, "T");
    return status ? status
                  : cxm_model_conditional_purchases_interval(dst, dst2, dst_n, model, level, a, b,
                                                             c, d);
}

static int cxmb_model_lifetime_value_interval(const cxm_model *model, double *dst, size_t dst_n,
                                              double *dst2, size_t dst2_n, double level,
                                              const double *a, size_t a_n, const double *b,
                                              size_t b_n, const double *c, size_t c_n,
                                              const double *d, size_t d_n, double period,
                                              unsigned periods, double discount, double margin)
{
    cxm_value_options o = cxmb_value_options(period, periods, discount, margin);
    int status = cxmb_same_length(dst_n, dst2_n, "upper");
    if (status == CXM_OK) status = cxmb_same_length(dst_n, a_n, "x");
    if (status == CXM_OK) status = cxmb_same_length(dst_n, b_n, "t_x");
    if (status == CXM_OK) status = cxmb_same_length(dst_n, c_n, "T");
    if (status == CXM_OK) status = cxmb_same_length(dst_n, d_n, "value");
    return status ? status
                  : cxm_model_lifetime_value_interval(dst, dst2, dst_n, model, level, a, b, c, d,
                                                      &o);
}
%}

/* ---------------------------------------------------------------- static covariates */
%rename(model_set_covariates) cxmb_model_set_covariates;
%rename(model_share_covariates) cxmb_model_share_covariates;
%rename(model_covariate_groups) cxmb_model_covariate_groups;
%rename(model_fit_covariates) cxmb_model_fit_covariates;
%rename(model_for_customer) cxmb_model_for_customer;
%inline %{
/* Purchase covariate names in s1, dropout covariate names in s2. */
static int cxmb_model_set_covariates(cxm_model *model, const char *const *s1, size_t s1_n,
                                     const char *const *s2, size_t s2_n)
{
    return cxm_model_set_covariates(model, s1_n, s1, s2_n, s2);
}

/* The group of each customer (as numbers, into dst) and the number of groups;
 * covariates as flat row-major arrays (purchase in a, dropout in b). */
static int cxmb_model_covariate_groups(size_t *out, const cxm_model *model, double *dst,
                                       size_t dst_n, const double *a, size_t a_n,
                                       const double *b, size_t b_n)
{
    size_t kp = 0, kd = 0;
    int status = cxm_model_covariate_count(&kp, &kd, model);
    if (status == CXM_OK) status = cxmb_same_length(dst_n * kp, a_n, "purchase covariates");
    if (status == CXM_OK) status = cxmb_same_length(dst_n * kd, b_n, "dropout covariates");
    size_t *group = status == CXM_OK ? malloc((dst_n ? dst_n : 1) * sizeof *group) : NULL;
    if (status == CXM_OK && group == NULL)
        return cxmb_fail(CXM_ENOMEM, "out of memory");
    if (status == CXM_OK)
        status = cxm_model_covariate_groups(out, group, dst_n, model, kp ? a : NULL,
                                            kd ? b : NULL);
    for (size_t i = 0; status == CXM_OK && i < dst_n; i++)
        dst[i] = (double)group[i];
    free(group);
    return status;
}

/* The names of the covariates whose two effects are one, in s1. */
static int cxmb_model_share_covariates(cxm_model *model, const char *const *s1, size_t s1_n)
{
    return cxm_model_share_covariates(model, s1_n, s1);
}

/* x, t_x, T; the purchase and dropout covariates as flat row-major arrays
 * (n × purchase_n, n × dropout_n); weights (empty: none); the effects'
 * penalties; fit options. */
static int cxmb_model_fit_covariates(cxm_model *model, const double *a, size_t a_n,
                                     const double *b, size_t b_n, const double *c, size_t c_n,
                                     const double *d, size_t d_n, const double *e, size_t e_n,
                                     const double *w, size_t w_n, double purchase_penalty,
                                     double dropout_penalty, double penalty,
                                     unsigned max_iterations, double tolerance,
                                     unsigned threads, unsigned flags)
{
    size_t kp = 0, kd = 0;
    cxm_fit_options o;
    int status = cxm_model_covariate_count(&kp, &kd, model);
    if (status == CXM_OK) status = cxmb_same_length(a_n, b_n, "t_x");
    if (status == CXM_OK) status = cxmb_same_length(a_n, c_n, "T");
    if (status == CXM_OK) status = cxmb_same_length(a_n * kp, d_n, "purchase covariates");
    if (status == CXM_OK) status = cxmb_same_length(a_n * kd, e_n, "dropout covariates");
    if (status == CXM_OK) status = cxmb_weights(a_n, w_n);
    if (status == CXM_OK) status = cxmb_fit_options(&o, penalty, max_iterations, tolerance, threads, flags);
    o.purchase_penalty = purchase_penalty;
    o.dropout_penalty = dropout_penalty;
    return status ? status
                  : cxm_model_fit_covariates(model, a_n, a, b, c, kp ? d : NULL, kd ? e : NULL,
                                             w_n ? w : NULL, &o);
}

/* One customer's purchase covariates in a, dropout covariates in b. */
static int cxmb_model_for_customer(cxm_model **out, const cxm_model *model, const double *a,
                                   size_t a_n, const double *b, size_t b_n)
{
    size_t kp = 0, kd = 0;
    int status = cxm_model_covariate_count(&kp, &kd, model);
    if (status == CXM_OK) status = cxmb_same_length(kp, a_n, "purchase covariates");
    if (status == CXM_OK) status = cxmb_same_length(kd, b_n, "dropout covariates");
    return status ? status : cxm_model_for_customer(out, model, a_n ? a : NULL, b_n ? b : NULL);
}
%}

/* ---------------------------------------------------------------- time-varying covariates */
%apply (const double *IN_ARRAY1, size_t DIM1) {
    (const double *f, size_t f_n), (const double *g, size_t g_n), (const double *h, size_t h_n),
    (const double *hz, size_t hz_n)
};
#if defined(SWIGPYTHON)
%apply (double *IN_ARRAY1, size_t DIM1) {
    (const double *f, size_t f_n), (const double *g, size_t g_n), (const double *h, size_t h_n),
    (const double *hz, size_t hz_n)
};
#endif
%apply (double *INPLACE_ARRAY1, size_t DIM1) { (double *dst4, size_t dst4_n) };
%rename(model_fit_dynamic) cxmb_model_fit_dynamic;
%rename(model_dynamic_predict) cxmb_model_dynamic_predict;
%rename(model_dynamic_simulate) cxmb_model_dynamic_simulate;
%inline %{
/* The customers of cxm_dyncov_data from flat arrays: x, t_x, T in a, b, c;
 * each customer's number of segments in d; the segments' ends in e, counts
 * in f (empty: none), purchase covariates in g (segments × purchase_n),
 * dropout covariates in h; *offsets is allocated (free it). */
static int cxmb_dyncov(cxm_dyncov_data *data, size_t **offsets, const cxm_model *model,
                       const double *a, size_t a_n, const double *b, size_t b_n,
                       const double *c, size_t c_n, const double *d, size_t d_n,
                       const double *e, size_t e_n, const double *f, size_t f_n,
                       const double *g, size_t g_n, const double *h, size_t h_n)
{
    size_t kp = 0, kd = 0, total = 0;
    *offsets = NULL;
    int status = cxm_model_covariate_count(&kp, &kd, model);
    if (status == CXM_OK) status = cxmb_same_length(a_n, b_n, "t_x");
    if (status == CXM_OK) status = cxmb_same_length(a_n, c_n, "T");
    if (status == CXM_OK) status = cxmb_same_length(a_n, d_n, "segments per customer");
    if (status != CXM_OK)
        return status;
    *offsets = malloc((a_n + 1) * sizeof **offsets);
    if (*offsets == NULL)
        return cxmb_fail(CXM_ENOMEM, "out of memory");
    for (size_t i = 0; i < a_n; i++) {
        if (!(d[i] >= 0.0) || d[i] != floor(d[i]) || d[i] > 4503599627370496.0)
            return cxmb_fail(CXM_EINVAL, "segments per customer must be whole numbers >= 0");
        (*offsets)[i] = total;
        total += (size_t)d[i];
    }
    (*offsets)[a_n] = total;
    if (status == CXM_OK) status = cxmb_same_length(total, e_n, "segment ends");
    if (status == CXM_OK && f_n) status = cxmb_same_length(total, f_n, "segment counts");
    if (status == CXM_OK) status = cxmb_same_length(total * kp, g_n, "purchase covariates");
    if (status == CXM_OK) status = cxmb_same_length(total * kd, h_n, "dropout covariates");
    cxm_dyncov_data_init(data);
    data->n = a_n, data->x = a, data->t_x = b, data->T = c, data->offsets = *offsets;
    data->ends = e, data->counts = f_n ? f : NULL;
    data->purchase = kp ? g : NULL, data->dropout = kd ? h : NULL;
    return status;
}

/* Arrays as cxmb_dyncov; weights in w (empty: none); the effects'
 * penalties; fit options. */
static int cxmb_model_fit_dynamic(cxm_model *model, const double *a, size_t a_n,
                                  const double *b, size_t b_n, const double *c, size_t c_n,
                                  const double *d, size_t d_n, const double *e, size_t e_n,
                                  const double *f, size_t f_n, const double *g, size_t g_n,
                                  const double *h, size_t h_n, const double *w, size_t w_n,
                                  double purchase_penalty, double dropout_penalty,
                                  double penalty, unsigned max_iterations, double tolerance,
                                  unsigned threads, unsigned flags)
{
    cxm_dyncov_data data;
    cxm_fit_options o;
    size_t *offsets = NULL;
    int status = cxmb_dyncov(&data, &offsets, model, a, a_n, b, b_n, c, c_n, d, d_n, e, e_n, f,
                             f_n, g, g_n, h, h_n);
    if (status == CXM_OK) status = cxmb_weights(a_n, w_n);
    if (status == CXM_OK) status = cxmb_fit_options(&o, penalty, max_iterations, tolerance, threads, flags);
    o.purchase_penalty = purchase_penalty;
    o.dropout_penalty = dropout_penalty;
    data.weights = w_n ? w : NULL;
    if (status == CXM_OK)
        status = cxm_model_fit_dynamic(model, &data, &o);
    free(offsets);
    return status;
}

/* what 0: each customer's ln L (counts in f); 1: P(alive); 2: expected
 * purchases in (T, T + t] with the horizons t in hz (empty otherwise). */
static int cxmb_model_dynamic_predict(const cxm_model *model, int what, double *dst,
                                      size_t dst_n, const double *hz, size_t hz_n,
                                      const double *a, size_t a_n, const double *b, size_t b_n,
                                      const double *c, size_t c_n, const double *d, size_t d_n,
                                      const double *e, size_t e_n, const double *f, size_t f_n,
                                      const double *g, size_t g_n, const double *h, size_t h_n)
{
    cxm_dyncov_data data;
    size_t *offsets = NULL;
    int status = cxmb_dyncov(&data, &offsets, model, a, a_n, b, b_n, c, c_n, d, d_n, e, e_n, f,
                             f_n, g, g_n, h, h_n);
    if (status == CXM_OK) status = cxmb_same_length(a_n, dst_n, "dst");
    if (status == CXM_OK && what == 2) status = cxmb_same_length(a_n, hz_n, "t");
    if (status == CXM_OK && (what < 0 || what > 2))
        status = cxmb_fail(CXM_EINVAL, "what must be 0, 1 or 2");
    if (status == CXM_OK)
        status = what == 0   ? cxm_model_dynamic_log_likelihood(dst, dst_n, model, &data)
                 : what == 1 ? cxm_model_dynamic_p_alive(dst, dst_n, model, &data)
                             : cxm_model_dynamic_conditional_purchases(dst, dst_n, model, hz,
                                                                       &data);
    free(offsets);
    return status;
}

/* x into dst, t_x into dst2, counts per segment into dst3, alive into dst4;
 * T in c, segments per customer in d, ends in e, covariates in g and h. */
static int cxmb_model_dynamic_simulate(const cxm_model *model, double *dst, size_t dst_n,
                                       double *dst2, size_t dst2_n, double *dst3, size_t dst3_n,
                                       double *dst4, size_t dst4_n, const double *c, size_t c_n,
                                       const double *d, size_t d_n, const double *e, size_t e_n,
                                       const double *g, size_t g_n, const double *h, size_t h_n,
                                       unsigned long long seed)
{
    cxm_dyncov_data data;
    size_t *offsets = NULL;
    int status = cxmb_dyncov(&data, &offsets, model, c, c_n, c, c_n, c, c_n, d, d_n, e, e_n, e, 0,
                             g, g_n, h, h_n);
    if (status == CXM_OK) status = cxmb_same_length(c_n, dst_n, "x");
    if (status == CXM_OK) status = cxmb_same_length(c_n, dst2_n, "t_x");
    if (status == CXM_OK) status = cxmb_same_length(e_n, dst3_n, "counts");
    if (status == CXM_OK) status = cxmb_same_length(c_n, dst4_n, "alive");
    if (status == CXM_OK)
        status = cxm_model_dynamic_simulate(dst, dst2, dst3, dst4, model, &data, seed);
    free(offsets);
    return status;
}
%}

/* ---------------------------------------------------------------- BG/CNBD-k, MBG/CNBD-k */
%rename(model_fit_regular) cxmb_model_fit_regular;
%rename(model_log_likelihood_regular) cxmb_model_log_likelihood_regular;
%rename(estimate_regularity) cxmb_estimate_regularity;
%apply double *OUTPUT { double *customers_used };
%inline %{
/* The four columns x, t_x, T, litt in a, b, c, d; weights (empty: none); fit
 * options. k: cxm_model_set_regularity() first. */
static int cxmb_regular_columns(double **data, const double *a, size_t a_n, const double *b,
                                size_t b_n, const double *c, size_t c_n, const double *d,
                                size_t d_n, size_t w_n)
{
    int status = cxmb_same_length(a_n, b_n, "t_x");
    if (status == CXM_OK) status = cxmb_same_length(a_n, c_n, "T");
    if (status == CXM_OK) status = cxmb_same_length(a_n, d_n, "litt");
    if (status == CXM_OK) status = cxmb_weights(a_n, w_n);
    if (status != CXM_OK)
        return status;
    *data = malloc((a_n ? a_n : 1) * 4 * sizeof **data);
    if (*data == NULL)
        return cxmb_fail(CXM_ENOMEM, "out of memory");
    memcpy(*data, a, a_n * sizeof **data);
    memcpy(*data + a_n, b, a_n * sizeof **data);
    memcpy(*data + 2 * a_n, c, a_n * sizeof **data);
    memcpy(*data + 3 * a_n, d, a_n * sizeof **data);
    return CXM_OK;
}

static int cxmb_model_fit_regular(cxm_model *model, const double *a, size_t a_n,
                                  const double *b, size_t b_n, const double *c, size_t c_n,
                                  const double *d, size_t d_n, const double *w, size_t w_n,
                                  double penalty, unsigned max_iterations, double tolerance,
                                  unsigned threads, unsigned flags)
{
    cxm_fit_options o;
    double *data = NULL;
    int status = cxmb_regular_columns(&data, a, a_n, b, b_n, c, c_n, d, d_n, w_n);
    if (status == CXM_OK) status = cxmb_fit_options(&o, penalty, max_iterations, tolerance, threads, flags);
    if (status == CXM_OK) status = cxm_model_fit_columns(model, a_n, data, w_n ? w : NULL, &o);
    free(data);
    return status;
}

static int cxmb_model_log_likelihood_regular(const cxm_model *model, double *out,
                                             const double *a, size_t a_n, const double *b,
                                             size_t b_n, const double *c, size_t c_n,
                                             const double *d, size_t d_n, const double *w,
                                             size_t w_n)
{
    double *data = NULL;
    int status = cxmb_regular_columns(&data, a, a_n, b, b_n, c, c_n, d, d_n, w_n);
    if (status == CXM_OK) status = cxm_model_log_likelihood_of(out, model, a_n, data, w_n ? w : NULL);
    free(data);
    return status;
}

/* Customer codes (whole numbers, exact below 2^53) in a, times in b: the
 * estimate and the customers it used. */
static int cxmb_estimate_regularity(double *out, double *customers_used, const double *a,
                                    size_t a_n, const double *b, size_t b_n)
{
    int status = cxmb_same_length(a_n, b_n, "the times");
    if (status != CXM_OK)
        return status;
    int64_t *codes = malloc((a_n ? a_n : 1) * sizeof *codes);
    if (codes == NULL)
        return cxmb_fail(CXM_ENOMEM, "out of memory");
    for (size_t i = 0; i < a_n && status == CXM_OK; i++) {
        if (!(fabs(a[i]) <= 9007199254740992.0) || a[i] != floor(a[i]))
            status = cxmb_fail(CXM_EINVAL, "a customer code is not a whole number below 2^53");
        codes[i] = (int64_t)a[i];
    }
    size_t used = 0;
    if (status == CXM_OK) status = cxm_estimate_regularity(out, &used, a_n, codes, b);
    *customers_used = (double)used;
    free(codes);
    return status;
}
%}
