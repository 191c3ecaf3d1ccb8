/**
 * @file cxm/sim.h
 * @brief A simulated customer base in which the three models of libcxm live
 *        together: journeys through touchpoints, the emotion chain, and
 *        purchases over calendar time until customers drop out.
 *
 * The simulator draws a world from settings (JSON, schema in
 * docs/simulation.md; the built-in example is cxm_sim_settings_default()):
 *
 *  1. **Customers** arrive over an acquisition period, each with a segment
 *     and an expectation E ~ N(mean + segment shift, sd²) on a 0–10 scale.
 *  2. **Journeys.** A customer enters at an EXPLORE touchpoint (drawn by the
 *     touchpoints' entry weights). At every touch k they perceive
 *     P = quality_k + assimilation·(E − mean) + noise_k·ε and feel the
 *     disconfirmation D = P − E. At an EXPLORE touch they move on to BUY
 *     when advance + sensitivity·D + z > 0 (z standard normal: a probit
 *     decision), else explore further with probability `continue`, else
 *     leave. Their first BUY touch (entry weights among BUY touchpoints) is
 *     the first purchase; further BUY touches follow with probability
 *     `continue` (follow weights). After the buy phase they promote (touch a
 *     PROMOTE touchpoint) when their Promote intention plus noise passes a
 *     threshold, else leave.
 *  3. **The emotion chain**, per customer who reached BUY (linear, with
 *     independent normal noise): Perceptions = the weight-averaged P of the
 *     EXPLORE and BUY touches; Emotion = disconfirmation·(Perceptions − E);
 *     Satisfaction, Promote, Complain and Stay from their parents (the paths
 *     of the "chain" PLS preset, cxm_pls_model_preset()).
 *  4. **Purchases** after the first one come from the purchase model given
 *     in the settings (BG/NBD or MBG/NBD parameters, in time units of
 *     `time_unit_days`), simulated by the model engine
 *     (cxm_model_simulate(), cxm_model_simulate_times()) until the
 *     observation end. Satisfaction moves the dropout: the link parameter
 *     (b for BG/NBD) of customer i is b·exp(link·(S_i − reference)); with
 *     link 0 every customer follows the given model exactly. Amounts follow
 *     the Gamma-Gamma spend model (cxm_model_simulate_spend() draws a
 *     customer's mean, a Dirichlet split gives the single amounts, which is
 *     exact for Gamma-distributed values).
 *  5. **Answers.** Customers rate a share of their touches on the journey
 *     map's rating scale; buyers answer a survey with a probability: the
 *     0–10 recommend question (NPS), a 1–5 CSAT question, the items of the
 *     chain preset (EXPE1–3, PERC1–4, EMOT1–3, SATI1–3, PROM1–2, COMP1,
 *     STAY1–2 on 1–10) and their rating of each touchpoint they met.
 *     Employees rate their own touchpoints from its designed quality plus an
 *     inside-out bias (the journey map's employee_ratings).
 *
 * Everything is drawn from the seed with libcxm's own generator; customer i
 * uses random streams of its own (expectation, journey, chain, answers,
 * purchases), so the same seed gives the same world on every platform, and
 * a changed setting (cxm_sim_settings_set_quality()) changes only what
 * depends on it: a what-if with common random numbers.
 *
 * Outputs are ::cxm_table objects (cxm/table.h) in the layouts the readers
 * of libcxm expect, and CSV files written by cxm_sim_write().
 */
#ifndef CXM_SIM_H
#define CXM_SIM_H

#include "cxm/common.h"
#include "cxm/io.h"
#include "cxm/journey.h"
#include "cxm/rfm.h"
#include "cxm/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ settings */

/** The settings of a simulated world (opaque): journey map and parameters. */
typedef struct cxm_sim_settings cxm_sim_settings;

/**
 * The built-in example world ("Northwind Coffee", 4,000 customers, nine
 * touchpoints, a checkout that works worse than it was designed to). It is
 * what `cxm demo` runs on; cxm_sim_settings_to_json() prints it.
 *
 * @param[out] out  the settings; release them with cxm_sim_settings_free().
 * @return #CXM_OK or #CXM_ENOMEM.
 */
