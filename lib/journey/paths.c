/* Aggregated paths: channel interning, parsing "a > b > c", deduplication. */
#include "config.h"

#include <float.h>
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
    /* blanks around the separator are trimmed like those around touches */
    size_t seplen = strlen(separator);
    while (seplen > 0 && (unsigned char)separator[seplen - 1] <= ' ')
        seplen--;
    while (seplen > 0 && (unsigned char)separator[0] <= ' ') {
        separator++;
        seplen--;
    }
    if (seplen == 0)
        return cxm__fail(CXM_EINVAL, "the separator must contain a character other than blanks");
    cxm_paths *p = cxm__calloc(1, sizeof *p);
    if (p == NULL)
        return CXM_ENOMEM;
    cxm__strtab_init(&p->channels);
    p->separator = cxm__malloc(seplen + 1);
    if (p->separator) {
        memcpy(p->separator, separator, seplen);
        p->separator[seplen] = '\0';
    }
    p->offsets = cxm__malloc(8 * sizeof *p->offsets);
    if (p->separator == NULL || p->offsets == NULL) {
        cxm_paths_free(p);
        return CXM_ENOMEM;
    }
    p->separator_length = seplen;
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
    cxm__free(p->scratch);
    for (size_t i = 0; i < p->nmessages; i++)
        cxm__free(p->messages[i]);
    cxm__free(p->messages);
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
    if (p->count >= p->capacity || p->touches_n + n > p->touches_cap || ages || p->ages) {
        int status = reserve(p, n, ages != NULL);
        if (status != CXM_OK)
            return status;
    }
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
    return CXM_OK;
}

static int ensure_scratch(cxm_paths *p, size_t n)
{
    return cxm__grow((void **)&p->scratch, &p->scratch_cap, n, sizeof *p->scratch);
}

/* The id of the channel text[0..n), through the cache for short names. */
static inline int channel_id(cxm_paths *p, const char *text, size_t n, uint32_t *id)
{
    if (n > 16)
        return cxm__strtab_intern(&p->channels, text, n, id);
    uint64_t a, b;
    cxm__hash_short(text, n, &a, &b);
    size_t slot = cxm__cache_slot(a, b ^ n, 8);
    cxm__channel_cache *e = &p->cache[slot];
    if (e->length == n && e->a == a && e->b == b) {
        *id = e->id;
        return CXM_OK;
    }
    int status = cxm__strtab_intern(&p->channels, text, n, id);
    if (status == CXM_OK) {
        e->a = a;
        e->b = b;
        e->length = (uint32_t)n;
        e->id = *id;
    }
    return status;
}

static int empty_touch(size_t n, const char *text, size_t length, int at_end)
{
    if (at_end && n == 0)
        return cxm__fail(CXM_EINVAL, "the path is empty");
    return cxm__fail(CXM_EINVAL, "touch %zu of '%.*s' is empty", n + 1,
                     (int)(length < 200 ? length : 200), text);
}

/* The first byte c in [s, end), or end: eight bytes at a time. */
static inline const char *find_byte(const char *s, const char *end, char c)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t ones = UINT64_C(0x0101010101010101), highs = UINT64_C(0x8080808080808080);
    const uint64_t pattern = ones * (unsigned char)c;
    while (end - s >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        w ^= pattern;
        uint64_t zero = (w - ones) & ~w & highs; /* exact for the lowest zero byte */
        if (zero)
            return s + (__builtin_ctzll(zero) >> 3);
        s += 8;
    }
#endif
    while (s < end && *s != c)
        s++;
    return s;
}

/* Split text[0..length) into channel ids in p->scratch; blanks (bytes <=
 * ' ') around touches are trimmed. */
static int parse_path(cxm_paths *p, const char *text, size_t length, size_t *count)
{
    size_t n = 0;
    const char *s = text, *end = text + length;
    const char *sep = p->separator;
    const size_t seplen = p->separator_length;
    for (;;) {
        const char *stop = find_byte(s, end, sep[0]);
        while (seplen > 1 && stop < end &&
               ((size_t)(end - stop) < seplen || memcmp(stop, sep, seplen) != 0))
            stop = find_byte(stop + 1, end, sep[0]);
        const char *a = s, *b = stop;
        while (a < b && (unsigned char)*a <= ' ')
            a++;
        while (b > a && (unsigned char)b[-1] <= ' ')
            b--;
        if (a == b)
            return empty_touch(n, text, length, stop == end);
        if (n == p->scratch_cap) {
            int status = ensure_scratch(p, n + 1);
            if (status != CXM_OK)
                return status;
        }
        int status = channel_id(p, a, (size_t)(b - a), &p->scratch[n]);
        if (status != CXM_OK)
            return status;
        n++;
        if (stop == end)
            break;
        s = stop + seplen;
    }
    *count = n;
    return CXM_OK;
}

int cxm__paths_add_text(cxm_paths *paths, const char *text, size_t length, double conversions,
                        double nulls, double value)
{
    /* the common case in one test; the checks name the problem otherwise */
    if (!(conversions >= 0 && conversions <= DBL_MAX && nulls >= 0 && nulls <= DBL_MAX &&
          value >= 0 && value <= DBL_MAX && (value == 0 || conversions > 0))) {
        int status = cxm__paths_check_counts(conversions, nulls, value);
        if (status != CXM_OK)
            return status;
    }
    size_t n = 0;
    int status = parse_path(paths, text, length, &n);
    if (status == CXM_OK)
        status = cxm__paths_add_ids(paths, n, paths->scratch, NULL, conversions, nulls, value);
    return status;
}

int cxm_paths_add(cxm_paths *paths, const char *path, double conversions, double nulls,
                  double value)
{
    int status = cxm__check_pointer(paths, "paths");
    if (status == CXM_OK)
        status = cxm__check_pointer(path, "path");
    if (status == CXM_OK)
        status = cxm__paths_add_text(paths, path, strlen(path), conversions, nulls, value);
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
            status = channel_id(paths, touches[i], strlen(touches[i]), &paths->scratch[i]);
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
