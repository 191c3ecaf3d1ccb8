/* The quality of a PLS path model, as seminr and cSEM report it: internal
 * consistency (Cronbach's α, ρA, ρC), convergent validity (AVE),
 * discriminant validity (cross-loadings, Fornell–Larcker, HTMT),
 * collinearity (indicator and structural VIFs) and the structural model's
 * effect sizes (f², adjusted R²). Everything is a function of the item
 * correlations kept with the estimate and of the estimate itself, so it
 * costs small-matrix work only. docs/chain.md, "Reading the quality of a
 * model", gives the formulas, thresholds and sources. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "chain/pls_quality.h"
#include "core/internal.h"
#include "numeric/linalg.h"

enum { QUALITY_COUNT = CXM_PLS_R_SQUARED_ADJUSTED + 1 };

/* A variable whose squared multiple correlation with the ones before it
 * exceeds 1 − 1e-10 (a VIF above 1e10) is taken as a linear combination of
 * them: rounding leaves such a pivot near 1e-16 rather than 0. */
#define COLLINEAR_RTOL 1e-10

size_t cxm_pls_result_quality_size(const cxm_pls_result *result, cxm_pls_quality quality)
{
    if (result == NULL)
        return 0;
    size_t c = result->plan.c, q = result->plan.q;
    switch (quality) {
    case CXM_PLS_CRONBACH_ALPHA:
    case CXM_PLS_RHO_A:
    case CXM_PLS_RHO_C:
    case CXM_PLS_AVE:
    case CXM_PLS_R_SQUARED_ADJUSTED:
        return c;
    case CXM_PLS_CROSS_LOADINGS:
        return q * c;
    case CXM_PLS_INDICATOR_VIF:
        return q;
    case CXM_PLS_FORNELL_LARCKER:
    case CXM_PLS_HTMT:
    case CXM_PLS_STRUCTURAL_VIF:
    case CXM_PLS_F_SQUARED:
        return c * c;
    }
    return 0;
}

static const double *estimated(const cxm_pls_result *res, cxm_pls_quantity quantity)
{
    return res->estimate + res->layout.offset[quantity];
}

/* ------------------------------------------------------------------ measurement model */

/* Cronbach's α of a block's standardized items: K/(K − 1)·(1 − K/ΣΣr). */
static int cronbach_alpha(double *out, const pls_plan *plan, const double *r, size_t j)
{
    size_t first = plan->start[j], k = plan->start[j + 1] - first, p = plan->p;
    if (k == 1) {
        *out = 1.0;
        return CXM_OK;
    }
    double sum = 0;
    for (size_t h = first; h < first + k; h++)
        for (size_t l = first; l < first + k; l++)
            sum += r[plan->item[h] * p + plan->item[l]];
    if (!(sum > 0)) /* the variance of the sum score: 0 only for items that cancel out */
        return cxm__fail(CXM_EDOMAIN, "construct '%s': the sum of its items does not vary, "
                         "Cronbach's alpha is undefined", plan->names[j]);
    *out = (double)k / (double)(k - 1) * (1.0 - (double)k / sum);
    return CXM_OK;
}

/* α, ρA, ρC or AVE of every construct. */
static int reliability(double *dst, const cxm_pls_result *res, cxm_pls_quality quality)
{
    const pls_plan *plan = &res->plan;
    const double *w = estimated(res, CXM_PLS_WEIGHTS);
    const double *loadings = estimated(res, CXM_PLS_LOADINGS);
    for (size_t j = 0; j < plan->c; j++) {
        size_t first = plan->start[j], k = plan->start[j + 1] - first;
        double sum = 0, squares = 0;
        for (size_t h = first; h < first + k; h++) {
            sum += loadings[h];
            squares += loadings[h] * loadings[h];
        }
        if (quality == CXM_PLS_CRONBACH_ALPHA) {
            int status = cronbach_alpha(&dst[j], plan, res->r, j);
            if (status != CXM_OK)
                return status;
        } else if (quality == CXM_PLS_RHO_A) {
            dst[j] = cxm__pls_rho_a(plan, res->r, w, j);
            if (isnan(dst[j]))
                return cxm__fail(CXM_EDOMAIN, "construct '%s': rho_A is undefined with fewer "
                                 "than two non-zero weights", plan->names[j]);
        } else if (quality == CXM_PLS_RHO_C) {
            dst[j] = sum * sum / (sum * sum + (double)k - squares);
        } else {
            dst[j] = squares / (double)k;
        }
    }
    return CXM_OK;
}

