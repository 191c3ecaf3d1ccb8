/* Pareto/NBD (Schmittlein, Morrison & Colombo 1987; Fader & Hardie 2005,
 * "A note on deriving the Pareto/NBD model and related expressions").
 * While alive a customer buys at rate λ ~ Gamma(r, α); the lifetime is
 * exponential with rate μ ~ Gamma(s, β).
 *
 * The likelihood is usually written
 *   L = Γ(r+x)α^r β^s/Γ(r) · [(α+T)^−(r+x) (β+T)^−s + s·(G(t_x) − G(T))],
 *   G(t) = ∫_t^∞ (α+τ)^−(r+x) (β+τ)^−(s+1) dτ,
 * and the difference G(t_x) − G(T) (the paper's A0, a difference of two
 * 2F1 terms) cancels catastrophically for heavy buyers (x = 221, t_x = 103.4,
 * T = 103.6 makes CLVTools return NaN). Integrating the first term by parts,
 *   (α+T)^−m (β+T)^−s = m·K(T) + s·G(T),  K(T) = ∫_T^∞ (α+τ)^−(m+1) (β+τ)^−s dτ,
 * with m = r+x, turns the likelihood into a sum of two positive terms:
 *   L = Γ(r+x)α^r β^s/Γ(r) · [m·K(T) + s·G(t_x)],
 *   P(alive) = (α+T)^−m (β+T)^−s / (m·K(T) + s·G(t_x)).
 * No subtraction is left anywhere.
 *
 * Both K and G are J(p, q; t) = ∫_t^∞ (α+τ)^−p (β+τ)^−q dτ. With the larger
 * of α, β first (A = max+t, B = min+t, P and Q its exponent and the other):
 *   J = A^−P B^(1−Q) S,  S = Σ_n y^n (P)_n/(P+Q−1)_(n+1),  y = |α−β|/A,
 * a series of positive terms (S = 2F1(1, P; P+Q; y)/(P+Q−1)) whose
 * derivatives in P, Q and y are summed alongside, so the gradient and the
 * Hessian in (r, α, s, β) are analytic. When y is close to 1 (very unequal
 * α and β with small t) the series is slow: S is then an integral of a
 * positive, log-concave integrand whose log-derivatives are its moments,
 * found by quadrature with a bounded number of nodes (s_near_one). */
#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "clv/model_internal.h"
#include "clv/pareto_internal.h"
#include "core/hash.h"
#include "core/internal.h"
#include "numeric/expint.h"
#include "numeric/quadrature.h"
#include "numeric/special.h"

enum { PR, PALPHA, PS, PBETA }; /* parameter order: r, alpha, s, beta */

static const char *const param_names[] = { "r", "alpha", "s", "beta" };
static const cxm__scale scales[] = { CXM__SCALE_LOG, CXM__SCALE_LOG, CXM__SCALE_LOG,
                                     CXM__SCALE_LOG };
static const char *const column_names[] = { "x", "t_x", "T" };

/* Above this y the series would need more than ~800 terms. */
#define Y_SERIES_MAX 0.95

/* ------------------------------------------------------------------ S(P, Q, y) */

/* ln S and its derivatives in v = (P, Q, y): g[3], h[3×3]. */
typedef struct sval {
    double l;
    double g[3];
    double h[9];
} sval;

/* Returns 0, or −1 when max_terms did not suffice. */
static int s_series(double P, double Q, double y, int order, long max_terms, sval *out)
{
    double k = P + Q - 1.0;
    /* t_n = y^n (P)_n/(k)_(n+1); r_n = t_n/y (n >= 1); u_n = t_n/y² (n >= 2). */
    double t = 1.0 / k, r = 0.0, u = 0.0;
    double h1 = 0.0, h2 = 1.0 / k, g1 = 0.0, g2 = 1.0 / (k * k);
    double S = 0, SP = 0, SQ = 0, Sy = 0, SPP = 0, SPQ = 0, SQQ = 0, SPy = 0, SQy = 0, Syy = 0;
    long n;
    if (order < 1) {
        /* The value alone: one division per term; the ratio y(P+n)/(k+n+1)
         * rises towards y, so the tail after t is below t·ρ/(1−ρ) with ρ = y. */
        for (n = 0; n < max_terms; n++) {
            S += t;
            t *= y * (P + n) / (k + n + 1.0);
            if (t <= 1e-17 * S * (1.0 - y) || t == 0.0)
                break;
        }
        if (n >= max_terms)
            return -1;
        out->l = log(S);
        return 0;
    }
    for (n = 0; n < max_terms; n++) {
        double dn = n;
        double dp = h1 - h2, dq = -h2;
        S += t;
        if (order >= 1) {
            SP += t * dp;
            SQ += t * dq;
            if (n >= 1)
                Sy += dn * r;
            if (order >= 2) {
                SPP += t * (dp * dp - g1 + g2);
                SPQ += t * (dp * dq + g2);
                SQQ += t * (dq * dq + g2);
                if (n >= 1) {
                    SPy += dn * r * dp;
                    SQy += dn * r * dq;
                }
                if (n >= 2)
                    Syy += dn * (dn - 1.0) * u;
            }
        }
        /* next term */
        double f = (P + dn) / (k + dn + 1.0);
        if (n >= 1)
            u = n == 1 ? f * (P / (k * (k + 1.0))) / 1.0 : u * y * f;
        /* u_2 = (P)_2/(k)_3 = [P/(k(k+1))]·(P+1)/(k+2) = r_1·f at n = 1 */
        r = n == 0 ? P / (k * (k + 1.0)) : r * y * f;
        double t_next = t * y * f;
        double inv_p = 1.0 / (P + dn), inv_k = 1.0 / (k + dn + 1.0);
        h1 += inv_p;
        g1 += inv_p * inv_p;
        h2 += inv_k;
        g2 += inv_k * inv_k;
        t = t_next;
        /* The ratio y(P+n)/(k+n+1) < y: the tail is below t·(n+2)²/(1−y). */
        /* The tail of Σ n^j t_n (j <= 2, the y-derivatives) after n is below
         * t·(n + 1/(1−y))²/(1−y); the P, Q factors grow like ln n. */
        double lead = dn + 2.0 + 1.0 / (1.0 - y);
        if (n >= 2 && (t == 0.0 || t * lead * lead * (1.0 + h2 * h2 + h1 * h1) <=
                                        1e-17 * S * (1.0 - y)))
            break;
    }
    if (n >= max_terms)
        return -1;
    out->l = log(S);
    if (order < 1)
        return 0;
    double lP = SP / S, lQ = SQ / S, ly = Sy / S;
    out->g[0] = lP;
    out->g[1] = lQ;
    out->g[2] = ly;
    if (order < 2)
        return 0;
    out->h[0] = SPP / S - lP * lP;
    out->h[1] = out->h[3] = SPQ / S - lP * lQ;
    out->h[2] = out->h[6] = SPy / S - lP * ly;
    out->h[4] = SQQ / S - lQ * lQ;
    out->h[5] = out->h[7] = SQy / S - lQ * ly;
    out->h[8] = Syy / S - ly * ly;
    return 0;
}

/* The fast path: S and its P, Q derivatives are power series in y whose
 * coefficients depend only on (P, Q), i.e. on x and the parameters. They are
 * built once per distinct x and evaluation (fill_table) and summed by Horner's
 * rule, derivatives in y included, for every row with y <= Y_HORNER_MAX. */
