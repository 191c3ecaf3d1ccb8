/* The PLS bootstrap. Each resample draws n respondents with replacement;
 * what the algorithm needs from it is the weighted cross-product
 * Σ count_i·(x_i, x_i x_iᵀ), i.e. M = Cᵀ·Z with C the n × B matrix of counts
 * and Z the n × (p + p(p+1)/2) matrix of items and their products. That is
 * one matrix product for a batch of resamples, computed block by block with
 * a register-tiled kernel (AVX2/FMA when the processor has it); the rest is
 * small-matrix work on p × p correlations.
 *
 * Survey answers are usually small integers (1-10 scales). Then the
 * cross-products are sums of integers and are computed exactly, in 16-bit
 * multiplies with 32-bit sums (AVX2 vpmaddwd: 16 multiply-adds per
 * instruction, four times the double kernel), and each covariance comes
 * from exact integer sums: n·Σcxx − Σcx·Σcx, rounded once.
 *
 * Determinism: resample b always uses the b-th random stream split from the
 * seed and the same arithmetic, whichever thread runs it, so the results do
 * not depend on the number of threads or on timing (nor, for integer data,
 * on the processor: integer sums are exact whatever the kernel). */
#include "config.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chain/pls.h"
#include "chain/pls_quality.h"
#include "core/internal.h"
#include "numeric/parallel.h"
#include "numeric/rng.h"
#include "numeric/stats.h"

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#include <immintrin.h>
#define CXM_PLS_AVX2 1
#endif

enum {
    TILE_B = 4,   /* resamples per register tile */
    TILE_Q = 12,  /* cross-product columns per register tile (3 × 4 doubles) */
    TILE_QI = 16, /* columns per integer tile (2 × 8 int32 sums) */
    INT_ROWS = 512 /* rows per block of the integer kernel (even) */
};

/* Memory for the counts of the resamples that share one pass over the data
 * (each pass builds the data's cross-product blocks once for all of them). */
#define COUNTS_BUDGET ((size_t)48 << 20)

/* 64 × 64 → 128-bit product, high and low halves, portably. */
static inline uint64_t mul_high(uint64_t a, uint64_t b, uint64_t *low)
{
#if defined(__SIZEOF_INT128__)
    unsigned __int128 m = (unsigned __int128)a * b;
    *low = (uint64_t)m;
    return (uint64_t)(m >> 64);
#else
    uint64_t a0 = a & 0xffffffffu, a1 = a >> 32, b0 = b & 0xffffffffu, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);
    *low = (mid << 32) | (p00 & 0xffffffffu);
    return p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
#endif
}

/* xoshiro256** exactly as cxm__rng_next (numeric/rng.c), inlined: the
 * bootstrap draws n indices per resample. */
static inline uint64_t next64(cxm_rng *rng)
{
    uint64_t *st = rng->state;
    uint64_t x = st[1] * 5;
    uint64_t result = ((x << 7) | (x >> 57)) * 9;
    uint64_t t = st[1] << 17;
    st[2] ^= st[0];
    st[3] ^= st[1];
    st[1] ^= st[2];
    st[0] ^= st[3];
    st[2] ^= t;
    st[3] = (st[3] << 45) | (st[3] >> 19);
    return result;
}

/* Uniform integer in [0, n) by Lemire's multiply-and-reject (2019): no
 * division on the fast path, exactly uniform, the same on every platform.
 * threshold = (2^64 − n) mod n. */
static inline uint64_t draw_below(cxm_rng *rng, uint64_t n, uint64_t threshold)
{
    uint64_t low, high = mul_high(next64(rng), n, &low);
    while (low < threshold)
        high = mul_high(next64(rng), n, &low);
    return high;
}

typedef struct boot_shared {
    const pls_plan *plan;
    const pls_layout *layout;
    const pls_extensions *extensions; /* or NULL */
    size_t stride;           /* values per resample: layout->total + extension values */
    const double *x;         /* n × p, centred */
    const int16_t *xi;       /* n × p, the raw answers when they are small integers, or NULL */
    double zmax;             /* largest |product| of two answers (integer path) */
    size_t n, p, qp;         /* rows, items, padded cross-product width */
    const double *centre, *low, *range;
    const cxm_rng *streams;  /* one per resample */
    double *draws;           /* n_boot × layout->total */
    unsigned char *ok;       /* n_boot */
    int avx2;
} boot_shared;

typedef struct boot_thread {
    const boot_shared *shared;
    size_t first, last;      /* resamples [first, last) */
    size_t per_pass;         /* resamples per pass over the data, a multiple of TILE_B */
    size_t rows_per_block;
    uint16_t *counts;        /* per_pass × n */
    double *cblock;          /* per_pass × rows_per_block (integer path: int32 pairs) */
    double *zblock;          /* rows_per_block × qp (integer path: int16 row pairs) */
    double *m;               /* per_pass × qp */
    double *r, *mean, *sd;   /* p × p, p, p */
    pls_work work;
} boot_thread;

/* M[b][:] += Σ_r C[b][r]·Z[r][:] for b < TILE_B·groups, plain C. */
static void cross_generic(double *m, const double *cb, const double *z, size_t batch, size_t rows,
                          size_t qp)
{
    for (size_t b = 0; b < batch; b++) {
        double *mb = m + b * qp;
        for (size_t r = 0; r < rows; r++) {
            double w = cb[b * rows + r];
            if (w == 0)
                continue;
            const double *zr = z + r * qp;
            for (size_t k = 0; k < qp; k++)
                mb[k] += w * zr[k];
        }
    }
}

/* Integer path: M[b][k] += Σ_t c[b][2t]·z[2t][k] + c[b][2t+1]·z[2t+1][k].
 * Counts come in pairs packed in an int32 (low half: the even row), the
 * data as row pairs interleaved per column: z[t][k][0..1]. The 32-bit sums
 * cannot overflow: the caller sizes the blocks for it. */
