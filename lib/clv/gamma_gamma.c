/* Gamma-Gamma model of spend per transaction (Fader & Hardie 2013 note;
 * Colombo & Jiang 1999). Each repeat purchase of a customer has value
 * z ~ Gamma(p, ν); ν ~ Gamma(q, γ) across customers. Fitted on customers
 * with x > 0 from x and their mean repeat value m̄:
 *   ln f(m̄|x) = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln m̄
 *               + px ln x − (px+q) ln(γ + m̄x).
 * E[M | x, m̄] = p(γ + m̄x)/(px + q − 1), a weighted mean of m̄ and the
 * population mean pγ/(q − 1); both need their denominators positive. The
 * expectation stays defined at m̄ = 0 with x > 0: pγ/(px + q − 1), below the
 * population mean by the weight the customer's own zero spend earns
 * (docs/models.md, "Gamma-Gamma: customers who spent 0"). */
#include "config.h"

#include <math.h>

#include "clv/model_internal.h"
#include "core/internal.h"
#include "numeric/special.h"

enum { P, Q, G }; /* p, q, gamma */

static const char *const param_names[] = { "p", "q", "gamma" };
static const cxm__scale scales[] = { CXM__SCALE_LOG, CXM__SCALE_LOG, CXM__SCALE_LOG };
static const char *const column_names[] = { "x", "mean_spend" };

static int check_row(const double *values, size_t i)
{
    int status = cxm__check_count(values[0], "x", i);
    if (status != CXM_OK)
        return status;
    double m = values[1];
    if (!isfinite(m) || m < 0.0)
        return cxm__fail_at(CXM_EINVAL, i, "mean_spend %g must be a finite number >= 0", m);
    return CXM_OK;
}

/* x = 0: no repeat spend to learn from. A repeat customer whose mean spend is
 * 0 (free orders, refunds netted out) has a degenerate likelihood: the density
 * of m̄ at 0 is 0 for px > 1 and infinite for px < 1, so the row would decide
 * the fit alone. Both are left out; the second kind is counted and reported
 * (cxm_fit_report.skipped), since real logs hold a few such customers. */
static int skip_row(const double *values)
{
    if (values[0] == 0.0)
        return CXM__ROW_NOT_APPLICABLE;
    return values[1] > 0.0 ? CXM__ROW_USED : CXM__ROW_DEGENERATE;
}

static void default_start(const cxm__data *data, double *params)
{
    /* Population mean pγ/(q−1) = the mean of m̄ with p = 1, q = 3. */
    double sw = 0.0, sm = 0.0;
    for (size_t i = 0; i < data->n; i++) {
        double w = data->weight ? data->weight[i] : 1.0;
        sw += w;
        sm += w * data->column[1][i];
    }
    double mean = sw > 0.0 ? sm / sw : 1.0;
    params[P] = 1.0;
    params[Q] = 3.0;
    params[G] = mean > 0.0 && isfinite(mean) ? 2.0 * mean : 1.0;
}

enum { TAB_CONST, TAB_LOGX, TAB_PSI_PQ, TAB_PSI_P, TAB_PSI_Q, TAB_TRI_PQ, TAB_TRI_P, TAB_TRI_Q,
       TAB_WIDTH };

static void fill_table(const double *params, const double *xs, size_t ngroups, double *table)
{
    double p = params[P], q = params[Q];
    double lg_q = cxm__lgamma(q), psi_q = cxm__digamma(q), tri_q = cxm__trigamma(q);
    for (size_t g = 0; g < ngroups; g++) {
        double x = xs[g], px = p * x;
        double *t = table + g * TAB_WIDTH;
        if (x == 0.0) { /* skipped rows never look here */
            for (int k = 0; k < TAB_WIDTH; k++)
                t[k] = 0.0;
            continue;
        }
        t[TAB_CONST] = cxm__lgamma(px + q) - cxm__lgamma(px) - lg_q;
        t[TAB_LOGX] = log(x);
        t[TAB_PSI_PQ] = cxm__digamma(px + q);
        t[TAB_PSI_P] = cxm__digamma(px);
        t[TAB_PSI_Q] = psi_q;
        t[TAB_TRI_PQ] = cxm__trigamma(px + q);
        t[TAB_TRI_P] = cxm__trigamma(px);
        t[TAB_TRI_Q] = tri_q;
    }
}

