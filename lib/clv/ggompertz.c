/* GGompertz/NBD (Bemmaor & Glady 2012, "Modeling purchasing behavior with
 * sudden 'death': a flexible customer lifetime model", Management Science
 * 58(5)), in CLVTools' parameterisation (r, alpha, b, s, beta). While alive
 * a customer buys at rate λ ~ Gamma(r, α); the lifetime τ is Gompertz with
 * survival exp(−η(e^(bτ) − 1)), η ~ Gamma(s, β), so that over customers
 *
 *   S(τ) = (β/(β + e^(bτ) − 1))^s = e^(−s·Λ(τ)),  Λ(τ) = ln(1 + (e^(bτ) − 1)/β),
 *
 * and the likelihood of (x, t_x, T) is
 *
 *   L = Γ(r+x)/Γ(r)·α^r·[(α+T)^−m·S(T) + ∫_{t_x}^T (α+τ)^−m f(τ) dτ],  m = r+x,
 *
 * f = −S' the lifetime density: a sum of two positive terms (no cancellation).
 * The integral has no closed form. With y = s·Λ(τ) (so f dτ = e^(−y) dy) and
 * u = y − s·Λ(t_x) it becomes
 *
 *   e^(−s·Λ(t_x))·(α/(α+t_x))^m·∫_0^ΔY e^(−u)·(1 + δ(u)/(α+t_x))^−m du,
 *   b·δ(u) = ln(1 + (e^(u/s) − 1)/w(t_x)),  w(τ) = e^(bτ)/(β + e^(bτ) − 1),
 *   ΔY = s·ln(1 + w(t_x)·(e^(b(T−t_x)) − 1)),
 *
 * δ = τ − t_x: the integrand falls monotonically, at least as e^(−u), whatever
 * the parameters (in τ it can have a sharp interior peak), and every quantity
 * is a difference-free function of T − t_x. The adaptive Gauss–Kronrod rule of
 * lib/numeric/quadrature.h integrates it to ~1e-14; the gradient and Hessian
 * in (r, α, b, s, β) are moments of the derivatives of ln[(α+τ)^−m f(τ)] over
 * the same nodes (the mean for the gradient, the covariance plus the mean of
 * the second derivatives for the Hessian), so they are analytic.
 *
 * Predictions: given alive at T, λ ~ Gamma(r+x, α+T) and η ~ Gamma(s, β +
 * e^(bT) − 1) independently, so E[Y(t)] = P(alive)·(r+x)/(α+T)·R(t, 0) and
 * DERT = P(alive)·(r+x)/(α+T)·R(∞, ρ), R(t, ρ) = ∫_0^t e^(−ρu)·S(T+u)/S(T) du,
 * integrated in y = s·(Λ(T+u) − Λ(T)) the same way. As b → 0 with β/b fixed
 * the model is the Pareto/NBD with that β. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "clv/model_internal.h"
#include "core/internal.h"
#include "numeric/quadrature.h"
#include "numeric/special.h"

enum { PR, PALPHA, PB, PS, PBETA, NP = 5, NH = NP * NP };

static const char *const param_names[] = { "r", "alpha", "b", "s", "beta" };
static const cxm__scale scales[] = { CXM__SCALE_LOG, CXM__SCALE_LOG, CXM__SCALE_LOG,
                                     CXM__SCALE_LOG, CXM__SCALE_LOG };
static const char *const column_names[] = { "x", "t_x", "T" };

/* ------------------------------------------------------------------ Λ and its kin */

/* ln(1 + t/a) for t >= 0, a > 0, also when t/a overflows. */
static double log_one_plus_ratio(double t, double a)
{
    double q = t / a;
    if (q < 1e300)
        return log1p(q);
    return log(t) - log(a) + log1p(a / t);
}

/* ln(1 + c·(e^z − 1)) for c > 0, z >= 0 (+inf for z = +inf). */
static double log1p_scaled_expm1(double c, double z)
{
    if (z <= 30.0)
        return log1p(c * expm1(z));
    return z + log(c) + log1p((1.0 / c - 1.0) * exp(-z));
}