static void cross_int_generic(double *m, const int32_t *cb, const int16_t *z, size_t batch,
                              size_t pairs, size_t qp)
{
    for (size_t b = 0; b < batch; b++) {
        double *mb = m + b * qp;
        for (size_t k = 0; k < qp; k++) {
            int32_t sum = 0;
            for (size_t t = 0; t < pairs; t++) {
                int32_t w = cb[b * pairs + t];
                const int16_t *zt = z + (t * qp + k) * 2;
                sum += (int16_t)(w & 0xffff) * zt[0] + (int16_t)(w >> 16) * zt[1];
            }
            mb[k] += sum;
        }
    }
}

#ifdef CXM_PLS_AVX2
/* The integer path with a 4 × 16 register tile: per row pair, 2 loads of
 * data and 4 count broadcasts feed 8 vpmaddwd (128 multiply-adds); 8
 * accumulators, so that nothing spills. */
__attribute__((target("avx2,fma"))) static void cross_int_avx2(double *m, const int32_t *cb,
                                                               const int16_t *z, size_t batch,
                                                               size_t pairs, size_t qp)
{
    for (size_t k = 0; k < qp; k += TILE_QI) {
        for (size_t b = 0; b < batch; b += TILE_B) {
            const int32_t *c0 = cb + b * pairs, *c1 = c0 + pairs, *c2 = c1 + pairs, *c3 = c2 + pairs;
            __m256i a00 = _mm256_setzero_si256(), a01 = a00, a10 = a00, a11 = a00;
            __m256i a20 = a00, a21 = a00, a30 = a00, a31 = a00;
            const int16_t *zt = z + k * 2;
            for (size_t t = 0; t < pairs; t++, zt += qp * 2) {
                __m256i z0 = _mm256_loadu_si256((const __m256i *)zt);
                __m256i z1 = _mm256_loadu_si256((const __m256i *)(zt + 16));
                __m256i w = _mm256_set1_epi32(c0[t]);
                a00 = _mm256_add_epi32(a00, _mm256_madd_epi16(w, z0));
                a01 = _mm256_add_epi32(a01, _mm256_madd_epi16(w, z1));
                w = _mm256_set1_epi32(c1[t]);
                a10 = _mm256_add_epi32(a10, _mm256_madd_epi16(w, z0));
                a11 = _mm256_add_epi32(a11, _mm256_madd_epi16(w, z1));
                w = _mm256_set1_epi32(c2[t]);
                a20 = _mm256_add_epi32(a20, _mm256_madd_epi16(w, z0));
                a21 = _mm256_add_epi32(a21, _mm256_madd_epi16(w, z1));
                w = _mm256_set1_epi32(c3[t]);
                a30 = _mm256_add_epi32(a30, _mm256_madd_epi16(w, z0));
                a31 = _mm256_add_epi32(a31, _mm256_madd_epi16(w, z1));
            }
            const __m256i sums[TILE_B][2] = { { a00, a01 }, { a10, a11 }, { a20, a21 }, { a30, a31 } };
            for (int u = 0; u < TILE_B; u++) {
                double *mu = m + (b + (size_t)u) * qp + k;
                for (int v = 0; v < 2; v++) {
                    __m256d lo = _mm256_cvtepi32_pd(_mm256_castsi256_si128(sums[u][v]));
                    __m256d hi = _mm256_cvtepi32_pd(_mm256_extracti128_si256(sums[u][v], 1));
                    _mm256_storeu_pd(mu + 8 * v, _mm256_add_pd(_mm256_loadu_pd(mu + 8 * v), lo));
                    _mm256_storeu_pd(mu + 8 * v + 4,
                                     _mm256_add_pd(_mm256_loadu_pd(mu + 8 * v + 4), hi));
                }
            }
        }
    }
}

/* The same with a 4 × 12 register tile: per row, 3 loads of Z and 4
 * broadcasts of counts feed 12 fused multiply-adds. */
__attribute__((target("avx2,fma"))) static void cross_avx2(double *m, const double *cb,
                                                           const double *z, size_t batch,
                                                           size_t rows, size_t qp)
{
    for (size_t k = 0; k < qp; k += TILE_Q) {
        for (size_t b = 0; b < batch; b += TILE_B) {
            const double *c0 = cb + b * rows, *c1 = c0 + rows, *c2 = c1 + rows, *c3 = c2 + rows;
            __m256d a00 = _mm256_setzero_pd(), a01 = a00, a02 = a00;
            __m256d a10 = a00, a11 = a00, a12 = a00, a20 = a00, a21 = a00, a22 = a00;
            __m256d a30 = a00, a31 = a00, a32 = a00;
            const double *zr = z + k;
            for (size_t r = 0; r < rows; r++, zr += qp) {
                __m256d z0 = _mm256_loadu_pd(zr), z1 = _mm256_loadu_pd(zr + 4),
                        z2 = _mm256_loadu_pd(zr + 8);
                __m256d w = _mm256_broadcast_sd(c0 + r);
                a00 = _mm256_fmadd_pd(w, z0, a00);
                a01 = _mm256_fmadd_pd(w, z1, a01);
                a02 = _mm256_fmadd_pd(w, z2, a02);
                w = _mm256_broadcast_sd(c1 + r);
                a10 = _mm256_fmadd_pd(w, z0, a10);
                a11 = _mm256_fmadd_pd(w, z1, a11);
                a12 = _mm256_fmadd_pd(w, z2, a12);
                w = _mm256_broadcast_sd(c2 + r);
                a20 = _mm256_fmadd_pd(w, z0, a20);
                a21 = _mm256_fmadd_pd(w, z1, a21);
                a22 = _mm256_fmadd_pd(w, z2, a22);
                w = _mm256_broadcast_sd(c3 + r);
                a30 = _mm256_fmadd_pd(w, z0, a30);
                a31 = _mm256_fmadd_pd(w, z1, a31);
                a32 = _mm256_fmadd_pd(w, z2, a32);
            }
            double *m0 = m + b * qp + k, *m1 = m0 + qp, *m2 = m1 + qp, *m3 = m2 + qp;
            _mm256_storeu_pd(m0, _mm256_add_pd(_mm256_loadu_pd(m0), a00));
            _mm256_storeu_pd(m0 + 4, _mm256_add_pd(_mm256_loadu_pd(m0 + 4), a01));
            _mm256_storeu_pd(m0 + 8, _mm256_add_pd(_mm256_loadu_pd(m0 + 8), a02));
            _mm256_storeu_pd(m1, _mm256_add_pd(_mm256_loadu_pd(m1), a10));
            _mm256_storeu_pd(m1 + 4, _mm256_add_pd(_mm256_loadu_pd(m1 + 4), a11));
            _mm256_storeu_pd(m1 + 8, _mm256_add_pd(_mm256_loadu_pd(m1 + 8), a12));
            _mm256_storeu_pd(m2, _mm256_add_pd(_mm256_loadu_pd(m2), a20));
            _mm256_storeu_pd(m2 + 4, _mm256_add_pd(_mm256_loadu_pd(m2 + 4), a21));
            _mm256_storeu_pd(m2 + 8, _mm256_add_pd(_mm256_loadu_pd(m2 + 8), a22));
            _mm256_storeu_pd(m3, _mm256_add_pd(_mm256_loadu_pd(m3), a30));
            _mm256_storeu_pd(m3 + 4, _mm256_add_pd(_mm256_loadu_pd(m3 + 4), a31));
            _mm256_storeu_pd(m3 + 8, _mm256_add_pd(_mm256_loadu_pd(m3 + 8), a32));
        }
    }
}

