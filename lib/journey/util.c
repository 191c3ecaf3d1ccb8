/* Interned strings and sorting for the journey module. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "journey/internal.h"

/* ------------------------------------------------------------------ interned strings */

void cxm__strtab_init(cxm__strtab *t)
{
    memset(t, 0, sizeof *t);
    cxm__hash_init(&t->table);
}

void cxm__strtab_free(cxm__strtab *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->count; i++)
        cxm__free(t->names[i]);
    cxm__free(t->names);
    cxm__free(t->lengths);
    cxm__hash_free(&t->table);
    cxm__strtab_init(t);
}

/* 1 and *id when present; else 0 and *p where s goes. */
static int strtab_lookup(const cxm__strtab *t, const char *s, size_t len, cxm__hash_probe *p,
                         uint32_t *id)
{
    *p = cxm__hash_start(&t->table, cxm__hash_bytes(t->table.seed, s, len));
    size_t i;
    while (cxm__hash_next(&t->table, p, &i))
        if (t->lengths[i] == len && memcmp(t->names[i], s, len) == 0) {
            *id = (uint32_t)i;
            return 1;
        }
    return 0;
}

int cxm__strtab_find(const cxm__strtab *t, const char *s, size_t len, uint32_t *id)
{
    cxm__hash_probe p;
    return strtab_lookup(t, s, len, &p, id);
}

int cxm__strtab_intern(cxm__strtab *t, const char *s, size_t len, uint32_t *id)
{
    cxm__hash_probe p;
    if (strtab_lookup(t, s, len, &p, id))
        return CXM_OK;
    if (t->count >= UINT32_MAX - 1)
        return cxm__fail(CXM_ERANGE, "more than %u distinct names", (unsigned)(UINT32_MAX - 2));
    int status = CXM_OK;
    if (t->count == t->capacity) {
        size_t cap = t->capacity;
        status = cxm__grow((void **)&t->names, &cap, t->count + 1, sizeof *t->names);
        if (status == CXM_OK) {
            cap = t->capacity;
            status = cxm__grow((void **)&t->lengths, &cap, t->count + 1, sizeof *t->lengths);
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
    t->names[t->count] = copy;
    t->lengths[t->count] = len;
    status = cxm__hash_insert(&t->table, &p, t->count);
    if (status != CXM_OK) {
        cxm__free(copy);
        return status;
    }
    *id = (uint32_t)t->count++;
    return CXM_OK;
}

int cxm__strtab_copy(cxm__strtab *dst, const cxm__strtab *src)
{
    cxm__strtab_init(dst);
    int status = cxm__hash_reserve(&dst->table, src->count);
    for (size_t i = 0; status == CXM_OK && i < src->count; i++) {
        uint32_t id;
        status = cxm__strtab_intern(dst, src->names[i], src->lengths[i], &id);
    }
    if (status != CXM_OK)
        cxm__strtab_free(dst);
    return status;
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
