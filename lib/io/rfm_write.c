/* Writing the summary: its columns, ids, compressed form and counters, and
 * CSV files of them (complete or untouched: lib/core/file.h). */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/file.h"
#include "io/number.h"
#include "io/rfm_internal.h"

/* ------------------------------------------------------------------ results */

size_t cxm_rfm_size(const cxm_rfm *r)
{
    return r ? r->n : 0;
}

static int check_field(const cxm_rfm *r, cxm_rfm_field field)
{
    switch (field) {
    case CXM_RFM_FREQUENCY: case CXM_RFM_RECENCY: case CXM_RFM_T: case CXM_RFM_FIRST_PURCHASE:
        return CXM_OK;
    case CXM_RFM_MONETARY_VALUE:
        return r->has_amount ? CXM_OK
                             : cxm__fail(CXM_EINVAL, "the summary has no monetary value: no amounts were given");
    case CXM_RFM_FREQUENCY_HOLDOUT:
    case CXM_RFM_DURATION_HOLDOUT:
        return r->has_cal ? CXM_OK
                          : cxm__fail(CXM_EINVAL, "the summary has no holdout period: no calibration end was given");
    case CXM_RFM_MONETARY_VALUE_HOLDOUT:
        if (!r->has_cal)
            return cxm__fail(CXM_EINVAL, "the summary has no holdout period: no calibration end was given");
        return r->has_amount ? CXM_OK
                             : cxm__fail(CXM_EINVAL, "the summary has no monetary value: no amounts were given");
    case CXM_RFM_WEIGHT:
    default:
        return cxm__fail(CXM_EINVAL, "field %d is not a column of the summary", (int)field);
    }
}

static double value_of(const cxm_rfm *r, const rfm_cust *c, size_t i, cxm_rfm_field field)
{
    switch (field) {
    case CXM_RFM_FREQUENCY:
        return (double)cxm__rfm_frequency(r, c);
    case CXM_RFM_RECENCY:
        return (double)(c->last - c->first) / r->scale;
    case CXM_RFM_T:
        return (double)(r->end_k - r->base - c->first) / r->scale;
    case CXM_RFM_MONETARY_VALUE: {
        if (r->include_first)
            return (c->first_value + c->repeat_value) / (double)c->ncal;
        uint32_t x = c->ncal - 1;
        return x ? c->repeat_value / (double)x : 0.0;
    }
    case CXM_RFM_FIRST_PURCHASE:
        return r->first_time[i];
    case CXM_RFM_FREQUENCY_HOLDOUT:
        return (double)c->nhold;
    case CXM_RFM_MONETARY_VALUE_HOLDOUT:
        return c->nhold ? c->hold_value / (double)c->nhold : 0.0;
    case CXM_RFM_DURATION_HOLDOUT:
        return (double)(r->obs_k - r->cal_k) / r->scale;
    default:
        return NAN;
    }
}

int cxm_rfm_column(double *dst, size_t dst_n, const cxm_rfm *r, cxm_rfm_field field)
{
    int status = cxm__check_pointer(r, "rfm");
    if (status == CXM_OK)
        status = check_field(r, field);
    if (status != CXM_OK)
        return status;
    if (dst_n != r->n)
        return cxm__fail(CXM_EINVAL, "dst has %zu elements where the summary has %zu customers",
                         dst_n, r->n);
    if (r->n > 0 && (status = cxm__check_pointer(dst, "dst")) != CXM_OK)
        return status;
    for (size_t i = 0; i < r->n; i++)
        dst[i] = value_of(r, CUST(r, i), i, field);
    return CXM_OK;
}

const char *cxm_rfm_id(const cxm_rfm *r, size_t i)
{
    if (r == NULL || r->codes || i >= r->n)
        return NULL;
    return rfm_cust_id(CUST(r, i));
}

int cxm_rfm_codes(int64_t *dst, size_t dst_n, const cxm_rfm *r)
{
    int status = cxm__check_pointer(r, "rfm");
    if (status != CXM_OK)
        return status;
    if (!r->codes)
        return cxm__fail(CXM_EINVAL, "the summary was built from string ids, not codes: use cxm_rfm_id()");
    if (dst_n != r->n)
        return cxm__fail(CXM_EINVAL, "codes_dst has %zu elements where the summary has %zu customers",
                         dst_n, r->n);
    if (r->n > 0 && (status = cxm__check_pointer(dst, "codes_dst")) != CXM_OK)
        return status;
    for (size_t i = 0; i < r->n; i++)
        dst[i] = CUST(r, i)->id.code;
    return CXM_OK;
}

size_t cxm_rfm_unique_size(const cxm_rfm *r)
{
    return r ? r->nu : 0;
}

