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
/* status -> exception class, registered by cxm/__init__.py. */
static PyObject *cxmb_error_classes = NULL;

static void cxmb_raise(int status)
{
    const char *message = cxmb_take_message();
    PyObject *cls = NULL, *key = PyLong_FromLong(status);
    if (key && cxmb_error_classes)
        cls = PyDict_GetItem(cxmb_error_classes, key); /* borrowed */
    Py_XDECREF(key);
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
    PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
    Py_DECREF(exc);
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
%typemap(out) int {
    if ($1 < 0) {
        lua_pushstring(L, cxmb_take_message());
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
    $2 = (size_t)count;
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
#endif

%apply (double *INPLACE_ARRAY1, size_t DIM1) { (double *dst, size_t dst_n) };
%apply (const double *IN_ARRAY1, size_t DIM1) {
    (const double *a, size_t a_n), (const double *b, size_t b_n), (const double *c, size_t c_n)
};
#if defined(SWIGPYTHON)
/* numpy.i declares its input typemaps without const. */
%apply (double *IN_ARRAY1, size_t DIM1) {
    (const double *a, size_t a_n), (const double *b, size_t b_n), (const double *c, size_t c_n)
};
#endif

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
