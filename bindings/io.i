/* Reading data and the transaction-log summary. Included by cxm.i.
 *
 * The option structs do not cross into the bindings (a `const char *`
 * member would leak through SWIG's setters): the cxmb_rfm_* adapters take
 * the options as plain arguments. A summary is an owned handle whose
 * destructor calls cxm_rfm_free(). */
%include <stdint.i>

%ignore cxm_csv_options;
%ignore cxm_csv_options_init;
%ignore cxm_rfm_options;
%ignore cxm_rfm_options_init;
%ignore cxm_rfm_read_csv;
%ignore cxm_rfm_from_codes;
%ignore cxm_rfm_from_ids;
%ignore cxm_rfm_free;
%ignore cxm_rfm_write_csv_stream;
%ignore cxm_rfm_write_unique_csv_stream;
%ignore cxm_time_format;
%ignore cxm_progress_fn;
%ignore cxm_rfm_reduce; /* an adapter in chunk.i */

/* The summary handle: opaque, owned, freed by the garbage collector. */
%nodefaultctor cxm_rfm;
struct cxm_rfm {};
%extend cxm_rfm {
    ~cxm_rfm() { cxm_rfm_free($self); }
}

#if defined(SWIGPYTHON)
%typemap(in, numinputs=0) cxm_rfm **out (cxm_rfm *created = NULL) { $1 = &created; }
%typemap(argout) cxm_rfm **out {
    $result = SWIG_Python_AppendOutput($result,
        SWIG_NewPointerObj(SWIG_as_voidptr(created$argnum), $descriptor(cxm_rfm *), SWIG_POINTER_OWN));
}
/* SWIG's stdint.i spells int64_t "long long", numpy NPY_LONGLONG; the
 * adapters take long long (the same 64-bit representation) and cast. */
%numpy_typemaps(long long, NPY_LONGLONG, size_t)
%apply (long long *IN_ARRAY1, size_t DIM1) { (const long long *codes, size_t codes_n) };
%apply (long long *INPLACE_ARRAY1, size_t DIM1) { (long long *codes_dst, size_t codes_n) };
%ignore cxm_rfm_codes;
/* Build or read Python objects: they keep the GIL that -threads releases
 * elsewhere (cxmb_rfm_from_strings releases it around the summary itself). */
%nothread cxmb_rfm_ids;
%nothread cxmb_rfm_from_strings;
#elif defined(SWIGLUA)
%typemap(in, numinputs=0) cxm_rfm **out (cxm_rfm *created = NULL) { $1 = &created; }
%typemap(argout) cxm_rfm **out {
    SWIG_NewPointerObj(L, created$argnum, $descriptor(cxm_rfm *), 1);
    SWIG_arg++;
}
%ignore cxm_rfm_codes;
#endif

%include "cxm/io.h"
%include "cxm/rfm.h"

%rename(rfm_read_csv) cxmb_rfm_read_csv;
%rename(rfm_from_codes) cxmb_rfm_from_codes;
%rename(rfm_ids) cxmb_rfm_ids;
%rename(rfm_codes) cxmb_rfm_codes;
%rename(rfm_from_strings) cxmb_rfm_from_strings;
%{
static int cxmb_rfm_options(cxm_rfm_options *o, double unit_days, unsigned unit_months,
                            double unit_origin, double scale, double calibration_end,
                            double observation_end, int include_first, unsigned threads)
{
    cxm_rfm_options_init(o);
    o->unit_days = unit_days;
    o->unit_months = unit_months;
    o->unit_origin = unit_origin;
    o->scale = scale;
    o->calibration_end = calibration_end;
    o->observation_end = observation_end;
    o->include_first = include_first;
    o->threads = threads;
    return CXM_OK;
}
%}

%inline %{
/* The summary of a CSV file. amount: NULL or "" for none; delimiter 0 to
 * detect it, ' ' for runs of blanks; date_format NULL or "" for ISO 8601. */
static int cxmb_rfm_read_csv(cxm_rfm **out, const char *path, const char *customer,
                             const char *time, const char *amount, int delimiter, int quote,
                             int header, int skip_bad_rows, const char *date_format,
                             double unit_days, unsigned unit_months, double unit_origin,
                             double scale, double calibration_end, double observation_end,
                             int include_first, unsigned threads)
{
    cxm_csv_options csv;
    cxm_csv_options_init(&csv);
    csv.delimiter = delimiter;
    csv.quote = quote;
    csv.header = header;
    csv.skip_bad_rows = skip_bad_rows;
    csv.date_format = date_format && date_format[0] ? date_format : NULL;
    cxm_rfm_options o;
    cxmb_rfm_options(&o, unit_days, unit_months, unit_origin, scale, calibration_end,
                     observation_end, include_first, threads);
    return cxm_rfm_read_csv(out, path, customer, time, amount && amount[0] ? amount : NULL, &csv, &o);
}
%}