int cxm_rfm_unique_column(double *dst, size_t dst_n, const cxm_rfm *r, cxm_rfm_field field)
{
    int status = cxm__check_pointer(r, "rfm");
    if (status != CXM_OK)
        return status;
    if (field != CXM_RFM_FREQUENCY && field != CXM_RFM_RECENCY && field != CXM_RFM_T &&
        field != CXM_RFM_WEIGHT)
        return cxm__fail(CXM_EINVAL,
                         "field %d is not a column of the compressed form (frequency, recency, T, weight)",
                         (int)field);
    if (dst_n != r->nu)
        return cxm__fail(CXM_EINVAL, "dst has %zu elements where the compressed form has %zu rows",
                         dst_n, r->nu);
    if (r->nu > 0 && (status = cxm__check_pointer(dst, "dst")) != CXM_OK)
        return status;
    for (size_t i = 0; i < r->nu; i++) {
        const rfm_urow *u = &r->u[i];
        switch (field) {
        case CXM_RFM_FREQUENCY: dst[i] = (double)u->x; break;
        case CXM_RFM_RECENCY: dst[i] = (double)u->recency / r->scale; break;
        case CXM_RFM_T: dst[i] = (double)u->T / r->scale; break;
        default: dst[i] = (double)u->weight; break;
        }
    }
    return CXM_OK;
}

unsigned long long cxm_rfm_stat(const cxm_rfm *r, cxm_rfm_counter counter)
{
    if (r == NULL)
        return 0;
    switch (counter) {
    case CXM_RFM_ROWS: return r->rows;
    case CXM_RFM_SKIPPED: return r->skipped;
    case CXM_RFM_AFTER_END: return r->after_end;
    case CXM_RFM_HOLDOUT_ONLY: return r->holdout_only;
    case CXM_RFM_PASSES: return r->passes;
    default: return 0;
    }
}

const char *cxm_rfm_skipped_message(const cxm_rfm *r, size_t i)
{
    return r && i < r->nmessages ? r->messages[i] : NULL;
}

int cxm_rfm_period_end(double *out, const cxm_rfm *r, int which)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = cxm__check_pointer(r, "rfm");
    if (status != CXM_OK)
        return status;
    if (which == 0)
        *out = r->has_cal ? r->cal_time : NAN;
    else if (which == 1)
        *out = r->has_obs ? r->obs_time : (r->rows ? r->max_time : NAN);
    else
        return cxm__fail(CXM_EINVAL, "which must be 0 (calibration end) or 1 (observation end), got %d",
                         which);
    return CXM_OK;
}

/* ------------------------------------------------------------------ CSV output */

typedef struct writer {
    FILE *stream;
    const char *name;
    char buf[1 << 16];
    size_t used;
    int status;
    /* Summaries repeat the same few recency and T values: remember their text. */
    struct { uint64_t bits; unsigned char len; char text[31]; } cache[1024];
} writer;

static void put(writer *w, const char *text, size_t len)
{
    if (w->status != CXM_OK)
        return;
    if (w->used + len > sizeof w->buf) {
        if (fwrite(w->buf, 1, w->used, w->stream) != w->used)
            w->status = cxm__fail(CXM_EIO, "%s: cannot write: %s", w->name, strerror(errno));
        w->used = 0;
    }
    if (len > sizeof w->buf) {
        if (w->status == CXM_OK && fwrite(text, 1, len, w->stream) != len)
            w->status = cxm__fail(CXM_EIO, "%s: cannot write: %s", w->name, strerror(errno));
        return;
    }
    memcpy(w->buf + w->used, text, len);
    w->used += len;
}

static void put_number(writer *w, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    size_t slot = (size_t)(cxm__mix64(bits) & 1023);
    if (w->cache[slot].len && w->cache[slot].bits == bits) {
        put(w, w->cache[slot].text, w->cache[slot].len);
        return;
    }
    char text[32];
    size_t len = cxm__format_double(text, sizeof text, v);
    put(w, text, len);
    if (len > 0 && len < sizeof w->cache[slot].text) {
        w->cache[slot].bits = bits;
        w->cache[slot].len = (unsigned char)len;
        memcpy(w->cache[slot].text, text, len);
    }
}

/* A CSV field, quoted when it has to be. */
static void put_text(writer *w, const char *text, size_t len)
{
    bool quote = len > 0 && (text[0] == ' ' || text[0] == '\t' || text[len - 1] == ' ' ||
                             text[len - 1] == '\t');
    for (size_t i = 0; i < len && !quote; i++)
        quote = text[i] == ',' || text[i] == '"' || text[i] == '\n' || text[i] == '\r';
    if (!quote) {
        put(w, text, len);
        return;
    }
    put(w, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        put(w, text + i, 1);
        if (text[i] == '"')
            put(w, "\"", 1);
    }
    put(w, "\"", 1);
}

