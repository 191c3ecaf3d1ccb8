/* PLS path modelling (Wold 1982; Lohmöller 1989; Tenenhaus et al. 2005),
 * computed from the items' correlation matrix: with standardized items every
 * step of the algorithm is a function of the correlations, so the data are
 * read once and each bootstrap resample costs one weighted cross-product.
 * docs/models.md §3.3. */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chain/pls.h"
#include "chain/pls_quality.h"
#include "core/internal.h"
#include "numeric/linalg.h"

void cxm__pls_layout(pls_layout *layout, size_t c, size_t q)
{
    const size_t sizes[PLS_QUANTITY_COUNT] = { q, q, q, q, c * c, c * c, c * c, c, c, c * c, q, q };
    size_t offset = 0;
    for (int k = 0; k < PLS_QUANTITY_COUNT; k++) {
        layout->offset[k] = offset;
        layout->size[k] = sizes[k];
        offset += sizes[k];
    }
    layout->total = offset;
}

/* ------------------------------------------------------------------ plan */

static void plan_free(pls_plan *plan)
{
    cxm__free(plan->start);
    cxm__free(plan->item);
    cxm__free(plan->construct);
    cxm__free(plan->mode);
    cxm__free(plan->adj);
    cxm__free(plan->n_pred);
    cxm__free(plan->pred);
    cxm__free((void *)plan->names);
    memset(plan, 0, sizeof *plan);
}

static int plan_build(pls_plan *plan, const cxm_pls_model *m, const cxm_pls_options *o)
{
    memset(plan, 0, sizeof *plan);
    size_t c = m->n_constructs, q = cxm_pls_model_indicator_count(m);
    plan->c = c;
    plan->q = q;
    plan->p = m->n_items;
    plan->item_names = m->items;
    plan->scheme = o->scheme;
    plan->tolerance = o->tolerance;
    plan->max_iterations = o->max_iterations;
    plan->consistent = o->consistent;
    plan->start = cxm__calloc(c + 1, sizeof *plan->start);
    plan->item = cxm__calloc(q ? q : 1, sizeof *plan->item);
    plan->construct = cxm__calloc(q ? q : 1, sizeof *plan->construct);
    plan->mode = cxm__calloc(c, sizeof *plan->mode);
    plan->adj = cxm__calloc(c * c, 1);
    plan->n_pred = cxm__calloc(c, sizeof *plan->n_pred);
    plan->pred = cxm__calloc(c * c, sizeof *plan->pred);
    plan->names = cxm__calloc(c, sizeof *plan->names);
    if (!plan->start || !plan->item || !plan->construct || !plan->mode || !plan->adj ||
        !plan->n_pred || !plan->pred || !plan->names) {
        plan_free(plan);
        return CXM_ENOMEM;
    }
    size_t k = 0;
    for (size_t j = 0; j < c; j++) {
        plan->start[j] = k;
        plan->mode[j] = m->constructs[j].mode;
        plan->names[j] = m->constructs[j].name;
        for (size_t i = 0; i < m->constructs[j].n_items; i++, k++) {
            plan->item[k] = m->constructs[j].items[i];
            plan->construct[k] = j;
        }
    }
    plan->start[c] = k;
    for (size_t e = 0; e < m->n_paths; e++) {
        size_t from = m->path_from[e], to = m->path_to[e];
        plan->adj[from * c + to] = 1;
    }
    /* Predecessors in construct order, so that results never depend on path order. */
    for (size_t j = 0; j < c; j++)
        for (size_t i = 0; i < c; i++)
            if (plan->adj[i * c + j])
                plan->pred[j * c + plan->n_pred[j]++] = i;
    return CXM_OK;
}

int cxm__pls_work_alloc(pls_work *work, const pls_plan *plan)
{
    size_t c = plan->c, q = plan->q, blocks = 0;
    for (size_t j = 0; j < c; j++) {
        size_t n = plan->start[j + 1] - plan->start[j];
        blocks += n * n;
    }
    memset(work, 0, sizeof *work);
    work->w = cxm__calloc(2 * q + q * c + 2 * c * c + blocks + (c + 1) * (c + 1) + 2 * c + 2,
                          sizeof(double));
    work->perm = cxm__calloc(c + 1, sizeof *work->perm);
    if (work->w == NULL || work->perm == NULL) {
        cxm__pls_work_free(work);
        return CXM_ENOMEM;
    }
    work->w_old = work->w + q;
    work->g = work->w_old + q;
    work->cor = work->g + q * c;
    work->e = work->cor + c * c;
    work->block_inv = work->e + c * c;
    work->small = work->block_inv + blocks;
    return CXM_OK;
}

void cxm__pls_work_free(pls_work *work)
{
    cxm__free(work->w);
    cxm__free(work->perm);
    memset(work, 0, sizeof *work);
}

/* ------------------------------------------------------------------ the algorithm */

static int core_fail(int quiet, int status, const char *fmt, ...) CXM_PRINTF(3, 4);
static int core_fail(int quiet, int status, const char *fmt, ...)
{
    if (!quiet) {
        va_list ap;
        va_start(ap, fmt);
        cxm__vfail(status, fmt, ap);
        va_end(ap);
    }
    return status;
}

