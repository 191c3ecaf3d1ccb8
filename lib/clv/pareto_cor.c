/* Pareto/NBD with correlated purchase and dropout rates (docs/models.md
 * §1.6.1; CLVTools' use.cor): λ ~ Gamma(r, α) and μ ~ Gamma(s, β) joined by
 * the Sarmanov family (Park & Fader 2004; Glady, Lemmens & Croux 2015),
 *
 *   f(λ, μ) = g(λ)·h(μ)·[1 + ω·(e^−λ − L1)·(e^−μ − L2)],
 *   L1 = (α/(α+1))^r = E[e^−λ],  L2 = (β/(β+1))^s = E[e^−μ].
 *
 * Because e^−λ·g(λ; r, α) = L1·g(λ; r, α+1), every expectation over f is a
 * combination of four Pareto/NBD expectations at (α, β), (α+1, β), (α, β+1)
 * and (α+1, β+1):
 *
 *   E_f[q] = E[q](α,β) + ω·L1·L2·(E[q](α+1,β+1) − E[q](α+1,β) − E[q](α,β+1) + E[q](α,β)),
 *
 * for the likelihood (q = the individual likelihood), and for P(alive) and
 * E[Y(t)] as ratios of such combinations. ω = 0 is the Pareto/NBD. The
 * correlation of λ and μ is ω·L1·L2·√(rs)/((α+1)(β+1)); ω is bounded so that
 * f ≥ 0. Parameters r, alpha, s, beta, omega. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "clv/model_internal.h"
#include "clv/pareto_internal.h"
#include "core/internal.h"

enum { PR, PALPHA, PS, PBETA, POMEGA, NPARAMS = 5, SETS = 4 };

static const char *const param_names[] = { "r", "alpha", "s", "beta", "omega" };
static const cxm__scale scales[] = { CXM__SCALE_LOG, CXM__SCALE_LOG, CXM__SCALE_LOG,
                                     CXM__SCALE_LOG, CXM__SCALE_LINEAR };
static const char *const column_names[] = { "x", "t_x", "T" };
/* The four Pareto/NBD parameter sets: α and β shifted by 0 or 1, and the
 * sign of each in the combination. */
static const double SHIFT_ALPHA[SETS] = { 0, 1, 0, 1 }, SHIFT_BETA[SETS] = { 0, 0, 1, 1 };
static const double SIGN[SETS] = { 1, -1, -1, 1 };

static void shifted(const double *params, int k, double *out)
{
    out[PR] = params[PR];
    out[PALPHA] = params[PALPHA] + SHIFT_ALPHA[k];
    out[PS] = params[PS];
    out[PBETA] = params[PBETA] + SHIFT_BETA[k];
}

/* ln(L1·L2) and its gradient in (r, alpha, s, beta). */
static double log_c(const double *p, double *grad)
{
    double la = log(p[PALPHA] / (p[PALPHA] + 1.0)), lb = log(p[PBETA] / (p[PBETA] + 1.0));
    if (grad) {
        grad[PR] = la;
        grad[PALPHA] = p[PR] / (p[PALPHA] * (p[PALPHA] + 1.0));
        grad[PS] = lb;
        grad[PBETA] = p[PS] / (p[PBETA] * (p[PBETA] + 1.0));
    }
    return p[PR] * la + p[PS] * lb;
}

/* The range of ω that keeps f ≥ 0: (e^−λ − L1) lies in (−L1, 1 − L1]. */
static void omega_range(const double *p, double *lo, double *hi)
{
    double l1 = exp(p[PR] * log(p[PALPHA] / (p[PALPHA] + 1.0)));
    double l2 = exp(p[PS] * log(p[PBETA] / (p[PBETA] + 1.0)));
    *hi = 1.0 / fmax(l1 * (1.0 - l2), l2 * (1.0 - l1));
    *lo = -1.0 / fmax(l1 * l2, (1.0 - l1) * (1.0 - l2));
}

