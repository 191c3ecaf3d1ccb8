/* Public entry points of the date helpers (cxm/io.h). */
#include "config.h"

#include <math.h>
#include <string.h>

#include "core/internal.h"
#include "cxm/io.h"
#include "io/date.h"

int cxm_time_parse(double *out, const char *text, const char *format)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = cxm__check_pointer(text, "text");
    cxm__time_format f;
    if (status == CXM_OK)
        status = cxm__time_format_init(&f, format);
    if (status != CXM_OK)
        return status;
    const char *a = text, *b = text + strlen(text);
    while (a < b && (*a == ' ' || *a == '\t'))
        a++;
    while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
        b--;
    char reason[160];
    if (cxm__time_parse(&f, a, (size_t)(b - a), out, reason, sizeof reason) != 0)
        return cxm__fail(CXM_EPARSE, "'%.*s' is not a valid date: %s", (int)(b - a > 80 ? 80 : b - a),
                         a, reason);
    return CXM_OK;
}

int cxm_time_format(char *dst, size_t dst_n, double days)
{
    int status = cxm__check_pointer(dst, "dst");
    if (status != CXM_OK)
        return status;
    /* Years 0..9999: -719528 is 0000-01-01, 2932897 is 10000-01-01. */
    if (!(days >= -719528.0 && days < 2932897.0))
        return cxm__fail(CXM_EINVAL, "time %g is not within the years 0..9999", days);
    if (cxm__time_format_iso(dst, dst_n, days) == 0)
        return cxm__fail(CXM_EINVAL, "dst of %zu bytes is too small for the time", dst_n);
    return CXM_OK;
}
