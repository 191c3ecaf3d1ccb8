/* Quadrature (quadrature.h): Beta expectations by the trapezoidal rule in
 * logit space; integrals over (0, ∞) after a double-exponential map. */
#include "config.h"

#include <math.h>

#include "core/internal.h"
#include "numeric/quadrature.h"
#include "numeric/special.h"

/* ln p and ln(1 − p) for p = 1/(1 + e^(−s)), without cancellation. */
static void logit_logs(double s, double *log_p, double *log_q)
{
    double e = log1p(exp(-fabs(s)));
    if (s >= 0) {
        *log_p = -e;
        *log_q = -s - e;
    } else {
        *log_p = s - e;
        *log_q = -e;
    }
}

double cxm__beta_expectation(double a, double b, cxm__beta_fn g, void *context, double g0,
                             double scale0, double g1, double scale1)
{
    return cxm__beta_expectation_log(a, b, g, context, g0, log(scale0), g1, log(scale1));
}

double cxm__beta_expectation_log(double a, double b, cxm__beta_fn g, void *context, double g0,
                                 double log_scale0, double g1, double log_scale1)
{
    const double tol = 1e-17;
    const int max_nodes = 200000;
    /* An approximate ln B(a, b) only keeps the numbers in range: the
     * result is divided by the sum of the same weights. */
    double lb = cxm__lbeta(a, b);
    double spread = sqrt(cxm__trigamma(a) + cxm__trigamma(b));
    double h = fmin(0.25, 0.5 * spread);
    double center = log(a) - log(b);
    if (center > 700.0)
        center = 700.0;
    if (center < -700.0)
        center = -700.0;
    /* Beyond these the tails are geometric to double precision. */
    double log_ab = log(a + b + 1.0);
    double s_left = log(tol) - cxm__logaddexp(log_ab, log_scale0);
    double s_right = -log(tol) + cxm__logaddexp(log_ab, log_scale1);

    double lp, lq;
    logit_logs(center, &lp, &lq);
    double weight = exp(a * lp + b * lq - lb);
    double mass = weight, sum = weight * g(context, exp(lp), lp, lq);
    int nodes = 1;

    /* Left of the centre: g <= g0. */
    for (int j = 1; nodes < max_nodes; j++, nodes++) {
        double s = center - j * h;
        if (s < s_left) {
            double tail = exp(a * s - lb) / -expm1(-a * h);
            mass += tail;
            sum += g0 * tail;
            break;
        }
        logit_logs(s, &lp, &lq);
        weight = exp(a * lp + b * lq - lb);
        mass += weight;
        sum += weight * g(context, exp(lp), lp, lq);
        double slope = a - (a + b) * exp(lp); /* d/ds ln p^a(1−p)^b, > 0 here */
        if (slope > 0.0) {
            double rest = weight * exp(-h * slope) / -expm1(-h * slope);
            if (rest < tol * mass && g0 * rest < tol * sum)
                break;
        }
    }
    /* Right of the centre: g <= g(p) of the last node. */
    for (int j = 1; nodes < max_nodes; j++, nodes++) {
        double s = center + j * h;
        if (s > s_right) {
            double tail = exp(-b * s - lb) / -expm1(-b * h);
            mass += tail;
            sum += g1 * tail;
            break;
        }
        logit_logs(s, &lp, &lq);
        weight = exp(a * lp + b * lq - lb);
        double value = g(context, exp(lp), lp, lq);
        mass += weight;
        sum += weight * value;
        double slope = (a + b) * exp(lp) - a;
        if (slope > 0.0) {
            double rest = weight * exp(-h * slope) / -expm1(-h * slope);
            if (rest < tol * mass && value * rest < tol * sum)
                break;
        }
    }
    return sum / mass;
}

typedef struct discount_context {
    double log_d;
    int survive;
} discount_context;

