/* Survey instruments: NPS (Reichheld 2003, Rocks 2016), CSAT, CES,
 * SERVQUAL (Parasuraman, Zeithaml & Berry 1988, 1991) and Kano (Berger et
 * al. 1993). docs/models.md §3.2. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "core/internal.h"
#include "cxm/chain.h"
#include "numeric/stats.h"

/* Two-sided normal quantile for a confidence level in (0, 1). */
static int check_level(double level)
{
    if (!(level > 0.0 && level < 1.0))
        return cxm__fail(CXM_EINVAL, "confidence level %g is outside (0, 1)", level);
    return CXM_OK;
}

static double z_of_level(double level)
{
    return cxm__normal_quantile(0.5 + 0.5 * level);
}

static double clip(double value, double low, double high)
{
    return value < low ? low : value > high ? high : value;
}

/* ------------------------------------------------------------------ NPS */

/* NPS (on the −1..1 scale) and its variance from shares. */
static void net_score(double promoters, double detractors, double n, double *score, double *variance)
{
    double p = promoters / n, d = detractors / n;
    double s = p - d;
    double v = (p + d - s * s) / n;
    *score = s;
    *variance = v > 0.0 ? v : 0.0; /* rounding can make an exact 0 slightly negative */
}

int cxm_nps_from_counts(cxm_nps_estimate *out, double promoters, double passives,
                        double detractors, double level)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = cxm__check_nonnegative(promoters, "promoters");
    if (status == CXM_OK)
        status = cxm__check_nonnegative(passives, "passives");
    if (status == CXM_OK)
        status = cxm__check_nonnegative(detractors, "detractors");
    if (status == CXM_OK)
        status = check_level(level);
    if (status != CXM_OK)
        return status;
    double n = promoters + passives + detractors;
    if (!(n > 0.0))
        return cxm__fail(CXM_EINVAL, "an NPS needs at least one respondent");
    if (!isfinite(n))
        return cxm__fail(CXM_EINVAL, "the number of respondents overflows");
    double z = z_of_level(level), s, v;
    cxm_nps_estimate e;
    e.respondents = n;
    e.promoters = promoters;
    e.passives = passives;
    e.detractors = detractors;
    e.level = level;
    net_score(promoters, detractors, n, &s, &v);
    e.nps = 100.0 * s;
    e.std_error = 100.0 * sqrt(v);
    e.wald_lower = clip(e.nps - z * e.std_error, -100.0, 100.0);
    e.wald_upper = clip(e.nps + z * e.std_error, -100.0, 100.0);
    /* Adjusted Wald: 3/4 promoter, 3/4 detractor, 3/2 passive (3 respondents) added. */
    net_score(promoters + 0.75, detractors + 0.75, n + 3.0, &s, &v);
    e.adjusted = 100.0 * s;
    e.adjusted_std_error = 100.0 * sqrt(v);
    e.adjusted_lower = clip(e.adjusted - z * e.adjusted_std_error, -100.0, 100.0);
    e.adjusted_upper = clip(e.adjusted + z * e.adjusted_std_error, -100.0, 100.0);
    *out = e;
    return CXM_OK;
}

int cxm_nps_from_scores(cxm_nps_estimate *out, size_t n, const double *scores, double level)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK && n > 0)
        status = cxm__check_pointer(scores, "scores");
    if (status == CXM_OK)
        status = check_level(level);
    if (status != CXM_OK)
        return status;
    double promoters = 0, passives = 0, detractors = 0;
    for (size_t i = 0; i < n; i++) {
        double s = scores[i];
        if (isnan(s))
            continue;
        if (!(s >= 0.0 && s <= 10.0))
            return cxm__fail_at(CXM_EINVAL, i, "score %g is outside the 0-10 scale", s);
        if (s >= 9.0)
            promoters += 1;
        else if (s <= 6.0)
            detractors += 1;
        else
            passives += 1;
    }
    if (promoters + passives + detractors == 0)
        return cxm__fail(CXM_EDOMAIN, n == 0 ? "an NPS needs at least one score"
                                             : "every score is missing (NaN)");
    return cxm_nps_from_counts(out, promoters, passives, detractors, level);
}

