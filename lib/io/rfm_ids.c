/* The summary's customer ids: the records, numbered in order of first
 * appearance, in segments that never move; ids of up to 15 bytes inline,
 * longer ones in an arena; the id table (lib/core/hash.h) that finds them. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "io/rfm_internal.h"

static char *arena_copy(cxm_rfm *r, const char *id, size_t len)
{
    if (r->arena_left < len + 1) {
        size_t size = len + 1 > ARENA_BLOCK ? len + 1 : ARENA_BLOCK;
        if (r->nblocks == r->blocks_cap) {
            size_t cap = r->blocks_cap ? r->blocks_cap * 2 : 16;
            char **blocks = cxm__reallocarray(r->blocks, cap, sizeof *blocks);
            if (blocks == NULL)
                return NULL;
            r->blocks = blocks;
            r->blocks_cap = cap;
        }
        char *block = cxm__malloc(size);
        if (block == NULL)
            return NULL;
        r->blocks[r->nblocks++] = block;
        r->arena = block;
        r->arena_left = size;
    }
    char *copy = r->arena;
    memcpy(copy, id, len);
    copy[len] = '\0';
    r->arena += len + 1;
    r->arena_left -= len + 1;
    return copy;
}

static int add_segment(cxm_rfm *r)
{
    if (r->segments == r->segments_cap) {
        size_t cap = r->segments_cap ? r->segments_cap * 2 : 8;
        rfm_cust **segment = cxm__reallocarray(r->segment, cap, sizeof *segment);
        if (segment == NULL)
            return CXM_ENOMEM;
        r->segment = segment;
        char **block = cxm__reallocarray(r->segment_block, cap, sizeof *block);
        if (block == NULL)
            return CXM_ENOMEM;
        r->segment_block = block;
        r->segments_cap = cap;
    }
    void *block;
    rfm_cust *records = cxm__malloc_large((size_t)SEGMENT * sizeof(rfm_cust), &block);
    if (records == NULL)
        return CXM_ENOMEM;
    r->segment_block[r->segments] = block;
    r->segment[r->segments++] = records;
    return CXM_OK;
}

int cxm__rfm_add_customer(cxm_rfm *r, cxm__hash_probe *p, const char *id, size_t len,
                          int64_t code)
{
    if (r->n >= UINT32_MAX - 2)
        return cxm__fail(CXM_ERANGE, "more than %u customers", UINT32_MAX - 2);
    if (!r->codes && len > META_LENGTH)
        return cxm__fail(CXM_ERANGE, "a customer id of %zu bytes is too long", len);
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 1024;
        double *ft = cxm__reallocarray(r->first_time, cap, sizeof *ft);
        if (ft == NULL)
            return CXM_ENOMEM;
        r->first_time = ft;
        r->cap = cap;
    }
    if (r->n == r->segments * (size_t)SEGMENT) {
        int status = add_segment(r);
        if (status != CXM_OK)
            return status;
    }
    rfm_cust *c = CUST(r, r->n);
    memset(c, 0, sizeof *c);
    if (r->codes) {
        c->id.code = code;
    } else if (len <= INLINE_ID) {
        memcpy(c->id.text, id, len);
        c->id.text[len] = '\0';
    } else {
        const char *copy = arena_copy(r, id, len);
        if (copy == NULL)
            return CXM_ENOMEM;
        c->id.ptr = copy;
    }
    c->meta = r->codes ? 0 : (uint32_t)len;
    c->prev = NO_PERIOD;
    r->first_time[r->n] = 0;
    int status = cxm__hash_insert(&r->ids, p, r->n);
    if (status == CXM_OK)
        r->n++;
    return status;
}

void cxm__rfm_ids_free(cxm_rfm *r)
{
    for (size_t i = 0; i < r->nblocks; i++)
        cxm__free(r->blocks[i]);
    cxm__free(r->blocks);
    for (size_t k = 0; k < r->segments; k++)
        cxm__free(r->segment_block[k]);
    cxm__free(r->segment);
    cxm__free(r->segment_block);
    cxm__hash_free(&r->ids);
}