enum { NMAX = 32, NCOEF = NMAX + 1, COEF_SETS = 6, COEF_WIDTH = COEF_SETS * NCOEF };
enum { CS, CP, CQ, CPP, CPQ, CQQ };
#define Y_HORNER_MAX 0.27 /* y^32 < 1e-18 */

static void build_coefs(double P, double Q, double *c)
{
    double k = P + Q - 1.0;
    double t = 1.0 / k, h1 = 0.0, h2 = 1.0 / k, g1 = 0.0, g2 = 1.0 / (k * k);
    for (int n = 0; n < NCOEF; n++) {
        double dp = h1 - h2, dq = -h2;
        c[CS * NCOEF + n] = t;
        c[CP * NCOEF + n] = t * dp;
        c[CQ * NCOEF + n] = t * dq;
        c[CPP * NCOEF + n] = t * (dp * dp - g1 + g2);
        c[CPQ * NCOEF + n] = t * (dp * dq + g2);
        c[CQQ * NCOEF + n] = t * (dq * dq + g2);
        double inv_p = 1.0 / (P + n), inv_k = 1.0 / (k + n + 1.0);
        t *= (P + n) * inv_k;
        h1 += inv_p;
        g1 += inv_p * inv_p;
        h2 += inv_k;
        g2 += inv_k * inv_k;
    }
}

static void s_horner(const double *c, double y, int order, sval *out)
{
    /* Terms needed: y^N below 1e-18 (at least 2, for the y-derivatives). */
    int N = y < 1e-4 ? 5 : y < 1e-3 ? 7 : y < 0.01 ? 10 : y < 0.03 ? 13 : y < 0.1 ? 19
          : y < 0.2 ? 27 : NMAX;
    const double *a = c + CS * NCOEF;
    double v = a[N], d1 = 0.0, d2 = 0.0;
    if (order < 1) {
        for (int n = N - 1; n >= 0; n--)
            v = v * y + a[n];
        out->l = log(v);
        return;
    }
    const double *ap = c + CP * NCOEF, *aq = c + CQ * NCOEF;
    double vp = ap[N], vq = aq[N], dp1 = 0.0, dq1 = 0.0;
    for (int n = N - 1; n >= 0; n--) {
        d2 = d2 * y + d1;
        d1 = d1 * y + v;
        v = v * y + a[n];
        dp1 = dp1 * y + vp;
        vp = vp * y + ap[n];
        dq1 = dq1 * y + vq;
        vq = vq * y + aq[n];
    }
    d2 *= 2.0;
    out->l = log(v);
    double lP = vp / v, lQ = vq / v, ly = d1 / v;
    out->g[0] = lP;
    out->g[1] = lQ;
    out->g[2] = ly;
    if (order < 2)
        return;
    const double *app = c + CPP * NCOEF, *apq = c + CPQ * NCOEF, *aqq = c + CQQ * NCOEF;
    double vpp = app[N], vpq = apq[N], vqq = aqq[N];
    for (int n = N - 1; n >= 0; n--) {
        vpp = vpp * y + app[n];
        vpq = vpq * y + apq[n];
        vqq = vqq * y + aqq[n];
    }
    out->h[0] = vpp / v - lP * lP;
    out->h[1] = out->h[3] = vpq / v - lP * lQ;
    out->h[2] = out->h[6] = dp1 / v - lP * ly;
    out->h[4] = vqq / v - lQ * lQ;
    out->h[5] = out->h[7] = dq1 / v - lQ * ly;
    out->h[8] = d2 / v - ly * ly;
}

/* Large P·(1−y): J = ∫_0^∞ (A+u)^−P (B+u)^−Q du with (B+u)^−Q expanded in u/B
 * and integrated term by term, S = Σ_j (−1)^j (Q)_j w^−(j+1) / Π_{i=1..j+1} (P−i),
 * w = 1 − y. The series is asymptotic; its remainder is below the first term
 * left out (the Taylor remainder of (1+v)^−Q alternates), and its terms
 * shrink like ((Q+j)/(P·w))^j: with P·w >= 40(1+Q) a dozen terms give 1e-17. */
static int s_asymptotic(double P, double Q, double w, int order, sval *out)
{
    double S = 0, SP = 0, SQ = 0, Sw = 0, SPP = 0, SQQ = 0, Sww = 0, SPQ = 0, SPw = 0, SQw = 0;
    double t = 1.0 / (w * (P - 1.0)); /* j = 0 */
    double hq = 0.0, gq = 0.0, hp = 1.0 / (P - 1.0), gp = hp * hp;
    for (int j = 0; j < 200; j++) {
        double dj = j;
        /* ln|T_j| derivatives: Q: hq, P: −hp, w: −(j+1)/w */
        double dq = hq, dp = -hp, dw = -(dj + 1.0) / w;
        S += t;
        if (order >= 1) {
            SP += t * dp;
            SQ += t * dq;
            Sw += t * dw;
            if (order >= 2) {
                SPP += t * (dp * dp + gp);
                SQQ += t * (dq * dq - gq);
                Sww += t * (dw * dw + (dj + 1.0) / (w * w));
                SPQ += t * dp * dq;
                SPw += t * dp * dw;
                SQw += t * dq * dw;
            }
        }
        double next = -t * (Q + dj) / (w * (P - dj - 2.0));
        if (!(P - dj - 2.0 > 0.0) || fabs(next) > fabs(t))
            return CXM_EDOMAIN; /* the caller checked P·w: not expected */
        hq += 1.0 / (Q + dj);
        gq += 1.0 / ((Q + dj) * (Q + dj));
        hp += 1.0 / (P - dj - 2.0);
        gp += 1.0 / ((P - dj - 2.0) * (P - dj - 2.0));
        t = next;
        /* relative to each sum: the derivative factors grow like j (w: (j+1)/w
         * against the sum's 1/w) and ln j (P, Q) */
        if (fabs(t) * (dj + 2.0) * (dj + 2.0) <= 1e-17 * fabs(S))
            break;
    }
    if (!(S > 0.0))
        return CXM_EDOMAIN;
    out->l = log(S);
    if (order < 1)
        return CXM_OK;
    /* y = 1 − w: ∂y = −∂w, ∂yy = ∂ww */
    double lP = SP / S, lQ = SQ / S, lw = Sw / S;
    out->g[0] = lP;
    out->g[1] = lQ;
    out->g[2] = -lw;
    if (order < 2)
        return CXM_OK;
    out->h[0] = SPP / S - lP * lP;
    out->h[1] = out->h[3] = SPQ / S - lP * lQ;
    out->h[2] = out->h[6] = -(SPw / S - lP * lw);
    out->h[4] = SQQ / S - lQ * lQ;
    out->h[5] = out->h[7] = -(SQw / S - lQ * lw);
    out->h[8] = Sww / S - lw * lw;
    return CXM_OK;
}

/* ------------------------------------------------------------------ S by quadrature
 *
 * S = ∫_0^∞ (1 + εz)^−P (1 + z)^−Q dz with ε = 1 − y (substitute u = B·z in
 * J), so that with a density ∝ the integrand and L1 = ln(1 + εz),
 * L2 = ln(1 + z), v = z/(1 + εz):
 *   ∂P ln S = −E[L1],  ∂Q ln S = −E[L2],  ∂y ln S = P·E[v],
 * and the Hessian is E[∇² ln f] + Cov[∇ ln f]. The integrand is positive,
 * falls from 1, and z·f is log-concave in ln z: lib/numeric/quadrature.h's
 * half-line rule applies, with a cost of a few dozen nodes when P + Q is
 * large (the regime where the series needs ~40/ε terms). */
