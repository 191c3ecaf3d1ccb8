/**
 * @file cxm/chunk.h
 * @brief Chunked work: libcxm on any engine that splits data into chunks and
 *        adds up results (Dask, Spark, a database's user-defined aggregate).
 *
 * Each computation that needs all the data at once is cut into three steps
 * that an engine can schedule: a function of one chunk of rows, a merge (a
 * sum) of chunk results, and a final step on the merged result. The C
 * library still does the work on every row; the engine only moves data and
 * adds up small results. docs/chunked.md shows the drivers, and the Python
 * module cxm.dask is one (bindings/python/cxm/dask.py).
 *
 * - **BTYD models** (any kind of cxm/model.h): cxm_model_chunk_loglik()
 *   evaluates the log-likelihood, its gradient and its Hessian on one chunk
 *   of rows at given parameters; chunk results add up element by element.
 *   cxm_model_fit_chunked() runs the engine's own optimiser (Newton's method
 *   on the log/logit scale with the same stopping rule as cxm_model_fit())
 *   on the summed results your callback supplies, so a chunked fit takes the
 *   same iterations as a fit in one piece and differs from it only by the
 *   order in which sums are added. cxm_model_start() gives the starting
 *   point from a sample of the rows. Drivers with their own optimiser use
 *   cxm_model_param_scale() and cxm_model_set_fit() instead.
 * - **The transaction summary** (cxm/rfm.h): cxm_rfm_reduce() turns a chunk
 *   of transactions into one row per (customer, time unit), a partial state
 *   that is itself a transaction log: partial states merge by concatenating
 *   them and reducing again, and cxm_rfm_from_codes() on all the partial
 *   rows of a customer (with the global observation end) finishes the
 *   summary.
 * - **Markov attribution** (cxm/journey.h): cxm_markov_counts_create()
 *   counts the transitions of a chunk of paths, cxm_markov_counts_merge()
 *   adds counts, cxm_markov_counts_save() and cxm_markov_counts_load() move
 *   them between processes as bytes, and cxm_attribution_markov_counts()
 *   solves the chain exactly.
 */
#ifndef CXM_CHUNK_H
#define CXM_CHUNK_H

#include <stddef.h>
#include <stdint.h>

#include "cxm/common.h"
#include "cxm/journey.h"
#include "cxm/model.h"
#include "cxm/rfm.h"
#include "cxm/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ================================================================== BTYD models */

/**
 * Positions in a chunk result of cxm_model_chunk_loglik() (p = the kind's
 * parameter count): customers, rows, log-likelihood, then p gradient values
 * and p·p Hessian values (row-major).
 */
enum {
    CXM_CHUNK_WEIGHT = 0,     /**< Σ weight of the rows used: customers. */
    CXM_CHUNK_ROWS = 1,       /**< Rows the likelihood was summed over (after merging identical rows). */
    CXM_CHUNK_LOGLIK = 2,     /**< Σ weight·ln L. */
    CXM_CHUNK_GRADIENT = 3    /**< Σ weight·∂ln L/∂θ (p values), then Σ weight·∂²ln L/∂θ∂θ (p·p values). */
};

/** How a parameter is optimised (cxm_model_param_scale()). */
typedef enum cxm_param_scale {
    CXM_SCALE_NONE = 0,   /**< Not a parameter (index out of range, or no model). */
    CXM_SCALE_LOG = 1,    /**< Positive: optimised as φ = ln θ. */
    CXM_SCALE_LOGIT = 2,  /**< In (0, 1): optimised as φ = ln(θ/(1 − θ)). */
    CXM_SCALE_LINEAR = 3  /**< Any real: optimised as φ = θ. */
} cxm_param_scale;

/**
 * The scale on which a parameter of the model's kind is optimised.
 *
 * @param model  a model.
 * @param index  the parameter (0 to cxm_model_param_count() − 1).
 * @return its scale, or #CXM_SCALE_NONE for an index out of range or NULL.
 */
CXM_API cxm_param_scale cxm_model_param_scale(const cxm_model *model, size_t index);

/**
 * Length of a chunk result for the model's kind.
 *
 * @param model  a model.
 * @return 3 + p + p² for p parameters, 0 for NULL.
 */
CXM_API size_t cxm_model_chunk_size(const cxm_model *model);

