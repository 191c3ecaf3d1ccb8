/* PLSpredict (Shmueli, Ray, Velasquez Estrada & Chatla 2016, J. Business
 * Research 69(10); Shmueli et al. 2019, Eur. J. Marketing 53(11)): k-fold
 * cross-validated predictions of the endogenous constructs and of their
 * indicators, against the linear-model benchmark and the training mean.
 *
 * Every training sample is the data minus one fold, so its moments are the
 * full sums minus the fold's: one pass over the fold per estimate. Folds of
 * one repetition run in parallel; each writes only its own respondents'
 * predictions and its own error sums, combined in fold order, so the
 * numbers do not depend on the number of threads. */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "chain/pls.h"
#include "core/internal.h"
#include "core/json.h"
#include "numeric/linalg.h"
#include "numeric/parallel.h"
#include "numeric/rng.h"

enum { SERIES = 3, IND_SUMS = 5, CON_SUMS = 3 };
/* Error sums per indicator: PLS Σe², Σ|e|, LM Σe², Σ|e|, mean Σe²; per construct: PLS Σe², Σ|e|,
 * mean Σe². */
enum { PLS_SSE = 0, PLS_SAE = 1, LM_SSE = 2, LM_SAE = 3, MEAN_SSE = 4 };
enum { CON_SSE = 0, CON_SAE = 1, CON_MEAN_SSE = 2 };

struct cxm_pls_prediction {
    cxm_pls_model *model;
    cxm_pls_predict_info info;
    size_t n_rows;          /* rows of the caller's data */
    size_t count[2];        /* predicted indicators, constructs */
    size_t *index[2];       /* their indicator / construct numbers */
    double *metric[2];      /* level: 6 × count (constructs: the PLS three, then NaN) */
    double *values[2][SERIES]; /* level × series: n_rows × count; constructs have no LM */
    size_t *folds;          /* n_rows × repetitions */
};

/* What every fold shares. */
typedef struct predict_shared {
    const cxm_pls_result *full; /* the estimate on every respondent: plan, moments */
    const cxm_pls_predict_options *options;
    const double *x;          /* n × p, centred at full->mean */
    const size_t *row;        /* n: the data row of each respondent */
    size_t n;
    const double *sum, *cross; /* p, p × p: Σx, Σxxᵀ over every respondent */
    const size_t *fold;       /* n: this repetition's folds */
    size_t repetition;
    size_t n_exo_items;       /* distinct items of the exogenous constructs */
    const size_t *exo_items;
    unsigned char *exogenous; /* c */
    cxm_pls_prediction *out;
    double *sums;             /* folds × (IND_SUMS·count[0] + CON_SUMS·count[1]) */
} predict_shared;

/* Scratch of one fold. */
typedef struct fold_work {
    pls_work work;
    double *block;            /* everything below, one allocation */
    double *mean, *sd, *r;    /* p, p, p × p: training moments (centred means) */
    double *moment_mean;      /* p: raw training means for the core */
    double *estimate;         /* layout.total */
    double *z, *score, *eta;  /* p, c, c */
    double *lm_factor;        /* e × e: Cholesky factor of the exogenous items' correlations */
    double *beta;             /* count[0] × e: LM coefficients on standardized items */
    double *lm_scratch;       /* e × e + e */
} fold_work;

static void fold_work_free(fold_work *f)
{
    cxm__pls_work_free(&f->work);
    cxm__free(f->block);
}

static int fold_work_alloc(fold_work *f, const predict_shared *s)
{
    const pls_plan *plan = &s->full->plan;
    size_t p = plan->p, c = plan->c, e = s->n_exo_items, ni = s->out->count[0];
    memset(f, 0, sizeof *f);
    size_t size = 3 * p + p * p + p + s->full->layout.total + p + 2 * c + e * e + ni * e +
                  e * e + e + 1;
    f->block = cxm__malloc(size * sizeof *f->block);
    int status = f->block != NULL ? cxm__pls_work_alloc(&f->work, plan) : CXM_ENOMEM;
    if (status != CXM_OK) {
        cxm__free(f->block);
        f->block = NULL;
        return status;
    }
    f->mean = f->block;
    f->sd = f->mean + p;
    f->moment_mean = f->sd + p;
    f->r = f->moment_mean + p;
    f->estimate = f->r + p * p;
    f->z = f->estimate + s->full->layout.total;
    f->score = f->z + p;
    f->eta = f->score + c;
    f->lm_factor = f->eta + c;
    f->beta = f->lm_factor + e * e;
    f->lm_scratch = f->beta + ni * e;
    return CXM_OK;
}

