/* Pareto/NBD with time-varying covariates (docs/models.md §1.13): recovery
 * of known effects from 10^5 simulated customers with about 50 weekly
 * periods each; every effect 0 against the Pareto/NBD and covariates that
 * never change against the static covariates (independent code paths); the
 * analytic Hessian against differences of the likelihood; a grid of extreme
 * effects; errors naming the customer. (The likelihood against an
 * independent scipy quadrature is in tests/python/test_dyncov.py.) */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cxm.h>

#include "check_run.h"
#include "suites.h"

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* A uniform in (0, 1) from two integers (splitmix64): the data do not depend
 * on the library's generator. */
static double uniform(uint64_t a, uint64_t b)
{
    uint64_t z = a * 0x9e3779b97f4a7c15ULL + b + 0x632be59bd9b4e019ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return ((double)(z >> 11) + 0.5) / 9007199254740992.0;
}

static double normal(uint64_t a, uint64_t b)
{
    return sqrt(-2.0 * log(uniform(a, 2 * b))) * cos(6.283185307179586 * uniform(a, 2 * b + 1));
}

/* Customers who join in the first 10 weeks of a 52-week calendar cut into
 * weeks: each customer's segments are the weeks from its first purchase to
 * the end (plus `extra` weeks of future covariates). Purchase covariates: a
 * season sin(2πw/26) plus noise (changes weekly) and a group 0/1 (never
 * changes); dropout covariate: a weekly standard normal. */
typedef struct panel {
    size_t n, segments;
    double *x, *t_x, *T, *ends, *counts, *purchase, *dropout;
    size_t *offsets;
    cxm_dyncov_data data;
} panel;

static void panel_free(panel *p)
{
    free(p->x), free(p->t_x), free(p->T), free(p->ends), free(p->counts);
    free(p->purchase), free(p->dropout), free(p->offsets);
}

static panel make_panel(size_t n, double extra, uint64_t seed)
{
    panel p;
    memset(&p, 0, sizeof p);
    p.n = n;
    size_t cap = n * (size_t)(54 + extra);
    p.x = calloc(n, sizeof(double)), p.t_x = calloc(n, sizeof(double));
    p.T = calloc(n, sizeof(double)), p.offsets = calloc(n + 1, sizeof(size_t));
    p.ends = calloc(cap, sizeof(double)), p.counts = calloc(cap, sizeof(double));
    p.purchase = calloc(2 * cap, sizeof(double)), p.dropout = calloc(cap, sizeof(double));
    ck_assert(p.x && p.t_x && p.T && p.offsets && p.ends && p.counts && p.purchase && p.dropout);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        p.offsets[i] = k;
        double join = 10.0 * uniform(seed, 3 * i), group = (double)(i % 2);
        p.T[i] = 52.0 - join;
        for (int week = (int)floor(join);; week++) {
            double end = week + 1.0 - join; /* > 0 */
            p.ends[k] = end;
            p.purchase[2 * k] = sin(6.283185307179586 * week / 26.0) +
                                0.3 * normal(seed + 1, (uint64_t)i * 200 + (uint64_t)week);
            p.purchase[2 * k + 1] = group;
            p.dropout[k] = normal(seed + 2, (uint64_t)i * 200 + (uint64_t)week);
            k++;
            if (end >= p.T[i] + extra)
                break;
        }
    }
    p.offsets[n] = k;
    p.segments = k;
    cxm_dyncov_data_init(&p.data);
    p.data.n = n, p.data.x = p.x, p.data.t_x = p.t_x, p.data.T = p.T;
    p.data.offsets = p.offsets, p.data.ends = p.ends, p.data.counts = p.counts;
    p.data.purchase = p.purchase, p.data.dropout = p.dropout;
    return p;
}

static const char *purchase_names[] = { "season", "group" };
static const char *dropout_names[] = { "z" };

static cxm_model *dynamic_model(const double *params)
{
    cxm_model *m = NULL;
    ck_assert_cxm_ok(cxm_model_create(&m, CXM_MODEL_PARETO_NBD));
    ck_assert_cxm_ok(cxm_model_set_covariates(m, 2, purchase_names, 1, dropout_names));
    if (params)
        ck_assert_cxm_ok(cxm_model_set_params(m, params, 7));
    return m;
}

