/* Reading the summary's input: the rows of a CSV file (the shared reader,
 * lib/io/csv.h) or of arrays, each placed in its time unit and handed to
 * the feeder (rfm.c); a second pass over the input when rows came out of
 * time order. */
#include "config.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "io/csv.h"
#include "io/number.h"
#include "io/rfm.h"
#include "io/rfm_internal.h"

/* ------------------------------------------------------------------ from a CSV file */

static bool all_digits(const char *s)
{
    if (*s == '\0')
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* A column chosen by number whose header cell is a date or a number
 * suggests that the first line is data: refuse rather than lose a row. */
static int check_header_is_not_data(cxm_csv *csv, const char *spec, size_t column, bool is_time)
{
    const char *name = cxm__csv_column_name(csv, column);
    if (name == NULL || !all_digits(spec) || strcmp(name, spec) == 0)
        return CXM_OK;
    double v;
    cxm__time_format f;
    char reason[8];
    bool data = false;
    if (is_time) {
        cxm__time_format_init(&f, cxm__csv_options(csv)->date_format);
        data = cxm__time_parse(&f, name, strlen(name), &v, reason, sizeof reason) == 0;
    } else {
        data = cxm__parse_double(name, strlen(name), &v) == 0;
    }
    if (!data)
        return CXM_OK;
    return cxm__fail(CXM_EPARSE,
                     "%s:1: column %s of the header line is '%.40s', a %s: is the first line data? "
                     "Read the file without a header (header = 0, --no-header)",
                     cxm__csv_name(csv), spec, name, is_time ? "date" : "number");
}

/* Read one row's fields; 1 = a row, 0 = skipped or after the end, < 0 error. */
static int csv_row(cxm_rfm *r, cxm_csv *csv, size_t id_col, size_t time_col, size_t amount_col,
                   rfm_row *w, bool second_pass)
{
    int status = cxm__csv_get_text(csv, id_col, &w->id, &w->len);
    if (status == CXM_OK)
        status = cxm__csv_get_time(csv, time_col, &w->t);
    if (status == CXM_OK && r->has_amount)
        status = cxm__csv_get_double(csv, amount_col, &w->v);
    if (status == CXM_OK && !(w->t >= -TIME_LIMIT && w->t <= TIME_LIMIT))
        status = cxm__csv_fail(csv, time_col, CXM_EPARSE, "the time is out of range");
    if (status != CXM_OK) {
        if (second_pass)
            return 0; /* skipped and counted in the first pass */
        status = cxm__csv_bad_row(csv);
        return status == CXM_OK ? 0 : status;
    }
    if (!r->has_amount)
        w->v = 0;
    w->code = 0;
    w->hash = cxm__hash_bytes(r->ids.seed, w->id, w->len);
    return 1;
}

/* The date text of the last row that was read the careful way, with its
 * time and unit: logs repeat each date on many rows in a row. */
typedef struct last_date {
    uint64_t text[2]; /* zero-padded */
    size_t length;    /* 0: none */
    double t;
    int64_t k;
} last_date;

static inline void short_key(const char *text, size_t n, uint64_t key[2])
{
    /* Fields have at least 16 readable bytes after their start (the
     * reader's buffer pads its data). */
    uint64_t a, b;
    memcpy(&a, text, 8);
    memcpy(&b, text + 8, 8);
    key[0] = n >= 8 ? a : a & ((UINT64_C(1) << (8 * n)) - 1);
    key[1] = n >= 16 ? b : n <= 8 ? 0 : b & ((UINT64_C(1) << (8 * (n - 8))) - 1);
}

static void remember_date(last_date *last, cxm_csv *csv, size_t time_col, const rfm_row *w)
{
    size_t n;
    const char *text = cxm__csv_field(csv, time_col, &n);
    last->length = 0;
    if (n == 0 || n > 16 || text[0] == ' ' || text[0] == '\t' || text[n - 1] == ' ' ||
        text[n - 1] == '\t')
        return;
    short_key(text, n, last->text);
    last->length = n;
    last->t = w->t;
    last->k = w->k;
}

/* The common row: a non-empty id, the last row's date, a plain amount.
 * Returns false for anything else, which then goes the careful way. */
static inline bool fast_row(cxm_rfm *r, cxm_csv *csv, size_t id_col, size_t time_col,
                            size_t amount_col, const last_date *last, rfm_row *w)
{
    const cxm_csv_field *fields = cxm__csv_fields(csv);
    const cxm_csv_field *date = &fields[time_col];
    if (date->length != last->length || last->length == 0)
        return false;
    uint64_t key[2];
    short_key(date->text, date->length, key);
    if (key[0] != last->text[0] || key[1] != last->text[1])
        return false;
    w->id = fields[id_col].text;
    w->len = fields[id_col].length;
    if (w->len == 0)
        return false;
    w->v = 0;
    if (r->has_amount && cxm__parse_double(fields[amount_col].text, fields[amount_col].length, &w->v) != 0)
        return false;
    w->t = last->t;
    w->k = last->k;
    w->code = 0;
    w->hash = cxm__hash_bytes(r->ids.seed, w->id, w->len);
    return true;
}

static int read_csv(cxm_rfm *r, cxm_csv *csv, size_t id_col, size_t time_col, size_t amount_col,
                    unsigned threads)
{
    rfm_feeder f;
    int status = cxm__rfm_feeder_start(&f, r, threads, NULL), more = 0;
    f.padded_ids = true; /* the reader's buffer has room after its data */
    rfm_row w;
    last_date last = { { 0, 0 }, 0, 0, 0 };
    while (status == CXM_OK && (more = cxm__csv_next(csv)) > 0) {
        if (fast_row(r, csv, id_col, time_col, amount_col, &last, &w)) {
            /* The date of the previous good row: placed already. */
            if (w.k > r->obs_k) {
                r->after_end++;
                continue;
            }
            r->rows++;
            status = cxm__rfm_feeder_add(&f, &w);
            continue;
        }
        int got = csv_row(r, csv, id_col, time_col, amount_col, &w, false);
        if (got > 0) {
            int placed = cxm__rfm_place(r, &w); /* 1: after the observation end, dropped */
            got = placed < 0 ? placed : placed == 0;
            if (placed >= 0)
                remember_date(&last, csv, time_col, &w);
        }
        if (got < 0)
            status = got;
        else if (got > 0)
            status = cxm__rfm_feeder_add(&f, &w);
    }
    if (status == CXM_OK && more < 0)
        status = more;
    status = cxm__rfm_feeder_finish(&f, status);
    if (status != CXM_OK || !r->any_unsorted)
        return status;

    /* Second pass for the customers whose rows came out of time order. */
    rfm_pairs set;
    status = cxm__rfm_recount_begin(r, &set);
    if (status == CXM_OK)
        status = cxm__csv_rewind(csv);
    if (status == CXM_OK)
        status = cxm__rfm_feeder_start(&f, r, threads, &set);
    while (status == CXM_OK && (more = cxm__csv_next(csv)) > 0) {
        int got = csv_row(r, csv, id_col, time_col, amount_col, &w, true);
        if (got <= 0)
            continue; /* skipped (and counted) in the first pass */
        w.k = cxm__rfm_unit_of(r, w.t);
        if (w.k <= r->obs_k)
            status = cxm__rfm_feeder_add(&f, &w);
    }
    if (status == CXM_OK && more < 0)
        status = more;
    status = cxm__rfm_feeder_finish(&f, status);
    cxm__rfm_recount_end(&set);
    return status;
}

/* The summary of an open reader (from a file, or from memory for tests and fuzzing). */
static int read_from(cxm_rfm **out, cxm_csv *csv, int open_status, const char *customer_column,
                     const char *time_column, const char *amount_column,
                     const cxm_rfm_options *options)
{
    cxm_rfm *r = NULL;
    int status = open_status;
    if (status == CXM_OK)
        status = cxm__rfm_create(&r, options);
    if (status != CXM_OK) {
        cxm__csv_close(csv);
        return status;
    }
    const char *source = cxm__csv_name(csv);
    r->has_amount = amount_column != NULL;
    size_t id_col = 0, time_col = 0, amount_col = 0;
    status = cxm__csv_find_column(csv, customer_column, &id_col);
    if (status == CXM_OK)
        status = cxm__csv_find_column(csv, time_column, &time_col);
    if (status == CXM_OK && amount_column)
        status = cxm__csv_find_column(csv, amount_column, &amount_col);
    if (status == CXM_OK)
        status = check_header_is_not_data(csv, time_column, time_col, true);
    if (status == CXM_OK && amount_column)
        status = check_header_is_not_data(csv, amount_column, amount_col, false);
    if (status == CXM_OK) {
        const char *name = cxm__csv_column_name(csv, id_col);
        r->id_name = cxm__strdup(name && name[0] ? name : "customer_id");
        if (r->id_name == NULL)
            status = CXM_ENOMEM;
    }
    if (status == CXM_OK)
        status = cxm__hash_reserve(&r->ids, 512);
    if (status == CXM_OK)
        status = read_csv(r, csv, id_col, time_col, amount_col, r->threads);
    if (status == CXM_OK) {
        r->skipped = cxm__csv_skipped(csv);
        r->messages = cxm__csv_take_messages(csv, &r->nmessages);
        if (r->rows == 0) {
            if (r->after_end > 0)
                status = cxm__fail(CXM_EPARSE,
                                   "%s: the observation period is empty: every row is after the "
                                   "observation end",
                                   source);
            else if (r->skipped > 0)
                status = cxm__fail(CXM_EPARSE, "%s: no valid rows (%llu skipped; the first: %s)",
                                   source, r->skipped, r->nmessages ? r->messages[0] : "?");
            else
                status = cxm__fail(CXM_EPARSE, "%s: no transactions after the header", source);
        }
    }
    if (status == CXM_OK)
        status = cxm__rfm_finish(r, source);
    cxm__csv_close(csv);
    if (status != CXM_OK) {
        cxm_rfm_free(r);
        return status;
    }
    *out = r;
    return CXM_OK;
}

static int check_columns(cxm_rfm **out, const char *customer_column, const char *time_column)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = cxm__check_pointer(customer_column, "customer_column");
    if (status == CXM_OK)
        status = cxm__check_pointer(time_column, "time_column");
    if (status == CXM_OK)
        *out = NULL;
    return status;
}

