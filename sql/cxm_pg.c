/* libcxm inside PostgreSQL (docs/sql.md): the transaction summary as an
 * aggregate, model fits as parallel aggregates returning the model's JSON,
 * and scores as immutable functions that parse a model once per query.
 *
 * libcxm reports failures by status, never by longjmp, so every libcxm
 * object is freed before ereport() leaves the function. libcxm allocates
 * with malloc, not palloc: its fits run worker threads, and palloc is not
 * thread-safe (hence no cxm_set_allocator() here); what it allocates is
 * freed on every path, and a parsed model lives until its query's memory
 * context is reset (a reset callback frees it). */
#include "postgres.h"

#include <math.h>
#include <signal.h>
#include <pthread.h>

#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/date.h"

#include "cxm_sql.h"

PG_MODULE_MAGIC;

/* ------------------------------------------------------------------ errors */

static int sqlstate_of(int status)
{
    switch (status) {
    case CXM_ENOMEM: return ERRCODE_OUT_OF_MEMORY;
    case CXM_ECONVERGE: return ERRCODE_DATA_EXCEPTION;
    case CXM_EUNSUPPORTED: return ERRCODE_FEATURE_NOT_SUPPORTED;
    case CXM_ESTATE: return ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE;
    case CXM_EDOMAIN: return ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE;
    default: return ERRCODE_INVALID_PARAMETER_VALUE; /* 22023 */
    }
}

static void check(int status, const char *function)
{
    if (status != CXM_OK)
        ereport(ERROR, (errcode(sqlstate_of(status)),
                        errmsg("%s: %s", function, cxm_sql_message())));
}

static double arg_double(FunctionCallInfo fcinfo, int i, const char *function, const char *name)
{
    if (PG_ARGISNULL(i))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                        errmsg("%s: %s is NULL", function, name)));
    return PG_GETARG_FLOAT8(i);
}

/* ------------------------------------------------------------------ aggregate state */

static void *palloc_realloc(void *ptr, size_t size)
{
    /* Huge allocations: a fit may see more than 1 GB of rows. */
    return ptr ? repalloc_huge(ptr, size)
               : MemoryContextAllocHuge(CurrentMemoryContext, size);
}

static cxm_sql_columns *state_of(FunctionCallInfo fcinfo, size_t ncols, const char *function)
{
    MemoryContext aggregate;
    if (!AggCheckCallContext(fcinfo, &aggregate))
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("%s must be called as an aggregate", function)));
    if (!PG_ARGISNULL(0))
        return (cxm_sql_columns *)PG_GETARG_POINTER(0);
    cxm_sql_columns *c = MemoryContextAllocZero(aggregate, sizeof *c);
    c->ncols = ncols;
    return c;
}

static void add_row(FunctionCallInfo fcinfo, cxm_sql_columns *c, const double *row,
                    const char *function)
{
    MemoryContext aggregate, old;
    AggCheckCallContext(fcinfo, &aggregate);
    old = MemoryContextSwitchTo(aggregate);
    int status = cxm_sql_columns_add(c, row, palloc_realloc);
    MemoryContextSwitchTo(old);
    check(status, function);
}

/* Rows of (frequency, recency, T) or (frequency, monetary_value); a NULL
 * names the argument and the row of the aggregate's input. */
static Datum fit_add(FunctionCallInfo fcinfo, size_t ncols, const char *function,
                     const char *const *names)
{
    cxm_sql_columns *c = state_of(fcinfo, ncols, function);
    double row[3];
    for (size_t j = 0; j < ncols; j++) {
        if (PG_ARGISNULL(1 + (int)j))
            ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                            errmsg("%s: %s is NULL in row %zu of the aggregate's input",
                                   function, names[j], c->n + 1)));
        row[j] = PG_GETARG_FLOAT8(1 + (int)j);
    }
    add_row(fcinfo, c, row, function);
    PG_RETURN_POINTER(c);
}

