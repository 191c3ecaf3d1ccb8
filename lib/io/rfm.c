/* The transaction-log summary (docs/models.md §1.3): per customer x, t_x, T, the
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
 * keeps many memory loads in flight instead of one.
 *
 * This file: options and units, and aggregation; rfm_internal.h lists the
 * others. */
#define _DEFAULT_SOURCE 1
#include "config.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/rfm.h"
#include "io/rfm_internal.h"

/* ------------------------------------------------------------------ options and units */


static int check_time_value(double t, const char *what)
{
    if (!(t >= -TIME_LIMIT && t <= TIME_LIMIT))
        return cxm__fail(CXM_EINVAL, "%s %g is not a time within 1e9 days of 1970-01-01", what, t);
    return CXM_OK;
}

int cxm_rfm_options_set_unit(cxm_rfm_options *options, const char *unit)
{
    static const struct { const char *name; double days; unsigned months; } units[] = {
        { "day", 1, 0 },      { "days", 1, 0 },     { "D", 1, 0 },       { "week", 7, 0 },
        { "weeks", 7, 0 },    { "W", 7, 0 },        { "month", 0, 1 },   { "months", 0, 1 },
        { "M", 0, 1 },        { "quarter", 0, 3 },  { "Q", 0, 3 },       { "year", 0, 12 },
        { "years", 0, 12 },   { "Y", 0, 12 },       { "hour", 1.0 / 24, 0 }, { "hours", 1.0 / 24, 0 },
        { "h", 1.0 / 24, 0 },
    };
    int status = cxm__check_pointer(options, "options");
    if (status == CXM_OK)
        status = cxm__check_pointer(unit, "unit");
    if (status != CXM_OK)
        return status;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcmp(unit, units[i].name) == 0) {
            options->unit_days = units[i].days ? units[i].days : 1;
            options->unit_months = units[i].months;
            return CXM_OK;
        }
    char *end;
    double days = strtod(unit, &end);
    if (end == unit || *end != '\0' || !(days > 0) || !isfinite(days))
        return cxm__fail(CXM_EINVAL,
                         "unit '%.40s' is not day, week, month, quarter, year, hour or a number "
                         "of days > 0",
                         unit);
    options->unit_days = days;
    options->unit_months = 0;
    return CXM_OK;
}

/* The size of each version of cxm_rfm_options (docs/ABI.md). */
static const size_t option_sizes[CXM_RFM_OPTIONS_VERSION] = {
    CXM__FIELDS_END(cxm_rfm_options, threads),
};

static int configure(cxm_rfm *r, const cxm_rfm_options *options)
{
    cxm_rfm_options o;
    cxm_rfm_options_init(&o);
    int status = cxm__options_read(&o, options, option_sizes, CXM_RFM_OPTIONS_VERSION,
                                   "cxm_rfm_options");
    if (status != CXM_OK)
        return status;
    if (o.unit_months == 0) {
        if (!(o.unit_days > 0 && o.unit_days <= 1e6))
            return cxm__fail(CXM_EINVAL, "unit_days %g must be a number of days in (0, 1e6]", o.unit_days);
        if (o.unit_days < 1.0 / 86400 / 1000)
            return cxm__fail(CXM_EINVAL, "unit_days %g is shorter than a millisecond", o.unit_days);
    } else if (o.unit_months > 12000) {
        return cxm__fail(CXM_EINVAL, "unit_months %u is more than 1000 years", o.unit_months);
    }
    status = check_time_value(o.unit_origin, "unit_origin");
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
    r->cal_k = r->has_cal ? cxm__rfm_unit_of(r, o.calibration_end) : INT64_MAX;
    r->obs_k = r->has_obs ? cxm__rfm_unit_of(r, o.observation_end) : INT64_MAX;
    if (r->has_cal && r->has_obs && r->cal_k > r->obs_k) {
        char a[40], b[40];
        cxm__time_format_iso(a, sizeof a, o.calibration_end);
        cxm__time_format_iso(b, sizeof b, o.observation_end);
        return cxm__fail(CXM_EINVAL, "the calibration end %s is after the observation end %s", a, b);
    }
    r->max_k = INT64_MIN;
    r->min_k = INT64_MAX;
    r->max_time = -INFINITY;
    r->min_time = INFINITY;
    r->passes = 1;
    return CXM_OK;
}

int cxm__rfm_create(cxm_rfm **out, const cxm_rfm_options *options)
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
    cxm__rfm_ids_free(r);
    for (size_t i = 0; i < r->nmessages; i++)
        cxm__free(r->messages[i]);
    cxm__free(r->messages);
    cxm__free(r->first_time);
    cxm__free(r->u);
    cxm__free(r->id_name);
    cxm__free(r);
}

