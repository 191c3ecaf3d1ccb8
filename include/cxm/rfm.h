/**
 * @file cxm/rfm.h
 * @brief The transaction-log summary that lifetime-value models fit on
 *        (recency, frequency, monetary value; calibration and holdout).
 *
 * From (customer, time, amount) rows, for each customer:
 *
 * - **frequency** x: the number of *repeat* purchases — time units with a
 *   purchase after the unit of the first purchase (several purchases in one
 *   unit count once and their amounts are summed);
 * - **recency** t_x: from the first purchase to the last one;
 * - **T**: from the first purchase to the end of the calibration period (the
 *   observation end when there is no calibration period);
 * - **monetary value** m̄: the mean amount per repeat unit (0 when x = 0);
 * - **first purchase**: the time of the first purchase;
 * - with a calibration end, the holdout columns: **frequency_holdout** x*
 *   (units with a purchase after the calibration end, up to the observation
 *   end), **monetary_value_holdout** (their mean amount) and
 *   **duration_holdout** (calibration end to observation end).
 *
 * Times are measured in whole time units between the units' starts, divided
 * by @c scale: with daily units and @c scale 7, recency and T are days/7, as
 * in lifetimes' `freq='D', freq_multiplier=7` and the published CDNOW
 * summary. The unit of a time t is floor((t − unit_origin)/unit_days)
 * (weeks start on Mondays by default), or calendar months counted from
 * January 1970 in groups of @c unit_months.
 *
 * A purchase belongs to the calibration period when its unit is not after the
 * unit of the calibration end, and is ignored when its unit is after the unit
 * of the observation end. Customers whose first purchase is after the
 * calibration end are not in the summary (cxm_rfm_stat() counts them).
 *
 * Input rows may come in any order. The summary is built in one pass in
 * memory proportional to the number of customers when each customer's rows
 * come in time order (as in any log sorted by time or by customer); rows out
 * of time order cost a second pass over the input for the customers
 * concerned.
 *
 * A summary is read-only once built and may be used from many threads.
 */
#ifndef CXM_RFM_H
#define CXM_RFM_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cxm/common.h"
#include "cxm/io.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A transaction-log summary: one row per customer. */
typedef struct cxm_rfm cxm_rfm;

/** How a transaction log is summarised. */
typedef struct cxm_rfm_options {
    unsigned version;        /**< #CXM_RFM_OPTIONS_VERSION. */
    double unit_days;        /**< Length of the time unit in days: 1 (default) a day, 7 a week,
                                  1.0/24 an hour. Purchases in one unit are merged. */
    unsigned unit_months;    /**< When > 0 the unit is this many calendar months instead (1 a
                                  month, 3 a quarter, 12 a year) and @c unit_days is ignored. */
    double unit_origin;      /**< A time at which a unit starts (days since 1970-01-01); default
                                  −3, Monday 1969-12-29, so that weeks run Monday to Sunday. */
    double scale;            /**< Recency, T and durations are given in units of this many time
                                  units (lifetimes' freq_multiplier); default 1. */
    double calibration_end;  /**< End of the calibration period (its unit included), or NaN
                                  (default) for no holdout period. */
    double observation_end;  /**< End of the observation (its unit included): later purchases are
                                  ignored. NaN (default): the last purchase. */
    int include_first;       /**< 1: frequency counts the first purchase too and the monetary value
                                  averages all units (lifetimes' include_first_transaction);
                                  0 (default): repeat purchases only, as the models expect. */
    unsigned threads;        /**< 1 (default): all work in the calling thread. 2: a helper thread
                                  updates the customers while the calling thread reads the input
                                  (the results are identical; the allocator set with
                                  cxm_set_allocator() must then be thread-safe, as the C
                                  library's is). 0: 2 when more than one processor is online.
                                  More than 2 is the same as 2. */
} cxm_rfm_options;

/** Version of ::cxm_rfm_options that this header describes. */
#define CXM_RFM_OPTIONS_VERSION 1
/** Default ::cxm_rfm_options: daily units, no calibration split, up to the last purchase. */
#define CXM_RFM_OPTIONS_INIT \
    { CXM_RFM_OPTIONS_VERSION, 1.0, 0, -3.0, 1.0, CXM_RFM_NONE, CXM_RFM_NONE, 0, 1 }
