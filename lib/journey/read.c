/* Path files and journey event logs, read with the shared CSV reader (lib/io). */
#include "config.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <limits.h>
#include <stdlib.h>

#include "core/internal.h"
#include "core/pipeline.h"
#include "io/csv.h"
#include "journey/internal.h"

/* A column given by name or number (spec), or, when spec is NULL, the first
 * header name among the aliases (case-insensitive). spec "" means "none" for
 * an optional column. *index = SIZE_MAX when an optional column is absent. */
static int find_column(cxm_csv *csv, const char *spec, const char *const *aliases, int required,
                       const char *what, size_t *index)
{
    *index = SIZE_MAX;
    if (spec != NULL && spec[0] != '\0')
        return cxm__csv_find_column(csv, spec, index);
    if (spec != NULL) {
        if (required)
            return cxm__fail(CXM_EINVAL, "the %s column is required", what);
        return CXM_OK;
    }
    size_t n = cxm__csv_columns(csv);
    for (size_t a = 0; aliases[a]; a++)
        for (size_t i = 0; i < n; i++) {
            const char *name = cxm__csv_column_name(csv, i);
            if (name && strcasecmp(name, aliases[a]) == 0) {
                *index = i;
                return CXM_OK;
            }
        }
    if (!required)
        return CXM_OK;
    char looked[200] = "", header[400] = "";
    size_t used = 0;
    for (size_t a = 0; aliases[a] && used + 40 < sizeof looked; a++)
        used += (size_t)snprintf(looked + used, sizeof looked - used, "%s'%s'", a ? " or " : "",
                                 aliases[a]);
    used = 0;
    for (size_t i = 0; i < n && used + 40 < sizeof header; i++) {
        const char *name = cxm__csv_column_name(csv, i);
        used += (size_t)snprintf(header + used, sizeof header - used, "%s'%s'", i ? ", " : "",
                                 name ? name : "?");
    }
    return cxm__fail(CXM_ENOTFOUND, "%s: no %s column (looked for %s; the columns are %s)",
                     cxm__csv_name(csv), what, looked, header);
}

/* The library's message for a bad value, placed at file:line: column. */
static int row_error(cxm_csv *csv, size_t column, int status)
{
    if (status == CXM_ENOMEM || status == CXM_ERANGE)
        return status;
    char message[700];
    snprintf(message, sizeof message, "%s", cxm_error_message());
    cxm__csv_fail(csv, column, CXM_EPARSE, "%s", message);
    return cxm__csv_bad_row(csv);
}

static int optional_double(cxm_csv *csv, size_t column, double *out, double absent)
{
    if (column == SIZE_MAX) {
        *out = absent;
        return CXM_OK;
    }
    size_t length;
    const char *text = cxm__csv_field(csv, column, &length);
    while (length > 0 && (*text == ' ' || *text == '\t')) {
        text++;
        length--;
    }
    if (length == 0) {
        *out = absent;
        return CXM_OK;
    }
    return cxm__csv_get_double(csv, column, out);
}

static void keep_skipped(cxm_csv *csv, unsigned long long *skipped, char ***messages, size_t *n)
{
    *skipped = cxm__csv_skipped(csv);
    *messages = cxm__csv_take_messages(csv, n);
}

static void free_messages(char **messages, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cxm__free(messages[i]);
    cxm__free(messages);
}

static const cxm_csv_options *path_file_options(const cxm_csv_options *given,
                                                cxm_csv_options *local)
{
    if (given != NULL)
        return given;
    cxm_csv_options_init(local);
    local->delimiter = CXM_CSV_DETECT;
    return local;
}

/* A count or a value. Plain decimals of up to 15 digits ("3", "12.50") are
 * converted here: the digits are an exact integer m and 10^k is exact, so
 * m / 10^k is the correctly rounded value, as the reader would give.
 * Anything else goes to the reader, which also words the error. */
