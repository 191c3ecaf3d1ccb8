/**
 * @file cxm/chain.h
 * @brief The expectation-to-results emotion chain: how customers remember,
 *        feel and judge an experience.
 */
#ifndef CXM_CHAIN_H
#define CXM_CHAIN_H

#include "cxm/common.h"
#include "cxm/clv.h"
#include "cxm/io.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The remembered score of an experience by the peak-end rule (Kahneman et
 * al. 1993): the mean of its most intense moment and its last moment.
 *
 * The peak is the value with the largest magnitude, its sign kept, so that a
 * very bad moment dominates a mildly good one; among equally intense moments
 * the first counts. [2,4,6,7,8,8] is remembered as 8; the same followed by
 * [7.5,7,6.5] as 7.25, although its sum is larger.
 *
 * @param[out] out   the remembered score.
 * @param n          number of moments, at least 1.
 * @param values     the moments in time order (finite numbers).
 * @return #CXM_OK or #CXM_EINVAL (no moments, a non-finite moment).
 */
CXM_API int cxm_peak_end(double *out, size_t n, const double *values);

/**
 * cxm_peak_end() for many experiences stored one after the other.
 *
 * Experience j has the moments values[offsets[j]] .. values[offsets[j+1]-1].
 *
 * @param[out] dst     @p n_experiences remembered scores.
 * @param n_experiences number of experiences.
 * @param offsets      @p n_experiences + 1 non-decreasing offsets, offsets[0] = 0.
 * @param values       offsets[n_experiences] moments.
 * @return #CXM_OK, or #CXM_EINVAL naming the experience that is empty or bad.
 */
CXM_API int cxm_peak_end_many(double *dst, size_t n_experiences, const size_t *offsets,
                              const double *values);

/* ------------------------------------------------------------------------
 * Instruments: NPS, CSAT, CES, SERVQUAL, Kano (docs/models.md §3.2)
 * ------------------------------------------------------------------------ */

/**
 * A Net Promoter Score with its standard error and two confidence intervals
 * (Reichheld 2003; Rocks 2016). Scores are on the −100..100 scale.
 *
 * With p and d the shares of promoters and detractors among n respondents,
 * NPS = 100(p − d) and its standard error is 100·sqrt((p + d − (p − d)²)/n).
 * The Wald interval is NPS ± z·SE. The adjusted-Wald interval (Rocks 2016,
 * recommended) adds 3/4 of a promoter, 3/4 of a detractor and 3 respondents
 * in all before computing the same quantities: it is centred on the
 * adjusted score, not on the NPS, and keeps its coverage for small samples.
 * Both intervals are clipped to [−100, 100].
 *
 * This struct's layout is part of the ABI and never changes.
 */
typedef struct cxm_nps_estimate {
    double respondents;        /**< n: promoters + passives + detractors. */
    double promoters;          /**< respondents who answered 9 or 10. */
    double passives;           /**< respondents who answered 7 or 8. */
    double detractors;         /**< respondents who answered 0 to 6. */
    double nps;                /**< 100(p − d). */
    double std_error;          /**< 100·sqrt((p + d − (p − d)²)/n). */
    double level;              /**< confidence level of the intervals, e.g. 0.95. */
    double wald_lower;         /**< NPS − z·SE (at least −100). */
    double wald_upper;         /**< NPS + z·SE (at most 100). */
    double adjusted;           /**< 100(p' − d'), p' = (promoters + 3/4)/(n + 3), d' likewise. */
    double adjusted_std_error; /**< the standard error with p', d' and n + 3. */
    double adjusted_lower;     /**< adjusted − z·adjusted SE (at least −100). */
    double adjusted_upper;     /**< adjusted + z·adjusted SE (at most 100). */
} cxm_nps_estimate;

/**
 * NPS from the number of promoters, passives and detractors.
 *
 * Counts may be fractional (weighted counts). (50, 30, 20) gives NPS 30,
 * SE 7.8102, Wald [14.692, 45.308] and adjusted-Wald [14.051, 44.201] at 95%.
 *
 * @param[out] out   the estimate.
 * @param promoters  number of promoters, finite and >= 0.
 * @param passives   number of passives, finite and >= 0.
 * @param detractors number of detractors, finite and >= 0.
 * @param level      confidence level in (0, 1), e.g. 0.95.
 * @return #CXM_OK or #CXM_EINVAL (a bad count, no respondents, a bad level).
 */
CXM_API int cxm_nps_from_counts(cxm_nps_estimate *out, double promoters, double passives,
                                double detractors, double level);

/**
 * NPS from answers to the likelihood-to-recommend question (0..10).
 *
 * Answers of 9 or more are promoters, 6 or less detractors, the rest (7, 8
 * and anything in between) passives. NaN marks a missing answer and is
 * skipped.
 *
 * @param[out] out   the estimate.
 * @param n          number of answers.
 * @param scores     @p n answers in [0, 10] or NaN.
 * @param level      confidence level in (0, 1).
 * @return #CXM_OK, #CXM_EINVAL naming the first answer outside [0, 10], or
 *         #CXM_EDOMAIN when every answer is missing.
 */
CXM_API int cxm_nps_from_scores(cxm_nps_estimate *out, size_t n, const double *scores,
                                double level);

/**
 * The difference between two Net Promoter Scores from independent samples.
 *
 * The standard errors add in quadrature. The adjusted difference and its
 * interval use each sample's adjusted-Wald estimate (3/4 promoter, 3/4
 * detractor, 3 respondents added to each sample), the method Lewis & Sauro
 * (MeasuringU) derived from Rocks (2016); z and the p-value test "no
 * difference" with it. Intervals are clipped to [−200, 200].
 */
typedef struct cxm_nps_comparison {
    double difference;         /**< NPS of a − NPS of b. */
    double std_error;          /**< sqrt(SE_a² + SE_b²). */
    double level;              /**< confidence level. */
    double wald_lower;         /**< difference − z·SE. */
    double wald_upper;         /**< difference + z·SE. */
    double adjusted;           /**< adjusted NPS of a − adjusted NPS of b. */
    double adjusted_std_error; /**< sqrt of the sum of the adjusted variances. */
    double adjusted_lower;     /**< adjusted − z·adjusted SE. */
    double adjusted_upper;     /**< adjusted + z·adjusted SE. */
    double z;                  /**< adjusted / adjusted SE. */
    double p_value;            /**< two-sided p-value of z under the normal distribution. */
} cxm_nps_comparison;

/**
 * Compare two Net Promoter Scores (a − b).
 *
 * @param[out] out  the comparison.
 * @param a         the first estimate (from cxm_nps_from_counts() or cxm_nps_from_scores()).
 * @param b         the second estimate.
 * @param level     confidence level in (0, 1).
 * @return #CXM_OK or #CXM_EINVAL (NULL or inconsistent estimates, a bad level).
 */
CXM_API int cxm_nps_compare(cxm_nps_comparison *out, const cxm_nps_estimate *a,
                            const cxm_nps_estimate *b, double level);

/**
 * Customer satisfaction (CSAT): the percentage of satisfied answers, with a
 * Wilson score interval. The classic CSAT counts 4 and 5 on a 1–5 scale.
 */
typedef struct cxm_csat_estimate {
    double respondents; /**< answers counted (missing answers skipped). */
    double satisfied;   /**< answers at or above the threshold. */
    double csat;        /**< 100·satisfied/respondents, in percent. */
    double std_error;   /**< 100·sqrt(p(1 − p)/n), in percentage points. */
    double level;       /**< confidence level of the interval. */
    double lower;       /**< Wilson score interval, in percent. */
    double upper;       /**< Wilson score interval, in percent. */
} cxm_csat_estimate;

/**
 * CSAT from answers on a rating scale.
 *
 * @param[out] out        the estimate.
 * @param n               number of answers.
 * @param scores          @p n answers in [scale_min, scale_max], NaN for missing.
 * @param scale_min       lowest point of the scale (1 for the classic 1–5 scale).
 * @param scale_max       highest point, > scale_min (5).
 * @param satisfied_from  answers >= this count as satisfied (4).
 * @param level           confidence level in (0, 1).
 * @return #CXM_OK, #CXM_EINVAL (an answer off the scale, bad scale or level),
 *         #CXM_EDOMAIN when every answer is missing.
 */
CXM_API int cxm_csat_from_scores(cxm_csat_estimate *out, size_t n, const double *scores,
                                 double scale_min, double scale_max, double satisfied_from,
                                 double level);

/**
 * Customer effort score (CES, Dixon, Freeman & Toman 2010): the mean effort
 * answer with a Student-t interval.
 */
typedef struct cxm_ces_estimate {
    double respondents; /**< answers counted (missing answers skipped). */
    double mean;        /**< mean answer: the CES. */
    double std_dev;     /**< sample standard deviation (n − 1). */
    double std_error;   /**< std_dev/sqrt(n). */
    double level;       /**< confidence level of the interval. */
    double lower;       /**< mean − t·SE, t with n − 1 degrees of freedom. */
    double upper;       /**< mean + t·SE. */
} cxm_ces_estimate;

/**
 * CES from answers on an effort scale (1–5 in the original, 1–7 in CES 2.0).
 *
 * @param[out] out   the estimate.
 * @param n          number of answers.
 * @param scores     @p n answers in [scale_min, scale_max], NaN for missing.
 * @param scale_min  lowest point of the scale.
 * @param scale_max  highest point, > scale_min.
 * @param level      confidence level in (0, 1).
 * @return #CXM_OK, #CXM_EINVAL (an answer off the scale), #CXM_EDOMAIN with
 *         fewer than two answers.
 */