/* G = cov(indicators, construct scores) and the construct correlations. */
static void scores_moments(const pls_plan *plan, const double *r, const double *w, double *g,
                           double *cor)
{
    size_t c = plan->c, q = plan->q, p = plan->p;
    for (size_t h = 0; h < q; h++) {
        const double *row = r + plan->item[h] * p;
        for (size_t k = 0; k < c; k++) {
            double s = 0;
            for (size_t l = plan->start[k]; l < plan->start[k + 1]; l++)
                s += row[plan->item[l]] * w[l];
            g[h * c + k] = s;
        }
    }
    for (size_t j = 0; j < c; j++)
        for (size_t k = 0; k < c; k++) {
            double s = 0;
            for (size_t h = plan->start[j]; h < plan->start[j + 1]; h++)
                s += w[h] * g[h * c + k];
            cor[j * c + k] = s;
        }
}

/* Solve cor[P,P]·β = cor[P,j] for the predecessors P of j; β in beta. */
static int regress_on_predecessors(const pls_plan *plan, const double *cor, size_t j, double *beta,
                                   double *a, size_t *perm, double *work)
{
    size_t c = plan->c, m = plan->n_pred[j];
    const size_t *pred = plan->pred + j * c;
    for (size_t u = 0; u < m; u++) {
        for (size_t v = 0; v < m; v++)
            a[u * m + v] = cor[pred[u] * c + pred[v]];
        beta[u] = cor[pred[u] * c + j];
    }
    int status = cxm__lu_factor(a, m, perm);
    if (status == CXM_OK)
        cxm__lu_solve(a, m, perm, beta, work);
    return status;
}

/* Weights of block j scaled so that its score has unit variance. */
static int normalize_block(const pls_plan *plan, const double *r, double *w, size_t j)
{
    size_t p = plan->p;
    double var = 0;
    for (size_t h = plan->start[j]; h < plan->start[j + 1]; h++)
        for (size_t l = plan->start[j]; l < plan->start[j + 1]; l++)
            var += w[h] * w[l] * r[plan->item[h] * p + plan->item[l]];
    if (!(var > 1e-300) || !isfinite(var))
        return CXM_EDOMAIN;
    double scale = 1.0 / sqrt(var);
    for (size_t h = plan->start[j]; h < plan->start[j + 1]; h++)
        w[h] *= scale;
    return CXM_OK;
}

/* A Mode B item whose squared multiple correlation with the block's earlier
 * items exceeds 1 − 1e-10 (variance inflation above 1e10) is collinear with
 * them: rounding leaves identical items a pivot near 1e-16, and the outer
 * weights of such a block are arbitrary. */
#define MODE_B_RTOL 1e-10

/* Name the dependent item and the items it is a combination of. */
static int mode_b_collinear(const pls_plan *plan, size_t j, size_t column, const double *coef)
{
    size_t first = plan->start[j];
    double largest = 0.0;
    for (size_t k = 0; k < column; k++)
        largest = fmax(largest, fabs(coef[k]));
    char others[512] = "";
    size_t used = 0;
    for (size_t k = 0; k < column && used < sizeof others; k++) {
        if (!(fabs(coef[k]) > 1e-6 * largest))
            continue;
        int added = snprintf(others + used, sizeof others - used, "%s'%s'", used ? ", " : "",
                             plan->item_names[plan->item[first + k]]);
        used += added > 0 ? (size_t)added : 0;
    }
    const char *item = plan->item_names[plan->item[first + column]];
    if (used == 0)
        return cxm__fail(CXM_EDOMAIN, "the items of Mode B construct '%s' are collinear: '%s' "
                         "does not vary",
                         plan->names[j], item);
    return cxm__fail(CXM_EDOMAIN, "the items of Mode B construct '%s' are collinear: '%s' is a "
                     "linear combination of %s",
                     plan->names[j], item, others);
}

/* Cholesky factors of the Mode B blocks, one after another in
 * work->block_inv. */
static int factor_mode_b(const pls_plan *plan, const double *r, pls_work *work, int quiet)
{
    size_t c = plan->c, p = plan->p;
    double *factor = work->block_inv;
    for (size_t j = 0; j < c; j++) {
        size_t n = plan->start[j + 1] - plan->start[j];
        if (plan->mode[j] == CXM_PLS_MODE_B) {
            for (size_t u = 0; u < n; u++)
                for (size_t v = 0; v < n; v++)
                    factor[u * n + v] = r[plan->item[plan->start[j] + u] * p +
                                          plan->item[plan->start[j] + v]];
            size_t column;
            if (cxm__cholesky_rank(factor, n, MODE_B_RTOL, &column, work->w_old) != CXM_OK)
                return quiet ? CXM_EDOMAIN : mode_b_collinear(plan, j, column, work->w_old);
        }
        factor += n * n;
    }
    return CXM_OK;
}

