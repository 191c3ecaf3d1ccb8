/* Lifetime value: closed forms. Included by cxm.i. The *_many functions
 * (output first, inputs of its length) are bound as they are. */
%ignore cxm_clv_schedule;
%ignore cxm_customer_equity;

%apply const double *SAME_LENGTH { const double *margin, const double *retention, const double *discount };
%include "cxm/clv.h"
%clear const double *margin, const double *retention, const double *discount;

/* Array adapters: (pointer, length) pairs for the C API's single length. */
%rename(clv_schedule) cxmb_clv_schedule;
%rename(customer_equity) cxmb_customer_equity;
%inline %{
static int cxmb_clv_schedule(double *out, const double *a, size_t a_n, const double *b,
                             size_t b_n, double discount, int timing)
{
    int status = cxmb_same_length(a_n, b_n, "retention");
    return status ? status : cxm_clv_schedule(out, a_n, a, b, discount, (cxm_cash_timing)timing);
}

static int cxmb_customer_equity(double *out, const double *a, size_t a_n, const double *b,
                                size_t b_n, const double *c, size_t c_n, double discount)
{
    int status = cxmb_same_length(a_n, b_n, "clv");
    if (status == CXM_OK && c_n > 0) status = cxmb_same_length(a_n, c_n, "acquisition_cost");
    return status ? status : cxm_customer_equity(out, a_n, a, b, c_n > 0 ? c : NULL, discount);
}
%}
