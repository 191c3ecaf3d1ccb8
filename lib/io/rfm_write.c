/* Writing the summary: its columns, ids, compressed form and counters, and
 * CSV files of them (complete or untouched: lib/core/file.h). */
#include "config.h"

#include <errno.h>
#include <pthread.h>
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

/* ------------------------------------------------------------------ CSV output
 *
 * Text goes straight into one buffer: each row first makes room for its
 * numbers (reserve), then writes them without further checks. Counts and,
 * with scale 1, recency and T are integers and are written as such (the
 * text that cxm__format_double gives them); dates repeat, and so do
 * recency and T at other scales: their text is remembered. With two
 * threads a helper formats every other block of rows. */

enum { WRITER_BUFFER = 1 << 16, ROW_ROOM = 512 };

typedef struct writer {
    FILE *stream;             /* NULL: the text collects in memory (buf grows) */
    const char *name;
    char *buf;
    size_t used, cap;
    int status;
    /* The text of recent numbers (recency and T at scales other than 1). */
    struct { uint64_t bits; unsigned char len; char text[31]; } cache[1024];
    /* The text of recent dates (first purchases come in time order when the
     * log does). */
    struct { double days; unsigned char len; char text[39]; } dates[256];
} writer;

/* Room for n more bytes (n <= WRITER_BUFFER): write the buffer out, or
 * grow it in memory. After a failure the text goes nowhere. */
static void make_room(writer *w, size_t n)
{
    if (w->stream) {
        if (w->status == CXM_OK && w->used && fwrite(w->buf, 1, w->used, w->stream) != w->used)
            w->status = cxm__fail(CXM_EIO, "%s: cannot write: %s", w->name, strerror(errno));
        w->used = 0;
        return;
    }
    if (w->used + n <= w->cap)
        return;
    char *grown = w->status == CXM_OK ? cxm__realloc(w->buf, 2 * w->cap) : NULL;
    if (grown == NULL) {
        w->status = CXM_ENOMEM; /* (the message is this thread's: the caller sets its own) */
        w->used = 0;
        return;
    }
    w->buf = grown;
    w->cap *= 2;
}

static inline char *reserve(writer *w, size_t n)
{
    if (w->used + n > w->cap)
        make_room(w, n);
    return w->buf + w->used;
}

static void put(writer *w, const char *text, size_t len)
{
    while (len > 0) {
        if (w->used == w->cap)
            make_room(w, 1);
        size_t room = w->cap - w->used;
        size_t n = len < room ? len : room;
        memcpy(w->buf + w->used, text, n);
        w->used += n;
        text += n;
        len -= n;
    }
}

/* The number's text at p (ROW_ROOM reserved); returns its length. */
static inline size_t number_at(char *p, double v)
{
    return cxm__format_double(p, 32, v);
}

static inline size_t cached_number_at(writer *w, char *p, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    size_t slot = (size_t)(cxm__mix64(bits) & 1023);
    if (w->cache[slot].len && w->cache[slot].bits == bits) {
        memcpy(p, w->cache[slot].text, sizeof w->cache[slot].text);
        return w->cache[slot].len;
    }
    size_t len = number_at(p, v);
    if (len > 0 && len < sizeof w->cache[slot].text) {
        w->cache[slot].bits = bits;
        w->cache[slot].len = (unsigned char)len;
        memcpy(w->cache[slot].text, p, len);
    }
    return len;
}

static inline size_t int_at(char *p, int64_t v)
{
    if (v >= 0)
        return cxm__format_uint(p, (uint64_t)v);
    *p = '-';
    return 1 + cxm__format_uint(p + 1, 0 - (uint64_t)v);
}

static inline size_t date_at(writer *w, char *p, double days)
{
    uint64_t bits;
    memcpy(&bits, &days, sizeof bits);
    size_t slot = (size_t)((bits * CXM__GOLDEN) >> 56);
    if (w->dates[slot].len && w->dates[slot].days == days) {
        memcpy(p, w->dates[slot].text, sizeof w->dates[slot].text);
        return w->dates[slot].len;
    }
    size_t len = cxm__time_format_iso(p, 40, days);
    if (len > 0 && len < sizeof w->dates[slot].text) {
        w->dates[slot].days = days;
        w->dates[slot].len = (unsigned char)len;
        memcpy(w->dates[slot].text, p, len);
    }
    return len;
}

/* A CSV field, quoted when it has to be. */
static void put_text(writer *w, const char *text, size_t len)
{
    if (len > 0 && len <= ROW_ROOM) {
        /* Copy and look for the bytes that need quotes in one pass. */
        char *p = reserve(w, ROW_ROOM);
        unsigned special = text[0] == ' ' || text[0] == '\t' || text[len - 1] == ' ' ||
                           text[len - 1] == '\t';
        for (size_t i = 0; i < len; i++) {
            char c = text[i];
            p[i] = c;
            special |= (unsigned)(c == ',') | (unsigned)(c == '"') | (unsigned)(c == '\n') |
                       (unsigned)(c == '\r');
        }
        if (!special) {
            w->used += len;
            return;
        }
    }
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
    make_room(w, w->cap);
    if (w->status == CXM_OK && fflush(w->stream) != 0)
        w->status = cxm__fail(CXM_EIO, "%s: cannot write: %s", w->name, strerror(errno));
    return w->status;
}

