/* Public predictions, lifetime value and simulation: argument checks here,
 * the mathematics in each kind's hooks, large inputs split over threads. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clv/model_engine.h"
#include "core/internal.h"

/* ------------------------------------------------------------------ row-wise hooks */

typedef struct predict_job {
    const double *t, *x, *t_x, *T, *count;
    double rate;
    double *dst;
    int which;
} predict_job;

enum { JOB_P_ALIVE, JOB_EXPECTED, JOB_CONDITIONAL, JOB_PROBABILITY, JOB_DERT, JOB_COND_PROB };

static int predict_hook(const cxm_model *model, const predict_job *job, size_t begin, size_t n)
{
    const cxm__kind *k = model->kind;
    const double *p = model->params;
    switch (job->which) {
    case JOB_P_ALIVE:
        return k->p_alive(p, job->dst + begin, n, job->x + begin, job->t_x + begin,
                          job->T + begin);
    case JOB_EXPECTED:
        return k->expected_purchases(p, job->dst + begin, n, job->t + begin);
    case JOB_CONDITIONAL:
        return k->conditional_purchases(p, job->dst + begin, n, job->t + begin, job->x + begin,
                                        job->t_x + begin, job->T + begin);
    case JOB_PROBABILITY:
        return k->purchase_probability(p, job->dst + begin, n, job->count + begin,
                                       job->t + begin);
    case JOB_COND_PROB:
        return k->conditional_probability(p, job->dst + begin, n, job->count + begin,
                                          job->t + begin, job->x + begin, job->t_x + begin,
                                          job->T + begin);
    default:
        return k->dert(p, job->dst + begin, n, job->rate, job->x + begin, job->t_x + begin,
                       job->T + begin);
    }
}

static int predict_rows(const cxm_model *model, void *context, size_t begin, size_t end)
{
    static const char *const what[] = { "P(alive)", "the expected number of purchases",
                                        "the conditional expected number of purchases",
                                        "the probability", "DERT",
                                        "the conditional probability" };
    predict_job *job = context;
    int status = predict_hook(model, job, begin, end - begin);
    return status == CXM_OK ? cxm__check_results(job->dst, begin, end, what[job->which])
                            : status;
}

int cxm_model_p_alive(double *dst, size_t n, const cxm_model *model, const double *x,
                      const double *t_x, const double *T)
{
    int status = cxm__require_hook(model, model ? (const void *)model->kind->p_alive : NULL,
                                   "P(alive)");
    if (status == CXM_OK)
        status = cxm__check_arrays(n, 4, dst, "dst", x, "x", t_x, "t_x", T, "T");
    if (status == CXM_OK)
        status = cxm__check_purchase_rows(model, n, x, t_x, T);
    if (status != CXM_OK)
        return status;
    predict_job job = { NULL, x, t_x, T, NULL, 0.0, dst, JOB_P_ALIVE };
    return cxm__run_rows(model, n, predict_rows, &job);
}

int cxm_model_expected_purchases(double *dst, size_t n, const cxm_model *model, const double *t)
{
    int status = cxm__require_hook(
        model, model ? (const void *)model->kind->expected_purchases : NULL, "expected purchases");
    if (status == CXM_OK)
        status = cxm__check_arrays(n, 2, dst, "dst", t, "t");
    if (status == CXM_OK)
        status = cxm__check_times(n, t, "t");
    if (status != CXM_OK)
        return status;
    predict_job job = { t, NULL, NULL, NULL, NULL, 0.0, dst, JOB_EXPECTED };
    return cxm__run_rows(model, n, predict_rows, &job);
}

int cxm_model_conditional_purchases(double *dst, size_t n, const cxm_model *model,
                                    const double *t, const double *x, const double *t_x,
                                    const double *T)
{
    int status = cxm__require_hook(
        model, model ? (const void *)model->kind->conditional_purchases : NULL,
        "conditional expected purchases");
    if (status == CXM_OK)
        status = cxm__check_arrays(n, 5, dst, "dst", t, "t", x, "x", t_x, "t_x", T, "T");
    if (status == CXM_OK)
        status = cxm__check_times(n, t, "t");
    if (status == CXM_OK)
        status = cxm__check_purchase_rows(model, n, x, t_x, T);
    if (status != CXM_OK)
        return status;
    predict_job job = { t, x, t_x, T, NULL, 0.0, dst, JOB_CONDITIONAL };
    return cxm__run_rows(model, n, predict_rows, &job);
}

