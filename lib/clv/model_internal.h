/* The model engine's contract with each model kind (internal, not installed).
 *
 * A kind is a constant table (cxm__kind) of its parameters, data columns,
 * likelihood and optional prediction and simulation hooks. The engine
 * (lib/clv/model.c) owns everything generic: argument checks, merging
 * identical rows, the per-evaluation tables, threads, the optimiser
 * (lib/numeric/optim.h, on the log or logit scale of each parameter),
 * standard errors, JSON and the public dispatch. Adding a kind means writing
 * one table and registering it in cxm__kind_of() (model.c).
 *
 * Conventions for hooks:
 *   - parameters are natural (r, alpha, ...), already checked by
 *     check_params; gradients and Hessians are with respect to them;
 *   - hooks never allocate unless documented, and set cxm__fail() messages
 *     that name the element ("element 3: t_x 40 is greater than T 39");
 *   - prediction hooks work on [0, n) and may be called on sub-ranges from
 *     several threads at once: they must be pure.
 */
#ifndef CXM_CLV_MODEL_INTERNAL_H
#define CXM_CLV_MODEL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "cxm/model.h"
#include "numeric/rng.h"

enum {
    /* A kind's own parameters plus the effects of static covariates. */
    CXM__MAX_PARAMS = 32,
    CXM__MAX_COLUMNS = 4,
    /* Rows per block in likelihood sums and threaded predictions. Fixed, so
     * that sums do not depend on the number of threads. */
    CXM__BLOCK_ROWS = 4096
};

/* Accepted range of the positive (log-scale) parameters: where a fit stops
 * as diverged, and where set_params and JSON refuse a value. */
#define CXM__PARAM_MIN 1e-10
#define CXM__PARAM_MAX 1e10
/* Largest expected number of purchases (λ·T) of a simulated customer: a
 * Poisson count beyond it is no longer a whole number a double holds
 * exactly (documented at cxm_model_simulate()). */
#define CXM__SIM_MAX_MEAN 4503599627370496.0 /* 2^52 */
/* Smallest discount rate of cxm_model_dert() (documented there). */
#define CXM__DERT_MIN_RATE 1e-200

/* How a parameter is optimised. */
typedef enum cxm__scale {
    CXM__SCALE_LOG = 0,   /* positive: optimised as ln θ */
    CXM__SCALE_LOGIT = 1, /* in (0, 1): optimised as ln(θ/(1−θ)) */
    CXM__SCALE_LINEAR = 2, /* any real */
    CXM__SCALE_FIXED = 3   /* a whole number >= 1 held fixed by a fit (BG/CNBD-k's k): the
                              optimiser's coordinate is ln θ with zero derivatives, its
                              variance 0 */
} cxm__scale;

/* Rows of a fit. Columns are the kind's, in its order. When the kind has a
 * group column (a whole-number column such as x), rows carry the index of
 * their value among the distinct values, so that per-value terms (lgamma(r+x),
 * digamma, ...) are computed once per value and evaluation. */
typedef struct cxm__data {
    size_t n;                               /* rows */
    const double *column[CXM__MAX_COLUMNS];
    const double *weight;                   /* NULL: weight 1 for every row */
    double total_weight;                    /* number of customers */
    double skipped;                         /* customers left out as CXM__ROW_DEGENERATE */
    const uint32_t *group;                  /* per row, index into group_value; NULL if no group column */
    size_t ngroups;
    const double *group_value;              /* distinct values of the group column, ascending */
} cxm__data;

typedef struct cxm__kind cxm__kind;

/* What a kind's skip_row says of a row. */
enum {
    CXM__ROW_USED = 0,           /* the likelihood sums it */
    CXM__ROW_NOT_APPLICABLE = 1, /* the model has nothing to learn from it (Gamma-Gamma: x = 0) */
    CXM__ROW_DEGENERATE = 2      /* valid data the likelihood cannot take: left out and counted */
};

/* A parameter that static covariates scale: θ_i = θ·exp(sign·γ'z_i)
 * (lib/clv/covariates.c). sign 0 ends a kind's list. */
typedef struct cxm__cov_target {
    signed char param, sign;
} cxm__cov_target;

/* One evaluation of the likelihood over rows [begin, end).
 * acc[0] += Σ w·ln L; when order >= 1, acc[1..p] += Σ w·∂ln L/∂θ; when
 * order >= 2, acc[1+p ..1+p+p²) += Σ w·∂²ln L/∂θ∂θ (row-major, full).
 * table: the kind's per-group values for these parameters (fill_table). */
typedef void (*cxm__loglik_fn)(const double *params, const cxm__data *data, const double *table,
                               size_t begin, size_t end, int order, double *acc);

struct cxm__kind {
    cxm_model_kind kind;
    const char *name;            /* short name: JSON, CLI ("bgnbd") */
    const char *title;           /* for people ("BG/NBD") */
    const char *const *aliases;  /* other names accepted on input, NULL-terminated (or NULL) */
    size_t nparams;
    const char *const *param_names;
    const cxm__scale *scales;
    size_t ncolumns;
    const char *const *column_names;
    int group_column;            /* column indexed by cxm__data.group, or -1 */
    size_t table_width;          /* doubles per group in the per-evaluation table */
    int has_hessian;             /* loglik supports order 2; otherwise the engine uses BFGS
                                    and finite differences of the gradient for the Hessian */
    uint32_t unbounded;          /* bit i: parameter i, on the linear scale, may go beyond the
                                    fit's divergence bound (check_params limits it instead) */

