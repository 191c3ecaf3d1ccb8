/* PLS path modelling internals shared by pls_model.c (model handle,
 * presets), pls_json.c (models and results as JSON), pls.c (estimation,
 * results) and pls_boot.c (bootstrap). */
#ifndef CXM_CHAIN_PLS_H
#define CXM_CHAIN_PLS_H

#include <stddef.h>
#include <stdint.h>

#include "cxm/chain.h"

typedef struct pls_construct {
    char *name;
    cxm_pls_mode mode;
    double scale_min, scale_max; /* NaN: the items' observed range */
    size_t n_items, cap_items;
    size_t *items; /* indices into the model's item names */
} pls_construct;

struct cxm_pls_model {
    char *name;
    size_t n_constructs, cap_constructs;
    pls_construct *constructs;
    size_t n_items, cap_items;
    char **items; /* unique item names, first-use order */
    size_t n_paths, cap_paths;
    size_t *path_from, *path_to;
    char *target; /* construct whose drivers the report ranks, or NULL */
    cxm_pls_options options; /* estimation settings read from JSON */
};

/* The estimation plan: constructs, indicators in construct order and the
 * inner model as index arrays. Built once per estimate. */
typedef struct pls_plan {
    size_t c;           /* constructs */
    size_t q;           /* indicators (construct, item) pairs, grouped by construct */
    size_t p;           /* unique items */
    size_t *start;      /* c + 1: indicators of construct j are start[j] .. start[j+1]-1 */
    size_t *item;       /* q: item index (row/column of the item correlation matrix) */
    size_t *construct;  /* q: construct of each indicator */
    int *mode;          /* c */
    unsigned char *adj; /* c × c: adj[from*c + to] = 1 for a path */
    size_t *n_pred;     /* c: number of predecessors */
    size_t *pred;       /* c × c: pred[j*c + k], k < n_pred[j] */
    const char **names; /* c: construct names (owned by the model), for messages */
    char *const *item_names; /* p: item names (owned by the model), for messages */
    cxm_pls_scheme scheme;
    double tolerance;
    size_t max_iterations;
    int consistent;     /* PLSc: correct the construct correlations (plsc.c) */
} pls_plan;

/* Layout of the flat estimate vector (one per fit and per resample). */
enum {
    PLS_QUANTITY_COUNT = 12
};
typedef struct pls_layout {
    size_t offset[PLS_QUANTITY_COUNT];
    size_t size[PLS_QUANTITY_COUNT];
    size_t total;
} pls_layout;

void cxm__pls_layout(pls_layout *layout, size_t c, size_t q);

/* Scratch space of the core algorithm, allocated once per thread. */
typedef struct pls_work {
    double *w, *w_old;       /* q */
    double *g;               /* q × c: covariances of indicators with construct scores */
    double *cor;             /* c × c */
    double *e;               /* c × c inner weights */
    double *block_inv;       /* Σ_j n_j²: inverses of the Mode B blocks */
    double *small;           /* (c + 1) × (c + 1) + c: regressions */
    size_t *perm;            /* c */
    const double *start;     /* q starting weights (a nearby solution), or NULL: all ones */
} pls_work;

int cxm__pls_work_alloc(pls_work *work, const pls_plan *plan);
void cxm__pls_work_free(pls_work *work);

/* Item statistics the estimates need beyond the correlation matrix. */
typedef struct pls_moments {
    const double *mean, *sd;          /* p each */
    const double *low, *range;        /* p each: the scale of each item (min, max − min) */
} pls_moments;

/* Run the PLS algorithm on the p × p item correlation matrix and write the
 * flat estimate vector. Returns CXM_OK, CXM_ECONVERGE or CXM_EDOMAIN; with
 * quiet set it records no error message (for resamples in worker threads).
 * iterations receives the number of iterations. */
int cxm__pls_core(const pls_plan *plan, const double *r, const pls_moments *moments, pls_work *work,
                  const pls_layout *layout, double *estimate, size_t *iterations, int quiet);

/* The bootstrap: resamples rows with replacement (n_boot times, seeded),
 * runs the core on each and stores the successful estimates in draws
 * (n_boot × layout->total, the first *n_ok rows filled in resample order).
 * x is the n × p data (centred at the full-sample means `centre`); xi, when
 * not NULL, the same raw answers as integers of magnitude <= 181 (products
 * fit 16 bits): the cross-products are then exact. */
int cxm__pls_bootstrap(const pls_plan *plan, const pls_layout *layout, const double *x,
                       const int16_t *xi, size_t n, const double *centre, const double *low,
                       const double *range, size_t n_boot, uint64_t seed, size_t threads,
                       double *draws, size_t *n_ok);

