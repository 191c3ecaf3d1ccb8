/**
 * @file cxm/model.h
 * @brief Probabilistic customer-base models ("buy till you die"): one engine
 *        for BG/NBD, MBG/NBD, Gamma-Gamma and, as they land, Pareto/NBD,
 *        BG/BB and sBG.
 *
 * A model is an opaque handle created for one kind. It is either @e given
 * (parameters set with cxm_model_set_params()) or @e fitted by maximum
 * likelihood (cxm_model_fit(), cxm_model_fit_spend()), in which case it also
 * holds the log-likelihood, the covariance of the estimates, AIC/BIC and a
 * convergence report. Predictions, lifetime value and simulation work with
 * either.
 *
 * Data. Non-contractual purchase models take one row per customer (or per
 * distinct pattern, with a weight that counts the customers sharing it):
 * x = number of repeat purchases, t_x = time of the last purchase measured
 * from the first, T = time from the first purchase to the end of the
 * calibration period, all in the caller's time unit (days, weeks, ...), which
 * is then the unit of every time and rate of the model. Gamma-Gamma takes x
 * and the mean value of the repeat purchases.
 *
 * Fitting. Positive parameters are optimised on the log scale by Newton's
 * method with an analytic Hessian and a backtracking line search; the
 * objective is the mean negative log-likelihood plus an optional L2 penalty
 * (lifetimes' penalizer_coef: penalty·Σθ²). A fit that does not converge,
 * diverges (a parameter beyond 1e10 or below 1e-10), meets non-finite values
 * or ends at a point whose Hessian is not positive definite fails with
 * #CXM_ECONVERGE and a message saying which; it never leaves parameters that
 * look fitted. Standard errors come from the inverse of the observed
 * information (the analytic Hessian of the total negative log-likelihood at
 * the estimate, natural scale).
 *
 * Threads. A model that is not being modified may be used from many threads
 * at once. Large fits and predictions split their rows into fixed blocks and
 * may use several threads (see cxm_fit_options.threads and
 * cxm_model_set_threads()); the blocks and the order in which their sums are
 * added do not depend on the number of threads, so results are identical
 * whatever it is.
 */
#ifndef CXM_MODEL_H
#define CXM_MODEL_H

#include "cxm/common.h"
#include "cxm/io.h"
#include "cxm/rfm.h"
#include "cxm/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An opaque model handle. */
typedef struct cxm_model cxm_model;

/** Model kinds. Values are stable; new kinds are added at the end. */
typedef enum cxm_model_kind {
    /** BG/NBD (Fader, Hardie & Lee 2005): parameters r, alpha, a, b; data x, t_x, T. */
    CXM_MODEL_BGNBD = 1,
    /** MBG/NBD (Batislam, Denizel & Filiztekin 2007): r, alpha, a, b; data x, t_x, T. */
    CXM_MODEL_MBGNBD = 2,
    /** Gamma-Gamma spend (Fader & Hardie 2013): p, q, gamma; data x, mean spend. */
    CXM_MODEL_GAMMA_GAMMA = 3,
    /** Pareto/NBD (Schmittlein, Morrison & Colombo 1987): r, alpha, s, beta; data x, t_x, T. */
    CXM_MODEL_PARETO_NBD = 4,
    /** BG/BB, discrete time: alpha, beta, gamma, delta; data x, t_x, n. Its likelihood and
        P(X(n) = x) sum one term per opportunity: n is at most 10^6 (#CXM_EDOMAIN beyond). */
    CXM_MODEL_BGBB = 5,
    /** Shifted-beta-geometric, contractual (Fader & Hardie 2007): alpha, beta; fitted on
        survivor counts or tenures (cxm/subscription.h). */
    CXM_MODEL_SBG = 6,
    /** BG/CNBD-k (Platzer & Reutterer 2016): BG/NBD with Erlang-k inter-purchase times.
        Parameters r, alpha, a, b, k (k a whole number, fixed during a fit: see
        cxm_model_set_regularity()); data x, t_x, T, litt (the sum of the logarithms of the
        customer's x inter-purchase times; 0 when x = 0): fit with cxm_model_fit_columns().
        k = 1 is BG/NBD. Predictions: P(alive), E[X(t)], E[Y(t) | x, t_x, T] (a series over
        future ticks: #CXM_EDOMAIN when a customer would reach more than 2·10^6 ticks,
        λ being the tick rate and k ticks one purchase), lifetime value, simulation. */
    CXM_MODEL_BGCNBD = 7,
    /** MBG/CNBD-k (Platzer & Reutterer 2016): MBG/NBD with Erlang-k inter-purchase
        times; as #CXM_MODEL_BGCNBD otherwise. k = 1 is MBG/NBD. */
    CXM_MODEL_MBGCNBD = 8,
    /** Pareto/NBD with correlated purchase and dropout rates (the Sarmanov family, as
        CLVTools' use.cor; docs/models.md §1.6.1): r, alpha, s, beta, omega; data x, t_x, T.
        omega = 0 is the Pareto/NBD; the correlation of the two rates is
        omega·L1·L2·√(rs)/((alpha+1)(beta+1)) with L1 = (alpha/(alpha+1))^r and
        L2 = (beta/(beta+1))^s (cxm_model_rate_correlation()). Predictions: P(alive),
        E[X(t)], E[Y(t) | x, t_x, T], DERT, lifetime value, simulation. */
    CXM_MODEL_PARETO_NBD_COR = 9,
    /** GGompertz/NBD (Bemmaor & Glady 2012; CLVTools' ggomnbd; docs/models.md §1.6.2):
        r, alpha, b, s, beta; data x, t_x, T. Purchases as in the Pareto/NBD; lifetimes
        Gompertz with survival exp(−η(e^(bτ) − 1)), η ~ Gamma(s, beta), so that
        S(τ) = (beta/(beta + e^(bτ) − 1))^s. b → 0 with beta/b fixed is the Pareto/NBD.
        Static covariates scale alpha and beta. Predictions: P(alive), E[X(t)],
        E[Y(t) | x, t_x, T], DERT, lifetime value, simulation (not P(X(t) = n)). */
    CXM_MODEL_GGOMPERTZ_NBD = 10
} cxm_model_kind;

/**
 * The correlation of the purchase and the dropout rate of a Pareto/NBD with
 * correlation (#CXM_MODEL_PARETO_NBD_COR) at its parameters, in @p out.
 * #CXM_EUNSUPPORTED for other kinds.
 */
CXM_API int cxm_model_rate_correlation(double *out, const cxm_model *model);

/** The largest regularity k of BG/CNBD-k and MBG/CNBD-k. */
#define CXM_MAX_REGULARITY 100

/** What a model holds. */
typedef enum cxm_model_state {
    CXM_MODEL_EMPTY = 0,  /**< Created, no parameters yet. */
    CXM_MODEL_GIVEN = 1,  /**< Parameters set by the caller: predictions work, fit statistics do not. */
    CXM_MODEL_FITTED = 2  /**< Fitted: parameters, log-likelihood, covariance, report. */
} cxm_model_state;

/** Flags of cxm_fit_options.flags. */
enum {
    /** Start the optimiser from the model's current parameters instead of the defaults. */
    CXM_FIT_WARM_START = 1u << 0,
    /** Do not merge identical rows before fitting (they are merged when it pays). */
    CXM_FIT_NO_COMPRESS = 1u << 1
};

/** Options of a fit. Initialise with #CXM_FIT_OPTIONS_INIT or cxm_fit_options_init(). */
typedef struct cxm_fit_options {
    unsigned version;         /**< #CXM_FIT_OPTIONS_VERSION. */
    double penalty;           /**< L2 penalty coefficient on the parameters, >= 0 (default 0). */
    unsigned max_iterations;  /**< Newton iterations before giving up; 0 = default (100). */
    double tolerance;         /**< Largest accepted gradient component of the mean negative
                                   log-likelihood on the log scale; 0 = default (1e-9). */
    unsigned threads;         /**< Threads for the likelihood sums; 0 = automatic. */
    unsigned flags;           /**< CXM_FIT_* flags. */
    /* Version 2. */
    double purchase_penalty;  /**< Extra L2 penalty on the purchase covariates' effects, >= 0
                                   (cxm_model_fit_covariates(); CLVTools' reg.lambdas "trans"). */
    double dropout_penalty;   /**< Extra L2 penalty on the dropout covariates' effects, >= 0
                                   (CLVTools' "life"). */
} cxm_fit_options;

