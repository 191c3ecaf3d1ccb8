/**
 * @file cxm/journey.h
 * @brief The two-perspective journey model: the organization's ladder (Know,
 *        Do, Suggest, Create) meets the customer's decisions (Explore, Buy,
 *        Promote) at touchpoints.
 *
 * Four groups of functions:
 *
 *  - **Journey map** (::cxm_journey_map): touchpoints with id, name, channel,
 *    owning department, the customer decision and the ladder rung each
 *    serves, and what counts as conversion. Built through the API or loaded
 *    from JSON (schema: docs/journey-map.md).
 *  - **Paths and attribution** (::cxm_paths): aggregated journeys
 *    ("a > b > c" with conversions, nulls and value) and who earned the
 *    conversions: exact Markov removal effects of order 1 to 4, first/last
 *    touch, linear, position-based, time decay, Shapley values, and the
 *    transition matrix.
 *  - **Journeys from an event log** (::cxm_journeys): per customer the
 *    ordered journey, the furthest decision, the times between decisions and
 *    the highest rung; the funnel, the absorbing decision chain, the
 *    inside-out/outside-in gap, the experience map and ladder coverage.
 *  - **Closed forms on summary numbers**: cxm_decision_chain() and
 *    cxm_importance_performance().
 *
 * Results are ::cxm_table objects (cxm/table.h): look columns up by name.
 *
 * ## Markov attribution: the rules (docs/models.md §2.3, Anderl et al. 2016)
 *
 * States are `(start)`, one state per touchpoint (order 1) or per tuple of
 * the last k touches (order k), and the absorbing `(conversion)` and
 * `(null)`. A path with c conversions and u nulls contributes weight c + u to
 * every step it takes, weight c from its last state to `(conversion)` and u
 * from its last state to `(null)`. Transition probabilities are the weights
 * out of a state divided by their sum.
 *
 *  - **Order k > 1.** The state after touch i is the tuple of the last
 *    min(i, k) touches: a path starts in 1-tuples, then 2-tuples, ... (the
 *    usual k-th order chain with the start as history). ChannelAttribution
 *    instead enters a path at its first full k-tuple; both agree at order 1
 *    and on the order-2 example of docs/models.md §2.3.
 *  - **Repeated touches and self-loops.** A step from a state to itself (at
 *    order 1: the same touchpoint twice in a row, A > A > C; at order k: a
 *    run of more than k identical touches) is a self-loop. Self-loops are
 *    collapsed by default. This is
 *    exact, not an approximation: a self-loop on a transient state changes
 *    how long a customer stays, never where the chain is absorbed, so
 *    conversion probabilities and removal effects are identical with or
 *    without them (p_s = Σ_t w_st p_t / W_s has the same solution when w_ss
 *    is dropped from both sides). With cxm_markov_options.keep_self_loops
 *    they stay in the chain and in its transition matrix. Either way the
 *    collapsed weight is reported (scalar `self_loop_weight`), never dropped
 *    silently.
 *  - **Removal effect** of channel j: RE_j = 1 − P₋ⱼ(conv)/P(conv), where
 *    removing j sends every transition into a state that contains j to
 *    `(null)`. Attributed conversions are RE_j/Σ RE × total conversions.
 *    P(conv) equals total conversions / total paths (a flow-conservation
 *    invariant of the estimated chain, at every order).
 *  - **Value.** The transition from a state to `(conversion)` carries the
 *    mean value of the conversions that ended there; the expected value
 *    E = Σ over absorptions of that reward, its removal effect
 *    1 − E₋ⱼ/E, and attributed value = its share of the total value.
 *  - **Without nulls** (use_nulls = 0): null counts are ignored, so only
 *    converting paths shape the chain (P(conv) = 1 before removals).
 *  - **Exact solution.** Absorption probabilities solve (I − Q)x = r. The
 *    states are split into strongly connected components (Tarjan), solved
 *    downstream first; a component of up to 96 states is solved by dense LU,
 *    a larger one by Gauss–Seidel started from a lower bound (0) and an upper
 *    bound (1, or the largest mean value) at once. Because Q ≥ 0 both
 *    sequences are monotone and bracket the solution at every sweep; the
 *    iteration stops when the bracket is below 8 ulp of the scale, which is
 *    a certificate, not a heuristic. Should a component mix slowly, the
 *    solver switches to dense LU of that component (exact to rounding). The
 *    largest bracket left is reported (scalar `solver_error_bound`).
 *
 * ## Heuristics (per touch: repeated touches count)
 *
 * First touch and last touch give a path's conversions to its first and last
 * touch; linear splits them equally over its touches; position-based gives
 * first_weight and last_weight to the first and last touch and shares
 * middle_weight equally over the touches between (a path of two touches
 * splits first_weight : last_weight; of one touch gives it everything); time
 * decay weighs a touch at age Δt (time from the touch to the conversion) by
 * 2^(−Δt/half_life). Shapley values use v(S) = conversions of the paths whose
 * set of touched channels is a subset of S; for that game the Shapley value
 * of j is exactly Σ over channel sets T ∋ j of conv(T)/|T| (computed so, in
 * linear time).
 */
