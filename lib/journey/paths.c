/* Aggregated paths: channel interning, parsing "a > b > c", deduplication. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "core/internal.h"
#include "journey/internal.h"

int cxm_paths_create(cxm_paths **out, const char *separator)
{
    int status = cxm__check_pointer(out, "out");
    if (status != CXM_OK)
        return status;
    *out = NULL;
    if (separator == NULL)
        separator = ">";
    if (separator[0] == '\0')
        return cxm__fail(CXM_EINVAL, "the separator must not be empty");
    cxm_paths *p = cxm__calloc(1, sizeof *p);
    if (p == NULL)
        return CXM_ENOMEM;
    cxm__strtab_init(&p->channels);
    p->separator = cxm__strdup(separator);
    p->offsets = cxm__malloc(8 * sizeof *p->offsets);
    if (p->separator == NULL || p->offsets == NULL) {
        cxm_paths_free(p);
        return CXM_ENOMEM;
    }
    p->separator_length = strlen(separator);
    p->offsets[0] = 0;
    *out = p;
    return CXM_OK;
}

void cxm_paths_free(cxm_paths *p)
{
    if (p == NULL)
        return;
    cxm__free(p->separator);
    cxm__strtab_free(&p->channels);
    cxm__free(p->touches);
    cxm__free(p->offsets);
    cxm__free(p->conversions);
    cxm__free(p->nulls);
    cxm__free(p->values);
    cxm__free(p->ages);
    cxm__free(p->timed);
    cxm__free(p->slots);
    cxm__free(p->slot_hashes);
    cxm__free(p->scratch);
    cxm__free(p);
}

size_t cxm_paths_count(const cxm_paths *paths)
{
    return paths ? paths->count : 0;
}

size_t cxm_paths_channel_count(const cxm_paths *paths)
{
    return paths ? paths->channels.count : 0;
}

int cxm__paths_check_counts(double conversions, double nulls, double value)
{
    int status = cxm__check_nonnegative(conversions, "conversions");
    if (status == CXM_OK)
        status = cxm__check_nonnegative(nulls, "nulls");
    if (status == CXM_OK)
        status = cxm__check_nonnegative(value, "value");
    if (status == CXM_OK && value > 0 && conversions == 0)
        status = cxm__fail(CXM_EINVAL, "value %g without conversions", value);
    return status;
}

static uint64_t hash_ids(const uint32_t *ids, size_t n)
{
    uint64_t h = UINT64_C(0x9e3779b97f4a7c15) ^ n;
    for (size_t i = 0; i < n; i++)
        h = cxm__hash_u64(h ^ ids[i]) + i;
    return cxm__hash_u64(h);
}

static int rehash_paths(cxm_paths *p, size_t nslots)
{
    uint32_t *slots = cxm__calloc(nslots, sizeof *slots);
    uint64_t *hashes = slots ? cxm__malloc(nslots * sizeof *hashes) : NULL;
    if (hashes == NULL) {
        cxm__free(slots);
        return CXM_ENOMEM;
    }
    for (size_t s = 0; s < p->nslots; s++) {
        if (p->slots[s] == 0)
            continue;
        size_t i = (size_t)p->slot_hashes[s] & (nslots - 1);
        while (slots[i] != 0)
            i = (i + 1) & (nslots - 1);
        slots[i] = p->slots[s];
        hashes[i] = p->slot_hashes[s];
    }
    cxm__free(p->slots);
    cxm__free(p->slot_hashes);
    p->slots = slots;
    p->slot_hashes = hashes;
    p->nslots = nslots;
    return CXM_OK;
}

/* Room for one more path of n touches. */
static int reserve(cxm_paths *p, size_t n, int timed)
{
    if (p->count >= UINT32_MAX - 1)
        return cxm__fail(CXM_ERANGE, "more than %u distinct paths", (unsigned)(UINT32_MAX - 2));
    int status = cxm__grow((void **)&p->touches, &p->touches_cap, p->touches_n + n,
                           sizeof *p->touches);
    if (status == CXM_OK && (timed || p->ages)) {
        int first = p->ages == NULL;
        status = cxm__grow((void **)&p->ages, &p->ages_cap, p->touches_n + n, sizeof *p->ages);
        for (size_t i = 0; status == CXM_OK && first && i < p->touches_n; i++)
            p->ages[i] = NAN; /* touches of the untimed paths before */
    }
    if (status != CXM_OK || p->count < p->capacity)
        return status;
    size_t cap = p->capacity;
    size_t need = p->count + 1;
    status = cxm__grow((void **)&p->conversions, &cap, need, sizeof(double));
    if (status == CXM_OK) {
        cap = p->capacity;
        status = cxm__grow((void **)&p->nulls, &cap, need, sizeof(double));
    }
    if (status == CXM_OK) {
        cap = p->capacity;
        status = cxm__grow((void **)&p->values, &cap, need, sizeof(double));
    }
    if (status == CXM_OK) {
        cap = p->capacity;
        status = cxm__grow((void **)&p->timed, &cap, need, 1);
    }
    if (status == CXM_OK) {
        /* offsets has count + 1 entries: keep capacity + 1. */
        size_t *grown = cxm__reallocarray(p->offsets, cap + 1, sizeof *p->offsets);
        if (grown == NULL)
            status = CXM_ENOMEM;
        else
            p->offsets = grown;
    }
    if (status == CXM_OK)
        p->capacity = cap;
    return status;
}