/** The current version of #cxm_fit_options. */
#define CXM_FIT_OPTIONS_VERSION 2
/** Default fit options. */
#define CXM_FIT_OPTIONS_INIT { CXM_FIT_OPTIONS_VERSION, 0.0, 0, 0.0, 0, 0, 0.0, 0.0 }

/** Why a fit stopped. */
typedef enum cxm_fit_reason {
    CXM_FIT_NOT_RUN = 0,        /**< No fit has run on this model. */
    CXM_FIT_CONVERGED = 1,      /**< The gradient is below the tolerance and the Hessian is positive definite. */
    CXM_FIT_MAX_ITERATIONS = 2, /**< The iteration cap was reached. */
    CXM_FIT_DIVERGED = 3,       /**< A parameter ran off towards 0 or infinity. */
    CXM_FIT_NOT_FINITE = 4,     /**< The likelihood or its derivatives are not finite. */
    CXM_FIT_NO_PROGRESS = 5,    /**< The line search found no better point. */
    CXM_FIT_NOT_DEFINITE = 6    /**< Converged to a point whose Hessian is not positive definite. */
} cxm_fit_reason;

/** Convergence report of the last fit. Initialise with #CXM_FIT_REPORT_INIT (it sets @c version). */
typedef struct cxm_fit_report {
    unsigned version;         /**< #CXM_FIT_REPORT_VERSION. */
    int reason;               /**< A #cxm_fit_reason. */
    unsigned iterations;      /**< Newton iterations. */
    unsigned evaluations;     /**< Passes over the data (value, gradient and Hessian together). */
    double gradient_norm;     /**< Largest gradient component at the end (mean objective, log scale). */
    double log_likelihood;    /**< Total log-likelihood at the end. */
    double observations;      /**< Customers: the sum of the weights of the rows used. */
    double rows;              /**< Rows the likelihood was summed over (after merging identical rows). */
    double skipped;           /**< Customers (the sum of their weights) left out because the
                                   likelihood cannot take their valid data: Gamma-Gamma's
                                   repeat customers whose mean spend is 0. Not counted in
                                   @c observations. Since version 2. */
} cxm_fit_report;

/** The current version of #cxm_fit_report. */
#define CXM_FIT_REPORT_VERSION 2
/** An empty report of the current version, ready for cxm_model_fit_report(). */
#define CXM_FIT_REPORT_INIT { CXM_FIT_REPORT_VERSION, 0, 0, 0, 0.0, 0.0, 0.0, 0.0, 0.0 }

/** One month in days: a twelfth of the mean Gregorian year, 365.2425 days (not 30).
 *  The one month of libcxm: cxm demo, cxm predict's examples, Python's
 *  customer_lifetime_value(freq=...) and Lua use it; divide by 7 for weeks. */
#define CXM_DAYS_PER_MONTH (365.2425 / 12.0)

/** Options of cxm_model_lifetime_value(). Initialise with #CXM_VALUE_OPTIONS_INIT. */
typedef struct cxm_value_options {
    unsigned version;   /**< #CXM_VALUE_OPTIONS_VERSION. */
    double period;      /**< Length of one period in the model's time unit (required, > 0):
                             e.g. #CXM_DAYS_PER_MONTH for months when the model is
                             in days, #CXM_DAYS_PER_MONTH / 7 when it is in weeks. */
    unsigned periods;   /**< Number of periods H summed (default 12). */
    double discount;    /**< Discount rate per period, >= 0 (default 0.01). */
    double margin;      /**< Share of each transaction's value that is profit (default 1). */
} cxm_value_options;

/** The current version of #cxm_value_options. */
#define CXM_VALUE_OPTIONS_VERSION 1
/** Default value options; @c period must still be set. */
#define CXM_VALUE_OPTIONS_INIT { CXM_VALUE_OPTIONS_VERSION, 0.0, 12, 0.01, 1.0 }

/* ------------------------------------------------------------------ life cycle */

/** Fill @p options with the defaults (#CXM_FIT_OPTIONS_INIT).
 * Inline, so that it fills the struct of the header the caller was compiled
 * with: a library function would write a newer, longer struct (docs/ABI.md). */
static inline void cxm_fit_options_init(cxm_fit_options *options)
{
    if (options) {
        cxm_fit_options defaults = CXM_FIT_OPTIONS_INIT;
        *options = defaults;
    }
}

/** Fill @p options with the defaults (#CXM_VALUE_OPTIONS_INIT).
 * Inline, so that it fills the struct of the header the caller was compiled
 * with: a library function would write a newer, longer struct (docs/ABI.md). */
static inline void cxm_value_options_init(cxm_value_options *options)
{
    if (options) {
        cxm_value_options defaults = CXM_VALUE_OPTIONS_INIT;
        *options = defaults;
    }
}

/**
 * Create an empty model of a kind.
 *
 * @param[out] out  the new model, released with cxm_model_free().
 * @param kind      the model kind.
 * @return #CXM_OK, #CXM_EINVAL for an unknown kind, #CXM_EUNSUPPORTED for a
 *         kind this version does not implement, #CXM_ENOMEM.
 */
CXM_API int cxm_model_create(cxm_model **out, cxm_model_kind kind);

/**
 * Create an empty model from the kind's short name: "bgnbd", "mbgnbd", "gg"
 * (also "gamma-gamma"), "pareto-nbd", "bgbb", "sbg", "bgcnbd", "mbgcnbd".
 */
CXM_API int cxm_model_create_named(cxm_model **out, const char *name);

/** Release a model. NULL is accepted. */
CXM_API void cxm_model_free(cxm_model *model);

/** The kind of a model. */
CXM_API cxm_model_kind cxm_model_get_kind(const cxm_model *model);

/** The short name of a kind ("bgnbd", ...), or NULL for a value that is not a kind. */
CXM_API const char *cxm_model_kind_name(cxm_model_kind kind);

/** Whether the model is empty, given or fitted. */
CXM_API cxm_model_state cxm_model_get_state(const cxm_model *model);

/**
 * Threads used by this model's predictions (0 = automatic: several for large
 * inputs). Set it before sharing the model between threads.
 */
CXM_API int cxm_model_set_threads(cxm_model *model, unsigned threads);

/**
 * The regularity k of the next fits of a BG/CNBD-k or MBG/CNBD-k model.
 *
 * With @p k in 1..#CXM_MAX_REGULARITY every fit keeps k and estimates r,
 * alpha, a, b. With @p k = 0 (the default) a fit chooses k by likelihood
 * as BTYDplus's (m)bgcnbd.EstimateParameters does: it fits k = 1, 2, ...,
 * 12, stops early once the log-likelihood has fallen twice in a row, and
 * keeps the fit of the largest likelihood (its report says which k).
 * k's standard error is 0: it is a choice, not an estimate (AIC and BIC
 * count it as a parameter). #CXM_EUNSUPPORTED for other kinds.
 */
CXM_API int cxm_model_set_regularity(cxm_model *model, unsigned k);

/**
 * Estimate purchase regularity from a transaction log (Wheat & Morrison
 * 1990; BTYDplus's estimateRegularity(method = "wheat")): from each
 * customer's last two inter-purchase times t1, t2 (of its distinct purchase
 * times), M = t1/(t1+t2) is Beta(k, k) under Erlang-k (Gamma(k, λ))
 * inter-purchase times, so k = (1 − 4V)/(8V) with V the variance of M about
 * its mean 1/2. Real-valued; round it for a k of cxm_model_set_regularity().
 *
 * @param[out] out   the estimate (> 0; large values mean very regular buyers).
 * @param[out] used  the customers with at least three distinct purchase times
 *                   (the others do not count), or NULL.
 * @param n          purchases, in any order.
 * @param customer   each purchase's customer.
 * @param t          each purchase's time (finite, any unit).
 * @return #CXM_OK, #CXM_EINVAL (a time not finite, naming the purchase),
 *         #CXM_EDOMAIN with fewer than 2 customers that count or when all
 *         their last two times are equal, #CXM_ENOMEM.
 */
CXM_API int cxm_estimate_regularity(double *out, size_t *used, size_t n, const int64_t *customer,
                                    const double *t);

/* ------------------------------------------------------------------ parameters */

/** Number of parameters of the model's kind (4 for BG/NBD). */
CXM_API size_t cxm_model_param_count(const cxm_model *model);

/** Name of parameter @p index ("r", "alpha", ...), or NULL when out of range. */
CXM_API const char *cxm_model_param_name(const cxm_model *model, size_t index);