static int check_params(const double *p)
{
    double lo, hi;
    omega_range(p, &lo, &hi);
    if (!(p[POMEGA] >= lo && p[POMEGA] <= hi))
        return cxm__fail(CXM_EINVAL,
                         "Pareto/NBD with correlation: omega = %g is outside [%g, %g], where "
                         "the joint density of the two rates stays positive",
                         p[POMEGA], lo, hi);
    return CXM_OK;
}

static double rate_correlation(const double *p)
{
    double c = exp(log_c(p, NULL));
    return p[POMEGA] * c * sqrt(p[PR] * p[PS]) / ((p[PALPHA] + 1.0) * (p[PBETA] + 1.0));
}

/* The Sarmanov family cannot correlate the rates more than |ω| ≤ its limit
 * allows; a likelihood that keeps rising there has its maximum on the edge,
 * where ω has no standard error: say so instead of "no progress". */
static int explain_stop(const double *p, char *text, size_t size)
{
    double lo, hi;
    omega_range(p, &lo, &hi);
    double limit = p[POMEGA] > 0 ? hi : lo;
    if (!(fabs(p[POMEGA] - limit) <= 1e-3 * fabs(limit)))
        return 0;
    double rho = rate_correlation(p);
    snprintf(text, size,
             "the likelihood is largest at the edge of the Sarmanov family: omega = %.6g is at "
             "its %s limit %.6g, a correlation of the rates of %.4g, the most the family allows "
             "here; the data ask for more correlation than this model can give (compare the "
             "fit without correlation by a likelihood-ratio test)",
             p[POMEGA], p[POMEGA] > 0 ? "upper" : "lower", limit, rho);
    return 1;
}

static int check_row(const double *values, size_t i)
{
    return cxm__check_purchase_row(values[0], values[1], values[2], i);
}

static void default_start(const cxm__data *data, double *params)
{
    cxm__kind_pareto_nbd.default_start(data, params);
    params[POMEGA] = 0.0;
}

/* Per evaluation: each parameter set's Pareto/NBD tables of the x groups. */
static size_t aux_size(const cxm__data *data)
{
    return SETS * data->ngroups * cxm__pnbd_table_width();
}

static int aux_index(const cxm__data *data, double *aux)
{
    (void)data;
    (void)aux;
    return CXM_OK;
}

static void aux_fill(const double *params, const cxm__data *data, double *aux, int order)
{
    (void)order;
    size_t width = data->ngroups * cxm__pnbd_table_width();
    for (int k = 0; k < SETS; k++) {
        double p[4];
        shifted(params, k, p);
        cxm__pnbd_fill_table(p, data->group_value, data->ngroups, aux + (size_t)k * width);
    }
}

/* ln L of one customer and its gradient in (r, alpha, s, beta, omega), from
 * the four Pareto/NBD rows: ln L = ℓ0 + ln(1 + ω·E), E = C·Σ_k sign_k·e^(ℓk−ℓ0). */
static int row(const double *params, double x, double t_x, double T, const double *const *tabs,
               int order, double *out)
{
    double acc[SETS][1 + 4 + 16], p[4];
    for (int k = 0; k < SETS; k++) {
        memset(acc[k], 0, sizeof acc[k]);
        shifted(params, k, p);
        int status = cxm__pnbd_row(p, x, t_x, T, tabs[k], order >= 1 ? 1 : 0, acc[k]);
        if (status != CXM_OK)
            return status;
    }
    double gc[4], c = exp(log_c(params, gc)), d = 0.0, e_k[SETS];
    for (int k = 0; k < SETS; k++) {
        e_k[k] = exp(acc[k][0] - acc[0][0]);
        d += SIGN[k] * e_k[k];
    }
    double omega = params[POMEGA], e = c * d, one = 1.0 + omega * e;
    if (!(one > 0.0) || !isfinite(one))
        return CXM_EDOMAIN;
    out[0] = acc[0][0] + log(one);
    if (order < 1)
        return CXM_OK;
    for (int j = 0; j < 4; j++) {
        double dd = 0.0;
        for (int k = 1; k < SETS; k++)
            dd += SIGN[k] * e_k[k] * (acc[k][1 + j] - acc[0][1 + j]);
        out[1 + j] = acc[0][1 + j] + omega * (e * gc[j] + c * dd) / one;
    }
    out[1 + POMEGA] = e / one;
    return CXM_OK;
}