int cxm__paths_add_ids(cxm_paths *p, size_t n, const uint32_t *ids, const double *ages,
                       double conversions, double nulls, double value)
{
    uint64_t h = 0;
    size_t slot = 0;
    if (ages == NULL) {
        h = hash_ids(ids, n);
        if (p->nslots != 0) {
            size_t i = (size_t)h & (p->nslots - 1);
            while (p->slots[i] != 0) {
                size_t q = p->slots[i] - 1;
                if (p->slot_hashes[i] == h && !p->timed[q] &&
                    p->offsets[q + 1] - p->offsets[q] == n &&
                    memcmp(p->touches + p->offsets[q], ids, n * sizeof *ids) == 0) {
                    p->conversions[q] += conversions;
                    p->nulls[q] += nulls;
                    p->values[q] += value;
                    return CXM_OK;
                }
                i = (i + 1) & (p->nslots - 1);
            }
        }
        if ((p->count + 1) * 2 > p->nslots) {
            int status = rehash_paths(p, p->nslots ? p->nslots * 2 : 1024);
            if (status != CXM_OK)
                return status;
        }
        slot = (size_t)h & (p->nslots - 1);
        while (p->slots[slot] != 0)
            slot = (slot + 1) & (p->nslots - 1);
    }
    int status = reserve(p, n, ages != NULL);
    if (status != CXM_OK)
        return status;
    size_t q = p->count;
    memcpy(p->touches + p->touches_n, ids, n * sizeof *ids);
    if (p->ages) {
        for (size_t i = 0; i < n; i++)
            p->ages[p->touches_n + i] = ages ? ages[i] : NAN;
    }
    p->touches_n += n;
    p->offsets[q + 1] = p->touches_n;
    p->conversions[q] = conversions;
    p->nulls[q] = nulls;
    p->values[q] = value;
    p->timed[q] = ages != NULL;
    p->count++;
    if (ages == NULL) {
        p->slots[slot] = (uint32_t)q + 1;
        p->slot_hashes[slot] = h;
    }
    return CXM_OK;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static int ensure_scratch(cxm_paths *p, size_t n)
{
    return cxm__grow((void **)&p->scratch, &p->scratch_cap, n, sizeof *p->scratch);
}

/* Split text into channel ids in p->scratch. */
static int parse_path(cxm_paths *p, const char *text, size_t *count)
{
    size_t n = 0;
    const char *s = text;
    const char *sep = p->separator;
    size_t seplen = p->separator_length;
    for (;;) {
        const char *end = strstr(s, sep);
        const char *stop = end ? end : s + strlen(s);
        const char *a = s, *b = stop;
        while (a < b && is_space(*a))
            a++;
        while (b > a && is_space(b[-1]))
            b--;
        if (a == b) {
            if (end == NULL && n == 0)
                return cxm__fail(CXM_EINVAL, "the path is empty");
            return cxm__fail(CXM_EINVAL, "touch %zu of '%s' is empty", n + 1, text);
        }
        int status = ensure_scratch(p, n + 1);
        uint32_t id;
        if (status == CXM_OK)
            status = cxm__strtab_intern(&p->channels, a, (size_t)(b - a), &id);
        if (status != CXM_OK)
            return status;
        p->scratch[n++] = id;
        if (end == NULL)
            break;
        s = end + seplen;
    }
    *count = n;
    return CXM_OK;
}

int cxm_paths_add(cxm_paths *paths, const char *path, double conversions, double nulls,
                  double value)
{
    int status = cxm__check_pointer(paths, "paths");
    if (status == CXM_OK)
        status = cxm__check_pointer(path, "path");
    if (status == CXM_OK)
        status = cxm__paths_check_counts(conversions, nulls, value);
    size_t n = 0;
    if (status == CXM_OK)
        status = parse_path(paths, path, &n);
    if (status == CXM_OK)
        status = cxm__paths_add_ids(paths, n, paths->scratch, NULL, conversions, nulls, value);
    return status;
}

int cxm_paths_add_touches(cxm_paths *paths, size_t n, const char *const *touches,
                          const double *ages, double conversions, double nulls, double value)
{
    int status = cxm__check_pointer(paths, "paths");
    if (status == CXM_OK && n == 0)
        status = cxm__fail(CXM_EINVAL, "the path is empty");
    if (status == CXM_OK)
        status = cxm__check_pointer(touches, "touches");
    if (status == CXM_OK)
        status = cxm__paths_check_counts(conversions, nulls, value);
    for (size_t i = 0; status == CXM_OK && ages && i < n; i++) {
        status = cxm__check_nonnegative(ages[i], "age");
        if (status != CXM_OK)
            cxm__fail_prefix("touch %zu: ", i + 1);
    }
    if (status == CXM_OK)
        status = ensure_scratch(paths, n);
    for (size_t i = 0; status == CXM_OK && i < n; i++) {
        if (touches[i] == NULL || touches[i][0] == '\0')
            status = cxm__fail(CXM_EINVAL, "touch %zu is empty", i + 1);
        else
            status = cxm__strtab_intern(&paths->channels, touches[i], strlen(touches[i]),
                                        &paths->scratch[i]);
    }
    if (status == CXM_OK)
        status = cxm__paths_add_ids(paths, n, paths->scratch, ages, conversions, nulls, value);
    return status;
}

int cxm_paths_add_many(cxm_paths *paths, size_t n, const char *const *texts,
                       const double *conversions, const double *nulls, const double *values)
{
    int status = cxm__check_pointer(paths, "paths");
    if (status == CXM_OK && n > 0) {
        status = cxm__check_pointer(texts, "texts");
        if (status == CXM_OK)
            status = cxm__check_pointer(conversions, "conversions");
    }
    for (size_t i = 0; status == CXM_OK && i < n; i++) {
        status = texts[i] ? cxm_paths_add(paths, texts[i], conversions[i], nulls ? nulls[i] : 0,
                                          values ? values[i] : 0)
                          : cxm__fail(CXM_EINVAL, "the path is missing");
        if (status != CXM_OK)
            cxm__fail_prefix("path %zu: ", i);
    }
    return status;
}