/* Statistics of a resample beyond the estimate vector (pls_boot.c): the
 * specific indirect effects, and any vector a function of the resample's
 * correlations, moments and estimate (e.g. HTMT). Each gets the bootstrap,
 * its percentile and BCa intervals and the jackknife like the estimate. */
typedef struct pls_extension {
    size_t size; /* values it writes */
    /* Fill out[0..size) for one sample; a failure (not CXM_OK) drops the sample. */
    int (*compute)(double *out, const void *context, const pls_plan *plan, const double *r,
                   const pls_moments *moments, const pls_layout *layout, const double *estimate);
    const void *context;
} pls_extension;

enum { PLS_EXTENSION_MAX = 8 };

typedef struct pls_extensions {
    size_t count, total;   /* extensions, their values */
    size_t offset[PLS_EXTENSION_MAX];
    pls_extension item[PLS_EXTENSION_MAX];
} pls_extensions;

/* The indirect paths of the inner model (pls_boot.c): path k visits
 * node[start[k]] .. node[start[k+1]-1]. */
typedef struct pls_routes {
    size_t count;
    size_t *start; /* count + 1 */
    size_t *node;
} pls_routes;

/* Run every extension on one sample (NULL: none), writing after the
 * estimate: estimate[layout->total ..]. */
int cxm__pls_extensions_compute(const pls_extensions *extensions, const pls_plan *plan,
                                const double *r, const pls_moments *moments,
                                const pls_layout *layout, double *estimate);

/* Everything that follows one estimate: extensions (the indirect effects
 * first), then with resamples the bootstrap and its statistics, and with
 * options->bca the jackknife (pls_boot.c). r is the p × p correlation
 * matrix of the estimate, x, xi and n as for cxm__pls_bootstrap. */
struct cxm_pls_result;
int cxm__pls_inference(struct cxm_pls_result *res, const double *r, const double *x,
                       const int16_t *xi, size_t n, const cxm_pls_options *options);
void cxm__pls_inference_free(struct cxm_pls_result *res);

/* The extended bootstrap: rows of draws are `stride` = layout->total +
 * extensions->total values, the estimate then the extensions' values. */
int cxm__pls_bootstrap_ext(const pls_plan *plan, const pls_layout *layout,
                           const pls_extensions *extensions, const double *x, const int16_t *xi,
                           size_t n, const double *centre, const double *low, const double *range,
                           size_t n_boot, uint64_t seed, size_t threads, double *draws,
                           size_t *n_ok);

/* Bootstrap statistics per value, in result->boot (PLS_STATISTIC_COUNT × stride). */
enum { PLS_STATISTIC_COUNT = 10 };

/* Where a quantity (cxm_pls_quantity) sits in the stride-wide vectors:
 * 1 and its offset and size, or 0 for an unknown quantity. */
int cxm__pls_quantity_span(const struct cxm_pls_result *res, int quantity, size_t *offset,
                           size_t *size);

/* Read a caller's options of any version into dst and check them. */
int cxm__pls_options_read(cxm_pls_options *dst, const cxm_pls_options *given);

/* Column of each model item in data with these names (NULL: the identity). */
int cxm__pls_map_columns(size_t *column, const cxm_pls_model *m, size_t n_columns,
                         const char *const *names);

/* An estimate (pls.c), written as JSON by pls_json.c. */
struct cxm_pls_result {
    cxm_pls_model *model;
    pls_plan plan;
    pls_layout layout;
    cxm_pls_info info;
    double *estimate;           /* layout.total */
    double *mean, *sd;          /* p: item moments of the estimation sample */
    double *low, *range;        /* p: item scales */
    double *draws;              /* info.resamples × stride */
    double *boot;               /* PLS_STATISTIC_COUNT × stride, by cxm_pls_statistic */
    double *r;                  /* p × p: item correlations of the estimation sample */
    /* Inference (pls_boot.c). */
    size_t stride;              /* layout.total + extensions.total */
    pls_extensions extensions;
    pls_routes routes;          /* the indirect paths */
    double *extra;              /* extensions.total: the extensions' estimates */
    int bca;                    /* the jackknife ran: BCa statistics exist */
    size_t jackknife_failed;    /* delete-one estimates that failed */
};

/* The model as a cJSON tree, NULL when out of memory (pls_json.c). */
struct cJSON;
struct cJSON *cxm__pls_model_cjson(const cxm_pls_model *model);
/* Replace the model's name with a copy of name (pls_model.c). */
int cxm__pls_model_set_name(cxm_pls_model *model, const char *name);

/* A model's deep copy (for results). */
int cxm__pls_model_copy(cxm_pls_model **out, const cxm_pls_model *model);

#endif
