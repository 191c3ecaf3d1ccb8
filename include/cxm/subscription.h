/**
 * @file cxm/subscription.h
 * @brief Contractual customers: the shifted-beta-geometric (sBG) model of
 *        Fader & Hardie (2007, 2010) on the model engine of cxm/model.h.
 *
 * A subscriber renews at the end of every period until they cancel; each
 * cancels with a constant probability θ per period, and θ varies across
 * customers as Beta(alpha, beta). Retention therefore rises with tenure
 * (the heterogeneous churners leave first), which is why a single
 * retention rate misprices a customer base.
 *
 * Create the model with cxm_model_create(&m, CXM_MODEL_SBG) (or the name
 * "sbg"), then fit it on a cohort's survivor counts
 * (cxm_model_fit_survivors()) or on individual tenures with right-censoring
 * (cxm_model_fit_durations()), or give it parameters with
 * cxm_model_set_params() (alpha, beta). Standard errors, the fit report and
 * JSON save/load are those of every model (cxm/model.h).
 *
 * Periods are the contract's (years, months, ...). "After t periods" means
 * after t renewal decisions: S(0) = 1, and a customer lost in period t
 * (tenure t) made t − 1 renewals.
 *
 * Every function takes periods and renewals up to the largest double (whole
 * numbers up to 2^53) and discount rates from the smallest to the largest
 * double, and returns finite numbers; a value beyond the range of a double
 * (a DEL of 1e400 at a discount of 1e-320) is #CXM_EDOMAIN.
 */
#ifndef CXM_SUBSCRIPTION_H
#define CXM_SUBSCRIPTION_H