typedef struct s_integrand {
    double P, Q, eps, log_eps, k;
} s_integrand;

/* ln(1 + e^a) without overflow or loss of accuracy. */
static double log1p_exp(double a)
{
    return a > 0.0 ? a + log1p(exp(-a)) : log1p(exp(a));
}

static void s_point(void *context, double z, double log_z, cxm__halfline_point *out)
{
    const s_integrand *c = context;
    double l1, l2, share1, share2, v;
    if (z < 1e300) {
        double ez = c->eps * z;
        l1 = log1p(ez);
        l2 = log1p(z);
        share1 = ez / (1.0 + ez);
        share2 = z / (1.0 + z);
        v = z / (1.0 + ez);
    } else { /* far in the tail: only the logarithms are representable */
        l1 = log1p_exp(log_z + c->log_eps);
        l2 = log_z;
        share1 = 1.0;
        share2 = 1.0;
        v = 1.0 / c->eps;
    }
    out->log_f = -c->P * l1 - c->Q * l2;
    out->slope = 1.0 - c->P * share1 - c->Q * share2; /* d ln(z·f)/d ln z */
    out->feature[0] = l1;
    out->feature[1] = l2;
    out->feature[2] = v;
}

/* ln S and its derivatives from the moments of L1, L2 and v. */
static void s_from_moments(double P, const cxm__moments *m, int order, sval *out)
{
    out->l = m->log_integral;
    if (order < 1)
        return;
    const double *mean = m->mean, *cov = m->cov; /* features L1, L2, v */
    out->g[0] = -mean[0];
    out->g[1] = -mean[1];
    out->g[2] = P * mean[2];
    if (order < 2)
        return;
    out->h[0] = cov[0];
    out->h[1] = out->h[3] = cov[1];
    out->h[2] = out->h[6] = mean[2] - P * cov[2];
    out->h[4] = cov[4];
    out->h[5] = out->h[7] = -P * cov[5];
    out->h[8] = P * (cov[8] + mean[2] * mean[2]) + P * P * cov[8];
}

static int s_quadrature(double P, double Q, double yc, int order, unsigned max_nodes, sval *out)
{
    s_integrand c = { P, Q, yc, log(yc), 0.0 };
    cxm__moments m;
    /* f falls like e^−(Pε + Q)z near 0. */
    int status = cxm__halfline_moments(s_point, &c, 1.0 / (P * yc + Q), 3, max_nodes, &m);
    if (status == CXM_OK)
        s_from_moments(P, &m, order, out);
    return status;
}

/* The same integral in u = ln z, for P + Q close to 1: there z·f falls
 * like z^−(P+Q−1), too slowly for the half-line rule, but exactly so
 * (to double precision) once z and εz exceed e^40: the line rule sums that
 * tail in closed form. k = P + Q − 1 is given exactly (r + x + s), as
 * 1 − P − Q would lose the digits of a k of 1e-10. */
static void s_line_point(void *context, double u, cxm__line_point *out)
{
    const s_integrand *c = context;
    double a = u + c->log_eps;
    double l1 = log1p_exp(a), l2 = log1p_exp(u);
    double out1 = 1.0 / (1.0 + exp(a)), out2 = 1.0 / (1.0 + exp(u)); /* 1 − σ */
    out->g = u - c->P * l1 - c->Q * l2;
    out->slope = -c->k + c->P * out1 + c->Q * out2;
    out->feature[0] = l1;
    out->feature[1] = l2;
    out->feature[2] = 1.0 / (exp(-u) + c->eps);
    out->feature_slope[0] = 1.0 - out1;
    out->feature_slope[1] = 1.0 - out2;
    out->feature_slope[2] = out->feature[2] * out1;
}

static int s_line(double P, double Q, double k, double yc, int order, sval *out)
{
    s_integrand c = { P, Q, yc, log(yc), k };
    cxm__moments m;
    /* Linear where the slope's P/(1 + εz) + Q/(1 + z) is below 1e-17·k on
     * the right, and where z·(Pε + Q + 1) < e^−40 on the left. */
    double lk = log(k);
    double u_hi = fmax(fmax(0.0, log(P) - lk - c.log_eps), log(Q) - lk) + 40.0;
    double u_lo = -40.0 - log(P * yc + Q + 1.0);
    int status = cxm__line_moments(s_line_point, &c, u_lo, u_hi, 0.25, 3, 20000u, &m);
    if (status == CXM_OK)
        s_from_moments(P, &m, order, out);
    return status;
}

/* Whether the series reaches 1e-17 within `terms` terms: its terms fall like
 * y^n·((P+Q)/(P+Q+n))^Q, and the y-derivatives weigh them by up to
 * (n + 1/(1−y))². */
static int series_fits(double P, double Q, double y, double terms)
{
    double fall = terms * -log(y) + Q * log1p(terms / (P + Q));
    return fall >= 45.0 + 2.0 * log(terms + 1.0 / (1.0 - y));
}

/* S for y > Y_SERIES_MAX, where the plain series needs ~40/(1−y) terms:
 * an asymptotic series when P(1−y) is large, the plain series when Q is
 * large enough to make it short, the half-line quadrature otherwise
 * (a few dozen nodes). Its right tail falls like z^−k, k = P + Q − 1, and
 * costs ~45/(0.18·k) nodes: below k = 0.25 the line rule, whose closed-form
 * tail makes the cost (ln(1/(1 − y)) + 80)/0.25 nodes whatever k is, takes
 * over. Every branch is bounded; CXM_EDOMAIN when none applies. */
static int s_near_one(double P, double Q, double k, double y, double yc, int order, sval *out)
{
    if (P * yc >= 40.0 * (1.0 + Q) && P > 50.0 && s_asymptotic(P, Q, yc, order, out) == CXM_OK)
        return CXM_OK;
    if (series_fits(P, Q, y, 500.0) && s_series(P, Q, y, order, 1000L, out) == 0)
        return CXM_OK;
    if (k >= 0.25)
        return s_quadrature(P, Q, yc, order, 4000u, out);
    return s_line(P, Q, k, yc, order, out);
}

/* ------------------------------------------------------------------ J(p, q; t) */

/* ln J and its derivatives in w = (p, alpha, q, beta) (the parameter order,
 * with p in r's place and q in s's): g[4], h[16]. */
typedef struct jval {
    double l;
    double g[4];
    double h[16];
} jval;

/* The row cache stores jvals as plain doubles. */
_Static_assert(sizeof(jval) == 21 * sizeof(double), "jval has padding");

enum { JP = 0, JA = 1, JQ = 2, JB = 3 };

/* ln(1 + t/a) for t >= 0, a > 0: log1p where 1 + t/a would round, the
 * cheaper log where it is exact enough (t/a >= 0.5: the result is above
 * 0.4, and the rounding of 1 + t/a costs 2e-16 of it), and logarithms
 * where t/a overflows (t of 1e308 against a of 1e-10). */
static inline double log_one_plus_ratio(double t, double a)
{
    double x = t / a;
    if (x < 0.5)
        return log1p(x);
    if (x < 1e300)
        return log(1.0 + x);
    return log(t) - log(a) + log1p(a / t);
}