/* Inner weights e[j][k]: how construct k enters the inner proxy of j. */
static int inner_weights(const pls_plan *plan, pls_work *work, int quiet)
{
    size_t c = plan->c;
    double *cor = work->cor, *e = work->e;
    double *a = work->small, *beta = a + c * c, *scratch = beta + c;
    memset(e, 0, c * c * sizeof *e);
    for (size_t j = 0; j < c; j++) {
        for (size_t k = 0; k < c; k++) {
            int adjacent = plan->adj[j * c + k] || plan->adj[k * c + j];
            if (!adjacent)
                continue;
            double v = cor[j * c + k];
            if (plan->scheme == CXM_PLS_CENTROID)
                e[j * c + k] = (v > 0) - (v < 0);
            else if (plan->scheme == CXM_PLS_FACTORIAL || plan->adj[j * c + k])
                e[j * c + k] = v; /* factorial, or k is a successor of j (path scheme) */
        }
        if (plan->scheme == CXM_PLS_PATH && plan->n_pred[j] > 0) {
            if (regress_on_predecessors(plan, cor, j, beta, a, work->perm, scratch) != CXM_OK)
                return core_fail(quiet, CXM_EDOMAIN,
                                 "the predecessors of construct '%s' are collinear",
                                 plan->names[j]);
            for (size_t u = 0; u < plan->n_pred[j]; u++)
                e[j * c + plan->pred[j * c + u]] = beta[u];
        }
    }
    return CXM_OK;
}

/* Outer weights from covariances with the inner proxy (the previous ones
 * kept in work->w_old). */
static int outer_weights(const pls_plan *plan, const double *r, pls_work *work, int quiet)
{
    size_t c = plan->c;
    double *w = work->w, *g = work->g, *e = work->e;
    memcpy(work->w_old, w, plan->q * sizeof *w);
    double *factor = work->block_inv;
    for (size_t j = 0; j < c; j++) {
        size_t first = plan->start[j], n = plan->start[j + 1] - first;
        for (size_t h = first; h < first + n; h++) {
            double s = 0;
            for (size_t k = 0; k < c; k++)
                s += e[j * c + k] * g[h * c + k];
            w[h] = s;
        }
        if (plan->mode[j] == CXM_PLS_MODE_B)
            cxm__cholesky_solve(factor, n, w + first);
        factor += n * n;
        if (normalize_block(plan, r, w, j) != CXM_OK)
            return core_fail(quiet, CXM_EDOMAIN,
                             "construct '%s' is uncorrelated with its neighbours: its inner "
                             "proxy vanishes",
                             plan->names[j]);
    }
    return CXM_OK;
}

/* The weights, iterated from all ones until they stop changing. */
static int iterate_weights(const pls_plan *plan, const double *r, pls_work *work,
                           size_t *iterations, int quiet)
{
    size_t c = plan->c, q = plan->q;
    double *w = work->w, *w_old = work->w_old;
    for (size_t h = 0; h < q; h++)
        w[h] = work->start != NULL ? work->start[h] : 1.0;
    for (size_t j = 0; j < c; j++)
        if (normalize_block(plan, r, w, j) != CXM_OK)
            return core_fail(quiet, CXM_EDOMAIN, "construct '%s' has a degenerate block",
                             plan->names[j]);

    size_t it;
    int converged = 0;
    for (it = 1; it <= plan->max_iterations && !converged; it++) {
        scores_moments(plan, r, w, work->g, work->cor);
        int status = inner_weights(plan, work, quiet);
        if (status == CXM_OK)
            status = outer_weights(plan, r, work, quiet);
        if (status != CXM_OK)
            return status;
        double change = 0;
        for (size_t h = 0; h < q; h++)
            change = fmax(change, fabs(w[h] - w_old[h]));
        if (!isfinite(change))
            return core_fail(quiet, CXM_ECONVERGE, "the weights diverged at iteration %zu", it);
        converged = change < plan->tolerance;
    }
    if (!converged)
        return core_fail(quiet, CXM_ECONVERGE,
                         "the PLS algorithm did not converge in %zu iterations", plan->max_iterations);
    *iterations = it - 1;
    return CXM_OK;
}

/* Total effects of a recursive model: B + B² + ... + B^(c−1); power and
 * next are c × c scratch. */
static void total_effects(size_t c, const double *paths, double *total, double *power, double *next)
{
    memcpy(total, paths, c * c * sizeof *total);
    memcpy(power, paths, c * c * sizeof *power);
    for (size_t step = 1; step < c; step++) {
        int nonzero = 0;
        for (size_t i = 0; i < c; i++)
            for (size_t j = 0; j < c; j++) {
                double s = 0;
                for (size_t k = 0; k < c; k++)
                    s += power[i * c + k] * paths[k * c + j];
                next[i * c + j] = s;
                nonzero |= s != 0;
            }
        if (!nonzero)
            break;
        memcpy(power, next, c * c * sizeof *power);
        for (size_t i = 0; i < c * c; i++)
            total[i] += power[i];
    }
}

