/* Chunked work (cxm/chunk.h): the adapters. Included by cxm.i after
 * model.i, io.i and journey.i, which wrap the declarations with their
 * modules' (cxm/model.h, cxm/rfm.h, cxm/journey.h; the counts handle and
 * its bytes typemaps are in journey.i) and ignore those bound here.
 *
 * Python gets everything; cxm.dask (bindings/python/cxm/dask.py) is the
 * driver built on it. The chunked fit calls back into Python: the callback
 * receives the parameters (a numpy array) and the order and returns the
 * summed chunk results; an exception it raises stops the fit and is raised
 * again by model_fit_chunked. Lua gets the chunk likelihood and the start
 * (with covariates too), set_fit and the attribution counts (as strings of
 * bytes). */

/* ---------------------------------------------------------------- adapters */
%rename(model_chunk_loglik) cxmb_model_chunk_loglik;
%rename(model_start) cxmb_model_start;
%rename(model_chunk_loglik_covariates) cxmb_model_chunk_loglik_covariates;
%rename(model_start_covariates) cxmb_model_start_covariates;
/* The dropout covariates, after model.i's d and e. */
%apply (const double *IN_ARRAY1, size_t DIM1) { (const double *f, size_t f_n) };
#if defined(SWIGPYTHON)
%apply (double *IN_ARRAY1, size_t DIM1) { (const double *f, size_t f_n) };
#endif
%rename(model_set_fit) cxmb_model_set_fit;
%rename(markov_counts_create) cxmb_markov_counts_create;
%rename(markov_counts_load) cxmb_markov_counts_load;

%{
/* Up to four columns b, c, d, e (the kind's, the rest empty) of one length. */
static int cxmb_columns(const cxm_model *model, const double **cols, const double *b, size_t b_n,
                        const double *c, size_t c_n, const double *d, size_t d_n,
                        const double *e, size_t e_n, const double *w, size_t w_n)
{
    const double *given[4] = { b, c, d, e };
    size_t lengths[4] = { b_n, c_n, d_n, e_n };
    static const char *names[4] = { "the second column", "the third column", "the fourth column",
                                    "the fifth column" };
    size_t ncol = cxm_model_column_count(model);
    if (ncol > 4)
        return cxmb_fail(CXM_EUNSUPPORTED, "a model with more than 4 columns");
    for (size_t k = 0; k < 4; k++) {
        cols[k] = given[k];
        if (k > 0 && k < ncol) {
            int status = cxmb_same_length(b_n, lengths[k], names[k - 1]);
            if (status != CXM_OK)
                return status;
        }
    }
    return w_n == 0 ? CXM_OK : cxmb_same_length(b_n, w_n, "weights");
}
%}

