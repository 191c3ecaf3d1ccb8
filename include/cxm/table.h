/**
 * @file cxm/table.h
 * @brief Result tables: named columns of numbers or text, plus named scalars.
 *
 * Analyses that return several quantities per channel, touchpoint, segment
 * or customer (attribution, funnel, experience map, ...) return a
 * ::cxm_table. A table is read-only once returned and safe to read from many
 * threads. Columns are looked up by name; each function that returns a table
 * documents its columns and scalars, and new columns may be added in later
 * versions (that is not an ABI change), so look columns up by name, never by
 * position. Missing numbers are NaN.
 *
 *     cxm_table *t;
 *     if (cxm_attribution_markov(&t, paths, NULL) == CXM_OK) {
 *         double re;
 *         cxm_table_number(&re, t, 0, "removal_effect");
 *         printf("%s %g\n", cxm_table_text(t, 0, "channel"), re);
 *         cxm_table_free(t);
 *     }
 */
#ifndef CXM_TABLE_H
#define CXM_TABLE_H

#include "cxm/common.h"
#include "cxm/io.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An immutable result table (opaque). */
typedef struct cxm_table cxm_table;

/** What a column holds. */
typedef enum cxm_column_type {
    CXM_COLUMN_NUMBER = 0, /**< doubles; NaN marks a missing value */
    CXM_COLUMN_TEXT = 1    /**< NUL-terminated UTF-8 strings (labels) */
} cxm_column_type;

/** Release a table. NULL is accepted. */
CXM_API void cxm_table_free(cxm_table *table);

/** Number of rows (0 for NULL). */
CXM_API size_t cxm_table_rows(const cxm_table *table);

/**
 * The line of the file on which row @p row starts (1-based, the header
 * counted), for a table from cxm_table_read_csv(): errors about a row's
 * values can then name "file:line" even when rows were skipped. 0 for other
 * tables, NULL or a row out of range.
 */
CXM_API unsigned long long cxm_table_line(const cxm_table *table, size_t row);

/** Number of columns (0 for NULL). */
CXM_API size_t cxm_table_columns(const cxm_table *table);

/** Name of column @p column, or NULL when it is out of range. */
CXM_API const char *cxm_table_column_name(const cxm_table *table, size_t column);

/** Type of column @p column (#CXM_COLUMN_NUMBER when out of range). */
CXM_API cxm_column_type cxm_table_column_type(const cxm_table *table, size_t column);

/**
 * Position of the column called @p name.
 *
 * @return #CXM_OK, #CXM_EINVAL (NULL argument) or #CXM_ENOTFOUND (no such
 *         column; the message lists the columns there are).
 */
CXM_API int cxm_table_find(size_t *index, const cxm_table *table, const char *name);

/**
 * One number: row @p row of number column @p column.
 *
 * @return #CXM_OK, #CXM_ENOTFOUND (no such column), #CXM_EINVAL (the column
 *         holds text, or row is out of range).
 */
CXM_API int cxm_table_number(double *out, const cxm_table *table, size_t row, const char *column);

/**
 * A whole number column copied into @p dst.
 *
 * @param dst    caller-allocated, @p dst_n = cxm_table_rows() doubles.
 * @param dst_n length of @p dst; must equal cxm_table_rows().
 * @param table the table.
 * @param column the column's name.
 * @return #CXM_OK, #CXM_ENOTFOUND, or #CXM_EINVAL (text column, wrong @p dst_n).
 */
CXM_API int cxm_table_numbers(double *dst, size_t dst_n, const cxm_table *table,
                              const char *column);

/**
 * One text cell. The string belongs to the table.
 *
 * @return the text, or NULL (with cxm_error_message() saying why) when the
 *         column does not exist, holds numbers, or the row is out of range.
 */
CXM_API const char *cxm_table_text(const cxm_table *table, size_t row, const char *column);

/** Number of named scalars (totals, probabilities, diagnostics) the table carries. */
CXM_API size_t cxm_table_scalars(const cxm_table *table);

/** Name of scalar @p i, or NULL when out of range. */
CXM_API const char *cxm_table_scalar_name(const cxm_table *table, size_t i);

/**
 * The scalar called @p name.
 *
 * @return #CXM_OK, or #CXM_ENOTFOUND (the message lists the scalars there are).
 */
CXM_API int cxm_table_scalar(double *out, const cxm_table *table, const char *name);

/**
 * Write one result table as CSV (a header, then the rows; columns named
 * in @p time_columns are written as ISO 8601 times, NaN as an empty field).
 * The file is complete or untouched: it is replaced only once fully written
 * (docs/io.md).
 *
 * @param table         a table (e.g. from cxm_sim_events(), cxm/sim.h).
 * @param path          the file to create or replace.
 * @param time_columns  NULL-terminated names of columns holding days since
 *                      1970-01-01, or NULL.
 * @return #CXM_OK, #CXM_EIO (naming the file and the reason; an earlier
 *         file is left as it was), #CXM_EINVAL.
 */
CXM_API int cxm_table_write_csv(const cxm_table *table, const char *path,
                                const char *const *time_columns);

/**
 * Read numeric columns, and optionally an id column, from a delimited text
 * file (CSV and friends, with the strict reader of cxm/io.h) into a
 * ::cxm_table, e.g. a customer summary to fit or predict on.
 *
 * Each column spec is a header name or a 1-based number, or alternatives
 * separated by '|' of which the first present is used ("frequency|x" reads
 * cxm rfm's and the papers' names alike). A spec starting with '?' is
 * optional: when absent, the table has no such column. In the table, each
 * column is named after the first alternative of its spec ("frequency" for
 * "?frequency|x"), so that callers find it whatever the file calls it; the
 * ids are the text column "id". Values must be finite numbers ("orders.csv:12:
 * column 'T': 'abc' is not a number"); with @c csv->skip_bad_rows bad rows are
 * skipped instead.
 *
 * @param[out] out   the table, released with cxm_table_free().
 * @param path       the file.
 * @param id_column  spec of a text column of ids (non-empty text), or NULL.
 * @param ncolumns   number of numeric columns.
 * @param columns    @p ncolumns column specs.
 * @param csv        the file's layout, NULL for comma-separated with a header.
 * @return #CXM_OK, #CXM_EIO, #CXM_ENOTFOUND (a missing column; the message
 *         lists the header), #CXM_EPARSE, #CXM_EINVAL, #CXM_ENOMEM.
 */
CXM_API int cxm_table_read_csv(cxm_table **out, const char *path, const char *id_column,
                               size_t ncolumns, const char *const *columns,
                               const cxm_csv_options *csv);

#ifdef __cplusplus
}
#endif

#endif /* CXM_TABLE_H */