CXM_API int cxm_ces_from_scores(cxm_ces_estimate *out, size_t n, const double *scores,
                                double scale_min, double scale_max, double level);

/**
 * SERVQUAL scores of each respondent (Parasuraman, Zeithaml & Berry 1988).
 *
 * Matrices are row-major, one row per respondent and one column per item.
 * The item gap is perception − expectation; a dimension's gap is the mean of
 * its items' gaps; the unweighted score is the mean of the dimension gaps
 * (every dimension counts equally, whatever its number of items); the
 * weighted score is Σ w_d·gap_d / Σ w_d with the respondent's importance
 * points (the 100-point allocation). A NaN expectation or perception marks
 * an unanswered item, left out of its dimension's mean; a dimension without
 * any answered item makes that respondent's gap and scores NaN.
 *
 * @param[out] dimension_gaps  n_respondents × n_dimensions gaps, or NULL.
 * @param[out] unweighted      n_respondents unweighted scores, or NULL.
 * @param[out] weighted        n_respondents weighted scores, or NULL (must be NULL without weights).
 * @param n_respondents        number of respondents.
 * @param n_items              items per respondent (22 in the standard instrument).
 * @param expectations         n_respondents × n_items expectation answers.
 * @param perceptions          n_respondents × n_items perception answers.
 * @param n_dimensions         number of dimensions (5 in the standard instrument).
 * @param dimension_of_item    n_items dimension numbers (0-based, < n_dimensions), or
 *                             NULL for the standard layout: items 1–4 tangibles,
 *                             5–9 reliability, 10–13 responsiveness, 14–17 assurance,
 *                             18–22 empathy (n_items 22, n_dimensions 5).
 * @param n_weight_rows        0 (no weights), 1 (the same weights for everyone) or n_respondents.
 * @param weights              n_weight_rows × n_dimensions importance points (>= 0, each
 *                             row with a positive total), or NULL when n_weight_rows is 0.
 * @return #CXM_OK or #CXM_EINVAL (sizes, a dimension without items, a bad weight or answer).
 */
CXM_API int cxm_servqual_respondents(double *dimension_gaps, double *unweighted, double *weighted,
                                     size_t n_respondents, size_t n_items,
                                     const double *expectations, const double *perceptions,
                                     size_t n_dimensions, const size_t *dimension_of_item,
                                     size_t n_weight_rows, const double *weights);

/** The aggregate SERVQUAL scores of a sample. */
typedef struct cxm_servqual_scores {
    double respondents; /**< respondents with at least one answered item. */
    double unweighted;  /**< mean over the dimensions of the dimension gaps (the SERVQUAL score). */
    double weighted;    /**< importance-weighted score; NaN without weights. */
    double item_mean;   /**< mean over the items of the item gaps (differs from unweighted
                             when dimensions have different numbers of items). */
} cxm_servqual_scores;

/**
 * Aggregate SERVQUAL of a sample.
 *
 * Item gaps are averaged over the respondents who answered the item; a
 * dimension gap is the mean of its item gaps; the unweighted score is the
 * mean of the dimension gaps. With one row of weights the weighted score is
 * Σ w_d·gap_d / Σ w_d of the aggregate gaps; with a row per respondent it is
 * the mean of the respondents' weighted scores (Parasuraman, Zeithaml &
 * Berry 1991). The standard example (E = 6 except reliability 7; P = 5 except
 * tangibles 6 and responsiveness 4) gives dimension gaps 0, −2, −2, −1, −1,
 * unweighted −1.2, item mean −27/22 and, with weights 11, 32, 22, 19, 16,
 * weighted −1.43.
 *
 * @param[out] out             the scores.
 * @param[out] item_gaps       n_items mean item gaps, or NULL.
 * @param[out] dimension_gaps  n_dimensions dimension gaps, or NULL.
 * @param n_respondents number of respondents (rows of the matrices).
 * @param n_items number of items (columns of the matrices).
 * @param expectations n_respondents × n_items expectation ratings, row-major; NaN for no answer.
 * @param perceptions n_respondents × n_items perception ratings, row-major; NaN for no answer.
 * @param n_dimensions number of dimensions.
 * @param dimension_of_item the dimension (0-based) of each item.
 * @param n_weight_rows 0 (no weights), 1 (one allocation for everyone) or n_respondents.
 * @param weights n_weight_rows × n_dimensions importance points, or NULL.
 * Other parameters as in cxm_servqual_respondents().
 * @return #CXM_OK, #CXM_EINVAL, or #CXM_EDOMAIN when an item nobody answered
 *         leaves a dimension without any answer.
 */
CXM_API int cxm_servqual_summary(cxm_servqual_scores *out, double *item_gaps,
                                 double *dimension_gaps, size_t n_respondents, size_t n_items,
                                 const double *expectations, const double *perceptions,
                                 size_t n_dimensions, const size_t *dimension_of_item,
                                 size_t n_weight_rows, const double *weights);

/** Answers to a Kano question, in the order of Berger et al.'s (1993) table. */
typedef enum cxm_kano_answer {
    CXM_KANO_ANSWER_LIKE = 1,      /**< "I like it that way." */
    CXM_KANO_ANSWER_MUST_BE = 2,   /**< "It must be that way." */
    CXM_KANO_ANSWER_NEUTRAL = 3,   /**< "I am neutral." */
    CXM_KANO_ANSWER_LIVE_WITH = 4, /**< "I can live with it that way." */
    CXM_KANO_ANSWER_DISLIKE = 5    /**< "I dislike it that way." */
} cxm_kano_answer;

/** Kano categories. */
typedef enum cxm_kano_category {
    CXM_KANO_A = 0, /**< attractive (delighter). */
    CXM_KANO_O = 1, /**< one-dimensional (performance). */
    CXM_KANO_M = 2, /**< must-be (basic). */
    CXM_KANO_I = 3, /**< indifferent. */
    CXM_KANO_R = 4, /**< reverse. */
    CXM_KANO_Q = 5  /**< questionable (contradictory answers). */
} cxm_kano_category;

/**
 * Classify one pair of answers with Berger et al.'s (1993) evaluation table
 * (rows: the functional answer; columns: the dysfunctional answer):
 * like: Q A A A O; must-be, neutral, live-with: R I I I M; dislike: R R R R Q.
 *
 * @param[out] category    a #cxm_kano_category.
 * @param functional       answer to "how do you feel if the feature is present" (1..5).
 * @param dysfunctional    answer to "how do you feel if it is absent" (1..5).
 * @return #CXM_OK or #CXM_EINVAL for an answer that is not a whole number in 1..5.
 */
CXM_API int cxm_kano_classify(int *category, double functional, double dysfunctional);

/**
 * cxm_kano_classify() for @p n answer pairs; a pair with a NaN answer is
 * missing and classified as −1.
 *
 * @param[out] dst       @p n categories (or −1).
 * @param n              number of respondents.
 * @param functional     @p n functional answers.
 * @param dysfunctional  @p n dysfunctional answers.
 * @return #CXM_OK or #CXM_EINVAL naming the first bad answer.
 */
CXM_API int cxm_kano_classify_many(int *dst, size_t n, const double *functional,
                                   const double *dysfunctional);

/** How a sample classifies one feature. */
typedef struct cxm_kano_summary {
    double attractive;      /**< count of A. */
    double one_dimensional; /**< count of O. */
    double must_be;         /**< count of M. */
    double indifferent;     /**< count of I. */
    double reverse;         /**< count of R. */
    double questionable;    /**< count of Q. */
    double answered;        /**< pairs counted (missing pairs skipped). */
    int category;           /**< the most frequent category; ties go M > O > A > I > R > Q. */
    double better;          /**< (A + O)/(A + O + M + I); NaN when that sum is 0. */
    double worse;           /**< −(O + M)/(A + O + M + I); NaN when that sum is 0. */
} cxm_kano_summary;

/**
 * Classify every answer pair of one feature and summarise: counts, the
 * category (the mode, ties broken M > O > A > I as Berger et al. advise, then
 * R > Q), and the customer-satisfaction coefficients Better and Worse.
 *
 * @param[out] out       the summary.
 * @param n              number of respondents.
 * @param functional     @p n functional answers (1..5, NaN for missing).
 * @param dysfunctional  @p n dysfunctional answers.
 * @return #CXM_OK, #CXM_EINVAL for a bad answer, #CXM_EDOMAIN when no pair is answered.
 */
CXM_API int cxm_kano_evaluate(cxm_kano_summary *out, size_t n, const double *functional,
                              const double *dysfunctional);

/* ------------------------------------------------------------------------
 * Chain primitives: disconfirmation, expectations, delight, valence
 * (docs/models.md §3.1 and §2.5)
 * ------------------------------------------------------------------------ */

/**
 * Disconfirmation D = P − E of each perception against its expectation
 * (Oliver 1980): positive when the experience beat expectations.
 *
 * @param[out] dst       @p n disconfirmations.
 * @param n              number of pairs.
 * @param perceptions    @p n perceived performances.
 * @param expectations   @p n expectations.
 * @return #CXM_OK or #CXM_EINVAL naming the first non-finite value.
 */
