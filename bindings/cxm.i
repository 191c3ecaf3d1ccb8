/* One SWIG interface for every language binding of libcxm.
 *
 * The generated modules are deliberately low level (cxm.core in Python,
 * cxm_core in Lua); the friendly APIs live in bindings/python/cxm/ and
 * bindings/lua/cxm.lua. Conventions:
 *   - every C function returning int returns a status: negative statuses
 *     raise the language's error with cxm_error_message(), success returns
 *     nothing of its own;
 *   - `double *out` is an output scalar returned to the caller;
 *   - arrays cross as (pointer, length) pairs: numpy arrays in Python,
 *     tables in Lua. The C API takes one length for several arrays, so the
 *     array functions are bound through the cxmb_* adapters below, which
 *     check that the lengths agree. */

#if defined(SWIGLUA)
%module cxm_core
#else
%module(package="cxm", docstring="Low-level binding of libcxm. Use the cxm package instead.") core
#endif

%{
#include <stdlib.h>
#include <string.h>
#include "cxm.h"

/* Errors found by the adapters themselves (not by the library), per thread. */
static _Thread_local char cxmb_message[512];

static int cxmb_fail(int status, const char *message)
{
    snprintf(cxmb_message, sizeof cxmb_message, "%s", message);
    return status;
}

static const char *cxmb_take_message(void)
{
    static _Thread_local char taken[512];
    if (cxmb_message[0] != '\0') {
        memcpy(taken, cxmb_message, sizeof taken);
        cxmb_message[0] = '\0';
        return taken;
    }
    return cxm_error_message();
}

/* The output length of the call being converted, for the SAME_LENGTH
 * inputs (below): arguments are converted in order, the output first. */
static _Thread_local size_t cxmb_length;

static int cxmb_same_length(size_t expected, size_t got, const char *name)
{
    char text[256];
    if (expected == got)
        return CXM_OK;
    snprintf(text, sizeof text, "%s has %zu elements where %zu were expected", name, got, expected);
    return cxmb_fail(CXM_EINVAL, text);
}
%}

/* ---------------------------------------------------------------- status returns */
#if defined(SWIGPYTHON)
%{
/* status -> exception class, registered by cxm/__init__.py; the key "type"
 * is the class of arguments of the wrong type (a cxm.Error and a TypeError). */
static PyObject *cxmb_error_classes = NULL;

/* element: the array position the library's failure concerns (cxm_error_element()), or -1. */
static void cxmb_raise_with(PyObject *key, int status, const char *message, long long element)
{
    PyObject *cls = NULL;
    if (key && cxmb_error_classes)
        cls = PyDict_GetItem(cxmb_error_classes, key); /* borrowed */
    if (cls == NULL && cxmb_error_classes)
        cls = PyDict_GetItemString(cxmb_error_classes, "default");
    if (cls == NULL) {
        PyErr_Format(PyExc_RuntimeError, "%s (libcxm status %d)", message, status);
        return;
    }
    PyObject *exc = PyObject_CallFunction(cls, "s", message);
    if (exc == NULL)
        return;
    PyObject *code = PyLong_FromLong(status);
    if (code) {
        PyObject_SetAttrString(exc, "code", code);
        Py_DECREF(code);
    }
    if (element >= 0) {
        PyObject *position = PyLong_FromLongLong(element);
        if (position) {
            PyObject_SetAttrString(exc, "element", position);
            Py_DECREF(position);
        }
    }
    PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
    Py_DECREF(exc);
}

static void cxmb_raise(int status)
{
    /* The adapters' own messages concern no element of the library's. */
    size_t element;
    long long position = cxmb_message[0] == '\0' && cxm_error_element(&element) == CXM_OK
                             ? (long long)element
                             : -1;
    const char *message = cxmb_take_message();
    PyObject *key = PyLong_FromLong(status);
    cxmb_raise_with(key, status, message, position);
    Py_XDECREF(key);
}

/* An argument the wrapper refuses before calling the library. */
static void cxmb_raise_argument(int type_error, const char *fmt, ...)
{
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    PyObject *key = type_error ? PyUnicode_FromString("type") : PyLong_FromLong(CXM_EINVAL);
    cxmb_raise_with(key, CXM_EINVAL, message, -1);
    Py_XDECREF(key);
}

%}