static int check_estimate(const cxm_nps_estimate *e, const char *name)
{
    int status = cxm__check_pointer(e, name);
    if (status != CXM_OK)
        return status;
    if (!(e->promoters >= 0 && e->passives >= 0 && e->detractors >= 0 && isfinite(e->respondents) &&
          e->respondents > 0 &&
          fabs(e->promoters + e->passives + e->detractors - e->respondents) <=
              1e-9 * e->respondents))
        return cxm__fail(CXM_EINVAL,
                         "%s is not an NPS estimate (its counts do not add up to its respondents)",
                         name);
    return CXM_OK;
}

int cxm_nps_compare(cxm_nps_comparison *out, const cxm_nps_estimate *a, const cxm_nps_estimate *b,
                    double level)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = check_estimate(a, "a");
    if (status == CXM_OK)
        status = check_estimate(b, "b");
    if (status == CXM_OK)
        status = check_level(level);
    if (status != CXM_OK)
        return status;
    double z = z_of_level(level);
    double sa, va, sb, vb;
    cxm_nps_comparison c;
    c.level = level;
    net_score(a->promoters, a->detractors, a->respondents, &sa, &va);
    net_score(b->promoters, b->detractors, b->respondents, &sb, &vb);
    c.difference = 100.0 * (sa - sb);
    c.std_error = 100.0 * sqrt(va + vb);
    c.wald_lower = clip(c.difference - z * c.std_error, -200.0, 200.0);
    c.wald_upper = clip(c.difference + z * c.std_error, -200.0, 200.0);
    net_score(a->promoters + 0.75, a->detractors + 0.75, a->respondents + 3.0, &sa, &va);
    net_score(b->promoters + 0.75, b->detractors + 0.75, b->respondents + 3.0, &sb, &vb);
    c.adjusted = 100.0 * (sa - sb);
    c.adjusted_std_error = 100.0 * sqrt(va + vb);
    c.adjusted_lower = clip(c.adjusted - z * c.adjusted_std_error, -200.0, 200.0);
    c.adjusted_upper = clip(c.adjusted + z * c.adjusted_std_error, -200.0, 200.0);
    c.z = c.adjusted / c.adjusted_std_error; /* the adjusted variance is never 0 */
    c.p_value = 2.0 * cxm__normal_cdf(-fabs(c.z));
    *out = c;
    return CXM_OK;
}

/* ------------------------------------------------------------------ CSAT and CES */

static int check_scale(double scale_min, double scale_max)
{
    int status = cxm__check_finite(scale_min, "scale_min");
    if (status == CXM_OK)
        status = cxm__check_finite(scale_max, "scale_max");
    if (status == CXM_OK && !(scale_max > scale_min))
        status = cxm__fail(CXM_EINVAL, "scale_max %g must be greater than scale_min %g", scale_max,
                           scale_min);
    return status;
}

static int check_answer(double value, size_t i, double scale_min, double scale_max)
{
    if (!(value >= scale_min && value <= scale_max))
        return cxm__fail_at(CXM_EINVAL, i, "answer %g is outside the scale [%g, %g]", value,
                            scale_min, scale_max);
    return CXM_OK;
}

int cxm_csat_from_scores(cxm_csat_estimate *out, size_t n, const double *scores, double scale_min,
                         double scale_max, double satisfied_from, double level)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK && n > 0)
        status = cxm__check_pointer(scores, "scores");
    if (status == CXM_OK)
        status = check_scale(scale_min, scale_max);
    if (status == CXM_OK)
        status = cxm__check_finite(satisfied_from, "satisfied_from");
    if (status == CXM_OK && !(satisfied_from > scale_min && satisfied_from <= scale_max))
        status = cxm__fail(CXM_EINVAL, "satisfied_from %g must lie in (scale_min, scale_max]",
                           satisfied_from);
    if (status == CXM_OK)
        status = check_level(level);
    if (status != CXM_OK)
        return status;
    double count = 0, satisfied = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(scores[i]))
            continue;
        status = check_answer(scores[i], i, scale_min, scale_max);
        if (status != CXM_OK)
            return status;
        count += 1;
        if (scores[i] >= satisfied_from)
            satisfied += 1;
    }
    if (count == 0)
        return cxm__fail(CXM_EDOMAIN, n == 0 ? "CSAT needs at least one answer"
                                             : "every answer is missing (NaN)");
    cxm_csat_estimate e;
    double p = satisfied / count;
    e.respondents = count;
    e.satisfied = satisfied;
    e.csat = 100.0 * p;
    e.std_error = 100.0 * sqrt(p * (1.0 - p) / count);
    e.level = level;
    cxm__wilson_interval(satisfied, count, level, &e.lower, &e.upper);
    e.lower *= 100.0;
    e.upper *= 100.0;
    *out = e;
    return CXM_OK;
}