CXM_API int cxm_disconfirmation(double *dst, size_t n, const double *perceptions,
                                const double *expectations);

/**
 * Adaptive expectations: E_{t+1} = E_t + λ(P_t − E_t).
 *
 * With E_0 = 7, λ = 0.3 and perceptions 8, 8, 6 the expectations become 7.3,
 * 7.51, 7.057.
 *
 * @param[out] dst       @p n expectations: dst[t] is E_{t+1}, formed after perception t.
 * @param n              number of perceptions.
 * @param perceptions    @p n perceptions in time order.
 * @param initial        E_0.
 * @param lambda         adaptation speed in [0, 1] (0: expectations never move).
 * @return #CXM_OK or #CXM_EINVAL.
 */
CXM_API int cxm_adaptive_expectations(double *dst, size_t n, const double *perceptions,
                                      double initial, double lambda);

/** Emotional outcome of an experience, from worst to best. */
typedef enum cxm_delight_class {
    CXM_OUTRAGED = 0,     /**< expectations clearly missed and strong negative affect. */
    CXM_DISSATISFIED = 1, /**< expectations missed (D < 0). */
    CXM_SATISFIED = 2,    /**< expectations met or beaten (D >= 0). */
    CXM_DELIGHTED = 3     /**< surprise (D >= threshold) together with positive affect. */
} cxm_delight_class;

/**
 * Classify experiences as delighted, satisfied, dissatisfied or outraged
 * (Oliver, Rust & Varki 1997: delight is a surprisingly positive
 * disconfirmation experienced with joy; its mirror is outrage).
 *
 * A customer is delighted when D >= @p surprise and affect >= @p arousal,
 * outraged when D <= −@p surprise and affect <= −@p arousal, otherwise
 * satisfied when D >= 0 and dissatisfied when D < 0. Affect is measured on a
 * bipolar scale centred on 0 (positive = joy, negative = anger). With
 * @p affect NULL the classes follow from D alone.
 *
 * @param[out] dst           @p n #cxm_delight_class values (−1 for a NaN input).
 * @param n                  number of experiences.
 * @param disconfirmation    @p n disconfirmations P − E.
 * @param affect             @p n affect scores, or NULL.
 * @param surprise           disconfirmation threshold, > 0.
 * @param arousal            affect threshold, >= 0.
 * @return #CXM_OK or #CXM_EINVAL.
 */
CXM_API int cxm_delight_classify(int *dst, size_t n, const double *disconfirmation,
                                 const double *affect, double surprise, double arousal);

/** How the emotional valence of a journey's moments adds up to one number. */
typedef enum cxm_valence_rule {
    CXM_VALENCE_MEAN = 0,       /**< duration-weighted mean. */
    CXM_VALENCE_PEAK_END = 1,   /**< (peak + end)/2, durations ignored (Kahneman et al. 1993). */
    CXM_VALENCE_PEAK = 2,       /**< the most intense moment (largest |v|, sign kept, first of ties). */
    CXM_VALENCE_END = 3,        /**< the last moment. */
    CXM_VALENCE_MIN = 4,        /**< the worst moment. */
    CXM_VALENCE_MAX = 5,        /**< the best moment. */
    CXM_VALENCE_SUM = 6,        /**< Σ duration·valence (the "total utility"). */
    CXM_VALENCE_RECENCY = 7,    /**< weighted mean with weights duration·λ^(moments after it), λ = parameter in (0, 1]. */
    CXM_VALENCE_NEGATIVITY = 8  /**< weighted mean in which negative moments weigh parameter (>= 1) times more. */
} cxm_valence_rule;

/**
 * Aggregate the emotional valence of the moments of one journey.
 *
 * Valences [+1, −3, +2, +4, +1] give mean 1.0 and peak-end 2.5.
 *
 * @param[out] out       the aggregate.
 * @param n              number of moments, at least 1.
 * @param valences       @p n valences in time order.
 * @param durations      @p n durations (>= 0, positive total), or NULL for 1 each.
 * @param rule           a #cxm_valence_rule.
 * @param parameter      λ for #CXM_VALENCE_RECENCY, the negativity weight for
 *                       #CXM_VALENCE_NEGATIVITY; ignored otherwise.
 * @return #CXM_OK or #CXM_EINVAL.
 */
CXM_API int cxm_valence_aggregate(double *out, size_t n, const double *valences,
                                  const double *durations, cxm_valence_rule rule, double parameter);

/**
 * cxm_valence_aggregate() for many journeys stored one after the other, as
 * in cxm_peak_end_many().
 *
 * @param[out] dst       @p n_journeys aggregates.
 * @param n_journeys     number of journeys.
 * @param offsets        @p n_journeys + 1 non-decreasing offsets, offsets[0] = 0.
 * @param valences       offsets[n_journeys] valences.
 * @param durations      as many durations, or NULL.
 * @param rule           a #cxm_valence_rule.
 * @param parameter      the rule's parameter.
 * @return #CXM_OK or #CXM_EINVAL naming the bad journey.
 */
CXM_API int cxm_valence_aggregate_many(double *dst, size_t n_journeys, const size_t *offsets,
                                       const double *valences, const double *durations,
                                       cxm_valence_rule rule, double parameter);

/* ------------------------------------------------------------------------
 * The value link: satisfaction → retention → lifetime value (docs/models.md §3.4)
 * ------------------------------------------------------------------------ */

/**
 * A logistic regression of retention on one predictor (usually
 * satisfaction): P(retained | x) = 1/(1 + exp(−(intercept + slope·x)))
 * (Rust & Zahorik 1993).
 */
typedef struct cxm_logit {
    double intercept;      /**< β0. */
    double slope;          /**< β1. */
    double intercept_se;   /**< standard error of β0 (inverse Fisher information). */
    double slope_se;       /**< standard error of β1. */
    double covariance;     /**< covariance of β0 and β1. */
    double log_likelihood; /**< at the estimate (binomial, without the constant of grouped data). */
    double deviance;       /**< −2·(log-likelihood − saturated log-likelihood). */
    double null_deviance;  /**< deviance of the intercept-only model. */
    double observations;   /**< Σ weights. */
    size_t iterations;     /**< IRLS iterations used. */
} cxm_logit;

/**
 * Fit retention as a logistic function of x by iteratively reweighted least
 * squares (Newton's method), with standard errors from the inverse Fisher
 * information.
 *
 * @param[out] out      the fitted model (set only on success).
 * @param n             number of observations.
 * @param x             @p n predictor values (e.g. satisfaction).
 * @param y             @p n outcomes in [0, 1]: 1 retained, 0 lost, or a share
 *                      retained when @p weights holds group sizes.
 * @param weights       @p n weights (>= 0), or NULL for 1 each.
 * @return #CXM_OK; #CXM_EINVAL for bad data; #CXM_EDOMAIN when x does not vary or
 *         perfectly separates the outcomes (the slope would be infinite);
 *         #CXM_ECONVERGE when IRLS fails to converge.
 */
CXM_API int cxm_logit_fit(cxm_logit *out, size_t n, const double *x, const double *y,
                          const double *weights);

/**
 * The probability predicted by a logistic model at x.
 *
 * @param[out] out   1/(1 + exp(−(intercept + slope·x))).
 * @param model      the model (fitted, or written by hand).
 * @param x          the predictor value.
 * @return #CXM_OK or #CXM_EINVAL.
 */
CXM_API int cxm_logit_predict(double *out, const cxm_logit *model, double x);

/** What an improvement in satisfaction is worth. */
typedef struct cxm_value_link {
    double satisfaction;          /**< satisfaction now. */
    double improved_satisfaction; /**< satisfaction after the improvement. */
    double retention;             /**< retention now, from the logistic model. */
    double improved_retention;    /**< retention after the improvement. */
    double clv;                   /**< lifetime value now (closed form, docs/models.md §1.1). */
    double improved_clv;          /**< lifetime value after the improvement. */
    double gain_per_customer;     /**< improved_clv − clv. */
    double customers;             /**< size of the customer base. */
    double gain;                  /**< gain_per_customer × customers: the value for the base. */
} cxm_value_link;

/**
 * The value of raising satisfaction: satisfaction → retention (a logistic
 * model) → lifetime value (cxm_clv_retention()) before and after.
 *
 * With r(S) = 1/(1 + e^−(−2 + 0.5·S)), margin 100 and discount 0.12, raising
 * S from 7 to 7.5 moves retention from 0.817574 to 0.851953 and lifetime
 * value from 270.3391 to 317.8369: +47.4977 per customer.
 *
 * @param[out] out          the value link.
 * @param retention         the retention model (see cxm_logit_fit()).
 * @param satisfaction      satisfaction now, on the scale the model was fitted on.
 * @param improvement       the change in satisfaction (may be negative).
 * @param margin            margin per period.
 * @param discount          discount rate per period, >= 0.
 * @param timing            cash-flow timing (#cxm_cash_timing).
 * @param customers         size of the customer base, >= 0.
 * @return #CXM_OK, #CXM_EINVAL, or #CXM_EDOMAIN when a lifetime value is infinite.
 */
CXM_API int cxm_value_of_improvement(cxm_value_link *out, const cxm_logit *retention,
                                     double satisfaction, double improvement, double margin,
                                     double discount, cxm_cash_timing timing,
                                     double customers);

