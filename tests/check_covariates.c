/* Static covariates on BG/NBD and Pareto/NBD (docs/models.md §1.11):
 * recovery of known effects from 10^5 simulated customers, the likelihood
 * and its curvature against an independent path (the plain model of each
 * covariate group), no effect where there is none, customers' own models,
 * the numerical grid through them, and errors. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cxm.h>

#include "check_run.h"
#include "suites.h"

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* Customers in four groups: gender g = i mod 2, channel c = (i / 2) mod 2. */
static double gender(size_t i) { return (double)(i % 2); }
static double channel(size_t i) { return (double)((i / 2) % 2); }

typedef struct data {
    size_t n;
    double *x, *tx, *T, *purchase, *dropout;
    size_t kp, kd;
} data;

static void data_free(data *d)
{
    free(d->x), free(d->tx), free(d->T), free(d->purchase), free(d->dropout);
}

/* Covariate rows: purchase = (g, c)[0..kp), dropout = (g, c)[0..kd) or (c). */
static void fill_covariates(data *d, int dropout_channel_only)
{
    for (size_t i = 0; i < d->n; i++) {
        double z[2] = { gender(i), channel(i) };
        for (size_t c = 0; c < d->kp; c++)
            d->purchase[i * d->kp + c] = z[c];
        for (size_t c = 0; c < d->kd; c++)
            d->dropout[i * d->kd + c] = dropout_channel_only ? z[1] : z[c];
    }
}

/* n customers drawn from `truth` (a model with covariates and parameters):
 * each of the four groups from its customer model, T over 26-39 weeks. */
static data simulate(const cxm_model *truth, size_t n, size_t kp, size_t kd,
                     int dropout_channel_only, unsigned long long seed)
{
    data d = { n, malloc(n * sizeof(double)), malloc(n * sizeof(double)),
               malloc(n * sizeof(double)), calloc(n * (kp ? kp : 1), sizeof(double)),
               calloc(n * (kd ? kd : 1), sizeof(double)), kp, kd };
    ck_assert(d.x && d.tx && d.T && d.purchase && d.dropout);
    fill_covariates(&d, dropout_channel_only);
    size_t m = n / 4;
    double *T = malloc(m * sizeof *T), *x = malloc(m * sizeof *x), *tx = malloc(m * sizeof *tx);
    for (size_t k = 0; k < m; k++)
        T[k] = 26.0 + 13.0 * (double)((k * 7919u) % 1000u) / 999.0;
    for (size_t group = 0; group < 4; group++) {
        cxm_model *customer = NULL;
        ck_assert_cxm_ok(cxm_model_for_customer(&customer, truth, d.purchase + group * kp,
                                                d.dropout + group * kd));
        ck_assert_cxm_ok(cxm_model_simulate(x, tx, m, customer, T, seed + group));
        for (size_t k = 0; k < m; k++) {
            size_t i = 4 * k + group;
            d.x[i] = x[k], d.tx[i] = tx[k], d.T[i] = T[k];
        }
        cxm_model_free(customer);
    }
    free(T), free(x), free(tx);
    return d;
}

static cxm_model *with_covariates(cxm_model_kind kind, size_t kp, size_t kd, int channel_only)
{
    static const char *const both[] = { "gender", "channel" };
    static const char *const only_channel[] = { "channel" };
    cxm_model *m = NULL;
    ck_assert_cxm_ok(cxm_model_create(&m, kind));
    ck_assert_cxm_ok(
        cxm_model_set_covariates(m, kp, both, kd, channel_only ? only_channel : both));
    return m;
}

static void check_recovery(cxm_model_kind kind, const double *truth_params, size_t kp, size_t kd,
                           int channel_only)
{
    size_t P = 4 + kp + kd;
    cxm_model *truth = with_covariates(kind, kp, kd, channel_only);
    ck_assert_cxm_ok(cxm_model_set_params(truth, truth_params, P));
    data d = simulate(truth, 100000, kp, kd, channel_only, 2024);
    cxm_model *m = with_covariates(kind, kp, kd, channel_only);
    ck_assert_cxm_ok(cxm_model_fit_covariates(m, d.n, d.x, d.tx, d.T, d.purchase, d.dropout, NULL,
                                              NULL));
    double est[32], se[32];
    ck_assert_cxm_ok(cxm_model_params(est, P, m));
    ck_assert_cxm_ok(cxm_model_standard_errors(se, P, m));
    for (size_t j = 0; j < P; j++)
        ck_assert_msg(fabs(est[j] - truth_params[j]) <= 3.0 * se[j],
                      "%s %s: %.4f (SE %.4f), truth %.4f", cxm_model_kind_name(kind),
                      cxm_model_param_name(m, j), est[j], se[j], truth_params[j]);
    /* The covariates improve on the plain fit of the same customers. */
    cxm_model *plain = NULL;
    double ll_plain, ll;
    ck_assert_cxm_ok(cxm_model_create(&plain, kind));
    ck_assert_cxm_ok(cxm_model_fit(plain, d.n, d.x, d.tx, d.T, NULL, NULL));
    ck_assert_cxm_ok(cxm_model_log_likelihood(&ll_plain, plain));
    ck_assert_cxm_ok(cxm_model_log_likelihood(&ll, m));
    ck_assert_msg(ll > ll_plain + 10.0, "LL %.3f vs plain %.3f", ll, ll_plain);
    double stat, df, pvalue;
    ck_assert_cxm_ok(cxm_model_likelihood_ratio(&stat, &df, &pvalue, plain, m));
    ck_assert(df == (double)(kp + kd) && pvalue < 1e-10);
    cxm_model_free(plain);
    cxm_model_free(m);
    cxm_model_free(truth);
    data_free(&d);
}

