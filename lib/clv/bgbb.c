/* BG/BB, the discrete-time model of Fader, Hardie & Shang (2010, Marketing
 * Science 29(6)). At each of n transaction opportunities a customer who is
 * alive transacts with probability p ~ Beta(α, β); before each opportunity
 * an alive customer dies with probability θ ~ Beta(γ, δ). A history is x
 * transactions, the last at opportunity t_x, out of n.
 *
 *   L = B(α+x, β+n−x)/B(α,β) · B(γ, δ+n)/B(γ,δ)                  (alive through n)
 *     + Σ_{i=0}^{n−t_x−1} B(α+x, β+t_x−x+i)/B(α,β) · B(γ+1, δ+t_x+i)/B(γ,δ)
 *                                                        (died after opportunity t_x+i)
 * summed in log space; gradient and Hessian from ψ and ψ' updated by their
 * recurrences along the sum. Predictions (same paper):
 *   P(alive at n+1)     = B(α+x, β+n−x)/B(α,β) · B(γ, δ+n+1)/B(γ,δ) / L,
 *   E[X(n, n+n*) | ...] = P(alive through n) · (α+x)/(α+β+n) · A(δ+n, n*),
 *   A(d, N)             = Σ_{j=1..N} B(γ, d+j)/B(γ, d)
 *                       = d/(γ−1)·[1 − Γ(γ+d)Γ(d+N+1)/(Γ(d+1)Γ(γ+d+N))],
 * whose division by γ − 1 is evaluated through divided differences of ln Γ
 * (exact at γ = 1), and
 *   DERT(d) = P(alive through n) · (α+x)/(α+β+n) · z·(δ+n)/(γ+δ+n)
 *             · 2F1(1, δ+n+1; γ+δ+n+1; z),   z = 1/(1+d) per opportunity. */
#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "clv/model_internal.h"
#include "core/internal.h"
#include "numeric/hyp2f1.h"
#include "numeric/quadrature.h"
#include "numeric/special.h"

enum { PA, PB, PG, PD }; /* alpha, beta, gamma, delta */

static const char *const param_names[] = { "alpha", "beta", "gamma", "delta" };
static const cxm__scale scales[] = { CXM__SCALE_LOG, CXM__SCALE_LOG, CXM__SCALE_LOG,
                                     CXM__SCALE_LOG };
static const char *const column_names[] = { "x", "t_x", "n" };

/* The likelihood of a history sums one term per opportunity after the last
 * transaction, and P(X(n) = x) one per opportunity: work that grows with n.
 * Beyond this many opportunities (documented in cxm/model.h) they are refused. */
#define MAX_OPPORTUNITIES 1e6

static int check_opportunities(double n, const char *name, size_t i)
{
    if (n > MAX_OPPORTUNITIES)
        return cxm__fail(CXM_EDOMAIN,
                         "element %zu: %s = %.0f is beyond %.0f, the most opportunities BG/BB "
                         "supports",
                         i, name, n, MAX_OPPORTUNITIES);
    return CXM_OK;
}

static int check_bgbb_row(double x, double t_x, double n, size_t i)
{
    int status = cxm__check_count(x, "x", i);
    if (status == CXM_OK)
        status = cxm__check_count(t_x, "t_x", i);
    if (status == CXM_OK)
        status = cxm__check_count(n, "n", i);
    if (status == CXM_OK)
        status = check_opportunities(n, "n", i);
    if (status != CXM_OK)
        return status;
    if (t_x > n)
        return cxm__fail(CXM_EINVAL, "element %zu: t_x %g is greater than n %g", i, t_x, n);
    if (x > t_x)
        return cxm__fail(CXM_EINVAL,
                         "element %zu: x %g is greater than t_x %g (x transactions need at "
                         "least x opportunities up to the last one)",
                         i, x, t_x);
    if (x == 0.0 && t_x != 0.0)
        return cxm__fail(CXM_EINVAL,
                         "element %zu: t_x is %g but x is 0 (no transaction, so t_x must be 0)",
                         i, t_x);
    return CXM_OK;
}

static int check_row(const double *values, size_t i)
{
    return check_bgbb_row(values[0], values[1], values[2], i);
}

static int check_rows(size_t n, const double *x, const double *t_x, const double *N)
{
    for (size_t i = 0; i < n; i++) {
        int status = check_bgbb_row(x[i], t_x[i], N[i], i);
        if (status != CXM_OK)
            return status;
    }
    return CXM_OK;
}