#ifndef CXM_JOURNEY_H
#define CXM_JOURNEY_H

#include "cxm/common.h"
#include "cxm/io.h"
#include "cxm/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ================================================================== vocabulary */

/** The customer's decisions (outside in). LEAVE is where a journey ends without promoting. */
typedef enum cxm_decision {
    CXM_DECISION_EXPLORE = 0, /**< should I explore? */
    CXM_DECISION_BUY = 1,     /**< should I buy? */
    CXM_DECISION_PROMOTE = 2, /**< should I promote? */
    CXM_DECISION_LEAVE = 3    /**< the customer left (only in the decision chain) */
} cxm_decision;

/** The organization's ladder (inside out). */
typedef enum cxm_rung {
    CXM_RUNG_KNOW = 0,    /**< we hold who the customer is */
    CXM_RUNG_DO = 1,      /**< we placed them in a segment or campaign */
    CXM_RUNG_SUGGEST = 2, /**< we made a personal loyalty or engagement offer */
    CXM_RUNG_CREATE = 3   /**< we built an experience that moves them */
} cxm_rung;

/** "EXPLORE", "BUY", "PROMOTE", "LEAVE", or NULL for other values. */
CXM_API const char *cxm_decision_name(cxm_decision decision);

/** "KNOW", "DO", "SUGGEST", "CREATE", or NULL for other values. */
CXM_API const char *cxm_rung_name(cxm_rung rung);

/* ================================================================== journey map */

/** Touchpoints and the conversion rule (opaque). */
typedef struct cxm_journey_map cxm_journey_map;

/** An empty map; conversion is reaching BUY until set otherwise. Free with cxm_journey_map_free(). */
CXM_API int cxm_journey_map_create(cxm_journey_map **out);

/** Release a map. NULL is accepted. */
CXM_API void cxm_journey_map_free(cxm_journey_map *map);

/**
 * Add a touchpoint.
 *
 * @param id          unique, non-empty identifier (what event logs refer to).
 * @param name        display name; NULL or "" uses the id.
 * @param channel     channel (e.g. "email"); NULL or "" uses the id.
 * @param department  owning department; NULL means "".
 * @param decision    the customer decision it serves: EXPLORE, BUY or PROMOTE.
 * @param rung        the ladder rung it serves.
 * @param map the map.
 * @return #CXM_OK, #CXM_EINVAL (duplicate or empty id, LEAVE, unknown enum value).
 */
CXM_API int cxm_journey_map_add_touchpoint(cxm_journey_map *map, const char *id, const char *name,
                                           const char *channel, const char *department,
                                           cxm_decision decision, cxm_rung rung);

/** Stated importance of a touchpoint (any finite scale, used by the experience map). */
CXM_API int cxm_journey_map_set_importance(cxm_journey_map *map, const char *id, double importance);

/**
 * Append employees' self-ratings of a touchpoint (the inside-out view, on
 * the scale customers use).
 *
 * @return #CXM_OK, #CXM_ENOTFOUND (no such touchpoint), #CXM_EINVAL (non-finite rating).
 */
CXM_API int cxm_journey_map_add_employee_ratings(cxm_journey_map *map, const char *id, size_t n,
                                                 const double *ratings);

/**
 * Conversion is reaching @p decision (BUY by default; EXPLORE, BUY or
 * PROMOTE). Ignored while touchpoints are flagged with
 * cxm_journey_map_set_conversion_touchpoint().
 */
CXM_API int cxm_journey_map_set_conversion_decision(cxm_journey_map *map, cxm_decision decision);

/**
 * Flag (@p is_conversion = 1) or unflag (0) a touchpoint as a conversion.
 * While at least one touchpoint is flagged, a customer converts by touching
 * a flagged touchpoint, and the decision rule is not used.
 */
CXM_API int cxm_journey_map_set_conversion_touchpoint(cxm_journey_map *map, const char *id,
                                                      int is_conversion);

/**
 * The rating scale (e.g. 1 and 5). Its midpoint is the neutral point from
 * which the peak-end rule measures how intense a rated moment was; without a
 * scale ratings are used as they are (neutral = 0).
 */
CXM_API int cxm_journey_map_set_rating_scale(cxm_journey_map *map, double min, double max);