/* ------------------------------------------------------------------ rows */

static inline void update(cxm_rfm *r, const rfm_row *w)
{
    rfm_cust *c = CUST(r, w->index);
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

int cxm__rfm_recount_begin(cxm_rfm *r, rfm_pairs *set)
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

void cxm__rfm_recount_end(rfm_pairs *set)
{
    cxm__u64map_free(&set->pairs);
    cxm__free(set->bits);
    cxm__free(set->slot_of);
    memset(set, 0, sizeof *set);
}

/* Second pass, one row whose customer is resolved (w->index): count the
 * distinct units of a customer whose rows came out of order. */
static int recount_row(cxm_rfm *r, rfm_pairs *set, const rfm_row *w)
{
    rfm_cust *c = CUST(r, w->index);
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
    char ids[CHUNK_IDS + 16]; /* copies of the ids (the reader's buffer moves on) */
    rfm_row rows[CHUNK_ROWS];
} chunk;

/* Stage 1: prefetch each row's first slot. */
static void prefetch_slots(cxm_rfm *r, const rfm_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cxm__hash_prefetch(&r->ids, rows[i].hash);
}

/* Stage 2: read the slots and prefetch the record of each first candidate. */
static void prefetch_records(cxm_rfm *r, const rfm_row *rows, size_t n)
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
static int apply(cxm_rfm *r, rfm_row *rows, size_t n, rfm_pairs *set)
{
    if (set == NULL) {
        for (size_t i = 0; i < n; i++) {
            rfm_row *w = &rows[i];
            int status = cxm__rfm_lookup(r, w->hash, w->id, w->len, w->code, &w->index);
            if (status != CXM_OK)
                return status;
            update(r, w);
        }
        return CXM_OK;
    }
    const size_t known = r->n;
    for (size_t i = 0; i < n; i++) {
        rfm_row *w = &rows[i];
        int status = cxm__rfm_lookup(r, w->hash, w->id, w->len, w->code, &w->index);
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

static int apply_chunk(cxm_rfm *r, chunk *ch, rfm_pairs *set)
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
    rfm_feeder *f = context;
    return apply_chunk(f->r, ch, f->set);
}

int cxm__rfm_feeder_start(rfm_feeder *f, cxm_rfm *r, unsigned threads, rfm_pairs *set)
{
    f->r = r;
    f->set = set;
    f->padded_ids = false;
    return cxm__pipeline_start(&f->pipeline, sizeof(chunk), threads, apply_feeder_chunk, f);
}

/* Apply what is left, wait for the helper, release everything. With a
 * failure (status != CXM_OK) only stop and clean up. */
int cxm__rfm_feeder_finish(rfm_feeder *f, int status)
{
    chunk *ch = cxm__pipeline_chunk(&f->pipeline);
    return cxm__pipeline_finish(&f->pipeline, status, status == CXM_OK, ch && ch->n > 0);
}

/* One row. An id too long for a chunk waits until every chunk is applied and
 * is then applied alone, from the caller's memory. */
int cxm__rfm_feeder_add(rfm_feeder *f, const rfm_row *w)
{
    int status;
    chunk *ch = cxm__pipeline_chunk(&f->pipeline);
    if (w->len > CHUNK_IDS / 4) {
        if (ch->n > 0 && (status = cxm__pipeline_submit(&f->pipeline)) != CXM_OK)
            return status;
        if ((status = cxm__pipeline_wait(&f->pipeline)) != CXM_OK)
            return status;
        rfm_row alone = *w;
        return apply(f->r, &alone, 1, f->set);
    }
    if (ch->n == CHUNK_ROWS || ch->used + w->len > CHUNK_IDS) {
        if ((status = cxm__pipeline_submit(&f->pipeline)) != CXM_OK)
            return status;
        ch = cxm__pipeline_chunk(&f->pipeline);
    }
    rfm_row *slot = &ch->rows[ch->n++];
    *slot = *w;
    if (w->id) {
        /* The reader's buffer moves on: keep a copy of the id in the chunk. */
        if (f->padded_ids && w->len <= 16)
            memcpy(ch->ids + ch->used, w->id, 16); /* one fixed-size copy */
        else
            memcpy(ch->ids + ch->used, w->id, w->len);
        slot->id = ch->ids + ch->used;
        ch->used += w->len;
    }
    return CXM_OK;
}

/* ------------------------------------------------------------------ finishing */

static int urow_compare(const void *a, const void *b)
{
    const rfm_urow *x = a, *y = b;
    if (x->x != y->x)
        return x->x < y->x ? -1 : 1;
    if (x->recency != y->recency)
        return x->recency < y->recency ? -1 : 1;
    if (x->T != y->T)
        return x->T < y->T ? -1 : 1;
    return 0;
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
    rfm_urow *u = NULL;
    size_t cap = 0, w = 0;
    int status = CXM_OK;
    for (size_t i = 0; status == CXM_OK && i < r->n; i++) {
        const rfm_cust *c = CUST(r, i);
        rfm_urow key = { cxm__rfm_frequency(r, c), c->last - c->first, r->end_k - r->base - c->first, 1 };
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
    rfm_urow *shrunk = status == CXM_OK ? cxm__reallocarray(u, w ? w : 1, sizeof *u) : NULL;
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
        const rfm_cust *c = CUST(r, i);
        uint64_t x = cxm__rfm_frequency(r, c), rec = (uint64_t)(c->last - c->first);
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
        const rfm_cust *c = CUST(r, i);
        keys[i] = ((uint64_t)cxm__rfm_frequency(r, c) << (br + bt)) |
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
    rfm_urow *u = cxm__malloc((distinct ? distinct : 1) * sizeof *u);
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

/* An empty holdout period is an error that says so, never a column of
 * zeros (docs/io.md): the observation end must be in a later unit than the
 * calibration end, and without an observation end (the holdout then runs to
 * the last purchase) some purchase must be after the calibration end. A
 * whole file (source) must also hold a purchase in the holdout period when
 * the observation end is given; arrays may be one part of a log
 * (cxm/chunk.h), where a part without one is no error. The calibration
 * period is checked once the customers are known (cxm__rfm_finish). */
static int check_holdout(const cxm_rfm *r, const char *source)
{
    const char *colon = source ? ": " : "";
    char a[40], b[40];
    source = source ? source : "";
    if (!r->has_cal)
        return CXM_OK;
    cxm__time_format_iso(a, sizeof a, r->cal_time);
    if (r->has_obs && r->cal_k == r->obs_k) {
        cxm__time_format_iso(b, sizeof b, r->obs_time);
        return cxm__fail(CXM_EINVAL,
                         "%s%sthe holdout period is empty: the observation end %s is in the time "
                         "unit of the calibration end %s; give a later observation end",
                         source, colon, b, a);
    }
    if ((!r->has_obs || source[0] != '\0') && r->rows > 0 && r->max_k <= r->cal_k) {
        cxm__time_format_iso(b, sizeof b, r->max_time);
        return cxm__fail(CXM_EINVAL,
                         "%s%sthe holdout period is empty: no purchase after the calibration end "
                         "%s (the last is on %s); give an earlier calibration end%s",
                         source, colon, a, b, r->has_obs ? "" : " or an observation end");
    }
    return CXM_OK;
}

int cxm__rfm_finish(cxm_rfm *r, const char *source)
{
    if (!r->has_obs)
        r->obs_k = r->max_k;
    int status = check_holdout(r, source);
    if (status != CXM_OK)
        return status;
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
    /* A whole file whose calibration period holds no customer. Arrays may be
     * one part of a log (cxm/chunk.h), where that is no error: their callers
     * check the whole (cxm_rfm_stat(), CXM_RFM_HOLDOUT_ONLY). */
    if (w == 0 && r->n > 0 && source != NULL) {
        char a[40], b[40];
        cxm__time_format_iso(a, sizeof a, r->cal_time);
        cxm__time_format_iso(b, sizeof b, r->min_time);
        return cxm__fail(CXM_EINVAL,
                         "%s%sthe calibration period is empty: no purchase up to the calibration "
                         "end %s (the first is on %s)",
                         source ? source : "", source ? ": " : "", a, b);
    }
    r->n = w;
    /* Give back the growth room of the arrays. */
    status = build_unique(r);
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

/* ------------------------------------------------------------------ units for other files */

int cxm__rfm_units(int64_t *dst, size_t n, const double *time, const cxm_rfm_options *options)
{
    cxm_rfm r;
    memset(&r, 0, sizeof r);
    int status = configure(&r, options);
    for (size_t i = 0; status == CXM_OK && i < n; i++) {
        if (!(time[i] >= -TIME_LIMIT && time[i] <= TIME_LIMIT))
            return cxm__fail_at(CXM_EINVAL, i,
                                "time %g is not a time within 1e9 days of 1970-01-01", time[i]);
        dst[i] = cxm__rfm_unit_of(&r, time[i]);
    }
    return status;
}