static void default_start(const cxm__data *data, double *params)
{
    /* Transaction probability ≈ x / t_x among repeaters; one death per
     * few opportunities. */
    double sx = 0.0, sn = 0.0;
    for (size_t i = 0; i < data->n; i++) {
        double w = data->weight ? data->weight[i] : 1.0;
        sx += w * data->column[0][i];
        sn += w * data->column[2][i];
    }
    double p = sn > 0.0 ? sx / sn : 0.5;
    if (!(p > 0.01))
        p = 0.01;
    if (p > 0.99)
        p = 0.99;
    params[PA] = p;
    params[PB] = 1.0 - p;
    params[PG] = 1.0;
    params[PD] = 3.0;
}

/* Per distinct x. */
enum { TAB_LG, TAB_PSI, TAB_TRI, TAB_WIDTH };

static void fill_table(const double *params, const double *xs, size_t ngroups, double *table)
{
    double a = params[PA];
    double lg = cxm__lgamma(a), psi = cxm__digamma(a), tri = cxm__trigamma(a);
    for (size_t g = 0; g < ngroups; g++) {
        double x = xs[g];
        double *t = table + g * TAB_WIDTH;
        t[TAB_LG] = x > 0 ? cxm__lgamma(a + x) - lg : 0.0;
        t[TAB_PSI] = x > 0 ? cxm__digamma(a + x) - psi : 0.0;
        t[TAB_TRI] = x > 0 ? cxm__trigamma(a + x) - tri : 0.0;
    }
}

/* Running log-sum-exp of terms with their gradients and Hessians. */
typedef struct lse {
    double max, sum;
    double g[4];
    double h[16];
} lse;

static void lse_init(lse *s)
{
    memset(s, 0, sizeof *s);
    s->max = -INFINITY;
}

/* Add e^l with gradient g and (block-diagonal) Hessian: hab = (αα, αβ, ββ),
 * hgd = (γγ, γδ, δδ). */
static void lse_add(lse *s, double l, const double *g, const double *hab, const double *hgd,
                    int order)
{
    if (l > s->max) {
        double scale = s->max == -INFINITY ? 0.0 : exp(s->max - l);
        s->sum *= scale;
        if (order >= 1)
            for (int k = 0; k < 4; k++)
                s->g[k] *= scale;
        if (order >= 2)
            for (int k = 0; k < 16; k++)
                s->h[k] *= scale;
        s->max = l;
    }
    double e = exp(l - s->max);
    s->sum += e;
    if (order < 1)
        return;
    for (int k = 0; k < 4; k++)
        s->g[k] += e * g[k];
    if (order < 2)
        return;
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            s->h[i * 4 + j] += e * g[i] * g[j];
    s->h[PA * 4 + PA] += e * hab[0];
    s->h[PA * 4 + PB] += e * hab[1];
    s->h[PB * 4 + PA] += e * hab[1];
    s->h[PB * 4 + PB] += e * hab[2];
    s->h[PG * 4 + PG] += e * hgd[0];
    s->h[PG * 4 + PD] += e * hgd[1];
    s->h[PD * 4 + PG] += e * hgd[1];
    s->h[PD * 4 + PD] += e * hgd[2];
}

/* Parameter-only terms shared by every row of an evaluation. */
typedef struct bgbb_common {
    double a, b, g, d;
    double lb_ab, lb_gd;
    double psi_b, psi_ab, psi_g, psi_d, psi_gd;
    double tri_b, tri_ab, tri_g, tri_d, tri_gd;
} bgbb_common;

static void common_init(bgbb_common *c, const double *params, int order)
{
    c->a = params[PA];
    c->b = params[PB];
    c->g = params[PG];
    c->d = params[PD];
    c->lb_ab = cxm__lbeta(c->a, c->b);
    c->lb_gd = cxm__lbeta(c->g, c->d);
    if (order >= 1) {
        c->psi_b = cxm__digamma(c->b);
        c->psi_ab = cxm__digamma(c->a + c->b);
        c->psi_g = cxm__digamma(c->g);
        c->psi_d = cxm__digamma(c->d);
        c->psi_gd = cxm__digamma(c->g + c->d);
    }
    if (order >= 2) {
        c->tri_b = cxm__trigamma(c->b);
        c->tri_ab = cxm__trigamma(c->a + c->b);
        c->tri_g = cxm__trigamma(c->g);
        c->tri_d = cxm__trigamma(c->d);
        c->tri_gd = cxm__trigamma(c->g + c->d);
    }
}

