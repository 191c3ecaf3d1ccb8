/* libcxm as a SQLite loadable extension (docs/sql.md): `.load libcxm_sqlite`
 * adds the transaction summary and model fits as aggregates returning JSON
 * text, and scores as deterministic functions that parse a model once while
 * the same JSON comes back. Times are SQLite's: ISO 8601 text, a Julian day
 * number (REAL) or Unix seconds (INTEGER). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1

#include "cxm_sql.h"

static void *sqlite_realloc(void *ptr, size_t size)
{
    return sqlite3_realloc64(ptr, size);
}

static void fail(sqlite3_context *ctx, int status, const char *function)
{
    char *msg = sqlite3_mprintf("%s: %s", function, cxm_sql_message());
    sqlite3_result_error(ctx, msg ? msg : function, -1);
    if (status == CXM_ENOMEM)
        sqlite3_result_error_nomem(ctx);
    sqlite3_free(msg);
}

/* A number argument, or an error naming it (NULL, text that is no number). */
static int number(double *out, sqlite3_context *ctx, sqlite3_value *v, const char *function,
                  const char *name)
{
    int type = sqlite3_value_numeric_type(v);
    if (type == SQLITE_INTEGER || type == SQLITE_FLOAT) {
        *out = sqlite3_value_double(v);
        return 1;
    }
    char *msg = sqlite3_mprintf("%s: %s is %s, not a number", function, name,
                                type == SQLITE_NULL ? "NULL" : "not a number");
    sqlite3_result_error(ctx, msg ? msg : function, -1);
    sqlite3_free(msg);
    return 0;
}

/* A time in days since 1970. */
static int time_value(double *out, sqlite3_context *ctx, sqlite3_value *v, const char *what)
{
    switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER: *out = (double)sqlite3_value_int64(v) / 86400.0; return 1;
    case SQLITE_FLOAT: *out = sqlite3_value_double(v) - 2440587.5; return 1;
    case SQLITE_TEXT:
        if (cxm_time_parse(out, (const char *)sqlite3_value_text(v), NULL) == CXM_OK)
            return 1;
        break;
    default: break;
    }
    char *msg = sqlite3_mprintf("cxm_rfm: %s '%s' is not a time (ISO 8601 text, a Julian day "
                                "or Unix seconds)", what,
                                sqlite3_value_type(v) == SQLITE_NULL ? "NULL"
                                : (const char *)sqlite3_value_text(v));
    sqlite3_result_error(ctx, msg ? msg : "cxm_rfm: bad time", -1);
    sqlite3_free(msg);
    return 0;
}

/* ------------------------------------------------------------------ fits */

typedef struct fit_state {
    cxm_sql_columns rows;
    int failed;
} fit_state;

static void fit_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    static const char *const names3[] = { "frequency", "recency", "t" };
    static const char *const names2[] = { "frequency", "monetary_value" };
    fit_state *s = sqlite3_aggregate_context(ctx, sizeof *s);
    const char *const *fit = sqlite3_user_data(ctx); /* SQL name, model kind */
    if (s == NULL) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    if (s->failed)
        return;
    s->rows.ncols = (size_t)argc;
    double row[3];
    for (int j = 0; j < argc; j++)
        if (!number(&row[j], ctx, argv[j], fit[0], argc == 3 ? names3[j] : names2[j])) {
            s->failed = 1;
            return;
        }
    if (cxm_sql_columns_add(&s->rows, row, sqlite_realloc) != CXM_OK) {
        s->failed = 1;
        sqlite3_result_error_nomem(ctx);
    }
}

static void free_columns(cxm_sql_columns *c)
{
    for (size_t j = 0; j < c->ncols; j++)
        sqlite3_free(c->col[j]);
}

static void fit_final(sqlite3_context *ctx)
{
    fit_state *s = sqlite3_aggregate_context(ctx, 0);
    const char *const *fit = sqlite3_user_data(ctx);
    if (s == NULL) {
        char *msg = sqlite3_mprintf("%s: no rows to fit", fit[0]);
        sqlite3_result_error(ctx, msg ? msg : fit[0], -1);
        sqlite3_free(msg);
        return;
    }
    if (!s->failed) {
        char *json = NULL;
        int status = cxm_sql_fit(&json, fit[1], &s->rows);
        if (status == CXM_OK)
            sqlite3_result_text(ctx, json, -1, SQLITE_TRANSIENT);
        else
            fail(ctx, status, fit[0]);
        cxm_free(json);
    }
    free_columns(&s->rows);
}

