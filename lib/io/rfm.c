/* The transaction-log summary (MODELS.md 1.3): per customer x, t_x, T, the
 * mean repeat value, the first purchase, and a holdout split.
 *
 * One pass, no sort of the log. Customers are 64-byte records (one cache
 * line) numbered in order of first appearance and stored in fixed segments,
 * found through the library's hash table (lib/core/hash.h). Each row
 * updates its customer's record:
 *
 *   - first/last calibration unit, the amount of the first unit and the sum
 *     of the later ones: order-independent, exact for any row order;
 *   - the count of distinct units: counted as "units greater than the
 *     previous row's unit", exact while the customer's rows come in time
 *     order (any log sorted by time or by customer). A row out of order marks
 *     the customer, and a second pass over the input recounts only the marked
 *     customers with a set of (customer, unit) pairs.
 *
 * Rows are handled in batches (see "the feeder"): prefetch a batch's table
 * slots, then read them and prefetch the records, then update. With a
 * million customers the table and the records exceed the caches, and this
 * keeps many memory loads in flight instead of one. */
#define _DEFAULT_SOURCE 1
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/file.h"
#include "core/hash.h"
#include "core/internal.h"
#include "cxm/rfm.h"
#include "io/csv.h"
#include "io/date.h"
#include "io/number.h"
#include "core/pipeline.h"
#include "io/rfm.h"

enum { INLINE_ID = 15, ARENA_BLOCK = 1 << 16 };

#define META_LENGTH 0x3fffffffu
#define META_HAS_CAL 0x40000000u
#define META_UNSORTED 0x80000000u
#define NO_PERIOD INT32_MIN
/* Times are at most this many days from 1970: far beyond any calendar, and
 * small enough that unit arithmetic stays exact in int64. */
#define TIME_LIMIT 1e9

typedef struct cust {
    union {
        char text[16];    /* ids up to 15 bytes, NUL-terminated */
        const char *ptr;  /* longer ids, in the arena */
        int64_t code;     /* cxm_rfm_from_codes() */
    } id;
    uint32_t meta;        /* id length | META_HAS_CAL | META_UNSORTED */
    int32_t first, last;  /* calibration units (relative to base) */
    int32_t prev;         /* unit of the previous row of this customer */
    uint32_t ncal, nhold; /* distinct units */
    double first_value, repeat_value, hold_value;
} cust;

_Static_assert(sizeof(cust) == 64, "a customer record is one cache line");

typedef struct urow {
    uint32_t x;
    int32_t recency;
    int64_t T;
    uint64_t weight;
} urow;

struct cxm_rfm {
    /* options */
    bool codes, has_amount, has_cal, has_obs;
    int include_first;
    double scale;
    double unit_days, origin;
    unsigned months;
    bool whole_days;
    unsigned threads;
    /* units: absolute indices; records hold them relative to base */
    bool have_base;
    int64_t base, cal_k, obs_k, end_k, max_k, min_k;
    double cal_time, obs_time, max_time;
    /* customers: records in segments of SEGMENT records, each aligned to 2 MiB
     * inside its block, never moved (see CUST) */
    cust **segment;
    char **segment_block;
    size_t segments, segments_cap;
    double *first_time;
    size_t n, cap;
    cxm__hash ids;            /* id -> record */
    char **blocks;
    size_t nblocks, blocks_cap;
    char *arena;
    size_t arena_left;
    /* compressed form */
    urow *u;
    size_t nu;
    /* input */
    unsigned long long rows, skipped, after_end, holdout_only, passes;
    bool any_unsorted;
    char **messages;
    size_t nmessages;
    char *id_name;
    /* months: cache of the last day's unit */
    int64_t month_day;
    int64_t month_k;
};

/* ------------------------------------------------------------------ options and units */

void cxm_rfm_options_init(cxm_rfm_options *options)
{
    if (options) {
        cxm_rfm_options defaults = CXM_RFM_OPTIONS_INIT;
        *options = defaults;
    }
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/* The unit of time t (|t| <= TIME_LIMIT). */
static int64_t unit_of(cxm_rfm *r, double t)
{
    if (r->months) {
        double day = floor(t);
        int64_t d = (int64_t)day;
        if (d != r->month_day) {
            int64_t y;
            unsigned m, dd;
            cxm__civil_from_days(d, &y, &m, &dd);
            r->month_day = d;
            r->month_k = floor_div(y * 12 + (int64_t)m - 1 - 1970 * 12, r->months);
        }
        return r->month_k;
    }
    if (r->whole_days)
        return (int64_t)floor(t - r->origin);
    int64_t k = (int64_t)floor((t - r->origin) / r->unit_days);
    /* Division rounds: make origin + k*L <= t < origin + (k+1)*L hold as computed. */
    if (r->origin + (double)(k + 1) * r->unit_days <= t)
        k++;
    else if (r->origin + (double)k * r->unit_days > t)
        k--;
    return k;
}

static int check_time_value(double t, const char *what)
{
    if (!(t >= -TIME_LIMIT && t <= TIME_LIMIT))
        return cxm__fail(CXM_EINVAL, "%s %g is not a time within 1e9 days of 1970-01-01", what, t);
    return CXM_OK;
}

static int configure(cxm_rfm *r, const cxm_rfm_options *options)
{
    cxm_rfm_options o;
    cxm_rfm_options_init(&o);
    if (options) {
        if (options->version != CXM_RFM_OPTIONS_VERSION)
            return cxm__fail(CXM_EINVAL, "cxm_rfm_options version %u is not supported (this library knows %d)",
                             options->version, CXM_RFM_OPTIONS_VERSION);
        o = *options;
    }
    if (o.unit_months == 0) {
        if (!(o.unit_days > 0 && o.unit_days <= 1e6))
            return cxm__fail(CXM_EINVAL, "unit_days %g must be a number of days in (0, 1e6]", o.unit_days);
        if (o.unit_days < 1.0 / 86400 / 1000)
            return cxm__fail(CXM_EINVAL, "unit_days %g is shorter than a millisecond", o.unit_days);
    } else if (o.unit_months > 12000) {
        return cxm__fail(CXM_EINVAL, "unit_months %u is more than 1000 years", o.unit_months);
    }
    int status = check_time_value(o.unit_origin, "unit_origin");
    if (status != CXM_OK)
        return status;
    if (!(o.scale > 0 && isfinite(o.scale)))
        return cxm__fail(CXM_EINVAL, "scale %g must be a finite number > 0", o.scale);
    if (o.include_first != 0 && o.include_first != 1)
        return cxm__fail(CXM_EINVAL, "include_first must be 0 or 1, got %d", o.include_first);
    r->has_cal = !isnan(o.calibration_end);
    r->has_obs = !isnan(o.observation_end);
    if (r->has_cal && (status = check_time_value(o.calibration_end, "calibration_end")) != CXM_OK)
        return status;
    if (r->has_obs && (status = check_time_value(o.observation_end, "observation_end")) != CXM_OK)
        return status;
    if (o.threads > 64)
        return cxm__fail(CXM_EINVAL, "threads %u is not in 0..64", o.threads);
    r->threads = o.threads;
    if (r->threads == 0) {
        long online = sysconf(_SC_NPROCESSORS_ONLN);
        r->threads = online > 1 ? 2 : 1;
    }
    r->include_first = o.include_first;
    r->scale = o.scale;
    r->unit_days = o.unit_days;
    r->months = o.unit_months;
    r->origin = o.unit_origin;
    r->whole_days = o.unit_days == 1.0 && o.unit_origin == floor(o.unit_origin);
    r->month_day = INT64_MIN;
    r->cal_time = o.calibration_end;
    r->obs_time = o.observation_end;
    r->cal_k = r->has_cal ? unit_of(r, o.calibration_end) : INT64_MAX;
    r->obs_k = r->has_obs ? unit_of(r, o.observation_end) : INT64_MAX;
    if (r->has_cal && r->has_obs && r->cal_k > r->obs_k) {
        char a[40], b[40];
        cxm__time_format_iso(a, sizeof a, o.calibration_end);
        cxm__time_format_iso(b, sizeof b, o.observation_end);
        return cxm__fail(CXM_EINVAL, "the calibration end %s is after the observation end %s", a, b);
    }
    r->max_k = INT64_MIN;
    r->min_k = INT64_MAX;
    r->max_time = -INFINITY;
    r->passes = 1;
    return CXM_OK;
}

static int create(cxm_rfm **out, const cxm_rfm_options *options)
{
    cxm_rfm *r = cxm__calloc(1, sizeof *r);
    if (r == NULL)
        return CXM_ENOMEM;
    cxm__hash_init(&r->ids);
    int status = configure(r, options);
    if (status != CXM_OK) {
        cxm__free(r);
        return status;
    }
    *out = r;
    return CXM_OK;
}

void cxm_rfm_free(cxm_rfm *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->nblocks; i++)
        cxm__free(r->blocks[i]);
    cxm__free(r->blocks);
    for (size_t i = 0; i < r->nmessages; i++)
        cxm__free(r->messages[i]);
    cxm__free(r->messages);
    for (size_t k = 0; k < r->segments; k++)
        cxm__free(r->segment_block[k]);
    cxm__free(r->segment);
    cxm__free(r->segment_block);
    cxm__free(r->first_time);
    cxm__hash_free(&r->ids);
    cxm__free(r->u);
    cxm__free(r->id_name);
    cxm__free(r);
}