/* Indices on 0-100: weights of the items rescaled to 0-100, normalised
 * (Fornell et al. 1996). A construct's rescaled score is 100/S_j times
 * its standardized score plus a constant, S_j = Σ unstd·range; sd[j]
 * receives 100/S_j, the sd of the rescaled score. */
static void index_estimates(const pls_plan *plan, const pls_moments *moments, const double *unstd,
                            double *index_w, double *indices, double *sd)
{
    for (size_t j = 0; j < plan->c; j++) {
        double s = 0;
        for (size_t h = plan->start[j]; h < plan->start[j + 1]; h++)
            s += unstd[h] * moments->range[plan->item[h]];
        double index = 0;
        for (size_t h = plan->start[j]; h < plan->start[j + 1]; h++) {
            size_t i = plan->item[h];
            index_w[h] = s > 0 ? unstd[h] * moments->range[i] / s : NAN;
            index += index_w[h] * (moments->mean[i] - moments->low[i]) / moments->range[i];
        }
        indices[j] = 100.0 * index;
        sd[j] = s > 0 ? 100.0 / s : NAN;
    }
}

/* Everything else from the final weights' scores. */
static int final_estimates(const pls_plan *plan, const double *r, const pls_moments *moments,
                           pls_work *work, const pls_layout *layout, double *estimate, int quiet)
{
    size_t c = plan->c, q = plan->q;
    double *w = work->w, *g = work->g, *cor = work->cor;
    double *a = work->small, *beta = a + c * c, *scratch = beta + c;
    scores_moments(plan, r, w, g, cor);
    if (plan->consistent && cxm__plsc_correct(plan, r, w, g, cor, quiet) != CXM_OK)
        return CXM_EDOMAIN;
    double *weights = estimate + layout->offset[CXM_PLS_WEIGHTS];
    double *unstd = estimate + layout->offset[CXM_PLS_WEIGHTS_UNSTANDARDIZED];
    double *index_w = estimate + layout->offset[CXM_PLS_INDEX_WEIGHTS];
    double *loadings = estimate + layout->offset[CXM_PLS_LOADINGS];
    double *paths = estimate + layout->offset[CXM_PLS_PATHS];
    double *total = estimate + layout->offset[CXM_PLS_TOTAL_EFFECTS];
    double *total_index = estimate + layout->offset[CXM_PLS_TOTAL_EFFECTS_INDEX];
    double *r2 = estimate + layout->offset[CXM_PLS_R_SQUARED];
    double *indices = estimate + layout->offset[CXM_PLS_INDICES];
    double *cor_out = estimate + layout->offset[CXM_PLS_CONSTRUCT_CORRELATIONS];
    double *means = estimate + layout->offset[CXM_PLS_INDICATOR_MEANS];
    double *sds = estimate + layout->offset[CXM_PLS_INDICATOR_STD_DEVS];

    memcpy(weights, w, q * sizeof *w);
    memcpy(cor_out, cor, c * c * sizeof *cor);
    for (size_t h = 0; h < q; h++) {
        size_t i = plan->item[h];
        loadings[h] = g[h * c + plan->construct[h]];
        means[h] = moments->mean[i];
        sds[h] = moments->sd[i];
        unstd[h] = w[h] / moments->sd[i];
    }
    memset(paths, 0, c * c * sizeof *paths);
    for (size_t j = 0; j < c; j++) {
        if (plan->n_pred[j] == 0) {
            r2[j] = NAN;
            continue;
        }
        if (regress_on_predecessors(plan, cor, j, beta, a, work->perm, scratch) != CXM_OK)
            return core_fail(quiet, CXM_EDOMAIN, "the predecessors of construct '%s' are collinear",
                             plan->names[j]);
        double s = 0;
        for (size_t u = 0; u < plan->n_pred[j]; u++) {
            size_t k = plan->pred[j * c + u];
            paths[k * c + j] = beta[u];
            s += beta[u] * cor[k * c + j];
        }
        r2[j] = s;
    }
    total_effects(c, paths, total, a, work->e); /* a has (c+1)² room */
    index_estimates(plan, moments, unstd, index_w, indices, beta);
    for (size_t i = 0; i < c; i++)
        for (size_t j = 0; j < c; j++)
            total_index[i * c + j] = total[i * c + j] == 0 ? 0 : total[i * c + j] * beta[j] / beta[i];
    return CXM_OK;
}

int cxm__pls_core(const pls_plan *plan, const double *r, const pls_moments *moments,
                  pls_work *work, const pls_layout *layout, double *estimate, size_t *iterations,
                  int quiet)
{
    int status = factor_mode_b(plan, r, work, quiet);
    if (status == CXM_OK)
        status = iterate_weights(plan, r, work, iterations, quiet);
    if (status == CXM_OK)
        status = final_estimates(plan, r, moments, work, layout, estimate, quiet);
    return status;
}

/* ------------------------------------------------------------------ estimation */