/* d·(1−θ)^j/(d+θ) = (1−θ)^j/(1 + θ/d), from the logs: d and θ may be tiny. */
static double discount_g(void *context, double p, double log_p, double log_q)
{
    discount_context *c = context;
    (void)p;
    double value = 1.0 / (1.0 + exp(log_p - c->log_d));
    return c->survive ? value * exp(log_q) : value;
}

double cxm__beta_discount_log(double a, double b, double log_d, int survive)
{
    discount_context context = { log_d, survive };
    /* g falls from 1 at θ = 0 (slope 1/d + j) to d/(1+d) (or 0) at θ = 1. */
    double g1 = survive ? 0.0 : 1.0 / (1.0 + exp(-log_d));
    double log_scale = cxm__logaddexp(-log_d, survive ? 0.0 : -INFINITY);
    double mean = cxm__beta_expectation_log(a, b, discount_g, &context, 1.0, log_scale, g1,
                                            log_scale);
    return log(mean) - log_d;
}

/* ------------------------------------------------------------------ (0, ∞) */

/* Weighted sums of the features and of their products, taken about the
 * first point's features (an assumed mean, so that a feature far from 0
 * with a small spread keeps its covariance). The weights are relative to
 * e^ref and are rescaled when a point is far above it. */
typedef struct moment_sums {
    size_t n;
    double ref, weight;
    double shift[CXM__MOMENTS_MAX];
    double sum[CXM__MOMENTS_MAX];
    double product[CXM__MOMENTS_MAX * CXM__MOMENTS_MAX];
} moment_sums;

/* Adds a point of log-weight log_w; returns its weight relative to e^ref. */
static double moments_add(moment_sums *acc, double log_w, const double *x)
{
    size_t n = acc->n;
    if (acc->weight == 0.0) {
        acc->ref = log_w;
        for (size_t i = 0; i < n; i++)
            acc->shift[i] = x[i];
    }
    if (log_w - acc->ref > 600.0) {
        double shrink = exp(acc->ref - log_w);
        acc->weight *= shrink;
        for (size_t i = 0; i < n; i++)
            acc->sum[i] *= shrink;
        for (size_t i = 0; i < n * n; i++)
            acc->product[i] *= shrink;
        acc->ref = log_w;
    }
    double w = exp(log_w - acc->ref), d[CXM__MOMENTS_MAX];
    acc->weight += w;
    for (size_t i = 0; i < n; i++) {
        d[i] = x[i] - acc->shift[i];
        acc->sum[i] += w * d[i];
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = i; j < n; j++)
            acc->product[i * n + j] += w * d[i] * d[j];
    return w;
}

/* ln of the integral (the weights times the step h) and the moments. */
static int moments_result(const moment_sums *acc, double h, cxm__moments *out)
{
    size_t n = acc->n;
    if (!(acc->weight > 0.0) || !isfinite(acc->weight))
        return CXM_EDOMAIN;
    out->log_integral = acc->ref + log(acc->weight * h);
    double centre[CXM__MOMENTS_MAX];
    for (size_t i = 0; i < n; i++) {
        centre[i] = acc->sum[i] / acc->weight;
        out->mean[i] = acc->shift[i] + centre[i];
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = i; j < n; j++)
            out->cov[i * n + j] = out->cov[j * n + i] =
                acc->product[i * n + j] / acc->weight - centre[i] * centre[j];
    for (size_t i = 0; i < n * n; i++)
        if (!isfinite(out->cov[i]))
            return CXM_EDOMAIN;
    return CXM_OK;
}

