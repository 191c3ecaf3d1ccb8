/* Quadrature (quadrature.h): Beta expectations by the trapezoidal rule in
 * logit space; integrals over (0, ∞) after a double-exponential map. */
#include "config.h"

#include <float.h>
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

/* ------------------------------------------------------------------ an interval, adaptively */

/* The 21-point Kronrod rule and its 10-point Gauss rule on [−1, 1], x >= 0
 * half (scripts/gen-kronrod.py, 60-digit arithmetic). */
static const double kronrod_x[11] = {
    0.0,
    1.48874338981631210885e-1, 2.94392862701460198131e-1, 4.33395394129247190799e-1,
    5.62757134668604683339e-1, 6.79409568299024406234e-1, 7.80817726586416897064e-1,
    8.65063366688984510732e-1, 9.30157491355708226001e-1, 9.73906528517171720078e-1,
    9.95657163025808080736e-1,
};
static const double kronrod_w[11] = {
    1.49445554002916905665e-1,
    1.47739104901338491375e-1, 1.42775938577060080797e-1, 1.34709217311473325928e-1,
    1.23491976262065851078e-1, 1.09387158802297641899e-1, 9.31254545836976055351e-2,
    7.5039674810919952767e-2,  5.47558965743519960314e-2, 3.25581623079647274788e-2,
    1.16946388673718742781e-2,
};
static const double kronrod_log_w[11] = {
    -1.90082313975514451185,
    -1.91230736550732743415, -1.94647874063345119198, -2.00463676946244407836,
    -2.09157909456264534355, -2.21286177429042624908, -2.37380772085864864747,
    -2.58973830783673524473, -2.90487021609658988388, -3.42472717961367748454,
    -4.44862475865561332411,
};
static const double gauss_w[11] = {
    0.0, 2.95524224714752870174e-1, 0.0, 2.69266719309996355091e-1, 0.0,
    2.19086362515982043996e-1, 0.0, 1.49451349150580593146e-1, 0.0,
    6.66713443086881375936e-2, 0.0,
};

enum { PANEL_NODES = 21 };

/* A panel's sums relative to e^log_ref (its largest ln f). */
typedef struct rule_panel {
    double lo, hi, log_ref, est, err;
} rule_panel;

/* Kronrod and Gauss sums over [lo, hi] into slot `slot` of out; QUADPACK's
 * error estimate (Piessens et al. 1983, qk21): |K − G| scaled by the
 * integrand's spread, floored at 50 ulp of the estimate. */
static int rule_panel_eval(cxm__log_fn fn, void *context, double lo, double hi, size_t slot,
                           cxm__log_rule *out, rule_panel *p)
{
    double c = 0.5 * (lo + hi), h = 0.5 * (hi - lo), lf[PANEL_NODES], log_ref = -INFINITY;
    size_t base = slot * PANEL_NODES;
    for (int j = 0; j < PANEL_NODES; j++) {
        int i = (j + 1) / 2;
        double u = j == 0 ? c : (j % 2 ? c - h * kronrod_x[i] : c + h * kronrod_x[i]);
        lf[j] = fn(context, u, out->keep + (base + (size_t)j) * CXM__RULE_KEEP);
        if (isnan(lf[j]) || lf[j] == INFINITY)
            return CXM_EDOMAIN;
        if (lf[j] > log_ref)
            log_ref = lf[j];
    }
    p->lo = lo;
    p->hi = hi;
    p->log_ref = log_ref;
    double f[PANEL_NODES], resk = 0.0, resg = 0.0, resasc = 0.0, log_h = log(h);
    for (int j = 0; j < PANEL_NODES; j++) {
        int i = (j + 1) / 2;
        f[j] = log_ref == -INFINITY ? 0.0 : exp(lf[j] - log_ref);
        resk += kronrod_w[i] * f[j];
        resg += gauss_w[i] * f[j];
        out->log_weight[base + (size_t)j] = lf[j] + kronrod_log_w[i] + log_h;
    }
    for (int j = 0; j < PANEL_NODES; j++)
        resasc += kronrod_w[(j + 1) / 2] * fabs(f[j] - 0.5 * resk);
    double err = fabs(resk - resg) * h;
    resasc *= h;
    if (resasc != 0.0 && err != 0.0)
        err = resasc * fmin(1.0, pow(200.0 * err / resasc, 1.5));
    p->est = resk * h;
    p->err = fmax(err, 50.0 * DBL_EPSILON * p->est);
    return CXM_OK;
}

