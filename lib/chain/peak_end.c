/* The peak-end rule: one implementation for the journey and chain modules. */
#include "config.h"

#include <math.h>

#include "core/internal.h"
#include "cxm/chain.h"

int cxm_peak_end(double *out, size_t n, const double *values)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK && n == 0)
        status = cxm__fail(CXM_EINVAL, "an experience needs at least one moment");
    if (status == CXM_OK)
        status = cxm__check_pointer(values, "values");
    if (status != CXM_OK)
        return status;
    double peak = values[0];
    for (size_t i = 0; i < n; i++) {
        status = cxm__check_finite(values[i], "moment");
        if (status != CXM_OK)
            return cxm__fail_prefix("moment %zu: ", i);
        if (fabs(values[i]) > fabs(peak))
            peak = values[i];
    }
    *out = 0.5 * (peak + values[n - 1]);
    return CXM_OK;
}

int cxm_peak_end_many(double *dst, size_t n_experiences, const size_t *offsets,
                      const double *values)
{
    if (n_experiences == 0)
        return CXM_OK;
    int status = cxm__check_pointer(dst, "dst");
    if (status == CXM_OK)
        status = cxm__check_pointer(offsets, "offsets");
    if (status == CXM_OK && offsets[0] != 0)
        status = cxm__fail(CXM_EINVAL, "offsets[0] must be 0, got %zu", offsets[0]);
    for (size_t j = 0; status == CXM_OK && j < n_experiences; j++) {
        if (offsets[j + 1] < offsets[j])
            status = cxm__fail(CXM_EINVAL, "offsets decrease at experience %zu", j);
        else
            status = cxm_peak_end(&dst[j], offsets[j + 1] - offsets[j], values + offsets[j]);
        if (status != CXM_OK)
            cxm__fail_prefix("experience %zu: ", j);
    }
    return status;
}
