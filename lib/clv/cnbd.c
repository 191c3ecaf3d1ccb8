/* BG/CNBD-k and MBG/CNBD-k (Platzer & Reutterer 2016, "Ticking away the
 * moments: timing regularity helps to better predict customer activity",
 * Marketing Science 35(5)): BG/NBD and MBG/NBD with Erlang-k instead of
 * exponential inter-purchase times, for customers who buy regularly.
 *
 * A customer's "ticks" form a Poisson process of rate λ ~ Gamma(r, α); every
 * k-th tick is a purchase, so inter-purchase times are Gamma(k, λ). Right
 * after each purchase (MBG: also at time 0) the customer dies with
 * probability p ~ Beta(a, b). With s = 0 (BG) or 1 (MBG), A = r + kx,
 * B = b + x + s, u = (T − t_x)/(α + T):
 *   ln L = (k−1)·litt − x·ln((k−1)!) + ln B(a, B) − ln B(a, b)
 *          + ln Γ(A) − ln Γ(r) + r ln α − A ln(α+T)
 *          + ln(S + δ·a/(B−1)·((α+T)/(α+t_x))^A),
 *   S = Σ_{j<k} (A)_j u^j / j!   (the last, unfinished interval lasting
 *                                  longer than T − t_x, j ticks into it),
 * δ = 1{x > 0} for BG, 1 for MBG; litt = Σ ln(inter-purchase times). k = 1
 * is BG/NBD (MBG/NBD) term for term: S = 1 and the litt term vanishes.
 *
 * k is the kind's fifth parameter on the engine's fixed scale: a fit keeps
 * it and optimises r, α, a, b (lib/clv/model.c selects k by likelihood when
 * the caller has not fixed it). */
#include "config.h"

#include <math.h>
#include <string.h>

#include "clv/model_internal.h"
#include "core/internal.h"
#include "numeric/special.h"

enum { PR, PALPHA, PA, PB, PK }; /* parameter order: r, alpha, a, b, k */

static const char *const param_names[] = { "r", "alpha", "a", "b", "k" };
static const cxm__scale scales[] = { CXM__SCALE_LOG, CXM__SCALE_LOG, CXM__SCALE_LOG,
                                     CXM__SCALE_LOG, CXM__SCALE_FIXED };
static const char *const column_names[] = { "x", "t_x", "T", "litt" };

/* ------------------------------------------------------------------ rows and parameters */

static int check_row(const double *values, size_t i)
{
    double x = values[0], t_x = values[1], litt = values[3];
    int status = cxm__check_purchase_row(x, values[1], values[2], i);
    if (status != CXM_OK)
        return status;
    if (!isfinite(litt))
        return cxm__fail(CXM_EINVAL,
                         "element %zu: litt %g is not finite (an inter-purchase time of 0? "
                         "merge purchases made at the same time)",
                         i, litt);
    if (x == 0.0 && litt != 0.0)
        return cxm__fail(CXM_EINVAL,
                         "element %zu: litt %g must be 0 when x is 0 (no inter-purchase time)", i,
                         litt);
    /* Jensen: the mean of the logs is at most the log of the mean, t_x/x. */
    if (x > 0.0 && !(litt <= x * log(t_x / x) + 1e-9 * (1.0 + fabs(litt))))
        return cxm__fail(CXM_EINVAL,
                         "element %zu: litt %g exceeds x·ln(t_x/x) = %g, which no %g "
                         "inter-purchase times summing to t_x %g reach",
                         i, litt, x * log(t_x / x), x, t_x);
    return CXM_OK;
}

static int check_params(const double *params)
{
    double k = params[PK];
    if (!(k >= 1.0 && k <= CXM_MAX_REGULARITY && k == floor(k)))
        return cxm__fail(CXM_EINVAL, "regularity k = %g must be a whole number from 1 to %d", k,
                         CXM_MAX_REGULARITY);
    return CXM_OK;
}

static void default_start(const cxm__data *data, double *params)
{
    /* As BG/NBD's at k = 1; the engine sets k (lib/clv/model.c). */
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
    params[PK] = 1.0;
}