/* Λ(τ) = ln(1 + (e^(bτ) − 1)/β). */
static double big_lambda(double b, double beta, double tau)
{
    return log1p_scaled_expm1(1.0 / beta, b * tau);
}

/* At Λ: e^−Λ, v = 1 − e^−Λ = (e^(bτ) − 1)/D and w = e^(bτ)/D = e^−Λ/β + v
 * (two positive terms), D = β + e^(bτ) − 1 = β·e^Λ. */
typedef struct at_lambda {
    double em, v, w;
} at_lambda;

static at_lambda at(double lambda, double beta)
{
    at_lambda a;
    a.em = exp(-lambda);
    a.v = -expm1(-lambda);
    a.w = a.em / beta + a.v;
    return a;
}

/* ------------------------------------------------------------------ the likelihood */

/* Derivatives of q(τ) = −m·ln(1 + τ/α) − k·Λ(τ) in (r, α, b, s, β), where k
 * is s plus a constant; A = ln(1 + τ/α), a: at(Λ(τ)). g[5], h[25] (full). */
static void log_term(const double *p, double m, double k, double tau, double A, double lambda,
                     at_lambda a, int order, double *g, double *h)
{
    double alpha = p[PALPHA], beta = p[PBETA];
    double ra = tau / (alpha * (alpha + tau)); /* −∂A/∂α */
    g[PR] = -A;
    g[PALPHA] = m * ra;
    g[PB] = -k * tau * a.w;
    g[PS] = -lambda;
    g[PBETA] = k * a.v / beta;
    if (order < 2)
        return;
    memset(h, 0, NH * sizeof *h);
    double one_minus_w = (beta - 1.0) * a.em / beta; /* (β − 1)/D */
    h[PR * NP + PALPHA] = ra;
    h[PALPHA * NP + PALPHA] = -m * ra * (2.0 * alpha + tau) / (alpha * (alpha + tau));
    h[PB * NP + PB] = -k * tau * tau * a.w * one_minus_w;
    h[PB * NP + PS] = -tau * a.w;
    h[PB * NP + PBETA] = k * tau * a.w * a.em / beta;
    h[PS * NP + PBETA] = a.v / beta;
    h[PBETA * NP + PBETA] = -k * a.v * (1.0 + a.em) / (beta * beta);
    for (int i = 0; i < NP; i++)
        for (int j = 0; j < i; j++)
            h[i * NP + j] = h[j * NP + i];
}

/* The integrand of the likelihood's integral in u (header): m, α + t_x,
 * s, 1/w(t_x), its logarithm and b. Keeps δ, ln(1 + δ/(α+t_x)),
 * q = u/s = Λ(τ) − Λ(t_x), e^−q and 1 − e^−q, from which the derivatives'
 * e^−Λ, v and w follow without another exponential. */
typedef struct row_ctx {
    double m, c, s, inv_w0, log_inv_w0, b;
} row_ctx;

static double row_log_f(void *context, double u, double *keep)
{
    const row_ctx *c = context;
    double q = u / c->s, bd, emq, omq;
    if (q <= 30.0) { /* log1p_scaled_expm1() with e^q kept */
        double e1 = expm1(q);
        bd = log1p(c->inv_w0 * e1);
        emq = 1.0 / (1.0 + e1);
        omq = e1 * emq;
    } else {
        emq = exp(-q);
        omq = 1.0 - emq;
        bd = q + c->log_inv_w0 + log1p((1.0 / c->inv_w0 - 1.0) * emq);
    }
    double delta = bd / c->b, la = log_one_plus_ratio(delta, c->c);
    keep[0] = delta;
    keep[1] = la;
    keep[2] = q;
    keep[3] = emq;
    keep[4] = omq;
    return -u - c->m * la;
}

/* ln of the second term (the integral) and, for order >= 1, its gradient
 * (and Hessian) in g2, h2. */