/** "Not given" for the calibration and observation ends: a quiet NaN. */
#define CXM_RFM_NONE NAN

/** Fill @p options with the defaults (#CXM_RFM_OPTIONS_INIT).
 * Inline, so that it fills the struct of the header the caller was compiled
 * with: a library function would write a newer, longer struct (docs/ABI.md). */
static inline void cxm_rfm_options_init(cxm_rfm_options *options)
{
    if (options) {
        cxm_rfm_options defaults = CXM_RFM_OPTIONS_INIT;
        *options = defaults;
    }
}

/**
 * Set the time unit of @p options by name, as `cxm rfm --unit` and the SQL
 * extensions take it: "day" (also "days", "D"), "week" ("weeks", "W": Monday
 * to Sunday), "month" ("months", "M"), "quarter" ("Q"), "year" ("years",
 * "Y"), "hour" ("hours", "h"), or a number of days such as "0.5" or "14".
 * Sets @c unit_days and @c unit_months and leaves every other field alone.
 *
 * @param[out] options  the options to change (initialised by the caller).
 * @param unit          the unit's name or length in days.
 * @return #CXM_OK, or #CXM_EINVAL naming the unit when it is none of these.
 */
CXM_API int cxm_rfm_options_set_unit(cxm_rfm_options *options, const char *unit);

/**
 * Summarise a transaction log in a delimited text file.
 *
 * @param[out] out          the summary; release it with cxm_rfm_free().
 * @param path              the file.
 * @param customer_column   column of the customer ids (header name or 1-based number);
 *                          ids are text of any length and must not be empty.
 * @param time_column       column of the purchase dates or times, read with
 *                          @c csv->date_format (see cxm_time_parse()).
 * @param amount_column     column of the amounts (finite numbers), or NULL for none.
 * @param csv               the file's layout (NULL: comma-separated with a header).
 * @param options           how to summarise (NULL: defaults).
 * @return #CXM_OK; #CXM_EIO when the file cannot be read; #CXM_ENOTFOUND for a missing
 *         column; #CXM_EPARSE for bad data ("file:line: column 'date': '1997-13-01' is not
 *         a valid date: ..."), or when no row is left; #CXM_EINVAL for bad options or
 *         an empty calibration or holdout period ("the holdout period is empty: ...",
 *         docs/io.md);
 *         #CXM_ERANGE when times span more units than 2^31; #CXM_ENOMEM.
 *         With @c csv->skip_bad_rows, bad rows are skipped and counted instead
 *         (cxm_rfm_stat(), cxm_rfm_skipped_message()).
 */
CXM_API int cxm_rfm_read_csv(cxm_rfm **out, const char *path, const char *customer_column,
                             const char *time_column, const char *amount_column,
                             const cxm_csv_options *csv, const cxm_rfm_options *options);

/**
 * Summarise transactions given as arrays, with customers identified by
 * integer codes (any int64 values, e.g. from pandas.factorize).
 *
 * @param[out] out       the summary; release it with cxm_rfm_free().
 * @param n              number of transactions.
 * @param customer       @p n customer codes.
 * @param time           @p n times in days since 1970-01-01 (finite).
 * @param amount         @p n amounts (finite), or NULL for none.
 * @param options        how to summarise (NULL: defaults).
 * @return #CXM_OK, #CXM_EINVAL (the message names the bad element), #CXM_ERANGE, #CXM_ENOMEM.
 */
CXM_API int cxm_rfm_from_codes(cxm_rfm **out, size_t n, const int64_t *customer,
                               const double *time, const double *amount,
                               const cxm_rfm_options *options);

/**
 * Summarise transactions given as arrays, with customers identified by
 * NUL-terminated strings.
 *
 * @param[out] out       the summary; release it with cxm_rfm_free().
 * @param n              number of transactions.
 * @param customer       @p n customer ids (not NULL, not empty).
 * @param time           @p n times in days since 1970-01-01.
 * @param amount         @p n amounts, or NULL.
 * @param options        how to summarise (NULL: defaults).
 * @return as cxm_rfm_from_codes().
 */
CXM_API int cxm_rfm_from_ids(cxm_rfm **out, size_t n, const char *const *customer,
                             const double *time, const double *amount,
                             const cxm_rfm_options *options);

