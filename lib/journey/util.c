/* Hashing, interned strings, integer maps, growth and sorting for the journey module. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "journey/internal.h"

uint64_t cxm__hash_bytes(const void *data, size_t n)
{
    /* FNV-1a over 8-byte words where possible, then a strong finaliser. */
    const unsigned char *p = data;
    uint64_t h = UINT64_C(0xcbf29ce484222325) ^ (uint64_t)n;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * UINT64_C(0x100000001b3);
        h ^= h >> 29;
        p += 8;
        n -= 8;
    }
    while (n > 0) {
        h = (h ^ *p++) * UINT64_C(0x100000001b3);
        n--;
    }
    return cxm__hash_u64(h);
}

/* ------------------------------------------------------------------ interned strings */

void cxm__strtab_init(cxm__strtab *t)
{
    memset(t, 0, sizeof *t);
}

void cxm__strtab_free(cxm__strtab *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->count; i++)
        cxm__free(t->names[i]);
    cxm__free(t->names);
    cxm__free(t->lengths);
    cxm__free(t->hashes);
    cxm__free(t->slots);
    memset(t, 0, sizeof *t);
}

static int strtab_rehash(cxm__strtab *t, size_t nslots)
{
    uint32_t *slots = cxm__calloc(nslots, sizeof *slots);
    if (slots == NULL)
        return CXM_ENOMEM;
    for (size_t id = 0; id < t->count; id++) {
        size_t i = (size_t)t->hashes[id] & (nslots - 1);
        while (slots[i] != 0)
            i = (i + 1) & (nslots - 1);
        slots[i] = (uint32_t)id + 1;
    }
    cxm__free(t->slots);
    t->slots = slots;
    t->nslots = nslots;
    return CXM_OK;
}

static int strtab_lookup(const cxm__strtab *t, const char *s, size_t len, uint64_t h, size_t *slot)
{
    size_t i = (size_t)h & (t->nslots - 1);
    for (;;) {
        uint32_t v = t->slots[i];
        if (v == 0) {
            *slot = i;
            return 0;
        }
        size_t id = v - 1;
        if (t->hashes[id] == h && t->lengths[id] == len && memcmp(t->names[id], s, len) == 0) {
            *slot = id;
            return 1;
        }
        i = (i + 1) & (t->nslots - 1);
    }
}

int cxm__strtab_find(const cxm__strtab *t, const char *s, size_t len, uint32_t *id)
{
    if (t->nslots == 0)
        return 0;
    size_t where;
    if (strtab_lookup(t, s, len, cxm__hash_bytes(s, len), &where)) {
        *id = (uint32_t)where;
        return 1;
    }
    return 0;
}

int cxm__strtab_intern(cxm__strtab *t, const char *s, size_t len, uint32_t *id)
{
    uint64_t h = cxm__hash_bytes(s, len);
    size_t where;
    if (t->nslots != 0 && strtab_lookup(t, s, len, h, &where)) {
        *id = (uint32_t)where;
        return CXM_OK;
    }
    if (t->count >= UINT32_MAX - 1)
        return cxm__fail(CXM_ERANGE, "more than %u distinct names", (unsigned)(UINT32_MAX - 2));
    int status = CXM_OK;
    if ((t->count + 1) * 2 > t->nslots)
        status = strtab_rehash(t, t->nslots ? t->nslots * 2 : 64);
    if (status == CXM_OK && t->count == t->capacity) {
        size_t cap = t->capacity;
        status = cxm__grow((void **)&t->names, &cap, t->count + 1, sizeof *t->names);
        if (status == CXM_OK) {
            cap = t->capacity;
            status = cxm__grow((void **)&t->lengths, &cap, t->count + 1, sizeof *t->lengths);
        }
        if (status == CXM_OK) {
            cap = t->capacity;
            status = cxm__grow((void **)&t->hashes, &cap, t->count + 1, sizeof *t->hashes);
        }
        if (status == CXM_OK)
            t->capacity = cap;
    }
    if (status != CXM_OK)
        return status;
    char *copy = cxm__malloc(len + 1);
    if (copy == NULL)
        return CXM_ENOMEM;
    memcpy(copy, s, len);
    copy[len] = '\0';
    size_t newid = t->count++;
    t->names[newid] = copy;
    t->lengths[newid] = len;
    t->hashes[newid] = h;
    size_t i = (size_t)h & (t->nslots - 1);
    while (t->slots[i] != 0)
        i = (i + 1) & (t->nslots - 1);
    t->slots[i] = (uint32_t)newid + 1;
    *id = (uint32_t)newid;
    return CXM_OK;
}