#if defined(SWIGPYTHON)
%inline %{
/* The summary of arrays: customer codes, times (days since 1970), amounts
 * (used when has_amount). */
static int cxmb_rfm_from_codes(cxm_rfm **out, const long long *codes, size_t codes_n,
                               const double *a, size_t a_n, const double *b, size_t b_n,
                               int has_amount, double unit_days, unsigned unit_months,
                               double unit_origin, double scale, double calibration_end,
                               double observation_end, int include_first, unsigned threads)
{
    int status = cxmb_same_length(codes_n, a_n, "the times");
    if (status == CXM_OK && has_amount)
        status = cxmb_same_length(codes_n, b_n, "the amounts");
    if (status != CXM_OK)
        return status;
    cxm_rfm_options o;
    cxmb_rfm_options(&o, unit_days, unit_months, unit_origin, scale, calibration_end,
                     observation_end, include_first, threads);
    return cxm_rfm_from_codes(out, codes_n, (const int64_t *)(const void *)codes, a,
                              has_amount ? b : NULL, &o);
}

static int cxmb_rfm_codes(long long *codes_dst, size_t codes_n, const cxm_rfm *rfm)
{
    return cxm_rfm_codes((int64_t *)(void *)codes_dst, codes_n, rfm);
}

/* The summary of arrays with string ids: a 1-D numpy object array or a
 * sequence of str, read in place (UTF-8 pointers into the str objects, no
 * factorize). Fails with CXM_EINVAL at the first element that is not a str
 * (the caller then falls back to codes) or that holds a NUL byte. */
static int cxmb_rfm_from_strings(cxm_rfm **out, PyObject *ids, const double *a, size_t a_n,
                                 const double *b, size_t b_n, int has_amount, double unit_days,
                                 unsigned unit_months, double unit_origin, double scale,
                                 double calibration_end, double observation_end,
                                 int include_first, unsigned threads)
{
    PyObject *fast = NULL, **items;
    size_t n;
    if (PyArray_Check(ids) && PyArray_TYPE((PyArrayObject *)ids) == NPY_OBJECT &&
        PyArray_NDIM((PyArrayObject *)ids) == 1 && PyArray_IS_C_CONTIGUOUS((PyArrayObject *)ids)) {
        items = (PyObject **)PyArray_DATA((PyArrayObject *)ids);
        n = (size_t)PyArray_DIM((PyArrayObject *)ids, 0);
    } else {
        fast = PySequence_Fast(ids, "customer ids must be a sequence");
        if (fast == NULL) {
            PyErr_Clear();
            return cxmb_fail(CXM_EINVAL, "customer ids must be a sequence of str");
        }
        items = PySequence_Fast_ITEMS(fast);
        n = (size_t)PySequence_Fast_GET_SIZE(fast);
    }
    int status = cxmb_same_length(n, a_n, "the times");
    if (status == CXM_OK && has_amount)
        status = cxmb_same_length(n, b_n, "the amounts");
    const char **text = status == CXM_OK ? malloc((n ? n : 1) * sizeof *text) : NULL;
    if (status == CXM_OK && text == NULL)
        status = cxmb_fail(CXM_ENOMEM, "out of memory for the customer ids");
    for (size_t i = 0; status == CXM_OK && i < n; i++) {
        Py_ssize_t length;
        text[i] = PyUnicode_Check(items[i]) ? PyUnicode_AsUTF8AndSize(items[i], &length) : NULL;
        if (text[i] == NULL || strlen(text[i]) != (size_t)length) {
            char message[128];
            PyErr_Clear();
            if (text[i] == NULL)
                snprintf(message, sizeof message, "element %zu is not a str", i);
            else /* pandas' factorize would cut it there too: refused, not merged */
                snprintf(message, sizeof message, "row %zu: the id contains a NUL byte at "
                         "position %zu", i, strlen(text[i]));
            status = cxmb_fail(CXM_EINVAL, message);
        }
    }
    if (status == CXM_OK) {
        cxm_rfm_options o;
        cxmb_rfm_options(&o, unit_days, unit_months, unit_origin, scale, calibration_end,
                         observation_end, include_first, threads);
        Py_BEGIN_ALLOW_THREADS
        status = cxm_rfm_from_ids(out, n, text, a, has_amount ? b : NULL, &o);
        Py_END_ALLOW_THREADS
    }
    free(text);
    Py_XDECREF(fast);
    return status;
}

/* All customer ids as a list of str (invalid UTF-8 kept as surrogates). */
static PyObject *cxmb_rfm_ids(const cxm_rfm *rfm)
{
    size_t n = cxm_rfm_size(rfm);
    PyObject *list = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; list && i < n; i++) {
        const char *id = cxm_rfm_id(rfm, i);
        PyObject *s = id ? PyUnicode_DecodeUTF8(id, (Py_ssize_t)strlen(id), "surrogateescape")
                         : (Py_INCREF(Py_None), Py_None);
        if (s == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, s);
    }
    return list;
}
%}
#endif