static inline const char *cust_id(const cust *c)
{
    return (c->meta & META_LENGTH) > INLINE_ID ? c->id.ptr : c->id.text;
}

static inline bool same_id(const cxm_rfm *r, const cust *c, const char *id, size_t len, int64_t code)
{
    if (r->codes)
        return c->id.code == code;
    return (c->meta & META_LENGTH) == len && memcmp(cust_id(c), id, len) == 0;
}

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

/* Records live in segments of SEGMENT (2^16) records, 4 MiB each, allocated
 * as needed and never moved: growing copies nothing and touches no page
 * twice, and each segment can be backed by transparent huge pages
 * (cxm__malloc_large: with a million customers, 4 KiB pages cost a TLB miss
 * and a page fault per few rows). */
enum { SEGMENT_BITS = 16, SEGMENT = 1 << SEGMENT_BITS };
#define CUST(r, i) (&(r)->segment[(size_t)(i) >> SEGMENT_BITS][(size_t)(i) & (SEGMENT - 1)])

static int add_segment(cxm_rfm *r)
{
    if (r->segments == r->segments_cap) {
        size_t cap = r->segments_cap ? r->segments_cap * 2 : 8;
        cust **segment = cxm__reallocarray(r->segment, cap, sizeof *segment);
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
    cust *records = cxm__malloc_large((size_t)SEGMENT * sizeof(cust), &block);
    if (records == NULL)
        return CXM_ENOMEM;
    r->segment_block[r->segments] = block;
    r->segment[r->segments++] = records;
    return CXM_OK;
}

/* Add the customer at the end of probe p: its record is index r->n. */
static int add_customer(cxm_rfm *r, cxm__hash_probe *p, const char *id, size_t len, int64_t code)
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
    cust *c = CUST(r, r->n);
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

/* Find or add a customer; *index is its record. */
static inline int lookup(cxm_rfm *r, uint64_t h, const char *id, size_t len, int64_t code,
                         uint32_t *index)
{
    cxm__hash_probe p = cxm__hash_start(&r->ids, h);
    size_t i;
    while (cxm__hash_next(&r->ids, &p, &i))
        if (same_id(r, CUST(r, i), id, len, code)) {
            *index = (uint32_t)i;
            return CXM_OK;
        }
    *index = (uint32_t)r->n;
    return add_customer(r, &p, id, len, code);
}

/* ------------------------------------------------------------------ rows */

typedef struct row {
    uint64_t hash;
    const char *id;
    size_t len;
    int64_t code;
    int64_t k;
    double t, v;
    uint32_t index;
} row;

static inline void update(cxm_rfm *r, const row *w)
{
    cust *c = CUST(r, w->index);
    int32_t p = (int32_t)(w->k - r->base);
    bool in_cal = w->k <= r->cal_k;
    if (!(c->meta & META_UNSORTED)) {
        if (p > c->prev) {
            if (in_cal)
                c->ncal++;
            else
                c->nhold++;
            c->prev = p;
        } else if (p < c->prev) {
            c->meta |= META_UNSORTED;
            r->any_unsorted = true;
        }
    }
    if (!in_cal) {
        c->hold_value += w->v;
    } else if (!(c->meta & META_HAS_CAL)) {
        c->meta |= META_HAS_CAL;
        c->first = c->last = p;
        c->first_value = w->v;
        r->first_time[w->index] = w->t;
    } else if (p > c->first) {
        c->repeat_value += w->v;
        if (p > c->last)
            c->last = p;
    } else if (p == c->first) {
        c->first_value += w->v;
        if (w->t < r->first_time[w->index])
            r->first_time[w->index] = w->t;
    } else {
        c->repeat_value += c->first_value;
        c->first_value = w->v;
        c->first = p;
        r->first_time[w->index] = w->t;
    }
}

/* ------------------------------------------------------------------ second pass */

/* The second pass counts the distinct units of the customers whose rows
 * came out of order, either with a bitmap of the log's units per such
 * customer (when the log spans few units: days over a few years) or with a
 * hash set of (customer, unit) pairs, whichever needs less memory. */
typedef struct pair_set {
    cxm__u64map pairs;        /* customer << 32 | unit */
    /* bitmap mode */
    uint64_t *bits;           /* words per customer, for the customers with a slot */
    uint32_t *slot_of;        /* customer -> its bitmap, UINT32_MAX for none */
    size_t words;
} pair_set;

static int recount_begin(cxm_rfm *r, pair_set *set)
{
    memset(set, 0, sizeof *set);
    cxm__u64map_init(&set->pairs);
    size_t marked = 0;
    for (size_t i = 0; i < r->n; i++)
        if (CUST(r, i)->meta & META_UNSORTED) {
            CUST(r, i)->ncal = CUST(r, i)->nhold = 0;
            marked++;
        }
    r->passes = 2;
    /* Bitmaps: marked customers x span / 8 bytes; pairs: about 32 bytes a row. */
    uint64_t span = (uint64_t)(r->max_k - r->min_k) + 1;
    uint64_t words = (span + 63) / 64;
    if (marked == 0 || words > ((uint64_t)1 << 20) || marked > SIZE_MAX / 8 / words ||
        (double)marked * (double)words * 8 > 32.0 * (double)r->rows)
        return CXM_OK;
    set->slot_of = cxm__malloc(r->n * sizeof *set->slot_of);
    set->bits = cxm__calloc(marked * (size_t)words, sizeof *set->bits);
    if (set->slot_of == NULL || set->bits == NULL)
        return CXM_ENOMEM;
    set->words = (size_t)words;
    uint32_t next = 0;
    for (size_t i = 0; i < r->n; i++)
        set->slot_of[i] = (CUST(r, i)->meta & META_UNSORTED) ? next++ : UINT32_MAX;
    return CXM_OK;
}

static void recount_end(pair_set *set)
{
    cxm__u64map_free(&set->pairs);
    cxm__free(set->bits);
    cxm__free(set->slot_of);
    memset(set, 0, sizeof *set);
}

/* Second pass, one row whose customer is resolved (w->index): count the
 * distinct units of a customer whose rows came out of order. */
static int recount_row(cxm_rfm *r, pair_set *set, const row *w)
{
    cust *c = CUST(r, w->index);
    if (!(c->meta & META_UNSORTED))
        return CXM_OK;
    int added, status = CXM_OK;
    if (set->bits) {
        if (w->k < r->min_k || w->k > r->max_k)
            return cxm__fail(CXM_EIO, "the input changed between the two passes over it");
        uint64_t bit = (uint64_t)(w->k - r->min_k);
        uint64_t *word = set->bits + (size_t)set->slot_of[w->index] * set->words + bit / 64;
        uint64_t mask = UINT64_C(1) << (bit % 64);
        added = (*word & mask) == 0;
        *word |= mask;
    } else {
        uint32_t p = (uint32_t)(int32_t)(w->k - r->base), ignored;
        status = cxm__u64map_upsert(&set->pairs, ((uint64_t)w->index << 32) | p, 0, &ignored, &added);
    }
    if (status == CXM_OK && added) {
        if (w->k <= r->cal_k)
            c->ncal++;
        else
            c->nhold++;
    }
    return status;
}

/* ------------------------------------------------------------------ the feeder
 *
 * Parsed rows are collected in chunks. A full chunk is applied in sub-batches
 * of SUB rows through three stages, so that the memory loads of a
 * sub-batch overlap: compute and prefetch its slots; read the slots and
 * prefetch the records they point to (a sub-batch later); find or add each
 * customer and update it (a sub-batch later still). Rows are applied in input
 * order.
 *
 * With two threads the calling thread parses and fills chunks while a helper
 * thread applies them, through a ring of chunks; the helper does all the work
 * on the customer table, the calling thread everything else. */
enum { CHUNK_ROWS = 4096, CHUNK_IDS = CHUNK_ROWS * 24, SUB = 64, RING = 4 };

typedef struct chunk {
    size_t n, used;
    char ids[CHUNK_IDS];      /* copies of the ids (the reader's buffer moves on) */
    row rows[CHUNK_ROWS];
} chunk;

typedef struct feeder {
    cxm_rfm *r;
    pair_set *set;            /* the second pass: count units, do not update */
    cxm__pipeline pipeline;   /* chunks, and the helper thread when there is one */
} feeder;

/* Stage 1: prefetch each row's first slot. */
static void prefetch_slots(cxm_rfm *r, const row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cxm__hash_prefetch(&r->ids, rows[i].hash);
}

/* Stage 2: read the slots and prefetch the record of each first candidate. */
static void prefetch_records(cxm_rfm *r, const row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        cxm__hash_probe p = cxm__hash_start(&r->ids, rows[i].hash);
        size_t candidate;
        if (cxm__hash_next(&r->ids, &p, &candidate))
            __builtin_prefetch(CUST(r, candidate), 1);
    }
}