static int check_options(const cxm_pls_options *o)
{
    if ((unsigned)o->scheme > CXM_PLS_FACTORIAL)
        return cxm__fail(CXM_EINVAL, "scheme %d does not exist", (int)o->scheme);
    if ((unsigned)o->missing > CXM_PLS_MEAN_REPLACEMENT)
        return cxm__fail(CXM_EINVAL, "missing-data rule %d does not exist", (int)o->missing);
    if (!(o->tolerance > 0) || !isfinite(o->tolerance))
        return cxm__fail(CXM_EINVAL, "tolerance %g must be a positive number", o->tolerance);
    if (o->max_iterations == 0)
        return cxm__fail(CXM_EINVAL, "max_iterations must be at least 1");
    if (o->consistent != 0 && o->consistent != 1)
        return cxm__fail(CXM_EINVAL, "consistent must be 0 or 1, got %d", o->consistent);
    if (o->bootstrap > 0 && !(o->level > 0 && o->level < 1))
        return cxm__fail(CXM_EINVAL, "confidence level %g is outside (0, 1)", o->level);
    if (o->bca != 0 && o->bca != 1)
        return cxm__fail(CXM_EINVAL, "bca must be 0 or 1, got %d", o->bca);
    return CXM_OK;
}

static int check_model(const cxm_pls_model *m)
{
    if (m->n_constructs < 2)
        return cxm__fail(CXM_EINVAL, "a path model needs at least two constructs, got %zu",
                         m->n_constructs);
    if (m->n_paths == 0)
        return cxm__fail(CXM_EINVAL, "the model has no paths");
    for (size_t j = 0; j < m->n_constructs; j++) {
        if (m->constructs[j].n_items == 0)
            return cxm__fail(CXM_EINVAL, "construct '%s' has no items", m->constructs[j].name);
        int linked = 0;
        for (size_t k = 0; k < m->n_paths; k++)
            linked |= m->path_from[k] == j || m->path_to[k] == j;
        if (!linked)
            return cxm__fail(CXM_EINVAL, "construct '%s' is on no path", m->constructs[j].name);
    }
    return CXM_OK;
}

/* Column of each model item: by name, or the identity when names is NULL. */
int cxm__pls_map_columns(size_t *column, const cxm_pls_model *m, size_t n_columns,
                         const char *const *names)
{
    if (names == NULL) {
        if (n_columns != m->n_items)
            return cxm__fail(CXM_EINVAL,
                             "without column names the data need one column per model item (%zu), "
                             "got %zu",
                             m->n_items, n_columns);
        for (size_t i = 0; i < m->n_items; i++)
            column[i] = i;
        return CXM_OK;
    }
    for (size_t i = 0; i < m->n_items; i++) {
        size_t k = 0;
        while (k < n_columns && (names[k] == NULL || strcmp(names[k], m->items[i]) != 0))
            k++;
        if (k == n_columns)
            return cxm__fail(CXM_ENOTFOUND, "the data have no column '%s' (an item of the model)",
                             m->items[i]);
        column[i] = k;
    }
    return CXM_OK;
}

/* The scale of each item: its construct's (the first construct that sets
 * one), else the observed range. */
static void item_scales(const cxm_pls_model *m, const double *obs_min, const double *obs_max,
                        double *low, double *range)
{
    for (size_t i = 0; i < m->n_items; i++) {
        low[i] = obs_min[i];
        range[i] = obs_max[i] - obs_min[i];
    }
    for (size_t j = m->n_constructs; j-- > 0;) {
        const pls_construct *c = &m->constructs[j];
        if (isnan(c->scale_min))
            continue;
        for (size_t k = 0; k < c->n_items; k++) {
            low[c->items[k]] = c->scale_min;
            range[c->items[k]] = c->scale_max - c->scale_min;
        }
    }
}

void cxm_pls_result_free(cxm_pls_result *result)
{
    if (result == NULL)
        return;
    cxm_pls_model_free(result->model);
    plan_free(&result->plan);
    cxm__free(result->estimate);
    cxm__free(result->mean);
    cxm__free(result->draws);
    cxm__free(result->boot);
    cxm__pls_inference_free(result);
    cxm__free(result->r);
    cxm__free(result);
}

/* Copy the model items out of the data (listwise or mean replacement),
 * compute moments and the correlation matrix; x receives the centred data. */