/** Return on quality (Rust, Zahorik & Keiningham 1995). */
typedef struct cxm_roq {
    double gain;              /**< present value of the gain the improvement brings. */
    double cost;              /**< present value of its cost. */
    double net_value;         /**< gain − cost. */
    double return_on_quality; /**< gain / cost (> 1: the improvement pays for itself). */
} cxm_roq;

/**
 * Return on quality: the present value of the gain over the present value of
 * the cost of the quality programme.
 *
 * @param[out] out      the return.
 * @param gain          present value of the gain (e.g. cxm_value_link.gain).
 * @param n_periods     number of cost payments.
 * @param costs         @p n_periods costs (>= 0); costs[t] is paid t periods from now.
 * @param discount      discount rate per period, >= 0.
 * @return #CXM_OK, #CXM_EINVAL, or #CXM_EDOMAIN when the cost is 0.
 */
CXM_API int cxm_return_on_quality(cxm_roq *out, double gain, size_t n_periods,
                                  const double *costs, double discount);

/**
 * A construct's index on a 0–100 scale as ACSI reports it:
 * Σ w̃_i(x̄_i − min)/(max − min)·100 with the unstandardized weights w_i
 * normalised to w̃_i = w_i/Σw (Fornell et al. 1996).
 *
 * Weights 0.3885, 0.3190, 0.2925 and item means 8, 7, 7.5 on a 1–10 scale
 * give 72.6083.
 *
 * @param[out] out       the index.
 * @param n_items        number of items.
 * @param weights        @p n_items unstandardized weights (their sum must not be 0).
 * @param means          @p n_items item means.
 * @param scale_min      the scale's lowest point.
 * @param scale_max      its highest point, > scale_min.
 * @return #CXM_OK or #CXM_EINVAL.
 */
CXM_API int cxm_satisfaction_index(double *out, size_t n_items, const double *weights,
                                   const double *means, double scale_min, double scale_max);


/* ------------------------------------------------------------------------
 * The structural chain from survey data: PLS path modelling (docs/models.md §3.3)
 * ------------------------------------------------------------------------ */

/** A structural model: constructs measured by blocks of survey items and the paths between them. */
typedef struct cxm_pls_model cxm_pls_model;
/** An estimated model: weights, loadings, paths, R², effects, indices and bootstrap results. */
typedef struct cxm_pls_result cxm_pls_result;

/** How a construct relates to its items. */
typedef enum cxm_pls_mode {
    CXM_PLS_MODE_A = 0, /**< reflective: outer weights from covariances (correlation weights). */
    CXM_PLS_MODE_B = 1  /**< formative: outer weights from a multiple regression (regression weights). */
} cxm_pls_mode;

/** Inner weighting scheme of the PLS algorithm (Lohmöller 1989). */
typedef enum cxm_pls_scheme {
    CXM_PLS_PATH = 0,      /**< predecessors: regression coefficients; successors: correlations. */
    CXM_PLS_CENTROID = 1,  /**< signs of the correlations of adjacent constructs. */
    CXM_PLS_FACTORIAL = 2  /**< correlations of adjacent constructs. */
} cxm_pls_scheme;

/** What to do with respondents who skipped an item of the model. */
typedef enum cxm_pls_missing {
    CXM_PLS_LISTWISE = 0,        /**< leave them out. */
    CXM_PLS_MEAN_REPLACEMENT = 1 /**< replace each missing answer by the item's mean. */
} cxm_pls_missing;

/** Estimation settings. Initialise with #CXM_PLS_OPTIONS_INIT or cxm_pls_options_init(). */
typedef struct cxm_pls_options {
    unsigned version;          /**< #CXM_PLS_OPTIONS_VERSION. */
    cxm_pls_scheme scheme;     /**< inner weighting scheme (path). */
    double tolerance;          /**< stop when no standardized outer weight changes more (1e-7). */
    size_t max_iterations;     /**< give up with #CXM_ECONVERGE after this many iterations (300). */
    size_t bootstrap;          /**< resamples for bootstrap intervals; 0 for none (0). */
    unsigned long long seed;   /**< seed of the bootstrap (1): the same seed gives the same numbers. */
    double level;              /**< confidence level of the bootstrap percentile intervals (0.95). */
    size_t threads;            /**< threads for the bootstrap; 0 = one per online processor (0). */
    cxm_pls_missing missing;   /**< missing answers (listwise). */
    /* Version 2. */
    int bca;                   /**< 1: with resamples, also bias-corrected and accelerated (BCa)
                                    intervals (Efron 1987), whose acceleration needs a jackknife:
                                    one more estimate per respondent (0). */
    /* Version 3. */
    int consistent;            /**< 1: consistent PLS (PLSc; Dijkstra & Henseler 2015) for the
                                    Mode A constructs: construct correlations corrected by ρA,
                                    paths, R², effects and loadings re-estimated from them (0). */
} cxm_pls_options;

/** The version of cxm_pls_options that this header describes. */
#define CXM_PLS_OPTIONS_VERSION 3
/** Default estimation settings. */
#define CXM_PLS_OPTIONS_INIT \
    { CXM_PLS_OPTIONS_VERSION, CXM_PLS_PATH, 1e-7, 300, 0, 1, 0.95, 0, CXM_PLS_LISTWISE, 0, 0 }

/** Set @p options to the defaults (#CXM_PLS_OPTIONS_INIT). */
static inline void cxm_pls_options_init(cxm_pls_options *options)
{
    if (options) {
        cxm_pls_options defaults = CXM_PLS_OPTIONS_INIT;
        *options = defaults;
    }
}

/**
 * An empty model. Add constructs, their items and paths, then estimate it.
 *
 * @param[out] out  the model; release it with cxm_pls_model_free().
 * @return #CXM_OK or #CXM_ENOMEM.
 */
CXM_API int cxm_pls_model_create(cxm_pls_model **out);

/** Release a model (NULL is accepted). */
CXM_API void cxm_pls_model_free(cxm_pls_model *model);

/**
 * Add a construct (latent variable).
 *
 * @param model  the model.
 * @param name   a name not used by another construct.
 * @param mode   #CXM_PLS_MODE_A (reflective) or #CXM_PLS_MODE_B (formative).
 * @return #CXM_OK, #CXM_EINVAL (empty or duplicate name, bad mode) or #CXM_ENOMEM.
 */
CXM_API int cxm_pls_model_add_construct(cxm_pls_model *model, const char *name, cxm_pls_mode mode);

/**
 * Add a survey item (a data column) to a construct's block. An item may
 * measure several constructs.
 *
 * @param model      the model.
 * @param construct  the construct's name.
 * @param item       the item's column name (not yet in this construct's block).
 * @return #CXM_OK, #CXM_ENOTFOUND (no such construct), #CXM_EINVAL or #CXM_ENOMEM.
 */
CXM_API int cxm_pls_model_add_item(cxm_pls_model *model, const char *construct, const char *item);

/**
 * The answer scale of a construct's items, for its 0–100 index. Without it
 * the index uses each item's observed minimum and maximum.
 *
 * @param model      the model.
 * @param construct  the construct's name.
 * @param scale_min  the scale's lowest point (1 on a 1–10 scale).
 * @param scale_max  its highest point, > scale_min.
 * @return #CXM_OK, #CXM_ENOTFOUND or #CXM_EINVAL.
 */
CXM_API int cxm_pls_model_set_scale(cxm_pls_model *model, const char *construct, double scale_min,
                                    double scale_max);

/**
 * Add a path (a structural relationship) from one construct to another.
 * The inner model must stay recursive (no cycles).
 *
 * @return #CXM_OK, #CXM_ENOTFOUND, #CXM_EINVAL (a self-loop, a duplicate, a cycle) or #CXM_ENOMEM.
 */
CXM_API int cxm_pls_model_add_path(cxm_pls_model *model, const char *from, const char *to);

/**
 * The construct whose drivers reports rank by importance–performance
 * (e.g. satisfaction).
 *
 * @return #CXM_OK, #CXM_ENOTFOUND or #CXM_ENOMEM.
 */
CXM_API int cxm_pls_model_set_target(cxm_pls_model *model, const char *construct);

/**
 * Read a model from JSON text:
 *
 *     {
 *       "name": "ECSI",
 *       "scale": [1, 10],                      (optional, default for every construct)
 *       "constructs": [
 *         {"name": "Image", "items": ["IMAG1", "IMAG2"], "mode": "A", "scale": [1, 10]},
 *         ...
 *       ],
 *       "paths": [
 *         {"from": "Image", "to": ["Expectation", "Satisfaction"]},   ("from"/"to": a name or a list)
 *         ["Expectation", "Quality"],                                 (or a [from, to] pair)
 *         ...
 *       ],
 *       "target": "Satisfaction",              (optional)
 *       "estimation": {"scheme": "path", "tolerance": 1e-7, "max_iterations": 300,
 *                      "bootstrap": 500, "seed": 1, "level": 0.95, "threads": 0,
 *                      "missing": "listwise", "bca": false, "consistent": false}
 *                                              (optional; scheme path|centroid|factorial,
 *                                               missing listwise|mean, bca: BCa intervals,
 *                                               consistent: PLSc)
 *     }
 *
 * "mode" is "A" (default, reflective) or "B" (formative). Unknown keys are
 * errors, so that a misspelt key does not go unnoticed.
 *
 * @param[out] out  the model; release it with cxm_pls_model_free().
 * @param json      NUL-terminated JSON text.
 * @return #CXM_OK, #CXM_EPARSE (malformed JSON: the message gives the line),
 *         #CXM_EINVAL (a model that does not make sense: the message names the key),
 *         #CXM_ENOMEM.
 */
