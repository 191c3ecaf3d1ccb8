/* The SQL extensions' calls into libcxm (see cxm_sql.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cxm_sql.h"

#include <stdarg.h>
#include <stdio.h>

/* The extensions' own failures (their arguments), taken by cxm_sql_message(). */
static _Thread_local char own_message[256];

static int cxm_sql_fail(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int cxm_sql_fail(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(own_message, sizeof own_message, fmt, ap);
    va_end(ap);
    return status;
}

const char *cxm_sql_message(void)
{
    static _Thread_local char taken[sizeof own_message];
    if (own_message[0] == '\0') {
        /* One customer per call: "element 0" would only puzzle. */
        const char *message = cxm_error_message();
        return strncmp(message, "element 0: ", 11) == 0 ? message + 11 : message;
    }
    memcpy(taken, own_message, sizeof taken);
    own_message[0] = '\0';
    return taken;
}

static int grow(cxm_sql_columns *c, size_t need, cxm_sql_realloc_fn realloc_fn)
{
    if (need <= c->cap)
        return CXM_OK;
    size_t cap = c->cap ? c->cap : 1024;
    while (cap < need)
        cap *= 2;
    for (size_t j = 0; j < c->ncols; j++) {
        double *p = realloc_fn(c->col[j], cap * sizeof *p);
        if (p == NULL)
            return CXM_ENOMEM;
        c->col[j] = p;
    }
    c->cap = cap;
    return CXM_OK;
}

int cxm_sql_columns_add(cxm_sql_columns *c, const double *row, cxm_sql_realloc_fn realloc_fn)
{
    int status = grow(c, c->n + 1, realloc_fn);
    if (status != CXM_OK)
        return status;
    for (size_t j = 0; j < c->ncols; j++)
        c->col[j][c->n] = row[j];
    c->n++;
    return CXM_OK;
}

int cxm_sql_columns_append(cxm_sql_columns *dst, const cxm_sql_columns *src,
                           cxm_sql_realloc_fn realloc_fn)
{
    int status = grow(dst, dst->n + src->n, realloc_fn);
    if (status != CXM_OK)
        return status;
    for (size_t j = 0; j < dst->ncols && src->n; j++)
        memcpy(dst->col[j] + dst->n, src->col[j], src->n * sizeof(double));
    dst->n += src->n;
    return CXM_OK;
}

int cxm_sql_fit(char **json, const char *kind, const cxm_sql_columns *c)
{
    cxm_model *model = NULL;
    int status = cxm_model_create_named(&model, kind);
    if (status == CXM_OK) {
        if (cxm_model_get_kind(model) == CXM_MODEL_GAMMA_GAMMA)
            status = cxm_model_fit_spend(model, c->n, c->col[0], c->col[1], NULL, NULL);
        else
            status = cxm_model_fit(model, c->n, c->col[0], c->col[1], c->col[2], NULL, NULL);
    }
    if (status == CXM_OK)
        status = cxm_model_to_json(json, model);
    cxm_model_free(model);
    return status;
}

int cxm_sql_rfm(double out[4], int *present, size_t n, const double *time,
                const double *amount, const char *unit, double observation_end)
{
    *present = 0;
    cxm_rfm_options options;
    cxm_rfm_options_init(&options);
    options.observation_end = observation_end;
    int status = cxm_rfm_options_set_unit(&options, unit);
    if (status != CXM_OK)
        return status;
    int64_t *codes = calloc(n ? n : 1, sizeof *codes); /* one customer: code 0 */
    if (codes == NULL)
        return CXM_ENOMEM;
    cxm_rfm *rfm = NULL;
    status = cxm_rfm_from_codes(&rfm, n, codes, time, amount, &options);
    free(codes);
    if (status == CXM_OK && cxm_rfm_size(rfm) == 0) {
        cxm_rfm_free(rfm);
        return CXM_OK;
    }
    *present = status == CXM_OK;
    static const cxm_rfm_field fields[3] = { CXM_RFM_FREQUENCY, CXM_RFM_RECENCY, CXM_RFM_T };
    for (int j = 0; j < 3 && status == CXM_OK; j++)
        status = cxm_rfm_column(out + j, 1, rfm, fields[j]);
    out[3] = 0.0;
    if (status == CXM_OK && amount)
        status = cxm_rfm_column(out + 3, 1, rfm, CXM_RFM_MONETARY_VALUE);
    cxm_rfm_free(rfm);
    return status;
}

cxm_model *cxm_sql_model_cached(const cxm_sql_model_cache *cache, const void *key, size_t size)
{
    if (cache->model && cache->size == size && memcmp(cache->key, key, size) == 0)
        return cache->model;
    return NULL;
}

int cxm_sql_model_parse(cxm_model **model, cxm_sql_model_cache *cache, const void *key,
                        size_t size, const char *json)
{
    cxm_sql_model_cache_free(cache);
    void *copy = malloc(size ? size : 1);
    if (copy == NULL)
        return CXM_ENOMEM;
    memcpy(copy, key, size);
    cxm_model *parsed = NULL;
    int status = cxm_model_from_json(&parsed, json);
    if (status != CXM_OK) {
        free(copy);
        return status;
    }
    /* Scores run one customer at a time in the database's own thread. */
    cxm_model_set_threads(parsed, 1);
    cache->key = copy;
    cache->size = size;
    cache->model = parsed;
    *model = parsed;
    return CXM_OK;
}

void cxm_sql_model_cache_free(cxm_sql_model_cache *cache)
{
    cxm_model_free(cache->model);
    free(cache->key);
    cache->model = NULL;
    cache->key = NULL;
    cache->size = 0;
}

int cxm_sql_p_alive(double *out, const cxm_model *model, double x, double t_x, double T)
{
    return cxm_model_p_alive(out, 1, model, &x, &t_x, &T);
}

int cxm_sql_expected_purchases(double *out, const cxm_model *model, double horizon, double x,
                               double t_x, double T)
{
    return cxm_model_conditional_purchases_horizon(out, 1, model, horizon, &x, &t_x, &T);
}

int cxm_sql_clv(double *out, const cxm_model *model, const cxm_model *spend, double x,
                double t_x, double T, double monetary_value, double months, double discount,
                double unit_days)
{
    if (!(months >= 0 && months <= 1e6 && months == floor(months)))
        return cxm_sql_fail(CXM_EINVAL, "months %g must be a whole number from 0 to 1000000",
                            months);
    if (!(unit_days > 0 && isfinite(unit_days)))
        return cxm_sql_fail(CXM_EINVAL, "unit_days %g must be a number of days > 0", unit_days);
    double value;
    int status = cxm_model_expected_spend(&value, 1, spend, &x, &monetary_value);
    if (status != CXM_OK)
        return status;
    cxm_value_options options;
    cxm_value_options_init(&options);
    options.period = CXM_DAYS_PER_MONTH / unit_days;
    options.periods = (unsigned)months;
    options.discount = discount;
    return cxm_model_lifetime_value(out, 1, model, &x, &t_x, &T, &value, &options);
}