/* ln of the panels' total and of their error (with the tail's bound). */
static void rule_totals(const rule_panel *panels, size_t np, double log_tail, double *log_total,
                        double *rel_err, size_t *worst)
{
    double top = log_tail;
    for (size_t k = 0; k < np; k++)
        if (panels[k].log_ref > top)
            top = panels[k].log_ref;
    double total = 0.0, err = log_tail == -INFINITY ? 0.0 : exp(log_tail - top), largest = -1.0;
    for (size_t k = 0; k < np; k++) {
        if (panels[k].log_ref == -INFINITY)
            continue;
        double scale = exp(panels[k].log_ref - top), e = panels[k].err * scale;
        total += panels[k].est * scale;
        err += e;
        if (e > largest) {
            largest = e;
            *worst = k;
        }
    }
    *log_total = total > 0.0 ? top + log(total) : -INFINITY;
    *rel_err = total > 0.0 ? err / total : INFINITY;
}

int cxm__log_quadrature(cxm__log_fn fn, void *context, double a, double b, double scale,
                        double tail_from, double tail_rate, cxm__log_rule *out)
{
    /* QUADPACK's estimate is pessimistic by orders of magnitude for smooth
     * integrands (the Kronrod sum's own error is about the Gauss-Kronrod
     * difference squared): an estimate of 1e-12 leaves errors near 1e-15. */
    const double tol = 1e-12;
    rule_panel panels[CXM__RULE_PANELS];
    size_t np = 0, worst = 0;
    double log_tail = -INFINITY, log_total, rel_err;
    out->count = 0;
    out->log_integral = -INFINITY;
    if (!(a <= b) || !isfinite(a) || (b == INFINITY && !(tail_rate > 0.0)))
        return CXM_EDOMAIN;
    if (a == b)
        return CXM_OK;
    /* A 21-point panel takes a fall of e^-8 at full accuracy. */
    double width = scale > 0.0 && isfinite(scale) ? 8.0 * scale : b - a, lo = a;
    if (!(width > 0.0) || !isfinite(width))
        return CXM_EDOMAIN;
    for (;;) {
        double hi = lo + width < b ? lo + width : b;
        if (np == CXM__RULE_PANELS || rule_panel_eval(fn, context, lo, hi, np, out, &panels[np]))
            return CXM_EDOMAIN;
        np++;
        if (hi >= b)
            break;
        if (tail_rate > 0.0 && hi >= tail_from) {
            double scratch[CXM__RULE_KEEP], lf = fn(context, hi, scratch);
            if (isnan(lf) || lf == INFINITY)
                return CXM_EDOMAIN;
            rule_totals(panels, np, -INFINITY, &log_total, &rel_err, &worst);
            if (lf - log(tail_rate) < log_total - 36.8) { /* 1e-16 */
                log_tail = lf - log(tail_rate);
                break;
            }
        }
        /* Far panels that add little grow faster: a slow (algebraic) tail
         * reaches its end in a few panels. */
        lo = hi;
        width *= panels[np - 1].log_ref == -INFINITY ||
                         panels[np - 1].est * exp(panels[np - 1].log_ref - panels[0].log_ref) <
                             1e-2 * panels[0].est
                     ? 8.0
                     : 2.0;
    }
    for (;;) {
        rule_totals(panels, np, log_tail, &log_total, &rel_err, &worst);
        if (log_total == -INFINITY)
            return CXM_EDOMAIN;
        if (rel_err <= tol)
            break;
        rule_panel *p = &panels[worst];
        double mid = 0.5 * (p->lo + p->hi), hi = p->hi;
        if (!(mid > p->lo && mid < p->hi)) { /* as fine as doubles go: keep it as it is */
            p->err = 0.0;
            continue;
        }
        if (np == CXM__RULE_PANELS ||
            rule_panel_eval(fn, context, p->lo, mid, worst, out, p) != CXM_OK ||
            rule_panel_eval(fn, context, mid, hi, np, out, &panels[np]) != CXM_OK)
            return CXM_EDOMAIN;
        np++;
    }
    out->count = np * PANEL_NODES;
    out->log_integral = log_total;
    return CXM_OK;
}
