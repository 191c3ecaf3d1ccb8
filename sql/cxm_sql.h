/* What the SQL extensions (PostgreSQL: sql/cxm_pg.c, SQLite: sql/cxm_sqlite.c)
 * share: growing columns for the aggregates, and each SQL function's call
 * into libcxm, free of any database header. Every function returns a libcxm
 * status; on failure cxm_error_message() says why and nothing is leaked. */
#ifndef CXM_SQL_H
#define CXM_SQL_H

#include <stddef.h>

#include <cxm.h>

/* Columns of doubles that grow row by row: an aggregate's state. The
 * allocation functions are the database's (palloc, sqlite3_realloc64). */
typedef struct cxm_sql_columns {
    size_t ncols, n, cap;
    double *col[5];
} cxm_sql_columns;

/* Why the last call failed: the extension's own check or libcxm's message. */
const char *cxm_sql_message(void);

typedef void *(*cxm_sql_realloc_fn)(void *ptr, size_t size);

/* Append one row (ncols values); CXM_ENOMEM when realloc fails. */
int cxm_sql_columns_add(cxm_sql_columns *c, const double *row, cxm_sql_realloc_fn realloc_fn);
/* Append every row of src (same ncols) to dst. */
int cxm_sql_columns_append(cxm_sql_columns *dst, const cxm_sql_columns *src,
                           cxm_sql_realloc_fn realloc_fn);

/* Fit a model of kind `kind` ("bgnbd", "mbgnbd", "pnbd", "gg"...) on the
 * columns (x, t_x, T; Gamma-Gamma: x, mean spend) and write its JSON, which
 * the caller frees with cxm_free(). */
int cxm_sql_fit(char **json, const char *kind, const cxm_sql_columns *c);

/* One customer's summary from its purchases (times in days since 1970):
 * out = frequency, recency, T, monetary value (0 without amounts), and
 * *present = 0 when no purchase falls in the observation (all after its end:
 * a customer not acquired yet). The unit is a name for
 * cxm_rfm_options_set_unit(); observation_end (its unit included) may be NaN
 * (the last purchase). */
int cxm_sql_rfm(double out[4], int *present, size_t n, const double *time,
                const double *amount, const char *unit, double observation_end);

/* A model parsed once and reused while the same key comes back: the JSON
 * text itself (SQLite) or its binary form (PostgreSQL's jsonb). */
typedef struct cxm_sql_model_cache {
    void *key;
    size_t size;
    cxm_model *model;
} cxm_sql_model_cache;

/* The cached model when its key is these bytes, else NULL. */
cxm_model *cxm_sql_model_cached(const cxm_sql_model_cache *cache, const void *key, size_t size);
/* Parse json (NUL-terminated) and cache it under key. */
int cxm_sql_model_parse(cxm_model **model, cxm_sql_model_cache *cache, const void *key,
                        size_t size, const char *json);
void cxm_sql_model_cache_free(cxm_sql_model_cache *cache);

/* The scores of one customer. */
int cxm_sql_p_alive(double *out, const cxm_model *model, double x, double t_x, double T);
int cxm_sql_expected_purchases(double *out, const cxm_model *model, double horizon, double x,
                               double t_x, double T);
/* Lifetime value over `months` months at a monthly discount rate, money per
 * transaction from the spend model (Gamma-Gamma), as Python's
 * customer_lifetime_value(); unit_days is the length of the purchase model's
 * time unit in days (1: days, 7: weeks). */
int cxm_sql_clv(double *out, const cxm_model *model, const cxm_model *spend, double x,
                double t_x, double T, double monetary_value, double months, double discount,
                double unit_days);

#endif
