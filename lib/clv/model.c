/* The model engine: handles, data preparation, maximum likelihood, standard
 * errors, and the dispatch of predictions and simulation to the kinds. */
#include "config.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clv/model_engine.h"
#include "clv/pareto_internal.h"
#include "core/hash.h"
#include "core/internal.h"
#include "numeric/incomplete.h"
#include "numeric/linalg.h"
#include "numeric/optim.h"
#include "numeric/parallel.h"

/* ------------------------------------------------------------------ kinds */

/* Every kind, once: its enum, names, parameters and hooks live in its
 * cxm__kind (lib/clv/<kind>.c); lookups and messages read this table. */
static const cxm__kind *const kinds[] = {
    &cxm__kind_bgnbd,      &cxm__kind_mbgnbd, &cxm__kind_gamma_gamma,
    &cxm__kind_pareto_nbd, &cxm__kind_bgbb,   &cxm__kind_sbg,
    &cxm__kind_bgcnbd,     &cxm__kind_mbgcnbd, &cxm__kind_pareto_nbd_cor,
    &cxm__kind_ggompertz_nbd,
};
enum { KIND_COUNT = sizeof kinds / sizeof kinds[0] };

const cxm__kind *cxm__kind_of(cxm_model_kind kind)
{
    for (size_t i = 0; i < KIND_COUNT; i++)
        if (kinds[i]->kind == kind)
            return kinds[i];
    return NULL;
}

const char *cxm_model_kind_name(cxm_model_kind kind)
{
    const cxm__kind *k = cxm__kind_of(kind);
    return k ? k->name : NULL;
}

static int known_as(const cxm__kind *kind, const char *name)
{
    if (strcmp(kind->name, name) == 0)
        return 1;
    for (const char *const *alias = kind->aliases; alias && *alias; alias++)
        if (strcmp(*alias, name) == 0)
            return 1;
    return 0;
}

int cxm__kind_from_name(const char *name, cxm_model_kind *kind)
{
    int status = cxm__check_pointer(name, "name");
    if (status != CXM_OK)
        return status;
    for (size_t i = 0; i < KIND_COUNT; i++)
        if (known_as(kinds[i], name)) {
            *kind = kinds[i]->kind;
            return CXM_OK;
        }
    char known[128];
    size_t used = 0;
    for (size_t i = 0; i < KIND_COUNT && used < sizeof known; i++)
        used += (size_t)snprintf(known + used, sizeof known - used, "%s%s", i ? ", " : "",
                                 kinds[i]->name);
    return cxm__fail(CXM_EINVAL, "unknown model '%s' (known: %s)", name, known);
}

/* ------------------------------------------------------------------ life cycle */



int cxm_model_create(cxm_model **out, cxm_model_kind kind)
{
    int status = cxm__check_pointer(out, "out");
    if (status != CXM_OK)
        return status;
    *out = NULL;
    const cxm__kind *k = cxm__kind_of(kind);
    if (k == NULL) {
        const char *name = cxm_model_kind_name(kind);
        if (name)
            return cxm__fail(CXM_EUNSUPPORTED, "the %s model is not implemented in libcxm %s",
                             name, cxm_version_string());
        return cxm__fail(CXM_EINVAL, "%d is not a model kind", (int)kind);
    }
    cxm_model *m = cxm__calloc(1, sizeof *m);
    if (m == NULL)
        return CXM_ENOMEM;
    m->kind = k;
    m->state = CXM_MODEL_EMPTY;
    *out = m;
    return CXM_OK;
}

int cxm_model_create_named(cxm_model **out, const char *name)
{
    cxm_model_kind kind;
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        *out = NULL;
    if (status == CXM_OK)
        status = cxm__kind_from_name(name, &kind);
    return status == CXM_OK ? cxm_model_create(out, kind) : status;
}

void cxm_model_free(cxm_model *model)
{
    if (model)
        cxm__cov_spec_free(model->cov);
    cxm__free(model);
}

cxm_model_kind cxm_model_get_kind(const cxm_model *model)
{
    return model ? model->kind->kind : (cxm_model_kind)0;
}

cxm_model_state cxm_model_get_state(const cxm_model *model)
{
    return model ? (cxm_model_state)model->state : CXM_MODEL_EMPTY;
}

int cxm_model_set_threads(cxm_model *model, unsigned threads)
{
    int status = cxm__check_pointer(model, "model");
    if (status == CXM_OK)
        model->threads = threads;
    return status;
}

/* ------------------------------------------------------------------ parameters */

size_t cxm_model_param_count(const cxm_model *model)
{
    return model ? model->kind->nparams : 0;
}

const char *cxm_model_param_name(const cxm_model *model, size_t index)
{
    if (model == NULL || index >= model->kind->nparams)
        return NULL;
    return model->kind->param_names[index];
}

static int check_length(size_t n, size_t expected, const char *what)
{
    if (n != expected)
        return cxm__fail(CXM_EINVAL, "%s has %zu elements where %zu were expected", what, n,
                         expected);
    return CXM_OK;
}

static int require_params(const cxm_model *model)
{
    int status = cxm__check_pointer(model, "model");
    if (status == CXM_OK && model->state == CXM_MODEL_EMPTY)
        status = cxm__fail(CXM_ESTATE, "the %s model has no parameters: fit it or set them first",
                           model->kind->title);
    return status;
}

static int require_fitted(const cxm_model *model)
{
    int status = require_params(model);
    if (status == CXM_OK && model->state != CXM_MODEL_FITTED)
        status = cxm__fail(CXM_ESTATE,
                           "the %s model's parameters were given, not fitted: it has no "
                           "likelihood or standard errors",
                           model->kind->title);
    return status;
}

int cxm_model_params(double *dst, size_t n, const cxm_model *model)
{
    int status = require_params(model);
    if (status == CXM_OK)
        status = cxm__check_pointer(dst, "dst");
    if (status == CXM_OK)
        status = check_length(n, model->kind->nparams, "dst");
    if (status == CXM_OK)
        memcpy(dst, model->params, n * sizeof *dst);
    return status;
}

int cxm__param_index(const cxm__kind *kind, const char *name, size_t *index)
{
    for (size_t i = 0; i < kind->nparams; i++)
        if (strcmp(kind->param_names[i], name) == 0) {
            *index = i;
            return CXM_OK;
        }
    return cxm__fail(CXM_ENOTFOUND, "the %s model has no parameter '%s'", kind->title, name);
}

int cxm_model_param(double *out, const cxm_model *model, const char *name)
{
    size_t index = 0;
    int status = require_params(model);
    if (status == CXM_OK)
        status = cxm__check_pointer(name, "name");
    if (status == CXM_OK)
        status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = cxm__param_index(model->kind, name, &index);
    if (status == CXM_OK)
        *out = model->params[index];
    return status;
}

int cxm__check_kind_params(const cxm__kind *kind, const double *params)
{
    for (size_t i = 0; i < kind->nparams; i++) {
        double v = params[i];
        const char *name = kind->param_names[i];
        int status = cxm__check_finite(v, name);
        if (status == CXM_OK && kind->scales[i] == CXM__SCALE_FIXED && !(v > 0.0))
            status = cxm__fail(CXM_EINVAL, "%s parameter %s = %g must be greater than 0",
                               kind->title, name, v);
        if (status == CXM_OK && kind->scales[i] == CXM__SCALE_LOG && !(v > 0.0))
            status = cxm__fail(CXM_EINVAL, "%s parameter %s = %g must be greater than 0",
                               kind->title, name, v);
        /* The range a fit can reach (beyond it a fit has diverged): predictions
         * are finite and accurate throughout it, not beyond. */
        if (status == CXM_OK && kind->scales[i] == CXM__SCALE_LOG &&
            !(v >= CXM__PARAM_MIN && v <= CXM__PARAM_MAX))
            status = cxm__fail(CXM_EINVAL,
                               "%s parameter %s = %g is outside [%g, %g], the range of the "
                               "parameters a fit can reach",
                               kind->title, name, v, CXM__PARAM_MIN, CXM__PARAM_MAX);
        if (status == CXM_OK && kind->scales[i] == CXM__SCALE_LOGIT && !(v > 0.0 && v < 1.0))
            status = cxm__fail(CXM_EINVAL, "%s parameter %s = %g must lie in (0, 1)", kind->title,
                               name, v);
        if (status != CXM_OK)
            return status;
    }
    return kind->check_params ? kind->check_params(params) : CXM_OK;
}

int cxm_model_set_params(cxm_model *model, const double *params, size_t n)
{
    int status = cxm__check_pointer(model, "model");
    if (status == CXM_OK)
        status = cxm__check_pointer(params, "params");
    if (status == CXM_OK)
        status = check_length(n, model->kind->nparams, "params");
    if (status == CXM_OK)
        status = cxm__check_kind_params(model->kind, params);
    if (status != CXM_OK)
        return status;
    memset(model->params, 0, sizeof model->params);
    memcpy(model->params, params, n * sizeof *params);
    model->state = CXM_MODEL_GIVEN;
    model->log_likelihood = 0.0;
    memset(model->covariance, 0, sizeof model->covariance);
    memset(&model->report, 0, sizeof model->report);
    memset(&model->fitted, 0, sizeof model->fitted);
    model->message[0] = model->fitted_message[0] = '\0';
    model->penalty = model->effect_penalty[0] = model->effect_penalty[1] = 0.0;
    return CXM_OK;
}

