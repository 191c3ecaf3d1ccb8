/* The shifted-beta-geometric model for contractual customers (Fader & Hardie
 * 2007, "How to project customer retention"; 2010, "Customer-base valuation
 * in a contractual setting", Marketing Science 29(1)).
 *
 * θ ~ Beta(α, β) is a customer's constant probability of cancelling at the
 * end of each period. With B(·,·) the beta function:
 *   S(t)     = B(α, β+t)/B(α, β)                 (survival after t periods)
 *   P(T = t) = B(α+1, β+t−1)/B(α, β)             (tenure exactly t, t >= 1)
 *   r_t      = (β+t−1)/(α+β+t−1)                 (retention in period t)
 *   DEL      = Σ_{t>=0} S(t) z^t = 2F1(1, β; α+β; z),           z = 1/(1+d)
 *   DERL(n−1 renewals) = (β+n−1)/(α+β+n−1) · 2F1(1, β+n; α+β+n; z).
 * Data rows are (periods, active): a customer who cancelled at the end of
 * period t contributes ln P(T = t), one still active after t periods
 * ln S(t). Survivor counts n_0 ≥ n_1 ≥ ... ≥ n_k are the rows (t, 0) with
 * weight n_{t−1} − n_t and (k, 1) with weight n_k. */
#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "clv/model_engine.h"
#include "core/internal.h"
#include "cxm/subscription.h"
#include "numeric/hyp2f1.h"
#include "numeric/quadrature.h"
#include "numeric/special.h"

enum { PA, PB }; /* alpha, beta */

static const char *const param_names[] = { "alpha", "beta" };
static const cxm__scale scales[] = { CXM__SCALE_LOG, CXM__SCALE_LOG };
static const char *const column_names[] = { "periods", "active" };

static int check_row(const double *values, size_t i)
{
    double t = values[0], active = values[1];
    int status = cxm__check_count(t, "periods", i);
    if (status != CXM_OK)
        return status;
    if (active != 0.0 && active != 1.0)
        return cxm__fail_at(CXM_EINVAL, i,
                            "active %g must be 1 (still subscribed) or 0 (cancelled)", active);
    if (active == 0.0 && t < 1.0)
        return cxm__fail_at(CXM_EINVAL, i,
                            "a customer who cancelled has a tenure of at least 1 "
                            "period, not %g",
                            t);
    return CXM_OK;
}

static void default_start(const cxm__data *data, double *params)
{
    /* Mean churn probability ≈ cancellations per period at risk. */
    double churned = 0.0, exposure = 0.0;
    for (size_t i = 0; i < data->n; i++) {
        double w = data->weight ? data->weight[i] : 1.0;
        exposure += w * data->column[0][i];
        if (data->column[1][i] == 0.0)
            churned += w;
    }
    double theta = exposure > 0.0 ? churned / exposure : 0.5;
    if (!(theta > 1e-3))
        theta = 1e-3;
    if (theta > 0.9)
        theta = 0.9;
    params[PA] = 1.0;
    params[PB] = (1.0 - theta) / theta;
}

/* Per distinct tenure t: ln P(T = t) and ln S(t) with their derivatives. */
enum {
    TAB_LP, TAB_P_A, TAB_P_B, TAB_P_AA, TAB_P_AB, TAB_P_BB,
    TAB_LS, TAB_S_A, TAB_S_B, TAB_S_AA, TAB_S_AB, TAB_S_BB,
    TAB_WIDTH
};