int cxm_rfm_read_csv(cxm_rfm **out, const char *path, const char *customer_column,
                     const char *time_column, const char *amount_column,
                     const cxm_csv_options *csv_options, const cxm_rfm_options *options)
{
    int status = check_columns(out, customer_column, time_column);
    if (status == CXM_OK)
        status = cxm__check_pointer(path, "path");
    if (status != CXM_OK)
        return status;
    cxm_csv *csv = NULL;
    status = cxm__csv_open(&csv, path, csv_options);
    return read_from(out, csv, status, customer_column, time_column, amount_column,
                     options);
}

int cxm__rfm_read_memory(cxm_rfm **out, const void *data, size_t size, const char *name,
                         size_t read_size, const char *customer_column, const char *time_column,
                         const char *amount_column, const cxm_csv_options *csv_options,
                         const cxm_rfm_options *options)
{
    int status = check_columns(out, customer_column, time_column);
    if (status != CXM_OK)
        return status;
    cxm_csv *csv = NULL;
    status = cxm__csv_open_memory(&csv, data, size, name, csv_options, read_size);
    return read_from(out, csv, status, customer_column, time_column, amount_column,
                     options);
}

/* ------------------------------------------------------------------ from arrays */

static int array_row(uint64_t seed, size_t i, const int64_t *codes, const char *const *ids,
                     const double *time, const double *amount, rfm_row *w)
{
    if (codes) {
        w->code = codes[i];
        w->id = NULL;
        w->len = 0;
        w->hash = cxm__hash_step(seed, (uint64_t)codes[i]);
    } else {
        if (ids[i] == NULL)
            return cxm__fail_at(CXM_EINVAL, i, "the customer id is NULL");
        w->id = ids[i];
        w->len = strlen(ids[i]);
        if (w->len == 0)
            return cxm__fail_at(CXM_EINVAL, i, "the customer id is empty");
        w->code = 0;
        w->hash = cxm__hash_bytes(seed, w->id, w->len);
    }
    w->t = time[i];
    if (!(w->t >= -TIME_LIMIT && w->t <= TIME_LIMIT))
        return cxm__fail_at(CXM_EINVAL, i, "time %g is not a time within 1e9 days of 1970-01-01",
                            w->t);
    w->v = amount ? amount[i] : 0.0;
    if (!isfinite(w->v))
        return cxm__fail_at(CXM_EINVAL, i, "amount %g is not a finite number", w->v);
    return CXM_OK;
}