int cxm_model_purchase_probability(double *dst, size_t n, const cxm_model *model,
                                   const double *count, const double *t)
{
    int status = cxm__require_hook(
        model, model ? (const void *)model->kind->purchase_probability : NULL,
        "purchase-count probabilities");
    if (status == CXM_OK)
        status = cxm__check_arrays(n, 3, dst, "dst", count, "count", t, "t");
    if (status == CXM_OK)
        status = cxm__check_times(n, t, "t");
    for (size_t i = 0; status == CXM_OK && i < n; i++)
        status = cxm__check_count(count[i], "count", i);
    if (status != CXM_OK)
        return status;
    predict_job job = { t, NULL, NULL, NULL, count, 0.0, dst, JOB_PROBABILITY };
    return cxm__run_rows(model, n, predict_rows, &job);
}

int cxm_model_conditional_purchase_probability(double *dst, size_t n, const cxm_model *model,
                                               const double *count, const double *t,
                                               const double *x, const double *t_x,
                                               const double *T)
{
    int status = cxm__require_hook(
        model, model ? (const void *)model->kind->conditional_probability : NULL,
        "conditional purchase-count probabilities");
    if (status == CXM_OK)
        status = cxm__check_arrays(n, 6, dst, "dst", count, "count", t, "t", x, "x", t_x,
                                   "t_x", T, "T");
    if (status == CXM_OK)
        status = cxm__check_times(n, t, "t");
    for (size_t i = 0; status == CXM_OK && i < n; i++)
        status = cxm__check_count(count[i], "count", i);
    if (status == CXM_OK)
        status = cxm__check_purchase_rows(model, n, x, t_x, T);
    if (status != CXM_OK)
        return status;
    predict_job job = { t, x, t_x, T, count, 0.0, dst, JOB_COND_PROB };
    return cxm__run_rows(model, n, predict_rows, &job);
}

int cxm_model_dert(double *dst, size_t n, const cxm_model *model, double rate, const double *x,
                   const double *t_x, const double *T)
{
    int status = cxm__require_hook(model, model ? (const void *)model->kind->dert : NULL,
                                   "discounted expected residual transactions");
    if (status == CXM_OK && !(isfinite(rate) && rate > 0.0))
        status = cxm__fail(CXM_EINVAL,
                           "discount rate %g must be a finite number greater than 0 (without "
                           "discounting the expected residual transactions may be infinite)",
                           rate);
    /* Below it the discounted sums span more than a double's range of
     * magnitudes (and they grow like a power of 1/rate). */
    if (status == CXM_OK && rate < CXM__DERT_MIN_RATE)
        status = cxm__fail(CXM_EDOMAIN, "discount rate %g is below %g, the smallest supported",
                           rate, CXM__DERT_MIN_RATE);
    if (status == CXM_OK)
        status = cxm__check_arrays(n, 4, dst, "dst", x, "x", t_x, "t_x", T, "T");
    if (status == CXM_OK)
        status = cxm__check_purchase_rows(model, n, x, t_x, T);
    if (status != CXM_OK)
        return status;
    predict_job job = { NULL, x, t_x, T, NULL, rate, dst, JOB_DERT };
    return cxm__run_rows(model, n, predict_rows, &job);
}

/* ------------------------------------------------------------------ tracking and holdout */

typedef struct birth {
    double time, weight;
} birth;

static int compare_births(const void *a, const void *b)
{
    double x = ((const birth *)a)->time, y = ((const birth *)b)->time;
    return (x > y) - (x < y);
}