CXM_API int cxm_pls_model_from_json(cxm_pls_model **out, const char *json);

/**
 * A ready-made model:
 *
 * - "acsi": the American Customer Satisfaction Index (Fornell et al. 1996):
 *   Expectations (CUEX1–3) → Quality (PERQ1–3), Value (PERV1–2),
 *   Satisfaction (CUSA1–3); Quality → Value, Satisfaction; Value →
 *   Satisfaction; Satisfaction → Complaints (CUSCO), Loyalty (CUSL1–2);
 *   Complaints → Loyalty.
 * - "ecsi": the European index on the mobile-phone survey (Tenenhaus et al.
 *   2005): Image (IMAG1–5) → Expectation (CUEX1–3), Satisfaction, Loyalty;
 *   Expectation → Quality (PERQ1–7), Value (PERV1–2), Satisfaction; Quality →
 *   Value, Satisfaction; Value → Satisfaction; Satisfaction → Complaints
 *   (CUSCO), Loyalty (CUSL1–3); Complaints → Loyalty.
 * - "chain": the libcxm emotion chain: Expectations (EXPE1–3) → Perceptions
 *   (PERC1–4), Satisfaction; Perceptions → Emotion (EMOT1–3), Satisfaction;
 *   Emotion → Satisfaction (SATI1–3), Promote (PROM1–2); Satisfaction →
 *   Promote, Complain (COMP1), Stay (STAY1–2); Complain → Stay.
 *
 * Items are on 1–10 scales; the target is Satisfaction. Export a preset with
 * cxm_pls_model_to_json() to rename its items.
 *
 * @return #CXM_OK, #CXM_ENOTFOUND (no such preset) or #CXM_ENOMEM.
 */
CXM_API int cxm_pls_model_preset(cxm_pls_model **out, const char *name);

/**
 * The model as JSON text (the format cxm_pls_model_from_json() reads).
 *
 * @param[out] out  NUL-terminated text; release it with cxm_free().
 * @param model the model.
 * @return #CXM_OK or #CXM_ENOMEM.
 */
CXM_API int cxm_pls_model_to_json(char **out, const cxm_pls_model *model);

/**
 * The estimation settings stored in the model's JSON ("estimation"), or the
 * defaults.
 *
 * @param[in,out] out initialised by the caller (#CXM_PLS_OPTIONS_INIT or
 *              cxm_pls_options_init()): its version says which fields to
 *              fill, so that a program built against an older header gets
 *              its shorter struct filled (docs/ABI.md).
 * @param model the model.
 * @return #CXM_OK or #CXM_EINVAL (an unknown version).
 */
CXM_API int cxm_pls_model_options(cxm_pls_options *out, const cxm_pls_model *model);

/** Number of constructs (0 for NULL). */
CXM_API size_t cxm_pls_model_construct_count(const cxm_pls_model *model);
/** Name of construct @p j, or NULL when there is no such construct. */
CXM_API const char *cxm_pls_model_construct_name(const cxm_pls_model *model, size_t j);
/**
 * Mode of construct @p j: #CXM_PLS_MODE_A (reflective) or #CXM_PLS_MODE_B (formative).
 * @return #CXM_OK or #CXM_EINVAL when there is no such construct.
 */
CXM_API int cxm_pls_model_construct_mode(cxm_pls_mode *out, const cxm_pls_model *model, size_t j);
/**
 * Index of the construct called @p name.
 * @return #CXM_OK or #CXM_ENOTFOUND.
 */
CXM_API int cxm_pls_model_find(size_t *out, const cxm_pls_model *model, const char *name);
/**
 * The target construct (cxm_pls_model_set_target()).
 * @return #CXM_OK or #CXM_ENOTFOUND when the model has none.
 */
CXM_API int cxm_pls_model_target(size_t *out, const cxm_pls_model *model);
/** Number of distinct items (data columns) the model uses. */
CXM_API size_t cxm_pls_model_item_count(const cxm_pls_model *model);
/** Name of item @p i (the order in which items were first added), or NULL. */
CXM_API const char *cxm_pls_model_item_name(const cxm_pls_model *model, size_t i);
/**
 * Number of indicators: (construct, item) pairs, in construct order and,
 * within a construct, in the order its items were added. Weights and
 * loadings come in this order.
 */
CXM_API size_t cxm_pls_model_indicator_count(const cxm_pls_model *model);
/** Item name of indicator @p k, or NULL. */
CXM_API const char *cxm_pls_model_indicator_name(const cxm_pls_model *model, size_t k);
/** Construct of indicator @p k (cxm_pls_model_construct_count() when there is none). */
CXM_API size_t cxm_pls_model_indicator_construct(const cxm_pls_model *model, size_t k);
/** Number of paths. */
CXM_API size_t cxm_pls_model_path_count(const cxm_pls_model *model);
/**
 * Path @p k: the constructs it leads from and to.
 * @return #CXM_OK or #CXM_EINVAL when there is no such path.
 */
CXM_API int cxm_pls_model_path(size_t *from, size_t *to, const cxm_pls_model *model, size_t k);

/**
 * Estimate a model by PLS path modelling (Wold 1982; Lohmöller 1989).
 *
 * The items are standardized and the algorithm iterates outer estimation
 * (Mode A: covariances with the inner proxy; Mode B: multiple regression on
 * it) and inner estimation (the scheme) until no standardized weight moves
 * more than the tolerance; path coefficients are then least squares on the
 * construct scores. Every step needs only the items' correlation matrix, so
 * each bootstrap resample costs one weighted cross-product of the data and
 * small-matrix work; resamples are split over threads, each resample with
 * its own random stream derived from the seed, so results do not depend on
 * the number of threads or on timing.
 *
 * With options->consistent (PLSc; Dijkstra & Henseler 2015), the
 * correlations of the Mode A constructs are divided by √(ρA,i·ρA,j) (ρA:
 * #CXM_PLS_RHO_A; 1 for Mode B and single items), so that they estimate the
 * correlations of common factors rather than of their error-laden
 * composites; paths, R² and effects are then least squares on these
 * correlations and Mode A loadings are consistent (ĉ·w, with ρA = (wᵀw)²ĉ²).
 * Weights, scores and indices are those of plain PLS. Each bootstrap
 * resample is corrected in the same way.
 *
 * @param[out] out         the result; release it with cxm_pls_result_free().
 * @param model            the model (it is copied; it may be changed or freed afterwards).
 * @param n_rows           respondents.
 * @param n_columns        columns of @p data.
 * @param data             n_rows × n_columns answers, row-major; NaN marks a missing answer.
 * @param column_names     n_columns names to find each item's column, or NULL when the
 *                         columns are exactly the model's items in order
 *                         (cxm_pls_model_item_name()).
 * @param options          settings, or NULL for the defaults.
 * @return #CXM_OK; #CXM_EINVAL (a model without paths, a construct without
 *         items or paths, bad options); #CXM_ENOTFOUND (an item without a
 *         column); #CXM_EDOMAIN (too few respondents, an item that does not
 *         vary, collinear constructs or Mode B items; with PLSc, a Mode A block with
 *         ρA <= 0 or corrected correlations beyond ±1, naming the constructs);
 *         #CXM_ECONVERGE; #CXM_ENOMEM.
 */
CXM_API int cxm_pls_estimate(cxm_pls_result **out, const cxm_pls_model *model, size_t n_rows,
                             size_t n_columns, const double *data,
                             const char *const *column_names, const cxm_pls_options *options);

/** Release a result (NULL is accepted). */
CXM_API void cxm_pls_result_free(cxm_pls_result *result);

/** The result's copy of the model: names of constructs, items and paths. */
CXM_API const cxm_pls_model *cxm_pls_result_model(const cxm_pls_result *result);

/** How an estimate went. This struct's layout is part of the ABI. */
typedef struct cxm_pls_info {
    size_t rows;             /**< respondents used. */
    size_t rows_dropped;     /**< respondents left out for missing answers (listwise). */
    size_t iterations;       /**< iterations of the PLS algorithm. */
    size_t resamples;        /**< bootstrap resamples that converged and count. */
    size_t resamples_failed; /**< resamples that did not converge or were degenerate. */
    double level;            /**< confidence level of the bootstrap intervals. */
    int scheme;              /**< the #cxm_pls_scheme used. */
} cxm_pls_info;

/** @return #CXM_OK or #CXM_EINVAL. */
CXM_API int cxm_pls_result_info(cxm_pls_info *out, const cxm_pls_result *result);

