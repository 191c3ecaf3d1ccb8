/* Incomplete beta and the scaled exponential integral (see incomplete.h). */
#include "config.h"

#include <math.h>

#include "numeric/expint.h"
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
    return cxm__beta_inc2(a, b, x, 1.0 - x);
}

/* ln(1 + u) − u for |u| < 1/2 without cancellation: with t = u/(2+u),
 * ln(1+u) = 2 atanh t, so the difference is −u²/(2+u) + 2(t³/3 + t⁵/5 + ...). */
static double log1pmx(double u)
{
    double t = u / (2.0 + u), t2 = t * t, power = t * t2, sum = 0.0;
    for (int k = 3; k < 80; k += 2) {
        double term = power / k;
        sum += term;
        if (fabs(term) < 1e-18 * fabs(sum))
            break;
        power *= t2;
    }
    return -u * u / (2.0 + u) + 2.0 * sum;
}

/* ln(z^s e^−z/Γ(s)), for s >= 10 through Stirling's series so that s ln z
 * and ln Γ(s) (1e11 at s = 1e10) never cancel. */
static double gamma_log_front(double s, double z)
{
    if (s < 10.0)
        return -z + s * log(z) - cxm__lgamma(s);
    double w = 1.0 / (s * s);
    double correction = (1.0 / 12 - w * (1.0 / 360 - w * (1.0 / 1260 - w / 1680))) / s;
    /* ln(z/s) − (z/s − 1), from z/s itself where 1 + u would lose z's digits */
    double u = (z - s) / s, lpm = fabs(u) < 0.5 ? log1pmx(u) : log(z / s) - u;
    return s * lpm + 0.5 * log(s) - 0.5 * log(2.0 * M_PI) - correction;
}

void cxm__gamma_pq(double s, double z, double *p, double *q)
{
    if (!(z > 0.0)) {
        *p = 0.0;
        *q = 1.0;
        return;
    }
    double front = exp(gamma_log_front(s, z));
    if (z < s + 1.0) {
        /* P = front·Σ_n z^n/(s(s+1)···(s+n)) */
        double term = 1.0 / s, sum = term;
        for (long n = 1; n < 100000000L; n++) {
            term *= z / (s + (double)n);
            sum += term;
            if (term < 1e-17 * sum)
                break;
        }
        *p = fmin(1.0, front * sum);
        /* For s < 1, P may be within 1e-9 of 1 (s = 1e-10): Q on its own,
         * Γ(s, z) = e^−z z^s·(e^z E_(1−s)(z)). Otherwise Q >= 0.3 here. */
        *q = s < 1.0 ? fmin(1.0, front * cxm__expint_scaled_any(1.0 - s, z)) : 1.0 - *p;
        return;
    }
    /* Q = front·(Legendre's continued fraction), modified Lentz */
    double b = z + 1.0 - s, c = 1.0 / TINY, d = 1.0 / b, h = d;
    for (long i = 1; i < 100000000L; i++) {
        double an = -(double)i * ((double)i - s);
        b += 2.0;
        d = an * d + b;
        if (fabs(d) < TINY)
            d = TINY;
        c = b + an / c;
        if (fabs(c) < TINY)
            c = TINY;
        d = 1.0 / d;
        double delta = d * c;
        h *= delta;
        if (fabs(delta - 1.0) < 4e-16)
            break;
    }
    *q = fmin(1.0, front * h);
    *p = 1.0 - *q;
}

double cxm__beta_inc2(double a, double b, double x, double y)
{
    if (!(x > 0.0))
        return 0.0;
    if (!(y > 0.0))
        return 1.0;
    /* ln x and ln(1 − x), each from the side that holds its digits. */
    double lx = y < 0.5 ? log1p(-y) : log(x), ly = x < 0.5 ? log1p(-x) : log(y);
    /* One parameter 1e8 times the other (P(N >= k) of an NBD at k = 1e15):
     * the continued fraction would need ~√a terms where the mass is, but
     * I_x(a, b) is then a gamma probability to O(1/a²) (Temme):
     * I_y(b, a) = P(b, (a + (b−1)/2)·(−ln(1−y))), tested against mpmath. */
    double p_gamma, q_gamma;
    if (a >= 1e8 * (b + 1.0)) {
        cxm__gamma_pq(b, -(a + 0.5 * (b - 1.0)) * lx, &p_gamma, &q_gamma);
        return q_gamma; /* 1 − I_y(b, a) */
    }
    if (b >= 1e8 * (a + 1.0)) {
        cxm__gamma_pq(a, -(b + 0.5 * (a - 1.0)) * ly, &p_gamma, &q_gamma);
        return p_gamma;
    }
    /* x > (a+1)/(a+b+2), written on the small side of x and 1 − x. */
    int flip = x > 0.5 ? y < (b + 1.0) / (a + b + 2.0) : x > (a + 1.0) / (a + b + 2.0);
    if (flip) {
        double t = a;
        a = b;
        b = t;
        t = x;
        x = y;
        y = t;
        t = lx;
        lx = ly;
        ly = t;
    }
    /* x^a (1−x)^b / (a B(a,b)) in logs. */
    double log_front = a * lx + b * ly - log(a) - cxm__lbeta(a, b);
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
