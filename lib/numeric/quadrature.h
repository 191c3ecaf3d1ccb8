/* Expectations over a Beta distribution by quadrature (internal). */
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

#endif
