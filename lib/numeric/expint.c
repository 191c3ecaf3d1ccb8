/* e^z·E_s(z) for every s > 0: see expint.h. */
#include "config.h"

#include <float.h>
#include <math.h>

#include "numeric/expint.h"
#include "numeric/incomplete.h"
#include "numeric/special.h"

/* Legendre's continued fraction for E_s(z), any s, z > 0 (modified Lentz):
 * e^z E_s(z) = 1/(z+s− 1·s/(z+s+2− 2(s+1)/(z+s+4− ...))). */
static double expint_cf(double s, double z)
{
    const double tiny = 1e-300;
    double b = z + s, c = 1.0 / tiny, d = 1.0 / b, h = d;
    for (int i = 1; i < 100000; i++) {
        double a = -(double)i * (s - 1.0 + i);
        b += 2.0;
        d = 1.0 / (a * d + b);
        c = b + a / c;
        if (fabs(c) < tiny)
            c = tiny;
        double delta = c * d;
        h *= delta;
        if (fabs(delta - 1.0) < 1e-16)
            break;
    }
    return h;
}

/* ζ(2), ..., ζ(40) (mpmath, 21 digits). */
static const double zeta[39] = {
    1.64493406684822643647,
    1.2020569031595942854,
    1.08232323371113819152,
    1.03692775514336992633,
    1.01734306198444913971,
    1.00834927738192282684,
    1.00407735619794433938,
    1.00200839282608221442,
    1.00099457512781808534,
    1.00049418860411946456,
    1.0002460865533080483,
    1.00012271334757848915,
    1.00006124813505870483,
    1.00003058823630702049,
    1.00001528225940865187,
    1.00000763719763789976,
    1.00000381729326499984,
    1.00000190821271655394,
    1.0000009539620338728,
    1.00000047693298678781,
    1.00000023845050272773,
    1.00000011921992596531,
    1.00000005960818905126,
    1.00000002980350351465,
    1.00000001490155482837,
    1.00000000745071178984,
    1.00000000372533402479,
    1.00000000186265972351,
    1.00000000093132743242,
    1.0000000004656629065,
    1.00000000023283118337,
    1.00000000011641550173,
    1.00000000005820772088,
    1.00000000002910385044,
    1.00000000001455192189,
    1.00000000000727595984,
    1.00000000000363797955,
    1.00000000000181898965,
    1.00000000000090949478

};

/* (Γ(1+a) − 1)/a for 0 <= a < 1, −γ at a = 0, accurate relative to its
 * value (glibc's lgamma near 1 is not: 1e-10 off at a = 1e-6). Below 1/2
 * from ln Γ(1+a) = −γa + Σ_{k>=2} (−1)^k ζ(k) a^k / k; above, directly. */
static double gam1(double a)
{
    const double euler_gamma = 0.57721566490153286061;
    if (a >= 0.5)
        return (exp(cxm__lgamma(1.0 + a)) - 1.0) / a;
    double sum = 0.0, ak = a; /* a^(k−1) */
    for (int k = 2; k <= 40; k++) {
        ak *= a;
        double term = (k % 2 == 0 ? 1.0 : -1.0) * zeta[k - 2] * ak / k;
        sum += term;
        if (fabs(term) < 1e-18 * fabs(sum))
            break;
    }
    /* ln Γ(1+a) = a·(−γ + sum/a), with sum = Σ (−1)^k ζ(k) a^k/k */
    double lg = -euler_gamma * a + sum;
    return a == 0.0 ? -euler_gamma : expm1(lg) / a;
}

double cxm__expint_scaled_any(double s, double z)
{
    if (s > 1.0)
        return cxm__expint_scaled(s, z);
    if (z >= 1.0)
        return expint_cf(s, z);
    /* Γ(a, z) for a = 1 − s in [0, 1), z < 1. */
    double a = 1.0 - s, lz = log(z);
    double head = gam1(a) - (a == 0.0 ? lz : expm1(a * lz) / a);
    double term = 1.0, sum = 0.0;
    for (int n = 1; n < 200; n++) {
        term *= -z / n;
        double add = term / (a + n);
        sum += add;
        if (fabs(add) < 1e-17 * fabs(sum))
            break;
    }
    double gamma_upper = head - exp(a * lz) * sum;
    /* e^z E_s(z) = e^z z^(s−1) Γ(1−s, z) = e^z z^−a Γ(a, z) */
    return exp(z - a * lz) * gamma_upper;
}
