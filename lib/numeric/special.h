/* Special functions in log space. lgamma() writes the global signgam, a data
 * race when predictions run from several threads: always use cxm__lgamma. */
#ifndef CXM_NUMERIC_SPECIAL_H
#define CXM_NUMERIC_SPECIAL_H

/* ln|Γ(x)|, thread-safe. */
double cxm__lgamma(double x);
/* ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a+b), a, b > 0, accurate when one argument is huge. */
double cxm__lbeta(double a, double b);
/* ln Γ(b + a) − ln Γ(b) for b > 0, a >= 0, without the cancellation of two
 * large ln Γ (ratios of Beta functions with arguments near 1e10). */
double cxm__lgamma_diff(double b, double a);
/* ψ(x) and ψ'(x) for x > 0 (absolute error below 1e-13 for x >= 1e-6). */
double cxm__digamma(double x);
double cxm__trigamma(double x);
/* ln(e^a + e^b) without overflow; -inf arguments allowed. */
double cxm__logaddexp(double a, double b);
/* ln(e^a − e^b) for a >= b; -inf when a == b. */
double cxm__logsubexp(double a, double b);
/* ln(1 − e^(−x)) for x > 0 (Mächler 2012). */
double cxm__log1mexp(double x);
/* ln Σ e^(v_i) over n values. */
double cxm__logsumexp(const double *values, unsigned long n);

#endif
