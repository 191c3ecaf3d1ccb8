/* Incomplete beta and exponential integrals (internal). */
#ifndef CXM_NUMERIC_INCOMPLETE_H
#define CXM_NUMERIC_INCOMPLETE_H

/* Regularised incomplete beta I_x(a, b) for a, b > 0 and 0 <= x <= 1, by
 * Lentz's continued fraction on the side where it converges fast; relative
 * accuracy about 1e-14. */
double cxm__beta_inc(double a, double b, double x);
/* The same with 1 − x given exactly as y (x + y = 1), for x that rounds to
 * 1 (e.g. x = t/(α+t), y = α/(α+t) with t ≫ α). */
double cxm__beta_inc2(double a, double b, double x, double y);

/* Regularised incomplete gamma functions P(s, z) and Q(s, z) = 1 − P, each
 * computed directly where it is the smaller (series or continued fraction),
 * for s > 0 and z >= 0. */
void cxm__gamma_pq(double s, double z, double *p, double *q);

/* e^x·E_m(x) = ∫_0^∞ e^(−x·w)·(1+w)^(−m) dw for m > 1 and x > 0 (the scaled
 * generalised exponential integral): its continued fraction where it
 * converges fast (x >= 1 or m >= 10), otherwise the power series, whose
 * pole pair at whole m is combined analytically. Lies in (1/(x+m), 1/(x+m−1)]. */
double cxm__expint_scaled(double m, double x);

#endif