%inline %{
/* The chunk results (dst, cxm_model_chunk_size values) of rows b, c[, d[, e]]
 * with weights w (empty: none) at parameters a. */
static int cxmb_model_chunk_loglik(const cxm_model *model, double *dst, size_t dst_n,
                                   const double *a, size_t a_n, int order, const double *b,
                                   size_t b_n, const double *c, size_t c_n, const double *d,
                                   size_t d_n, const double *e, size_t e_n, const double *w,
                                   size_t w_n)
{
    const double *cols[4];
    int status = cxmb_columns(model, cols, b, b_n, c, c_n, d, d_n, e, e_n, w, w_n);
    return status ? status
                  : cxm_model_chunk_loglik(dst, dst_n, model, a, a_n, order, b_n, cols,
                                           w_n ? w : NULL);
}

static int cxmb_model_start(const cxm_model *model, double *dst, size_t dst_n, const double *b,
                            size_t b_n, const double *c, size_t c_n, const double *d, size_t d_n,
                            const double *e, size_t e_n, const double *w, size_t w_n,
                            double penalty, unsigned threads, unsigned flags)
{
    const double *cols[4];
    cxm_fit_options o;
    cxm_fit_options_init(&o);
    o.penalty = penalty;
    o.threads = threads;
    o.flags = flags;
    int status = cxmb_columns(model, cols, b, b_n, c, c_n, d, d_n, e, e_n, w, w_n);
    return status ? status
                  : cxm_model_start(dst, dst_n, model, b_n, cols, w_n ? w : NULL, &o);
}

/* n customers' columns x, t_x, T (b, c, d) and covariates, row-major:
 * purchase e (n × purchase_n), dropout f (n × dropout_n); weights w
 * (empty: none). Covariates the model lacks may be empty arrays. */
static int cxmb_covariate_rows(const cxm_model *model, const double **cols, size_t b_n,
                               const double *c, size_t c_n, const double *d, size_t d_n,
                               size_t e_n, size_t f_n, size_t w_n)
{
    size_t kp = 0, kd = 0;
    int status = cxm_model_covariate_count(&kp, &kd, model);
    if (status == CXM_OK) status = cxmb_same_length(b_n, c_n, "t_x");
    if (status == CXM_OK) status = cxmb_same_length(b_n, d_n, "T");
    if (status == CXM_OK) status = cxmb_same_length(b_n * kp, e_n, "purchase covariates");
    if (status == CXM_OK) status = cxmb_same_length(b_n * kd, f_n, "dropout covariates");
    if (status == CXM_OK && w_n != 0) status = cxmb_same_length(b_n, w_n, "weights");
    cols[1] = c;
    cols[2] = d;
    return status;
}

/* Chunk results (dst) of customers b, c, d with covariates e, f and weights
 * w at parameters a. */
static int cxmb_model_chunk_loglik_covariates(const cxm_model *model, double *dst, size_t dst_n,
                                              const double *a, size_t a_n, int order,
                                              const double *b, size_t b_n, const double *c,
                                              size_t c_n, const double *d, size_t d_n,
                                              const double *e, size_t e_n, const double *f,
                                              size_t f_n, const double *w, size_t w_n)
{
    const double *cols[3] = { b, NULL, NULL };
    int status = cxmb_covariate_rows(model, cols, b_n, c, c_n, d, d_n, e_n, f_n, w_n);
    return status ? status
                  : cxm_model_chunk_loglik_covariates(dst, dst_n, model, a, a_n, order, b_n, cols,
                                                      e_n ? e : NULL, f_n ? f : NULL,
                                                      w_n ? w : NULL);
}

/* Where the covariate fit of customers b, c, d (covariates e, f, weights w)
 * starts; the penalties, threads and flags as for the fit. */
static int cxmb_model_start_covariates(const cxm_model *model, double *dst, size_t dst_n,
                                       const double *b, size_t b_n, const double *c, size_t c_n,
                                       const double *d, size_t d_n, const double *e, size_t e_n,
                                       const double *f, size_t f_n, const double *w, size_t w_n,
                                       double penalty, double purchase_penalty,
                                       double dropout_penalty, unsigned threads, unsigned flags)
{
    const double *cols[3] = { b, NULL, NULL };
    cxm_fit_options o;
    cxm_fit_options_init(&o);
    o.penalty = penalty;
    o.purchase_penalty = purchase_penalty;
    o.dropout_penalty = dropout_penalty;
    o.threads = threads;
    o.flags = flags;
    int status = cxmb_covariate_rows(model, cols, b_n, c, c_n, d, d_n, e_n, f_n, w_n);
    return status ? status
                  : cxm_model_start_covariates(dst, dst_n, model, b_n, cols, e_n ? e : NULL,
                                               f_n ? f : NULL, w_n ? w : NULL, &o);
}

/* params a, covariance b; the report's numbers as arguments. */
static int cxmb_model_set_fit(cxm_model *model, const double *a, size_t a_n, const double *b,
                              size_t b_n, double penalty, double log_likelihood,
                              double observations, double rows, unsigned iterations,
                              unsigned evaluations, double gradient_norm)
{
    cxm_fit_report r = CXM_FIT_REPORT_INIT;
    r.reason = CXM_FIT_CONVERGED;
    r.iterations = iterations;
    r.evaluations = evaluations;
    r.gradient_norm = gradient_norm;
    r.log_likelihood = log_likelihood;
    r.observations = observations;
    r.rows = rows;
    return cxm_model_set_fit(model, a, a_n, b, b_n, penalty, &r);
}

static int cxmb_markov_counts_create(cxm_markov_counts **out, const cxm_paths *paths,
                                     unsigned order, int use_nulls, int keep_self_loops)
{
    cxm_markov_options o;
    cxm_markov_options_init(&o);
    o.order = order;
    o.use_nulls = use_nulls;
    o.keep_self_loops = keep_self_loops;
    return cxm_markov_counts_create(out, paths, &o);
}

static int cxmb_markov_counts_load(cxm_markov_counts **out, const char *bytes, size_t bytes_n)
{
    return cxm_markov_counts_load(out, (const unsigned char *)bytes, bytes_n);
}
%}

#if defined(SWIGPYTHON)
%apply (long long *INPLACE_ARRAY1, size_t DIM1) { (long long *codes_out, size_t codes_out_n) };
%apply (double *INPLACE_ARRAY1, size_t DIM1) { (double *dst2, size_t dst2_n) };
%rename(rfm_reduce) cxmb_rfm_reduce;
%rename(model_fit_chunked) cxmb_model_fit_chunked;
/* Calls into Python and releases the GIL itself. */
%nothread cxmb_model_fit_chunked;

