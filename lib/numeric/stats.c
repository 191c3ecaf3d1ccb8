#include "config.h"

#include <math.h>

#include "core/internal.h"
#include "numeric/incomplete.h"
#include "numeric/stats.h"

double cxm__normal_cdf(double x)
{
    return 0.5 * erfc(-x / M_SQRT2);
}

double cxm__normal_quantile(double p)
{
    if (!(p > 0.0 && p < 1.0))
        return p == 0.0 ? -INFINITY : p == 1.0 ? INFINITY : NAN;
    /* Acklam's rational approximation (relative error 1.15e-9), then one
     * Halley step on Φ(x) − p, which brings it to full double precision. */
    static const double a[] = { -3.969683028665376e+01, 2.209460984245205e+02,
                                -2.759285104469687e+02, 1.383577518672690e+02,
                                -3.066479806614716e+01, 2.506628277459239e+00 };
    static const double b[] = { -5.447609879822406e+01, 1.615858368580409e+02,
                                -1.556989798598866e+02, 6.680131188771972e+01,
                                -1.328068155288572e+01 };
    static const double c[] = { -7.784894002430293e-03, -3.223964580411365e-01,
                                -2.400758277161838e+00, -2.549732539343734e+00,
                                4.374664141464968e+00, 2.938163982698783e+00 };
    static const double d[] = { 7.784695709041462e-03, 3.224671290700398e-01,
                                2.445134137142996e+00, 3.754408661907416e+00 };
    double x, q, r;
    if (p < 0.02425) {
        q = sqrt(-2 * log(p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else if (p <= 1 - 0.02425) {
        q = p - 0.5;
        r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    } else {
        q = sqrt(-2 * log1p(-p));
        x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    /* Halley refinement; the error of Φ is taken from the nearer tail. */
    double e = x < 0 ? 0.5 * erfc(-x / M_SQRT2) - p : -(0.5 * erfc(x / M_SQRT2) - (1 - p));
    double u = e * sqrt(2 * M_PI) * exp(x * x / 2);
    return x - u / (1 + x * u / 2);
}

double cxm__student_t_cdf(double t, double df)
{
    if (isinf(t))
        return t > 0 ? 1.0 : 0.0;
    /* P(T <= t) through I_{df/(df+t²)}(df/2, 1/2), computed on the small tail. */
    double x = df / (df + t * t);
    double tail = 0.5 * cxm__beta_inc(df / 2.0, 0.5, x);
    return t > 0 ? 1.0 - tail : tail;
}

double cxm__student_t_quantile(double p, double df)
{
    if (!(p > 0.0 && p < 1.0))
        return p == 0.0 ? -INFINITY : p == 1.0 ? INFINITY : NAN;
    if (p == 0.5)
        return 0.0;
    /* Bracket from the normal quantile, widened for heavy tails, then bisection
     * refined by secant steps: robust for any df > 0. */
    double z = cxm__normal_quantile(p);
    double lo = z < 0 ? z * 2 - 1 : -1e-300, hi = z < 0 ? 1e-300 : z * 2 + 1;
    while (cxm__student_t_cdf(lo, df) > p)
        lo *= 2;
    while (cxm__student_t_cdf(hi, df) < p)
        hi *= 2;
    for (int i = 0; i < 200 && hi - lo > 1e-15 * fmax(1.0, fabs(lo)); i++) {
        double mid = 0.5 * (lo + hi);
        if (cxm__student_t_cdf(mid, df) < p)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

void cxm__wilson_interval(double successes, double n, double level, double *lower, double *upper)
{
    if (!(n > 0)) {
        *lower = 0.0;
        *upper = 1.0;
        return;
    }
    double z = cxm__normal_quantile(0.5 + level / 2.0);
    double p = successes / n, z2 = z * z;
    double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
    double half = z / (1 + z2 / n) * sqrt(p * (1 - p) / n + z2 / (4 * n * n));
    *lower = fmax(0.0, centre - half);
    *upper = fmin(1.0, centre + half);
}

int cxm__welch_test(cxm_welch *out, double mean1, double var1, double n1, double mean2,
                    double var2, double n2, double level)
{
    if (!(n1 >= 2 && n2 >= 2))
        return cxm__fail(CXM_EDOMAIN, "Welch's test needs at least 2 ratings on each side (got %g and %g)",
                         n1, n2);
    double v1 = var1 / n1, v2 = var2 / n2;
    double se = sqrt(v1 + v2);
    if (!(se > 0))
        return cxm__fail(CXM_EDOMAIN, "Welch's test is undefined when both sides have zero variance");
    out->difference = mean1 - mean2;
    out->std_error = se;
    out->df = (v1 + v2) * (v1 + v2) / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1));
    out->t = out->difference / se;
    out->p_value = 2.0 * cxm__student_t_cdf(-fabs(out->t), out->df);
    double q = cxm__student_t_quantile(0.5 + level / 2.0, out->df);
    out->lower = out->difference - q * se;
    out->upper = out->difference + q * se;
    return CXM_OK;
}