static int from_arrays(cxm_rfm **out, size_t n, const int64_t *codes, const char *const *ids,
                       const double *time, const double *amount, const cxm_rfm_options *options)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK && n > 0)
        status = cxm__check_pointer(codes ? (const void *)codes : (const void *)ids, "customer");
    if (status == CXM_OK && n > 0)
        status = cxm__check_pointer(time, "time");
    if (status != CXM_OK)
        return status;
    *out = NULL;
    cxm_rfm *r;
    if ((status = cxm__rfm_create(&r, options)) != CXM_OK)
        return status;
    r->codes = codes != NULL;
    r->has_amount = amount != NULL;
    rfm_feeder f;
    memset(&f, 0, sizeof f);
    if (status == CXM_OK)
        status = cxm__hash_reserve(&r->ids, 512);
    if (status == CXM_OK)
        status = cxm__rfm_feeder_start(&f, r, r->threads, NULL);
    for (size_t i = 0; status == CXM_OK && i < n; i++) {
        rfm_row w;
        status = array_row(r->ids.seed, i, codes, ids, time, amount, &w);
        if (status != CXM_OK)
            break;
        int got = cxm__rfm_place(r, &w);
        if (got < 0)
            status = cxm__fail_prefix_at(i);
        else if (got == 0)
            status = cxm__rfm_feeder_add(&f, &w);
    }
    status = cxm__rfm_feeder_finish(&f, status);
    if (status == CXM_OK && r->any_unsorted) {
        rfm_pairs set;
        status = cxm__rfm_recount_begin(r, &set);
        if (status == CXM_OK)
            status = cxm__rfm_feeder_start(&f, r, r->threads, &set);
        for (size_t i = 0; status == CXM_OK && i < n; i++) {
            rfm_row w;
            status = array_row(r->ids.seed, i, codes, ids, time, amount, &w);
            if (status != CXM_OK)
                break;
            w.k = cxm__rfm_unit_of(r, w.t);
            if (w.k <= r->obs_k)
                status = cxm__rfm_feeder_add(&f, &w);
        }
        status = cxm__rfm_feeder_finish(&f, status);
        cxm__rfm_recount_end(&set);
    }
    if (status == CXM_OK && !codes && (r->id_name = cxm__strdup("customer_id")) == NULL)
        status = CXM_ENOMEM;
    if (status == CXM_OK && codes && (r->id_name = cxm__strdup("customer_code")) == NULL)
        status = CXM_ENOMEM;
    if (status == CXM_OK)
        status = cxm__rfm_finish(r, NULL);
    if (status != CXM_OK) {
        cxm_rfm_free(r);
        return status;
    }
    *out = r;
    return CXM_OK;
}

int cxm_rfm_from_codes(cxm_rfm **out, size_t n, const int64_t *customer, const double *time,
                       const double *amount, const cxm_rfm_options *options)
{
    static const int64_t none[1] = { 0 };
    return from_arrays(out, n, customer ? customer : (n ? NULL : none), NULL, time, amount,
                       options);
}

int cxm_rfm_from_ids(cxm_rfm **out, size_t n, const char *const *customer, const double *time,
                     const double *amount, const cxm_rfm_options *options)
{
    static const char *const none[1] = { NULL };
    return from_arrays(out, n, NULL, customer ? customer : (n ? NULL : none), time, amount,
                       options);
}