int cxm_ces_from_scores(cxm_ces_estimate *out, size_t n, const double *scores, double scale_min,
                        double scale_max, double level)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK && n > 0)
        status = cxm__check_pointer(scores, "scores");
    if (status == CXM_OK)
        status = check_scale(scale_min, scale_max);
    if (status == CXM_OK)
        status = check_level(level);
    if (status != CXM_OK)
        return status;
    /* Welford's update: one pass, no cancellation. */
    double count = 0, mean = 0, m2 = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(scores[i]))
            continue;
        status = check_answer(scores[i], i, scale_min, scale_max);
        if (status != CXM_OK)
            return status;
        count += 1;
        double delta = scores[i] - mean;
        mean += delta / count;
        m2 += delta * (scores[i] - mean);
    }
    if (count < 2)
        return cxm__fail(CXM_EDOMAIN, "CES needs at least two answers for its interval, got %g",
                         count);
    cxm_ces_estimate e;
    e.respondents = count;
    e.mean = mean;
    e.std_dev = sqrt(m2 / (count - 1));
    e.std_error = e.std_dev / sqrt(count);
    e.level = level;
    double t = cxm__student_t_quantile(0.5 + 0.5 * level, count - 1);
    e.lower = mean - t * e.std_error;
    e.upper = mean + t * e.std_error;
    *out = e;
    return CXM_OK;
}

/* ------------------------------------------------------------------ SERVQUAL */

/* Items 1-4 tangibles, 5-9 reliability, 10-13 responsiveness, 14-17
 * assurance, 18-22 empathy (Parasuraman, Zeithaml & Berry 1988). */
static const size_t standard_layout[22] = { 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2,
                                            2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 4 };

typedef struct servqual_input {
    size_t respondents, items, dimensions;
    const double *expectations, *perceptions;
    const size_t *layout;
    size_t weight_rows;
    const double *weights;
} servqual_input;

