/* Tables as CSV files (lib/io/table_csv.c). Internal. */
#ifndef CXM_IO_TABLE_CSV_H
#define CXM_IO_TABLE_CSV_H

#include "core/file.h"
#include "cxm/table.h"

/* cxm_table_write_csv() into an open file, which the caller commits or
 * aborts (cxm_sim_write writes several files at once). */
int cxm__table_write_file(cxm__file *file, const cxm_table *table, const char *const *time_columns);

#endif
