/* From experience to money (docs/models.md §3.4): retention as a logistic function
 * of satisfaction (Rust & Zahorik 1993), lifetime value, the value of an
 * improvement and return on quality (Rust, Zahorik & Keiningham 1995); and
 * the ACSI-style 0-100 index (Fornell et al. 1996). */
#include "config.h"

#include <math.h>

#include "core/internal.h"
#include "cxm/chain.h"
#include "cxm/clv.h"

/* ln σ(η) and ln(1 − σ(η)) without overflow or cancellation. */
static double log_sigmoid(double eta)
{
    return eta >= 0 ? -log1p(exp(-eta)) : eta - log1p(exp(eta));
}

static double sigmoid(double eta)
{
    return eta >= 0 ? 1.0 / (1.0 + exp(-eta)) : exp(eta) / (1.0 + exp(eta));
}

/* Σ w·[y ln μ + (1 − y) ln(1 − μ)] at η = a + b·(x − centre). */
static double log_likelihood(size_t n, const double *x, const double *y, const double *w,
                             double centre, double a, double b)
{
    double ll = 0;
    for (size_t i = 0; i < n; i++) {
        double wi = w ? w[i] : 1.0;
        if (wi == 0)
            continue;
        double eta = a + b * (x[i] - centre);
        if (y[i] > 0)
            ll += wi * y[i] * log_sigmoid(eta);
        if (y[i] < 1)
            ll += wi * (1 - y[i]) * log_sigmoid(-eta);
    }
    return ll;
}

/* The saturated model's log-likelihood: Σ w·[y ln y + (1 − y) ln(1 − y)]. */
static double saturated_log_likelihood(size_t n, const double *y, const double *w)
{
    double ll = 0;
    for (size_t i = 0; i < n; i++) {
        double wi = w ? w[i] : 1.0;
        if (y[i] > 0 && y[i] < 1)
            ll += wi * (y[i] * log(y[i]) + (1 - y[i]) * log1p(-y[i]));
    }
    return ll;
}

