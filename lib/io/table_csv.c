/* Tables (cxm/table.h, lib/core/table.c) as CSV files.
 *
 * cxm_table_read_csv: numeric columns (and ids) from a delimited file, for
 * the cxm program and other C callers of the model engine. Reads with the
 * shared strict reader (lib/io/csv.h); nothing here parses text itself.
 *
 * cxm_table_write_csv: a table as a CSV file, complete or untouched
 * (lib/core/file.h); cxm_sim_write writes several through
 * cxm__table_write_file. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/file.h"
#include "core/internal.h"
#include "core/table.h"
#include "cxm/io.h"
#include "cxm/table.h"
#include "io/csv.h"
#include "io/table_csv.h"

/* The rows while they are read: the table needs its row count up front. */
typedef struct buffers {
    size_t rows, capacity, ncolumns;
    double **values;       /* NULL for absent optional columns */
    size_t *id_offset;     /* NULL without ids */
    unsigned long long *line; /* each row's line in the file */
    char *id_text;
    size_t id_used, id_capacity;
} buffers;

static void buffers_free(buffers *b)
{
    for (size_t c = 0; b->values && c < b->ncolumns; c++)
        cxm__free(b->values[c]);
    cxm__free(b->values);
    cxm__free(b->id_offset);
    cxm__free(b->id_text);
    cxm__free(b->line);
}

/* Resolve "a|b|3" (first present wins) and a leading '?' (optional). */
static int resolve(cxm_csv *csv, const char *spec, size_t *index, int *present)
{
    int optional = spec[0] == '?';
    const char *alternatives = optional ? spec + 1 : spec;
    char one[256];
    *present = 0;
    for (const char *p = alternatives;;) {
        const char *bar = strchr(p, '|');
        size_t length = bar ? (size_t)(bar - p) : strlen(p);
        if (length >= sizeof one)
            return cxm__fail(CXM_EINVAL, "column name '%.40s...' is too long", p);
        memcpy(one, p, length);
        one[length] = '\0';
        if (length > 0 && cxm__csv_find_column(csv, one, index) == CXM_OK) {
            *present = 1;
            cxm_error_clear();
            return CXM_OK;
        }
        if (bar == NULL)
            break;
        p = bar + 1;
    }
    if (optional)
        return CXM_OK;
    /* Say what was looked for and what the file has. */
    const char *last = strrchr(alternatives, '|');
    int status = cxm__csv_find_column(csv, last ? last + 1 : alternatives, index);
    if (last && status == CXM_ENOTFOUND)
        cxm__fail_prefix("none of the columns '%s' exists: ", alternatives);
    return status;
}

/* The table's name for a spec: its first alternative, without '?'. */
static void spec_name(const char *spec, char *name, size_t size)
{
    if (spec[0] == '?')
        spec++;
    size_t length = strcspn(spec, "|");
    if (length >= size)
        length = size - 1;
    memcpy(name, spec, length);
    name[length] = '\0';
}

static int grow_rows(buffers *b, int with_ids)
{
    size_t capacity = b->capacity ? 2 * b->capacity : 1024;
    for (size_t c = 0; c < b->ncolumns; c++) {
        if (b->values[c] == NULL)
            continue;
        double *bigger = cxm__reallocarray(b->values[c], capacity, sizeof *bigger);
        if (bigger == NULL)
            return CXM_ENOMEM;
        b->values[c] = bigger;
    }
    unsigned long long *lines = cxm__reallocarray(b->line, capacity, sizeof *lines);
    if (lines == NULL)
        return CXM_ENOMEM;
    b->line = lines;
    if (with_ids) {
        size_t *offsets = cxm__reallocarray(b->id_offset, capacity, sizeof *offsets);
        if (offsets == NULL)
            return CXM_ENOMEM;
        b->id_offset = offsets;
    }
    b->capacity = capacity;
    return CXM_OK;
}