/* ln L of one history (and its gradient/Hessian into s); lgx, psix, trix:
 * ln Γ(α+x) − ln Γ(α) and the ψ, ψ' differences. Also returns, through
 * *alive_l, the log of the "alive through n" term. */
static double row_loglik(const bgbb_common *c, double x, double t_x, double n, double lgx,
                         double psix, double trix, int order, lse *s, double *alive_l)
{
    double a = c->a, b = c->b, g = c->g, d = c->d;
    double grad[4] = { 0 }, hab[3] = { 0 }, hgd[3] = { 0 };
    lse_init(s);

    /* Alive through n: B(α+x, β+n−x)/B(α,β) · B(γ, δ+n)/B(γ,δ). */
    /* ln B(α+x, β+m) − ln B(α, β) = lgx + ln Γ(β+m) − ln Γ(α+β+x+m) − ln Γ(β) + ln Γ(α+β) */
    double la = lgx + cxm__lgamma(b + (n - x)) - cxm__lgamma(a + b + n) - cxm__lgamma(b) + cxm__lgamma(a + b) +
         cxm__lbeta(g, d + n) - c->lb_gd;
    *alive_l = la;
    if (order >= 1) {
        double psi_abn = cxm__digamma(a + b + n), psi_gdn = cxm__digamma(g + d + n);
        grad[PA] = psix - psi_abn + c->psi_ab;
        grad[PB] = cxm__digamma(b + (n - x)) - c->psi_b - psi_abn + c->psi_ab;
        grad[PG] = c->psi_gd - psi_gdn;
        grad[PD] = cxm__digamma(d + n) - c->psi_d - psi_gdn + c->psi_gd;
        if (order >= 2) {
            double tri_abn = cxm__trigamma(a + b + n), tri_gdn = cxm__trigamma(g + d + n);
            hab[0] = trix - tri_abn + c->tri_ab;
            hab[1] = -tri_abn + c->tri_ab;
            hab[2] = cxm__trigamma(b + (n - x)) - c->tri_b - tri_abn + c->tri_ab;
            hgd[0] = c->tri_gd - tri_gdn;
            hgd[1] = c->tri_gd - tri_gdn;
            hgd[2] = cxm__trigamma(d + n) - c->tri_d - tri_gdn + c->tri_gd;
        }
    }
    lse_add(s, la, grad, hab, hgd, order);

    /* Died after opportunity k = t_x + i, i = 0..n−t_x−1:
     * B(α+x, β+k−x)/B(α,β) · B(γ+1, δ+k)/B(γ,δ), updated term by term. */
    if (n > t_x) {
        double k = t_x, m = t_x - x; /* β + m, α + β + x + m = α + β + k */
        double l = lgx + cxm__lgamma(b + m) - cxm__lgamma(a + b + k) - cxm__lgamma(b) +
                   cxm__lgamma(a + b) + log(g) + cxm__lgamma(d + k) - cxm__lgamma(g + d + k + 1.0) -
                   cxm__lgamma(d) + cxm__lgamma(g + d);
        double psi_bm = 0, psi_abk = 0, psi_dk = 0, psi_gdk = 0;
        double tri_bm = 0, tri_abk = 0, tri_dk = 0, tri_gdk = 0;
        if (order >= 1) {
            psi_bm = cxm__digamma(b + m);
            psi_abk = cxm__digamma(a + b + k);
            psi_dk = cxm__digamma(d + k);
            psi_gdk = cxm__digamma(g + d + k + 1.0);
        }
        if (order >= 2) {
            tri_bm = cxm__trigamma(b + m);
            tri_abk = cxm__trigamma(a + b + k);
            tri_dk = cxm__trigamma(d + k);
            tri_gdk = cxm__trigamma(g + d + k + 1.0);
        }
        for (; k < n; k += 1.0, m += 1.0) {
            if (order >= 1) {
                grad[PA] = psix - psi_abk + c->psi_ab;
                grad[PB] = psi_bm - c->psi_b - psi_abk + c->psi_ab;
                grad[PG] = 1.0 / g + c->psi_gd - psi_gdk;
                grad[PD] = psi_dk - c->psi_d - psi_gdk + c->psi_gd;
                if (order >= 2) {
                    hab[0] = trix - tri_abk + c->tri_ab;
                    hab[1] = -tri_abk + c->tri_ab;
                    hab[2] = tri_bm - c->tri_b - tri_abk + c->tri_ab;
                    hgd[0] = -1.0 / (g * g) + c->tri_gd - tri_gdk;
                    hgd[1] = c->tri_gd - tri_gdk;
                    hgd[2] = tri_dk - c->tri_d - tri_gdk + c->tri_gd;
                }
            }
            lse_add(s, l, grad, hab, hgd, order);
            /* next k: ratios (β+m)/(α+β+k) and (δ+k)/(γ+δ+k+1) */
            double ybm = b + m, yabk = a + b + k, ydk = d + k, ygdk = g + d + k + 1.0;
            l += log(ybm / yabk) + log(ydk / ygdk);
            if (order >= 1) {
                psi_bm += 1.0 / ybm;
                psi_abk += 1.0 / yabk;
                psi_dk += 1.0 / ydk;
                psi_gdk += 1.0 / ygdk;
            }
            if (order >= 2) {
                tri_bm -= 1.0 / (ybm * ybm);
                tri_abk -= 1.0 / (yabk * yabk);
                tri_dk -= 1.0 / (ydk * ydk);
                tri_gdk -= 1.0 / (ygdk * ygdk);
            }
        }
    }
    return s->max + log(s->sum);
}

