/* Static covariates on the purchase and dropout processes (docs/models.md
 * §1.11), in CLVTools' parameterisation: a kind names the parameters each
 * process's covariates scale, and customer i has θ_i = θ·exp(sign·γ'z_i), so
 * that γ = 0 is the model without covariates.
 *
 * A model with covariates has the effects appended to its parameters
 * ("purchase.gender", "dropout.channel") through a kind of its own, built
 * here from the base kind. Its likelihood is a sum over covariate patterns:
 * customers with the same covariates share their parameters, so each
 * pattern's rows are prepared (merged, grouped) and evaluated by the base
 * kind at that pattern's parameters, and the chain rule carries gradient
 * and Hessian to (θ, γ). Categorical covariates (gender, channel) make few
 * patterns, each as fast as a plain fit of its rows. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "clv/model_engine.h"
#include "core/hash.h"
#include "core/internal.h"
#include "numeric/parallel.h"

/* Distinct covariate vectors a fit takes: each is prepared and evaluated on
 * its own, so that continuous covariates with a value per customer would
 * cost a table per customer. */
#define MAX_PATTERNS 65536u

struct cxm__cov_spec {
    cxm__kind kind;                         /* the base kind with the effects appended */
    const cxm__kind *base;
    size_t purchase_n, dropout_n, shared_n;
    /* The parameter of covariate c of each set (0 purchase, 1 dropout): a
     * shared covariate's two effects are one parameter. */
    size_t index[2][CXM__MAX_PARAMS];
    const char *raw[2][CXM__MAX_PARAMS];    /* the covariates' own names */
    int shared[CXM__MAX_PARAMS];            /* per purchase covariate */
    const char *names[CXM__MAX_PARAMS];
    cxm__scale scales[CXM__MAX_PARAMS];
    char title[64];
    char *store;                            /* the names' text */
};

void cxm__cov_spec_free(cxm__cov_spec *spec)
{
    if (spec)
        cxm__free(spec->store);
    cxm__free(spec);
}

static int supports_covariates(const cxm__kind *kind)
{
    return kind->purchase_targets[0].sign != 0;
}

/* A model handle with covariates (cxm_model_set_covariates()). */
static int require_covariates(const cxm_model *model)
{
    int status = cxm__check_pointer(model, "model");
    if (status == CXM_OK && model->cov == NULL)
        status = cxm__fail(CXM_EINVAL,
                           "the %s model has no covariates: name them with "
                           "cxm_model_set_covariates() first",
                           model->kind->title);
    return status;
}

/* Names of one set: present, not empty, distinct. */
static int check_names(size_t n, const char *const *names, const char *set)
{
    if (n > 0 && names == NULL)
        return cxm__fail(CXM_EINVAL, "%s covariate names: NULL for %zu covariates", set, n);
    for (size_t i = 0; i < n; i++) {
        if (names[i] == NULL || names[i][0] == '\0')
            return cxm__fail(CXM_EINVAL, "%s covariate %zu has no name", set, i);
        for (size_t j = 0; j < i; j++)
            if (strcmp(names[i], names[j]) == 0)
                return cxm__fail(CXM_EINVAL, "%s covariate '%s' appears twice", set, names[i]);
    }
    return CXM_OK;
}

static int find_name(const char *const *names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return (int)i;
    return -1;
}

/* Copy the covariates' names and make each effect's "<set>.<name>" (a shared
 * one "shared.<name>"), in one allocation; set the parameter indices. */
static int store_names(cxm__cov_spec *spec, const char *const *names[2])
{
    size_t count[2] = { spec->purchase_n, spec->dropout_n }, size = 0;
    for (int set = 0; set < 2; set++)
        for (size_t c = 0; c < count[set]; c++)
            size += 2 * strlen(names[set][c]) + strlen("purchase.") + 2;
    spec->store = cxm__malloc(size ? size : 1);
    if (spec->store == NULL)
        return CXM_ENOMEM;
    char *at = spec->store;
    size_t next = spec->base->nparams;
    for (int set = 0; set < 2; set++)
        for (size_t c = 0; c < count[set]; c++) {
            spec->raw[set][c] = at;
            at += sprintf(at, "%s", names[set][c]) + 1;
            int partner = set == 1 ? find_name(names[0], count[0], names[1][c]) : -1;
            if (partner >= 0 && spec->shared[partner]) {
                spec->index[1][c] = spec->index[0][partner];
                continue;
            }
            const char *prefix = set == 0 ? (spec->shared[c] ? "shared" : "purchase") : "dropout";
            spec->names[next] = at;
            spec->scales[next] = CXM__SCALE_LINEAR;
            spec->index[set][c] = next++;
            at += sprintf(at, "%s.%s", prefix, names[set][c]) + 1;
        }
    return CXM_OK;
}

/* The kind of a model with these covariates: the base kind's data and
 * likelihood terms, none of its per-customer predictions (those take a
 * customer's own parameters, cxm_model_for_customer()). */
static void make_kind(cxm__cov_spec *spec)
{
    const cxm__kind *base = spec->base;
    cxm__kind k;
    memset(&k, 0, sizeof k);
    k.kind = base->kind;
    k.name = base->name;
    k.title = spec->title;
    k.nparams = base->nparams + spec->purchase_n + spec->dropout_n - spec->shared_n;
    k.param_names = spec->names;
    k.scales = spec->scales;
    k.ncolumns = base->ncolumns;
    k.column_names = base->column_names;
    k.group_column = -1;
    k.has_hessian = base->has_hessian;
    k.check_row = base->check_row;
    k.check_params = base->check_params;
    spec->kind = k;
}

/* Give the model these covariates, the shared ones (in both sets) with one
 * effect; the model becomes empty. */