size_t cxm_model_column_count(const cxm_model *model)
{
    return model ? model->kind->ncolumns : 0;
}

const char *cxm_model_column_name(const cxm_model *model, size_t index)
{
    if (model == NULL || index >= model->kind->ncolumns)
        return NULL;
    return model->kind->column_names[index];
}

/* ------------------------------------------------------------------ data preparation */

void cxm__prepared_free(cxm__prepared *prep)
{
    cxm__free(prep->owned);
    cxm__free(prep->group);
    cxm__free(prep->group_value);
    memset(prep, 0, sizeof *prep);
}

/* Distinct rows among rows[0..count) (indices into column), in order of
 * first appearance: unique[k] is the first row of pattern k and pattern[i]
 * the pattern of rows[i]. The table (lib/core/hash.h) starts at `expected`
 * patterns, so that it stays in cache when the patterns are few. Returns
 * the number of patterns, or 0 on ENOMEM. */
static size_t distinct_rows(const double *const *column, size_t ncolumns, const size_t *rows,
                            size_t count, size_t expected, size_t *unique, uint32_t *pattern)
{
    size_t stored = expected > 16 ? expected : 16;
    cxm__hash table;
    cxm__hash_init(&table);
    /* The patterns' values, side by side: comparing against them stays in
     * cache, where the caller's columns (one miss per row) would not. */
    uint64_t *values = cxm__malloc(stored * ncolumns * sizeof *values);
    size_t patterns = 0;
    if (values == NULL || cxm__hash_reserve(&table, expected) != CXM_OK)
        goto fail;
    /* Rows are hashed a block ahead and their slots prefetched: a large
     * table misses the cache on nearly every probe, and the misses of one
     * block then overlap instead of following one another. */
    enum { AHEAD = 32 };
    uint64_t hashes[AHEAD];
    for (size_t k = 0; k < count; k++) {
        size_t i = rows[k];
        uint64_t bits[CXM__MAX_COLUMNS];
        if (k % AHEAD == 0) {
            size_t block = count - k < AHEAD ? count - k : AHEAD;
            for (size_t b = 0; b < block; b++) {
                uint64_t h = table.seed;
                for (size_t c = 0; c < ncolumns; c++)
                    h = cxm__hash_fold(h, cxm__hash_double(column[c][rows[k + b]]));
                hashes[b] = cxm__mix64(h);
                cxm__hash_prefetch(&table, hashes[b]);
            }
        }
        for (size_t c = 0; c < ncolumns; c++)
            bits[c] = cxm__hash_double(column[c][i]);
        cxm__hash_probe probe = cxm__hash_start(&table, hashes[k % AHEAD]);
        size_t p;
        int same = 0;
        while (!same && cxm__hash_next(&table, &probe, &p)) {
            same = 1;
            for (size_t c = 0; same && c < ncolumns; c++)
                same = values[p * ncolumns + c] == bits[c];
        }
        if (!same) {
            if (patterns == stored) {
                uint64_t *bigger = cxm__reallocarray(values, 2 * stored * ncolumns, sizeof *values);
                if (bigger == NULL)
                    goto fail;
                values = bigger;
                stored *= 2;
            }
            memcpy(values + patterns * ncolumns, bits, ncolumns * sizeof *bits);
            if (cxm__hash_insert(&table, &probe, patterns) != CXM_OK)
                goto fail;
            unique[patterns] = i;
            p = patterns++;
        }
        if (pattern)
            pattern[k] = (uint32_t)p;
    }
    cxm__hash_free(&table);
    cxm__free(values);
    return patterns;
fail:
    cxm__hash_free(&table);
    cxm__free(values);
    return 0;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Index every row by its value of the group column. */
static int build_groups(cxm__prepared *prep, int group_column)
{
    cxm__data *d = &prep->data;
    const double *values = d->column[group_column];
    double max = 0.0;
    for (size_t i = 0; i < d->n; i++)
        if (values[i] > max)
            max = values[i];
    prep->group = cxm__malloc((d->n ? d->n : 1) * sizeof *prep->group);
    if (prep->group == NULL)
        return CXM_ENOMEM;
    if (max <= 4.0 * (double)d->n + 65536.0) {
        /* Whole numbers in a small range: a direct map. */
        size_t range = (size_t)max + 1;
        uint32_t *map = cxm__malloc(range * sizeof *map);
        if (map == NULL)
            return CXM_ENOMEM;
        memset(map, 0xff, range * sizeof *map);
        for (size_t i = 0; i < d->n; i++)
            map[(size_t)values[i]] = 0;
        size_t groups = 0;
        for (size_t v = 0; v < range; v++)
            if (map[v] == 0)
                groups++;
        prep->group_value = cxm__malloc((groups ? groups : 1) * sizeof *prep->group_value);
        if (prep->group_value == NULL) {
            cxm__free(map);
            return CXM_ENOMEM;
        }
        groups = 0;
        for (size_t v = 0; v < range; v++)
            if (map[v] == 0) {
                prep->group_value[groups] = (double)v;
                map[v] = (uint32_t)groups++;
            }
        for (size_t i = 0; i < d->n; i++)
            prep->group[i] = map[(size_t)values[i]];
        cxm__free(map);
        d->ngroups = groups;
    } else {
        double *sorted = cxm__malloc((d->n ? d->n : 1) * sizeof *sorted);
        if (sorted == NULL)
            return CXM_ENOMEM;
        memcpy(sorted, values, d->n * sizeof *sorted);
        qsort(sorted, d->n, sizeof *sorted, compare_doubles);
        size_t groups = 0;
        for (size_t i = 0; i < d->n; i++)
            if (groups == 0 || sorted[i] != sorted[groups - 1])
                sorted[groups++] = sorted[i];
        for (size_t i = 0; i < d->n; i++) {
            size_t lo = 0, hi = groups;
            while (hi - lo > 1) {
                size_t mid = (lo + hi) / 2;
                if (sorted[mid] <= values[i])
                    lo = mid;
                else
                    hi = mid;
            }
            prep->group[i] = (uint32_t)lo;
        }
        prep->group_value = sorted;
        d->ngroups = groups;
    }
    d->group = prep->group;
    d->group_value = prep->group_value;
    return CXM_OK;
}

int cxm__check_weights(size_t n, const double *weights)
{
    if (weights == NULL)
        return CXM_OK;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(weights[i]) || weights[i] < 0.0)
            return cxm__fail_at(CXM_EINVAL, i, "weight %g must be a finite number >= 0",
                                weights[i]);
    }
    return CXM_OK;
}

int cxm__check_rows(const cxm__kind *kind, size_t n, const double *const *column)
{
    double values[CXM__MAX_COLUMNS];
    for (size_t i = 0; i < n; i++) {
        for (size_t c = 0; c < kind->ncolumns; c++)
            values[c] = column[c][i];
        int status = kind->check_row(values, i);
        if (status != CXM_OK)
            return status;
    }
    return CXM_OK;
}

