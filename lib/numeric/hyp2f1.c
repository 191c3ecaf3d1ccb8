/* Gauss hypergeometric function 2F1 for real arguments in log space.
 * See hyp2f1.h for the domain, the method and the accuracy statement.
 *
 * Notation: F(a, b; c; x) = Σ_n (a)_n (b)_n / ((c)_n n!) x^n, w = 1 − x,
 * s = c − a − b. Values travel as (log|v|, sign) pairs so that nothing
 * overflows; series are summed in doubles with a power-of-ten rescaling. */
#include "config.h"

#include <float.h>
#include <math.h>

#include "core/internal.h"
#include "numeric/hyp2f1.h"
#include "numeric/special.h"

#define EPS DBL_EPSILON
#define LN_1E200 460.51701859880914 /* 200·ln 10 */
#define SERIES_MAX_TERMS 4000000L
#define TOL 1e-14
/* An error this small is as good as rounding ln|F| allows: stop looking. */
#define GOOD_ENOUGH(r) ((r).err <= TOL + 8.0 * EPS * fabs((r).l))

/* A signed value s·e^l with an estimate of its relative error. */
typedef struct {
    double l;
    int s;
    double err;
} lval;

static const lval LVAL_ONE = { 0.0, 1, 0.0 };

static int is_nonpositive_integer(double x)
{
    return x <= 0.0 && x == floor(x);
}

/* ln|Γ(x)| and the sign of Γ(x), x not a pole. */
static double lgamma_sign(double x, int *sign)
{
    if (x > 0.0) {
        *sign = 1;
        return cxm__lgamma(x);
    }
    double f = floor(x);
    *sign = fmod(f, 2.0) == 0.0 ? 1 : -1;
    return cxm__lgamma(x);
}

/* sin(πx) with the argument reduced exactly first. */
/* ℓ(h, y) = ln|1 + h/y| / h (1/y when h = 0); *sign flips when 1 + h/y < 0. */
static double log1p_div(double h, double y, int *sign)
{
    if (h == 0.0)
        return 1.0 / y;
    double q = h / y;
    if (q < -1.0) {
        *sign = -*sign;
        return log(-1.0 - q) / h;
    }
    return log1p(q) / h;
}

/* D(x, h) = [ln|Γ(x+h)| − ln|Γ(x)|] / h, which is ψ(x) at h = 0, and the sign
 * of Γ(x+h)/Γ(x) in *sign. Accurate to a few ulps relative to the result for
 * any small h: this is what lets the connection formula pass through the
 * integer values of c − a − b without cancellation. x and x+h are not poles. */
static double lgamma_divdiff(double x, double h, int *sign)
{
    *sign = 1;
    if (x < -10.0) {
        /* Reflection: ln|Γ(x)| = ln π − ln|sin πx| − ln Γ(1−x), so
         * D(x, h) = −ln|sin π(x+h) / sin πx| / h + D(1−x, −h), where
         * sin π(x+h) / sin πx − 1 = cos πh − 1 + cot(πx) sin πh. */
        int s2;
        double d = lgamma_divdiff(1.0 - x, -h, &s2);
        double f = x - round(x);
        double cot = cos(M_PI * f) / sin(M_PI * f);
        double ratio_l;
        if (h == 0.0) {
            ratio_l = M_PI * cot;
        } else {
            double half = sin(0.5 * M_PI * h);
            double q = -2.0 * half * half + cot * sin(M_PI * h);
            if (q < -1.0) {
                *sign = -*sign;
                ratio_l = log(-1.0 - q) / h;
            } else {
                ratio_l = log1p(q) / h;
            }
        }
        *sign *= s2;
        return -ratio_l + d;
    }
    double acc = 0.0;
    while (x < 15.0 || x + h < 15.0) {
        /* Γ(x+1+h)/Γ(x+1) = (x+h)/x · Γ(x+h)/Γ(x) */
        acc -= log1p_div(h, x, sign);
        x += 1.0;
    }
    /* Stirling: ln Γ(y) = (y − ½) ln y − y + ½ ln 2π + Σ_j B_2j / (2j(2j−1) y^(2j−1)). */
    static const double bern[] = { 1.0 / 12, -1.0 / 360, 1.0 / 1260, -1.0 / 1680,
                                   1.0 / 1188, -691.0 / 360360, 1.0 / 156 };
    int dummy = 1;
    double y = x + h;
    double result = (x - 0.5) * log1p_div(h, x, &dummy) + log(y) - 1.0;
    /* (y^−p − x^−p)/h = −Σ_{i=0}^{p−1} u^(p−i) v^(i+1), u = 1/x, v = 1/y. */
    double u = 1.0 / x, v = 1.0 / y;
    for (int j = 0; j < 7; j++) {
        int p = 2 * j + 1;
        double sum = 0.0, term = v, step = v / u;
        for (int i = 0; i < p; i++)
            term *= u;
        for (int i = 0; i < p; i++) {
            sum += term;
            term *= step;
        }
        result -= bern[j] * sum;
    }
    return acc + result;
}