START_TEST(bgnbd_recovers_known_effects)
{
    /* CDNOW's BG/NBD; gender raises the purchase rate, channel lowers it;
     * channel makes dropout less likely (a and b both scaled). */
    const double truth[] = { 0.243, 4.414, 0.793, 2.426, 0.5, -0.3, 0.4, -0.6 };
    check_recovery(CXM_MODEL_BGNBD, truth, 2, 2, 0);
}
END_TEST

START_TEST(pnbd_recovers_known_effects)
{
    /* CDNOW's Pareto/NBD; one purchase covariate, dropout by channel. */
    const double truth[] = { 0.553, 10.578, 0.606, 11.669, 0.6, 0.8 };
    check_recovery(CXM_MODEL_PARETO_NBD, truth, 1, 1, 1);
}
END_TEST

/* Σ over groups of each group's plain likelihood at its own parameters:
 * the same number by a path that never sees a covariate. */
static double grouped_log_likelihood(const cxm_model *m, const double *params, const data *d)
{
    size_t P = cxm_model_param_count(m);
    cxm_model *at = with_covariates(cxm_model_get_kind(m), d->kp, d->kd, 1);
    ck_assert_cxm_ok(cxm_model_set_params(at, params, P));
    size_t per = d->n / 4;
    double *cols = malloc(3 * per * sizeof *cols), total = 0.0;
    for (size_t group = 0; group < 4; group++) {
        for (size_t k = 0; k < per; k++) {
            size_t i = 4 * k + group;
            cols[k] = d->x[i], cols[per + k] = d->tx[i], cols[2 * per + k] = d->T[i];
        }
        cxm_model *customer = NULL;
        ck_assert_cxm_ok(cxm_model_for_customer(&customer, at, d->purchase + group * d->kp,
                                                d->dropout + group * d->kd));
        double ll;
        ck_assert_cxm_ok(cxm_model_log_likelihood_of(&ll, customer, per, cols, NULL));
        total += ll;
        cxm_model_free(customer);
    }
    free(cols);
    cxm_model_free(at);
    return total;
}

START_TEST(likelihood_and_curvature_match_the_groups)
{
    const double truth[] = { 0.553, 10.578, 0.606, 11.669, 0.6, 0.8 };
    cxm_model *t = with_covariates(CXM_MODEL_PARETO_NBD, 1, 1, 1);
    ck_assert_cxm_ok(cxm_model_set_params(t, truth, 6));
    data d = simulate(t, 20000, 1, 1, 1, 99);
    cxm_model *m = with_covariates(CXM_MODEL_PARETO_NBD, 1, 1, 1);
    ck_assert_cxm_ok(cxm_model_fit_covariates(m, d.n, d.x, d.tx, d.T, d.purchase, d.dropout, NULL,
                                              NULL));
    double est[6], cov[36], ll;
    ck_assert_cxm_ok(cxm_model_params(est, 6, m));
    ck_assert_cxm_ok(cxm_model_covariance(cov, 36, m));
    ck_assert_cxm_ok(cxm_model_log_likelihood(&ll, m));
    double direct = grouped_log_likelihood(m, est, &d);
    ck_assert_msg(fabs(ll - direct) <= 1e-9 * fabs(ll), "LL %.10f vs groups %.10f", ll, direct);
    /* Observed information by central differences of the grouped likelihood
     * in (ln θ, γ); its inverse against the library's covariance. */
    double h = 1e-3, info[36];
    for (int a = 0; a < 6; a++)
        for (int b = 0; b < 6; b++) {
            double f[4];
            for (int s = 0; s < 4; s++) {
                double p[6];
                memcpy(p, est, sizeof p);
                double da = (s & 1) ? -h : h, db = (s & 2) ? -h : h;
                p[a] = a < 4 ? p[a] * exp(da) : p[a] + da;
                p[b] = b < 4 ? p[b] * exp(db) : p[b] + db;
                f[s] = grouped_log_likelihood(m, p, &d);
            }
            info[a * 6 + b] = -(f[0] - f[1] - f[2] + f[3]) / (4 * h * h);
        }
    /* Library variance of ln θ_a: cov/θ²; of γ: cov. Compare the diagonal of
     * the information's inverse by solving with a small Gauss-Jordan. */
    double inv[36], work[36];
    memcpy(work, info, sizeof work);
    for (int i = 0; i < 36; i++)
        inv[i] = (i % 7 == 0) ? 1.0 : 0.0;
    for (int c = 0; c < 6; c++) {
        double pivot = work[c * 6 + c];
        ck_assert(pivot > 0);
        for (int k = 0; k < 6; k++)
            work[c * 6 + k] /= pivot, inv[c * 6 + k] /= pivot;
        for (int r = 0; r < 6; r++)
            if (r != c) {
                double f = work[r * 6 + c];
                for (int k = 0; k < 6; k++)
                    work[r * 6 + k] -= f * work[c * 6 + k], inv[r * 6 + k] -= f * inv[c * 6 + k];
            }
    }
    for (int a = 0; a < 6; a++) {
        double lib = cov[a * 6 + a] / (a < 4 ? est[a] * est[a] : 1.0);
        ck_assert_msg(fabs(lib - inv[a * 6 + a]) <= 2e-3 * inv[a * 6 + a],
                      "variance %d: library %.6g, finite differences %.6g", a, lib,
                      inv[a * 6 + a]);
    }
    cxm_model_free(m);
    cxm_model_free(t);
    data_free(&d);
}
END_TEST