static int append_id(buffers *b, const char *text, size_t length)
{
    if (b->id_used + length + 1 > b->id_capacity) {
        size_t capacity = b->id_capacity ? b->id_capacity : 4096;
        while (capacity < b->id_used + length + 1)
            capacity *= 2;
        char *bigger = cxm__realloc(b->id_text, capacity);
        if (bigger == NULL)
            return CXM_ENOMEM;
        b->id_text = bigger;
        b->id_capacity = capacity;
    }
    b->id_offset[b->rows] = b->id_used;
    memcpy(b->id_text + b->id_used, text, length);
    b->id_text[b->id_used + length] = '\0';
    b->id_used += length + 1;
    return CXM_OK;
}

/* The buffers as a result table: number columns named after their specs,
 * the ids as text column "id". */
static int build_table(cxm_table **out, buffers *b, const char *const *columns)
{
    cxm_table *t = NULL;
    int status = cxm__table_create(&t, b->rows);
    for (size_t c = 0; status == CXM_OK && c < b->ncolumns; c++) {
        if (b->values[c] == NULL)
            continue;
        char name[256];
        double *data;
        spec_name(columns[c], name, sizeof name);
        status = cxm__table_add_numbers(t, name, &data);
        if (status == CXM_OK)
            memcpy(data, b->values[c], b->rows * sizeof *data);
    }
    if (status == CXM_OK && b->id_offset) {
        size_t column;
        status = cxm__table_add_texts(t, "id", &column);
        for (size_t i = 0; status == CXM_OK && i < b->rows; i++)
            status = cxm__table_set_text(t, column, i, b->id_text + b->id_offset[i]);
    }
    if (status != CXM_OK) {
        cxm_table_free(t);
        return status;
    }
    t->lines = b->line; /* the table owns the lines now */
    b->line = NULL;
    *out = t;
    return CXM_OK;
}

int cxm_table_read_csv(cxm_table **out, const char *path, const char *id_column,
                       size_t ncolumns, const char *const *columns, const cxm_csv_options *csv)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        *out = NULL;
    if (status == CXM_OK)
        status = cxm__check_pointer(path, "path");
    if (status == CXM_OK && ncolumns > 0)
        status = cxm__check_pointer(columns, "columns");
    for (size_t c = 0; status == CXM_OK && c < ncolumns; c++)
        if (columns[c] == NULL || columns[c][0] == '\0' ||
            (columns[c][0] == '?' && columns[c][1] == '\0'))
            status = cxm__fail(CXM_EINVAL, "column %zu's name must not be empty", c);
    if (status != CXM_OK)
        return status;

    buffers b;
    memset(&b, 0, sizeof b);
    size_t *index = cxm__calloc(ncolumns ? ncolumns : 1, sizeof *index);
    cxm_csv *reader = NULL;
    size_t id_index = 0;
    int with_ids = 0;
    b.ncolumns = ncolumns;
    b.values = cxm__calloc(ncolumns ? ncolumns : 1, sizeof *b.values);
    if (index == NULL || b.values == NULL) {
        status = CXM_ENOMEM;
        goto done;
    }
    status = cxm__csv_open(&reader, path, csv);
    if (status != CXM_OK)
        goto done;
    for (size_t c = 0; c < ncolumns && status == CXM_OK; c++) {
        int present;
        status = resolve(reader, columns[c], &index[c], &present);
        if (status == CXM_OK && present) {
            b.values[c] = cxm__malloc(sizeof(double));
            if (b.values[c] == NULL)
                status = CXM_ENOMEM;
        }
    }
    if (status == CXM_OK && id_column)
        status = resolve(reader, id_column, &id_index, &with_ids);
    while (status == CXM_OK && (status = cxm__csv_next(reader)) > 0) {
        status = CXM_OK;
        if (b.rows == b.capacity && (status = grow_rows(&b, with_ids)) != CXM_OK)
            break;
        int bad = 0;
        for (size_t c = 0; c < ncolumns && !bad; c++) {
            if (b.values[c] == NULL)
                continue;
            double v;
            if (cxm__csv_get_double(reader, index[c], &v) != CXM_OK) {
                bad = 1;
            } else if (!isfinite(v)) {
                cxm__csv_fail(reader, index[c], CXM_EPARSE, "'%g' is not a finite number", v);
                bad = 1;
            } else {
                b.values[c][b.rows] = v;
            }
        }
        if (!bad && with_ids) {
            const char *text;
            size_t length;
            if (cxm__csv_get_text(reader, id_index, &text, &length) != CXM_OK)
                bad = 1;
            else if ((status = append_id(&b, text, length)) != CXM_OK)
                break;
        }
        if (bad) {
            if (cxm_error_status() == CXM_ENOMEM) {
                status = CXM_ENOMEM;
                break;
            }
            status = cxm__csv_bad_row(reader); /* CXM_OK when skipping */
            continue;
        }
        b.line[b.rows] = cxm__csv_line(reader);
        b.rows++;
    }
    if (status == CXM_OK)
        status = build_table(out, &b, columns);