double cxm__lgamma_divdiff(double x, double h, int *sign)
{
    int s = 1;
    double d = lgamma_divdiff(x, h, &s);
    if (sign)
        *sign = s;
    return d;
}

/* exp(u) − 1 over u, 1 at u = 0. */
static double exprel(double u)
{
    return u == 0.0 ? 1.0 : expm1(u) / u;
}

/* ln|Γ(y+h)| − ln|Γ(y)| and the sign of Γ(y+h)/Γ(y), with h passed exactly
 * (not recovered as a rounded difference): accurate to rounding of the result
 * when y is large. *err gets its estimated absolute error. */
static double lgamma_shift(double y, double h, int *sign, double *err)
{
    if (y > 10.0 && y + h > 10.0) {
        double d = h * lgamma_divdiff(y, h, sign);
        *err = 4.0 * EPS * (fabs(d) + 1.0);
        return d;
    }
    int sx, sy;
    double lx = lgamma_sign(y + h, &sx), ly = lgamma_sign(y, &sy);
    *sign = sx * sy;
    *err = 2.0 * EPS * (fabs(lx) + fabs(ly) + 1.0);
    return lx - ly;
}

/* ln|Γ(c)Γ(s)/(Γ(c−a)Γ(c−b))| (Gauss's value of F at 1, with s = c − a − b)
 * and its sign, paired as Γ(c)/Γ(c−a) · Γ(s)/Γ(s+a) (or with b) so that the
 * shifts are the parameters themselves, exactly. */
static double gauss_ratio(double a, double b, double ca, double cb, double s, int *sign,
                          double *err)
{
    int s1, s2;
    double e1, e2, l;
    if (fabs(a) <= fabs(b))
        l = lgamma_shift(ca, a, &s1, &e1) - lgamma_shift(s, a, &s2, &e2);
    else
        l = lgamma_shift(cb, b, &s1, &e1) - lgamma_shift(s, b, &s2, &e2);
    *sign = s1 * s2;
    *err = e1 + e2;
    return l;
}

/* --------------------------------------------------------------- series */

/* Running sum in scaled doubles: value = (sum)·e^scale. */
typedef struct {
    double sum, abs_sum, scale;
} scaled_sum;

static void scaled_rescale(scaled_sum *acc, double *term)
{
    if (fabs(*term) > 1e200 || acc->abs_sum > 1e200) {
        *term *= 1e-200;
        acc->sum *= 1e-200;
        acc->abs_sum *= 1e-200;
        acc->scale += LN_1E200;
    }
}

