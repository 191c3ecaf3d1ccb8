/* BG/NBD (Fader, Hardie & Lee 2005) and MBG/NBD (Batislam, Denizel &
 * Filiztekin 2007): one implementation with a shift s = 0 (BG) or 1 (MBG).
 *
 * A customer buys as a Poisson process with rate λ ~ Gamma(r, α) and, right
 * after each purchase (MBG: also right after the first, at time 0), dies with
 * probability p ~ Beta(a, b). With B = b + x + s,
 *   ln L = ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, B) − ln B(a, b)
 *          − (r+x) ln(α+T) + ln(1 + δ·e^z),
 *   z    = ln a − ln(B − 1) + (r+x)·ln((α+T)/(α+t_x)),
 * δ = 1{x > 0} for BG and 1 for MBG: the log-sum-exp of the paper's two
 * terms, written so that nothing overflows.
 *
 * Every expectation reduces to one function of the posterior of a customer
 * who is alive (λ ~ Gamma(A = r+x, α+T), p ~ Beta(a, B)):
 *   Q(A, B, a; u) = E_p[(1 − (1 + p·u)^(−A))/p],  u = t/(α+T),
 * the expected number of purchases in the next t time units of a customer
 * alive now. E[Y(t)|x,t_x,T] = P(alive)·Q, E[X(t)] = Q(r, b, a; t/α) (BG) or
 * b/(a+b)·Q(r, b+1, a; t/α) (MBG). The paper's closed form is
 * (a+B−1)/(a−1)·[1 − (1+u)^(−A)·2F1(A, B; a+B−1; u/(1+u))]: it cancels
 * badly when a → 1 or u → 0 and 2F1 needs care near its argument 1. Q is
 * instead summed as a series of positive terms (Q = E_N[Σ_{k<N} E(1−p)^k],
 * N negative binomial) or, when that would be long, integrated over p in
 * logit space (lib/numeric/quadrature.h); neither has a cancellation. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "clv/bgnbd_internal.h"
#include "clv/model_internal.h"
#include "core/internal.h"
#include "numeric/hyp2f1.h"
#include "numeric/incomplete.h"
#include "numeric/quadrature.h"
#include "numeric/special.h"

enum { PR, PALPHA, PA, PB }; /* parameter order: r, alpha, a, b */

static const char *const param_names[] = { "r", "alpha", "a", "b" };
static const cxm__scale scales[] = { CXM__SCALE_LOG, CXM__SCALE_LOG, CXM__SCALE_LOG,
                                     CXM__SCALE_LOG };
static const char *const column_names[] = { "x", "t_x", "T" };

/* ------------------------------------------------------------------ Q */

typedef struct q_context {
    double A, log_u, log_scale;
} q_context;

/* ln g(p) for g(p) = (1 − (1 + p·u)^(−A))/p, from ln p and ln u so that p·u
 * may overflow or p underflow: g falls from A·u (p → 0) to 1 − (1+u)^(−A). */
static double q_log_g(const q_context *c, double log_p)
{
    double A = c->A, lv = log_p + c->log_u, v = exp(lv);
    if ((A + 1.0) * v < 1e-9) /* g = A·u·(1 − (A+1)v/2 + O(((A+1)v)²)) */
        return log(A) + c->log_u + log1p(-0.5 * (A + 1.0) * v);
    double L = lv > 700.0 ? lv + log1p(exp(-lv)) : log1p(v); /* ln(1 + v) */
    return log(-expm1(-A * L)) - log_p;
}

/* g/S with S = √(g(0+)·g(1)): g spans up to e^800 between its ends (u = 1e318,
 * A = 1e-10), more than a double holds, but g/S stays within e^±400. */
static double q_g(void *context, double p, double log_p, double log_q)
{
    q_context *c = context;
    (void)p;
    (void)log_q;
    return exp(q_log_g(c, log_p) - c->log_scale);
}

/* Series terms allowed before integrating instead. */
#define Q_SERIES_LIMIT 4000.0

double cxm__bg_q_series(double A, double Bp, double a, double u)
{
    if (!(u > 0.0))
        return 0.0;
    double l1z = -log1p(u);     /* ln(1 − Z), Z = u/(1+u) */
    double lz = log(u) + l1z;   /* ln Z */
    double mean = A * u, sd = sqrt(A * u * (1.0 + u));
    double tail = 40.0 / log1p(1.0 / u); /* geometric decay at rate Z */
    double estimate = mean + 12.0 * sd + tail + 20.0;
    if (!(estimate <= Q_SERIES_LIMIT))
        return -1.0;
    double Z = exp(lz);
    double start = floor(mean - 12.0 * sd);
    size_t n0 = start > 0.0 ? (size_t)start : 0;
    double c = 1.0, S = 0.0;
    for (size_t k = 0; k < n0; k++) {
        S += c;
        c *= (Bp + (double)k) / (a + Bp + (double)k);
    }
    double lp = A * l1z;
    if (n0 > 0)
        lp += cxm__lgamma(A + (double)n0) - cxm__lgamma(A) - cxm__lgamma((double)n0 + 1.0) +
              (double)n0 * lz;
    /* ln Γ differences of large arguments leave the starting probability
     * with a relative error up to ~1e-12: the summed probabilities (1 up to
     * a negligible left tail) renormalise it. */
    double pmf = exp(lp);
    if (!(pmf > 0.0))
        return -1.0;
    double mode = A > 1.0 ? floor((A - 1.0) * u) : 0.0;
    double sum = pmf * S, mass = pmf, n = (double)n0;
    for (int guard = 0; guard < 4 * (int)Q_SERIES_LIMIT; guard++) {
        S += c;
        c *= (Bp + n) / (a + Bp + n);
        pmf *= (A + n) * Z / (n + 1.0);
        n += 1.0;
        sum += pmf * S;
        mass += pmf;
        if (n > mode) {
            /* Beyond the mode the probabilities fall at least geometrically
             * with ratio rho, and S grows by at most c per step. */
            double rho = A >= 1.0 ? (A + n) * Z / (n + 1.0) : Z;
            if (rho < 1.0) {
                double rest =
                    pmf * (S * rho / (1.0 - rho) + c * rho / ((1.0 - rho) * (1.0 - rho)));
                if (rest <= 1e-17 * sum)
                    return n0 > 0 ? sum / mass : sum;
            }
        }
    }
    return -1.0;
}