/**
 * The likelihood of one chunk of rows at given parameters, ready to be added
 * to the other chunks' results element by element.
 *
 * Rows are checked and filtered as cxm_model_fit_columns() does (the message
 * names the row of the chunk); rows with weight 0 and rows the kind skips
 * (Gamma-Gamma: x = 0) do not count, and a chunk without a row that counts
 * gives zeros. Derivatives are with respect to the natural parameters.
 *
 * @param model    a model of the kind (its parameters are not used, and it
 *                 may be empty); its cxm_model_set_threads() setting applies.
 * @param[out] dst cxm_model_chunk_size() values (see #CXM_CHUNK_WEIGHT): the
 *                 weight and row counts, then Σ w·ln L, and with @p order
 *                 >= 1 the gradient, with @p order 2 the Hessian (zeros
 *                 beyond the order).
 * @param dst_n    length of @p dst; must equal cxm_model_chunk_size().
 * @param params   the parameters (cxm_model_param_count() values, valid
 *                 for the kind).
 * @param nparams  number of parameters.
 * @param order    0, 1 or 2.
 * @param n        rows in the chunk.
 * @param columns  cxm_model_column_count() pointers, one per column (e.g.
 *                 x, t_x, T), each to @p n values: columns of a columnar
 *                 store need no copy.
 * @param weights  customers per row, or NULL for 1 each.
 * @return #CXM_OK, #CXM_EINVAL (bad data or parameters), #CXM_ENOMEM.
 */
CXM_API int cxm_model_chunk_loglik(const cxm_model *model, double *dst, size_t dst_n,
                                   const double *params, size_t nparams, int order, size_t n,
                                   const double *const *columns, const double *weights);

/**
 * Where a fit starts: the point from which cxm_model_fit_columns() on these
 * rows would start Newton's method (the kind's default from the data, then,
 * for more than 60000 rows after merging identical ones, a quick fit on an
 * evenly spaced subsample of about 20000 rows). Give it all the rows of a
 * small data set to start exactly where a fit in one piece does, or an
 * evenly spaced sample of a large one.
 *
 * @param model     a model of the kind (its parameters are not used).
 * @param[out] dst  cxm_model_param_count() starting values (natural scale).
 * @param dst_n     length of @p dst.
 * @param n         rows, as for cxm_model_chunk_loglik().
 * @param columns   one pointer per column, as for cxm_model_chunk_loglik().
 * @param weights   customers per row, or NULL.
 * @param options   the penalty, threads and #CXM_FIT_NO_COMPRESS are used;
 *                  NULL for the defaults.
 * @return #CXM_OK, #CXM_EINVAL (bad data, or no row that counts), #CXM_ENOMEM.
 */
CXM_API int cxm_model_start(const cxm_model *model, double *dst, size_t dst_n, size_t n,
                            const double *const *columns, const double *weights,
                            const cxm_fit_options *options);

/**
 * The sums a chunked fit asks for: fill @p dst with the element-by-element
 * sum over every chunk of cxm_model_chunk_loglik() at @p params with
 * @p order. Return #CXM_OK, or a negative status to stop the fit (the fit
 * returns it; set a message with cxm_error_message()'s conventions if you
 * can, e.g. through a failing libcxm call).
 */
typedef int (*cxm_chunk_loglik_fn)(void *context, double *dst, size_t dst_n,
                                   const double *params, size_t nparams, int order);

/**
 * Fit a model by maximum likelihood on data that the caller holds in chunks:
 * the engine's optimiser runs here and asks @p evaluate for summed chunk
 * results (one pass over the chunks per call: value, gradient and Hessian
 * together). Everything else is as cxm_model_fit(): the options, the
 * stopping rule, the failure reports, the covariance, and the fitted model
 * (predictions, JSON, save and load). The report's observations and rows
 * are the summed #CXM_CHUNK_WEIGHT and #CXM_CHUNK_ROWS.
 *
 * Every call must see the same data: a weight sum that changes between
 * calls (a chunk lost or counted twice) fails the fit with #CXM_EINVAL.
 *
 * @param model     the model to fit (any kind with a likelihood).
 * @param evaluate  the summing callback; called from this thread only.
 * @param context   passed to @p evaluate.
 * @param start     starting parameters (e.g. from cxm_model_start()), or
 *                  NULL with #CXM_FIT_WARM_START to start from the model's.
 * @param nstart    number of starting values (the parameter count, or 0
 *                  with NULL).
 * @param options   NULL for the defaults; threads are the callback's business.
 * @return #CXM_OK, #CXM_EINVAL, #CXM_ECONVERGE, #CXM_ENOMEM, or the
 *         callback's status.
 */
CXM_API int cxm_model_fit_chunked(cxm_model *model, cxm_chunk_loglik_fn evaluate, void *context,
                                  const double *start, size_t nstart,
                                  const cxm_fit_options *options);

