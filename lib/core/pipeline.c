/* Reading with two threads: a ring of chunks between a parser and a helper. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/internal.h"
#include "core/pipeline.h"

static void *helper_main(void *arg)
{
    cxm__pipeline *p = arg;
    unsigned take = 0;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        while (!p->full[take] && !p->done && !p->stop)
            pthread_cond_wait(&p->filled, &p->lock);
        bool work = p->full[take] && !p->stop;
        pthread_mutex_unlock(&p->lock);
        if (!work)
            break;
        int status = p->apply(p->context, p->ring[take]);
        pthread_mutex_lock(&p->lock);
        p->full[take] = false;
        if (status != CXM_OK) {
            p->stop = true;
            p->status = status;
            /* The message is thread-local: carry it to the caller's thread. */
            snprintf(p->message, sizeof p->message, "%s", cxm_error_message());
        }
        pthread_cond_broadcast(&p->emptied);
        pthread_mutex_unlock(&p->lock);
        if (status != CXM_OK)
            break;
        take = (take + 1) % p->count;
    }
    return NULL;
}

static void free_ring(cxm__pipeline *p)
{
    for (unsigned i = 0; i < CXM__PIPELINE_RING; i++) {
        cxm__free(p->ring[i]);
        p->ring[i] = NULL;
    }
}

int cxm__pipeline_start(cxm__pipeline *p, size_t chunk_bytes, unsigned threads,
                        cxm__pipeline_apply apply, void *context)
{
    memset(p, 0, sizeof *p);
    p->apply = apply;
    p->context = context;
    p->count = threads >= 2 ? CXM__PIPELINE_RING : 1;
    for (unsigned i = 0; i < p->count; i++) {
        if ((p->ring[i] = cxm__calloc(1, chunk_bytes)) == NULL) {
            free_ring(p);
            return CXM_ENOMEM;
        }
    }
    if (p->count == 1)
        return CXM_OK;
    bool ok = pthread_mutex_init(&p->lock, NULL) == 0;
    ok = ok && pthread_cond_init(&p->filled, NULL) == 0;
    ok = ok && pthread_cond_init(&p->emptied, NULL) == 0;
    ok = ok && pthread_create(&p->thread, NULL, helper_main, p) == 0;
    if (ok) {
        p->threaded = true;
    } else {
        /* No thread to be had: the caller does the work. */
        pthread_cond_destroy(&p->emptied);
        pthread_cond_destroy(&p->filled);
        pthread_mutex_destroy(&p->lock);
        p->count = 1;
    }
    return CXM_OK;
}

void *cxm__pipeline_chunk(const cxm__pipeline *p)
{
    return p->ring[p->fill];
}

/* The helper's failure, with its message, or CXM_OK. Call with the lock held. */
static int helper_failure(cxm__pipeline *p)
{
    return p->stop && p->status != CXM_OK ? cxm__fail(p->status, "%s", p->message) : CXM_OK;
}

int cxm__pipeline_submit(cxm__pipeline *p)
{
    if (!p->threaded)
        return p->apply(p->context, p->ring[0]);
    pthread_mutex_lock(&p->lock);
    p->full[p->fill] = true;
    pthread_cond_signal(&p->filled);
    p->fill = (p->fill + 1) % p->count;
    while (p->full[p->fill] && !p->stop)
        pthread_cond_wait(&p->emptied, &p->lock);
    int status = helper_failure(p);
    pthread_mutex_unlock(&p->lock);
    return status;
}

int cxm__pipeline_wait(cxm__pipeline *p)
{
    if (!p->threaded)
        return CXM_OK;
    pthread_mutex_lock(&p->lock);
    for (unsigned i = 0; i < p->count; i++)
        while (p->full[i] && !p->stop)
            pthread_cond_wait(&p->emptied, &p->lock);
    int status = helper_failure(p);
    pthread_mutex_unlock(&p->lock);
    return status;
}

int cxm__pipeline_finish(cxm__pipeline *p, int status, bool drain, bool submit_current)
{
    if (p->threaded) {
        pthread_mutex_lock(&p->lock);
        if (drain && submit_current) {
            p->full[p->fill] = true;
            pthread_cond_signal(&p->filled);
        }
        p->done = true;
        if (!drain)
            p->stop = true;
        pthread_cond_signal(&p->filled);
        pthread_mutex_unlock(&p->lock);
        pthread_join(p->thread, NULL);
        /* An error the helper met first wins, as it would with one thread. */
        if (drain && p->status != CXM_OK)
            status = cxm__fail(p->status, "%s", p->message);
        pthread_cond_destroy(&p->emptied);
        pthread_cond_destroy(&p->filled);
        pthread_mutex_destroy(&p->lock);
        p->threaded = false;
    } else if (drain && submit_current && p->ring[0] != NULL) {
        int applied = p->apply(p->context, p->ring[0]);
        if (applied != CXM_OK)
            status = applied;
    }
    free_ring(p);
    return status;
}
