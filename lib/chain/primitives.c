/* Chain primitives: disconfirmation and adaptive expectations (Oliver 1980),
 * delight (Oliver, Rust & Varki 1997) and the valence of a journey's
 * moments (Kahneman et al. 1993). docs/models.md §3.1 and §2.5. */
#include "config.h"

#include <math.h>

#include "core/internal.h"
#include "cxm/chain.h"

int cxm_disconfirmation(double *dst, size_t n, const double *perceptions,
                        const double *expectations)
{
    if (n == 0)
        return CXM_OK;
    int status = cxm__check_pointer(dst, "dst");
    if (status == CXM_OK)
        status = cxm__check_pointer(perceptions, "perceptions");
    if (status == CXM_OK)
        status = cxm__check_pointer(expectations, "expectations");
    for (size_t i = 0; i < n && status == CXM_OK; i++) {
        status = cxm__check_finite(perceptions[i], "perception");
        if (status == CXM_OK)
            status = cxm__check_finite(expectations[i], "expectation");
        if (status == CXM_OK)
            dst[i] = perceptions[i] - expectations[i];
        else
            cxm__fail_prefix_at(i);
    }
    return status;
}

int cxm_adaptive_expectations(double *dst, size_t n, const double *perceptions, double initial,
                              double lambda)
{
    int status = cxm__check_finite(initial, "initial expectation");
    if (status == CXM_OK)
        status = cxm__check_probability(lambda, "lambda");
    if (status == CXM_OK && n > 0)
        status = cxm__check_pointer(dst, "dst");
    if (status == CXM_OK && n > 0)
        status = cxm__check_pointer(perceptions, "perceptions");
    double e = initial;
    for (size_t t = 0; t < n && status == CXM_OK; t++) {
        status = cxm__check_finite(perceptions[t], "perception");
        if (status != CXM_OK)
            return cxm__fail_prefix_at(t);
        e += lambda * (perceptions[t] - e);
        dst[t] = e;
    }
    return status;
}

int cxm_delight_classify(int *dst, size_t n, const double *disconfirmation, const double *affect,
                         double surprise, double arousal)
{
    int status = cxm__check_positive(surprise, "surprise threshold");
    if (status == CXM_OK)
        status = cxm__check_nonnegative(arousal, "arousal threshold");
    if (status == CXM_OK && n > 0)
        status = cxm__check_pointer(dst, "dst");
    if (status == CXM_OK && n > 0)
        status = cxm__check_pointer(disconfirmation, "disconfirmation");
    if (status != CXM_OK)
        return status;
    for (size_t i = 0; i < n; i++) {
        double d = disconfirmation[i], a = affect ? affect[i] : 0.0;
        if (isnan(d) || isnan(a)) {
            dst[i] = -1;
            continue;
        }
        if (isinf(d) || isinf(a))
            return cxm__fail_at(CXM_EINVAL, i, "values must be finite or NaN");
        int positive = affect ? a >= arousal : 1, negative = affect ? a <= -arousal : 1;
        if (d >= surprise && positive)
            dst[i] = CXM_DELIGHTED;
        else if (d <= -surprise && negative)
            dst[i] = CXM_OUTRAGED;
        else
            dst[i] = d >= 0 ? CXM_SATISFIED : CXM_DISSATISFIED;
    }
    return CXM_OK;
}

/* The most intense moment: largest magnitude, sign kept, first of ties. */
static double peak_of(size_t n, const double *v)
{
    double peak = v[0];
    for (size_t i = 1; i < n; i++)
        if (fabs(v[i]) > fabs(peak))
            peak = v[i];
    return peak;
}

