/* The emotion chain. Included by cxm.i. */
%ignore cxm_peak_end;
%ignore cxm_peak_end_many;
%ignore cxm_nps_from_scores;
%ignore cxm_csat_from_scores;
%ignore cxm_ces_from_scores;
%ignore cxm_servqual_respondents;
%ignore cxm_servqual_summary;
%ignore cxm_kano_classify_many;
%ignore cxm_kano_evaluate;
%ignore cxm_delight_classify;
%ignore cxm_valence_aggregate;
%ignore cxm_valence_aggregate_many;
%ignore cxm_logit_fit;
%ignore cxm_return_on_quality;
%ignore cxm_satisfaction_index;

/* Result structs returned by value: the function fills a temporary, the
 * caller gets an owned copy (a proxy object in Python, userdata in Lua). */
#if defined(SWIGPYTHON)
%define CXMB_RESULT_STRUCT(TYPE)
%typemap(in, numinputs=0) TYPE *out (TYPE temp) {
    memset(&temp, 0, sizeof temp);
    $1 = &temp;
}
%typemap(argout) TYPE *out {
    TYPE *copy = (TYPE *)malloc(sizeof(TYPE));
    if (copy == NULL) {
        PyErr_NoMemory();
        SWIG_fail;
    }
    *copy = *$1;
    $result = SWIG_Python_AppendOutput($result, SWIG_NewPointerObj(copy, $descriptor(TYPE *), SWIG_POINTER_OWN));
}
%enddef
#elif defined(SWIGLUA)
%define CXMB_RESULT_STRUCT(TYPE)
%typemap(in, numinputs=0) TYPE *out (TYPE temp) {
    memset(&temp, 0, sizeof temp);
    $1 = &temp;
}
%typemap(argout) TYPE *out {
    TYPE *copy = (TYPE *)malloc(sizeof(TYPE));
    if (copy == NULL) {
        lua_pushstring(L, "out of memory");
        SWIG_fail;
    }
    *copy = *$1;
    SWIG_NewPointerObj(L, copy, $descriptor(TYPE *), 1);
    SWIG_arg++;
}
%enddef
#endif

CXMB_RESULT_STRUCT(cxm_nps_estimate)
CXMB_RESULT_STRUCT(cxm_nps_comparison)
CXMB_RESULT_STRUCT(cxm_csat_estimate)
CXMB_RESULT_STRUCT(cxm_ces_estimate)
CXMB_RESULT_STRUCT(cxm_servqual_scores)
CXMB_RESULT_STRUCT(cxm_kano_summary)
CXMB_RESULT_STRUCT(cxm_logit)
CXMB_RESULT_STRUCT(cxm_value_link)
CXMB_RESULT_STRUCT(cxm_roq)

%apply int *OUTPUT { int *category };

/* ---------------------------------------------------------------- PLS handles */
%ignore cxm_pls_options_init;
%ignore cxm_pls_model_add_construct;
%ignore cxm_pls_estimate;
%ignore cxm_pls_result_model;
%ignore cxm_pls_result_scores;
%ignore cxm_pls_value_of_driver;
%ignore cxm_pls_model_htmt;
%ignore cxm_pls_model_construct_mode;
%ignore cxm_survey_read;
%ignore cxm_survey_pls;
%ignore cxm_survey_pls_predict;
%ignore cxm_pls_predict;
%ignore cxm_pls_predict_options_init;
%ignore cxm_pls_result_indirect_path;
%ignore cxm_pls_prediction_folds;
%ignore cxm_survey_column;
%nodefaultctor cxm_survey;
struct cxm_survey {};
%extend cxm_survey {
    ~cxm_survey() { cxm_survey_free($self); }
}
%typemap(in, numinputs=0) cxm_survey **out (cxm_survey *temp = NULL) { $1 = &temp; }
%nodefaultctor cxm_pls_model;
%nodefaultctor cxm_pls_result;
%nodefaultctor cxm_pls_prediction;
struct cxm_pls_model {};
struct cxm_pls_result {};
struct cxm_pls_prediction {};
%extend cxm_pls_prediction {
    ~cxm_pls_prediction() { cxm_pls_prediction_free($self); }
}
%extend cxm_pls_model {
    ~cxm_pls_model() { cxm_pls_model_free($self); }
}
%extend cxm_pls_result {
    ~cxm_pls_result() { cxm_pls_result_free($self); }
}
CXMB_RESULT_STRUCT(cxm_pls_info)
CXMB_RESULT_STRUCT(cxm_pls_predict_info)
CXMB_RESULT_STRUCT(cxm_pls_options)
/* cxm_pls_model_options() fills the fields of the version it is given. */
%typemap(in, numinputs=0) cxm_pls_options *out (cxm_pls_options temp) {
    cxm_pls_options_init(&temp);
    $1 = &temp;
}