static int prepare_data(cxm_pls_result *res, const size_t *column, size_t n_rows, size_t n_columns,
                        const double *data, cxm_pls_missing missing, int want_integers,
                        double **x_out, int16_t **xi_out, size_t *n_out, double *r)
{
    size_t p = res->plan.p;
    const cxm_pls_model *m = res->model;
    size_t n = 0;
    for (size_t row = 0; row < n_rows; row++) {
        int complete = 1;
        for (size_t i = 0; i < p; i++) {
            double v = data[row * n_columns + column[i]];
            if (isinf(v))
                return cxm__fail(CXM_EINVAL, "row %zu, column '%s': %g is not a finite answer", row,
                                 m->items[i], v);
            complete &= !isnan(v);
        }
        n += complete;
    }
    if (missing == CXM_PLS_MEAN_REPLACEMENT)
        n = n_rows;
    res->info.rows = n;
    res->info.rows_dropped = n_rows - n;
    if (n < 3 || n <= res->plan.c)
        return cxm__fail(CXM_EDOMAIN, "%zu complete respondents are too few to estimate %zu constructs",
                         n, res->plan.c);
    double *x = cxm__malloc(n * p * sizeof *x + 2 * p * sizeof(double));
    if (x == NULL)
        return CXM_ENOMEM;
    double *obs_min = x + n * p, *obs_max = obs_min + p;
    double *sum = res->sd; /* scratch until the sds are known */
    double *count = res->low;
    for (size_t i = 0; i < p; i++) {
        sum[i] = count[i] = 0;
        obs_min[i] = INFINITY;
        obs_max[i] = -INFINITY;
    }
    size_t out_row = 0;
    for (size_t row = 0; row < n_rows; row++) {
        int complete = 1;
        for (size_t i = 0; i < p; i++)
            complete &= !isnan(data[row * n_columns + column[i]]);
        if (!complete && missing == CXM_PLS_LISTWISE)
            continue;
        for (size_t i = 0; i < p; i++) {
            double v = data[row * n_columns + column[i]];
            x[out_row * p + i] = v;
            if (!isnan(v)) {
                sum[i] += v;
                count[i] += 1;
                obs_min[i] = fmin(obs_min[i], v);
                obs_max[i] = fmax(obs_max[i], v);
            }
        }
        out_row++;
    }
    for (size_t i = 0; i < p; i++) {
        if (count[i] == 0) {
            cxm__free(x);
            return cxm__fail(CXM_EDOMAIN, "column '%s' has no answers", m->items[i]);
        }
        res->mean[i] = sum[i] / count[i];
    }
    /* Small whole numbers (and no replaced answers): the bootstrap can
     * work on them exactly. An allocation failure here only loses speed. */
    int16_t *xi = NULL;
    int integers = want_integers;
    for (size_t k = 0; integers && k < n * p; k++)
        integers = x[k] == floor(x[k]) && fabs(x[k]) <= 181.0;
    if (integers && (xi = cxm__malloc(n * p * sizeof *xi)) != NULL)
        for (size_t k = 0; k < n * p; k++)
            xi[k] = (int16_t)x[k];
    else
        cxm_error_clear();
    /* Mean replacement, then centre (two passes: exact means, no cancellation). */
    for (size_t row = 0; row < n; row++)
        for (size_t i = 0; i < p; i++) {
            double *v = &x[row * p + i];
            *v = isnan(*v) ? 0.0 : *v - res->mean[i];
        }
    for (size_t i = 0; i < p; i++) {
        double s = 0;
        for (size_t row = 0; row < n; row++)
            s += x[row * p + i];
        res->mean[i] += s / (double)n; /* refine the mean */
        for (size_t row = 0; row < n; row++)
            x[row * p + i] -= s / (double)n;
    }
    memset(r, 0, p * p * sizeof *r);
    for (size_t row = 0; row < n; row++) {
        const double *xr = x + row * p;
        for (size_t i = 0; i < p; i++) {
            double xv = xr[i];
            double *ri = r + i * p;
            for (size_t k = 0; k <= i; k++)
                ri[k] += xv * xr[k];
        }
    }
    for (size_t i = 0; i < p; i++) {
        double var = r[i * p + i] / (double)(n - 1);
        if (!(var > 0)) {
            cxm__free(x);
            cxm__free(xi);
            return cxm__fail(CXM_EDOMAIN, "column '%s' does not vary (every answer is %g)",
                             m->items[i], res->mean[i]);
        }
        res->sd[i] = sqrt(var);
    }
    for (size_t i = 0; i < p; i++)
        for (size_t k = 0; k <= i; k++) {
            double v = r[i * p + k] / ((double)(n - 1) * res->sd[i] * res->sd[k]);
            if (i == k)
                v = 1.0;
            r[i * p + k] = r[k * p + i] = v;
        }
    item_scales(m, obs_min, obs_max, res->low, res->range);
    for (size_t i = 0; i < p; i++) {
        if (!(res->range[i] > 0)) {
            cxm__free(x);
            cxm__free(xi);
            return cxm__fail(CXM_EDOMAIN, "column '%s' does not vary", m->items[i]);
        }
        if (obs_min[i] < res->low[i] || obs_max[i] - res->low[i] > res->range[i]) {
            double bad = obs_min[i] < res->low[i] ? obs_min[i] : obs_max[i];
            cxm__free(x);
            cxm__free(xi);
            return cxm__fail(CXM_EINVAL, "column '%s': answer %g is outside the scale [%g, %g]",
                             m->items[i], bad, res->low[i], res->low[i] + res->range[i]);
        }
    }
    *x_out = x;
    *xi_out = xi;
    *n_out = n;
    return CXM_OK;
}

int cxm__pls_options_read(cxm_pls_options *dst, const cxm_pls_options *given)
{
    static const size_t option_sizes[CXM_PLS_OPTIONS_VERSION] = {
        CXM__FIELDS_END(cxm_pls_options, missing),
        CXM__FIELDS_END(cxm_pls_options, bca),
        CXM__FIELDS_END(cxm_pls_options, consistent),
    };
    cxm_pls_options_init(dst);
    int status = cxm__options_read(dst, given, option_sizes, CXM_PLS_OPTIONS_VERSION,
                                   "cxm_pls_options");
    return status == CXM_OK ? check_options(dst) : status;
}