/* Q for huge u from the closed form (a+B−1)/(a−1)·[1 − 2F1(A, a−1; a+B−1; −u)]
 * (the paper's, after Pfaff's transformation), whose 2F1 the connection
 * formula gives in a few terms there; −1 where it is not accurate to 1e-12:
 * a near 1 (the division and 1 − F cancel) or A, B so large that a+B−1−A
 * rounds away digits. The quadrature's cost grows with ln u (a millisecond
 * at u = 1e300), this one does not. */
static double q_connection(double A, double Bp, double a, double log_u)
{
    if (!(log_u >= 18.0 && A <= 1e6 && Bp <= 1e6 && fabs(a - 1.0) >= 0.01))
        return -1.0;
    double u = exp(log_u), lf, err;
    int sign;
    if (!isfinite(u) || cxm__hyp2f1_log2(A, a - 1.0, a + Bp - 1.0, -u, 1.0 + u, &lf, &sign,
                                         &err) != CXM_OK || sign <= 0)
        return -1.0;
    /* 1 − F = −expm1(ln F): an absolute error e of ln F becomes the relative
     * error e·F/|1 − F| = e/|expm1(−ln F)| (|ln F| >= 0.18 here: at most sixfold). */
    double q = (a + Bp - 1.0) / (a - 1.0) * -expm1(lf);
    double rel = (err + 4e-16 * fabs(lf) + 1e-15) / fabs(expm1(-lf));
    return q > 0.0 && isfinite(q) && rel <= 1e-12 ? q : -1.0;
}

/* The quadrature of Q from ln u: u itself may overflow (Q need not, e.g. for
 * a > 1 it stays below E[1/p]), and so may g near p = 0 while g near 1 is
 * tiny: the integrand is g/S. Q is +inf only when it overflows a double. */
static double q_quadrature_log(double A, double Bp, double a, double log_u)
{
    double fast = q_connection(A, Bp, a, log_u);
    if (fast >= 0.0)
        return fast;
    q_context c = { A, log_u, 0.0 };
    double log_g0 = log(A) + log_u, log_g1 = q_log_g(&c, 0.0);
    c.log_scale = 0.5 * (log_g0 + log_g1);
    double log_slope = log(A + 1.0) + log_u; /* |d ln g/dp| near p = 0 */
    double mean = cxm__beta_expectation_log(a, Bp, q_g, &c, exp(log_g0 - c.log_scale), log_slope,
                                            exp(log_g1 - c.log_scale),
                                            cxm__logaddexp(0.0, log_slope));
    return exp(c.log_scale + log(mean));
}

double cxm__bg_q_quadrature(double A, double Bp, double a, double u)
{
    if (!(u > 0.0))
        return 0.0;
    return q_quadrature_log(A, Bp, a, log(u));
}

double cxm__bg_q(double A, double Bp, double a, double u)
{
    double q = cxm__bg_q_series(A, Bp, a, u);
    return q >= 0.0 ? q : cxm__bg_q_quadrature(A, Bp, a, u);
}

double cxm__bg_q_ratio(double A, double Bp, double a, double t, double d)
{
    if (!(t > 0.0))
        return 0.0;
    double u = t / d;
    return isfinite(u) ? cxm__bg_q(A, Bp, a, u) : q_quadrature_log(A, Bp, a, log(t) - log(d));
}

/* ------------------------------------------------------------------ DERT kernel */

typedef struct dert_context {
    double A, log_kappa;
} dert_context;

/* φ(x) = x·e^x·E_m(x), in (x/(x+m), x/(x+m−1)]: 1 − m/x + ... for large x. */
static double dert_phi(double m, double x)
{
    if (x >= 1e17 * (m + 1.0)) /* the bounds agree to 1e-17 */
        return 1.0 / (1.0 + m / x);
    return x * cxm__expint_scaled(m, x);
}

/* φ(κ/p), from ln p so that κ/p may overflow where p underflows. */
static double dert_g(void *context, double p, double log_p, double log_q)
{
    dert_context *c = context;
    (void)p;
    (void)log_q;
    return dert_phi(c->A + 1.0, exp(c->log_kappa - log_p));
}

/* E_{p~Beta(a,B)}[ E_{G~Gamma(A,1)}[G/(pG + κ)] ] = A·E_p[e^x E_{A+1}(x)/p], x = κ/p,
 * = (A/κ)·E_p[φ(κ/p)], whose integrand lies in (0, 1] for every κ. */