%typemap(in, numinputs=0) cxm_pls_model **out (cxm_pls_model *temp = NULL) { $1 = &temp; }
%typemap(in, numinputs=0) cxm_pls_result **out (cxm_pls_result *temp = NULL) { $1 = &temp; }
%typemap(in, numinputs=0) cxm_pls_prediction **out (cxm_pls_prediction *temp = NULL) { $1 = &temp; }
%typemap(in, numinputs=0) char **out (char *temp = NULL) { $1 = &temp; }
%typemap(in, numinputs=0) size_t *out (size_t temp = 0), size_t *from (size_t temp = 0),
    size_t *to (size_t temp = 0) { $1 = &temp; }
#if defined(SWIGPYTHON)
%typemap(argout) cxm_pls_model **out {
    $result = SWIG_Python_AppendOutput($result, SWIG_NewPointerObj(*$1, $descriptor(cxm_pls_model *), SWIG_POINTER_OWN));
}
%typemap(argout) cxm_pls_result **out {
    $result = SWIG_Python_AppendOutput($result, SWIG_NewPointerObj(*$1, $descriptor(cxm_pls_result *), SWIG_POINTER_OWN));
}
%typemap(argout) cxm_pls_prediction **out {
    $result = SWIG_Python_AppendOutput($result, SWIG_NewPointerObj(*$1, $descriptor(cxm_pls_prediction *), SWIG_POINTER_OWN));
}
%typemap(argout) cxm_survey **out {
    $result = SWIG_Python_AppendOutput($result, SWIG_NewPointerObj(*$1, $descriptor(cxm_survey *), SWIG_POINTER_OWN));
}
%typemap(argout) char **out {
    PyObject *text = PyUnicode_FromString(*$1 ? *$1 : "");
    cxm_free(*$1);
    if (text == NULL)
        SWIG_fail;
    $result = SWIG_Python_AppendOutput($result, text);
}
%typemap(argout) size_t *out, size_t *from, size_t *to {
    $result = SWIG_Python_AppendOutput($result, PyLong_FromSize_t(*$1));
}
#elif defined(SWIGLUA)
%typemap(argout) cxm_pls_model **out {
    SWIG_NewPointerObj(L, *$1, $descriptor(cxm_pls_model *), 1);
    SWIG_arg++;
}
%typemap(argout) cxm_pls_result **out {
    SWIG_NewPointerObj(L, *$1, $descriptor(cxm_pls_result *), 1);
    SWIG_arg++;
}
%typemap(argout) cxm_pls_prediction **out {
    SWIG_NewPointerObj(L, *$1, $descriptor(cxm_pls_prediction *), 1);
    SWIG_arg++;
}
%typemap(argout) cxm_survey **out {
    SWIG_NewPointerObj(L, *$1, $descriptor(cxm_survey *), 1);
    SWIG_arg++;
}
%typemap(argout) char **out {
    lua_pushstring(L, *$1 ? *$1 : "");
    cxm_free(*$1);
    SWIG_arg++;
}
%typemap(argout) size_t *out, size_t *from, size_t *to {
    lua_pushinteger(L, (lua_Integer)*$1);
    SWIG_arg++;
}
#endif
/* A struct field, not a status: the status typemap of cxm.i must not apply. */
#if defined(SWIGPYTHON)
%typemap(out) int category, int scheme, int approach { $result = PyLong_FromLong($1); }
#elif defined(SWIGLUA)
%typemap(out) int category, int scheme, int approach { lua_pushinteger(L, $1); SWIG_arg++; }
#endif