/* Training moments: the full sums minus the fold's respondents. */
static int training_moments(fold_work *f, const predict_shared *s, size_t fold, size_t *n_train)
{
    size_t p = s->full->plan.p, n = 0;
    memcpy(f->mean, s->sum, p * sizeof *f->mean);
    memcpy(f->r, s->cross, p * p * sizeof *f->r);
    for (size_t i = 0; i < s->n; i++) {
        if (s->fold[i] != fold) {
            n++;
            continue;
        }
        const double *xi = s->x + i * p;
        for (size_t j = 0; j < p; j++) {
            f->mean[j] -= xi[j];
            for (size_t k = j; k < p; k++)
                f->r[j * p + k] -= xi[j] * xi[k];
        }
    }
    for (size_t j = 0; j < p; j++)
        f->mean[j] /= (double)n;
    for (size_t j = 0; j < p; j++)
        for (size_t k = j; k < p; k++)
            f->r[j * p + k] -= (double)n * f->mean[j] * f->mean[k];
    for (size_t j = 0; j < p; j++) {
        if (!(f->r[j * p + j] > 0))
            return cxm__fail(CXM_EDOMAIN, "item '%s' does not vary in the training sample",
                             s->full->plan.item_names[j]);
        f->sd[j] = sqrt(f->r[j * p + j] / (double)(n - 1));
    }
    for (size_t j = 0; j < p; j++) {
        double sj = sqrt(f->r[j * p + j]);
        for (size_t k = j + 1; k < p; k++)
            f->r[k * p + j] = f->r[j * p + k] = f->r[j * p + k] / (sj * sqrt(f->r[k * p + k]));
        f->r[j * p + j] = 1.0;
        f->moment_mean[j] = s->full->mean[j] + f->mean[j];
    }
    *n_train = n;
    return CXM_OK;
}

/* The linear benchmark on the training sample: for each predicted
 * indicator, standardized least squares on the exogenous items (without
 * the indicator's own item when it is one of them). */
static int fit_benchmark(fold_work *f, const predict_shared *s)
{
    const pls_plan *plan = &s->full->plan;
    size_t p = plan->p, e = s->n_exo_items, ni = s->out->count[0];
    for (size_t k = 0; k < ni; k++) {
        size_t y = plan->item[s->out->index[0][k]];
        double *a = f->lm_scratch, *beta = f->beta + k * e, *rhs = a + e * e;
        size_t m = 0;
        /* The predictors of this target: every exogenous item but y. */
        for (size_t u = 0; u < e; u++) {
            size_t iu = s->exo_items[u];
            beta[u] = 0;
            if (iu == y)
                continue;
            size_t cols = 0;
            for (size_t v = 0; v < e; v++)
                if (s->exo_items[v] != y)
                    a[m * e + cols++] = f->r[iu * p + s->exo_items[v]];
            rhs[m++] = f->r[iu * p + y];
        }
        /* Pack the m × m system contiguously for the factorisation. */
        for (size_t u = 0; u < m; u++)
            memmove(a + u * m, a + u * e, m * sizeof *a);
        if (cxm__cholesky(a, m) != CXM_OK)
            return cxm__fail(CXM_EDOMAIN, "the items of the exogenous constructs are collinear in "
                             "the training sample: the linear benchmark cannot be fitted");
        cxm__cholesky_solve(a, m, rhs);
        for (size_t u = 0, w = 0; u < e; u++)
            if (s->exo_items[u] != y)
                beta[u] = rhs[w++];
    }
    return CXM_OK;
}

