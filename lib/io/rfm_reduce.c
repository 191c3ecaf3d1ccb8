/* cxm_rfm_reduce (cxm/rfm.h, chunked work): a chunk of transactions as one
 * row per (customer, time unit), the partial state of the summary. The
 * units are the summary's own (cxm__rfm_units), so that the summary of
 * reduced rows equals the summary of the rows. */
#include "config.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/hash.h"
#include "core/internal.h"
#include "cxm/rfm.h"
#include "io/rfm.h"

int cxm_rfm_reduce(size_t *count, int64_t *customer_dst, double *time_dst, double *amount_dst,
                   size_t dst_n, size_t n, const int64_t *customer, const double *time,
                   const double *amount, const cxm_rfm_options *options)
{
    int status = cxm__check_pointer(count, "count");
    if (status != CXM_OK)
        return status;
    *count = 0;
    if (dst_n < n)
        return cxm__fail(CXM_EINVAL, "the output arrays have %zu elements where %zu rows may come "
                         "out",
                         dst_n, n);
    if (n > 0) {
        status = cxm__check_pointer(customer_dst, "customer_dst");
        if (status == CXM_OK)
            status = cxm__check_pointer(time_dst, "time_dst");
        if (status == CXM_OK && amount)
            status = cxm__check_pointer(amount_dst, "amount_dst");
        if (status == CXM_OK)
            status = cxm__check_pointer(customer, "customer");
        if (status == CXM_OK)
            status = cxm__check_pointer(time, "time");
        if (status != CXM_OK)
            return status;
    }
    for (size_t i = 0; amount && i < n; i++)
        if (!isfinite(amount[i]))
            return cxm__fail_at(CXM_EINVAL, i, "amount %g is not a finite number", amount[i]);

    cxm__hash table;
    cxm__hash_init(&table);
    int64_t *units = cxm__malloc((n ? n : 1) * sizeof *units);
    int64_t *key_unit = cxm__malloc((n ? n : 1) * sizeof *key_unit);
    if (units == NULL || key_unit == NULL) {
        status = CXM_ENOMEM;
        goto done;
    }
    if ((status = cxm__hash_reserve(&table, n < CXM__HASH_MAX ? n : CXM__HASH_MAX)) != CXM_OK)
        goto done;
    /* Checks the options (and the times) even when there are no rows. */
    status = cxm__rfm_units(units, n, time, options);
    if (status != CXM_OK)
        goto done;

    /* Rows are read before any output is written at their position, and
     * keys are compared against the outputs: the outputs may be the inputs. */
    size_t rows = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t c = customer[i], u = units[i];
        double t = time[i], a = amount ? amount[i] : 0.0;
        uint64_t h = cxm__hash_step(cxm__hash_step(table.seed, (uint64_t)c), (uint64_t)u);
        cxm__hash_probe p = cxm__hash_start(&table, h);
        size_t s;
        bool found = false;
        while (!found && cxm__hash_next(&table, &p, &s))
            found = customer_dst[s] == c && key_unit[s] == u;
        if (found) {
            if (t < time_dst[s])
                time_dst[s] = t;
            if (amount)
                amount_dst[s] += a;
            continue;
        }
        customer_dst[rows] = c;
        key_unit[rows] = u;
        time_dst[rows] = t;
        if (amount)
            amount_dst[rows] = a;
        if ((status = cxm__hash_insert(&table, &p, rows)) != CXM_OK)
            goto done;
        rows++;
    }
    *count = rows;

done:
    cxm__free(units);
    cxm__free(key_unit);
    cxm__hash_free(&table);
    return status;
}