static int second_term(const double *p, double x, double t_x, double T, int order, double *l2,
                       double *g2, double *h2)
{
    double r = p[PR], alpha = p[PALPHA], b = p[PB], s = p[PS], beta = p[PBETA], m = r + x;
    double lambda0 = big_lambda(b, beta, t_x), A0 = log_one_plus_ratio(t_x, alpha);
    at_lambda a0 = at(lambda0, beta);
    double dy = s * log1p_scaled_expm1(a0.w, b * (T - t_x));
    row_ctx ctx = { m, alpha + t_x, s, 1.0 / a0.w, -log(a0.w), b };
    /* f falls like e^(−κu) at 0, κ = 1 + m·δ'(0)/(α+t_x), δ'(0) = 1/(s·b·w). */
    double kappa = 1.0 + m / ((alpha + t_x) * s * b * a0.w);
    cxm__log_rule rule;
    if (cxm__log_quadrature(row_log_f, &ctx, 0.0, dy, 1.0 / kappa, 0.0, 1.0, &rule) !=
        CXM_OK)
        return CXM_EDOMAIN;
    *l2 = -m * A0 - s * lambda0 + rule.log_integral;
    if (order < 1)
        return CXM_OK;
    /* Moments about the features at τ = t_x. */
    double g0[NP], h0[NH], g[NP], h[NH], mean[NP] = { 0 }, cov[NH] = { 0 }, eh[NH] = { 0 };
    log_term(p, m, s + 1.0, t_x, A0, lambda0, a0, order, g0, h0);
    g0[PB] += t_x;
    for (size_t k = 0; k < rule.count; k++) {
        double pk = exp(rule.log_weight[k] - rule.log_integral);
        if (pk == 0.0)
            continue;
        const double *keep = rule.keep + k * CXM__RULE_KEEP;
        double tau = t_x + keep[0];
        /* e^−Λ = e^−Λ0·e^−q; v = 1 − e^−Λ = v0 + e^−Λ0·(1 − e^−q): no cancellation */
        at_lambda a;
        a.em = a0.em * keep[3];
        a.v = a0.v + a0.em * keep[4];
        a.w = a.em / beta + a.v;
        log_term(p, m, s + 1.0, tau, A0 + keep[1], lambda0 + keep[2], a, order, g, h);
        g[PB] += tau;
        double d[NP];
        for (int i = 0; i < NP; i++) {
            d[i] = g[i] - g0[i];
            mean[i] += pk * d[i];
        }
        if (order < 2)
            continue;
        for (int i = 0; i < NP; i++)
            for (int j = i; j < NP; j++) {
                cov[i * NP + j] += pk * d[i] * d[j];
                eh[i * NP + j] += pk * h[i * NP + j];
            }
    }
    for (int i = 0; i < NP; i++)
        g2[i] = g0[i] + mean[i];
    /* ln(s·b/β) of f's constant factor */
    g2[PB] += 1.0 / b;
    g2[PS] += 1.0 / s;
    g2[PBETA] -= 1.0 / beta;
    if (order < 2)
        return CXM_OK;
    for (int i = 0; i < NP; i++)
        for (int j = i; j < NP; j++)
            h2[i * NP + j] = h2[j * NP + i] = eh[i * NP + j] + cov[i * NP + j] - mean[i] * mean[j];
    h2[PB * NP + PB] -= 1.0 / (b * b);
    h2[PS * NP + PS] -= 1.0 / (s * s);
    h2[PBETA * NP + PBETA] += 1.0 / (beta * beta);
    return CXM_OK;
}

/* Per distinct x: ln Γ(r+x) − ln Γ(r) and its ψ, ψ' differences. */
enum { TAB_LG, TAB_PSI, TAB_TRI, TAB_WIDTH };

static void fill_table(const double *params, const double *xs, size_t ngroups, double *table)
{
    double r = params[PR], psi = cxm__digamma(r), tri = cxm__trigamma(r);
    for (size_t g = 0; g < ngroups; g++) {
        double x = xs[g], *t = table + g * TAB_WIDTH;
        t[TAB_LG] = cxm__lgamma_diff(r, x);
        t[TAB_PSI] = x > 0 ? cxm__digamma(r + x) - psi : 0.0;
        t[TAB_TRI] = x > 0 ? cxm__trigamma(r + x) - tri : 0.0;
    }
}

