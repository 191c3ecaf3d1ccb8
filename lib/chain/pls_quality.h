/* Consistent PLS (plsc.c) and the quality criteria of an estimate
 * (pls_quality.c): internals shared with pls.c and the bootstrap. */
#ifndef CXM_CHAIN_PLS_QUALITY_H
#define CXM_CHAIN_PLS_QUALITY_H

#include "chain/pls.h"

/* ρA of construct j (Dijkstra & Henseler 2015) from the p × p item
 * correlations r and the weights w (scaled to a unit-variance score):
 * 1 for a Mode B or single-item block, NaN when the block has fewer than two
 * non-zero weights (then ρA has no denominator). */
double cxm__pls_rho_a(const pls_plan *plan, const double *r, const double *w, size_t j);

/* PLSc: divide the construct correlations cor (c × c) of the Mode A
 * constructs by √(ρA,i·ρA,j) and replace each Mode A indicator's own
 * loading in g (q × c: covariances of indicators with construct scores) by
 * its consistent loading ĉ·w. CXM_EDOMAIN (with a message naming the
 * construct unless quiet) when a ρA is not positive or a corrected
 * correlation falls beyond ±1. */
int cxm__plsc_correct(const pls_plan *plan, const double *r, const double *w, double *g,
                      double *cor, int quiet);

/* HTMT of the plan's constructs from the p × p item correlations r into
 * dst (c × c, NaN on the diagonal): the point estimate, and what a bootstrap
 * recomputes on each resample's correlations. CXM_EDOMAIN when a block of
 * two or more items has no correlation (a message naming it unless quiet). */
int cxm__pls_htmt(double *dst, const pls_plan *plan, const double *r, int quiet);

/* The "quality" object of the result's JSON (criteria that are undefined for
 * these data are null). 0 when out of memory. */
struct cJSON;
int cxm__pls_quality_json(struct cJSON *root, const cxm_pls_result *result);

#endif
