/* The journey model and result tables. Included by cxm.i.
 *
 * Handles (tables, paths, journey maps, journeys) become objects owned by
 * the language and released by its garbage collector. Functions with option
 * structs or several arrays are bound through cxmb_* adapters that take
 * plain values and (pointer, length) pairs. */

%{
#include <math.h>
%}

/* ---------------------------------------------------------------- handles */
%define CXM_HANDLE(TYPE, FREE)
%nodefaultctor TYPE;
%nodefaultdtor TYPE;
struct TYPE {};
%extend TYPE {
    ~TYPE() { FREE($self); }
}
%typemap(in, numinputs=0) TYPE **out (TYPE *handle = NULL) {
    $1 = &handle;
}
#if defined(SWIGPYTHON)
%typemap(argout) TYPE **out {
    $result = SWIG_Python_AppendOutput($result,
        SWIG_NewPointerObj(SWIG_as_voidptr(handle$argnum), $descriptor(TYPE *), SWIG_POINTER_OWN));
}
#elif defined(SWIGLUA)
%typemap(argout) TYPE **out {
    SWIG_NewPointerObj(L, handle$argnum, $descriptor(TYPE *), 1);
    SWIG_arg++;
}
#endif
%enddef

CXM_HANDLE(cxm_table, cxm_table_free)
CXM_HANDLE(cxm_paths, cxm_paths_free)
CXM_HANDLE(cxm_journey_map, cxm_journey_map_free)
CXM_HANDLE(cxm_journeys, cxm_journeys_free)

/* ---------------------------------------------------------------- string arrays */
#if defined(SWIGPYTHON)
/* A sequence of str (None gives NULL). The UTF-8 buffers belong to the
 * str objects, which the fast sequence keeps alive during the call. */
%typemap(in) (const char *const *STRINGS, size_t NSTRINGS) (PyObject *seq = NULL) {
    seq = PySequence_Fast($input, "expected a sequence of strings");
    if (seq == NULL) {
        PyErr_Clear();
        cxmb_raise_argument(1, "'$1_name' must be a sequence of strings, not %s",
                            Py_TYPE($input)->tp_name);
        SWIG_fail;
    }
    Py_ssize_t count = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    $1 = ($1_ltype)calloc(count ? (size_t)count : 1, sizeof(char *));
    if ($1 == NULL) {
        PyErr_NoMemory();
        SWIG_fail;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        if (items[i] == Py_None)
            continue;
        if (!PyUnicode_Check(items[i])) {
            cxmb_raise_argument(1, "element %zd of '$1_name' is %s, not a string", i,
                                Py_TYPE(items[i])->tp_name);
            SWIG_fail;
        }
        Py_ssize_t size;
        ((const char **)$1)[i] = PyUnicode_AsUTF8AndSize(items[i], &size);
        if ($1[i] == NULL) {
            PyErr_Clear();
            cxmb_raise_argument(0, "element %zd of '$1_name' is not valid Unicode text", i);
            SWIG_fail;
        }
        if (strlen($1[i]) != (size_t)size) {
            cxmb_raise_argument(0, "element %zd of '$1_name' contains a NUL byte at position "
                                "%zu: '%.40s'", i, strlen($1[i]), $1[i]);
            SWIG_fail;
        }
    }
    $2 = (size_t)count;
}
%typemap(freearg) (const char *const *STRINGS, size_t NSTRINGS) {
    free((void *)$1);
    Py_XDECREF(seq$argnum);
}
#elif defined(SWIGLUA)
/* A table of strings (false gives NULL). */
%typemap(in, checkfn="lua_istable") (const char *const *STRINGS, size_t NSTRINGS) {
    size_t count = lua_rawlen(L, $input);
    $1 = ($1_ltype)calloc(count ? count : 1, sizeof(char *));
    if ($1 == NULL) {
        lua_pushstring(L, "out of memory");
        SWIG_fail;
    }
    for (size_t i = 0; i < count; i++) {
        lua_rawgeti(L, $input, (lua_Integer)i + 1);
        int type = lua_type(L, -1);
        if (type == LUA_TSTRING) {
            /* the table keeps the string alive during the call */
            size_t length;
            ((const char **)$1)[i] = lua_tolstring(L, -1, &length);
            if (strlen($1[i]) != length) {
                lua_pushfstring(L, "element %d of the table contains a NUL byte at position %d: '%s'",
                                (int)i + 1, (int)strlen($1[i]), $1[i]);
                SWIG_fail;
            }
        } else if (type != LUA_TNIL && !(type == LUA_TBOOLEAN && !lua_toboolean(L, -1))) {
            lua_pushfstring(L, "element %d of the table is not a string", (int)i + 1);
            SWIG_fail;
        }
        lua_pop(L, 1);
    }
    $2 = count;
}
%typemap(freearg) (const char *const *STRINGS, size_t NSTRINGS) { free((void *)$1); }
#endif

