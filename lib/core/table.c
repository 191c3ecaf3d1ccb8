/* Result tables: named columns of numbers or text, plus named scalars. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/internal.h"
#include "core/table.h"

static char empty_text[] = "";

int cxm__table_create(cxm_table **out, size_t rows)
{
    cxm_table *t = cxm__calloc(1, sizeof *t);
    if (t == NULL)
        return CXM_ENOMEM;
    t->rows = rows;
    *out = t;
    return CXM_OK;
}

void cxm_table_free(cxm_table *table)
{
    if (table == NULL)
        return;
    for (size_t j = 0; j < table->ncolumns; j++) {
        cxm__column *c = &table->columns[j];
        cxm__free(c->name);
        cxm__free(c->numbers);
        if (c->texts) {
            for (size_t i = 0; i < table->rows; i++)
                if (c->texts[i] != empty_text)
                    cxm__free(c->texts[i]);
            cxm__free(c->texts);
        }
    }
    cxm__free(table->columns);
    cxm__free(table->lines);
    for (size_t i = 0; i < table->nscalars; i++)
        cxm__free(table->scalar_names[i]);
    cxm__free(table->scalar_names);
    cxm__free(table->scalar_values);
    cxm__free(table);
}

static int add_column(cxm_table *t, const char *name, cxm_column_type type, cxm__column **column)
{
    int status = cxm__grow((void **)&t->columns, &t->columns_cap, t->ncolumns + 1,
                           sizeof *t->columns);
    if (status != CXM_OK)
        return status;
    cxm__column *c = &t->columns[t->ncolumns];
    memset(c, 0, sizeof *c);
    c->type = type;
    c->name = cxm__strdup(name);
    if (c->name == NULL)
        return CXM_ENOMEM;
    if (type == CXM_COLUMN_NUMBER) {
        c->numbers = cxm__malloc((t->rows ? t->rows : 1) * sizeof *c->numbers);
        if (c->numbers == NULL) {
            cxm__free(c->name);
            return CXM_ENOMEM;
        }
        for (size_t i = 0; i < t->rows; i++)
            c->numbers[i] = NAN;
    } else {
        c->texts = cxm__malloc((t->rows ? t->rows : 1) * sizeof *c->texts);
        if (c->texts == NULL) {
            cxm__free(c->name);
            return CXM_ENOMEM;
        }
        for (size_t i = 0; i < t->rows; i++)
            c->texts[i] = empty_text;
    }
    t->ncolumns++;
    *column = c;
    return CXM_OK;
}

int cxm__table_add_numbers(cxm_table *t, const char *name, double **data)
{
    cxm__column *c;
    int status = add_column(t, name, CXM_COLUMN_NUMBER, &c);
    if (status == CXM_OK)
        *data = c->numbers;
    return status;
}

int cxm__table_add_texts(cxm_table *t, const char *name, size_t *column)
{
    cxm__column *c;
    int status = add_column(t, name, CXM_COLUMN_TEXT, &c);
    if (status == CXM_OK)
        *column = t->ncolumns - 1;
    return status;
}

int cxm__table_set_text_n(cxm_table *t, size_t column, size_t row, const char *text, size_t n)
{
    cxm__column *c = &t->columns[column];
    char *copy = empty_text;
    if (n > 0) {
        copy = cxm__malloc(n + 1);
        if (copy == NULL)
            return CXM_ENOMEM;
        memcpy(copy, text, n);
        copy[n] = '\0';
    }
    if (c->texts[row] != empty_text)
        cxm__free(c->texts[row]);
    c->texts[row] = copy;
    return CXM_OK;
}

int cxm__table_set_text(cxm_table *t, size_t column, size_t row, const char *text)
{
    return cxm__table_set_text_n(t, column, row, text ? text : "", text ? strlen(text) : 0);
}

int cxm__table_add_scalar(cxm_table *t, const char *name, double value)
{
    size_t cap = t->scalars_cap;
    int status = cxm__grow((void **)&t->scalar_names, &cap, t->nscalars + 1,
                           sizeof *t->scalar_names);
    if (status == CXM_OK) {
        cap = t->scalars_cap;
        status = cxm__grow((void **)&t->scalar_values, &cap, t->nscalars + 1,
                           sizeof *t->scalar_values);
    }
    if (status != CXM_OK)
        return status;
    t->scalars_cap = cap;
    char *copy = cxm__strdup(name);
    if (copy == NULL)
        return CXM_ENOMEM;
    t->scalar_names[t->nscalars] = copy;
    t->scalar_values[t->nscalars] = value;
    t->nscalars++;
    return CXM_OK;
}

/* ------------------------------------------------------------------ public reading */

size_t cxm_table_rows(const cxm_table *table)
{
    return table ? table->rows : 0;
}

unsigned long long cxm_table_line(const cxm_table *table, size_t row)
{
    return table && table->lines && row < table->rows ? table->lines[row] : 0;
}