/* Predict one held-out respondent and add its errors to the fold's sums. */
static void predict_one(fold_work *f, const predict_shared *s, size_t i, double *sums)
{
    const cxm_pls_result *full = s->full;
    const pls_plan *plan = &full->plan;
    const pls_layout *layout = &full->layout;
    cxm_pls_prediction *out = s->out;
    size_t p = plan->p, c = plan->c, e = s->n_exo_items, ni = out->count[0], nc = out->count[1];
    const double *xi = s->x + i * p, *w = f->estimate + layout->offset[CXM_PLS_WEIGHTS];
    const double *loadings = f->estimate + layout->offset[CXM_PLS_LOADINGS];
    const double *paths = f->estimate + layout->offset[CXM_PLS_PATHS];
    const double *total = f->estimate + layout->offset[CXM_PLS_TOTAL_EFFECTS];
    for (size_t j = 0; j < p; j++)
        f->z[j] = (xi[j] - f->mean[j]) / f->sd[j];
    for (size_t j = 0; j < c; j++) {
        double score = 0;
        for (size_t h = plan->start[j]; h < plan->start[j + 1]; h++)
            score += w[h] * f->z[plan->item[h]];
        f->score[j] = score;
    }
    for (size_t j = 0; j < c; j++) {
        double eta = 0;
        for (size_t k = 0; k < c && !s->exogenous[j]; k++) {
            if (s->options->approach == CXM_PLS_EARLIEST_ANTECEDENTS)
                eta += s->exogenous[k] ? total[k * c + j] * f->score[k] : 0.0;
            else
                eta += paths[k * c + j] * f->score[k];
        }
        f->eta[j] = eta;
    }
    size_t row = s->row[i];
    for (size_t k = 0; k < ni; k++) {
        size_t h = out->index[0][k], y = plan->item[h];
        double sd = f->sd[y], actual = xi[y] + full->mean[y];
        double mean = f->mean[y] + full->mean[y];
        double pls = mean + sd * loadings[h] * f->eta[plan->construct[h]];
        double lm = 0;
        for (size_t u = 0; u < e; u++)
            lm += f->beta[k * e + u] * f->z[s->exo_items[u]];
        lm = mean + sd * lm;
        double *sk = sums + IND_SUMS * k;
        sk[PLS_SSE] += (actual - pls) * (actual - pls);
        sk[PLS_SAE] += fabs(actual - pls);
        sk[LM_SSE] += (actual - lm) * (actual - lm);
        sk[LM_SAE] += fabs(actual - lm);
        sk[MEAN_SSE] += (actual - mean) * (actual - mean);
        out->values[0][CXM_PLS_PREDICT_PLS][row * ni + k] += pls;
        out->values[0][CXM_PLS_PREDICT_LM][row * ni + k] += lm;
    }
    double *cs = sums + IND_SUMS * ni;
    for (size_t k = 0; k < nc; k++) {
        size_t j = out->index[1][k];
        double error = f->score[j] - f->eta[j];
        cs[CON_SUMS * k + CON_SSE] += error * error;
        cs[CON_SUMS * k + CON_SAE] += fabs(error);
        cs[CON_SUMS * k + CON_MEAN_SSE] += f->score[j] * f->score[j]; /* the training mean is 0 */
        out->values[1][CXM_PLS_PREDICT_PLS][row * nc + k] += f->eta[j];
        out->values[1][CXM_PLS_PREDICT_ACTUAL][row * nc + k] += f->score[j];
    }
}

static int run_fold(void *context, size_t fold, size_t begin, size_t end)
{
    const predict_shared *s = context;
    const cxm_pls_result *full = s->full;
    (void)begin;
    (void)end;
    fold_work f;
    int status = fold_work_alloc(&f, s);
    if (status != CXM_OK)
        return status;
    size_t n_train = 0, iterations;
    status = training_moments(&f, s, fold, &n_train);
    pls_moments moments = { f.moment_mean, f.sd, full->low, full->range };
    if (status == CXM_OK)
        status = cxm__pls_core(&full->plan, f.r, &moments, &f.work, &full->layout, f.estimate,
                               &iterations, 0);
    if (status == CXM_OK)
        status = fit_benchmark(&f, s);
    if (status == CXM_OK) {
        size_t width = IND_SUMS * s->out->count[0] + CON_SUMS * s->out->count[1];
        double *sums = s->sums + fold * width;
        memset(sums, 0, width * sizeof *sums);
        for (size_t i = 0; i < s->n; i++)
            if (s->fold[i] == fold)
                predict_one(&f, s, i, sums);
    } else {
        char why[512];
        snprintf(why, sizeof why, "%s", cxm_error_message());
        status = cxm__fail(status, "repetition %zu, fold %zu (training sample of %zu respondents): %s",
                           s->repetition + 1, fold + 1, n_train, why);
    }
    fold_work_free(&f);
    return status;
}