/* ln J̃ = ln J + p·ln α + q·ln β and its derivatives. J itself holds
 * (β+t)^−q, and the likelihood multiplies it by β^s: for s and β of 1e8
 * (a fit heading for the boundary where dropout rates are all equal) each
 * is e^(±2e9), and their product lost every digit of the 1e-8 changes that
 * Newton's steps make there. J̃ carries only (1 + t/β)^−q. log_min is
 * ln min(α, β); k = p + q − 1 exactly (r + x + s for K and G). */
static int log_j(double p, double q, double k, double alpha, double beta, double log_min,
                 double t, int order, const double *coef, jval *out)
{
    int alpha_big = alpha >= beta;
    double P = alpha_big ? p : q, Q = alpha_big ? q : p;
    double A0 = alpha_big ? alpha : beta, B0 = alpha_big ? beta : alpha;
    double A = A0 + t, B = B0 + t;
    double y = fabs(alpha - beta) / A, yc = B / A;
    sval s;
    memset(&s, 0, sizeof s);
    int status = CXM_OK;
    if (coef && y <= Y_HORNER_MAX)
        s_horner(coef, y, order, &s);
    else if (y <= Y_SERIES_MAX) /* at most ~45/(1 − y) < 1000 terms */
        status = s_series(P, Q, y, order, 2000L, &s) == 0 ? CXM_OK : CXM_EDOMAIN;
    else
        status = s_near_one(P, Q, k, y, yc, order, &s);
    if (status != CXM_OK)
        return status;
    /* J = A^−P B^(1−Q) S, so J̃ = J·A0^P·B0^Q = (1 + t/A0)^−P (1 + t/B0)^−Q B S. */
    double lA = log_one_plus_ratio(t, A0), lB = log_one_plus_ratio(t, B0); /* ln B = log_min + lB */
    out->l = -P * lA + (1.0 - Q) * lB + log_min + s.l;
    if (order < 1)
        return CXM_OK;
    /* Derivatives in (P, Q, A0, B0): y = 1 − B/A, ∂y/∂A0 = B/A², ∂y/∂B0 = −1/A;
     * ∂/∂A0 of −P·ln(1 + t/A0) is P·t/(A0·A). */
    double yA = B / (A * A), yB = -1.0 / A;
    double dA = t / (A0 * A), dB = t / (B0 * B);
    double g[4], h[16];
    g[0] = -lA + s.g[0];
    g[1] = -lB + s.g[1];
    g[2] = P * dA + s.g[2] * yA;
    g[3] = 1.0 / B + Q * dB + s.g[2] * yB;
    if (order >= 2) {
        double yAA = -2.0 * B / (A * A * A), yAB = 1.0 / (A * A);
        /* order (P, Q, A0, B0); 1/A² − 1/A0² = −t(2·A0 + t)/(A0²·A²) */
        h[0] = s.h[0];
        h[1] = s.h[1];
        h[2] = dA + s.h[2] * yA;
        h[3] = s.h[2] * yB;
        h[5] = s.h[4];
        h[6] = s.h[5] * yA;
        h[7] = dB + s.h[5] * yB;
        h[10] = -P * dA * (2.0 * A0 + t) / (A0 * A) + s.h[8] * yA * yA + s.g[2] * yAA;
        h[11] = s.h[8] * yA * yB + s.g[2] * yAB;
        h[15] = -1.0 / (B * B) - Q * dB * (2.0 * B0 + t) / (B0 * B) + s.h[8] * yB * yB;
        h[4] = h[1];
        h[8] = h[2];
        h[12] = h[3];
        h[9] = h[6];
        h[13] = h[7];
        h[14] = h[11];
    }
    /* Map (P, Q, A, B) to (p, alpha, q, beta). */
    int map[4];
    map[0] = alpha_big ? JP : JQ; /* P */
    map[1] = alpha_big ? JQ : JP; /* Q */
    map[2] = alpha_big ? JA : JB; /* A */
    map[3] = alpha_big ? JB : JA; /* B */
    for (int i = 0; i < 4; i++)
        out->g[map[i]] = g[i];
    if (order >= 2)
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
                out->h[map[i] * 4 + map[j]] = h[i * 4 + j];
    return CXM_OK;
}

/* ------------------------------------------------------------------ likelihood */

static int check_row(const double *values, size_t i)
{
    return cxm__check_purchase_row(values[0], values[1], values[2], i);
}

static int log_u(const double *params, double x, double t_x, double T, const double *tab,
                 int order, jval *out, double *log_first);

/* Starting values: Newton's method from a poor start can step far into the
 * flat (s, beta) directions, where every evaluation is slow (very unequal
 * alpha and beta). The best of a small grid of candidates, judged on up to
 * 512 rows, starts it in the right basin for a few milliseconds. */
static void default_start(const cxm__data *data, double *params)
{
    double sx = 0.0, sT = 0.0;
    for (size_t i = 0; i < data->n; i++) {
        double w = data->weight ? data->weight[i] : 1.0;
        sx += w * data->column[0][i];
        sT += w * data->column[2][i];
    }
    double scale = (sx > 0.0 && sT > 0.0) ? sT / sx : 1.0;
    if (!(scale > 1e-6 && scale < 1e6))
        scale = 1.0;
    params[PR] = 1.0;
    params[PALPHA] = scale;
    params[PS] = 1.0;
    params[PBETA] = scale;
    size_t stride = data->n > 512 ? data->n / 512 : 1;
    double best = -INFINITY;
    static const double rs[] = { 0.5, 1.0 }, as[] = { 0.5, 1.0 }, ss[] = { 0.3, 1.0, 3.0 },
                        bs[] = { 0.3, 1.0, 3.0 };
    for (int ir = 0; ir < 2; ir++)
        for (int ia = 0; ia < 2; ia++)
            for (int is = 0; is < 3; is++)
                for (int ib = 0; ib < 3; ib++) {
                    double p[4] = { rs[ir], as[ia] * scale, ss[is], bs[ib] * as[ia] * scale };
                    double total = 0.0;
                    for (size_t i = 0; i < data->n; i += stride) {
                        double w = data->weight ? data->weight[i] : 1.0, x = data->column[0][i];
                        jval u;
                        if (log_u(p, x, data->column[1][i], data->column[2][i], NULL, 0, &u,
                                  NULL) != CXM_OK) {
                            total = -INFINITY;
                            break;
                        }
                        total += w * (cxm__lgamma(p[PR] + x) - cxm__lgamma(p[PR]) -
                                      x * log(p[PALPHA]) + u.l);
                    }
                    if (total > best) {
                        best = total;
                        memcpy(params, p, sizeof p);
                    }
                }
}

/* Per distinct x: ln Γ(r+x) − ln Γ(r), ψ and ψ' differences, the series
 * coefficients of K and G (in the orientation of this evaluation's α, β);
 * for x = 0 also G(0) = J(r, s+1; 0) with its derivatives (every x = 0 row
 * has t_x = 0). */
enum {
    TAB_LG, TAB_PSI, TAB_TRI, TAB_LOGM, TAB_LOGMIN, TAB_G0_OK, TAB_G0,
    TAB_KCOEF = TAB_G0 + 21,             /* series coefficients of K = J(m+1, s; T) */
    TAB_GCOEF = TAB_KCOEF + COEF_WIDTH,  /* and of G = J(m, s+1; t_x) */
    TAB_WIDTH = TAB_GCOEF + COEF_WIDTH
};

