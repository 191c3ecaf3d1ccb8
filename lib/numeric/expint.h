/* The scaled generalised exponential integral for every order s > 0
 * (internal). lib/numeric/incomplete.h has it for s > 1; Pareto/NBD's
 * discounted expected residual transactions need 0 < s <= 1 as well. */
#ifndef CXM_NUMERIC_EXPINT_H
#define CXM_NUMERIC_EXPINT_H

/* e^z·E_s(z) = ∫_0^∞ e^(−z·w) (1+w)^(−s) dw for s > 0 and z > 0, relative
 * accuracy about 1e-14 (tests/check_pnbd_internal.c against mpmath). For
 * s <= 1 it is e^z z^(s−1) Γ(1−s, z): Legendre's continued fraction for
 * z >= 1, and below 1 the series of Γ(a, z) written as
 * (Γ(1+a) − 1)/a − expm1(a ln z)/a − z^a Σ_{n>=1} (−z)^n/(n!(a+n)), which
 * stays exact through a = 1 − s = 0 (E_1). */
double cxm__expint_scaled_any(double s, double z);

#endif