int cxm__prepare(cxm__prepared *prep, const cxm__kind *kind, size_t n,
                 const double *const *column, const double *weights, int compress)
{
    size_t ncol = kind->ncolumns;
    double values[CXM__MAX_COLUMNS];
    size_t *rows = NULL, *unique = NULL;
    uint32_t *pattern = NULL;
    int status = CXM_OK;

    memset(prep, 0, sizeof *prep);
    status = cxm__check_rows(kind, n, column);
    if (status == CXM_OK)
        status = cxm__check_weights(n, weights);
    if (status != CXM_OK)
        return status;

    /* Rows that count: positive weight, not skipped by the kind. */
    rows = cxm__malloc((n ? n : 1) * sizeof *rows);
    if (rows == NULL)
        return CXM_ENOMEM;
    size_t kept = 0;
    double skipped = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (weights && !(weights[i] > 0.0))
            continue;
        if (kind->skip_row) {
            for (size_t c = 0; c < ncol; c++)
                values[c] = column[c][i];
            int use = kind->skip_row(values);
            if (use == CXM__ROW_DEGENERATE)
                skipped += weights ? weights[i] : 1.0;
            if (use != CXM__ROW_USED)
                continue;
        }
        rows[kept++] = i;
    }
    if (kept == 0) {
        cxm__free(rows);
        return cxm__fail(CXM_EINVAL, "no rows to fit the %s model on%s", kind->title,
                         kind->skip_row ? " (every row is skipped or has weight 0)"
                                        : " (every row has weight 0)");
    }
    prep->data.skipped = skipped;

    /* Merge identical rows when it pays: judged on a sample of up to 65536
     * rows, so that data without repeats do not pay for a full hash pass. */
    size_t patterns = kept;
    if (compress && kept >= 64 && kept <= UINT32_MAX - 1) {
        size_t sample = kept < 65536 ? kept : 65536;
        unique = cxm__malloc(kept * sizeof *unique);
        if (unique == NULL) {
            status = CXM_ENOMEM;
            goto done;
        }
        size_t sampled = distinct_rows(column, ncol, rows, sample, sample / 2, unique, NULL);
        if (sampled == 0) {
            status = CXM_ENOMEM;
            goto done;
        }
        if (sampled * 10 <= sample * 7) {
            pattern = cxm__malloc(kept * sizeof *pattern);
            if (pattern == NULL) {
                status = CXM_ENOMEM;
                goto done;
            }
            /* Size the table once: growing it in steps rehashes every
             * pattern each time. Distinct rows grow like a power of the rows
             * read; its exponent comes from the sample and its first half. */
            size_t half = distinct_rows(column, ncol, rows, sample / 2, sample / 4, unique, NULL);
            if (half == 0) {
                status = CXM_ENOMEM;
                goto done;
            }
            double growth = log2((double)sampled / (double)half); /* sampled >= half */
            if (growth > 1.0)
                growth = 1.0;
            double estimate = (double)sampled * pow((double)kept / (double)sample, growth);
            size_t expected = estimate < (double)kept ? (size_t)estimate : kept;
            patterns = distinct_rows(column, ncol, rows, kept, expected, unique, pattern);
            if (patterns == 0) {
                status = CXM_ENOMEM;
                goto done;
            }
        }
    }

    cxm__data *d = &prep->data;
    if (pattern == NULL && kept == n) {
        /* Every row counts as it is: use the caller's arrays. */
        d->n = n;
        for (size_t c = 0; c < ncol; c++)
            d->column[c] = column[c];
        d->weight = weights;
    } else {
        prep->owned = cxm__malloc((ncol + 1) * patterns * sizeof *prep->owned);
        if (prep->owned == NULL) {
            status = CXM_ENOMEM;
            goto done;
        }
        double *w = prep->owned + ncol * patterns;
        for (size_t c = 0; c < ncol; c++) {
            double *dst = prep->owned + c * patterns;
            for (size_t k = 0; k < patterns; k++)
                dst[k] = column[c][pattern ? unique[k] : rows[k]];
            d->column[c] = dst;
        }
        if (pattern) {
            memset(w, 0, patterns * sizeof *w);
            for (size_t k = 0; k < kept; k++)
                w[pattern[k]] += weights ? weights[rows[k]] : 1.0;
        } else {
            for (size_t k = 0; k < kept; k++)
                w[k] = weights ? weights[rows[k]] : 1.0;
        }
        d->n = patterns;
        d->weight = w;
    }
    double total = 0.0;
    for (size_t i = 0; i < d->n; i++)
        total += d->weight ? d->weight[i] : 1.0;
    d->total_weight = total;
    if (kind->group_column >= 0)
        status = build_groups(prep, kind->group_column);

done:
    cxm__free(rows);
    cxm__free(unique);
    cxm__free(pattern);
    if (status != CXM_OK)
        cxm__prepared_free(prep);
    return status;
}

/* A deterministic subsample (every k-th row) of prepared data, for starting values. */
static int subsample(cxm__prepared *sub, const cxm__kind *kind, const cxm__data *data,
                     size_t stride)
{
    size_t ncol = kind->ncolumns;
    size_t m = (data->n + stride - 1) / stride;
    memset(sub, 0, sizeof *sub);
    sub->owned = cxm__malloc((ncol + 1) * m * sizeof *sub->owned);
    if (sub->owned == NULL)
        return CXM_ENOMEM;
    double *w = sub->owned + ncol * m;
    for (size_t c = 0; c < ncol; c++) {
        double *dst = sub->owned + c * m;
        for (size_t k = 0; k < m; k++)
            dst[k] = data->column[c][k * stride];
        sub->data.column[c] = dst;
    }
    double total = 0.0;
    for (size_t k = 0; k < m; k++) {
        w[k] = data->weight ? data->weight[k * stride] : 1.0;
        total += w[k];
    }
    sub->data.n = m;
    sub->data.weight = w;
    sub->data.total_weight = total;
    int status = CXM_OK;
    if (kind->group_column >= 0)
        status = build_groups(sub, kind->group_column);
    if (status != CXM_OK)
        cxm__prepared_free(sub);
    return status;
}

/* ------------------------------------------------------------------ likelihood */

size_t cxm__acc_size(const cxm__kind *kind)
{
    return 1 + kind->nparams + kind->nparams * kind->nparams;
}

typedef struct loglik_job {
    const cxm__kind *kind;
    const cxm__data *data;
    const double *params;
    const double *table;
    double *block_acc;
    size_t acc_size;
    int order;
} loglik_job;

static int loglik_block(void *context, size_t block, size_t begin, size_t end)
{
    loglik_job *job = context;
    double *acc = job->block_acc + block * job->acc_size;
    memset(acc, 0, job->acc_size * sizeof *acc);
    job->kind->loglik(job->params, job->data, job->table, begin, end, job->order, acc);
    return CXM_OK;
}

int cxm__evaluator_init(cxm__evaluator *ev, const cxm__kind *kind, const cxm__data *data,
                        unsigned threads)
{
    memset(ev, 0, sizeof *ev);
    if (kind->loglik == NULL)
        return cxm__fail(CXM_EUNSUPPORTED,
                         "the %s model's likelihood needs each customer's covariates: use "
                         "cxm_model_fit_covariates()",
                         kind->title);
    ev->kind = kind;
    ev->data = data;
    ev->threads = threads;
    ev->blocks = cxm__block_count(data->n, CXM__BLOCK_ROWS);
    size_t acc = cxm__acc_size(kind);
    ev->block_acc = cxm__malloc((ev->blocks ? ev->blocks : 1) * acc * sizeof *ev->block_acc);
    if (ev->block_acc == NULL)
        return CXM_ENOMEM;
    size_t table = kind->table_width > 0 ? data->ngroups * kind->table_width : 0;
    size_t aux = kind->aux_size ? kind->aux_size(data) : 0;
    if (aux == (size_t)-1) {
        cxm__free(ev->block_acc);
        ev->block_acc = NULL;
        return CXM_ENOMEM;
    }
    if (table + aux > 0) {
        ev->table = cxm__malloc((table + aux) * sizeof *ev->table);
        int status = ev->table == NULL ? CXM_ENOMEM : CXM_OK;
        if (status == CXM_OK && aux > 0)
            status = kind->aux_index(data, ev->table + table);
        if (status != CXM_OK) {
            cxm__free(ev->table);
            cxm__free(ev->block_acc);
            ev->table = NULL;
            ev->block_acc = NULL;
            return status;
        }
    }
    return CXM_OK;
}

void cxm__evaluator_free(cxm__evaluator *ev)
{
    cxm__free(ev->block_acc);
    cxm__free(ev->table);
    memset(ev, 0, sizeof *ev);
}

void cxm__evaluator_external(cxm__evaluator *ev, const cxm__kind *kind, cxm__data *outside,
                             cxm_chunk_loglik_fn fn, void *context)
{
    memset(ev, 0, sizeof *ev);
    memset(outside, 0, sizeof *outside);
    ev->kind = kind;
    ev->data = outside;
    ev->external = fn;
    ev->external_context = context;
    ev->outside = outside;
}

/* The caller's sums: [weight, rows, ln L, gradient, Hessian]. */
static int evaluate_external(cxm__evaluator *ev, const double *params, int order, double *acc)
{
    const cxm__kind *kind = ev->kind;
    size_t p = kind->nparams, size = 2 + cxm__acc_size(kind);
    double sums[2 + 1 + CXM__MAX_PARAMS + CXM__MAX_PARAMS * CXM__MAX_PARAMS];
    memset(sums, 0, sizeof sums);
    int status = ev->external(ev->external_context, sums, size, params, p, order);
    if (status != CXM_OK)
        return status < 0 ? status
                          : cxm__fail(CXM_EINVAL, "the chunk callback returned %d, not a status",
                                      status);
    double weight = sums[CXM_CHUNK_WEIGHT], rows = sums[CXM_CHUNK_ROWS];
    if (!(weight > 0.0) || !isfinite(weight) || !(rows >= 0.0) || !isfinite(rows))
        return cxm__fail(CXM_EINVAL,
                         "the chunk results add up to a weight of %g and %g rows: no data to fit "
                         "the %s model on",
                         weight, rows, kind->title);
    cxm__data *d = ev->outside;
    if (d->total_weight == 0.0) {
        d->total_weight = weight;
        d->n = (size_t)rows;
    } else if (fabs(weight - d->total_weight) > 1e-9 * d->total_weight) {
        return cxm__fail(CXM_EINVAL,
                         "the chunk results add up to a weight of %.17g where the first pass "
                         "had %.17g: a chunk was lost or counted twice",
                         weight, d->total_weight);
    }
    memcpy(acc, sums + CXM_CHUNK_LOGLIK, cxm__acc_size(kind) * sizeof *acc);
    return CXM_OK;
}