static void fill_table(const double *params, const double *xs, size_t ngroups, double *table)
{
    double r = params[PR];
    double psi = cxm__digamma(r), tri = cxm__trigamma(r);
    double log_min = log(fmin(params[PALPHA], params[PBETA]));
    for (size_t g = 0; g < ngroups; g++) {
        double x = xs[g];
        double *t = table + g * TAB_WIDTH;
        /* ln Γ(r+x) − ln Γ(r) without the cancellation of two values of
         * 4e8 when r heads for infinity */
        t[TAB_LG] = cxm__lgamma_diff(r, x);
        t[TAB_PSI] = x > 0 ? cxm__digamma(r + x) - psi : 0.0;
        t[TAB_TRI] = x > 0 ? cxm__trigamma(r + x) - tri : 0.0;
        double m = r + x, s = params[PS];
        t[TAB_LOGM] = log(m);
        t[TAB_LOGMIN] = log_min;
        int alpha_big = params[PALPHA] >= params[PBETA];
        build_coefs(alpha_big ? m + 1.0 : s, alpha_big ? s : m + 1.0, t + TAB_KCOEF);
        build_coefs(alpha_big ? m : s + 1.0, alpha_big ? s + 1.0 : m, t + TAB_GCOEF);
        t[TAB_G0_OK] = 0.0;
        if (x == 0.0) {
            jval j;
            if (log_j(r, s + 1.0, r + s, params[PALPHA], params[PBETA], t[TAB_LOGMIN], 0.0, 2,
                      t + TAB_GCOEF, &j) ==
                CXM_OK) {
                t[TAB_G0_OK] = 1.0;
                t[TAB_G0] = j.l;
                memcpy(t + TAB_G0 + 1, j.g, 4 * sizeof(double));
                memcpy(t + TAB_G0 + 5, j.h, 16 * sizeof(double));
            }
        }
    }
}

/* ln Ũ = ln(m·K̃(T)/α + s·G̃(t_x)/β) and its derivatives in (r, alpha, s,
 * beta), from ln K̃ and ln G̃; log_ma = ln(m/α), log_sb = ln(s/β). With
 * U = m·K + s·G, Ũ = U·α^m·β^s, and ln L = ln Γ(r+x) − ln Γ(r) − x·ln α + ln Ũ. */
static void combine(const double *params, double x, double log_ma, double log_sb, const jval *K,
                    const jval *G, int order, jval *out)
{
    double m = params[PR] + x, s = params[PS], alpha = params[PALPHA], beta = params[PBETA];
    double u1 = log_ma + K->l, u2 = log_sb + G->l;
    /* ln(e^u1 + e^u2) and the two shares with one exp and one log1p */
    double e = exp(-fabs(u1 - u2));
    out->l = fmax(u1, u2) + log1p(e);
    if (order < 1)
        return;
    double big = 1.0 / (1.0 + e), small = e * big;
    double w1 = u1 >= u2 ? big : small, w2 = u1 >= u2 ? small : big;
    double d1[4], d2[4];
    for (int i = 0; i < 4; i++) {
        d1[i] = K->g[i];
        d2[i] = G->g[i];
    }
    d1[PR] += 1.0 / m;
    d1[PALPHA] -= 1.0 / alpha;
    d2[PS] += 1.0 / s;
    d2[PBETA] -= 1.0 / beta;
    for (int i = 0; i < 4; i++)
        out->g[i] = w1 * d1[i] + w2 * d2[i];
    if (order < 2)
        return;
    double ww = w1 * w2;
    for (int i = 0; i < 4; i++) {
        double di = d1[i] - d2[i];
        for (int j = 0; j < 4; j++)
            out->h[i * 4 + j] = w1 * K->h[i * 4 + j] + w2 * G->h[i * 4 + j] + ww * di * (d1[j] - d2[j]);
    }
    out->h[PR * 4 + PR] -= w1 / (m * m);
    out->h[PALPHA * 4 + PALPHA] += w1 / (alpha * alpha);
    out->h[PS * 4 + PS] -= w2 / (s * s);
    out->h[PBETA * 4 + PBETA] += w2 / (beta * beta);
}

static void jval_copy(jval *dst, const double *src)
{
    dst->l = src[0];
    memcpy(dst->g, src + 1, 4 * sizeof(double));
    memcpy(dst->h, src + 5, 16 * sizeof(double));
}

/* ln min(alpha, beta), which every J needs (the group tables hold it). */
static double log_min_of(const double *params)
{
    return log(fmin(params[PALPHA], params[PBETA]));
}

/* K = J(m+1, s; T) and G = J(m, s+1; t_x) of one row (tab: the group's table, or NULL). */
static int k_term(const double *params, double x, double T, const double *tab, int order, jval *K)
{
    return log_j(params[PR] + x + 1.0, params[PS], params[PR] + x + params[PS], params[PALPHA],
                 params[PBETA], tab ? tab[TAB_LOGMIN] : log_min_of(params), T, order,
                 tab ? tab + TAB_KCOEF : NULL, K);
}

static int g_term(const double *params, double x, double t_x, const double *tab, int order,
                  jval *G)
{
    if (tab && t_x == 0.0 && tab[TAB_G0_OK] != 0.0) {
        jval_copy(G, tab + TAB_G0);
        return CXM_OK;
    }
    return log_j(params[PR] + x, params[PS] + 1.0, params[PR] + x + params[PS], params[PALPHA],
                 params[PBETA], tab ? tab[TAB_LOGMIN] : log_min_of(params), t_x, order,
                 tab ? tab + TAB_GCOEF : NULL, G);
}

/* ln Ũ for a customer who bought last at T (t_x = T: a purchase today, or
 * T = 0): m·K(T) + s·G(T) = (α+T)^−m (β+T)^−s by the integration by parts
 * the likelihood is built on, so Ũ = (1 + T/α)^−m (1 + T/β)^−s exactly,
 * whatever K and G would cost, and P(alive) = 1. */
static void log_u_at_last_purchase(const double *params, double x, double T, int order,
                                   jval *out)
{
    double m = params[PR] + x, s = params[PS], alpha = params[PALPHA], beta = params[PBETA];
    out->l = -m * log_one_plus_ratio(T, alpha) - s * log_one_plus_ratio(T, beta);
    if (order < 1)
        return;
    /* qa = T/(α+T), qb = T/(β+T) */
    double qa = T > 0.0 ? 1.0 / (1.0 + alpha / T) : 0.0, qb = T > 0.0 ? 1.0 / (1.0 + beta / T) : 0.0;
    memset(out->g, 0, sizeof out->g);
    out->g[PR] = -log_one_plus_ratio(T, alpha);
    out->g[PALPHA] = m * qa / alpha;
    out->g[PS] = -log_one_plus_ratio(T, beta);
    out->g[PBETA] = s * qb / beta;
    if (order < 2)
        return;
    memset(out->h, 0, sizeof out->h);
    out->h[PR * 4 + PALPHA] = out->h[PALPHA * 4 + PR] = qa / alpha;
    out->h[PALPHA * 4 + PALPHA] = -m * qa * (2.0 - qa) / (alpha * alpha);
    out->h[PS * 4 + PBETA] = out->h[PBETA * 4 + PS] = qb / beta;
    out->h[PBETA * 4 + PBETA] = -s * qb * (2.0 - qb) / (beta * beta);
}

