/* Status names and the thread-local error message. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/internal.h"

enum { CXM_MESSAGE_CAPACITY = 1024 };

/* Thread-local, never a shared pointer: two threads failing at once must not
 * read each other's text (the race cJSON's global error pointer has). */
static _Thread_local char last_message[CXM_MESSAGE_CAPACITY];
static _Thread_local int last_status = CXM_OK;
/* The element of the caller's arrays the last failure concerns, or NO_ELEMENT. */
#define NO_ELEMENT SIZE_MAX
static _Thread_local size_t last_element = NO_ELEMENT;

const char *cxm_strerror(int status)
{
    switch (status) {
    case CXM_OK: return "success";
    case CXM_EINVAL: return "invalid argument";
    case CXM_ENOMEM: return "out of memory";
    case CXM_EDOMAIN: return "result undefined for these arguments";
    case CXM_EIO: return "input/output error";
    case CXM_EPARSE: return "malformed input";
    case CXM_ECONVERGE: return "no convergence";
    case CXM_ESTATE: return "invalid state for this call";
    case CXM_EUNSUPPORTED: return "not supported";
    case CXM_ERANGE: return "size out of range";
    case CXM_ENOTFOUND: return "not found";
    default: return "unknown status";
    }
}

const char *cxm_error_message(void)
{
    return last_message;
}

int cxm_error_status(void)
{
    return last_status;
}

int cxm_error_element(size_t *out)
{
    /* Never a failure of its own: the last error stays what it was. */
    if (out == NULL || last_element == NO_ELEMENT)
        return CXM_ENOTFOUND;
    *out = last_element;
    return CXM_OK;
}

void cxm_error_clear(void)
{
    last_message[0] = '\0';
    last_status = CXM_OK;
    last_element = NO_ELEMENT;
}

int cxm__vfail(int status, const char *fmt, va_list ap)
{
    last_status = status;
    last_element = NO_ELEMENT;
    vsnprintf(last_message, sizeof last_message, fmt, ap);
    return status;
}

int cxm__fail(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cxm__vfail(status, fmt, ap);
    va_end(ap);
    return status;
}

/* The message is copied before it is rewritten: formatting
 * cxm_error_message() into the buffer it lives in is undefined behaviour
 * (and garbles the text). */
static int vfail_prefix(int status, const char *fmt, va_list ap)
{
    char prefix[CXM_MESSAGE_CAPACITY];
    char previous[CXM_MESSAGE_CAPACITY];
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    memcpy(previous, last_message, sizeof previous);
    /* Truncation is intended: the message buffer is bounded. */
    size_t used = strlen(prefix);
    if (used >= sizeof last_message)
        used = sizeof last_message - 1;
    memcpy(last_message, prefix, used);
    size_t rest = strlen(previous);
    if (rest > sizeof last_message - 1 - used)
        rest = sizeof last_message - 1 - used;
    memcpy(last_message + used, previous, rest);
    last_message[used + rest] = '\0';
    last_status = status;
    return status;
}

int cxm__fail_prefix(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int status = vfail_prefix(last_status, fmt, ap);
    va_end(ap);
    return status;
}

int cxm__fail_prefix_status(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail_prefix(status, fmt, ap);
    va_end(ap);
    return status;
}

int cxm__fail_at(int status, size_t i, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cxm__vfail(status, fmt, ap);
    va_end(ap);
    return cxm__fail_prefix_at(i);
}

int cxm__fail_prefix_at(size_t i)
{
    int status = cxm__fail_prefix("element %zu: ", i);
    last_element = i;
    return status;
}

int cxm__check_pointer(const void *ptr, const char *name)
{
    if (ptr == NULL)
        return cxm__fail(CXM_EINVAL, "%s must not be NULL", name);
    return CXM_OK;
}

int cxm__check_finite(double value, const char *name)
{
    /* value - value is NaN for infinities and NaN: one test without <math.h> classification. */
    if (!(value - value == 0.0))
        return cxm__fail(CXM_EINVAL, "%s must be a finite number, got %g", name, value);
    return CXM_OK;
}

int cxm__check_probability(double value, const char *name)
{
    if (!(value >= 0.0 && value <= 1.0))
        return cxm__fail(CXM_EINVAL, "%s %g is outside [0, 1]", name, value);
    return CXM_OK;
}

int cxm__check_nonnegative(double value, const char *name)
{
    int status = cxm__check_finite(value, name);
    if (status != CXM_OK)
        return status;
    if (value < 0.0)
        return cxm__fail(CXM_EINVAL, "%s %g must not be negative", name, value);
    return CXM_OK;
}

int cxm__check_positive(double value, const char *name)
{
    int status = cxm__check_finite(value, name);
    if (status != CXM_OK)
        return status;
    if (!(value > 0.0))
        return cxm__fail(CXM_EINVAL, "%s %g must be greater than 0", name, value);
    return CXM_OK;
}