static int count_field(cxm_csv *csv, size_t column, double *out, double absent)
{
    static const double powers[16] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8,
                                       1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };
    if (column == SIZE_MAX) {
        *out = absent;
        return CXM_OK;
    }
    size_t length;
    const char *text = cxm__csv_field(csv, column, &length);
    if (length > 0 && length <= 16) {
        uint64_t m = 0;
        size_t i = 0, digits = 0, point = SIZE_MAX;
        for (; i < length; i++) {
            char ch = text[i];
            if (ch >= '0' && ch <= '9') {
                m = m * 10 + (uint64_t)(ch - '0');
                digits++;
            } else if (ch == '.' && point == SIZE_MAX && digits > 0) {
                point = i;
            } else {
                break;
            }
        }
        if (i == length && digits > 0 && digits <= 15 && point != length - 1) {
            size_t decimals = point == SIZE_MAX ? 0 : length - 1 - point;
            *out = (double)m / powers[decimals];
            return CXM_OK;
        }
    }
    return optional_double(csv, column, out, absent);
}

/* ------------------------------------------------------------------ path files
 * With a helper thread (cxm_paths_set_threads) the calling thread reads the
 * file, converts the counts and copies the path texts into a ring of chunks;
 * the helper parses the paths and adds them, in file order, so the result is
 * the one of a single thread. Problems in path texts are reported with the
 * file, line and column the reader would give, and, in skip mode, merged with
 * the reader's by line. */
enum { PCHUNK_ROWS = 8192, PCHUNK_TEXT = PCHUNK_ROWS * 48, KEEP = 10 };

typedef struct prow {
    size_t offset, length;
    double conv, nulls, value;
    unsigned long long line;
} prow;

typedef struct pchunk {
    size_t n, used;
    char text[PCHUNK_TEXT];
    prow rows[PCHUNK_ROWS];
} pchunk;

typedef struct pfeeder {
    cxm_paths *paths;
    char where[600];          /* "file" for messages */
    char column[128];         /* "'path'" */
    bool skip;
    cxm__pipeline pipeline;   /* chunks, and the helper thread when there is one */
    unsigned long long skipped;           /* rows skipped while applying */
    char *messages[KEEP];
    unsigned long long lines[KEEP];
    size_t nmessages;
} pfeeder;

/* Add one row; a bad path is skipped (skip mode) or fails with file:line. */
static int feed_row(pfeeder *f, const char *text, size_t length, double conv, double nulls,
                    double value, unsigned long long line)
{
    int status = cxm__paths_add_text(f->paths, text, length, conv, nulls, value);
    if (status == CXM_OK || status == CXM_ENOMEM || status == CXM_ERANGE)
        return status;
    char reason[700];
    snprintf(reason, sizeof reason, "%s", cxm_error_message());
    status = cxm__fail(CXM_EPARSE, "%s:%llu: column %s: %s", f->where, line, f->column, reason);
    if (!f->skip)
        return status;
    f->skipped++;
    if (f->nmessages < KEEP) {
        char *copy = cxm__strdup(cxm_error_message());
        if (copy == NULL)
            return CXM_ENOMEM;
        f->lines[f->nmessages] = line;
        f->messages[f->nmessages++] = copy;
    }
    return CXM_OK;
}

static int apply_pchunk(void *context, void *chunk)
{
    pfeeder *f = context;
    pchunk *ch = chunk;
    int status = CXM_OK;
    for (size_t i = 0; status == CXM_OK && i < ch->n; i++) {
        const prow *r = &ch->rows[i];
        status = feed_row(f, ch->text + r->offset, r->length, r->conv, r->nulls, r->value, r->line);
    }
    ch->n = ch->used = 0;
    return status;
}