/**
 * Copy the parameters.
 *
 * @param[out] dst  cxm_model_param_count() values, in the order of cxm_model_param_name().
 * @param n         length of @p dst; must equal the parameter count.
 * @param model the model.
 * @return #CXM_OK, #CXM_ESTATE for an empty model, #CXM_EINVAL.
 */
CXM_API int cxm_model_params(double *dst, size_t n, const cxm_model *model);

/** One parameter by name: #CXM_ENOTFOUND when the kind has no such parameter. */
CXM_API int cxm_model_param(double *out, const cxm_model *model, const char *name);

/**
 * Set the parameters of a given model. Any fit statistics are discarded and
 * the model becomes #CXM_MODEL_GIVEN.
 *
 * @param params  the parameters in the order of cxm_model_param_name(); each
 *                must be finite and in its domain: the positive parameters
 *                (all of them, for every kind) lie in [1e-10, 1e10], the range
 *                a fit can reach (a fit beyond it has diverged). A value
 *                outside is #CXM_EINVAL, the message naming the parameter and
 *                the range; within it every prediction is finite.
 * @param n       number of values; must equal the parameter count.
 * @param model the model.
 */
CXM_API int cxm_model_set_params(cxm_model *model, const double *params, size_t n);

/* ------------------------------------------------------------------ fitting */

/**
 * Fit a purchase model (BG/NBD, MBG/NBD; later Pareto/NBD, BG/BB) by maximum
 * likelihood.
 *
 * Rows must have a whole number x >= 0, 0 <= t_x <= T, and t_x = 0 when
 * x = 0; weights (NULL = 1 each) must be finite and >= 0 with a positive sum.
 * On failure the model keeps its previous state and parameters, the report
 * (cxm_model_fit_report()) says why, and the status is #CXM_EINVAL (bad
 * data: the message names the row), #CXM_EDOMAIN (a BG/BB row beyond 10^6
 * opportunities), #CXM_ECONVERGE or #CXM_ENOMEM.
 *
 * @param n        number of rows.
 * @param x        repeat purchases.
 * @param t_x      time of the last purchase since the first.
 * @param T        time since the first purchase at the end of calibration.
 * @param weights  customers per row, or NULL.
 * @param options  NULL for the defaults.
 * @param model the model.
 */
CXM_API int cxm_model_fit(cxm_model *model, size_t n, const double *x, const double *t_x,
                          const double *T, const double *weights,
                          const cxm_fit_options *options);

/**
 * Fit a Gamma-Gamma spend model on repeat customers. Rows with x = 0 carry
 * no repeat spend and are skipped; the others need a whole number x and a
 * finite mean spend >= 0. A repeat customer whose mean spend is 0 is valid
 * data the Gamma-Gamma likelihood cannot take (its density at 0 is 0 or
 * infinite): the row is skipped and counted in cxm_fit_report.skipped, never
 * an error; cxm_model_expected_spend() still gives such a customer a value.
 *
 * @param n           number of rows.
 * @param x           repeat purchases.
 * @param mean_spend  mean value of the repeat purchases.
 * @param weights     customers per row, or NULL.
 * @param options     NULL for the defaults.
 * @param model the model.
 */
CXM_API int cxm_model_fit_spend(cxm_model *model, size_t n, const double *x,
                                const double *mean_spend, const double *weights,
                                const cxm_fit_options *options);

/** Number of data columns of a kind (3 for BG/NBD: x, t_x, T; 2 for Gamma-Gamma). */
CXM_API size_t cxm_model_column_count(const cxm_model *model);

/** Name of data column @p index ("x", "t_x", "T", "mean_spend", ...), or NULL. */
CXM_API const char *cxm_model_column_name(const cxm_model *model, size_t index);

/**
 * Fit on the kind's columns, given column after column: @p columns holds
 * cxm_model_column_count() arrays of @p n values each, one after the other.
 * cxm_model_fit() and cxm_model_fit_spend() are this with named arguments.
 */
CXM_API int cxm_model_fit_columns(cxm_model *model, size_t n, const double *columns,
                                  const double *weights, const cxm_fit_options *options);

/**
 * Total log-likelihood of data (same layout as cxm_model_fit_columns()) at
 * the model's parameters: Σ weight·ln L(row), as published in the papers.
 * #CXM_EDOMAIN (never a NaN) when a row's likelihood cannot be evaluated.
 */
CXM_API int cxm_model_log_likelihood_of(double *out, const cxm_model *model, size_t n,
                                        const double *columns, const double *weights);

/** Total log-likelihood of the fitted data at the estimate. #CXM_ESTATE unless fitted. */
CXM_API int cxm_model_log_likelihood(double *out, const cxm_model *model);

/** Akaike information criterion 2k − 2 ln L of the fit. */
CXM_API int cxm_model_aic(double *out, const cxm_model *model);

/** Bayesian information criterion k ln N − 2 ln L (N = customers, the weight sum). */
CXM_API int cxm_model_bic(double *out, const cxm_model *model);

/**
 * Likelihood-ratio test of a restricted fit within a full one (e.g. without
 * and with a covariate, cxm_model_fit_covariates()): the statistic
 * 2·(ln L_full − ln L_restricted), its degrees of freedom (the difference in
 * parameter counts) and the p value P(χ²_df > statistic). Both models must
 * be fitted without a penalty, of the same kind, on the same customers (the
 * counts are compared; the data themselves are the caller's promise), and
 * each covariate of the restricted model must be one of the full model's.
 * #CXM_EINVAL otherwise, or when the full model's likelihood is below the
 * restricted one's (its fit stopped short of the maximum).
 */
CXM_API int cxm_model_likelihood_ratio(double *statistic, double *df, double *p_value,
                                       const cxm_model *restricted, const cxm_model *full);

/** Standard errors of the estimates (@p n = parameter count). #CXM_ESTATE unless fitted. */
CXM_API int cxm_model_standard_errors(double *dst, size_t n, const cxm_model *model);

/** Covariance matrix of the estimates, row-major (@p n = count²). */
CXM_API int cxm_model_covariance(double *dst, size_t n, const cxm_model *model);

/** Convergence report of the last fit, also after a failed one. Set out->version first. */
CXM_API int cxm_model_fit_report(cxm_fit_report *out, const cxm_model *model);

/** The last fit's outcome in words ("converged after 7 iterations ..."); "" before any fit. */
CXM_API const char *cxm_model_fit_message(const cxm_model *model);

/* ------------------------------------------------------------------ purchase predictions */

/*
 * Every prediction is a finite number in its range for every valid argument
 * (times and T up to the largest double, counts up to 2^53, parameters in
 * [1e-10, 1e10]), or the call fails: #CXM_EDOMAIN, naming the element, where
 * the value would overflow a double (e.g. E[X(t)] of a BG/NBD with a < 1
 * grows like t^(1−a)) or beyond a documented limit; never inf or NaN.
 */

/**
 * Probability that each customer is still alive at the end of calibration.
 *
 * @param[out] dst  @p n probabilities in [0, 1].
 * @param n number of customers.
 * @param model the model.
 * @param x,t_x,T the customers' histories (as for cxm_model_fit()).
 * @return #CXM_OK, #CXM_ESTATE for an empty model, #CXM_EUNSUPPORTED for a
 *         spend model, #CXM_EINVAL (the message names the element).
 */
CXM_API int cxm_model_p_alive(double *dst, size_t n, const cxm_model *model, const double *x,
                              const double *t_x, const double *T);

/** Expected repeat purchases E[X(t)] of a new customer in (0, t], for @p n values of t >= 0. */
CXM_API int cxm_model_expected_purchases(double *dst, size_t n, const cxm_model *model,
                                         const double *t);

/**
 * Expected purchases in the next t time units of customers with the given
 * histories, E[Y(t) | x, t_x, T]. With t = the holdout length this is the
 * expected number of holdout purchases.
 */
CXM_API int cxm_model_conditional_purchases(double *dst, size_t n, const cxm_model *model,
                                            const double *t, const double *x,
                                            const double *t_x, const double *T);

/**
 * Expected purchases in the next @p horizon time units, the same window for
 * every customer: cxm_model_conditional_purchases() with t[i] = horizon,
 * without an array of copies (lifetimes'
 * conditional_expected_number_of_purchases_up_to_time(t, ...)). The
 * results equal those of cxm_model_conditional_purchases() bit for bit.
 *
 * @param[out] dst  @p n expected purchases.
 * @param n         number of customers.
 * @param model     a purchase model.
 * @param horizon   the window, finite and >= 0 (#CXM_EINVAL otherwise).
 * @param x,t_x,T   the customers' histories (as for cxm_model_fit()).
 */