int cxm_pls_estimate(cxm_pls_result **out, const cxm_pls_model *model, size_t n_rows,
                     size_t n_columns, const double *data, const char *const *column_names,
                     const cxm_pls_options *options)
{
    cxm_pls_options opt;
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = cxm__check_pointer(model, "model");
    if (status == CXM_OK && n_rows > 0)
        status = cxm__check_pointer(data, "data");
    if (status != CXM_OK)
        return status;
    *out = NULL;
    status = cxm__pls_options_read(&opt, options);
    options = &opt;
    if (status == CXM_OK)
        status = check_model(model);
    if (status != CXM_OK)
        return status;

    cxm_pls_result *res = cxm__calloc(1, sizeof *res);
    if (res == NULL)
        return CXM_ENOMEM;
    status = cxm__pls_model_copy(&res->model, model);
    if (status == CXM_OK)
        status = plan_build(&res->plan, res->model, options);
    size_t p = model->n_items, c = model->n_constructs;
    double *x = NULL, *r = NULL;
    int16_t *xi = NULL;
    size_t *column = NULL, n = 0;
    pls_work work = { 0 };
    if (status == CXM_OK) {
        cxm__pls_layout(&res->layout, c, res->plan.q);
        res->info.level = options->level;
        res->info.scheme = options->scheme;
        res->estimate = cxm__calloc(res->layout.total, sizeof *res->estimate);
        res->mean = cxm__calloc(4 * p, sizeof *res->mean);
        r = cxm__malloc(p * p * sizeof *r);
        column = cxm__malloc(p * sizeof *column);
        if (!res->estimate || !res->mean || !r || !column)
            status = CXM_ENOMEM;
    }
    if (status == CXM_OK) {
        res->sd = res->mean + p;
        res->low = res->sd + p;
        res->range = res->low + p;
        status = cxm__pls_map_columns(column, model, n_columns, column_names);
    }
    if (status == CXM_OK)
        status = prepare_data(res, column, n_rows, n_columns, data, options->missing,
                              options->bootstrap > 0, &x, &xi, &n, r);
    if (status == CXM_OK)
        status = cxm__pls_work_alloc(&work, &res->plan);
    if (status == CXM_OK) {
        pls_moments moments = { res->mean, res->sd, res->low, res->range };
        status = cxm__pls_core(&res->plan, r, &moments, &work, &res->layout, res->estimate,
                               &res->info.iterations, 0);
    }
    if (status == CXM_OK)
        status = cxm__pls_inference(res, r, x, xi, n, options);
    cxm__pls_work_free(&work);
    cxm__free(x);
    cxm__free(xi);
    res->r = r; /* the quality criteria need the item correlations */
    cxm__free(column);
    if (status != CXM_OK) {
        cxm_pls_result_free(res);
        return status;
    }
    *out = res;
    return CXM_OK;
}

/* ------------------------------------------------------------------ results */

const cxm_pls_model *cxm_pls_result_model(const cxm_pls_result *result)
{
    return result ? result->model : NULL;
}

int cxm_pls_result_info(cxm_pls_info *out, const cxm_pls_result *result)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = cxm__check_pointer(result, "result");
    if (status == CXM_OK)
        *out = result->info;
    return status;
}

size_t cxm_pls_result_size(const cxm_pls_result *result, cxm_pls_quantity quantity)
{
    size_t offset, size;
    return result != NULL && cxm__pls_quantity_span(result, (int)quantity, &offset, &size) ? size : 0;
}

/* The quantity's place in the stride-wide vectors (estimate, then the
 * extensions' values), after checking the caller's room. */
static int check_quantity(size_t *offset, size_t n, const double *dst,
                          const cxm_pls_result *result, cxm_pls_quantity quantity, size_t rows)
{
    int status = cxm__check_pointer(result, "result");
    if (status != CXM_OK)
        return status;
    size_t size;
    if (!cxm__pls_quantity_span(result, (int)quantity, offset, &size))
        return cxm__fail(CXM_EINVAL, "quantity %d does not exist", (int)quantity);
    size_t need = rows * size;
    if (n != need)
        return cxm__fail(CXM_EINVAL, "this quantity has %zu values, got room for %zu", need, n);
    if (n > 0)
        status = cxm__check_pointer(dst, "dst");
    return status;
}

int cxm_pls_result_get(double *dst, size_t n, const cxm_pls_result *result,
                       cxm_pls_quantity quantity)
{
    size_t offset;
    int status = check_quantity(&offset, n, dst, result, quantity, 1);
    if (status == CXM_OK && n > 0) {
        size_t total = result->layout.total;
        memcpy(dst, offset < total ? result->estimate + offset : result->extra + (offset - total),
               n * sizeof *dst);
    }
    return status;
}