/* Stage 3: find or add each customer and update it; in the second pass
 * (set != NULL) find it, prefetch its bitmap word, then count. */
static int apply(cxm_rfm *r, row *rows, size_t n, pair_set *set)
{
    if (set == NULL) {
        for (size_t i = 0; i < n; i++) {
            row *w = &rows[i];
            int status = lookup(r, w->hash, w->id, w->len, w->code, &w->index);
            if (status != CXM_OK)
                return status;
            update(r, w);
        }
        return CXM_OK;
    }
    const size_t known = r->n;
    for (size_t i = 0; i < n; i++) {
        row *w = &rows[i];
        int status = lookup(r, w->hash, w->id, w->len, w->code, &w->index);
        if (status != CXM_OK)
            return status;
        if (w->index >= known)
            return cxm__fail(CXM_EIO, "the input changed between the two passes over it");
        if (set->bits && (CUST(r, w->index)->meta & META_UNSORTED) && w->k >= r->min_k)
            __builtin_prefetch(set->bits + (size_t)set->slot_of[w->index] * set->words +
                                   (uint64_t)(w->k - r->min_k) / 64, 1);
    }
    for (size_t i = 0; i < n; i++) {
        int status = recount_row(r, set, &rows[i]);
        if (status != CXM_OK)
            return status;
    }
    return CXM_OK;
}

static int apply_chunk(cxm_rfm *r, chunk *ch, pair_set *set)
{
    size_t batches = (ch->n + SUB - 1) / SUB;
    for (size_t k = 0; k < batches + 2; k++) {
        if (k < batches)
            prefetch_slots(r, ch->rows + k * SUB, k + 1 < batches ? SUB : ch->n - k * SUB);
        if (k >= 1 && k - 1 < batches)
            prefetch_records(r, ch->rows + (k - 1) * SUB,
                             k < batches ? SUB : ch->n - (k - 1) * SUB);
        if (k >= 2) {
            int status = apply(r, ch->rows + (k - 2) * SUB,
                               k - 1 < batches ? SUB : ch->n - (k - 2) * SUB, set);
            if (status != CXM_OK)
                return status;
        }
    }
    ch->n = ch->used = 0;
    return CXM_OK;
}

static int apply_feeder_chunk(void *context, void *ch)
{
    feeder *f = context;
    return apply_chunk(f->r, ch, f->set);
}

static int feeder_start(feeder *f, cxm_rfm *r, unsigned threads, pair_set *set)
{
    f->r = r;
    f->set = set;
    return cxm__pipeline_start(&f->pipeline, sizeof(chunk), threads, apply_feeder_chunk, f);
}

/* Apply what is left, wait for the helper, release everything. With a
 * failure (status != CXM_OK) only stop and clean up. */
static int feeder_finish(feeder *f, int status)
{
    chunk *ch = cxm__pipeline_chunk(&f->pipeline);
    return cxm__pipeline_finish(&f->pipeline, status, status == CXM_OK, ch && ch->n > 0);
}

/* One row. An id too long for a chunk waits until every chunk is applied and
 * is then applied alone, from the caller's memory. */