int cxm__evaluate(cxm__evaluator *ev, const double *params, int order, double *acc)
{
    const cxm__kind *kind = ev->kind;
    size_t size = cxm__acc_size(kind);
    if (ev->external)
        return evaluate_external(ev, params, order, acc);
    if (ev->cov)
        return cxm__cov_evaluate(ev->cov, params, order, acc);
    if (ev->table && kind->table_width > 0)
        kind->fill_table(params, ev->data->group_value, ev->data->ngroups, ev->table);
    if (ev->table && kind->aux_fill)
        kind->aux_fill(params, ev->data, ev->table + ev->data->ngroups * kind->table_width, order);
    loglik_job job = { kind, ev->data, params, ev->table, ev->block_acc, size, order };
    int status = cxm__parallel_blocks(ev->data->n, CXM__BLOCK_ROWS, ev->threads, loglik_block, &job);
    if (status == CXM_ENOMEM && ev->threads > 1) /* threads could not start */
        status = cxm__parallel_blocks(ev->data->n, CXM__BLOCK_ROWS, 1, loglik_block, &job);
    if (status != CXM_OK)
        return status;
    memset(acc, 0, size * sizeof *acc);
    for (size_t b = 0; b < ev->blocks; b++) {
        const double *part = ev->block_acc + b * size;
        for (size_t k = 0; k < size; k++)
            acc[k] += part[k];
    }
    return CXM_OK;
}

/* Gradient and Hessian when the kind has no analytic Hessian: central
 * differences of the analytic gradient in ln θ (or the logit), symmetrised. */
int cxm__fd_hessian(cxm__evaluator *ev, const double *params, double *hess)
{
    const cxm__kind *kind = ev->kind;
    size_t p = kind->nparams, size = cxm__acc_size(kind);
    double acc_plus[1 + CXM__MAX_PARAMS + CXM__MAX_PARAMS * CXM__MAX_PARAMS];
    double acc_minus[1 + CXM__MAX_PARAMS + CXM__MAX_PARAMS * CXM__MAX_PARAMS];
    double shifted[CXM__MAX_PARAMS];
    (void)size;
    memset(hess, 0, p * p * sizeof *hess);
    for (size_t j = 0; j < p; j++) {
        if (kind->scales[j] == CXM__SCALE_FIXED) /* not a variable of the fit */
            continue;
        double h = 1e-5 * fmax(fabs(params[j]), 1e-3);
        if (kind->scales[j] == CXM__SCALE_LOGIT)
            h = fmin(h, 0.5 * fmin(params[j], 1.0 - params[j]));
        memcpy(shifted, params, p * sizeof *shifted);
        shifted[j] = params[j] + h;
        int status = cxm__evaluate(ev, shifted, 1, acc_plus);
        if (status != CXM_OK)
            return status;
        shifted[j] = params[j] - h;
        status = cxm__evaluate(ev, shifted, 1, acc_minus);
        if (status != CXM_OK)
            return status;
        for (size_t i = 0; i < p; i++)
            hess[i * p + j] = (acc_plus[1 + i] - acc_minus[1 + i]) / (2 * h);
    }
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j < i; j++) {
            double mean = 0.5 * (hess[i * p + j] + hess[j * p + i]);
            hess[i * p + j] = hess[j * p + i] = mean;
        }
    return CXM_OK;
}

/* Natural parameters from optimiser coordinates, with the first and second
 * derivatives of the transform. */
static void from_coordinates(const cxm__kind *kind, const double *phi, double *theta, double *d1,
                             double *d2)
{
    for (size_t i = 0; i < kind->nparams; i++) {
        switch (kind->scales[i]) {
        case CXM__SCALE_LOG:
            theta[i] = exp(phi[i]);
            d1[i] = d2[i] = theta[i];
            break;
        case CXM__SCALE_FIXED: /* the fit does not move it; a whole number, which
                                  exp(ln θ) may miss by a rounding */
            theta[i] = nearbyint(exp(phi[i]));
            d1[i] = d2[i] = 0.0;
            break;
        case CXM__SCALE_LOGIT: {
            double t = 1.0 / (1.0 + exp(-phi[i]));
            theta[i] = t;
            d1[i] = t * (1.0 - t);
            d2[i] = d1[i] * (1.0 - 2.0 * t);
            break;
        }
        default:
            theta[i] = phi[i];
            d1[i] = 1.0;
            d2[i] = 0.0;
        }
    }
}

static double to_coordinate(cxm__scale scale, double theta)
{
    switch (scale) {
    case CXM__SCALE_LOG:
    case CXM__SCALE_FIXED: return log(theta);
    case CXM__SCALE_LOGIT: return log(theta / (1.0 - theta));
    default: return theta;
    }
}

typedef struct objective_context {
    cxm__evaluator *ev;
    const double *penalty;           /* L2 weight of each parameter */
    /* The last point evaluated with its Hessian (natural scale), so that the
     * covariance at the optimum needs no extra pass. */
    int have_last;
    double last_theta[CXM__MAX_PARAMS];
    double last_acc[1 + CXM__MAX_PARAMS + CXM__MAX_PARAMS * CXM__MAX_PARAMS];
} objective_context;

/* f(φ) = −ln L(θ)/W + Σ penalty_i·θ_i², with gradient and Hessian in φ. */
static int objective(void *context, const double *phi, double *f, double *grad, double *hess)
{
    objective_context *oc = context;
    const cxm__kind *kind = oc->ev->kind;
    size_t p = kind->nparams;
    double theta[CXM__MAX_PARAMS], d1[CXM__MAX_PARAMS], d2[CXM__MAX_PARAMS];
    double acc[1 + CXM__MAX_PARAMS + CXM__MAX_PARAMS * CXM__MAX_PARAMS];

    from_coordinates(kind, phi, theta, d1, d2);
    for (size_t i = 0; i < p; i++) {
        if (!isfinite(theta[i]) || (kind->scales[i] == CXM__SCALE_LOG && !(theta[i] > 0.0)) ||
            (kind->scales[i] == CXM__SCALE_LOGIT && !(theta[i] > 0.0 && theta[i] < 1.0))) {
            *f = INFINITY;
            return CXM_OK;
        }
    }
    if (kind->check_params && kind->check_params(theta) != CXM_OK) {
        cxm_error_clear();
        *f = INFINITY;
        return CXM_OK;
    }
    int order = hess ? 2 : grad ? 1 : 0;
    int status = cxm__evaluate(oc->ev, theta, order, acc);
    if (status != CXM_OK)
        return status;
    /* After the evaluation: a chunked fit learns the weight from its first. */
    double W = oc->ev->data->total_weight;
    if (order == 2) {
        oc->have_last = 1;
        memcpy(oc->last_theta, theta, p * sizeof *theta);
        memcpy(oc->last_acc, acc, cxm__acc_size(kind) * sizeof *acc);
    }
    double pen = 0.0;
    for (size_t i = 0; i < p; i++)
        pen += oc->penalty[i] * theta[i] * theta[i];
    *f = -acc[0] / W + pen;
    if (grad)
        for (size_t i = 0; i < p; i++)
            grad[i] = (-acc[1 + i] / W + 2.0 * oc->penalty[i] * theta[i]) * d1[i];
    if (hess) {
        const double *h = acc + 1 + p;
        for (size_t i = 0; i < p; i++)
            for (size_t j = 0; j < p; j++) {
                double hij = -h[i * p + j] / W + (i == j ? 2.0 * oc->penalty[i] : 0.0);
                hess[i * p + j] = hij * d1[i] * d1[j];
            }
        for (size_t i = 0; i < p; i++)
            hess[i * p + i] += (-acc[1 + i] / W + 2.0 * oc->penalty[i] * theta[i]) * d2[i];
        /* A fixed parameter's row is 0: a unit diagonal keeps Newton's step 0 there. */
        for (size_t i = 0; i < p; i++)
            if (kind->scales[i] == CXM__SCALE_FIXED)
                hess[i * p + i] = 1.0;
    }
    return CXM_OK;
}

/* ------------------------------------------------------------------ fitting */

/* ln θ within ±ln(1e10) (CXM__PARAM_MIN, CXM__PARAM_MAX): beyond it a fit
 * has run off (CLVTools returns 1e51). */
#define DIVERGENCE_BOUND 23.02585092994046

static const char *reason_text(int reason)
{
    switch (reason) {
    case CXM_FIT_CONVERGED: return "converged";
    case CXM_FIT_MAX_ITERATIONS: return "iteration limit reached";
    case CXM_FIT_DIVERGED: return "diverged";
    case CXM_FIT_NOT_FINITE: return "not finite";
    case CXM_FIT_NO_PROGRESS: return "no progress";
    case CXM_FIT_NOT_DEFINITE: return "Hessian not positive definite";
    default: return "not run";
    }
}

const char *cxm__fit_reason_name(int reason)
{
    return reason_text(reason);
}

static int map_reason(cxm__optim_reason reason)
{
    switch (reason) {
    case CXM__OPTIM_CONVERGED: return CXM_FIT_CONVERGED;
    case CXM__OPTIM_MAX_ITERATIONS: return CXM_FIT_MAX_ITERATIONS;
    case CXM__OPTIM_DIVERGED: return CXM_FIT_DIVERGED;
    case CXM__OPTIM_NOT_FINITE: return CXM_FIT_NOT_FINITE;
    default: return CXM_FIT_NO_PROGRESS;
    }
}

/* Run the optimiser on prepared data from start (natural parameters). When
 * last_acc is not NULL and the optimiser's last evaluation was at the point
 * it returns, its likelihood, gradient and Hessian are copied there and
 * *have_last is set. */
