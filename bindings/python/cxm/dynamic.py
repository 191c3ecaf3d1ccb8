"""Time-varying covariates for the Pareto/NBD (Bachmann, Meierer & Näf 2021).

    from cxm import ParetoNBDFitter, DynamicCovariates

    data = DynamicCovariates.from_transactions(
        transactions, covariates, "customer", "date", period_col="week",
        purchase_covariates=["marketing"], dropout_covariates=["marketing"],
        observation_period_end="2024-12-30", period="7D", freq="W",
        until="2025-06-30")                     # covariates given up to here
    pnbd = ParetoNBDFitter().fit_dynamic(data)
    pnbd.conditional_probability_alive(data)
    pnbd.conditional_expected_number_of_purchases_up_to_time(26, data)

A customer buys at rate lambda·exp(g_p'x(t)) and drops out at rate
mu·exp(g_d'z(t)) with covariates constant over calendar periods
(docs/models.md section 1.13). :class:`DynamicCovariates` holds what the
library needs: each customer's periods cut at its first purchase, in its own
time (0 = first purchase), with the number of repeat purchases in each. The
maths is libcxm's (lib/clv/dyncov.c).
"""

from __future__ import annotations

from typing import Any, List, Optional, Sequence, Tuple

import numpy as np

from ._arrays import FloatArray, as_float_array, as_vector
from ._errors import InvalidArgumentError

__all__ = ["DynamicCovariates"]


def _unit(freq: str, multiplier: float) -> Any:
    """The model's time unit as a pandas Timedelta ('D', 'W', 'h', ...)."""
    import pandas as pd
    try:
        unit = pd.Timedelta(1, unit=freq) * float(multiplier)
    except (ValueError, TypeError):
        raise InvalidArgumentError(f"freq {freq!r} is not a fixed length of time (use 'D', "
                                   "'W' or 'h' with freq_multiplier)") from None
    if not unit > pd.Timedelta(0):
        raise InvalidArgumentError("freq_multiplier must be > 0")
    return unit