/**
 * Make a model fitted with results found elsewhere (a driver with its own
 * optimiser): afterwards it predicts, reports and saves as after
 * cxm_model_fit().
 *
 * @param model       the model.
 * @param params      the estimates (valid for the kind).
 * @param n           parameter count.
 * @param covariance  their covariance, n×n row-major, symmetric with
 *                    positive finite variances.
 * @param cov_n       n·n.
 * @param penalty     the L2 penalty the fit used (>= 0), recorded in the JSON.
 * @param report      reason #CXM_FIT_CONVERGED, the log-likelihood
 *                    (finite), observations (> 0), rows, iterations,
 *                    evaluations and gradient norm of the fit.
 * @return #CXM_OK, #CXM_EINVAL (the model keeps its state).
 */
CXM_API int cxm_model_set_fit(cxm_model *model, const double *params, size_t n,
                              const double *covariance, size_t cov_n, double penalty,
                              const cxm_fit_report *report);

/* ================================================================== transaction summary */

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

/* ================================================================== Markov attribution */

/** Transition counts of the attribution chain of some paths (opaque). */
typedef struct cxm_markov_counts cxm_markov_counts;

/**
 * Count the transitions of the attribution chain (order, nulls and
 * self-loop rules of @p options) over a chunk of paths.
 *
 * @param[out] out  the counts, released with cxm_markov_counts_free().
 * @param paths     the paths of the chunk.
 * @param options   order, use of nulls, self-loops; NULL for the defaults.
 * @return #CXM_OK, #CXM_EINVAL (bad options), #CXM_ERANGE (order > 1 with
 *         more than 65535 channels), #CXM_ENOMEM. Paths without conversions
 *         are fine here (the solve needs some).
 */
CXM_API int cxm_markov_counts_create(cxm_markov_counts **out, const cxm_paths *paths,
                                     const cxm_markov_options *options);

/**
 * Release counts.
 *
 * @param counts  the counts, or NULL.
 */
CXM_API void cxm_markov_counts_free(cxm_markov_counts *counts);

/**
 * Add @p src's counts to @p dst. Channels are matched by name. Merging the
 * counts of consecutive chunks in their order (in any grouping) gives the
 * counts of all the paths, states and channels in the same order, so the
 * attribution equals that of the paths in one piece up to the order of
 * additions.
 *
 * @param dst  the counts to add to (of the same order and use of nulls).
 * @param src  the counts added (unchanged).
 * @return #CXM_OK, #CXM_EINVAL when the order or the use of nulls differ,
 *         #CXM_ERANGE, #CXM_ENOMEM (then @p dst is unchanged).
 */
CXM_API int cxm_markov_counts_merge(cxm_markov_counts *dst, const cxm_markov_counts *src);

/**
 * Serialise counts as bytes (a versioned, platform-independent format) to
 * move them between processes or store them as an aggregate's state.
 *
 * @param counts     the counts.
 * @param[out] data  the bytes, released with cxm_free().
 * @param[out] size  their number.
 * @return #CXM_OK, #CXM_EINVAL, #CXM_ENOMEM.
 */
CXM_API int cxm_markov_counts_save(const cxm_markov_counts *counts, unsigned char **data,
                                   size_t *size);

/**
 * Read counts written by cxm_markov_counts_save(). The bytes are checked.
 *
 * @param[out] out  the counts, released with cxm_markov_counts_free().
 * @param data      the bytes.
 * @param size      their number.
 * @return #CXM_OK, #CXM_EPARSE saying what is wrong with the bytes,
 *         #CXM_EINVAL, #CXM_ENOMEM.
 */
CXM_API int cxm_markov_counts_load(cxm_markov_counts **out, const unsigned char *data,
                                   size_t size);

/**
 * Exact Markov attribution from counts.
 *
 * @param[out] out  the table of cxm_attribution_markov() on the paths
 *                  counted, released with cxm_table_free().
 * @param counts    the (merged) counts.
 * @return as cxm_attribution_markov(); #CXM_EDOMAIN without paths or
 *         conversions.
 */
CXM_API int cxm_attribution_markov_counts(cxm_table **out, const cxm_markov_counts *counts);

/**
 * The transition matrix from counts.
 *
 * @param[out] out  the table of cxm_attribution_transitions() on the paths
 *                  counted, released with cxm_table_free().
 * @param counts    the (merged) counts.
 * @return as cxm_attribution_transitions(); #CXM_EDOMAIN without paths.
 */
CXM_API int cxm_attribution_transitions_counts(cxm_table **out,
                                               const cxm_markov_counts *counts);

#ifdef __cplusplus
}
#endif

#endif /* CXM_CHUNK_H */
