/* The emotion chain. Included by cxm.i. */
%ignore cxm_peak_end;
%ignore cxm_peak_end_many;
%include "cxm/chain.h"

#if defined(SWIGPYTHON)
%numpy_typemaps(size_t, NPY_UINTP, size_t)
%apply (size_t *IN_ARRAY1, size_t DIM1) { (const size_t *offsets, size_t offsets_n) };
#endif

%rename(peak_end) cxmb_peak_end;
%inline %{
static int cxmb_peak_end(double *out, const double *a, size_t a_n)
{
    return cxm_peak_end(out, a_n, a);
}
%}

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