double cxm__bg_dert_alive(double A, double Bp, double a, double kappa)
{
    double m = A + 1.0, lk = log(kappa);
    dert_context context = { A, lk };
    double mean = cxm__beta_expectation_log(a, Bp, dert_g, &context, 1.0, log(m) - lk,
                                            dert_phi(m, kappa), log(1.0 + kappa + m));
    return exp(log(A) - lk + log(mean));
}

/* ------------------------------------------------------------------ rows and parameters */

static int check_row(const double *values, size_t i)
{
    return cxm__check_purchase_row(values[0], values[1], values[2], i);
}

static void default_start(const cxm__data *data, double *params)
{
    /* NBD rate r/α ≈ purchases per unit of observed time; a, b: a dropout
     * probability of 1/4 per purchase. Newton's method does the rest. */
    double sx = 0.0, sT = 0.0;
    for (size_t i = 0; i < data->n; i++) {
        double w = data->weight ? data->weight[i] : 1.0;
        sx += w * data->column[0][i];
        sT += w * data->column[2][i];
    }
    params[PR] = 1.0;
    params[PALPHA] = (sx > 0.0 && sT > 0.0) ? sT / sx : 1.0;
    if (!(params[PALPHA] > 1e-6 && params[PALPHA] < 1e6))
        params[PALPHA] = 1.0;
    params[PA] = 1.0;
    params[PB] = 3.0;
}

/* Per distinct x: the terms that do not depend on t_x and T. */
enum {
    TAB_CONST,    /* ln Γ(r+x) − ln Γ(r) + ln B(a,B) − ln B(a,b) */
    TAB_LZ,       /* ln a − ln(B − 1) */
    TAB_GR,       /* ψ(r+x) − ψ(r) */
    TAB_GA,       /* ψ(a+b) − ψ(a+B) */
    TAB_GB,       /* ψ(B) − ψ(a+B) − ψ(b) + ψ(a+b) */
    TAB_HRR,      /* ψ'(r+x) − ψ'(r) */
    TAB_HAA,      /* ψ'(a+b) − ψ'(a+B) (also ∂²/∂a∂b) */
    TAB_HBB,      /* ψ'(B) − ψ'(a+B) − ψ'(b) + ψ'(a+b) */
    TAB_INVD,     /* 1/(B − 1) */
    TAB_SECOND,   /* 1 when the second term exists (x > 0, or MBG) */
    TAB_WIDTH
};

static void fill_table_shift(const double *params, const double *xs, size_t ngroups,
                             double *table, double shift)
{
    double r = params[PR], a = params[PA], b = params[PB];
    double lg_r = cxm__lgamma(r), lb_ab = cxm__lbeta(a, b);
    double psi_r = cxm__digamma(r), psi_ab = cxm__digamma(a + b), psi_b = cxm__digamma(b);
    double tri_r = cxm__trigamma(r), tri_ab = cxm__trigamma(a + b), tri_b = cxm__trigamma(b);
    for (size_t g = 0; g < ngroups; g++) {
        double x = xs[g], Bp = b + x + shift;
        double *t = table + g * TAB_WIDTH;
        int second = shift > 0.0 || x > 0.0;
        t[TAB_CONST] = (x > 0 ? cxm__lgamma(r + x) - lg_r : 0.0) +
                       (Bp != b ? cxm__lbeta(a, Bp) - lb_ab : 0.0);
        t[TAB_LZ] = second ? log(a) - log(Bp - 1.0) : 0.0;
        t[TAB_GR] = x > 0 ? cxm__digamma(r + x) - psi_r : 0.0;
        t[TAB_HRR] = x > 0 ? cxm__trigamma(r + x) - tri_r : 0.0;
        double psi_aB = cxm__digamma(a + Bp), tri_aB = cxm__trigamma(a + Bp);
        t[TAB_GA] = psi_ab - psi_aB;
        t[TAB_GB] = cxm__digamma(Bp) - psi_aB - psi_b + psi_ab;
        t[TAB_HAA] = tri_ab - tri_aB;
        t[TAB_HBB] = cxm__trigamma(Bp) - tri_aB - tri_b + tri_ab;
        t[TAB_INVD] = second ? 1.0 / (Bp - 1.0) : 0.0;
        t[TAB_SECOND] = second ? 1.0 : 0.0;
        if (Bp == b) {
            t[TAB_GA] = t[TAB_GB] = t[TAB_HAA] = t[TAB_HBB] = 0.0;
        }
    }
}

static void fill_table_bg(const double *params, const double *xs, size_t ngroups, double *table)
{
    fill_table_shift(params, xs, ngroups, table, 0.0);
}

static void fill_table_mbg(const double *params, const double *xs, size_t ngroups, double *table)
{
    fill_table_shift(params, xs, ngroups, table, 1.0);
}

/* ln(1 + e^z) and the logistic e^z/(1+e^z) without overflow. ln(1 + e)
 * for e = e^(−|z|) in (0, 1] has an absolute error of ~1e-16, all a sum of
 * log-likelihoods needs, and log is cheaper than log1p. */
static void softplus(double z, double *value, double *logistic)
{
    double e = exp(-fabs(z));
    double one_e = 1.0 + e;
    *value = (z > 0 ? z : 0.0) + log(one_e);
    *logistic = (z >= 0 ? 1.0 : e) / one_e;
}