CXM_API int cxm_sim_settings_default(cxm_sim_settings **out);

/**
 * Read settings from JSON text (schema: docs/simulation.md). Every key is
 * optional: the document changes the built-in example (a new
 * "journey_map" replaces the example's touchpoints, whose parameters then
 * start from the defaults of docs/simulation.md). Unknown keys are errors.
 *
 * @param[out] out   the settings; release them with cxm_sim_settings_free().
 * @param text       the JSON document, @p length bytes (need not be NUL-terminated).
 * @param length     its length in bytes.
 * @param source     name for error messages (e.g. the file name), or NULL.
 * @return #CXM_OK, #CXM_EPARSE naming the key ("world.json: decisions.explore:
 *         key 'continue' must be in [0, 1), got 1.5"), #CXM_EUNSUPPORTED (a
 *         purchase model this version cannot simulate), #CXM_ENOMEM.
 */
CXM_API int cxm_sim_settings_parse_json(cxm_sim_settings **out, const char *text, size_t length,
                                        const char *source);

/**
 * cxm_sim_settings_parse_json() on a file's content.
 *
 * @param[out] out    the settings; release them with cxm_sim_settings_free().
 * @param filename    the JSON file (also the source named in error messages).
 * @return #CXM_OK, #CXM_EIO when the file cannot be read, or as
 *         cxm_sim_settings_parse_json().
 */
CXM_API int cxm_sim_settings_load_json(cxm_sim_settings **out, const char *filename);

/**
 * Release settings.
 *
 * @param settings  the settings, or NULL (then nothing happens).
 */
CXM_API void cxm_sim_settings_free(cxm_sim_settings *settings);

/**
 * The complete settings as JSON (every key, defaults included), in the
 * format cxm_sim_settings_parse_json() reads.
 *
 * @param[out] out   NUL-terminated text; release it with cxm_free().
 * @param settings   the settings.
 * @return #CXM_OK, #CXM_EINVAL (NULL argument) or #CXM_ENOMEM.
 */
CXM_API int cxm_sim_settings_to_json(char **out, const cxm_sim_settings *settings);

/**
 * Set the number of customers.
 *
 * @param settings   the settings.
 * @param customers  1 to 10^9.
 * @return #CXM_OK or #CXM_EINVAL.
 */
CXM_API int cxm_sim_settings_set_customers(cxm_sim_settings *settings, size_t customers);

/**
 * Set the seed.
 *
 * @param settings  the settings.
 * @param seed      any whole number below 2^53 (so that settings.json holds it exactly).
 * @return #CXM_OK or #CXM_EINVAL.
 */
CXM_API int cxm_sim_settings_set_seed(cxm_sim_settings *settings, unsigned long long seed);

/**
 * Set the quality a touchpoint delivers (0–10 scale): what customers
 * perceive on average. Its designed quality, which employees rate, is
 * unchanged. The "what if we fixed it" of the demo.
 *
 * @param settings    the settings.
 * @param touchpoint  the touchpoint's id in the journey map.
 * @param quality     the quality delivered, in [0, 10].
 * @return #CXM_OK, #CXM_ENOTFOUND (no such touchpoint), #CXM_EINVAL.
 */
CXM_API int cxm_sim_settings_set_quality(cxm_sim_settings *settings, const char *touchpoint,
                                         double quality);

/**
 * The quality a touchpoint delivers.
 *
 * @param[out] out    the quality (0–10 scale).
 * @param settings    the settings.
 * @param touchpoint  the touchpoint's id.
 * @return #CXM_OK, #CXM_ENOTFOUND (no such touchpoint) or #CXM_EINVAL.
 */
CXM_API int cxm_sim_settings_quality(double *out, const cxm_sim_settings *settings,
                                     const char *touchpoint);

/**
 * The number of customers the settings simulate.
 *
 * @param settings  the settings, or NULL.
 * @return the number of customers, 0 for NULL.
 */
CXM_API size_t cxm_sim_settings_customers(const cxm_sim_settings *settings);

/* ------------------------------------------------------------------ running */

