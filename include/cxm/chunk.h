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
 *
 * Each function is declared with its module: the BTYD models' in cxm/model.h,
 * the summary's in cxm/rfm.h, the attribution counts' in cxm/journey.h. This
 * header includes the three.
 */
#ifndef CXM_CHUNK_H
#define CXM_CHUNK_H

#include "cxm/journey.h"
#include "cxm/model.h"
#include "cxm/rfm.h"

#endif /* CXM_CHUNK_H */