int cxm__halfline_moments(cxm__halfline_fn fn, void *context, double scale, size_t nfeatures,
                          unsigned max_nodes, cxm__moments *out)
{
    const double h = 0.18, tol = 1e-17;
    if (!(scale > 0.0) || !isfinite(scale) || nfeatures > CXM__MOMENTS_MAX)
        return CXM_EDOMAIN;
    double log_scale = log(scale);
    moment_sums acc = { .n = nfeatures };
    unsigned nodes = 0;
    /* Right of t = 0 (z >= scale/e), then left of it. */
    for (int direction = 1; direction >= -1; direction -= 2) {
        for (long j = direction > 0 ? 0 : -1;; j += direction) {
            if (nodes++ >= max_nodes)
                return CXM_EDOMAIN;
            double t = (double)j * h, et = exp(-t);
            if (et > 700.0)
                break; /* z below e^−700·scale: nothing left */
            cxm__halfline_point p;
            double log_z = log_scale + t - et;
            fn(context, exp(log_z), log_z, &p);
            /* F(t) = z·f(z)·dz/dt / z, ln F = ln(z f) + ln(1 + e^−t) */
            double log_node = p.log_f + log_scale + t - et + log1p(et);
            if (isnan(log_node))
                return CXM_EDOMAIN;
            if (log_node == -INFINITY)
                break;
            double node = moments_add(&acc, log_node, p.feature);
            if (direction > 0) {
                /* Beyond here ln F falls at least at the rate −slope, so the
                 * rest is below node·q/(1 − q), q = e^(h·slope) (tested only
                 * once the node is small: it costs two exponentials). */
                if (p.slope < 0.0 && node < 1e-6 * acc.weight) {
                    double q = exp(h * p.slope);
                    if (node * q / -expm1(h * p.slope) < tol * acc.weight)
                        break;
                }
            } else if (t <= -1.0 && node < tol * acc.weight) {
                break;
            }
        }
    }
    out->nodes = nodes;
    return moments_result(&acc, h, out);
}

/* ------------------------------------------------------------------ the real line */

/* Adds the trapezoidal rule's infinite tail beyond a node of log-weight
 * log_w and features x: node m (m >= 1) has weight e^log_w·q^m and
 * features x + step·m. With S0 = Σ q^m, S1 = Σ m q^m, S2 = Σ m² q^m
 * (1 − q = omq given exactly, since q may be 1 − 1e-11). */
static void moments_add_tail(moment_sums *acc, double log_w, const double *x, const double *step,
                             double q, double omq)
{
    size_t n = acc->n;
    double s0 = q / omq, s1 = s0 / omq, s2 = s1 * (1.0 + q) / omq;
    double w = exp(log_w - acc->ref), d[CXM__MOMENTS_MAX];
    acc->weight += w * s0;
    for (size_t i = 0; i < n; i++) {
        d[i] = x[i] - acc->shift[i];
        acc->sum[i] += w * (d[i] * s0 + step[i] * s1);
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = i; j < n; j++)
            acc->product[i * n + j] +=
                w * (d[i] * d[j] * s0 + (d[i] * step[j] + d[j] * step[i]) * s1 +
                     step[i] * step[j] * s2);
}

int cxm__line_moments(cxm__line_fn fn, void *context, double u_lo, double u_hi, double h,
                      size_t nfeatures, unsigned max_nodes, cxm__moments *out)
{
    if (!(h > 0.0) || !(u_hi >= u_lo) || nfeatures > CXM__MOMENTS_MAX ||
        !((u_hi - u_lo) / h < (double)max_nodes))
        return CXM_EDOMAIN;
    moment_sums acc = { .n = nfeatures };
    long first = (long)floor(u_lo / h), last = (long)ceil(u_hi / h);
    cxm__line_point p;
    for (long j = first; j <= last; j++) {
        fn(context, (double)j * h, &p);
        if (!isfinite(p.g))
            return CXM_EDOMAIN;
        moments_add(&acc, p.g, p.feature);
        /* The tails, from the two end nodes: linear there. */
        if (j == first || j == last) {
            double rate = j == last ? -p.slope : p.slope, step[CXM__MOMENTS_MAX];
            if (!(rate > 0.0))
                return CXM_EDOMAIN;
            for (size_t i = 0; i < nfeatures; i++)
                step[i] = (j == last ? h : -h) * p.feature_slope[i];
            moments_add_tail(&acc, p.g, p.feature, step, exp(-rate * h), -expm1(-rate * h));
        }
    }
    out->nodes = (unsigned)(last - first + 1);
    return moments_result(&acc, h, out);
}