static lval scaled_result(const scaled_sum *acc, double extra_rel_err)
{
    lval r;
    if (acc->sum == 0.0) {
        r.l = -INFINITY;
        r.s = 0;
        r.err = 0.0;
        return r;
    }
    r.l = log(fabs(acc->sum)) + acc->scale;
    r.s = acc->sum > 0 ? 1 : -1;
    r.err = extra_rel_err * acc->abs_sum / fabs(acc->sum);
    return r;
}

/* The Gauss series Σ (A)_n (B)_n / ((C)_n n!) x^n for |x| < 1 (or a
 * terminating series for any x). Returns 0, or −1 when max_terms did not
 * suffice. */
static int gauss_series(double A, double B, double C, double x, long max_terms, lval *out)
{
    scaled_sum acc = { 1.0, 1.0, 0.0 };
    double t = 1.0, ax = fabs(x);
    /* From n_mono on, no factor A+n, B+n, C+n changes sign any more. */
    double n_mono = fmax(fmax(-A, -B), fmax(-C, 0.0));
    long n;
    for (n = 0; n < max_terms; n++) {
        double r = (A + n) * (B + n) / ((C + n) * (n + 1.0)) * x;
        t *= r;
        if (t == 0.0)
            break;
        acc.sum += t;
        acc.abs_sum += fabs(t);
        scaled_rescale(&acc, &t);
        double ar = fabs(r), rho = ar > ax ? ar : ax;
        if (n >= n_mono && rho < 1.0 && fabs(t) * rho <= 0.125 * EPS * fabs(acc.sum) * (1.0 - rho))
            break;
    }
    if (n >= max_terms)
        return -1;
    /* Each term carries the rounding of the n ratios before it, and those
     * errors drift in one direction: n·ε, not √n·ε (measured at n = 2.5e6). */
    *out = scaled_result(&acc, EPS * (2.0 + 0.5 * (double)n));
    return 0;
}

/* Rough number of terms the Gauss series needs at x in [0, 1): where the
 * term ratio falls below 1, plus the geometric tail. */
static double series_terms_estimate(double A, double B, double C, double x)
{
    double stop = INFINITY;
    if (is_nonpositive_integer(A))
        stop = 1.0 - A;
    if (is_nonpositive_integer(B))
        stop = fmin(stop, 1.0 - B);
    if (stop < INFINITY)
        return stop;
    /* ratio_n ≈ (A+n)(B+n)x / ((C+n)(n+1)) = 1: (x−1)n² + (x(A+B) − C − 1)n + xAB − C = 0 */
    double qa = x - 1.0, qb = x * (A + B) - C - 1.0, qc = x * A * B - C;
    /* Before n_mono some factor is negative: the terms may alternate and grow. */
    double peak = fmax(fmax(-A, -B), fmax(-C, 0.0));
    if (qa < 0.0) {
        double disc = qb * qb - 4.0 * qa * qc;
        if (disc > 0.0) {
            double root = (-qb - sqrt(disc)) / (2.0 * qa);
            if (root > peak)
                peak = root;
        }
    }
    /* Beyond the peak |t_n| ~ n^p x^n with p = A + B − C − 1: the geometric
     * factor and (when p < 0) the power both shrink the terms. */
    if (!(x > 0.0))
        return peak + 1.0;
    double lx = -log(x), p = A + B - C - 1.0, n0 = peak + 1.0;
    double geometric = 40.0 / lx;
    if (p < 0.0) {
        /* n^p describes the terms only once n is past the parameters:
         * before that the ratio can stay close to 1 (e.g. (B+n)/(C+n) with
         * C − B small against B). */
        double onset = fmax(n0, fmax(fmax(fabs(A), fabs(B)), fabs(C)));
        double power = onset * expm1(40.0 / -p);
        return peak + fmin(geometric, power);
    }
    double n = geometric;
    for (int i = 0; i < 4; i++)
        n = (40.0 + p * log1p(n / n0)) / lx;
    return peak + n;
}

/* ----------------------------------------------------- 1 − x connection */