/* CLVTools' regularisation: −ln L/N + λ_p·Σγ_p² + λ_d·Σγ_d². At the
 * penalised optimum the score of the likelihood (by central differences of
 * the groups' plain likelihoods) balances the penalty: ∂ln L/∂γ = 2Nλγ. */
START_TEST(effect_penalties_shrink_the_effects)
{
    const double truth[] = { 0.553, 10.578, 0.606, 11.669, 0.6, 0.8 };
    cxm_model *t = with_covariates(CXM_MODEL_PARETO_NBD, 1, 1, 1);
    ck_assert_cxm_ok(cxm_model_set_params(t, truth, 6));
    data d = simulate(t, 20000, 1, 1, 1, 99);
    cxm_model *free_fit = with_covariates(CXM_MODEL_PARETO_NBD, 1, 1, 1);
    cxm_model *m = with_covariates(CXM_MODEL_PARETO_NBD, 1, 1, 1);
    ck_assert_cxm_ok(cxm_model_fit_covariates(free_fit, d.n, d.x, d.tx, d.T, d.purchase,
                                              d.dropout, NULL, NULL));
    cxm_fit_options o = CXM_FIT_OPTIONS_INIT;
    o.purchase_penalty = 0.05;
    o.dropout_penalty = 0.2;
    ck_assert_cxm_ok(cxm_model_fit_covariates(m, d.n, d.x, d.tx, d.T, d.purchase, d.dropout, NULL,
                                              &o));
    double unpenalised[6], est[6];
    ck_assert_cxm_ok(cxm_model_params(unpenalised, 6, free_fit));
    ck_assert_cxm_ok(cxm_model_params(est, 6, m));
    ck_assert(fabs(est[4]) < fabs(unpenalised[4]) && fabs(est[5]) < fabs(unpenalised[5]));
    const double lambda[2] = { 0.05, 0.2 };
    for (int k = 4; k < 6; k++) {
        double p[6], h = 1e-4, plus, minus;
        memcpy(p, est, sizeof p);
        p[k] = est[k] + h;
        plus = grouped_log_likelihood(m, p, &d);
        p[k] = est[k] - h;
        minus = grouped_log_likelihood(m, p, &d);
        double score = (plus - minus) / (2 * h), want = 2.0 * (double)d.n * lambda[k - 4] * est[k];
        ck_assert_msg(fabs(score - want) <= 1e-4 * fabs(want), "effect %d: score %.6f, 2Nλγ %.6f",
                      k, score, want);
    }
    /* The file keeps the penalties; a penalised fit is no likelihood to test. */
    char *json = NULL;
    ck_assert_cxm_ok(cxm_model_to_json(&json, m));
    ck_assert(strstr(json, "\"purchase_penalty\"") && strstr(json, "\"dropout_penalty\""));
    cxm_model *back = NULL;
    ck_assert_cxm_ok(cxm_model_from_json(&back, json));
    cxm_free(json);
    double stat, df, pvalue;
    ck_assert_cxm_fails(cxm_model_likelihood_ratio(&stat, &df, &pvalue, free_fit, back),
                        CXM_EINVAL, "penalised");
    cxm_model_free(back);
    /* Effect penalties need effects. */
    cxm_model *plain = NULL;
    ck_assert_cxm_ok(cxm_model_create(&plain, CXM_MODEL_PARETO_NBD));
    ck_assert_cxm_fails(cxm_model_fit(plain, d.n, d.x, d.tx, d.T, NULL, &o), CXM_EINVAL,
                        "no covariates");
    cxm_model_free(plain);
    cxm_model_free(m);
    cxm_model_free(free_fit);
    cxm_model_free(t);
    data_free(&d);
}
END_TEST

/* CLVTools' equality constraint: one gender effect on both processes of a
 * Pareto/NBD (α and β scale together). Recovered within 3 SE; nested in the
 * fit with two effects, and the likelihood-ratio test does not reject it. */