static void loglik(const double *params, const cxm__data *data, const double *table,
                   size_t begin, size_t end, int order, double *acc)
{
    double p = params[P], q = params[Q], g = params[G];
    double log_g = log(g), inv_g = 1.0 / g;
    const double *xs = data->column[0], *ms = data->column[1], *ws = data->weight;
    double ll = 0, dp = 0, dq = 0, dg = 0, hpp = 0, hpq = 0, hpg = 0, hqq = 0, hqg = 0, hgg = 0;
    for (size_t i = begin; i < end; i++) {
        const double *t = table + (size_t)data->group[i] * TAB_WIDTH;
        double w = ws ? ws[i] : 1.0;
        double x = xs[i], m = ms[i], px = p * x;
        double gm = g + m * x, log_m = log(m), log_gm = log(gm);
        ll += w * (t[TAB_CONST] + q * log_g + (px - 1.0) * log_m + px * t[TAB_LOGX] -
                   (px + q) * log_gm);
        if (order < 1)
            continue;
        double inv_gm = 1.0 / gm;
        dp += w * x * (t[TAB_PSI_PQ] - t[TAB_PSI_P] + log_m + t[TAB_LOGX] - log_gm);
        dq += w * (t[TAB_PSI_PQ] - t[TAB_PSI_Q] + log_g - log_gm);
        dg += w * (q * inv_g - (px + q) * inv_gm);
        if (order < 2)
            continue;
        hpp += w * x * x * (t[TAB_TRI_PQ] - t[TAB_TRI_P]);
        hpq += w * x * t[TAB_TRI_PQ];
        hpg += w * -x * inv_gm;
        hqq += w * (t[TAB_TRI_PQ] - t[TAB_TRI_Q]);
        hqg += w * (inv_g - inv_gm);
        hgg += w * (-q * inv_g * inv_g + (px + q) * inv_gm * inv_gm);
    }
    acc[0] += ll;
    if (order < 1)
        return;
    acc[1 + P] += dp;
    acc[1 + Q] += dq;
    acc[1 + G] += dg;
    if (order < 2)
        return;
    double *h = acc + 4;
    h[P * 3 + P] += hpp;
    h[P * 3 + Q] += hpq;
    h[Q * 3 + P] += hpq;
    h[P * 3 + G] += hpg;
    h[G * 3 + P] += hpg;
    h[Q * 3 + Q] += hqq;
    h[Q * 3 + G] += hqg;
    h[G * 3 + Q] += hqg;
    h[G * 3 + G] += hgg;
}

static int mean_spend(const double *params, double *out)
{
    double p = params[P], q = params[Q], g = params[G];
    if (!(q > 1.0))
        return cxm__fail(CXM_EDOMAIN,
                         "the Gamma-Gamma population mean spend p·gamma/(q−1) is infinite: "
                         "q = %g is not greater than 1",
                         q);
    *out = p * g / (q - 1.0);
    if (!isfinite(*out))
        return cxm__fail(CXM_EDOMAIN,
                         "the Gamma-Gamma population mean spend p·gamma/(q−1) is beyond the "
                         "range of a double (q = %g)",
                         q);
    return CXM_OK;
}

static int expected_spend(const double *params, double *dst, size_t n, const double *x,
                          const double *m)
{
    double p = params[P], q = params[Q], g = params[G];
    for (size_t i = 0; i < n; i++) {
        double denominator = p * x[i] + q - 1.0;
        if (!(denominator > 0.0))
            return cxm__fail_at(CXM_EDOMAIN, i,
                                "the expected spend p(gamma + m·x)/(p·x + q − 1) is "
                                "infinite: p·x + q = %g is not greater than 1 (q = %g)",
                                p * x[i] + q, q);
        /* p(γ + m̄x)/(px + q − 1) as pγ/(px+q−1) + m̄·px/(px+q−1): m̄·x alone may
         * overflow where the expectation (about m̄ for large x) does not. */
        double credibility = x[i] > 0.0 ? p * x[i] / denominator : 0.0;
        dst[i] = p * g / denominator + m[i] * credibility;
    }
    return CXM_OK;
}

static int simulate_spend(const double *params, cxm_rng *rng, double x, double *out)
{
    double nu = cxm__rng_gamma(rng, params[Q], params[G]);
    if (x == 0.0 || !(nu > 0.0)) {
        *out = x == 0.0 ? 0.0 : INFINITY;
        if (x != 0.0)
            return cxm__fail(CXM_EDOMAIN, "a customer's spend rate underflowed to 0 (q = %g)",
                             params[Q]);
        return CXM_OK;
    }
    /* The mean of x draws from Gamma(p, ν) is Gamma(p·x, ν·x). */
    *out = cxm__rng_gamma(rng, params[P] * x, nu * x);
    return CXM_OK;
}

static const char *const aliases[] = { "gamma-gamma", "gamma_gamma", NULL };

const cxm__kind cxm__kind_gamma_gamma = {
    .kind = CXM_MODEL_GAMMA_GAMMA,
    .name = "gg",
    .aliases = aliases,
    .title = "Gamma-Gamma",
    .nparams = 3,
    .param_names = param_names,
    .scales = scales,
    .ncolumns = 2,
    .column_names = column_names,
    .group_column = 0,
    .table_width = TAB_WIDTH,
    .has_hessian = 1,
    .check_row = check_row,
    .skip_row = skip_row,
    .default_start = default_start,
    .fill_table = fill_table,
    .loglik = loglik,
    .expected_spend = expected_spend,
    .mean_spend = mean_spend,
    .simulate_spend = simulate_spend,
};
