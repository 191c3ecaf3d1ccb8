/* The Gauss hypergeometric function 2F1(a, b; c; z) for real arguments, in
 * log space, for the lifetime-value models (Pareto/NBD, BG/NBD, BG/BB, sBG).
 *
 * Stable internal interface: models include this header and call these
 * functions; nothing here is exported from libcxm.so.
 *
 * Domain: real a, b, c, real z <= 1. F is undefined when c is a non-positive
 * integer (unless a or b is a non-positive integer that ends the series
 * first), infinite at z = 1 when c − a − b <= 0, and complex for z > 1: the
 * functions then return CXM_EDOMAIN. Otherwise they return CXM_OK and a
 * finite ln|F| (or −inf when F is exactly 0), never NaN.
 *
 * Method: z < 0 is mapped into (0, 1) by Pfaff's transformation; on [0, 1)
 * the Gauss series is summed for F or for its Euler transform (whichever
 * needs fewer terms), with rescaling so that huge parameters (a, b, c of
 * 1e4 and more) neither overflow nor underflow; near z = 1 the 1 − z
 * connection formula is used in a form that stays exact when c − a − b is an
 * integer or close to one (the two Γ poles are cancelled analytically through
 * divided differences of ln Γ, never by subtracting two huge numbers). Each
 * evaluation estimates its own rounding error; when the connection formula is
 * ill-conditioned (large parameters with 1 − z not small) the series is used.
 *
 * Accuracy (tests/check_hyp2f1.c, against tests/data/hyp2f1_reference.csv:
 * 595 values of ln|F| computed twice independently with python3-mpmath at 60
 * digits by tests/hyp2f1_reference.py; parameters up to 2e4, z from −1e8 to
 * within 1e-12 of 1, integer and near-integer c − a − b): with a, b, c > 0
 * (every use in the models),
 *     |error of ln|F|| <= 5e-14 + 4e-16·|ln F| + 2e-16·max(|a|, |b|, |c|),
 * i.e. a few units in the last place of ln|F| itself (worst case in the table:
 * 0.79 of that bound; 5.8e-11 absolute at ln F = 7e4). With parameters of
 * mixed sign every representation can cancel; the error then stays within
 * the estimate returned in rel_err (7 rows of the table need it, the largest
 * 2.4e-11 with an estimate of 9e-9). The table also records where mpmath's
 * own hyp2f1 is wrong (2F1(13151.8, 3141.1; 13152.8; 0.846) < 0).
 */
#ifndef CXM_NUMERIC_HYP2F1_H
#define CXM_NUMERIC_HYP2F1_H

/* ln|2F1(a, b; c; z)| in *log_abs and its sign (−1, 0, +1) in *sign.
 * CXM_OK or CXM_EDOMAIN (see above); no error message is recorded. */
int cxm__hyp2f1_log(double a, double b, double c, double z, double *log_abs, int *sign);

/* The same with 1 − z given separately (zc), for callers who know it more
 * accurately than 1 − z rounds to (e.g. z = t/(α+t), 1 − z = α/(α+t)): near
 * z = 1 the result depends on ln(1 − z). zc must be consistent with z.
 * rel_err (may be NULL) receives the estimated relative error of F. */
int cxm__hyp2f1_log2(double a, double b, double c, double z, double zc, double *log_abs,
                     int *sign, double *rel_err);

/* 2F1(a, b; c; z) itself: ±HUGE_VAL when it overflows a double, NaN only
 * outside the domain. */
double cxm__hyp2f1(double a, double b, double c, double z);

/* [ln|Γ(x+h)| − ln|Γ(x)|] / h, which is ψ(x) at h = 0, accurate relative to
 * the result for any h (no cancellation of two large ln Γ values); *sign
 * (may be NULL) gets the sign of Γ(x+h)/Γ(x). x and x+h are not poles.
 * Sums like Σ_j Γ(d+j)/Γ(g+d+j) whose closed form divides by g − 1 use it. */
double cxm__lgamma_divdiff(double x, double h, int *sign);

#endif