static void loglik(const double *params, const cxm__data *data, const double *table,
                   size_t begin, size_t end, int order, double *acc)
{
    double r = params[PR], alpha = params[PALPHA], a = params[PA];
    double log_alpha = log(alpha), inv_alpha = 1.0 / alpha, inv_a = 1.0 / a;
    const double *xs = data->column[0], *txs = data->column[1], *Ts = data->column[2];
    const double *ws = data->weight;
    const uint32_t *group = data->group;
    double ll = 0.0;
    /* Gradient and lower-triangle Hessian accumulators. */
    double gr = 0, ga_ = 0, gA = 0, gB = 0;
    double hrr = 0, hra = 0, haa_ = 0, hAA = 0, hAB = 0, hBB = 0;
    double hrA = 0, hrB = 0, haA = 0, haB = 0;

    for (size_t i = begin; i < end; i++) {
        const double *t = table + (size_t)group[i] * TAB_WIDTH;
        double w = ws ? ws[i] : 1.0;
        double x = xs[i], rx = r + x;
        double aT = alpha + Ts[i];
        double LT = log(aT);
        double value = t[TAB_CONST] + r * log_alpha - rx * LT;
        if (t[TAB_SECOND] == 0.0) {
            /* BG with x = 0: ln L = r ln(α/(α+T)). */
            ll += w * value;
            if (order >= 1) {
                double inv_aT = 1.0 / aT;
                gr += w * (log_alpha - LT);
                ga_ += w * (r * inv_alpha - r * inv_aT);
                if (order >= 2) {
                    hra += w * (inv_alpha - inv_aT);
                    haa_ += w * (-r * inv_alpha * inv_alpha + r * inv_aT * inv_aT);
                }
            }
            continue;
        }
        double atx = alpha + txs[i];
        /* ln((α+T)/(α+t_x)) as a difference of logarithms: its absolute
         * error (what z needs) is ~1e-16·ln(α+T), and log is cheaper than log1p. */
        double D = LT - log(atx);
        double z = t[TAB_LZ] + rx * D;
        double sp, lw;
        softplus(z, &sp, &lw);
        ll += w * (value + sp);
        if (order < 1)
            continue;
        double inv_aT = 1.0 / aT, inv_atx = 1.0 / atx;
        double zr = D, za = rx * (inv_aT - inv_atx), zA = inv_a, zB = -t[TAB_INVD];
        double d_r = t[TAB_GR] + log_alpha - LT + lw * zr;
        double d_a = r * inv_alpha - rx * inv_aT + lw * za;
        double d_A = t[TAB_GA] + lw * zA;
        double d_B = t[TAB_GB] + lw * zB;
        gr += w * d_r;
        ga_ += w * d_a;
        gA += w * d_A;
        gB += w * d_B;
        if (order < 2)
            continue;
        double v = lw * (1.0 - lw); /* w(1−w) */
        hrr += w * (t[TAB_HRR] + v * zr * zr);
        hra += w * (inv_alpha - inv_aT + v * zr * za + lw * (inv_aT - inv_atx));
        haa_ += w * (-r * inv_alpha * inv_alpha + rx * inv_aT * inv_aT + v * za * za +
                     lw * rx * (inv_atx * inv_atx - inv_aT * inv_aT));
        hAA += w * (t[TAB_HAA] + v * zA * zA - lw * inv_a * inv_a);
        hAB += w * (t[TAB_HAA] + v * zA * zB);
        hBB += w * (t[TAB_HBB] + v * zB * zB + lw * zB * zB);
        hrA += w * v * zr * zA;
        hrB += w * v * zr * zB;
        haA += w * v * za * zA;
        haB += w * v * za * zB;
    }
    acc[0] += ll;
    if (order < 1)
        return;
    acc[1 + PR] += gr;
    acc[1 + PALPHA] += ga_;
    acc[1 + PA] += gA;
    acc[1 + PB] += gB;
    if (order < 2)
        return;
    double *h = acc + 5;
    h[PR * 4 + PR] += hrr;
    h[PR * 4 + PALPHA] += hra;
    h[PALPHA * 4 + PR] += hra;
    h[PALPHA * 4 + PALPHA] += haa_;
    h[PA * 4 + PA] += hAA;
    h[PA * 4 + PB] += hAB;
    h[PB * 4 + PA] += hAB;
    h[PB * 4 + PB] += hBB;
    h[PR * 4 + PA] += hrA;
    h[PA * 4 + PR] += hrA;
    h[PR * 4 + PB] += hrB;
    h[PB * 4 + PR] += hrB;
    h[PALPHA * 4 + PA] += haA;
    h[PA * 4 + PALPHA] += haA;
    h[PALPHA * 4 + PB] += haB;
    h[PB * 4 + PALPHA] += haB;
}

/* ------------------------------------------------------------------ predictions */

/* Per-call caches for the customers of one block, who share few distinct x:
 * ln(a/(B−1)) for P(alive), and for Q's series, with W = (1−Z)^A,
 *   Q = W·Σ_n d_n Z^n,  d_n = f_n S_n,  f_n = (A)_n/n!,  S_n = Σ_{k<n} c_k,
 *   c_k = E(1−p)^k = (B)_k/(a+B)_k,
 * tables of x only. Each customer is then a polynomial in Z, evaluated 8
 * terms at a time by Estrin's scheme (independent multiply-adds), with the
 * series' tail bound looked at after each block. */
enum { CACHE_X = 64 };

