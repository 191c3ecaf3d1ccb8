/* Quadrature (internal): expectations over a Beta distribution, and
 * integrals over (0, ∞) with the moments of their integrand. */
#ifndef CXM_NUMERIC_QUADRATURE_H
#define CXM_NUMERIC_QUADRATURE_H

/* g(p) for 0 < p < 1; log_p = ln p and log_q = ln(1 − p) are given too. */
typedef double (*cxm__beta_fn)(void *context, double p, double log_p, double log_q);

/* E[g(p)] for p ~ Beta(a, b), a, b > 0, where g is positive and
 * non-increasing on (0, 1] with g(0+) = g0 and g(1) = g1 (both finite and
 * positive), and |d ln g/dp| is at most about scale0 near 0 and scale1 near 1.
 *
 * The trapezoidal rule in s = logit(p): the integrand is analytic in a strip
 * around the real axis, so the rule converges geometrically in 1/h; the step
 * shrinks with the spread of logit(p) for concentrated Betas. Each side stops
 * when bounds on the rest (from log-concavity of p^a(1−p)^b in s and the
 * monotonicity of g) are below 1e-17 of the sums, or, in the far tails where
 * p^a·g ~ g0·e^(a·s) (or (1−p)^b·g ~ g1·e^(−b·s)) to double precision, adds
 * the rest as geometric series. The same rule applied to g = 1 gives the
 * normalising constant, so the error of ln B(a, b) (~1e-11 for arguments
 * near 1e4) cancels. Relative accuracy ~1e-14; a few hundred evaluations. */
double cxm__beta_expectation(double a, double b, cxm__beta_fn g, void *context, double g0,
                             double scale0, double g1, double scale1);

/* The same with ln scale0 and ln scale1, for scales beyond a double (g then
 * receives p = 0 where p underflows: it should work from log_p). */
double cxm__beta_expectation_log(double a, double b, cxm__beta_fn g, void *context, double g0,
                                 double log_scale0, double g1, double log_scale1);

/* ln E[(1−θ)^j/(d+θ)] for θ ~ Beta(a, b), d = e^log_d > 0 and j = survive
 * (0 or 1): the discounted sums of the shifted-beta-geometric kind,
 * Σ_{k>=0} (1−θ)^(k+j)/(1+d)^k = (1+d)(1−θ)^j/(d+θ), averaged over θ.
 * Unlike their 2F1 form it needs no parameter a + b + n in which a large n
 * rounds away the digits of a, and it stays finite where d or b is extreme. */
double cxm__beta_discount_log(double a, double b, double log_d, int survive);

/* ------------------------------------------------------------------ (0, ∞) */

enum { CXM__MOMENTS_MAX = 4 };

/* One point of a positive integrand f on (0, ∞): ln f(z), the slope
 * d ln(z·f(z))/d ln z, and the features whose f-weighted moments are wanted. */
typedef struct cxm__halfline_point {
    double log_f;
    double slope;
    double feature[CXM__MOMENTS_MAX];
} cxm__halfline_point;

/* Fills *out at z; log_z = ln z is exact, while z = e^log_z may have
 * overflowed to +inf. */
typedef void (*cxm__halfline_fn)(void *context, double z, double log_z, cxm__halfline_point *out);

/* ln I, the integral, and under the density of the integrand the means and
 * the covariance matrix (nfeatures × nfeatures, row-major) of the features. */
typedef struct cxm__moments {
    double log_integral;
    double mean[CXM__MOMENTS_MAX];
    double cov[CXM__MOMENTS_MAX * CXM__MOMENTS_MAX];
    unsigned nodes;
} cxm__moments;

/* Integrates f over (0, ∞) where f is positive, finite and non-increasing,
 * analytic in a neighbourhood of the positive axis, and z·f(z) is
 * log-concave in ln z (so the slope decreases; it must turn negative: the
 * integral converges). scale is the length over which f first falls by
 * about e (1/|d ln f/dz| at 0).
 *
 * Method: the trapezoidal rule with step 0.18 after z = scale·e^(t − e^(−t))
 * (Takahasi & Mori's double-exponential map for exponentially decaying
 * integrands): the left tail falls double-exponentially; on the right,
 * log-concavity bounds what is left after a node by a geometric series,
 * and the sum stops when that bound is below 1e-17 of it. The moments are
 * accumulated in one pass about the first node's features (an assumed mean),
 * so a covariance loses accuracy only when the features' spread is tiny
 * against their distance from that node (never for a non-increasing f).
 * Relative accuracy of I ~1e-15 (checked against closed forms in
 * tests/check_numeric.c and, through Pareto/NBD's likelihood, against
 * mpmath in tests/check_pnbd.c); the cost is a few dozen
 * nodes when f falls fast and grows like 1/(rate·0.18) for a slow algebraic
 * tail of rate `rate`. Returns CXM_OK, or CXM_EDOMAIN (no message) when
 * max_nodes would be exceeded or the sum is not finite. */