static void free_writer(writer *w)
{
    if (w) {
        cxm__free(w->buf);
        cxm__free(w);
    }
}

/* A writer to stream, or to memory (stream NULL). The tables need no
 * zeroing but their lengths. */
static writer *new_writer(FILE *stream, const char *name)
{
    writer *w = cxm__malloc(sizeof *w);
    char *buf = cxm__malloc(WRITER_BUFFER);
    if (w == NULL || buf == NULL) {
        cxm__free(w);
        cxm__free(buf);
        return NULL;
    }
    w->stream = stream;
    w->name = name;
    w->buf = buf;
    w->used = 0;
    w->cap = WRITER_BUFFER;
    w->status = CXM_OK;
    for (size_t i = 0; i < sizeof w->cache / sizeof w->cache[0]; i++)
        w->cache[i].len = 0;
    for (size_t i = 0; i < sizeof w->dates / sizeof w->dates[0]; i++)
        w->dates[i].len = 0;
    return w;
}

/* One customer's fields after the id, with the line end. */
static size_t summary_row_at(writer *w, char *p, const cxm_rfm *r, const rfm_cust *c, size_t i,
                             const char *holdout_duration, size_t holdout_duration_len)
{
    char *const start = p;
    const bool whole = r->scale == 1.0;
    *p++ = ',';
    p += cxm__format_uint(p, cxm__rfm_frequency(r, c));
    *p++ = ',';
    int64_t recency = (int64_t)c->last - c->first, T = r->end_k - r->base - c->first;
    p += whole ? int_at(p, recency) : cached_number_at(w, p, (double)recency / r->scale);
    *p++ = ',';
    p += whole ? int_at(p, T) : cached_number_at(w, p, (double)T / r->scale);
    if (r->has_amount) {
        *p++ = ',';
        p += number_at(p, value_of(r, c, i, CXM_RFM_MONETARY_VALUE));
    }
    if (r->has_cal) {
        *p++ = ',';
        p += cxm__format_uint(p, c->nhold);
        if (r->has_amount) {
            *p++ = ',';
            p += number_at(p, value_of(r, c, i, CXM_RFM_MONETARY_VALUE_HOLDOUT));
        }
        *p++ = ',';
        memcpy(p, holdout_duration, holdout_duration_len);
        p += holdout_duration_len;
    }
    *p++ = ',';
    p += date_at(w, p, r->first_time[i]);
    *p++ = '\n';
    return (size_t)(p - start);
}

/* Customers [from, to) as rows. */
static void write_rows(writer *w, const cxm_rfm *r, size_t from, size_t to, const char *duration,
                       size_t duration_len)
{
    for (size_t i = from; i < to && w->status == CXM_OK; i++) {
        const rfm_cust *c = CUST(r, i);
        char *p = reserve(w, ROW_ROOM);
        if (r->codes) {
            p += int_at(p, c->id.code);
            w->used = (size_t)(p - w->buf);
        } else {
            put_text(w, rfm_cust_id(c), c->meta & META_LENGTH);
            p = reserve(w, ROW_ROOM);
        }
        w->used += summary_row_at(w, p, r, c, i, duration, duration_len);
    }
}

/* With two threads the rows are formatted in blocks of BLOCK customers: the
 * helper formats the odd blocks into memory (two buffers, so that it runs a
 * block ahead), the caller the even ones straight into the stream, and the
 * caller writes the helper's blocks in their turn. */
enum { BLOCK = 1 << 15 };

typedef struct odd_blocks {
    const cxm_rfm *r;
    const char *duration;
    size_t duration_len, nblocks;
    writer *w[2];
    pthread_mutex_t lock;
    pthread_cond_t changed;
    size_t formatted, written; /* odd blocks formatted by the helper, written by the caller */
    bool stop;
} odd_blocks;

static void *format_odd_blocks(void *arg)
{
    odd_blocks *o = arg;
    for (size_t j = 0; 2 * j + 1 < o->nblocks; j++) {
        pthread_mutex_lock(&o->lock);
        while (j >= o->written + 2 && !o->stop)
            pthread_cond_wait(&o->changed, &o->lock);
        bool stop = o->stop;
        pthread_mutex_unlock(&o->lock);
        if (stop)
            break;
        writer *w = o->w[j % 2];
        size_t from = (2 * j + 1) * (size_t)BLOCK, to = from + BLOCK;
        w->used = 0;
        write_rows(w, o->r, from, to < o->r->n ? to : o->r->n, o->duration, o->duration_len);
        pthread_mutex_lock(&o->lock);
        o->formatted = j + 1;
        pthread_cond_broadcast(&o->changed);
        pthread_mutex_unlock(&o->lock);
        if (w->status != CXM_OK)
            break;
    }
    return NULL;
}