/** Release a summary (NULL is accepted). */
CXM_API void cxm_rfm_free(cxm_rfm *rfm);

/** Number of customers in the summary (0 for NULL). */
CXM_API size_t cxm_rfm_size(const cxm_rfm *rfm);

/** The columns of a summary. */
typedef enum cxm_rfm_field {
    CXM_RFM_FREQUENCY = 0,              /**< x: repeat purchases (units) in the calibration period. */
    CXM_RFM_RECENCY = 1,                /**< t_x: first to last purchase. */
    CXM_RFM_T = 2,                      /**< T: first purchase to the calibration (or observation) end. */
    CXM_RFM_MONETARY_VALUE = 3,         /**< m̄: mean amount per repeat unit, 0 when x = 0. */
    CXM_RFM_FIRST_PURCHASE = 4,         /**< time of the first purchase (days since 1970-01-01). */
    CXM_RFM_FREQUENCY_HOLDOUT = 5,      /**< x*: units with a purchase in the holdout period. */
    CXM_RFM_MONETARY_VALUE_HOLDOUT = 6, /**< mean amount per holdout unit, 0 when x* = 0. */
    CXM_RFM_DURATION_HOLDOUT = 7,       /**< length of the holdout period (the same for all). */
    CXM_RFM_WEIGHT = 8                  /**< in the compressed form: customers with this (x, t_x, T). */
} cxm_rfm_field;

/**
 * Copy a column of the summary into @p dst, in customer order (the order in
 * which customers first appear in the input).
 *
 * @param[out] dst   cxm_rfm_size() values.
 * @param dst_n   size of @p dst; must equal cxm_rfm_size().
 * @param rfm     a summary.
 * @param field   the column (not #CXM_RFM_WEIGHT).
 * @return #CXM_OK, or #CXM_EINVAL for a wrong size, a monetary column without amounts or
 *         a holdout column without a calibration end.
 */
CXM_API int cxm_rfm_column(double *dst, size_t dst_n, const cxm_rfm *rfm, cxm_rfm_field field);

/**
 * The id of customer @p i (0-based) as read from a file or given to
 * cxm_rfm_from_ids(): a NUL-terminated string owned by the summary, or NULL
 * when @p i is out of range or the summary was built from codes.
 */
CXM_API const char *cxm_rfm_id(const cxm_rfm *rfm, size_t i);

/**
 * Copy the customer codes of a summary built with cxm_rfm_from_codes().
 *
 * @param[out] codes_dst  cxm_rfm_size() codes.
 * @param codes_n  size of @p codes_dst; must equal cxm_rfm_size().
 * @param rfm      a summary.
 * @return #CXM_OK, or #CXM_EINVAL for a wrong size or a summary built from ids.
 */
CXM_API int cxm_rfm_codes(int64_t *codes_dst, size_t codes_n, const cxm_rfm *rfm);

/** Number of distinct (frequency, recency, T) rows: the compressed form's size. */
CXM_API size_t cxm_rfm_unique_size(const cxm_rfm *rfm);

/**
 * Copy a column of the compressed form: the distinct (frequency, recency, T)
 * triples, sorted by frequency, then recency, then T, with the number of
 * customers having each (#CXM_RFM_WEIGHT). Likelihoods summed over the
 * compressed rows times their weights equal those over all customers.
 *
 * @param[out] dst cxm_rfm_unique_size() values.
 * @param dst_n    size of @p dst; must equal cxm_rfm_unique_size().
 * @param rfm      a summary.
 * @param field    #CXM_RFM_FREQUENCY, #CXM_RFM_RECENCY, #CXM_RFM_T or #CXM_RFM_WEIGHT.
 * @return #CXM_OK or #CXM_EINVAL.
 */
CXM_API int cxm_rfm_unique_column(double *dst, size_t dst_n, const cxm_rfm *rfm,
                                  cxm_rfm_field field);

/** Counters of a summary's input, for cxm_rfm_stat(). */
typedef enum cxm_rfm_counter {
    CXM_RFM_ROWS = 0,          /**< rows used. */
    CXM_RFM_SKIPPED = 1,       /**< bad rows skipped (with skip_bad_rows). */
    CXM_RFM_AFTER_END = 2,     /**< rows after the observation end, ignored. */
    CXM_RFM_HOLDOUT_ONLY = 3,  /**< customers left out: their first purchase is in the holdout period. */
    CXM_RFM_PASSES = 4         /**< passes over the input: 1, or 2 when rows were out of time order. */
} cxm_rfm_counter;