static int feeder_add(feeder *f, const row *w)
{
    int status;
    chunk *ch = cxm__pipeline_chunk(&f->pipeline);
    if (w->len > CHUNK_IDS / 4) {
        if (ch->n > 0 && (status = cxm__pipeline_submit(&f->pipeline)) != CXM_OK)
            return status;
        if ((status = cxm__pipeline_wait(&f->pipeline)) != CXM_OK)
            return status;
        row alone = *w;
        return apply(f->r, &alone, 1, f->set);
    }
    if (ch->n == CHUNK_ROWS || ch->used + w->len > CHUNK_IDS) {
        if ((status = cxm__pipeline_submit(&f->pipeline)) != CXM_OK)
            return status;
        ch = cxm__pipeline_chunk(&f->pipeline);
    }
    row *slot = &ch->rows[ch->n++];
    *slot = *w;
    if (w->id) {
        /* The reader's buffer moves on: keep a copy of the id in the chunk. */
        memcpy(ch->ids + ch->used, w->id, w->len);
        slot->id = ch->ids + ch->used;
        ch->used += w->len;
    }
    return CXM_OK;
}

/* Check a row's time and unit; set its unit. Rows after the observation end
 * are counted and dropped (returns 1). */
static int place(cxm_rfm *r, row *w)
{
    w->k = unit_of(r, w->t);
    if (w->k > r->obs_k) {
        r->after_end++;
        return 1;
    }
    if (!r->have_base) {
        r->have_base = true;
        r->base = w->k;
    }
    int64_t rel = w->k - r->base;
    if (rel <= -(int64_t)INT32_MAX || rel >= (int64_t)INT32_MAX) {
        char a[40];
        cxm__time_format_iso(a, sizeof a, w->t);
        return cxm__fail(CXM_ERANGE,
                         "time %s is more than 2^31 time units away from the first row's: use a longer unit",
                         a);
    }
    if (w->k > r->max_k)
        r->max_k = w->k;
    if (w->k < r->min_k)
        r->min_k = w->k;
    if (w->t > r->max_time)
        r->max_time = w->t;
    r->rows++;
    return 0;
}

/* ------------------------------------------------------------------ finishing */

static int urow_compare(const void *a, const void *b)
{
    const urow *x = a, *y = b;
    if (x->x != y->x)
        return x->x < y->x ? -1 : 1;
    if (x->recency != y->recency)
        return x->recency < y->recency ? -1 : 1;
    if (x->T != y->T)
        return x->T < y->T ? -1 : 1;
    return 0;
}

static inline uint32_t frequency_of(const cxm_rfm *r, const cust *c)
{
    return r->include_first ? c->ncal : c->ncal - 1;
}

static unsigned bit_width(uint64_t v)
{
    return v ? 64u - (unsigned)__builtin_clzll(v) : 0u;
}

/* The compressed form by hashing (any sizes): distinct rows, then qsort. */
static int build_unique_hashed(cxm_rfm *r)
{
    cxm__hash table;
    cxm__hash_init(&table);
    urow *u = NULL;
    size_t cap = 0, w = 0;
    int status = CXM_OK;
    for (size_t i = 0; status == CXM_OK && i < r->n; i++) {
        const cust *c = CUST(r, i);
        urow key = { frequency_of(r, c), c->last - c->first, r->end_k - r->base - c->first, 1 };
        uint64_t h = cxm__hash_step(table.seed, (uint64_t)key.x << 32 | (uint32_t)key.recency);
        cxm__hash_probe p = cxm__hash_start(&table, cxm__hash_step(h, (uint64_t)key.T));
        size_t k;
        bool found = false;
        while (!found && cxm__hash_next(&table, &p, &k))
            found = urow_compare(&u[k], &key) == 0;
        if (found) {
            u[k].weight++;
            continue;
        }
        status = cxm__grow((void **)&u, &cap, w + 1, sizeof *u);
        if (status == CXM_OK) {
            u[w] = key;
            status = cxm__hash_insert(&table, &p, w);
        }
        if (status == CXM_OK)
            w++;
    }
    cxm__hash_free(&table);
    urow *shrunk = status == CXM_OK ? cxm__reallocarray(u, w ? w : 1, sizeof *u) : NULL;
    if (shrunk == NULL) {
        cxm__free(u);
        return status == CXM_OK ? CXM_ENOMEM : status;
    }
    qsort(shrunk, w, sizeof *shrunk, urow_compare);
    r->u = shrunk;
    r->nu = w;
    return CXM_OK;
}

/* The compressed form. Usually (x, t_x, T) packs into 64 bits: then sort the
 * packed keys with a radix sort, in the slot table that is no longer needed
 * (it holds at least 2n words), and count runs. Sequential, no new memory. */
static int build_unique(cxm_rfm *r)
{
    const size_t n = r->n;
    uint64_t max_x = 0, max_r = 0, max_t = 0;
    for (size_t i = 0; i < n; i++) {
        const cust *c = CUST(r, i);
        uint64_t x = frequency_of(r, c), rec = (uint64_t)(c->last - c->first);
        uint64_t t = (uint64_t)(r->end_k - r->base - c->first);
        max_x = x > max_x ? x : max_x;
        max_r = rec > max_r ? rec : max_r;
        max_t = t > max_t ? t : max_t;
    }
    unsigned bx = bit_width(max_x), br = bit_width(max_r), bt = bit_width(max_t);
    if (bx + br + bt > 64 || r->ids.block == NULL || r->ids.mask + 1 < 2 * n)
        return build_unique_hashed(r);
    uint64_t *keys = r->ids.slots, *tmp = r->ids.slots + n;
    for (size_t i = 0; i < n; i++) {
        const cust *c = CUST(r, i);
        keys[i] = ((uint64_t)frequency_of(r, c) << (br + bt)) |
                  ((uint64_t)(c->last - c->first) << bt) |
                  (uint64_t)(r->end_k - r->base - c->first);
    }
    /* LSD radix sort, 11 bits a pass, over the bits in use. */
    enum { RADIX = 11, BUCKETS = 1 << RADIX };
    size_t count[BUCKETS];
    for (unsigned shift = 0; shift < bx + br + bt; shift += RADIX) {
        memset(count, 0, sizeof count);
        for (size_t i = 0; i < n; i++)
            count[(keys[i] >> shift) & (BUCKETS - 1)]++;
        size_t sum = 0;
        for (size_t b = 0; b < BUCKETS; b++) {
            size_t k = count[b];
            count[b] = sum;
            sum += k;
        }
        for (size_t i = 0; i < n; i++)
            tmp[count[(keys[i] >> shift) & (BUCKETS - 1)]++] = keys[i];
        uint64_t *swap = keys;
        keys = tmp;
        tmp = swap;
    }
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++)
        distinct += i == 0 || keys[i] != keys[i - 1];
    urow *u = cxm__malloc((distinct ? distinct : 1) * sizeof *u);
    if (u == NULL)
        return CXM_ENOMEM;
    size_t w = 0;
    const uint64_t mr = br ? (UINT64_MAX >> (64 - br)) : 0, mt = bt ? (UINT64_MAX >> (64 - bt)) : 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && keys[i] == keys[i - 1]) {
            u[w - 1].weight++;
            continue;
        }
        u[w].x = (uint32_t)(br + bt < 64 ? keys[i] >> (br + bt) : 0);
        u[w].recency = (int32_t)(bt < 64 ? (keys[i] >> bt) & mr : 0);
        u[w].T = (int64_t)(keys[i] & mt);
        u[w].weight = 1;
        w++;
    }
    r->u = u;
    r->nu = w;
    return CXM_OK;
}