static double cpu_seconds(void)
{
    return (double)clock() / CLOCKS_PER_SEC;
}

START_TEST(recovers_known_effects)
{
    const double truth[7] = { 0.8, 6.0, 0.7, 15.0, 0.5, -0.4, 0.6 };
    cxm_model *gen = dynamic_model(truth);
    panel p = make_panel(100000, 0.0, 11);
    ck_assert_msg(p.segments > 45 * p.n, "%zu segments", p.segments);
    double *alive = malloc(p.n * sizeof *alive);
    ck_assert_cxm_ok(cxm_model_dynamic_simulate(p.x, p.t_x, p.counts, alive, gen, &p.data, 7));
    cxm_model *fit = dynamic_model(NULL);
    double start = cpu_seconds();
    ck_assert_cxm_ok(cxm_model_fit_dynamic(fit, &p.data, NULL));
    printf("time-varying covariates: fit of %zu customers, %zu segments: %.2f s CPU\n", p.n,
           p.segments, cpu_seconds() - start);
    double est[7], se[7];
    ck_assert_cxm_ok(cxm_model_params(est, 7, fit));
    ck_assert_cxm_ok(cxm_model_standard_errors(se, 7, fit));
    for (int j = 0; j < 7; j++) {
        printf("  %-16s %9.4f (se %.4f, truth %.3f)\n", cxm_model_param_name(fit, (size_t)j),
               est[j], se[j], truth[j]);
        ck_assert_msg(fabs(est[j] - truth[j]) < 3.0 * se[j], "%s = %g, se %g, truth %g",
                      cxm_model_param_name(fit, (size_t)j), est[j], se[j], truth[j]);
    }
    /* P(alive) agrees with who is alive: the mean within 3 binomial errors. */
    double *pa = malloc(p.n * sizeof *pa), mean_p = 0.0, mean_alive = 0.0;
    ck_assert_cxm_ok(cxm_model_dynamic_p_alive(pa, p.n, fit, &p.data));
    for (size_t i = 0; i < p.n; i++) {
        ck_assert(pa[i] >= 0.0 && pa[i] <= 1.0);
        mean_p += pa[i] / (double)p.n;
        mean_alive += alive[i] / (double)p.n;
    }
    ck_assert_msg(fabs(mean_p - mean_alive) < 3.0 * sqrt(0.25 / (double)p.n), "%g vs %g",
                  mean_p, mean_alive);
    free(alive), free(pa);
    panel_free(&p);
    cxm_model_free(gen), cxm_model_free(fit);
}
END_TEST

/* Every effect 0: the Pareto/NBD, whatever the covariates. */
START_TEST(zero_effects_are_the_pareto_nbd)
{
    const double params[7] = { 0.55, 10.5, 0.6, 11.7, 0.0, 0.0, 0.0 };
    cxm_model *m = dynamic_model(params), *plain = NULL;
    ck_assert_cxm_ok(cxm_model_create(&plain, CXM_MODEL_PARETO_NBD));
    ck_assert_cxm_ok(cxm_model_set_params(plain, params, 4));
    panel p = make_panel(400, 30.0, 5);
    const double gen_params[7] = { 0.9, 4.0, 0.5, 20.0, 0.3, 0.2, -0.4 };
    cxm_model *gen = dynamic_model(gen_params);
    ck_assert_cxm_ok(cxm_model_dynamic_simulate(p.x, p.t_x, p.counts, NULL, gen, &p.data, 3));
    double *ll = malloc(p.n * sizeof *ll), *pa = malloc(p.n * sizeof *pa);
    double *ey = malloc(p.n * sizeof *ey), *t = malloc(p.n * sizeof *t);
    ck_assert_cxm_ok(cxm_model_dynamic_log_likelihood(ll, p.n, m, &p.data));
    ck_assert_cxm_ok(cxm_model_dynamic_p_alive(pa, p.n, m, &p.data));
    for (size_t i = 0; i < p.n; i++)
        t[i] = 0.5 + (double)(i % 60) * 0.5;
    ck_assert_cxm_ok(cxm_model_dynamic_conditional_purchases(ey, p.n, m, t, &p.data));
    for (size_t i = 0; i < p.n; i++) {
        double cols[3] = { p.x[i], p.t_x[i], p.T[i] }, ref, ref_pa, ref_ey;
        ck_assert_cxm_ok(cxm_model_log_likelihood_of(&ref, plain, 1, cols, NULL));
        ck_assert_cxm_ok(cxm_model_p_alive(&ref_pa, 1, plain, p.x + i, p.t_x + i, p.T + i));
        ck_assert_cxm_ok(cxm_model_conditional_purchases(&ref_ey, 1, plain, t + i, p.x + i,
                                                         p.t_x + i, p.T + i));
        ck_assert_msg(fabs(ll[i] - ref) <= 1e-11 * fabs(ref), "customer %zu: %.17g vs %.17g", i,
                      ll[i], ref);
        ck_assert_msg(fabs(pa[i] - ref_pa) <= 1e-11, "customer %zu: %.17g vs %.17g", i, pa[i],
                      ref_pa);
        ck_assert_msg(fabs(ey[i] - ref_ey) <= 1e-11 * ref_ey + 1e-300, "customer %zu: %.17g vs %.17g", i,
                      ey[i], ref_ey);
    }
    free(ll), free(pa), free(ey), free(t);
    panel_free(&p);
    cxm_model_free(m), cxm_model_free(plain), cxm_model_free(gen);
}
END_TEST