static int servqual_check(servqual_input *in, size_t n_respondents, size_t n_items,
                          const double *expectations, const double *perceptions,
                          size_t n_dimensions, const size_t *dimension_of_item,
                          size_t n_weight_rows, const double *weights)
{
    in->respondents = n_respondents;
    in->items = n_items;
    in->dimensions = n_dimensions;
    in->expectations = expectations;
    in->perceptions = perceptions;
    in->layout = dimension_of_item;
    in->weight_rows = n_weight_rows;
    in->weights = weights;
    if (n_items == 0)
        return cxm__fail(CXM_EINVAL, "SERVQUAL needs at least one item");
    if (n_dimensions == 0)
        return cxm__fail(CXM_EINVAL, "SERVQUAL needs at least one dimension");
    if (dimension_of_item == NULL) {
        if (n_items != 22 || n_dimensions != 5)
            return cxm__fail(CXM_EINVAL,
                             "the standard SERVQUAL layout has 22 items in 5 dimensions, got %zu "
                             "items in %zu dimensions: pass dimension_of_item",
                             n_items, n_dimensions);
        in->layout = standard_layout;
    }
    if (n_respondents > 0) {
        int status = cxm__check_pointer(expectations, "expectations");
        if (status == CXM_OK)
            status = cxm__check_pointer(perceptions, "perceptions");
        if (status != CXM_OK)
            return status;
    }
    for (size_t i = 0; i < n_items; i++)
        if (in->layout[i] >= n_dimensions)
            return cxm__fail(CXM_EINVAL, "item %zu: dimension %zu does not exist (there are %zu)",
                             i, in->layout[i], n_dimensions);
    for (size_t d = 0; d < n_dimensions; d++) {
        size_t count = 0;
        for (size_t i = 0; i < n_items; i++)
            count += in->layout[i] == d;
        if (count == 0)
            return cxm__fail(CXM_EINVAL, "dimension %zu has no items", d);
    }
    if (n_weight_rows != 0 && n_weight_rows != 1 && n_weight_rows != n_respondents)
        return cxm__fail(CXM_EINVAL,
                         "weights need 0, 1 or %zu rows (one per respondent), got %zu",
                         n_respondents, n_weight_rows);
    if (n_weight_rows > 0) {
        int status = cxm__check_pointer(weights, "weights");
        if (status != CXM_OK)
            return status;
    }
    for (size_t r = 0; r < n_weight_rows; r++) {
        double total = 0;
        for (size_t d = 0; d < n_dimensions; d++) {
            int status = cxm__check_nonnegative(weights[r * n_dimensions + d], "weight");
            if (status != CXM_OK)
                return cxm__fail_prefix("weight row %zu, dimension %zu: ", r, d);
            total += weights[r * n_dimensions + d];
        }
        if (!(total > 0) || !isfinite(total))
            return cxm__fail(CXM_EINVAL, "weight row %zu: the weights must have a positive total",
                             r);
    }
    for (size_t k = 0; k < n_respondents * n_items; k++) {
        double e = expectations[k], p = perceptions[k];
        if ((isinf(e) || isinf(p)))
            return cxm__fail(CXM_EINVAL, "respondent %zu, item %zu: answers must be finite or NaN",
                             k / n_items, k % n_items);
    }
    return CXM_OK;
}

/* One respondent's dimension gaps (NaN for a dimension without answers);
 * sums and counts are scratch space of n_dimensions each. */
static void servqual_row(const servqual_input *in, size_t r, double *gaps, double *counts)
{
    for (size_t d = 0; d < in->dimensions; d++)
        gaps[d] = counts[d] = 0.0;
    const double *e = in->expectations + r * in->items, *p = in->perceptions + r * in->items;
    for (size_t i = 0; i < in->items; i++) {
        double gap = p[i] - e[i];
        if (isnan(gap))
            continue;
        gaps[in->layout[i]] += gap;
        counts[in->layout[i]] += 1.0;
    }
    for (size_t d = 0; d < in->dimensions; d++)
        gaps[d] = counts[d] > 0 ? gaps[d] / counts[d] : NAN;
}

static double weighted_score(const double *gaps, const double *w, size_t n_dimensions)
{
    double total = 0, score = 0;
    for (size_t d = 0; d < n_dimensions; d++) {
        total += w[d];
        score += w[d] * gaps[d];
    }
    return score / total;
}

static double mean_of(const double *values, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += values[i];
    return s / (double)n;
}

int cxm_servqual_respondents(double *dimension_gaps, double *unweighted, double *weighted,
                             size_t n_respondents, size_t n_items, const double *expectations,
                             const double *perceptions, size_t n_dimensions,
                             const size_t *dimension_of_item, size_t n_weight_rows,
                             const double *weights)
{
    servqual_input in;
    int status = servqual_check(&in, n_respondents, n_items, expectations, perceptions,
                                n_dimensions, dimension_of_item, n_weight_rows, weights);
    if (status != CXM_OK)
        return status;
    if (weighted != NULL && n_weight_rows == 0)
        return cxm__fail(CXM_EINVAL, "weighted scores need weights");
    double *scratch = cxm__calloc(2 * n_dimensions, sizeof *scratch);
    if (scratch == NULL)
        return CXM_ENOMEM;
    double *gaps = scratch, *counts = scratch + n_dimensions;
    for (size_t r = 0; r < n_respondents; r++) {
        servqual_row(&in, r, gaps, counts);
        if (dimension_gaps != NULL)
            memcpy(dimension_gaps + r * n_dimensions, gaps, n_dimensions * sizeof *gaps);
        if (unweighted != NULL)
            unweighted[r] = mean_of(gaps, n_dimensions);
        if (weighted != NULL)
            weighted[r] = weighted_score(
                gaps, weights + (n_weight_rows == 1 ? 0 : r) * n_dimensions, n_dimensions);
    }
    cxm__free(scratch);
    return CXM_OK;
}