static void loglik(const double *params, const cxm__data *data, const double *table,
                   size_t begin, size_t end, int order, double *acc)
{
    bgbb_common c;
    common_init(&c, params, order);
    const double *xs = data->column[0], *txs = data->column[1], *ns = data->column[2];
    const double *ws = data->weight;
    lse s;
    for (size_t i = begin; i < end; i++) {
        const double *t = table + (size_t)data->group[i] * TAB_WIDTH;
        double w = ws ? ws[i] : 1.0, alive_l;
        double ll = row_loglik(&c, xs[i], txs[i], ns[i], t[TAB_LG], t[TAB_PSI], t[TAB_TRI],
                               order, &s, &alive_l);
        acc[0] += w * ll;
        if (order < 1)
            continue;
        double grad[4];
        for (int k = 0; k < 4; k++) {
            grad[k] = s.g[k] / s.sum;
            acc[1 + k] += w * grad[k];
        }
        if (order < 2)
            continue;
        for (int p = 0; p < 4; p++)
            for (int q = 0; q < 4; q++)
                acc[5 + p * 4 + q] += w * (s.h[p * 4 + q] / s.sum - grad[p] * grad[q]);
    }
}

/* ------------------------------------------------------------------ predictions */

/* ln L and ln(alive-through-n term) of one history. */
static double history(const bgbb_common *c, double x, double t_x, double n, double *alive_l)
{
    lse s;
    double lgx = x > 0 ? cxm__lgamma(c->a + x) - cxm__lgamma(c->a) : 0.0;
    return row_loglik(c, x, t_x, n, lgx, 0.0, 0.0, 0, &s, alive_l);
}

static int p_alive(const double *params, double *dst, size_t n, const double *x,
                   const double *t_x, const double *N)
{
    int status = check_rows(n, x, t_x, N);
    if (status != CXM_OK)
        return status;
    bgbb_common c;
    common_init(&c, params, 0);
    for (size_t i = 0; i < n; i++) {
        double alive_l, ll = history(&c, x[i], t_x[i], N[i], &alive_l);
        /* alive at n+1: one more survival, (δ+n)/(γ+δ+n) */
        double v = exp(alive_l - ll + log((c.d + N[i]) / (c.g + c.d + N[i])));
        dst[i] = v > 1.0 ? 1.0 : v;
    }
    return CXM_OK;
}

/* A(d, N) = Σ_{j=1..N} B(γ, d+j)/B(γ, d): expected opportunities alive among
 * the next N of a customer alive now whose death parameter is Beta(γ, d). */
static double alive_sum(double g, double d, double N)
{
    if (N <= 0.0)
        return 0.0;
    if (N <= 64.0) {
        double ratio = 1.0, sum = 0.0;
        for (double j = 0; j < N; j += 1.0) {
            ratio *= (d + j) / (g + d + j);
            sum += ratio;
        }
        return sum;
    }
    /* d/(γ−1)·(1 − e^D) with D = ln[Γ(d+N+1)Γ(γ+d)/(Γ(d+1)Γ(γ+d+N))]. With
     * y = d+1, h = γ−1 and F(u) = ln Γ(u+N) − ln Γ(u): D = F(y) − F(y+h) =
     * −h·k, k = Dv(y+N, h) − Dv(y, h) (Dv: divided differences of ln Γ), so
     * (1 − e^D)/h = k·exprel(D): no division by γ − 1, exact at γ = 1. */
    double y = d + 1.0, h = g - 1.0;
    double k = cxm__lgamma_divdiff(y + N, h, NULL) - cxm__lgamma_divdiff(y, h, NULL);
    double D = -h * k;
    /* (1 − e^D)/h = k · exprel(D) */
    double ex = D == 0.0 ? 1.0 : expm1(D) / D;
    return d * k * ex;
}

