"""Pareto/NBD, BG/BB and the shifted-beta-geometric model, with lifetimes' names.

    from cxm import ParetoNBDFitter, BetaGeoBetaBinomFitter, ShiftedBetaGeometric

    pnbd = ParetoNBDFitter().fit(summary["frequency"], summary["recency"], summary["T"])
    pnbd.conditional_probability_alive(221, 103.4, 103.6)       # finite, in [0, 1]

    bgbb = BetaGeoBetaBinomFitter().fit(d["frequency"], d["recency"], d["periods"],
                                        weights=d["weights"])
    bgbb.conditional_expected_number_of_purchases_up_to_time(5, f, r, n)

    sbg = ShiftedBetaGeometric().fit_survivors([1000, 631, 468, 382, 326, 289, 262, 241])
    sbg.survival(12) * 1000                                       # about 170
    sbg.discounted_expected_lifetime(0.10)                        # DEL

The computations are libcxm's (C): likelihoods in log space without the
hypergeometric cancellations that make peers return NaN, Newton's method with
analytic Hessians, standard errors from the observed information.

Beyond lifetimes: ``discounted_expected_residual_transactions`` for both
purchase models (Pareto/NBD: Fader, Hardie & Lee 2005; BG/BB: Fader, Hardie
& Shang 2010, with a discount rate per opportunity) and the whole sBG model
(lifetimes has none). ``ParetoNBDFitter`` has lifetimes'
``conditional_probability_of_n_purchases_up_to_time(n, t, frequency, recency, T)``
and the unconditional ``probability_of_n_purchases_up_to_time(t, n)``, both
exact and summing to 1 over n.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Optional, Sequence, Tuple

import numpy as np
from numpy.typing import ArrayLike

from . import core
from . import btyd
from .btyd import (COUNT, _Fitter, _PurchaseFitter, _columns, _elementwise, _flat, _pandas,
                   _seed, _simulated_size, _weights)
from .dynamic import DynamicCovariates
from ._arrays import FloatArray, Values, as_count, as_float, as_float_array, customers_named
from ._errors import InvalidArgumentError, DomainError

if TYPE_CHECKING:
    from typing import Self

    import pandas as pd

# The most opportunities BG/BB takes (the C library's limit: its likelihood and
# P(X(n) = x) sum one term per opportunity).
MAX_OPPORTUNITIES = 10**6

# The most rows of expected_number_of_transactions_in_first_n_periods: each of its
# n + 1 probabilities sums up to n terms.
MAX_TABLE_PERIODS = 2000

__all__ = ["ParetoNBDFitter", "BetaGeoBetaBinomFitter", "ShiftedBetaGeometric"]


class ParetoNBDFitter(_PurchaseFitter):
    """Pareto/NBD (Schmittlein, Morrison & Colombo 1987).

    While alive a customer buys at rate lambda ~ Gamma(r, alpha); lifetimes are
    exponential with rate mu ~ Gamma(s, beta). Fit with ``fit(frequency, recency, T)``;
    CDNOW gives r=0.553, alpha=10.578, s=0.606, beta=11.669 and a log-likelihood of
    -9595.0. Heavy buyers (x=221, t_x=103.4, T=103.6) get a finite P(alive).

    ``use_cor=True`` (CLVTools' name) lets the purchase and the dropout rate be
    correlated through the Sarmanov family (docs/models.md section 1.6.1): a fifth
    parameter ``omega`` (0 is the Pareto/NBD) and ``correlation_``, the correlation of
    lambda and mu it implies. Predictions combine four Pareto/NBD predictions.
    """

    _kind = core.MODEL_PARETO_NBD
    _names = ("r", "alpha", "s", "beta")
    _public_names = ("r", "alpha", "s", "beta")
    # lifetimes' repeated fits from random starts and its scipy method: Newton's method
    # from libcxm's start has one answer, so both are accepted (checked) and unused.
    _ignored_fit_keywords = ("iterative_fitting", "fit_method")

    def __init__(self, penalizer_coef: float = 0.0, use_cor: bool = False) -> None:
        super().__init__(penalizer_coef)
        self.use_cor = bool(use_cor)
        if self.use_cor:
            self._model = core.model_create(core.MODEL_PARETO_NBD_COR)

    def _adopt(self, model: Any) -> None:
        super()._adopt(model)
        self.use_cor = core.model_get_kind(model) == core.MODEL_PARETO_NBD_COR

    def _before_fit(self) -> None:
        """use_cor (also when set by set_params) chooses the model fitted."""
        kind = core.MODEL_PARETO_NBD_COR if self.use_cor else core.MODEL_PARETO_NBD
        if core.model_get_kind(self._model) != kind:
            self._model = core.model_create(kind)

    @property
    def correlation_(self) -> float:
        """The correlation of the purchase rate and the dropout rate (use_cor=True)."""
        self._require_params()
        return float(core.model_rate_correlation(self._model))

    # ------------------------------------------------------------------ time-varying covariates

    def fit_dynamic(self, data: DynamicCovariates, weights: Optional[ArrayLike] = None,
                    purchase_penalty: float = 0.0, dropout_penalty: float = 0.0,
                    shared_covariates: Sequence[str] = (), tol: Optional[float] = None,
                    max_iterations: Optional[int] = None, threads: Optional[int] = None,
                    verbose: bool = False) -> Self:
        """Fit the Pareto/NBD with time-varying covariates (Bachmann, Meierer & Näf 2021;
        docs/models.md section 1.13) on a :class:`cxm.DynamicCovariates`: purchase rate
        lambda·exp(g_p'x(t)), dropout rate mu·exp(g_d'z(t)). The effects appear in
        ``params_`` as ``purchase.<name>`` and ``dropout.<name>`` (as with static
        covariates, which are the special case of covariates that never change);
        ``purchase_penalty``, ``dropout_penalty`` and ``shared_covariates`` as in ``fit``.
        Errors about a customer's segments name the customer."""
        if not isinstance(data, DynamicCovariates):
            raise InvalidArgumentError("fit_dynamic takes a cxm.DynamicCovariates")
        if self.use_cor:
            raise InvalidArgumentError("time-varying covariates are not offered with "
                                       "use_cor=True")
        self._before_fit()
        core.model_set_covariates(self._model, data.purchase_names, data.dropout_names)
        if shared_covariates:
            core.model_share_covariates(self._model, [str(n) for n in shared_covariates])
        w = _weights(weights, len(data))
        with customers_named(data.index.to_series()):
            core.model_fit_dynamic(self._model, *data.arrays(), w,
                                   as_float(purchase_penalty, "purchase_penalty", minimum=0),
                                   as_float(dropout_penalty, "dropout_penalty", minimum=0),
                                   *self._fit_options(tol, max_iterations, threads, False))
        self.data = _pandas().DataFrame({"frequency": data.frequency, "recency": data.recency,
                                         "T": data.T}, index=data.index)
        return self._after_fit(verbose)

    def _dynamic(self, what: int, data: DynamicCovariates, t: Any, name: str) -> Any:
        """Per-customer results of the library on ``data`` as a pandas Series."""
        self._require_params()
        dst = np.empty(len(data))
        horizon = np.ascontiguousarray(np.broadcast_to(
            as_float_array(t, "t", finite=True), (len(data),)), dtype=float)
        arrays = list(data.arrays())
        if what != 0:
            arrays[5] = np.empty(0)  # counts are not needed
        with customers_named(data.index.to_series()):
            core.model_dynamic_predict(self._model, what, dst, horizon, *arrays)
        return _pandas().Series(dst, index=data.index, name=name)

    def dynamic_log_likelihood(self, data: DynamicCovariates) -> Any:
        """Each customer's log-likelihood under the time-varying covariates model."""
        return self._dynamic(0, data, 0.0, "log_likelihood")

    def conditional_probability_alive(self, frequency: Any, recency: Any = None,
                                      T: Any = None, purchase_covariates: Any = None,
                                      dropout_covariates: Any = None) -> Any:
        """P(alive) of customers with the given histories, in [0, 1]; with a
        :class:`cxm.DynamicCovariates` in place of ``frequency`` (a model fitted with
        ``fit_dynamic``), each customer's P(alive) at its T given its covariates' path."""
        if isinstance(frequency, DynamicCovariates):
            return self._dynamic(1, frequency, 0.0, "p_alive")
        return super().conditional_probability_alive(frequency, recency, T,
                                                     purchase_covariates, dropout_covariates)

    def conditional_expected_number_of_purchases_up_to_time(
            self, t: Any, frequency: Any = None, recency: Any = None, T: Any = None,
            purchase_covariates: Any = None, dropout_covariates: Any = None) -> Any:
        """E[Y(t) | frequency, recency, T]; with a :class:`cxm.DynamicCovariates` in place
        of ``frequency``, the expected purchases in (T, T + t] given each customer's
        covariates up to T + t (its segments must reach that far)."""
        if isinstance(frequency, DynamicCovariates):
            return self._dynamic(2, frequency, t, "predicted_purchases")
        return super().conditional_expected_number_of_purchases_up_to_time(
            t, frequency, recency, T, purchase_covariates, dropout_covariates)

    def simulate_dynamic(self, data: DynamicCovariates,
                         seed: Optional[int] = None) -> Tuple[DynamicCovariates, Any]:
        """Customers of this model on the segments and T of ``data`` (its purchases are not
        read): a new :class:`cxm.DynamicCovariates` with simulated frequency, recency and
        counts, and a Series saying who is alive at T (1) or not (0)."""
        self._require_params()
        n, segments = len(data), data.ends.size
        x, t_x, counts, alive = (np.empty(n), np.empty(n), np.empty(segments), np.empty(n))
        core.model_dynamic_simulate(self._model, x, t_x, counts, alive, data.T, data.segments,
                                    data.ends, data.purchase.reshape(-1),
                                    data.dropout.reshape(-1), _seed(seed))
        drawn = DynamicCovariates(x, t_x, data.T, data.segments, data.ends, counts,
                                  data.purchase, data.dropout, data.purchase_names,
                                  data.dropout_names, index=data.index)
        return drawn, _pandas().Series(alive, index=data.index, name="alive")


class GGompertzNBDFitter(_PurchaseFitter):
    """GGompertz/NBD (Bemmaor & Glady 2012; CLVTools' ggomnbd).

    While alive a customer buys at rate lambda ~ Gamma(r, alpha); the lifetime is Gompertz
    with survival exp(-eta (e^(b tau) - 1)), eta ~ Gamma(s, beta), so that over customers
    S(tau) = (beta / (beta + e^(b tau) - 1))^s: a dropout rate that rises (or falls) with
    age through b, where the Pareto/NBD's is constant (b -> 0 with beta/b fixed is the
    Pareto/NBD). Fit with ``fit(frequency, recency, T)``, with ``purchase_covariates`` and
    ``dropout_covariates`` as the other fitters (alpha and beta scaled by exp(-effect'z),
    CLVTools' parameterisation). The likelihood's integral is computed by adaptive
    Gauss-Kronrod quadrature to ~1e-14 (docs/models.md section 1.6.2); P(X(t) = n) is not
    available for this model.
    """

    _kind = core.MODEL_GGOMPERTZ_NBD
    _names = ("r", "alpha", "b", "s", "beta")
    _public_names = ("r", "alpha", "b", "s", "beta")


class BetaGeoBetaBinomFitter(_Fitter):
    """BG/BB (Fader, Hardie & Shang 2010): discrete transaction opportunities.

    At each of ``n_periods`` opportunities an alive customer transacts with probability
    p ~ Beta(alpha, beta); before each one an alive customer drops out with probability
    theta ~ Beta(gamma, delta). Data: ``frequency`` (transactions), ``recency`` (the
    opportunity of the last one) and ``n_periods``, usually as patterns with ``weights``.

    The likelihood, P(alive), the conditional expectations, DERT and P(X(n) = x) sum one
    term per opportunity: histories and ``n_periods`` beyond ``MAX_OPPORTUNITIES`` (10**6)
    raise :class:`cxm.DomainError`. Future opportunities of the expectations
    (``m_periods_in_future``, ``n_periods`` of ``expected_number_of_purchases_up_to_time``)
    have closed forms and no limit.
    """

    _kind = core.MODEL_BGBB
    _names = ("alpha", "beta", "gamma", "delta")
    _public_names = ("alpha", "beta", "gamma", "delta")

    def fit(self, frequency: ArrayLike, recency: ArrayLike, n_periods: ArrayLike,
            weights: Optional[ArrayLike] = None, initial_params: Optional[ArrayLike] = None,
            verbose: bool = False, tol: Optional[float] = None, index: Optional[ArrayLike] = None,
            max_iterations: Optional[int] = None, threads: Optional[int] = None,
            **kwargs: Any) -> Self:
        """Fit by maximum likelihood; returns self.

        Rows must have whole numbers with frequency <= recency <= n_periods (and
        recency 0 when frequency is 0); :class:`cxm.InvalidArgumentError` names a bad row.
        """
        max_iterations, verbose = self._fit_keywords(kwargs, max_iterations, verbose)
        x, t_x, n = _columns((frequency, "frequency"), (recency, "recency"),
                             (n_periods, "n_periods"))
        w = _weights(weights, x.size)
        self._fit_options(tol, max_iterations, threads, False)
        warm = self._initial(initial_params)
        with customers_named(frequency, recency, n_periods, weights):
            core.model_fit(self._model, x, t_x, n, w,
                           *self._fit_options(tol, max_iterations, threads, warm))
        self.data = _pandas().DataFrame(
            {"frequency": x, "recency": t_x, "n_periods": n,
             "weights": np.ones_like(x) if weights is None else w}, index=index)
        return self._after_fit(verbose)

    def _alive_next(self, frequency: ArrayLike, recency: ArrayLike, n_periods: ArrayLike) -> Values:
        return _elementwise(lambda dst, x, r, n: core.model_p_alive(dst, self._model, x, r, n),
                            {"frequency": frequency, "recency": recency, "n_periods": n_periods},
                            "p_alive")

    def conditional_probability_alive(self, m_periods_in_future: ArrayLike, frequency: ArrayLike,
                                      recency: ArrayLike, n_periods: ArrayLike) -> Values:
        """P(alive at opportunity n_periods + m_periods_in_future | history) (lifetimes'
        signature). ``m_periods_in_future=1`` is the paper's P(alive in the next period).
        Opportunities (``n_periods``, ``m_periods_in_future``) above ``MAX_OPPORTUNITIES``
        (10**6) raise :class:`cxm.DomainError`."""
        m = as_float_array(m_periods_in_future, "m_periods_in_future", **COUNT)
        n = as_float_array(n_periods, "n_periods", **COUNT)
        if np.any(m > MAX_OPPORTUNITIES):
            raise DomainError(f"m_periods_in_future {np.max(m):.0f} is beyond "
                              f"{MAX_OPPORTUNITIES}, the most opportunities BG/BB supports")
        self._require_params()
        alpha, beta, gamma, delta = self._values()
        alive = np.asarray(self._alive_next(frequency, recency, n_periods), dtype=float)
        lg = np.vectorize(math.lgamma, otypes=[float])
        # Survive m - 1 more opportunities: B(gamma, delta+n+m) / B(gamma, delta+n+1).
        ratio = np.exp(lg(delta + n + m) - lg(delta + n + 1) - lg(gamma + delta + n + m)
                       + lg(gamma + delta + n + 1))
        result = np.minimum(alive * ratio, 1.0)
        return self._like(result, frequency, recency, n_periods, m_periods_in_future)

    @staticmethod
    def _like(result: Any, *inputs: Any) -> Values:
        if np.ndim(result) == 0 or all(np.ndim(v) == 0 for v in inputs):
            return float(np.asarray(result).reshape(-1)[0])
        from ._arrays import _pandas_index
        index = _pandas_index(inputs)
        if index is not None and np.ndim(result) == 1:
            return _pandas().Series(result, index=index[0])
        return result

    def conditional_expected_number_of_purchases_up_to_time(
            self, m_periods_in_future: ArrayLike, frequency: ArrayLike, recency: ArrayLike,
            n_periods: ArrayLike) -> Values:
        """E[X(n, n + m) | history]: expected transactions in the next m opportunities
        (the donations data summed over donors for m=5: 12884.2)."""
        return _elementwise(
            lambda dst, m, x, r, n: core.model_conditional_purchases(dst, self._model, m, x, r, n),
            {"m_periods_in_future": m_periods_in_future, "frequency": frequency,
             "recency": recency, "n_periods": n_periods}, "predicted_purchases")

    def expected_number_of_transactions_in_first_n_periods(self, n: int) -> pd.DataFrame:
        """lifetimes' table: expected number of the fitted customers with each frequency
        x = 0..n over the first n opportunities, P(X(n) = x) times the customers.
        ``n`` above ``MAX_TABLE_PERIODS`` (2000) raises :class:`cxm.DomainError`."""
        n = as_count(n, "n")
        if n > MAX_TABLE_PERIODS:
            raise DomainError(f"n {n} is beyond {MAX_TABLE_PERIODS}, the most periods of this "
                              "table (its work grows like n squared)")
        self._require_params()
        x = np.arange(n + 1, dtype=float)
        probs = np.empty(n + 1)
        core.model_purchase_probability(probs, self._model, x, np.full(n + 1, float(n)))
        customers = float(self.data["weights"].sum()) if hasattr(self, "data") else 1.0
        pd = _pandas()
        return pd.DataFrame({"model": probs * customers},
                            index=pd.Index(x.astype(int), name="frequency"))

    def expected_number_of_purchases_up_to_time(self, n_periods: ArrayLike) -> Values:
        """E[X(n)]: expected transactions of a new customer in the first n opportunities."""
        return _elementwise(lambda dst, n: core.model_expected_purchases(dst, self._model, n),
                            {"n_periods": n_periods}, "expected_purchases")

    def probability_of_n_purchases_up_to_time(self, n_periods: ArrayLike, n: ArrayLike) -> Values:
        """P(X(n_periods) = n) for a new customer; ``n_periods`` up to ``MAX_OPPORTUNITIES``."""
        return _elementwise(
            lambda dst, k, t: core.model_purchase_probability(dst, self._model, k, t),
            {"n": n, "n_periods": n_periods}, "probability")

    def discounted_expected_residual_transactions(self, frequency: ArrayLike, recency: ArrayLike,
                                                  n_periods: ArrayLike, discount: float) -> Values:
        """DERT: the future transactions, the one at opportunity n+j discounted by
        (1 + discount)^-j (Fader, Hardie & Shang 2010). ``log1p(discount)`` below 1e-200
        raises :class:`cxm.DomainError`."""
        rate = math.log1p(as_float(discount, "discount", minimum=0))
        return _elementwise(
            lambda dst, x, r, n: core.model_dert(dst, self._model, rate, x, r, n),
            {"frequency": frequency, "recency": recency, "n_periods": n_periods}, "dert")

    def log_likelihood_of(self, frequency: ArrayLike, recency: ArrayLike, n_periods: ArrayLike,
                          weights: Optional[ArrayLike] = None) -> float:
        """Total log-likelihood of other data at the current parameters."""
        x, t_x, n = _columns((frequency, "frequency"), (recency, "recency"),
                             (n_periods, "n_periods"))
        with customers_named(frequency, recency, n_periods, weights):
            return core.model_log_likelihood_of(self._model, x, t_x, n,
                                                _weights(weights, x.size))

    def generate_new_data(self, n_periods: ArrayLike, seed: Optional[int] = None,
                          size: Optional[int] = None) -> pd.DataFrame:
        """Simulate donors observed for ``n_periods`` opportunities each; a DataFrame of
        frequency, recency, n_periods. The same seed gives the same data everywhere.
        ``n_periods`` up to ``MAX_OPPORTUNITIES`` (:class:`cxm.DomainError` beyond), ``size``
        up to ``cxm.btyd.MAX_SIMULATED`` (:class:`cxm.RangeError` beyond)."""
        n = _flat(n_periods, "n_periods")
        if size is not None:
            n = np.ascontiguousarray(np.broadcast_to(n, (_simulated_size(size),)))
        seed = _seed(seed)
        x, t_x = np.empty(n.size), np.empty(n.size)
        core.model_simulate(self._model, x, t_x, n, seed)
        return _pandas().DataFrame({"frequency": x, "recency": t_x, "n_periods": n})


class ShiftedBetaGeometric(_Fitter):
    """The shifted-beta-geometric model of contractual retention (Fader & Hardie 2007).

    Each subscriber cancels at the end of a period with a constant probability
    theta ~ Beta(alpha, beta), so the retention rate rises with tenure. Fit on a cohort's
    survivor counts (``fit_survivors``) or on individual tenures with right-censoring
    (``fit_durations``); then ``survival``, ``retention``, ``churn_probability``, the
    discounted expected lifetime (DEL) and residual lifetime (DERL) and the value of a
    subscriber. Periods are the contract's (years, months, ...).
    """

    _kind = core.MODEL_SBG
    _names = ("alpha", "beta")
    _public_names = ("alpha", "beta")

    def fit(self, survivors: Optional[ArrayLike] = None, periods: Optional[ArrayLike] = None,
            active: Optional[ArrayLike] = None, weights: Optional[ArrayLike] = None,
            **kwargs: Any) -> Self:
        """``fit(survivors)`` or ``fit(periods=..., active=...)``: see fit_survivors and
        fit_durations."""
        if survivors is not None:
            return self.fit_survivors(survivors, **kwargs)
        if periods is None or active is None:
            raise InvalidArgumentError("give survivor counts, or periods and active")
        return self.fit_durations(periods, active, weights, **kwargs)

    def fit_survivors(self, survivors: ArrayLike, initial_params: Optional[ArrayLike] = None,
                      verbose: bool = False, tol: Optional[float] = None,
                      max_iterations: Optional[int] = None, threads: Optional[int] = None) -> Self:
        """Fit on survivor counts n_0 >= n_1 >= ... (customers still active after
        0, 1, ... periods). Regular cohort of Fader & Hardie (2007), years 0..7:
        alpha=0.704, beta=1.182."""
        counts = _flat(survivors, "survivors", finite=True, minimum=0, empty=False)
        self._fit_options(tol, max_iterations, threads, False)
        warm = self._initial(initial_params)
        core.model_fit_survivors(self._model, counts,
                                 *self._fit_options(tol, max_iterations, threads, warm))
        self.survivors_ = counts
        return self._after_fit(verbose)

    def fit_durations(self, periods: ArrayLike, active: ArrayLike,
                      weights: Optional[ArrayLike] = None,
                      initial_params: Optional[ArrayLike] = None, verbose: bool = False,
                      tol: Optional[float] = None, max_iterations: Optional[int] = None,
                      threads: Optional[int] = None) -> Self:
        """Fit on tenures: ``periods`` a customer has been with you (the period in which they
        cancelled, or the periods observed so far) and ``active`` (1 still subscribed,
        0 cancelled), one per customer or per pattern with ``weights``."""
        p, a = _columns((periods, "periods"), (active, "active"))
        w = _weights(weights, p.size)
        self._fit_options(tol, max_iterations, threads, False)
        warm = self._initial(initial_params)
        with customers_named(periods, active, weights):
            core.model_fit_durations(self._model, p, a, w,
                                     *self._fit_options(tol, max_iterations, threads, warm))
        return self._after_fit(verbose)

    def survival(self, t: ArrayLike) -> Values:
        """S(t): the share of a new cohort still active after t periods."""
        return _elementwise(lambda dst, tt: core.model_survival(dst, self._model, tt), {"t": t},
                            "survival")

    def retention(self, t: ArrayLike) -> Values:
        """r_t = S(t)/S(t-1): the share of those active after t-1 periods who renew again."""
        return _elementwise(lambda dst, tt: core.model_retention(dst, self._model, tt), {"t": t},
                            "retention")

    def churn_probability(self, t: ArrayLike) -> Values:
        """P(T = t): probability that a new customer's tenure is exactly t periods."""
        return _elementwise(lambda dst, tt: core.model_churn_probability(dst, self._model, tt),
                            {"t": t}, "churn_probability")

    def discounted_expected_lifetime(self, discount: float) -> float:
        """DEL = sum_t S(t)/(1+d)^t: the present value, in payments, of a new customer who
        pays at the start of every period while active."""
        return core.model_del(self._model, as_float(discount, "discount", minimum=0))

    def discounted_expected_residual_lifetime(self, discount: float, renewals: ArrayLike) -> Values:
        """DERL of customers who have made ``renewals`` renewals (Fader & Hardie 2010's
        n - 1): the expected discounted number of payments still to come."""
        discount = as_float(discount, "discount", minimum=0)
        return _elementwise(
            lambda dst, k: core.model_derl(dst, self._model, discount, k),
            {"renewals": renewals}, "derl")

    del_ = discounted_expected_lifetime
    derl = discounted_expected_residual_lifetime

    def customer_lifetime_value(self, margin: float, discount: float,
                                renewals: Optional[ArrayLike] = None) -> Values:
        """Value of a subscriber paying ``margin`` per period: margin * DEL for a new one
        (``renewals=None``), margin * DERL for existing ones with the given renewals."""
        margin = as_float(margin, "margin")
        discount = as_float(discount, "discount", minimum=0)
        if renewals is None:
            return margin * self.discounted_expected_lifetime(discount)
        return _elementwise(
            lambda dst, k: core.model_subscription_value(dst, self._model, margin, discount, k),
            {"renewals": renewals}, "value")

    def projection(self, periods: int, cohort: float = 1000.0) -> pd.DataFrame:
        """A DataFrame indexed by t = 0..periods: survival, expected survivors of a cohort,
        retention rate (from t = 1) and the probability of cancelling in period t."""
        cohort = as_float(cohort, "cohort", minimum=0)
        t = np.arange(as_count(periods, "periods") + 1, dtype=float)
        surv = self.survival(t)
        retention = np.full(t.size, np.nan)
        churn = np.full(t.size, np.nan)
        if t.size > 1:
            retention[1:] = self.retention(t[1:])
            churn[1:] = self.churn_probability(t[1:])
        pd = _pandas()
        return pd.DataFrame({"survival": surv, "survivors": surv * cohort,
                             "retention": retention, "churn_probability": churn},
                            index=pd.Index(t.astype(int), name="t"))


btyd._FITTERS.update({core.MODEL_PARETO_NBD: ParetoNBDFitter,
                      core.MODEL_GGOMPERTZ_NBD: GGompertzNBDFitter,
                      core.MODEL_PARETO_NBD_COR: ParetoNBDFitter,
                      core.MODEL_BGBB: BetaGeoBetaBinomFitter,
                      core.MODEL_SBG: ShiftedBetaGeometric})