static int optimise_with(cxm__evaluator *ev, const double *penalty, unsigned max_iterations,
                         double tolerance, double *theta, cxm__optim_result *result,
                         double *last_acc, int *have_last)
{
    const cxm__kind *kind = ev->kind;
    int status;
    double phi[CXM__MAX_PARAMS];
    for (size_t i = 0; i < kind->nparams; i++)
        phi[i] = to_coordinate(kind->scales[i], theta[i]);
    objective_context oc;
    memset(&oc, 0, sizeof oc);
    oc.ev = ev;
    oc.penalty = penalty;
    cxm__optim_options opt;
    memset(&opt, 0, sizeof opt);
    opt.use_hessian = kind->has_hessian;
    opt.max_iterations = max_iterations ? max_iterations : (kind->has_hessian ? 100 : 500);
    opt.gradient_tolerance = tolerance > 0 ? tolerance : (kind->has_hessian ? 1e-9 : 1e-7);
    opt.max_step = 3.0;
    opt.bound = DIVERGENCE_BOUND;
    opt.unbounded = kind->unbounded;
    status = cxm__minimize(objective, &oc, phi, kind->nparams, &opt, result);
    double d1[CXM__MAX_PARAMS], d2[CXM__MAX_PARAMS];
    from_coordinates(kind, phi, theta, d1, d2);
    if (have_last) {
        *have_last = oc.have_last && memcmp(oc.last_theta, theta, kind->nparams * sizeof *theta) == 0;
        if (*have_last)
            memcpy(last_acc, oc.last_acc, cxm__acc_size(kind) * sizeof *last_acc);
    }
    return status;
}

static int optimise(const cxm__kind *kind, const cxm__data *data, unsigned threads, double penalty,
                    unsigned max_iterations, double tolerance, double *theta,
                    cxm__optim_result *result, double *last_acc, int *have_last)
{
    cxm__evaluator ev;
    int status = cxm__evaluator_init(&ev, kind, data, threads);
    if (status != CXM_OK)
        return status;
    double weights[CXM__MAX_PARAMS];
    for (size_t i = 0; i < kind->nparams; i++)
        weights[i] = penalty;
    status = optimise_with(&ev, weights, max_iterations, tolerance, theta, result, last_acc,
                           have_last);
    cxm__evaluator_free(&ev);
    return status;
}

/* A positive parameter beyond these is "heading for a boundary" when the
 * data do not pin it down: a shape of 1e5 already means no heterogeneity. */
#define FAR_HIGH 1e5
#define FAR_LOW 1e-5

/* The first parameter at a boundary: far out on its log scale and with a
 * standard error of ln θ above 1, so that the likelihood is flat towards
 * 0 or ∞ there (e.g. Pareto/NBD's s, β → ∞ with s/β fixed: every customer
 * drops out at the same rate). Newton's method can meet its gradient
 * tolerance on such a plateau; that is not an estimate. Returns nparams
 * when there is none; *log_se receives the standard error of ln θ. */
static size_t boundary_parameter(const cxm__kind *kind, const double *theta,
                                 const double *covariance, double *log_se)
{
    size_t p = kind->nparams;
    for (size_t i = 0; i < p; i++) {
        if (kind->scales[i] != CXM__SCALE_LOG || (theta[i] <= FAR_HIGH && theta[i] >= FAR_LOW))
            continue;
        *log_se = sqrt(covariance[i * p + i]) / theta[i];
        if (*log_se > 1.0)
            return i;
    }
    return p;
}

static void set_fit_message(cxm_model *model, const char *fmt, ...) CXM_PRINTF(2, 3);
static void set_fit_message(cxm_model *model, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(model->message, sizeof model->message, fmt, ap);
    va_end(ap);
}

static int fail_fit(cxm_model *model, int reason, const cxm__optim_result *result,
                    const double *theta, const char *detail)
{
    const cxm__kind *kind = model->kind;
    model->report.reason = reason;
    model->report.iterations = result->iterations;
    model->report.evaluations = result->evaluations;
    model->report.gradient_norm = result->gradient_norm;
    char where[512];
    size_t used = 0;
    where[0] = '\0';
    for (size_t i = 0; i < kind->nparams && used < sizeof where; i++)
        used += (size_t)snprintf(where + used, sizeof where - used, "%s%s=%.4g", i ? ", " : "",
                                 kind->param_names[i], theta[i]);
    /* Name parameters heading for a boundary: the usual cause (e.g. a, b → ∞
     * with a/(a+b) fixed: no heterogeneity in dropout left to estimate). */
    char edge[256];
    size_t e = 0;
    edge[0] = '\0';
    for (size_t i = 0; i < kind->nparams && e < sizeof edge; i++) {
        int high = kind->scales[i] == CXM__SCALE_LOG ? theta[i] > FAR_HIGH : 0;
        int low = kind->scales[i] == CXM__SCALE_LOG ? theta[i] < FAR_LOW : 0;
        if (high || low)
            e += (size_t)snprintf(edge + e, sizeof edge - e, "%s%s → %s", e ? ", " : "; heading for a boundary: ",
                                  kind->param_names[i], high ? "∞" : "0");
    }
    if (kind->explain_stop && kind->explain_stop(theta, edge + 2, sizeof edge - 2))
        memcpy(edge, "; ", 2);
    set_fit_message(model, "%s fit failed (%s) after %u iterations: %s; last parameters %s%s",
                    kind->title, reason_text(reason), result->iterations, detail, where, edge);
    return cxm__fail(CXM_ECONVERGE, "%s", model->message);
}

/* The size of each version of cxm_fit_options and cxm_fit_report (docs/ABI.md). */
static const size_t fit_option_sizes[CXM_FIT_OPTIONS_VERSION] = {
    CXM__FIELDS_END(cxm_fit_options, flags),
    CXM__FIELDS_END(cxm_fit_options, dropout_penalty),
};
static const size_t fit_report_sizes[CXM_FIT_REPORT_VERSION] = {
    CXM__FIELDS_END(cxm_fit_report, rows),
    CXM__FIELDS_END(cxm_fit_report, skipped),
};

int cxm__read_fit_options(cxm_fit_options *dst, const cxm_fit_options *given)
{
    cxm_fit_options_init(dst);
    int status = cxm__options_read(dst, given, fit_option_sizes, CXM_FIT_OPTIONS_VERSION,
                                   "cxm_fit_options");
    if (status == CXM_OK)
        status = cxm__check_nonnegative(dst->penalty, "penalty");
    if (status == CXM_OK)
        status = cxm__check_nonnegative(dst->tolerance, "tolerance");
    if (status == CXM_OK)
        status = cxm__check_nonnegative(dst->purchase_penalty, "purchase_penalty");
    if (status == CXM_OK)
        status = cxm__check_nonnegative(dst->dropout_penalty, "dropout_penalty");
    return status;
}

int cxm__read_fit_report(cxm_fit_report *dst, const cxm_fit_report *given)
{
    cxm_fit_report empty = CXM_FIT_REPORT_INIT;
    *dst = empty;
    return cxm__options_read(dst, given, fit_report_sizes, CXM_FIT_REPORT_VERSION,
                             "cxm_fit_report");
}

/* A fit's start from the kind's default in theta: see cxm__fit_start(). */
static int refine_start(const cxm__kind *kind, const cxm__data *data, unsigned threads,
                        double penalty, double *theta)
{
    /* Large data: a first fit on a deterministic subsample of ~20000 rows
     * lands close to the optimum, so the full data need only a few Newton
     * passes. A failure there only means no head start. */
    if (data->n <= 60000)
        return CXM_OK;
    cxm__prepared sub;
    cxm__optim_result result;
    double start[CXM__MAX_PARAMS];
    memcpy(start, theta, kind->nparams * sizeof *start);
    int status = subsample(&sub, kind, data, data->n / 20000);
    if (status == CXM_OK) {
        status = optimise(kind, &sub.data, threads, penalty, 0, 1e-7, start, &result, NULL, NULL);
        cxm__prepared_free(&sub);
        if (status == CXM_OK)
            memcpy(theta, start, kind->nparams * sizeof *theta);
    }
    if (status == CXM_ENOMEM)
        return status;
    cxm_error_clear();
    return CXM_OK;
}

int cxm__fit_start(const cxm__kind *kind, const cxm__data *data, unsigned threads, double penalty,
                   double *theta)
{
    kind->default_start(data, theta);
    return refine_start(kind, data, threads, penalty, theta);
}