done:
    cxm__csv_close(reader);
    cxm__free(index);
    buffers_free(&b);
    return status;
}

/* ------------------------------------------------------------------ writing */

static void write_text(FILE *f, const char *text)
{
    if (strpbrk(text, ",\"\r\n") == NULL) {
        fputs(text, f);
        return;
    }
    fputc('"', f);
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
}

/* The fewest digits (up to 17) that read back exactly. */
static void write_number(FILE *f, double v)
{
    char text[40];
    for (int digits = 6; digits <= 17; digits++) {
        snprintf(text, sizeof text, "%.*g", digits, v);
        if (strtod(text, NULL) == v)
            break;
    }
    fputs(text, f);
}

/* The rows of a table as CSV; name (the path) goes into messages. */
static int write_table(FILE *f, const cxm_table *table, const unsigned char *is_time,
                       const char *name)
{
    size_t nc = table->ncolumns;
    for (size_t j = 0; j < nc; j++) {
        if (j)
            fputc(',', f);
        write_text(f, table->columns[j].name);
    }
    fputc('\n', f);
    for (size_t i = 0; i < table->rows; i++) {
        for (size_t j = 0; j < nc; j++) {
            const cxm__column *c = &table->columns[j];
            if (j)
                fputc(',', f);
            if (c->type == CXM_COLUMN_TEXT) {
                write_text(f, c->texts[i]);
                continue;
            }
            double v = c->numbers[i];
            if (isnan(v))
                continue;
            if (is_time[j]) {
                char date[40];
                if (cxm_time_format(date, sizeof date, v) != CXM_OK)
                    return cxm__fail_prefix("%s: row %zu: column '%s': ", name, i + 1, c->name);
                fputs(date, f);
            } else {
                write_number(f, v);
            }
        }
        fputc('\n', f);
    }
    return CXM_OK;
}

int cxm__table_write_file(cxm__file *file, const cxm_table *table, const char *const *time_columns)
{
    size_t nc = table->ncolumns;
    unsigned char *is_time = cxm__calloc(nc ? nc : 1, 1);
    if (is_time == NULL)
        return CXM_ENOMEM;
    int status = CXM_OK;
    for (size_t i = 0; time_columns && time_columns[i] && status == CXM_OK; i++) {
        size_t j;
        if (cxm_table_find(&j, table, time_columns[i]) != CXM_OK)
            status = cxm__fail(CXM_EINVAL, "time_columns[%zu]: the table has no column '%s'", i,
                               time_columns[i]);
        else if (table->columns[j].type != CXM_COLUMN_NUMBER)
            status = cxm__fail(CXM_EINVAL, "time_columns[%zu]: column '%s' holds text", i,
                               time_columns[i]);
        else
            is_time[j] = 1;
    }
    if (status == CXM_OK)
        status = write_table(file->stream, table, is_time, file->path);
    cxm__free(is_time);
    return status;
}

int cxm_table_write_csv(const cxm_table *table, const char *path, const char *const *time_columns)
{
    int status = cxm__check_pointer(table, "table");
    if (status == CXM_OK)
        status = cxm__check_pointer(path, "path");
    if (status != CXM_OK)
        return status;
    cxm__file file;
    if ((status = cxm__file_open(&file, path)) != CXM_OK)
        return status;
    status = cxm__table_write_file(&file, table, time_columns);
    if (status != CXM_OK) {
        cxm__file_abort(&file);
        return status;
    }
    return cxm__file_commit(&file);
}