static int have_avx2(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#else
static int have_avx2(void)
{
    return 0;
}
#endif

/* One resample's correlation matrix from its cross-products, then the core. */
static int finish_resample(boot_thread *t, const double *mb, double *estimate)
{
    const boot_shared *s = t->shared;
    size_t p = s->p, n = s->n;
    double nn = (double)n;
    const double *prod = mb + p;
    for (size_t i = 0; i < p; i++)
        t->mean[i] = mb[i] / nn;
    size_t at = 0;
    for (size_t i = 0; i < p; i++)
        for (size_t k = i; k < p; k++, at++) {
            double cov;
            if (s->xi != NULL) {
                /* Exact integer sums (below 2^53): n·Σcxx − Σcx·Σcx is exact in
                 * 64-bit integers while it stays below 2^62, else rounded. */
                double a = nn * prod[at], b = mb[i] * mb[k];
                if (fabs(a) < 0x1p62 && fabs(b) < 0x1p62)
                    cov = (double)((int64_t)nn * (int64_t)prod[at] - (int64_t)mb[i] * (int64_t)mb[k]) /
                          (nn * (nn - 1.0));
                else
                    cov = (prod[at] - nn * t->mean[i] * t->mean[k]) / (nn - 1.0);
            } else {
                cov = (prod[at] - nn * t->mean[i] * t->mean[k]) / (nn - 1.0);
            }
            t->r[i * p + k] = t->r[k * p + i] = cov;
        }
    for (size_t i = 0; i < p; i++) {
        double var = t->r[i * p + i];
        if (!(var > 0))
            return CXM_EDOMAIN; /* an item constant in this resample */
        t->sd[i] = sqrt(var);
    }
    for (size_t i = 0; i < p; i++)
        for (size_t k = 0; k < p; k++)
            t->r[i * p + k] = i == k ? 1.0 : t->r[i * p + k] / (t->sd[i] * t->sd[k]);
    if (s->xi == NULL)
        for (size_t i = 0; i < p; i++)
            t->mean[i] += s->centre[i];
    pls_moments moments = { t->mean, t->sd, s->low, s->range };
    size_t iterations;
    int status = cxm__pls_core(s->plan, t->r, &moments, &t->work, s->layout, estimate, &iterations, 1);
    if (status == CXM_OK)
        status = cxm__pls_extensions_compute(s->extensions, s->plan, t->r, &moments, s->layout,
                                             estimate);
    return status;
}

/* Integer cross-products of the pass's resamples: blocks of row pairs,
 * sized so that no 32-bit sum can overflow. */
static void cross_products_int(boot_thread *t, size_t count, size_t padded)
{
    const boot_shared *s = t->shared;
    size_t n = s->n, p = s->p, qp = s->qp;
    /* Counts never exceed INT16_MAX: with products up to 128 (answers up to
     * 11 in magnitude) any block of INT_ROWS rows is safe without looking. */
    uint16_t max_count = INT16_MAX;
    if (s->zmax > 128) {
        max_count = 1;
        for (size_t k = 0; k < count * n; k++)
            if (t->counts[k] > max_count)
                max_count = t->counts[k];
    }
    /* |Σ c·z| <= rows · max_count · zmax < 2^31. */
    double limit = 2147483647.0 / ((double)max_count * (s->zmax > 1 ? s->zmax : 1));
    size_t rows = t->rows_per_block;
    if ((double)rows > limit)
        rows = (size_t)limit;
    rows &= ~(size_t)1;
    if (rows < 2)
        rows = 2; /* max_count·zmax <= 32767·32761 < 2^30: two rows always fit */
    int16_t *z = (int16_t *)t->zblock;
    int32_t *cb = (int32_t *)t->cblock;
    for (size_t start = 0; start < n; start += rows) {
        size_t len = n - start < rows ? n - start : rows, pairs = (len + 1) / 2;
        for (size_t r = 0; r < 2 * pairs; r++) {
            int16_t *zr = z + (r / 2) * qp * 2 + (r & 1);
            if (r >= len) {
                for (size_t k = 0; k < qp; k++)
                    zr[2 * k] = 0;
                continue;
            }
            const int16_t *x = s->xi + (start + r) * p;
            size_t at = 0;
            for (size_t i = 0; i < p; i++, at++)
                zr[2 * at] = x[i];
            for (size_t i = 0; i < p; i++)
                for (size_t k = i; k < p; k++, at++)
                    zr[2 * at] = (int16_t)(x[i] * x[k]);
            for (; at < qp; at++)
                zr[2 * at] = 0;
        }
        for (size_t b = 0; b < padded; b++)
            for (size_t u = 0; u < pairs; u++) {
                uint32_t lo = 0, hi = 0;
                if (b < count) {
                    const uint16_t *cnt = t->counts + b * n + start;
                    lo = cnt[2 * u];
                    hi = 2 * u + 1 < len ? cnt[2 * u + 1] : 0;
                }
                cb[b * pairs + u] = (int32_t)(lo | hi << 16);
            }
#ifdef CXM_PLS_AVX2
        if (s->avx2)
            cross_int_avx2(t->m, cb, z, padded, pairs, qp);
        else
#endif
            cross_int_generic(t->m, cb, z, count, pairs, qp);
    }
}

/* Resamples [first, first + count) in one pass over the data. */
static void run_pass(boot_thread *t, size_t first, size_t count)
{
    const boot_shared *s = t->shared;
    size_t n = s->n, p = s->p, qp = s->qp, rows = t->rows_per_block;
    /* Counts of each respondent in each resample; a count that would not fit
     * 16 bits (15 on the integer path; impossible in practice: P < 1e-300)
     * fails its resample. */
    uint64_t threshold = (0 - (uint64_t)n) % (uint64_t)n;
    for (size_t b = 0; b < count; b++) {
        uint16_t *cnt = t->counts + b * n;
        memset(cnt, 0, n * sizeof *cnt);
        cxm_rng rng = s->streams[first + b];
        int overflow = 0;
        uint16_t ceiling = s->xi != NULL ? INT16_MAX : UINT16_MAX;
        for (size_t d = 0; d < n; d++) {
            uint16_t *cell = &cnt[draw_below(&rng, n, threshold)];
            overflow |= *cell == ceiling;
            *cell += *cell < ceiling;
        }
        s->ok[first + b] = !overflow;
    }
    size_t padded = (count + TILE_B - 1) / TILE_B * TILE_B;
    memset(t->m, 0, padded * qp * sizeof *t->m);
    if (s->xi != NULL) {
        cross_products_int(t, count, padded);
    } else {
        for (size_t start = 0; start < n; start += rows) {
            size_t len = n - start < rows ? n - start : rows;
            /* Z rows: items, then products i <= k, then zero padding. */
            for (size_t r = 0; r < len; r++) {
                const double *x = s->x + (start + r) * p;
                double *z = t->zblock + r * qp;
                size_t at = p;
                memcpy(z, x, p * sizeof *z);
                for (size_t i = 0; i < p; i++) {
                    double xi = x[i];
                    for (size_t k = i; k < p; k++)
                        z[at++] = xi * x[k];
                }
                for (; at < qp; at++)
                    z[at] = 0;
            }
            for (size_t b = 0; b < padded; b++) {
                double *cb = t->cblock + b * len;
                if (b < count) {
                    const uint16_t *cnt = t->counts + b * n + start;
                    for (size_t r = 0; r < len; r++)
                        cb[r] = (double)cnt[r];
                } else {
                    memset(cb, 0, len * sizeof *cb);
                }
            }
#ifdef CXM_PLS_AVX2
            if (s->avx2)
                cross_avx2(t->m, t->cblock, t->zblock, padded, len, qp);
            else
#endif
                cross_generic(t->m, t->cblock, t->zblock, count, len, qp);
        }
    }
    for (size_t b = 0; b < count; b++) {
        double *estimate = s->draws + (first + b) * s->stride;
        if (s->ok[first + b])
            s->ok[first + b] = finish_resample(t, t->m + b * qp, estimate) == CXM_OK;
    }
}

static void *boot_worker(void *arg)
{
    boot_thread *t = arg;
    for (size_t b = t->first; b < t->last; b += t->per_pass)
        run_pass(t, b, t->last - b < t->per_pass ? t->last - b : t->per_pass);
    return NULL;
}

static void thread_free(boot_thread *t)
{
    cxm__free(t->counts);
    cxm__free(t->cblock);
    cxm__free(t->zblock);
    cxm__free(t->m);
    cxm__free(t->r);
    cxm__pls_work_free(&t->work);
}

static int thread_alloc(boot_thread *t, const boot_shared *s, size_t first, size_t last)
{
    size_t n = s->n, p = s->p, qp = s->qp;
    memset(t, 0, sizeof *t);
    t->shared = s;
    t->first = first;
    t->last = last;
    size_t per_pass = COUNTS_BUDGET / (n * sizeof *t->counts) / TILE_B * TILE_B;
    if (per_pass < TILE_B)
        per_pass = TILE_B;
    if (per_pass > last - first)
        per_pass = (last - first + TILE_B - 1) / TILE_B * TILE_B;
    t->per_pass = per_pass;
    /* Row blocks of about 256 KiB of cross-products (stays in L2). */
    size_t rows = (256 * 1024) / (qp * (s->xi != NULL ? sizeof(int16_t) : sizeof(double)));
    rows = rows < 16 ? 16 : rows > (s->xi != NULL ? INT_ROWS : 256) ? (s->xi != NULL ? INT_ROWS : 256) : rows;
    rows &= ~(size_t)1;
    t->rows_per_block = rows < n ? rows : n + (n & 1);
    t->counts = cxm__calloc(per_pass * n, sizeof *t->counts);
    t->cblock = cxm__calloc(per_pass * t->rows_per_block, sizeof *t->cblock);
    t->zblock = cxm__calloc(t->rows_per_block * qp, sizeof *t->zblock);
    t->m = cxm__calloc(per_pass * qp, sizeof *t->m);
    t->r = cxm__calloc(p * p + 2 * p, sizeof *t->r);
    int status = t->counts && t->cblock && t->zblock && t->m && t->r ? CXM_OK : CXM_ENOMEM;
    if (status == CXM_OK)
        status = cxm__pls_work_alloc(&t->work, s->plan);
    if (status != CXM_OK) {
        thread_free(t);
        memset(t, 0, sizeof *t);
        return status;
    }
    t->mean = t->r + p * p;
    t->sd = t->mean + p;
    return CXM_OK;
}

static size_t online_processors(void)
{
#ifdef _SC_NPROCESSORS_ONLN
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (size_t)n : 1;
#else
    return 1;
#endif
}

int cxm__pls_bootstrap(const pls_plan *plan, const pls_layout *layout, const double *x,
                       const int16_t *xi, size_t n, const double *centre, const double *low,
                       const double *range, size_t n_boot, uint64_t seed, size_t threads,
                       double *draws, size_t *n_ok)
{
    return cxm__pls_bootstrap_ext(plan, layout, NULL, x, xi, n, centre, low, range, n_boot, seed,
                                  threads, draws, n_ok);
}

int cxm__pls_bootstrap_ext(const pls_plan *plan, const pls_layout *layout,
                           const pls_extensions *extensions, const double *x, const int16_t *xi,
                           size_t n, const double *centre, const double *low, const double *range,
                           size_t n_boot, uint64_t seed, size_t threads, double *draws,
                           size_t *n_ok)
{
    size_t p = plan->p;
    size_t q = p + p * (p + 1) / 2;
    size_t tile = xi != NULL ? TILE_QI : TILE_Q;
    double zmax = 0;
    for (size_t k = 0; xi != NULL && k < n * p; k++)
        zmax = fmax(zmax, (double)xi[k] * (double)xi[k]);
    size_t stride = layout->total + (extensions != NULL ? extensions->total : 0);
    boot_shared s = { plan, layout, extensions, stride, x, xi, zmax, n, p,
                      (q + tile - 1) / tile * tile, centre, low, range, NULL, draws, NULL,
                      have_avx2() };
    if (threads == 0)
        threads = online_processors();
    /* At least 16 resamples per thread: fewer do not pay for a thread. */
    if (threads > (n_boot + 15) / 16)
        threads = (n_boot + 15) / 16;
    if (threads > 64)
        threads = 64;
    if (threads == 0)
        threads = 1;
    cxm_rng *streams = cxm__malloc(n_boot * sizeof *streams);
    unsigned char *ok = cxm__calloc(n_boot, 1);
    boot_thread *t = cxm__calloc(threads, sizeof *t);
    int status = streams && ok && t ? CXM_OK : CXM_ENOMEM;
    size_t ready = 0;
    while (status == CXM_OK && ready < threads) {
        /* Contiguous shares of the resamples, as even as possible. */
        size_t first = n_boot * ready / threads, last = n_boot * (ready + 1) / threads;
        status = thread_alloc(&t[ready], &s, first, last);
        if (status == CXM_OK)
            ready++;
    }
    if (status == CXM_OK) {
        cxm_rng master;
        cxm__rng_seed(&master, seed);
        for (size_t b = 0; b < n_boot; b++)
            cxm__rng_split(&streams[b], &master);
        s.streams = streams;
        s.ok = ok;
        pthread_t ids[64];
        int started[64] = { 0 };
        for (size_t k = 1; k < threads; k++)
            started[k] = pthread_create(&ids[k], NULL, boot_worker, &t[k]) == 0;
        boot_worker(&t[0]);
        for (size_t k = 1; k < threads; k++) {
            if (started[k])
                pthread_join(ids[k], NULL);
            else
                boot_worker(&t[k]); /* no thread to be had: do its share here */
        }
        /* Keep the successful resamples, in resample order. */
        size_t kept = 0;
        for (size_t b = 0; b < n_boot; b++)
            if (ok[b]) {
                if (kept != b)
                    memmove(draws + kept * stride, draws + b * stride, stride * sizeof *draws);
                kept++;
            }
        *n_ok = kept;
    }
    for (size_t k = 0; k < ready; k++)
        thread_free(&t[k]);
    cxm__free(t);
    cxm__free(ok);
    cxm__free(streams);
    return status;
}

/* ------------------------------------------------------------------ extensions */

int cxm__pls_extensions_compute(const pls_extensions *extensions, const pls_plan *plan,
                                const double *r, const pls_moments *moments,
                                const pls_layout *layout, double *estimate)
{
    for (size_t k = 0; extensions != NULL && k < extensions->count; k++) {
        const pls_extension *e = &extensions->item[k];
        int status = e->compute(estimate + layout->total + extensions->offset[k], e->context, plan,
                                r, moments, layout, estimate);
        if (status != CXM_OK)
            return status;
    }
    return CXM_OK;
}

/* The extensions every estimate gets, in this order (register_extensions). */
enum { PLS_EXTENSION_INDIRECT = 0, PLS_EXTENSION_HTMT = 1 };

static int extension_add(pls_extensions *extensions, const pls_extension *e)
{
    if (extensions->count == PLS_EXTENSION_MAX)
        return cxm__fail(CXM_ENOMEM, "too many bootstrap extensions");
    extensions->offset[extensions->count] = extensions->total;
    extensions->item[extensions->count++] = *e;
    extensions->total += e->size;
    return CXM_OK;
}

/* ------------------------------------------------------------------ indirect effects */

/* More routes than this and a model gets no specific indirect effects:
 * their number grows exponentially with dense inner models. */
#define PLS_ROUTES_MAX 10000

static void routes_free(pls_routes *routes)
{
    cxm__free(routes->start);
    cxm__free(routes->node);
    memset(routes, 0, sizeof *routes);
}

/* Depth-first walks from every construct along its successors, in index
 * order, so that routes come in lexicographic order (a route before its
 * extensions). With `store` NULL, only count (up to the limit). */
static size_t routes_walk(const pls_plan *plan, size_t *stack, size_t *next, pls_routes *store)
{
    size_t c = plan->c, count = 0, used = 0;
    for (size_t s = 0; s < c; s++) {
        size_t depth = 1;
        stack[0] = s;
        next[0] = 0;
        while (depth > 0) {
            size_t top = stack[depth - 1], j = next[depth - 1];
            while (j < c && !plan->adj[top * c + j])
                j++;
            if (j == c) {
                depth--;
                continue;
            }
            next[depth - 1] = j + 1;
            stack[depth] = j;
            next[depth] = 0;
            depth++;
            if (depth < 3)
                continue;
            if (++count > PLS_ROUTES_MAX)
                return count;
            if (store != NULL) {
                store->start[count - 1] = used;
                memcpy(store->node + used, stack, depth * sizeof *stack);
                used += depth;
                store->start[count] = used;
            }
        }
    }
    return count;
}

static int routes_build(pls_routes *routes, const pls_plan *plan)
{
    size_t c = plan->c;
    memset(routes, 0, sizeof *routes);
    size_t *stack = cxm__calloc(2 * (c + 1), sizeof *stack);
    if (stack == NULL)
        return CXM_ENOMEM;
    size_t count = routes_walk(plan, stack, stack + c + 1, NULL);
    int status = CXM_OK;
    if (count > 0 && count <= PLS_ROUTES_MAX) {
        routes->start = cxm__calloc(count + 1, sizeof *routes->start);
        routes->node = cxm__calloc(count * c, sizeof *routes->node);
        if (routes->start == NULL || routes->node == NULL) {
            routes_free(routes);
            status = CXM_ENOMEM;
        } else {
            routes->count = routes_walk(plan, stack, stack + c + 1, routes);
        }
    }
    cxm__free(stack);
    return status;
}

/* Total indirect effects (total − direct, c × c), then one product of path
 * coefficients per route. */
static int indirect_compute(double *out, const void *context, const pls_plan *plan,
                            const double *r, const pls_moments *moments, const pls_layout *layout,
                            const double *estimate)
{
    const pls_routes *routes = context;
    size_t c = plan->c;
    const double *paths = estimate + layout->offset[CXM_PLS_PATHS];
    const double *total = estimate + layout->offset[CXM_PLS_TOTAL_EFFECTS];
    (void)r;
    (void)moments;
    for (size_t k = 0; k < c * c; k++)
        out[k] = total[k] - paths[k];
    for (size_t k = 0; k < routes->count; k++) {
        double product = 1.0;
        for (size_t u = routes->start[k]; u + 1 < routes->start[k + 1]; u++)
            product *= paths[routes->node[u] * c + routes->node[u + 1]];
        out[c * c + k] = product;
    }
    return CXM_OK;
}

/* ------------------------------------------------------------------ HTMT */

/* HTMT of one sample's item correlations (Henseler, Ringle & Sarstedt 2015
 * ask for its bootstrap interval). Where it is undefined in a sample (a block
 * whose items are uncorrelated there) it is NaN rather than a failure: the
 * sample's other statistics stand, and the bootstrap statistics skip NaN. */
static int htmt_compute(double *out, const void *context, const pls_plan *plan, const double *r,
                        const pls_moments *moments, const pls_layout *layout,
                        const double *estimate)
{
    (void)context;
    (void)moments;
    (void)layout;
    (void)estimate;
    if (cxm__pls_htmt(out, plan, r, 1) != CXM_OK)
        for (size_t k = 0; k < plan->c * plan->c; k++)
            out[k] = NAN;
    return CXM_OK;
}

int cxm__pls_quantity_span(const cxm_pls_result *res, int quantity, size_t *offset, size_t *size)
{
    size_t c = res->plan.c, extra = res->layout.total;
    if (quantity >= 0 && quantity < PLS_QUANTITY_COUNT) {
        *offset = res->layout.offset[quantity];
        *size = res->layout.size[quantity];
        return 1;
    }
    if (quantity == CXM_PLS_INDIRECT_EFFECTS || quantity == CXM_PLS_SPECIFIC_INDIRECT_EFFECTS) {
        int specific = quantity == CXM_PLS_SPECIFIC_INDIRECT_EFFECTS;
        *offset = extra + res->extensions.offset[PLS_EXTENSION_INDIRECT] + (specific ? c * c : 0);
        *size = specific ? res->routes.count : c * c;
        return 1;
    }
    if (quantity == CXM_PLS_HETEROTRAIT_MONOTRAIT) {
        *offset = extra + res->extensions.offset[PLS_EXTENSION_HTMT];
        *size = c * c;
        return 1;
    }
    return 0;
}

size_t cxm_pls_result_indirect_count(const cxm_pls_result *result)
{
    return result != NULL ? result->routes.count : 0;
}

size_t cxm_pls_result_indirect_length(const cxm_pls_result *result, size_t k)
{
    if (result == NULL || k >= result->routes.count)
        return 0;
    return result->routes.start[k + 1] - result->routes.start[k];
}

int cxm_pls_result_indirect_path(size_t *dst, size_t n, const cxm_pls_result *result, size_t k)
{
    int status = cxm__check_pointer(result, "result");
    if (status != CXM_OK)
        return status;
    if (k >= result->routes.count)
        return cxm__fail(CXM_EINVAL, "indirect path %zu does not exist (the model has %zu)", k,
                         result->routes.count);
    size_t length = cxm_pls_result_indirect_length(result, k);
    if (n != length)
        return cxm__fail(CXM_EINVAL, "indirect path %zu has %zu constructs, got room for %zu", k,
                         length, n);
    status = cxm__check_pointer(dst, "dst");
    if (status == CXM_OK)
        memcpy(dst, result->routes.node + result->routes.start[k], n * sizeof *dst);
    return status;
}

/* ------------------------------------------------------------------ the jackknife */

/* Sums over the delete-one estimates of each value, per block of
 * respondents: count, Σe, Σe², Σe³ with e = θ_(i) − θ̂ (about the
 * full-sample estimate, which is close to their mean: no cancellation).
 * Blocks of at least JACK_BLOCK respondents, at most JACK_BLOCKS of them:
 * their number depends on n only, never on the threads. */
enum { JACK_BLOCK = 1024, JACK_BLOCKS = 256, JACK_SUMS = 4 };

typedef struct jack_shared {
    const cxm_pls_result *res;
    pls_plan plan;          /* the result's, with a tighter tolerance */
    const double *x;        /* n × p, centred at res->mean */
    size_t n;
    const double *cross;    /* p × p: Σ x xᵀ */
    const double *sum;      /* p: Σ x (rounding only) */
    const double *full;     /* stride: the full-sample estimate and extensions */
    double *sums;           /* blocks × JACK_SUMS × stride */
    size_t *failed;         /* blocks */
} jack_shared;

/* Correlations and moments without respondent i, from the full sums. */
static int delete_one(const jack_shared *s, size_t i, double *r, double *mean, double *sd)
{
    const cxm_pls_result *res = s->res;
    size_t p = res->plan.p, n = s->n;
    const double *xi = s->x + i * p;
    double m = (double)(n - 1);
    for (size_t j = 0; j < p; j++)
        mean[j] = (s->sum[j] - xi[j]) / m; /* the centred mean without i */
    for (size_t j = 0; j < p; j++)
        for (size_t k = j; k < p; k++)
            r[j * p + k] = s->cross[j * p + k] - xi[j] * xi[k] - m * mean[j] * mean[k];
    for (size_t j = 0; j < p; j++) {
        if (!(r[j * p + j] > 0))
            return CXM_EDOMAIN;
        sd[j] = sqrt(r[j * p + j]);
    }
    for (size_t j = 0; j < p; j++) {
        r[j * p + j] = 1.0;
        for (size_t k = j + 1; k < p; k++)
            r[k * p + j] = r[j * p + k] = r[j * p + k] / (sd[j] * sd[k]);
    }
    double scale = 1.0 / sqrt(m - 1.0);
    for (size_t j = 0; j < p; j++) {
        sd[j] *= scale;
        mean[j] += res->mean[j];
    }
    return CXM_OK;
}

static int jack_block(void *context, size_t block, size_t begin, size_t end)
{
    const jack_shared *s = context;
    const cxm_pls_result *res = s->res;
    size_t p = res->plan.p, stride = res->stride;
    double *buffer = cxm__malloc((p * p + 2 * p + stride) * sizeof *buffer);
    pls_work work = { 0 };
    int status = buffer != NULL ? cxm__pls_work_alloc(&work, &s->plan) : CXM_ENOMEM;
    if (status != CXM_OK) {
        cxm__free(buffer);
        return status;
    }
    double *r = buffer, *mean = r + p * p, *sd = mean + p, *theta = sd + p;
    double *sums = s->sums + block * JACK_SUMS * stride;
    work.start = res->estimate + res->layout.offset[CXM_PLS_WEIGHTS];
    pls_moments moments = { mean, sd, res->low, res->range };
    for (size_t i = begin; i < end; i++) {
        size_t iterations;
        int ok = delete_one(s, i, r, mean, sd) == CXM_OK &&
                 cxm__pls_core(&s->plan, r, &moments, &work, &res->layout, theta, &iterations,
                               1) == CXM_OK &&
                 cxm__pls_extensions_compute(&res->extensions, &s->plan, r, &moments,
                                             &res->layout, theta) == CXM_OK;
        if (!ok) {
            s->failed[block]++;
            continue;
        }
        for (size_t k = 0; k < stride; k++) {
            double e = theta[k] - s->full[k];
            if (isnan(e))
                continue;
            sums[k] += 1;
            sums[stride + k] += e;
            sums[2 * stride + k] += e * e;
            sums[3 * stride + k] += e * e * e;
        }
    }
    cxm__pls_work_free(&work);
    cxm__free(buffer);
    return CXM_OK;
}

/* The acceleration of every value (Efron 1987, eq. 6.6, with the delete-one
 * jackknife): a = Σu³ / (6 (Σu²)^1.5), u_i = mean − θ_(i). 0 for a value
 * that does not move. */
static int jackknife(cxm_pls_result *res, const double *x, size_t n, const double *full,
                     size_t threads, double *acceleration)
{
    size_t block_rows = (n + JACK_BLOCKS - 1) / JACK_BLOCKS;
    block_rows = block_rows > JACK_BLOCK ? block_rows : JACK_BLOCK;
    size_t p = res->plan.p, stride = res->stride, blocks = cxm__block_count(n, block_rows);
    jack_shared s = { res, res->plan, x, n, NULL, NULL, full, NULL, NULL };
    /* Delete-one changes are O(1/n): the weights must converge well below that. */
    s.plan.tolerance = fmin(res->plan.tolerance, 1e-10);
    double *cross = cxm__calloc(p * p + p, sizeof *cross);
    s.sums = cxm__calloc(blocks * JACK_SUMS * stride, sizeof *s.sums);
    s.failed = cxm__calloc(blocks, sizeof *s.failed);
    int status = cross && s.sums && s.failed ? CXM_OK : CXM_ENOMEM;
    if (status == CXM_OK) {
        double *sum = cross + p * p;
        for (size_t i = 0; i < n; i++) {
            const double *xi = x + i * p;
            for (size_t j = 0; j < p; j++) {
                sum[j] += xi[j];
                for (size_t k = j; k < p; k++)
                    cross[j * p + k] += xi[j] * xi[k];
            }
        }
        s.cross = cross;
        s.sum = sum;
        unsigned t = cxm__thread_count((unsigned)threads, n, 2 * JACK_BLOCK);
        status = cxm__parallel_blocks(n, block_rows, t, jack_block, &s);
    }
    if (status == CXM_OK) {
        /* Combine the blocks in order: the same numbers for any number of threads. */
        for (size_t b = 1; b < blocks; b++) {
            for (size_t k = 0; k < JACK_SUMS * stride; k++)
                s.sums[k] += s.sums[b * JACK_SUMS * stride + k];
            s.failed[0] += s.failed[b];
        }
        res->jackknife_failed = s.failed[0];
        for (size_t k = 0; k < stride; k++) {
            double m = s.sums[k], e1 = s.sums[stride + k], e2 = s.sums[2 * stride + k],
                   e3 = s.sums[3 * stride + k];
            double mean = m > 0 ? e1 / m : 0.0;
            double u2 = e2 - m * mean * mean;
            double u3 = -(e3 - 3.0 * mean * e2 + 2.0 * m * mean * mean * mean);
            acceleration[k] = u2 > 0 ? u3 / (6.0 * pow(u2, 1.5)) : 0.0;
        }
    }
    cxm__free(cross);
    cxm__free(s.sums);
    cxm__free(s.failed);
    return status;
}

/* ------------------------------------------------------------------ bootstrap statistics */

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Quantile of sorted values with linear interpolation (R's type 7). */
static double quantile7(const double *sorted, size_t n, double probability)
{
    double h = (double)(n - 1) * probability;
    size_t lo = (size_t)floor(h);
    if (lo >= n - 1)
        return sorted[n - 1];
    return sorted[lo] + (h - (double)lo) * (sorted[lo + 1] - sorted[lo]);
}

/* BCa tail probability for the normal quantile z (Efron 1987, eq. 2.3). */
static double bca_probability(double z0, double a, double z)
{
    double shifted = z0 + z, denominator = 1.0 - a * shifted;
    if (!(denominator > 0))
        return shifted > 0 ? 1.0 : 0.0;
    return cxm__normal_cdf(z0 + shifted / denominator);
}

/* The statistics of value k from its resamples (sorted into column). */
static void value_statistics(cxm_pls_result *res, size_t k, double estimate, double *column,
                             const double *acceleration)
{
    size_t stride = res->stride, b = res->info.resamples, n = 0;
    double *boot = res->boot;
    double mean = 0, m2 = 0;
    for (size_t s = 0; s < b; s++) {
        double v = res->draws[s * stride + k];
        if (isnan(v))
            continue;
        column[n++] = v;
        double d = v - mean;
        mean += d / (double)n;
        m2 += d * (v - mean);
    }
    for (int st = 0; st < PLS_STATISTIC_COUNT; st++)
        boot[(size_t)st * stride + k] = NAN;
    if (n == 0)
        return;
    qsort(column, n, sizeof *column, compare_doubles);
    double alpha = 0.5 * (1.0 - res->info.level), se = n > 1 ? sqrt(m2 / (double)(n - 1)) : 0.0;
    boot[CXM_PLS_BOOT_MEAN * stride + k] = mean;
    boot[CXM_PLS_BOOT_STD_ERROR * stride + k] = se;
    boot[CXM_PLS_BOOT_LOWER * stride + k] = quantile7(column, n, alpha);
    boot[CXM_PLS_BOOT_UPPER * stride + k] = quantile7(column, n, 1.0 - alpha);
    if (isnan(estimate))
        return;
    if (se > 0 && isfinite(se)) {
        double t = estimate / se, df = (double)res->info.rows - 1.0;
        boot[CXM_PLS_BOOT_T_VALUE * stride + k] = t;
        boot[CXM_PLS_BOOT_P_VALUE * stride + k] = fmin(1.0, 2.0 * cxm__student_t_cdf(-fabs(t), df));
    }
    if (acceleration == NULL)
        return;
    size_t below = 0, tied = 0;
    for (size_t s = 0; s < n; s++) {
        below += column[s] < estimate;
        tied += column[s] == estimate;
    }
    /* Ties count half; kept inside (1/2B, 1 − 1/2B) so that z0 stays finite. */
    double share = ((double)below + 0.5 * (double)tied) / (double)n;
    share = fmin(fmax(share, 0.5 / (double)n), 1.0 - 0.5 / (double)n);
    double z0 = cxm__normal_quantile(share), a = acceleration[k];
    double z = cxm__normal_quantile(alpha);
    boot[CXM_PLS_BOOT_BIAS_CORRECTION * stride + k] = z0;
    boot[CXM_PLS_BOOT_ACCELERATION * stride + k] = a;
    boot[CXM_PLS_BOOT_BCA_LOWER * stride + k] = quantile7(column, n, bca_probability(z0, a, z));
    boot[CXM_PLS_BOOT_BCA_UPPER * stride + k] = quantile7(column, n, bca_probability(z0, a, -z));
}

static int bootstrap_statistics(cxm_pls_result *res, const double *full, const double *acceleration)
{
    size_t stride = res->stride, b = res->info.resamples;
    res->boot = cxm__malloc(PLS_STATISTIC_COUNT * stride * sizeof *res->boot);
    double *column = cxm__malloc((b ? b : 1) * sizeof *column);
    int status = res->boot && column ? CXM_OK : CXM_ENOMEM;
    for (size_t k = 0; status == CXM_OK && k < stride; k++)
        value_statistics(res, k, full[k], column, acceleration);
    cxm__free(column);
    return status;
}

/* ------------------------------------------------------------------ inference */

void cxm__pls_inference_free(cxm_pls_result *res)
{
    routes_free(&res->routes);
    cxm__free(res->extra);
    res->extra = NULL;
}

/* The statistics that follow every estimate, resample and jackknife
 * estimate, in the order of PLS_EXTENSION_*: the indirect effects, then
 * HTMT. Another statistic is one more extension_add() here and one more
 * case in cxm__pls_quantity_span. */
static int register_extensions(cxm_pls_result *res)
{
    int status = routes_build(&res->routes, &res->plan);
    size_t c = res->plan.c;
    pls_extension indirect = { c * c + res->routes.count, indirect_compute, &res->routes };
    pls_extension htmt = { c * c, htmt_compute, NULL };
    if (status == CXM_OK)
        status = extension_add(&res->extensions, &indirect);
    if (status == CXM_OK)
        status = extension_add(&res->extensions, &htmt);
    return status;
}

int cxm__pls_inference(cxm_pls_result *res, const double *r, const double *x, const int16_t *xi,
                       size_t n, const cxm_pls_options *options)
{
    int status = register_extensions(res);
    size_t total = res->layout.total;
    res->stride = total + res->extensions.total;
    double *full = cxm__malloc(2 * res->stride * sizeof *full);
    res->extra = cxm__calloc(res->extensions.total ? res->extensions.total : 1, sizeof *res->extra);
    if (status == CXM_OK && (full == NULL || res->extra == NULL))
        status = CXM_ENOMEM;
    if (status == CXM_OK) {
        pls_moments moments = { res->mean, res->sd, res->low, res->range };
        memcpy(full, res->estimate, total * sizeof *full);
        status = cxm__pls_extensions_compute(&res->extensions, &res->plan, r, &moments,
                                             &res->layout, full);
        memcpy(res->extra, full + total, res->extensions.total * sizeof *full);
    }
    if (status == CXM_OK && options->bootstrap > 0) {
        res->draws = cxm__malloc(options->bootstrap * res->stride * sizeof *res->draws);
        size_t ok = 0;
        status = res->draws != NULL ? CXM_OK : CXM_ENOMEM;
        if (status == CXM_OK)
            status = cxm__pls_bootstrap_ext(&res->plan, &res->layout, &res->extensions, x, xi, n,
                                            res->mean, res->low, res->range, options->bootstrap,
                                            options->seed, options->threads, res->draws, &ok);
        res->info.resamples = ok;
        res->info.resamples_failed = options->bootstrap - ok;
        double *acceleration = NULL;
        if (status == CXM_OK && options->bca && ok > 0) {
            acceleration = full + res->stride;
            status = jackknife(res, x, n, full, options->threads, acceleration);
            res->bca = status == CXM_OK;
        }
        if (status == CXM_OK)
            status = bootstrap_statistics(res, full, acceleration);
    }
    cxm__free(full);
    return status;
}
