/* Deterministic data parallelism: a range of rows is cut into fixed blocks,
 * blocks are handed to threads, and anything a block computes goes to its
 * own slot. Callers combine the slots in block order, so results never
 * depend on the number of threads or on their timing. */
#ifndef CXM_NUMERIC_PARALLEL_H
#define CXM_NUMERIC_PARALLEL_H

#include <stddef.h>

/* Work on block `block` = rows [begin, end). Returns a status; a failure's
 * message (cxm__fail) is carried back to the calling thread. */
typedef int (*cxm__block_fn)(void *context, size_t block, size_t begin, size_t end);

/* Number of blocks of `block_rows` rows covering n rows. */
size_t cxm__block_count(size_t n, size_t block_rows);

/* Threads to use for n rows when the caller asked for `requested` (0 =
 * automatic: the online processors, at most 8, and 1 for fewer than
 * `min_rows` rows). */
unsigned cxm__thread_count(unsigned requested, size_t n, size_t min_rows);

/* Run fn on every block with up to `threads` threads (the caller's thread
 * is one of them). Returns CXM_OK or the failure of the lowest-numbered
 * failing block, with its message; CXM_ENOMEM if threads cannot start (then
 * nothing ran twice: the caller may retry with one thread). */
int cxm__parallel_blocks(size_t n, size_t block_rows, unsigned threads, cxm__block_fn fn,
                         void *context);

#endif