int cxm_valence_aggregate(double *out, size_t n, const double *valences, const double *durations,
                          cxm_valence_rule rule, double parameter)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK && n == 0)
        status = cxm__fail(CXM_EINVAL, "a journey needs at least one moment");
    if (status == CXM_OK)
        status = cxm__check_pointer(valences, "valences");
    if (status != CXM_OK)
        return status;
    if ((unsigned)rule > (unsigned)CXM_VALENCE_NEGATIVITY)
        return cxm__fail(CXM_EINVAL, "valence rule %d does not exist", (int)rule);
    if (rule == CXM_VALENCE_RECENCY && !(parameter > 0.0 && parameter <= 1.0))
        return cxm__fail(CXM_EINVAL, "the recency rule's lambda %g is outside (0, 1]", parameter);
    if (rule == CXM_VALENCE_NEGATIVITY && !(parameter >= 1.0 && isfinite(parameter)))
        return cxm__fail(CXM_EINVAL, "the negativity weight %g must be a finite number >= 1",
                         parameter);
    double total_duration = 0;
    for (size_t i = 0; i < n; i++) {
        status = cxm__check_finite(valences[i], "valence");
        if (status == CXM_OK && durations)
            status = cxm__check_nonnegative(durations[i], "duration");
        if (status != CXM_OK)
            return cxm__fail_prefix("moment %zu: ", i);
        total_duration += durations ? durations[i] : 1.0;
    }
    if (!(total_duration > 0) && (rule == CXM_VALENCE_MEAN || rule == CXM_VALENCE_RECENCY ||
                                  rule == CXM_VALENCE_NEGATIVITY))
        return cxm__fail(CXM_EINVAL, "the durations must have a positive total");
    double result = 0;
    switch (rule) {
    case CXM_VALENCE_PEAK_END:
        result = 0.5 * (peak_of(n, valences) + valences[n - 1]);
        break;
    case CXM_VALENCE_PEAK:
        result = peak_of(n, valences);
        break;
    case CXM_VALENCE_END:
        result = valences[n - 1];
        break;
    case CXM_VALENCE_MIN:
    case CXM_VALENCE_MAX:
        result = valences[0];
        for (size_t i = 1; i < n; i++)
            result = rule == CXM_VALENCE_MIN ? fmin(result, valences[i]) : fmax(result, valences[i]);
        break;
    case CXM_VALENCE_SUM:
        for (size_t i = 0; i < n; i++)
            result += valences[i] * (durations ? durations[i] : 1.0);
        break;
    default: {
        /* Weighted means: MEAN, RECENCY (from the end backwards), NEGATIVITY. */
        double sum = 0, weight_sum = 0, decay = 1.0;
        for (size_t k = n; k-- > 0;) {
            double w = durations ? durations[k] : 1.0;
            if (rule == CXM_VALENCE_RECENCY) {
                w *= decay;
                decay *= parameter;
            } else if (rule == CXM_VALENCE_NEGATIVITY && valences[k] < 0) {
                w *= parameter;
            }
            sum += w * valences[k];
            weight_sum += w;
        }
        if (!(weight_sum > 0))
            return cxm__fail(CXM_EDOMAIN, "the moments' weights underflow to 0");
        result = sum / weight_sum;
    }
    }
    *out = result;
    return CXM_OK;
}

int cxm_valence_aggregate_many(double *dst, size_t n_journeys, const size_t *offsets,
                               const double *valences, const double *durations,
                               cxm_valence_rule rule, double parameter)
{
    if (n_journeys == 0)
        return CXM_OK;
    int status = cxm__check_pointer(dst, "dst");
    if (status == CXM_OK)
        status = cxm__check_pointer(offsets, "offsets");
    if (status == CXM_OK && offsets[0] != 0)
        status = cxm__fail(CXM_EINVAL, "offsets[0] must be 0, got %zu", offsets[0]);
    for (size_t j = 0; status == CXM_OK && j < n_journeys; j++) {
        if (offsets[j + 1] < offsets[j])
            status = cxm__fail(CXM_EINVAL, "offsets decrease at journey %zu", j);
        else
            status = cxm_valence_aggregate(&dst[j], offsets[j + 1] - offsets[j],
                                           valences + offsets[j],
                                           durations ? durations + offsets[j] : NULL, rule,
                                           parameter);
        if (status != CXM_OK)
            cxm__fail_prefix("journey %zu: ", j);
    }
    return status;
}