int cxm_model_tracking(double *dst, size_t n_times, const cxm_model *model, const double *times,
                       size_t n, const double *first, const double *weights)
{
    int status = cxm__require_hook(
        model, model ? (const void *)model->kind->expected_purchases : NULL, "tracking curves");
    if (status == CXM_OK)
        status = cxm__check_arrays(n_times, 2, dst, "dst", times, "times");
    if (status == CXM_OK)
        status = cxm__check_arrays(n, 1, first, "first");
    for (size_t j = 0; status == CXM_OK && j < n_times; j++)
        status = cxm__check_finite(times[j], "times");
    for (size_t i = 0; status == CXM_OK && i < n; i++) {
        status = cxm__check_finite(first[i], "first");
        if (status == CXM_OK && weights && (!isfinite(weights[i]) || weights[i] < 0.0))
            status = cxm__fail(CXM_EINVAL, "element %zu: weight %g must be a finite number >= 0",
                               i, weights[i]);
        if (status != CXM_OK)
            cxm__fail_prefix("element %zu: ", i);
    }
    if (status != CXM_OK || n_times == 0)
        return status;

    /* Customers who started at the same time share their expectations. */
    birth *births = cxm__malloc((n ? n : 1) * sizeof *births);
    if (births == NULL)
        return CXM_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        births[i].time = first[i];
        births[i].weight = weights ? weights[i] : 1.0;
    }
    qsort(births, n, sizeof *births, compare_births);
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++) {
        if (distinct > 0 && births[distinct - 1].time == births[i].time)
            births[distinct - 1].weight += births[i].weight;
        else
            births[distinct++] = births[i];
    }
    for (size_t j = 0; j < n_times; j++) {
        double total = 0.0;
        for (size_t k = 0; k < distinct && births[k].time < times[j]; k++) {
            double age = times[j] - births[k].time, value;
            if (!isfinite(age)) {
                status = cxm__fail(CXM_EDOMAIN,
                                   "element %zu: the time %g since a first purchase at %g is "
                                   "beyond the largest a double holds",
                                   j, times[j], births[k].time);
                break;
            }
            status = model->kind->expected_purchases(model->params, &value, 1, &age);
            if (status != CXM_OK)
                break;
            total += births[k].weight * value;
        }
        if (status != CXM_OK)
            break;
        dst[j] = total;
    }
    cxm__free(births);
    return status == CXM_OK ? cxm__check_results(dst, 0, n_times, "the expected cumulative "
                                                 "number of purchases")
                            : status;
}

int cxm_model_calibration_holdout(double *dst_actual, double *dst_predicted,
                                  double *dst_count, size_t bins, const cxm_model *model,
                                  size_t n, const double *x, const double *t_x, const double *T,
                                  const double *duration, const double *x_holdout)
{
    int status = cxm__require_hook(
        model, model ? (const void *)model->kind->conditional_purchases : NULL,
        "holdout purchases");
    if (status == CXM_OK && bins == 0)
        status = cxm__fail(CXM_EINVAL, "bins must be at least 1");
    if (status == CXM_OK)
        status = cxm__check_arrays(bins, 3, dst_actual, "dst_actual", dst_predicted,
                                   "dst_predicted", dst_count, "dst_count");
    if (status == CXM_OK)
        status = cxm__check_arrays(n, 5, x, "x", t_x, "t_x", T, "T", duration, "duration",
                                   x_holdout, "x_holdout");
    if (status == CXM_OK)
        status = cxm__check_times(n, duration, "duration");
    for (size_t i = 0; status == CXM_OK && i < n; i++)
        status = cxm__check_count(x_holdout[i], "x_holdout", i);
    if (status != CXM_OK)
        return status;
    double *predicted = cxm__malloc((n ? n : 1) * sizeof *predicted);
    if (predicted == NULL)
        return CXM_ENOMEM;
    status = cxm_model_conditional_purchases(predicted, n, model, duration, x, t_x, T);
    if (status == CXM_OK) {
        for (size_t k = 0; k < bins; k++)
            dst_actual[k] = dst_predicted[k] = dst_count[k] = 0.0;
        for (size_t i = 0; i < n; i++) {
            size_t k = x[i] >= (double)(bins - 1) ? bins - 1 : (size_t)x[i];
            dst_actual[k] += x_holdout[i];
            dst_predicted[k] += predicted[i];
            dst_count[k] += 1.0;
        }
        for (size_t k = 0; k < bins; k++)
            if (dst_count[k] > 0.0) {
                dst_actual[k] /= dst_count[k];
                dst_predicted[k] /= dst_count[k];
            }
    }
    cxm__free(predicted);
    return status == CXM_OK ? cxm__check_results(dst_predicted, 0, bins, "the mean prediction")
                            : status;
}