/* More array names for the adapters below. */
%apply (double *INPLACE_ARRAY1, size_t DIM1) {
    (double *dst2, size_t dst2_n), (double *dst3, size_t dst3_n)
};
%apply (const double *IN_ARRAY1, size_t DIM1) { (const double *d, size_t d_n) };
#if defined(SWIGPYTHON)
%apply (double *IN_ARRAY1, size_t DIM1) { (const double *d, size_t d_n) };
#endif

/* Disconfirmation and adaptive expectations (output first, inputs of its
 * length) are bound as they are (cxm.i's SAME_LENGTH). */
%apply const double *SAME_LENGTH { const double *perceptions, const double *expectations };
%include "cxm/chain.h"
%clear const double *perceptions, const double *expectations;

#if defined(SWIGPYTHON)
%numpy_typemaps(size_t, NPY_UINTP, size_t)
%apply (size_t *IN_ARRAY1, size_t DIM1) { (const size_t *offsets, size_t offsets_n) };
#endif

%{
/* Whole numbers >= 0 from doubles (layouts and offsets from Lua tables). */
static int cxmb_sizes(size_t **dst, const double *values, size_t n, const char *name)
{
    char text[256];
    *dst = (size_t *)malloc((n ? n : 1) * sizeof **dst);
    if (*dst == NULL)
        return cxmb_fail(CXM_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        if (!(values[i] >= 0 && values[i] == (double)(size_t)values[i])) {
            free(*dst);
            *dst = NULL;
            snprintf(text, sizeof text, "%s element %zu (%g) is not a whole number >= 0", name, i,
                     values[i]);
            return cxmb_fail(CXM_EINVAL, text);
        }
        (*dst)[i] = (size_t)values[i];
    }
    return CXM_OK;
}

/* Categories and classes are small integers: the adapters return them as doubles. */
static int cxmb_ints_to_doubles(int status, const int *ints, double *dst, size_t n)
{
    for (size_t i = 0; status == CXM_OK && i < n; i++)
        dst[i] = ints[i];
    return status;
}
%}