/** Number of touchpoints (0 for NULL). */
CXM_API size_t cxm_journey_map_count(const cxm_journey_map *map);

/**
 * The touchpoints as a table, in the order they were added.
 *
 * Columns: id, name, channel, department, decision, rung (text);
 * importance (NaN if not stated), employee_ratings (count), employee_mean,
 * conversion (1 if the touchpoint counts as conversion, else 0).
 * Scalars: scale_min, scale_max (NaN when unset).
 */
CXM_API int cxm_journey_map_touchpoints(cxm_table **out, const cxm_journey_map *map);

/**
 * Parse a journey map from JSON text (schema: docs/journey-map.md).
 *
 * @param text     the JSON document, @p length bytes (need not be NUL-terminated).
 * @param source   name used in error messages (e.g. the file name), or NULL.
 * @param out the map, released with cxm_journey_map_free().
 * @param length length of @p text in bytes.
 * @return #CXM_OK, #CXM_EPARSE with a message naming the place
 *         ("map.json:3:14: ..." for syntax, "map.json: touchpoints[2] ('cart'):
 *         key 'rung' must be one of KNOW, DO, SUGGEST, CREATE, got 'BUY'"), #CXM_ENOMEM.
 *         Unknown keys are errors (they are usually typos).
 */
CXM_API int cxm_journey_map_parse_json(cxm_journey_map **out, const char *text, size_t length,
                                       const char *source);

/** Load a journey map from a JSON file: cxm_journey_map_parse_json() on its content; #CXM_EIO if it cannot be read. */
CXM_API int cxm_journey_map_load_json(cxm_journey_map **out, const char *filename);

/* ================================================================== paths */

/**
 * Journeys as paths of touches with their conversions, nulls and value
 * (opaque). Paths are kept as given: a path may appear on several rows,
 * which gives the same results as one row with the summed counts.
 */
typedef struct cxm_paths cxm_paths;

/**
 * An empty path set.
 *
 * @param separator  the text between touches in path strings (">" when NULL;
 *                   blanks around it and around touches are trimmed, so
 *                   " > " is the same as ">").
 * @param out the empty path set, released with cxm_paths_free().
 */
CXM_API int cxm_paths_create(cxm_paths **out, const char *separator);

/** Release a path set. NULL is accepted. */
CXM_API void cxm_paths_free(cxm_paths *paths);

/**
 * Add a path written as text, e.g. "search > email > direct".
 *
 * @param conversions  conversions of this path (finite, >= 0; need not be whole).
 * @param nulls        journeys of this path that did not convert (finite, >= 0).
 * @param value        total conversion value (finite, >= 0; 0 when conversions is 0).
 * @param paths the path set.
 * @param path the touches separated by the set's separator, e.g. "search > email".
 * @return #CXM_OK, #CXM_EINVAL naming the problem (an empty touch, a bad count).
 */
CXM_API int cxm_paths_add(cxm_paths *paths, const char *path, double conversions, double nulls,
                          double value);

/**
 * Add a path given as an array of touches.
 *
 * @param ages   NULL, or the time from each touch to the conversion (>= 0),
 *               needed by time-decay attribution.
 * @param paths the path set.
 * @param n number of touches, >= 1.
 * @param touches @p n touch names in order.
 * @param conversions conversions of this path (finite, >= 0).
 * @param nulls journeys of this path that did not convert (finite, >= 0).
 * @param value total conversion value (finite, >= 0).
 */
CXM_API int cxm_paths_add_touches(cxm_paths *paths, size_t n, const char *const *touches,
                                  const double *ages, double conversions, double nulls,
                                  double value);

/**
 * Add @p n text paths at once. @p nulls and @p values may be NULL (zeros).
 * On failure the message starts with "path I: " and paths before I are kept.
 */
CXM_API int cxm_paths_add_many(cxm_paths *paths, size_t n, const char *const *texts,
                               const double *conversions, const double *nulls,
                               const double *values);

/**
 * Read a path file such as ChannelAttribution's (`path;total_conversions;
 * total_conversion_value;total_null`) with the shared CSV reader, adding
 * its rows to @p paths.
 *
 * Columns are given by header name or 1-based number; NULL looks for the
 * usual names (case-insensitive): path | paths; conversions |
 * total_conversions | conversion; value | total_conversion_value |
 * conversion_value; nulls | total_null | total_nulls | null. The value and
 * nulls columns are optional (absent or empty cells count 0; "" means the
 * file has none).
 *
 * @param csv_options  layout and strictness (cxm/io.h); NULL detects the
 *                     delimiter and expects a header. With skip_bad_rows, bad
 *                     rows are counted (cxm_paths_skipped()).
 * @param paths the path set the rows are added to.
 * @param filename the file.
 * @param path_column column of the paths (header name or 1-based number).
 * @param conversions_column column of the conversions.
 * @param value_column column of the conversion value, or NULL/"" for none.
 * @param nulls_column column of the nulls, or NULL/"" for none.
 * @return #CXM_OK, #CXM_EIO, #CXM_EPARSE ("paths.csv:12: column 'path': touch
 *         2 of 'a > > b' is empty"), #CXM_ENOTFOUND (no such column).
 */
