/* Incomplete beta and the scaled exponential integral (see incomplete.h). */
#include "config.h"

#include <math.h>

#include "numeric/incomplete.h"
#include "numeric/special.h"

#define TINY 1e-300
#define EULER_GAMMA 0.57721566490153286061
#define ZETA3 1.2020569031595942854

/* Continued fraction of I_x(a, b) (valid where x < (a+1)/(a+b+2)). */
static double beta_cf(double a, double b, double x)
{
    double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
    if (fabs(d) < TINY)
        d = TINY;
    d = 1.0 / d;
    double h = d;
    for (int m = 1; m <= 100000; m++) {
        double m2 = 2.0 * m;
        double num = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
        d = 1.0 + num * d;
        d = fabs(d) < TINY ? 1.0 / TINY : 1.0 / d;
        c = 1.0 + num / c;
        if (fabs(c) < TINY)
            c = TINY;
        h *= d * c;
        num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
        d = 1.0 + num * d;
        d = fabs(d) < TINY ? 1.0 / TINY : 1.0 / d;
        c = 1.0 + num / c;
        if (fabs(c) < TINY)
            c = TINY;
        double delta = d * c;
        h *= delta;
        if (fabs(delta - 1.0) < 4e-16) /* a few ulps: 1e-16 is below the spacing near 1 */
            break;
    }
    return h;
}

double cxm__beta_inc(double a, double b, double x)
{
    if (!(x > 0.0))
        return 0.0;
    if (!(x < 1.0))
        return 1.0;
    int flip = x > (a + 1.0) / (a + b + 2.0);
    if (flip) {
        double t = a;
        a = b;
        b = t;
        x = 1.0 - x;
    }
    /* x^a (1−x)^b / (a B(a,b)) in logs. */
    double log_front = a * log(x) + b * log1p(-x) - log(a) - cxm__lbeta(a, b);
    double value = exp(log_front) * beta_cf(a, b, x);
    if (value > 1.0)
        value = 1.0;
    return flip ? 1.0 - value : value;
}

/* Continued fraction for e^x E_m(x) (modified Lentz). */
static double expint_cf(double m, double x)
{
    double b = x + m, c = 1.0 / TINY, d = 1.0 / b, h = d;
    for (int i = 1; i <= 200000; i++) {
        double an = -i * (m - 1.0 + i);
        b += 2.0;
        d = 1.0 / (an * d + b);
        c = b + an / c;
        double delta = c * d;
        h *= delta;
        if (fabs(delta - 1.0) < 4e-16) /* a few ulps: 1e-16 is below the spacing near 1 */
            break;
    }
    return h;
}

/* E_m(x) for 1 < m < 10.5 and 0 < x < 1 by its power series
 *   E_m(x) = Γ(1−m) x^(m−1) − Σ_k (−x)^k / (k! (1−m+k)),
 * whose k = n−1 term (n = round m) and Γ(1−m) both have a pole at whole m:
 * their sum is taken as (−1)^(n−1) x^(n−1)/(n−1)! · (1 − g)/ε with ε = m − n,
 * g = πε/sin(πε) · x^ε · Γ(n)/Γ(n+ε), expanded in ε near 0. */
static double expint_series(double m, double x)
{
    double n = floor(m + 0.5);
    double eps = m - n;
    int kstar = (int)n - 1;
    double log_x = log(x);
    double pair;
    double fact = exp(cxm__lgamma(n)); /* (n−1)! */
    double sign = (kstar % 2 == 0) ? 1.0 : -1.0;
    double front = sign * exp(kstar * log_x) / fact;
    if (fabs(eps) < 1e-3) {
        double psi = -EULER_GAMMA, psi1 = M_PI * M_PI / 6.0, psi2 = -2.0 * ZETA3;
        double psi3 = M_PI * M_PI * M_PI * M_PI / 15.0; /* 6 zeta(4) */
        for (int k = 1; k < (int)n; k++) {
            double k2 = (double)k * k;
            psi += 1.0 / k;
            psi1 -= 1.0 / k2;
            psi2 += 2.0 / (k2 * k);
            psi3 -= 6.0 / (k2 * k2);
        }
        /* L = ln g = eps(ln x - psi(n)) + eps^2 (pi^2/6 - psi1(n)/2) - eps^3 psi2(n)/6
         *          + eps^4 (pi^4/180 - psi3(n)/24) + O(eps^5), psiK = K-th polygamma. */
        double pi2 = M_PI * M_PI;
        double l_over_eps = (log_x - psi) +
                            eps * (pi2 / 6.0 - 0.5 * psi1 +
                                   eps * (-psi2 / 6.0 + eps * (pi2 * pi2 / 180.0 - psi3 / 24.0)));
        double l = eps * l_over_eps;
        double ratio = l == 0.0 ? 1.0 : expm1(l) / l;
        pair = front * (-l_over_eps * ratio);
    } else {
        /* Γ(1−m) = π / (sin(πm) Γ(m)), sin(πm) = (−1)^n sin(πε). */
        double sin_pm = ((long)n % 2 == 0 ? 1.0 : -1.0) * sin(M_PI * eps);
        double gamma_1m = M_PI / (sin_pm * exp(cxm__lgamma(m)));
        pair = gamma_1m * exp((m - 1.0) * log_x) + front / eps;
    }
    double sum = 0.0, term = 1.0; /* term = (−x)^k / k! */
    for (int k = 0; k < 200; k++) {
        if (k != kstar)
            sum += term / (1.0 - m + k);
        term *= -x / (k + 1);
        if (k > kstar && fabs(term) < 1e-18 * fabs(sum))
            break;
    }
    return pair - sum;
}

double cxm__expint_scaled(double m, double x)
{
    if (x >= 1.0 || m >= 10.0)
        return expint_cf(m, x);
    return exp(x) * expint_series(m, x);
}
