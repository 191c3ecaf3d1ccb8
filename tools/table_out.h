/* Printing libcxm result tables (cxm/table.h) as aligned text and as JSON. */
#ifndef CXM_TOOLS_TABLE_OUT_H
#define CXM_TOOLS_TABLE_OUT_H

#include <stddef.h>
#include <stdio.h>

#include <cjson/cJSON.h>
#include <cxm.h>

/* Print the rows of a table as aligned columns. columns: NULL-terminated
 * names to show (in that order), or NULL for all. rows: the row indices to
 * print in order, or NULL for all (n ignored). */
void table_print(FILE *out, const cxm_table *table, const char *const *columns,
                 const size_t *rows, size_t n);

/* A table as JSON: {"rows": [{column: value, ...}], "totals": {scalar: value}}.
 * NaN becomes null. NULL when out of memory. */
cJSON *table_json(const cxm_table *table);

/* A number for JSON: null for NaN and infinities. */
cJSON *json_number(double value);

/* Render doc (which is freed), write it to output (a file name, or NULL)
 * and, when to_stdout, print it. Returns an exit code; a NULL doc means out
 * of memory. */
int json_write(const char *command, cJSON *doc, const char *output, int to_stdout);

/* One scalar of a table, NaN when absent. */
double table_scalar_or_nan(const cxm_table *table, const char *name);

#endif