int cxm__fit_run(cxm_model *model, cxm__evaluator *ev, const cxm_fit_options *options,
                 double *theta)
{
    const cxm__kind *kind = model->kind;
    const cxm_fit_options opt = *options;
    size_t p = kind->nparams;
    cxm__optim_result result;

    memset(&model->report, 0, sizeof model->report);
    model->report.version = CXM_FIT_REPORT_VERSION;
    model->report.observations = ev->data->total_weight;
    model->report.rows = (double)ev->data->n;
    model->report.skipped = ev->data->skipped;
    model->message[0] = '\0';

    double acc[1 + CXM__MAX_PARAMS + CXM__MAX_PARAMS * CXM__MAX_PARAMS];
    double penalty[CXM__MAX_PARAMS];
    int have_last = 0;
    int status = cxm__penalty_weights(penalty, model, &opt);
    if (status != CXM_OK)
        return status;
    status = optimise_with(ev, penalty, opt.max_iterations, opt.tolerance, theta, &result, acc,
                           &have_last);
    /* A chunked fit knows its data after the first evaluation. */
    model->report.observations = ev->data->total_weight;
    model->report.rows = (double)ev->data->n;
    if (status == CXM_ECONVERGE) {
        char detail[256];
        if (result.reason == CXM__OPTIM_DIVERGED) {
            size_t i = result.diverged_index;
            snprintf(detail, sizeof detail,
                     "%s ran off to %g; the data do not identify the model (a penalty may help)",
                     kind->param_names[i], theta[i]);
        } else {
            snprintf(detail, sizeof detail, "%s", cxm_error_message());
        }
        return fail_fit(model, map_reason(result.reason), &result, theta, detail);
    }
    if (status != CXM_OK)
        return status;

    /* Observed information at the estimate: −∂²ln L/∂θ² (natural scale) plus
     * the penalty's curvature. Not positive definite: not a maximum. */
    double info[CXM__MAX_PARAMS * CXM__MAX_PARAMS];
    if (!have_last) {
        status = cxm__evaluate(ev, theta, kind->has_hessian ? 2 : 1, acc);
        if (status == CXM_OK && !kind->has_hessian)
            status = cxm__fd_hessian(ev, theta, acc + 1 + p);
        if (status != CXM_OK)
            return status;
        result.evaluations += kind->has_hessian ? 1 : 1 + 2 * (unsigned)p;
    }
    double W = ev->data->total_weight;
    for (size_t i = 0; i < p * p; i++)
        info[i] = -acc[1 + p + i];
    for (size_t i = 0; i < p; i++)
        info[i * p + i] += 2.0 * penalty[i] * W;
    int finite = isfinite(acc[0]);
    for (size_t i = 0; i < p * p; i++)
        finite = finite && isfinite(info[i]);
    if (!finite)
        return fail_fit(model, CXM_FIT_NOT_FINITE, &result, theta,
                        "the likelihood or its Hessian is not finite at the solution");
    /* A fixed parameter: a unit row and column to invert, variance 0 after. */
    for (size_t i = 0; i < p; i++)
        if (kind->scales[i] == CXM__SCALE_FIXED)
            for (size_t j = 0; j < p; j++)
                info[i * p + j] = info[j * p + i] = i == j ? 1.0 : 0.0;
    status = cxm__spd_invert(info, p);
    if (status == CXM_ENOMEM)
        return status;
    for (size_t i = 0; i < p; i++)
        if (kind->scales[i] == CXM__SCALE_FIXED)
            for (size_t j = 0; j < p; j++)
                info[i * p + j] = info[j * p + i] = 0.0;
    if (status != CXM_OK)
        return fail_fit(model, CXM_FIT_NOT_DEFINITE, &result, theta,
                        "the Hessian at the solution is not positive definite, so it is "
                        "not a maximum (some parameters are not identified)");
    for (size_t i = 0; i < p; i++)
        if (kind->scales[i] != CXM__SCALE_FIXED &&
            (!(info[i * p + i] > 0.0) || !isfinite(info[i * p + i])))
            return fail_fit(model, CXM_FIT_NOT_DEFINITE, &result, theta,
                            "the covariance of the estimates is not positive definite");
    double log_se = 0.0;
    size_t edge = boundary_parameter(kind, theta, info, &log_se);
    if (edge < p) {
        char detail[256];
        snprintf(detail, sizeof detail,
                 "the likelihood is flat towards a boundary (%s = %g, standard error of ln %s "
                 "%.3g); the data do not identify the model (a penalty may help)",
                 kind->param_names[edge], theta[edge], kind->param_names[edge], log_se);
        return fail_fit(model, CXM_FIT_DIVERGED, &result, theta, detail);
    }

    memset(model->params, 0, sizeof model->params);
    memcpy(model->params, theta, p * sizeof *theta);
    memcpy(model->covariance, info, p * p * sizeof *info);
    model->log_likelihood = acc[0];
    model->penalty = opt.penalty;
    model->effect_penalty[0] = opt.purchase_penalty;
    model->effect_penalty[1] = opt.dropout_penalty;
    model->state = CXM_MODEL_FITTED;
    model->report.reason = CXM_FIT_CONVERGED;
    model->report.iterations = result.iterations;
    model->report.evaluations = result.evaluations;
    model->report.gradient_norm = result.gradient_norm;
    model->report.log_likelihood = acc[0];
    set_fit_message(model,
                    "converged after %u iterations (%u passes over %zu rows), largest "
                    "gradient component %.2g, log-likelihood %.6f",
                    result.iterations, result.evaluations, ev->data->n, result.gradient_norm,
                    acc[0]);
    model->fitted = model->report;
    memcpy(model->fitted_message, model->message, sizeof model->message);
    return CXM_OK;
}

/* The kind's fixed parameter (BG/CNBD-k's k), or nparams when it has none. */
static size_t fixed_index(const cxm__kind *kind)
{
    size_t i = 0;
    while (i < kind->nparams && kind->scales[i] != CXM__SCALE_FIXED)
        i++;
    return i;
}

int cxm_model_set_regularity(cxm_model *model, unsigned k)
{
    int status = cxm__check_pointer(model, "model");
    if (status != CXM_OK)
        return status;
    if (fixed_index(model->kind) == model->kind->nparams)
        return cxm__fail(CXM_EUNSUPPORTED, "the %s model has no regularity k (BG/CNBD-k and "
                         "MBG/CNBD-k have)", model->kind->title);
    if (k > CXM_MAX_REGULARITY)
        return cxm__fail(CXM_EINVAL, "regularity k = %u must be 0 (chosen by likelihood) or "
                         "from 1 to %d", k, CXM_MAX_REGULARITY);
    model->regularity = k;
    return CXM_OK;
}

/* One fit on prepared data; fixed > 0 replaces the fixed parameter's value. */
static int fit_prepared(cxm_model *model, const cxm__data *data, unsigned threads,
                        const cxm_fit_options *opt, double fixed)
{
    const cxm__kind *kind = model->kind;
    double theta[CXM__MAX_PARAMS];
    int status = CXM_OK;
    if (opt->flags & CXM_FIT_WARM_START)
        memcpy(theta, model->params, kind->nparams * sizeof *theta);
    else
        kind->default_start(data, theta);
    if (fixed > 0.0)
        theta[fixed_index(kind)] = fixed;
    if (!(opt->flags & CXM_FIT_WARM_START))
        status = refine_start(kind, data, threads, opt->penalty, theta);
    cxm__evaluator ev;
    if (status == CXM_OK)
        status = cxm__evaluator_init(&ev, kind, data, threads);
    if (status == CXM_OK) {
        status = cxm__fit_run(model, &ev, opt, theta);
        cxm__evaluator_free(&ev);
    }
    return status;
}

/* The regularities a fit that chooses k tries, as BTYDplus's grid. */
#define REGULARITY_SEARCH 12

/* k chosen by likelihood (cxm_model_set_regularity()): a fit per k, stopping
 * once the likelihood has fallen twice in a row; the best fit is kept. A k
 * whose fit fails is passed over. */
static int fit_regularity(cxm_model *model, const cxm__data *data, unsigned threads,
                          const cxm_fit_options *opt)
{
    cxm_model before = *model, best;
    double ll[REGULARITY_SEARCH + 1];
    int have = 0, status = CXM_OK, tried = 0;
    for (int k = 1; k <= REGULARITY_SEARCH; k++) {
        cxm_model trial = before;
        trial.report = model->report; /* the last failure, if all fail */
        status = fit_prepared(&trial, data, threads, opt, (double)k);
        *model = trial;
        tried = k;
        if (status == CXM_ENOMEM)
            break;
        if (status != CXM_OK) {
            ll[k] = -INFINITY;
            continue;
        }
        ll[k] = trial.log_likelihood;
        if (!have || ll[k] > best.log_likelihood)
            best = trial;
        have = 1;
        if (k > 2 && ll[k] < ll[k - 1] && ll[k - 1] < ll[k - 2])
            break;
    }
    if (!have || status == CXM_ENOMEM)
        return status;
    cxm_error_clear();
    *model = best;
    size_t used = strlen(model->message);
    snprintf(model->message + used, sizeof model->message - used,
             "; k = %.0f chosen by likelihood among 1 to %d", model->params[fixed_index(model->kind)],
             tried);
    memcpy(model->fitted_message, model->message, sizeof model->message);
    return CXM_OK;
}

int cxm__fit(cxm_model *model, size_t n, const double *const *column, const double *weights,
             const cxm_fit_options *options)
{
    cxm_fit_options opt;
    cxm__prepared prep;
    const cxm__kind *kind = model->kind;
    int status = cxm__read_fit_options(&opt, options);
    if (status != CXM_OK)
        return status;
    if ((opt.flags & CXM_FIT_WARM_START) && model->state == CXM_MODEL_EMPTY)
        return cxm__fail(CXM_ESTATE, "CXM_FIT_WARM_START needs parameters to start from: set them first");

    status = cxm__prepare(&prep, kind, n, column, weights, !(opt.flags & CXM_FIT_NO_COMPRESS));
    if (status != CXM_OK)
        return status;
    unsigned threads = cxm__thread_count(opt.threads, prep.data.n, 32768);
    if (fixed_index(kind) == kind->nparams)
        status = fit_prepared(model, &prep.data, threads, &opt, 0.0);
    else if (model->regularity > 0)
        status = fit_prepared(model, &prep.data, threads, &opt, (double)model->regularity);
    else
        status = fit_regularity(model, &prep.data, threads, &opt);
    cxm__prepared_free(&prep);
    return status;
}