/* ------------------------------------------------------------------ setup */

void cxm_pls_prediction_free(cxm_pls_prediction *prediction)
{
    if (prediction == NULL)
        return;
    cxm_pls_model_free(prediction->model);
    for (int level = 0; level < 2; level++) {
        cxm__free(prediction->index[level]);
        cxm__free(prediction->metric[level]);
        for (int series = 0; series < SERIES; series++)
            cxm__free(prediction->values[level][series]);
    }
    cxm__free(prediction->folds);
    cxm__free(prediction);
}

static int read_options(cxm_pls_predict_options *o, const cxm_pls_predict_options *given)
{
    static const size_t sizes[CXM_PLS_PREDICT_OPTIONS_VERSION] = {
        CXM__FIELDS_END(cxm_pls_predict_options, threads),
    };
    cxm_pls_predict_options_init(o);
    int status = cxm__options_read(o, given, sizes, CXM_PLS_PREDICT_OPTIONS_VERSION,
                                   "cxm_pls_predict_options");
    if (status != CXM_OK)
        return status;
    if (o->folds < 2)
        return cxm__fail(CXM_EINVAL, "PLSpredict needs at least 2 folds, got %zu", o->folds);
    if (o->repetitions < 1 || o->repetitions > 10000)
        return cxm__fail(CXM_EINVAL, "repetitions must be 1 to 10000, got %zu", o->repetitions);
    if ((unsigned)o->approach > CXM_PLS_DIRECT_ANTECEDENTS)
        return cxm__fail(CXM_EINVAL, "prediction approach %d does not exist", (int)o->approach);
    return CXM_OK;
}

/* The predicted indicators and constructs (those of endogenous constructs),
 * the exogenous items, and the output arrays. */
static int prediction_layout(cxm_pls_prediction *out, predict_shared *s, size_t *exo_items)
{
    const pls_plan *plan = &s->full->plan;
    size_t c = plan->c, q = plan->q, p = plan->p, n_rows = out->n_rows;
    for (size_t j = 0; j < c; j++)
        s->exogenous[j] = plan->n_pred[j] == 0;
    out->index[0] = cxm__calloc(q, sizeof *out->index[0]);
    out->index[1] = cxm__calloc(c, sizeof *out->index[1]);
    if (out->index[0] == NULL || out->index[1] == NULL)
        return CXM_ENOMEM;
    for (size_t h = 0; h < q; h++)
        if (!s->exogenous[plan->construct[h]])
            out->index[0][out->count[0]++] = h;
    for (size_t j = 0; j < c; j++)
        if (!s->exogenous[j])
            out->index[1][out->count[1]++] = j;
    size_t e = 0;
    for (size_t i = 0; i < p; i++) {
        int exo = 0;
        for (size_t h = 0; h < q; h++)
            exo |= plan->item[h] == i && s->exogenous[plan->construct[h]];
        if (exo)
            exo_items[e++] = i;
    }
    s->n_exo_items = e;
    s->exo_items = exo_items;
    for (int level = 0; level < 2; level++) {
        size_t count = out->count[level];
        out->metric[level] = cxm__malloc(6 * (count ? count : 1) * sizeof(double));
        if (out->metric[level] == NULL)
            return CXM_ENOMEM;
        for (int series = 0; series < SERIES; series++) {
            if (level == 1 && series == CXM_PLS_PREDICT_LM)
                continue;
            out->values[level][series] = cxm__calloc(n_rows * count + 1, sizeof(double));
            if (out->values[level][series] == NULL)
                return CXM_ENOMEM;
        }
    }
    out->folds = cxm__malloc((n_rows * out->info.repetitions + 1) * sizeof *out->folds);
    return out->folds != NULL ? CXM_OK : CXM_ENOMEM;
}

/* The respondents the estimate used (complete rows, or all with missing
 * answers replaced by the means), centred at the estimate's means. */