/* Per distinct x: the terms that do not depend on t_x, T and litt. */
enum {
    TAB_CONST,  /* ln Γ(A) − ln Γ(r) + ln B(a,B) − ln B(a,b) − x ln((k−1)!) */
    TAB_LZ,     /* ln a − ln(B − 1) */
    TAB_GR,     /* ψ(A) − ψ(r) */
    TAB_GA,     /* ψ(a+b) − ψ(a+B) */
    TAB_GB,     /* ψ(B) − ψ(a+B) − ψ(b) + ψ(a+b) */
    TAB_INVD,   /* 1/(B − 1) */
    TAB_SECOND, /* 1 when the dead-after-the-last-purchase term exists */
    TAB_WIDTH
};

static void fill_table_shift(const double *params, const double *xs, size_t ngroups,
                             double *table, double shift)
{
    double r = params[PR], a = params[PA], b = params[PB], k = params[PK];
    double lg_r = cxm__lgamma(r), lb_ab = cxm__lbeta(a, b), lfact = cxm__lgamma(k);
    double psi_r = cxm__digamma(r), psi_ab = cxm__digamma(a + b), psi_b = cxm__digamma(b);
    for (size_t g = 0; g < ngroups; g++) {
        double x = xs[g], A = r + k * x, Bp = b + x + shift;
        double *t = table + g * TAB_WIDTH;
        int second = shift > 0.0 || x > 0.0;
        t[TAB_CONST] = (x > 0 ? cxm__lgamma(A) - lg_r - x * lfact : 0.0) +
                       (Bp != b ? cxm__lbeta(a, Bp) - lb_ab : 0.0);
        t[TAB_LZ] = second ? log(a) - log(Bp - 1.0) : 0.0;
        t[TAB_GR] = x > 0 ? cxm__digamma(A) - psi_r : 0.0;
        double psi_aB = cxm__digamma(a + Bp);
        t[TAB_GA] = Bp != b ? psi_ab - psi_aB : 0.0;
        t[TAB_GB] = Bp != b ? cxm__digamma(Bp) - psi_aB - psi_b + psi_ab : 0.0;
        t[TAB_INVD] = second ? 1.0 / (Bp - 1.0) : 0.0;
        t[TAB_SECOND] = second ? 1.0 : 0.0;
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

/* The unfinished interval: ln S with S = Σ_{j<k} τ_j, τ_j = (A)_j u^j/j!,
 * and the means over j (weights τ_j/S) of H_j = Σ_{i<j} 1/(A+i) (∂ ln τ_j/∂A)
 * and of j. Rescaled as it goes, so that huge A·u never overflows. */
typedef struct tail_sum {
    double log_s, mean_h, mean_j;
} tail_sum;

static void unfinished(double A, double u, int k, tail_sum *out)
{
    double tau = 1.0, s = 1.0, sh = 0.0, sj = 0.0, h = 0.0, offset = 0.0;
    for (int j = 1; j < k && u > 0.0; j++) {
        h += 1.0 / (A + j - 1);
        tau *= (A + j - 1) * u / j;
        s += tau;
        sh += tau * h;
        sj += tau * j;
        if (s > 1e250) {
            tau *= 1e-250;
            s *= 1e-250;
            sh *= 1e-250;
            sj *= 1e-250;
            offset += 250.0 * 2.302585092994046; /* ln 1e250 */
        }
    }
    out->log_s = offset + log(s);
    out->mean_h = sh / s;
    out->mean_j = sj / s;
}

/* ln of the odds that the customer died right after the last purchase: the
 * second term over S. */
static double dead_log_odds_row(double lz, double A, double alpha, double t_x, double T,
                                const tail_sum *ts)
{
    return lz + A * (log(alpha + T) - log(alpha + t_x)) - ts->log_s;
}

static void loglik(const double *params, const cxm__data *data, const double *table,
                   size_t begin, size_t end, int order, double *acc)
{
    double r = params[PR], alpha = params[PALPHA], k = params[PK];
    int ki = (int)k;
    double log_alpha = log(alpha), inv_a = 1.0 / params[PA];
    const double *xs = data->column[0], *txs = data->column[1], *Ts = data->column[2];
    const double *litts = data->column[3], *ws = data->weight;
    double ll = 0.0, g[4] = { 0, 0, 0, 0 };
    for (size_t i = begin; i < end; i++) {
        const double *t = table + (size_t)data->group[i] * TAB_WIDTH;
        double w = ws ? ws[i] : 1.0, x = xs[i], A = r + k * x, aT = alpha + Ts[i];
        tail_sum ts;
        unfinished(A, (Ts[i] - txs[i]) / aT, ki, &ts);
        double value = t[TAB_CONST] + (k - 1.0) * litts[i] + r * log_alpha - A * log(aT);
        double lw = 0.0, z = 0.0, atx = alpha + txs[i];
        if (t[TAB_SECOND] != 0.0) {
            z = dead_log_odds_row(t[TAB_LZ], A, alpha, txs[i], Ts[i], &ts);
            double e = exp(-fabs(z));
            value += ts.log_s + (z > 0 ? z : 0.0) + log1p(e);
            lw = (z >= 0 ? 1.0 : e) / (1.0 + e); /* weight of the second term */
        } else {
            value += ts.log_s;
        }
        ll += w * value;
        if (order < 1)
            continue;
        double ws_ = 1.0 - lw;
        /* ∂ln S/∂r = mean H; ∂ln S/∂α = −mean j/(α+T) (u = (T−t_x)/(α+T)). */
        double d_r = t[TAB_GR] + log_alpha - log(aT) + ws_ * ts.mean_h +
                     lw * log(aT / atx);
        double d_al = r / alpha - A / aT - ws_ * ts.mean_j / aT + lw * A * (1.0 / aT - 1.0 / atx);
        double d_a = t[TAB_GA] + lw * inv_a;
        double d_b = t[TAB_GB] - lw * t[TAB_INVD];
        g[0] += w * d_r;
        g[1] += w * d_al;
        g[2] += w * d_a;
        g[3] += w * d_b;
    }
    acc[0] += ll;
    if (order >= 1) {
        for (int j = 0; j < 4; j++)
            acc[1 + j] += g[j];
        /* acc[1 + PK]: k is fixed, its derivative is not used. */
    }
}

/* ------------------------------------------------------------------ predictions */

/* P(alive) = S/(S + δ·a/(B−1)·((α+T)/(α+t_x))^A): litt cancels. */
static double p_alive_one(const double *params, double shift, double x, double t_x, double T)
{
    double r = params[PR], alpha = params[PALPHA], a = params[PA], b = params[PB];
    double k = params[PK];
    if (shift == 0.0 && x == 0.0)
        return 1.0;
    double A = r + k * x, aT = alpha + T;
    tail_sum ts;
    unfinished(A, (T - t_x) / aT, (int)k, &ts);
    double z = dead_log_odds_row(log(a) - log(b + x + shift - 1.0), A, alpha, t_x, T, &ts);
    return z > 0 ? exp(-z) / (1.0 + exp(-z)) : 1.0 / (1.0 + exp(z));
}

static int p_alive_bg(const double *params, double *dst, size_t n, const double *x,
                      const double *t_x, const double *T)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = p_alive_one(params, 0.0, x[i], t_x[i], T[i]);
    return CXM_OK;
}

static int p_alive_mbg(const double *params, double *dst, size_t n, const double *x,
                       const double *t_x, const double *T)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = p_alive_one(params, 1.0, x[i], t_x[i], T[i]);
    return CXM_OK;
}