/* Correlations of each indicator with each construct score (unit variance). */
static void cross_loadings(double *dst, const cxm_pls_result *res)
{
    const pls_plan *plan = &res->plan;
    const double *w = estimated(res, CXM_PLS_WEIGHTS);
    size_t c = plan->c, p = plan->p;
    for (size_t h = 0; h < plan->q; h++) {
        const double *row = res->r + plan->item[h] * p;
        for (size_t k = 0; k < c; k++) {
            double s = 0;
            for (size_t l = plan->start[k]; l < plan->start[k + 1]; l++)
                s += row[plan->item[l]] * w[l];
            dst[h * c + k] = s;
        }
    }
}

static int fornell_larcker(double *dst, const cxm_pls_result *res)
{
    size_t c = res->plan.c;
    memcpy(dst, estimated(res, CXM_PLS_CONSTRUCT_CORRELATIONS), c * c * sizeof *dst);
    double *ave = cxm__malloc(c * sizeof *ave);
    if (ave == NULL)
        return CXM_ENOMEM;
    int status = reliability(ave, res, CXM_PLS_AVE);
    for (size_t j = 0; status == CXM_OK && j < c; j++)
        dst[j * c + j] = sqrt(ave[j]);
    cxm__free(ave);
    return status;
}

int cxm__pls_htmt(double *dst, const pls_plan *plan, const double *r, int quiet)
{
    size_t c = plan->c, p = plan->p;
    /* The monotrait means wait on the diagonal until the ratios need them. */
    for (size_t j = 0; j < c; j++) {
        size_t first = plan->start[j], k = plan->start[j + 1] - first;
        double sum = 0;
        for (size_t a = first; a < first + k; a++)
            for (size_t b = a + 1; b < first + k; b++)
                sum += fabs(r[plan->item[a] * p + plan->item[b]]);
        dst[j * c + j] = k == 1 ? 1.0 : sum / (0.5 * (double)k * (double)(k - 1));
        if (!(dst[j * c + j] > 0)) {
            if (!quiet)
                cxm__fail(CXM_EDOMAIN, "construct '%s': its items are uncorrelated, so HTMT "
                          "(which divides by their mean correlation) is undefined",
                          plan->names[j]);
            return CXM_EDOMAIN;
        }
    }
    for (size_t i = 0; i < c; i++)
        for (size_t j = i + 1; j < c; j++) {
            double sum = 0;
            for (size_t a = plan->start[i]; a < plan->start[i + 1]; a++)
                for (size_t b = plan->start[j]; b < plan->start[j + 1]; b++)
                    sum += fabs(r[plan->item[a] * p + plan->item[b]]);
            double pairs = (double)(plan->start[i + 1] - plan->start[i]) *
                           (double)(plan->start[j + 1] - plan->start[j]);
            dst[i * c + j] = dst[j * c + i] =
                sum / pairs / sqrt(dst[i * c + i] * dst[j * c + j]);
        }
    for (size_t j = 0; j < c; j++)
        dst[j * c + j] = NAN;
    return CXM_OK;
}

/* The diagonal of the inverse of the n × n correlation matrix a (which it
 * overwrites; column: n doubles), or CXM_EDOMAIN with *dependent the first
 * variable that is a linear combination of earlier ones. */
static int inverse_diagonal(double *dst, double *a, size_t n, double *column, size_t *dependent)
{
    if (cxm__cholesky_rank(a, n, COLLINEAR_RTOL, dependent, NULL) != CXM_OK)
        return CXM_EDOMAIN;
    for (size_t j = 0; j < n; j++) {
        for (size_t i = 0; i < n; i++)
            column[i] = i == j ? 1.0 : 0.0;
        cxm__cholesky_solve(a, n, column);
        dst[j] = column[j];
    }
    return CXM_OK;
}