static int prediction_data(predict_shared *s, double **x_out, size_t **row_out,
                           const size_t *column, size_t n_rows, size_t n_columns,
                           const double *data, cxm_pls_missing missing)
{
    const cxm_pls_result *full = s->full;
    size_t p = full->plan.p, n = full->info.rows;
    double *x = cxm__malloc((n * p + p + p * p) * sizeof *x);
    size_t *row = cxm__malloc(n * sizeof *row);
    if (x == NULL || row == NULL) {
        cxm__free(x);
        cxm__free(row);
        return CXM_ENOMEM;
    }
    size_t used = 0;
    for (size_t i = 0; i < n_rows && used < n; i++) {
        int complete = 1;
        for (size_t j = 0; j < p; j++)
            complete &= !isnan(data[i * n_columns + column[j]]);
        if (!complete && missing == CXM_PLS_LISTWISE)
            continue;
        for (size_t j = 0; j < p; j++) {
            double v = data[i * n_columns + column[j]];
            x[used * p + j] = isnan(v) ? 0.0 : v - full->mean[j];
        }
        row[used++] = i;
    }
    double *sum = x + n * p, *cross = sum + p;
    memset(sum, 0, (p + p * p) * sizeof *sum);
    for (size_t i = 0; i < n; i++) {
        const double *xi = x + i * p;
        for (size_t j = 0; j < p; j++) {
            sum[j] += xi[j];
            for (size_t k = j; k < p; k++)
                cross[j * p + k] += xi[j] * xi[k];
        }
    }
    s->x = x;
    s->row = row;
    s->n = n;
    s->sum = sum;
    s->cross = cross;
    *x_out = x;
    *row_out = row;
    return CXM_OK;
}

/* Shuffle the respondents with the repetition's stream and cut the order
 * into k nearly equal folds. */
static void draw_folds(size_t *fold, size_t *order, size_t n, size_t k, cxm_rng *rng)
{
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = n; i-- > 1;) {
        size_t j = (size_t)cxm__rng_below(rng, (uint64_t)i + 1);
        size_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (size_t pos = 0; pos < n; pos++)
        fold[order[pos]] = pos * k / n;
}

/* Add a repetition's fold sums (in fold order) to the totals. */
static void add_sums(double *totals, const double *sums, size_t folds, size_t width)
{
    for (size_t f = 0; f < folds; f++)
        for (size_t k = 0; k < width; k++)
            totals[k] += sums[f * width + k];
}

static void finish_metrics(cxm_pls_prediction *out, const double *totals)
{
    double count = (double)out->info.rows * (double)out->info.repetitions;
    size_t ni = out->count[0], nc = out->count[1];
    for (size_t k = 0; k < ni; k++) {
        const double *t = totals + IND_SUMS * k;
        double *m = out->metric[0];
        m[CXM_PLS_PREDICT_RMSE * ni + k] = sqrt(t[PLS_SSE] / count);
        m[CXM_PLS_PREDICT_MAE * ni + k] = t[PLS_SAE] / count;
        m[CXM_PLS_PREDICT_Q2 * ni + k] = 1.0 - t[PLS_SSE] / t[MEAN_SSE];
        m[CXM_PLS_PREDICT_LM_RMSE * ni + k] = sqrt(t[LM_SSE] / count);
        m[CXM_PLS_PREDICT_LM_MAE * ni + k] = t[LM_SAE] / count;
        m[CXM_PLS_PREDICT_LM_Q2 * ni + k] = 1.0 - t[LM_SSE] / t[MEAN_SSE];
    }
    for (size_t k = 0; k < nc; k++) {
        const double *t = totals + IND_SUMS * ni + CON_SUMS * k;
        double *m = out->metric[1];
        m[CXM_PLS_PREDICT_RMSE * nc + k] = sqrt(t[CON_SSE] / count);
        m[CXM_PLS_PREDICT_MAE * nc + k] = t[CON_SAE] / count;
        m[CXM_PLS_PREDICT_Q2 * nc + k] = 1.0 - t[CON_SSE] / t[CON_MEAN_SSE];
        for (int metric = CXM_PLS_PREDICT_LM_RMSE; metric <= CXM_PLS_PREDICT_LM_Q2; metric++)
            m[(size_t)metric * nc + k] = NAN;
    }
}

/* Averages over the repetitions; NaN for respondents left out; the
 * answers (NaN where missing, even when mean replacement filled them in). */
