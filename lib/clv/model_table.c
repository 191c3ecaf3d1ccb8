/* cxm_table: numeric columns (and ids) from a delimited file, for the cxm
 * program and other C callers of the model engine. Reads with the shared
 * strict reader (lib/io/csv.h); nothing here parses text itself. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/internal.h"
#include "cxm/model.h"
#include "io/csv.h"

struct cxm_table {
    size_t rows, capacity, ncolumns;
    double **values;        /* ncolumns arrays, NULL for absent optional columns */
    char **names;           /* the header name (or number) each column came from */
    char *id_name;
    size_t *id_offset;      /* rows offsets into id_text, or NULL */
    char *id_text;
    size_t id_used, id_capacity;
};

void cxm_table_free(cxm_table *table)
{
    if (table == NULL)
        return;
    for (size_t c = 0; c < table->ncolumns; c++) {
        if (table->values)
            cxm__free(table->values[c]);
        if (table->names)
            cxm__free(table->names[c]);
    }
    cxm__free(table->values);
    cxm__free(table->names);
    cxm__free(table->id_name);
    cxm__free(table->id_offset);
    cxm__free(table->id_text);
    cxm__free(table);
}

size_t cxm_table_rows(const cxm_table *table)
{
    return table ? table->rows : 0;
}

const double *cxm_table_values(const cxm_table *table, size_t column)
{
    if (table == NULL || column >= table->ncolumns)
        return NULL;
    return table->values[column];
}

const char *cxm_table_column_name(const cxm_table *table, size_t column)
{
    if (table == NULL || column >= table->ncolumns)
        return NULL;
    return table->names[column];
}

const char *cxm_table_id(const cxm_table *table, size_t row)
{
    if (table == NULL || table->id_offset == NULL || row >= table->rows)
        return NULL;
    return table->id_text + table->id_offset[row];
}

const char *cxm_table_id_name(const cxm_table *table)
{
    return table ? table->id_name : NULL;
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

static int column_label(cxm_csv *csv, size_t index, char **out)
{
    char label[512];
    const char *name = cxm__csv_column_name(csv, index);
    if (name)
        snprintf(label, sizeof label, "%s", name);
    else
        snprintf(label, sizeof label, "%zu", index + 1);
    *out = cxm__strdup(label);
    return *out ? CXM_OK : CXM_ENOMEM;
}

static int grow_rows(cxm_table *t, int with_ids)
{
    size_t capacity = t->capacity ? 2 * t->capacity : 1024;
    for (size_t c = 0; c < t->ncolumns; c++) {
        if (t->values[c] == NULL)
            continue;
        double *bigger = cxm__reallocarray(t->values[c], capacity, sizeof *bigger);
        if (bigger == NULL)
            return CXM_ENOMEM;
        t->values[c] = bigger;
    }
    if (with_ids) {
        size_t *offsets = cxm__reallocarray(t->id_offset, capacity, sizeof *offsets);
        if (offsets == NULL)
            return CXM_ENOMEM;
        t->id_offset = offsets;
    }
    t->capacity = capacity;
    return CXM_OK;
}

static int append_id(cxm_table *t, const char *text, size_t length)
{
    if (t->id_used + length + 1 > t->id_capacity) {
        size_t capacity = t->id_capacity ? t->id_capacity : 4096;
        while (capacity < t->id_used + length + 1)
            capacity *= 2;
        char *bigger = cxm__realloc(t->id_text, capacity);
        if (bigger == NULL)
            return CXM_ENOMEM;
        t->id_text = bigger;
        t->id_capacity = capacity;
    }
    t->id_offset[t->rows] = t->id_used;
    memcpy(t->id_text + t->id_used, text, length);
    t->id_text[t->id_used + length] = '\0';
    t->id_used += length + 1;
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
        if (columns[c] == NULL)
            status = cxm__fail(CXM_EINVAL, "column %zu's name must not be NULL", c);
    if (status != CXM_OK)
        return status;

    cxm_table *t = cxm__calloc(1, sizeof *t);
    size_t *index = cxm__calloc(ncolumns ? ncolumns : 1, sizeof *index);
    cxm_csv *reader = NULL;
    size_t id_index = 0;
    if (t == NULL || index == NULL) {
        status = CXM_ENOMEM;
        goto done;
    }
    t->ncolumns = ncolumns;
    t->values = cxm__calloc(ncolumns ? ncolumns : 1, sizeof *t->values);
    t->names = cxm__calloc(ncolumns ? ncolumns : 1, sizeof *t->names);
    if (t->values == NULL || t->names == NULL) {
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
            status = column_label(reader, index[c], &t->names[c]);
            if (status == CXM_OK) {
                t->values[c] = cxm__malloc(sizeof(double));
                if (t->values[c] == NULL)
                    status = CXM_ENOMEM;
            }
        }
    }
    if (status == CXM_OK && id_column) {
        int present;
        status = resolve(reader, id_column, &id_index, &present);
        if (status == CXM_OK && present) {
            const char *name = cxm__csv_column_name(reader, id_index);
            t->id_name = cxm__strdup(name ? name : "customer_id");
            if (t->id_name == NULL)
                status = CXM_ENOMEM;
        }
    }
    int with_ids = t->id_name != NULL;
    while (status == CXM_OK && (status = cxm__csv_next(reader)) > 0) {
        status = CXM_OK;
        if (t->rows == t->capacity && (status = grow_rows(t, with_ids)) != CXM_OK)
            break;
        int bad = 0;
        for (size_t c = 0; c < ncolumns && !bad; c++) {
            if (t->values[c] == NULL)
                continue;
            double v;
            if (cxm__csv_get_double(reader, index[c], &v) != CXM_OK) {
                bad = 1;
            } else if (!isfinite(v)) {
                cxm__csv_fail(reader, index[c], CXM_EPARSE, "'%g' is not a finite number", v);
                bad = 1;
            } else {
                t->values[c][t->rows] = v;
            }
        }
        if (!bad && with_ids) {
            const char *text;
            size_t length;
            if (cxm__csv_get_text(reader, id_index, &text, &length) != CXM_OK)
                bad = 1;
            else if ((status = append_id(t, text, length)) != CXM_OK)
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
        t->rows++;
    }
done:
    cxm__csv_close(reader);
    cxm__free(index);
    if (status != CXM_OK) {
        cxm_table_free(t);
        return status;
    }
    *out = t;
    return CXM_OK;
}
