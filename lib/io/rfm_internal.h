/* The transaction-log summary's internals, shared by its files (not
 * installed, not exported):
 *
 *   rfm.c         options and units; aggregation: each row updates its
 *                 customer's record (the feeder), the second pass, finishing
 *   rfm_ids.c     customer ids: the records, their segments, the id arena
 *   rfm_read.c    reading: rows from a CSV file or from arrays
 *   rfm_write.c   writing: the summary's columns and counters, CSV files
 *   rfm_reduce.c  cxm_rfm_reduce(), for chunked work
 *
 * The per-row steps that cross files (finding a customer, placing a row in
 * its time unit) are inline here, so that the split costs the hot loop no
 * call. */
#ifndef CXM_IO_RFM_INTERNAL_H
#define CXM_IO_RFM_INTERNAL_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/hash.h"
#include "core/internal.h"
#include "core/pipeline.h"
#include "cxm/rfm.h"
#include "io/date.h"

enum { INLINE_ID = 15, ARENA_BLOCK = 1 << 16 };

#define META_LENGTH 0x3fffffffu
#define META_HAS_CAL 0x40000000u
#define META_UNSORTED 0x80000000u
#define NO_PERIOD INT32_MIN
/* Times are at most this many days from 1970: far beyond any calendar, and
 * small enough that unit arithmetic stays exact in int64. */
#define TIME_LIMIT 1e9

typedef struct rfm_cust {
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
} rfm_cust;

_Static_assert(sizeof(rfm_cust) == 64, "a customer record is one cache line");

typedef struct rfm_urow {
    uint32_t x;
    int32_t recency;
    int64_t T;
    uint64_t weight;
} rfm_urow;

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
    double cal_time, obs_time, max_time, min_time;
    /* customers: records in segments of SEGMENT records, each aligned to 2 MiB
     * inside its block, never moved (see CUST) */
    rfm_cust **segment;
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
    rfm_urow *u;
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

/* Records live in segments of SEGMENT (2^16) records, 4 MiB each, allocated
 * as needed and never moved: growing copies nothing and touches no page
 * twice, and each segment can be backed by transparent huge pages
 * (cxm__malloc_large: with a million customers, 4 KiB pages cost a TLB miss
 * and a page fault per few rows). */
enum { SEGMENT_BITS = 16, SEGMENT = 1 << SEGMENT_BITS };
#define CUST(r, i) (&(r)->segment[(size_t)(i) >> SEGMENT_BITS][(size_t)(i) & (SEGMENT - 1)])

/* ------------------------------------------------------------------ customer ids (rfm_ids.c) */

static inline const char *rfm_cust_id(const rfm_cust *c)
{
    return (c->meta & META_LENGTH) > INLINE_ID ? c->id.ptr : c->id.text;
}

/* Whether record c holds this id. Ids of up to INLINE_ID bytes are compared
 * as two words: the rows' ids lie in the feeder's chunks, which keep 16
 * readable bytes after each, and inline ids are zero-padded. */
static inline bool rfm_same_id(const cxm_rfm *r, const rfm_cust *c, const char *id, size_t len,
                               int64_t code)
{
    if (r->codes)
        return c->id.code == code;
    if ((c->meta & META_LENGTH) != len)
        return false;
    if (len > INLINE_ID)
        return memcmp(c->id.ptr, id, len) == 0;
    uint64_t a0, a1, b0, b1;
    memcpy(&a0, id, 8);
    memcpy(&a1, id + 8, 8);
    memcpy(&b0, c->id.text, 8);
    memcpy(&b1, c->id.text + 8, 8);
    const uint64_t m0 = len >= 8 ? ~UINT64_C(0) : (UINT64_C(1) << (8 * len)) - 1;
    const uint64_t m1 = len <= 8 ? 0 : (UINT64_C(1) << (8 * (len - 8))) - 1; /* len <= 15 */
    return (((a0 ^ b0) & m0) | ((a1 ^ b1) & m1)) == 0;
}

/* Add the customer at the end of probe p (cxm__rfm_lookup ended it): its
 * record is index r->n. */