/* Parameters with their differences c − a, c − b and s = c − a − b kept
 * separately: transformations swap them exactly instead of recomputing them
 * from rounded values (with a, c ~ 1e4 and ln w ~ −20, one rounding of s
 * would cost 1e-11). */
typedef struct {
    double a, b, c, ca, cb, s;
} params;

/* c − a − b with the cancelling pair subtracted first (exact when c and the
 * larger of a, b are within a factor 2), so that huge parameters leave the
 * small exponent s intact. */
static double c_minus_a_minus_b(double a, double b, double c)
{
    return a >= b ? (c - a) - b : (c - b) - a;
}

static params make_params(double a, double b, double c)
{
    params p = { a, b, c, c - a, c - b, c_minus_a_minus_b(a, b, c) };
    return p;
}

static void lval_add(lval *acc, lval v)
{
    if (v.s == 0)
        return;
    if (acc->s == 0) {
        *acc = v;
        return;
    }
    double big = fmax(acc->l, v.l);
    double abs_err = acc->err * exp(acc->l - big) + v.err * exp(v.l - big);
    double mag = exp(acc->l - big) + exp(v.l - big);
    if (acc->s == v.s) {
        acc->l = cxm__logaddexp(acc->l, v.l);
    } else {
        int first_bigger = acc->l >= v.l;
        double l = first_bigger ? cxm__logsubexp(acc->l, v.l) : cxm__logsubexp(v.l, acc->l);
        acc->s = first_bigger ? acc->s : v.s;
        acc->l = l;
        if (l == -INFINITY) {
            acc->s = 0;
            acc->err = 0.0;
            return;
        }
    }
    /* Relative error: propagated errors plus one rounding of the magnitude. */
    acc->err = (abs_err + EPS * mag) / exp(acc->l - big);
}

/* F(a, b; c; x) for x in (0, 1) from the connection formula at w = 1 − x:
 *   F = Γ(c)Γ(s)/(Γ(c−a)Γ(c−b)) F(a, b; 1−s; w)
 *     + w^s Γ(c)Γ(−s)/(Γ(a)Γ(b)) F(c−a, c−b; 1+s; w),
 * rearranged for s = m + ε (m = round(s) >= 0, |ε| <= ½) as
 *   F = Σ1 + Σ2,
 *   Σ1 = Γ(c)Γ(m+ε)/(Γ(c−a)Γ(c−b)) Σ_{n<m} (a)_n(b)_n/((1−m−ε)_n n!) w^n,
 *   Σ2 = (−1)^m Γ(c) w^m / (Γ(a)Γ(b)Γ(c−a)Γ(c−b)) Σ_k w^k Q_k,
 *   Q_k = π/sin(πε) · (T1_k − T2_k),
 *   T1_k = Γ(a+m+k)Γ(b+m+k)/(Γ(k+1−ε)Γ(m+k+1)),
 *   T2_k = w^ε Γ(a+m+k+ε)Γ(b+m+k+ε)/(Γ(m+k+1+ε)Γ(k+1)).
 * T2_k/T1_k = σ_k e^(ε E_k) where E_k is a divided difference of ln Γ (and
 * ln w) that is computed directly, so T1_k − T2_k = −T1_k ε E_k exprel(ε E_k)
 * has no cancellation, and ε = 0 (the logarithmic case) is the same formula.
 * Requires: a, b, c − a, c − b, c not non-positive integers (polynomial cases
 * are summed directly). Returns 0, or −1 when the w-series did not converge. */