static int log_u(const double *params, double x, double t_x, double T, const double *tab,
                 int order, jval *out, double *log_first)
{
    if (t_x == T) {
        log_u_at_last_purchase(params, x, T, order, out);
        if (log_first)
            *log_first = out->l;
        return CXM_OK;
    }
    jval K, G;
    int status = k_term(params, x, T, tab, order, &K);
    if (status == CXM_OK)
        status = g_term(params, x, t_x, tab, order, &G);
    if (status != CXM_OK)
        return status;
    double alpha = params[PALPHA], beta = params[PBETA], m = params[PR] + x;
    combine(params, x, log(m / alpha), log(params[PS] / beta), &K, &G, order, out);
    /* (α+T)^−m (β+T)^−s·α^m·β^s, the numerator of P(alive) = e^first/Ũ */
    if (log_first)
        *log_first = -m * log_one_plus_ratio(T, alpha) - params[PS] * log_one_plus_ratio(T, beta);
    return CXM_OK;
}

/* ------------------------------------------------------------------ row cache
 *
 * K depends on a row only through (x, T) and G through (x, t_x). Customers
 * recorded to the day share a few thousand such pairs among hundreds of
 * thousands of rows, so each pair's term is computed once per evaluation
 * (aux_fill) and the rows look it up. The cache of a term is skipped when
 * it would hold more than half as many entries as there are rows.
 *
 * Layout of the aux area (doubles): nk, ng, then nk K entries and ng G
 * entries of ENTRY doubles (x, t, group, ln J and its 4 + 16 derivatives),
 * then the row → entry maps as uint32 (K's, then G's when ng > 0). */
enum { ENTRY = 3 + 21 };

/* Distinct (x, column[c]) pairs: their count (counting stops past limit),
 * and when map/keys are given the row → entry map and the entries' keys.
 * Returns (size_t)−1 on ENOMEM. */
static size_t distinct_pairs(const cxm__data *data, int c, uint32_t *map, double *entries,
                             size_t limit)
{
    size_t n = data->n;
    cxm__hash table;
    cxm__hash_init(&table);
    double *keys = cxm__malloc((n ? n : 1) * 2 * sizeof *keys);
    if (keys == NULL || cxm__hash_reserve(&table, limit < n ? limit + 1 : n) != CXM_OK) {
        cxm__free(keys);
        return (size_t)-1;
    }
    size_t count = 0;
    const double *xs = data->column[0], *ts = data->column[c];
    for (size_t i = 0; i < n && count <= limit; i++) {
        double x = xs[i], t = ts[i];
        uint64_t h = cxm__hash_fold(table.seed, cxm__hash_double(x));
        h = cxm__mix64(cxm__hash_fold(h, cxm__hash_double(t)));
        cxm__hash_probe probe = cxm__hash_start(&table, h);
        size_t e;
        int found = 0;
        while (!found && cxm__hash_next(&table, &probe, &e))
            found = keys[2 * e] == x && keys[2 * e + 1] == t;
        if (!found) {
            keys[2 * count] = x;
            keys[2 * count + 1] = t;
            if (cxm__hash_insert(&table, &probe, count) != CXM_OK) {
                cxm__hash_free(&table);
                cxm__free(keys);
                return (size_t)-1;
            }
            if (entries) {
                entries[count * ENTRY] = x;
                entries[count * ENTRY + 1] = t;
                entries[count * ENTRY + 2] = (double)data->group[i];
            }
            e = count++;
        }
        if (map)
            map[i] = (uint32_t)e;
    }
    cxm__hash_free(&table);
    cxm__free(keys);
    return count;
}

static size_t map_doubles(size_t n)
{
    return (n + 1) / 2; /* uint32 entries in doubles */
}

static size_t aux_size(const cxm__data *data)
{
    if (data->n < 64 || data->n > UINT32_MAX - 1)
        return 2;
    size_t half = data->n / 2;
    size_t nk = distinct_pairs(data, 2, NULL, NULL, half);
    size_t ng = nk == (size_t)-1 ? 0 : distinct_pairs(data, 1, NULL, NULL, half);
    if (nk == (size_t)-1 || ng == (size_t)-1)
        return (size_t)-1; /* out of memory */
    if (2 * ng > data->n)
        ng = 0;
    if (2 * nk > data->n)
        return 2; /* nothing worth caching */
    return 2 + (nk + ng) * ENTRY + map_doubles(data->n) * (ng ? 2 : 1);
}

static int aux_index(const cxm__data *data, double *aux)
{
    aux[0] = aux[1] = 0.0;
    if (data->n < 64 || data->n > UINT32_MAX - 1)
        return CXM_OK;
    size_t half = data->n / 2;
    size_t nk = distinct_pairs(data, 2, NULL, NULL, half);
    size_t ng = nk == (size_t)-1 ? 0 : distinct_pairs(data, 1, NULL, NULL, half);
    if (nk == (size_t)-1 || ng == (size_t)-1)
        return CXM_ENOMEM;
    if (2 * nk > data->n)
        return CXM_OK;
    if (2 * ng > data->n)
        ng = 0;
    double *entries = aux + 2;
    uint32_t *kmap = (uint32_t *)(entries + (nk + ng) * ENTRY);
    uint32_t *gmap = (uint32_t *)(entries + (nk + ng) * ENTRY + map_doubles(data->n));
    if (distinct_pairs(data, 2, kmap, entries, data->n) == (size_t)-1)
        return CXM_ENOMEM;
    if (ng && distinct_pairs(data, 1, gmap, entries + nk * ENTRY, data->n) == (size_t)-1)
        return CXM_ENOMEM;
    aux[0] = (double)nk;
    aux[1] = (double)ng;
    return CXM_OK;
}

static void aux_fill(const double *params, const cxm__data *data, double *aux, int order)
{
    size_t nk = (size_t)aux[0], ng = (size_t)aux[1];
    const double *table = aux - data->ngroups * TAB_WIDTH;
    double *entries = aux + 2;
    for (size_t e = 0; e < nk + ng; e++) {
        double *en = entries + e * ENTRY;
        const double *tab = table + (size_t)en[2] * TAB_WIDTH;
        jval j;
        int status = e < nk ? k_term(params, en[0], en[1], tab, order, &j)
                            : g_term(params, en[0], en[1], tab, order, &j);
        if (status != CXM_OK)
            j.l = NAN;
        en[3] = j.l;
        if (order >= 1)
            memcpy(en + 4, j.g, 4 * sizeof(double));
        if (order >= 2)
            memcpy(en + 8, j.h, 16 * sizeof(double));
    }
}

/* Add a row's ln L = ln Γ(r+x) − ln Γ(r) − x·ln α + ln Ũ (t: the row's
 * group table) and its derivatives, with weight w. */
static inline void add_row(const double *params, double x, const double *t, double la, double w,
                           int order, const jval *u, double *acc)
{
    double alpha = params[PALPHA];
    acc[0] += w * (t[TAB_LG] - x * la + u->l);
    if (order < 1)
        return;
    acc[1 + PR] += w * (t[TAB_PSI] + u->g[PR]);
    acc[1 + PALPHA] += w * (u->g[PALPHA] - x / alpha);
    acc[1 + PS] += w * u->g[PS];
    acc[1 + PBETA] += w * u->g[PBETA];
    if (order < 2)
        return;
    double *h = acc + 5;
    for (int a = 0; a < 4; a++)
        for (int b = 0; b < 4; b++)
            h[a * 4 + b] += w * u->h[a * 4 + b];
    h[PR * 4 + PR] += w * t[TAB_TRI];
    h[PALPHA * 4 + PALPHA] += w * x / (alpha * alpha);
}

