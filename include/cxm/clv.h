/**
 * @file cxm/clv.h
 * @brief Closed-form customer lifetime value (Gupta & Lehmann 2003).
 *
 * A customer yields margin m per period, stays from one period to the next
 * with probability r (retention) and money is discounted at rate d per
 * period. With cash at the end of each period CLV = Σ_{t≥1} m·r^t/(1+d)^t =
 * m·r/(1+d−r); with cash at the start of each period (prepaid)
 * CLV = Σ_{t≥0} m·r^t/(1+d)^t = m·(1+d)/(1+d−r).
 *
 * Arguments: margins may be any finite number (a loss-making customer has a
 * negative margin); retention lies in [0, 1]; the discount rate is finite and
 * not negative. An infinite lifetime value (retention 1 with discount 0), or
 * one beyond the range of a double (a margin of 1e308 over many periods), is
 * #CXM_EDOMAIN, never a number. Horizons are closed forms: any number of
 * periods takes the same time.
 */
#ifndef CXM_CLV_H
#define CXM_CLV_H

#include "cxm/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** When in each period the margin is received. */
typedef enum cxm_cash_timing {
    CXM_CASH_END = 0,  /**< At the end of the period, from customers retained through it. */
    CXM_CASH_START = 1 /**< At the start of the period (prepaid), from customers active then. */
} cxm_cash_timing;

/**
 * Lifetime value of a customer with constant margin and retention over an
 * infinite horizon.
 *
 * @param[out] out     the lifetime value.
 * @param margin       margin per period.
 * @param retention    probability of staying from one period to the next, in [0, 1].
 * @param discount     discount rate per period, >= 0.
 * @param timing       #CXM_CASH_END: m·r/(1+d−r); #CXM_CASH_START: m·(1+d)/(1+d−r).
 * @return #CXM_OK, #CXM_EINVAL for a bad argument, #CXM_EDOMAIN if the value is infinite.
 */
CXM_API int cxm_clv_retention(double *out, double margin, double retention, double discount,
                              cxm_cash_timing timing);

/**
 * cxm_clv_retention() for @p n customers at once.
 *
 * @param[out] dst     @p n lifetime values.
 * @param n            number of customers.
 * @param margin       @p n margins.
 * @param retention    @p n retention rates.
 * @param discount     @p n discount rates.
 * @param timing       cash-flow timing, as in cxm_clv_retention().
 * @return #CXM_OK; on a bad element the error names its index and @p dst is
 *         left partly written.
 */
CXM_API int cxm_clv_retention_many(double *dst, size_t n, const double *margin,
                                   const double *retention, const double *discount,
                                   cxm_cash_timing timing);

/**
 * Elasticity of lifetime value to retention, (dCLV/dr)·(r/CLV): the percent
 * change in lifetime value for a one percent change in retention.
 *
 * It does not depend on the margin: (1+d)/(1+d−r) with cash at the end of the
 * period, r/(1+d−r) when prepaid.
 *
 * @param[out] out     the elasticity.
 * @param retention    retention rate in [0, 1].
 * @param discount     discount rate per period, >= 0.
 * @param timing       cash-flow timing.
 * @return #CXM_OK, #CXM_EINVAL, or #CXM_EDOMAIN when 1+d−r is 0.
 */
CXM_API int cxm_clv_elasticity(double *out, double retention, double discount,
                               cxm_cash_timing timing);

/**
 * cxm_clv_elasticity() for @p n customers at once.
 *
 * @param[out] dst     @p n elasticities.
 * @param n            number of customers.
 * @param retention    @p n retention rates.
 * @param discount     @p n discount rates.
 * @param timing       cash-flow timing.
 * @return #CXM_OK, or the first element's error (its index is in the message).
 */
CXM_API int cxm_clv_elasticity_many(double *dst, size_t n, const double *retention,
                                    const double *discount, cxm_cash_timing timing);

/**
 * Lifetime value over a finite horizon of @p horizon periods with constant
 * margin and retention: Σ_{t=1..H} m·r^t/(1+d)^t with cash at the end of
 * each period, Σ_{t=0..H−1} m·r^t/(1+d)^t when prepaid.
 *
 * @param[out] out     the lifetime value.
 * @param margin       margin per period.
 * @param retention    retention rate in [0, 1].
 * @param discount     discount rate per period, >= 0.
 * @param horizon      number of periods (0 gives 0).
 * @param timing       cash-flow timing.
 * @return #CXM_OK or #CXM_EINVAL.
 */
CXM_API int cxm_clv_horizon(double *out, double margin, double retention, double discount,
                            size_t horizon, cxm_cash_timing timing);

/**
 * cxm_clv_horizon() for @p n customers at once, over the same horizon.
 *
 * @param[out] dst     @p n lifetime values.
 * @param n            number of customers.
 * @param margin       @p n margins.
 * @param retention    @p n retention rates.
 * @param discount     @p n discount rates.
 * @param horizon      number of periods.
 * @param timing       cash-flow timing.
 * @return #CXM_OK, or the first element's error (its index is in the message).
 */
CXM_API int cxm_clv_horizon_many(double *dst, size_t n, const double *margin,
                                 const double *retention, const double *discount, size_t horizon,
                                 cxm_cash_timing timing);

/**
 * Lifetime value with a margin and a retention rate for each period.
 *
 * Period t (1-based) has margin m_t and retention r_t, the probability of
 * being retained through period t. With cash at the end of each period
 * CLV = Σ_t m_t·(r_1···r_t)/(1+d)^t; prepaid, the margin of period t comes
 * from customers who reached its start: CLV = Σ_t m_t·(r_1···r_{t−1})/(1+d)^{t−1}
 * (the last retention rate is then not used).
 *
 * @param[out] out     the lifetime value.
 * @param horizon      number of periods H; both arrays have H elements.
 * @param margin       margins m_1..m_H.
 * @param retention    retention rates r_1..r_H, each in [0, 1].
 * @param discount     discount rate per period, >= 0.
 * @param timing       cash-flow timing.
 * @return #CXM_OK or #CXM_EINVAL (the message names the bad period).
 */
CXM_API int cxm_clv_schedule(double *out, size_t horizon, const double *margin,
                             const double *retention, double discount, cxm_cash_timing timing);

/**
 * Customer equity of a sequence of cohorts: the value of the current and
 * future customer base, Σ_k size_k·(CLV_k − acquisition_cost_k)/(1+d)^k.
 *
 * Cohort k (0-based) is acquired k periods from now, so its value is
 * discounted k periods; pass @p discount 0 when all cohorts are valued at
 * the same date.
 *
 * @param[out] out            customer equity.
 * @param n                   number of cohorts.
 * @param size                number of customers in each cohort (>= 0).
 * @param clv                 lifetime value of one customer of each cohort.
 * @param acquisition_cost    cost of acquiring one customer of each cohort, or NULL for none.
 * @param discount            discount rate per period between cohorts, >= 0.
 * @return #CXM_OK or #CXM_EINVAL (the message names the bad cohort).
 */
CXM_API int cxm_customer_equity(double *out, size_t n, const double *size, const double *clv,
                                const double *acquisition_cost, double discount);

#ifdef __cplusplus
}
#endif

#endif /* CXM_CLV_H */