static int finish(cxm_rfm *r, const char *source)
{
    if (!r->has_obs)
        r->obs_k = r->max_k;
    if (r->has_cal && !r->has_obs && r->rows > 0 && r->max_k <= r->cal_k) {
        char a[40], b[40];
        cxm__time_format_iso(a, sizeof a, r->cal_time);
        cxm__time_format_iso(b, sizeof b, r->max_time);
        return cxm__fail(CXM_EINVAL,
                         "%s%sno purchase after the calibration end %s (the last is on %s): the holdout "
                         "period is empty; give an observation end",
                         source ? source : "", source ? ": " : "", a, b);
    }
    r->end_k = r->has_cal ? r->cal_k : r->obs_k;
    if (!r->have_base)
        r->base = 0;
    /* Keep the customers whose first purchase is in the calibration period. */
    size_t w = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (!(CUST(r, i)->meta & META_HAS_CAL)) {
            r->holdout_only++;
            continue;
        }
        if (w != i) {
            *CUST(r, w) = *CUST(r, i);
            r->first_time[w] = r->first_time[i];
        }
        w++;
    }
    r->n = w;
    /* Give back the growth room of the arrays. */
    int status = build_unique(r);
    cxm__hash_free(&r->ids);
    /* Give back the segments the compaction emptied, and the growth room. */
    size_t used = (r->n + SEGMENT - 1) / SEGMENT;
    while (r->segments > used)
        cxm__free(r->segment_block[--r->segments]);
    if (status == CXM_OK && r->n < r->cap) {
        double *ft = cxm__reallocarray(r->first_time, r->n ? r->n : 1, sizeof *ft);
        if (ft)
            r->first_time = ft;
        else
            status = CXM_ENOMEM;
        r->cap = r->n;
    }
    return status;
}

/* ------------------------------------------------------------------ from a CSV file */

static bool all_digits(const char *s)
{
    if (*s == '\0')
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* A column chosen by number whose header cell is a date or a number
 * suggests that the first line is data: refuse rather than lose a row. */
static int check_header_is_not_data(cxm_csv *csv, const char *spec, size_t column, bool is_time,
                                    const cxm_csv_options *options)
{
    const char *name = cxm__csv_column_name(csv, column);
    if (name == NULL || !all_digits(spec) || strcmp(name, spec) == 0)
        return CXM_OK;
    double v;
    cxm__time_format f;
    char reason[8];
    bool data = false;
    if (is_time) {
        cxm__time_format_init(&f, options ? options->date_format : NULL);
        data = cxm__time_parse(&f, name, strlen(name), &v, reason, sizeof reason) == 0;
    } else {
        data = cxm__parse_double(name, strlen(name), &v) == 0;
    }
    if (!data)
        return CXM_OK;
    return cxm__fail(CXM_EPARSE,
                     "%s:1: column %s of the header line is '%.40s', a %s: is the first line data? "
                     "Read the file without a header (header = 0, --no-header)",
                     cxm__csv_name(csv), spec, name, is_time ? "date" : "number");
}

/* Read one row's fields; 1 = a row, 0 = skipped or after the end, < 0 error. */
static int csv_row(cxm_rfm *r, cxm_csv *csv, size_t id_col, size_t time_col, size_t amount_col,
                   row *w, bool second_pass)
{
    int status = cxm__csv_get_text(csv, id_col, &w->id, &w->len);
    if (status == CXM_OK)
        status = cxm__csv_get_time(csv, time_col, &w->t);
    if (status == CXM_OK && r->has_amount)
        status = cxm__csv_get_double(csv, amount_col, &w->v);
    if (status == CXM_OK && !(w->t >= -TIME_LIMIT && w->t <= TIME_LIMIT))
        status = cxm__csv_fail(csv, time_col, CXM_EPARSE, "the time is out of range");
    if (status != CXM_OK) {
        if (second_pass)
            return 0; /* skipped and counted in the first pass */
        status = cxm__csv_bad_row(csv);
        return status == CXM_OK ? 0 : status;
    }
    if (!r->has_amount)
        w->v = 0;
    w->code = 0;
    w->hash = cxm__hash_bytes(r->ids.seed, w->id, w->len);
    return 1;
}

static int read_csv(cxm_rfm *r, cxm_csv *csv, size_t id_col, size_t time_col, size_t amount_col,
                    unsigned threads)
{
    feeder f;
    int status = feeder_start(&f, r, threads, NULL), more = 0;
    row w;
    while (status == CXM_OK && (more = cxm__csv_next(csv)) > 0) {
        int got = csv_row(r, csv, id_col, time_col, amount_col, &w, false);
        if (got > 0) {
            int placed = place(r, &w); /* 1: after the observation end, dropped */
            got = placed < 0 ? placed : placed == 0;
        }
        if (got < 0)
            status = got;
        else if (got > 0)
            status = feeder_add(&f, &w);
    }
    if (status == CXM_OK && more < 0)
        status = more;
    status = feeder_finish(&f, status);
    if (status != CXM_OK || !r->any_unsorted)
        return status;

    /* Second pass for the customers whose rows came out of time order. */
    pair_set set;
    status = recount_begin(r, &set);
    if (status == CXM_OK)
        status = cxm__csv_rewind(csv);
    if (status == CXM_OK)
        status = feeder_start(&f, r, threads, &set);
    while (status == CXM_OK && (more = cxm__csv_next(csv)) > 0) {
        int got = csv_row(r, csv, id_col, time_col, amount_col, &w, true);
        if (got <= 0)
            continue; /* skipped (and counted) in the first pass */
        w.k = unit_of(r, w.t);
        if (w.k <= r->obs_k)
            status = feeder_add(&f, &w);
    }
    if (status == CXM_OK && more < 0)
        status = more;
    status = feeder_finish(&f, status);
    recount_end(&set);
    return status;
}

/* The summary of an open reader (from a file, or from memory for tests and fuzzing). */
static int read_from(cxm_rfm **out, cxm_csv *csv, int open_status, const char *customer_column,
                     const char *time_column, const char *amount_column,
                     const cxm_csv_options *csv_options, const cxm_rfm_options *options)
{
    cxm_rfm *r = NULL;
    int status = open_status;
    if (status == CXM_OK)
        status = create(&r, options);
    if (status != CXM_OK) {
        cxm__csv_close(csv);
        return status;
    }
    const char *source = cxm__csv_name(csv);
    r->has_amount = amount_column != NULL;
    size_t id_col = 0, time_col = 0, amount_col = 0;
    status = cxm__csv_find_column(csv, customer_column, &id_col);
    if (status == CXM_OK)
        status = cxm__csv_find_column(csv, time_column, &time_col);
    if (status == CXM_OK && amount_column)
        status = cxm__csv_find_column(csv, amount_column, &amount_col);
    if (status == CXM_OK)
        status = check_header_is_not_data(csv, time_column, time_col, true, csv_options);
    if (status == CXM_OK && amount_column)
        status = check_header_is_not_data(csv, amount_column, amount_col, false, csv_options);
    if (status == CXM_OK) {
        const char *name = cxm__csv_column_name(csv, id_col);
        r->id_name = cxm__strdup(name && name[0] ? name : "customer_id");
        if (r->id_name == NULL)
            status = CXM_ENOMEM;
    }
    if (status == CXM_OK)
        status = cxm__hash_reserve(&r->ids, 512);
    if (status == CXM_OK)
        status = read_csv(r, csv, id_col, time_col, amount_col, r->threads);
    if (status == CXM_OK) {
        r->skipped = cxm__csv_skipped(csv);
        r->messages = cxm__csv_take_messages(csv, &r->nmessages);
        if (r->rows == 0) {
            if (r->after_end > 0)
                status = cxm__fail(CXM_EPARSE, "%s: every row is after the observation end", source);
            else if (r->skipped > 0)
                status = cxm__fail(CXM_EPARSE, "%s: no valid rows (%llu skipped; the first: %s)",
                                   source, r->skipped, r->nmessages ? r->messages[0] : "?");
            else
                status = cxm__fail(CXM_EPARSE, "%s: no transactions after the header", source);
        }
    }
    if (status == CXM_OK)
        status = finish(r, source);
    cxm__csv_close(csv);
    if (status != CXM_OK) {
        cxm_rfm_free(r);
        return status;
    }
    *out = r;
    return CXM_OK;
}

static int check_columns(cxm_rfm **out, const char *customer_column, const char *time_column)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = cxm__check_pointer(customer_column, "customer_column");
    if (status == CXM_OK)
        status = cxm__check_pointer(time_column, "time_column");
    if (status == CXM_OK)
        *out = NULL;
    return status;
}