typedef struct x_tables {
    size_t length, capacity;
    double *S, *c, *f, *d;      /* indices 0..length */
} x_tables;

typedef struct bg_cache {
    double log_odds[CACHE_X];   /* ln a − ln(B − 1); NAN until computed */
    x_tables q[CACHE_X];
} bg_cache;

static void cache_init(bg_cache *cache)
{
    for (int i = 0; i < CACHE_X; i++) {
        cache->log_odds[i] = NAN;
        cache->q[i].length = cache->q[i].capacity = 0;
        cache->q[i].S = NULL;
    }
}

static void cache_free(bg_cache *cache)
{
    for (int i = 0; i < CACHE_X; i++)
        cxm__free(cache->q[i].S);
}

/* Extend the tables of one x (A = r+x, Bp = b+x+s) to `length` terms;
 * 0 when memory is short (CXM_ENOMEM's message is set). */
static int tables_extend(x_tables *t, double A, double Bp, double a, size_t length)
{
    if (length <= t->length && t->S != NULL)
        return 1;
    if (length + 1 > t->capacity) {
        size_t capacity = t->capacity ? t->capacity : 64;
        while (capacity < length + 1)
            capacity *= 2;
        double *block = cxm__malloc(4 * capacity * sizeof *block);
        if (block == NULL)
            return 0;
        if (t->S != NULL) {
            for (int k = 0; k < 4; k++)
                memcpy(block + k * capacity, t->S + k * t->capacity,
                       (t->length + 1) * sizeof *block);
            cxm__free(t->S);
        } else {
            block[0] = 0.0;            /* S_0 */
            block[capacity] = 1.0;     /* c_0 */
            block[2 * capacity] = 1.0; /* f_0 */
            block[3 * capacity] = 0.0; /* d_0 */
            t->length = 0;
        }
        t->S = block;
        t->c = block + capacity;
        t->f = block + 2 * capacity;
        t->d = block + 3 * capacity;
        t->capacity = capacity;
    }
    for (size_t k = t->length; k < length; k++) {
        double kk = (double)k;
        t->S[k + 1] = t->S[k] + t->c[k];
        t->c[k + 1] = t->c[k] * (Bp + kk) / (a + Bp + kk);
        t->f[k + 1] = t->f[k] * (A + kk) / (kk + 1.0);
        t->d[k + 1] = t->f[k + 1] * t->S[k + 1];
    }
    t->length = length;
    return 1;
}

/* Q(A, Bp, a; u) from the tables of x when the series starts at 0 and is
 * short; −1 when it does not apply, −2 when memory is short. The same sum
 * and tail bound as cxm__bg_q_series. */
static double q_cached(x_tables *t, double A, double Bp, double a, double u, double W)
{
    if (!(u > 0.0))
        return 0.0;
    /* f_n = (A)_n/n! ~ n^(A−1)/Γ(A) stays below 1e230 for A <= 64, n <= 4000. */
    if (!(A <= 64.0))
        return -1.0;
    double mean = A * u, var = A * u * (1.0 + u);
    if (mean * mean > 144.0 * var) /* the series would start above 0 */
        return -1.0;
    /* As cxm__bg_q_series's estimate, with 40(1+u) >= 40/ln(1 + 1/u). */
    double estimate = mean + 12.0 * sqrt(var) + 40.0 * (1.0 + u) + 20.0;
    if (!(estimate <= Q_SERIES_LIMIT))
        return -1.0;
    if (!(W > 0.0)) /* W = (1 − Z)^A = P(N = 0), from the caller */
        return -1.0;
    size_t want = ((size_t)estimate / 8 + 2) * 8;
    if (!tables_extend(t, A, Bp, a, want))
        return -2.0;
    double Z = u / (1.0 + u), Z2 = Z * Z, Z4 = Z2 * Z2, Z7 = Z4 * Z2 * Z, Z8 = Z4 * Z4;
    double mode = A > 1.0 ? floor((A - 1.0) * u) : 0.0;
    const double *d = t->d;
    double sum = 0.0, power = 1.0; /* Z^n at the block's first term */
    for (size_t n = 0; n + 8 <= t->length; n += 8, power *= Z8) {
        double p01 = d[n] + d[n + 1] * Z, p23 = d[n + 2] + d[n + 3] * Z;
        double p45 = d[n + 4] + d[n + 5] * Z, p67 = d[n + 6] + d[n + 7] * Z;
        double block = (p01 + p23 * Z2) + (p45 + p67 * Z2) * Z4;
        sum += power * block;
        size_t last = n + 7;
        if ((double)last > mode && sum > 0.0) {
            double rho = A >= 1.0 ? t->f[last + 1] / t->f[last] * Z : Z;
            if (rho < 1.0) {
                double inv = 1.0 / (1.0 - rho);
                double term = t->f[last] * power * Z7; /* P(N = last)/W */
                double rest = term * rho * inv * (t->S[last] + t->c[last] * inv);
                if (rest <= 1e-17 * sum)
                    return W * sum;
            }
        }
    }
    return -1.0;
}

static double cached_log_odds(bg_cache *cache, const double *params, double shift, double x)
{
    if (x < CACHE_X) {
        double *slot = &cache->log_odds[(int)x];
        if (isnan(*slot))
            *slot = log(params[PA]) - log(params[PB] + x + shift - 1.0);
        return *slot;
    }
    return log(params[PA]) - log(params[PB] + x + shift - 1.0);
}