CXM_API int cxm_model_conditional_purchases_horizon(double *dst, size_t n, const cxm_model *model,
                                                    double horizon, const double *x,
                                                    const double *t_x, const double *T);

/**
 * Probability of exactly @p count repeat purchases in (0, t] for a new
 * customer, P(X(t) = count) (BG/NBD: equation 8 of Fader, Hardie & Lee 2005).
 * Counts must be whole numbers >= 0. BG/BB takes t up to 10^6 opportunities
 * (one term per opportunity; #CXM_EDOMAIN beyond).
 */
CXM_API int cxm_model_purchase_probability(double *dst, size_t n, const cxm_model *model,
                                           const double *count, const double *t);

/**
 * Probability of exactly @p count purchases in the next t time units of
 * customers with the given histories, P(X(T, T+t) = count | x, t_x, T)
 * (lifetimes' conditional_probability_of_n_purchases_up_to_time). A customer
 * who has dropped out makes none; one alive at T is a new customer of the
 * posterior given alive: Pareto/NBD (r+x, α+T, s, β+T) (Fader & Hardie 2014,
 * "Deriving the conditional PMF of the Pareto/NBD model"), BG/NBD
 * (r+x, α+T, a, b+x), MBG/NBD (r+x, α+T, a, b+x+1) without the dropout at
 * time 0. The probabilities over count = 0, 1, ... sum to 1.
 * BG/BB and the spend models: #CXM_EUNSUPPORTED.
 *
 * @param[out] dst  @p n probabilities in [0, 1].
 * @param n number of rows.
 * @param model the model.
 * @param count whole numbers >= 0 of future purchases.
 * @param t future lengths >= 0.
 * @param x,t_x,T the customers' histories (as for cxm_model_fit()).
 */
CXM_API int cxm_model_conditional_purchase_probability(double *dst, size_t n,
                                                       const cxm_model *model,
                                                       const double *count, const double *t,
                                                       const double *x, const double *t_x,
                                                       const double *T);

/**
 * Discounted expected residual transactions: the expected number of future
 * purchases of each customer, each discounted continuously at @p rate per
 * time unit, ∫ e^(−rate·s) dE[Y(s)] over s ≥ 0. From a discount d per
 * period of k time units, rate = ln(1+d)/k. The rate is finite and at least
 * 1e-200 (#CXM_EDOMAIN below: the sums would span more than a double's range
 * of magnitudes; they grow like a power of 1/rate).
 */
CXM_API int cxm_model_dert(double *dst, size_t n, const cxm_model *model, double rate,
                           const double *x, const double *t_x, const double *T);

/**
 * Expected cumulative repeat purchases of a cohort over calendar time (the
 * "tracking" curve): dst[j] = Σ_i w_i·E[X(times[j] − first[i])] over the
 * customers whose first purchase first[i] is before times[j].
 *
 * @param[out] dst      @p n_times expected cumulative repeat purchases.
 * @param n_times       number of calendar times.
 * @param model the model.
 * @param times         calendar times (same origin and unit as @p first).
 * @param n             number of customers (or distinct first-purchase times).
 * @param first         time of each customer's first purchase.
 * @param weights       customers per entry, or NULL for 1.
 */
CXM_API int cxm_model_tracking(double *dst, size_t n_times, const cxm_model *model,
                               const double *times, size_t n, const double *first,
                               const double *weights);

/**
 * Calibration-versus-holdout table: customers are grouped by calibration
 * frequency x = 0, 1, ..., bins−2 and x >= bins−1 (the last bin); for each
 * group the mean actual holdout purchases and the mean predicted
 * E[Y(duration) | x, t_x, T], and the number of customers.
 *
 * @param[out] dst_actual     @p bins means of @p x_holdout (0 for empty bins).
 * @param[out] dst_predicted  @p bins means of the predictions.
 * @param[out] dst_count      @p bins customer counts.
 * @param bins                number of groups, >= 1.
 * @param model the model.
 * @param n number of customers.
 * @param x repeat purchases in the calibration period.
 * @param t_x time of the last calibration purchase.
 * @param T length of each customer's calibration period.
 * @param duration            holdout length of each customer.
 * @param x_holdout           purchases each customer made in the holdout.
 */
CXM_API int cxm_model_calibration_holdout(double *dst_actual, double *dst_predicted,
                                          double *dst_count, size_t bins,
                                          const cxm_model *model, size_t n, const double *x,
                                          const double *t_x, const double *T,
                                          const double *duration, const double *x_holdout);

/* ------------------------------------------------------------------ spend and value */

/**
 * Gamma-Gamma: expected value of a customer's transactions given x repeat
 * purchases with mean value @p mean_spend, E[M | x, m̄] = p(γ + m̄x)/(px + q − 1).
 * Customers with x = 0 get the population mean pγ/(q − 1). #CXM_EDOMAIN when
 * the expectation is infinite (px + q <= 1, e.g. q <= 1 for x = 0) or beyond
 * the range of a double: never a negative value. Evaluated as
 * pγ/(px+q−1) + m̄·px/(px+q−1), which lies between m̄ and the population mean.
 */
CXM_API int cxm_model_expected_spend(double *dst, size_t n, const cxm_model *model,
                                     const double *x, const double *mean_spend);

/** Gamma-Gamma population mean spend pγ/(q − 1); #CXM_EDOMAIN when q <= 1. */
CXM_API int cxm_model_mean_spend(double *out, const cxm_model *model);

/**
 * Lifetime value in money over H periods of length k (docs/models.md §1.9):
 * Σ_{i=1..H} margin·value·(E[Y(ik)] − E[Y((i−1)k)]) / (1+d)^i per customer.
 *
 * Without discount the sum is margin·value·E[Y(Hk)], one evaluation for any
 * H. With a discount it stops once the periods left cannot change the value
 * (E[Y] is concave in t, so what is left after period I is at most
 * (E[Y(Ik)] − E[Y((I−1)k)])·(1+d)^−I/d): at d = 0.05 after about 760
 * periods whatever H is. At most 1000 periods are summed: when more would
 * change the value (H above 1000 with d below about 0.04) the call fails
 * with #CXM_EDOMAIN saying so, as it does when H·k is beyond the largest
 * double or a value overflows.
 *
 * @param[out] dst @p n lifetime values.
 * @param n number of customers.
 * @param model    a purchase model (BG/NBD, MBG/NBD, ...).
 * @param x,t_x,T the customers' histories.
 * @param value    expected value of each customer's transactions (e.g. from
 *                 cxm_model_expected_spend()).
 * @param options  period length (required), periods, discount, margin.
 */
CXM_API int cxm_model_lifetime_value(double *dst, size_t n, const cxm_model *model,
                                     const double *x, const double *t_x, const double *T,
                                     const double *value, const cxm_value_options *options);

/* ------------------------------------------------------------------ from a summary
 * The common path of a front end: a transaction log summarised (cxm/rfm.h),
 * then fitted and predicted without copying its columns out. Each call
 * equals the array function it names on the summary's columns
 * (cxm_rfm_column()), bit for bit. */

/**
 * Fit a model on a summary: a purchase model (BG/NBD, MBG/NBD, Pareto/NBD,
 * BG/BB) on frequency, recency and T, as cxm_model_fit(); Gamma-Gamma on
 * frequency and monetary value, as cxm_model_fit_spend() (the summary needs
 * amounts). One row per customer, no weights.
 *
 * @param model    the model to fit.
 * @param rfm      the summary.
 * @param options  NULL for the defaults.
 * @return as cxm_model_fit(); #CXM_EUNSUPPORTED for a kind that is not
 *         fitted on customers' histories (sBG); #CXM_EINVAL for a
 *         Gamma-Gamma fit on a summary without amounts.
 */
CXM_API int cxm_model_fit_rfm(cxm_model *model, const cxm_rfm *rfm, const cxm_fit_options *options);