/* ln L of one customer (tab: its x's table) in out[0], with the gradient in
 * out[1..5] and the Hessian in out[6..30] for order 1 and 2; *log_alive,
 * when not NULL, receives ln P(alive) = ℓ1 − ln(e^ℓ1 + e^ℓ2). */
static int row(const double *p, double x, double t_x, double T, const double *tab, int order,
               double *out, double *log_alive)
{
    double alpha = p[PALPHA], beta = p[PBETA], m = p[PR] + x;
    double A = log_one_plus_ratio(T, alpha), lambda = big_lambda(p[PB], beta, T);
    double g1[NP], h1[NH], g2[NP] = { 0 }, h2[NH] = { 0 }, l2 = -INFINITY;
    double l1 = -m * A - p[PS] * lambda;
    if (order >= 1)
        log_term(p, m, p[PS], T, A, lambda, at(lambda, beta), order, g1, h1);
    if (t_x < T && second_term(p, x, t_x, T, order, &l2, g2, h2) != CXM_OK)
        return CXM_EDOMAIN;
    double lu = cxm__logaddexp(l1, l2);
    if (!isfinite(lu))
        return CXM_EDOMAIN;
    if (log_alive)
        *log_alive = l1 - lu;
    out[0] = tab[TAB_LG] - x * log(alpha) + lu;
    if (order < 1)
        return CXM_OK;
    double w1 = exp(l1 - lu), w2 = exp(l2 - lu);
    double *g = out + 1, *h = out + 1 + NP;
    for (int i = 0; i < NP; i++)
        g[i] = w1 * g1[i] + w2 * g2[i];
    g[PR] += tab[TAB_PSI];
    g[PALPHA] -= x / alpha;
    if (order < 2)
        return CXM_OK;
    for (int i = 0; i < NP; i++)
        for (int j = 0; j < NP; j++)
            h[i * NP + j] = w1 * h1[i * NP + j] + w2 * h2[i * NP + j] +
                            w1 * w2 * (g1[i] - g2[i]) * (g1[j] - g2[j]);
    h[PR * NP + PR] += tab[TAB_TRI];
    h[PALPHA * NP + PALPHA] += x / (alpha * alpha);
    return CXM_OK;
}

static void loglik(const double *params, const cxm__data *data, const double *table,
                   size_t begin, size_t end, int order, double *acc)
{
    const double *xs = data->column[0], *txs = data->column[1], *Ts = data->column[2];
    size_t size = order >= 2 ? 1 + NP + NH : order >= 1 ? 1 + NP : 1;
    for (size_t i = begin; i < end; i++) {
        double out[1 + NP + NH], w = data->weight ? data->weight[i] : 1.0;
        if (row(params, xs[i], txs[i], Ts[i], table + (size_t)data->group[i] * TAB_WIDTH, order,
                out, NULL) != CXM_OK) {
            acc[0] = NAN; /* outside the domain: the optimiser steps back */
            return;
        }
        for (size_t k = 0; k < size; k++)
            acc[k] += w * out[k];
    }
}

static int check_row(const double *values, size_t i)
{
    return cxm__check_purchase_row(values[0], values[1], values[2], i);
}

/* The best of a small grid of candidates, judged on up to 256 rows: the
 * time scale of b from the mean T, the purchase scale from Σ T / Σ x. */
