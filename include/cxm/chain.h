/**
 * @file cxm/chain.h
 * @brief The expectation-to-results emotion chain: how customers remember,
 *        feel and judge an experience.
 */
#ifndef CXM_CHAIN_H
#define CXM_CHAIN_H

#include "cxm/common.h"

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

#ifdef __cplusplus
}
#endif

#endif /* CXM_CHAIN_H */