/** What cxm_model_predict_rfm() predicts for each customer of a summary. */
typedef enum cxm_prediction {
    /** P(alive) at the end of calibration: cxm_model_p_alive(). */
    CXM_PREDICT_P_ALIVE = 1,
    /** E[Y(t) | x, t_x, T] with t = the argument: cxm_model_conditional_purchases_horizon(). */
    CXM_PREDICT_PURCHASES = 2,
    /** Expected purchases in the holdout period, t = #CXM_RFM_DURATION_HOLDOUT
        (the summary needs a calibration end). */
    CXM_PREDICT_HOLDOUT_PURCHASES = 3,
    /** Discounted expected residual transactions at rate = the argument: cxm_model_dert(). */
    CXM_PREDICT_DERT = 4,
    /** Gamma-Gamma E[M | x, m̄] from frequency and monetary value: cxm_model_expected_spend(). */
    CXM_PREDICT_SPEND = 5
} cxm_prediction;

/**
 * One prediction for every customer of a summary, in the summary's order.
 *
 * @param[out] dst  cxm_rfm_size() values.
 * @param n         length of @p dst; must equal cxm_rfm_size().
 * @param model     the model (a purchase model, or Gamma-Gamma for
 *                  #CXM_PREDICT_SPEND).
 * @param rfm       the summary.
 * @param what      a #cxm_prediction.
 * @param argument  the horizon (#CXM_PREDICT_PURCHASES) or the rate
 *                  (#CXM_PREDICT_DERT); ignored by the others.
 * @return as the array function; #CXM_EINVAL for a wrong @p n, an unknown
 *         @p what, or a column the summary lacks.
 */
CXM_API int cxm_model_predict_rfm(double *dst, size_t n, const cxm_model *model,
                                  const cxm_rfm *rfm, cxm_prediction what, double argument);

/**
 * Lifetime value of every customer of a summary: cxm_model_lifetime_value()
 * with the value of each customer's transactions from a Gamma-Gamma model
 * (E[M | x, m̄]) or, without one, the summary's monetary value as it is.
 *
 * @param[out] dst  cxm_rfm_size() lifetime values.
 * @param n         length of @p dst; must equal cxm_rfm_size().
 * @param model     a purchase model.
 * @param spend     a Gamma-Gamma model, or NULL.
 * @param rfm       the summary (with amounts).
 * @param options   period length (required), periods, discount, margin.
 */
CXM_API int cxm_model_lifetime_value_rfm(double *dst, size_t n, const cxm_model *model,
                                         const cxm_model *spend, const cxm_rfm *rfm,
                                         const cxm_value_options *options);

/**
 * The tracking curve (cxm_model_tracking()) of a summary's customers.
 * Times are in the summary's (the model's) time unit and counted from the
 * end of the summary's period, its calibration end or, without one, its
 * observation end: customer i's first purchase is at −T_i, and times < 0
 * lie in the period (a period of 39 weeks starts at −39).
 *
 * @param[out] dst  @p n_times expected cumulative repeat purchases.
 * @param n_times   number of times.
 * @param model     a purchase model.
 * @param rfm       the summary.
 * @param times     the times, finite.
 */
CXM_API int cxm_model_tracking_rfm(double *dst, size_t n_times, const cxm_model *model,
                                   const cxm_rfm *rfm, const double *times);

/* ------------------------------------------------------------------ static covariates */

/*
 * Time-invariant covariates on the purchase and dropout processes
 * (docs/models.md §1.11), in CLVTools' parameterisation, so that all effects
 * 0 is the model without covariates:
 *
 *   BG/NBD, MBG/NBD:  α_i = α·exp(−γ_p'z_i),  a_i = a·exp(γ_d'z_i),  b_i = b·exp(γ_d'z_i)
 *   Pareto/NBD:       α_i = α·exp(−γ_p'z_i),  β_i = β·exp(−γ_d'z_i)
 *
 * A positive purchase effect raises the purchase rate (α is a scale); a
 * positive Pareto/NBD dropout effect raises the dropout rate. The effects
 * are parameters of the model after its own ("purchase.gender",
 * "dropout.channel"), with standard errors from the same analytic Hessian.
 * Customers with equal covariates share their parameters, so a fit costs
 * about one plain fit per distinct covariate vector's rows; a fit takes at
 * most 65536 distinct vectors (bin continuous covariates first).
 */

/**
 * Give a purchase model covariates (or remove them, with 0 and 0): the
 * effects become parameters after the kind's own, named "purchase.<name>"
 * and "dropout.<name>". The model becomes empty. #CXM_EUNSUPPORTED for
 * kinds without covariates (Gamma-Gamma, BG/BB, sBG); #CXM_EINVAL for
 * missing, empty or repeated names or more than 32 parameters in all.
 */
CXM_API int cxm_model_set_covariates(cxm_model *model, size_t purchase_n,
                                     const char *const *purchase_names, size_t dropout_n,
                                     const char *const *dropout_names);

/**
 * One effect for a covariate of both processes (CLVTools' constraint
 * names.cov.constr): each of @p names must be both a purchase and a dropout
 * covariate; its two effects become one parameter "shared.<name>" in the
 * purchase effects' place. The model becomes empty. Call again with other
 * names to share others, with none to share nothing.
 */
CXM_API int cxm_model_share_covariates(cxm_model *model, size_t n, const char *const *names);

/** The number of shared covariates (cxm_model_share_covariates()), in @p out. */
CXM_API int cxm_model_shared_covariate_count(size_t *out, const cxm_model *model);

/** The numbers of purchase and dropout covariates of a model (0 and 0 without). */
CXM_API int cxm_model_covariate_count(size_t *purchase_n, size_t *dropout_n,
                                      const cxm_model *model);

/**
 * The name of purchase (@p set 0) or dropout (@p set 1) covariate @p index
 * as given to cxm_model_set_covariates(), in that order, shared or not: the
 * order in which cxm_model_fit_covariates() and cxm_model_for_customer()
 * take the covariates' values. NULL without covariates or out of range.
 * (With shared effects the parameter names no longer tell the dropout
 * set's order.)
 */
CXM_API const char *cxm_model_covariate_name(const cxm_model *model, int set, size_t index);

/**
 * Fit a model with covariates (cxm_model_set_covariates() first) by maximum
 * likelihood, starting from the fit without covariates (all effects 0).
 *
 * @param model    the model; on failure it keeps its state (as cxm_model_fit()).
 * @param n        number of customers.
 * @param x,t_x,T  the customers' histories (as cxm_model_fit()).
 * @param purchase @p n rows of the purchase covariates, row-major (n × purchase_n);
 *                 NULL when there are none.
 * @param dropout  @p n rows of the dropout covariates (n × dropout_n), or NULL.
 * @param weights  customers per row, or NULL.
 * @param options  as cxm_model_fit(); the penalty applies to every parameter.
 * @return #CXM_OK, #CXM_ECONVERGE (a covariate that is constant, or two
 *         that are collinear, leave effects unidentified), #CXM_EINVAL
 *         naming the row and covariate.
 */
CXM_API int cxm_model_fit_covariates(cxm_model *model, size_t n, const double *x,
                                     const double *t_x, const double *T, const double *purchase,
                                     const double *dropout, const double *weights,
                                     const cxm_fit_options *options);

/**
 * The model of one customer: a model of the base kind (no covariates) with
 * that customer's parameters, on which every prediction of this header
 * works. From a fitted model it carries the covariance of those parameters
 * (the delta method, J Σ J'), so that the prediction intervals reflect the
 * effects' uncertainty too; its likelihood and fit report are the
 * covariate fit's. Free it with cxm_model_free().
 *
 * @param[out] out  the customer's model.
 * @param model     a model with covariates and parameters.
 * @param purchase  the customer's purchase covariates (purchase_n values), or NULL when none.
 * @param dropout   the customer's dropout covariates (dropout_n values), or NULL when none.
 */
CXM_API int cxm_model_for_customer(cxm_model **out, const cxm_model *model,
                                   const double *purchase, const double *dropout);

/**
 * Customers grouped by their covariates, so that each group is predicted
 * with one customer model (cxm_model_for_customer() of its covariates):
 * customers with equal covariates (bit for bit, −0 = +0) share a group,
 * numbered 0, 1, ... in order of first appearance.
 *
 * @param[out] groups  the number of groups.
 * @param[out] dst     @p n group numbers, one per customer.
 * @param n            number of customers.
 * @param model        a model with covariates.
 * @param purchase     n × purchase_n covariates, row-major (NULL when none).
 * @param dropout      n × dropout_n covariates (NULL when none).
 * @return #CXM_OK, #CXM_EINVAL naming the customer and covariate that is not
 *         a finite number.
 */
CXM_API int cxm_model_covariate_groups(size_t *groups, size_t *dst, size_t n,
                                       const cxm_model *model, const double *purchase,
                                       const double *dropout);

/* ------------------------------------------------------------------ time-varying covariates */

