/* Expectations over a Beta distribution by quadrature (internal). */
#ifndef CXM_NUMERIC_QUADRATURE_H
#define CXM_NUMERIC_QUADRATURE_H

/* ln g(p) for 0 < p < 1; log_p = ln p and log_q = ln(1 − p) are given too. */
typedef double (*cxm__log_fn)(void *context, double p, double log_p, double log_q);

/* E[g(p)] for p ~ Beta(a, b), a, b > 0, where g is positive and
 * non-increasing on (0, 1] with g(0+) = g0 and g(1) = g1 (both finite and
 * positive), and |d ln g/dp| is at most about scale0 near 0 and scale1 near 1.
 *
 * The trapezoidal rule in s = logit(p): the integrand is analytic in a strip
 * around the real axis, so the rule converges geometrically in 1/h; the step
 * shrinks with the spread of logit(p) for concentrated Betas. Each side stops
 * when a bound on the rest (from log-concavity of p^a(1−p)^b in s and the
 * monotonicity of g) is below 1e-17 of the sum, or, in the far tails where
 * p^a·g ~ g0·e^(a·s) (or (1−p)^b·g ~ g1·e^(−b·s)) to double precision, adds
 * the rest as a geometric series. Relative accuracy ~1e-14 over a, b in
 * [1e-4, 1e8]; a few hundred evaluations of g. */
double cxm__beta_expectation(double a, double b, cxm__log_fn log_g, void *context, double g0,
                             double scale0, double g1, double scale1);

#endif
