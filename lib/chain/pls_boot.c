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
#include <string.h>
#include <unistd.h>

#include "chain/pls.h"
#include "core/internal.h"
#include "numeric/rng.h"

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
    return cxm__pls_core(s->plan, t->r, &moments, &t->work, s->layout, estimate, &iterations, 1);
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
        double *estimate = s->draws + (first + b) * s->layout->total;
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
    size_t p = plan->p;
    size_t q = p + p * (p + 1) / 2;
    size_t tile = xi != NULL ? TILE_QI : TILE_Q;
    double zmax = 0;
    for (size_t k = 0; xi != NULL && k < n * p; k++)
        zmax = fmax(zmax, (double)xi[k] * (double)xi[k]);
    boot_shared s = { plan, layout, x, xi, zmax, n, p, (q + tile - 1) / tile * tile, centre, low,
                      range, NULL, draws, NULL, have_avx2() };
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
        size_t kept = 0, total = layout->total;
        for (size_t b = 0; b < n_boot; b++)
            if (ok[b]) {
                if (kept != b)
                    memmove(draws + kept * total, draws + b * total, total * sizeof *draws);
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