%{
/* The chunked fit's callback: a Python callable f(params, order) returning
 * the summed chunk results. Its exception is kept and raised again when the
 * fit returns. */
typedef struct cxmb_py_fit {
    PyObject *fn;
    PyObject *type, *value, *traceback;
} cxmb_py_fit;

static int cxmb_py_chunk_loglik(void *context, double *dst, size_t dst_n, const double *params,
                                size_t nparams, int order)
{
    cxmb_py_fit *fit = context;
    int status = CXM_OK;
    PyGILState_STATE gil = PyGILState_Ensure();
    npy_intp dims[1] = { (npy_intp)nparams };
    PyObject *p = PyArray_SimpleNew(1, dims, NPY_DOUBLE), *result = NULL, *array = NULL;
    if (p != NULL) {
        memcpy(PyArray_DATA((PyArrayObject *)p), params, nparams * sizeof *params);
        result = PyObject_CallFunction(fit->fn, "Oi", p, order);
    }
    if (result != NULL)
        array = PyArray_FROMANY(result, NPY_DOUBLE, 1, 1, NPY_ARRAY_IN_ARRAY);
    if (array != NULL && (size_t)PyArray_SIZE((PyArrayObject *)array) != dst_n) {
        PyErr_Format(PyExc_ValueError,
                     "the chunk callback returned %zd values where the model's chunk results "
                     "have %zu", (Py_ssize_t)PyArray_SIZE((PyArrayObject *)array), dst_n);
        Py_CLEAR(array);
    }
    if (array != NULL) {
        memcpy(dst, PyArray_DATA((PyArrayObject *)array), dst_n * sizeof *dst);
    } else {
        PyErr_Fetch(&fit->type, &fit->value, &fit->traceback);
        status = cxmb_fail(CXM_EINVAL, "the chunk callback raised an exception");
    }
    Py_XDECREF(array);
    Py_XDECREF(result);
    Py_XDECREF(p);
    PyGILState_Release(gil);
    return status;
}
%}

%inline %{
/* Fit on summed chunk results from fn(params, order); start a (empty with
 * CXM_FIT_WARM_START); the covariate effects' penalties for a model with
 * covariates (0 without). Returns None, or raises the callback's exception
 * or the fit's error. */
static PyObject *cxmb_model_fit_chunked(cxm_model *model, PyObject *fn, const double *a,
                                        size_t a_n, double penalty, unsigned max_iterations,
                                        double tolerance, unsigned flags,
                                        double purchase_penalty, double dropout_penalty)
{
    if (!PyCallable_Check(fn)) {
        PyErr_SetString(PyExc_TypeError, "the chunk callback must be callable");
        return NULL;
    }
    cxm_fit_options o;
    cxm_fit_options_init(&o);
    o.penalty = penalty;
    o.max_iterations = max_iterations;
    o.tolerance = tolerance;
    o.flags = flags;
    o.purchase_penalty = purchase_penalty;
    o.dropout_penalty = dropout_penalty;
    cxmb_py_fit fit = { fn, NULL, NULL, NULL };
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = cxm_model_fit_chunked(model, cxmb_py_chunk_loglik, &fit, a_n ? a : NULL, a_n, &o);
    Py_END_ALLOW_THREADS
    if (fit.type != NULL) {
        cxmb_take_message(); /* the adapter's own note: the exception says it better */
        PyErr_Restore(fit.type, fit.value, fit.traceback);
        return NULL;
    }
    if (status != CXM_OK) {
        cxmb_raise(status);
        return NULL;
    }
    Py_RETURN_NONE;
}

/* Reduce transactions (codes, times a, amounts b when has_amount) into
 * codes_out, dst (times) and dst2 (amounts, or empty); *out = rows written. */
static int cxmb_rfm_reduce(double *out, long long *codes_out, size_t codes_out_n, double *dst,
                           size_t dst_n, double *dst2, size_t dst2_n, const long long *codes,
                           size_t codes_n, const double *a, size_t a_n, const double *b,
                           size_t b_n, int has_amount, double unit_days, unsigned unit_months,
                           double unit_origin)
{
    int status = cxmb_same_length(codes_n, a_n, "the times");
    if (status == CXM_OK && has_amount)
        status = cxmb_same_length(codes_n, b_n, "the amounts");
    if (status == CXM_OK)
        status = cxmb_same_length(codes_out_n, dst_n, "the output times");
    if (status == CXM_OK && has_amount)
        status = cxmb_same_length(codes_out_n, dst2_n, "the output amounts");
    if (status != CXM_OK)
        return status;
    cxm_rfm_options o;
    cxm_rfm_options_init(&o);
    o.unit_days = unit_days;
    o.unit_months = unit_months;
    o.unit_origin = unit_origin;
    size_t count = 0;
    status = cxm_rfm_reduce(&count, (int64_t *)(void *)codes_out, dst, has_amount ? dst2 : NULL,
                            codes_out_n, codes_n, (const int64_t *)(const void *)codes, a,
                            has_amount ? b : NULL, &o);
    *out = (double)count;
    return status;
}
%}
#endif