%typemap(out) int {
    if ($1 < 0) {
        cxmb_raise($1);
        SWIG_fail;
    }
    $result = SWIG_Py_Void();
}

%inline %{
/* Register the exception classes: a dict mapping status codes (and
 * "default") to classes. Called once by cxm/__init__.py. */
void register_error_classes(PyObject *classes)
{
    Py_XINCREF(classes);
    Py_XDECREF(cxmb_error_classes);
    cxmb_error_classes = classes;
}
%}
#elif defined(SWIGLUA)
%{
/* Lua counts from 1: "element i: " of the library's messages becomes
 * "element i+1: ", the position in the caller's table. */
static void cxmb_push_message(lua_State *L)
{
    size_t element;
    int from_library = cxmb_message[0] == '\0';
    const char *message = cxmb_take_message();
    char prefix[64];
    if (from_library && cxm_error_element(&element) == CXM_OK) {
        snprintf(prefix, sizeof prefix, "element %zu: ", element);
        if (strncmp(message, prefix, strlen(prefix)) == 0) {
            lua_pushfstring(L, "element %I: %s", (lua_Integer)element + 1,
                            message + strlen(prefix));
            return;
        }
    }
    lua_pushstring(L, message);
}
%}
%typemap(out) int {
    if ($1 < 0) {
        cxmb_push_message(L);
        SWIG_fail;
    }
}
#endif

/* ---------------------------------------------------------------- scalars and arrays */
%include "typemaps.i"
%apply double *OUTPUT { double *out };

#if defined(SWIGPYTHON)
%{
#define SWIG_FILE_WITH_INIT
%}
%include "numpy/numpy.i"
%init %{
    import_array();
%}
%numpy_typemaps(double, NPY_DOUBLE, size_t)

/* Arguments are converted here so that a wrong one raises a cxm.Error
 * naming it (SWIG's own conversions raise OverflowError for a negative
 * unsigned and silently cut a string at a NUL byte). */
%{
#include <math.h>

/* An int, a numpy integer or a float without a fraction as a Python int
 * (a new reference), for an integer argument of the C API; NULL with a
 * cxm.Error raised otherwise. */
static PyObject *cxmb_py_whole(PyObject *obj, const char *name)
{
    if (PyFloat_Check(obj) || PyArray_IsScalar(obj, Floating)) {
        double d = PyFloat_AsDouble(obj);
        if (isfinite(d) && d == floor(d))
            return PyLong_FromDouble(d);
        cxmb_raise_argument(0, "argument '%s' must be a whole number, got %g", name, d);
        return NULL;
    }
    if (PyIndex_Check(obj) && !PyArray_IsScalar(obj, ComplexFloating))
        return PyNumber_Index(obj);
    cxmb_raise_argument(1, "argument '%s' must be a whole number, not %s", name,
                        Py_TYPE(obj)->tp_name);
    return NULL;
}

static void cxmb_py_range_error(PyObject *number, const char *name, const char *range)
{
    PyErr_Clear();
    PyObject *text = PyObject_Str(number);
    const char *shown = text ? PyUnicode_AsUTF8(text) : NULL;
    cxmb_raise_argument(0, "argument '%s' must be a whole number in %s, got %s", name, range,
                        shown ? shown : "?");
    Py_XDECREF(text);
}

/* [0, max] */
static int cxmb_py_unsigned(PyObject *obj, const char *name, unsigned long long max,
                            const char *range, unsigned long long *out)
{
    PyObject *number = cxmb_py_whole(obj, name);
    if (number == NULL)
        return -1;
    unsigned long long value = PyLong_AsUnsignedLongLong(number);
    int bad = (value == (unsigned long long)-1 && PyErr_Occurred()) || value > max;
    if (bad)
        cxmb_py_range_error(number, name, range);
    Py_DECREF(number);
    *out = value;
    return bad ? -1 : 0;
}

/* [min, max] */
static int cxmb_py_signed(PyObject *obj, const char *name, long long min, long long max,
                          const char *range, long long *out)
{
    PyObject *number = cxmb_py_whole(obj, name);
    if (number == NULL)
        return -1;
    long long value = PyLong_AsLongLong(number);
    int bad = (value == -1 && PyErr_Occurred()) || value < min || value > max;
    if (bad)
        cxmb_py_range_error(number, name, range);
    Py_DECREF(number);
    *out = value;
    return bad ? -1 : 0;
}

/* A real number (NaN and infinities included: the library checks values). */
static int cxmb_py_double(PyObject *obj, const char *name, double *out)
{
    int refused = obj == Py_None || PyUnicode_Check(obj) || PyBytes_Check(obj) ||
                  PyComplex_Check(obj) || PyArray_IsScalar(obj, ComplexFloating);
    double value = refused ? 0.0 : PyFloat_AsDouble(obj);
    if (refused || (value == -1.0 && PyErr_Occurred())) {
        PyErr_Clear();
        cxmb_raise_argument(1, "argument '%s' must be a real number, not %s", name,
                            Py_TYPE(obj)->tp_name);
        return -1;
    }
    *out = value;
    return 0;
}

/* UTF-8 text without NUL bytes (a C string would silently end there). */
static int cxmb_py_text(PyObject *obj, const char *name, const char **out)
{
    if (obj == Py_None) {
        *out = NULL;
        return 0;
    }
    if (!PyUnicode_Check(obj)) {
        cxmb_raise_argument(1, "argument '%s' must be a string, not %s", name,
                            Py_TYPE(obj)->tp_name);
        return -1;
    }
    Py_ssize_t size;
    const char *text = PyUnicode_AsUTF8AndSize(obj, &size);
    if (text == NULL) {
        PyErr_Clear();
        cxmb_raise_argument(0, "argument '%s' is not valid Unicode text", name);
        return -1;
    }
    size_t nul = strlen(text);
    if (nul != (size_t)size) {
        cxmb_raise_argument(0, "argument '%s' contains a NUL byte at position %zu: '%.40s'", name,
                            nul, text);
        return -1;
    }
    *out = text;
    return 0;
}
%}