CXM_API int cxm_paths_read_csv(cxm_paths *paths, const char *filename, const char *path_column,
                               const char *conversions_column, const char *value_column,
                               const char *nulls_column, const cxm_csv_options *csv_options);

/**
 * Threads cxm_paths_read_csv() may use: 1 (the default) reads and parses in
 * the calling thread; 2 lets a helper thread parse and add the paths while
 * the calling thread reads the file (the result is identical, messages
 * included; a custom allocator set with cxm_set_allocator() must then be
 * thread-safe, as the C library's is); 0 means 2 when more than one
 * processor is online. More than 2 is the same as 2.
 *
 * @return #CXM_OK, #CXM_EINVAL (more than 64).
 */
CXM_API int cxm_paths_set_threads(cxm_paths *paths, unsigned threads);

/** Bad rows skipped by cxm_paths_read_csv() with skip_bad_rows (0 for NULL). */
CXM_API unsigned long long cxm_paths_skipped(const cxm_paths *paths);

/** The message of the @p i-th skipped row (the first 10 are kept), or NULL. */
CXM_API const char *cxm_paths_skipped_message(const cxm_paths *paths, size_t i);

/** Number of paths added (rows, 0 for NULL). */
CXM_API size_t cxm_paths_count(const cxm_paths *paths);

/** Number of distinct channels seen (0 for NULL). */
CXM_API size_t cxm_paths_channel_count(const cxm_paths *paths);

/* ================================================================== attribution */

/** Options of cxm_attribution_markov() and cxm_attribution_transitions(). */
typedef struct cxm_markov_options {
    unsigned version;    /**< #CXM_MARKOV_OPTIONS_VERSION */
    unsigned order;      /**< 1 to 4 (default 1) */
    int use_nulls;       /**< 1 (default): null paths shape the chain; 0: converting paths only */
    int keep_self_loops; /**< 0 (default): collapse self-loops; 1: keep them (same removal effects) */
} cxm_markov_options;
/** The version of ::cxm_markov_options this header describes. */
#define CXM_MARKOV_OPTIONS_VERSION 1
/** Initializer of ::cxm_markov_options with the defaults. */
#define CXM_MARKOV_OPTIONS_INIT { CXM_MARKOV_OPTIONS_VERSION, 1, 1, 0 }
/** Fill @p options with the defaults.
 * Inline, so that it fills the struct of the header the caller was compiled
 * with: a library function would write a newer, longer struct (docs/ABI.md). */
static inline void cxm_markov_options_init(cxm_markov_options *options)
{
    if (options) {
        cxm_markov_options defaults = CXM_MARKOV_OPTIONS_INIT;
        *options = defaults;
    }
}

/**
 * Exact Markov attribution by removal effects (rules in the file comment).
 *
 * Columns, one row per channel in order of first appearance: channel;
 * removal_effect, conversions (attributed), value_removal_effect, value
 * (attributed; the value columns are 0 and NaN when no path has value).
 * Scalars: order, conversion_probability, expected_value (per path),
 * total_conversions, total_nulls, total_value, paths (total journeys
 * counted), path_rows (paths with weight > 0), states, transitions,
 * self_loop_weight, solver_error_bound.
 *
 * @return #CXM_OK; #CXM_EDOMAIN when there are no conversions; #CXM_EINVAL
 *         for bad options; #CXM_ERANGE when order > 1 and there are more than
 *         65535 channels.
 */
CXM_API int cxm_attribution_markov(cxm_table **out, const cxm_paths *paths,
                                   const cxm_markov_options *options);

/**
 * The estimated transition matrix, one row per non-zero transition.
 *
 * Columns: from, to (state names: "(start)", "(conversion)", "(null)",
 * channels, or tuples written "a > b"); weight (summed path counts);
 * probability. Scalars as for cxm_attribution_markov() except the solver's.
 */
CXM_API int cxm_attribution_transitions(cxm_table **out, const cxm_paths *paths,
                                        const cxm_markov_options *options);