START_TEST(shared_effects)
{
    static const char *const gender[] = { "gender" };
    const double truth[] = { 0.553, 10.578, 0.606, 11.669, 0.5 };
    cxm_model *t = NULL;
    ck_assert_cxm_ok(cxm_model_create(&t, CXM_MODEL_PARETO_NBD));
    ck_assert_cxm_ok(cxm_model_set_covariates(t, 1, gender, 1, gender));
    ck_assert_cxm_ok(cxm_model_share_covariates(t, 1, gender));
    ck_assert_int_eq(cxm_model_param_count(t), 5);
    ck_assert_str_eq(cxm_model_param_name(t, 4), "shared.gender");
    size_t shared;
    ck_assert_cxm_ok(cxm_model_shared_covariate_count(&shared, t));
    ck_assert_int_eq(shared, 1);
    ck_assert_cxm_ok(cxm_model_set_params(t, truth, 5));
    /* The one effect scales both: α·e^(−0.5), β·e^(−0.5) for gender 1. */
    double one = 1.0, q[4];
    cxm_model *c = NULL;
    ck_assert_cxm_ok(cxm_model_for_customer(&c, t, &one, &one));
    ck_assert_cxm_ok(cxm_model_params(q, 4, c));
    ck_assert(fabs(q[1] - truth[1] * exp(-0.5)) <= 1e-15 * q[1]);
    ck_assert(fabs(q[3] - truth[3] * exp(-0.5)) <= 1e-15 * q[3]);
    cxm_model_free(c);

    data d = simulate(t, 100000, 1, 1, 0, 31);
    cxm_model *m = NULL, *full = NULL;
    ck_assert_cxm_ok(cxm_model_create(&m, CXM_MODEL_PARETO_NBD));
    ck_assert_cxm_ok(cxm_model_set_covariates(m, 1, gender, 1, gender));
    ck_assert_cxm_ok(cxm_model_share_covariates(m, 1, gender));
    /* A shared covariate is still one of each set (the values' order). */
    ck_assert_str_eq(cxm_model_covariate_name(m, 0, 0), "gender");
    ck_assert_str_eq(cxm_model_covariate_name(m, 1, 0), "gender");
    ck_assert_cxm_ok(cxm_model_fit_covariates(m, d.n, d.x, d.tx, d.T, d.purchase, d.dropout, NULL,
                                              NULL));
    double est[5], se[5];
    ck_assert_cxm_ok(cxm_model_params(est, 5, m));
    ck_assert_cxm_ok(cxm_model_standard_errors(se, 5, m));
    for (int j = 0; j < 5; j++)
        ck_assert_msg(fabs(est[j] - truth[j]) <= 3 * se[j], "%d: %.4f (SE %.4f) vs %.4f", j,
                      est[j], se[j], truth[j]);
    ck_assert_cxm_ok(cxm_model_create(&full, CXM_MODEL_PARETO_NBD));
    ck_assert_cxm_ok(cxm_model_set_covariates(full, 1, gender, 1, gender));
    ck_assert_cxm_ok(cxm_model_fit_covariates(full, d.n, d.x, d.tx, d.T, d.purchase, d.dropout,
                                              NULL, NULL));
    double stat, df, pvalue;
    ck_assert_cxm_ok(cxm_model_likelihood_ratio(&stat, &df, &pvalue, m, full));
    ck_assert(df == 1.0 && pvalue > 0.001);
    /* The file keeps the constraint. */
    char *json = NULL;
    cxm_model *back = NULL;
    ck_assert_cxm_ok(cxm_model_to_json(&json, m));
    ck_assert_cxm_ok(cxm_model_from_json(&back, json));
    cxm_free(json);
    ck_assert_int_eq(cxm_model_param_count(back), 5);
    ck_assert_str_eq(cxm_model_param_name(back, 4), "shared.gender");
    /* Only a covariate of both sets can share. */
    static const char *const channel[] = { "channel" };
    ck_assert_cxm_fails(cxm_model_share_covariates(full, 1, channel), CXM_EINVAL,
                        "both a purchase and a dropout covariate");
    cxm_model_free(back);
    cxm_model_free(full);
    cxm_model_free(m);
    cxm_model_free(t);
    data_free(&d);
}
END_TEST

START_TEST(no_effect_where_there_is_none)
{
    const double truth[] = { 0.243, 4.414, 0.793, 2.426, 0.0, 0.0 };
    cxm_model *t = with_covariates(CXM_MODEL_BGNBD, 1, 1, 1);
    ck_assert_cxm_ok(cxm_model_set_params(t, truth, 6));
    data d = simulate(t, 40000, 1, 1, 1, 7);
    cxm_model *m = with_covariates(CXM_MODEL_BGNBD, 1, 1, 1);
    ck_assert_cxm_ok(cxm_model_fit_covariates(m, d.n, d.x, d.tx, d.T, d.purchase, d.dropout, NULL,
                                              NULL));
    double est[6], se[6], ll, ll_plain;
    ck_assert_cxm_ok(cxm_model_params(est, 6, m));
    ck_assert_cxm_ok(cxm_model_standard_errors(se, 6, m));
    ck_assert(fabs(est[4]) <= 3 * se[4] && fabs(est[5]) <= 3 * se[5]);
    cxm_model *plain = NULL;
    ck_assert_cxm_ok(cxm_model_create(&plain, CXM_MODEL_BGNBD));
    ck_assert_cxm_ok(cxm_model_fit(plain, d.n, d.x, d.tx, d.T, NULL, NULL));
    ck_assert_cxm_ok(cxm_model_log_likelihood(&ll, m));
    ck_assert_cxm_ok(cxm_model_log_likelihood(&ll_plain, plain));
    /* Nested: never worse; the likelihood-ratio statistic below χ²(2)'s
     * 99.9% point, 13.82. */
    ck_assert(ll >= ll_plain - 1e-6);
    ck_assert_msg(2 * (ll - ll_plain) < 13.82, "LR %.3f", 2 * (ll - ll_plain));
    /* The test itself: with 2 degrees of freedom P(χ² > s) = exp(−s/2). */
    double stat, df, pvalue;
    ck_assert_cxm_ok(cxm_model_likelihood_ratio(&stat, &df, &pvalue, plain, m));
    ck_assert(df == 2.0);
    ck_assert(fabs(stat - 2 * (ll - ll_plain)) <= 1e-12 * fabs(ll));
    ck_assert_msg(fabs(pvalue - exp(-stat / 2)) <= 1e-14, "p %.17g vs %.17g", pvalue,
                  exp(-stat / 2));
    ck_assert(pvalue > 0.001);
    /* Not nested the other way round, nor with a customer's model. */
    ck_assert_cxm_fails(cxm_model_likelihood_ratio(&stat, &df, &pvalue, m, plain), CXM_EINVAL,
                        "not nested");
    cxm_model *one = NULL;
    double zero = 0.0;
    ck_assert_cxm_ok(cxm_model_for_customer(&one, m, &zero, &zero));
    ck_assert_cxm_fails(cxm_model_aic(&stat, one), CXM_EINVAL, "customer's model");
    ck_assert_cxm_fails(cxm_model_likelihood_ratio(&stat, &df, &pvalue, one, m), CXM_EINVAL,
                        "customer's model");
    cxm_model_free(one);
    cxm_model_free(plain);
    cxm_model_free(m);
    cxm_model_free(t);
    data_free(&d);
}
END_TEST