static void finish_values(cxm_pls_prediction *out, const predict_shared *s,
                          const size_t *column, size_t n_columns, const double *data)
{
    size_t n_rows = out->n_rows, r = out->info.repetitions;
    const size_t *fold = out->folds; /* SIZE_MAX: left out */
    for (int level = 0; level < 2; level++) {
        size_t count = out->count[level];
        for (size_t row = 0; row < n_rows; row++)
            for (size_t k = 0; k < count; k++) {
                size_t at = row * count + k;
                for (int series = 0; series < SERIES; series++) {
                    double *v = out->values[level][series];
                    if (v == NULL)
                        continue;
                    if (fold[row * r] == SIZE_MAX)
                        v[at] = NAN;
                    else if (level == 0 && series == CXM_PLS_PREDICT_ACTUAL)
                        v[at] = data[row * n_columns +
                                     column[s->full->plan.item[out->index[0][k]]]];
                    else
                        v[at] /= (double)r;
                }
            }
    }
}

static int run_repetitions(cxm_pls_prediction *out, predict_shared *s, double *totals,
                           size_t *fold, size_t *order)
{
    const cxm_pls_predict_options *o = s->options;
    size_t width = IND_SUMS * out->count[0] + CON_SUMS * out->count[1];
    unsigned threads = cxm__thread_count((unsigned)o->threads, s->n * o->folds, 20000);
    cxm_rng master;
    cxm__rng_seed(&master, (uint64_t)o->seed);
    int status = CXM_OK;
    for (size_t rep = 0; status == CXM_OK && rep < o->repetitions; rep++) {
        cxm_rng stream;
        cxm__rng_split(&stream, &master);
        draw_folds(fold, order, s->n, o->folds, &stream);
        for (size_t row = 0; row < out->n_rows; row++)
            out->folds[row * o->repetitions + rep] = SIZE_MAX;
        for (size_t i = 0; i < s->n; i++)
            out->folds[s->row[i] * o->repetitions + rep] = fold[i];
        s->fold = fold;
        s->repetition = rep;
        status = cxm__parallel_blocks(o->folds, 1, threads, run_fold, s);
        if (status == CXM_OK)
            add_sums(totals, s->sums, o->folds, width);
    }
    return status;
}

int cxm_pls_predict(cxm_pls_prediction **out, const cxm_pls_model *model, size_t n_rows,
                    size_t n_columns, const double *data, const char *const *column_names,
                    const cxm_pls_options *estimation, const cxm_pls_predict_options *options)
{
    cxm_pls_options est;
    cxm_pls_predict_options opt;
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        *out = NULL;
    if (status == CXM_OK)
        status = cxm__pls_options_read(&est, estimation);
    if (status == CXM_OK)
        status = read_options(&opt, options);
    if (status != CXM_OK)
        return status;
    est.bootstrap = 0;
    est.bca = 0;
    cxm_pls_result *full = NULL;
    status = cxm_pls_estimate(&full, model, n_rows, n_columns, data, column_names, &est);
    if (status != CXM_OK)
        return status;
    size_t n = full->info.rows, c = full->plan.c, p = full->plan.p;
    size_t smallest_training = n - (n + opt.folds - 1) / opt.folds;
    if (opt.folds > n || smallest_training < 3 || smallest_training <= c) {
        cxm_pls_result_free(full);
        return cxm__fail(CXM_EINVAL, "%zu folds of %zu respondents leave training samples too "
                         "small to estimate %zu constructs", opt.folds, n, c);
    }
    cxm_pls_prediction *res = cxm__calloc(1, sizeof *res);
    predict_shared s = { full, &opt, NULL, NULL, 0, NULL, NULL, NULL, 0, 0, NULL, NULL, res, NULL };
    size_t *column = cxm__malloc((2 * p + 2 * n + 1) * sizeof *column);
    s.exogenous = cxm__calloc(c, 1);
    double *x = NULL, *totals = NULL;
    size_t *row = NULL;
    status = res && column && s.exogenous ? CXM_OK : CXM_ENOMEM;
    if (status == CXM_OK) {
        res->n_rows = n_rows;
        res->info = (cxm_pls_predict_info){ n, full->info.rows_dropped, opt.folds, opt.repetitions,
                                            (int)opt.approach };
        status = cxm__pls_model_copy(&res->model, model);
    }
    if (status == CXM_OK)
        status = prediction_layout(res, &s, column + p);
    if (status == CXM_OK)
        status = cxm__pls_map_columns(column, model, n_columns, column_names);
    if (status == CXM_OK)
        status = prediction_data(&s, &x, &row, column, n_rows, n_columns, data, est.missing);
    size_t width = status == CXM_OK ? IND_SUMS * res->count[0] + CON_SUMS * res->count[1] : 0;
    if (status == CXM_OK) {
        s.sums = cxm__calloc(opt.folds * width + 1, sizeof *s.sums);
        totals = cxm__calloc(width + 1, sizeof *totals);
        status = s.sums && totals ? CXM_OK : CXM_ENOMEM;
    }
    if (status == CXM_OK)
        status = run_repetitions(res, &s, totals, column + 2 * p, column + 2 * p + n);
    if (status == CXM_OK) {
        finish_metrics(res, totals);
        finish_values(res, &s, column, n_columns, data);
    }
    cxm__free(x);
    cxm__free(row);
    cxm__free(column);
    cxm__free(totals);
    cxm__free(s.sums);
    cxm__free(s.exogenous);
    cxm_pls_result_free(full);
    if (status != CXM_OK) {
        cxm_pls_prediction_free(res);
        return status;
    }
    *out = res;
    return CXM_OK;
}

