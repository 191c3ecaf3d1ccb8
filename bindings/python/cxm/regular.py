"""Models for regular buyers: BG/CNBD-k and MBG/CNBD-k (Platzer & Reutterer 2016,
"Ticking away the moments: timing regularity helps to better predict customer
activity", Marketing Science 35(5)), with BTYDplus's estimateRegularity.

    from cxm import MBGCNBDFitter, estimate_regularity

    k_hat = estimate_regularity(transactions, "customer_id", "date")   # Wheat & Morrison
    summary = summary_data_from_transaction_data(transactions, "customer_id", "date",
                                                 freq="D", freq_multiplier=7)
    summary["litt"] = litt_from_transaction_data(transactions, "customer_id", "date",
                                                 freq_multiplier=7)
    m = MBGCNBDFitter().fit(summary["frequency"], summary["recency"], summary["T"],
                            summary["litt"])                           # k chosen by likelihood
    m.k_, m.params_
    m.conditional_probability_alive(f, r, T)
    m.conditional_expected_number_of_purchases_up_to_time(52, f, r, T)

BG/NBD (MBG/NBD) with Erlang-k inter-purchase times: ``litt`` is each
customer's sum of the logarithms of its inter-purchase times (BTYDplus's
cbs column; 0 without repeat purchases). ``k=None`` fits k = 1, 2, ..., 12
and keeps the best likelihood, as BTYDplus's mbgcnbd.EstimateParameters; an
integer fixes it. k = 1 is BG/NBD (MBG/NBD). P(alive), E[X(t)] and
E[Y(t) | x, t_x, T] need only frequency, recency and T. See docs/models.md
section 1.12.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Optional, Tuple, Union

import numpy as np
from numpy.typing import ArrayLike

from . import core
from . import btyd
from ._arrays import FloatArray, as_count, customers_named
from ._errors import ArgumentTypeError, InvalidArgumentError
from .btyd import _columns, _flat, _pandas, _weights

if TYPE_CHECKING:
    from typing import Self

    import pandas as pd

__all__ = ["BGCNBDFitter", "MBGCNBDFitter", "estimate_regularity", "litt_from_transaction_data"]

MAX_REGULARITY = core.MAX_REGULARITY


def _litt(value: ArrayLike, n: int) -> FloatArray:
    arr = _flat(value, "litt")
    if arr.size not in (1, n):
        raise InvalidArgumentError(f"litt has {arr.size} elements where frequency has {n}")
    return np.ascontiguousarray(np.broadcast_to(arr, (n,)), dtype=float)


class _RegularFitter(btyd._PurchaseFitter):
    """(M)BG/CNBD-k: BG/NBD's parameters plus the regularity k."""

    _names: ClassVar[Tuple[str, ...]] = ("r", "alpha", "a", "b", "k")
    _public_names: ClassVar[Tuple[str, ...]] = ("r", "alpha", "a", "b", "k")

    def fit(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike,  # type: ignore[override]
            litt: ArrayLike, k: Optional[int] = None, weights: Optional[ArrayLike] = None,
            verbose: bool = False, tol: Optional[float] = None,
            index: Optional[ArrayLike] = None, max_iterations: Optional[int] = None,
            threads: Optional[int] = None, **kwargs: Any) -> Self:
        """Fit r, alpha, a, b by maximum likelihood at the regularity ``k`` (a whole number
        from 1 to ``MAX_REGULARITY``), or with ``k=None`` choose k by likelihood among
        1..12 (stopping once the likelihood has fallen twice in a row). ``litt``: each
        customer's sum of log inter-purchase times. Returns self; ``k_`` is the k used.
        Raises :class:`cxm.InvalidArgumentError` naming the row for bad data (e.g. a
        ``litt`` above frequency·log(recency/frequency)) and
        :class:`cxm.ConvergenceError` when no fit converges."""
        max_iterations, verbose = self._fit_keywords(kwargs, max_iterations, verbose)
        x, t_x, big_t = _columns((frequency, "frequency"), (recency, "recency"), (T, "T"))
        ell = _litt(litt, x.size)
        w = _weights(weights, x.size)
        if k is not None and (isinstance(k, bool) or not isinstance(k, (int, np.integer))):
            raise ArgumentTypeError(f"k must be a whole number or None, got {k!r}")
        core.model_set_regularity(self._model, 0 if k is None else
                                  as_count(k, "k", minimum=1))
        with customers_named(frequency, recency, T, weights):
            core.model_fit_regular(self._model, x, t_x, big_t, ell, w,
                                   *self._fit_options(tol, max_iterations, threads, False))
        self.data = _pandas().DataFrame({"frequency": x, "recency": t_x, "T": big_t,
                                         "litt": ell,
                                         "weights": np.ones_like(x) if weights is None else w},
                                        index=index)
        return self._after_fit(verbose)

    @property
    def k_(self) -> int:
        """The regularity of the parameters (fitted or set)."""
        self._require_params()
        return int(self._values()[4])

    def log_likelihood_of(self, frequency: ArrayLike, recency: ArrayLike,  # type: ignore[override]
                          T: ArrayLike, litt: ArrayLike,
                          weights: Optional[ArrayLike] = None) -> float:
        """Total log-likelihood of other data at the current parameters."""
        x, t_x, big_t = _columns((frequency, "frequency"), (recency, "recency"), (T, "T"))
        with customers_named(frequency, recency, T, weights):
            return float(core.model_log_likelihood_regular(
                self._model, x, t_x, big_t, _litt(litt, x.size), _weights(weights, x.size)))

    def generate_new_data(self, T: ArrayLike, seed: Optional[int] = None,
                          size: Optional[int] = None, transactions: bool = False
                          ) -> Union[pd.DataFrame, Tuple[pd.DataFrame, pd.DataFrame]]:
        """As BetaGeoFitter's, with the ``litt`` column of each simulated customer."""
        customers, times = btyd._PurchaseFitter.generate_new_data(
            self, T, seed=seed, size=size, transactions=True)
        gaps = np.diff(times["time"].to_numpy(), prepend=0.0)
        first = np.r_[True, times["customer"].to_numpy()[1:] != times["customer"].to_numpy()[:-1]]
        gaps[first] = times["time"].to_numpy()[first]
        logs = np.zeros(len(customers))
        np.add.at(logs, times["customer"].to_numpy(), np.log(gaps))
        customers["litt"] = logs
        return (customers, times) if transactions else customers