/* The diagonal of the inverse of each block's correlation matrix. */
static int indicator_vif(double *dst, const cxm_pls_result *res)
{
    const pls_plan *plan = &res->plan;
    size_t largest = 1, p = plan->p;
    for (size_t j = 0; j < plan->c; j++)
        largest = plan->start[j + 1] - plan->start[j] > largest ? plan->start[j + 1] - plan->start[j]
                                                                : largest;
    double *a = cxm__malloc((largest * largest + largest) * sizeof *a);
    if (a == NULL)
        return CXM_ENOMEM;
    int status = CXM_OK;
    for (size_t j = 0; status == CXM_OK && j < plan->c; j++) {
        size_t first = plan->start[j], k = plan->start[j + 1] - first, dependent;
        for (size_t u = 0; u < k; u++)
            for (size_t v = 0; v < k; v++)
                a[u * k + v] = res->r[plan->item[first + u] * p + plan->item[first + v]];
        if (inverse_diagonal(dst + first, a, k, a + k * k, &dependent) != CXM_OK)
            status = cxm__fail(CXM_EDOMAIN, "construct '%s': its items are collinear ('%s' is "
                               "a linear combination of the items before it), so their VIFs are "
                               "infinite",
                               plan->names[j], plan->item_names[plan->item[first + dependent]]);
    }
    cxm__free(a);
    return status;
}

/* ------------------------------------------------------------------ structural model */

/* R² of construct j regressed on its predecessors but the skip-th (skip =
 * n_pred for none) from the construct correlations; a (m² doubles) and b
 * (m) are scratch. */
static int r_squared_without(double *out, const pls_plan *plan, const double *cor, size_t j,
                             size_t skip, double *a, double *b)
{
    size_t c = plan->c, m = 0;
    const size_t *pred = plan->pred + j * c;
    size_t n = plan->n_pred[j] - (skip < plan->n_pred[j]);
    for (size_t u = 0; u < plan->n_pred[j]; u++) {
        if (u == skip)
            continue;
        size_t col = 0;
        for (size_t v = 0; v < plan->n_pred[j]; v++)
            if (v != skip)
                a[m * n + col++] = cor[pred[u] * c + pred[v]];
        b[m++] = cor[pred[u] * c + j];
    }
    double *x = b + n;
    memcpy(x, b, n * sizeof *x);
    size_t dependent;
    if (n > 0 && cxm__cholesky_rank(a, n, COLLINEAR_RTOL, &dependent, NULL) != CXM_OK)
        return CXM_EDOMAIN;
    if (n > 0)
        cxm__cholesky_solve(a, n, x);
    double s = 0;
    for (size_t u = 0; u < n; u++)
        s += b[u] * x[u];
    *out = s;
    return CXM_OK;
}

/* f² of each path into j. */
static int f_squared_of(double *dst, const pls_plan *plan, const double *cor, size_t j, double *a,
                        double *b)
{
    size_t c = plan->c, m = plan->n_pred[j];
    double full, without;
    if (r_squared_without(&full, plan, cor, j, m, a, b) != CXM_OK)
        return cxm__fail(CXM_EDOMAIN, "construct '%s': its predecessors are collinear",
                         plan->names[j]);
    if (!(full < 1.0 - 1e-12))
        return cxm__fail(CXM_EDOMAIN, "construct '%s': its R² is 1, so f² (which divides by "
                         "1 − R²) is undefined", plan->names[j]);
    for (size_t u = 0; u < m; u++) {
        if (r_squared_without(&without, plan, cor, j, u, a, b) != CXM_OK)
            return cxm__fail(CXM_EDOMAIN, "construct '%s': its predecessors are collinear",
                             plan->names[j]);
        dst[plan->pred[j * c + u] * c + j] = (full - without) / (1.0 - full);
    }
    return CXM_OK;
}

