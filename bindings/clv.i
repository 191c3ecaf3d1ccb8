/* Lifetime value: closed forms. Included by cxm.i. */
%ignore cxm_clv_retention_many;
%ignore cxm_clv_horizon_many;
%ignore cxm_clv_elasticity_many;
%ignore cxm_clv_schedule;
%ignore cxm_customer_equity;

%include "cxm/clv.h"

/* Array adapters: (pointer, length) pairs for the C API's single length. */
%rename(clv_retention_many) cxmb_clv_retention_many;
%rename(clv_horizon_many) cxmb_clv_horizon_many;
%rename(clv_elasticity_many) cxmb_clv_elasticity_many;
%rename(clv_schedule) cxmb_clv_schedule;
%rename(customer_equity) cxmb_customer_equity;
%inline %{
static int cxmb_clv_retention_many(double *dst, size_t dst_n, const double *a, size_t a_n,
                                   const double *b, size_t b_n, const double *c, size_t c_n,
                                   int timing)
{
    int status = cxmb_same_length(dst_n, a_n, "margin");
    if (status == CXM_OK) status = cxmb_same_length(dst_n, b_n, "retention");
    if (status == CXM_OK) status = cxmb_same_length(dst_n, c_n, "discount");
    return status ? status : cxm_clv_retention_many(dst, dst_n, a, b, c, (cxm_cash_timing)timing);
}

static int cxmb_clv_horizon_many(double *dst, size_t dst_n, const double *a, size_t a_n,
                                 const double *b, size_t b_n, const double *c, size_t c_n,
                                 size_t horizon, int timing)
{
    int status = cxmb_same_length(dst_n, a_n, "margin");
    if (status == CXM_OK) status = cxmb_same_length(dst_n, b_n, "retention");
    if (status == CXM_OK) status = cxmb_same_length(dst_n, c_n, "discount");
    return status ? status
                  : cxm_clv_horizon_many(dst, dst_n, a, b, c, horizon, (cxm_cash_timing)timing);
}

static int cxmb_clv_elasticity_many(double *dst, size_t dst_n, const double *a, size_t a_n,
                                    const double *b, size_t b_n, int timing)
{
    int status = cxmb_same_length(dst_n, a_n, "retention");
    if (status == CXM_OK) status = cxmb_same_length(dst_n, b_n, "discount");
    return status ? status : cxm_clv_elasticity_many(dst, dst_n, a, b, (cxm_cash_timing)timing);
}

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
