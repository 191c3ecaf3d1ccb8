/* Internal entry points of the transaction-log summary. */
#ifndef CXM_IO_RFM_H
#define CXM_IO_RFM_H

#include <stddef.h>
#include <stdint.h>

#include "cxm/rfm.h"

/* cxm_rfm_read_csv() on text in memory, read `read_size` bytes at a time (0:
 * the default); for tests and fuzzing. Messages name the source `name`. */
int cxm__rfm_read_memory(cxm_rfm **out, const void *data, size_t size, const char *name,
                         size_t read_size, const char *customer_column, const char *time_column,
                         const char *amount_column, const cxm_csv_options *csv_options,
                         const cxm_rfm_options *options);

/* The time unit of each of n times under options' unit (as the summary
 * computes it), after checking the options and the times. For
 * cxm_rfm_reduce(). */
int cxm__rfm_units(int64_t *dst, size_t n, const double *time, const cxm_rfm_options *options);

#endif
