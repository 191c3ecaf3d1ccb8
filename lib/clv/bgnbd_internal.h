/* BG/NBD family internals shared with the tests (not installed). */
#ifndef CXM_CLV_BGNBD_INTERNAL_H
#define CXM_CLV_BGNBD_INTERNAL_H

/* Q(A, B, a; u) = E[(1 − (1 + p·u)^(−A))/p] for p ~ Beta(a, B): expected
 * purchases in the next t = u·(α+T) time units of a customer who is alive,
 * with posterior shape A = r+x and B = b+x (+1 for MBG). */
double cxm__bg_q(double A, double B, double a, double u);
/* Its two methods: a series of positive terms (−1 when it would be too
 * long) and quadrature over p in logit space. */
double cxm__bg_q_series(double A, double B, double a, double u);
double cxm__bg_q_quadrature(double A, double B, double a, double u);
/* Q at u = t/d, also where t/d overflows (+inf only when Q itself does). */
double cxm__bg_q_ratio(double A, double B, double a, double t, double d);
/* E[G/(p·G + κ)] for G ~ Gamma(A, 1), p ~ Beta(a, B): discounted expected
 * residual purchases of a customer who is alive, κ = δ(α+T). */
double cxm__bg_dert_alive(double A, double B, double a, double kappa);
/* E[X(t)] and E[Y(t) | x, t_x, T] at params (r, α, a, b); shift 0 = BG, 1 = MBG. */
double cxm__bg_expected_purchases(const double *params, double shift, double t);
double cxm__bg_conditional(const double *params, double shift, double t, double x, double t_x,
                           double T);

#endif
