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

/* An estimate (pls.c), written as JSON by pls_json.c. */
struct cxm_pls_result {
    cxm_pls_model *model;
    pls_plan plan;
    pls_layout layout;
    cxm_pls_info info;
    double *estimate;           /* layout.total */
    double *mean, *sd;          /* p: item moments of the estimation sample */
    double *low, *range;        /* p: item scales */
    double *draws;              /* info.resamples × layout.total */
    double *boot;               /* 4 × layout.total: mean, SE, lower, upper */
    double *r;                  /* p × p: item correlations of the estimation sample */
};

/* The model as a cJSON tree, NULL when out of memory (pls_json.c). */
struct cJSON;
struct cJSON *cxm__pls_model_cjson(const cxm_pls_model *model);
/* Replace the model's name with a copy of name (pls_model.c). */
int cxm__pls_model_set_name(cxm_pls_model *model, const char *name);

/* A model's deep copy (for results). */
int cxm__pls_model_copy(cxm_pls_model **out, const cxm_pls_model *model);

#endif