/*
 * Pareto/NBD with time-varying covariates (Bachmann, Meierer & Näf 2021,
 * docs/models.md §1.13): customer i buys at rate λ_i·exp(γ_p'x_i(t)) and
 * drops out at rate μ_i·exp(γ_d'z_i(t)), λ ~ Gamma(r, alpha),
 * μ ~ Gamma(s, beta), the covariates piecewise constant over segments of the
 * customer's time. The model is a Pareto/NBD model with covariates
 * (cxm_model_set_covariates(), cxm_model_share_covariates()): the same
 * parameters and names, and a customer whose covariates never change has the
 * static covariates' likelihood, so that every effect 0 is the Pareto/NBD.
 *
 * Data. Each customer's time starts at the first purchase (0) and is cut
 * into segments: segment j of a customer runs from the previous segment's end
 * (0 for the first) to ends[j], with one row of purchase and of dropout
 * covariates and the number of repeat purchases made in it. The last segment
 * ends at or after T; predictions over (T, T + t] need segments up to T + t
 * (the covariates' future path). Only the purchases per segment enter the
 * likelihood, not their times (beyond t_x).
 */

/** Customers with time-varying covariates. Initialise with
 *  #CXM_DYNCOV_DATA_INIT or cxm_dyncov_data_init() (it sets @c struct_size, so
 *  that a library newer than the caller reads only the fields the caller has). */
typedef struct cxm_dyncov_data {
    size_t struct_size;      /**< sizeof(cxm_dyncov_data) as the caller compiled it. */
    size_t n;                /**< Customers. */
    const double *x;         /**< @c n repeat purchase counts. */
    const double *t_x;       /**< @c n times of the last purchase (0 when x = 0). */
    const double *T;         /**< @c n observation lengths. */
    const size_t *offsets;   /**< @c n + 1 increasing offsets: customer i's segments are
                                  offsets[i] to offsets[i+1] − 1 of the arrays below. */
    const double *ends;      /**< Each segment's end (customer time): increasing within a
                                  customer, the first > 0. */
    const double *counts;    /**< Repeat purchases in each segment (whole numbers adding up
                                  to the customer's x; none in a segment that starts after
                                  t_x). Fits and likelihoods only; NULL elsewhere. */
    const double *purchase;  /**< Segments × purchase_n purchase covariates, row-major
                                  (NULL without purchase covariates). */
    const double *dropout;   /**< Segments × dropout_n dropout covariates (or NULL). */
    const double *weights;   /**< @c n customers per row, or NULL for 1 each (fits). */
} cxm_dyncov_data;

/** Empty time-varying covariate data of the caller's size. */
#define CXM_DYNCOV_DATA_INIT \
    { sizeof(cxm_dyncov_data), 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL }

/** Fill @p data with #CXM_DYNCOV_DATA_INIT (inline, for the caller's struct size). */
static inline void cxm_dyncov_data_init(cxm_dyncov_data *data)
{
    if (data) {
        cxm_dyncov_data empty = CXM_DYNCOV_DATA_INIT;
        *data = empty;
    }
}

/**
 * Fit a Pareto/NBD model with covariates (cxm_model_set_covariates() first)
 * on time-varying covariates by maximum likelihood: Newton's method with the
 * analytic gradient and Hessian, started from the Pareto/NBD fit of (x, t_x,
 * T) with every effect 0 (or the model's parameters with
 * #CXM_FIT_WARM_START). Penalties as cxm_model_fit_covariates()
 * (purchase_penalty and dropout_penalty weigh the effects); standard errors
 * from the observed information.
 *
 * @param model    a Pareto/NBD model with covariates; on failure it keeps its state.
 * @param data     the customers, with counts.
 * @param options  NULL for the defaults.
 * @return #CXM_OK, #CXM_EINVAL naming the customer (element) and what is
 *         wrong with its segments, or a covariate with the same value in every
 *         segment, #CXM_EUNSUPPORTED for another kind, #CXM_ECONVERGE, #CXM_ENOMEM.
 */
CXM_API int cxm_model_fit_dynamic(cxm_model *model, const cxm_dyncov_data *data,
                                  const cxm_fit_options *options);

/**
 * Each customer's log-likelihood ln L_i under the model's parameters (given
 * or fitted), in @p dst.
 *
 * @param[out] dst  @p n values.
 * @param n         data->n.
 * @param model     a Pareto/NBD model with covariates and parameters.
 * @param data      the customers, with counts (weights are not used).
 */
CXM_API int cxm_model_dynamic_log_likelihood(double *dst, size_t n, const cxm_model *model,
                                             const cxm_dyncov_data *data);

/**
 * P(alive at T | x, t_x, T, covariates up to T) of each customer, in [0, 1].
 *
 * @param[out] dst  @p n values.
 * @param n         data->n.
 * @param model     a Pareto/NBD model with covariates and parameters.
 * @param data      the customers (counts are not needed).
 */
CXM_API int cxm_model_dynamic_p_alive(double *dst, size_t n, const cxm_model *model,
                                      const cxm_dyncov_data *data);

/**
 * The expected number of purchases of each customer in (T, T + t[i]] given
 * its history and the covariates' path, which its segments must give up to
 * T + t[i] (#CXM_EINVAL naming the customer otherwise). Counts are not needed.
 *
 * @param[out] dst  @p n values.
 * @param n         data->n.
 * @param model     a Pareto/NBD model with covariates and parameters.
 * @param t         @p n horizons, >= 0.
 * @param data      the customers.
 */
CXM_API int cxm_model_dynamic_conditional_purchases(double *dst, size_t n,
                                                    const cxm_model *model, const double *t,
                                                    const cxm_dyncov_data *data);

/**
 * Draw customers of the model on given segments: customer i is observed for
 * data->T[i] from a first purchase at 0, with the covariates of its segments
 * (x, t_x and counts of @p data are not read). Lifetimes are drawn by
 * inverting the piecewise linear cumulative dropout intensity, purchases as
 * Poisson counts per segment. The same seed gives the same customers on every
 * platform, and customer i does not depend on the others.
 *
 * @param[out] dst_x       data->n repeat purchase counts.
 * @param[out] dst_t_x     data->n times of the last purchase (0 when none).
 * @param[out] dst_counts  offsets[n] − offsets[0] purchases per segment (0
 *                         after T), indexed as the segments less offsets[0].
 * @param[out] dst_alive   data->n values, 1 alive at T, 0 not; or NULL.
 * @param model   a Pareto/NBD model with covariates and parameters.
 * @param data    the segments, covariates and T.
 * @param seed    any 64-bit value.
 * @return #CXM_OK, #CXM_EINVAL, #CXM_ERANGE (expected purchases beyond 2^52).
 */
CXM_API int cxm_model_dynamic_simulate(double *dst_x, double *dst_t_x, double *dst_counts,
                                       double *dst_alive, const cxm_model *model,
                                       const cxm_dyncov_data *data, unsigned long long seed);

/* ------------------------------------------------------------------ prediction intervals */

/*
 * Customer-level intervals that carry the uncertainty of the fitted
 * parameters into each customer's prediction (docs/models.md §1.10), by the
 * delta method on the scale where the quantity is unbounded: logit for
 * P(alive), log for expected purchases and lifetime value; the interval is
 * symmetric there, so it never leaves the quantity's range. The parameters'
 * covariance is the fit's (cxm_model_covariance()), so the model must be
 * fitted (#CXM_ESTATE when its parameters were set by hand). Cost: 2p + 2
 * predictions of every customer for p parameters, in bounded memory.
 *
 * The intervals describe parameter uncertainty only: how well the
 * population is known, not how many purchases one customer will make
 * (that is the Poisson spread around the expectation).
 *
 * @param[out] dst_lower,dst_upper  @p n lower and upper ends.
 * @param n      number of customers.
 * @param model  a fitted purchase model.
 * @param level  coverage in (0, 1), e.g. 0.95.
 */

/** Interval of P(alive) at @p level (inputs as cxm_model_p_alive()). */
CXM_API int cxm_model_p_alive_interval(double *dst_lower, double *dst_upper, size_t n,
                                       const cxm_model *model, double level, const double *x,
                                       const double *t_x, const double *T);

/** Interval of E[Y(t) | x, t_x, T] at @p level (inputs as cxm_model_conditional_purchases()). */
CXM_API int cxm_model_conditional_purchases_interval(double *dst_lower, double *dst_upper,
                                                     size_t n, const cxm_model *model,
                                                     double level, const double *t,
                                                     const double *x, const double *t_x,
                                                     const double *T);