%rename(peak_end) cxmb_peak_end;
%rename(nps_from_scores) cxmb_nps_from_scores;
%rename(csat_from_scores) cxmb_csat_from_scores;
%rename(ces_from_scores) cxmb_ces_from_scores;
%rename(servqual_respondents) cxmb_servqual_respondents;
%rename(servqual_summary) cxmb_servqual_summary;
%rename(kano_classify_many) cxmb_kano_classify_many;
%rename(kano_evaluate) cxmb_kano_evaluate;
%rename(delight_classify) cxmb_delight_classify;
%rename(valence_aggregate) cxmb_valence_aggregate;
%rename(logit_fit) cxmb_logit_fit;
%rename(return_on_quality) cxmb_return_on_quality;
%rename(satisfaction_index) cxmb_satisfaction_index;
%inline %{
static int cxmb_peak_end(double *out, const double *a, size_t a_n)
{
    return cxm_peak_end(out, a_n, a);
}

static int cxmb_nps_from_scores(cxm_nps_estimate *out, const double *a, size_t a_n, double level)
{
    return cxm_nps_from_scores(out, a_n, a, level);
}

static int cxmb_csat_from_scores(cxm_csat_estimate *out, const double *a, size_t a_n,
                                 double scale_min, double scale_max, double satisfied_from,
                                 double level)
{
    return cxm_csat_from_scores(out, a_n, a, scale_min, scale_max, satisfied_from, level);
}

static int cxmb_ces_from_scores(cxm_ces_estimate *out, const double *a, size_t a_n,
                                double scale_min, double scale_max, double level)
{
    return cxm_ces_from_scores(out, a_n, a, scale_min, scale_max, level);
}

/* SERVQUAL: flat row-major matrices; an empty layout means the standard
 * one, empty weights none, n_items columns per row. */
static int cxmb_servqual_check(size_t a_n, size_t b_n, size_t n_items, size_t n_dimensions,
                               size_t c_n, size_t d_n, size_t *rows, size_t *weight_rows)
{
    char text[256];
    if (n_items == 0 || n_dimensions == 0)
        return cxmb_fail(CXM_EINVAL, "n_items and n_dimensions must be positive");
    int status = cxmb_same_length(a_n, b_n, "perceptions");
    if (status == CXM_OK && a_n % n_items != 0) {
        snprintf(text, sizeof text, "expectations have %zu values: not a multiple of %zu items", a_n,
                 n_items);
        return cxmb_fail(CXM_EINVAL, text);
    }
    if (status == CXM_OK && c_n > 0)
        status = cxmb_same_length(n_items, c_n, "dimension_of_item");
    if (status == CXM_OK && d_n % n_dimensions != 0) {
        snprintf(text, sizeof text, "weights have %zu values: not a multiple of %zu dimensions", d_n,
                 n_dimensions);
        return cxmb_fail(CXM_EINVAL, text);
    }
    *rows = a_n / n_items;
    *weight_rows = d_n / n_dimensions;
    return status;
}

static int cxmb_servqual_respondents(double *dst, size_t dst_n, double *dst2, size_t dst2_n,
                                     double *dst3, size_t dst3_n, const double *a, size_t a_n,
                                     const double *b, size_t b_n, size_t n_items,
                                     size_t n_dimensions, const double *c, size_t c_n,
                                     const double *d, size_t d_n)
{
    size_t rows, weight_rows, *layout = NULL;
    int status = cxmb_servqual_check(a_n, b_n, n_items, n_dimensions, c_n, d_n, &rows, &weight_rows);
    if (status == CXM_OK)
        status = cxmb_same_length(rows * n_dimensions, dst_n, "dimension gaps");
    if (status == CXM_OK)
        status = cxmb_same_length(rows, dst2_n, "unweighted scores");
    if (status == CXM_OK)
        status = cxmb_same_length(weight_rows > 0 ? rows : 0, dst3_n, "weighted scores");
    if (status == CXM_OK && c_n > 0)
        status = cxmb_sizes(&layout, c, c_n, "dimension_of_item");
    if (status == CXM_OK)
        status = cxm_servqual_respondents(dst, dst2, weight_rows > 0 ? dst3 : NULL, rows, n_items, a,
                                          b, n_dimensions, layout, weight_rows,
                                          weight_rows > 0 ? d : NULL);
    free(layout);
    return status;
}

static int cxmb_servqual_summary(cxm_servqual_scores *out, double *dst, size_t dst_n, double *dst2,
                                 size_t dst2_n, const double *a, size_t a_n, const double *b,
                                 size_t b_n, size_t n_items, size_t n_dimensions, const double *c,
                                 size_t c_n, const double *d, size_t d_n)
{
    size_t rows, weight_rows, *layout = NULL;
    int status = cxmb_servqual_check(a_n, b_n, n_items, n_dimensions, c_n, d_n, &rows, &weight_rows);
    if (status == CXM_OK)
        status = cxmb_same_length(n_items, dst_n, "item gaps");
    if (status == CXM_OK)
        status = cxmb_same_length(n_dimensions, dst2_n, "dimension gaps");
    if (status == CXM_OK && c_n > 0)
        status = cxmb_sizes(&layout, c, c_n, "dimension_of_item");
    if (status == CXM_OK)
        status = cxm_servqual_summary(out, dst, dst2, rows, n_items, a, b, n_dimensions, layout,
                                      weight_rows, weight_rows > 0 ? d : NULL);
    free(layout);
    return status;
}

static int cxmb_kano_classify_many(double *dst, size_t dst_n, const double *a, size_t a_n,
                                   const double *b, size_t b_n)
{
    int status = cxmb_same_length(dst_n, a_n, "functional");
    if (status == CXM_OK)
        status = cxmb_same_length(dst_n, b_n, "dysfunctional");
    int *categories = status == CXM_OK ? (int *)malloc((dst_n ? dst_n : 1) * sizeof(int)) : NULL;
    if (status == CXM_OK && categories == NULL)
        status = cxmb_fail(CXM_ENOMEM, "out of memory");
    if (status == CXM_OK)
        status = cxmb_ints_to_doubles(cxm_kano_classify_many(categories, dst_n, a, b), categories,
                                      dst, dst_n);
    free(categories);
    return status;
}

static int cxmb_kano_evaluate(cxm_kano_summary *out, const double *a, size_t a_n, const double *b,
                              size_t b_n)
{
    int status = cxmb_same_length(a_n, b_n, "dysfunctional");
    return status ? status : cxm_kano_evaluate(out, a_n, a, b);
}

/* Affect may be empty: classes from disconfirmation alone. */
static int cxmb_delight_classify(double *dst, size_t dst_n, const double *a, size_t a_n,
                                 const double *b, size_t b_n, double surprise, double arousal)
{
    int status = cxmb_same_length(dst_n, a_n, "disconfirmation");
    if (status == CXM_OK && b_n > 0)
        status = cxmb_same_length(dst_n, b_n, "affect");
    int *classes = status == CXM_OK ? (int *)malloc((dst_n ? dst_n : 1) * sizeof(int)) : NULL;
    if (status == CXM_OK && classes == NULL)
        status = cxmb_fail(CXM_ENOMEM, "out of memory");
    if (status == CXM_OK)
        status = cxmb_ints_to_doubles(
            cxm_delight_classify(classes, dst_n, a, b_n > 0 ? b : NULL, surprise, arousal), classes,
            dst, dst_n);
    free(classes);
    return status;
}

/* Valence of one or many journeys: offsets as doubles (empty for one
 * journey), durations empty for 1 each. */
static int cxmb_valence_aggregate(double *dst, size_t dst_n, const double *a, size_t a_n,
                                  const double *b, size_t b_n, const double *c, size_t c_n,
                                  int rule, double parameter)
{
    int status = b_n > 0 ? cxmb_same_length(a_n, b_n, "durations") : CXM_OK;
    size_t *offsets = NULL;
    if (status == CXM_OK && c_n == 0) {
        status = cxmb_same_length(1, dst_n, "result");
        return status ? status
                      : cxm_valence_aggregate(dst, a_n, a, b_n > 0 ? b : NULL,
                                              (cxm_valence_rule)rule, parameter);
    }
    if (status == CXM_OK)
        status = cxmb_same_length(dst_n + 1, c_n, "offsets");
    if (status == CXM_OK)
        status = cxmb_sizes(&offsets, c, c_n, "offsets");
    if (status == CXM_OK && offsets[c_n - 1] != a_n)
        status = cxmb_fail(CXM_EINVAL, "the last offset must equal the number of moments");
    if (status == CXM_OK)
        status = cxm_valence_aggregate_many(dst, dst_n, offsets, a, b_n > 0 ? b : NULL,
                                            (cxm_valence_rule)rule, parameter);
    free(offsets);
    return status;
}

static int cxmb_logit_fit(cxm_logit *out, const double *a, size_t a_n, const double *b, size_t b_n,
                          const double *c, size_t c_n)
{
    int status = cxmb_same_length(a_n, b_n, "y");
    if (status == CXM_OK && c_n > 0)
        status = cxmb_same_length(a_n, c_n, "weights");
    return status ? status : cxm_logit_fit(out, a_n, a, b, c_n > 0 ? c : NULL);
}

static int cxmb_return_on_quality(cxm_roq *out, double gain, const double *a, size_t a_n,
                                  double discount)
{
    return cxm_return_on_quality(out, gain, a_n, a, discount);
}

static int cxmb_satisfaction_index(double *out, const double *a, size_t a_n, const double *b,
                                   size_t b_n, double scale_min, double scale_max)
{
    int status = cxmb_same_length(a_n, b_n, "means");
    return status ? status : cxm_satisfaction_index(out, a_n, a, b, scale_min, scale_max);
}
%}