static void fill_table(const double *params, const double *ts, size_t ngroups, double *table)
{
    double a = params[PA], b = params[PB];
    double lb = cxm__lbeta(a, b);
    double psi_ab = cxm__digamma(a + b), psi_b = cxm__digamma(b);
    double tri_ab = cxm__trigamma(a + b), tri_b = cxm__trigamma(b);
    for (size_t g = 0; g < ngroups; g++) {
        double t = ts[g];
        double *row = table + g * TAB_WIDTH;
        double psi_abt = cxm__digamma(a + b + t), tri_abt = cxm__trigamma(a + b + t);
        /* S(t) */
        row[TAB_LS] = t > 0.0 ? cxm__lbeta(a, b + t) - lb : 0.0;
        row[TAB_S_A] = psi_ab - psi_abt;
        row[TAB_S_B] = cxm__digamma(b + t) - psi_b + psi_ab - psi_abt;
        row[TAB_S_AA] = tri_ab - tri_abt;
        row[TAB_S_AB] = tri_ab - tri_abt;
        row[TAB_S_BB] = cxm__trigamma(b + t) - tri_b + tri_ab - tri_abt;
        /* P(T = t) = S(t−1)·α/(α+β+t−1) */
        if (t >= 1.0) {
            row[TAB_LP] = cxm__lbeta(a + 1.0, b + t - 1.0) - lb;
            row[TAB_P_A] = 1.0 / a + psi_ab - psi_abt;
            row[TAB_P_B] = (t > 1.0 ? cxm__digamma(b + t - 1.0) - psi_b : 0.0) + psi_ab - psi_abt;
            row[TAB_P_AA] = -1.0 / (a * a) + tri_ab - tri_abt;
            row[TAB_P_AB] = tri_ab - tri_abt;
            row[TAB_P_BB] = (t > 1.0 ? cxm__trigamma(b + t - 1.0) - tri_b : 0.0) + tri_ab - tri_abt;
        } else {
            for (int k = TAB_LP; k <= TAB_P_BB; k++)
                row[k] = 0.0;
        }
    }
}

static void loglik(const double *params, const cxm__data *data, const double *table,
                   size_t begin, size_t end, int order, double *acc)
{
    (void)params;
    const double *active = data->column[1], *ws = data->weight;
    double ll = 0, ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0;
    for (size_t i = begin; i < end; i++) {
        const double *row = table + (size_t)data->group[i] * TAB_WIDTH;
        const double *v = active[i] != 0.0 ? row + TAB_LS : row + TAB_LP;
        double w = ws ? ws[i] : 1.0;
        ll += w * v[0];
        ga += w * v[1];
        gb += w * v[2];
        haa += w * v[3];
        hab += w * v[4];
        hbb += w * v[5];
    }
    acc[0] += ll;
    if (order < 1)
        return;
    acc[1 + PA] += ga;
    acc[1 + PB] += gb;
    if (order < 2)
        return;
    double *h = acc + 3;
    h[PA * 2 + PA] += haa;
    h[PA * 2 + PB] += hab;
    h[PB * 2 + PA] += hab;
    h[PB * 2 + PB] += hbb;
}

const cxm__kind cxm__kind_sbg = {
    .kind = CXM_MODEL_SBG,
    .name = "sbg",
    .title = "sBG",
    .nparams = 2,
    .param_names = param_names,
    .scales = scales,
    .ncolumns = 2,
    .column_names = column_names,
    .group_column = 0,
    .table_width = TAB_WIDTH,
    .has_hessian = 1,
    .check_row = check_row,
    .default_start = default_start,
    .fill_table = fill_table,
    .loglik = loglik,
};

/* ------------------------------------------------------------------ public functions */

static int require_sbg(const cxm_model *model, int need_params)
{
    int status = cxm__check_pointer(model, "model");
    if (status != CXM_OK)
        return status;
    if (model->kind->kind != CXM_MODEL_SBG)
        return cxm__fail(CXM_EUNSUPPORTED,
                         "this function is for the sBG subscription model, not %s",
                         model->kind->title);
    if (need_params && model->state == CXM_MODEL_EMPTY)
        return cxm__fail(CXM_ESTATE, "the sBG model has no parameters: fit it or set them first");
    return CXM_OK;
}