/* Ticks a series may reach before the horizon counts as too long
 * (documented at CXM_MODEL_BGCNBD). */
#define TICK_LIMIT 2e6

/* E[purchases in the next t | alive, j ticks into the current interval]:
 * with N ~ NB(A_j, q) the ticks in t (λ ~ Gamma(A_j, α+T), q = t/(α+T+t)),
 * the m-th future purchase happens when N >= mk − j and counts if the
 * m−1 before it did not kill: E = Σ_n P(N = n)·C(⌊(n+j)/k⌋), where
 * C(M) = Σ_{m<=M} E[(1−p)^(m−1)], p ~ Beta(a, B). −1 when too long. */
static double alive_purchases(double Aj, double q, int j, int k, double a, double Bp)
{
    double lq = log(q), l1q = log1p(-q);
    double mean = Aj * q / (1.0 - q), sd = sqrt(Aj * q) / (1.0 - q);
    double hi = mean + 14.0 * sd + 40.0 / fmax(-lq, 1e-300) + 30.0;
    double lo = floor(mean - 14.0 * sd);
    if (lo < 0.0)
        lo = 0.0;
    /* Bounded time: the prefix of C below lo costs lo/k steps too. */
    if (!(hi <= TICK_LIMIT))
        return -1.0;
    /* C(M) for M up to the first tick count: its terms c_m = E[(1−p)^(m−1)]. */
    double C = 0.0, c = 1.0, m_done = 0.0;
    double first_M = floor((lo + j) / k);
    for (double m = 1.0; m <= first_M; m += 1.0) {
        C += c;
        c *= (Bp + m - 1.0) / (a + Bp + m - 1.0);
        m_done = m;
    }
    double n = lo;
    double lpmf = cxm__lgamma(Aj + n) - cxm__lgamma(Aj) - cxm__lgamma(n + 1.0) + n * lq + Aj * l1q;
    double pmf = exp(lpmf), sum = 0.0, mass = 0.0;
    for (;;) {
        double M = floor((n + j) / k);
        while (m_done < M) {
            C += c;
            m_done += 1.0;
            c *= (Bp + m_done - 1.0) / (a + Bp + m_done - 1.0);
        }
        sum += pmf * C;
        mass += pmf;
        if (n >= hi)
            break;
        pmf *= (Aj + n) * q / (n + 1.0);
        n += 1.0;
    }
    /* The window holds all but a negligible mass; renormalise the rounding
     * of the starting ln Γ difference (as lib/clv/bgnbd.c's series). */
    return mass > 0.0 ? sum / mass : 0.0;
}