/** Options of cxm_attribution_heuristic(). */
typedef struct cxm_heuristic_options {
    unsigned version;     /**< #CXM_HEURISTIC_OPTIONS_VERSION */
    double first_weight;  /**< position-based share of the first touch (0.4) */
    double middle_weight; /**< position-based share of the touches between (0.2) */
    double last_weight;   /**< position-based share of the last touch (0.4) */
    double half_life;     /**< time-decay half-life in the ages' unit; 0 = no time decay (7) */
} cxm_heuristic_options;
/** The version of ::cxm_heuristic_options this header describes. */
#define CXM_HEURISTIC_OPTIONS_VERSION 1
/** Initializer of ::cxm_heuristic_options with the defaults. */
#define CXM_HEURISTIC_OPTIONS_INIT { CXM_HEURISTIC_OPTIONS_VERSION, 0.4, 0.2, 0.4, 7.0 }
/** Fill @p options with the defaults.
 * Inline, so that it fills the struct of the header the caller was compiled
 * with: a library function would write a newer, longer struct (docs/ABI.md). */
static inline void cxm_heuristic_options_init(cxm_heuristic_options *options)
{
    if (options) {
        cxm_heuristic_options defaults = CXM_HEURISTIC_OPTIONS_INIT;
        *options = defaults;
    }
}

/**
 * Rule-based attribution (rules in the file comment).
 *
 * Columns, one row per channel: channel; first_touch, last_touch, linear,
 * position_based, time_decay (conversions) and first_touch_value,
 * last_touch_value, linear_value, position_based_value, time_decay_value.
 * The time-decay columns are NaN unless every converting path has ages and
 * half_life > 0. Scalars: total_conversions, total_value.
 *
 * @return #CXM_OK, #CXM_EINVAL (weights negative or summing to 0, negative half-life).
 */
CXM_API int cxm_attribution_heuristic(cxm_table **out, const cxm_paths *paths,
                                      const cxm_heuristic_options *options);

/**
 * Shapley-value attribution for v(S) = conversions (and value) of the paths
 * whose set of channels is contained in S.
 *
 * Columns: channel; shapley, shapley_value. Scalars: total_conversions, total_value.
 */
CXM_API int cxm_attribution_shapley(cxm_table **out, const cxm_paths *paths);

/* ================================================================== closed forms */

/**
 * The absorbing decision chain (docs/models.md §2.2) from its transitions.
 *
 * @param transitions  8 numbers, row-major: from EXPLORE, then from BUY, to
 *                     EXPLORE, BUY, PROMOTE, LEAVE. Counts or probabilities
 *                     (each row is divided by its sum; a row must not be all 0).
 * @param out the table, released with cxm_table_free().
 *
 * Columns, rows EXPLORE and BUY: from; p_explore, p_buy, p_promote, p_leave
 * (transition probabilities); n_explore, n_buy (fundamental matrix N =
 * (I − Q)⁻¹: expected visits); promote, leave (absorption probabilities B =
 * N·R); steps (expected steps before absorption, N·1).
 *
 * @return #CXM_OK, #CXM_EINVAL (negative or non-finite entry, empty row),
 *         #CXM_EDOMAIN (a state never reaches PROMOTE or LEAVE).
 */
CXM_API int cxm_decision_chain(cxm_table **out, const double *transitions);

/**
 * Importance–performance analysis (Martilla & James 1977).
 *
 * Quadrants are split at the mean importance and the mean performance:
 * "pain point" (important, performing below the mean), "bright spot"
 * (important, above), "low priority" (below, below), "possible overkill"
 * (below, above). A value equal to its mean counts as high.
 *
 * @param labels  NULL (labels "1", "2", ...) or @p n names.
 * @param out the table, released with cxm_table_free().
 * @param n number of touchpoints.
 * @param importance @p n importance values.
 * @param performance @p n performance values.
 *
 * Columns: label, quadrant (text); importance, performance, priority
 * (standardized importance − standardized performance: larger = more
 * urgent), rank (1 = first within its quadrant: pain points and low
 * priorities by descending priority, bright spots and overkill by
 * ascending). Scalars: importance_mean, performance_mean.
 *
 * @return #CXM_OK, #CXM_EINVAL (n = 0, non-finite value).
 */
CXM_API int cxm_importance_performance(cxm_table **out, size_t n, const double *importance,
                                       const double *performance, const char *const *labels);

/* ================================================================== journeys */

/** Customers' journeys through a journey map, from an event log (opaque). */
typedef struct cxm_journeys cxm_journeys;

/**
 * Empty journeys over a copy of @p map (later changes to @p map are not seen).
 */
CXM_API int cxm_journeys_create(cxm_journeys **out, const cxm_journey_map *map);

/** Release journeys. NULL is accepted. */
CXM_API void cxm_journeys_free(cxm_journeys *journeys);