/* A customer's model has exactly the parameters the parameterisation says,
 * and at z = 0 the fit's own block of the covariance. */
START_TEST(customer_models)
{
    const double p[] = { 0.553, 10.578, 0.606, 11.669, 0.6, 0.8 };
    cxm_model *m = with_covariates(CXM_MODEL_PARETO_NBD, 1, 1, 1);
    ck_assert_cxm_ok(cxm_model_set_params(m, p, 6));
    double zp = 1.5, zd = -2.0, q[4];
    cxm_model *c = NULL;
    ck_assert_cxm_ok(cxm_model_for_customer(&c, m, &zp, &zd));
    ck_assert_int_eq(cxm_model_get_kind(c), CXM_MODEL_PARETO_NBD);
    ck_assert_cxm_ok(cxm_model_params(q, 4, c));
    ck_assert(q[0] == p[0] && q[2] == p[2]);
    ck_assert(fabs(q[1] - p[1] * exp(-0.6 * 1.5)) <= 1e-15 * q[1]);
    ck_assert(fabs(q[3] - p[3] * exp(-0.8 * -2.0)) <= 1e-15 * q[3]);
    cxm_model_free(c);

    const double truth[] = { 0.553, 10.578, 0.606, 11.669, 0.6, 0.8 };
    ck_assert_cxm_ok(cxm_model_set_params(m, truth, 6));
    data d = simulate(m, 8000, 1, 1, 1, 5);
    cxm_model *f = with_covariates(CXM_MODEL_PARETO_NBD, 1, 1, 1);
    ck_assert_cxm_ok(cxm_model_fit_covariates(f, d.n, d.x, d.tx, d.T, d.purchase, d.dropout, NULL,
                                              NULL));
    double zero = 0.0, cov[36], sub[16], est[6];
    ck_assert_cxm_ok(cxm_model_for_customer(&c, f, &zero, &zero));
    ck_assert_cxm_ok(cxm_model_covariance(cov, 36, f));
    ck_assert_cxm_ok(cxm_model_covariance(sub, 16, c));
    ck_assert_cxm_ok(cxm_model_params(est, 6, f));
    ck_assert_cxm_ok(cxm_model_params(q, 4, c));
    for (int a = 0; a < 4; a++) {
        ck_assert(q[a] == est[a]);
        for (int b = 0; b < 4; b++)
            ck_assert(fabs(sub[a * 4 + b] - cov[a * 6 + b]) <= 1e-14 * fabs(cov[a * 6 + b]));
    }
    /* A file keeps the covariates, the effects and their covariance. */
    char *json = NULL;
    cxm_model *back = NULL;
    ck_assert_cxm_ok(cxm_model_to_json(&json, f));
    ck_assert(strstr(json, "\"covariates\"") && strstr(json, "\"dropout.channel\""));
    ck_assert_cxm_ok(cxm_model_from_json(&back, json));
    double again[6], cov_back[36];
    ck_assert_cxm_ok(cxm_model_params(again, 6, back));
    ck_assert_cxm_ok(cxm_model_covariance(cov_back, 36, back));
    ck_assert(memcmp(again, est, sizeof again) == 0 && memcmp(cov_back, cov, sizeof cov) == 0);
    ck_assert_str_eq(cxm_model_param_name(back, 5), "dropout.channel");
    ck_assert_str_eq(cxm_model_covariate_name(back, 0, 0), "gender");
    ck_assert_str_eq(cxm_model_covariate_name(back, 1, 0), "channel");
    ck_assert_ptr_null(cxm_model_covariate_name(back, 1, 1));
    ck_assert_ptr_null(cxm_model_covariate_name(back, 2, 0));
    ck_assert_ptr_null(cxm_model_covariate_name(NULL, 0, 0));
    cxm_model_free(back);
    cxm_free(json);
    /* Groups of customers for predictions: equal covariates (−0 = +0) share one. */
    double zp5[5] = { 0, 1, -0.0, 1, 2 }, zd5[5] = { 3, 3, 3, 3, 3 };
    size_t groups, group[5];
    ck_assert_cxm_ok(cxm_model_covariate_groups(&groups, group, 5, f, zp5, zd5));
    ck_assert_int_eq(groups, 3);
    ck_assert(group[0] == 0 && group[1] == 1 && group[2] == 0 && group[3] == 1 && group[4] == 2);
    zd5[3] = INFINITY;
    ck_assert_cxm_fails(cxm_model_covariate_groups(&groups, group, 5, f, zp5, zd5), CXM_EINVAL,
                        "element 3: covariate dropout.channel");
    /* Every prediction works on it, intervals included. */
    double x = 2, tx = 20, T = 39, lo, hi, alive;
    ck_assert_cxm_ok(cxm_model_p_alive(&alive, 1, c, &x, &tx, &T));
    ck_assert_cxm_ok(cxm_model_p_alive_interval(&lo, &hi, 1, c, 0.95, &x, &tx, &T));
    ck_assert(lo < alive && alive < hi);
    cxm_model_free(c);
    cxm_model_free(f);
    cxm_model_free(m);
    data_free(&d);
}
END_TEST

