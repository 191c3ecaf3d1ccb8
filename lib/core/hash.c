/* The hash table's slow paths: allocation, growth, the seed; integer maps. */
#define _POSIX_C_SOURCE 200809L
#include "config.h"

#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/hash.h"
#include "core/internal.h"

/* The slots of every empty table: a probe ends at once, and the first
 * insertion grows the table before it writes. Never written. */
static uint64_t empty_slot[1];

enum { MIN_SLOTS = 16 };
/* Positions come from the 32-bit tag. */
#define MAX_SLOTS ((uint64_t)1 << 32)

static _Atomic uint64_t process_seed;

uint64_t cxm__hash_seed(void)
{
    uint64_t seed = atomic_load_explicit(&process_seed, memory_order_relaxed);
    if (seed != 0)
        return seed;
    /* Not cryptographic: unknown outside the process (the clock, and where
     * address-space randomisation put the stack and the library). Two
     * threads may pick different seeds; each table keeps its own. */
    struct timespec now = { 0, 0 };
    clock_gettime(CLOCK_MONOTONIC, &now);
    uint64_t local = 0;
    seed = cxm__mix64((uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec);
    seed = cxm__hash_step(seed, (uint64_t)(uintptr_t)&local);
    seed = cxm__hash_step(seed, (uint64_t)(uintptr_t)&process_seed);
    seed = cxm__hash_step(seed, (uint64_t)getpid());
    if (seed == 0)
        seed = CXM__GOLDEN;
    atomic_store_explicit(&process_seed, seed, memory_order_relaxed);
    return seed;
}

void cxm__hash_init(cxm__hash *t)
{
    t->slots = empty_slot;
    t->mask = 0;
    t->count = 0;
    t->block = NULL;
    t->seed = cxm__hash_seed();
}

void cxm__hash_free(cxm__hash *t)
{
    if (t == NULL)
        return;
    cxm__free(t->block);
    cxm__hash_init(t);
}

/* Move the entries into `slots` fresh slots (a power of two). */
static int rehash(cxm__hash *t, size_t slots)
{
    size_t bytes = slots * sizeof(uint64_t);
    void *block;
    uint64_t *fresh = cxm__calloc_large(bytes, &block);
    if (fresh == NULL)
        return CXM_ENOMEM;
    size_t mask = slots - 1;
    for (size_t i = 0; t->count > 0 && i <= t->mask; i++) {
        uint64_t s = t->slots[i];
        if (s == 0)
            continue;
        size_t pos = (size_t)(s >> 32) & mask;
        while (fresh[pos] != 0)
            pos = (pos + 1) & mask;
        fresh[pos] = s;
    }
    cxm__free(t->block);
    t->block = block;
    t->slots = fresh;
    t->mask = mask;
    return CXM_OK;
}

/* The slot count that holds `entries` at half load, or 0 when too many. */
static size_t slots_for(size_t entries)
{
    uint64_t slots = MIN_SLOTS;
    while (slots < 2 * (uint64_t)entries && slots < MAX_SLOTS)
        slots *= 2;
    if (slots > SIZE_MAX / 2 / sizeof(uint64_t))
        return 0;
    return (size_t)slots;
}

int cxm__hash_reserve(cxm__hash *t, size_t entries)
{
    if (entries == 0)
        return CXM_OK;
    if (entries > CXM__HASH_MAX)
        return cxm__fail(CXM_ERANGE, "a table of %zu entries: the most is %zu", entries,
                         CXM__HASH_MAX);
    size_t slots = slots_for(entries);
    if (slots == 0)
        return cxm__fail(CXM_ENOMEM, "cannot allocate a table of %zu entries", entries);
    return slots > t->mask + 1 || t->block == NULL ? rehash(t, slots) : CXM_OK;
}

int cxm__hash_insert_grow(cxm__hash *t, cxm__hash_probe *p, size_t index)
{
    if (index >= CXM__HASH_MAX)
        return cxm__fail(CXM_ERANGE, "more than %zu keys in one table", CXM__HASH_MAX);
    size_t slots = t->mask + 1;
    if (t->block == NULL || (2 * (t->count + 1) > slots && slots < MAX_SLOTS)) {
        int status = cxm__hash_reserve(t, t->block == NULL ? t->count + 1 : slots);
        if (status != CXM_OK)
            return status;
        /* The key is absent: it goes to the first empty slot from its home. */
        p->pos = (size_t)(p->tag >> 32) & t->mask;
        while (t->slots[p->pos] != 0)
            p->pos = (p->pos + 1) & t->mask;
    } else if (t->count + 1 >= slots) {
        return cxm__fail(CXM_ERANGE, "more than %zu keys in one table", t->count);
    }
    t->slots[p->pos] = p->tag | (uint64_t)(index + 1);
    t->count++;
    return CXM_OK;
}

/* ------------------------------------------------------------------ integer keys */

void cxm__u64map_init(cxm__u64map *m)
{
    cxm__hash_init(&m->table);
    m->keys = NULL;
    m->values = NULL;
    m->capacity = 0;
}

void cxm__u64map_free(cxm__u64map *m)
{
    cxm__hash_free(&m->table);
    cxm__free(m->keys);
    cxm__free(m->values);
    cxm__u64map_init(m);
}

int cxm__u64map_find(const cxm__u64map *m, uint64_t key, uint32_t *value)
{
    cxm__hash_probe p = cxm__hash_start(&m->table, cxm__hash_step(m->table.seed, key));
    size_t i;
    while (cxm__hash_next(&m->table, &p, &i))
        if (m->keys[i] == key) {
            *value = m->values[i];
            return 1;
        }
    return 0;
}

int cxm__u64map_upsert(cxm__u64map *m, uint64_t key, uint32_t fresh, uint32_t *value, int *added)
{
    cxm__hash_probe p = cxm__hash_start(&m->table, cxm__hash_step(m->table.seed, key));
    size_t i, n = m->table.count;
    while (cxm__hash_next(&m->table, &p, &i))
        if (m->keys[i] == key) {
            *value = m->values[i];
            *added = 0;
            return CXM_OK;
        }
    if (n == m->capacity) {
        size_t cap = m->capacity;
        int status = cxm__grow((void **)&m->keys, &cap, n + 1, sizeof *m->keys);
        if (status == CXM_OK) {
            cap = m->capacity;
            status = cxm__grow((void **)&m->values, &cap, n + 1, sizeof *m->values);
        }
        if (status != CXM_OK)
            return status;
        m->capacity = cap;
    }
    m->keys[n] = key;
    m->values[n] = fresh;
    int status = cxm__hash_insert(&m->table, &p, n);
    if (status != CXM_OK)
        return status;
    *value = fresh;
    *added = 1;
    return CXM_OK;
}