%apply (const char *const *STRINGS, size_t NSTRINGS) {
    (const char *const *s1, size_t s1_n), (const char *const *s2, size_t s2_n),
    (const char *const *s3, size_t s3_n)
};
%apply (const double *IN_ARRAY1, size_t DIM1) {
    (const double *d, size_t d_n), (const double *e, size_t e_n)
};
#if defined(SWIGPYTHON)
%apply (double *IN_ARRAY1, size_t DIM1) {
    (const double *d, size_t d_n), (const double *e, size_t e_n)
};
#endif

/* ---------------------------------------------------------------- the C API */
/* Bound through adapters below (option structs, several arrays, lengths). */
%ignore cxm_table_find;
%ignore cxm_journey_map_parse_json;
%ignore cxm_journey_map_add_employee_ratings;
%ignore cxm_paths_add_touches;
%ignore cxm_paths_add_many;
%ignore cxm_paths_read_csv;
%ignore cxm_attribution_markov;
%ignore cxm_attribution_transitions;
%ignore cxm_attribution_heuristic;
%ignore cxm_markov_options_init;
%ignore cxm_heuristic_options_init;
%ignore cxm_journey_options_init;
%ignore cxm_decision_chain;
%ignore cxm_importance_performance;
%ignore cxm_journeys_add_events;
%ignore cxm_journeys_read_csv;
%ignore cxm_journeys_funnel;
%ignore cxm_journeys_paths;
%ignore cxm_journeys_touchpoint_gap;
%ignore cxm_journeys_remembered_gap;
%ignore cxm_journeys_experience_map;
%ignore cxm_journeys_ladder;
%ignore cxm_markov_options;
%ignore cxm_heuristic_options;
%ignore cxm_journey_options;
/* Python and Lua read files with their own tools (pandas, io). */
%ignore cxm_table_read_csv;

/* ---------------------------------------------------------------- attribution counts (chunked work) */
CXM_HANDLE(cxm_markov_counts, cxm_markov_counts_free)

/* Bytes in and out: Python bytes, Lua strings. */
#if defined(SWIGPYTHON)
%typemap(in) (const char *bytes, size_t bytes_n) (char *buffer = NULL, Py_ssize_t length = 0) {
    if (PyBytes_AsStringAndSize($input, &buffer, &length) != 0)
        SWIG_fail;
    $1 = buffer;
    $2 = (size_t)length;
}
%typemap(in, numinputs=0) (unsigned char **data, size_t *size) (unsigned char *bytes = NULL, size_t length = 0) {
    $1 = &bytes;
    $2 = &length;
}
%typemap(argout) (unsigned char **data, size_t *size) {
    PyObject *b = PyBytes_FromStringAndSize((const char *)*$1, (Py_ssize_t)*$2);
    cxm_free(*$1);
    *$1 = NULL;
    if (b == NULL)
        SWIG_fail;
    $result = SWIG_Python_AppendOutput($result, b);
}
#elif defined(SWIGLUA)
%typemap(in, checkfn="lua_isstring") (const char *bytes, size_t bytes_n) {
    $1 = (char *)lua_tolstring(L, $input, &$2);
}
%typemap(in, numinputs=0) (unsigned char **data, size_t *size) (unsigned char *bytes = NULL, size_t length = 0) {
    $1 = &bytes;
    $2 = &length;
}
%typemap(argout) (unsigned char **data, size_t *size) {
    lua_pushlstring(L, (const char *)*$1, *$2);
    cxm_free(*$1);
    *$1 = NULL;
    SWIG_arg++;
}
#endif
%typemap(freearg) (unsigned char **data, size_t *size) { cxm_free(*$1); }

/* Bound through adapters in chunk.i. */
%ignore cxm_markov_counts_create;
%ignore cxm_markov_counts_load;
%ignore cxm_markov_counts_free;

%include "cxm/table.h"
%include "cxm/journey.h"