static int connection(const params *p, double w, double lw, lval *out)
{
    double a = p->a, b = p->b, ca = p->ca, cb = p->cb, s = p->s;
    lval euler = LVAL_ONE;
    if (s < -0.5) {
        /* Euler: F(a,b;c;x) = w^s F(c−a, c−b; c; x), whose c − a − b is −s. */
        euler.l = s * lw;
        double t = a;
        a = ca;
        ca = t;
        t = b;
        b = cb;
        cb = t;
        s = -s;
    }
    double md = floor(s + 0.5);
    if (md > (double)SERIES_MAX_TERMS) /* Σ1 alone would take that many terms */
        return -1;
    double eps = s - md;
    long m = (long)md;
    /* Gamma functions are paired so that large arguments enter through
     * accurate differences ln Γ(x) − ln Γ(y) rather than two huge values. */
    double big_ab = fmax(a, b), small_ab = fmin(a, b);

    lval total = { -INFINITY, 0, 0.0 };

    /* Σ1 = Γ(c)Γ(m+ε)/(Γ(c−a)Γ(c−b)) · Σ_{n<m} ... */
    if (m > 0) {
        scaled_sum acc = { 1.0, 1.0, 0.0 };
        double t = 1.0;
        for (long n = 0; n + 1 < m; n++) {
            t *= (a + n) * (b + n) / ((1.0 - m - eps + n) * (n + 1.0)) * w;
            acc.sum += t;
            acc.abs_sum += fabs(t);
            scaled_rescale(&acc, &t);
        }
        lval s1 = scaled_result(&acc, EPS * (2.0 + 0.5 * (double)m));
        if (s1.s != 0) {
            int sg1;
            double e1;
            double l1 = gauss_ratio(a, b, ca, cb, s, &sg1, &e1);
            s1.l += l1;
            s1.s *= sg1;
            s1.err += e1;
            lval_add(&total, s1);
        }
    }

    /* Σ2 */
    {
        /* E_0 = ln w + D(a+m, ε) + D(b+m, ε) − D(m+1, ε) − D(1, −ε) */
        int sa0, sb0, sm0, s10;
        double da = lgamma_divdiff(a + m, eps, &sa0), db = lgamma_divdiff(b + m, eps, &sb0);
        double E = lw + da + db - lgamma_divdiff(m + 1.0, eps, &sm0) -
                   lgamma_divdiff(1.0, -eps, &s10);
        int sigma = sa0 * sb0 * sm0 * s10;
        /* Prefactor (−1)^m Γ(c) w^m T1_0 / (Γ(a)Γ(b)Γ(c−a)Γ(c−b)) with
         * T1_0 = Γ(a+m)Γ(b+m)/(Γ(1−ε)Γ(m+1)); Γ(a+m)/Γ(c−b) = e^(−ε D(a+m, ε)). */
        int sg1, sg2, sg3;
        double e1;
        double l1 = lgamma_shift(big_ab, a >= b ? ca : cb, &sg1, &e1); /* Γ(c)/Γ(big_ab) */
        double l2 = lgamma_sign(small_ab, &sg2), l3 = lgamma_sign(1.0 - eps, &sg3);
        double l4 = cxm__lgamma(m + 1.0);
        double pre_l = l1 - l2 - eps * (da + db) - l3 - l4 + m * lw;
        int pre_s = ((m & 1) ? -1 : 1) * sg1 * sg2 * sg3 * sa0 * sb0;
        double pre_err = e1 + 2.0 * EPS * (fabs(l2) + fabs(l3) + fabs(l4) + fabs(m * lw) +
                                           fabs(eps * (da + db)));
        double pe = eps == 0.0 ? 1.0 : M_PI * eps / sin(M_PI * eps); /* πε/sin πε */
        double pi_sin = eps == 0.0 ? INFINITY : M_PI / sin(M_PI * eps);

        scaled_sum acc = { 0.0, 0.0, 0.0 };
        double v = 1.0; /* T1_k / T1_0 · w^k, on the scale of acc */
        double amn = a + m, bmn = b + m;
        double n_mono = fmax(fmax(-amn, -bmn), 0.0);
        long k;
        for (k = 0; k < SERIES_MAX_TERMS; k++) {
            double q = sigma > 0 ? -pe * E * exprel(eps * E) : pi_sin * (1.0 + exp(eps * E));
            double term = v * q;
            acc.sum += term;
            acc.abs_sum += fabs(term);
            if (fabs(v) > 1e200 || acc.abs_sum > 1e200) {
                v *= 1e-200;
                term *= 1e-200;
                acc.sum *= 1e-200;
                acc.abs_sum *= 1e-200;
                acc.scale += LN_1E200;
            }
            double r = (amn + k) * (bmn + k) / ((k + 1.0 - eps) * (m + k + 1.0)) * w;
            double ar = fabs(r), rho = ar > w ? ar : w;
            /* |Q_k| grows like ln k at most: the factor 2 covers the tail's growth. */
            if (k >= n_mono && rho < 1.0 &&
                2.0 * fabs(term) * rho <= 0.125 * EPS * fabs(acc.sum) * (1.0 - rho))
                break;
            v *= r;
            if (v == 0.0)
                break;
            int sg_step = 1, sg_unused = 1;
            double dE = log1p_div(eps, amn + k, &sg_step) + log1p_div(eps, bmn + k, &sg_step) -
                        log1p_div(eps, m + k + 1.0, &sg_unused) -
                        log1p_div(-eps, k + 1.0, &sg_unused);
            E += dE;
            sigma *= sg_step;
        }
        if (k >= SERIES_MAX_TERMS)
            return -1;
        lval s2 = scaled_result(&acc, EPS * (4.0 + 0.5 * (double)k));
        if (s2.s != 0) {
            s2.l += pre_l;
            s2.s *= pre_s;
            s2.err += pre_err + EPS * fabs(E) * 4.0;
            lval_add(&total, s2);
        }
    }
    total.l += euler.l;
    total.err += EPS * fabs(euler.l);
    *out = total;
    return 0;
}