static void loglik(const double *params, const cxm__data *data, const double *table,
                   size_t begin, size_t end, int order, double *acc)
{
    size_t width = cxm__pnbd_table_width(), block = data->ngroups * width;
    const double *xs = data->column[0], *txs = data->column[1], *Ts = data->column[2];
    for (size_t i = begin; i < end; i++) {
        const double *tabs[SETS];
        for (int k = 0; k < SETS; k++)
            tabs[k] = table + (size_t)k * block + (size_t)data->group[i] * width;
        double w = data->weight ? data->weight[i] : 1.0, out[1 + NPARAMS];
        if (row(params, xs[i], txs[i], Ts[i], tabs, order, out) != CXM_OK) {
            acc[0] = NAN; /* outside the domain: the optimiser steps back */
            return;
        }
        acc[0] += w * out[0];
        for (int j = 0; order >= 1 && j < NPARAMS; j++)
            acc[1 + j] += w * out[1 + j];
    }
}

/* ------------------------------------------------------------------ predictions */

/* The weights of the four parameter sets for one customer:
 * c_k·L_k / Σ c_k·L_k, with c = (1 + ωC, −ωC, −ωC, ωC). */
static int posterior_weights(const double *params, double x, double t_x, double T, double *tab,
                             double *wk)
{
    double ll[SETS], p[4];
    for (int k = 0; k < SETS; k++) {
        shifted(params, k, p);
        cxm__pnbd_fill_table(p, &x, 1, tab);
        double acc[1 + 4 + 16] = { 0 };
        int status = cxm__pnbd_row(p, x, t_x, T, tab, 0, acc);
        if (status != CXM_OK)
            return status;
        ll[k] = acc[0];
    }
    double oc = params[POMEGA] * exp(log_c(params, NULL)), total = 0.0;
    for (int k = 0; k < SETS; k++) {
        wk[k] = (k == 0 ? 1.0 + oc : SIGN[k] * oc) * exp(ll[k] - ll[0]);
        total += wk[k];
    }
    if (!(total > 0.0) || !isfinite(total))
        return CXM_EDOMAIN;
    for (int k = 0; k < SETS; k++)
        wk[k] /= total;
    return CXM_OK;
}

typedef int (*history_fn)(const double *params, double *dst, size_t n, const double *t,
                          const double *x, const double *t_x, const double *T, double rate);

/* A per-customer expectation given the history: Σ_k w_k·E_k[q]. */
static int given_history(const double *params, double *dst, size_t n, const double *t,
                         const double *x, const double *t_x, const double *T, double rate,
                         history_fn one)
{
    /* One x-group's table, refilled for each customer and parameter set. */
    double *tab = cxm__malloc(cxm__pnbd_table_width() * sizeof *tab);
    if (tab == NULL)
        return CXM_ENOMEM;
    int status = CXM_OK;
    for (size_t i = 0; i < n && status == CXM_OK; i++) {
        double wk[SETS], total = 0.0;
        status = posterior_weights(params, x[i], t_x[i], T[i], tab, wk);
        for (int k = 0; status == CXM_OK && k < SETS; k++) {
            double p[4], v;
            shifted(params, k, p);
            status = one(p, &v, 1, t ? t + i : NULL, x + i, t_x + i, T + i, rate);
            total += wk[k] * v;
        }
        if (status != CXM_OK)
            status = cxm__fail_at(CXM_EDOMAIN, i, "the prediction could not be evaluated");
        else
            dst[i] = total;
    }
    cxm__free(tab);
    return status;
}

static int alive_one(const double *p, double *dst, size_t n, const double *t, const double *x,
                     const double *t_x, const double *T, double rate)
{
    (void)t;
    (void)rate;
    return cxm__kind_pareto_nbd.p_alive(p, dst, n, x, t_x, T);
}

static int conditional_one(const double *p, double *dst, size_t n, const double *t,
                           const double *x, const double *t_x, const double *T, double rate)
{
    (void)rate;
    return cxm__kind_pareto_nbd.conditional_purchases(p, dst, n, t, x, t_x, T);
}