static void loglik(const double *params, const cxm__data *data, const double *table,
                   size_t begin, size_t end, int order, double *acc)
{
    double la = log(params[PALPHA]), lb = log(params[PBETA]), ls = log(params[PS]);
    const double *xs = data->column[0], *txs = data->column[1], *Ts = data->column[2];
    const double *ws = data->weight;
    const double *aux = table + data->ngroups * TAB_WIDTH;
    size_t nk = (size_t)aux[0], ng = (size_t)aux[1];
    const double *entries = aux + 2;
    const uint32_t *kmap = (const uint32_t *)(entries + (nk + ng) * ENTRY);
    const uint32_t *gmap = (const uint32_t *)(entries + (nk + ng) * ENTRY + map_doubles(data->n));
    for (size_t i = begin; i < end; i++) {
        const double *t = table + (size_t)data->group[i] * TAB_WIDTH;
        double w = ws ? ws[i] : 1.0;
        /* Cached entries are read in place: an entry's ln J and derivatives are
         * laid out as a jval (21 doubles). */
        jval Kv, Gv, u;
        const jval *K = &Kv, *G = &Gv;
        int status = CXM_OK;
        if (txs[i] == Ts[i]) {
            log_u_at_last_purchase(params, xs[i], Ts[i], order, &u);
            add_row(params, xs[i], t, la, w, order, &u, acc);
            continue;
        }
        if (nk)
            K = (const jval *)(entries + (size_t)kmap[i] * ENTRY + 3);
        else
            status = k_term(params, xs[i], Ts[i], t, order, &Kv);
        if (status == CXM_OK) {
            if (ng)
                G = (const jval *)(entries + (nk + (size_t)gmap[i]) * ENTRY + 3);
            else
                status = g_term(params, xs[i], txs[i], t, order, &Gv);
        }
        if (status != CXM_OK || !isfinite(K->l) || !isfinite(G->l)) {
            acc[0] = NAN; /* the optimiser treats it as outside the domain */
            return;
        }
        combine(params, xs[i], t[TAB_LOGM] - la, ls - lb, K, G, order, &u);
        add_row(params, xs[i], t, la, w, order, &u, acc);
    }
}

/* ------------------------------------------------------------------ for pareto_cor.c */

size_t cxm__pnbd_table_width(void)
{
    return TAB_WIDTH;
}

void cxm__pnbd_fill_table(const double *params, const double *xs, size_t ngroups, double *table)
{
    fill_table(params, xs, ngroups, table);
}

int cxm__pnbd_row(const double *params, double x, double t_x, double T, const double *tab,
                  int order, double *acc)
{
    jval u;
    int status = log_u(params, x, t_x, T, tab, order, &u, NULL);
    if (status == CXM_OK)
        add_row(params, x, tab, log(params[PALPHA]), 1.0, order, &u, acc);
    return status;
}

/* ------------------------------------------------------------------ predictions */

static double p_alive_one(const double *params, double x, double t_x, double T, int *status)
{
    jval u;
    double first;
    *status = log_u(params, x, t_x, T, NULL, 0, &u, &first);
    if (*status != CXM_OK)
        return NAN;
    double v = exp(first - u.l);
    return v > 1.0 ? 1.0 : v;
}

static int p_alive(const double *params, double *dst, size_t n, const double *x,
                   const double *t_x, const double *T)
{
    for (size_t i = 0; i < n; i++) {
        int status;
        dst[i] = p_alive_one(params, x[i], t_x[i], T[i], &status);
        if (status != CXM_OK)
            return cxm__fail_at(CXM_EDOMAIN, i, "P(alive) could not be evaluated");
    }
    return CXM_OK;
}

/* ln(1 + t/b), also when t/b overflows (t up to 1e308, b down to 1e-10). */
static double log1p_ratio(double t, double b)
{
    double ratio = t / b;
    return isfinite(ratio) ? log1p(ratio) : log(t) - log(b);
}

/* b·[1 − (b/(b+t))^(s−1)]/(s−1) = b·(1 − e^(−u))/(s−1), u = (s−1)·ln(1 + t/b):
 * the expected purchases in (0, t] of a customer alive at 0 whose death rate
 * is Gamma(s, b), per unit of purchase rate. It never exceeds t, so it never
 * overflows, also where e^(−u) alone would (s < 1, t/b huge). */
static double scaled_decay(double s, double b, double t)
{
    double L = log1p_ratio(t, b), u = (s - 1.0) * L;
    if (u == 0.0)
        return b * L;
    if (u < -700.0) /* s < 1: 1 − e^(−u) = −e^(−u) to double precision */
        return exp(log(b) - u - log(1.0 - s));
    return b * (-expm1(-u) / (s - 1.0));
}

static int expected(const double *params, double *dst, size_t n, const double *t)
{
    double r = params[PR], alpha = params[PALPHA], s = params[PS], beta = params[PBETA];
    for (size_t i = 0; i < n; i++)
        dst[i] = r / alpha * scaled_decay(s, beta, t[i]);
    return CXM_OK;
}

static int conditional(const double *params, double *dst, size_t n, const double *t,
                       const double *x, const double *t_x, const double *T)
{
    double r = params[PR], alpha = params[PALPHA], s = params[PS], beta = params[PBETA];
    double pa = 0.0;
    for (size_t i = 0; i < n; i++) {
        /* Several horizons for one customer: P(alive) once. */
        if (i == 0 || x[i] != x[i - 1] || t_x[i] != t_x[i - 1] || T[i] != T[i - 1]) {
            int status;
            pa = p_alive_one(params, x[i], t_x[i], T[i], &status);
            if (status != CXM_OK)
                return cxm__fail_at(CXM_EDOMAIN, i, "P(alive) could not be evaluated");
        }
        dst[i] = (r + x[i]) / (alpha + T[i]) * scaled_decay(s, beta + T[i], t[i]) * pa;
    }
    return CXM_OK;
}

static int dert(const double *params, double *dst, size_t n, double rate, const double *x,
                const double *t_x, const double *T)
{
    double r = params[PR], alpha = params[PALPHA], s = params[PS], beta = params[PBETA];
    for (size_t i = 0; i < n; i++) {
        int status;
        double pa = p_alive_one(params, x[i], t_x[i], T[i], &status);
        if (status != CXM_OK)
            return cxm__fail_at(CXM_EDOMAIN, i, "P(alive) could not be evaluated");
        double z = rate * (beta + T[i]);
        /* E[1/(μ+δ)] for μ ~ Gamma(s, β+T) is (β+T)·e^z E_s(z) = φ/δ with
         * φ = z·e^z E_s(z) in (z/(z+s), z/(z+s−1)]: 1 − s/z + ... once z is
         * large (and z may overflow). */
        double phi = z >= 1e17 * (s + 1.0) ? 1.0 / (1.0 + s / z)
                                           : z * cxm__expint_scaled_any(s, z);
        dst[i] = pa * ((r + x[i]) / (alpha + T[i])) * (phi / rate);
    }
    return CXM_OK;
}