/**
 * Add one event: @p customer met @p touchpoint at @p time.
 *
 * @param time      any finite time scale (days, seconds, ...); results are in that unit.
 * @param value     money at this event, or NaN.
 * @param rating    the customer's rating of this touchpoint, or NaN.
 * @param valence   the customer's emotional valence here (e.g. −5..+5), or NaN.
 * @param segment   the customer's segment, or NULL/"" (a customer's segment is
 *                  the one on their earliest event that has one).
 * @param journeys the journeys.
 * @param customer customer id (non-empty text).
 * @param touchpoint id of a touchpoint of the map.
 * @return #CXM_OK, #CXM_ENOTFOUND (touchpoint not in the map), #CXM_EINVAL.
 */
CXM_API int cxm_journeys_add_event(cxm_journeys *journeys, const char *customer, double time,
                                   const char *touchpoint, double value, double rating,
                                   double valence, const char *segment);

/**
 * Add @p n events at once; @p values, @p ratings, @p valences and
 * @p segments may be NULL. On failure the message starts with "event I: ".
 */
CXM_API int cxm_journeys_add_events(cxm_journeys *journeys, size_t n,
                                    const char *const *customers, const double *times,
                                    const char *const *touchpoints, const double *values,
                                    const double *ratings, const double *valences,
                                    const char *const *segments);

/**
 * Read an event log with the shared CSV reader: one row per event with the
 * customer, the time, the touchpoint id and optionally the value, the
 * customer's rating, the emotional valence and a segment.
 *
 * Columns are given by header name or 1-based number; NULL looks for the
 * usual names (case-insensitive): customer | customer_id | id; timestamp |
 * time | date | datetime; touchpoint | touchpoint_id; value | amount;
 * rating | customer_rating; valence | emotion. The segment column is used
 * only when named. Optional columns may be absent ("" = ignore) and their
 * cells empty. Times are parsed by csv_options->date_format (ISO 8601 by
 * default, "epoch" for seconds...) and held as days since 1970-01-01: time
 * results are in days.
 *
 * @return #CXM_OK, #CXM_EIO, #CXM_EPARSE naming file, line, column and value
 *         ("events.csv:7: column 'touchpoint': touchpoint 'chekout' is not in
 *         the journey map"), #CXM_ENOTFOUND (no such column).
 */
CXM_API int cxm_journeys_read_csv(cxm_journeys *journeys, const char *filename,
                                  const char *customer_column, const char *time_column,
                                  const char *touchpoint_column, const char *value_column,
                                  const char *rating_column, const char *valence_column,
                                  const char *segment_column, const cxm_csv_options *csv_options);

/** Bad rows skipped by cxm_journeys_read_csv() with skip_bad_rows (0 for NULL). */
CXM_API unsigned long long cxm_journeys_skipped(const cxm_journeys *journeys);

/** The message of the @p i-th skipped row (the first 10 are kept), or NULL. */
CXM_API const char *cxm_journeys_skipped_message(const cxm_journeys *journeys, size_t i);

/** Number of customers seen (0 for NULL). */
CXM_API size_t cxm_journeys_customer_count(const cxm_journeys *journeys);

/** Which importance the experience map uses. */
typedef enum cxm_importance_source {
    CXM_IMPORTANCE_AUTO = 0,    /**< stated when every touchpoint has one, else derived from buying */
    CXM_IMPORTANCE_STATED = 1,  /**< the map's stated importance */
    CXM_IMPORTANCE_BUY = 2,     /**< derived: effect of the touchpoint's rating on reaching BUY */
    CXM_IMPORTANCE_PROMOTE = 3  /**< derived: effect of the touchpoint's rating on reaching PROMOTE */
} cxm_importance_source;

/** Options of the journey analyses. */
typedef struct cxm_journey_options {
    unsigned version;                 /**< #CXM_JOURNEY_OPTIONS_VERSION */
    double level;                     /**< confidence level of intervals (0.95) */
    cxm_importance_source importance; /**< experience map importance (AUTO) */
    int by_channel;                   /**< cxm_journeys_paths(): states are channels (1) or touchpoints (0, default) */
} cxm_journey_options;
/** The version of ::cxm_journey_options this header describes. */
#define CXM_JOURNEY_OPTIONS_VERSION 1
/** Initializer of ::cxm_journey_options with the defaults. */
#define CXM_JOURNEY_OPTIONS_INIT { CXM_JOURNEY_OPTIONS_VERSION, 0.95, CXM_IMPORTANCE_AUTO, 0 }
/** Fill @p options with the defaults.
 * Inline, so that it fills the struct of the header the caller was compiled
 * with: a library function would write a newer, longer struct (docs/ABI.md). */
static inline void cxm_journey_options_init(cxm_journey_options *options)
{
    if (options) {
        cxm_journey_options defaults = CXM_JOURNEY_OPTIONS_INIT;
        *options = defaults;
    }
}