/** The estimated quantities. Matrices are constructs × constructs, row = from, column = to. */
typedef enum cxm_pls_quantity {
    CXM_PLS_WEIGHTS = 0,                /**< per indicator: standardized outer weights. */
    CXM_PLS_WEIGHTS_UNSTANDARDIZED = 1, /**< per indicator: weights on the raw items (weight/sd). */
    CXM_PLS_INDEX_WEIGHTS = 2,          /**< per indicator: index weights, summing to 1 per construct. */
    CXM_PLS_LOADINGS = 3,               /**< per indicator: correlation of the item with its construct
                                             (PLSc: the consistent loading of a Mode A item). */
    CXM_PLS_PATHS = 4,                  /**< path coefficients (0 where there is no path). */
    CXM_PLS_TOTAL_EFFECTS = 5,          /**< standardized total effects (direct + indirect). */
    CXM_PLS_TOTAL_EFFECTS_INDEX = 6,    /**< total effects in index points per index point
                                             (importance in importance–performance maps). */
    CXM_PLS_R_SQUARED = 7,              /**< per construct; NaN for exogenous constructs. */
    CXM_PLS_INDICES = 8,                /**< per construct: the 0–100 index (performance). */
    CXM_PLS_CONSTRUCT_CORRELATIONS = 9, /**< correlations of the construct scores (PLSc: corrected). */
    CXM_PLS_INDICATOR_MEANS = 10,       /**< per indicator: the item's mean. */
    CXM_PLS_INDICATOR_STD_DEVS = 11,    /**< per indicator: the item's standard deviation (n − 1). */
    CXM_PLS_INDIRECT_EFFECTS = 12,      /**< total indirect effects: total effects minus paths. */
    CXM_PLS_SPECIFIC_INDIRECT_EFFECTS = 13, /**< per indirect path (cxm_pls_result_indirect_path()):
                                                 the product of the path coefficients along it. */
    CXM_PLS_HETEROTRAIT_MONOTRAIT = 14  /**< constructs × constructs: HTMT (#CXM_PLS_HTMT, from the
                                             item correlations), recomputed on every resample, so
                                             that it has bootstrap intervals (Henseler, Ringle &
                                             Sarstedt 2015); NaN on the diagonal, and where a block's
                                             items are uncorrelated in that sample. */
} cxm_pls_quantity;

/**
 * Bootstrap statistics of a quantity. Values that do not vary over the
 * resamples (a path that is not in the model) have NaN t and p values and
 * intervals of zero width.
 */
typedef enum cxm_pls_statistic {
    CXM_PLS_BOOT_MEAN = 0,      /**< mean over the resamples. */
    CXM_PLS_BOOT_STD_ERROR = 1, /**< standard deviation over the resamples (n − 1). */
    CXM_PLS_BOOT_LOWER = 2,     /**< lower percentile bound at the options' level. */
    CXM_PLS_BOOT_UPPER = 3,     /**< upper percentile bound. */
    CXM_PLS_BOOT_BCA_LOWER = 4, /**< lower BCa bound (Efron 1987; needs options.bca). */
    CXM_PLS_BOOT_BCA_UPPER = 5, /**< upper BCa bound (needs options.bca). */
    CXM_PLS_BOOT_T_VALUE = 6,   /**< estimate / bootstrap standard error. */
    CXM_PLS_BOOT_P_VALUE = 7,   /**< two-sided p value of the t value: 2·P(T > |t|), T Student
                                     with respondents − 1 degrees of freedom. */
    CXM_PLS_BOOT_BIAS_CORRECTION = 8, /**< BCa's z0 = Φ⁻¹(share of resamples below the
                                           estimate, ties counting half) (needs options.bca). */
    CXM_PLS_BOOT_ACCELERATION = 9     /**< BCa's acceleration a = Σd³ / (6 (Σd²)^1.5), d the
                                           jackknife deviations from their mean (needs options.bca). */
} cxm_pls_statistic;

/** Number of values of a quantity (0 for an unknown quantity or NULL). */
CXM_API size_t cxm_pls_result_size(const cxm_pls_result *result, cxm_pls_quantity quantity);

/**
 * Copy an estimated quantity.
 *
 * @param[out] dst   @p n values.
 * @param n          must equal cxm_pls_result_size().
 * @param result an estimate from cxm_pls_estimate().
 * @param quantity which quantity to copy.
 * @return #CXM_OK or #CXM_EINVAL.
 */
CXM_API int cxm_pls_result_get(double *dst, size_t n, const cxm_pls_result *result,
                               cxm_pls_quantity quantity);

/**
 * A bootstrap statistic of a quantity: mean, standard error, percentile and
 * BCa intervals, t and p values (#cxm_pls_statistic).
 *
 * Percentile bounds are the level's tail quantiles of the resamples (linear
 * interpolation between order statistics, R's type 7). BCa bounds (Efron
 * 1987) are quantiles of the same resamples at the tail probabilities
 * Φ(z0 + (z0 + z_α)/(1 − a(z0 + z_α))), with z0 the bias correction and a the
 * acceleration from a delete-one jackknife over the respondents; they need
 * the option bca. Every statistic uses the resamples where the value is
 * defined (NaN values, e.g. R² of an exogenous construct, are left out).
 *
 * @param[out] dst   @p n values.
 * @param n          must equal cxm_pls_result_size().
 * @param result     an estimate with bootstrap resamples.
 * @param quantity   which quantity.
 * @param statistic  which statistic.
 * @return #CXM_OK, #CXM_EINVAL, or #CXM_ESTATE when the estimate has no
 *         successful resamples, or when a BCa statistic is asked of an
 *         estimate made without the option bca.
 */
CXM_API int cxm_pls_result_bootstrap(double *dst, size_t n, const cxm_pls_result *result,
                                     cxm_pls_quantity quantity, cxm_pls_statistic statistic);

/**
 * The bootstrap estimates of a quantity, resample after resample
 * (info.resamples × cxm_pls_result_size() values, row-major).
 *
 * @return #CXM_OK, #CXM_EINVAL or #CXM_ESTATE.
 */
CXM_API int cxm_pls_result_bootstrap_draws(double *dst, size_t n, const cxm_pls_result *result,
                                           cxm_pls_quantity quantity);

/**
 * Number of indirect paths of the inner model: every directed route of two
 * or more paths from one construct to another (expectations → perceptions →
 * satisfaction → loyalty), one value each of #CXM_PLS_SPECIFIC_INDIRECT_EFFECTS.
 * They come ordered by their sequence of construct indices (lexicographic).
 * A model with more than 10000 such routes gets none (the total indirect
 * effects, #CXM_PLS_INDIRECT_EFFECTS, remain). 0 for NULL.
 */
CXM_API size_t cxm_pls_result_indirect_count(const cxm_pls_result *result);

/** Number of constructs on indirect path @p k (at least 3), or 0 when there is no such path. */
CXM_API size_t cxm_pls_result_indirect_length(const cxm_pls_result *result, size_t k);

/**
 * The constructs along indirect path @p k, from its start to its end.
 *
 * @param[out] dst  @p n construct indices (cxm_pls_model_construct_name()).
 * @param n         must equal cxm_pls_result_indirect_length().
 * @param result    the estimate.
 * @param k         the path, < cxm_pls_result_indirect_count().
 * @return #CXM_OK or #CXM_EINVAL.
 */
CXM_API int cxm_pls_result_indirect_path(size_t *dst, size_t n, const cxm_pls_result *result,
                                         size_t k);

/**
 * Construct scores of respondents (the estimation data or new data).
 *
 * @param[out] dst         n_rows × constructs scores, row-major; NaN for a respondent
 *                         with a missing item in a construct's block.
 * @param n                must be n_rows × constructs.
 * @param result           the estimate.
 * @param n_rows           respondents.
 * @param n_columns        columns of @p data.
 * @param data             n_rows × n_columns answers.
 * @param column_names     as in cxm_pls_estimate().
 * @param rescaled         0: standardized scores (estimation sample mean 0, sd 1);
 *                         1: the 0–100 scale of the indices.
 * @return #CXM_OK, #CXM_EINVAL or #CXM_ENOTFOUND.
 */
CXM_API int cxm_pls_result_scores(double *dst, size_t n, const cxm_pls_result *result,
                                  size_t n_rows, size_t n_columns, const double *data,
                                  const char *const *column_names, int rescaled);

/**
 * The result as JSON: model, estimation info, indicators (weights,
 * loadings), constructs (R², index), paths and total effects, each with its
 * bootstrap standard error and interval when there are resamples, and the
 * importance–performance of the target's drivers when the model has a target.
 *
 * @param[out] out  NUL-terminated text; release it with cxm_free().
 * @param result an estimate from cxm_pls_estimate().
 * @return #CXM_OK, #CXM_EINVAL or #CXM_ENOMEM.
 */
CXM_API int cxm_pls_result_to_json(char **out, const cxm_pls_result *result);

/**
 * The value of improving a driver: raising construct @p driver by
 * @p points index points raises the target's index by points × its total
 * effect (#CXM_PLS_TOTAL_EFFECTS_INDEX); the retention model, fitted on the
 * target's index (0–100 scores from cxm_pls_result_scores()), turns that into
 * retention and lifetime value, as in cxm_value_of_improvement().
 *
 * @param[out] out      the value link; satisfaction is the target's index.
 * @param result        the estimate.
 * @param driver        the construct to improve.
 * @param target        the outcome construct (usually satisfaction).
 * @param points        index points of improvement of the driver.
 * @param retention     retention as a logistic function of the target's index.
 * @param margin        margin per period.
 * @param discount      discount rate per period.
 * @param timing        cash-flow timing.
 * @param customers     size of the customer base.
 * @return #CXM_OK, #CXM_EINVAL or #CXM_EDOMAIN.
 */
CXM_API int cxm_pls_value_of_driver(cxm_value_link *out, const cxm_pls_result *result,
                                    size_t driver, size_t target, double points,
                                    const cxm_logit *retention, double margin, double discount,
                                    cxm_cash_timing timing, double customers);