%apply int *OUTPUT { int *mode };
%rename(pls_model_construct_mode) cxmb_pls_model_construct_mode;
%inline %{
static int cxmb_pls_model_construct_mode(int *mode, const cxm_pls_model *model, size_t j)
{
    cxm_pls_mode m = CXM_PLS_MODE_A;
    int status = cxm_pls_model_construct_mode(&m, model, j);
    *mode = (int)m;
    return status;
}
%}

%rename(pls_model_add_construct) cxmb_pls_model_add_construct;
%rename(pls_value_of_driver) cxmb_pls_value_of_driver;
%rename(pls_result_indirect_path) cxmb_pls_result_indirect_path;
%rename(pls_prediction_folds) cxmb_pls_prediction_folds;
%inline %{
static int cxmb_pls_model_add_construct(cxm_pls_model *model, const char *name, int mode)
{
    return cxm_pls_model_add_construct(model, name, (cxm_pls_mode)mode);
}

static int cxmb_pls_value_of_driver(cxm_value_link *out, const cxm_pls_result *result,
                                    size_t driver, size_t target, double points,
                                    const cxm_logit *retention, double margin, double discount,
                                    int timing, double customers)
{
    return cxm_pls_value_of_driver(out, result, driver, target, points, retention, margin,
                                   discount, (cxm_cash_timing)timing, customers);
}

static int cxmb_pls_options(cxm_pls_options *o, int scheme, double tolerance,
                            size_t max_iterations, size_t bootstrap, unsigned long long seed,
                            double level, size_t threads, int missing, int bca,
                            int consistent)
{
    cxm_pls_options_init(o);
    o->scheme = (cxm_pls_scheme)scheme;
    o->tolerance = tolerance;
    o->max_iterations = max_iterations;
    o->bootstrap = bootstrap;
    o->seed = seed;
    o->level = level;
    o->threads = threads;
    o->missing = (cxm_pls_missing)missing;
    o->bca = bca;
    o->consistent = consistent;
    return CXM_OK;
}

static int cxmb_pls_predict_options(cxm_pls_predict_options *o, size_t folds, size_t repetitions,
                                    unsigned long long seed, int approach, size_t threads)
{
    cxm_pls_predict_options_init(o);
    o->folds = folds;
    o->repetitions = repetitions;
    o->seed = seed;
    o->approach = (cxm_pls_predict_approach)approach;
    o->threads = threads;
    return CXM_OK;
}

/* Index arrays as doubles (every binding has double output arrays); a
 * respondent without a fold gets -1. */
static int cxmb_pls_result_indirect_path(double *dst, size_t n, const cxm_pls_result *result,
                                         size_t k)
{
    size_t *nodes = (size_t *)malloc((n ? n : 1) * sizeof *nodes);
    if (nodes == NULL)
        return cxmb_fail(CXM_ENOMEM, "out of memory");
    int status = cxm_pls_result_indirect_path(nodes, n, result, k);
    for (size_t i = 0; status == CXM_OK && i < n; i++)
        dst[i] = (double)nodes[i];
    free(nodes);
    return status;
}

static int cxmb_pls_prediction_folds(double *dst, size_t n, const cxm_pls_prediction *prediction)
{
    size_t *folds = (size_t *)malloc((n ? n : 1) * sizeof *folds);
    if (folds == NULL)
        return cxmb_fail(CXM_ENOMEM, "out of memory");
    int status = cxm_pls_prediction_folds(folds, n, prediction);
    for (size_t i = 0; status == CXM_OK && i < n; i++)
        dst[i] = folds[i] == SIZE_MAX ? -1.0 : (double)folds[i];
    free(folds);
    return status;
}
%}