int cxm__halfline_moments(cxm__halfline_fn fn, void *context, double scale, size_t nfeatures,
                          unsigned max_nodes, cxm__moments *out);

/* ------------------------------------------------------------------ the real line */

/* One point of e^g(u): g, its slope g'(u), the features and their slopes. */
typedef struct cxm__line_point {
    double g;
    double slope;
    double feature[CXM__MOMENTS_MAX];
    double feature_slope[CXM__MOMENTS_MAX];
} cxm__line_point;

typedef void (*cxm__line_fn)(void *context, double u, cxm__line_point *out);

/* Integrates e^g(u) over the real line, with the moments of the features,
 * where g and the features are linear in u to double precision below u_lo
 * (slope > 0) and above u_hi (slope < 0) and analytic in a strip around the
 * real axis of half-width well above h (π for Pareto/NBD's integrand).
 *
 * Method: the trapezoidal rule with step h on the nodes from u_lo to u_hi;
 * its infinite sums over the two linear tails are geometric (with
 * arithmetic factors for the features) and are added in closed form, so a
 * tail as slow as e^(−1e-10·u) costs nothing. The error is that of the
 * trapezoidal rule on the whole line, ~e^(−2π·width/h) relative. Costs
 * (u_hi − u_lo)/h nodes; CXM_EDOMAIN (no message) when that exceeds
 * max_nodes, a tail does not fall, or the sum is not finite. */
int cxm__line_moments(cxm__line_fn fn, void *context, double u_lo, double u_hi, double h,
                      size_t nfeatures, unsigned max_nodes, cxm__moments *out);

/* ------------------------------------------------------------------ an interval, adaptively */

enum {
    CXM__RULE_KEEP = 5,           /* values a caller keeps per node */
    CXM__RULE_PANELS = 96,        /* panels of 21 nodes at most */
    CXM__RULE_NODES = 21 * CXM__RULE_PANELS
};

/* ln f(u) of a positive integrand at u; may store up to CXM__RULE_KEEP values
 * of its own in keep (what it computed on the way, for the moments later).
 * −inf is a zero of f; NaN or +inf is a failure. */
typedef double (*cxm__log_fn)(void *context, double u, double *keep);

/* The accepted nodes: node k has ln(weight·f) log_weight[k] and the values
 * the integrand kept, keep[k·CXM__RULE_KEEP ...]; e^(log_weight − log_integral)
 * are the probabilities of a distribution with density ∝ f, so that moments
 * are weighted sums over the nodes. */
typedef struct cxm__log_rule {
    size_t count;
    double log_integral;
    double log_weight[CXM__RULE_NODES];
    double keep[CXM__RULE_NODES * CXM__RULE_KEEP];
} cxm__log_rule;

/* ∫_a^b f(u) du of a positive, smooth f given by its logarithm, to ~1e-14
 * relative (panels' error estimates, pessimistic for smooth integrands, sum
 * to at most 1e-12 of the integral).
 *
 * Method: the 21-point Gauss–Kronrod rule (scripts/gen-kronrod.py) on
 * panels, globally adaptive (the panel of largest estimated error is
 * halved; QUADPACK's error estimate), with sums in log space so that f may
 * span any range of magnitudes. scale (> 0) is the length over which f
 * first falls by about e from a: the first panels are [a, a+8·scale],
 * [a+8·scale, a+24·scale], ... doubling (growing 8-fold once a panel adds
 * less than 1% of the first), so that an integrand concentrated near a, or
 * with a slow tail, costs a few panels. When ln f falls at least at tail_rate (> 0) beyond
 * tail_from, the rule stops at the first panel edge q >= tail_from where the
 * rest, at most f(q)/tail_rate, is below 1e-16 of the sum (b may then be
 * +inf); tail_rate 0: no such bound (b finite). Costs 21 evaluations a
 * panel; CXM_EDOMAIN (no message) when CXM__RULE_PANELS panels do not
 * suffice or f fails. */
int cxm__log_quadrature(cxm__log_fn fn, void *context, double a, double b, double scale,
                        double tail_from, double tail_rate, cxm__log_rule *out);

#endif