/* ------------------------------------------------------------------ spend and value */

int cxm_model_expected_spend(double *dst, size_t n, const cxm_model *model, const double *x,
                             const double *mean_spend)
{
    int status = cxm__require_hook(
        model, model ? (const void *)model->kind->expected_spend : NULL, "expected spend");
    if (status == CXM_OK)
        status = cxm__check_arrays(n, 3, dst, "dst", x, "x", mean_spend, "mean_spend");
    for (size_t i = 0; status == CXM_OK && i < n; i++) {
        double values[2] = { x[i], mean_spend[i] };
        status = model->kind->check_row(values, i);
    }
    if (status == CXM_OK)
        status = model->kind->expected_spend(model->params, dst, n, x, mean_spend);
    return status == CXM_OK ? cxm__check_results(dst, 0, n, "the expected spend") : status;
}

int cxm_model_mean_spend(double *out, const cxm_model *model)
{
    int status = cxm__require_hook(model, model ? (const void *)model->kind->mean_spend : NULL,
                                   "mean spend");
    if (status == CXM_OK)
        status = cxm__check_pointer(out, "out");
    return status == CXM_OK ? model->kind->mean_spend(model->params, out) : status;
}

typedef struct value_job {
    const double *x, *t_x, *T, *value;
    double *dst;
    cxm_value_options options;
} value_job;

/* Periods the discounted sum of cxm_model_lifetime_value() may need (the
 * limit its documentation states): beyond them the call would not end in
 * bounded time. */
#define VALUE_MAX_TERMS 1000u

/* E[Y(t)] of the block's customers at t = period·i. */
static int value_expected(const cxm_model *model, const value_job *job, size_t begin, size_t m,
                          double i, double *t, double *dst)
{
    double time = job->options.period * i;
    if (!isfinite(time))
        return cxm__fail(CXM_EDOMAIN,
                         "lifetime value: %.0f periods of %g time units are beyond the largest "
                         "time a double holds",
                         i, job->options.period);
    for (size_t k = 0; k < m; k++)
        t[k] = time;
    return model->kind->conditional_purchases(model->params, dst, m, t, job->x + begin,
                                              job->t_x + begin, job->T + begin);
}

/* One block of customers: E[Y] at each period's end for the whole block at
 * once (so that the kind's per-call tables serve every customer), then the
 * discounted differences. Without discount the sum telescopes to E[Y] at the
 * horizon. Otherwise it stops once the periods left cannot matter: E[Y] is
 * concave in t in every model (the purchase rate of a customer only falls),
 * so the increments Δ_i do not grow and the rest after period I is at most
 * Δ_I·Σ_{j>I} (1+d)^−j = Δ_I·(1+d)^−I/d. */
static int value_rows(const cxm_model *model, void *context, size_t begin, size_t end)
{
    value_job *job = context;
    const cxm_value_options *o = &job->options;
    size_t m = end - begin;
    double *work = cxm__malloc(4 * (m ? m : 1) * sizeof *work);
    if (work == NULL)
        return CXM_ENOMEM;
    double *t = work, *current = work + m, *previous = work + 2 * m, *total = work + 3 * m;
    for (size_t i = 0; i < m; i++)
        previous[i] = total[i] = 0.0;
    int status = CXM_OK;
    if (o->discount == 0.0) {
        if (o->periods > 0)
            status = value_expected(model, job, begin, m, (double)o->periods, t, total);
    } else {
        double discount = 1.0;
        for (unsigned period = 1; period <= o->periods && status == CXM_OK; period++) {
            if (period > VALUE_MAX_TERMS) {
                status = cxm__fail(CXM_EDOMAIN,
                                   "lifetime value: at discount %g per period more than %u "
                                   "periods change the value (the most the sum takes): ask for "
                                   "at most %u periods, or a larger discount",
                                   o->discount, VALUE_MAX_TERMS, VALUE_MAX_TERMS);
                break;
            }
            status = value_expected(model, job, begin, m, (double)period, t, current);
            if (status != CXM_OK)
                break;
            discount /= 1.0 + o->discount;
            int settled = 1;
            for (size_t i = 0; i < m; i++) {
                double step = (current[i] - previous[i]) * discount;
                total[i] += step;
                previous[i] = current[i];
                if (!(step / o->discount <= 1e-16 * total[i]))
                    settled = 0;
            }
            if (settled)
                break;
        }
    }
    if (status == CXM_OK)
        for (size_t i = 0; i < m; i++)
            job->dst[begin + i] = o->margin * job->value[begin + i] * total[i];
    cxm__free(work);
    return status == CXM_OK ? cxm__check_results(job->dst, begin, end, "the lifetime value")
                            : status;
}