%rename(survey_read) cxmb_survey_read;
%rename(survey_column) cxmb_survey_column;
%rename(survey_pls) cxmb_survey_pls;
%inline %{
/* Columns as one string of names separated by newlines ("" for all); the
 * file layout as plain values (delimiter 0: detect). */
static int cxmb_survey_read(cxm_survey **out, const char *path, const char *columns,
                            int delimiter, int header, int quote, int skip_bad_rows)
{
    cxm_csv_options o;
    cxm_csv_options_init(&o);
    o.delimiter = delimiter;
    o.header = header;
    o.quote = quote;
    o.skip_bad_rows = skip_bad_rows;
    size_t n = 0, length = strlen(columns);
    char *copy = (char *)malloc(length + 1);
    const char **names = (const char **)malloc((length + 1) * sizeof *names);
    if (copy == NULL || names == NULL) {
        free(copy);
        free((void *)names);
        return cxmb_fail(CXM_ENOMEM, "out of memory");
    }
    memcpy(copy, columns, length + 1);
    for (char *p = copy; length > 0 && p != NULL;) {
        names[n++] = p;
        p = strchr(p, '\n');
        if (p != NULL)
            *p++ = '\0';
    }
    int status = cxm_survey_read(out, path, n, n ? names : NULL, &o);
    free(copy);
    free((void *)names);
    return status;
}

static int cxmb_survey_column(double *dst, size_t n, const cxm_survey *survey, const char *column)
{
    return cxm_survey_column(dst, n, survey, column);
}

static int cxmb_survey_pls(cxm_pls_result **out, const cxm_pls_model *model,
                           const cxm_survey *survey, int scheme, double tolerance,
                           size_t max_iterations, size_t bootstrap, unsigned long long seed,
                           double level, size_t threads, int missing, int bca,
                           int consistent)
{
    cxm_pls_options o;
    cxmb_pls_options(&o, scheme, tolerance, max_iterations, bootstrap, seed, level, threads,
                     missing, bca, consistent);
    return cxm_survey_pls(out, survey, model, &o);
}
%}