    /* Is row i valid? Fail with a message naming the row and column. */
    int (*check_row)(const double *values, size_t i);
    /* Does the likelihood use the row? A CXM__ROW_* value; NULL uses all. */
    int (*skip_row)(const double *values);
    /* Are these parameters valid (beyond the scale's domain)? NULL: always. */
    int (*check_params)(const double *params);
    /* Where a failed fit stopped, explained when the kind knows why (e.g. at
     * the edge of its parameter space); writes text and returns 1, or 0.
     * NULL: the engine's generic explanation. */
    int (*explain_stop)(const double *params, char *text, size_t size);
    /* Starting values from the data (all rows kept, weights applied). */
    void (*default_start)(const cxm__data *data, double *params);
    /* Per-evaluation, per-group terms; NULL when table_width is 0. */
    void (*fill_table)(const double *params, const double *group_value, size_t ngroups,
                       double *table);
    cxm__loglik_fn loglik;

    /* Predictions: NULL when the kind does not support them (CXM_EUNSUPPORTED).
     * The engine checks the model state, pointers and n; hooks check values. */
    int (*p_alive)(const double *params, double *dst, size_t n, const double *x,
                   const double *t_x, const double *T);
    int (*expected_purchases)(const double *params, double *dst, size_t n, const double *t);
    int (*conditional_purchases)(const double *params, double *dst, size_t n, const double *t,
                                 const double *x, const double *t_x, const double *T);
    int (*purchase_probability)(const double *params, double *dst, size_t n,
                                const double *count, const double *t);
    /* P(X(T, T+t) = count | x, t_x, T): dropped out (count 0 only), or alive
     * and then a new customer of the posterior given alive at T. */
    int (*conditional_probability)(const double *params, double *dst, size_t n,
                                   const double *count, const double *t, const double *x,
                                   const double *t_x, const double *T);
    int (*dert)(const double *params, double *dst, size_t n, double rate, const double *x,
                const double *t_x, const double *T);
    int (*expected_spend)(const double *params, double *dst, size_t n, const double *x,
                          const double *mean_spend);
    int (*mean_spend)(const double *params, double *out);
    /* Simulate one customer observed for T: x and t_x from O(1) draws; when
     * times is not NULL, also the x repeat purchase times in increasing order
     * (drawn after the draws that fix x and t_x, so x and t_x are the same
     * either way). Fails with CXM_ERANGE when x exceeds times_capacity.
     * When latent is not NULL it receives the customer's two latent
     * parameters (the purchase one, then the dropout one) and 1 or 0 for
     * alive at the end; asking for them changes none of the other draws. */
    int (*simulate)(const double *params, cxm_rng *rng, double T, double *x, double *t_x,
                    double *times, size_t times_capacity, double *latent);
    int (*simulate_spend)(const double *params, cxm_rng *rng, double x, double *mean_spend);

    /* Optional cache of per-row terms that depend on columns other than the
     * group column (Pareto/NBD: one term per distinct (x, T) and (x, t_x)).
     * aux_size returns the doubles needed ((size_t)−1: out of memory, with
     * the CXM_ENOMEM message set); the engine places them right after the group table
     * (loglik finds them at table + ngroups·table_width); aux_index fills
     * them once per prepared data (row maps; may allocate temporary memory,
     * returns CXM_OK or CXM_ENOMEM); aux_fill, after fill_table, brings them
     * up to date with the parameters of each evaluation. NULL: no cache. */
    size_t (*aux_size)(const cxm__data *data);
    int (*aux_index)(const cxm__data *data, double *aux);
    void (*aux_fill)(const double *params, const cxm__data *data, double *aux, int order);

    /* Static covariates, in CLVTools' parameterisation: the parameters the
     * purchase-process and the dropout-process covariates scale. A kind
     * whose purchase list is empty takes no covariates. */
    cxm__cov_target purchase_targets[2], dropout_targets[2];
};

/* The table of a kind, or NULL when this version does not implement it. */
const cxm__kind *cxm__kind_of(cxm_model_kind kind);

/* The kinds this file set implements (one per model source file). */
extern const cxm__kind cxm__kind_bgnbd;
extern const cxm__kind cxm__kind_mbgnbd;
extern const cxm__kind cxm__kind_gamma_gamma;
extern const cxm__kind cxm__kind_sbg;
extern const cxm__kind cxm__kind_bgbb;
extern const cxm__kind cxm__kind_pareto_nbd;
extern const cxm__kind cxm__kind_pareto_nbd_cor;
extern const cxm__kind cxm__kind_bgcnbd;
extern const cxm__kind cxm__kind_mbgcnbd;
extern const cxm__kind cxm__kind_ggompertz_nbd;

/* Shared checks for (x, t_x, T) rows: x a whole number >= 0, 0 <= t_x <= T,
 * t_x = 0 when x = 0, all finite. Element i appears in the message. */
int cxm__check_purchase_row(double x, double t_x, double T, size_t i);
/* One customer observed for T who buys at rate λ until `death` (after T:
 * alive at T): x, t_x and, when times is not NULL, the purchase times, as a
 * kind's simulate hook; latent gets λ, the dropout parameter given and 1 or
 * 0 for alive at T. Shared by the Pareto/NBD family and GGompertz/NBD. */
int cxm__simulate_given_death(double lambda, double dropout, double death, cxm_rng *rng,
                              double T, double *x, double *t_x, double *times, size_t capacity,
                              double *latent);
/* A whole number >= 0 (a count). */
int cxm__check_count(double value, const char *name, size_t i);

#endif