int cxm_rfm_read_csv(cxm_rfm **out, const char *path, const char *customer_column,
                     const char *time_column, const char *amount_column,
                     const cxm_csv_options *csv_options, const cxm_rfm_options *options)
{
    int status = check_columns(out, customer_column, time_column);
    if (status == CXM_OK)
        status = cxm__check_pointer(path, "path");
    if (status != CXM_OK)
        return status;
    cxm_csv *csv = NULL;
    status = cxm__csv_open(&csv, path, csv_options);
    return read_from(out, csv, status, customer_column, time_column, amount_column, csv_options,
                     options);
}

int cxm__rfm_read_memory(cxm_rfm **out, const void *data, size_t size, const char *name,
                         size_t read_size, const char *customer_column, const char *time_column,
                         const char *amount_column, const cxm_csv_options *csv_options,
                         const cxm_rfm_options *options)
{
    int status = check_columns(out, customer_column, time_column);
    if (status != CXM_OK)
        return status;
    cxm_csv *csv = NULL;
    status = cxm__csv_open_memory(&csv, data, size, name, csv_options, read_size);
    return read_from(out, csv, status, customer_column, time_column, amount_column, csv_options,
                     options);
}

/* ------------------------------------------------------------------ from arrays */

static int array_row(uint64_t seed, size_t i, const int64_t *codes, const char *const *ids,
                     const double *time, const double *amount, row *w)
{
    if (codes) {
        w->code = codes[i];
        w->id = NULL;
        w->len = 0;
        w->hash = cxm__hash_step(seed, (uint64_t)codes[i]);
    } else {
        if (ids[i] == NULL)
            return cxm__fail(CXM_EINVAL, "element %zu: the customer id is NULL", i);
        w->id = ids[i];
        w->len = strlen(ids[i]);
        if (w->len == 0)
            return cxm__fail(CXM_EINVAL, "element %zu: the customer id is empty", i);
        w->code = 0;
        w->hash = cxm__hash_bytes(seed, w->id, w->len);
    }
    w->t = time[i];
    if (!(w->t >= -TIME_LIMIT && w->t <= TIME_LIMIT))
        return cxm__fail(CXM_EINVAL, "element %zu: time %g is not a time within 1e9 days of 1970-01-01",
                         i, w->t);
    w->v = amount ? amount[i] : 0.0;
    if (!isfinite(w->v))
        return cxm__fail(CXM_EINVAL, "element %zu: amount %g is not a finite number", i, w->v);
    return CXM_OK;
}

static int from_arrays(cxm_rfm **out, size_t n, const int64_t *codes, const char *const *ids,
                       const double *time, const double *amount, const cxm_rfm_options *options)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK && n > 0)
        status = cxm__check_pointer(codes ? (const void *)codes : (const void *)ids, "customer");
    if (status == CXM_OK && n > 0)
        status = cxm__check_pointer(time, "time");
    if (status != CXM_OK)
        return status;
    *out = NULL;
    cxm_rfm *r;
    if ((status = create(&r, options)) != CXM_OK)
        return status;
    r->codes = codes != NULL;
    r->has_amount = amount != NULL;
    feeder f;
    memset(&f, 0, sizeof f);
    if (status == CXM_OK)
        status = cxm__hash_reserve(&r->ids, 512);
    if (status == CXM_OK)
        status = feeder_start(&f, r, r->threads, NULL);
    for (size_t i = 0; status == CXM_OK && i < n; i++) {
        row w;
        status = array_row(r->ids.seed, i, codes, ids, time, amount, &w);
        if (status != CXM_OK)
            break;
        int got = place(r, &w);
        if (got < 0)
            status = cxm__fail_prefix("element %zu: ", i);
        else if (got == 0)
            status = feeder_add(&f, &w);
    }
    status = feeder_finish(&f, status);
    if (status == CXM_OK && r->any_unsorted) {
        pair_set set;
        status = recount_begin(r, &set);
        if (status == CXM_OK)
            status = feeder_start(&f, r, r->threads, &set);
        for (size_t i = 0; status == CXM_OK && i < n; i++) {
            row w;
            status = array_row(r->ids.seed, i, codes, ids, time, amount, &w);
            if (status != CXM_OK)
                break;
            w.k = unit_of(r, w.t);
            if (w.k <= r->obs_k)
                status = feeder_add(&f, &w);
        }
        status = feeder_finish(&f, status);
        recount_end(&set);
    }
    if (status == CXM_OK && !codes && (r->id_name = cxm__strdup("customer_id")) == NULL)
        status = CXM_ENOMEM;
    if (status == CXM_OK && codes && (r->id_name = cxm__strdup("customer_code")) == NULL)
        status = CXM_ENOMEM;
    if (status == CXM_OK)
        status = finish(r, NULL);
    if (status != CXM_OK) {
        cxm_rfm_free(r);
        return status;
    }
    *out = r;
    return CXM_OK;
}

int cxm_rfm_from_codes(cxm_rfm **out, size_t n, const int64_t *customer, const double *time,
                       const double *amount, const cxm_rfm_options *options)
{
    static const int64_t none[1] = { 0 };
    return from_arrays(out, n, customer ? customer : (n ? NULL : none), NULL, time, amount,
                       options);
}

int cxm_rfm_from_ids(cxm_rfm **out, size_t n, const char *const *customer, const double *time,
                     const double *amount, const cxm_rfm_options *options)
{
    static const char *const none[1] = { NULL };
    return from_arrays(out, n, NULL, customer ? customer : (n ? NULL : none), time, amount,
                       options);
}

/* ------------------------------------------------------------------ results */

