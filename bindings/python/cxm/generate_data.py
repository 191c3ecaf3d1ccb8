"""Synthetic customers from the buy-till-you-die models, with lifetimes' names.

    from cxm.generate_data import beta_geometric_nbd_model
    df = beta_geometric_nbd_model(39, r=0.243, alpha=4.414, a=0.793, b=2.426, size=10000,
                                  seed=1)
    df.columns    # frequency, recency, T, lambda, p, alive (index customer_id)

Each generator draws with libcxm's simulator (C, one independent random
stream per customer): ``frequency``, ``recency`` and ``T`` are what the
model's fitters take, and the hidden columns (``lambda``, ``p``, ``mu``,
``theta``, ``alive``) are the customer's own latent values, so a fit can be
checked against the truth. ``seed`` is a whole number (the same customers on
every platform), a ``numpy.random.Generator`` (a seed is drawn from it) or
None (fresh entropy).

Differences from lifetimes, on purpose:

- ``frequency`` is the number of repeat purchases the model draws and
  ``recency`` the exact time of the last one; lifetimes counts the distinct
  whole time units of purchases, which is not what the models' likelihoods
  are about.
- ``beta_geometric_nbd_model_transactional_data`` puts the first purchase
  ``T`` time units before ``observation_period_end`` and repeat purchases at
  the first one plus the simulated times (lifetimes adds one time unit to
  each repeat purchase).
- ``alive`` is 1.0 or 0.0 (a float column, as lifetimes returns it): alive at
  ``T`` for the continuous-time models, at opportunity ``n_periods + 1`` for
  BG/BB (the opportunity its P(alive) is about).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Optional, Sequence, Tuple, Union

import numpy as np
from numpy.typing import ArrayLike

from . import core
from ._arrays import as_float_array, _describe
from ._errors import InvalidArgumentError, RangeError
from .btyd import (BetaGeoFitter, ModifiedBetaGeoFitter, MAX_SIMULATED, _pandas, _seed,
                   _simulated_size)
from .ltv2 import BetaGeoBetaBinomFitter, ParetoNBDFitter
from ._arrays import FloatArray

if TYPE_CHECKING:
    import pandas as pd

    from .btyd import _Fitter

# A seed: an int, a numpy Generator or RandomState to draw one from, or None (random).
Seed = Union[int, np.random.Generator, np.random.RandomState, None]

__all__ = ["beta_geometric_nbd_model", "beta_geometric_nbd_model_transactional_data",
           "pareto_nbd_model", "modified_beta_geometric_nbd_model",
           "beta_geometric_beta_binom_model"]


def _seed_of(seed: Seed) -> int:
    """A 64-bit seed for the C simulator from an int, a numpy Generator or None."""
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(0, 2**64, dtype=np.uint64))
    if isinstance(seed, np.random.RandomState):
        return int(seed.randint(0, 2**63, dtype=np.int64))
    return _seed(seed)


def _lengths(T: ArrayLike, size: int, name: str, whole: bool = False) -> FloatArray:
    """The observation lengths: a number repeated ``size`` times, or one per customer
    (an array of length n with size 1 or n)."""
    checks: Dict[str, Any]
    checks = {"whole": True, "minimum": 0} if whole else {"finite": True, "minimum": 0}
    values = as_float_array(T, name, **checks)
    size = _simulated_size(size)
    if np.ndim(T) == 0:
        return np.full(size, float(values.reshape(-1)[0]))
    values = np.ascontiguousarray(values, dtype=float).reshape(-1)
    if size not in (1, values.size):
        raise InvalidArgumentError(f"{name} has {values.size} values but size is {size}: give "
                                   "one value, or one per customer")
    _simulated_size(values.size, name)
    return values


def _simulate(fitter: _Fitter, lengths: FloatArray,
              seed: Seed) -> Tuple[int, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """x, t_x and the latent (purchase, dropout, alive) columns of the customers."""
    seed = _seed_of(seed)
    n = lengths.size
    x, t_x = np.empty(n), np.empty(n)
    core.model_simulate(fitter._model, x, t_x, lengths, seed)
    first, second, alive = np.empty(n), np.empty(n), np.empty(n)
    core.model_simulate_latent(fitter._model, first, second, alive, lengths, seed)
    return seed, x, t_x, first, second, alive


def _customers(fitter: _Fitter, T: ArrayLike, size: int, seed: Seed,
               names: Sequence[str]) -> pd.DataFrame:
    lengths = _lengths(T, size, "T")
    _, x, t_x, first, second, alive = _simulate(fitter, lengths, seed)
    pd = _pandas()
    return pd.DataFrame({"frequency": x, "recency": t_x, "T": lengths, names[0]: first,
                         names[1]: second, "alive": alive},
                        index=pd.RangeIndex(lengths.size, name="customer_id"))


def beta_geometric_nbd_model(T: ArrayLike, r: float, alpha: float, a: float, b: float,
                             size: int = 1, seed: Seed = None) -> pd.DataFrame:
    """Customers of a BG/NBD (Fader, Hardie & Lee 2005) observed for ``T`` time units after
    their first purchase: a DataFrame indexed by customer_id with frequency, recency, T and
    the hidden lambda (purchase rate), p (dropout probability after each purchase) and
    alive (at T). ``T`` is a number (``size`` customers) or one value per customer."""
    fitter = BetaGeoFitter().set_params(r=r, alpha=alpha, a=a, b=b)
    return _customers(fitter, T, size, seed, ("lambda", "p"))


def modified_beta_geometric_nbd_model(T: ArrayLike, r: float, alpha: float, a: float, b: float,
                                      size: int = 1, seed: Seed = None) -> pd.DataFrame:
    """Customers of an MBG/NBD (Batislam, Denizel & Filiztekin 2007): as
    beta_geometric_nbd_model, but a customer may also drop out right after the first
    purchase."""
    fitter = ModifiedBetaGeoFitter().set_params(r=r, alpha=alpha, a=a, b=b)
    return _customers(fitter, T, size, seed, ("lambda", "p"))


def pareto_nbd_model(T: ArrayLike, r: float, alpha: float, s: float, beta: float, size: int = 1,
                     seed: Seed = None) -> pd.DataFrame:
    """Customers of a Pareto/NBD (Schmittlein, Morrison & Colombo 1987): a DataFrame
    indexed by customer_id with frequency, recency, T and the hidden lambda (purchase
    rate), mu (dropout rate) and alive (lifetime longer than T)."""
    fitter = ParetoNBDFitter().set_params(r=r, alpha=alpha, s=s, beta=beta)
    return _customers(fitter, T, size, seed, ("lambda", "mu"))


def beta_geometric_beta_binom_model(N: ArrayLike, alpha: float, beta: float, gamma: float,
                                    delta: float, size: int = 1,
                                    seed: Seed = None) -> pd.DataFrame:
    """Customers of a BG/BB (Fader, Hardie & Shang 2010) observed for ``N`` transaction
    opportunities (a whole number, or one per customer, up to 10**6): a DataFrame with
    frequency, recency, n_periods, the hidden p (transaction probability) and theta
    (dropout probability), alive (at opportunity N + 1) and customer_id, as lifetimes
    returns it (customer_id a column, not the index)."""
    fitter = BetaGeoBetaBinomFitter().set_params(alpha=alpha, beta=beta, gamma=gamma,
                                                 delta=delta)
    lengths = _lengths(N, size, "N", whole=True)
    _, x, t_x, p, theta, alive = _simulate(fitter, lengths, seed)
    return _pandas().DataFrame({"frequency": x, "recency": t_x, "n_periods": lengths, "p": p,
                                "theta": theta, "alive": alive,
                                "customer_id": np.arange(lengths.size)})


def beta_geometric_nbd_model_transactional_data(T: ArrayLike, r: float, alpha: float, a: float,
                                                b: float, observation_period_end: Any = "2019-1-1",
                                                freq: str = "D", size: int = 1,
                                                seed: Seed = None) -> pd.DataFrame:
    """A transaction log of BG/NBD customers: a DataFrame of customer_id and date, one row
    per purchase (the first one included), ordered by customer and date. Customer i's first
    purchase is ``T[i]`` units of ``freq`` ('D' days, 'W' weeks, 'h' hours, ...) before
    ``observation_period_end``; summarising the log at that date gives back the customers'
    frequency, recency and T (up to the resolution of the dates). At most
    ``cxm.btyd.MAX_SIMULATED`` purchases (:class:`cxm.RangeError` beyond)."""
    pd = _pandas()
    try:
        end = pd.Timestamp(observation_period_end)
        unit = pd.Timedelta(1, unit=freq)
    except (TypeError, ValueError) as exc:
        raise InvalidArgumentError(f"observation_period_end {_describe(observation_period_end)}"
                                   f" and freq {freq!r} must be a date and a time unit: {exc}")
    if pd.isna(end):
        raise InvalidArgumentError("observation_period_end must be a date, not NaT")
    fitter = BetaGeoFitter().set_params(r=r, alpha=alpha, a=a, b=b)
    lengths = _lengths(T, size, "T")
    seed, x, _, _, _, _ = _simulate(fitter, lengths, seed)
    total = float(x.sum())
    if total + lengths.size > MAX_SIMULATED:
        raise RangeError(f"the customers make {total:.0f} repeat purchases, beyond "
                         f"{MAX_SIMULATED}, the most a transaction log holds: simulate fewer "
                         "customers or shorter T")
    times = np.empty(int(total))
    core.model_simulate_times(fitter._model, times, lengths, seed)
    # Each customer's first purchase (time 0) then their repeat purchases.
    counts = x.astype(np.int64) + 1
    starts = np.cumsum(counts) - counts
    offsets = np.zeros(int(counts.sum()))
    repeat = np.ones(offsets.size, dtype=bool)
    repeat[starts] = False
    offsets[repeat] = times
    who = np.repeat(np.arange(lengths.size), counts)
    first = np.repeat(lengths, counts)
    try:
        dates = end - pd.to_timedelta((first - offsets) * (unit / pd.Timedelta(1, unit="ns")),
                                      unit="ns")
    except (OverflowError, ValueError) as exc:
        raise RangeError(f"T of {float(lengths.max()):g} {freq} before {end} is beyond the "
                         f"dates pandas holds: {exc}")
    return pd.DataFrame({"customer_id": who, "date": dates})