/* E[Y(t) | x, t_x, T] = P(alive)·Σ_j w_j·alive_purchases(A + j), with w_j the
 * posterior weights of the ticks into the unfinished interval. */
static int conditional_one(const double *params, double shift, double t, double x, double t_x,
                           double T, double *out)
{
    double r = params[PR], alpha = params[PALPHA], a = params[PA], b = params[PB];
    int k = (int)params[PK];
    *out = 0.0;
    if (!(t > 0.0))
        return CXM_OK;
    double alive = p_alive_one(params, shift, x, t_x, T);
    if (alive == 0.0)
        return CXM_OK;
    double A = r + k * x, aT = alpha + T, u = (T - t_x) / aT;
    double q = t / (aT + t);
    if (!(q < 1.0))
        return cxm__fail(CXM_EDOMAIN, "horizon %g is too long for the series of expected purchases",
                         t);
    /* ln τ_j (see unfinished()), then weights relative to the largest. */
    double lt[CXM_MAX_REGULARITY], top = 0.0, total = 0.0, weight = 0.0;
    int terms = u > 0.0 ? k : 1;
    lt[0] = 0.0;
    for (int j = 1; j < terms; j++) {
        lt[j] = lt[j - 1] + log((A + j - 1) * u / j);
        top = fmax(top, lt[j]);
    }
    for (int j = 0; j < terms; j++) {
        double w = exp(lt[j] - top);
        double e = alive_purchases(A + j, q, j, k, a, b + x + shift);
        if (e < 0.0)
            return cxm__fail(CXM_EDOMAIN,
                             "horizon %g: more than %g purchase cycles to sum (use a shorter "
                             "horizon)",
                             t, TICK_LIMIT);
        total += w * e;
        weight += w;
    }
    *out = alive * total / weight;
    return CXM_OK;
}