static int check_whole(size_t n, const double *t, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        int status = cxm__check_count(t[i], name, i);
        if (status != CXM_OK)
            return status;
    }
    return CXM_OK;
}

static int expected(const double *params, double *dst, size_t n, const double *t)
{
    int status = check_whole(n, t, "n (opportunities)");
    if (status != CXM_OK)
        return status;
    double a = params[PA], b = params[PB], g = params[PG], d = params[PD];
    /* At most one transaction per opportunity: the closed form's rounding
     * (1e-8 relative with delta = 1e10) must not cross that bound. */
    for (size_t i = 0; i < n; i++)
        dst[i] = fmin(t[i], a / (a + b) * alive_sum(g, d, t[i]));
    return CXM_OK;
}

static int conditional(const double *params, double *dst, size_t n, const double *t,
                       const double *x, const double *t_x, const double *N)
{
    int status = check_whole(n, t, "n* (future opportunities)");
    if (status == CXM_OK)
        status = check_rows(n, x, t_x, N);
    if (status != CXM_OK)
        return status;
    bgbb_common c;
    common_init(&c, params, 0);
    double p = 0.0;
    for (size_t i = 0; i < n; i++) {
        /* Several horizons for one history: its likelihood once. */
        if (i == 0 || x[i] != x[i - 1] || t_x[i] != t_x[i - 1] || N[i] != N[i - 1]) {
            double alive_l, ll = history(&c, x[i], t_x[i], N[i], &alive_l);
            p = exp(alive_l - ll);
            if (p > 1.0)
                p = 1.0;
        }
        dst[i] = fmin(t[i], p * (c.a + x[i]) / (c.a + c.b + N[i]) * alive_sum(c.g, c.d + N[i], t[i]));
    }
    return CXM_OK;
}

static int dert(const double *params, double *dst, size_t n, double rate, const double *x,
                const double *t_x, const double *N)
{
    int status = check_rows(n, x, t_x, N);
    if (status != CXM_OK)
        return status;
    bgbb_common c;
    common_init(&c, params, 0);
    double z = exp(-rate), zc = -expm1(-rate);
    /* The discount per opportunity d = e^rate − 1, in logs (rate may be 1e308). */
    double log_d = rate > 40.0 ? rate + log1p(-exp(-rate)) : log(expm1(rate));
    for (size_t i = 0; i < n; i++) {
        double alive_l, ll = history(&c, x[i], t_x[i], N[i], &alive_l);
        double p = exp(alive_l - ll);
        if (p > 1.0)
            p = 1.0;
        /* Σ_{j>=1} z^j E[(1−θ)^j] = E[(1−θ)/(d+θ)] for θ ~ Beta(γ, δ+n):
         * z·dn/(γ+dn)·2F1(1, dn+1; γ+dn+1; z) while γ + dn holds the digits
         * of γ, else by quadrature (cxm__beta_discount_log). */
        double dn = c.d + N[i], lf = NAN, err = INFINITY;
        int sign = 0;
        if ((c.g + dn) * DBL_EPSILON <= 1e-12 * c.g &&
            (cxm__hyp2f1_log2(1.0, dn + 1.0, c.g + dn + 1.0, z, zc, &lf, &sign, &err) != CXM_OK ||
             sign <= 0))
            err = INFINITY;
        double sum = err <= 1e-10 ? z * dn / (c.g + dn) * exp(lf)
                                  : exp(cxm__beta_discount_log(c.g, dn, log_d, 1));
        dst[i] = p * (c.a + x[i]) / (c.a + c.b + N[i]) * sum;
    }
    return CXM_OK;
}