/* Covariates that never change: the static covariates' customer model. */
START_TEST(constant_covariates_are_the_static_model)
{
    const double params[7] = { 0.7, 5.0, 0.6, 12.0, 0.8, -0.5, 1.2 };
    cxm_model *m = dynamic_model(params);
    panel p = make_panel(200, 20.0, 9);
    ck_assert_cxm_ok(cxm_model_dynamic_simulate(p.x, p.t_x, p.counts, NULL, m, &p.data, 1));
    for (size_t i = 0; i < p.n; i++)
        for (size_t k = p.offsets[i]; k < p.offsets[i + 1]; k++) {
            p.purchase[2 * k] = 0.1 * (double)(i % 7) - 0.3;
            p.purchase[2 * k + 1] = (double)(i % 2);
            p.dropout[k] = 0.25 * (double)(i % 5) - 0.5;
        }
    double ll, pa, ey, t = 17.5;
    for (size_t i = 0; i < p.n; i++) {
        cxm_dyncov_data one = p.data;
        size_t offsets[2] = { p.offsets[i], p.offsets[i + 1] };
        one.n = 1, one.x = p.x + i, one.t_x = p.t_x + i, one.T = p.T + i, one.offsets = offsets;
        ck_assert_cxm_ok(cxm_model_dynamic_log_likelihood(&ll, 1, m, &one));
        ck_assert_cxm_ok(cxm_model_dynamic_p_alive(&pa, 1, m, &one));
        ck_assert_cxm_ok(cxm_model_dynamic_conditional_purchases(&ey, 1, m, &t, &one));
        cxm_model *cm = NULL;
        size_t k = p.offsets[i];
        ck_assert_cxm_ok(cxm_model_for_customer(&cm, m, p.purchase + 2 * k, p.dropout + k));
        double cols[3] = { p.x[i], p.t_x[i], p.T[i] }, ref, ref_pa, ref_ey;
        ck_assert_cxm_ok(cxm_model_log_likelihood_of(&ref, cm, 1, cols, NULL));
        ck_assert_msg(fabs(ll - ref) <= 1e-11 * fabs(ref), "customer %zu: %.17g vs %.17g", i, ll,
                      ref);
        ck_assert_cxm_ok(cxm_model_p_alive(&ref_pa, 1, cm, cols, cols + 1, cols + 2));
        ck_assert_cxm_ok(cxm_model_conditional_purchases(&ref_ey, 1, cm, &t, cols, cols + 1,
                                                         cols + 2));
        ck_assert_msg(fabs(pa - ref_pa) <= 1e-11, "customer %zu: %.17g vs %.17g", i, pa, ref_pa);
        ck_assert_msg(fabs(ey - ref_ey) <= 1e-11 * ref_ey, "customer %zu: %.17g vs %.17g", i, ey,
                      ref_ey);
        cxm_model_free(cm);
    }
    panel_free(&p);
    cxm_model_free(m);
}
END_TEST