#if defined(SWIGPYTHON)
%apply (double *IN_ARRAY2, size_t DIM1, size_t DIM2) { (double *data, size_t rows, size_t columns) };
%rename(pls_estimate) cxmb_pls_estimate;
%rename(pls_result_scores) cxmb_pls_result_scores;
%rename(pls_predict) cxmb_pls_predict;
%inline %{
/* Data: a 2-D array whose columns are the model's items in order. */
static int cxmb_pls_estimate(cxm_pls_result **out, const cxm_pls_model *model, double *data,
                             size_t rows, size_t columns, int scheme, double tolerance,
                             size_t max_iterations, size_t bootstrap, unsigned long long seed,
                             double level, size_t threads, int missing, int bca,
                             int consistent)
{
    cxm_pls_options o;
    cxmb_pls_options(&o, scheme, tolerance, max_iterations, bootstrap, seed, level, threads,
                     missing, bca, consistent);
    return cxm_pls_estimate(out, model, rows, columns, data, NULL, &o);
}

/* PLSpredict with the estimation settings of a fit. */
static int cxmb_pls_predict(cxm_pls_prediction **out, const cxm_pls_model *model, double *data,
                            size_t rows, size_t columns, int scheme, double tolerance,
                            size_t max_iterations, int missing, int consistent, size_t folds,
                            size_t repetitions, unsigned long long seed, int approach,
                            size_t threads)
{
    cxm_pls_options o;
    cxm_pls_predict_options p;
    cxmb_pls_options(&o, scheme, tolerance, max_iterations, 0, 1, 0.95, threads, missing, 0,
                     consistent);
    cxmb_pls_predict_options(&p, folds, repetitions, seed, approach, threads);
    return cxm_pls_predict(out, model, rows, columns, data, NULL, &o, &p);
}

static int cxmb_pls_result_scores(double *dst, size_t dst_n, const cxm_pls_result *result,
                                  double *data, size_t rows, size_t columns, int rescaled)
{
    return cxm_pls_result_scores(dst, dst_n, result, rows, columns, data, NULL, rescaled);
}
%}
%rename(pls_model_htmt) cxmb_pls_model_htmt;
%inline %{
/* Correlations: a square 2-D array over the model's items in order. */
static int cxmb_pls_model_htmt(double *dst, size_t dst_n, const cxm_pls_model *model,
                               double *data, size_t rows, size_t columns)
{
    if (rows != columns)
        return cxmb_fail(CXM_EINVAL, "the correlation matrix must be square");
    return cxm_pls_model_htmt(dst, dst_n, model, rows, data);
}
%}
#elif defined(SWIGLUA)
%rename(pls_estimate) cxmb_pls_estimate;
%rename(pls_result_scores) cxmb_pls_result_scores;
%rename(pls_predict) cxmb_pls_predict;
%inline %{
/* Data: a flat table, row after row, whose columns are the model's items in order. */
static int cxmb_pls_estimate(cxm_pls_result **out, const cxm_pls_model *model, const double *a,
                             size_t a_n, size_t rows, int scheme, double tolerance,
                             size_t max_iterations, size_t bootstrap, unsigned long long seed,
                             double level, size_t threads, int missing, int bca,
                             int consistent)
{
    cxm_pls_options o;
    size_t columns = cxm_pls_model_item_count(model);
    if (rows * columns != a_n)
        return cxmb_fail(CXM_EINVAL, "the data table must hold rows × items values");
    cxmb_pls_options(&o, scheme, tolerance, max_iterations, bootstrap, seed, level, threads,
                     missing, bca, consistent);
    return cxm_pls_estimate(out, model, rows, columns, a, NULL, &o);
}

static int cxmb_pls_predict(cxm_pls_prediction **out, const cxm_pls_model *model, const double *a,
                            size_t a_n, size_t rows, int scheme, double tolerance,
                            size_t max_iterations, int missing, int consistent, size_t folds,
                            size_t repetitions, unsigned long long seed, int approach,
                            size_t threads)
{
    cxm_pls_options o;
    cxm_pls_predict_options p;
    size_t columns = cxm_pls_model_item_count(model);
    if (rows * columns != a_n)
        return cxmb_fail(CXM_EINVAL, "the data table must hold rows × items values");
    cxmb_pls_options(&o, scheme, tolerance, max_iterations, 0, 1, 0.95, threads, missing, 0,
                     consistent);
    cxmb_pls_predict_options(&p, folds, repetitions, seed, approach, threads);
    return cxm_pls_predict(out, model, rows, columns, a, NULL, &o, &p);
}

static int cxmb_pls_result_scores(double *dst, size_t dst_n, const cxm_pls_result *result,
                                  const double *a, size_t a_n, size_t rows, int rescaled)
{
    size_t columns = cxm_pls_model_item_count(cxm_pls_result_model(result));
    if (rows * columns != a_n)
        return cxmb_fail(CXM_EINVAL, "the data table must hold rows × items values");
    return cxm_pls_result_scores(dst, dst_n, result, rows, columns, a, NULL, rescaled);
}
%}
%rename(pls_model_htmt) cxmb_pls_model_htmt;
%inline %{
/* Correlations: a flat table, row after row, over the model's items in order. */
static int cxmb_pls_model_htmt(double *dst, size_t dst_n, const cxm_pls_model *model,
                               const double *a, size_t a_n)
{
    size_t p = cxm_pls_model_item_count(model);
    if (a_n != p * p)
        return cxmb_fail(CXM_EINVAL, "the correlation table must hold items × items values");
    return cxm_pls_model_htmt(dst, dst_n, model, p, a);
}
%}
#endif

#if defined(SWIGPYTHON)
%rename(peak_end_many) cxmb_peak_end_many;
%inline %{
static int cxmb_peak_end_many(double *dst, size_t dst_n, const size_t *offsets, size_t offsets_n,
                              const double *a, size_t a_n)
{
    int status = cxmb_same_length(dst_n + 1, offsets_n, "offsets");
    if (status == CXM_OK && offsets_n > 0 && offsets[offsets_n - 1] != a_n)
        status = cxmb_fail(CXM_EINVAL, "the last offset must equal the number of moments");
    return status ? status : cxm_peak_end_many(dst, dst_n, offsets, a);
}
%}
#endif
