/* The library's one hash table and its one mixer.
 *
 * Every table that finds a key among many (customer ids in the transaction
 * summary, (customer, unit) pairs, identical rows of model data, Pareto/NBD's
 * (x, t) pairs, channel and customer names, Markov states) is a cxm__hash:
 * open addressing with linear probing over a power-of-two array of 64-bit
 * slots. A slot holds the high 32 bits of the key's hash (its tag) and the
 * entry's index + 1 (0 = empty); the keys themselves live with the caller,
 * in arrays indexed by entry, because each caller stores them anyway (and
 * best: inline ids, columns of doubles, packed tuples). The caller compares
 * keys, so a lookup is inlined with its comparison:
 *
 *     cxm__hash_probe p = cxm__hash_start(&table, hash);
 *     size_t i;
 *     while (cxm__hash_next(&table, &p, &i))
 *         if (keys[i] == key)
 *             return i;                          // found: entry i
 *     // absent: store the key at index n, then
 *     status = cxm__hash_insert(&table, &p, n);  // p is where it goes
 *
 * Positions come from the tag, so growing (at half load, doubling) never
 * reads a key. Hashes come from cxm__mix64, splitmix64's finaliser (a
 * bijection of 64-bit words with full avalanche), seeded per table with a
 * per-process random value (cxm__hash_seed), so that ids and names chosen to
 * collide on one run (cxm__hash_step, cxm__hash_bytes) do not collide on the
 * next. Nothing a table returns depends on the seed: entries are numbered
 * in order of insertion. */
#ifndef CXM_CORE_HASH_H
#define CXM_CORE_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cxm/common.h"

/* ------------------------------------------------------------------ the mixer */

/* splitmix64's finaliser (Steele, Lea & Flood 2014): a bijection. */
static inline uint64_t cxm__mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x *= UINT64_C(0x94d049bb133111eb);
    x ^= x >> 31;
    return x;
}

/* The golden-ratio increment of splitmix64's state (and a handy odd constant). */
#define CXM__GOLDEN UINT64_C(0x9e3779b97f4a7c15)

/* Fold one more word into a hash: start from the seed, fold each word of the
 * key in order. A key of one word hashes to cxm__mix64(seed ^ word). */
static inline uint64_t cxm__hash_step(uint64_t h, uint64_t word)
{
    return cxm__mix64(h ^ word);
}

/* A cheaper way for keys of several words in a hot loop (rows of model
 * data): fold each word in with one multiply, starting from the seed, then
 * finish with cxm__mix64. */
static inline uint64_t cxm__hash_fold(uint64_t h, uint64_t word)
{
    return (h ^ word) * UINT64_C(0xbf58476d1ce4e5b9);
}

/* The bits of a double as a key: -0 and +0 are the same key. */
static inline uint64_t cxm__hash_double(double v)
{
    uint64_t bits;
    if (v == 0.0)
        v = 0.0;
    memcpy(&bits, &v, sizeof bits);
    return bits;
}

static inline uint64_t cxm__load64(const char *s)
{
    uint64_t w;
    memcpy(&w, s, sizeof w);
    return w;
}

static inline uint64_t cxm__load32(const char *s)
{
    uint32_t w;
    memcpy(&w, s, sizeof w);
    return w;
}

/* n bytes as at most two words a and b that, with n, identify them, for
 * n <= 16, reading only those bytes (overlapping loads cover the tail). */
static inline void cxm__hash_short(const char *s, size_t n, uint64_t *a, uint64_t *b)
{
    if (n >= 8) {
        *a = cxm__load64(s);
        *b = cxm__load64(s + n - 8);
    } else if (n >= 4) {
        *a = cxm__load32(s) | cxm__load32(s + n - 4) << 32;
        *b = 0;
    } else {
        const unsigned char *u = (const unsigned char *)s;
        *a = n ? (uint64_t)u[0] | (uint64_t)u[n / 2] << 8 | (uint64_t)u[n - 1] << 16 : 0;
        *b = 0;
    }
}

/* The slot among 2^bits of a direct-mapped cache (recent dates in the CSV
 * reader, channel names of paths) for a key of two words: a multiplicative
 * hash, the cheapest that spreads well. Not for tables: a poor spread costs a
 * cache a miss, a table a long probe. */
static inline size_t cxm__cache_slot(uint64_t a, uint64_t b, unsigned bits)
{
    return (size_t)(((a * CXM__GOLDEN) ^ (b * UINT64_C(0xc2b2ae3d27d4eb4f))) >> (64 - bits));
}

/* The hash of n bytes. The length enters through an odd multiplier, so that
 * keys of different lengths cannot be made to collide without the seed. */