int cxm_servqual_summary(cxm_servqual_scores *out, double *item_gaps, double *dimension_gaps,
                         size_t n_respondents, size_t n_items, const double *expectations,
                         const double *perceptions, size_t n_dimensions,
                         const size_t *dimension_of_item, size_t n_weight_rows,
                         const double *weights)
{
    servqual_input in;
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = servqual_check(&in, n_respondents, n_items, expectations, perceptions,
                                n_dimensions, dimension_of_item, n_weight_rows, weights);
    if (status != CXM_OK)
        return status;
    /* item sums, item counts, dimension gaps, dimension counts, row scratch (2 × dimensions). */
    double *work = cxm__calloc(2 * n_items + 4 * n_dimensions, sizeof *work);
    if (work == NULL)
        return CXM_ENOMEM;
    double *sums = work, *counts = sums + n_items, *dims = counts + n_items;
    double *dim_counts = dims + n_dimensions, *row = dim_counts + n_dimensions;
    double *row_counts = row + n_dimensions;
    double respondents = 0, weighted_total = 0, weighted_count = 0;
    for (size_t r = 0; r < n_respondents; r++) {
        int answered = 0;
        for (size_t i = 0; i < n_items; i++) {
            double gap = perceptions[r * n_items + i] - expectations[r * n_items + i];
            if (isnan(gap))
                continue;
            sums[i] += gap;
            counts[i] += 1;
            answered = 1;
        }
        respondents += answered;
        if (n_weight_rows > 1) {
            servqual_row(&in, r, row, row_counts);
            double score = weighted_score(row, weights + r * n_dimensions, n_dimensions);
            if (!isnan(score)) {
                weighted_total += score;
                weighted_count += 1;
            }
        }
    }
    for (size_t i = 0; i < n_items; i++) {
        double mean = counts[i] > 0 ? sums[i] / counts[i] : NAN;
        if (item_gaps != NULL)
            item_gaps[i] = mean;
        if (counts[i] > 0) {
            dims[in.layout[i]] += mean;
            dim_counts[in.layout[i]] += 1;
        }
    }
    for (size_t d = 0; d < n_dimensions && status == CXM_OK; d++) {
        if (dim_counts[d] == 0)
            status = cxm__fail(CXM_EDOMAIN, "dimension %zu: nobody answered any of its items", d);
        else
            dims[d] /= dim_counts[d];
    }
    if (status == CXM_OK) {
        cxm_servqual_scores s;
        double item_total = 0, item_count = 0;
        for (size_t i = 0; i < n_items; i++)
            if (counts[i] > 0) {
                item_total += sums[i] / counts[i];
                item_count += 1;
            }
        s.respondents = respondents;
        s.unweighted = mean_of(dims, n_dimensions);
        s.item_mean = item_total / item_count;
        if (n_weight_rows == 0)
            s.weighted = NAN;
        else if (n_weight_rows == 1)
            s.weighted = weighted_score(dims, weights, n_dimensions);
        else
            s.weighted = weighted_count > 0 ? weighted_total / weighted_count : NAN;
        if (dimension_gaps != NULL)
            memcpy(dimension_gaps, dims, n_dimensions * sizeof *dims);
        *out = s;
    }
    cxm__free(work);
    return status;
}

/* ------------------------------------------------------------------ Kano */

/* Berger et al. (1993): rows functional, columns dysfunctional, in the order
 * like, must-be, neutral, live-with, dislike. */
static const unsigned char kano_table[5][5] = {
    { CXM_KANO_Q, CXM_KANO_A, CXM_KANO_A, CXM_KANO_A, CXM_KANO_O },
    { CXM_KANO_R, CXM_KANO_I, CXM_KANO_I, CXM_KANO_I, CXM_KANO_M },
    { CXM_KANO_R, CXM_KANO_I, CXM_KANO_I, CXM_KANO_I, CXM_KANO_M },
    { CXM_KANO_R, CXM_KANO_I, CXM_KANO_I, CXM_KANO_I, CXM_KANO_M },
    { CXM_KANO_R, CXM_KANO_R, CXM_KANO_R, CXM_KANO_R, CXM_KANO_Q },
};