size_t cxm_rfm_size(const cxm_rfm *r)
{
    return r ? r->n : 0;
}

static int check_field(const cxm_rfm *r, cxm_rfm_field field)
{
    switch (field) {
    case CXM_RFM_FREQUENCY: case CXM_RFM_RECENCY: case CXM_RFM_T: case CXM_RFM_FIRST_PURCHASE:
        return CXM_OK;
    case CXM_RFM_MONETARY_VALUE:
        return r->has_amount ? CXM_OK
                             : cxm__fail(CXM_EINVAL, "the summary has no monetary value: no amounts were given");
    case CXM_RFM_FREQUENCY_HOLDOUT:
    case CXM_RFM_DURATION_HOLDOUT:
        return r->has_cal ? CXM_OK
                          : cxm__fail(CXM_EINVAL, "the summary has no holdout period: no calibration end was given");
    case CXM_RFM_MONETARY_VALUE_HOLDOUT:
        if (!r->has_cal)
            return cxm__fail(CXM_EINVAL, "the summary has no holdout period: no calibration end was given");
        return r->has_amount ? CXM_OK
                             : cxm__fail(CXM_EINVAL, "the summary has no monetary value: no amounts were given");
    case CXM_RFM_WEIGHT:
    default:
        return cxm__fail(CXM_EINVAL, "field %d is not a column of the summary", (int)field);
    }
}

static double value_of(const cxm_rfm *r, const cust *c, size_t i, cxm_rfm_field field)
{
    switch (field) {
    case CXM_RFM_FREQUENCY:
        return (double)frequency_of(r, c);
    case CXM_RFM_RECENCY:
        return (double)(c->last - c->first) / r->scale;
    case CXM_RFM_T:
        return (double)(r->end_k - r->base - c->first) / r->scale;
    case CXM_RFM_MONETARY_VALUE: {
        if (r->include_first)
            return (c->first_value + c->repeat_value) / (double)c->ncal;
        uint32_t x = c->ncal - 1;
        return x ? c->repeat_value / (double)x : 0.0;
    }
    case CXM_RFM_FIRST_PURCHASE:
        return r->first_time[i];
    case CXM_RFM_FREQUENCY_HOLDOUT:
        return (double)c->nhold;
    case CXM_RFM_MONETARY_VALUE_HOLDOUT:
        return c->nhold ? c->hold_value / (double)c->nhold : 0.0;
    case CXM_RFM_DURATION_HOLDOUT:
        return (double)(r->obs_k - r->cal_k) / r->scale;
    default:
        return NAN;
    }
}

int cxm_rfm_column(double *dst, size_t dst_n, const cxm_rfm *r, cxm_rfm_field field)
{
    int status = cxm__check_pointer(r, "rfm");
    if (status == CXM_OK)
        status = check_field(r, field);
    if (status != CXM_OK)
        return status;
    if (dst_n != r->n)
        return cxm__fail(CXM_EINVAL, "dst has %zu elements where the summary has %zu customers",
                         dst_n, r->n);
    if (r->n > 0 && (status = cxm__check_pointer(dst, "dst")) != CXM_OK)
        return status;
    for (size_t i = 0; i < r->n; i++)
        dst[i] = value_of(r, CUST(r, i), i, field);
    return CXM_OK;
}

const char *cxm_rfm_id(const cxm_rfm *r, size_t i)
{
    if (r == NULL || r->codes || i >= r->n)
        return NULL;
    return cust_id(CUST(r, i));
}

int cxm_rfm_codes(int64_t *dst, size_t dst_n, const cxm_rfm *r)
{
    int status = cxm__check_pointer(r, "rfm");
    if (status != CXM_OK)
        return status;
    if (!r->codes)
        return cxm__fail(CXM_EINVAL, "the summary was built from string ids, not codes: use cxm_rfm_id()");
    if (dst_n != r->n)
        return cxm__fail(CXM_EINVAL, "codes_dst has %zu elements where the summary has %zu customers",
                         dst_n, r->n);
    if (r->n > 0 && (status = cxm__check_pointer(dst, "codes_dst")) != CXM_OK)
        return status;
    for (size_t i = 0; i < r->n; i++)
        dst[i] = CUST(r, i)->id.code;
    return CXM_OK;
}

size_t cxm_rfm_unique_size(const cxm_rfm *r)
{
    return r ? r->nu : 0;
}

int cxm_rfm_unique_column(double *dst, size_t dst_n, const cxm_rfm *r, cxm_rfm_field field)
{
    int status = cxm__check_pointer(r, "rfm");
    if (status != CXM_OK)
        return status;
    if (field != CXM_RFM_FREQUENCY && field != CXM_RFM_RECENCY && field != CXM_RFM_T &&
        field != CXM_RFM_WEIGHT)
        return cxm__fail(CXM_EINVAL,
                         "field %d is not a column of the compressed form (frequency, recency, T, weight)",
                         (int)field);
    if (dst_n != r->nu)
        return cxm__fail(CXM_EINVAL, "dst has %zu elements where the compressed form has %zu rows",
                         dst_n, r->nu);
    if (r->nu > 0 && (status = cxm__check_pointer(dst, "dst")) != CXM_OK)
        return status;
    for (size_t i = 0; i < r->nu; i++) {
        const urow *u = &r->u[i];
        switch (field) {
        case CXM_RFM_FREQUENCY: dst[i] = (double)u->x; break;
        case CXM_RFM_RECENCY: dst[i] = (double)u->recency / r->scale; break;
        case CXM_RFM_T: dst[i] = (double)u->T / r->scale; break;
        default: dst[i] = (double)u->weight; break;
        }
    }
    return CXM_OK;
}

unsigned long long cxm_rfm_stat(const cxm_rfm *r, cxm_rfm_counter counter)
{
    if (r == NULL)
        return 0;
    switch (counter) {
    case CXM_RFM_ROWS: return r->rows;
    case CXM_RFM_SKIPPED: return r->skipped;
    case CXM_RFM_AFTER_END: return r->after_end;
    case CXM_RFM_HOLDOUT_ONLY: return r->holdout_only;
    case CXM_RFM_PASSES: return r->passes;
    default: return 0;
    }
}

const char *cxm_rfm_skipped_message(const cxm_rfm *r, size_t i)
{
    return r && i < r->nmessages ? r->messages[i] : NULL;
}

int cxm_rfm_period_end(double *out, const cxm_rfm *r, int which)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = cxm__check_pointer(r, "rfm");
    if (status != CXM_OK)
        return status;
    if (which == 0)
        *out = r->has_cal ? r->cal_time : NAN;
    else if (which == 1)
        *out = r->has_obs ? r->obs_time : (r->rows ? r->max_time : NAN);
    else
        return cxm__fail(CXM_EINVAL, "which must be 0 (calibration end) or 1 (observation end), got %d",
                         which);
    return CXM_OK;
}

/* ------------------------------------------------------------------ CSV output */

typedef struct writer {
    FILE *stream;
    const char *name;
    char buf[1 << 16];
    size_t used;
    int status;
    /* Summaries repeat the same few recency and T values: remember their text. */
    struct { uint64_t bits; unsigned char len; char text[31]; } cache[1024];
} writer;