PG_FUNCTION_INFO_V1(cxm_fit_add3);
Datum cxm_fit_add3(PG_FUNCTION_ARGS)
{
    static const char *const names[] = { "frequency", "recency", "t" };
    return fit_add(fcinfo, 3, "cxm fit", names);
}

PG_FUNCTION_INFO_V1(cxm_fit_add2);
Datum cxm_fit_add2(PG_FUNCTION_ARGS)
{
    static const char *const names[] = { "frequency", "monetary_value" };
    return fit_add(fcinfo, 2, "cxm_gg_fit", names);
}

PG_FUNCTION_INFO_V1(cxm_fit_combine);
Datum cxm_fit_combine(PG_FUNCTION_ARGS)
{
    MemoryContext aggregate, old;
    if (!AggCheckCallContext(fcinfo, &aggregate))
        ereport(ERROR, (errmsg("cxm_fit_combine must be called as an aggregate")));
    if (PG_ARGISNULL(1))
        PG_RETURN_DATUM(PG_GETARG_DATUM(0));
    cxm_sql_columns *src = (cxm_sql_columns *)PG_GETARG_POINTER(1);
    old = MemoryContextSwitchTo(aggregate);
    cxm_sql_columns *dst;
    if (PG_ARGISNULL(0)) {
        dst = palloc0(sizeof *dst);
        dst->ncols = src->ncols;
    } else {
        dst = (cxm_sql_columns *)PG_GETARG_POINTER(0);
    }
    int status = cxm_sql_columns_append(dst, src, palloc_realloc);
    MemoryContextSwitchTo(old);
    check(status, "cxm fit");
    PG_RETURN_POINTER(dst);
}

/* Parallel workers pass their state as bytea: ncols, n, then the columns. */
PG_FUNCTION_INFO_V1(cxm_fit_serialize);
Datum cxm_fit_serialize(PG_FUNCTION_ARGS)
{
    cxm_sql_columns *c = (cxm_sql_columns *)PG_GETARG_POINTER(0);
    Size body = c->ncols * c->n * sizeof(double);
    if (body > MaxAllocSize - VARHDRSZ - 2 * sizeof(uint64))
        ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                        errmsg("cxm fit: %zu rows are too many for one parallel worker; "
                               "SET max_parallel_workers_per_gather = 0 or use more workers",
                               c->n)));
    bytea *out = palloc(VARHDRSZ + 2 * sizeof(uint64) + body);
    SET_VARSIZE(out, VARHDRSZ + 2 * sizeof(uint64) + body);
    char *p = VARDATA(out);
    uint64 head[2] = { c->ncols, c->n };
    memcpy(p, head, sizeof head);
    p += sizeof head;
    for (size_t j = 0; j < c->ncols; j++, p += c->n * sizeof(double))
        if (c->n)
            memcpy(p, c->col[j], c->n * sizeof(double));
    PG_RETURN_BYTEA_P(out);
}

PG_FUNCTION_INFO_V1(cxm_fit_deserialize);
Datum cxm_fit_deserialize(PG_FUNCTION_ARGS)
{
    MemoryContext aggregate, old;
    if (!AggCheckCallContext(fcinfo, &aggregate))
        ereport(ERROR, (errmsg("cxm_fit_deserialize must be called as an aggregate")));
    bytea *in = PG_GETARG_BYTEA_PP(0);
    const char *p = VARDATA_ANY(in);
    uint64 head[2];
    if (VARSIZE_ANY_EXHDR(in) < sizeof head)
        ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED), errmsg("cxm fit: corrupt state")));
    memcpy(head, p, sizeof head);
    p += sizeof head;
    if (head[0] < 2 || head[0] > 3 ||
        VARSIZE_ANY_EXHDR(in) != sizeof head + head[0] * head[1] * sizeof(double))
        ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED), errmsg("cxm fit: corrupt state")));
    old = MemoryContextSwitchTo(aggregate);
    cxm_sql_columns *c = palloc0(sizeof *c), rows = { 0 };
    c->ncols = (size_t)head[0];
    rows.ncols = c->ncols;
    rows.n = rows.cap = (size_t)head[1];
    for (size_t j = 0; j < c->ncols; j++, p += rows.n * sizeof(double))
        rows.col[j] = (double *)p; /* read only by the append below */
    int status = cxm_sql_columns_append(c, &rows, palloc_realloc);
    MemoryContextSwitchTo(old);
    check(status, "cxm fit");
    PG_RETURN_POINTER(c);
}