int cxm_model_fit_survivors(cxm_model *model, const double *survivors, size_t n,
                            const cxm_fit_options *options)
{
    int status = require_sbg(model, 0);
    if (status == CXM_OK)
        status = cxm__check_pointer(survivors, "survivors");
    if (status == CXM_OK && n < 2)
        status = cxm__fail(CXM_EINVAL,
                           "survivors has %zu counts: at least 2 (the cohort and one later "
                           "count) are needed",
                           n);
    for (size_t t = 0; status == CXM_OK && t < n; t++) {
        if (!isfinite(survivors[t]) || survivors[t] < 0.0)
            status = cxm__fail(CXM_EINVAL, "survivors element %zu: %g must be a finite count >= 0",
                               t, survivors[t]);
        else if (t > 0 && survivors[t] > survivors[t - 1])
            status = cxm__fail(CXM_EINVAL,
                               "survivors element %zu: %g is more than the %g of the period "
                               "before (counts cannot grow)",
                               t, survivors[t], survivors[t - 1]);
    }
    if (status == CXM_OK && !(survivors[0] > survivors[n - 1]))
        status = cxm__fail(CXM_EINVAL,
                           "survivors: no customer cancelled (%g at the start, %g at the end): "
                           "the churn distribution cannot be estimated",
                           survivors[0], survivors[n - 1]);
    if (status != CXM_OK)
        return status;
    /* Rows: cancelled in period t (t = 1..k), and still active after k. */
    size_t k = n - 1, rows = k + 1;
    double *buffer = cxm__malloc(3 * rows * sizeof *buffer);
    if (buffer == NULL)
        return CXM_ENOMEM;
    double *periods = buffer, *active = buffer + rows, *weights = buffer + 2 * rows;
    for (size_t t = 1; t <= k; t++) {
        periods[t - 1] = (double)t;
        active[t - 1] = 0.0;
        weights[t - 1] = survivors[t - 1] - survivors[t];
    }
    periods[k] = (double)k;
    active[k] = 1.0;
    weights[k] = survivors[k];
    const double *column[CXM__MAX_COLUMNS] = { periods, active, NULL, NULL };
    status = cxm__fit(model, rows, column, weights, options);
    cxm__free(buffer);
    return status;
}

int cxm_model_fit_durations(cxm_model *model, size_t n, const double *periods,
                            const double *active, const double *weights,
                            const cxm_fit_options *options)
{
    int status = require_sbg(model, 0);
    if (status == CXM_OK)
        status = cxm__check_arrays(n, 2, periods, "periods", active, "active");
    if (status != CXM_OK)
        return status;
    const double *column[CXM__MAX_COLUMNS] = { periods, active, NULL, NULL };
    return cxm__fit(model, n, column, weights, options);
}

/* Common checks of the prediction functions. */
static int check_prediction(const cxm_model *model, double *dst, size_t n, const double *t,
                            const char *name)
{
    int status = require_sbg(model, 1);
    if (status == CXM_OK)
        status = cxm__check_arrays(n, 2, dst, "dst", t, name);
    return status;
}

int cxm_model_survival(double *dst, size_t n, const cxm_model *model, const double *t)
{
    int status = check_prediction(model, dst, n, t, "t");
    if (status == CXM_OK)
        status = cxm__check_times(n, t, "t");
    if (status != CXM_OK)
        return status;
    double a = model->params[PA], b = model->params[PB], lb = cxm__lbeta(a, b);
    for (size_t i = 0; i < n; i++) /* (ln B rounds: at most 1) */
        dst[i] = t[i] == 0.0 ? 1.0 : fmin(1.0, exp(cxm__lbeta(a, b + t[i]) - lb));
    return CXM_OK;
}

int cxm_model_retention(double *dst, size_t n, const cxm_model *model, const double *t)
{
    int status = check_prediction(model, dst, n, t, "t");
    for (size_t i = 0; status == CXM_OK && i < n; i++)
        if (!(isfinite(t[i]) && t[i] >= 1.0))
            status = cxm__fail_at(CXM_EINVAL, i,
                                  "period %g must be a finite number >= 1 (retention "
                                  "in period 1 is the first renewal)",
                                  t[i]);
    if (status != CXM_OK)
        return status;
    double a = model->params[PA], b = model->params[PB];
    for (size_t i = 0; i < n; i++)
        dst[i] = (b + t[i] - 1.0) / (a + b + t[i] - 1.0);
    return CXM_OK;
}

int cxm_model_churn_probability(double *dst, size_t n, const cxm_model *model, const double *t)
{
    int status = check_prediction(model, dst, n, t, "t");
    for (size_t i = 0; status == CXM_OK && i < n; i++) {
        status = cxm__check_count(t[i], "t", i);
        if (status == CXM_OK && t[i] < 1.0)
            status = cxm__fail_at(CXM_EINVAL, i, "tenure %g must be at least 1 period", t[i]);
    }
    if (status != CXM_OK)
        return status;
    /* S(t−1)·(1 − r_t) = S(t−1)·a/(a+b+t−1): below 1 also where ln B of 1e10
     * rounds (B(a+1, b+t−1)/B(a, b) would come out as 1 + 1e-14). */
    double a = model->params[PA], b = model->params[PB], lb = cxm__lbeta(a, b);
    for (size_t i = 0; i < n; i++) {
        double before = t[i] == 1.0 ? 1.0 : fmin(1.0, exp(cxm__lbeta(a, b + (t[i] - 1.0)) - lb));
        dst[i] = before * (a / (a + b + (t[i] - 1.0)));
    }
    return CXM_OK;
}

