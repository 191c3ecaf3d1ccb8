/* Closed-form lifetime value (Gupta & Lehmann 2003) and customer equity. */
#include "config.h"

#include <math.h>

#include "core/internal.h"
#include "cxm/clv.h"

static int check_timing(cxm_cash_timing timing)
{
    if (timing != CXM_CASH_END && timing != CXM_CASH_START)
        return cxm__fail(CXM_EINVAL, "timing %d is neither CXM_CASH_END (0) nor CXM_CASH_START (1)",
                         (int)timing);
    return CXM_OK;
}

static int check_retention_discount(double retention, double discount)
{
    int status = cxm__check_probability(retention, "retention");
    if (status == CXM_OK)
        status = cxm__check_nonnegative(discount, "discount");
    return status;
}

/* A result that overflows a double is an error, never inf (e.g. a margin of
 * 1e308 over many periods, or 1 + d − r = 1e-320). */
static int finite_result(double *out, double value, const char *what)
{
    if (!isfinite(value))
        return cxm__fail(CXM_EDOMAIN, "%s is beyond the range of a double", what);
    *out = value;
    return CXM_OK;
}

/* 1 + d − r is the denominator of every infinite-horizon form; it is 0 only
 * for r = 1 and d = 0, where a customer who never leaves is never discounted. */
static int perpetual_denominator(double *out, double retention, double discount)
{
    double denominator = (1.0 - retention) + discount;
    if (!(denominator > 0.0))
        return cxm__fail(CXM_EDOMAIN,
                         "lifetime value is infinite with retention %g and discount %g: "
                         "use a discount above 0 or a finite horizon",
                         retention, discount);
    *out = denominator;
    return CXM_OK;
}

int cxm_clv_retention(double *out, double margin, double retention, double discount,
                      cxm_cash_timing timing)
{
    double denominator = 0.0;
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = cxm__check_finite(margin, "margin");
    if (status == CXM_OK)
        status = check_retention_discount(retention, discount);
    if (status == CXM_OK)
        status = check_timing(timing);
    if (status == CXM_OK)
        status = perpetual_denominator(&denominator, retention, discount);
    if (status != CXM_OK)
        return status;
    double numerator = timing == CXM_CASH_END ? retention : 1.0 + discount;
    double value = margin * numerator / denominator;
    if (!isfinite(value)) /* margin·(1 + d) alone may overflow for d near 1e308 */
        value = margin * (numerator / denominator);
    return finite_result(out, value, "the lifetime value");
}

int cxm_clv_elasticity(double *out, double retention, double discount, cxm_cash_timing timing)
{
    double denominator = 0.0;
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = check_retention_discount(retention, discount);
    if (status == CXM_OK)
        status = check_timing(timing);
    if (status == CXM_OK)
        status = perpetual_denominator(&denominator, retention, discount);
    if (status != CXM_OK)
        return status;
    return finite_result(out, (timing == CXM_CASH_END ? 1.0 + discount : retention) / denominator,
                         "the elasticity");
}

int cxm_clv_retention_many(double *dst, size_t n, const double *margin, const double *retention,
                           const double *discount, cxm_cash_timing timing)
{
    if (n == 0)
        return CXM_OK;
    int status = cxm__check_pointer(dst, "dst");
    if (status == CXM_OK)
        status = cxm__check_pointer(margin, "margin");
    if (status == CXM_OK)
        status = cxm__check_pointer(retention, "retention");
    if (status == CXM_OK)
        status = cxm__check_pointer(discount, "discount");
    for (size_t i = 0; status == CXM_OK && i < n; i++) {
        status = cxm_clv_retention(&dst[i], margin[i], retention[i], discount[i], timing);
        if (status != CXM_OK)
            cxm__fail_prefix_at(i);
    }
    return status;
}

int cxm_clv_elasticity_many(double *dst, size_t n, const double *retention, const double *discount,
                            cxm_cash_timing timing)
{
    if (n == 0)
        return CXM_OK;
    int status = cxm__check_pointer(dst, "dst");
    if (status == CXM_OK)
        status = cxm__check_pointer(retention, "retention");
    if (status == CXM_OK)
        status = cxm__check_pointer(discount, "discount");
    for (size_t i = 0; status == CXM_OK && i < n; i++) {
        status = cxm_clv_elasticity(&dst[i], retention[i], discount[i], timing);
        if (status != CXM_OK)
            cxm__fail_prefix_at(i);
    }
    return status;
}