static double total_loglik(const cxm_model *proto, const double *params, const panel *p)
{
    cxm_model *m = dynamic_model(params);
    double *ll = malloc(p->n * sizeof *ll), sum = 0.0;
    ck_assert_cxm_ok(cxm_model_dynamic_log_likelihood(ll, p->n, m, &p->data));
    for (size_t i = 0; i < p->n; i++)
        sum += ll[i];
    (void)proto;
    free(ll);
    cxm_model_free(m);
    return sum;
}

/* The fit's covariance is the inverse of the analytic Hessian: compare its
 * inverse with second differences of the public log-likelihood. */
START_TEST(hessian_matches_differences)
{
    const double truth[7] = { 0.8, 6.0, 0.7, 15.0, 0.5, -0.4, 0.6 };
    cxm_model *gen = dynamic_model(truth), *fit = dynamic_model(NULL);
    panel p = make_panel(3000, 0.0, 21);
    ck_assert_cxm_ok(cxm_model_dynamic_simulate(p.x, p.t_x, p.counts, NULL, gen, &p.data, 5));
    ck_assert_cxm_ok(cxm_model_fit_dynamic(fit, &p.data, NULL));
    double est[7], cov[49], info[49], ll;
    ck_assert_cxm_ok(cxm_model_params(est, 7, fit));
    ck_assert_cxm_ok(cxm_model_covariance(cov, 49, fit));
    ck_assert_cxm_ok(cxm_model_log_likelihood(&ll, fit));
    ck_assert_msg(fabs(ll - total_loglik(fit, est, &p)) < 1e-8 * fabs(ll), "%.17g", ll);
    double h[7];
    for (int j = 0; j < 7; j++)
        h[j] = 1e-3 * fmax(fabs(est[j]), 0.1);
    for (int a = 0; a < 7; a++)
        for (int b = a; b < 7; b++) {
            double q[7], f[4];
            for (int s = 0; s < 4; s++) {
                memcpy(q, est, sizeof q);
                q[a] += (s & 1 ? -1 : 1) * h[a];
                q[b] += (s & 2 ? -1 : 1) * h[b];
                f[s] = total_loglik(fit, q, &p);
            }
            info[a * 7 + b] = info[b * 7 + a] =
                -(f[0] - f[1] - f[2] + f[3]) / (4.0 * h[a] * h[b]);
        }
    /* cov · info = I within the differences' error */
    for (int a = 0; a < 7; a++)
        for (int b = 0; b < 7; b++) {
            double sum = 0.0;
            for (int k = 0; k < 7; k++)
                sum += cov[a * 7 + k] * info[k * 7 + b];
            ck_assert_msg(fabs(sum - (a == b)) < 2e-3, "(cov·info)[%d][%d] = %g", a, b, sum);
        }
    panel_free(&p);
    cxm_model_free(gen), cxm_model_free(fit);
}
END_TEST

/* Effects up to ±5 on standardised covariates, extreme customers: finite
 * results, P(alive) in [0, 1]. */
START_TEST(grid_of_extreme_effects)
{
    panel p = make_panel(60, 52.0, 31);
    const double gen_params[7] = { 2.0, 2.0, 0.4, 30.0, 0.4, 0.3, -0.3 };
    cxm_model *gen = dynamic_model(gen_params);
    ck_assert_cxm_ok(cxm_model_dynamic_simulate(p.x, p.t_x, p.counts, NULL, gen, &p.data, 17));
    /* heavy buyers and a last purchase today among them */
    p.x[0] = p.counts[p.offsets[0]] = 300.0, p.t_x[0] = fmin(p.ends[p.offsets[0]], p.T[0]);
    for (size_t k = p.offsets[0] + 1; k < p.offsets[1]; k++)
        p.counts[k] = 0.0;
    const double effects[] = { -5.0, -1.0, 0.0, 2.0, 5.0 };
    const double shapes[][4] = { { 0.01, 0.1, 0.01, 0.1 }, { 1.0, 10.0, 1.0, 10.0 },
                                 { 50.0, 1e4, 20.0, 1e-3 }, { 1e-3, 1e3, 1e3, 1e5 } };
    double *ll = malloc(p.n * sizeof *ll), *pa = malloc(p.n * sizeof *pa);
    double *ey = malloc(p.n * sizeof *ey), *t = malloc(p.n * sizeof *t);
    for (size_t i = 0; i < p.n; i++)
        t[i] = 52.0;
    for (size_t s = 0; s < COUNT(shapes); s++)
        for (size_t a = 0; a < COUNT(effects); a++)
            for (size_t b = 0; b < COUNT(effects); b++) {
                double params[7] = { shapes[s][0], shapes[s][1], shapes[s][2], shapes[s][3],
                                     effects[a], -effects[b], effects[b] };
                cxm_model *m = dynamic_model(params);
                ck_assert_cxm_ok(cxm_model_dynamic_log_likelihood(ll, p.n, m, &p.data));
                ck_assert_cxm_ok(cxm_model_dynamic_p_alive(pa, p.n, m, &p.data));
                ck_assert_cxm_ok(cxm_model_dynamic_conditional_purchases(ey, p.n, m, t, &p.data));
                for (size_t i = 0; i < p.n; i++) {
                    ck_assert_msg(isfinite(ll[i]), "ln L %g", ll[i]);
                    ck_assert_msg(pa[i] >= 0.0 && pa[i] <= 1.0, "P(alive) %g", pa[i]);
                    ck_assert_msg(isfinite(ey[i]) && ey[i] >= 0.0, "E[Y] %g", ey[i]);
                }
                cxm_model_free(m);
            }
    free(ll), free(pa), free(ey), free(t);
    panel_free(&p);
    cxm_model_free(gen);
}
END_TEST