static int install_spec(cxm_model *model, const cxm__kind *base, const char *const *names[2],
                        const size_t count[2], const char *const *shared, size_t shared_n)
{
    cxm__cov_spec *spec = NULL;
    if (count[0] + count[1] > 0) {
        spec = cxm__calloc(1, sizeof *spec);
        if (spec == NULL)
            return CXM_ENOMEM;
        spec->base = base;
        spec->purchase_n = count[0];
        spec->dropout_n = count[1];
        spec->shared_n = shared_n;
        for (size_t i = 0; i < shared_n; i++)
            spec->shared[find_name(names[0], count[0], shared[i])] = 1;
        for (size_t i = 0; i < base->nparams; i++) {
            spec->names[i] = base->param_names[i];
            spec->scales[i] = base->scales[i];
        }
        int status = store_names(spec, names);
        if (status != CXM_OK) {
            cxm__cov_spec_free(spec);
            return status;
        }
        snprintf(spec->title, sizeof spec->title, "%s with covariates", base->title);
        make_kind(spec);
    }
    cxm__cov_spec_free(model->cov);
    model->cov = spec;
    model->kind = spec ? &spec->kind : base;
    model->state = CXM_MODEL_EMPTY;
    memset(model->params, 0, sizeof model->params);
    memset(model->covariance, 0, sizeof model->covariance);
    return CXM_OK;
}

int cxm_model_set_covariates(cxm_model *model, size_t purchase_n,
                             const char *const *purchase_names, size_t dropout_n,
                             const char *const *dropout_names)
{
    int status = cxm__check_pointer(model, "model");
    const cxm__kind *base = model ? (model->cov ? model->cov->base : model->kind) : NULL;
    if (status == CXM_OK && purchase_n + dropout_n > 0 && !supports_covariates(base))
        status = cxm__fail(CXM_EUNSUPPORTED, "the %s model takes no covariates", base->title);
    if (status == CXM_OK && base->nparams + purchase_n + dropout_n > CXM__MAX_PARAMS)
        status = cxm__fail(CXM_EINVAL,
                           "%zu purchase and %zu dropout covariates: the %s model takes at most "
                           "%zu in all",
                           purchase_n, dropout_n, base->title,
                           (size_t)CXM__MAX_PARAMS - base->nparams);
    if (status == CXM_OK)
        status = check_names(purchase_n, purchase_names, "purchase");
    if (status == CXM_OK)
        status = check_names(dropout_n, dropout_names, "dropout");
    if (status != CXM_OK)
        return status;
    const char *const *names[2] = { purchase_names, dropout_names };
    const size_t count[2] = { purchase_n, dropout_n };
    return install_spec(model, base, names, count, NULL, 0);
}

int cxm_model_share_covariates(cxm_model *model, size_t n, const char *const *names)
{
    int status = require_covariates(model);
    if (status == CXM_OK)
        status = check_names(n, names, "shared");
    if (status != CXM_OK)
        return status;
    const cxm__cov_spec *old = model->cov;
    for (size_t i = 0; i < n; i++)
        if (find_name(old->raw[0], old->purchase_n, names[i]) < 0 ||
            find_name(old->raw[1], old->dropout_n, names[i]) < 0)
            return cxm__fail(CXM_EINVAL,
                             "covariate '%s' must be both a purchase and a dropout covariate to "
                             "share one effect",
                             names[i]);
    /* The names live in the old spec until the new one has copied them. */
    cxm__cov_spec *keep = model->cov;
    model->cov = NULL;
    const char *const *both[2] = { keep->raw[0], keep->raw[1] };
    const size_t count[2] = { keep->purchase_n, keep->dropout_n };
    status = install_spec(model, keep->base, both, count, names, n);
    if (status != CXM_OK) {
        model->cov = keep;
        return status;
    }
    cxm__cov_spec_free(keep);
    return CXM_OK;
}

const char *cxm__covariate(const cxm_model *model, int set, size_t c, int *shared)
{
    *shared = set == 0 && model->cov->shared[c];
    return model->cov->raw[set][c];
}

size_t cxm__covariate_param(const cxm_model *model, int set, size_t c)
{
    return model->cov->index[set][c];
}

int cxm_model_shared_covariate_count(size_t *out, const cxm_model *model)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = cxm__check_pointer(model, "model");
    if (status == CXM_OK)
        *out = model->cov ? model->cov->shared_n : 0;
    return status;
}

const char *cxm_model_covariate_name(const cxm_model *model, int set, size_t index)
{
    if (model == NULL || model->cov == NULL || (set != 0 && set != 1) ||
        index >= (set == 0 ? model->cov->purchase_n : model->cov->dropout_n))
        return NULL;
    return model->cov->raw[set][index];
}

int cxm_model_covariate_count(size_t *purchase_n, size_t *dropout_n, const cxm_model *model)
{
    int status = cxm__check_pointer(purchase_n, "purchase_n");
    if (status == CXM_OK)
        status = cxm__check_pointer(dropout_n, "dropout_n");
    if (status == CXM_OK)
        status = cxm__check_pointer(model, "model");
    if (status == CXM_OK) {
        *purchase_n = model->cov ? model->cov->purchase_n : 0;
        *dropout_n = model->cov ? model->cov->dropout_n : 0;
    }
    return status;
}

int cxm__penalty_weights(double *weights, const cxm_model *model, const cxm_fit_options *opt)
{
    const cxm__cov_spec *spec = model->cov;
    size_t p = model->kind->nparams;
    if (!spec && (opt->purchase_penalty != 0.0 || opt->dropout_penalty != 0.0))
        return cxm__fail(CXM_EINVAL,
                         "purchase_penalty and dropout_penalty weigh covariate effects: the %s "
                         "model has no covariates",
                         model->kind->title);
    for (size_t i = 0; i < p; i++)
        weights[i] = opt->penalty;
    /* A shared effect stands for both: it takes both penalties. */
    for (int set = 0; spec && set < 2; set++)
        for (size_t c = 0; c < (set == 0 ? spec->purchase_n : spec->dropout_n); c++)
            weights[spec->index[set][c]] += set == 0 ? opt->purchase_penalty : opt->dropout_penalty;
    return CXM_OK;
}