/* P(alive) with the per-x part cached; see dead_log_odds. */
static double p_alive_cached(bg_cache *cache, const double *params, double shift, double x,
                             double t_x, double T)
{
    if (shift == 0.0 && x == 0.0)
        return 1.0;
    double alpha = params[PALPHA];
    /* ln((α+T)/(α+t_x)): one log of the ratio (relative error 1e-16, so
     * absolute in the log) instead of two. */
    double z = cached_log_odds(cache, params, shift, x) +
               (params[PR] + x) * log((alpha + T) / (alpha + t_x));
    return z > 0 ? exp(-z) / (1.0 + exp(-z)) : 1.0 / (1.0 + exp(z));
}

/* ln of the odds that a customer with this history is dead: the second
 * likelihood term over the first; P(alive) = 1/(1 + e^z). */
static double dead_log_odds(const double *params, double shift, double x, double t_x, double T,
                            int *has_second)
{
    double r = params[PR], alpha = params[PALPHA], a = params[PA], b = params[PB];
    *has_second = shift > 0.0 || x > 0.0;
    if (!*has_second)
        return -INFINITY;
    return log(a) - log(b + x + shift - 1.0) + (r + x) * log1p((T - t_x) / (alpha + t_x));
}

static double p_alive_one(const double *params, double shift, double x, double t_x, double T)
{
    int second;
    double z = dead_log_odds(params, shift, x, t_x, T, &second);
    if (!second)
        return 1.0;
    return z > 0 ? exp(-z) / (1.0 + exp(-z)) : 1.0 / (1.0 + exp(z));
}

static int p_alive_shift(const double *params, double shift, double *dst, size_t n,
                         const double *x, const double *t_x, const double *T)
{
    bg_cache cache;
    cache_init(&cache);
    for (size_t i = 0; i < n; i++)
        dst[i] = p_alive_cached(&cache, params, shift, x[i], t_x[i], T[i]);
    return CXM_OK;
}

static int p_alive_bg(const double *params, double *dst, size_t n, const double *x,
                      const double *t_x, const double *T)
{
    return p_alive_shift(params, 0.0, dst, n, x, t_x, T);
}

static int p_alive_mbg(const double *params, double *dst, size_t n, const double *x,
                       const double *t_x, const double *T)
{
    return p_alive_shift(params, 1.0, dst, n, x, t_x, T);
}

double cxm__bg_expected_purchases(const double *params, double shift, double t)
{
    double r = params[PR], alpha = params[PALPHA], a = params[PA], b = params[PB];
    if (shift > 0.0)
        return b / (a + b) * cxm__bg_q_ratio(r, b + 1.0, a, t, alpha);
    return cxm__bg_q_ratio(r, b, a, t, alpha);
}

static int expected_bg(const double *params, double *dst, size_t n, const double *t)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = cxm__bg_expected_purchases(params, 0.0, t[i]);
    return CXM_OK;
}

static int expected_mbg(const double *params, double *dst, size_t n, const double *t)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = cxm__bg_expected_purchases(params, 1.0, t[i]);
    return CXM_OK;
}

double cxm__bg_conditional(const double *params, double shift, double t, double x, double t_x,
                           double T)
{
    double r = params[PR], alpha = params[PALPHA], a = params[PA], b = params[PB];
    if (!(t > 0.0))
        return 0.0;
    double alive = p_alive_one(params, shift, x, t_x, T);
    if (alive == 0.0)
        return 0.0;
    return alive * cxm__bg_q_ratio(r + x, b + x + shift, a, t, alpha + T);
}

static int conditional_shift(const double *params, double shift, double *dst, size_t n,
                             const double *t, const double *x, const double *t_x,
                             const double *T)
{
    double r = params[PR], alpha = params[PALPHA], a = params[PA], b = params[PB];
    bg_cache cache;
    cache_init(&cache);
    for (size_t i = 0; i < n; i++) {
        double xi = x[i];
        if (!(t[i] > 0.0)) {
            dst[i] = 0.0;
            continue;
        }
        /* P(alive) = 1/(1 + e^z) and W = ((α+T)/(α+T+t))^A, each from one
         * log of a ratio. */
        double A = r + xi, Bp = b + xi + shift, aT = alpha + T[i];
        double alive = 1.0;
        if (shift > 0.0 || xi > 0.0) {
            double z = cached_log_odds(&cache, params, shift, xi) + A * log(aT / (alpha + t_x[i]));
            alive = 1.0 / (1.0 + exp(z));
        }
        if (alive == 0.0) {
            dst[i] = 0.0;
            continue;
        }
        double u = t[i] / aT;
        double q = -1.0;
        if (xi < CACHE_X)
            q = q_cached(&cache.q[(int)xi], A, Bp, a, u, exp(-A * log((aT + t[i]) / aT)));
        if (q == -2.0) {
            cache_free(&cache);
            return CXM_ENOMEM;
        }
        if (q < 0.0)
            q = cxm__bg_q_ratio(A, Bp, a, t[i], aT);
        dst[i] = alive * q;
    }
    cache_free(&cache);
    return CXM_OK;
}

static int conditional_bg(const double *params, double *dst, size_t n, const double *t,
                          const double *x, const double *t_x, const double *T)
{
    return conditional_shift(params, 0.0, dst, n, t, x, t_x, T);
}