int cxm_model_fit_columns(cxm_model *model, size_t n, const double *columns,
                          const double *weights, const cxm_fit_options *options)
{
    const double *column[CXM__MAX_COLUMNS];
    int status = cxm__check_pointer(model, "model");
    if (status == CXM_OK && n > 0)
        status = cxm__check_pointer(columns, "columns");
    if (status != CXM_OK)
        return status;
    for (size_t c = 0; c < model->kind->ncolumns; c++)
        column[c] = columns ? columns + c * n : NULL;
    return cxm__fit(model, n, column, weights, options);
}

static int require_columns(const cxm_model *model, size_t wanted, const char *function)
{
    if (model->cov)
        return cxm__fail(CXM_EUNSUPPORTED,
                         "%s does not apply to the %s model: fit it with "
                         "cxm_model_fit_covariates()",
                         function, model->kind->title);
    if (model->kind->ncolumns != wanted || model->kind->loglik == NULL)
        return cxm__fail(CXM_EUNSUPPORTED, "%s does not apply to the %s model", function,
                         model->kind->title);
    return CXM_OK;
}

int cxm_model_fit(cxm_model *model, size_t n, const double *x, const double *t_x,
                  const double *T, const double *weights, const cxm_fit_options *options)
{
    int status = cxm__check_pointer(model, "model");
    if (status == CXM_OK)
        status = require_columns(model, 3, "cxm_model_fit (x, t_x, T)");
    if (status == CXM_OK && n > 0) {
        status = cxm__check_pointer(x, "x");
        if (status == CXM_OK)
            status = cxm__check_pointer(t_x, "t_x");
        if (status == CXM_OK)
            status = cxm__check_pointer(T, "T");
    }
    if (status != CXM_OK)
        return status;
    const double *column[CXM__MAX_COLUMNS] = { x, t_x, T, NULL };
    return cxm__fit(model, n, column, weights, options);
}

int cxm_model_fit_spend(cxm_model *model, size_t n, const double *x, const double *mean_spend,
                        const double *weights, const cxm_fit_options *options)
{
    int status = cxm__check_pointer(model, "model");
    if (status == CXM_OK && model->kind->kind != CXM_MODEL_GAMMA_GAMMA)
        status = cxm__fail(CXM_EUNSUPPORTED,
                           "cxm_model_fit_spend fits spend models (Gamma-Gamma), not %s",
                           model->kind->title);
    if (status == CXM_OK && n > 0) {
        status = cxm__check_pointer(x, "x");
        if (status == CXM_OK)
            status = cxm__check_pointer(mean_spend, "mean_spend");
    }
    if (status != CXM_OK)
        return status;
    const double *column[CXM__MAX_COLUMNS] = { x, mean_spend, NULL, NULL };
    return cxm__fit(model, n, column, weights, options);
}

int cxm_model_log_likelihood_of(double *out, const cxm_model *model, size_t n,
                                const double *columns, const double *weights)
{
    int status = require_params(model);
    if (status == CXM_OK)
        status = cxm__check_pointer(out, "out");
    if (status == CXM_OK && n > 0)
        status = cxm__check_pointer(columns, "columns");
    if (status != CXM_OK)
        return status;
    const cxm__kind *kind = model->kind;
    const double *column[CXM__MAX_COLUMNS];
    for (size_t c = 0; c < kind->ncolumns; c++)
        column[c] = columns ? columns + c * n : NULL;
    cxm__prepared prep;
    status = cxm__prepare(&prep, kind, n, column, weights, 1);
    if (status != CXM_OK)
        return status;
    cxm__evaluator ev;
    double acc[1 + CXM__MAX_PARAMS + CXM__MAX_PARAMS * CXM__MAX_PARAMS];
    status = cxm__evaluator_init(&ev, kind, &prep.data,
                                 cxm__thread_count(model->threads, prep.data.n, 65536));
    if (status == CXM_OK) {
        status = cxm__evaluate(&ev, model->params, 0, acc);
        cxm__evaluator_free(&ev);
    }
    cxm__prepared_free(&prep);
    if (status == CXM_OK && !isfinite(acc[0]))
        status = cxm__fail(CXM_EDOMAIN, "the %s log-likelihood of these rows cannot be evaluated "
                           "at these parameters (a row's likelihood is beyond the range of a "
                           "double)", kind->title);
    if (status == CXM_OK)
        *out = acc[0];
    return status;
}

int cxm_model_log_likelihood(double *out, const cxm_model *model)
{
    int status = require_fitted(model);
    if (status == CXM_OK)
        status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        *out = model->log_likelihood;
    return status;
}

/* A fit's likelihood as a criterion: not a customer's model, whose
 * likelihood belongs to the covariate fit with more parameters. */
static int require_criterion(const cxm_model *model)
{
    int status = require_fitted(model);
    if (status == CXM_OK && model->customer)
        status = cxm__fail(CXM_EINVAL,
                           "a customer's model (cxm_model_for_customer()) carries the likelihood "
                           "of the fit with covariates: compare that model instead");
    return status;
}

int cxm_model_rate_correlation(double *out, const cxm_model *model)
{
    int status = require_params(model);
    if (status == CXM_OK)
        status = cxm__check_pointer(out, "out");
    if (status == CXM_OK && model->kind->kind != CXM_MODEL_PARETO_NBD_COR)
        status = cxm__fail(CXM_EUNSUPPORTED, "the %s model has no rate correlation",
                           model->kind->title);
    return status == CXM_OK ? cxm__pnbd_cor_correlation(model->params, out) : status;
}

int cxm_model_aic(double *out, const cxm_model *model)
{
    int status = require_criterion(model);
    if (status == CXM_OK)
        status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        *out = 2.0 * (double)model->kind->nparams - 2.0 * model->log_likelihood;
    return status;
}

int cxm_model_bic(double *out, const cxm_model *model)
{
    int status = require_criterion(model);
    if (status == CXM_OK)
        status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        *out = (double)model->kind->nparams * log(model->fitted.observations) -
               2.0 * model->log_likelihood;
    return status;
}

/* Is every covariate of `inner` in the same set of `outer`? */
static int covariates_nested(const cxm_model *inner, const cxm_model *outer)
{
    size_t ip = inner->kind->nparams, op = outer->kind->nparams;
    size_t base = cxm__kind_of(inner->kind->kind)->nparams;
    for (size_t i = base; i < ip; i++) {
        const char *name = inner->kind->param_names[i];
        int found = 0;
        for (size_t j = base; j < op && !found; j++)
            found = strcmp(name, outer->kind->param_names[j]) == 0;
        /* A shared effect is the restriction "purchase.N = dropout.N". */
        if (!found && strncmp(name, "shared.", 7) == 0) {
            int purchase = 0, dropout = 0;
            for (size_t j = base; j < op; j++) {
                const char *other = outer->kind->param_names[j];
                purchase |= strncmp(other, "purchase.", 9) == 0 && strcmp(other + 9, name + 7) == 0;
                dropout |= strncmp(other, "dropout.", 8) == 0 && strcmp(other + 8, name + 7) == 0;
            }
            found = purchase && dropout;
        }
        if (!found)
            return cxm__fail(CXM_EINVAL,
                             "the models are not nested: %s of the restricted model is not a "
                             "parameter of the full one",
                             inner->kind->param_names[i]);
    }
    return CXM_OK;
}

static int penalised(const cxm_model *model)
{
    return model->penalty != 0.0 || model->effect_penalty[0] != 0.0 ||
           model->effect_penalty[1] != 0.0;
}

