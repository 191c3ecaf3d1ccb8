"""lifetimes.utils' names, so that ``from lifetimes.utils import ...`` becomes
``from cxm.utils import ...``::

    from cxm.utils import (summary_data_from_transaction_data, calibration_and_holdout_data,
                           expected_cumulative_transactions, calculate_alive_path)

    tracking = expected_cumulative_transactions(bgf, log, "date", "id", t=546, freq="D",
                                                freq_multiplier=7)   # 78 weeks
    tracking["actual"], tracking["predicted"]
    calculate_alive_path(bgf, log[log["id"] == 35], "date", t=200)  # P(alive) day by day

The summaries are :mod:`cxm.rfm`'s; the expectations come from the fitted
model (the library's closed forms), never from simulation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Hashable, Optional, Tuple

import numpy as np
from numpy.typing import NDArray

from ._arrays import as_count
from ._errors import ArgumentTypeError, InvalidArgumentError, ParseError
from .rfm import summary_data_from_transaction_data, calibration_and_holdout_data

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["summary_data_from_transaction_data", "calibration_and_holdout_data",
           "expected_cumulative_transactions", "calculate_alive_path"]


def _column(transactions: pd.DataFrame, name: Hashable, role: str) -> pd.Series:
    try:
        return transactions[name]
    except (KeyError, IndexError, TypeError):
        raise InvalidArgumentError(f"transactions has no column {name!r} ({role})") from None


def _period_numbers(transactions: pd.DataFrame, datetime_col: Hashable,
                    datetime_format: Optional[str], freq: str) -> Tuple[NDArray[Any], Any]:
    """Each transaction's period (of ``freq``) counted from the first one's: 0, 1, ...

    Periods, not elapsed time: as lifetimes, two purchases on one day are one
    purchase with freq="D", and the weeks of freq="W" are calendar weeks."""
    import pandas as pd
    values = _column(transactions, datetime_col, "datetime_col")
    if len(values) == 0:
        raise InvalidArgumentError("transactions is empty: give at least one purchase")
    try:
        dates = pd.to_datetime(values, format=datetime_format)
    except (ValueError, TypeError) as error:
        raise ParseError(f"column {datetime_col!r}: {error}") from None
    missing = np.flatnonzero(pd.isna(np.asarray(dates)))
    if missing.size:
        raise ParseError(f"column {datetime_col!r}, row {missing[0]}: no date")
    try:
        ordinals = pd.PeriodIndex(pd.DatetimeIndex(dates).to_period(freq)).asi8
    except (ValueError, TypeError) as error:
        raise InvalidArgumentError(f"freq {freq!r}: {error}") from None
    start = pd.Period(pd.DatetimeIndex(dates).min(), freq=freq)
    return ordinals - ordinals.min(), start


def _model_method(model: Any, name: str, function: str) -> Callable[..., Any]:
    method = getattr(model, name, None)
    if method is None:
        raise ArgumentTypeError(f"{function} needs a fitted model with {name}() (BetaGeoFitter, "
                                f"ModifiedBetaGeoFitter, ParetoNBDFitter), got "
                                f"{type(model).__name__}")
    return method


def expected_cumulative_transactions(model: Any, transactions: pd.DataFrame,
                                     datetime_col: Hashable, customer_id_col: Hashable, t: int,
                                     datetime_format: Optional[str] = None, freq: str = "D",
                                     set_index_date: bool = False,
                                     freq_multiplier: int = 1) -> pd.DataFrame:
    """Actual and expected cumulative repeat purchases of the cohort (lifetimes' tracking).

    ``t`` periods of ``freq`` from the first purchase in ``transactions``, reported
    every ``freq_multiplier`` periods (freq="D", freq_multiplier=7 for a model fitted in
    weeks): a DataFrame with ``t // freq_multiplier`` rows and columns ``actual`` and
    ``predicted``, indexed 0, 1, ... or, with ``set_index_date``, by the last period of
    each row. Row j counts the repeat purchases (a customer's periods with a purchase
    after the first one) before period (j+1)·freq_multiplier; ``predicted`` is
    Σ E[X((j+1) − first/freq_multiplier)] over the customers who made their first
    purchase before then, E[X] from ``model`` (cxm_model_tracking).
    """
    import pandas as pd
    t = as_count(t, "t")
    freq_multiplier = as_count(freq_multiplier, "freq_multiplier", minimum=1)
    rows = t // freq_multiplier
    if rows == 0:
        raise InvalidArgumentError(f"t {t} is less than freq_multiplier {freq_multiplier}: "
                                   "no period to report")
    tracking = _model_method(model, "expected_cumulative_transactions",
                             "expected_cumulative_transactions")
    period, start = _period_numbers(transactions, datetime_col, datetime_format, freq)
    ids = _column(transactions, customer_id_col, "customer_id_col")
    missing = np.flatnonzero(pd.isna(np.asarray(ids)))
    if missing.size:
        raise InvalidArgumentError(f"column {customer_id_col!r}, row {missing[0]}: "
                                   "no customer id")
    purchases = pd.DataFrame({"id": np.asarray(ids), "period": period}).drop_duplicates()
    first = purchases.groupby("id", sort=False)["period"].transform("min")
    repeats = np.sort(purchases.loc[purchases["period"] > first, "period"].to_numpy())
    births = purchases.groupby("id", sort=False)["period"].min().to_numpy(dtype=float)
    ends = freq_multiplier * np.arange(1, rows + 1)
    actual = np.searchsorted(repeats, ends, side="left").astype(np.int64)
    predicted = np.asarray(tracking(births / freq_multiplier, ends / freq_multiplier),
                           dtype=float)
    if set_index_date:
        index = pd.period_range(start, periods=t + 1, freq=freq)[ends - 1]
    else:
        index = pd.RangeIndex(rows)
    return pd.DataFrame({"actual": actual, "predicted": predicted}, index=index)


def calculate_alive_path(model: Any, transactions: pd.DataFrame, datetime_col: Hashable, t: int,
                         freq: str = "D") -> pd.Series:
    """P(alive) of one customer at the end of each period since their first purchase.

    ``transactions`` holds the customer's purchases; returns a Series indexed 0, 1, ...
    (the customer's age T in periods of ``freq``) over max(t + 1, periods seen) periods:
    P(alive | frequency, recency, T) with frequency the periods with a purchase after
    the first one up to T and recency the age at the last of them.
    """
    import pandas as pd
    t = as_count(t, "t")
    p_alive = _model_method(model, "conditional_probability_alive", "calculate_alive_path")
    period, _ = _period_numbers(transactions, datetime_col, None, freq)
    n = max(t + 1, int(period.max()) + 1)
    bought = np.zeros(n, dtype=bool)
    bought[period] = True
    age = np.arange(n, dtype=float)
    frequency = np.cumsum(bought) - 1.0
    recency = np.maximum.accumulate(np.where(bought, age, 0.0))
    return pd.Series(np.asarray(p_alive(frequency, recency, age), dtype=float))