/* ----------------------------------------------------------- dispatcher */

/* F(a, b; c; x) for x in [0, 1), w = 1 − x accurate. */
static int eval_unit(const params *p, double x, double w, double lw, lval *out)
{
    if (x == 0.0) {
        *out = LVAL_ONE;
        return 0;
    }
    /* x rounded to 1 (w below 1.1e-16): the Gauss series lost its geometric
     * factor. With s > 2, F(x) = F(1)·(1 − ab·w/(s−1) + O(c1²)), c1 the
     * correction: Gauss's closed form once c1 <= 1e-8 (sBG after 10^12
     * renewals with alpha = 1e10 at a discount of 1e-300). */
    if (x == 1.0 && p->s > 2.0 && !is_nonpositive_integer(p->ca) &&
        !is_nonpositive_integer(p->cb)) {
        double c1 = p->a * p->b * w / (p->s - 1.0);
        if (fabs(c1) <= 1e-8) {
            lval r;
            r.l = gauss_ratio(p->a, p->b, p->ca, p->cb, p->s, &r.s, &r.err) + log1p(-c1);
            r.err += 1e-16;
            *out = r;
            return 0;
        }
    }
    double a = p->a, b = p->b, c = p->c;
    int poly = is_nonpositive_integer(a) || is_nonpositive_integer(b);
    int euler_poly = is_nonpositive_integer(p->ca) || is_nonpositive_integer(p->cb);
    double est_direct = series_terms_estimate(a, b, c, x);
    double est_euler = series_terms_estimate(p->ca, p->cb, c, x);
    if (poly)
        est_euler = INFINITY;
    else if (euler_poly)
        est_direct = INFINITY;
    lval best = { 0.0, 0, INFINITY };
    int have = 0;
    /* The connection formula's series in w = 1 − x has the terms of a Gauss
     * series with parameters a+m, b+m; m+1 (after Euler's transformation when
     * s < −1/2): with large a or b and w not small it may need far more terms
     * than the Gauss series at x (sBG's residual lifetime after 10^9 renewals). */
    double cs = p->s, ca_ = p->a, cb_ = p->b;
    if (cs < -0.5) {
        ca_ = p->ca;
        cb_ = p->cb;
        cs = -cs;
    }
    double cm = floor(cs + 0.5);
    /* ... and its finite sum Σ1 has m terms (10^10 for sBG with alpha = 1e10). */
    double est_connection = fmax(series_terms_estimate(ca_ + cm, cb_ + cm, cm + 1.0, w), cm);
    int connection_later = est_connection > fmin(est_direct, est_euler);

    /* The connection formula first when x is close to 1 and no series terminates. */
    if (!poly && !euler_poly && x > 0.5 && fmin(est_direct, est_euler) > 60.0 &&
        !connection_later) {
        lval r;
        if (connection(p, w, lw, &r) == 0) {
            best = r;
            have = 1;
            if (GOOD_ENOUGH(r))
                goto done;
        }
    }
    /* The Gauss series for F or its Euler transform, cheaper first. */
    for (int pass = 0; pass < 2; pass++) {
        int use_euler = (est_euler < est_direct) ^ pass;
        double est = use_euler ? est_euler : est_direct;
        if (!(est < 2.0 * SERIES_MAX_TERMS))
            continue;
        /* A long series drifts by about n·ε/2: not worth summing when the
         * connection formula already did better. */
        if (have && EPS * (2.0 + 0.5 * est) >= best.err)
            continue;
        lval r;
        int rc = use_euler ? gauss_series(p->ca, p->cb, c, x, SERIES_MAX_TERMS, &r)
                           : gauss_series(a, b, c, x, SERIES_MAX_TERMS, &r);
        if (rc != 0)
            continue;
        if (use_euler) {
            r.l += p->s * lw;
            r.err += EPS * fabs(p->s * lw);
        }
        if (!have || r.err < best.err) {
            best = r;
            have = 1;
        }
        if (GOOD_ENOUGH(best))
            break;
    }
    int connection_may_help = connection_later && x > 0.5 && !GOOD_ENOUGH(best) &&
                              est_connection < 2.0 * SERIES_MAX_TERMS;
    if ((!have || connection_may_help) && !poly && !euler_poly) {
        lval r;
        if (connection(p, w, lw, &r) == 0 && (!have || r.err < best.err)) {
            best = r;
            have = 1;
        }
    }
    if (!have)
        return -1;
done:
    *out = best;
    return 0;
}

