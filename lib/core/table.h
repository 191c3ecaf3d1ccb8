/* Building result tables (cxm/table.h): the one table type every module
 * returns (journey analyses, model data read from files, ...). Internal. */
#ifndef CXM_CORE_TABLE_H
#define CXM_CORE_TABLE_H

#include <stddef.h>

#include "cxm/table.h"

typedef struct cxm__column {
    char *name;
    cxm_column_type type;
    double *numbers;
    char **texts;
} cxm__column;

struct cxm_table {
    size_t rows;
    cxm__column *columns;
    size_t ncolumns, columns_cap;
    char **scalar_names;
    double *scalar_values;
    size_t nscalars, scalars_cap;
    unsigned long long *lines; /* the file line of each row (cxm_table_read_csv), or NULL */
};

/* A table with `rows` rows and no columns yet. */
int cxm__table_create(cxm_table **out, size_t rows);
/* Add a number column (NaN-filled) and return its storage in *data. */
int cxm__table_add_numbers(cxm_table *t, const char *name, double **data);
/* Add a text column (all "") ; set cells with cxm__table_set_text. */
int cxm__table_add_texts(cxm_table *t, const char *name, size_t *column);
int cxm__table_set_text(cxm_table *t, size_t column, size_t row, const char *text);
int cxm__table_set_text_n(cxm_table *t, size_t column, size_t row, const char *text, size_t n);
int cxm__table_add_scalar(cxm_table *t, const char *name, double value);

#endif /* CXM_CORE_TABLE_H */