/* The effect's name of covariate c of the purchase then dropout covariates. */
static const char *covariate_name(const cxm__cov_spec *spec, size_t c)
{
    int set = c >= spec->purchase_n;
    return spec->names[spec->index[set][set ? c - spec->purchase_n : c]];
}

/* Every covariate of n customers (rows of purchase_n and dropout_n values)
 * a finite number; a failure names the covariate, and the customer when
 * there are several. */
static int check_covariate_values(const cxm__cov_spec *spec, size_t n, const double *purchase,
                                  const double *dropout)
{
    size_t kp = spec->purchase_n, kd = spec->dropout_n;
    for (size_t i = 0; i < n; i++)
        for (size_t c = 0; c < kp + kd; c++) {
            double v = c < kp ? purchase[i * kp + c] : dropout[i * kd + c - kp];
            if (isfinite(v))
                continue;
            if (n == 1)
                return cxm__fail(CXM_EINVAL, "covariate %s is %g, not a finite number",
                                 covariate_name(spec, c), v);
            return cxm__fail_at(CXM_EINVAL, i, "covariate %s is %g, not a finite number",
                                covariate_name(spec, c), v);
        }
    return CXM_OK;
}

/* ------------------------------------------------------------------ one customer's parameters */

/* Customer parameters φ = θ with its targets scaled, and ∂φ/∂(θ, γ):
 * jac (pb × P, row-major). z holds the purchase then the dropout values. */
static void customer_params(const cxm__cov_spec *spec, const double *theta, const double *z,
                            double *phi, double *jac)
{
    size_t pb = spec->base->nparams, P = spec->kind.nparams;
    memcpy(phi, theta, pb * sizeof *phi);
    if (jac) {
        memset(jac, 0, pb * P * sizeof *jac);
        for (size_t j = 0; j < pb; j++)
            jac[j * P + j] = 1.0;
    }
    for (int set = 0; set < 2; set++) {
        const cxm__cov_target *targets =
            set == 0 ? spec->base->purchase_targets : spec->base->dropout_targets;
        size_t count = set == 0 ? spec->purchase_n : spec->dropout_n;
        const size_t *index = spec->index[set];
        const double *zs = z + (set == 0 ? 0 : spec->purchase_n);
        double eta = 0.0;
        for (size_t c = 0; c < count; c++)
            eta += theta[index[c]] * zs[c];
        for (int t = 0; t < 2 && targets[t].sign != 0; t++) {
            size_t j = (size_t)targets[t].param;
            double s = targets[t].sign, scale = exp(s * eta);
            phi[j] = theta[j] * scale;
            if (jac) {
                jac[j * P + j] = scale;
                for (size_t c = 0; c < count; c++)
                    jac[j * P + index[c]] = s * zs[c] * phi[j];
            }
        }
    }
}

int cxm_model_for_customer(cxm_model **out, const cxm_model *model, const double *purchase,
                           const double *dropout)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        *out = NULL;
    if (status == CXM_OK)
        status = require_covariates(model);
    if (status == CXM_OK && model->state == CXM_MODEL_EMPTY)
        status = cxm__fail(CXM_ESTATE, "the %s model has no parameters: fit it or set them first",
                           model->kind->title);
    if (status != CXM_OK)
        return status;
    const cxm__cov_spec *spec = model->cov;
    double z[CXM__MAX_PARAMS];
    if (spec->purchase_n > 0 && (status = cxm__check_pointer(purchase, "purchase")) != CXM_OK)
        return status;
    if (spec->dropout_n > 0 && (status = cxm__check_pointer(dropout, "dropout")) != CXM_OK)
        return status;
    if ((status = check_covariate_values(spec, 1, purchase, dropout)) != CXM_OK)
        return status;
    for (size_t c = 0; c < spec->purchase_n + spec->dropout_n; c++)
        z[c] = c < spec->purchase_n ? purchase[c] : dropout[c - spec->purchase_n];
    size_t pb = spec->base->nparams, P = spec->kind.nparams;
    double phi[CXM__MAX_PARAMS], jac[CXM__MAX_PARAMS * CXM__MAX_PARAMS];
    customer_params(spec, model->params, z, phi, jac);
    cxm_model *m = NULL;
    status = cxm_model_create(&m, spec->base->kind);
    if (status == CXM_OK)
        status = cxm_model_set_params(m, phi, pb);
    if (status != CXM_OK) {
        cxm_model_free(m);
        return cxm__fail_prefix("the customer's parameters: ");
    }
    m->threads = model->threads;
    m->customer = 1;
    if (model->state == CXM_MODEL_FITTED) {
        /* Covariance of φ by the delta method, exact for this transform's
         * first order: J Σ J'. */
        for (size_t a = 0; a < pb; a++)
            for (size_t b = 0; b < pb; b++) {
                double sum = 0.0;
                for (size_t i = 0; i < P; i++)
                    for (size_t k = 0; k < P; k++)
                        sum += jac[a * P + i] * model->covariance[i * P + k] * jac[b * P + k];
                m->covariance[a * pb + b] = sum;
            }
        m->state = CXM_MODEL_FITTED;
        m->log_likelihood = model->log_likelihood;
        m->penalty = model->penalty;
        m->effect_penalty[0] = model->effect_penalty[0];
        m->effect_penalty[1] = model->effect_penalty[1];
        m->report = model->report;
        m->fitted = model->fitted;
        snprintf(m->message, sizeof m->message, "%s", model->message);
        snprintf(m->fitted_message, sizeof m->fitted_message, "%s", model->fitted_message);
    }
    *out = m;
    return CXM_OK;
}