/* ------------------------------------------------------------------------
 * Out-of-sample prediction of the chain: PLSpredict
 * ------------------------------------------------------------------------ */

/** Cross-validated predictions of a path model (cxm_pls_predict()). */
typedef struct cxm_pls_prediction cxm_pls_prediction;

/** How the structural model predicts the endogenous constructs of a held-out respondent. */
typedef enum cxm_pls_predict_approach {
    /** From the exogenous constructs only, through the total effects (the reduced form;
     *  Shmueli et al. 2016): no answer about an endogenous construct is used. */
    CXM_PLS_EARLIEST_ANTECEDENTS = 0,
    /** From the scores of each construct's direct predecessors, computed from their own
     *  answers (Danks & Ray 2018). */
    CXM_PLS_DIRECT_ANTECEDENTS = 1
} cxm_pls_predict_approach;

/** Settings of cxm_pls_predict(). Initialise with #CXM_PLS_PREDICT_OPTIONS_INIT. */
typedef struct cxm_pls_predict_options {
    unsigned version;                  /**< #CXM_PLS_PREDICT_OPTIONS_VERSION. */
    size_t folds;                      /**< k of k-fold cross-validation, 2..respondents (10). */
    size_t repetitions;                /**< times the k-fold split is redrawn (1). */
    unsigned long long seed;           /**< seed of the folds (1): the same seed, the same folds. */
    cxm_pls_predict_approach approach; /**< earliest antecedents (the default) or direct ones. */
    size_t threads;                    /**< threads over the folds; 0 = all processors (0). */
} cxm_pls_predict_options;

/** The version of cxm_pls_predict_options that this header describes. */
#define CXM_PLS_PREDICT_OPTIONS_VERSION 1
/** Default prediction settings. */
#define CXM_PLS_PREDICT_OPTIONS_INIT \
    { CXM_PLS_PREDICT_OPTIONS_VERSION, 10, 1, 1, CXM_PLS_EARLIEST_ANTECEDENTS, 0 }

/** Set @p options to the defaults (#CXM_PLS_PREDICT_OPTIONS_INIT). */
static inline void cxm_pls_predict_options_init(cxm_pls_predict_options *options)
{
    if (options) {
        cxm_pls_predict_options defaults = CXM_PLS_PREDICT_OPTIONS_INIT;
        *options = defaults;
    }
}

/** What is predicted: the answers to the items of endogenous constructs, or the constructs. */
typedef enum cxm_pls_predict_level {
    CXM_PLS_PREDICT_INDICATORS = 0, /**< indicators of endogenous constructs. */
    CXM_PLS_PREDICT_CONSTRUCTS = 1  /**< endogenous constructs (standardized scores). */
} cxm_pls_predict_level;

/** Out-of-sample accuracy measures, over every held-out prediction of every repetition. */
typedef enum cxm_pls_predict_metric {
    CXM_PLS_PREDICT_RMSE = 0,    /**< PLS: root mean squared prediction error. */
    CXM_PLS_PREDICT_MAE = 1,     /**< PLS: mean absolute prediction error. */
    CXM_PLS_PREDICT_Q2 = 2,      /**< PLS: Q²_predict = 1 − Σ(error²) / Σ(error² of the
                                      training-sample mean); above 0 beats the mean. */
    CXM_PLS_PREDICT_LM_RMSE = 3, /**< linear benchmark (indicators only): RMSE. */
    CXM_PLS_PREDICT_LM_MAE = 4,  /**< linear benchmark: MAE. */
    CXM_PLS_PREDICT_LM_Q2 = 5    /**< linear benchmark: Q²_predict. */
} cxm_pls_predict_metric;

/** Per-respondent series of a prediction. */
typedef enum cxm_pls_predict_series {
    CXM_PLS_PREDICT_PLS = 0,    /**< the PLS prediction (mean over the repetitions). */
    CXM_PLS_PREDICT_LM = 1,     /**< the linear benchmark's prediction (indicators only). */
    CXM_PLS_PREDICT_ACTUAL = 2  /**< what was predicted: the answer, or for a construct its
                                     score from its own answers with the fold's weights
                                     (mean over the repetitions). */
} cxm_pls_predict_series;

/** How a prediction went. This struct's layout is part of the ABI. */
typedef struct cxm_pls_predict_info {
    size_t rows;         /**< respondents used. */
    size_t rows_dropped; /**< respondents left out for missing answers (listwise). */
    size_t folds;        /**< k. */
    size_t repetitions;  /**< repetitions of the k-fold split. */
    int approach;        /**< the #cxm_pls_predict_approach used. */
} cxm_pls_predict_info;

/**
 * PLSpredict (Shmueli, Ray, Velasquez Estrada & Chatla 2016; Shmueli et al.
 * 2019): k-fold cross-validated predictions of the endogenous constructs and
 * their indicators, with a linear benchmark.
 *
 * The respondents (those cxm_pls_estimate() would use) are shuffled with
 * the seed and cut into k folds of nearly equal size. For each fold, the
 * model is estimated on the others (the training sample) and the fold is
 * predicted: answers are standardized with the training means and standard
 * deviations, exogenous constructs get their scores from the training
 * weights, endogenous constructs are predicted by the structural model
 * (#cxm_pls_predict_approach), and each indicator of an endogenous construct
 * is predicted as the training mean + sd × loading × predicted score. The
 * linear benchmark (LM) regresses each such indicator on every item of the
 * exogenous constructs by least squares on the training sample. The
 * accuracy measures (#cxm_pls_predict_metric) pool every held-out
 * prediction of every repetition; Q²_predict compares with predicting the
 * training mean. Folds run in parallel; the numbers do not depend on the
 * number of threads.
 *
 * @param[out] out         the prediction; release it with cxm_pls_prediction_free().
 * @param model            the model (copied).
 * @param n_rows           respondents.
 * @param n_columns        columns of @p data.
 * @param data             n_rows × n_columns answers, row-major; NaN marks a missing answer.
 * @param column_names     as in cxm_pls_estimate().
 * @param estimation       estimation settings (scheme, tolerance, missing answers, PLSc:
 *                         each training sample is then estimated by consistent PLS), or
 *                         NULL; the bootstrap settings are not used.
 * @param options          prediction settings, or NULL for the defaults.
 * @return as cxm_pls_estimate(); #CXM_EINVAL also for bad options (fewer than 2 folds
 *         or more folds than respondents); #CXM_EDOMAIN when a training sample cannot be
 *         estimated or its exogenous items are collinear (the message names the fold).
 */
CXM_API int cxm_pls_predict(cxm_pls_prediction **out, const cxm_pls_model *model, size_t n_rows,
                            size_t n_columns, const double *data, const char *const *column_names,
                            const cxm_pls_options *estimation,
                            const cxm_pls_predict_options *options);

/** Release a prediction (NULL is accepted). */
CXM_API void cxm_pls_prediction_free(cxm_pls_prediction *prediction);

/** @return #CXM_OK or #CXM_EINVAL. */
CXM_API int cxm_pls_prediction_info(cxm_pls_predict_info *out,
                                    const cxm_pls_prediction *prediction);

/** Number of predicted indicators or constructs (0 for NULL or an unknown level). */
CXM_API size_t cxm_pls_prediction_count(const cxm_pls_prediction *prediction,
                                        cxm_pls_predict_level level);

/**
 * What entry @p k of a level is: an indicator number (cxm_pls_model_indicator_name(),
 * cxm_pls_model_indicator_construct()) or a construct number of the model; SIZE_MAX when
 * there is no such entry.
 */
CXM_API size_t cxm_pls_prediction_index(const cxm_pls_prediction *prediction,
                                        cxm_pls_predict_level level, size_t k);

/**
 * An accuracy measure of every predicted indicator or construct.
 *
 * @param[out] dst   @p n values.
 * @param n          must equal cxm_pls_prediction_count().
 * @param prediction the prediction.
 * @param level      indicators or constructs.
 * @param metric     the measure; the linear benchmark's only for indicators.
 * @return #CXM_OK or #CXM_EINVAL.
 */
CXM_API int cxm_pls_prediction_metric(double *dst, size_t n, const cxm_pls_prediction *prediction,
                                      cxm_pls_predict_level level, cxm_pls_predict_metric metric);

/**
 * Per-respondent predictions (or the values predicted).
 *
 * @param[out] dst   n_rows × cxm_pls_prediction_count() values, row-major, one row per
 *                   row of the data given to cxm_pls_predict(); NaN for respondents left out.
 * @param n          must be that size.
 * @param prediction the prediction.
 * @param level      indicators or constructs.
 * @param series     PLS, the linear benchmark (indicators only) or the actual values.
 * @return #CXM_OK or #CXM_EINVAL.
 */
CXM_API int cxm_pls_prediction_values(double *dst, size_t n, const cxm_pls_prediction *prediction,
                                      cxm_pls_predict_level level, cxm_pls_predict_series series);

/**
 * The fold of every respondent in every repetition: fold numbers 0..k−1, or
 * SIZE_MAX for a respondent left out.
 *
 * @param[out] dst   n_rows × repetitions values, row-major (one row per data row).
 * @param n          must be that size.
 * @param prediction the prediction.
 * @return #CXM_OK or #CXM_EINVAL.
 */