static int kano_answer(double value, const char *name, int *index)
{
    if (!(value >= 1.0 && value <= 5.0 && value == floor(value)))
        return cxm__fail(CXM_EINVAL,
                         "%s answer %g is not one of 1 (like), 2 (must-be), 3 (neutral), "
                         "4 (live with), 5 (dislike)",
                         name, value);
    *index = (int)value - 1;
    return CXM_OK;
}

int cxm_kano_classify(int *category, double functional, double dysfunctional)
{
    int f = 0, d = 0;
    int status = cxm__check_pointer(category, "category");
    if (status == CXM_OK)
        status = kano_answer(functional, "functional", &f);
    if (status == CXM_OK)
        status = kano_answer(dysfunctional, "dysfunctional", &d);
    if (status == CXM_OK)
        *category = kano_table[f][d];
    return status;
}

int cxm_kano_classify_many(int *dst, size_t n, const double *functional,
                           const double *dysfunctional)
{
    if (n == 0)
        return CXM_OK;
    int status = cxm__check_pointer(dst, "dst");
    if (status == CXM_OK)
        status = cxm__check_pointer(functional, "functional");
    if (status == CXM_OK)
        status = cxm__check_pointer(dysfunctional, "dysfunctional");
    for (size_t i = 0; i < n && status == CXM_OK; i++) {
        if (isnan(functional[i]) || isnan(dysfunctional[i])) {
            dst[i] = -1;
            continue;
        }
        status = cxm_kano_classify(&dst[i], functional[i], dysfunctional[i]);
        if (status != CXM_OK)
            cxm__fail_prefix_at(i);
    }
    return status;
}

int cxm_kano_evaluate(cxm_kano_summary *out, size_t n, const double *functional,
                      const double *dysfunctional)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK && n > 0)
        status = cxm__check_pointer(functional, "functional");
    if (status == CXM_OK && n > 0)
        status = cxm__check_pointer(dysfunctional, "dysfunctional");
    if (status != CXM_OK)
        return status;
    double counts[6] = { 0 };
    for (size_t i = 0; i < n; i++) {
        if (isnan(functional[i]) || isnan(dysfunctional[i]))
            continue;
        int category;
        status = cxm_kano_classify(&category, functional[i], dysfunctional[i]);
        if (status != CXM_OK)
            return cxm__fail_prefix_at(i);
        counts[category] += 1;
    }
    double answered = 0;
    for (int c = 0; c < 6; c++)
        answered += counts[c];
    if (answered == 0)
        return cxm__fail(CXM_EDOMAIN, n == 0 ? "Kano needs at least one answer pair"
                                             : "every answer pair is missing (NaN)");
    /* The mode; on ties the earlier category in M > O > A > I > R > Q wins. */
    static const int priority[6] = { CXM_KANO_M, CXM_KANO_O, CXM_KANO_A,
                                     CXM_KANO_I, CXM_KANO_R, CXM_KANO_Q };
    int best = priority[0];
    for (int k = 1; k < 6; k++)
        if (counts[priority[k]] > counts[best])
            best = priority[k];
    cxm_kano_summary s;
    s.attractive = counts[CXM_KANO_A];
    s.one_dimensional = counts[CXM_KANO_O];
    s.must_be = counts[CXM_KANO_M];
    s.indifferent = counts[CXM_KANO_I];
    s.reverse = counts[CXM_KANO_R];
    s.questionable = counts[CXM_KANO_Q];
    s.answered = answered;
    s.category = best;
    double base = s.attractive + s.one_dimensional + s.must_be + s.indifferent;
    s.better = base > 0 ? (s.attractive + s.one_dimensional) / base : NAN;
    s.worse = base > 0 ? -(s.one_dimensional + s.must_be) / base : NAN;
    *out = s;
    return CXM_OK;
}