static int pfeeder_start(pfeeder *f, cxm_paths *paths, cxm_csv *csv, size_t column, bool skip)
{
    memset(f, 0, sizeof *f);
    f->paths = paths;
    f->skip = skip;
    snprintf(f->where, sizeof f->where, "%s", cxm__csv_name(csv));
    cxm__csv_column_label(csv, column, f->column, sizeof f->column);
    unsigned threads = paths->threads;
    if (threads == 0)
        threads = sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 2 : 1;
    return cxm__pipeline_start(&f->pipeline, sizeof(pchunk), threads, apply_pchunk, f);
}

static int pfeeder_add(pfeeder *f, const char *text, size_t length, double conv, double nulls,
                       double value, unsigned long long line)
{
    int status;
    pchunk *ch = cxm__pipeline_chunk(&f->pipeline);
    if (length > PCHUNK_TEXT) {
        /* Too long for a chunk: once every earlier row is applied, apply it here. */
        if (ch->n > 0 && (status = cxm__pipeline_submit(&f->pipeline)) != CXM_OK)
            return status;
        if ((status = cxm__pipeline_wait(&f->pipeline)) != CXM_OK)
            return status;
        return feed_row(f, text, length, conv, nulls, value, line);
    }
    if (ch->n == PCHUNK_ROWS || ch->used + length > PCHUNK_TEXT) {
        if ((status = cxm__pipeline_submit(&f->pipeline)) != CXM_OK)
            return status;
        ch = cxm__pipeline_chunk(&f->pipeline);
    }
    prow *r = &ch->rows[ch->n++];
    memcpy(ch->text + ch->used, text, length);
    r->offset = ch->used;
    r->length = length;
    r->conv = conv;
    r->nulls = nulls;
    r->value = value;
    r->line = line;
    ch->used += length;
    return CXM_OK;
}

/* Let the helper finish. With a failure of the calling thread at a row,
 * every earlier row is still applied: an error met there first wins, as it
 * would without the helper. */
static int pfeeder_finish(pfeeder *f, int status)
{
    pchunk *ch = cxm__pipeline_chunk(&f->pipeline);
    bool drain = status == CXM_OK || status == CXM_EPARSE;
    return cxm__pipeline_finish(&f->pipeline, status, drain, ch && ch->n > 0);
}

/* Merge the reader's and the helper's skipped rows into the path set, by line. */
static void keep_path_skips(cxm_paths *paths, pfeeder *f, cxm_csv *csv)
{
    unsigned long long skipped;
    char **messages;
    size_t n;
    keep_skipped(csv, &skipped, &messages, &n);
    paths->skipped += skipped + f->skipped;
    size_t a = 0, b = 0;
    while (a < n || b < f->nmessages) {
        char *next;
        unsigned long long la = ULLONG_MAX;
        if (a < n) {
            /* the reader's messages start "file:LINE:" */
            const char *p = messages[a] + strlen(f->where);
            la = (*p == ':') ? strtoull(p + 1, NULL, 10) : 0;
        }
        if (b < f->nmessages && (a >= n || f->lines[b] < la)) {
            next = f->messages[b];
            f->messages[b++] = NULL;
        } else {
            next = messages[a];
            messages[a++] = NULL;
        }
        if (paths->nmessages < KEEP &&
            cxm__grow((void **)&paths->messages, &paths->messages_cap, paths->nmessages + 1,
                      sizeof *paths->messages) == CXM_OK)
            paths->messages[paths->nmessages++] = next;
        else
            cxm__free(next);
    }
    free_messages(messages, n);
    f->nmessages = 0;
}

int cxm_paths_set_threads(cxm_paths *paths, unsigned threads)
{
    int status = cxm__check_pointer(paths, "paths");
    if (status == CXM_OK && threads > 64)
        status = cxm__fail(CXM_EINVAL, "threads %u is not in 0..64", threads);
    if (status == CXM_OK)
        paths->threads = threads;
    return status;
}