static int dert_one(const double *p, double *dst, size_t n, const double *t, const double *x,
                    const double *t_x, const double *T, double rate)
{
    (void)t;
    return cxm__kind_pareto_nbd.dert(p, dst, n, rate, x, t_x, T);
}

static int p_alive(const double *params, double *dst, size_t n, const double *x,
                   const double *t_x, const double *T)
{
    int status = given_history(params, dst, n, NULL, x, t_x, T, 0.0, alive_one);
    for (size_t i = 0; status == CXM_OK && i < n; i++)
        dst[i] = fmin(1.0, fmax(0.0, dst[i]));
    return status;
}

static int conditional(const double *params, double *dst, size_t n, const double *t,
                       const double *x, const double *t_x, const double *T)
{
    return given_history(params, dst, n, t, x, t_x, T, 0.0, conditional_one);
}

static int dert(const double *params, double *dst, size_t n, double rate, const double *x,
                const double *t_x, const double *T)
{
    return given_history(params, dst, n, NULL, x, t_x, T, rate, dert_one);
}

/* A new customer's E[X(t)]: the prior combination. */
static int expected(const double *params, double *dst, size_t n, const double *t)
{
    double oc = params[POMEGA] * exp(log_c(params, NULL));
    for (size_t i = 0; i < n; i++) {
        double total = 0.0;
        for (int k = 0; k < SETS; k++) {
            double p[4], v;
            shifted(params, k, p);
            int status = cxm__kind_pareto_nbd.expected_purchases(p, &v, 1, t + i);
            if (status != CXM_OK)
                return status;
            total += (k == 0 ? 1.0 + oc : SIGN[k] * oc) * v;
        }
        dst[i] = total;
    }
    return CXM_OK;
}

/* Draw (λ, μ) from the Sarmanov density by rejection from the independent
 * pair (acceptance (1 + ω·φ1·φ2)/(1 + |ω|), |φ1·φ2| < 1), then the
 * Pareto/NBD customer. */
static int simulate(const double *params, cxm_rng *rng, double T, double *x, double *t_x,
                    double *times, size_t capacity, double *latent)
{
    double l1 = exp(params[PR] * log(params[PALPHA] / (params[PALPHA] + 1.0)));
    double l2 = exp(params[PS] * log(params[PBETA] / (params[PBETA] + 1.0)));
    double omega = params[POMEGA], lambda, mu;
    for (;;) {
        lambda = cxm__rng_gamma(rng, params[PR], params[PALPHA]);
        mu = cxm__rng_gamma(rng, params[PS], params[PBETA]);
        double f = 1.0 + omega * (exp(-lambda) - l1) * (exp(-mu) - l2);
        if (cxm__rng_uniform(rng) * (1.0 + fabs(omega)) <= f)
            break;
    }
    return cxm__pnbd_simulate_given(lambda, mu, rng, T, x, t_x, times, capacity, latent);
}

int cxm__pnbd_cor_correlation(const double *p, double *out)
{
    *out = rate_correlation(p);
    return CXM_OK;
}

static const char *const aliases[] = { "pnbd-cor", "pareto/nbd-cor", NULL };

const cxm__kind cxm__kind_pareto_nbd_cor = {
    .kind = CXM_MODEL_PARETO_NBD_COR,
    .name = "pareto-nbd-cor",
    .aliases = aliases,
    .title = "Pareto/NBD with correlation",
    .nparams = NPARAMS,
    .param_names = param_names,
    .scales = scales,
    .ncolumns = 3,
    .column_names = column_names,
    .group_column = 0,
    .table_width = 0,
    .has_hessian = 0,
    .unbounded = 1u << POMEGA,
    .check_row = check_row,
    .check_params = check_params,
    .explain_stop = explain_stop,
    .default_start = default_start,
    .loglik = loglik,
    .aux_size = aux_size,
    .aux_index = aux_index,
    .aux_fill = aux_fill,
    .p_alive = p_alive,
    .expected_purchases = expected,
    .conditional_purchases = conditional,
    .dert = dert,
    .simulate = simulate,
};