/** Options of cxm_sim_run(). Initialise with #CXM_SIM_OPTIONS_INIT. */
typedef struct cxm_sim_options {
    unsigned version;         /**< #CXM_SIM_OPTIONS_VERSION. */
    cxm_progress_fn progress; /**< Called now and then with customers done and the total, or NULL. */
    void *progress_data;      /**< Passed to @c progress. */
} cxm_sim_options;

/** The current version of ::cxm_sim_options. */
#define CXM_SIM_OPTIONS_VERSION 1
/** Default options: no progress callback. */
#define CXM_SIM_OPTIONS_INIT { CXM_SIM_OPTIONS_VERSION, NULL, NULL }

/**
 * Fill @p options with the defaults (#CXM_SIM_OPTIONS_INIT). Inline, so that
 * it fills the struct of the header the caller was compiled with: a library
 * function would write a newer, longer struct (docs/ABI.md).
 *
 * @param options  the options to fill, or NULL (then nothing happens).
 */
static inline void cxm_sim_options_init(cxm_sim_options *options)
{
    if (options) {
        cxm_sim_options defaults = CXM_SIM_OPTIONS_INIT;
        *options = defaults;
    }
}

/** A simulated world (opaque, read-only once made). */
typedef struct cxm_sim cxm_sim;

/**
 * Simulate a world.
 *
 * @param[out] out     the world; release it with cxm_sim_free().
 * @param settings     the settings (copied: they may be changed or freed afterwards).
 * @param options      NULL for the defaults.
 * @return #CXM_OK, #CXM_EINVAL, #CXM_ENOMEM.
 */
CXM_API int cxm_sim_run(cxm_sim **out, const cxm_sim_settings *settings,
                        const cxm_sim_options *options);

/**
 * Release a world.
 *
 * @param sim  the world, or NULL (then nothing happens).
 */
CXM_API void cxm_sim_free(cxm_sim *sim);

/**
 * The settings the world was made from.
 *
 * @param sim  the world, or NULL.
 * @return the settings, owned by the world (valid until cxm_sim_free()), or NULL.
 */
CXM_API const cxm_sim_settings *cxm_sim_get_settings(const cxm_sim *sim);

/* ------------------------------------------------------------------ outputs */

/**
 * The journey map with the employees' self-ratings drawn for each
 * touchpoint (the inside-out view).
 *
 * @param[out] out  a new map; release it with cxm_journey_map_free().
 * @param sim       the world.
 * @return #CXM_OK, #CXM_EINVAL (NULL argument) or #CXM_ENOMEM.
 */
CXM_API int cxm_sim_journey_map(cxm_journey_map **out, const cxm_sim *sim);

/**
 * The same map as JSON (docs/journey-map.md), as written to map.json.
 *
 * @param[out] out  NUL-terminated text; release it with cxm_free().
 * @param sim       the world.
 * @return #CXM_OK, #CXM_EINVAL (NULL argument) or #CXM_ENOMEM.
 */
CXM_API int cxm_sim_journey_map_json(char **out, const cxm_sim *sim);

/**
 * The event log, one row per touch in time order within each customer, in
 * the layout cxm_journeys_read_csv() reads.
 *
 * Columns: customer, touchpoint, segment (text); timestamp (days since
 * 1970-01-01), value (the first purchase's amount at the first BUY touch,
 * else NaN), rating (the customer's rating on the map's scale, NaN when the
 * touch was not rated), valence (emotion at the touch, −5..+5).
 *
 * @param[out] out  the table; release it with cxm_table_free().
 * @param sim       the world.
 * @return #CXM_OK, #CXM_EINVAL (NULL argument) or #CXM_ENOMEM.
 */
CXM_API int cxm_sim_events(cxm_table **out, const cxm_sim *sim);

/**
 * The transaction log: the first purchase and every repeat purchase up to
 * the observation end, customers in order, times increasing.
 *
 * Columns: customer_id (text); date (days since 1970-01-01, whole seconds),
 * amount (rounded to cents).
 *
 * @param[out] out  the table; release it with cxm_table_free().
 * @param sim       the world.
 * @return #CXM_OK, #CXM_EINVAL (NULL argument) or #CXM_ENOMEM.
 */