static void default_start(const cxm__data *data, double *params)
{
    double sx = 0.0, sT = 0.0, sw = 0.0;
    for (size_t i = 0; i < data->n; i++) {
        double w = data->weight ? data->weight[i] : 1.0;
        sx += w * data->column[0][i];
        sT += w * data->column[2][i];
        sw += w;
    }
    double scale = sx > 0.0 && sT > 0.0 ? sT / sx : 1.0, mean_T = sw > 0.0 ? sT / sw : 1.0;
    if (!(scale > 1e-6 && scale < 1e6))
        scale = 1.0;
    if (!(mean_T > 1e-6 && mean_T < 1e6))
        mean_T = 1.0;
    static const double rs[] = { 0.5, 1.0 }, as[] = { 0.5, 1.0 }, bs[] = { 0.1, 1.0, 3.0 },
                        ss[] = { 0.3, 1.0, 3.0 }, betas[] = { 0.3, 1.0, 3.0, 10.0 };
    size_t stride = data->n > 256 ? data->n / 256 : 1;
    double best = -INFINITY;
    const double start[NP] = { 1.0, scale, 1.0 / mean_T, 1.0, 1.0 };
    memcpy(params, start, sizeof start);
    for (int c = 0; c < 2 * 2 * 3 * 3 * 4; c++) {
        double p[NP] = { rs[c % 2], as[c / 2 % 2] * scale, bs[c / 4 % 3] / mean_T,
                         ss[c / 12 % 3], betas[c / 36] };
        double total = 0.0, tab[TAB_WIDTH], out[1 + NP + NH];
        for (size_t i = 0; i < data->n && total > -INFINITY; i += stride) {
            double x = data->column[0][i], w = data->weight ? data->weight[i] : 1.0;
            fill_table(p, &x, 1, tab);
            if (row(p, x, data->column[1][i], data->column[2][i], tab, 0, out, NULL) != CXM_OK)
                total = -INFINITY;
            else
                total += w * out[0];
        }
        if (total > best) {
            best = total;
            memcpy(params, p, sizeof p);
        }
    }
}

/* ------------------------------------------------------------------ predictions */

/* R(t, ρ) = ∫_0^t e^(−ρu)·S(T+u)/S(T) du in y = s·(Λ(T+u) − Λ(T)):
 *   ∫_0^Y e^(−y − ρ·δ(y)) / (s·b·w(T+δ)) dy,
 * δ as in the likelihood with w(T), Λ = Λ(T) + y/s. */
typedef struct residual_ctx {
    double s, b, beta, inv_wT, lambda_T, rho, log_sb;
} residual_ctx;

static double residual_log_f(void *context, double y, double *keep)
{
    const residual_ctx *c = context;
    double q = y / c->s, delta = log1p_scaled_expm1(c->inv_wT, q) / c->b;
    at_lambda a = at(c->lambda_T + q, c->beta);
    (void)keep;
    return -y - c->log_sb - log(a.w) - (c->rho > 0.0 ? c->rho * delta : 0.0);
}

static int residual(const double *p, double T, double t, double rho, double *out)
{
    double b = p[PB], s = p[PS], beta = p[PBETA];
    if (t == 0.0) {
        *out = 0.0;
        return CXM_OK;
    }
    double lambda_T = big_lambda(b, beta, T);
    at_lambda aT = at(lambda_T, beta);
    residual_ctx c = { s, b, beta, 1.0 / aT.w, lambda_T, rho, log(s) + log(b) };
    double Y = s * log1p_scaled_expm1(aT.w, b * t);
    /* ln of the integrand falls at 1 + (1 − w)/(s·w) + ρ/(s·b·w) per unit of y:
     * at least 1 when β >= 1 (w rises to 1); when β < 1, w falls to 1 and the
     * rate is at least 1/2 once w − 1 = (1 − β)e^−Λ/β <= s/2. */
    double kappa = fabs(1.0 + (1.0 - aT.w) / (s * aT.w) + rho / (s * b * aT.w));
    double tail_from = 0.0;
    if (beta < 1.0)
        tail_from = fmax(0.0, s * (log(2.0 * (1.0 - beta) / (s * beta)) - lambda_T));
    cxm__log_rule rule;
    int status = cxm__log_quadrature(residual_log_f, &c, 0.0, Y, kappa > 1.0 ? 1.0 / kappa : 1.0,
                                     tail_from, beta < 1.0 ? 0.5 : 1.0, &rule);
    if (status != CXM_OK)
        return status;
    *out = exp(rule.log_integral);
    return isfinite(*out) ? CXM_OK : CXM_EDOMAIN;
}

static int log_alive_one(const double *p, double x, double t_x, double T, double *out)
{
    double tab[TAB_WIDTH], ll[1 + NP + NH];
    fill_table(p, &x, 1, tab);
    return row(p, x, t_x, T, tab, 0, ll, out);
}