/**
 * One row per customer, in order of first appearance. Events are ordered by
 * time (ties keep their input order).
 *
 * Columns: customer, segment, journey ("id > id > ..."), furthest_decision,
 * highest_rung (text); touches, first_time, last_time, explore_time, buy_time,
 * promote_time (first time each decision was reached, NaN if never),
 * time_to_buy (buy_time − explore_time), time_to_promote (promote_time −
 * buy_time), converted (0/1, the map's rule), conversion_time, value (sum of
 * event values), rating_mean, remembered (peak-end of the customer's
 * ratings in time order, measured from the scale midpoint), valence_peak_end
 * (peak-end of the valences).
 */
CXM_API int cxm_journeys_customers(cxm_table **out, const cxm_journeys *journeys);

/**
 * The funnel EXPLORE → BUY → PROMOTE, overall and by segment. A customer
 * reached a decision when their furthest decision is at least that one.
 *
 * Rows: for segment "(all)" and then each segment in order of appearance,
 * one row per decision. Columns: segment, decision (text); customers
 * (reached it), share (of the segment's customers), rate (from the previous
 * decision; for EXPLORE the share), rate_lower, rate_upper (Wilson),
 * drop_off (reached this, not the next), drop_off_rate, and the time from
 * first reaching this decision to first reaching the next one among those
 * who reached both: next_n, next_mean, next_q25, next_median, next_q75,
 * next_q90 (type-7 quantiles; NaN for PROMOTE).
 */
CXM_API int cxm_journeys_funnel(cxm_table **out, const cxm_journeys *journeys,
                                const cxm_journey_options *options);

/**
 * The absorbing decision chain estimated from the journeys: each customer's
 * touches, in time order, are a walk over the decisions their touchpoints
 * serve (repeats count: EXPLORE → EXPLORE), absorbed at the first PROMOTE;
 * a journey that ends elsewhere goes to LEAVE. Same table as
 * cxm_decision_chain(), plus columns count_explore, count_buy,
 * count_promote, count_leave (the transition counts).
 */
CXM_API int cxm_journeys_decision_chain(cxm_table **out, const cxm_journeys *journeys);

/**
 * Paths for attribution: per customer, the touches before the first
 * conversion (conversion touchpoints themselves left out), with ages = time
 * to the conversion. A converting customer counts 1 conversion with value =
 * the sum of the values of their events at conversion touchpoints; the
 * others count 1 null. A customer who converted at their very first touch
 * gets the path "(direct)", so that every conversion stays in the totals.
 */
CXM_API int cxm_journeys_paths(cxm_paths **out, const cxm_journeys *journeys,
                               const cxm_journey_options *options);

/**
 * The inside-out / outside-in gap per touchpoint (docs/models.md §2.4): employees'
 * self-ratings (from the map) against customers' ratings of the touchpoint.
 *
 * Columns: touchpoint, department (text); employee_n, employee_mean,
 * customer_n, customer_mean, difference (employee − customer), std_error,
 * df, t, p_value, lower, upper (Welch; NaN when a side has fewer than 2
 * ratings or both have zero variance).
 */
CXM_API int cxm_journeys_touchpoint_gap(cxm_table **out, const cxm_journeys *journeys,
                                        const cxm_journey_options *options);

/**
 * The gap over whole journeys (docs/models.md §2.4, §2.5): what each customer
 * remembers (peak-end of their ratings, via cxm_peak_end(), measured from the
 * scale midpoint) against the mean of the employees' mean ratings of the
 * touchpoints in the journey, and whether it is below every owner's claim
 * (below the lowest employee mean of those touchpoints).
 *
 * Rows: customers with at least one rating and one touchpoint rated by
 * employees. Columns: customer; remembered, parts_mean, lowest_claim, gap
 * (remembered − parts_mean), below_all (0/1). Scalars: customers,
 * share_below_all, share_lower, share_upper (Wilson), remembered_mean,
 * parts_mean.
 */
CXM_API int cxm_journeys_remembered_gap(cxm_table **out, const cxm_journeys *journeys,
                                        const cxm_journey_options *options);

/**
 * The experience map (docs/models.md §2.6): importance–performance per touchpoint
 * with traffic and drop-off.
 *
 * Performance is the mean customer rating. Derived importance is the
 * least-squares slope of the outcome (1 if the customer reached BUY, or
 * PROMOTE) on the customer's mean rating of the touchpoint, over the
 * customers who rated it: the change in the chance of buying per rating
 * point. Columns: touchpoint, name, quadrant (text; "unrated" when
 * importance or performance is missing); importance, performance, priority,
 * rank (as cxm_importance_performance(), over the rated touchpoints);
 * traffic (customers who touched it), touches, drop_off (customers whose
 * journey ended there without converting), drop_off_rate (÷ traffic).
 * Scalars: importance_mean, performance_mean, derived (1 if importance was
 * derived).
 */