/* The numerical grid through customers' own models: BG/NBD, MBG/NBD and
 * Pareto/NBD with two purchase and two dropout covariates, base parameters
 * from 1e-2 to 1e2, effects up to ±5 on standardised covariates up to ±2
 * (scales moved by up to e^±20): the customer's model exists, its
 * log-likelihood is finite, P(alive) is in [0, 1], E[Y(t)] finite, >= 0 and
 * non-decreasing in t, DERT finite and >= 0. */
static long grid_customer(const cxm_model *c, const char *what)
{
    static const double histories[][3] = { { 0, 0, 0 },   { 0, 0, 100 },   { 1, 1, 1 },
                                           { 3, 20, 39 }, { 10, 0.5, 100 }, { 1e3, 99, 100 } };
    static const double ts[] = { 0, 1, 52, 1e4 };
    enum { NT = COUNT(ts) };
    long checked = 0;
    for (size_t h = 0; h < COUNT(histories); h++) {
        double x = histories[h][0], tx = histories[h][1], T = histories[h][2];
        double cols[3] = { x, tx, T }, ll, alive, dert, X[NT], TX[NT], TT[NT], ey[NT];
        ck_assert_cxm_ok(cxm_model_log_likelihood_of(&ll, c, 1, cols, NULL));
        ck_assert_msg(isfinite(ll), "%s x=%g t_x=%g T=%g: ln L %g", what, x, tx, T, ll);
        ck_assert_cxm_ok(cxm_model_p_alive(&alive, 1, c, &x, &tx, &T));
        ck_assert_msg(alive >= 0 && alive <= 1, "%s x=%g t_x=%g T=%g: P(alive) %.17g", what, x,
                      tx, T, alive);
        ck_assert_cxm_ok(cxm_model_dert(&dert, 1, c, 0.01, &x, &tx, &T));
        ck_assert_msg(isfinite(dert) && dert >= 0, "%s x=%g t_x=%g T=%g: DERT %g", what, x, tx,
                      T, dert);
        for (int q = 0; q < NT; q++) {
            X[q] = x;
            TX[q] = tx;
            TT[q] = T;
        }
        ck_assert_cxm_ok(cxm_model_conditional_purchases(ey, NT, c, ts, X, TX, TT));
        for (int q = 0; q < NT; q++)
            ck_assert_msg(isfinite(ey[q]) && ey[q] >= 0 &&
                              (q == 0 || ey[q] >= ey[q - 1] * (1 - 1e-12)),
                          "%s x=%g t_x=%g T=%g: E[Y(%g)] = %.17g after %.17g", what, x, tx, T,
                          ts[q], ey[q], q ? ey[q - 1] : 0);
        checked += 3 + NT;
    }
    return checked;
}

/* Are the customer's scaled parameters (docs/models.md §1.11, computed here)
 * within [1e-10, 1e10], the range a fit can reach? */
static int customer_in_range(cxm_model_kind kind, const double *p, const double *zp,
                             const double *zd)
{
    double purchase = p[4] * zp[0] + p[5] * zp[1], dropout = p[6] * zd[0] + p[7] * zd[1];
    double scaled[3] = { p[1] * exp(-purchase), p[2] * exp(dropout), p[3] * exp(dropout) };
    if (kind == CXM_MODEL_PARETO_NBD) {
        scaled[1] = p[2]; /* s has no covariate */
        scaled[2] = p[3] * exp(-dropout);
    }
    for (int j = 0; j < 3; j++)
        if (!(scaled[j] >= 1e-10 && scaled[j] <= 1e10))
            return 0;
    return 1;
}