/* ------------------------------------------------------------------ the summary */

typedef struct rfm_state {
    cxm_sql_columns rows; /* time, amount */
    char unit[32];
    double end;
    int failed, amounts;
} rfm_state;

static int rfm_options(rfm_state *s, sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const unsigned char *unit = sqlite3_value_text(argv[3]);
    snprintf(s->unit, sizeof s->unit, "%s", unit ? (const char *)unit : "day");
    return time_value(&s->end, ctx, argv[4], "the observation end");
}

static void rfm_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    rfm_state *s = sqlite3_aggregate_context(ctx, sizeof *s);
    if (s == NULL) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    if (s->failed)
        return;
    if (s->rows.ncols == 0) {
        s->rows.ncols = 2;
        s->amounts = sqlite3_value_type(argv[2]) != SQLITE_NULL;
        if (!rfm_options(s, ctx, argc, argv)) {
            s->failed = 1;
            return;
        }
    }
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_error(ctx, "cxm_rfm: the customer is NULL", -1);
        s->failed = 1;
        return;
    }
    double row[2] = { 0.0, 0.0 };
    if (!time_value(&row[0], ctx, argv[1], "the purchase time") ||
        (s->amounts && !number(&row[1], ctx, argv[2], "cxm_rfm", "amount"))) {
        s->failed = 1;
        return;
    }
    if (cxm_sql_columns_add(&s->rows, row, sqlite_realloc) != CXM_OK) {
        s->failed = 1;
        sqlite3_result_error_nomem(ctx);
    }
}

static void rfm_final(sqlite3_context *ctx)
{
    rfm_state *s = sqlite3_aggregate_context(ctx, 0);
    if (s == NULL || s->failed) {
        if (s)
            free_columns(&s->rows);
        return; /* no rows: NULL; a failed step has set the error */
    }
    double out[4];
    int present;
    int status = cxm_sql_rfm(out, &present, s->rows.n, s->rows.col[0],
                             s->amounts ? s->rows.col[1] : NULL, s->unit, s->end);
    free_columns(&s->rows);
    if (status != CXM_OK) {
        fail(ctx, status, "cxm_rfm");
        return;
    }
    if (!present)
        return; /* nothing up to the observation end: NULL */
    char *json = s->amounts
                     ? sqlite3_mprintf("{\"frequency\":%.17g,\"recency\":%.17g,\"T\":%.17g,"
                                       "\"monetary_value\":%.17g}", out[0], out[1], out[2], out[3])
                     : sqlite3_mprintf("{\"frequency\":%.17g,\"recency\":%.17g,\"T\":%.17g}",
                                       out[0], out[1], out[2]);
    if (json == NULL) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    sqlite3_result_text(ctx, json, -1, sqlite3_free);
}

/* ------------------------------------------------------------------ scores */

/* One cache per function per connection: the purchase and the spend model. */
typedef struct score_function {
    const char *name;
    cxm_sql_model_cache cache[2];
} score_function;

static cxm_model *model_arg(sqlite3_context *ctx, sqlite3_value *v, int slot)
{
    score_function *f = sqlite3_user_data(ctx);
    const char *json = (const char *)sqlite3_value_text(v);
    if (json == NULL) {
        char *msg = sqlite3_mprintf("%s: the model is NULL", f->name);
        sqlite3_result_error(ctx, msg ? msg : f->name, -1);
        sqlite3_free(msg);
        return NULL;
    }
    size_t size = (size_t)sqlite3_value_bytes(v);
    cxm_model *model = cxm_sql_model_cached(&f->cache[slot], json, size);
    if (model == NULL) {
        int status = cxm_sql_model_parse(&model, &f->cache[slot], json, size, json);
        if (status != CXM_OK) {
            fail(ctx, status, f->name);
            return NULL;
        }
    }
    return model;
}

static int numbers(double *out, sqlite3_context *ctx, sqlite3_value **argv, int n,
                   const char *const *names)
{
    score_function *f = sqlite3_user_data(ctx);
    for (int j = 0; j < n; j++)
        if (!number(&out[j], ctx, argv[j], f->name, names[j]))
            return 0;
    return 1;
}

