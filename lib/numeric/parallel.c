/* Deterministic block parallelism with POSIX threads (see parallel.h). */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/internal.h"
#include "numeric/parallel.h"

enum { MAX_THREADS = 64, MESSAGE_CAPACITY = 1024 };

size_t cxm__block_count(size_t n, size_t block_rows)
{
    return n == 0 ? 0 : (n - 1) / block_rows + 1;
}

unsigned cxm__thread_count(unsigned requested, size_t n, size_t min_rows)
{
    if (requested > 0)
        return requested > MAX_THREADS ? MAX_THREADS : requested;
    if (n < min_rows)
        return 1;
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    if (online < 1)
        online = 1;
    return online > 8 ? 8 : (unsigned)online;
}

typedef struct shared_work {
    size_t n, block_rows, blocks;
    cxm__block_fn fn;
    void *context;
    atomic_size_t next;
    pthread_mutex_t lock;
    size_t failed_block; /* lowest failing block so far; blocks = none */
    int failed_status;
    char message[MESSAGE_CAPACITY];
} shared_work;

static void record_failure(shared_work *work, size_t block, int status)
{
    pthread_mutex_lock(&work->lock);
    if (block < work->failed_block) {
        work->failed_block = block;
        work->failed_status = status;
        snprintf(work->message, sizeof work->message, "%s", cxm_error_message());
    }
    pthread_mutex_unlock(&work->lock);
}

static void *worker(void *arg)
{
    shared_work *work = arg;
    for (;;) {
        size_t block = atomic_fetch_add(&work->next, 1);
        if (block >= work->blocks)
            break;
        size_t begin = block * work->block_rows;
        size_t end = begin + work->block_rows < work->n ? begin + work->block_rows : work->n;
        int status = work->fn(work->context, block, begin, end);
        if (status != CXM_OK)
            record_failure(work, block, status);
    }
    return NULL;
}

int cxm__parallel_blocks(size_t n, size_t block_rows, unsigned threads, cxm__block_fn fn,
                         void *context)
{
    size_t blocks = cxm__block_count(n, block_rows);
    if (blocks == 0)
        return CXM_OK;
    if (threads > blocks)
        threads = (unsigned)blocks;
    if (threads > MAX_THREADS)
        threads = MAX_THREADS;
    if (threads <= 1) {
        for (size_t block = 0; block < blocks; block++) {
            size_t begin = block * block_rows;
            size_t end = begin + block_rows < n ? begin + block_rows : n;
            int status = fn(context, block, begin, end);
            if (status != CXM_OK)
                return status;
        }
        return CXM_OK;
    }

    shared_work work;
    memset(&work, 0, sizeof work);
    work.n = n;
    work.block_rows = block_rows;
    work.blocks = blocks;
    work.fn = fn;
    work.context = context;
    atomic_init(&work.next, 0);
    work.failed_block = blocks;
    if (pthread_mutex_init(&work.lock, NULL) != 0)
        return cxm__fail(CXM_ENOMEM, "cannot create a mutex for %u threads", threads);

    pthread_t ids[MAX_THREADS];
    unsigned started = 0;
    for (unsigned i = 1; i < threads; i++) {
        if (pthread_create(&ids[started], NULL, worker, &work) != 0)
            break; /* run with the threads we have */
        started++;
    }
    worker(&work);
    for (unsigned i = 0; i < started; i++)
        pthread_join(ids[i], NULL);
    pthread_mutex_destroy(&work.lock);
    if (work.failed_block < blocks)
        return cxm__fail(work.failed_status, "%s", work.message);
    return CXM_OK;
}
