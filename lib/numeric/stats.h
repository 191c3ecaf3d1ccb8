/* Distribution functions and small tests shared by the journey and chain
 * modules (intervals, Welch's test). Internal. */
#ifndef CXM_NUMERIC_STATS_H
#define CXM_NUMERIC_STATS_H

/* Standard normal CDF Φ(x) and quantile Φ⁻¹(p), p in (0, 1); full double precision. */
double cxm__normal_cdf(double x);
double cxm__normal_quantile(double p);
/* Student t CDF and quantile with df > 0 degrees of freedom (df may be fractional). */
double cxm__student_t_cdf(double t, double df);
double cxm__student_t_quantile(double p, double df);

/* Wilson score interval for a proportion successes/n at two-sided confidence level. */
void cxm__wilson_interval(double successes, double n, double level, double *lower, double *upper);

typedef struct cxm_welch {
    double difference;  /* mean1 − mean2 */
    double std_error;
    double df;          /* Welch–Satterthwaite degrees of freedom */
    double t;
    double p_value;     /* two-sided */
    double lower, upper;/* confidence interval of the difference */
} cxm_welch;

/* Welch's unequal-variance t-test from summary statistics (sample variances
 * with n−1 denominators). Needs n1, n2 >= 2 and a positive standard error;
 * returns CXM_EDOMAIN with a message otherwise. */
int cxm__welch_test(cxm_welch *out, double mean1, double var1, double n1, double mean2,
                    double var2, double n2, double level);

#endif