%rename(journey_map_parse_json) cxmb_journey_map_parse_json;
%rename(journey_map_add_employee_ratings) cxmb_journey_map_add_employee_ratings;
%rename(paths_add_touches) cxmb_paths_add_touches;
%rename(paths_add_many) cxmb_paths_add_many;
%rename(paths_read_csv) cxmb_paths_read_csv;
%rename(attribution_markov) cxmb_attribution_markov;
%rename(attribution_transitions) cxmb_attribution_transitions;
%rename(attribution_heuristic) cxmb_attribution_heuristic;
%rename(decision_chain) cxmb_decision_chain;
%rename(importance_performance) cxmb_importance_performance;
%rename(journeys_add_events) cxmb_journeys_add_events;
%rename(journeys_read_csv) cxmb_journeys_read_csv;
%rename(journeys_funnel) cxmb_journeys_funnel;
%rename(journeys_paths) cxmb_journeys_paths;
%rename(journeys_touchpoint_gap) cxmb_journeys_touchpoint_gap;
%rename(journeys_remembered_gap) cxmb_journeys_remembered_gap;
%rename(journeys_experience_map) cxmb_journeys_experience_map;
%rename(journeys_ladder) cxmb_journeys_ladder;

%inline %{
static int cxmb_journey_map_parse_json(cxm_journey_map **out, const char *text, const char *source)
{
    *out = NULL;
    if (text == NULL)
        return cxmb_fail(CXM_EINVAL, "text must not be None");
    return cxm_journey_map_parse_json(out, text, strlen(text), source);
}

static int cxmb_journey_map_add_employee_ratings(cxm_journey_map *map, const char *id,
                                                 const double *d, size_t d_n)
{
    return cxm_journey_map_add_employee_ratings(map, id, d_n, d);
}

static int cxmb_paths_add_touches(cxm_paths *paths, const char *const *s1, size_t s1_n,
                                  const double *d, size_t d_n, double conversions, double nulls,
                                  double value)
{
    int status = d_n > 0 ? cxmb_same_length(s1_n, d_n, "ages") : CXM_OK;
    return status ? status
                  : cxm_paths_add_touches(paths, s1_n, s1, d_n > 0 ? d : NULL, conversions, nulls,
                                          value);
}

static int cxmb_paths_add_many(cxm_paths *paths, const char *const *s1, size_t s1_n,
                               const double *a, size_t a_n, const double *b, size_t b_n,
                               const double *c, size_t c_n)
{
    int status = cxmb_same_length(s1_n, a_n, "conversions");
    if (status == CXM_OK && b_n > 0)
        status = cxmb_same_length(s1_n, b_n, "nulls");
    if (status == CXM_OK && c_n > 0)
        status = cxmb_same_length(s1_n, c_n, "values");
    return status ? status
                  : cxm_paths_add_many(paths, s1_n, s1, a, b_n > 0 ? b : NULL, c_n > 0 ? c : NULL);
}

/* CSV layout from plain values: delimiter 0 detects it. */
static cxm_csv_options cxmb_csv(int delimiter, int header, int skip_bad_rows,
                                const char *date_format)
{
    cxm_csv_options o;
    cxm_csv_options_init(&o);
    o.delimiter = delimiter;
    o.header = header;
    o.skip_bad_rows = skip_bad_rows;
    o.date_format = date_format;
    return o;
}

static int cxmb_paths_read_csv(cxm_paths *paths, const char *filename, const char *path_column,
                               const char *conversions_column, const char *value_column,
                               const char *nulls_column, int delimiter, int header,
                               int skip_bad_rows, unsigned threads)
{
    cxm_csv_options o = cxmb_csv(delimiter, header, skip_bad_rows, NULL);
    int status = cxm_paths_set_threads(paths, threads);
    if (status != CXM_OK)
        return status;
    return cxm_paths_read_csv(paths, filename, path_column, conversions_column, value_column,
                              nulls_column, &o);
}

static int cxmb_attribution_markov(cxm_table **out, const cxm_paths *paths, unsigned order,
                                   int use_nulls, int keep_self_loops)
{
    cxm_markov_options o = CXM_MARKOV_OPTIONS_INIT;
    o.order = order;
    o.use_nulls = use_nulls;
    o.keep_self_loops = keep_self_loops;
    return cxm_attribution_markov(out, paths, &o);
}

static int cxmb_attribution_transitions(cxm_table **out, const cxm_paths *paths, unsigned order,
                                        int use_nulls, int keep_self_loops)
{
    cxm_markov_options o = CXM_MARKOV_OPTIONS_INIT;
    o.order = order;
    o.use_nulls = use_nulls;
    o.keep_self_loops = keep_self_loops;
    return cxm_attribution_transitions(out, paths, &o);
}

static int cxmb_attribution_heuristic(cxm_table **out, const cxm_paths *paths,
                                      double first_weight, double middle_weight,
                                      double last_weight, double half_life)
{
    cxm_heuristic_options o = CXM_HEURISTIC_OPTIONS_INIT;
    o.first_weight = first_weight;
    o.middle_weight = middle_weight;
    o.last_weight = last_weight;
    o.half_life = half_life;
    return cxm_attribution_heuristic(out, paths, &o);
}

static int cxmb_decision_chain(cxm_table **out, const double *d, size_t d_n)
{
    *out = NULL;
    int status = cxmb_same_length(8, d_n, "transitions");
    return status ? status : cxm_decision_chain(out, d);
}

static int cxmb_importance_performance(cxm_table **out, const double *d, size_t d_n,
                                       const double *e, size_t e_n, const char *const *s1,
                                       size_t s1_n)
{
    *out = NULL;
    int status = cxmb_same_length(d_n, e_n, "performance");
    if (status == CXM_OK && s1_n > 0)
        status = cxmb_same_length(d_n, s1_n, "labels");
    return status ? status : cxm_importance_performance(out, d_n, d, e, s1_n > 0 ? s1 : NULL);
}

static int cxmb_journeys_add_events(cxm_journeys *journeys, const char *const *s1, size_t s1_n,
                                    const double *a, size_t a_n, const char *const *s2,
                                    size_t s2_n, const double *b, size_t b_n, const double *c,
                                    size_t c_n, const double *d, size_t d_n,
                                    const char *const *s3, size_t s3_n)
{
    int status = cxmb_same_length(s1_n, a_n, "times");
    if (status == CXM_OK)
        status = cxmb_same_length(s1_n, s2_n, "touchpoints");
    if (status == CXM_OK && b_n > 0)
        status = cxmb_same_length(s1_n, b_n, "values");
    if (status == CXM_OK && c_n > 0)
        status = cxmb_same_length(s1_n, c_n, "ratings");
    if (status == CXM_OK && d_n > 0)
        status = cxmb_same_length(s1_n, d_n, "valences");
    if (status == CXM_OK && s3_n > 0)
        status = cxmb_same_length(s1_n, s3_n, "segments");
    return status ? status
                  : cxm_journeys_add_events(journeys, s1_n, s1, a, s2, b_n ? b : NULL,
                                            c_n ? c : NULL, d_n ? d : NULL, s3_n ? s3 : NULL);
}

static int cxmb_journeys_read_csv(cxm_journeys *journeys, const char *filename,
                                  const char *customer_column, const char *time_column,
                                  const char *touchpoint_column, const char *value_column,
                                  const char *rating_column, const char *valence_column,
                                  const char *segment_column, int delimiter, int header,
                                  int skip_bad_rows, const char *date_format)
{
    cxm_csv_options o = cxmb_csv(delimiter, header, skip_bad_rows, date_format);
    return cxm_journeys_read_csv(journeys, filename, customer_column, time_column,
                                 touchpoint_column, value_column, rating_column, valence_column,
                                 segment_column, &o);
}

static cxm_journey_options cxmb_journey_options(double level, int importance, int by_channel)
{
    cxm_journey_options o = CXM_JOURNEY_OPTIONS_INIT;
    o.level = level;
    o.importance = (cxm_importance_source)importance;
    o.by_channel = by_channel;
    return o;
}

static int cxmb_journeys_funnel(cxm_table **out, const cxm_journeys *j, double level)
{
    cxm_journey_options o = cxmb_journey_options(level, 0, 0);
    return cxm_journeys_funnel(out, j, &o);
}

static int cxmb_journeys_paths(cxm_paths **out, const cxm_journeys *j, int by_channel)
{
    cxm_journey_options o = cxmb_journey_options(0.95, 0, by_channel);
    return cxm_journeys_paths(out, j, &o);
}

static int cxmb_journeys_touchpoint_gap(cxm_table **out, const cxm_journeys *j, double level)
{
    cxm_journey_options o = cxmb_journey_options(level, 0, 0);
    return cxm_journeys_touchpoint_gap(out, j, &o);
}

static int cxmb_journeys_remembered_gap(cxm_table **out, const cxm_journeys *j, double level)
{
    cxm_journey_options o = cxmb_journey_options(level, 0, 0);
    return cxm_journeys_remembered_gap(out, j, &o);
}

static int cxmb_journeys_experience_map(cxm_table **out, const cxm_journeys *j, int importance)
{
    cxm_journey_options o = cxmb_journey_options(0.95, importance, 0);
    return cxm_journeys_experience_map(out, j, &o);
}

static int cxmb_journeys_ladder(cxm_table **out, const cxm_journeys *j, double level)
{
    cxm_journey_options o = cxmb_journey_options(level, 0, 0);
    return cxm_journeys_ladder(out, j, &o);
}
%}