START_TEST(penalties_shrink_the_effects)
{
    const double truth[7] = { 0.8, 6.0, 0.7, 15.0, 0.5, -0.4, 0.6 };
    cxm_model *gen = dynamic_model(truth), *free_fit = dynamic_model(NULL);
    cxm_model *held = dynamic_model(NULL);
    panel p = make_panel(3000, 0.0, 41);
    ck_assert_cxm_ok(cxm_model_dynamic_simulate(p.x, p.t_x, p.counts, NULL, gen, &p.data, 9));
    ck_assert_cxm_ok(cxm_model_fit_dynamic(free_fit, &p.data, NULL));
    cxm_fit_options o = CXM_FIT_OPTIONS_INIT;
    o.purchase_penalty = 1.0;
    o.dropout_penalty = 1.0;
    ck_assert_cxm_ok(cxm_model_fit_dynamic(held, &p.data, &o));
    double a[7], b[7];
    ck_assert_cxm_ok(cxm_model_params(a, 7, free_fit));
    ck_assert_cxm_ok(cxm_model_params(b, 7, held));
    for (int j = 4; j < 7; j++)
        ck_assert_msg(fabs(b[j]) < 0.8 * fabs(a[j]), "effect %d: %g vs %g", j, b[j], a[j]);
    /* One effect for a covariate of both processes: a shared parameter. */
    cxm_model *shared = NULL;
    const char *both[] = { "z" };
    ck_assert_cxm_ok(cxm_model_create(&shared, CXM_MODEL_PARETO_NBD));
    ck_assert_cxm_ok(cxm_model_set_covariates(shared, 1, both, 1, both));
    ck_assert_cxm_ok(cxm_model_share_covariates(shared, 1, both));
    double *zp = malloc(p.segments * sizeof *zp);
    memcpy(zp, p.dropout, p.segments * sizeof *zp);
    cxm_dyncov_data d = p.data;
    d.purchase = zp;
    ck_assert_cxm_ok(cxm_model_fit_dynamic(shared, &d, NULL));
    ck_assert_uint_eq(cxm_model_param_count(shared), 5);
    ck_assert_str_eq(cxm_model_param_name(shared, 4), "shared.z");
    free(zp);
    panel_free(&p);
    cxm_model_free(gen), cxm_model_free(free_fit), cxm_model_free(held), cxm_model_free(shared);
}
END_TEST