/* VIF of each predecessor of j: the diagonal of the inverse of their
 * correlations; a: m² + 2m doubles. */
static int structural_vif_of(double *dst, const pls_plan *plan, const double *cor, size_t j,
                             double *a)
{
    size_t c = plan->c, m = plan->n_pred[j], dependent;
    const size_t *pred = plan->pred + j * c;
    double *diagonal = a + m * m;
    for (size_t u = 0; u < m; u++)
        for (size_t v = 0; v < m; v++)
            a[u * m + v] = cor[pred[u] * c + pred[v]];
    if (inverse_diagonal(diagonal, a, m, diagonal + m, &dependent) != CXM_OK)
        return cxm__fail(CXM_EDOMAIN, "construct '%s': its predecessors are collinear, so their "
                         "VIFs are infinite", plan->names[j]);
    for (size_t u = 0; u < m; u++)
        dst[pred[u] * c + j] = diagonal[u];
    return CXM_OK;
}

static int structural(double *dst, const cxm_pls_result *res, cxm_pls_quality quality)
{
    const pls_plan *plan = &res->plan;
    size_t c = plan->c;
    const double *cor = estimated(res, CXM_PLS_CONSTRUCT_CORRELATIONS);
    double *a = cxm__malloc((c * c + 2 * c + 1) * sizeof *a);
    if (a == NULL)
        return CXM_ENOMEM;
    memset(dst, 0, c * c * sizeof *dst);
    int status = CXM_OK;
    for (size_t j = 0; status == CXM_OK && j < c; j++) {
        if (plan->n_pred[j] == 0)
            continue;
        status = quality == CXM_PLS_F_SQUARED ? f_squared_of(dst, plan, cor, j, a, a + c * c)
                                              : structural_vif_of(dst, plan, cor, j, a);
    }
    cxm__free(a);
    return status;
}

static void r_squared_adjusted(double *dst, const cxm_pls_result *res)
{
    const double *r2 = estimated(res, CXM_PLS_R_SQUARED);
    double n = (double)res->info.rows;
    for (size_t j = 0; j < res->plan.c; j++) {
        double k = (double)res->plan.n_pred[j];
        /* n > constructs > k, so the denominator is positive. */
        dst[j] = k == 0 ? NAN : 1.0 - (1.0 - r2[j]) * (n - 1.0) / (n - k - 1.0);
    }
}

/* ------------------------------------------------------------------ the API */

int cxm_pls_result_quality(double *dst, size_t n, const cxm_pls_result *result,
                           cxm_pls_quality quality)
{
    int status = cxm__check_pointer(result, "result");
    if (status != CXM_OK)
        return status;
    if ((unsigned)quality >= QUALITY_COUNT)
        return cxm__fail(CXM_EINVAL, "quality criterion %d does not exist", (int)quality);
    size_t need = cxm_pls_result_quality_size(result, quality);
    if (n != need)
        return cxm__fail(CXM_EINVAL, "this criterion has %zu values, got room for %zu", need, n);
    status = cxm__check_pointer(dst, "dst");
    if (status != CXM_OK)
        return status;
    switch (quality) {
    case CXM_PLS_CROSS_LOADINGS:
        cross_loadings(dst, result);
        return CXM_OK;
    case CXM_PLS_FORNELL_LARCKER:
        return fornell_larcker(dst, result);
    case CXM_PLS_HTMT:
        return cxm__pls_htmt(dst, &result->plan, result->r, 0);
    case CXM_PLS_INDICATOR_VIF:
        return indicator_vif(dst, result);
    case CXM_PLS_STRUCTURAL_VIF:
    case CXM_PLS_F_SQUARED:
        return structural(dst, result, quality);
    case CXM_PLS_R_SQUARED_ADJUSTED:
        r_squared_adjusted(dst, result);
        return CXM_OK;
    default:
        return reliability(dst, result, quality);
    }
}