int cxm_logit_fit(cxm_logit *out, size_t n, const double *x, const double *y, const double *weights)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK && n > 0)
        status = cxm__check_pointer(x, "x");
    if (status == CXM_OK && n > 0)
        status = cxm__check_pointer(y, "y");
    if (status != CXM_OK)
        return status;
    double total = 0, x_mean = 0, y_mean = 0;
    for (size_t i = 0; i < n; i++) {
        double wi = weights ? weights[i] : 1.0;
        status = cxm__check_finite(x[i], "x");
        if (status == CXM_OK)
            status = cxm__check_probability(y[i], "y");
        if (status == CXM_OK && weights)
            status = cxm__check_nonnegative(wi, "weight");
        if (status != CXM_OK)
            return cxm__fail_prefix_at(i);
        total += wi;
        x_mean += wi * x[i];
        y_mean += wi * y[i];
    }
    if (!(total > 0))
        return cxm__fail(CXM_EINVAL, "a logistic regression needs observations with positive weight");
    x_mean /= total;
    y_mean /= total;
    if (y_mean <= 0 || y_mean >= 1)
        return cxm__fail(CXM_EDOMAIN, "every outcome is %d: retention cannot depend on x",
                         y_mean <= 0 ? 0 : 1);
    /* Separation: every success at or above every failure (or below). The
     * MLE of the slope is then infinite (Albert & Anderson 1984). */
    double min_one = INFINITY, max_one = -INFINITY, min_zero = INFINITY, max_zero = -INFINITY;
    double x_min = INFINITY, x_max = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (weights && weights[i] == 0)
            continue;
        x_min = fmin(x_min, x[i]);
        x_max = fmax(x_max, x[i]);
        if (y[i] > 0) {
            min_one = fmin(min_one, x[i]);
            max_one = fmax(max_one, x[i]);
        }
        if (y[i] < 1) {
            min_zero = fmin(min_zero, x[i]);
            max_zero = fmax(max_zero, x[i]);
        }
    }
    if (!(x_max > x_min))
        return cxm__fail(CXM_EDOMAIN, "x does not vary (every value is %g)", x_min);
    if (max_zero <= min_one || max_one <= min_zero)
        return cxm__fail(CXM_EDOMAIN,
                         "x separates the outcomes perfectly (at x = %g): the slope is infinite",
                         max_zero <= min_one ? max_zero : max_one);

    /* Newton-Raphson (= IRLS) on the centred predictor, with step halving. */
    double a = log(y_mean / (1 - y_mean)), b = 0;
    double ll = log_likelihood(n, x, y, weights, x_mean, a, b);
    double i00 = 0, i01 = 0, i11 = 0;
    size_t iteration = 0;
    int converged = 0, whole_steps = 0;
    for (iteration = 1; iteration <= 100; iteration++) {
        double u0 = 0, u1 = 0;
        i00 = i01 = i11 = 0;
        for (size_t i = 0; i < n; i++) {
            double wi = weights ? weights[i] : 1.0;
            double xc = x[i] - x_mean, mu = sigmoid(a + b * xc), v = wi * mu * (1 - mu);
            u0 += wi * (y[i] - mu);
            u1 += wi * (y[i] - mu) * xc;
            i00 += v;
            i01 += v * xc;
            i11 += v * xc * xc;
        }
        double det = i00 * i11 - i01 * i01;
        if (!(det > 0))
            return cxm__fail(CXM_ECONVERGE, "the information matrix became singular at iteration %zu",
                             iteration);
        double da = (i11 * u0 - i01 * u1) / det, db = (i00 * u1 - i01 * u0) / det;
        /* Newton decrement: twice the log-likelihood still to gain, about.
         * Close to the optimum that gain drowns in the rounding of the
         * log-likelihood, so a line search cannot see it: there Newton
         * steps are taken whole (they converge quadratically), and three of
         * them reach the precision of the arithmetic. */
        double decrement = u0 * da + u1 * db;
        if (decrement <= 1e-6 * (1.0 + fabs(ll))) {
            a += da;
            b += db;
            if (decrement <= 1e-24 * (1.0 + fabs(ll)) || ++whole_steps == 3) {
                converged = 1;
                break;
            }
            continue;
        }
        double step = 1.0, next_ll;
        for (int halving = 0;; halving++) {
            next_ll = log_likelihood(n, x, y, weights, x_mean, a + step * da, b + step * db);
            if (next_ll >= ll || halving == 40)
                break;
            step *= 0.5;
        }
        a += step * da;
        b += step * db;
        ll = next_ll;
    }
    if (!converged)
        return cxm__fail(CXM_ECONVERGE, "IRLS did not converge in 100 iterations");
    ll = log_likelihood(n, x, y, weights, x_mean, a, b);
    /* Information at the estimate, inverted: Var(a), Var(b), Cov(a, b) of the centred fit. */
    i00 = i01 = i11 = 0;
    for (size_t i = 0; i < n; i++) {
        double wi = weights ? weights[i] : 1.0;
        double xc = x[i] - x_mean, mu = sigmoid(a + b * xc), v = wi * mu * (1 - mu);
        i00 += v;
        i01 += v * xc;
        i11 += v * xc * xc;
    }
    double det = i00 * i11 - i01 * i01;
    double var_a = i11 / det, var_b = i00 / det, cov_ab = -i01 / det;
    cxm_logit m;
    m.slope = b;
    m.intercept = a - b * x_mean;
    m.slope_se = sqrt(var_b);
    m.intercept_se = sqrt(fmax(0.0, var_a - 2 * x_mean * cov_ab + x_mean * x_mean * var_b));
    m.covariance = cov_ab - x_mean * var_b;
    m.log_likelihood = ll;
    double saturated = saturated_log_likelihood(n, y, weights);
    m.deviance = fmax(0.0, 2.0 * (saturated - ll));
    double null_ll = log_likelihood(n, x, y, weights, x_mean, log(y_mean / (1 - y_mean)), 0.0);
    m.null_deviance = fmax(0.0, 2.0 * (saturated - null_ll));
    m.observations = total;
    m.iterations = iteration;
    *out = m;
    return CXM_OK;
}

static int check_logit(const cxm_logit *model)
{
    int status = cxm__check_pointer(model, "model");
    if (status == CXM_OK)
        status = cxm__check_finite(model->intercept, "intercept");
    if (status == CXM_OK)
        status = cxm__check_finite(model->slope, "slope");
    return status;
}