CXM_API int cxm_journeys_experience_map(cxm_table **out, const cxm_journeys *journeys,
                                        const cxm_journey_options *options);

/**
 * Ladder coverage: for each rung KNOW … CREATE, how many customers the
 * organization reached there (touched a touchpoint serving it) and what
 * they decided.
 *
 * Columns: rung (text); reached, share, share_lower, share_upper (of all
 * customers, Wilson), highest (customers whose highest rung it is),
 * buy_rate, buy_lower, buy_upper, promote_rate, promote_lower,
 * promote_upper (among those reached), converted_rate (the map's rule).
 * Scalars: customers.
 */
CXM_API int cxm_journeys_ladder(cxm_table **out, const cxm_journeys *journeys,
                                const cxm_journey_options *options);

/* ------------------------------------------------------------------ attribution counts
 * (chunked work: cxm/chunk.h, docs/chunked.md) */

/** Transition counts of the attribution chain of some paths (opaque). */
typedef struct cxm_markov_counts cxm_markov_counts;

/**
 * Count the transitions of the attribution chain (order, nulls and
 * self-loop rules of @p options) over a chunk of paths.
 *
 * @param[out] out  the counts, released with cxm_markov_counts_free().
 * @param paths     the paths of the chunk.
 * @param options   order, use of nulls, self-loops; NULL for the defaults.
 * @return #CXM_OK, #CXM_EINVAL (bad options), #CXM_ERANGE (order > 1 with
 *         more than 65535 channels), #CXM_ENOMEM. Paths without conversions
 *         are fine here (the solve needs some).
 */
CXM_API int cxm_markov_counts_create(cxm_markov_counts **out, const cxm_paths *paths,
                                     const cxm_markov_options *options);

/**
 * Release counts.
 *
 * @param counts  the counts, or NULL.
 */
CXM_API void cxm_markov_counts_free(cxm_markov_counts *counts);

/**
 * Add @p src's counts to @p dst. Channels are matched by name. Merging the
 * counts of consecutive chunks in their order (in any grouping) gives the
 * counts of all the paths, states and channels in the same order, so the
 * attribution equals that of the paths in one piece up to the order of
 * additions.
 *
 * @param dst  the counts to add to (of the same order and use of nulls).
 * @param src  the counts added (unchanged).
 * @return #CXM_OK, #CXM_EINVAL when the order or the use of nulls differ,
 *         #CXM_ERANGE, #CXM_ENOMEM (then @p dst is unchanged).
 */
CXM_API int cxm_markov_counts_merge(cxm_markov_counts *dst, const cxm_markov_counts *src);

/**
 * Serialise counts as bytes (a versioned, platform-independent format) to
 * move them between processes or store them as an aggregate's state.
 *
 * @param[out] data  the bytes, released with cxm_free().
 * @param[out] size  their number.
 * @param counts     the counts.
 * @return #CXM_OK, #CXM_EINVAL, #CXM_ENOMEM.
 */
CXM_API int cxm_markov_counts_save(unsigned char **data, size_t *size,
                                   const cxm_markov_counts *counts);

/**
 * Read counts written by cxm_markov_counts_save(). The bytes are checked.
 *
 * @param[out] out  the counts, released with cxm_markov_counts_free().
 * @param data      the bytes.
 * @param size      their number.
 * @return #CXM_OK, #CXM_EPARSE saying what is wrong with the bytes,
 *         #CXM_EINVAL, #CXM_ENOMEM.
 */
CXM_API int cxm_markov_counts_load(cxm_markov_counts **out, const unsigned char *data,
                                   size_t size);

/**
 * Exact Markov attribution from counts.
 *
 * @param[out] out  the table of cxm_attribution_markov() on the paths
 *                  counted, released with cxm_table_free().
 * @param counts    the (merged) counts.
 * @return as cxm_attribution_markov(); #CXM_EDOMAIN without paths or
 *         conversions.
 */
CXM_API int cxm_attribution_markov_counts(cxm_table **out, const cxm_markov_counts *counts);

/**
 * The transition matrix from counts.
 *
 * @param[out] out  the table of cxm_attribution_transitions() on the paths
 *                  counted, released with cxm_table_free().
 * @param counts    the (merged) counts.
 * @return as cxm_attribution_transitions(); #CXM_EDOMAIN without paths.
 */
CXM_API int cxm_attribution_transitions_counts(cxm_table **out,
                                               const cxm_markov_counts *counts);

#ifdef __cplusplus
}
#endif

#endif /* CXM_JOURNEY_H */