/* ------------------------------------------------------------------ the likelihood by pattern */

struct cxm__cov_eval {
    const cxm__cov_spec *spec;
    size_t patterns;
    double *z;                 /* patterns × (purchase_n + dropout_n) */
    cxm__prepared *prep;       /* per pattern */
    cxm__evaluator *ev;        /* per pattern, on the base kind */
    double *columns;           /* the rows regrouped by pattern (ncolumns + 1 weight) */
};

static void cov_eval_free(cxm__cov_eval *ce)
{
    /* Either array may be missing when memory ran out. */
    for (size_t k = 0; k < ce->patterns; k++) {
        if (ce->ev)
            cxm__evaluator_free(&ce->ev[k]);
        if (ce->prep)
            cxm__prepared_free(&ce->prep[k]);
    }
    cxm__free(ce->z);
    cxm__free(ce->prep);
    cxm__free(ce->ev);
    cxm__free(ce->columns);
    memset(ce, 0, sizeof *ce);
}

/* The pattern of each row: rows with the same covariate values (bit for
 * bit, −0 = +0) share one. Fills ce->z and pattern[]; CXM_EINVAL beyond
 * MAX_PATTERNS. */
static int find_patterns(cxm__cov_eval *ce, size_t n, const double *purchase,
                         const double *dropout, uint32_t *pattern, size_t limit)
{
    const cxm__cov_spec *spec = ce->spec;
    size_t kp = spec->purchase_n, kd = spec->dropout_n, width = kp + kd;
    cxm__hash table;
    cxm__hash_init(&table);
    int status = CXM_OK;
    size_t capacity = 0;
    double row[CXM__MAX_PARAMS];
    for (size_t i = 0; i < n && status == CXM_OK; i++) {
        uint64_t h = table.seed;
        for (size_t c = 0; c < width; c++) {
            row[c] = c < kp ? purchase[i * kp + c] : dropout[i * kd + c - kp];
            if (row[c] == 0.0)
                row[c] = 0.0;
            h = cxm__hash_fold(h, cxm__hash_double(row[c]));
        }
        cxm__hash_probe p = cxm__hash_start(&table, cxm__mix64(h));
        size_t k;
        int found = 0;
        while (!found && cxm__hash_next(&table, &p, &k))
            found = memcmp(ce->z + k * width, row, width * sizeof *row) == 0;
        if (!found) {
            k = ce->patterns;
            if (k >= limit) {
                status = cxm__fail(CXM_EINVAL,
                                   "more than %u distinct covariate vectors: each is fitted as "
                                   "a group of its own, so bin continuous covariates (e.g. to "
                                   "deciles) first",
                                   MAX_PATTERNS);
                break;
            }
            if (k == capacity) {
                capacity = capacity ? 2 * capacity : 64;
                double *grown = cxm__realloc(ce->z, capacity * width * sizeof *grown);
                if (grown == NULL) {
                    status = CXM_ENOMEM;
                    break;
                }
                ce->z = grown;
            }
            memcpy(ce->z + k * width, row, width * sizeof *row);
            status = cxm__hash_insert(&table, &p, k);
            if (status == CXM_OK)
                ce->patterns++;
        }
        pattern[i] = (uint32_t)k;
    }
    cxm__hash_free(&table);
    return status;
}

/* Regroup the rows by pattern and prepare each pattern's rows on the base
 * kind (merging identical rows, grouping by x) with its own evaluator. */
