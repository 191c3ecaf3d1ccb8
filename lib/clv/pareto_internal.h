/* What Pareto/NBD (pareto_nbd.c) lends the Pareto/NBD with correlated
 * purchase and dropout rates (pareto_cor.c). Internal. */
#ifndef CXM_CLV_PARETO_INTERNAL_H
#define CXM_CLV_PARETO_INTERNAL_H

#include <stddef.h>

#include "numeric/rng.h"

/* Doubles of one x-group's table, and the table of ngroups groups. */
size_t cxm__pnbd_table_width(void);
void cxm__pnbd_fill_table(const double *params, const double *xs, size_t ngroups, double *table);
/* ln L of one customer and, for order 1 (2), its gradient (and Hessian) in
 * (r, alpha, s, beta), added to acc[0], acc[1..4] (acc[5..20]); tab: the
 * table of the customer's x. */
int cxm__pnbd_row(const double *params, double x, double t_x, double T, const double *tab,
                  int order, double *acc);
/* One customer observed for T, given the purchase rate λ and the dropout
 * rate μ (as the kind's simulate hook). */
int cxm__pnbd_simulate_given(double lambda, double mu, cxm_rng *rng, double T, double *x,
                             double *t_x, double *times, size_t capacity, double *latent);

/* The correlation of λ and μ of the Pareto/NBD with correlation at params. */
int cxm__pnbd_cor_correlation(const double *params, double *out);

#endif