/* P(X(n) = x) for a new customer (Fader, Hardie & Shang 2010, equation 7). */
static int probability(const double *params, double *dst, size_t n, const double *count,
                       const double *t)
{
    int status = check_whole(n, t, "n (opportunities)");
    for (size_t i = 0; status == CXM_OK && i < n; i++)
        status = check_opportunities(t[i], "n (opportunities)", i);
    if (status != CXM_OK)
        return status;
    bgbb_common c;
    common_init(&c, params, 0);
    double a = c.a, b = c.b, g = c.g, d = c.d;
    for (size_t i = 0; i < n; i++) {
        double x = count[i], N = t[i];
        if (x > N) {
            dst[i] = 0.0;
            continue;
        }
        /* Ratios of Beta functions as sums of ln Γ(y + k) − ln Γ(y), never
         * ln Γ(1e10) − ln Γ(1e10 + 1): alive through N,
         * C(N, x) = 1/((N+1)·B(x+1, N−x+1)) times
         * B(α+x, β+N−x)/B(α,β) · B(γ, δ+N)/B(γ,δ). */
        double gx = cxm__lgamma_diff(a, x);
        double l0 = -log(N + 1.0) - cxm__lbeta(x + 1.0, (N - x) + 1.0) + gx +
                    cxm__lgamma_diff(b, N - x) - cxm__lgamma_diff(a + b, N) +
                    cxm__lgamma_diff(d, N) - cxm__lgamma_diff(g + d, N);
        double top = l0, sum = 1.0;
        /* died after opportunity j = x..N−1: C(j, x) B(α+x, β+j−x)/B(α,β) B(γ+1, δ+j)/B(γ,δ) */
        if (N > x) {
            double j = x;
            /* C(x, x) = 1, β + j − x = β; B(γ+1, δ+j)/B(γ,δ) = γ Γ(δ+j)Γ(γ+δ)/(Γ(δ)Γ(γ+δ+j+1)) */
            double l = gx - cxm__lgamma_diff(a + b, x) + log(g) + cxm__lgamma_diff(d, j) -
                       cxm__lgamma_diff(g + d, j + 1.0);
            for (; j < N; j += 1.0) {
                if (l > top) {
                    sum = sum * exp(top - l) + 1.0;
                    top = l;
                } else {
                    sum += exp(l - top);
                }
                /* j → j+1: C(j+1,x)/C(j,x) = (j+1)/(j+1−x); (β+j−x)/(α+β+j); (δ+j)/(γ+δ+j+1) */
                l += log((j + 1.0) / (j + 1.0 - x)) + log((b + (j - x)) / (a + b + j)) +
                     log((d + j) / (g + d + j + 1.0));
            }
        }
        dst[i] = exp(top + log(sum));
    }
    return CXM_OK;
}

static int simulate(const double *params, cxm_rng *rng, double T, double *x, double *t_x,
                    double *times, size_t capacity,
                    double *latent)
{
    if (!(T == floor(T) && T >= 0.0))
        return cxm__fail(CXM_EINVAL,
                         "BG/BB observes whole numbers of opportunities: n = %g is not one", T);
    if (T > MAX_OPPORTUNITIES) /* one draw per opportunity */
        return cxm__fail(CXM_EDOMAIN,
                         "n = %.0f opportunities is beyond %.0f, the most BG/BB simulates", T,
                         MAX_OPPORTUNITIES);
    double p = cxm__rng_beta(rng, params[PA], params[PB]);
    double theta = cxm__rng_beta(rng, params[PG], params[PD]);
    double count = 0.0, last = 0.0;
    size_t stored = 0;
    int died = 0;
    for (double k = 1.0; k <= T; k += 1.0) {
        if (cxm__rng_uniform(rng) < theta) {
            died = 1;
            break;
        }
        if (cxm__rng_uniform(rng) < p) {
            count += 1.0;
            last = k;
            if (times && stored < capacity)
                times[stored++] = k;
        }
    }
    *x = count;
    *t_x = last;
    if (latent) {
        /* Alive at opportunity n + 1 (the paper's P(alive) and lifetimes'
         * column): survived every death draw so far and the next one. */
        latent[0] = p;
        latent[1] = theta;
        latent[2] = !died && cxm__rng_uniform(rng) >= theta ? 1.0 : 0.0;
    }
    if (times && count > (double)capacity) /* the model contract: x is set */
        return cxm__fail(CXM_ERANGE, "%.0f transactions do not fit in the %zu places left", count,
                         capacity);
    return CXM_OK;
}

static const char *const aliases[] = { "bg/bb", NULL };

const cxm__kind cxm__kind_bgbb = {
    .kind = CXM_MODEL_BGBB,
    .name = "bgbb",
    .aliases = aliases,
    .title = "BG/BB",
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
    .p_alive = p_alive,
    .expected_purchases = expected,
    .conditional_purchases = conditional,
    .purchase_probability = probability,
    .dert = dert,
    .simulate = simulate,
};