START_TEST(numerical_grid_with_effects)
{
    static const cxm_model_kind kinds[] = { CXM_MODEL_BGNBD, CXM_MODEL_MBGNBD,
                                            CXM_MODEL_PARETO_NBD };
    static const double values[] = { 1e-2, 1, 1e2 };
    static const double effects[][2] = { { -5, -5 }, { -5, 5 }, { 0, 0 }, { 5, -5 }, { 5, 5 } };
    static const double z[][2] = { { -2, -2 }, { -2, 2 }, { 0, 0 }, { 2, -2 }, { 2, 2 }, { 0.3, -1.1 } };
    long checked = 0, refused = 0;
    for (size_t k = 0; k < COUNT(kinds); k++) {
        cxm_model *m = with_covariates(kinds[k], 2, 2, 0);
        for (int i = 0; i < 81; i++)
            for (size_t e = 0; e < COUNT(effects) * COUNT(effects); e++) {
                const double *gp = effects[e % COUNT(effects)], *gd = effects[e / COUNT(effects)];
                double p[8] = { values[i % 3], values[i / 3 % 3], values[i / 9 % 3], values[i / 27],
                                gp[0], gp[1], gd[0], gd[1] };
                ck_assert_cxm_ok(cxm_model_set_params(m, p, 8));
                /* Each purchase vector with a different dropout one (all pairs would
                 * take minutes, and add no new parameter scale). */
                for (size_t v = 0; v < COUNT(z); v++) {
                    const double *zp = z[v], *zd = z[(v + 2) % COUNT(z)];
                    char what[256];
                    snprintf(what, sizeof what,
                             "%s (%g, %g, %g, %g; effects %g %g / %g %g) at z (%g, %g / %g, %g)",
                             cxm_model_kind_name(kinds[k]), p[0], p[1], p[2], p[3], p[4], p[5],
                             p[6], p[7], zp[0], zp[1], zd[0], zd[1]);
                    cxm_model *c = NULL;
                    int status = cxm_model_for_customer(&c, m, zp, zd);
                    if (customer_in_range(kinds[k], p, zp, zd)) {
                        ck_assert_msg(status == CXM_OK, "%s: %s", what, cxm_error_message());
                        checked += grid_customer(c, what);
                    } else {
                        /* Beyond what a fit can reach: refused with the reason. */
                        ck_assert_msg(status == CXM_EINVAL && c == NULL &&
                                          strstr(cxm_error_message(), "is outside"),
                                      "%s: status %d, %s", what, status, cxm_error_message());
                        refused++;
                    }
                    cxm_model_free(c);
                }
            }
        cxm_model_free(m);
    }
    ck_assert_int_gt(checked, 500000);
    ck_assert_int_gt(refused, 0);
}
END_TEST

/* The same grid for GGompertz/NBD (r, alpha, b, s, beta): base parameters
 * 1e-2, 1 and 1e2, effects up to ±5 on alpha and beta through covariates up
 * to ±2; a customer whose alpha or beta leaves [1e-10, 1e10] is refused. */
START_TEST(numerical_grid_ggompertz)
{
    static const double values[] = { 1e-2, 1, 1e2 };
    static const double effects[][2] = { { -5, -5 }, { -5, 5 }, { 0, 0 }, { 5, 5 } };
    static const double z[][2] = { { -2, -2 }, { 2, -2 }, { 0.3, -1.1 } };
    long checked = 0, refused = 0;
    cxm_model *m = with_covariates(CXM_MODEL_GGOMPERTZ_NBD, 2, 2, 0);
    for (int i = 0; i < 243; i++)
        for (size_t e = 0; e < COUNT(effects) * COUNT(effects); e++) {
            const double *gp = effects[e % COUNT(effects)], *gd = effects[e / COUNT(effects)];
            double p[9] = { values[i % 3], values[i / 3 % 3],  values[i / 9 % 3],
                            values[i / 27 % 3], values[i / 81], gp[0], gp[1], gd[0], gd[1] };
            ck_assert_cxm_ok(cxm_model_set_params(m, p, 9));
            for (size_t v = 0; v < COUNT(z); v++) {
                const double *zp = z[v], *zd = z[(v + 1) % COUNT(z)];
                double alpha = p[1] * exp(-(p[5] * zp[0] + p[6] * zp[1]));
                double beta = p[4] * exp(-(p[7] * zd[0] + p[8] * zd[1]));
                char what[256];
                snprintf(what, sizeof what,
                         "ggompertz-nbd (%g, %g, %g, %g, %g; effects %g %g / %g %g) at z "
                         "(%g, %g / %g, %g)",
                         p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], zp[0], zp[1],
                         zd[0], zd[1]);
                cxm_model *c = NULL;
                int status = cxm_model_for_customer(&c, m, zp, zd);
                if (alpha >= 1e-10 && alpha <= 1e10 && beta >= 1e-10 && beta <= 1e10) {
                    ck_assert_msg(status == CXM_OK, "%s: %s", what, cxm_error_message());
                    checked += grid_customer(c, what);
                } else {
                    ck_assert_msg(status == CXM_EINVAL && strstr(cxm_error_message(), "is outside"),
                                  "%s: status %d, %s", what, status, cxm_error_message());
                    refused++;
                }
                cxm_model_free(c);
            }
        }
    cxm_model_free(m);
    ck_assert_int_gt(checked, 50000);
    ck_assert_int_gt(refused, 0);
}
END_TEST