static int conditional_shift(const double *params, double shift, double *dst, size_t n,
                             const double *t, const double *x, const double *t_x,
                             const double *T)
{
    for (size_t i = 0; i < n; i++) {
        int status = conditional_one(params, shift, t[i], x[i], t_x[i], T[i], &dst[i]);
        if (status != CXM_OK)
            return cxm__fail_prefix_status(status, "element %zu: ", i);
    }
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

/* E[X(t)] of a new customer: a customer with x = 0 seen for no time. */
static int expected_shift(const double *params, double shift, double *dst, size_t n,
                          const double *t)
{
    for (size_t i = 0; i < n; i++) {
        int status = conditional_one(params, shift, t[i], 0.0, 0.0, 0.0, &dst[i]);
        if (status != CXM_OK)
            return cxm__fail_prefix_status(status, "element %zu: ", i);
    }
    return CXM_OK;
}

static int expected_bg(const double *params, double *dst, size_t n, const double *t)
{
    return expected_shift(params, 0.0, dst, n, t);
}

static int expected_mbg(const double *params, double *dst, size_t n, const double *t)
{
    return expected_shift(params, 1.0, dst, n, t);
}

/* ------------------------------------------------------------------ simulation */

/* N ~ Poisson(λT) ticks fall uniformly in (0, T); every k-th is a purchase,
 * the J-th purchase kills (MBG may die at 0). x = min(⌊N/k⌋, J) and t_x is
 * the (xk)-th of N uniform order statistics: a Beta draw. Earlier purchase
 * times are every k-th of xk − 1 sorted uniforms on (0, t_x). */
static int simulate_shift(const double *params, double shift, cxm_rng *rng, double T, double *x,
                          double *t_x, double *times, size_t capacity, double *latent)
{
    double k = params[PK];
    double lambda = cxm__rng_gamma(rng, params[PR], params[PALPHA]);
    double p = cxm__rng_beta(rng, params[PA], params[PB]);
    int dead_at_zero = shift > 0.0 ? cxm__rng_bernoulli(rng, p) : 0;
    if (lambda * T > CXM__SIM_MAX_MEAN)
        return cxm__fail(CXM_ERANGE,
                         "%g expected ticks in T = %g are beyond 2^52, the most a simulated "
                         "count holds",
                         lambda * T, T);
    double N = (double)cxm__rng_poisson(rng, lambda * T);
    double M = floor(N / k);
    double J = p > 0.0 ? 1.0 + (double)cxm__rng_geometric(rng, p) : INFINITY;
    double count = dead_at_zero ? 0.0 : fmin(M, J), last = 0.0;
    if (count > 0.0)
        last = T * cxm__rng_beta(rng, count * k, N - count * k + 1.0);
    *x = count;
    *t_x = last;
    if (latent) {
        latent[0] = lambda;
        latent[1] = p;
        latent[2] = !dead_at_zero && M < J ? 1.0 : 0.0;
    }
    if (times == NULL || count == 0.0)
        return CXM_OK;
    if (count > (double)capacity)
        return cxm__fail(CXM_ERANGE, "%.0f purchase times do not fit in the %zu places left",
                         count, capacity);
    size_t n = (size_t)count, kk = (size_t)k, ticks = n * kk;
    /* ticks − 1 sorted uniforms on (0, last) from exponential spacings,
     * keeping every k-th partial sum. */
    double total = 0.0;
    for (size_t j = 1; j < ticks; j++) {
        total += cxm__rng_exponential(rng, 1.0);
        if (j % kk == 0)
            times[j / kk - 1] = total;
    }
    total += cxm__rng_exponential(rng, 1.0);
    for (size_t m = 0; m + 1 < n; m++)
        times[m] = last * times[m] / total;
    times[n - 1] = last;
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

static const char *const bgcnbd_aliases[] = { "bg/cnbd-k", "bgcnbd-k", NULL };

const cxm__kind cxm__kind_bgcnbd = {
    .kind = CXM_MODEL_BGCNBD,
    .name = "bgcnbd",
    .aliases = bgcnbd_aliases,
    .title = "BG/CNBD-k",
    .nparams = 5,
    .param_names = param_names,
    .scales = scales,
    .ncolumns = 4,
    .column_names = column_names,
    .group_column = 0,
    .table_width = TAB_WIDTH,
    .has_hessian = 0,
    .check_row = check_row,
    .check_params = check_params,
    .default_start = default_start,
    .fill_table = fill_table_bg,
    .loglik = loglik,
    .p_alive = p_alive_bg,
    .expected_purchases = expected_bg,
    .conditional_purchases = conditional_bg,
    .simulate = simulate_bg,
};

static const char *const mbgcnbd_aliases[] = { "mbg/cnbd-k", "mbgcnbd-k", NULL };

const cxm__kind cxm__kind_mbgcnbd = {
    .kind = CXM_MODEL_MBGCNBD,
    .name = "mbgcnbd",
    .aliases = mbgcnbd_aliases,
    .title = "MBG/CNBD-k",
    .nparams = 5,
    .param_names = param_names,
    .scales = scales,
    .ncolumns = 4,
    .column_names = column_names,
    .group_column = 0,
    .table_width = TAB_WIDTH,
    .has_hessian = 0,
    .check_row = check_row,
    .check_params = check_params,
    .default_start = default_start,
    .fill_table = fill_table_mbg,
    .loglik = loglik,
    .p_alive = p_alive_mbg,
    .expected_purchases = expected_mbg,
    .conditional_purchases = conditional_mbg,
    .simulate = simulate_mbg,
};