/* ------------------------------------------------------------------ results */

int cxm_pls_prediction_info(cxm_pls_predict_info *out, const cxm_pls_prediction *prediction)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = cxm__check_pointer(prediction, "prediction");
    if (status == CXM_OK)
        *out = prediction->info;
    return status;
}

size_t cxm_pls_prediction_count(const cxm_pls_prediction *prediction, cxm_pls_predict_level level)
{
    if (prediction == NULL || (unsigned)level > CXM_PLS_PREDICT_CONSTRUCTS)
        return 0;
    return prediction->count[level];
}

size_t cxm_pls_prediction_index(const cxm_pls_prediction *prediction, cxm_pls_predict_level level,
                                size_t k)
{
    if (k >= cxm_pls_prediction_count(prediction, level))
        return SIZE_MAX;
    return prediction->index[level][k];
}

static int check_level(size_t n, const void *dst, const cxm_pls_prediction *prediction,
                       cxm_pls_predict_level level, size_t rows, const char *what)
{
    int status = cxm__check_pointer(prediction, "prediction");
    if (status != CXM_OK)
        return status;
    if ((unsigned)level > CXM_PLS_PREDICT_CONSTRUCTS)
        return cxm__fail(CXM_EINVAL, "prediction level %d does not exist", (int)level);
    size_t need = rows * prediction->count[level];
    if (n != need)
        return cxm__fail(CXM_EINVAL, "%s has %zu values, got room for %zu", what, need, n);
    return n > 0 ? cxm__check_pointer(dst, "dst") : CXM_OK;
}

int cxm_pls_prediction_metric(double *dst, size_t n, const cxm_pls_prediction *prediction,
                              cxm_pls_predict_level level, cxm_pls_predict_metric metric)
{
    int status = check_level(n, dst, prediction, level, 1, "this level");
    if (status != CXM_OK)
        return status;
    if ((unsigned)metric > CXM_PLS_PREDICT_LM_Q2)
        return cxm__fail(CXM_EINVAL, "prediction metric %d does not exist", (int)metric);
    if (level == CXM_PLS_PREDICT_CONSTRUCTS && metric >= CXM_PLS_PREDICT_LM_RMSE)
        return cxm__fail(CXM_EINVAL, "the linear benchmark predicts indicators, not constructs");
    if (n > 0)
        memcpy(dst, prediction->metric[level] + (size_t)metric * n, n * sizeof *dst);
    return CXM_OK;
}

int cxm_pls_prediction_values(double *dst, size_t n, const cxm_pls_prediction *prediction,
                              cxm_pls_predict_level level, cxm_pls_predict_series series)
{
    int status = check_level(n, dst, prediction, level, prediction ? prediction->n_rows : 0,
                             "the series (rows × predicted values)");
    if (status != CXM_OK)
        return status;
    if ((unsigned)series > CXM_PLS_PREDICT_ACTUAL)
        return cxm__fail(CXM_EINVAL, "prediction series %d does not exist", (int)series);
    if (level == CXM_PLS_PREDICT_CONSTRUCTS && series == CXM_PLS_PREDICT_LM)
        return cxm__fail(CXM_EINVAL, "the linear benchmark predicts indicators, not constructs");
    if (n > 0)
        memcpy(dst, prediction->values[level][series], n * sizeof *dst);
    return CXM_OK;
}