int cxm__strtab_copy(cxm__strtab *dst, const cxm__strtab *src)
{
    cxm__strtab_init(dst);
    for (size_t i = 0; i < src->count; i++) {
        uint32_t id;
        int status = cxm__strtab_intern(dst, src->names[i], src->lengths[i], &id);
        if (status != CXM_OK) {
            cxm__strtab_free(dst);
            return status;
        }
    }
    return CXM_OK;
}

/* ------------------------------------------------------------------ u64 -> u32 */

void cxm__u64map_init(cxm__u64map *m)
{
    memset(m, 0, sizeof *m);
}

void cxm__u64map_free(cxm__u64map *m)
{
    cxm__free(m->keys);
    cxm__free(m->values);
    memset(m, 0, sizeof *m);
}

static int u64map_rehash(cxm__u64map *m, size_t nslots)
{
    uint64_t *keys = cxm__malloc(nslots * sizeof *keys);
    uint32_t *values = keys ? cxm__malloc(nslots * sizeof *values) : NULL;
    if (values == NULL) {
        cxm__free(keys);
        return CXM_ENOMEM;
    }
    memset(values, 0xff, nslots * sizeof *values);
    for (size_t s = 0; s < m->nslots; s++) {
        if (m->values[s] == UINT32_MAX)
            continue;
        size_t i = (size_t)cxm__hash_u64(m->keys[s]) & (nslots - 1);
        while (values[i] != UINT32_MAX)
            i = (i + 1) & (nslots - 1);
        keys[i] = m->keys[s];
        values[i] = m->values[s];
    }
    cxm__free(m->keys);
    cxm__free(m->values);
    m->keys = keys;
    m->values = values;
    m->nslots = nslots;
    return CXM_OK;
}

int cxm__u64map_find(const cxm__u64map *m, uint64_t key, uint32_t *value)
{
    if (m->nslots == 0)
        return 0;
    size_t i = (size_t)cxm__hash_u64(key) & (m->nslots - 1);
    while (m->values[i] != UINT32_MAX) {
        if (m->keys[i] == key) {
            *value = m->values[i];
            return 1;
        }
        i = (i + 1) & (m->nslots - 1);
    }
    return 0;
}

int cxm__u64map_upsert(cxm__u64map *m, uint64_t key, uint32_t fresh, uint32_t *value, int *added)
{
    if ((m->count + 1) * 2 > m->nslots) {
        int status = u64map_rehash(m, m->nslots ? m->nslots * 2 : 256);
        if (status != CXM_OK)
            return status;
    }
    size_t i = (size_t)cxm__hash_u64(key) & (m->nslots - 1);
    while (m->values[i] != UINT32_MAX) {
        if (m->keys[i] == key) {
            *value = m->values[i];
            *added = 0;
            return CXM_OK;
        }
        i = (i + 1) & (m->nslots - 1);
    }
    m->keys[i] = key;
    m->values[i] = fresh;
    m->count++;
    *value = fresh;
    *added = 1;
    return CXM_OK;
}

/* ------------------------------------------------------------------ numbers */

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void cxm__sort_doubles(double *x, size_t n)
{
    if (n > 1)
        qsort(x, n, sizeof *x, compare_doubles);
}

double cxm__quantile_sorted(const double *sorted, size_t n, double p)
{
    if (n == 0)
        return NAN;
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)floor(h);
    if (lo >= n - 1)
        return sorted[n - 1];
    return sorted[lo] + (h - (double)lo) * (sorted[lo + 1] - sorted[lo]);
}