/* All rows with the helper; false when it could not be started (the caller
 * then writes them alone). */
static bool write_rows_in_two(writer *w, const cxm_rfm *r, const char *duration, size_t duration_len)
{
    odd_blocks o;
    memset(&o, 0, sizeof o);
    o.r = r;
    o.duration = duration;
    o.duration_len = duration_len;
    o.nblocks = (r->n + BLOCK - 1) / BLOCK;
    o.w[0] = new_writer(NULL, w->name);
    o.w[1] = new_writer(NULL, w->name);
    pthread_t thread;
    bool ok = o.w[0] && o.w[1];
    ok = ok && pthread_mutex_init(&o.lock, NULL) == 0;
    ok = ok && (pthread_cond_init(&o.changed, NULL) == 0 || (pthread_mutex_destroy(&o.lock), false));
    if (ok && pthread_create(&thread, NULL, format_odd_blocks, &o) != 0) {
        pthread_cond_destroy(&o.changed);
        pthread_mutex_destroy(&o.lock);
        ok = false;
    }
    if (!ok) {
        free_writer(o.w[0]);
        free_writer(o.w[1]);
        return false;
    }
    for (size_t b = 0; b < o.nblocks && w->status == CXM_OK; b++) {
        size_t from = b * (size_t)BLOCK, to = from + BLOCK < r->n ? from + BLOCK : r->n;
        if (b % 2 == 0) {
            write_rows(w, r, from, to, duration, duration_len);
            continue;
        }
        size_t j = b / 2;
        pthread_mutex_lock(&o.lock);
        while (o.formatted <= j)
            pthread_cond_wait(&o.changed, &o.lock);
        pthread_mutex_unlock(&o.lock);
        writer *h = o.w[j % 2];
        if (h->status != CXM_OK)
            w->status = cxm__fail(CXM_ENOMEM, "out of memory writing %s", w->name);
        else if (h->used > WRITER_BUFFER / 2) {
            make_room(w, w->cap); /* out with the buffer, then the block as it is */
            if (w->status == CXM_OK && fwrite(h->buf, 1, h->used, w->stream) != h->used)
                w->status = cxm__fail(CXM_EIO, "%s: cannot write: %s", w->name, strerror(errno));
        } else {
            put(w, h->buf, h->used);
        }
        pthread_mutex_lock(&o.lock);
        o.written = j + 1;
        pthread_cond_broadcast(&o.changed);
        pthread_mutex_unlock(&o.lock);
    }
    pthread_mutex_lock(&o.lock);
    o.stop = true;
    pthread_cond_broadcast(&o.changed);
    pthread_mutex_unlock(&o.lock);
    pthread_join(thread, NULL);
    pthread_cond_destroy(&o.changed);
    pthread_mutex_destroy(&o.lock);
    free_writer(o.w[0]);
    free_writer(o.w[1]);
    return true;
}

static int write_summary(const cxm_rfm *r, FILE *stream, const char *name)
{
    writer *w = new_writer(stream, name);
    if (w == NULL)
        return CXM_ENOMEM;
    put_text(w, r->id_name, strlen(r->id_name));
    put(w, ",frequency,recency,T", 20);
    if (r->has_amount)
        put(w, ",monetary_value", 15);
    if (r->has_cal)
        put(w, ",frequency_holdout", 18);
    if (r->has_cal && r->has_amount)
        put(w, ",monetary_value_holdout", 23);
    if (r->has_cal)
        put(w, ",duration_holdout", 17);
    put(w, ",first_purchase\n", 16);
    char duration[40];
    size_t duration_len = 0;
    /* Without a row the observation's last unit is undefined (INT64_MIN): no duration. */
    if (r->has_cal && r->n > 0)
        duration_len = cxm__format_double(duration, sizeof duration,
                                          ((double)r->obs_k - (double)r->cal_k) / r->scale);
    if (r->threads < 2 || r->n <= 2 * (size_t)BLOCK || !write_rows_in_two(w, r, duration, duration_len))
        write_rows(w, r, 0, r->n, duration, duration_len);
    int status = finish_writer(w);
    free_writer(w);
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
    writer *w = new_writer(stream, "<stream>");
    if (w == NULL)
        return CXM_ENOMEM;
    static const char header[] = "frequency,recency,T,weight\n";
    put(w, header, sizeof header - 1);
    for (size_t i = 0; i < r->nu && w->status == CXM_OK; i++) {
        char *p = reserve(w, ROW_ROOM), *start = p;
        p += cxm__format_uint(p, r->u[i].x);
        *p++ = ',';
        p += cached_number_at(w, p, (double)r->u[i].recency / r->scale);
        *p++ = ',';
        p += cached_number_at(w, p, (double)r->u[i].T / r->scale);
        *p++ = ',';
        p += cxm__format_uint(p, r->u[i].weight);
        *p++ = '\n';
        w->used += (size_t)(p - start);
    }
    status = finish_writer(w);
    free_writer(w);
    return status;
}

