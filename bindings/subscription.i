/* The sBG subscription model (cxm/subscription.h). Included by cxm.i after
 * model.i (whose handle, typemaps and cxmb_fit_options it uses). The
 * friendly APIs are cxm.ShiftedBetaGeometric (bindings/python/cxm/ltv2.py)
 * and cxm.lua. */

%ignore cxm_model_fit_survivors;
%ignore cxm_model_fit_durations;
%ignore cxm_model_survival;
%ignore cxm_model_retention;
%ignore cxm_model_churn_probability;
%ignore cxm_model_derl;
%ignore cxm_model_subscription_value;
%include "cxm/subscription.h"

%rename(model_fit_survivors) cxmb_model_fit_survivors;
%rename(model_fit_durations) cxmb_model_fit_durations;
%rename(model_survival) cxmb_model_survival;
%rename(model_retention) cxmb_model_retention;
%rename(model_churn_probability) cxmb_model_churn_probability;
%rename(model_derl) cxmb_model_derl;
%rename(model_subscription_value) cxmb_model_subscription_value;
%inline %{
static int cxmb_model_fit_survivors(cxm_model *model, const double *a, size_t a_n,
                                    double penalty, unsigned max_iterations, double tolerance,
                                    unsigned threads, unsigned flags)
{
    cxm_fit_options o;
    int status = cxmb_fit_options(&o, penalty, max_iterations, tolerance, threads, flags);
    return status ? status : cxm_model_fit_survivors(model, a, a_n, &o);
}

/* periods, active[, weights] (an empty weights array: none). */
static int cxmb_model_fit_durations(cxm_model *model, const double *a, size_t a_n,
                                    const double *b, size_t b_n, const double *w, size_t w_n,
                                    double penalty, unsigned max_iterations, double tolerance,
                                    unsigned threads, unsigned flags)
{
    cxm_fit_options o;
    int status = cxmb_same_length(a_n, b_n, "active");
    if (status == CXM_OK) status = cxmb_weights(a_n, w_n);
    if (status == CXM_OK) status = cxmb_fit_options(&o, penalty, max_iterations, tolerance, threads, flags);
    return status ? status : cxm_model_fit_durations(model, a_n, a, b, w_n ? w : NULL, &o);
}

static int cxmb_model_survival(const cxm_model *model, double *dst, size_t dst_n,
                               const double *a, size_t a_n)
{
    int status = cxmb_same_length(dst_n, a_n, "t");
    return status ? status : cxm_model_survival(dst, dst_n, model, a);
}

static int cxmb_model_retention(const cxm_model *model, double *dst, size_t dst_n,
                                const double *a, size_t a_n)
{
    int status = cxmb_same_length(dst_n, a_n, "t");
    return status ? status : cxm_model_retention(dst, dst_n, model, a);
}

static int cxmb_model_churn_probability(const cxm_model *model, double *dst, size_t dst_n,
                                        const double *a, size_t a_n)
{
    int status = cxmb_same_length(dst_n, a_n, "t");
    return status ? status : cxm_model_churn_probability(dst, dst_n, model, a);
}

static int cxmb_model_derl(const cxm_model *model, double *dst, size_t dst_n, double discount,
                           const double *a, size_t a_n)
{
    int status = cxmb_same_length(dst_n, a_n, "renewals");
    return status ? status : cxm_model_derl(dst, dst_n, model, discount, a);
}

static int cxmb_model_subscription_value(const cxm_model *model, double *dst, size_t dst_n,
                                         double margin, double discount, const double *a,
                                         size_t a_n)
{
    int status = cxmb_same_length(dst_n, a_n, "renewals");
    return status ? status : cxm_model_subscription_value(dst, dst_n, model, margin, discount, a);
}
%}