/* libcxm's worker threads must not take the backend's signals: block them
 * while the threads exist; pending ones arrive when the mask is restored. */
static int fit_with_signals_blocked(char **json, const char *kind, const cxm_sql_columns *c)
{
    sigset_t all, saved;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &saved);
    int status = cxm_sql_fit(json, kind, c);
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
    return status;
}

static Datum fit_final(FunctionCallInfo fcinfo, const char *kind, const char *function)
{
    if (PG_ARGISNULL(0))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("%s: no rows to fit", function)));
    cxm_sql_columns *c = (cxm_sql_columns *)PG_GETARG_POINTER(0);
    char *json = NULL;
    check(fit_with_signals_blocked(&json, kind, c), function);
    Datum result = DirectFunctionCall1(jsonb_in, CStringGetDatum(pstrdup(json)));
    cxm_free(json);
    PG_RETURN_DATUM(result);
}

#define FIT_FINAL(fn, kind)                                 \
    PG_FUNCTION_INFO_V1(fn##_final);                        \
    Datum fn##_final(PG_FUNCTION_ARGS)                      \
    {                                                       \
        return fit_final(fcinfo, kind, #fn);                \
    }

FIT_FINAL(cxm_bgnbd_fit, "bgnbd")
FIT_FINAL(cxm_mbgnbd_fit, "mbgnbd")
FIT_FINAL(cxm_pnbd_fit, "pnbd")
FIT_FINAL(cxm_gg_fit, "gg")

/* ------------------------------------------------------------------ the summary */

/* One customer's rows (time in days since 1970, amount), with the unit and
 * the observation end of the first row: the final function cannot see the
 * arguments (FINALFUNC_EXTRA passes NULLs), and every row must agree. */
typedef struct rfm_state {
    cxm_sql_columns rows;
    char unit[32];
    double end;
    bool amounts;
} rfm_state;

static const char *customer_name(FunctionCallInfo fcinfo)
{
    return text_to_cstring(PG_GETARG_TEXT_PP(1));
}

static rfm_state *rfm_state_of(FunctionCallInfo fcinfo, double end)
{
    MemoryContext aggregate;
    if (!AggCheckCallContext(fcinfo, &aggregate))
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("cxm_rfm must be called as an aggregate")));
    char *unit = PG_ARGISNULL(4) ? "day" : text_to_cstring(PG_GETARG_TEXT_PP(4));
    if (!PG_ARGISNULL(0)) {
        rfm_state *s = (rfm_state *)PG_GETARG_POINTER(0);
        if (strcmp(s->unit, unit) != 0 || !(s->end == end || (isnan(s->end) && isnan(end))))
            ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                            errmsg("cxm_rfm: customer %s: the unit and the observation end must "
                                   "be the same in every row", customer_name(fcinfo))));
        return s;
    }
    if (strlen(unit) >= sizeof ((rfm_state *)NULL)->unit)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("cxm_rfm: unit '%.40s' is not a unit", unit)));
    rfm_state *s = MemoryContextAllocZero(aggregate, sizeof *s);
    s->rows.ncols = 2;
    strcpy(s->unit, unit);
    s->end = end;
    s->amounts = !PG_ARGISNULL(3);
    return s;
}

