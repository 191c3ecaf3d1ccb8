/* Purchase regularity from inter-purchase times (Wheat & Morrison 1990,
 * "Estimating purchase regularity with two interpurchase times", Journal of
 * Marketing Research 27(1)): for a customer whose inter-purchase times are
 * i.i.d. Gamma(k, λ), M = t1/(t1 + t2) of two consecutive ones is
 * Beta(k, k) whatever λ is, with mean 1/2 and variance 1/(4(2k+1)); so
 * k = (1 − 4V)/(8V) from the variance V of M across customers. As BTYDplus's
 * estimateRegularity(method = "wheat"), each customer gives the last two
 * inter-purchase times of its distinct purchase times. Unlike it, V is
 * Σ(M − 1/2)²/m about the known mean 1/2: it equals the mean over the two
 * choices of which time is t1, so no random choice is needed and the
 * estimate is reproducible. */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/internal.h"
#include "cxm/model.h"

typedef struct purchase {
    int64_t customer;
    double t;
} purchase;

static int compare_purchases(const void *pa, const void *pb)
{
    const purchase *a = pa, *b = pb;
    if (a->customer != b->customer)
        return a->customer < b->customer ? -1 : 1;
    return (a->t > b->t) - (a->t < b->t);
}

/* Σ (M − 1/2)² and the number of customers with two inter-purchase times,
 * over purchases sorted by customer then time. */
static void wheat_sums(const purchase *p, size_t n, double *sum, size_t *used)
{
    *sum = 0.0;
    *used = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        /* The customer's last three distinct times, newest first. */
        double last[3] = { 0.0, 0.0, 0.0 };
        int distinct = 0;
        for (; j < n && p[j].customer == p[i].customer; j++)
            if (distinct == 0 || p[j].t != last[0]) {
                last[2] = last[1];
                last[1] = last[0];
                last[0] = p[j].t;
                distinct++;
            }
        if (distinct >= 3) {
            double t1 = last[1] - last[2], t2 = last[0] - last[1];
            double m = t1 / (t1 + t2) - 0.5;
            *sum += m * m;
            (*used)++;
        }
        i = j;
    }
}

int cxm_estimate_regularity(double *out, size_t *used, size_t n, const int64_t *customer,
                            const double *t)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK && n > 0)
        status = cxm__check_pointer(customer, "customer");
    if (status == CXM_OK && n > 0)
        status = cxm__check_pointer(t, "t");
    if (status != CXM_OK)
        return status;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(t[i]))
            return cxm__fail(CXM_EINVAL, "purchase %zu (customer %lld): time %g is not finite", i,
                             (long long)customer[i], t[i]);
    purchase *p = cxm__malloc((n ? n : 1) * sizeof *p);
    if (p == NULL)
        return CXM_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        p[i].customer = customer[i];
        p[i].t = t[i];
    }
    qsort(p, n, sizeof *p, compare_purchases);
    double sum;
    size_t m;
    wheat_sums(p, n, &sum, &m);
    cxm__free(p);
    if (used)
        *used = m;
    if (m < 2)
        return cxm__fail(CXM_EDOMAIN,
                         "%zu customers have three or more distinct purchase times; the "
                         "regularity estimate needs at least 2",
                         m);
    double v = sum / (double)m;
    if (!(v > 0.0))
        return cxm__fail(CXM_EDOMAIN, "every customer's last two inter-purchase times are equal: "
                         "the regularity is unbounded");
    *out = (1.0 - 4.0 * v) / (8.0 * v);
    return CXM_OK;
}