/**
 * Interval of the lifetime value at @p level (inputs as
 * cxm_model_lifetime_value()); @p value is taken as known, so the interval
 * covers the purchase model's uncertainty, not the spend model's.
 */
CXM_API int cxm_model_lifetime_value_interval(double *dst_lower, double *dst_upper, size_t n,
                                              const cxm_model *model, double level,
                                              const double *x, const double *t_x,
                                              const double *T, const double *value,
                                              const cxm_value_options *options);

/* ------------------------------------------------------------------ simulation */

/**
 * Draw a synthetic customer base from a purchase model: customer i is
 * observed for T[i] time units after a first purchase at time 0. The same
 * seed gives the same customers on every platform, for any number of
 * threads, and customer i does not depend on n.
 *
 * A customer whose expected purchases λ·T exceed 2^52 (beyond which a count
 * is no longer a whole number a double holds) fails with #CXM_ERANGE naming
 * the customer; BG/BB observes at most 10^6 opportunities (#CXM_EDOMAIN).
 *
 * @param[out] dst_x    @p n repeat purchase counts.
 * @param[out] dst_t_x  @p n times of the last purchase (0 when x = 0).
 * @param n             number of customers.
 * @param model the model.
 * @param T             observation length of each customer, >= 0.
 * @param seed          any 64-bit value.
 */
CXM_API int cxm_model_simulate(double *dst_x, double *dst_t_x, size_t n,
                               const cxm_model *model, const double *T, unsigned long long seed);

/**
 * The repeat purchase times of the customers cxm_model_simulate() draws with
 * the same @p T and @p seed: customer 0's x[0] times in increasing order,
 * then customer 1's, ...
 *
 * @param[out] dst  the times; @p dst_n must equal Σ x from cxm_model_simulate().
 * @param dst_n length of @p dst.
 * @param model the model.
 * @param n number of customers, as given to cxm_model_simulate().
 * @param T the observation lengths given to cxm_model_simulate().
 * @param seed the seed given to cxm_model_simulate().
 */
CXM_API int cxm_model_simulate_times(double *dst, size_t dst_n, const cxm_model *model,
                                     size_t n, const double *T, unsigned long long seed);

/**
 * The hidden side of the customers cxm_model_simulate() draws with the same
 * @p T and @p seed: each one's latent parameters and whether they are still
 * alive, for checking a model against its own truth (lifetimes'
 * generate_data columns).
 *
 * BG/NBD and MBG/NBD: purchase rate λ, dropout probability p, alive at T.
 * BG/CNBD-k and MBG/CNBD-k: the tick rate λ (k ticks make a purchase), p, alive at T.
 * Pareto/NBD: λ, dropout rate μ, alive at T (death after T).
 * BG/BB: transaction probability p, dropout probability θ, alive at
 * opportunity n + 1 (the opportunity P(alive) is about; one more draw).
 *
 * @param[out] dst_purchase  @p n purchase parameters (λ, or p for BG/BB).
 * @param[out] dst_dropout   @p n dropout parameters (p, μ or θ).
 * @param[out] dst_alive     @p n values, 1 alive, 0 not.
 * @param n number of customers, as given to cxm_model_simulate().
 * @param model the model.
 * @param T the observation lengths given to cxm_model_simulate().
 * @param seed the seed given to cxm_model_simulate().
 */
CXM_API int cxm_model_simulate_latent(double *dst_purchase, double *dst_dropout,
                                      double *dst_alive, size_t n, const cxm_model *model,
                                      const double *T, unsigned long long seed);

/**
 * Gamma-Gamma: draw the mean value of x repeat purchases for each customer
 * (0 when x = 0).
 */
CXM_API int cxm_model_simulate_spend(double *dst, size_t n, const cxm_model *model,
                                     const double *x, unsigned long long seed);

/* ------------------------------------------------------------------ persistence */

/**
 * The model as a JSON document: kind, parameters, and for a fitted model the
 * log-likelihood, covariance, standard errors and report, plus the library
 * version that wrote it.
 *
 * @param[out] out  a NUL-terminated string released with cxm_free().
 * @param model the model.
 */
CXM_API int cxm_model_to_json(char **out, const cxm_model *model);

/** Read a model written by cxm_model_to_json(). #CXM_EPARSE names what is wrong,
 *  e.g. a parameter outside the range of cxm_model_set_params(). */
CXM_API int cxm_model_from_json(cxm_model **out, const char *json);

/** Write cxm_model_to_json() to a file, complete or untouched (docs/io.md):
 * #CXM_EIO naming the file and the reason when it cannot be written, an
 * earlier file then left as it was. */
CXM_API int cxm_model_save(const cxm_model *model, const char *path);

/** Read a model from a file written by cxm_model_save(). */
CXM_API int cxm_model_load(cxm_model **out, const char *path);

/* ------------------------------------------------------------------ chunked fits
 * (chunked work: cxm/chunk.h, docs/chunked.md) */

/**
 * Positions in a chunk result of cxm_model_chunk_loglik() and
 * cxm_model_chunk_loglik_covariates() (p = cxm_model_param_count(), with a
 * model's covariate effects): customers, rows, log-likelihood, then p
 * gradient values and p·p Hessian values (row-major).
 */
enum {
    CXM_CHUNK_WEIGHT = 0,     /**< Σ weight of the rows used: customers. */
    CXM_CHUNK_ROWS = 1,       /**< Rows the likelihood was summed over (after merging identical rows). */
    CXM_CHUNK_LOGLIK = 2,     /**< Σ weight·ln L. */
    CXM_CHUNK_GRADIENT = 3    /**< Σ weight·∂ln L/∂θ (p values), then Σ weight·∂²ln L/∂θ∂θ (p·p values). */
};

/** How a parameter is optimised (cxm_model_param_scale()). */
typedef enum cxm_param_scale {
    CXM_SCALE_NONE = 0,   /**< Not a parameter (index out of range, or no model). */
    CXM_SCALE_LOG = 1,    /**< Positive: optimised as φ = ln θ. */
    CXM_SCALE_LOGIT = 2,  /**< In (0, 1): optimised as φ = ln(θ/(1 − θ)). */
    CXM_SCALE_LINEAR = 3, /**< Any real: optimised as φ = θ. */
    CXM_SCALE_FIXED = 4   /**< Held fixed by a fit (BG/CNBD-k's k): its gradient and variance are 0. */
} cxm_param_scale;

/**
 * The scale on which a parameter of the model's kind is optimised.
 *
 * @param model  a model.
 * @param index  the parameter (0 to cxm_model_param_count() − 1).
 * @return its scale, or #CXM_SCALE_NONE for an index out of range or NULL.
 */
CXM_API cxm_param_scale cxm_model_param_scale(const cxm_model *model, size_t index);

/**
 * Length of a chunk result for the model's kind.
 *
 * @param model  a model.
 * @return 3 + p + p² for p parameters, 0 for NULL.
 */
CXM_API size_t cxm_model_chunk_size(const cxm_model *model);

/**
 * The likelihood of one chunk of rows at given parameters, ready to be added
 * to the other chunks' results element by element.
 *
 * Rows are checked and filtered as cxm_model_fit_columns() does (the message
 * names the row of the chunk); rows with weight 0 and rows the kind skips
 * (Gamma-Gamma: x = 0) do not count, and a chunk without a row that counts
 * gives zeros. Derivatives are with respect to the natural parameters.
 *
 * @param[out] dst cxm_model_chunk_size() values (see #CXM_CHUNK_WEIGHT): the
 *                 weight and row counts, then Σ w·ln L, and with @p order
 *                 >= 1 the gradient, with @p order 2 the Hessian (zeros
 *                 beyond the order).
 * @param dst_n    length of @p dst; must equal cxm_model_chunk_size().
 * @param model    a model of the kind (its parameters are not used, and it
 *                 may be empty); its cxm_model_set_threads() setting applies.
 * @param params   the parameters (cxm_model_param_count() values, valid
 *                 for the kind).
 * @param nparams  number of parameters.
 * @param order    0, 1 or 2.
 * @param n        rows in the chunk.
 * @param columns  cxm_model_column_count() pointers, one per column (e.g.
 *                 x, t_x, T), each to @p n values: columns of a columnar
 *                 store need no copy.
 * @param weights  customers per row, or NULL for 1 each.
 * @return #CXM_OK, #CXM_EINVAL (bad data or parameters), #CXM_ENOMEM.
 */
