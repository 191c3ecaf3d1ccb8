/* Allocator hooks: every allocation in the library goes through here. */
#define _DEFAULT_SOURCE 1
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/internal.h"

static void *default_malloc(size_t size, void *user_data)
{
    (void)user_data;
    return malloc(size);
}

static void *default_realloc(void *ptr, size_t size, void *user_data)
{
    (void)user_data;
    return realloc(ptr, size);
}

static void default_free(void *ptr, void *user_data)
{
    (void)user_data;
    free(ptr);
}

/* The one documented global: set once, before any other call. */
static struct {
    cxm_malloc_fn malloc_fn;
    cxm_realloc_fn realloc_fn;
    cxm_free_fn free_fn;
    void *user_data;
} allocator = { default_malloc, default_realloc, default_free, NULL };

int cxm_set_allocator(cxm_malloc_fn malloc_fn, cxm_realloc_fn realloc_fn, cxm_free_fn free_fn,
                      void *user_data)
{
    if (malloc_fn == NULL && realloc_fn == NULL && free_fn == NULL) {
        allocator.malloc_fn = default_malloc;
        allocator.realloc_fn = default_realloc;
        allocator.free_fn = default_free;
        allocator.user_data = NULL;
        return CXM_OK;
    }
    if (malloc_fn == NULL || realloc_fn == NULL || free_fn == NULL)
        return cxm__fail(CXM_EINVAL,
                         "cxm_set_allocator needs all three functions, or none to restore the defaults");
    allocator.malloc_fn = malloc_fn;
    allocator.realloc_fn = realloc_fn;
    allocator.free_fn = free_fn;
    allocator.user_data = user_data;
    return CXM_OK;
}

static void *out_of_memory(size_t size)
{
    cxm__fail(CXM_ENOMEM, "out of memory allocating %zu bytes", size);
    return NULL;
}

void *cxm__malloc(size_t size)
{
    void *p = allocator.malloc_fn(size ? size : 1, allocator.user_data);
    return p ? p : out_of_memory(size);
}

void *cxm__calloc(size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size) {
        cxm__fail(CXM_ENOMEM, "cannot allocate %zu elements of %zu bytes: the size overflows",
                  count, size);
        return NULL;
    }
    size_t bytes = count * size;
    if (allocator.malloc_fn == default_malloc) {
        /* calloc knows when its memory is fresh from the kernel, already zero. */
        void *p = calloc(bytes ? bytes : 1, 1);
        return p ? p : out_of_memory(bytes);
    }
    void *p = cxm__malloc(bytes);
    if (p)
        memset(p, 0, bytes > 0 ? bytes : 1);
    return p;
}

void *cxm__realloc(void *ptr, size_t size)
{
    void *p = allocator.realloc_fn(ptr, size ? size : 1, allocator.user_data);
    return p ? p : out_of_memory(size);
}

void *cxm__reallocarray(void *ptr, size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size) {
        cxm__fail(CXM_ENOMEM, "cannot allocate %zu elements of %zu bytes: the size overflows",
                  count, size);
        return NULL;
    }
    return cxm__realloc(ptr, count * size);
}

void cxm__free(void *ptr)
{
    if (ptr)
        allocator.free_fn(ptr, allocator.user_data);
}

void cxm_free(void *ptr)
{
    cxm__free(ptr);
}

char *cxm__strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *copy = cxm__malloc(n);
    if (copy)
        memcpy(copy, s, n);
    return copy;
}

int cxm__grow(void **array, size_t *capacity, size_t need, size_t element_size)
{
    if (need <= *capacity)
        return CXM_OK;
    size_t cap = *capacity ? *capacity : 8;
    while (cap < need) {
        if (cap > SIZE_MAX / 2)
            return cxm__fail(CXM_ERANGE, "cannot hold %zu elements", need);
        cap *= 2;
    }
    void *grown = cxm__reallocarray(*array, cap, element_size);
    if (grown == NULL)
        return CXM_ENOMEM;
    *array = grown;
    *capacity = cap;
    return CXM_OK;
}

static void *large(size_t size, void **block, bool zeroed)
{
    const size_t huge = (size_t)2 << 20;
    size_t alignment = size >= 2 * huge ? huge : 64;
    if (size > SIZE_MAX - alignment) {
        cxm__fail(CXM_ENOMEM, "cannot allocate %zu bytes: the size overflows", size);
        return NULL;
    }
    char *p = zeroed ? cxm__calloc(1, size + alignment) : cxm__malloc(size + alignment);
    *block = p;
    if (p == NULL)
        return NULL;
    p += (alignment - ((uintptr_t)p & (alignment - 1))) & (alignment - 1);
#if defined(MADV_HUGEPAGE)
    /* Only advice: whatever the user's allocator returned may receive it. */
    if (alignment == huge)
        madvise(p, size & ~(huge - 1), MADV_HUGEPAGE);
#endif
    return p;
}

void *cxm__malloc_large(size_t size, void **block)
{
    return large(size, block, false);
}

void *cxm__calloc_large(size_t size, void **block)
{
    return large(size, block, true);
}