/* Every correlation a finite number in [−1, 1] (with rounding room). */
static int check_correlations(const cxm_pls_model *model, size_t p, const double *r)
{
    for (size_t a = 0; a < p; a++)
        for (size_t b = 0; b < p; b++) {
            double v = r[a * p + b];
            if (!(fabs(v) <= 1.0 + 1e-12))
                return cxm__fail(CXM_EINVAL,
                                 "correlations[%zu][%zu] (items '%s' and '%s') is %g, not a "
                                 "correlation",
                                 a, b, model->items[a], model->items[b], v);
        }
    return CXM_OK;
}

int cxm_pls_model_htmt(double *dst, size_t n, const cxm_pls_model *model, size_t n_items,
                       const double *correlations)
{
    int status = cxm__check_pointer(model, "model");
    if (status != CXM_OK)
        return status;
    size_t c = model->n_constructs, p = model->n_items, q = cxm_pls_model_indicator_count(model);
    if (n != c * c)
        return cxm__fail(CXM_EINVAL, "HTMT of %zu constructs has %zu values, got room for %zu", c,
                         c * c, n);
    if (n_items != p)
        return cxm__fail(CXM_EINVAL, "the model has %zu items, got correlations of %zu", p,
                         n_items);
    if (n > 0)
        status = cxm__check_pointer(dst, "dst");
    if (status == CXM_OK && p > 0)
        status = cxm__check_pointer(correlations, "correlations");
    if (status == CXM_OK)
        status = check_correlations(model, p, correlations);
    for (size_t j = 0; status == CXM_OK && j < c; j++)
        if (model->constructs[j].n_items == 0)
            status = cxm__fail(CXM_EINVAL, "construct '%s' has no items", model->constructs[j].name);
    if (status != CXM_OK || c == 0)
        return status;
    /* The plan's block layout is all that HTMT reads. */
    pls_plan plan = { 0 };
    plan.c = c;
    plan.p = p;
    plan.q = q;
    plan.start = cxm__malloc((c + 1) * sizeof *plan.start);
    plan.item = cxm__malloc((q ? q : 1) * sizeof *plan.item);
    plan.names = cxm__malloc(c * sizeof *plan.names);
    if (plan.start && plan.item && plan.names) {
        size_t k = 0;
        for (size_t j = 0; j < c; j++) {
            plan.start[j] = k;
            plan.names[j] = model->constructs[j].name;
            for (size_t i = 0; i < model->constructs[j].n_items; i++)
                plan.item[k++] = model->constructs[j].items[i];
        }
        plan.start[c] = k;
        status = cxm__pls_htmt(dst, &plan, correlations, 0);
    } else {
        status = CXM_ENOMEM;
    }
    cxm__free(plan.start);
    cxm__free(plan.item);
    cxm__free((void *)plan.names);
    return status;
}

/* ------------------------------------------------------------------ JSON */

/* A criterion's values, or NULL when it is undefined here (its message is
 * dropped: the report shows null) or memory ran out (*oom set). */
static double *criterion(const cxm_pls_result *res, cxm_pls_quality quality, int *oom)
{
    size_t n = cxm_pls_result_quality_size(res, quality);
    double *v = cxm__malloc(n * sizeof *v);
    int status = v ? cxm_pls_result_quality(v, n, res, quality) : CXM_ENOMEM;
    if (status == CXM_OK)
        return v;
    *oom |= status == CXM_ENOMEM;
    if (status != CXM_ENOMEM)
        cxm_error_clear();
    cxm__free(v);
    return NULL;
}

static int json_number(cJSON *object, const char *key, const double *values, size_t k)
{
    double v = values ? values[k] : NAN;
    cJSON *item = isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
    return item != NULL && cJSON_AddItemToObject(object, key, item);
}

/* A c × c matrix as rows (null where undefined). */
static int json_matrix(cJSON *object, const char *key, const double *values, size_t c)
{
    cJSON *rows = cJSON_AddArrayToObject(object, key);
    int ok = rows != NULL;
    for (size_t i = 0; ok && i < c; i++) {
        cJSON *row = cJSON_CreateArray();
        ok = row != NULL && cJSON_AddItemToArray(rows, row);
        for (size_t j = 0; ok && j < c; j++) {
            double v = values ? values[i * c + j] : NAN;
            cJSON *item = isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
            ok = item != NULL && cJSON_AddItemToArray(row, item);
        }
    }
    return ok;
}