int cxm_clv_horizon(double *out, double margin, double retention, double discount, size_t horizon,
                    cxm_cash_timing timing)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = cxm__check_finite(margin, "margin");
    if (status == CXM_OK)
        status = check_retention_discount(retention, discount);
    if (status == CXM_OK)
        status = check_timing(timing);
    if (status != CXM_OK)
        return status;
    if (horizon == 0 || retention == 0.0) {
        /* Nobody survives the first period: only a prepaid first margin is received. */
        *out = (horizon > 0 && timing == CXM_CASH_START) ? margin : 0.0;
        return CXM_OK;
    }
    /* Geometric sum of q = r/(1+d): Σ_{t=0..H−1} q^t = (1 − q^H)/(1 − q), evaluated with
     * expm1 and the exact 1 − q = (1+d−r)/(1+d) so that q close to 1 keeps its digits. */
    double q = retention / (1.0 + discount);
    double one_minus_q = ((1.0 - retention) + discount) / (1.0 + discount);
    /* ln q = ln r − ln(1 + d): a discount of 1e-300 must not round away. */
    double log_q = log(retention) - log1p(discount);
    double sum = one_minus_q > 0.0 ? -expm1((double)horizon * log_q) / one_minus_q
                                   : (double)horizon;
    return finite_result(out, margin * (timing == CXM_CASH_END ? q * sum : sum),
                         "the lifetime value");
}

int cxm_clv_horizon_many(double *dst, size_t n, const double *margin, const double *retention,
                         const double *discount, size_t horizon, cxm_cash_timing timing)
{
    if (n == 0)
        return CXM_OK;
    int status = cxm__check_pointer(dst, "dst");
    if (status == CXM_OK)
        status = cxm__check_pointer(margin, "margin");
    if (status == CXM_OK)
        status = cxm__check_pointer(retention, "retention");
    if (status == CXM_OK)
        status = cxm__check_pointer(discount, "discount");
    for (size_t i = 0; status == CXM_OK && i < n; i++) {
        status = cxm_clv_horizon(&dst[i], margin[i], retention[i], discount[i], horizon, timing);
        if (status != CXM_OK)
            cxm__fail_prefix_at(i);
    }
    return status;
}

int cxm_clv_schedule(double *out, size_t horizon, const double *margin, const double *retention,
                     double discount, cxm_cash_timing timing)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK && horizon > 0)
        status = cxm__check_pointer(margin, "margin");
    if (status == CXM_OK && horizon > 0)
        status = cxm__check_pointer(retention, "retention");
    if (status == CXM_OK)
        status = cxm__check_nonnegative(discount, "discount");
    if (status == CXM_OK)
        status = check_timing(timing);
    for (size_t t = 0; status == CXM_OK && t < horizon; t++) {
        status = cxm__check_finite(margin[t], "margin");
        if (status == CXM_OK)
            status = cxm__check_probability(retention[t], "retention");
        if (status != CXM_OK)
            cxm__fail_prefix("period %zu: ", t + 1);
    }
    if (status != CXM_OK)
        return status;

    /* weight = survival to the cash date × discount factor to that date. */
    double value = 0.0, weight = 1.0;
    for (size_t t = 0; t < horizon; t++) {
        if (timing == CXM_CASH_END)
            weight *= retention[t] / (1.0 + discount);
        value += margin[t] * weight;
        if (timing == CXM_CASH_START)
            weight *= retention[t] / (1.0 + discount);
    }
    return finite_result(out, value, "the lifetime value");
}

int cxm_customer_equity(double *out, size_t n, const double *size, const double *clv,
                        const double *acquisition_cost, double discount)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK && n > 0)
        status = cxm__check_pointer(size, "size");
    if (status == CXM_OK && n > 0)
        status = cxm__check_pointer(clv, "clv");
    if (status == CXM_OK)
        status = cxm__check_nonnegative(discount, "discount");
    for (size_t k = 0; status == CXM_OK && k < n; k++) {
        status = cxm__check_nonnegative(size[k], "size");
        if (status == CXM_OK)
            status = cxm__check_finite(clv[k], "clv");
        if (status == CXM_OK && acquisition_cost)
            status = cxm__check_finite(acquisition_cost[k], "acquisition cost");
        if (status != CXM_OK)
            cxm__fail_prefix("cohort %zu: ", k);
    }
    if (status != CXM_OK)
        return status;

    double equity = 0.0, factor = 1.0;
    for (size_t k = 0; k < n; k++) {
        double cost = acquisition_cost ? acquisition_cost[k] : 0.0;
        equity += size[k] * (clv[k] - cost) * factor;
        factor /= 1.0 + discount;
    }
    return finite_result(out, equity, "the customer equity");
}