CXM_API int cxm_pls_prediction_folds(size_t *dst, size_t n, const cxm_pls_prediction *prediction);

/**
 * The prediction as JSON: settings, and per predicted indicator and
 * construct the accuracy measures of PLS and of the linear benchmark.
 *
 * @param[out] out  NUL-terminated text; release it with cxm_free().
 * @param prediction the prediction.
 * @return #CXM_OK, #CXM_EINVAL or #CXM_ENOMEM.
 */
CXM_API int cxm_pls_prediction_to_json(char **out, const cxm_pls_prediction *prediction);


/* ------------------------------------------------------------------------
 * Quality of a path model: reliability, validity, collinearity, effect sizes
 * (docs/chain.md, "Reading the quality of a model")
 * ------------------------------------------------------------------------ */

/**
 * Quality criteria of an estimate (cxm_pls_result_quality()). All come from
 * the items' correlation matrix and the estimate, so with
 * cxm_pls_options.consistent they use the consistent loadings and construct
 * correlations. Matrices are constructs × constructs (row = from, column =
 * to for paths); "per indicator" follows cxm_pls_model_indicator_name().
 */
typedef enum cxm_pls_quality {
    /** Per construct: Cronbach's α of the standardized items,
     *  K/(K − 1)·(1 − K/ΣΣr) (1 for a single item). */
    CXM_PLS_CRONBACH_ALPHA = 0,
    /** Per construct: ρA (Dijkstra & Henseler 2015) from the weights w (unit-variance score),
     *  (wᵀw)²·wᵀ(R − I)w / ((wᵀw)² − Σw⁴); 1 for Mode B and single-item constructs. */
    CXM_PLS_RHO_A = 1,
    /** Per construct: composite reliability ρC = (Σλ)² / ((Σλ)² + Σ(1 − λ²)) of the loadings λ. */
    CXM_PLS_RHO_C = 2,
    /** Per construct: average variance extracted Σλ²/K (Fornell & Larcker 1981). */
    CXM_PLS_AVE = 3,
    /** Indicators × constructs: correlation of each indicator with each construct's score. */
    CXM_PLS_CROSS_LOADINGS = 4,
    /** Constructs × constructs: √AVE on the diagonal, construct correlations elsewhere. */
    CXM_PLS_FORNELL_LARCKER = 5,
    /** Constructs × constructs, symmetric: heterotrait–monotrait ratio (Henseler, Ringle &
     *  Sarstedt 2015) of absolute item correlations; NaN on the diagonal (cxm_pls_model_htmt()). */
    CXM_PLS_HTMT = 6,
    /** Per indicator: variance inflation factor of the item within its block, the diagonal of
     *  the inverse of the block's correlation matrix (1 for a single item). */
    CXM_PLS_INDICATOR_VIF = 7,
    /** Constructs × constructs: VIF of each predecessor in the regression of its successor
     *  on all its predecessors (1 for a sole predecessor; 0 where there is no path). */
    CXM_PLS_STRUCTURAL_VIF = 8,
    /** Constructs × constructs: Cohen's f² = (R²(with) − R²(without)) / (1 − R²(with)) of each
     *  path for its successor's R² (0 where there is no path). */
    CXM_PLS_F_SQUARED = 9,
    /** Per construct: 1 − (1 − R²)(n − 1)/(n − k − 1) with k predecessors; NaN for exogenous
     *  constructs. */
    CXM_PLS_R_SQUARED_ADJUSTED = 10
} cxm_pls_quality;

/** Number of values of a quality criterion (0 for an unknown one or NULL). */
CXM_API size_t cxm_pls_result_quality_size(const cxm_pls_result *result, cxm_pls_quality quality);

/**
 * Compute a quality criterion of an estimate (docs/chain.md explains each
 * and its usual thresholds).
 *
 * @param[out] dst   @p n values, laid out as #cxm_pls_quality says.
 * @param n          must equal cxm_pls_result_quality_size().
 * @param result     an estimate from cxm_pls_estimate().
 * @param quality    which criterion.
 * @return #CXM_OK; #CXM_EINVAL (bad arguments); #CXM_EDOMAIN when the
 *         criterion is undefined for these data, with a message naming the
 *         construct: a block whose items are collinear (indicator VIF), a
 *         construct with collinear predecessors or an R² of 1 (structural
 *         VIF, f²), a block whose items are all uncorrelated (HTMT).
 */
CXM_API int cxm_pls_result_quality(double *dst, size_t n, const cxm_pls_result *result,
                                   cxm_pls_quality quality);

/**
 * The heterotrait–monotrait ratio of correlations (HTMT; Henseler, Ringle &
 * Sarstedt 2015) of a model's constructs from a correlation matrix of its
 * items, e.g. of a bootstrap resample:
 *
 *     HTMT(i, j) = mean |r(a, b)|, a in block i, b in block j
 *                  / √(mean |r(a, a')| in block i · mean |r(b, b')| in block j)
 *
 * with the within-block means over distinct pairs (1 for a single item).
 * Absolute correlations, as in seminr and cSEM: for items coded in the same
 * direction this is the published formula. Below 0.85 (conservative) or
 * 0.90 the constructs are empirically distinct.
 *
 * @param[out] dst        constructs × constructs values, symmetric, NaN on the diagonal.
 * @param n               must be constructs².
 * @param model           the model.
 * @param n_items         must equal cxm_pls_model_item_count().
 * @param correlations    n_items × n_items correlations, row-major, the items in the
 *                        order of cxm_pls_model_item_name().
 * @return #CXM_OK, #CXM_EINVAL (sizes; a correlation that is not a finite number in
 *         [−1, 1], naming the two items) or #CXM_EDOMAIN (a block whose items are all
 *         uncorrelated, naming the construct).
 */
CXM_API int cxm_pls_model_htmt(double *dst, size_t n, const cxm_pls_model *model, size_t n_items,
                               const double *correlations);


/* ------------------------------------------------------------------------
 * Survey files
 * ------------------------------------------------------------------------ */

/** Survey answers read from a file: numeric columns, NaN for missing answers. */
typedef struct cxm_survey cxm_survey;

/**
 * Read survey answers from a delimited text file (one respondent per
 * record) with the shared CSV reader (see cxm/io.h).
 *
 * Every selected column must hold numbers; an empty field, NA, N/A, NaN or
 * NULL (any case) is a missing answer and becomes NaN. Anything else stops
 * the read with a message naming the file, line, column and value
 * ("survey.csv:17: column 'CUSA2': 'high' is not a number"), unless the
 * options skip bad rows.
 *
 * @param[out] out      the survey; release it with cxm_survey_free().
 * @param path          the file.
 * @param n_columns     number of columns to read, 0 for all of them.
 * @param columns       @p n_columns column names or 1-based numbers ("3"), or NULL.
 * @param options       the file's layout, or NULL for the defaults (comma, header).
 * @return #CXM_OK, #CXM_EIO, #CXM_EPARSE, #CXM_ENOTFOUND (a column), #CXM_ENOMEM.
 */
CXM_API int cxm_survey_read(cxm_survey **out, const char *path, size_t n_columns,
                            const char *const *columns, const cxm_csv_options *options);

/** Release a survey (NULL is accepted). */
CXM_API void cxm_survey_free(cxm_survey *survey);

/** Number of respondents (records read). */
CXM_API size_t cxm_survey_rows(const cxm_survey *survey);

/** Number of columns read. */
CXM_API size_t cxm_survey_columns(const cxm_survey *survey);

/** Name of column @p j: its header, or its 1-based number as text without a header; NULL if none. */
CXM_API const char *cxm_survey_column_name(const cxm_survey *survey, size_t j);

/** Records skipped as bad (with the skip_bad_rows option). */
CXM_API size_t cxm_survey_skipped(const cxm_survey *survey);

/**
 * Copy one column's answers (NaN for missing).
 *
 * @param[out] dst   cxm_survey_rows() values.
 * @param n          must equal cxm_survey_rows().
 * @param survey     the survey.
 * @param column     the column's name (or 1-based number).
 * @return #CXM_OK, #CXM_EINVAL or #CXM_ENOTFOUND.
 */
CXM_API int cxm_survey_column(double *dst, size_t n, const cxm_survey *survey, const char *column);

/**
 * NPS of one column of a survey (answers 0..10; missing answers skipped).
 *
 * @return as cxm_nps_from_scores(); #CXM_ENOTFOUND for an unknown column.
 *         Errors about answers name the column.
 */
CXM_API int cxm_survey_nps(cxm_nps_estimate *out, const cxm_survey *survey, const char *column,
                           double level);

/**
 * Estimate a path model on a survey: the model's items are found among the
 * survey's columns by name.
 *
 * @return as cxm_pls_estimate().
 */
CXM_API int cxm_survey_pls(cxm_pls_result **out, const cxm_survey *survey,
                           const cxm_pls_model *model, const cxm_pls_options *options);

/**
 * PLSpredict on a survey (cxm_pls_predict() with the model's items found among the
 * survey's columns by name).
 *
 * @return as cxm_pls_predict().
 */
CXM_API int cxm_survey_pls_predict(cxm_pls_prediction **out, const cxm_survey *survey,
                                   const cxm_pls_model *model, const cxm_pls_options *estimation,
                                   const cxm_pls_predict_options *options);

#ifdef __cplusplus
}
#endif

#endif /* CXM_CHAIN_H */