#include "cxm/common.h"
#include "cxm/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Fit an sBG model on survivor counts of one cohort.
 *
 * @param model      an sBG model (#CXM_MODEL_SBG).
 * @param survivors  @p n counts: survivors[0] customers at the start,
 *                   survivors[t] still active after t periods; whole numbers
 *                   (or any non-negative weights), non-increasing, with
 *                   survivors[0] > survivors[n−1] (some churn is needed).
 * @param n          number of counts, >= 2.
 * @param options    NULL for the defaults.
 * @return #CXM_OK, #CXM_EINVAL (the message names the element),
 *         #CXM_EUNSUPPORTED for a model that is not sBG, #CXM_ECONVERGE,
 *         #CXM_ENOMEM.
 */
CXM_API int cxm_model_fit_survivors(cxm_model *model, const double *survivors, size_t n,
                                    const cxm_fit_options *options);

/**
 * Fit an sBG model on individual tenures with right-censoring.
 *
 * @param model    an sBG model (#CXM_MODEL_SBG).
 * @param n        number of customers (or distinct tenure/status pairs).
 * @param periods  tenure of each customer in whole periods: the period in
 *                 which they cancelled (>= 1), or the periods observed so
 *                 far for customers still active (>= 0).
 * @param active   1 for a customer still active (censored), 0 for one who
 *                 cancelled at the end of period @p periods.
 * @param weights  customers per row, or NULL.
 * @param options  NULL for the defaults.
 */
CXM_API int cxm_model_fit_durations(cxm_model *model, size_t n, const double *periods,
                                    const double *active, const double *weights,
                                    const cxm_fit_options *options);

/**
 * Survival S(t) = B(alpha, beta + t)/B(alpha, beta): the share of a new
 * cohort still active after t periods, for @p n values t >= 0 (whole or not).
 *
 * @param[out] dst  @p n survival probabilities.
 * @param n         number of values.
 * @param model     an sBG model with parameters.
 * @param t         @p n numbers of periods.
 * @return #CXM_OK, #CXM_ESTATE, #CXM_EUNSUPPORTED (not sBG), #CXM_EINVAL.
 */
CXM_API int cxm_model_survival(double *dst, size_t n, const cxm_model *model, const double *t);

/**
 * Retention rate in period t, r_t = S(t)/S(t−1) = (beta + t − 1)/(alpha +
 * beta + t − 1): the share of customers active after t − 1 periods who renew
 * again, for t >= 1.
 *
 * @param[out] dst  @p n retention rates.
 * @param n         number of values.
 * @param model     an sBG model with parameters.
 * @param t         @p n periods, each >= 1.
 * @return #CXM_OK, #CXM_ESTATE, #CXM_EUNSUPPORTED (not sBG), #CXM_EINVAL.
 */
CXM_API int cxm_model_retention(double *dst, size_t n, const cxm_model *model, const double *t);

/**
 * Probability that a new customer's tenure is exactly t periods,
 * P(T = t) = S(t−1) − S(t), for whole t >= 1.
 *
 * @param[out] dst  @p n probabilities.
 * @param n         number of values.
 * @param model     an sBG model with parameters.
 * @param t         @p n whole numbers of periods, each >= 1.
 * @return #CXM_OK, #CXM_ESTATE, #CXM_EUNSUPPORTED (not sBG), #CXM_EINVAL.
 */
CXM_API int cxm_model_churn_probability(double *dst, size_t n, const cxm_model *model,
                                        const double *t);

/**
 * Discounted expected lifetime of a new customer,
 * DEL = Σ_{t>=0} S(t)/(1+d)^t = 2F1(1, beta; alpha+beta; 1/(1+d)) (Fader &
 * Hardie 2010): the present value, in payments, of a customer who pays at
 * the start of every period while active (the first payment is now).
 *
 * @param[out] out  the DEL.
 * @param model     an sBG model with parameters.
 * @param discount  discount rate d per period, > 0 (= 0 is allowed when
 *                  alpha > 1, where the sum converges).
 * @return #CXM_OK, #CXM_EDOMAIN when the sum diverges (d = 0, alpha <= 1).
 */
CXM_API int cxm_model_del(double *out, const cxm_model *model, double discount);

/**
 * Discounted expected residual lifetime of customers who have made
 * renewals[i] renewals (the paper's n − 1) and are about to decide on the
 * next: Σ_{t>=n} S(t)/S(n−1)/(1+d)^(t−n) =
 * (beta+n−1)/(alpha+beta+n−1)·2F1(1, beta+n; alpha+beta+n; 1/(1+d)),
 * n = renewals + 1 (Fader & Hardie 2010, equation 6). The next payment, if
 * the customer renews, is undiscounted.
 *
 * @param[out] dst  @p n residual lifetimes, in payments.
 * @param n         number of customers (or renewal counts).
 * @param model     an sBG model with parameters.
 * @param discount  discount rate d per period, >= 0 (0 only when alpha > 1).
 * @param renewals  @p n whole numbers >= 0.
 * @return #CXM_OK, #CXM_ESTATE, #CXM_EUNSUPPORTED (not sBG), #CXM_EINVAL,
 *         #CXM_EDOMAIN (d = 0 with alpha <= 1).
 */
CXM_API int cxm_model_derl(double *dst, size_t n, const cxm_model *model, double discount,
                           const double *renewals);

/**
 * Expected residual value of subscribers: margin·DERL for customers with
 * the given numbers of renewals (see cxm_model_derl()). The value of a new
 * customer who pays now is margin·DEL (cxm_model_del()).
 *
 * @param[out] dst  @p n values.
 * @param n         number of customers (or renewal counts).
 * @param model     an sBG model with parameters.
 * @param margin    profit per period of an active customer (any finite value).
 * @param discount  discount rate d per period, >= 0 (0 only when alpha > 1).
 * @param renewals  @p n whole numbers >= 0 of renewals made so far.
 * @return as cxm_model_derl().
 */
CXM_API int cxm_model_subscription_value(double *dst, size_t n, const cxm_model *model,
                                         double margin, double discount,
                                         const double *renewals);

#ifdef __cplusplus
}
#endif

#endif /* CXM_SUBSCRIPTION_H */