static cJSON *json_append(cJSON *array)
{
    cJSON *o = cJSON_CreateObject();
    if (o != NULL && !cJSON_AddItemToArray(array, o)) {
        cJSON_Delete(o);
        o = NULL;
    }
    return o;
}

static int json_constructs(cJSON *quality, const cxm_pls_result *res, double *const *v)
{
    static const char *const keys[] = { "alpha", "rho_a", "rho_c", "ave" };
    cJSON *arr = cJSON_AddArrayToObject(quality, "constructs");
    int ok = arr != NULL;
    for (size_t j = 0; ok && j < res->plan.c; j++) {
        cJSON *o = json_append(arr);
        ok = o != NULL && cJSON_AddStringToObject(o, "name", res->plan.names[j]) != NULL;
        for (int k = 0; ok && k < 4; k++)
            ok = json_number(o, keys[k], v[k], j);
        ok = ok && json_number(o, "r_squared_adjusted", v[CXM_PLS_R_SQUARED_ADJUSTED], j);
    }
    return ok;
}

static int json_indicators(cJSON *quality, const cxm_pls_result *res, double *const *v)
{
    const pls_plan *plan = &res->plan;
    cJSON *arr = cJSON_AddArrayToObject(quality, "indicators");
    int ok = arr != NULL;
    for (size_t h = 0; ok && h < plan->q; h++) {
        cJSON *o = json_append(arr), *cross = NULL;
        ok = o != NULL &&
             cJSON_AddStringToObject(o, "construct", plan->names[plan->construct[h]]) != NULL &&
             cJSON_AddStringToObject(o, "item", plan->item_names[plan->item[h]]) != NULL &&
             json_number(o, "vif", v[CXM_PLS_INDICATOR_VIF], h) &&
             (cross = cJSON_AddObjectToObject(o, "cross_loadings")) != NULL;
        for (size_t k = 0; ok && k < plan->c; k++)
            ok = json_number(cross, plan->names[k], v[CXM_PLS_CROSS_LOADINGS], h * plan->c + k);
    }
    return ok;
}

static int json_paths(cJSON *quality, const cxm_pls_result *res, double *const *v)
{
    const cxm_pls_model *m = res->model;
    size_t c = res->plan.c;
    cJSON *arr = cJSON_AddArrayToObject(quality, "paths");
    int ok = arr != NULL;
    for (size_t k = 0; ok && k < m->n_paths; k++) {
        size_t at = m->path_from[k] * c + m->path_to[k];
        cJSON *o = json_append(arr);
        ok = o != NULL &&
             cJSON_AddStringToObject(o, "from", m->constructs[m->path_from[k]].name) != NULL &&
             cJSON_AddStringToObject(o, "to", m->constructs[m->path_to[k]].name) != NULL &&
             json_number(o, "vif", v[CXM_PLS_STRUCTURAL_VIF], at) &&
             json_number(o, "f_squared", v[CXM_PLS_F_SQUARED], at);
    }
    return ok;
}

int cxm__pls_quality_json(cJSON *root, const cxm_pls_result *result)
{
    double *v[QUALITY_COUNT] = { 0 };
    int oom = 0;
    for (int k = 0; k < QUALITY_COUNT && !oom; k++)
        v[k] = criterion(result, (cxm_pls_quality)k, &oom);
    cJSON *quality = oom ? NULL : cJSON_AddObjectToObject(root, "quality");
    int ok = quality != NULL && json_constructs(quality, result, v) &&
             json_matrix(quality, "htmt", v[CXM_PLS_HTMT], result->plan.c) &&
             json_matrix(quality, "fornell_larcker", v[CXM_PLS_FORNELL_LARCKER], result->plan.c) &&
             json_indicators(quality, result, v) && json_paths(quality, result, v);
    for (int k = 0; k < QUALITY_COUNT; k++)
        cxm__free(v[k]);
    return ok;
}