CXM_API int cxm_sim_transactions(cxm_table **out, const cxm_sim *sim);

/**
 * The survey: one row per responding buyer.
 *
 * Columns: respondent, segment (text); date (days since 1970-01-01);
 * recommend (0–10); csat (1–5); EXPE1–3, PERC1–4, EMOT1–3, SATI1–3, PROM1–2,
 * COMP1, STAY1–2 (1–10, the items of the "chain" PLS preset); then
 * rate_ID per touchpoint ID (the customer's rating on the map's scale, NaN
 * when they did not meet it).
 *
 * @param[out] out  the table; release it with cxm_table_free().
 * @param sim       the world.
 * @return #CXM_OK, #CXM_EINVAL (NULL argument) or #CXM_ENOMEM.
 */
CXM_API int cxm_sim_survey(cxm_table **out, const cxm_sim *sim);

/**
 * The truth behind the data, one row per customer: what a real data set
 * never shows, for tests and teaching.
 *
 * Columns: customer, segment, furthest (EXPLORE, BUY or PROMOTE) (text);
 * arrival (days since 1970-01-01), touches, bought (0/1), promoted (0/1),
 * responded (0/1), expectation, perception, emotion, satisfaction, promote,
 * complain, stay (the chain's latent values, NaN for customers who did not
 * buy), first_purchase (days since 1970-01-01, NaN without), link_parameter
 * (the customer's b after the satisfaction link), repeat_purchases (x up to
 * the observation end), recency (t_x) and T (model time units), revenue.
 * Scalars: the purchase model's parameters by name (r, alpha, a, b, ...),
 * spend_p, spend_q, spend_gamma, start, calibration_end, observation_end
 * (days since 1970-01-01), time_unit_days, customers, buyers, promoters,
 * respondents.
 *
 * @param[out] out  the table; release it with cxm_table_free().
 * @param sim       the world.
 * @return #CXM_OK, #CXM_EINVAL (NULL argument) or #CXM_ENOMEM.
 */
CXM_API int cxm_sim_customers(cxm_table **out, const cxm_sim *sim);

/**
 * The event log loaded into journeys over cxm_sim_journey_map(), ready for
 * the funnel, attribution, gaps and the experience map (cxm/journey.h).
 *
 * @param[out] out  the journeys; release them with cxm_journeys_free().
 * @param sim       the world.
 * @return #CXM_OK, #CXM_EINVAL (NULL argument) or #CXM_ENOMEM.
 */
CXM_API int cxm_sim_journeys(cxm_journeys **out, const cxm_sim *sim);

/**
 * The transaction log summarised (cxm_rfm_from_ids()), ready for the
 * lifetime-value models.
 *
 * @param[out] out  the summary; release it with cxm_rfm_free().
 * @param sim       the world.
 * @param options   how to summarise, or NULL: minutes as units (only
 *                  purchases in the same minute merge), times in the
 *                  settings' time_unit_days, observed to the settings'
 *                  observation end (not the last purchase).
 * @return #CXM_OK, #CXM_EINVAL, #CXM_ERANGE or #CXM_ENOMEM (as cxm_rfm_from_ids()).
 */
CXM_API int cxm_sim_rfm(cxm_rfm **out, const cxm_sim *sim, const cxm_rfm_options *options);

/**
 * Write the world as files in @p directory (which must exist):
 * events.csv (customer,timestamp,touchpoint,value,rating,valence,segment),
 * transactions.csv (customer_id,date,amount), survey.csv, customers.csv
 * (the truth), map.json (the journey map with employees' ratings) and
 * settings.json (the complete settings). Times are ISO 8601; missing
 * numbers are empty fields. The six files replace those in @p directory
 * together, once all are written: a failure leaves the directory as it was
 * (docs/simulation.md).
 *
 * @param sim        the world.
 * @param directory  an existing directory; files there are replaced.
 * @return #CXM_OK, #CXM_EIO naming the file, #CXM_EINVAL, #CXM_ENOMEM.
 */
CXM_API int cxm_sim_write(const cxm_sim *sim, const char *directory);

#ifdef __cplusplus
}
#endif

#endif /* CXM_SIM_H */