int cxm__hyp2f1_log2(double a, double b, double c, double z, double zc, double *log_abs,
                     int *sign, double *rel_err)
{
    lval r = LVAL_ONE;
    int status = CXM_OK;
    if (isnan(a) || isnan(b) || isnan(c) || isnan(z) || isnan(zc) || !isfinite(z) || z > 1.0 ||
        !isfinite(a) || !isfinite(b) || !isfinite(c)) {
        status = CXM_EDOMAIN;
        goto out;
    }
    int a_poly = is_nonpositive_integer(a), b_poly = is_nonpositive_integer(b);
    if (is_nonpositive_integer(c)) {
        /* Defined only when the series stops before (c)_n vanishes. */
        int ok = (a_poly && a >= c) || (b_poly && b >= c);
        if (!ok) {
            status = CXM_EDOMAIN;
            goto out;
        }
        double stop = fmax(a_poly ? a : -INFINITY, b_poly ? b : -INFINITY);
        if (gauss_series(stop, stop == a ? b : a, c, z, (long)(1.0 - stop) + 2, &r) != 0)
            status = CXM_EDOMAIN;
        goto out;
    }
    if (z == 0.0 || a == 0.0 || b == 0.0)
        goto out;
    /* z = 1 exactly; a z that rounds to 1 with its 1 − z given is below 1. */
    if (z == 1.0 && !(zc > 0.0)) {
        if (a_poly || b_poly) {
            /* Chu–Vandermonde through the terminating series. */
            double stop = fmax(a_poly ? a : -INFINITY, b_poly ? b : -INFINITY);
            if (gauss_series(stop, stop == a ? b : a, c, 1.0, (long)(1.0 - stop) + 2, &r) != 0)
                status = CXM_EDOMAIN;
            goto out;
        }
        params p = make_params(a, b, c);
        double s = p.s;
        if (!(s > 0.0)) {
            status = CXM_EDOMAIN;
            goto out;
        }
        if (is_nonpositive_integer(p.ca) || is_nonpositive_integer(p.cb)) {
            r.l = -INFINITY;
            r.s = 0;
            goto out;
        }
        /* Gauss: Γ(c)Γ(s)/(Γ(c−a)Γ(c−b)). */
        r.l = gauss_ratio(a, b, p.ca, p.cb, s, &r.s, &r.err);
        goto out;
    }
    /* ln(1 − z), accurate also when z is tiny */
    double lzc = fabs(z) < 0.5 ? log1p(-z) : log(zc);
    if (a == c) {
        r.l = -b * lzc;
        goto out;
    }
    if (b == c) {
        r.l = -a * lzc;
        goto out;
    }
    if (z < 0.0) {
        /* Pfaff: F(a,b;c;z) = (1−z)^−a F(a, c−b; c; y), y = z/(z−1) in (0, 1), 1 − y = 1/(1−z).
         * eval_unit also tries the Euler transform of this, which is the other Pfaff form. */
        double y = -z / zc, yc = 1.0 / zc;
        if (y >= 1.0) /* z so negative that y rounds to 1: keep y below 1 */
            y = nextafter(1.0, 0.0);
        /* Keep a terminating parameter in the first slot so the series still ends. */
        double p1 = b_poly && !a_poly ? b : a, q1 = b_poly && !a_poly ? a : b;
        params pf = { p1, c - q1, c, c - p1, q1, q1 - p1 };
        if (eval_unit(&pf, y, yc, -lzc, &r) != 0) {
            status = CXM_EDOMAIN;
            goto out;
        }
        r.l += -p1 * lzc;
        r.err += EPS * fabs(p1 * lzc);
        if (!GOOD_ENOUGH(r) && z > -1.0) {
            /* Parameters (e.g. c < 0) can make the Pfaff series cancel: the
             * alternating series at z itself may do better. */
            params pd = make_params(a, b, c);
            lval d;
            if (gauss_series(a, b, c, z, SERIES_MAX_TERMS, &d) == 0 && d.err < r.err)
                r = d;
            if (!is_nonpositive_integer(a) && !is_nonpositive_integer(b) &&
                gauss_series(pd.ca, pd.cb, c, z, SERIES_MAX_TERMS, &d) == 0) {
                d.l += pd.s * lzc;
                d.err += EPS * fabs(pd.s * lzc);
                if (d.err < r.err)
                    r = d;
            }
        }
        goto out;
    }
    params pz = make_params(a, b, c);
    if (eval_unit(&pz, z, zc, lzc, &r) != 0)
        status = CXM_EDOMAIN;
out:
    if (status != CXM_OK) {
        *log_abs = NAN;
        *sign = 0;
        if (rel_err)
            *rel_err = INFINITY;
        return status;
    }
    *log_abs = r.s == 0 ? -INFINITY : r.l;
    *sign = r.s;
    if (rel_err)
        *rel_err = r.err;
    return CXM_OK;
}

int cxm__hyp2f1_log(double a, double b, double c, double z, double *log_abs, int *sign)
{
    return cxm__hyp2f1_log2(a, b, c, z, 1.0 - z, log_abs, sign, NULL);
}

double cxm__hyp2f1(double a, double b, double c, double z)
{
    double l;
    int s;
    if (cxm__hyp2f1_log(a, b, c, z, &l, &s) != CXM_OK)
        return NAN;
    return s == 0 ? 0.0 : s * exp(l);
}