static int finish_writer(writer *w)
{
    if (w->status == CXM_OK && w->used && fwrite(w->buf, 1, w->used, w->stream) != w->used)
        w->status = cxm__fail(CXM_EIO, "%s: cannot write: %s", w->name, strerror(errno));
    if (w->status == CXM_OK && fflush(w->stream) != 0)
        w->status = cxm__fail(CXM_EIO, "%s: cannot write: %s", w->name, strerror(errno));
    return w->status;
}

static int write_summary(const cxm_rfm *r, FILE *stream, const char *name)
{
    writer *w = cxm__calloc(1, sizeof *w);
    if (w == NULL)
        return CXM_ENOMEM;
    w->stream = stream;
    w->name = name;
    static const cxm_rfm_field all[] = { CXM_RFM_FREQUENCY, CXM_RFM_RECENCY, CXM_RFM_T,
                                         CXM_RFM_MONETARY_VALUE, CXM_RFM_FREQUENCY_HOLDOUT,
                                         CXM_RFM_MONETARY_VALUE_HOLDOUT, CXM_RFM_DURATION_HOLDOUT };
    static const char *const names[] = { "frequency", "recency", "T", "monetary_value",
                                         "frequency_holdout", "monetary_value_holdout",
                                         "duration_holdout" };
    cxm_rfm_field fields[8];
    size_t nfields = 0;
    put_text(w, r->id_name, strlen(r->id_name));
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++) {
        bool wanted = true;
        if (all[k] == CXM_RFM_MONETARY_VALUE || all[k] == CXM_RFM_MONETARY_VALUE_HOLDOUT)
            wanted = r->has_amount;
        if (all[k] >= CXM_RFM_FREQUENCY_HOLDOUT)
            wanted = wanted && r->has_cal;
        if (!wanted)
            continue;
        fields[nfields++] = all[k];
        put(w, ",", 1);
        put(w, names[k], strlen(names[k]));
    }
    put(w, ",first_purchase\n", 16);
    char date[40];
    for (size_t i = 0; i < r->n && w->status == CXM_OK; i++) {
        const rfm_cust *c = CUST(r, i);
        if (r->codes) {
            int len = snprintf(date, sizeof date, "%lld", (long long)c->id.code);
            put(w, date, (size_t)len);
        } else {
            put_text(w, rfm_cust_id(c), c->meta & META_LENGTH);
        }
        for (size_t k = 0; k < nfields; k++) {
            put(w, ",", 1);
            put_number(w, value_of(r, c, i, fields[k]));
        }
        put(w, ",", 1);
        size_t len = cxm__time_format_iso(date, sizeof date, r->first_time[i]);
        put(w, date, len);
        put(w, "\n", 1);
    }
    int status = finish_writer(w);
    cxm__free(w);
    return status;
}

int cxm_rfm_write_csv_stream(const cxm_rfm *r, FILE *stream)
{
    int status = cxm__check_pointer(r, "rfm");
    if (status == CXM_OK)
        status = cxm__check_pointer(stream, "stream");
    return status == CXM_OK ? write_summary(r, stream, "<stream>") : status;
}

int cxm_rfm_write_csv(const cxm_rfm *r, const char *path)
{
    int status = cxm__check_pointer(r, "rfm");
    if (status == CXM_OK)
        status = cxm__check_pointer(path, "path");
    if (status != CXM_OK)
        return status;
    cxm__file file;
    status = cxm__file_open(&file, path);
    if (status != CXM_OK)
        return status;
    status = write_summary(r, file.stream, path);
    if (status != CXM_OK) {
        cxm__file_abort(&file);
        return status;
    }
    return cxm__file_commit(&file);
}

int cxm_rfm_write_unique_csv_stream(const cxm_rfm *r, FILE *stream)
{
    int status = cxm__check_pointer(r, "rfm");
    if (status == CXM_OK)
        status = cxm__check_pointer(stream, "stream");
    if (status != CXM_OK)
        return status;
    writer *w = cxm__calloc(1, sizeof *w);
    if (w == NULL)
        return CXM_ENOMEM;
    w->stream = stream;
    w->name = "<stream>";
    static const char header[] = "frequency,recency,T,weight\n";
    put(w, header, sizeof header - 1);
    for (size_t i = 0; i < r->nu; i++) {
        put_number(w, (double)r->u[i].x);
        put(w, ",", 1);
        put_number(w, (double)r->u[i].recency / r->scale);
        put(w, ",", 1);
        put_number(w, (double)r->u[i].T / r->scale);
        put(w, ",", 1);
        put_number(w, (double)r->u[i].weight);
        put(w, "\n", 1);
    }
    status = finish_writer(w);
    cxm__free(w);
    return status;
}