static inline uint64_t cxm__hash_bytes(uint64_t seed, const void *data, size_t n)
{
    const char *s = data;
    const uint64_t m = CXM__GOLDEN + 2 * (uint64_t)n;
    uint64_t h = seed;
    if (n > 16) {
        size_t i = 0;
        for (; i + 8 < n; i += 8)
            h = cxm__mix64((h ^ cxm__load64(s + i)) * m);
        return cxm__mix64((h ^ cxm__load64(s + n - 8)) * m);
    }
    uint64_t a, b;
    cxm__hash_short(s, n, &a, &b);
    if (n > 8)
        h = cxm__mix64((h ^ a) * m);
    return cxm__mix64((h ^ (n > 8 ? b : a)) * m);
}

/* ------------------------------------------------------------------ the table */

#define CXM__HASH_TAG UINT64_C(0xffffffff00000000)
/* Entries a table can number: indices 0 .. CXM__HASH_MAX - 1. */
#define CXM__HASH_MAX ((size_t)UINT32_MAX - 1)

typedef struct cxm__hash {
    uint64_t *slots;  /* tag | (index + 1); 0 = empty */
    size_t mask;      /* slots - 1 */
    size_t count;     /* entries */
    uint64_t seed;    /* for the callers' hashes */
    void *block;      /* the allocation behind slots; NULL before the first */
} cxm__hash;

typedef struct cxm__hash_probe {
    size_t pos;
    uint64_t tag;
} cxm__hash_probe;

/* An empty table with a fresh seed; allocates nothing. Every table starts
 * here (a zeroed struct is not a table). */
void cxm__hash_init(cxm__hash *t);
void cxm__hash_free(cxm__hash *t);
/* Room for `entries` entries without growing: CXM_OK or CXM_ENOMEM (the
 * table is then unchanged). */
int cxm__hash_reserve(cxm__hash *t, size_t entries);
/* The per-process seed (random, chosen once). */
uint64_t cxm__hash_seed(void);
/* Out of line: grow, then find the empty slot for p's tag. */
int cxm__hash_insert_grow(cxm__hash *t, cxm__hash_probe *p, size_t index);

static inline cxm__hash_probe cxm__hash_start(const cxm__hash *t, uint64_t hash)
{
    cxm__hash_probe p = { (size_t)(hash >> 32) & t->mask, hash & CXM__HASH_TAG };
    return p;
}

/* The next entry along the probe whose tag matches: 1 and *index, or 0 at
 * the empty slot that ends the probe (p then says where the key goes). */
static inline int cxm__hash_next(const cxm__hash *t, cxm__hash_probe *p, size_t *index)
{
    for (;;) {
        uint64_t s = t->slots[p->pos];
        if (s == 0)
            return 0;
        p->pos = (p->pos + 1) & t->mask;
        if ((s & CXM__HASH_TAG) == p->tag) {
            *index = (size_t)(uint32_t)s - 1;
            return 1;
        }
    }
}

/* Record entry `index` (< CXM__HASH_MAX) at the end of probe p, which
 * cxm__hash_next ended: CXM_OK, or CXM_ENOMEM / CXM_ERANGE with the table
 * unchanged. Store the key first; count it as stored once this succeeds. */
static inline int cxm__hash_insert(cxm__hash *t, cxm__hash_probe *p, size_t index)
{
    if (2 * (t->count + 1) > t->mask + 1 || index >= CXM__HASH_MAX)
        return cxm__hash_insert_grow(t, p, index);
    t->slots[p->pos] = p->tag | (uint64_t)(index + 1);
    t->count++;
    return CXM_OK;
}

/* Start loading the slot where the probe for `hash` begins. */
static inline void cxm__hash_prefetch(const cxm__hash *t, uint64_t hash)
{
#if defined(__GNUC__)
    __builtin_prefetch(&t->slots[(size_t)(hash >> 32) & t->mask]);
#else
    (void)t;
    (void)hash;
#endif
}

/* ------------------------------------------------------------------ integer keys
 * 64-bit keys with a 32-bit value each, on the table: Markov states and
 * transitions, the summary's (customer, unit) pairs. */
typedef struct cxm__u64map {
    cxm__hash table;
    uint64_t *keys;    /* entry -> key */
    uint32_t *values;  /* entry -> value */
    size_t capacity;   /* of keys and values */
} cxm__u64map;

void cxm__u64map_init(cxm__u64map *m);
void cxm__u64map_free(cxm__u64map *m);
/* Find key; when absent insert it with value `fresh`. *value receives the
 * stored value, *added whether it was inserted. CXM_OK, CXM_ENOMEM or
 * CXM_ERANGE (the map is then unchanged). */
int cxm__u64map_upsert(cxm__u64map *m, uint64_t key, uint32_t fresh, uint32_t *value, int *added);
/* 1 and *value when present. */
int cxm__u64map_find(const cxm__u64map *m, uint64_t key, uint32_t *value);

#endif /* CXM_CORE_HASH_H */