int cxm_pls_result_bootstrap(double *dst, size_t n, const cxm_pls_result *result,
                             cxm_pls_quantity quantity, cxm_pls_statistic statistic)
{
    size_t offset;
    int status = check_quantity(&offset, n, dst, result, quantity, 1);
    if (status != CXM_OK)
        return status;
    if ((unsigned)statistic >= PLS_STATISTIC_COUNT)
        return cxm__fail(CXM_EINVAL, "bootstrap statistic %d does not exist", (int)statistic);
    if (result->info.resamples == 0)
        return cxm__fail(CXM_ESTATE, "the estimate has no bootstrap resamples");
    int needs_bca = statistic == CXM_PLS_BOOT_BCA_LOWER || statistic == CXM_PLS_BOOT_BCA_UPPER ||
                    statistic == CXM_PLS_BOOT_BIAS_CORRECTION || statistic == CXM_PLS_BOOT_ACCELERATION;
    if (needs_bca && !result->bca)
        return cxm__fail(CXM_ESTATE, "BCa statistics need an estimate made with the option bca");
    if (n > 0)
        memcpy(dst, result->boot + (size_t)statistic * result->stride + offset, n * sizeof *dst);
    return CXM_OK;
}

int cxm_pls_result_bootstrap_draws(double *dst, size_t n, const cxm_pls_result *result,
                                   cxm_pls_quantity quantity)
{
    size_t offset;
    int status = cxm__check_pointer(result, "result");
    if (status == CXM_OK)
        status = check_quantity(&offset, n, dst, result, quantity, result->info.resamples);
    if (status != CXM_OK)
        return status;
    if (result->info.resamples == 0)
        return cxm__fail(CXM_ESTATE, "the estimate has no bootstrap resamples");
    size_t size = n / result->info.resamples, stride = result->stride;
    for (size_t s = 0; s < result->info.resamples; s++)
        memcpy(dst + s * size, result->draws + s * stride + offset, size * sizeof *dst);
    return CXM_OK;
}

int cxm_pls_result_scores(double *dst, size_t n, const cxm_pls_result *result, size_t n_rows,
                          size_t n_columns, const double *data, const char *const *column_names,
                          int rescaled)
{
    int status = cxm__check_pointer(result, "result");
    if (status != CXM_OK)
        return status;
    size_t c = result->plan.c, p = result->plan.p;
    if (n != n_rows * c)
        return cxm__fail(CXM_EINVAL, "scores need %zu values (%zu rows × %zu constructs), got %zu",
                         n_rows * c, n_rows, c, n);
    if (n_rows == 0)
        return CXM_OK;
    status = cxm__check_pointer(dst, "dst");
    if (status == CXM_OK)
        status = cxm__check_pointer(data, "data");
    if (status != CXM_OK)
        return status;
    size_t *column = cxm__malloc(p * sizeof *column);
    if (column == NULL)
        return CXM_ENOMEM;
    status = cxm__pls_map_columns(column, result->model, n_columns, column_names);
    const double *unstd = result->estimate + result->layout.offset[CXM_PLS_WEIGHTS_UNSTANDARDIZED];
    const double *index_w = result->estimate + result->layout.offset[CXM_PLS_INDEX_WEIGHTS];
    const pls_plan *plan = &result->plan;
    for (size_t row = 0; status == CXM_OK && row < n_rows; row++) {
        const double *x = data + row * n_columns;
        for (size_t j = 0; j < c; j++) {
            double s = 0;
            for (size_t h = plan->start[j]; h < plan->start[j + 1]; h++) {
                size_t i = plan->item[h];
                double v = x[column[i]];
                s += rescaled ? index_w[h] * (v - result->low[i]) / result->range[i] * 100.0
                              : unstd[h] * (v - result->mean[i]);
            }
            dst[row * c + j] = s; /* NaN when an answer is missing */
        }
    }
    cxm__free(column);
    return status;
}

int cxm_pls_value_of_driver(cxm_value_link *out, const cxm_pls_result *result, size_t driver,
                            size_t target, double points, const cxm_logit *retention,
                            double margin, double discount, cxm_cash_timing timing,
                            double customers)
{
    int status = cxm__check_pointer(result, "result");
    if (status != CXM_OK)
        return status;
    size_t c = result->plan.c;
    if (driver >= c || target >= c)
        return cxm__fail(CXM_EINVAL, "construct %zu does not exist (the model has %zu)",
                         driver >= c ? driver : target, c);
    status = cxm__check_finite(points, "points");
    if (status != CXM_OK)
        return status;
    const double *effects = result->estimate + result->layout.offset[CXM_PLS_TOTAL_EFFECTS_INDEX];
    const double *indices = result->estimate + result->layout.offset[CXM_PLS_INDICES];
    double effect = driver == target ? 1.0 : effects[driver * c + target];
    if (isnan(effect) || isnan(indices[target]))
        return cxm__fail(CXM_EDOMAIN, "construct '%s' has no index (its weights sum to 0 or less)",
                         result->model->constructs[isnan(effect) ? driver : target].name);
    return cxm_value_of_improvement(out, retention, indices[target], points * effect, margin,
                                    discount, timing, customers);
}