static int conditional_mbg(const double *params, double *dst, size_t n, const double *t,
                           const double *x, const double *t_x, const double *T)
{
    return conditional_shift(params, 1.0, dst, n, t, x, t_x, T);
}

/* P(X(t) = k): alive after k purchases with N(t) = k, or dead at the k-th
 * purchase with N(t) >= k (equation 8 of FHL 2005; MBG shifts b by one). */
static double purchase_probability_one(const double *params, double shift, double k, double t)
{
    double r = params[PR], alpha = params[PALPHA], a = params[PA], b = params[PB];
    if (!(t > 0.0))
        return k == 0.0 ? 1.0 : 0.0;
    /* ln(α/(α+t)) and ln(t/(α+t)) from the smaller ratio, also when t/α overflows. */
    double ratio = t / alpha;
    double lq0 = isfinite(ratio) ? -log1p(ratio) : -(log(t) - log(alpha));
    double lq = -log1p(alpha / t);
    double lb_ab = cxm__lbeta(a, b);
    /* ln C(k+r−1, k) = −ln B(r, k) − ln k: no difference of two huge ln Γ. */
    double log_nbd = (k > 0 ? -cxm__lbeta(r, k) - log(k) + k * lq : 0.0) + r * lq0;
    double first = exp(cxm__lbeta(a, b + k + shift) - lb_ab + log_nbd);
    double second = 0.0;
    if (k > 0.0 || shift > 0.0) {
        /* P(N >= k) with 1 − t/(α+t) passed exactly */
        double tail = k > 0.0 ? cxm__beta_inc2(k, r, t / (alpha + t), alpha / (alpha + t)) : 1.0;
        second = exp(cxm__lbeta(a + 1.0, b + k + shift - 1.0) - lb_ab) * tail;
    }
    double p = first + second;
    return p > 1.0 ? 1.0 : p;
}

static int probability_bg(const double *params, double *dst, size_t n, const double *count,
                          const double *t)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = purchase_probability_one(params, 0.0, count[i], t[i]);
    return CXM_OK;
}

static int probability_mbg(const double *params, double *dst, size_t n, const double *count,
                           const double *t)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = purchase_probability_one(params, 1.0, count[i], t[i]);
    return CXM_OK;
}

/* Given alive at T, λ ~ Gamma(r+x, α+T) and p ~ Beta(a, b+x+shift), and
 * the customer, who did not just buy, drops out only after future
 * purchases: a new BG/NBD customer (shift 0) with those parameters. */
static int conditional_probability_shift(const double *params, double shift, double *dst,
                                         size_t n, const double *count, const double *t,
                                         const double *x, const double *t_x, const double *T)
{
    for (size_t i = 0; i < n; i++) {
        double pa = p_alive_one(params, shift, x[i], t_x[i], T[i]);
        double post[4];
        post[PR] = params[PR] + x[i];
        post[PALPHA] = params[PALPHA] + T[i];
        post[PA] = params[PA];
        post[PB] = params[PB] + x[i] + shift;
        double p = purchase_probability_one(post, 0.0, count[i], t[i]);
        dst[i] = count[i] == 0.0 ? 1.0 - pa * (1.0 - p) : pa * p;
    }
    return CXM_OK;
}

static int conditional_probability_bg(const double *params, double *dst, size_t n,
                                      const double *count, const double *t, const double *x,
                                      const double *t_x, const double *T)
{
    return conditional_probability_shift(params, 0.0, dst, n, count, t, x, t_x, T);
}

static int conditional_probability_mbg(const double *params, double *dst, size_t n,
                                       const double *count, const double *t, const double *x,
                                       const double *t_x, const double *T)
{
    return conditional_probability_shift(params, 1.0, dst, n, count, t, x, t_x, T);
}

/* DERT: alive, a customer buys until death; the k-th future purchase
 * happens if the first k−1 did not kill (1−p)^(k−1), at a time whose
 * discount factor has mean (λ/(λ+δ))^k: Σ_k = λ/(pλ + δ). Averaged over the
 * posterior (λ ~ Gamma(r+x, α+T), p ~ Beta(a, B)) with κ = δ(α+T). */
static int dert_shift(const double *params, double shift, double *dst, size_t n, double rate,
                      const double *x, const double *t_x, const double *T)
{
    double r = params[PR], alpha = params[PALPHA], a = params[PA], b = params[PB];
    for (size_t i = 0; i < n; i++) {
        double alive = p_alive_one(params, shift, x[i], t_x[i], T[i]);
        double A = r + x[i], aT = alpha + T[i], kappa = rate * aT;
        if (alive == 0.0)
            dst[i] = 0.0;
        else if (kappa > 1e300) /* E[G/(pG + κ)] = A/κ·(1 − O((A+1)/κ)) */
            dst[i] = alive * (A / rate / aT);
        else
            dst[i] = alive * cxm__bg_dert_alive(A, b + x[i] + shift, a, kappa);
    }
    return CXM_OK;
}

static int dert_bg(const double *params, double *dst, size_t n, double rate, const double *x,
                   const double *t_x, const double *T)
{
    return dert_shift(params, 0.0, dst, n, rate, x, t_x, T);
}

static int dert_mbg(const double *params, double *dst, size_t n, double rate, const double *x,
                    const double *t_x, const double *T)
{
    return dert_shift(params, 1.0, dst, n, rate, x, t_x, T);
}

/* ------------------------------------------------------------------ simulation */