%define CXMB_UNSIGNED(TYPE, MAX, RANGE)
%typemap(in) TYPE {
    unsigned long long value;
    if (cxmb_py_unsigned($input, "$1_name", MAX, RANGE, &value) != 0)
        SWIG_fail;
    $1 = ($1_ltype)value;
}
%enddef
%define CXMB_SIGNED(TYPE, MIN, MAX, RANGE)
%typemap(in) TYPE {
    long long value;
    if (cxmb_py_signed($input, "$1_name", MIN, MAX, RANGE, &value) != 0)
        SWIG_fail;
    $1 = ($1_ltype)value;
}
%enddef
CXMB_UNSIGNED(unsigned, UINT_MAX, "[0, 2^32 - 1]")
CXMB_UNSIGNED(unsigned int, UINT_MAX, "[0, 2^32 - 1]")
CXMB_UNSIGNED(size_t, SIZE_MAX, "[0, 2^64 - 1]")
CXMB_UNSIGNED(unsigned long long, ULLONG_MAX, "[0, 2^64 - 1]")
CXMB_SIGNED(int, INT_MIN, INT_MAX, "[-2^31, 2^31 - 1]")
CXMB_SIGNED(enum SWIGTYPE, INT_MIN, INT_MAX, "[-2^31, 2^31 - 1]")
%typemap(in) double {
    if (cxmb_py_double($input, "$1_name", &$1) != 0)
        SWIG_fail;
}
%typemap(in) const char * {
    if (cxmb_py_text($input, "$1_name", (const char **)&$1) != 0)
        SWIG_fail;
}
%typemap(freearg) const char * "";
#elif defined(SWIGLUA)
%{
/* A Lua table (sequence) of numbers as a C array, freed by freearg. On
 * failure an error message is pushed and -1 returned, so that the wrapper
 * jumps to its fail label and frees the arrays converted before. */
static int cxmb_lua_doubles(lua_State *L, int index, double **data, size_t *n)
{
    if (!lua_istable(L, index)) {
        lua_pushfstring(L, "expected a table of numbers, got %s", luaL_typename(L, index));
        return -1;
    }
    size_t count = lua_rawlen(L, index);
    double *values = malloc((count ? count : 1) * sizeof *values);
    if (values == NULL) {
        lua_pushstring(L, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < count; i++) {
        int isnum;
        lua_rawgeti(L, index, (lua_Integer)i + 1);
        values[i] = lua_tonumberx(L, -1, &isnum);
        lua_pop(L, 1);
        if (!isnum) {
            free(values);
            lua_pushfstring(L, "element %d of the table is not a number", (int)i + 1);
            return -1;
        }
    }
    *data = values;
    *n = count;
    return 0;
}

static void cxmb_lua_push_doubles(lua_State *L, const double *data, size_t n)
{
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushnumber(L, data[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}
%}
%typemap(in, checkfn="lua_istable") (const double *IN_ARRAY1, size_t DIM1) {
    if (cxmb_lua_doubles(L, $input, &$1, &$2) != 0)
        SWIG_fail;
}
%typemap(freearg) (const double *IN_ARRAY1, size_t DIM1) { free($1); }

/* Output arrays: pass their length; the filled table is returned. */
%typemap(in, checkfn="lua_isnumber") (double *INPLACE_ARRAY1, size_t DIM1) {
    lua_Integer count = lua_tointeger(L, $input);
    if (count < 0) {
        lua_pushstring(L, "negative array length");
        SWIG_fail;
    }
    $2 = cxmb_length = (size_t)count; /* for SAME_LENGTH inputs (below) */
    $1 = malloc(($2 ? $2 : 1) * sizeof(double));
    if ($1 == NULL) {
        lua_pushstring(L, "out of memory");
        SWIG_fail;
    }
}
%typemap(argout) (double *INPLACE_ARRAY1, size_t DIM1) {
    cxmb_lua_push_doubles(L, $1, $2);
    SWIG_arg++;
}
%typemap(freearg) (double *INPLACE_ARRAY1, size_t DIM1) { free($1); }

/* Scalars are converted here so that a wrong one raises an error naming it:
 * SWIG's own conversions cut 1.5 to 1 (a Markov order), wrap -1 around an
 * unsigned and end a string at a NUL byte. */
%{
#include <math.h>

/* A whole number in [min, max] (max up to 2^64 - 1) as a double's worth of
 * range checks; *value receives it. */
static int cxmb_lua_whole(lua_State *L, int index, const char *name, double min, double max,
                          const char *range, long double *value)
{
    if (lua_type(L, index) != LUA_TNUMBER) {
        lua_pushfstring(L, "argument '%s' must be a whole number, got %s", name,
                        luaL_typename(L, index));
        return -1;
    }
    long double v = lua_isinteger(L, index) ? (long double)lua_tointeger(L, index)
                                            : (long double)lua_tonumber(L, index);
    if (!(v == floorl(v)) || !isfinite((double)v)) {
        lua_pushfstring(L, "argument '%s' must be a whole number, got %s", name,
                        lua_tostring(L, index));
        return -1;
    }
    if (v < (long double)min || v > (long double)max) {
        lua_pushfstring(L, "argument '%s' must be a whole number in %s, got %s", name, range,
                        lua_tostring(L, index));
        return -1;
    }
    *value = v;
    return 0;
}
%}
%define CXMB_LUA_WHOLE(TYPE, MIN, MAX, RANGE)
%typemap(in) TYPE {
    long double value;
    if (cxmb_lua_whole(L, $input, "$1_name", MIN, MAX, RANGE, &value) != 0)
        SWIG_fail;
    $1 = ($1_ltype)value;
}
%enddef
CXMB_LUA_WHOLE(unsigned, 0, UINT_MAX, "[0, 2^32 - 1]")
CXMB_LUA_WHOLE(unsigned int, 0, UINT_MAX, "[0, 2^32 - 1]")
CXMB_LUA_WHOLE(size_t, 0, 9007199254740992.0, "[0, 2^53]")
CXMB_LUA_WHOLE(unsigned long long, 0, 18446744073709549568.0, "[0, 2^64)")
CXMB_LUA_WHOLE(int, INT_MIN, INT_MAX, "[-2^31, 2^31 - 1]")
CXMB_LUA_WHOLE(enum SWIGTYPE, INT_MIN, INT_MAX, "[-2^31, 2^31 - 1]")
%typemap(in) double {
    if (lua_type(L, $input) != LUA_TNUMBER) {
        lua_pushfstring(L, "argument '$1_name' must be a number, got %s", luaL_typename(L, $input));
        SWIG_fail;
    }
    $1 = lua_tonumber(L, $input);
}
/* nil gives NULL; a number is taken as its text, as Lua does. */
%typemap(in) const char * {
    size_t length = 0;
    int type = lua_type(L, $input);
    if (type == LUA_TNIL || type == LUA_TNONE) {
        $1 = NULL;
    } else if (type != LUA_TSTRING && type != LUA_TNUMBER) {
        lua_pushfstring(L, "argument '$1_name' must be a string, got %s", luaL_typename(L, $input));
        SWIG_fail;
    } else {
        $1 = (char *)lua_tolstring(L, $input, &length);
        if (strlen($1) != length) {
            lua_pushfstring(L, "argument '$1_name' contains a NUL byte at position %d: '%s'",
                            (int)strlen($1), $1);
            SWIG_fail;
        }
    }
}
#endif

%apply (const double *IN_ARRAY1, size_t DIM1) {
    (const double *a, size_t a_n), (const double *b, size_t b_n), (const double *c, size_t c_n)
};
#if defined(SWIGPYTHON)
/* numpy.i declares its input typemaps without const. */
%apply (double *IN_ARRAY1, size_t DIM1) {
    (const double *a, size_t a_n), (const double *b, size_t b_n), (const double *c, size_t c_n)
};
#endif

/* ---------------------------------------------------------------- arrays of the output's length
 * A function whose output comes first, (double *dst, size_t n, ...), takes
 * its input arrays without lengths of their own: each has the output's.
 * Outputs named (dst, n) or (dst, dst_n) are DST_ARRAYs, which record their
 * length; an interface applies SAME_LENGTH to the function's inputs (and
 * %clear's it after) and binds the library function as it is, with no
 * adapter. An input of another length raises the error an adapter would,
 * naming the input. */
#if defined(SWIGPYTHON)
%typemap(in, fragment="NumPy_Fragments") (double *DST_ARRAY, size_t DST_LENGTH)
    (PyArrayObject *array = NULL)
{
    array = obj_to_array_no_conversion($input, NPY_DOUBLE);
    if (!array || !require_dimensions(array, 1) || !require_contiguous(array) ||
        !require_native(array))
        SWIG_fail;
    $1 = (double *)array_data(array);
    $2 = cxmb_length = (size_t)array_size(array, 0);
}
%typemap(in, fragment="NumPy_Fragments") const double *SAME_LENGTH
    (PyArrayObject *array = NULL, int is_new_object = 0)
{
    array = obj_to_array_contiguous_allow_conversion($input, NPY_DOUBLE, &is_new_object);
    if (!array || !require_dimensions(array, 1))
        SWIG_fail;
    if ((size_t)array_size(array, 0) != cxmb_length) {
        cxmb_raise_argument(0, "%s has %zu elements where %zu were expected", "$1_name",
                            (size_t)array_size(array, 0), cxmb_length);
        SWIG_fail;
    }
    $1 = ($1_ltype)array_data(array);
}
%typemap(freearg) const double *SAME_LENGTH {
    if (is_new_object$argnum && array$argnum) {
        Py_DECREF(array$argnum);
    }
}
#elif defined(SWIGLUA)
/* The output arrays' typemap records their length (above). */
%apply (double *INPLACE_ARRAY1, size_t DIM1) { (double *DST_ARRAY, size_t DST_LENGTH) };
%typemap(in, checkfn="lua_istable") const double *SAME_LENGTH
    (size_t cxmb_count = 0, double *cxmb_values = NULL)
{
    if (cxmb_lua_doubles(L, $input, &cxmb_values, &cxmb_count) != 0)
        SWIG_fail;
    $1 = cxmb_values;
    if (cxmb_count != cxmb_length) {
        lua_pushfstring(L, "%s has %d elements where %d were expected", "$1_name",
                        (int)cxmb_count, (int)cxmb_length);
        SWIG_fail;
    }
}
%typemap(freearg) const double *SAME_LENGTH { free((double *)$1); }
#endif

/* Every output array of the API is a DST_ARRAY. */
%apply (double *DST_ARRAY, size_t DST_LENGTH) { (double *dst, size_t n), (double *dst, size_t dst_n) };

/* ---------------------------------------------------------------- the library */
%rename("%(regex:/^(cxm_|CXM_)(.*)/\\2/)s") "";
%ignore cxm_set_allocator;
%ignore cxm_free;
#define CXM_API
%include "cxm/version.h"
%include "cxm/common.h"

/* One interface file per module. */
%include "clv.i"
%include "chain.i"
%include "journey.i"
%include "io.i"
%include "model.i"
%include "subscription.i"
%include "chunk.i"
%include "sim.i"