int cxm_paths_read_csv(cxm_paths *paths, const char *filename, const char *path_column,
                       const char *conversions_column, const char *value_column,
                       const char *nulls_column, const cxm_csv_options *csv_options)
{
    int status = cxm__check_pointer(paths, "paths");
    if (status == CXM_OK)
        status = cxm__check_pointer(filename, "filename");
    if (status != CXM_OK)
        return status;
    static const char *const path_names[] = { "path", "paths", NULL };
    static const char *const conv_names[] = { "conversions", "total_conversions", "conversion",
                                              NULL };
    static const char *const value_names[] = { "value", "total_conversion_value",
                                               "conversion_value", NULL };
    static const char *const null_names[] = { "nulls", "total_null", "total_nulls", "null", NULL };
    cxm_csv_options local;
    const cxm_csv_options *options = path_file_options(csv_options, &local);
    cxm_csv *csv = NULL;
    size_t c_path, c_conv, c_value, c_null;
    status = cxm__csv_open(&csv, filename, options);
    if (status == CXM_OK)
        status = find_column(csv, path_column, path_names, 1, "path", &c_path);
    if (status == CXM_OK)
        status = find_column(csv, conversions_column, conv_names, 1, "conversions", &c_conv);
    if (status == CXM_OK)
        status = find_column(csv, value_column, value_names, 0, "value", &c_value);
    if (status == CXM_OK)
        status = find_column(csv, nulls_column, null_names, 0, "nulls", &c_null);
    pfeeder f;
    memset(&f, 0, sizeof f);
    if (status == CXM_OK)
        status = pfeeder_start(&f, paths, csv, c_path, cxm__csv_options(csv)->skip_bad_rows != 0);
    int more = 0;
    size_t before = paths->count;
    while (status == CXM_OK && (more = cxm__csv_next(csv)) > 0) {
        double conv, value, nulls;
        size_t length;
        status = count_field(csv, c_conv, &conv, NAN);
        if (status == CXM_OK)
            status = count_field(csv, c_value, &value, 0.0);
        if (status == CXM_OK)
            status = count_field(csv, c_null, &nulls, 0.0);
        if (status != CXM_OK) {
            status = cxm__csv_bad_row(csv);
            continue;
        }
        const char *text = cxm__csv_field(csv, c_path, &length);
        status = pfeeder_add(&f, text, length, conv, nulls, value, cxm__csv_line(csv));
    }
    if (status == CXM_OK && more < 0)
        status = more;
    status = pfeeder_finish(&f, status);
    if (status == CXM_OK && paths->count == before && cxm__csv_skipped(csv) == 0 && f.skipped == 0)
        status = cxm__fail(CXM_EPARSE, "%s: no paths after the header", filename);
    if (csv) {
        keep_path_skips(paths, &f, csv);
        cxm__csv_close(csv);
    }
    for (size_t i = 0; i < f.nmessages; i++)
        cxm__free(f.messages[i]);
    return status;
}

unsigned long long cxm_paths_skipped(const cxm_paths *paths)
{
    return paths ? paths->skipped : 0;
}

const char *cxm_paths_skipped_message(const cxm_paths *paths, size_t i)
{
    return (paths && i < paths->nmessages) ? paths->messages[i] : NULL;
}

/* ------------------------------------------------------------------ event logs */

