/* xoshiro256** (Blackman & Vigna 2018) and samplers. */
#include "config.h"

#include <math.h>

#include "core/hash.h"
#include "numeric/rng.h"

static uint64_t splitmix64(uint64_t *x)
{
    return cxm__mix64(*x += CXM__GOLDEN);
}

void cxm__rng_seed(cxm_rng *rng, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        rng->state[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t cxm__rng_next(cxm_rng *rng)
{
    uint64_t *s = rng->state;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

void cxm__rng_split(cxm_rng *child, cxm_rng *parent)
{
    uint64_t seed = cxm__rng_next(parent);
    cxm__rng_seed(child, seed);
}

double cxm__rng_uniform(cxm_rng *rng)
{
    return ((double)(cxm__rng_next(rng) >> 11) + 0.5) * 0x1.0p-53;
}

uint64_t cxm__rng_below(cxm_rng *rng, uint64_t n)
{
    /* Rejection on the top of the range keeps every value equally likely. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do
        x = cxm__rng_next(rng);
    while (x >= limit);
    return x % n;
}

double cxm__rng_exponential(cxm_rng *rng, double rate)
{
    return -log(cxm__rng_uniform(rng)) / rate;
}

double cxm__rng_normal(cxm_rng *rng)
{
    /* Box-Muller, one of the pair: simple and exactly reproducible. */
    double u1 = cxm__rng_uniform(rng), u2 = cxm__rng_uniform(rng);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586476925 * u2);
}

double cxm__rng_gamma(cxm_rng *rng, double shape, double rate)
{
    if (shape < 1.0) {
        /* Gamma(a) = Gamma(a+1) * U^(1/a), in logs so that tiny shapes do not underflow to 0 too early. */
        double g = cxm__rng_gamma(rng, shape + 1.0, 1.0);
        double log_u = log(cxm__rng_uniform(rng));
        return exp(log(g) + log_u / shape) / rate;
    }
    double d = shape - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double x, v;
        do {
            x = cxm__rng_normal(rng);
            v = 1.0 + c * x;
        } while (v <= 0.0);
        v = v * v * v;
        double u = cxm__rng_uniform(rng);
        if (u < 1.0 - 0.0331 * x * x * x * x)
            return d * v / rate;
        if (log(u) < 0.5 * x * x + d * (1.0 - v + log(v)))
            return d * v / rate;
    }
}

double cxm__rng_beta(cxm_rng *rng, double a, double b)
{
    double x = cxm__rng_gamma(rng, a, 1.0), y = cxm__rng_gamma(rng, b, 1.0);
    double sum = x + y;
    if (sum > 0.0)
        return x / sum;
    /* Both underflowed (tiny shapes): the mass sits at 0 or 1 in proportion a : b. */
    return cxm__rng_uniform(rng) < a / (a + b) ? 1.0 : 0.0;
}

int cxm__rng_bernoulli(cxm_rng *rng, double p)
{
    return cxm__rng_uniform(rng) < p;
}

uint64_t cxm__rng_geometric(cxm_rng *rng, double p)
{
    if (p >= 1.0)
        return 0;
    double k = floor(log(cxm__rng_uniform(rng)) / log1p(-p));
    return k >= 1.8e19 ? UINT64_MAX : (uint64_t)k;
}

uint64_t cxm__rng_poisson(cxm_rng *rng, double mean)
{
    if (!(mean > 0.0))
        return 0;
    if (mean < 12.0) {
        /* Inversion by sequential search. */
        double u = cxm__rng_uniform(rng), p = exp(-mean), cumulative = p;
        uint64_t k = 0;
        while (u > cumulative && k < 1000) {
            k++;
            p *= mean / (double)k;
            cumulative += p;
        }
        return k;
    }
    /* PTRS: Hörmann 1993, transformed rejection with squeeze. */
    double slam = sqrt(mean), loglam = log(mean);
    double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
    double invalpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
        double u = cxm__rng_uniform(rng) - 0.5, v = cxm__rng_uniform(rng);
        double us = 0.5 - fabs(u);
        double k = floor((2 * a / us + b) * u + mean + 0.43);
        if (us >= 0.07 && v <= vr)
            return (uint64_t)k;
        if (k < 0 || (us < 0.013 && v > us))
            continue;
        if (log(v) + log(invalpha) - log(a / (us * us) + b) <= -mean + k * loglam - lgamma(k + 1))
            return (uint64_t)k;
    }
}