int cxm_model_likelihood_ratio(double *statistic, double *df, double *p_value,
                               const cxm_model *restricted, const cxm_model *full)
{
    int status = cxm__check_pointer(statistic, "statistic");
    if (status == CXM_OK)
        status = cxm__check_pointer(df, "df");
    if (status == CXM_OK)
        status = cxm__check_pointer(p_value, "p_value");
    if (status == CXM_OK)
        status = require_criterion(restricted);
    if (status == CXM_OK)
        status = require_criterion(full);
    if (status != CXM_OK)
        return status;
    size_t p0 = restricted->kind->nparams, p1 = full->kind->nparams;
    double n0 = restricted->fitted.observations, n1 = full->fitted.observations;
    if (penalised(restricted) || penalised(full))
        return cxm__fail(CXM_EINVAL,
                         "a penalised fit's objective is not its likelihood: compare fits "
                         "without a penalty");
    /* The Pareto/NBD is its correlated extension at omega = 0. */
    int same = restricted->kind->kind == full->kind->kind ||
               (restricted->kind->kind == CXM_MODEL_PARETO_NBD &&
                full->kind->kind == CXM_MODEL_PARETO_NBD_COR && restricted->cov == NULL);
    if (!same || p0 >= p1)
        return cxm__fail(CXM_EINVAL,
                         "the models are not nested: a %s model with %zu parameters within a %s "
                         "model with %zu",
                         restricted->kind->title, p0, full->kind->title, p1);
    status = covariates_nested(restricted, full);
    if (status == CXM_OK && !(fabs(n0 - n1) <= 1e-9 * fmax(n0, n1)))
        status = cxm__fail(CXM_EINVAL,
                           "the fits saw %.17g and %.17g customers: a likelihood ratio compares "
                           "fits of the same data",
                           n0, n1);
    if (status != CXM_OK)
        return status;
    double stat = 2.0 * (full->log_likelihood - restricted->log_likelihood);
    /* The full model contains the restricted one: below 0 only by rounding,
     * unless its fit stopped short of its maximum. */
    if (stat < -1e-6 * fmax(1.0, fabs(restricted->log_likelihood)))
        return cxm__fail(CXM_EINVAL,
                         "the full model's log-likelihood %.6f is below the restricted one's "
                         "%.6f: its fit did not reach the maximum, or the data differ",
                         full->log_likelihood, restricted->log_likelihood);
    stat = stat > 0.0 ? stat : 0.0;
    double lower, upper;
    cxm__gamma_pq(0.5 * (double)(p1 - p0), 0.5 * stat, &lower, &upper);
    *statistic = stat;
    *df = (double)(p1 - p0);
    *p_value = upper;
    return CXM_OK;
}

int cxm_model_standard_errors(double *dst, size_t n, const cxm_model *model)
{
    int status = require_fitted(model);
    if (status == CXM_OK)
        status = cxm__check_pointer(dst, "dst");
    if (status == CXM_OK)
        status = check_length(n, model->kind->nparams, "dst");
    if (status == CXM_OK)
        for (size_t i = 0; i < n; i++)
            dst[i] = sqrt(model->covariance[i * n + i]);
    return status;
}

int cxm_model_covariance(double *dst, size_t n, const cxm_model *model)
{
    int status = require_fitted(model);
    if (status == CXM_OK)
        status = cxm__check_pointer(dst, "dst");
    if (status == CXM_OK)
        status = check_length(n, model->kind->nparams * model->kind->nparams, "dst");
    if (status == CXM_OK)
        memcpy(dst, model->covariance, n * sizeof *dst);
    return status;
}

int cxm_model_fit_report(cxm_fit_report *out, const cxm_model *model)
{
    int status = cxm__check_pointer(model, "model");
    if (status == CXM_OK)
        status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = cxm__options_write(out, &model->report, fit_report_sizes,
                                    CXM_FIT_REPORT_VERSION, "cxm_fit_report");
    return status;
}

const char *cxm_model_fit_message(const cxm_model *model)
{
    return model ? model->message : "";
}

/* ------------------------------------------------------------------ prediction plumbing */

unsigned cxm__model_threads(const cxm_model *model, size_t n)
{
    return cxm__thread_count(model->threads, n, 65536);
}

int cxm__require_hook(const cxm_model *model, const void *hook, const char *what)
{
    int status = require_params(model);
    if (status == CXM_OK && hook == NULL && model->cov)
        status = cxm__fail(CXM_EUNSUPPORTED,
                           "the %s model predicts %s per customer, with each customer's "
                           "covariates: cxm_model_for_customer() gives a customer's model",
                           model->kind->title, what);
    else if (status == CXM_OK && hook == NULL)
        status = cxm__fail(CXM_EUNSUPPORTED, "the %s model does not predict %s",
                           model->kind->title, what);
    return status;
}

int cxm__check_arrays(size_t n, int count, ...)
{
    va_list ap;
    int status = CXM_OK;
    if (n == 0)
        return CXM_OK;
    va_start(ap, count);
    for (int i = 0; i < count && status == CXM_OK; i++) {
        const void *ptr = va_arg(ap, const void *);
        const char *name = va_arg(ap, const char *);
        status = cxm__check_pointer(ptr, name);
    }
    va_end(ap);
    return status;
}

typedef struct purchase_rows {
    const double *x, *t_x, *T;
} purchase_rows;

static int check_purchase_block(void *context, size_t block, size_t begin, size_t end)
{
    const purchase_rows *rows = context;
    (void)block;
    for (size_t i = begin; i < end; i++) {
        /* The common case in one test (NaN fails every comparison); the
         * detailed check finds the message. */
        double xi = rows->x[i], ti = rows->t_x[i], Ti = rows->T[i];
        if (xi >= 0.0 && xi <= 9007199254740992.0 && (double)(long long)xi == xi && ti >= 0.0 &&
            ti <= Ti && Ti <= DBL_MAX)
            continue;
        /* x = 0 with 0 <= t_x <= T is valid here (read as t_x = 0); what is
         * wrong elsewhere is named as the fits name it. */
        int status = cxm__check_purchase_row(xi, xi == 0.0 && ti >= 0.0 && ti <= Ti ? 0.0 : ti,
                                             Ti, i);
        if (status != CXM_OK)
            return status;
    }
    return CXM_OK;
}

int cxm__check_purchase_rows(const cxm_model *model, size_t n, const double *x,
                             const double *t_x, const double *T)
{
    /* Predictions accept x = 0 with t_x > 0 (cxm__no_repeat_t_x() reads it
     * as 0); fits do not (cxm__check_purchase_row()).
     * Checked in blocks on the model's threads, before anything is written:
     * on 10^7 customers one thread alone made the check a tenth of a
     * prediction. The lowest failing block reports, so the message names
     * the first bad row whatever the threads. */
    purchase_rows rows = { x, t_x, T };
    unsigned threads = cxm__model_threads(model, n);
    int status = cxm__parallel_blocks(n, CXM__BLOCK_ROWS, threads, check_purchase_block, &rows);
    if (status == CXM_ENOMEM && threads > 1)
        status = cxm__parallel_blocks(n, CXM__BLOCK_ROWS, 1, check_purchase_block, &rows);
    return status;
}

int cxm__check_times(size_t n, const double *t, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(t[i]) || t[i] < 0.0)
            return cxm__fail_at(CXM_EINVAL, i, "%s %g must be a finite number >= 0", name, t[i]);
    }
    return CXM_OK;
}

int cxm__check_results(const double *dst, size_t begin, size_t end, const char *what)
{
    for (size_t i = begin; i < end; i++)
        if (!isfinite(dst[i]))
            return cxm__fail_at(CXM_EDOMAIN, i,
                                "%s is beyond the range of a double at these "
                                "arguments",
                                what);
    return CXM_OK;
}

int cxm__check_count(double value, const char *name, size_t i)
{
    if (!isfinite(value) || value < 0.0 || value != floor(value) || value > 9007199254740992.0)
        return cxm__fail_at(CXM_EINVAL, i, "%s %g must be a whole number >= 0", name, value);
    return CXM_OK;
}

int cxm__check_purchase_row(double x, double t_x, double T, size_t i)
{
    int status = cxm__check_count(x, "x", i);
    if (status != CXM_OK)
        return status;
    if (!isfinite(T) || T < 0.0)
        return cxm__fail_at(CXM_EINVAL, i, "T %g must be a finite number >= 0", T);
    if (!isfinite(t_x) || t_x < 0.0)
        return cxm__fail_at(CXM_EINVAL, i, "t_x %g must be a finite number >= 0", t_x);
    if (t_x > T)
        return cxm__fail_at(CXM_EINVAL, i, "t_x %g is greater than T %g", t_x, T);
    if (x == 0.0 && t_x != 0.0)
        return cxm__fail_at(CXM_EINVAL, i,
                            "t_x is %g but x is 0 (no repeat purchase, so t_x must be "
                            "0 in data to fit; predictions read it as 0)",
                            t_x);
    return CXM_OK;
}

int cxm__no_repeat_t_x(const double **t_x, double **owned, size_t n, const double *x)
{
    *owned = NULL;
    size_t first = 0;
    while (first < n && !(x[first] == 0.0 && (*t_x)[first] != 0.0))
        first++;
    if (first == n)
        return CXM_OK; /* the common case: no copy */
    double *copy = cxm__malloc(n * sizeof *copy);
    if (copy == NULL)
        return CXM_ENOMEM;
    for (size_t i = 0; i < n; i++)
        copy[i] = x[i] == 0.0 ? 0.0 : (*t_x)[i];
    *owned = copy;
    *t_x = copy;
    return CXM_OK;
}

/* Threaded dispatch of a row-wise hook. */
typedef struct rows_job {
    const cxm_model *model;
    cxm__rows_fn fn;
    void *context;
} rows_job;

static int rows_block(void *context, size_t block, size_t begin, size_t end)
{
    rows_job *job = context;
    (void)block;
    return job->fn(job->model, job->context, begin, end);
}

int cxm__run_rows(const cxm_model *model, size_t n, cxm__rows_fn fn, void *context)
{
    rows_job job = { model, fn, context };
    unsigned threads = cxm__model_threads(model, n);
    int status = cxm__parallel_blocks(n, CXM__BLOCK_ROWS, threads, rows_block, &job);
    if (status == CXM_ENOMEM && threads > 1)
        status = cxm__parallel_blocks(n, CXM__BLOCK_ROWS, 1, rows_block, &job);
    return status;
}
