/* Deterministic random numbers: xoshiro256** seeded by splitmix64, and the
 * samplers the simulators need. The same seed gives the same numbers on every
 * platform with IEEE doubles (only +, *, /, sqrt, log, exp, cos are used). */
#ifndef CXM_NUMERIC_RNG_H
#define CXM_NUMERIC_RNG_H

#include <stdint.h>

typedef struct cxm_rng {
    uint64_t state[4];
} cxm_rng;

/* Seed the generator; any 64-bit seed (0 included) is fine. */
void cxm__rng_seed(cxm_rng *rng, uint64_t seed);
/* Derive an independent stream, e.g. one per thread or per customer block. */
void cxm__rng_split(cxm_rng *child, cxm_rng *parent);
uint64_t cxm__rng_next(cxm_rng *rng);
/* Uniform on the open interval (0, 1): never 0, never 1. */
double cxm__rng_uniform(cxm_rng *rng);
/* Uniform integer in [0, n), n > 0, without modulo bias. */
uint64_t cxm__rng_below(cxm_rng *rng, uint64_t n);
double cxm__rng_exponential(cxm_rng *rng, double rate);
double cxm__rng_normal(cxm_rng *rng);
/* Gamma with shape > 0 and rate > 0 (mean shape/rate): Marsaglia & Tsang 2000. */
double cxm__rng_gamma(cxm_rng *rng, double shape, double rate);
/* Beta(a, b), a, b > 0, from two gammas. */
double cxm__rng_beta(cxm_rng *rng, double a, double b);
/* Bernoulli(p). */
int cxm__rng_bernoulli(cxm_rng *rng, double p);
/* Geometric number of failures before the first success, success probability p in (0, 1]. */
uint64_t cxm__rng_geometric(cxm_rng *rng, double p);
/* Poisson(mean), mean >= 0 (inversion for small means, PTRS for large). */
uint64_t cxm__rng_poisson(cxm_rng *rng, double mean);

#endif