static void result(sqlite3_context *ctx, int status, double value)
{
    if (status == CXM_OK)
        sqlite3_result_double(ctx, value);
    else
        fail(ctx, status, ((score_function *)sqlite3_user_data(ctx))->name);
}

static void p_alive(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    static const char *const names[] = { "frequency", "recency", "t" };
    (void)argc;
    double v[3], out = 0.0;
    cxm_model *model = model_arg(ctx, argv[0], 0);
    if (model && numbers(v, ctx, argv + 1, 3, names)) {
        int status = cxm_sql_p_alive(&out, model, v[0], v[1], v[2]);
        result(ctx, status, out);
    }
}

static void expected_purchases(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    static const char *const names[] = { "horizon", "frequency", "recency", "t" };
    (void)argc;
    double v[4], out = 0.0;
    cxm_model *model = model_arg(ctx, argv[0], 0);
    if (model && numbers(v, ctx, argv + 1, 4, names)) {
        int status = cxm_sql_expected_purchases(&out, model, v[0], v[1], v[2], v[3]);
        result(ctx, status, out);
    }
}

/* cxm_clv(model, spend_model, frequency, recency, t, monetary_value
 *         [, months = 12 [, discount = 0.01 [, unit_days = 1]]]) */
static void clv(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    static const char *const names[] = { "frequency", "recency", "t", "monetary_value",
                                         "months", "discount", "unit_days" };
    double v[7] = { 0, 0, 0, 0, 12, 0.01, 1 }, out = 0.0;
    cxm_model *model = model_arg(ctx, argv[0], 0);
    cxm_model *spend = model ? model_arg(ctx, argv[1], 1) : NULL;
    if (spend && numbers(v, ctx, argv + 2, argc - 2, names)) {
        int status = cxm_sql_clv(&out, model, spend, v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
        result(ctx, status, out);
    }
}

static void free_score_function(void *p)
{
    score_function *f = p;
    cxm_sql_model_cache_free(&f->cache[0]);
    cxm_sql_model_cache_free(&f->cache[1]);
    sqlite3_free(f);
}

static int add_score(sqlite3 *db, const char *name, int argc,
                     void (*fn)(sqlite3_context *, int, sqlite3_value **))
{
    score_function *f = sqlite3_malloc(sizeof *f);
    if (f == NULL)
        return SQLITE_NOMEM;
    memset(f, 0, sizeof *f);
    f->name = name;
    return sqlite3_create_function_v2(db, name, argc, SQLITE_UTF8 | SQLITE_DETERMINISTIC, f, fn,
                                      NULL, NULL, free_score_function);
}

/* The entry point SQLite derives from the file name libcxm_sqlite. */
int sqlite3_cxmsqlite_init(sqlite3 *db, char **error, const sqlite3_api_routines *api);
#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_cxmsqlite_init(sqlite3 *db, char **error, const sqlite3_api_routines *api)
{
    SQLITE_EXTENSION_INIT2(api);
    (void)error;
    static const char *const fits[][2] = { { "cxm_bgnbd_fit", "bgnbd" },
                                           { "cxm_mbgnbd_fit", "mbgnbd" },
                                           { "cxm_pnbd_fit", "pnbd" },
                                           { "cxm_gg_fit", "gg" } };
    int rc = SQLITE_OK;
    for (size_t i = 0; i < 4 && rc == SQLITE_OK; i++)
        rc = sqlite3_create_function(db, fits[i][0], i < 3 ? 3 : 2, SQLITE_UTF8,
                                     (void *)fits[i], NULL, fit_step, fit_final);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function(db, "cxm_rfm", 5, SQLITE_UTF8, NULL, NULL, rfm_step,
                                     rfm_final);
    if (rc == SQLITE_OK)
        rc = add_score(db, "cxm_p_alive", 4, p_alive);
    if (rc == SQLITE_OK)
        rc = add_score(db, "cxm_expected_purchases", 5, expected_purchases);
    for (int argc = 6; argc <= 9 && rc == SQLITE_OK; argc++)
        rc = add_score(db, "cxm_clv", argc, clv);
    return rc;
}