static int p_alive(const double *params, double *dst, size_t n, const double *x,
                   const double *t_x, const double *T)
{
    for (size_t i = 0; i < n; i++) {
        double la;
        if (log_alive_one(params, x[i], t_x[i], T[i], &la) != CXM_OK)
            return cxm__fail_at(CXM_EDOMAIN, i, "P(alive) could not be evaluated");
        dst[i] = fmin(1.0, exp(la));
    }
    return CXM_OK;
}

static int expected(const double *params, double *dst, size_t n, const double *t)
{
    for (size_t i = 0; i < n; i++) {
        double R;
        if (residual(params, 0.0, t[i], 0.0, &R) != CXM_OK)
            return cxm__fail_at(CXM_EDOMAIN, i, "the expected purchases could not be evaluated");
        dst[i] = params[PR] / params[PALPHA] * R;
    }
    return CXM_OK;
}

/* P(alive)·(r+x)/(α+T)·R(t, ρ) for each customer; several horizons of one
 * customer in a row share P(alive). */
static int given_alive(const double *params, double *dst, size_t n, const double *t, double rho,
                       const double *x, const double *t_x, const double *T)
{
    double pa = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || x[i] != x[i - 1] || t_x[i] != t_x[i - 1] || T[i] != T[i - 1]) {
            double la;
            if (log_alive_one(params, x[i], t_x[i], T[i], &la) != CXM_OK)
                return cxm__fail_at(CXM_EDOMAIN, i, "P(alive) could not be evaluated");
            pa = fmin(1.0, exp(la));
        }
        double R = 0.0;
        if (pa > 0.0 && residual(params, T[i], t ? t[i] : INFINITY, rho, &R) != CXM_OK)
            return cxm__fail_at(CXM_EDOMAIN, i, "the residual lifetime could not be evaluated");
        dst[i] = pa * ((params[PR] + x[i]) / (params[PALPHA] + T[i])) * R;
    }
    return CXM_OK;
}

static int conditional(const double *params, double *dst, size_t n, const double *t,
                       const double *x, const double *t_x, const double *T)
{
    return given_alive(params, dst, n, t, 0.0, x, t_x, T);
}

static int dert(const double *params, double *dst, size_t n, double rate, const double *x,
                const double *t_x, const double *T)
{
    return given_alive(params, dst, n, NULL, rate, x, t_x, T);
}

/* λ ~ Gamma(r, α), η ~ Gamma(s, β), and the Gompertz lifetime by inversion:
 * exp(−η(e^(bτ) − 1)) = e^−E, E ~ Exp(1). */
static int simulate(const double *params, cxm_rng *rng, double T, double *x, double *t_x,
                    double *times, size_t capacity, double *latent)
{
    double lambda = cxm__rng_gamma(rng, params[PR], params[PALPHA]);
    double eta = cxm__rng_gamma(rng, params[PS], params[PBETA]);
    double e = cxm__rng_exponential(rng, 1.0);
    double death = eta > 0.0 ? log1p(e / eta) / params[PB] : INFINITY;
    return cxm__simulate_given_death(lambda, eta, death, rng, T, x, t_x, times, capacity, latent);
}

static const char *const aliases[] = { "ggomnbd", "ggompertz/nbd", "ggompertz", NULL };

const cxm__kind cxm__kind_ggompertz_nbd = {
    .kind = CXM_MODEL_GGOMPERTZ_NBD,
    .name = "ggompertz-nbd",
    .aliases = aliases,
    .title = "GGompertz/NBD",
    .nparams = NP,
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
    .p_alive = p_alive,
    .expected_purchases = expected,
    .conditional_purchases = conditional,
    .dert = dert,
    .simulate = simulate,
    /* α_i = α·exp(−γ_p'z), β_i = β·exp(−γ_d'z) (CLVTools' ggomnbd). */
    .purchase_targets = { { PALPHA, -1 } },
    .dropout_targets = { { PBETA, -1 } },
};