size_t cxm_table_columns(const cxm_table *table)
{
    return table ? table->ncolumns : 0;
}

const char *cxm_table_column_name(const cxm_table *table, size_t column)
{
    return (table && column < table->ncolumns) ? table->columns[column].name : NULL;
}

cxm_column_type cxm_table_column_type(const cxm_table *table, size_t column)
{
    return (table && column < table->ncolumns) ? table->columns[column].type : CXM_COLUMN_NUMBER;
}

static int not_found(const cxm_table *table, const char *name)
{
    char list[600];
    size_t used = 0;
    list[0] = '\0';
    for (size_t j = 0; j < table->ncolumns && used + 4 < sizeof list; j++) {
        int n = snprintf(list + used, sizeof list - used, "%s%s", j ? ", " : "",
                         table->columns[j].name);
        if (n < 0)
            break;
        used += (size_t)n;
        if (used >= sizeof list)
            used = sizeof list - 1;
    }
    return cxm__fail(CXM_ENOTFOUND, "no column '%s' (columns: %s)", name, list);
}

int cxm_table_find(size_t *index, const cxm_table *table, const char *name)
{
    int status = cxm__check_pointer(index, "index");
    if (status == CXM_OK)
        status = cxm__check_pointer(table, "table");
    if (status == CXM_OK)
        status = cxm__check_pointer(name, "name");
    if (status != CXM_OK)
        return status;
    for (size_t j = 0; j < table->ncolumns; j++)
        if (strcmp(table->columns[j].name, name) == 0) {
            *index = j;
            return CXM_OK;
        }
    return not_found(table, name);
}

static int find_typed(const cxm__column **column, const cxm_table *table, const char *name,
                      cxm_column_type type)
{
    size_t j;
    int status = cxm_table_find(&j, table, name);
    if (status != CXM_OK)
        return status;
    if (table->columns[j].type != type)
        return cxm__fail(CXM_EINVAL, "column '%s' holds %s, not %s", name,
                         type == CXM_COLUMN_NUMBER ? "text" : "numbers",
                         type == CXM_COLUMN_NUMBER ? "numbers" : "text");
    *column = &table->columns[j];
    return CXM_OK;
}

int cxm_table_number(double *out, const cxm_table *table, size_t row, const char *column)
{
    const cxm__column *c = NULL;
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = find_typed(&c, table, column, CXM_COLUMN_NUMBER);
    if (status != CXM_OK)
        return status;
    if (row >= table->rows)
        return cxm__fail(CXM_EINVAL, "row %zu is out of range (the table has %zu rows)", row,
                         table->rows);
    *out = c->numbers[row];
    return CXM_OK;
}

int cxm_table_numbers(double *dst, size_t dst_n, const cxm_table *table, const char *column)
{
    const cxm__column *c = NULL;
    int status = find_typed(&c, table, column, CXM_COLUMN_NUMBER);
    if (status != CXM_OK)
        return status;
    if (dst_n != table->rows)
        return cxm__fail(CXM_EINVAL, "dst has %zu elements where the table has %zu rows", dst_n,
                         table->rows);
    if (dst_n > 0) {
        status = cxm__check_pointer(dst, "dst");
        if (status != CXM_OK)
            return status;
        memcpy(dst, c->numbers, dst_n * sizeof *dst);
    }
    return CXM_OK;
}

const char *cxm_table_text(const cxm_table *table, size_t row, const char *column)
{
    const cxm__column *c = NULL;
    if (find_typed(&c, table, column, CXM_COLUMN_TEXT) != CXM_OK)
        return NULL;
    if (row >= table->rows) {
        cxm__fail(CXM_EINVAL, "row %zu is out of range (the table has %zu rows)", row,
                  table->rows);
        return NULL;
    }
    return c->texts[row];
}

size_t cxm_table_scalars(const cxm_table *table)
{
    return table ? table->nscalars : 0;
}

const char *cxm_table_scalar_name(const cxm_table *table, size_t i)
{
    return (table && i < table->nscalars) ? table->scalar_names[i] : NULL;
}

int cxm_table_scalar(double *out, const cxm_table *table, const char *name)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = cxm__check_pointer(table, "table");
    if (status == CXM_OK)
        status = cxm__check_pointer(name, "name");
    if (status != CXM_OK)
        return status;
    for (size_t i = 0; i < table->nscalars; i++)
        if (strcmp(table->scalar_names[i], name) == 0) {
            *out = table->scalar_values[i];
            return CXM_OK;
        }
    char list[600];
    size_t used = 0;
    list[0] = '\0';
    for (size_t i = 0; i < table->nscalars && used + 4 < sizeof list; i++) {
        int n = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                         table->scalar_names[i]);
        if (n < 0)
            break;
        used += (size_t)n;
        if (used >= sizeof list)
            used = sizeof list - 1;
    }
    return cxm__fail(CXM_ENOTFOUND, "no scalar '%s' (scalars: %s)", name,
                     table->nscalars ? list : "none");
}