START_TEST(errors_name_the_customer)
{
    const double params[7] = { 0.8, 6.0, 0.7, 15.0, 0.5, -0.4, 0.6 };
    cxm_model *m = dynamic_model(params);
    panel p = make_panel(10, 0.0, 51);
    ck_assert_cxm_ok(cxm_model_dynamic_simulate(p.x, p.t_x, p.counts, NULL, m, &p.data, 2));
    double dst[10];
    size_t where = 0;
    /* segments not increasing */
    size_t k = p.offsets[3] + 2;
    double keep = p.ends[k];
    p.ends[k] = p.ends[k - 1];
    ck_assert_cxm_fails(cxm_model_dynamic_log_likelihood(dst, 10, m, &p.data), CXM_EINVAL,
                        "element 3: segment 2 ends at");
    ck_assert_cxm_ok(cxm_error_element(&where));
    ck_assert_uint_eq(where, 3);
    p.ends[k] = keep;
    /* counts not adding up to x */
    p.x[4] += 1.0;
    ck_assert_cxm_fails(cxm_model_fit_dynamic(m, &p.data, NULL), CXM_EINVAL,
                        "element 4: the segments' counts add up to");
    p.x[4] -= 1.0;
    /* the last segment before T */
    p.T[5] = p.ends[p.offsets[6] - 1] + 1.0;
    ck_assert_cxm_fails(cxm_model_dynamic_p_alive(dst, 10, m, &p.data), CXM_EINVAL,
                        "element 5: the segments end at");
    p.T[5] = p.ends[p.offsets[6] - 1];
    /* NaN covariates */
    p.dropout[p.offsets[7] + 1] = NAN;
    ck_assert_cxm_fails(cxm_model_dynamic_p_alive(dst, 10, m, &p.data), CXM_EINVAL,
                        "element 7: segment 1: covariate dropout.z is nan");
    p.dropout[p.offsets[7] + 1] = 0.0;
    /* purchases counted after t_x */
    double t_x = p.t_x[8];
    size_t last = p.offsets[9] - 1;
    if (p.x[8] > 0.0 && p.ends[last - 1] > t_x) {
        p.counts[last] += 1.0, p.x[8] += 1.0;
        ck_assert_cxm_fails(cxm_model_dynamic_log_likelihood(dst, 10, m, &p.data), CXM_EINVAL,
                            "element 8: segment");
        p.counts[last] -= 1.0, p.x[8] -= 1.0;
    }
    /* a horizon beyond the covariates */
    double t[10] = { 0 };
    t[2] = 5.0;
    ck_assert_cxm_fails(cxm_model_dynamic_conditional_purchases(dst, 10, m, t, &p.data),
                        CXM_EINVAL, "element 2: the segments end at");
    /* a constant covariate */
    cxm_model *fit = dynamic_model(NULL);
    for (size_t s = 0; s < p.segments; s++)
        p.purchase[2 * s + 1] = 1.0;
    ck_assert_cxm_fails(cxm_model_fit_dynamic(fit, &p.data, NULL), CXM_EINVAL,
                        "purchase.group has the same value in every segment");
    /* other kinds, no covariates, a struct from nowhere */
    cxm_model *bg = NULL, *plain = NULL;
    ck_assert_cxm_ok(cxm_model_create(&bg, CXM_MODEL_BGNBD));
    ck_assert_cxm_ok(cxm_model_create(&plain, CXM_MODEL_PARETO_NBD));
    ck_assert_cxm_fails(cxm_model_fit_dynamic(bg, &p.data, NULL), CXM_EUNSUPPORTED,
                        "Pareto/NBD");
    ck_assert_cxm_fails(cxm_model_fit_dynamic(plain, &p.data, NULL), CXM_EINVAL,
                        "cxm_model_set_covariates");
    cxm_dyncov_data bad = p.data;
    bad.struct_size = 3;
    ck_assert_cxm_fails(cxm_model_dynamic_p_alive(dst, 10, m, &bad), CXM_EINVAL,
                        "struct_size");
    panel_free(&p);
    cxm_model_free(m), cxm_model_free(fit), cxm_model_free(bg), cxm_model_free(plain);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("dyncov");
    struct {
        const char *name;
        const TTest *test;
    } tests[] = {
        { "zero effects", zero_effects_are_the_pareto_nbd },
        { "constant covariates", constant_covariates_are_the_static_model },
        { "hessian", hessian_matches_differences },
        { "grid", grid_of_extreme_effects },
        { "penalties", penalties_shrink_the_effects },
        { "errors", errors_name_the_customer },
        { "recovery", recovers_known_effects },
    };
    for (size_t i = 0; i < COUNT(tests); i++) {
        TCase *tc = tcase_create(tests[i].name);
        tcase_set_timeout(tc, 600);
        tcase_add_test(tc, tests[i].test);
        suite_add_tcase(s, tc);
    }
    return cxm_check_run(s);
}