/** A counter of the summary's input (0 for NULL or an unknown counter). */
CXM_API unsigned long long cxm_rfm_stat(const cxm_rfm *rfm, cxm_rfm_counter counter);

/**
 * The message of the @p i-th skipped row (0-based; the first
 * @c max_reported are kept), or NULL.
 */
CXM_API const char *cxm_rfm_skipped_message(const cxm_rfm *rfm, size_t i);

/**
 * The end of the calibration period or of the observation: @p which 0 for
 * the calibration end as given (NaN without one), 1 for the observation end
 * as given or, when not given, the time of the last purchase (NaN without
 * purchases).
 *
 * @param rfm       a summary.
 * @param[out] out  the time, days since 1970-01-01.
 * @param which     0 or 1.
 * @return #CXM_OK or #CXM_EINVAL.
 */
CXM_API int cxm_rfm_period_end(double *out, const cxm_rfm *rfm, int which);

/**
 * Write the summary as CSV: a header, then one line per customer with the
 * customer id, frequency, recency, T, [monetary_value,]
 * [frequency_holdout, [monetary_value_holdout,] duration_holdout,]
 * first_purchase (ISO 8601). The id column is named after the input's
 * customer column when it had a header, else "customer_id". Numbers are
 * written with the fewest digits that read back exactly. The file is
 * complete or untouched: it is replaced only once fully written
 * (docs/io.md).
 *
 * @param rfm     a summary.
 * @param path    the file to create or replace.
 * @return #CXM_OK, #CXM_EIO (the message names the file and the reason; an
 *         earlier file is left as it was), #CXM_EINVAL.
 */
CXM_API int cxm_rfm_write_csv(const cxm_rfm *rfm, const char *path);

/** As cxm_rfm_write_csv(), to an open stream (which is not closed). */
CXM_API int cxm_rfm_write_csv_stream(const cxm_rfm *rfm, FILE *stream);

/**
 * Write the compressed form as CSV: frequency, recency, T, weight.
 *
 * @param rfm     a summary.
 * @param stream  an open stream (not closed).
 * @return #CXM_OK, #CXM_EIO, #CXM_EINVAL.
 */
CXM_API int cxm_rfm_write_unique_csv_stream(const cxm_rfm *rfm, FILE *stream);

/* ------------------------------------------------------------------ partial states
 * (chunked work: cxm/chunk.h, docs/chunked.md) */

/**
 * Reduce a chunk of transactions to one row per (customer, time unit): the
 * partial state of the summary. In each unit the row keeps the earliest
 * time and the sum of the amounts (in input order), which is all the
 * summary uses, so cxm_rfm_from_codes() gives the same summary from the
 * reduced rows as from the original ones (amounts summed in another order
 * aside; cxm_rfm_period_end() reports the latest reduced time). Reduced
 * chunks are again transactions: to merge partial states, concatenate them
 * and reduce again. Rows come out in order of first appearance.
 *
 * @param[out] count         number of reduced rows written (<= n).
 * @param[out] customer_dst  @p dst_n customer codes.
 * @param[out] time_dst      @p dst_n times.
 * @param[out] amount_dst    @p dst_n amounts, or NULL when @p amount is NULL.
 * @param dst_n              length of each output array, >= n.
 * @param n                  transactions in the chunk.
 * @param customer          @p n customer codes (any int64 values).
 * @param time              @p n times in days since 1970-01-01.
 * @param amount            @p n amounts (finite), or NULL.
 * @param options            the time unit (unit_days, unit_months,
 *                           unit_origin); the other fields are checked and
 *                           otherwise not used. NULL: daily units.
 * @return #CXM_OK, #CXM_EINVAL (the message names the element), #CXM_ENOMEM.
 */
CXM_API int cxm_rfm_reduce(size_t *count, int64_t *customer_dst, double *time_dst,
                           double *amount_dst, size_t dst_n, size_t n, const int64_t *customer,
                           const double *time, const double *amount,
                           const cxm_rfm_options *options);

#ifdef __cplusplus
}
#endif

#endif /* CXM_RFM_H */