START_TEST(covariate_errors)
{
    static const char *const names[] = { "gender", "gender" };
    cxm_model *m = NULL;
    ck_assert_cxm_ok(cxm_model_create(&m, CXM_MODEL_GAMMA_GAMMA));
    ck_assert_cxm_fails(cxm_model_set_covariates(m, 1, names, 0, NULL), CXM_EUNSUPPORTED,
                        "takes no covariates");
    cxm_model_free(m);
    ck_assert_cxm_ok(cxm_model_create(&m, CXM_MODEL_BGNBD));
    ck_assert_cxm_fails(cxm_model_set_covariates(m, 2, names, 0, NULL), CXM_EINVAL,
                        "appears twice");
    ck_assert_cxm_fails(cxm_model_set_covariates(m, 1, NULL, 0, NULL), CXM_EINVAL, "purchase");
    double x[8] = { 1, 0, 2, 3, 0, 1, 4, 2 }, tx[8] = { 5, 0, 9, 20, 0, 3, 30, 12 };
    double T[8] = { 39, 39, 39, 39, 39, 39, 39, 39 }, z[8] = { 0, 1, 0, 1, 0, 1, 0, 1 };
    ck_assert_cxm_fails(cxm_model_fit_covariates(m, 8, x, tx, T, z, NULL, NULL, NULL), CXM_EINVAL,
                        "cxm_model_set_covariates");
    ck_assert_cxm_ok(cxm_model_set_covariates(m, 1, names, 0, NULL));
    ck_assert_int_eq(cxm_model_param_count(m), 5);
    ck_assert_str_eq(cxm_model_param_name(m, 4), "purchase.gender");
    size_t kp, kd;
    ck_assert_cxm_ok(cxm_model_covariate_count(&kp, &kd, m));
    ck_assert(kp == 1 && kd == 0);
    z[6] = NAN;
    ck_assert_cxm_fails(cxm_model_fit_covariates(m, 8, x, tx, T, z, NULL, NULL, NULL), CXM_EINVAL,
                        "element 6: covariate purchase.gender");
    z[6] = 0;
    tx[3] = 50;
    ck_assert_cxm_fails(cxm_model_fit_covariates(m, 8, x, tx, T, z, NULL, NULL, NULL), CXM_EINVAL,
                        "element 3");
    tx[3] = 20;
    /* The plain entry points say where a covariate model's work is done. */
    ck_assert_cxm_fails(cxm_model_fit(m, 8, x, tx, T, NULL, NULL), CXM_EUNSUPPORTED,
                        "cxm_model_fit_covariates");
    const double p[5] = { 0.243, 4.414, 0.793, 2.426, 0.5 };
    ck_assert_cxm_ok(cxm_model_set_params(m, p, 5));
    double out;
    ck_assert_int_eq(cxm_model_p_alive(&out, 1, m, x, tx, T), CXM_EUNSUPPORTED);
    /* A constant covariate is the scale itself: not identified. */
    static const double ones[8] = { 1, 1, 1, 1, 1, 1, 1, 1 };
    size_t n = 4000;
    double *bx = malloc(n * sizeof *bx), *btx = malloc(n * sizeof *btx), *bT = malloc(n * 8);
    double *bz = malloc(n * sizeof *bz);
    cxm_model *plain = NULL;
    ck_assert_cxm_ok(cxm_model_create(&plain, CXM_MODEL_BGNBD));
    ck_assert_cxm_ok(cxm_model_set_params(plain, p, 4));
    for (size_t i = 0; i < n; i++)
        bT[i] = 39, bz[i] = ones[i % 8];
    ck_assert_cxm_ok(cxm_model_simulate(bx, btx, n, plain, bT, 3));
    ck_assert_cxm_fails(cxm_model_fit_covariates(m, n, bx, btx, bT, bz, NULL, NULL, NULL),
                        CXM_EINVAL, "covariate purchase.gender has the same value for every");
    /* The model kept its given parameters. */
    ck_assert_int_eq(cxm_model_get_state(m), CXM_MODEL_GIVEN);
    /* Two covariates that add up to a constant (gender and its complement). */
    static const char *const pair[] = { "male", "female" };
    ck_assert_cxm_ok(cxm_model_set_covariates(m, 2, pair, 0, NULL));
    double *two = malloc(2 * n * sizeof *two);
    for (size_t i = 0; i < n; i++)
        two[2 * i] = (double)(i % 2), two[2 * i + 1] = 1.0 - (double)(i % 2);
    ck_assert_cxm_fails(cxm_model_fit_covariates(m, n, bx, btx, bT, two, NULL, NULL, NULL),
                        CXM_EINVAL, "purchase.female is a linear combination");
    free(two);
    free(bx), free(btx), free(bT), free(bz);
    cxm_model_free(plain);
    cxm_model_free(m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("covariates");
    struct {
        const char *name;
        const TTest *test;
    } tests[] = {
        { "bgnbd recovery", bgnbd_recovers_known_effects },
        { "pnbd recovery", pnbd_recovers_known_effects },
        { "likelihood", likelihood_and_curvature_match_the_groups },
        { "no effect", no_effect_where_there_is_none },
        { "penalties", effect_penalties_shrink_the_effects },
        { "shared", shared_effects },
        { "customer models", customer_models },
        { "errors", covariate_errors },
        { "grid", numerical_grid_with_effects },
        { "ggompertz grid", numerical_grid_ggompertz },
    };
    for (size_t i = 0; i < COUNT(tests); i++) {
        TCase *tc = tcase_create(tests[i].name);
        tcase_set_timeout(tc, 300);
        tcase_add_test(tc, tests[i].test);
        suite_add_tcase(s, tc);
    }
    return cxm_check_run(s);
}
