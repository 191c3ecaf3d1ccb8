/* Reading with two threads: the calling thread parses rows into fixed-size
 * chunks while a helper thread applies the full chunks, in order, through a
 * ring. Without a helper (one thread asked for, or none to be had) each chunk
 * is applied by the caller when it is full. Rows are applied in input order
 * either way, so results never depend on the thread count. Internal.
 *
 *     cxm__pipeline p;
 *     status = cxm__pipeline_start(&p, sizeof(my_chunk), threads, apply, ctx);
 *     while (... more rows ...) {
 *         my_chunk *c = cxm__pipeline_chunk(&p);
 *         if (c is full) { status = cxm__pipeline_submit(&p); c = cxm__pipeline_chunk(&p); }
 *         ... append a row to c ...
 *     }
 *     status = cxm__pipeline_finish(&p, status, status == CXM_OK, c->n > 0);
 *
 * apply(context, chunk) must process the chunk and leave it empty for reuse.
 * Chunks start zero-filled. A failure of apply stops the helper; the caller
 * sees it (status and message) at its next submit, wait or finish. */
#ifndef CXM_CORE_PIPELINE_H
#define CXM_CORE_PIPELINE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

typedef int (*cxm__pipeline_apply)(void *context, void *chunk);

enum { CXM__PIPELINE_RING = 4 };

typedef struct cxm__pipeline {
    cxm__pipeline_apply apply;
    void *context;
    void *ring[CXM__PIPELINE_RING];
    unsigned count;        /* chunks in use: 1 without a helper */
    unsigned fill;         /* the chunk being filled */
    bool threaded;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t filled, emptied;
    bool full[CXM__PIPELINE_RING];
    bool done, stop;
    int status;            /* the helper's failure */
    char message[1024];
} cxm__pipeline;

/* Allocate the chunks and start a helper when threads >= 2. */
int cxm__pipeline_start(cxm__pipeline *p, size_t chunk_bytes, unsigned threads,
                        cxm__pipeline_apply apply, void *context);
/* The chunk to fill. */
void *cxm__pipeline_chunk(const cxm__pipeline *p);
/* The chunk being filled is full: apply it, or hand it to the helper and move
 * to the next free chunk (waiting for one). */
int cxm__pipeline_submit(cxm__pipeline *p);
/* Wait until the helper has applied every chunk handed to it, so that the
 * caller may apply something itself (e.g. a row too large for a chunk). */
int cxm__pipeline_wait(cxm__pipeline *p);
/* End: with drain, the current chunk (when submit_current) and everything
 * handed over are applied, and a failure of the helper replaces status;
 * without, the helper stops at once. Frees the chunks; returns the status. */
int cxm__pipeline_finish(cxm__pipeline *p, int status, bool drain, bool submit_current);

#endif /* CXM_CORE_PIPELINE_H */