/* The size of each version of cxm_value_options (docs/ABI.md). */
static const size_t value_option_sizes[CXM_VALUE_OPTIONS_VERSION] = {
    CXM__FIELDS_END(cxm_value_options, margin),
};

int cxm_model_lifetime_value(double *dst, size_t n, const cxm_model *model, const double *x,
                             const double *t_x, const double *T, const double *value,
                             const cxm_value_options *given)
{
    cxm_value_options full, *options = &full;
    cxm_value_options_init(&full);
    int status = cxm__require_hook(
        model, model ? (const void *)model->kind->conditional_purchases : NULL,
        "lifetime value (it needs a purchase model)");
    if (status == CXM_OK)
        status = cxm__check_pointer(given, "options");
    if (status == CXM_OK)
        status = cxm__options_read(&full, given, value_option_sizes, CXM_VALUE_OPTIONS_VERSION,
                                   "cxm_value_options");
    if (status == CXM_OK && !(isfinite(options->period) && options->period > 0.0))
        status = cxm__fail(CXM_EINVAL,
                           "period %g must be given: the length of one period in the model's "
                           "time unit (e.g. 7 for weeks in a model fitted in days)",
                           options->period);
    if (status == CXM_OK)
        status = cxm__check_nonnegative(options->discount, "discount");
    if (status == CXM_OK)
        status = cxm__check_finite(options->margin, "margin");
    if (status == CXM_OK)
        status = cxm__check_arrays(n, 5, dst, "dst", x, "x", t_x, "t_x", T, "T", value, "value");
    if (status == CXM_OK)
        status = cxm__check_purchase_rows(model, n, x, t_x, T);
    for (size_t i = 0; status == CXM_OK && i < n; i++) {
        status = cxm__check_finite(value[i], "value");
        if (status != CXM_OK)
            cxm__fail_prefix("element %zu: ", i);
    }
    if (status != CXM_OK)
        return status;
    value_job job = { x, t_x, T, value, dst, *options };
    return cxm__run_rows(model, n, value_rows, &job);
}

/* ------------------------------------------------------------------ simulation */

/* Customer i's random stream: independent of n and of threads. */
static void customer_rng(cxm_rng *rng, unsigned long long seed, size_t i)
{
    cxm__rng_seed(rng, (uint64_t)seed ^ (0x9e3779b97f4a7c15ULL * ((uint64_t)i + 1)));
}

typedef struct simulate_job {
    const double *T;
    double *x, *t_x;
    double *latent[3]; /* cxm_model_simulate_latent's outputs, or NULL */
    unsigned long long seed;
} simulate_job;

static int simulate_rows(const cxm_model *model, void *context, size_t begin, size_t end)
{
    simulate_job *job = context;
    for (size_t i = begin; i < end; i++) {
        cxm_rng rng;
        double x, t_x, latent[3];
        customer_rng(&rng, job->seed, i);
        int status = model->kind->simulate(model->params, &rng, job->T[i],
                                           job->x ? job->x + i : &x,
                                           job->t_x ? job->t_x + i : &t_x, NULL, 0,
                                           job->latent[0] ? latent : NULL);
        if (status != CXM_OK)
            return cxm__fail_prefix("customer %zu: ", i);
        for (int j = 0; j < 3 && job->latent[0]; j++)
            job->latent[j][i] = latent[j];
    }
    return CXM_OK;
}

