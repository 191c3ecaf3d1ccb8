/* The sBG subscription model (cxm/subscription.h). Included by cxm.i after
 * model.i (whose handle, typemaps and cxmb_fit_options it uses). The
 * friendly APIs are cxm.ShiftedBetaGeometric (bindings/python/cxm/ltv2.py)
 * and cxm.lua. */

%ignore cxm_model_fit_survivors;
%ignore cxm_model_fit_durations;
/* The predictions (output first, inputs of its length) are bound as they are. */
%apply const double *SAME_LENGTH { const double *t, const double *renewals };
%include "cxm/subscription.h"
%clear const double *t, const double *renewals;

%rename(model_fit_survivors) cxmb_model_fit_survivors;
%rename(model_fit_durations) cxmb_model_fit_durations;
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

%}