int cxm__rfm_add_customer(cxm_rfm *r, cxm__hash_probe *p, const char *id, size_t len,
                          int64_t code);
/* Release the records, the arena and the id table. */
void cxm__rfm_ids_free(cxm_rfm *r);

/* Find or add a customer; *index is its record. */
static inline int cxm__rfm_lookup(cxm_rfm *r, uint64_t h, const char *id, size_t len,
                                  int64_t code, uint32_t *index)
{
    cxm__hash_probe p = cxm__hash_start(&r->ids, h);
    size_t i;
    while (cxm__hash_next(&r->ids, &p, &i))
        if (rfm_same_id(r, CUST(r, i), id, len, code)) {
            *index = (uint32_t)i;
            return CXM_OK;
        }
    *index = (uint32_t)r->n;
    return cxm__rfm_add_customer(r, &p, id, len, code);
}

/* ------------------------------------------------------------------ units */

static inline int64_t cxm__rfm_floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/* The unit of time t (|t| <= TIME_LIMIT). */
static inline int64_t cxm__rfm_unit_of(cxm_rfm *r, double t)
{
    if (r->months) {
        double day = floor(t);
        int64_t d = (int64_t)day;
        if (d != r->month_day) {
            int64_t y;
            unsigned m, dd;
            cxm__civil_from_days(d, &y, &m, &dd);
            r->month_day = d;
            r->month_k = cxm__rfm_floor_div(y * 12 + (int64_t)m - 1 - 1970 * 12, r->months);
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

/* ------------------------------------------------------------------ rows (rfm.c) */

typedef struct rfm_row {
    uint64_t hash;
    const char *id;
    size_t len;
    int64_t code;
    int64_t k;
    double t, v;
    uint32_t index;
} rfm_row;

/* Check a row's time and unit; set its unit. Rows after the observation end
 * are counted and dropped (returns 1). */
static inline int cxm__rfm_place(cxm_rfm *r, rfm_row *w)
{
    w->k = cxm__rfm_unit_of(r, w->t);
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
    if (w->t < r->min_time)
        r->min_time = w->t;
    r->rows++;
    return 0;
}

static inline uint32_t cxm__rfm_frequency(const cxm_rfm *r, const rfm_cust *c)
{
    return r->include_first ? c->ncal : c->ncal - 1;
}

/* The second pass counts the distinct units of the customers whose rows
 * came out of order, either with a bitmap of the log's units per such
 * customer (when the log spans few units: days over a few years) or with a
 * hash set of (customer, unit) pairs, whichever needs less memory. */
typedef struct rfm_pairs {
    cxm__u64map pairs;        /* customer << 32 | unit */
    /* bitmap mode */
    uint64_t *bits;           /* words per customer, for the customers with a slot */
    uint32_t *slot_of;        /* customer -> its bitmap, UINT32_MAX for none */
    size_t words;
} rfm_pairs;

typedef struct rfm_feeder {
    cxm_rfm *r;
    rfm_pairs *set;           /* the second pass: count units, do not update */
    cxm__pipeline pipeline;   /* chunks, and the helper thread when there is one */
    bool padded_ids;          /* 16 bytes are readable from each id (the CSV reader's) */
} rfm_feeder;

int cxm__rfm_create(cxm_rfm **out, const cxm_rfm_options *options);
/* Rows go to the feeder (in order); set != NULL for the second pass. */
int cxm__rfm_feeder_start(rfm_feeder *f, cxm_rfm *r, unsigned threads, rfm_pairs *set);
int cxm__rfm_feeder_add(rfm_feeder *f, const rfm_row *w);
int cxm__rfm_feeder_finish(rfm_feeder *f, int status);
/* Before the second pass: reset the marked customers' counts. */
int cxm__rfm_recount_begin(cxm_rfm *r, rfm_pairs *set);
void cxm__rfm_recount_end(rfm_pairs *set);
/* After the rows: the holdout split, the compressed form; source names the
 * input in messages (NULL for arrays). */
int cxm__rfm_finish(cxm_rfm *r, const char *source);

#endif /* CXM_IO_RFM_INTERNAL_H */