int cxm_journeys_read_csv(cxm_journeys *journeys, const char *filename,
                          const char *customer_column, const char *time_column,
                          const char *touchpoint_column, const char *value_column,
                          const char *rating_column, const char *valence_column,
                          const char *segment_column, const cxm_csv_options *csv_options)
{
    int status = cxm__check_pointer(journeys, "journeys");
    if (status == CXM_OK)
        status = cxm__check_pointer(filename, "filename");
    if (status != CXM_OK)
        return status;
    static const char *const customer_names[] = { "customer", "customer_id", "id", NULL };
    static const char *const time_names[] = { "timestamp", "time", "date", "datetime", NULL };
    static const char *const tp_names[] = { "touchpoint", "touchpoint_id", NULL };
    static const char *const value_names[] = { "value", "amount", NULL };
    static const char *const rating_names[] = { "rating", "customer_rating", NULL };
    static const char *const valence_names[] = { "valence", "emotion", NULL };
    static const char *const no_names[] = { NULL };
    cxm_csv *csv = NULL;
    size_t c_cust, c_time, c_tp, c_value, c_rating, c_valence, c_segment;
    status = cxm__csv_open(&csv, filename, csv_options);
    if (status == CXM_OK)
        status = find_column(csv, customer_column, customer_names, 1, "customer", &c_cust);
    if (status == CXM_OK)
        status = find_column(csv, time_column, time_names, 1, "timestamp", &c_time);
    if (status == CXM_OK)
        status = find_column(csv, touchpoint_column, tp_names, 1, "touchpoint", &c_tp);
    if (status == CXM_OK)
        status = find_column(csv, value_column, value_names, 0, "value", &c_value);
    if (status == CXM_OK)
        status = find_column(csv, rating_column, rating_names, 0, "rating", &c_rating);
    if (status == CXM_OK)
        status = find_column(csv, valence_column, valence_names, 0, "valence", &c_valence);
    if (status == CXM_OK)
        status = find_column(csv, segment_column, no_names, 0, "segment", &c_segment);
    char *customer = NULL, *touchpoint = NULL, *segment = NULL;
    size_t cap[3] = { 0, 0, 0 };
    int more = 0;
    size_t before = cxm__journeys_event_count(journeys);
    while (status == CXM_OK && (more = cxm__csv_next(csv)) > 0) {
        const char *text[3] = { NULL, NULL, NULL };
        size_t length[3] = { 0, 0, 0 };
        double time, value, rating, valence;
        status = cxm__csv_get_text(csv, c_cust, &text[0], &length[0]);
        if (status == CXM_OK)
            status = cxm__csv_get_time(csv, c_time, &time);
        if (status == CXM_OK)
            status = cxm__csv_get_text(csv, c_tp, &text[1], &length[1]);
        if (status == CXM_OK)
            status = optional_double(csv, c_value, &value, NAN);
        if (status == CXM_OK)
            status = optional_double(csv, c_rating, &rating, NAN);
        if (status == CXM_OK)
            status = optional_double(csv, c_valence, &valence, NAN);
        if (status == CXM_OK && c_segment != SIZE_MAX)
            text[2] = cxm__csv_field(csv, c_segment, &length[2]);
        if (status != CXM_OK) {
            status = cxm__csv_bad_row(csv);
            continue;
        }
        /* NUL-terminated copies for the event API */
        char **copies[3] = { &customer, &touchpoint, &segment };
        for (int k = 0; status == CXM_OK && k < 3; k++) {
            status = cxm__grow((void **)copies[k], &cap[k], length[k] + 1, 1);
            if (status == CXM_OK) {
                if (length[k])
                    memcpy(*copies[k], text[k], length[k]);
                (*copies[k])[length[k]] = '\0';
            }
        }
        if (status != CXM_OK)
            break;
        status = cxm_journeys_add_event(journeys, customer, time, touchpoint, value, rating,
                                        valence, segment);
        if (status != CXM_OK)
            status = row_error(csv, status == CXM_ENOTFOUND ? c_tp : c_cust, status);
    }
    if (status == CXM_OK && more < 0)
        status = more;
    if (status == CXM_OK && cxm__journeys_event_count(journeys) == before && cxm__csv_skipped(csv) == 0)
        status = cxm__fail(CXM_EPARSE, "%s: no events after the header", filename);
    if (csv) {
        unsigned long long skipped;
        char **messages;
        size_t n;
        keep_skipped(csv, &skipped, &messages, &n);
        cxm__journeys_note_skipped(journeys, skipped, messages, n);
        cxm__csv_close(csv);
    }
    cxm__free(customer);
    cxm__free(touchpoint);
    cxm__free(segment);
    return status;
}