static Datum rfm_add(FunctionCallInfo fcinfo, double days, double end)
{
    if (PG_ARGISNULL(1))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                        errmsg("cxm_rfm: the customer is NULL")));
    /* Without it T would end at each customer's own last purchase. */
    if (isnan(end))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                        errmsg("cxm_rfm: customer %s: the observation end is NULL",
                               customer_name(fcinfo))));
    rfm_state *s = rfm_state_of(fcinfo, end);
    if (PG_ARGISNULL(3) == s->amounts)
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                        errmsg("cxm_rfm: customer %s: the amount is NULL in some rows but not "
                               "in others", customer_name(fcinfo))));
    double row[2] = { days, s->amounts ? PG_GETARG_FLOAT8(3) : 0.0 };
    add_row(fcinfo, &s->rows, row, "cxm_rfm");
    PG_RETURN_POINTER(s);
}

static void rfm_time_present(FunctionCallInfo fcinfo, bool finite)
{
    if (PG_ARGISNULL(1))
        return; /* rfm_add says so */
    if (PG_ARGISNULL(2))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                        errmsg("cxm_rfm: customer %s: the purchase time is NULL",
                               customer_name(fcinfo))));
    if (!finite)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("cxm_rfm: customer %s: the purchase time is infinite",
                               customer_name(fcinfo))));
}

#define UNIX_DAYS (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) /* 2000-01-01 in days since 1970 */

/* timestamptz: microseconds since 2000-01-01 UTC. */
static double timestamptz_days(TimestampTz ts)
{
    return (double)ts / USECS_PER_DAY + UNIX_DAYS;
}

PG_FUNCTION_INFO_V1(cxm_rfm_add_timestamptz);
Datum cxm_rfm_add_timestamptz(PG_FUNCTION_ARGS)
{
    rfm_time_present(fcinfo, PG_ARGISNULL(2) || !TIMESTAMP_NOT_FINITE(PG_GETARG_TIMESTAMPTZ(2)));
    double end = PG_ARGISNULL(5) ? NAN : timestamptz_days(PG_GETARG_TIMESTAMPTZ(5));
    return rfm_add(fcinfo, PG_ARGISNULL(2) ? 0 : timestamptz_days(PG_GETARG_TIMESTAMPTZ(2)), end);
}

/* date: days since 2000-01-01. */
PG_FUNCTION_INFO_V1(cxm_rfm_add_date);
Datum cxm_rfm_add_date(PG_FUNCTION_ARGS)
{
    rfm_time_present(fcinfo, PG_ARGISNULL(2) || !DATE_NOT_FINITE(PG_GETARG_DATEADT(2)));
    double end = PG_ARGISNULL(5) ? NAN : (double)PG_GETARG_DATEADT(5) + UNIX_DAYS;
    return rfm_add(fcinfo, PG_ARGISNULL(2) ? 0 : (double)PG_GETARG_DATEADT(2) + UNIX_DAYS, end);
}

PG_FUNCTION_INFO_V1(cxm_rfm_final);
Datum cxm_rfm_final(PG_FUNCTION_ARGS)
{
    TupleDesc desc;
    if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
        ereport(ERROR, (errmsg("cxm_rfm: the result type is not a row type")));
    if (PG_ARGISNULL(0))
        PG_RETURN_NULL();
    rfm_state *s = (rfm_state *)PG_GETARG_POINTER(0);
    double out[4];
    int present;
    check(cxm_sql_rfm(out, &present, s->rows.n, s->rows.col[0], s->amounts ? s->rows.col[1] : NULL,
                      s->unit, s->end), "cxm_rfm");
    if (!present)
        PG_RETURN_NULL(); /* no purchase up to the observation end */
    Datum values[4];
    bool nulls[4] = { false, false, false, !s->amounts };
    for (int j = 0; j < 4; j++)
        values[j] = Float8GetDatum(out[j]);
    HeapTuple tuple = heap_form_tuple(BlessTupleDesc(desc), values, nulls);
    PG_RETURN_DATUM(HeapTupleGetDatum(tuple));
}

/* ------------------------------------------------------------------ scores */