/* x = min(N, J): N ~ Poisson(λT) purchases would happen, the J-th kills
 * (J = 1 + geometric failures; MBG may die at 0). Given x and that the x-th
 * purchase is at t_x, earlier purchases are uniform on (0, t_x). */
static int simulate_shift(const double *params, double shift, cxm_rng *rng, double T, double *x,
                          double *t_x, double *times, size_t capacity, double *latent)
{
    double lambda = cxm__rng_gamma(rng, params[PR], params[PALPHA]);
    double p = cxm__rng_beta(rng, params[PA], params[PB]);
    int dead_at_zero = shift > 0.0 ? cxm__rng_bernoulli(rng, p) : 0;
    if (lambda * T > CXM__SIM_MAX_MEAN)
        return cxm__fail(CXM_ERANGE,
                         "%g expected purchases in T = %g are beyond 2^52, the most a simulated "
                         "count holds",
                         lambda * T, T);
    double N = (double)cxm__rng_poisson(rng, lambda * T);
    double J = p > 0.0 ? 1.0 + (double)cxm__rng_geometric(rng, p) : INFINITY;
    double count, last;
    if (dead_at_zero || N == 0.0) {
        count = 0.0;
        last = 0.0;
    } else if (N < J) {
        count = N; /* alive at T: the last of N uniform purchase times */
        last = T * exp(log(cxm__rng_uniform(rng)) / N);
    } else {
        count = J; /* dead at the J-th purchase: the J-th of N uniform times */
        last = T * cxm__rng_beta(rng, J, N - J + 1.0);
    }
    *x = count;
    *t_x = last;
    if (latent) { /* alive at T: no dropout at 0 and fewer purchases than the fatal J-th */
        latent[0] = lambda;
        latent[1] = p;
        latent[2] = !dead_at_zero && N < J ? 1.0 : 0.0;
    }
    if (times == NULL || count == 0.0)
        return CXM_OK;
    if (count > (double)capacity)
        return cxm__fail(CXM_ERANGE, "%.0f purchase times do not fit in the %zu places left",
                         count, capacity);
    size_t k = (size_t)count;
    /* Sorted uniforms on (0, last) from exponential spacings. */
    double total = 0.0;
    for (size_t j = 0; j < k; j++) {
        total += cxm__rng_exponential(rng, 1.0);
        times[j] = total;
    }
    total += cxm__rng_exponential(rng, 1.0);
    for (size_t j = 0; j + 1 < k; j++)
        times[j] = last * times[j] / total;
    times[k - 1] = last;
    return CXM_OK;
}

static int simulate_bg(const double *params, cxm_rng *rng, double T, double *x, double *t_x,
                       double *times, size_t capacity, double *latent)
{
    return simulate_shift(params, 0.0, rng, T, x, t_x, times, capacity, latent);
}

static int simulate_mbg(const double *params, cxm_rng *rng, double T, double *x, double *t_x,
                        double *times, size_t capacity, double *latent)
{
    return simulate_shift(params, 1.0, rng, T, x, t_x, times, capacity, latent);
}

/* ------------------------------------------------------------------ the kinds */

static const char *const bgnbd_aliases[] = { "bg/nbd", NULL };

const cxm__kind cxm__kind_bgnbd = {
    .kind = CXM_MODEL_BGNBD,
    .name = "bgnbd",
    .aliases = bgnbd_aliases,
    .title = "BG/NBD",
    .nparams = 4,
    .param_names = param_names,
    .scales = scales,
    .ncolumns = 3,
    .column_names = column_names,
    .group_column = 0,
    .table_width = TAB_WIDTH,
    .has_hessian = 1,
    .check_row = check_row,
    .default_start = default_start,
    .fill_table = fill_table_bg,
    .loglik = loglik,
    .p_alive = p_alive_bg,
    .expected_purchases = expected_bg,
    .conditional_purchases = conditional_bg,
    .purchase_probability = probability_bg,
    .conditional_probability = conditional_probability_bg,
    .dert = dert_bg,
    .simulate = simulate_bg,
    /* α_i = α·exp(−γ_p'z); a_i = a·exp(γ_d'z), b_i = b·exp(γ_d'z) (CLVTools). */
    .purchase_targets = { { 1, -1 } },
    .dropout_targets = { { 2, 1 }, { 3, 1 } },
};

static const char *const mbgnbd_aliases[] = { "mbg/nbd", NULL };

const cxm__kind cxm__kind_mbgnbd = {
    .kind = CXM_MODEL_MBGNBD,
    .name = "mbgnbd",
    .aliases = mbgnbd_aliases,
    .title = "MBG/NBD",
    .nparams = 4,
    .param_names = param_names,
    .scales = scales,
    .ncolumns = 3,
    .column_names = column_names,
    .group_column = 0,
    .table_width = TAB_WIDTH,
    .has_hessian = 1,
    .check_row = check_row,
    .default_start = default_start,
    .fill_table = fill_table_mbg,
    .loglik = loglik,
    .p_alive = p_alive_mbg,
    .expected_purchases = expected_mbg,
    .conditional_purchases = conditional_mbg,
    .purchase_probability = probability_mbg,
    .conditional_probability = conditional_probability_mbg,
    .dert = dert_mbg,
    .simulate = simulate_mbg,
    /* As BG/NBD's. */
    .purchase_targets = { { 1, -1 } },
    .dropout_targets = { { 2, 1 }, { 3, 1 } },
};