CXM_API int cxm_model_chunk_loglik(double *dst, size_t dst_n, const cxm_model *model,
                                   const double *params, size_t nparams, int order, size_t n,
                                   const double *const *columns, const double *weights);

/**
 * Where a fit starts: the point from which cxm_model_fit_columns() on these
 * rows would start Newton's method (the kind's default from the data, then,
 * for more than 60000 rows after merging identical ones, a quick fit on an
 * evenly spaced subsample of about 20000 rows). Give it all the rows of a
 * small data set to start exactly where a fit in one piece does, or an
 * evenly spaced sample of a large one.
 *
 * @param[out] dst  cxm_model_param_count() starting values (natural scale).
 * @param dst_n     length of @p dst.
 * @param model     a model of the kind (its parameters are not used).
 * @param n         rows, as for cxm_model_chunk_loglik().
 * @param columns   one pointer per column, as for cxm_model_chunk_loglik().
 * @param weights   customers per row, or NULL.
 * @param options   the penalty, threads and #CXM_FIT_NO_COMPRESS are used;
 *                  NULL for the defaults.
 * @return #CXM_OK, #CXM_EINVAL (bad data, or no row that counts), #CXM_ENOMEM.
 */
CXM_API int cxm_model_start(double *dst, size_t dst_n, const cxm_model *model, size_t n,
                            const double *const *columns, const double *weights,
                            const cxm_fit_options *options);

/**
 * cxm_model_chunk_loglik() for a model with covariates
 * (cxm_model_set_covariates(), cxm_model_share_covariates()): the
 * likelihood of one chunk of customers with their covariates, at every
 * parameter of the model (the kind's own, then the effects), ready to be
 * added to the other chunks' results element by element. The sum over the
 * chunks is the likelihood cxm_model_fit_covariates() maximises, from the
 * same code.
 *
 * Rows and covariates are checked as cxm_model_fit_covariates() does (a
 * covariate that is not a finite number is named with its row of the
 * chunk). A chunk may hold customers of one covariate vector only: whether
 * the effects are identified is a question for the whole data (see
 * cxm_model_start_covariates()). Where some customers' parameters would
 * leave the range a fit may reach, the log-likelihood is −∞ (the optimiser
 * steps back).
 *
 * @param[out] dst cxm_model_chunk_size() values, as for cxm_model_chunk_loglik().
 * @param dst_n    length of @p dst; must equal cxm_model_chunk_size().
 * @param model    a purchase model with covariates (its parameters are not
 *                 used, and it may be empty); its cxm_model_set_threads()
 *                 setting applies.
 * @param params   the parameters (cxm_model_param_count() values: the
 *                 kind's, then the effects).
 * @param nparams  number of parameters.
 * @param order    0, 1 or 2.
 * @param n        customers in the chunk.
 * @param columns  three pointers (x, t_x, T), each to @p n values.
 * @param purchase @p n rows of the purchase covariates, row-major (n ×
 *                 purchase_n, in cxm_model_covariate_name() order); NULL
 *                 when there are none.
 * @param dropout  @p n rows of the dropout covariates (n × dropout_n), or NULL.
 * @param weights  customers per row, or NULL for 1 each.
 * @return #CXM_OK, #CXM_EINVAL (bad data, parameters, or a model without
 *         covariates), #CXM_EUNSUPPORTED, #CXM_ENOMEM.
 */
CXM_API int cxm_model_chunk_loglik_covariates(double *dst, size_t dst_n, const cxm_model *model,
                                              const double *params, size_t nparams, int order,
                                              size_t n, const double *const *columns,
                                              const double *purchase, const double *dropout,
                                              const double *weights);

/**
 * cxm_model_start() for a model with covariates: the point from which
 * cxm_model_fit_covariates() on these customers would start (the fit
 * without covariates, all effects 0; for more than 60000 customers a quick
 * covariate fit of a subsample of about 20000). It also checks, on these
 * customers, that each covariate varies and that no covariate is a linear
 * combination of the others of its process, as a fit does: give it all the
 * customers of a small data set, or an evenly spaced sample in which every
 * covariate varies.
 *
 * @param[out] dst  cxm_model_param_count() starting values.
 * @param dst_n     length of @p dst.
 * @param model     a purchase model with covariates (its parameters are not used).
 * @param n         customers.
 * @param columns   three pointers (x, t_x, T), each to @p n values.
 * @param purchase  n × purchase_n purchase covariates, row-major, or NULL when none.
 * @param dropout   n × dropout_n dropout covariates, or NULL when none.
 * @param weights   customers per row, or NULL.
 * @param options   the penalties, threads and #CXM_FIT_NO_COMPRESS are
 *                  used; NULL for the defaults.
 * @return #CXM_OK, #CXM_EINVAL (bad data, no rows, covariates that do not
 *         vary or are collinear), #CXM_EUNSUPPORTED, #CXM_ENOMEM.
 */
CXM_API int cxm_model_start_covariates(double *dst, size_t dst_n, const cxm_model *model,
                                       size_t n, const double *const *columns,
                                       const double *purchase, const double *dropout,
                                       const double *weights, const cxm_fit_options *options);

/**
 * The sums a chunked fit asks for: fill @p dst with the element-by-element
 * sum over every chunk of cxm_model_chunk_loglik() at @p params with
 * @p order. Return #CXM_OK, or a negative status to stop the fit (the fit
 * returns it; set a message with cxm_error_message()'s conventions if you
 * can, e.g. through a failing libcxm call).
 */
typedef int (*cxm_chunk_loglik_fn)(void *context, double *dst, size_t dst_n,
                                   const double *params, size_t nparams, int order);

/**
 * Fit a model by maximum likelihood on data that the caller holds in chunks:
 * the engine's optimiser runs here and asks @p evaluate for summed chunk
 * results (one pass over the chunks per call: value, gradient and Hessian
 * together). Everything else is as cxm_model_fit(): the options, the
 * stopping rule, the failure reports, the covariance, and the fitted model
 * (predictions, JSON, save and load). The report's observations and rows
 * are the summed #CXM_CHUNK_WEIGHT and #CXM_CHUNK_ROWS.
 *
 * Every call must see the same data: a weight sum that changes between
 * calls (a chunk lost or counted twice) fails the fit with #CXM_EINVAL.
 *
 * A model with covariates is fitted on all its parameters, the effects
 * included: the callback sums cxm_model_chunk_loglik_covariates(), the
 * options' purchase_penalty and dropout_penalty weigh the effects (shared
 * ones take both) as in cxm_model_fit_covariates(), and the start comes
 * from cxm_model_start_covariates().
 *
 * @param model     the model to fit (any kind with a likelihood, with or
 *                  without covariates).
 * @param evaluate  the summing callback; called from this thread only.
 * @param context   passed to @p evaluate.
 * @param start     starting parameters (e.g. from cxm_model_start()), or
 *                  NULL with #CXM_FIT_WARM_START to start from the model's.
 * @param nstart    number of starting values (the parameter count, or 0
 *                  with NULL).
 * @param options   NULL for the defaults; threads are the callback's business.
 * @return #CXM_OK, #CXM_EINVAL, #CXM_ECONVERGE, #CXM_ENOMEM, or the
 *         callback's status.
 */
CXM_API int cxm_model_fit_chunked(cxm_model *model, cxm_chunk_loglik_fn evaluate, void *context,
                                  const double *start, size_t nstart,
                                  const cxm_fit_options *options);

/**
 * Make a model fitted with results found elsewhere (a driver with its own
 * optimiser): afterwards it predicts, reports and saves as after
 * cxm_model_fit().
 *
 * @param model       the model.
 * @param params      the estimates (valid for the kind).
 * @param n           parameter count.
 * @param covariance  their covariance, n×n row-major, symmetric with
 *                    positive finite variances.
 * @param cov_n       n·n.
 * @param penalty     the L2 penalty the fit used (>= 0), recorded in the JSON.
 * @param report      reason #CXM_FIT_CONVERGED, the log-likelihood
 *                    (finite), observations (> 0), rows, iterations,
 *                    evaluations and gradient norm of the fit.
 * @return #CXM_OK, #CXM_EINVAL (the model keeps its state).
 */
CXM_API int cxm_model_set_fit(cxm_model *model, const double *params, size_t n,
                              const double *covariance, size_t cov_n, double penalty,
                              const cxm_fit_report *report);

#ifdef __cplusplus
}
#endif

#endif /* CXM_MODEL_H */
