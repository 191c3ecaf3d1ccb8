/* Beta expectations by the trapezoidal rule in logit space (quadrature.h). */
#include "config.h"

#include <math.h>

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