int cxm_logit_predict(double *out, const cxm_logit *model, double x)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = check_logit(model);
    if (status == CXM_OK)
        status = cxm__check_finite(x, "x");
    if (status == CXM_OK)
        *out = sigmoid(model->intercept + model->slope * x);
    return status;
}

int cxm_value_of_improvement(cxm_value_link *out, const cxm_logit *retention, double satisfaction,
                             double improvement, double margin, double discount,
                             cxm_cash_timing timing, double customers)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = check_logit(retention);
    if (status == CXM_OK)
        status = cxm__check_finite(satisfaction, "satisfaction");
    if (status == CXM_OK)
        status = cxm__check_finite(improvement, "improvement");
    if (status == CXM_OK)
        status = cxm__check_nonnegative(customers, "customers");
    if (status != CXM_OK)
        return status;
    cxm_value_link v;
    v.satisfaction = satisfaction;
    v.improved_satisfaction = satisfaction + improvement;
    v.retention = sigmoid(retention->intercept + retention->slope * v.satisfaction);
    v.improved_retention = sigmoid(retention->intercept + retention->slope * v.improved_satisfaction);
    status = cxm_clv_retention(&v.clv, margin, v.retention, discount, timing);
    if (status == CXM_OK)
        status = cxm_clv_retention(&v.improved_clv, margin, v.improved_retention, discount, timing);
    if (status != CXM_OK)
        return status;
    v.gain_per_customer = v.improved_clv - v.clv;
    v.customers = customers;
    v.gain = v.gain_per_customer * customers;
    *out = v;
    return CXM_OK;
}

int cxm_return_on_quality(cxm_roq *out, double gain, size_t n_periods, const double *costs,
                          double discount)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = cxm__check_finite(gain, "gain");
    if (status == CXM_OK)
        status = cxm__check_nonnegative(discount, "discount");
    if (status == CXM_OK && n_periods > 0)
        status = cxm__check_pointer(costs, "costs");
    if (status != CXM_OK)
        return status;
    double cost = 0, factor = 1.0;
    for (size_t t = 0; t < n_periods; t++) {
        status = cxm__check_nonnegative(costs[t], "cost");
        if (status != CXM_OK)
            return cxm__fail_prefix("period %zu: ", t);
        cost += costs[t] * factor;
        factor /= 1.0 + discount;
    }
    if (!(cost > 0))
        return cxm__fail(CXM_EDOMAIN, "return on quality needs a positive cost");
    cxm_roq r;
    r.gain = gain;
    r.cost = cost;
    r.net_value = gain - cost;
    r.return_on_quality = gain / cost;
    *out = r;
    return CXM_OK;
}

int cxm_satisfaction_index(double *out, size_t n_items, const double *weights, const double *means,
                           double scale_min, double scale_max)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK && n_items == 0)
        status = cxm__fail(CXM_EINVAL, "an index needs at least one item");
    if (status == CXM_OK)
        status = cxm__check_pointer(weights, "weights");
    if (status == CXM_OK)
        status = cxm__check_pointer(means, "means");
    if (status == CXM_OK)
        status = cxm__check_finite(scale_min, "scale_min");
    if (status == CXM_OK)
        status = cxm__check_finite(scale_max, "scale_max");
    if (status == CXM_OK && !(scale_max > scale_min))
        status = cxm__fail(CXM_EINVAL, "scale_max %g must be greater than scale_min %g", scale_max,
                           scale_min);
    if (status != CXM_OK)
        return status;
    double total = 0, index = 0;
    for (size_t i = 0; i < n_items; i++) {
        status = cxm__check_finite(weights[i], "weight");
        if (status == CXM_OK)
            status = cxm__check_finite(means[i], "mean");
        if (status == CXM_OK && !(means[i] >= scale_min && means[i] <= scale_max))
            status = cxm__fail(CXM_EINVAL, "mean %g is outside the scale [%g, %g]", means[i],
                               scale_min, scale_max);
        if (status != CXM_OK)
            return cxm__fail_prefix("item %zu: ", i);
        total += weights[i];
        index += weights[i] * (means[i] - scale_min) / (scale_max - scale_min);
    }
    if (total == 0 || !isfinite(total))
        return cxm__fail(CXM_EINVAL, "the weights must not sum to 0");
    *out = 100.0 * index / total;
    return CXM_OK;
}