class DynamicCovariates:
    """Customers with covariates that change over time, ready for
    ``ParetoNBDFitter.fit_dynamic`` and its predictions.

    Per customer (``index``): ``frequency`` (repeat purchases), ``recency`` (t_x) and
    ``T``; per segment of a customer's time, in customer order: ``ends`` (its end in the
    customer's time), ``counts`` (repeat purchases in it), one row of ``purchase`` and of
    ``dropout`` covariates; ``segments`` says how many segments each customer has. The
    segments must reach T (and T + t for predictions over t).
    """

    def __init__(self, frequency: Any, recency: Any, T: Any, segments: Any, ends: Any,
                 counts: Any, purchase: Any = None, dropout: Any = None,
                 purchase_names: Sequence[str] = (), dropout_names: Sequence[str] = (),
                 index: Any = None) -> None:
        self.frequency = as_vector(frequency, "frequency", finite=True)
        self.recency = as_vector(recency, "recency", finite=True)
        self.T = as_vector(T, "T", finite=True)
        self.segments = as_vector(segments, "segments", finite=True)
        self.ends = as_vector(ends, "ends", finite=True)
        self.counts = as_vector(counts, "counts", finite=True)
        self.purchase_names: List[str] = [str(n) for n in purchase_names]
        self.dropout_names: List[str] = [str(n) for n in dropout_names]
        self.purchase = self._matrix(purchase, "purchase", len(self.purchase_names))
        self.dropout = self._matrix(dropout, "dropout", len(self.dropout_names))
        n = self.frequency.size
        for name in ("recency", "T", "segments"):
            if getattr(self, name).size != n:
                raise InvalidArgumentError(f"{name} has {getattr(self, name).size} values "
                                           f"for {n} customers")
        if self.counts.size != self.ends.size:
            raise InvalidArgumentError(f"counts has {self.counts.size} values for "
                                       f"{self.ends.size} segments")
        import pandas as pd
        self.index = pd.RangeIndex(n, name="customer") if index is None else pd.Index(index)

    def _matrix(self, value: Any, name: str, k: int) -> FloatArray:
        rows = self.ends.size
        if value is None:
            value = np.empty((rows, 0))
        matrix = as_float_array(value, name).reshape(rows, -1) if rows else np.empty((0, k))
        if matrix.shape[1] != k:
            raise InvalidArgumentError(f"{name} has {matrix.shape[1]} columns for {k} "
                                       "covariate names")
        return np.ascontiguousarray(matrix, dtype=float)

    def __len__(self) -> int:
        return int(self.frequency.size)

    def __repr__(self) -> str:
        return (f"DynamicCovariates({len(self)} customers, {self.ends.size} segments, "
                f"purchase {self.purchase_names}, dropout {self.dropout_names})")

    def arrays(self) -> Tuple[FloatArray, ...]:
        """The flat arrays of the library's adapters: x, t_x, T, segments per customer,
        ends, counts, purchase and dropout covariates (row-major)."""
        return (self.frequency, self.recency, self.T, self.segments, self.ends, self.counts,
                self.purchase.reshape(-1), self.dropout.reshape(-1))

    @classmethod
    def from_transactions(cls, transactions: Any, covariates: Any, customer_id_col: str,
                          datetime_col: str, period_col: str = "period",
                          purchase_covariates: Sequence[str] = (),
                          dropout_covariates: Sequence[str] = (),
                          observation_period_end: Any = None, period: Any = "7D",
                          freq: str = "D", freq_multiplier: float = 1.0,
                          until: Any = None) -> "DynamicCovariates":
        """Build the segments from a transaction log and a covariate table, as CLVTools'
        ``SetDynamicCovariates`` does.

        ``transactions``: one row per purchase (``customer_id_col``, ``datetime_col``);
        purchases on the same day count once, the first day is the first purchase, and
        purchases after ``observation_period_end`` (default: the last date) are left out.
        ``covariates``: one row per customer and period (``customer_id_col``, ``period_col``
        the period's first day, then the covariate columns); without a
        ``customer_id_col`` column, the same covariates for every customer. Each row holds
        for ``period`` (a pandas Timedelta or its text, default a week) from its start; a
        customer's periods must follow each other without gaps from the one holding its
        first purchase to ``until`` (default: ``observation_period_end``; later for
        predictions). Times are in units of ``freq`` times ``freq_multiplier`` from each
        customer's first purchase, as ``summary_data_from_transaction_data``'s.
        """
        import pandas as pd
        unit = _unit(freq, freq_multiplier)
        length = pd.Timedelta(period)
        if not length > pd.Timedelta(0):
            raise InvalidArgumentError(f"period {period!r} must be a positive length of time")
        names = list(dict.fromkeys([*purchase_covariates, *dropout_covariates]))
        for column in [period_col, *names]:
            if column not in covariates.columns:
                raise InvalidArgumentError(f"covariates has no column {column!r}")
        tx = pd.DataFrame({"id": transactions[customer_id_col].to_numpy(),
                           "day": pd.to_datetime(transactions[datetime_col]).dt.floor("D")})
        end = (tx["day"].max() if observation_period_end is None
               else pd.Timestamp(observation_period_end))
        stop = end if until is None else pd.Timestamp(until)
        if stop < end:
            raise InvalidArgumentError(f"until {stop} is before observation_period_end {end}")
        tx = tx[tx["day"] <= end].drop_duplicates()
        if tx.empty:
            raise InvalidArgumentError("no transactions on or before observation_period_end")
        first = tx.groupby("id")["day"].min()
        ids = first.index
        summary = pd.DataFrame({"first": first, "last": tx.groupby("id")["day"].max(),
                                "x": tx.groupby("id").size() - 1.0})
        summary["T"] = (end - summary["first"]) / unit
        summary["t_x"] = (summary["last"] - summary["first"]) / unit
        summary["until"] = (stop - summary["first"]) / unit
        table = cls._periods(covariates, customer_id_col, period_col, names, ids)
        table = table.merge(summary[["first", "until"]], left_on="id", right_index=True)
        table["start_t"] = (table["start"] - table["first"]) / unit
        table["end_t"] = (table["start"] + length - table["first"]) / unit
        table = table[(table["end_t"] > 0) & (table["start_t"] < table["until"])]
        table = table.sort_values(["id", "start"], kind="stable").reset_index(drop=True)
        cls._check_cover(table, summary, ids)
        repeat = tx.merge(first.rename("first_day"), left_on="id", right_index=True)
        repeat = repeat[repeat["day"] > repeat["first_day"]].sort_values("day")
        located = pd.merge_asof(repeat, table[["id", "start"]].sort_values("start"),
                                left_on="day", right_on="start", by="id")
        counts = located.groupby(["id", "start"]).size().rename("n")
        table = table.merge(counts, left_on=["id", "start"], right_index=True, how="left")
        per = table.groupby("id", sort=True).size().reindex(ids).to_numpy(dtype=float)
        return cls(summary["x"].to_numpy(float), summary["t_x"].to_numpy(float),
                   summary["T"].to_numpy(float), per, table["end_t"].to_numpy(float),
                   table["n"].fillna(0.0).to_numpy(float),
                   table[list(purchase_covariates)].to_numpy(float),
                   table[list(dropout_covariates)].to_numpy(float),
                   purchase_covariates, dropout_covariates,
                   index=pd.Index(ids, name=customer_id_col))

    @staticmethod
    def _periods(covariates: Any, customer_id_col: str, period_col: str, names: List[str],
                 ids: Any) -> Any:
        """(id, start, covariates...) rows for the customers ``ids``."""
        import pandas as pd
        cov = pd.DataFrame({"start": pd.to_datetime(covariates[period_col]).to_numpy()})
        for name in names:
            cov[name] = as_vector(covariates[name], f"covariate {name}").astype(float)
        if customer_id_col in covariates.columns:
            cov.insert(0, "id", covariates[customer_id_col].to_numpy())
            if cov.duplicated(["id", "start"]).any():
                raise InvalidArgumentError("covariates has two rows for one customer and "
                                           "period")
            return cov[cov["id"].isin(ids)]
        if cov.duplicated(["start"]).any():
            raise InvalidArgumentError("covariates has two rows for one period")
        return pd.DataFrame({"id": ids}).merge(cov, how="cross")

    @staticmethod
    def _check_cover(table: Any, summary: Any, ids: Any) -> None:
        """Every customer's periods follow each other from its first purchase to until."""
        first = table.groupby("id")["start_t"].min().reindex(ids)
        last = table.groupby("id")["end_t"].max().reindex(ids)
        gap = table["start_t"].to_numpy()[1:] != table["end_t"].to_numpy()[:-1]
        same = table["id"].to_numpy()[1:] == table["id"].to_numpy()[:-1]
        bad = np.flatnonzero(gap & same)
        for who, problem in ((first.index[~(first <= 0)], "covariates start after the "
                              "first purchase"),
                             (last.index[~(last >= summary["until"].reindex(ids))],
                              "covariates end before the last date needed"),
                             (table["id"].to_numpy()[bad + 1], "covariate periods have a gap")):
            if len(who):
                raise InvalidArgumentError(f"customer {who[0]}: {problem} (period rows must "
                                           "cover each customer without gaps)")
