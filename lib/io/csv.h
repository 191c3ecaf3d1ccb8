/* The shared input layer: a streaming, strict reader of delimited text.
 * Internal to libcxm; every module that reads files uses it.
 *
 * Usage:
 *
 *     cxm_csv *csv;
 *     int status = cxm__csv_open(&csv, path, options);      // options may be NULL
 *     size_t id_col, date_col;
 *     if (status == CXM_OK) status = cxm__csv_find_column(csv, "customer", &id_col);
 *     if (status == CXM_OK) status = cxm__csv_find_column(csv, "date", &date_col);
 *     while (status == CXM_OK && (status = cxm__csv_next(csv)) > 0) {
 *         double day;
 *         status = cxm__csv_get_time(csv, date_col, &day);
 *         if (status != CXM_OK) {                  // the message names file:line:column
 *             status = cxm__csv_bad_row(csv);      // CXM_OK in skip mode: go on
 *             continue;
 *         }
 *         ... cxm__csv_field(csv, id_col, &len) ...
 *     }
 *     cxm__csv_close(csv);                         // status is 0 at the end, < 0 on error
 *
 * Records are split into fields in place: field pointers stay valid until
 * the next cxm__csv_next(). Quoted fields are unquoted ("" becomes "). Field
 * text is not NUL-terminated.
 *
 * Structural problems (wrong number of fields, a character after a closing
 * quote, a bare CR) are bad records: cxm__csv_next() fails with them, or, in
 * skip mode, skips and records them itself. Problems after which the reader
 * cannot find the next record (NUL bytes, a record longer than
 * max_record_bytes, end of file inside quotes, read errors) always fail.
 */
#ifndef CXM_IO_CSV_H
#define CXM_IO_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "core/internal.h"
#include "cxm/io.h"
#include "io/date.h"

typedef struct cxm_csv cxm_csv;

typedef struct cxm_csv_field {
    const char *text;
    size_t length;
} cxm_csv_field;

/* Open a file. The name used in messages is the path as given. */
int cxm__csv_open(cxm_csv **out, const char *path, const cxm_csv_options *options);

/* Read from memory (copied in chunks, so data may be freed only after
 * close). chunk is the read size, 0 for the default: tests pass tiny chunks
 * to exercise records that straddle reads. */
int cxm__csv_open_memory(cxm_csv **out, const void *data, size_t size, const char *name,
                         const cxm_csv_options *options, size_t chunk);

void cxm__csv_close(cxm_csv *csv);

/* Read the data again from the first record after the header (for a second
 * pass). Skipped-record counts and messages are kept; records skipped again
 * are not counted twice. */
int cxm__csv_rewind(cxm_csv *csv);

/* Fields per record: the header's (or the first record's) count. */
size_t cxm__csv_columns(const cxm_csv *csv);
/* The header name of column i (0-based), or NULL without a header. */
const char *cxm__csv_column_name(const cxm_csv *csv, size_t i);
/* Column label for messages: "'date'" or "3" (1-based) without a header. */
void cxm__csv_column_label(const cxm_csv *csv, size_t i, char *dst, size_t size);
bool cxm__csv_has_header(const cxm_csv *csv);
/* The effective delimiter (after detection): a byte or CXM_CSV_WHITESPACE. */
int cxm__csv_delimiter(const cxm_csv *csv);
const char *cxm__csv_name(const cxm_csv *csv);

/* Resolve a column given by header name or by 1-based number ("3") to a
 * 0-based index. A header name wins over a number. CXM_ENOTFOUND names the
 * column and lists the header; CXM_EINVAL for an empty spec. */
int cxm__csv_find_column(const cxm_csv *csv, const char *spec, size_t *index);

/* Move to the next record: 1 when there is one, 0 at the end of the data,
 * or a negative status (message set). */
int cxm__csv_next(cxm_csv *csv);

/* The current record. */
const cxm_csv_field *cxm__csv_fields(const cxm_csv *csv);
const char *cxm__csv_field(const cxm_csv *csv, size_t i, size_t *length);
/* Line on which the current record starts (1-based, counting the header). */
unsigned long long cxm__csv_line(const cxm_csv *csv);
/* Data records returned so far (not counting the header or skipped ones). */
unsigned long long cxm__csv_records(const cxm_csv *csv);

/* Typed access to a field of the current record. Blanks around the value
 * are ignored. On failure the message is
 * "NAME:LINE: column 'COL': 'VALUE' is not a number" (or "... a valid date:
 * REASON", "... is empty") and CXM_EPARSE is returned. */
int cxm__csv_get_double(cxm_csv *csv, size_t column, double *out);
int cxm__csv_get_time(cxm_csv *csv, size_t column, double *days); /* uses options->date_format */
/* A field that must not be empty (customer ids, names). */
int cxm__csv_get_text(cxm_csv *csv, size_t column, const char **text, size_t *length);

/* Fail with "NAME:LINE: column 'COL': " + message. Returns status. */
int cxm__csv_fail(cxm_csv *csv, size_t column, int status, const char *fmt, ...)
    CXM_PRINTF(4, 5);
/* Fail with "NAME:LINE: " + message. Returns status. */
int cxm__csv_fail_line(cxm_csv *csv, int status, const char *fmt, ...) CXM_PRINTF(3, 4);

/* The current record is bad and the current error message says why. In
 * strict mode return that error; in skip mode count the record, keep the
 * message (the first max_reported) and return CXM_OK. */
int cxm__csv_bad_row(cxm_csv *csv);

/* Records skipped as bad, and the kept messages. */
unsigned long long cxm__csv_skipped(const cxm_csv *csv);
size_t cxm__csv_skipped_reported(const cxm_csv *csv);
const char *cxm__csv_skipped_message(const cxm_csv *csv, size_t i);
/* Take ownership of the kept messages (an array of n cxm__malloc'ed
 * strings); the reader forgets them. */
char **cxm__csv_take_messages(cxm_csv *csv, size_t *n);

/* The options the reader works with: the caller's (read for the caller's
 * version, docs/ABI.md) over the defaults. Read fields here, never from the
 * pointer a caller gave: an older caller's struct is shorter. */
const cxm_csv_options *cxm__csv_options(const cxm_csv *csv);

#endif
