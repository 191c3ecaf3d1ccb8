/* Printing libcxm result tables as aligned text and as JSON. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"
#include "table_out.h"

enum { CELL = 64 };

static void format_cell(char *cell, const cxm_table *t, size_t row, const char *name,
                        cxm_column_type type)
{
    if (type == CXM_COLUMN_TEXT) {
        const char *text = cxm_table_text(t, row, name);
        snprintf(cell, CELL, "%s", text ? text : "");
        return;
    }
    double v = NAN;
    cxm_table_number(&v, t, row, name);
    if (isnan(v))
        snprintf(cell, CELL, "-");
    else if (v == floor(v) && fabs(v) < 1e15)
        snprintf(cell, CELL, "%.0f", v);
    else
        snprintf(cell, CELL, "%.6g", v);
}

void table_print(FILE *out, const cxm_table *t, const char *const *columns, const size_t *rows,
                 size_t n)
{
    size_t ncol = 0, all = cxm_table_columns(t);
    const char *names[64];
    cxm_column_type types[64];
    if (columns) {
        for (size_t i = 0; columns[i] && ncol < 64; i++) {
            size_t j;
            if (cxm_table_find(&j, t, columns[i]) != CXM_OK)
                continue;
            names[ncol] = columns[i];
            types[ncol++] = cxm_table_column_type(t, j);
        }
    } else {
        for (size_t j = 0; j < all && ncol < 64; j++) {
            names[ncol] = cxm_table_column_name(t, j);
            types[ncol++] = cxm_table_column_type(t, j);
        }
    }
    if (rows == NULL)
        n = cxm_table_rows(t);
    size_t width[64];
    char cell[CELL];
    for (size_t c = 0; c < ncol; c++) {
        width[c] = strlen(names[c]);
        for (size_t k = 0; k < n; k++) {
            format_cell(cell, t, rows ? rows[k] : k, names[c], types[c]);
            if (strlen(cell) > width[c])
                width[c] = strlen(cell);
        }
    }
    for (size_t c = 0; c < ncol; c++) {
        if (types[c] == CXM_COLUMN_TEXT && c + 1 < ncol)
            fprintf(out, "  %-*s", (int)width[c], names[c]);
        else if (types[c] == CXM_COLUMN_TEXT)
            fprintf(out, "  %s", names[c]);
        else
            fprintf(out, "  %*s", (int)width[c], names[c]);
    }
    fputc('\n', out);
    for (size_t k = 0; k < n; k++) {
        for (size_t c = 0; c < ncol; c++) {
            format_cell(cell, t, rows ? rows[k] : k, names[c], types[c]);
            if (types[c] == CXM_COLUMN_TEXT && c + 1 < ncol)
                fprintf(out, "  %-*s", (int)width[c], cell);
            else if (types[c] == CXM_COLUMN_TEXT)
                fprintf(out, "  %s", cell);
            else
                fprintf(out, "  %*s", (int)width[c], cell);
        }
        fputc('\n', out);
    }
}

cJSON *json_number(double value)
{
    return isfinite(value) ? cJSON_CreateNumber(value) : cJSON_CreateNull();
}

double table_scalar_or_nan(const cxm_table *table, const char *name)
{
    double v;
    return cxm_table_scalar(&v, table, name) == CXM_OK ? v : NAN;
}

cJSON *table_json(const cxm_table *t)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON *rows = doc ? cJSON_AddArrayToObject(doc, "rows") : NULL;
    cJSON *totals = rows ? cJSON_AddObjectToObject(doc, "totals") : NULL;
    if (totals == NULL) {
        cJSON_Delete(doc);
        return NULL;
    }
    size_t nrow = cxm_table_rows(t), ncol = cxm_table_columns(t);
    for (size_t i = 0; i < nrow; i++) {
        cJSON *row = cJSON_CreateObject();
        if (row == NULL || !cJSON_AddItemToArray(rows, row)) {
            cJSON_Delete(row);
            cJSON_Delete(doc);
            return NULL;
        }
        for (size_t j = 0; j < ncol; j++) {
            const char *name = cxm_table_column_name(t, j);
            cJSON *item;
            if (cxm_table_column_type(t, j) == CXM_COLUMN_TEXT) {
                const char *text = cxm_table_text(t, i, name);
                item = cJSON_CreateString(text ? text : "");
            } else {
                double v = NAN;
                cxm_table_number(&v, t, i, name);
                item = json_number(v);
            }
            if (item == NULL || !cJSON_AddItemToObject(row, name, item)) {
                cJSON_Delete(item);
                cJSON_Delete(doc);
                return NULL;
            }
        }
    }
    for (size_t i = 0; i < cxm_table_scalars(t); i++) {
        const char *name = cxm_table_scalar_name(t, i);
        cJSON *item = json_number(table_scalar_or_nan(t, name));
        if (item == NULL || !cJSON_AddItemToObject(totals, name, item)) {
            cJSON_Delete(item);
            cJSON_Delete(doc);
            return NULL;
        }
    }
    return doc;
}

int json_write(const char *command, cJSON *doc, const char *output, int to_stdout)
{
    char *text = doc ? cJSON_Print(doc) : NULL;
    cJSON_Delete(doc);
    if (text == NULL) {
        fprintf(stderr, "cxm %s: out of memory while writing JSON\n", command);
        return 1;
    }
    int code = output ? cli_output_text(command, output, text) : CLI_EXIT_OK;
    if (to_stdout)
        puts(text);
    cJSON_free(text);
    return code;
}