int cxm_pls_prediction_folds(size_t *dst, size_t n, const cxm_pls_prediction *prediction)
{
    int status = cxm__check_pointer(prediction, "prediction");
    if (status != CXM_OK)
        return status;
    size_t need = prediction->n_rows * prediction->info.repetitions;
    if (n != need)
        return cxm__fail(CXM_EINVAL, "the folds have %zu values (rows × repetitions), got room "
                         "for %zu", need, n);
    if (n > 0 && (status = cxm__check_pointer(dst, "dst")) == CXM_OK)
        memcpy(dst, prediction->folds, n * sizeof *dst);
    return status;
}

/* ------------------------------------------------------------------ JSON */

static int add_metric(cJSON *object, const char *key, double value)
{
    cJSON *item = isfinite(value) ? cJSON_CreateNumber(value) : cJSON_CreateNull();
    return item != NULL && cJSON_AddItemToObject(object, key, item);
}

/* {"rmse": , "mae": , "q2_predict": } of metrics first, first + 1, first + 2. */
static int add_metrics(cJSON *parent, const char *key, const cxm_pls_prediction *p, int level,
                       size_t k, int first)
{
    cJSON *o = cJSON_AddObjectToObject(parent, key);
    size_t count = p->count[level];
    const double *m = p->metric[level];
    return o != NULL && add_metric(o, "rmse", m[(size_t)first * count + k]) &&
           add_metric(o, "mae", m[(size_t)(first + 1) * count + k]) &&
           add_metric(o, "q2_predict", m[(size_t)(first + 2) * count + k]);
}

static cJSON *prediction_cjson(const cxm_pls_prediction *p)
{
    static const char *const approaches[] = { "earliest antecedents", "direct antecedents" };
    const cxm_pls_model *m = p->model;
    cJSON *root = cJSON_CreateObject(), *settings, *arr;
    int ok = root != NULL && (settings = cJSON_AddObjectToObject(root, "prediction")) != NULL;
    ok = ok && add_metric(settings, "rows", (double)p->info.rows) &&
         add_metric(settings, "rows_dropped", (double)p->info.rows_dropped) &&
         add_metric(settings, "folds", (double)p->info.folds) &&
         add_metric(settings, "repetitions", (double)p->info.repetitions) &&
         cJSON_AddStringToObject(settings, "approach", approaches[p->info.approach]) != NULL;
    ok = ok && (arr = cJSON_AddArrayToObject(root, "indicators")) != NULL;
    for (size_t k = 0; ok && k < p->count[0]; k++) {
        size_t h = p->index[0][k];
        cJSON *o = cJSON_CreateObject();
        ok = o != NULL && cJSON_AddItemToArray(arr, o);
        ok = ok && cJSON_AddStringToObject(o, "construct",
                                           cxm_pls_model_construct_name(
                                               m, cxm_pls_model_indicator_construct(m, h))) != NULL;
        ok = ok && cJSON_AddStringToObject(o, "item", cxm_pls_model_indicator_name(m, h)) != NULL;
        ok = ok && add_metrics(o, "pls", p, 0, k, CXM_PLS_PREDICT_RMSE) &&
             add_metrics(o, "lm", p, 0, k, CXM_PLS_PREDICT_LM_RMSE);
    }
    ok = ok && (arr = cJSON_AddArrayToObject(root, "constructs")) != NULL;
    for (size_t k = 0; ok && k < p->count[1]; k++) {
        cJSON *o = cJSON_CreateObject();
        ok = o != NULL && cJSON_AddItemToArray(arr, o);
        ok = ok && cJSON_AddStringToObject(o, "name",
                                           cxm_pls_model_construct_name(m, p->index[1][k])) != NULL;
        ok = ok && add_metrics(o, "pls", p, 1, k, CXM_PLS_PREDICT_RMSE);
    }
    if (!ok) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

int cxm_pls_prediction_to_json(char **out, const cxm_pls_prediction *prediction)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = cxm__check_pointer(prediction, "prediction");
    if (status != CXM_OK)
        return status;
    cJSON *root = prediction_cjson(prediction);
    if (root == NULL)
        return cxm__fail(CXM_ENOMEM, "out of memory while writing JSON");
    char *printed = cJSON_Print(root);
    cJSON_Delete(root);
    return cxm__json_take(out, printed);
}