static int prepare_patterns(cxm__cov_eval *ce, size_t n, const double *const *column,
                            const double *weights, const uint32_t *pattern, unsigned threads,
                            int compress)
{
    const cxm__kind *base = ce->spec->base;
    size_t ncol = base->ncolumns, P = ce->patterns;
    size_t *start = cxm__calloc(P + 1, sizeof *start);
    ce->columns = cxm__malloc((n ? n : 1) * (ncol + 1) * sizeof *ce->columns);
    ce->prep = cxm__calloc(P, sizeof *ce->prep);
    ce->ev = cxm__calloc(P, sizeof *ce->ev);
    if (!start || !ce->columns || !ce->prep || !ce->ev) {
        cxm__free(start);
        return CXM_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        start[pattern[i] + 1]++;
    for (size_t k = 0; k < P; k++)
        start[k + 1] += start[k];
    /* A counting sort: each pattern's rows in their original order. */
    size_t *next = cxm__malloc((P ? P : 1) * sizeof *next);
    if (next == NULL) {
        cxm__free(start);
        return CXM_ENOMEM;
    }
    memcpy(next, start, P * sizeof *next);
    for (size_t i = 0; i < n; i++) {
        size_t at = next[pattern[i]]++;
        for (size_t c = 0; c < ncol; c++)
            ce->columns[c * n + at] = column[c][i];
        ce->columns[ncol * n + at] = weights ? weights[i] : 1.0;
    }
    cxm__free(next);
    int status = CXM_OK;
    for (size_t k = 0; k < P && status == CXM_OK; k++) {
        size_t rows = start[k + 1] - start[k];
        const double *cols[CXM__MAX_COLUMNS];
        for (size_t c = 0; c < ncol; c++)
            cols[c] = ce->columns + c * n + start[k];
        status = cxm__prepare(&ce->prep[k], base, rows, cols, ce->columns + ncol * n + start[k],
                              compress);
        if (status == CXM_EINVAL) /* weights 0 only: nothing to sum */
            cxm_error_clear(), status = CXM_OK, ce->prep[k].data.n = 0;
        else if (status == CXM_OK)
            status = cxm__evaluator_init(&ce->ev[k], base, &ce->prep[k].data,
                                         cxm__thread_count(threads, rows, 32768));
    }
    cxm__free(start);
    return status;
}

/* The chain rule from one pattern's sums in φ (its base parameters) to the
 * sums in (θ, γ): gradient J'g, Hessian J'HJ + Σ_j g_j·∂²φ_j. */
static void add_pattern(const cxm__cov_spec *spec, const double *theta, const double *z,
                        const double *phi, const double *jac, const double *sub, int order,
                        double *acc)
{
    size_t pb = spec->base->nparams, P = spec->kind.nparams;
    acc[0] += sub[0];
    if (order < 1)
        return;
    const double *g = sub + 1, *H = sub + 1 + pb;
    for (size_t i = 0; i < P; i++)
        for (size_t j = 0; j < pb; j++)
            acc[1 + i] += jac[j * P + i] * g[j];
    if (order < 2)
        return;
    double *out = acc + 1 + P;
    for (size_t i = 0; i < P; i++)
        for (size_t k = 0; k < P; k++) {
            double sum = 0.0;
            for (size_t a = 0; a < pb; a++) {
                if (jac[a * P + i] == 0.0)
                    continue;
                for (size_t b = 0; b < pb; b++)
                    sum += jac[a * P + i] * H[a * pb + b] * jac[b * P + k];
            }
            out[i * P + k] += sum;
        }
    /* Second derivatives of φ_j = θ_j·exp(s·γ'z): ∂²/∂θ_j∂γ_c = s·z_c·φ_j/θ_j,
     * ∂²/∂γ_c∂γ_d = z_c·z_d·φ_j (s² = 1). */
    for (int set = 0; set < 2; set++) {
        const cxm__cov_target *targets =
            set == 0 ? spec->base->purchase_targets : spec->base->dropout_targets;
        size_t count = set == 0 ? spec->purchase_n : spec->dropout_n;
        const size_t *index = spec->index[set];
        const double *zs = z + (set == 0 ? 0 : spec->purchase_n);
        for (int t = 0; t < 2 && targets[t].sign != 0; t++) {
            size_t j = (size_t)targets[t].param;
            double s = targets[t].sign;
            for (size_t c = 0; c < count; c++) {
                double cross = g[j] * s * zs[c] * phi[j] / theta[j];
                out[j * P + index[c]] += cross;
                out[index[c] * P + j] += cross;
                for (size_t d = 0; d < count; d++)
                    out[index[c] * P + index[d]] += g[j] * zs[c] * zs[d] * phi[j];
            }
        }
    }
}

int cxm__cov_evaluate(cxm__cov_eval *ce, const double *params, int order, double *acc)
{
    const cxm__cov_spec *spec = ce->spec;
    size_t pb = spec->base->nparams, width = spec->purchase_n + spec->dropout_n;
    memset(acc, 0, cxm__acc_size(&spec->kind) * sizeof *acc);
    double phi[CXM__MAX_PARAMS], jac[CXM__MAX_PARAMS * CXM__MAX_PARAMS];
    double sub[1 + CXM__MAX_PARAMS + CXM__MAX_PARAMS * CXM__MAX_PARAMS];
    for (size_t k = 0; k < ce->patterns; k++) {
        if (ce->prep[k].data.n == 0)
            continue;
        const double *z = ce->z + k * width;
        customer_params(spec, params, z, phi, jac);
        /* Effects so large that a pattern's parameters leave the range a
         * fit may reach: no likelihood there (the optimiser steps back). */
        int valid = 1;
        for (size_t j = 0; j < pb; j++)
            valid = valid && isfinite(phi[j]) &&
                    (spec->base->scales[j] != CXM__SCALE_LOG ||
                     (phi[j] >= CXM__PARAM_MIN && phi[j] <= CXM__PARAM_MAX));
        if (!valid) {
            acc[0] = -INFINITY;
            return CXM_OK;
        }
        int status = cxm__evaluate(&ce->ev[k], phi, order, sub);
        if (status != CXM_OK)
            return status;
        add_pattern(spec, params, z, phi, jac, sub, order, acc);
    }
    return CXM_OK;
}

/* ------------------------------------------------------------------ the fit */

/* Every row valid and every covariate finite, named by row and covariate. */
static int check_fit_input(const cxm__cov_spec *spec, size_t n, const double *const *column,
                           const double *purchase, const double *dropout, const double *weights)
{
    size_t kp = spec->purchase_n, kd = spec->dropout_n;
    int status = cxm__check_arrays(n, 3, column[0], "x", column[1], "t_x", column[2], "T");
    if (status == CXM_OK && kp > 0)
        status = cxm__check_arrays(n, 1, purchase, "purchase");
    if (status == CXM_OK && kd > 0)
        status = cxm__check_arrays(n, 1, dropout, "dropout");
    if (status == CXM_OK)
        status = cxm__check_rows(spec->base, n, column);
    if (status == CXM_OK)
        status = cxm__check_weights(n, weights);
    if (status == CXM_OK)
        status = check_covariate_values(spec, n, purchase, dropout);
    return status;
}

/* Each set's covariates must vary and not be collinear (with the constant
 * the scale parameter already is): else their effects are not identified
 * and the Hessian is singular, which rounding can hide. Checked on the
 * weighted covariance of each set by Cholesky with pivots relative to the
 * diagonal. */
static int check_design(const cxm__cov_eval *ce, const uint32_t *pattern, size_t n,
                        const double *weights)
{
    const cxm__cov_spec *spec = ce->spec;
    size_t width = spec->purchase_n + spec->dropout_n;
    double *count = cxm__calloc(ce->patterns ? ce->patterns : 1, sizeof *count);
    if (count == NULL)
        return CXM_ENOMEM;
    double total = 0.0;
    for (size_t i = 0; i < n; i++) {
        double w = weights ? weights[i] : 1.0;
        count[pattern[i]] += w;
        total += w;
    }
    int status = CXM_OK;
    for (int set = 0; set < 2 && status == CXM_OK && total > 0.0; set++) {
        size_t k = set == 0 ? spec->purchase_n : spec->dropout_n;
        size_t first = set == 0 ? 0 : spec->purchase_n;
        double mean[CXM__MAX_PARAMS] = { 0 }, cov[CXM__MAX_PARAMS * CXM__MAX_PARAMS] = { 0 };
        for (size_t q = 0; q < ce->patterns; q++)
            for (size_t c = 0; c < k; c++)
                mean[c] += count[q] * ce->z[q * width + first + c] / total;
        for (size_t q = 0; q < ce->patterns; q++)
            for (size_t a = 0; a < k; a++)
                for (size_t b = 0; b < k; b++)
                    cov[a * k + b] += count[q] * (ce->z[q * width + first + a] - mean[a]) *
                                      (ce->z[q * width + first + b] - mean[b]) / total;
        for (size_t c = 0; c < k && status == CXM_OK; c++) {
            double diag = cov[c * k + c];
            for (size_t j = 0; j < c; j++)
                cov[c * k + c] -= cov[c * k + j] * cov[c * k + j];
            double pivot = cov[c * k + c], scale = diag + mean[c] * mean[c];
            const char *name = spec->names[spec->index[set][c]];
            if (!(diag > 1e-12 * (scale > 0.0 ? scale : 1.0)))
                status = cxm__fail(CXM_EINVAL,
                                   "covariate %s has the same value for every customer: its "
                                   "effect cannot be told from the model's own scale",
                                   name);
            else if (!(pivot > 1e-10 * diag))
                status = cxm__fail(CXM_EINVAL,
                                   "covariate %s is a linear combination of the %s covariates "
                                   "before it: their effects cannot be told apart",
                                   name, set == 0 ? "purchase" : "dropout");
            double root = sqrt(pivot);
            for (size_t r = c + 1; r < k && status == CXM_OK; r++) {
                double v = cov[r * k + c];
                for (size_t j = 0; j < c; j++)
                    v -= cov[r * k + j] * cov[c * k + j];
                cov[r * k + c] = v / root;
            }
            cov[c * k + c] = root;
        }
    }
    cxm__free(count);
    return status;
}

/* Large data: the same fit on one customer in k (about 20000 of them)
 * lands close to the optimum, so that the full data need only a few Newton
 * passes (as cxm__fit_start does without covariates). */
static int subsample_start(const cxm_model *model, size_t n, const double *const *column,
                           const double *purchase, const double *dropout, const double *weights,
                           const cxm_fit_options *opt, double *theta)
{
    const cxm__cov_spec *spec = model->cov;
    size_t kp = spec->purchase_n, kd = spec->dropout_n, stride = n / 20000;
    size_t m = (n + stride - 1) / stride;
    double *buf = cxm__malloc(m * (4 + kp + kd) * sizeof *buf);
    if (buf == NULL)
        return CXM_ENOMEM;
    double *x = buf, *tx = x + m, *T = tx + m, *w = T + m, *zp = w + m, *zd = zp + m * kp;
    for (size_t k = 0; k < m; k++) {
        /* One row at a pseudo-random place in each block of `stride`: every
         * k-th row would alias with covariates that cycle (i mod 2). */
        size_t i = k * stride + (size_t)(cxm__mix64(k + 1) % stride);
        if (i >= n)
            i = n - 1;
        x[k] = column[0][i], tx[k] = column[1][i], T[k] = column[2][i];
        w[k] = weights ? weights[i] : 1.0;
        if (kp)
            memcpy(zp + k * kp, purchase + i * kp, kp * sizeof *zp);
        if (kd)
            memcpy(zd + k * kd, dropout + i * kd, kd * sizeof *zd);
    }
    /* A copy of the handle shares the covariates; only its fit is used. */
    cxm_model sub = *model;
    cxm_fit_options o = *opt;
    o.flags &= ~(unsigned)CXM_FIT_WARM_START;
    o.tolerance = 1e-7;
    int status = cxm_model_fit_covariates(&sub, m, x, tx, T, kp ? zp : NULL, kd ? zd : NULL, w, &o);
    if (status == CXM_OK)
        memcpy(theta, sub.params, spec->kind.nparams * sizeof *theta);
    cxm__free(buf);
    return status;
}

/* Where Newton starts: the model's own parameters for a warm start, else
 * the fit without covariates (γ = 0 is that model), else the kind's default. */
static int covariate_start(const cxm_model *model, const cxm__cov_eval *ce, size_t n,
                           const double *const *column, const double *purchase,
                           const double *dropout, const double *weights,
                           const cxm_fit_options *opt, double *theta)
{
    const cxm__cov_spec *spec = model->cov;
    size_t pb = spec->base->nparams, P = spec->kind.nparams;
    if (opt->flags & CXM_FIT_WARM_START) {
        if (model->state == CXM_MODEL_EMPTY)
            return cxm__fail(CXM_ESTATE,
                             "CXM_FIT_WARM_START needs parameters to start from: set them first");
        memcpy(theta, model->params, P * sizeof *theta);
        return CXM_OK;
    }
    memset(theta, 0, P * sizeof *theta);
    if (n > 60000) {
        int sub = subsample_start(model, n, column, purchase, dropout, weights, opt, theta);
        if (sub == CXM_OK || sub == CXM_ENOMEM)
            return sub;
        cxm_error_clear();
    }
    cxm_model *plain = NULL;
    int status = cxm_model_create(&plain, spec->base->kind);
    if (status == CXM_OK) {
        cxm_fit_options o = *opt;
        o.flags &= ~(unsigned)CXM_FIT_WARM_START;
        o.purchase_penalty = o.dropout_penalty = 0.0; /* no effects to weigh */
        status = cxm__fit(plain, n, column, weights, &o);
    }
    if (status == CXM_OK)
        memcpy(theta, plain->params, pb * sizeof *theta);
    cxm_model_free(plain);
    if (status == CXM_ENOMEM)
        return status;
    if (status != CXM_OK) {
        cxm_error_clear();
        for (size_t k = 0; k < ce->patterns; k++)
            if (ce->prep[k].data.n > 0) {
                spec->base->default_start(&ce->prep[k].data, theta);
                break;
            }
    }
    return CXM_OK;
}

/* The rows of a fit, a start or a chunk as patterns, each prepared with its
 * evaluator; the design is checked for fits and starts only (a chunk may
 * hold one pattern of data whose covariates vary). Free ce after, also on
 * failure. */
static int build_patterns(cxm__cov_eval *ce, const cxm__cov_spec *spec, size_t n,
                          const double *const *column, const double *purchase,
                          const double *dropout, const double *weights, unsigned threads,
                          int compress, int check)
{
    memset(ce, 0, sizeof *ce);
    ce->spec = spec;
    uint32_t *pattern = cxm__malloc((n ? n : 1) * sizeof *pattern);
    if (pattern == NULL)
        return CXM_ENOMEM;
    int status = find_patterns(ce, n, purchase, dropout, pattern, MAX_PATTERNS);
    if (status == CXM_OK && check)
        status = check_design(ce, pattern, n, weights);
    if (status == CXM_OK)
        status = prepare_patterns(ce, n, column, weights, pattern, threads, compress);
    cxm__free(pattern);
    return status;
}

/* An evaluator over the patterns; totals gets the rows and weight summed. */
static void pattern_evaluator(cxm__evaluator *ev, cxm__data *totals, const cxm__kind *kind,
                              cxm__cov_eval *ce)
{
    memset(totals, 0, sizeof *totals);
    for (size_t k = 0; k < ce->patterns; k++) {
        totals->n += ce->prep[k].data.n;
        totals->total_weight += ce->prep[k].data.n ? ce->prep[k].data.total_weight : 0.0;
    }
    memset(ev, 0, sizeof *ev);
    ev->kind = kind;
    ev->data = totals;
    ev->cov = ce;
}

/* What a fit or a start takes: a model with covariates whose kind is a
 * purchase model, its options read, and rows that are valid. */
static int check_fit_call(cxm_fit_options *opt, const cxm_model *model, size_t n,
                          const double *const *column, const double *purchase,
                          const double *dropout, const double *weights,
                          const cxm_fit_options *options)
{
    int status = require_covariates(model);
    if (status == CXM_OK && model->kind->ncolumns != 3)
        status = cxm__fail(CXM_EUNSUPPORTED, "the %s model is not a purchase model",
                           model->kind->title);
    if (status == CXM_OK)
        status = cxm__read_fit_options(opt, options);
    if (status == CXM_OK)
        status = check_fit_input(model->cov, n, column, purchase, dropout, weights);
    if (status == CXM_OK && n == 0)
        status = cxm__fail(CXM_EINVAL, "no rows to fit the %s model on", model->kind->title);
    return status;
}

int cxm_model_fit_covariates(cxm_model *model, size_t n, const double *x, const double *t_x,
                             const double *T, const double *purchase, const double *dropout,
                             const double *weights, const cxm_fit_options *options)
{
    cxm_fit_options opt;
    const double *column[CXM__MAX_COLUMNS] = { x, t_x, T };
    int status = check_fit_call(&opt, model, n, column, purchase, dropout, weights, options);
    if (status != CXM_OK)
        return status;
    cxm__cov_eval ce;
    status = build_patterns(&ce, model->cov, n, column, purchase, dropout, weights, opt.threads,
                            !(opt.flags & CXM_FIT_NO_COMPRESS), 1);
    double theta[CXM__MAX_PARAMS];
    if (status == CXM_OK)
        status = covariate_start(model, &ce, n, column, purchase, dropout, weights, &opt, theta);
    if (status == CXM_OK) {
        cxm__data totals;
        cxm__evaluator ev;
        pattern_evaluator(&ev, &totals, model->kind, &ce);
        if (!(totals.total_weight > 0.0))
            status = cxm__fail(CXM_EINVAL, "no rows to fit the %s model on (every row has "
                               "weight 0)", model->kind->title);
        if (status == CXM_OK)
            status = cxm__fit_run(model, &ev, &opt, theta);
    }
    cov_eval_free(&ce);
    return status;
}

/* ------------------------------------------------------------------ chunked fits */

int cxm_model_start_covariates(double *dst, size_t dst_n, const cxm_model *model, size_t n,
                               const double *const *columns, const double *purchase,
                               const double *dropout, const double *weights,
                               const cxm_fit_options *options)
{
    int status = cxm__check_pointer(dst, "dst");
    if (status == CXM_OK)
        status = require_covariates(model);
    if (status == CXM_OK && dst_n != model->kind->nparams)
        status = cxm__fail(CXM_EINVAL, "dst has %zu elements where the %s model has %zu "
                           "parameters",
                           dst_n, model->kind->title, model->kind->nparams);
    if (status == CXM_OK && n > 0)
        status = cxm__check_pointer(columns, "columns");
    if (status != CXM_OK)
        return status;
    const double *column[CXM__MAX_COLUMNS] = { NULL, NULL, NULL };
    for (size_t c = 0; columns && c < 3; c++)
        column[c] = columns[c];
    cxm_fit_options opt;
    status = check_fit_call(&opt, model, n, column, purchase, dropout, weights, options);
    if (status != CXM_OK)
        return status;
    opt.flags &= ~(unsigned)CXM_FIT_WARM_START;
    cxm__cov_eval ce;
    status = build_patterns(&ce, model->cov, n, column, purchase, dropout, weights, opt.threads,
                            !(opt.flags & CXM_FIT_NO_COMPRESS), 1);
    double theta[CXM__MAX_PARAMS];
    if (status == CXM_OK)
        status = covariate_start(model, &ce, n, column, purchase, dropout, weights, &opt, theta);
    if (status == CXM_OK)
        memcpy(dst, theta, dst_n * sizeof *dst);
    cov_eval_free(&ce);
    return status;
}

/* The arguments of a chunk's likelihood other than its rows. */
static int check_chunk_call(size_t dst_n, const cxm_model *model, const double *params,
                            size_t nparams, int order, size_t n, const double *const *columns)
{
    int status = require_covariates(model);
    if (status != CXM_OK)
        return status;
    const cxm__kind *kind = model->kind;
    size_t size = cxm_model_chunk_size(model);
    if (kind->ncolumns != 3)
        status = cxm__fail(CXM_EUNSUPPORTED, "the %s model is not a purchase model", kind->title);
    if (status == CXM_OK && dst_n != size)
        status = cxm__fail(CXM_EINVAL, "dst has %zu elements where the %s model's chunk results "
                           "have %zu",
                           dst_n, kind->title, size);
    if (status == CXM_OK)
        status = cxm__check_pointer(params, "params");
    if (status == CXM_OK && nparams != kind->nparams)
        status = cxm__fail(CXM_EINVAL, "params has %zu elements where the %s model has %zu",
                           nparams, kind->title, kind->nparams);
    if (status == CXM_OK)
        status = cxm__check_kind_params(kind, params);
    if (status == CXM_OK && (order < 0 || order > 2))
        status = cxm__fail(CXM_EINVAL, "order %d is not 0, 1 or 2", order);
    if (status == CXM_OK && n > 0)
        status = cxm__check_pointer(columns, "columns");
    return status;
}

int cxm_model_chunk_loglik_covariates(double *dst, size_t dst_n, const cxm_model *model,
                                      const double *params, size_t nparams, int order, size_t n,
                                      const double *const *columns, const double *purchase,
                                      const double *dropout, const double *weights)
{
    int status = cxm__check_pointer(dst, "dst");
    if (status == CXM_OK)
        status = check_chunk_call(dst_n, model, params, nparams, order, n, columns);
    if (status != CXM_OK)
        return status;
    memset(dst, 0, dst_n * sizeof *dst);
    const double *column[CXM__MAX_COLUMNS] = { NULL, NULL, NULL };
    for (size_t c = 0; n > 0 && c < 3; c++)
        column[c] = columns[c];
    status = check_fit_input(model->cov, n, column, purchase, dropout, weights);
    if (status != CXM_OK || n == 0)
        return status;
    cxm__cov_eval ce;
    status = build_patterns(&ce, model->cov, n, column, purchase, dropout, weights,
                            model->threads, 1, 0);
    cxm__data totals;
    cxm__evaluator ev;
    if (status == CXM_OK)
        pattern_evaluator(&ev, &totals, model->kind, &ce);
    if (status == CXM_OK && totals.total_weight > 0.0) {
        double *acc = dst + CXM_CHUNK_LOGLIK;
        int analytic = order < 2 || model->kind->has_hessian;
        status = cxm__evaluate(&ev, params, analytic ? order : 1, acc);
        if (status == CXM_OK && !analytic)
            status = cxm__fd_hessian(&ev, params, acc + 1 + nparams);
        dst[CXM_CHUNK_WEIGHT] = totals.total_weight;
        dst[CXM_CHUNK_ROWS] = (double)totals.n;
    }
    if (status != CXM_OK)
        memset(dst, 0, dst_n * sizeof *dst);
    cov_eval_free(&ce);
    return status;
}

int cxm_model_covariate_groups(size_t *groups, size_t *dst, size_t n, const cxm_model *model,
                               const double *purchase, const double *dropout)
{
    int status = cxm__check_pointer(groups, "groups");
    if (status == CXM_OK)
        status = require_covariates(model);
    if (status == CXM_OK)
        status = cxm__check_arrays(n, 1, dst, "dst");
    if (status == CXM_OK && model->cov->purchase_n > 0)
        status = cxm__check_arrays(n, 1, purchase, "purchase");
    if (status == CXM_OK && model->cov->dropout_n > 0)
        status = cxm__check_arrays(n, 1, dropout, "dropout");
    if (status == CXM_OK && n > UINT32_MAX - 1)
        status = cxm__fail(CXM_EINVAL, "%zu customers: at most %u can be grouped", n,
                           UINT32_MAX - 1);
    const cxm__cov_spec *spec = model ? model->cov : NULL;
    if (status == CXM_OK)
        status = check_covariate_values(spec, n, purchase, dropout);
    if (status != CXM_OK)
        return status;
    cxm__cov_eval ce;
    memset(&ce, 0, sizeof ce);
    ce.spec = spec;
    uint32_t *pattern = cxm__malloc((n ? n : 1) * sizeof *pattern);
    if (pattern == NULL)
        return CXM_ENOMEM;
    status = find_patterns(&ce, n, purchase, dropout, pattern, (size_t)UINT32_MAX - 1);
    for (size_t i = 0; status == CXM_OK && i < n; i++)
        dst[i] = pattern[i];
    if (status == CXM_OK)
        *groups = ce.patterns;
    cxm__free(pattern);
    cxm__free(ce.z);
    return status;
}