/* Σ_{k>=0} E[(1−θ)^(k+j)]/(1+d)^k for θ ~ Beta(a, B), j = survive: DEL (B = β,
 * j = 0) and DERL (B = β + renewals, j = 1). Without discount (a > 1) it is
 * (a+B−1)/(a−1) or B/(a−1). Otherwise (B/(a+B))^j·2F1(1, B+j; a+B+j; 1/(1+d)),
 * while a + B holds the digits of a (its 2F1 parameters would otherwise round
 * them away: renewals of 10^9 and more), else the same mean as a quadrature
 * over θ. Fails (CXM_EDOMAIN) only when the value overflows a double. */
static int discounted_sum(double a, double B, double d, int survive, double *out)
{
    double value;
    if (d == 0.0) {
        value = (survive ? B : a + B - 1.0) / (a - 1.0);
    } else {
        double l = NAN, err = INFINITY;
        int sign = 0;
        if ((a + B) * DBL_EPSILON <= 1e-12 * a) {
            double Bj = B + survive;
            if (cxm__hyp2f1_log2(1.0, Bj, a + Bj, 1.0 / (1.0 + d), d / (1.0 + d), &l, &sign,
                                 &err) != CXM_OK || sign <= 0)
                err = INFINITY;
            if (survive)
                l += log(B / (a + B));
        }
        if (!(err <= 1e-10))
            l = log1p(d) + cxm__beta_discount_log(a, B, log(d), survive);
        value = exp(l);
    }
    if (!isfinite(value))
        return cxm__fail(CXM_EDOMAIN,
                         "the discounted sum is beyond the range of a double at discount %g",
                         d);
    *out = value;
    return CXM_OK;
}

static int check_discount(double d)
{
    if (!(isfinite(d) && d >= 0.0))
        return cxm__fail(CXM_EINVAL, "discount rate %g must be a finite number >= 0", d);
    return CXM_OK;
}

int cxm_model_del(double *out, const cxm_model *model, double discount)
{
    int status = require_sbg(model, 1);
    if (status == CXM_OK)
        status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = check_discount(discount);
    if (status != CXM_OK)
        return status;
    double a = model->params[PA], b = model->params[PB];
    if (discount == 0.0 && !(a > 1.0))
        return cxm__fail(CXM_EDOMAIN,
                         "the undiscounted expected lifetime is infinite when alpha = %g <= 1", a);
    return discounted_sum(a, b, discount, 0, out);
}

static int derl_values(const cxm_model *model, double *dst, size_t n, double discount,
                       const double *renewals, double scale)
{
    int status = check_prediction(model, dst, n, renewals, "renewals");
    if (status == CXM_OK)
        status = check_discount(discount);
    for (size_t i = 0; status == CXM_OK && i < n; i++)
        status = cxm__check_count(renewals[i], "renewals", i);
    if (status != CXM_OK)
        return status;
    double a = model->params[PA], b = model->params[PB];
    if (discount == 0.0 && !(a > 1.0))
        return cxm__fail(CXM_EDOMAIN,
                         "the undiscounted residual lifetime is infinite when alpha = %g <= 1", a);
    for (size_t i = 0; i < n; i++) {
        double f;
        /* θ after renewals[i] renewals is Beta(alpha, beta + renewals). */
        status = discounted_sum(a, b + renewals[i], discount, 1, &f);
        if (status != CXM_OK)
            return cxm__fail_prefix_at(i);
        dst[i] = scale * f;
    }
    return cxm__check_results(dst, 0, n, scale == 1.0 ? "DERL" : "the value");
}

int cxm_model_derl(double *dst, size_t n, const cxm_model *model, double discount,
                   const double *renewals)
{
    return derl_values(model, dst, n, discount, renewals, 1.0);
}

int cxm_model_subscription_value(double *dst, size_t n, const cxm_model *model, double margin,
                                 double discount, const double *renewals)
{
    int status = cxm__check_finite(margin, "margin");
    if (status != CXM_OK)
        return status;
    return derl_values(model, dst, n, discount, renewals, margin);
}