/* α^r β^s ∫_0^t τ^k (α+τ)^−(r+k) (β+τ)^−(s+1) dτ in log space, by the tanh-sinh rule
 * on τ = t·u, halving the step until the sum settles. */
typedef struct prob_integrand {
    double k, r, s, alpha, beta, t;
} prob_integrand;

/* ln[τ^k (α+τ)^−(r+k) (β+τ)^−(s+1) α^r β^s]: the factor α^r β^s is taken in
 * so that no two large logarithms cancel (r ln α against (r+k) ln(α+τ)). */
static double prob_log_f(const prob_integrand *c, double u, double one_minus_u)
{
    (void)one_minus_u;
    double tau = c->t * u;
    double lk = c->k > 0.0 ? c->k * log1p_ratio(c->alpha, tau) : 0.0;
    return -lk - c->r * log1p_ratio(tau, c->alpha) - c->s * log1p_ratio(tau, c->beta) -
           log(c->beta + tau);
}

static double log_integral(const prob_integrand *c)
{
    /* Nodes u = (1 + tanh(π/2·sinh v))/2 with weights, accumulated in log
     * space relative to the largest term seen. */
    double prev = -INFINITY;
    double h = 0.5;
    for (int level = 0; level < 10; level++, h *= 0.5) {
        double top = -INFINITY, sum = 0.0;
        int jmax = (int)ceil(6.5 / h);
        for (int j = -jmax; j <= jmax; j++) {
            double v = j * h;
            double sh = sinh(v), ch = cosh(v);
            double e = exp(-M_PI * fabs(sh)); /* u or 1 − u = e/(1+e) */
            double small = e / (1.0 + e), large = 1.0 / (1.0 + e);
            double u = sh < 0 ? small : large, um = sh < 0 ? large : small;
            if (!(u > 0.0) || !(um > 0.0))
                continue;
            /* du/dv = π/4·cosh v·sech²(π/2·sinh v) = π·cosh v·u·(1−u) */
            double lw = log(M_PI * ch) + log(u) + log(um) + log(h);
            double l = prob_log_f(c, u, um) + lw;
            if (!(l > -INFINITY)) /* τ^k underflowed */
                continue;
            if (l > top) {
                sum = sum * exp(top - l) + 1.0;
                top = l;
            } else {
                sum += exp(l - top);
            }
        }
        double value = top + log(sum) + log(c->t);
        if (level > 1 && fabs(value - prev) < 1e-14 * (1.0 + fabs(value)))
            return value;
        prev = value;
    }
    return prev;
}

/* P(X(t) = k) of a new customer: alive through t with k purchases, plus
 * death at τ < t after k purchases (Fader, Hardie & Lee 2005). */
static double probability_one(const double *params, double k, double tt)
{
    double r = params[PR], alpha = params[PALPHA], s = params[PS], beta = params[PBETA];
    if (tt == 0.0)
        return k == 0.0 ? 1.0 : 0.0;
    /* ln C(k+r−1, k) = −ln B(r, k) − ln k: no difference of two huge ln Γ. */
    double lc = k > 0.0 ? -cxm__lbeta(r, k) - log(k) : 0.0;
    double l1 = lc - r * log1p_ratio(tt, alpha) - (k > 0.0 ? k * log1p(alpha / tt) : 0.0) -
                s * log1p_ratio(tt, beta);
    prob_integrand c = { k, r, s, alpha, beta, tt };
    double l2 = lc + log(s) + log_integral(&c);
    double v = exp(cxm__logaddexp(l1, l2));
    return v > 1.0 ? 1.0 : v;
}

static int probability(const double *params, double *dst, size_t n, const double *count,
                       const double *t)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = probability_one(params, count[i], t[i]);
    return CXM_OK;
}

/* Given alive at T the rates are Gamma(r+x, α+T) and Gamma(s, β+T), so the
 * future is a new customer's with those parameters; dropped out, nothing. */
static int conditional_probability(const double *params, double *dst, size_t n,
                                   const double *count, const double *t, const double *x,
                                   const double *t_x, const double *T)
{
    for (size_t i = 0; i < n; i++) {
        int status;
        double pa = p_alive_one(params, x[i], t_x[i], T[i], &status);
        if (status != CXM_OK)
            return cxm__fail_at(CXM_EDOMAIN, i, "P(alive) could not be evaluated");
        double post[4] = { params[PR] + x[i], params[PALPHA] + T[i], params[PS],
                           params[PBETA] + T[i] };
        double p = probability_one(post, count[i], t[i]);
        dst[i] = count[i] == 0.0 ? 1.0 - pa * (1.0 - p) : pa * p;
    }
    return CXM_OK;
}

static int simulate(const double *params, cxm_rng *rng, double T, double *x, double *t_x,
                    double *times, size_t capacity,
                    double *latent)
{
    double lambda = cxm__rng_gamma(rng, params[PR], params[PALPHA]);
    double mu = cxm__rng_gamma(rng, params[PS], params[PBETA]);
    return cxm__pnbd_simulate_given(lambda, mu, rng, T, x, t_x, times, capacity, latent);
}

int cxm__pnbd_simulate_given(double lambda, double mu, cxm_rng *rng, double T, double *x,
                             double *t_x, double *times, size_t capacity, double *latent)
{
    double death = mu > 0.0 ? cxm__rng_exponential(rng, mu) : INFINITY;
    return cxm__simulate_given_death(lambda, mu, death, rng, T, x, t_x, times, capacity, latent);
}

int cxm__simulate_given_death(double lambda, double dropout, double death, cxm_rng *rng,
                              double T, double *x, double *t_x, double *times, size_t capacity,
                              double *latent)
{
    double span = death < T ? death : T;
    if (lambda * span > CXM__SIM_MAX_MEAN)
        return cxm__fail(CXM_ERANGE,
                         "%g expected purchases in T = %g are beyond 2^52, the most a simulated "
                         "count holds",
                         lambda * span, T);
    double N = (double)cxm__rng_poisson(rng, lambda * span);
    double last = N > 0.0 ? span * exp(log(cxm__rng_uniform(rng)) / N) : 0.0;
    *x = N;
    *t_x = last;
    if (latent) {
        latent[0] = lambda;
        latent[1] = dropout;
        latent[2] = death > T ? 1.0 : 0.0;
    }
    if (times == NULL || N == 0.0)
        return CXM_OK;
    if (N > (double)capacity)
        return cxm__fail(CXM_ERANGE, "%.0f purchase times do not fit in the %zu places left", N,
                         capacity);
    size_t k = (size_t)N;
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

static const char *const aliases[] = { "pareto/nbd", "pnbd", NULL };

const cxm__kind cxm__kind_pareto_nbd = {
    .kind = CXM_MODEL_PARETO_NBD,
    .name = "pareto-nbd",
    .aliases = aliases,
    .title = "Pareto/NBD",
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
    .fill_table = fill_table,
    .loglik = loglik,
    .aux_size = aux_size,
    .aux_index = aux_index,
    .aux_fill = aux_fill,
    .p_alive = p_alive,
    .expected_purchases = expected,
    .conditional_purchases = conditional,
    .purchase_probability = probability,
    .conditional_probability = conditional_probability,
    .dert = dert,
    .simulate = simulate,
    /* α_i = α·exp(−γ_p'z), β_i = β·exp(−γ_d'z) (CLVTools). */
    .purchase_targets = { { 1, -1 } },
    .dropout_targets = { { 3, -1 } },
};