static void put(writer *w, const char *text, size_t len)
{
    if (w->status != CXM_OK)
        return;
    if (w->used + len > sizeof w->buf) {
        if (fwrite(w->buf, 1, w->used, w->stream) != w->used)
            w->status = cxm__fail(CXM_EIO, "%s: cannot write: %s", w->name, strerror(errno));
        w->used = 0;
    }
    if (len > sizeof w->buf) {
        if (w->status == CXM_OK && fwrite(text, 1, len, w->stream) != len)
            w->status = cxm__fail(CXM_EIO, "%s: cannot write: %s", w->name, strerror(errno));
        return;
    }
    memcpy(w->buf + w->used, text, len);
    w->used += len;
}

static void put_number(writer *w, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    size_t slot = (size_t)(cxm__mix64(bits) & 1023);
    if (w->cache[slot].len && w->cache[slot].bits == bits) {
        put(w, w->cache[slot].text, w->cache[slot].len);
        return;
    }
    char text[32];
    size_t len = cxm__format_double(text, sizeof text, v);
    put(w, text, len);
    if (len > 0 && len < sizeof w->cache[slot].text) {
        w->cache[slot].bits = bits;
        w->cache[slot].len = (unsigned char)len;
        memcpy(w->cache[slot].text, text, len);
    }
}

/* A CSV field, quoted when it has to be. */
static void put_text(writer *w, const char *text, size_t len)
{
    bool quote = len > 0 && (text[0] == ' ' || text[0] == '\t' || text[len - 1] == ' ' ||
                             text[len - 1] == '\t');
    for (size_t i = 0; i < len && !quote; i++)
        quote = text[i] == ',' || text[i] == '"' || text[i] == '\n' || text[i] == '\r';
    if (!quote) {
        put(w, text, len);
        return;
    }
    put(w, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        put(w, text + i, 1);
        if (text[i] == '"')
            put(w, "\"", 1);
    }
    put(w, "\"", 1);
}

static int finish_writer(writer *w)
{
    if (w->status == CXM_OK && w->used && fwrite(w->buf, 1, w->used, w->stream) != w->used)
        w->status = cxm__fail(CXM_EIO, "%s: cannot write: %s", w->name, strerror(errno));
    if (w->status == CXM_OK && fflush(w->stream) != 0)
        w->status = cxm__fail(CXM_EIO, "%s: cannot write: %s", w->name, strerror(errno));
    return w->status;
}

static int write_summary(const cxm_rfm *r, FILE *stream, const char *name)
{
    writer *w = cxm__calloc(1, sizeof *w);
    if (w == NULL)
        return CXM_ENOMEM;
    w->stream = stream;
    w->name = name;
    static const cxm_rfm_field all[] = { CXM_RFM_FREQUENCY, CXM_RFM_RECENCY, CXM_RFM_T,
                                         CXM_RFM_MONETARY_VALUE, CXM_RFM_FREQUENCY_HOLDOUT,
                                         CXM_RFM_MONETARY_VALUE_HOLDOUT, CXM_RFM_DURATION_HOLDOUT };
    static const char *const names[] = { "frequency", "recency", "T", "monetary_value",
                                         "frequency_holdout", "monetary_value_holdout",
                                         "duration_holdout" };
    cxm_rfm_field fields[8];
    size_t nfields = 0;
    put_text(w, r->id_name, strlen(r->id_name));
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++) {
        bool wanted = true;
        if (all[k] == CXM_RFM_MONETARY_VALUE || all[k] == CXM_RFM_MONETARY_VALUE_HOLDOUT)
            wanted = r->has_amount;
        if (all[k] >= CXM_RFM_FREQUENCY_HOLDOUT)
            wanted = wanted && r->has_cal;
        if (!wanted)
            continue;
        fields[nfields++] = all[k];
        put(w, ",", 1);
        put(w, names[k], strlen(names[k]));
    }
    put(w, ",first_purchase\n", 16);
    char date[40];
    for (size_t i = 0; i < r->n && w->status == CXM_OK; i++) {
        const cust *c = CUST(r, i);
        if (r->codes) {
            int len = snprintf(date, sizeof date, "%lld", (long long)c->id.code);
            put(w, date, (size_t)len);
        } else {
            put_text(w, cust_id(c), c->meta & META_LENGTH);
        }
        for (size_t k = 0; k < nfields; k++) {
            put(w, ",", 1);
            put_number(w, value_of(r, c, i, fields[k]));
        }
        put(w, ",", 1);
        size_t len = cxm__time_format_iso(date, sizeof date, r->first_time[i]);
        put(w, date, len);
        put(w, "\n", 1);
    }
    int status = finish_writer(w);
    cxm__free(w);
    return status;
}

int cxm_rfm_write_csv_stream(const cxm_rfm *r, FILE *stream)
{
    int status = cxm__check_pointer(r, "rfm");
    if (status == CXM_OK)
        status = cxm__check_pointer(stream, "stream");
    return status == CXM_OK ? write_summary(r, stream, "<stream>") : status;
}

int cxm_rfm_write_csv(const cxm_rfm *r, const char *path)
{
    int status = cxm__check_pointer(r, "rfm");
    if (status == CXM_OK)
        status = cxm__check_pointer(path, "path");
    if (status != CXM_OK)
        return status;
    cxm__file file;
    status = cxm__file_open(&file, path);
    if (status != CXM_OK)
        return status;
    status = write_summary(r, file.stream, path);
    if (status != CXM_OK) {
        cxm__file_abort(&file);
        return status;
    }
    return cxm__file_commit(&file);
}

int cxm_rfm_write_unique_csv_stream(const cxm_rfm *r, FILE *stream)
{
    int status = cxm__check_pointer(r, "rfm");
    if (status == CXM_OK)
        status = cxm__check_pointer(stream, "stream");
    if (status != CXM_OK)
        return status;
    writer *w = cxm__calloc(1, sizeof *w);
    if (w == NULL)
        return CXM_ENOMEM;
    w->stream = stream;
    w->name = "<stream>";
    static const char header[] = "frequency,recency,T,weight\n";
    put(w, header, sizeof header - 1);
    for (size_t i = 0; i < r->nu; i++) {
        put_number(w, (double)r->u[i].x);
        put(w, ",", 1);
        put_number(w, (double)r->u[i].recency / r->scale);
        put(w, ",", 1);
        put_number(w, (double)r->u[i].T / r->scale);
        put(w, ",", 1);
        put_number(w, (double)r->u[i].weight);
        put(w, "\n", 1);
    }
    status = finish_writer(w);
    cxm__free(w);
    return status;
}

/* ------------------------------------------------------------------ units for other files */

int cxm__rfm_units(int64_t *dst, size_t n, const double *time, const cxm_rfm_options *options)
{
    cxm_rfm r;
    memset(&r, 0, sizeof r);
    int status = configure(&r, options);
    for (size_t i = 0; status == CXM_OK && i < n; i++) {
        if (!(time[i] >= -TIME_LIMIT && time[i] <= TIME_LIMIT))
            return cxm__fail(CXM_EINVAL,
                             "element %zu: time %g is not a time within 1e9 days of 1970-01-01", i,
                             time[i]);
        dst[i] = unit_of(&r, time[i]);
    }
    return status;
}