class BGCNBDFitter(_RegularFitter):
    """BG/CNBD-k (Platzer & Reutterer 2016): BG/NBD with Erlang-k inter-purchase times.

    Ticks follow a Poisson process with rate lambda ~ Gamma(r, alpha), every k-th tick is
    a purchase; after each purchase a customer drops out with probability
    p ~ Beta(a, b)."""

    _kind = core.MODEL_BGCNBD


class MBGCNBDFitter(_RegularFitter):
    """MBG/CNBD-k (Platzer & Reutterer 2016): as BG/CNBD-k, but a customer may also drop
    out right after the first purchase (MBG/NBD's)."""

    _kind = core.MODEL_MBGCNBD


btyd._FITTERS.update({core.MODEL_BGCNBD: BGCNBDFitter, core.MODEL_MBGCNBD: MBGCNBDFitter})


def estimate_regularity(transactions: Any, customer_id_col: Optional[str] = None,
                        datetime_col: Optional[str] = None, *,
                        customer: Optional[ArrayLike] = None,
                        time: Optional[ArrayLike] = None) -> float:
    """Wheat & Morrison's (1990) estimate of the regularity k from each customer's last
    two inter-purchase times (BTYDplus's estimateRegularity(method="wheat"), without its
    random choice: the variance is taken about the known mean 1/2).

    Give a DataFrame with its customer and time column names (times numeric or
    datetimes, the latter in days), or ``customer=`` and ``time=`` arrays with
    ``transactions=None``. Customers with fewer than three distinct purchase times do not
    count. Raises :class:`cxm.DomainError` when fewer than two customers count."""
    if transactions is not None:
        if customer_id_col is None or datetime_col is None:
            raise InvalidArgumentError("give customer_id_col and datetime_col with a "
                                       "transactions DataFrame")
        customer = transactions[customer_id_col]
        time = transactions[datetime_col]
    if customer is None or time is None:
        raise InvalidArgumentError("give a transactions DataFrame or customer= and time=")
    pd = _pandas()
    codes, _ = pd.factorize(pd.Series(np.asarray(customer)), sort=False)
    t_series = pd.Series(np.asarray(time))
    if pd.api.types.is_datetime64_any_dtype(t_series):
        t = (t_series - t_series.min()).dt.total_seconds().to_numpy() / 86400.0
    else:
        t = _flat(t_series.to_numpy(), "time")
    estimate, _used = core.estimate_regularity(codes.astype(float), np.ascontiguousarray(t,
                                                                                         dtype=float))
    return float(estimate)



def litt_from_transaction_data(transactions: pd.DataFrame, customer_id_col: Any,
                               datetime_col: Any, observation_period_end: Any = None,
                               freq_multiplier: float = 1) -> pd.Series:
    """Each customer's sum of log inter-purchase times, the ``litt`` column of the
    (M)BG/CNBD-k fitters, to go with ``summary_data_from_transaction_data(..., freq="D",
    freq_multiplier=m)``: datetimes count in whole days (numbers as they are) divided by
    ``freq_multiplier``, purchases on one day are one purchase, and only purchases up to
    ``observation_period_end`` (default: the last) count. A Series indexed by customer
    (0 for customers without a repeat purchase)."""
    pd_ = _pandas()
    frame = pd_.DataFrame({"c": transactions[customer_id_col].to_numpy(),
                           "t": transactions[datetime_col].to_numpy()})
    if pd_.api.types.is_datetime64_any_dtype(frame["t"]):
        end = None if observation_period_end is None else pd_.Timestamp(observation_period_end)
        if end is not None:
            frame = frame[frame["t"] <= end]
        days = frame["t"].dt.floor("D").to_numpy().astype("datetime64[D]").astype(np.int64)
        frame = frame.assign(t=days.astype(float))
    else:
        frame = frame.assign(t=_flat(frame["t"].to_numpy(), "times"))
        if observation_period_end is not None:
            frame = frame[frame["t"] <= float(observation_period_end)]
    scale = float(freq_multiplier)
    if not (scale > 0 and np.isfinite(scale)):
        raise InvalidArgumentError(f"freq_multiplier must be a number > 0, got {freq_multiplier!r}")
    frame = frame.drop_duplicates().sort_values(["c", "t"])
    gaps = frame.groupby("c", sort=False)["t"].diff() / scale
    logs = np.log(gaps.to_numpy(dtype=float))
    logs[np.isnan(logs)] = 0.0
    result = pd_.Series(logs, index=frame["c"].to_numpy()).groupby(level=0).sum()
    result.index.name = customer_id_col
    return result.rename("litt")