/* The parsed models of one call site (fn_extra), freed with its context. */
typedef struct call_models {
    cxm_sql_model_cache cache[2];
    MemoryContextCallback callback;
} call_models;

static void free_call_models(void *arg)
{
    call_models *m = arg;
    cxm_sql_model_cache_free(&m->cache[0]);
    cxm_sql_model_cache_free(&m->cache[1]);
}

/* The model of argument i (jsonb), parsed once while the same JSON comes
 * back: compared by its bytes, a model's binary jsonb is a few KB. */
static cxm_model *model_arg(FunctionCallInfo fcinfo, int i, int slot, const char *function)
{
    if (PG_ARGISNULL(i))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                        errmsg("%s: the model is NULL", function)));
    call_models *m = fcinfo->flinfo->fn_extra;
    if (m == NULL) {
        m = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof *m);
        m->callback.func = free_call_models;
        m->callback.arg = m;
        MemoryContextRegisterResetCallback(fcinfo->flinfo->fn_mcxt, &m->callback);
        fcinfo->flinfo->fn_extra = m;
    }
    Jsonb *jb = PG_GETARG_JSONB_P(i);
    cxm_model *model = cxm_sql_model_cached(&m->cache[slot], jb, VARSIZE(jb));
    if (model == NULL) {
        char *json = JsonbToCString(NULL, &jb->root, VARSIZE(jb));
        int status = cxm_sql_model_parse(&model, &m->cache[slot], jb, VARSIZE(jb), json);
        pfree(json);
        check(status, function);
    }
    return model;
}

PG_FUNCTION_INFO_V1(cxm_p_alive_pg);
Datum cxm_p_alive_pg(PG_FUNCTION_ARGS)
{
    const char *fn = "cxm_p_alive";
    cxm_model *model = model_arg(fcinfo, 0, 0, fn);
    double x = arg_double(fcinfo, 1, fn, "frequency"), t_x = arg_double(fcinfo, 2, fn, "recency"),
           T = arg_double(fcinfo, 3, fn, "t"), out;
    check(cxm_sql_p_alive(&out, model, x, t_x, T), fn);
    PG_RETURN_FLOAT8(out);
}

PG_FUNCTION_INFO_V1(cxm_expected_purchases_pg);
Datum cxm_expected_purchases_pg(PG_FUNCTION_ARGS)
{
    const char *fn = "cxm_expected_purchases";
    cxm_model *model = model_arg(fcinfo, 0, 0, fn);
    double horizon = arg_double(fcinfo, 1, fn, "horizon");
    double x = arg_double(fcinfo, 2, fn, "frequency"), t_x = arg_double(fcinfo, 3, fn, "recency"),
           T = arg_double(fcinfo, 4, fn, "t"), out;
    check(cxm_sql_expected_purchases(&out, model, horizon, x, t_x, T), fn);
    PG_RETURN_FLOAT8(out);
}

PG_FUNCTION_INFO_V1(cxm_clv_pg);
Datum cxm_clv_pg(PG_FUNCTION_ARGS)
{
    const char *fn = "cxm_clv";
    cxm_model *model = model_arg(fcinfo, 0, 0, fn);
    cxm_model *spend = model_arg(fcinfo, 1, 1, fn);
    double x = arg_double(fcinfo, 2, fn, "frequency"), t_x = arg_double(fcinfo, 3, fn, "recency"),
           T = arg_double(fcinfo, 4, fn, "t"), m = arg_double(fcinfo, 5, fn, "monetary_value");
    if (PG_ARGISNULL(6))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("%s: months is NULL", fn)));
    double months = PG_GETARG_INT32(6), d = arg_double(fcinfo, 7, fn, "discount");
    double unit_days = arg_double(fcinfo, 8, fn, "unit_days"), out;
    check(cxm_sql_clv(&out, model, spend, x, t_x, T, m, months, d, unit_days), fn);
    PG_RETURN_FLOAT8(out);
}