int cxm_model_simulate(double *dst_x, double *dst_t_x, size_t n, const cxm_model *model,
                       const double *T, unsigned long long seed)
{
    int status = cxm__require_hook(model, model ? (const void *)model->kind->simulate : NULL,
                                   "simulated purchases");
    if (status == CXM_OK)
        status = cxm__check_arrays(n, 3, dst_x, "dst_x", dst_t_x, "dst_t_x", T, "T");
    if (status == CXM_OK)
        status = cxm__check_times(n, T, "T");
    if (status != CXM_OK)
        return status;
    simulate_job job = { T, dst_x, dst_t_x, { NULL, NULL, NULL }, seed };
    return cxm__run_rows(model, n, simulate_rows, &job);
}

int cxm_model_simulate_latent(double *dst_purchase, double *dst_dropout, double *dst_alive,
                              size_t n, const cxm_model *model, const double *T,
                              unsigned long long seed)
{
    int status = cxm__require_hook(model, model ? (const void *)model->kind->simulate : NULL,
                                   "simulated purchases");
    if (status == CXM_OK)
        status = cxm__check_arrays(n, 4, dst_purchase, "dst_purchase", dst_dropout,
                                   "dst_dropout", dst_alive, "dst_alive", T, "T");
    if (status == CXM_OK)
        status = cxm__check_times(n, T, "T");
    if (status != CXM_OK)
        return status;
    simulate_job job = { T, NULL, NULL, { dst_purchase, dst_dropout, dst_alive }, seed };
    return cxm__run_rows(model, n, simulate_rows, &job);
}

int cxm_model_simulate_times(double *dst, size_t dst_n, const cxm_model *model, size_t n,
                             const double *T, unsigned long long seed)
{
    int status = cxm__require_hook(model, model ? (const void *)model->kind->simulate : NULL,
                                   "simulated purchases");
    if (status == CXM_OK)
        status = cxm__check_arrays(n, 1, T, "T");
    if (status == CXM_OK)
        status = cxm__check_arrays(dst_n, 1, dst, "dst");
    if (status == CXM_OK)
        status = cxm__check_times(n, T, "T");
    if (status != CXM_OK)
        return status;
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        cxm_rng rng;
        double x = NAN, t_x;
        customer_rng(&rng, seed, i);
        status = model->kind->simulate(model->params, &rng, T[i], &x, &t_x,
                                       dst ? dst + used : NULL, dst_n - used, NULL);
        /* A failure before x is known (too many expected purchases) is the
         * customer's; CXM_ERANGE with x means dst is too short. */
        if (status != CXM_OK && (status != CXM_ERANGE || isnan(x)))
            return cxm__fail_prefix("customer %zu: ", i);
        if (status == CXM_ERANGE || (status == CXM_OK && dst == NULL && x > 0))
            return cxm__fail(CXM_EINVAL,
                             "dst has %zu places but the customers make more repeat purchases "
                             "(customer %zu alone has %.0f): size it with the sum of x from "
                             "cxm_model_simulate with the same T and seed",
                             dst_n, i, x);
        if (status != CXM_OK)
            return status;
        used += (size_t)x;
    }
    if (used != dst_n)
        return cxm__fail(CXM_EINVAL,
                         "dst has %zu places but the customers make %zu repeat purchases", dst_n,
                         used);
    return CXM_OK;
}

int cxm_model_simulate_spend(double *dst, size_t n, const cxm_model *model, const double *x,
                             unsigned long long seed)
{
    int status = cxm__require_hook(
        model, model ? (const void *)model->kind->simulate_spend : NULL, "simulated spend");
    if (status == CXM_OK)
        status = cxm__check_arrays(n, 2, dst, "dst", x, "x");
    for (size_t i = 0; status == CXM_OK && i < n; i++)
        status = cxm__check_count(x[i], "x", i);
    if (status != CXM_OK)
        return status;
    for (size_t i = 0; i < n; i++) {
        cxm_rng rng;
        customer_rng(&rng, seed, i);
        status = model->kind->simulate_spend(model->params, &rng, x[i], dst + i);
        if (status != CXM_OK)
            return cxm__fail_prefix("element %zu: ", i);
    }
    return CXM_OK;
}
